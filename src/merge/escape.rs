//! Values as text, never as syntax: the escaping of a mail-merge value for where the template
//! prints it (inside a TOML string of the front matter, unquoted in the front matter, or in
//! the text of the Markdown body), and the check of where each placeholder of the front matter
//! stands; and what a printed value prints as (printing a table or list whole is an error).
//!
//! It takes text and gives text; it knows nothing of rows, data files or layout.

use std::fmt::Write as _;
use std::ops::Range;

use minijinja::value::ValueKind;
use minijinja::{ErrorKind, Value};

use crate::diag::{self, Diagnostic, Source};

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
pub(super) fn guard_front_matter(source: &Source, range: Range<usize>) -> diag::Result<String> {
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
pub(super) fn bare(value: String) -> Result<String, minijinja::Error> {
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

/// Escapes a value for text in a Markdown body (`place` chooses other escapes for code and
/// addresses): every ASCII punctuation character is backslash-escaped
/// (CommonMark lets any be), each line is trimmed (no indented code), and a line break in the
/// value becomes a hard line break.
///
/// ```
/// use letterhead::internals::merge::escape_markdown;
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

/// What a printed value prints as: a value from a CSV cell is text, one from JSON or TOML
/// may be a number, `true`/`false` (written as in the data, where minijinja writes `True`),
/// or nothing (`null`). A table or list has no text of its own: printing one is an error
/// (`row_error` names it), not its raw JSON.
pub(super) fn value_text(value: &Value) -> Result<Option<String>, minijinja::Error> {
    let printed = |what: String| Err(minijinja::Error::new(ErrorKind::InvalidOperation, what));
    match value.kind() {
        ValueKind::None => Ok(None),
        ValueKind::Bool => Ok(Some(value.is_true().to_string())),
        ValueKind::Map => {
            let keys: Vec<String> = value
                .try_iter()
                .map(|keys| keys.take(5).map(|k| k.to_string()).collect())
                .unwrap_or_default();
            printed(format!("{TABLE}{}", keys.join(KEYS)))
        }
        ValueKind::Seq | ValueKind::Iterable => printed(LIST.to_string()),
        _ => Ok(Some(value.to_string())),
    }
}

/// The start of the detail of the error for a printed table (then its first keys) or list.
const TABLE: &str = "printed table, keys: ";
const LIST: &str = "printed list";
/// Between the keys in that detail.
pub(super) const KEYS: &str = "\u{1f}";

/// For the error of a printed table or list: `("table", its first keys)` or `("list", "")`.
pub(super) fn printed_whole(e: &minijinja::Error) -> Option<(&'static str, &str)> {
    let detail = e.detail()?;
    if let Some(keys) = detail.strip_prefix(TABLE) {
        Some(("table", keys))
    } else {
        (detail == LIST).then_some(("list", ""))
    }
}
