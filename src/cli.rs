//! The command line (the README's "Command line"). Every failure becomes one message on
//! stderr and an exit code: 2 for bad input (scene, flag, output path), 1 for anything else.

mod map;

use crate::export::{Content, Format};
use crate::scene::{BUILTINS, Scene, builtin};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "losscape",
    version,
    about = "Watch deep-learning optimizers move over 2-parameter loss surfaces.",
    long_about = "Watch deep-learning optimizers move over 2-parameter loss surfaces, exactly as \
                  torch.optim computes them.\n\nWith no command, opens the desktop app on the \
                  default scene, or on SCENE (a .toml file or builtin:NAME).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A scene to open in the app: a .toml file or builtin:NAME.
    pub scene: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compute every trajectory of a scene and print it.
    Trace {
        /// The scene: a .toml file or builtin:NAME.
        #[arg(long)]
        scene: String,
        #[arg(long, default_value = "csv", value_parser = data_format())]
        format: Format,
        /// Write here instead of stdout (atomically: never half a file).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Add each optimizer's state after every update under torch.optim's names
        /// (`exp_avg`, `momentum_buffer`, …), aligned with its points (JSON only).
        #[arg(long)]
        state: bool,
    },
    /// Draw a scene's figure to a PNG or SVG file, or animate it as a GIF, with no window,
    /// display or GPU.
    Render(Box<RenderArgs>),
    /// Map many runs of one optimizer: where each start of the view ends (basin), or how
    /// each pair of values of two hyperparameters does from the scene's start (sweep).
    Map(map::MapArgs),
    /// List the built-in scenes.
    Scenes,
    /// List the built-in data sets (`data = "builtin:NAME"` on a data surface).
    Datasets,
    /// Print a share link that opens a scene in the web page (or, given to `losscape`, in the
    /// desktop app).
    Link {
        /// The scene: a .toml file or builtin:NAME.
        #[arg(long)]
        scene: String,
        /// The web page's address.
        #[arg(long, default_value = crate::scene::link::LOCAL_SITE)]
        base: String,
    },
    /// Time each stage of the work on a scene and print one JSON object (a benchmark: it
    /// asserts nothing).
    Bench {
        /// The scene: a .toml file or builtin:NAME.
        #[arg(long)]
        scene: String,
        /// Grid resolution (N × N) for the surface and contour stages.
        #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(2..=8192))]
        grid: u32,
        /// Number of log-spaced contour levels.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10000))]
        levels: u32,
    },
}

/// `--format` of `trace`: one of the data formats, by name.
fn data_format() -> clap::builder::ValueParser {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    let names: Vec<&'static str> = Format::of(Content::Data).map(Format::extension).collect();
    PossibleValuesParser::new(names)
        .try_map(|name| Format::from_extension(&name).ok_or("not a data format"))
        .into()
}

/// A failure with its exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn bad_input(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<crate::scene::SceneError> for CliError {
    fn from(e: crate::scene::SceneError) -> Self {
        CliError::bad_input(e.to_string())
    }
}

/// Parses the arguments, runs, and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // help and version, printed as clap lays them out (exit 0)
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("losscape: {}", usage_error(&e));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("losscape: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// A usage error as one line, like every other error: clap's first paragraph joined (without
/// its `error: ` prefix; it may list the missing arguments below) and where to read more.
fn usage_error(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let first = first.join(" ");
    let first = first.strip_prefix("error: ").unwrap_or(&first);
    let first = if first.is_empty() {
        "invalid arguments"
    } else {
        first
    };
    format!("{first} (see `losscape --help`)")
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Trace {
            scene,
            format,
            out,
            state,
        }) => {
            if state && format != Format::Json {
                return Err(CliError::bad_input(
                    "--state needs --format json: a CSV row has no room for the optimizer's state (see `losscape --help`)",
                ));
            }
            if let Some(path) = &out {
                check_out(path)?;
            }
            let scene = Scene::load(&scene)?;
            // rows are written as each batch of optimizers is computed
            emit_with(out.as_deref(), |w| {
                crate::trace::compute_and_write(format, &scene, state, w)
            })
        }
        Some(Command::Render(args)) => render(*args),
        Some(Command::Map(args)) => map::map(args),
        Some(Command::Bench {
            scene,
            grid,
            levels,
        }) => {
            let source = scene;
            let scene = Scene::load(&source)?;
            let opts = crate::bench::BenchOptions {
                grid: grid as usize,
                levels: levels as usize,
                source,
            };
            let report = crate::bench::run(&scene, &opts);
            let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
            text.push('\n');
            emit(text.as_bytes(), None)
        }
        Some(Command::Link { scene, base }) => {
            let scene = Scene::load(&scene)?;
            let text = format!("{}\n", crate::scene::link::link(&base, &scene));
            emit(text.as_bytes(), None)
        }
        Some(Command::Scenes) => {
            let width = BUILTINS.iter().map(|b| b.name.len()).max().unwrap_or(0);
            let mut text = String::new();
            for b in BUILTINS {
                let description = builtin(b.name).map(|s| s.description).unwrap_or_default();
                text.push_str(&format!("{:width$}  {description}\n", b.name));
            }
            emit(text.as_bytes(), None)
        }
        Some(Command::Datasets) => {
            use crate::scene::data::DATASETS;
            let width = DATASETS.iter().map(|d| d.name.len()).max().unwrap_or(0);
            let mut text = String::new();
            for d in DATASETS {
                text.push_str(&format!("{:width$}  {}\n", d.name, d.description));
            }
            emit(text.as_bytes(), None)
        }
        None => open_app(cli.scene),
    }
}

