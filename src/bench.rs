//! `losscape bench`: each stage of the work timed over repeated runs after a warm-up, printed
//! as one JSON object, to measure losscape against the notebook peer side by side. A
//! benchmark, not a test: it asserts nothing.
//!
//! Every stage is reported as `{median, min, max}` in milliseconds. Besides the stages the
//! notebook also has (grid, contours, trajectories, a frame, the PNG), a few sub-stages say
//! where the time goes: the grid on one thread (against the machine's limit per point and
//! core), the contours on one thread, and the parts of a frame and of a render.
//!
//! For profiling, `LOSSCAPE_BENCH_ONLY` may name the stages to run (comma-separated: `grid`,
//! `contours`, `trajectories`, `trails`, `frame`, `render`, `noisy`, `map`, `basins`, `data`,
//! `3d`); the rest are left out of the report.
//!
//! `basins` turns on the basin maps of the given scene in the grid layout (1280×720, frames
//! paced at 60 Hz) and times the UI thread's frames while the maps refine in the background,
//! the first frame with maps and the time until every map is complete; then the browser's
//! way, on one thread: the first optimizer's map in slices sized by the app's
//! [`crate::app::map_job::Slicer`], each slice's time.
//!
//! `map` times 256² basin maps of GD and Adam on Rosenbrock (500 steps), whole and their first
//! coarse pass, and runs the numpy peer `benches/peer/map_peer.py` on the same maps.
//!
//! `data` does not use the given scene either: it times the grid of a data surface (logistic
//! regression over the 1,000 examples of `builtin:classes-large`, 512², on all threads and on
//! one), and the same computation in numpy broadcast over the grid (`benches/peer/data_peer.py`,
//! embedded, run with the interpreter `LOSSCAPE_PYTHON` names, default `python3`), so both
//! numbers come from one run; when the peer cannot run, the report says why.
//!
//! `3d` times the 3D view of the given scene: an orbit frame (a new camera over the same
//! landscape and trajectories: projecting, ordering and shading the mesh, lifting the trails,
//! as the draw list every painter reads; with the window, also the app's whole frame while the
//! camera turns), and `losscape render --view 3d` to a 1600×1200 PNG as a whole process next
//! to the notebook's `plot_surface` of the same mesh with the same trails
//! (`benches/peer/mpl3d_peer.py`, run with `LOSSCAPE_PYTHON`, default `python3`; the report
//! says why when it could not run).
//!
//! `noisy` does not use the given scene: it renders the built-in `sgd-decay` (two SGD trails
//! wandering in a small cloud, where drawing used to take time quadratic in the steps) at
//! 10⁴, 10⁵ and 10⁶ steps to a 1600×1200 PNG, to show that rendering stays linear.

use crate::engine;
use crate::figure::contour::contours;
use crate::figure::grid::Grid;
use crate::figure::levels::ColorScale;
use crate::figure::projection::Projection;
use crate::figure::trail::Trail;
use crate::scene::Scene;
use std::time::Instant;

/// Median, minimum and maximum of one stage, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timing {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Timing {
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({ "median": round3(self.median), "min": round3(self.min), "max": round3(self.max) })
    }

    fn from_samples(mut ms: Vec<f64>) -> Timing {
        if ms.is_empty() {
            ms.push(f64::NAN);
        }
        ms.sort_by(f64::total_cmp);
        Timing {
            median: ms[ms.len() / 2],
            min: ms[0],
            max: ms[ms.len() - 1],
        }
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
    let ms: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    Timing::from_samples(ms)
}

/// Repetitions that keep a stage of about `estimate_ms` within roughly a second.
fn runs_for(estimate_ms: f64) -> usize {
    ((1000.0 / estimate_ms.max(0.01)) as usize).clamp(5, 200)
}

/// Times `f` with a repetition count sized from a first probe.
fn time_auto(mut f: impl FnMut()) -> Timing {
    let probe = time(1, 3, &mut f);
    time(3, runs_for(probe.median), f)
}

/// As [`time_auto`], on a one-thread rayon pool.
fn time_one_thread(f: impl FnMut() + Send) -> Option<Timing> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .ok()?;
    Some(pool.install(|| time_auto(f)))
}

/// CPU time used so far by the whole process (all threads), in milliseconds, from
/// `/proc/self/stat` (so at the kernel's tick resolution, 10 ms: only meaningful over many
/// repetitions). `None` where there is no such file.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |k: usize| fields.get(k)?.parse::<f64>().ok();
    // utime and stime, fields 14 and 15 of proc(5); USER_HZ is 100 on Linux
    Some((ticks(11)? + ticks(12)?) * 10.0)
}

pub struct BenchOptions {
    pub grid: usize,
    pub levels: usize,
    /// Where the scene came from (a file path or `builtin:NAME`): the 3D stage hands it to
    /// `losscape render` and to the notebook peer.
    pub source: String,
}

fn wanted(stage: &str) -> bool {
    match std::env::var("LOSSCAPE_BENCH_ONLY") {
        Ok(list) => list.split(',').any(|s| s.trim() == stage),
        Err(_) => true,
    }
}

