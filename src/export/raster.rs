//! The CPU painter: drawing items onto a tiny-skia pixmap (PNG and GIF frames).
//!
//! Items are prepared once (paths built, strokes outlined) and then painted band by band:
//! each horizontal band of the image is a contiguous slice of the pixmap, painted on its own
//! core with the item geometry shifted up by the band's top (a whole number of pixels, which
//! is exact in floating point) and clipped at the band's edges. Anti-aliasing works on whole
//! rows, so a banded picture matches one painted whole up to rounding where a line crosses
//! a band edge. The colour map, the colour bar and the background are copied or filled
//! directly: they sit on whole pixels and are opaque.

use super::ExportError;
use super::layout::Canvas;
use crate::figure::colormap;
use crate::figure::draw::{Anchor, Drawn, Item, PathItem, Rgba, Stroke};
use crate::figure::text;
use rayon::prelude::*;
use tiny_skia::{
    FillRule, IntSize, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, PixmapMut, Rect,
    Transform,
};

/// Bands per thread: a few, so a band crowded with lines does not leave a core idle.
const BANDS_PER_THREAD: usize = 3;

/// Bands are at least this many rows, so per-band overhead (clipping every path to it)
/// stays small.
const MIN_BAND_ROWS: usize = 64;

/// Open stroked paths with more points than this are outlined and filled in pieces of this
/// many points. tiny-skia's scan converter keeps its active edges in a sorted list, so one
/// outline whose edges all overlap (a long noisy trail in a small cloud) costs time
/// quadratic in its length; in pieces it is linear. Round joins and caps make the seams
/// invisible. Smaller pieces pay more overhead per fill, larger ones more edge sorting: in a
/// release build sgd-decay at 10⁶ steps rendered in 25 s with 256, 30 s with 1,024 (and in a
/// debug build 64 was twice as slow as 256).
const CHUNK_POINTS: usize = 256;

/// Translucent strokes up to this wide (the contours of a 1600×1200 figure) are drawn as
/// hairlines (see `fill_and_stroke`): side by side at 1:1 the two were indistinguishable.
const THIN_STROKE: f32 = 1.6;

/// An empty pixmap of the request's size.
pub(crate) fn pixmap(width: u32, height: u32) -> Result<Pixmap, ExportError> {
    Pixmap::new(width, height)
        .ok_or_else(|| ExportError::Encode(format!("cannot allocate a {width}×{height} image")))
}

/// The plot rectangle in whole pixels: columns `x0..x1`, rows `y0..y1`, inside the image.
fn plot_pixels(canvas: &Canvas) -> [usize; 4] {
    let [l, t, w, h] = canvas.layout.plot;
    let (width, height) = (canvas.layout.width, canvas.layout.height);
    let clamp = |v: f64, hi: f64| v.round().clamp(0.0, hi) as usize;
    [
        clamp(l, width),
        clamp(t, height),
        clamp(l + w, width),
        clamp(t + h, height),
    ]
}

