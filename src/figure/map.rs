//! What a map of many runs looks like, with no window: each cell's colour (a hue per minimum
//! shaded by the steps it took, marked colours for runs that diverged or did not converge; a
//! sweep's cells by steps to the tolerance), the legend's rows with each outcome's share, the
//! stability bounds theory puts on a quadratic's sweep and where the optimizer's own setting
//! lies, and the overlay drawn over the cells ([`overlay`]: contours, minima and the start of
//! a basin map; a sweep's bounds and current setting) with the axes' ticks ([`ticks`]). The
//! PNG painter ([`crate::export`]) and the app's map window paint these same lists.

use super::contour::ContourLevel;
use super::draw::{Anchor, Drawn, Ems, HALO, Item, PathItem, Stroke, WHITE, text};
use super::items;
use super::model::{LegendEntry, MarkKind, axis_ticks, tick_labels};
use super::projection::Projection;
use super::{colormap, palette};
use crate::engine::map::{Axis, Cell, MapKind, MapSpec, Outcome};
use crate::engine::{Knob, OptimizerKind, Scale, SurfaceKind, Vec2};

/// Runs that diverged (or, in a sweep, ended above their starting loss).
pub const DIVERGED: [u8; 3] = [150, 20, 45];
/// Runs that took every step without reaching a minimum.
pub const NOT_CONVERGED: [u8; 3] = [96, 96, 96];
/// One hue per known minimum, in the surface's order: Okabe–Ito without the red and the
/// white of the trail palette, so none reads as [`DIVERGED`] or [`NOT_CONVERGED`].
pub const MINIMA: [[u8; 3]; 6] = [
    palette::PALETTE[1], // sky blue
    palette::PALETTE[0], // orange
    palette::PALETTE[5], // bluish green
    palette::PALETTE[2], // yellow
    palette::PALETTE[4], // reddish purple
    palette::PALETTE[9], // pear
];

/// A basin map cell's hue, darker the more steps it took (up to `steps`, the budget).
pub fn basin_color(cell: &Cell, steps: u64) -> [u8; 3] {
    match cell.outcome {
        Outcome::Converged { minimum, step } => {
            let hue = MINIMA[usize::from(minimum) % MINIMA.len()];
            // a run that needed the whole budget keeps 35 % of its hue's brightness
            let dim = 1.0 - 0.65 * slowness(step, steps);
            hue.map(|c| (f64::from(c) * dim).round() as u8)
        }
        Outcome::Diverged { .. } => DIVERGED,
        Outcome::NotConverged => NOT_CONVERGED,
    }
}

/// `step` of `steps` on a log scale: 0 at once, 1 at the budget.
fn slowness(step: u32, steps: u64) -> f64 {
    let most = (steps.max(1) as f64).ln_1p();
    (f64::from(step).ln_1p() / most).clamp(0.0, 1.0)
}

/// A sweep cell's colour: viridis by steps to the tolerance (yellow at once, purple at the
/// budget), grey if it never got there, [`DIVERGED`] if it ended above `start_loss` or blew up.
pub fn sweep_color(cell: &Cell, steps: u64, start_loss: f64) -> [u8; 3] {
    if cell.is_unstable(start_loss) {
        return DIVERGED;
    }
    match cell.outcome {
        Outcome::Converged { step, .. } => colormap::viridis(1.0 - slowness(step, steps)),
        _ => NOT_CONVERGED,
    }
}

/// What a map's colours need besides the cells.
#[derive(Clone, Copy, Debug)]
pub struct Coloring {
    pub sweep: bool,
    pub steps: u64,
    pub start_loss: f64,
}

impl Coloring {
    pub fn of(spec: &MapSpec) -> Coloring {
        Coloring {
            sweep: matches!(spec.kind, MapKind::Sweep { .. }),
            steps: spec.problem.steps,
            start_loss: spec.problem.surface.value(spec.problem.start),
        }
    }

    pub fn color(&self, cell: &Cell) -> [u8; 3] {
        if cell.loss.is_nan() && cell.outcome == Outcome::NotConverged {
            // not computed yet
            return NOT_CONVERGED;
        }
        if self.sweep {
            sweep_color(cell, self.steps, self.start_loss)
        } else {
            basin_color(cell, self.steps)
        }
    }
}

