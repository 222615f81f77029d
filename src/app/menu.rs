//! The menu bar: File, View, Lessons and Help, and the overlay/grid switch. Entries that are
//! commands come from the command list ([`super::commands`]), shortcut and all.

use super::LosscapeApp;
use super::commands::{Command, menu_button, menu_toggle};
use super::state::Layout;
use crate::figure::draw::LegendPlacement;
use crate::scene::{self, BUILTINS};

impl LosscapeApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let run = |app: &mut LosscapeApp, ui: &mut egui::Ui, commands: &[Command]| {
            for &c in commands.iter().filter(|c| c.available()) {
                if menu_button(ui, c) {
                    app.run_command(&ctx, c);
                }
            }
        };
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                use Command::*;
                run(self, ui, &[OpenScene, SaveScene, SaveSceneAs]);
                ui.separator();
                run(
                    self,
                    ui,
                    &[Screenshot, CopyFigure, ExportFigure, ExportAnimation],
                );
                run(self, ui, &[ExportTrajectories, ShareLink]);
                if Quit.available() {
                    ui.separator();
                    run(self, ui, &[Quit]);
                }
            });
            ui.menu_button("View", |ui| {
                let mut layout = self.session.layout;
                ui.radio_value(&mut layout, Layout::Overlay, "Overlay: all on one plot");
                ui.radio_value(
                    &mut layout,
                    Layout::Grid,
                    "Grid: one panel per optimizer (G)",
                );
                if layout != self.session.layout {
                    self.set_layout(layout);
                }
                ui.separator();
                run(self, ui, &[Command::Presentation]);
                let s = &mut self.settings;
                menu_toggle(ui, Command::ToggleControls, &mut s.show_controls);
                menu_toggle(ui, Command::ToggleInfo, &mut s.show_info);
                menu_toggle(ui, Command::ToggleLoss, &mut s.show_loss);
                menu_toggle(ui, Command::ToggleHover, &mut s.hover);
                ui.checkbox(&mut s.dark, "Dark theme");
                let minibatched = self.session.scene.surface.data_surface().is_some();
                ui.add_enabled(
                    minibatched,
                    egui::Checkbox::new(
                        &mut self.plot.show_minibatch,
                        "Minibatch contours (selected optimizer)",
                    ),
                )
                .on_hover_text(
                    "The loss of the minibatch the selected optimizer's next update descends, \
                     as faint contours that change every step",
                );
                ui.separator();
                // rows side by side where they belong together: the menu must fit a 1280 × 720
                // screen, whose last rows (full screen, reset view) it used to run off
                let mut legend = self.legend_placement();
                ui.horizontal(|ui| {
                    ui.label("Legend:");
                    for (placement, text, hint) in [
                        (
                            LegendPlacement::Beside,
                            "Beside the plot",
                            "in a column of its own",
                        ),
                        (
                            LegendPlacement::Auto,
                            "In a corner",
                            "in the plot's emptiest corner",
                        ),
                        (LegendPlacement::Hidden, "Hidden", "not drawn"),
                    ] {
                        ui.radio_value(&mut legend, placement, text)
                            .on_hover_text(hint);
                    }
                });
                if legend != self.legend_placement() {
                    self.settings.legend = legend.name().to_string();
                }
                ui.separator();
                // the map before the longer groups, where a short screen shows it first
                run(
                    self,
                    ui,
                    &[
                        Command::View2d,
                        Command::View3d,
                        Command::ViewBoth,
                        Command::OpenMap,
                    ],
                );
                menu_toggle(ui, Command::BasinMaps, &mut self.plot.basins.on);
                self.plot.view3d.height_controls(ui);
                ui.separator();
                self.inside_toggles(ui);
                ui.separator();
                // egui handles these keys itself: the buttons only do the same
                ui.horizontal(|ui| {
                    if ui.button("Larger text (Ctrl +)").clicked() {
                        egui::gui_zoom::zoom_in(ui.ctx());
                    }
                    if ui.button("Smaller text (Ctrl -)").clicked() {
                        egui::gui_zoom::zoom_out(ui.ctx());
                    }
                });
                ui.horizontal(|ui| run(self, ui, &[Command::FullScreen, Command::ResetView]));
            });
            ui.menu_button("Lessons", |ui| self.lessons_menu(ui));
            ui.menu_button("Help", |ui| run(self, ui, &[Command::Help]));
            ui.separator();
            let mut layout = self.session.layout;
            ui.selectable_value(&mut layout, Layout::Overlay, "Overlay")
                .on_hover_text("All optimizers on one plot (G toggles)");
            ui.selectable_value(&mut layout, Layout::Grid, "Grid")
                .on_hover_text("One small panel per optimizer (G toggles)");
            if layout != self.session.layout {
                self.set_layout(layout);
            }
        });
    }

    /// The overlays, the step inspector and the state plot: commands shown as checkboxes.
    fn inside_toggles(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        for cmd in Command::ALL.into_iter().filter(|c| c.shows_inside()) {
            let mut on = match cmd.overlay() {
                Some(key) => self.session.scene.show.get(key),
                None if cmd == Command::Inspector => self.inspector.open,
                None => self.settings.show_state,
            };
            let mut text = cmd.label().to_string();
            if let Some(s) = cmd.shortcuts().first() {
                text.push_str(&format!(" ({})", ctx.format_shortcut(s)));
            }
            if ui
                .checkbox(&mut on, text)
                .on_hover_text(cmd.help())
                .changed()
            {
                self.run_command(&ctx, cmd);
            }
        }
    }

    /// The built-in scenes by group, each with its claim as a tooltip.
    fn lessons_menu(&mut self, ui: &mut egui::Ui) {
        let mut groups: Vec<&str> = Vec::new();
        for b in BUILTINS {
            if !groups.contains(&b.group) {
                groups.push(b.group);
            }
        }
        for group in groups {
            ui.menu_button(group, |ui| {
                for b in BUILTINS.iter().filter(|b| b.group == group) {
                    let Ok(s) = scene::builtin(b.name) else {
                        continue;
                    };
                    let title = b.menu_title(s.title());
                    if ui.button(title).on_hover_text(&s.description).clicked() {
                        self.open(&format!("builtin:{}", b.name));
                        ui.close();
                    }
                }
            });
        }
    }
}
