//! Adafactor for two parameters: its factored second moment of a single row equals the
//! full one, so it is [`Adam`] with β₁ = 0, no weight decay and bias correction.

use super::adam::Adam;
use super::{Entry, Hyper};
use super::hyper::{beta2, eps, lr};

pub const ENTRY: Entry = Entry {
    key: "adafactor",
    name: "Adafactor",
    hyper: &[lr(0.01), beta2(0.999), eps(1e-8)],
    rule: "R ← β₂·R + (1 − β₂)·(g₁² + g₂²),  C ← β₂·C + (1 − β₂)·g²\nV_hat = (R·C/R)/(1 − β₂^t) = C/(1 − β₂^t)\nw ← w − lr·g/(√V_hat + ε)",
    about: "Adam without momentum whose second moment is stored factored as row and column statistics. For two parameters (one row) the factored estimate equals the full one, so here it is Adam with β₁ = 0.",
    stability: None,
    build: |h| {
        Box::new(Adam::new(&Hyper {
            beta1: 0.0,
            weight_decay: 0.0,
            bias_correction: true,
            ..*h
        }))
    },
};
