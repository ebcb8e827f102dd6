//! The recipients' data of a mail merge: a CSV file with a header row, a JSON array of objects
//! or a TOML array of tables, read into rows of template values.
//!
//! CSV is read strictly, because a spreadsheet export with one stray comma or quote would
//! otherwise print the wrong value in the right place and exit 0:
//!
//! - a quote that is never closed, or a closing quote followed by more text, is an error for
//!   the whole file (everything after it would be read into the wrong fields);
//! - a repeated or empty column name is an error for the whole file;
//! - a record with more or fewer fields than the header is an error for that row only (its
//!   values cannot be matched to the columns, the other records can: the quotes are
//!   balanced), which fails that row's letter when it is filled in (exit 1, the others
//!   written), as a row lacking a column the template uses always has;
//! - records whose every field is empty (a spreadsheet's cleared rows) are skipped and counted.
//!
//! The delimiter is `--delimiter` when given; otherwise a tab for `.tsv` files, else what the
//! header line holds outside quotes: `,` if any, else tab or `;`.
//!
//! JSON and TOML values keep their structure (lists and tables), so a template can loop over
//! them. It takes the data file's text and gives rows; it reads no file and knows nothing of
//! the template.

use std::collections::BTreeMap;
use std::path::PathBuf;

use minijinja::Value;

use crate::diag::{self, Diagnostic, Source};

/// One row of data: its values by column name.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based number of the record (the header is not a record).
    pub number: usize,
    /// 1-based line of the data file where the record starts (0 for JSON and TOML).
    pub line: usize,
    /// The values, by column name: strings from CSV; strings, numbers, booleans, lists and
    /// tables from JSON and TOML.
    pub values: BTreeMap<String, Value>,
    /// Why the row cannot be filled in (a CSV record with more or fewer fields than the
    /// header); its letter fails with this.
    pub problem: Option<Box<Diagnostic>>,
}

/// The recipients' data.
#[derive(Debug, Clone)]
pub struct Data {
    /// The file.
    pub path: PathBuf,
    /// Column names, in the file's order (for JSON and TOML: every key of any row).
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Row>,
    /// CSV records left out because every field was empty.
    pub empty_rows: usize,
}

/// Reads the data: by extension, `.json` (an array of objects), `.toml` (an array of tables),
/// anything else CSV with a header row — unless it starts with `[` like a JSON array (a web
/// export saved as `.txt` or without an extension); `delimiter` is `--delimiter`, if given.
pub fn parse_data(source: &Source, delimiter: Option<u8>) -> diag::Result<Data> {
    let extension = source
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let looks_like_json = || {
        source
            .text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .starts_with('[')
    };
    let data = match extension.as_deref() {
        Some("json") => parse_json(source)?,
        Some("toml") => parse_toml(source)?,
        Some("csv" | "tsv") => parse_csv(source, delimiter, extension.as_deref() == Some("tsv"))?,
        _ if looks_like_json() => parse_json(source)?,
        _ => parse_csv(source, delimiter, extension.as_deref() == Some("tsv"))?,
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

/// How a delimiter is named in messages and in `--delimiter`.
fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        d => format!("'{}'", char::from(d)),
    }
}

/// How a delimiter is called in a sentence.
fn delimiter_word(delimiter: u8) -> String {
    match delimiter {
        b',' => "comma".to_string(),
        b';' => "semicolon".to_string(),
        b'\t' => "tab".to_string(),
        d => format!("`{}`", char::from(d)),
    }
}

/// The delimiter of a file read without `--delimiter`: a tab for `.tsv`; else `,` if the header
/// line has one outside quotes, else the more frequent of tab and `;`, else `,` (one column).
fn detect_delimiter(text: &str, tsv: bool) -> u8 {
    if tsv {
        return b'\t';
    }
    let (mut commas, mut tabs, mut semicolons) = (0, 0, 0);
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            '\t' if !quoted => tabs += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if commas > 0 || (tabs == 0 && semicolons == 0) {
        b','
    } else if tabs >= semicolons {
        b'\t'
    } else {
        b';'
    }
}

/// Where the reader is in the file, for `check_quotes`.
#[derive(Clone, Copy)]
enum QuoteState {
    /// At the start of a field: a quote here opens a quoted field.
    FieldStart,
    /// In a field that did not start with a quote (a quote in it is a character).
    Unquoted,
    /// In a quoted field opened at this byte.
    Quoted(usize),
    /// Just after a quote in a quoted field opened at this byte: a second quote is an escaped
    /// quote; a delimiter or line end ends the field.
    AfterQuote(usize),
}

