//! Linear regression: a line `p = x·a + y` (slope x, intercept y) fitted by squared error.
//! Its empirical risk is an exact quadratic in (x, y), so a grid needs five sums of the data,
//! not a pass over every example per point.

use super::{Model, Sums};
use crate::engine::real::Real;
use crate::engine::surfaces::{Info, ViewBox};

pub struct LinearRegression;

impl Model for LinearRegression {
    const INFO: Info = Info {
        key: "linear_regression",
        name: "Linear regression",
        formula: "mean over the examples (a, b) of ½(x·a + y − b)², plus ½·l2·(x² + y²)   (slope x, intercept y)",
        params: &super::PARAMS,
        view: ViewBox {
            x: [-1.0, 5.0],
            y: [-3.0, 7.0],
        },
        start: (0.0, 0.0),
    };
    const CURVE: &'static str = "p = x·a + y";

    #[inline(always)]
    fn loss<T: Real>(x: T, y: T, a: f64, b: f64) -> T {
        let p = x.mul_c(a) + y;
        p.add_c(-b).sq().mul_c(0.5)
    }

    fn predict(x: f64, y: f64, a: f64) -> f64 {
        x * a + y
    }
}

impl LinearRegression {
    /// The mean loss from the sums: `½(x²·Σa² + 2xy·Σa + n·y² − 2x·Σab − 2y·Σb + Σb²)/n`.
    #[inline(always)]
    pub fn mean_loss(s: &Sums, x: f64, y: f64) -> f64 {
        let quadratic = x * x * s.aa + 2.0 * x * y * s.a + y * y * s.n;
        let linear = 2.0 * (x * s.ab + y * s.b);
        0.5 * (quadratic - linear + s.bb) / s.n
    }

    /// The exact minimum of the mean loss plus `½·l2·‖w‖²` (the normal equations), if the
    /// system is not singular (all features equal and no penalty).
    pub fn minimum(s: &Sums, l2: f64) -> Option<(f64, f64)> {
        let (a11, a12, a22) = (s.aa / s.n + l2, s.a / s.n, 1.0 + l2);
        let (r1, r2) = (s.ab / s.n, s.b / s.n);
        let det = a11 * a22 - a12 * a12;
        if det.abs() <= 1e-300 || !det.is_finite() {
            return None;
        }
        Some(((r1 * a22 - r2 * a12) / det, (a11 * r2 - a12 * r1) / det))
    }
}
