//! Heavy-ball and Nesterov momentum, as `torch.optim.SGD` computes them.

use super::{Rule, StepContext};
use crate::engine::Vec2;

/// `b ← g` at t = 1, else `b ← μ·b + (1 − τ)·g`; step `b` (or `g + μ·b` with Nesterov).
///
/// PyTorch's Nesterov evaluates the look-ahead on the buffer rather than on the parameters
/// (Sutskever's form); the two are the same method under a change of variable.
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
}
