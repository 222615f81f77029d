//! NAdam, as `torch.optim.NAdam` computes it.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, ema, lerp, sqrt, square};
use crate::engine::Vec2;
use super::hyper::{betas, eps, lr, momentum_decay};

pub const ENTRY: Entry = Entry {
    key: "nadam",
    name: "NAdam",
    hyper: &[lr(0.002), betas(0.9, 0.999), eps(1e-8), momentum_decay(0.004)],
    rule: "μ_t = β₁(1 − ½·0.96^(t·ψ)),  P ← P·μ_t\nm, v as Adam;  d = √(v/(1 − β₂^t)) + ε\nw ← w − lr(1 − μ_t)/(1 − P) · g/d − lr·μ_t+1/(1 − P·μ_t+1) · m/d",
    about: "Adam with Nesterov momentum and a momentum warm-up schedule.",
    stability: None,
    build: |h| Box::new(Nadam::new(h)),
};

/// `μₜ = β₁(1 − ½·0.96^(tψ))`, `P ← P·μₜ`; m, v as Adam; `d = √(v/(1 − β₂ᵗ)) + ε`;
/// `w ← w − lr(1 − μₜ)/(1 − P) · g/d − lr·μₜ₊₁/(1 − P·μₜ₊₁) · m/d`.
#[derive(Clone)]
pub struct Nadam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    momentum_decay: f64,
    /// The running product P of the μₜ, starting at 1.
    mu_product: f64,
    m: Vec2,
    v: Vec2,
    /// The last update's Nesterov-corrected m̂ and lr/(√v̂ + ε).
    last: Insight,
}

impl Nadam {
    pub fn new(h: &Hyper) -> Self {
        Nadam {
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            momentum_decay: h.momentum_decay,
            mu_product: 1.0,
            m: Vec2::zeros(),
            v: Vec2::zeros(),
            last: Insight::NONE,
        }
    }

    fn mu(&self, t: f64) -> f64 {
        self.beta1 * (1.0 - 0.5 * 0.96f64.powf(t * self.momentum_decay))
    }
}

impl Rule for Nadam {
    fn step(&mut self, mut w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let t = ctx.t as f64;
        let bias_correction2 = 1.0 - self.beta2.powf(t);
        let mu = self.mu(t);
        let mu_next = self.mu(t + 1.0);
        self.mu_product *= mu;
        self.m = lerp(self.m, g, 1.0 - self.beta1);
        self.v = ema(self.v, self.beta2, square(g));
        let denom = sqrt(self.v / bias_correction2).add_scalar(self.eps);
        let mu_product_next = self.mu_product * mu_next;
        let (a, b) = (
            (1.0 - mu) / (1.0 - self.mu_product),
            mu_next / (1.0 - mu_product_next),
        );
        self.last = Insight {
            direction: Some(("m_hat", g * a + self.m * b)),
            rate: Some(denom.map(|d| ctx.lr / d)),
        };
        w -= g.component_div(&denom) * (ctx.lr * (1.0 - mu) / (1.0 - self.mu_product));
        w -= self.m.component_div(&denom) * (ctx.lr * mu_next / (1.0 - mu_product_next));
        Some(w)
    }

    fn state(&self) -> State {
        State::default()
            .pair("exp_avg", self.m)
            .pair("exp_avg_sq", self.v)
            .scalar("mu_product", self.mu_product)
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
