//! What a map of many runs looks like, with no window: each cell's colour (a hue per minimum
//! shaded by the steps it took, marked colours for runs that diverged or did not converge; a
//! sweep's cells by steps to the tolerance), the legend's rows with each outcome's share, the
//! stability bounds theory puts on a quadratic's sweep and where the optimizer's own setting
//! lies. The PNG painter ([`crate::export`]) and the app paint from this.

use super::model::LegendEntry;
use super::{colormap, palette};
use crate::engine::map::{Cell, MapKind, MapSpec, Outcome};
use crate::engine::{Knob, OptimizerKind, SurfaceKind, Vec2};

/// Runs that diverged (or, in a sweep, ended above their starting loss).
pub const DIVERGED: [u8; 3] = [150, 20, 45];
/// Runs that took every step without reaching a minimum.
pub const NOT_CONVERGED: [u8; 3] = [96, 96, 96];
/// One hue per known minimum, in the surface's order: Okabe–Ito without the red and the
/// white of the trail palette, so none reads as [`DIVERGED`] or [`NOT_CONVERGED`].
pub const MINIMA: [[u8; 3]; 6] = [
    palette::PALETTE[1], // sky blue
    palette::PALETTE[0], // orange
    palette::PALETTE[5], // bluish green
    palette::PALETTE[2], // yellow
    palette::PALETTE[4], // reddish purple
    palette::PALETTE[9], // pear
];

/// A basin map cell's hue, darker the more steps it took (up to `steps`, the budget).
pub fn basin_color(cell: &Cell, steps: u64) -> [u8; 3] {
    match cell.outcome {
        Outcome::Converged { minimum, step } => {
            let hue = MINIMA[usize::from(minimum) % MINIMA.len()];
            // a run that needed the whole budget keeps 35 % of its hue's brightness
            let dim = 1.0 - 0.65 * slowness(step, steps);
            hue.map(|c| (f64::from(c) * dim).round() as u8)
        }
        Outcome::Diverged { .. } => DIVERGED,
        Outcome::NotConverged => NOT_CONVERGED,
    }
}

/// `step` of `steps` on a log scale: 0 at once, 1 at the budget.
fn slowness(step: u32, steps: u64) -> f64 {
    let most = (steps.max(1) as f64).ln_1p();
    (f64::from(step).ln_1p() / most).clamp(0.0, 1.0)
}

/// A sweep cell's colour: viridis by steps to the tolerance (yellow at once, purple at the
/// budget), grey if it never got there, [`DIVERGED`] if it ended above `start_loss` or blew up.
pub fn sweep_color(cell: &Cell, steps: u64, start_loss: f64) -> [u8; 3] {
    if cell.is_unstable(start_loss) {
        return DIVERGED;
    }
    match cell.outcome {
        Outcome::Converged { step, .. } => colormap::viridis(1.0 - slowness(step, steps)),
        _ => NOT_CONVERGED,
    }
}

/// What a map's colours need besides the cells.
#[derive(Clone, Copy, Debug)]
pub struct Coloring {
    pub sweep: bool,
    pub steps: u64,
    pub start_loss: f64,
}

impl Coloring {
    pub fn of(spec: &MapSpec) -> Coloring {
        Coloring {
            sweep: matches!(spec.kind, MapKind::Sweep { .. }),
            steps: spec.problem.steps,
            start_loss: spec.problem.surface.value(spec.problem.start),
        }
    }

    pub fn color(&self, cell: &Cell) -> [u8; 3] {
        if cell.loss.is_nan() && cell.outcome == Outcome::NotConverged {
            // not computed yet
            return NOT_CONVERGED;
        }
        if self.sweep {
            sweep_color(cell, self.steps, self.start_loss)
        } else {
            basin_color(cell, self.steps)
        }
    }
}

