//! Adadelta, as `torch.optim.Adadelta` computes it.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, ema, sqrt, square};
use crate::engine::Vec2;
use super::hyper::{eps, lr, rho};

pub const ENTRY: Entry = Entry {
    key: "adadelta",
    name: "Adadelta",
    hyper: &[lr(1.0), rho(0.9), eps(1e-6)],
    rule: "v ← ρ·v + (1 − ρ)·g²\nδ = √(u + ε)/√(v + ε) · g\nu ← ρ·u + (1 − ρ)·δ²\nw ← w − lr·δ",
    about: "Scales steps by the ratio of the RMS of past updates to the RMS of gradients, so it needs no learning rate of its own; ε sets the size of the first steps.",
    stability: None,
    build: |h| Box::new(Adadelta::new(h)),
};

/// `v ← ρ·v + (1 − ρ)·g²`; `δ = √(u + ε)/√(v + ε) · g`; `u ← ρ·u + (1 − ρ)·δ²`; `w ← w − lr·δ`.
#[derive(Clone)]
pub struct Adadelta {
    rho: f64,
    eps: f64,
    square_avg: Vec2,
    acc_delta: Vec2,
    /// The last update's Δ and lr·√(acc_delta + ε)/√(square_avg + ε).
    last: Insight,
}

impl Adadelta {
    pub fn new(h: &Hyper) -> Self {
        Adadelta {
            rho: h.rho,
            eps: h.eps,
            square_avg: Vec2::zeros(),
            acc_delta: Vec2::zeros(),
            last: Insight::NONE,
        }
    }
}

impl Rule for Adadelta {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        self.square_avg = ema(self.square_avg, self.rho, square(g));
        let std = sqrt(self.square_avg.add_scalar(self.eps));
        let scale = sqrt(self.acc_delta.add_scalar(self.eps)).component_div(&std);
        let delta = scale.component_mul(&g);
        self.last = Insight {
            direction: Some(("δ", delta)),
            rate: Some(scale * ctx.lr),
        };
        self.acc_delta = ema(self.acc_delta, self.rho, square(delta));
        Some(w - ctx.lr * delta)
    }

    fn state(&self) -> State {
        State::default()
            .pair("square_avg", self.square_avg)
            .pair("acc_delta", self.acc_delta)
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
