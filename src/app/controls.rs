//! The side panel: surface and its parameters, start, steps, seed, and every optimizer with a
//! slider for each hyperparameter. Every edit re-runs the engine in the same frame.

use super::formula_box::FormulaBox;
use super::plot::sig;
use super::state::Session;
use crate::engine::optim::{Knob, OptimizerKind};
use crate::engine::{Param, Scale, Schedule, Surface, SurfaceKind};
use crate::figure::palette;
use crate::scene::{MAX_STEPS, SceneOptimizer, limits};
use egui::{Color32, RichText, Slider, SliderClamping};

/// What the controls asked of the rest of the app.
#[derive(Default)]
pub struct ControlsOutput {
    /// The surface or view box changed: reset the plot's view.
    pub reset_view: bool,
}

/// The side panel's own state (not part of the scene).
#[derive(Default)]
pub struct Controls {
    /// One learning-rate slider drives every optimizer.
    pub same_lr: bool,
    shared_lr: f64,
    formula: FormulaBox,
    /// Labels the user typed: kept as written when values change (see [`super::labels`]).
    typed_labels: Vec<String>,
}

/// Pointer travel per unit of the rail while Shift is held: ten times finer than a plain drag.
const FINE: f64 = 0.1;

/// The one slider of the app: a surface parameter or a hyperparameter on its natural scale
/// (a checkbox for a switch): its name and value box on one line, under them a rail as wide
/// as the panel. Shift-dragging the rail moves it ten times slower, and the value box takes a
/// typed value (or a drag, Shift for finer). An edit past the valid range
/// is pulled back into it. True when the value changed.
pub fn param_slider(ui: &mut egui::Ui, p: &Param, value: &mut f64) -> bool {
    let (lo, hi) = p.slider;
    if p.scale == Scale::Toggle {
        let mut on = *value != 0.0;
        let changed = ui
            .checkbox(&mut on, p.label)
            .on_hover_text(p.help)
            .changed();
        *value = f64::from(u8::from(on));
        return changed;
    }
    let mut typed = false;
    let name = ui
        .horizontal(|ui| {
            let name = ui.label(p.label).on_hover_text(p.help);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                // a drag on the box moves the value by a small step of its own size
                let speed = match p.scale {
                    Scale::Log => value.abs().max(lo) * 0.005,
                    Scale::OneMinusLog => (1.0 - *value).abs().max(1e-6) * 0.02,
                    _ => (hi - lo) / 500.0,
                };
                typed = ui
                    .add(
                        egui::DragValue::new(value)
                            .speed(speed)
                            .custom_formatter(|v, _| sig(v)),
                    )
                    .labelled_by(name.id)
                    .changed();
            });
            name
        })
        .inner;
    let rail = (ui.available_width() - 4.0).max(80.0);
    let narrow = std::mem::replace(&mut ui.spacing_mut().slider_width, rail);
    let before = *value;
    // the rail's coordinate: the value, its log, or −log₁₀(1 − v) (0.9, 0.99, 0.999 evenly
    // spaced); `span` is the rail's length in it
    let to_u = |v: f64| -(1.0 - v.clamp(0.0, 1.0 - 1e-12)).log10();
    let (response, span) = match p.scale {
        Scale::Log => (
            ui.add(
                Slider::new(value, lo.max(1e-300)..=hi)
                    .logarithmic(true)
                    .clamping(SliderClamping::Never)
                    .show_value(false),
            ),
            (hi / lo.max(1e-300)).log10(),
        ),
        Scale::OneMinusLog => {
            let mut u = to_u(*value);
            let r = ui.add(Slider::new(&mut u, 0.0..=to_u(hi)).show_value(false));
            if r.changed() {
                *value = 1.0 - 10f64.powf(-u);
            }
            (r, to_u(hi))
        }
        _ => (
            ui.add(
                Slider::new(value, lo..=hi)
                    .clamping(SliderClamping::Never)
                    .show_value(false),
            ),
            hi - lo,
        ),
    };
    ui.spacing_mut().slider_width = narrow;
    let response = response.labelled_by(name.id).on_hover_text(format!(
        "{} (Shift-drag for fine steps, or type a value in the box)",
        p.help
    ));
    let mut changed = typed || response.changed();
    let held = response.is_pointer_button_down_on() || response.drag_stopped();
    if held && ui.input(|i| i.modifiers.shift) {
        // the pointer's motion, not its position, moves the value: a tenth of the rail's
        // span per rail length (egui's slider jumps to the pointer on the press and the
        // release too: undone here)
        let du = f64::from(response.drag_delta().x) / f64::from(rail) * span * FINE;
        *value = match p.scale {
            Scale::Log => before * 10f64.powf(du),
            Scale::OneMinusLog => 1.0 - 10f64.powf(-(to_u(before) + du)),
            _ => before + du,
        };
        changed = *value != before;
    }
    if changed {
        *value = p.clamp(*value);
    }
    changed
}

