//! `letterhead init [DIR]`: a commented `letterhead.toml` and an example letter that render out
//! of the box, written into DIR. Existing files are never overwritten.
//!
//! It only writes the two starter files; it renders nothing and reads no configuration.

use std::io::Write;
use std::path::Path;

use crate::diag::Diagnostic;

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, eprint_diag};

/// The files `init` writes: name and text.
const FILES: [(&str, &str); 2] = [
    ("letterhead.toml", include_str!("templates/letterhead.toml")),
    ("example-letter.md", include_str!("templates/letter.md")),
];

/// Writes the starter files into `dir`; returns the exit code.
pub(super) fn init(dir: &Path) -> u8 {
    // Refuse before writing anything, so that a half-initialised folder never results.
    for (name, _) in FILES {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok() {
            eprint_diag(
                &Diagnostic::error(format!("`{}` already exists", path.display()))
                    .hint("init never overwrites a file: choose an empty folder, e.g. `letterhead init letters`"),
            );
            return EXIT_USAGE;
        }
    }
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprint_diag(&Diagnostic::error(format!(
            "cannot create the folder `{}` ({err})",
            dir.display()
        )));
        return EXIT_USAGE;
    }
    for (name, text) in FILES {
        let path = dir.join(name);
        // `create_new`: if the file appeared meanwhile, it is still not overwritten.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| file.write_all(text.as_bytes()));
        if let Err(err) = written {
            eprint_diag(&Diagnostic::error(format!(
                "cannot write `{}` ({err})",
                path.display()
            )));
            return EXIT_FAILED;
        }
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "render the example with: letterhead render {}",
        dir.join(FILES[1].0).display()
    );
    EXIT_OK
}
