//! End-to-end tests of line breaking as a reader sees it: letters rendered by the binary and
//! read back with `pdftotext` — hyphens at paragraph ends and in runs, justified spacing
//! reported by `check`, web addresses, ties inside number groups and before dashes, and the
//! organization's name in the letterhead.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};

use common::{example_dir, letterhead, run, tool};

/// Writes `letterhead.toml` and `letter.md` into a fresh folder and renders the letter.
fn render(config: &str, letter: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), config).unwrap();
    std::fs::write(dir.path().join("letter.md"), letter).unwrap();
    let pdf = render_in(dir.path(), "letter.md");
    (dir, pdf)
}

fn render_in(dir: &Path, letter: &str) -> PathBuf {
    let r = run(letterhead().arg("render").arg(dir.join(letter)));
    assert_eq!(r.code, 0, "{}", r.stderr);
    dir.join(letter).with_extension("pdf")
}

/// The text of the page's lines (`pdftotext -layout`), trimmed; blank lines kept, as they
/// separate paragraphs.
fn layout_lines(pdf: &Path) -> Vec<String> {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
        .lines()
        .map(|l| l.trim().to_string())
        .collect()
}

const US_LETTERHEAD: &str = r#"
[organization]
name = "Northside Tenants Legal Aid Center"
tagline = "Free legal help for renters since 1982"
url = "https://www.northside-tenants.example"
address = ["1200 North Halsted Street, Suite 400", "Chicago, IL 60642"]
phone = "(312) 555-0147"
[page]
size = "letter"
[style]
size = "11pt"
align = "justify"
"#;

#[test]
fn the_organizations_name_wraps_balanced() {
    let (_dir, pdf) = render(
        US_LETTERHEAD,
        "+++\ndate = 2026-03-15\nto = [\"Ms. Dolores Okonkwo\"]\n+++\n\nThank you.\n",
    );
    let text = tool("pdftotext", &["-l", "1", pdf.to_str().unwrap(), "-"]);
    let first: Vec<&str> = text.lines().take(2).collect();
    assert_eq!(first, ["Northside Tenants", "Legal Aid Center"], "{text}");
}

