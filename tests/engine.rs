//! The engine's rules pinned by exact one-step numbers and by equivalences between
//! optimizers that must coincide (optax-style), plus the loop's statuses and determinism.

use losscape::engine::optim::OptimizerKind;
use losscape::engine::{
    OptimizerSpec, Problem, Schedule, Status, Surface, SurfaceKind, Trajectory, Vec2, run,
};

fn quadratic(kappa: f64, theta: f64) -> Surface {
    Surface::new(SurfaceKind::Quadratic)
        .with_param("kappa", kappa)
        .with_param("theta", theta)
}

fn problem(surface: Surface, start: (f64, f64), steps: u64) -> Problem {
    Problem {
        surface,
        start: Vec2::new(start.0, start.1),
        steps,
        seed: 0,
    }
}

fn spec(kind: OptimizerKind, edit: impl FnOnce(&mut OptimizerSpec)) -> OptimizerSpec {
    let mut s = OptimizerSpec::new(kind);
    edit(&mut s);
    s
}

fn one(p: &Problem, s: OptimizerSpec) -> Trajectory {
    run(p, &[s]).remove(0)
}

fn max_gap(a: &Trajectory, b: &Trajectory) -> f64 {
    assert_eq!(a.points.len(), b.points.len());
    a.points
        .iter()
        .zip(&b.points)
        .map(|(p, q)| (p - q).norm())
        .fold(0.0, f64::max)
}

#[test]
fn gd_one_step_exact() {
    // f = ½(x² + 10y²) at (1.5, 1.5): g = (1.5, 15); lr 0.05 → (1.425, 0.75)
    let p = problem(quadratic(10.0, 0.0), (1.5, 1.5), 1);
    let t = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 0.05));
    assert_eq!(t.points[1], Vec2::new(1.425, 0.75));
    assert_eq!(t.losses[0], 12.375);
}

#[test]
fn adam_first_step_moves_each_coordinate_by_lr() {
    let p = problem(Surface::new(SurfaceKind::Rosenbrock), (-1.5, 2.0), 1);
    let t = one(&p, spec(OptimizerKind::Adam, |s| s.hyper.lr = 0.01));
    let d = t.points[1] - t.points[0];
    assert!(
        (d.x.abs() - 0.01).abs() < 1e-9 && (d.y.abs() - 0.01).abs() < 1e-9,
        "{d}"
    );
}

#[test]
fn lion_moves_every_coordinate_by_exactly_lr() {
    let p = problem(Surface::new(SurfaceKind::Himmelblau), (0.3, -0.7), 20);
    let t = one(&p, spec(OptimizerKind::Lion, |s| s.hyper.lr = 0.01));
    for w in t.points.windows(2) {
        let d = w[1] - w[0];
        assert!((d.x.abs() - 0.01).abs() < 1e-12 && (d.y.abs() - 0.01).abs() < 1e-12);
    }
}

#[test]
fn lion_sign_of_zero_is_zero() {
    // on the quadratic from (1, 0) the y gradient is exactly 0: y must not move
    let p = problem(quadratic(10.0, 0.0), (1.0, 0.0), 5);
    let t = one(&p, spec(OptimizerKind::Lion, |s| s.hyper.lr = 0.01));
    assert!(t.points.iter().all(|w| w.y == 0.0));
}

#[test]
fn newton_solves_a_quadratic_in_one_step() {
    let p = problem(quadratic(250.0, 33.0), (1.7, -1.2), 1);
    let t = one(&p, OptimizerSpec::new(OptimizerKind::Newton));
    assert!(t.points[1].norm() < 1e-12, "{}", t.points[1]);
}

#[test]
fn newton_with_a_singular_hessian_stalls() {
    // plateau far out: H underflows to exactly 0
    let p = problem(Surface::new(SurfaceKind::Plateau), (40.0, 0.0), 10);
    let t = one(&p, OptimizerSpec::new(OptimizerKind::Newton));
    assert_eq!(t.status, Status::Stalled { step: 0 });
    assert_eq!(t.points.len(), 1);
}

