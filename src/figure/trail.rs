//! Trails reduced to what the screen can show, so a 100,000-step trajectory costs about as
//! much to draw as its on-screen length in pixels. The reduction is done once per trajectory
//! and view; any animation step is then a prefix of it, found by binary search.
//!
//! Two reductions, both decided from earlier points only, so that every prefix of the reduced
//! trail is as faithful as the whole:
//!
//! - **Runs become segments.** From the last kept point (the anchor), the path is followed
//!   while it stays inside a strip around its initial direction and does not turn back by
//!   more than the strip's half-width (half the tolerance); the point before the first one
//!   that leaves is kept and becomes the next anchor. Every skipped point then lies within
//!   about the tolerance (at most √5/2 ≈ 1.12 times it) of the segment from its anchor to
//!   any later point of its run, in particular to the head drawn at an animation step.
//! - **Repeated segments are dropped.** An optimizer circling a minimum or bouncing across a
//!   ravine retraces the same few pixels thousands of times. A trail is stroked with round
//!   joins and caps, so what it covers is the union of its segments (each a capsule); a segment
//!   whose ends fall in the same cells (half the tolerance wide) as those of an earlier one
//!   adds nothing visible (it is within √2/2 ≈ 0.71 tolerance of the one drawn) and is
//!   skipped, which breaks the polyline there.

use super::projection::Projection;
use crate::engine::Vec2;
use rayon::prelude::*;
use rustc_hash::FxHashSet;

/// A trajectory decimated for one projection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trail {
    /// Indices into the trajectory of the points kept, increasing.
    pub kept: Vec<usize>,
    /// Their pixel positions.
    pub pixels: Vec<[f64; 2]>,
    /// `drawn[k]`: whether the segment from kept point `k − 1` to kept point `k` is drawn
    /// (false when it repeats an earlier segment). `drawn[0]` is always false.
    pub drawn: Vec<bool>,
}

/// The run being followed from an anchor.
struct Run {
    anchor: [f64; 2],
    /// Unit direction of the run, once a point is at least the half-width from the anchor.
    dir: Option<[f64; 2]>,
    /// Farthest progress along `dir` so far.
    reach: f64,
}

impl Run {
    fn new(anchor: [f64; 2]) -> Run {
        Run {
            anchor,
            dir: None,
            reach: 0.0,
        }
    }

    /// Whether `p` continues the run (and records it).
    fn absorbs(&mut self, p: [f64; 2], tol: f64) -> bool {
        let (dx, dy) = (p[0] - self.anchor[0], p[1] - self.anchor[1]);
        match self.dir {
            None => {
                // squared: a converged optimizer sits here for most of its points, and libm's
                // `hypot` was the largest single cost of a long trail
                let d2 = dx * dx + dy * dy;
                if d2 >= tol * tol {
                    let d = d2.sqrt();
                    self.dir = Some([dx / d, dy / d]);
                    self.reach = d;
                }
                true
            }
            Some([ux, uy]) => {
                let along = dx * ux + dy * uy;
                let across = (dx * uy - dy * ux).abs();
                if across > tol || along < self.reach - tol {
                    return false;
                }
                self.reach = self.reach.max(along);
                true
            }
        }
    }
}

/// The cell of a pixel position on a grid of cells `1 / inv_tol` wide.
fn cell(p: [f64; 2], inv_tol: f64) -> [i64; 2] {
    [floor_i64(p[0] * inv_tol), floor_i64(p[1] * inv_tol)]
}

/// `v.floor() as i64` without the libm call that `floor` is on baseline x86-64 (SSE2 has no
/// rounding instruction): truncate, then step down for negative non-integers. Saturates
/// like `as`; NaN gives 0.
#[inline(always)]
fn floor_i64(v: f64) -> i64 {
    let t = v as i64;
    t.saturating_sub(i64::from((t as f64) > v))
}

/// Segments already drawn, by the cells of their ends. FxHash rather than SipHash: the keys are
/// small integers made here, not input an adversary chooses, and SipHash cost as much as the
/// rest of the bookkeeping for an optimizer bouncing across a ravine.
type SegmentSet = FxHashSet<(i64, i64, i64, i64)>;

