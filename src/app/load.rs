//! Loading what a batch shares: letterheads with their font families and logos, parsed once
//! and used by every letter on every thread; and reading a letter's text.
//!
//! It reads files but writes none, and lays nothing out.
//!
//! Letterheads found beside the letters (and `--letterhead`) are configuration, loaded before
//! any letter: `--letterhead` broken, or every letterhead of the run, stops the run (exit 2)
//! with nothing written; in a batch with several letterheads, a broken one fails only the
//! letters that use it (exit 1). A letterhead named in a letter's front matter is loaded when
//! that letter is, and a problem with it fails only that letter.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::cli::BatchArgs;
use crate::config::{self, Letterhead};
use crate::diag::{self, Diagnostic, Source};
use crate::files::{self, ReadError};
use crate::fonts::{self, Family, FontBook, FontSources};
use crate::frame;
use crate::letter::Letter;
use crate::merge;
use crate::pdf;
use crate::typeset;

use super::plan::{self, Input, Job};

pub(super) use crate::typeset::Setup;

/// Where fonts are looked for: `--font-path`, then `LETTERHEAD_FONT_PATHS`, then the system's
/// fonts unless `--ignore-system-fonts`.
pub(super) fn font_book(args: &crate::cli::FontArgs) -> FontBook {
    let mut paths = args.font_path.clone();
    if let Some(value) = std::env::var_os("LETTERHEAD_FONT_PATHS") {
        paths.extend(fonts::split_paths(&value));
    }
    FontBook::new(FontSources {
        paths,
        system: !args.ignore_system_fonts,
    })
}

/// Shared, loaded-once resources of a run. `Sync`: every worker thread reads it.
pub(super) struct Resources {
    /// `--letterhead`, when given.
    override_setup: Option<Setup>,
    /// The plain letterhead for letters without one.
    builtin: Setup,
    /// Letterheads by the path they were found at.
    setups: Mutex<BTreeMap<PathBuf, Setup>>,
    /// Letterheads found beside some letters that could not be loaded, while others could:
    /// each fails the letters that use it.
    broken: BTreeMap<PathBuf, Box<Diagnostic>>,
    /// Font families by their configuration, so letterheads sharing fonts share faces.
    families: Mutex<BTreeMap<String, Arc<Family>>>,
    /// Decoded logos by path.
    logos: Mutex<BTreeMap<PathBuf, frame::Logo>>,
    /// Scanned signatures by path and the box they print in (in 1/1000 pt): a merge signs
    /// every letter with the same file, which is read and compressed once.
    signatures: Mutex<BTreeMap<(PathBuf, i64, i64), Arc<frame::Image>>>,
    /// PDFs read (enclosures, stationery) by path: a merge appends the same report to every
    /// letter, read once.
    pdfs: Mutex<BTreeMap<PathBuf, Arc<pdf::import::Foreign>>>,
    /// Fonts parsed for the PDF writer.
    pub(super) fonts: pdf::FontCache,
    /// The files the letterheads loaded (or tried) were read from and name, for `watch`.
    named: Mutex<Vec<PathBuf>>,
    /// The system's fonts and the font folders, for families named in letterheads and for
    /// characters their fonts lack.
    book: Arc<FontBook>,
    /// `--page-size`, when given.
    page_size: Option<&'static str>,
    /// `--pdfa`.
    pdfa: bool,
    /// "Now", seconds since the epoch (`SOURCE_DATE_EPOCH` when set).
    pub(super) now: i64,
    /// The template and data of a mail merge.
    pub(super) merge: Option<Merge>,
}

/// A mail merge's template and rows.
pub(super) struct Merge {
    pub(super) template: merge::Template,
    pub(super) data: merge::Data,
}

