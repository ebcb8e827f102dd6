//! Pagination: splits the letter's vertical flow of blocks into pages.
//!
//! It takes the blocks in reading order, each reduced to the heights of its line boxes, the space
//! above it and its keep rules (orphans, widows, keep-together, keep-with-next, keep-lines-before),
//! plus the usable content height of every page. It gives, for every page, the pieces of blocks
//! that stand on it: which lines of which block, and how far down from the content top each piece
//! starts.
//!
//! Space is glue, as in TeX's page builder: every gap and line box has a natural height and may
//! give up to its `shrink`. Pages are filled at natural heights; the glue of a page is only set
//! tighter (one ratio for the whole page) to pull a last page that would stand nearly empty, or
//! hold only notations, back onto the page before it.
//!
//! It must not know about fonts, text or PDF: a line here is only a height, a block only an index
//! into the caller's list. Measuring lines before and drawing the pieces after are the caller's job.

use std::ops::Range;

use crate::length::Abs;

/// Orphans of a [`Block::default`]: a split block leaves at least two lines at the page bottom.
pub const DEFAULT_ORPHANS: usize = 2;

/// Widows of a [`Block::default`]: a split block carries at least two lines to the next page.
pub const DEFAULT_WIDOWS: usize = 2;

// Costs of breaking a page at a boundary that violates a rule. A boundary violating nothing costs 0
// and is the only kind used while one fits; the costs only matter when none does (a keep chain
// taller than the page), to pick the least bad break. They are weighted rather than merely counted
// so that the rules that hurt most to break win. Keep-together is the cheapest: a block that must be
// split anyway is better split where widows and orphans still hold. A heading alone at the bottom of
// a page (keep-with-next) is the worst.

/// Cost of splitting a keep-together block.
const COST_KEEP_TOGETHER: u32 = 1;
/// Cost of a page ending in a hyphen: the word is split across pages, which text extraction
/// cannot join (TeX's `\brokenpenalty`).
const COST_HYPHEN: u32 = 1;
/// Cost of leaving fewer than `orphans` lines of a block at the bottom of a page.
const COST_ORPHAN: u32 = 2;
/// Cost of carrying fewer than `widows` lines of a block to the top of the next page.
const COST_WIDOW: u32 = 2;
/// Cost of leaving fewer than `keep_lines_before` lines above a block on its page.
const COST_KEEP_LINES_BEFORE: u32 = 3;
/// Cost of breaking right after a keep-with-next block.
const COST_KEEP_WITH_NEXT: u32 = 4;

/// A last page holding fewer lines than this is too sparse to stand alone: its content is pulled
/// back onto the page before by shrinking that page's glue, or, when the glue cannot give enough,
/// more content is carried over to it.
pub const MIN_LAST_PAGE_LINES: usize = 3;

/// Slack allowed when comparing heights, so that content summing to exactly the page height still
/// fits despite floating-point rounding (a millionth of a point is far below anything visible).
const FIT_TOLERANCE: Abs = Abs::pt(1e-6);

/// One block of the flow: a paragraph, a list item, a heading, the date line, the closing+signature group...
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Height of each line box, top to bottom (baseline-to-baseline advance), in order.
    pub lines: Vec<Abs>,
    /// Vertical space above the block; dropped when the block starts a page.
    pub space_before: Abs,
    /// Never split this block across pages (closing + signature, a short heading).
    pub keep_together: bool,
    /// No page break between this block and the next one (headings, the salutation, the subject).
    pub keep_with_next: bool,
    /// At least this many lines of the preceding blocks must stand on the same page as this block's first line
    /// (the closing+signature keeps at least the last 2 body lines with it). 0 = no constraint.
    pub keep_lines_before: usize,
    /// Minimum lines left at the bottom of a page when this block is split (orphans); default 2.
    pub orphans: usize,
    /// Minimum lines carried to the top of the next page when split (widows); default 2.
    pub widows: usize,
    /// Room for a header repeated above the block when a page starts inside or at it (a table's
    /// header row above its body rows): the page holds that much less, and its pieces start
    /// that far down. Zero for no header.
    pub head_room: Abs,
    /// How much of `space_before` may be taken away to pull a sparse last page back (glue shrink).
    pub space_shrink: Abs,
    /// How much each line box may give up in the same case, by line index (the signing space
    /// under the closing); a line without an entry gives nothing.
    pub line_shrink: Vec<Abs>,
    /// A notation after the signature (enclosures, cc, P.S.): a last page holding only notations
    /// is as sparse as one holding fewer than [`MIN_LAST_PAGE_LINES`] lines.
    pub notation: bool,
    /// The lines (indices into `lines`) that end in a hyphen; a page ends after one only when
    /// no other break fits.
    pub hyphenated: Vec<usize>,
}

