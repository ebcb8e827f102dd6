//! Paragraph layout: styled text in, finished lines out. The recipe:
//!
//! 1. collect — join the styled spans into one string, remembering each span's face;
//! 2. shape — shape each span with the first face that has its characters (`coverage` picks
//!    it, `shape` shapes);
//! 3. prepare (`items`) — find break opportunities (UAX #14 via `unicode-linebreak`,
//!    hyphenation points via `hypher`'s TeX patterns and URL break points in `hyphenate`, proper
//!    names kept whole in `names`) and turn words, spaces and break points into boxes, glue and
//!    penalties;
//! 4. linebreak — choose the breaks with Knuth–Plass (`linebreak`);
//! 5. finalize (`lines`) — place every glyph of every line, stretch or shrink the spaces (and,
//!    in justified text, a little the letters of each word), add hyphens, and put the space a
//!    line breaks at after its end (for tools that read lines end to end).
//!
//! A long paragraph is cut into sections (`sections`), each set on its own. The data flows one
//! way: this module calls the others, `items` uses `hyphenate` and `names`, `lines` reads the
//! items' `Content`.
//!
//! It gives lines of positioned glyph runs plus link areas, and warnings (missing characters,
//! overfull lines, character breaks). It knows nothing about pages or the letter around it.

mod coverage;
mod hyphenate;
mod items;
mod lines;
mod names;
mod sections;
#[cfg(test)]
pub(crate) mod testing;

use std::sync::Arc;

use crate::config::{Align, Color};
use crate::fonts::{Face, Family, Variant};
use crate::length::Abs;
use crate::linebreak::{self, Params};
use crate::shape::{self, Glyph};
use items::CHAR_BREAK_PENALTY;
pub use names::proper_names;
use sections::{section_cuts, split_spans};

/// Justified text: the first pass allows spaces up to 1.6 times their width (an adjustment
/// ratio of 1.2 with `SPACE_STRETCH`, TeX's `\tolerance=200` is 1.26); the second up to
/// twice (ratio 2); only then does emergency stretch loosen the judgement, as a last pass.
const JUSTIFIED_TOLERANCE: f64 = 1.2;
const JUSTIFIED_SECOND_TOLERANCE: f64 = 2.0;
/// Emergency stretch of justified text, in em, for the third pass. Small: it makes every line
/// look less loose than it is, so a large one spreads a hard spot over the whole paragraph
/// (a German A5 letter with 40-letter compounds got five lines over 1.6 times with 2 em, two
/// with half an em, the worst 3.0 instead of 4.0).
const JUSTIFIED_EMERGENCY_STRETCH_EM: f64 = 0.5;
/// A justified line whose spaces are stretched to more than this times their width is
/// reported as loose: it is the limit a careful typesetter would accept.
pub const LOOSE_SPACE_RATIO: f64 = 1.6;

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The text; `'\n'` forces a line break.
    pub text: String,
    /// Which face of the family.
    pub variant: Variant,
    /// Text colour.
    pub color: Color,
    /// Link target.
    pub link: Option<String>,
}

/// How a paragraph is set.
#[derive(Debug, Clone)]
pub struct ParStyle {
    /// Font size.
    pub size: Abs,
    /// Baseline-to-baseline distance.
    pub line_height: Abs,
    /// Width of the lines.
    pub width: Abs,
    /// Ragged right or justified.
    pub align: Align,
    /// Whether to hyphenate.
    pub hyphenate: bool,
    /// Language tag (`en-US`).
    pub language: String,
    /// Extra space after every glyph, in em (letter-spacing).
    pub tracking: f64,
    /// Proper names (single words, as written: `Reinhardt`), hyphenated only when nothing
    /// else will do, like a word right after an opening quote. A name followed by a genitive
    /// `s` counts too (`Reinhardts`).
    pub names: Arc<[String]>,
}

/// A glyph run of one line, positioned relative to the line's start.
#[derive(Debug, Clone)]
pub struct LineRun {
    /// The face.
    pub face: Arc<Face>,
    /// Colour.
    pub color: Color,
    /// Glyphs, with x relative to the line start.
    pub glyphs: crate::frame::Glyphs,
}

