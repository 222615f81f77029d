//! Basin maps in the main plot (View → Basin maps, Shift+B): each panel's colour map is
//! replaced by its own optimizer's basin map over the panel's view (in the overlay layout,
//! the map window's optimizer), under the contours, minima and trails. Every pixel is a start
//! coloured by the minimum its run reaches, so in the grid layout a class sees momentum and
//! Adam redraw the basins GD has. Each map is a [`MapJob`]: coarse at once, refined in the
//! background; it restarts when the scene or its optimizer changes, and when the view leaves
//! the map (or shrinks well inside it) once a pan or zoom has settled; the old map stays
//! drawn where it was meanwhile. A map covers a little more than its view, so the few points
//! a grid panel's bounds can swing from frame to frame (its axis labels' width changes its
//! shape, and with it the bounds) never restart it.

use crate::app::map_job::{MapJob, map_image, same_work};
use crate::app::state::Session;
use crate::engine::map::{Cell, MapKind, MapSpec, Progressive};
use crate::engine::{Vec2, ViewBox};
use crate::figure::map::legend;
use crate::figure::model::{LegendEntry, sig};
use crate::scene::map::{MapChoice, MapRequest, basin_over, map_spec};
use egui::{RichText, TextureHandle, TextureOptions};
use egui_plot::{PlotImage, PlotPoint};
use std::sync::Arc;

/// Cells along a map's longer side with one or two panels; more panels get fewer (see
/// [`cells_along`]).
pub const CELLS: usize = 192;
/// Fewest cells along a panel's map's longer side, however many panels.
const FEWEST_CELLS: usize = 64;
/// Seconds with no button down and no scroll or zoom before the maps follow the view.
const SETTLE_S: f64 = 0.25;
/// A map covers its view widened by this fraction of it on every side.
const OVERSCAN: f64 = 0.08;
/// A map whose side is more than this many times the view's is computed again for the view
/// (zoomed in, its cells would be coarse).
const MOST_ZOOM: f64 = 2.0;
/// A first pass of at most this many updates, over all panels, is computed within the frame
/// (about 10 ms of GD's runs; the rest go to the background and land a few frames later).
const SYNC_UPDATES: u64 = 500_000;

/// Cells along the longer side of each of `panels` maps `px` points long: about the same work
/// in all (192² for two panels), never more cells than points.
pub fn cells_along(panels: usize, px: f32) -> usize {
    let by_count = (CELLS as f64 * (2.0 / panels.max(1) as f64).sqrt()).round() as usize;
    by_count
        .clamp(FEWEST_CELLS, CELLS)
        .min(px.max(8.0) as usize)
}

/// One optimizer's map and its picture.
struct Panel {
    /// The optimizer's place in the scene.
    index: usize,
    /// Cells asked along the map's longer side.
    longest: usize,
    /// What the map was computed from (see [`same_work`]).
    key: MapSpec,
    map: Progressive,
    job: Option<MapJob>,
    texture: Option<TextureHandle>,
    /// The map as the texture shows it, for the hover read-out.
    shown: Option<Arc<Progressive>>,
    /// The legend's rows for the map as shown.
    entries: Vec<LegendEntry>,
    /// Whether the texture shows the map's cells as computed.
    fresh: bool,
}

/// What this frame's maps share.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Cells along a map's longer side.
    pub longest: usize,
    /// Whether the view has settled (see [`BasinMaps::settled`]).
    pub settled: bool,
    /// Maps shown: they share the frame's work.
    pub panels: usize,
}

/// What a panel draws: its map's picture and cells.
pub struct Shown {
    pub image: PlotImage,
    pub map: Arc<Progressive>,
}

/// The basin mode and its maps, one per optimizer shown.
#[derive(Default)]
pub struct BasinMaps {
    /// Basin maps instead of the surface's colours.
    pub on: bool,
    /// The optimizer the overlay layout maps (the map window's choice), when enabled.
    pub overlay_choice: usize,
    panels: Vec<Panel>,
    /// Why a panel has no map, by optimizer.
    errors: Vec<(usize, String)>,
    /// When a button was last down or the plot last scrolled or zoomed.
    last_busy: Option<f64>,
    /// The legend's height under the plot last frame, in points.
    pub legend_height: f32,
}

/// The basin map of optimizer `i` of `session`'s scene over `view`, `longest` cells along its
/// longer side, or why not.
fn spec_for(session: &Session, i: usize, view: ViewBox, longest: usize) -> Result<MapSpec, String> {
    let scene = &session.scene;
    let o = scene
        .optimizers
        .get(i)
        .filter(|o| o.enabled)
        .ok_or("the optimizer is not enabled")?;
    let req = MapRequest {
        optimizer: Some(o.spec.label.clone()),
        size: Some(longest),
        ..MapRequest::new(MapChoice::Basin)
    };
    let mut spec = map_spec(scene, &req)?;
    // labels may be shared: the optimizer is the one at its place
    spec.optimizer = o.spec.clone();
    basin_over(spec, view, longest)
}

