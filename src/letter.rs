//! A letter file: TOML front matter between `+++` lines, then a Markdown body.
//!
//! It takes the file's text and gives a `Letter` (typed front matter plus the body's text and
//! byte offset, so Markdown positions point into the real file), and says which of the front
//! matter's strings are prose that gets the body's punctuation. It does not parse Markdown
//! (that is `markdown`) and knows nothing about the letterhead or layout.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config;
use crate::diag::{self, Diagnostic, Source};
use crate::lang::Language;
use crate::punct;
use crate::schema::{Field, Kind, Table};

/// The front matter of a letter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FrontMatter {
    /// Date of the letter; today (or `SOURCE_DATE_EPOCH`) when missing.
    pub date: Option<toml::value::Datetime>,
    /// Recipient block, one line per entry (an entry holding line breaks is several lines;
    /// blank lines are left out).
    #[serde(default, deserialize_with = "address_lines")]
    pub to: Vec<String>,
    /// Subject line, also the PDF title.
    pub subject: Option<String>,
    /// Salutation ("Dear …,").
    pub salutation: Option<String>,
    /// Closing ("Sincerely,").
    pub closing: Option<String>,
    /// Copies to.
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<String>,
    /// Enclosures: a title, or a title and the PDF appended after the letter.
    #[serde(default, deserialize_with = "enclosures")]
    pub enclosures: Vec<Enclosure>,
    /// Postscript.
    pub ps: Option<String>,
    /// Who signs.
    pub signature: Option<Signature>,
    /// Several signatories, set side by side (instead of `signature`).
    #[serde(default)]
    pub signatures: Vec<Signature>,
    /// A letterhead file for this letter, relative to it.
    pub letterhead: Option<PathBuf>,
    /// The recipient's reference ("Your ref.").
    pub your_ref: Option<String>,
    /// The date (or text) of the recipient's letter this answers ("Your letter of").
    pub your_letter: Option<DateOrText>,
    /// The sender's reference ("Our ref.").
    pub our_ref: Option<String>,
    /// The recipient's customer number.
    pub customer: Option<String>,
}

/// A date, formatted in the letter's language, or text shown as it is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DateOrText {
    /// A TOML date (`2026-05-05`).
    Date(toml::value::Datetime),
    /// Text.
    Text(String),
}

impl FrontMatter {
    /// Who signs: `signature`, or the `[[signatures]]`, in order.
    pub fn signatories(&self) -> Vec<&Signature> {
        self.signature.iter().chain(&self.signatures).collect()
    }

    /// The front matter with the body's punctuation in its prose (`punct::smarten`): curly
    /// quotes and apostrophes, dashes, the language's quotation marks and French spaces in the
    /// recipient, subject, salutation, closing, cc, enclosures, postscript, and the signatories'
    /// names and titles. Dates, references, email addresses, phone numbers and file names are
    /// left as written.
    pub fn with_punctuation(&self, lang: Language) -> FrontMatter {
        let one = |s: &String| punct::smarten(s, lang);
        let all = |v: &Vec<String>| v.iter().map(one).collect();
        let sign = |s: &Signature| Signature {
            name: one(&s.name),
            title: s.title.as_ref().map(one),
            ..s.clone()
        };
        FrontMatter {
            to: all(&self.to),
            subject: self.subject.as_ref().map(one),
            salutation: self.salutation.as_ref().map(one),
            closing: self.closing.as_ref().map(one),
            cc: all(&self.cc),
            enclosures: self
                .enclosures
                .iter()
                .map(|e| Enclosure {
                    title: one(&e.title),
                    ..e.clone()
                })
                .collect(),
            ps: self.ps.as_ref().map(one),
            signature: self.signature.as_ref().map(sign),
            signatures: self.signatures.iter().map(sign).collect(),
            ..self.clone()
        }
    }
}

/// An enclosure: its title on the notation line, and the PDF whose pages follow the letter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Enclosure {
    /// What the notation line says.
    pub title: String,
    /// A PDF appended after the letter, relative to the letter (in a merge, to the template).
    pub file: Option<PathBuf>,
    /// Pages of another size than the letter's are scaled to fit it, instead of keeping theirs.
    #[serde(default)]
    pub fit: bool,
}

/// Most signatories set side by side.
pub const MAX_SIGNATORIES: usize = 4;