impl Block {
    /// Height of line `line` on a page whose glue is set at `ratio` ([`Page::shrink`]).
    pub fn set_height(&self, line: usize, ratio: f64) -> Abs {
        let height = self.lines.get(line).copied().unwrap_or(Abs::ZERO);
        let shrink = self.line_shrink.get(line).copied().unwrap_or(Abs::ZERO);
        // As `flatten` takes it: a line never gives more than its height, nor a negative amount.
        height - shrink.min(height).max(Abs::ZERO) * ratio
    }
}

impl Default for Block {
    /// A block without lines, space or keeps, with [`DEFAULT_ORPHANS`] and [`DEFAULT_WIDOWS`].
    fn default() -> Self {
        Block {
            lines: Vec::new(),
            space_before: Abs::ZERO,
            keep_together: false,
            keep_with_next: false,
            keep_lines_before: 0,
            orphans: DEFAULT_ORPHANS,
            widows: DEFAULT_WIDOWS,
            head_room: Abs::ZERO,
            space_shrink: Abs::ZERO,
            line_shrink: Vec::new(),
            notation: false,
            hyphenated: Vec::new(),
        }
    }
}

/// A piece of one block placed on a page: block index and the range of its lines on that page.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Index of the block in the slice given to [`paginate`].
    pub block: usize,
    /// The block's lines standing on this page (indices into [`Block::lines`]).
    pub lines: Range<usize>,
    /// Top of the piece's first line box, measured down from the page's content top, space_before
    /// (of the block and of any zero-line blocks just before it) included when not at page top,
    /// all of it set at the page's [`Page::shrink`].
    pub y: Abs,
}

/// One page: the pieces standing on it, top to bottom.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Pieces in reading order; never empty.
    pub pieces: Vec<Piece>,
    /// How far the page's glue is set below its natural height, from 0 (natural) to 1 (every gap
    /// and line box given up all its shrink): each takes away `shrink × this`. See
    /// [`Block::set_height`].
    pub shrink: f64,
}

/// Splits `blocks` into pages; `page_height(n)` is the usable content height of page n (0-based;
/// page one is shorter because of the letterhead).
///
/// The flow is flattened into one sequence of lines. Every boundary between two consecutive lines
/// gets a cost: 0 when a page break there is allowed, otherwise the sum of the costs of the rules it
/// violates:
/// - inside a block of n lines, a break after line i needs i >= orphans and n - i >= widows (so 2- and
///   3-line paragraphs never split with the defaults), and never inside a keep_together block;
/// - never after a keep_with_next block;
/// - never where it would leave fewer than keep_lines_before lines (counted back across blocks) on
///   the page of a block with that constraint. If the flow has fewer lines than that before the
///   block, all of them must share its page.
///
/// Pages are then filled greedily: each page takes as many lines as fit and breaks at the cheapest
/// boundary that fits, the last one among equals. While any allowed boundary fits, that is the last
/// allowed one; when none does (a keep chain taller than the page) it is the least bad one. A chain
/// that would fit on a fresh page is thus moved there first, and only split if it still does not fit.
/// Every page takes at least one line, even a line taller than the page, so this always ends.
///
/// The space_before of a block is dropped when the block starts a page, including on page one.
///
/// Blocks with no lines are pure spacing: their space_before adds to that of the next block with
/// lines, their keep_with_next carries over to it, they produce no pieces, and their
/// keep_together, keep_lines_before, orphans and widows are ignored.
///
/// A flow without any lines (no blocks, or only zero-line blocks) gives no pages at all: an empty
/// `Vec`, not one empty page. The caller decides what an empty letter looks like.
///
/// The last page is then looked at once more. When it would hold fewer than
/// [`MIN_LAST_PAGE_LINES`] lines, or only notations, and there is a page before it:
/// - if the content of both fits on the earlier page with its glue shrunk (`space_shrink`,
///   `line_shrink`), the two become one page, its glue set at the least ratio that fits;
/// - otherwise the earlier page breaks sooner, at the last boundary no worse than the one it had
///   (by the costs above) that leaves the last page fitting and no longer sparse; when there is
///   none, the pages stay as they were.
pub fn paginate(blocks: &[Block], page_height: &dyn Fn(usize) -> Abs) -> Vec<Page> {
    let lines = flatten(blocks);
    let costs = break_costs(blocks, &lines);
    // Each page as (first line, end, glue ratio).
    let mut ranges: Vec<(usize, usize, f64)> = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let end = page_end(&lines, &costs, start, page_height(ranges.len()));
        ranges.push((start, end, 0.0));
        start = end;
    }
    if ranges.len() >= 2 {
        let n = ranges.len();
        let (last_start, _, _) = ranges[n - 1];
        let (prev_start, prev_end, _) = ranges[n - 2];
        if sparse(&lines[last_start..]) {
            if let Some(ratio) = shrink_ratio(&lines[prev_start..], page_height(n - 2)) {
                ranges.pop();
                ranges[n - 2] = (prev_start, lines.len(), ratio);
            } else if let Some(end) = (prev_start + 1..prev_end).rev().find(|&k| {
                costs[k] <= costs[prev_end]
                    && !sparse(&lines[k..])
                    && shrink_ratio(&lines[k..], page_height(n - 1)).is_some_and(|r| r <= 0.0)
            }) {
                ranges[n - 2].1 = end;
                ranges[n - 1].0 = end;
            }
        }
    }
    ranges
        .into_iter()
        .map(|(start, end, ratio)| build_page(&lines[start..end], ratio))
        .collect()
}

