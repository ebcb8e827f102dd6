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
    // Without the system's fonts, one of which may have the emoji.
    let r = run(letterhead()
        .args([
            "check",
            "--ignore-system-fonts",
            "--diagnostic-format",
            "short",
        ])
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
    // With it again, in a pipe (where warnings are not shown): the error names the first
    // warning, and the PDF of the earlier run, which would pass for this one's, is gone.
    let r = run(letterhead()
        .args(["render", "--deny-warnings", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error = r.stderr.lines().find(|l| l.contains("error:")).unwrap();
    assert!(
        error.contains("warnings denied by --deny-warnings (the first: ")
            && error.contains("the PDF was not written, and the earlier `")
            && error.ends_with("letter.pdf` was removed"),
        "{error}"
    );
    assert!(!d.join("letter.pdf").exists());
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

/// The `file:line:col: error:` lines of a short-format run, in the order printed.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(": error: ")).collect()
}

#[test]
fn every_letterhead_mistake_is_reported_at_once_in_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Three mistakes, written so that their keys sort in another order than their lines.
    std::fs::write(
        d.join("letterhead.toml"),
        "[style]\naccent = \"red\"\n[page]\nsize = \"b7\"\nmargins = { top = 25 }\n\
         [organization]\nname = \"Acme\"\nlogo-position = \"centre\"\n",
    )
    .unwrap();
    std::fs::write(d.join("letter.md"), "+++\nto = [\"A\"]\n+++\n\nBody.\n").unwrap();
    let r = run(letterhead()
        .args(["check", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let config = d.join("letterhead.toml").display().to_string();
    let lines = error_lines(&r.stderr);
    let at: Vec<String> = lines
        .iter()
        .map(|l| {
            l.strip_prefix(&format!("{config}:"))
                .unwrap_or(l)
                .to_string()
        })
        .collect();
    assert_eq!(
        at,
        [
            "2:10: error: `red` is not a colour; write it as \"#rrggbb\", e.g. \"#7a1f3d\"",
            "4:8: error: `b7` is not a page size",
            "5:19: error: `top` should be a length with a unit, like \"25mm\", not the number `25`",
            "8:17: error: unknown variant `centre`, expected `left` or `right`",
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("{config}:5:19: hint: add a unit: \"25mm\"")),
        "{}",
        r.stderr
    );
}

#[test]
fn every_front_matter_mistake_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("letter.md"),
        "+++\nto = [\"A\"]\ndate = \"2026-12-02\"\n[signature]\nname = \"Ada\"\ntitel = \"Chair\"\n+++\n\nBody.\n",
    )
    .unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let letter = d.join("letter.md").display().to_string();
    let lines = error_lines(&r.stderr);
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with(&format!("{letter}:3:8: error: `date` should be a date")));
    assert!(lines[1].starts_with(&format!("{letter}:6:1: error: unknown field `titel`")));
    assert!(
        r.stderr.contains(&format!(
            "{letter}:3:8: hint: remove the quotes: a date is written bare, date = 2026-12-02"
        )),
        "{}",
        r.stderr
    );
    assert!(!d.join("letter.pdf").exists());
    // The human format shows each with its source line, and the JSON report each too.
    let r = run(letterhead().arg("check").arg(d.join("letter.md")));
    assert!(
        r.stderr.contains("3 | date = \"2026-12-02\"")
            && r.stderr.contains("6 | titel = \"Chair\""),
        "{}",
        r.stderr
    );
    let r = run(letterhead()
        .args(["check", "--report", "json"])
        .arg(d.join("letter.md")));
    let first: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["error"]["line"], 3);
    assert_eq!(first["error"]["also"][0]["line"], 6);
}

#[test]
fn wrong_types_are_said_in_the_files_terms() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("letter.md"), "+++\nto = [\"A\"]\n+++\n\nBody.\n").unwrap();
    // Each value of the wrong type, and a word the message must use.
    let letterheads = [
        (
            "[organization]\nname = \"A\"\n[page]\nmargins = \"1in\"\n",
            "a table of lengths",
        ),
        (
            "[organization]\nname = \"A\"\n[page]\nsize = 3\n",
            "a paper size",
        ),
        (
            "[organization]\nname = \"A\"\n[page]\nsize = { width = \"1in\" }\n",
            "missing field `height`",
        ),
        (
            "[organization]\nname = \"A\"\n[style]\nfont = 3\n",
            "a font's name",
        ),
        (
            "[organization]\nname = \"A\"\n[style]\nsize = 11\n",
            "add a unit: \"11pt\"",
        ),
        (
            "[organization]\nname = \"A\"\n[style]\nleading = \"1.4\"\n",
            "remove the quotes: leading = 1.4",
        ),
        (
            "[organization]\nname = \"A\"\n[style]\nhyphenate = \"no\"\n",
            "`true` or `false`",
        ),
        (
            "[organization]\nname = \"A\"\naddress = \"1 Main St\"\n",
            "write it as an array",
        ),
        (
            "[organization]\nname = 42\n",
            "put it in quotes: name = \"42\"",
        ),
        ("organization = \"Acme\"\n", "[organization] with name"),
        (
            "[organization]\nname = \"A\"\n[footer]\ncolumns = [\"a\", \"b\"]\n",
            "a column",
        ),
    ];
    let letters = [
        ("signature = \"Ada\"\n", "[signature] with name"),
        ("signatures = { name = \"Ada\" }\n", "[[signatures]]"),
        (
            "signatures = [\"Ada\"]\n",
            "each entry of `signatures` should be a table",
        ),
        ("your-letter = 3\n", "a date"),
        ("date = \"5 August 2015\"\n", "write the date bare"),
        (
            "date = 2026-12-02\nletterhead = 3\n",
            "the letterhead file's name",
        ),
    ];
    let mut seen = Vec::new();
    for (toml, needle) in letterheads {
        std::fs::write(d.join("letterhead.toml"), toml).unwrap();
        let r = run(letterhead()
            .args(["check", "--diagnostic-format", "short"])
            .arg(d.join("letter.md")));
        assert_eq!(r.code, 2, "{toml}\n{}", r.stderr);
        seen.push((toml, needle, r.stderr));
    }
    std::fs::write(d.join("letterhead.toml"), "[organization]\nname = \"A\"\n").unwrap();
    for (front, needle) in letters {
        std::fs::write(d.join("letter.md"), format!("+++\n{front}+++\n\nBody.\n")).unwrap();
        let r = run(letterhead()
            .args(["check", "--diagnostic-format", "short"])
            .arg(d.join("letter.md")));
        assert_eq!(r.code, 1, "{front}\n{}", r.stderr);
        seen.push((front, needle, r.stderr));
    }
    for (input, needle, stderr) in seen {
        assert!(
            stderr.contains(needle),
            "`{needle}` missing for {input}:\n{stderr}"
        );
        for serde_word in [
            "struct",
            "enum",
            "invalid type",
            "TOML datetime",
            "variant of",
        ] {
            assert!(
                !stderr.contains(serde_word),
                "`{serde_word}` for {input}:\n{stderr}"
            );
        }
    }
}

