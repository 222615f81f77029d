//! The app's model: the scene being shown, its trajectories, the animation clock and the view
//! options. Plain data with no UI types; the panels read and edit it, and every edit that
//! changes a trajectory goes through [`Session::rerun`].

use super::compute::{Compute, Progress};
use crate::engine::{Trajectory, ViewBox};
use crate::scene::{Runs, Scene};

/// How optimizers share the plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Layout {
    /// All optimizers on one plot.
    Overlay,
    /// Small multiples: one panel per optimizer, same view and step.
    Grid,
}

/// The animation clock over precomputed trajectories.
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    /// The step shown: every trail is drawn up to here.
    pub step: usize,
    pub playing: bool,
    /// Steps per second.
    pub speed: f64,
    /// Fractional steps carried between frames.
    carry: f64,
}

impl Clock {
    pub const MIN_SPEED: f64 = 1.0;
    pub const MAX_SPEED: f64 = 1000.0;

    pub fn new(steps: u64) -> Self {
        Clock {
            step: 0,
            playing: true,
            speed: Self::speed_for(steps),
            carry: 0.0,
        }
    }

    /// A speed that plays `steps` in about five seconds.
    pub fn speed_for(steps: u64) -> f64 {
        (steps as f64 / 5.0).clamp(Self::MIN_SPEED, Self::MAX_SPEED)
    }

    /// Advances by `dt` seconds of play; stops at `last`.
    pub fn tick(&mut self, dt: f64, last: usize) {
        if !self.playing {
            return;
        }
        self.carry += dt.max(0.0) * self.speed;
        let whole = self.carry.floor();
        self.carry -= whole;
        self.step = self.step.saturating_add(whole as usize).min(last);
        if self.step >= last {
            self.playing = false;
            self.carry = 0.0;
        }
    }

    /// Play or pause; playing from the end starts over.
    pub fn toggle(&mut self, last: usize) {
        if !self.playing && self.step >= last {
            self.step = 0;
        }
        self.playing = !self.playing;
        self.carry = 0.0;
    }

    pub fn step_by(&mut self, delta: isize, last: usize) {
        self.playing = false;
        self.step = self.step.saturating_add_signed(delta).min(last);
    }

    pub fn restart(&mut self) {
        self.step = 0;
        self.carry = 0.0;
        self.playing = true;
    }
}

/// Everything the window shows, minus how it is painted.
pub struct Session {
    pub scene: Scene,
    /// One entry per scene optimizer; `None` while disabled or not yet computed.
    pub runs: Runs,
    pub clock: Clock,
    pub layout: Layout,
    /// The optimizer whose details the info panel shows.
    pub selected: usize,
    /// The region of parameter space requested for the plot; `None` means the scene's own.
    pub view: Option<ViewBox>,
    /// Bumped whenever `runs` change, so caches of what was drawn know to refresh.
    pub generation: u64,
    /// A message for the user (load errors and the like), shown until dismissed.
    pub notice: Option<String>,
    compute: Compute,
}

impl Session {
    pub fn new(scene: Scene) -> Self {
        let clock = Clock::new(scene.steps);
        let mut s = Session {
            runs: Runs::pending(&scene),
            scene,
            clock,
            layout: Layout::Overlay,
            selected: 0,
            view: None,
            generation: 0,
            notice: None,
            compute: Compute::default(),
        };
        s.rerun();
        s
    }

    /// Replaces the scene (a lesson, an opened file) and starts its animation.
    pub fn load(&mut self, scene: Scene) {
        self.clock = Clock::new(scene.steps);
        self.runs = Runs::pending(&scene);
        self.scene = scene;
        self.selected = 0;
        self.view = None;
        self.rerun();
    }

    /// Recomputes every trajectory after an edit. Small scenes finish before this returns;
    /// large ones continue in the background (see [`Session::poll`]).
    pub fn rerun(&mut self) {
        if self.runs.len() != self.scene.optimizers.len() {
            self.runs = Runs::pending(&self.scene);
        }
        self.selected = self
            .selected
            .min(self.scene.optimizers.len().saturating_sub(1));
        // the controls keep edits within the limits; this is the last guard before the work
        let enabled = self.scene.enabled().count();
        if let Err(m) = crate::scene::limits::check_work(enabled, self.scene.steps) {
            self.notice = Some(format!("Not computed: {m}."));
            return;
        }
        if let Err(m) = crate::scene::limits::check_scene_data_work(&self.scene) {
            self.notice = Some(format!("Not computed: {m}."));
            return;
        }
        if let Some(runs) = self.compute.start(&self.scene) {
            self.install(runs);
        }
    }

    /// Collects background results; call once per frame.
    pub fn poll(&mut self) {
        if let Some(runs) = self.compute.poll() {
            self.install(runs);
        }
    }

    fn install(&mut self, runs: Runs) {
        if runs.len() == self.scene.optimizers.len() {
            self.runs = runs;
            self.generation += 1;
            self.clock.step = self.clock.step.min(self.last_step());
        }
    }

    /// The trajectory of optimizer `i`, if it is enabled and computed.
    pub fn run(&self, i: usize) -> Option<&Trajectory> {
        self.runs.get(i)
    }

    pub fn progress(&self) -> Option<Progress> {
        self.compute.progress()
    }

    /// The last animation step: the scene's number of updates.
    pub fn last_step(&self) -> usize {
        self.scene.last_step()
    }

    pub fn view_box(&self) -> ViewBox {
        self.view.unwrap_or_else(|| self.scene.view_box())
    }

    /// Advances the animation by `dt` seconds.
    pub fn tick(&mut self, dt: f64) {
        let last = self.last_step();
        self.clock.tick(dt, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_plays_to_the_end_and_stops() {
        let mut c = Clock::new(100);
        c.speed = 10.0;
        c.tick(0.25, 100);
        assert_eq!(c.step, 2);
        c.tick(0.25, 100);
        assert_eq!(c.step, 5, "fractions carry over");
        c.tick(100.0, 100);
        assert_eq!(c.step, 100);
        assert!(!c.playing);
        c.toggle(100);
        assert!(c.playing && c.step == 0, "play at the end starts over");
    }

    #[test]
    fn stepping_pauses_and_clamps() {
        let mut c = Clock::new(10);
        c.step_by(-1, 10);
        assert_eq!(c.step, 0);
        assert!(!c.playing);
        c.step_by(50, 10);
        assert_eq!(c.step, 10);
    }

    #[test]
    fn a_session_computes_its_trajectories() {
        let s = Session::new(crate::scene::builtin("rosenbrock-race").expect("builtin"));
        assert!(s.runs.iter().all(Option::is_some));
        assert_eq!(s.generation, 1);
    }
}
