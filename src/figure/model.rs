//! The figure description: everything a picture of a scene at one step shows — the surface
//! layer (colour map, scale, contour lines), points of interest, every trail with how it ends,
//! the legend entries, title and claim. The window and every export paint from this; only the
//! final painting differs.

use super::arrows::HeadArrows;
use super::colormap;
use super::contour::{ContourLevel, contours};
use super::grid::Grid;
use super::levels::ColorScale;
use super::palette;
use crate::engine::{Replays, Status, Surface, Trajectory, Vec2, ViewBox};
use crate::scene::{Scene, Show};

/// Contour levels in every figure.
pub const CONTOUR_LEVELS: usize = 24;

/// The surface over one view: sampled, coloured, contoured.
#[derive(Clone, Debug)]
pub struct SurfaceLayer<P = [u8; 4]> {
    pub surface: Surface,
    pub view: ViewBox,
    pub scale: ColorScale,
    /// Width and height of `pixels`.
    pub size: [usize; 2],
    /// The colour map, opaque, top row first: unmultiplied RGBA8 unless computed with
    /// another pixel type ([`SurfaceLayer::compute_with`]).
    pub pixels: Vec<P>,
    pub contours: Vec<ContourLevel>,
    /// The held-out examples' loss (a data surface with `test_data`) at every other level of
    /// the same scale, drawn dashed over the others; empty without test data.
    pub test_contours: Vec<ContourLevel>,
}

/// Sample grids kept between recomputations of a layer (a view redrawn while the surface
/// changes), so their memory is allocated and faulted in once.
#[derive(Clone, Debug, Default)]
pub struct LayerScratch {
    raster: Option<Grid>,
    contour: Option<Grid>,
}

impl SurfaceLayer {
    /// The colour map at `size` pixels and contours traced on a grid whose longer side has
    /// `contour_resolution` cells.
    pub fn compute(
        surface: &Surface,
        view: ViewBox,
        size: [usize; 2],
        contour_resolution: usize,
    ) -> Self {
        Self::compute_with(
            surface,
            view,
            size,
            contour_resolution,
            &mut LayerScratch::default(),
            |rgba| rgba,
        )
    }
}

impl<P: Copy + Default + Send + Sync> SurfaceLayer<P> {
    /// As [`SurfaceLayer::compute`], reusing `scratch` and making each pixel of the colour
    /// map with `pixel` from its RGBA (see [`colormap::colorize_as`]). The colour map and the
    /// contours are computed side by side.
    pub fn compute_with(
        surface: &Surface,
        view: ViewBox,
        size: [usize; 2],
        contour_resolution: usize,
        scratch: &mut LayerScratch,
        pixel: impl Fn([u8; 4]) -> P + Send,
    ) -> Self {
        let size = [size[0].max(1), size[1].max(1)];
        let grid = scratch
            .raster
            .get_or_insert_with(|| Grid::evaluate(surface, view, 0, 0));
        grid.reevaluate(surface, view, size[0], size[1]);
        let grid = &*grid;
        let scale = ColorScale::from_grid(grid);
        let long = size[0].max(size[1]);
        let c = [
            (size[0] * contour_resolution / long).max(8),
            (size[1] * contour_resolution / long).max(8),
        ];
        let cgrid = scratch
            .contour
            .get_or_insert_with(|| Grid::evaluate(surface, view, 0, 0));
        let (pixels, (lines, test_lines)) = rayon::join(
            || colormap::colorize_as(grid, &scale, pixel),
            || {
                cgrid.reevaluate(surface, view, c[0], c[1]);
                let levels = scale.levels(CONTOUR_LEVELS);
                // half the levels, so the dashed lines do not crowd the solid ones
                let test = surface.test_surface().map_or_else(Vec::new, |t| {
                    let every_other: Vec<f64> = levels.iter().step_by(2).copied().collect();
                    contours(&Grid::evaluate(&t, view, c[0], c[1]), &every_other)
                });
                (contours(cgrid, &levels), test)
            },
        );
        SurfaceLayer {
            surface: surface.clone(),
            view,
            scale,
            size,
            pixels,
            contours: lines,
            test_contours: test_lines,
        }
    }
}

impl SurfaceLayer {
    /// The colour map as RGBA8 bytes, top row first.
    pub fn rgba(&self) -> &[u8] {
        self.pixels.as_flattened()
    }
}

