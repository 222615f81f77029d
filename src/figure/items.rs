//! What goes on a plot, as [`draw`](super::draw) items: contour lines, every trail over its
//! halo with the marker at its head, the points of interest, the legend and the colour bar.
//! The window and the exports build their plots with these same functions; they differ only
//! in where the decimated trail pixels come from (the window keeps them cached across pans).

use super::arrows;
use super::contour::ContourLevel;
use super::draw::{
    Anchor, BLACK, CONTOUR, CONTOUR_TOLERANCE_PX, Drawn, EMPHASIS, Ems, FRAME, HALO, Item,
    LEGEND_ALERT, LEGEND_BOX, LEGEND_STATUS, LEGEND_TEXT, MIN_EM, PathItem, Rgba, Stroke, WHITE,
    clip_polyline, text,
};
use super::levels::ColorScale;
use super::model::{Figure, FigureTrail, LegendEntry, MarkKind, TrailEnd, sig};
use super::polyline::simplify;
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

/// Markers keep a legible size in small images.
fn marker_unit(u: f64) -> f64 {
    u.max(0.75)
}

/// The contour lines in `projection`'s pixels, one path per level, cut to its plot (with a
/// margin) and simplified to screen resolution.
pub fn contours(levels: &[ContourLevel], projection: &Projection, u: f64) -> Vec<Drawn> {
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
            let mut path = PathItem::stroked(
                "contour",
                subpaths,
                Stroke {
                    color: CONTOUR,
                    width: (0.8 * u).max(0.5),
                },
            );
            path.round = true;
            path.data = Some(("level", sig(level.level)));
            Drawn::clipped(Item::Path(path))
        })
        .collect()
}

/// What is drawn over the colour map and contours of one plot: trails, their heads, the
/// points of interest and (optionally) the legend.
#[derive(Clone, Copy, Debug)]
pub struct Overlay<'a> {
    pub projection: &'a Projection,
    /// The size unit (see [`super::draw`]).
    pub u: f64,
    pub ems: Ems,
    /// Draw the legend (the window's grid panels label themselves instead).
    pub legend: bool,
    /// The optimizer whose trail is drawn wider (the one selected in the window).
    pub selected: Option<usize>,
    /// Draw only this optimizer's trail (a grid panel).
    pub only: Option<usize>,
}

impl Overlay<'_> {
    /// The overlay's items. `pixels(trail, head)` gives a trail decimated to screen resolution
    /// up to its head (at pixel `head`), as polylines in this projection's pixels; `None`
    /// when it has not been decimated (yet).
    pub fn items(
        &self,
        figure: &Figure,
        mut pixels: impl FnMut(&FigureTrail, [f64; 2]) -> Option<Vec<Vec<[f64; 2]>>>,
    ) -> Vec<Drawn> {
        let mut out = Vec::new();
        let rect = self.projection.rect;
        if figure.show.field {
            arrows::field_items(&mut out, figure.surface, self.projection, self.u);
        }
        let mut drawn: Vec<&FigureTrail> = Vec::new();
        for t in &figure.trails {
            if self.only.is_some_and(|i| i != t.index) {
                continue;
            }
            let Some(head) = t.head() else { continue };
            let head_px = self.projection.project(head);
            let Some(subpaths) = pixels(t, head_px) else {
                continue;
            };
            let emphasis = if self.selected == Some(t.index) {
                EMPHASIS
            } else {
                1.0
            };
            trail(&mut out, t, subpaths, head_px, rect, self.u, emphasis);
            drawn.push(t);
        }
        let mut notes = arrows::head_items(&mut out, figure, &drawn, self.projection, self.u);
        if figure.show.field {
            notes.push("field −∇f (length ∝ √|∇f|)".to_string());
        }
        if !notes.is_empty() && self.legend {
            arrows::note(&mut out, &notes.join("   "), rect, self.u, self.ems);
        }
        let mu = marker_unit(self.u);
        for m in &figure.marks {
            let c = self.projection.project(m.at);
            if inside(rect, c, 10.0 * mu) {
                mark(&mut out, m.kind, c, mu);
            }
        }
        if self.legend {
            legend(&mut out, &figure.legend, rect, self.u, self.ems);
        }
        out
    }
}

/// One trail over its dark halo, and the marker at its head.
fn trail(
    out: &mut Vec<Drawn>,
    t: &FigureTrail,
    subpaths: Vec<Vec<[f64; 2]>>,
    head_px: [f64; 2],
    rect: [f64; 4],
    u: f64,
    emphasis: f64,
) {
    let width = (2.0 * u).max(2.0) * emphasis;
    let halo_width = width + (2.0 * u).max(1.5);
    let label = ("optimizer", t.label.to_string());
    let rgb = [t.color[0], t.color[1], t.color[2], 255];
    let mut halo = PathItem::stroked(
        "trail-halo",
        subpaths.clone(),
        Stroke {
            color: HALO,
            width: halo_width,
        },
    );
    halo.round = true;
    halo.data = Some(label.clone());
    let mut path = PathItem::stroked("trail", subpaths, Stroke { color: rgb, width });
    path.round = true;
    path.data = Some(label);
    out.push(Drawn::clipped(Item::Path(halo)));
    out.push(Drawn::clipped(Item::Path(path)));
    let mu = marker_unit(u);
    if inside(rect, head_px, 10.0 * mu) {
        head_marker(out, t.end, head_px, rgb, mu);
    }
}

