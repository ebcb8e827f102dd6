//! Build script: the commit the binary is built from and that commit's date, for `--version`
//! (`letterhead 0.1.0 (b41b082 2026-12-02)`), read from git when the crate is built from its
//! repository; and the release binary linked as a position-dependent executable: a PIE has some
//! 17,000 relocations for the loader to apply at every start, a third of a one-letter run (test
//! and debug builds are left as the toolchain makes them). Where the linker is LLD (Rust's own
//! for x86-64 Linux since 1.90), the release binary's hot functions (`link/hot-functions.txt`,
//! made by `benches/hot-functions.sh`) are placed together, so that a run maps 2.4 MB of code
//! instead of 7 MB: the kernel maps code in 64 KiB windows around each page touched.
//!
//! Built from a packaged crate, or where git is missing, `--version` says the version alone. The
//! date is the commit's, not the clock's, so that a build is reproducible; a set
//! `SOURCE_DATE_EPOCH` takes its place, as reproducible builds expect.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PROFILE");
    if std::env::var("PROFILE").as_deref() == Ok("release")
        && std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        hot_functions_first();
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let info = match commit(Path::new(&dir)) {
        Some((hash, date)) => format!(" ({hash} {date})"),
        None => String::new(),
    };
    println!("cargo:rustc-env=LETTERHEAD_BUILD_INFO={info}");
}

/// Hands `link/hot-functions.txt` to the linker as its symbol order, when the linker takes it:
/// LLD does (Rust's default on x86-64 Linux from 1.90, as rustup ships it), GNU ld refuses it.
/// Which linker a build uses is not told to build scripts, so an empty program is linked with
/// the option first, with the build's flags and linker. Flags given to `cargo rustc --` alone
/// are not seen; `LETTERHEAD_NO_HOT_ORDER=1` leaves the order out. The list's names carry this
/// target's hashes; names the binary lacks are skipped.
fn hot_functions_first() {
    for var in [
        "RUSTC_LINKER",
        "CARGO_ENCODED_RUSTFLAGS",
        "LETTERHEAD_NO_HOT_ORDER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let list = Path::new(&dir).join("link/hot-functions.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let target = std::env::var("TARGET").unwrap_or_default();
    // `-Wl,` splits its argument at commas.
    let usable = list.is_file() && !list.to_string_lossy().contains(',');
    let declined = std::env::var_os("LETTERHEAD_NO_HOT_ORDER").is_some_and(|v| v != "0");
    if target != "x86_64-unknown-linux-gnu" || !usable || declined {
        return;
    }
    let arg = format!(
        "-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
        list.display()
    );
    if links_with(&target, &arg) {
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}

/// Whether an empty program links for `target` with the link argument `arg`, with the build's
/// compiler, flags and linker.
fn links_with(target: &str, arg: &str) -> bool {
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return false;
    };
    let source = out.join("probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let mut probe = Command::new(rustc);
    probe
        .arg(&source)
        .arg("--target")
        .arg(target)
        .arg("-o")
        .arg(out.join("probe"))
        .arg("-C")
        .arg(format!("link-arg={arg}"));
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    probe.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    if let Some(linker) = std::env::var_os("RUSTC_LINKER") {
        let mut flag = std::ffi::OsString::from("linker=");
        flag.push(linker);
        probe.arg("-C").arg(flag);
    }
    probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The short hash and date (YYYY-MM-DD) of HEAD, when `dir` is the top of a git work tree.
/// Watches HEAD and the branch it names, so a new commit rebuilds with its hash.
fn commit(dir: &Path) -> Option<(String, String)> {
    // Only the crate's own repository: a packaged crate unpacked inside another repository
    // (`cargo package` verifies it under `target/package/`) must not take that one's commit.
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    for watched in ["HEAD", "packed-refs"] {
        if let Some(path) = git(dir, &["rev-parse", "--git-path", watched]) {
            println!("cargo:rerun-if-changed={}", dir.join(path).display());
        }
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"])
        && let Some(path) = git(dir, &["rev-parse", "--git-path", &branch])
    {
        println!("cargo:rerun-if-changed={}", dir.join(path).display());
    }
    let hash = git(dir, &["rev-parse", "--short=9", "HEAD"])?;
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(epoch) if !epoch.trim().is_empty() => epoch.trim().parse::<i64>().ok()?,
        _ => git(dir, &["log", "-1", "--format=%ct", "HEAD"])?
            .parse()
            .ok()?,
    };
    Some((hash, civil_date(epoch)))
}

/// The output of a git command run in `dir`, trimmed; `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The UTC calendar date of a Unix time, as YYYY-MM-DD (Howard Hinnant's `civil_from_days`).
fn civil_date(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