/// A point worth marking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MarkKind {
    Minimum,
    Saddle,
    Start,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub at: Vec2,
}

/// How a trail's head is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrailEnd {
    /// Still going (or finished normally): a dot.
    Head,
    /// Became non-finite: a cross at the last finite point.
    Diverged,
    /// Could not step: a square.
    Stalled,
}

/// One optimizer's path up to the shown step.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureTrail<'a> {
    /// Index of the optimizer in the scene.
    pub index: usize,
    pub label: &'a str,
    pub color: [u8; 3],
    /// Every finite point up to and including the head (the trajectory's own slice).
    pub points: &'a [Vec2],
    /// Every finite point of the whole run, past the shown step too: what an automatic
    /// legend avoids, so it does not move while the animation plays.
    pub all: &'a [Vec2],
    /// The losses at `all`.
    pub losses: &'a [f64],
    pub end: TrailEnd,
    /// The arrows at the head, when the scene shows any.
    pub arrows: Option<HeadArrows>,
    /// Drawn dashed (see [`palette::dashed`]).
    pub dashed: bool,
}

impl FigureTrail<'_> {
    pub fn head(&self) -> Option<Vec2> {
        self.points.last().copied()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    /// Index of the optimizer in the scene.
    pub index: usize,
    pub label: String,
    pub color: [u8; 3],
    /// "loss 1.2e-3", "diverged at step 12 (lr 0.3 > 2/λmax = 0.2 at the start)", …
    pub status: String,
    /// Diverged or stalled: worth drawing attention to.
    pub alert: bool,
    /// Its swatch is dashed like its trail.
    pub dashed: bool,
}

/// A picture of a scene at one step.
#[derive(Clone, Debug)]
pub struct Figure<'a> {
    pub title: String,
    pub subtitle: String,
    pub view: ViewBox,
    pub step: usize,
    pub last_step: usize,
    pub marks: Vec<Mark>,
    pub trails: Vec<FigureTrail<'a>>,
    pub legend: Vec<LegendEntry>,
    /// The overlays to draw (arrows, gradient field).
    pub show: Show,
    /// The surface, for the gradient field.
    pub surface: &'a Surface,
}

impl<'a> Figure<'a> {
    /// `runs` holds one entry per scene optimizer (`None` for disabled ones). Direction
    /// arrows, if shown, replay each optimizer from the start: a caller drawing frame after
    /// frame keeps [`Replays`] and calls [`Figure::build_with`].
    pub fn build(
        scene: &'a Scene,
        runs: &'a [Option<Trajectory>],
        view: ViewBox,
        step: usize,
    ) -> Figure<'a> {
        Figure::build_with(scene, runs, view, step, &mut Replays::default())
    }

    /// As [`Figure::build`], reading the direction arrows from `replays`, the caller's cache
    /// of the runs' states (it must be of these `runs`: cleared when they change).
    pub fn build_with(
        scene: &'a Scene,
        runs: &'a [Option<Trajectory>],
        view: ViewBox,
        step: usize,
        replays: &mut Replays,
    ) -> Figure<'a> {
        let mut marks: Vec<Mark> = scene
            .surface
            .minima()
            .into_iter()
            .map(|at| Mark {
                kind: MarkKind::Minimum,
                at,
            })
            .collect();
        marks.extend(scene.surface.saddles().into_iter().map(|at| Mark {
            kind: MarkKind::Saddle,
            at,
        }));
        marks.push(Mark {
            kind: MarkKind::Start,
            at: scene.start,
        });
        let mut trails = Vec::new();
        let mut legend = Vec::new();
        let problem = scene.show.arrows().then(|| scene.problem());
        for (i, o) in scene.optimizers.iter().enumerate() {
            let Some(run) = runs.get(i).and_then(Option::as_ref) else {
                continue;
            };
            let color = palette::color(i, o.color);
            let last = run.last_step();
            let shown = step.min(last);
            let finite_upto = (0..=shown)
                .rev()
                .find(|&k| run.points[k].x.is_finite() && run.points[k].y.is_finite());
            let ended = step >= last;
            let end = match run.status {
                Status::Diverged { .. } if ended => TrailEnd::Diverged,
                Status::Stalled { .. } if ended => TrailEnd::Stalled,
                _ => TrailEnd::Head,
            };
            let dashed = palette::dashed(i);
            if let Some(k) = finite_upto {
                // a run ends at its first non-finite point: only the last can be one
                let whole = match run.points.last() {
                    Some(p) if !(p.x.is_finite() && p.y.is_finite()) => run.points.len() - 1,
                    _ => run.points.len(),
                }
                .max(k + 1);
                trails.push(FigureTrail {
                    index: i,
                    label: &o.spec.label,
                    color,
                    points: &run.points[..=k],
                    all: &run.points[..whole],
                    losses: &run.losses[..whole.min(run.losses.len())],
                    end,
                    arrows: problem.as_ref().and_then(|p| {
                        let replay = scene.show.direction.then(|| replays.of(i, p, &o.spec));
                        HeadArrows::at(&scene.surface, run, k, replay)
                    }),
                    dashed,
                });
            }
            legend.push(LegendEntry {
                index: i,
                label: o.spec.label.clone(),
                color,
                status: status_text(scene, i, run, step),
                alert: end != TrailEnd::Head,
                dashed,
            });
        }
        Figure {
            title: scene.title().to_string(),
            subtitle: scene.description.clone(),
            view,
            step,
            last_step: scene.last_step(),
            marks,
            trails,
            legend,
            show: scene.show,
            surface: &scene.surface,
        }
    }
}

