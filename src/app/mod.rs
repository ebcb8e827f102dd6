//! The application: turns the parsed command line into settings and a plan, runs it, prints
//! every diagnostic in one place, writes PDFs atomically and decides the exit code.
//!
//! The recipe of `render` and `check`:
//!
//! 1. plan — resolve the inputs and every output path, refusing collisions (`plan`);
//! 2. load — letterheads, fonts and logos, once per batch, shared by every letter (`load`);
//! 3. run — the letters in parallel, each read, laid out and written on its own (`batch`);
//! 4. report — diagnostics, progress, JSON and the summary, in input order (`report`).
//!
//! This is the only module that reads the environment or the clock, prints, or touches the
//! file system for output. Exit codes: 0 all good, 1 at least one letter failed (the others
//! are still written), 2 usage or configuration error (nothing written).

mod batch;
mod docs;
mod envelope;
mod heap;
mod init;
mod join;
mod list_fonts;
mod load;
mod mail;
mod merge;
mod plan;
mod report;
mod watch;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::{BatchArgs, Cli, ColorChoice, Command, ShardArg};
use crate::diag::{self, Diagnostic};
use crate::pdf::combine::Combiner;

pub use batch::Mode;

/// Everything rendered, nothing wrong.
pub const EXIT_OK: u8 = 0;
/// At least one letter failed (or had warnings under `--deny-warnings`); the others were
/// written.
pub const EXIT_FAILED: u8 = 1;
/// Usage or configuration error; nothing was written.
pub const EXIT_USAGE: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::parse_args() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            });
        }
    };
    COLOR.store(
        wants_color(
            cli.color,
            std::env::var_os("NO_COLOR"),
            std::env::var_os("TERM"),
            std::io::stderr().is_terminal(),
        ),
        Ordering::Relaxed,
    );
    let code = match cli.command {
        Command::Render(args) => {
            let outputs = plan::Outputs {
                file: args.output,
                dir: args.out_dir,
            };
            let rerun = check_command(&args.batch, args.inputs.iter(), None);
            let open = args.open;
            let preview = (args.format == crate::cli::OutputFormat::Png)
                .then(|| args.dpi.unwrap_or(crate::raster::DEFAULT_DPI));
            let run_as = RunAs {
                combine: None,
                duplex: args.duplex,
                rerun: Some(rerun),
                shard: args.shard,
                email: None,
                watching: false,
                preview,
            };
            let ran = run_batch(Mode::Render, &args.batch, run_as, || {
                let (mut jobs, found) =
                    plan::plan(Mode::Render, &args.inputs, &outputs, &args.batch)?;
                preview_outputs(args.format, args.dpi, args.batch.pdfa, open, &mut jobs)?;
                if open && jobs.len() != 1 {
                    return Err(Diagnostic::error(format!(
                        "`--open` opens one letter's PDF, but there are {} letters",
                        jobs.len()
                    ))
                    .boxed());
                }
                if open
                    && !matches!(
                        jobs.first().map(plan::Job::output),
                        Some(plan::Output::File(_))
                    )
                {
                    return Err(Diagnostic::error(
                        "`--open` opens a PDF file, but this one goes to standard output",
                    )
                    .hint("write it to a file with -o FILE")
                    .boxed());
                }
                Ok((jobs, None, found))
            });
            if open && let [pdf] = ran.written.as_slice() {
                watch::open_in_viewer(pdf);
            }
            ran.code
        }
        Command::Check(args) => match &args.data {
            None => run(Mode::Check, &args.batch, RunAs::default(), || {
                let outputs = plan::Outputs::default();
                let (jobs, found) = plan::plan(Mode::Check, &args.inputs, &outputs, &args.batch)?;
                Ok((jobs, None, found))
            }),
            Some(data) => run(
                Mode::Check,
                &args.batch,
                RunAs {
                    email: email_request(args.email.clone(), None),
                    ..RunAs::default()
                },
                || {
                    let [template] = args.inputs.as_slice() else {
                        return Err(Diagnostic::error(format!(
                            "`check --data` takes one template, not {}",
                            args.inputs.len()
                        ))
                        .boxed());
                    };
                    let request = merge::MergeRequest {
                        template,
                        data,
                        delimiter: args.delimiter,
                        name: args.name.as_deref(),
                        out_dir: None,
                    };
                    let (jobs, merge) = merge::plan(Mode::Check, &request)?;
                    Ok((jobs, Some(merge), plan::Found::default()))
                },
            ),
        },
        Command::Merge(args) => {
            let combine = args.combine.clone().map(|path| (path, args.duplex));
            let rerun = check_command(&args.batch, [&args.template], Some(&args.data));
            let run_as = RunAs {
                combine,
                duplex: args.duplex,
                rerun: Some(rerun),
                shard: args.shard,
                email: email_request(args.email.email.clone(), Some(&args.email)),
                watching: false,
                preview: None,
            };
            run(Mode::Render, &args.batch, run_as, || {
                let request = merge::MergeRequest {
                    template: &args.template,
                    data: &args.data,
                    delimiter: args.delimiter,
                    name: args.name.as_deref(),
                    out_dir: args.out_dir.as_deref(),
                };
                let (jobs, merge) = merge::plan(Mode::Render, &request)?;
                Ok((jobs, Some(merge), plan::Found::default()))
            })
        }
        Command::Combine(args) => join::join(&args),
        Command::Init(args) => init::init(&args),
        Command::Fonts(args) => list_fonts::list_fonts(&args),
        Command::Completions(args) => docs::completions(args.shell),
        Command::Man(args) => docs::man(args.out_dir.as_deref()),
        Command::Watch(args) => watch::watch(&args),
        Command::Envelope(args) => envelope::envelope(&args),
    };
    ExitCode::from(code)
}

