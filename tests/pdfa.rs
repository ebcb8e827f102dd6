//! PDF/A-2b output (`--pdfa`, `page.pdfa = true`), read back with poppler and qpdf: the XMP
//! packet is there and says what the document information says, the sRGB output intent is
//! there, every link is printed, and text no font has is an error. (`tests/pdfa.sh`, run by
//! `.ci/run`, passes the same files through a PDF/A validator.)

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{example_dir, letterhead, run, tool};

const SEED: &str = "amnesty-draft-policy.md";

/// The value of `field` in `pdfinfo`'s output.
fn info_field(pdf: &Path, field: &str) -> String {
    tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// The text between `<tag>` (or `<tag ...>`) and `</tag>` in `xml`, tags inside removed.
fn xml_value(xml: &str, tag: &str) -> String {
    let open = xml
        .find(&format!("<{tag}>"))
        .or_else(|| xml.find(&format!("<{tag} ")))
        .unwrap_or_else(|| panic!("no <{tag}> in the XMP:\n{xml}"));
    let start = open + xml[open..].find('>').unwrap() + 1;
    let end = start + xml[start..].find(&format!("</{tag}>")).unwrap();
    let mut value = String::new();
    let mut in_tag = false;
    for c in xml[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => value.push(c),
            _ => {}
        }
    }
    value.trim().replace("&amp;", "&")
}

fn assert_pdfa(pdf: &Path) {
    let xmp = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    assert_eq!(xml_value(&xmp, "pdfaid:part"), "2");
    assert_eq!(xml_value(&xmp, "pdfaid:conformance"), "B");
    assert_eq!(xml_value(&xmp, "dc:title"), info_field(pdf, "Title"));
    assert_eq!(xml_value(&xmp, "dc:creator"), info_field(pdf, "Author"));
    assert_eq!(
        xml_value(&xmp, "xmp:CreatorTool"),
        info_field(pdf, "Creator")
    );
    assert_eq!(xml_value(&xmp, "pdf:Producer"), info_field(pdf, "Producer"));
    assert_eq!(xml_value(&xmp, "xmp:CreateDate"), "2015-08-05T00:00:00Z");
    let qdf = pdf.with_extension("qdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(text.contains("/OutputIntents"), "no output intent");
    assert!(text.contains("/S /GTS_PDFA1"));
    assert!(text.contains("/DestOutputProfile"));
    assert!(text.contains("(sRGB IEC61966-2.1)"));
    assert!(text.contains("/Type /Metadata"));
    let links = text.matches("/Subtype /Link").count();
    assert_eq!(text.matches("/F 4").count(), links, "a link lacks /F 4");
    assert!(
        tool("pdffonts", &[pdf.to_str().unwrap()])
            .lines()
            .skip(2)
            .all(|l| l.split_whitespace().rev().nth(4) == Some("yes"))
    );
}

#[test]
fn pdfa_flag_writes_xmp_and_the_output_intent() {
    let dir = example_dir();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", SEED, "--pdfa"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join(SEED).with_extension("pdf");
    assert_pdfa(&pdf);
    // Without the flag the XMP claims PDF/UA only: PDF/A is asked for, not imposed.
    let plain = dir.path().join("plain.pdf");
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", SEED, "-o", "plain.pdf"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let meta = tool("pdfinfo", &["-meta", plain.to_str().unwrap()]);
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{meta}");
    assert!(!meta.contains("pdfaid:part"), "{meta}");
}

#[test]
fn page_pdfa_in_the_letterhead_does_the_same() {
    let dir = example_dir();
    let toml = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let toml = toml.replacen("[page]\n", "[page]\npdfa = true\n", 1);
    assert!(toml.contains("pdfa = true"));
    std::fs::write(dir.path().join("letterhead.toml"), toml).unwrap();
    let r = run(letterhead().current_dir(dir.path()).args(["render", SEED]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_pdfa(&dir.path().join(SEED).with_extension("pdf"));
}

#[test]
fn pdfa_refuses_characters_no_font_has() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letter.md"),
        "+++\nto = [\"A\"]\n+++\n\nTea: 茶.\n",
    )
    .unwrap();
    let r = run(letterhead().current_dir(dir.path()).args([
        "render",
        "letter.md",
        "--pdfa",
        // Without the system's fonts, one of which may have the character.
        "--ignore-system-fonts",
        "--diagnostic-format",
        "short",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("PDF/A allows no character without a glyph, and no font has `茶`"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("letter.pdf").exists());
}
