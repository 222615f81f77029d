//! A saddle at the origin between two minima: gradient descent started on the ridge never
//! leaves it, noise or momentum does.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct Saddle;

impl Formula for Saddle {
    const INFO: Info = Info {
        key: "saddle",
        name: "Saddle",
        formula: "x² + y⁴/4 − y²/2",
        params: &[],
        view: ViewBox::square(2.0),
        start: (-1.5, 0.0),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        let y2 = y.sq();
        x.sq() + y2.sq().mul_c(0.25) - y2.mul_c(0.5)
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 1.0), (0.0, -1.0)]
    }

    fn saddles(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }
}
