//! The map window: a basin or sweep map ([`crate::engine::map`]) of one of the scene's
//! optimizers, computed in the background and shown as it refines. The first, coarse pass is
//! computed on the spot when it is small, so a map appears at once; the finer passes run on a
//! thread (in the browser, in slices of each frame: [`crate::app::map_job`]). Any edit of the scene or of the window's
//! choices (kind, optimizer, a sweep's knobs and ranges, the size, a basin map's view)
//! restarts it. Over the cells the window paints the overlay the PNG has
//! ([`crate::figure::map::overlay`]: contours, minima and the start; a sweep's stability
//! bounds and current setting, which follow the sliders), the same axes and, beside it, the
//! same legend. Hovering a cell reads its outcome; clicking a basin map's pixel makes it the
//! scene's start, clicking a sweep's cell loads its values into the optimizer. The map saves
//! as PNG or CSV (a download in the browser).

use crate::app::LosscapeApp;
use crate::app::map_job::{MapJob, map_image, same_work};
use crate::app::paint::paint;
use crate::engine::map::{Axis, MapKind, MapSpec, Progressive};
use crate::engine::optim::Knob;
use crate::engine::{Scale, Surface, ViewBox};
use crate::figure::contour::ContourLevel;
use crate::figure::draw::{Ems, Ink, Theme, contour_grid};
use crate::figure::items::Frame;
use crate::figure::legend::LegendBox;
use crate::figure::map::{self as look, MapOverlay};
use crate::figure::model::{LegendEntry, SurfaceLayer, sig};
use crate::figure::projection::Projection;
use crate::figure::text as font;
use crate::scene::map::{MapChoice, MapRequest, basin_size, map_spec};

/// Cells along a map's longer side in the window, unless chosen.
pub const SIZE: usize = 128;
/// The choices of cells along the longer side.
pub const SIZES: std::ops::RangeInclusive<usize> = 32..=256;
/// The map's longer side on screen, in points, where the screen has room.
const SIDE: f32 = 420.0;
/// The widest the map gets on screen (a wide view), in points.
const WIDEST: f32 = 600.0;
/// The widest the legend beside the map gets, in points.
const LEGEND_WIDTH: f64 = 250.0;
/// A first pass of at most this many updates is computed within the frame.
const SYNC_UPDATES: u64 = 2_000_000;

/// What a basin map covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapView {
    /// What the plot shows now (panned or zoomed).
    Plot,
    /// The scene's own view (the plot's after a double-click).
    Scene,
}

/// A sweep's two axes as the window last had them, for the optimizer at `optimizer`: they
/// start at [`crate::scene::map::default_range`]'s ends and then stay as edited, so loading a
/// cell's values (which moves the default) does not move the sweep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepAxes {
    pub optimizer: usize,
    pub x: Axis,
    pub y: Axis,
}

/// The map window's choices and the map being computed.
pub struct MapWindow {
    pub open: bool,
    pub kind: MapChoice,
    /// Index of the mapped optimizer in the scene.
    pub optimizer: usize,
    /// A sweep's hyperparameters (the optimizer's first two when `None`).
    pub x: Option<Knob>,
    pub y: Option<Knob>,
    /// A sweep's axes with their ranges (see [`SweepAxes`]).
    pub axes: Option<SweepAxes>,
    /// Cells along the map's longer side (in [`SIZES`]).
    pub size: usize,
    pub view: MapView,
    /// The map as far as computed.
    pub map: Option<Progressive>,
    /// Where the map was drawn last frame.
    pub rect: Option<egui::Rect>,
    /// Why there is no map, if there is none.
    pub error: Option<String>,
    /// The spec computed, normalized (see [`same_work`]).
    key: Option<MapSpec>,
    job: Option<MapJob>,
    texture: Option<egui::TextureHandle>,
    /// Whether the texture shows the current cells.
    fresh: bool,
    /// The legend of the cells the texture shows.
    legend: Vec<LegendEntry>,
    /// A basin map's contour lines, with the surface and view they were traced for.
    contours: Option<(Surface, ViewBox, Vec<ContourLevel>)>,
}

