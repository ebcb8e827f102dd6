//! Tables (GFM) in the body: column widths from the content, cells aligned as the Markdown's
//! delimiter row says, a rule under the header. Each row is one block that is never split, and
//! every body row names the header block, so that a page starting inside the table draws the
//! header again above it (pagination leaves the room: `paginate::Block::head_room`).

use super::signature::side_by_side;
use super::{Composer, FlowBlock, FlowLine, ITEM_GAP};
use crate::config::Color;
use crate::frame::Item;
use crate::length::Abs;
use crate::markdown::{CellAlign, Inline};
use crate::paragraph::Line;

/// Space between columns, in em.
const COLUMN_GAP_EM: f64 = 1.2;

/// Widths of columns with these natural (unbroken) and least (longest word) widths in `room`:
/// the natural widths when they fit. Else a column narrower than an equal share of the room
/// left keeps its natural width (repeatedly, as the share grows), and the others get their
/// least width plus the rest of the room in proportion to what each lacks of its natural width.
/// When even that does not fit, the least widths are scaled down (the words then break
/// between characters, with a warning).
pub(super) fn column_widths(natural: &[Abs], least: &[Abs], room: Abs) -> Vec<Abs> {
    let total: Abs = natural.iter().copied().sum();
    if total <= room {
        return natural.to_vec();
    }
    let least: Vec<Abs> = least.iter().zip(natural).map(|(&l, &n)| l.min(n)).collect();
    // Narrow columns keep their natural width.
    let mut fixed = vec![false; natural.len()];
    loop {
        let open = fixed.iter().filter(|f| !**f).count();
        if open == 0 {
            break;
        }
        let used: Abs = natural
            .iter()
            .zip(&fixed)
            .filter(|(_, f)| **f)
            .map(|(&n, _)| n)
            .sum();
        let share = (room - used) / open as f64;
        let mut changed = false;
        for (c, f) in fixed.iter_mut().enumerate() {
            if !*f && natural[c] <= share {
                *f = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let width_of = |c: usize| if fixed[c] { natural[c] } else { least[c] };
    let base_total: Abs = (0..natural.len()).map(width_of).sum();
    if base_total >= room {
        let least_total: Abs = least.iter().copied().sum();
        let scale = room / least_total;
        return least.iter().map(|&l| l * scale).collect();
    }
    let lack: Abs = (0..natural.len())
        .filter(|&c| !fixed[c])
        .map(|c| natural[c] - least[c])
        .sum();
    let share = room - base_total;
    (0..natural.len())
        .map(|c| {
            if fixed[c] || lack <= Abs::ZERO {
                width_of(c)
            } else {
                least[c] + (natural[c] - least[c]) * (share / lack)
            }
        })
        .collect()
}

impl Composer<'_> {
    /// Adds a table: a header block and one block per row.
    pub(super) fn table(
        &mut self,
        align: &[CellAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        indent: Abs,
        width: Abs,
        space_before: Abs,
    ) {
        let columns = rows
            .iter()
            .map(Vec::len)
            .chain([header.len(), align.len()])
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        let gap = self.size * COLUMN_GAP_EM;
        // Measure: every cell set on one line, and its longest word.
        let wide = self.display_style(self.size, Abs::pt(1e6));
        let mut natural = vec![Abs::ZERO; columns];
        let mut least = vec![Abs::ZERO; columns];
        let all_rows = std::iter::once((header, true)).chain(rows.iter().map(|r| (&r[..], false)));
        for (row, bold) in all_rows.clone() {
            for (c, cell) in row.iter().enumerate() {
                let spans = self.inline_spans(cell, bold);
                for line in self.set(&spans, &wide) {
                    natural[c] = natural[c].max(line.width);
                }
                let text: String = cell.iter().map(|r| r.text.as_str()).collect();
                if let Some(word) = text.split_whitespace().max_by_key(|w| w.chars().count()) {
                    let mut spans = spans;
                    spans.truncate(1);
                    if let Some(span) = spans.first_mut() {
                        span.text = word.to_string();
                        span.link = None;
                    }
                    for line in self.set(&spans, &wide) {
                        least[c] = least[c].max(line.width);
                    }
                }
            }
        }
        let room = width - gap * (columns - 1) as f64;
        let widths = column_widths(&natural, &least, room);
        let lefts: Vec<Abs> = widths
            .iter()
            .scan(Abs::ZERO, |x, &w| {
                let left = *x;
                *x += w + gap;
                Some(left)
            })
            .collect();
        let table_width = lefts[columns - 1] + widths[columns - 1];
        let mut header_block = None;
        for (r, (row, bold)) in all_rows.enumerate() {
            // Each cell's lines, placed in its column.
            let mut cells: Vec<Vec<(Abs, Line)>> = Vec::new();
            for (c, cell) in row.iter().enumerate().take(columns) {
                let style = self.style(self.size, widths[c]);
                let spans = self.inline_spans(cell, bold);
                let placed = self
                    .set(&spans, &style)
                    .into_iter()
                    .map(|line| {
                        let free = (widths[c] - line.width).max(Abs::ZERO);
                        let x = match align.get(c).copied().unwrap_or(CellAlign::Left) {
                            CellAlign::Left => lefts[c],
                            CellAlign::Center => lefts[c] + free / 2.0,
                            CellAlign::Right => lefts[c] + free,
                        };
                        (x, line)
                    })
                    .collect();
                cells.push(placed);
            }
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut iters: Vec<_> = cells.into_iter().map(Vec::into_iter).collect();
            let mut lines: Vec<FlowLine> = (0..height)
                .map(|_| {
                    let parts = iters.iter_mut().filter_map(Iterator::next).collect();
                    FlowLine {
                        indent,
                        height: self.line_height,
                        line: side_by_side(parts),
                        size: self.size,
                        extras: Vec::new(),
                        space_below: Abs::ZERO,
                        shrink: Abs::ZERO,
                        bars: Vec::new(),
                    }
                })
                .collect();
            // A rule under the header, a hairline under each body row.
            if let Some(last) = lines.last_mut() {
                let y = last.height + self.line_height * ITEM_GAP * 0.5;
                let (thickness, color) = if bold {
                    (Abs::pt(0.6), Color::BLACK)
                } else {
                    (Abs::pt(0.25), Color::GREY)
                };
                last.extras.push(Item::Rule {
                    from: (indent, y),
                    to: (indent + table_width, y),
                    thickness,
                    color,
                });
            }
            let before = if r == 0 {
                space_before
            } else {
                self.line_height * ITEM_GAP
            };
            self.blocks.push(FlowBlock {
                lines,
                space_before: before,
                space_shrink: Abs::ZERO,
                notation: false,
                keep_together: true,
                keep_with_next: bold,
                keep_lines_before: 0,
                header: if bold { None } else { header_block },
            });
            if bold {
                header_block = Some(self.blocks.len() - 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(widths: &[Abs]) -> Vec<f64> {
        widths
            .iter()
            .map(|w| (w.to_pt() * 100.0).round() / 100.0)
            .collect()
    }

    fn abs(v: &[f64]) -> Vec<Abs> {
        v.iter().map(|&p| Abs::pt(p)).collect()
    }

    #[test]
    fn columns_that_fit_keep_their_natural_widths() {
        let w = column_widths(&abs(&[50.0, 30.0]), &abs(&[20.0, 30.0]), Abs::pt(100.0));
        assert_eq!(pts(&w), [50.0, 30.0]);
    }

    #[test]
    fn narrow_columns_keep_their_width_and_the_wide_ones_share_the_rest() {
        // Room 100: the 20 pt column fits an equal share (50) and keeps its width; the two
        // others share 80 from their least widths (10 + 20) by what they lack (90 and 180).
        let w = column_widths(
            &abs(&[20.0, 100.0, 200.0]),
            &abs(&[20.0, 10.0, 20.0]),
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [20.0, 26.67, 53.33]);
    }

    #[test]
    fn the_rest_of_the_room_goes_to_the_columns_that_lack_most() {
        // No column is narrower than a share of 50: least 20 + 60 = 80; 20 left to share
        // between lacks of 180 and 40.
        let w = column_widths(&abs(&[200.0, 100.0]), &abs(&[20.0, 60.0]), Abs::pt(100.0));
        assert_eq!(pts(&w), [36.36, 63.64]);
    }

    #[test]
    fn least_widths_too_wide_are_scaled_down() {
        let w = column_widths(&abs(&[300.0, 100.0]), &abs(&[150.0, 50.0]), Abs::pt(100.0));
        assert_eq!(pts(&w), [75.0, 25.0]);
    }
}
