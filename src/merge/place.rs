//! Values placed in a letter body by where they land in its Markdown: in text each is
//! backslash-escaped, in a code span or code block it is printed as it is, in an address (an
//! autolink, a link's destination, a bare `https://…`) it is percent-encoded, and in a table
//! row or heading its line breaks become spaces. So `A-1_x` prints as `A-1_x` in
//! `` `{{ id }}` `` and links whole in `https://example.org/?ref={{ id }}`, and no value becomes
//! Markdown syntax anywhere.
//!
//! The body template is first filled in with a marker for each value (the value hex-encoded
//! between two private-use characters the template does not contain); the Markdown around
//! the markers is then parsed, with each marker standing in as a plain word, and each marker
//! is replaced by its value escaped for that place. Values are placed where the filled-in
//! letter has them, loops and conditions included.
//!
//! It takes the filled-in text with markers and gives the letter body; it knows nothing of
//! rows, data files or layout.

use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag};

use super::escape::escape_markdown;
use crate::{markdown, punct};

/// The marker for values of a template, which writes and reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Markers {
    /// A private-use character the template's text does not contain.
    edge: char,
}

/// Where a value lands in the body's Markdown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// Text: backslash-escaped; `one_line` in a table row or heading.
    Text { one_line: bool },
    /// Inside a code span: as it is; `in_table` a `|` is escaped (a table splits cells first).
    CodeSpan { in_table: bool },
    /// A line of a code block: as it is.
    CodeBlock,
    /// Part of an address: percent-encoded.
    Address,
}

impl Markers {
    /// Markers that cannot occur in `template`.
    pub(crate) fn new(template: &str) -> Markers {
        let edge = ('\u{E000}'..='\u{F8FF}')
            .find(|&c| !template.contains(c))
            .unwrap_or('\u{F8FF}');
        Markers { edge }
    }

    /// Writes the marker of `value`.
    pub(crate) fn write(&self, out: &mut String, value: &str) {
        out.push(self.edge);
        for byte in value.bytes() {
            let _ = write!(out, "{byte:02x}");
        }
        out.push(self.edge);
    }

    /// The marked values of `text`: each marker's byte range and its value.
    fn find(&self, text: &str) -> Vec<(Range<usize>, String)> {
        let mut found = Vec::new();
        let mut rest = text.match_indices(self.edge).map(|(at, _)| at);
        while let (Some(start), Some(end)) = (rest.next(), rest.next()) {
            let hex = &text[start + self.edge.len_utf8()..end];
            let bytes: Vec<u8> = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
                .collect();
            let value = String::from_utf8_lossy(&bytes).into_owned();
            found.push((start..end + self.edge.len_utf8(), self.unmark(value)));
        }
        found
    }

    /// A value with the markers it holds (output captured by `{% set %}` or a macro, then
    /// printed) replaced by their values: it is escaped as a whole where it lands.
    fn unmark(&self, value: String) -> String {
        if !value.contains(self.edge) {
            return value;
        }
        let mut out = String::with_capacity(value.len());
        let mut done = 0;
        for (range, inner) in self.find(&value) {
            out.push_str(&value[done..range.start]);
            out.push_str(&inner);
            done = range.end;
        }
        out.push_str(&value[done..]);
        out
    }

    /// The body with each marker replaced by its value, escaped for where it lands.
    ///
    /// # Errors
    ///
    /// A value that cannot stand where it lands (a backtick in a code span, a code fence in a
    /// code block), as a message naming it.
    pub(crate) fn place(&self, text: &str) -> Result<String, String> {
        let markers = self.find(text);
        if markers.is_empty() {
            return Ok(text.to_string());
        }
        // Each marker stands in as a word of its own length, so offsets are kept.
        let mut probe = String::with_capacity(text.len());
        let mut done = 0;
        for (range, _) in &markers {
            probe.push_str(&text[done..range.start]);
            probe.extend(std::iter::repeat_n('x', range.len()));
            done = range.end;
        }
        probe.push_str(&text[done..]);
        let places = Places::of(&probe);
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for (range, value) in &markers {
            out.push_str(&text[done..range.start]);
            out.push_str(&escape_for(value, places.at(range.start))?);
            done = range.end;
        }
        out.push_str(&text[done..]);
        Ok(out)
    }
}

