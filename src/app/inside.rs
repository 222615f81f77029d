//! The selected optimizer's inside, for the step inspector and the state-over-time plot: the
//! engine's own [`Record`]s (its state under torch's names, the gradient it was given, the
//! direction and per-coordinate learning rate of each update), never a recomputation. The
//! trajectories are kept without them, so they are read by running the optimizer again from
//! the start (the same numbers: a run depends only on its spec and the problem), and cached
//! until the runs, the optimizer or the step change.

use super::state::Session;
use crate::engine::{Record, Replays, Stepper, Vec2};

/// How the step inspector writes a number: seven significant digits (a test finds the
/// engine's value by this text).
pub fn number(v: f64) -> String {
    format!("{v:.6e}")
}

/// The most points of each state-over-time series; longer runs are sampled evenly.
const MAX_SERIES_POINTS: usize = 2_000;

/// The update that led to one step, with the state before and after it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    /// The optimizer (index in the scene) and step shown.
    pub index: usize,
    pub step: usize,
    /// The state before the update (row `step − 1`; `None` at step 0).
    pub before: Option<Record>,
    /// The state after it (row `step`).
    pub after: Record,
    /// The point before the update and the new point, in the surface's coordinates.
    pub from: Option<Vec2>,
    pub to: Vec2,
}

impl StepView {
    /// The step taken, Δw.
    pub fn delta(&self) -> Option<Vec2> {
        Some(self.to - self.from?)
    }
}

/// `(step, log10 value)` curves over the whole run of one optimizer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Effective learning rate of x and of y.
    pub rate: [Vec<[f64; 2]>; 2],
    /// |Δw| of each update.
    pub step_norm: Vec<[f64; 2]>,
    /// The scheduled learning rate.
    pub lr: Vec<[f64; 2]>,
}

#[derive(Default)]
pub struct Inside {
    key: Option<(u64, usize, usize)>,
    view: Option<StepView>,
    series_key: Option<(u64, usize)>,
    series: Series,
    /// The runs' states, for the shown step's records.
    replays: Replays,
}

/// The scene's optimizer `i`'s spec, if it ran.
fn ran(session: &Session, i: usize) -> Option<&crate::engine::OptimizerSpec> {
    session.run(i)?;
    session.scene.optimizers.get(i).map(|o| &o.spec)
}

impl Inside {
    /// The selected optimizer's update at the shown step (the last one of its run once it
    /// ended), from the engine's records.
    pub fn step_view(&mut self, session: &Session) -> Option<&StepView> {
        let i = session.selected;
        let run = session.run(i)?;
        let k = session.clock.step.min(run.last_step());
        let key = (session.generation, i, k);
        if self.key != Some(key) {
            self.key = Some(key);
            let replays = self.replays.keyed(session.generation);
            self.view = ran(session, i).and_then(|spec| {
                let replay = replays.of(i, &session.scene.problem(), spec);
                let before = match k.checked_sub(1) {
                    Some(j) => Some(replay.record(j)?),
                    None => None,
                };
                let after = replay.record(k)?;
                Some(StepView {
                    index: i,
                    step: k,
                    before,
                    after,
                    from: k.checked_sub(1).and_then(|j| run.points.get(j).copied()),
                    to: *run.points.get(k)?,
                })
            });
        }
        self.view.as_ref()
    }

    /// The selected optimizer's effective learning rate, |Δw| and lr over its whole run.
    pub fn series(&mut self, session: &Session) -> &Series {
        let i = session.selected;
        let key = (session.generation, i);
        if self.series_key != Some(key) {
            self.series_key = Some(key);
            self.series = match (ran(session, i), session.run(i)) {
                (Some(spec), Some(run)) => series(session, spec, run),
                _ => Series::default(),
            };
        }
        &self.series
    }
}

/// Runs the optimizer again, keeping every `stride`-th update's numbers (constant memory).
fn series(
    session: &Session,
    spec: &crate::engine::OptimizerSpec,
    run: &crate::engine::Trajectory,
) -> Series {
    let n = run.last_step();
    let stride = n.div_ceil(MAX_SERIES_POINTS).max(1);
    let mut out = Series::default();
    let mut s = Stepper::new(spec, &session.scene.problem());
    let log = |v: f64| (v.is_finite() && v > 0.0).then(|| v.log10());
    let mut k = 0;
    while s.advance(1) == 1 {
        k += 1;
        if k % stride != 0 && k != n {
            continue;
        }
        let Some(u) = s.record().update else { continue };
        let x = k as f64;
        let rate = u.insight.rate.unwrap_or(Vec2::repeat(u.lr));
        for (c, r) in [rate.x, rate.y].into_iter().enumerate() {
            if let Some(y) = log(r) {
                out.rate[c].push([x, y]);
            }
        }
        if let (Some(a), Some(b)) = (run.points.get(k - 1), run.points.get(k))
            && let Some(y) = log((b - a).norm())
        {
            out.step_norm.push([x, y]);
        }
        if let Some(y) = log(u.lr) {
            out.lr.push([x, y]);
        }
    }
    out
}

/// The step inspector's window state.
#[derive(Default)]
pub struct Inspector {
    pub open: bool,
    /// Plays slowly and points out the term that changed most.
    pub narrate: bool,
    /// The speed to go back to when narration stops.
    pub(super) speed_before: Option<f64>,
    pub inside: Inside,
}

/// Steps per second while narrating.
pub const NARRATION_SPEED: f64 = 1.0;

impl Inspector {
    /// Starts or stops narrating: slow play from the shown step, then the speed as it was.
    pub fn set_narrate(&mut self, on: bool, session: &mut Session) {
        if on == self.narrate {
            return;
        }
        self.narrate = on;
        let clock = &mut session.clock;
        if on {
            self.speed_before = Some(clock.speed);
            clock.speed = NARRATION_SPEED;
            if !clock.playing {
                clock.toggle(session.scene.last_step());
            }
        } else if let Some(s) = self.speed_before.take() {
            clock.speed = s;
        }
    }
}

/// The state entry that changed most in this update, relative to its size before: `(name,
/// factor)` with factor = |after − before| / |before| (infinite from zero).
pub fn most_changed(view: &StepView) -> Option<(&'static str, f64)> {
    use crate::engine::optim::Value;
    let before = view.before?;
    let norm = |v: Value| match v {
        Value::Pair(p) => p.norm(),
        Value::Scalar(s) => s.abs(),
    };
    let diff = |a: Value, b: Value| match (a, b) {
        (Value::Pair(a), Value::Pair(b)) => (a - b).norm(),
        (Value::Scalar(a), Value::Scalar(b)) => (a - b).abs(),
        _ => f64::INFINITY,
    };
    view.after
        .state
        .iter()
        .map(|(name, after)| {
            let change = match before.state.get(name) {
                Some(b) if norm(b) > 0.0 => diff(after, b) / norm(b),
                Some(b) if diff(after, b) == 0.0 => 0.0,
                _ => f64::MAX,
            };
            (name, if change.is_finite() { change } else { f64::MAX })
        })
        .filter(|(_, c)| *c > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}