#[test]
fn gd_diverges_above_two_over_lambda_max_and_reports_the_step() {
    let p = problem(quadratic(10.0, 0.0), (1.0, 1.0), 10_000);
    let stable = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 0.19));
    assert_eq!(stable.status, Status::Ok);
    let t = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 0.21));
    let Status::Diverged { step } = t.status else {
        panic!("expected divergence, got {}", t.status)
    };
    assert_eq!(
        t.points.len() as u64,
        step + 1,
        "the trajectory ends at its first non-finite row"
    );
    let (last, loss) = t.at(usize::MAX).expect("a last row");
    assert!(!(last.x.is_finite() && last.y.is_finite() && loss.is_finite()));
    assert!(
        t.points[..t.points.len() - 1]
            .iter()
            .all(|w| w.x.is_finite() && w.y.is_finite())
    );
}

#[test]
fn momentum_with_zero_mu_is_gd() {
    let p = problem(Surface::new(SurfaceKind::Rosenbrock), (-1.5, 2.0), 200);
    let gd = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 1e-3));
    for kind in [OptimizerKind::Momentum, OptimizerKind::Nesterov] {
        let m = one(
            &p,
            spec(kind, |s| {
                s.hyper.lr = 1e-3;
                s.hyper.momentum = 0.0;
            }),
        );
        assert_eq!(max_gap(&gd, &m), 0.0, "{kind:?}");
    }
}

#[test]
fn sgd_without_noise_is_gd() {
    let p = problem(Surface::new(SurfaceKind::Beale), (1.0, 1.5), 100);
    let gd = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 1e-3));
    let sgd = one(
        &p,
        spec(OptimizerKind::Sgd, |s| {
            s.hyper.lr = 1e-3;
            s.hyper.noise = 0.0;
        }),
    );
    assert_eq!(max_gap(&gd, &sgd), 0.0);
}

#[test]
fn adamw_without_decay_is_adam() {
    let p = problem(Surface::new(SurfaceKind::Wells), (2.0, 2.0), 200);
    let adam = one(&p, spec(OptimizerKind::Adam, |s| s.hyper.lr = 0.05));
    let adamw = one(
        &p,
        spec(OptimizerKind::Adamw, |s| {
            s.hyper.lr = 0.05;
            s.hyper.weight_decay = 0.0;
        }),
    );
    assert_eq!(max_gap(&adam, &adamw), 0.0);
}

#[test]
fn adafactor_is_adam_with_beta1_zero() {
    let p = problem(quadratic(50.0, 30.0), (1.5, 1.5), 200);
    let adafactor = one(&p, spec(OptimizerKind::Adafactor, |s| s.hyper.lr = 0.05));
    let adam = one(
        &p,
        spec(OptimizerKind::Adam, |s| {
            s.hyper.lr = 0.05;
            s.hyper.beta1 = 0.0;
            s.hyper.eps = 1e-8;
        }),
    );
    assert_eq!(max_gap(&adafactor, &adam), 0.0);
}

#[test]
fn adam_without_momentum_is_bias_corrected_rmsprop() {
    // β₁ = 0 makes m̂ = g; with β₂ = α, Adam is RMSprop whose v is divided by 1 − β₂ᵗ
    let p = problem(quadratic(20.0, 10.0), (1.5, -1.0), 1);
    let adam = one(
        &p,
        spec(OptimizerKind::Adam, |s| {
            s.hyper.lr = 0.01;
            s.hyper.beta1 = 0.0;
            s.hyper.beta2 = 0.99;
        }),
    );
    let rms = one(
        &p,
        spec(OptimizerKind::Rmsprop, |s| {
            // at t = 1, bias correction multiplies √v by 1/√(1 − α): fold it into lr
            s.hyper.lr = 0.01 * (1.0f64 - 0.99).sqrt();
            s.hyper.alpha = 0.99;
            s.hyper.eps = 1e-8 * (1.0f64 - 0.99).sqrt();
        }),
    );
    assert!(max_gap(&adam, &rms) < 1e-15, "{}", max_gap(&adam, &rms));
}

#[test]
fn amsgrad_differs_from_adam_once_gradients_shrink() {
    // past the cliff's wall the gradients shrink: Adam's v decays, AMSGrad keeps its maximum
    let p = problem(Surface::new(SurfaceKind::Cliff), (1.3, 1.0), 400);
    let adam = one(&p, spec(OptimizerKind::Adam, |s| s.hyper.lr = 0.05));
    let ams = one(&p, spec(OptimizerKind::Amsgrad, |s| s.hyper.lr = 0.05));
    assert!(
        max_gap(&adam, &ams) > 1e-3,
        "the two must differ on this surface"
    );
}

