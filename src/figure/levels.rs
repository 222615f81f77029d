//! How loss values map to colour and where contour lines and legend ticks go.
//!
//! Loss surfaces span huge dynamic ranges (Rosenbrock goes from 0 to thousands inside its
//! view box), so a linear scale would paint everything interesting in one colour. The scale
//! is logarithmic in `f − min + offset`: the shift makes it work for losses that go negative
//! (wells, saddles, six-hump camel), and the small positive `offset` keeps the logarithm
//! finite at the minimum itself while still resolving several decades above it.

use super::grid::Grid;

/// Offset as a fraction of the value range: about three decades of log scale between the
/// minimum and the maximum, enough to show the valley floor of Rosenbrock and Beale.
const OFFSET_FRACTION: f64 = 1e-3;

/// Relative floor of the offset, so a constant (or nearly constant) surface has a usable,
/// non-zero offset at any magnitude.
const OFFSET_RELATIVE_FLOOR: f64 = 1e-12;

/// Bounds are clamped to ± this so `max − min` can never overflow to infinity.
const BOUND_LIMIT: f64 = f64::MAX / 4.0;

/// `levels` never returns more than this many values: contouring cost grows with the count,
/// and beyond a few thousand lines the picture is solid ink anyway.
pub const MAX_LEVELS: usize = 10_000;

/// `ticks` never considers more than this many candidates.
const MAX_TICKS: usize = 1_000;

/// A logarithmic colour scale over `[min, max]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColorScale {
    pub min: f64,
    pub max: f64,
    /// Added to `f − min` before taking the logarithm; always positive when built by `new`.
    pub offset: f64,
}

impl ColorScale {
    /// A scale over `[min, max]`. The bounds are swapped if reversed; non-finite bounds
    /// fall back to `[0, 1]`, because there is no sensible picture of an unbounded range.
    pub fn new(min: f64, max: f64) -> ColorScale {
        let (min, max) = if min.is_finite() && max.is_finite() {
            (
                min.min(max).clamp(-BOUND_LIMIT, BOUND_LIMIT),
                max.max(min).clamp(-BOUND_LIMIT, BOUND_LIMIT),
            )
        } else {
            (0.0, 1.0)
        };
        let span = max - min;
        let magnitude = min.abs().max(max.abs());
        let offset = (OFFSET_FRACTION * span)
            .max(OFFSET_RELATIVE_FLOOR * magnitude)
            .max(f64::MIN_POSITIVE);
        ColorScale { min, max, offset }
    }

    /// The scale over the finite values of `grid`, or `[0, 1]` if it has none.
    pub fn from_grid(grid: &Grid) -> ColorScale {
        let (min, max) = grid.finite_range().unwrap_or((0.0, 1.0));
        ColorScale::new(min, max)
    }

    /// `ln` of the shifted value at `min` and at `max`. Computed on demand rather than
    /// stored so the struct stays a plain value anyone can build.
    fn log_bounds(&self) -> (f64, f64) {
        let lo = self.offset.ln();
        let hi = (self.max - self.min + self.offset).ln();
        (lo, hi)
    }

    /// Position of `f` on the scale, in `[0, 1]`: 0 at or below `min`, 1 at or above `max`.
    /// NaN stays NaN so the caller can pick a "no data" colour. A scale whose range is
    /// empty maps everything at or below `min` to 0.
    pub fn t(&self, f: f64) -> f64 {
        if f.is_nan() {
            return f64::NAN;
        }
        if f <= self.min {
            return 0.0;
        }
        if f >= self.max {
            return 1.0;
        }
        let (lo, hi) = self.log_bounds();
        let t = ((f - self.min + self.offset).ln() - lo) / (hi - lo);
        // A hand-built scale (offset ≤ 0, NaN fields) can produce NaN here; treat it as "no
        // position" rather than inventing one.
        if t.is_nan() { t } else { t.clamp(0.0, 1.0) }
    }

    /// The value at position `t` (clamped to `[0, 1]`), the inverse of [`ColorScale::t`].
    pub fn value_at(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        let t = t.clamp(0.0, 1.0);
        // exp(ln(offset)) − offset is not exactly 0 in floating point; the ends are exact.
        if t == 0.0 {
            return self.min;
        }
        if t == 1.0 {
            return self.max;
        }
        let (lo, hi) = self.log_bounds();
        let v = self.min + ((lo + t * (hi - lo)).exp() - self.offset);
        // Rounding in exp/ln can step a hair outside the range at the ends.
        if v.is_nan() || self.min > self.max {
            v
        } else {
            v.clamp(self.min, self.max)
        }
    }

    /// `count` contour levels equally spaced on the scale, strictly between `min` and `max`,
    /// strictly increasing (so denser near the minimum, where the interesting structure is).
    ///
    /// Returns fewer when the range is too narrow to hold `count` distinct values (none for
    /// a constant surface), and at most [`MAX_LEVELS`].
    pub fn levels(&self, count: usize) -> Vec<f64> {
        let count = count.min(MAX_LEVELS);
        let mut out: Vec<f64> = Vec::with_capacity(count);
        let denom = count as f64 + 1.0;
        for k in 1..=count {
            let v = self.value_at(k as f64 / denom);
            let increasing = out.last().is_none_or(|&last| v > last);
            if v > self.min && v < self.max && increasing {
                out.push(v);
            }
        }
        out
    }

