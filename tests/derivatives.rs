//! Every surface's gradient and Hessian (forward-mode duals) agree with central finite
//! differences of its value at many points, and stay finite however far out.

use losscape::engine::{Surface, SurfaceKind, Vec2};
use proptest::prelude::*;

fn any_surface() -> impl Strategy<Value = Surface> {
    (
        0..SurfaceKind::ALL.len(),
        1.0f64..1000.0,
        -90.0f64..90.0,
        -2.0f64..2.0,
        0.0f64..200.0,
    )
        .prop_map(|(i, kappa, theta, a, b)| {
            let kind = SurfaceKind::ALL[i];
            let s = Surface::new(kind);
            match kind {
                SurfaceKind::Quadratic => s.with_param("kappa", kappa).with_param("theta", theta),
                SurfaceKind::Rosenbrock => s.with_param("a", a).with_param("b", b),
                _ => s,
            }
        })
}

/// A point in the surface's view box, by fractions of its width and height.
fn point_in_view(s: &Surface, fx: f64, fy: f64) -> Vec2 {
    let v = s.view_box();
    Vec2::new(v.x[0] + fx * v.width(), v.y[0] + fy * v.height())
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-5 * scale.max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn gradient_matches_central_differences(s in any_surface(), fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        let w = point_in_view(&s, fx, fy);
        let h = 1e-6;
        let fd = Vec2::new(
            (s.value(w + Vec2::new(h, 0.0)) - s.value(w - Vec2::new(h, 0.0))) / (2.0 * h),
            (s.value(w + Vec2::new(0.0, h)) - s.value(w - Vec2::new(0.0, h))) / (2.0 * h),
        );
        let (f, g) = s.value_grad(w);
        prop_assert_eq!(f, s.value(w));
        let scale = g.norm() + f.abs() * 1e-3;
        prop_assert!(close(g.x, fd.x, scale) && close(g.y, fd.y, scale), "{:?} at {}: {} vs {}", s.kind(), w, g, fd);
    }

    #[test]
    fn hessian_matches_differences_of_the_gradient(s in any_surface(), fx in 0.0f64..1.0, fy in 0.0f64..1.0) {
        let w = point_in_view(&s, fx, fy);
        let h = 1e-6;
        let gx = (s.grad(w + Vec2::new(h, 0.0)) - s.grad(w - Vec2::new(h, 0.0))) / (2.0 * h);
        let gy = (s.grad(w + Vec2::new(0.0, h)) - s.grad(w - Vec2::new(0.0, h))) / (2.0 * h);
        let hess = s.hessian(w);
        let scale = hess.norm();
        prop_assert!(close(hess[(0, 0)], gx.x, scale), "{:?} at {}: {} vs {}", s.kind(), w, hess, gx);
        prop_assert!(close(hess[(1, 0)], gx.y, scale) && close(hess[(0, 1)], gy.x, scale));
        prop_assert!(close(hess[(1, 1)], gy.y, scale));
        prop_assert_eq!(hess[(0, 1)], hess[(1, 0)]);
    }
}

#[test]
fn exponential_surfaces_stay_finite_far_out() {
    for kind in [
        SurfaceKind::Cliff,
        SurfaceKind::Plateau,
        SurfaceKind::Wells,
        SurfaceKind::SharpFlat,
    ] {
        let s = Surface::new(kind);
        for &(x, y) in &[
            (-1e150, 0.0),
            (1e150, -1e150),
            (-40.0, 3.0),
            (800.0, -800.0),
            (1.0, 0.0),
        ] {
            let (f, g, h) = s.value_grad_hess(Vec2::new(x, y));
            assert!(
                f.is_finite() && g.iter().all(|v| v.is_finite()) && h.iter().all(|v| v.is_finite()),
                "{kind:?} at ({x}, {y})"
            );
        }
    }
}

#[test]
fn narrowing_valley_stays_finite_where_its_sigmoid_saturates() {
    let s = Surface::new(SurfaceKind::NarrowingValley);
    for &(x, y) in &[(-1e3, 2.0), (1e3, -2.0), (-800.0, 800.0), (0.0, 0.0)] {
        let (f, g, h) = s.value_grad_hess(Vec2::new(x, y));
        assert!(
            f.is_finite() && g.iter().all(|v| v.is_finite()) && h.iter().all(|v| v.is_finite()),
            "at ({x}, {y})"
        );
    }
    // far on the sharp side the curvature across is `sharp`, far on the wide side `wide`
    assert!((s.hessian(Vec2::new(-40.0, 0.0))[(1, 1)] - 20.0).abs() < 1e-9);
    assert!((s.hessian(Vec2::new(40.0, 0.0))[(1, 1)] - 1.0).abs() < 1e-9);
}

#[test]
fn every_surface_matches_its_formula_at_a_known_point() {
    let at = |kind, x, y| Surface::new(kind).value(Vec2::new(x, y));
    assert_eq!(at(SurfaceKind::Rosenbrock, 1.0, 1.0), 0.0);
    assert_eq!(at(SurfaceKind::Rosenbrock, -1.5, 2.0), 12.5);
    assert_eq!(at(SurfaceKind::Himmelblau, 3.0, 2.0), 0.0);
    assert_eq!(at(SurfaceKind::Beale, 3.0, 0.5), 0.0);
    assert_eq!(at(SurfaceKind::Saddle, 0.0, 1.0), -0.25);
    assert_eq!(at(SurfaceKind::Rastrigin, 0.0, 0.0), 0.0);
    assert!((at(SurfaceKind::SixHumpCamel, 0.0898, -0.7126) + 1.0316).abs() < 1e-4);
    assert_eq!(at(SurfaceKind::Plateau, 0.0, 0.0), 0.0);
    assert!((at(SurfaceKind::Cliff, 1.0, 0.0) - (0.05 + 5.0)).abs() < 1e-12);
    let sharp = at(SurfaceKind::SharpFlat, -1.0, 0.0);
    let expected = 0.02 - 1.0 - 0.8 * (-(2.5f64 * 2.5) / 2.0).exp();
    assert!((sharp - expected).abs() < 1e-12);
    let wells = at(SurfaceKind::Wells, -1.0, -1.0);
    let e = |cx: f64, cy: f64, a: f64, s: f64| {
        a * (-((-1.0 - cx).powi(2) + (-1.0 - cy).powi(2)) / (2.0 * s * s)).exp()
    };
    let expected =
        0.05 * 2.0 - e(-1.0, -1.0, 1.0, 0.6) - e(1.2, 0.8, 0.6, 0.5) - e(-0.6, 1.4, 0.4, 0.4);
    assert!((wells - expected).abs() < 1e-12);
    // ½·λ(x)·y² + μ((x/1.5)² − 1)² with λ(0) = (sharp + wide)/2
    let valley = at(SurfaceKind::NarrowingValley, 0.0, 1.0);
    assert!((valley - (0.5 * 10.5 + 0.2)).abs() < 1e-12);
    assert_eq!(at(SurfaceKind::NarrowingValley, -1.5, 0.0), 0.0);
    assert_eq!(at(SurfaceKind::NarrowingValley, 1.5, 0.0), 0.0);
    // quadratic: ½ wᵀ R diag(1, κ) Rᵀ w; at θ = 90° the stiff axis is x
    let q = Surface::new(SurfaceKind::Quadratic)
        .with_param("kappa", 10.0)
        .with_param("theta", 90.0);
    assert!((q.value(Vec2::new(1.0, 0.0)) - 5.0).abs() < 1e-12);
    assert!((q.value(Vec2::new(0.0, 1.0)) - 0.5).abs() < 1e-12);
}
