//! The state-over-time plot under the loss panel: for the selected optimizer, each
//! coordinate's effective learning rate (lr/(√v̂ + ε) and friends: Adagrad's monotone decay,
//! Adadelta's rate set by ε at the start), the size of each step |Δw| and the scheduled
//! learning rate, on a log scale, with the shown step marked. The numbers are the engine's
//! own, read by [`super::inside`].

use super::inside::Inside;
use super::plot::sig;
use super::state::Session;
use super::timeline::{GRID_MIN, log_label, log_marks};
use egui::Color32;
use egui_plot::{Legend, Line, Plot, PlotPoints, VLine};

pub fn ui(ui: &mut egui::Ui, session: &Session, inside: &mut Inside) {
    let label = session
        .scene
        .optimizers
        .get(session.selected)
        .map(|o| o.spec.label.clone())
        .unwrap_or_default();
    let series = inside.series(session);
    let step = session.clock.step as f64;
    Plot::new("state-plot")
        .height(ui.available_height().max(60.0))
        .allow_scroll(false)
        .legend(Legend::default())
        .x_axis_label("step")
        .y_axis_label(format!("{label} (log)"))
        .grid_spacing(GRID_MIN..=300.0)
        .y_grid_spacer(|input| {
            let px_per_decade = f64::from(GRID_MIN) / input.base_step_size;
            log_marks(input.bounds.0, input.bounds.1, px_per_decade)
        })
        .y_axis_formatter(|mark, _| log_label(mark.value))
        .label_formatter(|pos| {
            let (name, p) = match pos {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => (*plot_name, *position),
                egui_plot::HoverPosition::Elsewhere { position } => ("", *position),
            };
            Some(format!("{name}\nstep {:.0}\n{}", p.x, sig(10f64.powf(p.y))))
        })
        .show(ui, |pui| {
            let lines: [(&str, &Vec<[f64; 2]>, Color32); 4] = [
                (
                    "effective lr, x",
                    &series.rate[0],
                    Color32::from_rgb(90, 170, 255),
                ),
                (
                    "effective lr, y",
                    &series.rate[1],
                    Color32::from_rgb(255, 140, 90),
                ),
                ("|Δw|", &series.step_norm, Color32::from_rgb(120, 220, 120)),
                ("lr (schedule)", &series.lr, Color32::from_gray(200)),
            ];
            for (name, pts, color) in lines {
                if !pts.is_empty() {
                    pui.line(
                        Line::new(name, PlotPoints::new(pts.clone()))
                            .color(color)
                            .width(1.5)
                            .allow_band(false),
                    );
                }
            }
            pui.vline(
                VLine::new("", step)
                    .color(Color32::from_gray(160))
                    .width(1.0),
            );
        });
}