impl Default for MapWindow {
    fn default() -> Self {
        MapWindow {
            open: false,
            kind: MapChoice::Basin,
            optimizer: 0,
            x: None,
            y: None,
            axes: None,
            size: SIZE,
            view: MapView::Plot,
            map: None,
            rect: None,
            error: None,
            key: None,
            job: None,
            texture: None,
            fresh: false,
            legend: Vec::new(),
            contours: None,
        }
    }
}

impl MapWindow {
    /// The map `self` asks of the scene, or why not (one sentence). A sweep's axes are
    /// remembered here the first time (see [`SweepAxes`]).
    fn spec(&mut self, app: &LosscapeApp) -> Result<MapSpec, String> {
        let scene = &app.session.scene;
        let o = scene
            .optimizers
            .get(self.optimizer)
            .filter(|o| o.enabled)
            .ok_or("pick an enabled optimizer")?;
        let req = MapRequest {
            kind: self.kind,
            optimizer: Some(o.spec.label.clone()),
            x: self.x.map(|k| k.info().key.to_string()),
            y: self.y.map(|k| k.info().key.to_string()),
            x_range: None,
            y_range: None,
            size: Some(self.size),
        };
        let mut spec = map_spec(scene, &req).map_err(in_window)?;
        // the label may be shared: the optimizer is the one picked by its place
        spec.optimizer = o.spec.clone();
        match &mut spec.kind {
            MapKind::Basin { view } => {
                let shown = app.plot.visible.filter(|v| {
                    v.x.iter().chain(&v.y).all(|c| c.is_finite())
                        && v.width() > 0.0
                        && v.height() > 0.0
                });
                if let (MapView::Plot, Some(shown)) = (self.view, shown) {
                    *view = shown;
                    spec.size = basin_size(shown, self.size);
                    crate::scene::limits::check_map_work(spec.size, spec.problem.steps)?;
                }
            }
            MapKind::Sweep { x, y } => {
                let axes = match self.axes {
                    Some(a)
                        if a.optimizer == self.optimizer
                            && a.x.knob == x.knob
                            && a.y.knob == y.knob =>
                    {
                        a
                    }
                    _ => {
                        let a = SweepAxes {
                            optimizer: self.optimizer,
                            x: *x,
                            y: *y,
                        };
                        self.axes = Some(a);
                        a
                    }
                };
                let knobs: Vec<Knob> = o.spec.kind.knobs().collect();
                for (name, a) in [("x", &axes.x), ("y", &axes.y)] {
                    a.check(&knobs)
                        .map_err(|e| format!("Cannot sweep {name}: {e}."))?;
                }
                (*x, *y) = (axes.x, axes.y);
            }
        }
        Ok(spec)
    }

    /// Restarts the map when the scene or the choices changed, and collects finished passes.
    pub fn update(&mut self, app: &LosscapeApp) {
        let wanted = self.spec(app);
        match &wanted {
            Err(e) => {
                self.error = Some(e.clone());
                self.map = None;
                self.key = None;
                self.job = None;
            }
            Ok(spec) => {
                self.error = None;
                let key = same_work(spec);
                if self.key.as_ref() != Some(&key) {
                    self.key = Some(key);
                    self.start(spec.clone());
                }
            }
        }
        self.poll();
        // what does not change the cells still moves the marks (the start, the current
        // setting), on a pass just received too
        if let (Ok(spec), Some(map)) = (wanted, &mut self.map) {
            map.spec = spec;
        }
    }

    fn start(&mut self, spec: MapSpec) {
        self.job = None;
        let mut map = Progressive::new(spec);
        self.job = Some(MapJob::start(&mut map, SYNC_UPDATES));
        self.map = Some(map);
        self.fresh = false;
    }

