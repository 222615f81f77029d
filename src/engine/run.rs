//! The one stepping loop every optimizer of a scene goes through, side by side from one start.
//!
//! Trajectories are computed up front: the app's animation only reveals them, so scrubbing,
//! slider drags and exports are instant and deterministic. A [`Stepper`] can also advance in
//! slices, for work that must be spread over frames or cancelled.
//!
//! On a data surface each update reads the gradient of its own minibatch (CONTRACT.md,
//! "Minibatches"); the loss recorded with each row is still the whole training set's.

use super::data::Minibatches;
use super::optim::{self, Insight, Knob, OptimizerKind, Probe, Rule, State, StepContext};
use super::schedule::{Schedule, clip_norm};
use super::surfaces::Surface;
use super::{Mat2, Vec2};
use chacha20::ChaCha12Rng;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One optimizer of a scene, as the engine needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerSpec {
    pub kind: OptimizerKind,
    pub label: String,
    pub hyper: optim::Hyper,
    pub clip_norm: Option<f64>,
    pub schedule: Option<Schedule>,
    /// Runs the optimizer in a basis rotated by this many degrees: it sees `f(R·u)` and its
    /// path is mapped back. GD does not care; per-coordinate methods (Adam, RMSprop…) do.
    pub basis_rotation: f64,
    /// Examples per minibatch on a data surface; `None` is the default (all n, or 1 for
    /// `sgd`). Clamped to 1 … n; ignored on a surface without data.
    pub batch_size: Option<usize>,
}

impl OptimizerSpec {
    /// `kind` with torch's defaults and its display name.
    pub fn new(kind: OptimizerKind) -> Self {
        OptimizerSpec {
            kind,
            label: kind.display_name().to_string(),
            hyper: kind.defaults(),
            clip_norm: None,
            schedule: None,
            basis_rotation: 0.0,
            batch_size: None,
        }
    }
}

/// What every optimizer of a scene shares.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub surface: Surface,
    pub start: Vec2,
    /// Updates per optimizer.
    pub steps: u64,
    /// Seeds the gradient noise; each optimizer draws the same stream, so noisy runs
    /// differ only by their hyperparameters.
    pub seed: u64,
}

impl Problem {
    /// The loss of the minibatch that `spec`'s update `t` (from 1) descends, as a surface
    /// (the same penalty): each minibatch has its own landscape. `None` off a data surface,
    /// at `t = 0`, or when the batch is the whole training set (the surface itself).
    pub fn batch_surface(&self, spec: &OptimizerSpec, t: u64) -> Option<Surface> {
        let d = self.surface.data_surface()?;
        let b = spec.effective_batch(&self.surface)?;
        if b >= d.len() {
            return None;
        }
        let batch = super::data::batch_of_update(d.len(), b, self.seed, t);
        Some(Surface::data(d.batch_surface(&batch)?, self.surface.l2()))
    }
}

/// How a trajectory ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Took every update.
    Ok,
    /// The iterate or its loss stopped being finite at this step (the last row).
    Diverged { step: u64 },
    /// Could not take a step after this one (e.g. Newton with a singular matrix).
    Stalled { step: u64 },
}

impl Status {
    pub fn key(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Diverged { .. } => "diverged",
            Status::Stalled { .. } => "stalled",
        }
    }
    pub fn step(&self) -> Option<u64> {
        match *self {
            Status::Ok => None,
            Status::Diverged { step } | Status::Stalled { step } => Some(step),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Ok => write!(f, "ok"),
            Status::Diverged { step } => write!(f, "diverged at step {step}"),
            Status::Stalled { step } => write!(f, "stalled at step {step}"),
        }
    }
}

/// The iterates of one optimizer: row k is the point after k updates.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub points: Vec<Vec2>,
    pub losses: Vec<f64>,
    pub status: Status,
}

impl Trajectory {
    /// The index of the last row.
    pub fn last_step(&self) -> usize {
        self.points.len().saturating_sub(1)
    }
    /// The row shown at animation step `k` (the last one once the trajectory has ended).
    pub fn at(&self, k: usize) -> Option<(Vec2, f64)> {
        let i = k.min(self.last_step());
        Some((*self.points.get(i)?, *self.losses.get(i)?))
    }
}

