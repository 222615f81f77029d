//! The arrows that show an optimizer's inside on the plot: at each head the negative gradient,
//! the direction the optimizer's state points it along (momentum buffer, Adam's m̂, RMSprop's
//! scaled gradient, Lion's sign…) and the step it takes next, Δw; and over the whole view a
//! field of −∇f arrows. Built here, as draw items, so the window and every export show them.
//!
//! Everything at a head is about the *next* update, the one taken from the head: the gradient
//! there, the direction that update moved along (read from the engine's rule, see
//! [`crate::engine::optim::Insight`]) and the step to the next point of the trajectory. The
//! three kinds differ in their size by orders of magnitude (Δw is lr times the others), so each
//! kind gets its own scale, a round number chosen per frame so that the longest arrow of the
//! kind reads; the note in the plot's corner states the scales.

use super::draw::{Anchor, Drawn, Ems, HALO, Ink, Item, PathItem, Rgba, Stroke, text};
use super::levels::one_two_five;
use super::model::{Figure, FigureTrail};
use super::projection::Projection;
use super::text as font;
use crate::engine::{Replay, Surface, Trajectory, Vec2};

/// The field's arrows: white, translucent, under the trails.
pub const FIELD: Rgba = [255, 255, 255, 150];

/// What is drawn at one head, in the surface's coordinates, each pointing where it moves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeadArrows {
    /// −∇f at the head.
    pub gradient: Vec2,
    /// Minus the direction the next update moved along, with the direction's symbol.
    pub direction: Option<(&'static str, Vec2)>,
    /// The next step, Δw = w_{k+1} − w_k.
    pub step: Option<Vec2>,
}

impl HeadArrows {
    /// The arrows at row `k` of `run`: the gradient at the head, and when the trajectory goes
    /// on, the next step and (given the run's `replay`) the direction of that update, read
    /// from the rule as the replay reaches row k + 1 (a few updates from its nearest
    /// checkpoint, not a run from the start).
    pub fn at(
        surface: &Surface,
        run: &Trajectory,
        k: usize,
        replay: Option<&mut Replay>,
    ) -> Option<HeadArrows> {
        let head = *run.points.get(k)?;
        let (_, g) = surface.value_grad(head);
        let next = run.points.get(k + 1).copied();
        let direction = match (next, replay) {
            (Some(_), Some(replay)) => replay.record(k + 1).and_then(|r| {
                let u = r.update?;
                let (name, d) = u.insight.direction?;
                Some((name, -(u.to_world * d)))
            }),
            _ => None,
        };
        Some(HeadArrows {
            gradient: -g,
            direction,
            step: next.map(|n| n - head),
        })
    }
}

/// The three kinds of head arrows: (key, legend symbol, shaft width in units of `u`).
const KINDS: [(&str, &str, f64); 3] = [
    ("gradient", "−∇f", 1.2),
    ("direction", "−dir", 2.0),
    ("step", "Δw", 3.0),
];

fn vector(a: &HeadArrows, kind: usize) -> Option<Vec2> {
    match kind {
        0 => Some(a.gradient),
        1 => a.direction.map(|(_, d)| d),
        _ => a.step,
    }
}

/// A vector of the surface's coordinates in pixels (y down).
fn to_px(p: &Projection, v: Vec2) -> [f64; 2] {
    let [sx, sy] = p.pixels_per_unit();
    [v.x * sx, -v.y * sy]
}

fn finite(v: [f64; 2]) -> bool {
    v[0].is_finite() && v[1].is_finite()
}

/// The largest 1, 2 or 5 × 10ⁿ not above `x` (a scale that reads in a legend).
pub fn round_scale(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let (lead, e) = one_two_five(x);
    lead * 10f64.powf(e)
}

/// A round scale as the note writes it: "0.02", "10", "5e-5".
pub fn scale_text(s: f64) -> String {
    let e = s.log10().floor();
    if (-3.0..4.0).contains(&e) {
        format!("{:.*}", (-e).max(0.0) as usize, s)
    } else {
        format!("{:.0}e{e}", s / 10f64.powf(e))
    }
}

