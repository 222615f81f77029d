//! File access for the window behind one small interface. On the desktop: native dialogs (rfd:
//! the desktop portal, or zenity) on a helper thread so the UI never blocks, an in-window path
//! prompt where no native dialog is available (a bare X server, a kiosk) or for tests, and
//! atomic writes. In the browser: the file picker for opening, downloads for saving. Files
//! dropped on the window take the same road as a picked file, chosen by their extension.

use crate::export::{Content, Format};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

/// What the user asked to do with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAction {
    OpenScene,
    SaveScene,
    ExportTrajectories,
    /// A still figure (PNG or SVG).
    ExportFigure(Format),
    ExportAnimation,
    /// The data surface's training examples from a CSV file.
    OpenData,
    /// The training examples to a CSV file.
    SaveData,
}

impl FileAction {
    pub fn title(&self) -> &'static str {
        match self {
            FileAction::OpenScene => "Open scene",
            FileAction::SaveScene => "Save scene as",
            FileAction::ExportTrajectories => "Export trajectories (CSV or JSON)",
            FileAction::ExportFigure(_) => "Save figure as",
            FileAction::ExportAnimation => "Save animation as",
            FileAction::OpenData => "Open data (CSV)",
            FileAction::SaveData => "Save data as CSV",
        }
    }
    pub fn is_save(&self) -> bool {
        !matches!(self, FileAction::OpenScene | FileAction::OpenData)
    }
    fn filter(&self) -> (&'static str, Vec<&'static str>) {
        let of = |content| Format::of(content).map(Format::extension).collect();
        match self {
            FileAction::OpenScene | FileAction::SaveScene => ("Scene", vec!["toml"]),
            FileAction::ExportTrajectories => ("Trajectories", of(Content::Data)),
            FileAction::ExportFigure(f) => (f.name(), vec![f.extension()]),
            FileAction::ExportAnimation => (Format::Gif.name(), of(Content::Animation)),
            FileAction::OpenData | FileAction::SaveData => ("CSV", vec!["csv"]),
        }
    }
}

/// What a file dropped on the window opens as, by its extension: a `.toml` as a scene, a `.csv`
/// as the data; anything else is refused with the one-line message returned.
pub fn drop_action(path: &Path) -> Result<FileAction, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("toml") => Ok(FileAction::OpenScene),
        Some("csv") => Ok(FileAction::OpenData),
        _ => Err(format!(
            "Cannot open {} by dropping it: drop a .toml scene or a .csv data file.",
            display_name(path)
        )),
    }
}

/// A dropped file's name as the user knows it: the browser gives only the name anyway.
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

/// The in-window fallback: a path typed by the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPrompt {
    pub action: FileAction,
    pub path: String,
}

/// What the user picked: a path (desktop; on the web, a download name) or, on the web, the
/// contents of an uploaded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chosen {
    Path(FileAction, PathBuf),
    Contents(FileAction, String, Vec<u8>),
}

type Answer = Option<Chosen>;

#[derive(Default)]
pub struct Files {
    pending: Option<Receiver<Answer>>,
    pub prompt: Option<PathPrompt>,
    /// Skip native dialogs (tests, or after one failed to appear).
    pub prompt_only: bool,
}

/// Writes `bytes` to `path` atomically; in the browser, offers them as a download instead.
pub fn save_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mime = Format::from_path(path).map_or("application/octet-stream", Format::mime);
    super::platform::save_bytes(path, bytes, mime)
}

/// True when a native dialog can be shown here.
#[cfg(not(target_arch = "wasm32"))]
fn native_dialogs_available() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
            || std::env::var_os("PATH").is_some_and(|paths| {
                std::env::split_paths(&paths).any(|p| p.join("zenity").is_file())
            })
    } else {
        true
    }
}

impl Files {
    /// Asks for a path for `action`; the answer arrives through [`Files::poll`].
    pub fn ask(&mut self, action: FileAction, suggested_name: &str) {
        if self.pending.is_some() {
            return;
        }
        #[cfg(target_arch = "wasm32")]
        {
            let (tx, rx) = channel();
            if action.is_save() {
                // the browser saves as a download under this name
                let _ = tx.send(Some(Chosen::Path(action, PathBuf::from(suggested_name))));
            } else {
                let (name, ext) = action.filter();
                let dialog = rfd::AsyncFileDialog::new().add_filter(name, &ext);
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = match dialog.pick_file().await {
                        Some(file) => Some(Chosen::Contents(
                            action,
                            file.file_name(),
                            file.read().await,
                        )),
                        None => None,
                    };
                    let _ = tx.send(answer);
                });
            }
            self.pending = Some(rx);
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.ask_native(action, suggested_name);
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn ask_native(&mut self, action: FileAction, suggested_name: &str) {
        if self.prompt_only || !native_dialogs_available() {
            let dir = std::env::current_dir().unwrap_or_default();
            self.prompt = Some(PathPrompt {
                action,
                path: dir.join(suggested_name).display().to_string(),
            });
            return;
        }
        let (tx, rx) = channel();
        let (name, ext) = action.filter();
        let dialog = rfd::FileDialog::new()
            .set_title(action.title())
            .add_filter(name, &ext)
            .set_file_name(suggested_name);
        let save = action.is_save();
        std::thread::spawn(move || {
            let path = if save {
                dialog.save_file()
            } else {
                dialog.pick_file()
            };
            let _ = tx.send(path.map(|p| Chosen::Path(action, p)));
        });
        self.pending = Some(rx);
    }

    /// Takes a file dropped on the window for `action`. On the desktop it is a path, acted on
    /// at once; the browser reads its bytes asynchronously, and they arrive through
    /// [`Files::poll`] like an uploaded file (`None` here; also while a dialog is still open).
    pub fn take_drop(
        &mut self,
        action: FileAction,
        file: egui::DroppedFileHandle,
    ) -> Option<Chosen> {
        #[cfg(target_arch = "wasm32")]
        {
            if self.pending.is_some() {
                return None;
            }
            let (tx, rx) = channel();
            wasm_bindgen_futures::spawn_local(async move {
                let name = display_name(file.path());
                let answer = file
                    .bytes_async()
                    .await
                    .ok()
                    .map(|bytes| Chosen::Contents(action, name, bytes));
                let _ = tx.send(answer);
            });
            self.pending = Some(rx);
            None
        }
        #[cfg(not(target_arch = "wasm32"))]
        Some(Chosen::Path(action, file.path().to_path_buf()))
    }

    /// What was chosen, once the dialog closes; `None` while it is open or when cancelled.
    pub fn poll(&mut self) -> Option<Chosen> {
        let rx = self.pending.as_ref()?;
        match rx.try_recv() {
            Ok(Some(chosen)) => {
                self.pending = None;
                Some(chosen)
            }
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                None
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
        }
    }
}
