//! Tests of the contour tracer (kept apart: they are longer than the tracer itself).

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
