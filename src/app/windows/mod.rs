//! The floating windows, one module each (the egui demo's one-window-one-module pattern): each
//! has a `show` that draws it when it is open and acts on what the user did in it. Adding a
//! window: its module and one line in [`show_all`].

mod export;
mod help;
mod inspector;
pub mod map;
mod notice;
mod prompt;
mod share;
mod toast;

use super::LosscapeApp;

/// Every floating window that is open, in the order they stack (the toast on top).
pub(super) fn show_all(app: &mut LosscapeApp, ctx: &egui::Context) {
    share::show(app, ctx);
    export::dialogs(app, ctx);
    export::progress(app, ctx);
    help::show(app, ctx);
    inspector::show(app, ctx);
    map::show(app, ctx);
    notice::show(app, ctx);
    prompt::show(app, ctx);
    toast::show(app, ctx);
}
