//! Damped Newton's method with the exact Hessian.

use super::{Entry, Insight, Rule, StepContext};
use crate::engine::{Mat2, Vec2};
use super::hyper::{damping, lr};

pub const ENTRY: Entry = Entry {
    key: "newton",
    name: "Newton",
    hyper: &[lr(1.0), damping(0.0)],
    rule: "w ← w − lr·(H + λI)⁻¹·g",
    about: "Divides the gradient by the exact curvature. Reaches a quadratic's minimum in one step, but it seeks any stationary point, saddles included, and costs a Hessian solve per step.",
    stability: None,
    build: |h| {
        Box::new(Newton {
            damping: h.damping,
            direction: None,
        })
    },
};

/// `w ← w − lr·(H + λI)⁻¹·g`. A singular `H + λI` refuses the step: the optimizer stalls.
#[derive(Clone)]
pub struct Newton {
    pub damping: f64,
    /// The last update's (H + λI)⁻¹g.
    direction: Option<Vec2>,
}

impl Rule for Newton {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let h = ctx.probe.hessian(w) + Mat2::identity() * self.damping;
        let d = h.lu().solve(&g)?;
        self.direction = Some(d);
        Some(w - ctx.lr * d)
    }

    fn insight(&self) -> Insight {
        Insight {
            direction: self.direction.map(|d| ("H⁻¹g", d)),
            rate: None,
        }
    }
}
