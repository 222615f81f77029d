//! Hyperparameters: every scalar an optimizer of the catalog can read ([`Knob`]), each
//! described once (range, slider, help) as `torch.optim` gives it, and the
//! scene-file keys that set them ([`Key`], with each optimizer's own default).
//!
//! Every hyperparameter of every kind lives in one flat [`Hyper`] record; each kind lists the
//! keys it reads in its catalog entry. That keeps validation, the scene writer and the app's
//! sliders generic, while each update rule reads its values by name.

use crate::engine::param::{Param, Range, Scale};

/// One scalar hyperparameter (betas are two of them: `Beta1`, `Beta2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Knob {
    Lr,
    Beta1,
    Beta2,
    Eps,
    WeightDecay,
    Momentum,
    Dampening,
    Alpha,
    /// Adadelta's decay ρ, in [0, 1).
    Rho,
    /// SAM's neighbourhood radius ρ, any value ≥ 0 (it shares the key `rho` with Adadelta).
    Radius,
    LrDecay,
    InitialAccumulatorValue,
    MomentumDecay,
    Damping,
    Noise,
    Centered,
    BiasCorrection,
}

const fn param(
    key: &'static str,
    label: &'static str,
    range: Range,
    scale: Scale,
    slider: (f64, f64),
    help: &'static str,
) -> Param {
    Param {
        key,
        label,
        range,
        scale,
        slider,
        default: 0.0,
        help,
    }
}

impl Knob {
    /// The knob's description; its default is each optimizer's own (see [`Key`]), 0 here.
    pub const fn info(self) -> Param {
        use Range::*;
        use Scale::*;
        match self {
            Knob::Lr => param(
                "lr",
                "learning rate",
                AtLeast(0.0),
                Log,
                (1e-5, 10.0),
                "size of each step",
            ),
            Knob::Beta1 => param(
                "beta1",
                "β₁",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of the gradient average (momentum); higher remembers longer",
            ),
            Knob::Beta2 => param(
                "beta2",
                "β₂",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.99999),
                "decay of the squared-gradient average that sets each coordinate's step",
            ),
            Knob::Eps => param(
                "eps",
                "ε",
                Above(0.0),
                Log,
                (1e-12, 1.0),
                "added to the denominator; caps the step where gradients are tiny",
            ),
            Knob::WeightDecay => param(
                "weight_decay",
                "weight decay",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "pulls the parameters toward 0 at every step",
            ),
            Knob::Momentum => param(
                "momentum",
                "momentum μ",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.999),
                "fraction of the previous step carried into the next",
            ),
            Knob::Dampening => param(
                "dampening",
                "dampening τ",
                Closed(0.0, 1.0),
                Linear,
                (0.0, 1.0),
                "scales down the new gradient's share of the momentum buffer",
            ),
            Knob::Alpha => param(
                "alpha",
                "α",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of the squared-gradient average",
            ),
            Knob::Rho => param(
                "rho",
                "ρ",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of both running averages (squared gradients and squared steps)",
            ),
            Knob::Radius => param(
                "rho",
                "ρ (radius)",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "how far uphill SAM looks before taking the gradient",
            ),
            Knob::LrDecay => param(
                "lr_decay",
                "lr decay",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "divides the learning rate by 1 + (t − 1)·decay",
            ),
            Knob::InitialAccumulatorValue => param(
                "initial_accumulator_value",
                "initial accumulator",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "starting value of the sum of squared gradients",
            ),
            Knob::MomentumDecay => param(
                "momentum_decay",
                "momentum decay ψ",
                AtLeast(0.0),
                Linear,
                (0.0, 0.1),
                "how fast NAdam's momentum schedule warms up",
            ),
            Knob::Damping => param(
                "damping",
                "damping λ",
                AtLeast(0.0),
                Linear,
                (0.0, 10.0),
                "added to the Hessian's diagonal; blends Newton toward gradient descent",
            ),
            Knob::Noise => param(
                "noise",
                "noise",
                AtLeast(0.0),
                Linear,
                (0.0, 5.0),
                "standard deviation of the Gaussian noise added to each gradient",
            ),
            Knob::Centered => param(
                "centered",
                "centered",
                Bool,
                Toggle,
                (0.0, 1.0),
                "divide by the gradient's standard deviation instead of its root mean square",
            ),
            Knob::BiasCorrection => param(
                "bias_correction",
                "bias correction",
                Bool,
                Toggle,
                (0.0, 1.0),
                "undo the pull toward 0 of averages that start at 0",
            ),
        }
    }
}

/// A key of the scene file's `[[optimizer]]` table, the knobs it sets and this optimizer's
/// defaults for them. Built with the functions below, which read like torch's signatures:
/// `lr(0.01), eps(1e-10)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Key {
    pub name: &'static str,
    pub knobs: &'static [Knob],
    /// The default of each knob, in order.
    pub defaults: [f64; 2],
}

impl Key {
    /// Each knob with its description and this optimizer's default.
    pub fn params(&self) -> impl Iterator<Item = (Knob, Param)> + '_ {
        self.knobs
            .iter()
            .zip(self.defaults)
            .map(|(&k, d)| (k, k.info().with_default(d)))
    }
}

const fn one(name: &'static str, knob: &'static [Knob], default: f64) -> Key {
    Key {
        name,
        knobs: knob,
        defaults: [default, 0.0],
    }
}