/// A label not yet used in the scene, based on `base`.
fn unique_label(session: &Session, base: &str) -> String {
    let taken = |l: &str| session.scene.optimizers.iter().any(|o| o.spec.label == l);
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|k| format!("{base} ({k})"))
        .find(|l| !taken(l))
        .unwrap_or_else(|| base.to_string())
}

impl Controls {
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &mut Session) -> ControlsOutput {
        let mut out = ControlsOutput::default();
        let mut rerun = false;
        ui.heading("Surface");
        let current = session.scene.surface.kind();
        let mut picked = current;
        egui::ComboBox::from_label("Surface")
            .selected_text(current.display_name())
            // every entry in view, "Your formula" last
            .height(480.0)
            .show_ui(ui, |ui| {
                for k in SurfaceKind::ALL {
                    ui.selectable_value(&mut picked, k, k.display_name())
                        .on_hover_text(k.formula());
                }
                let k = SurfaceKind::Formula;
                ui.selectable_value(&mut picked, k, k.display_name())
                    .on_hover_text("type f(x, y): its gradient and Hessian are exact");
            });
        if picked != current {
            session.scene.surface = match picked {
                SurfaceKind::Formula => self.formula.surface(),
                k => Surface::new(k),
            };
            session.scene.start = session.scene.surface.default_start();
            session.scene.view = None;
            session.view = None;
            out.reset_view = true;
            rerun = true;
        }
        if session.scene.surface.kind() == SurfaceKind::Formula {
            rerun |= self.formula.ui(ui, &mut session.scene.surface);
        } else {
            ui.label(
                RichText::new(session.scene.surface.kind().formula())
                    .small()
                    .weak(),
            );
        }
        for p in session.scene.surface.kind().params() {
            let mut v = session.scene.surface.param(p.key).unwrap_or(p.default);
            if param_slider(ui, p, &mut v) {
                session.scene.surface = session.scene.surface.with_param(p.key, v);
                rerun = true;
            }
        }

        ui.separator();
        ui.heading("Run");
        let view = session.view_box();
        let speed = (view.width().max(view.height()) / 200.0).max(1e-6);
        ui.horizontal(|ui| {
            let s = &mut session.scene.start;
            rerun |= ui
                .add(
                    egui::DragValue::new(&mut s.x)
                        .speed(speed)
                        .prefix("start x: "),
                )
                .changed();
            rerun |= ui
                .add(egui::DragValue::new(&mut s.y).speed(speed).prefix("y: "))
                .changed();
            if ui
                .button("Reset start")
                .on_hover_text("Back to the surface's default start")
                .clicked()
            {
                *s = session.scene.surface.default_start();
                rerun = true;
            }
        });
        let mut steps = session.scene.steps;
        // within the work limit for the optimizers enabled now
        let most = limits::most_steps(session.scene.enabled().count()).max(1);
        if ui
            .add(
                Slider::new(&mut steps, 1..=most)
                    .logarithmic(true)
                    .text("steps"),
            )
            .on_hover_text("Updates per optimizer. Large runs compute in the background.")
            .changed()
        {
            session.scene.steps = steps.min(most);
            rerun = true;
        }
        rerun |= ui
            .add(egui::DragValue::new(&mut session.scene.seed).prefix("seed: "))
            .on_hover_text("Seeds SGD's noise: the same seed gives the same picture")
            .changed();

        ui.separator();
        // what adding, duplicating or enabling one more optimizer would break, if anything
        let room = limits::check_one_more(&session.scene);
        ui.horizontal(|ui| {
            ui.heading("Optimizers");
            let add = ui.add_enabled_ui(room.is_ok(), |ui| {
                ui.menu_button("Add optimizer", |ui| {
                    for k in OptimizerKind::ALL {
                        if ui
                            .button(k.display_name())
                            .on_hover_text(k.about())
                            .clicked()
                        {
                            let mut o = SceneOptimizer::new(k);
                            o.spec.label = unique_label(session, k.display_name());
                            session.scene.optimizers.push(o);
                            session.selected = session.scene.optimizers.len() - 1;
                            rerun = true;
                            ui.close();
                        }
                    }
                })
            });
            if let Err(m) = &room {
                add.response.on_disabled_hover_text(m.as_str());
            }
        });
        if ui
            .checkbox(&mut self.same_lr, "Same learning rate for all")
            .on_hover_text("One slider sets every optimizer's learning rate")
            .changed()
            && self.same_lr
        {
            self.shared_lr = session
                .scene
                .optimizers
                .first()
                .map_or(0.01, |o| o.spec.hyper.lr);
        }
        if self.same_lr {
            let mut lr = self.shared_lr;
            // a non-finite edit keeps the rate it had
            let p = Knob::Lr.info().with_default(self.shared_lr);
            if param_slider(ui, &p, &mut lr) {
                self.shared_lr = lr;
                for o in &mut session.scene.optimizers {
                    o.spec.hyper.lr = self.shared_lr;
                    self.follow_values(o);
                }
                rerun = true;
            }
        }

        let mut remove = None;
        let mut duplicate = None;
        let n = session.scene.optimizers.len();
        for i in 0..n {
            let selected = session.selected == i;
            let o = &mut session.scene.optimizers[i];
            let mut color = palette::color(i, o.color);
            // wraps in a narrow panel, so the panel can be dragged narrower than the row
            ui.horizontal_wrapped(|ui| {
                let label = o.spec.label.clone();
                rerun |= ui
                    .add_enabled(
                        o.enabled || room.is_ok(),
                        egui::Checkbox::new(&mut o.enabled, RichText::new(&label).strong()),
                    )
                    .on_hover_text("Run and draw this optimizer")
                    .changed();
                let c = ui
                    .color_edit_button_srgb(&mut color)
                    .accessible_name(format!("colour of {label}"));
                if c.changed() {
                    o.color = Some(color);
                }
                if ui
                    .selectable_label(selected, "Info")
                    .on_hover_text("Show its update rule")
                    .clicked()
                {
                    session.selected = i;
                }
                if ui
                    .add_enabled(room.is_ok(), egui::Button::new("Duplicate").small())
                    .on_hover_text("The same optimizer again, to compare one setting")
                    .clicked()
                {
                    duplicate = Some(i);
                }
                if ui.small_button("Remove").clicked() {
                    remove = Some(i);
                }
            });
            if let Some(run) = session.run(i) {
                let status = super::plot::status_text(&session.scene, i, run, session.clock.step);
                let bad = !matches!(run.status, crate::engine::Status::Ok)
                    && status.starts_with(['d', 's']);
                let text = RichText::new(status).small();
                ui.label(if bad {
                    text.color(Color32::from_rgb(255, 140, 120))
                } else {
                    text.weak()
                });
            }
            let o = &mut session.scene.optimizers[i];
            egui::CollapsingHeader::new(format!("{} settings", o.spec.label))
                .id_salt(("optimizer", i))
                .default_open(n <= 4)
                .show(ui, |ui| {
                    let before = o.spec.label.clone();
                    let (changed, typed) = optimizer_settings(ui, o, self.same_lr);
                    if typed {
                        self.typed_labels.retain(|l| *l != before);
                        self.typed_labels.push(o.spec.label.clone());
                    } else if changed {
                        self.follow_values(o);
                    }
                    rerun |= changed;
                });
        }
        if let Some(i) = duplicate {
            let mut copy = session.scene.optimizers[i].clone();
            copy.spec.label = unique_label(session, &copy.spec.label);
            copy.color = None;
            session.scene.optimizers.insert(i + 1, copy);
            rerun = true;
        }
        if let Some(i) = remove {
            session.scene.optimizers.remove(i);
            if session.selected > i {
                session.selected -= 1;
            }
            rerun = true;
        }
        if rerun {
            session.rerun();
        }
        out
    }

    /// Rewrites the values an automatic label names; a label the user typed is kept.
    fn follow_values(&self, o: &mut SceneOptimizer) {
        if !self.typed_labels.contains(&o.spec.label) {
            o.spec.label = super::labels::follow_values(&o.spec.label, &o.spec);
        }
    }
}

