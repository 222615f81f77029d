//! Trajectories as data: the CSV and JSON of `losscape trace` (described in the README's
//! "Command line"), also used by the app's "Export trajectories" (both through
//! [`crate::export::Format`]).

use crate::scene::{Runs, Scene};
use std::fmt::Write as _;

/// `label,step,x,y,loss`, one row per iterate of every optimizer that ran, numbers in Rust's
/// round-tripping `{}` form.
pub fn to_csv(scene: &Scene, runs: &Runs) -> String {
    let rows: usize = runs.iter().flatten().map(|t| t.points.len()).sum();
    let mut out = String::with_capacity(32 + rows * 64);
    out.push_str("label,step,x,y,loss\n");
    for (o, t) in runs.ran(scene) {
        let label = csv_field(&o.spec.label);
        for (k, (p, f)) in t.points.iter().zip(&t.losses).enumerate() {
            let _ = writeln!(out, "{label},{k},{},{},{f}", p.x, p.y);
        }
    }
    out
}

/// Quotes a label that holds a comma, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A JSON number, or `"NaN"`, `"inf"`, `"-inf"` as strings (JSON has no non-finite numbers).
fn json_num(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|| serde_json::Value::String(format!("{v}")))
}

/// Per optimizer: `label`, `kind`, `status`, `status_step` and `points` as `[step, x, y, loss]`.
pub fn to_json(scene: &Scene, runs: &Runs) -> String {
    use serde_json::{Value, json};
    let optimizers: Vec<Value> = runs
        .ran(scene)
        .map(|(o, t)| {
            let points: Vec<Value> = t
                .points
                .iter()
                .zip(&t.losses)
                .enumerate()
                .map(|(k, (p, f))| json!([k, json_num(p.x), json_num(p.y), json_num(*f)]))
                .collect();
            json!({
                "label": o.spec.label,
                "kind": o.spec.kind.key(),
                "status": t.status.key(),
                "status_step": t.status.step(),
                "points": points,
            })
        })
        .collect();
    let doc = json!({
        "name": scene.name,
        "surface": scene.surface.kind().key(),
        "steps": scene.steps,
        "seed": scene.seed,
        "start": [scene.start.x, scene.start.y],
        "optimizers": optimizers,
    });
    let mut s = doc.to_string();
    s.push('\n');
    s
}