/// "loss 1.234e-3" at the shown step (and, once its loss has grown a million-fold, the step it
/// did); once a run has ended badly, "diverged at step k" (with
/// the stable learning rate at the start for GD and momentum) or "stalled at step k".
pub fn status_text(scene: &Scene, index: usize, run: &Trajectory, step: usize) -> String {
    let shown = step.min(run.last_step());
    match run.status {
        Status::Diverged { step: k } if step >= run.last_step() => {
            let bound = scene
                .optimizers
                .get(index)
                .map(|o| stable_bound_hint(scene, &o.spec))
                .unwrap_or_default();
            match left_view(scene, run) {
                Some(j) if j < k as usize => {
                    format!("diverged at step {j} (left the view), overflowed at step {k}{bound}")
                }
                _ => format!("diverged at step {k}{bound}"),
            }
        }
        Status::Stalled { step: k } if step >= run.last_step() => format!("stalled at step {k}"),
        _ => {
            let loss = format!("loss {}", sig(run.losses[shown]));
            let l0 = run.losses.first().copied().unwrap_or(0.0);
            // a run on its way out (not yet overflowed) says since when; looked up only then,
            // so the legend of a long calm run costs nothing per frame
            let since = blown_up(run.losses[shown], l0)
                .then(|| run.losses.iter().position(|&l| blown_up(l, l0)))
                .flatten();
            match since {
                Some(j) => format!("{loss}, diverging: a million-fold its start at step {j}"),
                None => loss,
            }
        }
    }
}

/// How much a run's loss may grow over its start before it counts as diverging.
pub const BLOW_UP: f64 = 1e6;

/// Whether loss `l` has grown a million-fold over `l0` (or is not a number).
pub fn blown_up(l: f64, l0: f64) -> bool {
    l.is_nan() || l.abs() > BLOW_UP * l0.abs().max(1e-12)
}

/// The first step at which a run is out of the scene's view or its loss has grown a
/// million-fold over its start: where a diverging run is seen to go, long before its numbers
/// overflow.
pub fn left_view(scene: &Scene, run: &Trajectory) -> Option<usize> {
    let view = scene.view_box();
    let l0 = *run.losses.first()?;
    let out = |p: &crate::engine::Vec2| {
        !(view.x[0]..=view.x[1]).contains(&p.x) || !(view.y[0]..=view.y[1]).contains(&p.y)
    };
    run.points
        .iter()
        .zip(&run.losses)
        .position(|(p, &l)| out(p) || blown_up(l, l0))
}

/// For kinds with a stability bound (GD, momentum…), the largest stable learning rate given
/// the curvature at the start, in the words of the optimizer's catalog entry.
fn stable_bound_hint(scene: &Scene, spec: &crate::engine::OptimizerSpec) -> String {
    let (Some(stability), Some(bound)) = (
        spec.kind.stability(),
        scene.surface.stable_lr(scene.start, spec.kind, &spec.hyper),
    ) else {
        return String::new();
    };
    let text = stability
        .explain
        .replace("{lr}", &sig(spec.hyper.lr))
        .replace("{bound}", &sig(bound));
    format!(" ({text})")
}