/// How a batch runs besides its letters.
#[derive(Default)]
struct RunAs {
    /// The combined print file of a merge and whether it is for duplex printing.
    combine: Option<(PathBuf, bool)>,
    /// `--duplex`: enclosure PDFs start on a front side.
    duplex: bool,
    /// The `check` command that shows the warnings, for the summary line.
    rerun: Option<String>,
    /// `--shard`: render only this part of the letters.
    shard: Option<ShardArg>,
    /// `--email`: each row's email.
    email: Option<mail::Request>,
    /// For `watch`: diagnostics and the line saying where the PDF went are for a person even
    /// when standard error is not a terminal.
    watching: bool,
    /// `render --format png`: PNG previews at this resolution instead of PDFs.
    preview: Option<u32>,
}

/// `render --format png`: refuses what makes no sense with PNG previews, and puts each
/// letter's preview where its PDF would go (`appeal.pdf` → `appeal-1.png`, …; see `raster`).
fn preview_outputs(
    format: crate::cli::OutputFormat,
    dpi: Option<u32>,
    pdfa: bool,
    open: bool,
    jobs: &mut [plan::Job],
) -> diag::Result<()> {
    let usage = |what: &str, hint: &str| Err(Diagnostic::error(what).hint(hint).boxed());
    if format != crate::cli::OutputFormat::Png {
        if dpi.is_some() {
            return usage(
                "`--dpi` is the resolution of PNG previews",
                "add --format png",
            );
        }
        return Ok(());
    }
    if pdfa {
        return usage(
            "`--format png` and `--pdfa` cannot be used together: PDF/A is a kind of PDF",
            "render the PDF/A letter and its PNG preview in two runs",
        );
    }
    if open {
        return usage(
            "`--open` opens a PDF; `--format png` writes PNG files",
            "leave out --open, or render the PDF",
        );
    }
    for job in jobs {
        let output = match job.output() {
            plan::Output::Stdout => {
                return usage(
                    "`--format png` writes one file per page, not standard output",
                    "name the files with -o NAME.png (NAME-1.png, …) or use --out-dir DIR",
                );
            }
            plan::Output::File(pdf) => plan::Output::File(crate::raster::base_for(&pdf)),
            plan::Output::Nowhere => plan::Output::Nowhere,
        };
        job.set_output(output);
    }
    Ok(())
}