/// The mask that keeps plot items inside the plot rectangle, for rows `top .. top + rows`
/// of the image.
fn plot_mask(canvas: &Canvas, top: usize, rows: usize) -> Option<Mask> {
    let width = canvas.layout.width as usize;
    let [x0, y0, x1, y1] = plot_pixels(canvas);
    let size = IntSize::from_wh(u32::try_from(width).ok()?, u32::try_from(rows).ok()?)?;
    let mut data = vec![0u8; width * rows];
    for (r, row) in data.chunks_exact_mut(width).enumerate() {
        if (y0..y1).contains(&(top + r)) {
            row[x0..x1].fill(255);
        }
    }
    Mask::from_vec(data, size)
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

/// The open polyline `p` as paths of at most `CHUNK_POINTS` points each, in order; a
/// subpath longer than that is cut into pieces that share their boundary point, so the
/// stroked pieces join up. Short subpaths are gathered into one piece.
fn polyline_pieces(p: &PathItem) -> Vec<Path> {
    let mut pieces = Vec::new();
    let mut pb = PathBuilder::new();
    let mut count = 0;
    for sub in &p.subpaths {
        let mut start = 0;
        while start + 1 < sub.len() || (start == 0 && sub.len() == 1) {
            let end = (start + CHUNK_POINTS).min(sub.len());
            if count > 0 && count + (end - start) > CHUNK_POINTS {
                pieces.extend(std::mem::take(&mut pb).finish());
                count = 0;
            }
            let piece = &sub[start..end];
            pb.move_to(piece[0][0] as f32, piece[0][1] as f32);
            for q in &piece[1..] {
                pb.line_to(q[0] as f32, q[1] as f32);
            }
            count += piece.len();
            if end == sub.len() {
                break;
            }
            // the next piece starts at this piece's last point
            start = end - 1;
        }
    }
    pieces.extend(pb.finish());
    pieces
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

/// An item ready to paint in any band.
enum Prepared<'a> {
    /// A filled area (a stroke is prepared as its outline, filled).
    Fill {
        path: Path,
        paint: Paint<'static>,
        clip: bool,
    },
    /// A stroke at most a pixel wide, which tiny-skia draws as a hairline of reduced coverage
    /// rather than as an outline.
    Hairline {
        path: Path,
        paint: Paint<'static>,
        stroke: tiny_skia::Stroke,
        clip: bool,
    },
    /// A long translucent stroke outlined in pieces: the pieces are filled opaque into a
    /// coverage mask, which is then composited once with the stroke's colour, so where pieces
    /// overlap the colour is not blended twice (as with one outline filled at once).
    Pieces {
        outlines: Vec<Path>,
        /// The union of the pieces' bounds, to skip bands the stroke does not reach.
        bounds: Rect,
        paint: Paint<'static>,
        clip: bool,
    },
    /// Painted directly: background, colour map, colour bar, text.
    Direct(&'a Item),
}

/// The fill and stroke of `path` as prepared items, in that order.
fn fill_and_stroke<'a>(
    out: &mut Vec<Prepared<'a>>,
    path: Path,
    fill: Option<Rgba>,
    stroke: Option<&Stroke>,
    round: bool,
    clip: bool,
) {
    if let Some(s) = stroke {
        let st = stroke_of(s, round);
        let paint = paint_of(s.color);
        if let Some(f) = fill {
            out.push(Prepared::Fill {
                path: path.clone(),
                paint: paint_of(f),
                clip,
            });
        }
        // tiny-skia's own rule (`treat_as_hairline`) for an untransformed anti-aliased stroke
        if st.width <= 1.0 {
            out.push(Prepared::Hairline {
                path,
                paint,
                stroke: st,
                clip,
            });
        } else if st.width <= THIN_STROKE && s.color[3] < 255 {
            // a translucent line barely wider than a pixel (the contours at ~1600 px) as a
            // one-pixel hairline carrying its extra width as opacity: about the same ink
            // (tested), and a hairline costs a fraction of outlining and filling the stroke
            // (the contours took a third of the painting)
            let mut c = s.color;
            c[3] = (f64::from(c[3]) * f64::from(st.width)).round().min(255.0) as u8;
            out.push(Prepared::Hairline {
                path,
                paint: paint_of(c),
                stroke: tiny_skia::Stroke { width: 1.0, ..st },
                clip,
            });
        } else if let Some(outline) = path.stroke(&st, 1.0) {
            out.push(Prepared::Fill {
                path: outline,
                paint,
                clip,
            });
        }
    } else if let Some(f) = fill {
        out.push(Prepared::Fill {
            path,
            paint: paint_of(f),
            clip,
        });
    }
}

/// A long open stroke, given as `pieces`, as prepared items: opaque pieces outlined and
/// filled one by one, translucent ones gathered into one `Prepared::Pieces`. Strokes drawn as
/// hairlines need no pieces (a hairline is drawn segment by segment), but pieces do no harm.
fn stroke_pieces(out: &mut Vec<Prepared>, pieces: &[Path], s: &Stroke, round: bool, clip: bool) {
    let st = stroke_of(s, round);
    let hairline = st.width <= 1.0 || (st.width <= THIN_STROKE && s.color[3] < 255);
    if hairline || s.color[3] == 255 {
        for piece in pieces {
            fill_and_stroke(out, piece.clone(), None, Some(s), round, clip);
        }
        return;
    }
    let outlines: Vec<Path> = pieces.iter().filter_map(|p| p.stroke(&st, 1.0)).collect();
    let bounds = outlines.iter().map(Path::bounds).reduce(|a, b| {
        Rect::from_ltrb(
            a.left().min(b.left()),
            a.top().min(b.top()),
            a.right().max(b.right()),
            a.bottom().max(b.bottom()),
        )
        .unwrap_or(a)
    });
    if let Some(bounds) = bounds {
        out.push(Prepared::Pieces {
            outlines,
            bounds,
            paint: paint_of(s.color),
            clip,
        });
    }
}

/// Builds the paths of `items` and outlines their strokes, once for all bands.
fn prepare(items: &[Drawn]) -> Vec<Prepared<'_>> {
    let mut out = Vec::with_capacity(items.len());
    for d in items {
        let clip = d.clip;
        match &d.item {
            Item::Background(_) | Item::ColorMap | Item::ColorBar { .. } | Item::Text(_) => {
                out.push(Prepared::Direct(&d.item));
            }
            Item::Rect {
                rect,
                radius,
                fill,
                stroke,
                ..
            } => {
                if let Some(path) = rect_path(*rect, *radius) {
                    fill_and_stroke(&mut out, path, *fill, stroke.as_ref(), false, clip);
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
                    fill_and_stroke(&mut out, path, *fill, stroke.as_ref(), false, clip);
                }
            }
            Item::Path(p)
                if !p.closed
                    && p.fill.is_none()
                    && p.subpaths.iter().map(Vec::len).sum::<usize>() > CHUNK_POINTS =>
            {
                if let Some(s) = &p.stroke {
                    stroke_pieces(&mut out, &polyline_pieces(p), s, p.round, clip);
                }
            }
            Item::Path(p) => {
                if let Some(path) = polyline_path(p) {
                    fill_and_stroke(&mut out, path, p.fill, p.stroke.as_ref(), p.round, clip);
                }
            }
        }
    }
    out
}

