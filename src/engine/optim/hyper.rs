//! Optimizer kinds and their hyperparameters: names, defaults and valid ranges exactly as
//! CONTRACT.md gives them (which follow `torch.optim`).
//!
//! Every hyperparameter of every kind lives in one flat [`Hyper`] record; each kind says which
//! of them it reads ([`OptimizerKind::keys`]). That keeps validation, the scene writer and the
//! app's sliders generic, while each update rule reads its values by name.

/// The optimizer catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OptimizerKind {
    Gd,
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    Rmsprop,
    Adadelta,
    Adam,
    Amsgrad,
    Adamw,
    Adamax,
    Nadam,
    Adafactor,
    Newton,
    Sam,
    Lion,
}

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

/// How a slider should move over a knob's values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear,
    /// Logarithmic: learning rates, ε.
    Log,
    /// Logarithmic in 1 − value: decay rates such as β₂ = 0.999 where the digits after 0.9 matter.
    OneMinusLog,
    /// A switch.
    Toggle,
}

/// Valid values of a knob.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// `min ≤ v`
    AtLeast(f64),
    /// `min < v`
    Above(f64),
    /// `min ≤ v < max`
    HalfOpen(f64, f64),
    /// `min ≤ v ≤ max`
    Closed(f64, f64),
    Bool,
}

impl Range {
    pub fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Range::AtLeast(lo) => v >= lo,
                Range::Above(lo) => v > lo,
                Range::HalfOpen(lo, hi) => v >= lo && v < hi,
                Range::Closed(lo, hi) => v >= lo && v <= hi,
                Range::Bool => v == 0.0 || v == 1.0,
            }
    }
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Range::AtLeast(lo) => write!(f, "≥ {lo}"),
            Range::Above(lo) => write!(f, "> {lo}"),
            Range::HalfOpen(lo, hi) => write!(f, "in [{lo}, {hi})"),
            Range::Closed(lo, hi) => write!(f, "in [{lo}, {hi}]"),
            Range::Bool => write!(f, "true or false"),
        }
    }
}

/// What a user needs to know about a knob.
#[derive(Clone, Copy, Debug)]
pub struct KnobInfo {
    pub label: &'static str,
    pub range: Range,
    pub scale: Scale,
    /// The slider's span; files may hold any valid value.
    pub slider: (f64, f64),
    pub help: &'static str,
}

impl Knob {
    pub fn info(self) -> KnobInfo {
        use Range::*;
        use Scale::*;
        let (label, range, scale, slider, help) = match self {
            Knob::Lr => (
                "learning rate",
                AtLeast(0.0),
                Log,
                (1e-5, 10.0),
                "size of each step",
            ),
            Knob::Beta1 => (
                "β₁",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of the gradient average (momentum); higher remembers longer",
            ),
            Knob::Beta2 => (
                "β₂",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.99999),
                "decay of the squared-gradient average that sets each coordinate's step",
            ),
            Knob::Eps => (
                "ε",
                Above(0.0),
                Log,
                (1e-12, 1.0),
                "added to the denominator; caps the step where gradients are tiny",
            ),
            Knob::WeightDecay => (
                "weight decay",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "pulls the parameters toward 0 at every step",
            ),
            Knob::Momentum => (
                "momentum μ",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.999),
                "fraction of the previous step carried into the next",
            ),
            Knob::Dampening => (
                "dampening τ",
                Closed(0.0, 1.0),
                Linear,
                (0.0, 1.0),
                "scales down the new gradient's share of the momentum buffer",
            ),
            Knob::Alpha => (
                "α",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of the squared-gradient average",
            ),
            Knob::Rho => (
                "ρ",
                HalfOpen(0.0, 1.0),
                OneMinusLog,
                (0.0, 0.9999),
                "decay of both running averages (squared gradients and squared steps)",
            ),
            Knob::Radius => (
                "ρ (radius)",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "how far uphill SAM looks before taking the gradient",
            ),
            Knob::LrDecay => (
                "lr decay",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "divides the learning rate by 1 + (t − 1)·decay",
            ),
            Knob::InitialAccumulatorValue => (
                "initial accumulator",
                AtLeast(0.0),
                Linear,
                (0.0, 1.0),
                "starting value of the sum of squared gradients",
            ),
            Knob::MomentumDecay => (
                "momentum decay ψ",
                AtLeast(0.0),
                Linear,
                (0.0, 0.1),
                "how fast NAdam's momentum schedule warms up",
            ),
            Knob::Damping => (
                "damping λ",
                AtLeast(0.0),
                Linear,
                (0.0, 10.0),
                "added to the Hessian's diagonal; blends Newton toward gradient descent",
            ),
            Knob::Noise => (
                "noise",
                AtLeast(0.0),
                Linear,
                (0.0, 5.0),
                "standard deviation of the Gaussian noise added to each gradient",
            ),
            Knob::Centered => (
                "centered",
                Bool,
                Toggle,
                (0.0, 1.0),
                "divide by the gradient's standard deviation instead of its root mean square",
            ),
            Knob::BiasCorrection => (
                "bias correction",
                Bool,
                Toggle,
                (0.0, 1.0),
                "undo the pull toward 0 of averages that start at 0",
            ),
        };
        KnobInfo {
            label,
            range,
            scale,
            slider,
            help,
        }
    }
}

