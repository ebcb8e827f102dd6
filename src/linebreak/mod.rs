//! Total-fit paragraph line breaking: boxes, glue and penalties in, break points out.
//!
//! Takes a paragraph already cut into [`Item`]s (boxes of fixed width, stretchable and
//! shrinkable glue, penalties marking possible breaks), the width of every line, and the costs
//! in [`Params`]. Gives back one [`Break`] per line: where the line ends, how much its glue must
//! stretch or shrink, and whether it could not be made to fit. It knows nothing of fonts, text,
//! glyphs or pages: it sees widths only, so it can be tested with made-up numbers.
//!
//! The algorithm is the total-fit method of D. E. Knuth and M. F. Plass, "Breaking Paragraphs
//! into Lines", Software—Practice and Experience 11 (1981): it walks the legal break points
//! once, keeping for every reachable (break, line number, fitness class) the cheapest chain of
//! lines that ends there, measured in demerits `(line_penalty + 100|r|³)² ± penalty²`, plus
//! `flagged_demerits` for two hyphenated lines in a row and `fitness_demerits` for neighbouring
//! lines of incompatible tightness. A chain is dropped once its next line would be overfull, so
//! the work is about linear in the number of items. Lines are measured in O(1) from prefix sums.
//!
//! Where it departs from the paper (and from TeX):
//! - Passes. The caller adds hyphenation penalties up front, so there is no pass without them.
//!   Pass one uses `tolerance`; pass two `second_tolerance` (skipped unless it is larger); pass
//!   three adds `emergency_stretch` to every line (skipped when it is zero), so emergency
//!   stretch is a last resort and never loosens a paragraph that could be set without it; the
//!   last pass never fails: any line that is not overfull is allowed, however
//!   loose, and when every chain would die at a break point (a box wider than the line) the chain
//!   with the least overflow (then the fewest demerits) is kept and its line marked `overfull`.
//!   So every item always lands on a line.
//! - Legal breaks. Besides the paper's rules (glue right after a box; a penalty below
//!   [`INFINITY_PENALTY`]), a break that is not forced must leave a box between it and the next
//!   forced break or the paragraph end, and a line that does not end in a forced break must hold
//!   a box: such breaks could only make an empty line. A line with no box at all (two forced
//!   breaks in a row) counts as fitting if it is not too wide; there is nothing in it to set.
//! - Glue and penalties are discarded at the start of every line, the first one included.
//! - The paragraph end. If the items end with a forced penalty, that is the last break. If not,
//!   the end of the items is an implicit forced break at `items.len()`, and the last line gets
//!   infinite stretch there, as if TeX's `\parfillskip` had been appended.
//! - Line numbers. `line_width` is asked once for every line number up to the number of
//!   legal breaks (no paragraph can have more lines), which tells exactly from which line on
//!   the widths stay the same (the paper's j₀); chains with line numbers from there on are
//!   merged, before it they are told apart, so any width function gives the exact optimum.
//!   As a guard for widths that never settle, or a huge paragraph in the last pass where
//!   almost every line is allowed, more than [`MAX_ACTIVE_NODES`] chains are cut to half that,
//!   dropping the ones furthest behind the best chain at the same break. Ordinary paragraphs
//!   never come near the limit, and there the result is exact.
//! - Hyphens. `final_hyphen_demerits` (TeX's `\finalhyphendemerits`) are added when the
//!   paragraph's last line follows a hyphen; with `no_final_hyphen` that is not allowed at all
//!   outside the last pass (demerits alone let a paragraph whose only alternatives are looser
//!   than the first tolerance end on a fragment). The last pass weighs it by its demerits
//!   only: a fragment is better than spaces stretched to three or four times their width.
//!   No more than `max_hyphen_run` lines in a row may end in a flagged break, in the last
//!   pass too unless that leaves a line overfull. The run length is part of a
//!   chain's state (chains with different runs at a break are kept apart), so the optimum
//!   under the limit is still exact.
//! - Overlong words. Breaks between the characters of a word too long for the line (penalties
//!   of [`Params::last_resort_penalty`]) put a break point at every character, and a line can
//!   start at any of them: the search costs the word's length times a line's characters (a
//!   10 MB word took half a minute). From a run of them longer than [`OVERLONG_RUN_LINES`]
//!   lines, whole lines are cut out of the middle before the search (from two lines into the
//!   run to four lines before its end, each as full as it goes), and put back into the line of
//!   the result that spans the cut, filled the same way. The search still sees both ends of
//!   the run, so it chooses where the word starts and ends as before; with characters of one
//!   width the result is the same as searching everything whenever its middle lines are full,
//!   and the work is linear. A word of up to twelve lines is searched whole.
//! - Not implemented: `\looseness`, `\adjdemerits` beyond the `fitness_demerits` rule, and fil
//!   orders above the first (any infinite stretch counts once).
//! - Lengths beyond ±[`MAX_LENGTH_PT`] are clamped and NaN is read as zero, so the prefix sums
//!   stay finite; a glue stretch of at least `MAX_LENGTH_PT` (see [`INFINITE_STRETCH`]) is
//!   infinite.
//!
//! Ragged-right setting and justification are the caller's doing, through the glue it builds:
//! for ragged right, `Glue { 0, 3em stretch }, Penalty { 0 }, Glue { space, -3em stretch }`
//! between words (negative stretch is summed like any other).

use crate::length::Abs;

/// A penalty at or above this forbids a break; at or below its negation forces one.
pub const INFINITY_PENALTY: f64 = 10000.0;

