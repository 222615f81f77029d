//! Reads a scene file: TOML text in, a validated [`Scene`] out, or one [`SceneError`]
//! that points at the offending key or value.
//!
//! The document is walked by hand over toml's span-carrying tree rather than through serde,
//! because which keys are valid depends on each optimizer's `kind`, and every message should
//! name the exact line and column.

use super::data::{dataset, parse_csv, read_data_file};
use super::error::{SceneError, SceneErrorKind, line_col, suggest};
use super::limits::{self, MAX_STEPS};
use super::reader::{R, Reader, Value, get};
use super::{Camera, Scene, SceneOptimizer, Show};
use crate::engine::data::{DataSet, DataSurface, ModelKind, Origin};
use crate::engine::formula::{Formula, TypedSurface};
use crate::engine::optim::{Key, Knob, OptimizerKind};
use crate::engine::{OptimizerSpec, Schedule, Surface, SurfaceKind, Vec2, ViewBox};
use std::ops::Range;
use std::path::Path;
use toml::de::DeTable;

/// Steps of a scene that does not say.
pub const DEFAULT_STEPS: u64 = 200;

const TOP_KEYS: [&str; 10] = [
    "name",
    "description",
    "steps",
    "seed",
    "start",
    "view",
    "show",
    "camera",
    "surface",
    "optimizer",
];
const COMMON_OPTIMIZER_KEYS: [&str; 8] = [
    "kind",
    "label",
    "color",
    "enabled",
    "clip_norm",
    "schedule",
    "basis_rotation",
    "batch_size",
];

/// Parses and validates a scene; `origin` names the text in messages (a path or `builtin:NAME`).
/// The scene may not read data files (it has no folder): its data must be inline or built in.
pub fn parse(text: &str, origin: &str) -> Result<Scene, SceneError> {
    parse_in(text, origin, None)
}

