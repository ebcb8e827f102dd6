//! Unit tests of the line breaker, with exact expectations and a brute-force optimum.

use super::*;

const W: f64 = 100.0;

fn word(width: f64) -> Item {
    Item::Box {
        width: Abs::pt(width),
    }
}

fn glue(width: f64, stretch: f64, shrink: f64) -> Item {
    Item::Glue {
        width: Abs::pt(width),
        stretch: Abs::pt(stretch),
        shrink: Abs::pt(shrink),
    }
}

fn penalty(penalty: f64) -> Item {
    Item::Penalty {
        width: Abs::ZERO,
        penalty,
        flagged: false,
    }
}

fn hyphen(penalty: f64) -> Item {
    Item::Penalty {
        width: Abs::pt(4.0),
        penalty,
        flagged: true,
    }
}

fn fil() -> Item {
    Item::Glue {
        width: Abs::ZERO,
        stretch: INFINITE_STRETCH,
        shrink: Abs::ZERO,
    }
}

/// The paper's paragraph end: no break before the filling glue, a forced break after it.
fn end(items: &mut Vec<Item>) {
    items.extend([penalty(INFINITY_PENALTY), fil(), penalty(-INFINITY_PENALTY)]);
}

/// Words of the given widths separated by `space`, ended the paper's way.
fn paragraph(words: &[f64], space: Item) -> Vec<Item> {
    let mut items = Vec::new();
    for (i, &w) in words.iter().enumerate() {
        if i > 0 {
            items.push(space);
        }
        items.push(word(w));
    }
    end(&mut items);
    items
}

fn indices(breaks: &[Break]) -> Vec<usize> {
    breaks.iter().map(|b| b.index).collect()
}

fn fixed(width: f64) -> impl Fn(usize) -> Abs {
    move |_| Abs::pt(width)
}

fn assert_close(a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs())),
        "{a} != {b}"
    );
}

// --- An independent scorer, written from the paper, summing items directly ---

/// The paper's legal breaks: glue right after a box, penalties below infinity.
fn paper_breaks(items: &[Item]) -> Vec<usize> {
    (0..items.len())
        .filter(|&i| match items[i] {
            Item::Glue { .. } => i > 0 && matches!(items[i - 1], Item::Box { .. }),
            Item::Penalty { penalty, .. } => penalty < INFINITY_PENALTY,
            Item::Box { .. } => false,
        })
        .collect()
}

/// Natural width, finite stretch, shrink, and whether there is infinite stretch, of the
/// line after the break `prev` up to the break `at`.
fn line_sums(items: &[Item], prev: Option<usize>, at: usize) -> (f64, f64, f64, bool) {
    let mut start = prev.map_or(0, |p| p + 1);
    while start < at && !matches!(items[start], Item::Box { .. }) {
        start += 1;
    }
    let (mut natural, mut stretch, mut shrink, mut infinite) = (0.0, 0.0, 0.0, false);
    for item in &items[start..at] {
        match *item {
            Item::Box { width } => natural += width.to_pt(),
            Item::Glue {
                width,
                stretch: y,
                shrink: z,
            } => {
                natural += width.to_pt();
                if y.to_pt().is_infinite() {
                    infinite = true;
                } else {
                    stretch += y.to_pt();
                }
                shrink += z.to_pt();
            }
            Item::Penalty { .. } => {}
        }
    }
    if let Some(Item::Penalty { width, .. }) = items.get(at) {
        natural += width.to_pt();
    }
    (natural, stretch, shrink, infinite)
}

/// Adjustment ratio of the line after `prev` up to the break at `at`, or `None` if it is
/// outside [-1, tolerance].
fn paper_ratio(
    items: &[Item],
    prev: Option<usize>,
    at: usize,
    width: f64,
    tol: f64,
) -> Option<f64> {
    let (natural, stretch, shrink, infinite) = line_sums(items, prev, at);
    let r = if natural < width {
        if infinite {
            0.0
        } else if stretch > 0.0 {
            (width - natural) / stretch
        } else {
            return None;
        }
    } else if natural > width {
        if shrink > 0.0 {
            (width - natural) / shrink
        } else {
            return None;
        }
    } else {
        0.0
    };
    (-1.0..=tol).contains(&r).then_some(r)
}

/// Total demerits of a choice of breaks by the paper's rules, or `None` if a line is
/// infeasible.
fn paper_demerits(
    items: &[Item],
    breaks: &[usize],
    width: &dyn Fn(usize) -> Abs,
    p: &Params,
) -> Option<f64> {
    let class = |r: f64| {
        if r < -0.5 {
            0
        } else if r <= 0.5 {
            1
        } else if r <= 1.0 {
            2
        } else {
            3
        }
    };
    let (mut total, mut prev, mut prev_class, mut prev_flagged) = (0.0, None, 1_i32, false);
    let mut run = 0;
    for (line, &at) in breaks.iter().enumerate() {
        let r = paper_ratio(items, prev, at, width(line).to_pt(), p.tolerance)?;
        let (pen, flagged) = match items.get(at) {
            Some(Item::Penalty {
                penalty, flagged, ..
            }) => (*penalty, *flagged),
            _ => (0.0, false),
        };
        let base = (p.line_penalty + 100.0 * r.abs().powi(3)).powi(2);
        total += if pen <= -INFINITY_PENALTY {
            base
        } else if pen >= 0.0 {
            base + pen * pen
        } else {
            base - pen * pen
        };
        if flagged && prev_flagged {
            total += p.flagged_demerits;
        }
        run = if flagged { run + 1 } else { 0 };
        if p.max_hyphen_run > 0 && run > p.max_hyphen_run {
            return None;
        }
        if line + 1 == breaks.len() && prev_flagged {
            if p.no_final_hyphen {
                return None;
            }
            total += p.final_hyphen_demerits;
        }
        if (class(r) - prev_class).abs() > 1 {
            total += p.fitness_demerits;
        }
        (prev, prev_class, prev_flagged) = (Some(at), class(r), flagged);
    }
    Some(total)
}