impl Trail {
    /// Reduces `points` so that every prefix stays within `tolerance_px` of the polyline
    /// through the original points (see the module notes); always keeps the first point and
    /// the last finite one. Stops at the first non-finite point.
    pub fn build(points: &[Vec2], projection: &Projection, tolerance_px: f64) -> Trail {
        // strip half-width, allowed turn-back and repeat cells
        let tol = if tolerance_px > 0.0 {
            0.5 * tolerance_px
        } else {
            f64::MIN_POSITIVE
        };
        let inv_tol = 1.0 / tol;
        let mut trail = Trail::default();
        let mut seen = SegmentSet::default();
        let mut keep = |trail: &mut Trail, i: usize, px: [f64; 2]| {
            let drawn = match trail.pixels.last() {
                Some(&q) => {
                    let (a, b) = (cell(q, inv_tol), cell(px, inv_tol));
                    let key = if a <= b {
                        (a[0], a[1], b[0], b[1])
                    } else {
                        (b[0], b[1], a[0], a[1])
                    };
                    a != b && seen.insert(key)
                }
                None => false,
            };
            trail.kept.push(i);
            trail.pixels.push(px);
            trail.drawn.push(drawn);
        };
        let mut run: Option<Run> = None;
        // the last point seen and its index
        let mut last: Option<(usize, [f64; 2])> = None;
        for (i, p) in points.iter().enumerate() {
            if !(p.x.is_finite() && p.y.is_finite()) {
                break;
            }
            let px = projection.project(*p);
            match &mut run {
                None => {
                    keep(&mut trail, i, px);
                    run = Some(Run::new(px));
                }
                Some(r) => {
                    if !r.absorbs(px, tol)
                        && let Some((j, q)) = last
                    {
                        keep(&mut trail, j, q);
                        let mut next = Run::new(q);
                        next.absorbs(px, tol);
                        *r = next;
                    }
                }
            }
            last = Some((i, px));
        }
        if let Some((i, px)) = last
            && trail.kept.last() != Some(&i)
        {
            keep(&mut trail, i, px);
        }
        trail
    }

