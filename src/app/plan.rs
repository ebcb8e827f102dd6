//! Planning a batch: the inputs (files, folders searched recursively in sorted order, standard
//! input) and where each letter's PDF goes, decided before any work so that collisions and
//! outputs over inputs are refused with nothing written.
//!
//! It reads folders and file metadata; it writes nothing except removing the temporary files a
//! killed earlier run left beside the planned outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{BatchArgs, ReportFormat};
use crate::diag::{self, Diagnostic};

use super::Mode;

/// Where a letter comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Input {
    Stdin,
    File {
        path: PathBuf,
        /// The folder argument it was found under, for `--out-dir` mirroring (shared by the
        /// letters found under it).
        root: Option<Arc<Path>>,
    },
    /// A row of mail-merge data, filled into the template. Boxed: a job of a folder's letter
    /// is then 64 bytes, not 104.
    Row(Box<Row>),
}

/// A row of mail-merge data, as a job's input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Row {
    /// Index into the data's rows.
    pub(super) index: usize,
    /// Its number in the data (1-based, empty records counted), its line (CSV; 0 for JSON and
    /// TOML) and the data file, for the JSON report.
    pub(super) number: usize,
    pub(super) line: usize,
    pub(super) data: Arc<Path>,
    /// The template's folder.
    pub(super) folder: Arc<Path>,
}

impl Row {
    /// How messages name it: ``row 7 of `donors.csv` (line 8)``.
    pub(super) fn name(&self) -> PathBuf {
        PathBuf::from(crate::merge::label(self.number, self.line, &self.data))
    }
}

impl Input {
    /// The path shown in messages and reports.
    pub(super) fn display(&self) -> PathBuf {
        match self {
            Input::Stdin => PathBuf::from("<stdin>"),
            Input::File { path, .. } => path.clone(),
            Input::Row(row) => row.name(),
        }
    }

    /// The folder the letter lives in (the working folder for standard input).
    pub(super) fn folder(&self) -> PathBuf {
        match self {
            Input::Stdin => std::env::current_dir().unwrap_or_default(),
            Input::File { path, .. } => path.parent().unwrap_or(Path::new("")).to_path_buf(),
            Input::Row(row) => row.folder.to_path_buf(),
        }
    }
}

/// Where a letter's PDF goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Output {
    /// `check`: nowhere.
    Nowhere,
    Stdout,
    File(PathBuf),
}

/// A job: one letter to work on.
pub(super) struct Job {
    pub(super) input: Input,
    output: Planned,
}

/// Where a job's PDF goes, as planned. A folder's letter keeps no path of its own when its
/// output's follows from its input's (half a megabyte less for 10,000 letters).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Planned {
    Given(Output),
    /// The input's path with `.pdf` for `.md`, in the folder named (`--out-dir`) or beside it.
    Derived(Option<Arc<Path>>),
}

/// The output options of `render`.
#[derive(Debug, Default)]
pub(super) struct Outputs {
    /// `-o FILE`.
    pub(super) file: Option<PathBuf>,
    /// `--out-dir DIR`.
    pub(super) dir: Option<PathBuf>,
}

