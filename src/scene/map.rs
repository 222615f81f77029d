//! A map of many runs asked of a scene: which optimizer, which kind of map, which
//! hyperparameters over which ranges, how many cells. Checked here, where a request (the
//! command line's flags, the app's map window) becomes an engine [`MapSpec`], with one
//! message naming the flag and its valid range, and bounded by the map's own work limit
//! ([`limits::MAX_MAP_WORK`]).

use super::Scene;
use super::limits::{self, MAX_MAP_SIZE};
use crate::engine::map::{Axis, DEFAULT_TOLERANCE, MapKind, MapSpec};
use crate::engine::optim::Knob;
use crate::engine::param::Range;
use crate::engine::{Scale, ViewBox};

/// Fewest cells along a map's side.
pub const MIN_MAP_SIZE: usize = 8;
/// Cells along a map's longer side when not asked.
pub const DEFAULT_MAP_SIZE: usize = 256;

/// Basin or sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapChoice {
    Basin,
    Sweep,
}

/// What a user asks for; `None` takes the default.
#[derive(Clone, Debug, PartialEq)]
pub struct MapRequest {
    pub kind: MapChoice,
    /// The label of one of the scene's optimizers, or its kind's key for the first of that
    /// kind (the first enabled one if `None`).
    pub optimizer: Option<String>,
    /// The swept hyperparameters, by scene key (`lr`, `momentum`, `beta1`…).
    pub x: Option<String>,
    pub y: Option<String>,
    pub x_range: Option<[f64; 2]>,
    pub y_range: Option<[f64; 2]>,
    /// Cells along the longer side.
    pub size: Option<usize>,
}

impl MapRequest {
    pub fn new(kind: MapChoice) -> MapRequest {
        MapRequest {
            kind,
            optimizer: None,
            x: None,
            y: None,
            x_range: None,
            y_range: None,
            size: None,
        }
    }
}

/// The knobs among `knobs` a sweep can vary (numbers, not switches).
fn sweepable(knobs: &[Knob]) -> impl Iterator<Item = Knob> + '_ {
    knobs
        .iter()
        .copied()
        .filter(|k| k.info().range != Range::Bool)
}

/// The default range of a swept knob: two decades either side of a log knob's value, its
/// slider's range otherwise.
pub fn default_range(knob: Knob, value: f64) -> [f64; 2] {
    let p = knob.info();
    match p.scale {
        Scale::Log if value > 0.0 => [value / 100.0, value * 100.0],
        _ => [p.slider.0, p.slider.1],
    }
}

/// Columns and rows of a basin map of `view` with `longest` cells along its longer side:
/// square cells, the shorter side gets fewer.
pub fn basin_size(view: ViewBox, longest: usize) -> [usize; 2] {
    let aspect = view.height() / view.width();
    if !(aspect.is_finite() && aspect > 0.0) {
        return [longest, longest];
    }
    if aspect <= 1.0 {
        [longest, ((longest as f64 * aspect).round() as usize).max(1)]
    } else {
        [((longest as f64 / aspect).round() as usize).max(1), longest]
    }
}

/// A basin map `spec` over `view` (the plot's, panned and zoomed) instead of the scene's,
/// with `longest` cells along its longer side, or why not (a sweep; too much work).
pub fn basin_over(spec: MapSpec, view: ViewBox, longest: usize) -> Result<MapSpec, String> {
    if !matches!(spec.kind, MapKind::Basin { .. }) {
        return Err("only a basin map has a view".to_string());
    }
    let longest = longest.clamp(MIN_MAP_SIZE, MAX_MAP_SIZE);
    let ok = [view.x, view.y]
        .iter()
        .all(|r| r[0].is_finite() && r[1].is_finite() && r[0] < r[1]);
    if !ok {
        return Err(format!("the view {view:?} is not a region to map"));
    }
    let size = basin_size(view, longest);
    limits::check_map_work(size, spec.problem.steps)?;
    Ok(MapSpec {
        kind: MapKind::Basin { view },
        size,
        ..spec
    })
}