/// As [`parse`], for a scene whose data files (`data = "points.csv"`) are read relative to
/// `folder`; `None` refuses data files.
pub fn parse_in(text: &str, origin: &str, folder: Option<&Path>) -> Result<Scene, SceneError> {
    let r = Reader { text, origin };
    // the limits on the text itself come before the TOML parser sees it
    if text.len() > limits::MAX_SCENE_BYTES {
        return Err(r.err(
            0..0,
            format!(
                "the scene is too large ({} bytes; the limit is {} bytes)",
                text.len(),
                limits::MAX_SCENE_BYTES
            ),
        ));
    }
    if let Some(at) = limits::nesting_beyond(text, limits::MAX_NESTING) {
        return Err(r.err(
            at..at,
            format!(
                "arrays and tables are nested too deeply (the limit is {} levels)",
                limits::MAX_NESTING
            ),
        ));
    }
    let doc = DeTable::parse(text).map_err(|e| SceneError {
        kind: SceneErrorKind::Syntax,
        origin: origin.to_string(),
        location: e.span().map(|s| line_col(text, s.start)),
        message: format!("invalid TOML: {}", e.message().trim_end()),
    })?;
    let root = doc.get_ref();
    for (key, _) in root.iter() {
        if !TOP_KEYS.contains(&key.get_ref().as_ref()) {
            return Err(r.unknown_key(key, "the scene", &TOP_KEYS));
        }
    }

    let surface_value = get(root, "surface")
        .ok_or_else(|| r.err(0..0, "the scene has no [surface] table; add one with `kind = \"quadratic\"` or another surface"))?;
    let surface = read_surface(&r, surface_value, folder)?;
    let examples = surface.data_surface().map(DataSurface::len);

    let name = match get(root, "name") {
        Some(v) => r.text(v, "`name`", limits::MAX_NAME_CHARS)?.to_string(),
        None => String::new(),
    };
    let description = match get(root, "description") {
        Some(v) => r
            .text(v, "`description`", limits::MAX_DESCRIPTION_CHARS)?
            .to_string(),
        None => String::new(),
    };
    let steps = match get(root, "steps") {
        Some(v) => r.integer(v, "`steps`", 0, MAX_STEPS as i64)? as u64,
        None => DEFAULT_STEPS,
    };
    let seed = match get(root, "seed") {
        Some(v) => r.integer(v, "`seed`", 0, i64::MAX)? as u64,
        None => 0,
    };
    let start = match get(root, "start") {
        Some(v) => {
            let [x, y] = r.pair(v, "`start`")?;
            Vec2::new(x, y)
        }
        None => surface.default_start(),
    };
    let view = match get(root, "view") {
        Some(v) => Some(read_view(&r, v)?),
        None => None,
    };
    let show = match get(root, "show") {
        Some(v) => read_show(&r, v)?,
        None => Show::default(),
    };
    let camera = get(root, "camera")
        .map(|v| read_camera(&r, v))
        .transpose()?;

    let mut optimizers = Vec::new();
    if let Some(v) = get(root, "optimizer") {
        let items = v.get_ref().as_array().ok_or_else(|| {
            r.err(
                v.span(),
                "`optimizer` must be an array of tables: write each one as [[optimizer]]",
            )
        })?;
        if items.len() > limits::MAX_OPTIMIZERS {
            return Err(r.err(
                v.span(),
                format!(
                    "the scene has {} optimizers; the limit is {}",
                    items.len(),
                    limits::MAX_OPTIMIZERS
                ),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            optimizers.push(read_optimizer(&r, item, i + 1, examples)?);
        }
    }
    let enabled = optimizers.iter().filter(|o| o.enabled).count();
    limits::check_work(enabled, steps).map_err(|m| {
        let span = get(root, "steps").map_or(0..0, |v| v.span());
        r.err(span, m)
    })?;

    let scene = Scene {
        name,
        description,
        steps,
        seed,
        start,
        view,
        camera,
        surface,
        optimizers,
        show,
    };
    limits::check_scene_data_work(&scene).map_err(|m| {
        let span = get(root, "steps").map_or(0..0, |v| v.span());
        r.err(span, m)
    })?;
    Ok(scene)
}

/// `show = ["gradient", "field", …]`: which overlays to draw.
fn read_show(r: &Reader, v: &Value) -> R<Show> {
    let items = v.get_ref().as_array().ok_or_else(|| {
        r.err(
            v.span(),
            format!(
                "`show` must be an array of names ({}), not a {}",
                Show::KEYS.join(", "),
                v.get_ref().type_str()
            ),
        )
    })?;
    let mut show = Show::default();
    for item in items.iter() {
        let name = r.string(item, "each name in `show`")?;
        if !Show::KEYS.contains(&name) {
            return Err(r.err(
                item.span(),
                format!(
                    "`show` has no overlay \"{name}\"; the overlays are {}",
                    Show::KEYS.join(", ")
                ),
            ));
        }
        show.set(name, true);
    }
    Ok(show)
}

/// The `kind` of a table (`owner` as messages name it), looked up in a catalog whose keys are
/// `kinds`; a typo is answered with the nearest key.
fn read_kind<'v, K>(
    r: &Reader,
    v: &Value,
    t: &'v DeTable,
    owner: &str,
    catalog: &str,
    kinds: &[&str],
    from_key: impl Fn(&str) -> Option<K>,
) -> R<(&'v str, K)> {
    let kind_value = get(t, "kind").ok_or_else(|| {
        r.err(
            v.span(),
            format!("{owner} has no `kind`; valid kinds: {}", kinds.join(", ")),
        )
    })?;
    let kind_name = r.string(kind_value, &format!("{owner} `kind`"))?;
    let kind = from_key(kind_name).ok_or_else(|| {
        let hint = suggest(kind_name, kinds.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        r.err(
            kind_value.span(),
            format!(
                "unknown {catalog} kind `{kind_name}`{hint}; valid kinds: {}",
                kinds.join(", ")
            ),
        )
    })?;
    Ok((kind_name, kind))
}

fn read_surface(r: &Reader, v: &Value, folder: Option<&Path>) -> R<Surface> {
    let t = r.table(v, "`surface`")?;
    let mut kinds: Vec<&str> = SurfaceKind::ALL.iter().map(|k| k.key()).collect();
    kinds.push(SurfaceKind::Formula.key());
    kinds.extend(ModelKind::ALL.map(ModelKind::key));
    let (kind_name, kind) = read_kind(
        r,
        v,
        t,
        "[surface]",
        "surface",
        &kinds,
        SurfaceKind::from_key,
    )?;
    if kind == SurfaceKind::Formula {
        return read_formula(r, v, t);
    }
    if let Some(model) = kind.model() {
        return read_data_surface(r, v, t, model, folder);
    }
    let params = kind.params();
    let mut valid: Vec<&str> = vec!["kind"];
    valid.extend(params.iter().map(|p| p.key));
    let mut surface = Surface::new(kind);
    for (key, value) in t.iter() {
        let name = key.get_ref().as_ref();
        if name == "kind" {
            continue;
        }
        let Some(param) = params.iter().find(|p| p.key == name) else {
            return Err(r.unknown_key(key, &format!("[surface] of kind `{kind_name}`"), &valid));
        };
        let x = r.number(value, &format!("`{name}`"))?;
        r.check_range(value, x, param.range, &format!("[surface] `{name}`"))?;
        surface = surface.with_param(name, x);
    }
    Ok(surface)
}

/// A data surface: `data` (required), `test_data`, `normalize` and `l2`.
fn read_data_surface(
    r: &Reader,
    v: &Value,
    t: &DeTable,
    model: ModelKind,
    folder: Option<&Path>,
) -> R<Surface> {
    const KEYS: [&str; 5] = ["kind", "data", "test_data", "normalize", "l2"];
    let place = format!("[surface] of kind `{}`", model.key());
    for (key, _) in t.iter() {
        if !KEYS.contains(&key.get_ref().as_ref()) {
            return Err(r.unknown_key(key, &place, &KEYS));
        }
    }
    let data_value = get(t, "data").ok_or_else(|| {
        r.err(
            v.span(),
            format!(
                "{place} needs `data`: inline [[feature, target], …], a CSV file \
                 \"points.csv\" or a built-in data set \"builtin:line\""
            ),
        )
    })?;
    let train = read_data(r, data_value, "`data`", folder)?;
    let test = get(t, "test_data")
        .map(|d| read_data(r, d, "`test_data`", folder).map(|set| (d, set)))
        .transpose()?;
    let normalize = match get(t, "normalize") {
        Some(n) => r.boolean(n, "[surface] `normalize`")?,
        None => false,
    };
    let l2 = match get(t, "l2") {
        Some(value) => {
            let x = r.number(value, "[surface] `l2`")?;
            let range = crate::engine::data::PARAMS[0].range;
            r.check_range(value, x, range, "[surface] `l2`")?;
            x
        }
        None => 0.0,
    };
    let test_span = test.as_ref().map(|(d, _)| d.span());
    let d = DataSurface::new(model, train, normalize, test.map(|(_, s)| s)).map_err(|m| {
        // the message names `data` or `test_data`: point at that one
        let span = match (m.starts_with("`test_data`"), &test_span) {
            (true, Some(s)) => s.clone(),
            _ if m.contains("normalize") => get(t, "normalize").map_or(v.span(), |n| n.span()),
            _ => data_value.span(),
        };
        r.err(span, format!("[surface] {m}"))
    })?;
    Ok(Surface::data(d, l2))
}

/// One data set: inline pairs, `"builtin:NAME"`, or a CSV file relative to `folder`.
fn read_data(r: &Reader, v: &Value, what: &str, folder: Option<&Path>) -> R<DataSet> {
    if let Some(items) = v.get_ref().as_array() {
        if items.len() > crate::engine::data::MAX_EXAMPLES {
            return Err(r.err(
                v.span(),
                format!(
                    "{what} has {} examples; the limit is {}",
                    items.len(),
                    crate::engine::data::MAX_EXAMPLES
                ),
            ));
        }
        let examples = items
            .iter()
            .enumerate()
            .map(|(i, item)| r.pair(item, &format!("{what} row {}", i + 1)))
            .collect::<R<Vec<_>>>()?;
        return Ok(DataSet::inline(examples));
    }
    let source = r.string(
        v,
        &format!("[surface] {what} (inline pairs, a CSV file or builtin:NAME)"),
    )?;
    if let Some(name) = source.strip_prefix("builtin:") {
        let set = dataset(name).ok_or_else(|| {
            let names: Vec<&str> = super::data::DATASETS.iter().map(|d| d.name).collect();
            let hint = suggest(name, names.iter().copied())
                .map(|s| format!(" (did you mean `builtin:{s}`?)"))
                .unwrap_or_default();
            r.err(
                v.span(),
                format!(
                    "unknown built-in data set `{name}`{hint}; built-in data sets: {}",
                    names.join(", ")
                ),
            )
        })?;
        let examples = parse_csv(set.csv).map_err(|e| {
            r.err(
                v.span(),
                format!(
                    "built-in data set `{name}` is broken at line {}: {}",
                    e.line, e.message
                ),
            )
        })?;
        return Ok(DataSet {
            examples,
            origin: Origin::Builtin(name.to_string()),
        });
    }
    let Some(folder) = folder else {
        return Err(r.err(
            v.span(),
            format!(
                "{what} = \"{source}\" names a file, but a scene from {} cannot read files: \
                 give the data inline or as builtin:NAME",
                r.origin
            ),
        ));
    };
    let path = folder.join(source);
    let shown = path.display().to_string();
    let io = |message: String| SceneError {
        kind: SceneErrorKind::Io,
        origin: shown.clone(),
        location: None,
        message: format!("{message} (named by {what} in {})", r.origin),
    };
    let text = read_data_file(&path).map_err(io)?;
    let examples = parse_csv(&text).map_err(|e| SceneError {
        kind: SceneErrorKind::Invalid,
        origin: shown.clone(),
        location: Some((e.line, e.column)),
        message: e.message,
    })?;
    Ok(DataSet {
        examples,
        origin: Origin::File(source.to_string()),
    })
}

/// `[surface] kind = "formula"`: the formula `f`, its constants' values in an optional
/// `params` table, and optionally the surface's own `view` and `start`.
fn read_formula(r: &Reader, v: &Value, t: &DeTable) -> R<Surface> {
    const KEYS: [&str; 5] = ["kind", "f", "params", "view", "start"];
    for (key, _) in t.iter() {
        if !KEYS.contains(&key.get_ref().as_ref()) {
            return Err(r.unknown_key(key, "[surface] of kind `formula`", &KEYS));
        }
    }
    let f = get(t, "f").ok_or_else(|| {
        r.err(
            v.span(),
            "[surface] of kind `formula` needs `f`, the formula in x and y, \
             like f = \"(1 - x)^2 + 100*(y - x^2)^2\"",
        )
    })?;
    let source = r.string(f, "[surface] `f`")?;
    let mut given = Vec::new();
    if let Some(p) = get(t, "params") {
        for (key, value) in r.table(p, "[surface] `params`")?.iter() {
            let name = key.get_ref().as_ref();
            if !Formula::valid_constant_name(name) {
                return Err(r.err(
                    key.span(),
                    format!(
                        "[surface] `params`: `{name}` cannot name a constant (names start \
                         with a letter or `_`; x, y, pi, e and the functions are taken)"
                    ),
                ));
            }
            given.push((
                name.to_string(),
                r.finite(value, &format!("`params.{name}`"))?,
            ));
        }
    }
    let formula = Formula::parse_with(source, &given).map_err(|e| {
        let at = formula_offset(r.text, f.span(), source, e.position).unwrap_or(f.span().start);
        r.err(at..at, format!("[surface] `f`: {e}"))
    })?;
    let view = get(t, "view").map(|v| read_view(r, v)).transpose()?;
    let start = match get(t, "start") {
        Some(v) => {
            let [x, y] = r.pair(v, "[surface] `start`")?;
            Some(Vec2::new(x, y))
        }
        None => None,
    };
    Ok(Surface::typed(TypedSurface::new(formula, view, start)))
}

/// The byte offset in the file of `position` (line, column) of a formula, when the formula
/// is written there literally (a string without escapes), so the error's file location is
/// the mistake itself; `None` otherwise (the message still gives the formula's column).
fn formula_offset(
    text: &str,
    span: Range<usize>,
    source: &str,
    position: Option<(usize, usize)>,
) -> Option<usize> {
    let (line, column) = position?;
    let raw = text.get(span.clone())?;
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q) && raw.ends_with(q) && raw.len() >= 2 * q.len())?;
    let inner = &raw[quote.len()..raw.len() - quote.len()];
    if inner != source {
        return None;
    }
    let line_start: usize = source
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let within: usize = source
        .get(line_start..)?
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    Some(span.start + quote.len() + line_start + within)
}

