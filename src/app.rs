//! The application: turns the parsed command line into a plan (inputs, outputs, letterheads),
//! runs it letter by letter, prints every diagnostic in one place, writes PDFs atomically and
//! decides the exit code.
//!
//! This is the only module that reads the environment or the clock, prints, or touches the
//! file system for output. Exit codes: 0 all good, 1 at least one letter failed (the others
//! are still written), 2 usage or configuration error (nothing written).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;

use crate::cli::{Cli, Command, RenderArgs};
use crate::compose;
use crate::config::{self, Letterhead};
use crate::diag::{self, Diagnostic, Source};
use crate::fonts::{self, Family};
use crate::frame;
use crate::image;
use crate::letter::{self, Letter};
use crate::markdown;
use crate::pdf;

/// Everything rendered, nothing wrong.
pub const EXIT_OK: u8 = 0;
/// At least one letter failed; the others were written.
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
        Command::Render(args) => render(&args),
    };
    ExitCode::from(code)
}

/// Where a letter comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Input {
    Stdin,
    File {
        path: PathBuf,
        /// The folder argument it was found under, for `--out-dir` mirroring.
        root: Option<PathBuf>,
    },
}

impl Input {
    fn display(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from("<stdin>"),
            Input::File { path, .. } => path.clone(),
        }
    }
}

/// Where a letter's PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Output {
    Stdout,
    File(PathBuf),
}

/// A job: one letter to render.
struct Job {
    input: Input,
    output: Output,
}

/// Shared, loaded-once resources of a run.
struct Resources {
    /// Letterheads by path (or the override).
    letterheads: BTreeMap<PathBuf, Arc<Letterhead>>,
    override_letterhead: Option<Arc<Letterhead>>,
    builtin: Arc<Letterhead>,
    families: BTreeMap<String, Arc<Family>>,
    logos: BTreeMap<PathBuf, Arc<frame::Image>>,
    fonts: pdf::FontCache,
    page_size: Option<&'static str>,
    now: i64,
}

fn print_diag(d: &Diagnostic, quiet: bool) {
    if quiet && !d.is_error() {
        return;
    }
    eprintln!("{}\n", d.render());
}

fn render(args: &RenderArgs) -> u8 {
    let started = Instant::now();
    // Plan: inputs, outputs, the override letterhead. Any problem here writes nothing.
    let jobs = match plan(args) {
        Ok(jobs) => jobs,
        Err(d) => {
            print_diag(&d, false);
            return EXIT_USAGE;
        }
    };
    let now = source_date_epoch().unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let mut resources = Resources {
        letterheads: BTreeMap::new(),
        override_letterhead: None,
        builtin: Arc::new(with_page_size(
            Letterhead::builtin(),
            args.page_size.map(|p| p.name()),
        )),
        families: BTreeMap::new(),
        logos: BTreeMap::new(),
        fonts: pdf::FontCache::default(),
        page_size: args.page_size.map(|p| p.name()),
        now,
    };
    if let Some(path) = &args.letterhead {
        match load_configuration(path, &mut resources) {
            Ok(lh) => resources.override_letterhead = Some(lh),
            Err(d) => {
                print_diag(&d, false);
                return EXIT_USAGE;
            }
        }
    } else {
        // Letterheads found next to the letters are configuration: load them all up front, so
        // that a broken one stops the run before anything is written.
        let mut seen = BTreeSet::new();
        for job in &jobs {
            let dir = match &job.input {
                Input::Stdin => std::env::current_dir().unwrap_or_default(),
                Input::File { path, .. } => path.parent().unwrap_or(Path::new("")).to_path_buf(),
            };
            if let Some(found) = find_letterhead(&dir)
                && seen.insert(found.clone())
            {
                match load_configuration(&found, &mut resources) {
                    Ok(lh) => {
                        resources.letterheads.insert(found, lh);
                    }
                    Err(d) => {
                        print_diag(&d, false);
                        return EXIT_USAGE;
                    }
                }
            }
        }
    }

    let mut failed = 0usize;
    let mut pages = 0usize;
    let mut rendered = 0usize;
    for job in &jobs {
        match render_one(job, &mut resources) {
            Ok((page_count, warnings)) => {
                for w in &warnings {
                    print_diag(w, args.quiet);
                }
                rendered += 1;
                pages += page_count;
            }
            Err(d) => {
                print_diag(&d, false);
                failed += 1;
            }
        }
    }
    if !args.quiet && (jobs.len() > 1 || failed > 0 || !std::io::stderr().is_terminal()) {
        let noun = if rendered == 1 { "letter" } else { "letters" };
        let page_noun = if pages == 1 { "page" } else { "pages" };
        let mut line = format!(
            "rendered {rendered} {noun} ({pages} {page_noun}) in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        if failed > 0 {
            line.push_str(&format!("; {failed} failed"));
        }
        eprintln!("{line}");
    }
    if failed > 0 { EXIT_FAILED } else { EXIT_OK }
}