    /// Round legend values inside `[min, max]`, increasing, at most `max_ticks`, spread
    /// evenly along the (logarithmic) scale. At least two when `min < max` and
    /// `max_ticks ≥ 2`.
    ///
    /// Each tick is the value at an evenly spaced position, rounded to a 1-2-5 × 10ᵏ step
    /// no larger than the local distance between ticks: round where the scale is coarse,
    /// finer near the minimum where a decade takes up a lot of the legend.
    pub fn ticks(&self, max_ticks: usize) -> Vec<f64> {
        let n = max_ticks.min(MAX_TICKS);
        // Also catches NaN bounds of a hand-built scale.
        let ordered = self.min.partial_cmp(&self.max).is_some_and(|o| o.is_le());
        if n == 0 || !ordered {
            return Vec::new();
        }
        if n == 1 || self.min == self.max {
            return vec![self.min];
        }
        let half_gap = 0.5 / (n - 1) as f64;
        let mut ticks: Vec<f64> = (0..n)
            .filter_map(|k| {
                let t = k as f64 / (n - 1) as f64;
                let v = self.value_at(t);
                let gap = self.value_at(t + half_gap) - self.value_at(t - half_gap);
                let rounded = round_to_nice(v, gap, self.min, self.max)?;
                (rounded >= self.min && rounded <= self.max).then_some(rounded)
            })
            .collect();
        ticks.sort_by(f64::total_cmp);
        ticks.dedup();
        if ticks.len() < 2 {
            return vec![self.min, self.max];
        }
        ticks
    }
}

/// The largest 1, 2 or 5 × 10ᵏ not above `x` (positive and finite), as (1, 2 or 5, k).
pub(crate) fn one_two_five(x: f64) -> (f64, f64) {
    let exp = x.log10().floor();
    let mantissa = x / 10f64.powf(exp);
    let lead = if mantissa >= 5.0 {
        5.0
    } else if mantissa >= 2.0 {
        2.0
    } else {
        1.0
    };
    (lead, exp)
}

