//! Loss values to pixels: the viridis colour map, and the grid turned into an RGBA image.
//!
//! Viridis is perceptually uniform (equal steps in loss look like equal steps in colour) and
//! readable with the common colour-vision deficiencies and in greyscale print, so the picture
//! does not invent ridges or hide valleys. It is sampled once into a 256-entry table: an
//! 8-bit image cannot show more shades, and colouring a frame becomes one lookup per pixel.

use super::grid::Grid;
use super::levels::ColorScale;
use rayon::prelude::*;
use std::sync::LazyLock;

/// Pixels whose loss is NaN or infinite: a neutral grey darker than any viridis entry's
/// lightness, so "no data" is never mistaken for a low or a high loss.
pub const NO_DATA: [u8; 3] = [48, 48, 48];

/// Images at least this large are coloured on several threads.
const PARALLEL_MIN_POINTS: usize = 1 << 16;

const LUT_SIZE: usize = 256;

static VIRIDIS_LUT: LazyLock<[[u8; 3]; LUT_SIZE]> = LazyLock::new(|| {
    let mut lut = [[0; 3]; LUT_SIZE];
    for (k, entry) in lut.iter_mut().enumerate() {
        let c = colorous::VIRIDIS.eval_continuous(k as f64 / (LUT_SIZE - 1) as f64);
        *entry = [c.r, c.g, c.b];
    }
    lut
});

/// The viridis colour at `t ∈ [0, 1]` (clamped): dark purple at 0, yellow at 1.
/// NaN gives [`NO_DATA`].
pub fn viridis(t: f64) -> [u8; 3] {
    if t.is_nan() {
        return NO_DATA;
    }
    let index = (t.clamp(0.0, 1.0) * (LUT_SIZE - 1) as f64).round() as usize;
    VIRIDIS_LUT[index.min(LUT_SIZE - 1)]
}

/// The grid as an `nx × ny` RGBA8 image (unmultiplied, opaque), coloured by `scale`.
///
/// Output row 0 is the TOP of the picture (highest y), the opposite of [`Grid`] rows, so the
/// buffer can be uploaded as an image as is. Non-finite samples get [`NO_DATA`]. Returns
/// `4 · nx · ny` bytes; a grid whose `values` disagree with its dimensions gives an empty
/// buffer rather than a wrong-sized image.
///
/// Each pixel is `viridis(scale.t(f))` up to rounding: the logarithm is a fast polynomial
/// (error ~2e-5 of a shade, so at most a pixel almost exactly on a boundary between two of
/// the 256 shades lands in the neighbouring one) because libm's `ln` would dominate the frame
/// time.
pub fn colorize(grid: &Grid, scale: &ColorScale) -> Vec<u8> {
    colorize_as(grid, scale, |rgba| rgba).into_flattened()
}

/// As [`colorize`], with each pixel made by `pixel` from its (opaque) RGBA: an image of
/// whatever pixel type a consumer uploads (an egui colour), with no conversion pass and no
/// second buffer. `pixel` is applied to the 257 table entries only.
pub fn colorize_as<P: Copy + Default + Send + Sync>(
    grid: &Grid,
    scale: &ColorScale,
    pixel: impl Fn([u8; 4]) -> P,
) -> Vec<P> {
    let (nx, ny) = (grid.nx, grid.ny);
    let Some(len) = nx.checked_mul(ny) else {
        return Vec::new();
    };
    if len == 0 || !grid.is_consistent() {
        return Vec::new();
    }
    let shade = Shade::new(scale);
    let lut: Vec<P> = RGBA_LUT.iter().map(|&c| pixel(c)).collect();
    let lut = &lut[..];
    let mut out = vec![P::default(); len];
    let paint = |(r, out_row): (usize, &mut [P])| {
        let j = ny - 1 - r;
        let row = &grid.values[j * nx..(j + 1) * nx];
        // Three passes per block: narrowing to single precision (two lanes per register),
        // the index arithmetic (four lanes) and the table lookups (gathers, which would
        // stop the others vectorising if they were in the same loop).
        let mut ratios = [0f32; BLOCK];
        let mut idx = [0u32; BLOCK];
        for (values, pixels) in row.chunks(BLOCK).zip(out_row.chunks_mut(BLOCK)) {
            for (v, &f) in ratios.iter_mut().zip(values) {
                *v = shade.ratio(f);
            }
            for (k, &v) in idx.iter_mut().zip(&ratios) {
                *k = shade.index_of_ratio(v);
            }
            for (px, &k) in pixels.iter_mut().zip(&idx) {
                if let Some(&c) = lut.get(k as usize & INDEX_MASK) {
                    *px = c;
                }
            }
        }
    };
    if len >= PARALLEL_MIN_POINTS && rayon::current_num_threads() > 1 {
        out.par_chunks_mut(nx)
            .enumerate()
            .with_min_len(8)
            .for_each(paint);
    } else {
        out.chunks_mut(nx).enumerate().for_each(paint);
    }
    out
}

