//! Checking a TOML file against the shape it must have (a `letterhead.toml`, a letter's front
//! matter) before it is deserialized: every unknown key, wrong type, bad length, colour or
//! date is found in one pass, at its place, and said in the file's terms (never serde's type
//! names such as `struct MarginsFile`).
//!
//! It takes the TOML text and a `Table` describing the keys a file may hold, and gives the
//! diagnostics, in file order. serde then deserializes a file known to fit, so its first-error
//! stop no longer hides the other mistakes. It knows what a length, a colour and a date look
//! like, not what any key means: rules beyond the shape (a known page size, a font size in
//! range) come with the description.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{self, Diagnostic, Source};
use crate::length;

/// The keys a table may hold.
#[derive(Debug)]
pub struct Table {
    /// What the table is, in the words of the file, for a value of another type: "a table of
    /// lengths, like margins = { top = \"1in\" }".
    pub what: &'static str,
    /// Its keys.
    pub fields: &'static [Field],
}

/// A key of a table: its name, the kind of value it takes, and any rule beyond that.
#[derive(Debug)]
pub struct Field {
    /// The key, as written in the file (`logo-height`).
    pub key: &'static str,
    /// The value it takes.
    pub kind: Kind,
    /// Whether the key must be present.
    pub required: bool,
    /// What the value is, for a value of another type, when the kind's own words are not
    /// enough.
    pub what: Option<&'static str>,
    /// A rule for a value of the right kind (a known name, a range): the problem, if any, as
    /// a diagnostic without a place (the checker points it at the value).
    pub rule: Option<Rule>,
}

