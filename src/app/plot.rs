//! The surface plot: egui_plot supplies the frame, axes, pan and zoom and shows the colour
//! map as an image; contours, trails, markers and the legend are painted over it with the
//! plot's own transform, from the same figure primitives the exports use.

use super::state::{Layout, Session};
use crate::engine::{Surface, Vec2, ViewBox};
use crate::figure::colormap;
use crate::figure::levels::ColorScale;
use crate::figure::model::{
    Figure, FigureTrail, LayerScratch, LegendEntry, MarkKind, SurfaceLayer, TrailEnd,
};
pub use crate::figure::model::{sig, status_text};
use crate::figure::polyline::simplify;
use crate::figure::projection::{Projection, fit_aspect};
use crate::figure::trail::Trail;
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, TextureHandle, TextureOptions};
use egui_plot::{Plot, PlotBounds, PlotImage, PlotPoint, PlotTransform};
use std::ops::Range;

/// Longest side of the colour map, in pixels, however large the plot.
const MAX_RASTER: usize = 1400;
/// Longest side of the grid the contours are traced on.
const CONTOUR_GRID: usize = 260;
/// How close (in points) a press must be to the start marker to drag it.
const GRAB_RADIUS: f32 = 12.0;

/// Trails are decimated to within this many pixels of the trajectory.
const TRAIL_TOLERANCE_PX: f64 = 0.4;

/// Contour lines are simplified to within this many pixels before they are painted.
const CONTOUR_TOLERANCE_PX: f64 = 0.25;

/// The surface layer of the current view and its texture.
struct Raster {
    /// The layer shown; its colour map lives in the texture (`pixels` is empty).
    layer: SurfaceLayer<Color32>,
    texture: TextureHandle,
    /// Counts recomputations, so what is derived from the layer knows when to refresh.
    generation: u64,
}

impl Raster {
    fn matches(&self, surface: &Surface, view: &ViewBox, size: [usize; 2]) -> bool {
        self.layer.surface == *surface && self.layer.view == *view && self.layer.size == size
    }
}

/// One trajectory decimated at one scale, in [`Projection::scale_only`] pixels: a pan keeps
/// the scale, so it only shifts the trail, and a zoom only stretches it (within
/// [`reusable`]), so the 100,000-point trails of a long run are not decimated again every
/// frame of a drag or a scroll.
struct CachedTrail {
    /// The runs' generation it was built from.
    generation: u64,
    /// Pixels per parameter unit.
    scale: [f64; 2],
    trail: Trail,
}

/// Every run's trail, each for the scale it was last drawn at (grid panels keep their own);
/// every animation step is a prefix of it.
#[derive(Default)]
struct TrailCache {
    trails: Vec<Option<CachedTrail>>,
}

/// How much a trail decimated at one scale may be stretched to draw it at another: zooming
/// in by `k` stretches its error (at most the tolerance) by `k` too, so up to 1.25× keeps it
/// within half a pixel; zooming out shrinks the error and only leaves more points than
/// needed, up to 2× as many.
const TRAIL_STRETCH: [f64; 2] = [0.5, 1.25];

/// Whether a trail decimated at `built` pixels per unit can be drawn, stretched, at `now`.
fn reusable(built: [f64; 2], now: [f64; 2]) -> bool {
    (0..2).all(|a| (TRAIL_STRETCH[0]..=TRAIL_STRETCH[1]).contains(&(now[a] / built[a])))
}

/// The contour lines of one surface layer in a panel's pixels (relative to its top-left
/// corner), simplified to screen resolution: recomputed when the layer, the view or the panel
/// size change, not every frame.
#[derive(Default)]
struct ContourCache {
    key: Option<(u64, [u64; 4], [u32; 2])>,
    lines: Vec<Vec<Pos2>>,
}

/// What is under the pointer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hover {
    pub at: Vec2,
    pub loss: f64,
    pub grad_norm: f64,
    pub eigenvalues: [f64; 2],
}

impl Hover {
    pub fn at(surface: &Surface, at: Vec2) -> Hover {
        let (loss, g, _) = surface.value_grad_hess(at);
        Hover {
            at,
            loss,
            grad_norm: g.norm(),
            eigenvalues: surface.hessian_eigenvalues(at),
        }
    }

