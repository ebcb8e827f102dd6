//! A designer's stationery under the letter, read back with other tools: its text on every
//! page before the letter's in drawing order (`pdftotext -raw`), `first` on page one and
//! `later` after it, the margins of a rendered page pixel for pixel those of the stationery
//! alone (`pdftoppm`), the stationery held once in a file and once in a merge's combined file,
//! our own letterhead left off or drawn as asked, nothing of a hostile file carried along.
//!
//! The stationery is made by another program, Ghostscript (`gs -sDEVICE=pdfwrite`), from
//! PostScript written here.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::pdfread::render_page;
use common::{ghostscript, letterhead, pages, qpdf_ok, run, tool, uncompressed};

/// A4 page one: a blue band across the top with the name, a blue stripe down the left edge,
/// the registered office at the foot.
const FIRST_PS: &str = "%!PS
<< /PageSize [595.276 841.89] >> setpagedevice
0.1 0.3 0.6 setrgbcolor 0 791.89 595.276 50 rectfill
1 1 1 setrgbcolor /Helvetica-Bold findfont 22 scalefont setfont
40 806 moveto (Designer Stationery Ltd) show
0.1 0.3 0.6 setrgbcolor 0 0 12 841.89 rectfill
/Helvetica findfont 8 scalefont setfont 0 0 0 setrgbcolor
40 20 moveto (Registered office: 1 Design Street) show
showpage
";

/// A4 later pages: a red stripe down the left edge, a line at the foot.
const LATER_PS: &str = "%!PS
<< /PageSize [595.276 841.89] >> setpagedevice
0.6 0.2 0.1 setrgbcolor 0 0 12 841.89 rectfill
/Helvetica findfont 8 scalefont setfont 0 0 0 setrgbcolor
40 20 moveto (Continuation sheet) show
showpage
";

/// A folder with both stationery files and a letterhead using them (`extra` added to its
/// stationery table).
fn folder(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ghostscript(d, "letterhead-first.pdf", FIRST_PS);
    ghostscript(d, "letterhead-later.pdf", LATER_PS);
    std::fs::write(
        d.join("letterhead.toml"),
        format!(
            "[organization]\nname = \"Example Ltd\"\naddress = [\"1 Main Street\", \"Springfield\"]\n\
             [page]\nsize = \"a4\"\nmargins = {{ top = \"40mm\" }}\n\
             stationery = {{ first = \"letterhead-first.pdf\", later = \"letterhead-later.pdf\"{extra} }}\n"
        ),
    )
    .unwrap();
    dir
}

/// A letter of two pages.
fn two_pages(dir: &Path) {
    let body = "A long paragraph on designed paper, said again and again. ".repeat(90);
    std::fs::write(
        dir.join("letter.md"),
        format!(
            "+++\nto = [\"Jane Doe\", \"2 Side Street\"]\nsubject = \"On stationery\"\n+++\n\n{body}\n"
        ),
    )
    .unwrap();
}

fn render(dir: &Path, args: &[&str]) {
    let r = run(letterhead().current_dir(dir).args(args));
    assert_eq!(r.code, 0, "letterhead {args:?}:\n{}", r.stderr);
}

fn raw_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    tool(
        "pdftotext",
        &["-raw", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    )
}

/// Form XObjects in the file.
fn forms(pdf: &Path) -> usize {
    uncompressed(pdf).matches("/Subtype /Form").count()
}

/// A one-page letter with a one-page enclosure, `report.pdf`, that reads "The report".
fn letter_with_report(d: &Path) {
    ghostscript(
        d,
        "report.pdf",
        &LATER_PS.replace("Continuation sheet", "The report"),
    );
    std::fs::write(
        d.join("letter.md"),
        "+++\nto = [\"Jane Doe\"]\nenclosures = { title = \"Report\", file = \"report.pdf\" }\n+++\n\nBody.\n",
    )
    .unwrap();
}

#[test]
fn first_and_later_are_drawn_under_the_letter_on_every_page() {
    let dir = folder("");
    let d = dir.path();
    two_pages(d);
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    assert_eq!(pages(&pdf), 2);
    // Drawn first, so read first: the stationery's words, then the letter's.
    let one = raw_text(&pdf, 1);
    let name = one
        .find("Designer Stationery Ltd")
        .expect("page one's stationery");
    let office = one.find("Registered office").expect("page one's foot");
    let to = one.find("Jane Doe").expect("the letter");
    assert!(name < to && office < to, "{one}");
    assert!(!one.contains("Continuation sheet"));
    let two = raw_text(&pdf, 2);
    let sheet = two
        .find("Continuation sheet")
        .expect("the later stationery");
    let text = two.find("designed paper").expect("the letter's text");
    assert!(sheet < text, "{two}");
    assert!(!two.contains("Designer Stationery Ltd"));
    // Our own letterhead is left off (`letterhead = "none"` is the default).
    assert!(!one.contains("Example Ltd"), "{one}");
    // Each stationery file once, however many pages use it.
    assert_eq!(forms(&pdf), 2);
}