/// The legend: each minimum reached (where it is, and the share of runs reaching it), then
/// the runs that diverged and those that did not converge.
pub fn legend(spec: &MapSpec, minima: &[Vec2], cells: &[Cell]) -> Vec<LegendEntry> {
    let coloring = Coloring::of(spec);
    let n = cells.len().max(1) as f64;
    let share = |k: usize| format!("{:.1} % of runs", 100.0 * k as f64 / n);
    let mut reached = vec![0usize; minima.len()];
    let (mut diverged, mut other) = (0usize, 0usize);
    for c in cells {
        if coloring.sweep && c.is_unstable(coloring.start_loss) {
            diverged += 1;
            continue;
        }
        match c.outcome {
            Outcome::Converged { minimum, .. } => {
                if let Some(r) = reached.get_mut(usize::from(minimum)) {
                    *r += 1;
                }
            }
            Outcome::Diverged { .. } => diverged += 1,
            Outcome::NotConverged => other += 1,
        }
    }
    let mut rows = Vec::new();
    if coloring.sweep {
        let total: usize = reached.iter().sum();
        // the two ends of the cells' viridis scale: one swatch of either hue would let a
        // student read the other as a different outcome
        rows.push(LegendEntry {
            // not an optimizer's row: nothing to highlight, a solid swatch
            index: usize::MAX,
            dashed: false,
            label: "converges in a few steps".into(),
            color: colormap::viridis(0.95),
            status: share(total),
            alert: false,
        });
        rows.push(LegendEntry {
            index: usize::MAX,
            dashed: false,
            label: format!(
                "converges near step {} (darker: slower)",
                spec.problem.steps
            ),
            color: colormap::viridis(0.0),
            status: String::new(),
            alert: false,
        });
    } else {
        for (i, (m, &k)) in minima.iter().zip(&reached).enumerate() {
            rows.push(LegendEntry {
                // not an optimizer's row: nothing to highlight, a solid swatch
                index: usize::MAX,
                dashed: false,
                label: format!("minimum {} ({:.2}, {:.2})", i + 1, m.x, m.y),
                color: MINIMA[i % MINIMA.len()],
                status: share(k),
                alert: false,
            });
        }
    }
    let unstable = if coloring.sweep {
        "diverges or ends above its start"
    } else {
        "diverges"
    };
    rows.push(LegendEntry {
        // not an optimizer's row: nothing to highlight, a solid swatch
        index: usize::MAX,
        dashed: false,
        label: unstable.into(),
        color: DIVERGED,
        status: share(diverged),
        alert: diverged > 0,
    });
    rows.push(LegendEntry {
        // not an optimizer's row: nothing to highlight, a solid swatch
        index: usize::MAX,
        dashed: false,
        label: format!("not converged in {} steps", spec.problem.steps),
        color: NOT_CONVERGED,
        status: share(other),
        alert: false,
    });
    rows
}

/// A stability bound drawn over a sweep: its name and its points as fractions along the
/// sweep's axes (x left to right, y bottom to top).
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    pub label: String,
    pub points: Vec<[f64; 2]>,
}

/// The largest stable learning rates theory gives on a quadratic, over an lr sweep of an
/// optimizer that has such a bound ([`crate::engine::optim::Stability`]): GD's 2/λmax, and
/// the optimizer's own where it differs (momentum's 2(1 + μ)/λmax, Nesterov's
/// 2(1 + μ)/((1 + 2μ)λmax)), traced along the y axis when y moves it.
pub fn stability_bounds(spec: &MapSpec) -> Vec<Bound> {
    let MapKind::Sweep { x, y } = &spec.kind else {
        return Vec::new();
    };
    let surface = &spec.problem.surface;
    let kind = spec.optimizer.kind;
    let Some(stability) = kind.stability() else {
        return Vec::new();
    };
    if surface.kind() != SurfaceKind::Quadratic || x.knob != Knob::Lr {
        return Vec::new();
    }
    let lambda = surface.hessian_eigenvalues(spec.problem.start)[1];
    if !(lambda > 0.0 && lambda.is_finite()) {
        return Vec::new();
    }
    let gd = 2.0 / lambda;
    let mut bounds = vec![Bound {
        label: format!("2/λmax = {}", super::model::sig(gd)),
        points: vec![[x.fraction(gd), 0.0], [x.fraction(gd), 1.0]],
    }];
    let own = |ty: f64| {
        let mut h = spec.optimizer.hyper;
        h.set(y.knob, y.at(ty));
        (stability.max_lr)(&h, lambda)
    };
    let samples: Vec<(f64, f64)> = (0..=100)
        .map(|k| {
            let ty = f64::from(k) / 100.0;
            (ty, own(ty))
        })
        .filter(|(_, lr)| lr.is_finite() && *lr > 0.0)
        .collect();
    if samples.iter().any(|(_, lr)| (lr - gd).abs() > 1e-9 * gd) {
        let label = match kind {
            OptimizerKind::Momentum => "2(1 + μ)/λmax",
            OptimizerKind::Nesterov => "2(1 + μ)/((1 + 2μ)λmax)",
            _ => "its stability bound",
        };
        bounds.push(Bound {
            label: label.into(),
            points: samples
                .iter()
                .map(|&(ty, lr)| [x.fraction(lr), ty])
                .collect(),
        });
    }
    bounds
}

