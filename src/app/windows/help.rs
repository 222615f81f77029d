//! The help window: every command's shortcut, read from the command list, and what the mouse
//! does on the plot.

use crate::app::LosscapeApp;
use crate::app::commands::{Command, shortcut_text};
use egui::RichText;

/// What the mouse and egui's own keys do (they are no commands of the app).
const GESTURES: [(&str, &str); 4] = [
    ("Click the plot", "move the start point"),
    (
        "Drag the start (or Shift+drag)",
        "move the start point continuously",
    ),
    ("Scroll, drag, double-click", "zoom, pan, reset the view"),
    ("Ctrl + / Ctrl - / Ctrl 0", "larger / smaller / normal text"),
];

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    if !app.show_help {
        return;
    }
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("help-grid")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    let commands = Command::ALL
                        .into_iter()
                        .filter(|c| c.available() && !c.shortcuts().is_empty())
                        .map(|c| (shortcut_text(ctx, c), c.help()));
                    let gestures = GESTURES.iter().map(|&(k, w)| (k.to_string(), w));
                    for (keys, what) in commands.chain(gestures) {
                        ui.label(RichText::new(keys).strong());
                        ui.label(what);
                        ui.end_row();
                    }
                });
        });
    if !open {
        app.show_help = false;
    }
}