/// Lengths are clamped to ±this many points (about 35 km) so sums of them stay finite.
pub const MAX_LENGTH_PT: f64 = 1e8;

/// Infinite stretch, for the glue that fills a paragraph's last line (TeX's `fil`).
///
/// Any stretch of at least [`MAX_LENGTH_PT`] counts as infinite, and so does this one.
#[cfg(test)]
pub const INFINITE_STRETCH: Abs = Abs::pt(f64::INFINITY);

/// A run of last-resort breaks (see [`Params::last_resort_penalty`]) longer than this many
/// lines has whole lines cut from its middle before the search: a word of 12 lines or less is
/// searched as before.
pub const OVERLONG_RUN_LINES: f64 = 12.0;
/// How many lines at each end of an overlong run are left to the total-fit search.
const RUN_EDGE_LINES: f64 = 4.0;
/// The measure of an overlong run is the widest of this many lines from its part's start.
const RUN_WIDTH_LINES: usize = 4;

/// The most chains kept alive at once; a guard against quadratic blow-up, see the module docs.
/// A justified paragraph of constant width keeps a few dozen.
pub const MAX_ACTIVE_NODES: usize = 1000;

/// Default tolerance, as an adjustment ratio: glue may stretch to twice its stretch. That is a
/// badness of 800, between TeX's default `\tolerance=200` (ratio 1.26), which often fails, and
/// `\sloppy`'s 9999 (ratio 4.6).
const DEFAULT_TOLERANCE: f64 = 2.0;
/// TeX's plain default `\linepenalty`: the cost of every line, so fewer lines are preferred.
const DEFAULT_LINE_PENALTY: f64 = 10.0;
/// The cost of two hyphenated lines in a row: plain TeX's `\doublehyphendemerits` (the paper's
/// examples use 3000, which let letters end three lines in a row with hyphens).
const DEFAULT_FLAGGED_DEMERITS: f64 = 10000.0;
/// The cost of a paragraph whose last line is the tail of a hyphenated word (`prac-/tice.`).
/// Plain TeX's `\finalhyphendemerits` is 5000; a letter should avoid it whenever another
/// setting is within reach, so it costs as much as a line stretched to about 1.45 times its
/// stretch instead of an even one.
const DEFAULT_FINAL_HYPHEN_DEMERITS: f64 = 100_000.0;
/// At most this many lines in a row end in a hyphen, outside the last pass.
const DEFAULT_MAX_HYPHEN_RUN: usize = 2;
/// The paper's γ for neighbouring lines of incompatible fitness class, as in its examples
/// (plain TeX's `\adjdemerits` is 10000).
const DEFAULT_FITNESS_DEMERITS: f64 = 3000.0;

/// Badness is this times the cube of the adjustment ratio (the paper's formula).
const BADNESS_SCALE: f64 = 100.0;
/// Ratios beyond this count as this for badness, so demerits stay finite: a line stretched a
/// thousand times its stretch is no better than one with no stretch at all.
const MAX_BADNESS_RATIO: f64 = 1000.0;
/// Fitness class bounds on the adjustment ratio, the paper's (badness 12.5 and 100; TeX
/// uses 12 and 99).
const TIGHT_BELOW: f64 = -0.5;
const DECENT_UP_TO: f64 = 0.5;
const LOOSE_UP_TO: f64 = 1.0;
/// Lengths closer than this (in points) are equal: prefix sums carry rounding error, and an
/// exact fit must not turn into an overfull line. A millionth of a point cannot be seen.
const LENGTH_EPSILON_PT: f64 = 1e-6;

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
        /// How much it may grow; negative to cancel another glue's stretch (ragged right);
        /// [`INFINITE_STRETCH`] to fill the rest of a line.
        stretch: Abs,
        /// How much it may shrink.
        shrink: Abs,
    },
    /// A possible break point with a cost; `width` is added only if the line breaks here (a
    /// hyphen). `penalty` >= [`INFINITY_PENALTY`] forbids the break; <= -[`INFINITY_PENALTY`]
    /// forces it. `flagged` marks hyphen breaks.
    Penalty {
        /// Width added to the line if it breaks here.
        width: Abs,
        /// Cost of breaking here; negative to encourage a break.
        penalty: f64,
        /// A hyphen break: two in a row cost `flagged_demerits`.
        flagged: bool,
    },
}

