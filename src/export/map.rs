//! A map of many runs as a PNG: the figure's page (title, axes, frame) with the map's cells
//! where the colour map goes, and over them the legend of outcomes ([`crate::figure::map`]);
//! a basin map also gets the contours and the known minima, a sweep its hyperparameter axes,
//! the stability bounds theory gives on a quadratic and the optimizer's own setting.

use super::layout::{Canvas, tick_labels};
use super::{ExportError, FigureRequest, raster};
use crate::engine::map::{Axis, Cell, MapKind, MapSpec};
use crate::engine::{Scale, Vec2};
use crate::figure::draw::{Anchor, Drawn, HALO, Item, PathItem, Stroke, WHITE, text};
use crate::figure::items;
use crate::figure::legend::LegendBox;
use crate::figure::map::{self as look, Coloring};
use crate::figure::model::axis_ticks;
use crate::scene::Scene;

/// A computed map and what it was computed for.
#[derive(Clone, Copy, Debug)]
pub struct MapPicture<'a> {
    pub scene: &'a Scene,
    pub spec: &'a MapSpec,
    /// Row-major from the top, `spec.size` of them.
    pub cells: &'a [Cell],
    /// The surface's known minima, as the map numbers them.
    pub minima: &'a [Vec2],
}

impl MapPicture<'_> {
    /// "Basin map of Adam on Himmelblau" or "lr × momentum sweep of Momentum on …".
    pub fn title(&self) -> String {
        let on = self.scene.surface.kind().display_name();
        let label = &self.spec.optimizer.label;
        match &self.spec.kind {
            MapKind::Basin { .. } => format!("Basin map of {label} on {on}"),
            MapKind::Sweep { x, y } => format!(
                "{} × {} sweep of {label} on {on}",
                x.knob.info().key,
                y.knob.info().key
            ),
        }
    }

    /// One line on what the colours mean.
    pub fn description(&self) -> String {
        let steps = self.spec.problem.steps;
        match &self.spec.kind {
            MapKind::Basin { .. } => format!(
                "Each pixel is a start, coloured by the minimum its run reaches (darker: more of its {steps} steps)."
            ),
            MapKind::Sweep { .. } => format!(
                "Each cell is a run from ({}, {}) with those values: brighter converges in fewer of its {steps} steps.",
                crate::figure::model::sig(self.spec.problem.start.x),
                crate::figure::model::sig(self.spec.problem.start.y)
            ),
        }
    }
}

/// The map as an RGBA image of `width × height` pixels.
pub fn render_map_rgba(
    pic: &MapPicture,
    width: u32,
    height: u32,
) -> Result<tiny_skia::Pixmap, ExportError> {
    let [cols, rows] = pic.spec.size;
    if pic.cells.len() != cols * rows {
        return Err(ExportError::InvalidOption(format!(
            "{} cells for a {cols}×{rows} map",
            pic.cells.len()
        )));
    }
    let mut page = pic.scene.clone();
    page.name = pic.title();
    page.description = pic.description();
    let runs = vec![None; page.optimizers.len()];
    let view = match &pic.spec.kind {
        MapKind::Basin { view } => *view,
        MapKind::Sweep { .. } => page.view_box(),
    };
    let req = FigureRequest {
        scene: &page,
        runs: &runs,
        view,
        step: 0,
        width,
        height,
        // the map's own legend goes inside the plot; the figure reserves no room for another
        style: crate::figure::draw::FigureStyle {
            legend: crate::figure::draw::LegendPlacement::Hidden,
            ..Default::default()
        },
        svg_text: Default::default(),
        mode: Default::default(),
        look: Default::default(),
    };
    let mut canvas = Canvas::new(&req)?;
    let coloring = Coloring::of(pic.spec);
    let background = canvas.ink().background;
    let [pw, ph] = canvas.layer.size;
    let [left, top, ..] = canvas.layout.plot;
    let cell_at = |px: usize, py: usize| -> Option<&Cell> {
        let (i, j) = match &pic.spec.kind {
            MapKind::Basin { view } => {
                let p = canvas
                    .projection
                    .unproject([left + px as f64 + 0.5, top + py as f64 + 0.5]);
                let tx = (p.x - view.x[0]) / view.width();
                let ty = (view.y[1] - p.y) / view.height();
                if !((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty)) {
                    return None;
                }
                ((tx * cols as f64) as usize, (ty * rows as f64) as usize)
            }
            MapKind::Sweep { .. } => (px * cols / pw.max(1), py * rows / ph.max(1)),
        };
        pic.cells.get(j.min(rows - 1) * cols + i.min(cols - 1))
    };
    let pixels: Vec<[u8; 4]> = (0..ph)
        .flat_map(|py| (0..pw).map(move |px| (px, py)))
        .map(|(px, py)| {
            let [r, g, b] = cell_at(px, py).map_or([background[0]; 3], |c| coloring.color(c));
            [r, g, b, 255]
        })
        .collect();
    canvas.layer.pixels = pixels;
    let items = map_items(&canvas, pic);
    let mut pixmap = raster::pixmap(width, height)?;
    raster::paint(&mut pixmap, &canvas, &items);
    Ok(pixmap)
}