/// The best feasible choice by trying every subset of the paper's legal breaks, and
/// whether it is the only one that good. Forced breaks must be in every choice.
fn brute_force(
    items: &[Item],
    width: &dyn Fn(usize) -> Abs,
    p: &Params,
) -> Option<(f64, Vec<usize>, bool)> {
    let (forced, optional): (Vec<usize>, Vec<usize>) = paper_breaks(items)
        .into_iter()
        .partition(|&i| is_forced(&items[i]));
    assert!(optional.len() <= 18, "too many breaks to enumerate");
    let mut best: Option<(f64, Vec<usize>, bool)> = None;
    for mask in 0..(1_u32 << optional.len()) {
        let mut breaks: Vec<usize> = optional
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, &i)| i)
            .chain(forced.iter().copied())
            .collect();
        breaks.sort_unstable();
        let Some(total) = paper_demerits(items, &breaks, width, p) else {
            continue;
        };
        best = match best {
            Some((b, _, _)) if total < b - 1e-9 * b.abs().max(1.0) => Some((total, breaks, true)),
            Some((b, bb, _)) if total <= b + 1e-9 * b.abs().max(1.0) => Some((b, bb, false)),
            Some(kept) => Some(kept),
            None => Some((total, breaks, true)),
        };
    }
    best
}

/// Asserts that `linebreak` finds the brute-force optimum, returning its breaks.
fn assert_optimal(items: &[Item], width: &dyn Fn(usize) -> Abs, p: &Params) -> Vec<Break> {
    let breaks = linebreak(items, width, p);
    let (best, best_breaks, unique) =
        brute_force(items, width, p).expect("the test paragraph has a feasible setting");
    let ours = paper_demerits(items, &indices(&breaks), width, p)
        .expect("linebreak chose an infeasible line");
    assert_close(ours, best);
    if unique {
        assert_eq!(indices(&breaks), best_breaks);
    }
    breaks
}

/// First fit: every line ends at the last legal break before it would be overfull.
fn first_fit(items: &[Item], width: f64) -> Vec<usize> {
    let mut breaks = Vec::new();
    let (mut prev, mut last) = (None, None);
    for at in paper_breaks(items) {
        let (natural, _, shrink, _) = line_sums(items, prev, at);
        if natural - shrink > width {
            breaks.extend(last);
            prev = last;
        }
        last = Some(at);
    }
    breaks.extend(last);
    breaks
}

fn assert_well_formed(items: &[Item], breaks: &[Break]) {
    assert!(!breaks.is_empty());
    assert!(breaks.windows(2).all(|w| w[0].index < w[1].index));
    let last = breaks[breaks.len() - 1].index;
    let ends_forced = matches!(items.last(), Some(Item::Penalty { penalty, .. }) if *penalty <= -INFINITY_PENALTY);
    assert_eq!(
        last,
        if ends_forced {
            items.len() - 1
        } else {
            items.len()
        }
    );
    for b in breaks {
        assert!(b.ratio.is_finite() && b.ratio >= -1.0, "{b:?}");
        assert!(b.index == items.len() || !matches!(items[b.index], Item::Box { .. }));
    }
}

#[test]
fn known_optimum_on_synthetic_paragraph() {
    // Line width 100, spaces 10pt that stretch 10 and shrink 5, tolerance 3:
    //   0:20 1:_ 2:20 3:_ 4:20 5:_ 6:10 7:_ 8:30 9:_ 10:35 11:_ 12:40 13..15: end
    // First fit puts "20 20 20 10" on line 1 (exactly 100, r = 0), then "30 35" is 75
    // with one space: r = 2.5, badness 1562.5, and very loose after decent costs the
    // fitness demerits twice: 100 + 1572.5² + 3000 + 3000 + 100 ≈ 2.48e6.
    // Total fit moves the 10 down: "20 20 20" is 80 with two spaces, r = 1 (badness 100),
    // and "10 30 35" is 95 with two spaces, r = 0.25 (badness 1.5625):
    // 110² + 11.5625² + 10² = 12333.69.
    let items = paragraph(
        &[20.0, 20.0, 20.0, 10.0, 30.0, 35.0, 40.0],
        glue(10.0, 10.0, 5.0),
    );
    let p = Params {
        tolerance: 3.0,
        ..Params::default()
    };
    let width = fixed(W);
    let greedy = first_fit(&items, W);
    assert_eq!(greedy, vec![7, 11, 15]);
    let breaks = assert_optimal(&items, &width, &p);
    assert_eq!(indices(&breaks), vec![5, 11, 15]);
    assert_eq!(
        breaks.iter().map(|b| b.ratio).collect::<Vec<_>>(),
        vec![1.0, 0.25, 0.0]
    );
    assert!(breaks.iter().all(|b| !b.overfull));
    let total = paper_demerits(&items, &[5, 11, 15], &width, &p).expect("feasible");
    assert_close(total, 110.0_f64.powi(2) + 11.5625_f64.powi(2) + 100.0);
    let greedy_total = paper_demerits(&items, &greedy, &width, &p).expect("feasible");
    assert_close(greedy_total, 100.0 + 1572.5_f64.powi(2) + 6000.0 + 100.0);
}

