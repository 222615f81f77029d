//! Every built-in lesson scene shows what its description claims: each test runs the scene
//! exactly as shipped and checks the claim on the computed trajectories, with numbers.

use losscape::engine::{self, OptimizerKind, OptimizerSpec, Status, Trajectory, Vec2};
use losscape::scene::{self, BUILTINS, DEFAULT_SCENE, Scene};
use std::collections::HashSet;

/// A built-in scene and its trajectories, in the order of its optimizers.
struct Lesson {
    scene: Scene,
    specs: Vec<OptimizerSpec>,
    runs: Vec<Trajectory>,
}

fn lesson(name: &str) -> Lesson {
    let scene = scene::builtin(name).unwrap_or_else(|e| panic!("built-in scene {name}: {e}"));
    let specs = scene.specs();
    let runs = engine::run(&scene.problem(), &specs);
    assert_eq!(runs.len(), specs.len());
    Lesson { scene, specs, runs }
}

impl Lesson {
    fn index(&self, label: &str) -> usize {
        self.specs
            .iter()
            .position(|s| s.label == label)
            .unwrap_or_else(|| {
                let labels: Vec<&str> = self.specs.iter().map(|s| s.label.as_str()).collect();
                panic!("no optimizer labelled {label:?}; labels: {labels:?}")
            })
    }
    fn spec(&self, label: &str) -> &OptimizerSpec {
        &self.specs[self.index(label)]
    }
    fn traj(&self, label: &str) -> &Trajectory {
        &self.runs[self.index(label)]
    }
    /// Every optimizer took all its steps.
    fn assert_all_ok(&self) {
        for (spec, t) in self.specs.iter().zip(&self.runs) {
            assert_eq!(
                t.status,
                Status::Ok,
                "{} should not diverge or stall",
                spec.label
            );
            assert_eq!(
                t.points.len() as u64,
                self.scene.steps + 1,
                "{}",
                spec.label
            );
        }
    }
    /// Every point of `label` lies in the scene's view box.
    fn stays_in_view(&self, label: &str) -> bool {
        let view = self.scene.view_box();
        self.traj(label).points.iter().all(|p| view.contains(*p))
    }
}

fn v(x: f64, y: f64) -> Vec2 {
    Vec2::new(x, y)
}

fn end(t: &Trajectory) -> Vec2 {
    *t.points.last().expect("a trajectory has its start")
}

fn dist(a: Vec2, b: Vec2) -> f64 {
    (a - b).norm()
}

/// Length of update k (from point k to point k + 1).
fn step_len(t: &Trajectory, k: usize) -> f64 {
    dist(t.points[k + 1], t.points[k])
}

fn mean_step(t: &Trajectory, from: usize, to: usize) -> f64 {
    (from..to).map(|k| step_len(t, k)).sum::<f64>() / (to - from) as f64
}

fn path_len(t: &Trajectory) -> f64 {
    (0..t.points.len() - 1).map(|k| step_len(t, k)).sum()
}

/// First step at which the iterate is within `r` of `target`.
fn first_within(t: &Trajectory, target: Vec2, r: f64) -> Option<usize> {
    t.points.iter().position(|p| dist(*p, target) < r)
}

/// How many of the first `n` consecutive update pairs point more than 90° apart.
fn reversals(t: &Trajectory, n: usize) -> usize {
    (0..n)
        .filter(|&k| {
            let a = t.points[k + 1] - t.points[k];
            let b = t.points[k + 2] - t.points[k + 1];
            a.dot(&b) < 0.0
        })
        .count()
}

/// Unit vectors along (flat) and across (steep) the valley of `quadratic` at angle θ.
fn valley_axes(theta_deg: f64) -> (Vec2, Vec2) {
    let (s, c) = theta_deg.to_radians().sin_cos();
    (v(c, s), v(-s, c))
}

