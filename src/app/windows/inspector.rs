//! The step inspector: the selected optimizer's update rule with this step's numbers — the
//! gradient it was given (after clipping and noise), its state before and after under torch's
//! names, the direction it moved along, each coordinate's effective learning rate, the step
//! and the new point — following ←/→ and the scrubber. Narration plays slowly and points out
//! the state that changed most. Every number is the engine's own (see [`crate::app::inside`]).

use crate::app::LosscapeApp;
use crate::app::inside::{StepView, most_changed, number};
use crate::engine::Vec2;
use crate::engine::optim::Value;
use egui::{Color32, RichText};

/// The highlight of the term that changed most.
const CHANGED: Color32 = Color32::from_rgb(255, 200, 80);

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    if !app.inspector.open {
        if app.inspector.narrate {
            app.inspector.set_narrate(false, &mut app.session);
        }
        return;
    }
    let mut open = true;
    let mut narrate = app.inspector.narrate;
    egui::Window::new("Step inspector")
        .open(&mut open)
        .default_width(380.0)
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.checkbox(&mut narrate, "Narrate").on_hover_text(
                    "Play one step a second and point out the state that changed most",
                );
                ui.label(
                    RichText::new("←/→ step, the scrubber moves it too")
                        .small()
                        .weak(),
                );
            });
            ui.separator();
            let session = &app.session;
            let Some(o) = session.scene.optimizers.get(session.selected) else {
                ui.label("Add an optimizer to inspect its updates.");
                return;
            };
            let (label, kind, rotated) = (
                o.spec.label.clone(),
                o.spec.kind,
                o.spec.basis_rotation != 0.0,
            );
            let Some(view) = app.inspector.inside.step_view(session) else {
                ui.label(format!(
                    "{label} has not run (disabled, or still computing)."
                ));
                return;
            };
            ui.heading(format!("{label}: step {}", view.step));
            ui.label(RichText::new(kind.rule_text()).monospace());
            if rotated {
                ui.label(
                    RichText::new("g and the state are in the optimizer's rotated basis.")
                        .small()
                        .weak(),
                );
            }
            ui.add_space(4.0);
            numbers(ui, view, app.inspector.narrate);
        });
    if narrate != app.inspector.narrate {
        app.inspector.set_narrate(narrate, &mut app.session);
    }
    if !open {
        app.inspector.open = false;
        app.inspector.set_narrate(false, &mut app.session);
    }
}

fn cell(ui: &mut egui::Ui, v: f64, color: Option<Color32>) {
    let text = RichText::new(number(v)).monospace();
    ui.label(match color {
        Some(col) => text.color(col).strong(),
        None => text,
    });
}

fn pair_cells(ui: &mut egui::Ui, v: Vec2, color: Option<Color32>) {
    cell(ui, v.x, color);
    cell(ui, v.y, color);
}

/// A pair in two columns, a scalar (NAdam's μ product) in the first.
fn value_cells(ui: &mut egui::Ui, v: Option<Value>, color: Option<Color32>) {
    match v {
        Some(Value::Pair(p)) => pair_cells(ui, p, color),
        Some(Value::Scalar(s)) => {
            cell(ui, s, color);
            ui.label("");
        }
        None => {
            ui.label("—");
            ui.label("");
        }
    }
}

/// The table of this step's numbers.
fn numbers(ui: &mut egui::Ui, view: &StepView, narrate: bool) {
    let changed = most_changed(view).map(|(name, _)| name);
    let Some(update) = view.after.update else {
        ui.label("Step 0: no update yet. The state the optimizer starts from:");
        egui::Grid::new("inspector-start")
            .striped(true)
            .show(ui, |ui| {
                for (name, v) in view.after.state.iter() {
                    ui.label(RichText::new(name).monospace());
                    value_cells(ui, Some(v), None);
                    ui.end_row();
                }
                ui.label("w");
                pair_cells(ui, view.to, None);
                ui.end_row();
            });
        return;
    };
    egui::Grid::new("inspector-numbers")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new("x").strong());
            ui.label(RichText::new("y").strong());
            ui.end_row();
            ui.label("g (clipped, noisy)")
                .on_hover_text("The gradient this update was given, after clipping and noise");
            pair_cells(ui, update.g, None);
            ui.end_row();
            ui.label("lr (scheduled)");
            cell(ui, update.lr, None);
            ui.label("");
            ui.end_row();
            if let Some(before) = view.before {
                for (name, after) in view.after.state.iter() {
                    let hot = (narrate && changed == Some(name)).then_some(CHANGED);
                    ui.label(RichText::new(format!("{name} before")).monospace());
                    value_cells(ui, before.state.get(name), None);
                    ui.end_row();
                    let text = RichText::new(format!("{name} after")).monospace();
                    ui.label(match hot {
                        Some(c) => text.color(c).strong(),
                        None => text,
                    });
                    value_cells(ui, Some(after), hot);
                    ui.end_row();
                }
            }
            if let Some((name, d)) = update.insight.direction {
                ui.label(format!("direction {name}"));
                pair_cells(ui, d, None);
                ui.end_row();
            }
            let rate = update.insight.rate.unwrap_or(Vec2::repeat(update.lr));
            ui.label("effective lr").on_hover_text(
                "How far this update moves each coordinate per unit of its direction",
            );
            pair_cells(ui, rate, None);
            ui.end_row();
            if let Some(d) = view.delta() {
                ui.label("Δw (the step)");
                pair_cells(ui, d, None);
                ui.end_row();
            }
            ui.label("w (new point)");
            pair_cells(ui, view.to, None);
            ui.end_row();
        });
    if narrate {
        ui.add_space(4.0);
        let text = match most_changed(view) {
            Some((name, f)) if f < f64::MAX => {
                format!(
                    "{name} changed most this step: by {:.1} % of its size.",
                    100.0 * f
                )
            }
            Some((name, _)) => format!("{name} changed most this step: it was zero."),
            None => "The state did not change this step.".to_string(),
        };
        ui.label(RichText::new(text).color(CHANGED));
    }
}
