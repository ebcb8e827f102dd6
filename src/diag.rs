//! Diagnostics: errors and warnings as values (severity, message, file, byte span, hints), and
//! their rendering as `error: …` / `--> file:line:col` / the source line / a caret.
//!
//! Every stage returns these instead of printing; only `app` prints them. This module does not
//! know what a letter or a font is.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{Level, Renderer, Snippet};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The letter can still be written, but something deserves a look.
    Warning,
    /// The letter (or the whole run) cannot be written.
    Error,
}

/// The file a diagnostic points into, with its text when a span is to be shown.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as the user gave it (or `<stdin>`).
    pub path: PathBuf,
    /// The whole text of the file, shared between the diagnostics that point into it.
    pub text: Arc<str>,
}

/// One error or warning.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Lower-case message that names the value in backticks and says what was expected.
    pub message: String,
    /// The file concerned, if any.
    pub path: Option<PathBuf>,
    /// The file's text and the byte range the diagnostic points at.
    pub span: Option<(Arc<str>, Range<usize>)>,
    /// Suggestions for a fix, each printed as `hint: …`.
    pub hints: Vec<String>,
    /// The other mistakes found in the same pass over a file, in file order after this one,
    /// so that one run shows them all.
    pub also: Vec<Diagnostic>,
}

/// The result of a stage that can fail with a diagnostic.
pub type Result<T> = std::result::Result<T, Box<Diagnostic>>;

impl Diagnostic {
    /// An error with a message.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            path: None,
            span: None,
            hints: Vec::new(),
            also: Vec::new(),
        }
    }

    /// The diagnostics of one pass over a file as one error value: the first in file order,
    /// the others in its `also`. `None` when there are none.
    pub fn together(mut list: Vec<Diagnostic>) -> Option<Box<Self>> {
        // Stable: diagnostics at the same place keep the order they were found in.
        list.sort_by_key(|d| d.span.as_ref().map_or(0, |(_, span)| span.start));
        let mut list = list.into_iter();
        let mut first = list.next()?;
        first.also.extend(list);
        Some(first.boxed())
    }

    /// This diagnostic, then the others reported with it.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        std::iter::once(self).chain(&self.also)
    }

    /// A warning with a message.
    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    /// Names the file the diagnostic is about.
    pub fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Points at a byte range of a source file.
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Self {
        self.path = Some(source.path.clone());
        let len = source.text.len();
        let start = floor_char_boundary(&source.text, span.start.min(len));
        let end = floor_char_boundary(&source.text, span.end.clamp(start, len));
        self.span = Some((source.text.clone(), start..end));
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Boxes the diagnostic for use as an error value.
    pub fn boxed(self) -> Box<Self> {
        Box::new(self)
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The 1-based line and column of the start of the span, if there is one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let (text, span) = self.span.as_ref()?;
        Some(line_col(text, span.start))
    }

    /// Renders the diagnostic (and those reported with it) for a terminal or a log: rustc
    /// style, no colour.
    pub fn render(&self) -> String {
        self.render_in(false)
    }

    /// `render`, with rustc's colours (ANSI escapes) when `color` is set: for a terminal.
    pub fn render_in(&self, color: bool) -> String {
        self.all()
            .map(|d| d.render_one(color))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn render_one(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let origin = self
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let mut message = level.title(&self.message);
        if let Some((text, span)) = &self.span {
            message = message.snippet(
                Snippet::source(text)
                    .line_start(1)
                    .origin(&origin)
                    .fold(true)
                    .annotation(level.span(span.clone())),
            );
        }
        // The escapes annotate-snippets' styled renderer uses for the `-->` and `=` margin
        // (bold bright blue) and for the hint's label (bold bright cyan), and the reset.
        let (margin, label, reset) = if color {
            ("\x1b[1m\x1b[94m", "\x1b[1m\x1b[96m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        if self.span.is_none() {
            // No source line to show: the file, then the hints, as rustc does.
            let mut out = renderer.render(message).to_string();
            if !origin.is_empty() {
                out.push_str(&format!("\n  {margin}-->{reset} {origin}"));
            }
            for hint in &self.hints {
                out.push_str(&format!("\n   {margin}={reset} {label}hint{reset}: {hint}"));
            }
            return out;
        }
        for hint in &self.hints {
            message = message.footer(Level::Help.title(hint));
        }
        // annotate-snippets calls it `help`; we say `hint`, as the short format does.
        let help = format!("{label}help{reset}: ");
        renderer
            .render(message)
            .to_string()
            .replace(&help, &format!("{label}hint{reset}: "))
    }

    /// A one-line form: `file:line:col: error: message` (without the diagnostics reported
    /// with it).
    pub fn render_short(&self) -> String {
        let mut location = self
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if let Some((line, col)) = self.line_col() {
            location.push_str(&format!(":{line}:{col}"));
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if location.is_empty() {
            format!("{severity}: {}", self.message)
        } else {
            format!("{location}: {severity}: {}", self.message)
        }
    }
}

/// The short form, a line for each diagnostic reported together.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.all().map(Diagnostic::render_short).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The known key closest to `unknown`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(unknown, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("x", 0), (1, 1));
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(did_you_mean("tagine", ["name", "tagline"]), Some("tagline"));
        assert_eq!(did_you_mean("zzz", ["name", "tagline"]), None);
    }

    #[test]
    fn renders_file_line_and_caret() {
        let source = Source {
            path: "a.toml".into(),
            text: "x = 1\ny = oops\n".into(),
        };
        let d = Diagnostic::error("invalid value")
            .at(&source, 10..14)
            .hint("quote it");
        let out = d.render();
        assert!(out.contains("error: invalid value"), "{out}");
        assert!(out.contains("--> a.toml:2:5"), "{out}");
        assert!(out.contains("^^^^"), "{out}");
        assert!(out.contains("hint: quote it"), "{out}");
        assert!(!out.contains('\x1b'), "{out}");
    }

    #[test]
    fn renders_in_colour_only_when_asked() {
        let source = Source {
            path: "a.toml".into(),
            text: "x = 1\ny = oops\n".into(),
        };
        let with_span = Diagnostic::error("invalid value")
            .at(&source, 10..14)
            .hint("quote it");
        let without = Diagnostic::warning("no letterhead")
            .in_file("a.md")
            .hint("add one");
        for d in [with_span, without] {
            let coloured = d.render_in(true);
            assert!(coloured.contains("\x1b["), "{coloured}");
            assert!(coloured.contains("hint"), "{coloured}");
            assert!(!coloured.contains("help"), "{coloured}");
            // The escapes taken out, the text is the plain rendering.
            assert_eq!(strip_escapes(&coloured), d.render());
        }
    }

    /// The text without its ANSI escape sequences (`ESC [ … letter`).
    fn strip_escapes(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
