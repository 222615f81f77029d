//! The CPU painter: drawing items onto a tiny-skia pixmap (PNG and GIF frames).
//!
//! Items are prepared once (paths built, strokes outlined; long strokes are outlined per band,
//! see `paint_long`) and then painted band by band:
//! each horizontal band of the image is a contiguous slice of the pixmap, painted on its own
//! core with the item geometry shifted up by the band's top (a whole number of pixels, which
//! is exact in floating point) and clipped at the band's edges. Anti-aliasing works on whole
//! rows, so a banded picture matches one painted whole up to rounding where a line crosses
//! a band edge. The colour map, the colour bar and the background are copied or filled
//! directly: they sit on whole pixels and are opaque.

use super::ExportError;
use super::layout::Canvas;
use crate::figure::colormap;
use crate::figure::draw::{Anchor, Drawn, Item, MeshItem, PathItem, Rgba, Stroke};
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
    /// A long stroke (more than `CHUNK_POINTS` points), outlined and filled band by band in
    /// pieces into a coverage mask that is composited once with the stroke's colour (see
    /// [`paint_long`]).
    Long {
        /// The polyline in image coordinates.
        subpaths: Vec<Vec<[f32; 2]>>,
        stroke: tiny_skia::Stroke,
        /// The points' bounds widened by the stroke's reach, to skip bands it does not touch.
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

/// A long open stroke as a prepared item. Strokes drawn as hairlines are cut into pieces
/// (a hairline is drawn segment by segment, so pieces cost nothing); wider ones become one
/// `Prepared::Long`, outlined per band.
fn long_stroke<'a>(out: &mut Vec<Prepared<'a>>, p: &PathItem, s: &Stroke, clip: bool) {
    let st = stroke_of(s, p.round);
    let hairline = st.width <= 1.0 || (st.width <= THIN_STROKE && s.color[3] < 255);
    if hairline {
        for piece in polyline_pieces(p) {
            fill_and_stroke(out, piece, None, Some(s), p.round, clip);
        }
        return;
    }
    let subpaths: Vec<Vec<[f32; 2]>> = p
        .subpaths
        .iter()
        .map(|sub| sub.iter().map(|q| [q[0] as f32, q[1] as f32]).collect())
        .collect();
    let reach = reach(&st);
    let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
    for q in subpaths.iter().flatten() {
        for k in 0..2 {
            lo[k] = lo[k].min(q[k]);
            hi[k] = hi[k].max(q[k]);
        }
    }
    if let Some(bounds) =
        Rect::from_ltrb(lo[0] - reach, lo[1] - reach, hi[0] + reach, hi[1] + reach)
    {
        out.push(Prepared::Long {
            subpaths,
            stroke: st,
            bounds,
            paint: paint_of(s.color),
            clip,
        });
    }
}

/// How far from its centre line a stroke can put ink into a pixel: half its width, plus a
/// pixel's diagonal for anti-aliasing and a little to spare (joins are round or, mitred, cut
/// at the miter limit, which `miter_reach` adds).
fn reach(st: &tiny_skia::Stroke) -> f32 {
    let miter_reach = if st.line_join == LineJoin::Round {
        1.0
    } else {
        st.miter_limit
    };
    0.5 * st.width * miter_reach + 2.0
}

/// Builds the paths of `items` and outlines their strokes, once for all bands.
fn prepare(items: &[Drawn]) -> Vec<Prepared<'_>> {
    let mut out = Vec::with_capacity(items.len());
    for d in items {
        let clip = d.clip;
        match &d.item {
            Item::Background(_)
            | Item::ColorMap
            | Item::ColorBar { .. }
            | Item::Text(_)
            | Item::Mesh(_) => {
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
                    long_stroke(&mut out, p, s, clip);
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
            Prepared::Long {
                subpaths,
                stroke,
                bounds,
                paint,
                clip,
            } => {
                if bounds.bottom() >= band_top && bounds.top() <= band_bottom {
                    let mask = if *clip { mask } else { None };
                    paint_long(target, subpaths, stroke, paint, top as f32, mask, true);
                }
            }
            Prepared::Direct(item) => paint_direct(target, top, canvas, item),
        }
    }
}