/// The engine's map for `req` on `scene`, or why not (naming the flag: `--optimizer`,
/// `--x`, `--x-range`, `--size`…).
pub fn map_spec(scene: &Scene, req: &MapRequest) -> Result<MapSpec, String> {
    let enabled: Vec<_> = scene.enabled().collect();
    let labels = || {
        enabled
            .iter()
            .map(|o| format!("\"{}\"", o.spec.label))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match &req.optimizer {
        None => enabled.first().copied(),
        Some(label) => enabled
            .iter()
            .copied()
            .find(|o| &o.spec.label == label)
            .or_else(|| {
                enabled
                    .iter()
                    .copied()
                    .find(|o| o.spec.label.eq_ignore_ascii_case(label))
            })
            // or by kind: `--optimizer adam` is the first Adam
            .or_else(|| {
                enabled
                    .iter()
                    .copied()
                    .find(|o| o.spec.kind.key().eq_ignore_ascii_case(label))
            }),
    };
    let optimizer = match chosen {
        Some(o) => o.spec.clone(),
        None => {
            return Err(match &req.optimizer {
                Some(label) if !enabled.is_empty() => format!(
                    "--optimizer \"{label}\" is not an enabled optimizer of the scene: use one of {}",
                    labels()
                ),
                _ => "the scene has no enabled optimizer to map".to_string(),
            });
        }
    };
    // a map steps its runs in lockstep on whole-surface gradients; each minibatch run has
    // its own batch stream, which the batched runner does not replay
    if let (Some(d), Some(b)) = (
        scene.surface.data_surface(),
        optimizer.effective_batch(&scene.surface),
    ) && b < d.len()
    {
        return Err(format!(
            "\"{}\" takes minibatches of {b} of the {} examples: maps are of full-batch runs \
             only (set its batch_size to {})",
            optimizer.label,
            d.len(),
            d.len()
        ));
    }
    let longest = req.size.unwrap_or(DEFAULT_MAP_SIZE);
    if !(MIN_MAP_SIZE..=MAX_MAP_SIZE).contains(&longest) {
        return Err(format!(
            "--size {longest} is out of range: a map has {MIN_MAP_SIZE} to {MAX_MAP_SIZE} cells a side"
        ));
    }
    let (kind, size) = match req.kind {
        MapChoice::Basin => {
            for (flag, given) in [
                ("--x", req.x.is_some()),
                ("--y", req.y.is_some()),
                ("--x-range", req.x_range.is_some()),
                ("--y-range", req.y_range.is_some()),
            ] {
                if given {
                    return Err(format!(
                        "{flag} only applies to sweeps: use --kind sweep (a basin map's axes are the view's x and y)"
                    ));
                }
            }
            let view: ViewBox = scene.view_box();
            (MapKind::Basin { view }, basin_size(view, longest))
        }
        MapChoice::Sweep => {
            let knobs: Vec<Knob> = optimizer.kind.knobs().collect();
            let keys = || {
                sweepable(&knobs)
                    .map(|k| k.info().key)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let pick = |flag: &str, key: &Option<String>, fallback: Option<Knob>| match key {
                None => fallback.ok_or_else(|| {
                    format!(
                        "{} has only {} to sweep: a sweep needs two (give {flag})",
                        optimizer.label,
                        keys()
                    )
                }),
                Some(key) => sweepable(&knobs)
                    .find(|k| k.info().key == key.as_str())
                    .ok_or_else(|| {
                        format!(
                            "{flag} {key} is not a hyperparameter of {} ({}): use one of {}",
                            optimizer.label,
                            optimizer.kind.key(),
                            keys()
                        )
                    }),
            };
            let x = pick("--x", &req.x, sweepable(&knobs).next())?;
            let y_default = sweepable(&knobs).find(|&k| k != x);
            let y = pick("--y", &req.y, y_default)?;
            if x == y {
                return Err(format!(
                    "--x and --y are both {}: a sweep needs two different hyperparameters",
                    x.info().key
                ));
            }
            let axis = |flag: &str, knob: Knob, range: Option<[f64; 2]>| {
                let a = Axis::new(
                    knob,
                    range.unwrap_or_else(|| default_range(knob, optimizer.hyper.get(knob))),
                );
                a.check(&knobs).map_err(|e| format!("{flag}: {e}"))?;
                Ok::<Axis, String>(a)
            };
            let x = axis("--x-range", x, req.x_range)?;
            let y = axis("--y-range", y, req.y_range)?;
            (MapKind::Sweep { x, y }, [longest, longest])
        }
    };
    limits::check_map_work(size, scene.steps)?;
    Ok(MapSpec {
        kind,
        problem: scene.problem(),
        optimizer,
        size,
        tolerance: DEFAULT_TOLERANCE,
    })
}
