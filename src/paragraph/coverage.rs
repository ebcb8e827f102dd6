//! Font fallback before shaping: each span is cut into pieces set in one face each — for
//! every character the first face that has it (the family's, then its fallback faces), with
//! combining marks, joiners and variation selectors kept with the character before them and
//! spaces kept in the face around them when it has them.
//!
//! It takes spans and a family and gives spans with a face each, plus which characters went
//! to faces found among the system's fonts. It shapes nothing; text written right to left is
//! found here and refused (the lines are laid out left to right only).

use std::sync::Arc;

use unicode_bidi::{BidiClass, bidi_class};

use super::Span;
use crate::fonts::{Face, Family};

/// Spans cut so that each is set in one face.
pub(super) struct Covered {
    /// The pieces, in order; their texts joined are the input spans' texts joined.
    pub spans: Vec<Span>,
    /// The face of each piece.
    pub faces: Vec<Arc<Face>>,
    /// Faces the letterhead did not choose (found among the system's fonts), with the
    /// characters set in each.
    pub found: Vec<(String, Vec<char>)>,
    /// Characters of a right-to-left script.
    pub right_to_left: Vec<char>,
}

/// Cuts `spans` into pieces of one face each.
pub(super) fn cover(spans: &[Span], family: &Family) -> Covered {
    let mut covered = Covered {
        spans: Vec::with_capacity(spans.len()),
        faces: Vec::with_capacity(spans.len()),
        found: Vec::new(),
        right_to_left: Vec::new(),
    };
    for span in spans {
        let own = family.face(span.variant);
        for c in span.text.chars().filter(|&c| right_to_left(c)) {
            if !covered.right_to_left.contains(&c) {
                covered.right_to_left.push(c);
            }
        }
        // Most spans need nothing but their own face.
        if span.text.chars().all(|c| own.covers(c) || passive(c)) {
            covered.spans.push(span.clone());
            covered.faces.push(own.clone());
            continue;
        }
        let mut current: Option<(usize, Arc<Face>)> = None;
        for (i, c) in span.text.char_indices() {
            let face = match &current {
                // A mark or joiner belongs to the character before it; a space stays in the
                // face around it when that face has it.
                Some((_, face)) if attaches(c) || (passive(c) && face.covers(c)) => face.clone(),
                _ if passive(c) => own.clone(),
                _ => match family.face_for(span.variant, c) {
                    Some(face) => {
                        if !family.chose(&face) {
                            note(&mut covered.found, &face.name, c);
                        }
                        face
                    }
                    // No face has it: the family's own shows it as missing.
                    None => own.clone(),
                },
            };
            match &current {
                Some((_, same)) if Arc::ptr_eq(same, &face) => {}
                Some((start, previous)) => {
                    covered.spans.push(piece(span, &span.text[*start..i]));
                    covered.faces.push(previous.clone());
                    current = Some((i, face));
                }
                None => current = Some((i, face)),
            }
        }
        if let Some((start, face)) = current {
            covered.spans.push(piece(span, &span.text[start..]));
            covered.faces.push(face);
        }
    }
    covered
}

/// A character of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko …); every one
/// is at U+0590 or above.
fn right_to_left(c: char) -> bool {
    c >= '\u{0590}' && matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// A character that needs no glyph of a particular face: white space and control characters.
fn passive(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// A character that belongs to the one before it: a combining mark, a zero-width joiner or
/// non-joiner, a variation selector.
fn attaches(c: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
        || c.script() == Script::Inherited
}

fn piece(span: &Span, text: &str) -> Span {
    Span {
        text: text.to_string(),
        variant: span.variant,
        color: span.color,
        link: span.link.clone(),
    }
}

fn note(found: &mut Vec<(String, Vec<char>)>, face: &str, c: char) {
    match found.iter_mut().find(|(name, _)| name == face) {
        Some((_, chars)) => {
            if !chars.contains(&c) {
                chars.push(c);
            }
        }
        None => found.push((face.to_string(), vec![c])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::{Variant, bundled};
    use crate::paragraph::testing::span;

    #[test]
    fn covered_text_stays_one_span() {
        let covered = cover(&[span("Dear Ms Ελένη Müller,")], &bundled());
        assert_eq!(covered.spans.len(), 1);
        assert!(covered.found.is_empty());
    }

    #[test]
    fn uncovered_characters_stay_in_the_family_face_without_fallback() {
        let family = bundled();
        let covered = cover(&[span("to 王小明 today")], &family);
        // No fallback configured or searched: one face, the missing characters in it.
        assert_eq!(covered.spans.len(), 1);
        assert!(Arc::ptr_eq(
            &covered.faces[0],
            family.face(Variant::Regular)
        ));
    }

    #[test]
    fn right_to_left_characters_are_found() {
        let covered = cover(&[span("to שלום and سلام")], &bundled());
        assert_eq!(
            covered.right_to_left.len(),
            8,
            "{:?}",
            covered.right_to_left
        );
    }
}