// Lesson 20, and the app's default scene.
#[test]
fn rosenbrock_race_most_reach_the_minimum() {
    assert_eq!(DEFAULT_SCENE, "rosenbrock-race");
    let l = lesson("rosenbrock-race");
    assert_eq!(l.scene.steps, 1000);
    assert_eq!(l.scene.start, v(-1.5, 2.0));
    assert_eq!(l.scene.surface.kind().key(), "rosenbrock");
    assert_eq!(l.scene.surface.param("a"), Some(1.0));
    assert_eq!(l.scene.surface.param("b"), Some(100.0));
    let kinds: Vec<&str> = l.specs.iter().map(|s| s.kind.key()).collect();
    assert_eq!(
        kinds,
        [
            "gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw",
            "nadam", "lion"
        ]
    );
    l.assert_all_ok();
    let goal = v(1.0, 1.0);
    for label in [
        "Momentum lr=0.0015 μ=0.9",
        "Nesterov lr=0.0009 μ=0.9",
        "Adam lr=0.1",
        "AdamW lr=0.1 wd=0.001",
        "NAdam lr=0.05 ψ=0.4",
        "Lion lr=0.02, cosine decay",
    ] {
        let d = dist(end(l.traj(label)), goal);
        assert!(d < 0.05, "{label} should reach (1, 1), ends {d:.3} away");
    }
    let reached = l.runs.iter().filter(|t| dist(end(t), goal) < 0.05).count();
    assert!(
        reached >= 6,
        "most should reach (1, 1); {reached} of 10 did"
    );
    // The laggards are still on their way, down in the valley.
    for label in [
        "GD lr=0.0015",
        "AdaGrad lr=0.8",
        "RMSprop lr=0.01",
        "Adadelta lr=1 ρ=0.9",
    ] {
        let t = l.traj(label);
        let d = dist(end(t), goal);
        assert!(
            d > 0.2,
            "{label} was expected to lag, but ends {d:.3} from (1, 1)"
        );
        assert!(t.losses.last().unwrap() < &(t.losses[0] / 10.0), "{label}");
        assert!(l.stays_in_view(label), "{label} leaves the view");
    }
}

#[test]
fn all_optimizers_showcase_none_diverges() {
    let l = lesson("all-optimizers");
    let mut kinds: Vec<&str> = l.specs.iter().map(|s| s.kind.key()).collect();
    kinds.sort_unstable();
    let mut all: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.key()).collect();
    all.sort_unstable();
    assert_eq!(kinds, all, "every optimizer kind exactly once");
    l.assert_all_ok();
    let east = v(3.584428, -1.848126);
    let north = v(3.0, 2.0);
    for (spec, t) in l.specs.iter().zip(&l.runs) {
        assert!(
            l.stays_in_view(&spec.label),
            "{} leaves the view",
            spec.label
        );
        let target = match spec.kind {
            OptimizerKind::Gd
            | OptimizerKind::Sgd
            | OptimizerKind::Momentum
            | OptimizerKind::Nesterov
            | OptimizerKind::Newton
            | OptimizerKind::Sam => east,
            _ => north,
        };
        let d = dist(end(t), target);
        assert!(
            d < 0.1,
            "{} should end at ({}, {}), ends {d:.3} away at {:?}",
            spec.label,
            target.x,
            target.y,
            end(t)
        );
    }
}

// Lesson 1.
#[test]
fn different_minima_from_one_start() {
    let l = lesson("different-minima");
    l.assert_all_ok();
    let upper_left = v(-0.575, 1.344);
    let right = v(1.152, 0.768);
    let global = v(-0.965, -0.965);
    let cases = [
        ("GD lr=0.3", upper_left),
        ("Momentum lr=0.1 μ=0.9", right),
        ("Adam lr=0.05", global),
        ("RMSprop lr=0.02", global),
    ];
    for (label, well) in cases {
        let d = dist(end(l.traj(label)), well);
        assert!(
            d < 0.05,
            "{label} should settle at {well:?}, ends {d:.3} away"
        );
        assert!(l.stays_in_view(label), "{label} leaves the view");
    }
    // Three different basins among four optimizers.
    let ends: Vec<Vec2> = l.runs.iter().map(end).collect();
    let mut basins: Vec<Vec2> = Vec::new();
    for e in ends {
        if basins.iter().all(|b| dist(*b, e) > 0.5) {
            basins.push(e);
        }
    }
    assert_eq!(basins.len(), 3, "ends: {basins:?}");
}

