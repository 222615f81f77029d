//! Every command of the app in one list: its name in the menus, its keyboard shortcuts, its line
//! in the help window and what it does. The menus, the key handler and the help window all read
//! this list, so a shortcut is written once (rerun's `UICommand` pattern).
//!
//! Adding a command: a variant, its entries in the `match`es below (the compiler lists them)
//! and its place in [`Command::ALL`], whose order is the order shortcuts are matched in.

use super::files::FileAction;
use super::state::Layout;
use super::{ExportDialog, LosscapeApp};
use crate::figure::landscape::ViewMode;
use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    OpenScene,
    SaveScene,
    SaveSceneAs,
    Screenshot,
    ExportFigure,
    ExportAnimation,
    ExportTrajectories,
    ShareLink,
    Quit,
    CopyFigure,
    ToggleLayout,
    Presentation,
    ToggleControls,
    ToggleInfo,
    ToggleLoss,
    ToggleHover,
    View2d,
    View3d,
    ViewBoth,
    FullScreen,
    ResetView,
    PlayPause,
    StepForward,
    StepForwardTen,
    StepBack,
    StepBackTen,
    Restart,
    LastStep,
    Help,
    CloseHelp,
    ShowGradient,
    ShowDirection,
    ShowStep,
    ShowField,
    Inspector,
    StatePlot,
    OpenMap,
    BasinMaps,
}

const fn key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}

const fn command(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn command_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

const fn shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::SHIFT, key)
}

impl Command {
    /// Every command, in the order their shortcuts are matched: a shortcut with more
    /// modifiers comes before the same key with fewer (egui ignores extra Shift, so Ctrl+S
    /// would also take Ctrl+Shift+S).
    pub const ALL: [Command; 38] = [
        Command::Screenshot,
        Command::ExportFigure,
        Command::OpenScene,
        Command::SaveScene,
        Command::SaveSceneAs,
        Command::ExportAnimation,
        Command::ExportTrajectories,
        Command::CopyFigure,
        Command::ShareLink,
        Command::Quit,
        Command::FullScreen,
        Command::Help,
        Command::PlayPause,
        Command::StepForwardTen,
        Command::StepForward,
        Command::StepBackTen,
        Command::StepBack,
        Command::Restart,
        Command::LastStep,
        Command::CloseHelp,
        Command::ShowGradient,
        Command::ShowDirection,
        Command::ShowStep,
        Command::ShowField,
        Command::BasinMaps,
        Command::Inspector,
        Command::StatePlot,
        Command::ToggleLayout,
        Command::Presentation,
        Command::ToggleControls,
        Command::ToggleInfo,
        Command::ToggleLoss,
        Command::ToggleHover,
        Command::View2d,
        Command::View3d,
        Command::ViewBoth,
        Command::ResetView,
        Command::OpenMap,
    ];

