//! Output that is right, read back from the PDF: link annotations (indirect objects, only
//! clickable schemes, URIs in 7-bit ASCII), characters no font has (never extracted as another
//! character), logos beside CFF fonts, and the combined print file (print scaling, Info,
//! distinct subset tags, the same pixels as the letters alone). Each runs with both kinds of
//! font program: TrueType (Noto Serif) and CFF (`.otf`) — here Ghostscript's URW fonts,
//! installed with `gs`.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{letter, letterhead, qpdf_ok, repo, run, tool};
use lopdf::Object;

/// A CFF font: embedded as a `CIDFontType0` with a `/FontFile3` program.
const CFF_FONT: &str = "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf";

/// The letterhead of these tests, with the TrueType default font or the CFF one.
fn letterhead_toml(cff: bool) -> String {
    assert!(
        !cff || Path::new(CFF_FONT).exists(),
        "{CFF_FONT} is needed for this test (Debian's fonts-urw-base35, installed with gs)"
    );
    let font = if cff {
        format!("[style]\nfont = {{ regular = \"{CFF_FONT}\" }}\n")
    } else {
        String::new()
    };
    format!("[organization]\nname = \"Acme\"\nurl = \"https://bücher.example/\"\n{font}")
}

/// Renders `body` in a fresh folder; gives the folder, the PDF and the run's stderr.
fn render(body: &str, cff: bool) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), letterhead_toml(cff)).unwrap();
    std::fs::write(d.join("letter.md"), letter("to = [\"A\"]", body)).unwrap();
    let r = run(letterhead()
        // Only the letter's own fonts: these tests are about characters no font has.
        .args([
            "render",
            "--ignore-system-fonts",
            "--diagnostic-format",
            "short",
        ])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    (dir, pdf, r.stderr)
}

/// The `/URI` of every link annotation on every page, checking that `/Annots` holds
/// references only (ISO 32000-1 §12.5.2).
fn link_uris(pdf: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut uris = Vec::new();
    for page in doc.get_pages().into_values() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in annots.as_array().unwrap() {
            let Object::Reference(id) = annot else {
                panic!("a direct annotation in /Annots: {annot:?}");
            };
            let annot = doc.get_dictionary(*id).unwrap();
            let action = annot.get(b"A").unwrap().as_dict().unwrap();
            let uri = action.get(b"URI").unwrap().as_str().unwrap();
            uris.push(String::from_utf8(uri.to_vec()).unwrap());
        }
    }
    uris
}

const LINKS: &str = "See [our site](<https://example.org/straße?q=a b>), \
    [a script](javascript:alert(1)), [a file](file:///etc/passwd), \
    [old](ftp://example.org/x) and <mailto:zoë@example.org>.";

fn links_are_indirect_ascii_and_only_clickable_schemes(cff: bool) {
    let (_dir, pdf, stderr) = render(LINKS, cff);
    let uris = link_uris(&pdf);
    assert_eq!(
        uris,
        [
            "https://b%C3%BCcher.example/",
            "https://example.org/stra%C3%9Fe?q=a%20b",
            "mailto:zo%C3%AB@example.org",
        ],
        "{stderr}"
    );
    // The refused links print as text, each with a warning at the link in the letter.
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("a script, a file, old and"), "{text}");
    for (column, link) in [
        (53, "javascript:alert(1)"),
        (86, "file:///etc/passwd"),
        (116, "ftp://example.org/x"),
    ] {
        let expected = format!(
            "letter.md:5:{column}: warning: the link `{link}` is printed as text, not as a link"
        );
        assert!(stderr.contains(&expected), "{expected}\n{stderr}");
    }
}

#[test]
fn links_are_indirect_ascii_and_only_clickable_schemes_truetype() {
    links_are_indirect_ascii_and_only_clickable_schemes(false);
}

