//! The map window: a basin or sweep map ([`crate::engine::map`]) of one of the scene's
//! optimizers, computed in the background and shown as it refines. The first, coarse pass is
//! computed on the spot when it is small, so a map appears at once; the finer passes run on a
//! thread (in the browser, one pass per frame). Any edit of the scene or of the window's
//! choices restarts it. Hovering a cell reads its outcome; clicking a basin map's pixel makes
//! it the scene's start, clicking a sweep's cell loads its values into the optimizer.

use crate::app::LosscapeApp;
use crate::engine::Vec2;
use crate::engine::map::{MapKind, MapSpec, Progressive};
use crate::engine::optim::Knob;
use crate::engine::run::Control;
use crate::figure::map::Coloring;
use crate::scene::map::{MapChoice, MapRequest, map_spec};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Cells along a map's longer side in the window.
pub const SIZE: usize = 128;
/// Width of the map on screen, in points.
const SIDE: f32 = 420.0;
/// A first pass of at most this many updates is computed within the frame.
const SYNC_UPDATES: u64 = 2_000_000;

/// The map window's choices and the map being computed.
pub struct MapWindow {
    pub open: bool,
    pub kind: MapChoice,
    /// Index of the mapped optimizer in the scene.
    pub optimizer: usize,
    /// A sweep's hyperparameters (the optimizer's first two when `None`).
    pub x: Option<Knob>,
    pub y: Option<Knob>,
    /// The map as far as computed.
    pub map: Option<Progressive>,
    /// Where the map was drawn last frame.
    pub rect: Option<egui::Rect>,
    /// Why there is no map, if there is none.
    pub error: Option<String>,
    /// The spec computed, normalized (see [`same_work`]).
    key: Option<MapSpec>,
    job: Option<Job>,
    texture: Option<egui::TextureHandle>,
    /// Whether the texture shows the current cells.
    fresh: bool,
}

impl Default for MapWindow {
    fn default() -> Self {
        MapWindow {
            open: false,
            kind: MapChoice::Basin,
            optimizer: 0,
            x: None,
            y: None,
            map: None,
            rect: None,
            error: None,
            key: None,
            job: None,
            texture: None,
            fresh: false,
        }
    }
}

/// Passes still to compute, off the UI thread where there are threads.
struct Job {
    control: Arc<Control>,
    #[cfg(not(target_arch = "wasm32"))]
    passes: std::sync::mpsc::Receiver<Progressive>,
}

impl Drop for Job {
    fn drop(&mut self) {
        self.control.cancel.store(true, Ordering::Relaxed);
    }
}

/// `spec` without what does not change its cells: a basin map's start (each pixel is its
/// own) and a sweep's current values of its two knobs (each cell sets its own).
fn same_work(spec: &MapSpec) -> MapSpec {
    let mut key = spec.clone();
    match &spec.kind {
        MapKind::Basin { .. } => key.problem.start = Vec2::zeros(),
        MapKind::Sweep { x, y } => {
            key.optimizer.hyper.set(x.knob, 0.0);
            key.optimizer.hyper.set(y.knob, 0.0);
        }
    }
    key.optimizer.label.clear();
    key
}

impl MapWindow {
    /// The map `self` asks of the scene, or why not.
    fn spec(&self, app: &LosscapeApp) -> Result<MapSpec, String> {
        let scene = &app.session.scene;
        let o = scene
            .optimizers
            .get(self.optimizer)
            .filter(|o| o.enabled)
            .ok_or("pick an enabled optimizer")?;
        let req = MapRequest {
            kind: self.kind,
            optimizer: Some(o.spec.label.clone()),
            x: self.x.map(|k| k.info().key.to_string()),
            y: self.y.map(|k| k.info().key.to_string()),
            x_range: None,
            y_range: None,
            size: Some(SIZE),
        };
        let mut spec = map_spec(scene, &req)?;
        // the label may be shared: the optimizer is the one picked by its place
        spec.optimizer = o.spec.clone();
        Ok(spec)
    }

