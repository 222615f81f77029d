//! Plain gradient descent, as `torch.optim.SGD` computes it without momentum.

use super::{Entry, Rule, Stability, StepContext};
use super::hyper::lr;
use crate::engine::Vec2;

pub const ENTRY: Entry = Entry {
    key: "gd",
    name: "GD",
    hyper: &[lr(0.001)],
    rule: "w ← w − lr·g",
    about: "Steps straight downhill. The baseline: stable only while lr < 2/λmax, and slow along flat directions when the surface is ill-conditioned.",
    stability: Some(BOUND),
    build: |_| Box::new(Gd),
};

/// `w ← w − lr·g` (also `sgd`, whose noise enters through the gradient).
#[derive(Clone)]
pub struct Gd;

/// Stable while lr < 2/λmax on a quadratic (also SGD's bound, noise aside).
pub(super) const BOUND: Stability = Stability {
    max_lr: |_, lambda_max| 2.0 / lambda_max,
    explain: "lr {lr} > 2/λmax = {bound} at the start",
};

impl Rule for Gd {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        Some(w - ctx.lr * g)
    }
}