/// Side of the square tiles in which `paint_long` tracks where its coverage is already full.
const TILE: usize = 8;

/// Paints the long stroke `subpaths` (image coordinates) into `target`, which holds the
/// image's rows from `top` on: the segments reaching the band are outlined in pieces of at
/// most `CHUNK_POINTS` points and filled opaque into a coverage mask, which is composited
/// once with `paint` (so where pieces overlap a translucent colour is not blended twice, as
/// with one outline filled at once), limited by `clip`. Returns how many segments were
/// skipped.
///
/// A long noisy trail (SGD at 10⁶ steps) crosses the same small cloud over and over: its
/// cost is its total length times its width, most of it spent inking pixels already at full
/// coverage, which cannot change the picture. With `skip`, a segment is left out when every
/// pixel it could touch is already full, which is known per tile: that drops all but a few
/// percent of such a trail's segments, leaving the picture exactly as it was.
fn paint_long(
    target: &mut PixmapMut,
    subpaths: &[Vec<[f32; 2]>],
    stroke: &tiny_skia::Stroke,
    paint: &Paint,
    top: f32,
    clip: Option<&Mask>,
    skip: bool,
) -> usize {
    let (w, h) = (target.width(), target.height());
    let Some(mut coverage) = Mask::new(w, h) else {
        return 0;
    };
    let mut full = FullTiles::new(w as usize, h as usize);
    let reach = reach(stroke);
    // Every point of a segment is within half a sample spacing of a sample; a sample whose
    // tile and eight neighbours are full has full pixels for `TILE` pixels around it. So
    // the stroke's reach plus half the spacing must stay within a tile.
    let spacing = if skip {
        2.0 * (TILE as f32 - reach)
    } else {
        0.0
    };
    let (mut pb, mut count, mut skipped) = (PathBuilder::new(), 0usize, 0);
    let flush = |pb: &mut PathBuilder, coverage: &mut Mask, full: &mut FullTiles| {
        let outline = std::mem::take(pb)
            .finish()
            .and_then(|path| path.stroke(stroke, 1.0));
        if let Some(outline) = outline {
            coverage.fill_path(&outline, FillRule::Winding, true, Transform::identity());
            full.update(coverage, outline.bounds());
        }
    };
    // Pieces are cut by the segments' places in the polyline, whether painted or not: the
    // pieces' outlines are filled one over the other, so where two overlap at a pixel's
    // edge the result depends on how segments are grouped, and skipping must not regroup.
    for sub in subpaths {
        let mut open = false;
        for seg in sub.windows(2) {
            count += 1;
            let (a, b) = ([seg[0][0], seg[0][1] - top], [seg[1][0], seg[1][1] - top]);
            let outside = a[1].max(b[1]) < -reach || a[1].min(b[1]) > h as f32 + reach;
            if outside || (spacing > 0.0 && full.covers(a, b, spacing)) {
                skipped += usize::from(!outside);
                open = false;
            } else {
                if !open {
                    pb.move_to(a[0], a[1]);
                    open = true;
                }
                pb.line_to(b[0], b[1]);
            }
            if count + 1 >= CHUNK_POINTS {
                flush(&mut pb, &mut coverage, &mut full);
                (count, open) = (0, false);
            }
        }
    }
    flush(&mut pb, &mut coverage, &mut full);
    if let Some(clip) = clip.filter(|c| c.width() == w && c.height() == h) {
        for (a, &b) in coverage.data_mut().iter_mut().zip(clip.data()) {
            *a = ((u16::from(*a) * u16::from(b) + 127) / 255) as u8;
        }
    }
    if let Some(all) = Rect::from_xywh(0.0, 0.0, w as f32, h as f32) {
        target.fill_rect(all, paint, Transform::identity(), Some(&coverage));
    }
    skipped
}

/// Which `TILE`-square tiles of a coverage mask are at full coverage everywhere.
struct FullTiles {
    width: usize,
    height: usize,
    cols: usize,
    full: Vec<bool>,
}

impl FullTiles {
    fn new(width: usize, height: usize) -> Self {
        let cols = width.div_ceil(TILE);
        let rows = height.div_ceil(TILE);
        FullTiles {
            width,
            height,
            cols,
            full: vec![false; cols * rows],
        }
    }

