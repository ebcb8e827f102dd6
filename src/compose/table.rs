//! Tables (GFM) in the body: column widths from the content, cells aligned as the Markdown's
//! delimiter row says, a rule under the header. A table whose columns nearly fit at their natural
//! widths keeps them: its gutters narrow first, then its size (to no less than 90 %), before any
//! column wraps. A table far too wide gives each column at least its longest word, or, when even
//! that cannot be, a few characters' width (the words then break between characters, with a
//! warning), never less. Each row is one block that is never split, and
//! every body row names the header block, so that a page starting inside the table draws the
//! header again above it (pagination leaves the room: `paginate::Block::head_room`).

use super::signature::side_by_side;
use super::tags::{LineTags, tag_line};
use super::{Composer, FlowBlock, FlowLine, ITEM_GAP};
use crate::config::Color;
use crate::frame::{ElementId, Item, Role, Tag};
use crate::length::Abs;
use crate::markdown::{CellAlign, Inline};
use crate::paragraph::Line;

/// Space between columns, in em.
const COLUMN_GAP_EM: f64 = 1.2;
/// The narrowest the space between columns gets to let the columns keep their natural widths.
const MIN_COLUMN_GAP_EM: f64 = 0.6;
/// The smallest a table's text gets (relative to the body's) to let its columns keep their
/// natural widths.
const MIN_TABLE_SCALE: f64 = 0.9;
/// The narrowest a column gets, in em, when even its longest word cannot have its width: room
/// for a few characters a line.
const MIN_COLUMN_EM: f64 = 2.5;