/// `view` widened by [`OVERSCAN`] on every side.
fn overscan(view: ViewBox) -> ViewBox {
    let (dx, dy) = (OVERSCAN * view.width(), OVERSCAN * view.height());
    ViewBox {
        x: [view.x[0] - dx, view.x[1] + dx],
        y: [view.y[0] - dy, view.y[1] + dy],
    }
}

/// Whether a map of `map` serves `view`: it covers it, with cells not too coarse for it.
fn serves(map: &ViewBox, view: &ViewBox) -> bool {
    map.x[0] <= view.x[0]
        && view.x[1] <= map.x[1]
        && map.y[0] <= view.y[0]
        && view.y[1] <= map.y[1]
        && map.width() <= MOST_ZOOM * view.width()
        && map.height() <= MOST_ZOOM * view.height()
}

/// `key` with its view and size left out: what a pan or a zoom does not change.
fn without_view(key: &MapSpec) -> MapSpec {
    MapSpec {
        kind: MapKind::Basin {
            view: ViewBox::square(1.0),
        },
        size: [0, 0],
        ..key.clone()
    }
}

impl BasinMaps {
    /// True once no button has been down and nothing scrolled or zoomed for a moment: a pan
    /// or a zoom is over, and the maps may follow the view.
    pub fn settled(&mut self, ctx: &egui::Context) -> bool {
        let (now, busy) = ctx.input(|i| {
            let moving = i.smooth_scroll_delta != egui::Vec2::ZERO || i.zoom_delta() != 1.0;
            (i.time, i.pointer.any_down() || moving)
        });
        if busy {
            self.last_busy = Some(now);
        }
        let settled = self.last_busy.is_none_or(|t| now - t >= SETTLE_S);
        if !settled {
            // come back once it has settled, even if nothing else moves
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(SETTLE_S));
        }
        settled
    }

    /// Brings optimizer `i`'s map up to date for `view` and gives what to draw, or `None`
    /// (with the reason kept for [`BasinMaps::note`]).
    pub fn panel(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        i: usize,
        view: ViewBox,
        frame: Frame,
    ) -> Option<Shown> {
        let Frame {
            longest,
            settled,
            panels,
        } = frame;
        self.errors.retain(|(k, _)| *k != i);
        let spec = match spec_for(session, i, overscan(view), longest) {
            Ok(spec) => spec,
            Err(e) => {
                self.panels.retain(|p| p.index != i);
                self.errors.push((i, e));
                return None;
            }
        };
        let key = same_work(&spec);
        let at = self.panels.iter().position(|p| p.index == i);
        let restart = match at.map(|k| &self.panels[k]) {
            None => true,
            // the scene or the optimizer changed
            Some(p) if without_view(&p.key) != without_view(&key) => true,
            // the view or the panels changed: once a pan or a zoom is over
            Some(p) => {
                let MapKind::Basin { view: has } = p.key.kind else {
                    return None;
                };
                settled && !(p.longest == longest && serves(&has, &view))
            }
        };
        let k = match at {
            Some(k) if !restart => {
                let p = &mut self.panels[k];
                if without_view(&p.key) == without_view(&key) {
                    // what does not change the cells (the start) still moves the marks
                    p.map.spec.problem.start = spec.problem.start;
                    p.map.spec.optimizer.label = spec.optimizer.label;
                }
                k
            }
            _ => {
                let mut map = Progressive::new(spec);
                let job = MapJob::start(&mut map, SYNC_UPDATES / panels.max(1) as u64);
                let panel = Panel {
                    index: i,
                    longest,
                    key,
                    map,
                    job: Some(job),
                    texture: None,
                    shown: None,
                    entries: Vec::new(),
                    fresh: false,
                };
                match at {
                    Some(k) => {
                        // the old picture stays, where it was, until the new map has cells
                        let old = std::mem::replace(&mut self.panels[k], panel);
                        let p = &mut self.panels[k];
                        (p.texture, p.shown, p.entries) = (old.texture, old.shown, old.entries);
                        k
                    }
                    None => {
                        self.panels.push(panel);
                        self.panels.len() - 1
                    }
                }
            }
        };
        let p = &mut self.panels[k];
        if let Some(job) = &mut p.job {
            let polled = job.poll(&mut p.map);
            p.fresh &= !polled.changed;
            if polled.done {
                p.job = None;
            }
        }
        if !p.fresh && p.map.fraction_done() > 0.0 {
            p.refresh(ctx);
        }
        let shown = p.shown.clone()?;
        let texture = p.texture.as_ref()?;
        let MapKind::Basin { view } = shown.spec.kind else {
            return None;
        };
        let image = PlotImage::new(
            "",
            texture.id(),
            PlotPoint::new(0.5 * (view.x[0] + view.x[1]), 0.5 * (view.y[0] + view.y[1])),
            egui::vec2(view.width() as f32, view.height() as f32),
        );
        Some(Shown { image, map: shown })
    }

    /// Forgets (and cancels) the maps of optimizers not in `shown`.
    pub fn keep_only(&mut self, shown: &[usize]) {
        self.panels.retain(|p| shown.contains(&p.index));
        self.errors.retain(|(i, _)| shown.contains(i));
    }

    /// Forgets every map (the mode is off).
    pub fn clear(&mut self) {
        self.panels.clear();
        self.errors.clear();
        self.last_busy = None;
    }

    /// Whether a map is still refining.
    pub fn is_computing(&self) -> bool {
        self.panels.iter().any(|p| p.job.is_some())
    }

    /// Computes every map to the end, blocking (tests).
    pub fn finish(&mut self, ctx: &egui::Context) {
        for p in &mut self.panels {
            if let Some(job) = p.job.take() {
                job.finish(&mut p.map);
                p.fresh = false;
            }
            if !p.fresh {
                p.refresh(ctx);
            }
        }
    }

    /// The map shown for optimizer `i`, as far as computed.
    pub fn map_of(&self, i: usize) -> Option<&Progressive> {
        self.panels.iter().find(|p| p.index == i).map(|p| &p.map)
    }

    /// Optimizer `i`'s map's state in a few words for its panel: refining and how far, or why
    /// there is none; nothing once complete.
    pub fn note(&self, i: usize) -> Option<String> {
        if let Some((_, e)) = self.errors.iter().find(|(k, _)| *k == i) {
            return Some(format!("no basin map: {e}"));
        }
        let p = self.panels.iter().find(|p| p.index == i)?;
        p.job.as_ref().map(|_| {
            format!(
                "basin map refining: {:.0} % of the starts",
                100.0 * p.map.fraction_done()
            )
        })
    }

    /// Under the plot: what the colours mean (a hue per minimum, diverged, not converged),
    /// with each outcome's share when one map is shown, and `progress` while refining.
    pub fn legend_ui(&mut self, ui: &mut egui::Ui, progress: Option<String>) {
        let one = self.panels.len() == 1;
        let entries = self.panels.first().map(|p| p.entries.clone());
        let r = ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(
                    "Basin maps: each point is coloured by where the run starting there ends \
                     (darker: more steps), not by its loss.",
                )
                .small(),
            );
            for e in entries.iter().flatten() {
                let [r, g, b] = e.color;
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter()
                    .rect_filled(rect, 2.0, egui::Color32::from_rgb(r, g, b));
                let text = if one {
                    format!("{} ({})", e.label, e.status)
                } else {
                    e.label.clone()
                };
                ui.label(RichText::new(text).small());
            }
            if let Some(p) = progress {
                ui.label(RichText::new(p).small().weak());
            }
        });
        self.legend_height = r.response.rect.height();
    }
}