/// Where the optimizer's own setting lies on a sweep, as fractions along its axes.
pub fn current_setting(spec: &MapSpec) -> Option<[f64; 2]> {
    let MapKind::Sweep { x, y } = &spec.kind else {
        return None;
    };
    let h = &spec.optimizer.hyper;
    let p = [x.fraction(h.get(x.knob)), y.fraction(h.get(y.knob))];
    p.iter().all(|v| v.is_finite()).then_some(p)
}

/// What is drawn over a map's cells, and where.
#[derive(Clone, Copy, Debug)]
pub struct MapOverlay<'a> {
    pub spec: &'a MapSpec,
    /// The surface's known minima, as the map numbers them.
    pub minima: &'a [Vec2],
    /// A basin map's contour lines, in parameters (unused for a sweep).
    pub contours: &'a [ContourLevel],
    /// Parameters to the plot rectangle (pixels or points); a sweep uses only its rectangle.
    pub projection: Projection,
    /// The size unit (1: a 800 × 600 figure in pixels, or the window in points).
    pub u: f64,
    pub ems: Ems,
}

/// The overlay over the cells, clipped to the plot: a basin map's contours, its numbered
/// minima as rings and the scene's start; a sweep's stability bounds with their labels and
/// the optimizer's own setting as a ring.
pub fn overlay(o: &MapOverlay) -> Vec<Drawn> {
    let u = o.u;
    let mut out = Vec::new();
    match &o.spec.kind {
        MapKind::Basin { .. } => {
            out.extend(items::contours(o.contours, &o.projection, u));
            for (k, m) in o.minima.iter().enumerate() {
                let c = o.projection.project(*m);
                ring(&mut out, c, 5.0 * u, u, "minimum");
                out.push(Drawn::clipped(
                    text(
                        &format!("{}", k + 1),
                        [c[0] + 8.0 * u, c[1] - 6.0 * u],
                        o.ems.tick,
                        WHITE,
                        Anchor::Start,
                        "minimum-label",
                    )
                    .item,
                ));
            }
            let start = o.projection.project(o.spec.problem.start);
            items::mark(&mut out, MarkKind::Start, start, u);
        }
        MapKind::Sweep { .. } => sweep_overlay(&mut out, o),
    }
    out
}

/// A white ring on a dark halo, readable on any colour of the map.
fn ring(out: &mut Vec<Drawn>, center: [f64; 2], radius: f64, u: f64, class: &'static str) {
    for (color, width) in [(HALO, 3.5 * u), (WHITE, 1.7 * u)] {
        out.push(Drawn::clipped(Item::Circle {
            center,
            radius,
            fill: None,
            stroke: Some(Stroke { color, width }),
            class,
        }));
    }
}

/// A point at fractions `t` along a sweep's axes (x left to right, y bottom to top) of `plot`.
fn at_fraction(plot: [f64; 4], t: [f64; 2]) -> [f64; 2] {
    let [left, top, w, h] = plot;
    [left + t[0] * w, top + (1.0 - t[1]) * h]
}

