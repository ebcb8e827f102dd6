//! Punctuation end to end, read back with `pdftotext`: the front matter and the letterhead get
//! the body's smart punctuation in the letter's language (addresses, references and the date
//! are left as written), and a French letter gets its no-break spaces, so that no line starts
//! with `; : ! ? »` or ends with `«`.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use common::{letter, letterhead, repo, run, tool};

/// Renders `letter.md` with `letterhead.toml` in a fresh folder; gives the folder and the
/// text `pdftotext` extracts (without `-layout`: one line of the page per line).
fn render(letterhead_toml: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), letterhead_toml).unwrap();
    std::fs::write(dir.path().join("letter.md"), text).unwrap();
    let r = run(letterhead().arg("render").arg(dir.path().join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = dir.path().join("letter.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    (dir, text)
}

/// The text with every run of whitespace as one space, so phrases that wrap still match.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const ENGLISH_LETTERHEAD: &str = r#"
[organization]
name    = "O'Neil & Daughters -- Builders"
tagline = "\"Built to last\""
address = ["12 King's Road", "Springfield"]
email   = "o'neil@oneil.example"
[footer]
text = "O'Neil's -- since 1950 · www.oneil.example/--/"
"#;

#[test]
fn front_matter_and_letterhead_get_the_bodys_punctuation() {
    let front = r#"date = 2026-03-02
to = ["Mr. Sean O'Brien", "O'Brien's Bakery", "1 Main Street"]
subject = "Re: \"Fair Rent\" -- your letter"
salutation = "Dear Mr. O'Brien,"
closing = "With the tenants' thanks,"
our-ref = "AB--12'3"
cc = ["Ms. Siobhan D'Arcy"]
enclosures = ["The tenants' survey"]
ps = "It's \"urgent\"..."
[signature]
name = "Mary O'Hara"
title = "Tenants' Representative"
email = "m.o'hara@oneil.example""#;
    let (dir, text) = render(
        ENGLISH_LETTERHEAD,
        &letter(front, "We have read Mr. O'Brien's letter."),
    );
    let text = flat(&text);
    for curly in [
        // The body, as before.
        "Mr. O’Brien’s letter",
        // The front matter.
        "Mr. Sean O’Brien",
        "O’Brien’s Bakery",
        "Re: “Fair Rent” – your letter",
        "Dear Mr. O’Brien,",
        "With the tenants’ thanks,",
        "Siobhan D’Arcy",
        "The tenants’ survey",
        "It’s “urgent”…",
        "Mary O’Hara",
        "Tenants’ Representative",
        // The letterhead.
        "O’Neil & Daughters – Builders",
        "“BUILT TO LAST”", // the tagline is set in capitals
        "12 King’s Road",
        "O’Neil’s – since 1950",
    ] {
        assert!(text.contains(curly), "`{curly}` not in: {text}");
    }
    // Addresses, references and the date are left as written.
    for kept in [
        "m.o'hara@oneil.example",
        "o'neil@oneil.example",
        "www.oneil.example/--/",
        "AB--12'3",
        "March 2, 2026",
    ] {
        assert!(text.contains(kept), "`{kept}` not in: {text}");
    }
    assert!(!text.contains("O'Brien"), "{text}");
    // The subject is the PDF's title, set the same way.
    let info = tool(
        "pdfinfo",
        &[dir.path().join("letter.pdf").to_str().unwrap()],
    );
    assert!(info.contains("Re: “Fair Rent” – your letter"), "{info}");
}

#[test]
fn each_language_sets_the_front_matter_in_its_quotes() {
    let cases = [
        ("de-DE", "Betreff „Mieten“ – Antwort"),
        ("es-ES", "Betreff «Mieten» – Antwort"),
        ("en-GB", "Betreff “Mieten” – Antwort"),
    ];
    for (lang, expected) in cases {
        let toml = format!("[organization]\nname = \"Verein\"\n[style]\nlanguage = \"{lang}\"\n");
        let front = r#"subject = "Betreff \"Mieten\" -- Antwort""#;
        let (_dir, text) = render(&toml, &letter(front, "Text."));
        assert!(flat(&text).contains(expected), "{lang}: {text}");
    }
}

/// Values merged into the front matter are set like the rest of it (issue 18).
#[test]
fn merged_front_matter_values_get_the_same_punctuation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), ENGLISH_LETTERHEAD).unwrap();
    std::fs::write(
        d.join("template.md"),
        letter(
            "to = [\"{{ name }}\"]\nsubject = \"{{ subject }}\"\nsalutation = \"Dear {{ name }},\"",
            "Thank you.",
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("rows.csv"),
        "name,subject\r\nMr. O'Brien,\"\"\"Fair Rent\"\" -- again\"\r\n",
    )
    .unwrap();
    let out = d.join("out");
    let r = run(letterhead()
        .arg("merge")
        .arg(d.join("template.md"))
        .arg("--data")
        .arg(d.join("rows.csv"))
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = common::pdfs_in(&out).pop().unwrap();
    let text = flat(&tool("pdftotext", &[pdf.to_str().unwrap(), "-"]));
    for curly in ["Mr. O’Brien", "Dear Mr. O’Brien,", "“Fair Rent” – again"] {
        assert!(text.contains(curly), "`{curly}` not in: {text}");
    }
}

/// German quotes the writer typed („…“) stay German in the body and the front matter: the
/// closing “ is not taken for an English opening quote.
#[test]
fn typed_german_quotes_are_kept() {
    let toml = "[organization]\nname = \"Verein\"\n[style]\nlanguage = \"de-DE\"\n";
    let front = r#"subject = "Projekt „Sichere Schulwege“""#;
    let (_dir, text) = render(
        toml,
        &letter(front, "Das Projekt „**Sichere** Schulwege“ läuft."),
    );
    let text = flat(&text);
    assert!(
        text.contains("Projekt „Sichere Schulwege“ läuft."),
        "{text}"
    );
    assert!(!text.contains("Schulwege„"), "{text}");
}

const FRENCH_LETTERHEAD: &str = r#"
[organization]
name = "Association « Logement » Solidaire"
[page]
size = "a4"
[style]
language = "fr-FR"
"#;

/// Where the source has no space, French gets one: "Objet:" extracts as "Objet :". Times,
/// addresses and code keep their colons as written.
#[test]
fn french_gets_no_break_spaces_where_the_source_has_none() {
    let front = r#"subject = "Objet: \"chauffage\"; urgent!"
salutation = "Madame,"
to = ["Mme Garnier", "Grand Lyon Habitat"]"#;
    let body = "Il a dit «oui»! Vraiment? Rendez-vous à 10:30 sur \
                https://exemple.fr/a:b?c=1 ou `a:b`.";
    let (_dir, text) = render(FRENCH_LETTERHEAD, &letter(front, body));
    let text = flat(&text);
    for spaced in [
        "Association « Logement » Solidaire",
        "Objet : « chauffage » ; urgent !",
        "Il a dit « oui » ! Vraiment ?",
        "à 10:30 sur https://exemple.fr/a:b?c=1 ou a:b.",
    ] {
        assert!(text.contains(spaced), "`{spaced}` not in: {text}");
    }
}

/// Every line of a PDF's text that starts with `; : ! ? »` or ends with `«`.
fn forbidden_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with([';', ':', '!', '?', '»']) || l.ends_with('«'))
        .map(str::to_string)
        .collect()
}