/// `render`, `check` and `merge`: plan, load, run, report. Gives the exit code.
fn run(
    mode: Mode,
    args: &BatchArgs,
    run_as: RunAs,
    plan: impl FnOnce() -> diag::Result<(Vec<plan::Job>, Option<load::Merge>, plan::Found)>,
) -> u8 {
    run_batch(mode, args, run_as, plan).code
}

/// What a run came to.
struct Ran {
    /// The exit code.
    code: u8,
    /// The PDFs written, in input order.
    written: Vec<PathBuf>,
    /// The files the run read or tried to read besides the letters and the data: letterheads,
    /// fonts, logos, signatures, and any file a diagnostic named.
    read: Vec<PathBuf>,
}

/// `run`, giving what it wrote and read too.
fn run_batch(
    mode: Mode,
    args: &BatchArgs,
    run_as: RunAs,
    plan: impl FnOnce() -> diag::Result<(Vec<plan::Job>, Option<load::Merge>, plan::Found)>,
) -> Ran {
    let mut reporter = report::Reporter::new(mode, args);
    if run_as.watching {
        reporter.for_a_person();
    }
    let mut read = Vec::new();
    let code = run_reporting(&mut reporter, mode, args, run_as, plan, &mut read);
    read.extend(reporter.named_files().iter().cloned());
    Ran {
        code,
        written: reporter.written().map(Path::to_path_buf).collect(),
        read,
    }
}

