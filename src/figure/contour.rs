//! Contour lines of a sampled surface, by marching squares over the grid's pixel centres.
//!
//! Lines are returned as long polylines in parameter coordinates, already joined across
//! cells, so a renderer or an SVG export draws each as one path (no seams between
//! segments, no per-segment overhead) and closed rings are recognisable.
//!
//! All levels are found in one pass over the cells. Each node first gets its *band*: how
//! many levels lie at or below its value. A cell is crossed by level `k` exactly when some
//! corner's band is above `k` and some is not, so almost every cell is dismissed by
//! comparing four small integers, and a crossed cell visits only the levels it spans.
//! Every crossing is identified by the grid edge it lies on; since the same edge is shared
//! by the two neighbouring cells, segments are stitched into polylines through per-edge
//! "next" arrays with no hashing and no floating-point comparison.
//!
//! Segments are oriented so that higher values lie on the LEFT of the direction of travel.
//! That makes each edge the start of at most one segment and the end of at most one, which
//! is what lets a line be followed without searching.

use super::grid::Grid;
use rayon::prelude::*;
use std::ops::Range;

/// One level's contour lines.
#[derive(Clone, Debug, PartialEq)]
pub struct ContourLevel {
    pub level: f64,
    /// Polylines of `[x, y]` points in parameter coordinates, higher values on the left.
    /// A closed ring ends with its first point repeated; an open line ends on the grid
    /// border or at a cell with a non-finite corner.
    pub lines: Vec<Vec<[f64; 2]>>,
}

/// Band of a node whose value is NaN or infinite; larger than any real band, so a single
/// `max` of the four corners detects it.
const SKIP: u32 = u32::MAX;

/// Grids with at least this many cells have their cell pass split over threads.
const PARALLEL_MIN_CELLS: usize = 1 << 16;

/// Joining is split over threads once the levels hold this many segments in total.
const PARALLEL_MIN_SEGMENTS: usize = 1 << 13;

/// Cell edges in counter-clockwise order: bottom, right, top, left. Corner `c` of the cell
/// (bottom-left, bottom-right, top-right, top-left) is followed by edge `c`.
const B: u8 = 0;
const R: u8 = 1;
const T: u8 = 2;
const L: u8 = 3;

/// Segments (from edge, to edge) for each corner pattern; bit `c` set means corner `c` is
/// at or above the level. Walking the cell counter-clockwise, a segment runs from the edge
/// where the walk leaves the high region to the edge where it re-enters it, which puts the
/// high side on the left. The two saddle patterns (5 and 10) depend on the cell centre and
/// are resolved in [`saddle_segments`].
const SEGMENTS: [&[(u8, u8)]; 16] = [
    &[],
    &[(B, L)],
    &[(R, B)],
    &[(R, L)],
    &[(T, R)],
    &[], // saddle
    &[(T, B)],
    &[(T, L)],
    &[(L, T)],
    &[(B, T)],
    &[], // saddle
    &[(R, T)],
    &[(L, R)],
    &[(B, R)],
    &[(L, B)],
    &[],
];

/// A saddle cell's two segments. If the centre (mean of the corners) is high, the two high
/// corners are connected through the middle and the low corners are cut off; otherwise the
/// high corners are. Deciding by the centre, not arbitrarily, keeps adjacent levels from
/// crossing each other in the same cell.
fn saddle_segments(case: usize, centre_high: bool) -> [(u8, u8); 2] {
    match (case, centre_high) {
        (5, true) => [(B, R), (T, L)],
        (5, false) => [(B, L), (T, R)],
        (_, true) => [(R, T), (L, B)],
        (_, false) => [(R, B), (L, T)],
    }
}