#[test]
fn a_name_that_nearly_fits_is_set_on_one_line() {
    // At 12 pt, "Best Practices Policy Project" beside the contact column wrapped to leave
    // "Project" alone on its line; at 90 % of its size or more it fits on one.
    let dir = example_dir();
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let config = config.replace("size        = \"10.5pt\"", "size = \"12pt\"");
    assert!(config.contains("12pt"));
    std::fs::write(dir.path().join("letterhead.toml"), config).unwrap();
    let pdf = render_in(dir.path(), "amnesty-draft-policy.md");
    let text = tool("pdftotext", &["-l", "1", pdf.to_str().unwrap(), "-"]);
    assert_eq!(
        text.lines().next(),
        Some("Best Practices Policy Project"),
        "{text}"
    );
    // And it is not much smaller than with room to spare (no contact column beside it):
    // pdftotext's word boxes are as high as the font is large.
    let height = |pdf: &Path| -> f64 {
        let bbox = tool(
            "pdftotext",
            &["-bbox", "-l", "1", pdf.to_str().unwrap(), "-"],
        );
        let line = bbox
            .lines()
            .find(|l| l.ends_with(">Project</word>"))
            .unwrap();
        let attr = |name: &str| -> f64 {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        };
        attr("yMax") - attr("yMin")
    };
    let small = height(&pdf);
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let roomy: String = config
        .lines()
        .filter(|l| !l.starts_with("url"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(roomy, config);
    std::fs::write(dir.path().join("letterhead.toml"), roomy).unwrap();
    let full = height(&render_in(dir.path(), "amnesty-draft-policy.md"));
    let ratio = small / full;
    assert!(
        (0.9..1.0).contains(&ratio),
        "the name is set at {ratio:.3} of its size"
    );
}

#[test]
fn justified_paragraphs_end_on_whole_words_with_at_most_two_hyphens_in_a_row() {
    // The long example letter, justified at 12 pt, ended two paragraphs on a hyphenated
    // word's tail before.
    let dir = example_dir();
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    let config = config
        .replace("align       = \"left\"", "align = \"justify\"")
        .replace("size        = \"10.5pt\"", "size = \"12pt\"");
    assert!(config.contains("justify") && config.contains("12pt"));
    std::fs::write(dir.path().join("letterhead.toml"), config).unwrap();
    let pdf = render_in(dir.path(), "comments-on-outreach-guidelines.md");
    let lines = layout_lines(&pdf);
    let hyphenated = |l: &str| l.ends_with('-') && !l.ends_with("--");
    // A paragraph's last line is shorter than the full line before it and followed by a
    // blank line (a full line before a blank one is a page's last).
    let last_of_paragraph = |i: usize| {
        let full = lines[i - 1].chars().count();
        lines
            .get(i)
            .is_some_and(|l| !l.is_empty() && l.chars().count() * 5 < full * 4)
            && lines.get(i + 1).is_none_or(|l| l.is_empty())
    };
    let mut run = 0;
    let mut total = 0;
    for (i, line) in lines.iter().enumerate() {
        if hyphenated(line) {
            total += 1;
            run += 1;
            assert!(
                run <= 2,
                "three hyphens in a row at `{line}`:\n{}",
                lines.join("\n")
            );
            // The next line must not be its paragraph's last.
            assert!(
                !last_of_paragraph(i + 1),
                "a paragraph ends on a fragment after `{line}`"
            );
        } else {
            run = 0;
        }
    }
    assert!(
        total >= 2,
        "expected some hyphenation in justified 12 pt text"
    );
}

#[test]
fn check_reports_a_loose_justified_line_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Mieterverein Nordstadt\"\n[page]\nsize = \"a5\"\n\
         [style]\nlanguage = \"de-DE\"\nalign = \"justify\"\nsize = \"10pt\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("brief.md"),
        "+++\ndate = 2026-05-05\nto = [\"Frau Erika Mustermann\"]\n+++\n\n\
         Vielen Dank. Wir haben die Rechtsschutzversicherungsgesellschaften und die \
         Grundstücksverkehrsgenehmigungsbehörden angeschrieben, aber die \
         Betriebskostenverordnung und die Heizkostenverordnung gelten weiter.\n",
    )
    .unwrap();
    let r = run(letterhead().arg("check").arg(dir.path().join("brief.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("loose line 1 of the paragraph"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("brief.md:6:"), "{}", r.stderr);
    // Ragged right, the same text has nothing to report.
    let config = std::fs::read_to_string(dir.path().join("letterhead.toml")).unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        config.replace("justify", "left"),
    )
    .unwrap();
    let r = run(letterhead().arg("check").arg(dir.path().join("brief.md")));
    assert!(!r.stderr.contains("loose line"), "{}", r.stderr);
}

#[test]
fn web_addresses_break_after_slashes_and_before_hyphens() {
    let urls = [
        "https://www.chicago.gov/city/en/depts/doh/provdrs/renters/svcs/rents-right.html",
        "https://www.northside-tenants.example/guides/security-deposits-and-interest-payments",
    ];
    let body = format!(
        "You can read the ordinance at {} and our guide at {}. Please keep copies of all \
         correspondence, and do not sign any settlement agreement before talking with us.\n",
        urls[0], urls[1]
    );
    let config = US_LETTERHEAD.replace("size = \"11pt\"", "size = \"14pt\"");
    let (_dir, pdf) = render(
        &config,
        &format!("+++\ndate = 2026-03-15\nto = [\"Ms. Dolores Okonkwo\"]\n+++\n\n{body}"),
    );
    // The lines as drawn: MuPDF reads the glyphs, not the replacement text that lets
    // pdftotext give each address whole (below).
    let drawn = pdf.with_extension("txt");
    tool(
        "mutool",
        &[
            "draw",
            "-q",
            "-F",
            "txt",
            "-o",
            drawn.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    let drawn = std::fs::read_to_string(&drawn).unwrap();
    let lines: Vec<&str> = drawn.lines().map(str::trim).collect();
    let flowing = lines.join("\n");
    let mut broken = 0;
    for pair in lines.windows(2) {
        let tail = pair[0].split_whitespace().last().unwrap_or_default();
        let head = pair[1].split_whitespace().next().unwrap_or_default();
        if let Some(url) = urls.iter().find(|u| {
            u.contains(&format!("{tail}{}", head.trim_end_matches('.')))
                && tail.len() > 3
                && !head.is_empty()
        }) {
            broken += 1;
            assert!(
                !tail.ends_with('-'),
                "`{url}` broken after a hyphen: {tail} / {head}"
            );
            assert!(
                tail.ends_with(['/', '.', '?', '&', '=', '#']) || head.starts_with('-'),
                "`{url}` broken at `{tail}` / `{head}`"
            );
        }
    }
    assert!(broken >= 2, "expected the addresses to break:\n{flowing}");
    // And each extracts whole from pdftotext, broken or not.
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let words: Vec<&str> = text.split_whitespace().collect();
    for url in urls {
        assert!(
            words.iter().any(|w| w.trim_end_matches('.') == url),
            "`{url}` not whole in:\n{text}"
        );
    }
}

#[test]
fn number_groups_units_and_spaced_dashes_stay_together() {
    let config = "[organization]\nname = \"Association des locataires\"\n[page]\nsize = \"a5\"\n\
                  [style]\nlanguage = \"fr-FR\"\nalign = \"justify\"\nsize = \"11pt\"\n";
    let sentence = "Le conseil a décidé le 15 mars de vous accorder €1 250,00 — soit 5 % des \
                    arriérés — à verser avant le 30 avril ( sous réserve ). ";
    let (_dir, pdf) = render(
        config,
        &format!(
            "+++\ndate = 2026-03-15\nto = [\"Madame Claire Dubois\"]\n+++\n\n{}\n",
            sentence.repeat(6)
        ),
    );
    let lines = layout_lines(&pdf);
    for line in lines.iter().filter(|l| !l.is_empty()) {
        for start in ["—", "%", "250,00", "mars", "avril", ")"] {
            assert!(
                !line.starts_with(start),
                "a line starts with `{start}`: `{line}`"
            );
        }
        for end in ["€1", " 15", " 5", " 30", "("] {
            assert!(!line.ends_with(end), "a line ends with `{end}`: `{line}`");
        }
    }
}

/// Renders a letter of the repository into a fresh folder (never beside the source).
fn render_repo_letter(letter: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("out.pdf");
    let r = run(letterhead()
        .arg("render")
        .arg(common::repo().join(letter))
        .arg("-o")
        .arg(&pdf));
    assert_eq!(r.code, 0, "{}", r.stderr);
    (dir, pdf)
}

#[test]
fn narrow_no_break_spaces_keep_one_width_on_justified_french_lines() {
    let (_dir, pdf) = render_repo_letter("tests/typography/fr/reparations-chauffage.md");
    let mut fixed = Vec::new();
    let mut spaces = Vec::new();
    for page in common::pdfread::word_pages(&pdf, false) {
        for pair in page.words.windows(2) {
            let ((a, ab), (b, bb)) = (&pair[0], &pair[1]);
            if (ab.y0 - bb.y0).abs() > 0.5 || ab.x0 < 60.0 {
                continue; // a new line, or the letterhead
            }
            let gap = bb.x0 - ab.x1;
            if a == "«" || [";", ":", "!", "?", "»"].contains(&b.as_str()) {
                fixed.push(gap);
            } else if a.chars().all(char::is_alphabetic) && b.chars().all(char::is_alphabetic) {
                spaces.push(gap);
            }
        }
    }
    // The narrow no-break spaces of « », ; : ! ? are one width on every line, stretched or
    // not; the word spaces beside them stretch and shrink.
    assert!(fixed.len() >= 10, "{fixed:?}");
    let (lo, hi) = fixed
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &g| (lo.min(g), hi.max(g)));
    assert!(
        hi - lo < 0.01,
        "narrow spaces from {lo} to {hi} pt: {fixed:?}"
    );
    let (lo, hi) = spaces
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &g| (lo.min(g), hi.max(g)));
    assert!(hi - lo > 0.5, "word spaces from {lo} to {hi} pt");
}

#[test]
fn justified_test_letters_have_no_loose_line_nor_a_broken_name_or_subject() {
    for letter in [
        "tests/typography/de/fassadensanierung.md",
        "tests/typography/fr/reparations-chauffage.md",
    ] {
        let r = run(letterhead().arg("check").arg(common::repo().join(letter)));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("loose line"), "{letter}: {}", r.stderr);
    }
    let (_dir, pdf) = render_repo_letter("tests/typography/de/fassadensanierung.md");
    let lines = layout_lines(&pdf);
    // The subject wraps ragged, whole words (it ended on `Eigentümer-` / `versammlung`).
    assert!(
        lines.iter().any(|l| l == "Eigentümerversammlung"),
        "{lines:#?}"
    );
    // The information block's e-mail address (page one) is set a little smaller rather than
    // wrapped after its dot.
    let page_one = tool(
        "pdftotext",
        &["-layout", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    assert!(
        page_one
            .lines()
            .any(|l| l.contains("E-Mail:") && l.trim_end().ends_with("a.brandt@hv-brandt.example")),
        "{page_one}"
    );
    // No name from the front matter or the letterhead is hyphenated in the body.
    let names = [
        "Reinhardt",
        "Thomas",
        "Annette",
        "Brandt",
        "Hausverwaltung",
        "Partner",
    ];
    for pair in lines.windows(2) {
        let Some(head) = pair[0].split_whitespace().last() else {
            continue;
        };
        if let Some(head) = head.strip_suffix('-')
            && let Some(tail) = pair[1].split_whitespace().next()
        {
            let word = format!("{head}{tail}");
            assert!(
                !names.iter().any(|n| word.starts_with(n)),
                "`{}` / `{}`",
                pair[0],
                pair[1]
            );
        }
    }
}

#[test]
fn a_sum_stays_on_one_line_with_its_magnitude() {
    // "$2.4" ended a line above "million a year" in the test letter.
    let (_dir, pdf) = render_repo_letter("tests/typography/us/quote-at-page-end.md");
    let lines = layout_lines(&pdf);
    assert!(lines.iter().any(|l| l.contains("$2.4")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.ends_with("$2.4")), "{lines:#?}");
}
