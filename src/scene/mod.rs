//! Scenes: a surface, a start, a number of steps and the optimizers to race, read from TOML
//! files (the README's "Scene files"), validated, written back, and shipped built in as the lessons.

mod builtin;
pub mod camera;
pub mod data;
mod error;
pub mod limits;
pub mod link;
pub mod map;
mod parse;
mod reader;
mod runs;

pub use builtin::{BUILTINS, Builtin, DEFAULT_SCENE, builtin};
pub use camera::Camera;
pub use error::{SceneError, SceneErrorKind, line_col};
pub use limits::MAX_STEPS;
pub use parse::{DEFAULT_STEPS, parse, parse_color, parse_in};
pub use runs::Runs;

use crate::engine::data::{DataSet, Origin};
use crate::engine::optim::{Knob, OptimizerKind};
use crate::engine::{OptimizerSpec, Problem, Schedule, Surface, Vec2, ViewBox};
use std::fmt::Write as _;
use std::path::Path;

/// One optimizer of a scene, with what only the picture needs.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneOptimizer {
    pub spec: OptimizerSpec,
    /// Overrides the palette colour.
    pub color: Option<[u8; 3]>,
    /// Disabled optimizers stay in the file but are not run.
    pub enabled: bool,
}

impl SceneOptimizer {
    pub fn new(kind: OptimizerKind) -> Self {
        SceneOptimizer {
            spec: OptimizerSpec::new(kind),
            color: None,
            enabled: true,
        }
    }
}

/// The overlays a scene turns on (`show = ["gradient", "direction", "step", "field"]`), all
/// off by default: the arrows at each head and the gradient field over the view. The figure
/// draws them in the window and in every export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Show {
    /// −∇f at each head.
    pub gradient: bool,
    /// The optimizer's direction state at each head (momentum buffer, m̂, sign…).
    pub direction: bool,
    /// The step each optimizer takes next, Δw.
    pub step: bool,
    /// −∇f over the whole view.
    pub field: bool,
}

impl Show {
    /// Every overlay with its key in scene files, in the order they are written.
    pub const KEYS: [&'static str; 4] = ["gradient", "direction", "step", "field"];

    pub fn get(&self, key: &str) -> bool {
        match key {
            "gradient" => self.gradient,
            "direction" => self.direction,
            "step" => self.step,
            "field" => self.field,
            _ => false,
        }
    }

    pub fn set(&mut self, key: &str, on: bool) {
        match key {
            "gradient" => self.gradient = on,
            "direction" => self.direction = on,
            "step" => self.step = on,
            "field" => self.field = on,
            _ => {}
        }
    }

    /// Any arrow at the heads.
    pub fn arrows(&self) -> bool {
        self.gradient || self.direction || self.step
    }
}

/// A validated scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub name: String,
    /// The one-line claim a lesson makes.
    pub description: String,
    pub steps: u64,
    pub seed: u64,
    pub start: Vec2,
    /// What to show first, when not the surface's own view box.
    pub view: Option<ViewBox>,
    /// Where the 3D view is seen from, when not the default.
    pub camera: Option<Camera>,
    pub surface: Surface,
    pub optimizers: Vec<SceneOptimizer>,
    /// The arrows and field drawn over the plot.
    pub show: Show,
}

impl Scene {
    /// Reads `builtin:NAME`, a share link (`…#scene=…`) or a file path.
    pub fn load(source: &str) -> Result<Scene, SceneError> {
        if let Some(name) = source.strip_prefix("builtin:") {
            builtin(name)
        } else if link::is_link(source) {
            link::unpack(source)
        } else {
            Self::load_file(Path::new(source))
        }
    }

    pub fn load_file(path: &Path) -> Result<Scene, SceneError> {
        let origin = path.display().to_string();
        let text = read_capped(path).map_err(|message| SceneError {
            kind: SceneErrorKind::Io,
            origin: origin.clone(),
            location: None,
            message,
        })?;
        parse_in(
            &text,
            &origin,
            Some(path.parent().unwrap_or(Path::new("."))),
        )
    }

