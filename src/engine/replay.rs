//! Reading an optimizer's inside at any row without running it again from the start.
//!
//! The trajectory is computed up front, but the rule's state at row k ([`Record`]) is not kept
//! for every row (10⁶ rows of state per optimizer would not fit comfortably). The direction
//! arrows and the step inspector need it at the shown step, every frame, for every head. A
//! [`Replay`] keeps a checkpoint of the [`Stepper`] every `every` rows, taken as it passes them,
//! plus a cursor at the last row asked for: a request costs at most `every` updates once the
//! run has been walked to there, and playing forward costs one update per frame. The
//! checkpoints are bounded ([`MAX_CHECKPOINTS`]) whatever the length of the run.

use super::run::{OptimizerSpec, Problem, Record, Stepper};

/// The most checkpoints one replay keeps: `every` grows with the run to stay under it.
pub const MAX_CHECKPOINTS: u64 = 256;
/// The least distance between checkpoints: short runs need no more.
const MIN_EVERY: u64 = 64;

/// One optimizer's records on demand, the same numbers as [`super::records`].
#[derive(Clone)]
pub struct Replay {
    spec: OptimizerSpec,
    problem: Problem,
    /// Rows between checkpoints.
    every: u64,
    /// `checkpoints[j]` is the stepper at row `j·every`, for every `j` reached so far.
    checkpoints: Vec<Stepper>,
    /// The stepper at row `row`, the last one reached.
    cursor: Stepper,
    row: u64,
    /// Updates taken over the replay's life, so tests can count work instead of timing it.
    updates: u64,
}

impl Replay {
    pub fn new(problem: &Problem, spec: &OptimizerSpec) -> Self {
        let mut cursor = Stepper::new(spec, problem);
        cursor.shed_trail();
        let every = problem.steps.div_ceil(MAX_CHECKPOINTS).max(MIN_EVERY);
        Replay {
            spec: spec.clone(),
            problem: problem.clone(),
            every,
            checkpoints: vec![cursor.clone()],
            cursor,
            row: 0,
            updates: 0,
        }
    }

    /// Whether this replay is of `spec` on `problem`.
    pub fn is_of(&self, problem: &Problem, spec: &OptimizerSpec) -> bool {
        self.spec == *spec && self.problem == *problem
    }

    /// Updates taken so far by this replay, over all requests.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// The optimizer's record at row `k`, or `None` past the end of its run.
    pub fn record(&mut self, k: usize) -> Option<Record> {
        let k = k as u64;
        let j = usize::try_from(k / self.every).unwrap_or(usize::MAX);
        // the nearest checkpoint at or before k, unless the cursor is nearer
        if let Some(c) = self.checkpoints.get(j).or(self.checkpoints.last()) {
            let at = (self.checkpoints.len() - 1).min(j) as u64 * self.every;
            if self.row > k || at > self.row {
                self.cursor = c.clone();
                self.row = at;
            }
        }
        while self.row < k {
            if self.cursor.advance(1) == 0 {
                return None;
            }
            self.cursor.shed_trail();
            self.row += 1;
            self.updates += 1;
            if self.row.is_multiple_of(self.every)
                && self.row / self.every == self.checkpoints.len() as u64
            {
                self.checkpoints.push(self.cursor.clone());
            }
        }
        Some(self.cursor.record())
    }
}

/// One [`Replay`] per optimizer of a scene, kept by whoever draws it frame after frame (the
/// window per generation of its runs, an export per render) and rebuilt for an optimizer
/// whose spec or problem changed.
#[derive(Clone, Default)]
pub struct Replays {
    list: Vec<Option<Replay>>,
    /// What the caller said the replays are of (the window's generation of its runs).
    key: Option<u64>,
}

impl Replays {
    /// The replay of optimizer `index`, `spec` on `problem`.
    pub fn of(&mut self, index: usize, problem: &Problem, spec: &OptimizerSpec) -> &mut Replay {
        if self.list.len() <= index {
            self.list.resize_with(index + 1, || None);
        }
        let slot = &mut self.list[index];
        if !slot.as_ref().is_some_and(|r| r.is_of(problem, spec)) {
            *slot = None;
        }
        slot.get_or_insert_with(|| Replay::new(problem, spec))
    }

    /// The replays of the runs the caller calls `key`, forgotten when the key changes (the
    /// window bumps its generation whenever it computes its runs again).
    pub fn keyed(&mut self, key: u64) -> &mut Self {
        if self.key != Some(key) {
            self.key = Some(key);
            self.list.clear();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{OptimizerKind, SurfaceKind, records};
    use crate::engine::{Surface, Vec2};

    fn problem(steps: u64) -> Problem {
        Problem {
            surface: Surface::new(SurfaceKind::ALL[0]),
            start: Vec2::new(-1.2, 1.0),
            steps,
            seed: 7,
        }
    }

    #[test]
    fn records_equal_a_run_from_the_start_in_any_order() {
        let p = problem(700);
        // rows in a scrambled order, past the end too: a multiplicative walk over 0..=720
        let mut k = 1usize;
        for kind in OptimizerKind::ALL {
            let mut spec = OptimizerSpec::new(kind);
            spec.hyper.lr = spec.hyper.lr.min(1e-3);
            if kind == OptimizerKind::Sgd {
                spec.hyper.noise = 0.3;
            }
            let all = records(&p, &spec, 0, 700);
            let mut replay = Replay::new(&p, &spec);
            for _ in 0..40 {
                k = (k * 389 + 241) % 721;
                assert_eq!(replay.record(k), all.get(k).copied(), "{kind:?} row {k}");
            }
        }
    }

    #[test]
    fn a_far_request_after_a_near_one_takes_few_updates() {
        let p = problem(1_000_000);
        let spec = OptimizerSpec::new(OptimizerKind::Adam);
        let mut replay = Replay::new(&p, &spec);
        let every = replay.every;
        assert!(every * MAX_CHECKPOINTS >= 1_000_000 && every < 10_000);
        replay.record(900_000).expect("row 900000");
        assert_eq!(replay.updates(), 900_000);
        assert_eq!(replay.checkpoints.len() as u64, 900_000 / every + 1);
        // back far, then forward a frame at a time, then a scrub far ahead
        let before = replay.updates();
        replay.record(123_456).expect("row 123456");
        assert!(replay.updates() - before < every, "a jump back");
        let before = replay.updates();
        for k in 123_457..123_557 {
            replay.record(k).expect("playing");
        }
        assert_eq!(replay.updates() - before, 100, "one update per frame");
        let before = replay.updates();
        replay.record(899_999).expect("row 899999");
        assert!(replay.updates() - before < every, "a jump ahead");
        assert_eq!(replay.record(1_000_001), None);
    }
}
