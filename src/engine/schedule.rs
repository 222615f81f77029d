//! Learning-rate schedules and gradient clipping, shared by every optimizer.

use super::Vec2;

/// A learning-rate schedule; `k = t − 1` is the index of the update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// `(1 − k/τ)·lr + (k/τ)·final_lr` for k ≤ τ, `final_lr` after.
    Linear { final_lr: f64, steps: u64 },
    /// `lr·gamma^⌊k/every⌋`, as `torch.optim.lr_scheduler.StepLR`.
    Step { gamma: f64, every: u64 },
    /// `final_lr + (lr − final_lr)(1 + cos(πk/τ))/2` for k ≤ τ, `final_lr` after
    /// (unlike torch's `CosineAnnealingLR`, it does not climb back).
    Cosine { final_lr: f64, steps: u64 },
}

impl Schedule {
    pub fn kind(&self) -> &'static str {
        match self {
            Schedule::Linear { .. } => "linear",
            Schedule::Step { .. } => "step",
            Schedule::Cosine { .. } => "cosine",
        }
    }

    /// The learning rate of update `k = t − 1` for base rate `lr`.
    pub fn lr(&self, lr: f64, k: u64) -> f64 {
        match *self {
            Schedule::Linear { final_lr, steps } => {
                if k >= steps {
                    final_lr
                } else {
                    let f = k as f64 / steps as f64;
                    (1.0 - f) * lr + f * final_lr
                }
            }
            Schedule::Step { gamma, every } => {
                let decays = k / every.max(1);
                lr * gamma.powi(i32::try_from(decays).unwrap_or(i32::MAX))
            }
            Schedule::Cosine { final_lr, steps } => {
                if k > steps {
                    final_lr
                } else {
                    let phase = std::f64::consts::PI * k as f64 / steps.max(1) as f64;
                    final_lr + (lr - final_lr) * (1.0 + phase.cos()) / 2.0
                }
            }
        }
    }
}

/// `g · min(1, c/(‖g‖ + 1e-6))`, as `torch.nn.utils.clip_grad_norm_`.
pub fn clip_norm(g: Vec2, max_norm: f64) -> Vec2 {
    let coef = max_norm / (g.norm() + 1e-6);
    g * coef.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_schedule_first_decay_is_update_every() {
        let s = Schedule::Step {
            gamma: 0.5,
            every: 40,
        };
        assert_eq!(s.lr(0.1, 0), 0.1);
        assert_eq!(s.lr(0.1, 39), 0.1);
        assert_eq!(s.lr(0.1, 40), 0.05);
        assert_eq!(s.lr(0.1, 80), 0.025);
    }

    #[test]
    fn linear_and_cosine_end_at_final_and_stay() {
        let lin = Schedule::Linear {
            final_lr: 0.01,
            steps: 10,
        };
        assert_eq!(lin.lr(0.1, 0), 0.1);
        assert!((lin.lr(0.1, 5) - 0.055).abs() < 1e-15);
        assert_eq!(lin.lr(0.1, 10), 0.01);
        assert_eq!(lin.lr(0.1, 1000), 0.01);
        let cos = Schedule::Cosine {
            final_lr: 0.01,
            steps: 10,
        };
        assert_eq!(cos.lr(0.1, 0), 0.1);
        assert!((cos.lr(0.1, 10) - 0.01).abs() < 1e-15);
        assert_eq!(cos.lr(0.1, 11), 0.01);
        assert_eq!(
            cos.lr(0.1, 20),
            0.01,
            "must not climb back like CosineAnnealingLR"
        );
    }

    #[test]
    fn clipping_only_shrinks() {
        let g = Vec2::new(3.0, 4.0);
        assert_eq!(clip_norm(g, 10.0), g);
        let c = clip_norm(g, 1.0);
        assert!((c.norm() - 1.0).abs() < 1e-6);
    }
}