/// Resolves the inputs and plans every output path, refusing collisions. Also gives the
/// merge templates (`*.template.md`) the folders held, which are left out, and the
/// subfolders that could not be read.
pub(super) fn plan(
    mode: Mode,
    args: &[PathBuf],
    outputs: &Outputs,
    batch: &BatchArgs,
) -> diag::Result<(Vec<Job>, Found)> {
    // The letters found go straight into the jobs, the one list that lasts the run: sorted and
    // sifted in place, with no second list of paths or inputs to free. Beyond its first 128
    // KiB, each list of a 10,000-letter folder is a block of its own, and glibc's malloc, once
    // such a block is freed, raises the size under which it keeps freed memory for the rest of
    // the run: 2 MiB more resident at 10,000 letters.
    let mut jobs: Vec<Job> = Vec::new();
    let mut templates = 0;
    let mut unreadable = Vec::new();
    // A letter named twice (itself and in a folder, or a folder and its subfolder) is one job.
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut real = RealPaths::default();
    for arg in args {
        if arg.as_os_str() == "-" {
            if jobs.iter().any(|job| job.input == Input::Stdin) {
                return Err(Diagnostic::error("standard input (`-`) is given twice").boxed());
            }
            jobs.push(Job::of(Input::Stdin));
            continue;
        }
        let meta = std::fs::metadata(arg).map_err(|err| {
            let why = match crate::files::dangling(arg) {
                Some(target) => crate::files::ReadError::Dangling { target }.to_string(),
                None => err.to_string(),
            };
            Diagnostic::error(format!("cannot read input `{}` ({why})", arg.display()))
                .hint("give a .md file, a folder of letters, or - for standard input")
                .boxed()
        })?;
        if meta.is_dir() && !is_markdown(arg) {
            // The folder named is the run's configuration: not readable, nothing is.
            if let Err(err) = std::fs::read_dir(arg) {
                return Err(Diagnostic::error(format!(
                    "cannot read the folder `{}` ({err})",
                    arg.display()
                ))
                .boxed());
            }
            let start = jobs.len();
            let unreadable_before = unreadable.len();
            let root: Arc<Path> = Arc::from(arg.as_path());
            collect_letters(arg, &root, &mut jobs, &mut BTreeSet::new(), &mut unreadable);
            jobs[start..].sort_unstable_by(|a, b| a.input.cmp(&b.input));
            let before = jobs.len();
            keep_from(&mut jobs, start, |job| !is_template(job.path()));
            templates += before - jobs.len();
            if jobs.len() == start && unreadable.len() == unreadable_before {
                return Err(Diagnostic::error(format!(
                    "the folder `{}` holds no .md letters",
                    arg.display()
                ))
                .boxed());
            }
            keep_from(&mut jobs, start, |job| seen.insert(real.of(job.path())));
        } else if seen.insert(real.of(arg)) {
            jobs.push(Job::of(Input::File {
                path: arg.clone(),
                root: None,
            }));
        }
    }
    if outputs.file.is_some() && jobs.len() != 1 {
        return Err(Diagnostic::error(format!(
            "`-o` names one output file, but there are {} letters",
            jobs.len()
        ))
        .hint("use --out-dir DIR for several letters")
        .boxed());
    }
    jobs.shrink_to_fit();
    let dir: Option<Arc<Path>> = outputs.dir.as_deref().map(Arc::from);
    for job in &mut jobs {
        job.output = match mode {
            Mode::Check => Planned::Given(Output::Nowhere),
            Mode::Render => output_for(&job.input, outputs.file.as_deref(), dir.as_ref()),
        };
    }
    if batch.report == Some(ReportFormat::Json) && jobs.iter().any(|j| j.output() == Output::Stdout)
    {
        return Err(Diagnostic::error(
            "`--report json` writes to standard output, and so would the PDF",
        )
        .hint("write the PDF to a file with -o FILE or --out-dir DIR")
        .boxed());
    }
    refuse_collisions(&jobs)?;
    Ok((
        jobs,
        Found {
            templates,
            unreadable,
        },
    ))
}

impl Job {
    /// A job for `input`, its output not yet planned.
    fn of(input: Input) -> Job {
        Job::new(input, Output::Nowhere)
    }

    /// A job for `input` written to `output`.
    pub(super) fn new(input: Input, output: Output) -> Job {
        Job {
            input,
            output: Planned::Given(output),
        }
    }

    /// Where the letter's PDF goes.
    pub(super) fn output(&self) -> Output {
        match (&self.output, &self.input) {
            (Planned::Given(output), _) => output.clone(),
            (Planned::Derived(dir), Input::File { path, root }) => {
                Output::File(derived(path, root.as_deref(), dir.as_deref()))
            }
            // `output_for` derives the output of a file only: anything else is a bug, which fails
            // this letter (`batch::process_guarded`) rather than write nothing in silence.
            (Planned::Derived(_), Input::Stdin | Input::Row(_)) => {
                unreachable!("an output derived for a letter not read from a file")
            }
        }
    }

    /// Sends the letter's PDF to `output` instead.
    pub(super) fn set_output(&mut self, output: Output) {
        self.output = Planned::Given(output);
    }

    /// The path of a letter found in a folder (empty for standard input and merge rows).
    fn path(&self) -> &Path {
        match &self.input {
            Input::File { path, .. } => path,
            Input::Stdin | Input::Row(_) => Path::new(""),
        }
    }
}

/// Keeps the jobs from `start` on for which `keep` holds, in their order, in place.
fn keep_from(jobs: &mut Vec<Job>, start: usize, mut keep: impl FnMut(&Job) -> bool) {
    let mut kept = start;
    for i in start..jobs.len() {
        if keep(&jobs[i]) {
            jobs.swap(kept, i);
            kept += 1;
        }
    }
    jobs.truncate(kept);
}