    /// Whether the tile at column `c`, row `r` is full; tiles outside the mask count as full
    /// (ink there is not this mask's).
    fn is_full(&self, c: isize, r: isize) -> bool {
        let rows = self.full.len() / self.cols.max(1);
        if c < 0 || r < 0 || c as usize >= self.cols || r as usize >= rows {
            return true;
        }
        self.full[r as usize * self.cols + c as usize]
    }

    /// Whether every pixel within `TILE` of point `p` is full: its tile and the eight around.
    fn around(&self, p: [f32; 2]) -> bool {
        let (c, r) = (
            (p[0] / TILE as f32).floor() as isize,
            (p[1] / TILE as f32).floor() as isize,
        );
        (-1..=1).all(|dr| (-1..=1).all(|dc| self.is_full(c + dc, r + dr)))
    }

    /// Whether the segment `a`–`b`, sampled at most `spacing` apart, lies where everything
    /// around is full.
    fn covers(&self, a: [f32; 2], b: [f32; 2], spacing: f32) -> bool {
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        if !len.is_finite() {
            return false;
        }
        let n = (len / spacing).ceil().max(1.0) as usize;
        (0..=n).all(|i| {
            let t = i as f32 / n as f32;
            self.around([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])])
        })
    }

    /// Marks the tiles within `bounds` that `mask` has filled completely.
    fn update(&mut self, mask: &Mask, bounds: Rect) {
        let data = mask.data();
        // the tile holding coordinate `v`, of `count` tiles
        let tile = |v: f32, count: usize| ((v.max(0.0) as usize) / TILE).min(count - 1);
        let rows = self.full.len() / self.cols.max(1);
        if rows == 0 || self.cols == 0 {
            return;
        }
        for r in tile(bounds.top(), rows)..=tile(bounds.bottom(), rows) {
            for c in tile(bounds.left(), self.cols)..=tile(bounds.right(), self.cols) {
                let k = r * self.cols + c;
                if self.full[k] {
                    continue;
                }
                let (x0, x1) = (c * TILE, ((c + 1) * TILE).min(self.width));
                let (y0, y1) = (r * TILE, ((r + 1) * TILE).min(self.height));
                self.full[k] = (y0..y1).all(|y| {
                    data[y * self.width + x0..y * self.width + x1]
                        .iter()
                        .all(|&v| v == 255)
                });
            }
        }
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
        Item::Mesh(mesh) => paint_mesh(target, top, mesh),
        Item::Rect { .. } | Item::Circle { .. } | Item::Path(_) => {}
    }
}

