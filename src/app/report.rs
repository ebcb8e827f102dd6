//! Reporting a batch: diagnostics on standard error (human or short), a progress bar on a
//! terminal, the JSON report on standard output, the summary line, and the exit code.
//!
//! The JSON report is JSON lines: one object per letter in input order, then one summary
//! object (or one error object when the run could not start). Field names are stable and
//! documented in the README.
//!
//! It decides how things are said, not what happened: outcomes come from `batch`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use serde::Serialize;

use crate::cli::{BatchArgs, DiagnosticFormat, ReportFormat};
use crate::diag::{Diagnostic, Severity};

use super::batch::Outcome;
use super::plan::{Input, Job, Output};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, Mode};

/// Prints what happens to a batch, in input order.
pub(super) struct Reporter {
    mode: Mode,
    format: DiagnosticFormat,
    /// Print failures only (warnings stay in the JSON report).
    failures_only: bool,
    quiet: bool,
    json: bool,
    bar: Option<ProgressBar>,
    /// Whether standard error is a terminal (the summary is always shown when it is not).
    terminal: bool,
    /// A single letter says where it was written (`wrote appeal.pdf (2 pages)`) instead of
    /// giving a summary: on a terminal, and always while watching.
    say_written: bool,
    /// The PDFs written, with their pages, in input order: all of them while watching (which
    /// must know its own outputs), else only the first (a single letter says where it went).
    /// A mailing of a million letters keeps no list of them.
    written: Vec<(std::path::PathBuf, usize)>,
    /// Whether `written` keeps every PDF.
    keep_written: bool,
    /// How many PDFs were written, and the folder that holds them all.
    written_count: usize,
    written_folder: Option<std::path::PathBuf>,
    /// The files the diagnostics named (a logo that is missing, a letterhead with a mistake).
    named: Vec<std::path::PathBuf>,
    counts: Counts,
    /// Merge templates a folder held, left out of the batch.
    templates: usize,
    /// Placements in the combined PDF, letter by letter, while a merge combines.
    placements: Vec<Option<JsonPlacement>>,
    combined: Option<JsonCombined>,
    /// The command that shows every warning (`letterhead check letters/`), for the summary
    /// when warnings are not printed.
    rerun: Option<String>,
    /// Why the JSON report could not be written (the first error), which fails the run.
    json_error: Option<std::io::Error>,
    /// The data file of a merge and the rows read from it.
    data: Option<JsonData>,
    /// Emails by status, for a merge with `--email`.
    email_counts: Option<std::collections::BTreeMap<&'static str, usize>>,
    /// The part of the letters a `--shard` run renders.
    shard: Option<JsonShard>,
}

/// The data file of a merge.
#[derive(Serialize)]
struct JsonData {
    file: String,
    /// Rows read (one letter each).
    rows: usize,
    /// CSV records left out because every field was empty.
    empty_rows: usize,
}

/// What a batch came to, for the summary line and the JSON summary.
#[derive(Default, Serialize)]
struct Counts {
    letters: usize,
    succeeded: usize,
    failed: usize,
    skipped: usize,
    pages: usize,
    bytes: usize,
    /// Letters whose PDF already held the same bytes, left as they were.
    unchanged: usize,
    warnings: usize,
}

/// A diagnostic in the JSON report.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    hints: &'a [String],
    /// The other mistakes found in the same file, in file order (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<JsonDiagnostic<'a>>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> Self {
        let (line, column) = d.line_col().unzip();
        JsonDiagnostic {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: &d.message,
            file: d.path.as_deref().map(display),
            line,
            column,
            hints: &d.hints,
            also: d.also.iter().map(JsonDiagnostic::new).collect(),
        }
    }
}

/// One letter in the JSON report.
#[derive(Serialize)]
struct JsonLetter<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    input: String,
    /// For a merge row: its number, data file and line (CSV only).
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    output: Option<String>,
    status: &'static str,
    /// Pages and bytes written: 0 for a letter that failed or was skipped, as the summary
    /// counts them.
    pages: usize,
    bytes: usize,
    /// The output file already held these bytes and was left alone.
    unchanged: bool,
    warnings: Vec<JsonDiagnostic<'a>>,
    error: Option<JsonDiagnostic<'a>>,
    /// Where the letter is in the combined PDF of a merge.
    combined: Option<JsonPlacement>,
    /// The row's email, for a merge with `--email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a crate::mail::Report>,
}

/// A letter's pages in the combined PDF.
#[derive(Serialize, Clone, Copy)]
struct JsonPlacement {
    first_page: usize,
    pages: usize,
}

