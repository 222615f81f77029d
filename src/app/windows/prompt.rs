//! The path prompt: where no native file dialog can appear (no portal, tests), the user types
//! the path instead.

use crate::app::LosscapeApp;
use egui::Key;

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    let Some(mut prompt) = app.files.prompt.take() else {
        return;
    };
    let mut keep = true;
    let mut chosen = None;
    egui::Window::new(prompt.action.title())
        .collapsible(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("path");
                let r = ui
                    .add(egui::TextEdit::singleline(&mut prompt.path).desired_width(420.0))
                    .labelled_by(l.id);
                if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    chosen = Some(prompt.path.clone());
                }
            });
            ui.horizontal(|ui| {
                let verb = if prompt.action.is_save() {
                    "Save"
                } else {
                    "Open"
                };
                if ui.button(verb).clicked() {
                    chosen = Some(prompt.path.clone());
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
    if let Some(path) = chosen {
        app.file_chosen(ctx, prompt.action.clone(), std::path::Path::new(&path));
    } else if keep {
        app.files.prompt = Some(prompt);
    }
}
