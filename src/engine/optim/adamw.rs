//! AdamW, as `torch.optim.AdamW` computes it: [`Adam`] with decoupled weight decay.

use super::adam::Adam;
use super::{Entry};
use super::hyper::{betas, eps, lr, weight_decay};

pub const ENTRY: Entry = Entry {
    key: "adamw",
    name: "AdamW",
    hyper: &[lr(0.001), betas(0.9, 0.999), eps(1e-8), weight_decay(0.01)],
    rule: "w ← w·(1 − lr·wd)\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nm_hat = m/(1 − β₁^t),  v_hat = v/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)",
    about: "Adam with decoupled weight decay: the parameters shrink directly instead of through the gradient, so decay is not rescaled by the adaptive denominator.",
    stability: None,
    build: |h| Box::new(Adam::new(h).with_decoupled_weight_decay()),
};
