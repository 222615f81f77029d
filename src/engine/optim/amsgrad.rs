//! AMSGrad, as `torch.optim.Adam(amsgrad=True)` computes it: [`Adam`] dividing by the
//! running maximum of v.

use super::adam::Adam;
use super::{Entry};
use super::hyper::{betas, eps, lr, weight_decay};

pub const ENTRY: Entry = Entry {
    key: "amsgrad",
    name: "AMSGrad",
    hyper: &[lr(0.001), betas(0.9, 0.999), eps(1e-8), weight_decay(0.0)],
    rule: "g ← g + wd·w\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nv_max ← max(v_max, v)\nm_hat = m/(1 − β₁^t),  v_hat = v_max/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)",
    about: "Adam that never lets the denominator shrink (it keeps the running maximum of v), so the effective step cannot grow back.",
    stability: None,
    build: |h| Box::new(Adam::new(h).with_amsgrad()),
};