/// `SOURCE_DATE_EPOCH`, when set to a valid number of seconds.
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Resolves the inputs and plans every output path, refusing collisions.
fn plan(args: &RenderArgs) -> diag::Result<Vec<Job>> {
    let mut inputs = Vec::new();
    for arg in &args.inputs {
        if arg.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(arg).map_err(|err| {
            Diagnostic::error(format!("cannot read input `{}` ({err})", arg.display()))
                .hint("give a .md file, a folder of letters, or - for standard input")
                .boxed()
        })?;
        let named_like_letter = arg
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if meta.is_dir() && !named_like_letter {
            let mut found = Vec::new();
            collect_letters(arg, &mut found, &mut BTreeSet::new());
            found.sort();
            if found.is_empty() {
                return Err(Diagnostic::error(format!(
                    "the folder `{}` holds no .md letters",
                    arg.display()
                ))
                .boxed());
            }
            inputs.extend(found.into_iter().map(|path| Input::File {
                path,
                root: Some(arg.clone()),
            }));
        } else {
            inputs.push(Input::File {
                path: arg.clone(),
                root: None,
            });
        }
    }
    if args.output.is_some() && inputs.len() != 1 {
        return Err(Diagnostic::error(format!(
            "`-o` names one output file, but there are {} letters",
            inputs.len()
        ))
        .hint("use --out-dir DIR for several letters")
        .boxed());
    }
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in inputs {
        let output = match (&input, &args.output, &args.out_dir) {
            (_, Some(out), _) if out.as_os_str() == "-" => Output::Stdout,
            (_, Some(out), _) => Output::File(out.clone()),
            (Input::Stdin, None, None) => Output::Stdout,
            (Input::Stdin, None, Some(dir)) => Output::File(dir.join("stdin.pdf")),
            (Input::File { path, root }, None, dir) => {
                let pdf_name = path.with_extension("pdf");
                match dir {
                    None => Output::File(pdf_name),
                    Some(dir) => {
                        let relative = root
                            .as_ref()
                            .and_then(|r| pdf_name.strip_prefix(r).ok())
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|| {
                                PathBuf::from(pdf_name.file_name().unwrap_or_default())
                            });
                        Output::File(dir.join(relative))
                    }
                }
            }
        };
        jobs.push(Job { input, output });
    }
    // No two letters to one file, and no output over an input.
    let inputs: BTreeSet<PathBuf> = jobs
        .iter()
        .filter_map(|j| match &j.input {
            Input::File { path, .. } => Some(normalize(path)),
            Input::Stdin => None,
        })
        .collect();
    let mut outputs: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for job in &jobs {
        if let Output::File(out) = &job.output {
            let key = normalize(out);
            if inputs.contains(&key) {
                return Err(Diagnostic::error(format!(
                    "the output `{}` is one of the inputs; it would be overwritten",
                    out.display()
                ))
                .hint("choose another output name")
                .boxed());
            }
            if let Some(other) = outputs.insert(key, job.input.display()) {
                return Err(Diagnostic::error(format!(
                    "`{}` and `{}` would both be written to `{}`",
                    other.display(),
                    job.input.display().display(),
                    out.display()
                ))
                .hint("render them separately or use --out-dir")
                .boxed());
            }
        }
    }
    Ok(jobs)
}

/// An absolute, lexically normalised path (symlinks resolved where the file exists).
fn normalize(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let absolute = std::env::current_dir().unwrap_or_default().join(path);
    if let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name())
        && let Ok(real_parent) = std::fs::canonicalize(parent)
    {
        return real_parent.join(name);
    }
    absolute
}

/// Every `*.md` file below `dir`, following symlinks but never the same folder twice.
fn collect_letters(dir: &Path, out: &mut Vec<PathBuf>, visited: &mut BTreeSet<PathBuf>) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !visited.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let is_dir = std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
        let is_md = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"));
        if is_dir && !is_md {
            collect_letters(&path, out, visited);
        } else if is_md {
            // A `.md` that is a folder or a broken link is reported when it is read.
            out.push(path);
        }
    }
}