    /// Restarts the map when the scene or the choices changed, and collects finished passes.
    pub fn update(&mut self, app: &LosscapeApp) {
        match self.spec(app) {
            Err(e) => {
                self.error = Some(e);
                self.map = None;
                self.key = None;
                self.job = None;
            }
            Ok(spec) => {
                self.error = None;
                let key = same_work(&spec);
                if self.key.as_ref() != Some(&key) {
                    self.key = Some(key);
                    self.start(spec);
                } else if let Some(map) = &mut self.map {
                    // what does not change the cells still moves the marks
                    map.spec = spec;
                }
            }
        }
        self.poll();
    }

    fn start(&mut self, spec: MapSpec) {
        self.job = None;
        let mut map = Progressive::new(spec);
        let first = (crate::engine::map::PASSES[0] as u64).pow(2);
        let cells = (map.spec.size[0] * map.spec.size[1]) as u64;
        if cells / first * map.spec.problem.steps <= SYNC_UPDATES {
            let _ = map.refine(&Control::default());
        }
        let control = Arc::new(Control::default());
        #[cfg(not(target_arch = "wasm32"))]
        {
            let (tx, rx) = std::sync::mpsc::channel();
            let mut work = map.clone();
            let c = Arc::clone(&control);
            std::thread::spawn(move || {
                while let Ok(more) = work.refine(&c) {
                    if tx.send(work.clone()).is_err() || !more {
                        break;
                    }
                }
            });
            self.job = Some(Job {
                control,
                passes: rx,
            });
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.job = Some(Job { control });
        }
        self.map = Some(map);
        self.fresh = false;
    }

    fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut done = false;
            loop {
                match job.passes.try_recv() {
                    Ok(map) => {
                        done = map.is_complete();
                        self.map = Some(map);
                        self.fresh = false;
                    }
                    Err(std::sync::mpsc::TryRecvError::Empty) => break,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        done = true;
                        break;
                    }
                }
            }
            if done {
                self.job = None;
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            // no threads: one pass per frame
            let control = Arc::clone(&job.control);
            if let Some(map) = &mut self.map {
                let more = matches!(map.refine(&control), Ok(true));
                self.fresh = false;
                if !more {
                    self.job = None;
                }
            }
        }
    }

    /// Whether passes remain.
    pub fn is_computing(&self) -> bool {
        self.job.is_some()
    }

    /// Blocks until the map is complete (tests and exports).
    pub fn finish(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        while let Some(job) = &self.job {
            match job.passes.recv() {
                Ok(map) => {
                    let done = map.is_complete();
                    self.map = Some(map);
                    self.fresh = false;
                    if done {
                        self.job = None;
                    }
                }
                Err(_) => self.job = None,
            }
        }
        #[cfg(target_arch = "wasm32")]
        while self.job.is_some() {
            self.poll();
        }
    }

    /// Column and row of the cell under `pos`.
    pub fn cell_at(&self, pos: egui::Pos2) -> Option<(usize, usize)> {
        let rect = self.rect?;
        let map = self.map.as_ref()?;
        let [w, h] = map.spec.size;
        let tx = (pos.x - rect.min.x) / rect.width();
        let ty = (pos.y - rect.min.y) / rect.height();
        ((0.0..1.0).contains(&tx) && (0.0..1.0).contains(&ty))
            .then_some(((tx * w as f32) as usize, (ty * h as f32) as usize))
    }

    /// Where cell `(i, j)`'s centre was drawn.
    pub fn cell_pos(&self, i: usize, j: usize) -> Option<egui::Pos2> {
        let rect = self.rect?;
        let [w, h] = self.map.as_ref()?.spec.size;
        Some(egui::pos2(
            rect.min.x + (i as f32 + 0.5) / w as f32 * rect.width(),
            rect.min.y + (j as f32 + 0.5) / h as f32 * rect.height(),
        ))
    }
}