/// What the folders of a batch held besides the letters to render.
#[derive(Default)]
pub(super) struct Found {
    /// Merge templates (`*.template.md`), left out.
    pub(super) templates: usize,
    /// Subfolders that could not be read: each fails the run (exit 1).
    pub(super) unreadable: Vec<Diagnostic>,
}

/// A mail-merge template (`NAME.template.md`): filled in by `merge`, not rendered as it is.
fn is_template(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".template.md")
    })
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
}

fn output_for(input: &Input, file: Option<&Path>, dir: Option<&Arc<Path>>) -> Planned {
    let given = match (input, file, dir) {
        (_, Some(out), _) if out.as_os_str() == "-" => Output::Stdout,
        (_, Some(out), _) => Output::File(out.to_path_buf()),
        (Input::Stdin, None, None) => Output::Stdout,
        (Input::Stdin | Input::Row(_), None, Some(dir)) => Output::File(dir.join("stdin.pdf")),
        (Input::Row(_), None, None) => Output::Stdout,
        (Input::File { .. }, None, _) => return Planned::Derived(dir.cloned()),
    };
    Planned::Given(given)
}

/// The PDF of the letter at `path`, found under the folder argument `root`: beside it, or in
/// `dir` (`--out-dir`) at the place it has under `root`.
fn derived(path: &Path, root: Option<&Path>, dir: Option<&Path>) -> PathBuf {
    let pdf_name = path.with_extension("pdf");
    match dir {
        None => pdf_name,
        Some(dir) => match root.and_then(|r| pdf_name.strip_prefix(r).ok()) {
            Some(relative) => dir.join(relative),
            None => dir.join(pdf_name.file_name().unwrap_or_default()),
        },
    }
}

