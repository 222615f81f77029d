//! File access for the window behind one small interface: native dialogs (rfd: the desktop
//! portal, or zenity) on a helper thread so the UI never blocks, and an in-window path prompt
//! where no native dialog is available (a bare X server, a kiosk) or for tests.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

/// What the user asked to do with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileAction {
    OpenScene,
    SaveScene,
    ExportTrajectories,
}

impl FileAction {
    pub fn title(&self) -> &'static str {
        match self {
            FileAction::OpenScene => "Open scene",
            FileAction::SaveScene => "Save scene as",
            FileAction::ExportTrajectories => "Export trajectories (CSV or JSON)",
        }
    }
    pub fn is_save(&self) -> bool {
        !matches!(self, FileAction::OpenScene)
    }
    fn filter(&self) -> (&'static str, &'static [&'static str]) {
        match self {
            FileAction::OpenScene | FileAction::SaveScene => ("Scene", &["toml"]),
            FileAction::ExportTrajectories => ("Trajectories", &["csv", "json"]),
        }
    }
}

/// The in-window fallback: a path typed by the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathPrompt {
    pub action: FileAction,
    pub path: String,
}

#[derive(Default)]
pub struct Files {
    pending: Option<(FileAction, Receiver<Option<PathBuf>>)>,
    pub prompt: Option<PathPrompt>,
    /// Skip native dialogs (tests, or after one failed to appear).
    pub prompt_only: bool,
}

/// True when a native dialog can be shown here.
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
            .add_filter(name, ext)
            .set_file_name(suggested_name);
        let save = action.is_save();
        std::thread::spawn(move || {
            let path = if save {
                dialog.save_file()
            } else {
                dialog.pick_file()
            };
            let _ = tx.send(path);
        });
        self.pending = Some((action, rx));
    }

    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// A chosen path, once the dialog closes; `None` while it is open or when cancelled.
    pub fn poll(&mut self) -> Option<(FileAction, PathBuf)> {
        let (_, rx) = self.pending.as_ref()?;
        match rx.try_recv() {
            Ok(Some(path)) => self.pending.take().map(|(a, _)| (a, path)),
            Ok(None) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                None
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
        }
    }
}