/// Contour lines of `grid` at each of `levels`, one entry per level in the given order.
///
/// Levels may be unsorted or repeated; a NaN or infinite level gets no lines, as does any
/// level when the grid has fewer than 2 × 2 samples or its `values` disagree with its
/// dimensions. Cells with a non-finite corner produce no segments. A corner exactly at a
/// level counts as above it. The output is the same on every run and thread count.
pub fn contours(grid: &Grid, levels: &[f64]) -> Vec<ContourLevel> {
    let mut out: Vec<ContourLevel> = levels
        .iter()
        .map(|&level| ContourLevel {
            level,
            lines: Vec::new(),
        })
        .collect();
    let Some(mesh) = Mesh::new(grid) else {
        return out;
    };
    // Sorted finite levels with their positions in the caller's slice.
    let mut sorted: Vec<(f64, usize)> = levels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite())
        .map(|(k, &l)| (l, k))
        .collect();
    if sorted.is_empty() || sorted.len() >= SKIP as usize {
        return out;
    }
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let values: Vec<f64> = sorted.iter().map(|&(l, _)| l).collect();

    let bands = mesh.bands(&values);
    let segments = mesh.segments(&bands, &values);
    let lines = mesh.join_all(&segments, &values);
    for ((_, original), lines) in sorted.iter().zip(lines) {
        if let Some(slot) = out.get_mut(*original) {
            slot.lines = lines;
        }
    }
    out
}

/// The grid seen as nodes and edges, with precomputed coordinates.
struct Mesh<'a> {
    nx: usize,
    ny: usize,
    values: &'a [f64],
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// Number of horizontal edges; vertical edge ids start here.
    horizontal: usize,
    edges: usize,
}