/// The legend: each minimum reached (where it is, and the share of runs reaching it), then
/// the runs that diverged and those that did not converge.
pub fn legend(spec: &MapSpec, minima: &[Vec2], cells: &[Cell]) -> Vec<LegendEntry> {
    let coloring = Coloring::of(spec);
    let n = cells.len().max(1) as f64;
    let share = |k: usize| format!("{:.1} % of runs", 100.0 * k as f64 / n);
    let mut reached = vec![0usize; minima.len()];
    let (mut diverged, mut other) = (0usize, 0usize);
    for c in cells {
        if coloring.sweep && c.is_unstable(coloring.start_loss) {
            diverged += 1;
            continue;
        }
        match c.outcome {
            Outcome::Converged { minimum, .. } => {
                if let Some(r) = reached.get_mut(usize::from(minimum)) {
                    *r += 1;
                }
            }
            Outcome::Diverged { .. } => diverged += 1,
            Outcome::NotConverged => other += 1,
        }
    }
    let mut rows = Vec::new();
    if coloring.sweep {
        let total: usize = reached.iter().sum();
        rows.push(LegendEntry {
            // not an optimizer's row: nothing to highlight, a solid swatch
            index: usize::MAX,
            dashed: false,
            label: "converges (brighter: fewer steps)".into(),
            color: colormap::viridis(0.8),
            status: share(total),
            alert: false,
        });
    } else {
        for (i, (m, &k)) in minima.iter().zip(&reached).enumerate() {
            rows.push(LegendEntry {
                // not an optimizer's row: nothing to highlight, a solid swatch
                index: usize::MAX,
                dashed: false,
                label: format!("minimum {} ({:.2}, {:.2})", i + 1, m.x, m.y),
                color: MINIMA[i % MINIMA.len()],
                status: share(k),
                alert: false,
            });
        }
    }
    let unstable = if coloring.sweep {
        "diverges or ends above its start"
    } else {
        "diverges"
    };
    rows.push(LegendEntry {
        // not an optimizer's row: nothing to highlight, a solid swatch
        index: usize::MAX,
        dashed: false,
        label: unstable.into(),
        color: DIVERGED,
        status: share(diverged),
        alert: diverged > 0,
    });
    rows.push(LegendEntry {
        // not an optimizer's row: nothing to highlight, a solid swatch
        index: usize::MAX,
        dashed: false,
        label: format!("not converged in {} steps", spec.problem.steps),
        color: NOT_CONVERGED,
        status: share(other),
        alert: false,
    });
    rows
}

/// A stability bound drawn over a sweep: its name and its points as fractions along the
/// sweep's axes (x left to right, y bottom to top).
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub label: String,
    pub points: Vec<[f64; 2]>,
}

/// The largest stable learning rates theory gives on a quadratic, over an lr sweep: 2/λmax
/// (GD) and, for momentum and Nesterov, 2(1 + μ)/λmax along the momentum axis.
pub fn stability_bounds(spec: &MapSpec) -> Vec<Bound> {
    let MapKind::Sweep { x, y } = &spec.kind else {
        return Vec::new();
    };
    let surface = &spec.problem.surface;
    if surface.kind() != SurfaceKind::Quadratic || x.knob != Knob::Lr {
        return Vec::new();
    }
    let lambda = surface.hessian_eigenvalues(spec.problem.start)[1];
    if !(lambda > 0.0 && lambda.is_finite()) {
        return Vec::new();
    }
    let gd = 2.0 / lambda;
    let mut bounds = vec![Bound {
        label: format!("2/λmax = {}", super::model::sig(gd)),
        points: vec![[x.fraction(gd), 0.0], [x.fraction(gd), 1.0]],
    }];
    let kind = spec.optimizer.kind;
    if y.knob == Knob::Momentum && matches!(kind, OptimizerKind::Momentum | OptimizerKind::Nesterov)
    {
        let points = (0..=100)
            .map(|k| {
                let ty = f64::from(k) / 100.0;
                let mu = y.at(ty);
                [x.fraction(2.0 * (1.0 + mu) / lambda), ty]
            })
            .collect();
        bounds.push(Bound {
            label: "2(1 + μ)/λmax".into(),
            points,
        });
    }
    bounds
}

/// Where the optimizer's own setting lies on a sweep, as fractions along its axes.
pub fn current_setting(spec: &MapSpec) -> Option<[f64; 2]> {
    let MapKind::Sweep { x, y } = &spec.kind else {
        return None;
    };
    let h = &spec.optimizer.hyper;
    let p = [x.fraction(h.get(x.knob)), y.fraction(h.get(y.knob))];
    p.iter().all(|v| v.is_finite()).then_some(p)
}