/// The signatory.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Signature {
    /// Name, under the space to sign.
    pub name: String,
    /// Title or role.
    pub title: Option<String>,
    /// Email address, linked `mailto:`.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Scanned signature image.
    pub image: Option<PathBuf>,
}

/// The shape of the front matter, for `schema::check` (the same keys as `FrontMatter`).
const FRONT_MATTER: Table = Table {
    what: "front matter",
    fields: &[
        Field::new("date", Kind::Date),
        Field::new("to", Kind::TextOrTexts),
        Field::new("subject", Kind::Text),
        Field::new("salutation", Kind::Text),
        Field::new("closing", Kind::Text),
        Field::new("cc", Kind::TextOrTexts),
        Field::new(
            "enclosures",
            Kind::OneOrList(&Kind::Either(&Kind::Text, &Kind::Table(&ENCLOSURE))),
        ),
        Field::new("ps", Kind::Text),
        Field::new("signature", Kind::Table(&SIGNATURE)),
        Field::new(
            "signatures",
            Kind::Tables {
                what: "an array of tables: [[signatures]] with name = \"…\" on the next line, once for each signatory",
                table: &SIGNATURE,
            },
        ),
        Field::new("letterhead", Kind::Text).what("the letterhead file's name in quotes"),
        Field::new("your-ref", Kind::Text),
        Field::new("your-letter", Kind::Either(&Kind::Date, &Kind::Text)),
        Field::new("our-ref", Kind::Text),
        Field::new("customer", Kind::Text),
    ],
};

const ENCLOSURE: Table = Table {
    what: "a table like { title = \"Annual report\", file = \"report.pdf\" }",
    fields: &[
        Field::new("title", Kind::Text).required(),
        Field::new("file", Kind::Text).what("the PDF file's name in quotes"),
        Field::new("fit", Kind::Bool),
    ],
};

const SIGNATURE: Table = Table {
    what: "a table: [signature] with name = \"…\" on the next line",
    fields: &[
        Field::new("name", Kind::Text).required(),
        Field::new("title", Kind::Text),
        Field::new("email", Kind::Text),
        Field::new("phone", Kind::Text),
        Field::new("image", Kind::Text).what("the image file's name in quotes"),
    ],
};

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(s)) => Ok(vec![s]),
        Ok(OneOrMany::Many(v)) => Ok(v),
        Err(_) => Err(serde::de::Error::custom(
            "expected a string or an array of strings",
        )),
    }
}

/// The enclosures: a title, or a table with a title and a file; one, or an array of them.
fn enclosures<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Enclosure>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum One {
        Title(String),
        File(Enclosure),
    }
    // The array first: serde would also take an array of strings as an `Enclosure`, its
    // fields in order.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<One>),
        One(One),
    }
    let one = |o: One| match o {
        One::Title(title) => Enclosure {
            title,
            ..Enclosure::default()
        },
        One::File(e) => e,
    };
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::Many(v)) => Ok(v.into_iter().map(one).collect()),
        Ok(OneOrMany::One(o)) => Ok(vec![one(o)]),
        Err(_) => Err(serde::de::Error::custom(
            "expected a title, a table { title = \"…\", file = \"….pdf\" }, or an array of them",
        )),
    }
}

/// The lines of an address: each entry, split at its line breaks (a spreadsheet cell holds
/// them), without blank lines. An address given but blank throughout (a mail-merge row of empty
/// cells) is an error, never a letter to nobody.
fn address_lines<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let entries = one_or_many(d)?;
    let lines: Vec<String> = entries
        .iter()
        .flat_map(|e| e.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if lines.is_empty() && !entries.is_empty() {
        return Err(serde::de::Error::custom(
            "the recipient is blank: every line of `to` is empty",
        ));
    }
    Ok(lines)
}

/// A parsed letter file.
#[derive(Debug, Clone)]
pub struct Letter {
    /// The file and its text.
    pub source: Source,
    /// The front matter.
    pub front: FrontMatter,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// Byte range of the front matter's TOML, if there is front matter.
    pub front_range: Option<std::ops::Range<usize>>,
}

