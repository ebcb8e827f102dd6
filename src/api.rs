//! The library: a letterhead and a letter from text, rendered to a PDF in memory, for programs
//! that make letters themselves (a web application attaching a letter to an email, say).
//!
//! It takes text and [`Options`] and gives a [`Pdf`] or [`Diagnostics`]; it writes no file and
//! reads only the files a letterhead or letter names (fonts, logo, signature images). It is a
//! thin face over the steps the command line uses (`typeset`): a letter rendered here is the
//! letter `letterhead render` makes from the same files.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config;
use crate::diag::{self, Source};
use crate::fonts::{self, FontBook, FontSources};
use crate::lang::{self, Language};
use crate::pdf;
use crate::typeset::{self, Parsed, Setup};

/// An organization's letterhead: its name, address, logo, fonts, page and style, as
/// `letterhead.toml` describes them.
///
/// ```
/// let letterhead = letterhead::Letterhead::from_toml(
///     "[organization]\nname = \"Acme Ltd\"\n",
///     ".",
/// )?;
/// # Ok::<(), letterhead::Diagnostics>(())
/// ```
#[derive(Debug, Clone)]
pub struct Letterhead {
    inner: Arc<config::Letterhead>,
}

impl Letterhead {
    /// Reads a letterhead from the text of a `letterhead.toml`. The files it names (logo,
    /// fonts) are relative to `base_dir`, and diagnostics name the file
    /// `base_dir/letterhead.toml`. The files themselves are read by [`render`].
    ///
    /// Every mistake in the text is reported at once, each at its line and column:
    ///
    /// ```
    /// let err = letterhead::Letterhead::from_toml("[organization]\nname = 5\n", "")
    ///     .unwrap_err();
    /// let first = err.iter().next().unwrap();
    /// assert_eq!(first.line_col(), Some((2, 8)));
    /// assert!(err.to_string().starts_with("error: "));
    /// ```
    pub fn from_toml(text: &str, base_dir: impl AsRef<Path>) -> Result<Letterhead, Diagnostics> {
        let source = Source {
            path: base_dir.as_ref().join("letterhead.toml"),
            text: Arc::from(text),
        };
        let inner = config::parse(&source).map_err(|d| Diagnostics::from_error(*d))?;
        Ok(Letterhead {
            inner: Arc::new(inner),
        })
    }

    /// The plain built-in letterhead, with the bundled fonts: what `letterhead render` uses
    /// when no `letterhead.toml` is found.
    pub fn plain() -> Letterhead {
        Letterhead {
            inner: Arc::new(config::Letterhead::builtin()),
        }
    }
}

/// A letter: TOML front matter between `+++` lines (recipient, subject, closing, signature,
/// …), then the body in Markdown.
///
/// ```
/// let letter = letterhead::Letter::from_markdown(
///     "+++\nto = [\"Ada Lovelace\"]\nsubject = \"Your order\"\n+++\n\nDear Ada,\n\nThank you.\n",
/// )?;
/// # Ok::<(), letterhead::Diagnostics>(())
/// ```
#[derive(Clone)]
pub struct Letter {
    parsed: Parsed,
    base_dir: PathBuf,
}

impl fmt::Debug for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Letter")
            .field("path", &self.parsed.letter.source.path)
            .field("base_dir", &self.base_dir)
            .finish_non_exhaustive()
    }
}

impl Letter {
    /// Reads a letter from its text, named `letter.md` in diagnostics. The files it names
    /// (signature images) are relative to the working directory unless
    /// [`with_base_dir`](Letter::with_base_dir) says otherwise; a `letterhead` it names is not
    /// read, as [`render`] is given the letterhead.
    ///
    /// A letter without a body (and without a signature) is refused:
    ///
    /// ```
    /// let err = letterhead::Letter::from_markdown("+++\nsubject = \"Hi\"\n+++\n").unwrap_err();
    /// assert!(err.to_string().contains("the letter has no body"));
    /// ```
    pub fn from_markdown(text: &str) -> Result<Letter, Diagnostics> {
        let source = Source {
            path: PathBuf::from("letter.md"),
            text: Arc::from(text),
        };
        let parsed = typeset::parse(source).map_err(|d| Diagnostics::from_error(*d))?;
        Ok(Letter {
            parsed,
            base_dir: PathBuf::new(),
        })
    }

