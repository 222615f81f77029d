//! Trajectories as data: the CSV and JSON of `losscape trace` (described in the README's
//! "Command line"), also used by the app's "Export trajectories" (both through
//! [`crate::export::Format`]). With `--state`, each optimizer's JSON object also lists its
//! state after every update under torch's names, as the engine's rules hold it.
//!
//! Written as a stream, one optimizer at a time, so `trace` holds only the trajectories being
//! computed (one per core) and never the whole output: a scene at the work limit writes about
//! 1 GB of CSV in constant memory.

use crate::engine::optim::{State, Value};
use crate::engine::{self, Problem, Stepper, Trajectory};
use crate::export::Format;
use crate::scene::{Runs, Scene, SceneOptimizer};
use std::io::{self, Write};

/// The data formats, as this writer lays them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Csv,
    Json,
}

impl Layout {
    fn of(format: Format) -> io::Result<Layout> {
        match format {
            Format::Csv => Ok(Layout::Csv),
            Format::Json => Ok(Layout::Json),
            other => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a data format", other.extension()),
            )),
        }
    }
}

/// Writes a trace piece by piece: [`TraceWriter::begin`], one
/// [`TraceWriter::optimizer`] per enabled optimizer in order, then [`TraceWriter::end`].
pub struct TraceWriter<'w> {
    format: Layout,
    out: &'w mut dyn Write,
    /// Optimizers written so far (JSON separates them with commas).
    written: usize,
    /// With `--state`: the problem each optimizer is re-run on to read its state row by row.
    state: Option<Problem>,
}

impl<'w> TraceWriter<'w> {
    /// The header: CSV's column names, or JSON's scene fields up to the optimizer list.
    pub fn begin(format: Format, scene: &Scene, out: &'w mut dyn Write) -> io::Result<Self> {
        let format = Layout::of(format)?;
        match format {
            Layout::Csv => out.write_all(b"label,step,x,y,loss\n")?,
            // keys in serde_json's (sorted) order, as the whole document used to be written
            Layout::Json => write!(
                out,
                "{{\"name\":{},\"optimizers\":[",
                serde_json::Value::from(scene.name.as_str())
            )?,
        }
        Ok(TraceWriter {
            format,
            out,
            written: 0,
            state: None,
        })
    }

    /// Also writes each optimizer's `state` list (JSON only).
    pub fn with_state(mut self, scene: &Scene) -> io::Result<Self> {
        if self.format != Layout::Json {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the optimizer state is written only as JSON",
            ));
        }
        self.state = Some(scene.problem());
        Ok(self)
    }

    /// One optimizer's rows.
    pub fn optimizer(&mut self, o: &SceneOptimizer, t: &Trajectory) -> io::Result<()> {
        let out = &mut *self.out;
        match self.format {
            Layout::Csv => {
                let label = csv_field(&o.spec.label);
                for (k, (p, f)) in t.points.iter().zip(&t.losses).enumerate() {
                    writeln!(out, "{label},{k},{},{},{f}", p.x, p.y)?;
                }
            }
            Layout::Json => {
                if self.written > 0 {
                    out.write_all(b",")?;
                }
                write!(
                    out,
                    "{{\"kind\":\"{}\",\"label\":{},\"points\":[",
                    o.spec.kind.key(),
                    serde_json::Value::from(o.spec.label.as_str())
                )?;
                for (k, (p, f)) in t.points.iter().zip(&t.losses).enumerate() {
                    if k > 0 {
                        out.write_all(b",")?;
                    }
                    write!(
                        out,
                        "[{k},{},{},{}]",
                        json_num(p.x),
                        json_num(p.y),
                        json_num(*f)
                    )?;
                }
                out.write_all(b"]")?;
                if let Some(problem) = &self.state {
                    write_states(out, problem, o)?;
                }
                let step = t
                    .status
                    .step()
                    .map_or_else(|| "null".to_string(), |s| s.to_string());
                write!(
                    out,
                    ",\"status\":\"{}\",\"status_step\":{step}}}",
                    t.status.key()
                )?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// The footer: JSON's fields after the optimizer list.
    pub fn end(self, scene: &Scene) -> io::Result<()> {
        if self.format == Layout::Json {
            writeln!(
                self.out,
                "],\"seed\":{},\"start\":[{},{}],\"steps\":{},\"surface\":\"{}\"}}",
                scene.seed,
                json_num(scene.start.x),
                json_num(scene.start.y),
                scene.steps,
                scene.surface.kind().key()
            )?;
        }
        Ok(())
    }
}

/// `,"state":[…]`: the optimizer's state at each row of its trajectory, read from its rule
/// while it runs again from the start (the same run, so the rows line up with `points`: a
/// stepper stops where the trajectory did). Streamed, so it takes no memory per row.
fn write_states(out: &mut dyn Write, problem: &Problem, o: &SceneOptimizer) -> io::Result<()> {
    out.write_all(b",\"state\":[")?;
    let mut stepper = Stepper::new(&o.spec, problem);
    write_state(out, &stepper.record().state)?;
    while stepper.advance(1) == 1 {
        out.write_all(b",")?;
        write_state(out, &stepper.record().state)?;
    }
    out.write_all(b"]")
}

/// One row: `{"exp_avg":[x,y],"mu_product":p,…}` in the rule's (torch's) order.
fn write_state(out: &mut dyn Write, state: &State) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (name, value)) in state.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        match value {
            Value::Pair(v) => write!(out, "\"{name}\":[{},{}]", json_num(v.x), json_num(v.y))?,
            Value::Scalar(v) => write!(out, "\"{name}\":{}", json_num(v))?,
        }
    }
    out.write_all(b"}")
}

