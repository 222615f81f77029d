//! Every optimizer of the catalog as an update rule: a plain state struct that starts at
//! zero plus a `step` that reads like its formula in CONTRACT.md.
//!
//! Named optimizers are small variations of a few rules: `sgd` is `gd` fed a noisy gradient
//! (the noise lives in the stepping loop, which owns the random stream), `nesterov` is
//! momentum with a look-ahead flag, `amsgrad`, `adamw` and `adafactor` are [`Adam`] with a
//! switch or a fixed β₁ = 0.

mod adadelta;
mod adagrad;
mod adam;
mod adamax;
mod hyper;
mod lion;
mod momentum;
mod nadam;
mod newton;
mod rmsprop;
mod sam;

pub use adadelta::Adadelta;
pub use adagrad::Adagrad;
pub use adam::Adam;
pub use adamax::Adamax;
pub use hyper::{Hyper, Key, Knob, KnobInfo, OptimizerKind, Range, Scale};
pub use lion::Lion;
pub use momentum::Momentum;
pub use nadam::Nadam;
pub use newton::Newton;
pub use rmsprop::Rmsprop;
pub use sam::Sam;

use super::{Mat2, Vec2};

/// What an update may ask of the world besides the gradient at the current point.
pub trait Probe {
    /// The gradient the optimizer sees at `w` (clipped, in the optimizer's coordinates).
    fn gradient(&self, w: Vec2) -> Vec2;
    /// The exact Hessian at `w`, in the optimizer's coordinates.
    fn hessian(&self, w: Vec2) -> Mat2;
}

/// The values of one update.
pub struct StepContext<'a> {
    /// The learning rate of this update, after the schedule.
    pub lr: f64,
    /// The update number, starting at 1.
    pub t: u64,
    pub probe: &'a dyn Probe,
}

/// One optimizer's state and update.
pub trait Rule: Send {
    /// The next iterate from `w` with gradient `g`, or `None` when no step can be taken
    /// (the optimizer is stalled).
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2>;
}

/// Plain gradient descent (also `sgd`, whose noise enters through the gradient).
pub struct Gd;

impl Rule for Gd {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        Some(w - ctx.lr * g)
    }
}

/// The rule for `kind` with hyperparameters `h`, its state at zero.
pub fn build(kind: OptimizerKind, h: &Hyper) -> Box<dyn Rule> {
    use OptimizerKind::*;
    match kind {
        Gd | Sgd => Box::new(self::Gd),
        Momentum => Box::new(momentum::Momentum::new(h.momentum, h.dampening, false)),
        Nesterov => Box::new(momentum::Momentum::new(h.momentum, 0.0, true)),
        Adagrad => Box::new(adagrad::Adagrad::new(h)),
        Rmsprop => Box::new(rmsprop::Rmsprop::new(h)),
        Adadelta => Box::new(adadelta::Adadelta::new(h)),
        Adam => Box::new(adam::Adam::new(h)),
        Amsgrad => Box::new(adam::Adam::new(h).with_amsgrad()),
        Adamw => Box::new(adam::Adam::new(h).with_decoupled_weight_decay()),
        Adafactor => Box::new(adam::Adam::new(&self::Hyper {
            beta1: 0.0,
            weight_decay: 0.0,
            bias_correction: true,
            ..*h
        })),
        Adamax => Box::new(adamax::Adamax::new(h)),
        Nadam => Box::new(nadam::Nadam::new(h)),
        Newton => Box::new(newton::Newton { damping: h.damping }),
        Sam => Box::new(sam::Sam { rho: h.radius }),
        Lion => Box::new(lion::Lion::new(h)),
    }
}

/// `torch.lerp`: `a + w·(b − a)`, computed from the nearer end as torch does.
pub(crate) fn lerp(a: Vec2, b: Vec2, weight: f64) -> Vec2 {
    if weight.abs() < 0.5 {
        a + weight * (b - a)
    } else {
        b - (b - a) * (1.0 - weight)
    }
}

/// An exponential moving average update `β·v + (1 − β)·x`, per coordinate.
pub(crate) fn ema(v: Vec2, beta: f64, x: Vec2) -> Vec2 {
    v * beta + x * (1.0 - beta)
}

pub(crate) fn square(v: Vec2) -> Vec2 {
    v.component_mul(&v)
}

pub(crate) fn sqrt(v: Vec2) -> Vec2 {
    v.map(f64::sqrt)
}
