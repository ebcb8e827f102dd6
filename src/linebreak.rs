//! Optimal paragraph line breaking: boxes, glue and penalties in, breakpoints out.
//!
//! This is the total-fit algorithm of Knuth & Plass, "Breaking Paragraphs into Lines",
//! Software—Practice and Experience 11 (1981): every feasible breakpoint keeps the cheapest
//! chain of lines that reaches it, measured in demerits (badness of the line, its penalty,
//! consecutive hyphens, and jumps in tightness between neighbouring lines).
//!
//! Where it departs from the paper:
//! - there is no separate pass without hyphenation: the caller adds hyphenation penalties up
//!   front, and the hyphen penalty keeps them rare;
//! - passes: first with `tolerance`; then with `emergency_stretch` added to every line; finally
//!   a pass that never fails: when every chain would die at a breakpoint (a box wider than the
//!   line), the least overfull line is kept and marked `overfull`, so every item is always
//!   placed on some line.
//!
//! It is pure: no fonts, no text, no pages. Ragged-right setting and justification are made
//! by the caller through the glue it builds (negative stretch included).

use crate::length::Abs;

/// A penalty at or above this forbids a break; at or below its negation forces one.
pub const INFINITY_PENALTY: f64 = 10000.0;

/// Badness of a line that cannot be set within the tolerance, in the final pass.
const INFINITE_BADNESS: f64 = 1e6;
/// Demerits added per point of overflow of an overfull line in the final pass.
const OVERFULL_DEMERITS: f64 = 1e10;

/// An element of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Unbreakable material of fixed width (a word or word fragment).
    Box {
        /// Its width.
        width: Abs,
    },
    /// Breakable space. A break at glue discards it.
    Glue {
        /// Natural width.
        width: Abs,
        /// How much it may grow (may be negative to cancel another glue's stretch).
        stretch: Abs,
        /// How much it may shrink.
        shrink: Abs,
    },
    /// A possible break point with a cost; `width` is added only if the line breaks here.
    Penalty {
        /// Width added at a break here (a hyphen).
        width: Abs,
        /// Cost of breaking here.
        penalty: f64,
        /// Marks hyphen breaks (two in a row cost `flagged_demerits`).
        flagged: bool,
    },
}

/// Costs and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio of a feasible line (TeX's `\tolerance` 200 is a ratio of
    /// about 1.26; the default here, 2.0, is a little more forgiving for narrow letters).
    pub tolerance: f64,
    /// Cost of every line, favouring fewer lines (TeX's `\linepenalty`).
    pub line_penalty: f64,
    /// Extra cost of two hyphenated lines in a row.
    pub flagged_demerits: f64,
    /// Extra cost of neighbouring lines of very different tightness.
    pub fitness_demerits: f64,
    /// Extra stretch per line in the second pass.
    pub emergency_stretch: Abs,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            tolerance: 2.0,
            line_penalty: 10.0,
            flagged_demerits: 3000.0,
            fitness_demerits: 3000.0,
            emergency_stretch: Abs::ZERO,
        }
    }
}

/// The end of a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index into `items` of the break point (a glue or penalty). For a paragraph that ends
    /// with a forced penalty (the usual `Glue{0, fil}`, `Penalty{-∞}`), the last break is that
    /// penalty; otherwise it is `items.len()`.
    pub index: usize,
    /// Adjustment ratio of the line: > 0 stretched (share of its stretch), < 0 shrunk.
    pub ratio: f64,
    /// The line could not be made to fit: it is wider than the measure even fully shrunk.
    pub overfull: bool,
}

#[derive(Debug, Clone)]
struct Node {
    /// Break index (`usize::MAX` for the paragraph start).
    index: usize,
    /// Number of lines before this break.
    line: usize,
    fitness: u8,
    /// Sums at the start of the next line.
    width: Abs,
    stretch: Abs,
    shrink: Abs,
    demerits: f64,
    ratio: f64,
    overfull: bool,
    flagged: bool,
    prev: Option<usize>,
}