    /// "κ = 12.3", or why there is no condition number here.
    pub fn conditioning(&self) -> String {
        let [lo, hi] = self.eigenvalues;
        if lo > 0.0 {
            format!("condition number {}", sig(hi / lo))
        } else if hi < 0.0 {
            "concave here (a maximum-like region)".to_string()
        } else {
            "indefinite here (saddle-like)".to_string()
        }
    }

    pub fn text(&self) -> String {
        format!(
            "x = {}, y = {}\nloss = {}\n|gradient| = {}\nHessian eigenvalues {}, {}\n{}",
            sig(self.at.x),
            sig(self.at.y),
            sig(self.loss),
            sig(self.grad_norm),
            sig(self.eigenvalues[0]),
            sig(self.eigenvalues[1]),
            self.conditioning()
        )
    }
}

/// The plot's view state and caches; the model stays in [`Session`].
#[derive(Default)]
pub struct PlotView {
    raster: Option<Raster>,
    scratch: LayerScratch,
    trails: TrailCache,
    contours: ContourCache,
    /// The overlay plot's transform from the last frame (tests use it to aim clicks).
    pub transform: Option<PlotTransform>,
    dragging_start: bool,
    /// The start before the last single click, so a double-click (view reset) can undo it.
    click_undo: Option<(Vec2, f64)>,
    /// Reset the plot bounds to the scene's view on the next frame.
    pub reset_view: bool,
    /// The plot area (plots and colour bar) on screen, for screenshots.
    pub area: Option<Rect>,
    /// The parameter region the (first) plot shows.
    pub visible: Option<ViewBox>,
    pub hover: Option<Hover>,
}

fn to_color(c: [u8; 3]) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

fn bounds_to_view(b: &PlotBounds) -> ViewBox {
    ViewBox {
        x: [b.min()[0], b.max()[0]],
        y: [b.min()[1], b.max()[1]],
    }
}

fn view_key(v: &ViewBox) -> [u64; 4] {
    [
        v.x[0].to_bits(),
        v.x[1].to_bits(),
        v.y[0].to_bits(),
        v.y[1].to_bits(),
    ]
}

impl PlotView {
    /// The surface the colour map on screen was computed from (tests check it follows edits).
    pub fn shown_surface(&self) -> Option<&Surface> {
        self.raster.as_ref().map(|r| &r.layer.surface)
    }