/// An arrow from `tail` along `v` (pixels), over a dark halo: a shaft and a filled head.
fn arrow(
    out: &mut Vec<Drawn>,
    tail: [f64; 2],
    v: [f64; 2],
    color: Rgba,
    width: f64,
    class: &'static str,
    halo: bool,
) {
    let len = v[0].hypot(v[1]);
    if len.is_nan() || len < 1.0 {
        return;
    }
    let (ux, uy) = (v[0] / len, v[1] / len);
    let head_len = (3.5 * width).max(5.0).min(0.6 * len);
    let head_half = 0.55 * head_len;
    let tip = [tail[0] + v[0], tail[1] + v[1]];
    let base = [tip[0] - ux * head_len, tip[1] - uy * head_len];
    let triangle = vec![
        tip,
        [base[0] - uy * head_half, base[1] + ux * head_half],
        [base[0] + uy * head_half, base[1] - ux * head_half],
    ];
    let shaft = vec![vec![tail, base]];
    if halo {
        let mut h = PathItem::stroked(
            "arrow-halo",
            shaft.clone(),
            Stroke {
                color: HALO,
                width: width + 2.0,
            },
        );
        h.round = true;
        out.push(Drawn::clipped(Item::Path(h)));
        out.push(Drawn::clipped(Item::Path(PathItem {
            class: "arrow-halo",
            subpaths: vec![triangle.clone()],
            closed: true,
            fill: None,
            stroke: Some(Stroke {
                color: HALO,
                width: 2.0,
            }),
            round: true,
            data: None,
        })));
    }
    let mut s = PathItem::stroked("", shaft, Stroke { color, width });
    s.class = class;
    s.round = true;
    out.push(Drawn::clipped(Item::Path(s)));
    out.push(Drawn::clipped(Item::Path(PathItem {
        class,
        subpaths: vec![triangle],
        closed: true,
        fill: Some(color),
        stroke: None,
        round: false,
        data: None,
    })));
}

/// Where an arrow of the surface's coordinates lands on the page: given a head and a vector
/// (already scaled), the tail and the vector in pixels, or `None` where it cannot be drawn.
/// The 2D plot projects both ([`flat`]); the 3D view lifts the tail onto the surface and lays
/// the vector in the (x, y) plane at the head's height.
pub type Place<'p> = dyn Fn(Vec2, Vec2) -> Option<([f64; 2], [f64; 2])> + 'p;

/// The 2D plot's placement: the head projected, the vector in pixels.
pub fn flat(p: &Projection) -> impl Fn(Vec2, Vec2) -> Option<([f64; 2], [f64; 2])> + '_ {
    move |head, v| Some((p.project(head), to_px(p, v)))
}

/// A vector's length on the page at scale 1, measured on a short piece of it (the 3D view's
/// perspective is not linear; near the tail it nearly is).
fn page_length(place: &Place, head: Vec2, v: Vec2) -> Option<f64> {
    const PIECE: f64 = 1e-6;
    let (_, px) = place(head, v * PIECE)?;
    finite(px).then(|| px[0].hypot(px[1]) / PIECE)
}

/// The arrows at the heads of `trails`, each kind at one round scale chosen for a plot area
/// `rect`, placed by `place`; returns the scales as notes ("−∇f ×0.1") for [`note`].
pub fn head_items(
    out: &mut Vec<Drawn>,
    figure: &Figure,
    trails: &[&FigureTrail],
    rect: [f64; 4],
    place: &Place,
    u: f64,
) -> Vec<String> {
    let show = figure.show;
    let on = [show.gradient, show.direction, show.step];
    let [_, _, pw, ph] = rect;
    let target = 0.14 * pw.min(ph);
    let mut notes = Vec::new();
    for (kind, &(key, symbol, width)) in KINDS.iter().enumerate() {
        if !on[kind] {
            continue;
        }
        let longest = trails
            .iter()
            .filter_map(|t| page_length(place, t.head()?, vector(t.arrows.as_ref()?, kind)?))
            .filter(|l| l.is_finite())
            .fold(0.0, f64::max);
        if longest <= 0.0 {
            continue;
        }
        let scale = round_scale(target / longest);
        let symbol = match kind {
            1 => direction_symbols(trails),
            _ => symbol.to_string(),
        };
        notes.push(format!("{symbol} ×{}", scale_text(scale)));
        for t in trails {
            let (Some(a), Some(head)) = (t.arrows.as_ref(), t.head()) else {
                continue;
            };
            let Some(v) = vector(a, kind) else { continue };
            let Some((tail, v)) = place(head, v * scale) else {
                continue;
            };
            if finite(v) && finite(tail) {
                let rgb = [t.color[0], t.color[1], t.color[2], 255];
                let class = match key {
                    "gradient" => "arrow-gradient",
                    "direction" => "arrow-direction",
                    _ => "arrow-step",
                };
                arrow(out, tail, v, rgb, width * u.max(0.75), class, true);
            }
        }
    }
    notes
}

