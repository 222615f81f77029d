//! A valley that narrows from a wide end (x > 0) to a sharp one (x < 0), with a minimum at
//! each end and a saddle between: the curvature across it changes along the way, so the
//! stable learning rate does too.

use super::{Formula, Info, Params, ViewBox};
use crate::engine::param::{Param, Range, Scale};
use crate::engine::real::Real;

pub struct NarrowingValley;

impl Formula for NarrowingValley {
    const INFO: Info = Info {
        key: "narrowing_valley",
        name: "Narrowing valley",
        formula: "½ λ(x) y² + μ ((x/1.5)² − 1)²,  λ(x) = wide + (sharp − wide) σ(−2x)",
        params: &[
            Param {
                key: "sharp",
                label: "sharp",
                range: Range::Above(0.0),
                scale: Scale::Log,
                slider: (1.0, 100.0),
                default: 20.0,
                help: "curvature across the valley at its sharp end (x < 0)",
            },
            Param {
                key: "wide",
                label: "wide",
                range: Range::Above(0.0),
                scale: Scale::Log,
                slider: (0.1, 20.0),
                default: 1.0,
                help: "curvature across the valley at its wide end (x > 0)",
            },
            Param {
                key: "mu",
                label: "mu",
                range: Range::Above(0.0),
                scale: Scale::Log,
                slider: (0.01, 2.0),
                default: 0.2,
                help: "height of the ridge along the valley between its two minima",
            },
        ],
        view: ViewBox {
            x: [-3.0, 3.0],
            y: [-2.0, 2.0],
        },
        start: (-2.2, 1.6),
    };

    #[inline(always)]
    fn eval<T: Real>(p: &Params, x: T, y: T) -> T {
        let [sharp, wide, mu] = p.values;
        let across = x.mul_c(-2.0).sigmoid().mul_c(sharp - wide).add_c(wide);
        let along = x.mul_c(1.0 / 1.5).sq().add_c(-1.0).sq().mul_c(mu);
        (across * y.sq()).mul_c(0.5) + along
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(-1.5, 0.0), (1.5, 0.0)]
    }

    fn saddles(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }
}
