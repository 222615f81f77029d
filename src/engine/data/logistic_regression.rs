//! Logistic regression: the logit `z = x·a + y` with binary cross-entropy, `log(1 + eᶻ) − b·z`
//! (torch's `BCEWithLogitsLoss`), computed in its stable form so no weight overflows it.

use super::Model;
use crate::engine::real::Real;
use crate::engine::surfaces::{Info, ViewBox};

pub struct LogisticRegression;

impl Model for LogisticRegression {
    const INFO: Info = Info {
        key: "logistic_regression",
        name: "Logistic regression",
        formula: "mean over the examples (a, b) of log(1 + e^z) − b·z with z = x·a + y and b = 0 or 1, plus ½·l2·(x² + y²)",
        params: &super::PARAMS,
        view: ViewBox::square(4.0),
        start: (-2.0, 2.0),
    };
    const CURVE: &'static str = "P(b = 1) = σ(x·a + y)";
    const BINARY_TARGETS: bool = true;

    #[inline(always)]
    fn loss<T: Real>(x: T, y: T, a: f64, b: f64) -> T {
        let z = x.mul_c(a) + y;
        z.softplus() - z.mul_c(b)
    }

    /// The probability of class 1, which the data panel draws against 0/1 targets.
    fn predict(x: f64, y: f64, a: f64) -> f64 {
        let z = x * a + y;
        if z >= 0.0 {
            1.0 / (1.0 + (-z).exp())
        } else {
            let e = z.exp();
            e / (1.0 + e)
        }
    }
}