/// One line of the flattened flow.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Index of its block.
    block: usize,
    /// Index of the line within its block.
    index: usize,
    /// Height of the line box.
    height: Abs,
    /// How much of `height` the line may give up.
    shrink: Abs,
    /// Space above the line when it does not start a page: the block's space_before (plus that of
    /// the zero-line blocks before it) for a block's first line, zero for the others.
    gap: Abs,
    /// How much of `gap` may be given up.
    gap_shrink: Abs,
    /// The block's head room: taken at the top of a page that starts with this line.
    head_room: Abs,
    /// Whether the line is a notation's.
    notation: bool,
}

/// The lines of all blocks in order, each with the space to put above it.
fn flatten(blocks: &[Block]) -> Vec<Line> {
    let mut lines = Vec::with_capacity(blocks.iter().map(|b| b.lines.len()).sum());
    // Zero-line blocks have nowhere to put their space, so it waits for the next line.
    let mut pending = (Abs::ZERO, Abs::ZERO);
    for (block, b) in blocks.iter().enumerate() {
        pending.0 += b.space_before;
        pending.1 += b.space_shrink.min(b.space_before).max(Abs::ZERO);
        for (index, &height) in b.lines.iter().enumerate() {
            let (gap, gap_shrink) = if index == 0 {
                std::mem::replace(&mut pending, (Abs::ZERO, Abs::ZERO))
            } else {
                (Abs::ZERO, Abs::ZERO)
            };
            let shrink = b.line_shrink.get(index).copied().unwrap_or(Abs::ZERO);
            lines.push(Line {
                block,
                index,
                height,
                shrink: shrink.min(height).max(Abs::ZERO),
                gap,
                gap_shrink,
                head_room: b.head_room,
                notation: b.notation,
            });
        }
    }
    lines
}

/// Whether these lines, standing alone on the last page, leave it too sparse.
fn sparse(lines: &[Line]) -> bool {
    lines.len() < MIN_LAST_PAGE_LINES || lines.iter().all(|l| l.notation)
}

/// The least glue ratio at which all of `lines` fit on one page of `height` (0 when they fit at
/// natural height), or `None` when they do not fit even with all their glue shrunk.
fn shrink_ratio(lines: &[Line], height: Abs) -> Option<f64> {
    let first = lines.first()?;
    let mut natural = first.head_room + first.height;
    let mut shrink = first.shrink;
    for line in &lines[1..] {
        natural += line.gap + line.height;
        shrink += line.gap_shrink + line.shrink;
    }
    if natural <= height + FIT_TOLERANCE {
        Some(0.0)
    } else if natural - shrink <= height + FIT_TOLERANCE && shrink > Abs::ZERO {
        Some(((natural - height) / shrink).clamp(0.0, 1.0))
    } else {
        None
    }
}

