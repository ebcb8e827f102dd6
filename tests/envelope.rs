//! Envelopes and address labels, read back from the PDF (`pdftotext -bbox`, `qpdf --check`):
//! on every envelope size offered, the recipient's words lie inside the area the post reads
//! addresses in and the return address in the sender's zone; on label sheets every address
//! lies inside its own label, in data order, from the `--skip` position on; an address that
//! does not fit fails naming its row, and nothing is written.
//!
//! The areas are written out here from the postal rules themselves, not taken from the code.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::pdfread::{Bbox, word_pages};
use common::{letterhead, qpdf_ok, run, tool};

const MM: f64 = 72.0 / 25.4;
const IN: f64 = 72.0;

const LETTERHEAD: &str = "[organization]\nname = \"Müller & Schmidt\"\n\
    address = [\"Hauptstraße 12\", \"10115 Berlin\"]\n[style]\nlanguage = \"de-DE\"\n";

const TEMPLATE: &str = "+++\ndate = 2026-05-05\n\
    to = [\"{{ name }}\", \"{{ street }}\", \"{{ city }}\"]\n\
    subject = \"Einladung\"\n[signature]\nname = \"Klaus Müller\"\n+++\n\nHallo {{ name }}.\n";

/// A folder with the letterhead, the template and `rows` rows of data: row n is
/// `Person{n:02} Beispiel`, `{n} Lindenstraße`, `{10000 + n} Musterstadt`.
fn merge_dir(rows: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), LETTERHEAD).unwrap();
    std::fs::write(dir.path().join("invite.md"), TEMPLATE).unwrap();
    let mut csv = String::from("name,street,city\n");
    for n in 1..=rows {
        csv.push_str(&format!(
            "Person{n:02} Beispiel,{n} Lindenstraße,{} Musterstadt\n",
            10000 + n
        ));
    }
    std::fs::write(dir.path().join("people.csv"), csv).unwrap();
    dir
}

fn make(dir: &Path, args: &[&str]) -> common::Run {
    run(letterhead()
        .current_dir(dir)
        .args(["envelope", "invite.md", "--data", "people.csv"])
        .args(args))
}

fn inside(b: &Bbox, area: [f64; 4]) -> bool {
    // pdftotext's boxes run from the font's ascender to its descender: a quarter point of
    // rounding either way.
    let e = 0.25;
    b.x0 >= area[0] - e && b.y0 >= area[1] - e && b.x1 <= area[2] + e && b.y1 <= area[3] + e
}

