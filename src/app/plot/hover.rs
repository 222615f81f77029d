//! What is under the pointer: the loss, the gradient's norm and the Hessian's eigenvalues,
//! shown above the plot and in its tooltip.

use crate::engine::map::Cell;
use crate::engine::{Surface, Vec2};
use crate::figure::model::sig;

/// What is under the pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hover {
    pub at: Vec2,
    pub loss: f64,
    pub grad_norm: f64,
    pub eigenvalues: [f64; 2],
    /// On a data surface: the training examples, n.
    pub examples: Option<usize>,
    /// On a data surface with held-out examples: their loss here.
    pub test_loss: Option<f64>,
    /// With basin maps shown: the map's cell here, with the start it stands for.
    pub basin: Option<(Vec2, Cell)>,
}

impl Hover {
    pub fn at(surface: &Surface, at: Vec2) -> Hover {
        let (loss, g, _) = surface.value_grad_hess(at);
        Hover {
            at,
            loss,
            grad_norm: g.norm(),
            eigenvalues: surface.hessian_eigenvalues(at),
            examples: surface.data_surface().map(|d| d.len()),
            test_loss: surface.test_value(at),
            basin: None,
        }
    }

    /// "κ = 12.3", or why there is no condition number here.
    pub fn conditioning(&self) -> String {
        let [lo, hi] = self.eigenvalues;
        if lo > 0.0 {
            format!("condition number {}", sig(hi / lo))
        } else if hi < 0.0 {
            "concave here (a maximum-like region)".to_string()
        } else {
            "indefinite here (saddle-like)".to_string()
        }
    }

    pub fn text(&self) -> String {
        let data = match (self.examples, self.test_loss) {
            (Some(n), Some(t)) => format!(" (mean over n = {n} examples; test loss {})", sig(t)),
            (Some(n), None) => format!(" (mean over n = {n} examples)"),
            _ => String::new(),
        };
        let basin = self.basin.map_or_else(String::new, |(start, cell)| {
            // first: the single-line read-out above the plot is cut at its end
            format!("{}\n", super::basins::describe(start, &cell))
        });
        format!(
            "{basin}x = {}, y = {}\nloss = {}{data}\n|gradient| = {}\nHessian eigenvalues {}, {}\n{}",
            sig(self.at.x),
            sig(self.at.y),
            sig(self.loss),
            sig(self.grad_norm),
            sig(self.eigenvalues[0]),
            sig(self.eigenvalues[1]),
            self.conditioning()
        )
    }
}
