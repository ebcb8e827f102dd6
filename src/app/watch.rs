//! `watch`: renders a letter, then again each time a file it uses is saved, until Ctrl-C; and
//! opening a PDF in the system's viewer (`watch --open`, `render --open`).
//!
//! Each render is a whole `render` run (plan, load, run, report), so a watched letter comes
//! out exactly as `render` makes it; the PDF is replaced by a rename, never written in place,
//! and a render that fails leaves the last good PDF as it was.
//!
//! The parent folders of the files are watched, not the files: an editor that saves by
//! writing a new file and renaming it over the old one replaces the file a watch on it would
//! follow. Events are debounced, so one save (often several events) renders once.
//!
//! It does not know how a letter is laid out or which files a letterhead names: `load` and
//! the reporter say which files a run read.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{Event, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::cli::{BatchArgs, DiagnosticFormat, WatchArgs};
use crate::diag::Diagnostic;

use super::{EXIT_OK, EXIT_USAGE, Mode, Ran, RunAs, eprint_diag, merge, plan, run_batch};

/// How a render of the watched letter runs: its diagnostics and where the PDF went are for
/// the person watching, whatever standard error is.
fn watching() -> RunAs {
    RunAs {
        watching: true,
        ..RunAs::default()
    }
}

/// How long the files must be quiet after a change before the letter is rendered again: an
/// editor's save (a temporary file written, renamed, its metadata set) is a burst of events
/// within a few milliseconds; this is short enough that the wait goes unnoticed.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// The environment variable naming the program that opens PDFs instead of the system's
/// viewer (called with the PDF's path), like `BROWSER` for web pages.
pub const VIEWER_VARIABLE: &str = "LETTERHEAD_VIEWER";

/// What wakes the watch.
enum Wake {
    /// These paths changed.
    Changed(Vec<PathBuf>),
    /// The watcher reported a problem.
    Trouble(String),
    /// Ctrl-C (or a termination signal).
    Stop,
}

/// Runs `watch`; gives the exit code: 0 when stopped with Ctrl-C, 2 when it cannot start.
pub(super) fn watch(args: &WatchArgs) -> u8 {
    if let Err(d) = refuse_unwatchable(&args.input) {
        eprint_diag(&d);
        return EXIT_USAGE;
    }
    let batch = BatchArgs {
        letterhead: args.letterhead.clone(),
        fonts: args.fonts.clone(),
        page_size: args.page_size,
        pdfa: args.pdfa,
        jobs: None,
        fail_fast: false,
        // Denied warnings would remove the last good PDF, which a watch keeps.
        deny_warnings: false,
        quiet: false,
        diagnostic_format: Some(args.diagnostic_format.unwrap_or(DiagnosticFormat::Human)),
        report: None,
    };
    let (sender, wakes) = mpsc::channel::<Wake>();
    let stop = sender.clone();
    if let Err(err) = ctrlc::set_handler(move || {
        let _ = stop.send(Wake::Stop);
    }) {
        eprint_diag(&Diagnostic::error(format!(
            "cannot watch: Ctrl-C could not be caught ({err})"
        )));
        return EXIT_USAGE;
    }
    let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let wake = match result {
            Ok(events) => Wake::Changed(
                events
                    .into_iter()
                    .filter(|e| is_change(&e.event))
                    .flat_map(|e| e.event.paths)
                    .collect(),
            ),
            Err(errors) => Wake::Trouble(
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        let _ = sender.send(wake);
    });
    let mut debouncer = match debouncer {
        Ok(debouncer) => debouncer,
        Err(err) => {
            eprint_diag(&Diagnostic::error(format!(
                "cannot watch files for changes ({err})"
            )));
            return EXIT_USAGE;
        }
    };
    let mut files = Files::new(args);
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    let mut watch_folders = |files: &Files| {
        for folder in files.folders() {
            if !folders.contains(&folder)
                && debouncer
                    .watch(&folder, RecursiveMode::NonRecursive)
                    .is_ok()
            {
                folders.insert(folder);
            }
        }
    };
    // The folders known before the first render are watched first, so that a save during it
    // is not missed.
    watch_folders(&files);
    let ran = render(args, &batch);
    files.learn(&ran);
    watch_folders(&files);
    eprintln!(
        "watching `{}` and {} (Ctrl-C to stop)",
        args.input.display(),
        plural(files.watched.len() - 1, "other file", "other files")
    );
    if args.open
        && let Some(target) = to_open(args, &ran)
    {
        open_in_viewer(&target);
    }
    let terminal = std::io::stderr().is_terminal();
    while let Ok(wake) = wakes.recv() {
        let mut changed = false;
        let mut stopped = false;
        // Everything that arrived while the last render ran counts once.
        for wake in std::iter::once(wake).chain(wakes.try_iter()) {
            match wake {
                Wake::Changed(paths) => changed |= paths.iter().any(|p| files.is_watched(p)),
                Wake::Trouble(why) => eprint_diag(&Diagnostic::warning(format!(
                    "watching the files for changes: {why}"
                ))),
                Wake::Stop => stopped = true,
            }
        }
        if stopped {
            break;
        }
        if changed {
            if terminal {
                // The last render's messages make way for this one's, as they would in place.
                eprint!("\x1b[2J\x1b[H");
            }
            let ran = render(args, &batch);
            files.learn(&ran);
            watch_folders(&files);
        }
    }
    eprintln!("stopped watching `{}`", args.input.display());
    EXIT_OK
}

