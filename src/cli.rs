//! The command line, declared with clap's derive API. `app` turns it into resolved settings;
//! nothing below `app` sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Typesets letters on your letterhead: Markdown in, print-ready PDF out.
#[derive(Debug, Parser)]
#[command(name = "letterhead", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render letters to PDF.
    ///
    /// Each INPUT is a `.md` file, a folder (every `*.md` below it, in sorted order), or `-` for
    /// standard input (the PDF then goes to standard output unless `-o` is given).
    Render(RenderArgs),
    /// Check letters without writing anything: parse, lay out, report errors and warnings.
    ///
    /// With `--data`, INPUT is a mail-merge template and every row is checked.
    Check(CheckArgs),
    /// Mail merge: one letter per row of a data file (CSV, JSON or TOML).
    ///
    /// `{{ column }}` placeholders in the template's front matter and body are filled in with
    /// each row's values, as plain text.
    Merge(MergeArgs),
    /// Join PDFs letterhead wrote (letters, or the combined print files of a merge's shards)
    /// into one print file, in the order given, keeping their bookmarks.
    Combine(CombineArgs),
    /// Write a commented letterhead.toml and an example letter into DIR.
    Init(InitArgs),
    /// List the font families available, with their faces and the scripts they cover.
    Fonts(FontsArgs),
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Letters to render: `.md` files, folders, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Write the PDF here (only with a single input letter; `-` for standard output).
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write the PDFs into this folder, mirroring the input folders.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Render only part I of N of the letters (in input order), for N tasks run side by side;
    /// `auto/N` takes I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: Option<ShardArg>,
    /// Options shared with `check`.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Letters to check: `.md` files, folders, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Check INPUT as a mail-merge template, with every row of this data file.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Field delimiter of CSV data (default: found in the header line, as for `merge`).
    #[arg(long, value_name = "CHAR", value_parser = delimiter, requires = "data")]
    pub delimiter: Option<u8>,
    /// Output file names of a merge (checked for clashes).
    #[arg(long, value_name = "PATTERN", requires = "data")]
    pub name: Option<String>,
    /// Options shared with `render`.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The letter template: a letter with `{{ column }}` placeholders.
    #[arg(value_name = "TEMPLATE")]
    pub template: PathBuf,
    /// The rows: CSV with a header row, a JSON array of objects, or a TOML array of tables.
    #[arg(long, value_name = "FILE", required = true)]
    pub data: PathBuf,
    /// Field delimiter of CSV data (`,` `;` `tab` or any one character; default: a tab for
    /// `.tsv`, else `,` if the header line has one, else tab or `;`, whichever it has).
    #[arg(long, value_name = "CHAR", value_parser = delimiter)]
    pub delimiter: Option<u8>,
    /// Output file names, e.g. "{{ last_name }}-{{ id }}" (default: TEMPLATE-0001, …).
    #[arg(long, value_name = "PATTERN")]
    pub name: Option<String>,
    /// Folder for the PDFs (default: a folder named after the template, beside it).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Also write every letter, in order, into this one PDF for printing.
    #[arg(long, value_name = "FILE.pdf")]
    pub combine: Option<PathBuf>,
    /// In the combined PDF, start every letter on a front side (blank page after odd counts).
    #[arg(long, requires = "combine")]
    pub duplex: bool,
    /// Render only part I of N of the rows (in row order), for N tasks run side by side;
    /// `auto/N` takes I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: Option<ShardArg>,
    /// Options shared with `render`.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Parses `--delimiter`: one ASCII character.
fn delimiter(text: &str) -> Result<u8, String> {
    let text = if text == "\\t" || text == "tab" {
        "\t"
    } else {
        text
    };
    match text.as_bytes() {
        [b] if b.is_ascii() && *b != b'"' && *b != b'\n' => Ok(*b),
        _ => Err(format!(
            "`{text}` is not one ASCII character (use `,` `;` or `tab`)"
        )),
    }
}

/// `--shard I/N`: part `index` (from 0) of `count`; `index` is `None` for `auto/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardArg {
    /// Which part, from 0; `None`: read from the scheduler's environment.
    pub index: Option<usize>,
    /// How many parts.
    pub count: usize,
}

/// Parses `--shard`: `I/N` with 0 ≤ I < N, or `auto/N`.
fn shard(text: &str) -> Result<ShardArg, String> {
    let bad = || format!("`{text}` is not I/N (e.g. 0/4) or auto/N");
    let (index, count) = text.split_once('/').ok_or_else(bad)?;
    let count: usize = count.trim().parse().map_err(|_| bad())?;
    if count == 0 {
        return Err(format!("`{text}`: the number of shards must be at least 1"));
    }
    let index = match index.trim() {
        "auto" => None,
        i => {
            let i: usize = i.parse().map_err(|_| bad())?;
            if i >= count {
                return Err(format!(
                    "`{text}`: shards are numbered from 0 to {}",
                    count - 1
                ));
            }
            Some(i)
        }
    };
    Ok(ShardArg { index, count })
}

/// Options of every command that works through a batch of letters.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// Use this letterhead for every letter instead of looking one up.
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
    /// Override the letterhead's page size.
    #[arg(long, value_enum, value_name = "SIZE")]
    pub page_size: Option<PageSizeArg>,
    /// Write PDF/A-2b, for archiving (as `page.pdfa = true` does).
    #[arg(long)]
    pub pdfa: bool,
    /// Letters worked on at once (default: all cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Stop at the first letter that fails (letters already written stay).
    #[arg(long)]
    pub fail_fast: bool,
    /// Treat warnings as failures: the letter is reported as failed and not written (exit 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print only errors (no warnings, progress or summary).
    #[arg(short, long)]
    pub quiet: bool,
    /// How errors and warnings are printed on standard error (default: human; when standard
    /// error is not a terminal, `render` and `merge` print only failures, one line each).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub diagnostic_format: Option<DiagnosticFormat>,
    /// Also report on standard output, one JSON object per letter and a summary.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub report: Option<ReportFormat>,
}

/// Arguments of `combine`.
#[derive(Debug, clap::Args)]
pub struct CombineArgs {
    /// The PDFs to join, in order.
    #[arg(required = true, value_name = "FILE.pdf")]
    pub inputs: Vec<PathBuf>,
    /// The PDF to write.
    #[arg(short, long, value_name = "FILE.pdf", required = true)]
    pub output: PathBuf,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to write into (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// Arguments of `fonts`.
#[derive(Debug, clap::Args)]
pub struct FontsArgs {
    /// Also list the fonts of this letterhead (default: a letterhead.toml in the current
    /// folder or above, when there is one).
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc style: message, `--> file:line:col`, the source line and a caret, hints.
    Human,
    /// One line each: `file:line:col: severity: message`.
    Short,
}

/// Machine-readable report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// JSON lines: an object per letter, then a summary object.
    Json,
}

/// Page sizes accepted by `--page-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PageSizeArg {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
    /// US Legal, 8.5 × 14 in.
    Legal,
    /// ISO A5, 148 × 210 mm.
    A5,
}

impl PageSizeArg {
    /// The name `config::named_size` knows.
    pub fn name(self) -> &'static str {
        match self {
            PageSizeArg::A4 => "a4",
            PageSizeArg::Letter => "letter",
            PageSizeArg::Legal => "legal",
            PageSizeArg::A5 => "a5",
        }
    }
}
