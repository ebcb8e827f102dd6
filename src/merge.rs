//! Mail merge: a letter template with `{{ column }}` placeholders (minijinja), filled in once per
//! row of a data file (CSV with the `csv` crate, a JSON array of objects, or a TOML array of
//! tables), and the output file name of each row.
//!
//! Values are inserted as text, never as syntax: in the front matter they are escaped for a TOML
//! string, in the body every ASCII punctuation character is backslash-escaped for Markdown, so a
//! value holding `"`, `+++`, `**bold**`, `<script>` or a newline shows as written and cannot
//! break the front matter or add formatting.
//!
//! It takes the template's and the data's text and gives letter texts and names, or
//! diagnostics with the row and column; it reads no file and knows nothing about layout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::diag::{self, Diagnostic, Source};
use crate::letter;

/// Longest output file name, in bytes, before `.pdf`.
pub const MAX_NAME_BYTES: usize = 120;

/// One row of data: its values by column name.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based number of the record (the header is not a record).
    pub number: usize,
    /// 1-based line of the data file where the record starts.
    pub line: usize,
    /// The values, by column name.
    pub values: BTreeMap<String, String>,
}

/// The recipients' data.
#[derive(Debug, Clone)]
pub struct Data {
    /// The file.
    pub path: PathBuf,
    /// Column names, in the file's order.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// A template compiled for filling in.
pub struct Template {
    source: Source,
    /// Front matter: its byte range in the template, compiled.
    front: Option<Range<usize>>,
    /// Where the body starts in the template.
    body_offset: usize,
    front_env: Environment<'static>,
    body_env: Environment<'static>,
    name_env: Environment<'static>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("path", &self.source.path)
            .finish()
    }
}

/// An environment whose placeholders are escaped by `escape`, and that fails on a name it
/// does not know.
fn environment(escape: fn(&str) -> String) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_formatter(move |out, _state, value| {
        if value.is_none() {
            return Ok(());
        }
        let text = value.to_string();
        out.write_str(&escape(&text))
            .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed"))
    });
    env
}

impl Template {
    /// Compiles a template; a syntax error points at its place in the file. `name` is the
    /// `--name` pattern for output files.
    pub fn parse(source: Source, name: &str) -> diag::Result<Template> {
        let parts = letter::split(&source)?;
        let mut front_env = environment(escape_toml);
        let mut body_env = environment(escape_markdown);
        let mut name_env = environment(|s| s.to_string());
        front_env.add_filter("bare", bare);
        if let Some(range) = &parts.front {
            let text = guard_front_matter(&source, range.clone())?;
            front_env
                .add_template_owned("front", text)
                .map_err(|e| template_error(&e, &source, range.start))?;
        }
        let body = source.text[parts.body_offset..].to_string();
        body_env
            .add_template_owned("body", body)
            .map_err(|e| template_error(&e, &source, parts.body_offset))?;
        name_env
            .add_template_owned("name", name.to_string())
            .map_err(|e| {
                Diagnostic::error(format!(
                    "`--name {name}` is not a valid pattern: {}",
                    detail(&e)
                ))
                .hint("write column names in double braces: --name \"{{ last_name }}-{{ id }}\"")
                .boxed()
            })?;
        Ok(Template {
            source,
            front: parts.front,
            body_offset: parts.body_offset,
            front_env,
            body_env,
            name_env,
        })
    }

    /// The template file.
    pub fn path(&self) -> &Path {
        &self.source.path
    }

    /// The letter for one row: the template with the row's values filled in.
    pub fn fill(&self, row: &Row, data: &Path) -> diag::Result<String> {
        let context = Value::from(row.values.clone());
        let mut text = String::with_capacity(self.source.text.len() + 256);
        if let Some(range) = &self.front {
            // The front matter's range starts with the line break after the opening `+++`, so
            // the filled-in letter keeps the template's line numbers.
            text.push_str("+++");
            let front = self
                .render(&self.front_env, "front", &context)
                .map_err(|e| self.row_error(&e, row, data, range.start))?;
            text.push_str(&front);
            if !front.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("+++\n");
        }
        let body = self
            .render(&self.body_env, "body", &context)
            .map_err(|e| self.row_error(&e, row, data, self.body_offset))?;
        text.push_str(&body);
        Ok(text)
    }