/// An optimizer's inside at one row of its trajectory: row 0 before the first update, row k
/// after update k. Read from the rule as it stepped (see [`optim::State`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    /// The state under torch's names, in the optimizer's basis.
    pub state: State,
    /// The update that led to this row; `None` at row 0.
    pub update: Option<Update>,
}

/// One update as the rule saw and made it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Update {
    /// The gradient the rule was given: after noise and clipping, in the optimizer's basis.
    pub g: Vec2,
    /// The learning rate after the schedule.
    pub lr: f64,
    /// The direction it stepped along and each coordinate's learning rate.
    pub insight: Insight,
    /// Maps the optimizer's basis to the surface's coordinates (the identity unless the
    /// optimizer runs in a rotated basis).
    pub to_world: Mat2,
}

impl OptimizerSpec {
    /// The minibatch size this optimizer uses on `surface`: `None` where it has no data.
    pub fn effective_batch(&self, surface: &Surface) -> Option<usize> {
        let n = surface.data_surface()?.len();
        let default = if self.kind == OptimizerKind::Sgd {
            1
        } else {
            n
        };
        Some(self.batch_size.unwrap_or(default).clamp(1, n.max(1)))
    }
}

/// The surface as one optimizer sees it: in its own basis, with its gradients clipped, and
/// on a data surface through the current minibatch. The batched runner of
/// [`crate::engine::map`] steps through the same one (whole-surface gradients: maps of
/// minibatch runs are refused where a map is asked for).
#[derive(Clone)]
pub(crate) struct Oracle {
    surface: Surface,
    clip: Option<f64>,
    /// Maps the optimizer's coordinates to the surface's; `None` is the identity.
    basis: Option<Mat2>,
    /// The minibatch stream, on a data surface with batches smaller than the data set (a
    /// full batch is the whole surface, whatever its order).
    batches: Option<Minibatches>,
}

impl Oracle {
    /// `surface` as `spec`'s optimizer sees it.
    pub(crate) fn new(surface: &Surface, spec: &OptimizerSpec) -> Self {
        let basis = (spec.basis_rotation != 0.0).then(|| {
            let (s, c) = spec.basis_rotation.to_radians().sin_cos();
            Mat2::new(c, -s, s, c)
        });
        Oracle {
            surface: surface.clone(),
            clip: spec.clip_norm,
            basis,
            batches: None,
        }
    }
    pub(crate) fn to_world(&self, u: Vec2) -> Vec2 {
        self.basis.map_or(u, |r| r * u)
    }
    pub(crate) fn to_basis(&self, w: Vec2) -> Vec2 {
        self.basis.map_or(w, |r| r.transpose() * w)
    }
    /// Loss and unclipped gradient at `u`, both in the optimizer's basis: the whole
    /// surface's.
    pub(crate) fn value_grad(&self, u: Vec2) -> (f64, Vec2) {
        let (f, g) = self.surface.value_grad(self.to_world(u));
        (f, self.to_basis(g))
    }
    /// The unclipped gradient at `u` of the current minibatch, or of the whole surface.
    fn batch_grad(&self, u: Vec2) -> Vec2 {
        let w = self.to_world(u);
        let g = match &self.batches {
            Some(b) => self.surface.batch_value_grad(w, b.current()).1,
            None => self.surface.value_grad(w).1,
        };
        self.to_basis(g)
    }
    pub(crate) fn clip(&self, g: Vec2) -> Vec2 {
        self.clip.map_or(g, |c| clip_norm(g, c))
    }
}

impl Probe for Oracle {
    fn gradient(&self, u: Vec2) -> Vec2 {
        self.clip(self.batch_grad(u))
    }
    fn hessian(&self, u: Vec2) -> Mat2 {
        let w = self.to_world(u);
        let h = match &self.batches {
            Some(b) => self.surface.batch_hessian(w, b.current()),
            None => self.surface.hessian(w),
        };
        match self.basis {
            Some(r) => r.transpose() * h * r,
            None => h,
        }
    }
}