/// A small deterministic generator (a 64-bit LCG), so the random tests are reproducible.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn matches_brute_force_on_random_paragraphs() {
    let mut rng = Lcg(0x5eed);
    let mut checked = 0;
    for round in 0..80 {
        // Every fourth paragraph ragged right (two breaks per space, so fewer words).
        let ragged = round % 4 == 3;
        let words = if ragged { 5 } else { 7 } + rng.below(4);
        let mut items = Vec::new();
        for w in 0..words {
            if w > 0 {
                let space = 5.0 + rng.below(3) as f64;
                if ragged {
                    items.extend([glue(0.0, 20.0, 0.0), penalty(0.0), glue(space, -20.0, 0.0)]);
                } else {
                    let stretch = 3.0 + rng.below(5) as f64;
                    items.push(glue(space, stretch, 1.0 + rng.below(3) as f64));
                }
            }
            let width = 8.0 + rng.below(30) as f64;
            if width > 30.0 && rng.below(3) == 0 {
                let head = (width / 2.0).floor();
                items.push(word(head));
                items.push(hyphen(50.0 + rng.below(100) as f64));
                items.push(word(width - head));
            } else {
                items.push(word(width));
            }
        }
        end(&mut items);
        // Widths that settle after line 1 or 2, never settle, or are constant.
        let base = 80.0 + rng.below(60) as f64;
        let pattern = round % 5;
        let width = move |line: usize| {
            Abs::pt(match pattern {
                0 if line == 0 => base - 25.0,
                1 if line == 1 => base - 20.0,
                2 if line % 2 == 1 => base - 15.0,
                3 => base + 5.0 * line as f64,
                _ => base,
            })
        };
        let p = Params {
            tolerance: [2.0, 3.0, 1.5][round % 3],
            line_penalty: [10.0, 1.0, 50.0][round % 4 % 3],
            flagged_demerits: [3000.0, 0.0, 10000.0][round % 5 % 3],
            final_hyphen_demerits: [100_000.0, 0.0, 5000.0][round % 11 % 3],
            max_hyphen_run: [2, 0, 1][round % 13 % 3],
            no_final_hyphen: round % 2 == 0,
            second_tolerance: 3.0,
            fitness_demerits: [3000.0, 0.0, 100.0][round % 7 % 3],
            emergency_stretch: Abs::pt(20.0),
            last_resort_penalty: None,
        };
        let breaks = linebreak(&items, &width, &p);
        assert_well_formed(&items, &breaks);
        if brute_force(&items, &width, &p).is_some() {
            assert_optimal(&items, &width, &p);
            checked += 1;
        }
    }
    // Make sure the comparison is not vacuous.
    assert!(
        checked >= 55,
        "only {checked} paragraphs had a feasible setting"
    );
}

#[test]
fn forced_break_is_always_taken() {
    // A forced break with filling glue, where the paragraph would fit on one line.
    let mut items = vec![word(20.0), glue(5.0, 3.0, 2.0), word(20.0), fil()];
    items.push(penalty(-INFINITY_PENALTY));
    items.extend([word(20.0), glue(5.0, 3.0, 2.0), word(20.0)]);
    end(&mut items);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![4, 10]);
    assert!(breaks.iter().all(|b| !b.overfull && b.ratio == 0.0));

    // A forced break after one rigid word: an underfull line, set anyway.
    let mut items = vec![word(20.0), penalty(-INFINITY_PENALTY), word(30.0)];
    items.extend([glue(5.0, 3.0, 2.0), word(30.0)]);
    end(&mut items);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![1, 7]);
    assert_eq!(breaks[0].ratio, 0.0);

    // Forced breaks at the very start and twice in a row give empty lines.
    let mut items = vec![penalty(-INFINITY_PENALTY), word(20.0)];
    items.extend([
        penalty(-INFINITY_PENALTY),
        penalty(-INFINITY_PENALTY),
        word(20.0),
    ]);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![0, 2, 3, 5]);
    assert!(breaks.iter().all(|b| !b.overfull && b.ratio == 0.0));
}

#[test]
fn forbidden_penalty_is_never_a_break() {
    // "45 45" fits exactly; the other break makes two rigid one-word lines.
    let build = |pen: f64| {
        let mut items = vec![word(45.0), glue(10.0, 0.0, 0.0), word(45.0), penalty(pen)];
        items.extend([word(45.0), glue(10.0, 0.0, 0.0), word(45.0)]);
        end(&mut items);
        items
    };
    let allowed = linebreak(&build(0.0), &fixed(W), &Params::default());
    assert_eq!(indices(&allowed), vec![3, 9]);
    assert!(allowed.iter().all(|b| !b.overfull));
    // Forbidden: the breaks left make rigid underfull lines ("45", "45 45", "45"), set in
    // the last pass; breaking only once would leave an overfull line.
    let items = build(INFINITY_PENALTY);
    let forbidden = linebreak(&items, &fixed(W), &Params::default());
    assert!(!indices(&forbidden).contains(&3));
    assert_eq!(indices(&forbidden), vec![1, 5, 9]);
    assert!(forbidden.iter().all(|b| !b.overfull));
    // Also when the forbidden break is the only way to avoid an overfull line.
    let mut items = vec![word(60.0), penalty(INFINITY_PENALTY + 1.0), word(60.0)];
    end(&mut items);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![5]);
    assert!(breaks[0].overfull);
    assert_eq!(breaks[0].ratio, -1.0);
}

#[test]
fn overfull_box_is_reported_not_lost() {
    // 0:20 1:_ 2:20 3:_ 4:BIG 5:_ 6:20 7:_ 8:20 9..11: end, the big box wider than the line.
    let items = paragraph(&[20.0, 20.0, 150.0, 20.0, 20.0], glue(10.0, 10.0, 5.0));
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_well_formed(&items, &breaks);
    assert_eq!(indices(&breaks), vec![3, 5, 11]);
    // "20 20" is 50 with 10 stretch: r = 5, beyond tolerance, but the last pass allows it
    // rather than putting a word next to the big box.
    assert_eq!(
        breaks,
        vec![
            Break {
                index: 3,
                ratio: 5.0,
                overfull: false
            },
            Break {
                index: 5,
                ratio: -1.0,
                overfull: true
            },
            Break {
                index: 11,
                ratio: 0.0,
                overfull: false
            },
        ]
    );
    // A single box, wider than the line, with no ending at all.
    let breaks = linebreak(&[word(500.0)], &fixed(W), &Params::default());
    assert_eq!(
        breaks,
        vec![Break {
            index: 1,
            ratio: -1.0,
            overfull: true
        }]
    );
    // At the paragraph start, and with a line width of zero: every word on its own line.
    let items = paragraph(&[150.0, 20.0, 20.0], glue(10.0, 10.0, 5.0));
    let breaks = linebreak(&items, &fixed(0.0), &Params::default());
    assert_eq!(indices(&breaks), vec![1, 3, 7]);
    assert!(breaks.iter().all(|b| b.overfull));
}

/// 0..=8: five words of 20 with spaces; 9:_ 10:X1 11:hyphen 12:X2 13:_ 14:30 15..17: end.
/// Line width 164: "20 20 20 20 20" is 140, and with "_ X1-" it is exactly 164.
fn hyphen_paragraph(stretch: f64) -> Vec<Item> {
    let space = glue(10.0, stretch, 4.0);
    let mut items = Vec::new();
    for _ in 0..5 {
        items.extend([word(20.0), space]);
    }
    items.extend([word(10.0), hyphen(50.0), word(20.0), space, word(30.0)]);
    end(&mut items);
    items
}