/// The direction arrows' symbols, e.g. "−b, −m_hat" (each kind names its own).
fn direction_symbols(trails: &[&FigureTrail]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for t in trails {
        if let Some((name, _)) = t.arrows.as_ref().and_then(|a| a.direction)
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    let names: Vec<String> = names.iter().map(|n| format!("−{n}")).collect();
    names.join(", ")
}

/// A line of text in a box at the bottom-left corner of the plot, in the legend's colours.
pub fn note(out: &mut Vec<Drawn>, line: &str, rect: [f64; 4], u: f64, ems: Ems, ink: &Ink) {
    let [left, top, pw, ph] = rect;
    let em = ems.status;
    let pad = 0.5 * em;
    let w = (font::width(line, em) + 2.0 * pad).min(pw);
    let h = 1.6 * em;
    let margin = 10.0 * u;
    let (bx, by) = (left + margin, top + ph - margin - h);
    out.push(Drawn::clipped(Item::Rect {
        rect: [bx, by, w, h],
        radius: 3.0 * u,
        fill: Some(ink.legend_box),
        stroke: None,
        class: "arrow-scale",
    }));
    let line = font::ellipsize(line, em, w - 2.0 * pad);
    let mid = 0.5 * (font::ascent(em) - font::descent(em));
    out.push(text(
        &line,
        [bx + pad, by + 0.5 * h + mid],
        em,
        ink.legend_text,
        Anchor::Start,
        "arrow-scale",
    ));
}

/// The field of −∇f over the plot: one arrow per cell of a grid of about 40 units, so zooming
/// in shows it finer in the surface's coordinates. Directions are exact; lengths grow with
/// √|∇f| (gradients span orders of magnitude) up to most of a cell.
pub fn field_items(out: &mut Vec<Drawn>, surface: &Surface, p: &Projection, u: f64) {
    let [left, top, pw, ph] = p.rect;
    let cell = (40.0 * u).max(16.0);
    let (nx, ny) = (
        (pw / cell).floor().max(1.0) as usize,
        (ph / cell).floor().max(1.0) as usize,
    );
    let (cx, cy) = (pw / nx as f64, ph / ny as f64);
    let mut arrows = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let at = [left + (i as f64 + 0.5) * cx, top + (j as f64 + 0.5) * cy];
            let (_, g) = surface.value_grad(p.unproject(at));
            let v = to_px(p, -g);
            if finite(v) {
                arrows.push((at, v));
            }
        }
    }
    let norm = |v: [f64; 2]| v[0].hypot(v[1]).sqrt();
    let longest = arrows.iter().map(|&(_, v)| norm(v)).fold(0.0, f64::max);
    if longest.is_nan() || longest <= 0.0 {
        return;
    }
    let most = 0.8 * cx.min(cy);
    for (at, v) in arrows {
        let len = v[0].hypot(v[1]);
        if len <= 0.0 {
            continue;
        }
        let l = most * norm(v) / longest;
        let d = [v[0] / len * l, v[1] / len * l];
        // centred on the cell, so neighbours do not touch
        let tail = [at[0] - 0.5 * d[0], at[1] - 0.5 * d[1]];
        arrow(out, tail, d, FIELD, (1.0 * u).max(0.8), "field", false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_and_written_short() {
        assert_eq!(round_scale(0.037), 0.02);
        assert_eq!(round_scale(7.0), 5.0);
        assert_eq!(round_scale(150.0), 100.0);
        assert_eq!(round_scale(f64::NAN), 1.0);
        let texts: Vec<String> = [0.02, 0.1, 1.0, 10.0, 5e-5, 2e6]
            .into_iter()
            .map(scale_text)
            .collect();
        assert_eq!(texts, ["0.02", "0.1", "1", "10", "5e-5", "2e6"]);
    }
}
