//! Trails reduced to what the screen can show: consecutive points closer than a fraction of a
//! pixel are merged, so a 100,000-step trajectory costs about as much to draw as its on-screen
//! length in pixels. The reduction is done once per trajectory and view; any animation step
//! is then a prefix of it, found by binary search.

use super::projection::Projection;
use crate::engine::Vec2;

/// A trajectory decimated for one projection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trail {
    /// Indices into the trajectory of the points kept, increasing.
    pub kept: Vec<usize>,
    /// Their pixel positions.
    pub pixels: Vec<[f64; 2]>,
}

impl Trail {
    /// Keeps a point when it lies at least `tolerance_px` from the last kept one; always keeps
    /// the first point and the last finite one. Stops at the first non-finite point.
    pub fn build(points: &[Vec2], projection: &Projection, tolerance_px: f64) -> Trail {
        let mut trail = Trail::default();
        let tol2 = tolerance_px * tolerance_px;
        let mut last_index = None;
        for (i, p) in points.iter().enumerate() {
            if !(p.x.is_finite() && p.y.is_finite()) {
                break;
            }
            let px = projection.project(*p);
            last_index = Some((i, px));
            let far = trail.pixels.last().is_none_or(|q| {
                let (dx, dy) = (px[0] - q[0], px[1] - q[1]);
                dx * dx + dy * dy >= tol2
            });
            if far {
                trail.kept.push(i);
                trail.pixels.push(px);
            }
        }
        if let Some((i, px)) = last_index
            && trail.kept.last() != Some(&i)
        {
            trail.kept.push(i);
            trail.pixels.push(px);
        }
        trail
    }

    /// The polyline up to trajectory step `step`: kept points with index ≤ `step`, ending
    /// exactly at `head` (the point at `step`) so the head marker sits on the line.
    pub fn upto(&self, step: usize, head: Option<[f64; 2]>) -> Vec<[f64; 2]> {
        let n = self.kept.partition_point(|&i| i <= step);
        let mut line = self.pixels[..n].to_vec();
        if let Some(h) = head
            && line.last() != Some(&h)
        {
            line.push(h);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ViewBox;

    fn proj() -> Projection {
        Projection::new(ViewBox::square(1.0), [0.0, 0.0, 200.0, 200.0])
    }

    #[test]
    fn dense_points_collapse_to_screen_resolution() {
        // 100,000 points along a 200-pixel line keep about 200/0.5 = 400 of them
        let pts: Vec<Vec2> = (0..100_000)
            .map(|i| Vec2::new(-1.0 + 2.0 * i as f64 / 99_999.0, 0.0))
            .collect();
        let t = Trail::build(&pts, &proj(), 0.5);
        assert!(
            t.kept.len() <= 402 && t.kept.len() >= 398,
            "{}",
            t.kept.len()
        );
        assert_eq!(t.kept.first(), Some(&0));
        assert_eq!(t.kept.last(), Some(&99_999));
    }

    #[test]
    fn upto_is_a_prefix_ending_at_the_head() {
        let pts: Vec<Vec2> = (0..10)
            .map(|i| Vec2::new(i as f64 * 0.1 - 0.5, 0.0))
            .collect();
        let p = proj();
        let t = Trail::build(&pts, &p, 0.5);
        let head = p.project(pts[4]);
        let line = t.upto(4, Some(head));
        assert_eq!(line.len(), 5);
        assert_eq!(line.last(), Some(&head));
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
    }
}
