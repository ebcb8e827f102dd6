//! The command line, declared with clap's derive API. `app` turns it into resolved settings;
//! nothing below `app` sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The version `--version` prints: the crate's, and the commit and its date when the build had
/// them (`build.rs`), as `0.1.0 (b41b082 2026-12-02)`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("LETTERHEAD_BUILD_INFO"));

/// Typesets letters on your letterhead: Markdown in, print-ready PDF out.
#[derive(Debug, Parser)]
#[command(name = "letterhead", version = VERSION, about, max_term_width = 100)]
#[command(after_help = "Examples:
  letterhead init letters                 a commented letterhead.toml and an example letter
  letterhead render letters/              every letter in the folder, PDFs beside them
  letterhead check letters/ --deny-warnings

`letterhead COMMAND --help` says more about each command.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Colour the diagnostics on standard error: `auto` colours them on a terminal unless
    /// NO_COLOR is set.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl Cli {
    /// Parses the process's arguments, with clap's own help and errors coloured as `--color`
    /// says (clap reads NO_COLOR itself for `auto`).
    pub fn parse_args() -> Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let mut cmd = Cli::command().color(clap_color(&args));
        cmd.try_get_matches_from_mut(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
            .map_err(|err| err.format(&mut cmd))
    }
}

/// The `--color` among raw arguments (the last one, before any `--`), for clap's own output,
/// which is printed before the arguments are parsed.
fn clap_color(args: &[std::ffi::OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        let value = match arg.as_ref() {
            "--" => break,
            "--color" => args.next().map(|v| v.into_owned()),
            other => other.strip_prefix("--color=").map(str::to_string),
        };
        match value.as_deref() {
            Some("always") => choice = clap::ColorChoice::Always,
            Some("never") => choice = clap::ColorChoice::Never,
            Some("auto") => choice = clap::ColorChoice::Auto,
            _ => {}
        }
    }
    choice
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render letters to PDF.
    ///
    /// Each INPUT is a `.md` file, a folder (every `*.md` below it, in sorted order), or `-` for
    /// standard input (the PDF then goes to standard output unless `-o` is given).
    #[command(after_help = "Examples:
  letterhead render letters/                 every letter in the folder, PDFs beside them
  letterhead render appeal.md -o appeal.pdf
  letterhead render letters/ --out-dir pdf/ --report json > report.jsonl
  letterhead render - < appeal.md > appeal.pdf")]
    Render(RenderArgs),
    /// Check letters without writing anything: parse, lay out, report errors and warnings.
    ///
    /// Reports what `render` would: errors, and warnings such as overfull lines, characters the
    /// font lacks, low-resolution images and Markdown the layout cannot show. No file is
    /// written. With `--data`, INPUT is a mail-merge template and every row is checked.
    #[command(
        mut_arg("pdfa", |a| a.help("Check the letters as PDF/A-2b output (as `page.pdfa = true` does)")),
        mut_arg("fail_fast", |a| a.help("Stop at the first letter that fails")),
        mut_arg("deny_warnings", |a| a.help("Treat warnings as failures (exit 1), e.g. in CI")),
        mut_arg("jobs", |a| a.help("Letters checked at once (default: all cores)")),
        mut_arg("report", |a| a.help("Also report on standard output, one JSON object per letter and a summary")),
        after_help = "Examples:
  letterhead check letters/ --deny-warnings --diagnostic-format short
  letterhead check notice.template.md --data members.csv --name \"{{ last_name }}\""
    )]
    Check(CheckArgs),
    /// Mail merge: one letter per row of a data file (CSV, JSON or TOML).
    ///
    /// `{{ column }}` placeholders in the template's front matter and body are filled in with
    /// each row's values, as plain text.
    #[command(after_help = "Examples:
  letterhead merge notice.md --data members.csv
  letterhead merge notice.md --data members.csv --name \"{{ last_name }}-{{ id }}\" --out-dir out/
  letterhead merge notice.md --data members.csv --combine print.pdf --duplex")]
    Merge(MergeArgs),
    /// Join PDFs letterhead wrote (letters, or the combined print files of a merge's shards)
    /// into one print file, in the order given, keeping their bookmarks.
    Combine(CombineArgs),
    /// Write a commented letterhead.toml, an example letter and a .gitignore into DIR.
    ///
    /// The letterhead renders as it is; the options fill in the organization's name, the
    /// layout and the language. Existing files are left alone unless `--force` is given.
    #[command(after_help = "Examples:
  letterhead init letters && letterhead render letters/
  letterhead init briefe --name \"Mieterverein Nord e. V.\" --layout din5008-b --language de-DE")]
    Init(InitArgs),
    /// List the font families available, with their faces and the scripts they cover.
    #[command(after_help = "Examples:
  letterhead fonts
  letterhead fonts -l letters/letterhead.toml")]
    Fonts(FontsArgs),
    /// Print a shell's completion script for letterhead on standard output.
    #[command(after_help = "Examples:
  letterhead completions bash > ~/.local/share/bash-completion/completions/letterhead
  letterhead completions zsh > ~/.zfunc/_letterhead
  letterhead completions fish > ~/.config/fish/completions/letterhead.fish
  letterhead completions powershell >> $PROFILE")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder.
    #[command(after_help = "Examples:
  letterhead man | man -l -
  letterhead man --out-dir ~/.local/share/man/man1")]
    Man(ManArgs),
    /// Render a letter, then again each time it or a file it uses is saved, until Ctrl-C.
    ///
    /// Watches the letter, its letterhead, the logo, signature images and font files (and,
    /// with `--data`, the template's data file). A change that breaks the letter prints its
    /// errors and leaves the last good PDF in place; the PDF is only ever replaced whole, so a
    /// viewer that reloads on change never sees half a file.
    #[command(after_help = "Examples:
  letterhead watch appeal.md --open          render, show it, and render again on every save
  letterhead watch appeal.md -o /tmp/appeal.pdf
  letterhead watch notice.template.md --data members.csv --out-dir out/")]
    Watch(WatchArgs),
    /// Envelopes or address labels for a letter's recipient, or for every row of a data file.
    ///
    /// One envelope page per recipient (the page is the envelope, landscape), with the
    /// letterhead's return address; or the addresses on sheets of labels, in data order. The
    /// data and the template's `to` are read as `merge` reads them.
    #[command(after_help = "Examples:
  letterhead envelope notice.md --data members.csv --size dl
  letterhead envelope appeal.md --size us-10 -o appeal-envelope.pdf
  letterhead envelope notice.md --data members.csv --labels avery-l7160 --skip 5")]
    Envelope(EnvelopeArgs),
}

