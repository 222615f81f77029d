//! The surface sampled once per pixel: the single expensive step of drawing a figure.
//!
//! Colours, contour lines and the legend are all derived from this one array, so the
//! surface formula runs exactly once per pixel however many layers are painted. Samples sit at
//! pixel centres (not pixel corners) so that a grid of `nx × ny` samples maps one-to-one onto
//! an `nx × ny` image covering the view box, with no half-pixel shift at the edges.

use crate::engine::{Surface, ViewBox};
use rayon::prelude::*;

/// Grids at least this large are split over threads; below it the cost of waking the pool
/// is comparable to the work itself.
const PARALLEL_MIN_POINTS: usize = 1 << 16;

/// Points per rayon task at least (whole rows, at least 8): large enough that scheduling is
/// negligible next to the cheapest formulas (a 512² Rosenbrock grid is 16 tasks of ~5 µs).
const PARALLEL_MIN_TASK_POINTS: usize = 1 << 14;

/// The surface sampled at pixel centres of a view box.
///
/// Row-major with row `j` at height `y(j)`; `j = 0` is the BOTTOM row (lowest y), matching
/// the mathematical orientation rather than the image one (see `colormap::colorize`, which
/// flips).
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub nx: usize,
    pub ny: usize,
    pub view: ViewBox,
    /// `values[j * nx + i]` is the surface at `(x(i), y(j))`.
    pub values: Vec<f64>,
}

impl Grid {
    /// Samples `surface` at the `nx × ny` pixel centres of `view`.
    ///
    /// A zero dimension gives an empty grid; if `nx * ny` overflows `usize` the grid is empty
    /// too (`nx = ny = 0`), since no such allocation could succeed anyway.
    pub fn evaluate(surface: &Surface, view: ViewBox, nx: usize, ny: usize) -> Grid {
        let mut grid = Grid {
            nx: 0,
            ny: 0,
            view,
            values: Vec::new(),
        };
        grid.reevaluate(surface, view, nx, ny);
        grid
    }

    /// As [`Grid::evaluate`], into this grid's storage: what a view that is redrawn while
    /// the surface changes uses, so the samples' memory is allocated (and its pages faulted
    /// in) once instead of every frame.
    pub fn reevaluate(&mut self, surface: &Surface, view: ViewBox, nx: usize, ny: usize) {
        self.view = view;
        let Some(len) = nx.checked_mul(ny) else {
            self.nx = 0;
            self.ny = 0;
            self.values.clear();
            return;
        };
        self.nx = nx;
        self.ny = ny;
        // every value is overwritten below, so only new length needs filling
        self.values.resize(len, 0.0);
        if len == 0 {
            return;
        }
        // Converting the loop index to f64 inside the hot loop costs about 3× (it blocks
        // vectorisation), so the abscissae are computed once and shared by every row.
        let xs: Vec<f64> = (0..nx).map(|i| self.x(i)).collect();
        let ys: Vec<f64> = (0..ny).map(|j| self.y(j)).collect();
        // the surface's own fast paths: its kind matched outside the row loop, and the
        // column parts of a separable surface computed once
        let plan = surface.row_plan(&xs);
        let fill = |(row, &y): (&mut [f64], &f64)| surface.fill_row(&plan, row, &xs, y);
        if len >= PARALLEL_MIN_POINTS && rayon::current_num_threads() > 1 {
            // Each value depends only on its own (x, y), so the split cannot change any bit.
            self.values
                .par_chunks_mut(nx)
                .zip(ys.par_iter())
                .with_min_len((PARALLEL_MIN_TASK_POINTS / nx).max(8))
                .for_each(fill);
        } else {
            self.values.chunks_mut(nx).zip(ys.iter()).for_each(fill);
        }
    }

    /// Width of one pixel in parameter units.
    fn dx(&self) -> f64 {
        self.view.width() / self.nx as f64
    }

    fn dy(&self) -> f64 {
        self.view.height() / self.ny as f64
    }