/// The standard deviation of the gradient noise `kind` sees with hyperparameters `h`: only
/// kinds with a `noise` hyperparameter (SGD) see a noisy gradient.
pub(crate) fn noise_of(kind: OptimizerKind, h: &optim::Hyper) -> f64 {
    if kind.knobs().any(|k| k == Knob::Noise) {
        h.noise
    } else {
        0.0
    }
}

/// A stepper's noise stream: rand's [`rand::rngs::StdRng`] seeded from `seed` (the same generator,
/// ChaCha12, and the same numbers), but one that can be copied: the copy is re-seeded and set
/// to the same position in the stream.
pub(crate) struct Noise {
    seed: u64,
    rng: ChaCha12Rng,
}

impl Noise {
    fn new(seed: u64) -> Self {
        Noise {
            seed,
            rng: ChaCha12Rng::seed_from_u64(seed),
        }
    }
}

impl Clone for Noise {
    fn clone(&self) -> Self {
        let mut copy = Noise::new(self.seed);
        copy.rng.set_word_pos(self.rng.get_word_pos());
        copy
    }
}

/// The two standard normal draws of one noisy update, in the order every run draws them.
pub(crate) fn draw_noise<R: rand::Rng + ?Sized>(rng: &mut R) -> Vec2 {
    let xi: [f64; 2] = [StandardNormal.sample(rng), StandardNormal.sample(rng)];
    Vec2::new(xi[0], xi[1])
}

fn is_finite(w: Vec2, f: f64) -> bool {
    w.x.is_finite() && w.y.is_finite() && f.is_finite()
}

/// One optimizer on its way through a problem. A clone is a checkpoint: it goes on exactly
/// as the original would (rule state, minibatch stream and noise generator included).
#[derive(Clone)]
pub struct Stepper {
    rule: Box<dyn Rule>,
    oracle: Oracle,
    lr: f64,
    schedule: Option<Schedule>,
    noise: f64,
    rng: Noise,
    /// The iterate in the optimizer's basis.
    u: Vec2,
    /// The unclipped gradient at `u`, computed with the loss of the last row.
    g: Vec2,
    t: u64,
    /// The gradient and learning rate the last update was given.
    last: (Vec2, f64),
    steps: u64,
    trajectory: Trajectory,
    finished: bool,
}