    /// The name shown in titles.
    pub fn title(&self) -> &str {
        if self.name.is_empty() {
            "Untitled scene"
        } else {
            &self.name
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            surface: self.surface.clone(),
            start: self.start,
            steps: self.steps,
            seed: self.seed,
        }
    }

    /// The optimizers that run, in order.
    pub fn enabled(&self) -> impl Iterator<Item = &SceneOptimizer> {
        self.optimizers.iter().filter(|o| o.enabled)
    }

    pub fn specs(&self) -> Vec<OptimizerSpec> {
        self.enabled().map(|o| o.spec.clone()).collect()
    }

    /// The last step of the animation and of every figure: the number of updates.
    pub fn last_step(&self) -> usize {
        usize::try_from(self.steps).unwrap_or(usize::MAX)
    }

    pub fn view_box(&self) -> ViewBox {
        self.view.unwrap_or_else(|| self.surface.view_box())
    }

    /// The scene as a file that [`parse`] reads back to an equal scene. Every hyperparameter
    /// is written out, so the file still means the same if defaults ever change. Data read
    /// from a CSV file is referred to by its path, as the scene named it.
    pub fn to_toml(&self) -> String {
        self.write(false)
    }

    /// As [`Scene::to_toml`] with every data file's examples written inline: a scene that
    /// travels without its folder (a share link).
    pub fn to_toml_self_contained(&self) -> String {
        self.write(true)
    }

    fn write(&self, inline_files: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "name = {}", quote(&self.name));
        if !self.description.is_empty() {
            let _ = writeln!(s, "description = {}", quote(&self.description));
        }
        let _ = writeln!(s, "steps = {}", self.steps);
        let _ = writeln!(s, "seed = {}", self.seed);
        let _ = writeln!(s, "start = [{}, {}]", num(self.start.x), num(self.start.y));
        if let Some(v) = self.view {
            let _ = writeln!(s, "view = {}", view_table(v));
        }
        let shown: Vec<String> = Show::KEYS
            .iter()
            .filter(|k| self.show.get(k))
            .map(|k| quote(k))
            .collect();
        if !shown.is_empty() {
            let _ = writeln!(s, "show = [{}]", shown.join(", "));
        }
        if let Some(c) = self.camera {
            let _ = writeln!(
                s,
                "camera = {{ azimuth = {}, elevation = {} }}",
                num(c.azimuth),
                num(c.elevation)
            );
        }
        let _ = writeln!(
            s,
            "\n[surface]\nkind = {}",
            quote(self.surface.kind().key())
        );
        for (p, v) in self
            .surface
            .kind()
            .params()
            .iter()
            .zip(self.surface.values())
        {
            let _ = writeln!(s, "{} = {}", p.key, num(v));
        }
        if let Some(t) = self.surface.typed_surface() {
            write_formula(&mut s, t);
        }
        if let Some(d) = self.surface.data_surface() {
            write_data(&mut s, "data", d.train_set(), inline_files);
            if let Some(test) = d.test_set() {
                write_data(&mut s, "test_data", test, inline_files);
            }
            if d.normalize() {
                let _ = writeln!(s, "normalize = true");
            }
        }
        for o in &self.optimizers {
            let spec = &o.spec;
            let _ = writeln!(s, "\n[[optimizer]]\nkind = {}", quote(spec.kind.key()));
            let _ = writeln!(s, "label = {}", quote(&spec.label));
            for key in spec.kind.keys() {
                let values: Vec<String> = key
                    .knobs
                    .iter()
                    .map(|&k| match k {
                        Knob::Centered | Knob::BiasCorrection => {
                            (spec.hyper.get(k) != 0.0).to_string()
                        }
                        _ => num(spec.hyper.get(k)),
                    })
                    .collect();
                if values.len() == 1 {
                    let _ = writeln!(s, "{} = {}", key.name, values[0]);
                } else {
                    let _ = writeln!(s, "{} = [{}]", key.name, values.join(", "));
                }
            }
            if let Some(c) = spec.clip_norm {
                let _ = writeln!(s, "clip_norm = {}", num(c));
            }
            if let Some(sched) = spec.schedule {
                let body = match sched {
                    Schedule::Linear { final_lr, steps } | Schedule::Cosine { final_lr, steps } => {
                        format!("final_lr = {}, steps = {steps}", num(final_lr))
                    }
                    Schedule::Step { gamma, every } => {
                        format!("gamma = {}, every = {every}", num(gamma))
                    }
                };
                let _ = writeln!(s, "schedule = {{ kind = \"{}\", {body} }}", sched.kind());
            }
            // only a data surface reads it (elsewhere it would be an error on reading back)
            if let Some(b) = spec.batch_size
                && self.surface.data_surface().is_some()
            {
                let _ = writeln!(s, "batch_size = {b}");
            }
            if spec.basis_rotation != 0.0 {
                let _ = writeln!(s, "basis_rotation = {}", num(spec.basis_rotation));
            }
            if let Some([r, g, b]) = o.color {
                let _ = writeln!(s, "color = \"#{r:02x}{g:02x}{b:02x}\"");
            }
            if !o.enabled {
                let _ = writeln!(s, "enabled = false");
            }
        }
        s
    }
}

