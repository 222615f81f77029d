//! Sharpness-aware minimization (Foret et al., 2021) with plain gradient descent as the base.

use super::{Rule, StepContext};
use crate::engine::Vec2;

/// `e = ρ·g/(‖g‖ + 1e-12)`; `g′ = ∇f(w + e)`; `w ← w − lr·g′`.
pub struct Sam {
    pub rho: f64,
}

impl Rule for Sam {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let e = g * (self.rho / (g.norm() + 1e-12));
        let g_ascent = ctx.probe.gradient(w + e);
        Some(w - ctx.lr * g_ascent)
    }
}