impl Stepper {
    pub fn new(spec: &OptimizerSpec, problem: &Problem) -> Self {
        let mut oracle = Oracle::new(&problem.surface, spec);
        oracle.batches = match (
            problem.surface.data_surface(),
            spec.effective_batch(&problem.surface),
        ) {
            (Some(d), Some(b)) if b < d.len() => Some(Minibatches::new(d.len(), b, problem.seed)),
            _ => None,
        };
        let u = oracle.to_basis(problem.start);
        let (f, g) = oracle.value_grad(u);
        let capacity = usize::try_from(problem.steps.min(1 << 20)).unwrap_or(0) + 1;
        let mut trajectory = Trajectory {
            points: Vec::with_capacity(capacity),
            losses: Vec::with_capacity(capacity),
            status: Status::Ok,
        };
        trajectory.points.push(problem.start);
        trajectory.losses.push(f);
        let finished = !is_finite(problem.start, f);
        if finished {
            trajectory.status = Status::Diverged { step: 0 };
        }
        Stepper {
            rule: optim::build(spec.kind, &spec.hyper),
            oracle,
            lr: spec.hyper.lr,
            schedule: spec.schedule,
            // only kinds with a `noise` hyperparameter (SGD) see a noisy gradient
            noise: noise_of(spec.kind, &spec.hyper),
            rng: Noise::new(problem.seed),
            u,
            g,
            t: 0,
            last: (Vec2::zeros(), 0.0),
            steps: problem.steps,
            trajectory,
            finished,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Updates taken so far.
    pub fn updates(&self) -> u64 {
        self.t
    }

    pub fn trajectory(&self) -> &Trajectory {
        &self.trajectory
    }

    pub fn into_trajectory(self) -> Trajectory {
        self.trajectory
    }

    /// The optimizer's inside at its current row (the last point of its trajectory).
    pub fn record(&self) -> Record {
        Record {
            state: self.rule.state(),
            update: (self.t > 0).then(|| Update {
                g: self.last.0,
                lr: self.last.1,
                insight: self.rule.insight(),
                to_world: self.oracle.basis.unwrap_or_else(Mat2::identity),
            }),
        }
    }

    /// Forgets the rows recorded so far and keeps no room for more: a stepper that is only
    /// replayed for its [`Record`]s ([`crate::engine::Replay`]) clones cheaply. Its
    /// trajectory then holds only the rows taken since the last call.
    pub(crate) fn shed_trail(&mut self) {
        self.trajectory.points = Vec::new();
        self.trajectory.losses = Vec::new();
    }

    /// Takes up to `max_updates` updates; returns how many it took.
    pub fn advance(&mut self, max_updates: u64) -> u64 {
        let mut taken = 0;
        while !self.finished && taken < max_updates {
            if self.t >= self.steps {
                self.finished = true;
                break;
            }
            self.update();
            taken += 1;
        }
        if self.t >= self.steps {
            self.finished = true;
        }
        taken
    }

    fn update(&mut self) {
        let k = self.t;
        let lr = self.schedule.map_or(self.lr, |s| s.lr(self.lr, k));
        let mut g = match self.oracle.batches.as_mut() {
            Some(b) => {
                b.advance();
                self.oracle.batch_grad(self.u)
            }
            None => self.g,
        };
        if self.noise > 0.0 {
            g += draw_noise(&mut self.rng.rng) * self.noise;
        }
        let g = self.oracle.clip(g);
        let ctx = StepContext {
            lr,
            t: k + 1,
            probe: &self.oracle,
        };
        self.last = (g, lr);
        let Some(u) = self.rule.step(self.u, g, &ctx) else {
            self.trajectory.status = Status::Stalled { step: k };
            self.finished = true;
            return;
        };
        self.t = k + 1;
        self.u = u;
        let w = self.oracle.to_world(u);
        let f = if self.oracle.batches.is_some() {
            // the next gradient comes from the next minibatch, at the next update
            self.oracle.surface.value(w)
        } else {
            let (f, g) = self.oracle.value_grad(u);
            self.g = g;
            f
        };
        self.trajectory.points.push(w);
        self.trajectory.losses.push(f);
        if !is_finite(w, f) {
            self.trajectory.status = Status::Diverged { step: self.t };
            self.finished = true;
        }
    }
}

/// Rows `from..=to` of one optimizer's [`Record`]s (fewer when it ends earlier), by running it
/// from the start: same inputs, same numbers as the run that drew its trajectory.
pub fn records(problem: &Problem, spec: &OptimizerSpec, from: usize, to: usize) -> Vec<Record> {
    let mut s = Stepper::new(spec, problem);
    let mut rows = Vec::with_capacity(to.saturating_sub(from).saturating_add(1).min(1 << 16));
    let mut k = 0;
    loop {
        if k >= from {
            rows.push(s.record());
        }
        if k >= to || s.advance(1) == 0 {
            return rows;
        }
        k += 1;
    }
}

/// Progress and cancellation shared with a caller on another thread.
#[derive(Debug, Default)]
pub struct Control {
    pub cancel: AtomicBool,
    /// Updates taken so far, over all optimizers.
    pub updates: AtomicU64,
}

/// Returned when a run was cancelled through its [`Control`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Every optimizer's trajectory, computed in parallel. Same inputs, same output, on any
/// machine and any number of threads.
pub fn run(problem: &Problem, specs: &[OptimizerSpec]) -> Vec<Trajectory> {
    specs
        .par_iter()
        .map(|spec| {
            let mut s = Stepper::new(spec, problem);
            s.advance(u64::MAX);
            s.into_trajectory()
        })
        .collect()
}

/// As [`run`], reporting progress and stopping early when asked to.
pub fn run_with(
    problem: &Problem,
    specs: &[OptimizerSpec],
    control: &Control,
) -> Result<Vec<Trajectory>, Cancelled> {
    const SLICE: u64 = 16_384;
    specs
        .par_iter()
        .map(|spec| {
            let mut s = Stepper::new(spec, problem);
            while !s.is_finished() {
                if control.cancel.load(Ordering::Relaxed) {
                    return Err(Cancelled);
                }
                let n = s.advance(SLICE);
                control.updates.fetch_add(n, Ordering::Relaxed);
            }
            Ok(s.into_trajectory())
        })
        .collect()
}
