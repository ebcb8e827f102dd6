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
//! 5. finalize — place every glyph of every line, stretch or shrink the spaces (and, in justified
//!    text, a little the letters of each word), add hyphens, and put the space a line breaks at
//!    after its end (for tools that read lines end to end).
//!
//! A long paragraph is cut into sections (`sections`), each set on its own. The data flows one
//! way: this module calls the others, `items` uses `hyphenate` and `names`; line assembly
//! reads the items' `Content`.
//!
//! It gives lines of positioned glyph runs plus link areas, and warnings (missing characters,
//! overfull lines, character breaks). It knows nothing about pages or the letter around it.

mod coverage;
mod hyphenate;
mod items;
mod names;
mod sections;
#[cfg(test)]
mod testing;

use std::ops::Range;
use std::sync::Arc;

use crate::config::{Align, Color};
use crate::fonts::{Face, Family, Variant};
use crate::length::Abs;
use crate::linebreak::{self, INFINITY_PENALTY, Item, Params};
use crate::shape::{self, Glyph};
use items::{CHAR_BREAK_PENALTY, Content, SPACE_STRETCH};
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
    let mut lines = Vec::with_capacity(breaks.len());
    let mut begin = 0;
    for brk in &breaks {
        // Discard glue and penalties at the start of a line.
        while begin < brk.index && !matches!(items[begin], Item::Box { .. }) {
            begin += 1;
        }
        let end = brk.index.min(items.len());
        let mut line = finalize(
            &items[begin..end],
            &contents[begin..end],
            items.get(end).zip(contents.get(end)),
            brk.ratio,
            spans,
            &shaped,
            style,
        );
        if brk.overfull || line.width > width + Abs::pt(0.01) {
            let excess = line.width - width;
            if excess > Abs::pt(0.01) {
                warnings.push(Warning::Overfull(line_text(&line), excess));
            }
        }
        let space_ratio = 1.0 + SPACE_STRETCH * brk.ratio;
        if justified && space_ratio > LOOSE_SPACE_RATIO + 0.005 {
            warnings.push(Warning::Loose(
                line_text(&line),
                lines.len() + 1,
                space_ratio,
            ));
        }
        // After the line's break; for the paragraph's last line, after its last box (a space
        // there ends a section of a long paragraph, cut after a space).
        let (from, to) = if end + 1 < items.len() {
            (end, items.len())
        } else {
            let tail = items[begin..end]
                .iter()
                .rposition(|i| matches!(i, Item::Box { .. }))
                .map_or(end, |b| begin + b + 1);
            (tail, end)
        };
        end_with_space(
            &mut line,
            &items[from..to],
            &contents[from..to],
            spans,
            &shaped,
            style,
        );
        lines.push(line);
        begin = brk.index + 1;
    }
    (lines, warnings)
}

/// The text a line shows, without the space after its end (`end_with_space`).
fn line_text(line: &Line) -> String {
    let text: String = line.runs.iter().map(|r| r.glyphs.text()).collect();
    text.trim_end().to_string()
}

/// The run to add glyphs of `face` and `color` to: the last one if it matches, else a new one.
fn run_for<'r>(runs: &'r mut Vec<LineRun>, face: &Arc<Face>, color: Color) -> &'r mut LineRun {
    let matches = runs
        .last()
        .is_some_and(|r| Arc::ptr_eq(&r.face, face) && r.color == color);
    if !matches {
        runs.push(LineRun {
            face: face.clone(),
            color,
            glyphs: crate::frame::Glyphs::default(),
        });
    }
    let last = runs.len() - 1;
    &mut runs[last]
}

