//! The surface plot: egui_plot supplies the frame, axes, pan and zoom and shows the colour
//! map as an image; contours, trails, markers, the legend and the colour bar are built as the
//! figure's draw list by the same functions the exports use ([`crate::figure::items`]) and
//! painted by [`super::paint`]. What this module adds is the window's caches: the surface
//! layer and its texture, the contour items and the decimated trails, each recomputed only
//! when what it depends on changes.

use super::paint::paint;
use super::state::{Layout, Session};
use crate::engine::{Surface, Trajectory, Vec2, ViewBox};
use crate::figure::draw::{CONTOUR_GRID, Drawn, Ems, TRAIL_TOLERANCE_PX};
use crate::figure::items::{self, Overlay};
use crate::figure::model::{Figure, FigureTrail, LayerScratch, SurfaceLayer};
pub use crate::figure::model::{sig, status_text};
use crate::figure::projection::{Projection, fit_aspect};
use crate::figure::trail::Trail;
use egui::{Color32, Rect, TextureHandle, TextureOptions};
use egui_plot::{Plot, PlotBounds, PlotImage, PlotPoint, PlotTransform};
use std::ops::Range;

/// Longest side of the colour map, in pixels, however large the plot.
const MAX_RASTER: usize = 1400;
/// How close (in points) a press must be to the start marker to drag it.
const GRAB_RADIUS: f32 = 12.0;
/// The figure's size unit in the window: one point (an export at 800 × 600 has the same).
const UNIT: f64 = 1.0;

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

