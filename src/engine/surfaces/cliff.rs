//! A cliff: a shallow bowl with a sigmoid step at x = 1 whose gradient is huge, which is
//! what gradient clipping is for.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct Cliff;

impl Formula for Cliff {
    const INFO: Info = Info {
        key: "cliff",
        name: "Cliff",
        formula: "0.05 ‖w‖² + 10 σ(30 (x − 1))",
        params: &[],
        view: ViewBox::square(3.0),
        start: (2.0, 1.0),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        (x.sq() + y.sq()).mul_c(0.05) + x.add_c(-1.0).mul_c(30.0).sigmoid().mul_c(10.0)
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }
}