/// Refuses the two quoting mistakes the `csv` crate reads without complaint, each of which
/// would put the rest of the file into the wrong fields: a quote never closed (the rest of the
/// file becomes one field) and a closing quote followed by more text (usually a quote left
/// open on an earlier line, closed by the next row's opening quote). Both break RFC 4180, so
/// no spreadsheet writes them.
fn check_quotes(source: &Source, delimiter: u8) -> diag::Result<()> {
    let text = source.text.as_bytes();
    let mut state = QuoteState::FieldStart;
    for (i, &b) in text.iter().enumerate() {
        let end_of_field = b == delimiter || b == b'\n' || b == b'\r';
        state = match state {
            QuoteState::FieldStart if b == b'"' => QuoteState::Quoted(i),
            QuoteState::FieldStart | QuoteState::Unquoted if end_of_field => QuoteState::FieldStart,
            QuoteState::FieldStart | QuoteState::Unquoted => QuoteState::Unquoted,
            QuoteState::Quoted(open) if b == b'"' => QuoteState::AfterQuote(open),
            QuoteState::Quoted(open) => QuoteState::Quoted(open),
            QuoteState::AfterQuote(open) if b == b'"' => QuoteState::Quoted(open),
            QuoteState::AfterQuote(_) if end_of_field => QuoteState::FieldStart,
            QuoteState::AfterQuote(open) => {
                return Err(text_after_quote(source, open, i - 1));
            }
        };
    }
    if let QuoteState::Quoted(open) = state {
        let (line, _) = diag::line_col(&source.text, open);
        return Err(Diagnostic::error(format!(
            "the quote at line {line} of `{}` is never closed: the rest of the file would be one field",
            source.path.display()
        ))
        .at(source, open..open + 1)
        .hint("end the quoted field with `\"`; a quote inside a quoted field is written `\"\"`")
        .boxed());
    }
    Ok(())
}

/// A closing quote (at byte `close`) of a field opened at `open` with text after it.
fn text_after_quote(source: &Source, open: usize, close: usize) -> Box<Diagnostic> {
    let (open_line, _) = diag::line_col(&source.text, open);
    let (close_line, _) = diag::line_col(&source.text, close);
    let file = source.path.display();
    if open_line != close_line {
        // A quote left open swallows the line breaks and rows after it, up to the next quote.
        return Diagnostic::error(format!(
            "the quoted field opened at line {open_line} of `{file}` runs to line {close_line}: is its closing quote missing?"
        ))
        .at(source, open..open + 1)
        .hint("end the quoted field with `\"`; a quote inside a quoted field is written `\"\"`")
        .boxed();
    }
    Diagnostic::error(format!(
        "text after the closing quote of a field at line {close_line} of `{file}`"
    ))
    .at(source, close..close + 1)
    .hint("quote the whole field and double the quotes inside it: `\"5\"\" floppy\"`")
    .boxed()
}

fn parse_csv(source: &Source, delimiter: Option<u8>, tsv: bool) -> diag::Result<Data> {
    let chosen = delimiter.unwrap_or_else(|| detect_delimiter(&source.text, tsv));
    check_quotes(source, chosen)?;
    // `flexible`: records of any length are read, and the length is checked below, row by row.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(chosen)
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
    let header_line = 0..source.text.find(['\n', '\r']).unwrap_or(source.text.len());
    if let Some(empty) = columns.iter().position(String::is_empty) {
        return Err(Diagnostic::error(format!(
            "column {} of the header of `{}` has no name",
            empty + 1,
            source.path.display()
        ))
        .at(source, header_line)
        .hint("the first row names the columns, e.g. `first_name,last_name,email`")
        .boxed());
    }
    for (i, name) in columns.iter().enumerate() {
        if let Some(j) = columns[i + 1..].iter().position(|c| c == name) {
            return Err(Diagnostic::error(format!(
                "the header of `{}` names two columns `{name}` (columns {} and {})",
                source.path.display(),
                i + 1,
                i + j + 2
            ))
            .at(
                source,
                second_use(&source.text[header_line.clone()], name).unwrap_or(header_line),
            )
            .hint("give each column its own name: a row's value could only be one of them")
            .boxed());
        }
    }
    if let [only] = columns.as_slice()
        && let Some(other) = [b';', b'\t']
            .into_iter()
            .find(|&d| d != chosen && only.contains(char::from(d)) && (delimiter.is_some() || tsv))
    {
        return Err(Diagnostic::error(format!(
            "the header of `{}` has one column, `{}`",
            source.path.display(),
            only.escape_debug()
        ))
        .at(source, header_line)
        .hint(format!(
            "the fields look separated by {}: pass --delimiter {}",
            if other == b'\t' { "tabs" } else { "`;`" },
            delimiter_name(other)
        ))
        .boxed());
    }
    let mut rows = Vec::new();
    let mut empty_rows = 0;
    // Lines counted on from the last record's start: records come in order, so the whole
    // file is read once (counting from the top for each row made 5,000 rows take a third of a
    // second before the first letter).
    let mut counted = (0, 1);
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let start =
            record_start(&source.text, record.position()).clamp(counted.0, source.text.len());
        let breaks = source.text.as_bytes()[counted.0..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = (start, counted.1 + breaks);
        let line = counted.1;
        // Cells of spaces count as empty: a spreadsheet row "cleared" with the space bar.
        if record.iter().all(|v| v.trim().is_empty()) {
            empty_rows += 1;
            continue;
        }
        let mut row = Row {
            number: i + 1,
            line,
            values: columns
                .iter()
                .zip(record.iter())
                .map(|(c, v)| (c.clone(), Value::from(v)))
                .collect(),
            problem: None,
        };
        if record.len() != columns.len() {
            let fields = (record.len(), columns.len());
            row.problem = Some(ragged(source, &row, start, fields, chosen));
        }
        rows.push(row);
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
        empty_rows,
    })
}

