//! AdaGrad, as `torch.optim.Adagrad` computes it.

use super::{Hyper, Rule, StepContext, sqrt, square};
use crate::engine::Vec2;

/// `s ← s + g²`; `w ← w − lr/(1 + (t − 1)·lr_decay) · g/(√s + ε)`.
pub struct Adagrad {
    eps: f64,
    lr_decay: f64,
    /// Starts at `initial_accumulator_value`, not at zero.
    sum: Vec2,
}

impl Adagrad {
    pub fn new(h: &Hyper) -> Self {
        Adagrad {
            eps: h.eps,
            lr_decay: h.lr_decay,
            sum: Vec2::repeat(h.initial_accumulator_value),
        }
    }
}

impl Rule for Adagrad {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let clr = ctx.lr / (1.0 + (ctx.t - 1) as f64 * self.lr_decay);
        self.sum += square(g);
        let std = sqrt(self.sum).add_scalar(self.eps);
        Some(w - g.component_div(&std) * clr)
    }
}