/// Costs and limits of the line breaker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Largest adjustment ratio of a line allowed in the first two passes: a line may stretch
    /// its glue by at most `tolerance` times its stretch. The equivalent TeX `\tolerance` is
    /// the badness `100 × tolerance³`. Default 2.0 (badness 800).
    pub tolerance: f64,
    /// TeX's `\linepenalty`, added to every line's badness before squaring. Default 10.
    pub line_penalty: f64,
    /// Added for two consecutive lines that end in flagged (hyphen) breaks. Default 10000.
    pub flagged_demerits: f64,
    /// Added when the paragraph's last line follows a flagged break: the paragraph would end on
    /// a word fragment. Default 100000.
    pub final_hyphen_demerits: f64,
    /// The longest run of consecutive lines ending in flagged breaks allowed (in the last
    /// pass only if that leaves no line overfull); 0 for no limit. Default 2.
    pub max_hyphen_run: usize,
    /// Outside the last pass, the paragraph's last line may not follow a flagged break: a
    /// looser setting from the second or third pass is preferred to a fragment. Default true.
    pub no_final_hyphen: bool,
    /// The tolerance of the second pass, run when the first finds no solution and this is
    /// larger than `tolerance`. Default 2.0, the same as `tolerance`: no second pass.
    pub second_tolerance: f64,
    /// Added for neighbouring lines whose fitness classes (tight, decent, loose, very loose)
    /// are not adjacent. Default 3000.
    pub fitness_demerits: f64,
    /// Extra stretch given to every line in the third and last passes, when the first two find
    /// no solution (TeX's `\emergencystretch`). It lowers badness only; the line is still set
    /// with its own glue. Default zero, as in TeX; about 1–3 em works well.
    pub emergency_stretch: Abs,
    /// The penalty that marks last-resort breaks, between the characters of a word too long for
    /// the line. A run of them with only boxes between that is longer than
    /// [`OVERLONG_RUN_LINES`] lines is filled greedily in its middle (see the module docs).
    /// Default `None`: every break point is searched.
    pub last_resort_penalty: Option<f64>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tolerance: DEFAULT_TOLERANCE,
            line_penalty: DEFAULT_LINE_PENALTY,
            flagged_demerits: DEFAULT_FLAGGED_DEMERITS,
            final_hyphen_demerits: DEFAULT_FINAL_HYPHEN_DEMERITS,
            max_hyphen_run: DEFAULT_MAX_HYPHEN_RUN,
            no_final_hyphen: true,
            second_tolerance: DEFAULT_TOLERANCE,
            fitness_demerits: DEFAULT_FITNESS_DEMERITS,
            emergency_stretch: Abs::ZERO,
            last_resort_penalty: None,
        }
    }
}

/// The end of one line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Index into `items` of the break point (a Glue or Penalty). The line holds the items
    /// after the previous break (glue and penalties at its start discarded) up to this one; a
    /// glue break is discarded, a penalty break adds its width. If `items` ends with a forced
    /// penalty (the standard ending `Penalty(inf), Glue(0, inf stretch), Penalty(-inf)`), the
    /// last break is that penalty, `items.len() - 1`; otherwise it is `items.len()`.
    pub index: usize,
    /// Adjustment ratio of the line ending here: >0 stretched (fraction of total stretch), <0
    /// shrunk (fraction of total shrink), 0 when it has infinite stretch or nothing to adjust.
    /// Always finite and at least -1; relative to the line's own glue, without emergency
    /// stretch, so setting `width + ratio × stretch` (or `shrink`) fills the line exactly.
    pub ratio: f64,
    /// The line could not be made to fit (its natural width minus all shrink still exceeds the
    /// line width). Its ratio is then -1.
    pub overfull: bool,
}

/// Breaks a paragraph into lines, choosing the breaks with the fewest total demerits.
///
/// `line_width(n)` is the width available to line n (0-based), so the first line can differ
/// (indents, a drop cap). It is called once for every n from 0 to the number of legal breaks
/// (to find where the widths stop changing), so it must answer for any n, however large,
/// and should be cheap. Returns one [`Break`] per line, in order; empty for empty `items`,
/// and otherwise never empty: the last break is the paragraph end (see [`Break::index`]).
/// Never panics; every forced break is among the results.
pub fn linebreak(items: &[Item], line_width: &dyn Fn(usize) -> Abs, params: &Params) -> Vec<Break> {
    if items.is_empty() {
        return Vec::new();
    }
    match params.last_resort_penalty {
        Some(marker) if marker.is_finite() => in_parts(items, line_width, params, marker),
        _ => total_fit(items, line_width, params),
    }
}

/// The first run of last-resort break points (penalties of the `marker` value with only
/// boxes between) at or after item `from` whose width, from its first break point to its
/// last, exceeds `OVERLONG_RUN_LINES` times `width`; in order.
fn overlong_run(items: &[Item], from: usize, marker: f64, width: f64) -> Vec<Breakpoint> {
    let limit = OVERLONG_RUN_LINES * width;
    let mut run = Vec::new();
    // Width of the boxes from the run's first penalty to its last, and since its last.
    let (mut run_width, mut pending) = (0.0, 0.0);
    for (index, item) in items.iter().enumerate().skip(from) {
        match *item {
            Item::Box { width } => pending += finite_length(width),
            Item::Penalty { penalty, .. }
                if penalty == marker && penalty.abs() < INFINITY_PENALTY =>
            {
                if run.is_empty() {
                    run_width = 0.0;
                } else {
                    run_width += pending;
                }
                pending = 0.0;
                run.push(breakpoint_at(items, index));
            }
            _ => {
                if run_width > limit {
                    return run;
                }
                run.clear();
                run_width = 0.0;
            }
        }
    }
    if run_width > limit { run } else { Vec::new() }
}

/// The middle of an overlong run, cut out before the search: the items after the break point
/// `from` up to and including `to` (both of the run), whole greedy lines.
struct Cut {
    from: usize,
    to: usize,
    /// The run's break points, for filling the lines put back.
    run: Vec<Breakpoint>,
}

