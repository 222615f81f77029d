//! What goes on a plot, as [`draw`](super::draw) items: contour lines, every trail over its
//! halo with the marker at its head, the points of interest, the legend and the colour bar.
//! The window and the exports build their plots with these same functions; they differ only
//! in where the decimated trail pixels come from (the window keeps them cached across pans).

use super::arrows;
use super::colormap;
use super::contour::ContourLevel;
use super::draw::{
    Anchor, BLACK, CONTOUR, CONTOUR_TOLERANCE_PX, Drawn, EMPHASIS, Ems, FRAME, HALO, Ink, Item,
    LIGHT_HALO, LegendPlacement, PathItem, Rgba, Stroke, Theme, WHITE, clip_polyline, text,
};
use super::legend::{LegendBox, emptiest_corner};
use super::levels::ColorScale;
use super::model::{Figure, FigureTrail, MarkKind, SurfaceLayer, TrailEnd, sig};
use super::palette;
use super::polyline::{dash, simplify};
use super::projection::Projection;
use super::text as font;
use crate::engine::Vec2;

/// The plot rectangle `[left, top, width, height]` grown by a margin: geometry is cut to this
/// before painting (the exact cut is the painters' clip), so far-away points never reach the
/// rasterizer.
pub fn clip_box(rect: [f64; 4], u: f64) -> [f64; 4] {
    let [l, t, w, h] = rect;
    let m = 20.0 * u.max(0.5);
    [l - m, t - m, l + w + m, t + h + m]
}

fn inside(rect: [f64; 4], p: [f64; 2], margin: f64) -> bool {
    let [l, t, w, h] = rect;
    p[0] >= l - margin && p[0] <= l + w + margin && p[1] >= t - margin && p[1] <= t + h + margin
}

fn inside_bounds(b: [f64; 4], p: [f64; 2]) -> bool {
    p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]
}

/// Markers keep a legible size in small images.
pub(crate) fn marker_unit(u: f64) -> f64 {
    u.max(0.75)
}

/// The contour lines in `projection`'s pixels, one path per level, cut to its plot (with a
/// margin) and simplified to screen resolution.
pub fn contours(levels: &[ContourLevel], projection: &Projection, u: f64) -> Vec<Drawn> {
    traced(levels, projection, u, |subpaths| contour_path(subpaths, u))
}

/// The key line under dashed test-loss contours.
pub const TEST_LOSS_KEY: &str = "dashed: test loss";

/// Every contour of `layer`: the loss's, then (on a data surface with `test_data`) the
/// held-out loss's dashed, with the key line [`TEST_LOSS_KEY`] in the plot's bottom-left
/// corner on a dark patch, legible over any colour.
pub fn layer_contours<P>(layer: &SurfaceLayer<P>, projection: &Projection, u: f64) -> Vec<Drawn> {
    let mut out = contours(&layer.contours, projection, u);
    if layer.test_contours.is_empty() {
        return out;
    }
    out.extend(traced(&layer.test_contours, projection, u, |subpaths| {
        let mut path = contour_path(dash(&subpaths, 6.0 * u, 4.0 * u), u);
        path.class = "test-contour";
        path
    }));
    let em = Ems::at(u).tick;
    let [l, t, _, h] = projection.rect;
    let pad = 4.0 * u;
    let w = font::width(TEST_LOSS_KEY, em);
    let box_h = font::ascent(em) + font::descent(em) + 2.0 * pad;
    let top = t + h - box_h - pad;
    out.push(Drawn::clipped(Item::Rect {
        rect: [l + pad, top, w + 2.0 * pad, box_h],
        radius: 2.0 * u,
        fill: Some([0, 0, 0, 150]),
        stroke: None,
        class: "key",
    }));
    out.push(text(
        TEST_LOSS_KEY,
        [l + 2.0 * pad, top + pad + font::ascent(em)],
        em,
        WHITE,
        Anchor::Start,
        "key",
    ));
    out
}