/// Breaks a paragraph into lines; `line_width(n)` is the measure of line `n` (0-based).
///
/// ```
/// use letterhead::length::Abs;
/// use letterhead::linebreak::{linebreak, Item, Params, INFINITY_PENALTY};
/// let word = Item::Box { width: Abs::pt(30.0) };
/// let space = Item::Glue { width: Abs::pt(5.0), stretch: Abs::pt(3.0), shrink: Abs::pt(2.0) };
/// let mut items = vec![word, space, word, space, word];
/// items.push(Item::Glue { width: Abs::ZERO, stretch: Abs::pt(1e5), shrink: Abs::ZERO });
/// items.push(Item::Penalty { width: Abs::ZERO, penalty: -INFINITY_PENALTY, flagged: false });
/// let breaks = linebreak(&items, &|_| Abs::pt(70.0), &Params::default());
/// assert_eq!(breaks.iter().map(|b| b.index).collect::<Vec<_>>(), vec![3, 6]);
/// ```
pub fn linebreak(items: &[Item], line_width: &dyn Fn(usize) -> Abs, params: &Params) -> Vec<Break> {
    if items.is_empty() {
        return Vec::new();
    }
    let sums = Sums::new(items);
    if let Some(breaks) = run(
        items,
        &sums,
        line_width,
        params,
        params.tolerance,
        Abs::ZERO,
        false,
    ) {
        return breaks;
    }
    if params.emergency_stretch > Abs::ZERO {
        let tol = params.tolerance.max(1.0) * 2.0;
        if let Some(b) = run(
            items,
            &sums,
            line_width,
            params,
            tol,
            params.emergency_stretch,
            false,
        ) {
            return b;
        }
    }
    run(
        items,
        &sums,
        line_width,
        params,
        f64::INFINITY,
        params.emergency_stretch,
        true,
    )
    .unwrap_or_default()
}

/// Prefix sums of widths, stretch and shrink: `w[i]` is the sum over `items[..i]`.
struct Sums {
    w: Vec<Abs>,
    y: Vec<Abs>,
    z: Vec<Abs>,
}

impl Sums {
    fn new(items: &[Item]) -> Sums {
        let mut s = Sums {
            w: Vec::with_capacity(items.len() + 1),
            y: Vec::with_capacity(items.len() + 1),
            z: Vec::with_capacity(items.len() + 1),
        };
        let (mut w, mut y, mut z) = (Abs::ZERO, Abs::ZERO, Abs::ZERO);
        for item in items {
            s.w.push(w);
            s.y.push(y);
            s.z.push(z);
            match *item {
                Item::Box { width } => w += width,
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    w += width;
                    y += stretch;
                    z += shrink;
                }
                Item::Penalty { .. } => {}
            }
        }
        s.w.push(w);
        s.y.push(y);
        s.z.push(z);
        s
    }
}

fn fitness(ratio: f64) -> u8 {
    if ratio < -0.5 {
        0
    } else if ratio <= 0.5 {
        1
    } else if ratio <= 1.0 {
        2
    } else {
        3
    }
}

/// The index where the line after a break at `b` starts counting: the first box after `b`
/// (glue and penalties in between are discarded), or a forced break.
fn after_break(items: &[Item], b: usize) -> usize {
    let mut i = b + 1;
    while i < items.len() {
        match items[i] {
            Item::Box { .. } => break,
            Item::Penalty { penalty, .. } if penalty <= -INFINITY_PENALTY => break,
            _ => i += 1,
        }
    }
    i.min(items.len())
}