// Lesson 2.
#[test]
fn ravine_zigzag_gd_bounces_and_crawls() {
    let l = lesson("ravine-zigzag");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.param("kappa"), Some(50.0));
    assert_eq!(l.scene.surface.param("theta"), Some(30.0));
    let (along, across) = valley_axes(30.0);
    let gd = l.traj("GD lr=0.038 (near 2/λmax)");
    let lr = l.spec("GD lr=0.038 (near 2/λmax)").hyper.lr;
    assert!(lr < 2.0 / 50.0 && lr > 0.9 * 2.0 / 50.0, "lr near 2/λmax");
    // Zigzag: the across-valley coordinate changes sign on every one of the first 30 steps.
    let s: Vec<f64> = gd.points.iter().map(|p| p.dot(&across)).collect();
    let a: Vec<f64> = gd.points.iter().map(|p| p.dot(&along)).collect();
    assert!(s[0].abs() > 0.5, "the start is well off the valley floor");
    for k in 0..30 {
        assert!(
            s[k] * s[k + 1] < 0.0,
            "no bounce across the valley at step {k}"
        );
    }
    // Crawl: after 30 steps the bouncing has died down (< 5% left) but 25% of the way
    // along the valley is still ahead.
    assert!(s[30].abs() < 0.05 * s[0].abs(), "across {:.3}", s[30]);
    assert!(a[30].abs() > 0.25 * a[0].abs(), "along {:.3}", a[30]);
    assert!(first_within(gd, v(0.0, 0.0), 0.1).expect("reaches") > 60);
    // The smaller rate does not bounce but crawls even slower.
    let slow = l.traj("GD lr=0.02");
    assert!(dist(end(slow), v(0.0, 0.0)) > 5.0 * dist(end(gd), v(0.0, 0.0)));
    assert!(reversals(slow, 30) == 0, "lr 0.02 should not zigzag");
}

// Lesson 3.
#[test]
fn momentum_damps_the_zigzag_and_accelerates() {
    let l = lesson("momentum-ravine");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.param("kappa"), Some(50.0));
    let gd_label = "GD lr=0.038";
    let mom_label = "Momentum lr=0.038 μ=0.9";
    assert_eq!(l.spec(gd_label).hyper.lr, l.spec(mom_label).hyper.lr);
    assert_eq!(l.spec(mom_label).hyper.momentum, 0.9);
    let gd = l.traj(gd_label);
    let mom = l.traj(mom_label);
    let (gd_rev, mom_rev) = (reversals(gd, 30), reversals(mom, 30));
    assert!(
        gd_rev >= 20,
        "GD reverses direction {gd_rev} times in 30 steps"
    );
    assert!(
        mom_rev <= 2,
        "momentum reverses direction {mom_rev} times in 30 steps"
    );
    let origin = v(0.0, 0.0);
    let (gd_at, mom_at) = (
        first_within(gd, origin, 0.1).expect("GD arrives"),
        first_within(mom, origin, 0.1).expect("momentum arrives"),
    );
    assert!(
        mom_at <= 30 && gd_at >= 70,
        "within 0.1: momentum {mom_at}, GD {gd_at}"
    );
    for k in [10, 25, 50, 100] {
        assert!(
            mom.losses[k] < gd.losses[k] / 2.0,
            "step {k}: momentum {} vs GD {}",
            mom.losses[k],
            gd.losses[k]
        );
    }
}