/// Breaks a paragraph with overlong runs of last-resort breaks: from each run's middle, whole
/// lines (each as full as it goes, from `RUN_EDGE_LINES` lines into the run to as many before
/// its end) are cut out, the rest is searched, and the lines cut out are put back, filled
/// greedily, into the line of the result that spans the cut. With characters of one width the
/// result is the search's over the whole paragraph whenever its lines in the run's middle are
/// full; the work is linear in the run's length.
fn in_parts(
    items: &[Item],
    line_width: &dyn Fn(usize) -> Abs,
    params: &Params,
    marker: f64,
) -> Vec<Break> {
    let sanitised = |n: usize| finite_length(line_width(n)).max(0.0);
    let measure = (0..RUN_WIDTH_LINES).map(sanitised).fold(0.0, f64::max);
    let edge = RUN_EDGE_LINES * measure;
    // Built when the first run is found: most paragraphs have none.
    let mut sums: Option<Paragraph> = None;
    let mut cuts: Vec<Cut> = Vec::new();
    let mut scan = 0;
    loop {
        let run = overlong_run(items, scan, marker, measure);
        let Some(last) = run.last().map(|b| b.index) else {
            break;
        };
        scan = last + 1;
        let whole = &*sums.get_or_insert_with(|| Paragraph::sums(items));
        let Some(head) = run
            .iter()
            .position(|b| whole.width[b.index] - whole.width[run[0].index] >= edge)
        else {
            continue;
        };
        // Whole greedy lines from the head, leaving at least `edge` of the run after them.
        let mut to = head;
        while to + 1 < run.len() {
            let end = greedy_end(whole, &run, to + 1, run[to].index + 1, measure, run.len());
            if whole.width[last] - whole.width[run[end].index] < edge {
                break;
            }
            to = end;
        }
        if to > head {
            cuts.push(Cut {
                from: run[head].index,
                to: run[to].index,
                run,
            });
        }
    }
    let Some(whole) = sums.filter(|_| !cuts.is_empty()) else {
        return total_fit(items, line_width, params);
    };
    // The paragraph without the cuts, searched; its breaks mapped back.
    let mut short = Vec::with_capacity(items.len());
    let mut pos = 0;
    for cut in &cuts {
        short.extend_from_slice(&items[pos..=cut.from]);
        pos = cut.to + 1;
    }
    short.extend_from_slice(&items[pos..]);
    let found = total_fit(&short, line_width, params);
    let mut breaks: Vec<Break> = Vec::with_capacity(found.len());
    let mut line_start = 0;
    let (mut next_cut, mut removed) = (0, 0);
    for found in found {
        let mut brk = found;
        // Cuts before this break: their items are put back, and their lines with them.
        while let Some(cut) = cuts.get(next_cut)
            && cut.from - removed < found.index
        {
            removed += cut.to - cut.from;
            next_cut += 1;
            brk.index = found.index + removed;
            let end = breakpoint_at(items, brk.index);
            loop {
                let width = sanitised(breaks.len());
                let fits = |b: &Breakpoint| {
                    whole
                        .measure(line_start, b, width, 0.0)
                        .is_some_and(|line| !line.overfull)
                };
                if fits(&end) {
                    break;
                }
                let first = cut
                    .run
                    .partition_point(|b| b.index <= whole.next_box[line_start]);
                let limit = cut.run.partition_point(|b| b.index < brk.index);
                if first >= limit {
                    break;
                }
                let at = greedy_end(&whole, &cut.run, first, line_start, width, limit);
                let line = whole.measure(line_start, &cut.run[at], width, 0.0);
                breaks.push(Break {
                    index: cut.run[at].index,
                    ratio: line.map_or(0.0, |l| l.ratio),
                    overfull: line.is_none_or(|l| l.overfull),
                });
                line_start = cut.run[at].index + 1;
            }
            let line = whole.measure(line_start, &end, sanitised(breaks.len()), 0.0);
            (brk.ratio, brk.overfull) =
                line.map_or((found.ratio, found.overfull), |l| (l.ratio, l.overfull));
        }
        brk.index = found.index + removed;
        breaks.push(brk);
        line_start = brk.index + 1;
    }
    breaks
}

/// The last of `run[first..limit]` at which a line from item `line_start` still fits `width`
/// (the first if none does).
fn greedy_end(
    whole: &Paragraph,
    run: &[Breakpoint],
    first: usize,
    line_start: usize,
    width: f64,
    limit: usize,
) -> usize {
    let fits = |k: usize| {
        whole
            .measure(line_start, &run[k], width, 0.0)
            .is_some_and(|line| !line.overfull)
    };
    let mut end = first;
    while end + 1 < limit && fits(end + 1) {
        end += 1;
    }
    end
}

/// The break point at item `index` (or the implicit paragraph end at `items.len()`).
fn breakpoint_at(items: &[Item], index: usize) -> Breakpoint {
    let mut at = Breakpoint {
        index,
        width: 0.0,
        penalty: 0.0,
        flagged: false,
        forced: false,
        fil: 0,
        last: false,
    };
    match items.get(index) {
        Some(&Item::Penalty {
            width,
            penalty,
            flagged,
        }) => {
            at.width = finite_length(width);
            at.forced = penalty <= -INFINITY_PENALTY;
            at.penalty = if at.forced { 0.0 } else { penalty };
            at.flagged = flagged;
        }
        Some(_) => {}
        None => {
            at.forced = true;
            at.fil = 1;
        }
    }
    at
}