/// Every setting of one optimizer: whether something changed, and whether that was the label
/// typed.
fn optimizer_settings(ui: &mut egui::Ui, o: &mut SceneOptimizer, same_lr: bool) -> (bool, bool) {
    let mut changed = false;
    let mut typed = false;
    let spec = &mut o.spec;
    ui.horizontal(|ui| {
        let l = ui.label("label");
        typed = ui
            .add(
                egui::TextEdit::singleline(&mut spec.label)
                    .char_limit(limits::MAX_LABEL_CHARS)
                    .desired_width(140.0),
            )
            .labelled_by(l.id)
            .changed();
        changed |= typed;
        ui.label(RichText::new(spec.kind.display_name()).weak());
    });
    for (knob, p) in spec.kind.params() {
        if knob == Knob::Lr && same_lr {
            continue;
        }
        let mut v = spec.hyper.get(knob);
        if param_slider(ui, &p, &mut v) {
            spec.hyper.set(knob, v);
            changed = true;
        }
    }
    let mut clip = spec.clip_norm.is_some();
    if ui
        .checkbox(&mut clip, "clip gradient norm")
        .on_hover_text("Rescale gradients longer than c to length c")
        .changed()
    {
        spec.clip_norm = clip.then_some(1.0);
        changed = true;
    }
    if let Some(c) = &mut spec.clip_norm
        && ui
            .add(
                Slider::new(c, 0.01..=100.0)
                    .logarithmic(true)
                    .custom_formatter(|v, _| sig(v))
                    .text("max norm c"),
            )
            .changed()
    {
        *c = if c.is_finite() && *c > 0.0 { *c } else { 1.0 };
        changed = true;
    }
    changed |= schedule_ui(ui, spec);
    changed |= ui
        .add(Slider::new(&mut spec.basis_rotation, -90.0..=90.0).text("basis rotation °"))
        .on_hover_text("Run the optimizer in a coordinate system rotated by this angle. GD does not notice; per-coordinate methods do.")
        .changed();
    ui.horizontal(|ui| {
        if ui
            .button("Reset to defaults")
            .on_hover_text("PyTorch's defaults for this optimizer")
            .clicked()
        {
            let lr = spec.hyper.lr;
            spec.hyper = spec.kind.defaults();
            if same_lr {
                spec.hyper.lr = lr;
            }
            spec.clip_norm = None;
            spec.schedule = None;
            spec.basis_rotation = 0.0;
            changed = true;
        }
    });
    (changed, typed)
}