#[test]
fn hyphen_penalty_avoided_when_alternative_is_close() {
    // Without the hyphen, line 1 has shortfall 24 over stretch 48: r = 0.5, badness 12.5,
    // demerits 22.5² = 506.25. With it: 10² + 50² = 2600. The whole word on line 1 needs
    // r = -0.8: 61.2² = 3745.44.
    let items = hyphen_paragraph(12.0);
    let width = fixed(164.0);
    let breaks = assert_optimal(&items, &width, &Params::default());
    assert_eq!(indices(&breaks), vec![9, 17]);
    assert_eq!(breaks[0].ratio, 0.5);
}

#[test]
fn hyphen_taken_when_it_saves_a_very_loose_line() {
    // Same paragraph with stiffer spaces: without the hyphen r = 24 / 16 = 1.5, badness
    // 337.5, demerits 347.5² ≈ 120756, against 2600 with it.
    let items = hyphen_paragraph(4.0);
    let width = fixed(164.0);
    let p = Params {
        final_hyphen_demerits: 0.0,
        no_final_hyphen: false,
        ..Params::default()
    };
    let breaks = assert_optimal(&items, &width, &p);
    assert_eq!(indices(&breaks), vec![11, 17]);
    assert_eq!(breaks[0].ratio, 0.0);
    // The hyphen leaves "X2 _ 30" as the last line, a fragment: at the default cost of that
    // (100000) the whole word goes on line 1, shrunk (r = -0.8, 3745.44) and "30" alone
    // follows.
    let breaks = assert_optimal(&items, &width, &Params::default());
    assert_eq!(indices(&breaks), vec![13, 17]);
}

#[test]
fn consecutive_hyphens_cost_flagged_demerits() {
    // Line width 164, spaces that do not shrink. Line 1 as in
    // `hyphen_taken_when_it_saves_a_very_loose_line`: it must end at the hyphen 11
    // (without: r = 1.5, 347.5² demerits; the whole word: overfull).
    // Line 2 "X2 _ 20 _ 20 _ 20 _ 20" is 140 with four spaces of stretch 8: ending at the
    // glue 21 before "Y1-Y2" gives r = 24 / 32 = 0.75, demerits (10 + 42.1875)² ≈ 2723.5;
    // ending at its hyphen 23 fits exactly: 10² + 50² = 2600, cheaper by 123.5 unless two
    // hyphens in a row cost more than that. (One word less is too loose, one more too wide.)
    let stiff = glue(10.0, 4.0, 0.0);
    let loose = glue(10.0, 8.0, 0.0);
    let mut items = Vec::new();
    for _ in 0..5 {
        items.extend([word(20.0), stiff]);
    }
    items.extend([word(10.0), hyphen(50.0), word(20.0)]); // 10..=12
    for _ in 0..4 {
        items.extend([loose, word(20.0)]); // 13..=20
    }
    items.extend([
        loose,
        word(10.0),
        hyphen(50.0),
        word(20.0),
        stiff,
        word(30.0),
    ]); // 21..=26
    end(&mut items); // 27..=29
    let width = fixed(164.0);
    // Line 3 is the tail "Y2 _ 30" either way; ending on it is not at issue here.
    let free = Params {
        flagged_demerits: 0.0,
        final_hyphen_demerits: 0.0,
        no_final_hyphen: false,
        ..Params::default()
    };
    let both = assert_optimal(&items, &width, &free);
    assert_eq!(indices(&both), vec![11, 23, 29]);
    let costly = assert_optimal(
        &items,
        &width,
        &Params {
            final_hyphen_demerits: 0.0,
            no_final_hyphen: false,
            ..Params::default()
        },
    );
    assert_eq!(indices(&costly), vec![11, 21, 29]);
    assert_eq!(costly[1].ratio, 0.75);
}

#[test]
fn ragged_right_glue_pattern_breaks_sensibly() {
    // The caller's ragged-right pattern between words: the stretch appears only at a line
    // end, cancelled by the negative stretch of the space otherwise.
    let ragged = 18.0;
    // Word i is item 4i; the penalty after it is 4i + 2. Spaces are 4, line width 100.
    let words = [30.0, 25.0, 35.0, 40.0, 20.0, 30.0, 20.0, 30.0];
    let mut items = Vec::new();
    for (i, &w) in words.iter().enumerate() {
        if i > 0 {
            items.extend([
                glue(0.0, ragged, 0.0),
                penalty(0.0),
                glue(4.0, -ragged, 0.0),
            ]);
        }
        items.push(word(w));
    }
    end(&mut items);
    let width = fixed(W);
    let breaks = assert_optimal(&items, &width, &Params::default());
    // "30 25 35" is 98 (r = 2/18); "30 25" is 59, too short for tolerance 2 (41 > 36), and
    // four words are too wide. Then "40 20 30" is 98 again, where "40 20" (64, r = 2,
    // badness 800, and very loose between decent lines) would cost 810² + 6000 more.
    assert_eq!(indices(&breaks), vec![10, 22, 31]);
    assert_close(breaks[0].ratio, 2.0 / 18.0);
    assert_close(breaks[1].ratio, 2.0 / 18.0);
    assert_eq!(breaks[2].ratio, 0.0);
    let mut start = 0;
    for b in &breaks[..breaks.len() - 1] {
        // Every line breaks at a penalty, so it keeps the stretch of the glue before it.
        assert!(matches!(items[b.index], Item::Penalty { .. }));
        // Setting the glue by the ratio fills the line exactly.
        let natural: f64 = items[start..b.index]
            .iter()
            .map(|item| match item {
                Item::Box { width } | Item::Glue { width, .. } => width.to_pt(),
                Item::Penalty { .. } => 0.0,
            })
            .sum();
        assert_close(natural + b.ratio * ragged, W);
        assert!(b.ratio >= 0.0 && b.ratio <= 2.0 && !b.overfull);
        start = b.index + 2;
    }
}