    fn poll(&mut self) {
        let (Some(job), Some(map)) = (&mut self.job, &mut self.map) else {
            return;
        };
        let polled = job.poll(map);
        self.fresh &= !polled.changed;
        if polled.done {
            self.job = None;
        }
    }

    /// Whether passes remain.
    pub fn is_computing(&self) -> bool {
        self.job.is_some()
    }

    /// Blocks until the map is complete (tests and exports).
    pub fn finish(&mut self) {
        if let (Some(job), Some(map)) = (self.job.take(), &mut self.map) {
            job.finish(map);
            self.fresh = false;
        }
    }

    /// Column and row of the cell under `pos`.
    pub fn cell_at(&self, pos: egui::Pos2) -> Option<(usize, usize)> {
        let rect = self.rect?;
        let map = self.map.as_ref()?;
        let [w, h] = map.spec.size;
        let tx = (pos.x - rect.min.x) / rect.width();
        let ty = (pos.y - rect.min.y) / rect.height();
        ((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty))
            .then_some(((tx * w as f32) as usize, (ty * h as f32) as usize))
    }

    /// Where cell `(i, j)`'s centre was drawn.
    pub fn cell_pos(&self, i: usize, j: usize) -> Option<egui::Pos2> {
        let rect = self.rect?;
        let [w, h] = self.map.as_ref()?.spec.size;
        Some(egui::pos2(
            rect.min.x + (i as f32 + 0.5) / w as f32 * rect.width(),
            rect.min.y + (j as f32 + 0.5) / h as f32 * rect.height(),
        ))
    }
}

/// Opens the map window.
pub(crate) fn open(app: &mut LosscapeApp) {
    app.map.open = true;
}

/// The map's own painting: its texture of cells, legend and contours.
impl MapWindow {
    /// The texture and the legend of the cells as computed so far, remade when they changed.
    fn refresh(&mut self, ctx: &egui::Context) {
        let Some(map) = &self.map else { return };
        if self.fresh && self.texture.is_some() {
            return;
        }
        let cells = map.cells();
        let image = map_image(map, &cells);
        match &mut self.texture {
            Some(t) => t.set(image, egui::TextureOptions::NEAREST),
            None => {
                self.texture = Some(ctx.load_texture("map", image, egui::TextureOptions::NEAREST))
            }
        }
        self.legend = look::legend(&map.spec, &map.judge().minima, &cells);
        self.fresh = true;
    }

    /// A basin map's contour lines over its view, traced again only when the surface or the
    /// view changed (the same levels as the plot and the PNG: [`SurfaceLayer`]'s).
    fn contours(&mut self, points: [usize; 2]) -> &[ContourLevel] {
        let Some(map) = &self.map else { return &[] };
        let MapKind::Basin { view } = map.spec.kind else {
            return &[];
        };
        let surface = &map.spec.problem.surface;
        let stale = self
            .contours
            .as_ref()
            .is_none_or(|(s, v, _)| s != surface || *v != view);
        if stale {
            let layer = SurfaceLayer::compute(surface, view, points, contour_grid(points));
            self.contours = Some((surface.clone(), view, layer.contours));
        }
        self.contours.as_ref().map_or(&[], |(_, _, c)| c.as_slice())
    }
}

/// The saved PNG's width in pixels.
const PNG_WIDTH: u32 = 1200;

/// The saved PNG's height: 960, or less for a basin map of a wide view so the plot is about
/// as tall as the map is for its width (no empty bands over and under it).
fn png_height(spec: &MapSpec) -> u32 {
    let [w, h] = spec.size;
    let aspect = match spec.kind {
        MapKind::Basin { .. } => h as f64 / w.max(1) as f64,
        MapKind::Sweep { .. } => 1.0,
    };
    (1000.0 * aspect + 220.0).clamp(500.0, 960.0).round() as u32
}