#[test]
fn a_letterhead_named_in_front_matter_is_named_in_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("shared")).unwrap();
    std::fs::write(
        d.join("shared/acme.toml"),
        "[organization]\nname = \"Acme\"\n[style]\nsize = 11\n",
    )
    .unwrap();
    std::fs::write(
        d.join("letter.md"),
        "+++\nto = [\"A\"]\nletterhead = \"shared/acme.toml\"\n+++\n\nBody.\n",
    )
    .unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let named = d.join("shared/acme.toml").display().to_string();
    assert!(
        r.stderr
            .contains(&format!("{named}:4:8: error: `size` should be a length")),
        "{}",
        r.stderr
    );
    // A letterhead that is not there is still shown at the letter's line naming it.
    std::fs::remove_file(d.join("shared/acme.toml")).unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    let letter = d.join("letter.md").display().to_string();
    assert!(
        r.stderr
            .contains(&format!("{letter}:3:14: error: cannot read letterhead")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_date_format_the_date_cannot_fill_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n[style]\nlanguage = \"de-DE\"\ndate-format = \"[day].[month].[year] [hour]:[minute]\"\n",
    )
    .unwrap();
    std::fs::write(d.join("letter.md"), "+++\nto = [\"A\"]\n+++\n\nBody.\n").unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d.join("letter.md")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let config = d.join("letterhead.toml").display().to_string();
    assert!(
        r.stderr.contains(&format!(
            "{config}:5:15: error: `[day].[month].[year] [hour]:[minute]` cannot be filled from a date"
        )),
        "{}",
        r.stderr
    );
    assert!(!d.join("letter.pdf").exists());
}