/// Arguments of `envelope`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["size", "labels"])))]
pub struct EnvelopeArgs {
    /// The letter, or the mail-merge template with `--data`.
    #[arg(value_name = "LETTER")]
    pub input: PathBuf,
    /// The rows: CSV with a header row, a JSON array of objects, or a TOML array of tables.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Field delimiter of CSV data (as for `merge`).
    #[arg(long, value_name = "CHAR", value_parser = delimiter, requires = "data")]
    pub delimiter: Option<u8>,
    /// Envelopes of this size.
    #[arg(long, value_name = "SIZE", ignore_case = true,
          value_parser = clap::builder::PossibleValuesParser::new(
              crate::compose::envelope::ENVELOPES.iter().map(|e| e.name)))]
    pub size: Option<String>,
    /// Address labels on sheets of this kind instead of envelopes.
    #[arg(long, value_name = "SHEET", ignore_case = true, conflicts_with = "size",
          value_parser = clap::builder::PossibleValuesParser::new(
              crate::compose::envelope::SHEETS.iter().map(|s| s.name)))]
    pub labels: Option<String>,
    /// Labels already used on the first sheet: start at label N+1.
    #[arg(long, value_name = "N", default_value_t = 0, requires = "labels")]
    pub skip: usize,
    /// Write the PDF here (default: envelopes.pdf or labels.pdf beside LETTER).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use this letterhead instead of looking one up.
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// Write PDF/A-2b (as `page.pdfa = true` does).
    #[arg(long)]
    pub pdfa: bool,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
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
    /// Open the PDF in the system's viewer once it is written (a single letter only).
    #[arg(long)]
    pub open: bool,
    /// For printing on both sides: every enclosure PDF starts on a front side (a blank page
    /// before it when it would start on a back).
    #[arg(long)]
    pub duplex: bool,
    /// What to write: the PDF, or a PNG preview of each page (LETTER-1.png, LETTER-2.png, …
    /// where the PDF would go; `-o OUT.png` gives OUT-1.png, …).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Pdf)]
    pub format: OutputFormat,
    /// Resolution of the PNG preview, in dots per inch (10 to 600; default 96).
    #[arg(long, value_name = "DPI",
          value_parser = clap::value_parser!(u32).range(*crate::raster::DPI.start() as i64..=*crate::raster::DPI.end() as i64))]
    pub dpi: Option<u32>,
    /// Options shared with `check`.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// What `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The letter as PDF.
    Pdf,
    /// One PNG image per page, for a quick look without a PDF viewer.
    Png,
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
    /// Also check every row's email from this template (addresses, header values).
    #[arg(long, value_name = "EMAIL.md", requires = "data")]
    pub email: Option<PathBuf>,
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
    /// For printing on both sides: every enclosure PDF starts on a front side, and in the
    /// combined PDF every letter does (a blank page after odd counts).
    #[arg(long)]
    pub duplex: bool,
    /// Email options.
    #[command(flatten)]
    pub email: EmailArgs,
    /// Render only part I of N of the rows (in row order), for N tasks run side by side;
    /// `auto/N` takes I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: Option<ShardArg>,
    /// Options shared with `render`.
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Options of `merge` that make each letter an email.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Email")]
pub struct EmailArgs {
    /// Make each row an email from this template (TOML front matter with `subject`, `to`,
    /// `cc`, `bcc`, `reply-to`, `from`; a plain-text body), its letter attached. Without
    /// `--send`, each is written as an `.eml` file beside its PDF.
    #[arg(long, value_name = "EMAIL.md")]
    pub email: Option<PathBuf>,
    /// Send the emails through this server: `smtp://host:port` (STARTTLS) or
    /// `smtps://host:port`. Credentials come from LETTERHEAD_SMTP_USER and
    /// LETTERHEAD_SMTP_PASSWORD, or the file LETTERHEAD_SMTP_CREDENTIALS names.
    #[arg(long, value_name = "URL", requires = "email")]
    pub send: Option<String>,
    /// Allow a server that does not offer STARTTLS (a server on this machine always is).
    #[arg(long, requires = "send")]
    pub insecure: bool,
    /// At most this many emails a minute, e.g. `30/min`.
    #[arg(long, value_name = "N/min", value_parser = rate, requires = "send")]
    pub rate: Option<u32>,
    /// Send this row again although the journal says it was sent, or may have been.
    #[arg(long, value_name = "ROW", requires = "send")]
    pub resend: Vec<usize>,
}