/// What a button of the window saves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Save {
    Png,
    Csv,
}

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    if !app.map.open {
        return;
    }
    let mut window = std::mem::take(&mut app.map);
    window.update(app);
    if window.is_computing() {
        // in the browser each frame computes one slice of the map: the next frame at once
        #[cfg(target_arch = "wasm32")]
        ctx.request_repaint();
        // on the desktop a thread computes it: a look every 30 ms for its finished passes
        #[cfg(not(target_arch = "wasm32"))]
        ctx.request_repaint_after(std::time::Duration::from_millis(30));
    }
    let mut open = true;
    let mut clicked = None;
    let mut save = None;
    // as large as the screen has room for under the choices (1024 × 768 included)
    let side = (ctx.content_rect().height() - 310.0).clamp(200.0, SIDE);
    let ink = Theme::from_dark_mode(ctx.global_style().visuals.dark_mode).ink();
    egui::Window::new("Map of many runs")
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| {
            choices(ui, &mut window, app);
            if let Some(e) = &window.error {
                ui.colored_label(ui.visuals().warn_fg_color, e);
                return;
            }
            window.refresh(ctx);
            let Some(response) = map_area(ui, &mut window, side, &ink) else {
                return;
            };
            let Some(map) = &window.map else { return };
            let status = match map.stride() {
                Some(1) => "complete".to_string(),
                Some(s) => format!("refining: every {s}th cell so far"),
                None => "computing…".to_string(),
            };
            let hover = response.hover_pos().and_then(|p| window.cell_at(p));
            let text = match hover {
                Some((i, j)) => describe(map, i, j),
                None => format!(
                    "{status}. Hover a cell to read its run; click to {}.",
                    if matches!(map.spec.kind, MapKind::Basin { .. }) {
                        "start there"
                    } else {
                        "use its values"
                    }
                ),
            };
            ui.label(text);
            if response.clicked() {
                clicked = response
                    .interact_pointer_pos()
                    .and_then(|p| window.cell_at(p));
            }
            ui.horizontal(|ui| {
                if ui.button("Save PNG").clicked() {
                    save = Some(Save::Png);
                }
                if ui.button("Save CSV").clicked() {
                    save = Some(Save::Csv);
                }
            });
        });
    window.open &= open;
    if let (Some((i, j)), Some(map)) = (clicked, &window.map) {
        apply(app, map, window.optimizer, i, j);
    }
    if let Some(what) = save {
        window.finish();
        // the passes come back with the spec they were started with: the marks move on
        window.update(app);
        save_map(app, ctx, &window, what);
    }
    app.map = window;
}