    /// Shows the plot (overlay or grid) filling `ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let avail = ui.available_size();
        self.area = Some(Rect::from_min_size(ui.cursor().min, avail));
        let bar_width = 76.0;
        ui.horizontal_top(|ui| {
            let plot_size = egui::vec2((avail.x - bar_width).max(120.0), avail.y.max(120.0));
            ui.allocate_ui(plot_size, |ui| match session.layout {
                Layout::Overlay => self.overlay(ui, session),
                Layout::Grid => self.grid(ui, session),
            });
            if let Some(r) = &self.raster {
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(bar_width - 8.0, plot_size.y),
                    egui::Sense::hover(),
                );
                paint_colorbar(ui, rect, &r.layer.scale);
            }
        });
    }

    /// Makes sure the colour map fits `view` at `px` pixels.
    fn ensure_raster(
        &mut self,
        ctx: &egui::Context,
        surface: &Surface,
        view: ViewBox,
        px: [usize; 2],
    ) {
        if self
            .raster
            .as_ref()
            .is_some_and(|r| r.matches(surface, &view, px))
        {
            return;
        }
        // the colour map is opaque, so its unmultiplied colours are the premultiplied ones:
        // it is made as egui colours directly and handed to the texture as is
        let mut layer = SurfaceLayer::compute_with(
            surface,
            view,
            px,
            CONTOUR_GRID,
            &mut self.scratch,
            |[r, g, b, a]| Color32::from_rgba_premultiplied(r, g, b, a),
        );
        let image = egui::ColorImage::new(layer.size, std::mem::take(&mut layer.pixels));
        match &mut self.raster {
            Some(r) => {
                r.texture.set(image, TextureOptions::LINEAR);
                r.layer = layer;
                r.generation += 1;
            }
            None => {
                let texture = ctx.load_texture("surface", image, TextureOptions::LINEAR);
                self.raster = Some(Raster {
                    layer,
                    texture,
                    generation: 0,
                });
            }
        }
    }

    fn raster_size(ctx: &egui::Context, frame: Rect) -> [usize; 2] {
        let ppp = ctx.pixels_per_point();
        let w = (frame.width() * ppp).round().max(2.0) as usize;
        let h = (frame.height() * ppp).round().max(2.0) as usize;
        let long = w.max(h);
        if long > MAX_RASTER {
            [w * MAX_RASTER / long, h * MAX_RASTER / long]
        } else {
            [w, h]
        }
    }

    /// A plot with the colour map, configured alike for overlay and grid panels.
    fn base_plot<'a>(
        &self,
        id: impl std::hash::Hash + std::fmt::Debug,
        view: ViewBox,
        surface: Surface,
    ) -> Plot<'a> {
        let mut plot = Plot::new(id)
            .data_aspect(1.0)
            .default_x_bounds(view.x[0], view.x[1])
            .default_y_bounds(view.y[0], view.y[1])
            .allow_double_click_reset(true)
            .allow_boxed_zoom(false)
            // the wheel zooms (see `wheel_zoom`); Ctrl + wheel and pinch zoom too
            .allow_scroll(false)
            .show_grid(false)
            .label_formatter(move |pos| {
                let p = match pos {
                    egui_plot::HoverPosition::NearDataPoint { position, .. }
                    | egui_plot::HoverPosition::Elsewhere { position } => *position,
                };
                Some(Hover::at(&surface, Vec2::new(p.x, p.y)).text())
            });
        if self.reset_view {
            plot = plot.reset();
        }
        plot
    }

    fn image_item(&self) -> Option<PlotImage> {
        let r = self.raster.as_ref()?;
        let v = r.layer.view;
        Some(PlotImage::new(
            "",
            r.texture.id(),
            PlotPoint::new(0.5 * (v.x[0] + v.x[1]), 0.5 * (v.y[0] + v.y[1])),
            egui::vec2(v.width() as f32, v.height() as f32),
        ))
    }

    fn overlay(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let surface = session.scene.surface.clone();
        let view = fit_aspect(
            session.view_box(),
            ui.available_width() as f64,
            ui.available_height() as f64,
        );
        if self.raster.is_none() {
            let frame = Rect::from_min_size(ui.cursor().min, ui.available_size());
            self.ensure_raster(ui.ctx(), &surface, view, Self::raster_size(ui.ctx(), frame));
        }
        // decide before the plot is built whether a press grabs the start marker, so the
        // plot does not pan during that drag
        let (pressed, origin, shift) = ui.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.modifiers.shift,
            )
        });
        if pressed && let (Some(t), Some(o)) = (self.transform, origin) {
            let sp = t.position_from_point(&PlotPoint::new(
                session.scene.start.x,
                session.scene.start.y,
            ));
            if t.frame().contains(o) && (shift || sp.distance(o) < GRAB_RADIUS) {
                self.dragging_start = true;
            }
        }
        if !ui.input(|i| i.pointer.primary_down() || i.pointer.primary_released()) {
            self.dragging_start = false;
        }
        let image = self.image_item();
        let plot = self
            .base_plot("surface-plot", view, surface.clone())
            .allow_drag(!self.dragging_start);
        let resp = plot.show(ui, |pui| {
            if let Some(img) = image {
                pui.image(img);
            }
            wheel_zoom(pui);
        });
        self.reset_view = false;
        let t = resp.transform;
        self.transform = Some(t);

        // start point: drag the marker, or click anywhere
        let now = ui.input(|i| i.time);
        let mut moved = None;
        if self.dragging_start
            && resp.response.dragged()
            && let Some(p) = resp.response.interact_pointer_pos()
        {
            moved = Some(t.value_from_position(p));
        }
        if resp.response.drag_stopped() {
            self.dragging_start = false;
        }
        if resp.response.double_clicked() {
            if let Some((before, at)) = self.click_undo.take()
                && now - at < 1.0
            {
                session.scene.start = before;
                session.rerun();
            }
        } else if resp.response.clicked()
            && let Some(p) = resp.response.interact_pointer_pos()
        {
            self.click_undo = Some((session.scene.start, now));
            moved = Some(t.value_from_position(p));
        }
        if let Some(p) = moved
            && p.x.is_finite()
            && p.y.is_finite()
        {
            session.scene.start = Vec2::new(p.x, p.y);
            session.rerun();
        }

        self.hover = resp
            .response
            .hover_pos()
            .map(|p| t.value_from_position(p))
            .map(|p| Hover::at(&surface, Vec2::new(p.x, p.y)));

        let visible = bounds_to_view(t.bounds());
        self.visible = Some(visible);
        let frame = *t.frame();
        self.ensure_raster(
            ui.ctx(),
            &surface,
            visible,
            Self::raster_size(ui.ctx(), frame),
        );
        let painter = ui.painter_at(frame);
        let projection = Projection::new(visible, rect4(frame));
        self.update_trails(session, 0..session.runs.len(), projection.pixels_per_unit());
        let figure = Figure::build(&session.scene, &session.runs, visible, session.clock.step);
        self.paint_contours(&painter, &projection);
        for t in &figure.trails {
            self.paint_trail(&painter, &projection, t, session.selected == t.index);
        }
        paint_marks(&painter, &projection, &figure);
        paint_legend(&painter, frame, &figure.legend);
    }

    fn grid(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let surface = session.scene.surface.clone();
        let enabled: Vec<usize> = (0..session.scene.optimizers.len())
            .filter(|&i| session.scene.optimizers[i].enabled)
            .collect();
        if enabled.is_empty() {
            ui.centered_and_justified(|ui| {
                ui.label("No optimizer is enabled: switch one on in the side panel.")
            });
            return;
        }
        let avail = ui.available_size();
        let base_view = session.view_box();
        let aspect = (base_view.width() / base_view.height()).clamp(0.2, 5.0) as f32;
        let title_h = 36.0;
        let gap = 6.0;
        let n = enabled.len();
        let (cols, panel_w) = (1..=n)
            .map(|cols| {
                let rows = n.div_ceil(cols);
                let w = ((avail.x - gap * cols as f32) / cols as f32)
                    .min(((avail.y - gap * rows as f32) / rows as f32 - title_h) * aspect);
                (cols, w)
            })
            .fold((1, 0.0f32), |best, c| if c.1 > best.1 { c } else { best });
        let panel_w = panel_w.max(60.0);
        let panel_h = panel_w / aspect;
        let view = fit_aspect(base_view, panel_w as f64, panel_h as f64);
        let link = ui.make_persistent_id("grid-link");
        let step = session.clock.step;
        let mut visible = None;
        egui::Grid::new("small-multiples")
            .spacing(egui::vec2(gap, gap))
            .show(ui, |ui| {
                for (k, &i) in enabled.iter().enumerate() {
                    ui.vertical(|ui| {
                        let o = &session.scene.optimizers[i];
                        let color = to_color(crate::figure::palette::color(i, o.color));
                        let status = session
                            .run(i)
                            .map(|r| status_text(&session.scene, i, r, step))
                            .unwrap_or_default();
                        ui.vertical(|ui| {
                            ui.set_max_width(panel_w);
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(&o.spec.label).color(color).strong(),
                                )
                                .truncate(),
                            );
                            ui.add(
                                egui::Label::new(egui::RichText::new(status).small().weak())
                                    .truncate(),
                            );
                        });
                        let image = self.image_item();
                        let resp = self
                            .base_plot(("cell", i), view, surface.clone())
                            .width(panel_w)
                            .height(panel_h)
                            .link_axis(link, [true, true])
                            .link_cursor(link, [true, true])
                            .show_axes([k + cols >= n, k % cols == 0])
                            .show(ui, |pui| {
                                if let Some(img) = image {
                                    pui.image(img);
                                }
                                wheel_zoom(pui);
                            });
                        let t = resp.transform;
                        let v = bounds_to_view(t.bounds());
                        let frame = *t.frame();
                        visible.get_or_insert((v, frame));
                        let painter = ui.painter_at(frame);
                        let projection = Projection::new(v, rect4(frame));
                        self.paint_contours(&painter, &projection);
                        self.update_trails(session, i..i + 1, projection.pixels_per_unit());
                        let figure = Figure::build(&session.scene, &session.runs, v, step);
                        for t in figure.trails.iter().filter(|t| t.index == i) {
                            self.paint_trail(&painter, &projection, t, true);
                        }
                        paint_marks(&painter, &projection, &figure);
                        if resp.response.clicked() {
                            session.selected = i;
                        }
                    });
                    if (k + 1) % cols == 0 {
                        ui.end_row();
                    }
                }
            });
        self.reset_view = false;
        if let Some((v, frame)) = visible {
            self.visible = Some(v);
            self.ensure_raster(ui.ctx(), &surface, v, Self::raster_size(ui.ctx(), frame));
        }
    }

    fn paint_contours(&mut self, painter: &egui::Painter, projection: &Projection) {
        let Some(r) = &self.raster else { return };
        let [left, top, w, h] = projection.rect;
        let key = (
            r.generation,
            view_key(&projection.view),
            [w.round() as u32, h.round() as u32],
        );
        if self.contours.key != Some(key) {
            let local = Projection::new(projection.view, [0.0, 0.0, w, h]);
            let mut px: Vec<[f64; 2]> = Vec::new();
            self.contours.lines = r
                .layer
                .contours
                .iter()
                .flat_map(|level| &level.lines)
                .map(|line| {
                    px.clear();
                    px.extend(line.iter().map(|&[x, y]| local.project(Vec2::new(x, y))));
                    simplify(&px, CONTOUR_TOLERANCE_PX)
                        .into_iter()
                        .map(pos)
                        .collect()
                })
                .collect();
            self.contours.key = Some(key);
        }
        let stroke = Stroke::new(0.8, Color32::from_white_alpha(80));
        let origin = egui::vec2(left as f32, top as f32);
        for line in &self.contours.lines {
            let pts: Vec<Pos2> = line.iter().map(|&p| p + origin).collect();
            painter.add(Shape::line(pts, stroke));
        }
    }

    /// Decimates again, in parallel, the trails of `which` whose run or scale changed.
    fn update_trails(&mut self, session: &Session, which: Range<usize>, scale: [f64; 2]) {
        let cache = &mut self.trails.trails;
        cache.resize_with(session.runs.len(), || None);
        let fresh = |c: &Option<CachedTrail>| {
            c.as_ref()
                .is_some_and(|c| c.generation == session.generation && reusable(c.scale, scale))
        };
        // a run not computed (yet) has nothing to decimate: no work every frame for it
        let stale: Vec<usize> = which
            .filter(|&i| i < cache.len() && !fresh(&cache[i]))
            .filter(|&i| session.runs[i].is_some() || cache[i].is_some())
            .collect();
        if stale.is_empty() {
            return;
        }
        let points: Vec<Option<&[Vec2]>> = stale
            .iter()
            .map(|&i| session.runs[i].as_ref().map(|t| t.points.as_slice()))
            .collect();
        let built = Trail::build_all(points, &Projection::scale_only(scale), TRAIL_TOLERANCE_PX);
        for (i, trail) in stale.into_iter().zip(built) {
            cache[i] = trail.map(|trail| CachedTrail {
                generation: session.generation,
                scale,
                trail,
            });
        }
    }
}