/// Every stage of `scene`, as a JSON object.
pub fn run(scene: &Scene, opts: &BenchOptions) -> serde_json::Value {
    let view = scene.view_box();
    let n = opts.grid.max(2);
    let problem = scene.problem();
    let specs = scene.specs();
    let mut out = serde_json::json!({
        "scene": scene.title(),
        "grid": n,
        "levels": opts.levels,
        "optimizers": specs.len(),
        "steps": scene.steps,
        "updates": specs.len() as u64 * scene.steps,
        "threads": rayon::current_num_threads(),
    });
    if wanted("grid") {
        // as a view redrawn while the surface changes does it: into the same memory
        let mut grid = Grid::evaluate(&scene.surface, view, n, n);
        let mut reevaluate = || {
            grid.reevaluate(&scene.surface, view, n, n);
            std::hint::black_box(&grid);
        };
        out["grid_ms"] = time_auto(&mut reevaluate).json();
        if let Some(one) = time_one_thread(reevaluate) {
            out["grid_1thread_ms"] = one.json();
            out["grid_ns_per_point_core"] = round3(one.median * 1e6 / (n * n) as f64).into();
        }
        // a new grid each time: allocation and first touch of its pages included
        out["grid_fresh_ms"] = time_auto(|| {
            std::hint::black_box(Grid::evaluate(&scene.surface, view, n, n));
        })
        .json();
    }
    if wanted("contours") {
        let grid = Grid::evaluate(&scene.surface, view, n, n);
        let levels = ColorScale::from_grid(&grid).levels(opts.levels);
        out["contours_ms"] = time_auto(|| {
            std::hint::black_box(contours(&grid, &levels));
        })
        .json();
        if let Some(one) = time_one_thread(|| {
            std::hint::black_box(contours(&grid, &levels));
        }) {
            out["contours_1thread_ms"] = one.json();
        }
    }
    if wanted("trajectories") {
        let probe = time(1, 1, || {
            std::hint::black_box(engine::run(&problem, &specs));
        });
        out["trajectories_ms"] = time(1, runs_for(probe.median).min(20), || {
            std::hint::black_box(engine::run(&problem, &specs));
        })
        .json();
    }
    if wanted("trails") {
        // what a zoom costs the trails: every trajectory decimated again for a new scale
        // (a pan keeps the scale and reuses them), on a 1000-pixel view
        let runs = engine::run(&problem, &specs);
        let points: Vec<Option<&[engine::Vec2]>> =
            runs.iter().map(|t| Some(t.points.as_slice())).collect();
        let projection = Projection::new(view, [0.0, 0.0, 1000.0, 1000.0]);
        out["trails_rebuild_ms"] = time_auto(|| {
            std::hint::black_box(Trail::build_all(points.clone(), &projection, 0.4));
        })
        .json();
    }
    #[cfg(feature = "gui")]
    if wanted("frame") {
        let frames = frame_cpu(scene);
        out["frame_cpu_ms"] = frames.slider.json();
        out["frame_cpu_time_ms"] = frames.slider_cpu.map(round3).into();
        out["frame_cpu_parts_ms"] = serde_json::json!({
            "rerun_and_ui": frames.slider_ui.json(),
            "tessellate": frames.slider_tessellate.json(),
        });
        out["trail_frame_ms"] = frames.animate.json();
        out["trail_frame_cpu_time_ms"] = frames.animate_cpu.map(round3).into();
        out["idle_frame_ms"] = frames.idle.json();
        out["trail_frame_parts_ms"] = serde_json::json!({
            "ui": frames.animate_ui.json(),
            "tessellate": frames.animate_tessellate.json(),
        });
        out["pan_frame_ms"] = frames.pan.json();
        out["pan_frame_cpu_time_ms"] = frames.pan_cpu.map(round3).into();
        out["zoom_frame_ms"] = frames.zoom.json();
        out["zoom_frame_cpu_time_ms"] = frames.zoom_cpu.map(round3).into();
        out["trail_points"] = frames.trail_points.into();
        out["data_drag_frame_ms"] = frames.data_drag.map(|t| t.json()).into();
        out["frame_vertices"] = serde_json::json!({
            "slider": frames.vertices[0],
            "animation": frames.vertices[1],
            "pan": frames.vertices[2],
        });
    }
    #[cfg(not(feature = "gui"))]
    {
        out["frame_cpu_ms"] = serde_json::Value::Null;
    }
    if wanted("render") {
        let runs = crate::scene::Runs::compute(scene);
        let req = crate::export::FigureRequest::whole(scene, &runs, 1600, 1200);
        out["render_png_ms"] = time(1, 9, || {
            std::hint::black_box(crate::export::render_png(&req).ok());
        })
        .json();
        let mut pixmap = None;
        out["render_rgba_ms"] = time(1, 5, || {
            pixmap = crate::export::render_rgba(&req).ok();
        })
        .json();
        if let Some(p) = pixmap {
            out["png_encode_ms"] = time(1, 5, || {
                std::hint::black_box(crate::export::encode_png(&p).ok());
            })
            .json();
        }
    }
    if wanted("noisy") {
        out["noisy_render_png_ms"] = noisy_renders();
    }
    if wanted("map") {
        out["map"] = map_stage();
    }
    #[cfg(feature = "gui")]
    if wanted("basins") {
        out["basins"] = basin_frames(scene);
    }
    if wanted("data") {
        out["data_grid"] = data_grid();
    }
    if wanted("3d") {
        out["3d"] = three_d(scene, &opts.source);
    }
    out
}