impl<'a> Mesh<'a> {
    /// `None` when there are no cells, or too many edges for 32-bit ids (far beyond any
    /// grid that fits in memory).
    fn new(grid: &'a Grid) -> Option<Mesh<'a>> {
        let (nx, ny) = (grid.nx, grid.ny);
        if nx < 2 || ny < 2 || !grid.is_consistent() {
            return None;
        }
        let horizontal = (nx - 1).checked_mul(ny)?;
        let edges = nx.checked_mul(ny - 1)?.checked_add(horizontal)?;
        if edges >= SKIP as usize {
            return None;
        }
        Some(Mesh {
            nx,
            ny,
            values: &grid.values,
            xs: (0..nx).map(|i| grid.x(i)).collect(),
            ys: (0..ny).map(|j| grid.y(j)).collect(),
            horizontal,
            edges,
        })
    }

    /// For every node, how many levels are at or below it (`SKIP` if not finite).
    fn bands(&self, levels: &[f64]) -> Vec<u32> {
        let mut bands = vec![0u32; self.values.len()];
        let fill = |(row, values): (&mut [u32], &[f64])| {
            // Neighbouring nodes are usually in the same band, so the previous node's band
            // is checked before falling back to a binary search.
            let mut guess = 0u32;
            for (b, &v) in row.iter_mut().zip(values) {
                *b = band_of(levels, v, guess);
                if *b != SKIP {
                    guess = *b;
                }
            }
        };
        let nx = self.nx;
        if self.values.len() >= PARALLEL_MIN_CELLS && rayon::current_num_threads() > 1 {
            bands
                .par_chunks_mut(nx)
                .zip(self.values.par_chunks(nx))
                .with_min_len(8)
                .for_each(fill);
        } else {
            bands
                .chunks_mut(nx)
                .zip(self.values.chunks(nx))
                .for_each(fill);
        }
        bands
    }

    /// The oriented segments of every level as edge-id pairs, grouped by level (indexed
    /// like `levels`) and in cell scan order within a level.
    fn segments(&self, bands: &[u32], levels: &[f64]) -> Segments {
        let cell_rows = self.ny - 1;
        let cells = cell_rows * (self.nx - 1);
        let threads = rayon::current_num_threads();
        let parts: Vec<Vec<(u32, [u32; 2])>> = if cells < PARALLEL_MIN_CELLS || threads < 2 {
            vec![self.scan(bands, levels, 0..cell_rows)]
        } else {
            // A few bands per thread balances surfaces whose lines crowd into one region;
            // the bands are kept in row order, so the result does not depend on scheduling.
            let chunks = (threads * 4).min(cell_rows);
            let per = cell_rows.div_ceil(chunks);
            (0..chunks)
                .into_par_iter()
                .map(|c| self.scan(bands, levels, c * per..((c + 1) * per).min(cell_rows)))
                .collect()
        };
        Segments::group(parts, levels.len())
    }

    /// Marching squares over the cells of `rows` (cell row j spans node rows j and j + 1):
    /// `(level index, [from edge, to edge])` in scan order. One flat list rather than one
    /// per level keeps memory proportional to the lines even for huge level counts.
    fn scan(&self, bands: &[u32], levels: &[f64], rows: Range<usize>) -> Vec<(u32, [u32; 2])> {
        let nx = self.nx;
        let mut segs = Vec::new();
        for j in rows {
            let below = &bands[j * nx..(j + 1) * nx];
            let above = &bands[(j + 1) * nx..(j + 2) * nx];
            for i in 0..nx - 1 {
                // Corners counter-clockwise from the bottom-left.
                let corner = [below[i], below[i + 1], above[i + 1], above[i]];
                let hi = corner[0].max(corner[1]).max(corner[2].max(corner[3]));
                let lo = corner[0].min(corner[1]).min(corner[2].min(corner[3]));
                if lo == hi || hi == SKIP {
                    continue;
                }
                // Ids of this cell's edges, in the order B, R, T, L; all below `edges`, which
                // fits in u32.
                let bottom = j * (nx - 1) + i;
                let left = self.horizontal + j * nx + i;
                let ids = [bottom, left + 1, bottom + (nx - 1), left].map(|e| e as u32);
                let mut emit = |k: u32, (from, to): (u8, u8)| {
                    segs.push((k, [ids[from as usize], ids[to as usize]]));
                };
                for k in lo..hi {
                    let case = corner
                        .iter()
                        .enumerate()
                        .fold(0usize, |acc, (c, &b)| acc | (usize::from(b > k) << c));
                    if case == 5 || case == 10 {
                        let level = levels.get(k as usize).copied().unwrap_or(f64::NAN);
                        for seg in saddle_segments(case, self.centre(i, j) >= level) {
                            emit(k, seg);
                        }
                    } else {
                        for &seg in SEGMENTS[case] {
                            emit(k, seg);
                        }
                    }
                }
            }
        }
        segs
    }

    /// The mean of a cell's four corners, scaled first so huge values cannot overflow.
    fn centre(&self, i: usize, j: usize) -> f64 {
        let nx = self.nx;
        let v = self.values;
        0.25 * v[j * nx + i]
            + 0.25 * v[j * nx + i + 1]
            + 0.25 * v[(j + 1) * nx + i]
            + 0.25 * v[(j + 1) * nx + i + 1]
    }

    /// Where `level` crosses edge `e`, by linear interpolation between its two nodes.
    fn point(&self, e: u32, level: f64) -> [f64; 2] {
        let e = e as usize;
        let nx = self.nx;
        let along = |a: f64, b: f64| {
            let s = (level - a) / (b - a);
            // The nodes straddle the level, so only overflowing differences (∞/∞) get here.
            if s.is_nan() { 0.5 } else { s.clamp(0.0, 1.0) }
        };
        if e < self.horizontal {
            let (j, i) = (e / (nx - 1), e % (nx - 1));
            let s = along(self.values[j * nx + i], self.values[j * nx + i + 1]);
            let (x0, x1) = (self.xs[i], self.xs[i + 1]);
            [x0 + s * (x1 - x0), self.ys[j]]
        } else {
            let e = e - self.horizontal;
            let (j, i) = (e / nx, e % nx);
            let s = along(self.values[j * nx + i], self.values[(j + 1) * nx + i]);
            let (y0, y1) = (self.ys[j], self.ys[j + 1]);
            [self.xs[i], y0 + s * (y1 - y0)]
        }
    }

    /// Joins every level's segments into polylines, splitting the levels over threads in
    /// contiguous groups (so each group allocates its edge arrays once).
    fn join_all(&self, segments: &Segments, levels: &[f64]) -> Vec<Vec<Vec<[f64; 2]>>> {
        let threads = rayon::current_num_threads();
        let groups = if segments.flat.len() >= PARALLEL_MIN_SEGMENTS && threads > 1 {
            threads.min(levels.len()).max(1)
        } else {
            1
        };
        let per = levels.len().div_ceil(groups).max(1);
        let join_group = |range: Range<usize>| {
            let mut joiner = Joiner::new(self.edges);
            range
                .map(|k| {
                    let level = levels.get(k).copied().unwrap_or(f64::NAN);
                    joiner.join(self, segments.level(k), level)
                })
                .collect::<Vec<_>>()
        };
        let ranges: Vec<Range<usize>> = (0..levels.len())
            .step_by(per)
            .map(|start| start..(start + per).min(levels.len()))
            .collect();
        let nested: Vec<Vec<Vec<Vec<[f64; 2]>>>> = if groups > 1 {
            ranges.into_par_iter().map(join_group).collect()
        } else {
            ranges.into_iter().map(join_group).collect()
        };
        nested.into_iter().flatten().collect()
    }
}

/// All levels' segments in one array, grouped by level.
struct Segments {
    /// `[from edge, to edge]`, level 0's first.
    flat: Vec<[u32; 2]>,
    /// Level `k`'s segments are `flat[starts[k]..starts[k + 1]]`.
    starts: Vec<usize>,
}

impl Segments {
    /// A stable counting sort of the scanned parts by level, so within a level segments
    /// stay in scan order (part by part, i.e. row by row).
    fn group(parts: Vec<Vec<(u32, [u32; 2])>>, levels: usize) -> Segments {
        let mut starts = vec![0usize; levels + 1];
        for &(k, _) in parts.iter().flatten() {
            if let Some(count) = starts.get_mut(k as usize + 1) {
                *count += 1;
            }
        }
        for k in 0..levels {
            starts[k + 1] += starts[k];
        }
        let mut fill = starts.clone();
        let mut flat = vec![[0u32; 2]; starts[levels]];
        for &(k, seg) in parts.iter().flatten() {
            if let Some(at) = fill.get_mut(k as usize) {
                flat[*at] = seg;
                *at += 1;
            }
        }
        Segments { flat, starts }
    }

