//! What the paragraph tests share: a span of regular text, the styles they set it in, and the
//! texts of the lines.

use std::sync::Arc;

use super::{Line, ParStyle, Span, line_text};
use crate::config::{Align, Color};
use crate::fonts::Variant;
use crate::length::Abs;

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

pub(super) fn span(text: &str) -> Span {
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
