//! RMSprop, plain or centered, with or without momentum, as `torch.optim.RMSprop` computes it.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, ema, lerp, sqrt, square};
use crate::engine::Vec2;
use super::hyper::{alpha, centered, eps, lr, momentum};

pub const ENTRY: Entry = Entry {
    key: "rmsprop",
    name: "RMSprop",
    hyper: &[lr(0.01), alpha(0.99), eps(1e-8), momentum(0.0), centered(false)],
    rule: "v ← α·v + (1 − α)·g²\nd = √v + ε   (centered: a ← α·a + (1 − α)·g, d = √(v − a²) + ε)\nμ = 0: w ← w − lr·g/d\nelse: b ← μ·b + g/d,  w ← w − lr·b",
    about: "AdaGrad with a forgetting average: each coordinate's step is scaled by a running RMS of its gradients, so the step size stops shrinking.",
    stability: None,
    build: |h| Box::new(Rmsprop::new(h)),
};

/// `v ← α·v + (1 − α)·g²`; `d = √v + ε` (centered: `d = √(v − a²) + ε` with `a` the running
/// mean of g); then `w ← w − lr·g/d`, or with momentum `b ← μ·b + g/d`, `w ← w − lr·b`.
#[derive(Clone)]
pub struct Rmsprop {
    alpha: f64,
    eps: f64,
    momentum: f64,
    centered: bool,
    square_avg: Vec2,
    grad_avg: Vec2,
    /// Starts at zero (unlike SGD's momentum buffer).
    buf: Vec2,
    /// The last update's direction and lr/(√v + ε).
    last: Insight,
}

impl Rmsprop {
    pub fn new(h: &Hyper) -> Self {
        Rmsprop {
            alpha: h.alpha,
            eps: h.eps,
            momentum: h.momentum,
            centered: h.centered,
            square_avg: Vec2::zeros(),
            grad_avg: Vec2::zeros(),
            buf: Vec2::zeros(),
            last: Insight::NONE,
        }
    }
}

impl Rule for Rmsprop {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        self.square_avg = ema(self.square_avg, self.alpha, square(g));
        let avg = if self.centered {
            self.grad_avg = lerp(self.grad_avg, g, 1.0 - self.alpha);
            sqrt(self.square_avg - square(self.grad_avg))
        } else {
            sqrt(self.square_avg)
        }
        .add_scalar(self.eps);
        self.last.rate = Some(avg.map(|a| ctx.lr / a));
        if self.momentum > 0.0 {
            self.buf = self.buf * self.momentum + g.component_div(&avg);
            self.last.direction = Some(("b", self.buf));
            Some(w - ctx.lr * self.buf)
        } else {
            let scaled = g.component_div(&avg);
            self.last.direction = Some(("g/(√v + ε)", scaled));
            Some(w - scaled * ctx.lr)
        }
    }

    fn state(&self) -> State {
        let mut s = State::default().pair("square_avg", self.square_avg);
        if self.momentum > 0.0 {
            s = s.pair("momentum_buffer", self.buf);
        }
        if self.centered {
            s = s.pair("grad_avg", self.grad_avg);
        }
        s
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
