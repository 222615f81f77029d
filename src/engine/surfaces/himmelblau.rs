//! Himmelblau's function: four minima of equal depth, so where a run ends depends on where
//! it starts.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct Himmelblau;

impl Formula for Himmelblau {
    const INFO: Info = Info {
        key: "himmelblau",
        name: "Himmelblau",
        formula: "(x² + y − 11)² + (x + y² − 7)²",
        params: &[],
        view: ViewBox::square(5.0),
        start: (0.0, 0.0),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        (x.sq() + y).add_c(-11.0).sq() + (x + y.sq()).add_c(-7.0).sq()
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![
            (3.0, 2.0),
            (-2.805118, 3.131312),
            (-3.779310, -3.283186),
            (3.584428, -1.848126),
        ]
    }
}
