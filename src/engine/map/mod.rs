//! Maps of many runs. A **basin map** runs one optimizer from every pixel of a view and
//! records which known minimum each run reaches (and in how many steps), or that it diverged
//! or did not converge; a **sweep map** runs it from one start for every cell of a grid of two
//! hyperparameters. Both are thousands of runs, stepped in lockstep by the batched runner
//! ([`batch`]), which gives exactly what [`crate::engine::Stepper`] gives run by run.
//!
//! A map is computed progressively ([`Progressive`]): every 8th pixel first, then every 4th,
//! 2nd and the rest, each pass reusing the pixels already done, so a coarse picture exists at
//! once and the full one costs no more than computing it directly. A pass can also be
//! computed in slices of a budget of updates (the browser's frames, which have no threads),
//! each slice's cells shown as they land; every slice can be cancelled.

mod batch;

use super::optim::{Hyper, Knob};
use super::param::{Param, Range, Scale};
use super::run::{Cancelled, Control, OptimizerSpec, Problem, Trajectory};
use super::{Vec2, ViewBox};
use std::sync::atomic::Ordering;

/// Runs closer than this fraction of the surface's own view diagonal to a known minimum have
/// reached it.
pub const DEFAULT_TOLERANCE: f64 = 1e-3;
/// Runs farther than this many view diagonals from the view's centre have diverged.
pub const ESCAPE_DIAGONALS: f64 = 1e3;
/// The strides of the progressive passes, coarse to fine.
pub const PASSES: [usize; 4] = [8, 4, 2, 1];

/// How one run of a map ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// Came within the tolerance of known minimum `minimum` (an index into
    /// [`Judge::minima`]) after `step` updates.
    Converged { minimum: u16, step: u32 },
    /// Its iterate or loss stopped being finite, or it left the view far behind, at `step`.
    Diverged { step: u32 },
    /// Took every update (or stalled) without reaching a minimum.
    NotConverged,
}

/// One run's result: how it ended and its loss then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub outcome: Outcome,
    /// The loss at the last iterate (where the run stopped).
    pub loss: f64,
}

impl Cell {
    /// A cell not computed yet.
    pub const EMPTY: Cell = Cell {
        outcome: Outcome::NotConverged,
        loss: f64::NAN,
    };

    /// Whether the run made things worse or blew up: it diverged, or ended with a loss above
    /// `start_loss` (a sweep's run just beyond a stability bound grows too slowly to overflow
    /// within its steps, but its loss grows).
    pub fn is_unstable(&self, start_loss: f64) -> bool {
        matches!(self.outcome, Outcome::Diverged { .. })
            || !self.loss.is_finite()
            || self.loss > start_loss
    }

    /// The outcome in a few words, for a hover read-out and the CSV.
    pub fn describe(&self) -> String {
        match self.outcome {
            Outcome::Converged { minimum, step } => {
                format!("reaches minimum {} in {step} steps", minimum + 1)
            }
            Outcome::Diverged { step } => format!("diverges at step {step}"),
            Outcome::NotConverged => "does not converge".to_string(),
        }
    }
}

/// Decides, iterate by iterate, whether a run has ended: the same rule for the batched
/// runner and for a trajectory run on its own ([`Judge::outcome_of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Judge {
    /// The surface's known minima, in its order.
    pub minima: Vec<Vec2>,
    tol2: f64,
    center: Vec2,
    escape2: f64,
}

impl Judge {
    /// Minima and distances for `problem`'s surface: reaching within `tolerance` × the
    /// surface's view diagonal of a minimum converges, leaving [`ESCAPE_DIAGONALS`] diagonals
    /// from the view's centre diverges.
    pub fn new(problem: &Problem, tolerance: f64) -> Judge {
        let view = problem.surface.view_box();
        let diagonal = view.width().hypot(view.height());
        let tol = tolerance * diagonal;
        let escape = ESCAPE_DIAGONALS * diagonal;
        Judge {
            minima: problem.surface.minima(),
            tol2: tol * tol,
            center: Vec2::new(0.5 * (view.x[0] + view.x[1]), 0.5 * (view.y[0] + view.y[1])),
            escape2: escape * escape,
        }
    }

