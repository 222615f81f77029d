//! The optimizer catalog. Each optimizer lives in its own file as one [`Entry`] — scene key,
//! display name, hyperparameters with their defaults, the update rule as text, when to use
//! it, its stability bound if it has one, and the constructor of its [`Rule`] — next to a
//! plain state struct whose `step` reads like its formula: the update `torch.optim` computes,
//! checked against torch's own trajectories in tests/fixtures/torch_reference.json.
//!
//! The list of kinds is derived from one registration list ([`catalog!`] below): adding an
//! optimizer is its file plus one line there. Named optimizers that are small variations of
//! a rule reuse it: `sgd` is `gd` fed a noisy gradient (the noise lives in the stepping loop,
//! which owns the random stream), `nesterov` is momentum with a look-ahead flag, `amsgrad`,
//! `adamw` and `adafactor` are [`Adam`] with a switch or a fixed β₁ = 0.

mod hyper;
mod state;

pub use crate::engine::param::{Range, Scale};
pub use hyper::{Hyper, Key, Knob};
pub use state::{Insight, State, Value};

use super::{Mat2, Vec2};

/// Everything about one optimizer of the catalog.
pub struct Entry {
    /// The name used in scene files.
    pub key: &'static str,
    /// The default label.
    pub name: &'static str,
    /// The scene-file keys it accepts (besides `kind`, `label`, `clip_norm`, `schedule`…),
    /// with torch's defaults, in the order the app shows them.
    pub hyper: &'static [Key],
    /// The update rule, as shown in the app.
    pub rule: &'static str,
    /// What it does and when to use it, in a few sentences.
    pub about: &'static str,
    pub stability: Option<Stability>,
    /// The rule with hyperparameters `h`, its state at zero.
    pub build: fn(&Hyper) -> Box<dyn Rule>,
}

/// The largest stable learning rate on a quadratic whose largest curvature is λmax.
#[derive(Clone, Copy)]
pub struct Stability {
    /// The bound for hyperparameters `h` and curvature `λmax`.
    pub max_lr: fn(h: &Hyper, lambda_max: f64) -> f64,
    /// How a divergence is explained, with `{lr}` and `{bound}` standing for the values.
    pub explain: &'static str,
}

/// Declares the catalog: one line per optimizer, `Variant => module`.
macro_rules! catalog {
    ($($kind:ident => $module:ident,)*) => {
        $(mod $module;)*

        /// The optimizer catalog, in the order the app lists it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OptimizerKind {
            $($kind,)*
        }

        const COUNT: usize = [$(OptimizerKind::$kind),*].len();

        impl OptimizerKind {
            pub const ALL: [OptimizerKind; COUNT] = [$(OptimizerKind::$kind),*];

            /// Its catalog entry.
            pub fn entry(self) -> &'static Entry {
                match self {
                    $(OptimizerKind::$kind => &$module::ENTRY,)*
                }
            }
        }
    };
}

catalog! {
    Gd => gd,
    Sgd => sgd,
    Momentum => momentum,
    Nesterov => nesterov,
    Adagrad => adagrad,
    Rmsprop => rmsprop,
    Adadelta => adadelta,
    Adam => adam,
    Amsgrad => amsgrad,
    Adamw => adamw,
    Adamax => adamax,
    Nadam => nadam,
    Adafactor => adafactor,
    Newton => newton,
    Sam => sam,
    Lion => lion,
}

