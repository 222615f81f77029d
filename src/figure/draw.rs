//! The figure as a list of drawing primitives in figure coordinates (pixels, or points in the
//! window; y down): filled shapes, polylines with their halos, markers, text runs, the colour
//! map and the colour bar. Three painters draw such a list — egui (`app::paint`), tiny-skia
//! (`export::raster`, PNG and GIF frames) and the SVG writer (`export::svg`) — so a picture is
//! described once, in [`super::items`], and only the final painting differs.
//!
//! Every colour, size and tolerance the figure uses is defined here, once. Sizes are multiples
//! of a unit `u`: one point in the window, and in an export proportional to the image's shorter
//! side (1 at 800 × 600), so a thumbnail and a slide have the same proportions.
//!
//! Adding a primitive: a variant of [`Item`] and an arm in each painter (the compiler lists
//! them); adding an overlay: a builder in [`super::items`] that pushes existing items.

/// Unmultiplied RGBA.
pub type Rgba = [u8; 4];

pub const CONTOUR: Rgba = [255, 255, 255, 80];
/// The dark casing under trails and markers on a light part of the colour map.
pub const HALO: Rgba = [0, 0, 0, 200];
/// The light casing under a dark trail on a dark part of the colour map.
pub const LIGHT_HALO: Rgba = [255, 255, 255, 110];
pub const WHITE: Rgba = [255, 255, 255, 255];
/// The plot's frame, axes and ticks, in both themes.
pub const FRAME: Rgba = [120, 120, 120, 255];
pub const BLACK: Rgba = [0, 0, 0, 255];

/// The page a figure is drawn on: dark (the default, as the window's dark theme) or light
/// (slides and print, the window's light theme). The plot itself (colour map, contours,
/// trails) is the same in both; the page around it and the legend follow the theme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    /// The theme matching a window's dark or light mode (egui's `Visuals::dark_mode`).
    pub fn from_dark_mode(dark: bool) -> Theme {
        if dark { Theme::Dark } else { Theme::Light }
    }

    /// Its name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    /// The theme named `name` ("dark" or "light").
    pub fn parse(name: &str) -> Option<Theme> {
        [Theme::Dark, Theme::Light]
            .into_iter()
            .find(|t| t.name() == name)
    }

    /// The colours of the page and the legend in this theme.
    pub fn ink(self) -> Ink {
        match self {
            Theme::Dark => Ink {
                background: [27, 27, 27, 255],
                title: [235, 235, 235, 255],
                text: [200, 200, 200, 255],
                weak: [170, 170, 170, 255],
                frame: FRAME,
                legend_box: [10, 10, 14, 215],
                legend_text: [255, 255, 255, 255],
                legend_status: [190, 190, 190, 255],
                legend_alert: [255, 160, 140, 255],
            },
            Theme::Light => Ink {
                background: [255, 255, 255, 255],
                title: [20, 20, 20, 255],
                text: [50, 50, 50, 255],
                weak: [90, 90, 90, 255],
                frame: FRAME,
                legend_box: [250, 250, 250, 230],
                legend_text: [15, 15, 15, 255],
                legend_status: [70, 70, 70, 255],
                legend_alert: [180, 30, 10, 255],
            },
        }
    }
}

/// The colours of a theme's page, text and legend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ink {
    pub background: Rgba,
    pub title: Rgba,
    pub text: Rgba,
    pub weak: Rgba,
    pub frame: Rgba,
    pub legend_box: Rgba,
    pub legend_text: Rgba,
    pub legend_status: Rgba,
    pub legend_alert: Rgba,
}

impl Ink {
    /// Colours drawn solid somewhere in every figure of this theme (the GIF palette keeps
    /// them exact).
    pub fn key_colors(&self) -> Vec<Rgba> {
        vec![
            self.background,
            self.title,
            self.text,
            self.weak,
            self.frame,
            WHITE,
            BLACK,
            self.legend_text,
            self.legend_status,
            self.legend_alert,
        ]
    }
}

/// Where the legend goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LegendPlacement {
    /// Outside the plot, to its right: the figure makes room for it, so it never covers data.
    #[default]
    Beside,
    /// Inside the plot, in the corner with the fewest trail points and marks under it.
    Auto,
    /// Not drawn.
    Hidden,
}

impl LegendPlacement {
    pub const ALL: [LegendPlacement; 3] = [
        LegendPlacement::Beside,
        LegendPlacement::Auto,
        LegendPlacement::Hidden,
    ];

    /// Its name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            LegendPlacement::Beside => "beside",
            LegendPlacement::Auto => "auto",
            LegendPlacement::Hidden => "hidden",
        }
    }

    /// The placement named `name` ("beside", "auto" or "hidden").
    pub fn parse(name: &str) -> Option<LegendPlacement> {
        LegendPlacement::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// How a figure is drawn, beyond what it shows: shared by the window and every export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FigureStyle {
    pub theme: Theme,
    pub legend: LegendPlacement,
    /// The optimizer drawn on top at full strength, the others dimmed (the teacher's "look
    /// at this one"); `None` draws every trail alike.
    pub highlight: Option<usize>,
}