#[test]
fn varying_line_widths_are_respected() {
    // Words of 20, spaces 10 stretching 10 and shrinking 5. Line 0 is 60 wide: only two
    // words fit (50, r = 1); the rest is 100 wide, where four words shrink to fit (110,
    // r = -2/3) and three are loose (80, r = 1).
    let items = paragraph(&[20.0; 9], glue(10.0, 10.0, 5.0));
    let indent = |line: usize| Abs::pt(if line == 0 { 60.0 } else { 100.0 });
    let breaks = assert_optimal(&items, &indent, &Params::default());
    assert_eq!(indices(&breaks), vec![3, 11, 19]);
    assert_eq!(breaks[0].ratio, 1.0);
    assert_close(breaks[1].ratio, -2.0 / 3.0);
    // With the full width everywhere the breaks differ.
    let even = assert_optimal(&items, &fixed(100.0), &Params::default());
    assert_eq!(indices(&even), vec![7, 15, 19]);
    // A narrow second line: four words, then two, then three.
    let narrow_second = |line: usize| Abs::pt(if line == 1 { 60.0 } else { 100.0 });
    let breaks = assert_optimal(&items, &narrow_second, &Params::default());
    assert_eq!(indices(&breaks), vec![7, 11, 19]);
}

#[test]
fn emergency_stretch_rescues_a_rigid_paragraph() {
    // "40 _ 40" is 90 with 2 stretch: r = 5, beyond tolerance; one word has no stretch;
    // three are overfull. Emergency stretch 10 makes it r = 10 / 12, feasible; the line is
    // still set with its own glue, so the reported ratio is 5.
    let items = paragraph(&[40.0, 40.0, 40.0], glue(10.0, 2.0, 2.0));
    let p = Params {
        emergency_stretch: Abs::pt(10.0),
        ..Params::default()
    };
    let breaks = linebreak(&items, &fixed(W), &p);
    assert_eq!(
        breaks,
        vec![
            Break {
                index: 3,
                ratio: 5.0,
                overfull: false
            },
            Break {
                index: 7,
                ratio: 0.0,
                overfull: false
            },
        ]
    );
}

#[test]
fn last_break_is_items_len_without_a_trailing_forced_penalty() {
    // No ending: an implicit forced break at items.len() with infinite stretch.
    let items = [word(30.0), glue(10.0, 5.0, 3.0), word(30.0)];
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(
        breaks,
        vec![Break {
            index: 3,
            ratio: 0.0,
            overfull: false
        }]
    );
    // Trailing glue after the last word is no break: it would only make an empty line.
    let items = [
        word(30.0),
        glue(10.0, 5.0, 3.0),
        word(30.0),
        glue(10.0, 5.0, 3.0),
    ];
    assert_eq!(
        indices(&linebreak(&items, &fixed(W), &Params::default())),
        vec![4]
    );
    // A forced penalty at the end is the last break.
    let mut items = vec![word(30.0)];
    end(&mut items);
    assert_eq!(
        indices(&linebreak(&items, &fixed(W), &Params::default())),
        vec![3]
    );
}

#[test]
fn empty_paragraph_gives_no_lines() {
    assert_eq!(linebreak(&[], &fixed(W), &Params::default()), vec![]);
}

#[test]
fn degenerate_input_never_panics() {
    let p = Params::default();
    let cases: Vec<Vec<Item>> = vec![
        vec![glue(5.0, 1.0, 1.0); 10],
        vec![penalty(0.0); 10],
        vec![penalty(-INFINITY_PENALTY); 3],
        vec![hyphen(50.0), word(10.0), hyphen(50.0)],
        vec![
            word(f64::INFINITY),
            glue(f64::MAX, f64::MAX, f64::INFINITY),
            word(1e300),
        ],
        vec![
            word(-50.0),
            glue(-10.0, -5.0, -3.0),
            word(-20.0),
            penalty(f64::NAN),
        ],
        vec![
            word(f64::NAN),
            glue(f64::NAN, f64::NAN, f64::NAN),
            word(10.0),
        ],
        vec![word(10.0), glue(0.0, f64::NEG_INFINITY, 0.0), word(10.0)],
        paragraph(&[10.0; 50], glue(0.0, 0.0, 0.0)),
    ];
    let widths: [&dyn Fn(usize) -> Abs; 5] = [
        &|_| Abs::pt(0.0),
        &|_| Abs::pt(f64::NAN),
        &|_| Abs::pt(-100.0),
        &|_| Abs::pt(f64::INFINITY),
        &|line| Abs::pt(if line % 2 == 0 { 5.0 } else { 500.0 }),
    ];
    for items in &cases {
        for width in widths {
            let breaks = linebreak(items, width, &p);
            assert_well_formed(items, &breaks);
        }
    }
    // Only non-forced penalties: one empty line ending at the implicit end.
    assert_eq!(
        linebreak(&[penalty(0.0); 4], &fixed(W), &p),
        vec![Break {
            index: 4,
            ratio: 0.0,
            overfull: false
        }]
    );
}

#[test]
fn huge_unbreakable_paragraph_is_fast() {
    let p = Params {
        emergency_stretch: Abs::pt(24.0),
        ..Params::default()
    };
    let items = vec![word(5.0); 50_000];
    let breaks = linebreak(&items, &fixed(300.0), &p);
    assert_eq!(
        breaks,
        vec![Break {
            index: 50_000,
            ratio: -1.0,
            overfull: true
        }]
    );
    // Every box a legal break (penalties between), on a line too narrow for any of them.
    let mut items = Vec::new();
    for _ in 0..50_000 {
        items.extend([word(5.0), penalty(0.0)]);
    }
    let breaks = linebreak(&items, &fixed(1.0), &p);
    assert_eq!(breaks.len(), 50_000);
    assert!(breaks.iter().all(|b| b.overfull));
}

#[test]
fn huge_paragraph_in_the_last_pass_stays_bounded() {
    // Thousands of rigid words (no stretch, so every line is underfull and the last pass
    // runs): nearly every break starts chains, but with a constant width their line
    // numbers merge, leaving a few per break point.
    let mut rng = Lcg(7);
    let words: Vec<f64> = (0..20_000).map(|_| 10.0 + rng.below(40) as f64).collect();
    let items = paragraph(&words, glue(5.0, 0.0, 0.0));
    let breaks = linebreak(&items, &fixed(300.0), &Params::default());
    assert_well_formed(&items, &breaks);
    assert!(breaks.iter().all(|b| !b.overfull));
    // About 300 / 35 words a line.
    assert!(
        (2000..3000).contains(&breaks.len()),
        "{} lines",
        breaks.len()
    );
}

