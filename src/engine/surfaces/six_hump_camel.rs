//! The six-hump camel: two global minima among four local ones, with saddles between.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct SixHumpCamel;

impl Formula for SixHumpCamel {
    const INFO: Info = Info {
        key: "six_hump_camel",
        name: "Six-hump camel",
        formula: "(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
        params: &[],
        view: ViewBox {
            x: [-3.0, 3.0],
            y: [-2.0, 2.0],
        },
        start: (-1.5, 1.0),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        let x2 = x.sq();
        let y2 = y.sq();
        (T::cst(4.0) - x2.mul_c(2.1) + x2.sq().mul_c(1.0 / 3.0)) * x2
            + x * y
            + (T::cst(-4.0) + y2.mul_c(4.0)) * y2
    }

    /// The two global minima first (f ≈ −1.0316), then the four local ones (f ≈ −0.2155 and
    /// 2.1043): a basin map needs every minimum a run can end in, or the runs that settle in
    /// a local one read as "not converged".
    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![
            (0.0898, -0.7126),
            (-0.0898, 0.7126),
            (-1.7036, 0.7961),
            (1.7036, -0.7961),
            (-1.6071, -0.5687),
            (1.6071, 0.5687),
        ]
    }
}