#[test]
fn links_are_indirect_ascii_and_only_clickable_schemes_cff() {
    links_are_indirect_ascii_and_only_clickable_schemes(true);
}

#[test]
fn a_letterhead_address_with_another_scheme_is_not_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nurl = \"javascript:alert(1)\"\n",
    )
    .unwrap();
    std::fs::write(d.join("letter.md"), letter("to = [\"A\"]", "Hello.")).unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "letterhead.toml:3:7: warning: the link `javascript:alert(1)` is printed as text"
        ),
        "{}",
        r.stderr
    );
    assert!(link_uris(&d.join("letter.pdf")).is_empty());
}

fn missing_characters_extract_as_nothing_else(cff: bool) {
    let (_dir, pdf, stderr) = render("Greetings 👋 and 你好 from the team.", cff);
    assert!(stderr.contains("has no glyph for `👋`"), "{stderr}");
    for reader in [
        tool("pdftotext", &[pdf.to_str().unwrap(), "-"]),
        tool(
            "mutool",
            &["draw", "-q", "-F", "txt", pdf.to_str().unwrap()],
        ),
    ] {
        let line = reader
            .lines()
            .find(|l| l.contains("Greetings"))
            .unwrap_or_else(|| panic!("{reader}"));
        // The missing characters come out as U+FFFD or not at all, never as another one.
        let known: String = line.chars().filter(|c| *c != '\u{FFFD}').collect();
        let words: Vec<&str> = known.split_whitespace().collect();
        assert_eq!(
            words,
            ["Greetings", "and", "from", "the", "team."],
            "{line}"
        );
    }
}

#[test]
fn missing_characters_extract_as_nothing_else_truetype() {
    missing_characters_extract_as_nothing_else(false);
}

#[test]
fn missing_characters_extract_as_nothing_else_cff() {
    missing_characters_extract_as_nothing_else(true);
}

#[test]
fn the_combined_file_prints_at_full_size_has_info_and_distinct_subset_tags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        repo().join("letters/letterhead.toml"),
        d.join("letterhead.toml"),
    )
    .unwrap();
    for name in ["thank-you.template.md", "supporters.csv"] {
        std::fs::copy(repo().join("letters/merge").join(name), d.join(name)).unwrap();
    }
    // A link in the template: its annotations must stay indirect in the combined file.
    let template = std::fs::read_to_string(d.join("thank-you.template.md")).unwrap();
    std::fs::write(
        d.join("thank-you.template.md"),
        format!("{template}\nMore at [our site](https://example.org/ünser).\n"),
    )
    .unwrap();
    let combined = d.join("print.pdf");
    let r = run(letterhead()
        .arg("merge")
        .arg(d.join("thank-you.template.md"))
        .arg("--data")
        .arg(d.join("supporters.csv"))
        .arg("--combine")
        .arg(&combined));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&combined));
    let path = combined.to_str().unwrap();

    let info = tool("pdfinfo", &[path]);
    for line in [
        "Title:           print",
        "Creator:         letterhead ",
        "Producer:        letterhead ",
        // SOURCE_DATE_EPOCH
        "CreationDate:    Wed Aug  5 00:00:00 2015 UTC",
        "ModDate:         Wed Aug  5 00:00:00 2015 UTC",
    ] {
        assert!(info.contains(line), "{line}\n{info}");
    }
    let catalog = tool("qpdf", &["--show-object=trailer", path]);
    let root = catalog
        .split("/Root ")
        .nth(1)
        .unwrap()
        .split(" 0 R")
        .next()
        .unwrap();
    let catalog = tool("qpdf", &[&format!("--show-object={root}"), path]);
    assert!(
        catalog.contains("/ViewerPreferences << ") && catalog.contains("/PrintScaling /None"),
        "{catalog}"
    );

    // Each subset's name (tag + font) belongs to one font program only.
    let doc = lopdf::Document::load(&combined).unwrap();
    let mut programs: BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let (Ok(name), Ok(file)) = (
            dict.get(b"FontName").and_then(Object::as_name),
            dict.get(b"FontFile2").and_then(Object::as_reference),
        ) else {
            continue;
        };
        let program = doc.get_object(file).unwrap().as_stream().unwrap();
        let bytes = program
            .decompressed_content()
            .unwrap_or(program.content.clone());
        programs.entry(name.to_vec()).or_default().insert(bytes);
    }
    // One subset per face for the whole file: each font name once, whatever its tag.
    let faces: BTreeSet<&[u8]> = programs.keys().map(|name| &name[7..]).collect();
    assert_eq!(faces.len(), programs.len(), "{:?}", programs.keys());
    assert!(faces.len() >= 2, "{:?}", programs.keys());
    for (name, set) in &programs {
        assert_eq!(
            set.len(),
            1,
            "{} names {} subsets",
            String::from_utf8_lossy(name),
            set.len()
        );
    }
    let uris = link_uris(&combined);
    assert_eq!(uris.len(), 40, "{uris:?}");
    assert!(uris.contains(&"https://example.org/%C3%BCnser".to_string()));
}