/// The marker at a trail's head: a dot, a cross where it diverged, a square where it stalled.
fn head_marker(out: &mut Vec<Drawn>, end: TrailEnd, c: [f64; 2], color: Rgba, u: f64) {
    let mut push = |item| out.push(Drawn::clipped(item));
    match end {
        TrailEnd::Head => {
            for (radius, fill, class) in [(5.5 * u, HALO, "head-halo"), (4.0 * u, color, "head")] {
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
                (HALO, 4.5 * u, "head-halo"),
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
            for (rect, fill, class) in [(halo, HALO, "head-halo"), (head, color, "head stalled")] {
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
fn mark(out: &mut Vec<Drawn>, kind: MarkKind, c: [f64; 2], u: f64) {
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

/// The legend in the top-right corner of the plot `rect`: a swatch, the label and the status
/// of every optimizer.
pub fn legend(out: &mut Vec<Drawn>, rows: &[LegendEntry], rect: [f64; 4], u: f64, ems: Ems) {
    if rows.is_empty() {
        return;
    }
    let [left, top, pw, ph] = rect;
    let max_w = 0.6 * pw;
    let max_h = 0.75 * ph;
    // Text shrinks (not below the floor) until the rows fit the height; past that, the
    // last rows give way to "… and k more".
    let (mut em, mut small) = (ems.legend, ems.status);
    let row_h = |em: f64| 1.45 * em;
    let box_h = |n: usize, em: f64| n as f64 * row_h(em) + 0.6 * em;
    while box_h(rows.len(), em) > max_h && em > MIN_EM {
        em = (em * 0.9).max(MIN_EM);
        small = (small * 0.9).max(MIN_EM);
    }
    let mut shown = rows.len();
    while shown > 1 && box_h(shown, em) > max_h {
        shown -= 1;
    }
    let more = (shown < rows.len()).then(|| rows.len() - shown + 1);
    let label_of = |k: usize, r: &LegendEntry| match more {
        Some(n) if k + 1 == shown => format!("… and {n} more"),
        _ => r.label.clone(),
    };
    let pad = 0.6 * em;
    let swatch = 1.5 * em;
    let gap = 0.7 * em;
    let labels_w = rows
        .iter()
        .take(shown)
        .enumerate()
        .map(|(k, r)| font::width(&label_of(k, r), em))
        .fold(0.0, f64::max);
    // The status column is at least as wide as any "loss …", so the box keeps its size
    // while an animation runs; longer statuses ("diverged at step …") are shortened to
    // fit, and the column goes only when not even a loss fits.
    let template = font::width("loss -0.0000e-00", small);
    let statuses = rows
        .iter()
        .map(|r| font::width(&r.status, small))
        .fold(template, f64::max);
    let fixed = pad + swatch + 0.5 * em + pad;
    let (labels_w, status_w) = if fixed + labels_w + gap + statuses <= max_w {
        (labels_w, Some(statuses))
    } else if fixed + labels_w + gap + template <= max_w {
        (labels_w, Some(max_w - fixed - labels_w - gap))
    } else {
        (labels_w.min(max_w - fixed), None)
    };
    let box_w = fixed + labels_w + status_w.map_or(0.0, |s| gap + s);
    let box_height = box_h(shown, em);
    let margin = 10.0 * u;
    let bx = left + pw - box_w - margin;
    let by = top + margin;
    out.push(Drawn::clipped(Item::Rect {
        rect: [bx, by, box_w, box_height],
        radius: 4.0 * u,
        fill: Some(LEGEND_BOX),
        stroke: None,
        class: "legend",
    }));
    let label_x = bx + pad + swatch + 0.5 * em;
    let mid = 0.5 * (font::ascent(em) - font::descent(em));
    for (k, row) in rows.iter().take(shown).enumerate() {
        let cy = by + 0.3 * em + row_h(em) * (k as f64 + 0.5);
        let is_more = more.is_some() && k + 1 == shown;
        if !is_more {
            let rgb = [row.color[0], row.color[1], row.color[2], 255];
            out.push(Drawn::clipped(Item::Path(PathItem::stroked(
                "legend-swatch",
                vec![vec![[bx + pad, cy], [bx + pad + swatch, cy]]],
                Stroke {
                    color: rgb,
                    width: (0.25 * em).max(1.5),
                },
            ))));
        }
        let label = font::ellipsize(&label_of(k, row), em, labels_w);
        out.push(text(
            &label,
            [label_x, cy + mid],
            em,
            LEGEND_TEXT,
            Anchor::Start,
            "legend-label",
        ));
        if let Some(room) = status_w
            && !is_more
        {
            let status = font::ellipsize(&row.status, small, room);
            let color = if row.alert {
                LEGEND_ALERT
            } else {
                LEGEND_STATUS
            };
            out.push(text(
                &status,
                [label_x + labels_w + gap, cy + mid],
                small,
                color,
                Anchor::Start,
                "legend-status",
            ));
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