/// No two letters to one file, and no output over an input or a file that is not a PDF.
pub(super) fn refuse_collisions(jobs: &[Job]) -> diag::Result<()> {
    let mut real = RealPaths::default();
    // One at a time: collected, a set is first a sorted list, freed when it is built (see `plan`).
    let mut inputs: BTreeSet<PathBuf> = BTreeSet::new();
    for job in jobs {
        if let Input::File { path, .. } = &job.input {
            inputs.insert(real.of(path));
        }
    }
    let mut outputs: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for job in jobs {
        if let Output::File(out) = &job.output() {
            let key = real.of(out);
            if inputs.contains(&key) {
                return Err(Diagnostic::error(format!(
                    "the output `{}` is one of the inputs; it would be overwritten",
                    out.display()
                ))
                .hint("choose another output name")
                .boxed());
            }
            refuse_to_replace(out)?;
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
    Ok(())
}

/// `--combine -` writes the combined PDF to standard output, which nothing else may use: not
/// the JSON report, not a letter.
pub(super) fn refuse_shared_stdout(batch: &BatchArgs, jobs: &[Job]) -> diag::Result<()> {
    if batch.report == Some(ReportFormat::Json) {
        return Err(Diagnostic::error(
            "`--report json` writes to standard output, and so would `--combine -`",
        )
        .hint("give the combined PDF a file name: --combine FILE.pdf")
        .boxed());
    }
    if jobs.iter().any(|j| j.output() == Output::Stdout) {
        return Err(Diagnostic::error(
            "a letter and the combined PDF (`--combine -`) would both go to standard output",
        )
        .hint("give the letters a folder with --out-dir DIR")
        .boxed());
    }
    Ok(())
}

/// The combined PDF of a merge must be a file of its own: not one of the letters' PDFs, and not
/// a file that is not a PDF.
pub(super) fn refuse_combined_collision(path: &Path, jobs: &[Job]) -> diag::Result<()> {
    refuse_to_replace(path)?;
    let mut real = RealPaths::default();
    let key = real.of(path);
    for job in jobs {
        if let Output::File(out) = &job.output()
            && real.of(out) == key
        {
            return Err(Diagnostic::error(format!(
                "the combined PDF `{}` would be written over the letter of {}",
                path.display(),
                job.input.display().display()
            ))
            .hint("give --combine a name of its own, outside --out-dir")
            .boxed());
        }
    }
    Ok(())
}

/// An output may replace an earlier PDF, never anything else: a folder, or a file that is not
/// a PDF (a letter named by mistake with `-o`, a document of the user's).
pub(super) fn refuse_to_replace(out: &Path) -> diag::Result<()> {
    let Ok(meta) = std::fs::metadata(out) else {
        return Ok(());
    };
    let is_pdf = || -> bool {
        use std::io::Read;
        let mut head = [0u8; 5];
        std::fs::File::open(out)
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok()
            && &head == b"%PDF-"
    };
    if meta.is_dir() {
        return Err(
            Diagnostic::error(format!("the output `{}` is a folder", out.display()))
                .hint("name a file, or use --out-dir for a folder")
                .boxed(),
        );
    }
    // A pipe or a device is never opened here (reading a FIFO would wait for a writer).
    if !meta.is_file() {
        return Err(Diagnostic::error(format!(
            "the output `{}` is not a regular file",
            out.display()
        ))
        .hint("use -o - to write the PDF to standard output")
        .boxed());
    }
    if !is_pdf() {
        return Err(Diagnostic::error(format!(
            "the output `{}` exists and is not a PDF; it would be overwritten",
            out.display()
        ))
        .hint("letterhead only replaces PDFs: choose another output name or remove the file")
        .boxed());
    }
    Ok(())
}

/// Paths made comparable: absolute, with symbolic links resolved where the file or its folder
/// exists. Each folder is resolved once: resolving every letter's path on its own (each
/// component's link read, for the file and again for its folder) was a tenth of a
/// 5,000-letter merge's time, spent before the first letter was set.
#[derive(Default)]
struct RealPaths {
    folders: std::collections::HashMap<PathBuf, Option<PathBuf>>,
    cwd: Option<PathBuf>,
}

impl RealPaths {
    /// `path` as `std::fs::canonicalize` gives it; where it does not exist, its folder's real
    /// path and its name (or, without a folder, the absolute path as written).
    fn of(&mut self, path: &Path) -> PathBuf {
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd
                .get_or_insert_with(|| std::env::current_dir().unwrap_or_default())
                .join(path)
        };
        let ends_in_a_name = matches!(
            absolute.components().next_back(),
            Some(std::path::Component::Normal(_))
        );
        let (Some(parent), Some(name), true) =
            (absolute.parent(), absolute.file_name(), ends_in_a_name)
        else {
            return std::fs::canonicalize(&absolute).unwrap_or(absolute);
        };
        let folder = self
            .folders
            .entry(parent.to_path_buf())
            .or_insert_with(|| std::fs::canonicalize(parent).ok());
        let Some(folder) = folder else {
            // No such folder: nor such a file.
            return absolute;
        };
        let real = folder.join(name);
        match std::fs::symlink_metadata(&real) {
            Ok(meta) if meta.file_type().is_symlink() => {
                std::fs::canonicalize(&real).unwrap_or(real)
            }
            _ => real,
        }
    }
}

/// Adds a job for every `*.md` file below `dir`, following symlinks but never the same folder
/// twice; `root` is the folder named on the command line. The entries of each folder are put
/// at the end of `jobs`, sorted there, and the ones that are not letters taken out again. A
/// folder or entry that cannot be read is added to `unreadable` (it may hold letters:
/// skipping it in silence would leave them unwritten with exit 0).
fn collect_letters(
    dir: &Path,
    root: &Arc<Path>,
    jobs: &mut Vec<Job>,
    visited: &mut BTreeSet<PathBuf>,
    unreadable: &mut Vec<Diagnostic>,
) {
    let cannot_read = |path: &Path, err: std::io::Error| {
        Diagnostic::error(format!(
            "cannot read the folder `{}` ({err}); the letters in it were not rendered",
            path.display()
        ))
        .in_file(path)
        .hint("give letterhead permission to read it, or move it out of the folder")
    };
    let real = match std::fs::canonicalize(dir) {
        Ok(real) => real,
        Err(err) => return unreadable.push(cannot_read(dir, err)),
    };
    if !visited.insert(real) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return unreadable.push(cannot_read(dir, err)),
    };
    let start = jobs.len();
    for entry in entries {
        match entry {
            Ok(entry) => jobs.push(Job::of(Input::File {
                path: entry.path(),
                root: Some(root.clone()),
            })),
            Err(err) => {
                jobs.truncate(start);
                return unreadable.push(cannot_read(dir, err));
            }
        }
    }
    let end = jobs.len();
    jobs[start..].sort_unstable_by(|a, b| a.input.cmp(&b.input));
    for i in start..end {
        let path = jobs[i].path();
        // A `.md` that is a folder or a broken link is reported when it is read.
        if is_markdown(path) {
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let path = path.to_path_buf();
                collect_letters(&path, root, jobs, visited, unreadable);
            }
            Ok(_) => {}
            // A broken link to something that is not a letter: nothing to read.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            // A link loop, a folder on the way that cannot be searched: it may be a folder.
            Err(err) => unreadable.push(cannot_read(path, err)),
        }
    }
    keep_from(jobs, start, |job| is_markdown(job.path()));
}

