//! AdaGrad, as `torch.optim.Adagrad` computes it.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, sqrt, square};
use crate::engine::Vec2;
use super::hyper::{eps, initial_accumulator_value, lr, lr_decay};

pub const ENTRY: Entry = Entry {
    key: "adagrad",
    name: "AdaGrad",
    hyper: &[lr(0.01), eps(1e-10), lr_decay(0.0), initial_accumulator_value(0.0)],
    rule: "s ← s + g²\nw ← w − lr/(1 + (t − 1)·lr_decay) · g/(√s + ε)",
    about: "Divides each coordinate's step by the root of its summed squared gradients. Good for sparse features, but the sum only grows, so the steps keep shrinking.",
    stability: None,
    build: |h| Box::new(Adagrad::new(h)),
};

/// `s ← s + g²`; `w ← w − lr/(1 + (t − 1)·lr_decay) · g/(√s + ε)`.
#[derive(Clone)]
pub struct Adagrad {
    eps: f64,
    lr_decay: f64,
    /// Starts at `initial_accumulator_value`, not at zero.
    sum: Vec2,
    /// The last update's scaled gradient g/(√sum + ε) and clr/(√sum + ε).
    last: Insight,
}

impl Adagrad {
    pub fn new(h: &Hyper) -> Self {
        Adagrad {
            eps: h.eps,
            lr_decay: h.lr_decay,
            sum: Vec2::repeat(h.initial_accumulator_value),
            last: Insight::NONE,
        }
    }
}

impl Rule for Adagrad {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let clr = ctx.lr / (1.0 + (ctx.t - 1) as f64 * self.lr_decay);
        self.sum += square(g);
        let std = sqrt(self.sum).add_scalar(self.eps);
        let scaled = g.component_div(&std);
        self.last = Insight {
            direction: Some(("g/(√s + ε)", scaled)),
            rate: Some(std.map(|s| clr / s)),
        };
        Some(w - scaled * clr)
    }

    fn state(&self) -> State {
        State::default().pair("sum", self.sum)
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
