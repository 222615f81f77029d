//! The animation bar (play, step, restart, speed, scrubber) and the loss-against-step plot.

use super::plot::sig;
use super::state::{Clock, Session};
use crate::figure::palette;
use crate::figure::polyline::simplify_indices;
use egui::{Color32, Slider};
use egui_plot::{GridMark, Line, Plot, PlotPoints, VLine};

/// Points per loss curve at most; longer runs are thinned evenly (the last point is kept).
const MAX_LOSS_POINTS: usize = 10_000;

/// Loss curves are drawn simplified to within this many pixels of the thinned curve: a
/// smooth descent over thousands of steps is a few dozen points on screen.
const LOSS_TOLERANCE_PX: f64 = 0.25;

/// Loss curves thinned for drawing, per generation of the runs.
#[derive(Default)]
pub struct LossCurves {
    generation: Option<u64>,
    /// `(step, log10(loss − floor))` per optimizer.
    curves: Vec<Option<Vec<[f64; 2]>>>,
    /// The loss subtracted so that surfaces with negative minima still fit a log scale.
    pub floor: f64,
    /// `curves` simplified at the plot's scale (empty until they are), and that scale
    /// (pixels per unit on each axis).
    shown: Vec<Option<Vec<[f64; 2]>>>,
    shown_scale: Option<[u64; 2]>,
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
        self.shown.clear();
        self.shown_scale = None;
    }

    /// Simplifies the curves for `scale` (pixels per unit of step and of log10 loss) unless
    /// they already are.
    fn simplify_for(&mut self, scale: [f64; 2]) {
        let key = [scale[0].to_bits(), scale[1].to_bits()];
        if self.shown_scale == Some(key) {
            return;
        }
        let mut px: Vec<[f64; 2]> = Vec::new();
        self.shown = self
            .curves
            .iter()
            .map(|c| {
                c.as_ref().map(|pts| {
                    px.clear();
                    px.extend(pts.iter().map(|p| [p[0] * scale[0], p[1] * scale[1]]));
                    simplify_indices(&px, LOSS_TOLERANCE_PX)
                        .into_iter()
                        .map(|k| pts[k])
                        .collect()
                })
            })
            .collect();
        self.shown_scale = Some(key);
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

/// Marks of a log axis (the loss, the state plot), which shows log10 of values between `lo` and `hi`: whole
/// decades, at most about five of them; when fewer than two decades are in view, 1, 2 and 5
/// times each decade, and failing that every multiple, so a curve that changes by less than
/// a factor of ten still has labelled ticks.
pub(super) fn log_marks(lo: f64, hi: f64) -> Vec<GridMark> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Vec::new();
    }
    // decades as integers; far beyond f64's exponents nothing is drawn anyway
    let (a, b) = (lo.floor().max(-400.0) as i64, hi.ceil().min(400.0) as i64);
    let every = ((b - a) / 4).max(1);
    let decades: Vec<i64> = (a.div_euclid(every)..=b.div_euclid(every))
        .map(|q| q * every)
        .collect();
    let in_view = |v: &f64| (lo..=hi).contains(v);
    if decades.iter().map(|&k| k as f64).filter(in_view).count() >= 2 {
        return decades
            .into_iter()
            .map(|k| GridMark {
                value: k as f64,
                step_size: every as f64,
            })
            .collect();
    }
    for multiples in [
        &[1.0, 2.0, 5.0][..],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    ] {
        let marks: Vec<GridMark> = (a..=b)
            .flat_map(|k| multiples.iter().map(move |m| k as f64 + f64::log10(*m)))
            .filter(in_view)
            .map(|value| GridMark {
                value,
                step_size: 0.1,
            })
            .collect();
        if marks.len() >= 2 {
            return marks;
        }
    }
    Vec::new()
}

