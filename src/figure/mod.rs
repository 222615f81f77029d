//! What to draw, with no window: the surface sampled on a grid, its colours, log-spaced
//! contour levels and lines, and the trails. The app and the exports both paint from here.

pub mod colormap;
pub mod contour;
pub mod grid;
pub mod levels;
pub mod model;
pub mod palette;
pub mod polyline;
pub mod projection;
pub mod trail;