/// `camera = { azimuth = DEG, elevation = DEG }`; a key left out keeps the default.
fn read_camera(r: &Reader, v: &Value) -> R<Camera> {
    let t = r.table(v, "`camera`")?;
    let mut camera = Camera::default();
    for (key, value) in t.iter() {
        let what = format!("`camera.{}`", key.get_ref());
        let x = r.number(value, &what)?;
        let checked = match key.get_ref().as_ref() {
            "azimuth" => Camera::checked((x, what.as_str()), (camera.elevation, "")),
            "elevation" => Camera::checked((camera.azimuth, ""), (x, what.as_str())),
            _ => return Err(r.unknown_key(key, "`camera`", &["azimuth", "elevation"])),
        };
        camera = checked.map_err(|m| r.err(value.span(), m))?;
    }
    Ok(camera)
}

fn read_view(r: &Reader, v: &Value) -> R<ViewBox> {
    let t = r.table(v, "`view`")?;
    let mut view = ViewBox::square(1.0);
    let mut seen = [false; 2];
    for (key, value) in t.iter() {
        let axis = match key.get_ref().as_ref() {
            "x" => 0,
            "y" => 1,
            _ => return Err(r.unknown_key(key, "`view`", &["x", "y"])),
        };
        let what = format!("`view.{}`", key.get_ref());
        let [lo, hi] = r.pair(value, &what)?;
        let (most, least) = (limits::MAX_VIEW_COORD, limits::MIN_VIEW_EXTENT);
        if !(lo.abs() <= most && hi.abs() <= most && hi - lo >= least) {
            return Err(r.err(
                value.span(),
                format!(
                    "{what} must be [low, high] with low < high, high − low ≥ {least:e} and \
                     both within ±{most:e}, got [{lo:?}, {hi:?}]"
                ),
            ));
        }
        if axis == 0 {
            view.x = [lo, hi];
        } else {
            view.y = [lo, hi];
        }
        seen[axis] = true;
    }
    if seen != [true, true] {
        return Err(r.err(
            v.span(),
            "`view` needs both `x = [low, high]` and `y = [low, high]`",
        ));
    }
    Ok(view)
}