/// The total-fit search over the whole paragraph (see the module docs).
fn total_fit(items: &[Item], line_width: &dyn Fn(usize) -> Abs, params: &Params) -> Vec<Break> {
    if items.is_empty() {
        return Vec::new();
    }
    let paragraph = Paragraph::new(items);
    let widths = LineWidths::new(line_width, paragraph.breakpoints.len());
    let emergency = finite_length(params.emergency_stretch).max(0.0);
    let first = Settings::new(params, 0.0, false);
    if let Some(breaks) = paragraph.solve(&widths, &first) {
        return breaks;
    }
    let mut second = Settings::new(params, 0.0, false);
    second.tolerance = second
        .tolerance
        .max(or_default(params.second_tolerance, 0.0));
    if second.tolerance > first.tolerance
        && let Some(breaks) = paragraph.solve(&widths, &second)
    {
        return breaks;
    }
    if emergency > 0.0 {
        let third = Settings {
            emergency,
            ..second
        };
        if let Some(breaks) = paragraph.solve(&widths, &third) {
            return breaks;
        }
    }
    let last = Settings {
        emergency,
        relaxed: true,
        ..second
    };
    // The hyphen limit holds in the last pass too, unless it leaves a line overfull.
    let limited = paragraph.solve(&widths, &last);
    if let Some(breaks) = &limited
        && (last.max_hyphen_run == u8::MAX || !breaks.iter().any(|b| b.overfull))
    {
        return limited.unwrap_or_default();
    }
    let last = Settings {
        max_hyphen_run: u8::MAX,
        ..last
    };
    paragraph
        .solve(&widths, &last)
        .or(limited)
        // The last pass always finds a chain (see `solve`); this only keeps the promise that
        // forced breaks are honoured if that reasoning were ever wrong.
        .unwrap_or_else(|| paragraph.forced_breaks_only())
}

/// A finite value, or `default` for NaN and infinities.
fn or_default(value: f64, default: f64) -> f64 {
    if value.is_finite() { value } else { default }
}

/// The costs of one pass, sanitised so that no NaN can reach a comparison.
#[derive(Clone, Copy)]
struct Settings {
    tolerance: f64,
    line_penalty: f64,
    flagged_demerits: f64,
    final_hyphen_demerits: f64,
    /// The longest run of hyphenated lines allowed; `u8::MAX` for no limit.
    max_hyphen_run: u8,
    no_final_hyphen: bool,
    fitness_demerits: f64,
    /// Stretch added to every line when judging it (not when setting it).
    emergency: f64,
    /// The last pass: every line that is not overfull is allowed, and overfull lines are kept
    /// when nothing else reaches a break point.
    relaxed: bool,
}

impl Settings {
    fn new(params: &Params, emergency: f64, relaxed: bool) -> Self {
        let defaults = Params::default();
        let or = or_default;
        Settings {
            tolerance: or(params.tolerance, defaults.tolerance).max(0.0),
            line_penalty: or(params.line_penalty, defaults.line_penalty),
            flagged_demerits: or(params.flagged_demerits, defaults.flagged_demerits),
            final_hyphen_demerits: or(params.final_hyphen_demerits, defaults.final_hyphen_demerits),
            max_hyphen_run: match params.max_hyphen_run {
                0 => u8::MAX,
                n => u8::try_from(n).unwrap_or(u8::MAX),
            },
            no_final_hyphen: params.no_final_hyphen,
            // Negative would make the pruning below drop chains that could still win.
            fitness_demerits: or(params.fitness_demerits, defaults.fitness_demerits).max(0.0),
            emergency,
            relaxed,
        }
    }
}

/// How tight a line is; neighbours more than one class apart cost `fitness_demerits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fitness {
    Tight,
    Decent,
    Loose,
    VeryLoose,
}

impl Fitness {
    fn of(ratio: f64) -> Fitness {
        if ratio < TIGHT_BELOW {
            Fitness::Tight
        } else if ratio <= DECENT_UP_TO {
            Fitness::Decent
        } else if ratio <= LOOSE_UP_TO {
            Fitness::Loose
        } else {
            Fitness::VeryLoose
        }
    }

    fn incompatible(self, other: Fitness) -> bool {
        (self as i32 - other as i32).abs() > 1
    }
}

/// A legal break point.
#[derive(Debug, Clone, Copy)]
struct Breakpoint {
    /// Index into the items, or `items.len()` for an implicit paragraph end.
    index: usize,
    /// Width added to a line ending here (a hyphen).
    width: f64,
    /// Zero for glue.
    penalty: f64,
    flagged: bool,
    forced: bool,
    /// Infinite stretch added to a line ending here: 1 at an implicit paragraph end.
    fil: i64,
    /// The paragraph's end (the last break point).
    last: bool,
}

/// The items, digested for O(1) line measurement.
struct Paragraph {
    /// `width[i]` is the natural width of `items[..i]`, boxes and glue (penalties count only
    /// at a break); likewise the finite stretch, shrink, and the count of infinite stretches.
    width: Vec<f64>,
    stretch: Vec<f64>,
    shrink: Vec<f64>,
    fil: Vec<i64>,
    /// `next_box[i]`: index of the first box at or after `i`, or `items.len()`.
    next_box: Vec<usize>,
    /// The legal break points in order; the last is the (forced) paragraph end.
    breakpoints: Vec<Breakpoint>,
}

impl Paragraph {
    fn new(items: &[Item]) -> Paragraph {
        Paragraph::build(items, true)
    }

    /// The sums for measuring lines only, without the list of break points.
    fn sums(items: &[Item]) -> Paragraph {
        Paragraph::build(items, false)
    }