fn schedule_ui(ui: &mut egui::Ui, spec: &mut crate::engine::OptimizerSpec) -> bool {
    let mut changed = false;
    let kinds = ["constant", "linear", "step", "cosine"];
    let current = spec.schedule.map_or(0, |s| match s {
        Schedule::Linear { .. } => 1,
        Schedule::Step { .. } => 2,
        Schedule::Cosine { .. } => 3,
    });
    let mut picked = current;
    egui::ComboBox::from_label("schedule")
        .selected_text(kinds[current])
        .show_ui(ui, |ui| {
            for (k, name) in kinds.iter().enumerate() {
                ui.selectable_value(&mut picked, k, *name);
            }
        });
    if picked != current {
        let lr = spec.hyper.lr;
        spec.schedule = match picked {
            1 => Some(Schedule::Linear {
                final_lr: lr / 10.0,
                steps: 200,
            }),
            2 => Some(Schedule::Step {
                gamma: 0.5,
                every: 50,
            }),
            3 => Some(Schedule::Cosine {
                final_lr: lr / 10.0,
                steps: 200,
            }),
            _ => None,
        };
        changed = true;
    }
    match &mut spec.schedule {
        Some(Schedule::Linear { final_lr, steps } | Schedule::Cosine { final_lr, steps }) => {
            changed |= ui
                .add(
                    Slider::new(final_lr, 1e-6..=10.0)
                        .logarithmic(true)
                        .custom_formatter(|v, _| sig(v))
                        .text("final lr"),
                )
                .changed();
            changed |= ui
                .add(
                    egui::DragValue::new(steps)
                        .range(1..=MAX_STEPS)
                        .prefix("over steps: "),
                )
                .changed();
        }
        Some(Schedule::Step { gamma, every }) => {
            changed |= ui
                .add(Slider::new(gamma, 0.0..=1.0).text("gamma"))
                .changed();
            changed |= ui
                .add(
                    egui::DragValue::new(every)
                        .range(1..=MAX_STEPS)
                        .prefix("every steps: "),
                )
                .changed();
        }
        None => {}
    }
    if changed
        && let Some(Schedule::Linear { final_lr, .. } | Schedule::Cosine { final_lr, .. }) =
            &mut spec.schedule
    {
        *final_lr = final_lr.max(0.0);
    }
    changed
}
