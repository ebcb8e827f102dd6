//! `letterhead fonts`: the font families available — the bundled ones, those a letterhead
//! configures, and those found among the system's fonts and the font folders — with their faces
//! and the scripts they cover.
//!
//! It lists; it changes nothing.

use std::path::{Path, PathBuf};

use crate::cli::FontsArgs;
use crate::config;
use crate::fonts::{self, Family, Variant};

use super::load::read_source;
use super::{EXIT_OK, EXIT_USAGE, eprint_diag, plan};

/// Fewest characters of a script a face must have for the script to be listed.
const MIN_SCRIPT_CHARACTERS: usize = 10;

/// Prints the listing on standard output; returns the exit code.
pub(super) fn list_fonts(args: &FontsArgs) -> u8 {
    let letterhead = args.letterhead.as_deref();
    let book = std::sync::Arc::new(super::load::font_book(&args.fonts));
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
            .and_then(|lh| {
                let family = fonts::load(
                    &lh.style.font,
                    &lh.style.fallback,
                    lh.path.as_deref(),
                    &book,
                )?;
                Ok((family, lh))
            });
        match loaded {
            Ok((family, lh)) => {
                let bundled = matches!(&lh.style.font,
                    config::FontChoice::Named(name) if fonts::BUNDLED.contains(&name.as_str()));
                if !bundled {
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
    let families = book.families();
    let mut places: Vec<String> = book
        .sources()
        .paths
        .iter()
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if book.sources().system {
        places.push("the system's fonts".into());
    }
    if !places.is_empty() {
        out.push_str(&format!(
            "\n{} {} in {} (`style.font = \"NAME\"`, `style.fallback = [\"NAME\"]`):\n",
            families.len(),
            if families.len() == 1 {
                "family"
            } else {
                "families"
            },
            places.join(" and ")
        ));
        for family in families {
            out.push_str(family);
            out.push('\n');
            if args.variants {
                for face in book.faces_of(family) {
                    let index = if face.index > 0 {
                        format!(" (face {})", face.index)
                    } else {
                        String::new()
                    };
                    out.push_str(&format!(
                        "  {:<20} {}{index}\n",
                        face.style_name(),
                        face.path.display()
                    ));
                }
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