/// Contours of the current minibatch's own loss (the window's View toggle): thin and faint
/// and warm, so they read as a passing landscape under the fixed one.
pub fn minibatch_contours(levels: &[ContourLevel], projection: &Projection, u: f64) -> Vec<Drawn> {
    traced(levels, projection, u, |subpaths| {
        let mut path = PathItem::stroked(
            "minibatch-contour",
            subpaths,
            Stroke {
                color: [255, 196, 120, 110],
                width: (0.7 * u).max(0.5),
            },
        );
        path.round = true;
        path
    })
}

/// `levels` traced in pixels, each level's lines made into one path by `path`.
fn traced(
    levels: &[ContourLevel],
    projection: &Projection,
    u: f64,
    path: impl Fn(Vec<Vec<[f64; 2]>>) -> PathItem,
) -> Vec<Drawn> {
    let bounds = clip_box(projection.rect, u);
    let mut px: Vec<[f64; 2]> = Vec::new();
    levels
        .iter()
        .map(|level| {
            let mut subpaths = Vec::new();
            for line in &level.lines {
                px.clear();
                px.extend(
                    line.iter()
                        .map(|&[x, y]| projection.project(Vec2::new(x, y))),
                );
                for piece in clip_polyline(&px, bounds) {
                    let simple = simplify(&piece, CONTOUR_TOLERANCE_PX);
                    if simple.len() >= 2 {
                        subpaths.push(simple);
                    }
                }
            }
            let mut path = path(subpaths);
            path.data = Some(("level", sig(level.level)));
            Drawn::clipped(Item::Path(path))
        })
        .collect()
}

/// Contour lines (in pixels) as the figure strokes them at size unit `u`.
pub(crate) fn contour_path(subpaths: Vec<Vec<[f64; 2]>>, u: f64) -> PathItem {
    let mut path = PathItem::stroked(
        "contour",
        subpaths,
        Stroke {
            color: CONTOUR,
            width: (0.8 * u).max(0.5),
        },
    );
    path.round = true;
    path
}

/// What is drawn over the colour map and contours of one plot: trails, their heads, the
/// points of interest and (inside the plot, when asked) the legend.
#[derive(Clone, Copy, Debug)]
pub struct Overlay<'a> {
    pub projection: &'a Projection,
    /// The size unit (see [`super::draw`]).
    pub u: f64,
    pub ems: Ems,
    /// Where the legend goes: the overlay draws it only when [`LegendPlacement::Auto`]
    /// (beside the plot is the caller's room: see [`super::legend`]).
    pub legend: LegendPlacement,
    pub theme: Theme,
    /// The optimizer whose trail is drawn wider and on top (the one selected in the window).
    pub selected: Option<usize>,
    /// The optimizer drawn on top at full strength while the others are dimmed.
    pub highlight: Option<usize>,
    /// Draw only this optimizer's trail (a grid panel).
    pub only: Option<usize>,
    /// The colour map's scale, to choose each trail's casing by the colours under it.
    pub scale: Option<&'a ColorScale>,
}

/// How the trails of a dimmed optimizer are drawn while another is highlighted.
const DIMMED_ALPHA: u8 = 70;