/// The steps of `run`, reporting to `reporter`; the files the letterheads name go to `read`.
fn run_reporting(
    reporter: &mut report::Reporter,
    mode: Mode,
    args: &BatchArgs,
    run_as: RunAs,
    plan: impl FnOnce() -> diag::Result<(Vec<plan::Job>, Option<load::Merge>, plan::Found)>,
    read: &mut Vec<PathBuf>,
) -> u8 {
    let RunAs {
        combine,
        duplex,
        rerun,
        shard,
        email,
        watching: _,
        preview,
    } = run_as;
    let started = Instant::now();
    if let Some(rerun) = rerun {
        reporter.rerun_with(rerun);
    }
    // 1. plan: inputs and outputs; any problem here writes nothing.
    let (mut jobs, merge, found) = match plan() {
        Ok(planned) => planned,
        Err(d) => return reporter.usage_error(&d),
    };
    // A shard keeps its run of the letters, planned (and checked for clashes) as a whole.
    if let Some(shard) = shard {
        let (index, count) = match shard_index(shard, |name| std::env::var(name).ok()) {
            Ok(resolved) => resolved,
            Err(d) => return reporter.usage_error(&d),
        };
        let part = shard_range(index, count, jobs.len());
        reporter.shard(index, count, part.clone(), jobs.len());
        jobs.truncate(part.end);
        jobs.drain(..part.start);
    }
    // A shard without letters (more shards than letters) has no print file to write.
    let combine = combine.filter(|_| !(shard.is_some() && jobs.is_empty()));
    reporter.templates_left_out(found.templates);
    if let Some(merge) = &merge {
        let data = &merge.data;
        reporter.data_read(&data.path, data.rows.len(), data.empty_rows);
    }
    // `--combine -`: the combined file goes to standard output, once it is complete.
    let combine_to_stdout = combine.as_ref().is_some_and(|(path, _)| is_stdout(path));
    if combine_to_stdout {
        if let Err(d) = plan::refuse_shared_stdout(args, &jobs) {
            return reporter.usage_error(&d);
        }
    } else if let Some((path, _)) = &combine
        && let Err(d) = plan::refuse_combined_collision(path, &jobs)
    {
        return reporter.usage_error(&d);
    }
    if combine.is_some() && args.pdfa {
        // The combined file would not be PDF/A; better said than silently so.
        return reporter.usage_error(
            &Diagnostic::error("`--pdfa` and `--combine` cannot be used together yet")
                .hint("render the PDF/A letters, and the combined print file in a second run"),
        );
    }
    // 2. load: letterheads beside the letters, their fonts and logos; a broken one stops the
    //    run before anything is written.
    let now = match source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH")) {
        Ok(Some(epoch)) => epoch,
        Ok(None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
        Err(d) => return reporter.usage_error(&d),
    };
    let resources = match load::Resources::load(&jobs, args, now, merge, read) {
        Ok(resources) => resources,
        Err(d) => return reporter.usage_error(&d),
    };
    let mut mailer = match &email {
        Some(request) => match mail::Mailer::prepare(mode, request, &jobs, &resources, now) {
            Ok(mailer) => Some(mailer),
            Err(d) => return reporter.usage_error(&d),
        },
        None => None,
    };
    if mode == Mode::Render {
        let staged = combine.as_ref().map(|(path, _)| staging_path(path));
        plan::remove_stale_temporaries(&jobs, staged.as_deref());
    }
    // 3. run, 4. report.
    let settings = batch::Settings {
        mode,
        deny_warnings: args.deny_warnings,
        fail_fast: args.fail_fast,
        // One letter needs one thread: asking the system how many cores there are reads the
        // cgroup files, a noticeable part of a one-letter run.
        jobs: args.jobs.map_or_else(
            || match jobs.len() {
                0 | 1 => 1,
                _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
            },
            usize::from,
        ),
        keep_pdf: mailer.is_some(),
        keep_part: combine.is_some(),
        duplex,
        preview,
    };
    let mut combiner = match &combine {
        Some((path, duplex)) => {
            // Created here, exclusively and with the old file's permissions; the combiner
            // then writes into it.
            let staged = staging_path(path);
            let created = std::fs::create_dir_all(plan::folder_of(&staged))
                .and_then(|()| plan::create_temporary(&staged))
                .and_then(|(tmp, _)| {
                    Combiner::create(&staged, &tmp, *duplex, now).inspect_err(|_| {
                        let _ = std::fs::remove_file(&tmp);
                    })
                });
            match created {
                Ok(c) => Some(c),
                Err(err) => {
                    let d = Diagnostic::error(format!(
                        "cannot write the combined PDF `{}` ({err})",
                        path.display()
                    ));
                    return reporter.usage_error(&d);
                }
            }
        }
        None => None,
    };
    reporter.start(jobs.len());
    for d in &found.unreadable {
        reporter.failure(d);
    }
    batch::run(&jobs, &resources, &settings, |event| match event {
        batch::Event::Finished => reporter.progress(),
        batch::Event::Outcome(job, mut outcome) => {
            deliver(
                job,
                &mut outcome,
                &resources,
                mailer.as_mut(),
                combiner.as_mut(),
            );
            reporter.letter(job, &outcome);
        }
    });
    read.extend(resources.files_read());
    if let Some((line, counts)) = mailer.as_mut().and_then(mail::Mailer::finish) {
        reporter.emails(line, counts);
    }
    if let (Some(combiner), Some((path, _))) = (combiner, &combine) {
        let pages = combiner.page_count();
        if let Some(why) = combiner.broken() {
            // The file failed (a full disk), not the letters: their own PDFs were written.
            let d = combined_not_written(path, why);
            combiner.abandon();
            reporter.failure(&d);
            return reporter.finish(started.elapsed());
        }
        if pages == 0 {
            // No letter to print: a PDF without pages is not a valid file.
            combiner.abandon();
            reporter.failure(
                &Diagnostic::error(format!(
                    "the combined PDF `{}` was not written: no letter succeeded",
                    path.display()
                ))
                .in_file(path),
            );
            return reporter.finish(started.elapsed());
        }
        let finished = if combine_to_stdout {
            finish_to_stdout(combiner)
        } else {
            combiner.finish()
        };
        match finished {
            Ok(()) => reporter.combined(path, pages),
            Err(err) => reporter.failure(&combined_not_written(path, &err.to_string())),
        }
    }
    reporter.finish(started.elapsed())
}

