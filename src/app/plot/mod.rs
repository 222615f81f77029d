//! The surface plot: egui_plot supplies the frame, axes, pan and zoom and shows the colour
//! map as an image; contours, trails, markers, the legend and the colour bar are built as the
//! figure's draw list by the same functions the exports use ([`crate::figure::items`]) and
//! painted by [`super::paint`]. This module holds the plot's layout (overlay or grid) and
//! what the pointer does on it; `caches` keeps what is expensive to recompute (the surface
//! layer and its texture, the contour items, the decimated trails), `hover` reads the surface
//! under the pointer, `basins` puts each optimizer's basin map in place of the colours.

pub mod basins;
mod caches;
mod hover;
#[cfg(test)]
mod tests;
mod view3d;

use super::paint::paint;
use super::state::{Layout, Session};
use crate::engine::map::Progressive;
use crate::engine::{Replays, Surface, Vec2, ViewBox};
use crate::figure::draw::{Ems, FigureStyle, LegendPlacement, Theme};
use crate::figure::items::Overlay;
use crate::figure::landscape::ViewMode;
use crate::figure::legend::{self, LegendBox};
use crate::figure::model::LegendEntry;
use crate::figure::model::{Figure, LayerScratch, axis_ticks};
pub use crate::figure::model::{sig, status_text};
use crate::figure::projection::{Projection, fit_aspect};
use caches::{BatchContourCache, ContourCache, Raster, TrailCache, paint_colorbar, window_overlay};
use egui::{Color32, Rect};
use egui_plot::{Plot, PlotBounds, PlotImage, PlotPoint, PlotTransform};
use std::sync::Arc;

/// Points between labelled marks on the plot's axes: egui_plot draws an x label only past 60
/// points (labels are wide) and a y label past 20.
const X_LABEL_PX: f64 = 70.0;
const Y_LABEL_PX: f64 = 30.0;

/// The plot's axis marks: the round 1-2-2.5-5 steps of the exports ([`axis_ticks`]), at
/// least `label_px` points apart. egui_plot's own marks go by powers of ten, so at 47 points a
/// unit (Himmelblau at 1280×720) the x axis was labelled "0" alone.
fn axis_marks(input: egui_plot::GridInput, label_px: f64) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    // `base_step_size` is the span of the plot's smallest grid spacing, 8 points by default
    let per_point = input.base_step_size / 8.0;
    let most = ((hi - lo) / (per_point * label_px))
        .floor()
        .clamp(2.0, 12.0) as usize;
    let ticks = axis_ticks(lo, hi, most);
    let step = match ticks.as_slice() {
        [a, b, ..] => b - a,
        _ => hi - lo,
    };
    ticks
        .into_iter()
        .map(|value| egui_plot::GridMark {
            value,
            step_size: step,
        })
        .collect()
}

/// A mark's label with the decimals its step needs, as the exports write ticks (egui_plot's
/// default wrote 2.5 as "2").
fn mark_label(mark: egui_plot::GridMark) -> String {
    let ticks = [mark.value, mark.value + mark.step_size];
    crate::export::layout::tick_labels(&ticks)
        .into_iter()
        .next()
        .unwrap_or_default()
}
pub use hover::Hover;
pub use view3d::View3d;

/// How close (in points) a press must be to the start marker to drag it.
const GRAB_RADIUS: f32 = 12.0;