/// Four significant digits, in exponent form where that reads better.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.3e}")
    }
}

/// Round tick values for an axis from `lo` to `hi`, at most about `max` of them.
pub fn axis_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo && max > 0) {
        return Vec::new();
    }
    let raw = (hi - lo) / max as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|k| k as f64 * step)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect()
}

/// Tick labels with as many decimals as the spacing needs and no more ("0.25", "-1", "2.5").
pub fn tick_labels(ticks: &[f64]) -> Vec<String> {
    let step = ticks
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    let decimals = if step.is_finite() && step > 0.0 {
        (0..=12)
            .find(|&d| {
                let scaled = step * 10f64.powi(d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(12) as usize
    } else {
        2
    };
    ticks
        .iter()
        .map(|v| {
            let s = format!("{v:.decimals$}");
            // "-0.00" reads as a bug
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                s.trim_start_matches('-').to_string()
            } else {
                s
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        let t = axis_ticks(-2.0, 3.0, 6);
        assert_eq!(t, vec![-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        let t = axis_ticks(-5.12, 5.12, 8);
        assert!(t.iter().all(|v| (-5.12..=5.12).contains(v)));
        assert!(t.contains(&0.0));
        assert!(axis_ticks(1.0, 1.0, 5).is_empty());
    }

    #[test]
    fn sig_formats() {
        assert_eq!(sig(12.3456), "12.35");
        assert_eq!(sig(0.001234), "0.001234");
        assert_eq!(sig(1.5e-7), "1.500e-7");
        assert_eq!(sig(0.0), "0");
    }

    #[test]
    fn a_diverged_run_is_marked_and_explained() {
        let mut scene = crate::scene::builtin("ravine-zigzag").expect("builtin");
        scene.optimizers[0].spec.hyper.lr = 1.0;
        let runs: Vec<Option<Trajectory>> = crate::engine::run(&scene.problem(), &scene.specs())
            .into_iter()
            .map(Some)
            .collect();
        let fig = Figure::build(&scene, &runs, scene.view_box(), usize::MAX);
        assert_eq!(fig.trails[0].end, TrailEnd::Diverged);
        assert!(fig.legend[0].alert);
        assert!(
            fig.legend[0].status.starts_with("diverged at step"),
            "{}",
            fig.legend[0].status
        );
        assert!(
            fig.legend[0].status.contains("2/λmax"),
            "{}",
            fig.legend[0].status
        );
        assert!(
            fig.trails[0]
                .points
                .iter()
                .all(|p| p.x.is_finite() && p.y.is_finite())
        );
        let early = Figure::build(&scene, &runs, scene.view_box(), 1);
        assert_eq!(
            early.trails[0].end,
            TrailEnd::Head,
            "not marked before it happens"
        );
        assert_eq!(early.trails[0].points.len(), 2);
    }

    #[test]
    fn a_run_flying_off_says_since_when_before_it_overflows() {
        let scene = crate::scene::builtin("learning-rates").expect("builtin");
        let runs = crate::engine::run(&scene.problem(), &scene.specs());
        let last = scene.last_step();
        // lr = 0.25 grows 1.5x a bounce but stays finite for the lesson's 200 steps
        let wild = &runs[2];
        assert!(matches!(wild.status, Status::Ok));
        let j = left_view(&scene, wild).expect("it leaves");
        let text = status_text(&scene, 2, wild, last);
        assert!(text.starts_with("loss "), "{text}");
        assert!(
            text.contains("diverging: a million-fold its start at step"),
            "{text}"
        );
        let k: usize = text
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a step");
        assert!(k >= j && blown_up(wild.losses[k], wild.losses[0]));
        assert!(
            !blown_up(wild.losses[k - 1], wild.losses[0]),
            "the first such step"
        );
        // the calm run just says its loss
        let calm = status_text(&scene, 1, &runs[1], last);
        assert!(
            calm.starts_with("loss ") && !calm.contains("diverging"),
            "{calm}"
        );
    }
}
