//! Adamax, as `torch.optim.Adamax` computes it.

use super::{Entry, Hyper, Rule, StepContext, lerp};
use crate::engine::Vec2;
use super::hyper::{betas, eps, lr};

pub const ENTRY: Entry = Entry {
    key: "adamax",
    name: "Adamax",
    hyper: &[lr(0.002), betas(0.9, 0.999), eps(1e-8)],
    rule: "m ← β₁·m + (1 − β₁)·g\nu ← max(β₂·u, |g| + ε)\nw ← w − lr/(1 − β₁^t) · m/u",
    about: "Adam with the infinity norm: the denominator is a decaying maximum of |g| instead of an RMS.",
    stability: None,
    build: |h| Box::new(Adamax::new(h)),
};

/// `m ← β₁m + (1 − β₁)g`; `u ← max(β₂u, |g| + ε)`; `w ← w − lr/(1 − β₁ᵗ) · m/u`.
pub struct Adamax {
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: Vec2,
    u: Vec2,
}

impl Adamax {
    pub fn new(h: &Hyper) -> Self {
        Adamax {
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            m: Vec2::zeros(),
            u: Vec2::zeros(),
        }
    }
}

impl Rule for Adamax {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        self.m = lerp(self.m, g, 1.0 - self.beta1);
        self.u = (self.u * self.beta2).sup(&g.abs().add_scalar(self.eps));
        let clr = ctx.lr / (1.0 - self.beta1.powf(ctx.t as f64));
        Some(w - self.m.component_div(&self.u) * clr)
    }
}