    /// The output file name (without `.pdf`) for one row, sanitised.
    pub fn name(&self, row: &Row, data: &Path) -> diag::Result<String> {
        let context = Value::from(row.values.clone());
        let raw = self.render(&self.name_env, "name", &context).map_err(|e| {
            Diagnostic::error(format!(
                "row {} of `{}`: cannot make its file name: {}",
                row.number,
                data.display(),
                detail(&e)
            ))
            .hint(format!("the columns are: {}", quoted(row.values.keys())))
            .boxed()
        })?;
        let name = sanitize(&raw);
        if name.is_empty() {
            return Err(Diagnostic::error(format!(
                "row {} of `{}` gives an empty file name",
                row.number,
                data.display()
            ))
            .hint("use a column that is never empty in --name, e.g. an id")
            .boxed());
        }
        Ok(name)
    }

    fn render(
        &self,
        env: &Environment<'static>,
        name: &str,
        context: &Value,
    ) -> Result<String, minijinja::Error> {
        env.get_template(name)?.render(context)
    }

    /// A failure to fill in a row: which row, which column, and where in the template.
    fn row_error(
        &self,
        e: &minijinja::Error,
        row: &Row,
        data: &Path,
        offset: usize,
    ) -> Box<Diagnostic> {
        // An undefined name is shown by name: it is the text the error points at.
        let what = match (e.kind(), e.range()) {
            (minijinja::ErrorKind::UndefinedError, Some(span)) => self
                .source
                .text
                .get(span.start + offset..span.end + offset)
                .map(|name| format!("it has no column `{}`", name.trim())),
            _ => None,
        }
        .unwrap_or_else(|| detail(e));
        let mut d = Diagnostic::error(format!("{}: {what}", row_label(row, data)));
        if let Some(span) = e.range() {
            d = d.at(&self.source, span.start + offset..span.end + offset);
        } else {
            d = d.in_file(&self.source.path);
        }
        if e.kind() == minijinja::ErrorKind::UndefinedError {
            d = d.hint(format!(
                "this row has the columns {}; test an optional one with `{{% if name is defined %}}`",
                quoted(row.values.keys())
            ));
        }
        d.boxed()
    }
}

/// How messages name a row: "row 3 of `supporters.csv` (line 4)".
pub fn row_label(row: &Row, data: &Path) -> String {
    let line = if row.line > 0 {
        format!(" (line {})", row.line)
    } else {
        String::new()
    };
    format!("row {} of `{}`{line}", row.number, data.display())
}

fn quoted<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// minijinja's message without its "(in template:line)" tail: the diagnostic shows the place.
fn detail(e: &minijinja::Error) -> String {
    let message = match (e.kind(), e.detail()) {
        (minijinja::ErrorKind::UndefinedError, _) => "a column it uses is missing".to_string(),
        (_, Some(detail)) => format!("{}: {detail}", e.kind()),
        (_, None) => e.kind().to_string(),
    };
    let mut message = message;
    if let Some(first) = message.get(..1) {
        message.replace_range(..1, &first.to_lowercase());
    }
    message
}

fn template_error(e: &minijinja::Error, source: &Source, offset: usize) -> Box<Diagnostic> {
    let d = Diagnostic::error(format!("the template has a mistake: {}", detail(e)));
    match e.range() {
        Some(span) => d.at(source, span.start + offset..span.end + offset),
        None => d.in_file(&source.path),
    }
    .hint("placeholders are {{ column }}; optional lines use {% if column %}…{% endif %}")
    .boxed()
}

/// Where a placeholder stands in the front matter's TOML.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TomlContext {
    /// Between values: `key = {{ x }}`.
    Bare,
    /// Inside `"…"` or `"""…"""`: values are escaped for it.
    Basic,
    /// Inside a literal string (single quotes): nothing can be escaped there.
    Literal,
    /// In a comment, to the end of the line.
    Comment,
}

