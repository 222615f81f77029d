//! Beale's function: flat plateaus and sharp ridges around one minimum at (3, 0.5).

use super::{Formula, Info, Params, ViewBox};
use crate::engine::real::Real;

pub struct Beale;

impl Formula for Beale {
    const INFO: Info = Info {
        key: "beale",
        name: "Beale",
        formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        params: &[],
        view: ViewBox::square(4.5),
        start: (1.0, 1.5),
    };

    #[inline(always)]
    fn eval<T: Real>(_: &Params, x: T, y: T) -> T {
        let xy = x * y;
        let xy2 = xy * y;
        let xy3 = xy2 * y;
        (T::cst(1.5) - x + xy).sq() + (T::cst(2.25) - x + xy2).sq() + (T::cst(2.625) - x + xy3).sq()
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(3.0, 0.5)]
    }
}
