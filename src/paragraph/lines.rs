//! Line assembly: the breaks Knuth–Plass chose, turned into lines of positioned glyphs. Each
//! line's glue is set to its adjustment ratio (spaces, and in justified text the letters of its
//! words), a hyphen is added where a word was broken, link areas are collected, and the space a
//! line breaks at is put after its end. Overfull and loose lines are reported here.

use std::ops::Range;
use std::sync::Arc;

use super::items::{Content, SPACE_STRETCH};
use super::{LOOSE_SPACE_RATIO, Line, LineRun, ParStyle, Shaped, Span, Warning};
use crate::config::{Align, Color};
use crate::fonts::Face;
use crate::length::Abs;
use crate::linebreak::{Break, INFINITY_PENALTY, Item};
use crate::shape;

/// Turns the chosen breaks into lines: places each line's glyphs (`finalize`), reports lines
/// wider than the measure and justified lines stretched too far, and puts the space a line
/// breaks at after its end (`end_with_space`).
pub(super) fn assemble(
    items: &[Item],
    contents: &[Content],
    breaks: &[Break],
    spans: &[Span],
    shaped: &[Shaped],
    style: &ParStyle,
    warnings: &mut Vec<Warning>,
) -> Vec<Line> {
    let justified = style.align == Align::Justify;
    let width = style.width;
    let mut lines = Vec::with_capacity(breaks.len());
    let mut begin = 0;
    for brk in breaks {
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
            shaped,
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
            shaped,
            style,
        );
        lines.push(line);
        begin = brk.index + 1;
    }
    lines
}

/// The text a line shows, without the space after its end (`end_with_space`).
pub(super) fn line_text(line: &Line) -> String {
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
    use super::*;
    use crate::fonts::{Variant, bundled};
    use crate::paragraph::testing::{advance, span, style, style_10pt, texts};
    use crate::paragraph::{layout, layout_section};

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
                        .filter(|(g, _)| g.x() >= l.width - Abs::pt(0.01))
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
        let set = glyphs[word_end].0.x() - glyphs[0].0.x();
        let natural = advance(&shape::shape(face, "Wir", "de-DE"), 10.0);
        assert!(set > natural, "{set:?} {natural:?}");
        assert!(set - natural < natural * 0.025 * 1.2, "{set:?} {natural:?}");
    }
}