/// Parses `--rate`: `N/min` or `N`, N > 0.
fn rate(text: &str) -> Result<u32, String> {
    let number = text.strip_suffix("/min").unwrap_or(text).trim();
    match number.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{text}` is not a rate like `30/min`")),
    }
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
    /// Override the letterhead's page size (any case, as in letterhead.toml).
    #[arg(long, value_enum, value_name = "SIZE", ignore_case = true)]
    pub page_size: Option<PageSizeArg>,
    /// Write PDF/A-2b, for archiving (as `page.pdfa = true` does).
    #[arg(long)]
    pub pdfa: bool,
    #[command(flatten)]
    pub fonts: FontArgs,
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
    /// The organization's name, for `organization.name`.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The letter's layout, for `page.layout` (the DIN layouts also set the page to A4).
    #[arg(long, value_enum, value_name = "LAYOUT", ignore_case = true)]
    pub layout: Option<LayoutArg>,
    /// The language, for `style.language`: en-US, en-GB, de-DE, fr-FR or es-ES.
    #[arg(long, value_name = "TAG")]
    pub language: Option<String>,
    /// Replace the files init writes if they exist.
    #[arg(long)]
    pub force: bool,
}

/// The layouts `init --layout` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// US block letter.
    Block,
    /// DIN 5008 form A (A4, window envelope, compact letterhead).
    #[value(name = "din5008-a")]
    Din5008A,
    /// DIN 5008 form B (A4, window envelope).
    #[value(name = "din5008-b")]
    Din5008B,
}

impl LayoutArg {
    /// The name `page.layout` takes.
    pub fn name(self) -> &'static str {
        match self {
            LayoutArg::Block => "block",
            LayoutArg::Din5008A => "din5008-a",
            LayoutArg::Din5008B => "din5008-b",
        }
    }
}

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL", ignore_case = true)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write letterhead.1 and a page per command (letterhead-render.1, …) into this folder
    /// instead of printing letterhead.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// The letter to render: a `.md` file (a mail-merge template with `--data`).
    #[arg(value_name = "LETTER")]
    pub input: PathBuf,
    /// Write the PDF here (default: beside the letter, with the extension `.pdf`).
    #[arg(short, long, value_name = "FILE", conflicts_with = "data")]
    pub output: Option<PathBuf>,
    /// Open the PDF in the system's viewer after the first render (with `--data`, the folder
    /// of the PDFs).
    #[arg(long)]
    pub open: bool,
    /// Render LETTER as a mail-merge template, one PDF per row of this data file.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Field delimiter of CSV data (as for `merge`).
    #[arg(long, value_name = "CHAR", value_parser = delimiter, requires = "data")]
    pub delimiter: Option<u8>,
    /// Output file names of a merge (as for `merge`).
    #[arg(long, value_name = "PATTERN", requires = "data")]
    pub name: Option<String>,
    /// Folder for the PDFs of a merge (default: a folder named after the template).
    #[arg(long, value_name = "DIR", requires = "data")]
    pub out_dir: Option<PathBuf>,
    /// Use this letterhead instead of looking one up.
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// Override the letterhead's page size (any case, as in letterhead.toml).
    #[arg(long, value_enum, value_name = "SIZE", ignore_case = true)]
    pub page_size: Option<PageSizeArg>,
    /// Write PDF/A-2b (as `page.pdfa = true` does).
    #[arg(long)]
    pub pdfa: bool,
    /// How errors and warnings are printed (default: human).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub diagnostic_format: Option<DiagnosticFormat>,
}

/// When diagnostics are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless the NO_COLOR environment variable is set (and not empty).
    Auto,
    /// Always, even into a file or a pipe and with NO_COLOR set.
    Always,
    /// Never.
    Never,
}

/// Arguments of `fonts`.
#[derive(Debug, clap::Args)]
pub struct FontsArgs {
    /// Also list the fonts of this letterhead (default: a letterhead.toml in the current
    /// folder or above, when there is one).
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
    /// Also list each family's faces (style, weight and file).
    #[arg(long)]
    pub variants: bool,
    #[command(flatten)]
    pub fonts: FontArgs,
}

/// Where fonts named by family are looked for.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FontArgs {
    /// Look for fonts in this folder (or font file) too, before the system's fonts; may be
    /// given more than once. LETTERHEAD_FONT_PATHS adds more (separated like PATH).
    #[arg(long, value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
    /// Do not look among the system's fonts (for `style.font`, `style.fallback` and
    /// characters the fonts lack): only the bundled family, font files and font paths.
    #[arg(long)]
    pub ignore_system_fonts: bool,
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