/// Places the glyphs of one line.
fn finalize(
    items: &[Item],
    contents: &[Content],
    at_break: Option<(&Item, &Content)>,
    ratio: f64,
    spans: &[Span],
    shaped: &[Shaped],
    style: &ParStyle,
) -> Line {
    let size = style.size;
    let mut runs: Vec<LineRun> = Vec::new();
    let mut links: Vec<(Abs, Abs, String)> = Vec::new();
    let mut x = Abs::ZERO;
    // Glue never shrinks below its minimum; an overfull line overflows instead.
    let ratio = if ratio.is_finite() {
        ratio.max(-1.0)
    } else {
        0.0
    };
    // Sets glyphs `range` of span `si` at `x`, `extra` spread after its glyphs: after every one
    // (a space), or between them (a word's letter-spacing; after a lone glyph).
    let mut place = |si: usize, range: Range<usize>, x: &mut Abs, extra: Abs, between: bool| {
        let sh = &shaped[si];
        let span = &spans[si];
        let start_x = *x;
        let inner = between && range.len() > 1;
        let count = if inner {
            range.len() - 1
        } else {
            range.len().max(1)
        } as f64;
        let last = range.end.saturating_sub(1);
        let run = run_for(&mut runs, &sh.face, span.color);
        for k in range {
            let g = &sh.glyphs[k];
            let first_of_cluster = k == 0 || sh.glyphs[k - 1].cluster != g.cluster;
            let text = if first_of_cluster {
                // The cluster's text: up to the next glyph of another cluster.
                let end = sh.glyphs[k + 1..]
                    .iter()
                    .find(|n| n.cluster != g.cluster)
                    .map_or(span.text.len(), |n| n.cluster.max(g.cluster));
                &span.text[g.cluster..end]
            } else {
                ""
            };
            // Control characters have no glyph (see `shape`); nor do they join a neighbour's
            // text, which is what copying and screen readers see.
            let printable: String;
            let text = if text.contains(shape::is_unprintable) {
                printable = text
                    .chars()
                    .filter(|&c| !shape::is_unprintable(c))
                    .collect();
                printable.as_str()
            } else {
                text
            };
            run.glyphs.push(g.id, *x + size * g.x_offset, text);
            *x += size * (g.advance + style.tracking);
            if !(inner && k == last) {
                *x += extra / count;
            }
        }
        if let Some(target) = &span.link {
            match links.last_mut() {
                Some((_, end, t)) if t == target && (*end - start_x).to_pt().abs() < 0.5 => {
                    *end = *x;
                }
                _ => links.push((start_x, *x, target.clone())),
            }
        }
    };
    let last_box = items
        .iter()
        .rposition(|i| matches!(i, Item::Box { .. }))
        .unwrap_or(0);
    // Glue that shows nothing (the ragged-right pattern's zero-width stretch) is carried over
    // into the next space, so spaces are drawn where they end up rather than twice moved.
    let mut pending = Abs::ZERO;
    let set = |item: &Item| match *item {
        Item::Glue {
            width,
            stretch,
            shrink,
        } => {
            if ratio >= 0.0 {
                width + stretch * ratio
            } else {
                width + shrink * ratio
            }
        }
        _ => Abs::ZERO,
    };
    for (k, (item, content)) in items.iter().zip(contents).enumerate() {
        match (item, content) {
            (Item::Box { .. }, Content::Glyphs(si, range)) => {
                x += pending;
                pending = Abs::ZERO;
                // The word's letter-spacing, two items on (after its infinite penalty).
                let tracking = match (items.get(k + 2), contents.get(k + 2)) {
                    (Some(glue), Some(Content::Tracking)) => set(glue),
                    _ => Abs::ZERO,
                };
                place(*si, range.clone(), &mut x, tracking, true)
            }
            (_, Content::Tracking) => {}
            (Item::Glue { .. }, content) => {
                let set = set(item);
                match content {
                    // Trailing spaces before the break are not drawn.
                    Content::Space(si, range) if k < last_box && !range.is_empty() => {
                        let sh = &shaped[*si];
                        let natural: Abs = range
                            .clone()
                            .map(|g| size * (sh.glyphs[g].advance + style.tracking))
                            .sum();
                        place(*si, range.clone(), &mut x, set + pending - natural, false);
                        pending = Abs::ZERO;
                    }
                    _ if k < last_box => pending += set,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // A hyphen where the line breaks at a hyphenation point.
    let mut hyphen = 0;
    if let Some((Item::Penalty { .. }, Content::Hyphen(si))) = at_break {
        let sh = &shaped[*si];
        let glyphs = shape::shape(&sh.face, "-", &style.language);
        let run = run_for(&mut runs, &sh.face, spans[*si].color);
        hyphen = glyphs.len();
        for g in glyphs {
            run.glyphs.push(g.id, x, "-");
            x += size * g.advance;
        }
        if let Some(target) = &spans[*si].link
            && let Some((_, end, t)) = links.last_mut()
            && t == target
        {
            *end = x;
        }
    }
    Line {
        runs,
        width: x,
        links,
        hyphen,
    }
}

/// Adds the space a line breaks at (`after`: the items from its break to the next line's
/// first box) after its end, outside its width, or a space for a hard line break. Invisible,
/// but without it tools that read a paragraph's lines end to end (tagged PDF's logical text)
/// run the last word of a line into the first of the next. A line broken inside a word (at a
/// hyphen, in a URL, after a dash) ends without one.
fn end_with_space(
    line: &mut Line,
    after: &[Item],
    contents: &[Content],
    spans: &[Span],
    shaped: &[Shaped],
    style: &ParStyle,
) {
    let Some(last) = line.runs.last() else { return };
    let x = line.width;
    for (item, content) in after.iter().zip(contents) {
        match (item, content) {
            (Item::Box { .. }, _) => return,
            (_, Content::Space(si, range)) if !range.is_empty() => {
                let sh = &shaped[*si];
                let g = &sh.glyphs[range.start];
                let text = &spans[*si].text[g.cluster..];
                let text = &text[..text.chars().next().map_or(0, char::len_utf8)];
                // Into the last run when it has the space's face: colour does not show.
                if !Arc::ptr_eq(&last.face, &sh.face) {
                    line.runs.push(LineRun {
                        face: sh.face.clone(),
                        color: spans[*si].color,
                        glyphs: crate::frame::Glyphs::default(),
                    });
                }
                if let Some(run) = line.runs.last_mut() {
                    run.glyphs.push(g.id, x, text);
                }
                return;
            }
            (Item::Penalty { penalty, .. }, _) if *penalty <= -INFINITY_PENALTY => {
                let face = last.face.clone();
                let space = shape::shape(&face, " ", &style.language);
                if let (Some(g), Some(run)) = (space.first(), line.runs.last_mut()) {
                    run.glyphs.push(g.id, x, " ");
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{advance, span, style, style_10pt, texts};
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

    #[test]
    fn justified_lines_fill_the_measure_except_the_last() {
        let family = bundled();
        let text = "We produce materials for policy environments, address research and academic \
                    concerns and provide organizations and advocates with technical assistance.";
        let (lines, _) = layout(&[span(text)], &family, &style(220.0, Align::Justify));
        for line in &lines[..lines.len() - 1] {
            assert!(
                (line.width - Abs::pt(220.0)).to_pt().abs() < 0.05,
                "{} {:?}",
                line.width,
                texts(&lines)
            );
        }
    }

    #[test]
    fn a_line_carries_the_space_it_breaks_at_after_its_end_and_a_broken_word_none() {
        let family = bundled();
        let ends = |lines: &[Line]| -> Vec<(String, bool, usize)> {
            lines
                .iter()
                .map(|l| {
                    let text: String = l.runs.iter().map(|r| r.glyphs.text()).collect();
                    // Whether everything at or past the line's end is the space.
                    let past: String = l
                        .runs
                        .iter()
                        .flat_map(|r| r.glyphs.with_text())
                        .filter(|(g, _)| g.x >= l.width - Abs::pt(0.01))
                        .map(|(_, t)| t)
                        .collect();
                    (text, past == " " || past.is_empty(), l.hyphen)
                })
                .collect()
        };
        for align in [Align::Left, Align::Justify] {
            let (lines, _) = layout(
                &[span("one two three four five six seven eight nine ten")],
                &family,
                &style(60.0, align),
            );
            let set = ends(&lines);
            let (last, rest) = set.split_last().unwrap();
            assert!(!last.0.ends_with(' ') && !rest.is_empty(), "{set:?}");
            for (text, past, hyphen) in rest {
                assert!(text.ends_with(' ') && !text.ends_with("  "), "{set:?}");
                assert!(past, "{set:?}");
                assert_eq!(*hyphen, 0);
            }
        }
        // A hard break: a space too; a hyphenated line: its hyphen counted, no space.
        let (lines, _) = layout(
            &[span("one"), span("\n"), span("two")],
            &family,
            &style(300.0, Align::Left),
        );
        assert_eq!(ends(&lines)[0], ("one ".into(), true, 0));
        let mut st = style(60.0, Align::Justify);
        st.hyphenate = true;
        let (lines, _) = layout(&[span("internationalization")], &family, &st);
        let hyphenated = ends(&lines);
        assert!(
            hyphenated.len() > 1 && hyphenated[0].0.ends_with('-'),
            "{hyphenated:?}"
        );
        let (_, broken) = hyphenated.split_last().unwrap();
        assert!(broken.iter().all(|e| e.2 == 1), "{hyphenated:?}");
        // A section of a long paragraph cut after a space keeps it.
        let (lines, _) = layout_section(&[span("one two ")], &family, &style(300.0, Align::Left));
        assert_eq!(ends(&lines), [("one two ".into(), true, 0)]);
    }

    #[test]
    fn a_justified_line_stretched_past_the_limit_is_reported_with_its_number() {
        let family = bundled();
        // Unhyphenatable long words leave the justified lines little choice.
        let text = "aa bb Kraftfahrzeughaftpflicht xx yy Kraftfahrzeughaftpflicht zz";
        let mut st = style(170.0, Align::Justify);
        st.hyphenate = false;
        let (lines, warnings) = layout(&[span(text)], &family, &st);
        let loose: Vec<_> = warnings
            .iter()
            .filter_map(|w| match w {
                Warning::Loose(text, line, ratio) => Some((text.clone(), *line, *ratio)),
                _ => None,
            })
            .collect();
        assert!(!loose.is_empty(), "{:?} {warnings:?}", texts(&lines));
        for (text, line, ratio) in &loose {
            assert!(*ratio > LOOSE_SPACE_RATIO, "{ratio}");
            assert_eq!(&line_text(&lines[line - 1]), text);
        }
        // Ragged-right text is never loose, and an easy justified paragraph is not either.
        let (_, ragged) = layout(&[span(text)], &family, &style(170.0, Align::Left));
        assert!(!ragged.iter().any(|w| matches!(w, Warning::Loose(..))));
        let easy = "We produce materials for policy environments, address research and academic \
                    concerns and provide organizations and advocates with technical assistance.";
        let (_, fine) = layout(&[span(easy)], &family, &style(300.0, Align::Justify));
        assert!(
            !fine.iter().any(|w| matches!(w, Warning::Loose(..))),
            "{fine:?}"
        );
    }

    #[test]
    fn a_stretched_line_spaces_its_letters_between_them_and_still_fills_the_measure() {
        let family = bundled();
        let text = "Wir schlagen vor, die Beschlussvorlage gemeinsam durchzugehen und danach \
                    zu entscheiden.";
        let st = style_10pt("de-DE", 230.0, Align::Justify, &[]);
        let (lines, _) = layout(&[span(text)], &family, &st);
        assert!(lines.len() >= 2);
        let first = &lines[0];
        assert!(
            (first.width - Abs::pt(230.0)).to_pt().abs() < 1e-6,
            "{:?}",
            first.width
        );
        // Set naturally, the line's words are narrower: the difference went into spaces and
        // letters, the letters' share within 2.5 % × 1.2 of a word's width (the first pass's
        // limit) and more than nothing.
        let glyphs: Vec<_> = first.runs[0].glyphs.with_text().collect();
        let face = family.face(Variant::Regular);
        let word_end = glyphs.iter().position(|(_, t)| *t == " ").unwrap();
        let set = glyphs[word_end].0.x - glyphs[0].0.x;
        let natural = advance(&shape::shape(face, "Wir", "de-DE"), 10.0);
        assert!(set > natural, "{set:?} {natural:?}");
        assert!(set - natural < natural * 0.025 * 1.2, "{set:?} {natural:?}");
    }
}