/// A finished line.
#[derive(Debug, Clone)]
pub struct Line {
    /// Runs in order.
    pub runs: Vec<LineRun>,
    /// Width actually used.
    pub width: Abs,
    /// Link areas: horizontal extent and target.
    pub links: Vec<(Abs, Abs, String)>,
    /// How many of the last run's last glyphs are a hyphen added where a word was broken
    /// (0: none). It is drawn, but is no part of the text.
    pub hyphen: usize,
}

/// A problem found while setting a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Characters no face of the family has.
    MissingGlyphs(Vec<char>),
    /// Characters set in a face found among the system's fonts: its name and the characters.
    Fallback(String, Vec<char>),
    /// Characters of a right-to-left script, which the layout cannot set in their order.
    RightToLeft(Vec<char>),
    /// Control characters in the text, which are not printed.
    ControlChars(Vec<char>),
    /// A line wider than the measure, by this much.
    Overfull(String, Abs),
    /// A word broken between characters as a last resort.
    CharacterBreak(String),
    /// A justified line whose spaces are stretched to this many times their width (more than
    /// [`LOOSE_SPACE_RATIO`]): the text, the 1-based line of the paragraph, and the ratio.
    Loose(String, usize, f64),
}

struct Shaped {
    face: Arc<Face>,
    /// Byte offset of the span in the paragraph text.
    start: usize,
    glyphs: Vec<Glyph>,
}

/// Paragraphs longer than this (in bytes of text) are set in sections of about this size,
/// each broken into lines on its own, cut after a space where there is one. Line breaking
/// holds a paragraph's shaped glyphs, items and break candidates at once, some 400 bytes per
/// character of a long word: a 10 MB paragraph took 2 GB and more. A section is some 20
/// pages; the only trace of a cut is that the line before it is not stretched or shrunk to
/// fit with the next.
pub const SECTION_BYTES: usize = 64 * 1024;

/// Lays out a paragraph.
pub fn layout(spans: &[Span], family: &Family, style: &ParStyle) -> (Vec<Line>, Vec<Warning>) {
    let total: usize = spans.iter().map(|s| s.text.len()).sum();
    if total <= SECTION_BYTES {
        return layout_section(spans, family, style);
    }
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    let mut missing: Vec<char> = Vec::new();
    let mut controls: Vec<char> = Vec::new();
    let add = |into: &mut Vec<char>, chars: Vec<char>| {
        for c in chars {
            if !into.contains(&c) {
                into.push(c);
            }
        }
    };
    for section in split_spans(spans, &section_cuts(&text)) {
        let (section_lines, section_warnings) = layout_section(&section, family, style);
        lines.extend(section_lines);
        for w in section_warnings {
            match w {
                Warning::MissingGlyphs(chars) => add(&mut missing, chars),
                Warning::ControlChars(chars) => add(&mut controls, chars),
                other => warnings.push(other),
            }
        }
    }
    if !controls.is_empty() {
        warnings.insert(0, Warning::ControlChars(controls));
    }
    if !missing.is_empty() {
        warnings.insert(0, Warning::MissingGlyphs(missing));
    }
    (lines, warnings)
}

