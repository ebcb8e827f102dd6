//! End-to-end tests of batches: parallel rendering, failures that stop nothing, planning that
//! refuses collisions, atomic writes under SIGKILL, and the JSON report.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{
    example_dir, files_below, letter, letterhead, pdfs_in, qpdf_ok, run, tool, write_png,
};

/// A folder with a letterhead and `n` good letters of one to three pages.
fn good_batch(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo().join("letters/letterhead.toml"),
        dir.path().join("letterhead.toml"),
    )
    .unwrap();
    let seed =
        std::fs::read_to_string(common::repo().join("letters/amnesty-draft-policy.md")).unwrap();
    let body = seed.rsplit("+++").next().unwrap().to_string();
    let paragraphs: Vec<&str> = body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    for i in 0..n {
        let take = 2 + (i * 7) % (paragraphs.len() * 2);
        let text: Vec<&str> = paragraphs.iter().cycle().take(take).copied().collect();
        let front = format!(
            "to = [\"Recipient {i}\", \"{i} Main Street\"]\nsubject = \"Letter {i}\"\nsalutation = \"Dear Recipient {i},\"\nclosing = \"Sincerely,\"\n[signature]\nname = \"Penelope Saunders\""
        );
        std::fs::write(
            dir.path().join(format!("letter-{i:03}.md")),
            letter(&front, &text.join("\n\n")),
        )
        .unwrap();
    }
    dir
}

