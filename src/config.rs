//! The letterhead: `letterhead.toml` parsed into typed settings, with the file, line and column
//! of every mistake, all of them at once (the file is checked against its shape, `fields`,
//! before serde reads it), and "did you mean" for misspelt keys.
//!
//! It takes the file's text and gives a `Letterhead`; it resolves relative paths against the
//! file's folder, but it reads no other file (fonts and logos are loaded later) and knows nothing
//! about letters or layout.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

use crate::diag::{self, Diagnostic, Source};
use crate::lang::Language;
use crate::length::{self, Abs};
use crate::schema;

mod fields;

/// A length written with a unit in the TOML (`"25mm"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length(pub Abs);

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        length::parse(&text)
            .map(Length)
            .map_err(serde::de::Error::custom)
    }
}

/// An sRGB colour, written `"#7a1f3d"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    /// Red, 0–1.
    pub r: f32,
    /// Green, 0–1.
    pub g: f32,
    /// Blue, 0–1.
    pub b: f32,
}

impl Color {
    /// Black.
    pub const BLACK: Color = Color {
        r: 0.0,
        g: 0.0,
        b: 0.0,
    };
    /// The grey of secondary text (tagline, continuation header, footer).
    pub const GREY: Color = Color {
        r: 0.36,
        g: 0.36,
        b: 0.38,
    };

    /// Parses `#rrggbb` or `#rgb`.
    ///
    /// ```
    /// use letterhead::internals::config::Color;
    /// assert_eq!(Color::parse("#ff0000").unwrap().r, 1.0);
    /// ```
    pub fn parse(text: &str) -> Result<Color, String> {
        let hex = text.strip_prefix('#').unwrap_or("");
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .unwrap_or_default();
        let (r, g, b) = match digits.as_slice() {
            [r1, r2, g1, g2, b1, b2] => (r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2),
            [r, g, b] => (r * 17, g * 17, b * 17),
            _ => {
                return Err(format!(
                    "`{text}` is not a colour; write it as \"#rrggbb\", e.g. \"#7a1f3d\""
                ));
            }
        };
        Ok(Color {
            r: f32::from(r) / 255.0,
            g: f32::from(g) / 255.0,
            b: f32::from(b) / 255.0,
        })
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Color::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    organization: Organization,
    #[serde(default)]
    page: PageFile,
    #[serde(default)]
    style: StyleFile,
    #[serde(default)]
    footer: Footer,
}

/// Who writes the letters: shown in the letterhead on page one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Organization {
    /// Name, shown large in the accent colour.
    pub name: String,
    /// Tagline under the name.
    pub tagline: Option<String>,
    /// Web address: shown without its scheme, linked with it.
    pub url: Option<String>,
    /// Logo image (PNG or JPEG), relative to the letterhead file.
    pub logo: Option<PathBuf>,
    /// Height of the logo (default: four times the body size).
    pub logo_height: Option<Length>,
    /// What the logo shows, for screen readers (default: "Logo of" the name).
    pub logo_alt: Option<String>,
    /// Where the logo goes: left of the name (default), or at the right edge.
    pub logo_position: Option<LogoPosition>,
    /// Postal address lines.
    #[serde(default)]
    pub address: Vec<String>,
    /// Contact email address (linked `mailto:`).
    pub email: Option<String>,
    /// Contact phone number.
    pub phone: Option<String>,
    /// The return address line of a window layout, when it is not the name and the address
    /// joined (an organization with a long name shortens it here).
    pub return_address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PageFile {
    size: Option<PageSize>,
    #[serde(default)]
    margins: MarginsFile,
    layout: Option<Layout>,
    window: Option<Window>,
    fold_marks: Option<bool>,
    pdfa: Option<bool>,
    stationery: Option<StationeryFile>,
}

/// `[page] stationery`: pages of a designer's PDF drawn under the letter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StationeryFile {
    first: PathBuf,
    later: Option<PathBuf>,
    letterhead: Option<DrawLetterhead>,
}

/// Whether letterhead draws its own letterhead over the stationery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum DrawLetterhead {
    None,
    Draw,
}

/// The designer's stationery, read: a one-page PDF of the letter's page size for page one, and
/// one for the pages after it.
#[derive(Debug, Clone)]
pub struct Stationery {
    /// Under page one.
    pub first: StationeryPage,
    /// Under the pages after it (none when not given).
    pub later: Option<StationeryPage>,
    /// Draw letterhead's own letterhead (name, logo, contact) over it as well.
    pub draw_letterhead: bool,
}