/// The map with its overlay and axes, and its legend beside it; the response of the cells.
fn map_area(
    ui: &mut egui::Ui,
    window: &mut MapWindow,
    side: f32,
    ink: &Ink,
) -> Option<egui::Response> {
    let [w, h] = window.map.as_ref()?.spec.size;
    // a wide view (the plot's) gets more width than a square one
    let scale = (WIDEST * side / SIDE / w.max(1) as f32).min(side / h.max(1) as f32);
    let size = egui::vec2(w as f32 * scale, h as f32 * scale);
    let points = [size.x.round() as usize, size.y.round() as usize];
    // taken out while the map is borrowed, put back below
    let contours = window.contours(points).to_vec();
    let map = window.map.as_ref()?;
    let ems = Ems::at(1.0);
    let projection_at = |min: egui::Pos2| {
        let view = match map.spec.kind {
            MapKind::Basin { view } => view,
            MapKind::Sweep { .. } => map.spec.problem.surface.view_box(),
        };
        Projection::new(
            view,
            [
                f64::from(min.x),
                f64::from(min.y),
                f64::from(size.x),
                f64::from(size.y),
            ],
        )
    };
    // room for the y tick labels (and a one-letter y title) on the left, a longer y title
    // above, the x tick labels and title below
    let probe = look::ticks(&map.spec, &projection_at(egui::Pos2::ZERO), 1.0);
    let widest = probe
        .y
        .iter()
        .map(|(_, l)| font::width(l, ems.tick))
        .fold(0.0, f64::max);
    let short_title = probe.y_title.chars().count() <= 1;
    let title_w = if short_title {
        font::width(&probe.y_title, ems.axis) + 8.0
    } else {
        0.0
    };
    let left = (4.0 + title_w + widest + 9.0).ceil() as f32;
    let top = if short_title {
        6.0
    } else {
        (font::ascent(ems.axis) + 10.0) as f32
    };
    let tick_row = 5.0 + 2.0 + font::ascent(ems.tick) + font::descent(ems.tick) + 4.0;
    let bottom = (tick_row + font::ascent(ems.axis) + font::descent(ems.axis) + 2.0).ceil() as f32;
    // the last x label may stand half out on the right
    let right = 18.0;
    let mut cells = None;
    ui.horizontal_top(|ui| {
        let (outer, _) = ui.allocate_exact_size(
            size + egui::vec2(left + right, top + bottom),
            egui::Sense::hover(),
        );
        let rect = egui::Rect::from_min_size(outer.min + egui::vec2(left, top), size);
        // drag too, so pressing the map never moves the window
        let response = ui.interact(
            rect,
            ui.scope_id().with("map cells"),
            egui::Sense::click_and_drag(),
        );
        if let Some(t) = &window.texture {
            ui.painter().image(
                t.id(),
                rect,
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                egui::Color32::WHITE,
            );
        }
        let projection = projection_at(rect.min);
        let minima = &map.judge().minima;
        let overlay = look::overlay(&MapOverlay {
            spec: &map.spec,
            minima,
            contours: &contours,
            projection,
            u: 1.0,
            ems,
        });
        paint(&ui.painter_at(rect), &overlay, egui::Vec2::ZERO);
        let ticks = look::ticks(&map.spec, &projection, 1.0);
        let frame = Frame {
            plot: projection.rect,
            u: 1.0,
            ems,
            ink: *ink,
            footer_baseline: f64::from(rect.max.y) + tick_row + font::ascent(ems.axis),
            title_left: f64::from(outer.min.x) + 4.0,
        };
        let mut axes = Vec::new();
        frame.items(
            &mut axes,
            &ticks.x,
            &ticks.y,
            &ticks.x_title,
            &ticks.y_title,
        );
        paint(ui.painter(), &axes, egui::Vec2::ZERO);
        let legend = &window.legend;
        if let Some(b) = LegendBox::new(
            legend,
            ems,
            1.0,
            [0.0, 0.0],
            LEGEND_WIDTH,
            f64::from(size.y),
        ) {
            let (at, _) = ui.allocate_exact_size(
                egui::vec2(b.rect[2] as f32, b.rect[3] as f32),
                egui::Sense::hover(),
            );
            let b = b.moved([f64::from(at.min.x), f64::from(at.min.y)]);
            paint(
                ui.painter(),
                &b.items(legend, ink, None, false),
                egui::Vec2::ZERO,
            );
        }
        cells = Some((rect, response));
    });
    let (rect, response) = cells?;
    window.rect = Some(rect);
    Some(response)
}

/// A message of [`map_spec`] as the window says it: its choices, not the command line's flags.
fn in_window(e: String) -> String {
    let e = e
        .replace(" (give --x)", ": map another optimizer")
        .replace(" (give --y)", ": map another optimizer")
        .replace("--x-range", "the x range")
        .replace("--y-range", "the y range")
        .replace("--size", "the size")
        .replace("--optimizer", "the optimizer")
        .replace("--x ", "x ")
        .replace("--y ", "y ");
    let mut chars = e.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    let e = first.unwrap_or_default() + chars.as_str();
    if e.ends_with('.') { e } else { e + "." }
}

