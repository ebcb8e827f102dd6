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
mod init;
mod list_fonts;
mod load;
mod plan;
mod report;

use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use crate::cli::{BatchArgs, Cli, Command};
use crate::diag::Diagnostic;

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
    let cli = match Cli::try_parse() {
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
    let code = match cli.command {
        Command::Render(args) => {
            let outputs = plan::Outputs {
                file: args.output,
                dir: args.out_dir,
            };
            run(Mode::Render, &args.inputs, &outputs, &args.batch)
        }
        Command::Check(args) => run(
            Mode::Check,
            &args.inputs,
            &plan::Outputs::default(),
            &args.batch,
        ),
        Command::Init(args) => init::init(&args.dir),
        Command::Fonts(args) => list_fonts::list_fonts(args.letterhead.as_deref()),
    };
    ExitCode::from(code)
}

/// `render` and `check`: plan, load, run, report.
fn run(mode: Mode, inputs: &[std::path::PathBuf], outputs: &plan::Outputs, args: &BatchArgs) -> u8 {
    let started = Instant::now();
    let mut reporter = report::Reporter::new(mode, args);
    // 1. plan: inputs and outputs; any problem here writes nothing.
    let jobs = match plan::plan(mode, inputs, outputs, args) {
        Ok(jobs) => jobs,
        Err(d) => return reporter.usage_error(&d),
    };
    // 2. load: letterheads beside the letters, their fonts and logos; a broken one stops the
    //    run before anything is written.
    let now = source_date_epoch().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let resources = match load::Resources::load(&jobs, args, now) {
        Ok(resources) => resources,
        Err(d) => return reporter.usage_error(&d),
    };
    if mode == Mode::Render {
        plan::remove_stale_temporaries(&jobs);
    }
    // 3. run, 4. report.
    let settings = batch::Settings {
        mode,
        deny_warnings: args.deny_warnings,
        fail_fast: args.fail_fast,
        jobs: args.jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        ),
    };
    reporter.start(jobs.len());
    batch::run(&jobs, &resources, &settings, &mut reporter);
    reporter.finish(started.elapsed())
}

/// `SOURCE_DATE_EPOCH`, when set to a valid number of seconds.
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Prints one diagnostic on standard error in the human format (for the commands without a
/// batch).
fn eprint_diag(d: &Diagnostic) {
    eprintln!("{}\n", d.render());
}