    /// The outcome if a run whose iterate after `step` updates is `(x, y)` with loss `f`
    /// ends there.
    #[inline]
    pub fn check(&self, x: f64, y: f64, f: f64, step: u64) -> Option<Outcome> {
        let step = u32::try_from(step).unwrap_or(u32::MAX);
        if !(x.is_finite() && y.is_finite() && f.is_finite()) {
            return Some(Outcome::Diverged { step });
        }
        let (dx, dy) = (x - self.center.x, y - self.center.y);
        if dx * dx + dy * dy > self.escape2 {
            return Some(Outcome::Diverged { step });
        }
        for (i, m) in self.minima.iter().enumerate() {
            let (dx, dy) = (x - m.x, y - m.y);
            if dx * dx + dy * dy <= self.tol2 {
                let minimum = u16::try_from(i).unwrap_or(u16::MAX);
                return Some(Outcome::Converged { minimum, step });
            }
        }
        None
    }

    /// Whether a run at `(x, y)` with loss `f` may have diverged there: true whenever
    /// [`Judge::check`] would say so. Branch-free, for the batched runner's vectorised loop.
    #[inline(always)]
    pub(crate) fn may_leave(&self, x: f64, y: f64, f: f64) -> bool {
        let (dx, dy) = (x - self.center.x, y - self.center.y);
        // a non-finite iterate makes the distance NaN or infinite
        let d2 = dx * dx + dy * dy;
        d2.is_nan() | (d2 > self.escape2) | !f.is_finite()
    }

    /// Whether any of the runs at `(xs[i], ys[i])` may have reached a known minimum: true
    /// whenever [`Judge::check`] would say one has. Branch-free passes, one per minimum, so
    /// the batched runner only looks at runs one by one on the few steps where something
    /// happens.
    #[inline(always)]
    pub(crate) fn may_reach_any(&self, xs: &[f64], ys: &[f64]) -> bool {
        let n = xs.len().min(ys.len());
        let (xs, ys) = (&xs[..n], &ys[..n]);
        let mut any = false;
        for m in &self.minima {
            for i in 0..n {
                let (dx, dy) = (xs[i] - m.x, ys[i] - m.y);
                any |= dx * dx + dy * dy <= self.tol2;
            }
        }
        any
    }