    /// The folder the files the letter names are relative to.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Letter {
        self.base_dir = dir.into();
        self
    }
}

/// How [`render`] makes the PDF, besides what the letterhead says. `Options::default()`
/// renders as `letterhead render` does without options, except that the environment
/// (`SOURCE_DATE_EPOCH`, `LETTERHEAD_FONT_PATHS`) is not read: a program says what it wants.
///
/// The PDF is always tagged (PDF/UA structure); a duplex print file is made by the command
/// line's `merge --combine --duplex`, not for single letters.
///
/// ```
/// let options = letterhead::Options::default()
///     .language("de-DE")
///     .now(1_438_732_800) // 2015-08-05: the date of letters without one, and the PDF's
///     .pdfa(true)
///     .ignore_system_fonts(true);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Options {
    language: Option<String>,
    date_format: Option<String>,
    page_size: Option<String>,
    now: Option<i64>,
    pdfa: bool,
    font_paths: Vec<PathBuf>,
    ignore_system_fonts: bool,
}

impl Options {
    /// Writes the letter in this language (`en-US`, `en-GB`, `de-DE`, `fr-FR`, `es-ES`)
    /// instead of the letterhead's `style.language`: hyphenation, quotation marks, the date
    /// (in the language's own format unless [`date_format`](Options::date_format) is given)
    /// and the words the layout adds ("Page 2 of 3", "Enclosures").
    pub fn language(mut self, tag: impl Into<String>) -> Options {
        self.language = Some(tag.into());
        self
    }

    /// Formats the date by this `time` format description (`[day]. [month repr:long]
    /// [year]`) instead of the letterhead's `style.date-format`.
    pub fn date_format(mut self, format: impl Into<String>) -> Options {
        self.date_format = Some(format.into());
        self
    }

    /// Prints on paper of this size (`a4`, `letter`, `a5`, `legal`; as `--page-size`).
    pub fn page_size(mut self, name: impl Into<String>) -> Options {
        self.page_size = Some(name.into());
        self
    }

    /// "Now", in seconds since 1970-01-01 00:00 UTC: the date of a letter that gives none,
    /// and the PDF's creation date, as `SOURCE_DATE_EPOCH` sets them for the command line.
    /// Without it, the clock's time; with it, the same input gives the same bytes.
    pub fn now(mut self, seconds_since_1970: i64) -> Options {
        self.now = Some(seconds_since_1970);
        self
    }

    /// Writes PDF/A-2b, for archiving (as `page.pdfa = true` or `--pdfa`).
    pub fn pdfa(mut self, pdfa: bool) -> Options {
        self.pdfa = pdfa;
        self
    }

    /// Looks for fonts named by family in this folder (or font file) too, before the
    /// system's fonts (as `--font-path`); may be given more than once.
    pub fn font_path(mut self, path: impl Into<PathBuf>) -> Options {
        self.font_paths.push(path.into());
        self
    }

    /// Does not look among the system's fonts (as `--ignore-system-fonts`): only the bundled
    /// family, font files and font paths, so that a letter renders the same on any machine.
    pub fn ignore_system_fonts(mut self, ignore: bool) -> Options {
        self.ignore_system_fonts = ignore;
        self
    }
}

/// A rendered letter: the PDF's bytes, its page count and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Pdf {
    bytes: Vec<u8>,
    pages: usize,
    warnings: Diagnostics,
}

impl Pdf {
    /// The PDF file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The PDF file's bytes, taken out.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// How many pages the letter has.
    pub fn page_count(&self) -> usize {
        self.pages
    }