#[test]
fn widths_that_never_settle_stay_bounded() {
    // Alternating widths: line numbers can never be merged, and a box wider than every
    // line sends the whole paragraph to the last pass, so the active-node cap is reached.
    let mut rng = Lcg(11);
    let mut words: Vec<f64> = (0..800).map(|_| 10.0 + rng.below(40) as f64).collect();
    words[700] = 1000.0;
    let mut items = Vec::new();
    for (i, &w) in words.iter().enumerate() {
        if i > 0 {
            items.extend([glue(0.0, 36.0, 0.0), penalty(0.0), glue(3.0, -36.0, 0.0)]);
        }
        items.push(word(w));
    }
    end(&mut items);
    let alternating = |line: usize| Abs::pt(if line.is_multiple_of(2) { 340.0 } else { 300.0 });
    let breaks = linebreak(&items, &alternating, &Params::default());
    assert_well_formed(&items, &breaks);
    let overfull: Vec<usize> = breaks
        .iter()
        .filter(|b| b.overfull)
        .map(|b| b.index)
        .collect();
    // Only the wide box's line. It ends at the first break after the box (the glue before
    // the penalty), since every chain dies there.
    assert_eq!(overfull, vec![4 * 700 + 1]);
}

#[test]
fn pruning_keeps_the_best_chain_at_every_break_point_in_order() {
    // 1500 nodes over 10 break points, totals rising within each.
    let nodes: Vec<Node> = (0..1500)
        .map(|i| Node {
            index: i / 150,
            start: i / 150 + 1,
            class: 0,
            fitness: Fitness::Decent,
            flagged: false,
            run: 0,
            total: (i % 150) as f64 + (i / 150) as f64 * 1000.0,
            prev: None,
            ratio: 0.0,
            overfull: false,
        })
        .collect();
    let mut active: Vec<usize> = (0..1500).collect();
    prune(&mut active, &nodes);
    assert_eq!(active.len(), MAX_ACTIVE_NODES / 2);
    assert!(active.windows(2).all(|w| w[0] < w[1]));
    for position in 0..10 {
        // The best at each break point, and the same number of others at every one.
        let kept: Vec<usize> = active
            .iter()
            .copied()
            .filter(|&i| nodes[i].index == position)
            .collect();
        assert_eq!(kept.first(), Some(&(position * 150)));
        assert_eq!(kept.len(), MAX_ACTIVE_NODES / 20);
    }
}