/// Opens the map window.
pub(crate) fn open(app: &mut LosscapeApp) {
    app.map.open = true;
}

pub(super) fn show(app: &mut LosscapeApp, ctx: &egui::Context) {
    if !app.map.open {
        return;
    }
    let mut window = std::mem::take(&mut app.map);
    window.update(app);
    if window.is_computing() {
        ctx.request_repaint_after(std::time::Duration::from_millis(30));
    }
    let mut open = true;
    let mut clicked = None;
    let mut export = false;
    egui::Window::new("Map of many runs")
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| {
            choices(ui, &mut window, app);
            if let Some(e) = &window.error {
                ui.colored_label(ui.visuals().warn_fg_color, e);
                return;
            }
            let Some(map) = &window.map else { return };
            if !window.fresh || window.texture.is_none() {
                let coloring = Coloring::of(&map.spec);
                let [w, h] = map.spec.size;
                let pixels = map
                    .cells()
                    .iter()
                    .map(|c| {
                        let [r, g, b] = coloring.color(c);
                        egui::Color32::from_rgb(r, g, b)
                    })
                    .collect();
                let image = egui::ColorImage::new([w, h], pixels);
                match &mut window.texture {
                    Some(t) => t.set(image, egui::TextureOptions::NEAREST),
                    None => {
                        window.texture =
                            Some(ctx.load_texture("map", image, egui::TextureOptions::NEAREST))
                    }
                }
                window.fresh = true;
            }
            let [w, h] = map.spec.size;
            // a fixed size: a size read from the window would let the window grow with it
            let size = egui::vec2(SIDE, SIDE * h as f32 / w as f32);
            // drag too, so pressing the map never moves the window
            let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click_and_drag());
            if let Some(t) = &window.texture {
                ui.painter().image(
                    t.id(),
                    rect,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    egui::Color32::WHITE,
                );
            }
            window.rect = Some(rect);
            let status = match map.stride() {
                Some(1) => "complete".to_string(),
                Some(s) => format!("refining: every {s}th cell so far"),
                None => "computing…".to_string(),
            };
            let hover = response.hover_pos().and_then(|p| window.cell_at(p));
            let text = match hover {
                Some((i, j)) => describe(map, i, j),
                None => format!(
                    "{status}. Hover a cell to read its run; click to {}.",
                    if matches!(map.spec.kind, MapKind::Basin { .. }) {
                        "start there"
                    } else {
                        "use its values"
                    }
                ),
            };
            ui.label(egui::RichText::new(text).small());
            if response.clicked() {
                clicked = response
                    .interact_pointer_pos()
                    .and_then(|p| window.cell_at(p));
            }
            if ui.button("Save PNG").clicked() {
                export = true;
            }
        });
    window.open &= open;
    if let (Some((i, j)), Some(map)) = (clicked, &window.map) {
        apply(app, map, window.optimizer, i, j);
    }
    if export {
        window.finish();
        save_png(app, ctx, &window);
    }
    app.map = window;
}