    fn build(items: &[Item], with_breakpoints: bool) -> Paragraph {
        let n = items.len();
        let mut width = Vec::with_capacity(n + 1);
        let mut stretch = Vec::with_capacity(n + 1);
        let mut shrink = Vec::with_capacity(n + 1);
        let mut fil = Vec::with_capacity(n + 1);
        let (mut w, mut y, mut z, mut f) = (0.0, 0.0, 0.0, 0_i64);
        for item in items {
            width.push(w);
            stretch.push(y);
            shrink.push(z);
            fil.push(f);
            match *item {
                Item::Box { width } => w += finite_length(width),
                Item::Glue {
                    width,
                    stretch,
                    shrink,
                } => {
                    w += finite_length(width);
                    let s = stretch.to_pt();
                    if s >= MAX_LENGTH_PT {
                        f += 1;
                    } else if s <= -MAX_LENGTH_PT {
                        f -= 1;
                    } else {
                        y += finite_length(stretch);
                    }
                    z += finite_length(shrink);
                }
                Item::Penalty { .. } => {}
            }
        }
        width.push(w);
        stretch.push(y);
        shrink.push(z);
        fil.push(f);

        // Scanned backwards: where the next box is, and where the next forced break is.
        let mut next_box = vec![n; n + 1];
        for (i, item) in items.iter().enumerate().rev() {
            next_box[i] = if matches!(item, Item::Box { .. }) {
                i
            } else {
                next_box[i + 1]
            };
        }
        if !with_breakpoints {
            return Paragraph {
                width,
                stretch,
                shrink,
                fil,
                next_box,
                breakpoints: Vec::new(),
            };
        }
        let mut next_forced = vec![n; n + 1];
        for (i, item) in items.iter().enumerate().rev() {
            next_forced[i] = if is_forced(item) {
                i
            } else {
                next_forced[i + 1]
            };
        }
        // A non-forced break must leave a box before the next forced break or the end, or the
        // line after it would be empty.
        let box_follows = |i: usize| next_box[i + 1] < next_forced[i + 1];

        let mut breakpoints = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let allowed = match *item {
                Item::Box { .. } => false,
                Item::Glue { .. } => {
                    let after_box = i > 0 && matches!(items[i - 1], Item::Box { .. });
                    after_box && box_follows(i)
                }
                Item::Penalty { penalty, .. } => {
                    // NaN compares false: neither forced nor allowed.
                    penalty <= -INFINITY_PENALTY || (penalty < INFINITY_PENALTY && box_follows(i))
                }
            };
            if allowed {
                breakpoints.push(breakpoint_at(items, i));
            }
        }
        if !items.last().is_some_and(is_forced) {
            breakpoints.push(breakpoint_at(items, n));
        }
        if let Some(end) = breakpoints.last_mut() {
            end.last = true;
        }
        Paragraph {
            width,
            stretch,
            shrink,
            fil,
            next_box,
            breakpoints,
        }
    }

    /// Measures the line from `start` (the first item after the previous break) to `end`.
    /// `None` if it would be an empty line at a break that is not forced.
    fn measure(
        &self,
        start: usize,
        end: &Breakpoint,
        line_width: f64,
        emergency: f64,
    ) -> Option<Line> {
        let n = self.next_box.len() - 1;
        let first = self.next_box.get(start).copied().unwrap_or(n);
        let empty = first >= end.index;
        if empty && !end.forced {
            return None;
        }
        let (b, s) = (end.index, first);
        let (natural, stretch, shrink, fil) = if empty {
            (end.width, 0.0, 0.0, 0)
        } else {
            (
                self.width[b] - self.width[s] + end.width,
                self.stretch[b] - self.stretch[s],
                self.shrink[b] - self.shrink[s],
                self.fil[b] - self.fil[s] + end.fil,
            )
        };
        let shortfall = line_width - natural;
        // Negative totals (ragged-right glue cancelling) mean there is nothing to adjust.
        let usable = |x: f64| if x > LENGTH_EPSILON_PT { x } else { 0.0 };
        let (stretch, shrink) = (usable(stretch), usable(shrink));
        let line = if shortfall.abs() <= LENGTH_EPSILON_PT || (empty && shortfall > 0.0) {
            Line::fitting(0.0, 0.0)
        } else if shortfall > 0.0 {
            if fil > 0 {
                Line::fitting(0.0, 0.0)
            } else {
                let judged = usable(stretch + emergency);
                let fit = if judged > 0.0 {
                    shortfall / judged
                } else {
                    f64::INFINITY
                };
                let set = if stretch > 0.0 {
                    shortfall / stretch
                } else {
                    0.0
                };
                Line::fitting(fit, set)
            }
        } else if -shortfall - shrink > LENGTH_EPSILON_PT {
            Line {
                fit: -1.0,
                ratio: -1.0,
                overfull: true,
                excess: -shortfall - shrink,
            }
        } else {
            // Shrink covers it (within rounding: clamp to -1).
            let ratio = if shrink > 0.0 {
                (shortfall / shrink).max(-1.0)
            } else {
                0.0
            };
            Line::fitting(ratio, ratio)
        };
        Some(line)
    }

    /// One pass over the break points. `None` if some break point cannot be reached (never
    /// in the relaxed pass).
    fn solve(&self, widths: &LineWidths, settings: &Settings) -> Option<Vec<Break>> {
        let mut nodes = vec![Node {
            index: 0,
            start: 0,
            class: 0,
            // The paper lets the first line follow a decent one.
            fitness: Fitness::Decent,
            flagged: false,
            run: 0,
            total: 0.0,
            prev: None,
            ratio: 0.0,
            overfull: false,
        }];
        let mut active: Vec<usize> = vec![0];
        let mut survivors: Vec<usize> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();

        for end in &self.breakpoints {
            survivors.clear();
            candidates.clear();
            // The least overfull line to here, for the relaxed pass.
            let mut rescue: Option<(f64, Candidate)> = None;
            for &from in &active {
                let node = &nodes[from];
                let line_width = widths.width(node.class);
                let Some(line) = self.measure(node.start, end, line_width, settings.emergency)
                else {
                    survivors.push(from);
                    continue;
                };
                // Later lines from this node are longer still, so an overfull one ends it; a
                // forced break ends every chain that does not break there.
                if !(end.forced || line.overfull) {
                    survivors.push(from);
                }
                if line.overfull {
                    if settings.relaxed {
                        let candidate = Candidate {
                            from,
                            class: widths.next(node.class),
                            run: run_after(node, end),
                            fitness: Fitness::Tight,
                            total: node.total + demerits(settings, &line, end, node),
                            ratio: line.ratio,
                            overfull: true,
                        };
                        let better = rescue.as_ref().is_none_or(|(excess, best)| {
                            line.excess < excess - LENGTH_EPSILON_PT
                                || (line.excess <= excess + LENGTH_EPSILON_PT
                                    && candidate.total < best.total)
                        });
                        if better {
                            rescue = Some((line.excess, candidate));
                        }
                    }
                    continue;
                }
                let run = run_after(node, end);
                let fragment = settings.no_final_hyphen && end.last && node.flagged;
                let allowed = if settings.relaxed {
                    run <= settings.max_hyphen_run
                } else {
                    line.fit <= settings.tolerance && run <= settings.max_hyphen_run && !fragment
                };
                if allowed {
                    candidates.push(Candidate {
                        from,
                        class: widths.next(node.class),
                        run,
                        fitness: Fitness::of(line.fit),
                        total: node.total + demerits(settings, &line, end, node),
                        ratio: line.ratio,
                        overfull: false,
                    });
                }
            }
            if candidates.is_empty() && survivors.is_empty() {
                // Every chain dies here: the pass fails, or the least-bad overfull line is kept.
                let (_, candidate) = rescue?;
                candidates.push(candidate);
            }
            insert(&mut nodes, &mut survivors, &mut candidates, end, settings);
            if survivors.len() > MAX_ACTIVE_NODES {
                prune(&mut survivors, &nodes);
            }
            std::mem::swap(&mut active, &mut survivors);
        }

        // The last break point is forced, so every active node ends there.
        let best = active
            .iter()
            .copied()
            .min_by(|&a, &b| nodes[a].total.total_cmp(&nodes[b].total))?;
        let mut breaks = Vec::new();
        let mut at = Some(best);
        while let Some(i) = at {
            let node = &nodes[i];
            if node.prev.is_some() {
                breaks.push(Break {
                    index: node.index,
                    ratio: node.ratio,
                    overfull: node.overfull,
                });
            }
            at = node.prev;
        }
        breaks.reverse();
        Some(breaks)
    }

    /// A last resort that cannot fail: one line per forced break.
    fn forced_breaks_only(&self) -> Vec<Break> {
        self.breakpoints
            .iter()
            .filter(|b| b.forced)
            .map(|b| Break {
                index: b.index,
                ratio: 0.0,
                overfull: false,
            })
            .collect()
    }
}