/// Paints `items` in order over the whole pixmap; items marked `clip` stay inside the plot.
/// Bands are painted in parallel when the image is large enough.
pub(crate) fn paint(pixmap: &mut Pixmap, canvas: &Canvas, items: &[Drawn]) {
    let prepared = prepare(items);
    let (width, height) = (pixmap.width() as usize, pixmap.height() as usize);
    let threads = rayon::current_num_threads();
    let bands = (threads * BANDS_PER_THREAD)
        .min(height / MIN_BAND_ROWS)
        .max(1);
    let rows = height.div_ceil(bands);
    let band = |(k, data): (usize, &mut [u8])| {
        let top = k * rows;
        let band_rows = data.len() / (4 * width);
        if let Some(mut target) = PixmapMut::from_bytes(data, width as u32, band_rows as u32) {
            let mask = plot_mask(canvas, top, band_rows);
            paint_band(&mut target, top, canvas, &prepared, mask.as_ref());
        }
    };
    let data = pixmap.data_mut();
    if bands > 1 && threads > 1 {
        data.par_chunks_mut(4 * width * rows)
            .enumerate()
            .for_each(band);
    } else {
        data.chunks_mut(4 * width * rows).enumerate().for_each(band);
    }
}

/// Paints rows `top .. top + target.height()` of the image into `target`.
fn paint_band(
    target: &mut PixmapMut,
    top: usize,
    canvas: &Canvas,
    items: &[Prepared],
    mask: Option<&Mask>,
) {
    let ts = Transform::from_translate(0.0, -(top as f32));
    // rows of the image this band covers, widened by a pixel for anti-aliasing and hairlines
    let (band_top, band_bottom) = (
        top as f32 - 1.0,
        (top + target.height() as usize) as f32 + 1.0,
    );
    let in_band = |path: &Path| {
        let b = path.bounds();
        b.bottom() >= band_top && b.top() <= band_bottom
    };
    for p in items {
        match p {
            Prepared::Fill { path, paint, clip } => {
                if in_band(path) {
                    let mask = if *clip { mask } else { None };
                    target.fill_path(path, paint, FillRule::Winding, ts, mask);
                }
            }
            Prepared::Hairline {
                path,
                paint,
                stroke,
                clip,
            } => {
                if in_band(path) {
                    let mask = if *clip { mask } else { None };
                    target.stroke_path(path, paint, stroke, ts, mask);
                }
            }
            Prepared::Pieces {
                outlines,
                bounds,
                paint,
                clip,
            } => {
                if bounds.bottom() >= band_top && bounds.top() <= band_bottom {
                    let mask = if *clip { mask } else { None };
                    paint_pieces(target, outlines, paint, ts, mask);
                }
            }
            Prepared::Direct(item) => paint_direct(target, top, canvas, item),
        }
    }
}

