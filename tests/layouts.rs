//! Window layouts, read back from the PDF: for `din5008-a`, `din5008-b` and `block` with
//! `window = "us-10"`, the recipient's words lie inside the envelope's window field
//! (`pdftotext -bbox`), the fold and punch marks are where the standard puts them (found in a
//! `pdftoppm` render, ±0.5 mm), and no text lies in the margin the marks are in.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::pdfread::render_page;
use common::{letterhead, run, tool};

const MM: f64 = 72.0 / 25.4;

/// A word on page one and its box, in points from the top-left corner.
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn words(pdf: &Path) -> Vec<Word> {
    let html = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.contains("<word "))
        .map(|line| Word {
            text: line
                .split('>')
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_string(),
            x0: attr(line, "xMin"),
            y0: attr(line, "yMin"),
            x1: attr(line, "xMax"),
            y1: attr(line, "yMax"),
        })
        .collect()
}

/// Rows (in mm from the top) where something dark crosses the column `x_mm` of page one,
/// rendered at 10 pixels per mm; each run of dark rows counts once, at its middle.
fn marks_at(pdf: &Path, x_mm: f64) -> Vec<f64> {
    dark_runs(pdf, 1, x_mm)
        .iter()
        .map(|r| (r.0 + r.1) / 2.0)
        .collect()
}

/// The runs of dark rows (first, last, in mm from the top) crossing the column `x_mm` of page
/// `page` (from 1), rendered at 10 pixels per mm.
fn dark_runs(pdf: &Path, page: usize, x_mm: f64) -> Vec<(f64, f64)> {
    let page = render_page(pdf, page, 254, true);
    let column = (x_mm * 10.0) as usize;
    let height = page.height;
    let dark: Vec<bool> = (0..height)
        .map(|row| page.at(column, row)[0] < 200)
        .collect();
    let mut found = Vec::new();
    let mut row = 0;
    while row < height {
        if dark[row] {
            let start = row;
            while row < height && dark[row] {
                row += 1;
            }
            found.push((start as f64 / 10.0, (row - 1) as f64 / 10.0));
        }
        row += 1;
    }
    found
}

/// Renders `letter.md` with `letterhead.toml` in a fresh folder; gives the folder and the PDF.
fn render(letterhead_toml: &str, letter: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), letterhead_toml).unwrap();
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    (dir, pdf)
}

const RECIPIENT: [&str; 5] = [
    "Frau Dr. Erika Mustermann",
    "Stadtverwaltung Musterstadt",
    "Bauamt",
    "Rathausplatz 1",
    "12345 Musterstadt",
];

fn letter(extra: &str) -> String {
    format!(
        "+++\ndate = 2026-05-05\nto = {RECIPIENT:?}\nsubject = \"Bauantrag\"\n\
         closing = \"Mit freundlichen Grüßen\"\nyour-ref = \"BA-0815\"\nour-ref = \"MS-117\"\n\
         {extra}[signature]\nname = \"Klaus Müller\"\n+++\n\n\
         Vielen Dank für Ihr Schreiben. Die Unterlagen liegen bei.\n"
    )
}

fn din_letterhead(layout: &str) -> String {
    format!(
        "[organization]\nname = \"Müller GmbH\"\naddress = [\"Hauptstraße 12\", \"10115 Berlin\"]\n\
         [page]\nlayout = \"{layout}\"\n[style]\nlanguage = \"de-DE\"\n"
    )
}

/// Each of `lines` appears as consecutive words of page one, every one inside the rectangle
/// (left, top, right, bottom, in points).
fn assert_inside(words: &[Word], lines: &[&str], rect: (f64, f64, f64, f64)) {
    let (left, top, right, bottom) = rect;
    for line in lines {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let start = (0..words.len())
            .find(|&i| {
                parts
                    .iter()
                    .enumerate()
                    .all(|(k, p)| words.get(i + k).is_some_and(|w| w.text == *p))
            })
            .unwrap_or_else(|| panic!("`{line}` is not on page one"));
        for word in &words[start..start + parts.len()] {
            assert!(
                word.x0 >= left && word.x1 <= right && word.y0 >= top && word.y1 <= bottom,
                "`{}` of `{line}` at ({:.1}, {:.1})–({:.1}, {:.1}) pt lies outside the field \
                 ({left:.1}, {top:.1})–({right:.1}, {bottom:.1})",
                word.text,
                word.x0,
                word.y0,
                word.x1,
                word.y1
            );
        }
    }
}

