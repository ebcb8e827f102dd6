//! The letterhead never prints on top of itself: over a matrix of organization names (short,
//! two long words, many words) × logo shapes (1:4 … 100:1) × logo positions × layouts (block,
//! DIN 5008 form A and B, US #10 window), every letter either renders with no two words and no
//! word and the logo overlapping, and everything inside the margins — read back with
//! `pdftotext -bbox` and the logo's pixels in a `pdftoppm` render — or fails with an error and
//! writes no PDF.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::pdfread::{Bbox, render_page, word_pages};
use common::{letterhead, run};

/// Words of page one with their boxes, and the page's size.
fn words(pdf: &Path) -> (Vec<(String, Bbox)>, f64, f64) {
    let page = word_pages(pdf, true).remove(0);
    (page.words, page.width, page.height)
}

/// The box of the logo's pure green pixels on page one, rendered at 72 dpi (a pixel a point).
fn logo_box(pdf: &Path) -> Option<Bbox> {
    let page = render_page(pdf, 1, 72, false);
    let mut found: Option<Bbox> = None;
    for y in 0..page.height {
        for x in 0..page.width {
            let p = page.at(x, y);
            if p[0] < 40 && p[1] > 160 && p[2] < 40 {
                let (x, y) = (x as f64, y as f64);
                let b = found.get_or_insert(Bbox {
                    x0: x,
                    y0: y,
                    x1: x + 1.0,
                    y1: y + 1.0,
                });
                b.x0 = b.x0.min(x);
                b.y0 = b.y0.min(y);
                b.x1 = b.x1.max(x + 1.0);
                b.y1 = b.y1.max(y + 1.0);
            }
        }
    }
    found
}

/// An opaque, pure green PNG logo of `width` × `height` pixels.
fn green_png(path: &Path, width: u32, height: u32) {
    image::RgbImage::from_pixel(width, height, image::Rgb([0, 200, 0]))
        .save(path)
        .unwrap();
}

/// The tagline and contact details of most cases.
const CONTACT: &str = r#"tagline = "Für eine lebendige Stadt"
url = "https://www.example-organisation.org"
email = "info@example-organisation.org"
phone = "+49 30 1234567"
address = ["Hauptstraße 12", "10115 Berlin"]"#;

const NAMES: [&str; 3] = [
    "Acme",
    "Stadtentwicklungsgesellschaft Brandenburg",
    "Verein zur Förderung der Denkmalpflege und Stadtgeschichte in Berlin und Brandenburg",
];

/// Logo shapes, width : height, in pixels.
const LOGOS: [(u32, u32); 5] = [(100, 400), (300, 300), (800, 200), (2000, 100), (4000, 40)];

/// `[page]` of each layout, and its side margins in points.
const LAYOUTS: [(&str, &str, f64, f64); 4] = [
    ("block", "size = \"letter\"", 72.0, 72.0),
    (
        "din5008-a",
        "size = \"a4\"\nlayout = \"din5008-a\"",
        25.0 * 72.0 / 25.4,
        20.0 * 72.0 / 25.4,
    ),
    (
        "din5008-b",
        "size = \"a4\"\nlayout = \"din5008-b\"",
        25.0 * 72.0 / 25.4,
        20.0 * 72.0 / 25.4,
    ),
    ("us-10", "size = \"letter\"\nwindow = \"us-10\"", 72.0, 72.0),
];

const LETTER: &str = r#"+++
date = 2026-12-02
to = ["Frau Dr. Erika Mustermann", "Hauptstraße 5", "10115 Berlin"]
subject = "Letterhead geometry"
salutation = "Dear Dr. Mustermann,"
closing = "Yours sincerely,"
[signature]
name = "Klaus Müller"
+++

A short body, so that the letterhead is what is tested.
"#;