// Lesson 4.
#[test]
fn nesterov_overshoots_less_than_momentum() {
    let l = lesson("nesterov-vs-momentum");
    l.assert_all_ok();
    let m_label = "Momentum lr=0.02 μ=0.9";
    let n_label = "Nesterov lr=0.02 μ=0.9";
    let (ms, ns) = (l.spec(m_label), l.spec(n_label));
    assert_eq!(
        (ms.hyper.lr, ms.hyper.momentum),
        (ns.hyper.lr, ns.hyper.momentum)
    );
    let (along, across) = valley_axes(30.0);
    let (m, n) = (l.traj(m_label), l.traj(n_label));
    // Overshoot past the minimum along the valley (the start is on the positive side).
    let overshoot = |t: &Trajectory| -t.points.iter().map(|p| p.dot(&along)).fold(0.0, f64::min);
    let (mo, no) = (overshoot(m), overshoot(n));
    assert!(
        no < 0.85 * mo,
        "overshoot along the valley: Nesterov {no:.3}, momentum {mo:.3}"
    );
    // Swinging across the valley after the first few steps.
    let swing = |t: &Trajectory| {
        t.points[5..]
            .iter()
            .map(|p| p.dot(&across).abs())
            .fold(0.0, f64::max)
    };
    let (ma, na) = (swing(m), swing(n));
    assert!(
        ma > 0.3 && na < 0.05,
        "across-valley swing: momentum {ma:.3}, Nesterov {na:.3}"
    );
    assert!(path_len(n) < 0.5 * path_len(m));
    assert!(n.losses[60] < 0.01 * m.losses[60]);
}

// Lesson 5.
#[test]
fn learning_rates_too_low_right_too_high() {
    let l = lesson("learning-rates");
    assert!(l.specs.iter().all(|s| s.kind == OptimizerKind::Gd));
    let origin = v(0.0, 0.0);
    let low = l.traj("GD lr=0.001 (too low)");
    let right = l.traj("GD lr=0.1 (just right)");
    let high = l.traj("GD lr=1 (too high)");
    let d0 = dist(l.scene.start, origin);
    assert_eq!(low.status, Status::Ok);
    assert!(
        dist(end(low), origin) > 0.75 * d0,
        "too low barely gets anywhere"
    );
    assert_eq!(right.status, Status::Ok);
    assert!(dist(end(right), origin) < 1e-6);
    match high.status {
        Status::Diverged { step } => assert!(step > 1 && step <= l.scene.steps, "step {step}"),
        other => panic!("lr = 1 should diverge, got {other}"),
    }
    assert!(
        !l.scene.view_box().contains(high.points[1]),
        "it leaves the view at once"
    );
    for k in 0..10 {
        assert!(
            high.losses[k + 1] > high.losses[k],
            "loss grows at step {k}"
        );
    }
}

// Lesson 6.
#[test]
fn conditioning_gd_diverges_once_kappa_exceeds_2_over_lr() {
    let mut l = lesson("conditioning");
    let spec = l.specs[0].clone();
    assert_eq!(spec.kind, OptimizerKind::Gd);
    let threshold = 2.0 / spec.hyper.lr;
    assert!((threshold - 40.0).abs() < 1e-9);
    assert!(l.scene.description.contains("2/lr = 40"));
    // As shipped (κ = 10) it converges.
    let t = &l.runs[0];
    assert_eq!(t.status, Status::Ok);
    assert!(t.losses.last().unwrap() < &1e-6);
    let run_at = |scene: &mut Scene, kappa: f64| {
        scene.surface = scene.surface.with_param("kappa", kappa);
        engine::run(&scene.problem(), std::slice::from_ref(&spec)).remove(0)
    };
    // Just below the threshold it still converges, bouncing across the valley.
    let below = run_at(&mut l.scene, 0.95 * threshold);
    assert_eq!(below.status, Status::Ok);
    assert!(below.losses.last().unwrap() < &(below.losses[0] * 1e-3));
    // Just above it every step overshoots further: the loss explodes.
    let above = run_at(&mut l.scene, 1.05 * threshold);
    assert!(above.losses.last().unwrap() > &(above.losses[0] * 1e6));
    // Dragged far up, it overflows: the app shows "diverged at step k".
    let far = run_at(&mut l.scene, 1000.0);
    assert!(
        matches!(far.status, Status::Diverged { .. }),
        "{}",
        far.status
    );
}