/// Checks where each placeholder of the front matter stands, and returns the template text to
/// compile: inside a basic string a value is escaped for it; a bare value (`date = {{ d }}`)
/// must be a plain date, number or word, checked per row by the `bare` filter; inside a
/// literal string no escape exists, so a placeholder there is an error.
fn guard_front_matter(source: &Source, range: Range<usize>) -> diag::Result<String> {
    let text = &source.text[range.clone()];
    let mut out = String::with_capacity(text.len() + 16);
    let mut context = TomlContext::Bare;
    // Inside a multi-line string: its closing delimiter.
    let mut closing: &str = "";
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("{{") {
            let end = rest.find("}}").map_or(rest.len(), |e| e + 2);
            let placeholder = &rest[..end];
            match context {
                TomlContext::Literal => {
                    return Err(Diagnostic::error(
                        "a placeholder inside a single-quoted string, where a value's quotes cannot be escaped",
                    )
                    .at(source, range.start + i..range.start + i + end)
                    .hint("put placeholders inside \"…\" strings, e.g. to = [\"{{ name }}\"]")
                    .boxed());
                }
                TomlContext::Bare if placeholder.len() > 4 && placeholder.ends_with("}}") => {
                    let inner = &placeholder[2..placeholder.len() - 2];
                    out.push_str(&format!("{{{{ ({inner}) | bare }}}}"));
                }
                _ => out.push_str(placeholder),
            }
            i += end;
            continue;
        }
        if rest.starts_with("{%") || rest.starts_with("{#") {
            let close = if rest.starts_with("{%") { "%}" } else { "#}" };
            let end = rest.find(close).map_or(rest.len(), |e| e + 2);
            out.push_str(&rest[..end]);
            i += end;
            continue;
        }
        // The delimiters that change the context, longest first.
        let step = match context {
            TomlContext::Bare => {
                if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
                    context = if rest.starts_with('"') {
                        TomlContext::Basic
                    } else {
                        TomlContext::Literal
                    };
                    closing = &rest[..3];
                    3
                } else if rest.starts_with('"') {
                    context = TomlContext::Basic;
                    closing = "";
                    1
                } else if rest.starts_with('\'') {
                    context = TomlContext::Literal;
                    closing = "";
                    1
                } else if rest.starts_with('#') {
                    context = TomlContext::Comment;
                    1
                } else {
                    0
                }
            }
            TomlContext::Comment => {
                if rest.starts_with('\n') {
                    context = TomlContext::Bare;
                }
                0
            }
            TomlContext::Basic if rest.starts_with('\\') => {
                // An escape: the next character belongs to the string.
                1 + rest[1..].chars().next().map_or(0, char::len_utf8)
            }
            TomlContext::Basic | TomlContext::Literal => {
                let quote = if context == TomlContext::Basic {
                    '"'
                } else {
                    '\''
                };
                if !closing.is_empty() && rest.starts_with(closing) {
                    context = TomlContext::Bare;
                    3
                } else if closing.is_empty() && (rest.starts_with(quote) || rest.starts_with('\n'))
                {
                    context = TomlContext::Bare;
                    1
                } else {
                    0
                }
            }
        };
        let step = if step == 0 {
            rest.chars().next().map_or(1, char::len_utf8)
        } else {
            step
        };
        out.push_str(&rest[..step.min(rest.len())]);
        i += step;
    }
    Ok(out)
}

/// The `bare` filter: a value standing unquoted in the front matter (a date, a number) may
/// hold nothing that TOML would read as syntax.
fn bare(value: String) -> Result<String, minijinja::Error> {
    let plain = value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | ':' | '.' | '+' | '_' | ' '));
    if plain {
        Ok(value)
    } else {
        Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("the value `{value}` cannot stand outside quotes in the front matter"),
        ))
    }
}

