//! The desktop app (egui): a menu bar, the controls on the left, the plot in the middle with
//! the lesson's claim above it, the update rule on the right, and the animation bar and loss
//! plot below. The model lives in [`state::Session`]; panels only read and edit it.

pub mod compute;
pub mod controls;
pub mod export;
pub mod files;
pub mod formula_box;
pub mod info;
pub mod paint;
pub mod plot;
pub mod state;
pub mod timeline;

use crate::scene::{self, BUILTINS, DEFAULT_SCENE, Scene};
use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use files::{FileAction, Files};
use state::{Layout, Session};

pub const PLAY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Space);
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const EXPORT_DATA: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
pub const LAYOUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::G);
pub const SCREENSHOT: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
pub const EXPORT_FIGURE: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::E);

/// What is remembered between runs.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The last scene, as its file text.
    pub scene: String,
    pub layout: Layout,
    pub dark: bool,
    pub show_loss: bool,
    pub show_info: bool,
    /// Where the web app is served; share links made on the desktop point there.
    pub site: String,
}

pub use crate::scene::link::LOCAL_SITE;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            scene: String::new(),
            layout: Layout::Overlay,
            dark: true,
            show_loss: true,
            show_info: true,
            site: LOCAL_SITE.to_string(),
        }
    }
}

/// The whole window.
pub struct LosscapeApp {
    pub session: Session,
    pub plot: plot::PlotView,
    pub controls: controls::Controls,
    pub files: Files,
    pub settings: Settings,
    loss: timeline::LossCurves,
    pub show_help: bool,
    /// Where the open scene was last read from or saved to.
    pub scene_path: Option<std::path::PathBuf>,
    /// A short message at the bottom of the window, and when it disappears.
    toast: Option<(String, f64)>,
    theme_applied: Option<bool>,
    /// Whether [`setup_fonts`] has run on this context.
    fonts_ready: bool,
    pub export: export::ExportSettings,
    /// Which export dialog is open.
    pub export_dialog: Option<ExportDialog>,
    /// A render running in the background.
    pub job: Option<export::Job>,
    /// Where a requested screenshot of the window arrives.
    screenshot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<egui::ColorImage>>>>,
    /// Where screenshots are saved; `None` picks ~/Pictures or the working directory.
    pub screenshot_dir: Option<std::path::PathBuf>,
    /// The share-link window is open.
    pub show_share: bool,
    /// The window (or browser tab) title last set.
    title: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportDialog {
    Figure,
    Animation,
}

impl LosscapeApp {
    pub fn new(scene: Scene) -> Self {
        LosscapeApp {
            session: Session::new(scene),
            plot: plot::PlotView::default(),
            controls: controls::Controls::default(),
            files: Files::default(),
            settings: Settings::default(),
            loss: timeline::LossCurves::default(),
            show_help: false,
            scene_path: None,
            toast: None,
            theme_applied: None,
            fonts_ready: false,
            export: export::ExportSettings::default(),
            export_dialog: None,
            job: None,
            screenshot: Default::default(),
            screenshot_dir: None,
            show_share: false,
            title: String::new(),
        }
    }

    /// A link that opens the current scene, in the web page or in the desktop app.
    pub fn share_link(&self) -> String {
        #[cfg(target_arch = "wasm32")]
        let base = crate::web::page_address().unwrap_or_else(|| self.settings.site.clone());
        #[cfg(not(target_arch = "wasm32"))]
        let base = self.settings.site.clone();
        scene::link::link(&base, &self.session.scene)
    }