/// The nearest `letterhead.toml` in `dir` or a folder above it.
fn find_letterhead(dir: &Path) -> Option<PathBuf> {
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let absolute = std::fs::canonicalize(start).ok()?;
    let mut here = Some(absolute.as_path());
    while let Some(d) = here {
        let candidate = d.join("letterhead.toml");
        if candidate.is_file() {
            // Report it by the path relative to the letter when possible.
            let relative = start.join(
                std::iter::repeat_n("..", absolute.components().count() - d.components().count())
                    .collect::<PathBuf>(),
            );
            return Some(relative.join("letterhead.toml"));
        }
        here = d.parent();
    }
    None
}

fn read_source(path: &Path, what: &str) -> diag::Result<Source> {
    let meta = std::fs::metadata(path).map_err(|err| {
        Diagnostic::error(format!("cannot read {what} `{}` ({err})", path.display()))
            .in_file(path)
            .boxed()
    })?;
    if meta.is_dir() {
        return Err(Diagnostic::error(format!(
            "{what} `{}` is a folder, not a file",
            path.display()
        ))
        .in_file(path)
        .boxed());
    }
    let bytes = std::fs::read(path).map_err(|err| {
        Diagnostic::error(format!("cannot read {what} `{}` ({err})", path.display()))
            .in_file(path)
            .boxed()
    })?;
    decode_text(bytes, path, what)
}

fn decode_text(bytes: Vec<u8>, path: &Path, what: &str) -> diag::Result<Source> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::error(format!(
            "{what} `{}` is UTF-16; letterhead reads UTF-8",
            path.display()
        ))
        .in_file(path)
        .hint("save the file as UTF-8")
        .boxed());
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&err.as_bytes()[..offset]).into_owned();
            let (line, col) = diag::line_col(&valid, valid.len());
            return Err(Diagnostic::error(format!(
                "{what} `{}` is not UTF-8 text (invalid byte at line {line}, column {col})",
                path.display()
            ))
            .in_file(path)
            .hint("save the file as UTF-8")
            .boxed());
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.contains('\0') {
        return Err(Diagnostic::error(format!(
            "{what} `{}` is a binary file, not text",
            path.display()
        ))
        .in_file(path)
        .boxed());
    }
    Ok(Source {
        path: path.to_path_buf(),
        text: Arc::from(text),
    })
}

fn load_letterhead(path: &Path, resources: &Resources) -> diag::Result<Arc<Letterhead>> {
    let source = read_source(path, "letterhead")?;
    let lh = config::parse(&source)?;
    Ok(Arc::new(with_page_size(lh, resources.page_size)))
}

/// A letterhead with its fonts and logo, all of which are configuration: loaded before any
/// letter, so that a problem stops the run before anything is written.
fn load_configuration(path: &Path, resources: &mut Resources) -> diag::Result<Arc<Letterhead>> {
    let lh = load_letterhead(path, resources)?;
    family_for(&lh, resources)?;
    logo_for(&lh, resources)?;
    Ok(lh)
}

/// Applies `--page-size`, when given.
fn with_page_size(mut lh: Letterhead, page_size: Option<&str>) -> Letterhead {
    if let Some((w, h)) = page_size.and_then(config::named_size) {
        lh.page.width = w;
        lh.page.height = h;
    }
    lh
}

fn family_for(lh: &Letterhead, resources: &mut Resources) -> diag::Result<Arc<Family>> {
    let key = format!("{:?}", lh.style.font);
    if let Some(f) = resources.families.get(&key) {
        return Ok(f.clone());
    }
    let family = Arc::new(fonts::load(&lh.style.font, lh.path.as_deref())?);
    resources.families.insert(key, family.clone());
    Ok(family)
}

fn logo_for(lh: &Letterhead, resources: &mut Resources) -> diag::Result<Option<Arc<frame::Image>>> {
    let Some(path) = &lh.organization.logo else {
        return Ok(None);
    };
    if let Some(img) = resources.logos.get(path) {
        return Ok(Some(img.clone()));
    }
    let img = Arc::new(image::load(path, "logo")?);
    resources.logos.insert(path.clone(), img.clone());
    Ok(Some(img))
}