fn sweep_overlay(out: &mut Vec<Drawn>, o: &MapOverlay) {
    let u = o.u;
    let plot = o.projection.rect;
    for (k, bound) in stability_bounds(o.spec).iter().enumerate() {
        let line: Vec<[f64; 2]> = bound.points.iter().map(|&t| at_fraction(plot, t)).collect();
        for (color, width) in [(HALO, 4.0 * u), (WHITE, 1.8 * u)] {
            out.push(Drawn::clipped(Item::Path(PathItem::stroked(
                "bound",
                vec![line.clone()],
                Stroke { color, width },
            ))));
        }
        // the label beside the curve near the bottom, clear of the legend
        let ty = 0.04 + 0.06 * k as f64;
        let near = bound
            .points
            .iter()
            .min_by(|a, b| (a[1] - ty).abs().total_cmp(&(b[1] - ty).abs()));
        if let Some(&t) = near {
            let p = at_fraction(plot, [t[0], ty]);
            // GD's on its left (the optimizer's own bound lies right of it), the others right
            let (dx, anchor) = if k == 0 {
                (-6.0 * u, Anchor::End)
            } else {
                (6.0 * u, Anchor::Start)
            };
            out.push(Drawn::clipped(
                text(
                    &bound.label,
                    [p[0] + dx, p[1]],
                    o.ems.tick,
                    WHITE,
                    anchor,
                    "bound-label",
                )
                .item,
            ));
        }
    }
    if let Some(t) = current_setting(o.spec) {
        ring(out, at_fraction(plot, t), 7.0 * u, u, "current");
    }
}

/// Tick values of a sweep axis: decades on a log axis, 0, 0.9, 0.99… on a log(1 − v) one,
/// round numbers otherwise; about `max` of them at most.
pub fn axis_values(axis: &Axis, max: usize) -> Vec<f64> {
    let [lo, hi] = axis.range;
    let decades = |a: f64, b: f64| -> Vec<i32> {
        // ends that are decades up to rounding (1 − 0.99) count
        let (a, b) = (
            (a.log10() - 1e-9).ceil() as i32,
            (b.log10() + 1e-9).floor() as i32,
        );
        let all: Vec<i32> = (a..=b).collect();
        let every = all.len().div_ceil(max.max(1)).max(1);
        all.into_iter().step_by(every).collect()
    };
    match axis.scale {
        Scale::Log => decades(lo, hi).into_iter().map(|d| 10f64.powi(d)).collect(),
        Scale::OneMinusLog => {
            let mut v: Vec<f64> = decades(1.0 - hi, 1.0 - lo)
                .into_iter()
                .map(|d| 1.0 - 10f64.powi(d))
                .collect();
            v.reverse();
            v
        }
        _ => axis_ticks(lo, hi, max),
    }
}

/// A map's axes: tick positions (pixels or points, along the bottom and up the left side)
/// with their labels, and the axes' titles.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    pub x: Vec<(f64, String)>,
    pub y: Vec<(f64, String)>,
    pub x_title: String,
    pub y_title: String,
}