// Lesson 7.
#[test]
fn saddle_noise_escapes_where_gd_stalls() {
    let l = lesson("saddle-escape");
    l.assert_all_ok();
    assert_eq!(l.scene.start.y, 0.0, "the start is on the ridge line y = 0");
    let gd = end(l.traj("GD lr=0.1"));
    assert!(dist(gd, v(0.0, 0.0)) < 1e-3, "GD ends at {gd:?}");
    let sgd = end(l.traj("SGD lr=0.1 noise=0.1"));
    let d = dist(sgd, v(0.0, 1.0)).min(dist(sgd, v(0.0, -1.0)));
    assert!(d < 0.2, "SGD should end near (0, ±1), ends at {sgd:?}");
}

// Lesson 8.
#[test]
fn adagrad_slows_to_a_crawl() {
    let l = lesson("adagrad-decay");
    l.assert_all_ok();
    let origin = v(0.0, 0.0);
    let n = l.scene.steps as usize;
    let ada = l.traj("AdaGrad lr=0.1");
    let d = dist(end(ada), origin);
    assert!(
        d > 0.5,
        "AdaGrad should still be crawling, ends {d:.3} from the minimum"
    );
    // Its steps keep shrinking: the last tenth is less than half as fast as the second.
    let (second, last) = (mean_step(ada, n / 10, n / 5), mean_step(ada, n - n / 10, n));
    assert!(
        last < 0.5 * second,
        "AdaGrad step {second:.2e} → {last:.2e}"
    );
    for label in ["RMSprop lr=0.01 α=0.99", "Adadelta lr=1 ρ=0.9"] {
        let d = dist(end(l.traj(label)), origin);
        assert!(
            d < 0.05,
            "{label} should reach the minimum, ends {d:.3} away"
        );
    }
}

// Lesson 9.
#[test]
fn adadelta_epsilon_acts_like_a_learning_rate() {
    let l = lesson("adadelta-eps");
    l.assert_all_ok();
    let labels = ["Adadelta ε=1e-6", "Adadelta ε=1e-4", "Adadelta ε=1e-2"];
    let eps: Vec<f64> = labels.iter().map(|s| l.spec(s).hyper.eps).collect();
    assert_eq!(eps, [1e-6, 1e-4, 1e-2]);
    assert!(labels.iter().all(|s| l.spec(s).hyper.lr == 1.0));
    let start = l.scene.start;
    for k in [10, 20] {
        let moved: Vec<f64> = labels
            .iter()
            .map(|s| dist(l.traj(s).points[k], start))
            .collect();
        assert!(
            moved[1] > 2.5 * moved[0] && moved[2] > 2.5 * moved[1],
            "after {k} steps: {moved:?}"
        );
    }
    let origin = v(0.0, 0.0);
    assert!(
        dist(end(l.traj(labels[0])), origin) > 1.0,
        "ε = 1e-6 still creeping"
    );
    assert!(dist(end(l.traj(labels[1])), origin) < 0.05);
    assert!(dist(end(l.traj(labels[2])), origin) < 0.05);
}

// Lesson 10.
#[test]
fn adam_bias_correction_matters_early() {
    let l = lesson("adam-bias-correction");
    l.assert_all_ok();
    let on = "Adam lr=0.3";
    let off = "Adam lr=0.3, no bias correction";
    assert!(l.spec(on).hyper.bias_correction && !l.spec(off).hyper.bias_correction);
    assert_eq!(l.spec(on).hyper.lr, l.spec(off).hyper.lr);
    let (a, b) = (l.traj(on), l.traj(off));
    // Step 1: m/√v is (1 − β₁)/√(1 − β₂) ≈ 3.16 times the corrected value.
    let ratio = step_len(b, 0) / step_len(a, 0);
    assert!((3.1..3.25).contains(&ratio), "step-1 ratio {ratio:.3}");
    let start_loss = a.losses[0];
    let peak = |t: &Trajectory| t.losses[1..=30].iter().cloned().fold(f64::MIN, f64::max);
    assert!(
        peak(b) > 2.0 * start_loss,
        "uncorrected overshoots: peak {}",
        peak(b)
    );
    assert!(
        peak(a) < start_loss,
        "corrected never climbs above the start: {}",
        peak(a)
    );
    assert!(a.losses[10] < 0.1 * b.losses[10]);
    assert!(a.losses.last().unwrap() < &1e-3 && b.losses.last().unwrap() < &1e-3);
}