#[test]
fn control_characters_of_the_front_matter_never_reach_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), letterhead_toml(false)).unwrap();
    // A bell, an escape sequence, a backspace and a line break, as copy and paste bring them.
    std::fs::write(
        d.join("letter.md"),
        "+++\nto = [\"A\"]\nsubject = \"Rent\\u0007 \\u001b[31mreview\\nof 2026\"\n\
         [signature]\nname = \"Zoë\\u0008 Brand\"\n+++\n\nHello.\n",
    )
    .unwrap();
    let r = run(letterhead().arg("render").arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = d.join("letter.pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let info = doc
        .get_dictionary(doc.trailer.get(b"Info").unwrap().as_reference().unwrap())
        .unwrap();
    for key in [b"Title".as_slice(), b"Subject", b"Author"] {
        let value = lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
        assert!(
            !value.chars().any(char::is_control),
            "{}: {value:?}",
            String::from_utf8_lossy(key)
        );
    }
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Title:           Rent [31mreview of 2026\n"),
        "{info}"
    );
    // Nor the page: no `.notdef` box is drawn (it would extract as U+FFFD), and each is
    // reported once, by code point (the character itself could drive the terminal).
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("Rent [31mreview") && text.contains("Zoë Brand"),
        "{text}"
    );
    assert!(
        !text.contains('\u{FFFD}')
            && !text
                .chars()
                .any(|c| c.is_control() && !c.is_whitespace() && c != '\u{c}'),
        "{text:?}"
    );
    let r = run(letterhead()
        .args(["check", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("letter.md:3:16: warning: the text holds control characters (U+0007, U+001B), which are not printed")
            && r.stderr.contains("(U+0008)")
            && !r.stderr.contains('\u{1b}'),
        "{}",
        r.stderr
    );
    assert!(info.contains("Author:          Zoë Brand\n"), "{info}");
}

#[test]
fn page_boxes_are_exact_and_font_descriptors_say_serif_and_cap_height() {
    for (size, width, height) in [
        ("letter", Object::Integer(612), Object::Integer(792)),
        ("A4", Object::Real(595.276), Object::Real(841.89)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(
            d.join("letterhead.toml"),
            format!("[organization]\nname = \"Acme\"\n[page]\nsize = \"{size}\"\n"),
        )
        .unwrap();
        std::fs::write(
            d.join("letter.md"),
            letter("to = [\"A\"]", "**Hello** there."),
        )
        .unwrap();
        let r = run(letterhead().arg("render").arg(d.join("letter.md")));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let doc = lopdf::Document::load(d.join("letter.pdf")).unwrap();
        for page in doc.get_pages().into_values() {
            let page = doc.get_dictionary(page).unwrap();
            for key in [b"MediaBox".as_slice(), b"CropBox", b"TrimBox"] {
                let Ok(bounds) = page.get(key) else {
                    assert_ne!(key, b"MediaBox");
                    continue;
                };
                assert_eq!(
                    bounds.as_array().unwrap(),
                    &vec![
                        Object::Integer(0),
                        Object::Integer(0),
                        width.clone(),
                        height.clone()
                    ],
                    "{size} {}",
                    String::from_utf8_lossy(key)
                );
            }
        }
        let descriptors: Vec<&lopdf::Dictionary> = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").ok() == Some(&Object::Name(b"FontDescriptor".to_vec())))
            .collect();
        assert_eq!(descriptors.len(), 2, "regular and bold");
        for descriptor in descriptors {
            let flags = descriptor.get(b"Flags").unwrap().as_i64().unwrap();
            // Serif (2) and nonsymbolic (32); Noto Serif's OS/2 cap height is 714/1000 em.
            assert_eq!(flags, 2 | 32, "{descriptor:?}");
            assert_eq!(descriptor.get(b"CapHeight").unwrap().as_i64().unwrap(), 714);
        }
    }
}

/// Page `n` (from 1) of `pdf` rendered by pdftoppm at 80 dpi, as PPM bytes.
fn page_pixels(pdf: &Path, n: usize) -> Vec<u8> {
    let prefix = pdf.with_extension(format!("p{n}"));
    let n = n.to_string();
    tool(
        "pdftoppm",
        &[
            "-r",
            "80",
            "-f",
            &n,
            "-l",
            &n,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    std::fs::read(format!("{}.ppm", prefix.display())).unwrap()
}

/// A merge's combined print file holds one subset per face and shows glyphs by their ids in
/// the face; every page must still look exactly like the letter's own PDF.
fn combined_pages_look_like_the_letters_alone(cff: bool) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), letterhead_toml(cff)).unwrap();
    std::fs::write(
        d.join("rows.csv"),
        "name,gift\nZoë Quist,\"€ 12,50\"\nJÜRGEN Wax,7\nämy,1 000 000\n",
    )
    .unwrap();
    std::fs::write(
        d.join("thanks.md"),
        letter(
            "to = [\"{{ name }}\"]\nsalutation = \"Dear {{ name }},\"",
            "Thank you for *{{ gift }}*, **{{ name }}**: fjord, quixotic, ffi.",
        ),
    )
    .unwrap();
    let combined = d.join("print.pdf");
    let r = run(letterhead()
        .args(["merge", "--ignore-system-fonts", "--data"])
        .arg(d.join("rows.csv"))
        .arg("--out-dir")
        .arg(d.join("out"))
        .arg("--combine")
        .arg(&combined)
        .arg(d.join("thanks.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&combined));
    let letters = common::pdfs_in(&d.join("out"));
    assert_eq!(letters.len(), 3, "{letters:?}");
    let fonts = tool("pdffonts", &[combined.to_str().unwrap()]);
    let kind = if cff { "CID Type 0C" } else { "CID TrueType" };
    assert!(fonts.lines().skip(2).all(|l| l.contains(kind)), "{fonts}");
    let mut page = 0;
    for pdf in &letters {
        let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(info.contains("Pages:           1\n"), "{info}");
        page += 1;
        assert!(
            page_pixels(pdf, 1) == page_pixels(&combined, page),
            "page {page} of the combined file differs from {}",
            pdf.display()
        );
    }
    let text = tool("pdftotext", &[combined.to_str().unwrap(), "-"]);
    for words in [
        "Dear Zoë Quist,",
        "€ 12,50",
        "JÜRGEN Wax",
        "ämy",
        "quixotic, ffi.",
    ] {
        assert!(text.contains(words), "{words}\n{text}");
    }
}

#[test]
fn combined_pages_look_like_the_letters_alone_truetype() {
    combined_pages_look_like_the_letters_alone(false);
}

#[test]
fn combined_pages_look_like_the_letters_alone_cff() {
    combined_pages_look_like_the_letters_alone(true);
}

/// Logos beside a CFF font: an SVG logo drawn as vector paths, a JPEG logo passed through as
/// its own bytes. Both print in their colour next to the text.
#[test]
fn cff_font_letters_carry_svg_and_jpeg_logos() {
    let jpeg = std::fs::read(repo().join("tests/fixtures/cmyk-red.jpg")).unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"30\" \
               viewBox=\"0 0 60 30\"><rect width=\"60\" height=\"30\" fill=\"#c8203c\"/></svg>";
    for (file, bytes) in [("logo.svg", svg.as_bytes()), ("logo.jpg", &jpeg[..])] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join(file), bytes).unwrap();
        std::fs::write(
            d.join("letterhead.toml"),
            format!(
                "[organization]\nname = \"Acme\"\nlogo = \"{file}\"\nlogo-height = \"20mm\"\n\
                 [style]\nfont = {{ regular = \"{CFF_FONT}\" }}\n"
            ),
        )
        .unwrap();
        std::fs::write(d.join("letter.md"), letter("to = [\"A\"]", "Hello there.")).unwrap();
        let r = run(letterhead()
            .args(["render", "--ignore-system-fonts"])
            .arg(d.join("letter.md")));
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let pdf = d.join("letter.pdf");
        assert!(qpdf_ok(&pdf));
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(fonts.contains("CID Type 0C"), "{fonts}");
        let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
        assert!(text.contains("Hello there."), "{text}");
        let doc = lopdf::Document::load(&pdf).unwrap();
        let passed_through = doc.objects.values().any(|o| {
            o.as_stream().is_ok_and(|s| {
                s.dict.get(b"Filter").and_then(Object::as_name).ok() == Some(b"DCTDecode")
                    && s.content == jpeg
            })
        });
        assert_eq!(passed_through, file == "logo.jpg", "{file}");
        // Red where the logo is: the top left of the page at 80 dpi.
        let pixels = page_pixels(&pdf, 1);
        let header_end = pixels
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(2)
            .unwrap()
            .0;
        let red = pixels[header_end + 1..]
            .chunks(3)
            .filter(|p| p[0] > 150 && p[1] < 90 && p[2] < 110)
            .count();
        assert!(red > 500, "{file}: {red} red pixels");
    }
}

/// Letters set in a CFF font share subsets across a run (the subset cache, keyed by face and
/// glyphs): a batch in one process, with letters that use the same glyphs and ones that do
/// not, gives each letter the bytes it gets alone.
#[test]
fn cff_letters_rendered_together_or_alone_give_identical_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), letterhead_toml(true)).unwrap();
    let bodies = [
        "Thank you, fjord quixotic.",
        "Thank you, fjord quixotic.",
        "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.",
        "Thank you, fjord quixotic.",
    ];
    for (i, body) in bodies.iter().enumerate() {
        std::fs::write(
            d.join(format!("letter-{i}.md")),
            letter("to = [\"A\"]", body),
        )
        .unwrap();
    }
    let r = run(letterhead()
        .args([
            "render",
            "-q",
            "-j",
            "1",
            "--ignore-system-fonts",
            "--out-dir",
        ])
        .arg(d.join("together"))
        .arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    for i in 0..bodies.len() {
        let name = format!("letter-{i}");
        let alone = d.join("alone").join(format!("{name}.pdf"));
        let r = run(letterhead()
            .args(["render", "--ignore-system-fonts"])
            .arg(d.join(format!("{name}.md")))
            .arg("-o")
            .arg(&alone));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let together = d.join("together").join(format!("{name}.pdf"));
        assert!(
            std::fs::read(&together).unwrap() == std::fs::read(&alone).unwrap(),
            "{name} differs between a batch and a run of its own"
        );
    }
}