#[test]
fn gd_is_rotation_equivariant_and_adam_is_not() {
    let p = problem(quadratic(100.0, 0.0), (1.5, 1.5), 300);
    let gd = one(&p, spec(OptimizerKind::Gd, |s| s.hyper.lr = 0.015));
    let gd_rot = one(
        &p,
        spec(OptimizerKind::Gd, |s| {
            s.hyper.lr = 0.015;
            s.basis_rotation = 45.0;
        }),
    );
    assert!(max_gap(&gd, &gd_rot) < 1e-12);
    let adam = one(&p, spec(OptimizerKind::Adam, |s| s.hyper.lr = 0.05));
    let adam_rot = one(
        &p,
        spec(OptimizerKind::Adam, |s| {
            s.hyper.lr = 0.05;
            s.basis_rotation = 45.0;
        }),
    );
    assert!(max_gap(&adam, &adam_rot) > 0.1);
}

#[test]
fn clipping_bounds_every_step() {
    let p = problem(Surface::new(SurfaceKind::Cliff), (1.05, 0.5), 50);
    let t = one(
        &p,
        spec(OptimizerKind::Gd, |s| {
            s.hyper.lr = 0.1;
            s.clip_norm = Some(1.0);
        }),
    );
    for w in t.points.windows(2) {
        assert!((w[1] - w[0]).norm() <= 0.1 + 1e-12);
    }
}

#[test]
fn schedules_shape_the_step_length() {
    // on ½‖w‖² the GD step is lr_k·w, so relative step lengths are the schedule itself
    let p = problem(quadratic(1.0, 0.0), (100.0, 0.0), 30);
    let lin = one(
        &p,
        spec(OptimizerKind::Gd, |s| {
            s.hyper.lr = 0.01;
            s.schedule = Some(Schedule::Step {
                gamma: 0.5,
                every: 10,
            });
        }),
    );
    let step = |k: usize| (lin.points[k + 1] - lin.points[k]).norm() / lin.points[k].norm();
    assert!((step(9) - 0.01).abs() < 1e-12);
    assert!((step(10) - 0.005).abs() < 1e-12);
    assert!((step(20) - 0.0025).abs() < 1e-12);
}

#[test]
fn same_scene_same_noise_and_the_seed_matters() {
    let mut p = problem(Surface::new(SurfaceKind::Saddle), (-1.5, 0.0), 200);
    let s = spec(OptimizerKind::Sgd, |s| {
        s.hyper.lr = 0.05;
        s.hyper.noise = 0.5;
    });
    let a = one(&p, s.clone());
    let b = one(&p, s.clone());
    assert_eq!(a, b);
    p.seed = 1;
    let c = one(&p, s);
    assert!(max_gap(&a, &c) > 1e-3);
}

#[test]
fn zero_steps_is_just_the_start() {
    let p = problem(Surface::new(SurfaceKind::Himmelblau), (0.0, 0.0), 0);
    let t = one(&p, OptimizerSpec::new(OptimizerKind::Adam));
    assert_eq!(t.points, vec![Vec2::zeros()]);
    assert_eq!(t.status, Status::Ok);
}

#[test]
fn a_start_whose_loss_overflows_diverges_at_step_zero() {
    let p = problem(Surface::new(SurfaceKind::Rosenbrock), (1e200, 1e200), 10);
    let t = one(&p, OptimizerSpec::new(OptimizerKind::Gd));
    assert_eq!(t.status, Status::Diverged { step: 0 });
    assert_eq!(t.points.len(), 1);
}

#[test]
fn minima_are_stationary_points() {
    for kind in SurfaceKind::ALL {
        let s = Surface::new(kind);
        for m in s.minima() {
            let g = s.grad(m);
            assert!(g.norm() < 1e-6, "{kind:?} at {m}: |g| = {}", g.norm());
            let [lo, _] = s.hessian_eigenvalues(m);
            assert!(lo > 0.0, "{kind:?} at {m}: not a minimum");
        }
    }
}