/// Optimizer #`number`; `examples` is n on a data surface (which `batch_size` needs).
fn read_optimizer(
    r: &Reader,
    v: &Value,
    number: usize,
    examples: Option<usize>,
) -> R<SceneOptimizer> {
    let t = r.table(v, &format!("optimizer #{number}"))?;
    let kinds: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.key()).collect();
    let owner = format!("optimizer #{number}");
    let (kind_name, kind) = read_kind(
        r,
        v,
        t,
        &owner,
        "optimizer",
        &kinds,
        OptimizerKind::from_key,
    )?;
    let place = format!("optimizer #{number} ({kind_name})");
    let keys: &[Key] = kind.keys();
    let mut valid: Vec<&str> = COMMON_OPTIMIZER_KEYS.to_vec();
    valid.extend(keys.iter().map(|k| k.name));

    let mut spec = OptimizerSpec::new(kind);
    let mut color = None;
    let mut enabled = true;
    if examples.is_some() && kind.knobs().any(|k| k == Knob::Noise) {
        // on data the noise is the minibatches' (CONTRACT.md: `sgd` defaults to noise 0)
        spec.hyper.set(Knob::Noise, 0.0);
    }
    for (key, value) in t.iter() {
        let name = key.get_ref().as_ref();
        match name {
            "kind" => {}
            "batch_size" => {
                let what = format!("{place}: `batch_size`");
                let Some(n) = examples else {
                    return Err(r.err(
                        value.span(),
                        format!(
                            "{what} is only for data surfaces (linear_regression, \
                                 logistic_regression, tanh_unit); this surface has no data"
                        ),
                    ));
                };
                let b = r.integer(value, &format!("{what} (n = {n} examples)"), 1, n as i64)?;
                spec.batch_size = Some(b as usize);
            }
            "label" => {
                let what = format!("{place}: `label`");
                spec.label = r.text(value, &what, limits::MAX_LABEL_CHARS)?.to_string();
            }
            "color" => {
                let s = r.string(value, &format!("{place}: `color`"))?;
                color = Some(parse_color(s).ok_or_else(|| {
                    r.err(
                        value.span(),
                        format!("{place}: `color` must be \"#rrggbb\", got \"{s}\""),
                    )
                })?);
            }
            "enabled" => enabled = r.boolean(value, &format!("{place}: `enabled`"))?,
            "clip_norm" => {
                let c = r.number(value, &format!("{place}: `clip_norm`"))?;
                if !(c.is_finite() && c > 0.0) {
                    return Err(r.err(
                        value.span(),
                        format!("{place}: `clip_norm` must be > 0, got {c}"),
                    ));
                }
                spec.clip_norm = Some(c);
            }
            "basis_rotation" => {
                spec.basis_rotation =
                    r.finite(value, &format!("{place}: `basis_rotation` (degrees)"))?;
            }
            "schedule" => spec.schedule = Some(read_schedule(r, value, &place)?),
            _ => {
                let Some(k) = keys.iter().find(|k| k.name == name) else {
                    return Err(r.unknown_key(key, &place, &valid));
                };
                read_knobs(r, value, k, &place, &mut spec)?;
            }
        }
    }
    Ok(SceneOptimizer {
        spec,
        color,
        enabled,
    })
}