impl Letter {
    /// The byte range of a front-matter value in the file, by its keys
    /// (`["signature", "image"]`), for diagnostics about that value.
    pub fn span_of(&self, keys: &[&str]) -> Option<std::ops::Range<usize>> {
        let range = self.front_range.clone()?;
        let span = config::value_span(&self.source.text[range.clone()], keys)?;
        Some(span.start + range.start..span.end + range.start)
    }

    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

/// Splits and parses a letter.
///
/// ```
/// use letterhead::internals::diag::Source;
/// let source = Source { path: "a.md".into(), text: "+++\nsubject = \"Hi\"\n+++\nBody.\n".into() };
/// let letter = letterhead::internals::letter::parse(source).unwrap();
/// assert_eq!(letter.front.subject.as_deref(), Some("Hi"));
/// assert_eq!(letter.body(), "Body.\n");
/// ```
pub fn parse(source: Source) -> diag::Result<Letter> {
    let parts = split(&source)?;
    let front: FrontMatter = match &parts.front {
        Some(range) => {
            let text = &source.text[range.clone()];
            // Every mistake at once, in the letter's terms; serde stops at the first.
            crate::schema::check(&source, range.start, text, &FRONT_MATTER)?;
            config::from_toml(&source, range.start, text)?
        }
        None => FrontMatter::default(),
    };
    let letter = Letter {
        source,
        front,
        body_offset: parts.body_offset,
        front_range: parts.front,
    };
    let at_signatures = |d: Diagnostic| match letter.span_of(&["signatures"]) {
        Some(span) => d.at(&letter.source, span),
        None => d.in_file(&letter.source.path),
    };
    let mut errors = Vec::new();
    if letter.front.signature.is_some() && !letter.front.signatures.is_empty() {
        errors.push(at_signatures(
            Diagnostic::error("the letter has both `[signature]` and `[[signatures]]`")
                .hint("put the first signatory into `[[signatures]]` too"),
        ));
    }
    if letter.front.signatures.len() > MAX_SIGNATORIES {
        errors.push(at_signatures(
            Diagnostic::error(format!(
                "the letter has {} signatories; at most {MAX_SIGNATORIES} fit side by side",
                letter.front.signatures.len()
            ))
            .hint("name the others in the text, or in `cc`"),
        ));
    }
    match Diagnostic::together(errors) {
        Some(d) => Err(d),
        None => Ok(letter),
    }
}

/// Where a letter's parts are: the TOML between the `+++` lines, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// Byte range of the front matter's TOML, if the letter has front matter.
    pub front: Option<std::ops::Range<usize>>,
    /// Byte offset where the body starts.
    pub body_offset: usize,
}

/// Finds the front matter and the body without parsing either (a mail-merge template is split
/// before its placeholders are filled in).
///
/// ```
/// use letterhead::internals::diag::Source;
/// let source = Source { path: "a.md".into(), text: "+++\nsubject = \"Hi\"\n+++\nBody.\n".into() };
/// let parts = letterhead::internals::letter::split(&source).unwrap();
/// assert_eq!(parts.front, Some(3..19));
/// assert_eq!(parts.body_offset, 23);
/// ```
pub fn split(source: &Source) -> diag::Result<Parts> {
    let text = source.text.clone();
    if text.trim().is_empty() {
        return Err(Diagnostic::error("the letter is empty")
            .in_file(&source.path)
            .hint("write front matter between `+++` lines, then the body in Markdown")
            .boxed());
    }
    let mut lines = line_spans(&text);
    let Some(first) = lines.next() else {
        return Err(Diagnostic::error("the letter is empty")
            .in_file(&source.path)
            .boxed());
    };
    if text[first.clone()].trim_end() != "+++" {
        if text[first.clone()].trim_end() == "---" {
            return Err(
                Diagnostic::error("front matter must be TOML between `+++` lines")
                    .at(source, first)
                    .hint("replace both `---` lines with `+++` and write the fields in TOML")
                    .boxed(),
            );
        }
        // No front matter: a body only.
        return Ok(Parts {
            front: None,
            body_offset: 0,
        });
    }
    let toml_start = first.end;
    let close = lines.find(|l| text[l.clone()].trim_end() == "+++");
    let Some(close) = close else {
        return Err(Diagnostic::error("the front matter is never closed")
            .at(source, first.start..first.start + 3)
            .hint("end the front matter with a line holding only `+++`")
            .boxed());
    };
    let mut body_offset = close.end;
    // The line break after the closing `+++`.
    if text[body_offset..].starts_with("\r\n") {
        body_offset += 2;
    } else if text[body_offset..].starts_with('\n') {
        body_offset += 1;
    }
    // A second block of front matter would otherwise be printed as the body's first lines.
    if let Some(next) = lines.find(|l| !text[l.clone()].trim().is_empty())
        && text[next.clone()].trim_end() == "+++"
    {
        return Err(Diagnostic::error("a second block of front matter")
            .at(source, next.start..next.start + 3)
            .hint("put all the fields in the first block, between one pair of `+++` lines")
            .boxed());
    }
    Ok(Parts {
        front: Some(toml_start..close.start),
        body_offset,
    })
}

