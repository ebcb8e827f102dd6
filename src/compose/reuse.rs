//! Paragraphs set before, set again without the work: the letterhead's name and contact
//! column, the footer, a closing, and the body paragraphs that recur from letter to letter of a
//! batch (a merge's, a mailing's) are shaped, hyphenated and broken into lines once per thread.
//!
//! It takes what `paragraph::layout` takes and gives what it gives; the result is the one a
//! fresh layout gives, since layout depends on nothing but its inputs (the faces are known by
//! their address, and each entry holds its faces, so no address is reused while it is kept).
//! It knows nothing about where the lines go.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::fonts::{Face, Family};
use crate::paragraph::{self, Line, ParStyle, Span, Warning};

/// Paragraphs longer than this (bytes of text) are not kept: they seldom recur, and each byte
/// of text is some 40 bytes of placed glyphs.
const LONGEST: usize = 8 * 1024;

/// The text kept per thread, in bytes; the cache is emptied when it would hold more. About
/// 1.3 MiB of lines: room for the letterhead, the footer and a few dozen paragraphs.
const BUDGET: usize = 32 * 1024;

/// One paragraph set before, with the faces it was set in.
struct Entry {
    lines: Vec<Line>,
    warnings: Vec<Warning>,
    _faces: Vec<Arc<Face>>,
}

#[derive(Default)]
struct Cache {
    map: HashMap<Vec<u8>, Entry>,
    /// Text bytes of the entries.
    bytes: usize,
}

thread_local! {
    static SET: RefCell<Cache> = RefCell::default();
}

/// `paragraph::layout`, from this thread's earlier results when it has set the same spans in
/// the same faces and style.
pub(super) fn layout(
    spans: &[Span],
    family: &Family,
    style: &ParStyle,
) -> (Vec<Line>, Vec<Warning>) {
    let text: usize = spans.iter().map(|s| s.text.len()).sum();
    if text > LONGEST {
        return paragraph::layout(spans, family, style);
    }
    let key = key(spans, family, style);
    let hit = SET.with(|cache| {
        cache
            .borrow()
            .map
            .get(&key)
            .map(|e| (e.lines.clone(), e.warnings.clone()))
    });
    if let Some(hit) = hit {
        return hit;
    }
    let (mut lines, warnings) = paragraph::layout(spans, family, style);
    // Tight before the cache shares the glyphs with the pages: shared, they stay as they are.
    // A line's list of runs too: grown run by run, it held four for the one or two a line
    // has (5 MB of a 1,000-page letter).
    for line in &mut lines {
        line.runs.shrink_to_fit();
        for run in &mut line.runs {
            run.glyphs.shrink_to_fit();
        }
    }
    SET.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.bytes + text > BUDGET {
            cache.map.clear();
            cache.bytes = 0;
        }
        cache.bytes += text;
        let faces = spans
            .iter()
            .map(|s| family.face(s.variant).clone())
            .collect();
        cache.map.insert(
            key,
            Entry {
                lines: lines.clone(),
                warnings: warnings.clone(),
                _faces: faces,
            },
        );
    });
    (lines, warnings)
}

