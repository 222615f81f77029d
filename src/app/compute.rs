//! Running the engine for the window without ever blocking it: small scenes are computed on
//! the spot (a slider drag re-runs them within the frame); large ones on a background thread
//! with progress and cancellation, superseded by the next edit. On the web, where there are no
//! threads, large scenes advance in time-boxed slices across frames instead.

use crate::engine::{self, Control};
use crate::scene::{Runs, Scene};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Above this many updates in all, a run leaves the UI thread (~10 ms of work).
pub const SYNC_LIMIT: u64 = 250_000;

/// How far a background run has come.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            1.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0) as f32
        }
    }
}

struct Job {
    control: Arc<Control>,
    total: u64,
    #[cfg(not(target_arch = "wasm32"))]
    result: std::sync::mpsc::Receiver<Option<Runs>>,
    #[cfg(target_arch = "wasm32")]
    sliced: Sliced,
}

#[derive(Default)]
pub struct Compute {
    job: Option<Job>,
}

fn total_updates(scene: &Scene) -> u64 {
    scene.enabled().count() as u64 * scene.steps
}

impl Compute {
    /// Starts computing `scene`, cancelling any run still going. Returns the result at once
    /// when the scene is small.
    pub fn start(&mut self, scene: &Scene) -> Option<Runs> {
        self.cancel();
        let total = total_updates(scene);
        if total <= SYNC_LIMIT {
            return Some(Runs::compute(scene));
        }
        self.job = Some(Job::spawn(scene.clone(), total));
        None
    }

    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.control.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// The finished result, if the background run is done.
    pub fn poll(&mut self) -> Option<Runs> {
        let job = self.job.as_mut()?;
        match job.poll() {
            JobState::Running => None,
            JobState::Done(runs) => {
                self.job = None;
                Some(runs)
            }
            JobState::Failed => {
                self.job = None;
                None
            }
        }
    }

    pub fn progress(&self) -> Option<Progress> {
        self.job.as_ref().map(|j| Progress {
            done: j.control.updates.load(Ordering::Relaxed),
            total: j.total,
        })
    }
}

enum JobState {
    Running,
    Done(Runs),
    /// The background thread ended without a result (only threads can fail this way).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    Failed,
}

#[cfg(not(target_arch = "wasm32"))]
impl Job {
    fn spawn(scene: Scene, total: u64) -> Job {
        let control = Arc::new(Control::default());
        let (tx, rx) = std::sync::mpsc::channel();
        let c = Arc::clone(&control);
        std::thread::spawn(move || {
            let out = engine::run_with(&scene.problem(), &scene.specs(), &c)
                .ok()
                .map(|t| Runs::place(&scene, t));
            // the receiver is gone when a newer run replaced this one
            let _ = tx.send(out);
        });
        Job {
            control,
            total,
            result: rx,
        }
    }

    fn poll(&mut self) -> JobState {
        match self.result.try_recv() {
            Ok(Some(runs)) => JobState::Done(runs),
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => JobState::Failed,
            Err(std::sync::mpsc::TryRecvError::Empty) => JobState::Running,
        }
    }
}

#[cfg(target_arch = "wasm32")]
struct Sliced {
    scene: Scene,
    steppers: Vec<engine::Stepper>,
}

#[cfg(target_arch = "wasm32")]
impl Job {
    fn spawn(scene: Scene, total: u64) -> Job {
        let problem = scene.problem();
        let steppers = scene
            .specs()
            .iter()
            .map(|s| engine::Stepper::new(s, &problem))
            .collect();
        Job {
            control: Arc::new(Control::default()),
            total,
            sliced: Sliced { scene, steppers },
        }
    }

    /// Advances for about 8 ms of this frame.
    fn poll(&mut self) -> JobState {
        let budget = web_time::Instant::now();
        while budget.elapsed().as_millis() < 8 {
            let Some(s) = self.sliced.steppers.iter_mut().find(|s| !s.is_finished()) else {
                let steppers = std::mem::take(&mut self.sliced.steppers);
                let t = steppers.into_iter().map(|s| s.into_trajectory()).collect();
                return JobState::Done(Runs::place(&self.sliced.scene, t));
            };
            let n = s.advance(4096);
            self.control.updates.fetch_add(n, Ordering::Relaxed);
        }
        JobState::Running
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Trajectory;

    #[test]
    fn large_runs_finish_in_the_background_and_match_the_direct_run() {
        let mut scene = crate::scene::builtin("rosenbrock-race").expect("builtin");
        scene.steps = 40_000;
        let mut c = Compute::default();
        assert!(
            c.start(&scene).is_none(),
            "400k updates go to the background"
        );
        let runs = loop {
            if let Some(r) = c.poll() {
                break r;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let direct = engine::run(&scene.problem(), &scene.specs());
        let got: Vec<Trajectory> = runs.iter().flatten().cloned().collect();
        assert_eq!(got, direct);
    }

    #[test]
    fn a_new_start_supersedes_the_old_run() {
        let mut scene = crate::scene::builtin("rosenbrock-race").expect("builtin");
        scene.steps = 100_000;
        let mut c = Compute::default();
        assert!(c.start(&scene).is_none());
        scene.steps = 10;
        let runs = c.start(&scene).expect("small scenes are immediate");
        assert!(runs.iter().flatten().all(|t| t.points.len() == 11));
        assert!(c.poll().is_none(), "the cancelled run never lands");
    }
}
