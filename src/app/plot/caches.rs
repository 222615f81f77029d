//! The plot's caches: the surface layer with its texture, the contour items relative to a
//! panel's corner, and every trail decimated at the scale it was last drawn at. Each is
//! rebuilt only when what it depends on changes, so a frame of the animation or of a pan only
//! paints; the draw list is built from them, never by recomputing what they hold.

use super::PlotView;
use crate::app::paint::paint;
use crate::app::state::Session;
use crate::engine::{Surface, Trajectory, Vec2, ViewBox};
use crate::figure::contour::contours;
use crate::figure::draw::{CONTOUR_GRID, Drawn, Ems, LegendPlacement, TRAIL_TOLERANCE_PX};
use crate::figure::grid::Grid;
use crate::figure::items::{self, Overlay};
use crate::figure::legend::LegendBox;
use crate::figure::model::{CONTOUR_LEVELS, Figure, FigureTrail, SurfaceLayer};
use crate::figure::projection::Projection;
use crate::figure::trail::Trail;
use egui::{Color32, Rect, TextureHandle, TextureOptions};
use std::ops::Range;

/// Longest side of the colour map, in pixels, however large the plot.
const MAX_RASTER: usize = 1400;

/// Most example evaluations one colour map (and its contour grid) may take on a data surface
/// whose values go example by example, while the surface or the view changes: about 3 ms
/// unloaded, so a dragged data point costs no more than a slider's frame (at 600,000 a drag
/// over 1,000 logistic examples took 1.5× the slider frame of the same scene). The colour map
/// is drawn with linear filtering, so a coarser grid still looks smooth, and it is refined
/// once the surface holds still.
const DATA_POINT_BUDGET: usize = 250_000;

/// How much larger the budget is for the one refinement made once the surface and the view
/// have held still for a frame (coarse first, then fine).
const REFINED_BUDGET: usize = 16;

/// The colour map's size and the contour grid's resolution within `budget` example
/// evaluations for a surface reading `cost` examples per value.
fn within_budget(px: [usize; 2], cost: usize, budget: usize) -> ([usize; 2], usize) {
    let most = budget / cost.max(1);
    let points = px[0].saturating_mul(px[1]);
    let px = if cost <= 1 || points <= most {
        px
    } else {
        let s = (most as f64 / points as f64).sqrt();
        [px[0], px[1]].map(|v| ((v as f64 * s) as usize).max(16))
    };
    let contour = if cost <= 1 {
        CONTOUR_GRID[0]
    } else {
        ((most as f64).sqrt() as usize).clamp(24, CONTOUR_GRID[0])
    };
    (px, contour)
}
/// The figure's size unit in the window: one point (an export at 800 × 600 has the same).
pub(super) const UNIT: f64 = 1.0;

