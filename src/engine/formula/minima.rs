//! Local minima of a typed formula, found numerically: a formula comes with no list of
//! minima, so descents start from a grid over the view box and the distinct points they
//! settle in are kept.
//!
//! Each descent takes Newton steps where the Hessian is positive definite and gradient steps
//! elsewhere, both with a backtracking (Armijo) line search on the value, so it only goes
//! downhill and converges quadratically at the end. A point counts as a minimum if its
//! gradient vanishes against the values seen over the view and no point on a ring around it
//! (a hundredth of the view) is lower while some is higher: that rejects saddles and the
//! numerically flat far field of a plateau, and accepts degenerate minima such as `x^4 + y^4`.

use super::Formula;
use crate::engine::real::Dual2;
use crate::engine::{Mat2, Vec2, ViewBox};

/// Descents per axis of the start grid.
const STARTS: usize = 12;
/// Iterations per descent, at most and at least: a long formula gets fewer (see [`BUDGET`]).
const ITERATIONS: usize = 100;
const MIN_ITERATIONS: usize = 20;
/// Program operations one search may spend, about 50 ms: the search runs on every keystroke
/// and slider move, so a 500-node formula must not stall the app.
const BUDGET: usize = 30_000_000;
/// Evaluations per iteration: one with the Hessian, a line search, a few more.
const EVALS_PER_ITERATION: usize = 12;
/// The most minima reported, lowest first.
pub const MAX_MINIMA: usize = 12;

fn value_grad_hess(f: &Formula, w: Vec2) -> (f64, Vec2, Mat2) {
    let d = f.eval(Dual2::var(w.x, 0), Dual2::var(w.y, 1));
    let [hxx, hxy, hyy] = d.h;
    (
        d.v,
        Vec2::new(d.d[0], d.d[1]),
        Mat2::new(hxx, hxy, hxy, hyy),
    )
}

/// The local minima of `f` inside `view` (widened by a twentieth on each side), lowest first.
pub fn minima(f: &Formula, view: ViewBox) -> Vec<Vec2> {
    let scale = view.width().max(view.height());
    if !(scale.is_finite() && scale > 0.0) {
        return Vec::new();
    }
    let margin = scale / 20.0;
    let inside = |w: Vec2| {
        w.x >= view.x[0] - margin
            && w.x <= view.x[1] + margin
            && w.y >= view.y[0] - margin
            && w.y <= view.y[1] + margin
    };
    let value = |w: Vec2| f.eval::<f64>(w.x, w.y);
    let starts: Vec<Vec2> = (0..STARTS * STARTS)
        .map(|k| {
            let (i, j) = ((k / STARTS) as f64, (k % STARTS) as f64);
            Vec2::new(
                view.x[0] + (i + 0.5) / STARTS as f64 * view.width(),
                view.y[0] + (j + 0.5) / STARTS as f64 * view.height(),
            )
        })
        .collect();
    let (lo, hi) = starts
        .iter()
        .map(|&w| value(w))
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return Vec::new();
    }
    // a gradient this small moves the value by a negligible part of its range over the view
    let gtol = 1e-10 * (hi - lo).max(f64::MIN_POSITIVE) / scale;
    let iterations = (BUDGET / (f.cost().max(1) * STARTS * STARTS * EVALS_PER_ITERATION))
        .clamp(MIN_ITERATIONS, ITERATIONS);
    let mut found: Vec<(f64, Vec2)> = Vec::new();
    for start in starts {
        let Some(w) = descend(f, start, scale, gtol, iterations) else {
            continue;
        };
        let v = value(w);
        let around: [f64; 8] = std::array::from_fn(|k| {
            let a = k as f64 * std::f64::consts::FRAC_PI_4;
            value(w + scale * 1e-2 * Vec2::new(a.cos(), a.sin()))
        });
        let lower = around.iter().any(|&u| u < v || u.is_nan());
        let higher = around.iter().any(|&u| u > v);
        if !inside(w) || !v.is_finite() || lower || !higher {
            continue;
        }
        if found.iter().all(|(_, m)| (m - w).norm() > 1e-3 * scale) {
            found.push((v, w));
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.truncate(MAX_MINIMA);
    found.into_iter().map(|(_, w)| w).collect()
}

/// Where a downhill walk from `start` stops with a gradient below `gtol`, polished by a few
/// more Newton steps; `None` if it meets a non-finite value, leaves for far away or runs out
/// of iterations first.
fn descend(f: &Formula, start: Vec2, scale: f64, gtol: f64, iterations: usize) -> Option<Vec2> {
    let mut w = start;
    let mut polish = 0;
    for _ in 0..iterations {
        let (v, g, h) = value_grad_hess(f, w);
        if !(v.is_finite() && g.iter().all(|c| c.is_finite())) {
            return None;
        }
        let gnorm = g.norm();
        if gnorm <= gtol {
            polish += 1;
            if polish > 3 || gnorm == 0.0 {
                return Some(w);
            }
        }
        let newton = (h.determinant() > 0.0 && h[(0, 0)] > 0.0)
            .then(|| h.lu().solve(&(-g)))
            .flatten()
            .filter(|p| p.iter().all(|c| c.is_finite()) && p.dot(&g) < 0.0);
        let p = newton.unwrap_or_else(|| -g * (0.1 * scale / gnorm));
        let slope = p.dot(&g);
        let mut t = 1.0;
        loop {
            let next = w + p * t;
            let fv = f.eval::<f64>(next.x, next.y);
            if fv <= v + 1e-4 * t * slope {
                w = next;
                break;
            }
            t *= 0.5;
            if t < 1e-12 {
                // no lower point along the descent direction: as low as rounding allows
                return (gnorm <= gtol).then_some(w);
            }
        }
        if (w - start).norm() > 4.0 * scale {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str, view: ViewBox) -> Vec<Vec2> {
        minima(&Formula::parse(src).unwrap(), view)
    }

    #[test]
    fn rosenbrock_minimum_exactly() {
        let m = found("(1 - x)^2 + 100*(y - x^2)^2", ViewBox::square(2.0));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!((m[0] - Vec2::new(1.0, 1.0)).norm() < 1e-9, "{m:?}");
    }

    #[test]
    fn himmelblau_has_four_lowest_first() {
        let m = found("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ViewBox::square(5.0));
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m.iter().any(|w| (w - Vec2::new(3.0, 2.0)).norm() < 1e-9));
    }

    #[test]
    fn flat_far_field_and_saddles_are_not_minima() {
        // a plateau: tiny gradients far out, one minimum at the origin
        let m = found("1 - exp(-(x^2 + y^2))", ViewBox::square(8.0));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].norm() < 1e-6);
        // the saddle surface: two minima, never the saddle at the origin
        let m = found("x^2 + y^4/4 - y^2/2", ViewBox::square(2.0));
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m.iter().all(|w| (w.y.abs() - 1.0).abs() < 1e-9));
    }

    #[test]
    fn degenerate_minimum_counts() {
        let m = found("x^4 + y^4", ViewBox::square(1.0));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].norm() < 1e-2, "{m:?}");
    }

    #[test]
    fn nothing_to_find_is_fine() {
        assert!(found("x + y", ViewBox::square(1.0)).is_empty());
        assert!(found("log(x)", ViewBox::square(1.0)).is_empty());
        assert!(found("x^2", ViewBox::square(f64::NAN)).is_empty());
    }
}