/// A rule for a value: `Err` with what is wrong.
pub type Rule = fn(&DeValue<'_>) -> diag::Result<()>;

impl Field {
    /// An optional key.
    pub const fn new(key: &'static str, kind: Kind) -> Field {
        Field {
            key,
            kind,
            required: false,
            what: None,
            rule: None,
        }
    }

    /// The key must be present.
    pub const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// What the value is, in the file's words.
    pub const fn what(mut self, what: &'static str) -> Field {
        self.what = Some(what);
        self
    }

    /// A rule beyond the kind.
    pub const fn rule(mut self, rule: Rule) -> Field {
        self.rule = Some(rule);
        self
    }
}

/// The kind of value a key takes.
#[derive(Debug)]
pub enum Kind {
    /// A string.
    Text,
    /// `true` or `false`.
    Bool,
    /// An integer or a float.
    Number,
    /// A string with a length and its unit; `example` (`"11pt"`) shows the usual unit.
    Length {
        /// A typical value, whose unit a bare number is told to add.
        example: &'static str,
    },
    /// A string `parse` accepts, described by `what`.
    Parsed {
        /// What the string is ("a colour like \"#7a1f3d\"").
        what: &'static str,
        /// The check: `Err` with the message.
        parse: fn(&str) -> Result<(), String>,
    },
    /// A TOML date (a date-time is taken for its date).
    Date,
    /// One of these strings.
    Word(&'static [&'static str]),
    /// An array of strings.
    Texts,
    /// A string, or an array of strings.
    TextOrTexts,
    /// An array of arrays of strings.
    Columns,
    /// A table.
    Table(&'static Table),
    /// An array of tables (`[[signatures]]`), described by `what`.
    Tables {
        /// What the array is.
        what: &'static str,
        /// Each table.
        table: &'static Table,
    },
    /// A value of the first kind, or of the second; which one is told by its TOML type.
    Either(&'static Kind, &'static Kind),
    /// A value of this kind, or an array of them.
    OneOrList(&'static Kind),
}

impl Kind {
    /// What a value of this kind is, in the file's words.
    fn what(&self) -> String {
        match self {
            Kind::Text => "a string in quotes".into(),
            Kind::Bool => "`true` or `false`".into(),
            Kind::Number => "a number".into(),
            Kind::Length { example } => format!("a length with a unit, like \"{example}\""),
            Kind::Parsed { what, .. } => (*what).into(),
            Kind::Date => "a date, written bare like 2026-12-02".into(),
            Kind::Word(words) => format!("one of {}", one_of(words)),
            Kind::Texts => "an array of strings, like [\"…\", \"…\"]".into(),
            Kind::TextOrTexts => "a string or an array of strings".into(),
            Kind::Columns => {
                "an array of columns, each an array of strings, like [[\"…\"], [\"…\"]]".into()
            }
            Kind::Table(table) => table.what.into(),
            Kind::Tables { what, .. } => (*what).into(),
            Kind::Either(a, b) => format!("{}, or {}", a.what(), b.what()),
            Kind::OneOrList(kind) => format!("{}; or an array of them", kind.what()),
        }
    }

    /// The kinds a value may have: both of an `Either`, else this one.
    fn alternatives(&self) -> Vec<&Kind> {
        match self {
            Kind::Either(a, b) => [a.alternatives(), b.alternatives()].concat(),
            kind => vec![kind],
        }
    }

    /// Whether a value has the TOML type of this kind (its content aside).
    fn fits(&self, value: &DeValue<'_>) -> bool {
        match self {
            Kind::Text | Kind::Length { .. } | Kind::Parsed { .. } | Kind::Word(_) => {
                value.is_str()
            }
            Kind::Bool => value.is_bool(),
            Kind::Number => value.is_integer() || value.is_float(),
            Kind::Date => value.is_datetime(),
            Kind::Texts | Kind::Columns | Kind::Tables { .. } => value.is_array(),
            Kind::TextOrTexts => value.is_str() || value.is_array(),
            Kind::Table(_) => value.is_table(),
            Kind::Either(a, b) => a.fits(value) || b.fits(value),
            Kind::OneOrList(kind) => kind.fits(value) || value.is_array(),
        }
    }
}

/// Checks TOML that starts at byte `offset` of `source` against `root`: every mistake, in
/// file order, as one error value (the first, with the others in its `also`). A syntax error
/// stops the check (it is the only one the parser reports).
pub fn check(source: &Source, offset: usize, text: &str, root: &Table) -> diag::Result<()> {
    let document = DeTable::parse(text).map_err(|err| toml_error(source, offset, &err).boxed())?;
    let mut checker = Checker {
        source,
        offset,
        text,
        found: Vec::new(),
    };
    checker.table(document.get_ref(), document.span(), root);
    match Diagnostic::together(checker.found) {
        Some(d) => Err(d),
        None => Ok(()),
    }
}

/// The `toml` crate's error (a syntax error, or serde's), pointing into the real file, with
/// "did you mean" for a misspelt key or word.
pub fn toml_error(source: &Source, offset: usize, err: &toml::de::Error) -> Diagnostic {
    let message = plain_words(&first_line(err.message().trim()));
    let span = err
        .span()
        .map(|s| s.start + offset..s.end + offset)
        .unwrap_or(offset..offset);
    let mut d = Diagnostic::error(message.clone()).at(source, span);
    let field = unknown_name(&message, "field");
    if let Some((unknown, expected)) = field.clone().or_else(|| unknown_name(&message, "variant"))
        && let Some(close) = diag::did_you_mean(&unknown, expected.iter().map(String::as_str))
    {
        d = d.hint(format!("did you mean `{close}`?"));
    }
    if let Some((_, expected)) = field
        && !message.contains("expected one of")
    {
        let list: Vec<String> = expected.iter().map(|k| format!("`{k}`")).collect();
        d = d.hint(format!("valid keys here: {}", list.join(", ")));
    }
    d
}

/// serde's words for Rust types (`expected struct Signature`, `untagged enum PageSize`) in a
/// user's: the checker says what is expected before serde runs, so this is a backstop.
fn plain_words(message: &str) -> String {
    if let Some(at) = message.find("expected struct ") {
        return format!("{}expected a table", &message[..at]);
    }
    if message.contains("untagged enum") {
        return "the value has none of the forms this key takes".into();
    }
    message.to_string()
}

fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    let mut line = line.to_string();
    if let Some(first) = line.get(..1) {
        line.replace_range(..1, &first.to_lowercase());
    }
    line
}

/// From "unknown field `x`, expected one of `a`, `b`" (or "unknown variant …"): the unknown
/// name and the valid ones. `kind` is `field` or `variant`.
fn unknown_name(message: &str, kind: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(&format!("unknown {kind} `"))?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string);
    Some((unknown.to_string(), expected.collect()))
}

/// `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``: serde's wording, which existing
/// messages keep.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".into(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", list.join(", "))
        }
    }
}

/// The key a value is checked for, and whether the value is an entry of its array.
#[derive(Clone, Copy)]
struct Name<'k> {
    key: &'k str,
    item: bool,
}

impl Name<'_> {
    /// The same key, for an entry of its array.
    fn item(self) -> Self {
        Name { item: true, ..self }
    }

    /// What a message is about: `` `to` ``, or `` each entry of `to` ``.
    fn subject(self) -> String {
        if self.item {
            format!("each entry of `{}`", self.key)
        } else {
            format!("`{}`", self.key)
        }
    }

    /// The value as the fix writes it: `to = "3"` for a key, `"3"` for an entry.
    fn set(self, value: &str) -> String {
        if self.item {
            value.to_string()
        } else {
            format!("{} = {value}", self.key)
        }
    }
}