impl Panel {
    /// Paints the map's cells as computed so far into its texture.
    fn refresh(&mut self, ctx: &egui::Context) {
        let cells = self.map.cells();
        let image = map_image(&self.map, &cells);
        // sharp cells: a blend of two basins' hues would read as a third outcome
        match &mut self.texture {
            Some(t) => t.set(image, TextureOptions::NEAREST),
            None => {
                let name = format!("basins-{}", self.index);
                self.texture = Some(ctx.load_texture(name, image, TextureOptions::NEAREST));
            }
        }
        self.entries = legend(&self.map.spec, &self.map.judge().minima, &cells);
        self.shown = Some(Arc::new(self.map.clone()));
        self.fresh = true;
        // the read-out above the plot is drawn before it: one more frame brings it up to date
        ctx.request_repaint();
    }
}

/// The basin map's cell under `p` on `map`, with the start it stands for.
pub fn hovered(map: &Progressive, p: Vec2) -> Option<(Vec2, Cell)> {
    let (i, j) = map.spec.pixel_of(p)?;
    Some((map.spec.start(i, j), map.cell(i, j)))
}

/// A hovered basin cell in words, for the read-out.
pub fn describe(start: Vec2, cell: &Cell) -> String {
    if cell.loss.is_nan() && cell.outcome == crate::engine::map::Outcome::NotConverged {
        return "basin map: not computed here yet".to_string();
    }
    format!(
        "the run from ({}, {}) {}",
        sig(start.x),
        sig(start.y),
        cell.describe()
    )
}