/// Pixels per block of the two-pass colouring loop.
const BLOCK: usize = 256;

/// Index of the no-data entry in [`RGBA_LUT`].
const NO_DATA_INDEX: u32 = LUT_SIZE as u32;

/// Table indices are masked with this, and the table has this many + 1 entries, so a lookup
/// can never be out of bounds whatever arithmetic produced the index.
const INDEX_MASK: usize = 511;

/// The table as opaque RGBA followed by [`NO_DATA`] entries, so that a non-finite sample is
/// just another index and the pixel loop has no special case.
static RGBA_LUT: LazyLock<[[u8; 4]; INDEX_MASK + 1]> = LazyLock::new(|| {
    let mut lut = [[NO_DATA[0], NO_DATA[1], NO_DATA[2], 255]; INDEX_MASK + 1];
    for (entry, &[r, g, b]) in lut.iter_mut().zip(VIRIDIS_LUT.iter()) {
        *entry = [r, g, b, 255];
    }
    lut
});

/// Adding 2²³ to a float in [0, 2²²) leaves its value rounded to an integer in the low
/// mantissa bits: a float-to-int conversion with no saturation fix-ups, so it vectorises.
const ROUND_MAGIC: f32 = 8_388_608.0;

/// `ColorScale::t` rescaled to a table index, with its logarithms taken once per image.
///
/// The logarithm is taken of `v = (f − min) / offset + 1`, which is `ColorScale::t`'s
/// argument divided by `offset`: `v` runs from 1 to about 1000 for any scale built by
/// `ColorScale::new`, so single precision (four lanes per SSE register instead of two)
/// loses nothing visible: 2.5e-6 of an octave is ~6e-5 of a shade.
struct Shade {
    min: f64,
    inv_offset: f64,
    lo: f32,
    /// Table steps per unit of `log2`; 0 for an empty range, which puts everything at index 0
    /// like `t` does.
    steps: f32,
}

impl Shade {
    fn new(scale: &ColorScale) -> Shade {
        let inv_offset = 1.0 / scale.offset;
        // The same fast logarithm at the ends as for pixels, so `min` and `max` land exactly
        // on the first and last shade.
        let lo = fast_log2(1.0);
        let hi = fast_log2(((scale.max - scale.min) * inv_offset + 1.0).max(1.0) as f32);
        let steps = (LUT_SIZE - 1) as f32 / (hi - lo);
        Shade {
            min: scale.min,
            inv_offset,
            lo,
            steps: if hi > lo && steps.is_finite() {
                steps
            } else {
                0.0
            },
        }
    }

    /// `v` of `f` in single precision, at least 1; −1 if `f` is not finite.
    #[inline(always)]
    fn ratio(&self, f: f64) -> f32 {
        // Below `min` clamps to the first shade; the `max` also keeps `fast_log2` off zero
        // and negatives. Beyond single precision's range `v` is infinite, which clamps to
        // the top shade.
        let v = ((f - self.min) * self.inv_offset + 1.0).max(1.0) as f32;
        if f.is_finite() { v } else { -1.0 }
    }

    /// Table index of a [`Shade::ratio`].
    #[inline(always)]
    fn index_of_ratio(&self, v: f32) -> u32 {
        // `max`/`min` also discard a NaN from a hand-built scale.
        let s = ((fast_log2(v) - self.lo) * self.steps)
            .max(0.0)
            .min((LUT_SIZE - 1) as f32);
        let k = (s + ROUND_MAGIC).to_bits() & INDEX_MASK as u32;
        if v >= 0.0 { k } else { NO_DATA_INDEX }
    }
}