/// The mouse wheel over a plot zooms about the pointer, as in map viewers (egui_plot would pan
/// with it); dragging pans. Each notch (about 50 points of scroll) zooms by about 28 %.
fn wheel_zoom(pui: &mut egui_plot::PlotUi) {
    let dy = pui.ctx().input(|i| i.smooth_scroll_delta.y);
    if dy != 0.0 && pui.response().hovered() {
        pui.zoom_bounds_around_hovered(egui::Vec2::splat((dy / 200.0).exp()));
    }
}

fn rect4(r: Rect) -> [f64; 4] {
    [
        r.min.x as f64,
        r.min.y as f64,
        r.width() as f64,
        r.height() as f64,
    ]
}

fn pos(p: [f64; 2]) -> Pos2 {
    Pos2::new(p[0] as f32, p[1] as f32)
}

const HALO: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 150);

impl PlotView {
    /// One trail over its dark halo, decimated to screen resolution, with its head marker.
    fn paint_trail(
        &self,
        painter: &egui::Painter,
        projection: &Projection,
        t: &FigureTrail,
        emphasised: bool,
    ) {
        let Some(head) = t.head() else { return };
        let Some(cached) = self.trails.trails.get(t.index).and_then(Option::as_ref) else {
            return;
        };
        let head_index = t.points.len() - 1;
        let head_px = projection.project(head);
        let h = pos(head_px);
        // the trail is decimated in scale-only pixels: this view is them stretched to its
        // scale and shifted by where it puts the parameter origin
        let origin = projection.project(Vec2::zeros());
        let now = projection.pixels_per_unit();
        let k = [now[0] / cached.scale[0], now[1] / cached.scale[1]];
        let head_local = [
            (head_px[0] - origin[0]) / k[0],
            (head_px[1] - origin[1]) / k[1],
        ];
        let color = to_color(t.color);
        let width = if emphasised { 2.4 } else { 1.8 };
        let pieces: Vec<Vec<Pos2>> = cached
            .trail
            .upto(head_index, Some(head_local))
            .into_iter()
            .flat_map(|line| {
                let line: Vec<Pos2> = line
                    .into_iter()
                    .map(|p| pos([p[0] * k[0] + origin[0], p[1] * k[1] + origin[1]]))
                    .collect();
                split_at_sharp_turns(line)
            })
            .collect();
        for piece in &pieces {
            painter.add(Shape::line(piece.clone(), Stroke::new(width + 2.0, HALO)));
        }
        for piece in pieces {
            painter.add(Shape::line(piece, Stroke::new(width, color)));
        }
        match t.end {
            TrailEnd::Diverged => {
                let s = 6.0;
                for (a, b) in [
                    (egui::vec2(-s, -s), egui::vec2(s, s)),
                    (egui::vec2(-s, s), egui::vec2(s, -s)),
                ] {
                    painter.line_segment([h + a, h + b], Stroke::new(4.5, HALO));
                    painter.line_segment([h + a, h + b], Stroke::new(2.5, color));
                }
            }
            TrailEnd::Stalled => {
                let r = Rect::from_center_size(h, egui::vec2(9.0, 9.0));
                painter.rect_filled(r.expand(1.5), 1.0, HALO);
                painter.rect_filled(r, 1.0, color);
            }
            TrailEnd::Head => {
                painter.circle_filled(h, 5.5, HALO);
                painter.circle_filled(h, 4.0, color);
            }
        }
    }
}

