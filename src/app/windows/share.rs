//! The share-link window: the scene as a link (web page or desktop app), with a copy button
//! and, on the desktop, the address of the web app the link points to.

use crate::app::LosscapeApp;

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    if !app.show_share {
        return;
    }
    let mut open = true;
    let mut link = app.share_link();
    egui::Window::new("Share this scene").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
        ui.label("This link opens the scene as it is now: surface, start, steps, seed and every optimizer.");
        ui.add(egui::TextEdit::multiline(&mut link).desired_width(480.0).desired_rows(3).interactive(true)).labelled_by(ui.label("link").id);
        ui.horizontal(|ui| {
            if ui.button("Copy link").clicked() {
                ctx.copy_text(link.clone());
                app.toast(ctx, "Link copied to the clipboard");
            }
            ui.label(egui::RichText::new(format!("{} characters", link.len())).weak());
        });
        #[cfg(not(target_arch = "wasm32"))]
        ui.horizontal(|ui| {
            let l = ui.label("web app address");
            ui.add(egui::TextEdit::singleline(&mut app.settings.site).desired_width(300.0)).labelled_by(l.id)
                .on_hover_text("Where losscape's web page is served (see the README); the desktop app also opens these links: losscape 'LINK'");
        });
    });
    if !open {
        app.show_share = false;
    }
}