/// Fills `outlines` opaque into a coverage mask of the target's size and composites the
/// mask once with `paint`, limited by `clip`.
fn paint_pieces(
    target: &mut PixmapMut,
    outlines: &[Path],
    paint: &Paint,
    ts: Transform,
    clip: Option<&Mask>,
) {
    let (w, h) = (target.width(), target.height());
    let Some(mut coverage) = Mask::new(w, h) else {
        return;
    };
    // a piece is moved into the band's coordinates (a copy) before it is filled: skip the
    // pieces that do not reach the band, widened by a pixel for anti-aliasing
    let reaches = |b: Rect| b.bottom() + ts.ty >= -1.0 && b.top() + ts.ty <= h as f32 + 1.0;
    for outline in outlines.iter().filter(|o| reaches(o.bounds())) {
        coverage.fill_path(outline, FillRule::Winding, true, ts);
    }
    if let Some(clip) = clip.filter(|c| c.width() == w && c.height() == h) {
        for (a, &b) in coverage.data_mut().iter_mut().zip(clip.data()) {
            *a = ((u16::from(*a) * u16::from(b) + 127) / 255) as u8;
        }
    }
    if let Some(all) = Rect::from_xywh(0.0, 0.0, w as f32, h as f32) {
        target.fill_rect(all, paint, Transform::identity(), Some(&coverage));
    }
}

fn paint_direct(target: &mut PixmapMut, top: usize, canvas: &Canvas, item: &Item) {
    match item {
        Item::Background(c) => {
            // the first row pixel by pixel, the others copied from it at memcpy speed
            let px = premultiplied(*c);
            let width = target.width() as usize;
            let data = target.data_mut();
            let (first, rest) = data.split_at_mut((4 * width).min(data.len()));
            for p in first.chunks_exact_mut(4) {
                p.copy_from_slice(&px);
            }
            for row in rest.chunks_exact_mut(first.len().max(1)) {
                row.copy_from_slice(first);
            }
        }
        Item::ColorMap => paint_colormap(target, top, canvas),
        Item::ColorBar { rect } => paint_colorbar(target, top, *rect),
        Item::Text(t) => {
            let w = text::width(&t.text, t.em);
            let x = match t.anchor {
                Anchor::Start => t.at[0],
                Anchor::Middle => t.at[0] - 0.5 * w,
                Anchor::End => t.at[0] - w,
            };
            let size = [target.width(), target.height()];
            text::draw(
                target.data_mut(),
                size,
                top as i64,
                &t.text,
                t.em,
                [x, t.at[1]],
                t.color,
            );
        }
        Item::Rect { .. } | Item::Circle { .. } | Item::Path(_) => {}
    }
}

