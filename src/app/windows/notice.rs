//! The problem window: one message (a file that could not be read, a failed export) until the
//! user dismisses it.

use crate::app::LosscapeApp;

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    let Some(notice) = app.session.notice.clone() else {
        return;
    };
    egui::Window::new("Problem")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
        .show(ctx, |ui| {
            ui.label(notice);
            if ui.button("OK").clicked() {
                app.session.notice = None;
            }
        });
}