/// The arguments of `losscape render`.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// The scene: a .toml file or builtin:NAME.
    #[arg(long)]
    scene: String,
    /// The output: FIG.png, FIG.svg or ANIM.gif (written atomically: never half a file).
    #[arg(long)]
    out: PathBuf,
    /// Width in pixels, 16 to 8192.
    #[arg(long, default_value_t = 1600, allow_negative_numbers = true)]
    width: i64,
    /// Height in pixels, 16 to 8192.
    #[arg(long, default_value_t = 1200, allow_negative_numbers = true)]
    height: i64,
    /// PNG and SVG: draw the trails up to this step [default: the last step].
    #[arg(long, allow_negative_numbers = true)]
    step: Option<i64>,
    /// GIF: frames from step 0 to the last step, 1 to 10000 [default: 120].
    #[arg(long, allow_negative_numbers = true)]
    frames: Option<i64>,
    /// GIF: frames per second, above 0 and at most 100 [default: 30].
    #[arg(long, allow_negative_numbers = true)]
    fps: Option<f64>,
    /// The page and legend colours: dark (as the app's dark theme) or light (slides, print).
    #[arg(long, default_value = "dark", value_parser = ["dark", "light"])]
    theme: String,
    /// Where the legend goes: beside the plot (room is made for it), auto (inside, in the
    /// corner with the fewest trail points) or hidden.
    #[arg(long, default_value = "beside", value_parser = ["beside", "auto", "hidden"])]
    legend: String,
    /// SVG: text as glyph outlines (looks the same in every program) or as selectable
    /// text in the embedded font (exact in browsers only).
    #[arg(long, value_parser = ["outlines", "text"])]
    svg_text: Option<String>,
    /// Draw this optimizer (its position in the scene, from 1) on top, the others dimmed.
    #[arg(long, allow_negative_numbers = true)]
    highlight: Option<i64>,
    /// What to draw: 2d (the contour map), 3d (the landscape) or both side by side.
    #[arg(long, default_value = "2d")]
    view: String,
    /// 3D: the camera's azimuth in degrees, -180 to 180 [default: the scene's camera, else -60].
    #[arg(long, allow_negative_numbers = true)]
    azimuth: Option<f64>,
    /// 3D: the camera's elevation in degrees, 0 to 90 [default: the scene's camera, else 30].
    #[arg(long, allow_negative_numbers = true)]
    elevation: Option<f64>,
    /// 3D GIF: turn the camera once around at the last step instead of playing the steps.
    #[arg(long)]
    orbit: bool,
}

/// The format `--out` names by its extension (any case): a figure or an animation.
fn render_format(out: &std::path::Path) -> Result<Format, CliError> {
    let figures: Vec<String> = Format::ALL
        .into_iter()
        .filter(|f| f.content() != Content::Data)
        .map(|f| format!(".{f}"))
        .collect();
    let choice = match figures.split_last() {
        Some((last, rest)) => format!("use {} or {last}", rest.join(", ")),
        None => String::new(),
    };
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        None => Err(CliError::bad_input(format!(
            "--out {} has no extension: {choice}",
            out.display()
        ))),
        Some(ext) => Format::from_extension(ext)
            .filter(|f| f.content() != Content::Data)
            .ok_or_else(|| {
                CliError::bad_input(format!(
                    "unknown extension \".{ext}\" in --out {}: {choice}",
                    out.display()
                ))
            }),
    }
}