    fn share_window(&mut self, ctx: &egui::Context) {
        if !self.show_share {
            return;
        }
        let mut open = true;
        let mut link = self.share_link();
        egui::Window::new("Share this scene").open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            ui.label("This link opens the scene as it is now: surface, start, steps, seed and every optimizer.");
            ui.add(egui::TextEdit::multiline(&mut link).desired_width(480.0).desired_rows(3).interactive(true)).labelled_by(ui.label("link").id);
            ui.horizontal(|ui| {
                if ui.button("Copy link").clicked() {
                    ctx.copy_text(link.clone());
                    self.toast(ctx, "Link copied to the clipboard");
                }
                ui.label(egui::RichText::new(format!("{} characters", link.len())).weak());
            });
            #[cfg(not(target_arch = "wasm32"))]
            ui.horizontal(|ui| {
                let l = ui.label("web app address");
                ui.add(egui::TextEdit::singleline(&mut self.settings.site).desired_width(300.0)).labelled_by(l.id)
                    .on_hover_text("Where losscape's web page is served (see the README); the desktop app also opens these links: losscape 'LINK'");
            });
        });
        if !open {
            self.show_share = false;
        }
    }

    /// The scene, runs, view and step as shown now, for an off-screen render.
    pub fn snapshot(&self) -> export::Snapshot {
        let view = self.plot.visible.unwrap_or_else(|| self.session.view_box());
        export::Snapshot {
            scene: self.session.scene.clone(),
            runs: self.session.runs.clone(),
            view,
            step: self.session.clock.step,
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
        let path =
            export::screenshot_path(self.screenshot_dir.as_deref(), self.session.scene.title());
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

    fn poll_jobs(&mut self, ctx: &egui::Context) {
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

    /// The app as it starts: `scene` if given, else the last one remembered, else the default.
    pub fn restore(scene: Option<Scene>, settings: Option<Settings>) -> Self {
        let mut settings = settings.unwrap_or_default();
        // taken out (it is written again on save), so a huge one is not kept in memory
        let text = std::mem::take(&mut settings.scene);
        // the remembered scene passes the same checks and limits as a file, so a scene that
        // once froze or crashed the app cannot do it again on every start
        let mut discarded = None;
        let remembered = if scene.is_none() && !text.is_empty() {
            scene::parse(&text, "the last session")
                .map_err(|e| discarded = Some(e))
                .ok()
        } else {
            None
        };
        let scene = scene
            .or(remembered)
            .or_else(|| scene::builtin(DEFAULT_SCENE).ok())
            .unwrap_or_else(fallback_scene);
        let mut app = LosscapeApp::new(scene);
        if let Some(e) = discarded {
            app.session.notice = Some(format!(
                "The scene of the last session was discarded ({e}); showing the default scene."
            ));
        }
        app.session.layout = settings.layout;
        app.settings = settings;
        app
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

    fn toast(&mut self, ctx: &egui::Context, message: impl Into<String>) {
        let now = ctx.input(|i| i.time);
        self.toast = Some((message.into(), now + 4.0));
    }

    /// One frame of the whole UI. Kept free of `eframe::Frame` so tests drive it headless.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.fonts_ready {
            // here rather than in `run`, so every way of starting the app gets the fallback
            // glyphs (the native window once started without them: "→" was an empty box)
            setup_fonts(&ctx);
            self.fonts_ready = true;
        }
        if self.theme_applied != Some(self.settings.dark) {
            ctx.set_theme(if self.settings.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.theme_applied = Some(self.settings.dark);
        }
        let title = format!("{} — losscape", self.session.scene.title());
        if title != self.title {
            #[cfg(target_arch = "wasm32")]
            crate::web::set_title(&title);
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        self.shortcuts(&ctx);
        self.session.poll();
        self.poll_files(&ctx);
        self.poll_jobs(&ctx);
        if self.session.clock.playing {
            let dt = ctx.input(|i| i.stable_dt).min(0.1) as f64;
            self.session.tick(dt);
            ctx.request_repaint();
        }
        if self.session.progress().is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("timeline")
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(2.0);
                timeline::controls(ui, &mut self.session);
            });
        if self.settings.show_loss {
            egui::Panel::bottom("loss")
                .resizable(true)
                .default_size(170.0)
                .min_size(90.0)
                .show(ui, |ui| {
                    timeline::loss_plot(ui, &self.session, &mut self.loss);
                });
        }
        egui::Panel::left("controls")
            .resizable(true)
            .default_size(330.0)
            .min_size(240.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("controls-scroll")
                    .show(ui, |ui| {
                        let out = self.controls.ui(ui, &mut self.session);
                        if out.reset_view {
                            self.plot.reset_view = true;
                        }
                    });
            });
        if self.settings.show_info {
            egui::Panel::right("info")
                .resizable(true)
                .default_size(300.0)
                .min_size(200.0)
                .show(ui, |ui| {
                    info::ui(ui, &self.session);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.lesson_card(ui);
            self.plot.ui(ui, &mut self.session);
        });
        self.overlays(&ctx);
    }

    fn lesson_card(&mut self, ui: &mut egui::Ui) {
        let scene = &self.session.scene;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(scene.title()).heading().strong());
            if !scene.description.is_empty() {
                ui.label(RichText::new(&scene.description).size(16.0));
            }
        });
        if let Some(h) = self.plot.hover {
            ui.label(RichText::new(h.text().replace('\n', "   ")).small().weak());
        } else {
            ui.label(RichText::new("Hover the plot to read the loss and curvature; click to move the start; scroll to zoom, drag to pan, double-click to reset.").small().weak());
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(
                        egui::Button::new("Open scene...")
                            .shortcut_text(ctx.format_shortcut(&OPEN)),
                    )
                    .clicked()
                {
                    self.files.ask(FileAction::OpenScene, "scene.toml");
                    ui.close();
                }
                if ui
                    .add(egui::Button::new("Save scene").shortcut_text(ctx.format_shortcut(&SAVE)))
                    .clicked()
                {
                    self.save_scene(&ctx);
                    ui.close();
                }
                if ui.button("Save scene as...").clicked() {
                    self.files
                        .ask(FileAction::SaveScene, &self.suggested_name("toml"));
                    ui.close();
                }
                ui.separator();
                if ui
                    .add(
                        egui::Button::new("Screenshot of the plot")
                            .shortcut_text(ctx.format_shortcut(&SCREENSHOT)),
                    )
                    .clicked()
                {
                    self.request_screenshot(&ctx);
                    ui.close();
                }
                if ui
                    .add(
                        egui::Button::new("Export figure (PNG, SVG)...")
                            .shortcut_text(ctx.format_shortcut(&EXPORT_FIGURE)),
                    )
                    .clicked()
                {
                    self.export_dialog = Some(ExportDialog::Figure);
                    ui.close();
                }
                if ui.button("Export animation (GIF)...").clicked() {
                    self.export_dialog = Some(ExportDialog::Animation);
                    ui.close();
                }
                if ui
                    .add(
                        egui::Button::new("Export trajectories...")
                            .shortcut_text(ctx.format_shortcut(&EXPORT_DATA)),
                    )
                    .clicked()
                {
                    self.files
                        .ask(FileAction::ExportTrajectories, &self.suggested_name("csv"));
                    ui.close();
                }
                if ui
                    .button("Share link...")
                    .on_hover_text("A link that opens this scene, on the web or in the desktop app")
                    .clicked()
                {
                    self.show_share = true;
                    ui.close();
                }
                #[cfg(not(target_arch = "wasm32"))]
                {
                    ui.separator();
                    if ui.button("Quit").clicked() {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                let mut layout = self.session.layout;
                ui.radio_value(&mut layout, Layout::Overlay, "Overlay: all on one plot");
                ui.radio_value(
                    &mut layout,
                    Layout::Grid,
                    "Grid: one panel per optimizer (G)",
                );
                if layout != self.session.layout {
                    self.set_layout(layout);
                }
                ui.separator();
                ui.checkbox(&mut self.settings.show_loss, "Loss panel");
                ui.checkbox(&mut self.settings.show_info, "Info panel");
                ui.checkbox(&mut self.settings.dark, "Dark theme");
                ui.separator();
                if ui.button("Larger text (Ctrl +)").clicked() {
                    egui::gui_zoom::zoom_in(&ctx);
                }
                if ui.button("Smaller text (Ctrl -)").clicked() {
                    egui::gui_zoom::zoom_out(&ctx);
                }
                if ui.button("Full screen (F11)").clicked() {
                    toggle_fullscreen(&ctx);
                    ui.close();
                }
                if ui
                    .button("Reset view")
                    .on_hover_text("Or double-click the plot")
                    .clicked()
                {
                    self.plot.reset_view = true;
                    ui.close();
                }
            });
            ui.menu_button("Lessons", |ui| {
                let mut groups: Vec<&str> = Vec::new();
                for b in BUILTINS {
                    if !groups.contains(&b.group) {
                        groups.push(b.group);
                    }
                }
                for group in groups {
                    ui.menu_button(group, |ui| {
                        for b in BUILTINS.iter().filter(|b| b.group == group) {
                            let Ok(s) = scene::builtin(b.name) else {
                                continue;
                            };
                            let title = b.menu_title(s.title());
                            if ui.button(title).on_hover_text(&s.description).clicked() {
                                self.open(&format!("builtin:{}", b.name));
                                ui.close();
                            }
                        }
                    });
                }
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .add(egui::Button::new("Keyboard shortcuts").shortcut_text("F1"))
                    .clicked()
                {
                    self.show_help = true;
                    ui.close();
                }
            });
            ui.separator();
            let mut layout = self.session.layout;
            ui.selectable_value(&mut layout, Layout::Overlay, "Overlay")
                .on_hover_text("All optimizers on one plot (G toggles)");
            ui.selectable_value(&mut layout, Layout::Grid, "Grid")
                .on_hover_text("One small panel per optimizer (G toggles)");
            if layout != self.session.layout {
                self.set_layout(layout);
            }
        });
    }

    fn set_layout(&mut self, layout: Layout) {
        self.session.layout = layout;
        self.settings.layout = layout;
        self.plot.reset_view = true;
    }

    fn suggested_name(&self, ext: &str) -> String {
        let stem: String = self
            .session
            .scene
            .title()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let stem = stem.trim_matches('-');
        format!("{}.{ext}", if stem.is_empty() { "scene" } else { stem })
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let last = self.session.last_step();
        let typing = ctx.text_edit_focused();
        // the longer shortcuts first: Ctrl+S would also match Ctrl+Shift+S
        if ctx.input_mut(|i| i.consume_shortcut(&SCREENSHOT)) {
            self.request_screenshot(ctx);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&EXPORT_FIGURE)) {
            self.export_dialog = Some(ExportDialog::Figure);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&OPEN)) {
            self.files.ask(FileAction::OpenScene, "scene.toml");
        }
        if ctx.input_mut(|i| i.consume_shortcut(&SAVE)) {
            self.save_scene(ctx);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&EXPORT_DATA)) {
            self.files
                .ask(FileAction::ExportTrajectories, &self.suggested_name("csv"));
        }
        if ctx.input(|i| i.key_pressed(Key::F11)) {
            toggle_fullscreen(ctx);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F1)) {
            self.show_help = !self.show_help;
        }
        if typing {
            return;
        }
        let clock = &mut self.session.clock;
        ctx.input_mut(|i| {
            if i.consume_shortcut(&PLAY) {
                clock.toggle(last);
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowRight) {
                clock.step_by(1, last);
            }
            if i.consume_key(Modifiers::SHIFT, Key::ArrowRight) {
                clock.step_by(10, last);
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
                clock.step_by(-1, last);
            }
            if i.consume_key(Modifiers::SHIFT, Key::ArrowLeft) {
                clock.step_by(-10, last);
            }
            if i.consume_key(Modifiers::NONE, Key::Home) || i.consume_key(Modifiers::NONE, Key::R) {
                clock.restart();
            }
            if i.consume_key(Modifiers::NONE, Key::End) {
                clock.step = last;
                clock.playing = false;
            }
            if i.consume_key(Modifiers::NONE, Key::Questionmark)
                || i.consume_key(Modifiers::SHIFT, Key::Questionmark)
            {
                self.show_help = !self.show_help;
            }
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                self.show_help = false;
            }
        });
        if ctx.input_mut(|i| i.consume_shortcut(&LAYOUT)) {
            let next = match self.session.layout {
                Layout::Overlay => Layout::Grid,
                Layout::Grid => Layout::Overlay,
            };
            self.set_layout(next);
        }
    }

    fn save_scene(&mut self, ctx: &egui::Context) {
        match self.scene_path.clone() {
            Some(path) => self.write_file(ctx, FileAction::SaveScene, &path),
            None => self
                .files
                .ask(FileAction::SaveScene, &self.suggested_name("toml")),
        }
    }

    fn poll_files(&mut self, ctx: &egui::Context) {
        match self.files.poll() {
            Some(files::Chosen::Path(action, path)) => self.file_chosen(ctx, action, &path),
            Some(files::Chosen::Contents(_, name, bytes)) => self.open_contents(ctx, &name, &bytes),
            None => {}
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

    fn write_file(&mut self, ctx: &egui::Context, action: FileAction, path: &std::path::Path) {
        let bytes = match action {
            FileAction::SaveScene => self.session.scene.to_toml(),
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

    fn export_dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.export_dialog else {
            return;
        };
        let mut open = true;
        let title = match dialog {
            ExportDialog::Figure => "Export figure",
            ExportDialog::Animation => "Export animation",
        };
        let mut go = false;
        egui::Window::new(title).open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
            let s = &mut self.export;
            if dialog == ExportDialog::Figure {
                ui.horizontal(|ui| {
                    ui.label("Format");
                    ui.radio_value(&mut s.format, crate::export::Format::Png, "PNG");
                    ui.radio_value(&mut s.format, crate::export::Format::Svg, "SVG (vector)");
                });
            }
            ui.horizontal_wrapped(|ui| {
                ui.label("Size");
                for (name, w, h) in export::PRESETS {
                    if ui.selectable_label(s.width == w && s.height == h, name).clicked() {
                        s.width = w;
                        s.height = h;
                    }
                }
            });
            ui.horizontal(|ui| {
                ui.add(egui::DragValue::new(&mut s.width).range(crate::export::MIN_SIZE..=crate::export::MAX_SIZE).prefix("width: ").suffix(" px"));
                ui.add(egui::DragValue::new(&mut s.height).range(crate::export::MIN_SIZE..=crate::export::MAX_SIZE).prefix("height: ").suffix(" px"));
            });
            let step = self.session.clock.step;
            let last = self.session.last_step();
            match dialog {
                ExportDialog::Figure => {
                    ui.label(format!("The current view at step {step} of {last}, with colour map, contours, trails, legend, axes and title."));
                }
                ExportDialog::Animation => {
                    ui.add(egui::DragValue::new(&mut s.frames).range(2..=2000).prefix("frames: "));
                    ui.add(egui::Slider::new(&mut s.fps, 1.0..=50.0).text("frames per second"));
                    ui.radio_value(&mut s.to_last_step, true, format!("from step 0 to the last step ({last})"));
                    ui.radio_value(&mut s.to_last_step, false, format!("from step 0 to the current step ({step})"));
                    ui.label(format!("{:.1} s long", f64::from(s.frames) / s.fps.max(1.0)));
                }
            }
            ui.add_space(4.0);
            ui.add_enabled_ui(self.job.is_none(), |ui| {
                if ui.button("Export...").clicked() {
                    go = true;
                }
            });
        });
        if go {
            let (action, ext) = match dialog {
                ExportDialog::Figure => (
                    FileAction::ExportFigure(self.export.format),
                    self.export.format.extension(),
                ),
                ExportDialog::Animation => (
                    FileAction::ExportAnimation,
                    crate::export::Format::Gif.extension(),
                ),
            };
            self.files.ask(action, &self.suggested_name(ext));
            open = false;
        }
        if !open {
            self.export_dialog = None;
        }
    }

    fn job_progress(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.job else { return };
        egui::Window::new("Exporting")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -64.0])
            .show(ctx, |ui| {
                ui.label(format!("Rendering the {}...", job.what));
                ui.add(
                    egui::ProgressBar::new(job.fraction())
                        .show_percentage()
                        .desired_width(260.0),
                );
                if ui.button("Cancel").clicked() {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            });
    }

    fn overlays(&mut self, ctx: &egui::Context) {
        self.share_window(ctx);
        self.export_dialogs(ctx);
        self.job_progress(ctx);
        if self.show_help {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    egui::Grid::new("help-grid")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for (keys, what) in [
                                ("Space", "play / pause"),
                                ("Left / Right arrow", "one step back / forward (Shift: ten)"),
                                ("Home or R", "restart from step 0"),
                                ("End", "jump to the last step"),
                                ("G", "overlay / grid layout"),
                                ("Click the plot", "move the start point"),
                                (
                                    "Drag the start (or Shift+drag)",
                                    "move the start point continuously",
                                ),
                                ("Scroll, drag, double-click", "zoom, pan, reset the view"),
                                ("Ctrl+O / Ctrl+S", "open / save a scene"),
                                ("Ctrl+E", "export trajectories (CSV or JSON)"),
                                ("Ctrl+Shift+S", "screenshot of the plot"),
                                ("Ctrl+Shift+E", "export a figure (PNG or SVG)"),
                                ("Ctrl + / Ctrl - / Ctrl 0", "larger / smaller / normal text"),
                                ("F11", "full screen"),
                                ("F1 or ?", "this help"),
                            ] {
                                ui.label(RichText::new(keys).strong());
                                ui.label(what);
                                ui.end_row();
                            }
                        });
                });
            if !open {
                self.show_help = false;
            }
        }
        if let Some(notice) = self.session.notice.clone() {
            egui::Window::new("Problem")
                .collapsible(false)
                .resizable(false)
                .anchor(egui::Align2::CENTER_TOP, [0.0, 60.0])
                .show(ctx, |ui| {
                    ui.label(notice);
                    if ui.button("OK").clicked() {
                        self.session.notice = None;
                    }
                });
        }
        if let Some(mut prompt) = self.files.prompt.take() {
            let mut keep = true;
            let mut chosen = None;
            egui::Window::new(prompt.action.title())
                .collapsible(false)
                .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
                .show(ctx, |ui| {
                    ui.horizontal(|ui| {
                        let l = ui.label("path");
                        let r = ui
                            .add(egui::TextEdit::singleline(&mut prompt.path).desired_width(420.0))
                            .labelled_by(l.id);
                        if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                            chosen = Some(prompt.path.clone());
                        }
                    });
                    ui.horizontal(|ui| {
                        let verb = if prompt.action.is_save() {
                            "Save"
                        } else {
                            "Open"
                        };
                        if ui.button(verb).clicked() {
                            chosen = Some(prompt.path.clone());
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                });
            if let Some(path) = chosen {
                self.file_chosen(ctx, prompt.action.clone(), std::path::Path::new(&path));
            } else if keep {
                self.files.prompt = Some(prompt);
            }
        }
        if let Some((msg, until)) = self.toast.clone() {
            let now = ctx.input(|i| i.time);
            if now < until {
                egui::Area::new(egui::Id::unique("toast"))
                    .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -60.0])
                    .order(egui::Order::Foreground)
                    .interactable(false)
                    .show(ctx, |ui| {
                        egui::Frame::popup(ui.style()).show(ui, |ui| ui.label(msg));
                    });
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(until - now));
            } else {
                self.toast = None;
            }
        }
    }

    /// The toast being shown, if any.
    pub fn toast_text(&self) -> Option<&str> {
        self.toast.as_ref().map(|(m, _)| m.as_str())
    }
}