fn assert_marks(found: &[f64], expected: &[f64]) {
    assert_eq!(
        found.len(),
        expected.len(),
        "marks at {found:?} mm, expected {expected:?}"
    );
    for (f, e) in found.iter().zip(expected) {
        assert!((f - e).abs() <= 0.5, "a mark at {f} mm, expected {e} mm");
    }
}

/// Nothing but the marks lies left of the body's margin.
fn assert_margin_clear(words: &[Word], margin_mm: f64) {
    for w in words {
        assert!(
            w.x0 >= margin_mm * MM - 0.5,
            "`{}` at x {:.1} mm is in the margin of the fold marks",
            w.text,
            w.x0 / MM
        );
    }
}

fn din(layout: &str, top_mm: f64, folds: [f64; 2]) {
    let (_dir, pdf) = render(&din_letterhead(layout), &letter(""));
    let words = words(&pdf);
    // The recipient zone: 25 mm (20 mm + 5 mm inside) to 105 mm across; from 17.7 mm below
    // the field's top to its bottom (45 mm).
    assert_inside(
        &words,
        &RECIPIENT,
        (
            25.0 * MM - 0.5,
            (top_mm + 17.7) * MM,
            105.0 * MM,
            (top_mm + 45.0) * MM,
        ),
    );
    // The return address in the field's top 5 mm.
    assert_inside(
        &words,
        &["Müller GmbH · Hauptstraße 12 · 10115 Berlin"],
        (
            25.0 * MM - 0.5,
            top_mm * MM,
            105.0 * MM,
            (top_mm + 5.0) * MM,
        ),
    );
    // The information block: 125 mm across, 75 mm wide, from the field's top.
    assert_inside(
        &words,
        &[
            "Ihr Zeichen: BA-0815",
            "Unser Zeichen: MS-117",
            "Datum: 5. Mai 2026",
        ],
        (
            125.0 * MM - 0.5,
            top_mm * MM,
            200.0 * MM,
            (top_mm + 45.0) * MM,
        ),
    );
    // Folds, then the punch mark (longer: it reaches 10 mm in, where the folds do not).
    let marks = marks_at(&pdf, 6.0);
    let mut expected = vec![folds[0], 148.5, folds[1]];
    expected.sort_by(f64::total_cmp);
    assert_marks(&marks, &expected);
    assert_marks(&marks_at(&pdf, 10.5), &[148.5]);
    assert_margin_clear(&words, 25.0);
}

#[test]
fn din5008_a_puts_the_address_in_the_window_and_marks_the_folds() {
    din("din5008-a", 27.0, [87.0, 192.0]);
}

#[test]
fn din5008_b_puts_the_address_in_the_window_and_marks_the_folds() {
    din("din5008-b", 45.0, [105.0, 210.0]);
}

#[test]
fn us10_puts_the_address_in_the_window_and_marks_the_thirds() {
    let toml = "[organization]\nname = \"Acme\"\n[page]\nsize = \"letter\"\nwindow = \"us-10\"\n\
                fold-marks = true\n";
    let recipient = [
        "Ms. Jane Doe",
        "Example Foundation",
        "1200 Main Street",
        "Springfield, IL 62701",
    ];
    let letter = format!(
        "+++\ndate = 2026-05-05\nto = {recipient:?}\nour-ref = \"A-17\"\n+++\n\nThank you.\n"
    );
    let (_dir, pdf) = render(toml, &letter);
    let words = words(&pdf);
    // The window on the letter's top third: 3/8 in to 4 7/8 in across; 1/2 in to 1 5/8 in
    // above the first fold (11/3 in).
    let fold = 11.0 / 3.0 * 72.0;
    assert_inside(
        &words,
        &recipient,
        (
            0.375 * 72.0,
            fold - 1.625 * 72.0,
            4.875 * 72.0,
            fold - 0.5 * 72.0,
        ),
    );
    // The date above the window, the reference below it.
    let date = words.iter().find(|w| w.text == "2026").unwrap();
    assert!(
        date.y1 < fold - 1.625 * 72.0,
        "the date is not above the window"
    );
    let reference = words.iter().find(|w| w.text == "A-17").unwrap();
    assert!(
        reference.y0 > fold - 0.5 * 72.0,
        "the reference is not below it"
    );
    assert_marks(&marks_at(&pdf, 6.0), &[279.4 / 3.0, 279.4 * 2.0 / 3.0]);
    assert_margin_clear(&words, 25.4);
}

