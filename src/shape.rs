//! Shaping: a run of text in one face becomes positioned glyphs (kerning, ligatures) with
//! `harfrust`, the maintained Rust port of HarfBuzz.
//!
//! It takes text and a `Face` and gives glyphs with advances in em and the byte offset of the
//! cluster each belongs to, compiling each shaping plan once into the face's `PlanCache`. It
//! knows nothing about lines, pages or PDF.

use crate::fonts::Face;

/// One shaped glyph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Glyph id in the face (0 is `.notdef`: a character the face lacks).
    pub id: u16,
    /// Horizontal advance, in em.
    pub advance: f64,
    /// Horizontal offset from the pen position, in em.
    pub x_offset: f64,
    /// Vertical offset from the baseline, in em.
    pub y_offset: f64,
    /// Byte offset (into the shaped text) of the cluster the glyph belongs to.
    pub cluster: usize,
}

/// Shapes `text` left to right in `face`.
pub fn shape(face: &Face, text: &str, language: &str) -> Vec<Glyph> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut buffer = harfrust::Buffer::new();
    buffer.push_str(text);
    buffer.set_direction(harfrust::Direction::LeftToRight);
    if let Ok(lang) = language.parse::<harfrust::Language>() {
        buffer.set_language(Some(lang));
    }
    buffer.guess_segment_properties();
    let shaper = harfrust::ShaperFont::new(&face.font);
    let plan = face.plans.get(&face.font, buffer.script(), language);
    let options = harfrust::ShapeOptions::new().plan(plan.as_deref());
    if harfrust::shape(&shaper, &mut buffer, options).is_err() {
        return fallback(face, text);
    }
    let upem = face.units_per_em;
    buffer
        .glyph_infos()
        .iter()
        .zip(buffer.glyph_positions())
        .map(|(info, pos)| Glyph {
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            advance: f64::from(pos.x_advance) / upem,
            x_offset: f64::from(pos.x_offset) / upem,
            y_offset: f64::from(pos.y_offset) / upem,
            cluster: info.cluster as usize,
        })
        // A control character (a bell or escape pasted with the text) prints nothing, not a
        // `.notdef` box; the paragraph reports it.
        .filter(|g| !text[g.cluster..].starts_with(is_unprintable))
        .collect()
}

/// A control character other than white space (a bell, backspace or escape pasted with the
/// text): it has no glyph and prints as nothing.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() && !c.is_whitespace()
}

/// One glyph per character from the character map, without features: used only when the
/// shaper refuses a (malformed) font, so that text is never lost.
fn fallback(face: &Face, text: &str) -> Vec<Glyph> {
    let charmap = face.font.charmap();
    let shaper = harfrust::ShaperFont::new(&face.font);
    text.char_indices()
        .map(|(i, c)| {
            let gid = charmap.map_unicode(c).unwrap_or_default();
            Glyph {
                id: u16::try_from(gid.to_u32()).unwrap_or(0),
                advance: f64::from(shaper.glyph_h_advance(gid)) / face.units_per_em,
                x_offset: 0.0,
                y_offset: 0.0,
                cluster: i,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{Variant, bundled};

    #[test]
    fn ligature_makes_one_glyph_for_two_letters() {
        let family = bundled();
        let glyphs = shape(family.face(Variant::Regular), "office", "en-US");
        // "o", "ffi" ligature, "c", "e".
        assert_eq!(glyphs.len(), 4, "{glyphs:?}");
        assert_eq!(glyphs[1].cluster, 1);
        assert_eq!(glyphs[2].cluster, 4);
    }

    #[test]
    fn kerning_tightens_av() {
        let family = bundled();
        let face = family.face(Variant::Regular);
        let pair: f64 = shape(face, "AV", "en").iter().map(|g| g.advance).sum();
        let apart: f64 = shape(face, "A", "en")[0].advance + shape(face, "V", "en")[0].advance;
        assert!(pair < apart, "{pair} < {apart}");
    }

    #[test]
    fn missing_character_gives_notdef() {
        let family = bundled();
        let glyphs = shape(family.face(Variant::Regular), "日", "en");
        assert_eq!(glyphs[0].id, 0);
    }
}
