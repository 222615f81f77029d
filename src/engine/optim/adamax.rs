//! Adamax, as `torch.optim.Adamax` computes it.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, lerp};
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
#[derive(Clone)]
pub struct Adamax {
    beta1: f64,
    beta2: f64,
    eps: f64,
    m: Vec2,
    u: Vec2,
    /// The last update's m̂ and lr/u.
    last: Insight,
}

impl Adamax {
    pub fn new(h: &Hyper) -> Self {
        Adamax {
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            m: Vec2::zeros(),
            u: Vec2::zeros(),
            last: Insight::NONE,
        }
    }
}

impl Rule for Adamax {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        self.m = lerp(self.m, g, 1.0 - self.beta1);
        self.u = (self.u * self.beta2).sup(&g.abs().add_scalar(self.eps));
        let bias_correction = 1.0 - self.beta1.powf(ctx.t as f64);
        let clr = ctx.lr / bias_correction;
        self.last = Insight {
            direction: Some(("m_hat", self.m / bias_correction)),
            rate: Some(self.u.map(|u| ctx.lr / u)),
        };
        Some(w - self.m.component_div(&self.u) * clr)
    }

    fn state(&self) -> State {
        State::default()
            .pair("exp_avg", self.m)
            .pair("exp_inf", self.u)
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