/// Byte ranges of the lines of `text`, without their line breaks.
fn line_spans(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = start..end;
        start = end + 1;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            path: "letter.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening() {
        let err = parse(source("+++\ndate = 2015-08-05\nBody\n")).unwrap_err();
        assert_eq!(err.line_col(), Some((1, 1)));
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn toml_errors_point_into_the_real_file() {
        let err = parse(source("+++\nsubject = \"a\"\nto = 3\n+++\nBody\n")).unwrap_err();
        assert_eq!(err.line_col().map(|(l, _)| l), Some(3));
    }

    #[test]
    fn unknown_front_matter_key_suggests() {
        let err = parse(source("+++\nsubjct = \"a\"\n+++\nBody\n")).unwrap_err();
        assert!(
            err.hints.iter().any(|h| h.contains("`subject`")),
            "{:?}",
            err.hints
        );
    }

    #[test]
    fn crlf_line_endings_work() {
        let letter = parse(source("+++\r\nsubject = \"a\"\r\n+++\r\nBody\r\n")).unwrap();
        assert_eq!(letter.front.subject.as_deref(), Some("a"));
        assert_eq!(letter.body(), "Body\r\n");
    }

    /// The check and serde agree on the keys: an unknown key gets the same message from both,
    /// and a front matter with every key passes both.
    #[test]
    fn the_checked_keys_are_the_deserialized_keys() {
        for (before, after) in [("", ""), ("[signature]\nname = \"A\"\n", "")] {
            let text = format!("{before}zzz = 1\n{after}");
            let serde = toml::from_str::<FrontMatter>(&text).map(drop).unwrap_err();
            let checked =
                crate::schema::check(&source(&text), 0, &text, &FRONT_MATTER).unwrap_err();
            assert_eq!(checked.message, serde.message().trim(), "{text}");
        }
        let full = "+++\ndate = 2026-12-02\nto = \"A\"\nsubject = \"s\"\nsalutation = \"s\"\n\
            closing = \"c\"\ncc = [\"a\"]\nenclosures = \"e\"\nps = \"p\"\nletterhead = \"x.toml\"\n\
            your-ref = \"r\"\nyour-letter = 2026-11-30\nour-ref = \"o\"\ncustomer = \"c\"\n\
            [[signatures]]\nname = \"A\"\ntitle = \"t\"\nemail = \"e\"\nphone = \"p\"\nimage = \"i.png\"\n\
            +++\nBody\n";
        let letter = parse(source(full)).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(letter.front.signatures.len(), 1);
        assert!(parse(source("+++\nyour-letter = \"of May 5\"\n+++\nBody\n")).is_ok());
    }

    #[test]
    fn enclosures_are_titles_or_titled_files() {
        let front = |text: &str| {
            parse(source(&format!("+++\n{text}\n+++\nBody\n")))
                .unwrap_or_else(|d| panic!("{d}"))
                .front
                .enclosures
        };
        let titles = front("enclosures = [\"A\", \"B\"]");
        assert_eq!(titles.len(), 2);
        assert!(titles.iter().all(|e| e.file.is_none()));
        assert_eq!(titles[1].title, "B");
        let one = front("enclosures = { title = \"R\", file = \"r.pdf\", fit = true }");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].file.as_deref(), Some(std::path::Path::new("r.pdf")));
        assert!(one[0].fit);
        let mixed = front("enclosures = [\"A\", { title = \"R\", file = \"r.pdf\" }]");
        assert_eq!(mixed[0].file, None);
        assert_eq!(mixed[1].title, "R");
        assert!(!mixed[1].fit);
        assert_eq!(front("enclosures = \"A\"")[0].title, "A");
    }

    #[test]
    fn empty_letter_is_an_error() {
        assert!(parse(source("  \n")).is_err());
    }
}