/// The value as it must be written where it lands.
fn escape_for(value: &str, place: Place) -> Result<String, String> {
    let shown = || {
        let short: String = value.chars().take(40).collect();
        if short.len() < value.len() {
            format!("{short}…")
        } else {
            short
        }
    };
    Ok(match place {
        // Curled like the template's own text (the parser's smart punctuation does not see
        // escaped quotes), then escaped.
        Place::Text { one_line: false } => escape_markdown(&punct::curl(value)),
        Place::Text { one_line: true } => escape_markdown(&punct::curl(&one_line(value))),
        Place::CodeSpan { in_table } => {
            if value.contains('`') {
                return Err(format!(
                    "the value `{}` holds a backtick, which would end the code span it is printed in",
                    shown()
                ));
            }
            let line = one_line(value);
            if in_table {
                line.replace('|', "\\|")
            } else {
                line
            }
        }
        Place::CodeBlock => {
            if value.contains("```") || value.contains("~~~") {
                return Err(format!(
                    "the value `{}` holds a code fence, which would end the code block it is printed in",
                    shown()
                ));
            }
            one_line(value)
        }
        Place::Address => percent_encode(value),
    })
}

/// The value on one line: each line trimmed, joined by a space.
fn one_line(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value as part of an address: what an address may hold as it is (letters, digits and
/// RFC 3986's `-._~:/?#@!$&'*+,;=%`) is kept, anything else percent-encoded, so that neither
/// a space nor a parenthesis nor `<>` ends the address early.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim().chars() {
        if c.is_alphanumeric() || "-._~:/?#@!$&'*+,;=%".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// The places of a body's Markdown: ranges of each kind, from its parse.
struct Places {
    /// Code spans, with whether they are in a table.
    code_spans: Vec<(Range<usize>, bool)>,
    code_blocks: Vec<Range<usize>>,
    /// Autolinks and bare addresses.
    addresses: Vec<Range<usize>>,
    /// Whole inline links and the text inside them: a place in the first and not in the
    /// second is the destination.
    links: Vec<Range<usize>>,
    link_texts: Vec<Range<usize>>,
    /// Table rows and headings.
    one_line: Vec<Range<usize>>,
}

impl Places {
    fn of(probe: &str) -> Places {
        let mut places = Places {
            code_spans: Vec::new(),
            code_blocks: Vec::new(),
            addresses: markdown::bare_links(probe)
                .into_iter()
                .map(|l| l.range)
                .collect(),
            links: Vec::new(),
            link_texts: Vec::new(),
            one_line: Vec::new(),
        };
        let parser = Parser::new_ext(probe, markdown::options());
        for (_, def) in parser.reference_definitions().iter() {
            places.links.push(def.span.clone());
        }
        let mut tables: Vec<Range<usize>> = Vec::new();
        let mut link_depth = 0usize;
        for (event, range) in parser.into_offset_iter() {
            match event {
                Event::Code(_) => {
                    let in_table = tables.iter().any(|t| t.contains(&range.start));
                    places.code_spans.push((range, in_table));
                }
                Event::Start(Tag::CodeBlock(_)) => places.code_blocks.push(range),
                Event::Start(Tag::Link { link_type, .. }) => {
                    link_depth += 1;
                    if matches!(link_type, LinkType::Autolink | LinkType::Email) {
                        places.addresses.push(range);
                    } else {
                        places.links.push(range);
                    }
                }
                Event::End(pulldown_cmark::TagEnd::Link) => {
                    link_depth = link_depth.saturating_sub(1);
                }
                Event::Text(_) if link_depth > 0 => places.link_texts.push(range),
                Event::Start(Tag::Table(_)) => {
                    tables.push(range.clone());
                    places.one_line.push(range);
                }
                Event::Start(Tag::Heading { .. }) => places.one_line.push(range),
                _ => {}
            }
        }
        places
    }

    fn at(&self, at: usize) -> Place {
        let within = |ranges: &[Range<usize>]| ranges.iter().any(|r| r.contains(&at));
        if let Some((_, in_table)) = self.code_spans.iter().find(|(r, _)| r.contains(&at)) {
            return Place::CodeSpan {
                in_table: *in_table,
            };
        }
        if within(&self.code_blocks) {
            return Place::CodeBlock;
        }
        if within(&self.addresses) || (within(&self.links) && !within(&self.link_texts)) {
            return Place::Address;
        }
        Place::Text {
            one_line: within(&self.one_line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(template: &str, values: &[&str]) -> Result<String, String> {
        let markers = Markers::new(template);
        let mut text = String::new();
        let mut values = values.iter();
        for (i, part) in template.split("{}").enumerate() {
            if i > 0 {
                markers.write(&mut text, values.next().copied().unwrap_or(""));
            }
            text.push_str(part);
        }
        markers.place(&text)
    }

    #[test]
    fn values_are_escaped_for_where_they_land() {
        let body = "Number `{}`. Visit <https://example.org/m/{}> or \
                    https://example.org/donate?ref={} and [page](https://example.org/u/{}), {}.\n";
        let id = "A-1_x";
        assert_eq!(
            fill(body, &[id, id, "A B", "a)b", "*x*"]).as_deref(),
            Ok("Number `A-1_x`. Visit <https://example.org/m/A-1_x> or \
                https://example.org/donate?ref=A%20B and [page](https://example.org/u/a%29b), \\*x\\*.\n")
        );
    }

    #[test]
    fn line_breaks_become_spaces_in_table_rows_and_headings() {
        let body = "| A | B |\n|---|---|\n| {} | `{}` |\n\n# Hi {}\n\n> {}\n";
        assert_eq!(
            fill(body, &["Line1\nLine2", "a|b", "One\r\nTwo", "Q1\nQ2"]).as_deref(),
            Ok("| A | B |\n|---|---|\n| Line1 Line2 | `a\\|b` |\n\n# Hi One Two\n\n> Q1\\\nQ2\n")
        );
    }

    #[test]
    fn captured_output_printed_again_is_one_value() {
        let markers = Markers::new("");
        let mut inner = String::from("Hi ");
        markers.write(&mut inner, "*Ann*");
        let mut text = String::from("`");
        markers.write(&mut text, &inner);
        text.push_str("` and ");
        markers.write(&mut text, &inner);
        assert_eq!(
            markers.place(&text).as_deref(),
            Ok("`Hi *Ann*` and Hi \\*Ann\\*")
        );
    }

    #[test]
    fn a_backtick_in_a_code_span_is_refused() {
        let err = fill("Code `{}`.\n", &["a`b"]).unwrap_err();
        assert!(err.contains("backtick"), "{err}");
        assert_eq!(fill("Text {}.\n", &["a`b"]).as_deref(), Ok("Text a\\`b.\n"));
    }
}

/// The filled-in letters of a whole template, from `Template` (the module above).
#[cfg(test)]
mod filled {
    use std::path::Path;

    use minijinja::Value;

    use crate::diag::Source;
    use crate::letter;
    use crate::merge::{Row, Template};

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The body's blocks of the letter a template fills in for `values`.
    fn filled_blocks(template: &str, values: &[(&str, Value)]) -> Vec<crate::markdown::Block> {
        let t = Template::parse(source("t.md", template), "x").unwrap();
        let row = Row {
            number: 1,
            line: 2,
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            problem: None,
        };
        let text = t.fill(&row, Path::new("d.csv")).unwrap();
        let letter = letter::parse(source("out.md", &text)).unwrap();
        crate::markdown::parse(&letter.source, letter.body_offset)
            .unwrap()
            .0
    }

    #[test]
    fn values_in_code_and_addresses_print_and_link_whole() {
        use crate::markdown::Block;
        let blocks = filled_blocks(
            "+++\n+++\nYour member number is `{{ id }}`. Visit <https://example.org/m/{{ id }}> \
             or https://example.org/donate?ref={{ id }} and [your page](https://example.org/u/{{ id }}), \
             {{ name }}.\n",
            &[
                ("id", Value::from("A-1_x")),
                ("name", Value::from("*Ann* Lee")),
            ],
        );
        let Block::Paragraph(runs) = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let code: Vec<&str> = runs
            .iter()
            .filter(|r| r.style.code)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(code, ["A-1_x"]);
        let links: Vec<(&str, &str)> = runs
            .iter()
            .filter_map(|r| Some((r.text.as_str(), r.link.as_deref()?)))
            .collect();
        assert_eq!(
            links,
            [
                ("https://example.org/m/A-1_x", "https://example.org/m/A-1_x"),
                (
                    "https://example.org/donate?ref=A-1_x",
                    "https://example.org/donate?ref=A-1_x"
                ),
                ("your page", "https://example.org/u/A-1_x"),
            ]
        );
        assert!(
            crate::markdown::plain_text(runs).ends_with(", *Ann* Lee."),
            "{runs:?}"
        );
    }

    #[test]
    fn a_line_break_in_a_value_keeps_tables_and_headings_whole() {
        use crate::markdown::{Block, plain_text};
        let blocks = filled_blocks(
            "+++\n+++\n| Item | Value |\n|---|---|\n| Address | {{ street }} |\n| Code | `{{ code }}` |\n\n\
             # Heading {{ street }}\n\n- Your address: {{ street }}\n",
            &[
                ("street", Value::from("Line1\nLine2")),
                ("code", Value::from("a|b")),
            ],
        );
        let Block::Table { rows, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| plain_text(c)).collect())
            .collect();
        assert_eq!(
            cells,
            [["Address", "Line1 Line2"], ["Code", "a|b"]],
            "{blocks:?}"
        );
        let Block::Heading(1, runs) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(plain_text(runs), "Heading Line1 Line2");
        // Elsewhere a line break in the value is a line break.
        let Block::List { items, .. } = &blocks[2] else {
            panic!("{blocks:?}")
        };
        let [Block::Paragraph(runs)] = &items[0][..] else {
            panic!("{blocks:?}")
        };
        assert_eq!(plain_text(runs), "Your address: Line1\nLine2");
        assert_eq!(blocks.len(), 3, "{blocks:?}");
    }

    #[test]
    fn tables_and_lists_are_not_printed_whole_and_booleans_print_as_written() {
        let json: serde_json::Value = serde_json::from_str(
            r#"{"city": {"name": "Berlin", "zip": "10115"}, "tags": ["a", "b"], "member": true, "gone": false}"#,
        )
        .unwrap();
        let values: Vec<(&str, Value)> = ["city", "tags", "member", "gone"]
            .into_iter()
            .map(|k| (k, Value::from_serialize(&json[k])))
            .collect();
        let row = Row {
            number: 3,
            line: 0,
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            problem: None,
        };
        let fill = |body: &str| {
            Template::parse(source("t.md", &format!("+++\n+++\n{body}\n")), "x")
                .unwrap()
                .fill(&row, Path::new("d.json"))
        };
        assert_eq!(
            fill("{{ member }}, {{ gone }}, {{ city.name }}").unwrap(),
            "+++\n+++\ntrue, false, Berlin\n"
        );
        let err = fill("In {{ city }}.").unwrap_err();
        assert_eq!(
            err.message,
            "row 3 of `d.json`: `city` is a table, not text"
        );
        assert_eq!(err.line_col(), Some((3, 7)));
        assert_eq!(
            err.hints[0],
            "print one of its values: {{ city.name }} (its keys: `name`, `zip`)"
        );
        let err = fill("Tags: {{ tags }}").unwrap_err();
        assert_eq!(err.message, "row 3 of `d.json`: `tags` is a list, not text");
        assert!(
            err.hints[0].contains("{% for item in tags %}"),
            "{:?}",
            err.hints
        );
        // In the front matter too.
        let err = Template::parse(source("t.md", "+++\nto = [\"{{ city }}\"]\n+++\nHi\n"), "x")
            .unwrap()
            .fill(&row, Path::new("d.json"))
            .unwrap_err();
        assert!(
            err.message.ends_with("`city` is a table, not text"),
            "{}",
            err.message
        );
    }
}