/// Side of the bench's basin maps, steps per run.
const MAP_SIZE: usize = 256;
const MAP_STEPS: u64 = 500;

/// The bench's basin map of `kind` at learning rate `lr`: Rosenbrock's view at
/// [`MAP_SIZE`]², [`MAP_STEPS`] steps, at full resolution in one go.
fn bench_map(kind: engine::OptimizerKind, lr: f64) -> engine::map::MapSpec {
    let surface = engine::Surface::new(engine::SurfaceKind::Rosenbrock);
    let mut optimizer = engine::OptimizerSpec::new(kind);
    optimizer.hyper.lr = lr;
    engine::map::MapSpec {
        kind: engine::map::MapKind::Basin {
            view: surface.view_box(),
        },
        problem: engine::Problem {
            start: surface.default_start(),
            surface,
            steps: MAP_STEPS,
            seed: 0,
        },
        optimizer,
        size: [MAP_SIZE, MAP_SIZE],
        tolerance: engine::map::DEFAULT_TOLERANCE,
    }
}

/// The map stage: 256² basin maps of GD and Adam on Rosenbrock, 500 steps, with the updates
/// per second, how the runs ended, and the numpy peer (`benches/peer/map_peer.py`, vectorized
/// over all starts) run on the same maps in the same bench run. The peer's interpreter is
/// `LOSSCAPE_PYTHON` (default `python3`); when it cannot run, the report says why.
fn map_stage() -> serde_json::Value {
    use engine::map::{self, Outcome};
    let mut report = serde_json::Map::new();
    for (name, kind, lr) in [
        ("gd", engine::OptimizerKind::Gd, 1e-3),
        ("adam", engine::OptimizerKind::Adam, 1e-2),
    ] {
        let spec = bench_map(kind, lr);
        let control = engine::Control::default();
        let mut cells = Vec::new();
        let runs = 5;
        let timing = time(1, runs, || {
            cells = map::compute(&spec, &control).unwrap_or_default();
        });
        let updates =
            control.updates.load(std::sync::atomic::Ordering::Relaxed) / (runs as u64 + 1);
        // what a window shows first: the pass over every 8th cell
        let coarse = time(1, runs, || {
            let mut p = map::Progressive::new(spec.clone());
            std::hint::black_box(p.refine(&engine::Control::default()).ok());
        });
        let (mut converged, mut diverged) = (0, 0);
        for c in &cells {
            match c.outcome {
                Outcome::Converged { .. } => converged += 1,
                Outcome::Diverged { .. } => diverged += 1,
                Outcome::NotConverged => {}
            }
        }
        report.insert(
            name.to_string(),
            serde_json::json!({
                "lr": lr,
                "ms": timing.json(),
                "coarse_ms": coarse.json(),
                "updates": updates,
                "updates_per_second": (updates as f64 / (timing.median / 1e3)).round(),
                "converged": converged,
                "diverged": diverged,
                "not_converged": cells.len() - converged - diverged,
            }),
        );
    }
    report.insert("size".into(), MAP_SIZE.into());
    report.insert("steps".into(), MAP_STEPS.into());
    report.insert("peer".into(), map_peer());
    for name in ["gd", "adam"] {
        let ours = report.get(name).and_then(|g| g["ms"]["median"].as_f64());
        let peer = report
            .get("peer")
            .and_then(|p| p.get(name))
            .and_then(|g| g["ms"].as_f64());
        if let (Some(ours), Some(peer)) = (ours, peer) {
            report.insert(format!("{name}_speedup"), round3(peer / ours).into());
        }
    }
    report.into()
}