/// The plot's view state and caches; the model stays in [`Session`].
#[derive(Default)]
pub struct PlotView {
    raster: Option<Raster>,
    scratch: LayerScratch,
    trails: TrailCache,
    contours: ContourCache,
    batch_contours: BatchContourCache,
    /// View > Minibatch contours: the selected optimizer's current minibatch loss as faint
    /// contours, changing every step (off by default).
    pub show_minibatch: bool,
    /// The overlay plot's transform from the last frame (tests use it to aim clicks).
    pub transform: Option<PlotTransform>,
    /// Each grid panel's optimizer and transform from the last frame (the same for tests).
    pub panels: Vec<(usize, PlotTransform)>,
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
    /// Show the read-out and crosshair under the pointer (set by the app each frame).
    pub hover_enabled: bool,
    /// Presentation mode: legend, marks and trails drawn larger, for a projector.
    pub presenting: bool,
    /// Legend placement and the highlighted optimizer (the theme follows the window's).
    pub style: FigureStyle,
    /// The legend as drawn in the last frame (in screen points), for [`PlotView::legend_hit`].
    pub legend: Option<LegendBox>,
    /// This frame's click was on the legend: it does not move the start.
    legend_clicked: bool,
    /// The legend's entries of the figure the overlay plot drew this frame, so the legend
    /// beside it does not build the figure again.
    entries: Vec<LegendEntry>,
    /// The 3D view, and which views are shown.
    pub view3d: View3d,
    /// The runs' states for the direction arrows (see [`figure`]).
    replays: Replays,
    /// View > Basin maps: each panel coloured by its optimizer's basin map.
    pub basins: basins::BasinMaps,
}

/// The figure at `step` in `view`, its direction arrows read from `replays`, kept per
/// generation of the runs: playing or scrubbing costs a few updates a frame, never a run from
/// the start.
pub(super) fn figure<'s>(
    session: &'s Session,
    view: ViewBox,
    step: usize,
    replays: &mut Replays,
) -> Figure<'s> {
    let replays = replays.keyed(session.generation);
    Figure::build_with(&session.scene, &session.runs, view, step, replays)
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

impl PlotView {
    /// The surface the colour map on screen was computed from (tests check it follows edits).
    pub fn shown_surface(&self) -> Option<&Surface> {
        self.raster.as_ref().map(|r| &r.layer.surface)
    }

    /// The optimizer whose legend row is at `pos` (screen points) in the last frame: a click
    /// there highlights it.
    pub fn legend_hit(&self, pos: egui::Pos2) -> Option<usize> {
        self.legend
            .as_ref()?
            .hit([f64::from(pos.x), f64::from(pos.y)])
    }

    /// A click on a legend row (as drawn last frame) highlights that optimizer, the others
    /// dimmed; a click on the highlighted one clears it. True when the click was the legend's.
    fn click_legend(&mut self, ui: &egui::Ui) -> bool {
        let click = ui.input(|i| {
            i.pointer
                .primary_clicked()
                .then(|| i.pointer.interact_pos())
                .flatten()
        });
        // not through a menu or a window over the plot
        let Some(pos) = click.filter(|&p| ui.ctx().layer_id_at(p) == Some(ui.layer_id())) else {
            return false;
        };
        let Some(i) = self.legend_hit(pos) else {
            return false;
        };
        self.style.highlight = if self.style.highlight == Some(i) {
            None
        } else {
            Some(i)
        };
        true
    }

