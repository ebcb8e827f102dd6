//! End-to-end tests of the writer's loop: `watch` driven by real edits of a letter and its
//! letterhead (a broken save leaves the last good PDF and prints the error), Ctrl-C ending it
//! with exit 0, `--open` through `LETTERHEAD_VIEWER` and without any viewer, and the lines
//! `render` prints to say where it wrote.
//!
//! Nothing here is timed: each wait has a generous timeout and only catches a watch that never
//! renders.

#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use common::{letterhead, qpdf_ok, repo, run, tool};

/// Long enough for a slow, loaded CI machine; a watch that works answers in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A letter whose body says `text`.
fn letter(text: &str) -> String {
    format!(
        "+++\nto = [\"Ms. Jane Roe\", \"12 Main Street\", \"Springfield\"]\nsubject = \"Watching\"\n\
         salutation = \"Dear Ms. Roe,\"\n\n[signature]\nname = \"A. Writer\"\n+++\n\n{text}\n"
    )
}

/// Saves `text` to `path` as many editors do: a new file renamed over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("md.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A folder with the example letterhead and `letter.md`.
fn letter_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("letters/letterhead.toml"),
        dir.path().join("letterhead.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("letter.md"), letter(text)).unwrap();
    dir
}

/// A running `letterhead watch`, its standard error collected as it comes; killed if a test
/// fails before it ends.
struct Watch {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Watch {
    fn start(dir: &Path, args: &[&str]) -> Watch {
        Watch::start_with(dir, args, &[])
    }