    /// [`Trail::build`] for several trajectories at once, in parallel (they are independent;
    /// a 100,000-point trail takes about a millisecond).
    pub fn build_all<'a>(
        trajectories: impl IntoParallelIterator<Item = Option<&'a [Vec2]>>,
        projection: &Projection,
        tolerance_px: f64,
    ) -> Vec<Option<Trail>> {
        trajectories
            .into_par_iter()
            .map(|points| points.map(|p| Trail::build(p, projection, tolerance_px)))
            .collect()
    }

    /// The polylines up to trajectory step `step`: kept points with index ≤ `step` (split
    /// where a repeated segment was dropped), ending exactly at `head` (the point at `step`)
    /// so the head marker sits on the line.
    pub fn upto(&self, step: usize, head: Option<[f64; 2]>) -> Vec<Vec<[f64; 2]>> {
        let n = self.kept.partition_point(|&i| i <= step);
        let mut lines: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut current: Vec<[f64; 2]> = Vec::new();
        for (k, &p) in self.pixels[..n].iter().enumerate() {
            if !self.drawn[k] {
                if current.len() >= 2 {
                    lines.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            current.push(p);
        }
        // `current` ends at the last kept point, so the line reaches the head from there
        if let Some(h) = head
            && current.last() != Some(&h)
        {
            current.push(h);
        }
        // a lone point is kept when it is the head (or all there is), so the lines always
        // end at the head
        if current.len() >= 2 || (!current.is_empty() && (head.is_some() || lines.is_empty())) {
            lines.push(current);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ViewBox;

    fn proj() -> Projection {
        Projection::new(ViewBox::square(1.0), [0.0, 0.0, 200.0, 200.0])
    }

    /// Distance from `p` to segment `a`–`b`.
    fn seg_dist(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        };
        (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
    }

    fn dist_to_lines(p: [f64; 2], lines: &[Vec<[f64; 2]>]) -> f64 {
        lines
            .iter()
            .flat_map(|l| {
                if l.len() == 1 {
                    vec![seg_dist(p, l[0], l[0])]
                } else {
                    l.windows(2).map(|w| seg_dist(p, w[0], w[1])).collect()
                }
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn a_straight_run_collapses_to_its_ends() {
        let pts: Vec<Vec2> = (0..100_000)
            .map(|i| Vec2::new(-1.0 + 2.0 * i as f64 / 99_999.0, 0.0))
            .collect();
        let t = Trail::build(&pts, &proj(), 0.5);
        assert_eq!(t.kept, vec![0, 99_999]);
        assert_eq!(
            t.upto(99_999, None),
            vec![vec![[0.0, 100.0], [200.0, 100.0]]]
        );
    }

    #[test]
    fn every_prefix_stays_within_the_tolerance() {
        // a spiral in, then a zigzag: curves, reversals and revisits
        let mut pts: Vec<Vec2> = (0..1500)
            .map(|i| {
                let t = i as f64 * 0.02;
                let r = 0.9 * (-0.05 * t).exp();
                Vec2::new(r * t.cos(), r * t.sin())
            })
            .collect();
        for i in 0..600 {
            let s = if i % 2 == 0 { 1.0 } else { -1.0 };
            pts.push(Vec2::new(
                0.3 * s * (1.0 - i as f64 / 600.0),
                0.001 * i as f64,
            ));
        }
        let p = proj();
        let tol = 0.4;
        let t = Trail::build(&pts, &p, tol);
        // the spiral reduces to a few hundred points; every zigzag corner stays
        let spiral = t.kept.partition_point(|&i| i < 1500);
        assert!(spiral < 500, "{spiral}");
        for step in (0..pts.len()).step_by(101).chain([pts.len() - 1]) {
            let head = p.project(pts[step]);
            let lines = t.upto(step, Some(head));
            assert_eq!(lines.last().and_then(|l| l.last()), Some(&head));
            for q in &pts[..=step] {
                let d = dist_to_lines(p.project(*q), &lines);
                assert!(d <= 1.12 * tol, "step {step}: a point is {d} px off");
            }
        }
    }

    #[test]
    fn retraced_segments_are_drawn_once() {
        // bouncing between two points 100,000 times
        let pts: Vec<Vec2> = (0..100_000)
            .map(|i| Vec2::new(if i % 2 == 0 { -0.5 } else { 0.5 }, 0.2))
            .collect();
        let t = Trail::build(&pts, &proj(), 0.25);
        let lines = t.upto(pts.len() - 1, None);
        let points: usize = lines.iter().map(Vec::len).sum();
        assert!(points <= 4, "{lines:?}");
        assert_eq!(t.kept.len(), pts.len());
    }

    #[test]
    fn upto_ends_at_the_head() {
        let pts: Vec<Vec2> = (0..10)
            .map(|i| Vec2::new(i as f64 * 0.1 - 0.5, 0.05 * (i % 2) as f64))
            .collect();
        let p = proj();
        let t = Trail::build(&pts, &p, 0.5);
        let head = p.project(pts[4]);
        let lines = t.upto(4, Some(head));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].first(), Some(&p.project(pts[0])));
        assert_eq!(lines[0].last(), Some(&head));
        let start = t.upto(0, Some(p.project(pts[0])));
        assert_eq!(start, vec![vec![p.project(pts[0])]]);
    }

    #[test]
    fn floor_i64_is_floor() {
        for v in [
            -2.5, -2.0, -1.0, -0.5, -1e-300, -0.0, 0.0, 0.3, 1.0, 7.9, 1e18, -1e18, 4.5e15,
        ] {
            assert_eq!(floor_i64(v), v.floor() as i64, "{v}");
        }
        assert_eq!(floor_i64(f64::NAN), 0);
        assert_eq!(floor_i64(1e300), i64::MAX);
        assert_eq!(floor_i64(-1e300), i64::MIN);
    }

    #[test]
    fn build_all_builds_each_trail() {
        let a: Vec<Vec2> = (0..5000)
            .map(|i| {
                let t = i as f64 * 0.01;
                Vec2::new(0.8 * t.cos() * (-0.02 * t).exp(), 0.8 * t.sin())
            })
            .collect();
        let b: Vec<Vec2> = (0..3000)
            .map(|i| Vec2::new(if i % 2 == 0 { -0.4 } else { 0.4 }, 0.001 * i as f64))
            .collect();
        let p = proj();
        let all = Trail::build_all(vec![Some(&a[..]), None, Some(&b[..])], &p, 0.3);
        assert_eq!(
            all,
            vec![
                Some(Trail::build(&a, &p, 0.3)),
                None,
                Some(Trail::build(&b, &p, 0.3))
            ]
        );
        assert!(all[0].as_ref().is_some_and(|t| t.kept.len() > 10));
    }

    #[test]
    fn a_trail_survives_a_pan() {
        // decimated once at the scale, then shifted: what the window does while panning
        let pts: Vec<Vec2> = (0..4000)
            .map(|i| {
                let t = i as f64 * 0.005;
                Vec2::new(0.9 * (3.0 * t).sin(), 0.9 * (2.0 * t).cos())
            })
            .collect();
        let view = ViewBox {
            x: [-1.3, 0.7],
            y: [-0.6, 1.4],
        };
        let p = Projection::new(view, [15.0, 30.0, 400.0, 400.0]);
        let scaled = Projection::scale_only(p.pixels_per_unit());
        let t = Trail::build(&pts, &scaled, 0.4);
        let o = p.project(Vec2::zeros());
        let step = 2500;
        let head = p.project(pts[step]);
        let lines: Vec<Vec<[f64; 2]>> = t
            .upto(step, Some([head[0] - o[0], head[1] - o[1]]))
            .into_iter()
            .map(|l| l.into_iter().map(|q| [q[0] + o[0], q[1] + o[1]]).collect())
            .collect();
        for q in &pts[..=step] {
            let d = dist_to_lines(p.project(*q), &lines);
            assert!(d <= 1.12 * 0.4 + 1e-9, "a point is {d} px off");
        }
    }

    #[test]
    fn stops_at_the_first_non_finite_point() {
        let pts = vec![
            Vec2::new(0.0, 0.0),
            Vec2::new(0.5, 0.5),
            Vec2::new(f64::NAN, 1.0),
        ];
        let t = Trail::build(&pts, &proj(), 0.5);
        assert_eq!(t.kept, vec![0, 1]);
        assert!(Trail::build(&[], &proj(), 0.5).upto(0, None).is_empty());
    }
}