/// Whether an event changed a file: anything but reading it, which every render does to the
/// letter and its letterhead (renders would follow each other for ever).
fn is_change(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// A watch needs one letter in a file: standard input and folders cannot be watched.
fn refuse_unwatchable(input: &Path) -> crate::diag::Result<()> {
    if input.as_os_str() == "-" {
        return Err(Diagnostic::error(
            "`watch` cannot watch standard input; give the letter's file",
        )
        .hint("to render standard input once: letterhead render -")
        .boxed());
    }
    match std::fs::metadata(input) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(Diagnostic::error(format!(
            "`watch` takes one letter, and `{}` is not a file",
            input.display()
        ))
        .hint("to render every letter of a folder: letterhead render FOLDER")
        .boxed()),
        Err(err) => Err(Diagnostic::error(format!(
            "cannot read input `{}` ({err})",
            input.display()
        ))
        .boxed()),
    }
}

/// One render, as `render` (or `merge`, with `--data`) would do it.
fn render(args: &WatchArgs, batch: &BatchArgs) -> Ran {
    match &args.data {
        None => {
            let outputs = plan::Outputs {
                file: args.output.clone(),
                dir: None,
            };
            run_batch(Mode::Render, batch, watching(), || {
                let inputs = std::slice::from_ref(&args.input);
                let (jobs, found) = plan::plan(Mode::Render, inputs, &outputs, batch)?;
                Ok((jobs, None, found))
            })
        }
        Some(data) => run_batch(Mode::Render, batch, watching(), || {
            let request = merge::MergeRequest {
                template: &args.input,
                data,
                delimiter: args.delimiter,
                name: args.name.as_deref(),
                out_dir: args.out_dir.as_deref(),
            };
            let (jobs, merge) = merge::plan(Mode::Render, &request)?;
            Ok((jobs, Some(merge), plan::Found::default()))
        }),
    }
}

/// What `--open` shows: the letter's PDF, or the folder of a merge's PDFs.
fn to_open(args: &WatchArgs, ran: &Ran) -> Option<PathBuf> {
    match (&args.data, ran.written.as_slice()) {
        (None, [pdf]) => Some(pdf.clone()),
        (Some(_), [first, ..]) => Some(plan::folder_of(first)),
        _ => None,
    }
}

/// The files a watch renders again for, and the PDFs it writes, which it must not.
struct Files {
    /// Each as `key` gives it.
    watched: BTreeSet<PathBuf>,
    written: BTreeSet<PathBuf>,
}