/// A key of the scene file's `[[optimizer]]` table and the knobs it sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    pub knobs: &'static [Knob],
}

const fn key(name: &'static str, knobs: &'static [Knob]) -> Key {
    Key { name, knobs }
}

const LR: Key = key("lr", &[Knob::Lr]);
const BETAS: Key = key("betas", &[Knob::Beta1, Knob::Beta2]);
const EPS: Key = key("eps", &[Knob::Eps]);
const WD: Key = key("weight_decay", &[Knob::WeightDecay]);
const MOMENTUM: Key = key("momentum", &[Knob::Momentum]);
const NOISE: Key = key("noise", &[Knob::Noise]);
const DAMPENING: Key = key("dampening", &[Knob::Dampening]);
const LR_DECAY: Key = key("lr_decay", &[Knob::LrDecay]);
const INITIAL_ACCUMULATOR: Key = key(
    "initial_accumulator_value",
    &[Knob::InitialAccumulatorValue],
);
const ALPHA: Key = key("alpha", &[Knob::Alpha]);
const CENTERED: Key = key("centered", &[Knob::Centered]);
const RHO: Key = key("rho", &[Knob::Rho]);
const BIAS_CORRECTION: Key = key("bias_correction", &[Knob::BiasCorrection]);
const MOMENTUM_DECAY: Key = key("momentum_decay", &[Knob::MomentumDecay]);
const BETA2: Key = key("beta2", &[Knob::Beta2]);
const DAMPING: Key = key("damping", &[Knob::Damping]);
const SAM_RHO: Key = key("rho", &[Knob::Radius]);

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

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 16] = [
        OptimizerKind::Gd,
        OptimizerKind::Sgd,
        OptimizerKind::Momentum,
        OptimizerKind::Nesterov,
        OptimizerKind::Adagrad,
        OptimizerKind::Rmsprop,
        OptimizerKind::Adadelta,
        OptimizerKind::Adam,
        OptimizerKind::Amsgrad,
        OptimizerKind::Adamw,
        OptimizerKind::Adamax,
        OptimizerKind::Nadam,
        OptimizerKind::Adafactor,
        OptimizerKind::Newton,
        OptimizerKind::Sam,
        OptimizerKind::Lion,
    ];

    /// The name used in scene files.
    pub fn key(self) -> &'static str {
        match self {
            OptimizerKind::Gd => "gd",
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Momentum => "momentum",
            OptimizerKind::Nesterov => "nesterov",
            OptimizerKind::Adagrad => "adagrad",
            OptimizerKind::Rmsprop => "rmsprop",
            OptimizerKind::Adadelta => "adadelta",
            OptimizerKind::Adam => "adam",
            OptimizerKind::Amsgrad => "amsgrad",
            OptimizerKind::Adamw => "adamw",
            OptimizerKind::Adamax => "adamax",
            OptimizerKind::Nadam => "nadam",
            OptimizerKind::Adafactor => "adafactor",
            OptimizerKind::Newton => "newton",
            OptimizerKind::Sam => "sam",
            OptimizerKind::Lion => "lion",
        }
    }

    pub fn from_key(key: &str) -> Option<OptimizerKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// The default label.
    pub fn display_name(self) -> &'static str {
        match self {
            OptimizerKind::Gd => "GD",
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Momentum => "Momentum",
            OptimizerKind::Nesterov => "Nesterov",
            OptimizerKind::Adagrad => "AdaGrad",
            OptimizerKind::Rmsprop => "RMSprop",
            OptimizerKind::Adadelta => "Adadelta",
            OptimizerKind::Adam => "Adam",
            OptimizerKind::Amsgrad => "AMSGrad",
            OptimizerKind::Adamw => "AdamW",
            OptimizerKind::Adamax => "Adamax",
            OptimizerKind::Nadam => "NAdam",
            OptimizerKind::Adafactor => "Adafactor",
            OptimizerKind::Newton => "Newton",
            OptimizerKind::Sam => "SAM",
            OptimizerKind::Lion => "Lion",
        }
    }

    /// The scene-file keys this kind accepts (besides `kind`, `label`, `clip_norm`, `schedule`).
    pub fn keys(self) -> &'static [Key] {
        use OptimizerKind::*;
        match self {
            Gd => &[LR],
            Sgd => &[LR, NOISE],
            Momentum => &[LR, MOMENTUM, DAMPENING],
            Nesterov => &[LR, MOMENTUM],
            Adagrad => &[LR, EPS, LR_DECAY, INITIAL_ACCUMULATOR],
            Rmsprop => &[LR, ALPHA, EPS, MOMENTUM, CENTERED],
            Adadelta => &[LR, RHO, EPS],
            Adam => &[LR, BETAS, EPS, WD, BIAS_CORRECTION],
            Amsgrad | Adamw => &[LR, BETAS, EPS, WD],
            Adamax => &[LR, BETAS, EPS],
            Nadam => &[LR, BETAS, EPS, MOMENTUM_DECAY],
            Adafactor => &[LR, BETA2, EPS],
            Newton => &[LR, DAMPING],
            Sam => &[LR, SAM_RHO],
            Lion => &[LR, BETAS, WD],
        }
    }

    /// The knobs this kind reads, in the order the app shows them.
    pub fn knobs(self) -> impl Iterator<Item = Knob> {
        self.keys().iter().flat_map(|k| k.knobs.iter().copied())
    }

    /// `torch.optim`'s defaults for this kind.
    pub fn defaults(self) -> Hyper {
        use OptimizerKind::*;
        let mut h = Hyper {
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
        match self {
            Gd | Sgd | Momentum | Nesterov | Adam | Amsgrad => {}
            Adagrad => {
                h.lr = 0.01;
                h.eps = 1e-10;
            }
            Rmsprop => {
                h.lr = 0.01;
                h.momentum = 0.0;
            }
            Adadelta => {
                h.lr = 1.0;
                h.eps = 1e-6;
            }
            Adamw => h.weight_decay = 0.01,
            Adamax | Nadam => h.lr = 0.002,
            Adafactor => {
                h.lr = 0.01;
                h.beta1 = 0.0;
            }
            Newton => h.lr = 1.0,
            Sam => h.lr = 0.01,
            Lion => {
                h.lr = 1e-4;
                h.beta2 = 0.99;
            }
        }
        h
    }

    /// The update rule, as shown in the app (the formula of CONTRACT.md).
    pub fn rule_text(self) -> &'static str {
        use OptimizerKind::*;
        match self {
            Gd => "w ← w − lr·g",
            Sgd => "g_noisy = g + noise·ξ,  ξ ~ N(0, I)\nw ← w − lr·g_noisy",
            Momentum => "b ← g at t = 1, else b ← μ·b + (1 − τ)·g\nw ← w − lr·b",
            Nesterov => "b ← g at t = 1, else b ← μ·b + g\nw ← w − lr·(g + μ·b)",
            Adagrad => "s ← s + g²\nw ← w − lr/(1 + (t − 1)·lr_decay) · g/(√s + ε)",
            Rmsprop => {
                "v ← α·v + (1 − α)·g²\nd = √v + ε   (centered: a ← α·a + (1 − α)·g, d = √(v − a²) + ε)\nμ = 0: w ← w − lr·g/d\nelse: b ← μ·b + g/d,  w ← w − lr·b"
            }
            Adadelta => {
                "v ← ρ·v + (1 − ρ)·g²\nδ = √(u + ε)/√(v + ε) · g\nu ← ρ·u + (1 − ρ)·δ²\nw ← w − lr·δ"
            }
            Adam => {
                "g ← g + wd·w\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nm_hat = m/(1 − β₁^t),  v_hat = v/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)"
            }
            Amsgrad => {
                "g ← g + wd·w\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nv_max ← max(v_max, v)\nm_hat = m/(1 − β₁^t),  v_hat = v_max/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)"
            }
            Adamw => {
                "w ← w·(1 − lr·wd)\nm ← β₁·m + (1 − β₁)·g\nv ← β₂·v + (1 − β₂)·g²\nm_hat = m/(1 − β₁^t),  v_hat = v/(1 − β₂^t)\nw ← w − lr·m_hat/(√v_hat + ε)"
            }
            Adamax => "m ← β₁·m + (1 − β₁)·g\nu ← max(β₂·u, |g| + ε)\nw ← w − lr/(1 − β₁^t) · m/u",
            Nadam => {
                "μ_t = β₁(1 − ½·0.96^(t·ψ)),  P ← P·μ_t\nm, v as Adam;  d = √(v/(1 − β₂^t)) + ε\nw ← w − lr(1 − μ_t)/(1 − P) · g/d − lr·μ_t+1/(1 − P·μ_t+1) · m/d"
            }
            Adafactor => {
                "R ← β₂·R + (1 − β₂)·(g₁² + g₂²),  C ← β₂·C + (1 − β₂)·g²\nV_hat = (R·C/R)/(1 − β₂^t) = C/(1 − β₂^t)\nw ← w − lr·g/(√V_hat + ε)"
            }
            Newton => "w ← w − lr·(H + λI)⁻¹·g",
            Sam => "e = ρ·g/‖g‖\ng2 = ∇f(w + e)   (the gradient a step uphill)\nw ← w − lr·g2",
            Lion => "c = β₁·m + (1 − β₁)·g\nw ← w − lr·(sign(c) + wd·w)\nm ← β₂·m + (1 − β₂)·g",
        }
    }

    /// What it does and when to use it, in a few sentences.
    pub fn about(self) -> &'static str {
        use OptimizerKind::*;
        match self {
            Gd => {
                "Steps straight downhill. The baseline: stable only while lr < 2/λmax, and slow along flat directions when the surface is ill-conditioned."
            }
            Sgd => {
                "Gradient descent with a noisy gradient, as with minibatches. The noise lets it escape saddle points, but with a constant learning rate it never settles: it jitters around the minimum."
            }
            Momentum => {
                "Heavy-ball momentum (PyTorch's SGD with momentum). The buffer averages recent gradients, so zigzags across a ravine cancel and steps along it add up."
            }
            Nesterov => {
                "Momentum that evaluates the step after the look-ahead (PyTorch's form, which differs from Sutskever's by a change of variable). It corrects course earlier and overshoots less."
            }
            Adagrad => {
                "Divides each coordinate's step by the root of its summed squared gradients. Good for sparse features, but the sum only grows, so the steps keep shrinking."
            }
            Rmsprop => {
                "AdaGrad with a forgetting average: each coordinate's step is scaled by a running RMS of its gradients, so the step size stops shrinking."
            }
            Adadelta => {
                "Scales steps by the ratio of the RMS of past updates to the RMS of gradients, so it needs no learning rate of its own; ε sets the size of the first steps."
            }
            Adam => {
                "Momentum plus RMSprop scaling, with bias correction for averages that start at 0. The default choice in deep learning, but its defaults are not universal."
            }
            Amsgrad => {
                "Adam that never lets the denominator shrink (it keeps the running maximum of v), so the effective step cannot grow back."
            }
            Adamw => {
                "Adam with decoupled weight decay: the parameters shrink directly instead of through the gradient, so decay is not rescaled by the adaptive denominator."
            }
            Adamax => {
                "Adam with the infinity norm: the denominator is a decaying maximum of |g| instead of an RMS."
            }
            Nadam => "Adam with Nesterov momentum and a momentum warm-up schedule.",
            Adafactor => {
                "Adam without momentum whose second moment is stored factored as row and column statistics. For two parameters (one row) the factored estimate equals the full one, so here it is Adam with β₁ = 0."
            }
            Newton => {
                "Divides the gradient by the exact curvature. Reaches a quadratic's minimum in one step, but it seeks any stationary point, saddles included, and costs a Hessian solve per step."
            }
            Sam => {
                "Sharpness-aware minimization: takes the gradient at a point ρ uphill, which penalises sharp minima and favours wide ones."
            }
            Lion => {
                "Steps by the sign of an interpolated momentum, so every coordinate moves by exactly lr. Found by program search; uses a smaller lr than Adam."
            }
        }
    }
}