/// Trails keep a point when it is at least this far (in pixels) from the last one kept. The
/// window's value: every frame of the animation strokes the trails, and the exports' 0.25
/// kept 11 % more vertices on the long benchmark scene (27 % more in a slider frame, with the
/// contours' 0.2) for no visible change.
pub const TRAIL_TOLERANCE_PX: f64 = 0.4;

/// Contour polylines are simplified to within this many pixels (the window's value, too).
pub const CONTOUR_TOLERANCE_PX: f64 = 0.25;

/// Longest side of the grid contours are traced on, at most and at least. The window traces
/// on the lower bound, so that a slider drag recomputes quickly at any window size.
pub const CONTOUR_GRID: [usize; 2] = [260, 700];

/// The contour grid for a plot of `plot_px` pixels (the exports).
pub fn contour_grid(plot_px: [usize; 2]) -> usize {
    (plot_px[0].max(plot_px[1]) / 3).clamp(CONTOUR_GRID[0], CONTOUR_GRID[1])
}

/// No text is set smaller than this many pixels per em.
pub const MIN_EM: f64 = 7.0;

/// How much wider the selected optimizer's trail is drawn in the window.
pub const EMPHASIS: f64 = 1.2;

/// Font sizes in pixels per em.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ems {
    pub title: f64,
    pub description: f64,
    pub tick: f64,
    pub axis: f64,
    pub legend: f64,
    pub status: f64,
    pub step: f64,
}

impl Ems {
    /// The font sizes at size unit `u`.
    pub fn at(u: f64) -> Ems {
        let em = |x: f64| (x * u).max(MIN_EM);
        Ems {
            title: em(20.0),
            description: em(13.0),
            tick: em(11.5),
            axis: em(13.0),
            legend: em(12.0),
            status: em(10.5),
            step: em(11.5),
        }
    }
}

/// Text anchor: which point of the text `at` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub color: Rgba,
    pub width: f64,
}

/// A set of polylines drawn as one path.
#[derive(Clone, Debug, PartialEq)]
pub struct PathItem {
    /// The SVG class: "contour", "trail", "trail-halo", "axis", "marker", …
    pub class: &'static str,
    pub subpaths: Vec<Vec<[f64; 2]>>,
    pub closed: bool,
    pub fill: Option<Rgba>,
    pub stroke: Option<Stroke>,
    /// Round joins and caps (trails) instead of miters and butt caps.
    pub round: bool,
    /// An extra `data-*` attribute for the SVG (name without the prefix, value).
    pub data: Option<(&'static str, String)>,
}

impl PathItem {
    pub fn stroked(class: &'static str, subpaths: Vec<Vec<[f64; 2]>>, stroke: Stroke) -> Self {
        PathItem {
            class,
            subpaths,
            closed: false,
            fill: None,
            stroke: Some(stroke),
            round: false,
            data: None,
        }
    }
}

/// Flat-coloured convex faces painted in order, each over the ones before (the 3D view's
/// surface and floor, sorted back to front). Painters fill faces without anti-aliasing, so
/// neighbours share their edges without a seam.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeshItem {
    pub class: &'static str,
    /// Corners in figure coordinates.
    pub points: Vec<[f32; 2]>,
    /// Faces in painting order: four indices into `points` going round the face (a triangle
    /// repeats a corner) and an opaque colour.
    pub faces: Vec<([u32; 4], Rgba)>,
}

impl MeshItem {
    /// The corners of a face, or `None` when an index is out of range.
    pub fn corners(&self, face: &[u32; 4]) -> Option<[[f32; 2]; 4]> {
        let at = |k: u32| self.points.get(k as usize).copied();
        Some([at(face[0])?, at(face[1])?, at(face[2])?, at(face[3])?])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TextItem {
    pub text: String,
    /// The anchor point on the baseline.
    pub at: [f64; 2],
    /// Pixels per em (CSS font size).
    pub em: f64,
    pub color: Rgba,
    pub anchor: Anchor,
    pub class: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// The whole image.
    Background(Rgba),
    /// The surface layer's colour map over the plot rectangle.
    ColorMap,
    /// A vertical viridis bar, low values at the bottom.
    ColorBar {
        rect: [f64; 4],
    },
    Rect {
        rect: [f64; 4],
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
        class: &'static str,
    },
    Circle {
        center: [f64; 2],
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
        class: &'static str,
    },
    Path(PathItem),
    Mesh(MeshItem),
    Text(TextItem),
}

/// An item and whether it is clipped to the plot rectangle.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawn {
    pub item: Item,
    pub clip: bool,
}

impl Drawn {
    /// An item clipped to the plot.
    pub fn clipped(item: Item) -> Drawn {
        Drawn { item, clip: true }
    }