/// Sets the knobs of one key: a number, a switch, or a pair such as `betas`.
fn read_knobs(r: &Reader, v: &Value, key: &Key, place: &str, spec: &mut OptimizerSpec) -> R<()> {
    let check = |knob: Knob, x: f64, v: &Value, what: &str| {
        r.check_range(v, x, knob.info().range, &format!("{place}: {what}"))
    };
    match key.knobs {
        [knob @ (Knob::Centered | Knob::BiasCorrection)] => {
            let b = r.boolean(v, &format!("{place}: `{}`", key.name))?;
            spec.hyper.set(*knob, f64::from(u8::from(b)));
        }
        [knob] => {
            let what = format!("`{}`", key.name);
            let x = r.number(v, &format!("{place}: {what}"))?;
            check(*knob, x, v, &what)?;
            spec.hyper.set(*knob, x);
        }
        knobs => {
            let what = format!("`{}`", key.name);
            let items = v.get_ref().as_array().filter(|a| a.len() == knobs.len());
            let Some(items) = items else {
                return Err(r.err(
                    v.span(),
                    format!(
                        "{place}: {what} must be an array of {} numbers, like [0.9, 0.999]",
                        knobs.len()
                    ),
                ));
            };
            for (i, (knob, item)) in knobs.iter().zip(items.iter()).enumerate() {
                let what = format!("`{}[{i}]`", key.name);
                let x = r.number(item, &format!("{place}: {what}"))?;
                check(*knob, x, item, &what)?;
                spec.hyper.set(*knob, x);
            }
        }
    }
    Ok(())
}

