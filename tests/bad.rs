//! The bad-input corpus: every folder under `tests/bad/` is a case — the files a user might
//! have (a broken letter, a corrupt logo, a font that is not a font, a damaged enclosure PDF…)
//! and `case.toml` with the exact outcome: the arguments, the exit code, and the diagnostics
//! (short format, so each is `file:line:column: severity: message`).
//!
//! Each case runs on a copy of its folder. Beyond its own expectations, every case must leave
//! the inputs untouched, no temporary file behind, no PDF after a usage error (exit 2), and
//! only valid PDFs (of those it wrote: a case's own PDFs may be broken on purpose).
//!
//! `case.toml` keys: `args`, `exit`, `stderr` (lines that must all appear), optional `written`
//! (PDFs that must exist), `generate` (files too large to keep: `text` + `repeat` × `count` +
//! `then`), `symlinks` (`[link, target]` pairs), `fifos` (named pipes, which git cannot
//! store), `cut` (a file of the repository cut to its first `bytes`: a truncated font),
//! `env` (`[name, value]` pairs) and `unreadable` (folders made unreadable for the run, to
//! root too).
//!
//! A case that hangs (a named pipe read) is killed and fails.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{files_below, letterhead, qpdf_ok, repo};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    exit: i32,
    stderr: Vec<String>,
    #[serde(default)]
    written: Vec<PathBuf>,
    #[serde(default)]
    generate: Vec<Generated>,
    #[serde(default)]
    symlinks: Vec<(PathBuf, PathBuf)>,
    #[serde(default)]
    fifos: Vec<PathBuf>,
    #[serde(default)]
    cut: Vec<Cut>,
    #[serde(default)]
    env: Vec<(String, String)>,
    #[serde(default)]
    unreadable: Vec<PathBuf>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Cut {
    file: PathBuf,
    /// Relative to the repository.
    from: PathBuf,
    bytes: usize,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Generated {
    file: PathBuf,
    text: String,
    repeat: String,
    count: usize,
    then: String,
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else if path.file_name().unwrap() != "case.toml" {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file's bytes (links as their target), to see that a run changed no input. Pipes and
/// devices are listed, never read.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_below(dir)
        .into_iter()
        .filter(|p| p.extension().is_none_or(|e| e != "pdf"))
        .map(|p| {
            let regular = std::fs::metadata(&p).is_ok_and(|m| m.is_file());
            let bytes = if regular {
                std::fs::read(&p).unwrap_or_default()
            } else {
                Vec::new()
            };
            (p, bytes)
        })
        .collect()
}

fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn run_case(name: &str) -> Result<(), String> {
    let folder = repo().join("tests/bad").join(name);
    let case: Case = toml::from_str(&std::fs::read_to_string(folder.join("case.toml")).unwrap())
        .map_err(|e| format!("case.toml: {e}"))?;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_tree(&folder, d);
    for g in &case.generate {
        let text = format!("{}{}{}", g.text, g.repeat.repeat(g.count), g.then);
        std::fs::write(d.join(&g.file), text).unwrap();
    }
    for (link, target) in &case.symlinks {
        std::os::unix::fs::symlink(target, d.join(link)).unwrap();
    }
    for fifo in &case.fifos {
        make_fifo(&d.join(fifo));
    }
    for cut in &case.cut {
        let bytes = std::fs::read(repo().join(&cut.from)).unwrap();
        std::fs::write(d.join(&cut.file), &bytes[..cut.bytes]).unwrap();
    }
    let before = snapshot(d);
    // PDFs the case brings (a broken enclosure) are inputs, not output to check.
    let inputs: Vec<PathBuf> = files_below(d);
    let mut cmd = letterhead();
    cmd.args(&case.args)
        .args(["--diagnostic-format", "short"])
        .current_dir(d);
    for (name, value) in &case.env {
        cmd.env(name, value);
    }
    for folder in &case.unreadable {
        set_mode(&d.join(folder), 0o000);
    }
    if let Some(folder) = case.unreadable.first() {
        cmd = common::bound_by_permissions(&cmd, &d.join(folder));
    }
    // A guard against hangs (a named pipe read), not a measure: the 10 MB letter takes about
    // a minute of one core in a debug build, and several on a machine busy with other builds.
    let out = common::output_within(&mut cmd, std::time::Duration::from_secs(600));
    for folder in &case.unreadable {
        set_mode(&d.join(folder), 0o755);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(-1);
    let mut problems = Vec::new();
    if code != case.exit {
        problems.push(format!("exit code {code}, expected {}", case.exit));
    }
    for line in &case.stderr {
        if !stderr.lines().any(|l| l == line) {
            problems.push(format!("missing diagnostic: {line}"));
        }
    }
    if before != snapshot(d) {
        problems.push("an input was changed".into());
    }
    let files = files_below(d);
    if let Some(tmp) = files.iter().find(|p| p.to_string_lossy().ends_with(".tmp")) {
        problems.push(format!("temporary file left: {}", tmp.display()));
    }
    for pdf in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf") && !inputs.contains(p))
    {
        if code == 2 {
            problems.push(format!("a PDF after a usage error: {}", pdf.display()));
        } else if !qpdf_ok(pdf) {
            problems.push(format!("an invalid PDF: {}", pdf.display()));
        }
    }
    for pdf in &case.written {
        if !d.join(pdf).exists() {
            problems.push(format!("not written: {}", pdf.display()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr:\n{stderr}", problems.join("\n")))
    }
}

#[test]
fn every_bad_input_gets_its_exact_outcome() {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 40, "the corpus has {} cases", names.len());
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| run_case(name).err().map(|e| format!("## {name}\n{e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
    // No case may take over 1 GB: the largest peak of any process this test has waited for.
    let peak = children_peak_memory_kb();
    assert!(
        peak < 1_000_000,
        "a case took {peak} KB of memory, over the 1 GB limit"
    );
}

/// The largest peak resident memory of any finished child process, in KB.
fn children_peak_memory_kb() -> i64 {
    use nix::sys::resource::{UsageWho, getrusage};
    getrusage(UsageWho::RUSAGE_CHILDREN).unwrap().max_rss()
}