#[test]
fn a_block_letter_without_window_keeps_its_order_and_has_no_marks() {
    let toml = "[organization]\nname = \"Acme\"\n";
    let letter =
        "+++\ndate = 2026-05-05\nto = [\"Ms. Jane Doe\"]\nyour-ref = \"X-1\"\n+++\n\nThank you.\n";
    let (_dir, pdf) = render(toml, letter);
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let order = [
        "May 5, 2026",
        "Your ref.: X-1",
        "Ms. Jane Doe",
        "Thank you.",
    ];
    let mut at = 0;
    for part in order {
        let found = text[at..]
            .find(part)
            .unwrap_or_else(|| panic!("`{part}` missing or out of order in:\n{text}"));
        at += found + part.len();
    }
    assert!(marks_at(&pdf, 6.0).is_empty());
}

/// Words of every page, with the page's number (from 1).
fn words_by_page(pdf: &Path) -> Vec<Vec<Word>> {
    let pages: usize = tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (1..=pages)
        .map(|n| {
            let html = tool(
                "pdftotext",
                &[
                    "-bbox",
                    "-f",
                    &n.to_string(),
                    "-l",
                    &n.to_string(),
                    pdf.to_str().unwrap(),
                    "-",
                ],
            );
            let attr = |line: &str, name: &str| -> f64 {
                let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                line[start..].split('"').next().unwrap().parse().unwrap()
            };
            html.lines()
                .filter(|l| l.contains("<word "))
                .map(|line| Word {
                    text: line
                        .split('>')
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap()
                        .to_string(),
                    x0: attr(line, "xMin"),
                    y0: attr(line, "yMin"),
                    x1: attr(line, "xMax"),
                    y1: attr(line, "yMax"),
                })
                .collect()
        })
        .collect()
}

fn footer_columns(columns_on: &str) -> Vec<Vec<Word>> {
    let toml = format!(
        "[organization]\nname = \"Acme\"\n[footer]\ncolumns = [[\"Acme GmbH\", \"Registergericht\"], \
         [\"Bankverbindung\", \"IBAN\"]]\ncolumns-on = \"{columns_on}\"\n"
    );
    let body = "Ein Absatz, der eine ganze Zeile füllt und noch ein wenig mehr Text enthält.\n\n"
        .repeat(60);
    let letter = format!("+++\nto = [\"A\"]\n+++\n\n{body}");
    let (_dir, pdf) = render(&toml, &letter);
    words_by_page(&pdf)
}

#[test]
fn footer_columns_stand_below_the_text_of_every_page() {
    let pages = footer_columns("every-page");
    assert!(pages.len() >= 2);
    for (n, words) in pages.iter().enumerate() {
        // The first row of the columns.
        let column_top = words
            .iter()
            .find(|w| w.text == "Bankverbindung")
            .unwrap_or_else(|| panic!("page {} has no footer columns", n + 1))
            .y0;
        let bank = words.iter().find(|w| w.text == "Bankverbindung").unwrap();
        let register = words.iter().find(|w| w.text == "Registergericht").unwrap();
        assert!(bank.x0 > register.x1, "the columns are not side by side");
        for w in words.iter().filter(|w| w.text == "Absatz,") {
            assert!(
                w.y1 < column_top,
                "page {}: text runs into the footer columns",
                n + 1
            );
        }
    }
}

#[test]
fn footer_columns_on_the_first_page_only() {
    let pages = footer_columns("first-page");
    assert!(pages.len() >= 2);
    assert!(pages[0].iter().any(|w| w.text == "Bankverbindung"));
    for words in &pages[1..] {
        assert!(!words.iter().any(|w| w.text == "Bankverbindung"));
    }
}

/// Renders a letter that must fail; gives its standard error. No PDF may be left.
fn render_fails(letterhead_toml: &str, letter: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), letterhead_toml).unwrap();
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !dir.path().join("letter.pdf").exists(),
        "a PDF beside an error"
    );
    r.stderr
}