/// How many hyperparameters of `kind` a sweep can vary.
fn sweepable(kind: crate::engine::OptimizerKind) -> usize {
    kind.knobs()
        .filter(|k| k.info().range != crate::engine::Range::Bool)
        .count()
}

/// The window's choices: basin or sweep, the optimizer and the map's size; a basin map's
/// view; a sweep's knobs and their ranges.
fn choices(ui: &mut egui::Ui, w: &mut MapWindow, app: &LosscapeApp) {
    let scene = &app.session.scene;
    ui.horizontal(|ui| {
        ui.radio_value(&mut w.kind, MapChoice::Basin, "Basins");
        if ui
            .radio_value(&mut w.kind, MapChoice::Sweep, "Sweep")
            .changed()
        {
            // GD has one knob: a sweep starts on the first optimizer with two
            let two = |o: &crate::scene::SceneOptimizer| o.enabled && sweepable(o.spec.kind) >= 2;
            if !scene.optimizers.get(w.optimizer).is_some_and(two)
                && let Some(i) = scene.optimizers.iter().position(two)
            {
                w.optimizer = i;
            }
        }
        let label = |i: usize| {
            scene
                .optimizers
                .get(i)
                .map_or_else(String::new, |o| o.spec.label.clone())
        };
        egui::ComboBox::from_label("optimizer")
            .selected_text(label(w.optimizer))
            .show_ui(ui, |ui| {
                for (i, o) in scene.optimizers.iter().enumerate() {
                    if o.enabled {
                        ui.selectable_value(&mut w.optimizer, i, &o.spec.label);
                    }
                }
            });
    });
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut w.size, SIZES).text("cells a side"))
            .on_hover_text("Runs along the map's longer side: more is finer and slower");
        if w.kind == MapChoice::Basin {
            ui.separator();
            ui.label("view:");
            ui.radio_value(&mut w.view, MapView::Plot, "the plot's")
                .on_hover_text("Starts over what the plot shows now");
            ui.radio_value(&mut w.view, MapView::Scene, "the scene's")
                .on_hover_text("Starts over the scene's own view");
        }
    });
    if w.kind != MapChoice::Sweep {
        return;
    }
    let Some(o) = scene.optimizers.get(w.optimizer) else {
        return;
    };
    let knobs: Vec<Knob> = o
        .spec
        .kind
        .knobs()
        .filter(|k| k.info().range != crate::engine::Range::Bool)
        .collect();
    let axes = w.axes.filter(|a| a.optimizer == w.optimizer);
    for name in ["x", "y"] {
        let shown = axes.map(|a| if name == "x" { a.x } else { a.y });
        ui.horizontal(|ui| {
            let mut picked = shown.map(|a| a.knob);
            egui::ComboBox::from_label(name)
                .selected_text(picked.map_or("", |k| k.info().key))
                .show_ui(ui, |ui| {
                    for &k in &knobs {
                        ui.selectable_value(&mut picked, Some(k), k.info().key);
                    }
                });
            if picked != shown.map(|a| a.knob) {
                pick(w, name, picked);
            }
            let Some(axis) = shown else { return };
            let mut range = axis.range;
            let mut edited = false;
            for (end, value) in ["from", "to"].iter().zip(&mut range) {
                let speed = drag_speed(axis.scale, *value);
                edited |= ui
                    .add(
                        egui::DragValue::new(value)
                            .speed(speed)
                            .custom_formatter(|v, _| sig(v))
                            .prefix(format!("{name} {end} ")),
                    )
                    .changed();
            }
            if edited && let Some(a) = &mut w.axes {
                let slot = if name == "x" { &mut a.x } else { &mut a.y };
                slot.range = range;
            }
        });
    }
}