/// Splits a polyline where it turns back on itself. egui joins segments with unbounded
/// miters, so an optimizer oscillating about a minimum would otherwise draw long spikes.
fn split_at_sharp_turns(line: Vec<Pos2>) -> Vec<Vec<Pos2>> {
    if line.len() < 3 {
        return vec![line];
    }
    let mut pieces = Vec::new();
    let mut current = vec![line[0]];
    for w in line.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        current.push(b);
        let (u, v) = (b - a, c - b);
        let turn_back = u.dot(v) < -0.5 * u.length() * v.length();
        if turn_back {
            pieces.push(std::mem::replace(&mut current, vec![b]));
        }
    }
    if let Some(&last) = line.last() {
        current.push(last);
    }
    pieces.push(current);
    pieces
}

fn paint_marks(painter: &egui::Painter, projection: &Projection, figure: &Figure) {
    for m in &figure.marks {
        let c = pos(projection.project(m.at));
        match m.kind {
            MarkKind::Minimum => {
                let d = 5.0;
                let diamond = vec![
                    c + egui::vec2(0.0, -d),
                    c + egui::vec2(d, 0.0),
                    c + egui::vec2(0.0, d),
                    c + egui::vec2(-d, 0.0),
                ];
                painter.add(Shape::convex_polygon(
                    diamond,
                    Color32::WHITE,
                    Stroke::new(1.2, Color32::BLACK),
                ));
            }
            MarkKind::Saddle => {
                painter.rect_stroke(
                    Rect::from_center_size(c, egui::vec2(9.0, 9.0)),
                    0.0,
                    Stroke::new(1.6, Color32::WHITE),
                    egui::StrokeKind::Middle,
                );
            }
            MarkKind::Start => {
                painter.circle_stroke(c, 7.0, Stroke::new(3.5, HALO));
                painter.circle_stroke(c, 7.0, Stroke::new(1.8, Color32::WHITE));
            }
        }
    }
}