    /// What deserves a look although the letter was made (an overfull line, a character no
    /// font has, a logo of far more pixels than it prints with); empty when all is well.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }
}

/// Renders `letter` on `letterhead` as a PDF in memory. It reads the fonts, logo and
/// signature images the two name, and writes nothing.
///
/// ```
/// use letterhead::{Letter, Letterhead, Options};
///
/// let letterhead = Letterhead::from_toml("[organization]\nname = \"Acme Ltd\"\n", ".")?;
/// let letter = Letter::from_markdown(
///     "+++\nto = [\"Ada Lovelace\"]\nsubject = \"Your order\"\n+++\n\nDear Ada,\n\nThank you.\n",
/// )?;
/// let options = Options::default().now(1_438_732_800).ignore_system_fonts(true);
/// let pdf = letterhead::render(&letterhead, &letter, &options)?;
/// assert!(pdf.bytes().starts_with(b"%PDF-"));
/// assert_eq!(pdf.page_count(), 1);
/// assert!(pdf.warnings().is_empty(), "{}", pdf.warnings());
/// # Ok::<(), letterhead::Diagnostics>(())
/// ```
///
/// On failure, the diagnostics say what is wrong and where, as the command line prints them:
///
/// ```
/// use letterhead::{Letter, Letterhead, Options};
///
/// let letter = Letter::from_markdown(
///     "+++\n[signature]\nname = \"Bo\"\nimage = \"no-such-scan.png\"\n+++\n\nHello.\n",
/// )?;
/// let err = letterhead::render(&Letterhead::plain(), &letter, &Options::default()).unwrap_err();
/// assert!(err.has_errors());
/// let shown = err.to_string();
/// assert!(shown.contains("failed to read signature image `no-such-scan.png`"), "{shown}");
/// assert!(shown.contains("--> letter.md:4:9"), "{shown}");
/// # Ok::<(), letterhead::Diagnostics>(())
/// ```
pub fn render(
    letterhead: &Letterhead,
    letter: &Letter,
    options: &Options,
) -> Result<Pdf, Diagnostics> {
    let mut warnings = letter.parsed.warnings.clone();
    let fail = |warnings: &[diag::Diagnostic], error: Box<diag::Diagnostic>| {
        let mut list = Diagnostics::default();
        list.extend(warnings.iter().cloned());
        list.extend([*error]);
        list
    };
    let setup = match setup(letterhead, options) {
        Ok(setup) => setup,
        Err(d) => return Err(fail(&warnings, d)),
    };
    let parsed = &letter.parsed;
    let source = &parsed.letter.source;
    if parsed.letter.front.letterhead.is_some() {
        let d = diag::Diagnostic::warning(
            "the letter names a letterhead, which is not read here; it is rendered on the one it is given",
        );
        warnings.push(match parsed.letter.span_of(&["letterhead"]) {
            Some(span) => d.at(source, span),
            None => d.in_file(&source.path),
        });
    }
    let now = options.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let lh = &setup.letterhead;
    let made = typeset::signature_images(&parsed.letter, &letter.base_dir, |path| {
        typeset::load_signature(path, lh).map(Arc::new)
    })
    .and_then(|signatures| {
        let body = std::borrow::Cow::Borrowed(parsed.body.as_slice());
        typeset::lay_out(&parsed.letter, body, &setup, signatures, now)
    })
    .and_then(|(document, layout_warnings)| {
        warnings.extend(layout_warnings);
        // Enclosure PDFs relative to the letter's folder, the letterhead's stationery.
        let extras = typeset::extras(
            &parsed.letter,
            &letter.base_dir,
            false,
            false,
            |path| pdf::import::read(path).map(Arc::new),
            lh,
            &document,
            &mut warnings,
        )?;
        let pages = document.pages.len();
        let exported = typeset::export(
            document,
            &pdf::FontCache::default(),
            &extras,
            false,
            &source.path,
        )?;
        Ok((pages, exported))
    });
    match made {
        Ok((pages, exported)) => {
            warnings.extend(exported.warnings);
            let mut list = Diagnostics::default();
            list.extend(warnings);
            Ok(Pdf {
                bytes: exported.bytes,
                pages,
                warnings: list,
            })
        }
        Err(d) => Err(fail(&warnings, d)),
    }
}

