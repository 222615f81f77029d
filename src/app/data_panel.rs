//! The data panel beside the plot, on a data surface: the examples as points (held-out ones
//! hollow) and each optimizer's model at the current step in its colour, moving with the
//! animation ([`crate::figure::data_view`]); under it every optimizer's minibatch size on a
//! log slider (1 … n) with the epoch it has reached.
//!
//! The points are a playground: click empty space to add an example, drag one to move it,
//! right-click one to delete it. Each edit makes a new data surface, so the colour map, the
//! contours and every trajectory follow at once; an edit the data cannot take (the last
//! example, a constant feature under `normalize`) is refused with a message and nothing lost.

use super::state::Session;
use crate::engine::Surface;
use crate::engine::data::{DataSet, DataSurface};
use crate::figure::data_view::DataView;
use egui::Color32;
use egui_plot::{Line, Plot, PlotPoint, PlotPoints, PlotTransform, Points};

/// How close (in points) a press must be to an example to grab or delete it.
const GRAB_RADIUS: f32 = 10.0;

/// The panel's own state; the data lives in the scene.
#[derive(Default)]
pub struct DataPanel {
    /// The training example being dragged.
    dragging: Option<usize>,
    /// The plot's transform from the last frame, to aim presses before the plot is built.
    transform: Option<PlotTransform>,
    /// One batch size for every optimizer.
    pub same_batch: bool,
}

/// A file the panel asks the app to open or save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataFile {
    Open,
    Save,
}

fn rgb(c: [u8; 3]) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

impl DataPanel {
    /// Shows the panel; returns a file the user asked to open or save.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &mut Session) -> Option<DataFile> {
        let view = DataView::build(&session.scene, &session.runs, session.clock.step)?;
        let test = if view.test.is_empty() {
            String::new()
        } else {
            format!(", {} held out (hollow)", view.test.len())
        };
        let mut file = None;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Data").strong());
            if ui.button("Open CSV…").clicked() {
                file = Some(DataFile::Open);
            }
            if ui.button("Save CSV…").clicked() {
                file = Some(DataFile::Save);
            }
        });
        ui.label(format!(
            "n = {} examples{test} · model {}",
            view.n, view.formula
        ));
        ui.label(
            egui::RichText::new("click: add an example · drag: move · right-click: delete")
                .small()
                .weak(),
        );
        let plot_h = (ui.available_height() * 0.6).max(160.0);
        ui.allocate_ui(egui::vec2(ui.available_width(), plot_h), |ui| {
            self.plot(ui, session, &view)
        });
        ui.separator();
        self.batch_controls(ui, session, &view);
        file
    }

    /// Where the example `[a, b]` was drawn in the last frame (tests aim with it).
    pub fn screen_pos(&self, example: [f64; 2]) -> Option<egui::Pos2> {
        Some(
            self.transform?
                .position_from_point(&PlotPoint::new(example[0], example[1])),
        )
    }

    /// The index of the training example within the grab radius of `pos`, nearest first.
    fn near(&self, view: &DataView, pos: egui::Pos2) -> Option<usize> {
        let t = self.transform?;
        view.train
            .iter()
            .enumerate()
            .map(|(i, [a, b])| {
                (
                    i,
                    t.position_from_point(&PlotPoint::new(*a, *b)).distance(pos),
                )
            })
            .filter(|(_, d)| *d < GRAB_RADIUS)
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .map(|(i, _)| i)
    }

    fn plot(&mut self, ui: &mut egui::Ui, session: &mut Session, view: &DataView) {
        let (pressed, origin) =
            ui.input(|i| (i.pointer.primary_pressed(), i.pointer.press_origin()));
        if pressed && let Some(o) = origin {
            self.dragging = self.near(view, o);
        }
        if !ui.input(|i| i.pointer.primary_down() || i.pointer.primary_released()) {
            self.dragging = None;
        }
        let resp = Plot::new("data-plot")
            .x_axis_label("feature a")
            .y_axis_label("target b")
            .default_x_bounds(view.x_range[0], view.x_range[1])
            .default_y_bounds(view.y_range[0], view.y_range[1])
            .allow_drag(self.dragging.is_none())
            .allow_scroll(false)
            .allow_double_click_reset(true)
            .show(ui, |pui| {
                let train: Vec<[f64; 2]> = view.train.clone();
                pui.points(
                    Points::new("training examples", PlotPoints::new(train))
                        .radius(4.0)
                        .filled(true)
                        .color(Color32::from_gray(200)),
                );
                if !view.test.is_empty() {
                    pui.points(
                        Points::new("held-out examples", PlotPoints::new(view.test.clone()))
                            .radius(4.0)
                            .filled(false)
                            .color(Color32::from_gray(150)),
                    );
                }
                for c in &view.curves {
                    pui.line(
                        Line::new(
                            format!("{} (B = {}, epoch {})", c.label, c.batch, c.epoch),
                            PlotPoints::new(c.points.clone()),
                        )
                        .color(rgb(c.color))
                        .width(2.0),
                    );
                }
            });
        let t = resp.transform;
        self.transform = Some(t);
        let r = &resp.response;
        let mut examples = view.train.clone();
        let binary = session
            .scene
            .surface
            .data_surface()
            .is_some_and(|d| d.model().binary_targets());
        let at = |p: egui::Pos2| {
            let v = t.value_from_position(p);
            let b = if binary {
                f64::from(u8::from(v.y > 0.5))
            } else {
                v.y
            };
            [v.x, b]
        };
        let edited = if let (Some(i), true) = (self.dragging, r.dragged()) {
            match r.interact_pointer_pos() {
                Some(p) if i < examples.len() => {
                    examples[i] = at(p);
                    true
                }
                _ => false,
            }
        } else if r.secondary_clicked() {
            match r.interact_pointer_pos().and_then(|p| self.near(view, p)) {
                Some(i) => {
                    examples.remove(i);
                    true
                }
                None => false,
            }
        } else if r.clicked() && self.dragging.is_none() {
            match r.interact_pointer_pos() {
                Some(p) if self.near(view, p).is_none() => {
                    examples.push(at(p));
                    true
                }
                _ => false,
            }
        } else {
            false
        };
        if edited
            && examples
                .iter()
                .all(|e| e[0].is_finite() && e[1].is_finite())
        {
            set_examples(session, examples);
        }
    }

    fn batch_controls(&mut self, ui: &mut egui::Ui, session: &mut Session, view: &DataView) {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Minibatch size B").strong());
            ui.checkbox(&mut self.same_batch, "same batch size for all");
        });
        let n = view.n.max(1);
        let mut changed = None;
        for c in &view.curves {
            let Some(o) = session.scene.optimizers.get(c.optimizer) else {
                continue;
            };
            let mut b = c.batch;
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, rgb(c.color));
                let slider = egui::Slider::new(&mut b, 1..=n)
                    .logarithmic(true)
                    .text(format!("B · {}", o.spec.label));
                if ui.add(slider).changed() {
                    changed = Some((c.optimizer, b));
                }
                ui.label(egui::RichText::new(format!("epoch {}", c.epoch)).weak());
            });
        }
        if let Some((i, b)) = changed {
            for (k, o) in session.scene.optimizers.iter_mut().enumerate() {
                if k == i || self.same_batch {
                    o.spec.batch_size = Some(b);
                }
            }
            session.rerun();
        }
    }
}

