//! The built-in scenes: one per lesson (each claim checked by tests/lessons.rs) plus
//! showcases, embedded in the binary so losscape works from any folder.

use super::{Scene, SceneError, SceneErrorKind, parse};

/// A scene shipped inside the binary.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// Used as `builtin:NAME`.
    pub name: &'static str,
    /// The menu group it appears under.
    pub group: &'static str,
    /// The lesson it shows, if any.
    pub lesson: Option<u8>,
    pub source: &'static str,
}

/// The scene the app opens on.
pub const DEFAULT_SCENE: &str = "rosenbrock-race";

macro_rules! scene {
    ($name:literal, $group:literal, $lesson:expr) => {
        Builtin {
            name: $name,
            group: $group,
            lesson: $lesson,
            source: include_str!(concat!("../../assets/scenes/", $name, ".toml")),
        }
    };
}

pub const BUILTINS: &[Builtin] = &[
    scene!("rosenbrock-race", "Races", Some(20)),
    scene!("all-optimizers", "Races", Some(20)),
    scene!("different-minima", "Races", Some(1)),
    scene!("learning-rates", "Learning rate", Some(5)),
    scene!("conditioning", "Learning rate", Some(6)),
    scene!("sgd-decay", "Learning rate", Some(16)),
    scene!("ravine-zigzag", "Momentum", Some(2)),
    scene!("momentum-ravine", "Momentum", Some(3)),
    scene!("nesterov-vs-momentum", "Momentum", Some(4)),
    scene!("adagrad-decay", "Adaptive methods", Some(8)),
    scene!("adadelta-eps", "Adaptive methods", Some(9)),
    scene!("adam-bias-correction", "Adaptive methods", Some(10)),
    scene!("adam-defaults", "Adaptive methods", Some(11)),
    scene!("rotation-invariance", "Adaptive methods", Some(12)),
    scene!("adamw-vs-adam", "Adaptive methods", Some(18)),
    scene!("amsgrad", "Adaptive methods", Some(19)),
    scene!("saddle-escape", "Landscapes", Some(7)),
    scene!("newton-quadratic", "Landscapes", Some(13)),
    scene!("newton-saddle", "Landscapes", Some(13)),
    scene!("plateau", "Landscapes", Some(14)),
    scene!("cliff-clipping", "Landscapes", Some(15)),
    scene!("sam-wide-minimum", "Landscapes", Some(17)),
    scene!("sam-saddle", "Landscapes", Some(17)),
    scene!("batch-minibatch-sgd", "Data", Some(21)),
    scene!("batch-noise", "Data", Some(22)),
    scene!("minibatch-decay", "Data", Some(23)),
    scene!("ravine-raw-features", "Data", Some(24)),
    scene!("ravine-normalized", "Data", Some(24)),
    scene!("tanh-mirrored-minima", "Data", Some(25)),
    scene!("tanh-saddle", "Data", Some(25)),
    scene!("separable-no-minimum", "Data", Some(26)),
    scene!("separable-l2", "Data", Some(26)),
    scene!("train-vs-test", "Data", Some(27)),
    scene!("adagrad-rate", "Inside the optimizer", Some(28)),
    scene!("momentum-buffer", "Inside the optimizer", Some(29)),
    scene!("adam-first-steps", "Inside the optimizer", Some(30)),
    scene!("adadelta-rate", "Inside the optimizer", Some(31)),
    scene!("saddle-field", "Inside the optimizer", Some(32)),
];

impl Builtin {
    /// The lesson's number as menus show it, the one place it is made: "5" for a lesson with
    /// one scene, "13a", "13b" … in list order for a lesson with several; none for a showcase.
    pub fn number(&self) -> Option<String> {
        let n = self.lesson?;
        let mut same = BUILTINS.iter().filter(|b| b.lesson == Some(n));
        let total = same.clone().count();
        let rank = same.position(|b| b.name == self.name).unwrap_or(0);
        Some(match ('a'..='z').nth(rank) {
            Some(letter) if total > 1 => format!("{n}{letter}"),
            _ => n.to_string(),
        })
    }

    /// `title` with the lesson's number in front, as the Lessons menu lists it.
    pub fn menu_title(&self, title: &str) -> String {
        match self.number() {
            Some(n) => format!("{n}. {title}"),
            None => title.to_string(),
        }
    }
}

/// The built-in scene `name`.
pub fn builtin(name: &str) -> Result<Scene, SceneError> {
    match BUILTINS.iter().find(|b| b.name == name) {
        Some(b) => parse(b.source, &format!("builtin:{name}")),
        None => {
            let names: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
            Err(SceneError {
                kind: SceneErrorKind::Io,
                origin: format!("builtin:{name}"),
                location: None,
                message: format!(
                    "no built-in scene of that name; `losscape scenes` lists them: {}",
                    names.join(", ")
                ),
            })
        }
    }
}