/// The letterhead as the options change it, with its font family and logo.
fn setup(letterhead: &Letterhead, options: &Options) -> diag::Result<Setup> {
    let mut lh = (*letterhead.inner).clone();
    if let Some(tag) = &options.language {
        let Some(lang) = Language::from_tag(tag) else {
            return Err(
                diag::Diagnostic::error(format!("language `{tag}` is not supported yet"))
                    .hint(format!("choose one of {}", lang::TAGS.join(", ")))
                    .boxed(),
            );
        };
        lh.style.language = lang.tag().to_string();
        lh.style.date_format = lang.date_format().to_string();
    }
    if let Some(format) = &options.date_format {
        lh.style.date_format.clone_from(format);
    }
    let page_size = match &options.page_size {
        Some(name) if config::named_size(name).is_none() => {
            return Err(
                diag::Diagnostic::error(format!("page size `{name}` is not known"))
                    .hint("choose one of a4, a5, letter, legal")
                    .boxed(),
            );
        }
        other => other.as_deref(),
    };
    let lh = typeset::with_overrides(lh, page_size, options.pdfa);
    let book = Arc::new(FontBook::new(FontSources {
        paths: options.font_paths.clone(),
        system: !options.ignore_system_fonts,
    }));
    let family = fonts::load(
        &lh.style.font,
        &lh.style.fallback,
        lh.path.as_deref(),
        &book,
    )
    .map_err(|d| typeset::at_key(&lh, &["style", "font"], d))?;
    let logo =
        typeset::load_logo(&lh).map_err(|d| typeset::at_key(&lh, &["organization", "logo"], d))?;
    Ok(Setup {
        letterhead: Arc::new(lh),
        family: Arc::new(family),
        logo,
    })
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The letter was made, but something deserves a look.
    Warning,
    /// The letter could not be made.
    Error,
}

/// One error or warning: a message, the file and place it is about, and hints for a fix.
/// `Display` gives it as the command line prints it (rustc style, with the source line).
#[derive(Clone)]
pub struct Diagnostic {
    inner: diag::Diagnostic,
}

impl Diagnostic {
    /// Error or warning.
    pub fn severity(&self) -> Severity {
        match self.inner.severity {
            diag::Severity::Error => Severity::Error,
            diag::Severity::Warning => Severity::Warning,
        }
    }

    /// What is wrong, in lower case, naming the value in backticks.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The file it is about, if any (`letter.md`, `BASE_DIR/letterhead.toml`, a logo).
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// The 1-based line and column (in characters) it points at, if it points into a file.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        self.inner.line_col()
    }

    /// Suggestions for a fix.
    pub fn hints(&self) -> &[String] {
        &self.inner.hints
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.render())
    }
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.render_short())
    }
}

/// The errors and warnings of reading or rendering a letter, in the order they were found.
/// `Display` gives them as the command line prints them (without colour), a blank line between
/// two; it is the error type of this crate's functions (`std::error::Error`).
#[derive(Clone, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// One error, with the others found in the same pass over its file.
    fn from_error(error: diag::Diagnostic) -> Diagnostics {
        let mut list = Diagnostics::default();
        list.extend([error]);
        list
    }

    /// Adds diagnostics, each of those reported together as its own.
    fn extend(&mut self, diagnostics: impl IntoIterator<Item = diag::Diagnostic>) {
        for mut d in diagnostics {
            let also = std::mem::take(&mut d.also);
            self.list.push(Diagnostic { inner: d });
            self.extend(also);
        }
    }

    /// The diagnostics, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.list.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether one of them is an error.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity() == Severity::Error)
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.list.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            fmt::Display::fmt(d, f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.list).finish()
    }
}

impl std::error::Error for Diagnostics {}
