//! The footer: a line of small print centred in the bottom margin (`[footer] text`), and the
//! footer columns: small print above the bottom margin (the legal name and register, the
//! bank, the board), in columns of equal width across the text, on page one or on every page.
//! Pagination leaves them their room, so the letter's text never runs into them.

use super::signature::side_by_side;
use super::{Composer, SMALL_SCALE, draw};
use crate::config::Color;
use crate::diag::Diagnostic;
use crate::fonts::Variant;
use crate::frame::Item;
use crate::length::Abs;
use crate::paragraph::Span;

/// Space between the columns, in em of their text.
const COLUMN_GAP_EM: f64 = 2.0;
/// The strip at the foot of the page that the footer keeps clear: most printers cannot print
/// nearer the edge.
const FOOTER_EDGE_MM: f64 = 4.0;

impl Composer<'_> {
    /// The footer columns' items, and the height they take above the bottom margin (zero
    /// without columns).
    pub(super) fn footer_columns(&mut self) -> (Vec<Item>, Abs) {
        let lh = self.input.letterhead;
        let columns = &lh.footer.columns;
        if columns.iter().all(Vec::is_empty) {
            return (Vec::new(), Abs::ZERO);
        }
        let page = &lh.page;
        let size = self.size * SMALL_SCALE * 0.9;
        let line_height = size * 1.3;
        let gap = size * COLUMN_GAP_EM;
        let n = columns.len();
        let width = (self.width - gap * (n - 1) as f64) / n as f64;
        let style = self.display_style(size, width);
        // Each column's lines; a line too long for its column is a warning at the columns.
        let mut set_columns = Vec::new();
        for column in columns {
            let mut lines = Vec::new();
            for text in column {
                let spans = [Span {
                    text: text.clone(),
                    variant: Variant::Regular,
                    color: Color::GREY,
                    link: None,
                }];
                self.origin = super::Origin::Letterhead(&["footer", "columns"]);
                let set = self.set(&spans, &style);
                if set.len() > 1 {
                    let d = Diagnostic::warning(format!(
                        "the footer line `{text}` does not fit in its column ({:.0} mm) and wraps",
                        width.to_mm()
                    ))
                    .hint("shorten it, or use fewer columns");
                    self.letterhead_warning(&["footer", "columns"], d);
                }
                lines.extend(set);
            }
            set_columns.push(lines);
        }
        let rows = set_columns.iter().map(Vec::len).max().unwrap_or(0);
        let rule_gap = size * 0.8;
        let height = line_height * rows as f64 + rule_gap * 2.0;
        let top = page.height - page.bottom - height + rule_gap;
        let mut items = vec![Item::Rule {
            from: (page.left, top),
            to: (page.width - page.right, top),
            thickness: Abs::pt(0.3),
            color: Color::GREY,
        }];
        let mut iters: Vec<_> = set_columns.into_iter().map(Vec::into_iter).collect();
        let mut baseline = top + rule_gap + size;
        for _ in 0..rows {
            let parts = iters
                .iter_mut()
                .enumerate()
                .filter_map(|(i, c)| c.next().map(|l| ((width + gap) * i as f64, l)))
                .collect();
            draw(
                side_by_side(parts),
                page.left,
                baseline,
                size,
                line_height,
                &mut items,
            );
            baseline += line_height;
        }
        if height > page.height * 0.25 {
            let d = Diagnostic::warning(format!(
                "the footer columns take {:.0} mm of every page they are on",
                height.to_mm()
            ))
            .hint("use fewer lines, or columns-on = \"first-page\"");
            self.letterhead_warning(&["footer", "columns"], d);
        }
        (items, height)
    }

    /// The footer line, centred in the bottom margin.
    pub(super) fn footer(&mut self) -> Vec<Item> {
        let lh = self.input.letterhead;
        let page = &lh.page;
        let mut items = Vec::new();
        if let Some(text) = &lh.footer.text {
            let small = self.size * SMALL_SCALE * 0.95;
            let mut style = self.style(small, self.width);
            style.hyphenate = false;
            let spans = [Span {
                text: text.clone(),
                variant: Variant::Regular,
                color: Color::GREY,
                link: None,
            }];
            let lines = self.set_field(
                &["footer", "text"],
                &spans,
                &style,
                1,
                "shorten it, e.g. to the web address",
            );
            let mut baseline = page.height - page.bottom * 0.55;
            // Lines that would fall off the page (or into the edge no printer reaches) are
            // damage: the footer would be cut.
            let last = baseline + small * 1.3 * lines.len().saturating_sub(1) as f64;
            if last + small * 0.3 > page.height - Abs::mm(FOOTER_EDGE_MM) {
                let room = page.height - Abs::mm(FOOTER_EDGE_MM) - small * 0.3 - baseline;
                let holds = if room < Abs::ZERO {
                    0
                } else {
                    (room / (small * 1.3)).floor() as usize + 1
                };
                let d = Diagnostic::error(format!(
                    "the footer text needs {} {}, and the bottom margin holds {holds}",
                    lines.len(),
                    if lines.len() == 1 { "line" } else { "lines" }
                ))
                .hint("shorten it, put the details in [footer] columns, or make the bottom margin larger");
                let d = self.letterhead_error(&["footer", "text"], d);
                self.damage.get_or_insert(d);
            }
            for line in lines {
                let x = page.left + (self.width - line.width) / 2.0;
                draw(line, x, baseline, small, small * 1.3, &mut items);
                baseline += small * 1.3;
            }
        }
        items
    }
}

#[cfg(test)]
mod tests {
    use super::super::with_composer;
    use super::*;
    use crate::config::Letterhead;

    #[test]
    fn the_footer_line_is_centred_in_the_bottom_margin() {
        let mut lh = Letterhead::builtin();
        lh.footer.text = Some("www.example.org".into());
        let page = lh.page;
        let (items, line_width) = with_composer("", &lh, |c| {
            let mut style = c.style(c.size * SMALL_SCALE * 0.95, c.width);
            style.hyphenate = false;
            let spans = [c.span("www.example.org", Variant::Regular)];
            let line_width = c.set(&spans, &style)[0].width;
            (c.footer(), line_width)
        });
        let runs: Vec<_> = items
            .iter()
            .filter_map(|item| match item {
                Item::Text(run) => Some(run),
                _ => None,
            })
            .collect();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].glyphs.text(), "www.example.org");
        assert_eq!(runs[0].y, page.height - page.bottom * 0.55);
        // As much room on its left as on its right.
        let width = page.width - page.left - page.right;
        let left = runs[0].x - page.left;
        assert!((left * 2.0 + line_width - width).to_mm().abs() < 1e-9);
    }

    #[test]
    fn no_footer_text_no_footer_line() {
        let lh = Letterhead::builtin();
        assert!(lh.footer.text.is_none());
        assert!(with_composer("", &lh, |c| c.footer()).is_empty());
    }
}