/// The numpy peer's report on the bench's maps, or `{"error": why}`.
fn map_peer() -> serde_json::Value {
    let python = std::env::var("LOSSCAPE_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peer/map_peer.py");
    let output = std::process::Command::new(&python)
        .arg(script)
        .args([
            "--size",
            &MAP_SIZE.to_string(),
            "--steps",
            &MAP_STEPS.to_string(),
        ])
        .output();
    let why = match output {
        Ok(o) if o.status.success() => {
            match serde_json::from_slice::<serde_json::Value>(&o.stdout) {
                Ok(v) => return v,
                Err(e) => format!("the peer printed no JSON: {e}"),
            }
        }
        Ok(o) => format!(
            "the peer failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(e) => format!("cannot run {python} (set LOSSCAPE_PYTHON): {e}"),
    };
    serde_json::json!({ "error": why })
}

/// The data stage: a 512² grid of logistic regression on 1,000 examples, here and in numpy.
fn data_grid() -> serde_json::Value {
    use crate::engine::Surface;
    use crate::engine::data::{DataSet, DataSurface, ModelKind};
    const N: usize = 512;
    let Some(set) = crate::scene::data::dataset("classes-large") else {
        return serde_json::Value::Null;
    };
    let examples = match crate::scene::data::parse_csv(set.csv) {
        Ok(e) => e,
        Err(e) => return format!("classes-large: {}", e.message).into(),
    };
    let surface = match DataSurface::new(
        ModelKind::LogisticRegression,
        DataSet::inline(examples.clone()),
        false,
        None,
    ) {
        Ok(d) => Surface::data(d, 0.0),
        Err(e) => return e.into(),
    };
    let view = engine::ViewBox::square(4.0);
    let mut grid = Grid::evaluate(&surface, view, N, N);
    let mut reevaluate = || {
        grid.reevaluate(&surface, view, N, N);
        std::hint::black_box(&grid);
    };
    let mut report = serde_json::json!({
        "surface": "logistic_regression",
        "n": examples.len(),
        "grid": N,
        "threads": rayon::current_num_threads(),
        "losscape_ms": time(1, 5, &mut reevaluate).json(),
    });
    if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() {
        report["losscape_1thread_ms"] = pool.install(|| time(1, 3, &mut reevaluate)).json();
    }
    report["numpy_peer"] = match numpy_peer(&examples, N) {
        Ok(v) => v,
        Err(why) => format!("the numpy peer could not run: {why}").into(),
    };
    report
}

/// Runs the embedded numpy peer on `examples` and returns its JSON report.
fn numpy_peer(examples: &[[f64; 2]], n: usize) -> Result<serde_json::Value, String> {
    const SCRIPT: &str = include_str!("../benches/peer/data_peer.py");
    let python = std::env::var("LOSSCAPE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let dir = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let script = dir.path().join("data_peer.py");
    let data = dir.path().join("data.csv");
    std::fs::write(&script, SCRIPT).map_err(|e| e.to_string())?;
    std::fs::write(&data, crate::scene::data::to_csv(examples)).map_err(|e| e.to_string())?;
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(&data)
        .args(["--grid", &n.to_string(), "--view", "-4", "4", "-4", "4"])
        .output()
        .map_err(|e| format!("{python}: {e} (set LOSSCAPE_PYTHON to an interpreter with numpy)"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no message");
        return Err(format!("{python} failed: {last}"));
    }
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("{python} printed no JSON: {e}"))?;
    v["python"] = python.into();
    Ok(v)
}

/// The 3D stage (see the module's notes).
fn three_d(scene: &Scene, source: &str) -> serde_json::Value {
    use crate::figure::draw::Ems;
    use crate::figure::landscape::{Heights, Landscape, Lifted, MESH_QUADS, Relief};
    use crate::figure::model::Figure;
    use crate::figure::orbit::Orbit;
    let runs = crate::scene::Runs::compute(scene);
    let view = scene.view_box();
    let mut report = serde_json::Map::new();
    let land_ms = time_auto(|| {
        std::hint::black_box(Landscape::compute(
            &scene.surface,
            view,
            MESH_QUADS,
            Heights::default(),
        ));
    });
    report.insert("landscape_ms".into(), land_ms.json());
    let land = Landscape::compute(&scene.surface, view, MESH_QUADS, Heights::default());
    let lifted = Lifted::new(&land, &runs);
    let figure = Figure::build(scene, &runs, view, scene.last_step());
    let mut camera = scene.camera.unwrap_or_default();
    let mut frame = || {
        camera = camera.orbited(3.0, 0.0);
        let relief = Relief {
            land: &land,
            lifted: &lifted,
            orbit: Orbit::new(camera, 1.0, [0.0, 0.0, 1000.0, 800.0]),
            u: 1.0,
            ems: Ems::at(1.0),
            theme: crate::figure::draw::Theme::default(),
            selected: None,
            only: None,
        };
        std::hint::black_box(relief.items(&figure));
    };
    let frames = 200;
    for _ in 0..10 {
        frame();
    }
    let cpu0 = process_cpu_ms();
    let timing = time(0, frames, &mut frame);
    let cpu = cpu0
        .zip(process_cpu_ms())
        .map(|(a, b)| round3((b - a) / frames as f64));
    report.insert(
        "mesh_quads".into(),
        serde_json::json!([MESH_QUADS, MESH_QUADS]),
    );
    report.insert("orbit_frame_ms".into(), timing.json());
    report.insert("orbit_frame_cpu_time_ms".into(), cpu.into());
    #[cfg(feature = "gui")]
    {
        let (wall, cpu) = app_orbit_frames(scene);
        report.insert("app_orbit_frame_ms".into(), wall.json());
        report.insert("app_orbit_frame_cpu_time_ms".into(), cpu.map(round3).into());
    }
    let req = crate::export::FigureRequest::whole(scene, &runs, 1600, 1200)
        .in_mode(crate::figure::landscape::ViewMode::ThreeD);
    report.insert(
        "render_png_ms".into(),
        time(1, 9, || {
            std::hint::black_box(crate::export::render_png(&req).ok());
        })
        .json(),
    );
    report.insert(
        "render_3d_png_process".into(),
        render_3d_processes(scene, source),
    );
    report.into()
}

/// The whole app's frame in the 3D view at 1600×1000 while the camera turns (laid out and
/// tessellated, as [`frame_cpu`] times the 2D frames): wall time and process CPU time.
#[cfg(feature = "gui")]
fn app_orbit_frames(scene: &Scene) -> (Timing, Option<f64>) {
    use crate::app::LosscapeApp;
    let ctx = egui::Context::default();
    crate::app::setup_fonts(&ctx);
    let mut app = LosscapeApp::new(scene.clone());
    app.session.clock.playing = false;
    app.session.clock.step = app.session.last_step();
    app.plot.view3d.mode = crate::figure::landscape::ViewMode::ThreeD;
    let started = Instant::now();
    while app.session.progress().is_some() && started.elapsed().as_secs() < 600 {
        std::thread::sleep(std::time::Duration::from_millis(2));
        app.session.poll();
    }
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0));
    let mut t = 0.0;
    let mut samples = Vec::new();
    let mut cpu0 = None;
    let frames = 100;
    for k in 0..frames + 5 {
        if k == 5 {
            cpu0 = process_cpu_ms();
        }
        let t0 = Instant::now();
        app.plot.view3d.camera = app.plot.view3d.camera.orbited(3.0, 0.0);
        t += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(t),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.show(ui));
        let shapes = std::mem::take(&mut out.shapes);
        std::hint::black_box(ctx.tessellate(shapes, out.pixels_per_point));
        if k >= 5 {
            samples.push(t0.elapsed().as_secs_f64() * 1e3);
        }
    }
    let cpu = cpu0
        .zip(process_cpu_ms())
        .map(|(a, b)| (b - a) / f64::from(frames));
    (Timing::from_samples(samples), cpu)
}

