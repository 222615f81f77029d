//! The CPU painter: drawing items onto a tiny-skia pixmap (PNG and GIF frames).

use super::ExportError;
use super::layout::{Anchor, Canvas, Drawn, Item, PathItem, Rgba, Stroke};
use super::text;
use crate::figure::colormap;
use tiny_skia::{
    Color, FillRule, IntSize, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap,
    PixmapPaint, Rect, Transform,
};

/// An empty pixmap of the request's size.
pub(crate) fn pixmap(width: u32, height: u32) -> Result<Pixmap, ExportError> {
    Pixmap::new(width, height)
        .ok_or_else(|| ExportError::Encode(format!("cannot allocate a {width}×{height} image")))
}

/// The mask that keeps plot items inside the plot rectangle.
pub(crate) fn plot_mask(canvas: &Canvas) -> Option<Mask> {
    let [l, t, w, h] = canvas.layout.plot;
    let mut mask = Mask::new(canvas.layout.width as u32, canvas.layout.height as u32)?;
    let rect = Rect::from_xywh(l as f32, t as f32, w as f32, h as f32)?;
    mask.fill_path(
        &PathBuilder::from_rect(rect),
        FillRule::Winding,
        false,
        Transform::identity(),
    );
    Some(mask)
}

fn paint_of(c: Rgba) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c[0], c[1], c[2], c[3]);
    p.anti_alias = true;
    p
}

fn stroke_of(s: &Stroke, round: bool) -> tiny_skia::Stroke {
    tiny_skia::Stroke {
        width: s.width as f32,
        miter_limit: 2.0,
        line_cap: if round { LineCap::Round } else { LineCap::Butt },
        line_join: if round {
            LineJoin::Round
        } else {
            LineJoin::Miter
        },
        ..Default::default()
    }
}

fn polyline_path(p: &PathItem) -> Option<Path> {
    let mut pb = PathBuilder::new();
    for sub in &p.subpaths {
        let mut points = sub.iter();
        let Some(first) = points.next() else { continue };
        pb.move_to(first[0] as f32, first[1] as f32);
        for q in points {
            pb.line_to(q[0] as f32, q[1] as f32);
        }
        if p.closed {
            pb.close();
        }
    }
    pb.finish()
}

fn rect_path([x, y, w, h]: [f64; 4], radius: f64) -> Option<Path> {
    if radius <= 0.0 {
        return Some(PathBuilder::from_rect(Rect::from_xywh(
            x as f32, y as f32, w as f32, h as f32,
        )?));
    }
    let r = radius.min(0.5 * w).min(0.5 * h) as f32;
    let (x, y, w, h) = (x as f32, y as f32, w as f32, h as f32);
    // cubic approximation of a quarter circle
    let k = 0.552_284_8 * r;
    let mut pb = PathBuilder::new();
    pb.move_to(x + r, y);
    pb.line_to(x + w - r, y);
    pb.cubic_to(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    pb.line_to(x + w, y + h - r);
    pb.cubic_to(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    pb.line_to(x + r, y + h);
    pb.cubic_to(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    pb.line_to(x, y + r);
    pb.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    pb.close();
    pb.finish()
}

fn fill_and_stroke(
    pixmap: &mut Pixmap,
    path: &Path,
    fill: Option<Rgba>,
    stroke: Option<&Stroke>,
    round: bool,
    mask: Option<&Mask>,
) {
    if let Some(f) = fill {
        pixmap.fill_path(
            path,
            &paint_of(f),
            FillRule::Winding,
            Transform::identity(),
            mask,
        );
    }
    if let Some(s) = stroke {
        pixmap.stroke_path(
            path,
            &paint_of(s.color),
            &stroke_of(s, round),
            Transform::identity(),
            mask,
        );
    }
}

/// Paints `items` in order; items marked `clip` stay inside the plot (`mask`).
pub(crate) fn paint(pixmap: &mut Pixmap, canvas: &Canvas, items: &[Drawn], mask: Option<&Mask>) {
    for d in items {
        let mask = if d.clip { mask } else { None };
        match &d.item {
            Item::Background(c) => pixmap.fill(Color::from_rgba8(c[0], c[1], c[2], c[3])),
            Item::ColorMap => paint_colormap(pixmap, canvas),
            Item::ColorBar { rect } => paint_colorbar(pixmap, *rect),
            Item::Rect {
                rect,
                radius,
                fill,
                stroke,
                ..
            } => {
                if let Some(path) = rect_path(*rect, *radius) {
                    fill_and_stroke(pixmap, &path, *fill, stroke.as_ref(), false, mask);
                }
            }
            Item::Circle {
                center,
                radius,
                fill,
                stroke,
                ..
            } => {
                if let Some(path) =
                    PathBuilder::from_circle(center[0] as f32, center[1] as f32, *radius as f32)
                {
                    fill_and_stroke(pixmap, &path, *fill, stroke.as_ref(), false, mask);
                }
            }
            Item::Path(p) => {
                if let Some(path) = polyline_path(p) {
                    fill_and_stroke(pixmap, &path, p.fill, p.stroke.as_ref(), p.round, mask);
                }
            }
            Item::Text(t) => {
                let w = text::width(&t.text, t.em);
                let x = match t.anchor {
                    Anchor::Start => t.at[0],
                    Anchor::Middle => t.at[0] - 0.5 * w,
                    Anchor::End => t.at[0] - w,
                };
                let size = [pixmap.width(), pixmap.height()];
                text::draw(
                    pixmap.data_mut(),
                    size,
                    &t.text,
                    t.em,
                    [x, t.at[1]],
                    t.color,
                );
            }
        }
    }
}

fn paint_colormap(pixmap: &mut Pixmap, canvas: &Canvas) {
    let layer = &canvas.layer;
    let Some(size) = IntSize::from_wh(layer.size[0] as u32, layer.size[1] as u32) else {
        return;
    };
    // opaque, so the unmultiplied colours are also the premultiplied ones
    let Some(image) = Pixmap::from_vec(layer.rgba.clone(), size) else {
        return;
    };
    let [l, t, _, _] = canvas.layout.plot;
    pixmap.draw_pixmap(
        l as i32,
        t as i32,
        image.as_ref(),
        &PixmapPaint::default(),
        Transform::identity(),
        None,
    );
}

fn paint_colorbar(pixmap: &mut Pixmap, [x, y, w, h]: [f64; 4]) {
    let rows = h.round().max(1.0) as u32;
    for r in 0..rows {
        let t = 1.0 - (f64::from(r) + 0.5) / f64::from(rows);
        let c = colormap::viridis(t);
        if let Some(rect) = Rect::from_xywh(x as f32, (y + f64::from(r)) as f32, w as f32, 1.0) {
            let mut paint = paint_of([c[0], c[1], c[2], 255]);
            paint.anti_alias = false;
            pixmap.fill_rect(rect, &paint, Transform::identity(), None);
        }
    }
}