impl Resources {
    /// Loads the override letterhead, or every letterhead found beside the jobs' letters. When
    /// that fails, the files read or named on the way are added to `read` (for `watch`).
    pub(super) fn load(
        jobs: &[Job],
        args: &BatchArgs,
        now: i64,
        merge: Option<Merge>,
        read: &mut Vec<PathBuf>,
    ) -> diag::Result<Resources> {
        let page_size = args.page_size.map(|p| p.name());
        let builtin = typeset::with_overrides(Letterhead::builtin(), page_size, args.pdfa);
        let book = Arc::new(font_book(&args.fonts));
        let bundled = Arc::new(fonts::load(
            &config::FontChoice::Named("default".into()),
            &[],
            None,
            &book,
        )?);
        let mut resources = Resources {
            override_setup: None,
            builtin: Setup {
                letterhead: Arc::new(builtin),
                family: bundled,
                logo: None,
            },
            setups: Mutex::default(),
            broken: BTreeMap::new(),
            families: Mutex::default(),
            logos: Mutex::default(),
            signatures: Mutex::default(),
            pdfs: Mutex::default(),
            fonts: pdf::FontCache::default(),
            named: Mutex::default(),
            book,
            page_size,
            pdfa: args.pdfa,
            now,
            merge,
        };
        match resources.load_letterheads(jobs, args) {
            Ok(()) => Ok(resources),
            Err(d) => {
                read.extend(resources.files_read());
                Err(d)
            }
        }
    }

    /// The letterheads of `load`.
    fn load_letterheads(&mut self, jobs: &[Job], args: &BatchArgs) -> diag::Result<()> {
        if let Some(path) = &args.letterhead {
            self.override_setup = Some(self.load_setup(path)?);
            return Ok(());
        }
        let mut folders: Vec<PathBuf> = jobs.iter().map(|j| j.input.folder()).collect();
        folders.dedup();
        // Whether some letter can be written: with a letterhead that loads, or the built-in one.
        let mut usable = false;
        let mut broken: BTreeMap<PathBuf, Box<Diagnostic>> = BTreeMap::new();
        for folder in folders {
            let Some(found) = plan::find_letterhead(&folder) else {
                usable = true;
                continue;
            };
            if locked(&self.setups).contains_key(&found) {
                usable = true;
            } else if let std::collections::btree_map::Entry::Vacant(entry) =
                broken.entry(found.clone())
            {
                match self.load_setup(&found) {
                    Ok(setup) => {
                        locked(&self.setups).insert(found, setup);
                        usable = true;
                    }
                    Err(d) => {
                        entry.insert(d);
                    }
                }
            }
        }
        // The run's only letterhead (or every one it has) broken: a configuration error, with
        // nothing written. Beside letterheads that work, one fails only its own letters.
        if !usable && let Some((path, d)) = broken.pop_first() {
            locked(&self.named).push(path);
            return Err(d);
        }
        self.broken = broken;
        Ok(())
    }

    /// A letterhead with its fonts and logo.
    fn load_setup(&self, path: &Path) -> diag::Result<Setup> {
        locked(&self.named).push(path.to_path_buf());
        let source = read_source(path, "letterhead")?;
        let letterhead = Arc::new(typeset::with_overrides(
            config::parse(&source)?,
            self.page_size,
            self.pdfa,
        ));
        self.note_files(&letterhead);
        // A font or logo that cannot be used is reported at its line in letterhead.toml.
        let at = |keys: &[&str], d| typeset::at_key(&letterhead, keys, d);
        let family = self
            .family_for(&letterhead)
            .map_err(|d| at(&["style", "font"], d))?;
        let logo = self
            .logo_for(&letterhead)
            .map_err(|d| at(&["organization", "logo"], d))?;
        Ok(Setup {
            letterhead,
            family,
            logo,
        })
    }

    fn family_for(&self, lh: &Letterhead) -> diag::Result<Arc<Family>> {
        let key = format!("{:?} {:?}", lh.style.font, lh.style.fallback);
        if let Some(f) = locked(&self.families).get(&key) {
            return Ok(f.clone());
        }
        let family = Arc::new(fonts::load(
            &lh.style.font,
            &lh.style.fallback,
            lh.path.as_deref(),
            &self.book,
        )?);
        locked(&self.families).insert(key, family.clone());
        Ok(family)
    }

    fn logo_for(&self, lh: &Letterhead) -> diag::Result<Option<frame::Logo>> {
        let Some(path) = &lh.organization.logo else {
            return Ok(None);
        };
        if let Some(img) = locked(&self.logos).get(path) {
            return Ok(Some(img.clone()));
        }
        let Some(img) = typeset::load_logo(lh)? else {
            return Ok(None);
        };
        locked(&self.logos).insert(path.clone(), img.clone());
        Ok(Some(img))
    }

