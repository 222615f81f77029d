//! Rosenbrock's banana: a curved valley whose floor is easy to reach and slow to follow.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::param::{Param, Range, Scale};
use crate::engine::real::Real;

pub struct Rosenbrock;

impl Formula for Rosenbrock {
    const INFO: Info = Info {
        key: "rosenbrock",
        name: "Rosenbrock",
        formula: "(a − x)² + b (y − x²)²",
        params: &[
            Param {
                key: "a",
                label: "a",
                range: Range::Any,
                scale: Scale::Linear,
                slider: (-2.0, 2.0),
                default: 1.0,
                help: "the minimum sits at (a, a²)",
            },
            Param {
                key: "b",
                label: "b",
                range: Range::AtLeast(0.0),
                scale: Scale::Linear,
                slider: (0.0, 200.0),
                default: 100.0,
                help: "steepness of the curved valley's walls",
            },
        ],
        view: ViewBox {
            x: [-2.0, 2.0],
            y: [-1.0, 3.0],
        },
        start: (-1.5, 2.0),
    };

    #[inline(always)]
    fn eval<T: Real>(p: &Params, x: T, y: T) -> T {
        let [a, b, _] = p.values;
        (T::cst(a) - x).sq() + (y - x.sq()).sq().mul_c(b)
    }

    fn minima(p: &Params) -> Vec<(f64, f64)> {
        let a = p.values[0];
        vec![(a, a * a)]
    }
}
