//! Pages that fill properly, read back from the PDF (`pdftotext`): the fixture letters in
//! tests/fixtures/pages/ (a German DIN letter whose enclosures fall just past page one, a US
//! letter with a quote and its attribution at a page end, a cc list of six people with titles)
//! and a table that nearly fits its measure.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{letterhead, repo, run, tool};

/// Renders `tests/fixtures/pages/<dir>/<name>.md` (with its letterhead) in a fresh folder;
/// gives the folder and the PDF.
fn render_fixture(dir: &str, name: &str) -> (tempfile::TempDir, PathBuf) {
    let from = repo().join("tests/fixtures/pages").join(dir);
    let tmp = tempfile::tempdir().unwrap();
    for file in ["letterhead.toml", &format!("{name}.md")] {
        std::fs::copy(from.join(file), tmp.path().join(file)).unwrap();
    }
    let r = run(letterhead()
        .current_dir(tmp.path())
        .args(["render", &format!("{name}.md")]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = tmp.path().join(format!("{name}.pdf"));
    (tmp, pdf)
}

/// The text of each page, laid out (`pdftotext -layout`).
fn pages(pdf: &Path) -> Vec<String> {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The page (from 0) holding `text`.
fn page_of(pages: &[String], text: &str) -> usize {
    pages
        .iter()
        .position(|p| p.contains(text))
        .unwrap_or_else(|| panic!("`{text}` is on no page"))
}

#[test]
fn enclosures_just_past_page_one_are_pulled_back_onto_it() {
    // At natural spacing the enclosures miss page one by about 13 pt and stood alone on page
    // two; the paragraph gaps and the signing space give enough to take them back.
    let (_dir, pdf) = render_fixture("de", "anlagen");
    let pages = pages(&pdf);
    assert_eq!(pages.len(), 1, "{pages:#?}");
    assert!(pages[0].contains("Anlagen (2):"));
    assert!(pages[0].contains("Lastannahmen Dachaufstockung (Entwurf)"));
    // Still above the footer columns.
    let text = &pages[0];
    assert!(text.find("Lastannahmen").unwrap() < text.find("Amtsgericht").unwrap());
}

#[test]
fn a_quote_keeps_its_attribution_at_a_page_end() {
    let (_dir, pdf) = render_fixture("us", "quote");
    let pages = pages(&pdf);
    let author = page_of(&pages, "— Participant, spring 2026");
    assert!(author > 0, "the fixture puts the attribution at a page end");
    // The quote's last paragraph goes over with it rather than leaving it alone at the top.
    assert_eq!(page_of(&pages, "When the hearing came"), author);
    assert!(
        pages[author].find("When the hearing came").unwrap()
            < pages[author].find("— Participant").unwrap()
    );
}

#[test]
fn cc_lists_one_recipient_per_line_and_one_enclosure_beside_its_label() {
    let (_dir, pdf) = render_fixture("us", "cc");
    let pages = pages(&pdf);
    let last = pages.last().unwrap();
    let lines: Vec<&str> = last.lines().map(str::trim_end).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.trim_start() == "Enclosure: Annual report 2025"),
        "{last}"
    );
    let cc = [
        "Council Member Priya Raman, Vice Chair, Committee on Public Safety",
        "Council Member Harold Quist, Member, Committee on Public Safety",
        "Dr. Lena Okafor, Director, Riverton County Department of Health",
        "Captain Ruth Delgado, Community Liaison Unit, Riverton Police Department",
        "Jonah Feld, Esq., Supervising Attorney, Riverton Legal Aid Society",
        "Ms. Carmen Ibarra, Clerk to the Committee",
    ];
    let label = lines.iter().position(|l| l.trim() == "cc:").expect(last);
    let margin = lines[label].len() - lines[label].trim_start().len();
    for (i, name) in cc.iter().enumerate() {
        let line = lines[label + 1 + i];
        assert_eq!(line.trim(), *name, "{last}");
        // Indented under the label.
        assert!(line.len() - line.trim_start().len() > margin, "{line}");
    }
    // The last page does not hold only notations: the signature came with them.
    assert!(last.contains("Respectfully,"), "{last}");
}

#[test]
fn a_table_that_nearly_fits_keeps_its_columns_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let letter = "+++\nto = [\"A\"]\n+++\n\nThe budget for the renewal period:\n\n\
        | Budget line | Year one | Year two | Change | Notes on the change |\n\
        |---|--:|--:|--:|---|\n\
        | Outreach workers (4 part-time positions) | $148,000 | $156,500 | +5.7% | Cost-of-living increase |\n\
        | Evening hours, Eastside drop-in center | $0 | $22,400 | new | Two evenings a week |\n\
        | Court accompaniment training | $6,200 | $9,800 | +58.1% | Two more trainees |\n";
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = pages(&dir.path().join("letter.pdf")).concat();
    for row in [
        "Outreach workers (4 part-time positions)",
        "Evening hours, Eastside drop-in center",
        "Court accompaniment training",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains("$") && l.contains(row.split(' ').next().unwrap()))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(line.contains(row), "the row wraps: {line}\n{text}");
    }
}
