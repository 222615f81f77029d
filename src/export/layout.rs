//! Where everything goes in an exported figure, and the figure as a list of drawing items in
//! pixel coordinates. Both painters (tiny-skia for PNG and GIF, the SVG writer) paint this one
//! list, so a PNG and an SVG of the same request show the same picture.
//!
//! Every size is a multiple of a unit `u` proportional to the image's shorter side (1 at
//! 800 × 600), so a 640 × 480 thumbnail and a 3840 × 2160 slide have the same proportions.

use super::{ExportError, FigureRequest};
use crate::engine::{Replays, Trajectory, Vec2};
use crate::figure::draw::{
    Anchor, Drawn, Ems, FigureStyle, Ink, Item, LegendPlacement, TRAIL_TOLERANCE_PX, contour_grid,
    text,
};
use crate::figure::items::{self, Overlay};
use crate::figure::landscape::{Landscape, Lifted, Look, Relief, ViewMode};
use crate::figure::legend::{self, LegendBox};
use crate::figure::levels::ColorScale;
use crate::figure::model::{Figure, SurfaceLayer, axis_ticks};
use crate::figure::orbit::Orbit;
use crate::figure::projection::{Projection, fit_aspect};
use crate::figure::text as font;
use crate::figure::trail::Trail;
use crate::scene::Camera;
use crate::scene::Scene;
use std::sync::Mutex;

/// Below this many pixels on either side there is no room for text: the figure is the plot
/// alone (colour map, contours, trails and markers).
const COMPACT_WIDTH: u32 = 240;
const COMPACT_HEIGHT: u32 = 180;

/// Where the parts of a figure go in a `width × height` image.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    pub width: f64,
    pub height: f64,
    /// The size unit: 1 at 800 × 600.
    pub u: f64,
    /// Whether there is room for text (title, axes, colour bar, legend).
    pub full: bool,
    /// Left, top, width, height of the plot area, on whole pixels.
    pub plot: [f64; 4],
    pub ems: Ems,
    /// Title text and its baseline start.
    pub title: Option<(String, [f64; 2])>,
    pub description: Vec<(String, [f64; 2])>,
    /// The colour bar's rectangle.
    pub colorbar: [f64; 4],
    /// Baseline of the row under the x tick labels ("x", "step k / N").
    pub footer_baseline: f64,
    /// The column beside the plot the legend goes in (left, top, width, height), when it
    /// is placed there.
    pub legend: Option<[f64; 4]>,
    /// On a data surface, the data panel's plot rectangle, right of the colour bar.
    pub data: Option<[f64; 4]>,
}

impl Layout {
    /// The layout of a `width × height` figure, with a column `legend_width` wide (at the
    /// export's sizes: see [`Layout::legend_width`]) beside the plot for the legend if given.
    pub(crate) fn new(
        width: u32,
        height: u32,
        title: &str,
        description: &str,
        legend_width: Option<&dyn Fn(Ems, f64) -> f64>,
    ) -> Layout {
        let (w, h) = (f64::from(width), f64::from(height));
        let u = w.min(h) / 600.0;
        let ems = Ems::at(u);
        if width < COMPACT_WIDTH || height < COMPACT_HEIGHT {
            return Layout {
                width: w,
                height: h,
                u,
                full: false,
                plot: [0.0, 0.0, w, h],
                ems,
                title: None,
                description: Vec::new(),
                colorbar: [w, 0.0, 0.0, 0.0],
                footer_baseline: h,
                legend: None,
                data: None,
            };
        }
        let line = 1.3;
        let m = (14.0 * u).round().max(4.0);
        // header: title, then the claim wrapped onto at most three lines (fewer in small
        // images, where the plot needs the room)
        let claim_lines = match height {
            ..360 => 1,
            360..600 => 2,
            _ => 3,
        };
        let title_text = font::ellipsize(title, ems.title, w - 2.0 * m);
        let title_baseline = m + font::ascent(ems.title);
        let mut y = m + ems.title * line;
        let mut description_lines = Vec::new();
        for l in font::wrap(description, ems.description, w - 2.0 * m, claim_lines) {
            description_lines.push((l, [m, y + font::ascent(ems.description)]));
            y += ems.description * line;
        }
        let top = (y + 10.0 * u).round();
        // footer: tick labels, then the axis title row
        let tick_len = 5.0 * u;
        let footer_baseline = h - m - font::descent(ems.axis);
        let bottom = (footer_baseline
            - font::ascent(ems.axis)
            - 4.0 * u
            - ems.tick * line
            - tick_len
            - 2.0 * u)
            .round();
        // left: "y", tick labels, ticks
        let y_title = font::width("y", ems.axis);
        let tick_labels = font::width("-00.00", ems.tick);
        let left = (m + y_title + 10.0 * u + tick_labels + 4.0 * u + tick_len).round();
        // right: the legend's column (at most a third of the width), then the colour bar
        // with its labels
        let legend_w = legend_width.map(|f| f(ems, (w / 3.0).round()));
        let right_edge = match legend_w {
            Some(lw) => w - m - lw - 16.0 * u,
            None => w - m,
        };
        let bar_gap = 16.0 * u;
        let bar_w = (14.0 * u).max(6.0);
        let bar_labels = font::width("0.001000", ems.tick);
        let right = (right_edge - bar_labels - 8.0 * u - bar_w - bar_gap).round();
        let plot_w = (right - left).max(16.0);
        let plot_h = (bottom - top).max(16.0);
        let bar_top = top + (font::ascent(ems.tick) + 10.0 * u).round();
        let colorbar = [
            (left + plot_w + bar_gap).round(),
            bar_top,
            bar_w.round(),
            (top + plot_h - bar_top).max(1.0),
        ];
        Layout {
            width: w,
            height: h,
            u,
            full: true,
            plot: [left, top, plot_w, plot_h],
            ems,
            title: Some((title_text, [m, title_baseline])),
            description: description_lines,
            colorbar,
            footer_baseline,
            legend: legend_w.map(|lw| [(w - m - lw).round(), top, lw, plot_h]),
            data: None,
        }
    }

