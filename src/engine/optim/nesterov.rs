//! Nesterov momentum, as `torch.optim.SGD(nesterov=True)` computes it: [`Momentum`] with
//! the look-ahead flag.

use super::momentum::Momentum;
use super::{Entry, Stability};
use super::hyper::{lr, momentum};

pub const ENTRY: Entry = Entry {
    key: "nesterov",
    name: "Nesterov",
    hyper: &[lr(0.001), momentum(0.9)],
    rule: "b ← g at t = 1, else b ← μ·b + g\nw ← w − lr·(g + μ·b)",
    about: "Momentum that evaluates the step after the look-ahead (PyTorch's form, which differs from Sutskever's by a change of variable). It corrects course earlier and overshoots less.",
    stability: Some(BOUND),
    build: |h| Box::new(Momentum::new(h.momentum, 0.0, true)),
};

/// Stable while lr < 2(1 + μ)/((1 + 2μ)λmax) on a quadratic: the look-ahead step's
/// iteration matrix [[1 − h(1 + μ), −hμ²], [1, μ]] (h = lr·λ) has its eigenvalue −1 there,
/// lower than heavy-ball momentum's 2(1 + μ)/λmax.
const BOUND: Stability = Stability {
    max_lr: |h, lambda_max| 2.0 * (1.0 + h.momentum) / ((1.0 + 2.0 * h.momentum) * lambda_max),
    explain: "stable only for lr < 2(1 + μ)/((1 + 2μ)λmax) = {bound} at the start",
};