/// `v` rounded to a multiple of the largest 1-2-5 × 10ᵏ step not above `gap`, moved inward
/// by one step if rounding pushed it outside `[min, max]`. The result is built as
/// `integer / 10ᵏ` (or `integer × 10ᵏ`), which is the double nearest the decimal, so it
/// prints as a short number.
fn round_to_nice(v: f64, gap: f64, min: f64, max: f64) -> Option<f64> {
    if gap.is_nan() || gap <= 0.0 || !gap.is_finite() || !v.is_finite() {
        return None;
    }
    let (nice, exp) = one_two_five(gap);
    // Beyond this, powers of ten leave the normal range and the decimal construction below
    // would be wrong; the caller falls back to the bounds themselves.
    if !(-290.0..=290.0).contains(&exp) {
        return None;
    }
    let decade = 10f64.powf(exp);
    let exp = exp as i32;
    // Representing v / step as an integer count must stay exact.
    let step = nice * decade;
    let mut k = (v / step).round();
    if !k.is_finite() || k.abs() > 1e15 {
        return None;
    }
    let from_k = |k: f64| {
        if exp >= 0 {
            k * nice * 10f64.powi(exp)
        } else {
            (k * nice) / 10f64.powi(-exp)
        }
    };
    let mut r = from_k(k);
    if r < min {
        k += 1.0;
        r = from_k(k);
    } else if r > max {
        k -= 1.0;
        r = from_k(k);
    }
    r.is_finite().then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Surface, SurfaceKind};

    fn scales() -> Vec<ColorScale> {
        let mut out: Vec<ColorScale> = SurfaceKind::ALL
            .into_iter()
            .map(|k| {
                let s = Surface::new(k);
                ColorScale::from_grid(&Grid::evaluate(&s, s.view_box(), 64, 64))
            })
            .collect();
        out.extend([
            ColorScale::new(0.0, 1.0),
            ColorScale::new(-5.0, -4.999),
            ColorScale::new(1e6, 1e12),
            ColorScale::new(-1e300, 1e300),
            ColorScale::new(3.0, 3.0 + 1e-14),
        ]);
        out
    }

    #[test]
    fn offset_is_positive_and_bounds_are_ordered() {
        for s in scales() {
            assert!(s.offset > 0.0 && s.offset.is_finite(), "{s:?}");
            assert!(s.min <= s.max);
            assert!((s.max - s.min).is_finite());
        }
        let swapped = ColorScale::new(5.0, -1.0);
        assert_eq!((swapped.min, swapped.max), (-1.0, 5.0));
        assert_eq!(ColorScale::new(f64::NAN, 2.0), ColorScale::new(0.0, 1.0));
        assert_eq!(
            ColorScale::new(0.0, f64::INFINITY),
            ColorScale::new(0.0, 1.0)
        );
    }

    #[test]
    fn t_and_value_at_are_inverse() {
        for s in scales() {
            for k in 0..=50 {
                let t = k as f64 / 50.0;
                let back = s.t(s.value_at(t));
                // A range narrower than the f64 spacing at its magnitude cannot resolve t.
                let resolvable = s.max - s.min > 1e-9 * s.min.abs().max(s.max.abs());
                if resolvable {
                    assert!((back - t).abs() < 1e-6, "{s:?} t={t} back={back}");
                }
                assert!((0.0..=1.0).contains(&back));
            }
            assert_eq!(s.t(s.min), 0.0);
            assert_eq!(s.t(s.max), 1.0);
            assert_eq!(s.t(s.min - 1.0), 0.0);
            assert_eq!(s.t(f64::INFINITY), 1.0);
            assert_eq!(s.t(f64::NEG_INFINITY), 0.0);
            assert!(s.t(f64::NAN).is_nan());
            assert!(s.value_at(f64::NAN).is_nan());
            assert_eq!(s.value_at(-3.0), s.min);
        }
    }

    #[test]
    fn t_is_logarithmic() {
        // With min 0 the shifted value is f + offset; well above the offset, each decade of f
        // takes the same share of the scale.
        let s = ColorScale::new(0.0, 1e9);
        let d1 = s.t(1e8) - s.t(1e7);
        let d2 = s.t(1e9) - s.t(1e8);
        assert!((d1 - d2).abs() < 0.02, "{d1} {d2}");
        // The lowest 1% of the range gets about a third of the colours.
        assert!(s.t(1e7) > 0.3, "{}", s.t(1e7));
    }

    #[test]
    fn levels_are_strictly_increasing_and_inside() {
        for s in scales() {
            for count in [0, 1, 2, 30, 200] {
                let lv = s.levels(count);
                assert!(lv.len() <= count);
                assert!(lv.windows(2).all(|w| w[0] < w[1]), "{s:?}");
                assert!(lv.iter().all(|&v| v > s.min && v < s.max));
                if s.max - s.min > 1e-6 * s.max.abs().max(1.0) {
                    assert_eq!(lv.len(), count, "{s:?}");
                }
            }
        }
        assert!(ColorScale::new(2.0, 2.0).levels(30).is_empty());
        assert_eq!(
            ColorScale::new(0.0, 1.0).levels(usize::MAX).len(),
            MAX_LEVELS
        );
    }

    #[test]
    fn levels_are_equally_spaced_in_t() {
        let s = ColorScale::new(-1.03, 160.0);
        let lv = s.levels(9);
        for (k, &v) in lv.iter().enumerate() {
            assert!((s.t(v) - (k + 1) as f64 / 10.0).abs() < 1e-9);
        }
    }

    #[test]
    fn rosenbrock_levels_are_denser_near_the_minimum() {
        let s = Surface::new(SurfaceKind::Rosenbrock);
        let scale = ColorScale::from_grid(&Grid::evaluate(&s, s.view_box(), 128, 128));
        let lv = scale.levels(30);
        assert_eq!(lv.len(), 30);
        let low_gap = lv[1] - lv[0];
        let high_gap = lv[29] - lv[28];
        assert!(high_gap > 50.0 * low_gap, "{low_gap} {high_gap}");
        // Several levels lie in the valley (f < 10) even though the maximum is in the thousands.
        assert!(scale.max > 1000.0);
        assert!(lv.iter().filter(|&&v| v < 10.0).count() >= 5);
    }

    #[test]
    fn ticks_are_increasing_inside_and_bounded() {
        for s in scales() {
            for max_ticks in [0, 1, 2, 3, 5, 8, 20] {
                let ticks = s.ticks(max_ticks);
                assert!(ticks.len() <= max_ticks, "{s:?} {ticks:?}");
                assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{s:?} {ticks:?}");
                assert!(
                    ticks.iter().all(|&v| v >= s.min && v <= s.max),
                    "{s:?} {ticks:?}"
                );
                if max_ticks >= 2 && s.min < s.max {
                    assert!(ticks.len() >= 2, "{s:?} {max_ticks} {ticks:?}");
                }
            }
        }
        assert_eq!(ColorScale::new(4.0, 4.0).ticks(5), vec![4.0]);
        assert!(ColorScale::new(0.0, 1.0).ticks(usize::MAX).len() <= MAX_TICKS);
    }

    #[test]
    fn ticks_are_round_numbers() {
        let s = ColorScale::new(1e-6, 2509.0);
        let ticks = s.ticks(6);
        assert!(ticks.len() >= 4, "{ticks:?}");
        for v in &ticks {
            // One significant digit: 1, 2 or 5 times a power of ten, or a multiple of one.
            let text = format!("{v}");
            let digits = text
                .chars()
                .filter(|c| c.is_ascii_digit() && *c != '0')
                .count();
            assert!(digits <= 2, "{v} is not round ({ticks:?})");
        }
        // Spread over the log scale, not bunched at the top.
        assert!(s.t(ticks[1]) < 0.5);
    }
}