/// Quotes a label that holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A JSON number as serde_json writes it, or `"NaN"`, `"inf"`, `"-inf"` as strings (JSON has
/// no non-finite numbers).
fn json_num(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|| serde_json::Value::String(format!("{v}")))
}

/// Writes the trace of runs already computed: every optimizer that has a trajectory.
pub fn write(format: Format, scene: &Scene, runs: &Runs, out: &mut dyn Write) -> io::Result<()> {
    let mut w = TraceWriter::begin(format, scene, out)?;
    for (o, t) in runs.ran(scene) {
        w.optimizer(o, t)?;
    }
    w.end(scene)
}

/// Computes and writes the trace, a few optimizers at a time (as many as there are cores), so
/// only those trajectories are ever in memory. The output is the same as [`write`]'s after
/// [`Runs::compute`]: each optimizer's run depends only on its own spec and the problem.
/// `state` adds each optimizer's state list (JSON only).
pub fn compute_and_write(
    format: Format,
    scene: &Scene,
    state: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let problem = scene.problem();
    let enabled: Vec<&SceneOptimizer> = scene.enabled().collect();
    let batch = rayon::current_num_threads().max(1);
    let mut w = TraceWriter::begin(format, scene, out)?;
    if state {
        w = w.with_state(scene)?;
    }
    for group in enabled.chunks(batch) {
        let specs: Vec<_> = group.iter().map(|o| o.spec.clone()).collect();
        for (o, t) in group.iter().zip(engine::run(&problem, &specs)) {
            w.optimizer(o, &t)?;
        }
    }
    w.end(scene)
}

/// The whole trace as text.
fn render(format: Format, scene: &Scene, runs: &Runs) -> String {
    let mut bytes = Vec::new();
    // writing to memory cannot fail, and every piece written is UTF-8
    let _ = write(format, scene, runs, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// `label,step,x,y,loss`, one row per iterate of every optimizer that ran, numbers in Rust's
/// round-tripping `{}` form.
pub fn to_csv(scene: &Scene, runs: &Runs) -> String {
    render(Format::Csv, scene, runs)
}

/// Per optimizer: `label`, `kind`, `status`, `status_step` and `points` as `[step, x, y, loss]`.
pub fn to_json(scene: &Scene, runs: &Runs) -> String {
    render(Format::Json, scene, runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_json_is_what_serde_json_writes() {
        // the document as it was built before streaming, with serde_json's sorted keys
        let mut scene = crate::scene::builtin("cliff-clipping").expect("builtin");
        scene.steps = 40;
        scene.optimizers[0].spec.label = "a \"quoted\", label".into();
        let runs = Runs::compute(&scene);
        let optimizers: Vec<serde_json::Value> = runs
            .ran(&scene)
            .map(|(o, t)| {
                let points: Vec<serde_json::Value> = t
                    .points
                    .iter()
                    .zip(&t.losses)
                    .enumerate()
                    .map(|(k, (p, f))| {
                        serde_json::json!([k, json_num(p.x), json_num(p.y), json_num(*f)])
                    })
                    .collect();
                serde_json::json!({
                    "label": o.spec.label, "kind": o.spec.kind.key(), "status": t.status.key(),
                    "status_step": t.status.step(), "points": points,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "name": scene.name, "surface": scene.surface.kind().key(), "steps": scene.steps,
            "seed": scene.seed, "start": [scene.start.x, scene.start.y], "optimizers": optimizers,
        });
        assert_eq!(to_json(&scene, &runs), format!("{doc}\n"));
        let mut streamed = Vec::new();
        compute_and_write(Format::Json, &scene, false, &mut streamed).expect("write");
        assert_eq!(
            String::from_utf8(streamed).expect("utf8"),
            format!("{doc}\n")
        );
        let mut csv = Vec::new();
        compute_and_write(Format::Csv, &scene, false, &mut csv).expect("write");
        assert_eq!(String::from_utf8(csv).expect("utf8"), to_csv(&scene, &runs));
    }
}