fn premultiplied(c: Rgba) -> [u8; 4] {
    let a = u16::from(c[3]);
    let m = |v: u8| ((u16::from(v) * a + 127) / 255) as u8;
    [m(c[0]), m(c[1]), m(c[2]), c[3]]
}

/// The surface layer's colour map over the plot rectangle. It is opaque and on whole pixels,
/// so drawing it is copying its rows.
fn paint_colormap(target: &mut PixmapMut, top: usize, canvas: &Canvas) {
    let layer = &canvas.layer;
    let [lw, lh] = layer.size;
    if layer.rgba().len() != 4 * lw * lh {
        return;
    }
    let [l, t, _, _] = canvas.layout.plot;
    let (width, rows) = (target.width() as usize, target.height() as usize);
    let (left, plot_top) = (l.max(0.0) as usize, t.max(0.0) as usize);
    if left >= width {
        return;
    }
    let cols = lw.min(width - left);
    let data = target.data_mut();
    for r in 0..rows {
        let Some(src_row) = (top + r).checked_sub(plot_top).filter(|&s| s < lh) else {
            continue;
        };
        let src = &layer.rgba()[4 * src_row * lw..4 * (src_row * lw + cols)];
        let dst = &mut data[4 * (r * width + left)..4 * (r * width + left + cols)];
        dst.copy_from_slice(src);
    }
}