/// Lays out a paragraph, or a section of a long one.
fn layout_section(spans: &[Span], family: &Family, style: &ParStyle) -> (Vec<Line>, Vec<Warning>) {
    let mut warnings = Vec::new();
    // 1. collect
    let text: String = spans.iter().map(|s| s.text.as_str()).collect();
    if text.trim().is_empty() {
        return (Vec::new(), warnings);
    }
    // 2. shape, each piece of text in the first face that has it
    let covered = coverage::cover(spans, family);
    if !covered.right_to_left.is_empty() {
        warnings.push(Warning::RightToLeft(covered.right_to_left));
    }
    for (face, chars) in covered.found {
        warnings.push(Warning::Fallback(face, chars));
    }
    let spans = &covered.spans[..];
    let mut shaped = Vec::with_capacity(spans.len());
    let mut start = 0;
    let mut missing = Vec::new();
    let mut controls = Vec::new();
    for (span, face) in spans.iter().zip(covered.faces) {
        let glyphs = shape::shape(&face, &span.text, &style.language);
        // An ASCII character the face lacks shapes as glyph 0, so the character map is only
        // consulted for the others, or when a glyph 0 shows that something is missing.
        let notdef = glyphs.iter().any(|g| g.id == 0);
        for c in span.text.chars() {
            if shape::is_unprintable(c) && !controls.contains(&c) {
                controls.push(c);
            }
            if (notdef || !c.is_ascii())
                && !c.is_whitespace()
                && !c.is_control()
                && !face.covers(c)
                && !missing.contains(&c)
            {
                missing.push(c);
            }
        }
        shaped.push(Shaped {
            face,
            start,
            glyphs,
        });
        start += span.text.len();
    }
    if !missing.is_empty() {
        warnings.push(Warning::MissingGlyphs(missing));
    }
    if !controls.is_empty() {
        warnings.push(Warning::ControlChars(controls));
    }
    // 3. prepare
    let (items, contents) = items::prepare(spans, &shaped, &text, style, &mut warnings);
    // 4. linebreak
    let justified = style.align == Align::Justify;
    let params = if justified {
        Params {
            tolerance: JUSTIFIED_TOLERANCE,
            second_tolerance: JUSTIFIED_SECOND_TOLERANCE,
            emergency_stretch: style.size * JUSTIFIED_EMERGENCY_STRETCH_EM,
            last_resort_penalty: Some(CHAR_BREAK_PENALTY),
            ..Params::default()
        }
    } else {
        Params {
            emergency_stretch: style.size * 2.0,
            last_resort_penalty: Some(CHAR_BREAK_PENALTY),
            ..Params::default()
        }
    };
    let width = style.width;
    let breaks = linebreak::linebreak(&items, &|_| width, &params);
    // 5. finalize
    let lines = lines::assemble(
        &items,
        &contents,
        &breaks,
        spans,
        &shaped,
        style,
        &mut warnings,
    );
    (lines, warnings)
}

#[cfg(test)]
mod tests {
    use super::lines::line_text;
    use super::testing::{span, style, texts};
    use super::*;
    use crate::fonts::bundled;

    #[test]
    fn every_word_survives_line_breaking_in_order() {
        let family = bundled();
        let text = "The Best Practices Policy Project is a national organization dedicated to \
                    supporting rights based approaches to policy and harm reduction work.";
        let (lines, warnings) = layout(&[span(text)], &family, &style(200.0, Align::Left));
        assert!(lines.len() > 2);
        assert!(warnings.is_empty(), "{warnings:?}");
        let joined = texts(&lines).join(" ").replace("- ", "").replace("  ", " ");
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn no_line_is_wider_than_the_measure() {
        let family = bundled();
        let text = "A very long address https://www.example.org/a/very/long/path/that/cannot/fit/on/one/line/at/all/index.html ends here.";
        for align in [Align::Left, Align::Justify] {
            let (lines, _) = layout(&[span(text)], &family, &style(150.0, align));
            for line in &lines {
                assert!(
                    line.width <= Abs::pt(150.01),
                    "{} {}",
                    line.width,
                    line_text(line)
                );
            }
        }
    }

    #[test]
    fn missing_characters_are_reported() {
        let family = bundled();
        let (_, warnings) = layout(
            &[span("Emoji 😀 here")],
            &family,
            &style(300.0, Align::Left),
        );
        assert_eq!(warnings, vec![Warning::MissingGlyphs(vec!['😀'])]);
    }

    #[test]
    fn hard_break_starts_a_new_line() {
        let family = bundled();
        let (lines, _) = layout(
            &[span("one"), span("\n"), span("two")],
            &family,
            &style(300.0, Align::Left),
        );
        assert_eq!(texts(&lines), vec!["one", "two"]);
    }
}