    /// The cell of a trajectory computed on its own: what the map must show for its start.
    pub fn outcome_of(&self, t: &Trajectory) -> Cell {
        for (k, (w, &f)) in t.points.iter().zip(&t.losses).enumerate() {
            if let Some(outcome) = self.check(w.x, w.y, f, k as u64) {
                return Cell { outcome, loss: f };
            }
        }
        Cell {
            outcome: Outcome::NotConverged,
            loss: t.losses.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// One axis of a sweep: a hyperparameter over a range, spaced as its slider is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub knob: Knob,
    /// Values at the two ends, low first.
    pub range: [f64; 2],
    pub scale: Scale,
}

impl Axis {
    /// `knob` over `range`, spaced as the knob's slider: logarithmically for a learning rate
    /// or ε, in log(1 − v) for a decay (momentum, β…), evenly otherwise.
    pub fn new(knob: Knob, range: [f64; 2]) -> Axis {
        Axis {
            knob,
            range,
            scale: knob.info().scale,
        }
    }

    fn warp(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Log => v.ln(),
            Scale::OneMinusLog => (1.0 - v).ln(),
            _ => v,
        }
    }

    fn unwarp(&self, s: f64) -> f64 {
        match self.scale {
            Scale::Log => s.exp(),
            Scale::OneMinusLog => 1.0 - s.exp(),
            _ => s,
        }
    }

    /// The value at fraction `t` of the axis (0 at `range[0]`, 1 at `range[1]`).
    pub fn at(&self, t: f64) -> f64 {
        let [a, b] = self.range.map(|v| self.warp(v));
        self.unwarp(a + t * (b - a))
    }

    /// Where `v` lies along the axis, as a fraction (the inverse of [`Axis::at`]).
    pub fn fraction(&self, v: f64) -> f64 {
        let [a, b] = self.range.map(|v| self.warp(v));
        (self.warp(v) - a) / (b - a)
    }

    /// Why this axis cannot be swept for an optimizer reading `knobs`, if it cannot: the
    /// knob must be one of them and numeric, and both ends inside its range, distinct and
    /// (on a log axis) where the logarithm is finite.
    pub fn check(&self, knobs: &[Knob]) -> Result<(), String> {
        let p: Param = self.knob.info();
        if !knobs.contains(&self.knob) {
            return Err(format!("the optimizer has no hyperparameter {}", p.key));
        }
        if p.range == Range::Bool {
            return Err(format!("{} is a switch, not a number to sweep", p.key));
        }
        let [lo, hi] = self.range;
        let ends_ok = self.range.iter().all(|&v| {
            let w = self.warp(v);
            p.range.contains(v) && w.is_finite()
        });
        if !ends_ok || lo >= hi {
            let spacing = match self.scale {
                Scale::Log => " (a log axis: both above 0)",
                Scale::OneMinusLog => " (a log(1 − v) axis: both below 1)",
                _ => "",
            };
            return Err(format!(
                "the range {lo},{hi} of {} is not valid: it needs low < high, both {}{spacing}",
                p.key, p.range
            ));
        }
        Ok(())
    }
}

/// What a map's cells are.
#[derive(Clone, Debug, PartialEq)]
pub enum MapKind {
    /// Each pixel of `view` is a start; row 0 is the top.
    Basin { view: ViewBox },
    /// Each cell is a run from the problem's start with `x` and `y` set; row 0 is the top
    /// (the high end of `y`).
    Sweep { x: Axis, y: Axis },
}

/// Everything a map is computed from.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    pub kind: MapKind,
    pub problem: Problem,
    pub optimizer: OptimizerSpec,
    /// Columns and rows.
    pub size: [usize; 2],
    /// See [`Judge::new`].
    pub tolerance: f64,
}

impl MapSpec {
    /// Column `i`, row `j`'s fractions along x (left to right) and y (bottom to top), at the
    /// cell's centre.
    fn fractions(&self, i: usize, j: usize) -> (f64, f64) {
        let [w, h] = self.size.map(|s| s.max(1) as f64);
        ((i as f64 + 0.5) / w, 1.0 - (j as f64 + 0.5) / h)
    }

    /// The start of a basin map's pixel `(i, j)`, or the problem's start for a sweep.
    pub fn start(&self, i: usize, j: usize) -> Vec2 {
        match &self.kind {
            MapKind::Basin { view } => {
                let (tx, ty) = self.fractions(i, j);
                Vec2::new(
                    view.x[0] + tx * view.width(),
                    view.y[0] + ty * view.height(),
                )
            }
            MapKind::Sweep { .. } => self.problem.start,
        }
    }

    /// The basin map's pixel whose square holds `p`, if it lies in the view (a sweep has
    /// no such pixel): the inverse of [`MapSpec::start`].
    pub fn pixel_of(&self, p: Vec2) -> Option<(usize, usize)> {
        let MapKind::Basin { view } = &self.kind else {
            return None;
        };
        let tx = (p.x - view.x[0]) / view.width();
        let ty = (view.y[1] - p.y) / view.height();
        let [w, h] = self.size;
        ((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty))
            .then_some(((tx * w as f64) as usize, (ty * h as f64) as usize))
    }