/// One stationery file and its page.
#[derive(Debug, Clone)]
pub struct StationeryPage {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its page.
    pub pdf: Arc<crate::pdf::import::Foreign>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum PageSize {
    Named(String),
    Custom(CustomSize),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomSize {
    width: Length,
    height: Length,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarginsFile {
    top: Option<Length>,
    bottom: Option<Length>,
    left: Option<Length>,
    right: Option<Length>,
}

/// The arrangement of page one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// US block letter: everything flush left.
    #[default]
    Block,
    /// DIN 5008 form A (high address field).
    #[serde(rename = "din5008-a")]
    Din5008A,
    /// DIN 5008 form B (low address field).
    #[serde(rename = "din5008-b")]
    Din5008B,
}

impl Layout {
    /// Whether this is one of the DIN 5008 forms.
    pub fn is_din(self) -> bool {
        matches!(self, Layout::Din5008A | Layout::Din5008B)
    }
}

/// Where the logo stands in the letterhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogoPosition {
    /// At the left margin, the name beside it.
    #[default]
    Left,
    /// At the right margin, the contact lines beside it.
    Right,
}

/// A window envelope the block layout places the recipient for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Window {
    /// US #10 single window: 4.5 × 1.125 in, 7/8 in from the left and 1/2 in from the bottom
    /// of the envelope; the letter is folded in three.
    #[serde(rename = "us-10")]
    Us10,
}

/// Paragraph alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Align {
    /// Ragged right.
    #[default]
    Left,
    /// Flush left and right.
    Justify,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct StyleFile {
    font: Option<FontSpec>,
    #[serde(default)]
    fallback: Vec<String>,
    size: Option<Length>,
    leading: Option<f64>,
    accent: Option<Color>,
    align: Option<Align>,
    hyphenate: Option<bool>,
    language: Option<String>,
    date_format: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum FontSpec {
    Named(String),
    Files(FontFiles),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FontFiles {
    regular: PathBuf,
    bold: Option<PathBuf>,
    italic: Option<PathBuf>,
    bold_italic: Option<PathBuf>,
}

/// Where the fonts come from.
#[derive(Debug, Clone, PartialEq)]
pub enum FontChoice {
    /// A family by name: a bundled one, or one found among the system's fonts and the font
    /// folders.
    Named(String),
    /// Font files; faces left out are taken from the regular face.
    Files {
        /// Regular face.
        regular: PathBuf,
        /// Bold face.
        bold: Option<PathBuf>,
        /// Italic face.
        italic: Option<PathBuf>,
        /// Bold italic face.
        bold_italic: Option<PathBuf>,
    },
}

/// A face tried for the characters the family lacks.
#[derive(Debug, Clone, PartialEq)]
pub enum FallbackChoice {
    /// A family by name, as in `FontChoice::Named`.
    Named(String),
    /// A font file.
    File(PathBuf),
}

impl FallbackChoice {
    /// An entry of `style.fallback`: a file when it names a font file by its extension
    /// (relative to `base`), else a family name.
    fn parse(entry: &str, base: &Path) -> FallbackChoice {
        let lower = entry.to_ascii_lowercase();
        if [".ttf", ".otf", ".ttc", ".otc"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            FallbackChoice::File(base.join(entry))
        } else {
            FallbackChoice::Named(entry.to_string())
        }
    }
}

/// The line at the foot of every page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Footer {
    /// Text of the footer line, if any.
    pub text: Option<String>,
    /// "Page N of M" in the continuation header of pages after the first.
    #[serde(default = "yes")]
    pub page_numbers: bool,
    /// Columns of small print above the bottom margin (legal details, bank), each a list of
    /// lines.
    #[serde(default)]
    pub columns: Vec<Vec<String>>,
    /// Which pages carry the columns.
    #[serde(default)]
    pub columns_on: ColumnsOn,
}

/// Which pages carry the footer columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnsOn {
    /// Every page.
    #[default]
    EveryPage,
    /// Page one only.
    FirstPage,
}

impl Default for Footer {
    fn default() -> Self {
        Self {
            text: None,
            page_numbers: true,
            columns: Vec::new(),
            columns_on: ColumnsOn::EveryPage,
        }
    }
}

