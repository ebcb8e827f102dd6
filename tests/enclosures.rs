//! Enclosure PDFs appended after the letter, read back with other tools: page count and order
//! (`qpdf --show-npages`, `pdftotext` page by page), page sizes (`pdfinfo`), bookmarks (`mutool
//! show … outline`), the enclosure's link still there and pointing at its URI, blank pages for
//! duplex printing, the combined print file of a merge, what is left out of a hostile file,
//! and the claims (PDF/A, PDF/UA) the file makes.
//!
//! The enclosures are made by another program, Ghostscript (`gs -sDEVICE=pdfwrite` from
//! PostScript written here, with a `pdfmark` for the link), one on A4 and one on US Letter.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;

use common::{ghostscript, letterhead, pages, qpdf_ok, run, tool, uncompressed};

const LETTERHEAD: &str = "[organization]\nname = \"Example Ltd\"\n\
    address = [\"1 Main Street\", \"Springfield\"]\n[page]\nsize = \"a4\"\n";

/// Two A4 pages, the first with a link to https://example.org/report.
const REPORT_PS: &str = "%!PS
<< /PageSize [595 842] >> setpagedevice
/Helvetica findfont 24 scalefont setfont
72 700 moveto (Annual report 2025) show
/Helvetica findfont 12 scalefont setfont
72 650 moveto (Report page one) show
[ /Rect [72 600 300 620] /Action << /Subtype /URI /URI (https://example.org/report) >>
  /Border [0 0 0] /Subtype /Link /ANN pdfmark
72 605 moveto (https://example.org/report) show
0 0 1 setrgbcolor 72 400 200 100 rectfill
showpage
/Helvetica findfont 12 scalefont setfont
72 650 moveto (Report page two) show
showpage
";

/// One US Letter page.
const STATEMENT_PS: &str = "%!PS
<< /PageSize [612 792] >> setpagedevice
/Times-Roman findfont 18 scalefont setfont
72 700 moveto (Statement of account) show
showpage
";

/// A folder with the letterhead and both enclosures.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), LETTERHEAD).unwrap();
    ghostscript(dir.path(), "report.pdf", REPORT_PS);
    ghostscript(dir.path(), "statement.pdf", STATEMENT_PS);
    dir
}

fn letter(enclosures: &str, body: &str) -> String {
    format!(
        "+++\ndate = 2026-05-05\nto = [\"Jane Doe\", \"2 Side Street\", \"Shelbyville\"]\n\
         subject = \"Our annual report\"\nenclosures = {enclosures}\n\
         [signature]\nname = \"John Smith\"\n+++\n\n{body}\n"
    )
}

const TWO: &str = "[\"Cover note\", { title = \"Annual report 2025\", file = \"report.pdf\" }, \
    { title = \"Statement\", file = \"statement.pdf\" }]";

fn render(dir: &Path, args: &[&str]) -> common::Run {
    let r = run(letterhead().current_dir(dir).args(args));
    assert!(r.code == 0, "letterhead {args:?} failed:\n{}", r.stderr);
    r
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    tool(
        "pdftotext",
        &["-f", &p, "-l", &p, "-layout", pdf.to_str().unwrap(), "-"],
    )
}

/// Each page's size in points, as `pdfinfo` gives it ("595 x 842").
fn sizes(pdf: &Path) -> Vec<String> {
    let info = tool("pdfinfo", &["-f", "1", "-l", "1000", pdf.to_str().unwrap()]);
    info.lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .map(|l| {
            let size = l.split("size:").nth(1).unwrap().trim();
            size.split(" pts").next().unwrap().to_string()
        })
        .collect()
}

/// The bookmarks: title and page number, as `mutool show … outline` prints them.
fn outline(pdf: &Path) -> Vec<(String, usize)> {
    tool("mutool", &["show", pdf.to_str().unwrap(), "outline"])
        .lines()
        .filter_map(|l| {
            let title = l.split('"').nth(1)?.to_string();
            let page = l.split("#page=").nth(1)?.split('&').next()?.parse().ok()?;
            Some((title, page))
        })
        .collect()
}

/// An object of the file by its path from the trailer (`mutool show`; arrays count from 1).
fn show(pdf: &Path, path: &str) -> String {
    tool("mutool", &["show", pdf.to_str().unwrap(), path])
}

#[test]
fn enclosures_follow_the_letter_in_order_with_bookmarks_and_their_links() {
    let dir = folder();
    let d = dir.path();
    std::fs::write(
        d.join("letter.md"),
        letter(TWO, "Please find our report enclosed."),
    )
    .unwrap();
    let r = render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    assert_eq!(pages(&pdf), 4, "{}", r.stderr);
    // The letter, then the report's two pages, then the statement.
    let first = page_text(&pdf, 1);
    assert!(
        first.contains("Please find our report enclosed."),
        "{first}"
    );
    for title in ["Cover note", "Annual report 2025", "Statement"] {
        assert!(
            first.contains(title),
            "the notation lists `{title}`:\n{first}"
        );
    }
    assert!(page_text(&pdf, 2).contains("Report page one"));
    assert!(page_text(&pdf, 3).contains("Report page two"));
    assert!(page_text(&pdf, 4).contains("Statement of account"));
    // Each page keeps its own size: A4, then US Letter for the statement.
    let sizes = sizes(&pdf);
    assert_eq!(sizes[1], "595 x 842");
    assert_eq!(sizes[3], "612 x 792");
    assert_eq!(
        outline(&pdf),
        vec![
            ("Our annual report".to_string(), 1),
            ("Annual report 2025".to_string(), 2),
            ("Statement".to_string(), 4),
        ]
    );
    // The report's link is on its page, where it was, pointing where it did.
    assert_eq!(
        show(&pdf, "trailer/Root/Pages/Kids/2/Annots/1/A/URI").trim(),
        "(https://example.org/report)"
    );
    let rect = show(&pdf, "trailer/Root/Pages/Kids/2/Annots/1/Rect");
    assert!(rect.contains("72 600 300 620"), "{rect}");
}

#[test]
fn page_numbers_count_the_letter_only() {
    let dir = folder();
    let d = dir.path();
    let body = "A paragraph that fills the page, said again and again. ".repeat(150);
    std::fs::write(d.join("letter.md"), letter(TWO, &body)).unwrap();
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    // The letter's pages, then three of the enclosures.
    let all = pages(&pdf);
    let n = all - 3;
    assert!(n >= 2, "the letter has {n} pages");
    let last = page_text(&pdf, n);
    assert!(last.contains(&format!("Page {n} of {n}")), "{last}");
    assert!(!last.contains(&format!("of {all}")), "{last}");
    assert!(page_text(&pdf, n + 1).contains("Report page one"));
}

#[test]
fn fit_scales_another_size_to_the_letters_page_and_moves_its_links() {
    let dir = folder();
    let d = dir.path();
    let fitted = "[{ title = \"Statement\", file = \"statement.pdf\", fit = true }]";
    std::fs::write(d.join("letter.md"), letter(fitted, "Body.")).unwrap();
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    let size = sizes(&pdf);
    assert_eq!(size[1], size[0], "the statement is scaled to A4");
    assert!(page_text(&pdf, 2).contains("Statement of account"));
    // A page with a link, on a US Letter letter: the link is scaled with the page.
    std::fs::write(
        d.join("letterhead.toml"),
        LETTERHEAD.replace("\"a4\"", "\"letter\""),
    )
    .unwrap();
    let fitted = "[{ title = \"Report\", file = \"report.pdf\", fit = true }]";
    std::fs::write(d.join("letter.md"), letter(fitted, "Body.")).unwrap();
    render(d, &["render", "letter.md"]);
    assert_eq!(sizes(&pdf)[1], "612 x 792");
    let rect = show(&pdf, "trailer/Root/Pages/Kids/2/Annots/1/Rect");
    assert!(
        !rect.contains("72 600 300 620"),
        "moved with the page: {rect}"
    );
    assert_eq!(
        show(&pdf, "trailer/Root/Pages/Kids/2/Annots/1/A/URI").trim(),
        "(https://example.org/report)"
    );
}

#[test]
fn duplex_merge_starts_each_enclosure_on_a_front_side_in_the_combined_file() {
    let dir = folder();
    let d = dir.path();
    let template = "+++\nto = [\"{{ name }}\"]\nsubject = \"Your statement\"\n\
        enclosures = [{ title = \"Annual report 2025\", file = \"report.pdf\" }, \
        { title = \"Statement\", file = \"{{ statement }}\" }]\n+++\n\nDear {{ name }}.\n";
    std::fs::write(d.join("notice.md"), template).unwrap();
    std::fs::write(
        d.join("people.csv"),
        "name,statement\nAnn Able,statement.pdf\nBob Baker,statement.pdf\n",
    )
    .unwrap();
    render(
        d,
        &[
            "merge",
            "notice.md",
            "--data",
            "people.csv",
            "--combine",
            "print.pdf",
            "--duplex",
        ],
    );
    let print = d.join("print.pdf");
    assert!(qpdf_ok(&print));
    // Each letter: its page, a blank back, the report (2), the statement, a blank back.
    assert_eq!(pages(&print), 12);
    let expect = [
        (1, "Dear Ann Able."),
        (3, "Report page one"),
        (4, "Report page two"),
        (5, "Statement of account"),
        (7, "Dear Bob Baker."),
        (9, "Report page one"),
        (11, "Statement of account"),
    ];
    for (page, text) in expect {
        assert!(
            page_text(&print, page).contains(text),
            "page {page} should show `{text}`"
        );
    }
    for blank in [2, 6, 8, 12] {
        assert!(
            page_text(&print, blank).trim().is_empty(),
            "page {blank} is blank"
        );
    }
    let marks = outline(&print);
    assert_eq!(marks.len(), 6, "{marks:?}");
    assert_eq!(marks[1], ("notice-0001: Annual report 2025".to_string(), 3));
    assert_eq!(marks[5], ("notice-0002: Statement".to_string(), 11));
    // Each letter's own file has the same pages, blank back included.
    let own = d.join("notice/notice-0001.pdf");
    assert!(qpdf_ok(&own));
    assert_eq!(pages(&own), 5);
    // Pages from other files carry no tags of the file's tree: no PDF/UA claim.
    let all = uncompressed(&print);
    assert!(!all.contains("pdfuaid"), "no PDF/UA claim");
    assert!(all.contains("/Suspects true"));
}

#[test]
fn duplex_render_and_merge_without_a_combined_file_start_enclosures_on_a_front_side() {
    let dir = folder();
    let d = dir.path();
    std::fs::write(
        d.join("letter.md"),
        letter(TWO, "Please find them enclosed."),
    )
    .unwrap();
    // Without --duplex: the letter's page, the report's two, the statement's one.
    render(d, &["render", "letter.md"]);
    assert_eq!(pages(&d.join("letter.pdf")), 4);
    // With it: a blank back after the one-page letter, so the report starts on page 3 and
    // the statement, after the report's two pages, on page 5 (both fronts).
    render(d, &["render", "letter.md", "--duplex", "-o", "duplex.pdf"]);
    let pdf = d.join("duplex.pdf");
    assert!(qpdf_ok(&pdf));
    assert_eq!(pages(&pdf), 5);
    assert!(page_text(&pdf, 2).trim().is_empty(), "page 2 is blank");
    assert!(page_text(&pdf, 3).contains("Report page one"));
    assert!(page_text(&pdf, 5).contains("Statement of account"));
    // `merge --duplex` without --combine pads each letter's own file the same way.
    std::fs::write(
        d.join("notice.md"),
        letter(TWO, "Dear {{ name }}.").replace("Jane Doe", "{{ name }}"),
    )
    .unwrap();
    std::fs::write(d.join("people.csv"), "name\nAnn Able\n").unwrap();
    render(
        d,
        &["merge", "notice.md", "--data", "people.csv", "--duplex"],
    );
    let own = d.join("notice/notice-0001.pdf");
    assert_eq!(pages(&own), 5);
    assert!(page_text(&own, 2).trim().is_empty());
}

#[test]
fn a_broken_enclosure_fails_its_letter_only() {
    let dir = folder();
    let d = dir.path();
    std::fs::write(d.join("good.md"), letter(TWO, "Good.")).unwrap();
    let missing = "[{ title = \"Report\", file = \"gone.pdf\" }]";
    std::fs::write(d.join("bad.md"), letter(missing, "Bad.")).unwrap();
    let r = run(letterhead()
        .current_dir(d)
        .args(["render", "good.md", "bad.md"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot append the enclosure `gone.pdf`: it does not exist"),
        "{}",
        r.stderr
    );
    assert!(d.join("good.pdf").exists());
    assert!(!d.join("bad.pdf").exists());
}

#[test]
fn scripts_and_launch_actions_never_come_along() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let case = common::repo().join("tests/bad/enclosure-javascript");
    for f in ["letter.md", "report.pdf"] {
        std::fs::copy(case.join(f), d.join(f)).unwrap();
    }
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    assert!(page_text(&pdf, 2).contains("Hostile stationery"));
    let all = uncompressed(&pdf);
    for bad in [
        "JavaScript",
        "/JS",
        "/Launch",
        "calc.exe",
        "/OpenAction",
        "/AA",
    ] {
        assert!(!all.contains(bad), "`{bad}` came along");
    }
    // The harmless link stays.
    assert!(all.contains("(https://example.org/safe)"));
}

#[test]
fn claims_are_dropped_for_enclosures_that_do_not_make_them() {
    let dir = folder();
    let d = dir.path();
    // A PDF/A enclosure (letterhead's own) keeps the letter PDF/A; Ghostscript's does not.
    std::fs::write(d.join("plain.md"), letter("[]", "An earlier letter.")).unwrap();
    render(d, &["render", "plain.md", "--pdfa", "-o", "earlier.pdf"]);
    let archival = "[{ title = \"Earlier letter\", file = \"earlier.pdf\" }]";
    std::fs::write(d.join("a.md"), letter(archival, "Body.")).unwrap();
    let r = render(d, &["render", "a.md", "--pdfa"]);
    assert!(!r.stderr.contains("is not PDF/A"), "{}", r.stderr);
    let a = uncompressed(&d.join("a.pdf"));
    assert!(a.contains("<pdfaid:part>2</pdfaid:part>"));
    // The letter's subsets and the enclosure's (letterhead's own, tagged alike) get distinct
    // names.
    let fonts = tool("pdffonts", &[d.join("a.pdf").to_str().unwrap()]);
    let names: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = names.iter().collect();
    assert!(names.len() >= 4, "{fonts}");
    assert_eq!(distinct.len(), names.len(), "{fonts}");
    assert!(!a.contains("pdfuaid"));
    std::fs::write(d.join("b.md"), letter(TWO, "Body.")).unwrap();
    let r = run(letterhead()
        .current_dir(d)
        .args(["check", "b.md", "--pdfa"]));
    assert!(
        r.stderr.contains(
            "the enclosure `report.pdf` is not PDF/A: the letter's PDF is written without the PDF/A claim"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(
        "the enclosure `statement.pdf` is not a tagged PDF: the letter's PDF no longer claims PDF/UA"
    ));
    render(d, &["render", "b.md", "--pdfa"]);
    let b = uncompressed(&d.join("b.pdf"));
    assert!(!b.contains("pdfaid"), "no PDF/A claim");
    assert!(!b.contains("pdfuaid"), "no PDF/UA claim");
    // A letter without enclosures claims both, as before.
    let plain = uncompressed(&d.join("earlier.pdf"));
    assert!(plain.contains("pdfaid:part") && plain.contains("pdfuaid:part"));
}

#[test]
fn the_same_letter_gives_the_same_bytes() {
    let dir = folder();
    let d = dir.path();
    std::fs::write(d.join("letter.md"), letter(TWO, "Body.")).unwrap();
    render(d, &["render", "letter.md"]);
    let first = std::fs::read(d.join("letter.pdf")).unwrap();
    std::fs::remove_file(d.join("letter.pdf")).unwrap();
    render(d, &["render", "letter.md"]);
    assert_eq!(first, std::fs::read(d.join("letter.pdf")).unwrap());
}

#[test]
fn joined_letters_keep_their_enclosures_bookmarks_and_drop_the_claim() {
    let dir = folder();
    let d = dir.path();
    std::fs::write(d.join("with.md"), letter(TWO, "With enclosures.")).unwrap();
    std::fs::write(d.join("without.md"), letter("[]", "Without.")).unwrap();
    render(d, &["render", "with.md", "without.md"]);
    render(
        d,
        &["combine", "without.pdf", "with.pdf", "-o", "joined.pdf"],
    );
    let joined = d.join("joined.pdf");
    assert!(qpdf_ok(&joined));
    assert_eq!(pages(&joined), 5);
    let marks = outline(&joined);
    assert_eq!(marks.len(), 4, "{marks:?}");
    assert_eq!(marks[2], ("Annual report 2025".to_string(), 3));
    assert!(page_text(&joined, 5).contains("Statement of account"));
    assert!(!uncompressed(&joined).contains("pdfuaid"));
    // Letters without enclosures alone keep the claim.
    render(d, &["combine", "without.pdf", "-o", "alone.pdf"]);
    assert!(uncompressed(&d.join("alone.pdf")).contains("pdfuaid"));
}

/// A PDF of these objects (1 is the catalog), with its cross-reference table.
fn handmade(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

#[test]
fn annotations_held_in_place_become_objects_of_their_own() {
    let dir = folder();
    let d = dir.path();
    let content = "BT /F1 24 Tf 72 700 Td (Inline link) Tj ET";
    let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
        /Resources << /Font << /F1 5 0 R >> >> /Annots [<< /Type /Annot /Subtype /Link \
        /Rect [72 690 300 720] /A << /S /URI /URI (https://example.org/inline) >> >>] >>";
    let stream = format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    );
    let pdf = handmade(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        &stream,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]);
    std::fs::write(d.join("inline.pdf"), pdf).unwrap();
    let inline = "[{ title = \"Inline\", file = \"inline.pdf\" }]";
    std::fs::write(d.join("letter.md"), letter(inline, "Body.")).unwrap();
    render(d, &["render", "letter.md"]);
    let pdf = d.join("letter.pdf");
    assert!(qpdf_ok(&pdf));
    assert!(page_text(&pdf, 2).contains("Inline link"));
    let annots = show(&pdf, "trailer/Root/Pages/Kids/2/Annots");
    assert!(
        annots.trim().starts_with('[') && annots.contains(" 0 R"),
        "{annots}"
    );
    assert_eq!(
        show(&pdf, "trailer/Root/Pages/Kids/2/Annots/1/A/URI").trim(),
        "(https://example.org/inline)"
    );
}