impl Overlay<'_> {
    /// An overlay of `projection` at size unit `u`, in the default style.
    pub fn new(projection: &Projection, u: f64) -> Overlay<'_> {
        Overlay {
            projection,
            u,
            ems: Ems::at(u),
            legend: LegendPlacement::default(),
            theme: Theme::default(),
            selected: None,
            highlight: None,
            only: None,
            scale: None,
        }
    }

    /// The overlay's items. `pixels(trail, head)` gives a trail decimated to screen resolution
    /// up to its head (at pixel `head`), as polylines in this projection's pixels; `None`
    /// when it has not been decimated (yet). They are cut to the plot here (see
    /// [`clip_polyline`]: a segment whose place on screen is lost to rounding is left out).
    pub fn items(
        &self,
        figure: &Figure,
        pixels: impl FnMut(&FigureTrail, [f64; 2]) -> Option<Vec<Vec<[f64; 2]>>>,
    ) -> Vec<Drawn> {
        self.items_with_legend(figure, pixels, self.legend_box(figure).as_ref())
    }

    /// As [`Overlay::items`], with the legend box `legend` the caller already placed (the
    /// window keeps it for clicks: placing it weighs thousands of trail points, so once a
    /// frame is enough).
    pub fn items_with_legend(
        &self,
        figure: &Figure,
        mut pixels: impl FnMut(&FigureTrail, [f64; 2]) -> Option<Vec<Vec<[f64; 2]>>>,
        legend: Option<&LegendBox>,
    ) -> Vec<Drawn> {
        let mut out = Vec::new();
        let rect = self.projection.rect;
        if figure.show.field {
            arrows::field_items(&mut out, figure.surface, self.projection, self.u);
        }
        let bounds = clip_box(rect, self.u);
        // the highlighted trail last (on top), the selected one just before it
        let rank = |i: usize| {
            if self.highlight == Some(i) {
                2
            } else if self.selected == Some(i) {
                1
            } else {
                0
            }
        };
        let mut order: Vec<&FigureTrail> = figure
            .trails
            .iter()
            .filter(|t| self.only.is_none_or(|i| i == t.index))
            .collect();
        order.sort_by_key(|t| rank(t.index));
        let mut drawn: Vec<&FigureTrail> = Vec::new();
        for t in order {
            let Some(head) = t.head() else { continue };
            let head_px = self.projection.project(head);
            let Some(subpaths) = pixels(t, head_px) else {
                continue;
            };
            // most lines lie inside: kept as they are, without the cost of clipping
            let subpaths: Vec<Vec<[f64; 2]>> = subpaths
                .into_iter()
                .flat_map(|line| {
                    if line.len() >= 2 && line.iter().all(|&p| inside_bounds(bounds, p)) {
                        vec![line]
                    } else {
                        clip_polyline(&line, bounds)
                    }
                })
                .collect();
            let emphasis = if self.selected == Some(t.index) || self.highlight == Some(t.index) {
                EMPHASIS
            } else {
                1.0
            };
            let dim = self.highlight.is_some_and(|h| h != t.index);
            let look = TrailLook {
                casing: casing(t, self.scale),
                emphasis,
                alpha: if dim { DIMMED_ALPHA } else { 255 },
            };
            trail(&mut out, t, subpaths, head_px, rect, self.u, look);
            drawn.push(t);
        }
        let place = arrows::flat(self.projection);
        let mut notes = arrows::head_items(&mut out, figure, &drawn, rect, &place, self.u);
        if figure.show.field {
            notes.push("field −∇f (length ∝ √|∇f|)".to_string());
        }
        if !notes.is_empty() && self.legend != LegendPlacement::Hidden {
            let ink = self.theme.ink();
            arrows::note(&mut out, &notes.join("   "), rect, self.u, self.ems, &ink);
        }
        let mu = marker_unit(self.u);
        for m in &figure.marks {
            let c = self.projection.project(m.at);
            if inside(rect, c, 10.0 * mu) {
                mark(&mut out, m.kind, c, mu);
            }
        }
        if let Some(b) = legend {
            out.extend(b.items(&figure.legend, &self.theme.ink(), self.highlight, true));
        }
        out
    }

    /// The legend inside the plot, in its emptiest corner, when the placement is
    /// [`LegendPlacement::Auto`] (the window hit-tests clicks on it with [`LegendBox::hit`]).
    pub fn legend_box(&self, figure: &Figure) -> Option<LegendBox> {
        if self.legend != LegendPlacement::Auto {
            return None;
        }
        let rect = self.projection.rect;
        let b = LegendBox::new(
            &figure.legend,
            self.ems,
            self.u,
            [0.0, 0.0],
            0.45 * rect[2],
            0.8 * rect[3],
        )?;
        let corner = emptiest_corner(
            [b.rect[2], b.rect[3]],
            rect,
            10.0 * self.u,
            &self.obstacles(figure),
        );
        Some(b.moved(corner))
    }

    /// What a legend inside the plot should not cover, with weights: points of every whole
    /// trail (at most a few thousand of each, evenly spread), and, heavier, the heads at the
    /// last step and the marks (the start, the minima).
    fn obstacles(&self, figure: &Figure) -> Vec<([f64; 2], f64)> {
        const PER_TRAIL: usize = 2000;
        let mut out = Vec::new();
        for t in &figure.trails {
            if self.only.is_some_and(|i| i != t.index) {
                continue;
            }
            let stride = t.all.len().div_ceil(PER_TRAIL).max(1);
            out.extend(
                t.all
                    .iter()
                    .step_by(stride)
                    .map(|p| (self.projection.project(*p), stride as f64)),
            );
            if let Some(last) = t.all.last() {
                out.push((self.projection.project(*last), 200.0));
            }
        }
        for m in &figure.marks {
            out.push((self.projection.project(m.at), 200.0));
        }
        // the arrows' scale note sits in the bottom-left corner
        let show = figure.show;
        if show.gradient || show.direction || show.step || show.field {
            let [l, t, _, h] = self.projection.rect;
            let at = [l + 20.0 * self.u, t + h - 20.0 * self.u];
            out.push((at, 1000.0));
        }
        out
    }
}