fn render(args: RenderArgs) -> Result<(), CliError> {
    use crate::export::{
        self, ExportError, FigureRequest, GifOptions, Look, MAX_FPS, MAX_FRAMES, ViewMode,
    };
    use crate::scene::Camera;
    use crate::scene::camera::{AZIMUTH_RANGE, ELEVATION_RANGE};
    let out = args.out;
    let format = render_format(&out)?;
    // flags that do not apply to this kind of output are mistakes, not to be ignored silently
    if format.content() == Content::Animation {
        if args.step.is_some() {
            return Err(CliError::bad_input(
                "--step only applies to still images (.png, .svg): a GIF runs from step 0 to the last step",
            ));
        }
    } else {
        for (flag, given) in [
            ("--frames", args.frames.is_some()),
            ("--fps", args.fps.is_some()),
        ] {
            if given {
                return Err(CliError::bad_input(format!(
                    "{flag} only applies to animations: use --out NAME.gif"
                )));
            }
        }
    }
    let size = |flag: &str, what: &str, v: i64| -> Result<u32, CliError> {
        export::check_size(v, i64::from(export::MIN_SIZE))
            .map(|(v, _)| v)
            .map_err(|_| {
                CliError::bad_input(format!(
                    "{flag} {v} is out of range: the {what} must be {} to {} pixels",
                    export::MIN_SIZE,
                    export::MAX_SIZE
                ))
            })
    };
    let width = size("--width", "width", args.width)?;
    let height = size("--height", "height", args.height)?;
    let frames = args.frames.unwrap_or(120);
    let frames = u32::try_from(frames)
        .ok()
        .filter(|f| (1..=MAX_FRAMES).contains(f))
        .ok_or_else(|| {
            CliError::bad_input(format!(
                "--frames {frames} is out of range: a GIF has 1 to {MAX_FRAMES} frames"
            ))
        })?;
    let fps = args.fps.unwrap_or(30.0);
    if !(fps > 0.0 && fps <= MAX_FPS) {
        return Err(CliError::bad_input(format!(
            "--fps {fps} is out of range: the rate must be above 0 and at most {MAX_FPS} frames per second"
        )));
    }
    let opts = GifOptions { frames, fps };
    if args.svg_text.is_some() && format != Format::Svg {
        return Err(CliError::bad_input(
            "--svg-text only applies to SVG figures: use --out NAME.svg",
        ));
    }
    let mode = ViewMode::from_key(&args.view).ok_or_else(|| {
        CliError::bad_input(format!(
            "--view {} is not a view: use 2d, 3d or both",
            args.view
        ))
    })?;
    let three_d_only = [
        ("--azimuth", args.azimuth.is_some()),
        ("--elevation", args.elevation.is_some()),
        ("--orbit", args.orbit),
    ];
    for (flag, given) in three_d_only {
        if given && !mode.has_3d() {
            return Err(CliError::bad_input(format!(
                "{flag} only applies to the 3D view: add --view 3d or --view both"
            )));
        }
    }
    if args.orbit && format.content() != Content::Animation {
        return Err(CliError::bad_input(
            "--orbit only applies to animations: use --out NAME.gif",
        ));
    }
    check_out(&out)?;

    let scene = Scene::load(&args.scene)?;
    let last = scene.last_step();
    let step = match args.step {
        None => last,
        Some(s) => usize::try_from(s)
            .ok()
            .filter(|&s| s <= last)
            .ok_or_else(|| {
                CliError::bad_input(format!(
                    "--step {s} is out of range: {} has steps 0 to {last}",
                    args.scene
                ))
            })?,
    };
    let highlight = match args.highlight {
        None => None,
        Some(k) => Some(
            usize::try_from(k)
                .ok()
                .filter(|&k| (1..=scene.optimizers.len()).contains(&k))
                .map(|k| k - 1)
                .ok_or_else(|| {
                    CliError::bad_input(format!(
                        "--highlight {k} is out of range: {} has optimizers 1 to {}",
                        args.scene,
                        scene.optimizers.len()
                    ))
                })?,
        ),
    };
    let style = export::FigureStyle {
        // clap allows only the names these parse
        theme: export::Theme::parse(&args.theme).unwrap_or_default(),
        legend: export::LegendPlacement::parse(&args.legend).unwrap_or_default(),
        highlight,
    };
    let base = scene.camera.unwrap_or_default();
    let angle = |flag: &str, what: &str, given: Option<f64>, range: [f64; 2]| match given {
        Some(v) if !(v >= range[0] && v <= range[1]) => Err(CliError::bad_input(format!(
            "{flag} {v} is out of range: the {what} must be {} to {} degrees",
            range[0], range[1]
        ))),
        _ => Ok(()),
    };
    angle("--azimuth", "azimuth", args.azimuth, AZIMUTH_RANGE)?;
    angle("--elevation", "elevation", args.elevation, ELEVATION_RANGE)?;
    let camera = Camera {
        azimuth: args.azimuth.unwrap_or(base.azimuth),
        elevation: args.elevation.unwrap_or(base.elevation),
    };
    let runs = crate::scene::Runs::compute(&scene);
    let whole = FigureRequest::whole(&scene, &runs, width, height).in_mode(mode);
    let req = FigureRequest {
        step,
        style,
        svg_text: args
            .svg_text
            .as_deref()
            .and_then(export::SvgText::parse)
            .unwrap_or_default(),
        look: Look {
            camera,
            orbit: args.orbit,
            ..whole.look
        },
        ..whole
    };

    let shown = out.display().to_string();
    let failed = |e: ExportError| match e {
        ExportError::InvalidSize { .. } | ExportError::InvalidOption(_) => {
            CliError::bad_input(e.to_string())
        }
        ExportError::Io(e) => CliError::bad_input(format!("cannot write --out {shown}: {e}")),
        ExportError::Cancelled => CliError {
            code: 1,
            message: crate::io::interrupted_message(&out),
        },
        ExportError::Encode(_) => CliError {
            code: 1,
            message: format!("cannot render {shown}: {e}"),
        },
    };
    let bytes = match format.render_still(&req) {
        Some(bytes) => bytes.map_err(failed)?,
        None => {
            let mut bar = ProgressBar::new(&out);
            let mut failure = None;
            let written = crate::io::write_atomic_with(&out, |w| {
                // a signal ends the process from src/io.rs, removing the temporary file
                let mut progress = |done: u32, total: u32| {
                    bar.show(done, total);
                    true
                };
                export::render_gif(&req, &opts, w, &mut progress).map_err(|e| {
                    let message = e.to_string();
                    failure = Some(e);
                    std::io::Error::other(message)
                })
            });
            bar.finish();
            return match (written, failure) {
                (Ok(()), _) => Ok(()),
                (Err(_), Some(e)) => Err(failed(e)),
                (Err(e), None) => Err(failed(ExportError::Io(e))),
            };
        }
    };
    crate::io::write_atomic(&out, &bytes).map_err(|e| failed(ExportError::Io(e)))
}