    fn start_with(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Watch {
        let mut child = Command::cargo_bin("letterhead")
            .unwrap()
            .current_dir(dir)
            .envs(env.iter().copied())
            .env("SOURCE_DATE_EPOCH", common::EPOCH)
            .arg("watch")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let collected = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Watch { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until `done` holds, failing with what the watch printed after `TIMEOUT`.
    fn wait_for(&mut self, what: &str, mut done: impl FnMut(&Watch) -> bool) {
        let start = Instant::now();
        while !done(self) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("watch ended ({status}) before {what}:\n{}", self.stderr());
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "no {what} within {TIMEOUT:?}; the watch printed:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and gives the exit code.
    fn interrupt(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reader thread may still hold the last lines.
                std::thread::sleep(Duration::from_millis(100));
                return (status.code(), self.stderr());
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "watch ignored Ctrl-C:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The PDF's text, or `None` while it is missing or unreadable.
fn pdf_text(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("`pdftotext` is needed for this test ({e})"));
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn says(pdf: &Path, text: &str) -> bool {
    pdf_text(pdf).is_some_and(|t| t.contains(text))
}

#[test]
fn watch_renders_each_save_and_keeps_the_last_good_pdf_when_one_breaks() {
    let dir = letter_dir("The first draft.");
    let path = dir.path().join("letter.md");
    let pdf = dir.path().join("letter.pdf");
    let mut watch = Watch::start(dir.path(), &["letter.md"]);
    watch.wait_for("first render", |w| {
        w.stderr().contains("wrote letter.pdf (1 page)")
    });
    assert!(says(&pdf, "The first draft."));
    watch.wait_for("watching line", |w| {
        w.stderr().contains("watching `letter.md`")
    });

    // An edit saved by rename is rendered.
    save_by_rename(&path, &letter("The second draft."));
    watch.wait_for("second draft in the PDF", |_| {
        says(&pdf, "The second draft.")
    });

    // A broken save: the error is printed, the last good PDF stays as it was.
    let good = std::fs::read(&pdf).unwrap();
    std::fs::write(&path, letter("A third draft.").replace("subject", "subjet")).unwrap();
    watch.wait_for("the error", |w| {
        w.stderr().contains("unknown field `subjet`")
    });
    assert!(
        watch.stderr().contains("letter.md:3:1"),
        "{}",
        watch.stderr()
    );
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        good,
        "the PDF changed on a broken save"
    );
    assert!(qpdf_ok(&pdf));

    // Fixed again: rendered again.
    std::fs::write(&path, letter("The fourth draft.")).unwrap();
    watch.wait_for("fourth draft in the PDF", |_| {
        says(&pdf, "The fourth draft.")
    });

    // The letterhead is watched too.
    let lh = dir.path().join("letterhead.toml");
    let text = std::fs::read_to_string(&lh).unwrap();
    std::fs::write(
        &lh,
        text.replace("Best Practices Policy Project\"", "Watchful Society\""),
    )
    .unwrap();
    watch.wait_for("new letterhead in the PDF", |_| {
        says(&pdf, "Watchful Society")
    });
    assert!(qpdf_ok(&pdf));

    // The PDF it writes does not make it render again and again: after the renders above, a
    // quiet moment adds no `wrote` line.
    let renders = |w: &Watch| w.stderr().matches("wrote letter.pdf").count();
    let before = renders(&watch);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(renders(&watch), before, "{}", watch.stderr());

    let (code, stderr) = watch.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopped watching `letter.md`"), "{stderr}");
    // No temporary file left beside the PDF.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn watch_sees_a_logo_added_to_the_letterhead_and_then_changed() {
    let dir = letter_dir("With a logo.");
    let pdf = dir.path().join("letter.pdf");
    let logo = dir.path().join("logo.png");
    let mut watch = Watch::start(dir.path(), &["letter.md"]);
    watch.wait_for("first render", |w| w.stderr().contains("wrote letter.pdf"));
    // The letterhead names a logo that is not there yet: an error naming it.
    let lh = dir.path().join("letterhead.toml");
    let text = std::fs::read_to_string(&lh).unwrap();
    std::fs::write(
        &lh,
        text.replace("[organization]\n", "[organization]\nlogo = \"logo.png\"\n"),
    )
    .unwrap();
    watch.wait_for("missing logo error", |w| w.stderr().contains("logo.png"));
    let renders = |w: &Watch| w.stderr().matches("wrote letter.pdf").count();
    let before = renders(&watch);
    // The logo is saved: the letter renders with it.
    let tmp = dir.path().join("logo.part.png");
    common::write_png(&tmp, 400, 200);
    std::fs::rename(&tmp, &logo).unwrap();
    watch.wait_for("a render with the logo", |w| renders(w) > before);
    let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(images.contains(" 400   200 "), "{images}");
    let (code, _) = watch.interrupt();
    assert_eq!(code, Some(0));
}

#[test]
fn watch_sees_an_enclosure_appear_and_change() {
    let dir = letter_dir("With an enclosure.");
    let d = dir.path();
    let text = letter("With an enclosure.").replace(
        "[signature]",
        "enclosures = [{ title = \"Report\", file = \"report.pdf\" }]\n\n[signature]",
    );
    std::fs::write(d.join("letter.md"), text).unwrap();
    let pdf = d.join("letter.pdf");
    let mut watch = Watch::start(d, &["letter.md"]);
    // Not there yet: an error naming it.
    watch.wait_for("missing enclosure error", |w| {
        w.stderr().contains("report.pdf")
    });
    // Saved (a PDF letterhead writes will do): the letter renders with its page after it.
    let renders = |w: &Watch| w.stderr().matches("wrote letter.pdf").count();
    let other = d.join("other");
    std::fs::create_dir(&other).unwrap();
    // Writes an enclosure saying `words` beside the letter, whole, by a rename.
    let save_enclosure = |words: &str| {
        std::fs::write(other.join("one.md"), letter(words)).unwrap();
        let r = run(letterhead()
            .arg("render")
            .arg(other.join("one.md"))
            .arg("-l")
            .arg(d.join("letterhead.toml"))
            .arg("-o")
            .arg(other.join("report.pdf")));
        assert_eq!(r.code, 0, "{}", r.stderr);
        std::fs::rename(other.join("report.pdf"), d.join("report.pdf")).unwrap();
    };
    save_enclosure("The enclosed report.");
    watch.wait_for("a render with the enclosure", |w| renders(w) > 0);
    assert!(says(&pdf, "The enclosed report."));
    // Changed: rendered again with the new enclosure.
    let before = renders(&watch);
    save_enclosure("The revised report.");
    watch.wait_for("a render with the changed enclosure", |w| {
        renders(w) > before
    });
    assert!(says(&pdf, "The revised report."));
    let (code, _) = watch.interrupt();
    assert_eq!(code, Some(0));
}

#[test]
fn watch_refuses_what_it_cannot_watch() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["watch", "missing.md"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot read input `missing.md`"),
        "{}",
        r.stderr
    );
    let r = run(letterhead().current_dir(dir.path()).args(["watch", "."]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a file"), "{}", r.stderr);
    let r = run(letterhead().args(["watch", "-"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);
}

/// A viewer that notes the file it was asked to open.
fn recording_viewer(dir: &Path) -> (PathBuf, PathBuf) {
    let viewer = dir.join("viewer.sh");
    let note = dir.join("opened.txt");
    std::fs::write(
        &viewer,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", note.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    (viewer, note)
}

fn wait_for_file(path: &Path) -> String {
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "`{}` never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn render_open_hands_the_pdf_to_the_viewer_named_by_letterhead_viewer() {
    let dir = letter_dir("Open me.");
    let (viewer, note) = recording_viewer(dir.path());
    let r = run(letterhead()
        .current_dir(dir.path())
        .env("LETTERHEAD_VIEWER", &viewer)
        .args(["render", "letter.md", "--open"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(wait_for_file(&note), "letter.pdf");
    assert!(says(&dir.path().join("letter.pdf"), "Open me."));
}

#[test]
fn watch_open_shows_the_pdf_after_the_first_render_only() {
    let dir = letter_dir("Open me once.");
    let (viewer, note) = recording_viewer(dir.path());
    let mut watch = Watch::start_with(
        dir.path(),
        &["letter.md", "--open"],
        &[("LETTERHEAD_VIEWER", viewer.as_os_str())],
    );
    assert_eq!(wait_for_file(&note), "letter.pdf");
    std::fs::remove_file(&note).unwrap();
    std::fs::write(dir.path().join("letter.md"), letter("Changed.")).unwrap();
    let pdf = dir.path().join("letter.pdf");
    watch.wait_for("the change in the PDF", |_| says(&pdf, "Changed."));
    let (code, _) = watch.interrupt();
    assert_eq!(code, Some(0));
    assert!(!note.exists(), "the viewer was started again");
}

#[test]
fn render_open_without_a_viewer_warns_and_keeps_the_pdf() {
    let dir = letter_dir("No viewer here.");
    let empty = tempfile::tempdir().unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .env("PATH", empty.path())
        .env_remove("LETTERHEAD_VIEWER")
        .args(["render", "letter.md", "--open"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: cannot open `letter.pdf` in a viewer"),
        "{}",
        r.stderr
    );
    assert!(says(&dir.path().join("letter.pdf"), "No viewer here."));
}

#[test]
fn render_open_refuses_several_letters_and_standard_output() {
    let dir = letter_dir("One.");
    std::fs::write(dir.path().join("two.md"), letter("Two.")).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", ".", "--open"]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`--open` opens one letter's PDF, but there are 2 letters"),
        "{}",
        r.stderr
    );
    let r = run(letterhead().current_dir(dir.path()).args([
        "render",
        "letter.md",
        "-o",
        "-",
        "--open",
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("standard output"), "{}", r.stderr);
    assert!(!dir.path().join("letter.pdf").exists());
}

/// What a terminal showed of `letterhead ARGS` run in `dir` (util-linux's `script`).
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("letterhead");
    let out = Command::new("script")
        .args([
            "-q",
            "-e",
            "-c",
            &format!("{} {args}", bin.display()),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("TERM", "dumb")
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("`script` (util-linux) is needed for this test ({e})"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn a_single_letter_on_a_terminal_says_where_it_was_written() {
    let dir = letter_dir("Where did it go?");
    let shown = on_a_terminal(dir.path(), "render letter.md -o out/final.pdf");
    assert_eq!(shown.trim(), "wrote out/final.pdf (1 page)");
    assert!(says(&dir.path().join("out/final.pdf"), "Where did it go?"));
    // The pages counted are the PDF's.
    let long = "Many words make many pages. ".repeat(600);
    std::fs::write(dir.path().join("letter.md"), letter(&long)).unwrap();
    let shown = on_a_terminal(dir.path(), "render letter.md");
    let pages = tool(
        "pdfinfo",
        &[dir.path().join("letter.pdf").to_str().unwrap()],
    );
    let pages = pages
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim();
    assert_eq!(shown.trim(), format!("wrote letter.pdf ({pages} pages)"));
}

#[test]
fn a_batch_names_the_folder_of_its_pdfs_and_their_count() {
    let dir = letter_dir("One.");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/two.md"), letter("Two.")).unwrap();
    std::fs::write(dir.path().join("sub/three.md"), letter("Three.")).unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", ".", "--out-dir", "pdf"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = r.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("rendered 3 letters (3 pages) in "),
        "{summary}"
    );
    assert!(summary.ends_with(" s → pdf/ (3 files)"), "{summary}");
    // A failed letter is not counted among the files.
    std::fs::write(dir.path().join("sub/three.md"), "+++\nto = 3\n+++\nBody.\n").unwrap();
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["render", "sub", "letter.md"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let summary = r.stderr.lines().last().unwrap();
    assert!(summary.ends_with(" → ./ (2 files)"), "{summary}");
    // On a terminal too; `check` writes nothing and names no folder.
    let shown = on_a_terminal(dir.path(), "render sub/two.md letter.md");
    // Both were written by the run before: left alone, and said so after the folder.
    assert!(
        shown.trim_end().ends_with(" → ./ (2 files), 2 unchanged"),
        "{shown}"
    );
    let r = run(letterhead()
        .current_dir(dir.path())
        .args(["check", "letter.md", "sub/two.md"]));
    assert!(!r.stderr.contains('→'), "{}", r.stderr);
}

#[test]
fn a_merge_names_the_folder_of_its_pdfs_even_for_one_row() {
    let dir = letter_dir("Unused.");
    std::fs::write(
        dir.path().join("note.template.md"),
        letter("Dear {{ name }}, thank you."),
    )
    .unwrap();
    std::fs::write(dir.path().join("people.csv"), "name\nAda\n").unwrap();
    let shown = on_a_terminal(dir.path(), "merge note.template.md --data people.csv");
    assert!(shown.trim_end().ends_with(" → note/ (1 file)"), "{shown}");
    assert!(says(&dir.path().join("note/note-0001.pdf"), "Dear Ada"));
}
