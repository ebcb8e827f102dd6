//! Running a batch: every letter read, laid out and (for `render`) written as a PDF, in
//! parallel on a rayon pool, each letter on its own so that one failure never stops the
//! others. Outcomes reach the caller in input order, whatever the thread timing.
//!
//! It hands each outcome to its caller, which passes it on to the emails, the combined file
//! and `report`; it knows none of them and prints nothing itself.

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

use crate::diag::{self, Diagnostic};
use crate::pdf::combine::{Part, Placement};
use crate::typeset;

use super::heap;
use super::load::Resources;
use super::plan::{self, Input, Job, Output};

/// What a batch does with each letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Lay out and write the PDF.
    Render,
    /// Lay out only; write nothing.
    Check,
}

/// How a batch runs.
pub(super) struct Settings {
    pub(super) mode: Mode,
    /// Warnings fail the letter (and it is not written).
    pub(super) deny_warnings: bool,
    /// Stop starting letters after the first failure.
    pub(super) fail_fast: bool,
    /// Worker threads.
    pub(super) jobs: usize,
    /// Hand each letter's PDF on (for the emails of a merge).
    pub(super) keep_pdf: bool,
    /// Hand each letter's objects on (for the combined print file of a merge).
    pub(super) keep_part: bool,
    /// Printed on both sides: enclosures start on odd pages.
    pub(super) duplex: bool,
    /// Write PNG previews at this resolution instead of the PDF (`render --format png`).
    pub(super) preview: Option<u32>,
}

/// What became of one letter.
pub(super) struct Outcome {
    /// Pages laid out (0 when it failed before layout).
    pub(super) pages: usize,
    /// Bytes written, for `render`.
    pub(super) bytes: Option<usize>,
    /// The output already held these very bytes, and was left alone.
    pub(super) unchanged: bool,
    /// Warnings, in the order they were found.
    pub(super) warnings: Vec<Diagnostic>,
    /// Why the letter failed, if it did.
    pub(super) error: Option<Box<Diagnostic>>,
    /// Not started, because an earlier letter failed under `--fail-fast`.
    pub(super) skipped: bool,
    /// The PDF, when the batch keeps it for the emails.
    pub(super) pdf: Option<Vec<u8>>,
    /// The letter's objects, when the batch keeps them for the combined file.
    pub(super) part: Option<Part>,
    /// Where the letter landed in the combined file.
    pub(super) combined: Option<Placement>,
    /// What became of the row's email, for a merge with `--email`.
    pub(super) email: Option<crate::mail::Report>,
}

impl Outcome {
    fn skipped() -> Outcome {
        Outcome {
            pages: 0,
            bytes: None,
            unchanged: false,
            warnings: Vec::new(),
            error: None,
            skipped: true,
            pdf: None,
            part: None,
            combined: None,
            email: None,
        }
    }

    fn failed(error: Box<Diagnostic>, warnings: Vec<Diagnostic>) -> Outcome {
        Outcome {
            pages: 0,
            bytes: None,
            unchanged: false,
            warnings,
            error: Some(error),
            skipped: false,
            pdf: None,
            part: None,
            combined: None,
            email: None,
        }
    }
}

/// What a batch tells its caller.
pub(super) enum Event<'a> {
    /// A letter was done with, in whatever order the threads finish: for a progress bar.
    Finished,
    /// A letter's outcome, in input order.
    Outcome(&'a Job, Box<Outcome>),
}