    /// The name in the menus.
    pub fn label(self) -> &'static str {
        match self {
            Command::OpenScene => "Open scene...",
            Command::SaveScene => "Save scene",
            Command::SaveSceneAs => "Save scene as...",
            Command::Screenshot => "Screenshot of the plot",
            Command::ExportFigure => "Export figure (PNG, SVG)...",
            Command::ExportAnimation => "Export animation (GIF)...",
            Command::ExportTrajectories => "Export trajectories...",
            Command::ShareLink => "Share link...",
            Command::Quit => "Quit",
            Command::CopyFigure => "Copy figure to clipboard",
            Command::ToggleLayout => "Overlay / grid",
            Command::Presentation => "Presentation mode",
            Command::ToggleControls => "Controls panel",
            Command::ToggleInfo => "Info panel",
            Command::ToggleLoss => "Loss panel",
            Command::ToggleHover => "Hover read-out",
            Command::View2d => "2D view",
            Command::View3d => "3D view",
            Command::ViewBoth => "2D and 3D side by side",
            Command::FullScreen => "Full screen",
            Command::ResetView => "Reset view",
            Command::PlayPause => "Play / pause",
            Command::StepForward => "One step forward",
            Command::StepForwardTen => "Ten steps forward",
            Command::StepBack => "One step back",
            Command::StepBackTen => "Ten steps back",
            Command::Restart => "Restart",
            Command::LastStep => "Last step",
            Command::Help => "Keyboard shortcuts",
            Command::CloseHelp => "Close the help",
            Command::ShowGradient => "Arrows: −∇f at each head",
            Command::ShowDirection => "Arrows: each optimizer's direction",
            Command::ShowStep => "Arrows: the next step Δw",
            Command::ShowField => "Gradient field",
            Command::Inspector => "Step inspector",
            Command::StatePlot => "State over time",
            Command::OpenMap => "Map of many runs...",
            Command::BasinMaps => "Basin maps",
        }
    }

    /// What it does, for the help window and the menus' tooltips.
    pub fn help(self) -> &'static str {
        match self {
            Command::OpenScene => "open a scene",
            Command::SaveScene => "save the scene",
            Command::SaveSceneAs => "save the scene under a new name",
            Command::Screenshot => "screenshot of the plot",
            Command::ExportFigure => "export a figure (PNG or SVG)",
            Command::ExportAnimation => "export an animated GIF",
            Command::ExportTrajectories => "export trajectories (CSV or JSON)",
            Command::ShareLink => "a link that opens this scene, on the web or in the desktop app",
            Command::Quit => "quit",
            Command::CopyFigure => "copy the figure as an image, to paste into slides",
            Command::ToggleLayout => "overlay / grid layout",
            Command::Presentation => {
                "presentation mode: the figure fills the window (again to leave)"
            }
            Command::ToggleControls => "show / hide the controls panel",
            Command::ToggleInfo => "show / hide the info panel (the update rule)",
            Command::ToggleLoss => "show / hide the loss panel",
            Command::ToggleHover => "show / hide the read-out and crosshair under the pointer",
            Command::View2d => "the contour map from above",
            Command::View3d => "the landscape in 3D (drag to orbit, scroll to zoom)",
            Command::ViewBoth => "2D and 3D side by side",
            Command::FullScreen => "full screen",
            Command::ResetView => "reset the view (or double-click the plot)",
            Command::PlayPause => "play / pause",
            Command::StepForward => "one step forward",
            Command::StepForwardTen => "ten steps forward",
            Command::StepBack => "one step back",
            Command::StepBackTen => "ten steps back",
            Command::Restart => "restart from step 0",
            Command::LastStep => "jump to the last step",
            Command::Help => "this help",
            Command::CloseHelp => "close the help, or leave presentation mode",
            Command::ShowGradient => "arrows of the negative gradient at each head",
            Command::ShowDirection => {
                "arrows of each optimizer's direction state (momentum buffer, Adam's m_hat, Lion's sign…)"
            }
            Command::ShowStep => "arrows of the step each optimizer takes next",
            Command::ShowField => "a field of −∇f arrows over the view",
            Command::Inspector => {
                "the selected optimizer's update with this step's numbers (narrated on request)"
            }
            Command::StatePlot => {
                "effective learning rate, |Δw| and the lr schedule of the selected optimizer"
            }
            Command::OpenMap => {
                "where each start ends (basins), or which hyperparameters converge (sweep)"
            }
            Command::BasinMaps => {
                "colour each plot by where the run from each point ends, a hue per minimum (not \
                 the loss), each grid panel by its own optimizer"
            }
        }
    }

    /// Its keyboard shortcuts, the first one shown in the menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        match self {
            Command::OpenScene => const { &[command(Key::O)] },
            Command::SaveScene => const { &[command(Key::S)] },
            Command::Screenshot => const { &[command_shift(Key::S)] },
            Command::ExportFigure => const { &[command_shift(Key::E)] },
            Command::ExportTrajectories => const { &[command(Key::E)] },
            Command::CopyFigure => const { &[command(Key::C)] },
            Command::ToggleLayout => const { &[key(Key::G)] },
            Command::Presentation => const { &[key(Key::P)] },
            Command::ToggleControls => const { &[key(Key::C)] },
            Command::ToggleInfo => const { &[key(Key::U)] },
            Command::ToggleLoss => const { &[key(Key::L)] },
            Command::ToggleHover => const { &[key(Key::H)] },
            Command::View2d => const { &[key(Key::Num2)] },
            Command::View3d => const { &[key(Key::Num3)] },
            Command::ViewBoth => const { &[key(Key::B)] },
            Command::FullScreen => const { &[key(Key::F11)] },
            Command::PlayPause => const { &[key(Key::Space)] },
            Command::StepForward => const { &[key(Key::ArrowRight)] },
            Command::StepForwardTen => const { &[shift(Key::ArrowRight)] },
            Command::StepBack => const { &[key(Key::ArrowLeft)] },
            Command::StepBackTen => const { &[shift(Key::ArrowLeft)] },
            Command::Restart => const { &[key(Key::Home), key(Key::R)] },
            Command::LastStep => const { &[key(Key::End)] },
            Command::Help => const { &[key(Key::F1), key(Key::Questionmark)] },
            Command::Inspector => const { &[key(Key::I)] },
            Command::ShowField => const { &[shift(Key::F)] },
            Command::ShowGradient => const { &[shift(Key::G)] },
            Command::ShowDirection => const { &[shift(Key::D)] },
            Command::ShowStep => const { &[shift(Key::W)] },
            Command::BasinMaps => const { &[shift(Key::B)] },
            Command::OpenMap => const { &[key(Key::M)] },
            Command::CloseHelp => const { &[key(Key::Escape)] },
            Command::SaveSceneAs
            | Command::ExportAnimation
            | Command::ShareLink
            | Command::Quit
            | Command::StatePlot
            | Command::ResetView => &[],
        }
    }

    /// Whether its shortcuts also work while a text field has the keyboard (single keys
    /// would otherwise eat what the user types).
    fn works_while_typing(self) -> bool {
        // Ctrl+C in a text field copies its text
        self != Command::CopyFigure
            && self.shortcuts().iter().all(|s| {
                s.modifiers.command || s.logical_key == Key::F1 || s.logical_key == Key::F11
            })
    }

    /// Whether it toggles a view of the optimizers' inside (an overlay, the step inspector,
    /// the state plot): the View menu shows these as checkboxes.
    pub fn shows_inside(self) -> bool {
        self.overlay().is_some() || matches!(self, Command::Inspector | Command::StatePlot)
    }

    /// The scene overlay (`show` key) a toggle command switches.
    pub fn overlay(self) -> Option<&'static str> {
        match self {
            Command::ShowGradient => Some("gradient"),
            Command::ShowDirection => Some("direction"),
            Command::ShowStep => Some("step"),
            Command::ShowField => Some("field"),
            _ => None,
        }
    }

    /// Whether the command exists on this platform (the browser tab cannot quit itself).
    pub fn available(self) -> bool {
        self != Command::Quit || cfg!(not(target_arch = "wasm32"))
    }
}

