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
#[path = "contour_tests.rs"]
mod tests;
