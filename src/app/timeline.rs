//! The animation bar (play, step, restart, speed, scrubber) and the loss-against-step plot.

use super::plot::sig;
use super::state::{Clock, Session};
use crate::engine::{Status, Trajectory};
use crate::figure::items::TEST_LOSS_KEY;
use crate::figure::model::blown_up;
use crate::figure::palette;
use crate::figure::polyline::simplify_indices;
use egui::{Color32, Slider};
use egui_plot::{GridMark, Line, LineStyle, MarkerShape, Plot, PlotPoints, Points, VLine};

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
    /// The same for the test loss at each point (a data surface with `test_data`), drawn
    /// dashed; `None` without test data.
    test_curves: Vec<Option<Vec<[f64; 2]>>>,
    /// The loss subtracted so that surfaces with negative minima still fit a log scale.
    pub floor: f64,
    /// `curves` simplified at the plot's scale (empty until they are), and that scale
    /// (pixels per unit on each axis).
    shown: Vec<Option<Vec<[f64; 2]>>>,
    shown_scale: Option<[u64; 2]>,
    /// The y range (log10 of loss − floor) of the runs that did not diverge: what the panel
    /// shows, so one run flying off does not squash the others flat.
    pub range: Option<[f64; 2]>,
    /// Per optimizer: the run diverged (or its loss grew a million-fold), so it is left out
    /// of `range` and clipped at the top with a marker.
    pub diverging: Vec<bool>,
    /// The y bounds the panel showed in its last frame.
    pub shown_y: Option<[f64; 2]>,
    /// Where the panel drew its data in its last frame; `None` while hidden.
    pub frame: Option<egui::Rect>,
    /// The generation the bounds were fitted to.
    fitted: Option<u64>,
}

/// Whether a run diverged or is on its way: its loss overflowed, or grew a million-fold over
/// its start.
fn diverging(t: &Trajectory) -> bool {
    let l0 = t.losses.first().copied().unwrap_or(0.0);
    matches!(t.status, Status::Diverged { .. }) || t.losses.iter().any(|&l| blown_up(l, l0))
}

/// The steps of a run of `n` points drawn in the panel: at most about [`MAX_LOSS_POINTS`],
/// always the last.
fn thinned(n: usize) -> impl Iterator<Item = usize> {
    let stride = n.div_ceil(MAX_LOSS_POINTS).max(1);
    (0..n)
        .step_by(stride)
        .chain((n > 0 && !(n - 1).is_multiple_of(stride)).then_some(n - 1))
}

/// `(step, y(loss))` of the `(step, loss)` pairs whose loss is finite, one point per step.
fn curve(losses: impl Iterator<Item = (usize, f64)>, y: impl Fn(f64) -> f64) -> Vec<[f64; 2]> {
    let mut pts: Vec<[f64; 2]> = losses
        .filter(|(_, l)| l.is_finite())
        .map(|(k, l)| [k as f64, y(l)])
        .collect();
    pts.dedup_by(|a, b| a[0] == b[0]);
    pts
}