/// The French test letter, justified, at several measures: its many `« »`, `:`, `;`, `?`
/// and `!` (with ordinary spaces, and without) never begin or end a line wrongly.
///
/// The narrow no-break spaces are set by `punct`; the line breaker ties them (UAX #14 class
/// GL), as it ties an ordinary space before closing punctuation.
#[test]
fn no_french_line_starts_with_a_colon_or_ends_with_an_opening_guillemet() {
    let folder = repo().join("tests/typography/fr");
    let source = std::fs::read_to_string(folder.join("reparations-chauffage.md")).unwrap();
    // The same letter with its spaces before the marks left out, as many people type.
    let unspaced = source
        .replace(" ;", ";")
        .replace(" :", ":")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace("« ", "«")
        .replace(" »", "»");
    let base = std::fs::read_to_string(folder.join("letterhead.toml")).unwrap();
    let mut bad = Vec::new();
    for right in ["22mm", "31mm", "40mm", "49mm"] {
        let toml = base.replace("right = \"22mm\" }", &format!("right = \"{right}\" }}"));
        assert!(toml.contains(&format!("right = \"{right}\" }}")), "{toml}");
        for text in [&source, &unspaced] {
            let (_dir, extracted) = render(&toml, text);
            bad.extend(
                forbidden_lines(&extracted)
                    .into_iter()
                    .map(|l| format!("right margin {right}: `{l}`")),
            );
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// The reader above finds what it looks for.
#[test]
fn forbidden_lines_are_found() {
    assert_eq!(forbidden_lines("a\n : b\nc «\n"), [": b", "c «"]);
    assert!(forbidden_lines("a :\n« b\n").is_empty());
}
