//! What the app does with files and exports: opening and saving scenes, the answers of file
//! dialogs, screenshots, background renders and their results. The windows and commands only
//! call these.

use super::LosscapeApp;
use super::export;
use super::files::{self, FileAction};
use crate::scene::{self, Scene};

impl LosscapeApp {
    /// The scene, runs, view and step as shown now, for an off-screen render.
    pub fn snapshot(&self) -> export::Snapshot {
        let view = self.plot.visible.unwrap_or_else(|| self.session.view_box());
        export::Snapshot {
            scene: self.session.scene.clone(),
            runs: self.session.runs.clone(),
            view,
            step: self.session.clock.step,
            style: self.plot.style,
            mode: self.plot.view3d.mode,
            look: crate::export::Look {
                camera: self.plot.view3d.camera,
                heights: self.plot.view3d.heights,
                ..Default::default()
            },
        }
    }

    /// Asks the window for a screenshot; it is saved when it arrives.
    pub fn request_screenshot(&mut self, ctx: &egui::Context) {
        let slot = std::sync::Arc::clone(&self.screenshot);
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image| {
            if let Ok(mut s) = slot.lock() {
                *s = Some(image);
            }
            repaint.request_repaint();
        });
    }

    /// Saves the part of a window screenshot that shows the plot.
    pub fn screenshot_arrived(&mut self, ctx: &egui::Context, image: &egui::ColorImage) {
        let Some(area) = self.plot.area else { return };
        let ppp = ctx.pixels_per_point();
        let rect = [
            (area.min.x * ppp).round().max(0.0) as usize,
            (area.min.y * ppp).round().max(0.0) as usize,
            (area.width() * ppp).round() as usize,
            (area.height() * ppp).round() as usize,
        ];
        let path = export::screenshot_path(
            self.screenshot_dir.as_deref(),
            self.session.scene.title(),
            self.session.clock.step,
        );
        let result = export::screenshot_png(image, rect)
            .and_then(|png| files::save_bytes(&path, &png).map_err(|e| e.to_string()));
        match result {
            Ok(()) => self.toast(ctx, format!("Screenshot saved to {}", path.display())),
            Err(e) => {
                self.session.notice = Some(format!(
                    "Could not save the screenshot {}: {e}",
                    path.display()
                ))
            }
        }
    }

    /// Renders the figure as shown (at the export dialog's size) and puts it on the
    /// clipboard when done, to paste into slides.
    pub fn copy_figure(&mut self, ctx: &egui::Context) {
        if self.clipboard_job.is_some() {
            return;
        }
        let (w, h) = (self.export.width, self.export.height);
        self.clipboard_job = Some(export::ClipboardJob::start(self.snapshot(), w, h));
        self.toast(ctx, format!("Copying the figure ({w} × {h})..."));
        ctx.request_repaint();
    }

    pub(crate) fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(job) = &self.clipboard_job {
            match job.finished() {
                Some(Ok(image)) => {
                    self.clipboard_job = None;
                    let [w, h] = image.size;
                    ctx.copy_image(image);
                    self.toast(
                        ctx,
                        format!("Figure copied ({w} × {h}): paste it into your slides."),
                    );
                }
                Some(Err(message)) => {
                    self.clipboard_job = None;
                    self.session.notice = Some(message);
                }
                None => ctx.request_repaint_after(std::time::Duration::from_millis(30)),
            }
        }
        let arrived = self.screenshot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = arrived {
            self.screenshot_arrived(ctx, &image);
        }
        if let Some(job) = &self.job {
            match job.finished() {
                Some(Ok(path)) => {
                    self.job = None;
                    self.toast(ctx, format!("Saved {}", path.display()));
                }
                Some(Err(message)) => {
                    self.job = None;
                    self.session.notice = Some(message);
                }
                None => ctx.request_repaint_after(std::time::Duration::from_millis(50)),
            }
        }
    }

    /// Opens a built-in scene or a file, keeping the current scene if that fails.
    pub fn open(&mut self, source: &str) {
        match Scene::load(source) {
            Ok(s) => {
                self.scene_path = (!source.starts_with("builtin:")).then(|| source.into());
                self.session.load(s);
                self.plot.reset_view = true;
            }
            Err(e) => self.session.notice = Some(e.to_string()),
        }
    }

    /// Opens a scene from the contents of a file the user uploaded (the web page).
    pub fn open_contents(&mut self, ctx: &egui::Context, name: &str, bytes: &[u8]) {
        let parsed = std::str::from_utf8(bytes)
            .map_err(|_| format!("{name}: not a text file"))
            .and_then(|text| scene::parse(text, name).map_err(|e| e.to_string()));
        match parsed {
            Ok(s) => {
                self.session.load(s);
                self.plot.reset_view = true;
                self.toast(ctx, format!("Opened {name}"));
            }
            Err(e) => self.session.notice = Some(e),
        }
    }

    /// Acts on a path the user chose.
    pub fn file_chosen(&mut self, ctx: &egui::Context, action: FileAction, path: &std::path::Path) {
        match action {
            FileAction::OpenScene => {
                let before = self.session.notice.clone();
                self.open(&path.display().to_string());
                if self.session.notice == before {
                    self.toast(ctx, format!("Opened {}", path.display()));
                }
            }
            FileAction::OpenData => {
                let shown = path.display().to_string();
                let read = crate::scene::data::read_data_file(path)
                    .map_err(|e| format!("{shown}: {e}"))
                    .and_then(|text| self.open_data_text(ctx, &shown, &text));
                if let Err(e) = read {
                    self.session.notice = Some(e);
                }
            }
            FileAction::ExportFigure(_) => {
                self.job = Some(export::start_figure(
                    self.snapshot(),
                    &self.export,
                    path.to_path_buf(),
                ));
            }
            FileAction::ExportAnimation => {
                let mut snapshot = self.snapshot();
                if self.export.to_last_step {
                    snapshot.step = self.session.last_step();
                }
                self.job = Some(export::start_animation(
                    snapshot,
                    &self.export,
                    path.to_path_buf(),
                ));
            }
            _ => self.write_file(ctx, action, path),
        }
    }

    pub(crate) fn write_file(
        &mut self,
        ctx: &egui::Context,
        action: FileAction,
        path: &std::path::Path,
    ) {
        let bytes = match action {
            FileAction::SaveScene => self.session.scene.to_toml(),
            FileAction::SaveData => {
                match super::data_panel::examples(&self.session.scene.surface) {
                    Some(e) => crate::scene::data::to_csv(e),
                    None => return,
                }
            }
            FileAction::ExportTrajectories => {
                let format = crate::export::Format::from_path(path)
                    .filter(|f| f.content() == crate::export::Content::Data)
                    .unwrap_or(crate::export::Format::Csv);
                format
                    .render_data(&self.session.scene, &self.session.runs)
                    .unwrap_or_default()
            }
            _ => return,
        };
        match files::save_bytes(path, bytes.as_bytes()) {
            Ok(()) => {
                if action == FileAction::SaveScene {
                    self.scene_path = Some(path.to_path_buf());
                }
                self.toast(ctx, format!("Saved {}", path.display()));
            }
            Err(e) => {
                self.session.notice = Some(format!(
                    "Could not save {}: {e}. Nothing was changed.",
                    path.display()
                ))
            }
        }
    }

    pub(crate) fn save_scene(&mut self, ctx: &egui::Context) {
        match self.scene_path.clone() {
            Some(path) => self.write_file(ctx, FileAction::SaveScene, &path),
            None => self
                .files
                .ask(FileAction::SaveScene, &self.suggested_name("toml")),
        }
    }

    pub(crate) fn poll_files(&mut self, ctx: &egui::Context) {
        if let Some(chosen) = self.files.poll() {
            self.act_on(ctx, chosen);
        }
    }

    /// Opens what was chosen in a dialog, uploaded or dropped.
    fn act_on(&mut self, ctx: &egui::Context, chosen: files::Chosen) {
        match chosen {
            files::Chosen::Path(action, path) => self.file_chosen(ctx, action, &path),
            files::Chosen::Contents(FileAction::OpenData, name, bytes) => {
                let read = std::str::from_utf8(&bytes)
                    .map_err(|_| format!("{name}: not a text file"))
                    .and_then(|text| self.open_data_text(ctx, &name, text));
                if let Err(e) = read {
                    self.session.notice = Some(e);
                }
            }
            files::Chosen::Contents(_, name, bytes) => self.open_contents(ctx, &name, &bytes),
        }
    }

    /// Files dropped on the window this frame: a `.toml` opens as a scene (as File > Open), a
    /// `.csv` replaces a data surface's examples (as Data > Open CSV); anything else, or a CSV
    /// on a surface without data, gets a one-line message and nothing changes. Only the first
    /// of several files is opened: each would replace the one before.
    pub(crate) fn take_dropped(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let Some(file) = dropped.first().cloned() else {
            return;
        };
        let name = files::display_name(file.path());
        match files::drop_action(file.path()) {
            Ok(FileAction::OpenData) if self.session.scene.surface.data_surface().is_none() => {
                self.session.notice = Some(format!(
                    "{name}: a CSV replaces the examples of a data surface, and this scene's \
                     surface has none. Open a data scene first. Nothing was changed."
                ));
            }
            Ok(action) => {
                if let Some(chosen) = self.files.take_drop(action, file) {
                    self.act_on(ctx, chosen);
                }
                if dropped.len() > 1 {
                    self.toast(
                        ctx,
                        format!("Opened only {name}, the first of {} files", dropped.len()),
                    );
                }
            }
            Err(message) => self.session.notice = Some(message),
        }
    }

    /// While files hover over the window, says what dropping them will do.
    pub(crate) fn drop_hint(&self, ctx: &egui::Context) {
        if ctx.input(|i| i.raw.hovered_files.is_empty()) {
            return;
        }
        let text = if self.session.scene.surface.data_surface().is_some() {
            "Drop a .toml to open it as a scene, or a .csv to replace the data"
        } else {
            "Drop a .toml to open it as a scene"
        };
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop-hint"),
        ));
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(22.0),
            egui::Color32::WHITE,
        );
    }

    /// Replaces the training examples with CSV text read from `name`; the scene is kept,
    /// and an error names the file, line and column.
    fn open_data_text(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        text: &str,
    ) -> Result<(), String> {
        let examples = crate::scene::data::parse_csv(text)
            .map_err(|e| format!("{name}:{}:{}: {}", e.line, e.column, e.message))?;
        let before = self.session.notice.clone();
        super::data_panel::set_examples(&mut self.session, examples);
        if self.session.notice == before {
            self.plot.reset_view = true;
            self.toast(ctx, format!("Opened data {name}"));
        }
        Ok(())
    }

    pub(crate) fn suggested_name(&self, ext: &str) -> String {
        format!("{}.{ext}", export::file_stem(self.session.scene.title()))
    }
}
