//! A map of many runs as a PNG: the figure's page (title, axes, frame) with the map's cells
//! where the colour map goes, and over them the overlay the app's map window paints too
//! ([`crate::figure::map::overlay`]: a basin map's contours, minima and start; a sweep's
//! stability bounds on a quadratic and the optimizer's own setting) and the legend of
//! outcomes. Also the map's cells as CSV.

use super::layout::Canvas;
use super::{ExportError, FigureRequest, raster};
use crate::engine::Vec2;
use crate::engine::map::{Cell, MapKind, MapSpec};
use crate::figure::draw::{Drawn, Item};
use crate::figure::legend::LegendBox;
use crate::figure::map::{self as look, Coloring, MapOverlay};
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
    if matches!(pic.spec.kind, MapKind::Sweep { .. }) && canvas.layout.full {
        // a knob's name over the y axis is longer than "y": it goes over the plot, which
        // gives it a line of room under the description
        let d = (16.0 * canvas.u()).round();
        let plot = &mut canvas.layout.plot;
        plot[1] += d;
        plot[3] = (plot[3] - d).max(16.0);
        canvas.projection.rect = *plot;
        canvas.layer.size = [plot[2] as usize, plot[3] as usize];
    }
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

/// The page's items: the overlay over the cells ([`look::overlay`]), the axes and header, and
/// the legend inside the plot's top-right corner.
fn map_items(canvas: &Canvas, pic: &MapPicture) -> Vec<Drawn> {
    let u = canvas.u();
    let mut out = vec![
        Drawn::free(Item::Background(canvas.ink().background)),
        Drawn::free(Item::ColorMap),
    ];
    out.extend(look::overlay(&MapOverlay {
        spec: pic.spec,
        minima: pic.minima,
        contours: &canvas.layer.contours,
        projection: canvas.projection,
        u,
        ems: canvas.layout.ems,
    }));
    if canvas.layout.full {
        let t = look::ticks(pic.spec, &canvas.projection, u);
        canvas
            .frame()
            .items(&mut out, &t.x, &t.y, &t.x_title, &t.y_title);
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