    fn level(&self, k: usize) -> &[[u32; 2]] {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => self.flat.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The number of levels at or below `v`, or `SKIP` if `v` is not finite. `guess` is tried
/// first and is right for most nodes.
#[inline]
fn band_of(levels: &[f64], v: f64, guess: u32) -> u32 {
    if !v.is_finite() {
        return SKIP;
    }
    let g = guess as usize;
    let floor_ok = g == 0 || levels.get(g - 1).is_some_and(|&l| l <= v);
    let ceil_ok = levels.get(g).is_none_or(|&l| v < l) && g <= levels.len();
    if floor_ok && ceil_ok {
        return guess;
    }
    // Fits: `contours` rejects level counts that do not fit below SKIP.
    levels.partition_point(|&l| l <= v) as u32
}

/// Per-edge links reused across levels. Following a line clears the links it uses, so after
/// a level is joined the arrays are clean again without touching untouched edges.
struct Joiner {
    /// `to + 1` for the segment starting on each edge; 0 means none.
    next: Vec<u32>,
    has_incoming: Vec<bool>,
}

impl Joiner {
    fn new(edges: usize) -> Joiner {
        // Zeroed allocations are lazily mapped, so only pages actually touched cost anything.
        Joiner {
            next: vec![0; edges],
            has_incoming: vec![false; edges],
        }
    }

    fn join(&mut self, mesh: &Mesh, segs: &[[u32; 2]], level: f64) -> Vec<Vec<[f64; 2]>> {
        for &[from, to] in segs {
            self.next[from as usize] = to + 1;
            self.has_incoming[to as usize] = true;
        }
        let mut lines = Vec::new();
        // Open lines first, each from its start; whatever is left afterwards is rings.
        for &[from, _] in segs {
            if !self.has_incoming[from as usize] && self.next[from as usize] != 0 {
                self.follow(mesh, from, level, &mut lines);
            }
        }
        for &[from, _] in segs {
            if self.next[from as usize] != 0 {
                self.follow(mesh, from, level, &mut lines);
            }
        }
        for &[_, to] in segs {
            self.has_incoming[to as usize] = false;
        }
        lines
    }

    /// Follows links from `start` until they run out; a ring runs out on returning to its
    /// start, having cleared that link first, so it ends with its first point repeated.
    fn follow(&mut self, mesh: &Mesh, start: u32, level: f64, lines: &mut Vec<Vec<[f64; 2]>>) {
        let mut line = vec![mesh.point(start, level)];
        let mut e = start as usize;
        loop {
            let n = std::mem::take(&mut self.next[e]);
            if n == 0 {
                break;
            }
            e = (n - 1) as usize;
            let p = mesh.point(e as u32, level);
            // A corner exactly on the level makes several crossings coincide.
            if line.last() != Some(&p) {
                line.push(p);
            }
        }
        if line.len() >= 2 {
            lines.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Surface, SurfaceKind, Vec2, ViewBox};
    use crate::figure::levels::ColorScale;

    fn quadratic() -> (Surface, Grid) {
        let s = Surface::new(SurfaceKind::Quadratic);
        let g = Grid::evaluate(&s, s.view_box(), 201, 157);
        (s, g)
    }

    fn is_ring(line: &[[f64; 2]]) -> bool {
        line.len() >= 4 && line.first() == line.last()
    }

    #[test]
    fn quadratic_level_is_one_closed_ring_on_the_level() {
        let (s, g) = quadratic();
        // f = ½(x² + κy²) with κ = 10: the level-1 ellipse has half-axes √2 and √0.2.
        for c in [0.05, 0.3, 1.0, 1.9] {
            let out = contours(&g, &[c]);
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].level, c);
            let lines = &out[0].lines;
            assert_eq!(lines.len(), 1, "level {c}: {} lines", lines.len());
            let ring = &lines[0];
            assert!(is_ring(ring), "level {c} is not closed");
            assert!(ring.len() > 40, "level {c}: only {} points", ring.len());
            for &[x, y] in ring {
                let f = s.value(Vec2::new(x, y));
                // Linear interpolation of a quadratic over a pixel of size h errs by O(h²·H).
                assert!(
                    (f - c).abs() < 0.02 * c.max(0.5),
                    "level {c}: f({x}, {y}) = {f}"
                );
            }
        }
    }

    #[test]
    fn higher_values_are_on_the_left() {
        // Around a minimum, the outside is higher, so the ring runs clockwise: negative
        // signed area.
        let (_, g) = quadratic();
        let ring = &contours(&g, &[0.5])[0].lines[0];
        let area: f64 = ring
            .windows(2)
            .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
            .sum();
        assert!(area < 0.0, "{area}");
        // ½(x² + 10y²) = 0.5 encloses π·1·√0.1 ≈ 0.993.
        assert!((area.abs() / 2.0 - std::f64::consts::PI * 0.1f64.sqrt()).abs() < 0.01);
    }

    #[test]
    fn levels_outside_the_range_give_no_lines() {
        let (_, g) = quadratic();
        let (lo, hi) = g.finite_range().expect("finite");
        let out = contours(&g, &[lo - 1.0, -5.0, hi + 1.0, f64::NAN, f64::INFINITY]);
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|c| c.lines.is_empty()));
        assert!(out[3].level.is_nan());
    }

