//! A scene's runs: one slot per optimizer of the scene, holding its trajectory once computed.
//! The app, `trace`, `render` and every export, and `bench` all hold their results in this one
//! type, so they agree on which trajectory belongs to which optimizer.
//!
//! Disabled optimizers keep their slot, empty: slot `i` is always the scene's optimizer `i`,
//! whose colour (a palette index) and label it takes. A slot is also empty while the app is
//! still computing it. Writers of data (`trace`) list only the slots that hold a trajectory,
//! in scene order.

use super::{Scene, SceneOptimizer};
use crate::engine::{self, Trajectory};

/// The trajectories of a scene's optimizers, slot `i` for optimizer `i`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    slots: Vec<Option<Trajectory>>,
}

impl Runs {
    /// Every slot empty: nothing computed yet.
    pub fn pending(scene: &Scene) -> Runs {
        Runs {
            slots: vec![None; scene.optimizers.len()],
        }
    }

    /// Runs every enabled optimizer of `scene` (in parallel) and slots the results.
    pub fn compute(scene: &Scene) -> Runs {
        Runs::place(scene, engine::run(&scene.problem(), &scene.specs()))
    }

    /// Slots the trajectories of `scene`'s enabled optimizers, given in the order of
    /// [`Scene::specs`], among all of its optimizers.
    pub fn place(scene: &Scene, computed: Vec<Trajectory>) -> Runs {
        let mut computed = computed.into_iter();
        Runs {
            slots: scene
                .optimizers
                .iter()
                .map(|o| if o.enabled { computed.next() } else { None })
                .collect(),
        }
    }

    /// The trajectory of optimizer `i`, if it is enabled and computed.
    pub fn get(&self, i: usize) -> Option<&Trajectory> {
        self.slots.get(i).and_then(Option::as_ref)
    }

    /// Each optimizer of `scene` that has a trajectory, with it, in scene order.
    pub fn ran<'a>(
        &'a self,
        scene: &'a Scene,
    ) -> impl Iterator<Item = (&'a SceneOptimizer, &'a Trajectory)> + 'a {
        scene
            .optimizers
            .iter()
            .zip(&self.slots)
            .filter_map(|(o, t)| Some((o, t.as_ref()?)))
    }
}

impl std::ops::Deref for Runs {
    type Target = [Option<Trajectory>];
    fn deref(&self) -> &Self::Target {
        &self.slots
    }
}

impl From<Vec<Option<Trajectory>>> for Runs {
    fn from(slots: Vec<Option<Trajectory>>) -> Self {
        Runs { slots }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_optimizers_keep_an_empty_slot() {
        let mut scene = crate::scene::builtin("rosenbrock-race").expect("builtin");
        scene.steps = 5;
        scene.optimizers[1].enabled = false;
        let runs = Runs::compute(&scene);
        assert_eq!(runs.len(), scene.optimizers.len());
        assert!(runs.get(1).is_none());
        assert!(runs.get(0).is_some() && runs.get(2).is_some());
        let labels: Vec<&str> = runs
            .ran(&scene)
            .map(|(o, _)| o.spec.label.as_str())
            .collect();
        let enabled: Vec<&str> = scene.enabled().map(|o| o.spec.label.as_str()).collect();
        assert_eq!(labels, enabled);
        // slot i holds optimizer i's own trajectory
        let direct = engine::run(&scene.problem(), &[scene.optimizers[2].spec.clone()]);
        assert_eq!(runs.get(2), direct.first());
        assert!(Runs::pending(&scene).iter().all(Option::is_none));
    }
}
