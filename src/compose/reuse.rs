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
    let (lines, warnings) = paragraph::layout(spans, family, style);
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
    let mut key = Vec::with_capacity(text + spans.len() * 48 + 64 + style.language.len());
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
    // The proper names protected from hyphenation differ from letter to letter.
    bytes(&(names.len() as u64).to_le_bytes());
    for name in names.iter() {
        bytes(name.as_bytes());
    }
    key
}