/// Where a record starts in the text. The csv crate gives the byte after the previous
/// record's first terminator character, which with Windows line ends (CRLF, as spreadsheets
/// write) is the `\n` of the line before: line ends are skipped, so that the record's line
/// and column are its own.
fn record_start(text: &str, position: Option<&csv::Position>) -> usize {
    let byte = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
    let rest = text.get(byte..).unwrap_or_default();
    byte + (rest.len() - rest.trim_start_matches(['\r', '\n']).len())
}

/// Where a column name repeated in the header line stands the second time.
fn second_use(header: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let (at, _) = header.match_indices(name).nth(1)?;
    Some(at..at + name.len())
}

/// A record whose field count differs from the header's, pointing at its line.
/// `fields` is the record's count and the header's.
fn ragged(
    source: &Source,
    row: &Row,
    start: usize,
    (fields, columns): (usize, usize),
    delimiter: u8,
) -> Box<Diagnostic> {
    let plural = |n: usize| if n == 1 { "field" } else { "fields" };
    let end = source.text[start.min(source.text.len())..]
        .find(['\n', '\r'])
        .map_or(source.text.len(), |e| start + e);
    let d = Diagnostic::error(format!(
        "{} has {fields} {}; the header has {columns}{}",
        super::row_label(row, &source.path),
        plural(fields),
        if fields > columns {
            format!(" — an unquoted {}?", delimiter_word(delimiter))
        } else {
            String::new()
        }
    ))
    .at(source, start..end);
    if fields > columns {
        d.hint(format!(
            "put a value that holds a {} in double quotes: `\"Portland{} ME\"`",
            delimiter_word(delimiter),
            char::from(delimiter)
        ))
    } else {
        d.hint("every row needs a field for each column; an empty cell is an empty field: `Ada,,London`")
    }
    .boxed()
}

fn parse_json(source: &Source) -> diag::Result<Data> {
    // A byte-order mark, which spreadsheet and Windows exports write, is not JSON.
    let bom = if source.text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let value: serde_json::Value = serde_json::from_str(&source.text[bom..]).map_err(|e| {
        let offset =
            bom + line_offset(&source.text[bom..], e.line()) + e.column().saturating_sub(1);
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
            values.insert(key.clone(), json_value(value));
        }
        rows.push(record(i, values));
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
        empty_rows: 0,
    })
}

/// The `i`-th record (0-based) of a JSON or TOML file, which have no lines to report.
fn record(i: usize, values: BTreeMap<String, Value>) -> Row {
    Row {
        number: i + 1,
        line: 0,
        values,
        problem: None,
    }
}

/// A JSON value as a template value: lists and objects stay lists and maps (`{% for %}`,
/// `{{ a.b }}`), `null` is none (printed as nothing), and a number is kept as written — an
/// integer within 64 bits or a decimal that prints back the same stays a number, anything
/// else (`12.50`, `12345678901234567890123`, `1e3`) is its text, never a rounded float.
fn json_value(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Number(n) => {
            let written = n.to_string();
            if let Ok(i) = written.parse::<i64>() {
                Value::from(i)
            } else if let Ok(f) = written.parse::<f64>()
                && f.is_finite()
                && f.to_string() == written
            {
                Value::from(f)
            } else {
                Value::from(written)
            }
        }
        serde_json::Value::Array(items) => items.iter().map(json_value).collect(),
        serde_json::Value::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// A TOML value as a template value: tables and arrays keep their structure, a date is its
/// TOML text (`2015-08-05`).
fn toml_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.as_str()),
        toml::Value::Integer(n) => Value::from(*n),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
        toml::Value::Datetime(d) => Value::from(d.to_string()),
        toml::Value::Array(items) => items.iter().map(toml_value).collect(),
        toml::Value::Table(t) => Value::from(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_value(v)))
                .collect::<BTreeMap<String, Value>>(),
        ),
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
            values.insert(key.clone(), toml_value(value));
        }
        rows.push(record(i, values));
    }
    Ok(Data {
        path: source.path.clone(),
        columns,
        rows,
        empty_rows: 0,
    })
}

