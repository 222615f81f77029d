//! A sharp minimum and a wide one side by side: which methods prefer the wide one.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct SharpFlat;

impl Formula for SharpFlat {
    const INFO: Info = Info {
        key: "sharp_flat",
        name: "Sharp vs flat minima",
        formula: "0.02 ‖w‖² − exp(−‖w − (−1, 0)‖² / 2·0.15²) − 0.8 exp(−‖w − (1.5, 0)‖² / 2)",
        params: &[],
        view: ViewBox::square(3.0),
        start: (0.2, 1.8),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        let sharp = (x.add_c(1.0).sq() + y.sq()).mul_c(-1.0 / (2.0 * 0.15 * 0.15));
        let wide = (x.add_c(-1.5).sq() + y.sq()).mul_c(-0.5);
        (x.sq() + y.sq()).mul_c(0.02) - sharp.exp() - wide.exp().mul_c(0.8)
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(-1.0, 0.0), (1.5, 0.0)]
    }
}