/// The nearest `letterhead.toml` in `dir` or a folder above it.
pub(super) fn find_letterhead(dir: &Path) -> Option<PathBuf> {
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let absolute = std::fs::canonicalize(start).ok()?;
    let mut here = Some(absolute.as_path());
    while let Some(d) = here {
        let candidate = d.join("letterhead.toml");
        // Anything but a folder by that name is the letterhead: a pipe or a device is then
        // refused when it is read, not passed over for the plain letterhead.
        if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
            // Report it by the path relative to the letter when possible.
            let here = if dir.as_os_str().is_empty() {
                Path::new("")
            } else {
                dir
            };
            let relative = here.join(
                std::iter::repeat_n("..", absolute.components().count() - d.components().count())
                    .collect::<PathBuf>(),
            );
            return Some(relative.join("letterhead.toml"));
        }
        here = d.parent();
    }
    None
}

/// Longest file name most file systems allow (`NAME_MAX`), in bytes.
const NAME_MAX: usize = 255;

/// The start of the names of the temporary files of the PDF `path`: `.NAME.`, with NAME
/// shortened (on a character boundary) so that the whole temporary name, with its process id
/// and random part, stays within `NAME_MAX` even for the longest legal output name.
fn temporary_prefix(path: &Path) -> String {
    // `.` + NAME + `.` + PID (up to 10 digits) + `.` + 16 hex digits + `.tmp`.
    const SPARE: usize = 1 + 1 + 10 + 1 + 16 + 4;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut end = name.len().min(NAME_MAX - SPARE);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".{}.", &name[..end])
}