/// The casing under a trail of colour `color` over a background of luminance `under`: the
/// one (dark or light) that stands out from the background, unless the trail itself would
/// not stand out from it (a dark trail in a dark casing), then the other. Either way the
/// trail or its casing contrasts with what is under them: no yellow on yellow.
pub fn casing_for(color: [u8; 3], under: f64) -> Rgba {
    let trail = palette::luminance(color);
    let (dark, light) = (palette::contrast(under, 0.0), palette::contrast(under, 1.0));
    let prefer_dark = dark >= light;
    let readable = |dark: bool| {
        let c = if dark { 0.0 } else { 1.0 };
        palette::contrast(trail, c) >= 2.5
    };
    let dark = if readable(prefer_dark) {
        prefer_dark
    } else {
        !prefer_dark
    };
    if dark { HALO } else { LIGHT_HALO }
}

/// The casing of trail `t`, by the mean luminance of the colour map along its whole run.
pub(crate) fn casing(t: &FigureTrail, scale: Option<&ColorScale>) -> Rgba {
    let Some(scale) = scale else {
        return HALO;
    };
    let stride = t.losses.len().div_ceil(64).max(1);
    let (sum, n) = t
        .losses
        .iter()
        .step_by(stride)
        .map(|&f| scale.t(f))
        .filter(|v| v.is_finite())
        .fold((0.0, 0usize), |(s, n), v| {
            (s + palette::luminance(colormap::viridis(v)), n + 1)
        });
    let under = if n > 0 { sum / n as f64 } else { 0.0 };
    casing_for(t.color, under)
}

/// How one trail is drawn.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TrailLook {
    pub(crate) casing: Rgba,
    pub(crate) emphasis: f64,
    /// 255, or less for a dimmed trail.
    pub(crate) alpha: u8,
}

/// One trail over its casing (dashed if it is one of the dashed), and the marker at its head.
pub(crate) fn trail(
    out: &mut Vec<Drawn>,
    t: &FigureTrail,
    subpaths: Vec<Vec<[f64; 2]>>,
    head_px: [f64; 2],
    rect: [f64; 4],
    u: f64,
    look: TrailLook,
) {
    let width = (2.0 * u).max(2.0) * look.emphasis;
    // a light casing (a dark trail on a dark map) is a thin rim, not a white band
    let rim = if look.casing == LIGHT_HALO { 1.5 } else { 2.5 };
    let halo_width = width + (rim * u).max(2.0);
    let label = ("optimizer", t.label.to_string());
    let fade = |c: Rgba| {
        [
            c[0],
            c[1],
            c[2],
            ((u16::from(c[3]) * u16::from(look.alpha)) / 255) as u8,
        ]
    };
    let rgb = fade([t.color[0], t.color[1], t.color[2], 255]);
    let casing = fade(look.casing);
    let stroked = if t.dashed {
        dash(&subpaths, 7.0 * u, 4.0 * u + width)
    } else {
        subpaths.clone()
    };
    let mut halo = PathItem::stroked(
        "trail-halo",
        subpaths,
        Stroke {
            color: casing,
            width: halo_width,
        },
    );
    halo.round = true;
    halo.data = Some(label.clone());
    let mut path = PathItem::stroked("trail", stroked, Stroke { color: rgb, width });
    path.round = true;
    path.data = Some(label);
    out.push(Drawn::clipped(Item::Path(halo)));
    out.push(Drawn::clipped(Item::Path(path)));
    let mu = marker_unit(u);
    if inside(rect, head_px, 10.0 * mu) {
        head_marker(out, t.end, head_px, rgb, casing, mu);
    }
}