/// Coefficients of `log2(1 + x)` on `[0, 1)` by a degree-6 polynomial, lowest first
/// (Chebyshev interpolation: error below 2.5e-6 evaluated in single precision, increasing
/// on the whole interval, `p(1) < 1 + p(0)`).
const LOG2_POLY: [f32; 7] = [
    2.443_438_7e-6,
    1.442_453_5,
    -0.717_312_8,
    0.454_508_5,
    -0.272_697_56,
    0.117_613_08,
    -0.024_568_535,
];

/// Base-2 logarithm of a positive normal `v` to within 2.5e-6, several times faster than
/// libm and vectorisable: the binary exponent plus a polynomial in the mantissa, with no
/// division or branch. It is increasing within each octave and steps up into the next
/// (`p(1) < 1 + p(0)`), so the map from value to shade stays monotonic. Infinity gives
/// ≈ 128, which only ever clamps to the top shade.
#[inline(always)]
fn fast_log2(v: f32) -> f32 {
    const MANTISSA: u32 = (1 << 23) - 1;
    let bits = v.to_bits();
    let e = ((bits >> 23) & 0xff) as i32 - 127;
    let x = f32::from_bits((bits & MANTISSA) | (127 << 23)) - 1.0;
    let c = LOG2_POLY;
    let p = c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * (c[4] + x * (c[5] + x * c[6])))));
    e as f32 + p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Surface, SurfaceKind, ViewBox};

    fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
        a.iter()
            .zip(b)
            .all(|(&x, y)| (x as i32 - y as i32).abs() <= tol)
    }

    #[test]
    fn viridis_endpoints_and_middle() {
        assert!(close(viridis(0.0), [68, 1, 84], 2), "{:?}", viridis(0.0));
        assert!(close(viridis(1.0), [253, 231, 37], 2), "{:?}", viridis(1.0));
        // The middle of viridis is a teal green.
        assert!(close(viridis(0.5), [33, 145, 140], 4), "{:?}", viridis(0.5));
        assert_eq!(viridis(-5.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), NO_DATA);
    }

    #[test]
    fn viridis_gets_lighter_monotonically() {
        // Viridis' defining property: luminance increases along the map.
        let luma = |c: [u8; 3]| 0.2126 * c[0] as f64 + 0.7152 * c[1] as f64 + 0.0722 * c[2] as f64;
        let mut last = -1.0;
        for k in 0..=64 {
            let l = luma(viridis(k as f64 / 64.0));
            assert!(l > last, "k={k}");
            last = l;
        }
    }

    #[test]
    fn colorize_flips_rows_so_the_top_is_high_y() {
        // f = y on a 3 × 4 grid: the bottom grid row is the smallest value.
        let view = ViewBox::square(1.0);
        let (nx, ny) = (3, 4);
        let values = (0..ny)
            .flat_map(|j| (0..nx).map(move |_| j as f64))
            .collect();
        let grid = Grid {
            nx,
            ny,
            view,
            values,
        };
        let scale = ColorScale::new(0.0, 3.0);
        let img = colorize(&grid, &scale);
        assert_eq!(img.len(), 4 * nx * ny);
        let pixel = |row: usize, col: usize| {
            let k = 4 * (row * nx + col);
            [img[k], img[k + 1], img[k + 2], img[k + 3]]
        };
        let top = viridis(1.0);
        let bottom = viridis(0.0);
        for col in 0..nx {
            assert_eq!(pixel(0, col), [top[0], top[1], top[2], 255]);
            assert_eq!(pixel(ny - 1, col), [bottom[0], bottom[1], bottom[2], 255]);
        }
        let mid = viridis(scale.t(2.0));
        assert_eq!(pixel(1, 0), [mid[0], mid[1], mid[2], 255]);
    }

    #[test]
    fn non_finite_values_are_grey_and_opaque() {
        let grid = Grid {
            nx: 2,
            ny: 2,
            view: ViewBox::square(1.0),
            values: vec![f64::NAN, 1.0, f64::INFINITY, f64::NEG_INFINITY],
        };
        let img = colorize(&grid, &ColorScale::from_grid(&grid));
        // Output row 0 is grid row 1: [inf, -inf]; output row 1 is grid row 0: [NaN, 1].
        let grey = [NO_DATA[0], NO_DATA[1], NO_DATA[2], 255];
        assert_eq!(img[0..4], grey);
        assert_eq!(img[4..8], grey);
        assert_eq!(img[8..12], grey);
        assert_ne!(img[12..16], grey);
        assert!(img.chunks(4).all(|px| px[3] == 255));
    }

    #[test]
    fn colorize_matches_viridis_of_t_on_a_real_surface() {
        let s = Surface::new(SurfaceKind::Rosenbrock);
        let grid = Grid::evaluate(&s, s.view_box(), 300, 260);
        let scale = ColorScale::from_grid(&grid);
        let img = colorize(&grid, &scale);
        assert_eq!(img.len(), 4 * 300 * 260);
        let mut exact = 0;
        for j in 0..260 {
            for i in 0..300 {
                let k = 4 * ((259 - j) * 300 + i);
                let t = scale.t(grid.get(i, j));
                let c = viridis(t);
                if img[k..k + 4] == [c[0], c[1], c[2], 255] {
                    exact += 1;
                } else {
                    // Only a value on the boundary between two shades may round the other way.
                    let step = 0.5 / 255.0;
                    let (a, b) = (viridis(t - step), viridis(t + step));
                    let got = [img[k], img[k + 1], img[k + 2]];
                    assert!(got == a || got == b, "{i} {j}: {got:?} vs {c:?}");
                    assert_eq!(img[k + 3], 255);
                }
            }
        }
        assert!(exact > 300 * 260 * 999 / 1000, "{exact}");
    }

    #[test]
    fn fast_log2_matches_log2() {
        let mut v = f32::MIN_POSITIVE;
        while v < 1e38 {
            for w in [v, v * 1.414, v * 1.4143, v * 1.9999, v * 3.7] {
                let exact = f64::from(w).log2();
                let err = (f64::from(fast_log2(w)) - exact).abs();
                // the polynomial's error plus single precision's rounding of the result
                assert!(err < 2.5e-6 + exact.abs() * 1.2e-7, "{w}: {}", fast_log2(w));
            }
            v *= 7.3;
        }
        // increasing within an octave and across its ends
        let mut last = fast_log2(1.0);
        for k in 1..=4096 {
            let v = fast_log2(1.0 + k as f32 / 2048.0);
            assert!(v > last, "{k}");
            last = v;
        }
        assert!(fast_log2(2.0) > fast_log2(2.0 - f32::EPSILON));
        assert!(fast_log2(f32::INFINITY) > 127.0);
    }

    #[test]
    fn extreme_and_degenerate_scales_stay_in_the_table() {
        let grid = Grid {
            nx: 4,
            ny: 1,
            view: ViewBox::square(1.0),
            values: vec![-f64::MAX, 0.0, 1.0, f64::MAX],
        };
        let scales = [
            ColorScale::new(0.0, 1.0),
            ColorScale::new(-f64::MAX, f64::MAX),
            ColorScale::new(0.5, 0.5),
            ColorScale {
                min: f64::NAN,
                max: 1.0,
                offset: -1.0,
            },
            ColorScale {
                min: 2.0,
                max: 1.0,
                offset: 0.0,
            },
        ];
        for scale in scales {
            let img = colorize(&grid, &scale);
            assert_eq!(img.len(), 16);
            assert!(img.chunks(4).all(|px| px[3] == 255));
        }
        // Below the minimum is the first shade, above the maximum the last.
        let img = colorize(&grid, &ColorScale::new(0.0, 1.0));
        let first = viridis(0.0);
        let last = viridis(1.0);
        assert_eq!(img[0..3], first);
        assert_eq!(img[4..7], first);
        assert_eq!(img[8..11], last);
        assert_eq!(img[12..15], last);
    }

    #[test]
    fn degenerate_grids_do_not_panic() {
        let view = ViewBox::square(1.0);
        let scale = ColorScale::new(0.0, 1.0);
        let empty = Grid {
            nx: 0,
            ny: 3,
            view,
            values: vec![],
        };
        assert!(colorize(&empty, &scale).is_empty());
        let lying = Grid {
            nx: 5,
            ny: 5,
            view,
            values: vec![1.0; 3],
        };
        assert!(colorize(&lying, &scale).is_empty());
        let flat = Grid::evaluate(
            &Surface::new(SurfaceKind::Plateau),
            ViewBox::square(0.0),
            1,
            1,
        );
        let img = colorize(&flat, &ColorScale::from_grid(&flat));
        assert_eq!(img.len(), 4);
    }
}