impl OptimizerKind {
    /// The name used in scene files.
    pub fn key(self) -> &'static str {
        self.entry().key
    }

    pub fn from_key(key: &str) -> Option<OptimizerKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The default label.
    pub fn display_name(self) -> &'static str {
        self.entry().name
    }

    /// The scene-file keys this kind accepts (besides `kind`, `label`, `clip_norm`, `schedule`).
    pub fn keys(self) -> &'static [Key] {
        self.entry().hyper
    }

    /// The knobs this kind reads, in the order the app shows them.
    pub fn knobs(self) -> impl Iterator<Item = Knob> {
        self.keys().iter().flat_map(|k| k.knobs.iter().copied())
    }

    /// The knobs this kind reads with their descriptions and this kind's defaults.
    pub fn params(self) -> impl Iterator<Item = (Knob, crate::engine::Param)> {
        self.keys().iter().flat_map(Key::params)
    }

    /// `torch.optim`'s defaults for this kind.
    pub fn defaults(self) -> Hyper {
        Hyper::with_defaults(self.keys())
    }

    /// The update rule, as shown in the app.
    pub fn rule_text(self) -> &'static str {
        self.entry().rule
    }

    /// What it does and when to use it, in a few sentences.
    pub fn about(self) -> &'static str {
        self.entry().about
    }

    pub fn stability(self) -> Option<Stability> {
        self.entry().stability
    }
}

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

/// One optimizer's state and update. Cloneable through [`RuleClone`], so a run can be
/// checkpointed and resumed ([`crate::engine::Replay`]).
pub trait Rule: Send + RuleClone {
    /// The next iterate from `w` with gradient `g`, or `None` when no step can be taken
    /// (the optimizer is stalled).
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2>;

    /// Its state now, under `torch.optim`'s names (empty for a stateless rule).
    fn state(&self) -> State {
        State::default()
    }

    /// What its last update made of the state (nothing before the first).
    fn insight(&self) -> Insight {
        Insight::NONE
    }
}

/// A boxed copy of a rule, state and all: every `Rule` that is `Clone` gets it.
pub trait RuleClone {
    fn clone_box(&self) -> Box<dyn Rule>;
}

impl<T: Rule + Clone + 'static> RuleClone for T {
    fn clone_box(&self) -> Box<dyn Rule> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Rule> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}

pub use adam::Adam;

/// The rule for `kind` with hyperparameters `h`, its state at zero.
pub fn build(kind: OptimizerKind, h: &Hyper) -> Box<dyn Rule> {
    (kind.entry().build)(h)
}

/// `torch.lerp`: `a + w·(b − a)`, computed from the nearer end as torch does.
pub(crate) fn lerp(a: Vec2, b: Vec2, weight: f64) -> Vec2 {
    if weight.abs() < 0.5 {
        a + weight * (b - a)
    } else {
        b - (b - a) * (1.0 - weight)
    }
}

/// [`lerp`] of one coordinate, the same arithmetic.
#[inline(always)]
pub(crate) fn lerp1(a: f64, b: f64, weight: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_every_default_is_valid() {
        for (i, a) in OptimizerKind::ALL.iter().enumerate() {
            for b in &OptimizerKind::ALL[i + 1..] {
                assert_ne!(a.key(), b.key());
            }
            assert_eq!(OptimizerKind::from_key(a.key()), Some(*a));
            for (knob, p) in a.params() {
                assert!(
                    p.range.contains(p.default),
                    "{a:?} {knob:?} = {}",
                    p.default
                );
                assert_eq!(a.defaults().get(knob), p.default, "{a:?} {knob:?}");
            }
        }
    }

    #[test]
    fn torch_defaults() {
        let adam = OptimizerKind::Adam.defaults();
        assert_eq!(
            (adam.lr, adam.beta1, adam.beta2, adam.eps),
            (1e-3, 0.9, 0.999, 1e-8)
        );
        assert!(adam.bias_correction);
        assert_eq!(OptimizerKind::Adagrad.defaults().eps, 1e-10);
        assert_eq!(OptimizerKind::Rmsprop.defaults().momentum, 0.0);
        assert_eq!(OptimizerKind::Adamw.defaults().weight_decay, 0.01);
        let lion = OptimizerKind::Lion.defaults();
        assert_eq!((lion.lr, lion.beta2), (1e-4, 0.99));
        assert_eq!(OptimizerKind::Sam.defaults().radius, 0.05);
    }
}
