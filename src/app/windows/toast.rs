//! The toast: a short message at the bottom of the window ("Saved …") that fades by itself.

use crate::app::LosscapeApp;

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    let Some((msg, until)) = app.toast.clone() else {
        return;
    };
    let now = ctx.input(|i| i.time);
    if now < until {
        egui::Area::new(egui::Id::unique("toast"))
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -60.0])
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| ui.label(msg));
            });
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(until - now));
    } else {
        app.toast = None;
    }
}