    #[test]
    fn output_follows_the_callers_order_even_unsorted_and_repeated() {
        let (_, g) = quadratic();
        let levels = [1.0, 0.2, 1.0, f64::NAN, 0.5];
        let out = contours(&g, &levels);
        assert_eq!(out.len(), levels.len());
        for (c, &l) in out.iter().zip(&levels) {
            assert!(c.level == l || (c.level.is_nan() && l.is_nan()));
        }
        assert_eq!(out[0], out[2]);
        // Each matches what the level alone gives.
        for k in [0, 1, 4] {
            assert_eq!(out[k], contours(&g, &[levels[k]])[0]);
        }
        // Inner ellipse is smaller: fewer points.
        assert!(out[1].lines[0].len() < out[0].lines[0].len());
    }

    #[test]
    fn saddle_level_through_the_border_gives_open_lines() {
        // x² + y⁴/4 − y²/2 at level 0.5: open curves leaving the view box.
        let s = Surface::new(SurfaceKind::Saddle);
        let g = Grid::evaluate(&s, s.view_box(), 120, 120);
        let lines = &contours(&g, &[0.5])[0].lines;
        assert!(!lines.is_empty());
        for line in lines {
            assert!(line.len() > 10, "not joined: {} points", line.len());
            let [x0, y0] = line[0];
            let [x1, y1] = line[line.len() - 1];
            let near_border = |x: f64, y: f64| x.abs().max(y.abs()) > 2.0 - 2.0 * 4.0 / 120.0;
            if line.first() != line.last() {
                assert!(
                    near_border(x0, y0) && near_border(x1, y1),
                    "open line ends inside"
                );
            }
        }
    }

