//! End-to-end tests of the command line's conventions: shell completions queried in bash, the
//! manual page rendered by groff, colour by `--color` and `NO_COLOR` (on a real terminal through
//! `script`), `--version`, help texts, `--page-size` in any case, and `init` with its options,
//! rendered.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::Path;
use std::process::Command;

use common::{letterhead, qpdf_ok, repo, run, tool};

/// The subcommands every generated text must know.
const COMMANDS: [&str; 7] = [
    "render",
    "check",
    "merge",
    "init",
    "fonts",
    "completions",
    "man",
];

/// The completions bash offers for the command line `words` (the last one being completed),
/// from the script `letterhead completions bash` prints, sourced into a fresh bash.
fn bash_completions(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = words.join(" ");
    let program = format!(
        "source '{}'\n\
         COMP_WORDS=({})\n\
         COMP_CWORD={}\n\
         COMP_LINE='{line}'\n\
         COMP_POINT={}\n\
         _letterhead letterhead '{}' '{}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        line.len(),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs the completion script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_options_and_their_values() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(letterhead().args(["completions", "bash"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let script = dir.path().join("letterhead.bash");
    std::fs::write(&script, &r.stdout).unwrap();

    let commands = bash_completions(&script, &["letterhead", ""]);
    for command in COMMANDS {
        assert!(
            commands.iter().any(|c| c == command),
            "{command}: {commands:?}"
        );
    }
    let options = bash_completions(&script, &["letterhead", "render", "--"]);
    for option in [
        "--out-dir",
        "--page-size",
        "--deny-warnings",
        "--color",
        "--help",
    ] {
        assert!(options.iter().any(|o| o == option), "{option}: {options:?}");
    }
    let sizes = bash_completions(&script, &["letterhead", "render", "--page-size", ""]);
    assert_eq!(sizes, ["a4", "letter", "legal", "a5"]);
    let shells = bash_completions(&script, &["letterhead", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|s| s == shell), "{shell}: {shells:?}");
    }
    let layouts = bash_completions(&script, &["letterhead", "init", "--layout", "din"]);
    assert_eq!(layouts, ["din5008-a", "din5008-b"]);
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let marks = [
        ("zsh", "#compdef letterhead"),
        ("fish", "complete -c letterhead"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[letterhead]"),
    ];
    for (shell, mark) in marks {
        // Shell names in any case, as users type them.
        let r = run(letterhead().args(["completions", &shell.to_uppercase()]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(mark), "{shell}: {}", r.stdout);
        for command in COMMANDS {
            assert!(r.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let r = run(letterhead().args(["completions", "tcsh"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("possible values"), "{}", r.stderr);
}

/// A manual page rendered by groff as text: every warning (`-ww`) is a failure.
fn groff(page: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("groff")
        // `-k`: the page is UTF-8 (preconv), as `man` reads it.
        .args(["-k", "-man", "-Tutf8", "-ww"])
        .env("GROFF_NO_SGR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("`groff` is needed for this test ({e}); install groff-base"));
    child.stdin.take().unwrap().write_all(page).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "groff: {stderr}");
    // Bold and underline as overstrikes (`X\bX`), in case the renderer uses them.
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn the_manual_page_renders_with_every_command_and_option() {
    let r = run(letterhead().arg("man"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(".TH letterhead 1"), "{}", r.stdout);
    let text = groff(r.stdout.as_bytes());
    for heading in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "SUBCOMMANDS",
        "VERSION",
    ] {
        assert!(text.contains(heading), "{heading}:\n{text}");
    }
    assert!(text.contains("letterhead - Typesets letters"), "{text}");
    assert!(text.contains("--color"), "{text}");
    for command in COMMANDS {
        assert!(
            text.contains(&format!("letterhead-{command}(1)")),
            "{command}:\n{text}"
        );
    }
}

#[test]
fn man_out_dir_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let r = run(letterhead().args(["man", "--out-dir"]).arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = |name: &str| std::fs::read(out.join(format!("{name}.1"))).unwrap();
    let main = groff(&page("letterhead"));
    assert!(main.contains("SUBCOMMANDS"), "{main}");
    let render = groff(&page("letterhead-render"));
    assert!(render.contains("--out-dir"), "{render}");
    assert!(render.contains("letterhead render letters/"), "{render}");
    for command in COMMANDS {
        groff(&page(&format!("letterhead-{command}")));
    }
}

/// A folder with a letter whose front matter has a mistake: `check` reports it in the human
/// format, with a source line, a caret and a hint.
fn broken_letter() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("letterhead.toml"),
        "[organization]\nname = \"Acme\"\n",
    )
    .unwrap();
    let letter = dir.path().join("letter.md");
    std::fs::write(
        &letter,
        "+++\nto = [\"Someone\"]\nsubjekt = \"Hello\"\n+++\n\nBody.\n",
    )
    .unwrap();
    (dir, letter)
}

const ESC: &str = "\u{1b}[";

#[test]
fn color_always_colours_never_does_not() {
    let (_dir, letter) = broken_letter();
    let plain = run(letterhead()
        .args(["check", "--color", "never"])
        .arg(&letter));
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(plain.stderr.contains("subjekt"), "{}", plain.stderr);
    assert!(!plain.stderr.contains(ESC), "{:?}", plain.stderr);
    // Into a pipe, `auto` does not colour either.
    let auto = run(letterhead()
        .arg("check")
        .arg(&letter)
        .env_remove("NO_COLOR"));
    assert!(!auto.stderr.contains(ESC), "{:?}", auto.stderr);
    // `always` colours into a pipe, even with NO_COLOR set: the option wins.
    let coloured = run(letterhead()
        .args(["check", "--color=always"])
        .arg(&letter)
        .env("NO_COLOR", "1"));
    assert_eq!(coloured.code, 1, "{}", coloured.stderr);
    assert!(coloured.stderr.contains(ESC), "{:?}", coloured.stderr);
    assert!(coloured.stderr.contains("hint"), "{:?}", coloured.stderr);
    // The colour is all it adds: without its escapes, it is the plain text (but for the
    // time the summary line gives).
    let diagnostics = |text: &str| text.split("checked ").next().unwrap().to_string();
    assert_eq!(
        diagnostics(&strip_escapes(&coloured.stderr)),
        diagnostics(&plain.stderr)
    );
    // An option placed anywhere (it is global).
    let r = run(letterhead()
        .arg("check")
        .arg(&letter)
        .args(["--color", "always"]));
    assert!(r.stderr.contains(ESC), "{:?}", r.stderr);
}

/// Runs the binary with `args` on a pseudo-terminal (util-linux's `script`), with `NO_COLOR`
/// set to `no_color` or unset; gives what the terminal showed.
fn on_a_terminal(args: &str, no_color: Option<&str>) -> String {
    let bin = assert_cmd::cargo::cargo_bin("letterhead");
    let mut cmd = Command::new("script");
    cmd.args([
        "-q",
        "-e",
        "-c",
        &format!("{} {args}", bin.display()),
        "/dev/null",
    ])
    .env("TERM", "xterm")
    .env("SOURCE_DATE_EPOCH", common::EPOCH)
    .stdin(std::process::Stdio::null());
    match no_color {
        Some(value) => cmd.env("NO_COLOR", value),
        None => cmd.env_remove("NO_COLOR"),
    };
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("`script` (util-linux) is needed for this test ({e})"));
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("subjekt"), "{shown:?}");
    shown
}

#[test]
fn a_terminal_gets_colour_unless_no_color_is_set() {
    let (_dir, letter) = broken_letter();
    let args = format!("check {}", letter.display());
    assert!(on_a_terminal(&args, None).contains(ESC));
    // An empty NO_COLOR is as if unset (no-color.org).
    assert!(on_a_terminal(&args, Some("")).contains(ESC));
    assert!(!on_a_terminal(&args, Some("1")).contains(ESC));
    assert!(!on_a_terminal(&format!("--color never {args}"), None).contains(ESC));
    assert!(on_a_terminal(&format!("--color always {args}"), Some("1")).contains(ESC));
}

/// The text without its ANSI escape sequences (`ESC [ … letter`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn version_names_the_commit_and_its_date() {
    let r = run(letterhead().arg("--version"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let version = format!("letterhead {}", env!("CARGO_PKG_VERSION"));
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(repo())
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    // Built in a git checkout, the build knew the commit; from a source tree without git
    // history (an unpacked archive), the version stands alone.
    let in_checkout = git(&["rev-parse", "--show-toplevel"])
        .is_some_and(|top| Path::new(&top).canonicalize().ok() == repo().canonicalize().ok());
    if !in_checkout {
        assert_eq!(r.stdout.trim(), version);
        return;
    }
    let head = git(&["rev-parse", "--short=9", "HEAD"]).unwrap();
    let time = git(&["log", "-1", "--format=%ct"]).unwrap();
    let date = tool("date", &["-u", "-d", &format!("@{time}"), "+%F"]);
    assert_eq!(
        r.stdout.trim(),
        format!("{version} ({head} {})", date.trim())
    );
}

#[test]
fn every_command_has_its_own_help_with_examples() {
    for command in COMMANDS {
        let r = run(letterhead().args([command, "--help"]));
        assert_eq!(r.code, 0, "{command}: {}", r.stderr);
        assert!(r.stdout.contains("Examples:"), "{command}:\n{}", r.stdout);
        assert!(
            r.stdout.contains(&format!("letterhead {command}")),
            "{command}:\n{}",
            r.stdout
        );
    }
    // `check` writes nothing, and its help says so instead of speaking of written files.
    let r = run(letterhead().args(["check", "--help"]));
    let help = r.stdout.to_lowercase();
    assert!(help.contains("no file is written"), "{help}");
    for writing in ["already written", "not written", "write pdf", "worked on"] {
        assert!(
            !help.contains(writing),
            "`{writing}` in check --help:\n{help}"
        );
    }
}

#[test]
fn page_size_is_accepted_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("letter.md");
    std::fs::write(&letter, "+++\nto = [\"Someone\"]\n+++\n\nBody.\n").unwrap();
    for (size, points) in [
        ("A4", "595.276 x 841.89"),
        ("Letter", "612 x 792"),
        ("a5", "419.528 x 595.276"),
    ] {
        let out = dir.path().join(format!("{size}.pdf"));
        let r = run(letterhead()
            .args(["render", "--page-size", size, "-o"])
            .arg(&out)
            .arg(&letter));
        assert_eq!(r.code, 0, "{size}: {}", r.stderr);
        let info = tool("pdfinfo", &[out.to_str().unwrap()]);
        assert!(
            info.contains(&format!("Page size:       {points} pts")),
            "{size}: {info}"
        );
    }
}

/// The date of the example letter (2026-03-02) as each language writes it.
const DATES: [(&str, &str); 5] = [
    ("en-US", "March 2, 2026"),
    ("en-GB", "2 March 2026"),
    ("de-DE", "2. März 2026"),
    ("fr-FR", "2 mars 2026"),
    ("es-ES", "2 de marzo de 2026"),
];

#[test]
fn init_options_fill_in_a_letterhead_that_renders_in_every_layout_and_language() {
    let dir = tempfile::tempdir().unwrap();
    let name = "Müller & Söhne";
    for layout in ["block", "din5008-a", "din5008-b"] {
        for (language, date) in DATES {
            let target = dir.path().join(format!("{layout}-{language}"));
            let r = run(letterhead().arg("init").arg(&target).args([
                "--name",
                name,
                "--layout",
                layout,
                "--language",
                language,
            ]));
            assert_eq!(r.code, 0, "{layout} {language}: {}", r.stderr);
            let config = std::fs::read_to_string(target.join("letterhead.toml")).unwrap();
            assert!(
                config.contains(&format!("language  = \"{language}\"")),
                "{config}"
            );
            let r = run(letterhead()
                .args(["render", "--deny-warnings"])
                .arg(target.join("example-letter.md")));
            assert_eq!(r.code, 0, "{layout} {language}: {}\n{config}", r.stderr);
            let pdf = target.join("example-letter.pdf");
            assert!(qpdf_ok(&pdf));
            let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
            assert!(text.contains(name), "{layout} {language}: {text}");
            assert!(
                text.contains(date),
                "{layout} {language}: `{date}` in {text}"
            );
            let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
            let size = if layout == "block" {
                "612 x 792"
            } else {
                "595.276 x 841.89"
            };
            assert!(info.contains(size), "{layout}: {info}");
        }
    }
}

#[test]
fn init_writes_a_gitignore_for_pdfs_and_replaces_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path();
    let r = run(letterhead().arg("init").arg(target));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let gitignore = std::fs::read_to_string(target.join(".gitignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "*.pdf"), "{gitignore}");
    // The template is the one the README describes: SVG logos, five languages.
    let config = std::fs::read_to_string(target.join("letterhead.toml")).unwrap();
    assert!(config.contains("SVG"), "{config}");
    for (tag, _) in DATES {
        assert!(config.contains(tag), "{tag}: {config}");
    }

    // Without --force nothing is replaced; with it, both files are, and .gitignore keeps
    // one `*.pdf`.
    std::fs::write(target.join("letterhead.toml"), "# mine\n").unwrap();
    let r = run(letterhead().arg("init").arg(target).args(["--name", "New"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(target.join("letterhead.toml")).unwrap(),
        "# mine\n"
    );
    let name = r#"The "New" \ Old"#;
    let r = run(letterhead()
        .arg("init")
        .arg(target)
        .args(["--name", name, "--force"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let config = std::fs::read_to_string(target.join("letterhead.toml")).unwrap();
    assert!(
        config.contains(r#"name    = "The \"New\" \\ Old""#),
        "{config}"
    );
    let letter = std::fs::read_to_string(target.join("example-letter.md")).unwrap();
    assert!(letter.contains(r#"Chair, The \"New\" \\ Old"#), "{letter}");
    // Escaped as TOML wants it: both files still read cleanly.
    let r = run(letterhead()
        .args(["check", "--deny-warnings"])
        .arg(target.join("example-letter.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(target.join(".gitignore")).unwrap(),
        gitignore
    );

    // An existing .gitignore gains the line, once, and keeps its own.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join(".gitignore"), "/target").unwrap();
    let r = run(letterhead().arg("init").arg(other.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let gitignore = std::fs::read_to_string(other.path().join(".gitignore")).unwrap();
    assert!(gitignore.starts_with("/target\n"), "{gitignore}");
    assert_eq!(
        gitignore.lines().filter(|l| *l == "*.pdf").count(),
        1,
        "{gitignore}"
    );
}

#[test]
fn init_refuses_an_unknown_language_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new");
    let r = run(letterhead()
        .arg("init")
        .arg(&target)
        .args(["--language", "pt-BR"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("language `pt-BR` is not supported"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`de-DE`"), "{}", r.stderr);
    assert!(!target.exists());
}

#[test]
fn every_commented_setting_of_the_init_template_is_a_valid_one() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(letterhead().arg("init").arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let config = dir.path().join("letterhead.toml");
    // Uncomment `# key = value` lines, but for the files they name (which init does not
    // write) and the layout (which the window setting excludes).
    let mut uncommented = Vec::new();
    let text: String = std::fs::read_to_string(&config)
        .unwrap()
        .lines()
        .map(|line| {
            let key = line
                .strip_prefix("# ")
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
                .and_then(|rest| rest.split_once('='))
                .map(|(key, _)| key.trim())
                .filter(|key| {
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                });
            match key {
                Some(key) if !["font", "logo", "layout"].contains(&key) => {
                    uncommented.push(key.to_string());
                    format!("{}\n", &line[2..])
                }
                _ => format!("{line}\n"),
            }
        })
        .collect();
    std::fs::write(&config, text).unwrap();
    assert!(uncommented.len() >= 10, "{uncommented:?}");
    let r = run(letterhead()
        .args(["check", "--deny-warnings"])
        .arg(dir.path().join("example-letter.md")));
    assert_eq!(r.code, 0, "{uncommented:?}: {}", r.stderr);
}