/// The marker at a trail's head: a dot, a cross where it diverged, a square where it stalled.
fn head_marker(
    out: &mut Vec<Drawn>,
    end: TrailEnd,
    c: [f64; 2],
    color: Rgba,
    casing: Rgba,
    u: f64,
) {
    let mut push = |item| out.push(Drawn::clipped(item));
    match end {
        TrailEnd::Head => {
            for (radius, fill, class) in [(5.5 * u, casing, "head-halo"), (4.0 * u, color, "head")]
            {
                push(Item::Circle {
                    center: c,
                    radius,
                    fill: Some(fill),
                    stroke: None,
                    class,
                });
            }
        }
        TrailEnd::Diverged => {
            let s = 6.0 * u;
            let cross = vec![
                vec![[c[0] - s, c[1] - s], [c[0] + s, c[1] + s]],
                vec![[c[0] - s, c[1] + s], [c[0] + s, c[1] - s]],
            ];
            for (color, width, class) in [
                (casing, 4.5 * u, "head-halo"),
                (color, 2.5 * u, "head diverged"),
            ] {
                let mut p = PathItem::stroked(class, cross.clone(), Stroke { color, width });
                p.round = true;
                push(Item::Path(p));
            }
        }
        TrailEnd::Stalled => {
            let r = 4.5 * u;
            let e = 1.5 * u;
            let halo = [c[0] - r - e, c[1] - r - e, 2.0 * (r + e), 2.0 * (r + e)];
            let head = [c[0] - r, c[1] - r, 2.0 * r, 2.0 * r];
            for (rect, fill, class) in [(halo, casing, "head-halo"), (head, color, "head stalled")]
            {
                push(Item::Rect {
                    rect,
                    radius: u,
                    fill: Some(fill),
                    stroke: None,
                    class,
                });
            }
        }
    }
}

/// Minima (white diamonds), saddles (white squares) and the start (a white ring).
pub(crate) fn mark(out: &mut Vec<Drawn>, kind: MarkKind, c: [f64; 2], u: f64) {
    match kind {
        MarkKind::Minimum => {
            let d = 5.0 * u;
            out.push(Drawn::clipped(Item::Path(PathItem {
                class: "minimum",
                subpaths: vec![vec![
                    [c[0], c[1] - d],
                    [c[0] + d, c[1]],
                    [c[0], c[1] + d],
                    [c[0] - d, c[1]],
                ]],
                closed: true,
                fill: Some(WHITE),
                stroke: Some(Stroke {
                    color: BLACK,
                    width: 1.2 * u,
                }),
                round: false,
                data: None,
            })));
        }
        MarkKind::Saddle => {
            let r = 4.5 * u;
            out.push(Drawn::clipped(Item::Rect {
                rect: [c[0] - r, c[1] - r, 2.0 * r, 2.0 * r],
                radius: 0.0,
                fill: None,
                stroke: Some(Stroke {
                    color: WHITE,
                    width: 1.6 * u,
                }),
                class: "saddle",
            }));
        }
        MarkKind::Start => {
            for (color, width, class) in [(HALO, 3.5 * u, "start-halo"), (WHITE, 1.8 * u, "start")]
            {
                out.push(Drawn::clipped(Item::Circle {
                    center: c,
                    radius: 7.0 * u,
                    fill: None,
                    stroke: Some(Stroke { color, width }),
                    class,
                }));
            }
        }
    }
}