/// The cost of a page break before each line: `costs[k]` is for the boundary between lines k - 1
/// and k, `costs[lines.len()]` (the end of the flow) is 0, `costs[0]` is unused.
fn break_costs(blocks: &[Block], lines: &[Line]) -> Vec<u32> {
    let mut costs = vec![0; lines.len() + 1];
    for k in 1..lines.len() {
        let (before, after) = (lines[k - 1], lines[k]);
        if before.block == after.block {
            let b = &blocks[after.block];
            // `after.index` lines of the block stay on this page, the rest go to the next.
            let (kept, carried) = (after.index, b.lines.len() - after.index);
            if b.keep_together {
                costs[k] += COST_KEEP_TOGETHER;
            }
            if b.hyphenated.contains(&before.index) {
                costs[k] += COST_HYPHEN;
            }
            if kept < b.orphans {
                costs[k] += COST_ORPHAN;
            }
            if carried < b.widows {
                costs[k] += COST_WIDOW;
            }
        } else if blocks[before.block..after.block]
            .iter()
            .any(|b| b.keep_with_next)
        {
            // The range holds the block that ends here and the zero-line blocks between: a heading
            // followed by pure spacing still stays with the text after it.
            costs[k] += COST_KEEP_WITH_NEXT;
        }
    }
    for (first, line) in lines.iter().enumerate() {
        let wanted = blocks[line.block].keep_lines_before;
        if line.index != 0 || wanted == 0 {
            continue;
        }
        // A page starting at line k holds `first - k` lines before this block's first line; that is
        // too few for every k above `first - wanted`. Boundary 0 is the flow's start, not a break.
        let lowest = (first + 1).saturating_sub(wanted).max(1);
        for cost in &mut costs[lowest..=first] {
            *cost += COST_KEEP_LINES_BEFORE;
        }
    }
    costs
}

/// Where the page starting at line `start` ends (exclusive): the cheapest boundary that fits in
/// `height`, the last one among equals, or `start + 1` when not even the first line fits.
fn page_end(lines: &[Line], costs: &[u32], start: usize, height: Abs) -> usize {
    let mut best: Option<(u32, usize)> = None;
    // The gap of the page's first line is dropped: space above a block is not wanted at page top.
    let mut used = lines[start].head_room + lines[start].height;
    let mut end = start + 1;
    while used <= height + FIT_TOLERANCE {
        // Lines start..end fit, so a break before line `end` is possible.
        if best.is_none_or(|(cost, _)| costs[end] <= cost) {
            best = Some((costs[end], end));
        }
        let Some(next) = lines.get(end) else { break };
        used += next.gap + next.height;
        end += 1;
    }
    // Nothing fits when the first line alone is taller than the page (or the height is not a
    // usable number): it gets the page to itself so that pagination still moves on.
    best.map_or(start + 1, |(_, end)| end)
}

