//! The data panel of an exported figure on a data surface (the window's panel, see
//! [`crate::figure::data_view`]): a framed plot right of the colour bar with the examples as
//! points (held-out ones hollow), axes in feature and target, and each optimizer's model at
//! the step as a curve in its colour. Points and axes are the same in every frame of a GIF;
//! the curves move.

use super::layout::{Layout, tick_labels};
use crate::figure::data_view::DataView;
use crate::figure::draw::{Anchor, Drawn, Ink, Item, PathItem, Rgba, Stroke, clip_polyline, text};
use crate::figure::items::Frame;
use crate::figure::model::axis_ticks;

/// Data coordinates to pixels in `rect` for the ranges of `view`.
fn to_px(view: &DataView, rect: [f64; 4], p: [f64; 2]) -> [f64; 2] {
    let [left, top, w, h] = rect;
    let (x, y) = (view.x_range, view.y_range);
    [
        left + (p[0] - x[0]) / (x[1] - x[0]) * w,
        top + (1.0 - (p[1] - y[0]) / (y[1] - y[0])) * h,
    ]
}

/// Frame, ticks, axis names, the model's formula and the examples.
pub(crate) fn static_items(
    view: &DataView,
    rect: [f64; 4],
    l: &Layout,
    ink: &Ink,
    out: &mut Vec<Drawn>,
) {
    let u = l.u;
    let [left, top, w, h] = rect;
    let xt = axis_ticks(
        view.x_range[0],
        view.x_range[1],
        (w / (90.0 * u)).clamp(2.0, 8.0) as usize,
    );
    let yt = axis_ticks(
        view.y_range[0],
        view.y_range[1],
        (h / (60.0 * u)).clamp(2.0, 10.0) as usize,
    );
    let xs: Vec<(f64, String)> = xt
        .iter()
        .zip(tick_labels(&xt))
        .map(|(v, label)| (to_px(view, rect, [*v, view.y_range[0]])[0], label))
        .collect();
    let ys: Vec<(f64, String)> = yt
        .iter()
        .zip(tick_labels(&yt))
        .map(|(v, label)| (to_px(view, rect, [view.x_range[0], *v])[1], label))
        .collect();
    // the plot's own frame, ticks and titles, with the y title over this panel's left edge
    let frame = Frame {
        plot: rect,
        u,
        ems: l.ems,
        ink: *ink,
        footer_baseline: l.footer_baseline,
        title_left: left,
    };
    let x_title = format!("feature a   ·   n = {}   ·   {}", view.n, view.formula);
    frame.items(out, &xs, &ys, &x_title, "target b");
    let r = 3.0 * u;
    let points = |examples: &[[f64; 2]], fill: Option<Rgba>, out: &mut Vec<Drawn>| {
        for e in examples {
            let c = to_px(view, rect, *e);
            if c[0] >= left && c[0] <= left + w && c[1] >= top && c[1] <= top + h {
                out.push(Drawn::free(Item::Circle {
                    center: c,
                    radius: r,
                    fill,
                    stroke: Some(Stroke {
                        color: ink.text,
                        width: (0.8 * u).max(0.6),
                    }),
                    class: "example",
                }));
            }
        }
    };
    points(&view.test, None, out);
    points(&view.train, Some(ink.text), out);
}

/// Each optimizer's model at the step, clipped to the panel, with its B and epoch.
pub(crate) fn dynamic_items(
    view: &DataView,
    rect: [f64; 4],
    l: &Layout,
    _ink: &Ink,
    out: &mut Vec<Drawn>,
) {
    let u = l.u;
    let [left, top, w, h] = rect;
    let bounds = [left, top, left + w, top + h];
    for (k, c) in view.curves.iter().enumerate() {
        let px: Vec<[f64; 2]> = c.points.iter().map(|p| to_px(view, rect, *p)).collect();
        let [r, g, b] = c.color;
        let stroke = Stroke {
            color: [r, g, b, 255],
            width: (2.0 * u).max(1.0),
        };
        let mut path = PathItem::stroked("model", clip_polyline(&px, bounds), stroke);
        path.round = true;
        out.push(Drawn::free(Item::Path(path)));
        let line = l.ems.tick * 1.3;
        out.push(text(
            &format!("{}: B = {}, epoch {}", c.label, c.batch, c.epoch),
            [left + 6.0 * u, top + 6.0 * u + line * (k as f64 + 1.0)],
            l.ems.tick,
            [r, g, b, 255],
            Anchor::Start,
            "model-label",
        ));
    }
}
