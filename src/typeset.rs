//! One letter, from its text to a PDF: parse, lay out on its letterhead, write the PDF. The
//! steps every command that makes a letter (`render`, `check`, `merge`, `watch`) and the
//! library's [`crate::render`] share, so that there is one way a letter is made.
//!
//! It takes a letter's text and a loaded letterhead and gives the document, the PDF's bytes
//! and the warnings. It reads no letter, letterhead or environment, knows no command line and
//! writes no file; loading letterheads, caching them for a batch and writing PDFs is `app`'s.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use crate::compose;
use crate::config::Letterhead;
use crate::diag::{self, Diagnostic, Source};
use crate::fonts::Family;
use crate::frame;
use crate::lang::{DateError, Language};
use crate::letter::{self, DateOrText, Letter};
use crate::markdown::{self, Block};
use crate::pdf;
use crate::pdf::combine::Part;

/// A letterhead with everything it needs: its font family and its logo.
#[derive(Clone)]
pub(crate) struct Setup {
    pub(crate) letterhead: Arc<Letterhead>,
    pub(crate) family: Arc<Family>,
    pub(crate) logo: Option<frame::Logo>,
}

/// A letter's text, read: its front matter and its body, with the warnings found on the way.
#[derive(Clone)]
pub(crate) struct Parsed {
    pub(crate) letter: Letter,
    pub(crate) body: Vec<Block>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Parses a letter: front matter and Markdown body. A letter with neither a body nor a
/// signatory is refused.
pub(crate) fn parse(source: Source) -> diag::Result<Parsed> {
    let letter = letter::parse(source)?;
    let (body, warnings) = markdown::parse(&letter.source, letter.body_offset)?;
    if body.is_empty() && letter.front.signatories().is_empty() {
        return Err(Diagnostic::error("the letter has no body")
            .in_file(&letter.source.path)
            .hint("write the letter's text after the closing `+++`")
            .boxed());
    }
    Ok(Parsed {
        letter,
        body,
        warnings,
    })
}

/// The scanned signature of each signatory that has one, at its path relative to `folder`,
/// loaded by `load`; a problem with it fails the letter, pointing at the value in the front
/// matter.
pub(crate) fn signature_images(
    letter: &Letter,
    folder: &Path,
    load: impl Fn(&Path) -> diag::Result<Arc<frame::Image>>,
) -> diag::Result<Vec<Option<Arc<frame::Image>>>> {
    let keys: &[&str] = if letter.front.signature.is_some() {
        &["signature", "image"]
    } else {
        &["signatures"]
    };
    let mut images = Vec::new();
    for signatory in letter.front.signatories() {
        let Some(rel) = &signatory.image else {
            images.push(None);
            continue;
        };
        match load(&folder.join(rel)) {
            Ok(img) => images.push(Some(img)),
            Err(d) => {
                return Err(match letter.span_of(keys) {
                    Some(span) => (*d).at(&letter.source, span).boxed(),
                    None => d,
                });
            }
        }
    }
    Ok(images)
}

/// The scanned signature at `path`, reduced to what it can print with on `lh`.
pub(crate) fn load_signature(path: &Path, lh: &Letterhead) -> diag::Result<frame::Image> {
    crate::image::load(path, "signature image", compose::signature_box(lh))
}

/// The letterhead's logo, if it has one: SVG as vectors, PNG and JPEG reduced to what they
/// can print with.
pub(crate) fn load_logo(lh: &Letterhead) -> diag::Result<Option<frame::Logo>> {
    let Some(path) = &lh.organization.logo else {
        return Ok(None);
    };
    Ok(Some(if crate::svg::is_svg(path) {
        frame::Logo::Vector(Arc::new(crate::svg::load(path, "logo")?))
    } else {
        let max_print = compose::logo_box(lh);
        frame::Logo::Raster(Arc::new(crate::image::load(path, "logo", max_print)?))
    }))
}

/// The letterhead with a page size (by its name, `a4`) and PDF/A forced on it, as
/// `--page-size` and `--pdfa` (or the library's options) ask.
pub(crate) fn with_overrides(
    mut lh: Letterhead,
    page_size: Option<&str>,
    pdfa: bool,
) -> Letterhead {
    if let Some((w, h)) = page_size.and_then(crate::config::named_size) {
        lh.page.width = w;
        lh.page.height = h;
    }
    lh.page.pdfa |= pdfa;
    lh
}

/// A diagnostic about the letterhead's value at `keys` (a font, a logo), pointing at its line
/// in the letterhead's file when it has one.
pub(crate) fn at_key(lh: &Letterhead, keys: &[&str], d: Box<Diagnostic>) -> Box<Diagnostic> {
    match lh.span_of(keys) {
        Some(span) => (*d).at(&lh.source, span).boxed(),
        None => d,
    }
}

/// Lays a parsed letter (its `body` borrowed, or owned: then freed once set) out on its
/// letterhead: the date line, then composition. `now` (seconds since 1970) is the date of a
/// letter without one and the PDF's creation time.
pub(crate) fn lay_out(
    letter: &Letter,
    body: Cow<'_, [Block]>,
    setup: &Setup,
    signature_images: Vec<Option<Arc<frame::Image>>>,
    now: i64,
) -> diag::Result<(frame::Document, Vec<Diagnostic>)> {
    let lh = &setup.letterhead;
    let date = format_date(letter, lh, letter.front.date.as_ref(), "date", now)?;
    let your_letter = match &letter.front.your_letter {
        None => None,
        Some(DateOrText::Text(text)) => Some(text.clone()),
        Some(DateOrText::Date(dt)) => Some(format_date(letter, lh, Some(dt), "your-letter", now)?),
    };
    // The front matter's prose gets the body's punctuation, in the letterhead's language.
    let lang = Language::from_tag(&lh.style.language).unwrap_or_default();
    let letter = &Letter {
        front: letter.front.with_punctuation(lang),
        ..letter.clone()
    };
    let input = compose::Input {
        your_letter,
        letter,
        body,
        letterhead: lh,
        family: &setup.family,
        logo: setup.logo.clone(),
        signature_images,
        date,
        created: now,
    };
    compose::compose(input)
}

/// The date `dt` of front-matter field `key` (today when `None`), formatted in the
/// letterhead's language and date format; a date that cannot be is an error at the field.
fn format_date(
    letter: &Letter,
    lh: &Letterhead,
    dt: Option<&toml::value::Datetime>,
    key: &str,
    now: i64,
) -> diag::Result<String> {
    let at_field = |d: Diagnostic| match letter.span_of(&[key]) {
        Some(span) => d.at(&letter.source, span),
        None => d.in_file(&letter.source.path),
    };
    let lang = Language::from_tag(&lh.style.language).unwrap_or_default();
    lang.format_letter_date(dt, &lh.style.date_format, now)
        .map_err(|err| {
            let written = dt.map(ToString::to_string).unwrap_or_default();
            match err {
                DateError::NoDay => {
                    at_field(Diagnostic::error(format!("`{key} = {written}` has no day")))
                        .hint("write the date as 2015-08-05")
                }
                DateError::NotADate => at_field(Diagnostic::error(format!(
                    "`{written}` is not a valid date"
                ))),
                DateError::BadFormat(err) => Diagnostic::error(format!(
                    "`{}` is not a date format: {err}",
                    lh.style.date_format
                )),
                DateError::Format(err) => {
                    Diagnostic::error(format!("cannot format the date: {err}"))
                        .in_file(&letter.source.path)
                }
            }
            .boxed()
        })
}

/// A letter's PDF, and what the writer says about it.
pub(crate) struct Exported {
    pub(crate) bytes: Vec<u8>,
    /// The letter's objects, for the combined print file of a merge, when asked for.
    pub(crate) part: Option<Part>,
    /// The writer's warnings, about the letter at `path`.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Writes a laid-out letter (read from `path`) as PDF, keeping its objects for a combined file
/// when `keep_part` is set.
pub(crate) fn export(
    document: frame::Document,
    fonts: &pdf::FontCache,
    extras: &pdf::Extras,
    keep_part: bool,
    path: &Path,
) -> diag::Result<Exported> {
    let cannot = |err: String| {
        Diagnostic::error(format!("cannot write the PDF: {err}"))
            .in_file(path)
            .boxed()
    };
    let (bytes, problems, part) = if keep_part {
        let (bytes, problems, part) =
            pdf::export_for_combining(document, fonts, extras).map_err(cannot)?;
        (bytes, problems, Some(part))
    } else {
        let (bytes, problems) = pdf::export_with(document, fonts, extras).map_err(cannot)?;
        (bytes, problems, None)
    };
    let warnings = problems
        .into_iter()
        .map(|p| Diagnostic::warning(format!("PDF writer: {p}")).in_file(path))
        .collect();
    Ok(Exported {
        bytes,
        part,
        warnings,
    })
}

/// What is drawn besides the letter: its enclosure PDFs (relative to `folder`; with `confine`,
/// a merge's, inside it), read by `read`, and the letterhead's stationery, checked against the
/// letter's page. An enclosure that drops the PDF/A or PDF/UA claim says so in `warnings`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn extras(
    letter: &Letter,
    folder: &Path,
    confine: bool,
    duplex: bool,
    read: impl Fn(&Path) -> Result<Arc<pdf::import::Foreign>, String>,
    lh: &Letterhead,
    document: &frame::Document,
    warnings: &mut Vec<Diagnostic>,
) -> diag::Result<pdf::Extras> {
    let mut extras = enclosures(letter, folder, confine, duplex, read)?;
    extras.stationery = stationery(lh, document, warnings)?;
    for enclosure in &extras.enclosures {
        for w in enclosure.claims_dropped(document.meta.pdfa) {
            warnings.push(Diagnostic::warning(w).in_file(&letter.source.path));
        }
    }
    Ok(extras)
}

/// The enclosures that name a file, read (relative to the letter; in a merge, to the template
/// and inside its folder). A file that cannot be appended fails the letter, naming it.
fn enclosures(
    letter: &Letter,
    folder: &Path,
    confine: bool,
    duplex: bool,
    read: impl Fn(&Path) -> Result<Arc<pdf::import::Foreign>, String>,
) -> diag::Result<pdf::Extras> {
    let mut list = Vec::new();
    for enclosure in &letter.front.enclosures {
        let Some(file) = &enclosure.file else {
            continue;
        };
        let fail = |message: String| {
            let d = Diagnostic::error(format!(
                "cannot append the enclosure `{}`: {message}",
                file.display()
            ));
            match letter.span_of(&["enclosures"]) {
                Some(span) => d.at(&letter.source, span).boxed(),
                None => d.in_file(&letter.source.path).boxed(),
            }
        };
        if confine {
            crate::merge::confined(folder, file).map_err(fail)?;
        }
        let pdf = read(&folder.join(file)).map_err(fail)?;
        list.push(pdf::Enclosure {
            title: enclosure.title.clone(),
            name: file.display().to_string(),
            pdf,
            fit: enclosure.fit,
        });
    }
    Ok(pdf::Extras {
        enclosures: list,
        duplex,
        stationery: None,
    })
}

/// The letterhead's stationery, checked against the letter's page size (which `--page-size`
/// may have changed since the letterhead was read).
fn stationery(
    lh: &Letterhead,
    document: &frame::Document,
    warnings: &mut Vec<Diagnostic>,
) -> diag::Result<Option<crate::config::Stationery>> {
    let Some(stationery) = &lh.stationery else {
        return Ok(None);
    };
    let at =
        |d: Diagnostic| match crate::config::value_span(&lh.source.text, &["page", "stationery"]) {
            Some(span) => d.at(&lh.source, span),
            None => d.in_file(&lh.source.path),
        };
    for page in std::iter::once(&stationery.first).chain(&stationery.later) {
        let name = page.path.display();
        if let (Some((sw, sh)), Some(first)) = (page.pdf.first_page_size(), document.pages.first())
        {
            let (w, h) = (first.width.to_pt(), first.height.to_pt());
            if (sw - w).abs() > 1.0 || (sh - h).abs() > 1.0 {
                return Err(at(Diagnostic::error(format!(
                    "the stationery `{name}` is {:.0} × {:.0} mm, and the letter's page is {:.0} × {:.0} mm",
                    sw / 72.0 * 25.4,
                    sh / 72.0 * 25.4,
                    w / 72.0 * 25.4,
                    h / 72.0 * 25.4
                )))
                .boxed());
            }
        }
        if document.meta.pdfa && !page.pdf.archival() {
            warnings.push(at(Diagnostic::warning(format!(
                "the stationery `{name}` is not PDF/A: the letter's PDF is written without the PDF/A claim"
            ))));
        }
    }
    Ok(Some(stationery.clone()))
}

/// Typesets a letter's text on the plain built-in letterhead with the bundled fonts, as
/// `render` would, and returns the PDF with the warnings. For property tests and fuzzing: it
/// reads no file (a signature image is refused) and touches no output.
pub fn typeset_plain(text: &str) -> diag::Result<(Vec<u8>, Vec<Diagnostic>)> {
    let source = Source {
        path: std::path::PathBuf::from("letter.md"),
        text: Arc::from(text),
    };
    let mut parsed = parse(source)?;
    let front = &parsed.letter.front;
    if front.signatories().iter().any(|s| s.image.is_some())
        || front.letterhead.is_some()
        || front.enclosures.iter().any(|e| e.file.is_some())
    {
        return Err(Diagnostic::error("files named in the front matter are not read here").boxed());
    }
    let setup = Setup {
        letterhead: Arc::new(Letterhead::builtin()),
        family: Arc::new(crate::fonts::bundled()),
        logo: None,
    };
    let body = Cow::Owned(std::mem::take(&mut parsed.body));
    let (document, layout_warnings) = lay_out(&parsed.letter, body, &setup, Vec::new(), 0)?;
    let exported = export(
        document,
        &pdf::FontCache::default(),
        &pdf::Extras::default(),
        false,
        Path::new("letter.md"),
    )?;
    let mut warnings = parsed.warnings;
    warnings.extend(layout_warnings);
    Ok((exported.bytes, warnings))
}
