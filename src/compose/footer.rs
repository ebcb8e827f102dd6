//! The footer columns: small print above the bottom margin (the legal name and register, the
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
}