/// One pass. Returns `None` when no chain of feasible lines reaches the end.
fn run(
    items: &[Item],
    sums: &Sums,
    line_width: &dyn Fn(usize) -> Abs,
    params: &Params,
    tolerance: f64,
    extra_stretch: Abs,
    rescue: bool,
) -> Option<Vec<Break>> {
    let n = items.len();
    let mut nodes: Vec<Node> = vec![Node {
        index: usize::MAX,
        line: 0,
        fitness: 1,
        width: Abs::ZERO,
        stretch: Abs::ZERO,
        shrink: Abs::ZERO,
        demerits: 0.0,
        ratio: 0.0,
        overfull: false,
        flagged: false,
        prev: None,
    }];
    let mut active: Vec<usize> = vec![0];
    // The break at `n` (end without a forced penalty) is treated as forced.
    for b in 0..=n {
        let (penalty, pen_width, flagged, forced) = match items.get(b) {
            None => (-INFINITY_PENALTY, Abs::ZERO, false, true),
            Some(Item::Penalty {
                width,
                penalty,
                flagged,
            }) => {
                if *penalty >= INFINITY_PENALTY {
                    continue;
                }
                (*penalty, *width, *flagged, *penalty <= -INFINITY_PENALTY)
            }
            Some(Item::Glue { .. }) => {
                if b == 0 || !matches!(items[b - 1], Item::Box { .. }) {
                    continue;
                }
                (0.0, Abs::ZERO, false, false)
            }
            Some(Item::Box { .. }) => continue,
        };
        // Best candidate per fitness class: (demerits, from node, ratio, overfull).
        let mut best: [Option<(f64, usize, f64)>; 4] = [None; 4];
        // The least overfull line, for the rescue pass.
        let mut least_overfull: Option<(f64, usize, f64)> = None;
        let mut keep = Vec::with_capacity(active.len());
        for &a in &active {
            let node = &nodes[a];
            let width = sums.w[b] - node.width + pen_width;
            let measure = line_width(node.line);
            let stretch = sums.y[b] - node.stretch + extra_stretch;
            let shrink = sums.z[b] - node.shrink;
            let ratio = if width < measure {
                if stretch > Abs::ZERO {
                    (measure - width) / stretch
                } else {
                    f64::INFINITY
                }
            } else if width > measure {
                if shrink > Abs::ZERO {
                    (measure - width) / shrink
                } else {
                    f64::NEG_INFINITY
                }
            } else {
                0.0
            };
            if ratio < -1.0 {
                // Too long: this node can never start a feasible line from here on.
                let overflow = (width - shrink - measure).to_pt().max(0.0);
                let d = node.demerits + OVERFULL_DEMERITS * (1.0 + overflow);
                if least_overfull.is_none_or(|(best_d, _, _)| d < best_d) {
                    least_overfull = Some((d, a, ratio));
                }
                continue;
            }
            if !forced {
                keep.push(a);
            }
            if ratio > tolerance && !(forced && rescue) {
                continue;
            }
            let badness = if ratio.is_finite() {
                (100.0 * ratio.abs().powi(3)).min(INFINITE_BADNESS)
            } else {
                INFINITE_BADNESS
            };
            let mut d = (params.line_penalty + badness).powi(2);
            if penalty >= 0.0 {
                d += penalty * penalty;
            } else if penalty > -INFINITY_PENALTY {
                d -= penalty * penalty;
            }
            if flagged && node.flagged {
                d += params.flagged_demerits;
            }
            let class = fitness(ratio);
            if class.abs_diff(node.fitness) > 1 {
                d += params.fitness_demerits;
            }
            let total = node.demerits + d;
            // Report the ratio against the line's own stretch: emergency stretch is a licence
            // to accept looser lines, not material the caller can distribute.
            let own_stretch = stretch - extra_stretch;
            let reported = if ratio > 0.0 && own_stretch > Abs::ZERO {
                (measure - width) / own_stretch
            } else {
                ratio
            };
            let slot = &mut best[class as usize];
            if slot.is_none_or(|(bd, _, _)| total < bd) {
                *slot = Some((total, a, reported));
            }
        }
        active = keep;
        let start = after_break(items, b.min(n.saturating_sub(1)));
        let start = if b >= n { n } else { start };
        let mut push =
            |nodes: &mut Vec<Node>, from: usize, class: u8, demerits, ratio, overfull| {
                nodes.push(Node {
                    index: b,
                    line: nodes[from].line + 1,
                    fitness: class,
                    width: sums.w[start],
                    stretch: sums.y[start],
                    shrink: sums.z[start],
                    demerits,
                    ratio,
                    overfull,
                    flagged,
                    prev: Some(from),
                });
                active.push(nodes.len() - 1);
            };
        let mut added = false;
        for (class, candidate) in best.iter().enumerate() {
            if let Some((demerits, from, ratio)) = *candidate {
                push(&mut nodes, from, class as u8, demerits, ratio, false);
                added = true;
            }
        }
        // Nothing feasible reaches this break: in the last pass, the least overfull line does.
        if rescue
            && !added
            && let Some((demerits, from, ratio)) = least_overfull
        {
            push(&mut nodes, from, 0, demerits, ratio, true);
        }
        if active.is_empty() {
            return None;
        }
        if forced && b < n {
            // Everything before a forced break is settled.
            let settled = active
                .iter()
                .copied()
                .min_by(|&x, &y| nodes[x].demerits.total_cmp(&nodes[y].demerits));
            active = settled.into_iter().collect();
        }
    }
    // The cheapest node at the end.
    let last = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].index != usize::MAX)
        .min_by(|&x, &y| nodes[x].demerits.total_cmp(&nodes[y].demerits))?;
    let mut breaks = Vec::new();
    let mut cursor = Some(last);
    while let Some(i) = cursor {
        let node = &nodes[i];
        if node.index == usize::MAX {
            break;
        }
        breaks.push(Break {
            index: node.index,
            ratio: node.ratio,
            overfull: node.overfull,
        });
        cursor = node.prev;
    }
    breaks.reverse();
    // A paragraph ending in a forced penalty ends there; drop an empty line at `n`.
    if breaks.len() > 1
        && let (Some(last), Some(before)) = (breaks.last(), breaks.get(breaks.len() - 2))
        && last.index == n
        && before.index + 1 >= n
    {
        breaks.pop();
    }
    Some(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: f64) -> Item {
        Item::Box { width: Abs::pt(w) }
    }

    fn space() -> Item {
        Item::Glue {
            width: Abs::pt(4.0),
            stretch: Abs::pt(2.0),
            shrink: Abs::pt(1.5),
        }
    }

    fn finish(items: &mut Vec<Item>) {
        items.push(Item::Penalty {
            width: Abs::ZERO,
            penalty: INFINITY_PENALTY,
            flagged: false,
        });
        items.push(Item::Glue {
            width: Abs::ZERO,
            stretch: Abs::pt(1e5),
            shrink: Abs::ZERO,
        });
        items.push(Item::Penalty {
            width: Abs::ZERO,
            penalty: -INFINITY_PENALTY,
            flagged: false,
        });
    }

    fn paragraph(words: &[f64]) -> Vec<Item> {
        let mut items = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                items.push(space());
            }
            items.push(word(*w));
        }
        finish(&mut items);
        items
    }

    fn indices(breaks: &[Break]) -> Vec<usize> {
        breaks.iter().map(|b| b.index).collect()
    }

    /// Total demerits of a set of breaks under the same rules, by direct computation.
    fn demerits_of(items: &[Item], breaks: &[usize], measure: f64, params: &Params) -> Option<f64> {
        let sums = Sums::new(items);
        let mut total = 0.0;
        let mut start = 0usize;
        let mut prev_fit = 1u8;
        for &b in breaks {
            let pw = match items[b] {
                Item::Penalty { width, .. } => width,
                _ => Abs::ZERO,
            };
            let w = (sums.w[b] - sums.w[start] + pw).to_pt();
            let y = (sums.y[b] - sums.y[start]).to_pt();
            let z = (sums.z[b] - sums.z[start]).to_pt();
            let r = if w < measure {
                if y > 0.0 {
                    (measure - w) / y
                } else {
                    f64::INFINITY
                }
            } else if w > measure {
                if z > 0.0 {
                    (measure - w) / z
                } else {
                    f64::NEG_INFINITY
                }
            } else {
                0.0
            };
            if r < -1.0 || r > params.tolerance {
                return None;
            }
            let p = match items[b] {
                Item::Penalty { penalty, .. } => penalty,
                _ => 0.0,
            };
            let mut d = (params.line_penalty + 100.0 * r.abs().powi(3)).powi(2);
            if p >= 0.0 {
                d += p * p;
            } else if p > -INFINITY_PENALTY {
                d -= p * p;
            }
            let f = fitness(r);
            if f.abs_diff(prev_fit) > 1 {
                d += params.fitness_demerits;
            }
            prev_fit = f;
            total += d;
            start = after_break(items, b);
        }
        Some(total)
    }

    #[test]
    fn known_optimum_on_synthetic_paragraph() {
        // Deterministic pseudo-random word widths; compare with brute force over all breaks.
        let mut seed = 12345u64;
        let params = Params::default();
        let mut compared = 0;
        for _ in 0..30 {
            let words: Vec<f64> = (0..9)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    6.0 + (seed >> 33) as f64 % 14.0
                })
                .collect();
            let items = paragraph(&words);
            let measure = 60.0;
            let glue_positions: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(i, it)| matches!(it, Item::Glue { .. }) && *i + 2 < items.len())
                .map(|(i, _)| i)
                .collect();
            let end = items.len() - 1;
            let mut best: Option<(f64, Vec<usize>)> = None;
            for mask in 0u32..(1 << glue_positions.len()) {
                let mut chosen: Vec<usize> = glue_positions
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| mask & (1 << k) != 0)
                    .map(|(_, &g)| g)
                    .collect();
                chosen.push(end);
                if let Some(d) = demerits_of(&items, &chosen, measure, &params)
                    && best.as_ref().is_none_or(|(bd, _)| d < *bd - 1e-9)
                {
                    best = Some((d, chosen));
                }
            }
            let breaks = linebreak(&items, &|_| Abs::pt(measure), &params);
            if let Some((_, expected)) = best {
                assert_eq!(indices(&breaks), expected, "words {words:?}");
                compared += 1;
            }
        }
        assert!(
            compared >= 20,
            "only {compared} paragraphs had a feasible setting"
        );
    }

    /// Greedy first fit: the last break that keeps the line within the measure.
    fn first_fit(items: &[Item], measure: f64) -> Vec<usize> {
        let sums = Sums::new(items);
        let mut breaks = Vec::new();
        let mut start = 0;
        let mut last_fit = None;
        for (i, item) in items.iter().enumerate() {
            let legal = matches!(item, Item::Glue { .. })
                && i > 0
                && matches!(items[i - 1], Item::Box { .. });
            let forced =
                matches!(item, Item::Penalty { penalty, .. } if *penalty <= -INFINITY_PENALTY);
            if !legal && !forced {
                continue;
            }
            let natural = (sums.w[i] - sums.w[start]).to_pt();
            if natural > measure
                && let Some(b) = last_fit
            {
                breaks.push(b);
                start = after_break(items, b);
            }
            last_fit = Some(i);
            if forced {
                breaks.push(i);
            }
        }
        breaks
    }

    #[test]
    fn total_fit_beats_first_fit() {
        let params = Params::default();
        let mut seed = 99u64;
        let mut differing = 0;
        for _ in 0..200 {
            let words: Vec<f64> = (0..12)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    8.0 + (seed >> 33) as f64 % 35.0
                })
                .collect();
            let items = paragraph(&words);
            let measure = 90.0;
            let greedy = first_fit(&items, measure);
            let optimal = indices(&linebreak(&items, &|_| Abs::pt(measure), &params));
            let (Some(g), Some(o)) = (
                demerits_of(&items, &greedy, measure, &params),
                demerits_of(&items, &optimal, measure, &params),
            ) else {
                continue;
            };
            assert!(o <= g + 1e-9, "total fit {o} worse than first fit {g}");
            if optimal != greedy {
                differing += 1;
            }
        }
        assert!(
            differing > 0,
            "no paragraph where total fit differs from first fit"
        );
    }

    #[test]
    fn forced_break_is_always_taken() {
        let mut items = vec![word(10.0)];
        items.push(Item::Glue {
            width: Abs::ZERO,
            stretch: Abs::pt(1e5),
            shrink: Abs::ZERO,
        });
        items.push(Item::Penalty {
            width: Abs::ZERO,
            penalty: -INFINITY_PENALTY,
            flagged: false,
        });
        items.push(word(10.0));
        finish(&mut items);
        let breaks = linebreak(&items, &|_| Abs::pt(100.0), &Params::default());
        assert_eq!(indices(&breaks), vec![2, 6]);
    }

    #[test]
    fn forbidden_penalty_is_never_a_break() {
        let mut items = vec![word(50.0)];
        items.push(Item::Penalty {
            width: Abs::ZERO,
            penalty: INFINITY_PENALTY,
            flagged: false,
        });
        items.push(space());
        items.push(word(50.0));
        finish(&mut items);
        // The glue after a penalty is not a legal break, so both words share an overfull line.
        let breaks = linebreak(&items, &|_| Abs::pt(60.0), &Params::default());
        assert_eq!(indices(&breaks), vec![6]);
        assert!(breaks[0].overfull);
    }

    #[test]
    fn overfull_box_is_reported_not_lost() {
        let items = paragraph(&[20.0, 200.0, 20.0]);
        let breaks = linebreak(&items, &|_| Abs::pt(100.0), &Params::default());
        assert_eq!(breaks.last().map(|b| b.index), Some(items.len() - 1));
        assert!(breaks.iter().any(|b| b.overfull));
    }

    fn hyphenated(penalty: f64) -> Vec<Item> {
        // "aaaa bbbb cc-cc": the last word may hyphenate.
        let mut items = vec![word(30.0), space(), word(30.0), space(), word(15.0)];
        items.push(Item::Penalty {
            width: Abs::pt(4.0),
            penalty,
            flagged: true,
        });
        items.push(word(15.0));
        items.push(space());
        items.push(word(30.0));
        finish(&mut items);
        items
    }

    #[test]
    fn hyphen_taken_when_it_saves_a_very_loose_line() {
        // Without the hyphen the first line would be 64pt of 90 (ratio 6.5).
        let breaks = linebreak(&hyphenated(50.0), &|_| Abs::pt(90.0), &Params::default());
        assert_eq!(indices(&breaks)[0], 5);
    }

    #[test]
    fn hyphen_penalty_avoided_when_alternative_is_close() {
        // With a 66pt measure the unhyphenated first line fits nearly exactly.
        let breaks = linebreak(&hyphenated(50.0), &|_| Abs::pt(66.0), &Params::default());
        assert_eq!(indices(&breaks)[0], 3);
    }

    fn hyphenated_paragraph(seed: &mut u64) -> Vec<Item> {
        let mut items = Vec::new();
        for i in 0..10 {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let w = 10.0 + (*seed >> 33) as f64 % 30.0;
            if i > 0 {
                items.push(space());
            }
            if (*seed >> 20).is_multiple_of(2) {
                items.push(word(w / 2.0));
                items.push(Item::Penalty {
                    width: Abs::pt(3.0),
                    penalty: 50.0,
                    flagged: true,
                });
                items.push(word(w / 2.0));
            } else {
                items.push(word(w));
            }
        }
        finish(&mut items);
        items
    }

    fn consecutive_flags(items: &[Item], breaks: &[usize]) -> usize {
        breaks
            .windows(2)
            .filter(|w| {
                w.iter()
                    .all(|&b| matches!(items[b], Item::Penalty { flagged: true, .. }))
            })
            .count()
    }

    #[test]
    fn consecutive_hyphens_cost_flagged_demerits() {
        let mut seed = 7u64;
        let mut changed = 0;
        for _ in 0..300 {
            let items = hyphenated_paragraph(&mut seed);
            let measure = |_| Abs::pt(60.0);
            let free = Params {
                flagged_demerits: 0.0,
                ..Params::default()
            };
            let strict = Params {
                flagged_demerits: 1e9,
                ..Params::default()
            };
            let with_free = indices(&linebreak(&items, &measure, &free));
            let with_strict = indices(&linebreak(&items, &measure, &strict));
            let (free_pairs, strict_pairs) = (
                consecutive_flags(&items, &with_free),
                consecutive_flags(&items, &with_strict),
            );
            assert!(
                strict_pairs <= free_pairs,
                "{with_strict:?} vs {with_free:?}"
            );
            if strict_pairs < free_pairs {
                changed += 1;
            }
        }
        assert!(changed > 0, "flagged demerits never changed a choice");
    }

    #[test]
    fn ragged_right_glue_pattern_breaks_sensibly() {
        let r = Abs::pt(30.0);
        let mut items = Vec::new();
        for (i, w) in [30.0, 30.0, 30.0, 30.0, 30.0].iter().enumerate() {
            if i > 0 {
                items.push(Item::Glue {
                    width: Abs::ZERO,
                    stretch: r,
                    shrink: Abs::ZERO,
                });
                items.push(Item::Penalty {
                    width: Abs::ZERO,
                    penalty: 0.0,
                    flagged: false,
                });
                items.push(Item::Glue {
                    width: Abs::pt(4.0),
                    stretch: -r,
                    shrink: Abs::ZERO,
                });
            }
            items.push(word(*w));
        }
        finish(&mut items);
        let breaks = linebreak(&items, &|_| Abs::pt(100.0), &Params::default());
        // Three words (98pt) fit on the first line; the break is at the penalty after word 3.
        assert_eq!(indices(&breaks), vec![10, items.len() - 1]);
        assert!(breaks.iter().all(|b| !b.overfull));
    }

    #[test]
    fn varying_line_widths_are_respected() {
        let items = paragraph(&[30.0; 6]);
        let breaks = linebreak(
            &items,
            &|n| Abs::pt(if n == 0 { 40.0 } else { 110.0 }),
            &Params::default(),
        );
        assert_eq!(indices(&breaks), vec![1, 7, 13]);
    }

    #[test]
    fn empty_paragraph_gives_no_lines() {
        assert!(linebreak(&[], &|_| Abs::pt(100.0), &Params::default()).is_empty());
    }

    #[test]
    fn huge_unbreakable_paragraph_is_fast() {
        let mut items = Vec::new();
        for _ in 0..50_000 {
            items.push(word(7.0));
            items.push(Item::Penalty {
                width: Abs::ZERO,
                penalty: 5000.0,
                flagged: false,
            });
        }
        finish(&mut items);
        let breaks = linebreak(&items, &|_| Abs::pt(100.0), &Params::default());
        assert!(breaks.len() > 3000);
        assert_eq!(breaks.last().map(|b| b.index), Some(items.len() - 1));
    }
}
