//! The desktop app (egui): a menu bar, the controls on the left, the plot in the middle with
//! the lesson's claim above it, the update rule on the right, and the animation bar and loss
//! plot below. The model lives in [`state::Session`]; panels only read and edit it.
//!
//! [`LosscapeApp`] is the frame that routes: each frame it runs the commands whose keys were
//! pressed ([`commands`]), polls background work, lays out the panels and shows the floating
//! windows (`windows`). What the app does with files lives in `actions`, the menus in `menu`,
//! what differs between the desktop and the browser in [`platform`], and the plot's drawing
//! in [`plot`] and [`paint`].

mod actions;
pub mod commands;
pub mod compute;
pub mod controls;
pub mod data_panel;
pub mod export;
pub mod files;
pub mod formula_box;
pub mod info;
pub mod inside;
pub mod labels;
pub mod map_job;
mod menu;
pub mod paint;
pub mod platform;
pub mod plot;
pub mod state;
pub mod state_plot;
pub mod timeline;
pub mod windows;

use crate::figure::draw::LegendPlacement;
use crate::scene::{self, DEFAULT_SCENE, Scene};
use egui::{Rect, RichText};
use files::Files;
use state::{Layout, Session};

#[cfg(not(target_arch = "wasm32"))]
pub use platform::run;

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
    pub show_controls: bool,
    /// The read-out box and crosshair under the pointer on the plot.
    pub hover: bool,
    /// Presentation mode: the figure fills the window, text sized for a projector.
    pub presentation: bool,
    /// Where the legend goes: "beside" the plot, "auto" (its emptiest corner) or "hidden"
    /// (the names of [`LegendPlacement`]).
    pub legend: String,
    /// The state-over-time plot under the loss panel.
    pub show_state: bool,
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
            // off at first: beside the controls it would leave a 1280-wide screen's plot a
            // third of the window (U shows it)
            show_info: false,
            show_controls: true,
            hover: true,
            presentation: false,
            // in the emptiest corner: beside, it takes a third of a 1280-wide window's plot
            // (the exports, with room to spare, put it beside)
            legend: LegendPlacement::Auto.name().to_string(),
            show_state: false,
            site: LOCAL_SITE.to_string(),
        }
    }
}