fn din_return_address(name: &str, address: &[&str]) -> String {
    format!(
        "[organization]\nname = \"{name}\"\naddress = {address:?}\n\
         [page]\nlayout = \"din5008-b\"\n[style]\nlanguage = \"de-DE\"\n"
    )
}

#[test]
fn return_address_too_long_for_its_size_shrinks_and_is_never_cut() {
    let toml = din_return_address(
        "Wohnungsbaugesellschaft Mitte mbH",
        &["Hauptstraße 33", "10178 Berlin"],
    );
    // The whole return address, to the city.
    assert_return_line(
        &toml,
        "Wohnungsbaugesellschaft Mitte mbH · Hauptstraße 33 · 10178 Berlin",
    );
}

/// Renders a din5008-b letter and finds `line` whole on the return-address line, above the
/// window's endorsement zone.
fn assert_return_line(toml: &str, line: &str) {
    let (_dir, pdf) = render(toml, &letter(""));
    let top = 45.0 * MM;
    assert_inside(
        &words(&pdf),
        &[line],
        (25.0 * MM - 0.5, top, 105.0 * MM + 0.5, top + 5.0 * MM),
    );
}

#[test]
fn return_address_too_long_at_six_points_is_an_error_naming_the_part() {
    let toml = din_return_address(
        "Müller GmbH",
        &[
            "Karl-Liebknecht-Straße 33, Hinterhaus",
            "Postfach 12 34 56 78",
            "10178 Berlin-Mitte",
        ],
    );
    let err = render_fails(&toml, &letter(""));
    assert!(
        err.contains("error: the return address `Müller GmbH · Karl-Liebknecht")
            && err.contains("at 6 pt, longer than the 80 mm of its line in the address field: `10178 Berlin-Mitte` does not fit"),
        "{err}"
    );
}

#[test]
fn letterhead_reaching_into_the_din_form_a_field_is_an_error() {
    let toml = "[organization]\nname = \"Müller & Schmidt\"\ntagline = \"Tragwerksplanung · Statik\"\n\
                url = \"https://mueller-schmidt.example\"\nemail = \"info@mueller-schmidt.example\"\n\
                phone = \"+49 30 1234567\"\naddress = [\"Hauptstraße 12\", \"10115 Berlin\"]\n\
                [page]\nlayout = \"din5008-a\"\n[style]\nlanguage = \"de-DE\"\n";
    let err = render_fails(toml, &letter(""));
    assert!(
        err.contains("error: the letterhead reaches")
            && err.contains("into the address field of layout din5008-a, which starts at 27.0 mm"),
        "{err}"
    );
}

#[test]
fn information_block_values_line_up_on_one_tab_inside_the_right_margin() {
    let extra = "your-letter = 2026-04-28\ncustomer = \"K-40021\"\n";
    let letter = letter(extra).replace(
        "name = \"Klaus Müller\"",
        "name = \"Klaus Müller\"\nemail = \"klaus.mueller@tragwerksplanung-mueller-schmidt.example\"\nphone = \"+49 30 1234567-12\"",
    );
    let (_dir, pdf) = render(&din_letterhead("din5008-b"), &letter);
    let words = words(&pdf);
    let right = (210.0 - 20.0) * MM;
    // The first word of each value, right of its label, in the block at 125 mm.
    let values = ["BA-0815", "28.", "MS-117", "K-40021", "Klaus", "+49"];
    let xs: Vec<f64> = values
        .iter()
        .map(|v| {
            words
                .iter()
                .find(|w| w.text == *v && w.x0 > 125.0 * MM)
                .unwrap_or_else(|| panic!("no `{v}` in the information block"))
                .x0
        })
        .collect();
    for (v, x) in values.iter().zip(&xs) {
        assert!(
            (x - xs[0]).abs() < 0.5,
            "`{v}` starts at {x:.1} pt, the first value at {:.1} pt",
            xs[0]
        );
    }
    for w in words.iter().filter(|w| w.x0 > 125.0 * MM - 1.0) {
        assert!(
            w.x1 <= right + 0.5,
            "`{}` ends at {:.1} mm, past the right margin",
            w.text,
            w.x1 / MM
        );
    }
}