/// What the info panel says of the data: n, the selected optimizer's B and epoch at the
/// shown step, and what a minibatch gradient is.
pub fn info_text(session: &Session) -> Option<String> {
    let d = session.scene.surface.data_surface()?;
    let o = session.scene.optimizers.get(session.selected)?;
    let b = o.spec.effective_batch(&session.scene.surface)?;
    let step = session
        .run(session.selected)
        .map_or(0, |t| session.clock.step.min(t.last_step()));
    let epoch = crate::engine::data::epoch_of(step as u64, d.len(), b);
    let test = d
        .test_set()
        .map(|t| format!(", {} held out", t.examples.len()))
        .unwrap_or_default();
    Some(format!(
        "Data: n = {} training examples{test}; the model predicts {}. {} reads the gradient of \
         minibatches of B = {b} (shuffled every epoch, the last one smaller): at step {step} it \
         is in epoch {epoch}. The loss shown is the mean over all n examples.",
        d.len(),
        d.model().curve(),
        o.spec.label,
    ))
}

/// Replaces the training examples, keeping the model, the test set, `normalize` and `l2`;
/// a refused edit leaves the scene as it was and says why.
pub fn set_examples(session: &mut Session, examples: Vec<[f64; 2]>) {
    let surface = &session.scene.surface;
    let Some(d) = surface.data_surface() else {
        return;
    };
    let next = d.with_data(DataSet::inline(examples), d.test_set().cloned());
    match next {
        Ok(next) => {
            let n = next.len();
            session.scene.surface = Surface::data(next, surface.l2());
            for o in &mut session.scene.optimizers {
                if let Some(b) = o.spec.batch_size {
                    o.spec.batch_size = Some(b.clamp(1, n));
                }
            }
            session.rerun();
        }
        Err(m) => session.notice = Some(format!("Edit refused: {m}.")),
    }
}

/// The examples of a data surface, for tests and CSV export.
pub fn examples(surface: &Surface) -> Option<&[[f64; 2]]> {
    surface
        .data_surface()
        .map(|d: &DataSurface| d.train_set().examples.as_slice())
}
