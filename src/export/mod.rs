//! Exports: the figure of a scene painted off-screen as PNG, SVG or an animated GIF, with no
//! window, display or GPU. Painted from the same [`crate::figure::model::Figure`] the window
//! paints, with the font egui embeds, so output looks alike everywhere.