// Lesson 11.
#[test]
fn adam_defaults_are_not_universal() {
    let l = lesson("adam-defaults");
    l.assert_all_ok();
    let slow = l.traj("Adam lr=0.001 (default)");
    let fast = l.traj("Adam lr=0.05");
    assert_eq!(l.spec("Adam lr=0.001 (default)").hyper.lr, 0.001);
    assert_eq!(l.scene.surface.kind().key(), "rosenbrock");
    let moved = dist(end(slow), l.scene.start);
    assert!(moved < 0.2, "lr 0.001 moved {moved:.3}");
    assert!(slow.losses.last().unwrap() > &5.0);
    assert!(dist(end(fast), v(1.0, 1.0)) < 0.02);
    assert!(fast.losses.last().unwrap() < &1e-3);
}

// Lesson 12.
#[test]
fn adam_is_not_rotation_invariant_but_gd_is() {
    let l = lesson("rotation-invariance");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.param("kappa"), Some(100.0));
    assert_eq!(l.scene.surface.param("theta"), Some(0.0));
    let adam = l.traj("Adam lr=0.05");
    let rotated = "Adam lr=0.05, basis rotated 45°";
    assert_eq!(l.spec(rotated).basis_rotation, 45.0);
    let adam_rot = l.traj(rotated);
    for k in [100, 200] {
        assert!(
            adam.losses[k] * 100.0 < adam_rot.losses[k],
            "step {k}: aligned {} vs rotated {}",
            adam.losses[k],
            adam_rot.losses[k]
        );
    }
    assert!(adam.losses.last().unwrap() < &1e-6);
    assert!(adam_rot.losses.last().unwrap() > &0.1);
    let gd = l.traj("GD lr=0.015");
    let gd_rot = l.traj("GD lr=0.015, basis rotated 45°");
    assert_eq!(
        l.spec("GD lr=0.015, basis rotated 45°").basis_rotation,
        45.0
    );
    for (p, q) in gd.points.iter().zip(&gd_rot.points) {
        assert!(dist(*p, *q) < 1e-9, "GD paths differ: {p:?} vs {q:?}");
    }
}

// Lesson 13, first half.
#[test]
fn newton_solves_a_quadratic_in_one_step() {
    let l = lesson("newton-quadratic");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.kind().key(), "quadratic");
    let newton = l.traj("Newton lr=1");
    assert!(dist(newton.points[1], v(0.0, 0.0)) < 1e-9);
    assert!(dist(end(newton), v(0.0, 0.0)) < 1e-9);
    let gd = l.traj("GD lr=0.038");
    assert!(dist(gd.points[1], v(0.0, 0.0)) > 1.0);
    assert!(dist(end(gd), v(0.0, 0.0)) > 0.01);
}

// Lesson 13, second half.
#[test]
fn newton_is_drawn_to_the_saddle() {
    let l = lesson("newton-saddle");
    l.assert_all_ok();
    assert_ne!(l.scene.start.y, 0.0, "GD needs a start off the ridge");
    let newton = end(l.traj("Newton lr=1"));
    assert!(
        dist(newton, v(0.0, 0.0)) < 1e-6,
        "Newton ends at {newton:?}"
    );
    let gd = end(l.traj("GD lr=0.1"));
    assert!(dist(gd, v(0.0, 1.0)) < 1e-3, "GD ends at {gd:?}");
}

// Lesson 14.
#[test]
fn plateau_stalls_gd_but_not_momentum_or_adam() {
    let l = lesson("plateau");
    l.assert_all_ok();
    assert_eq!(l.scene.start, v(2.2, 1.5));
    let gd = l.traj("GD lr=0.1");
    let moved = dist(end(gd), l.scene.start);
    assert!(moved < 0.2, "GD moved {moved:.3}");
    for label in ["Momentum lr=0.1 μ=0.9", "Adam lr=0.05"] {
        let d = dist(end(l.traj(label)), v(0.0, 0.0));
        assert!(d < 0.01, "{label} ends {d:.3} from the bottom");
        assert!(l.stays_in_view(label));
    }
}

