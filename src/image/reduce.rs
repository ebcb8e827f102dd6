//! Averaging an image down, row by row: the rows of a decoder go in one at a time and the
//! smaller image comes out, so a large scan never has to be held whole.
//!
//! It takes 8-bit samples (gray or RGB, each with or without alpha) and gives the colour and
//! the opacity planes apart, as PDF stores them. It knows nothing about files or PDF.

/// Box-filter reduction of `from` × rows to `to` (each side no larger than the source's).
pub(super) struct Reducer {
    from: (u32, u32),
    to: (u32, u32),
    /// Colour samples per pixel in the output: 1 (gray) or 3 (RGB).
    colours: usize,
    alpha: bool,
    /// The output row being gathered, and the sums for it: colour (weighted by opacity when
    /// there is alpha, so that transparent pixels lend no colour to their neighbours), opacity,
    /// and how many source pixels fell into each output pixel.
    row: u32,
    sums: Vec<u64>,
    opacity: Vec<u64>,
    counts: Vec<u32>,
    /// Source column → output column.
    columns: Vec<u32>,
    colour_out: Vec<u8>,
    alpha_out: Vec<u8>,
    /// Whether any output pixel is less than opaque.
    translucent: bool,
}

impl Reducer {
    pub(super) fn new(from: (u32, u32), to: (u32, u32), colours: usize, alpha: bool) -> Reducer {
        let width = to.0 as usize;
        let columns = (0..from.0)
            .map(|x| (u64::from(x) * u64::from(to.0) / u64::from(from.0)) as u32)
            .collect();
        Reducer {
            from,
            to,
            colours,
            alpha,
            row: 0,
            sums: vec![0; width * colours],
            opacity: vec![0; if alpha { width } else { 0 }],
            counts: vec![0; width],
            columns,
            colour_out: Vec::with_capacity(width * to.1 as usize * colours),
            alpha_out: Vec::new(),
            translucent: false,
        }
    }

    /// Adds source row `y` (rows in order): `from.0` pixels of `colours` samples, then the
    /// opacity sample when there is alpha.
    pub(super) fn push(&mut self, y: u32, samples: &[u8]) {
        let target = (u64::from(y) * u64::from(self.to.1) / u64::from(self.from.1)) as u32;
        while self.row < target {
            self.flush();
        }
        let step = self.colours + usize::from(self.alpha);
        for (pixel, &column) in samples.chunks_exact(step).zip(&self.columns) {
            let c = column as usize;
            self.counts[c] += 1;
            let sums = &mut self.sums[c * self.colours..(c + 1) * self.colours];
            if self.alpha {
                let a = u64::from(pixel[self.colours]);
                self.opacity[c] += a;
                for (sum, &v) in sums.iter_mut().zip(pixel) {
                    *sum += u64::from(v) * a;
                }
            } else {
                for (sum, &v) in sums.iter_mut().zip(pixel) {
                    *sum += u64::from(v);
                }
            }
        }
    }

    /// Writes the gathered output row and starts the next.
    fn flush(&mut self) {
        for c in 0..self.to.0 as usize {
            let n = u64::from(self.counts[c].max(1));
            let weight = if self.alpha { self.opacity[c] } else { n };
            for k in 0..self.colours {
                let sum = self.sums[c * self.colours + k];
                // A pixel that is wholly transparent shows nothing; white is as good as any.
                let v = (sum + weight / 2).checked_div(weight).unwrap_or(255);
                self.colour_out.push(v.min(255) as u8);
            }
            if self.alpha {
                let a = ((self.opacity[c] + n / 2) / n).min(255) as u8;
                self.translucent |= a < 255;
                self.alpha_out.push(a);
            }
        }
        self.sums.fill(0);
        self.opacity.fill(0);
        self.counts.fill(0);
        self.row += 1;
    }

    /// The colour plane and, when some pixel is less than opaque, the opacity plane.
    pub(super) fn finish(mut self) -> (Vec<u8>, Option<Vec<u8>>) {
        while self.row < self.to.1 {
            self.flush();
        }
        let alpha = self.translucent.then_some(self.alpha_out);
        (self.colour_out, alpha)
    }
}

/// The size an image of `size` pixels is reduced to so that it fits `bound` pixels, keeping its
/// shape; `None` when it is kept as it is. Only images with over half as many pixels again as
/// the bound (per side) are reduced: averaging by a factor near 1 blurs for little gain.
pub(super) fn target(size: (u32, u32), bound: (u32, u32)) -> Option<(u32, u32)> {
    let scale =
        (f64::from(bound.0) / f64::from(size.0)).min(f64::from(bound.1) / f64::from(size.1));
    if scale >= 1.0 / 1.5 {
        return None;
    }
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, v);
    Some((side(size.0), side(size.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halving_averages_and_keeps_transparent_colour_out() {
        // 4 × 2 gray + alpha: left pair opaque black and white, right pair transparent red-ish.
        let mut r = Reducer::new((4, 2), (2, 1), 1, true);
        r.push(0, &[0, 255, 255, 255, 9, 0, 9, 0]);
        r.push(1, &[0, 255, 255, 255, 9, 0, 9, 0]);
        let (colour, alpha) = r.finish();
        assert_eq!(colour, vec![128, 255]);
        assert_eq!(alpha, Some(vec![255, 0]));
    }

    #[test]
    fn opaque_images_have_no_alpha_plane() {
        let mut r = Reducer::new((2, 2), (1, 1), 3, true);
        r.push(0, &[10, 20, 30, 255, 30, 40, 50, 255]);
        r.push(1, &[10, 20, 30, 255, 30, 40, 50, 255]);
        assert_eq!(r.finish(), (vec![20, 30, 40], None));
    }

    #[test]
    fn targets_fit_the_bound_and_small_excess_is_kept() {
        assert_eq!(target((9400, 9400), (600, 300)), Some((300, 300)));
        assert_eq!(target((1000, 100), (1200, 120)), None);
        assert_eq!(target((700, 100), (600, 100)), None);
        assert_eq!(target((10_000, 10), (100, 100)), Some((100, 1)));
    }
}