/// Runs every job, telling `on` of each letter finished and of each outcome, in input order.
pub(super) fn run<'j>(
    jobs: &'j [Job],
    resources: &Resources,
    settings: &Settings,
    mut on: impl FnMut(Event<'j>),
) {
    let threads = settings.jobs.clamp(1, jobs.len().max(1));
    if threads == 1 {
        // One letter (or -j 1): no pool, no threads to start.
        let mut failed = false;
        for (index, job) in jobs.iter().enumerate() {
            let outcome = if failed && settings.fail_fast {
                Outcome::skipped()
            } else {
                heap::before_letter(index);
                process_guarded(job, resources, settings)
            };
            failed |= outcome.error.is_some();
            on(Event::Finished);
            on(Event::Outcome(job, Box::new(outcome)));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let ahead = Ahead::new(threads);
    let (sender, receiver) = mpsc::channel::<(usize, Outcome)>();
    let work = |sender: mpsc::Sender<(usize, Outcome)>| {
        loop {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                break;
            };
            ahead.wait_for(index, &stop);
            if stop.load(Ordering::Relaxed) {
                break;
            }
            heap::before_letter(index);
            let outcome = process_guarded(job, resources, settings);
            if settings.fail_fast && outcome.error.is_some() {
                stop.store(true, Ordering::Relaxed);
                ahead.wake();
            }
            if sender.send((index, outcome)).is_err() {
                break;
            }
        }
    };
    std::thread::scope(|scope| {
        // The workers: a rayon pool of `threads`, each taking the next letter in input order.
        scope.spawn(move || {
            match rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("letterhead-{i}"))
                .build()
            {
                Ok(pool) => pool.scope(|s| {
                    for _ in 0..threads {
                        let sender = sender.clone();
                        s.spawn(move |_| work(sender));
                    }
                }),
                // No threads to be had: work on this one.
                Err(_) => work(sender),
            }
        });
        // This thread reports, in input order: outcomes that arrive early wait for the ones
        // before them. Should it unwind, the workers stop rather than wait for it.
        let _stops = Stops(&stop, &ahead);
        let mut waiting: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut reported = 0;
        for (index, outcome) in receiver {
            on(Event::Finished);
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&reported) {
                on(Event::Outcome(&jobs[reported], Box::new(outcome)));
                reported += 1;
                ahead.reported(reported);
            }
        }
        // Under --fail-fast the letters never started are reported as skipped.
        for (index, job) in jobs.iter().enumerate().skip(reported) {
            let outcome = waiting.remove(&index).unwrap_or_else(Outcome::skipped);
            on(Event::Outcome(job, Box::new(outcome)));
        }
    });
}

/// How far the workers may run ahead of the letters reported: outcomes wait in memory, in
/// order, for the ones before them, and a combined file's appending (on the reporting
/// thread) is slower than the workers. Unbounded, a 5,000-row merge held up to 90 MiB of
/// finished letters.
struct Ahead {
    reported: Mutex<usize>,
    changed: Condvar,
    window: usize,
}

impl Ahead {
    fn new(threads: usize) -> Ahead {
        Ahead {
            reported: Mutex::new(0),
            changed: Condvar::new(),
            window: 8 * threads,
        }
    }

    /// Waits until letter `index` is within the window of the letters reported (or the
    /// batch stops). The letter at the window's start is always in some worker's hands, so
    /// the wait ends.
    fn wait_for(&self, index: usize, stop: &AtomicBool) {
        let Ok(mut reported) = self.reported.lock() else {
            return;
        };
        while index >= *reported + self.window && !stop.load(Ordering::Relaxed) {
            reported = match self.changed.wait(reported) {
                Ok(r) => r,
                Err(_) => return,
            };
        }
    }

    fn reported(&self, count: usize) {
        if let Ok(mut reported) = self.reported.lock() {
            *reported = count;
        }
        self.changed.notify_all();
    }

    fn wake(&self) {
        let _guard = self.reported.lock();
        self.changed.notify_all();
    }
}

/// Stops the workers when dropped by an unwinding reporter.
struct Stops<'a>(&'a AtomicBool, &'a Ahead);

impl Drop for Stops<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
            self.1.wake();
        }
    }
}

/// Works on one letter; a bug that panics fails that letter only, never the batch.
fn process_guarded(job: &Job, resources: &Resources, settings: &Settings) -> Outcome {
    catch_unwind(AssertUnwindSafe(|| process(job, resources, settings))).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Outcome::failed(
            Diagnostic::error(format!(
                "internal error while laying out this letter: {what}"
            ))
            .in_file(job.input.display())
            .hint("this is a bug in letterhead; please report it with the letter")
            .boxed(),
            Vec::new(),
        )
    })
}

/// Reads, lays out and writes one letter.
fn process(job: &Job, resources: &Resources, settings: &Settings) -> Outcome {
    let mut warnings = Vec::new();
    let result = lay_out_and_write(job, resources, settings, &mut warnings);
    // A merge row's diagnostics point into the template: say which row they are about.
    let (result, warnings) = match &job.input {
        Input::Row(row) if result.is_err() || !warnings.is_empty() => {
            let label = row.name().display().to_string();
            let name_row = |mut d: Diagnostic| {
                if !d.message.starts_with(&label) {
                    d.message = format!("{label}: {}", d.message);
                }
                d
            };
            (
                result.map_err(|d| name_row(*d).boxed()),
                warnings.into_iter().map(name_row).collect(),
            )
        }
        _ => (result, warnings),
    };
    match result {
        Ok(Written {
            pages,
            bytes,
            unchanged,
            pdf,
            part,
        }) => Outcome {
            pages,
            bytes,
            unchanged,
            warnings,
            error: None,
            skipped: false,
            pdf,
            part,
            combined: None,
            email: None,
        },
        Err(error) => Outcome::failed(error, warnings),
    }
}