fn temporaries_in(dir: &Path) -> Vec<PathBuf> {
    files_below(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect()
}

#[test]
fn broken_letters_are_reported_and_the_good_ones_written() {
    let dir = good_batch(4);
    let d = dir.path();
    std::fs::write(
        d.join("bad-toml.md"),
        "+++\nto = [\"Someone\"]\nsubject = \"unclosed\n+++\n\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        d.join("missing-image.md"),
        letter(
            "to = [\"Someone\"]\nclosing = \"Yours,\"\n[signature]\nname = \"A. Person\"\nimage = \"no-such-signature.png\"",
            "Body text.",
        ),
    )
    .unwrap();
    std::fs::write(d.join("binary.md"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    for i in 0..4 {
        let pdf = d.join(format!("letter-{i:03}.pdf"));
        assert!(qpdf_ok(&pdf), "{} missing or invalid", pdf.display());
    }
    for name in ["bad-toml", "missing-image", "binary"] {
        assert!(
            !d.join(format!("{name}.pdf")).exists(),
            "{name}.pdf written"
        );
    }
    assert!(r.stderr.contains("bad-toml.md:3:"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("missing-image.md:6:9: error: failed to read signature image"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("binary.md: error:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("4 letters rendered (") && r.stderr.contains("), 3 failed, in "),
        "{}",
        r.stderr
    );
    assert_eq!(temporaries_in(d), Vec::<PathBuf>::new());
}

#[test]
fn two_letters_to_one_output_are_refused_with_nothing_written() {
    let dir = good_batch(0);
    let d = dir.path();
    for sub in ["a", "b"] {
        std::fs::create_dir(d.join(sub)).unwrap();
        std::fs::write(d.join(sub).join("same.md"), letter("to = [\"X\"]", "Body.")).unwrap();
    }
    let out = d.join("out");
    let r = run(letterhead()
        .arg("render")
        .arg(d.join("a/same.md"))
        .arg(d.join("b/same.md"))
        .arg("--out-dir")
        .arg(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("would both be written to"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    assert_eq!(pdfs_in(d), Vec::<PathBuf>::new());
}

#[test]
fn output_over_a_file_that_is_not_a_pdf_is_refused() {
    let dir = good_batch(2);
    let d = dir.path();
    let r = run(letterhead()
        .arg("render")
        .arg(d.join("letter-000.md"))
        .arg("-o")
        .arg(d.join("letter-001.md")));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("exists and is not a PDF"), "{}", r.stderr);
    assert!(
        std::fs::read_to_string(d.join("letter-001.md"))
            .unwrap()
            .starts_with("+++")
    );
    assert_eq!(pdfs_in(d), Vec::<PathBuf>::new());
}

#[test]
fn one_and_two_threads_give_identical_pdfs() {
    let dir = good_batch(12);
    let d = dir.path();
    for jobs in ["1", "2"] {
        let r = run(letterhead()
            .args(["render", "-q", "-j", jobs, "--out-dir"])
            .arg(d.join(format!("out-{jobs}")))
            .arg(d));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let one = pdfs_in(&d.join("out-1"));
    assert_eq!(one.len(), 12);
    for pdf in one {
        let name = pdf.file_name().unwrap();
        let other = d.join("out-2").join(name);
        assert!(
            std::fs::read(&pdf).unwrap() == std::fs::read(&other).unwrap(),
            "{} differs between -j 1 and -j 2",
            name.to_string_lossy()
        );
    }
}

/// A batch in one process reuses what letters share (font subsets, shaped words, hyphenated
/// words); each letter rendered by a process of its own starts with nothing. The bytes must
/// be the same either way, whatever the order the letters come in.
#[test]
fn letters_rendered_together_or_alone_give_identical_pdfs() {
    let dir = example_dir();
    let d = dir.path();
    // The examples and a batch of variations on the seed letter, which share most glyphs.
    let batch = good_batch(8);
    for entry in std::fs::read_dir(batch.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::copy(&path, d.join(path.file_name().unwrap())).unwrap();
        }
    }
    let r = run(letterhead()
        .args(["render", "-q", "-j", "1", "--out-dir"])
        .arg(d.join("together"))
        .arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let together = pdfs_in(&d.join("together"));
    assert!(together.len() >= 10, "{together:?}");
    for pdf in &together {
        let name = pdf.file_name().unwrap();
        let input = d.join(Path::new(name).with_extension("md"));
        let alone = d.join("alone").join(name);
        let r = run(letterhead().arg("render").arg(&input).arg("-o").arg(&alone));
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        assert!(
            std::fs::read(pdf).unwrap() == std::fs::read(&alone).unwrap(),
            "{} differs between a batch and a run of its own",
            name.to_string_lossy()
        );
    }
}

/// What a letter renders to is compared with the PDF already there; an identical one is not
/// written again (same inode, same modification time), and the summary and the JSON report
/// say so. A letter that changed is written as before.
#[test]
fn identical_pdfs_are_left_alone_and_counted_as_unchanged() {
    use std::os::unix::fs::MetadataExt;
    let dir = good_batch(4);
    let d = dir.path();
    let r = run(letterhead().args(["render", "-q"]).arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stamp = |name: &str| {
        let m = std::fs::metadata(d.join(name)).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let names: Vec<String> = (0..4).map(|i| format!("letter-{i:03}.pdf")).collect();
    let before: Vec<_> = names.iter().map(|n| stamp(n)).collect();
    // Coarse file-system clocks: a rewrite must be able to show in the time stamp.
    std::thread::sleep(Duration::from_millis(20));
    let edited = d.join("letter-002.md");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{text}\nOne more sentence.\n")).unwrap();
    let r = run(letterhead().args(["render", "--report", "json"]).arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("rendered 4 letters") && r.stderr.contains(", 3 unchanged"),
        "{}",
        r.stderr
    );
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (i, name) in names.iter().enumerate() {
        let letter = &lines[i];
        assert_eq!(letter["output"], d.join(name).display().to_string());
        assert_eq!(letter["status"], "ok");
        let changed = i == 2;
        assert_eq!(letter["unchanged"], !changed, "{letter}");
        if changed {
            assert_ne!(stamp(name), before[i], "{name} was not written again");
        } else {
            assert_eq!(stamp(name), before[i], "{name} was written again");
        }
        assert!(qpdf_ok(&d.join(name)));
    }
    assert_eq!(lines[4]["unchanged"], 3, "{}", lines[4]);
    // A PDF of the right size but other bytes is replaced.
    let target = d.join("letter-000.pdf");
    let mut bytes = std::fs::read(&target).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x20;
    std::fs::write(&target, &bytes).unwrap();
    let r = run(letterhead().args(["render", "--report", "json"]).arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["unchanged"], 3, "{summary}");
    assert!(qpdf_ok(&target));
    assert_ne!(std::fs::read(&target).unwrap(), bytes);
}

#[test]
fn json_report_matches_the_files_written() {
    let dir = good_batch(5);
    let d = dir.path();
    std::fs::write(d.join("zz-bad.md"), "+++\nto = 3\n+++\n\nBody.\n").unwrap();
    let r = run(letterhead().args(["render", "--report", "json"]).arg(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let objects: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 7, "{}", r.stdout);
    for (i, o) in objects[..5].iter().enumerate() {
        assert_eq!(o["type"], "letter");
        assert_eq!(o["status"], "ok");
        assert!(
            o["input"]
                .as_str()
                .unwrap()
                .ends_with(&format!("letter-{i:03}.md"))
        );
        let output = PathBuf::from(o["output"].as_str().unwrap());
        assert_eq!(
            o["bytes"].as_u64().unwrap(),
            std::fs::metadata(&output).unwrap().len()
        );
        let info = tool("pdfinfo", &[output.to_str().unwrap()]);
        let pages = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim();
        assert_eq!(o["pages"].as_u64().unwrap().to_string(), pages);
        assert_eq!(o["error"], serde_json::Value::Null);
    }
    let bad = &objects[5];
    assert_eq!(bad["status"], "failed");
    assert_eq!(bad["output"], serde_json::Value::Null);
    // Numbers, as the summary counts them: nothing written.
    assert_eq!(
        (bad["pages"].as_u64(), bad["bytes"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(
        bad.get("row").is_none(),
        "only merge rows have a row: {bad}"
    );
    assert_eq!(bad["error"]["line"], 2);
    assert!(
        bad["error"]["file"]
            .as_str()
            .unwrap()
            .ends_with("zz-bad.md")
    );
    let summary = &objects[6];
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["command"], "render");
    assert_eq!(summary["letters"], 6);
    assert_eq!(summary["succeeded"], 5);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["exit_code"], 1);
    let pages: u64 = objects[..5]
        .iter()
        .map(|o| o["pages"].as_u64().unwrap())
        .sum();
    assert_eq!(summary["pages"].as_u64().unwrap(), pages);
}

#[test]
fn fail_fast_stops_starting_letters_after_a_failure() {
    let dir = good_batch(30);
    let d = dir.path();
    std::fs::write(d.join("a-bad.md"), "+++\nto = 3\n+++\n\nBody.\n").unwrap();
    let r = run(letterhead()
        .args(["render", "-j", "1", "--fail-fast", "--report", "json"])
        .arg(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["skipped"], 30, "{}", r.stdout);
    assert_eq!(pdfs_in(d), Vec::<PathBuf>::new());
}

#[test]
fn temporaries_of_a_killed_run_are_removed_by_the_next() {
    let dir = good_batch(1);
    let d = dir.path();
    // A process id above any real one: the run that wrote it is gone.
    let stale = d.join(".letter-000.pdf.4294967295.tmp");
    std::fs::write(&stale, b"%PDF-1.7 half a file").unwrap();
    let unrelated = d.join(".notes.txt.12.tmp");
    std::fs::write(&unrelated, b"not ours").unwrap();
    let r = run(letterhead().arg("render").arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!stale.exists());
    assert!(unrelated.exists(), "a file that is not ours was removed");
}

#[test]
fn killing_a_batch_leaves_only_complete_pdfs() {
    let dir = good_batch(150);
    let d = dir.path();
    // Kill the batch 20 times at moments spread over its run, each time over the previous PDFs.
    let seed = Instant::now().elapsed().subsec_nanos() as u64 | 1;
    for round in 0..20u64 {
        let delay = 30 + seed.wrapping_mul(round + 7).wrapping_mul(2_654_435_761) % 600;
        let mut child = letterhead()
            .args(["render", "-q", "-j", "2"])
            .arg(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for pdf in pdfs_in(d) {
            assert!(
                qpdf_ok(&pdf),
                "round {round} (killed after {delay} ms): {} is not a complete PDF",
                pdf.display()
            );
        }
    }
    // The next full run completes every letter and leaves no temporary file behind.
    let r = run(letterhead().args(["render", "-q"]).arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pdfs_in(d).len(), 150);
    assert_eq!(temporaries_in(d), Vec::<PathBuf>::new());
}

#[test]
fn logo_below_150_dpi_is_a_warning_not_a_failure() {
    let dir = good_batch(1);
    let d = dir.path();
    write_png(&d.join("logo.png"), 60, 30);
    let config = std::fs::read_to_string(d.join("letterhead.toml")).unwrap();
    std::fs::write(
        d.join("letterhead.toml"),
        config.replace("[organization]\n", "[organization]\nlogo = \"logo.png\"\n"),
    )
    .unwrap();
    let r = run(letterhead()
        .args(["render", "--diagnostic-format", "short"])
        .arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("letterhead.toml:4:8: warning: the logo (60 × 30 pixels) prints at"),
        "{}",
        r.stderr
    );
    assert!(qpdf_ok(&d.join("letter-000.pdf")));
}

#[test]
fn in_a_pipe_render_prints_a_line_per_failure_and_the_summary_only() {
    let dir = good_batch(3);
    let d = dir.path();
    // A warning (a character the font lacks) and a failure.
    std::fs::write(d.join("emoji.md"), letter("to = [\"A\"]", "Tea 🍵 time.")).unwrap();
    std::fs::write(d.join("zz-bad.md"), "+++\nto = 3\n+++\n\nBody.\n").unwrap();
    let r = run(letterhead().arg("render").arg(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].ends_with(
            "zz-bad.md:2:6: error: `to` should be a string or an array of strings, not the number `3`"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("4 letters rendered (") && lines[1].contains("), 1 failed, in "),
        "{}",
        lines[1]
    );
}

#[test]
fn a_letter_named_twice_is_rendered_once() {
    let dir = example_dir();
    let r = run(letterhead().current_dir(dir.path()).args([
        "render",
        ".",
        "amnesty-draft-policy.md",
        "./amnesty-draft-policy.md",
        "--diagnostic-format",
        "short",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("rendered 2 letters"), "{}", r.stderr);
}

#[test]
fn a_folder_tree_is_rendered_in_path_order_each_letter_once() {
    let dir = good_batch(1);
    let d = dir.path();
    let letter = std::fs::read_to_string(d.join("letter-000.md")).unwrap();
    std::fs::remove_file(d.join("letter-000.md")).unwrap();
    for name in [
        "z.md",
        "b.md",
        "b/x.md",
        "b/a/y.md",
        "c/w.MD",
        "c/notes.txt",
    ] {
        let path = d.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &letter).unwrap();
    }
    std::fs::write(d.join("c/thanks.template.md"), &letter).unwrap();
    // The same folder under a second name is searched once, under the name met first.
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("b/a"), d.join("c/again")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = run(letterhead()
        .args(["render", "--report", "json", "--out-dir"])
        .arg(out.path())
        .arg(d)
        // Named again: already in the folder.
        .arg(d.join("b/x.md")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let inputs: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|o| o["type"] == "letter")
        .map(|o| {
            let input = PathBuf::from(o["input"].as_str().unwrap());
            let relative = input
                .strip_prefix(d)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            relative.replace('\\', "/")
        })
        .collect();
    assert_eq!(
        inputs,
        ["b/a/y.md", "b/x.md", "b.md", "c/w.MD", "z.md"],
        "{}",
        r.stdout
    );
    let summary = r.stdout.lines().last().unwrap();
    assert!(summary.contains(r#""letters":5"#), "{summary}");
    assert!(
        r.stderr.contains("1 merge template left out"),
        "{}",
        r.stderr
    );
}

#[test]
fn in_a_pipe_the_summary_names_how_to_see_the_hidden_warnings_and_hints_are_kept() {
    let dir = good_batch(2);
    let d = dir.path();
    // A warning (a character the font lacks) and a failure with a hint (no body).
    std::fs::write(d.join("emoji.md"), letter("to = [\"A\"]", "Tea 🍵 time.")).unwrap();
    std::fs::write(d.join("empty.md"), "+++\nto = [\"A\"]\n+++\n").unwrap();
    let r = run(letterhead().args(["render", "."]).current_dir(d));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("./empty.md")
            && l.ends_with(": hint: write the letter's text after the closing `+++`")),
        "the hint is lost:\n{}",
        r.stderr
    );
    let summary = r.stderr.lines().last().unwrap();
    assert!(
        summary.contains(", 1 failed, in ")
            && summary.ends_with(", 1 warning (run `letterhead check .` to see it)"),
        "{summary}"
    );
    // And that command does show it.
    let check = run(letterhead().args(["check", "."]).current_dir(d));
    assert!(check.stderr.contains("warning:"), "{}", check.stderr);
}

#[test]
fn re_rendering_keeps_the_pdf_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = good_batch(1);
    let d = dir.path();
    let pdf = d.join("letter-000.pdf");
    assert_eq!(run(letterhead().arg("render").arg(d)).code, 0);
    for mode in [0o600, 0o640, 0o444] {
        std::fs::set_permissions(&pdf, std::fs::Permissions::from_mode(mode)).unwrap();
        let r = run(letterhead().arg("render").arg(d));
        assert_eq!(r.code, 0, "{}", r.stderr);
        let now = std::fs::metadata(&pdf).unwrap().permissions().mode() & 0o7777;
        assert_eq!(now, mode, "mode {mode:o} became {now:o}");
    }
    assert!(qpdf_ok(&pdf));
}

#[test]
fn a_symlink_planted_at_a_temporary_name_is_never_followed() {
    let dir = good_batch(1);
    let d = dir.path();
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.txt");
    std::fs::write(&precious, b"the user's own file").unwrap();
    // Plausible temporary names: `.NAME.PID.tmp` for the process ids the run is likely to get
    // (the next few hundred after the last one given out), and names without one.
    let last: u32 = std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .expect("/proc/sys/kernel/ns_last_pid, to guess the next process ids")
        .trim()
        .parse()
        .unwrap();
    let mut names = vec![
        ".letter-000.pdf.tmp".to_string(),
        "letter-000.pdf.tmp".to_string(),
    ];
    names.extend((last..last + 400).map(|pid| format!(".letter-000.pdf.{pid}.tmp")));
    for name in &names {
        std::os::unix::fs::symlink(&precious, d.join(name)).unwrap();
    }
    let r = run(letterhead().arg("render").arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read(&precious).unwrap() == b"the user's own file",
        "a planted link was followed: the file it points to was overwritten"
    );
    let pdf = d.join("letter-000.pdf");
    assert!(std::fs::symlink_metadata(&pdf).unwrap().is_file());
    assert!(qpdf_ok(&pdf));
}

#[test]
fn a_long_but_legal_output_name_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The PDF's name is 250 bytes, within NAME_MAX (255); a temporary name built by adding to
    // it would not be.
    let stem = "a".repeat(246);
    std::fs::write(
        d.join(format!("{stem}.md")),
        letter("to = [\"A\"]", "Hello."),
    )
    .unwrap();
    let r = run(letterhead().arg("render").arg(d));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pdf = d.join(format!("{stem}.pdf"));
    assert_eq!(pdf.file_name().unwrap().len(), 250);
    assert!(qpdf_ok(&pdf));
    assert_eq!(temporaries_in(d), Vec::<PathBuf>::new());
}

#[test]
fn a_json_report_that_cannot_be_written_fails_the_run() {
    let dir = good_batch(2);
    let d = dir.path();
    // A full disk.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = letterhead()
        .args(["render", "--report", "json"])
        .arg(d)
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write the JSON report to standard output (No space left"),
        "{stderr}"
    );
    // A closed pipe (the reader gone before the first line).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = letterhead()
        .args(["render", "--report", "json"])
        .arg(d)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: cannot write the JSON report to standard output (Broken pipe"),
        "{stderr}"
    );
    // The letters themselves were written.
    assert_eq!(pdfs_in(d).len(), 2);
}
