//! Helpers shared by the end-to-end tests: the binary under test, outside tools (required,
//! never skipped), and fixtures written on the fly.

#![allow(clippy::unwrap_used, dead_code)] // Test helpers; not every test file uses each one.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

/// `SOURCE_DATE_EPOCH` for every run: output must not depend on the clock.
pub const EPOCH: &str = "1438732800";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder holding a copy of the example letters and their letterhead.
pub fn example_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("letters")).unwrap() {
        let path = entry.unwrap().path();
        let keep = path.extension().is_some_and(|e| e == "md" || e == "toml");
        if keep {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The binary under test, with a fixed `SOURCE_DATE_EPOCH`.
pub fn letterhead() -> Command {
    let mut cmd = Command::cargo_bin("letterhead").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", EPOCH);
    cmd
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs an outside tool; a missing tool is a failure with a hint, never a skip.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is needed for this test ({e}); install poppler-utils and qpdf")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether `qpdf --check` passes on a file (without failing the test).
pub fn qpdf_ok(path: &Path) -> bool {
    Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("`qpdf` is needed for this test ({e}); install qpdf"))
        .status
        .success()
}

/// Writes a solid-colour RGB PNG of `width` × `height` pixels.
pub fn write_png(path: &Path, width: u32, height: u32) {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([122, 31, 61]));
    img.save(path).unwrap();
}

/// A letter with this front matter and body.
pub fn letter(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n\n{body}\n")
}

/// Every file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every PDF below `dir`, sorted.
pub fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    files_below(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}