/// Everything the layout of `spans` depends on, as bytes: each span's text, face, colour and
/// link, then the style.
fn key(spans: &[Span], family: &Family, style: &ParStyle) -> Vec<u8> {
    let text: usize = spans.iter().map(|s| s.text.len()).sum();
    let mut key = Vec::with_capacity(text + spans.len() * 112 + 160 + style.language.len());
    let mut bytes = |b: &[u8]| {
        key.extend_from_slice(&(b.len() as u64).to_le_bytes());
        key.extend_from_slice(b);
    };
    bytes(&(spans.len() as u64).to_le_bytes());
    for span in spans {
        bytes(span.text.as_bytes());
        let face = Arc::as_ptr(family.face(span.variant)) as usize;
        bytes(&face.to_le_bytes());
        bytes(&[span.variant as u8]);
        let c = span.color;
        for channel in [c.r, c.g, c.b] {
            bytes(&channel.to_bits().to_le_bytes());
        }
        match &span.link {
            Some(link) => bytes(link.as_bytes()),
            None => bytes(&[0xFF; 9]),
        }
    }
    // Every field, by name: a field added to the style and left out of the key would give
    // one letter another's lines (this does not compile until it is added here).
    let ParStyle {
        size,
        line_height,
        width,
        align,
        hyphenate,
        language,
        tracking,
        names,
    } = style;
    bytes(b"style");
    for length in [size, line_height, width] {
        bytes(&length.to_pt().to_bits().to_le_bytes());
    }
    bytes(&[*align as u8, u8::from(*hyphenate)]);
    bytes(language.as_bytes());
    bytes(&tracking.to_bits().to_le_bytes());
    // The proper names protected from hyphenation differ from letter to letter, but only
    // those in the text can change its lines (a name is matched within one span's word): the
    // others are left out, so a paragraph recurs across letters to other recipients.
    let present: Vec<&String> = names
        .iter()
        .filter(|name| spans.iter().any(|s| s.text.contains(name.as_str())))
        .collect();
    bytes(&(present.len() as u64).to_le_bytes());
    for name in present {
        bytes(name.as_bytes());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Align;
    use crate::length::Abs;
    use crate::paragraph::testing::{span, style_10pt};

    fn style(names: &[&str]) -> ParStyle {
        style_10pt("de-DE", 90.0, Align::Left, names)
    }

    /// Each line's glyph ids and positions, to compare two layouts exactly.
    fn placed(lines: &[Line]) -> Vec<Vec<(u16, i64)>> {
        lines
            .iter()
            .map(|line| {
                line.runs
                    .iter()
                    .flat_map(|run| run.glyphs.iter())
                    .map(|g| (g.id, (g.x().to_pt() * 1000.0).round() as i64))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn only_the_names_in_the_text_are_part_of_the_key() {
        let family = crate::fonts::bundled();
        let text = [span("Wir danken Herrn Reinhardt für die Unterlagen.")];
        let key_for = |names: &[&str]| key(&text, &family, &style(names));
        // Other letters' recipients do not change the key …
        assert_eq!(key_for(&[]), key_for(&["Okafor", "Lindqvist"]));
        // … a name in the text does.
        assert_ne!(key_for(&[]), key_for(&["Reinhardt"]));
        assert_eq!(key_for(&["Reinhardt"]), key_for(&["Okafor", "Reinhardt"]));
    }

    #[test]
    fn a_paragraph_set_for_one_recipient_is_set_alike_for_another() {
        let family = crate::fonts::bundled();
        let text = [span(
            "Wir danken Ihnen für das Gespräch mit Frau Wiedemeyer-Schüttelkopf und bitten Sie, \
             die Unterlagen an Herrn Kaltenbrunner weiterzugeben, sobald sie vollständig sind.",
        )];
        let ours = ["Kaltenbrunner", "Schüttelkopf", "Wiedemeyer"];
        let at = |width: f64, names: &[&str]| ParStyle {
            width: Abs::pt(width),
            ..style(names)
        };
        // A width at which the names change the lines: a key without them would give one
        // recipient the other's lines there.
        let width = (120..470)
            .map(f64::from)
            .find(|&w| {
                let with = paragraph::layout(&text, &family, &at(w, &ours));
                let without = paragraph::layout(&text, &family, &at(w, &[]));
                placed(&with.0) != placed(&without.0)
            })
            .expect("a width where the names matter");
        // Set first for a letter to someone else, then for the letter that names them, then
        // again for someone else: each time as a fresh layout sets it.
        for names in [&["Okafor"][..], &ours[..], &[][..], &ours[..]] {
            let fresh = paragraph::layout(&text, &family, &at(width, names));
            let reused = layout(&text, &family, &at(width, names));
            assert_eq!(
                placed(&fresh.0),
                placed(&reused.0),
                "{names:?} at {width} pt"
            );
        }
    }
}
