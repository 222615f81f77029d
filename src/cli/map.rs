//! `losscape map`: a basin or sweep map of one of a scene's optimizers, as a PNG picture or
//! a CSV of its cells. Flags are checked before any work, each mistake one message naming
//! the flag and its valid values (exit 2), like the other commands.

use super::{CliError, check_out};
use crate::engine::map::Progressive;
use crate::engine::run::Control;
use crate::export::{ExportError, MapPicture};
use crate::scene::Scene;
use crate::scene::map::{MapChoice, MapRequest, map_spec};
use std::path::PathBuf;

/// Width and height of a map's PNG.
const IMAGE: (u32, u32) = (1200, 960);

/// The arguments of `losscape map`.
#[derive(clap::Args, Debug)]
pub struct MapArgs {
    /// The scene: a .toml file or builtin:NAME.
    #[arg(long)]
    scene: String,
    /// basin: each pixel of the view is a start; sweep: each cell a pair of hyperparameter values.
    #[arg(long, value_parser = ["basin", "sweep"])]
    kind: String,
    /// The label of the scene's optimizer to map [default: the first enabled one].
    #[arg(long)]
    optimizer: Option<String>,
    /// Sweep: the hyperparameter along x (a scene key: lr, momentum, beta1, eps…) [default: the
    /// optimizer's first].
    #[arg(long)]
    x: Option<String>,
    /// Sweep: the hyperparameter along y [default: the optimizer's second].
    #[arg(long)]
    y: Option<String>,
    /// Sweep: the x range as LOW,HIGH [default: 1/100 to 100 times a log knob's value, a
    /// decay's slider range].
    #[arg(long, allow_hyphen_values = true)]
    x_range: Option<String>,
    /// Sweep: the y range as LOW,HIGH.
    #[arg(long, allow_hyphen_values = true)]
    y_range: Option<String>,
    /// Cells along the map's longer side, 8 to 1024.
    #[arg(long, allow_negative_numbers = true)]
    size: Option<i64>,
    /// The output: MAP.png (the picture) or MAP.csv (one row per cell).
    #[arg(long)]
    out: PathBuf,
}

/// `LOW,HIGH` as two finite numbers.
fn range(flag: &str, text: &Option<String>) -> Result<Option<[f64; 2]>, CliError> {
    let Some(text) = text else { return Ok(None) };
    let parts: Vec<Option<f64>> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    match parts[..] {
        [Some(lo), Some(hi)] => Ok(Some([lo, hi])),
        _ => Err(CliError::bad_input(format!(
            "{flag} {text} is not a range: write LOW,HIGH, two finite numbers (e.g. 1e-3,1)"
        ))),
    }
}

pub(super) fn map(args: MapArgs) -> Result<(), CliError> {
    let out = args.out;
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let csv = match ext.as_deref() {
        Some("png") => false,
        Some("csv") => true,
        _ => {
            return Err(CliError::bad_input(format!(
                "--out {} must end in .png (the picture) or .csv (the cells)",
                out.display()
            )));
        }
    };
    let size = match args.size {
        None => None,
        Some(n) => Some(usize::try_from(n).map_err(|_| {
            CliError::bad_input(format!(
                "--size {n} is out of range: a map has {} to {} cells a side",
                crate::scene::map::MIN_MAP_SIZE,
                crate::scene::limits::MAX_MAP_SIZE
            ))
        })?),
    };
    let req = MapRequest {
        kind: if args.kind == "sweep" {
            MapChoice::Sweep
        } else {
            MapChoice::Basin
        },
        optimizer: args.optimizer,
        x: args.x,
        y: args.y,
        x_range: range("--x-range", &args.x_range)?,
        y_range: range("--y-range", &args.y_range)?,
        size,
    };
    check_out(&out)?;
    let scene = Scene::load(&args.scene)?;
    let mut spec = map_spec(&scene, &req).map_err(CliError::bad_input)?;
    if !csv {
        spec = crate::export::fit_basin_to_png(&scene, &spec, IMAGE.0, IMAGE.1);
    }
    let mut progressive = Progressive::new(spec);
    // no cancel: a signal ends the process, and nothing is written before the map is done
    let _ = progressive.finish(&Control::default());
    let cells = progressive.cells();
    let minima = progressive.judge().minima.clone();
    let pic = MapPicture {
        scene: &scene,
        spec: &progressive.spec,
        cells: &cells,
        minima: &minima,
    };
    let shown = out.display().to_string();
    let bytes = if csv {
        crate::export::map_csv(&pic).into_bytes()
    } else {
        crate::export::render_map_png(&pic, IMAGE.0, IMAGE.1).map_err(|e| match e {
            ExportError::Io(e) => CliError::bad_input(format!("cannot write --out {shown}: {e}")),
            e => CliError {
                code: 1,
                message: format!("cannot render {shown}: {e}"),
            },
        })?
    };
    crate::io::write_atomic(&out, &bytes)
        .map_err(|e| CliError::bad_input(format!("cannot write --out {shown}: {e}")))?;
    Ok(())
}