#[test]
fn the_margins_look_exactly_like_the_stationery_alone() {
    let dir = folder("");
    let d = dir.path();
    two_pages(d);
    render(d, &["render", "letter.md"]);
    let dpi = 50;
    for (page, alone) in [(1, "letterhead-first.pdf"), (2, "letterhead-later.pdf")] {
        let letter = render_page(&d.join("letter.pdf"), page, dpi, false);
        let stationery = render_page(&d.join(alone), 1, dpi, false);
        assert_eq!(
            (letter.width, letter.height),
            (stationery.width, stationery.height)
        );
        // The left 20 mm, the top 30 mm and the bottom 12 mm: stationery only.
        let mm = |v: f64| (v / 25.4 * f64::from(dpi)) as usize;
        let mut compared = 0;
        let mut coloured = 0;
        for y in 0..letter.height {
            for x in 0..letter.width {
                let margin = x < mm(20.0) || y < mm(30.0) || y >= letter.height - mm(12.0);
                if !margin {
                    continue;
                }
                let (a, b) = (letter.at(x, y), stationery.at(x, y));
                let close = a.iter().zip(b).all(|(p, q)| p.abs_diff(*q) <= 2);
                assert!(close, "page {page} differs at ({x}, {y}): {a:?} vs {b:?}");
                compared += 1;
                coloured += usize::from(b.iter().any(|&c| c < 200));
            }
        }
        assert!(compared > 1000 && coloured > 100, "{compared} {coloured}");
        // The body differs: the letter is there too.
        let body = (mm(30.0)..mm(120.0))
            .flat_map(|y| (mm(30.0)..mm(180.0)).map(move |x| (x, y)))
            .filter(|&(x, y)| letter.at(x, y) != stationery.at(x, y))
            .count();
        assert!(body > 100, "page {page}: the letter's text is missing");
    }
}

#[test]
fn a_merge_holds_the_stationery_once_for_the_whole_print_file() {
    let dir = folder("");
    let d = dir.path();
    let body = "Dear {{ name }}, on designed paper, said again and again. ".repeat(90);
    std::fs::write(
        d.join("notice.md"),
        format!("+++\nto = [\"{{{{ name }}}}\"]\nsubject = \"Notice\"\n+++\n\n{body}\n"),
    )
    .unwrap();
    std::fs::write(d.join("people.csv"), "name\nAnn\nBob\nCid\n").unwrap();
    render(
        d,
        &[
            "merge",
            "notice.md",
            "--data",
            "people.csv",
            "--combine",
            "print.pdf",
        ],
    );
    let print = d.join("print.pdf");
    assert!(qpdf_ok(&print));
    assert_eq!(pages(&print), 6);
    assert_eq!(forms(&print), 2, "first and later, once each");
    for page in [1, 3, 5] {
        assert!(raw_text(&print, page).contains("Designer Stationery Ltd"));
    }
    for page in [2, 4, 6] {
        assert!(raw_text(&print, page).contains("Continuation sheet"));
    }
}

#[test]
fn our_letterhead_is_drawn_over_it_when_asked() {
    let dir = folder(", letterhead = \"draw\"");
    let d = dir.path();
    two_pages(d);
    render(d, &["render", "letter.md"]);
    let one = raw_text(&d.join("letter.pdf"), 1);
    assert!(one.contains("Example Ltd") && one.contains("Designer Stationery Ltd"));
}

#[test]
fn enclosures_are_not_drawn_on_stationery() {
    let dir = folder("");
    let d = dir.path();
    letter_with_report(d);
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert_eq!(pages(&pdf), 2);
    let report = raw_text(&pdf, 2);
    assert!(report.contains("The report"));
    assert!(!report.contains("Designer") && !report.contains("Continuation"));
}

#[test]
fn scripts_in_stationery_never_come_along() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let case = common::repo().join("tests/bad/stationery-javascript");
    for f in ["letter.md", "letterhead.toml", "stationery.pdf"] {
        std::fs::copy(case.join(f), d.join(f)).unwrap();
    }
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    assert!(raw_text(&pdf, 1).contains("Hostile stationery"));
    let all = uncompressed(&pdf);
    for bad in [
        "JavaScript",
        "/JS",
        "/Launch",
        "calc.exe",
        "/OpenAction",
        "/AA",
        "example.org/safe",
    ] {
        assert!(!all.contains(bad), "`{bad}` came along");
    }
}

#[test]
fn a_preview_says_it_leaves_out_the_stationery_and_the_enclosures() {
    let dir = folder("");
    let d = dir.path();
    letter_with_report(d);
    let r = run(letterhead().current_dir(d).args([
        "render",
        "letter.md",
        "--format",
        "png",
        "--dpi",
        "20",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.join("letter-1.png").exists());
    let r = run(letterhead().current_dir(d).args([
        "render",
        "letter.md",
        "--format",
        "png",
        "--dpi",
        "20",
        "--deny-warnings",
        "--diagnostic-format",
        "short",
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("leaves out the stationery"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("leaves out the enclosed PDFs (1)"),
        "{}",
        r.stderr
    );
}
