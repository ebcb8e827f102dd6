//! Fonts by family name and fallback faces, read back from the PDF: a family found among the
//! system's fonts or in a font folder, a name that is not found, `letterhead fonts`, and
//! recipients' names in scripts the letter's font lacks. The fonts are Debian's, which
//! `.ci/run` and `tests/run` install: fonts-urw-base35 (Ghostscript's URW faces),
//! fonts-dejavu-core and fonts-noto-cjk.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{letter, letterhead, qpdf_ok, run, tool};

const URW: &str = "/usr/share/fonts/opentype/urw-base35";
const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn need(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is needed for this test (Debian's {package}; `bash tests/run` installs it)"
    );
}

/// A folder with a letterhead (`style` lines added) and a letter to `to`.
fn folder(style: &str, to: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        format!("[organization]\nname = \"Acme\"\n[style]\n{style}\n"),
    )
    .unwrap();
    let md = dir.path().join("letter.md");
    std::fs::write(&md, letter(&format!("to = {to}"), body)).unwrap();
    (dir, md)
}

/// `pdffonts` lines naming `face`: each must be embedded and subset.
fn embedded_subset(pdf: &Path, face: &str) -> usize {
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let lines: Vec<&str> = listing.lines().filter(|l| l.contains(face)).collect();
    for line in &lines {
        let name = line.split_whitespace().next().unwrap();
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "not subset: {line}"
        );
        assert!(
            line.contains(" yes yes yes "),
            "not embedded, subset, mapped: {line}"
        );
    }
    lines.len()
}

#[test]
fn family_name_finds_a_system_font() {
    need(URW, "fonts-urw-base35");
    let (_dir, md) = folder(
        "font = \"nimbus sans\"",
        "[\"Ms Ada Lovelace\"]",
        "Hello **world** and *this*.",
    );
    let r = run(letterhead().arg("render").arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = md.with_extension("pdf");
    assert!(qpdf_ok(&pdf));
    for face in ["NimbusSans-Regular", "NimbusSans-Bold", "NimbusSans-Italic"] {
        assert_eq!(embedded_subset(&pdf, face), 1, "{face}");
    }
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("Hello world and this."), "{text}");
}

#[test]
fn unknown_family_is_an_error_with_the_closest_name() {
    need(URW, "fonts-urw-base35");
    let (_dir, md) = folder("font = \"Nimbus Sanz\"", "[\"A\"]", "Hello.");
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(&md));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("letterhead.toml:4:8: error: no font family `Nimbus Sanz` was found"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `Nimbus Sans`?"),
        "{}",
        r.stderr
    );
    assert!(!md.with_extension("pdf").exists());
}