    /// The scanned signature at `path`, for a letter on `lh`.
    pub(super) fn signature_for(
        &self,
        path: &Path,
        lh: &Letterhead,
    ) -> diag::Result<Arc<frame::Image>> {
        let max_print = crate::compose::signature_box(lh);
        let milli = |l: crate::length::Abs| (l.to_pt() * 1000.0).round() as i64;
        let key = (path.to_path_buf(), milli(max_print.0), milli(max_print.1));
        if let Some(img) = locked(&self.signatures).get(&key) {
            return Ok(img.clone());
        }
        let img = Arc::new(typeset::load_signature(path, lh)?);
        locked(&self.signatures).insert(key, img.clone());
        Ok(img)
    }

    /// The PDF at `path` (an enclosure), read once; `Err` says what is wrong with it.
    pub(super) fn pdf_for(&self, path: &Path) -> Result<Arc<pdf::import::Foreign>, String> {
        if let Some(pdf) = locked(&self.pdfs).get(path) {
            return Ok(pdf.clone());
        }
        // Named, read or not: `watch` sees an enclosure appear, change or be fixed.
        locked(&self.named).push(path.to_path_buf());
        let pdf = Arc::new(pdf::import::read(path)?);
        locked(&self.pdfs).insert(path.to_path_buf(), pdf.clone());
        Ok(pdf)
    }

    /// The letterhead for a letter: `--letterhead`, the one its front matter names, the
    /// nearest `letterhead.toml`, or the plain built-in one.
    pub(super) fn setup_for(&self, input: &Input, letter: &Letter) -> diag::Result<Setup> {
        if let Some(setup) = &self.override_setup {
            return Ok(setup.clone());
        }
        if let Some(rel) = &letter.front.letterhead {
            let path = match input {
                Input::File { .. } | Input::Row { .. } => input.folder().join(rel),
                Input::Stdin => rel.clone(),
            };
            if let Some(setup) = locked(&self.setups).get(&path) {
                return Ok(setup.clone());
            }
            let setup =
                self.load_setup(&path)
                    .map_err(|d| match letter.span_of(&["letterhead"]) {
                        // The letterhead itself is missing: point at the letter's line naming
                        // it. A mistake inside it keeps its place in the letterhead.
                        Some(span)
                            if d.span.is_none() && d.path.as_deref() == Some(path.as_path()) =>
                        {
                            (*d).at(&letter.source, span).boxed()
                        }
                        _ => d,
                    })?;
            locked(&self.setups).insert(path, setup.clone());
            return Ok(setup);
        }
        if let Some(found) = plan::find_letterhead(&input.folder()) {
            if let Some(setup) = locked(&self.setups).get(&found) {
                return Ok(setup.clone());
            }
            if let Some(d) = self.broken.get(&found) {
                let which = format!(
                    "`{}` uses this letterhead and was not rendered; the other letters were",
                    input.display().display()
                );
                return Err((**d).clone().hint(which).boxed());
            }
        }
        Ok(self.builtin.clone())
    }
}

impl Resources {
    /// The name and email address of the organization whose letterhead the letters of
    /// `folder` use when they name none: the sender of a merge's emails by default.
    pub(super) fn organization_near(&self, folder: &Path) -> (String, Option<String>) {
        let setup = match &self.override_setup {
            Some(setup) => Some(setup.clone()),
            None => plan::find_letterhead(folder)
                .and_then(|found| locked(&self.setups).get(&found).cloned()),
        };
        let lh = setup.map_or_else(|| self.builtin.letterhead.clone(), |s| s.letterhead);
        (lh.organization.name.clone(), lh.organization.email.clone())
    }

    /// Every file the letterheads loaded so far were read from or name: the letterheads,
    /// their font files, logos and stationery (whether they loaded or not), the signature
    /// images and the enclosure PDFs read.
    /// `watch` renders again when one of them changes.
    pub(super) fn files_read(&self) -> Vec<PathBuf> {
        let mut files = locked(&self.named).clone();
        files.extend(self.broken.keys().cloned());
        files.extend(
            locked(&self.signatures)
                .keys()
                .map(|(path, ..)| path.clone()),
        );
        files
    }

