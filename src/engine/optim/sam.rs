//! Sharpness-aware minimization (Foret et al., 2021) with plain gradient descent as the base.

use super::{Entry, Insight, Rule, StepContext};
use crate::engine::Vec2;
use super::hyper::{lr, radius};

pub const ENTRY: Entry = Entry {
    key: "sam",
    name: "SAM",
    hyper: &[lr(0.01), radius(0.05)],
    rule: "e = ρ·g/‖g‖\ng2 = ∇f(w + e)   (the gradient a step uphill)\nw ← w − lr·g2",
    about: "Sharpness-aware minimization: takes the gradient at a point ρ uphill, which penalises sharp minima and favours wide ones.",
    stability: None,
    build: |h| {
        Box::new(Sam {
            rho: h.radius,
            direction: None,
        })
    },
};

/// `e = ρ·g/(‖g‖ + 1e-12)`; `g′ = ∇f(w + e)`; `w ← w − lr·g′`.
#[derive(Clone)]
pub struct Sam {
    pub rho: f64,
    /// The last update's gradient at the ascent point.
    direction: Option<Vec2>,
}

impl Rule for Sam {
    fn step(&mut self, w: Vec2, g: Vec2, ctx: &StepContext) -> Option<Vec2> {
        let e = g * (self.rho / (g.norm() + 1e-12));
        let g_ascent = ctx.probe.gradient(w + e);
        self.direction = Some(g_ascent);
        Some(w - ctx.lr * g_ascent)
    }

    fn insight(&self) -> Insight {
        Insight {
            direction: self.direction.map(|d| ("∇f(w + ε)", d)),
            rate: None,
        }
    }
}