/// An envelope size: its name, width and height in pt, the read area the recipient must lie
/// in and the sender's zone the return address must lie in, [x0, y0, x1, y1] from the top left.
type Size = (&'static str, f64, f64, [f64; 4], [f64; 4]);

fn sizes() -> Vec<Size> {
    // Deutsche Post: read zone 15 mm from the left, right and bottom edges and 40 mm from the
    // top; the sender's zone above it, left of the 74 mm stamp zone.
    let din = |name, w: f64, h: f64| {
        (
            name,
            w * MM,
            h * MM,
            [15.0 * MM, 40.0 * MM, (w - 15.0) * MM, (h - 15.0) * MM],
            [0.0, 0.0, (w - 74.0) * MM, 40.0 * MM],
        )
    };
    vec![
        din("dl", 220.0, 110.0),
        din("c6/5", 229.0, 114.0),
        din("c6", 162.0, 114.0),
        din("c5", 229.0, 162.0),
        din("c4", 324.0, 229.0),
        // USPS Publication 28: the OCR read area, 5/8 in to 2 3/4 in above the bottom edge,
        // 1/2 in from each side; the return address top left, above it.
        (
            "us-10",
            9.5 * IN,
            4.125 * IN,
            [
                0.5 * IN,
                (4.125 - 2.75) * IN,
                9.0 * IN,
                (4.125 - 0.625) * IN,
            ],
            [0.0, 0.0, 4.75 * IN, (4.125 - 2.75) * IN],
        ),
    ]
}

#[test]
fn recipients_lie_in_the_read_area_and_the_sender_in_its_zone_on_every_envelope_size() {
    let dir = merge_dir(3);
    for (size, width, height, read, sender) in sizes() {
        let out = format!("{}.pdf", size.replace('/', "-"));
        let r = make(dir.path(), &["--size", size, "-o", &out]);
        assert_eq!(r.code, 0, "{size}: {}", r.stderr);
        let pdf = dir.path().join(&out);
        assert!(qpdf_ok(&pdf), "{size}");
        let pages = word_pages(&pdf, false);
        assert_eq!(pages.len(), 3, "{size}: one envelope per row");
        for (n, page) in pages.iter().enumerate() {
            assert!(
                (page.width - width).abs() < 0.5 && (page.height - height).abs() < 0.5,
                "{size}: page {} × {}",
                page.width,
                page.height
            );
            let row = n + 1;
            let recipient = [
                format!("Person{row:02}"),
                "Beispiel".into(),
                "Lindenstraße".into(),
                format!("{}", 10000 + row),
                "Musterstadt".into(),
            ];
            for word in &recipient {
                let (_, b) = page
                    .words
                    .iter()
                    .find(|(t, _)| t == word)
                    .unwrap_or_else(|| panic!("{size} page {}: no `{word}`", n + 1));
                assert!(
                    inside(b, read),
                    "{size}: `{word}` at {b:?}, outside {read:?}"
                );
            }
            for word in ["Müller", "Schmidt", "Hauptstraße", "10115", "Berlin"] {
                let (_, b) = page
                    .words
                    .iter()
                    .find(|(t, _)| t == word)
                    .unwrap_or_else(|| panic!("{size}: no sender word `{word}`"));
                assert!(
                    inside(b, sender),
                    "{size}: `{word}` at {b:?}, outside {sender:?}"
                );
            }
        }
    }
}

#[test]
fn a_single_letter_gets_an_envelope_for_its_own_recipient() {
    let dir = merge_dir(0);
    std::fs::write(
        dir.path().join("letter.md"),
        "+++\nto = [\"Stadtverwaltung Musterstadt\", \"Rathausplatz 1\", \"12345 Musterstadt\"]\n+++\n\nText.\n",
    )
    .unwrap();
    let r =
        run(letterhead()
            .current_dir(dir.path())
            .args(["envelope", "letter.md", "--size", "dl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("envelopes.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no `{s}` in {text}"));
    // The sender is read first, then the recipient, line by line.
    assert!(at("Müller & Schmidt") < at("Stadtverwaltung Musterstadt"));
    assert!(at("Rathausplatz 1") < at("12345 Musterstadt"));
}

/// Avery L7160 from its published specification: 3 × 7 labels of 63.5 × 38.1 mm, the first
/// at 7.21 mm from the left and 15.15 mm from the top, 66.04 mm apart across.
fn l7160(n: usize) -> [f64; 4] {
    let (col, row) = ((n % 21) % 3, (n % 21) / 3);
    let x = (7.21 + 66.04 * col as f64) * MM;
    let y = (15.15 + 38.1 * row as f64) * MM;
    [x, y, x + 63.5 * MM, y + 38.1 * MM]
}

/// The label each row's words are on: (page, label number on the sheet) per row, checking
/// that every word lies inside that label.
fn labels_of(pdf: &Path, rows: usize, skip: usize) {
    let pages = word_pages(pdf, false);
    assert_eq!(pages.len(), (rows + skip).div_ceil(21));
    let mut seen = 0;
    for (p, page) in pages.iter().enumerate() {
        for (word, b) in &page.words {
            // Every word of the page lies inside some label...
            let label = (0..21)
                .find(|&n| inside(b, l7160(n)))
                .unwrap_or_else(|| panic!("page {}: `{word}` at {b:?} is on no label", p + 1));
            // ...and the name is the row whose turn that label is.
            if let Some(row) = word.strip_prefix("Person") {
                let row: usize = row.parse().unwrap();
                assert_eq!(p * 21 + label, skip + row - 1, "`{word}`");
                seen += 1;
            }
        }
    }
    assert_eq!(seen, rows);
}

#[test]
fn thirty_rows_on_a_21_label_sheet_take_two_pages_each_address_in_its_label() {
    let dir = merge_dir(30);
    let r = make(dir.path(), &["--labels", "avery-l7160"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("labels.pdf");
    assert!(qpdf_ok(&pdf));
    labels_of(&pdf, 30, 0);
}

#[test]
fn skip_starts_on_the_label_after_the_used_ones() {
    let dir = merge_dir(17);
    let r = make(dir.path(), &["--labels", "avery-l7160", "--skip", "5"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 5 + 17 = 22 labels: the last one spills onto a second sheet.
    labels_of(&dir.path().join("labels.pdf"), 17, 5);
    let r = make(dir.path(), &["--labels", "avery-l7160", "--skip", "21"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`--skip 21`"), "{}", r.stderr);
}

#[test]
fn every_sheet_holds_its_count_of_labels_inside_the_page() {
    for (sheet, per_sheet, page_w, page_h) in [
        ("avery-l7160", 21, 210.0 * MM, 297.0 * MM),
        ("avery-l7163", 14, 210.0 * MM, 297.0 * MM),
        ("avery-5160", 30, 8.5 * IN, 11.0 * IN),
        ("avery-5163", 10, 8.5 * IN, 11.0 * IN),
    ] {
        let dir = merge_dir(per_sheet + 1);
        let r = make(dir.path(), &["--labels", sheet]);
        assert_eq!(r.code, 0, "{sheet}: {}", r.stderr);
        let pdf = dir.path().join("labels.pdf");
        assert!(qpdf_ok(&pdf), "{sheet}");
        let pages = word_pages(&pdf, false);
        assert_eq!(pages.len(), 2, "{sheet}: one full sheet and one more label");
        assert!((pages[0].width - page_w).abs() < 0.5, "{sheet}");
        assert!((pages[0].height - page_h).abs() < 0.5, "{sheet}");
        let names = |p: &common::pdfread::WordPage| {
            p.words
                .iter()
                .filter(|(t, _)| t.starts_with("Person"))
                .count()
        };
        assert_eq!(names(&pages[0]), per_sheet, "{sheet}");
        assert_eq!(names(&pages[1]), 1, "{sheet}");
    }
}

#[test]
fn an_address_too_long_for_its_label_fails_naming_the_row_and_writes_nothing() {
    let dir = merge_dir(3);
    let csv = "name,street,city\nPerson01 Beispiel,1 Lindenstraße,10001 Musterstadt\n\
        Person02 Beispiel,Abteilung für Grundsatzangelegenheiten der Wasserwirtschaft und Stadtentwässerung,10002 Musterstadt\n";
    std::fs::write(dir.path().join("people.csv"), csv).unwrap();
    let r = make(dir.path(), &["--labels", "avery-5160"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("row 2 of `people.csv`"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Grundsatzangelegenheiten"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("labels.pdf").exists());
    // Too many lines for the label, even at the smallest size.
    let template = TEMPLATE.replace(
        "\"{{ city }}\"]",
        "\"{{ city }}\", \"a\", \"b\", \"c\", \"d\", \"e\"]",
    );
    std::fs::write(dir.path().join("invite.md"), template).unwrap();
    let r = make(dir.path(), &["--labels", "avery-5160"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("row 1 of `people.csv` (line 2): the address has 8 lines"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("labels.pdf").exists());
}

#[test]
fn envelopes_are_byte_identical_run_to_run() {
    let dir = merge_dir(4);
    let read = |name: &str| -> Vec<u8> {
        let r = make(dir.path(), &["--size", "dl", "-o", name]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::read(dir.path().join(name)).unwrap()
    };
    assert_eq!(read("a.pdf"), read("b.pdf"));
}