fn yes() -> bool {
    true
}

/// Page geometry, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Page width.
    pub width: Abs,
    /// Page height.
    pub height: Abs,
    /// Top margin.
    pub top: Abs,
    /// Bottom margin.
    pub bottom: Abs,
    /// Left margin.
    pub left: Abs,
    /// Right margin.
    pub right: Abs,
    /// Page-one arrangement.
    pub layout: Layout,
    /// The window envelope of the block layout, if any.
    pub window: Option<Window>,
    /// Fold marks on the left edge.
    pub fold_marks: bool,
    /// Write PDF/A-2b.
    pub pdfa: bool,
}

/// Typography settings, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The font family.
    pub font: FontChoice,
    /// Faces for characters the family lacks, tried in order (before the system's fonts).
    pub fallback: Vec<FallbackChoice>,
    /// Body text size.
    pub size: Abs,
    /// Line height as a multiple of the size.
    pub leading: f64,
    /// Colour of the name, rules and links.
    pub accent: Color,
    /// Paragraph alignment.
    pub align: Align,
    /// Whether to hyphenate.
    pub hyphenate: bool,
    /// Language tag (`en-US`).
    pub language: String,
    /// `time` format description for the date line.
    pub date_format: String,
}

/// A whole letterhead, resolved: every default filled in, every path absolute or relative to
/// the working directory.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// Where it came from (`None` for the built-in plain letterhead).
    pub path: Option<PathBuf>,
    /// The file's text, for diagnostics that point at a field (empty for the built-in one).
    pub source: Source,
    /// The organization.
    pub organization: Organization,
    /// Page geometry.
    pub page: Page,
    /// Typography.
    pub style: Style,
    /// Footer.
    pub footer: Footer,
    /// The designer's stationery drawn under the pages, if any.
    pub stationery: Option<Stationery>,
}

/// Languages with hyphenation patterns, dates, quotation marks and labels.
pub const LANGUAGES: [&str; 5] = crate::lang::TAGS;

impl Letterhead {
    /// The plain letterhead used when no `letterhead.toml` is found.
    pub fn builtin() -> Letterhead {
        // Parsing a constant: the empty organization name is the only required field.
        let file = File {
            organization: Organization::default(),
            page: PageFile::default(),
            style: StyleFile::default(),
            footer: Footer::default(),
        };
        let source = Source {
            path: PathBuf::from("<built-in letterhead>"),
            text: Arc::from(""),
        };
        match resolve(file, &source, Path::new("")) {
            Ok(letterhead) => Letterhead {
                path: None,
                ..letterhead
            },
            Err(_) => unreachable!("the built-in letterhead has only valid defaults"),
        }
    }

    /// The byte range of a value in the file, by its keys (`["organization", "name"]`), for
    /// diagnostics about that value.
    ///
    /// ```
    /// use letterhead::internals::config::parse;
    /// use letterhead::internals::diag::Source;
    /// let text = "[organization]\nname = \"Acme\"\n";
    /// let lh = parse(&Source { path: "letterhead.toml".into(), text: text.into() }).unwrap();
    /// assert_eq!(lh.span_of(&["organization", "name"]), Some(22..28));
    /// ```
    pub fn span_of(&self, keys: &[&str]) -> Option<std::ops::Range<usize>> {
        value_span(&self.source.text, keys)
    }
}

/// The byte range of a value in TOML text, by its keys (`["organization", "name"]`).
pub fn value_span(text: &str, keys: &[&str]) -> Option<std::ops::Range<usize>> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let (last, tables) = keys.split_last()?;
    let mut table = root.get_ref();
    for key in tables {
        match table.get(*key)?.get_ref() {
            toml::de::DeValue::Table(t) => table = t,
            _ => return None,
        }
    }
    Some(table.get(*last)?.span())
}

/// Parses a `letterhead.toml`.
///
/// ```
/// use letterhead::internals::config::parse;
/// use letterhead::internals::diag::Source;
/// let source = Source { path: "letterhead.toml".into(), text: "[organization]\nname = \"Acme\"\n".into() };
/// let letterhead = parse(&source).unwrap();
/// assert_eq!(letterhead.organization.name, "Acme");
/// ```
pub fn parse(source: &Source) -> diag::Result<Letterhead> {
    // Every mistake at once, in the file's terms; serde stops at the first.
    schema::check(source, 0, &source.text, &fields::LETTERHEAD)?;
    let file: File = from_toml(source, 0, &source.text)?;
    let base = source.path.parent().unwrap_or(Path::new("")).to_path_buf();
    resolve(file, source, &base)
}