    /// Shows the plot (overlay or grid) filling `ui`, with the legend beside it when placed
    /// there.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let avail = ui.available_size();
        self.area = Some(Rect::from_min_size(ui.cursor().min, avail));
        // presentation mode gives the colour bar's strip to the plot: the contours and the
        // colours still read low to high, and the read-out gives the numbers
        let mode = self.view3d.mode;
        // basin maps replace the colours the bar reads; a bar beside them would invite reading
        // their hues as loss
        let basins_only = self.basins.on && mode == ViewMode::TwoD;
        let bar_width = if self.presenting || basins_only {
            0.0
        } else {
            BAR_STRIP
        };
        if !self.basins.on {
            self.basins.clear();
        }
        self.style.theme = Theme::from_dark_mode(ui.visuals().dark_mode);
        self.legend_clicked = self.click_legend(ui);
        self.legend = None;
        let beside =
            session.layout == Layout::Overlay && self.style.legend == LegendPlacement::Beside;
        let legend_width = if beside {
            let labels = session
                .scene
                .optimizers
                .iter()
                .filter(|o| o.enabled)
                .map(|o| o.spec.label.as_str());
            legend::beside_width(
                labels,
                Ems::at(caches::UNIT * self.unit()),
                f64::from(0.3 * avail.x),
            ) as f32
                + 8.0
        } else {
            0.0
        };
        ui.horizontal_top(|ui| {
            let plot_size = egui::vec2(
                (avail.x - bar_width - legend_width).max(120.0),
                avail.y.max(120.0),
            );
            let reset = self.reset_view;
            let flat_size = match mode {
                ViewMode::Both => egui::vec2(0.5 * plot_size.x - 4.0, plot_size.y),
                _ => plot_size,
            };
            if mode.has_2d() {
                // top-down inside the row: the basin maps' legend goes under the plot
                let down = egui::Layout::top_down(egui::Align::Min);
                ui.allocate_ui_with_layout(flat_size, down, |ui| match session.layout {
                    Layout::Overlay => self.overlay(ui, session),
                    Layout::Grid => self.grid(ui, session),
                });
            }
            if mode.has_3d() {
                if reset {
                    self.view3d.reset(session.scene.camera);
                    self.reset_view = false;
                }
                self.view3d.theme = self.style.theme;
                self.view3d.shared_scale = match mode {
                    ViewMode::Both => self.raster.as_ref().map(|r| r.layer.scale),
                    _ => None,
                };
                ui.allocate_ui(flat_size, |ui| self.view3d.ui(ui, session));
                if !mode.has_2d() {
                    // the legend beside the plot reads the entries the 2D plot leaves
                    let step = session.clock.step;
                    self.entries =
                        figure(session, session.view_box(), step, &mut self.replays).legend;
                }
                if let Some(h) = self.view3d.hover {
                    self.hover = Some(h);
                } else if !mode.has_2d() {
                    self.hover = None;
                }
            }
            let scale = match mode {
                ViewMode::ThreeD => self.view3d.scale(),
                _ => self.raster.as_ref().map(|r| &r.layer.scale),
            }
            .filter(|_| !self.presenting && !basins_only);
            if let Some(scale) = scale {
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(bar_width - 8.0, plot_size.y),
                    egui::Sense::hover(),
                );
                paint_colorbar(ui, rect, scale);
            }
            if beside {
                let (rect, _) = ui.allocate_exact_size(
                    egui::vec2(legend_width, plot_size.y),
                    egui::Sense::hover(),
                );
                self.legend_beside(ui, rect);
            }
        });
    }

    /// The legend in the column `rect` beside the plot.
    fn legend_beside(&mut self, ui: &egui::Ui, rect: Rect) {
        let u = caches::UNIT * self.unit();
        let Some(b) = LegendBox::new(
            &self.entries,
            Ems::at(u),
            u,
            [f64::from(rect.min.x) + 8.0, f64::from(rect.min.y)],
            f64::from(rect.width()) - 8.0,
            f64::from(rect.height()),
        ) else {
            return;
        };
        let items = b.items(
            &self.entries,
            &self.style.theme.ink(),
            self.style.highlight,
            false,
        );
        paint(&ui.painter_at(rect), &items, egui::Vec2::ZERO);
        self.legend = Some(b);
    }

    /// A plot with the colour map, configured alike for overlay and grid panels.
    fn base_plot<'a>(
        &self,
        id: impl std::hash::Hash + std::fmt::Debug,
        view: ViewBox,
        surface: Surface,
        basin: Option<Arc<Progressive>>,
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
            .x_grid_spacer(|input| axis_marks(input, X_LABEL_PX))
            .y_grid_spacer(|input| axis_marks(input, Y_LABEL_PX))
            .x_axis_formatter(|mark, _| mark_label(mark))
            .y_axis_formatter(|mark, _| mark_label(mark))
            .show_x(self.hover_enabled)
            .show_y(self.hover_enabled)
            .show_crosshair(self.hover_enabled)
            .label_formatter(move |pos| {
                let p = match pos {
                    egui_plot::HoverPosition::NearDataPoint { position, .. }
                    | egui_plot::HoverPosition::Elsewhere { position } => *position,
                };
                let at = Vec2::new(p.x, p.y);
                let mut hover = Hover::at(&surface, at);
                hover.basin = basin.as_deref().and_then(|m| basins::hovered(m, at));
                Some(hover.text())
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

    /// The basin maps of optimizers `which`, each over its panel's view shown last frame
    /// (`fallback` before one), `px` points along a panel's longer side: what each panel
    /// draws.
    fn basin_panels(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        which: &[usize],
        fallback: ViewBox,
        px: f32,
    ) -> Vec<Option<basins::Shown>> {
        if !self.basins.on {
            return which.iter().map(|_| None).collect();
        }
        // a grid panel's view: with the y axis labelled or not, panels differ in width, and
        // with the aspect kept their heights in the plane differ
        let view_of = |i: usize| match self.panels.iter().find(|(k, _)| *k == i) {
            Some((_, t)) if session.layout == Layout::Grid => bounds_to_view(t.bounds()),
            _ => self.visible.unwrap_or(fallback),
        };
        let views: Vec<ViewBox> = which.iter().map(|&i| view_of(i)).collect();
        let frame = basins::Frame {
            longest: basins::cells_along(which.len(), px),
            settled: self.basins.settled(ctx),
            panels: which.len(),
        };
        let shown = which
            .iter()
            .zip(views)
            .map(|(&i, view)| self.basins.panel(ctx, session, i, view, frame))
            .collect();
        self.basins.keep_only(which);
        if self.basins.is_computing() {
            // threads hand over whole passes; the browser computes a slice each frame
            if cfg!(target_arch = "wasm32") {
                ctx.request_repaint();
            } else {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
        }
        shown
    }

    /// Room under the plot for the basin maps' legend, in points.
    fn basin_legend_room(&self, ui: &egui::Ui) -> f32 {
        if self.basins.on {
            // before the legend was ever drawn: two lines of small text, as at 1280×720
            let h = self.basins.legend_height;
            let legend = if h > 0.0 { h } else { 32.0 };
            legend + ui.spacing().item_spacing.y
        } else {
            0.0
        }
    }

    /// A click or double-click on the plot (`response`, through `t`): a click gives the
    /// point to move the start to, remembering the start for a double-click right after (a
    /// view reset) to put back.
    fn start_click(
        &mut self,
        response: &egui::Response,
        t: &PlotTransform,
        session: &mut Session,
        now: f64,
    ) -> Option<PlotPoint> {
        if response.double_clicked() {
            if let Some((before, at)) = self.click_undo.take()
                && now - at < 1.0
            {
                session.scene.start = before;
                session.rerun();
            }
            None
        } else if response.clicked()
            && !self.legend_clicked
            && let Some(p) = response.interact_pointer_pos()
        {
            self.click_undo = Some((session.scene.start, now));
            Some(t.value_from_position(p))
        } else {
            None
        }
    }

    fn overlay(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let surface = session.scene.surface.clone();
        let plot_h = (ui.available_height() - self.basin_legend_room(ui)).max(60.0);
        let view = fit_aspect(
            session.view_box(),
            ui.available_width() as f64,
            plot_h as f64,
        );
        let enabled = |i: usize| session.scene.optimizers.get(i).is_some_and(|o| o.enabled);
        let mapped = Some(self.basins.overlay_choice)
            .filter(|&i| enabled(i))
            .or_else(|| (0..session.scene.optimizers.len()).find(|&i| enabled(i)));
        let side = ui.available_width().max(plot_h);
        let shown = self
            .basin_panels(ui.ctx(), session, mapped.as_slice(), view, side)
            .pop()
            .flatten();
        let (basin_image, basin) = shown.map(|s| (s.image, s.map)).unzip();
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
        let image = basin_image.or_else(|| self.image_item());
        let plot = self
            .base_plot("surface-plot", view, surface.clone(), basin.clone())
            .height(plot_h)
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
        if let Some(p) = self.start_click(&resp.response, &t, session, now) {
            moved = Some(p);
        }
        move_start(session, moved);
        self.hover = self.hover_at(&resp.response, &t, &surface, basin.as_deref());

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
        let figure = figure(session, visible, session.clock.step, &mut self.replays);
        self.entries.clone_from(&figure.legend);
        self.paint_contours(&painter, &projection);
        if self.show_minibatch {
            self.paint_batch_contours(&painter, &projection, session);
        } else {
            self.batch_contours = BatchContourCache::default();
        }
        let scale = self.raster.as_ref().map(|r| r.layer.scale);
        let overlay = Overlay {
            selected: Some(session.selected),
            highlight: self.style.highlight,
            theme: self.style.theme,
            legend: self.style.legend,
            scale: scale.as_ref(),
            ..window_overlay(&projection, self.unit())
        };
        let legend = overlay.legend_box(&figure);
        paint(
            &painter,
            &self.overlay_items(&overlay, &figure, legend.as_ref()),
            egui::Vec2::ZERO,
        );
        if legend.is_some() {
            self.legend = legend;
        }
        if self.basins.on {
            let note = mapped.and_then(|i| {
                let label = &session.scene.optimizers.get(i)?.spec.label;
                Some(format!("{label}: {}", self.basins.note(i)?))
            });
            self.basins.legend_ui(ui, note);
        }
    }

    /// What the read-out says under the pointer on a plot (`response`, through `t`), with the
    /// basin map's cell there when one is shown.
    fn hover_at(
        &self,
        response: &egui::Response,
        t: &PlotTransform,
        surface: &Surface,
        basin: Option<&Progressive>,
    ) -> Option<Hover> {
        let p = response.hover_pos().filter(|_| self.hover_enabled)?;
        let p = t.value_from_position(p);
        let at = Vec2::new(p.x, p.y);
        let mut hover = Hover::at(surface, at);
        hover.basin = basin.and_then(|m| basins::hovered(m, at));
        Some(hover)
    }

    /// The figure's size unit on screen: one point, more in presentation mode (legend text
    /// 12 units high: 19 points there).
    fn unit(&self) -> f64 {
        if self.presenting { 1.6 } else { 1.0 }
    }

    fn grid(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let surface = session.scene.surface.clone();
        let Some(enabled) = enabled_or_say(ui, session) else {
            return;
        };
        let avail = ui.available_size() - egui::vec2(0.0, self.basin_legend_room(ui));
        let base_view = session.view_box();
        let aspect = (base_view.width() / base_view.height()).clamp(0.2, 5.0) as f32;
        let title_h = 36.0 * self.unit() as f32;
        let gap = 6.0;
        let n = enabled.len();
        let (cols, panel_w, panel_h) = grid_cells(n, avail, aspect, gap, title_h);
        let view = fit_aspect(base_view, panel_w as f64, panel_h as f64);
        let link = ui.make_persistent_id("grid-link");
        let step = session.clock.step;
        let mut visible = None;
        let mut shown = self.basin_panels(ui.ctx(), session, &enabled, view, panel_w.max(panel_h));
        let mut hovered = None;
        let now = ui.input(|i| i.time);
        self.panels.clear();
        egui::Grid::new("small-multiples")
            .spacing(egui::vec2(gap, gap))
            .show(ui, |ui| {
                for (k, &i) in enabled.iter().enumerate() {
                    ui.vertical(|ui| {
                        panel_title(ui, session, i, panel_w, self.basins.note(i));
                        let (basin_image, basin) = shown
                            .get_mut(k)
                            .and_then(Option::take)
                            .map(|s| (s.image, s.map))
                            .unzip();
                        let image = basin_image.or_else(|| self.image_item());
                        let resp = self
                            .base_plot(("cell", i), view, surface.clone(), basin.clone())
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
                        self.panels.push((i, t));
                        let v = bounds_to_view(t.bounds());
                        let frame = *t.frame();
                        visible.get_or_insert((v, frame));
                        let painter = ui.painter_at(frame);
                        let projection = Projection::new(v, rect4(frame));
                        self.paint_contours(&painter, &projection);
                        self.update_trails(session, i..i + 1, projection.pixels_per_unit());
                        let figure = figure(session, v, step, &mut self.replays);
                        let scale = self.raster.as_ref().map(|r| r.layer.scale);
                        let overlay = Overlay {
                            legend: LegendPlacement::Hidden,
                            selected: Some(i),
                            only: Some(i),
                            scale: scale.as_ref(),
                            ..window_overlay(&projection, self.unit())
                        };
                        paint(
                            &painter,
                            &self.overlay_items(&overlay, &figure, None),
                            egui::Vec2::ZERO,
                        );
                        if resp.response.clicked() {
                            session.selected = i;
                        }
                        // a click on a basin map starts there, as a click on the overlay does
                        if self.basins.on {
                            let p = self.start_click(&resp.response, &t, session, now);
                            move_start(session, p);
                        }
                        hovered = hovered.or(self.hover_at(
                            &resp.response,
                            &t,
                            &surface,
                            basin.as_deref(),
                        ));
                    });
                    if (k + 1) % cols == 0 {
                        ui.end_row();
                    }
                }
            });
        self.reset_view = false;
        self.hover = hovered;
        if let Some((v, frame)) = visible {
            self.visible = Some(v);
            self.ensure_raster(ui.ctx(), &surface, v, Self::raster_size(ui.ctx(), frame));
        }
        if self.basins.on {
            self.basins.legend_ui(ui, None);
        }
    }
}

/// Columns and panel size of a grid of `n` panels filling `avail`: every column count is
/// tried and the one whose panels show the scene's view (of aspect `aspect`) largest wins;
/// the panels then take the whole cell, the view widened to their shape.
fn grid_cells(
    n: usize,
    avail: egui::Vec2,
    aspect: f32,
    gap: f32,
    title_h: f32,
) -> (usize, f32, f32) {
    let cell = |cols: usize| {
        let rows = n.div_ceil(cols);
        let w = ((avail.x - gap * cols as f32) / cols as f32).max(60.0);
        let h = ((avail.y - gap * rows as f32) / rows as f32 - title_h).max(45.0);
        (w, h)
    };
    let shown = |(w, h): (f32, f32)| {
        let vw = w.min(h * aspect);
        vw * vw / aspect
    };
    // on a tie the fewer columns win: fewer empty cells
    let cols = (1..=n.max(1)).fold(1, |best, c| {
        if shown(cell(c)) > shown(cell(best)) {
            c
        } else {
            best
        }
    });
    let (w, h) = cell(cols);
    (cols, w, h)
}

/// The enabled optimizers of the grid layout; none: a message saying so in `ui`.
fn enabled_or_say(ui: &mut egui::Ui, session: &Session) -> Option<Vec<usize>> {
    let enabled: Vec<usize> = (0..session.scene.optimizers.len())
        .filter(|&i| session.scene.optimizers[i].enabled)
        .collect();
    if enabled.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.label("No optimizer is enabled: switch one on in the side panel.")
        });
        return None;
    }
    Some(enabled)
}