/// Writing the combined PDF failed (a full disk): the file, not the letters.
fn combined_not_written(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the combined PDF `{}` was not written: writing it failed ({why})",
        path.display()
    ))
    .hint("the letters' own PDFs were written; make room, then run again for the combined file")
    .in_file(path)
}

/// Whether an output path means standard output (`-`).
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Where a combined file is written before it is finished: beside itself, or for standard
/// output (`-`) in the temporary folder, so that nothing reaches the pipe unless complete. The
/// file is titled after its name: `combined` for standard output.
fn staging_path(path: &Path) -> PathBuf {
    if is_stdout(path) {
        std::env::temp_dir().join("combined.pdf")
    } else {
        path.to_path_buf()
    }
}

/// Finishes a combined file and copies it to standard output. A reader that closes the pipe
/// early (`| head -c 100`) took what it wanted: that is not a failure.
fn finish_to_stdout(combiner: Combiner) -> std::io::Result<()> {
    match combiner.finish_into(&mut std::io::stdout().lock()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Passes a letter's outcome on before it is reported: its email first (which reads the PDF),
/// then its objects to the combined file.
fn deliver(
    job: &plan::Job,
    outcome: &mut batch::Outcome,
    resources: &load::Resources,
    mailer: Option<&mut mail::Mailer>,
    combiner: Option<&mut Combiner>,
) {
    if let Some(mailer) = mailer {
        mailer.deliver(job, outcome, resources);
    }
    outcome.pdf = None;
    let (Some(combiner), Some(part)) = (combiner, outcome.part.take()) else {
        return;
    };
    // Once writing the combined file failed (a full disk), it is lost: the letters go on
    // without it, and the file's failure is reported once, at the end.
    if combiner.broken().is_some() {
        return;
    }
    let title = match &job.output() {
        plan::Output::File(path) => path.file_stem().map(|s| s.to_string_lossy().into_owned()),
        _ => None,
    }
    .unwrap_or_else(|| job.input.display().display().to_string());
    // A bug in appending the letter fails that letter, not the run.
    let appended = catch_unwind(AssertUnwindSafe(|| combiner.append(part, &title)))
        .unwrap_or_else(|_| Err("internal error while appending it".into()));
    match appended {
        Ok(placement) => outcome.combined = Some(placement),
        Err(_) if combiner.broken().is_some() => {}
        Err(err) => {
            outcome.error = Some(
                Diagnostic::error(format!("cannot add it to the combined PDF: {err}"))
                    .in_file(job.input.display())
                    .boxed(),
            );
        }
    }
}

/// The email options of `merge` (or the `--email` of `check`), when an email template is
/// given.
fn email_request(
    template: Option<PathBuf>,
    args: Option<&crate::cli::EmailArgs>,
) -> Option<mail::Request> {
    Some(mail::Request {
        template: template?,
        send: args.and_then(|a| a.send.clone()),
        insecure: args.is_some_and(|a| a.insecure),
        rate: args.and_then(|a| a.rate),
        resend: args.map(|a| a.resend.clone()).unwrap_or_default(),
    })
}

/// The `letterhead check` command that shows the warnings of a `render` of `inputs` (or a
/// `merge` of a template with `data`), which a pipe does not print: for the summary line.
fn check_command<'a>(
    args: &BatchArgs,
    inputs: impl IntoIterator<Item = &'a PathBuf>,
    data: Option<&Path>,
) -> String {
    let mut words = vec!["letterhead".to_string(), "check".to_string()];
    if let Some(letterhead) = &args.letterhead {
        words.push("-l".into());
        words.push(shell_word(letterhead));
    }
    words.extend(inputs.into_iter().map(|p| shell_word(p)));
    if let Some(data) = data {
        words.push("--data".into());
        words.push(shell_word(data));
    }
    words.join(" ")
}

/// A path as a shell word: as it is when it is plain, else in single quotes.
fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/+,:@".contains(c));
    if plain {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The variables `--shard auto/N` reads its index from, in this order: Kubernetes Indexed Jobs
/// and Slurm job arrays.
const SHARD_VARIABLES: [&str; 2] = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"];

/// The shard's index and count; `auto` reads the index from the scheduler's variable (`var`
/// gives a variable's value).
fn shard_index(
    shard: ShardArg,
    var: impl Fn(&str) -> Option<String>,
) -> diag::Result<(usize, usize)> {
    let count = shard.count;
    if let Some(index) = shard.index {
        return Ok((index, count));
    }
    let Some((name, value)) = SHARD_VARIABLES.iter().find_map(|name| {
        var(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    }) else {
        return Err(Diagnostic::error(format!(
            "`--shard auto/{count}` needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and neither is set"
        ))
        .hint("give the index yourself: --shard 0/4 … --shard 3/4")
        .boxed());
    };
    match value.trim().parse::<usize>() {
        Ok(index) if index < count => Ok((index, count)),
        _ => Err(Diagnostic::error(format!(
            "`{name}={value}` is not a shard of {count} (0 to {})",
            count - 1
        ))
        .hint(format!(
            "run {count} tasks, indexed from 0, with --shard auto/{count}"
        ))
        .boxed()),
    }
}

/// The letters of shard `index` of `count` among `total`: a contiguous run in input order, so
/// shards joined in index order give the letters in the unsharded order, and every letter is in
/// exactly one shard.
fn shard_range(index: usize, count: usize, total: usize) -> std::ops::Range<usize> {
    let at = |i: usize| (i as u128 * total as u128 / count as u128) as usize;
    at(index)..at(index + 1)
}

/// Latest `SOURCE_DATE_EPOCH` accepted: 9999-12-31 23:59:59 UTC, the last second a PDF date
/// (four-digit year) can say.
const MAX_EPOCH: i64 = 253_402_300_799;

/// `SOURCE_DATE_EPOCH` (the value of the variable, when set): `None` when unset or empty, the
/// seconds since 1970 when valid. Anything else is an error: a date silently taken from the
/// clock instead would make the output differ from run to run, which the variable is there to
/// prevent.
fn source_date_epoch(value: Option<std::ffi::OsString>) -> diag::Result<Option<i64>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    if text.trim().is_empty() {
        return Ok(None);
    }
    let invalid = |why: &str| {
        Diagnostic::error(format!("`SOURCE_DATE_EPOCH={text}` is {why}"))
            .hint("set it to the seconds since 1970-01-01 00:00 UTC, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`, or unset it")
            .boxed()
    };
    let epoch: i64 = text
        .trim()
        .parse()
        .map_err(|_| invalid("not a number of seconds"))?;
    if !(0..=MAX_EPOCH).contains(&epoch) {
        return Err(invalid(
            "out of range: the date must lie between 1970 and 9999",
        ));
    }
    Ok(Some(epoch))
}

/// Whether diagnostics on standard error are coloured; set once, from `--color`, before any
/// is printed.
static COLOR: AtomicBool = AtomicBool::new(false);

/// Whether diagnostics on standard error are coloured.
fn color() -> bool {
    COLOR.load(Ordering::Relaxed)
}

/// Whether to colour, for `--color` and the environment: `auto` colours a terminal unless
/// `NO_COLOR` is set to anything but the empty string (no-color.org) or `TERM` is `dumb`;
/// `always` and `never` override both, as a command-line option overrides the environment.
fn wants_color(
    choice: ColorChoice,
    no_color: Option<std::ffi::OsString>,
    term: Option<std::ffi::OsString>,
    terminal: bool,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
        }
    }
}