/// The ticks of a map drawn in `projection`'s rectangle at size unit `u`: the view's x and y
/// for a basin map, the knobs' values on their own scales for a sweep, a label about every
/// 90 units across and 60 up (and at least a few).
pub fn ticks(spec: &MapSpec, projection: &Projection, u: f64) -> Ticks {
    let [left, top, w, h] = projection.rect;
    // four at least: with fewer, round steps can leave a single mark on a long axis
    let most_x = (w / (90.0 * u)).clamp(4.0, 12.0) as usize;
    let most_y = (h / (60.0 * u)).clamp(4.0, 12.0) as usize;
    match &spec.kind {
        MapKind::Basin { .. } => {
            let view = projection.view;
            let xt = axis_ticks(view.x[0], view.x[1], most_x);
            let yt = axis_ticks(view.y[0], view.y[1], most_y);
            let x = xt
                .iter()
                .zip(tick_labels(&xt))
                .map(|(v, l)| (projection.project(Vec2::new(*v, view.y[0]))[0], l))
                .collect();
            let y = yt
                .iter()
                .zip(tick_labels(&yt))
                .map(|(v, l)| (projection.project(Vec2::new(view.x[0], *v))[1], l))
                .collect();
            Ticks {
                x,
                y,
                x_title: "x".into(),
                y_title: "y".into(),
            }
        }
        MapKind::Sweep { x, y } => {
            // round steps with the decimals they need ("0", "2.5"); decades as written
            // ("0.001", "0.99", "1e-6")
            let labels = |axis: &Axis, values: &[f64]| match axis.scale {
                Scale::Log | Scale::OneMinusLog => values
                    .iter()
                    .map(|&v| {
                        if v != 0.0 && v.abs() < 1e-4 {
                            format!("{v:e}")
                        } else {
                            format!("{v}")
                        }
                    })
                    .collect(),
                _ => tick_labels(values),
            };
            let xv = axis_values(x, most_x);
            let yv = axis_values(y, most_y);
            Ticks {
                x: xv
                    .iter()
                    .zip(labels(x, &xv))
                    .map(|(&v, l)| (left + x.fraction(v) * w, l))
                    .collect(),
                y: yv
                    .iter()
                    .zip(labels(y, &yv))
                    .map(|(&v, l)| (top + (1.0 - y.fraction(v)) * h, l))
                    .collect(),
                x_title: x.knob.info().label.into(),
                y_title: y.knob.info().label.into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::map::{compute, quadratic_sweep as sweep};
    use crate::engine::run::Control;

    /// A 64 × 12 sweep of `kind` on the κ = 20 quadratic: lr over `lr` × `y` over `range`.
    fn sweep_of(kind: OptimizerKind, lr: [f64; 2], y: Knob, range: [f64; 2]) -> MapSpec {
        MapSpec {
            kind: MapKind::Sweep {
                x: Axis::new(Knob::Lr, lr),
                y: Axis::new(y, range),
            },
            ..sweep(kind)
        }
    }

    #[test]
    fn the_drawn_bound_is_where_the_measured_sweep_turns_unstable() {
        for kind in [OptimizerKind::Momentum, OptimizerKind::Nesterov] {
            let map = sweep(kind);
            let bounds = stability_bounds(&map);
            assert_eq!(bounds.len(), 2, "{kind:?}: GD's and its own");
            let own = &bounds[1];
            let cells = compute(&map, &Control::default()).expect("not cancelled");
            let start_loss = map.problem.surface.value(map.problem.start);
            let [cols, rows] = map.size;
            for j in 0..rows {
                let row = &cells[j * cols..(j + 1) * cols];
                let first = row
                    .iter()
                    .position(|c| c.is_unstable(start_loss))
                    .expect("the range crosses the bound");
                // the curve's x where it crosses the row's centre (rows run from the top)
                let ty = 1.0 - (j as f64 + 0.5) / rows as f64;
                let at = own
                    .points
                    .windows(2)
                    .find(|w| (w[0][1]..=w[1][1]).contains(&ty))
                    .map(|w| {
                        let t = (ty - w[0][1]) / (w[1][1] - w[0][1]);
                        w[0][0] + t * (w[1][0] - w[0][0])
                    })
                    .expect("the curve spans the y axis");
                assert!(
                    (first as f64 - at * cols as f64).abs() <= 1.0,
                    "{kind:?} row {j}: unstable from column {first}, the curve is at column {:.2}",
                    at * cols as f64
                );
            }
        }
    }

    #[test]
    fn sweep_ticks_are_decades_on_a_log_axis_and_round_numbers_on_a_linear_one() {
        let map = sweep_of(OptimizerKind::Sgd, [2e-4, 2.0], Knob::Noise, [0.0, 5.0]);
        let view = map.problem.surface.view_box();
        let t = ticks(
            &map,
            &Projection::new(view, [10.0, 20.0, 400.0, 400.0]),
            1.0,
        );
        let labels = |v: &[(f64, String)]| v.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>();
        assert_eq!(labels(&t.x), ["0.001", "0.01", "0.1", "1"]);
        assert_eq!(labels(&t.y), ["0", "1", "2", "3", "4", "5"]);
        // each mark at its value's place on the log axis
        let MapKind::Sweep { x, .. } = map.kind else {
            unreachable!()
        };
        assert!((t.x[1].0 - (10.0 + 400.0 * x.fraction(0.01))).abs() < 1e-9);
        // the y axis runs up: 0 at the bottom
        assert_eq!(t.y[0].0, 420.0);
        assert_eq!(
            (t.x_title.as_str(), t.y_title.as_str()),
            ("learning rate", "noise")
        );
    }

    #[test]
    fn only_optimizers_with_a_bound_get_curves() {
        let map = sweep_of(OptimizerKind::Adam, [1e-3, 1.0], Knob::Beta1, [0.0, 0.9]);
        assert!(stability_bounds(&map).is_empty());
        let gd = sweep_of(OptimizerKind::Sgd, [1e-3, 1.0], Knob::Noise, [0.0, 0.5]);
        let bounds = stability_bounds(&gd);
        assert_eq!(bounds.len(), 1, "SGD's bound is GD's");
        assert!(
            bounds[0].label.starts_with("2/λmax = 0.1"),
            "{}",
            bounds[0].label
        );
    }
}