fn is_forced(item: &Item) -> bool {
    matches!(item, Item::Penalty { penalty, .. } if *penalty <= -INFINITY_PENALTY)
}

/// A length in points, NaN read as zero and clamped to ±`MAX_LENGTH_PT`.
fn finite_length(length: Abs) -> f64 {
    let pt = length.to_pt();
    if pt.is_nan() {
        0.0
    } else {
        pt.clamp(-MAX_LENGTH_PT, MAX_LENGTH_PT)
    }
}

/// The caller's line widths, sanitised, and the line classes they imply.
///
/// Two chains that reach the same break with different line numbers can only be merged if all
/// later lines have the same widths. A paragraph has at most one line per break point, so
/// asking `line_width` for every line number up to that count tells exactly from which line on
/// the widths stay the same (the paper's j₀, TeX's `easy_line`): line numbers from there on
/// are one class. For the usual constant width that is every line, and the active list stays
/// a handful of nodes per break point.
struct LineWidths {
    widths: Vec<f64>,
    /// The first line from which every width is the same.
    settled: usize,
}

impl LineWidths {
    fn new(width_of: &dyn Fn(usize) -> Abs, max_lines: usize) -> Self {
        let widths: Vec<f64> = (0..=max_lines)
            .map(|line| finite_length(width_of(line)).max(0.0))
            .collect();
        let last = widths.last().copied().unwrap_or(0.0);
        let settled = widths.iter().rposition(|&w| w != last).map_or(0, |i| i + 1);
        LineWidths { widths, settled }
    }

    /// The width of the lines of a class.
    fn width(&self, class: usize) -> f64 {
        self.widths.get(class).copied().unwrap_or(0.0)
    }

    /// The class of the line after one of class `class`.
    fn next(&self, class: usize) -> usize {
        (class + 1).min(self.settled)
    }
}

/// A measured line.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Adjustment ratio judged against stretch plus emergency stretch; `INFINITY` when a short
    /// line has nothing to stretch.
    fit: f64,
    /// Adjustment ratio for setting it, against its own glue (reported in [`Break`]).
    ratio: f64,
    overfull: bool,
    /// Points left over after all shrink, for overfull lines.
    excess: f64,
}

