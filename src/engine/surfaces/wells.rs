//! Three Gaussian wells of different depths in a shallow bowl: which one a run falls into.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

/// The three wells: centre, depth, width.
const WELLS: [([f64; 2], f64, f64); 3] = [
    ([-1.0, -1.0], 1.0, 0.6),
    ([1.2, 0.8], 0.6, 0.5),
    ([-0.6, 1.4], 0.4, 0.4),
];

pub struct Wells;

impl Formula for Wells {
    const INFO: Info = Info {
        key: "wells",
        name: "Three wells",
        formula: "0.05 ‖w‖² − Σ a_i exp(−‖w − c_i‖² / 2 s_i²), three wells",
        params: &[],
        view: ViewBox::square(3.0),
        start: (2.0, 2.0),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        let mut f = (x.sq() + y.sq()).mul_c(0.05);
        for ([cx, cy], a, s) in WELLS {
            let r2 = x.add_c(-cx).sq() + y.add_c(-cy).sq();
            f = f - r2.mul_c(-1.0 / (2.0 * s * s)).exp().mul_c(a);
        }
        f
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        WELLS.iter().map(|(c, _, _)| (c[0], c[1])).collect()
    }
}