/// Fills the faces of `mesh` in order, rows `top ..` of the image into `target`. A pixel
/// belongs to a face when its centre does (left and top edges in, right and bottom out),
/// with each edge's crossings computed the same way for both faces that share it, so
/// neighbours meet without a gap, an overlap or anti-aliasing seams.
fn paint_mesh(target: &mut PixmapMut, top: usize, mesh: &MeshItem) {
    let (width, rows) = (target.width() as usize, target.height() as usize);
    let data = target.data_mut();
    let (band_top, band_bottom) = (top as f32, (top + rows) as f32);
    for (corners, color) in &mesh.faces {
        let Some(p) = mesh.corners(corners) else {
            continue;
        };
        if !p.iter().flatten().all(|v| v.is_finite()) {
            continue;
        }
        let (y_min, y_max) = p
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), q| {
                (a.min(q[1]), b.max(q[1]))
            });
        // rows whose centre is in [y_min, y_max), inside this band
        let r0 = (y_min - 0.5).ceil().max(band_top);
        let r1 = (y_max - 0.5).ceil().min(band_bottom);
        if r0 >= r1 {
            continue;
        }
        let px = premultiplied(*color);
        for r in r0 as usize..r1 as usize {
            let yc = r as f32 + 0.5;
            let (mut xl, mut xr) = (f32::INFINITY, f32::NEG_INFINITY);
            for e in 0..4 {
                let (a, b) = (p[e], p[(e + 1) % 4]);
                let (lo, hi) = if a[1] <= b[1] { (a, b) } else { (b, a) };
                if yc >= lo[1] && yc < hi[1] {
                    let x = lo[0] + (yc - lo[1]) * (hi[0] - lo[0]) / (hi[1] - lo[1]);
                    xl = xl.min(x);
                    xr = xr.max(x);
                }
            }
            if xl >= xr {
                continue;
            }
            let c0 = (xl - 0.5).ceil().clamp(0.0, width as f32) as usize;
            let c1 = (xr - 0.5).ceil().clamp(0.0, width as f32) as usize;
            let row = (r - top) * width;
            for dst in data[4 * (row + c0)..4 * (row + c1)].chunks_exact_mut(4) {
                if px[3] == 255 {
                    dst.copy_from_slice(&px);
                } else {
                    let keep = 255 - u16::from(px[3]);
                    for (d, s) in dst.iter_mut().zip(px) {
                        *d = (u16::from(s) + (u16::from(*d) * keep + 127) / 255) as u8;
                    }
                }
            }
        }
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
                Prepared::Long {
                    subpaths,
                    stroke,
                    paint,
                    ..
                } => {
                    paint_long(&mut target, subpaths, stroke, paint, 0.0, None, true);
                }
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

    /// A seeded random walk of `n` points, steps up to `step / 2` per axis, confined to the
    /// square `range`², as SGD's trail wanders in a cloud.
    fn random_walk(n: usize, step: f64, range: [f64; 2]) -> Vec<[f64; 2]> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let mid = 0.5 * (range[0] + range[1]);
        let mut at = [mid, mid];
        (0..n)
            .map(|_| {
                at = [
                    (at[0] + step * noise()).clamp(range[0], range[1]),
                    (at[1] + step * noise()).clamp(range[0], range[1]),
                ];
                at
            })
            .collect()
    }

    /// Leaving out the segments of a dense trail whose pixels are all at full coverage
    /// changes no pixel, and leaves out many of them: the trail crosses its cloud over and
    /// over, as SGD's does at 10⁶ steps.
    #[test]
    fn segments_over_full_coverage_are_skipped_without_changing_a_pixel() {
        let walk = random_walk(60_000, 40.0, [40.0, 360.0]);
        for (color, width) in [([0, 0, 0, 150], 4.5), ([230, 80, 40, 255], 2.0)] {
            let mut item = PathItem::stroked("trail", vec![walk.clone()], Stroke { color, width });
            item.round = true;
            let drawn = [Drawn::clipped(Item::Path(item))];
            let prepared = prepare(&drawn);
            let [
                Prepared::Long {
                    subpaths,
                    stroke,
                    paint,
                    ..
                },
            ] = &prepared[..]
            else {
                panic!("one long stroke");
            };
            let paint_with = |skip: bool| {
                let mut pixmap = Pixmap::new(400, 400).expect("pixmap");
                let skipped = paint_long(
                    &mut pixmap.as_mut(),
                    subpaths,
                    stroke,
                    paint,
                    0.0,
                    None,
                    skip,
                );
                (pixmap, skipped)
            };
            let ((fast, skipped), (slow, none)) = (paint_with(true), paint_with(false));
            assert_eq!(none, 0);
            // (the thin line's tiles fill up more slowly: a tile counts as full only once
            // every pixel in it has been crossed squarely)
            assert!(
                skipped > walk.len() / 10,
                "width {width}: only {skipped} of {} segments skipped",
                walk.len()
            );
            let inked = slow.data().chunks_exact(4).filter(|p| p[3] > 0).count();
            assert!(inked > 90_000, "the trail covers {inked} pixels");
            assert!(fast.data() == slow.data(), "width {width}: pixels changed");
        }
    }

    /// A long noisy trail (a seeded random walk confined to a small cloud, as SGD's is) drawn
    /// in pieces looks like the same trail outlined and filled at once: the halo translucent,
    /// the line opaque, the way `figure::items` draws trails.
    #[test]
    fn a_long_noisy_trail_in_pieces_matches_one_outline() {
        let walk = random_walk(3000, 6.0, [40.0, 120.0]);
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
            assert!(pieces.len() > 1 || matches!(pieces[..], [Prepared::Long { .. }]));
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