impl LossCurves {
    /// The test-loss curve of optimizer `i` as drawn: `(step, log10(test loss − floor))`;
    /// `None` without test data or without a run.
    pub fn test_curve(&self, i: usize) -> Option<&[[f64; 2]]> {
        self.test_curves.get(i)?.as_deref()
    }

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
        self.diverging = session
            .runs
            .iter()
            .map(|r| r.as_ref().is_some_and(diverging))
            .collect();
        // the runs that fit: those that did not diverge, or all when every one did
        let calm: Vec<&Trajectory> = {
            let all: Vec<(usize, &Trajectory)> = session
                .runs
                .iter()
                .enumerate()
                .filter_map(|(i, r)| r.as_ref().map(|t| (i, t)))
                .collect();
            let fine: Vec<&Trajectory> = all
                .iter()
                .filter(|(i, _)| !self.diverging[*i])
                .map(|(_, t)| *t)
                .collect();
            if fine.is_empty() {
                all.into_iter().map(|(_, t)| t).collect()
            } else {
                fine
            }
        };
        let seen = calm
            .iter()
            .flat_map(|t| t.losses.iter().copied())
            .filter(|l| l.is_finite())
            .fold(f64::INFINITY, f64::min);
        // the test loss at the thinned steps, when the surface holds test data
        let tests: Vec<Option<Vec<(usize, f64)>>> = session
            .runs
            .iter()
            .map(|r| {
                let t = r.as_ref()?;
                surface.test_value(t.points.first().copied()?)?;
                Some(
                    thinned(t.points.len())
                        .map(|k| (k, surface.test_value(t.points[k]).unwrap_or(f64::NAN)))
                        .collect(),
                )
            })
            .collect();
        // as for the losses: the runs that did not diverge, or all when every one did
        let every_diverged = self
            .diverging
            .iter()
            .zip(session.runs.iter())
            .all(|(d, r)| *d || r.is_none());
        let calm_tests = || {
            tests
                .iter()
                .enumerate()
                .filter(|(i, _)| every_diverged || !self.diverging[*i])
                .filter_map(|(_, t)| t.as_ref())
                .flat_map(|t| t.iter().map(|&(_, l)| l))
                .filter(|l| l.is_finite())
        };
        let seen = calm_tests().fold(seen, f64::min);
        let floor = known.min(seen);
        self.floor = if floor.is_finite() { floor } else { 0.0 };
        let floor = self.floor;
        let log = |l: f64| (l - floor).max(1e-16).log10();
        self.curves = session
            .runs
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|t| curve(thinned(t.losses.len()).map(|k| (k, t.losses[k])), log))
            })
            .collect();
        self.test_curves = tests
            .iter()
            .map(|t| t.as_ref().map(|t| curve(t.iter().copied(), log)))
            .collect();
        let (lo, hi) = calm
            .iter()
            .flat_map(|t| t.losses.iter().copied())
            .filter(|l| l.is_finite())
            .chain(calm_tests())
            .map(log)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
                (a.min(y), b.max(y))
            });
        self.range = (lo.is_finite() && hi.is_finite()).then(|| {
            // at least half a decade, and a margin so curves do not run along the frame
            let mid = 0.5 * (lo + hi);
            let half = (0.5 * (hi - lo)).max(0.25) * 1.06;
            [mid - half, mid + half]
        });
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

/// Labelled marks on a log axis at most.
const MAX_LOSS_MARKS: usize = 6;

/// The closest two labelled marks come, in points: egui_plot hides labels under 20 points
/// apart, so closer marks would leave the axis unlabelled (a low panel did).
const MIN_LABEL_GAP: f64 = 26.0;

/// The grid's finest spacing in points (egui_plot's default), from which the marks learn the
/// axis' scale.
pub(super) const GRID_MIN: f32 = 8.0;

/// Marks of a log axis (the loss, the state plot), which shows log10 of the loss between `lo` and `hi` at
/// `px_per_decade` points per decade: whole decades (every k-th, so labels stay
/// [`MIN_LABEL_GAP`] apart and at most [`MAX_LOSS_MARKS`]); when fewer than two decades are
/// in view, 1, 2 and 5 times each decade, and failing that every multiple, so a curve that
/// changes by less than a factor of ten still has labelled ticks.
pub(super) fn log_marks(lo: f64, hi: f64, px_per_decade: f64) -> Vec<GridMark> {
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Vec::new();
    }
    let min_step = if px_per_decade.is_finite() && px_per_decade > 0.0 {
        MIN_LABEL_GAP / px_per_decade
    } else {
        0.0
    };
    // decades as integers; far beyond f64's exponents nothing is drawn anyway
    let (a, b) = (lo.floor().max(-400.0) as i64, hi.ceil().min(400.0) as i64);
    let every = ((b - a) / 4).max(min_step.ceil().min(800.0) as i64).max(1);
    let decades: Vec<GridMark> = (a.div_euclid(every)..=b.div_euclid(every))
        .map(|q| GridMark {
            value: (q * every) as f64,
            step_size: every as f64,
        })
        .collect();
    let in_view = |v: &f64| (lo..=hi).contains(v);
    if decades.iter().filter(|m| in_view(&m.value)).count() >= 2 {
        return decades;
    }
    // the narrowest gap between consecutive marks of each set, in decades
    for (multiples, gap) in [
        (&[1.0, 2.0, 5.0][..], 2f64.log10()),
        (
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
            (10.0f64 / 9.0).log10(),
        ),
    ] {
        let marks: Vec<f64> = (a..=b)
            .flat_map(|k| multiples.iter().map(move |m| k as f64 + f64::log10(*m)))
            .filter(in_view)
            .collect();
        // a handful of labels, however far the view is zoomed
        let every = marks.len().div_ceil(MAX_LOSS_MARKS).max(1);
        let step_size = gap * every as f64;
        if marks.len() >= 2 && step_size >= min_step {
            return marks
                .into_iter()
                .step_by(every)
                .map(|value| GridMark { value, step_size })
                .collect();
        }
    }
    decades
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

