//! Rastrigin's function: a bowl covered in a regular grid of local minima.
//!
//! It is a function of x plus one of y, so a grid row reuses per-column parts
//! ([`Formula::columns`]), which spares a cosine per point.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;
use std::f64::consts::PI;

pub struct Rastrigin;

impl Formula for Rastrigin {
    const INFO: Info = Info {
        key: "rastrigin",
        name: "Rastrigin",
        formula: "20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
        params: &[],
        view: ViewBox::square(5.12),
        start: (2.2, -1.3),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        T::cst(20.0) + x.sq() - x.mul_c(2.0 * PI).cos().mul_c(10.0) + y.sq()
            - y.mul_c(2.0 * PI).cos().mul_c(10.0)
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }

    /// `(20 + x²) − 10 cos 2πx` per column: the sums are formed in the order `eval` forms
    /// them, `((20 + x²) − 10 cos 2πx) + y² − 10 cos 2πy`, so every sample is bit for bit what
    /// the formula gives (tested).
    fn columns(_: &Params, xs: &[f64]) -> Option<Vec<f64>> {
        Some(
            xs.iter()
                .map(|&x| 20.0 + x * x - (x * (2.0 * PI)).cos() * 10.0)
                .collect(),
        )
    }

    #[inline(always)]
    fn fill_row(p: Params, row: &mut [f64], xs: &[f64], columns: Option<&[f64]>, y: f64) {
        let Some(columns) = columns else {
            for (v, &x) in row.iter_mut().zip(xs) {
                *v = Self::eval(&p, x, y);
            }
            return;
        };
        let y2 = y * y;
        let cy = (y * (2.0 * PI)).cos() * 10.0;
        for (v, &c) in row.iter_mut().zip(columns) {
            *v = c + y2 - cy;
        }
    }
}