/// The window's choices: basin or sweep, the optimizer, a sweep's knobs.
fn choices(ui: &mut egui::Ui, w: &mut MapWindow, app: &LosscapeApp) {
    let scene = &app.session.scene;
    ui.horizontal(|ui| {
        ui.radio_value(&mut w.kind, MapChoice::Basin, "Basins");
        ui.radio_value(&mut w.kind, MapChoice::Sweep, "Sweep");
        let label = |i: usize| {
            scene
                .optimizers
                .get(i)
                .map_or_else(String::new, |o| o.spec.label.clone())
        };
        egui::ComboBox::from_label("optimizer")
            .selected_text(label(w.optimizer))
            .show_ui(ui, |ui| {
                for (i, o) in scene.optimizers.iter().enumerate() {
                    if o.enabled {
                        ui.selectable_value(&mut w.optimizer, i, &o.spec.label);
                    }
                }
            });
    });
    if w.kind == MapChoice::Sweep
        && let Some(o) = scene.optimizers.get(w.optimizer)
    {
        let knobs: Vec<Knob> = o
            .spec
            .kind
            .knobs()
            .filter(|k| k.info().range != crate::engine::Range::Bool)
            .collect();
        let (x, y) = match &w.map.as_ref().map(|m| &m.spec.kind) {
            Some(MapKind::Sweep { x, y }) => (Some(x.knob), Some(y.knob)),
            _ => (w.x, w.y),
        };
        ui.horizontal(|ui| {
            for (name, slot, shown) in [("x", &mut w.x, x), ("y", &mut w.y, y)] {
                egui::ComboBox::from_label(name)
                    .selected_text(shown.map_or("", |k| k.info().key))
                    .show_ui(ui, |ui| {
                        for &k in &knobs {
                            ui.selectable_value(slot, Some(k), k.info().key);
                        }
                    });
            }
        });
    }
}

/// Cell `(i, j)` in words: where it starts or which values it runs, and how it ends.
fn describe(map: &Progressive, i: usize, j: usize) -> String {
    let cell = map.cell(i, j);
    let what = match &map.spec.kind {
        MapKind::Basin { .. } => {
            let p = map.spec.start(i, j);
            format!("from ({:.3}, {:.3})", p.x, p.y)
        }
        MapKind::Sweep { x, y } => {
            let h = map.spec.hyper(i, j);
            format!(
                "{} = {}, {} = {}",
                x.knob.info().key,
                crate::figure::model::sig(h.get(x.knob)),
                y.knob.info().key,
                crate::figure::model::sig(h.get(y.knob))
            )
        }
    };
    format!(
        "{what}: {}, loss {}",
        cell.describe(),
        crate::figure::model::sig(cell.loss)
    )
}

/// A click on cell `(i, j)`: a basin map's start becomes the scene's; a sweep's values go
/// into the optimizer. Every view re-runs.
fn apply(app: &mut LosscapeApp, map: &Progressive, optimizer: usize, i: usize, j: usize) {
    let session = &mut app.session;
    match &map.spec.kind {
        MapKind::Basin { .. } => session.scene.start = map.spec.start(i, j),
        MapKind::Sweep { x, y } => {
            let h = map.spec.hyper(i, j);
            let Some(o) = session.scene.optimizers.get_mut(optimizer) else {
                return;
            };
            o.spec.hyper.set(x.knob, h.get(x.knob));
            o.spec.hyper.set(y.knob, h.get(y.knob));
        }
    }
    session.rerun();
}

/// Saves the map as a PNG beside the screenshots.
fn save_png(app: &mut LosscapeApp, ctx: &egui::Context, w: &MapWindow) {
    let Some(map) = &w.map else { return };
    let cells = map.cells();
    let pic = crate::export::MapPicture {
        scene: &app.session.scene,
        spec: &map.spec,
        cells: &cells,
        minima: &map.judge().minima,
    };
    let title = format!("{} {}", app.session.scene.title(), pic.title());
    // the map's step budget stands for the step in the name
    let steps = usize::try_from(map.spec.problem.steps).unwrap_or(usize::MAX);
    let path = crate::app::export::screenshot_path(app.screenshot_dir.as_deref(), &title, steps);
    let result = crate::export::render_map_png(&pic, 1200, 960)
        .map_err(|e| e.to_string())
        .and_then(|png| crate::app::files::save_bytes(&path, &png).map_err(|e| e.to_string()));
    match result {
        Ok(()) => app.toast(ctx, format!("Map saved to {}", path.display())),
        Err(e) => {
            app.session.notice = Some(format!("Could not save the map {}: {e}", path.display()))
        }
    }
}