    /// The layout of a figure of `scene`: on a data surface, when the image is wide enough,
    /// the surface takes the left part and the data panel the right
    /// ([`super::data_panel`]), so every export of a data scene shows both spaces.
    pub(crate) fn for_scene(
        scene: &Scene,
        width: u32,
        height: u32,
        legend: LegendPlacement,
    ) -> Layout {
        let labels = |ems: Ems, cap: f64| {
            legend::beside_width(
                scene
                    .optimizers
                    .iter()
                    .filter(|o| o.enabled)
                    .map(|o| o.spec.label.as_str()),
                ems,
                cap,
            )
        };
        let beside =
            legend == LegendPlacement::Beside && scene.optimizers.iter().any(|o| o.enabled);
        let build = |w: u32| {
            Layout::new(
                w,
                height,
                scene.title(),
                &scene.description,
                beside.then_some(&labels as &dyn Fn(Ems, f64) -> f64),
            )
        };
        if scene.surface.data_surface().is_some() && width >= 2 * COMPACT_WIDTH {
            let main = (f64::from(width) * 0.6).round() as u32;
            let mut l = build(main);
            if l.full {
                let w = f64::from(width);
                let [_, top, _, h] = l.plot;
                let left =
                    (f64::from(main) + font::width("-00.00", l.ems.tick) + 40.0 * l.u).round();
                let right = (w - 14.0 * l.u).round();
                l.data = Some([left, top, (right - left).max(16.0), h]);
                l.width = w;
                return l;
            }
        }
        build(width)
    }

    /// The layout of a figure showing `mode`, and where its 3D view goes: in 3D alone, the
    /// plot area; side by side, the 2D plot takes the left half (`plot`) and the 3D view the
    /// right.
    pub(crate) fn for_mode(
        scene: &Scene,
        width: u32,
        height: u32,
        legend: LegendPlacement,
        mode: ViewMode,
    ) -> (Layout, [f64; 4]) {
        let mut layout = Layout::for_scene(scene, width, height, legend);
        let [l, t, w, h] = layout.plot;
        match mode {
            ViewMode::TwoD | ViewMode::ThreeD => (layout, [l, t, w, h]),
            ViewMode::Both => {
                let gap = (24.0 * layout.u).round();
                let half = ((w - gap) / 2.0).floor().max(8.0);
                layout.plot = [l, t, half, h];
                (layout, [l + w - half, t, half, h])
            }
        }
    }

    fn plot_size(&self) -> [usize; 2] {
        [self.plot[2] as usize, self.plot[3] as usize]
    }
}