#[test]
fn footer_text_too_long_for_the_bottom_margin_is_an_error_not_cut_off() {
    let footer = "Registered office Berlin, register court Charlottenburg HRB 12345, managing \
                  directors Erika Mustermann and Max Mustermann, VAT ID DE123456789, Berliner \
                  Sparkasse IBAN DE02 1203 0000 0000 2020 51 BIC BELADEBEXXX, phone +49 30 1234567, \
                  fax +49 30 1234568, info@example.org, www.example.org; office hours Monday to \
                  Friday 9 to 17, Saturday by appointment, closed on public holidays in Berlin.";
    let toml = format!("[organization]\nname = \"Acme\"\n[footer]\ntext = \"{footer} {footer}\"\n");
    let err = render_fails(&toml, &letter(""));
    assert!(
        err.contains("error: the footer text needs") && err.contains("and the bottom margin holds"),
        "{err}"
    );
}

#[test]
fn a_table_of_long_compounds_keeps_every_word_inside_its_column() {
    // The three compounds cannot have their width: they break, and the one-letter columns keep
    // theirs (they used to be squeezed below it, so that the letter failed).
    let word = "Donaudampfschifffahrtsgesellschaftskapitänswitwe";
    let letter = format!(
        "+++\nto = [\"A\"]\n+++\n\n| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n\
         | {word} | {word} | {word} | x | y | z |\n"
    );
    let (_dir, pdf) = render("[organization]\nname = \"Acme\"\n", &letter);
    let words = words(&pdf);
    for letter in ["d", "e", "f", "x", "y", "z"] {
        assert!(
            words.iter().any(|w| w.text == letter),
            "`{letter}` is missing"
        );
    }
    // No two words on one line overlap, and none passes the right margin (1 in of a US
    // letter's 8.5 in).
    for a in &words {
        assert!(
            a.x1 <= 7.5 * 72.0 + 0.25,
            "`{}` runs past the margin",
            a.text
        );
        for b in &words {
            let same_line = ((a.y0 + a.y1) - (b.y0 + b.y1)).abs() < 4.0;
            if !std::ptr::eq(a, b) && same_line {
                assert!(
                    a.x1 <= b.x0 || b.x1 <= a.x0,
                    "`{}` and `{}` overlap",
                    a.text,
                    b.text
                );
            }
        }
    }
}

#[test]
fn a_table_with_more_columns_than_the_measure_holds_is_an_error() {
    let row = |cell: &str| format!("|{}|\n", vec![cell; 40].join("|"));
    let letter = format!(
        "+++\nto = [\"A\"]\n+++\n\n{}{}{}",
        row("abc"),
        row("---"),
        row("xyz")
    );
    let err = render_fails("[organization]\nname = \"Acme\"\n", &letter);
    assert!(
        err.contains("error: line `") && err.contains("past the margin"),
        "{err}"
    );
}

#[test]
fn a_long_name_sets_its_own_return_address() {
    let toml = din_return_address(
        "Wohnungsbaugenossenschaft Berlin Brandenburg eG",
        &["Karl-Marx-Allee 91", "10243 Berlin"],
    )
    .replace(
        "address = ",
        "return-address = \"WBG Berlin Brandenburg eG · Karl-Marx-Allee 91 · 10243 Berlin\"\naddress = ",
    );
    assert_return_line(
        &toml,
        "WBG Berlin Brandenburg eG · Karl-Marx-Allee 91 · 10243 Berlin",
    );
}

#[test]
fn a_recipient_line_too_wide_at_the_letter_size_sets_the_block_smaller() {
    let letter = letter("").replace(
        "\"Frau Dr. Erika Mustermann\"",
        "\"Herrn Prof. Dr. med. Konstantin Wawrzyniak-Lüdenscheid\"",
    );
    let (_dir, pdf) = render(&din_letterhead("din5008-b"), &letter);
    let words = words(&pdf);
    let top = 45.0 * MM;
    let mut lines = vec!["Herrn Prof. Dr. med. Konstantin Wawrzyniak-Lüdenscheid"];
    lines.extend(&RECIPIENT[1..]);
    assert_inside(
        &words,
        &lines,
        (
            25.0 * MM - 0.5,
            top + 17.7 * MM,
            105.0 * MM,
            top + 45.0 * MM,
        ),
    );
}