/// Escapes a value for the inside of a TOML basic string (`"…"`): it can neither end the
/// string nor start a new line of TOML.
pub fn escape_toml(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a value for a Markdown body: every ASCII punctuation character is backslash-escaped
/// (CommonMark lets any be), each line is trimmed (no indented code), and a line break in the
/// value becomes a hard line break.
///
/// ```
/// use letterhead::merge::escape_markdown;
/// assert_eq!(escape_markdown("**bold** <b>"), r"\*\*bold\*\* \<b\>");
/// ```
pub fn escape_markdown(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    // CommonMark also ends a line at a lone carriage return.
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in value.trim_end_matches('\n').split('\n').enumerate() {
        if i > 0 {
            out.push_str("\\\n");
        }
        for c in line.trim().chars() {
            if c.is_ascii_punctuation() {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A file name from a rendered `--name`: no path separators, no `..`, no control or reserved
/// characters, no leading dot or trailing dot or space, at most `MAX_NAME_BYTES` bytes.
///
/// ```
/// use letterhead::merge::sanitize;
/// assert_eq!(sanitize("../etc/passwd"), "etc-passwd");
/// assert_eq!(sanitize("Müller, Jörg: 7"), "Müller, Jörg- 7");
/// ```
pub fn sanitize(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        let bad =
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
        name.push(if bad { '-' } else { c });
    }
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    let mut name = name
        .trim_matches(|c: char| c == '.' || c == '-' || c.is_whitespace())
        .to_string();
    if name.len() > MAX_NAME_BYTES {
        let mut end = MAX_NAME_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        name = name.trim_end_matches(['.', ' ']).to_string();
    }
    name
}

/// Reads the data: by extension, `.json` (an array of objects), `.toml` (an array of tables),
/// anything else CSV with a header row (`delimiter` between fields).
pub fn parse_data(source: &Source, delimiter: u8) -> diag::Result<Data> {
    let extension = source
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let data = match extension.as_deref() {
        Some("json") => parse_json(source)?,
        Some("toml") => parse_toml(source)?,
        _ => parse_csv(source, delimiter)?,
    };
    if data.rows.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{}` holds no rows of data",
            source.path.display()
        ))
        .in_file(&source.path)
        .boxed());
    }
    Ok(data)
}

fn parse_csv(source: &Source, delimiter: u8) -> diag::Result<Data> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(source.text.as_bytes());
    let csv_error = |e: csv::Error| {
        let d = Diagnostic::error(format!("`{}` is not valid CSV: {e}", source.path.display()));
        match e.position() {
            Some(p) => {
                let at = usize::try_from(p.byte()).unwrap_or(0);
                d.at(source, at..at)
            }
            None => d.in_file(&source.path),
        }
        .boxed()
    };
    let columns: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if let Some(empty) = columns.iter().position(String::is_empty) {
        return Err(Diagnostic::error(format!(
            "column {} of the header of `{}` has no name",
            empty + 1,
            source.path.display()
        ))
        .at(
            source,
            0..source.text.find('\n').unwrap_or(source.text.len()),
        )
        .hint("the first row names the columns, e.g. `first_name,last_name,email`")
        .boxed());
    }
    if columns.len() == 1 && delimiter == b',' && columns[0].contains(';') {
        return Err(Diagnostic::error(format!(
            "the header of `{}` has one column, `{}`",
            source.path.display(),
            columns[0]
        ))
        .at(source, 0..columns[0].len())
        .hint("the fields look separated by `;`: pass --delimiter ';'")
        .boxed());
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        let values = columns
            .iter()
            .zip(record.iter())
            .map(|(c, v)| (c.clone(), v.to_string()))
            .collect();
        rows.push(Row {
            number: i + 1,
            line,
            values,
        });
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
    })
}

fn parse_json(source: &Source) -> diag::Result<Data> {
    let value: serde_json::Value = serde_json::from_str(&source.text).map_err(|e| {
        let offset = line_offset(&source.text, e.line()) + e.column().saturating_sub(1);
        Diagnostic::error(format!(
            "`{}` is not valid JSON: {e}",
            source.path.display()
        ))
        .at(source, offset..offset)
        .boxed()
    })?;
    let not_array = || {
        Diagnostic::error(format!(
            "`{}` must hold an array of objects, one per letter",
            source.path.display()
        ))
        .in_file(&source.path)
        .hint(r#"write [{"first_name": "Ada", "city": "London"}, …]"#)
        .boxed()
    };
    let items = value.as_array().ok_or_else(not_array)?;
    let mut rows = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let object = item.as_object().ok_or_else(not_array)?;
        let mut values = BTreeMap::new();
        for (key, value) in object {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
            values.insert(key.clone(), json_text(value));
        }
        rows.push(record(i, values));
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
    })
}

/// The `i`-th record (0-based) of a JSON or TOML file, which have no lines to report.
fn record(i: usize, values: BTreeMap<String, String>) -> Row {
    Row {
        number: i + 1,
        line: 0,
        values,
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_toml(source: &Source) -> diag::Result<Data> {
    let table: toml::Table = crate::config::from_toml(source, 0, &source.text)?;
    let mut arrays = table.iter().filter_map(|(k, v)| Some((k, v.as_array()?)));
    let (Some((_, items)), None) = (arrays.next(), arrays.next()) else {
        return Err(Diagnostic::error(format!(
            "`{}` must hold one array of tables, one table per letter",
            source.path.display()
        ))
        .in_file(&source.path)
        .hint("write each row as [[row]] followed by its `key = \"value\"` lines")
        .boxed());
    };
    let mut rows = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(t) = item.as_table() else {
            return Err(Diagnostic::error(format!(
                "entry {} of `{}` is not a table",
                i + 1,
                source.path.display()
            ))
            .in_file(&source.path)
            .boxed());
        };
        let mut values = BTreeMap::new();
        for (key, value) in t {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            values.insert(key.clone(), text);
        }
        rows.push(record(i, values));
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
    })
}