/// 64 bits no other process can guess: std's hasher keys are drawn from the operating
/// system's random source; the time and a counter make each call differ.
fn unpredictable() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// Creates the temporary file the PDF `path` is written to before it is renamed into place,
/// beside it: `.NAME.PID.RANDOM.tmp`. It is created exclusively (`O_EXCL`) under a name no
/// one can predict, so a file or symlink planted beside the output is never followed or
/// overwritten; and it gets the permissions of the PDF it will replace, so that re-rendering
/// keeps them (a rename gives the new file's own).
pub(super) fn create_temporary(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let folder = folder_of(path);
    let prefix = temporary_prefix(path);
    let keep = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.permissions());
    let mut attempts = 0;
    loop {
        let tmp = folder.join(format!(
            "{prefix}{}.{:016x}.tmp",
            std::process::id(),
            unpredictable()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => {
                if let Some(permissions) = keep
                    && let Err(err) = file.set_permissions(permissions)
                {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(err);
                }
                return Ok((tmp, file));
            }
            // Taken (by chance, or planted): another name.
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempts < 8 => {
                attempts += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The folder a file is in, `.` for a bare name.
pub(super) fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes what a killed earlier run left behind: temporary files of this batch's outputs
/// (`.NAME.PID.RANDOM.tmp`, or `.NAME.PID.tmp` of earlier versions) whose process is gone.
/// Nothing else is touched.
pub(super) fn remove_stale_temporaries(jobs: &[Job], combined: Option<&Path>) {
    let mut by_folder: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let outputs = jobs.iter().filter_map(|job| match job.output() {
        Output::File(path) => Some(path),
        _ => None,
    });
    for path in outputs.chain(combined.map(Path::to_path_buf)) {
        by_folder
            .entry(folder_of(&path))
            .or_default()
            .insert(temporary_prefix(&path));
    }
    for (folder, prefixes) in by_folder {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            let Some(pid) = prefixes.iter().find_map(|prefix| {
                let middle = file_name
                    .strip_prefix(prefix.as_str())?
                    .strip_suffix(".tmp")?;
                let pid = match middle.split_once('.') {
                    Some((pid, random))
                        if random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit()) =>
                    {
                        pid
                    }
                    Some(_) => return None,
                    None => middle,
                };
                pid.parse::<u32>().ok()
            }) else {
                continue;
            };
            // Only a regular file (never a link planted there) is removed.
            let regular = entry.file_type().is_ok_and(|t| t.is_file());
            if regular && !process_alive(pid) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Whether a process with this id still runs (another `letterhead` may be writing).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    // Without /proc, never remove a file that might still be written.
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_input_is_planned_to_the_output_its_options_give() {
        let file = |path: &str, root: Option<&str>| Input::File {
            path: PathBuf::from(path),
            root: root.map(|r| Arc::from(Path::new(r))),
        };
        let row = Input::Row(Box::new(Row {
            index: 0,
            number: 1,
            line: 2,
            data: Arc::from(Path::new("donors.csv")),
            folder: Arc::from(Path::new(".")),
        }));
        let outputs = |file: Option<&str>, dir: Option<&str>| Outputs {
            file: file.map(PathBuf::from),
            dir: dir.map(PathBuf::from),
        };
        let to = |path: &str| Output::File(PathBuf::from(path));
        let cases = [
            // Beside the letter, or in the folder named.
            (
                file("letters/a.md", None),
                outputs(None, None),
                to("letters/a.pdf"),
            ),
            (
                file("letters/a.md", None),
                outputs(None, Some("out")),
                to("out/a.pdf"),
            ),
            // A folder's letters keep their place under it.
            (
                file("in/sub/b.md", Some("in")),
                outputs(None, Some("out")),
                to("out/sub/b.pdf"),
            ),
            (
                file("in/sub/b.md", Some("in/")),
                outputs(None, Some("out/")),
                to("out/sub/b.pdf"),
            ),
            (
                file("in/sub/b.md", Some("in")),
                outputs(None, None),
                to("in/sub/b.pdf"),
            ),
            (
                file("elsewhere/c.md", Some("in")),
                outputs(None, Some("out")),
                to("out/c.pdf"),
            ),
            (file("d.MD", None), outputs(None, None), to("d.pdf")),
            // `-o` names the file, or standard output.
            (
                file("a.md", None),
                outputs(Some("x.pdf"), Some("out")),
                to("x.pdf"),
            ),
            (file("a.md", None), outputs(Some("-"), None), Output::Stdout),
            (Input::Stdin, outputs(None, None), Output::Stdout),
            (
                Input::Stdin,
                outputs(None, Some("out")),
                to("out/stdin.pdf"),
            ),
            (Input::Stdin, outputs(Some("s.pdf"), None), to("s.pdf")),
            (row.clone(), outputs(None, None), Output::Stdout),
            (row, outputs(None, Some("out")), to("out/stdin.pdf")),
        ];
        for (input, outputs, expected) in cases {
            let dir = outputs.dir.as_deref().map(Arc::from);
            let job = Job {
                output: output_for(&input, outputs.file.as_deref(), dir.as_ref()),
                input,
            };
            assert_eq!(job.output(), expected, "{:?} with {outputs:?}", job.input);
        }
    }

    #[test]
    fn real_paths_are_what_canonicalize_gives_and_its_folder_where_it_fails() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(root.join("letters")).unwrap();
        std::fs::write(root.join("letters/a.md"), "").unwrap();
        std::os::unix::fs::symlink(root.join("letters"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("letters/a.md"), root.join("b.md")).unwrap();
        let mut real = RealPaths::default();
        for (path, expected) in [
            (root.join("letters/a.md"), root.join("letters/a.md")),
            (root.join("linked/a.md"), root.join("letters/a.md")),
            (root.join("b.md"), root.join("letters/a.md")),
            (
                root.join("linked/../letters/a.md"),
                root.join("letters/a.md"),
            ),
            (root.join("linked/new.pdf"), root.join("letters/new.pdf")),
            (root.join("missing/new.pdf"), root.join("missing/new.pdf")),
            (root.join("letters/."), root.join("letters")),
        ] {
            assert_eq!(real.of(&path), expected, "{}", path.display());
            if let Ok(canonical) = std::fs::canonicalize(&path) {
                assert_eq!(real.of(&path), canonical, "{}", path.display());
            }
        }
        // Relative to the working folder.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            RealPaths::default().of(Path::new("no-such-folder/x.pdf")),
            cwd.join("no-such-folder/x.pdf")
        );
    }
}
