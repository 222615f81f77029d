//! The animation bar (play, step, restart, speed, scrubber) and the loss-against-step plot.

use super::plot::sig;
use super::state::{Clock, Session};
use crate::figure::palette;
use egui::{Color32, Slider};
use egui_plot::{GridMark, Line, Plot, PlotPoints, VLine};

/// Points per loss curve at most; longer runs are thinned evenly (the last point is kept).
const MAX_LOSS_POINTS: usize = 2000;

/// Loss curves thinned for drawing, per generation of the runs.
#[derive(Default)]
pub struct LossCurves {
    generation: Option<u64>,
    /// `(step, log10(loss − floor))` per optimizer.
    curves: Vec<Option<Vec<[f64; 2]>>>,
    /// The loss subtracted so that surfaces with negative minima still fit a log scale.
    pub floor: f64,
}

impl LossCurves {
    fn update(&mut self, session: &Session) {
        if self.generation == Some(session.generation) && self.curves.len() == session.runs.len() {
            return;
        }
        let surface = &session.scene.surface;
        let known = surface
            .minima()
            .iter()
            .map(|m| surface.value(*m))
            .fold(f64::INFINITY, f64::min);
        let seen = session
            .runs
            .iter()
            .flatten()
            .flat_map(|t| t.losses.iter().copied())
            .filter(|l| l.is_finite())
            .fold(f64::INFINITY, f64::min);
        let floor = known.min(seen);
        self.floor = if floor.is_finite() { floor } else { 0.0 };
        let floor = self.floor;
        self.curves = session
            .runs
            .iter()
            .map(|r| {
                r.as_ref().map(|t| {
                    let n = t.losses.len();
                    let stride = n.div_ceil(MAX_LOSS_POINTS).max(1);
                    let mut pts: Vec<[f64; 2]> = (0..n)
                        .step_by(stride)
                        .chain((n > 0 && (n - 1) % stride != 0).then_some(n - 1))
                        .filter(|&k| t.losses[k].is_finite())
                        .map(|k| [k as f64, (t.losses[k] - floor).max(1e-16).log10()])
                        .collect();
                    pts.dedup_by(|a, b| a[0] == b[0]);
                    pts
                })
            })
            .collect();
        self.generation = Some(session.generation);
    }
}

/// The row of animation controls.
pub fn controls(ui: &mut egui::Ui, session: &mut Session) {
    let last = session.last_step();
    ui.horizontal(|ui| {
        let play = if session.clock.playing {
            "Pause"
        } else {
            "Play"
        };
        if ui
            .add(egui::Button::new(play).min_size(egui::vec2(64.0, 0.0)))
            .on_hover_text("Play or pause (Space)")
            .clicked()
        {
            session.clock.toggle(last);
        }
        if ui
            .button("Step back")
            .on_hover_text("One step back (Left arrow)")
            .clicked()
        {
            session.clock.step_by(-1, last);
        }
        if ui
            .button("Step forward")
            .on_hover_text("One step forward (Right arrow)")
            .clicked()
        {
            session.clock.step_by(1, last);
        }
        if ui
            .button("Restart")
            .on_hover_text("Back to step 0 and play (Home or R)")
            .clicked()
        {
            session.clock.restart();
        }
        ui.add(
            Slider::new(
                &mut session.clock.speed,
                Clock::MIN_SPEED..=Clock::MAX_SPEED,
            )
            .logarithmic(true)
            .custom_formatter(|v, _| format!("{v:.0}"))
            .text("steps/s"),
        )
        .on_hover_text("Animation speed in steps per second");
        ui.spacing_mut().slider_width = (ui.available_width() - 120.0).max(120.0);
        let mut step = session.clock.step;
        if ui
            .add(Slider::new(&mut step, 0..=last).text("step"))
            .on_hover_text("Drag to scrub through the run")
            .changed()
        {
            session.clock.step = step;
            session.clock.playing = false;
        }
    });
    if let Some(p) = session.progress() {
        ui.add(
            egui::ProgressBar::new(p.fraction())
                .show_percentage()
                .text(format!("computing {} of {} updates", p.done, p.total)),
        );
    }
}

/// Loss (minus the lowest known loss) against step on a log scale, with the current step.
pub fn loss_plot(ui: &mut egui::Ui, session: &Session, curves: &mut LossCurves) {
    curves.update(session);
    let floor = curves.floor;
    let step = session.clock.step as f64;
    let title = if floor == 0.0 {
        "loss (log scale)".to_string()
    } else {
        format!("loss − ({}) (log scale)", sig(floor))
    };
    Plot::new("loss-plot")
        .height(ui.available_height().max(60.0))
        .allow_scroll(false)
        .x_axis_label("step")
        .y_axis_label(title)
        .y_grid_spacer(|input| {
            let (lo, hi) = input.bounds;
            let (lo, hi) = (lo.floor() as i64, hi.ceil() as i64);
            // few enough decades that egui_plot has room to label them
            let every = ((hi - lo) / 4).max(1);
            (lo..=hi)
                .filter(|k| k % every == 0)
                .map(|k| GridMark {
                    value: k as f64,
                    step_size: every as f64,
                })
                .collect()
        })
        .y_axis_formatter(|mark, _| format!("1e{}", mark.value.round() as i64))
        .label_formatter(move |pos| {
            let p = match pos {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => *position,
            };
            Some(format!(
                "step {:.0}\nloss {}",
                p.x,
                sig(10f64.powf(p.y) + floor)
            ))
        })
        .show(ui, |pui| {
            for (i, c) in curves.curves.iter().enumerate() {
                let Some(pts) = c else { continue };
                let o = &session.scene.optimizers[i];
                let col = palette::color(i, o.color);
                // the run up to the step in full colour, the rest faint; the faint line
                // would be hidden under the full one, so it starts where that ends
                let n = pts.partition_point(|p| p[0] <= step);
                let rest = &pts[n.saturating_sub(1)..];
                if rest.len() >= 2 {
                    pui.line(
                        Line::new("", PlotPoints::new(rest.to_vec()))
                            .color(Color32::from_rgba_unmultiplied(col[0], col[1], col[2], 60))
                            .width(1.0),
                    );
                }
                pui.line(
                    Line::new(o.spec.label.clone(), PlotPoints::new(pts[..n].to_vec()))
                        .color(Color32::from_rgb(col[0], col[1], col[2]))
                        .width(2.0),
                );
            }
            pui.vline(
                VLine::new("", step)
                    .color(Color32::from_gray(160))
                    .width(1.0),
            );
        });
}