#[test]
fn font_path_is_searched_and_system_fonts_can_be_left_out() {
    need(URW, "fonts-urw-base35");
    let (_dir, md) = folder("font = \"URW Gothic\"", "[\"A\"]", "Hello.");
    // Without the system's fonts, only the font path has the family.
    let r = run(letterhead()
        .args(["render", "--ignore-system-fonts"])
        .arg(&md));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no font family `URW Gothic`"),
        "{}",
        r.stderr
    );
    let r = run(letterhead()
        .args(["render", "--ignore-system-fonts"])
        .env("LETTERHEAD_FONT_PATHS", format!("/nonexistent:{URW}"))
        .arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        embedded_subset(&md.with_extension("pdf"), "URWGothic-Book"),
        1
    );
    let r = run(letterhead()
        .args(["render", "--ignore-system-fonts", "--font-path", URW])
        .arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn fonts_lists_families_found_and_their_variants() {
    need(URW, "fonts-urw-base35");
    let dir = tempfile::tempdir().unwrap();
    let r = run(letterhead()
        .args(["fonts", "--ignore-system-fonts", "--font-path", URW])
        .current_dir(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("families in `/usr/share/fonts/opentype/urw-base35`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.lines().any(|l| l == "Nimbus Sans"), "{}", r.stdout);
    assert!(!r.stdout.contains("NimbusSans-Bold.otf"), "{}", r.stdout);
    let r = run(letterhead()
        .args([
            "fonts",
            "--variants",
            "--ignore-system-fonts",
            "--font-path",
            URW,
        ])
        .current_dir(dir.path()));
    assert!(
        r.stdout
            .contains(&format!("  Bold                 {URW}/NimbusSans-Bold.otf")),
        "{}",
        r.stdout
    );
}

#[test]
fn chinese_and_greek_recipient_names_print_from_a_fallback_face() {
    need(NOTO_CJK, "fonts-noto-cjk");
    let (_dir, md) = folder(
        "",
        "[\"王小明\", \"Ελένη Παπαδοπούλου\", \"Beijing\"]",
        "Dear 王小明, dear Ελένη,\n\nthank you.",
    );
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The face found among the system's fonts is named.
    assert!(
        r.stderr
            .contains("set in `NotoSansCJKsc-Regular`, found among the system's fonts"),
        "{}",
        r.stderr
    );
    let pdf = md.with_extension("pdf");
    assert!(qpdf_ok(&pdf));
    for text in [
        tool("pdftotext", &[pdf.to_str().unwrap(), "-"]),
        tool(
            "mutool",
            &["draw", "-q", "-F", "txt", pdf.to_str().unwrap()],
        ),
    ] {
        assert!(text.contains("王小明\n"), "{text}");
        assert!(text.contains("Ελένη Παπαδοπούλου"), "{text}");
        assert!(text.contains("Dear 王小明, dear Ελένη,"), "{text}");
        assert!(!text.contains('\u{FFFD}'), "{text}");
    }
    assert_eq!(embedded_subset(&pdf, "NotoSansCJKsc-Regular"), 1);
}

/// The font program of each embedded font whose name contains `face`: its descriptor's
/// `/FontFile2` or `/FontFile3` key, the program's `/Subtype`, and its length.
fn font_programs(pdf: &Path, face: &str) -> Vec<(String, String, usize)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut found = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let Ok(name) = dict.get(b"FontName").and_then(lopdf::Object::as_name) else {
            continue;
        };
        if !String::from_utf8_lossy(name).contains(face) {
            continue;
        }
        for key in ["FontFile2", "FontFile3"] {
            let Ok(id) = dict
                .get(key.as_bytes())
                .and_then(lopdf::Object::as_reference)
            else {
                continue;
            };
            let stream = doc.get_object(id).unwrap().as_stream().unwrap();
            let subtype = stream
                .dict
                .get(b"Subtype")
                .and_then(lopdf::Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let bytes = stream
                .decompressed_content()
                .unwrap_or(stream.content.clone());
            found.push((key.to_string(), subtype, bytes.len()));
        }
    }
    found
}

/// A face of a CFF font collection (Noto Sans CJK's `.ttc`, 19 MB): by family name it is the
/// collection's third face, by file path its first; either is subset to the glyphs used and
/// embedded as a CFF CID font, and its text extracts.
#[test]
fn cff_collection_faces_by_name_and_by_file_are_subset_and_extract() {
    need(NOTO_CJK, "fonts-noto-cjk");
    for (style, face) in [
        ("font = \"Noto Sans CJK SC\"", "NotoSansCJKsc-Regular"),
        (
            &*format!("font = {{ regular = \"{NOTO_CJK}\" }}"),
            "NotoSansCJKjp-Regular",
        ),
    ] {
        let (_dir, md) = folder(style, "[\"王小明\", \"北京\"]", "您好，王小明。Hello.");
        let r = run(letterhead()
            .args(["render", "--diagnostic-format", "short"])
            .arg(&md));
        assert_eq!(r.code, 0, "{style}: {}", r.stderr);
        let pdf = md.with_extension("pdf");
        assert!(qpdf_ok(&pdf));
        assert_eq!(embedded_subset(&pdf, face), 1, "{style}");
        let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
        assert!(listing.contains("CID Type 0C"), "{listing}");
        let programs = font_programs(&pdf, face);
        assert_eq!(programs.len(), 1, "{programs:?}");
        let (key, subtype, length) = &programs[0];
        assert_eq!(
            (key.as_str(), subtype.as_str()),
            ("FontFile3", "CIDFontType0C")
        );
        assert!(
            *length < 40_000,
            "{style}: a program of {length} bytes is no subset"
        );
        for text in [
            tool("pdftotext", &[pdf.to_str().unwrap(), "-"]),
            tool(
                "mutool",
                &["draw", "-q", "-F", "txt", pdf.to_str().unwrap()],
            ),
        ] {
            assert!(text.contains("王小明\n"), "{text}");
            assert!(text.contains("您好，王小明。Hello."), "{text}");
        }
    }
}

/// Fuzz finds for font files (`tests/fuzz-regressions/font-*`): each a system font with some
/// bytes changed. The letter must fail with a clear error naming the font, and write no PDF.
#[test]
fn a_damaged_cff_font_is_a_clear_error() {
    need(URW, "fonts-urw-base35");
    let regressions = common::repo().join("tests/fuzz-regressions");
    let mut cases = 0;
    for entry in std::fs::read_dir(&regressions).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("font-") {
            continue;
        }
        cases += 1;
        let recipe = std::fs::read_to_string(&path).unwrap();
        let mut font = Vec::new();
        for line in recipe.lines().filter(|l| !l.starts_with('#')) {
            match line.split_once(' ') {
                Some(("base", base)) => font = std::fs::read(base).unwrap(),
                Some((at, byte)) => {
                    font[at.parse::<usize>().unwrap()] = u8::from_str_radix(byte, 16).unwrap();
                }
                None => {}
            }
        }
        let (dir, md) = folder("font = { regular = \"damaged.otf\" }", "[\"A\"]", "Hello.");
        std::fs::write(dir.path().join("damaged.otf"), &font).unwrap();
        let r = run(letterhead()
            .args(["render", "--ignore-system-fonts"])
            .arg(&md));
        assert_ne!(r.code, 0, "{name}");
        assert!(
            r.stderr.contains("the font `damaged` cannot be embedded"),
            "{name}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert!(!md.with_extension("pdf").exists(), "{name}");
    }
    assert!(cases > 0);
}

#[test]
fn configured_fallback_file_is_used_before_the_system_fonts_without_a_warning() {
    need(DEJAVU, "fonts-dejavu-core");
    let (_dir, md) = folder(
        &format!("fallback = [\"{DEJAVU}\"]"),
        "[\"A\"]",
        "In braille: ⠓⠑⠇⠇⠕.",
    );
    let r = run(letterhead()
        .args([
            "render",
            "--ignore-system-fonts",
            "--diagnostic-format",
            "short",
        ])
        .arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("glyph") && !r.stderr.contains("found among"),
        "{}",
        r.stderr
    );
    let pdf = md.with_extension("pdf");
    assert_eq!(embedded_subset(&pdf, "DejaVuSans"), 1);
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(text.contains("In braille: ⠓⠑⠇⠇⠕."), "{text}");
}

#[test]
fn symbols_the_bundled_family_lacks_print_from_the_bundled_symbol_faces() {
    let (_dir, md) = folder("", "[\"A\"]", "Tick ☑ or ☐ ✓, about 3 ≈ π − 0.14 → done.");
    let r = run(letterhead()
        .args([
            "render",
            "--ignore-system-fonts",
            "--diagnostic-format",
            "short",
        ])
        .arg(&md));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("glyph"), "{}", r.stderr);
    let pdf = md.with_extension("pdf");
    assert!(qpdf_ok(&pdf));
    assert_eq!(embedded_subset(&pdf, "NotoSansMath-Regular"), 1);
    assert_eq!(embedded_subset(&pdf, "NotoSansSymbols2-Regular"), 1);
    for text in [
        tool("pdftotext", &[pdf.to_str().unwrap(), "-"]),
        tool(
            "mutool",
            &["draw", "-q", "-F", "txt", pdf.to_str().unwrap()],
        ),
    ] {
        assert!(
            text.contains("Tick ☑ or ☐ ✓, about 3 ≈ π − 0.14 → done."),
            "{text}"
        );
    }
}

#[test]
fn right_to_left_text_in_a_font_that_has_it_fails_too() {
    need(DEJAVU, "fonts-dejavu-core");
    // DejaVu Sans has Hebrew: the text is covered, and still refused.
    let (_dir, md) = folder(
        &format!("font = {{ regular = \"{DEJAVU}\" }}"),
        "[\"A\"]",
        "Shalom, שלום.",
    );
    let r = run(letterhead().arg("render").arg(&md));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("right-to-left text"), "{}", r.stderr);
    assert!(!md.with_extension("pdf").exists());
}

#[test]
fn right_to_left_text_fails_the_letter_instead_of_printing_backwards() {
    let (_dir, md) = folder("", "[\"שלום עליכם\"]", "Hello.");
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(&md));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(":2:8: error: right-to-left text (`ש` (U+05E9)"),
        "{}",
        r.stderr
    );
    assert!(!md.with_extension("pdf").exists());
}
