//! The rotated quadratic ravine `½ wᵀHw`, `H = R(θ) diag(1, κ) R(θ)ᵀ`: the cleanest picture
//! of ill-conditioning.

use super::{Formula, Info, MAX_PARAMS, Params, ViewBox};
use crate::engine::param::{Param, Range, Scale};
use crate::engine::real::Real;

pub struct Quadratic;

impl Formula for Quadratic {
    const INFO: Info = Info {
        key: "quadratic",
        name: "Quadratic ravine",
        formula: "½ w^T H w,  H = R(θ) diag(1, κ) R(θ)^T",
        params: &[
            Param {
                key: "kappa",
                label: "kappa",
                range: Range::AtLeast(1.0),
                scale: Scale::Log,
                slider: (1.0, 1000.0),
                default: 10.0,
                help: "condition number κ = λmax/λmin of the Hessian",
            },
            Param {
                key: "theta",
                label: "theta",
                range: Range::Any,
                scale: Scale::Linear,
                slider: (-90.0, 90.0),
                default: 0.0,
                help: "rotation of the valley in degrees; 0 aligns it with the axes",
            },
        ],
        view: ViewBox::square(2.0),
        start: (1.5, 1.5),
    };

    /// The Hessian `[hxx, hxy, hyy]`, computed once from κ and θ.
    fn derive(values: &[f64; MAX_PARAMS]) -> [f64; 3] {
        let (kappa, theta) = (values[0], values[1].to_radians());
        let (sin, cos) = theta.sin_cos();
        // H = R diag(1, κ) Rᵀ with R = [[cos, −sin], [sin, cos]]
        [
            cos * cos + kappa * sin * sin,
            cos * sin * (1.0 - kappa),
            sin * sin + kappa * cos * cos,
        ]
    }

    #[inline(always)]
    fn eval<T: Real>(p: &Params, x: T, y: T) -> T {
        let [hxx, hxy, hyy] = p.derived;
        (x.sq().mul_c(hxx) + (x * y).mul_c(2.0 * hxy) + y.sq().mul_c(hyy)).mul_c(0.5)
    }

    fn minima(_: &Params) -> Vec<(f64, f64)> {
        vec![(0.0, 0.0)]
    }
}