    /// The hyperparameters of cell `(i, j)`: the optimizer's own for a basin map.
    pub fn hyper(&self, i: usize, j: usize) -> Hyper {
        let mut h = self.optimizer.hyper;
        if let MapKind::Sweep { x, y } = &self.kind {
            let (tx, ty) = self.fractions(i, j);
            h.set(x.knob, x.at(tx));
            h.set(y.knob, y.at(ty));
        }
        h
    }

    /// The optimizer of cell `(i, j)` on its own, with the problem it runs: what the map's
    /// cell must agree with.
    pub fn single(&self, i: usize, j: usize) -> (OptimizerSpec, Problem) {
        let mut spec = self.optimizer.clone();
        spec.hyper = self.hyper(i, j);
        let problem = Problem {
            start: self.start(i, j),
            ..self.problem.clone()
        };
        (spec, problem)
    }

    pub fn judge(&self) -> Judge {
        Judge::new(&self.problem, self.tolerance)
    }

    /// Updates the whole map may take: cells × steps.
    pub fn work(&self) -> u64 {
        (self.size[0] as u64)
            .saturating_mul(self.size[1] as u64)
            .saturating_mul(self.problem.steps)
    }
}

/// What one call of [`Progressive::refine_within`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Cells computed by this call.
    pub cells: usize,
    /// Updates they took (each run stops early once it has converged or diverged).
    pub updates: u64,
    /// Whether cells remain to compute.
    pub more: bool,
}

/// A map being computed pass by pass, each pass in as many slices as asked; its cells so far
/// can be drawn at any time.
#[derive(Clone, Debug)]
pub struct Progressive {
    pub spec: MapSpec,
    judge: Judge,
    /// Row-major, row 0 at the top; cells not computed yet are [`Cell::EMPTY`].
    cells: Vec<Cell>,
    /// Which cells are computed: a pass's cells show as they land, before the pass ends.
    computed: Vec<bool>,
    /// Index into [`PASSES`] of the pass under way (or next); `PASSES.len()` once complete.
    next: usize,
    /// The cells of that pass, once it has begun, and how many of them are computed.
    pending: Option<Vec<usize>>,
    cursor: usize,
}

impl Progressive {
    pub fn new(spec: MapSpec) -> Progressive {
        let [w, h] = spec.size;
        Progressive {
            judge: spec.judge(),
            cells: vec![Cell::EMPTY; w * h],
            computed: vec![false; w * h],
            spec,
            next: 0,
            pending: None,
            cursor: 0,
        }
    }

    pub fn judge(&self) -> &Judge {
        &self.judge
    }

    pub fn is_complete(&self) -> bool {
        self.next >= PASSES.len()
    }

    /// The stride of the finest pass done (1: full resolution), `None` before the first.
    pub fn stride(&self) -> Option<usize> {
        self.next.checked_sub(1).map(|p| PASSES[p])
    }

    /// The fraction of the cells computed, 0 to 1.
    pub fn fraction_done(&self) -> f64 {
        let done = self.computed.iter().filter(|&&c| c).count();
        done as f64 / self.computed.len().max(1) as f64
    }

    /// Cell `(i, j)` as far as computed: the cell itself, or the computed cell nearest above
    /// and left of it on the finest stride that has one (the corner of its block), so a
    /// coarse pass's cell stands for its block until a finer one lands.
    pub fn cell(&self, i: usize, j: usize) -> Cell {
        let [w, h] = self.spec.size;
        if i >= w || j >= h {
            return Cell::EMPTY;
        }
        PASSES
            .iter()
            .rev()
            .map(|&s| (j - j % s) * w + (i - i % s))
            .find(|&k| self.computed[k])
            .map_or(Cell::EMPTY, |k| self.cells[k])
    }

    /// Computes the rest of the current pass. Returns whether passes remain.
    pub fn refine(&mut self, control: &Control) -> Result<bool, Cancelled> {
        Ok(self.refine_within(control, u64::MAX)?.more)
    }

