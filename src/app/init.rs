//! `letterhead init [DIR]`: a commented `letterhead.toml` and an example letter that render out
//! of the box, and a `.gitignore` that keeps the rendered PDFs out of version control, written
//! into DIR. `--name`, `--layout` and `--language` fill in the letterhead; existing files are
//! only replaced with `--force`.
//!
//! It only writes the starter files; it renders nothing and reads no configuration.

use std::io::Write;
use std::path::Path;

use crate::cli::{InitArgs, LayoutArg};
use crate::diag::Diagnostic;
use crate::lang::{Language, TAGS};

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, eprint_diag};

/// The letterhead's template.
const LETTERHEAD: &str = include_str!("templates/letterhead.toml");
/// The example letter's template.
const LETTER: &str = include_str!("templates/letter.md");
/// The organization's name in both templates.
const EXAMPLE_NAME: &str = "Riverside Tenants’ Association";
/// What `.gitignore` gets: the rendered PDFs are build output.
const GITIGNORE: &str =
    "# PDFs rendered by letterhead: build output, made again from the letters.\n*.pdf\n";

/// Writes the starter files into the folder `args` names; returns the exit code.
pub(super) fn init(args: &InitArgs) -> u8 {
    let dir = args.dir.as_path();
    let files = match starter_files(args) {
        Ok(files) => files,
        Err(d) => {
            eprint_diag(&d);
            return EXIT_USAGE;
        }
    };
    // Refuse before writing anything, so that a half-initialised folder never results.
    if !args.force {
        for (name, _) in &files {
            let path = dir.join(name);
            if std::fs::symlink_metadata(&path).is_ok() {
                eprint_diag(
                    &Diagnostic::error(format!("`{}` already exists", path.display()))
                        .hint("init never overwrites a file unless `--force` is given: choose an empty folder, e.g. `letterhead init letters`"),
                );
                return EXIT_USAGE;
            }
        }
    }
    if let Err(err) = std::fs::create_dir_all(dir) {
        eprint_diag(&Diagnostic::error(format!(
            "cannot create the folder `{}` ({err})",
            dir.display()
        )));
        return EXIT_USAGE;
    }
    for (name, text) in &files {
        let path = dir.join(name);
        let written = if args.force {
            replace(&path, text)
        } else {
            // `create_new`: if the file appeared meanwhile, it is still not overwritten.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut file| file.write_all(text.as_bytes()))
        };
        if let Err(err) = written {
            eprint_diag(&Diagnostic::error(format!(
                "cannot write `{}` ({err})",
                path.display()
            )));
            return EXIT_FAILED;
        }
        eprintln!("wrote {}", path.display());
    }
    match ignore_pdfs(&dir.join(".gitignore")) {
        Ok(Some(what)) => eprintln!("{what} {}", dir.join(".gitignore").display()),
        Ok(None) => {}
        Err(err) => {
            eprint_diag(&Diagnostic::error(format!(
                "cannot write `{}` ({err})",
                dir.join(".gitignore").display()
            )));
            return EXIT_FAILED;
        }
    }
    eprintln!(
        "render the example with: letterhead render {}",
        dir.join(files[1].0).display()
    );
    EXIT_OK
}

/// The letterhead and the example letter, with the name, layout and language asked for.
fn starter_files(args: &InitArgs) -> crate::diag::Result<[(&'static str, String); 2]> {
    let mut letterhead = LETTERHEAD.to_string();
    let mut letter = LETTER.to_string();
    if let Some(name) = &args.name {
        if name.trim().is_empty() {
            return Err(Diagnostic::error("`--name` is empty")
                .hint("give the organization's name, e.g. `--name \"Riverside Tenants’ Association\"`")
                .boxed());
        }
        // Both files hold the name inside TOML strings.
        let escaped = toml_escape(name.trim());
        letterhead = letterhead.replace(EXAMPLE_NAME, &escaped);
        letter = letter.replace(EXAMPLE_NAME, &escaped);
    }
    if let Some(tag) = &args.language {
        let Some(language) = Language::from_tag(tag) else {
            return Err(
                Diagnostic::error(format!("language `{tag}` is not supported yet"))
                    .hint(format!(
                        "use one of {}",
                        TAGS.map(|t| format!("`{t}`")).join(", ")
                    ))
                    .boxed(),
            );
        };
        letterhead = set_line(
            &letterhead,
            "language  = \"en-US\"",
            &format!("language  = \"{}\"", language.tag()),
        );
    }
    match args.layout {
        None | Some(LayoutArg::Block) => {}
        Some(layout) => {
            // DIN 5008 is an A4 standard with its own side margins. Form A's address field
            // starts 27 mm from the top: the letterhead above it is compact, and the email
            // and phone go into the footer.
            if layout == LayoutArg::Din5008A {
                letterhead = letterhead
                    .replace("\nemail   = ", "\n# email = ")
                    .replace("\nphone   = ", "\n# phone = ")
                    .replace(
                        "\n[footer]\n",
                        "\n[footer]\n# Form A: the contact details below the letter, in columns.\n\
                         columns = [[\"office@riverside-tenants.example.org\", \"+1 555 0100\"]]\n",
                    );
            }
            letterhead = set_line(&letterhead, "size    = \"letter\"", "size    = \"a4\"    ");
            letterhead = set_line(
                &letterhead,
                "margins = { top = \"1in\", bottom = \"0.9in\", left = \"1in\", right = \"1in\" }",
                "margins = { top = \"20mm\", bottom = \"20mm\" }   # left and right: DIN 5008's 25 and 20 mm",
            );
            letterhead = set_line(
                &letterhead,
                "# layout = \"din5008-b\"          #",
                &format!("layout  = \"{}\"           #", layout.name()),
            );
        }
    }
    Ok([
        ("letterhead.toml", letterhead),
        ("example-letter.md", letter),
    ])
}

/// The template with the line that starts with `from` starting with `to` instead; the rest of
/// the line (its comment) is kept.
fn set_line(template: &str, from: &str, to: &str) -> String {
    template
        .lines()
        .map(|line| match line.strip_prefix(from) {
            Some(rest) => format!("{to}{rest}\n"),
            None => format!("{line}\n"),
        })
        .collect()
}

/// `text` for the inside of a TOML basic string (`"…"`).
fn toml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Replaces `path` with `text` through a temporary file and a rename, so an existing file is
/// only replaced by a complete one (and a symbolic link is replaced, not followed).
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let (tmp, mut file) = super::plan::create_temporary(path)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Makes `.gitignore` ignore `*.pdf`: writes it, or adds the line to one that lacks it. Says
/// what it did, or `None` when the file already ignored PDFs.
fn ignore_pdfs(path: &Path) -> std::io::Result<Option<&'static str>> {
    match std::fs::read_to_string(path) {
        Ok(existing) => {
            if existing.lines().any(|l| l.trim() == "*.pdf") {
                return Ok(None);
            }
            let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
            let separator = if existing.is_empty() || existing.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            file.write_all(format!("{separator}{GITIGNORE}").as_bytes())?;
            Ok(Some("added *.pdf to"))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut file| file.write_all(GITIGNORE.as_bytes()))?;
            Ok(Some("wrote"))
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_for_toml_strings() {
        assert_eq!(toml_escape(r#"The "Best" \ Co."#), r#"The \"Best\" \\ Co."#);
        assert_eq!(toml_escape("a\tb"), "a\\u0009b");
    }

    #[test]
    fn set_line_keeps_the_comment() {
        let out = set_line("a = 1   # one\nb = 2\n", "a = 1", "a = 3");
        assert_eq!(out, "a = 3   # one\nb = 2\n");
    }
}
