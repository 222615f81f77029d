//! Labels that follow their values: a lesson's label such as "GD lr=0.05 (too high)" names the
//! hyperparameters it was written for, so when a slider moves one of them the number in the
//! label is rewritten ("GD lr=0.01 (too high)") and the legend, the controls and the info
//! panel never show a value the optimizer no longer has. Only `name=value` pairs whose name
//! is a hyperparameter's key or symbol are touched; any other text is kept as written, and a
//! label the user typed in the app is left alone altogether (the controls remember those).

use crate::engine::OptimizerSpec;
use crate::engine::optim::Knob;

/// The names a label may use for `knob`'s value (`lr=0.05`, `μ=0.9`, `wd=0.01`).
fn names(knob: Knob) -> &'static [&'static str] {
    match knob {
        Knob::Lr => &["lr"],
        Knob::Momentum => &["μ", "momentum"],
        Knob::Eps => &["ε", "eps"],
        Knob::WeightDecay => &["wd", "weight_decay"],
        Knob::Alpha => &["α", "alpha"],
        Knob::Rho | Knob::Radius => &["ρ", "rho"],
        Knob::MomentumDecay => &["ψ", "momentum_decay"],
        Knob::Beta1 => &["β₁", "beta1"],
        Knob::Beta2 => &["β₂", "beta2"],
        Knob::Damping => &["damping"],
        Knob::Dampening => &["dampening"],
        Knob::Noise => &["noise"],
        Knob::LrDecay => &["lr_decay"],
        Knob::InitialAccumulatorValue => &["initial_accumulator_value"],
        Knob::Centered | Knob::BiasCorrection => &[],
    }
}

/// A value as a label writes it: three significant digits, no trailing zeros (0.01, 0.999,
/// 1e-8).
pub fn short(v: f64) -> String {
    let s = crate::figure::model::sig(v);
    let (mantissa, exponent) = match s.split_once('e') {
        Some((m, e)) => (m.to_string(), format!("e{e}")),
        None => (s, String::new()),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        mantissa
    };
    format!("{mantissa}{exponent}")
}

/// Whether `c` can be part of a name, so `final_lr=` is not taken for `lr=`.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `label` with the number after every `name=` replaced by `value`.
fn replace_number(label: &str, name: &str, value: &str) -> String {
    let pattern = format!("{name}=");
    let mut out = String::with_capacity(label.len());
    let mut rest = label;
    while let Some(k) = rest.find(&pattern) {
        let prev = rest[..k]
            .chars()
            .next_back()
            .or_else(|| out.chars().next_back());
        let before_ok = !prev.is_some_and(word_char);
        let after = &rest[k + pattern.len()..];
        let len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')))
            .map_or(after.len(), |(i, _)| i);
        // a trailing '.' or '-' ends a sentence, not the number
        let number = after[..len].trim_end_matches(['.', '-', '+', 'e', 'E']);
        out.push_str(&rest[..k + pattern.len()]);
        if before_ok && number.parse::<f64>().is_ok() {
            out.push_str(value);
            rest = &after[number.len()..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `label` with every hyperparameter value it names set to `spec`'s current one.
pub fn follow_values(label: &str, spec: &OptimizerSpec) -> String {
    let mut out = label.to_string();
    let knobs: Vec<Knob> = spec.kind.knobs().collect();
    for &knob in &knobs {
        let value = short(spec.hyper.get(knob));
        for name in names(knob) {
            out = replace_number(&out, name, &value);
        }
    }
    if knobs.contains(&Knob::Beta1) && knobs.contains(&Knob::Beta2) {
        let pair = format!(
            "({}, {})",
            short(spec.hyper.get(Knob::Beta1)),
            short(spec.hyper.get(Knob::Beta2))
        );
        for name in ["β=", "betas="] {
            if let Some(k) = out.find(name)
                && out[k + name.len()..].starts_with('(')
                && let Some(close) = out[k..].find(')')
            {
                out.replace_range(k + name.len()..k + close + 1, &pair);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::OptimizerKind;

    fn spec(kind: OptimizerKind, set: &[(Knob, f64)]) -> OptimizerSpec {
        let mut s = OptimizerSpec::new(kind);
        for &(k, v) in set {
            s.hyper.set(k, v);
        }
        s
    }

    #[test]
    fn a_named_value_follows_the_slider() {
        let gd = spec(OptimizerKind::Gd, &[(Knob::Lr, 0.01)]);
        assert_eq!(follow_values("GD lr=0.05", &gd), "GD lr=0.01");
        assert_eq!(
            follow_values("GD lr=0.25 (too high)", &gd),
            "GD lr=0.01 (too high)"
        );
        let m = spec(
            OptimizerKind::Momentum,
            &[(Knob::Lr, 0.002), (Knob::Momentum, 0.95)],
        );
        assert_eq!(
            follow_values("Momentum lr=0.02 μ=0.9", &m),
            "Momentum lr=0.002 μ=0.95"
        );
        let adam = spec(OptimizerKind::Adam, &[(Knob::Beta2, 0.99)]);
        assert_eq!(
            follow_values("Adam lr=0.05 β=(0.9, 0.9)", &adam),
            "Adam lr=0.001 β=(0.9, 0.99)"
        );
    }

    #[test]
    fn other_text_is_kept() {
        let gd = spec(OptimizerKind::Gd, &[(Knob::Lr, 0.3)]);
        for label in [
            "GD",
            "my favourite",
            "GD (lr tuned by hand)",
            "final_lr=0.1",
        ] {
            assert_eq!(follow_values(label, &gd), label);
        }
        // a knob GD does not have is not rewritten
        assert_eq!(follow_values("GD lr=0.1 μ=0.9", &gd), "GD lr=0.3 μ=0.9");
        assert_eq!(follow_values("ends with lr=0.1.", &gd), "ends with lr=0.3.");
    }

    #[test]
    fn values_are_written_short() {
        assert_eq!(short(0.01), "0.01");
        assert_eq!(short(0.9999), "0.9999");
        assert_eq!(short(1e-8), "1e-8");
        assert_eq!(short(2.0), "2");
        assert_eq!(short(0.123456), "0.1235");
    }
}
