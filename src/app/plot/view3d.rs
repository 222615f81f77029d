//! The window's 3D view: the landscape of [`crate::figure::landscape`] painted with egui
//! from the same draw list the exports paint. Drag to orbit (azimuth and elevation), scroll
//! to zoom, double-click to go back to the scene's camera; the hovered point of the surface
//! reads out as in 2D. The overlay layout is one view with every trail, the grid layout one
//! small view per optimizer.
//!
//! The landscape (the surface sampled on the mesh, its floor contours) is kept until the
//! surface, the view box or the heights change, and the trails lifted onto it until the runs
//! change: an orbit, a zoom or an animation frame only projects.

use super::caches::UNIT;
use super::{Hover, enabled_or_say, panel_title, rect4};
use crate::app::paint::paint;
use crate::app::state::{Layout, Session};
use crate::engine::{Replays, Surface, ViewBox};
use crate::figure::draw::Ems;
use crate::figure::landscape::{Heights, Landscape, Lifted, MESH_QUADS, Relief, ViewMode};
use crate::figure::orbit::{Orbit, ZOOM_RANGE};
use crate::scene::Camera;
use egui::{Rect, Sense};

/// Degrees the camera turns per point dragged.
const DEGREES_PER_POINT: f64 = 0.4;
/// Quads per side in the grid layout's small views (one mesh per panel).
const GRID_MESH_QUADS: usize = 48;

/// The 3D view's state and caches.
pub struct View3d {
    /// Which views the plot area shows.
    pub mode: ViewMode,
    pub camera: Camera,
    pub zoom: f64,
    pub heights: Heights,
    land: Option<Landscape>,
    /// The trails lifted onto `land`, and the runs' generation they came from.
    lifted: Option<(u64, Lifted)>,
    /// The surface point under the pointer.
    pub hover: Option<Hover>,
    /// The 3D view's rectangle last frame (tests aim drags at it).
    pub rect: Option<Rect>,
    /// The window's theme (the floor's frame and axis names).
    pub theme: crate::figure::draw::Theme,
    /// The 2D view's colour scale, when both are shown: the landscape is coloured on it.
    pub shared_scale: Option<crate::figure::levels::ColorScale>,
    /// The runs' states for the direction arrows (see [`super::figure`]).
    replays: Replays,
}

impl Default for View3d {
    fn default() -> Self {
        View3d {
            mode: ViewMode::TwoD,
            camera: Camera::default(),
            zoom: 1.0,
            heights: Heights::default(),
            land: None,
            lifted: None,
            hover: None,
            rect: None,
            theme: Default::default(),
            shared_scale: None,
            replays: Replays::default(),
        }
    }
}

impl View3d {
    /// Back to the scene's camera (or the default one), unzoomed.
    pub fn reset(&mut self, scene_camera: Option<Camera>) {
        self.camera = scene_camera.unwrap_or_default();
        self.zoom = 1.0;
    }

    /// The 3D view's heights: log or linear, and the part of the height axis shown.
    pub fn height_controls(&mut self, ui: &mut egui::Ui) {
        ui.checkbox(&mut self.heights.log, "3D: log-scaled heights");
        let [mut lo, mut hi] = self.heights.clip;
        ui.add(egui::Slider::new(&mut lo, 0.0..=0.95).text("3D: clip below"))
            .on_hover_text("heights below this fraction of the range lie flat on the bottom");
        ui.add(egui::Slider::new(&mut hi, 0.05..=1.0).text("3D: clip above"))
            .on_hover_text("heights above this fraction lie flat on the top, so a cliff or a plateau does not flatten the rest");
        self.heights.clip = [lo, hi];
        self.heights = self.heights.normalized();
    }

    /// The colour scale of the landscape shown, for the colour bar.
    pub fn scale(&self) -> Option<&crate::figure::levels::ColorScale> {
        self.land.as_ref().map(|l| &l.scale)
    }