fn paint_legend(painter: &egui::Painter, frame: Rect, rows: &[LegendEntry]) {
    if rows.is_empty() {
        return;
    }
    let font = FontId::proportional(13.0);
    let small = FontId::proportional(11.5);
    let row_h = 17.0;
    let label_w = rows
        .iter()
        .map(|r| {
            let a = painter
                .layout_no_wrap(r.label.clone(), font.clone(), Color32::WHITE)
                .size()
                .x;
            let b = painter
                .layout_no_wrap(r.status.clone(), small.clone(), Color32::WHITE)
                .size()
                .x;
            a + 10.0 + b
        })
        .fold(0.0f32, f32::max);
    let w = (label_w + 40.0).min(frame.width() - 20.0);
    let h = rows.len() as f32 * row_h + 10.0;
    let rect = Rect::from_min_size(
        Pos2::new(frame.max.x - w - 10.0, frame.min.y + 10.0),
        egui::vec2(w, h),
    );
    painter.rect_filled(rect, 4.0, Color32::from_rgba_premultiplied(10, 10, 14, 200));
    for (k, row) in rows.iter().enumerate() {
        let y = rect.min.y + 5.0 + row_h * (k as f32 + 0.5);
        let x = rect.min.x + 8.0;
        painter.line_segment(
            [Pos2::new(x, y), Pos2::new(x + 18.0, y)],
            Stroke::new(3.0, to_color(row.color)),
        );
        let g = painter.layout_no_wrap(row.label.clone(), font.clone(), Color32::WHITE);
        let lw = g.size().x;
        painter.galley(Pos2::new(x + 24.0, y - g.size().y / 2.0), g, Color32::WHITE);
        let weak = if row.alert {
            Color32::from_rgb(255, 160, 140)
        } else {
            Color32::from_gray(190)
        };
        painter.text(
            Pos2::new(x + 24.0 + lw + 8.0, y),
            Align2::LEFT_CENTER,
            &row.status,
            small.clone(),
            weak,
        );
    }
}