/// A grid panel's title: optimizer `i`'s label in its colour, and its status at the step
/// shown (and `note`, the basin map's progress), within `width` points.
fn panel_title(ui: &mut egui::Ui, session: &Session, i: usize, width: f32, note: Option<String>) {
    let Some(o) = session.scene.optimizers.get(i) else {
        return;
    };
    let color = to_color(crate::figure::palette::color(i, o.color));
    let mut status = session
        .run(i)
        .map(|r| status_text(&session.scene, i, r, session.clock.step))
        .unwrap_or_default();
    if let Some(note) = note {
        status = format!("{note} · {status}");
    }
    ui.vertical(|ui| {
        ui.set_max_width(width);
        ui.add(
            egui::Label::new(egui::RichText::new(&o.spec.label).color(color).strong()).truncate(),
        );
        ui.add(egui::Label::new(egui::RichText::new(status).small().weak()).truncate());
    });
}

/// The mouse wheel over a plot zooms about the pointer, as in map viewers (egui_plot would pan
/// with it); dragging pans. Each notch (about 50 points of scroll) zooms by about 28 %.
fn wheel_zoom(pui: &mut egui_plot::PlotUi) {
    let dy = pui.ctx().input(|i| i.smooth_scroll_delta.y);
    if dy != 0.0 && pui.response().hovered() {
        pui.zoom_bounds_around_hovered(egui::Vec2::splat((dy / 200.0).exp()));
    }
}

/// Moves the scene's start to `p` (when given and finite) and runs again.
fn move_start(session: &mut Session, p: Option<PlotPoint>) {
    if let Some(p) = p
        && p.x.is_finite()
        && p.y.is_finite()
    {
        session.scene.start = Vec2::new(p.x, p.y);
        session.rerun();
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