/// A typed formula's keys: every constant's current value goes in `params`, so the sliders'
/// positions travel with the formula.
fn write_formula(s: &mut String, t: &crate::engine::formula::TypedSurface) {
    let f = t.formula();
    let _ = writeln!(s, "f = {}", quote(f.source()));
    if !f.constants().is_empty() {
        let items: Vec<String> = f
            .constants()
            .iter()
            .map(|c| format!("{} = {}", c.name, num(c.value)))
            .collect();
        let _ = writeln!(s, "params = {{ {} }}", items.join(", "));
    }
    let _ = writeln!(s, "view = {}", view_table(t.view_box()));
    let start = t.default_start();
    let _ = writeln!(s, "start = [{}, {}]", num(start.x), num(start.y));
}

/// `key = …`: a built-in name, a file's path, or the examples inline.
fn write_data(s: &mut String, key: &str, set: &DataSet, inline_files: bool) {
    match &set.origin {
        Origin::Builtin(name) => {
            let _ = writeln!(s, "{key} = {}", quote(&format!("builtin:{name}")));
        }
        Origin::File(path) if !inline_files => {
            let _ = writeln!(s, "{key} = {}", quote(path));
        }
        _ => {
            let rows: Vec<String> = set
                .examples
                .iter()
                .map(|[a, b]| format!("[{}, {}]", num(*a), num(*b)))
                .collect();
            let _ = writeln!(s, "{key} = [{}]", rows.join(", "));
        }
    }
}

/// `{ x = [lo, hi], y = [lo, hi] }`
fn view_table(v: ViewBox) -> String {
    format!(
        "{{ x = [{}, {}], y = [{}, {}] }}",
        num(v.x[0]),
        num(v.x[1]),
        num(v.y[0]),
        num(v.y[1])
    )
}

/// A scene file's text, reading no more than one byte past the size limit.
fn read_capped(path: &Path) -> Result<String, String> {
    read_text_capped(path, limits::MAX_SCENE_BYTES, "scene file")
}

/// The text of the `what` at `path` (a scene or data file), reading no more than one byte
/// past `most` bytes (a device such as `/dev/urandom` never ends, and a file's size can change
/// while it is read).
pub(crate) fn read_text_capped(path: &Path, most: usize, what: &str) -> Result<String, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the {what}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(most as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the {what}: {e}"))?;
    if bytes.len() > most {
        return Err(format!(
            "the {what} is too large (more than the limit of {most} bytes)"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the {what} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A TOML float that reads back to the same `f64`.
fn num(v: f64) -> String {
    format!("{v:?}")
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