    /// The landscape and lifted trails for `session`, recomputed only when stale.
    fn ensure(&mut self, session: &Session, quads: usize) {
        let (surface, view): (&Surface, ViewBox) = (&session.scene.surface, session.view_box());
        let scale = self.shared_scale;
        let fresh = self.land.as_ref().is_some_and(|l| {
            l.surface == *surface
                && l.view == view
                && l.heights == self.heights.normalized()
                && l.quads() == quads
                && scale.is_none_or(|s| s == l.scale)
        });
        if !fresh {
            self.land = Some(Landscape::compute_with(
                surface,
                view,
                quads,
                self.heights,
                scale,
            ));
            self.lifted = None;
        }
        let stale = self
            .lifted
            .as_ref()
            .is_none_or(|(g, _)| *g != session.generation);
        if stale && let Some(land) = &self.land {
            self.lifted = Some((session.generation, Lifted::new(land, &session.runs)));
        }
    }

    /// Shows the 3D view (one, or a grid of small ones) filling `ui`.
    pub fn ui(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        self.hover = None;
        match session.layout {
            Layout::Overlay => {
                self.ensure(session, MESH_QUADS);
                let size = ui.available_size();
                self.panel(ui, session, size, None);
            }
            Layout::Grid => self.grid(ui, session),
        }
    }

    fn grid(&mut self, ui: &mut egui::Ui, session: &mut Session) {
        let Some(enabled) = enabled_or_say(ui, session) else {
            return;
        };
        self.ensure(session, GRID_MESH_QUADS);
        let avail = ui.available_size();
        let n = enabled.len();
        let cols = (1..=n)
            .max_by(|&a, &b| {
                let side = |c: usize| {
                    let rows = n.div_ceil(c);
                    (avail.x / c as f32).min(avail.y / rows as f32 - 36.0)
                };
                side(a).total_cmp(&side(b))
            })
            .unwrap_or(1);
        let rows = n.div_ceil(cols);
        let side = (avail.x / cols as f32 - 6.0)
            .min(avail.y / rows as f32 - 42.0)
            .max(60.0);
        egui::Grid::new("small-multiples-3d")
            .spacing(egui::vec2(6.0, 6.0))
            .show(ui, |ui| {
                for (k, &i) in enabled.iter().enumerate() {
                    ui.vertical(|ui| {
                        panel_title(ui, session, i, side, None);
                        if self
                            .panel(ui, session, egui::vec2(side, side), Some(i))
                            .clicked()
                        {
                            session.selected = i;
                        }
                    });
                    if (k + 1) % cols == 0 {
                        ui.end_row();
                    }
                }
            });
    }

    /// One 3D view of `size` points: what the pointer does on it, then the picture (only
    /// optimizer `only`'s trail in a grid panel).
    fn panel(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        size: egui::Vec2,
        only: Option<usize>,
    ) -> egui::Response {
        let (rect, resp) = ui.allocate_exact_size(size, Sense::click_and_drag());
        if only.is_none() || self.rect.is_none() {
            self.rect = Some(rect);
        }
        if resp.dragged() {
            let d = resp.drag_delta();
            // the landscape follows the pointer sideways; dragging up looks from higher
            self.camera = self.camera.orbited(
                -f64::from(d.x) * DEGREES_PER_POINT,
                -f64::from(d.y) * DEGREES_PER_POINT,
            );
        }
        if resp.double_clicked() {
            self.reset(session.scene.camera);
        }
        if resp.hovered() {
            let dy = ui.input(|i| i.smooth_scroll_delta.y);
            let pinch = ui.input(|i| i.zoom_delta());
            let factor = f64::from((dy / 200.0).exp() * pinch);
            if factor != 1.0 && factor.is_finite() {
                self.zoom = (self.zoom * factor).clamp(ZOOM_RANGE[0], ZOOM_RANGE[1]);
            }
        }
        let (Some(land), Some((_, lifted))) = (&self.land, &self.lifted) else {
            return resp;
        };
        let orbit = Orbit::new(self.camera, self.zoom, rect4(rect));
        if let Some(p) = resp.hover_pos()
            && let Some(at) = land.pick(&orbit, [f64::from(p.x), f64::from(p.y)])
        {
            self.hover = Some(Hover::at(&session.scene.surface, at));
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        let figure = super::figure(
            session,
            session.view_box(),
            session.clock.step,
            &mut self.replays,
        );
        let relief = Relief {
            land,
            lifted,
            orbit,
            u: UNIT,
            ems: Ems::at(UNIT),
            theme: self.theme,
            selected: Some(session.selected),
            only,
        };
        paint(&painter, &relief.items(&figure), egui::Vec2::ZERO);
        resp
    }
}
