//! What to draw, with no window: the surface sampled on a grid, its colours, log-spaced
//! contour levels and lines, the trails, and the figure as one list of drawing primitives
//! ([`draw`], built by [`items`]) that the window and every export paint. The 3D view
//! ([`landscape`], seen through [`orbit`]) is drawn through the same list.

pub mod arrows;
pub mod colormap;
pub mod contour;
pub mod data_view;
pub mod draw;
pub mod grid;
pub mod items;
pub mod landscape;
pub mod legend;
pub mod levels;
pub mod map;
pub mod model;
pub mod orbit;
pub mod palette;
pub mod polyline;
pub mod projection;
pub(crate) mod text;
pub mod trail;

/// The characters of `text` that neither embedded face of the exports can draw (they would
/// show as empty boxes); whitespace and control characters are not drawn and never missing.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    text::missing(text)
}