/// The combined PDF of a merge.
#[derive(Serialize)]
struct JsonCombined {
    file: String,
    pages: usize,
    /// Every letter's placement, in order (`null` for a letter not in it).
    letters: Vec<Option<JsonPlacement>>,
}

/// The part of the letters a `--shard` run rendered.
#[derive(Serialize)]
struct JsonShard {
    index: usize,
    count: usize,
    /// The shard's letters: from `first` (0-based, in input or row order) to before `end`,
    /// of `total` planned.
    first: usize,
    end: usize,
    total: usize,
}

/// The summary in the JSON report.
#[derive(Serialize)]
struct JsonSummary<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    command: &'static str,
    #[serde(flatten)]
    counts: &'a Counts,
    combined: Option<&'a JsonCombined>,
    /// The shard this run was, when it was one (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<&'a JsonShard>,
    /// The data file of a merge, else `null`.
    data: Option<&'a JsonData>,
    /// Emails by status (`written`, `sent`, `skipped`, `unknown`, `failed`), for a merge
    /// with `--email`.
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a std::collections::BTreeMap<&'static str, usize>>,
    seconds: f64,
    exit_code: u8,
}

/// A failure outside any one letter (a folder that cannot be read, the combined PDF), in the
/// JSON report.
#[derive(Serialize)]
struct JsonFailure<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    error: JsonDiagnostic<'a>,
}

/// A run that could not start, in the JSON report.
#[derive(Serialize)]
struct JsonError<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    error: JsonDiagnostic<'a>,
    exit_code: u8,
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

impl Reporter {
    /// A reporter for a batch run with these options.
    pub(super) fn new(mode: Mode, args: &BatchArgs) -> Reporter {
        let terminal = std::io::stderr().is_terminal();
        // In CI logs and pipes, `render` says only what failed, a line each (SPEC §3); a
        // format asked for explicitly, or `check`, shows every diagnostic.
        let failures_only = !terminal && mode == Mode::Render && args.diagnostic_format.is_none();
        let format = match args.diagnostic_format {
            Some(format) => format,
            None if failures_only => DiagnosticFormat::Short,
            None => DiagnosticFormat::Human,
        };
        Reporter {
            mode,
            format,
            failures_only,
            quiet: args.quiet,
            json: args.report == Some(ReportFormat::Json),
            bar: None,
            terminal,
            say_written: terminal,
            written: Vec::new(),
            keep_written: false,
            written_count: 0,
            written_folder: None,
            named: Vec::new(),
            counts: Counts::default(),
            templates: 0,
            placements: Vec::new(),
            combined: None,
            rerun: None,
            json_error: None,
            data: None,
            email_counts: None,
            shard: None,
        }
    }

    /// The command that shows this batch's warnings, named in the summary when they are
    /// not printed.
    pub(super) fn rerun_with(&mut self, command: String) {
        self.rerun = Some(command);
    }

    /// Say where a single letter was written even when standard error is not a terminal, and
    /// every diagnostic, as a person reads them (`watch`).
    pub(super) fn for_a_person(&mut self) {
        self.say_written = true;
        self.failures_only = false;
        self.keep_written = true;
    }

    /// The PDFs written so far, in input order: every one while watching, else the one when
    /// one was written (none are listed for more).
    pub(super) fn written(&self) -> impl Iterator<Item = &Path> {
        let listed = self.keep_written || self.written_count == 1;
        self.written
            .iter()
            .filter(move |_| listed)
            .map(|(path, _)| path.as_path())
    }

    /// The files the diagnostics so far named, in the order they came.
    pub(super) fn named_files(&self) -> &[std::path::PathBuf] {
        &self.named
    }

    /// The run could not start: print why, and give the exit code for it.
    pub(super) fn usage_error(&mut self, d: &Diagnostic) -> u8 {
        self.diagnostic(d);
        if self.json {
            self.json_line(serde_json::to_string(&JsonError {
                kind: "error",
                error: JsonDiagnostic::new(d),
                exit_code: EXIT_USAGE,
            }));
        }
        EXIT_USAGE
    }

    /// The folders held this many merge templates, which are left out.
    pub(super) fn templates_left_out(&mut self, templates: usize) {
        self.templates = templates;
    }

    /// A merge read `rows` rows from its data file `path`, and left out `empty_rows` empty
    /// ones.
    pub(super) fn data_read(&mut self, path: &Path, rows: usize, empty_rows: usize) {
        self.data = Some(JsonData {
            file: display(path),
            rows,
            empty_rows,
        });
    }