/// One case: renders and checks it. Gives whether it rendered.
fn case(
    dir: &Path,
    name: &str,
    logo: (u32, u32),
    position: &str,
    layout: &(&str, &str, f64, f64),
    organization: &str,
) -> bool {
    let (layout_name, page, left_margin, right_margin) = *layout;
    let label = format!("{name:.12}… {}:{} {position} {layout_name}", logo.0, logo.1);
    let folder = dir.join(format!(
        "{}-{}x{}-{position}-{layout_name}-{}",
        name.len(),
        logo.0,
        logo.1,
        organization.len()
    ));
    std::fs::create_dir_all(&folder).unwrap();
    green_png(&folder.join("logo.png"), logo.0, logo.1);
    let toml = format!(
        r#"[organization]
name = "{name}"
logo = "logo.png"
logo-position = "{position}"
{organization}

[page]
{page}
"#
    );
    std::fs::write(folder.join("letterhead.toml"), toml).unwrap();
    std::fs::write(folder.join("letter.md"), LETTER).unwrap();
    let pdf = folder.join("letter.pdf");
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(folder.join("letter.md")));
    if r.code != 0 {
        assert_eq!(r.code, 1, "{label}: {}", r.stderr);
        assert!(r.stderr.contains(": error: "), "{label}: {}", r.stderr);
        assert!(!pdf.exists(), "{label}: a PDF was written beside an error");
        return false;
    }
    let (words, width, height) = words(&pdf);
    assert!(!words.is_empty(), "{label}: no text");
    let right = width - right_margin;
    for (text, b) in &words {
        assert!(
            b.x0 >= left_margin - 1.0 && b.x1 <= right + 1.0 && b.y0 >= 0.0 && b.y1 <= height,
            "{label}: `{text}` at {b:?} leaves the margins ({left_margin:.0}..{right:.0})"
        );
    }
    for (i, (a, ab)) in words.iter().enumerate() {
        for (b, bb) in &words[i + 1..] {
            assert!(
                !ab.core().overlaps(&bb.core()),
                "{label}: `{a}` at {ab:?} overlaps `{b}` at {bb:?}"
            );
        }
    }
    let logo_box = logo_box(&pdf).unwrap_or_else(|| panic!("{label}: no logo drawn"));
    assert!(
        logo_box.x0 >= left_margin - 1.5 && logo_box.x1 <= right + 1.5,
        "{label}: the logo at {logo_box:?} leaves the margins"
    );
    let inner = Bbox {
        x0: logo_box.x0 + 1.0,
        y0: logo_box.y0 + 1.0,
        x1: logo_box.x1 - 1.0,
        y1: logo_box.y1 - 1.0,
    };
    for (text, b) in &words {
        assert!(
            !b.core().overlaps(&inner),
            "{label}: `{text}` at {b:?} overlaps the logo at {logo_box:?}"
        );
    }
    true
}

#[test]
fn letterhead_parts_never_overlap_over_names_logos_and_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let mut rendered = Vec::new();
    let mut refused = Vec::new();
    for layout in &LAYOUTS {
        for name in NAMES {
            for logo in LOGOS {
                for position in ["left", "right"] {
                    // Right-hand logos for the middle shapes only: the rest adds time, not cases.
                    if position == "right" && !(logo.0 == 300 || logo.0 == 800) {
                        continue;
                    }
                    let id = (layout.0, name.len(), logo, position);
                    if case(dir.path(), name, logo, position, layout, CONTACT) {
                        rendered.push(id);
                    } else {
                        refused.push(id);
                    }
                }
            }
        }
    }
    // The matrix has teeth: ordinary letterheads render, impossible ones are refused.
    let block_square = |v: &Vec<(&str, usize, (u32, u32), &str)>| {
        v.iter()
            .filter(|(l, _, logo, _)| *l == "block" && logo.0 == 300)
            .count()
    };
    assert_eq!(block_square(&rendered), 6, "refused: {refused:?}");
    // Long names beside wide logos are set below them, not refused.
    assert!(
        rendered
            .iter()
            .any(|(l, n, logo, _)| *l == "block" && *n > 60 && logo.0 == 800),
        "refused: {refused:?}"
    );
    // A wordmark of 100:1 is made as wide as the measure, not refused.
    assert!(
        rendered
            .iter()
            .any(|(l, _, logo, _)| *l == "block" && logo.0 == 4000),
        "refused: {refused:?}"
    );
    assert!(
        rendered.len() >= 30,
        "only {} of the cases rendered",
        rendered.len()
    );
}

#[test]
fn logo_wider_than_the_measure_at_its_set_height_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    green_png(&d.join("logo.png"), 2000, 100);
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\nlogo = \"logo.png\"\nlogo-height = \"18mm\"\n",
    )
    .unwrap();
    std::fs::write(d.join("letter.md"), LETTER).unwrap();
    let r = run(letterhead().arg("render").arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: the logo is 360 mm wide at 18 mm high, wider than the 165 mm between the margins"),
        "{}",
        r.stderr
    );
    assert!(!d.join("letter.pdf").exists());
}

#[test]
fn a_tall_contact_column_or_a_long_tagline_beside_a_wide_logo_moves_rather_than_fails() {
    let dir = tempfile::tempdir().unwrap();
    let address: Vec<String> = (1..=8)
        .map(|i| format!("Address line {i} Somewhere Street {}", i * 11))
        .collect();
    let tall_column = format!("url = \"https://example.org\"\naddress = {address:?}");
    let long_tagline = format!(
        "tagline = \"{}\"",
        "Supporting communities with housing advice, legal aid and research since 1921. "
            .repeat(4)
            .trim()
    );
    for position in ["left", "right"] {
        for (name, organization) in [("Acme", &tall_column), ("", &long_tagline)] {
            assert!(
                case(
                    dir.path(),
                    name,
                    (800, 100),
                    position,
                    &LAYOUTS[0],
                    organization
                ),
                "{name:?} with {organization} beside a wide logo at the {position} was refused"
            );
        }
    }
}