/// Everything computed once for a request: layout, projection, surface layer and the trails
/// decimated at the export's resolution, and the 3D view's landscape. A GIF paints every
/// frame from one of these.
pub(crate) struct Canvas<'a> {
    pub scene: &'a Scene,
    pub runs: &'a [Option<Trajectory>],
    pub layout: Layout,
    pub projection: Projection,
    /// The 2D colour map and contours (a token one when only the 3D view is shown).
    pub layer: SurfaceLayer,
    pub style: FigureStyle,
    trails: Vec<Option<Trail>>,
    /// The data panel at the last step (its points and ranges; curves are rebuilt per step).
    data_view: Option<crate::figure::data_view::DataView>,
    pub mode: ViewMode,
    scape: Option<Scape>,
    /// The runs' states for the direction arrows, kept over the frames of one render (a GIF
    /// walks forward a few rows a frame instead of replaying each run from the start).
    replays: Mutex<Replays>,
}

/// The 3D view of an export.
struct Scape {
    land: Landscape,
    lifted: Lifted,
    rect: [f64; 4],
    look: Look,
}

/// Quads per side of an export's mesh: [`crate::figure::landscape::MESH_QUADS`] or more in
/// a large image, so faces stay a few pixels wide.
pub(crate) fn export_mesh_quads(rect: [f64; 4]) -> usize {
    let side = rect[2].min(rect[3]).max(0.0) as usize;
    (side / 6).clamp(crate::figure::landscape::MESH_QUADS, 256)
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(req: &FigureRequest<'a>) -> Result<Canvas<'a>, ExportError> {
        super::check_size(i64::from(req.width), i64::from(req.height))?;
        let v = req.view;
        let finite = v.x.iter().chain(&v.y).all(|c| c.is_finite());
        if !(finite && v.width() > 0.0 && v.height() > 0.0) {
            return Err(ExportError::InvalidOption(format!(
                "the view x {:?}, y {:?} is empty or not finite",
                v.x, v.y
            )));
        }
        let (layout, rect3d) =
            Layout::for_mode(req.scene, req.width, req.height, req.style.legend, req.mode);
        let v = fit_aspect(v, layout.plot[2], layout.plot[3]);
        let projection = Projection::new(v, layout.plot);
        let flat = || {
            let size = layout.plot_size();
            let layer = SurfaceLayer::compute(&req.scene.surface, v, size, contour_grid(size));
            let points: Vec<Option<&[Vec2]>> = req
                .runs
                .iter()
                .map(|r| r.as_ref().map(|t| t.points.as_slice()))
                .collect();
            (
                layer,
                Trail::build_all(points, &projection, TRAIL_TOLERANCE_PX),
            )
        };
        let relief = |scale: Option<ColorScale>| {
            let land = Landscape::compute_with(
                &req.scene.surface,
                req.scene.view_box(),
                export_mesh_quads(rect3d),
                req.look.heights,
                scale,
            );
            let lifted = Lifted::new(&land, req.runs);
            Scape {
                land,
                lifted,
                rect: rect3d,
                look: req.look,
            }
        };
        let ((layer, trails), scape) = match req.mode {
            ViewMode::TwoD => (flat(), None),
            // the colour bar reads the landscape's scale; the 2D layer is a token
            ViewMode::ThreeD => (
                (
                    SurfaceLayer::compute(&req.scene.surface, v, [1, 1], 8),
                    Vec::new(),
                ),
                Some(relief(None)),
            ),
            // side by side, on the 2D view's colour scale: a colour is the same loss in both
            ViewMode::Both => {
                let (layer, trails) = flat();
                let scape = relief(Some(layer.scale));
                ((layer, trails), Some(scape))
            }
        };
        let data_view = layout.data.and_then(|_| {
            crate::figure::data_view::DataView::build(req.scene, req.runs, req.scene.last_step())
        });
        Ok(Canvas {
            scene: req.scene,
            runs: req.runs,
            layout,
            projection,
            layer,
            style: req.style,
            trails,
            data_view,
            mode: req.mode,
            scape,
            replays: Mutex::default(),
        })
    }

    /// The colour scale the colour bar shows.
    fn scale(&self) -> &ColorScale {
        match (&self.scape, self.mode) {
            (Some(s), ViewMode::ThreeD) => &s.land.scale,
            _ => &self.layer.scale,
        }
    }

    /// Whether a GIF of this canvas turns the camera instead of animating the steps.
    pub(crate) fn orbits(&self) -> bool {
        self.scape.as_ref().is_some_and(|s| s.look.orbit)
    }

    /// The camera of the 3D view (the default one when there is none).
    pub(crate) fn camera(&self) -> Camera {
        self.scape
            .as_ref()
            .map_or_else(Camera::default, |s| s.look.camera)
    }

    pub(crate) fn u(&self) -> f64 {
        self.layout.u
    }

    pub(crate) fn ink(&self) -> Ink {
        self.style.theme.ink()
    }

    /// The overlay of this figure: trails, heads, marks, and the legend if it is inside.
    fn overlay(&self) -> Overlay<'_> {
        Overlay {
            legend: if self.layout.full {
                self.style.legend
            } else {
                LegendPlacement::Hidden
            },
            theme: self.style.theme,
            highlight: self.style.highlight,
            scale: Some(&self.layer.scale),
            ..Overlay::new(&self.projection, self.u())
        }
    }

    /// What is drawn at `step`, the direction arrows read from this render's replays.
    fn figure(&self, step: usize) -> Figure<'a> {
        // a poisoned lock only means a frame panicked mid-replay: its cache is still whole
        let mut replays = self.replays.lock().unwrap_or_else(|e| e.into_inner());
        Figure::build_with(
            self.scene,
            self.runs,
            self.projection.view,
            step,
            &mut replays,
        )
    }

    /// The legend at `step`, wherever it is drawn.
    pub(crate) fn legend_box(&self, step: usize) -> Option<LegendBox> {
        let figure = self.figure(step);
        self.legend_of(&figure)
    }

    fn legend_of(&self, figure: &Figure) -> Option<LegendBox> {
        match (self.layout.legend, self.layout.full) {
            (Some([x, y, w, h]), true) => {
                let l = &self.layout;
                LegendBox::new(&figure.legend, l.ems, l.u, [x, y], w, h)
            }
            (None, true) => self.overlay().legend_box(figure),
            _ => None,
        }
    }

    /// Everything of the figure at `step`: [`Canvas::static_items`] then
    /// [`Canvas::dynamic_items`].
    pub(crate) fn items(&self, step: usize) -> Vec<Drawn> {
        let mut items = self.static_items();
        items.extend(self.dynamic_items(step));
        items
    }

    /// What every frame of an animation shares: the colour map, contours, axes, colour bar,
    /// title and claim.
    pub(crate) fn static_items(&self) -> Vec<Drawn> {
        let mut out = vec![Drawn::free(Item::Background(self.ink().background))];
        if self.mode.has_2d() {
            out.push(Drawn::free(Item::ColorMap));
            out.extend(items::layer_contours(
                &self.layer,
                &self.projection,
                self.u(),
            ));
        }
        if self.layout.full {
            if self.mode.has_2d() {
                self.axes(&mut out);
            }
            self.colorbar(&mut out);
            self.header(&mut out);
        }
        if let (Some(rect), Some(view)) = (self.layout.data, &self.data_view) {
            super::data_panel::static_items(view, rect, &self.layout, &self.ink(), &mut out);
        }
        out
    }

    pub(crate) fn header(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        if let Some((title, at)) = &l.title {
            out.push(text(
                title,
                *at,
                l.ems.title,
                self.ink().title,
                Anchor::Start,
                "title",
            ));
        }
        for (line, at) in &l.description {
            out.push(text(
                line,
                *at,
                l.ems.description,
                self.ink().weak,
                Anchor::Start,
                "description",
            ));
        }
    }

    pub(crate) fn axes(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        let u = self.u();
        let [_, _, w, h] = l.plot;
        let view = self.projection.view;
        let xt = axis_ticks(
            view.x[0],
            view.x[1],
            (w / (90.0 * u)).clamp(2.0, 12.0) as usize,
        );
        let yt = axis_ticks(
            view.y[0],
            view.y[1],
            (h / (60.0 * u)).clamp(2.0, 12.0) as usize,
        );
        let xs = xt
            .iter()
            .zip(tick_labels(&xt))
            .map(|(v, label)| (self.projection.project(Vec2::new(*v, view.y[0]))[0], label))
            .collect::<Vec<_>>();
        let ys = yt
            .iter()
            .zip(tick_labels(&yt))
            .map(|(v, label)| (self.projection.project(Vec2::new(view.x[0], *v))[1], label))
            .collect::<Vec<_>>();
        self.frame().items(out, &xs, &ys, "x", "y");
    }

    /// The plot's frame and axes as this figure draws them (see [`items::Frame`]).
    pub(crate) fn frame(&self) -> items::Frame {
        let l = &self.layout;
        items::Frame {
            plot: l.plot,
            u: l.u,
            ems: l.ems,
            ink: self.ink(),
            footer_baseline: l.footer_baseline,
            title_left: (14.0 * l.u).round().max(4.0),
        }
    }

    fn colorbar(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        items::colorbar(
            out,
            l.colorbar,
            self.scale(),
            l.u,
            l.ems.tick,
            self.ink().text,
        );
    }

    /// What changes with the step: trails and their heads, the markers drawn over them, the
    /// legend and the step counter.
    pub(crate) fn dynamic_items(&self, step: usize) -> Vec<Drawn> {
        self.frame_items(step, self.camera())
    }

    /// As [`Canvas::dynamic_items`], the 3D view seen by `camera` (a frame of an orbit).
    pub(crate) fn frame_items(&self, step: usize, camera: Camera) -> Vec<Drawn> {
        let figure = self.figure(step);
        let mut out = Vec::new();
        if self.mode.has_2d() {
            out = self.overlay().items(&figure, |t, head_px| {
                let trail = self.trails.get(t.index)?.as_ref()?;
                Some(trail.upto(t.points.len() - 1, Some(head_px)))
            });
        }
        if let (Some(_), true) = (self.layout.legend, self.layout.full)
            && let Some(b) = self.legend_of(&figure)
        {
            out.extend(b.items(&figure.legend, &self.ink(), self.style.highlight, false));
        }
        if let Some(s) = &self.scape {
            let relief = Relief {
                land: &s.land,
                lifted: &s.lifted,
                orbit: Orbit::new(camera, s.look.zoom, s.rect),
                u: self.u(),
                ems: self.layout.ems,
                theme: self.style.theme,
                selected: None,
                only: None,
            };
            out.extend(relief.items(&figure));
        }
        if self.layout.full {
            let l = &self.layout;
            let [left, _, _, _] = l.plot;
            let right = self
                .scape
                .as_ref()
                .map_or(left + l.plot[2], |s| s.rect[0] + s.rect[2]);
            out.push(text(
                &format!("step {} / {}", step.min(figure.last_step), figure.last_step),
                [right, l.footer_baseline],
                l.ems.step,
                self.ink().weak,
                Anchor::End,
                "step",
            ));
        }
        if let (Some(rect), Some(_)) = (self.layout.data, &self.data_view)
            && let Some(view) =
                crate::figure::data_view::DataView::build(self.scene, self.runs, step)
        {
            super::data_panel::dynamic_items(&view, rect, &self.layout, &self.ink(), &mut out);
        }
        out
    }
}

