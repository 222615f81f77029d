//! Random surfaces, starts and hyperparameters within their valid ranges never panic, and
//! every trajectory is all finite or ends at its first non-finite row.

use losscape::engine::optim::{Knob, OptimizerKind, Range};
use losscape::engine::{OptimizerSpec, Problem, Schedule, Status, Surface, SurfaceKind, Vec2, run};
use proptest::prelude::*;

/// A value inside a knob's valid range, spread over its slider span and beyond.
fn knob_value(knob: Knob, u: f64) -> f64 {
    let info = knob.info();
    let (lo, hi) = info.slider;
    match info.range {
        Range::Bool => (u > 0.5) as u8 as f64,
        Range::HalfOpen(a, b) => (a + u * (b - a)).min(b - 1e-12),
        Range::Above(a) => (a + 1e-12).max(lo * (hi / lo.max(1e-300)).powf(u)),
        _ => lo + u * (hi - lo) * 2.0,
    }
}

fn any_spec() -> impl Strategy<Value = OptimizerSpec> {
    (
        0..OptimizerKind::ALL.len(),
        prop::collection::vec(0.0f64..1.0, 8),
        prop::option::of(0.01f64..10.0),
        prop::option::of((0u8..3, 0.0f64..1.0, 1u64..500)),
        prop_oneof![Just(0.0), -90.0f64..90.0],
        -6.0f64..1.0,
    )
        .prop_map(|(i, us, clip, sched, rot, log_lr)| {
            let kind = OptimizerKind::ALL[i];
            let mut s = OptimizerSpec::new(kind);
            for (knob, u) in kind.knobs().zip(us) {
                s.hyper.set(knob, knob_value(knob, u));
            }
            s.hyper.lr = 10f64.powf(log_lr);
            s.clip_norm = clip;
            s.schedule = sched.map(|(k, f, n)| match k {
                0 => Schedule::Linear {
                    final_lr: f,
                    steps: n,
                },
                1 => Schedule::Step { gamma: f, every: n },
                _ => Schedule::Cosine {
                    final_lr: f,
                    steps: n,
                },
            });
            s.basis_rotation = rot;
            s
        })
}

fn any_problem() -> impl Strategy<Value = Problem> {
    (
        0..SurfaceKind::ALL.len(),
        1.0f64..1000.0,
        -180.0f64..180.0,
        -6.0f64..6.0,
        -6.0f64..6.0,
        0u64..300,
        any::<u64>(),
    )
        .prop_map(|(i, kappa, theta, x, y, steps, seed)| {
            let kind = SurfaceKind::ALL[i];
            let surface = Surface::new(kind)
                .with_param("kappa", kappa)
                .with_param("theta", theta);
            Problem {
                surface,
                start: Vec2::new(x, y),
                steps,
                seed,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn trajectories_are_finite_until_they_end(problem in any_problem(), specs in prop::collection::vec(any_spec(), 1..4)) {
        let ts = run(&problem, &specs);
        prop_assert_eq!(ts.len(), specs.len());
        for t in ts {
            prop_assert_eq!(t.points.len(), t.losses.len());
            let finite = |k: usize| t.points[k].x.is_finite() && t.points[k].y.is_finite() && t.losses[k].is_finite();
            let last = t.points.len() - 1;
            prop_assert!((0..last).all(finite), "a non-finite row before the end");
            match t.status {
                Status::Ok => {
                    prop_assert_eq!(last as u64, problem.steps);
                    prop_assert!(finite(last));
                }
                Status::Diverged { step } => {
                    prop_assert_eq!(step, last as u64);
                    prop_assert!(!finite(last));
                }
                Status::Stalled { step } => {
                    prop_assert_eq!(step, last as u64);
                    prop_assert!(finite(last));
                }
            }
        }
    }
}