/// Loss (minus the lowest known loss) against step on a log scale, with the current step. The
/// y range fits the runs that did not diverge; a diverging run runs off the top, where a
/// triangle in its colour marks the step it left the panel.
///
/// With an optimizer `highlight`ed (a click on its legend entry) the other curves are dimmed,
/// as their trails are.
pub fn loss_plot(
    ui: &mut egui::Ui,
    session: &Session,
    curves: &mut LossCurves,
    highlight: Option<usize>,
) {
    curves.update(session);
    let floor = curves.floor;
    let step = session.clock.step as f64;
    // short, so it fits along a low panel's axis; the hover read-out gives the loss itself
    let title = if floor == 0.0 { "loss" } else { "loss − min" };
    let mut plot = Plot::new("loss-plot")
        .height(ui.available_height().max(60.0))
        .allow_scroll(false)
        .x_axis_label("step")
        .y_axis_label(title)
        .y_axis_min_width(44.0)
        .include_x(0.0)
        .include_x(session.last_step() as f64)
        .grid_spacing(GRID_MIN..=300.0)
        .y_grid_spacer(|input| {
            let px_per_decade = f64::from(GRID_MIN) / input.base_step_size;
            log_marks(input.bounds.0, input.bounds.1, px_per_decade)
        })
        .y_axis_formatter(|mark, _| log_label(mark.value))
        // no negative or fractional steps under the axis (they collided with the y labels)
        .x_axis_formatter(|mark, _| {
            if mark.value < 0.0 || mark.value.fract() != 0.0 {
                String::new()
            } else {
                format!("{:.0}", mark.value)
            }
        })
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
        });
    if let Some([lo, hi]) = curves.range {
        plot = plot.default_y_bounds(lo, hi);
    }
    // new runs: fit them again, whatever the user zoomed to before
    if curves.fitted != curves.generation {
        plot = plot.reset();
        curves.fitted = curves.generation;
    }
    // the panel's own background: a yellow curve on white is darkened until it reads
    let bg = ui.visuals().extreme_bg_color;
    let page = palette::luminance([bg.r(), bg.g(), bg.b()]);
    let ink = |i: usize| {
        let o = &session.scene.optimizers[i];
        let c = palette::readable_on(palette::color(i, o.color), page);
        let c = Color32::from_rgb(c[0], c[1], c[2]);
        if highlight.is_some_and(|h| h != i) {
            c.gamma_multiply(0.3)
        } else {
            c
        }
    };
    let response = plot.show(ui, |pui| {
        // the scale of the last frame: when it changes, the curves are simplified again
        // on the next frame
        let t = pui.transform();
        let (frame, bounds) = (t.frame(), t.bounds());
        curves.shown_y = Some([bounds.min()[1], bounds.max()[1]]);
        curves.frame = Some(*frame);
        let scale = [
            f64::from(frame.width()) / bounds.width(),
            f64::from(frame.height()) / bounds.height(),
        ];
        if scale.iter().all(|s| s.is_finite() && *s > 0.0) {
            curves.simplify_for(scale);
        }
        // where each diverging run leaves the top of the panel
        let top = bounds.max()[1];
        let marker_y = top - 0.05 * bounds.height();
        for (i, c) in curves.curves.iter().enumerate() {
            let Some(pts) = c else { continue };
            if !curves.diverging.get(i).copied().unwrap_or(false) {
                continue;
            }
            if let Some(p) = pts.iter().find(|p| p[1] > top) {
                pui.points(
                    Points::new("", vec![[p[0], marker_y]])
                        .shape(MarkerShape::Up)
                        .filled(true)
                        .radius(6.0)
                        .color(ink(i)),
                );
            }
        }
        // the highlighted curve last, on top of the dimmed ones
        let mut order: Vec<usize> = (0..curves.curves.len()).collect();
        order.sort_by_key(|&i| highlight == Some(i));
        for i in order {
            let c = &curves.curves[i];
            let Some(pts) = c else { continue };
            let shown = curves.shown.get(i).and_then(Option::as_ref).unwrap_or(pts);
            let o = &session.scene.optimizers[i];
            let col = ink(i);
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
                        .color(col.gamma_multiply(60.0 / 255.0))
                        .width(1.0)
                        .allow_band(false),
                );
            }
            pui.line(
                Line::new(o.spec.label.clone(), PlotPoints::new(done))
                    .color(col)
                    .width(2.0)
                    .allow_band(false),
            );
        }
        // the test loss dashed in each optimizer's colour, not split at the step: it is
        // read against the whole training curve
        for (i, c) in curves.test_curves.iter().enumerate() {
            let Some(pts) = c else { continue };
            pui.line(
                Line::new("", PlotPoints::new(pts.clone()))
                    .color(ink(i))
                    .width(1.5)
                    .style(LineStyle::dashed_dense())
                    .allow_band(false),
            );
        }
        pui.vline(
            VLine::new("", step)
                .color(Color32::from_gray(160))
                .width(1.0),
        );
    });
    // the key of the dashed curves in the frame's bottom-left corner, painted over the plot
    // (a plot item there would widen the bounds it is placed by, frame after frame)
    if curves.test_curves.iter().any(Option::is_some) {
        let corner = response.transform.frame().left_bottom() + egui::vec2(6.0, -4.0);
        ui.painter().text(
            corner,
            egui::Align2::LEFT_BOTTOM,
            TEST_LOSS_KEY,
            egui::FontId::proportional(12.0),
            ui.visuals().weak_text_color(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The labels on a tall panel (1,000 points per decade: never too close).
    fn labels(lo: f64, hi: f64) -> Vec<String> {
        labels_at(lo, hi, 1000.0)
    }

    fn labels_at(lo: f64, hi: f64, px_per_decade: f64) -> Vec<String> {
        log_marks(lo, hi, px_per_decade)
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
    fn a_low_panel_labels_fewer_decades_far_enough_apart() {
        // nine decades in 70 points: every fourth decade, 31 points apart
        assert_eq!(labels_at(-7.0, 2.0, 70.0 / 9.0), ["1e-4", "1e0"]);
        // under two decades in 60 points: 1, 2 and 5 would be 9 points apart; decades only
        assert_eq!(labels_at(-1.9, 0.0, 30.0), ["1e-1", "1e0"]);
        for px in [5.0, 20.0, 80.0, 300.0] {
            for k in 0..100 {
                let lo = -10.0 + 0.13 * f64::from(k);
                for span in [0.05, 0.3, 1.5, 4.0, 30.0] {
                    let marks = log_marks(lo, lo + span, px);
                    let shown: Vec<f64> = marks
                        .iter()
                        .map(|m| m.value)
                        .filter(|v| (lo..=lo + span).contains(v))
                        .collect();
                    for w in shown.windows(2) {
                        let gap = (w[1] - w[0]) * px;
                        assert!(gap >= 20.0, "{gap} points apart at {px}/decade");
                    }
                }
            }
        }
    }

    #[test]
    fn a_sane_number_of_marks_at_any_zoom() {
        for k in 0..400 {
            let lo = -20.0 + 0.1 * f64::from(k);
            for span in [0.01, 0.05, 0.2, 0.9, 1.7, 3.0, 12.0, 300.0] {
                let n = labels(lo, lo + span).len();
                assert!(n <= MAX_LOSS_MARKS, "{n} marks on [{lo}, {}]", lo + span);
            }
        }
    }

    #[test]
    fn degenerate_and_huge_ranges_give_few_marks() {
        assert!(log_marks(1.0, 1.0, 100.0).is_empty());
        assert!(log_marks(f64::NAN, 1.0, 100.0).is_empty());
        assert!(log_marks(0.0, f64::INFINITY, 100.0).is_empty());
        assert!(log_marks(-1e300, 1e300, 100.0).len() <= 6);
        assert!(log_marks(-30.0, 30.0, 100.0).len() <= 6);
    }
}