/// A menu entry for `cmd` with its shortcut; true when clicked (and then the menu closes).
pub fn menu_button(ui: &mut egui::Ui, cmd: Command) -> bool {
    let mut button = egui::Button::new(cmd.label());
    if let Some(s) = cmd.shortcuts().first() {
        button = button.shortcut_text(ui.ctx().format_shortcut(s));
    }
    let clicked = ui.add(button).on_hover_text(cmd.help()).clicked();
    if clicked {
        ui.close();
    }
    clicked
}

/// A menu checkbox for a command that switches `on`, its shortcut in the label.
pub fn menu_toggle(ui: &mut egui::Ui, cmd: Command, on: &mut bool) {
    let text = match cmd.shortcuts().first() {
        Some(s) => format!("{} ({})", cmd.label(), ui.ctx().format_shortcut(s)),
        None => cmd.label().to_string(),
    };
    ui.checkbox(on, text).on_hover_text(cmd.help());
}

/// The shortcuts of `cmd` as the help window shows them ("Home or R").
pub fn shortcut_text(ctx: &egui::Context, cmd: Command) -> String {
    cmd.shortcuts()
        .iter()
        // egui names the key "Questionmark"; people know it as "?"
        .map(|s| ctx.format_shortcut(s).replace("Questionmark", "?"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The commands whose shortcuts were pressed this frame, in [`Command::ALL`] order, each
/// shortcut consumed so no widget sees it too.
pub fn pressed(ctx: &egui::Context) -> Vec<Command> {
    let typing = ctx.text_edit_focused();
    ctx.input_mut(|i| {
        // the desktop and the browser turn Ctrl+C into a copy event, not a key press
        let copy = !typing && i.events.iter().any(|e| matches!(e, egui::Event::Copy));
        let mut out: Vec<Command> = Command::ALL
            .into_iter()
            .filter(|c| c.available() && (!typing || c.works_while_typing()))
            .filter(|c| c.shortcuts().iter().any(|s| i.consume_shortcut(s)))
            .collect();
        if copy && !out.contains(&Command::CopyFigure) {
            out.push(Command::CopyFigure);
        }
        out
    })
}

impl LosscapeApp {
    /// Does what `cmd` says.
    pub fn run_command(&mut self, ctx: &egui::Context, cmd: Command) {
        let last = self.session.last_step();
        let clock = &mut self.session.clock;
        match cmd {
            Command::OpenScene => self.files.ask(FileAction::OpenScene, "scene.toml"),
            Command::SaveScene => self.save_scene(ctx),
            Command::SaveSceneAs => self
                .files
                .ask(FileAction::SaveScene, &self.suggested_name("toml")),
            Command::Screenshot => self.request_screenshot(ctx),
            Command::ExportFigure => self.export_dialog = Some(ExportDialog::Figure),
            Command::ExportAnimation => self.export_dialog = Some(ExportDialog::Animation),
            Command::ExportTrajectories => self
                .files
                .ask(FileAction::ExportTrajectories, &self.suggested_name("csv")),
            Command::CopyFigure => self.copy_figure(ctx),
            Command::ShareLink => self.show_share = true,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::ToggleLayout => {
                let next = match self.session.layout {
                    Layout::Overlay => Layout::Grid,
                    Layout::Grid => Layout::Overlay,
                };
                self.set_layout(next);
            }
            Command::Presentation => self.settings.presentation = !self.settings.presentation,
            Command::ToggleControls => self.settings.show_controls = !self.settings.show_controls,
            Command::ToggleInfo => self.settings.show_info = !self.settings.show_info,
            Command::ToggleLoss => self.settings.show_loss = !self.settings.show_loss,
            Command::ToggleHover => self.settings.hover = !self.settings.hover,
            Command::FullScreen => {
                let fs = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!fs));
            }
            Command::View2d => self.plot.view3d.mode = ViewMode::TwoD,
            Command::View3d => self.plot.view3d.mode = ViewMode::ThreeD,
            Command::ViewBoth => self.plot.view3d.mode = ViewMode::Both,
            Command::ResetView => self.plot.reset_view = true,
            Command::PlayPause => clock.toggle(last),
            Command::StepForward => clock.step_by(1, last),
            Command::StepForwardTen => clock.step_by(10, last),
            Command::StepBack => clock.step_by(-1, last),
            Command::StepBackTen => clock.step_by(-10, last),
            Command::Restart => clock.restart(),
            Command::LastStep => {
                clock.step = last;
                clock.playing = false;
            }
            Command::Help => self.show_help = !self.show_help,
            Command::CloseHelp => {
                if self.show_help {
                    self.show_help = false;
                } else {
                    self.settings.presentation = false;
                }
            }
            Command::ShowGradient
            | Command::ShowDirection
            | Command::ShowStep
            | Command::ShowField => {
                if let Some(key) = cmd.overlay() {
                    let show = &mut self.session.scene.show;
                    show.set(key, !show.get(key));
                }
            }
            Command::Inspector => self.inspector.open = !self.inspector.open,
            Command::StatePlot => self.settings.show_state = !self.settings.show_state,
            Command::OpenMap => super::windows::map::open(self),
            Command::BasinMaps => self.plot.basins.on = !self.plot.basins.on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_listed_once_and_no_shortcut_is_taken_twice() {
        for (k, c) in Command::ALL.iter().enumerate() {
            assert!(!Command::ALL[..k].contains(c), "{c:?} is listed twice");
        }
        let shortcuts: Vec<KeyboardShortcut> = Command::ALL
            .iter()
            .flat_map(|c| c.shortcuts().iter().copied())
            .collect();
        for (k, s) in shortcuts.iter().enumerate() {
            assert!(!shortcuts[..k].contains(s), "{s:?} is bound twice");
        }
    }

    /// Adding a variant breaks this match, a reminder to list it in [`Command::ALL`] too.
    fn position(c: Command) -> usize {
        use Command::*;
        match c {
            OpenScene => 0,
            SaveScene => 1,
            SaveSceneAs => 2,
            Screenshot => 3,
            ExportFigure => 4,
            ExportAnimation => 5,
            ExportTrajectories => 6,
            ShareLink => 7,
            Quit => 8,
            ToggleLayout => 9,
            FullScreen => 10,
            ResetView => 11,
            PlayPause => 12,
            StepForward => 13,
            StepForwardTen => 14,
            StepBack => 15,
            StepBackTen => 16,
            Restart => 17,
            LastStep => 18,
            Help => 19,
            CloseHelp => 20,
            CopyFigure => 21,
            Presentation => 22,
            ToggleControls => 23,
            ToggleInfo => 24,
            ToggleLoss => 25,
            ToggleHover => 26,
            ShowGradient => 27,
            ShowDirection => 28,
            ShowStep => 29,
            ShowField => 30,
            Inspector => 31,
            StatePlot => 32,
            OpenMap => 33,
            View2d => 34,
            View3d => 35,
            ViewBoth => 36,
            BasinMaps => 37,
        }
    }

    #[test]
    fn every_variant_is_in_the_list() {
        let mut seen = [false; Command::ALL.len()];
        for c in Command::ALL {
            seen[position(c)] = true;
        }
        assert!(seen.iter().all(|&s| s), "{seen:?}");
    }

    #[test]
    fn a_shortcut_comes_before_the_same_key_with_fewer_modifiers() {
        let order: Vec<KeyboardShortcut> = Command::ALL
            .iter()
            .flat_map(|c| c.shortcuts().iter().copied())
            .collect();
        for (k, a) in order.iter().enumerate() {
            for b in &order[k + 1..] {
                let more = |x: &KeyboardShortcut, y: &KeyboardShortcut| {
                    x.logical_key == y.logical_key
                        && x.modifiers != y.modifiers
                        && x.modifiers.contains(y.modifiers)
                };
                assert!(!more(b, a), "{b:?} would never match: {a:?} comes first");
            }
        }
    }
}