/// The window picks `knob` for axis `name`: the other axis takes this one's knob if it had
/// that one (a sweep needs two), and both start again from their default ranges.
fn pick(w: &mut MapWindow, name: &str, knob: Option<Knob>) {
    let Some(a) = w.axes else { return };
    let (mine, other) = if name == "x" {
        (a.x.knob, a.y.knob)
    } else {
        (a.y.knob, a.x.knob)
    };
    let other = if knob == Some(other) {
        Some(mine)
    } else {
        Some(other)
    };
    (w.x, w.y) = if name == "x" {
        (knob, other)
    } else {
        (other, knob)
    };
    w.axes = None;
}

/// A drag on a range's end moves it by a small step of its own size on the knob's scale.
fn drag_speed(scale: Scale, v: f64) -> f64 {
    match scale {
        Scale::Log => v.abs().max(1e-12) * 0.01,
        Scale::OneMinusLog => (1.0 - v).abs().max(1e-9) * 0.02,
        _ => 0.005,
    }
}

/// Cell `(i, j)` in words: where it starts or which values it runs, and how it ends.
fn describe(map: &Progressive, i: usize, j: usize) -> String {
    let cell = map.cell(i, j);
    let what = match &map.spec.kind {
        MapKind::Basin { .. } => {
            let p = map.spec.start(i, j);
            format!("from ({:.3}, {:.3})", p.x, p.y)
        }
        MapKind::Sweep { x, y } => {
            let h = map.spec.hyper(i, j);
            format!(
                "{} = {}, {} = {}",
                x.knob.info().key,
                crate::figure::model::sig(h.get(x.knob)),
                y.knob.info().key,
                crate::figure::model::sig(h.get(y.knob))
            )
        }
    };
    format!(
        "{what}: {}, loss {}",
        cell.describe(),
        crate::figure::model::sig(cell.loss)
    )
}

/// A click on cell `(i, j)`: a basin map's start becomes the scene's; a sweep's values go
/// into the optimizer. Every view re-runs.
fn apply(app: &mut LosscapeApp, map: &Progressive, optimizer: usize, i: usize, j: usize) {
    let session = &mut app.session;
    match &map.spec.kind {
        MapKind::Basin { .. } => session.scene.start = map.spec.start(i, j),
        MapKind::Sweep { x, y } => {
            let h = map.spec.hyper(i, j);
            let Some(o) = session.scene.optimizers.get_mut(optimizer) else {
                return;
            };
            o.spec.hyper.set(x.knob, h.get(x.knob));
            o.spec.hyper.set(y.knob, h.get(y.knob));
        }
    }
    session.rerun();
}

/// Saves the map as a PNG or as its cells in CSV beside the screenshots (in the browser, a
/// download of that name).
fn save_map(app: &mut LosscapeApp, ctx: &egui::Context, w: &MapWindow, what: Save) {
    let Some(map) = &w.map else { return };
    let cells = map.cells();
    let pic = crate::export::MapPicture {
        scene: &app.session.scene,
        spec: &map.spec,
        cells: &cells,
        minima: &map.judge().minima,
    };
    let title = format!("{} {}", app.session.scene.title(), pic.title());
    // the map's step budget stands for the step in the name
    let steps = usize::try_from(map.spec.problem.steps).unwrap_or(usize::MAX);
    let path = crate::app::export::screenshot_path(app.screenshot_dir.as_deref(), &title, steps);
    let (path, bytes) = match what {
        Save::Png => (
            path,
            crate::export::render_map_png(&pic, PNG_WIDTH, png_height(&map.spec))
                .map_err(|e| e.to_string()),
        ),
        Save::Csv => (
            path.with_extension("csv"),
            Ok(crate::export::map_csv(&pic).into_bytes()),
        ),
    };
    let result =
        bytes.and_then(|b| crate::app::files::save_bytes(&path, &b).map_err(|e| e.to_string()));
    match result {
        Ok(()) => app.toast(ctx, format!("Map saved to {}", path.display())),
        Err(e) => {
            app.session.notice = Some(format!("Could not save the map {}: {e}", path.display()))
        }
    }
}
