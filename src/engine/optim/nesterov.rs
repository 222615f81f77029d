//! Nesterov momentum, as `torch.optim.SGD(nesterov=True)` computes it: [`Momentum`] with
//! the look-ahead flag.

use super::momentum::{self, Momentum};
use super::Entry;
use super::hyper::{lr, momentum};

pub const ENTRY: Entry = Entry {
    key: "nesterov",
    name: "Nesterov",
    hyper: &[lr(0.001), momentum(0.9)],
    rule: "b ← g at t = 1, else b ← μ·b + g\nw ← w − lr·(g + μ·b)",
    about: "Momentum that evaluates the step after the look-ahead (PyTorch's form, which differs from Sutskever's by a change of variable). It corrects course earlier and overshoots less.",
    stability: Some(momentum::BOUND),
    build: |h| Box::new(Momentum::new(h.momentum, 0.0, true)),
};