/// Prints one diagnostic on standard error in the human format (for the commands without a
/// batch).
fn eprint_diag(d: &Diagnostic) {
    eprintln!("{}\n", d.render_in(color()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_on_a_terminal_unless_no_color_or_a_dumb_terminal() {
        let set = |v: &str| Some(std::ffi::OsString::from(v));
        assert!(wants_color(ColorChoice::Auto, None, set("xterm"), true));
        assert!(wants_color(ColorChoice::Auto, set(""), None, true));
        assert!(!wants_color(ColorChoice::Auto, None, set("xterm"), false));
        assert!(!wants_color(
            ColorChoice::Auto,
            set("1"),
            set("xterm"),
            true
        ));
        assert!(!wants_color(ColorChoice::Auto, None, set("dumb"), true));
        assert!(wants_color(
            ColorChoice::Always,
            set("1"),
            set("dumb"),
            false
        ));
        assert!(!wants_color(ColorChoice::Never, None, set("xterm"), true));
    }

    #[test]
    fn shards_cover_every_letter_once_in_order() {
        for total in [0, 1, 3, 4, 5, 1000, 1001] {
            for count in [1, 2, 3, 4, 7] {
                let parts: Vec<_> = (0..count).map(|i| shard_range(i, count, total)).collect();
                assert_eq!(parts[0].start, 0);
                assert_eq!(parts[count - 1].end, total);
                for pair in parts.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                // Sizes differ by at most one.
                let sizes: Vec<usize> = parts.iter().map(|p| p.len()).collect();
                let (min, max) = (sizes.iter().min(), sizes.iter().max());
                assert!(max.zip(min).is_some_and(|(a, b)| a - b <= 1), "{sizes:?}");
            }
        }
        assert_eq!(shard_range(1, 4, 1000), 250..500);
    }

    #[test]
    fn auto_shards_read_the_scheduler_index() {
        let auto = ShardArg {
            index: None,
            count: 4,
        };
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            shard_index(auto, env(&[("JOB_COMPLETION_INDEX", "2")])).ok(),
            Some((2, 4))
        );
        assert_eq!(
            shard_index(auto, env(&[("SLURM_ARRAY_TASK_ID", "3")])).ok(),
            Some((3, 4))
        );
        let err = shard_index(auto, env(&[])).expect_err("no variable");
        assert!(
            err.message.contains("JOB_COMPLETION_INDEX"),
            "{}",
            err.message
        );
        let err = shard_index(auto, env(&[("SLURM_ARRAY_TASK_ID", "4")])).expect_err("4 of 4");
        assert!(
            err.message.contains("`SLURM_ARRAY_TASK_ID=4`"),
            "{}",
            err.message
        );
        let fixed = ShardArg {
            index: Some(1),
            count: 4,
        };
        assert_eq!(shard_index(fixed, env(&[])).ok(), Some((1, 4)));
    }

    #[test]
    fn source_date_epoch_is_a_number_of_seconds_in_range() {
        let epoch = |v: &str| source_date_epoch(Some(v.into()));
        assert_eq!(epoch("1438732800").ok(), Some(Some(1_438_732_800)));
        assert_eq!(epoch(" 0\n").ok(), Some(Some(0)));
        assert_eq!(epoch("").ok(), Some(None));
        assert_eq!(source_date_epoch(None).ok(), Some(None));
        for bad in ["abc", "1.5", "-1", "253402300800", "99999999999999999999"] {
            let err = epoch(bad).expect_err(bad);
            assert!(
                err.message.contains(&format!("`SOURCE_DATE_EPOCH={bad}`")),
                "{}",
                err.message
            );
        }
    }
}
