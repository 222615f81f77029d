//! Every built-in lesson scene shows what its description claims: each test runs the scene
//! exactly as shipped and checks the claim on the computed trajectories, with numbers.

use losscape::engine::{self, OptimizerKind, OptimizerSpec, Status, Trajectory, Vec2};
use losscape::figure::palette;
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
    computed(scene)
}

/// `scene` with its trajectories, e.g. a shipped lesson changed to check that its test would
/// notice.
fn computed(scene: Scene) -> Lesson {
    let specs = scene.specs();
    let runs = engine::run(&scene.problem(), &specs);
    assert_eq!(runs.len(), specs.len());
    Lesson { scene, specs, runs }
}

/// The shipped scene `name`, changed by `edit` and run again.
fn altered(name: &str, edit: impl FnOnce(&mut Scene)) -> Lesson {
    let mut scene = scene::builtin(name).unwrap_or_else(|e| panic!("built-in scene {name}: {e}"));
    edit(&mut scene);
    computed(scene)
}

/// The optimizer of `scene` labelled `label`, to change it.
fn optimizer<'a>(scene: &'a mut Scene, label: &str) -> &'a mut OptimizerSpec {
    scene
        .optimizers
        .iter_mut()
        .map(|o| &mut o.spec)
        .find(|s| s.label == label)
        .unwrap_or_else(|| panic!("no optimizer labelled {label:?}"))
}

/// A claim holds (`Ok`) or says, with numbers, why not.
type Claim = Result<(), String>;

/// The shipped lesson `name` makes its claim, and the same scene changed by `edit` into one
/// that does not show it fails the check (`why` says what the change breaks), so the check
/// would notice a scene that stopped showing the claim. Returns the lesson and that failure.
fn strict_claim(
    name: &str,
    claim: fn(&Lesson) -> Claim,
    edit: impl FnOnce(&mut Scene),
    why: &str,
) -> (Lesson, String) {
    let l = lesson(name);
    l.assert_all_ok();
    claim(&l).unwrap_or_else(|e| panic!("{name}: {e}"));
    let err = claim(&altered(name, edit)).expect_err(why);
    (l, err)
}

/// Fails the claim with a message unless `cond`.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+));
        }
    };
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
/// Same lr; GD bounces on every step; momentum's swings across the valley are smaller than
/// GD's from step 5 on (amplitude, not only fewer reversals) and it gets there in half the
/// steps.
fn momentum_claim(l: &Lesson) -> Claim {
    let gd_label = "GD lr=0.038";
    let mom_label = "Momentum lr=0.038 μ=0.5";
    ensure!(
        l.spec(gd_label).hyper.lr == l.spec(mom_label).hyper.lr,
        "the two runs need one learning rate"
    );
    let theta = l.scene.surface.param("theta").unwrap_or(0.0);
    let (along, across) = valley_axes(theta);
    let (gd, mom) = (l.traj(gd_label), l.traj(mom_label));
    let swing = |t: &Trajectory, from: usize, to: usize| {
        t.points[from..to]
            .iter()
            .map(|p| p.dot(&across).abs())
            .fold(0.0, f64::max)
    };
    let gd_rev = reversals(gd, 30);
    ensure!(
        gd_rev == 30,
        "GD should zigzag on every step, reversed {gd_rev} of 30"
    );
    let start_swing = l.scene.start.dot(&across).abs();
    ensure!(
        start_swing > 0.3,
        "the start is only {start_swing:.2} off the valley floor"
    );
    for (from, to, factor) in [(5, 10, 2.5), (10, 20, 5.0)] {
        let (g, m) = (swing(gd, from, to), swing(mom, from, to));
        ensure!(
            m * factor < g,
            "steps {from}–{to}: momentum swings {m:.3} across the valley, GD {g:.3} \
             (momentum should be {factor}× smaller)"
        );
    }
    let origin = v(0.0, 0.0);
    let (gd_at, mom_at) = (
        first_within(gd, origin, 0.1).ok_or("GD never arrives")?,
        first_within(mom, origin, 0.1).ok_or("momentum never arrives")?,
    );
    ensure!(
        2 * mom_at < gd_at,
        "within 0.1 of the minimum: momentum at step {mom_at}, GD at {gd_at}"
    );
    let (g, m) = (
        gd.points[30].dot(&along).abs(),
        mom.points[30].dot(&along).abs(),
    );
    ensure!(
        m * 3.0 < g,
        "still to go along the valley at step 30: momentum {m:.3}, GD {g:.3}"
    );
    Ok(())
}