/// The colour bar in `rect` with its frame, title and tick labels (in `ink`) to its right.
pub fn colorbar(
    out: &mut Vec<Drawn>,
    rect: [f64; 4],
    scale: &ColorScale,
    u: f64,
    em: f64,
    ink: Rgba,
) {
    let [x, y, w, h] = rect;
    out.push(Drawn::free(Item::ColorBar { rect }));
    let stroke = Stroke {
        color: FRAME,
        width: u.max(1.0),
    };
    out.push(Drawn::free(Item::Rect {
        rect,
        radius: 0.0,
        fill: None,
        stroke: Some(stroke),
        class: "frame",
    }));
    out.push(text(
        "loss",
        [x, y - 8.0 * u],
        em,
        ink,
        Anchor::Start,
        "colorbar-title",
    ));
    let mid = 0.5 * (font::ascent(em) - font::descent(em));
    let mut ticks = Vec::new();
    let mut last_y = f64::INFINITY;
    for tick in scale.ticks(8) {
        let t = scale.t(tick);
        if !t.is_finite() {
            continue;
        }
        let ty = y + h - h * t;
        ticks.push(vec![[x + w, ty], [x + w + 4.0 * u, ty]]);
        // labels never overlap: skip one too close to the previous (ticks rise upward)
        if last_y - ty < 1.1 * em {
            continue;
        }
        last_y = ty;
        out.push(text(
            &sig(tick),
            [x + w + 6.0 * u, ty + mid],
            em,
            ink,
            Anchor::Start,
            "tick",
        ));
    }
    out.push(Drawn::free(Item::Path(PathItem::stroked(
        "axis", ticks, stroke,
    ))));
}

/// A plot's frame and axes: where the plot is, the sizes and colours, the baseline of the
/// row under the x tick labels (the x title's) and where a y title starts on the left. The
/// exports and the map window draw their axes with this one function.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// Left, top, width, height.
    pub plot: [f64; 4],
    pub u: f64,
    pub ems: Ems,
    pub ink: Ink,
    pub footer_baseline: f64,
    pub title_left: f64,
}

impl Frame {
    /// The frame with ticks at positions `xs` (along the bottom) and `ys` (up the left side),
    /// each with its label, and the axes' titles. A one-letter y title sits left of the tick
    /// labels; a longer one above them.
    pub fn items(
        &self,
        out: &mut Vec<Drawn>,
        xs: &[(f64, String)],
        ys: &[(f64, String)],
        x_title: &str,
        y_title: &str,
    ) {
        let (u, ems, ink) = (self.u, self.ems, self.ink);
        let [left, top, w, h] = self.plot;
        let bottom = top + h;
        let tick_len = 5.0 * u;
        let stroke = Stroke {
            color: ink.frame,
            width: u.max(1.0),
        };
        let mut ticks = Vec::new();
        let tick_baseline = bottom + tick_len + 2.0 * u + font::ascent(ems.tick);
        for (x, label) in xs {
            ticks.push(vec![[*x, bottom], [*x, bottom + tick_len]]);
            out.push(text(
                label,
                [*x, tick_baseline],
                ems.tick,
                ink.text,
                Anchor::Middle,
                "tick",
            ));
        }
        let mid = 0.5 * (font::ascent(ems.tick) - font::descent(ems.tick));
        for (y, label) in ys {
            ticks.push(vec![[left - tick_len, *y], [left, *y]]);
            out.push(text(
                label,
                [left - tick_len - 4.0 * u, *y + mid],
                ems.tick,
                ink.text,
                Anchor::End,
                "tick",
            ));
        }
        out.push(Drawn::free(Item::Path(PathItem::stroked(
            "axis", ticks, stroke,
        ))));
        out.push(Drawn::free(Item::Rect {
            rect: [left, top, w, h],
            radius: 0.0,
            fill: None,
            stroke: Some(stroke),
            class: "frame",
        }));
        out.push(text(
            x_title,
            [left + 0.5 * w, self.footer_baseline],
            ems.axis,
            ink.text,
            Anchor::Middle,
            "axis-title",
        ));
        let axis_mid = 0.5 * (font::ascent(ems.axis) - font::descent(ems.axis));
        let at = if y_title.chars().count() <= 1 {
            [self.title_left, top + 0.5 * h + axis_mid]
        } else {
            [self.title_left, top - 6.0 * u]
        };
        out.push(text(
            y_title,
            at,
            ems.axis,
            ink.text,
            Anchor::Start,
            "axis-title",
        ));
    }
}
