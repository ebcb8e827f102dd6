//! Mail merge: a letter template with `{{ column }}` placeholders (minijinja), filled in once per
//! row of a data file (`data`: CSV, a JSON array of objects, or a TOML array of tables), and the
//! output file name of each row.
//!
//! Values are inserted as text, never as syntax: in the front matter they are escaped for a TOML
//! string; in the body each is escaped for where it lands in the Markdown (`place`: text is
//! backslash-escaped, a code span takes it as it is, an address percent-encoded, a table row
//! or heading keeps to one line), so a value holding `"`, `+++`, `**bold**`, `<script>` or a
//! newline shows as written and cannot break the front matter or add formatting. Values pass
//! through minijinja's formatter, which sees every value as it is printed: a list or table
//! from JSON or TOML keeps its structure for `{% for %}` and `{{ a.b }}`, and printing one
//! whole is an error for its row; `true` prints as `true`.
//!
//! The template's names are checked against the data's columns once, before any row
//! (`Template::check_columns`). Filling in a row is bounded: the template gets `FUEL` steps (so
//! nested loops end) and the letter at most the size limit of a letter.
//!
//! It takes the template's and the data's text and gives letter texts and names, or
//! diagnostics with the row and column; it reads no file and knows nothing about layout.

mod data;
mod escape;
mod place;

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;

use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use crate::diag::{self, Diagnostic, Source};
use crate::letter;

pub use data::{Data, Row, parse_data};
pub use escape::{escape_markdown, escape_toml};

use escape::{KEYS, bare, guard_front_matter, printed_whole, value_text};
pub(crate) use place::Markers;

/// Longest output file name, in bytes, before `.pdf`.
pub const MAX_NAME_BYTES: usize = 120;

