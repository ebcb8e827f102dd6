//! Helpers shared by the end-to-end tests: the binary under test, outside tools (required,
//! never skipped), and fixtures written on the fly.

#![allow(clippy::unwrap_used, dead_code)] // Test helpers; not every test file uses each one.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

pub mod pdfread;

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

/// The number of pages of a PDF, as qpdf counts them.
pub fn pages(pdf: &Path) -> usize {
    tool("qpdf", &["--show-npages", pdf.to_str().unwrap()])
        .trim()
        .parse()
        .unwrap()
}

/// The whole file uncompressed, for looking for what must not be in it.
pub fn uncompressed(pdf: &Path) -> String {
    let out = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
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

/// Runs `cmd` (standard input closed, output captured) and kills it if it is still running
/// after `limit`: a run that hangs (reading a named pipe) fails its test instead of stopping
/// the suite. The limit is a guard, not a measure: any run well within it passes.
pub fn output_within(cmd: &mut Command, limit: std::time::Duration) -> std::process::Output {
    use std::process::Stdio;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let hung = finished.recv_timeout(limit).is_err();
        if hung {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
        hung
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    let hung = watchdog.join().unwrap();
    assert!(
        !hung,
        "{cmd:?} was still running after {limit:?} and was killed (a hang?); stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `cmd` run so that file permissions bind it: as root (in CI) through `setpriv` without the
/// capabilities that let root read any folder (`CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`);
/// as any other user, as it is. `probe` is a folder this process made unreadable: the wrapped
/// command is first checked to be refused by it, so the test means what it says.
pub fn bound_by_permissions(cmd: &Command, probe: &Path) -> Command {
    let privileged = std::fs::read_dir(probe).is_ok();
    let wrap = |program: &std::ffi::OsStr| {
        let mut wrapped = Command::new("setpriv");
        wrapped
            .arg("--bounding-set=-dac_override,-dac_read_search")
            .arg("--")
            .arg(program);
        wrapped
    };
    let mut out = if privileged {
        let status = wrap("ls".as_ref())
            .arg(probe)
            .output()
            .unwrap_or_else(|e| panic!("`setpriv` (util-linux) is needed as root ({e})"));
        assert!(
            !status.status.success(),
            "even without CAP_DAC_OVERRIDE `{}` can be read; the test would mean nothing",
            probe.display()
        );
        let mut wrapped = wrap(cmd.get_program());
        wrapped.args(cmd.get_args());
        wrapped
    } else {
        let mut plain = Command::new(cmd.get_program());
        plain.args(cmd.get_args());
        plain
    };
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => out.env(key, value),
            None => out.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        out.current_dir(dir);
    }
    out
}

/// Writes `name` (a PDF) in `dir` from PostScript with Ghostscript (`gs -sDEVICE=pdfwrite`):
/// a PDF made by another program.
pub fn ghostscript(dir: &Path, name: &str, ps: &str) {
    let source = dir.join(format!("{name}.ps"));
    std::fs::write(&source, ps).unwrap();
    let out = format!("-sOutputFile={}", dir.join(name).display());
    tool(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=pdfwrite",
            &out,
            source.to_str().unwrap(),
        ],
    );
}

/// A JPEG stored `width` × `height`, its left half `left` and right half `right` (RGB), with
/// an EXIF `orientation` as a camera or phone writes it.
pub fn jpeg_with_orientation(
    width: u32,
    height: u32,
    orientation: u8,
    left: [u8; 3],
    right: [u8; 3],
) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb(if x < width / 2 { left } else { right })
    });
    let mut plain = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut plain),
        image::ImageFormat::Jpeg,
    )
    .unwrap();
    // APP1: "Exif\0\0", a big-endian TIFF header, one IFD entry (0x0112 Orientation, SHORT).
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    exif.extend([0, orientation, 0, 0, 0, 0, 0, 0]);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend(exif);
    out.extend(&plain[2..]);
    out
}