/// The longest run of consecutive breaks at flagged penalties.
fn longest_hyphen_run(items: &[Item], breaks: &[Break]) -> usize {
    let (mut run, mut longest) = (0, 0);
    for b in breaks {
        let flagged = matches!(
            items.get(b.index),
            Some(Item::Penalty { flagged: true, .. })
        );
        run = if flagged { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[test]
fn a_paragraph_does_not_end_on_a_word_fragment() {
    // Line width 164, spaces 10 that stretch and shrink 4:
    //   0..=9: five words of 20 with spaces, 10:10 11:hyphen 12:20 13..=15: end.
    // "20 ×5 X1-" is exactly 164 (10² + 50² = 2600) and leaves "X2" alone on the last line
    // (10² = 100): 2700. The whole word on one line is 180 with 20 of shrink: r = -0.8, badness
    // 51.2, 61.2² = 3745.44, dearer, unless ending on a fragment costs more than 1045.44.
    let mut items = Vec::new();
    for _ in 0..5 {
        items.extend([word(20.0), glue(10.0, 4.0, 4.0)]);
    }
    items.extend([word(10.0), hyphen(50.0), word(20.0)]);
    end(&mut items);
    let width = fixed(164.0);
    let free = Params {
        final_hyphen_demerits: 0.0,
        no_final_hyphen: false,
        ..Params::default()
    };
    assert_eq!(
        indices(&assert_optimal(&items, &width, &free)),
        vec![11, 15]
    );
    let costly = assert_optimal(&items, &width, &Params::default());
    assert_eq!(indices(&costly), vec![15]);
    assert_eq!(costly[0].ratio, -0.8);
    // A hyphen earlier in the paragraph costs nothing extra.
    let cheap = Params {
        final_hyphen_demerits: 1045.0,
        no_final_hyphen: false,
        ..Params::default()
    };
    assert_eq!(
        indices(&assert_optimal(&items, &width, &cheap)),
        vec![11, 15]
    );
}

#[test]
fn no_more_than_two_hyphenated_lines_in_a_row() {
    // Width 100. Each segment "30 _ 20 _ 30- 30" sets a line "30 _ 20 _ 30-" exactly
    // (30 + 8 + 20 + 8 + 30 + 4), so with hyphens free every line ends in one; breaking at a
    // space instead needs stretch.
    let space = glue(8.0, 30.0, 3.0);
    let mut items = vec![word(30.0)];
    for _ in 0..5 {
        items.extend([
            space,
            word(20.0),
            space,
            word(30.0),
            hyphen(0.0),
            word(30.0),
        ]);
    }
    end(&mut items);
    let width = fixed(100.0);
    let free = Params {
        flagged_demerits: 0.0,
        final_hyphen_demerits: 0.0,
        no_final_hyphen: false,
        max_hyphen_run: 0,
        ..Params::default()
    };
    let unlimited = assert_optimal(&items, &width, &free);
    assert_eq!(longest_hyphen_run(&items, &unlimited), 5);
    assert_eq!(indices(&unlimited), vec![5, 11, 17, 23, 29, 33]);
    let limited = Params {
        max_hyphen_run: 2,
        ..free
    };
    let breaks = assert_optimal(&items, &width, &limited);
    assert_eq!(longest_hyphen_run(&items, &breaks), 2);
    assert!(breaks.iter().all(|b| b.ratio <= limited.tolerance));
    // Without a limit but at TeX's double-hyphen cost, runs stay short too.
    let costly = assert_optimal(&items, &width, &Params::default());
    assert!(longest_hyphen_run(&items, &costly) <= 2, "{costly:?}");
}

#[test]
fn the_second_tolerance_is_tried_before_the_last_pass() {
    // Width 100, spaces 10 that stretch 10. Line 1 can be "30 _ 20 _ 5" (75, r = 25 / 20 =
    // 1.25: beyond a first tolerance of 1.2, within a second of 2), ending at a penalty of
    // 9000: (10 + 195.3)² + 9000² ≈ 8.104e7; or "30 _ 20" (50, r = 40 / 10 = 4: beyond both),
    // (10 + 6400)² ≈ 4.109e7, cheaper in the never-failing last pass.
    let items = vec![
        word(30.0),
        glue(10.0, 10.0, 0.0),
        word(20.0),
        glue(10.0, 10.0, 0.0),
        word(5.0),
        penalty(9000.0),
        word(50.0),
    ];
    let strict = Params {
        tolerance: 1.2,
        second_tolerance: 2.0,
        ..Params::default()
    };
    let breaks = linebreak(&items, &fixed(W), &strict);
    assert_eq!(indices(&breaks), vec![5, 7]);
    // Without a second pass, the last pass takes the very loose line.
    let no_second = Params {
        second_tolerance: 1.2,
        ..strict
    };
    let breaks = linebreak(&items, &fixed(W), &no_second);
    assert_eq!(indices(&breaks), vec![3, 7]);
}

#[test]
fn a_looser_line_from_the_second_pass_beats_a_final_fragment() {
    // Width 100, spaces 10 that stretch 10. "40 _ 30 _ 6-" is exactly 100 and leaves "10"
    // alone; "40 _ 30" needs r = 20 / 10 = 2, beyond the first tolerance (1.2), within the
    // second; with the hyphen, "40 _ 30 _ 16" is 106 and cannot shrink.
    let items = {
        let mut items = vec![
            word(40.0),
            glue(10.0, 10.0, 0.0),
            word(30.0),
            glue(10.0, 10.0, 0.0),
            word(6.0),
            hyphen(50.0),
            word(10.0),
        ];
        end(&mut items);
        items
    };
    let p = Params {
        tolerance: 1.2,
        second_tolerance: 2.0,
        ..Params::default()
    };
    let breaks = linebreak(&items, &fixed(W), &p);
    assert_eq!(indices(&breaks), vec![3, 9]);
    assert_eq!(breaks[0].ratio, 2.0);
    // Demerits alone do not prevent it: the first pass has no other setting.
    let allowed = Params {
        no_final_hyphen: false,
        ..p
    };
    assert_eq!(indices(&linebreak(&items, &fixed(W), &allowed)), vec![5, 9]);
}

#[test]
fn the_last_pass_weighs_a_final_fragment_by_its_demerits() {
    // Width 100, spaces 10 that stretch 2. "40 _ 30 _ 6-" is exactly 100 and leaves "10"
    // alone; "40 _ 30" needs r = 20 / 2 = 10, beyond every tolerance: only the last pass can
    // take it, and the fragment (2600 + 100000 + 100) is far cheaper than that line (10¹⁰).
    let mut items = vec![
        word(40.0),
        glue(10.0, 2.0, 0.0),
        word(30.0),
        glue(10.0, 2.0, 0.0),
        word(6.0),
        hyphen(50.0),
        word(10.0),
    ];
    end(&mut items);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![5, 9]);
    // With a stretch of 10 that line is r = 2, within the second tolerance: no fragment.
    items[1] = glue(10.0, 10.0, 0.0);
    items[3] = glue(10.0, 10.0, 0.0);
    let p = Params {
        tolerance: 1.2,
        ..Params::default()
    };
    assert_eq!(indices(&linebreak(&items, &fixed(W), &p)), vec![3, 9]);
}

#[test]
fn the_last_pass_keeps_the_hyphen_limit_unless_a_line_would_overflow() {
    // Width 100. "96-" lines fit exactly, and so does "40 _ 46-", a third hyphen in a row.
    // Without it, line 3 is "40" alone (nothing to stretch), far beyond every tolerance, but
    // the run stays at two and nothing runs past the margin.
    let space = glue(10.0, 1.0, 0.0);
    let mut items = Vec::new();
    for _ in 0..2 {
        items.extend([word(96.0), hyphen(0.0)]);
    }
    items.extend([
        word(40.0),
        space,
        word(46.0),
        hyphen(0.0),
        word(40.0),
        space,
        word(40.0),
    ]);
    end(&mut items);
    let breaks = linebreak(&items, &fixed(W), &Params::default());
    assert!(breaks.iter().all(|b| !b.overfull), "{breaks:?}");
    assert_eq!(longest_hyphen_run(&items, &breaks), 2, "{breaks:?}");
    let unlimited = Params {
        max_hyphen_run: 0,
        ..Params::default()
    };
    let breaks = linebreak(&items, &fixed(W), &unlimited);
    assert_eq!(longest_hyphen_run(&items, &breaks), 3, "{breaks:?}");
    // Where every break is a hyphen, the limit gives way rather than overflow the margin.
    let mut rigid = Vec::new();
    for _ in 0..3 {
        rigid.extend([word(96.0), hyphen(0.0)]);
    }
    rigid.push(word(96.0));
    end(&mut rigid);
    let breaks = linebreak(&rigid, &fixed(W), &Params::default());
    assert_eq!(indices(&breaks), vec![1, 3, 5, 9]);
    assert!(breaks.iter().all(|b| !b.overfull));
}

// --- Overlong runs of last-resort breaks (a word too long for the line) ---

/// The penalty of a last-resort break in these tests.
const LAST_RESORT: f64 = 5000.0;

/// Boxes of the given widths with a last-resort break between every two.
fn characters(widths: impl IntoIterator<Item = f64>, items: &mut Vec<Item>) {
    for (i, w) in widths.into_iter().enumerate() {
        if i > 0 {
            items.push(penalty(LAST_RESORT));
        }
        items.push(word(w));
    }
}

fn bounded(emergency: f64) -> Params {
    Params {
        emergency_stretch: Abs::pt(emergency),
        last_resort_penalty: Some(LAST_RESORT),
        ..Params::default()
    }
}

/// How many boxes each line holds.
fn boxes_per_line(items: &[Item], breaks: &[Break]) -> Vec<usize> {
    let mut from = 0;
    breaks
        .iter()
        .map(|b| {
            let end = b.index.min(items.len());
            let n = items[from..end]
                .iter()
                .filter(|i| matches!(i, Item::Box { .. }))
                .count();
            from = end;
            n
        })
        .collect()
}

#[test]
fn a_ten_thousand_character_word_is_set_in_full_lines() {
    // 7 pt characters on a 100 pt line: 14 to a line (98 pt), 714 full lines and 4 left.
    let mut items = Vec::new();
    characters(std::iter::repeat_n(7.0, 10_000), &mut items);
    end(&mut items);
    // (Without emergency stretch every line that is not exactly full is as bad as any other,
    // and the search has no reason to fill them; the paragraph always gives some.)
    for emergency in [2.0, 10.0] {
        let params = bounded(emergency);
        let breaks = linebreak(&items, &fixed(W), &params);
        let mut expected = vec![14; 714];
        expected.push(4);
        assert_eq!(boxes_per_line(&items, &breaks), expected);
        assert!(breaks.iter().all(|b| !b.overfull && b.ratio == 0.0));
        // Every line ends at the penalty after its last character: item 2k + 1 after box k.
        let ends: Vec<usize> = (1..=714).map(|line| 2 * (14 * line - 1) + 1).collect();
        assert_eq!(indices(&breaks[..714]), ends);
        assert_eq!(breaks[714].index, items.len() - 1);
        // The same lines as the search over every break point.
        assert_eq!(breaks, total_fit(&items, &fixed(W), &params));
    }
}

#[test]
fn an_overlong_word_after_words_starts_and_ends_where_the_full_search_puts_it() {
    // Three words of 20 pt, then 1,000 characters of 9 pt and a last word, on a 100 pt line.
    // The word starting on a new line spans 91 lines (10 characters, then 90 lines of 11,
    // 99 pt, ending flush), one fewer than continuing the first line would: one fewer
    // character break, worth a loose first line.
    let mut items = paragraph(&[20.0, 20.0, 20.0], glue(5.0, 3.0, 2.0));
    items.truncate(items.len() - 3);
    items.push(glue(5.0, 3.0, 2.0));
    characters(std::iter::repeat_n(9.0, 1000), &mut items);
    items.push(glue(5.0, 3.0, 2.0));
    items.push(word(20.0));
    end(&mut items);
    let params = bounded(10.0);
    let breaks = linebreak(&items, &fixed(W), &params);
    let mut expected = vec![3, 10];
    expected.extend([11; 90]);
    expected.push(1);
    assert_eq!(boxes_per_line(&items, &breaks), expected);
    assert_eq!(breaks[0].index, 5);
    assert_eq!(breaks[0].ratio, 5.0);
    assert_eq!(breaks, total_fit(&items, &fixed(W), &params));
}

#[test]
fn the_lines_around_an_overlong_word_in_ragged_text_are_the_full_searchs() {
    // Ragged right, as the paragraph builds it: the margin's stretch comes with each break.
    let rag = 30.0;
    let space = |items: &mut Vec<Item>| {
        items.extend([
            penalty(INFINITY_PENALTY),
            glue(0.0, rag, 0.0),
            penalty(0.0),
            glue(6.0, -rag, 0.0),
        ]);
    };
    // Deterministic word widths from 10 to 49 pt.
    let mut seed = 7_u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        10.0 + ((seed >> 33) % 40) as f64
    };
    // 6.5 pt characters on a 300 pt line: 46 to a full line.
    for length in [50, 200, 3000] {
        let mut items = Vec::new();
        for i in 0..40 {
            if i > 0 {
                space(&mut items);
            }
            items.push(word(next()));
        }
        space(&mut items);
        let start = items.len();
        characters(std::iter::repeat_n(6.5, length), &mut items);
        let end_of_word = items.len();
        for _ in 0..40 {
            space(&mut items);
            items.push(word(next()));
        }
        end(&mut items);
        let params = bounded(20.0);
        let breaks = linebreak(&items, &fixed(300.0), &params);
        let full = total_fit(&items, &fixed(300.0), &params);
        let outside = |b: &[Break]| -> Vec<Break> {
            b.iter()
                .copied()
                .filter(|b| b.index < start || b.index > end_of_word)
                .collect()
        };
        let ends = |b: &[Break]| -> Vec<usize> { b.iter().map(|b| b.index).collect() };
        assert_eq!(ends(&outside(&breaks)), ends(&outside(&full)), "{length}");
        if length < 1000 {
            // Up to twelve lines: searched whole.
            assert_eq!(breaks, full, "{length}");
        } else {
            // The search shifts a character or two between the word's first lines to fill
            // the last; cut to a few lines at each end it shifts them within those. Every
            // line of the word holds 45 or 46 characters but its first and last.
            let per_line = boxes_per_line(&items, &breaks);
            let word_lines: Vec<usize> = breaks
                .iter()
                .zip(&per_line)
                .filter(|(b, _)| b.index > start && b.index < end_of_word)
                .map(|(_, &n)| n)
                .collect();
            assert_eq!(word_lines.len(), 65);
            assert!(
                word_lines[1..].iter().all(|&n| n == 45 || n == 46),
                "{word_lines:?}"
            );
            assert_eq!(per_line.iter().sum::<usize>(), 80 + length);
        }
    }
}

#[test]
fn an_overlong_run_is_found_only_among_last_resort_breaks_between_boxes() {
    let mut items = Vec::new();
    characters(std::iter::repeat_n(10.0, 100), &mut items); // 980 pt between its breaks
    assert_eq!(overlong_run(&items, 0, LAST_RESORT, 80.0).len(), 99);
    assert!(overlong_run(&items, 0, LAST_RESORT, 82.0).is_empty());
    assert!(overlong_run(&items, 0, 800.0, 80.0).is_empty());
    // A glue in the middle ends a run: two runs of 480 pt are not overlong at 40 pt a line.
    items[99] = glue(0.0, 1.0, 0.0);
    assert!(overlong_run(&items, 0, LAST_RESORT, 40.0).is_empty());
    assert_eq!(overlong_run(&items, 0, LAST_RESORT, 39.0).len(), 49);
}