/// A vertical viridis bar, low values at the bottom: one colour per row of `rect` (whole
/// pixels, as the layout places it).
fn paint_colorbar(target: &mut PixmapMut, top: usize, [x, y, w, h]: [f64; 4]) {
    let rows = h.round().max(1.0) as u32;
    let (width, band_rows) = (target.width() as usize, target.height() as usize);
    let x0 = (x.round().max(0.0) as usize).min(width);
    let x1 = ((x + w).round().max(0.0) as usize).clamp(x0, width);
    let data = target.data_mut();
    for r in 0..rows {
        let t = 1.0 - (f64::from(r) + 0.5) / f64::from(rows);
        let c = colormap::viridis(t);
        let row = (y + f64::from(r)).round();
        if row < 0.0 {
            continue;
        }
        let Some(local) = (row as usize).checked_sub(top).filter(|&k| k < band_rows) else {
            continue;
        };
        for p in data[4 * (local * width + x0)..4 * (local * width + x1)].chunks_exact_mut(4) {
            p.copy_from_slice(&[c[0], c[1], c[2], 255]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `prepared` painted on a transparent `size`² pixmap, as the bands paint it.
    fn painted(prepared: &[Prepared], size: u32) -> Pixmap {
        let mut pixmap = Pixmap::new(size, size).expect("pixmap");
        let id = Transform::identity();
        let mut target = pixmap.as_mut();
        for p in prepared {
            match p {
                Prepared::Fill { path, paint, .. } => {
                    target.fill_path(path, paint, FillRule::Winding, id, None)
                }
                Prepared::Hairline {
                    path,
                    paint,
                    stroke,
                    ..
                } => target.stroke_path(path, paint, stroke, id, None),
                Prepared::Pieces {
                    outlines, paint, ..
                } => paint_pieces(&mut target, outlines, paint, id, None),
                Prepared::Direct(_) => {}
            }
        }
        pixmap
    }

    /// Total coverage (sum of alpha) of `prepared` painted on a transparent 120×120 pixmap.
    fn ink(prepared: &[Prepared]) -> f64 {
        let pixmap = painted(prepared, 120);
        pixmap.data().chunks_exact(4).map(|p| f64::from(p[3])).sum()
    }

    /// A long noisy trail (a seeded random walk confined to a small cloud, as SGD's is) drawn
    /// in pieces looks like the same trail outlined and filled at once: the halo translucent,
    /// the line opaque, the way `figure::items` draws trails.
    #[test]
    fn a_long_noisy_trail_in_pieces_matches_one_outline() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mut at = [80.0, 80.0];
        let walk: Vec<[f64; 2]> = (0..3000)
            .map(|_| {
                at = [
                    (at[0] + 6.0 * noise()).clamp(40.0, 120.0),
                    (at[1] + 6.0 * noise()).clamp(40.0, 120.0),
                ];
                at
            })
            .collect();
        // a second subpath, short, as a trail split at the view's edge has
        let subpaths = vec![walk, vec![[5.0, 5.0], [30.0, 12.0], [12.0, 30.0]]];
        for stroke in [
            Stroke {
                color: [0, 0, 0, 150],
                width: 4.5,
            },
            Stroke {
                color: [230, 80, 40, 255],
                width: 2.0,
            },
        ] {
            let mut item = PathItem::stroked("trail", subpaths.clone(), stroke);
            item.round = true;
            let drawn = [Drawn::clipped(Item::Path(item.clone()))];
            let pieces = prepare(&drawn);
            assert!(pieces.len() > 1 || matches!(pieces[..], [Prepared::Pieces { .. }]));
            let mut whole = Vec::new();
            let path = polyline_path(&item).expect("path");
            fill_and_stroke(&mut whole, path, None, Some(&stroke), true, true);
            assert_eq!(whole.len(), 1, "one outline");
            let (a, b) = (painted(&pieces, 160), painted(&whole, 160));
            let diffs: Vec<u8> = a
                .data()
                .iter()
                .zip(b.data())
                .map(|(x, y)| x.abs_diff(*y))
                .collect();
            let mean = diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64;
            let visible = diffs
                .chunks_exact(4)
                .filter(|p| p.iter().any(|&d| d > 8))
                .count();
            let inked = b.data().chunks_exact(4).filter(|p| p[3] > 0).count();
            assert!(inked > 2000, "the trail covers {inked} pixels");
            // where edges of two pieces cross one pixel their partial coverages are blended
            // one over the other, where one outline takes their union: some edge pixels of a
            // dense cloud come out a little darker, the rest match
            assert!(
                mean < 0.1 && visible * 20 < inked,
                "{stroke:?}: mean difference {mean}, {visible} pixels off by more than 8 \
                 in {inked} inked pixels"
            );
        }
    }

    #[test]
    fn a_thin_translucent_line_keeps_its_ink_as_a_hairline() {
        let line = |width: f64| -> Vec<Prepared<'static>> {
            let mut pb = PathBuilder::new();
            pb.move_to(10.0, 20.0);
            pb.line_to(100.0, 75.0);
            pb.line_to(20.0, 110.0);
            let mut out = Vec::new();
            let stroke = Stroke {
                color: [255, 255, 255, 80],
                width,
            };
            fill_and_stroke(
                &mut out,
                pb.finish().expect("path"),
                None,
                Some(&stroke),
                true,
                false,
            );
            out
        };
        let thin = line(1.6);
        assert!(
            matches!(thin[..], [Prepared::Hairline { .. }]),
            "drawn as a hairline"
        );
        // the same line outlined and filled, as any wider stroke is
        let mut pb = PathBuilder::new();
        pb.move_to(10.0, 20.0);
        pb.line_to(100.0, 75.0);
        pb.line_to(20.0, 110.0);
        let st = stroke_of(
            &Stroke {
                color: [255, 255, 255, 80],
                width: 1.6,
            },
            true,
        );
        let outline = pb
            .finish()
            .and_then(|p| p.stroke(&st, 1.0))
            .expect("outline");
        let filled = [Prepared::Fill {
            path: outline,
            paint: paint_of([255, 255, 255, 80]),
            clip: false,
        }];
        let (a, b) = (ink(&thin), ink(&filled));
        // a hairline's coverage thins on diagonals (by up to 29 % at 45°), so the ink of a
        // line at mixed angles is close, not equal
        assert!(
            (a / b - 1.0).abs() < 0.2,
            "hairline ink {a} vs stroke ink {b}"
        );
        assert!(
            matches!(line(2.0)[..], [Prepared::Fill { .. }]),
            "wider: outlined"
        );
    }
}