/// Byte offset of the start of 1-based line `line`.
pub(super) fn line_offset(text: &str, line: usize) -> usize {
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

    fn text(row: &Row, column: &str) -> String {
        row.values[column].to_string()
    }

    #[test]
    fn crlf_rows_report_their_own_lines() {
        let data = parse_data(&source("d.csv", "a,b\r\n1,2\r\n3,4,5\r\n"), None).unwrap();
        assert_eq!((data.rows[0].line, data.rows[1].line), (2, 3));
        let problem = data.rows[1].problem.as_ref().unwrap();
        assert_eq!(problem.line_col(), Some((3, 1)));
    }

    #[test]
    fn row_lines_are_counted_past_blank_rows_and_quoted_line_breaks() {
        let text_ = "a,b\r\n1,\"x\r\ny\r\nz\"\r\n,\r\n\r\n2,3\n4,\"\"\"q\"\"\"\n5,6";
        let data = parse_data(&source("d.csv", text_), None).unwrap();
        let lines: Vec<usize> = data.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 7, 8, 9]);
        assert_eq!(data.empty_rows, 1);
    }

    #[test]
    fn csv_with_semicolons_and_quoted_newlines() {
        let text_ = "first;note\nAda;\"two\nlines\"\nBo;x\n";
        let data = parse_data(&source("d.csv", text_), Some(b';')).unwrap();
        assert_eq!(data.columns, ["first", "note"]);
        assert_eq!(text(&data.rows[0], "note"), "two\nlines");
        assert_eq!(data.rows[1].line, 4);
        assert_eq!(data.rows[1].number, 2);
    }

    #[test]
    fn semicolon_csv_read_with_commas_suggests_the_delimiter() {
        let err = parse_data(&source("d.csv", "a;b\n1;2\n"), Some(b',')).unwrap_err();
        assert!(err.hints[0].contains("--delimiter ';'"), "{:?}", err.hints);
        let err = parse_data(&source("d.csv", "a\tb\n1\t2\n"), Some(b',')).unwrap_err();
        assert!(err.hints[0].contains("--delimiter tab"), "{:?}", err.hints);
    }

    #[test]
    fn the_delimiter_is_found_in_the_header() {
        for (name, text_, expected) in [
            ("d.csv", "a;b\n1;2\n", ';'),
            ("d.csv", "a\tb\n1\t2\n", '\t'),
            ("d.tsv", "a;b\n1;2\n", '\t'),
            ("d.csv", "\"x;y\",b\n1,2\n", ','),
            ("d.csv", "a,b;c\n1,2;3\n", ','),
            ("d.csv", "a\n1\n", ','),
        ] {
            let delimiter = detect_delimiter(text_, name.ends_with(".tsv"));
            assert_eq!(char::from(delimiter), expected, "{name}: {text_:?}");
        }
    }

    #[test]
    fn a_ragged_record_is_a_problem_of_its_row_only() {
        let data = parse_data(
            &source(
                "d.csv",
                "name,city\nAda,London\nBo,Portland, ME\nCy\nDi,Paris\n",
            ),
            None,
        )
        .unwrap();
        assert_eq!(data.rows.len(), 4);
        assert!(data.rows[0].problem.is_none() && data.rows[3].problem.is_none());
        let extra = data.rows[1].problem.as_ref().unwrap();
        assert_eq!(
            extra.message,
            "row 2 of `d.csv` (line 3) has 3 fields; the header has 2 — an unquoted comma?"
        );
        assert_eq!(extra.line_col(), Some((3, 1)));
        let missing = data.rows[2].problem.as_ref().unwrap();
        assert!(
            missing.message.ends_with("has 1 field; the header has 2"),
            "{}",
            missing.message
        );
    }

    #[test]
    fn quotes_left_open_are_refused() {
        let err = parse_data(&source("d.csv", "a,b\n1,\"x\n2,y\n"), None).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert_eq!(err.line_col(), Some((2, 3)));
        // Closed by the next row's opening quote: the rows between would vanish.
        let err = parse_data(&source("d.csv", "a,b\n1,\"x\n2,y\n3,\"z\"\n"), None).unwrap_err();
        assert!(
            err.message.contains("opened at line 2") && err.message.contains("runs to line 4"),
            "{}",
            err.message
        );
        let err = parse_data(&source("d.csv", "a,b\n1,\"x\"y\n"), None).unwrap_err();
        assert!(
            err.message.contains("after the closing quote"),
            "{}",
            err.message
        );
        // Escaped quotes, quotes inside unquoted fields, CRLF after a quote: all fine.
        let data = parse_data(
            &source("d.csv", "a,b\r\n1,\"say \"\"hi\"\"\"\r\n2,5\" disk\r\n"),
            None,
        )
        .unwrap();
        assert_eq!(text(&data.rows[0], "b"), "say \"hi\"");
        assert_eq!(text(&data.rows[1], "b"), "5\" disk");
    }

    #[test]
    fn repeated_and_empty_column_names_are_refused() {
        let err = parse_data(&source("d.csv", "name,city,name\n1,2,3\n"), None).unwrap_err();
        assert!(
            err.message.contains("two columns `name` (columns 1 and 3)"),
            "{}",
            err.message
        );
        assert!(parse_data(&source("d.csv", "name,,x\n1,2,3\n"), None).is_err());
    }

    #[test]
    fn empty_records_are_skipped_and_counted() {
        let data =
            parse_data(&source("d.csv", "a,b\r\n1,2\r\n,\r\n\r\n3,\r\n,\r\n"), None).unwrap();
        assert_eq!(data.rows.len(), 2);
        assert_eq!(data.empty_rows, 2);
        assert_eq!(data.rows[1].number, 3);
        assert_eq!(text(&data.rows[1], "b"), "");
    }

    #[test]
    fn json_and_toml_values_keep_their_structure() {
        let json = parse_data(
            &source(
                "d.json",
                r#"[{"a": "x", "n": 3, "items": ["p", "q"], "address": {"city": "Oslo"}}, {"a": null}]"#,
            ),
            None,
        )
        .unwrap();
        let first = &json.rows[0].values;
        assert_eq!(first["n"].to_string(), "3");
        assert_eq!(first["items"].len(), Some(2));
        assert_eq!(
            first["address"].get_attr("city").unwrap().to_string(),
            "Oslo"
        );
        assert!(json.rows[1].values["a"].is_none());
        let toml = parse_data(
            &source(
                "d.toml",
                "[[row]]\na = \"x\"\nd = 2015-08-05\nt = { city = \"Lima\" }\n[[row]]\na = \"y\"\n",
            ),
            None,
        )
        .unwrap();
        assert_eq!(toml.rows.len(), 2);
        assert_eq!(text(&toml.rows[0], "d"), "2015-08-05");
        assert_eq!(
            toml.rows[0].values["t"]
                .get_attr("city")
                .unwrap()
                .to_string(),
            "Lima"
        );
        assert_eq!(text(&toml.rows[1], "a"), "y");
    }

    #[test]
    fn json_numbers_print_as_written() {
        let json = parse_data(
            &source(
                "d.json",
                r#"[{"big": 12345678901234567890123, "id": 9007199254740993, "amount": 12.50,
                     "half": 0.5, "n": -7}]"#,
            ),
            None,
        )
        .unwrap();
        let row = &json.rows[0];
        assert_eq!(text(row, "big"), "12345678901234567890123");
        assert_eq!(text(row, "id"), "9007199254740993");
        assert_eq!(text(row, "amount"), "12.50");
        assert_eq!(text(row, "half"), "0.5");
        assert_eq!(text(row, "n"), "-7");
        // Integers and plain decimals stay numbers a template can compute with.
        assert!(row.values["n"].is_number() && row.values["half"].is_number());
    }

    #[test]
    fn a_json_array_is_recognised_by_its_content() {
        for name in ["donors.txt", "donors", "export.dat"] {
            let data = parse_data(
                &source(
                    name,
                    "\u{feff}\n  [{\"name\": \"Ada\"}, {\"name\": \"Grace\"}]\n",
                ),
                None,
            )
            .unwrap();
            assert_eq!(data.columns, ["name"], "{name}");
            assert_eq!(text(&data.rows[1], "name"), "Grace", "{name}");
        }
        // A `.csv` is CSV whatever it starts with.
        let csv = parse_data(&source("d.csv", "[a],b\n1,2\n"), None).unwrap();
        assert_eq!(csv.columns, ["[a]", "b"]);
    }
}
