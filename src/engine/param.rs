//! One description of a tunable number, shared by surface parameters (κ, θ…) and optimizer
//! hyperparameters (lr, β₁…): its valid range, how a slider moves over it, its default and a
//! line of help. The scene parser validates every such number with [`Range::contains`] and
//! the app's one slider widget reads the rest, so both kinds of number behave alike.

/// How a slider should move over a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Linear,
    /// Logarithmic: learning rates, ε, condition numbers.
    Log,
    /// Logarithmic in 1 − value: decay rates such as β₂ = 0.999 where the digits after 0.9 matter.
    OneMinusLog,
    /// A switch.
    Toggle,
}

/// Valid values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Any finite value.
    Any,
    /// `min ≤ v`
    AtLeast(f64),
    /// `min < v`
    Above(f64),
    /// `min ≤ v < max`
    HalfOpen(f64, f64),
    /// `min ≤ v ≤ max`
    Closed(f64, f64),
    /// 0 (false) or 1 (true).
    Bool,
}

impl Range {
    pub fn contains(self, v: f64) -> bool {
        v.is_finite()
            && match self {
                Range::Any => true,
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
            Range::Any => write!(f, "finite"),
            Range::AtLeast(lo) => write!(f, "≥ {lo}"),
            Range::Above(lo) => write!(f, "> {lo}"),
            Range::HalfOpen(lo, hi) => write!(f, "in [{lo}, {hi})"),
            Range::Closed(lo, hi) => write!(f, "in [{lo}, {hi}]"),
            Range::Bool => write!(f, "true or false"),
        }
    }
}

/// What a user needs to know about one tunable number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Its name in the scene file (for a hyperparameter written as part of a pair, such as
    /// β₁ in `betas`, the name of the field it sets).
    pub key: &'static str,
    /// What a slider calls it.
    pub label: &'static str,
    pub range: Range,
    pub scale: Scale,
    /// The slider's span; files may hold any valid value.
    pub slider: (f64, f64),
    pub default: f64,
    pub help: &'static str,
}

impl Param {
    /// `self` with another default (an optimizer's own, such as Adagrad's lr = 0.01).
    pub const fn with_default(self, default: f64) -> Param {
        Param { default, ..self }
    }

    /// The nearest valid value to an edited one: what a slider dragged or typed past the
    /// range keeps. A non-finite edit falls back to the default.
    pub fn clamp(&self, v: f64) -> f64 {
        if !v.is_finite() {
            return self.default;
        }
        match self.range {
            Range::Any => v,
            Range::AtLeast(lo) => v.max(lo),
            Range::Above(lo) => v.max(lo + f64::EPSILON * lo.abs().max(1e-300)),
            Range::HalfOpen(lo, hi) => v.clamp(lo, hi - 1e-12),
            Range::Closed(lo, hi) => v.clamp(lo, hi),
            Range::Bool => f64::from(u8::from(v != 0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Param = Param {
        key: "p",
        label: "p",
        range: Range::HalfOpen(0.0, 1.0),
        scale: Scale::OneMinusLog,
        slider: (0.0, 0.999),
        default: 0.9,
        help: "",
    };

    #[test]
    fn clamping_lands_inside_the_range() {
        for range in [
            Range::Any,
            Range::AtLeast(1.0),
            Range::Above(0.0),
            Range::HalfOpen(0.0, 1.0),
            Range::Closed(-1.0, 1.0),
            Range::Bool,
        ] {
            let p = Param { range, ..P };
            for v in [-1e300, -2.0, -0.5, 0.0, 0.3, 1.0, 7.0, 1e300] {
                let c = p.clamp(v);
                assert!(range.contains(c), "{range:?} clamps {v} to {c}");
                if range.contains(v) {
                    assert_eq!(c, v, "{range:?} keeps a valid {v}");
                }
            }
        }
        assert_eq!(P.clamp(f64::NAN), 0.9);
        assert_eq!(P.with_default(0.5).clamp(f64::INFINITY), 0.5);
    }

    #[test]
    fn ranges_read_as_in_messages() {
        assert_eq!(Range::Any.to_string(), "finite");
        assert_eq!(Range::Above(0.0).to_string(), "> 0");
        assert_eq!(Range::AtLeast(1.0).to_string(), "≥ 1");
        assert_eq!(Range::HalfOpen(0.0, 1.0).to_string(), "in [0, 1)");
        assert!(!Range::Any.contains(f64::INFINITY));
    }
}