/// The pieces of one page, from its lines, with its glue set at `ratio`.
fn build_page(lines: &[Line], ratio: f64) -> Page {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut y = lines.first().map_or(Abs::ZERO, |l| l.head_room);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            y += line.gap - line.gap_shrink * ratio;
        }
        match pieces.last_mut() {
            Some(piece) if piece.block == line.block => piece.lines.end = line.index + 1,
            _ => pieces.push(Piece {
                block: line.block,
                lines: line.index..line.index + 1,
                y,
            }),
        }
        y += line.height - line.shrink * ratio;
    }
    Page {
        pieces,
        shrink: ratio,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every body line is 10pt, so a 100pt page holds exactly ten of them.
    const LINE: f64 = 10.0;

    fn para(n: usize) -> Block {
        Block {
            lines: vec![Abs::pt(LINE); n],
            ..Block::default()
        }
    }

    fn spaced(n: usize, space_before: f64) -> Block {
        Block {
            space_before: Abs::pt(space_before),
            ..para(n)
        }
    }

    fn heading() -> Block {
        Block {
            keep_together: true,
            keep_with_next: true,
            ..para(1)
        }
    }

    /// Closing, room for the signature, name, title: one unsplittable group keeping 2 lines above.
    fn signature() -> Block {
        Block {
            keep_together: true,
            keep_lines_before: 2,
            ..para(4)
        }
    }

    fn pages_of(blocks: &[Block], height: f64) -> Vec<Page> {
        paginate(blocks, &|_| Abs::pt(height))
    }

    /// The pages as (block, lines) pairs, for exact comparisons that ignore y.
    fn layout(pages: &[Page]) -> Vec<Vec<(usize, Range<usize>)>> {
        pages
            .iter()
            .map(|page| {
                page.pieces
                    .iter()
                    .map(|piece| (piece.block, piece.lines.clone()))
                    .collect()
            })
            .collect()
    }

    fn piece(block: usize, lines: Range<usize>, y: f64) -> Piece {
        Piece {
            block,
            lines,
            y: Abs::pt(y),
        }
    }

    #[test]
    fn everything_fits_on_one_page() {
        let blocks = [para(3), spaced(4, 5.0), spaced(2, 5.0)];
        let pages = pages_of(&blocks, 100.0);
        assert_eq!(
            pages,
            vec![Page {
                shrink: 0.0,
                pieces: vec![
                    piece(0, 0..3, 0.0),
                    piece(1, 0..4, 35.0),
                    piece(2, 0..2, 80.0)
                ],
            }]
        );
    }

    #[test]
    fn paragraph_split_leaves_two_lines_each_side() {
        // Nine lines would fit, leaving a widow: the break moves up one line. (A paragraph
        // follows, so that the last page is not too sparse to stand.)
        let pages = pages_of(&[para(10), para(3)], 90.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..8)], vec![(0, 8..10), (1, 0..3)]]
        );

        // Exactly two lines of the second paragraph fit at the bottom: that is enough.
        let pages = pages_of(&[para(8), para(5)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..8), (1, 0..2)], vec![(1, 2..5)]]
        );
    }

    #[test]
    fn custom_widows_and_orphans_are_respected() {
        let three = Block {
            orphans: 3,
            widows: 3,
            ..para(10)
        };
        let pages = pages_of(std::slice::from_ref(&three), 90.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..7)], vec![(0, 7..10)]]);

        // Two lines would fit after the first paragraph, but three are wanted.
        let pages = pages_of(&[para(8), three], 100.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..8)], vec![(1, 0..10)]]);
    }

    #[test]
    fn orphan_avoided_by_moving_paragraph() {
        let pages = pages_of(&[para(9), para(5)], 100.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..9)], vec![(1, 0..5)]]);
    }

    #[test]
    fn two_line_paragraph_at_page_break_moves_whole() {
        let pages = pages_of(&[para(9), para(2), para(3)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..9)], vec![(1, 0..2), (2, 0..3)]]
        );
    }

    #[test]
    fn three_line_paragraph_at_page_break_moves_whole() {
        // Two lines fit, which would carry a single widow over.
        let pages = pages_of(&[para(8), para(3)], 100.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..8)], vec![(1, 0..3)]]);
        // One line fits, which would leave a single orphan behind.
        let pages = pages_of(&[para(9), para(3)], 100.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..9)], vec![(1, 0..3)]]);
    }

    #[test]
    fn heading_never_ends_a_page() {
        // The heading and one line of the paragraph fit, but one line would be an orphan, and the
        // heading may not stay behind alone.
        let pages = pages_of(&[para(8), heading(), para(5)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..8)], vec![(1, 0..1), (2, 0..5)]]
        );
        // With room for two lines after it, the heading stays.
        let pages = pages_of(&[para(7), heading(), para(5)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..7), (1, 0..1), (2, 0..2)], vec![(2, 2..5)]]
        );
    }

    #[test]
    fn salutation_stays_with_first_body_lines() {
        let address = Block {
            keep_together: true,
            ..para(4)
        };
        let salutation = Block {
            keep_with_next: true,
            ..spaced(1, 0.0)
        };
        let blocks = [address, salutation, para(5)];
        // Address, salutation and one body line fit (60pt); the second body line does not.
        let pages = pages_of(&blocks, 65.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..4)], vec![(1, 0..1), (2, 0..5)]]
        );
        // With room for two body lines the salutation stays on page one.
        let pages = pages_of(&blocks, 70.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..4), (1, 0..1), (2, 0..2)], vec![(2, 2..5)]]
        );
    }

    #[test]
    fn signature_never_alone_on_a_page() {
        // One-line paragraphs, so that no widow rule helps: only keep_lines_before, counting back
        // across blocks, brings two body lines along.
        let blocks = [para(8), para(1), para(1), signature()];
        let pages = pages_of(&blocks, 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..8)], vec![(1, 0..1), (2, 0..1), (3, 0..4)]]
        );
        let last = &pages[1].pieces;
        let body_lines: usize = last[..last.len() - 1].iter().map(|p| p.lines.len()).sum();
        assert!(body_lines >= 2);
    }

    #[test]
    fn signature_stays_with_closing_when_page_is_full() {
        // The closing and the first signature line would fit on page one; the group moves as a
        // whole and takes the last two body lines (not one: that would be a widow) with it.
        let closing = Block {
            space_before: Abs::ZERO,
            ..signature()
        };
        let pages = pages_of(&[para(8), closing], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..6)], vec![(0, 6..8), (1, 0..4)]]
        );
    }

    #[test]
    fn keep_chain_taller_than_page_still_progresses() {
        // Twelve chained headings: every break violates keep_with_next, so the page is filled.
        let mut blocks: Vec<Block> = (0..12).map(|_| heading()).collect();
        blocks.push(para(3));
        let pages = pages_of(&blocks, 100.0);
        let first: Vec<_> = (0..10).map(|b| (b, 0..1)).collect();
        assert_eq!(
            layout(&pages),
            vec![first, vec![(10, 0..1), (11, 0..1), (12, 0..3)]]
        );

        // A keep-together block taller than a page moves to a fresh page first, then is split.
        let tall = Block {
            keep_together: true,
            ..para(25)
        };
        let pages = pages_of(&[para(3), tall], 100.0);
        assert_eq!(
            layout(&pages),
            vec![
                vec![(0, 0..3)],
                vec![(1, 0..10)],
                vec![(1, 10..20)],
                vec![(1, 20..25)]
            ]
        );
    }

    #[test]
    fn forced_split_still_avoids_widows() {
        // Eleven unsplittable lines on a ten-line page: splitting 10/1 breaks two rules, 9/2 one.
        let tall = Block {
            keep_together: true,
            ..para(11)
        };
        let pages = pages_of(&[tall, para(3)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..9)], vec![(0, 9..11), (1, 0..3)]]
        );
    }

    #[test]
    fn line_taller_than_page_gets_own_page() {
        let huge = Block {
            lines: vec![Abs::pt(500.0)],
            space_before: Abs::pt(12.0),
            ..Block::default()
        };
        let pages = pages_of(&[para(2), huge, para(2)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..2)], vec![(1, 0..1)], vec![(2, 0..2)]]
        );
        assert_eq!(pages[1].pieces[0].y, Abs::ZERO);
    }

    #[test]
    fn unusable_page_heights_take_one_line_per_page() {
        for height in [0.0, -5.0, f64::NAN] {
            let pages = pages_of(&[para(3)], height);
            assert_eq!(
                layout(&pages),
                vec![vec![(0, 0..1)], vec![(0, 1..2)], vec![(0, 2..3)]]
            );
        }
    }

    #[test]
    fn space_before_dropped_at_page_top() {
        // The second paragraph fills page two exactly, which it only does without its 30pt space.
        let pages = pages_of(&[spaced(9, 15.0), spaced(10, 30.0)], 100.0);
        assert_eq!(
            pages,
            vec![
                Page {
                    shrink: 0.0,
                    pieces: vec![piece(0, 0..9, 0.0)]
                },
                Page {
                    shrink: 0.0,
                    pieces: vec![piece(1, 0..10, 0.0)]
                },
            ]
        );
    }

    #[test]
    fn first_page_height_differs() {
        let height = |n: usize| Abs::pt(if n == 0 { 50.0 } else { 100.0 });
        let pages = paginate(&[para(16), para(3)], &height);
        // Five lines on page one; page two could take ten, but that would leave a widow.
        assert_eq!(
            layout(&pages),
            vec![
                vec![(0, 0..5)],
                vec![(0, 5..14)],
                vec![(0, 14..16), (1, 0..3)]
            ]
        );
    }

    #[test]
    fn a_page_starting_in_a_table_leaves_room_for_its_header() {
        // A paragraph of 6 lines, a header row, then 14 rows of 1 line that repeat the header
        // (10 pt) when a page starts with them.
        let row = Block {
            keep_together: true,
            head_room: Abs::pt(LINE),
            ..para(1)
        };
        let mut blocks = vec![para(6), heading()];
        blocks.extend(std::iter::repeat_n(row, 14));
        blocks.push(para(2));
        let pages = pages_of(&blocks, 100.0);
        let rows = |r: std::ops::RangeInclusive<usize>| r.map(|b| (b, 0..1)).collect::<Vec<_>>();
        // Page one: 6 lines, the header and 3 rows fill its ten lines. Pages two and three:
        // the header's room, then 9 rows (not 10), then the last 2.
        let mut first = vec![(0, 0..6), (1, 0..1)];
        first.extend(rows(2..=4));
        let mut last = rows(14..=15);
        last.push((16, 0..2));
        assert_eq!(layout(&pages), vec![first, rows(5..=13), last]);
        assert_eq!(
            pages[1].pieces[0].y,
            Abs::pt(LINE),
            "the rows start below the header"
        );
        assert_eq!(pages[1].pieces[8].y, Abs::pt(9.0 * LINE));
        assert_eq!(pages[2].pieces[0].y, Abs::pt(LINE));
    }

    #[test]
    fn piece_y_positions_are_exact() {
        let date = Block {
            lines: vec![Abs::pt(12.0)],
            ..Block::default()
        };
        let body = Block {
            lines: vec![Abs::pt(14.5); 3],
            space_before: Abs::pt(12.0),
            ..Block::default()
        };
        let head = Block {
            lines: vec![Abs::pt(16.0)],
            space_before: Abs::pt(18.0),
            ..heading()
        };
        let tail = Block {
            lines: vec![Abs::pt(14.5); 2],
            space_before: Abs::pt(6.0),
            ..Block::default()
        };
        // Page one: date at 0, body at 12 + 12 = 24 down to 67.5; the heading would end at 101.5.
        let pages = pages_of(&[date, body, head, tail], 100.0);
        assert_eq!(
            pages,
            vec![
                Page {
                    shrink: 0.0,
                    pieces: vec![piece(0, 0..1, 0.0), piece(1, 0..3, 24.0)]
                },
                Page {
                    shrink: 0.0,
                    pieces: vec![piece(2, 0..1, 0.0), piece(3, 0..2, 22.0)]
                },
            ]
        );
    }

    #[test]
    fn empty_flow_gives_no_pages() {
        assert_eq!(pages_of(&[], 100.0), Vec::new());
        assert_eq!(
            pages_of(&[spaced(0, 20.0), spaced(0, 5.0)], 100.0),
            Vec::new()
        );
    }

    #[test]
    fn zero_line_blocks_are_spacing() {
        let spacer = spaced(0, 20.0);
        let pages = pages_of(&[para(2), spacer.clone(), spaced(2, 5.0)], 100.0);
        assert_eq!(
            pages,
            vec![Page {
                shrink: 0.0,
                pieces: vec![piece(0, 0..2, 0.0), piece(2, 0..2, 45.0)]
            }]
        );

        // A heading's keep_with_next reaches over the spacer to the paragraph.
        let pages = pages_of(&[para(7), heading(), spacer.clone(), para(5)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..7)], vec![(1, 0..1), (3, 0..5)]]
        );

        // A spacer at the top of a page is dropped like any space_before.
        let pages = pages_of(&[spacer, para(1)], 100.0);
        assert_eq!(pages[0].pieces, vec![piece(1, 0..1, 0.0)]);
    }

    fn notation(space_before: f64, space_shrink: f64) -> Block {
        Block {
            space_before: Abs::pt(space_before),
            space_shrink: Abs::pt(space_shrink),
            notation: true,
            ..para(1)
        }
    }

    #[test]
    fn notations_alone_on_the_last_page_are_pulled_back_by_shrinking_the_gaps() {
        // 108pt of content, 16pt of it shrinkable: at half the shrink, it fills the 100pt page.
        let body = Block {
            space_shrink: Abs::pt(8.0),
            ..spaced(3, 10.0)
        };
        let pages = pages_of(&[para(4), body, notation(18.0, 8.0)], 100.0);
        assert_eq!(
            pages,
            vec![Page {
                pieces: vec![
                    piece(0, 0..4, 0.0),
                    piece(1, 0..3, 46.0),
                    piece(2, 0..1, 90.0)
                ],
                shrink: 0.5,
            }]
        );
    }

    #[test]
    fn the_signing_space_gives_too() {
        // A closing whose line box holds 30pt of signing space, 10pt of which may go; its gap
        // and the notation's give 5pt each. 120pt of content on a 100pt page: all of it goes.
        let closing = Block {
            lines: vec![Abs::pt(40.0), Abs::pt(LINE)],
            line_shrink: vec![Abs::pt(10.0)],
            space_before: Abs::pt(10.0),
            space_shrink: Abs::pt(5.0),
            keep_together: true,
            keep_lines_before: 2,
            ..Block::default()
        };
        let blocks = [para(4), closing, notation(10.0, 5.0)];
        let pages = pages_of(&blocks, 100.0);
        assert_eq!(
            pages,
            vec![Page {
                pieces: vec![
                    piece(0, 0..4, 0.0),
                    piece(1, 0..2, 45.0),
                    piece(2, 0..1, 90.0)
                ],
                shrink: 1.0,
            }]
        );
        assert_eq!(blocks[1].set_height(0, pages[0].shrink), Abs::pt(30.0));
        assert_eq!(blocks[1].set_height(1, pages[0].shrink), Abs::pt(LINE));
    }

    #[test]
    fn when_the_glue_cannot_give_enough_content_moves_to_the_notations() {
        // 20pt too much and 5pt of shrink: the last paragraph goes over with the notation.
        let pages = pages_of(&[para(6), spaced(3, 10.0), notation(10.0, 5.0)], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..6)], vec![(1, 0..3), (2, 0..1)]]
        );
        assert_eq!(pages[1].shrink, 0.0);
    }

    #[test]
    fn a_last_page_of_two_lines_takes_more_of_the_text() {
        let short = Block {
            space_shrink: Abs::pt(5.0),
            ..spaced(2, 10.0)
        };
        // Nine lines and a widow-free break before the second paragraph would leave it alone
        // on page two; the first paragraph gives two lines (not one: a widow) to it.
        let pages = pages_of(&[para(9), short], 100.0);
        assert_eq!(
            layout(&pages),
            vec![vec![(0, 0..7)], vec![(0, 7..9), (1, 0..2)]]
        );
    }

    #[test]
    fn a_last_page_that_is_not_sparse_is_never_shrunk_back() {
        // The three lines would fit on page one with all their gap shrunk, but three lines on a
        // page are enough to stand there: the glue stays natural.
        let body = Block {
            space_shrink: Abs::pt(10.0),
            ..spaced(3, 10.0)
        };
        let pages = pages_of(&[para(7), body], 100.0);
        assert_eq!(layout(&pages), vec![vec![(0, 0..7)], vec![(1, 0..3)]]);
        assert!(pages.iter().all(|p| p.shrink == 0.0));
    }

    /// A small deterministic generator, so the test needs no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn random_flows_place_every_line_once_in_order() {
        let mut rng = Lcg(7);
        for _ in 0..500 {
            let blocks: Vec<Block> = (0..rng.below(12))
                .map(|_| Block {
                    head_room: Abs::ZERO,
                    lines: (0..rng.below(8))
                        .map(|_| Abs::pt(8.0 + rng.below(30) as f64))
                        .collect(),
                    space_before: Abs::pt(rng.below(20) as f64),
                    keep_together: rng.below(4) == 0,
                    keep_with_next: rng.below(4) == 0,
                    keep_lines_before: rng.below(4) as usize,
                    orphans: rng.below(4) as usize,
                    widows: rng.below(4) as usize,
                    space_shrink: Abs::pt(rng.below(10) as f64),
                    line_shrink: (0..rng.below(3))
                        .map(|_| Abs::pt(rng.below(6) as f64))
                        .collect(),
                    notation: rng.below(5) == 0,
                    hyphenated: vec![rng.below(8) as usize],
                })
                .collect();
            let first = 20.0 + rng.below(150) as f64;
            let rest = 20.0 + rng.below(200) as f64;
            let height = |n: usize| Abs::pt(if n == 0 { first } else { rest });
            let pages = paginate(&blocks, &height);

            let placed: Vec<(usize, usize)> = pages
                .iter()
                .flat_map(|page| &page.pieces)
                .flat_map(|p| p.lines.clone().map(move |i| (p.block, i)))
                .collect();
            let expected: Vec<(usize, usize)> = blocks
                .iter()
                .enumerate()
                .flat_map(|(b, block)| (0..block.lines.len()).map(move |i| (b, i)))
                .collect();
            assert_eq!(placed, expected);

            for (n, page) in pages.iter().enumerate() {
                assert!(!page.pieces.is_empty());
                assert_eq!(page.pieces[0].y, Abs::ZERO);
                let last = &page.pieces[page.pieces.len() - 1];
                assert!((0.0..=1.0).contains(&page.shrink));
                let bottom = last.y
                    + last
                        .lines
                        .clone()
                        .map(|i| blocks[last.block].set_height(i, page.shrink))
                        .sum();
                let single_line = page.pieces.len() == 1 && page.pieces[0].lines.len() == 1;
                assert!(single_line || bottom <= height(n) + FIT_TOLERANCE);
            }
        }
    }

    #[test]
    fn a_page_does_not_end_in_a_hyphen_when_another_break_fits() {
        // Twelve lines on pages of ten: line 9 (the tenth) ends in a hyphen, so the page ends
        // after nine lines instead.
        let block = Block {
            hyphenated: vec![9],
            ..para(12)
        };
        let pages = paginate(&[block], &|_| Abs::pt(10.0 * LINE));
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].pieces[0].lines, 0..9);
        assert_eq!(pages[1].pieces[0].lines, 9..12);
    }
}
