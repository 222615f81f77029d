//! A network with one hidden unit: `p = y·tanh(x·a)` (input weight x, output weight y) fitted
//! by squared error. Flipping both weights gives the same network, so every minimum has a
//! mirror image through the origin, where a saddle sits between them.

use super::Model;
use crate::engine::real::Real;
use crate::engine::surfaces::{Info, ViewBox};

pub struct TanhUnit;

impl Model for TanhUnit {
    const INFO: Info = Info {
        key: "tanh_unit",
        name: "One tanh unit",
        formula: "mean over the examples (a, b) of ½(y·tanh(x·a) − b)², plus ½·l2·(x² + y²)   (input weight x, output weight y)",
        params: &super::PARAMS,
        view: ViewBox::square(3.0),
        start: (0.3, -1.5),
    };
    const CURVE: &'static str = "p = y·tanh(x·a)";

    #[inline(always)]
    fn loss<T: Real>(x: T, y: T, a: f64, b: f64) -> T {
        let p = y * x.mul_c(a).tanh();
        p.add_c(-b).sq().mul_c(0.5)
    }

    fn predict(x: f64, y: f64, a: f64) -> f64 {
        y * (x * a).tanh()
    }
}