/// Renders one letter and writes its PDF; returns the page count and the warnings.
fn render_one(job: &Job, resources: &mut Resources) -> diag::Result<(usize, Vec<Diagnostic>)> {
    // Read.
    let source = match &job.input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map_err(|err| {
                Diagnostic::error(format!("cannot read standard input ({err})")).boxed()
            })?;
            decode_text(bytes, Path::new("<stdin>"), "letter")?
        }
        Input::File { path, .. } => read_source(path, "letter")?,
    };
    // Parse.
    let letter = letter::parse(source)?;
    let letterhead = choose_letterhead(job, &letter, resources)?;
    let (body, mut warnings) = markdown::parse(&letter.source, letter.body_offset);
    if body.is_empty() && letter.front.signature.is_none() {
        return Err(Diagnostic::error("the letter has no body")
            .in_file(&letter.source.path)
            .hint("write the letter's text after the closing `+++`")
            .boxed());
    }
    let family = family_for(&letterhead, resources)?;
    let logo = logo_for(&letterhead, resources)?;
    let date = format_date(&letter, &letterhead, resources.now)?;
    // Lay out.
    let input = compose::Input {
        letter: &letter,
        body: &body,
        letterhead: &letterhead,
        family: &family,
        logo,
        date,
        created: resources.now,
    };
    let (document, layout_warnings) = compose::compose(&input);
    warnings.extend(layout_warnings);
    if letterhead.path.is_none() {
        warnings.push(
            Diagnostic::warning("no letterhead.toml found; using a plain letterhead")
                .in_file(&letter.source.path)
                .hint("put a letterhead.toml beside the letter or pass --letterhead FILE"),
        );
    }
    // Write.
    let (bytes, problems) = pdf::export(&document, &resources.fonts).map_err(|err| {
        Diagnostic::error(format!("cannot write the PDF: {err}"))
            .in_file(&letter.source.path)
            .boxed()
    })?;
    for p in problems {
        warnings.push(Diagnostic::warning(format!("PDF writer: {p}")).in_file(&letter.source.path));
    }
    match &job.output {
        Output::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|err| {
                    Diagnostic::error(format!("cannot write to standard output ({err})")).boxed()
                })?;
        }
        Output::File(path) => write_atomically(path, &bytes)?,
    }
    Ok((document.pages.len(), warnings))
}

fn choose_letterhead(
    job: &Job,
    letter: &Letter,
    resources: &mut Resources,
) -> diag::Result<Arc<Letterhead>> {
    if let Some(lh) = &resources.override_letterhead {
        return Ok(lh.clone());
    }
    if let Some(rel) = &letter.front.letterhead {
        let base = match &job.input {
            Input::File { path, .. } => path.parent().unwrap_or(Path::new("")).to_path_buf(),
            Input::Stdin => PathBuf::new(),
        };
        let path = base.join(rel);
        if let Some(lh) = resources.letterheads.get(&path) {
            return Ok(lh.clone());
        }
        let lh = load_letterhead(&path, resources)?;
        resources.letterheads.insert(path, lh.clone());
        return Ok(lh);
    }
    let dir = match &job.input {
        Input::File { path, .. } => path.parent().unwrap_or(Path::new("")).to_path_buf(),
        Input::Stdin => std::env::current_dir().unwrap_or_default(),
    };
    if let Some(found) = find_letterhead(&dir)
        && let Some(lh) = resources.letterheads.get(&found)
    {
        return Ok(lh.clone());
    }
    Ok(resources.builtin.clone())
}

/// The date line: the front matter's date, or today (`SOURCE_DATE_EPOCH` when set).
fn format_date(letter: &Letter, lh: &Letterhead, now: i64) -> diag::Result<String> {
    let path = &letter.source.path;
    let date = match &letter.front.date {
        Some(dt) => {
            let Some(d) = dt.date else {
                return Err(Diagnostic::error(format!("`date = {dt}` has no day"))
                    .in_file(path)
                    .hint("write the date as 2015-08-05")
                    .boxed());
            };
            let month = time::Month::try_from(d.month).map_err(|_| {
                Diagnostic::error(format!("`{dt}` is not a valid date"))
                    .in_file(path)
                    .boxed()
            })?;
            time::Date::from_calendar_date(i32::from(d.year), month, d.day).map_err(|_| {
                Diagnostic::error(format!("`{dt}` is not a valid date"))
                    .in_file(path)
                    .boxed()
            })?
        }
        None => time::OffsetDateTime::from_unix_timestamp(now)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .date(),
    };
    let format =
        time::format_description::parse_borrowed::<1>(&lh.style.date_format).map_err(|err| {
            Diagnostic::error(format!(
                "`{}` is not a date format: {err}",
                lh.style.date_format
            ))
            .boxed()
        })?;
    date.format(&format).map_err(|err| {
        Diagnostic::error(format!("cannot format the date: {err}"))
            .in_file(path)
            .boxed()
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a partial PDF and an existing PDF is only replaced by a complete one.
fn write_atomically(path: &Path, bytes: &[u8]) -> diag::Result<()> {
    let fail = |err: std::io::Error| {
        Diagnostic::error(format!("cannot write `{}` ({err})", path.display()))
            .in_file(path)
            .boxed()
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(err));
    }
    Ok(())
}
