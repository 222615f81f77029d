//! Lion (Chen et al., 2023): the sign of an interpolated momentum.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, ema};
use crate::engine::Vec2;
use super::hyper::{betas, lr, weight_decay};

pub const ENTRY: Entry = Entry {
    key: "lion",
    name: "Lion",
    hyper: &[lr(1e-4), betas(0.9, 0.99), weight_decay(0.0)],
    rule: "c = β₁·m + (1 − β₁)·g\nw ← w − lr·(sign(c) + wd·w)\nm ← β₂·m + (1 − β₂)·g",
    about: "Steps by the sign of an interpolated momentum, so every coordinate moves by exactly lr. Found by program search; uses a smaller lr than Adam.",
    stability: None,
    build: |h| Box::new(Lion::new(h)),
};

/// `c = β₁m + (1 − β₁)g`; `w ← w − lr·(sign(c) + wd·w)`; `m ← β₂m + (1 − β₂)g`.
#[derive(Clone)]
pub struct Lion {
    beta1: f64,
    beta2: f64,
    weight_decay: f64,
    m: Vec2,
    /// The last update's sign(c).
    direction: Option<Vec2>,
}

impl Lion {
    pub fn new(h: &Hyper) -> Self {
        Lion {
            beta1: h.beta1,
            beta2: h.beta2,
            weight_decay: h.weight_decay,
            m: Vec2::zeros(),
            direction: None,
        }
    }
}

/// `torch.sign`: 0 at 0 (Rust's `signum` gives ±1 there).
fn sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        v
    }
}

impl Rule for Lion {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let c = ema(self.m, self.beta1, g);
        let direction = c.map(sign);
        self.direction = Some(direction);
        let next = w - ctx.lr * (direction + w * self.weight_decay);
        self.m = ema(self.m, self.beta2, g);
        Some(next)
    }

    fn state(&self) -> State {
        State::default().pair("exp_avg", self.m)
    }

    fn insight(&self) -> Insight {
        Insight {
            direction: self.direction.map(|d| ("sign(c)", d)),
            rate: None,
        }
    }
}