/// The `basins` stage (see the module's doc).
#[cfg(feature = "gui")]
fn basin_frames(scene: &Scene) -> serde_json::Value {
    use crate::app::LosscapeApp;
    use crate::app::map_job::Slicer;
    use crate::app::state::Layout;
    use crate::engine::map::Progressive;
    let ctx = egui::Context::default();
    crate::app::setup_fonts(&ctx);
    let mut app = LosscapeApp::new(scene.clone());
    app.session.clock.playing = false;
    app.session.layout = Layout::Grid;
    let started = Instant::now();
    while app.session.progress().is_some() && started.elapsed().as_secs() < 600 {
        std::thread::sleep(std::time::Duration::from_millis(2));
        app.session.poll();
    }
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 720.0));
    let began = Instant::now();
    let frame = |app: &mut LosscapeApp| {
        let t0 = Instant::now();
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(began.elapsed().as_secs_f64()),
            ..Default::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.show(ui));
        let shapes = std::mem::take(&mut out.shapes);
        std::hint::black_box(ctx.tessellate(shapes, out.pixels_per_point));
        t0.elapsed().as_secs_f64() * 1e3
    };
    // the grid without maps, as on screen before the key is pressed
    let without: Vec<f64> = (0..20).map(|_| frame(&mut app)).skip(3).collect();
    app.plot.basins.on = true;
    let on = Instant::now();
    let mut samples = Vec::new();
    let mut first_map_ms = None;
    let mut complete_ms = None;
    while on.elapsed().as_secs() < 120 {
        let ms = frame(&mut app);
        samples.push(ms);
        let enabled: Vec<usize> = (0..scene.optimizers.len())
            .filter(|&i| scene.optimizers[i].enabled)
            .collect();
        let maps: Vec<Option<&Progressive>> =
            enabled.iter().map(|&i| app.plot.basins.map_of(i)).collect();
        if first_map_ms.is_none() && maps.iter().all(|m| m.is_some_and(|m| m.stride().is_some())) {
            first_map_ms = Some(on.elapsed().as_secs_f64() * 1e3);
        }
        if !app.plot.basins.is_computing()
            && maps.iter().all(|m| m.is_some_and(|m| m.is_complete()))
        {
            complete_ms = Some(on.elapsed().as_secs_f64() * 1e3);
            break;
        }
        // paced as a display would: the rest of a 60 Hz frame idle
        let rest = 1000.0 / 60.0 - ms;
        if rest > 0.0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(rest / 1e3));
        }
    }
    let cells: Vec<[usize; 2]> = (0..scene.optimizers.len())
        .filter_map(|i| app.plot.basins.map_of(i).map(|m| m.spec.size))
        .collect();
    let frames = samples.len();
    let mut out = serde_json::json!({
        "maps": cells,
        "steps": scene.steps,
        "frames_while_refining": frames,
        "frame_ms": Timing::from_samples(samples).json(),
        "frame_ms_without_maps": Timing::from_samples(without).json(),
        "first_maps_ms": first_map_ms.map(round3),
        "complete_ms": complete_ms.map(round3),
    });
    // the browser's way: one thread, a slice a frame
    let spec = app
        .plot
        .basins
        .map_of(scene.optimizers.iter().position(|o| o.enabled).unwrap_or(0))
        .map(|m| m.spec.clone());
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build();
    if let (Some(spec), Ok(pool)) = (spec, one) {
        let steps = spec.problem.steps.max(1);
        let label = spec.optimizer.label.clone();
        let (slices, total) = pool.install(|| {
            let mut map = Progressive::new(spec);
            let mut slicer = Slicer::default();
            let control = engine::Control::default();
            let mut slices = Vec::new();
            let all = Instant::now();
            loop {
                let t0 = Instant::now();
                let Ok(p) = map.refine_within(&control, slicer.budget(steps)) else {
                    break;
                };
                let ms = t0.elapsed().as_secs_f64() * 1e3;
                slicer.record(p.updates, ms);
                slices.push(ms);
                if !p.more {
                    break;
                }
            }
            (slices, all.elapsed().as_secs_f64() * 1e3)
        });
        out["sliced_one_thread"] = serde_json::json!({
            "optimizer": label,
            "slices": slices.len(),
            "slice_ms": Timing::from_samples(slices).json(),
            "total_ms": round3(total),
        });
    }
    out
}