    /// The batch starts: a progress bar on a terminal, for more than one letter.
    pub(super) fn start(&mut self, letters: usize) {
        if self.terminal && !self.quiet && letters > 1 {
            let bar =
                ProgressBar::with_draw_target(Some(letters as u64), ProgressDrawTarget::stderr());
            let verb = match self.mode {
                Mode::Render => "rendering",
                Mode::Check => "checking",
            };
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{verb} {{bar:30}} {{pos}}/{{len}} letters, {{rate}}, {{eta}} left"
            )) {
                let style = style.progress_chars("█▉▊▋▌▍▎▏ ").with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0} letters/s", state.per_sec());
                    },
                );
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    /// A letter was finished (in any order).
    pub(super) fn progress(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// A letter's outcome, in input order.
    pub(super) fn letter(&mut self, job: &Job, outcome: &Outcome) {
        let output = job.output();
        self.counts.letters += 1;
        self.counts.warnings += outcome.warnings.len();
        for w in &outcome.warnings {
            self.diagnostic(w);
        }
        if let Some(error) = &outcome.error {
            self.counts.failed += 1;
            self.diagnostic(error);
        } else if outcome.skipped {
            self.counts.skipped += 1;
        } else {
            self.counts.succeeded += 1;
            self.counts.pages += outcome.pages;
            self.counts.bytes += outcome.bytes.unwrap_or(0);
            self.counts.unchanged += usize::from(outcome.unchanged);
            if let Output::File(path) = &output
                && self.mode == Mode::Render
            {
                self.written_count += 1;
                self.written_folder = Some(narrow(self.written_folder.take(), path));
                if self.keep_written || self.written.is_empty() {
                    self.written.push((path.clone(), outcome.pages));
                }
            }
        }
        if self.json {
            let output = match &output {
                Output::File(path) if outcome.error.is_none() && !outcome.skipped => {
                    Some(display(path))
                }
                Output::Stdout if outcome.error.is_none() && !outcome.skipped => {
                    Some("<stdout>".to_string())
                }
                _ => None,
            };
            let status = if outcome.error.is_some() {
                "failed"
            } else if outcome.skipped {
                "skipped"
            } else {
                "ok"
            };
            let placement = outcome.combined.map(|p| JsonPlacement {
                first_page: p.first_page,
                pages: p.pages,
            });
            let (row, data, line) = match &job.input {
                Input::Row(row) => (
                    Some(row.number),
                    Some(display(&row.data)),
                    Some(row.line).filter(|&l| l > 0),
                ),
                _ => (None, None, None),
            };
            let written = outcome.error.is_none() && !outcome.skipped;
            self.json_line(serde_json::to_string(&JsonLetter {
                kind: "letter",
                input: display(&job.input.display()),
                row,
                data,
                line,
                output,
                status,
                pages: if written { outcome.pages } else { 0 },
                bytes: outcome.bytes.filter(|_| written).unwrap_or(0),
                unchanged: outcome.unchanged && written,
                warnings: outcome.warnings.iter().map(JsonDiagnostic::new).collect(),
                error: outcome.error.as_deref().map(JsonDiagnostic::new),
                combined: placement,
                email: outcome.email.as_ref(),
            }));
            // For the summary of the combined PDF.
            self.placements.push(placement);
        }
    }

    /// The emails of a merge: the summary line (`emails: 19 sent, 1 failed`) and the counts
    /// for the JSON summary.
    pub(super) fn emails(
        &mut self,
        line: String,
        counts: std::collections::BTreeMap<&'static str, usize>,
    ) {
        if !self.quiet {
            match &self.bar {
                Some(bar) => bar.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
        }
        self.email_counts = Some(counts);
    }

    /// This run is shard `index` of `count`: the letters `part` of `total`.
    pub(super) fn shard(
        &mut self,
        index: usize,
        count: usize,
        part: std::ops::Range<usize>,
        total: usize,
    ) {
        self.shard = Some(JsonShard {
            index,
            count,
            first: part.start,
            end: part.end,
            total,
        });
    }

    /// The combined PDF of a merge was written.
    pub(super) fn combined(&mut self, path: &Path, pages: usize) {
        if !self.quiet {
            let text = if path.as_os_str() == "-" {
                format!("wrote the combined PDF to standard output ({pages} pages)")
            } else {
                format!("wrote {} ({pages} pages)", path.display())
            };
            match &self.bar {
                Some(bar) => bar.suspend(|| eprintln!("{text}")),
                None => eprintln!("{text}"),
            }
        }
        self.combined = Some(JsonCombined {
            file: display(path),
            pages,
            letters: std::mem::take(&mut self.placements),
        });
    }

    /// Something failed outside any one letter (the combined PDF): it fails the run.
    pub(super) fn failure(&mut self, d: &Diagnostic) {
        self.counts.failed += 1;
        self.diagnostic(d);
        if self.json {
            self.json_line(serde_json::to_string(&JsonFailure {
                kind: "failure",
                error: JsonDiagnostic::new(d),
            }));
        }
    }

    /// The batch is over: the summary, and the exit code.
    pub(super) fn finish(&mut self, elapsed: Duration) -> u8 {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let mut code = if self.counts.failed > 0 {
            EXIT_FAILED
        } else {
            EXIT_OK
        };
        if !self.quiet {
            // A single letter (not a merge's row) says where it went; anything more, or a
            // failure, gets the summary.
            let single = self.counts.letters == 1 && self.counts.failed == 0 && self.data.is_none();
            match self.written.as_slice() {
                [(path, pages)] if single && self.say_written => {
                    eprintln!(
                        "wrote {} ({})",
                        path.display(),
                        plural(*pages, "page", "pages")
                    );
                }
                _ if self.counts.letters > 1
                    || self.counts.failed > 0
                    || self.data.is_some()
                    || !self.say_written =>
                {
                    eprintln!("{}", self.summary_line(elapsed));
                }
                _ => {}
            }
        }
        // A report that could not be written is no report: whoever reads it would take a
        // missing letter for none.
        if self.json && self.json_error.is_none() {
            self.json_line(serde_json::to_string(&JsonSummary {
                kind: "summary",
                command: match self.mode {
                    Mode::Render => "render",
                    Mode::Check => "check",
                },
                counts: &self.counts,
                combined: self.combined.as_ref(),
                shard: self.shard.as_ref(),
                data: self.data.as_ref(),
                email: self.email_counts.as_ref(),
                seconds: (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
                exit_code: code,
            }));
        }
        if let Some(err) = &self.json_error {
            let d = Diagnostic::error(format!(
                "cannot write the JSON report to standard output ({err})"
            ))
            .hint("the PDFs were written as the summary says; the report is incomplete");
            self.diagnostic(&d);
            code = code.max(EXIT_FAILED);
        }
        code
    }

    /// `rendered 37 letters (41 pages) in 0.21 s → out/ (37 files)`, `36 letters rendered
    /// (40 pages), 1 failed, in 0.21 s → out/ (36 files)`; for a merge, first the rows
    /// read: `read 120 rows of `members.csv`: rendered 120 letters (131 pages) in 0.40 s`.
    fn summary_line(&self, elapsed: Duration) -> String {
        let verb = match self.mode {
            Mode::Render => "rendered",
            Mode::Check => "checked",
        };
        let read = match &self.data {
            Some(data) if data.empty_rows > 0 => format!(
                "read {} of `{}` ({} left out): ",
                plural(data.rows, "row", "rows"),
                data.file,
                plural(data.empty_rows, "empty row", "empty rows")
            ),
            Some(data) => format!(
                "read {} of `{}`: ",
                plural(data.rows, "row", "rows"),
                data.file
            ),
            None => String::new(),
        };
        let mut line = if self.counts.failed > 0 {
            // `0 letters checked clean, 1 failed`: what succeeded, then what failed.
            let done = match self.mode {
                Mode::Render => "rendered",
                Mode::Check => "checked clean",
            };
            format!(
                "{read}{} {done} ({}), {} failed, in {:.2} s",
                plural(self.counts.succeeded, "letter", "letters"),
                plural(self.counts.pages, "page", "pages"),
                self.counts.failed,
                elapsed.as_secs_f64()
            )
        } else {
            format!(
                "{read}{verb} {} ({}) in {:.2} s",
                plural(self.counts.succeeded, "letter", "letters"),
                plural(self.counts.pages, "page", "pages"),
                elapsed.as_secs_f64()
            )
        };
        // Where the PDFs went, right after what was done.
        if let Some(folder) = &self.written_folder {
            line.push_str(&format!(
                " → {} ({})",
                folder_display(folder),
                plural(self.written_count, "file", "files")
            ));
        }
        if self.counts.unchanged > 0 {
            line.push_str(&format!(", {} unchanged", self.counts.unchanged));
        }
        if self.mode == Mode::Check || self.counts.warnings > 0 {
            line.push_str(&format!(
                ", {}",
                plural(self.counts.warnings, "warning", "warnings")
            ));
        }
        if self.failures_only
            && self.counts.warnings > 0
            && let Some(rerun) = &self.rerun
        {
            let them = if self.counts.warnings == 1 {
                "it"
            } else {
                "them"
            };
            line.push_str(&format!(" (run `{rerun}` to see {them})"));
        }
        if self.counts.skipped > 0 {
            line.push_str(&format!("; {} skipped", self.counts.skipped));
        }
        if self.templates > 0 {
            line.push_str(&format!(
                "; {} left out (fill in with `letterhead merge`)",
                plural(self.templates, "merge template", "merge templates")
            ));
        }
        line
    }

    /// Prints a diagnostic on standard error in the chosen format (warnings not when quiet).
    fn diagnostic(&mut self, d: &Diagnostic) {
        self.named.extend(d.all().filter_map(|d| d.path.clone()));
        if (self.quiet || self.failures_only) && !d.is_error() {
            return;
        }
        let text = match self.format {
            DiagnosticFormat::Human => format!("{}\n", d.render_in(super::color())),
            DiagnosticFormat::Short => short_with_hints(d),
        };
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// Writes one line of the JSON report; after the first failure (a closed pipe, a full
    /// disk) nothing more is tried and the run fails.
    fn json_line(&mut self, line: serde_json::Result<String>) {
        if self.json_error.is_some() {
            return;
        }
        let mut out = std::io::stdout().lock();
        let written = line
            .map_err(std::io::Error::from)
            .and_then(|line| writeln!(out, "{line}"))
            .and_then(|()| out.flush());
        if let Err(err) = written {
            self.json_error = Some(err);
        }
    }
}

/// `1 page`, `2 pages`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The folder that holds both `path` and everything `common` holds (`path`'s own folder when
/// there is no `common` yet).
fn narrow(common: Option<std::path::PathBuf>, path: &Path) -> std::path::PathBuf {
    let folder = path.parent().unwrap_or(Path::new(""));
    match common {
        None => folder.components().collect(),
        // Most often the same folder: nothing to build.
        Some(common) if common == folder => common,
        Some(common) => common
            .components()
            .zip(folder.components())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect(),
    }
}

/// A folder as the summary names it: with a trailing `/`, and `./` for the current one.
fn folder_display(folder: &Path) -> String {
    let text = folder.display().to_string();
    if text.is_empty() {
        "./".to_string()
    } else if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        text
    } else {
        format!("{text}/")
    }
}

/// The short format, one line each, with each hint on a line of its own at the same place
/// (`letter.md:2:8: hint: remove the quotes`), as compilers print notes: the line that says
/// how to fix it survives in a CI log.
/// The diagnostics reported with `d` (the other mistakes in the same file) follow, each with
/// its hints.
fn short_with_hints(d: &Diagnostic) -> String {
    let mut lines = Vec::new();
    for d in d.all() {
        lines.push(d.render_short());
        let mut location = d.path.as_deref().map(display).unwrap_or_default();
        if let Some((line, col)) = d.line_col() {
            location.push_str(&format!(":{line}:{col}"));
        }
        for hint in &d.hints {
            if location.is_empty() {
                lines.push(format!("hint: {hint}"));
            } else {
                lines.push(format!("{location}: hint: {hint}"));
            }
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The folder that holds every one of `paths` (the nearest one they share), or `None` when
    /// there are none.
    fn common_folder<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Option<std::path::PathBuf> {
        let mut common: Option<std::path::PathBuf> = None;
        for path in paths {
            common = Some(narrow(common, path));
        }
        common
    }

    #[test]
    fn the_summary_names_the_folder_all_pdfs_share() {
        let common =
            |paths: &[&str]| common_folder(paths.iter().map(Path::new)).map(|f| folder_display(&f));
        assert_eq!(common(&[]), None);
        assert_eq!(common(&["a.pdf"]).as_deref(), Some("./"));
        assert_eq!(common(&["pdf/a.pdf", "pdf/b.pdf"]).as_deref(), Some("pdf/"));
        assert_eq!(
            common(&["out/2026/a.pdf", "out/2027/b.pdf", "out/2026/c.pdf"]).as_deref(),
            Some("out/")
        );
        assert_eq!(common(&["/tmp/x/a.pdf", "b.pdf"]).as_deref(), Some("./"));
        assert_eq!(
            common(&["/tmp/a.pdf", "/tmp/b.pdf"]).as_deref(),
            Some("/tmp/")
        );
        assert_eq!(common(&["/a.pdf"]).as_deref(), Some("/"));
    }
}