fn paint_colorbar(ui: &egui::Ui, rect: Rect, scale: &ColorScale) {
    let painter = ui.painter_at(rect.expand(2.0));
    let bar = Rect::from_min_max(
        Pos2::new(rect.min.x + 4.0, rect.min.y + 24.0),
        Pos2::new(rect.min.x + 18.0, rect.max.y - 24.0),
    );
    let mut mesh = egui::Mesh::default();
    let n = 96;
    for k in 0..=n {
        let t = k as f64 / n as f64;
        let y = bar.max.y - bar.height() * t as f32;
        let c = colormap::viridis(t);
        let color = Color32::from_rgb(c[0], c[1], c[2]);
        mesh.colored_vertex(Pos2::new(bar.min.x, y), color);
        mesh.colored_vertex(Pos2::new(bar.max.x, y), color);
        if k > 0 {
            let i = (2 * k) as u32;
            mesh.add_triangle(i - 2, i - 1, i);
            mesh.add_triangle(i - 1, i + 1, i);
        }
    }
    painter.add(Shape::mesh(mesh));
    let text_color = ui.visuals().text_color();
    painter.text(
        Pos2::new(rect.min.x, rect.min.y + 4.0),
        Align2::LEFT_TOP,
        "loss",
        FontId::proportional(12.0),
        text_color,
    );
    for tick in scale.ticks(8) {
        let t = scale.t(tick);
        if !t.is_finite() {
            continue;
        }
        let y = bar.max.y - bar.height() * t as f32;
        painter.line_segment(
            [Pos2::new(bar.max.x, y), Pos2::new(bar.max.x + 4.0, y)],
            Stroke::new(1.0, text_color),
        );
        painter.text(
            Pos2::new(bar.max.x + 6.0, y),
            Align2::LEFT_CENTER,
            sig(tick),
            FontId::proportional(11.0),
            text_color,
        );
    }
}
