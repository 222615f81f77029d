//! Adadelta, as `torch.optim.Adadelta` computes it.

use super::{Hyper, Rule, StepContext, ema, sqrt, square};
use crate::engine::Vec2;

/// `v ← ρ·v + (1 − ρ)·g²`; `δ = √(u + ε)/√(v + ε) · g`; `u ← ρ·u + (1 − ρ)·δ²`; `w ← w − lr·δ`.
pub struct Adadelta {
    rho: f64,
    eps: f64,
    square_avg: Vec2,
    acc_delta: Vec2,
}

impl Adadelta {
    pub fn new(h: &Hyper) -> Self {
        Adadelta {
            rho: h.rho,
            eps: h.eps,
            square_avg: Vec2::zeros(),
            acc_delta: Vec2::zeros(),
        }
    }
}

impl Rule for Adadelta {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        self.square_avg = ema(self.square_avg, self.rho, square(g));
        let std = sqrt(self.square_avg.add_scalar(self.eps));
        let delta = sqrt(self.acc_delta.add_scalar(self.eps))
            .component_div(&std)
            .component_mul(&g);
        self.acc_delta = ema(self.acc_delta, self.rho, square(delta));
        Some(w - ctx.lr * delta)
    }
}
