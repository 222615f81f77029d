//! Damped Newton's method with the exact Hessian.

use super::{Rule, StepContext};
use crate::engine::{Mat2, Vec2};

/// `w ← w − lr·(H + λI)⁻¹·g`. A singular `H + λI` refuses the step: the optimizer stalls.
pub struct Newton {
    pub damping: f64,
}

impl Rule for Newton {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let h = ctx.probe.hessian(w) + Mat2::identity() * self.damping;
        let d = h.lu().solve(&g)?;
        Some(w - ctx.lr * d)
    }
}
