//! Adam and the variants that differ from it by one switch: AMSGrad (`amsgrad`), AdamW
//! (`decoupled_weight_decay`) and Adafactor (β₁ = 0), as `torch.optim.Adam`/`AdamW` compute them.

use super::{Entry, Hyper, Insight, Rule, State, StepContext, ema, lerp, sqrt, square};
use crate::engine::Vec2;
use super::hyper::{betas, bias_correction, eps, lr, weight_decay};

pub const ENTRY: Entry = Entry {
    key: "adam",
    name: "Adam",
    hyper: &[lr(0.001), betas(0.9, 0.999), eps(1e-8), weight_decay(0.0), bias_correction(true)],
    rule: "g ← g + wd·w\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nm_hat = m/(1 − β₁^t),  v_hat = v/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)",
    about: "Momentum plus RMSprop scaling, with bias correction for averages that start at 0. The default choice in deep learning, but its defaults are not universal.",
    stability: None,
    build: |h| Box::new(Adam::new(h)),
};

/// `g ← g + wd·w` (AdamW instead: `w ← w·(1 − lr·wd)`); `m ← β₁m + (1 − β₁)g`;
/// `v ← β₂v + (1 − β₂)g²` (AMSGrad: `v_max ← max(v_max, v)`, used in the same step);
/// `w ← w − lr·m̂/(√v̂ + ε)` with `m̂ = m/(1 − β₁ᵗ)`, `v̂ = v/(1 − β₂ᵗ)`, or `m̂ = m`, `v̂ = v`
/// without bias correction.
#[derive(Clone)]
pub struct Adam {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    decoupled_weight_decay: bool,
    amsgrad: bool,
    bias_correction: bool,
    m: Vec2,
    v: Vec2,
    v_max: Vec2,
    /// The last update's m̂ and lr/(√v̂ + ε).
    last: Insight,
}

impl Adam {
    pub fn new(h: &Hyper) -> Self {
        Adam {
            beta1: h.beta1,
            beta2: h.beta2,
            eps: h.eps,
            weight_decay: h.weight_decay,
            decoupled_weight_decay: false,
            amsgrad: false,
            bias_correction: h.bias_correction,
            m: Vec2::zeros(),
            v: Vec2::zeros(),
            v_max: Vec2::zeros(),
            last: Insight::NONE,
        }
    }

    /// AMSGrad: divide by the running maximum of v.
    pub fn with_amsgrad(self) -> Self {
        Adam {
            amsgrad: true,
            ..self
        }
    }

    /// AdamW: shrink the parameters directly instead of adding `wd·w` to the gradient.
    pub fn with_decoupled_weight_decay(self) -> Self {
        Adam {
            decoupled_weight_decay: true,
            ..self
        }
    }
}

impl Rule for Adam {
    fn step(&mut self, mut w: Vec2, mut g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let (lr, t) = (ctx.lr, ctx.t as f64);
        if self.decoupled_weight_decay {
            w *= 1.0 - lr * self.weight_decay;
        } else if self.weight_decay != 0.0 {
            g += w * self.weight_decay;
        }
        self.m = lerp(self.m, g, 1.0 - self.beta1);
        self.v = ema(self.v, self.beta2, square(g));
        let v = if self.amsgrad {
            self.v_max = self.v_max.sup(&self.v);
            self.v_max
        } else {
            self.v
        };
        let (step_size, denom) = if self.bias_correction {
            let bias_correction1 = 1.0 - self.beta1.powf(t);
            let bias_correction2_sqrt = (1.0 - self.beta2.powf(t)).sqrt();
            self.last.direction = Some(("m_hat", self.m / bias_correction1));
            (
                lr / bias_correction1,
                (sqrt(v) / bias_correction2_sqrt).add_scalar(self.eps),
            )
        } else {
            self.last.direction = Some(("m", self.m));
            (lr, sqrt(v).add_scalar(self.eps))
        };
        self.last.rate = Some(denom.map(|d| lr / d));
        Some(w - self.m.component_div(&denom) * step_size)
    }

    fn state(&self) -> State {
        let s = State::default()
            .pair("exp_avg", self.m)
            .pair("exp_avg_sq", self.v);
        if self.amsgrad {
            s.pair("max_exp_avg_sq", self.v_max)
        } else {
            s
        }
    }

    fn insight(&self) -> Insight {
        self.last
    }
}