struct Checker<'a> {
    source: &'a Source,
    offset: usize,
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> std::ops::Range<usize> {
        span.start + self.offset..span.end + self.offset
    }

    fn report(&mut self, d: Diagnostic, span: std::ops::Range<usize>) {
        let span = self.at(span);
        self.found.push(d.at(self.source, span));
    }

    /// A table's keys: unknown ones, each value, and the required ones missing.
    fn table(&mut self, table: &DeTable<'_>, span: std::ops::Range<usize>, shape: &Table) {
        // Keys an unknown key looks like a misspelling of: a required one among them is not
        // reported missing as well.
        let mut meant = Vec::new();
        for (key, value) in table {
            let name = key.get_ref();
            match shape.fields.iter().find(|f| f.key == name.as_ref()) {
                Some(field) => self.field(field, value),
                None => meant.extend(self.unknown_key(name, key.span(), shape)),
            }
        }
        for field in shape.fields.iter().filter(|f| f.required) {
            if table.get(field.key).is_none() && !meant.contains(&field.key) {
                self.report(
                    Diagnostic::error(format!("missing field `{}`", field.key))
                        .hint(format!("add {} = … to this table", field.key)),
                    span.clone(),
                );
            }
        }
    }

    /// Reports an unknown key; the known one it looks like a misspelling of, if any.
    fn unknown_key(
        &mut self,
        name: &str,
        span: std::ops::Range<usize>,
        shape: &Table,
    ) -> Option<&'static str> {
        let keys: Vec<&str> = shape.fields.iter().map(|f| f.key).collect();
        let mut d = Diagnostic::error(if keys.is_empty() {
            format!("unknown field `{name}`, there are no fields")
        } else {
            format!("unknown field `{name}`, expected {}", one_of(&keys))
        });
        let close = diag::did_you_mean(name, keys.iter().copied());
        if let Some(close) = close {
            d = d.hint(format!("did you mean `{close}`?"));
        }
        if keys.len() < 3 {
            let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            d = d.hint(format!("valid keys here: {}", list.join(", ")));
        }
        self.report(d, span);
        close
    }

    fn field(&mut self, field: &Field, value: &Spanned<DeValue<'_>>) {
        let name = Name {
            key: field.key,
            item: false,
        };
        let ok = self.value(name, &field.kind, field.what, value);
        if ok
            && let Some(rule) = field.rule
            && let Err(d) = rule(value.get_ref())
        {
            self.report(*d, value.span());
        }
    }

    /// Checks a value against its kind; whether it fits (so that a rule may look at it).
    fn value(
        &mut self,
        name: Name<'_>,
        kind: &Kind,
        what: Option<&str>,
        value: &Spanned<DeValue<'_>>,
    ) -> bool {
        let span = value.span();
        let v = value.get_ref();
        if !kind.fits(v) {
            let d = self.wrong_type(name, kind, what, value);
            self.report(d, span);
            return false;
        }
        match (kind, v) {
            (Kind::Length { example }, DeValue::String(text)) => match length::parse(text) {
                Ok(_) => true,
                Err(message) => {
                    let mut d = Diagnostic::error(message);
                    let number = text.trim();
                    if number.parse::<f64>().is_ok() {
                        d = d.hint(format!("add a unit: \"{number}{}\"", unit_of(example)));
                    }
                    self.report(d, span);
                    false
                }
            },
            (Kind::Parsed { parse, .. }, DeValue::String(text)) => match parse(text) {
                Ok(()) => true,
                Err(message) => {
                    self.report(Diagnostic::error(message), span);
                    false
                }
            },
            (Kind::Date, DeValue::Datetime(dt)) => match date_problem(name.key, dt) {
                None => true,
                Some(d) => {
                    self.report(d, span);
                    false
                }
            },
            (Kind::Word(words), DeValue::String(word)) => {
                if words.contains(&word.as_ref()) {
                    return true;
                }
                let mut d = Diagnostic::error(format!(
                    "unknown variant `{word}`, expected {}",
                    one_of(words)
                ));
                if let Some(close) = diag::did_you_mean(word, words.iter().copied()) {
                    d = d.hint(format!("did you mean `{close}`?"));
                }
                self.report(d, span);
                false
            }
            (Kind::Texts | Kind::TextOrTexts, DeValue::Array(items)) => self
                .all(items, |c, item| {
                    c.value(name.item(), &Kind::Text, None, item)
                }),
            (Kind::Columns, DeValue::Array(columns)) => self.all(columns, |c, column| {
                c.value(
                    name.item(),
                    &Kind::Texts,
                    Some("a column: an array of strings"),
                    column,
                )
            }),
            (Kind::Table(shape), DeValue::Table(table)) => {
                let before = self.found.len();
                self.table(table, span, shape);
                self.found.len() == before
            }
            (Kind::Tables { table: shape, what }, DeValue::Array(items)) => {
                self.all(items, |c, item| match item.get_ref() {
                    DeValue::Table(table) => {
                        let before = c.found.len();
                        c.table(table, item.span(), shape);
                        c.found.len() == before
                    }
                    _ => {
                        let d = c
                            .wrong_type(name.item(), &Kind::Table(shape), Some("a table"), item)
                            .hint(format!("write it as {what}"));
                        c.report(d, item.span());
                        false
                    }
                })
            }
            (Kind::OneOrList(kind), DeValue::Array(items)) => {
                self.all(items, |c, item| c.value(name.item(), kind, None, item))
            }
            (Kind::OneOrList(kind), _) => self.value(name, kind, what, value),
            (Kind::Either(a, b), _) => {
                let kind = if a.fits(v) { a } else { b };
                self.value(name, kind, what, value)
            }
            _ => true,
        }
    }

    /// Checks every item; whether all fit.
    fn all<'v>(
        &mut self,
        items: &[Spanned<DeValue<'v>>],
        mut check: impl FnMut(&mut Self, &Spanned<DeValue<'v>>) -> bool,
    ) -> bool {
        let mut ok = true;
        for item in items {
            ok &= check(self, item);
        }
        ok
    }

    /// "`size` should be a length with a unit, like "11pt", not the number `11`", with the
    /// fix for the common mistakes.
    fn wrong_type(
        &self,
        name: Name<'_>,
        kind: &Kind,
        what: Option<&str>,
        value: &Spanned<DeValue<'_>>,
    ) -> Diagnostic {
        let v = value.get_ref();
        let span = value.span();
        let written = self.text.get(span).unwrap_or("").trim();
        let found = match v {
            DeValue::String(_) => format!("the string `{}`", shorten(written)),
            DeValue::Integer(_) | DeValue::Float(_) => format!("the number `{written}`"),
            DeValue::Boolean(_) => format!("`{written}`"),
            DeValue::Datetime(_) => format!("the date `{written}`"),
            DeValue::Array(_) => "an array".into(),
            DeValue::Table(_) => "a table".into(),
        };
        let what = what.map_or_else(|| kind.what(), str::to_string);
        let mut d = Diagnostic::error(format!("{} should be {what}, not {found}", name.subject()));
        let kinds = kind.alternatives();
        let wants = |k: fn(&Kind) -> bool| kinds.iter().any(|kind| k(kind));
        let length = kinds.iter().find_map(|k| match k {
            Kind::Length { example } => Some(*example),
            _ => None,
        });
        let quoted = |text: &str| text.trim().to_string();
        match v {
            DeValue::String(text) if wants(|k| matches!(k, Kind::Date)) => {
                let bare = matches!(
                    DeValue::parse(text.trim()).map(Spanned::into_inner),
                    Ok(DeValue::Datetime(_))
                );
                d = d.hint(if bare {
                    format!(
                        "remove the quotes: a date is written bare, {}",
                        name.set(&quoted(text))
                    )
                } else {
                    format!(
                        "write the date bare, as year-month-day: {}",
                        name.set("2026-12-02")
                    )
                });
            }
            DeValue::String(text)
                if wants(|k| matches!(k, Kind::Bool))
                    && matches!(text.trim(), "true" | "false") =>
            {
                d = d.hint(format!("remove the quotes: {}", name.set(&quoted(text))));
            }
            DeValue::String(text)
                if wants(|k| matches!(k, Kind::Number)) && text.trim().parse::<f64>().is_ok() =>
            {
                d = d.hint(format!("remove the quotes: {}", name.set(&quoted(text))));
            }
            DeValue::String(_) if wants(|k| matches!(k, Kind::Texts)) => {
                d = d.hint(format!(
                    "write it as an array: {}",
                    name.set(&format!("[{written}]"))
                ));
            }
            DeValue::Integer(_) | DeValue::Float(_) if length.is_some() => {
                let unit = unit_of(length.unwrap_or_default());
                d = d.hint(format!("add a unit: \"{written}{unit}\""));
            }
            // Text only (a phone number): a number where a list or a table may stand is no
            // quoting mistake.
            DeValue::Integer(_)
            | DeValue::Float(_)
            | DeValue::Boolean(_)
            | DeValue::Datetime(_)
                if matches!(kind, Kind::Text) =>
            {
                d = d.hint(format!(
                    "put it in quotes: {}",
                    name.set(&format!("\"{written}\""))
                ));
            }
            _ => {}
        }
        d
    }
}

