//! Long paragraphs cut into sections (`SECTION_BYTES`), each broken into lines on its own, so
//! line breaking never holds the items of a whole long paragraph at once.

use super::{SECTION_BYTES, Span};

/// Where a long paragraph's text is cut into sections (byte offsets, each a section's end):
/// every `SECTION_BYTES` or a little before, after the last whitespace in the last quarter of
/// the section, else at a character boundary (within a word too long to matter).
pub(super) fn section_cuts(text: &str) -> Vec<usize> {
    let boundary = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut cuts = Vec::new();
    let mut start = 0;
    while text.len() - start > SECTION_BYTES {
        let mut end = boundary(start + SECTION_BYTES);
        let window = boundary(start + SECTION_BYTES * 3 / 4);
        if let Some(ws) = text[window..end].rfind(char::is_whitespace) {
            let at = window + ws;
            end = at + text[at..].chars().next().map_or(1, char::len_utf8);
        }
        if end <= start {
            break;
        }
        cuts.push(end);
        start = end;
    }
    cuts
}

/// The spans of each section, cut at `cuts` (offsets into the spans' joined text, ascending).
pub(super) fn split_spans(spans: &[Span], cuts: &[usize]) -> Vec<Vec<Span>> {
    let piece = |span: &Span, text: &str| Span {
        text: text.to_string(),
        variant: span.variant,
        color: span.color,
        link: span.link.clone(),
    };
    let mut sections = vec![Vec::new()];
    let mut cuts = cuts.iter().copied().peekable();
    let mut pos = 0;
    for span in spans {
        let mut text = span.text.as_str();
        while let Some(cut) = cuts.next_if(|&c| c < pos + text.len()) {
            let (before, after) = text.split_at(cut.saturating_sub(pos));
            if !before.is_empty()
                && let Some(section) = sections.last_mut()
            {
                section.push(piece(span, before));
            }
            sections.push(Vec::new());
            pos += before.len();
            text = after;
        }
        if !text.is_empty()
            && let Some(section) = sections.last_mut()
        {
            section.push(piece(span, text));
        }
        pos += text.len();
    }
    sections.retain(|s| !s.is_empty());
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Align;
    use crate::fonts::bundled;
    use crate::length::Abs;
    use crate::paragraph::testing::{span, style, texts};
    use crate::paragraph::{Warning, layout};

    #[test]
    fn a_long_paragraph_is_cut_after_spaces_and_keeps_every_character() {
        let text = "lorem ipsum dolor sit amet ".repeat(SECTION_BYTES / 10);
        let cuts = section_cuts(&text);
        assert_eq!(cuts.len(), 2);
        for &cut in &cuts {
            assert_eq!(&text[cut - 1..cut], " ");
            assert!(cut > SECTION_BYTES / 2);
        }
        let mut link = span("click here ");
        link.link = Some("https://example.org".into());
        let spans = [span(&text[..100]), link.clone(), span(&text[100..])];
        let sections = split_spans(&spans, &[50, 105, 120_000]);
        let joined: Vec<String> = sections
            .iter()
            .map(|s| s.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(
            joined.concat(),
            spans.iter().map(|s| s.text.as_str()).collect::<String>()
        );
        assert_eq!(joined[0].len(), 50);
        assert_eq!(joined[1].len(), 55);
        // The link's cut pieces keep its target.
        assert_eq!(sections[1][1].text, "click");
        assert_eq!(sections[1][1].link, link.link);
        assert_eq!(sections[2][0].text, " here ");
        assert_eq!(sections[2][0].link, link.link);
    }

    #[test]
    fn a_word_longer_than_a_section_is_cut_between_characters() {
        let text = "é".repeat(SECTION_BYTES);
        let cuts = section_cuts(&text);
        assert_eq!(cuts, vec![SECTION_BYTES]);
        let family = bundled();
        let (lines, warnings) = layout(&[span(&text)], &family, &style(200.0, Align::Left));
        assert_eq!(texts(&lines).concat(), text);
        assert!(
            warnings
                .iter()
                .all(|w| matches!(w, Warning::CharacterBreak(_))),
            "{warnings:?}"
        );
        let width = Abs::pt(200.0) + Abs::pt(0.01);
        assert!(lines.iter().all(|l| l.width <= width));
    }
}