pub const fn lr(default: f64) -> Key {
    one("lr", &[Knob::Lr], default)
}
pub const fn betas(beta1: f64, beta2: f64) -> Key {
    Key {
        name: "betas",
        knobs: &[Knob::Beta1, Knob::Beta2],
        defaults: [beta1, beta2],
    }
}
/// β₂ alone, for a method without a first moment (Adafactor).
pub const fn beta2(default: f64) -> Key {
    one("beta2", &[Knob::Beta2], default)
}
pub const fn eps(default: f64) -> Key {
    one("eps", &[Knob::Eps], default)
}
pub const fn weight_decay(default: f64) -> Key {
    one("weight_decay", &[Knob::WeightDecay], default)
}
pub const fn momentum(default: f64) -> Key {
    one("momentum", &[Knob::Momentum], default)
}
pub const fn dampening(default: f64) -> Key {
    one("dampening", &[Knob::Dampening], default)
}
pub const fn noise(default: f64) -> Key {
    one("noise", &[Knob::Noise], default)
}
pub const fn lr_decay(default: f64) -> Key {
    one("lr_decay", &[Knob::LrDecay], default)
}
pub const fn initial_accumulator_value(default: f64) -> Key {
    one(
        "initial_accumulator_value",
        &[Knob::InitialAccumulatorValue],
        default,
    )
}
pub const fn alpha(default: f64) -> Key {
    one("alpha", &[Knob::Alpha], default)
}
pub const fn centered(default: bool) -> Key {
    one("centered", &[Knob::Centered], default as u8 as f64)
}
/// Adadelta's decay ρ.
pub const fn rho(default: f64) -> Key {
    one("rho", &[Knob::Rho], default)
}
/// SAM's radius, also written `rho` in its scene table.
pub const fn radius(default: f64) -> Key {
    one("rho", &[Knob::Radius], default)
}
pub const fn bias_correction(default: bool) -> Key {
    one(
        "bias_correction",
        &[Knob::BiasCorrection],
        default as u8 as f64,
    )
}
pub const fn momentum_decay(default: f64) -> Key {
    one("momentum_decay", &[Knob::MomentumDecay], default)
}
pub const fn damping(default: f64) -> Key {
    one("damping", &[Knob::Damping], default)
}

/// Every hyperparameter of every kind; each kind reads only its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
    pub momentum: f64,
    pub dampening: f64,
    pub alpha: f64,
    pub rho: f64,
    pub radius: f64,
    pub lr_decay: f64,
    pub initial_accumulator_value: f64,
    pub momentum_decay: f64,
    pub damping: f64,
    pub noise: f64,
    pub centered: bool,
    pub bias_correction: bool,
}

impl Hyper {
    /// What the knobs an optimizer does not read hold: torch's most common defaults, so a
    /// record is the same whichever optimizer made it.
    pub const BASE: Hyper = Hyper {
        lr: 0.001,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weight_decay: 0.0,
        momentum: 0.9,
        dampening: 0.0,
        alpha: 0.99,
        rho: 0.9,
        radius: 0.05,
        lr_decay: 0.0,
        initial_accumulator_value: 0.0,
        momentum_decay: 0.004,
        damping: 0.0,
        noise: 0.1,
        centered: false,
        bias_correction: true,
    };

    /// [`Hyper::BASE`] with the defaults of `keys`.
    pub fn with_defaults(keys: &[Key]) -> Hyper {
        let mut h = Hyper::BASE;
        for (knob, p) in keys.iter().flat_map(Key::params) {
            h.set(knob, p.default);
        }
        h
    }

    pub fn get(&self, knob: Knob) -> f64 {
        match knob {
            Knob::Lr => self.lr,
            Knob::Beta1 => self.beta1,
            Knob::Beta2 => self.beta2,
            Knob::Eps => self.eps,
            Knob::WeightDecay => self.weight_decay,
            Knob::Momentum => self.momentum,
            Knob::Dampening => self.dampening,
            Knob::Alpha => self.alpha,
            Knob::Rho => self.rho,
            Knob::Radius => self.radius,
            Knob::LrDecay => self.lr_decay,
            Knob::InitialAccumulatorValue => self.initial_accumulator_value,
            Knob::MomentumDecay => self.momentum_decay,
            Knob::Damping => self.damping,
            Knob::Noise => self.noise,
            Knob::Centered => f64::from(u8::from(self.centered)),
            Knob::BiasCorrection => f64::from(u8::from(self.bias_correction)),
        }
    }

    pub fn set(&mut self, knob: Knob, v: f64) {
        let slot = match knob {
            Knob::Lr => &mut self.lr,
            Knob::Beta1 => &mut self.beta1,
            Knob::Beta2 => &mut self.beta2,
            Knob::Eps => &mut self.eps,
            Knob::WeightDecay => &mut self.weight_decay,
            Knob::Momentum => &mut self.momentum,
            Knob::Dampening => &mut self.dampening,
            Knob::Alpha => &mut self.alpha,
            Knob::Rho => &mut self.rho,
            Knob::Radius => &mut self.radius,
            Knob::LrDecay => &mut self.lr_decay,
            Knob::InitialAccumulatorValue => &mut self.initial_accumulator_value,
            Knob::MomentumDecay => &mut self.momentum_decay,
            Knob::Damping => &mut self.damping,
            Knob::Noise => &mut self.noise,
            Knob::Centered => {
                self.centered = v != 0.0;
                return;
            }
            Knob::BiasCorrection => {
                self.bias_correction = v != 0.0;
                return;
            }
        };
        *slot = v;
    }
}