// Lesson 15.
#[test]
fn cliff_throws_gd_but_clipping_walks_down() {
    let l = lesson("cliff-clipping");
    l.assert_all_ok();
    assert_eq!(l.scene.start, v(2.0, 1.0));
    let wild = l.traj("GD lr=0.88");
    let far = wild.points.iter().map(|p| p.norm()).fold(0.0, f64::max);
    assert!(
        far > 20.0,
        "GD should be thrown far away, got at most {far:.1}"
    );
    assert!(!l.stays_in_view("GD lr=0.88"));
    let label = "GD lr=0.88, clip_norm=1";
    let clipped = l.traj(label);
    assert_eq!(l.spec(label).clip_norm, Some(1.0));
    assert!(l.stays_in_view(label));
    let biggest = (0..clipped.points.len() - 1)
        .map(|k| step_len(clipped, k))
        .fold(0.0, f64::max);
    assert!(
        biggest <= 0.88 + 1e-9,
        "a clipped step is at most lr: {biggest}"
    );
    assert!(dist(end(clipped), v(0.0, 0.0)) < 0.01);
    assert!(
        first_within(clipped, v(0.0, 0.0), 0.1).unwrap()
            < first_within(wild, v(0.0, 0.0), 0.1).unwrap()
    );
}

// Lesson 16.
#[test]
fn sgd_decay_settles_where_constant_lr_jitters() {
    let l = lesson("sgd-decay");
    l.assert_all_ok();
    let constant = "SGD lr=0.3 constant";
    let decayed = "SGD lr=0.3→0.01 linear decay";
    assert!(l.spec(constant).schedule.is_none() && l.spec(decayed).schedule.is_some());
    assert_eq!(l.spec(constant).hyper.noise, l.spec(decayed).hyper.noise);
    let n = l.scene.steps as usize;
    let tail = |t: &Trajectory| {
        let pts = &t.points[n - n / 5..];
        pts.iter().map(|p| p.norm()).sum::<f64>() / pts.len() as f64
    };
    let (c, d) = (tail(l.traj(constant)), tail(l.traj(decayed)));
    assert!(
        c > 3.0 * d,
        "mean distance over the last 20%: constant {c:.3}, decayed {d:.3}"
    );
    assert!(d < 0.1 && c > 0.15, "constant {c:.3}, decayed {d:.3}");
}

// Lesson 17 (see the scene's description: with ρ = 0.3 larger than the sharp well's width,
// SAM stalls on the rim rather than reaching the wide minimum).
#[test]
fn sam_stays_out_of_the_sharp_minimum() {
    let l = lesson("sam-wide-minimum");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.kind().key(), "sharp_flat");
    let sharp = v(-1.0, 0.0);
    let gd = end(l.traj("GD lr=0.04"));
    assert!(
        dist(gd, sharp) < 0.01,
        "GD should fall into the sharp minimum, ends at {gd:?}"
    );
    let sam_label = "SAM lr=0.04 ρ=0.3";
    assert_eq!(l.spec(sam_label).hyper.radius, 0.3);
    assert_eq!(l.spec(sam_label).hyper.lr, l.spec("GD lr=0.04").hyper.lr);
    let sam = l.traj(sam_label);
    let closest = sam
        .points
        .iter()
        .map(|p| dist(*p, sharp))
        .fold(f64::MAX, f64::min);
    assert!(
        closest > 0.15,
        "SAM comes within {closest:.3} of the sharp minimum"
    );
    let d = dist(end(sam), sharp);
    assert!(
        (0.25..0.6).contains(&d),
        "SAM should stall on the rim, ends {d:.3} away"
    );
}