impl Files {
    /// The files known before anything is read: the letter, the data file, the letterhead
    /// given, and a `letterhead.toml` beside the letter (which a letter without one picks up
    /// when it is created).
    fn new(args: &WatchArgs) -> Files {
        let mut watched = BTreeSet::new();
        watched.insert(key(&args.input));
        let folder = args.input.parent().unwrap_or(Path::new(""));
        if args.letterhead.is_none() {
            watched.insert(key(&folder.join("letterhead.toml")));
        }
        for path in args.data.iter().chain(&args.letterhead) {
            watched.insert(key(path));
        }
        Files {
            watched,
            written: BTreeSet::new(),
        }
    }

    /// Adds the files a render read. None is forgotten: a file a broken letter no longer
    /// names is named again once the letter is fixed.
    fn learn(&mut self, ran: &Ran) {
        self.written.extend(ran.written.iter().map(|p| key(p)));
        for path in &ran.read {
            let path = key(path);
            if !self.written.contains(&path) {
                self.watched.insert(path);
            }
        }
    }

    /// Whether a change to `path` calls for a render.
    fn is_watched(&self, path: &Path) -> bool {
        let path = key(path);
        self.watched.contains(&path) && !self.written.contains(&path)
    }

    /// The folders to watch: those of the files, where they exist.
    fn folders(&self) -> BTreeSet<PathBuf> {
        self.watched
            .iter()
            .filter_map(|p| p.parent())
            .filter(|folder| folder.is_dir())
            .map(Path::to_path_buf)
            .collect()
    }
}

/// A path as the watch compares it: absolute, through its folder's real path (symbolic links
/// and `..` resolved), so that `letter.md`, `./letter.md` and the path an event names match.
fn key(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => folder
            .canonicalize()
            .map_or_else(|_| absolute.clone(), |folder| folder.join(name)),
        _ => absolute,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Opens `path` in the system's viewer, or with the program `LETTERHEAD_VIEWER` names. The
/// viewer runs on its own (it is not waited for); when none can be started, a warning says
/// so and the run goes on: the PDF was written.
pub(super) fn open_in_viewer(path: &Path) {
    let opened = match std::env::var(VIEWER_VARIABLE) {
        Ok(viewer) if !viewer.trim().is_empty() => open::with_detached(path, viewer.trim()),
        _ => open::that_detached(path),
    };
    if let Err(err) = opened {
        eprint_diag(
            &Diagnostic::warning(format!(
                "cannot open `{}` in a viewer ({err})",
                path.display()
            ))
            .hint(format!(
                "set {VIEWER_VARIABLE} to the program that opens PDFs, e.g. {VIEWER_VARIABLE}=evince"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_watched_however_it_is_written() {
        let dir = std::env::temp_dir();
        let here = key(Path::new("Cargo.toml"));
        assert_eq!(key(Path::new("./Cargo.toml")), here);
        assert_eq!(
            key(&std::path::absolute("src/../Cargo.toml").unwrap_or_default()),
            here
        );
        assert!(key(&dir.join("no-such-folder/x.md")).ends_with("no-such-folder/x.md"));
    }

    #[test]
    fn the_pdfs_written_are_never_watched() {
        let args = WatchArgs {
            input: PathBuf::from("letter.md"),
            output: None,
            open: false,
            data: None,
            delimiter: None,
            name: None,
            out_dir: None,
            letterhead: None,
            fonts: crate::cli::FontArgs::default(),
            page_size: None,
            pdfa: false,
            diagnostic_format: None,
        };
        let mut files = Files::new(&args);
        assert!(files.is_watched(Path::new("letter.md")));
        assert!(files.is_watched(Path::new("letterhead.toml")));
        assert!(!files.is_watched(Path::new("letter.pdf")));
        files.learn(&Ran {
            code: 0,
            written: vec![PathBuf::from("letter.pdf")],
            read: vec![PathBuf::from("logo.png"), PathBuf::from("letter.pdf")],
        });
        assert!(files.is_watched(Path::new("logo.png")));
        assert!(!files.is_watched(Path::new("letter.pdf")));
        assert!(!files.is_watched(Path::new(".letter.pdf.tmp")));
    }
}