/// Deserializes TOML that starts at byte `offset` of `source`, turning the `toml` crate's error
/// into a diagnostic pointing into the real file, with a suggestion for misspelt keys.
pub fn from_toml<T: serde::de::DeserializeOwned>(
    source: &Source,
    offset: usize,
    text: &str,
) -> diag::Result<T> {
    toml::from_str(text).map_err(|err| schema::toml_error(source, offset, &err).boxed())
}

fn resolve(file: File, source: &Source, base: &Path) -> diag::Result<Letterhead> {
    // Every problem is collected, each pointing at the value it is about; a stand-in value
    // keeps the checks going after one.
    let mut errors = Vec::new();
    let mut at = |keys: &[&str], d: Box<Diagnostic>| {
        let d = *d;
        errors.push(match value_span(&source.text, keys) {
            Some(span) => d.at(source, span),
            None => d.in_file(&source.path),
        });
    };
    let layout = file.page.layout.unwrap_or_default();
    let (width, height) = match &file.page.size {
        // DIN 5008 is an A4 standard.
        None if layout.is_din() => named_size("a4").unwrap_or_default(),
        None => named_size("letter").unwrap_or_default(),
        Some(PageSize::Named(name)) => page_size(name).unwrap_or_else(|d| {
            at(&["page", "size"], d);
            named_size("letter").unwrap_or_default()
        }),
        Some(PageSize::Custom(custom)) => (custom.width.0, custom.height.0),
    };
    let inch = Abs::inches(1.0);
    let m = &file.page.margins;
    // DIN 5008's margins: 25 mm on the left (where the address field's text starts), 20 mm on
    // the right.
    let (left, right) = if layout.is_din() {
        (Abs::mm(25.0), Abs::mm(20.0))
    } else {
        (inch, inch)
    };
    let page = Page {
        width,
        height,
        top: m.top.map_or(inch, |l| l.0),
        bottom: m.bottom.map_or(inch, |l| l.0),
        left: m.left.map_or(left, |l| l.0),
        right: m.right.map_or(right, |l| l.0),
        layout,
        window: file.page.window,
        fold_marks: file.page.fold_marks.unwrap_or(layout.is_din()),
        pdfa: file.page.pdfa.unwrap_or(false),
    };
    if layout.is_din() && page.window.is_some() {
        at(
            &["page", "window"],
            Diagnostic::error("the DIN 5008 layouts place the address for their own window")
                .hint("remove `window`, or use layout = \"block\" with it")
                .boxed(),
        );
    }
    if page.left + page.right > width * 0.8 || page.top + page.bottom > height * 0.8 {
        at(
            &["page", "margins"],
            Diagnostic::error(format!(
                "the margins leave too little room on a {:.0} × {:.0} mm page",
                width.to_mm(),
                height.to_mm()
            ))
            .boxed(),
        );
    }

    let style = &file.style;
    let tag = style.language.clone().unwrap_or_else(|| "en-US".into());
    let lang = language(&tag).unwrap_or_else(|d| {
        at(&["style", "language"], d);
        Language::default()
    });
    let language = lang.tag().to_string();
    let date_format = style
        .date_format
        .clone()
        .unwrap_or_else(|| lang.date_format().into());
    if let Err(d) = check_date_format(&date_format) {
        at(&["style", "date-format"], d);
    }
    let size = style.size.map_or(Abs::pt(11.0), |l| l.0);
    if let Err(d) = check_font_size(size) {
        at(&["style", "size"], d);
    }
    let leading = style.leading.unwrap_or(1.35);
    if let Err(d) = check_leading(leading) {
        at(&["style", "leading"], d);
    }
    let font = match &style.font {
        None => FontChoice::Named("default".into()),
        Some(FontSpec::Named(name)) => FontChoice::Named(name.clone()),
        Some(FontSpec::Files(files)) => FontChoice::Files {
            regular: base.join(&files.regular),
            bold: files.bold.as_ref().map(|p| base.join(p)),
            italic: files.italic.as_ref().map(|p| base.join(p)),
            bold_italic: files.bold_italic.as_ref().map(|p| base.join(p)),
        },
    };
    let mut organization = file.organization;
    organization.logo = organization.logo.map(|p| base.join(p));
    // The letterhead's prose gets the letters' punctuation, in their language; the web and
    // mail addresses and the phone number are left as written.
    let smart = |s: &String| crate::punct::smarten(s, lang);
    organization.name = crate::punct::smarten(&organization.name, lang);
    organization.tagline = organization.tagline.as_ref().map(smart);
    organization.address = organization.address.iter().map(smart).collect();
    organization.return_address = organization.return_address.as_ref().map(smart);
    let mut footer = file.footer;
    footer.text = footer.text.as_ref().map(smart);
    footer.columns = footer
        .columns
        .iter()
        .map(|column| column.iter().map(smart).collect())
        .collect();
    if let Some(Length(h)) = organization.logo_height
        && (h <= Abs::ZERO || h > page.height * 0.25)
    {
        at(
            &["organization", "logo-height"],
            Diagnostic::error(format!(
                "a logo {:.1} mm high does not suit a letterhead",
                h.to_mm()
            ))
            .hint("give a height above zero and under a quarter of the page, e.g. \"18mm\"")
            .boxed(),
        );
    }
    // The stationery: each file one page of the page's size.
    let mut stationery = None;
    if let Some(file) = &file.page.stationery {
        let mut read = |key: &'static str, rel: &Path| {
            let path = base.join(rel);
            match crate::pdf::import::stationery(&path, width.to_pt(), height.to_pt()) {
                Ok(pdf) => Some(StationeryPage {
                    path,
                    pdf: Arc::new(pdf),
                }),
                Err(message) => {
                    at(
                        &["page", "stationery", key],
                        Diagnostic::error(format!(
                            "the stationery `{}` cannot be used: {message}",
                            rel.display()
                        ))
                        .boxed(),
                    );
                    None
                }
            }
        };
        let first = read("first", &file.first);
        let later = match &file.later {
            Some(l) => read("later", l).map(Some),
            None => Some(None),
        };
        if let (Some(first), Some(later)) = (first, later) {
            stationery = Some(Stationery {
                first,
                later,
                draw_letterhead: file.letterhead == Some(DrawLetterhead::Draw),
            });
        }
    }
    if let Some(d) = Diagnostic::together(errors) {
        return Err(d);
    }
    Ok(Letterhead {
        path: Some(source.path.clone()),
        source: source.clone(),
        organization,
        page,
        style: Style {
            font,
            fallback: style
                .fallback
                .iter()
                .map(|entry| FallbackChoice::parse(entry, base))
                .collect(),
            size,
            leading,
            accent: style.accent.unwrap_or(Color {
                r: 0.16,
                g: 0.23,
                b: 0.42,
            }),
            align: style.align.unwrap_or_default(),
            hyphenate: style.hyphenate.unwrap_or(true),
            language,
            date_format,
        },
        footer,
        stationery,
    })
}