// Lesson 18.
#[test]
fn adamw_and_adam_with_l2_end_apart() {
    let l = lesson("adamw-vs-adam");
    l.assert_all_ok();
    let adam = "Adam lr=0.05, L2 weight_decay=1";
    let adamw = "AdamW lr=0.05, weight_decay=1";
    assert_eq!(l.spec(adam).kind, OptimizerKind::Adam);
    assert_eq!(l.spec(adamw).kind, OptimizerKind::Adamw);
    assert_eq!(
        l.spec(adam).hyper.weight_decay,
        l.spec(adamw).hyper.weight_decay
    );
    assert_eq!(l.spec(adam).hyper.lr, l.spec(adamw).hyper.lr);
    let (a, w) = (end(l.traj(adam)), end(l.traj(adamw)));
    assert!(dist(a, v(3.0, 2.0)) < 0.1, "Adam + L2 ends at {a:?}");
    assert!(dist(w, v(1.0, 1.0)) < 0.05, "AdamW ends at {w:?}");
    assert!(dist(a, w) > 1.5);
}

// Lesson 19.
#[test]
fn amsgrad_step_does_not_grow_back() {
    let l = lesson("amsgrad");
    l.assert_all_ok();
    let adam = l.traj("Adam lr=0.05 β₂=0.99");
    let ams = l.traj("AMSGrad lr=0.05 β₂=0.99");
    // Both cross the cliff early and their steps collapse.
    for t in [adam, ams] {
        assert!(t.points[60].x < 0.5, "crossed the wall");
        assert!(step_len(t, 150) < 0.01 * step_len(t, 10));
    }
    // Adam's step then grows back as v forgets the wall...
    let adam_low = (100..300)
        .map(|k| step_len(adam, k))
        .fold(f64::MAX, f64::min);
    let adam_high = (300..700).map(|k| step_len(adam, k)).fold(0.0, f64::max);
    assert!(
        adam_high > 2.5 * adam_low,
        "Adam step {adam_low:.2e} → {adam_high:.2e}"
    );
    // ...AMSGrad's never does.
    let ams_ref = step_len(ams, 150);
    let ams_later = (150..800).map(|k| step_len(ams, k)).fold(0.0, f64::max);
    assert!(
        ams_later <= 1.05 * ams_ref,
        "AMSGrad step grew: {ams_ref:.2e} → {ams_later:.2e}"
    );
    assert!(dist(end(adam), v(0.0, 0.0)) < 0.02);
    assert!(dist(end(ams), v(0.0, 0.0)) > 0.25);
}

#[test]
fn every_builtin_has_a_name_and_a_one_line_claim() {
    assert_eq!(BUILTINS.len(), 22);
    let mut lessons = HashSet::new();
    for b in BUILTINS {
        let s = scene::builtin(b.name).unwrap_or_else(|e| panic!("{}: {e}", b.name));
        assert!(!s.name.trim().is_empty(), "{} has no name", b.name);
        assert_ne!(
            s.name, b.name,
            "{} needs a title, not its file name",
            b.name
        );
        let d = s.description.trim();
        assert!(!d.is_empty(), "{} has no description", b.name);
        assert!(!d.contains('\n'), "{}: the description is one line", b.name);
        assert_eq!(s.seed, 0, "{}", b.name);
        assert!(
            (1..=2000).contains(&s.steps),
            "{}: {} steps",
            b.name,
            s.steps
        );
        assert!(!s.optimizers.is_empty(), "{}", b.name);
        let mut labels = HashSet::new();
        for o in &s.optimizers {
            assert!(o.enabled, "{}: {}", b.name, o.spec.label);
            assert_ne!(
                o.spec.label,
                o.spec.kind.display_name(),
                "{}: give the optimizer a label that says what differs",
                b.name
            );
            assert!(
                labels.insert(o.spec.label.clone()),
                "{}: duplicate label",
                b.name
            );
        }
        if let Some(n) = b.lesson {
            lessons.insert(n);
        }
    }
    assert_eq!(
        lessons,
        (1..=20).collect::<HashSet<u8>>(),
        "every lesson has a scene"
    );
}
