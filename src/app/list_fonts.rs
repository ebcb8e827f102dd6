//! `letterhead fonts`: the font families available — the bundled ones and those a letterhead
//! configures — with their faces and the scripts they cover.
//!
//! It lists; it does not search the system's fonts (letterhead never uses them).

use std::path::{Path, PathBuf};

use crate::config;
use crate::fonts::{self, Family, Variant};

use super::load::read_source;
use super::{EXIT_OK, EXIT_USAGE, eprint_diag, plan};

/// Fewest characters of a script a face must have for the script to be listed.
const MIN_SCRIPT_CHARACTERS: usize = 10;

/// Prints the listing on standard output; returns the exit code.
pub(super) fn list_fonts(letterhead: Option<&Path>) -> u8 {
    let mut out = String::new();
    let bundled = fonts::bundled();
    out.push_str(&format!(
        "{} — bundled, compiled into letterhead; `style.font = {}`\n",
        bundled.name,
        fonts::BUNDLED
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(" or ")
    ));
    describe(&bundled, &mut out);

    let found: Option<PathBuf> = match letterhead {
        Some(path) => Some(path.to_path_buf()),
        None => plan::find_letterhead(Path::new("")),
    };
    if let Some(path) = found {
        let loaded = read_source(&path, "letterhead")
            .and_then(|source| config::parse(&source))
            .and_then(|lh| Ok((fonts::load(&lh.style.font, lh.path.as_deref())?, lh)));
        match loaded {
            Ok((family, lh)) => {
                if let config::FontChoice::Files { .. } = lh.style.font {
                    out.push_str(&format!(
                        "\n{} — configured in {}\n",
                        family.name,
                        path.display()
                    ));
                    describe(&family, &mut out);
                } else {
                    out.push_str(&format!(
                        "\n{} uses the bundled {}\n",
                        path.display(),
                        family.name
                    ));
                }
            }
            Err(d) => {
                print!("{out}");
                eprint_diag(&d);
                return EXIT_USAGE;
            }
        }
    }
    print!("{out}");
    EXIT_OK
}

/// Lists a family's faces and its regular face's coverage.
fn describe(family: &Family, out: &mut String) {
    let variants = [
        (Variant::Regular, "regular"),
        (Variant::Bold, "bold"),
        (Variant::Italic, "italic"),
        (Variant::BoldItalic, "bold italic"),
    ];
    for (variant, label) in variants {
        let face = family.face(variant);
        if family.provides(variant) {
            out.push_str(&format!("  {label:<12} {}\n", face.name));
        } else {
            out.push_str(&format!("  {label:<12} (none: {} stands in)\n", face.name));
        }
    }
    let (total, scripts) = family.face(Variant::Regular).coverage();
    // A handful of characters (modifier letters, a symbol) is not coverage of a script.
    let list: Vec<String> = scripts
        .iter()
        .filter(|(_, count)| *count >= MIN_SCRIPT_CHARACTERS)
        .map(|(name, count)| format!("{name} ({count})"))
        .collect();
    out.push_str(&format!(
        "  {total} characters; scripts: {}\n",
        list.join(", ")
    ));
}