/// A named paper size, or the error saying which there are.
fn page_size(name: &str) -> diag::Result<(Abs, Abs)> {
    named_size(name).ok_or_else(|| {
        Diagnostic::error(format!("`{name}` is not a page size"))
            .hint("use one of `a4`, `letter`, `legal`, `a5`, or { width = \"…\", height = \"…\" }")
            .boxed()
    })
}

/// A supported language, or the error listing them.
fn language(tag: &str) -> diag::Result<Language> {
    Language::from_tag(tag).ok_or_else(|| {
        Diagnostic::error(format!("language `{tag}` is not supported yet"))
            .hint(format!(
                "use one of {}",
                LANGUAGES.map(|l| format!("`{l}`")).join(", ")
            ))
            .boxed()
    })
}

/// A date format the `time` crate reads and a letter's date (a day, no time) can fill.
fn check_date_format(format: &str) -> diag::Result<()> {
    let unreadable = |why: &str| {
        Diagnostic::error(format!("`{format}` is not a date format: {why}"))
            .hint("write it like \"[weekday] [month repr:long] [day padding:none], [year]\"")
            .boxed()
    };
    // The `time` crate's parser trips a debug assertion on some malformed formats (found by
    // fuzzing; `tests/fuzz-regressions/`), so only well-formed ones reach it, and a panic there
    // is a bad format too.
    if !well_formed_date_format(format) {
        return Err(unreadable(
            "brackets must enclose a component such as [day] or [month repr:long]",
        ));
    }
    let filled = std::panic::catch_unwind(|| {
        time::format_description::parse_borrowed::<1>(format)
            .map(|items| time::macros::date!(2026 - 12 - 02).format(&items))
    });
    match filled {
        Err(_) => Err(unreadable("it cannot be read")),
        Ok(Err(err)) => Err(unreadable(&err.to_string())),
        Ok(Ok(Ok(_))) => Ok(()),
        // A component the date has no value for: a time of day, a time zone.
        Ok(Ok(Err(err))) => {
            let why = match err {
                time::error::Format::InsufficientTypeInformation { .. } => {
                    "a letter's date has no time of day".to_string()
                }
                err => err.to_string(),
            };
            Err(
                Diagnostic::error(format!("`{format}` cannot be filled from a date: {why}"))
                    .hint("use the date's components only: [day], [month], [year], [weekday]")
                    .boxed(),
            )
        }
    }
}