/// Byte offset of the start of 1-based line `line`.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    fn row(pairs: &[(&str, &str)]) -> Row {
        Row {
            number: 1,
            line: 2,
            values: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn values_cannot_break_the_front_matter_or_add_formatting() {
        let t = Template::parse(
            source(
                "t.md",
                "+++\nto = [\"{{ name }}\"]\n+++\n\nDear {{ name }},\n",
            ),
            "{{ name }}",
        )
        .unwrap();
        let evil = "x\"]\n+++\n**bold** <script> \"\"\"";
        let text = t.fill(&row(&[("name", evil)]), Path::new("d.csv")).unwrap();
        let letter = letter::parse(source("out.md", &text)).unwrap();
        assert_eq!(letter.front.to, vec![evil.to_string()]);
        assert_eq!(
            letter.body(),
            "\nDear x\\\"\\]\\\n\\+\\+\\+\\\n\\*\\*bold\\*\\* \\<script\\> \\\"\\\"\\\",\n"
        );
    }

    #[test]
    fn placeholders_in_single_quoted_strings_are_refused() {
        let err = Template::parse(source("t.md", "+++\nto = ['{{ name }}']\n+++\nHi\n"), "x")
            .unwrap_err();
        assert_eq!(err.line_col(), Some((2, 8)));
    }

    #[test]
    fn bare_placeholders_take_plain_values_only() {
        let t = Template::parse(
            source(
                "t.md",
                "+++\ndate = {{ d }}\nps = \"\"\"{{ p }}\"\"\"\n+++\nHi\n",
            ),
            "x",
        )
        .unwrap();
        let ok = t.fill(
            &row(&[("d", "2015-08-05"), ("p", "a \"\"\" b")]),
            Path::new("d.csv"),
        );
        let letter = letter::parse(source("out.md", &ok.unwrap())).unwrap();
        assert_eq!(letter.front.ps.as_deref(), Some("a \"\"\" b"));
        let err = t
            .fill(
                &row(&[("d", "2015-08-05, image = 'x'"), ("p", "")]),
                Path::new("d.csv"),
            )
            .unwrap_err();
        assert!(
            err.message.contains("cannot stand outside quotes"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_lone_carriage_return_cannot_start_a_block() {
        assert_eq!(escape_markdown("x\r\r    code\n"), "x\\\n\\\ncode");
    }

    #[test]
    fn a_missing_column_names_the_row_and_points_into_the_template() {
        let t = Template::parse(source("t.md", "+++\n+++\nHi {{ first }}\n"), "x").unwrap();
        let err = t
            .fill(&row(&[("name", "A")]), Path::new("d.csv"))
            .unwrap_err();
        assert!(
            err.message.starts_with("row 1 of `d.csv` (line 2)"),
            "{}",
            err.message
        );
        assert_eq!(err.line_col(), Some((3, 7)));
        assert!(err.hints[0].contains("`name`"));
    }

    #[test]
    fn csv_with_bom_semicolons_and_quoted_newlines() {
        let text = "first;note\nAda;\"two\nlines\"\nBo;x\n";
        let data = parse_data(&source("d.csv", text), b';').unwrap();
        assert_eq!(data.columns, ["first", "note"]);
        assert_eq!(data.rows[0].values["note"], "two\nlines");
        assert_eq!(data.rows[1].line, 4);
        assert_eq!(data.rows[1].number, 2);
    }

    #[test]
    fn semicolon_csv_read_with_commas_suggests_the_delimiter() {
        let err = parse_data(&source("d.csv", "a;b\n1;2\n"), b',').unwrap_err();
        assert!(err.hints[0].contains("--delimiter ';'"));
    }

    #[test]
    fn json_and_toml_rows() {
        let json = parse_data(
            &source("d.json", r#"[{"a": "x", "n": 3}, {"a": null}]"#),
            b',',
        )
        .unwrap();
        assert_eq!(json.rows[0].values["n"], "3");
        assert_eq!(json.rows[1].values["a"], "");
        let toml = parse_data(
            &source("d.toml", "[[row]]\na = \"x\"\n[[row]]\na = \"y\"\n"),
            b',',
        )
        .unwrap();
        assert_eq!(toml.rows.len(), 2);
        assert_eq!(toml.rows[1].values["a"], "y");
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize("a/b\\c"), "a-b-c");
        assert_eq!(sanitize(".hidden"), "hidden");
        assert_eq!(sanitize("x\u{7}y"), "x-y");
        assert_eq!(sanitize(&"é".repeat(100)).len(), MAX_NAME_BYTES);
        assert_eq!(sanitize(".."), "");
    }
}