    /// Computes the next cells of the current pass, as many as `max_updates` updates surely
    /// cover (each run takes at most the problem's steps; at least one cell, so every call
    /// makes progress), resuming where the last call stopped: the browser's time slices. A
    /// cancelled call leaves the map as it was.
    pub fn refine_within(
        &mut self,
        control: &Control,
        max_updates: u64,
    ) -> Result<Progress, Cancelled> {
        let Some(&stride) = PASSES.get(self.next) else {
            return Ok(Progress {
                cells: 0,
                updates: 0,
                more: false,
            });
        };
        let coarser = self.next.checked_sub(1).map(|p| PASSES[p]);
        let [w, h] = self.spec.size;
        let todo = self.pending.get_or_insert_with(|| {
            (0..h)
                .step_by(stride)
                .flat_map(|j| (0..w).step_by(stride).map(move |i| (i, j)))
                .filter(|&(i, j)| {
                    coarser.is_none_or(|c| !(i.is_multiple_of(c) && j.is_multiple_of(c)))
                })
                .map(|(i, j)| j * w + i)
                .collect()
        });
        let per_cell = self.spec.problem.steps.max(1);
        let fits = usize::try_from(max_updates / per_cell).unwrap_or(usize::MAX);
        let end = self.cursor.saturating_add(fits.max(1)).min(todo.len());
        let slice = &todo[self.cursor..end];
        let before = control.updates.load(Ordering::Relaxed);
        let computed = batch::run_cells(&self.spec, &self.judge, slice, control)?;
        for (&index, cell) in slice.iter().zip(computed) {
            self.cells[index] = cell;
            self.computed[index] = true;
        }
        let cells = slice.len();
        self.cursor = end;
        if end == todo.len() {
            self.next += 1;
            self.pending = None;
            self.cursor = 0;
        }
        Ok(Progress {
            cells,
            updates: control
                .updates
                .load(Ordering::Relaxed)
                .saturating_sub(before),
            more: !self.is_complete(),
        })
    }

    /// Every pass left.
    pub fn finish(&mut self, control: &Control) -> Result<(), Cancelled> {
        while self.refine(control)? {}
        Ok(())
    }

    /// The cells, row-major from the top, as far as computed (see [`Progressive::cell`]).
    pub fn cells(&self) -> Vec<Cell> {
        let [w, h] = self.spec.size;
        (0..h)
            .flat_map(|j| (0..w).map(move |i| (i, j)))
            .map(|(i, j)| self.cell(i, j))
            .collect()
    }
}

/// Every cell of `spec` at full resolution, in one go.
pub fn compute(spec: &MapSpec, control: &Control) -> Result<Vec<Cell>, Cancelled> {
    let judge = spec.judge();
    let all: Vec<usize> = (0..spec.size[0] * spec.size[1]).collect();
    batch::run_cells(spec, &judge, &all, control)
}

/// Whether `control` asks to stop.
fn cancelled(control: &Control) -> bool {
    control.cancel.load(Ordering::Relaxed)
}

/// A 64 × 12 lr × momentum sweep of `kind` on the κ = 20 quadratic, 500 steps from
/// (1.5, 1.5): the map the stability tests (here and in the figure) measure.
#[cfg(test)]
pub(crate) fn quadratic_sweep(kind: super::OptimizerKind) -> MapSpec {
    use super::{Surface, SurfaceKind};
    MapSpec {
        kind: MapKind::Sweep {
            x: Axis::new(Knob::Lr, [1e-3, 1.0]),
            y: Axis::new(Knob::Momentum, [0.0, 0.9]),
        },
        problem: Problem {
            start: Vec2::new(1.5, 1.5),
            surface: Surface::new(SurfaceKind::Quadratic).with_param("kappa", 20.0),
            steps: 500,
            seed: 0,
        },
        optimizer: OptimizerSpec::new(kind),
        size: [64, 12],
        tolerance: DEFAULT_TOLERANCE,
    }
}

#[cfg(test)]
mod tests;