/// The contour items of one surface layer in a panel's points (relative to its top-left
/// corner), simplified to screen resolution: rebuilt when the layer, the view or the panel
/// size change, not every frame.
#[derive(Default)]
struct ContourCache {
    key: Option<(u64, [u64; 4], [u32; 2])>,
    items: Vec<Drawn>,
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

/// The colour bar's strip to the right of the plot, in points.
const BAR_STRIP: f32 = 76.0;

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
        let bar_width = BAR_STRIP;
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
            CONTOUR_GRID[0],
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
        let overlay = Overlay {
            selected: Some(session.selected),
            ..window_overlay(&projection)
        };
        paint(
            &painter,
            &self.overlay_items(&overlay, &figure),
            egui::Vec2::ZERO,
        );
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
                        let overlay = Overlay {
                            legend: false,
                            selected: Some(i),
                            only: Some(i),
                            ..window_overlay(&projection)
                        };
                        paint(
                            &painter,
                            &self.overlay_items(&overlay, &figure),
                            egui::Vec2::ZERO,
                        );
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
            self.contours.items = items::contours(&r.layer.contours, &local, UNIT);
            self.contours.key = Some(key);
        }
        let origin = egui::vec2(left as f32, top as f32);
        paint(painter, &self.contours.items, origin);
    }

    /// The trails, heads, marks and legend of `overlay`, from the trail cache.
    fn overlay_items(&self, overlay: &Overlay, figure: &Figure) -> Vec<Drawn> {
        overlay.items(figure, |t, head_px| {
            let cached = self.trails.trails.get(t.index)?.as_ref()?;
            Some(cached.pixels(overlay.projection, t, head_px))
        })
    }

    /// Decimates again, in parallel, the trails of `which` whose run or scale changed.
    fn update_trails(&mut self, session: &Session, which: Range<usize>, scale: [f64; 2]) {
        self.update_trails_of(&session.runs, session.generation, which, scale);
    }

    fn update_trails_of(
        &mut self,
        runs: &[Option<Trajectory>],
        generation: u64,
        which: Range<usize>,
        scale: [f64; 2],
    ) {
        let cache = &mut self.trails.trails;
        cache.resize_with(runs.len(), || None);
        let fresh = |c: &Option<CachedTrail>| {
            c.as_ref()
                .is_some_and(|c| c.generation == generation && reusable(c.scale, scale))
        };
        // a run not computed (yet) has nothing to decimate: no work every frame for it
        let stale: Vec<usize> = which
            .filter(|&i| i < cache.len() && !fresh(&cache[i]))
            .filter(|&i| runs[i].is_some() || cache[i].is_some())
            .collect();
        if stale.is_empty() {
            return;
        }
        let points: Vec<Option<&[Vec2]>> = stale
            .iter()
            .map(|&i| runs[i].as_ref().map(|t| t.points.as_slice()))
            .collect();
        let built = Trail::build_all(points, &Projection::scale_only(scale), TRAIL_TOLERANCE_PX);
        for (i, trail) in stale.into_iter().zip(built) {
            cache[i] = trail.map(|trail| CachedTrail {
                generation,
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

/// The overlay as the window draws it: sizes in points, the legend in the plot's corner.
fn window_overlay(projection: &Projection) -> Overlay<'_> {
    Overlay {
        projection,
        u: UNIT,
        ems: Ems::at(UNIT),
        legend: true,
        selected: None,
        only: None,
    }
}

impl CachedTrail {
    /// The trail up to `t`'s head (at `head_px`) in `projection`'s pixels: it was decimated in
    /// scale-only pixels, so this view is them stretched to its scale and shifted by where it
    /// puts the parameter origin.
    fn pixels(
        &self,
        projection: &Projection,
        t: &FigureTrail,
        head_px: [f64; 2],
    ) -> Vec<Vec<[f64; 2]>> {
        let origin = projection.project(Vec2::zeros());
        let now = projection.pixels_per_unit();
        let k = [now[0] / self.scale[0], now[1] / self.scale[1]];
        let head_local = [
            (head_px[0] - origin[0]) / k[0],
            (head_px[1] - origin[1]) / k[1],
        ];
        let mut lines = self.trail.upto(t.points.len() - 1, Some(head_local));
        for p in lines.iter_mut().flatten() {
            *p = [p[0] * k[0] + origin[0], p[1] * k[1] + origin[1]];
        }
        lines
    }
}

/// The colour bar in the strip `rect` to the right of the plot, labelled in the theme's ink.
fn paint_colorbar(ui: &egui::Ui, rect: Rect, scale: &crate::figure::levels::ColorScale) {
    let painter = ui.painter_at(rect.expand(2.0));
    let bar = [
        f64::from(rect.min.x) + 4.0,
        f64::from(rect.min.y) + 24.0,
        14.0,
        f64::from(rect.height()) - 48.0,
    ];
    let ink = ui.visuals().text_color().to_srgba_unmultiplied();
    let mut out = Vec::new();
    items::colorbar(&mut out, bar, scale, UNIT, Ems::at(UNIT).tick, ink);
    paint(&painter, &out, egui::Vec2::ZERO);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::layout::Canvas;
    use crate::export::{self, FigureRequest};
    use crate::figure::draw::{Item, PathItem};

    fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
    }

    /// The farthest any vertex of `a` lies from the lines of `b`.
    fn farthest(a: &PathItem, b: &PathItem) -> f64 {
        a.subpaths
            .iter()
            .flatten()
            .map(|&p| {
                b.subpaths
                    .iter()
                    .flat_map(|line| line.windows(2))
                    .map(|s| distance_to_segment(p, s[0], s[1]))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(0.0, f64::max)
    }

    fn shifted(items: &[Drawn], by: [f64; 2]) -> Vec<Drawn> {
        let mut items = items.to_vec();
        for d in &mut items {
            if let Item::Path(p) = &mut d.item {
                for q in p.subpaths.iter_mut().flatten() {
                    *q = [q[0] + by[0], q[1] + by[1]];
                }
            }
        }
        items
    }

    /// The window and an 800 × 600 PNG (whose size unit is one pixel, as the window's is one
    /// point) of the same scene, view and step draw the same plot: the same contours, trails,
    /// heads, marks and legend, with the same sizes and colours, in the same places. The
    /// window's own route is taken: contours cached relative to the panel and shifted, trails
    /// decimated in scale-only pixels and stretched, so they agree within a pixel and the
    /// rest exactly.
    #[test]
    fn the_window_draws_the_plot_the_png_draws() {
        let scene = crate::scene::builtin("rosenbrock-race").expect("builtin");
        let runs = export::compute_runs(&scene);
        let step = 1000;
        let req = FigureRequest {
            step,
            ..FigureRequest::whole(&scene, &runs, 800, 600)
        };
        let canvas = Canvas::new(&req).expect("a figure");
        assert_eq!(canvas.layout.u, UNIT);
        assert_eq!(canvas.layout.ems, Ems::at(UNIT));
        // the plot's part of the PNG: its contours and what is drawn over them, without the
        // page around it (axes, title, step counter)
        let in_plot = |d: &Drawn| match &d.item {
            Item::Path(p) => p.class != "axis",
            Item::Text(t) => t.class.starts_with("legend"),
            _ => d.clip,
        };
        let png: Vec<Drawn> = canvas.items(step).into_iter().filter(in_plot).collect();

        let projection = canvas.projection;
        let [left, top, w, h] = projection.rect;
        let local = Projection::new(projection.view, [0.0, 0.0, w, h]);
        let mut window = shifted(
            &items::contours(&canvas.layer.contours, &local, UNIT),
            [left, top],
        );
        let mut view = PlotView::default();
        view.update_trails_of(&runs, 0, 0..runs.len(), projection.pixels_per_unit());
        let figure = Figure::build(&scene, &runs, projection.view, step);
        window.extend(view.overlay_items(&window_overlay(&projection), &figure));

        let classes = |items: &[Drawn]| -> Vec<String> {
            items
                .iter()
                .map(|d| match &d.item {
                    Item::Path(p) => p.class.to_string(),
                    Item::Rect { class, .. } | Item::Circle { class, .. } => class.to_string(),
                    Item::Text(t) => t.class.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        };
        assert_eq!(classes(&window), classes(&png));
        assert!(classes(&png).iter().any(|c| c == "trail"));
        assert!(classes(&png).iter().any(|c| c == "legend-label"));
        let (mut trail_vertices, mut png_vertices) = (0, 0);
        for (a, b) in window.iter().zip(&png) {
            match (&a.item, &b.item) {
                (Item::Path(p), Item::Path(q)) if matches!(p.class, "contour" | "trail") => {
                    assert_eq!((p.stroke, p.fill, &p.data), (q.stroke, q.fill, &q.data));
                    let gap = farthest(p, q).max(farthest(q, p));
                    assert!(gap < 1.0, "{} lines {gap} px apart", p.class);
                    if p.class == "trail" {
                        trail_vertices += p.subpaths.iter().map(Vec::len).sum::<usize>();
                        png_vertices += q.subpaths.iter().map(Vec::len).sum::<usize>();
                    }
                }
                (Item::Path(p), Item::Path(q)) if p.class == "trail-halo" => {
                    assert_eq!(p.stroke, q.stroke);
                }
                _ => assert_eq!(a, b),
            }
        }
        // decimated to the same tolerance: about as many points kept
        let ratio = trail_vertices as f64 / png_vertices as f64;
        assert!(
            (0.95..1.05).contains(&ratio),
            "{trail_vertices} vs {png_vertices}"
        );
    }
}
