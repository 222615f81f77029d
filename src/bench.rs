//! `losscape bench`: each stage of the work timed over repeated runs after a warm-up, printed
//! as one JSON object, to measure losscape against the notebook peer side by side. A
//! benchmark, not a test: it asserts nothing.

use crate::engine;
use crate::figure::contour::contours;
use crate::figure::grid::Grid;
use crate::figure::levels::ColorScale;
use crate::scene::Scene;
use std::time::Instant;

/// Median and minimum of one stage, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Timing {
    fn json(&self) -> serde_json::Value {
        serde_json::json!({ "median": round3(self.median), "min": round3(self.min), "max": round3(self.max) })
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Runs `f` `warmup` times untimed, then `runs` times timed.
pub fn time(warmup: usize, runs: usize, mut f: impl FnMut()) -> Timing {
    for _ in 0..warmup {
        f();
    }
    let mut ms: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    Timing {
        median: ms[ms.len() / 2],
        min: ms[0],
        max: ms[ms.len() - 1],
    }
}

/// Repetitions that keep a stage of about `estimate_ms` within roughly a second.
fn runs_for(estimate_ms: f64) -> usize {
    ((1000.0 / estimate_ms.max(0.01)) as usize).clamp(5, 200)
}

pub struct BenchOptions {
    pub grid: usize,
    pub levels: usize,
}

/// Every stage of `scene`, as a JSON object.
pub fn run(scene: &Scene, opts: &BenchOptions) -> serde_json::Value {
    let view = scene.view_box();
    let n = opts.grid.max(2);
    let probe = time(1, 3, || {
        std::hint::black_box(Grid::evaluate(&scene.surface, view, n, n));
    });
    let grid_ms = time(3, runs_for(probe.median), || {
        std::hint::black_box(Grid::evaluate(&scene.surface, view, n, n));
    });
    let grid = Grid::evaluate(&scene.surface, view, n, n);
    let levels = ColorScale::from_grid(&grid).levels(opts.levels);
    let probe = time(1, 3, || {
        std::hint::black_box(contours(&grid, &levels));
    });
    let contours_ms = time(3, runs_for(probe.median), || {
        std::hint::black_box(contours(&grid, &levels));
    });
    let problem = scene.problem();
    let specs = scene.specs();
    let probe = time(1, 1, || {
        std::hint::black_box(engine::run(&problem, &specs));
    });
    let trajectories_ms = time(1, runs_for(probe.median).min(20), || {
        std::hint::black_box(engine::run(&problem, &specs));
    });
    let mut out = serde_json::json!({
        "scene": scene.title(),
        "grid_ms": grid_ms.json(),
        "contours_ms": contours_ms.json(),
        "trajectories_ms": trajectories_ms.json(),
        "grid": n,
        "levels": opts.levels,
        "optimizers": specs.len(),
        "steps": scene.steps,
        "updates": specs.len() as u64 * scene.steps,
        "threads": rayon::current_num_threads(),
    });
    #[cfg(feature = "gui")]
    {
        let (frame, trails) = frame_cpu(scene);
        out["frame_cpu_ms"] = frame.json();
        out["trail_frame_ms"] = trails.json();
    }
    #[cfg(not(feature = "gui"))]
    {
        out["frame_cpu_ms"] = serde_json::Value::Null;
    }
    out
}

/// One full frame of the real app while a slider moves, headless: the edit re-runs every
/// trajectory and changes the surface (so the colour map and contours are recomputed for the
/// view), then egui lays out and tessellates the whole window at 1600×1000.
/// Also times a frame where only the animation advances (trails and layout, no recompute).
#[cfg(feature = "gui")]
pub fn frame_cpu(scene: &Scene) -> (Timing, Timing) {
    use crate::app::LosscapeApp;
    let ctx = egui::Context::default();
    crate::app::setup_fonts(&ctx);
    let mut app = LosscapeApp::new(scene.clone());
    app.session.clock.playing = false;
    app.session.clock.step = app.session.last_step();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0));
    let mut t = 0.0;
    let mut frame = |app: &mut LosscapeApp| {
        t += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(t),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.show(ui));
        let shapes = std::mem::take(&mut out.shapes);
        std::hint::black_box(ctx.tessellate(shapes, out.pixels_per_point));
        out.textures_delta.clear();
    };
    let lr0 = app
        .session
        .scene
        .optimizers
        .first()
        .map_or(0.0, |o| o.spec.hyper.lr);
    let surface0 = app.session.scene.surface;
    let mut k = 0u32;
    let slider = time(5, 40, || {
        k += 1;
        // what a slider drag does: a new learning rate, a (slightly) new surface, re-run all
        let wiggle = 1.0 + 1e-9 * f64::from(k % 7);
        if let Some(o) = app.session.scene.optimizers.first_mut() {
            o.spec.hyper.lr = lr0 * wiggle;
        }
        let key = surface0.kind().params().first().map(|p| p.key);
        app.session.scene.surface = match key {
            Some(key) => surface0.with_param(key, surface0.param(key).unwrap_or(1.0) * wiggle),
            None => surface0,
        };
        app.session.rerun();
        frame(&mut app);
    });
    let last = app.session.last_step();
    let mut step = 0usize;
    let animate = time(5, 40, || {
        step = (step + last / 40 + 1) % (last + 1);
        app.session.clock.step = step;
        frame(&mut app);
    });
    (slider, animate)
}
