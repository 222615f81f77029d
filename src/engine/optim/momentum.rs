//! Heavy-ball and Nesterov momentum, as `torch.optim.SGD` computes them.

use super::{Entry, Insight, Rule, Stability, State, StepContext};
use crate::engine::Vec2;
use super::hyper::{dampening, lr, momentum};

pub const ENTRY: Entry = Entry {
    key: "momentum",
    name: "Momentum",
    hyper: &[lr(0.001), momentum(0.9), dampening(0.0)],
    rule: "b ← g at t = 1, else b ← μ·b + (1 − τ)·g\nw ← w − lr·b",
    about: "Heavy-ball momentum (PyTorch's SGD with momentum). The buffer averages recent gradients, so zigzags across a ravine cancel and steps along it add up.",
    stability: Some(BOUND),
    build: |h| Box::new(Momentum::new(h.momentum, h.dampening, false)),
};

/// Stable while lr < 2(1 + μ)/λmax on a quadratic (without dampening).
pub(super) const BOUND: Stability = Stability {
    max_lr: |h, lambda_max| 2.0 * (1.0 + h.momentum) / lambda_max,
    explain: "stable only for lr < 2(1 + μ)/λmax = {bound} at the start",
};

/// `b ← g` at t = 1, else `b ← μ·b + (1 − τ)·g`; step `b` (or `g + μ·b` with Nesterov).
///
/// PyTorch's Nesterov evaluates the look-ahead on the buffer rather than on the parameters
/// (Sutskever's form); the two are the same method under a change of variable.
#[derive(Clone)]
pub struct Momentum {
    momentum: f64,
    dampening: f64,
    nesterov: bool,
    /// `None` until the first update, which copies the gradient undamped.
    buf: Option<Vec2>,
}

impl Momentum {
    pub fn new(momentum: f64, dampening: f64, nesterov: bool) -> Self {
        Momentum {
            momentum,
            dampening,
            nesterov,
            buf: None,
        }
    }
}

impl Rule for Momentum {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let mu = self.momentum;
        let b = match self.buf {
            None => g,
            Some(b) => b * mu + g * (1.0 - self.dampening),
        };
        self.buf = Some(b);
        let d = if self.nesterov { g + b * mu } else { b };
        Some(w - ctx.lr * d)
    }

    // torch keeps no buffer when momentum is 0
    fn state(&self) -> State {
        match self.buf {
            Some(b) if self.momentum != 0.0 => State::default().pair("momentum_buffer", b),
            _ => State::default(),
        }
    }

    fn insight(&self) -> Insight {
        Insight {
            direction: self.buf.filter(|_| self.momentum != 0.0).map(|b| ("b", b)),
            rate: None,
        }
    }
}