#[test]
fn continuation_sheets_carry_no_fold_or_punch_marks() {
    let body = "Ein Absatz, der eine ganze Zeile füllt und noch ein wenig mehr Text enthält.\n\n"
        .repeat(40);
    let letter = format!("{}\n{body}", letter(""));
    let (_dir, pdf) = render(&din_letterhead("din5008-b"), &letter);
    let pages = words_by_page(&pdf).len();
    assert!(pages >= 2);
    assert_eq!(marks_at(&pdf, 6.0).len(), 3, "page one has its marks");
    for page in 2..=pages {
        assert!(
            dark_runs(&pdf, page, 6.0).is_empty(),
            "page {page} has marks"
        );
    }
}

#[test]
fn a_quote_bar_runs_unbroken_through_the_gaps_between_its_paragraphs() {
    let letter = "+++\nto = [\"A\"]\n+++\n\n> The first paragraph of the quote.\n>\n\
                  > The second paragraph, after a gap.\n>\n> — Its author\n\nAfter the quote.\n";
    let (_dir, pdf) = render("[organization]\nname = \"Acme\"\n", letter);
    // The quote's text is indented 1.6 em, its bar stands 0.4 em right of the margin.
    let words = words(&pdf);
    let find = |text: &str| words.iter().find(|w| w.text == text).unwrap();
    let (margin, indented) = (find("After").x0, find("The").x0);
    let bar_x = margin + (indented - margin) / 1.6 * 0.4;
    let runs = dark_runs(&pdf, 1, bar_x / MM);
    let top = |text: &str| find(text).y0 / MM;
    let (first, author) = (top("first"), top("author"));
    let bars: Vec<_> = runs
        .iter()
        .filter(|r| r.1 > first && r.0 < author + 5.0)
        .collect();
    assert_eq!(bars.len(), 1, "the bar is broken: {runs:?}");
    assert!(
        bars[0].0 < first + 2.0 && bars[0].1 > author,
        "{bars:?} from {first} to {author}"
    );
}

#[test]
fn fold_marks_in_a_margin_too_narrow_for_them_are_an_error() {
    let toml = "[organization]\nname = \"Acme\"\n[page]\nlayout = \"din5008-b\"\n\
                margins = { left = \"8mm\" }\n";
    let err = render_fails(toml, &letter(""));
    assert!(
        err.contains("error: the fold and punch marks stand 4 to 12 mm from the left edge, and the left margin is 8.0 mm"),
        "{err}"
    );
}

#[test]
fn a_letterhead_that_leaves_page_one_no_room_is_an_error() {
    let address: Vec<String> = (1..=45).map(|i| format!("Address line {i}")).collect();
    let toml =
        format!("[organization]\nname = \"Acme\"\naddress = {address:?}\n[page]\nsize = \"a5\"\n");
    let err = render_fails(&toml, &letter(""));
    assert!(
        err.contains("error: page one, under the letterhead, would hold 0 mm of the letter"),
        "{err}"
    );
}

#[test]
fn a_recipient_entry_with_line_breaks_is_several_lines_of_the_window() {
    let letter = letter("").replace(
        "\"Frau Dr. Erika Mustermann\"",
        "\"Frau Dr. Erika Mustermann\\nz. Hd. Bauamt\"",
    );
    let (_dir, pdf) = render(&din_letterhead("din5008-b"), &letter);
    let top = 45.0 * MM;
    let mut lines = vec!["Frau Dr. Erika Mustermann", "z. Hd. Bauamt"];
    lines.extend(&RECIPIENT[1..]);
    assert_inside(
        &words(&pdf),
        &lines,
        (
            25.0 * MM - 0.5,
            top + 17.7 * MM,
            105.0 * MM,
            top + 45.0 * MM,
        ),
    );
}

#[test]
fn a_din_layout_on_a_page_narrower_than_a4_is_an_error() {
    let toml = "[organization]\nname = \"Acme\"\n[page]\nsize = \"a5\"\nlayout = \"din5008-b\"\n";
    let err = render_fails(toml, &letter(""));
    assert!(
        err.contains("error: the DIN 5008 layouts need a page as wide as A4 (210 mm)")
            && err.contains("this page is 148 mm wide"),
        "{err}"
    );
}