/// What became of a letter that did not fail.
struct Written {
    /// Pages laid out.
    pages: usize,
    /// The PDF's size, for `render`.
    bytes: Option<usize>,
    /// The output file already held these bytes and was left alone.
    unchanged: bool,
    /// The PDF, when the batch keeps it.
    pdf: Option<Vec<u8>>,
    /// The letter's objects, when the batch keeps them.
    part: Option<Part>,
}

fn lay_out_and_write(
    job: &Job,
    resources: &Resources,
    settings: &Settings,
    warnings: &mut Vec<Diagnostic>,
) -> diag::Result<Written> {
    // Read and parse.
    let source = resources.read_letter(&job.input)?;
    let mut parsed = typeset::parse(source)?;
    let body = std::borrow::Cow::Owned(std::mem::take(&mut parsed.body));
    let letter = &parsed.letter;
    let setup = resources.setup_for(&job.input, letter)?;
    warnings.extend(parsed.warnings.iter().cloned());
    if !matches!(job.input, Input::Row { .. })
        && let Some(at) = letter.source.text.find("{{")
        && letter.source.text[at..].contains("}}")
    {
        let end = letter.source.text[at..]
            .find("}}")
            .map_or(at + 2, |i| at + i + 2);
        warnings.push(
            Diagnostic::warning(
                "this looks like a mail-merge template; its placeholders are printed as they are",
            )
            .at(&letter.source, at..end)
            .hint("fill it in with `letterhead merge TEMPLATE --data FILE`"),
        );
    }
    // Lay out.
    let signature_images = typeset::signature_images(letter, &job.input.folder(), |path| {
        resources.signature_for(path, &setup.letterhead)
    })?;
    let (document, layout_warnings) =
        typeset::lay_out(letter, body, &setup, signature_images, resources.now)?;
    warnings.extend(layout_warnings);
    let extras = typeset::extras(
        letter,
        &job.input.folder(),
        matches!(job.input, Input::Row { .. }),
        settings.duplex,
        |path| resources.pdf_for(path),
        &setup.letterhead,
        &document,
        warnings,
    )?;
    if setup.letterhead.path.is_none() {
        warnings.push(
            Diagnostic::warning("no letterhead.toml found; using a plain letterhead")
                .in_file(&letter.source.path)
                .hint("put a letterhead.toml beside the letter or pass --letterhead FILE"),
        );
    }
    // The letter's text is done with (a long letter's is megabytes): only its path is named
    // from here on. Diagnostics that point into the text share it and keep it.
    let path = letter.source.path.clone();
    drop(parsed);
    let pages = document.pages.len();
    let output = job.output();
    if settings.mode == Mode::Check {
        deny_warnings(settings, warnings, &path, &output)?;
        return Ok(Written {
            pages,
            bytes: None,
            unchanged: false,
            pdf: None,
            part: None,
        });
    }
    if let (Some(dpi), Output::File(base)) = (settings.preview, &output) {
        // The preview draws the letter's own pages only: say what it leaves out.
        if extras.stationery.is_some() {
            warnings.push(
                Diagnostic::warning("the preview leaves out the stationery; the PDF has it")
                    .in_file(&path),
            );
        }
        if !extras.enclosures.is_empty() {
            warnings.push(
                Diagnostic::warning(format!(
                    "the preview leaves out the enclosed PDFs ({}); the PDF has them",
                    extras.enclosures.len()
                ))
                .in_file(&path),
            );
        }
        // An earlier preview's pages would pass for this letter's: they go.
        deny_warnings(settings, warnings, &path, &Output::Nowhere)
            .inspect_err(|_| _ = crate::raster::remove_pages(base, 1))?;
        let (bytes, unchanged) =
            crate::raster::write_pages(&document, dpi, base, &path, write_atomically)?;
        return Ok(Written {
            pages,
            bytes: Some(bytes),
            unchanged,
            pdf: None,
            part: None,
        });
    }
    // Write.
    let exported = typeset::export(
        document,
        &resources.fonts,
        &extras,
        settings.keep_part,
        &path,
    )?;
    warnings.extend(exported.warnings);
    let (bytes, part) = (exported.bytes, exported.part);
    deny_warnings(settings, warnings, &path, &output)?;
    let mut unchanged = false;
    match &output {
        Output::Nowhere => {}
        Output::Stdout => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                // The reader closed the pipe (`| head -c 100`, a viewer that has seen
                // enough): it took what it wanted, and the letter did not fail.
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(err) => {
                    return Err(Diagnostic::error(format!(
                        "the PDF could not be written whole to standard output ({err}); \
                         what was written is incomplete"
                    ))
                    .boxed());
                }
                Ok(()) => {}
            }
        }
        Output::File(path) => unchanged = !write_atomically(path, &bytes)?,
    }
    Ok(Written {
        pages,
        bytes: Some(bytes.len()),
        unchanged,
        pdf: settings.keep_pdf.then_some(bytes),
        part,
    })
}

