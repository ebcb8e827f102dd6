//! The library API as a program uses it: the example renders a letter from strings, the
//! library makes the very PDF the command line makes from the same files, and its diagnostics
//! read as the command line's.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use common::{letterhead, qpdf_ok, run, tool};

/// The example, compiled into this test: its `make` is run as its `main` runs it. (Running its
/// binary would need a `cargo build --example`, which resolves features without the
/// dev-dependencies and rebuilds half the dependency tree.)
#[allow(dead_code)] // The example's `main` is for its binary.
#[path = "../examples/render_from_strings.rs"]
mod example;

const LETTERHEAD: &str =
    "[organization]\nname = \"Acme Ltd\"\naddress = [\"1 Main Street\", \"Springfield\"]\n";

const LETTER: &str = "+++\nto = [\"Ada Lovelace\"]\nsubject = \"Your order\"\nclosing = \"Yours,\"\n\n[signature]\nname = \"Bo Builder\"\n+++\n\nDear Ada,\n\nThank you for your order, which leaves today.\n";

#[test]
fn the_example_renders_a_letter_from_strings() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("out.pdf");
    let written = example::make(&pdf).unwrap();
    assert!(written.contains("(1 page,"), "{written}");
    assert!(qpdf_ok(&pdf));
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for words in [
        "Northwind Trading",
        "Ada Lovelace",
        "Your order 1042",
        "two difference engines",
        "Charles Babbage",
    ] {
        assert!(text.contains(words), "{words:?} missing from:\n{text}");
    }
}

#[test]
fn the_example_says_what_went_wrong_when_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("no such folder").join("out.pdf");
    let problem = example::make(&pdf).unwrap_err();
    assert!(problem.starts_with("error: cannot write"), "{problem}");
    assert!(!pdf.exists());
}

#[test]
fn the_library_makes_the_pdf_the_command_line_makes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("letterhead.toml"), LETTERHEAD).unwrap();
    std::fs::write(dir.path().join("letter.md"), LETTER).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1438732800")
        .args(["render", "--ignore-system-fonts", "letter.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cli = std::fs::read(dir.path().join("letter.pdf")).unwrap();

    let lh = letterhead::Letterhead::from_toml(LETTERHEAD, "").unwrap();
    let letter = letterhead::Letter::from_markdown(LETTER).unwrap();
    let options = letterhead::Options::default()
        .now(1_438_732_800)
        .ignore_system_fonts(true);
    let pdf = letterhead::render(&lh, &letter, &options).unwrap();
    assert!(pdf.warnings().is_empty(), "{}", pdf.warnings());
    assert_eq!(pdf.page_count(), 1);
    assert!(pdf.bytes() == cli.as_slice(), "the PDFs differ");
}

#[test]
fn library_diagnostics_read_as_the_command_lines() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "[organization]\nname = \"Acme\"\n\n[style]\nsize = \"11 apples\"\n";
    std::fs::write(dir.path().join("letterhead.toml"), broken).unwrap();
    std::fs::write(dir.path().join("letter.md"), LETTER).unwrap();
    let r = run(letterhead().arg("check").arg(dir.path().join("letter.md")));
    assert_eq!(r.code, 2, "{}", r.stderr);

    let err = letterhead::Letterhead::from_toml(broken, dir.path()).unwrap_err();
    assert!(err.has_errors());
    let first = err.iter().next().unwrap();
    assert_eq!(first.severity(), letterhead::Severity::Error);
    assert_eq!(
        first.path(),
        Some(dir.path().join("letterhead.toml").as_path())
    );
    assert_eq!(first.line_col(), Some((5, 8)));
    let shown = err.to_string();
    assert!(
        r.stderr.contains(&shown),
        "library:\n{shown}\ncommand line:\n{}",
        r.stderr
    );
}

#[test]
fn options_that_name_nothing_known_are_errors() {
    let letter = letterhead::Letter::from_markdown(LETTER).unwrap();
    let plain = letterhead::Letterhead::plain();
    let bad = letterhead::Options::default().ignore_system_fonts(true);
    let err = letterhead::render(&plain, &letter, &bad.clone().language("xx-XX")).unwrap_err();
    assert!(
        err.to_string()
            .contains("language `xx-XX` is not supported"),
        "{err}"
    );
    let err = letterhead::render(&plain, &letter, &bad.page_size("a9")).unwrap_err();
    assert!(
        err.to_string().contains("page size `a9` is not known"),
        "{err}"
    );
}

#[test]
fn the_language_option_dates_the_letter_in_that_language() {
    let letter = letterhead::Letter::from_markdown(LETTER).unwrap();
    let options = letterhead::Options::default()
        .now(1_438_732_800)
        .ignore_system_fonts(true)
        .language("de-DE");
    let pdf = letterhead::render(&letterhead::Letterhead::plain(), &letter, &options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("de.pdf");
    std::fs::write(&path, pdf.bytes()).unwrap();
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("5. August 2015"), "{text}");
}
