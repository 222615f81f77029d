//! A plateau: a Gaussian dip in a flat plane, where the gradient far out is almost zero.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct Plateau;

impl Formula for Plateau {
    const INFO: Info = Info {
        key: "plateau",
        name: "Plateau",
        formula: "1 − exp(−(x² + y²))",
        params: &[],
        view: ViewBox::square(3.0),
        start: (2.2, 1.5),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        T::cst(1.0) - (-(x.sq() + y.sq())).exp()
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }
}