/// The label of a mark of [`log_marks`]: `2e-3` for log10(0.002).
pub(super) fn log_label(value: f64) -> String {
    let mut exponent = value.floor();
    let mut mantissa = 10f64.powf(value - exponent).round();
    if mantissa >= 10.0 {
        mantissa = 1.0;
        exponent += 1.0;
    }
    format!("{mantissa}e{exponent}")
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
        .y_grid_spacer(|input| log_marks(input.bounds.0, input.bounds.1))
        .y_axis_formatter(|mark, _| log_label(mark.value))
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
            // the scale of the last frame: when it changes, the curves are simplified again
            // on the next frame
            let t = pui.transform();
            let (frame, bounds) = (t.frame(), t.bounds());
            let scale = [
                f64::from(frame.width()) / bounds.width(),
                f64::from(frame.height()) / bounds.height(),
            ];
            if scale.iter().all(|s| s.is_finite() && *s > 0.0) {
                curves.simplify_for(scale);
            }
            for (i, c) in curves.curves.iter().enumerate() {
                let Some(pts) = c else { continue };
                let shown = curves.shown.get(i).and_then(Option::as_ref).unwrap_or(pts);
                let o = &session.scene.optimizers[i];
                let col = palette::color(i, o.color);
                // the run up to the step in full colour, the rest faint; both meet at the
                // last (unsimplified) point up to the step, so the full line ends there
                let n = pts.partition_point(|p| p[0] <= step);
                let split = pts.get(n.wrapping_sub(1)).copied();
                let m = shown.partition_point(|p| p[0] <= step);
                let mut done: Vec<[f64; 2]> = shown[..m].to_vec();
                let mut rest: Vec<[f64; 2]> = Vec::with_capacity(shown.len() - m + 1);
                if let Some(p) = split {
                    if done.last() != Some(&p) {
                        done.push(p);
                    }
                    rest.push(p);
                }
                rest.extend_from_slice(&shown[m..]);
                // no bands: egui_plot merges points that share a pixel column into a band
                // and interpolates between columns, which turns a simplified curve (a steep
                // drop, then one long segment) into a filled triangle
                if rest.len() >= 2 {
                    pui.line(
                        Line::new("", PlotPoints::new(rest))
                            .color(Color32::from_rgba_unmultiplied(col[0], col[1], col[2], 60))
                            .width(1.0)
                            .allow_band(false),
                    );
                }
                pui.line(
                    Line::new(o.spec.label.clone(), PlotPoints::new(done))
                        .color(Color32::from_rgb(col[0], col[1], col[2]))
                        .width(2.0)
                        .allow_band(false),
                );
            }
            pui.vline(
                VLine::new("", step)
                    .color(Color32::from_gray(160))
                    .width(1.0),
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(lo: f64, hi: f64) -> Vec<String> {
        log_marks(lo, hi)
            .iter()
            .filter(|m| (lo..=hi).contains(&m.value))
            .map(|m| log_label(m.value))
            .collect()
    }

    #[test]
    fn whole_decades_when_two_are_in_view() {
        assert_eq!(labels(-12.3, 2.2), ["1e-12", "1e-8", "1e-4", "1e0"]);
        assert_eq!(labels(-0.5, 1.5), ["1e0", "1e1"]);
    }

    #[test]
    fn less_than_a_decade_still_gets_labelled_ticks() {
        // the long Rastrigin run: losses between 17.9 and 44
        assert_eq!(labels(1.25, 1.65), ["2e1", "3e1", "4e1"]);
        assert_eq!(labels(0.0, 0.5), ["1e0", "2e0"]);
        assert_eq!(labels(-3.9, -3.1), ["2e-4", "5e-4"]);
    }

    #[test]
    fn degenerate_and_huge_ranges_give_few_marks() {
        assert!(log_marks(1.0, 1.0).is_empty());
        assert!(log_marks(f64::NAN, 1.0).is_empty());
        assert!(log_marks(0.0, f64::INFINITY).is_empty());
        assert!(log_marks(-1e300, 1e300).len() <= 6);
        assert!(log_marks(-30.0, 30.0).len() <= 6);
    }
}