/// The whole window.
pub struct LosscapeApp {
    pub session: Session,
    pub plot: plot::PlotView,
    pub controls: controls::Controls,
    pub data_panel: data_panel::DataPanel,
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
    /// A figure being rendered for the clipboard.
    pub clipboard_job: Option<export::ClipboardJob>,
    /// Where a requested screenshot of the window arrives.
    screenshot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<egui::ColorImage>>>>,
    /// Where screenshots are saved; `None` picks ~/Pictures or the working directory.
    pub screenshot_dir: Option<std::path::PathBuf>,
    /// The share-link window is open.
    pub show_share: bool,
    /// The window (or browser tab) title last set.
    title: String,
    /// The window was fitted into its monitor.
    fitted: bool,
    /// The step inspector and the selected optimizer's state, read from the engine.
    pub inspector: inside::Inspector,
    /// The map of many runs and its window.
    pub map: windows::map::MapWindow,
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
            data_panel: data_panel::DataPanel::default(),
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
            clipboard_job: None,
            screenshot: Default::default(),
            screenshot_dir: None,
            show_share: false,
            title: String::new(),
            fitted: false,
            inspector: inside::Inspector::default(),
            map: Default::default(),
        }
    }

    /// A link that opens the current scene, in the web page or in the desktop app.
    pub fn share_link(&self) -> String {
        scene::link::link(&platform::link_base(&self.settings), &self.session.scene)
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

    /// The loss panel's curves as last drawn.
    pub fn loss_curves(&self) -> &timeline::LossCurves {
        &self.loss
    }

    /// Where the loss panel drew its data in the last frame; `None` while it is hidden.
    pub fn loss_frame(&self) -> Option<Rect> {
        self.loss.frame
    }

    fn toast(&mut self, ctx: &egui::Context, message: impl Into<String>) {
        let now = ctx.input(|i| i.time);
        self.toast = Some((message.into(), now + 4.0));
    }

    /// The toast being shown, if any.
    pub fn toast_text(&self) -> Option<&str> {
        self.toast.as_ref().map(|(m, _)| m.as_str())
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
            platform::set_title(&ctx, &title);
            self.title = title;
        }
        for cmd in commands::pressed(&ctx) {
            self.run_command(&ctx, cmd);
        }
        self.session.poll();
        self.poll_files(&ctx);
        self.take_dropped(&ctx);
        self.poll_jobs(&ctx);
        if self.session.clock.playing {
            let dt = ctx.input(|i| i.stable_dt).min(0.1) as f64;
            self.session.tick(dt);
            ctx.request_repaint();
        }
        if self.session.progress().is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }

        self.fit_to_monitor(&ctx);
        let presenting = self.settings.presentation;
        if presenting {
            presentation_style(ui.style_mut());
        } else {
            egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        }
        egui::Panel::bottom("timeline")
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(2.0);
                timeline::controls(ui, &mut self.session);
            });
        // added before the loss panel, so it sits under it
        if self.settings.show_state && !presenting {
            egui::Panel::bottom("state")
                .resizable(true)
                .default_size(150.0)
                .min_size(80.0)
                .show(ui, |ui| {
                    state_plot::ui(ui, &self.session, &mut self.inspector.inside);
                });
        }
        self.loss.frame = None;
        if self.settings.show_loss && !presenting {
            // a fifth of a small screen at first, so the plot stays the largest thing
            let height = (ctx.content_rect().height() * 0.17).clamp(90.0, 170.0);
            egui::Panel::bottom("loss")
                .resizable(true)
                .default_size(height)
                .min_size(80.0)
                .show(ui, |ui| {
                    let highlight = self.plot.style.highlight;
                    timeline::loss_plot(ui, &self.session, &mut self.loss, highlight);
                });
        }
        if self.settings.show_controls && !presenting {
            egui::Panel::left("controls")
                .resizable(true)
                .default_size(280.0)
                .min_size(220.0)
                .max_size(560.0)
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
        }
        if self.settings.show_info && !presenting {
            egui::Panel::right("info")
                .resizable(true)
                .default_size(280.0)
                .min_size(180.0)
                .max_size(560.0)
                .show(ui, |ui| {
                    info::ui(ui, &self.session);
                });
        }
        if self.session.scene.surface.data_surface().is_some() {
            egui::Panel::right("data")
                .resizable(true)
                .default_size(360.0)
                .min_size(240.0)
                .show(ui, |ui| {
                    let asked = self.data_panel.ui(ui, &mut self.session);
                    let name = self.suggested_name("csv");
                    match asked {
                        Some(data_panel::DataFile::Open) => {
                            self.files.ask(files::FileAction::OpenData, "data.csv")
                        }
                        Some(data_panel::DataFile::Save) => {
                            self.files.ask(files::FileAction::SaveData, &name)
                        }
                        None => {}
                    }
                });
        }
        self.plot.presenting = presenting;
        self.plot.style.legend = self.legend_placement();
        if self
            .plot
            .style
            .highlight
            .is_some_and(|i| i >= self.session.scene.optimizers.len())
        {
            self.plot.style.highlight = None;
        }
        // the hover read-out stays off while a dialog is open, so it is never drawn over one
        self.plot.hover_enabled = self.settings.hover && !self.dialog_open();
        // the overlay's basin map is of the optimizer the map window maps
        self.plot.basins.overlay_choice = self.map.optimizer;
        egui::CentralPanel::default().show(ui, |ui| {
            let top = ui.cursor().min;
            self.lesson_card(ui);
            self.plot.ui(ui, &mut self.session);
            // what a screenshot keeps: the title, the claim, the step and the plot
            self.plot.area = Some(Rect::from_min_max(top, ui.min_rect().max));
        });
        windows::show_all(self, &ctx);
        self.drop_hint(&ctx);
    }

    /// Where the legend goes now.
    pub fn legend_placement(&self) -> LegendPlacement {
        LegendPlacement::parse(&self.settings.legend).unwrap_or(LegendPlacement::Auto)
    }

    /// Whether a floating window that takes the user's attention is open.
    fn dialog_open(&self) -> bool {
        self.show_help
            || self.show_share
            || self.export_dialog.is_some()
            || self.job.is_some()
            || self.session.notice.is_some()
            || self.files.prompt.is_some()
    }

    /// Shrinks the window into the monitor once its size is known (the first frames): a
    /// window taller than a 720-line projector hides the animation bar off-screen.
    fn fit_to_monitor(&mut self, ctx: &egui::Context) {
        if self.fitted {
            return;
        }
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        let (Some(monitor), Some(inner)) = (monitor, inner) else {
            return;
        };
        self.fitted = true;
        // room for a title bar and a task bar
        let fit = egui::vec2(monitor.x - 16.0, monitor.y - 64.0).max(egui::vec2(320.0, 240.0));
        if inner.width() > fit.x || inner.height() > fit.y {
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(inner.size().min(fit)));
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::pos2(0.0, 0.0)));
        }
    }

    fn lesson_card(&mut self, ui: &mut egui::Ui) {
        let scene = &self.session.scene;
        let presenting = self.settings.presentation;
        let (title, claim) = if presenting {
            (30.0, 20.0)
        } else {
            (19.0, 15.0)
        };
        let step = format!(
            "step {} of {}",
            self.session.clock.step,
            self.session.last_step()
        );
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(scene.title()).size(title).strong());
            if !scene.description.is_empty() {
                ui.label(RichText::new(&scene.description).size(claim));
            }
            if presenting {
                // after the claim, not on a line of its own: every line is the plot's
                ui.label(RichText::new(&step).size(claim).weak());
            }
        });
        if presenting {
            return;
        }
        let line = match self.plot.hover {
            Some(h) if self.settings.hover => {
                format!("{step}    {}", h.text().replace('\n', "   "))
            }
            _ if self.plot.view3d.mode == crate::figure::landscape::ViewMode::ThreeD => format!(
                "{step}    Hover the surface to read the loss and curvature; drag to orbit, scroll to zoom, double-click to reset; 2 for the map, B for both."
            ),
            _ => format!(
                "{step}    Hover the plot to read the loss and curvature (H hides the read-out); click to move the start; scroll to zoom, drag to pan, double-click to reset."
            ),
        };
        ui.add(egui::Label::new(RichText::new(line).small().weak()).truncate());
    }

    fn set_layout(&mut self, layout: Layout) {
        self.session.layout = layout;
        self.settings.layout = layout;
        self.plot.reset_view = true;
    }
}

/// Text sized for the back of a room (presentation mode): axis ticks and the read-outs at
/// 18 points, buttons and body text at 20.
pub fn presentation_style(style: &mut egui::Style) {
    use egui::{FontFamily, FontId, TextStyle};
    for (text, size, family) in [
        (TextStyle::Heading, 30.0, FontFamily::Proportional),
        (TextStyle::Body, 18.0, FontFamily::Proportional),
        (TextStyle::Button, 20.0, FontFamily::Proportional),
        (TextStyle::Small, 16.0, FontFamily::Proportional),
        (TextStyle::Monospace, 18.0, FontFamily::Monospace),
    ] {
        style.text_styles.insert(text, FontId::new(size, family));
    }
    style.spacing.interact_size.y = 30.0;
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
        camera: None,
        surface: crate::engine::Surface::new(kind),
        optimizers: vec![scene::SceneOptimizer::new(crate::engine::OptimizerKind::Gd)],
        show: scene::Show::default(),
    }
}

impl eframe::App for LosscapeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.scene = self.session.scene.to_toml_self_contained();
        self.settings.layout = self.session.layout;
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }
}
