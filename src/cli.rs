//! The command line of CONTRACT.md. Every failure becomes one message on stderr and an exit
//! code: 2 for bad input (scene, flag, output path), 1 for anything else.

use crate::engine;
use crate::scene::{BUILTINS, Scene, builtin};
use crate::trace::{self, Format};
use clap::{Parser, Subcommand, ValueEnum};
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
        #[arg(long, value_enum, default_value_t = TraceFormat::Csv)]
        format: TraceFormat,
        /// Write here instead of stdout (atomically: never half a file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the built-in scenes.
    Scenes,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TraceFormat {
    Csv,
    Json,
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
        Err(e) => {
            // clap prints help and version itself (exit 0) and usage errors with code 2
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
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

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Some(Command::Trace { scene, format, out }) => {
            let scene = Scene::load(&scene)?;
            let trajectories = engine::run(&scene.problem(), &scene.specs());
            let format = match format {
                TraceFormat::Csv => Format::Csv,
                TraceFormat::Json => Format::Json,
            };
            let text = trace::render(format, &scene, &trajectories);
            emit(text.as_bytes(), out.as_deref())
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
        None => open_app(cli.scene),
    }
}

/// Writes to `--out` atomically, or to stdout.
fn emit(bytes: &[u8], out: Option<&std::path::Path>) -> Result<(), CliError> {
    match out {
        Some(path) => crate::io::write_atomic(path, bytes).map_err(|e| {
            CliError::bad_input(format!("cannot write --out {}: {e}", path.display()))
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
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
    let _ = scene;
    Err(CliError::bad_input(
        "this build has no window (built without the `gui` feature); use `losscape trace` or `losscape scenes`",
    ))
}