    #[test]
    fn lines_are_long_polylines_not_loose_segments() {
        let s = Surface::new(SurfaceKind::Himmelblau);
        let g = Grid::evaluate(&s, s.view_box(), 256, 256);
        let levels = ColorScale::from_grid(&g).levels(20);
        let out = contours(&g, &levels);
        let lines: usize = out.iter().map(|c| c.lines.len()).sum();
        let points: usize = out.iter().flat_map(|c| &c.lines).map(Vec::len).sum();
        assert!(lines > 20);
        assert!(points > 20 * lines, "{points} points in {lines} lines");
        // Every point of every line is inside the view, and consecutive points are at most
        // one cell apart (a gap would mean a wrong join).
        let (cw, ch) = (10.0 / 256.0, 10.0 / 256.0);
        for line in out.iter().flat_map(|c| &c.lines) {
            for w in line.windows(2) {
                assert!((w[0][0] - w[1][0]).abs() <= cw * 1.0001);
                assert!((w[0][1] - w[1][1]).abs() <= ch * 1.0001);
            }
        }
    }

    #[test]
    fn every_edge_crossing_appears_exactly_once() {
        // Counting crossings straight from the grid must match the joined output: nothing
        // lost, nothing duplicated by the stitching.
        let s = Surface::new(SurfaceKind::Rastrigin);
        let g = Grid::evaluate(&s, s.view_box(), 90, 70);
        for level in [5.0, 20.0, 41.0] {
            let mut crossings = 0;
            for j in 0..g.ny {
                for i in 0..g.nx {
                    let v = g.get(i, j);
                    for (a, b) in [(i + 1, j), (i, j + 1)] {
                        let w = g.get(a, b);
                        if !w.is_nan() && (v >= level) != (w >= level) {
                            crossings += 1;
                        }
                    }
                }
            }
            let lines = &contours(&g, &[level])[0].lines;
            // A ring repeats its first point; an open line has one point per crossing.
            let points: usize = lines
                .iter()
                .map(|l| l.len() - usize::from(l.first() == l.last()))
                .sum();
            assert_eq!(points, crossings, "level {level}");
        }
    }

    #[test]
    fn threaded_and_serial_results_are_identical() {
        let s = Surface::new(SurfaceKind::Rosenbrock);
        let g = Grid::evaluate(&s, s.view_box(), 400, 300);
        let levels = ColorScale::from_grid(&g).levels(30);
        let threaded = contours(&g, &levels);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a one-thread pool");
        let serial = pool.install(|| contours(&g, &levels));
        assert_eq!(threaded, serial);
        assert_eq!(threaded, contours(&g, &levels));
        assert!(threaded.iter().all(|c| !c.lines.is_empty()));
    }

    #[test]
    fn saddle_cells_are_resolved_by_the_centre() {
        // One cell, corners (BL, BR, TR, TL) = (1, 0, 1, 0): high corners on the diagonal,
        // centre mean 0.5.
        let cell = Grid {
            nx: 2,
            ny: 2,
            view: ViewBox::square(1.0),
            values: vec![1.0, 0.0, 0.0, 1.0],
        };
        let midpoints = |level: f64| {
            let out = contours(&cell, &[level]);
            assert_eq!(out[0].lines.len(), 2, "level {level}");
            out[0]
                .lines
                .iter()
                .map(|l| {
                    assert_eq!(l.len(), 2);
                    [(l[0][0] + l[1][0]) / 2.0, (l[0][1] + l[1][1]) / 2.0]
                })
                .collect::<Vec<_>>()
        };
        // Level 0.4 is below the centre: the high corners connect through the middle and
        // each segment cuts off a LOW corner (BR or TL, where x·y < 0).
        assert!(midpoints(0.4).iter().all(|m| m[0] * m[1] < 0.0));
        // Level 0.6 is above the centre: each segment cuts off a HIGH corner (BL or TR).
        assert!(midpoints(0.6).iter().all(|m| m[0] * m[1] > 0.0));
    }