/// Steps (minijinja instructions) one part of a template (front matter, body, name) may take
/// for one row. The example letter's body takes 26; a loop over a row's list of 1,000 items,
/// printing two values each, some 12,000; 10 million take about 3 s in a test build. Without
/// a limit, three nested `range(100000)` loops would run for years.
pub const FUEL: u64 = 10_000_000;

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
    /// The body's values are filled in as markers, then escaped for where they land.
    markers: Markers,
    /// The `--name` pattern.
    name: String,
    /// Largest letter text a row may fill in, in bytes.
    max_bytes: usize,
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
pub(crate) fn environment(
    escape: impl Fn(&str) -> String + Send + Sync + 'static,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_keep_trailing_newline(true);
    env.set_formatter(move |out, _state, value| {
        let Some(text) = value_text(value)? else {
            return Ok(());
        };
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
        let markers = Markers::new(&source.text[parts.body_offset..]);
        let mut body_env = environment(move |s| {
            let mut marked = String::with_capacity(2 * s.len() + 8);
            markers.write(&mut marked, s);
            marked
        });
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
            markers,
            name: name.to_string(),
            max_bytes: usize::MAX,
        })
    }

    /// Limits the letter text a row may fill in to `max_bytes` (the size limit of a letter).
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Template {
        self.max_bytes = max_bytes;
        self
    }

    /// The template file.
    pub fn path(&self) -> &Path {
        &self.source.path
    }

    /// Checks, before any row is filled in, that every name the template and the `--name`
    /// pattern use is a column of the data: one error for the whole merge, naming each
    /// unknown name and the column it is likely a typo of, instead of the same error for
    /// every row. Names minijinja defines (`range`, `loop`, names set or looped over in the
    /// template) are not columns, and a name tested with `is defined` may be missing.
    pub fn check_columns(&self, data: &Data) -> diag::Result<()> {
        let columns: BTreeSet<&str> = data.columns.iter().map(String::as_str).collect();
        let globals: BTreeSet<&str> = self.body_env.globals().map(|(name, _)| name).collect();
        let body = &self.source.text[self.body_offset..];
        let mut parts = vec![(&self.body_env, "body", body, Some(self.body_offset))];
        if let Some(range) = &self.front {
            parts.insert(
                0,
                (
                    &self.front_env,
                    "front",
                    &self.source.text[range.clone()],
                    Some(range.start),
                ),
            );
        }
        parts.push((&self.name_env, "name", self.name.as_str(), None));
        // Each unknown name, with where the template first uses it.
        let mut unknown: Vec<(String, Option<usize>)> = Vec::new();
        for (env, name, text, offset) in parts {
            let Ok(template) = env.get_template(name) else {
                continue;
            };
            let mut names: Vec<String> = template.undeclared_variables(false).into_iter().collect();
            names.sort();
            for n in names {
                let known = columns.contains(n.as_str())
                    || globals.contains(n.as_str())
                    || tested_if_defined(text, &n)
                    || unknown.iter().any(|(u, _)| *u == n);
                if !known {
                    let at = offset.map(|o| find_use(text, &n).map_or(o, |at| o + at));
                    unknown.push((n, at));
                }
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        // In the order the template uses them; `--name`'s last.
        unknown.sort_by_key(|(_, at)| at.unwrap_or(usize::MAX));
        let file = data.path.display();
        let names = quoted(unknown.iter().map(|(n, _)| n));
        let user = if unknown[0].1.is_some() {
            "the template uses"
        } else {
            "`--name` uses"
        };
        let mut d = Diagnostic::error(if unknown.len() == 1 {
            format!("{user} {names}, which is not a column of `{file}`")
        } else {
            format!("{user} {names}, which are not columns of `{file}`")
        });
        d = match unknown[0] {
            (ref n, Some(at)) => d.at(&self.source, at..at + n.len()),
            (_, None) => d.in_file(&self.source.path),
        };
        for (n, _) in &unknown {
            if let Some(close) = diag::did_you_mean(n, columns.iter().copied()) {
                d = d.hint(if unknown.len() == 1 {
                    format!("did you mean `{close}`?")
                } else {
                    format!("did you mean `{close}` for `{n}`?")
                });
            }
        }
        d = d.hint(format!(
            "the columns of `{file}` are {}; test a name only some data files have with `{{% if name is defined %}}`",
            quoted(data.columns.iter())
        ));
        Err(d.boxed())
    }

    /// The letter for one row: the template with the row's values filled in.
    pub fn fill(&self, row: &Row, data: &Path) -> diag::Result<String> {
        if let Some(problem) = &row.problem {
            return Err(problem.clone());
        }
        let context = Value::from(row.values.clone());
        let mut text = String::with_capacity(self.source.text.len() + 256);
        if let Some(range) = &self.front {
            // The front matter's range starts with the line break after the opening `+++`, so
            // the filled-in letter keeps the template's line numbers.
            text.push_str("+++");
            let front = render(&self.front_env, "front", &context, self.max_bytes)
                .map_err(|e| self.row_error(&e, row, data, range.start))?;
            text.push_str(&front);
            if !front.ends_with('\n') {
                text.push('\n');
            }
            text.push_str("+++\n");
        }
        let budget = self.max_bytes.saturating_sub(text.len());
        // A marker takes about twice its value's bytes; the letter's size is checked after.
        let marked = render(&self.body_env, "body", &context, budget.saturating_mul(4))
            .map_err(|e| self.row_error(&e, row, data, self.body_offset))?;
        let body = self.markers.place(&marked).map_err(|why| {
            Diagnostic::error(format!("{}: {why}", row_label(row, data)))
                .in_file(&self.source.path)
                .hint("take the placeholder out of the code (its backticks or fence), or the character out of the data")
                .boxed()
        })?;
        if body.len() > budget {
            return Err(self.row_error(&Failure::TooLarge, row, data, self.body_offset));
        }
        text.push_str(&body);
        Ok(text)
    }

    /// The output file name (without `.pdf`) for one row, sanitised.
    pub fn name(&self, row: &Row, data: &Path) -> diag::Result<String> {
        let context = Value::from(row.values.clone());
        // Far more than a name can keep (`MAX_NAME_BYTES`), far less than memory.
        let raw = render(&self.name_env, "name", &context, 100_000).map_err(|e| {
            let what = match &e {
                Failure::Template(e) if printed_whole(e).is_some() => {
                    let kind = printed_whole(e).map_or("", |(kind, _)| kind);
                    format!("a value in it is a {kind}, not text")
                }
                Failure::Template(e) => detail(e),
                Failure::TooLarge => "it is over 100 KB".to_string(),
            };
            Diagnostic::error(format!(
                "row {} of `{}`: cannot make its file name: {what}",
                row.number,
                data.display(),
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

    /// A failure to fill in a row: which row, which column, and where in the template.
    fn row_error(&self, e: &Failure, row: &Row, data: &Path, offset: usize) -> Box<Diagnostic> {
        let label = row_label(row, data);
        let e = match e {
            Failure::Template(e) => e,
            Failure::TooLarge => {
                return Diagnostic::error(format!(
                    "{label}: the filled-in letter is over {} MB, the limit for a letter",
                    self.max_bytes / 1_000_000
                ))
                .in_file(&self.source.path)
                .hint("a loop or a long value repeats too much text; check the row's values and the template's loops")
                .boxed();
            }
        };
        // An undefined name is shown by name: it is the text the error points at.
        let what = match (e.kind(), e.range()) {
            (ErrorKind::UndefinedError, Some(span)) => self
                .source
                .text
                .get(span.start + offset..span.end + offset)
                .map(|name| format!("it has no column `{}`", name.trim())),
            (ErrorKind::OutOfFuel, _) => Some(format!(
                "the template takes over {FUEL} steps to fill it in — a loop that does not end?"
            )),
            (ErrorKind::InvalidOperation, _) if printed_whole(e).is_some() => {
                let name = self.printed_name(e, offset);
                printed_whole(e).map(|(kind, _)| format!("`{name}` is a {kind}, not text"))
            }
            _ => None,
        }
        .unwrap_or_else(|| detail(e));
        let mut d = Diagnostic::error(format!("{label}: {what}"));
        if let Some(span) = e.range() {
            d = d.at(&self.source, span.start + offset..span.end + offset);
        } else if let Some(line) = e.line() {
            // Fuel runs out at a line, not a span: point at the line's start.
            let part = &self.source.text[offset.min(self.source.text.len())..];
            let at = offset + data::line_offset(part, line);
            d = d.at(&self.source, at..at);
        } else {
            d = d.in_file(&self.source.path);
        }
        match e.kind() {
            ErrorKind::UndefinedError => {
                d = d.hint(format!(
                    "this row has the columns {}; test an optional one with `{{% if name is defined %}}`",
                    quoted(row.values.keys())
                ));
            }
            ErrorKind::OutOfFuel => {
                d = d.hint(
                    "nested loops multiply: three loops over `range(100000)` would take 10^15 steps; loop over the row's own values instead",
                );
            }
            ErrorKind::InvalidOperation => {
                let name = self.printed_name(e, offset);
                match printed_whole(e) {
                    Some(("table", keys)) => {
                        let keys: Vec<&str> = keys.split(KEYS).filter(|k| !k.is_empty()).collect();
                        let key = keys.first().copied();
                        d = d.hint(format!(
                            "print one of its values: {{{{ {name}.{} }}}}{}",
                            key.unwrap_or("key"),
                            if keys.is_empty() {
                                String::new()
                            } else {
                                format!(" (its keys: {})", quoted(keys.iter()))
                            }
                        ));
                    }
                    Some(_) => {
                        d = d.hint(format!(
                            "loop over it with {{% for item in {name} %}}{{{{ item }}}}{{% endfor %}}, or join it: {{{{ {name} | join(\", \") }}}}"
                        ));
                    }
                    None => {}
                }
            }
            _ => {}
        }
        d.boxed()
    }

    /// The expression an error points at (`city` in `{{ city }}`), or `value`.
    fn printed_name(&self, e: &minijinja::Error, offset: usize) -> String {
        e.range()
            .and_then(|span| self.source.text.get(span.start + offset..span.end + offset))
            .map(|text| {
                text.trim()
                    .trim_start_matches("{{")
                    .trim_end_matches("}}")
                    .trim_matches(['-', '+', ' '])
                    .to_string()
            })
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "value".to_string())
    }
}

/// Why a part of the template could not be filled in.
enum Failure {
    /// minijinja's error: an undefined name, a type error, fuel run out.
    Template(minijinja::Error),
    /// The text would be over its size limit.
    TooLarge,
}

/// Renders template `name` of `env` with `context`, stopping as soon as the text would be
/// over `budget` bytes (before it fills memory).
fn render(
    env: &Environment<'static>,
    name: &str,
    context: &Value,
    budget: usize,
) -> Result<String, Failure> {
    let template = env.get_template(name).map_err(Failure::Template)?;
    let mut out = Capped {
        text: Vec::new(),
        budget,
        over: false,
    };
    match template.render_captured_to(context, &mut out) {
        Ok(_) => Ok(String::from_utf8(out.text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(_) if out.over => Err(Failure::TooLarge),
        Err(e) => Err(Failure::Template(e)),
    }
}

/// Output that refuses to grow past `budget` bytes.
struct Capped {
    text: Vec<u8>,
    budget: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.budget {
            self.over = true;
            return Err(std::io::Error::other("over the size limit"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `text` tests `name` with `is defined`, `is undefined` or `is not defined`: then
/// the name may be missing from the data.
fn tested_if_defined(text: &str, name: &str) -> bool {
    uses(text, name).any(|at| {
        let rest = text[at + name.len()..].trim_start();
        let Some(rest) = rest.strip_prefix("is") else {
            return false;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("not").map_or(rest, str::trim_start);
        rest.starts_with("defined") || rest.starts_with("undefined")
    })
}

/// Where `text` first uses `name` inside `{{ }}` or `{% %}`.
fn find_use(text: &str, name: &str) -> Option<usize> {
    uses(text, name).find(|&at| {
        let before = &text[..at];
        let open = before.rfind("{{").max(before.rfind("{%"));
        let close = before.rfind("}}").max(before.rfind("%}"));
        open.is_some() && open > close
    })
}

/// Where `name` occurs in `text` as a whole word, not after a `.` (an attribute).
fn uses<'a>(text: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + name.len()..].chars().next();
            !before.is_some_and(|c| word(c) || c == '.') && !after.is_some_and(word)
        })
}

/// Checks a file a filled-in template names (an enclosure) against its folder `folder`: a
/// relative path that stays inside it (no `..`, no absolute path, no link out of it), so that
/// data cannot make a letter carry any file of the machine.
pub fn confined(folder: &Path, file: &Path) -> Result<(), String> {
    use std::path::Component;
    if file.is_absolute() || file.has_root() {
        return Err("in a mail merge, a file must be given relative to the template's folder, not as an absolute path".into());
    }
    if file
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(
            "in a mail merge, a file must be inside the template's folder (`..` is not allowed)"
                .into(),
        );
    }
    // A link inside the folder may still point out of it.
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    if let (Ok(base), Ok(real)) = (folder.canonicalize(), folder.join(file).canonicalize())
        && !real.starts_with(&base)
    {
        return Err("in a mail merge, a file must be inside the template's folder (this one links out of it)".into());
    }
    Ok(())
}

/// How messages name a row: "row 3 of `supporters.csv` (line 4)".
pub fn row_label(row: &Row, data: &Path) -> String {
    label(row.number, row.line, data)
}

/// `row_label` of the row numbered `number` at `line` (0: none) of `data`.
pub fn label(number: usize, line: usize, data: &Path) -> String {
    let line = if line > 0 {
        format!(" (line {line})")
    } else {
        String::new()
    };
    format!("row {number} of `{}`{line}", data.display())
}

fn quoted<'a>(names: impl Iterator<Item = &'a (impl AsRef<str> + ?Sized + 'a)>) -> String {
    names
        .map(|n| format!("`{}`", n.as_ref()))
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

/// A file name from a rendered `--name`: no path separators, no `..`, no control or reserved
/// characters, no leading dot or trailing dot or space, at most `MAX_NAME_BYTES` bytes.
///
/// ```
/// use letterhead::internals::merge::sanitize;
/// assert_eq!(sanitize("../etc/passwd"), "etc-passwd");
/// assert_eq!(sanitize("Müller, Jörg: 7"), "Müller, Jörg- 7");
/// assert_eq!(sanitize("con"), "con-");
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
    // Names Windows reserves for devices, with or without an extension, cannot be files
    // there: the letters may be copied to such a disk.
    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if is_reserved_on_windows(stem) {
        name.insert(stem.len(), '-');
    }
    name
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, in any case.
fn is_reserved_on_windows(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (upper.len() == 4
            && (upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.as_bytes()[3].is_ascii_digit()
            && upper.as_bytes()[3] != b'0')
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
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect(),
            problem: None,
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
        // Kept as written, its line breaks making lines of the address.
        assert_eq!(letter.front.to, evil.lines().collect::<Vec<_>>());
        assert_eq!(
            letter.body(),
            // Quotes curled like the template's text (the parser leaves escaped ones straight).
            "\nDear x”\\]\\\n\\+\\+\\+\\\n\\*\\*bold\\*\\* \\<script\\> “””,\n"
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

    fn data(columns: &[&str]) -> Data {
        Data {
            path: "d.csv".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            empty_rows: 0,
        }
    }

    #[test]
    fn unknown_names_are_one_error_with_the_closest_column() {
        let t = Template::parse(
            source(
                "t.md",
                "+++\nto = [\"{{ frist }}\"]\n+++\n{% for i in items %}{{ i.city }} {{ loop.index }}{% endfor %}\n\
                 {% set x = range(3) | length %}{{ x }}{% if nick is defined %}{{ nick }}{% endif %} {{ citty }}\n",
            ),
            "{{ idd }}",
        )
        .unwrap();
        let err = t
            .check_columns(&data(&["first", "items", "city", "id"]))
            .unwrap_err();
        assert_eq!(
            err.message,
            "the template uses `frist`, `citty`, `idd`, which are not columns of `d.csv`"
        );
        assert_eq!(err.line_col(), Some((2, 11)));
        assert_eq!(err.hints[0], "did you mean `first` for `frist`?");
        assert_eq!(err.hints[1], "did you mean `city` for `citty`?");
        assert_eq!(err.hints[2], "did you mean `id` for `idd`?");
        let ok = Template::parse(
            source(
                "t.md",
                "+++\nto = [\"{{ first }}\"]\n+++\n{{ items | join(', ') }}\n",
            ),
            "{{ id }}",
        )
        .unwrap();
        ok.check_columns(&data(&["first", "items", "id"])).unwrap();
    }

    #[test]
    fn filling_in_is_bounded_in_steps_and_size() {
        let t = Template::parse(
            source(
                "t.md",
                "+++\n+++\n{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}x{% endfor %}{% endfor %}{% endfor %}\n",
            ),
            "x",
        )
        .unwrap();
        let err = t.fill(&row(&[]), Path::new("d.csv")).unwrap_err();
        assert!(
            err.message.contains("takes over 10000000 steps"),
            "{}",
            err.message
        );
        let t = Template::parse(source("t.md", "+++\n+++\n{{ v }}{{ v }}\n"), "x")
            .unwrap()
            .with_max_bytes(1000);
        let err = t
            .fill(&row(&[("v", &"y".repeat(600))]), Path::new("d.csv"))
            .unwrap_err();
        assert!(
            err.message
                .starts_with("row 1 of `d.csv` (line 2): the filled-in letter is over 0 MB"),
            "{}",
            err.message
        );
        assert!(t.fill(&row(&[("v", "y")]), Path::new("d.csv")).is_ok());
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize("a/b\\c"), "a-b-c");
        assert_eq!(sanitize(".hidden"), "hidden");
        assert_eq!(sanitize("x\u{7}y"), "x-y");
        assert_eq!(sanitize(&"é".repeat(100)).len(), MAX_NAME_BYTES);
        assert_eq!(sanitize(".."), "");
    }

    #[test]
    fn names_windows_reserves_for_devices_are_sanitised() {
        assert_eq!(sanitize("CON"), "CON-");
        assert_eq!(sanitize("nul.backup"), "nul-.backup");
        assert_eq!(sanitize("Com7"), "Com7-");
        assert_eq!(sanitize("LPT1 "), "LPT1-");
        assert_eq!(sanitize("COM0"), "COM0");
        assert_eq!(sanitize("Connor"), "Connor");
        assert_eq!(sanitize("name. "), "name");
    }
}