/// Tick labels as the figure writes them (kept here for the plot's axes, which read them
/// from this module).
pub(crate) use crate::figure::model::tick_labels;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_labels(&[-1.0, 0.0, 1.0]), ["-1", "0", "1"]);
        assert_eq!(tick_labels(&[0.25, 0.5, 0.75]), ["0.25", "0.50", "0.75"]);
        assert_eq!(tick_labels(&[-2.5, 0.0, 2.5]), ["-2.5", "0.0", "2.5"]);
        assert_eq!(tick_labels(&[3.0]), ["3.00"]);
    }

    #[test]
    fn layouts_fit_inside_the_image() {
        for (w, h) in [
            (320, 240),
            (640, 480),
            (1600, 1200),
            (3840, 2160),
            (2000, 400),
            (400, 2000),
            (240, 180),
            (8192, 180),
            (240, 8192),
        ] {
            let column = |_: Ems, cap: f64| cap.min(200.0);
            let l = Layout::new(
                w,
                h,
                "A title",
                "A fairly long description of what the scene shows, long enough to wrap onto a second line at small sizes.",
                Some(&column as &dyn Fn(Ems, f64) -> f64),
            );
            let [left, top, pw, ph] = l.plot;
            assert!(l.full);
            assert!(left > 0.0 && top > 0.0, "{w}x{h}");
            assert!(
                left + pw < f64::from(w) && top + ph < f64::from(h),
                "{w}x{h}: {:?}",
                l.plot
            );
            assert!(l.colorbar[0] + l.colorbar[2] < f64::from(w));
            let [lx, _, lw, _] = l.legend.expect("a legend column");
            assert!(l.colorbar[0] + l.colorbar[2] < lx, "{w}x{h}");
            assert!(lx + lw < f64::from(w), "{w}x{h}");
            assert_eq!(left.fract(), 0.0);
            assert_eq!(pw.fract(), 0.0);
        }
        let tiny = Layout::new(16, 16, "t", "d", None);
        assert!(!tiny.full);
        assert_eq!(tiny.plot, [0.0, 0.0, 16.0, 16.0]);
    }
}