    /// Notes the files a letterhead is read from and names.
    fn note_files(&self, lh: &Letterhead) {
        let mut named = locked(&self.named);
        named.extend(lh.path.clone());
        named.extend(lh.organization.logo.clone());
        if let Some(stationery) = &lh.stationery {
            named.push(stationery.first.path.clone());
            named.extend(stationery.later.as_ref().map(|p| p.path.clone()));
        }
        if let config::FontChoice::Files {
            regular,
            bold,
            italic,
            bold_italic,
        } = &lh.style.font
        {
            named.push(regular.clone());
            named.extend([bold, italic, bold_italic].into_iter().flatten().cloned());
        }
    }
}

/// Locks a cache. A worker that panicked while holding it cannot have left it half-written
/// (every insert is one call), so a poisoned lock is still good to use.
fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Resources {
    /// Reads a letter: a file, standard input, or a row filled into the merge template.
    pub(super) fn read_letter(&self, input: &Input) -> diag::Result<Source> {
        if let Input::Row(row) = input {
            let index = &row.index;
            let Some(merge) = &self.merge else {
                return Err(Diagnostic::error("a merge row without a template").boxed());
            };
            let Some(row) = merge.data.rows.get(*index) else {
                return Err(Diagnostic::error("a merge row past the end of the data").boxed());
            };
            let text = merge.template.fill(row, &merge.data.path)?;
            // Diagnostics point into the template, at its lines; `batch` names the row.
            return Ok(Source {
                path: merge.template.path().to_path_buf(),
                text: Arc::from(text),
            });
        }
        read_letter(input)
    }
}

/// Reads a letter: a file or standard input.
fn read_letter(input: &Input) -> diag::Result<Source> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_TEXT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|err| {
                    Diagnostic::error(format!("cannot read standard input ({err})")).boxed()
                })?;
            if bytes.len() as u64 > MAX_TEXT_BYTES {
                return Err(Diagnostic::error(format!(
                    "standard input holds over {} MB, the limit for a letter",
                    MAX_TEXT_BYTES / 1_000_000
                ))
                .boxed());
            }
            decode_text(bytes, Path::new("<stdin>"), "letter")
        }
        Input::File { path, .. } => read_source(path, "letter"),
        Input::Row(row) => Err(Diagnostic::error(format!(
            "`{}` is a merge row; it is read with its template",
            row.name().display()
        ))
        .boxed()),
    }
}

/// Reads a text file (a letter, letterhead, template or data file), refusing folders, pipes,
/// devices, binary files and other encodings with a clear message.
pub(super) fn read_source(path: &Path, what: &str) -> diag::Result<Source> {
    let bytes = files::read_capped(path, MAX_TEXT_BYTES).map_err(|err| {
        let message = match &err {
            ReadError::NotRegular { .. } if err.is_folder() => {
                format!("{what} `{}` is a folder, not a file", path.display())
            }
            ReadError::NotRegular { kind } => {
                format!("{what} `{}` is {kind}, not a regular file", path.display())
            }
            ReadError::TooLarge { size, cap } => format!(
                "{what} `{}` is {}, over the limit of {}",
                path.display(),
                files::megabytes(*size),
                files::megabytes(*cap)
            ),
            ReadError::Dangling { target } => format!(
                "{what} `{}` is a dangling symbolic link: `{}`, where it points, does not exist",
                path.display(),
                target.display()
            ),
            ReadError::Io(err) => format!("cannot read {what} `{}` ({err})", path.display()),
        };
        let d = Diagnostic::error(message).in_file(path);
        match err {
            ReadError::TooLarge { .. } if what == "letter" => {
                d.hint("split it into several letters")
            }
            ReadError::NotRegular { .. } if !err.is_folder() && what == "letter" => d.hint(
                "letterhead reads regular files only; save the letter to a file, or give `-` to read standard input",
            ),
            ReadError::NotRegular { .. } if !err.is_folder() => {
                d.hint("letterhead reads regular files only; save the text to a file first")
            }
            _ => d,
        }
        .boxed()
    })?;
    decode_text(bytes, path, what)
}

/// Largest letter, letterhead or data file read, in bytes. A letter of 12 MB is some 4,400
/// pages of plain paragraphs, far past any letter; laying out 10 MB takes about 0.4 GB and 4 s
/// (measured: 3,103 pages, 398 MB peak), so larger ones are refused before they fill memory.
/// How much markup a letter may have is limited too (`markdown::MAX_ELEMENTS`).
pub const MAX_TEXT_BYTES: u64 = 12_000_000;

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