impl Line {
    fn fitting(fit: f64, ratio: f64) -> Line {
        Line {
            fit,
            ratio,
            overfull: false,
            excess: 0.0,
        }
    }
}

/// The demerits of a line ending at `end` after `prev` (the paper's formula).
fn demerits(settings: &Settings, line: &Line, end: &Breakpoint, prev: &Node) -> f64 {
    let badness = BADNESS_SCALE * line.fit.abs().min(MAX_BADNESS_RATIO).powi(3);
    let base = (settings.line_penalty + badness).powi(2);
    let mut demerits = if end.forced {
        base
    } else if end.penalty >= 0.0 {
        base + end.penalty.powi(2)
    } else {
        base - end.penalty.powi(2)
    };
    if end.flagged && prev.flagged {
        demerits += settings.flagged_demerits;
    }
    if end.last && prev.flagged {
        demerits += settings.final_hyphen_demerits;
    }
    let fitness = if line.overfull {
        Fitness::Tight
    } else {
        Fitness::of(line.fit)
    };
    if fitness.incompatible(prev.fitness) {
        demerits += settings.fitness_demerits;
    }
    demerits
}

/// The hyphen run of a line ending at `end` after `node`.
fn run_after(node: &Node, end: &Breakpoint) -> u8 {
    if end.flagged {
        node.run.saturating_add(1)
    } else {
        0
    }
}

/// A break point reached by some chain: the end of the best chain so far for its
/// (break, line number, fitness class), in an arena.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The break point's index into the items (0, unused, for the paragraph start).
    index: usize,
    /// The first item of the next line.
    start: usize,
    /// The line class (see [`LineWidths`]) of the next line: its 0-based number, or the
    /// number from which all widths are the same.
    class: usize,
    fitness: Fitness,
    flagged: bool,
    /// How many lines in a row, this one included, end in a flagged break.
    run: u8,
    total: f64,
    /// The previous break in the chain; `None` for the paragraph start.
    prev: Option<usize>,
    /// The line ending here, as reported.
    ratio: f64,
    overfull: bool,
}

/// A possible new node at the current break point.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    from: usize,
    class: usize,
    run: u8,
    fitness: Fitness,
    total: f64,
    ratio: f64,
    overfull: bool,
}

/// Turns the candidates at `end` into nodes: per line class, hyphen run and fitness class only
/// the cheapest, and of those only ones within `fitness_demerits` of the cheapest for that line
/// class and run (the paper's rule: a dearer one can never catch up, since the next line's
/// demerits differ by at most that; chains with different runs may face different limits, so
/// they are not compared). Their indices are appended to `active`.
fn insert(
    nodes: &mut Vec<Node>,
    active: &mut Vec<usize>,
    candidates: &mut [Candidate],
    end: &Breakpoint,
    settings: &Settings,
) {
    // Stable, so equal totals keep the first chain found.
    candidates.sort_by_key(|c| (c.class, c.run, c.fitness));
    for group in candidates.chunk_by(|a, b| a.class == b.class && a.run == b.run) {
        let cheapest = group.iter().map(|c| c.total).fold(f64::INFINITY, f64::min);
        for same_fitness in group.chunk_by(|a, b| a.fitness == b.fitness) {
            let Some(best) = same_fitness
                .iter()
                .reduce(|best, c| if c.total < best.total { c } else { best })
            else {
                continue;
            };
            if best.total <= cheapest + settings.fitness_demerits {
                active.push(nodes.len());
                nodes.push(Node {
                    index: end.index,
                    start: end.index + 1,
                    class: best.class,
                    fitness: best.fitness,
                    flagged: end.flagged,
                    run: best.run,
                    total: best.total,
                    prev: Some(best.from),
                    ratio: best.ratio,
                    overfull: best.overfull,
                });
            }
        }
    }
}

/// Cuts the active list to half of `MAX_ACTIVE_NODES`, so that it runs at most once every
/// few break points: keeps the best node at every break point first (the latest break points
/// first if even those are too many), then the ones closest to the best at their break point.
/// `active` is in break-point order (nodes are appended as break points are reached) and stays
/// so. Linear in the length of the list.
fn prune(active: &mut Vec<usize>, nodes: &[Node]) {
    let keep = (MAX_ACTIVE_NODES / 2).max(1);
    if active.len() <= keep {
        return;
    }
    // How far each node is behind the best at its break point; then later break points first.
    let mut rank: Vec<(f64, usize)> = Vec::with_capacity(active.len());
    for group in active.chunk_by(|&a, &b| nodes[a].index == nodes[b].index) {
        let best = group
            .iter()
            .map(|&i| nodes[i].total)
            .fold(f64::INFINITY, f64::min);
        rank.extend(
            group
                .iter()
                .map(|&i| (nodes[i].total - best, usize::MAX - nodes[i].index)),
        );
    }
    let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    let mut sorted = rank.clone();
    let (_, &mut threshold, _) = sorted.select_nth_unstable_by(keep - 1, order);
    // Everything strictly better than the `keep`-th, then as many equal to it as fit.
    let mut room = keep - rank.iter().filter(|r| order(r, &threshold).is_lt()).count();
    let mut position = 0;
    active.retain(|_| {
        let r = rank[position];
        position += 1;
        match order(&r, &threshold) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Equal if room > 0 => {
                room -= 1;
                true
            }
            _ => false,
        }
    });
}

#[cfg(test)]
mod tests;
