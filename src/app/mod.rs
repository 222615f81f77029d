//! The desktop app (egui).

use crate::scene::Scene;

pub fn run(scene: Option<Scene>) -> Result<(), String> {
    let _ = scene;
    Err("the window is not built yet".into())
}
