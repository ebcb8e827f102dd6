//! What the paragraph tests share: a span of regular text, the styles they set it in, and the
//! texts of the lines.

use std::sync::Arc;

use super::lines::line_text;
use super::{Line, ParStyle, Span};
use crate::config::{Align, Color};
use crate::fonts::Variant;
use crate::length::Abs;
use crate::shape::Glyph;

/// 11 pt on 15 pt, American English, hyphenated, `width` points wide.
pub(super) fn style(width: f64, align: Align) -> ParStyle {
    ParStyle {
        size: Abs::pt(11.0),
        line_height: Abs::pt(15.0),
        width: Abs::pt(width),
        align,
        hyphenate: true,
        language: "en-US".into(),
        tracking: 0.0,
        names: Arc::from([]),
    }
}

/// `style` in another language.
pub(super) fn style_in(language: &str, width: f64, align: Align) -> ParStyle {
    ParStyle {
        language: language.into(),
        ..style(width, align)
    }
}

/// 10 pt on 14 pt, hyphenated, with the letter's proper names.
pub(crate) fn style_10pt(language: &str, width: f64, align: Align, names: &[&str]) -> ParStyle {
    ParStyle {
        size: Abs::pt(10.0),
        line_height: Abs::pt(14.0),
        width: Abs::pt(width),
        align,
        hyphenate: true,
        language: language.into(),
        tracking: 0.0,
        names: names.iter().map(|n| n.to_string()).collect(),
    }
}

pub(crate) fn span(text: &str) -> Span {
    Span {
        text: text.into(),
        variant: Variant::Regular,
        color: Color::BLACK,
        link: None,
    }
}

pub(super) fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(line_text).collect()
}

/// The advance of `glyphs` at `size` points.
pub(super) fn advance(glyphs: &[Glyph], size: f64) -> Abs {
    glyphs.iter().map(|g| Abs::pt(size * g.advance)).sum()
}