/// Lets proportional text fall back to egui's monospace font, which has the arrows and math
/// symbols (←, ‖, ∇) the update rules use.
pub fn setup_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let mono = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first().cloned());
    if let (Some(mono), Some(prop)) = (
        mono,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) {
        prop.push(mono);
    }
    ctx.set_fonts(fonts);
}

fn toggle_fullscreen(ctx: &egui::Context) {
    let fs = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
    ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!fs));
}

/// A scene that needs no file, for when even the built-in default cannot be read.
fn fallback_scene() -> Scene {
    let kind = crate::engine::SurfaceKind::Quadratic;
    Scene {
        name: "Quadratic".into(),
        description: String::new(),
        steps: 200,
        seed: 0,
        start: kind.default_start(),
        view: None,
        surface: crate::engine::Surface::new(kind),
        optimizers: vec![scene::SceneOptimizer::new(crate::engine::OptimizerKind::Gd)],
    }
}

impl eframe::App for LosscapeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.scene = self.session.scene.to_toml();
        self.settings.layout = self.session.layout;
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }
}

/// Opens the window; blocks until it is closed.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(scene: Option<Scene>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("losscape")
            .with_app_id("losscape")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([960.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "losscape",
        options,
        Box::new(move |cc| {
            let settings = cc
                .storage
                .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY));
            Ok(Box::new(LosscapeApp::restore(scene, settings)))
        }),
    )
    .map_err(|e| e.to_string())
}