fn read_schedule(r: &Reader, v: &Value, place: &str) -> R<Schedule> {
    let t = r.table(v, &format!("{place}: `schedule`"))?;
    let kinds = ["linear", "step", "cosine"];
    let kind_value = get(t, "kind").ok_or_else(|| {
        r.err(
            v.span(),
            format!("{place}: `schedule` has no `kind`; valid kinds: linear, step, cosine"),
        )
    })?;
    let kind = r.string(kind_value, &format!("{place}: schedule `kind`"))?;
    let valid: &[&str] = match kind {
        "linear" | "cosine" => &["kind", "final_lr", "steps"],
        "step" => &["kind", "gamma", "every"],
        _ => {
            return Err(r.err(
                kind_value.span(),
                format!(
                    "{place}: unknown schedule kind `{kind}`; valid kinds: {}",
                    kinds.join(", ")
                ),
            ));
        }
    };
    let splace = format!("{place} schedule `{kind}`");
    for (key, _) in t.iter() {
        if !valid.contains(&key.get_ref().as_ref()) {
            return Err(r.unknown_key(key, &splace, valid));
        }
    }
    let required = |name: &str| {
        get(t, name).ok_or_else(|| r.err(v.span(), format!("{splace} needs `{name}`")))
    };
    let at_least_zero = |name: &str| -> R<f64> {
        let value = required(name)?;
        let x = r.number(value, &format!("{splace}: `{name}`"))?;
        if x.is_finite() && x >= 0.0 {
            Ok(x)
        } else {
            Err(r.err(
                value.span(),
                format!("{splace}: `{name}` must be ≥ 0, got {x}"),
            ))
        }
    };
    let count = |name: &str| -> R<u64> {
        let value = required(name)?;
        Ok(r.integer(value, &format!("{splace}: `{name}`"), 1, MAX_STEPS as i64)? as u64)
    };
    Ok(match kind {
        "linear" => Schedule::Linear {
            final_lr: at_least_zero("final_lr")?,
            steps: count("steps")?,
        },
        "cosine" => Schedule::Cosine {
            final_lr: at_least_zero("final_lr")?,
            steps: count("steps")?,
        },
        _ => Schedule::Step {
            gamma: at_least_zero("gamma")?,
            every: count("every")?,
        },
    })
}

/// `#rrggbb` to bytes.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}