/// A date with a day that exists; `None` when it is fine.
fn date_problem(key: &str, dt: &toml::value::Datetime) -> Option<Diagnostic> {
    let Some(d) = dt.date else {
        return Some(
            Diagnostic::error(format!("`{key} = {dt}` has no day"))
                .hint("write the date as 2015-08-05"),
        );
    };
    let valid = time::Month::try_from(d.month)
        .ok()
        .and_then(|month| time::Date::from_calendar_date(i32::from(d.year), month, d.day).ok());
    match valid {
        Some(_) => None,
        None => Some(Diagnostic::error(format!("`{dt}` is not a valid date"))),
    }
}

/// The unit of an example length (`"11pt"` → `pt`).
fn unit_of(example: &str) -> &str {
    example.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
}

/// A value as written, cut to a readable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INNER: Table = Table {
        what: "a table of lengths, like m = { top = \"1in\" }",
        fields: &[
            Field::new("top", Kind::Length { example: "25mm" }),
            Field::new("name", Kind::Text).required(),
        ],
    };
    const ROOT: Table = Table {
        what: "a file",
        fields: &[
            Field::new("size", Kind::Length { example: "11pt" }),
            Field::new("date", Kind::Date),
            Field::new("on", Kind::Bool),
            Field::new("to", Kind::TextOrTexts),
            Field::new("m", Kind::Table(&INNER)),
        ],
    };

    fn errors(text: &str) -> Vec<String> {
        let source = Source {
            path: "f.toml".into(),
            text: text.into(),
        };
        match check(&source, 0, text, &ROOT) {
            Ok(()) => Vec::new(),
            Err(d) => d
                .all()
                .map(|d| {
                    let (line, _) = d.line_col().unwrap_or_default();
                    format!("{line}: {} | {}", d.message, d.hints.join(" | "))
                })
                .collect(),
        }
    }

    #[test]
    fn every_mistake_in_file_order() {
        let found = errors("on = \"yes\"\nsiz = \"1pt\"\nsize = 11\nm = { top = \"3\" }\n");
        assert_eq!(
            found,
            [
                "1: `on` should be `true` or `false`, not the string `\"yes\"` | ",
                "2: unknown field `siz`, expected one of `size`, `date`, `on`, `to`, `m` | did you mean `size`?",
                "3: `size` should be a length with a unit, like \"11pt\", not the number `11` | add a unit: \"11pt\"",
                "4: missing field `name` | add name = … to this table",
                "4: `3` has no unit; write it like \"25mm\", \"1in\", \"2.5cm\" or \"12pt\" | add a unit: \"3mm\"",
            ]
        );
    }

    #[test]
    fn dates_are_bare_and_real() {
        assert_eq!(
            errors("date = \"2026-12-02\"\n"),
            [
                "1: `date` should be a date, written bare like 2026-12-02, not the string `\"2026-12-02\"` | remove the quotes: a date is written bare, date = 2026-12-02"
            ]
        );
        // The TOML parser knows the calendar.
        assert_eq!(
            errors("date = 2026-02-30\n"),
            ["1: invalid date, expected day between 01 and 28 | "]
        );
        assert_eq!(
            errors("date = 10:30:00\n"),
            ["1: `date = 10:30:00` has no day | write the date as 2015-08-05"]
        );
        assert!(errors("date = 2026-02-28T10:00:00\n").is_empty());
    }

    #[test]
    fn text_or_texts_checks_each_item() {
        assert!(errors("to = \"A\"\n").is_empty());
        assert!(errors("to = [\"A\", \"B\"]\n").is_empty());
        assert_eq!(
            errors("to = [\"A\", 3]\n"),
            [
                "1: each entry of `to` should be a string in quotes, not the number `3` | put it in quotes: \"3\""
            ]
        );
    }

    #[test]
    fn serde_type_names_become_words() {
        assert_eq!(
            plain_words("invalid type: string \"x\", expected struct MarginsFile"),
            "invalid type: string \"x\", expected a table"
        );
    }
}