/// `[#####.....] 57/120 frames` on stderr, redrawn in place, only when stderr is a terminal.
struct ProgressBar {
    label: String,
    enabled: bool,
    shown: Option<u32>,
}

impl ProgressBar {
    fn new(out: &std::path::Path) -> Self {
        use std::io::IsTerminal;
        ProgressBar {
            label: out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            enabled: std::io::stderr().is_terminal(),
            shown: None,
        }
    }

    fn show(&mut self, done: u32, total: u32) {
        if !self.enabled || self.shown == Some(done) {
            return;
        }
        self.shown = Some(done);
        let width = 30;
        let filled = (done as usize * width)
            .checked_div(total as usize)
            .unwrap_or(width);
        let filled = filled.min(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{} [{}{}] {done}/{total} frames",
            self.label,
            "#".repeat(filled),
            ".".repeat(width - filled)
        );
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.enabled && self.shown.is_some() {
            eprintln!();
        }
    }
}

/// Refuses an `--out` that exists and is not a regular file, before any work.
pub(crate) fn check_out(path: &std::path::Path) -> Result<(), CliError> {
    crate::io::check_target(path)
        .map_err(|e| CliError::bad_input(format!("cannot write --out {}: {e}", path.display())))
}

/// Writes to `--out` atomically, or to stdout.
fn emit(bytes: &[u8], out: Option<&std::path::Path>) -> Result<(), CliError> {
    emit_with(out, |w| w.write_all(bytes))
}

/// Writes what `fill` produces to `--out` atomically, or to stdout as it comes.
fn emit_with(
    out: Option<&std::path::Path>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match out {
        Some(path) => crate::io::write_atomic_with(path, fill).map_err(|e| {
            CliError::bad_input(format!("cannot write --out {}: {e}", path.display()))
        }),
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match fill(&mut stdout).and_then(|()| stdout.flush()) {
                Ok(()) => Ok(()),
                // a closed pipe (`| head`) is the reader's choice, not a failure
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(CliError {
                    code: 1,
                    message: format!("cannot write to stdout: {e}"),
                }),
            }
        }
    }
}

#[cfg(feature = "gui")]
fn open_app(scene: Option<String>) -> Result<(), CliError> {
    let initial = match scene {
        Some(s) => Some(Scene::load(&s)?),
        None => None,
    };
    crate::app::run(initial).map_err(|e| CliError {
        code: 1,
        message: format!("cannot open the window: {e}"),
    })
}

#[cfg(not(feature = "gui"))]
fn open_app(scene: Option<String>) -> Result<(), CliError> {
    let what = scene.map_or_else(|| "the app".to_string(), |s| format!("`{s}` in the app"));
    Err(CliError::bad_input(format!(
        "cannot open {what}: this build has no window (built without the `gui` feature); use `losscape trace`, `losscape render` or `losscape scenes`"
    )))
}