#[test]
fn momentum_damps_the_zigzag_and_accelerates() {
    // With μ = 0.9 momentum swings wider than GD (its swings decay as √μ per step).
    let (l, err) = strict_claim(
        "momentum-ravine",
        momentum_claim,
        |s| optimizer(s, "Momentum lr=0.038 μ=0.5").hyper.momentum = 0.9,
        "μ = 0.9 does not damp the zigzag",
    );
    assert!(err.contains("swings"), "{err}");
    assert_eq!(l.scene.surface.param("kappa"), Some(50.0));
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
    // Overshoot past the minimum along the valley, to the side opposite the start.
    let side = -l.scene.start.dot(&along).signum();
    let overshoot = |t: &Trajectory| {
        t.points
            .iter()
            .map(|p| side * p.dot(&along))
            .fold(0.0, f64::max)
    };
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
/// Too low crawls, just right converges, too high overshoots further on every bounce and
/// leaves the plot after a few bounces a class can follow.
fn learning_rate_claim(l: &Lesson) -> Claim {
    ensure!(
        l.specs.iter().all(|s| s.kind == OptimizerKind::Gd),
        "the lesson compares one GD at three rates"
    );
    let origin = v(0.0, 0.0);
    let (low, right, high_label) = (
        l.traj("GD lr=0.001 (too low)"),
        l.traj("GD lr=0.1 (just right)"),
        "GD lr=0.25 (too high)",
    );
    let high = l.traj(high_label);
    let d0 = dist(l.scene.start, origin);
    ensure!(
        dist(end(low), origin) > 0.75 * d0,
        "too low should barely get anywhere, ends {:.3} of {d0:.3} away",
        dist(end(low), origin)
    );
    ensure!(dist(end(right), origin) < 1e-6, "just right converges");
    let kappa = l.scene.surface.param("kappa").ok_or("a quadratic")?;
    let (lr, limit) = (l.spec(high_label).hyper.lr, 2.0 / kappa);
    ensure!(
        lr > limit && lr < 1.5 * limit,
        "too high should be a little above 2/λmax = {limit}: lr {lr}"
    );
    let theta = l.scene.surface.param("theta").unwrap_or(0.0);
    let (_, across) = valley_axes(theta);
    let s: Vec<f64> = high.points.iter().map(|p| p.dot(&across)).collect();
    for k in 0..20 {
        ensure!(
            high.losses[k + 1] > high.losses[k],
            "too high: the loss should grow at step {k}"
        );
        let growth = -s[k + 1] / s[k];
        ensure!(
            (1.2..2.0).contains(&growth),
            "too high: bounce {k} should overshoot the floor by a little more each time, \
             ×{growth:.2}"
        );
    }
    let view = l.scene.view_box();
    let shown = high
        .points
        .iter()
        .take_while(|p| view.contains(**p))
        .count();
    ensure!(
        (4..=10).contains(&shown),
        "too high should bounce a few times in view and then leave it: {shown} points in view"
    );
    Ok(())
}

#[test]
fn learning_rates_too_low_right_too_high() {
    // lr = 1 leaves the view in one step: no bounce to watch.
    strict_claim(
        "learning-rates",
        learning_rate_claim,
        |s| optimizer(s, "GD lr=0.25 (too high)").hyper.lr = 1.0,
        "lr = 1 is not a little above 2/λmax",
    );
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
    // Whatever the noise draws: every seed escapes.
    for seed in 0..20 {
        let l = altered("saddle-escape", |s| s.seed = seed);
        let sgd = end(l.traj("SGD lr=0.1 noise=0.1"));
        let d = dist(sgd, v(0.0, 1.0)).min(dist(sgd, v(0.0, -1.0)));
        assert!(
            d < 0.1,
            "seed {seed}: SGD should end near (0, ±1), ends at {sgd:?}"
        );
    }
}

// Lesson 8.
/// AdaGrad's steps shrink tenth after tenth and it ends far short; RMSprop and Adadelta reach
/// the minimum.
fn adagrad_claim(l: &Lesson) -> Claim {
    let origin = v(0.0, 0.0);
    let n = l.scene.steps as usize;
    let ada = l.traj("AdaGrad lr=0.1");
    let d = dist(end(ada), origin);
    ensure!(
        d > 0.4,
        "AdaGrad should still be crawling, ends {d:.3} from the minimum"
    );
    // Past the steep start its mean step shrinks in every tenth of the run, to less than half.
    let tenth = n / 10;
    let means: Vec<f64> = (1..10)
        .map(|i| mean_step(ada, i * tenth, (i + 1) * tenth))
        .collect();
    ensure!(
        means.windows(2).all(|w| w[1] < w[0]),
        "AdaGrad's mean step per tenth should keep shrinking: {means:?}"
    );
    ensure!(
        means[8] < 0.5 * means[0],
        "AdaGrad's step {:.2e} → {:.2e}",
        means[0],
        means[8]
    );
    for label in ["RMSprop lr=0.01 α=0.99", "Adadelta lr=1 ρ=0.9"] {
        let t = l.traj(label);
        let d = dist(end(t), origin);
        ensure!(
            d < 0.05,
            "{label} should reach the minimum, ends {d:.3} away"
        );
        let (theirs, ada_loss) = (*t.losses.last().unwrap(), *ada.losses.last().unwrap());
        ensure!(
            theirs * 50.0 < ada_loss,
            "the loss panel: {label} ends at {theirs:.2e}, AdaGrad at {ada_loss:.2e}"
        );
    }
    Ok(())
}

#[test]
fn adagrad_slows_to_a_crawl() {
    // At a larger rate AdaGrad gets there too: no crawl to see.
    strict_claim(
        "adagrad-decay",
        adagrad_claim,
        |s| optimizer(s, "AdaGrad lr=0.1").hyper.lr = 0.5,
        "AdaGrad at lr 0.5 reaches the minimum",
    );
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
/// The axis-aligned Adam runs in; the same Adam in a rotated basis crawls; and the aligned one
/// does not care how the axes are scaled.
fn rotation_claim(l: &Lesson) -> Claim {
    let (aligned, rotated) = ("Adam lr=0.05", "Adam lr=0.05, basis rotated 45°");
    ensure!(
        l.specs.iter().all(|s| s.kind == OptimizerKind::Adam) && l.specs.len() == 2,
        "only the two Adam runs, nothing on top of them"
    );
    ensure!(
        l.spec(aligned).hyper.lr == l.spec(rotated).hyper.lr,
        "one learning rate"
    );
    let origin = v(0.0, 0.0);
    let (a, r) = (l.traj(aligned), l.traj(rotated));
    let (da, dr) = (dist(a.points[60], origin), dist(r.points[60], origin));
    ensure!(
        da < 0.15 && dr > 1.0,
        "from the minimum at step 60: aligned {da:.3}, rotated {dr:.3}"
    );
    let (da, dr) = (dist(end(a), origin), dist(end(r), origin));
    ensure!(
        da < 1e-3 && dr > 0.5,
        "from the minimum at the end: aligned {da:.3}, rotated {dr:.3}"
    );
    Ok(())
}

#[test]
fn adam_is_not_rotation_invariant() {
    // Unrotated, the second run is the first: nothing to compare.
    let (l, _) = strict_claim(
        "rotation-invariance",
        rotation_claim,
        |s| optimizer(s, "Adam lr=0.05, basis rotated 45°").basis_rotation = 0.0,
        "the same Adam twice",
    );
    assert_eq!(l.scene.surface.param("kappa"), Some(100.0));
    assert_eq!(l.scene.surface.param("theta"), Some(0.0));
    assert_eq!(l.scene.start, v(-1.5, 1.5));
    assert_eq!(
        l.spec("Adam lr=0.05, basis rotated 45°").basis_rotation,
        45.0
    );
    // Invariant to axis scaling: on a round bowl (κ = 1) the aligned Adam takes the same path.
    let round = altered("rotation-invariance", |s| {
        s.surface = s.surface.with_param("kappa", 1.0);
    });
    for (p, q) in l
        .traj("Adam lr=0.05")
        .points
        .iter()
        .zip(&round.traj("Adam lr=0.05").points)
    {
        assert!(dist(*p, *q) < 1e-6, "κ = 100 vs κ = 1: {p:?} vs {q:?}");
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
    assert_eq!(l.scene.start, v(2.0, -1.0));
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
/// Over the last fifth, for the scene's seed: the constant run still jumps about in a wide
/// cloud; the decayed one has come to rest closer to the minimum. Returns the two RMS
/// distances from the minimum.
fn sgd_decay_claim(l: &Lesson) -> Result<(f64, f64), String> {
    let (constant, decayed) = ("SGD lr=0.3 constant", "SGD lr=0.3 to 0.003, linear decay");
    ensure!(
        l.spec(constant).hyper.noise == l.spec(decayed).hyper.noise
            && l.spec(constant).hyper.lr == l.spec(decayed).hyper.lr,
        "the two runs differ only in the schedule"
    );
    let n = l.scene.steps as usize;
    let from = n - n / 5;
    let rms = |t: &Trajectory| {
        let pts = &t.points[from..];
        (pts.iter().map(|p| p.norm_squared()).sum::<f64>() / pts.len() as f64).sqrt()
    };
    let (c, d) = (l.traj(constant), l.traj(decayed));
    let (jc, jd) = (mean_step(c, from, n), mean_step(d, from, n));
    ensure!(
        jc > 20.0 * jd,
        "seed {}: mean step over the last fifth, constant {jc:.3e}, decayed {jd:.3e}",
        l.scene.seed
    );
    let (rc, rd) = (rms(c), rms(d));
    ensure!(
        rc > 0.15 && rd < rc,
        "seed {}: RMS distance from the minimum over the last fifth, constant {rc:.3}, \
         decayed {rd:.3}",
        l.scene.seed
    );
    Ok((rc, rd))
}

#[test]
fn sgd_decay_settles_where_constant_lr_jitters() {
    let l = lesson("sgd-decay");
    l.assert_all_ok();
    let (mut rc, mut rd) = (0.0, 0.0);
    for seed in 0..20 {
        let l = altered("sgd-decay", |s| s.seed = seed);
        let (c, d) = sgd_decay_claim(&l).unwrap();
        rc += c;
        rd += d;
    }
    assert!(
        rc > 3.0 * rd,
        "RMS distance from the minimum averaged over 20 seeds: constant {:.3}, decayed {:.3}",
        rc / 20.0,
        rd / 20.0
    );
    // Without the schedule both jitter alike.
    let flat = altered("sgd-decay", |s| {
        optimizer(s, "SGD lr=0.3 to 0.003, linear decay").schedule = None;
    });
    sgd_decay_claim(&flat).expect_err("no decay, no settling");
}

// Lesson 17, first half.
/// GD settles in the sharp end; SAM with the scene's large radius bounces across the ravine
/// and ends in the wide end; SAM with a small radius stays sharp.
fn sam_claim(l: &Lesson, sam_label: &str) -> Claim {
    let (sharp, wide) = (v(-1.5, 0.0), v(1.5, 0.0));
    let gd = end(l.traj("GD lr=0.05"));
    ensure!(
        dist(gd, sharp) < 0.01,
        "GD should settle in the sharp end, ends at {gd:?}"
    );
    let sam = l.traj(sam_label);
    let e = end(sam);
    ensure!(
        dist(e, wide) < 0.05,
        "{sam_label} should end in the wide end, ends at {e:?}"
    );
    // Bouncing across the ravine: y changes sign on each of the first 20 steps.
    for k in 1..=20 {
        let (a, b) = (sam.points[k].y, sam.points[k + 1].y);
        ensure!(
            a * b < 0.0,
            "{sam_label} should bounce across the ravine: y {a:.3} → {b:.3} at step {k}"
        );
    }
    // The curvature across where each ends: GD's is sharp, SAM's wide.
    let across = |p: Vec2| l.scene.surface.hessian(p)[(1, 1)];
    let (cg, cs) = (across(gd), across(e));
    ensure!(
        cg > 10.0 * cs,
        "curvature across the valley: GD's end {cg:.2}, {sam_label}'s {cs:.2}"
    );
    Ok(())
}

#[test]
fn sam_prefers_the_wide_minimum() {
    let l = lesson("sam-wide-minimum");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.kind().key(), "narrowing_valley");
    assert_eq!(l.scene.start, v(-2.2, 1.6));
    let big = "SAM lr=0.05 ρ=0.3";
    assert_eq!(l.spec(big).hyper.radius, 0.3);
    assert_eq!(l.spec(big).hyper.lr, l.spec("GD lr=0.05").hyper.lr);
    sam_claim(&l, big).unwrap();
    // The bounces are wide enough to see: ±0.2 or more for 40 steps.
    let swing = l.traj(big).points[1..=40]
        .iter()
        .map(|p| p.y.abs())
        .fold(f64::MAX, f64::min);
    assert!(
        swing > 0.2,
        "SAM's smallest swing across the ravine: {swing:.3}"
    );
    let small = "SAM lr=0.05 ρ=0.05";
    assert_eq!(l.spec(small).hyper.radius, 0.05);
    let e = end(l.traj(small));
    assert!(
        dist(e, v(-1.5, 0.0)) < 0.1,
        "SAM with ρ 0.05 stays in the sharp end, ends at {e:?}"
    );
    sam_claim(&l, small).expect_err("ρ = 0.05 does not find the wide end");
    // Not a lucky start or setting: other starts on the left and other lr and ρ (the slower
    // ones take up to 600 steps to drift all the way).
    for start in [v(-2.6, 1.2), v(-2.2, -1.6), v(-1.8, 1.0), v(-2.8, -0.6)] {
        for (lr, rho) in [
            (0.05, 0.3),
            (0.04, 0.25),
            (0.06, 0.35),
            (0.05, 0.2),
            (0.05, 0.4),
        ] {
            let l = altered("sam-wide-minimum", |s| {
                s.start = start;
                s.steps = 600;
                optimizer(s, "GD lr=0.05").hyper.lr = lr;
                let sam = optimizer(s, big);
                sam.hyper.lr = lr;
                sam.hyper.radius = rho;
            });
            sam_claim(&l, big).unwrap_or_else(|e| panic!("start {start:?}, lr {lr}, ρ {rho}: {e}"));
        }
    }
}

// Lesson 17, second half.
#[test]
fn sam_stalls_at_a_saddle_like_point() {
    let l = lesson("sam-saddle");
    l.assert_all_ok();
    assert_eq!(l.scene.surface.kind().key(), "sharp_flat");
    let (sharp, wide) = (v(-1.0, 0.0), v(1.5, 0.0));
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
    // For its last 100 steps it stays on the rim near (−0.6, 0), bouncing on the spot, far
    // from the wide minimum…
    let n = sam.points.len() - 1;
    let rim = v(-0.6, 0.0);
    for (k, p) in sam.points.iter().enumerate().skip(n - 100) {
        assert!(dist(*p, rim) < 0.15, "SAM at step {k} is at {p:?}");
    }
    let e = end(sam);
    assert!(dist(e, wide) > 1.5, "SAM ends at {e:?}");
    // …where the loss still slopes down: not a minimum, a point where SAM's gradient vanishes.
    let slope = l.scene.surface.grad(rim).norm();
    assert!(slope > 0.1, "the loss's slope where SAM stops: {slope:.3}");
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
/// Past the wall Adam keeps stepping and reaches the minimum; AMSGrad's step shrinks a
/// hundredfold, never grows back, and it freezes short of the minimum.
fn amsgrad_claim(l: &Lesson) -> Claim {
    let (adam_label, ams_label) = ("Adam lr=0.05 β=(0.9, 0.9)", "AMSGrad lr=0.05 β=(0.9, 0.9)");
    let (sa, sm) = (l.spec(adam_label), l.spec(ams_label));
    ensure!(
        (sa.hyper.lr, sa.hyper.beta1, sa.hyper.beta2)
            == (sm.hyper.lr, sm.hyper.beta1, sm.hyper.beta2),
        "the two runs differ only in the max"
    );
    let (adam, ams) = (l.traj(adam_label), l.traj(ams_label));
    let n = adam.points.len() - 1;
    // Both are past the wall (x < 1) by step 30.
    for t in [adam, ams] {
        ensure!(t.points[30].x < 0.9, "not past the wall at step 30");
    }
    let (a, m) = (mean_step(adam, 100, 150), mean_step(ams, 100, 150));
    ensure!(
        a > 30.0 * m,
        "mean step over steps 100–150: Adam {a:.2e}, AMSGrad {m:.2e}"
    );
    // AMSGrad's step never grows back.
    let reference = step_len(ams, 100);
    let later = (100..n).map(|k| step_len(ams, k)).fold(0.0, f64::max);
    ensure!(
        later <= 1.05 * reference,
        "AMSGrad's step grew: {reference:.2e} → {later:.2e}"
    );
    let origin = v(0.0, 0.0);
    let at = first_within(adam, origin, 0.06).ok_or("Adam never reaches (0, 0)")?;
    ensure!(at <= 150, "Adam reaches (0, 0) only at step {at}");
    let e = end(ams);
    ensure!(
        (0.45..0.65).contains(&e.x) && e.y.abs() < 0.05,
        "AMSGrad should freeze near x = 0.55, ends at {e:?}"
    );
    Ok(())
}

#[test]
fn amsgrad_step_does_not_grow_back() {
    // With β₂ = 0.999 Adam's v forgets the wall too slowly to show it within the run.
    strict_claim(
        "amsgrad",
        amsgrad_claim,
        |s| {
            for o in &mut s.optimizers {
                o.spec.hyper.beta2 = 0.999;
            }
        },
        "β₂ = 0.999",
    );
}

#[test]
fn every_builtin_has_a_name_and_a_one_line_claim() {
    assert_eq!(BUILTINS.len(), 38);
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
        // 21–27 are the data lessons (data surfaces), not built-in scenes yet
        (1..=32).collect::<HashSet<u8>>(),
        "every lesson has a scene"
    );
}

#[test]
fn the_lessons_menu_numbers_every_scene_once() {
    let numbers: Vec<String> = BUILTINS
        .iter()
        .map(|b| {
            b.number()
                .unwrap_or_else(|| panic!("{} has no number", b.name))
        })
        .collect();
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "numbers repeat: {numbers:?}");
    let number = |name: &str| {
        BUILTINS
            .iter()
            .find(|b| b.name == name)
            .and_then(|b| b.number())
    };
    assert_eq!(number("learning-rates").as_deref(), Some("5"));
    assert_eq!(number("newton-quadratic").as_deref(), Some("13a"));
    assert_eq!(number("newton-saddle").as_deref(), Some("13b"));
    assert_eq!(number("sam-wide-minimum").as_deref(), Some("17a"));
    assert_eq!(number("sam-saddle").as_deref(), Some("17b"));
    let race = BUILTINS
        .iter()
        .find(|b| b.name == DEFAULT_SCENE)
        .expect("race");
    assert_eq!(race.menu_title("Race"), "20a. Race");
}

/// CIE L*a*b* of an sRGB colour (D65).
fn lab(c: [u8; 3]) -> [f64; 3] {
    let lin = |u: u8| {
        let c = f64::from(u) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = c.map(lin);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

#[test]
fn no_two_trails_of_a_lesson_can_be_confused() {
    // ΔE (CIE76) of Okabe–Ito orange and vermillion, which a class mistook for one colour.
    let alike = {
        let (a, b) = (lab([230, 159, 0]), lab([213, 94, 0]));
        (0..3).map(|i| (a[i] - b[i]).powi(2)).sum::<f64>().sqrt()
    };
    assert!((33.0..34.0).contains(&alike), "{alike}");
    for b in BUILTINS.iter().filter(|b| b.name != "all-optimizers") {
        let s = scene::builtin(b.name).expect("builtin");
        let colors: Vec<[u8; 3]> = s
            .optimizers
            .iter()
            .enumerate()
            .map(|(i, o)| palette::color(i, o.color))
            .collect();
        for i in 0..colors.len() {
            for j in i + 1..colors.len() {
                let (p, q) = (lab(colors[i]), lab(colors[j]));
                let de = (0..3).map(|k| (p[k] - q[k]).powi(2)).sum::<f64>().sqrt();
                assert!(
                    de > 1.05 * alike,
                    "{}: {} and {} look alike (ΔE {de:.1})",
                    b.name,
                    s.optimizers[i].spec.label,
                    s.optimizers[j].spec.label
                );
            }
        }
    }
}

// Lessons 28–32: inside the optimizer. Their claims are about the engine's own state, read as
// the step inspector, the state plot and the arrows read it (`engine::records`).

/// Optimizer `label`'s records over the whole run: row k after update k.
fn records_of(l: &Lesson, label: &str) -> Vec<engine::Record> {
    let spec = l.spec(label);
    engine::records(&l.scene.problem(), spec, 0, l.scene.last_step())
}

/// The effective learning rate of each coordinate at update k ≥ 1.
fn rates(rows: &[engine::Record]) -> Vec<Vec2> {
    rows.iter()
        .skip(1)
        .map(|r| {
            let u = r.update.expect("an update");
            u.insight.rate.unwrap_or(Vec2::repeat(u.lr))
        })
        .collect()
}

/// AdaGrad's effective rate never rises and ends below half its first; RMSprop's falls while
/// the gradients are large and climbs back, over 4× its lowest, as they shrink near the
/// minimum, where it ends over 4× AdaGrad's.
fn adagrad_rate_claim(l: &Lesson) -> Claim {
    let ada = rates(&records_of(l, "AdaGrad lr=0.1"));
    for c in 0..2 {
        ensure!(
            ada.windows(2).all(|w| w[1][c] <= w[0][c]),
            "AdaGrad's rate of coordinate {c} rose"
        );
    }
    let (first, last) = (ada[0], ada[ada.len() - 1]);
    ensure!(
        last.x < 0.5 * first.x && last.y < 0.5 * first.y,
        "AdaGrad's rate {first:?} → {last:?}: should end below half"
    );
    let rms = rates(&records_of(l, "RMSprop lr=0.01 α=0.99"));
    for c in 0..2 {
        let low = rms.iter().map(|r| r[c]).fold(f64::INFINITY, f64::min);
        let end = rms[rms.len() - 1][c];
        ensure!(
            end > 4.0 * low && end > 4.0 * last[c],
            "RMSprop's rate of coordinate {c} should climb back: lowest {low:.3e}, last {end:.3e} (AdaGrad's {:.3e})",
            last[c]
        );
    }
    Ok(())
}

#[test]
fn adagrad_rate_only_falls_rmsprop_recovers() {
    // averaged over 10⁵ steps instead of 100, RMSprop forgets nothing in this run either
    strict_claim(
        "adagrad-rate",
        adagrad_rate_claim,
        |s| optimizer(s, "RMSprop lr=0.01 α=0.99").hyper.alpha = 0.99999,
        "RMSprop with α = 0.99999 does not recover within the run",
    );
}

/// Along the valley the buffer adds up the steady gradient: from b = g at step 1 to over 7×
/// that step's gradient by step 40 (it still holds the larger gradients of earlier steps).
fn momentum_buffer_claim(l: &Lesson) -> Claim {
    let (along, _) = valley_axes(30.0);
    let rows = records_of(l, "Momentum lr=0.004 μ=0.9");
    let ratio = |k: usize| -> Option<f64> {
        let u = rows[k].update?;
        let (_, b) = u.insight.direction?;
        Some(b.dot(&along) / u.g.dot(&along))
    };
    let (r1, r40) = (ratio(1), ratio(40));
    ensure!(
        r1 == Some(1.0),
        "at step 1 the buffer is the gradient itself: {r1:?}"
    );
    ensure!(
        r40.is_some_and(|r| r > 7.0),
        "by step 40 the buffer along the valley should be over 7× the gradient: {r40:?}"
    );
    let gd = records_of(l, "GD lr=0.004");
    ensure!(gd.iter().all(|r| r.state.is_empty()), "GD keeps no state");
    let (m, g) = (l.traj("Momentum lr=0.004 μ=0.9"), l.traj("GD lr=0.004"));
    ensure!(
        dist(end(m), v(0.0, 0.0)) < 0.2 * dist(end(g), v(0.0, 0.0)),
        "momentum should end much nearer the minimum: {:?} vs GD {:?}",
        end(m),
        end(g)
    );
    Ok(())
}

#[test]
fn momentum_buffer_builds_up_along_the_ravine() {
    strict_claim(
        "momentum-buffer",
        momentum_buffer_claim,
        |s| optimizer(s, "Momentum lr=0.004 μ=0.9").hyper.momentum = 0.3,
        "with μ = 0.3 the buffer stays under 1/(1 − 0.3) ≈ 1.4 times the gradient",
    );
}

/// At step 1 bias-corrected Adam's m̂ is the gradient itself, and each coordinate moves by lr;
/// without the correction m = (1 − β₁)·g and v = (1 − β₂)·g², so the step is
/// (1 − β₁)/√(1 − β₂) ≈ 3.16 times as long.
fn adam_first_steps_claim(l: &Lesson) -> Claim {
    use losscape::engine::optim::Value;
    let on = records_of(l, "Adam lr=0.05");
    let off = records_of(l, "Adam lr=0.05, no bias correction");
    let (u_on, u_off) = (
        on[1].update.expect("update"),
        off[1].update.expect("update"),
    );
    let m_hat = match u_on.insight.direction {
        Some(("m_hat", d)) => d,
        other => return Err(format!("the corrected direction is m_hat: {other:?}")),
    };
    ensure!(
        (m_hat - u_on.g).norm() <= 1e-15 * u_on.g.norm(),
        "corrected m_hat at step 1 should be g: {m_hat:?} vs {:?}",
        u_on.g
    );
    let m = match off[1].state.get("exp_avg") {
        Some(Value::Pair(m)) => m,
        other => return Err(format!("exp_avg: {other:?}")),
    };
    ensure!(
        (m - u_off.g * 0.1).norm() <= 1e-15 * u_off.g.norm(),
        "uncorrected m at step 1 should be 0.1·g: {m:?}"
    );
    let (a, b) = (
        l.traj("Adam lr=0.05"),
        l.traj("Adam lr=0.05, no bias correction"),
    );
    let step_on = a.points[1] - a.points[0];
    ensure!(
        (step_on.x.abs() - 0.05).abs() < 1e-6 && (step_on.y.abs() - 0.05).abs() < 1e-6,
        "the corrected first step moves each coordinate by lr: {step_on:?}"
    );
    let ratio = step_len(b, 0) / step_len(a, 0);
    let expected = 0.1 / 0.001f64.sqrt();
    ensure!(
        (ratio / expected - 1.0).abs() < 1e-3,
        "the uncorrected first step should be {expected:.3}× as long: {ratio:.3}"
    );
    Ok(())
}

#[test]
fn adam_first_steps_m_hat_against_m() {
    strict_claim(
        "adam-first-steps",
        adam_first_steps_claim,
        |s| {
            optimizer(s, "Adam lr=0.05, no bias correction")
                .hyper
                .bias_correction = true
        },
        "with the correction on both take the same first step",
    );
}

/// Adadelta's first effective rate is lr·√ε/√((1 − ρ)g² + ε): about √ε/(|g|·√(1 − ρ)), so a
/// 100× larger ε makes it about 10× larger (lr = 1 in both).
fn adadelta_rate_claim(l: &Lesson) -> Claim {
    let big = rates(&records_of(l, "Adadelta ε=1e-2"))[0];
    let small = rates(&records_of(l, "Adadelta ε=1e-4"))[0];
    for c in 0..2 {
        let ratio = big[c] / small[c];
        ensure!(
            (8.0..=10.0).contains(&ratio),
            "coordinate {c}: the first rates {:.3e} and {:.3e} should differ about 10×, not {ratio:.2}×",
            big[c],
            small[c]
        );
    }
    let rows = records_of(l, "Adadelta ε=1e-4");
    let u = rows[1].update.expect("update");
    let g = u.g;
    for c in 0..2 {
        let predicted = 1e-2 / (0.1 * g[c] * g[c] + 1e-4).sqrt();
        let got = rates(&rows)[0][c];
        ensure!(
            (got / predicted - 1.0).abs() < 1e-12,
            "coordinate {c}: rate {got:.6e}, √ε/√((1 − ρ)g² + ε) = {predicted:.6e}"
        );
    }
    Ok(())
}

#[test]
fn adadelta_epsilon_is_its_first_learning_rate() {
    strict_claim(
        "adadelta-rate",
        adadelta_rate_claim,
        |s| optimizer(s, "Adadelta ε=1e-2").hyper.eps = 1e-4,
        "equal ε, equal rates",
    );
}

/// The field of −∇f the figure draws: along the ridge (y ≈ 0) it points in towards the
/// saddle, across it (x ≈ 0) away from it, to the minima at (0, ±1). GD started just off the
/// ridge rides in along it, then slides off to a minimum.
fn saddle_field_claim(l: &Lesson) -> Claim {
    use losscape::figure::arrows::field_items;
    use losscape::figure::draw::Item;
    use losscape::figure::projection::Projection;
    let proj = Projection::new(l.scene.view_box(), [0.0, 0.0, 600.0, 600.0]);
    let mut out = Vec::new();
    field_items(&mut out, &l.scene.surface, &proj, 1.0);
    let (mut inward, mut outward, mut checked) = (0, 0, 0);
    for d in &out {
        let Item::Path(p) = &d.item else { continue };
        if p.class != "field" || p.fill.is_some() {
            continue;
        }
        let Some([tail, base]) = p.subpaths.first().map(|s| [s[0], s[s.len() - 1]]) else {
            continue;
        };
        let mid = proj.unproject([(tail[0] + base[0]) / 2.0, (tail[1] + base[1]) / 2.0]);
        let dir = v(base[0] - tail[0], tail[1] - base[1]);
        if mid.y.abs() < 0.15 && mid.x.abs() > 0.5 {
            checked += 1;
            inward += usize::from(dir.x * mid.x < 0.0);
        }
        if mid.x.abs() < 0.15 && (0.2..0.8).contains(&mid.y.abs()) {
            checked += 1;
            outward += usize::from(dir.y * mid.y > 0.0);
        }
    }
    ensure!(checked >= 8, "only {checked} field arrows near the axes");
    ensure!(
        inward + outward == checked,
        "{inward} point in along the ridge and {outward} out across it, of {checked}"
    );
    let t = l.traj("GD lr=0.05");
    let nearest = t
        .points
        .iter()
        .map(|p| p.norm())
        .fold(f64::INFINITY, f64::min);
    ensure!(
        nearest < 0.5,
        "GD should pass near the saddle: {nearest:.3}"
    );
    ensure!(
        dist(end(t), v(0.0, 1.0)) < 0.05,
        "GD should end at the minimum (0, 1): {:?}",
        end(t)
    );
    Ok(())
}

#[test]
fn the_gradient_field_turns_at_the_saddle() {
    strict_claim(
        "saddle-field",
        saddle_field_claim,
        |s| s.surface = losscape::engine::Surface::new(losscape::engine::SurfaceKind::Quadratic),
        "a bowl's field points in everywhere",
    );
}

// ---- Data lessons (21–27): data surfaces with minibatches ----

/// Root mean square distance of `t`'s points `from..` to `target`.
fn rms_from(t: &Trajectory, from: usize, target: Vec2) -> f64 {
    let pts = &t.points[from..];
    (pts.iter().map(|p| (p - target).norm_squared()).sum::<f64>() / pts.len() as f64).sqrt()
}

/// The exact minimum of the scene's (linear-regression) training loss.
fn data_minimum(l: &Lesson) -> Vec2 {
    *l.scene
        .surface
        .minima()
        .first()
        .expect("linear regression has its minimum")
}

// Lesson 21.
/// All three reach the minimum's neighbourhood; the smaller the batch, the more the path
/// jitters there (mean step length over the last 100 steps).
fn batch_claim(l: &Lesson) -> Claim {
    let m = data_minimum(l);
    let labels = ["batch GD, B = 20", "minibatch GD, B = 5", "SGD, B = 1"];
    let jitter: Vec<f64> = labels
        .iter()
        .map(|label| mean_step(l.traj(label), 200, 300))
        .collect();
    for label in labels {
        let e = end(l.traj(label));
        ensure!(
            dist(e, m) < 0.6,
            "{label} should end near the minimum {m:?}, ends at {e:?}"
        );
    }
    ensure!(
        jitter[1] > 5.0 * jitter[0] && jitter[2] > 1.5 * jitter[1],
        "mean step over the last 100 steps should grow as the batch shrinks: {jitter:?}"
    );
    Ok(())
}

#[test]
fn batch_minibatch_and_stochastic_differ_only_in_noise() {
    let (l, _) = strict_claim(
        "batch-minibatch-sgd",
        batch_claim,
        |s| {
            for o in &mut s.optimizers {
                o.spec.batch_size = Some(20);
            }
        },
        "all full batches: no difference in noise",
    );
    // one rule: the three share the learning rate
    assert!(l.specs.iter().all(|s| s.hyper.lr == 0.05));
}

// Lesson 22.
/// Around the minimum, the spread of B = 1 is about √8 times that of B = 8, which is about √8
/// times that of B = 64.
fn batch_noise_claim(l: &Lesson) -> Claim {
    let m = data_minimum(l);
    let spread: Vec<f64> = ["B = 1", "B = 8", "B = 64"]
        .iter()
        .map(|label| rms_from(l.traj(label), 300, m))
        .collect();
    for w in spread.windows(2) {
        let ratio = w[0] / w[1];
        ensure!(
            ratio > 1.8,
            "spreads around the minimum {spread:?}: each should be at least about √8 ≈ 2.8 \
             times the next"
        );
    }
    Ok(())
}

#[test]
fn larger_batches_have_less_gradient_noise() {
    strict_claim(
        "batch-noise",
        batch_noise_claim,
        |s| optimizer(s, "B = 8").batch_size = Some(1),
        "B = 1 twice: the same spread",
    );
    let l = lesson("batch-noise");
    assert_eq!(l.scene.surface.data_surface().map(|d| d.len()), Some(1000));
}

// Lesson 23.
/// Constant rate: still stepping (and away from the minimum) at the end; decayed: steps 50
/// times smaller and closer to the minimum.
fn minibatch_decay_claim(l: &Lesson) -> Claim {
    let m = data_minimum(l);
    let (c, d) = (
        l.traj("SGD, constant lr 0.05"),
        l.traj("SGD, lr 0.05 decayed to 0.0005"),
    );
    let (sc, sd) = (mean_step(c, 500, 600), mean_step(d, 500, 600));
    ensure!(
        sc > 20.0 * sd,
        "over the last 100 steps the constant rate's steps ({sc:.4}) should dwarf the decayed one's ({sd:.5})"
    );
    let (rc, rd) = (rms_from(c, 500, m), rms_from(d, 500, m));
    ensure!(
        rd < rc,
        "the decayed run should settle nearer the minimum: RMS distance {rd:.4} vs {rc:.4}"
    );
    Ok(())
}

#[test]
fn minibatch_noise_needs_a_decaying_rate() {
    strict_claim(
        "minibatch-decay",
        minibatch_decay_claim,
        |s| optimizer(s, "SGD, lr 0.05 decayed to 0.0005").schedule = None,
        "no decay, no settling",
    );
    let l = lesson("minibatch-decay");
    let d = l.spec("SGD, lr 0.05 decayed to 0.0005");
    assert_eq!(l.scene.surface.data_surface().map(|d| d.len()), Some(1000));
    match d.schedule {
        Some(engine::Schedule::Linear { final_lr, .. }) => {
            assert!(
                (final_lr - 0.01 * d.hyper.lr).abs() < 1e-12,
                "ε_τ is 1 % of ε₀"
            )
        }
        other => panic!("the lecture's linear decay, got {other:?}"),
    }
    assert_eq!(
        d.effective_batch(&l.scene.surface),
        Some(1),
        "sgd on data: B = 1"
    );
}

// Lesson 24.
fn condition_at_minimum(l: &Lesson) -> f64 {
    let m = data_minimum(l);
    let [lo, hi] = l.scene.surface.hessian_eigenvalues(m);
    hi / lo
}

#[test]
fn raw_features_make_a_ravine_and_normalized_ones_a_bowl() {
    let raw = lesson("ravine-raw-features");
    raw.assert_all_ok();
    let m = data_minimum(&raw);
    let kappa = condition_at_minimum(&raw);
    assert!(kappa > 1000.0, "raw features: condition number {kappa:.0}");
    let gd = raw.traj("GD lr=0.019");
    assert!(
        dist(end(gd), m) > 0.5,
        "GD crawls: ends at {:?}, minimum {m:?}",
        end(gd)
    );
    // it reaches the floor fast (the loss drops by 100× in 100 steps), then barely moves
    assert!(
        gd.losses[100] < 0.01 * gd.losses[0],
        "{} → {}",
        gd.losses[0],
        gd.losses[100]
    );
    assert!(raw.stays_in_view("GD lr=0.019"));
    let bowl = lesson("ravine-normalized");
    bowl.assert_all_ok();
    let kappa = condition_at_minimum(&bowl);
    assert!(
        kappa < 1.0 + 1e-9,
        "normalized features: a round bowl, condition {kappa}"
    );
    let m = data_minimum(&bowl);
    let reached = first_within(bowl.traj("GD lr=0.5"), m, 1e-3);
    assert!(
        reached.is_some_and(|k| k <= 15),
        "GD reaches the minimum at step {reached:?}"
    );
    // the same data: the two fits are the same line
    let (d_raw, d_bowl) = (
        raw.scene.surface.data_surface().expect("data"),
        bowl.scene.surface.data_surface().expect("data"),
    );
    let m_raw = data_minimum(&raw);
    for a in [8.0, 10.0, 12.0] {
        let (p, q) = (
            d_raw.predict(m_raw.x, m_raw.y, a),
            d_bowl.predict(m.x, m.y, a),
        );
        assert!((p - q).abs() < 1e-9, "at a = {a}: {p} vs {q}");
    }
}

// Lesson 25.
/// The runs end at a minimum `e` (not the origin), and the same scene started at the mirrored
/// point ends exactly at `−e`.
#[test]
fn tanh_unit_minima_come_in_mirrored_pairs() {
    let l = lesson("tanh-mirrored-minima");
    l.assert_all_ok();
    let mirrored = altered("tanh-mirrored-minima", |s| s.start = -s.start);
    for label in ["GD lr=0.5", "momentum lr=0.1, μ=0.9"] {
        let e = end(l.traj(label));
        let g = l.scene.surface.grad(e).norm();
        assert!(
            e.norm() > 1.0 && g < 1e-3,
            "{label} ends at a minimum: {e:?}, |g| {g:.1e}"
        );
        let m = end(mirrored.traj(label));
        assert!(
            dist(m, -e) < 1e-9,
            "{label}: mirrored start ends at {m:?}, not {:?}",
            -e
        );
    }
    let eig = l.scene.surface.hessian_eigenvalues(v(0.0, 0.0));
    assert!(
        eig[0] < 0.0 && eig[1] > 0.0,
        "a saddle at the origin: {eig:?}"
    );
    assert_eq!(l.scene.surface.saddles(), vec![v(0.0, 0.0)]);
}

/// GD stays at the saddle's loss for hundreds of steps; Adam leaves it within 50.
fn tanh_saddle_claim(l: &Lesson) -> Claim {
    let saddle_loss = l.scene.surface.value(v(0.0, 0.0));
    let left = |t: &Trajectory| t.losses.iter().position(|f| *f < 0.9 * saddle_loss);
    let (gd, adam) = (left(l.traj("GD lr=0.02")), left(l.traj("Adam lr=0.02")));
    ensure!(
        gd.is_some_and(|k| k > 250),
        "GD should stay at the saddle for over 250 steps, leaves at {gd:?}"
    );
    ensure!(
        adam.is_some_and(|k| k < 50),
        "Adam should leave at once, leaves at {adam:?}"
    );
    let e = end(l.traj("GD lr=0.02"));
    ensure!(e.norm() > 1.0, "GD should end in a minimum, ends at {e:?}");
    Ok(())
}

#[test]
fn gd_stalls_at_the_symmetric_saddle() {
    strict_claim(
        "tanh-saddle",
        tanh_saddle_claim,
        |s| s.start = v(0.3, 0.3),
        "started away from the saddle, GD does not stall",
    );
}

// Lesson 26.
#[test]
fn separable_classes_have_no_minimum_until_l2() {
    let free = lesson("separable-no-minimum");
    free.assert_all_ok();
    let t = free.traj("GD lr=1");
    let norm = |k: usize| t.points[k].norm();
    // the weights grow all the way, ever more slowly (like log t), and the loss creeps to 0
    assert!(
        norm(1000) > norm(500) + 0.3 && norm(500) > norm(250),
        "{} {} {}",
        norm(250),
        norm(500),
        norm(1000)
    );
    assert!(
        t.losses.windows(2).all(|w| w[1] <= w[0]),
        "the loss only falls"
    );
    assert!(t.losses[1000] < 0.05 && free.scene.surface.grad(end(t)).norm() > 1e-4);
    let penalized = lesson("separable-l2");
    penalized.assert_all_ok();
    let t = penalized.traj("GD lr=1");
    let e = end(t);
    let g = penalized.scene.surface.grad(e).norm();
    assert!(
        g < 1e-8,
        "with l2 GD settles at a minimum: {e:?}, |g| {g:.1e}"
    );
    assert!(
        e.norm() < norm(1000),
        "the penalty keeps the weights smaller"
    );
    let [lo, _] = penalized.scene.surface.hessian_eigenvalues(e);
    assert!(lo > 0.0, "a true minimum");
}

// Lesson 27.
#[test]
fn the_training_minimum_is_not_the_test_minimum() {
    use losscape::engine::data::DataSurface;
    let l = lesson("train-vs-test");
    l.assert_all_ok();
    let surface = &l.scene.surface;
    let d = surface.data_surface().expect("data");
    let train_min = data_minimum(&l);
    let e = end(l.traj("GD lr=0.1"));
    assert!(
        dist(e, train_min) < 1e-3,
        "GD finds the training minimum: {e:?} vs {train_min:?}"
    );
    let test = d.test_set().expect("test data").clone();
    let test_surface = DataSurface::new(d.model(), test, d.normalize(), None).expect("valid");
    let test_min = test_surface.minima(0.0)[0];
    let test_min = v(test_min.0, test_min.1);
    assert!(
        dist(train_min, test_min) > 0.3,
        "{train_min:?} vs {test_min:?}"
    );
    let at = |w: Vec2| surface.test_value(w).expect("a test loss");
    assert!(
        at(e) > at(test_min) + 0.05,
        "test loss at the training minimum {:.3} vs its own minimum {:.3}",
        at(e),
        at(test_min)
    );
    assert!(
        surface.value(e) < surface.value(test_min),
        "and the other way round"
    );
}