/// Wall time of one process, in milliseconds, or why it failed.
fn run_process(cmd: &mut std::process::Command) -> Result<f64, String> {
    let t = Instant::now();
    let out = cmd
        .stdout(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("could not start: {e}"))?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    if out.status.success() {
        Ok(ms)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "exited with {}: {}",
            out.status,
            err.lines().last().unwrap_or("")
        ))
    }
}

/// `losscape render --view 3d` of `source` to a 1600×1200 PNG as a whole process (five runs
/// after a warm-up) and the notebook peer's `plot_surface` of the same mesh (two after one),
/// in one run, with their ratio.
fn render_3d_processes(scene: &Scene, source: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("losscape-bench-3d-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return serde_json::json!({ "error": format!("no temporary folder: {e}") });
    }
    let (w, h) = (1600, 1200);
    let (_, rect) = crate::export::layout::Layout::for_mode(
        scene,
        w,
        h,
        crate::figure::draw::LegendPlacement::default(),
        crate::figure::landscape::ViewMode::ThreeD,
    );
    let quads = crate::export::layout::export_mesh_quads(rect);
    let mut report = serde_json::json!({ "size": [w, h], "mesh_quads": [quads, quads] });
    let exe = std::env::current_exe();
    let ours = exe.map_err(|e| e.to_string()).and_then(|exe| {
        let mut samples = Vec::new();
        for k in 0..6 {
            let ms = run_process(
                std::process::Command::new(&exe)
                    .args(["render", "--scene", source, "--view", "3d", "--out"])
                    .arg(dir.join("losscape-3d.png"))
                    .args(["--width", &w.to_string(), "--height", &h.to_string()]),
            )?;
            if k > 0 {
                samples.push(ms);
            }
        }
        Ok(Timing::from_samples(samples))
    });
    match &ours {
        Ok(t) => report["losscape_ms"] = t.json(),
        Err(e) => report["losscape_ms"] = format!("not run: {e}").into(),
    }
    let python = std::env::var("LOSSCAPE_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let peer = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peer/mpl3d_peer.py");
    let theirs = if source.starts_with("builtin:") {
        Err("the peer reads scene files: pass --scene benches/scenes/race.toml".to_string())
    } else {
        let mut samples = Vec::new();
        let mut failure = None;
        for k in 0..3 {
            match run_process(
                std::process::Command::new(&python)
                    .arg(&peer)
                    .arg(source)
                    .arg("--out")
                    .arg(dir.join("peer-3d.png"))
                    .args(["--quads", &quads.to_string()])
                    .args(["--width", &w.to_string(), "--height", &h.to_string()]),
            ) {
                Ok(ms) if k > 0 => samples.push(ms),
                Ok(_) => {}
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        match failure {
            Some(e) => Err(format!("{python} {}: {e}", peer.display())),
            None => Ok(Timing::from_samples(samples)),
        }
    };
    match &theirs {
        Ok(t) => report["peer_ms"] = t.json(),
        Err(e) => report["peer_ms"] = format!("not run: {e}").into(),
    }
    if let (Ok(a), Ok(b)) = (&ours, &theirs) {
        report["speedup"] = round3(b.median / a.median).into();
    }
    let _ = std::fs::remove_dir_all(&dir);
    report
}

/// The built-in noisy scene rendered to a 1600×1200 PNG at 10⁴, 10⁵ and 10⁶ steps, keyed
/// by the steps; the trajectories are computed before timing.
fn noisy_renders() -> serde_json::Value {
    let mut report = serde_json::Map::new();
    let Ok(base) = crate::scene::builtin("sgd-decay") else {
        return serde_json::Value::Null;
    };
    for (steps, runs) in [(10_000u64, 5), (100_000, 3), (1_000_000, 1)] {
        let mut scene = base.clone();
        scene.steps = steps;
        let trajectories = crate::scene::Runs::compute(&scene);
        let req = crate::export::FigureRequest::whole(&scene, &trajectories, 1600, 1200);
        let timing = time(usize::from(steps < 1_000_000), runs, || {
            std::hint::black_box(crate::export::render_png(&req).ok());
        });
        report.insert(steps.to_string(), timing.json());
    }
    report.into()
}

/// The frame timings of [`frame_cpu`].
#[cfg(feature = "gui")]
pub struct Frames {
    /// A slider frame: re-run, layout and tessellation.
    pub slider: Timing,
    /// CPU time of the whole process (all threads) per slider frame, on average.
    pub slider_cpu: Option<f64>,
    /// CPU time of the whole process per animation frame, on average.
    pub animate_cpu: Option<f64>,
    /// A frame where nothing changed.
    pub idle: Timing,
    pub slider_ui: Timing,
    pub slider_tessellate: Timing,
    /// An animation frame: only the step moves.
    pub animate: Timing,
    pub animate_ui: Timing,
    pub animate_tessellate: Timing,
    /// A frame of a pan with the pointer: the view moves, so the colour map and the contours
    /// are recomputed (the trails are reused, shifted).
    pub pan: Timing,
    /// CPU time of the whole process per pan frame, on average.
    pub pan_cpu: Option<f64>,
    /// A frame of a zoom about the pointer (4 % per frame): the colour map and contours are
    /// recomputed, the trails stretched, and decimated again every few frames.
    pub zoom: Timing,
    pub zoom_cpu: Option<f64>,
    /// On a data scene, a frame of a dragged data point: a new data surface from the moved
    /// example, every trajectory re-run, the colour map and contours recomputed.
    pub data_drag: Option<Timing>,
    /// Trajectory points over all optimizers.
    pub trail_points: usize,
    /// Vertices tessellated in the last slider, animation and pan frames.
    pub vertices: [usize; 3],
}

/// One full frame of the real app while a slider moves, headless: the edit re-runs every
/// trajectory and changes the surface (so the colour map and contours are recomputed for the
/// view), then egui lays out and tessellates the whole window at 1600×1000.
/// Also times a frame where only the animation advances (trails and layout, no recompute),
/// once the trajectories are in (large scenes compute in the background).
#[cfg(feature = "gui")]
pub fn frame_cpu(scene: &Scene) -> Frames {
    const SLIDER_FRAMES: u32 = 100;
    const ANIMATION_FRAMES: u32 = 100;
    const PAN_FRAMES: u32 = 100;
    use crate::app::LosscapeApp;
    let ctx = egui::Context::default();
    crate::app::setup_fonts(&ctx);
    let mut app = LosscapeApp::new(scene.clone());
    app.session.clock.playing = false;
    app.session.clock.step = app.session.last_step();
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1600.0, 1000.0));
    let mut t = 0.0;
    // (ui ms, tessellate ms, vertices) of one frame
    let mut frame = |app: &mut LosscapeApp, events: Vec<egui::Event>| -> (f64, f64, usize) {
        t += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(t),
            events,
            ..Default::default()
        };
        let t0 = Instant::now();
        let mut out = ctx.run_ui(input, |ui| app.show(ui));
        let t1 = Instant::now();
        let shapes = std::mem::take(&mut out.shapes);
        let primitives = ctx.tessellate(shapes, out.pixels_per_point);
        let t2 = Instant::now();
        let vertices = primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
        drop(primitives);
        out.textures_delta.clear();
        (
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            vertices,
        )
    };
    let wait_for_runs = |app: &mut LosscapeApp| {
        let started = Instant::now();
        while app.session.progress().is_some() && started.elapsed().as_secs() < 600 {
            std::thread::sleep(std::time::Duration::from_millis(2));
            app.session.poll();
        }
    };
    wait_for_runs(&mut app);
    let lr0 = app
        .session
        .scene
        .optimizers
        .first()
        .map_or(0.0, |o| o.spec.hyper.lr);
    let surface0 = app.session.scene.surface.clone();
    let key = surface0.kind().params().first().map(|p| p.key);
    let (mut total, mut ui, mut tess) = (Vec::new(), Vec::new(), Vec::new());
    let (mut slider_vertices, mut animate_vertices) = (0, 0);
    let mut cpu_start = None;
    for k in 0..SLIDER_FRAMES + 5 {
        if k == 5 {
            cpu_start = process_cpu_ms();
        }
        let t0 = Instant::now();
        // what a slider drag does: a new learning rate, a (slightly) new surface, re-run all
        let wiggle = 1.0 + 1e-9 * f64::from(k % 7 + 1);
        if let Some(o) = app.session.scene.optimizers.first_mut() {
            o.spec.hyper.lr = lr0 * wiggle;
        }
        app.session.scene.surface = match key {
            Some(key) => surface0.with_param(key, surface0.param(key).unwrap_or(1.0) * wiggle),
            None => surface0.clone(),
        };
        let t1 = Instant::now();
        app.session.rerun();
        let rerun = t1.elapsed().as_secs_f64() * 1e3;
        let (u, ts, v) = frame(&mut app, Vec::new());
        slider_vertices = v;
        if k >= 5 {
            total.push(t0.elapsed().as_secs_f64() * 1e3);
            ui.push(rerun + u);
            tess.push(ts);
        }
    }
    let slider_cpu = cpu_start
        .zip(process_cpu_ms())
        .map(|(a, b)| (b - a) / f64::from(SLIDER_FRAMES));
    // a data point dragged: the last example moves a little every frame
    let data_drag = crate::app::data_panel::examples(&surface0).map(|examples| {
        let mut examples = examples.to_vec();
        let mut drag = Vec::new();
        for k in 0..SLIDER_FRAMES + 5 {
            let t0 = Instant::now();
            // the feature moves (a target may have to stay 0 or 1)
            if let Some(e) = examples.last_mut() {
                e[0] += if k % 2 == 0 { 0.01 } else { -0.005 };
            }
            crate::app::data_panel::set_examples(&mut app.session, examples.clone());
            frame(&mut app, Vec::new());
            if k >= 5 {
                drag.push(t0.elapsed().as_secs_f64() * 1e3);
            }
        }
        Timing::from_samples(drag)
    });
    // the scene as loaded, its trajectories in
    app.session.scene.surface = surface0;
    if let Some(o) = app.session.scene.optimizers.first_mut() {
        o.spec.hyper.lr = lr0;
    }
    app.session.rerun();
    wait_for_runs(&mut app);
    let last = app.session.last_step();
    let trail_points = app
        .session
        .runs
        .iter()
        .flatten()
        .map(|r| r.points.len())
        .sum();
    let (mut a_total, mut a_ui, mut a_tess) = (Vec::new(), Vec::new(), Vec::new());
    let mut step = 0usize;
    let mut cpu_start = None;
    for k in 0..ANIMATION_FRAMES + 5 {
        if k == 5 {
            cpu_start = process_cpu_ms();
        }
        let t0 = Instant::now();
        step = (step + last / 97 + 1) % (last + 1);
        app.session.clock.step = step;
        let (u, ts, v) = frame(&mut app, Vec::new());
        animate_vertices = v;
        if k >= 5 {
            a_total.push(t0.elapsed().as_secs_f64() * 1e3);
            a_ui.push(u);
            a_tess.push(ts);
        }
    }
    let animate_cpu = cpu_start
        .zip(process_cpu_ms())
        .map(|(a, b)| (b - a) / f64::from(ANIMATION_FRAMES));
    // a frame where nothing changes: what the trails' share of an animation frame is
    // measured against
    let mut idle = Vec::new();
    for k in 0..25 {
        let t0 = Instant::now();
        frame(&mut app, Vec::new());
        if k >= 5 {
            idle.push(t0.elapsed().as_secs_f64() * 1e3);
        }
    }
    // a pan: the left button held on the plot (away from the start marker) and moved a few
    // pixels each frame, so the view changes every frame: the colour map and the contours
    // are recomputed for it, the trails only shifted
    let (mut pan, mut zoom, mut pan_vertices) = (Vec::new(), Vec::new(), 0);
    let pan_zoom_cpu = app.plot.transform.map(|t| {
        let frame_rect = t.frame();
        let start = t.position_from_point(&egui_plot::PlotPoint::new(
            app.session.scene.start.x,
            app.session.scene.start.y,
        ));
        // grab a quarter of the way in from the corner farthest from the start
        let corners = [
            frame_rect.left_top(),
            frame_rect.right_top(),
            frame_rect.left_bottom(),
            frame_rect.right_bottom(),
        ];
        let far = corners
            .into_iter()
            .max_by(|a, b| a.distance(start).total_cmp(&b.distance(start)))
            .unwrap_or(frame_rect.center());
        let mut at = far + (frame_rect.center() - far) * 0.25;
        frame(&mut app, vec![egui::Event::PointerMoved(at)]);
        frame(
            &mut app,
            vec![egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed: true,
                modifiers: egui::Modifiers::NONE,
            }],
        );
        let mut cpu_start = None;
        for k in 0..PAN_FRAMES + 5 {
            if k == 5 {
                cpu_start = process_cpu_ms();
            }
            // back and forth, so the view stays near the scene's
            let dir = if (k / 20) % 2 == 0 { 1.0 } else { -1.0 };
            at += egui::vec2(3.0 * dir, 2.0 * dir);
            let t0 = Instant::now();
            let (_, _, v) = frame(&mut app, vec![egui::Event::PointerMoved(at)]);
            pan_vertices = v;
            if k >= 5 {
                pan.push(t0.elapsed().as_secs_f64() * 1e3);
            }
        }
        frame(
            &mut app,
            vec![egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed: false,
                modifiers: egui::Modifiers::NONE,
            }],
        );
        let pan_cpu = cpu_start
            .zip(process_cpu_ms())
            .map(|(a, b)| (b - a) / f64::from(PAN_FRAMES));
        // a zoom: 4 % per frame about the pointer, in for 20 frames, then out
        let mut cpu_start = None;
        for k in 0..PAN_FRAMES + 5 {
            if k == 5 {
                cpu_start = process_cpu_ms();
            }
            let factor = if (k / 20) % 2 == 0 { 1.04 } else { 1.0 / 1.04 };
            let t0 = Instant::now();
            frame(
                &mut app,
                vec![egui::Event::PointerMoved(at), egui::Event::Zoom(factor)],
            );
            if k >= 5 {
                zoom.push(t0.elapsed().as_secs_f64() * 1e3);
            }
        }
        (
            pan_cpu,
            cpu_start
                .zip(process_cpu_ms())
                .map(|(a, b)| (b - a) / f64::from(PAN_FRAMES)),
        )
    });
    Frames {
        slider: Timing::from_samples(total),
        slider_cpu,
        animate_cpu,
        idle: Timing::from_samples(idle),
        slider_ui: Timing::from_samples(ui),
        slider_tessellate: Timing::from_samples(tess),
        animate: Timing::from_samples(a_total),
        animate_ui: Timing::from_samples(a_ui),
        animate_tessellate: Timing::from_samples(a_tess),
        pan: Timing::from_samples(pan),
        pan_cpu: pan_zoom_cpu.and_then(|c| c.0),
        zoom: Timing::from_samples(zoom),
        zoom_cpu: pan_zoom_cpu.and_then(|c| c.1),
        data_drag,
        trail_points,
        vertices: [slider_vertices, animate_vertices, pan_vertices],
    }
}