    #[test]
    fn flat_tiny_and_nan_grids_do_not_panic() {
        let view = ViewBox::square(1.0);
        let flat = Grid {
            nx: 50,
            ny: 40,
            view,
            values: vec![3.0; 2000],
        };
        let levels = ColorScale::from_grid(&flat).levels(30);
        assert!(contours(&flat, &levels).iter().all(|c| c.lines.is_empty()));
        assert!(
            contours(&flat, &[3.0, 2.0, 4.0])
                .iter()
                .all(|c| c.lines.is_empty())
        );
        assert!(contours(&flat, &[]).is_empty());
        for (nx, ny) in [(0, 0), (1, 1), (1, 5), (5, 1)] {
            let g = Grid {
                nx,
                ny,
                view,
                values: vec![1.0; nx * ny],
            };
            assert!(contours(&g, &[0.5, 1.0]).iter().all(|c| c.lines.is_empty()));
        }
        let lying = Grid {
            nx: 10,
            ny: 10,
            view,
            values: vec![0.0; 7],
        };
        assert_eq!(contours(&lying, &[1.0])[0].lines.len(), 0);
    }

    #[test]
    fn huge_level_counts_work() {
        let (_, g) = quadratic();
        let scale = ColorScale::from_grid(&g);
        let levels = scale.levels(5000);
        let out = contours(&g, &levels);
        assert_eq!(out.len(), levels.len());
        // Every level inside the range crosses the grid somewhere.
        assert!(out.iter().all(|c| !c.lines.is_empty()));
        assert_eq!(out[1234], contours(&g, &[levels[1234]])[0]);
    }

    #[test]
    fn non_finite_cells_are_skipped() {
        let (s, mut g) = quadratic();
        // Punch a hole at the centre and sprinkle infinities.
        let (cx, cy) = (g.nx / 2, g.ny / 2);
        for j in cy - 5..cy + 5 {
            for i in cx - 5..cx + 5 {
                g.values[j * g.nx + i] = f64::NAN;
            }
        }
        g.values[3] = f64::INFINITY;
        g.values[g.nx * 7 + 9] = f64::NEG_INFINITY;
        let out = contours(&g, &[0.01, 0.5, 1.5]);
        // The small ellipse crossed the hole: it is now open (or gone), never through NaN.
        assert!(
            out[0]
                .lines
                .iter()
                .all(|l| l.first() != l.last() || l.len() < 4)
        );
        // The big ones are untouched rings.
        for c in &out[1..] {
            assert_eq!(c.lines.len(), 1);
            assert!(is_ring(&c.lines[0]));
            for &[x, y] in &c.lines[0] {
                assert!((s.value(Vec2::new(x, y)) - c.level).abs() < 0.05);
            }
        }
        let all_nan = Grid {
            values: vec![f64::NAN; g.values.len()],
            ..g.clone()
        };
        assert!(
            contours(&all_nan, &[0.5])
                .iter()
                .all(|c| c.lines.is_empty())
        );
    }

    #[test]
    fn corners_exactly_on_the_level_do_not_break_lines() {
        // Integer-valued |x| + |y| on an integer lattice puts many nodes exactly on level 3.
        let view = ViewBox {
            x: [-5.5, 5.5],
            y: [-5.5, 5.5],
        };
        let n = 11;
        let values = (0..n)
            .flat_map(|j| (0..n).map(move |i| ((i as i64 - 5).abs() + (j as i64 - 5).abs()) as f64))
            .collect();
        let g = Grid {
            nx: n,
            ny: n,
            view,
            values,
        };
        let lines = &contours(&g, &[3.0])[0].lines;
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(is_ring(&lines[0]));
        assert!(
            lines[0].windows(2).all(|w| w[0] != w[1]),
            "duplicate points"
        );
        for &[x, y] in &lines[0] {
            assert!((x.abs() + y.abs() - 3.0).abs() < 1e-9);
        }
    }
}