/// A body size from 4 to 72 points.
fn check_font_size(size: Abs) -> diag::Result<()> {
    if size < Abs::pt(4.0) || size > Abs::pt(72.0) {
        return Err(
            Diagnostic::error(format!("font size `{size}` must lie between 4pt and 72pt")).boxed(),
        );
    }
    Ok(())
}

/// Line spacing from 0.8 to 4 times the size.
fn check_leading(leading: f64) -> diag::Result<()> {
    if !(0.8..=4.0).contains(&leading) {
        return Err(
            Diagnostic::error(format!("leading `{leading}` must lie between 0.8 and 4.0")).boxed(),
        );
    }
    Ok(())
}

/// Whether a date format is literal text and `[component modifier:value]` items (`[[` for a
/// literal bracket), with nothing else inside the brackets.
///
/// ```
/// use letterhead::internals::config::well_formed_date_format;
/// assert!(well_formed_date_format("[day padding:none]. [month repr:long] [[sic]"));
/// assert!(!well_formed_date_format("[weekda'[m)nth]"));
/// ```
pub fn well_formed_date_format(format: &str) -> bool {
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
            }
            '[' => {
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == ']' {
                        closed = true;
                        break;
                    }
                    if !(d.is_ascii_alphanumeric() || matches!(d, ' ' | ':' | '_' | '+' | '-')) {
                        return false;
                    }
                }
                if !closed {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Width and height of a named paper size.
pub fn named_size(name: &str) -> Option<(Abs, Abs)> {
    match name.to_ascii_lowercase().as_str() {
        "a4" => Some((Abs::mm(210.0), Abs::mm(297.0))),
        "a5" => Some((Abs::mm(148.0), Abs::mm(210.0))),
        "letter" => Some((Abs::inches(8.5), Abs::inches(11.0))),
        "legal" => Some((Abs::inches(8.5), Abs::inches(14.0))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            path: "letterhead.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn unknown_key_suggests_the_close_one() {
        let err = parse(&source("[organization]\nname = \"A\"\ntagine = \"x\"\n")).unwrap_err();
        assert_eq!(err.line_col(), Some((3, 1)));
        assert!(
            err.message.contains("unknown field `tagine`"),
            "{}",
            err.message
        );
        assert!(
            err.hints.iter().any(|h| h == "did you mean `tagline`?"),
            "{:?}",
            err.hints
        );
    }

    #[test]
    fn bad_length_points_at_the_value() {
        let err = parse(&source(
            "[organization]\nname = \"A\"\n[page]\nmargins = { top = \"1 furlong\" }\n",
        ))
        .unwrap_err();
        assert_eq!(err.line_col().map(|(l, _)| l), Some(4));
        assert!(err.message.contains("furlong"), "{}", err.message);
    }

    #[test]
    fn defaults_are_a_us_letter_with_inch_margins() {
        let lh = parse(&source("[organization]\nname = \"A\"\n")).unwrap();
        assert_eq!(lh.page.width, Abs::inches(8.5));
        assert_eq!(lh.page.left, Abs::inches(1.0));
        assert_eq!(lh.style.size, Abs::pt(11.0));
    }

    #[test]
    fn colours_parse_and_reject() {
        assert!(Color::parse("#7a1f3d").is_ok());
        assert!(Color::parse("red").is_err());
    }
}
