//! End-to-end tests of `check` (every warning kind at its file, line and column;
//! `--deny-warnings`; nothing written), `init` and `fonts`.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use common::{example_dir, files_below, letterhead, qpdf_ok, run, write_png};

const LETTERHEAD: &str = r#"[organization]
name = "The International Federation of Extremely Long Organization Names and Allied Committees"
logo = "logo.png"
address = ["A street name so long that it cannot possibly fit on one line of the contact column"]

[footer]
text = "A footer that lists every office, every telephone number, every registration number and every bank account of the federation, which is far too much for one line"
"#;

const LETTER: &str = "+++
to = [\"Someone\"]
date = 2026-01-01
closing = \"Yours,\"
[signature]
name = \"A. Person\"
image = \"sig.png\"
+++

A paragraph with <b>raw HTML</b> in it.

A smiley 😀 the font lacks.

A very long word Pneumonoultramicroscopicsilicovolcanoconiosisxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ends here.
";

/// A folder with a letterhead and a letter that between them raise every kind of warning.
fn warning_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letterhead.toml"), LETTERHEAD).unwrap();
    std::fs::write(d.join("letter.md"), LETTER).unwrap();
    write_png(&d.join("logo.png"), 40, 20);
    write_png(&d.join("sig.png"), 80, 30);
    dir
}

#[test]
fn check_reports_every_warning_kind_at_its_place() {
    let dir = warning_fixture();
    let d = dir.path();
    let r = run(letterhead()
        .args(["check", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let letter = d.join("letter.md").display().to_string();
    let config = d.join("letterhead.toml").display().to_string();
    for expected in [
        format!("{letter}:10:18: warning: raw HTML is not shown"),
        format!("{letter}:12:10: warning: the font `Noto Serif` has no glyph for `😀` (U+1F600)"),
        format!(
            "{letter}:14:18: warning: `Pneumonoultramicroscopicsilicovolcano…` is wider than the line (overfull)"
        ),
        format!("{letter}:7:10: warning: the signature image (80 × 30 pixels) prints at"),
        format!("{config}:3:8: warning: the logo (40 × 20 pixels) prints at"),
        format!(
            "{config}:4:13: warning: `A street name so long that it cannot…` does not fit on one line"
        ),
        format!(
            "{config}:2:8: warning: `organization.name` needs 3 lines in the letterhead, which has room for two"
        ),
        format!(
            "{config}:7:8: warning: `footer.text` needs 2 lines in the letterhead, which has room for one"
        ),
    ] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with(&expected)),
            "missing `{expected}` in:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("checked 1 letter (1 page)"),
        "{}",
        r.stderr
    );
    // check writes nothing.
    assert!(
        !files_below(d)
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "pdf"))
    );
}

#[test]
fn human_diagnostics_show_the_line_and_a_caret() {
    let dir = warning_fixture();
    let r = run(letterhead().arg("check").arg(dir.path().join("letter.md")));
    assert!(
        r.stderr.contains("warning: raw HTML is not shown\n  --> ")
            && r.stderr
                .contains("10 | A paragraph with <b>raw HTML</b> in it.")
            && r.stderr.contains("   |                  ---"),
        "{}",
        r.stderr
    );
}

#[test]
fn deny_warnings_fails_check_and_render_writes_nothing() {
    let dir = warning_fixture();
    let d = dir.path();
    let r = run(letterhead()
        .args(["check", "--deny-warnings"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("denied by --deny-warnings"),
        "{}",
        r.stderr
    );
    let r = run(letterhead()
        .args(["render", "--deny-warnings"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the PDF was not written"), "{}", r.stderr);
    assert!(!d.join("letter.pdf").exists());
    // Without the flag, the same letter renders (warnings do not fail).
    let r = run(letterhead().arg("render").arg(d.join("letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&d.join("letter.pdf")));
}

#[test]
fn the_example_letters_check_clean() {
    let dir = example_dir();
    let r = run(letterhead()
        .args(["check", "--deny-warnings", "--report", "json"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["command"], "check");
    assert_eq!(summary["succeeded"], 2);
    assert_eq!(summary["warnings"], 0);
    assert!(
        !files_below(dir.path())
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "pdf"))
    );
}

#[test]
fn init_writes_a_letter_that_renders_cleanly_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new");
    let r = run(letterhead().arg("init").arg(&target));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(letterhead()
        .args(["render", "--deny-warnings"])
        .arg(&target));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(qpdf_ok(&target.join("example-letter.pdf")));
    // A second init refuses, and changes nothing.
    let config = target.join("letterhead.toml");
    std::fs::write(&config, "# mine\n").unwrap();
    let r = run(letterhead().arg("init").arg(&target));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), "# mine\n");
}

#[test]
fn fonts_lists_bundled_and_configured_families_with_their_scripts() {
    let r = run(letterhead().arg("fonts").current_dir(std::env::temp_dir()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Noto Serif — bundled"), "{}", r.stdout);
    for needle in [
        "bold italic  NotoSerif-BoldItalic",
        "Latin (",
        "Greek (",
        "Cyrillic (",
    ] {
        assert!(
            r.stdout.contains(needle),
            "`{needle}` missing:\n{}",
            r.stdout
        );
    }
    // A letterhead with font files of its own: listed with its faces.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let font = common::repo().join("fonts/noto-serif/NotoSerif-Italic.ttf");
    std::fs::copy(&font, d.join("House.ttf")).unwrap();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n[style]\nfont = { regular = \"House.ttf\" }\n",
    )
    .unwrap();
    let r = run(letterhead().arg("fonts").current_dir(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("House — configured in letterhead.toml")
            && r.stdout.contains("bold         (none: House stands in)"),
        "{}",
        r.stdout
    );
}