/// The surface layer of the current view and its texture.
pub(super) struct Raster {
    /// The layer shown; its colour map lives in the texture (`pixels` is empty).
    pub(super) layer: SurfaceLayer<Color32>,
    pub(super) texture: TextureHandle,
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
pub(super) struct TrailCache {
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

/// Cells along the longer side of the minibatch contours' grid: coarse, since it is traced
/// again at every step (B examples per cell).
const BATCH_GRID: usize = 96;

/// Runs' generation, optimizer, step, view and size.
type BatchKey = (u64, usize, usize, [u64; 4], [u32; 2]);

/// The minibatch contours and what they were traced for: runs' generation, optimizer,
/// step, view and size.
#[derive(Default)]
pub(super) struct BatchContourCache {
    key: Option<BatchKey>,
    items: Vec<Drawn>,
}

/// The contour items of one surface layer in a panel's points (relative to its top-left
/// corner), simplified to screen resolution: rebuilt when the layer, the view or the panel
/// size change, not every frame.
#[derive(Default)]
pub(super) struct ContourCache {
    key: Option<(u64, [u64; 4], [u32; 2])>,
    items: Vec<Drawn>,
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
    /// Makes sure the colour map fits `view` at `px` pixels.
    pub(super) fn ensure_raster(
        &mut self,
        ctx: &egui::Context,
        surface: &Surface,
        view: ViewBox,
        px: [usize; 2],
    ) {
        let cost = surface.point_cost();
        // coarse while the surface or the view changes; refined once they hold still
        let still = self
            .raster
            .as_ref()
            .is_some_and(|r| r.layer.surface == *surface && r.layer.view == view);
        let budget = DATA_POINT_BUDGET * if still { REFINED_BUDGET } else { 1 };
        let (px, contour_resolution) = within_budget(px, cost, budget);
        if cost > 1 && !still {
            // the refinement happens on the next frame, even if nothing else asks for one
            ctx.request_repaint();
        }
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
            contour_resolution,
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

    pub(super) fn raster_size(ctx: &egui::Context, frame: Rect) -> [usize; 2] {
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

    /// The current minibatch's own contours for the selected optimizer (View > Minibatch
    /// contours), at every other level of the surface's scale, traced on a coarse grid each
    /// time the step, the runs or the view change: the landscape the next update descends.
    pub(super) fn paint_batch_contours(
        &mut self,
        painter: &egui::Painter,
        projection: &Projection,
        session: &Session,
    ) {
        let Some(r) = &self.raster else { return };
        let [left, top, w, h] = projection.rect;
        let i = session.selected;
        let step = session.clock.step;
        let key = (
            r.generation,
            i,
            step,
            view_key(&projection.view),
            [w.round() as u32, h.round() as u32],
        );
        if self.batch_contours.key != Some(key) {
            self.batch_contours.items = Vec::new();
            let problem = session.scene.problem();
            let surface = session
                .scene
                .optimizers
                .get(i)
                .filter(|o| o.enabled)
                .and_then(|o| problem.batch_surface(&o.spec, step as u64 + 1));
            if let Some(s) = surface {
                let long = w.max(h).max(1.0);
                let cells = |side: f64| ((side / long * BATCH_GRID as f64) as usize).max(8);
                let grid = Grid::evaluate(&s, projection.view, cells(w), cells(h));
                let levels: Vec<f64> = r
                    .layer
                    .scale
                    .levels(CONTOUR_LEVELS)
                    .into_iter()
                    .step_by(2)
                    .collect();
                let local = Projection::new(projection.view, [0.0, 0.0, w, h]);
                self.batch_contours.items =
                    items::minibatch_contours(&contours(&grid, &levels), &local, UNIT);
            }
            self.batch_contours.key = Some(key);
        }
        let origin = egui::vec2(left as f32, top as f32);
        paint(painter, &self.batch_contours.items, origin);
    }

    /// The minibatch contours drawn in the last frame (empty when off or not minibatched).
    pub fn minibatch_contours(&self) -> &[Drawn] {
        &self.batch_contours.items
    }

    pub(super) fn paint_contours(&mut self, painter: &egui::Painter, projection: &Projection) {
        let Some(r) = &self.raster else { return };
        let [left, top, w, h] = projection.rect;
        let key = (
            r.generation,
            view_key(&projection.view),
            [w.round() as u32, h.round() as u32],
        );
        if self.contours.key != Some(key) {
            let local = Projection::new(projection.view, [0.0, 0.0, w, h]);
            self.contours.items = items::layer_contours(&r.layer, &local, UNIT);
            self.contours.key = Some(key);
        }
        let origin = egui::vec2(left as f32, top as f32);
        paint(painter, &self.contours.items, origin);
    }

    /// The trails, heads, marks and the placed `legend` of `overlay`, from the trail cache.
    pub(super) fn overlay_items(
        &self,
        overlay: &Overlay,
        figure: &Figure,
        legend: Option<&LegendBox>,
    ) -> Vec<Drawn> {
        let pixels = |t: &FigureTrail, head_px| {
            let cached = self.trails.trails.get(t.index)?.as_ref()?;
            Some(cached.pixels(overlay.projection, t, head_px))
        };
        overlay.items_with_legend(figure, pixels, legend)
    }

    /// Decimates again, in parallel, the trails of `which` whose run or scale changed.
    pub(super) fn update_trails(
        &mut self,
        session: &Session,
        which: Range<usize>,
        scale: [f64; 2],
    ) {
        self.update_trails_of(&session.runs, session.generation, which, scale);
    }

    pub(super) fn update_trails_of(
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

/// The overlay as the window draws it: sizes in points (times `scale`: larger in
/// presentation mode), the legend inside the plot (in its emptiest corner).
pub(super) fn window_overlay(projection: &Projection, scale: f64) -> Overlay<'_> {
    Overlay {
        legend: LegendPlacement::Auto,
        ..Overlay::new(projection, UNIT * scale)
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
pub(super) fn paint_colorbar(ui: &egui::Ui, rect: Rect, scale: &crate::figure::levels::ColorScale) {
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