/// The map as a PNG file.
pub fn render_map_png(pic: &MapPicture, width: u32, height: u32) -> Result<Vec<u8>, ExportError> {
    super::encode_png(&render_map_rgba(pic, width, height)?)
}

fn map_items(canvas: &Canvas, pic: &MapPicture) -> Vec<Drawn> {
    let u = canvas.u();
    let mut out = vec![
        Drawn::free(Item::Background(canvas.ink().background)),
        Drawn::free(Item::ColorMap),
    ];
    match &pic.spec.kind {
        MapKind::Basin { .. } => {
            out.extend(items::contours(
                &canvas.layer.contours,
                &canvas.projection,
                u,
            ));
            for (k, m) in pic.minima.iter().enumerate() {
                let c = canvas.projection.project(*m);
                ring(&mut out, c, 5.0 * u, u, "minimum");
                out.push(Drawn::clipped(
                    text(
                        &format!("{}", k + 1),
                        [c[0] + 8.0 * u, c[1] - 6.0 * u],
                        canvas.layout.ems.tick,
                        WHITE,
                        Anchor::Start,
                        "minimum-label",
                    )
                    .item,
                ));
            }
            if canvas.layout.full {
                canvas.axes(&mut out);
            }
        }
        MapKind::Sweep { x, y } => {
            sweep_overlay(&mut out, canvas, pic.spec);
            if canvas.layout.full {
                sweep_axes(&mut out, canvas, x, y);
            }
        }
    }
    if canvas.layout.full {
        canvas.header(&mut out);
        let rows = look::legend(pic.spec, pic.minima, pic.cells);
        let [left, top, w, h] = canvas.layout.plot;
        if let Some(b) = LegendBox::new(&rows, canvas.layout.ems, u, [0.0, 0.0], 0.6 * w, 0.75 * h)
        {
            let margin = 10.0 * u;
            let at = [left + w - b.rect[2] - margin, top + margin];
            let b = b.moved(at);
            out.extend(b.items(&rows, &canvas.ink(), None, true));
        }
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

/// A point at fractions `t` along the sweep's axes, in pixels.
fn at_fraction(plot: [f64; 4], t: [f64; 2]) -> [f64; 2] {
    let [left, top, w, h] = plot;
    [left + t[0] * w, top + (1.0 - t[1]) * h]
}

fn sweep_overlay(out: &mut Vec<Drawn>, canvas: &Canvas, spec: &MapSpec) {
    let u = canvas.u();
    let plot = canvas.layout.plot;
    for (k, bound) in look::stability_bounds(spec).iter().enumerate() {
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
            out.push(Drawn::clipped(
                text(
                    &bound.label,
                    [p[0] + 6.0 * u, p[1]],
                    canvas.layout.ems.tick,
                    WHITE,
                    Anchor::Start,
                    "bound-label",
                )
                .item,
            ));
        }
    }
    if let Some(t) = look::current_setting(spec) {
        let c = at_fraction(plot, t);
        ring(out, c, 7.0 * u, u, "current");
    }
}

/// Tick values of a sweep axis: decades on a log axis, 0, 0.9, 0.99… on a log(1 − v) one,
/// round numbers otherwise.
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

fn sweep_axes(out: &mut Vec<Drawn>, canvas: &Canvas, x: &Axis, y: &Axis) {
    let l = &canvas.layout;
    let u = l.u;
    let [left, top, w, h] = l.plot;
    // decades read best as written: 0.001, 0.99, 1e-6
    let label = |v: f64, scale: Scale| match scale {
        Scale::Linear => tick_labels(&[v]).remove(0),
        _ if v != 0.0 && v.abs() < 1e-4 => format!("{v:e}"),
        _ => format!("{v}"),
    };
    let xs: Vec<(f64, String)> = axis_values(x, (w / (90.0 * u)).clamp(2.0, 12.0) as usize)
        .into_iter()
        .map(|v| (left + x.fraction(v) * w, label(v, x.scale)))
        .collect();
    let ys: Vec<(f64, String)> = axis_values(y, (h / (60.0 * u)).clamp(2.0, 12.0) as usize)
        .into_iter()
        .map(|v| (top + (1.0 - y.fraction(v)) * h, label(v, y.scale)))
        .collect();
    canvas.frame(out, &xs, &ys, x.knob.info().label, y.knob.info().label);
}

/// The map as CSV: one row per cell, `column,row` from the top left, the cell's start (basin)
/// or hyperparameters (sweep), how its run ended, at which step, and its loss there.
pub fn map_csv(pic: &MapPicture) -> String {
    use crate::engine::map::Outcome;
    let spec = pic.spec;
    let [cols, rows] = spec.size;
    let (a, b) = match &spec.kind {
        MapKind::Basin { .. } => ("x", "y"),
        MapKind::Sweep { x, y } => (x.knob.info().key, y.knob.info().key),
    };
    let mut s = format!("column,row,{a},{b},outcome,minimum,step,loss\n");
    for j in 0..rows {
        for i in 0..cols {
            let Some(cell) = pic.cells.get(j * cols + i) else {
                continue;
            };
            let (va, vb) = match &spec.kind {
                MapKind::Basin { .. } => {
                    let p = spec.start(i, j);
                    (p.x, p.y)
                }
                MapKind::Sweep { x, y } => {
                    let h = spec.hyper(i, j);
                    (h.get(x.knob), h.get(y.knob))
                }
            };
            let (outcome, minimum, step) = match cell.outcome {
                Outcome::Converged { minimum, step } => {
                    ("converged", (minimum + 1).to_string(), step.to_string())
                }
                Outcome::Diverged { step } => ("diverged", String::new(), step.to_string()),
                Outcome::NotConverged => ("not_converged", String::new(), String::new()),
            };
            s.push_str(&format!(
                "{i},{j},{va:?},{vb:?},{outcome},{minimum},{step},{:?}\n",
                cell.loss
            ));
        }
    }
    s
}

/// `spec` for a PNG of `width × height`: a basin map's view widened along one axis to the
/// plot's shape (as the figure widens every view, so a unit is as long on x as on y), with
/// as many more cells along that axis, so the runs fill the plot instead of leaving bands
/// beside them that a student could read as an outcome. A sweep is returned as it is.
pub fn fit_basin_to_png(scene: &Scene, spec: &MapSpec, width: u32, height: u32) -> MapSpec {
    let mut fitted = spec.clone();
    let MapKind::Basin { view } = spec.kind else {
        return fitted;
    };
    let pic = MapPicture {
        scene,
        spec,
        cells: &[],
        minima: &[],
    };
    let mut page = scene.clone();
    page.name = pic.title();
    page.description = pic.description();
    let [_, _, w, h] = super::plot_rect_with(
        &page,
        width,
        height,
        crate::figure::draw::LegendPlacement::Hidden,
    );
    let wide = crate::figure::projection::fit_aspect(view, w, h);
    let grow = |cells: usize, from: f64, to: f64| {
        ((cells as f64 * to / from).round() as usize).clamp(1, crate::scene::limits::MAX_MAP_SIZE)
    };
    fitted.size = [
        grow(spec.size[0], view.width(), wide.width()),
        grow(spec.size[1], view.height(), wide.height()),
    ];
    fitted.kind = MapKind::Basin { view: wide };
    fitted
}