/// Widths of columns with these natural (unbroken) and least (longest word) widths in `room`:
/// the natural widths when they fit. Else a column narrower than an equal share of the room
/// left keeps its natural width (repeatedly, as the share grows), and the others get their
/// least width plus the rest of the room in proportion to what each lacks of its natural width.
/// When even that does not fit, a column narrower than an equal share keeps its least width
/// (repeatedly, as before) and the others share the rest in proportion to their least widths
/// (their words then break), none below its `floor`. Only when the floors alone do not fit are
/// they scaled down.
pub(super) fn column_widths(natural: &[Abs], least: &[Abs], floor: &[Abs], room: Abs) -> Vec<Abs> {
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
        return squeezed(&least, floor, room);
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

/// Widths for columns whose least widths do not fit in `room` (see [`column_widths`]).
fn squeezed(least: &[Abs], floor: &[Abs], room: Abs) -> Vec<Abs> {
    let n = least.len();
    let floor: Vec<Abs> = (0..n)
        .map(|c| floor.get(c).copied().unwrap_or(Abs::ZERO).min(least[c]))
        .collect();
    // A column is fixed at its least width (it fits a share) or at its floor (its part of the
    // rest would be less); the open ones share what is left by their least widths.
    let mut fixed: Vec<Option<Abs>> = vec![None; n];
    loop {
        let used: Abs = fixed.iter().flatten().copied().sum();
        let open: Vec<usize> = (0..n).filter(|&c| fixed[c].is_none()).collect();
        if open.is_empty() {
            break;
        }
        let rest = room - used;
        let share = rest / open.len() as f64;
        let open_least: Abs = open.iter().map(|&c| least[c]).sum();
        let mut changed = false;
        for &c in &open {
            if least[c] <= share {
                fixed[c] = Some(least[c]);
                changed = true;
            } else if open_least > Abs::ZERO && rest * (least[c] / open_least) < floor[c] {
                fixed[c] = Some(floor[c]);
                changed = true;
            }
        }
        if !changed {
            return (0..n)
                .map(|c| fixed[c].unwrap_or_else(|| rest * (least[c] / open_least)))
                .collect();
        }
    }
    let total: Abs = fixed.iter().flatten().copied().sum();
    if total <= room || total <= Abs::ZERO {
        return fixed.into_iter().flatten().collect();
    }
    // Not even the floors fit: the last resort, which leaves lines running past their columns
    // (an error when the letter is set).
    let scale = room / total;
    fixed.into_iter().flatten().map(|w| w * scale).collect()
}

impl Composer<'_> {
    /// Each column's natural width (every cell on one line) and least width (its widest word),
    /// with the text at `size`.
    fn measure_columns(
        &mut self,
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        columns: usize,
        size: Abs,
    ) -> (Vec<Abs>, Vec<Abs>) {
        let wide = self.display_style(size, Abs::pt(1e6));
        let mut natural = vec![Abs::ZERO; columns];
        let mut least = vec![Abs::ZERO; columns];
        let all_rows = std::iter::once((header, true)).chain(rows.iter().map(|r| (&r[..], false)));
        for (row, bold) in all_rows {
            for (c, cell) in row.iter().enumerate().take(columns) {
                let spans = self.inline_spans(cell, bold);
                for line in self.set(&spans, &wide) {
                    natural[c] = natural[c].max(line.width);
                }
                let text: String = cell.iter().map(|r| r.text.as_str()).collect();
                for word in text.split_whitespace() {
                    let mut spans = spans.clone();
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
        (natural, least)
    }

    /// Adds a table at `indent`, `width` wide: a header block and one block per row, tagged
    /// as a table in `parent`.
    pub(super) fn table(
        &mut self,
        align: &[CellAlign],
        header: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        (indent, width): (Abs, Abs),
        space_before: Abs,
        parent: ElementId,
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
        let gutters = (columns - 1) as f64;
        let mut size = self.size;
        let mut gap = size * COLUMN_GAP_EM;
        // Measure: every cell set on one line, and its widest word.
        let (mut natural, mut least) = self.measure_columns(header, rows, columns, size);
        let total: Abs = natural.iter().copied().sum();
        if total + gap * gutters > width {
            // Nearly fits: narrower gutters, else a slightly smaller size, rather than wrapping.
            let fit = width / (total + size * MIN_COLUMN_GAP_EM * gutters);
            if fit >= 1.0 {
                gap = (width - total) / gutters.max(1.0);
            } else if fit >= MIN_TABLE_SCALE {
                let smaller = size * fit;
                let (n, l) = self.measure_columns(header, rows, columns, smaller);
                let total: Abs = n.iter().copied().sum();
                // Widths scale with the size; should rounding disagree, the columns wrap a little.
                if total + smaller * MIN_COLUMN_GAP_EM * gutters <= width {
                    size = smaller;
                    natural = n;
                    least = l;
                    gap = ((width - total) / gutters.max(1.0)).min(size * COLUMN_GAP_EM);
                }
            }
        }
        let line_height = size * self.input.letterhead.style.leading;
        let room = (width - gap * gutters).max(Abs::ZERO);
        let floor = vec![size * MIN_COLUMN_EM; columns];
        let widths = column_widths(&natural, &least, &floor, room);
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
        let table = self.structure.add(parent, Role::Table);
        let head = self.structure.add(table, Role::THead);
        let body = self.structure.add(table, Role::TBody);
        let all_rows = std::iter::once((header, true)).chain(rows.iter().map(|r| (&r[..], false)));
        for (r, (row, bold)) in all_rows.enumerate() {
            // Each cell's lines, placed in its column and tagged as its cell's.
            let tr = self.structure.add(if bold { head } else { body }, Role::TR);
            let mut cells: Vec<Vec<(Abs, Line, LineTags)>> = Vec::new();
            for (c, cell) in row.iter().enumerate().take(columns) {
                let style = self.style(size, widths[c]);
                let spans = self.inline_spans(cell, bold);
                let element = self
                    .structure
                    .add(tr, if bold { Role::TH } else { Role::TD });
                let mut open = None;
                let set = self.set(&spans, &style);
                let structure = &mut self.structure;
                let placed = set
                    .into_iter()
                    .map(|mut line| {
                        let tags = tag_line(structure, &mut line, element, &mut open);
                        let free = (widths[c] - line.width).max(Abs::ZERO);
                        let x = match align.get(c).copied().unwrap_or(CellAlign::Left) {
                            CellAlign::Left => lefts[c],
                            CellAlign::Center => lefts[c] + free / 2.0,
                            CellAlign::Right => lefts[c] + free,
                        };
                        (x, line, tags)
                    })
                    .collect();
                cells.push(placed);
            }
            let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut iters: Vec<_> = cells.into_iter().map(Vec::into_iter).collect();
            let mut lines: Vec<FlowLine> = (0..height)
                .map(|_| {
                    let (parts, tags): (Vec<_>, Vec<_>) = iters
                        .iter_mut()
                        .filter_map(Iterator::next)
                        .map(|(x, line, tags)| ((x, line), tags))
                        .unzip();
                    FlowLine::plain(
                        side_by_side(parts),
                        indent,
                        line_height,
                        size,
                        LineTags::side_by_side(tags),
                    )
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
                last.extras.push(Item::Tag(Tag::Artifact));
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
        let w = column_widths(
            &abs(&[50.0, 30.0]),
            &abs(&[20.0, 30.0]),
            &[],
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [50.0, 30.0]);
    }

    #[test]
    fn narrow_columns_keep_their_width_and_the_wide_ones_share_the_rest() {
        // Room 100: the 20 pt column fits an equal share (50) and keeps its width; the two
        // others share 80 from their least widths (10 + 20) by what they lack (90 and 180).
        let w = column_widths(
            &abs(&[20.0, 100.0, 200.0]),
            &abs(&[20.0, 10.0, 20.0]),
            &[],
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [20.0, 26.67, 53.33]);
    }

    #[test]
    fn the_rest_of_the_room_goes_to_the_columns_that_lack_most() {
        // No column is narrower than a share of 50: least 20 + 60 = 80; 20 left to share
        // between lacks of 180 and 40.
        let w = column_widths(
            &abs(&[200.0, 100.0]),
            &abs(&[20.0, 60.0]),
            &[],
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [36.36, 63.64]);
    }

    #[test]
    fn short_columns_keep_their_words_when_long_words_must_break() {
        // Three columns of one 260pt compound each and three of a letter each, in 405pt: the
        // letters keep their width (they used to be scaled to less than it, and ran past their
        // columns); the compounds share the rest and break.
        let w = column_widths(
            &abs(&[6.0, 260.0, 260.0, 260.0, 6.0, 6.0]),
            &abs(&[6.0, 260.0, 260.0, 260.0, 6.0, 6.0]),
            &abs(&[6.0, 30.0, 30.0, 30.0, 6.0, 6.0]),
            Abs::pt(405.0),
        );
        assert_eq!(pts(&w), [6.0, 129.0, 129.0, 129.0, 6.0, 6.0]);
    }

    #[test]
    fn a_squeezed_column_keeps_its_floor() {
        // By least widths the second column would get 25pt; its floor is 40.
        let w = column_widths(
            &abs(&[300.0, 100.0]),
            &abs(&[300.0, 100.0]),
            &abs(&[40.0, 40.0]),
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [60.0, 40.0]);
        // Without floors, a column that fits an equal share keeps its least width.
        let w = column_widths(
            &abs(&[300.0, 100.0]),
            &abs(&[150.0, 50.0]),
            &[],
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [50.0, 50.0]);
    }

    #[test]
    fn floors_too_wide_are_scaled_down() {
        let w = column_widths(
            &abs(&[300.0, 300.0]),
            &abs(&[100.0, 100.0]),
            &abs(&[80.0, 80.0]),
            Abs::pt(100.0),
        );
        assert_eq!(pts(&w), [50.0, 50.0]);
    }
}