    /// An item outside the plot (axes, title, colour bar).
    pub fn free(item: Item) -> Drawn {
        Drawn { item, clip: false }
    }
}

/// A text run, not clipped.
pub fn text(
    s: &str,
    at: [f64; 2],
    em: f64,
    color: Rgba,
    anchor: Anchor,
    class: &'static str,
) -> Drawn {
    Drawn::free(Item::Text(TextItem {
        text: s.to_string(),
        at,
        em,
        color,
        anchor,
        class,
    }))
}

/// How far (in pixels) the part of a segment inside the box may be from where rounding puts
/// it before the segment is left out (see [`clip_polyline`]).
const MAX_ROUNDING_PX: f64 = 0.25;

/// The parts of a polyline inside `[x0, y0, x1, y1]` (Liang–Barsky on each segment), joined
/// where consecutive segments stay inside. Non-finite points break the line.
///
/// A segment between two points far outside the box is left out when where it crosses the
/// box is lost to rounding. The points themselves carry a relative error of about one ulp
/// (they were computed, then projected, in doubles), so a line between two iterates 10¹⁷
/// pixels away, as a diverging optimizer's are after a hundred steps, is only known to
/// within tens of pixels inside the view: drawn, such lines were parallel strokes where no
/// iterate ever was. A segment from a point in view to one far away stays (near its inner
/// end its place is exact).
pub fn clip_polyline(line: &[[f64; 2]], b: [f64; 4]) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    if line.len() == 1 && finite(&line[0]) && inside_box(line[0], b) {
        return vec![vec![line[0], line[0]]];
    }
    for w in line.windows(2) {
        let (p, q) = (w[0], w[1]);
        if !(finite(&p) && finite(&q)) {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        match clip_segment(p, q, b) {
            Some((a, c, a_moved, c_moved)) => {
                if a_moved || current.is_empty() {
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current = vec![a];
                }
                current.push(c);
                if c_moved {
                    out.push(std::mem::take(&mut current));
                }
            }
            None => {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

fn inside_box(p: [f64; 2], b: [f64; 4]) -> bool {
    p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]
}

/// The part of segment p→q inside the box, and whether each end was moved.
fn clip_segment(p: [f64; 2], q: [f64; 2], b: [f64; 4]) -> Option<([f64; 2], [f64; 2], bool, bool)> {
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (den, num) in [
        (-dx, p[0] - b[0]),
        (dx, b[2] - p[0]),
        (-dy, p[1] - b[1]),
        (dy, b[3] - p[1]),
    ] {
        if den == 0.0 {
            if num < 0.0 {
                return None;
            }
        } else {
            let r = num / den;
            if den < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0.is_nan() || t1.is_nan() || t0 > t1 {
        return None;
    }
    // the rounding error where the clipped part begins and ends: a few ulps of the
    // coordinates it is interpolated from
    let size = |r: [f64; 2]| r[0].abs().max(r[1].abs());
    let (sp, sq) = (size(p), size(q));
    let error = |t: f64| 8.0 * f64::EPSILON * ((1.0 - t) * sp + t * sq);
    if error(t0).max(error(t1)) > MAX_ROUNDING_PX {
        return None;
    }
    let at = |t: f64| [p[0] + t * dx, p[1] + t * dy];
    let a = if t0 > 0.0 { at(t0) } else { p };
    let c = if t1 < 1.0 { at(t1) } else { q };
    Some((a, c, t0 > 0.0, t1 < 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_the_inside_and_cuts_at_the_border() {
        let b = [0.0, 0.0, 10.0, 10.0];
        let line = [
            [-5.0, 5.0],
            [5.0, 5.0],
            [5.0, 8.0],
            [15.0, 8.0],
            [20.0, 20.0],
            [5.0, 5.0],
        ];
        let parts = clip_polyline(&line, b);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(
            parts[0],
            vec![[0.0, 5.0], [5.0, 5.0], [5.0, 8.0], [10.0, 8.0]]
        );
        assert_eq!(parts[1].last(), Some(&[5.0, 5.0]));
        let far = [[1e300, 1e300], [2e300, -1e300]];
        assert!(clip_polyline(&far, b).is_empty());
        // across the box between two points so far out that rounding decides where
        let lost = [[-1e18, 4.0], [1e18, 6.0]];
        assert!(clip_polyline(&lost, b).is_empty());
        // from inside to far away: kept, exactly from its inner end
        let away = clip_polyline(&[[5.0, 5.0], [1e18, 5.0]], b);
        assert_eq!(away, vec![vec![[5.0, 5.0], [10.0, 5.0]]]);
        let nan = [[1.0, 1.0], [f64::NAN, 2.0], [3.0, 3.0], [4.0, 4.0]];
        assert_eq!(clip_polyline(&nan, b), vec![vec![[3.0, 3.0], [4.0, 4.0]]]);
    }
}