/// Under `--deny-warnings`, a letter with warnings fails (and is not written).
fn deny_warnings(
    settings: &Settings,
    warnings: &[Diagnostic],
    letter_path: &Path,
    output: &Output,
) -> diag::Result<()> {
    if !settings.deny_warnings || warnings.is_empty() {
        return Ok(());
    }
    let n = warnings.len();
    // Named in the error itself: in a pipe or CI log the warnings are not shown.
    let named = match warnings {
        [only] => format!("1 warning denied by --deny-warnings ({})", only.message),
        [first, ..] => format!(
            "{n} warnings denied by --deny-warnings (the first: {})",
            first.message
        ),
        [] => String::new(),
    };
    let consequence = match (settings.mode, output) {
        (Mode::Check, _) => String::new(),
        // A PDF from an earlier run would pass for this letter's: it goes.
        (Mode::Render, Output::File(path))
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
                && std::fs::remove_file(path).is_ok() =>
        {
            format!(
                "; the PDF was not written, and the earlier `{}` was removed",
                path.display()
            )
        }
        (Mode::Render, _) => "; the PDF was not written".to_string(),
    };
    Err(Diagnostic::error(format!("{named}{consequence}"))
        .in_file(letter_path)
        .boxed())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash, a kill or Ctrl-C never leaves a partial PDF and an existing PDF is only replaced by a
/// complete one. A file that already holds exactly these bytes is left alone (its time stamp
/// too, so `make` and backups see no change): returns whether it was written.
///
/// The file is not synced to disk before the rename: that took a quarter of a batch's time
/// (1,000 letters: 2.03 s with, 1.49 s without) and guards only against power loss, where the
/// file system's own ordering applies (ext4 flushes a file replaced by rename first).
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> diag::Result<bool> {
    let fail = |err: std::io::Error| {
        Diagnostic::error(format!("cannot write `{}` ({err})", path.display()))
            .in_file(path)
            .boxed()
    };
    if holds(path, bytes) {
        return Ok(false);
    }
    std::fs::create_dir_all(plan::folder_of(path)).map_err(fail)?;
    let (tmp, mut file) = plan::create_temporary(path).map_err(fail)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(err));
    }
    Ok(true)
}

/// Whether `path` is a regular file holding exactly `bytes` (compared only when the sizes
/// agree, which a re-rendered letter that changed seldom keeps).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    match file.metadata() {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    // One byte more than expected is read, so a file that grew meanwhile does not compare equal.
    let mut existing = Vec::with_capacity(bytes.len() + 1);
    file.take(bytes.len() as u64 + 1)
        .read_to_end(&mut existing)
        .is_ok_and(|_| existing == bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    /// A worker that asks for letter `index`, on its own thread: its channel says when the
    /// wait is over.
    fn waiting(ahead: &Arc<Ahead>, stop: &Arc<AtomicBool>, index: usize) -> mpsc::Receiver<()> {
        let (done, finished) = mpsc::channel();
        let (ahead, stop) = (ahead.clone(), stop.clone());
        std::thread::spawn(move || {
            ahead.wait_for(index, &stop);
            let _ = done.send(());
        });
        finished
    }

    #[test]
    fn workers_wait_for_the_reporting_past_the_window() {
        let ahead = Arc::new(Ahead::new(2));
        let stop = Arc::new(AtomicBool::new(false));
        // Letters 0 to 15 are within the window of two threads before anything is reported.
        assert!(
            waiting(&ahead, &stop, 15)
                .recv_timeout(Duration::from_secs(10))
                .is_ok()
        );
        let sixteenth = waiting(&ahead, &stop, 16);
        let eighteenth = waiting(&ahead, &stop, 18);
        assert!(sixteenth.recv_timeout(Duration::from_millis(100)).is_err());
        ahead.reported(1);
        assert!(sixteenth.recv_timeout(Duration::from_secs(10)).is_ok());
        assert!(eighteenth.recv_timeout(Duration::from_millis(100)).is_err());
        // A stopped batch waits for nothing.
        stop.store(true, Ordering::Relaxed);
        ahead.wake();
        assert!(eighteenth.recv_timeout(Duration::from_secs(10)).is_ok());
    }
}