    /// The abscissa of column `i`'s pixel centre (defined for any `i`, even outside the grid).
    pub fn x(&self, i: usize) -> f64 {
        self.view.x[0] + (i as f64 + 0.5) * self.dx()
    }

    /// The ordinate of row `j`'s pixel centre (defined for any `j`, even outside the grid).
    pub fn y(&self, j: usize) -> f64 {
        self.view.y[0] + (j as f64 + 0.5) * self.dy()
    }

    /// The sample at column `i`, row `j`; NaN outside the grid, so callers probing
    /// neighbours at the border need no special case.
    pub fn get(&self, i: usize, j: usize) -> f64 {
        if i >= self.nx || j >= self.ny {
            return f64::NAN;
        }
        j.checked_mul(self.nx)
            .and_then(|row| self.values.get(row + i))
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// Whether `values` holds exactly `nx * ny` samples. The fields are public, so code that
    /// indexes rows directly checks this first instead of trusting them.
    pub fn is_consistent(&self) -> bool {
        self.nx.checked_mul(self.ny) == Some(self.values.len())
    }

    /// The smallest and largest finite samples, or `None` if there are none.
    pub fn finite_range(&self) -> Option<(f64, f64)> {
        let (lo, hi) =
            if self.values.len() >= PARALLEL_MIN_POINTS && rayon::current_num_threads() > 1 {
                self.values.par_chunks(1 << 14).map(finite_min_max).reduce(
                    || (f64::INFINITY, f64::NEG_INFINITY),
                    |a, b| (a.0.min(b.0), a.1.max(b.1)),
                )
            } else {
                finite_min_max(&self.values)
            };
        (lo <= hi).then_some((lo, hi))
    }
}

/// Lanes of [`finite_min_max`]: independent running extremes the compiler keeps in vector
/// registers.
const LANES: usize = 8;

/// The smallest and largest finite values, `(∞, −∞)` if there are none. Branch-free so it
/// vectorises: `|v| < ∞` holds exactly for finite `v`, and comparisons with
/// NaN are false.
fn finite_min_max(values: &[f64]) -> (f64, f64) {
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for c in &mut chunks {
        for k in 0..LANES {
            let v = c[k];
            let finite = v.abs() < f64::INFINITY;
            lo[k] = if finite && v < lo[k] { v } else { lo[k] };
            hi[k] = if finite && v > hi[k] { v } else { hi[k] };
        }
    }
    let (mut l, mut h) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in chunks.remainder() {
        if v.abs() < f64::INFINITY {
            l = l.min(v);
            h = h.max(v);
        }
    }
    for k in 0..LANES {
        l = l.min(lo[k]);
        h = h.max(hi[k]);
    }
    (l, h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SurfaceKind, Vec2};

    #[test]
    fn values_are_the_surface_at_pixel_centres() {
        for kind in SurfaceKind::ALL {
            let s = Surface::new(kind);
            let view = s.view_box();
            let (nx, ny) = (7, 5);
            let g = Grid::evaluate(&s, view, nx, ny);
            assert_eq!(g.values.len(), nx * ny);
            let (dx, dy) = (view.width() / nx as f64, view.height() / ny as f64);
            for j in 0..ny {
                for i in 0..nx {
                    let x = view.x[0] + (i as f64 + 0.5) * dx;
                    let y = view.y[0] + (j as f64 + 0.5) * dy;
                    assert_eq!(g.x(i), x);
                    assert_eq!(g.y(j), y);
                    let expect = s.value(Vec2::new(x, y));
                    assert_eq!(g.get(i, j).to_bits(), expect.to_bits(), "{kind:?} {i} {j}");
                    assert_eq!(g.values[j * nx + i].to_bits(), expect.to_bits());
                }
            }
        }
    }

    #[test]
    fn separable_rows_are_the_formula_bit_for_bit() {
        let s = Surface::new(SurfaceKind::Rastrigin);
        let view = ViewBox {
            x: [-5.12, 4.7],
            y: [-3.3, 5.12],
        };
        let g = Grid::evaluate(&s, view, 301, 257);
        assert!(s.row_plan(&[0.0]).is_separable());
        for j in 0..g.ny {
            for i in 0..g.nx {
                let want = s.eval(g.x(i), g.y(j));
                assert_eq!(g.get(i, j).to_bits(), want.to_bits(), "({i}, {j})");
            }
        }
        assert!(
            !Surface::new(SurfaceKind::Rosenbrock)
                .row_plan(&[0.0])
                .is_separable()
        );
    }

    #[test]
    fn row_zero_is_the_bottom() {
        let s = Surface::new(SurfaceKind::Rosenbrock);
        let g = Grid::evaluate(&s, s.view_box(), 4, 6);
        assert!(g.y(0) < g.y(5));
        assert!(g.y(0) > s.view_box().y[0] && g.y(5) < s.view_box().y[1]);
        // The first centre is half a pixel in from the corner.
        assert!((g.x(0) - (-2.0 + 0.5)).abs() < 1e-12);
        assert!((g.y(0) - (-1.0 + 4.0 / 12.0)).abs() < 1e-12);
    }

    #[test]
    fn threaded_and_single_threaded_grids_are_identical() {
        let s = Surface::new(SurfaceKind::Rastrigin);
        let view = s.view_box();
        // 300 × 300 is above the threading threshold, 300 × 3 below it.
        let big = Grid::evaluate(&s, view, 300, 300);
        assert!(big.values.len() >= PARALLEL_MIN_POINTS);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool");
        let serial = pool.install(|| Grid::evaluate(&s, view, 300, 300));
        assert!(
            big.values
                .iter()
                .zip(&serial.values)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
        // And both agree with point-by-point evaluation.
        for (j, i) in [(0, 0), (17, 299), (299, 123), (150, 150)] {
            let expect = s.value(Vec2::new(big.x(i), big.y(j)));
            assert_eq!(big.get(i, j).to_bits(), expect.to_bits());
        }
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        let s = Surface::new(SurfaceKind::Quadratic);
        let view = s.view_box();
        for (nx, ny) in [(0, 0), (0, 10), (10, 0), (1, 1), (1, 9), (9, 1)] {
            let g = Grid::evaluate(&s, view, nx, ny);
            assert_eq!(g.values.len(), nx * ny);
            assert!(g.is_consistent());
            assert!(g.get(nx, 0).is_nan() && g.get(0, ny).is_nan());
        }
        let one = Grid::evaluate(&s, view, 1, 1);
        // The single centre of a symmetric box is its middle.
        assert_eq!((one.x(0), one.y(0)), (0.0, 0.0));
        assert_eq!(one.finite_range(), Some((0.0, 0.0)));
        let huge = Grid::evaluate(&s, view, usize::MAX, 2);
        assert!(huge.values.is_empty() && huge.is_consistent());
        assert_eq!(Grid::evaluate(&s, view, 0, 5).finite_range(), None);
    }

    #[test]
    fn finite_range_skips_nan_and_inf() {
        let view = ViewBox::square(1.0);
        let mut g = Grid {
            nx: 3,
            ny: 2,
            view,
            values: vec![f64::NAN, 2.0, f64::INFINITY, -1.0, f64::NEG_INFINITY, 5.0],
        };
        assert_eq!(g.finite_range(), Some((-1.0, 5.0)));
        g.values = vec![f64::NAN; 6];
        assert_eq!(g.finite_range(), None);
        // Inconsistent public fields are reported, and `get` stays in bounds.
        g.values.truncate(2);
        assert!(!g.is_consistent());
        assert!(g.get(2, 1).is_nan());
    }

    #[test]
    fn nan_view_gives_nan_values_without_panicking() {
        let s = Surface::new(SurfaceKind::Beale);
        let view = ViewBox {
            x: [f64::NAN, 1.0],
            y: [0.0, f64::INFINITY],
        };
        let g = Grid::evaluate(&s, view, 4, 4);
        assert_eq!(g.values.len(), 16);
        assert_eq!(g.finite_range(), None);
    }
}
