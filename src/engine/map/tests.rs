//! The map's promises: every cell is what the trajectory run on its own gives (both paths of
//! the batched runner, every kind they serve), the basins and the stability boundary sit
//! where the mathematics puts them, and progressive passes add up to the whole map.

use super::*;
use crate::engine::optim::OptimizerKind;
use crate::engine::run::{Stepper, run};
use crate::engine::schedule::Schedule;
use crate::engine::surfaces::{Surface, SurfaceKind};

fn basin(kind: SurfaceKind, optimizer: OptimizerSpec, steps: u64, size: usize) -> MapSpec {
    let surface = Surface::new(kind);
    MapSpec {
        kind: MapKind::Basin {
            view: surface.view_box(),
        },
        problem: Problem {
            start: surface.default_start(),
            surface,
            steps,
            seed: 7,
        },
        optimizer,
        size: [size, size],
        tolerance: DEFAULT_TOLERANCE,
    }
}

fn spec(kind: OptimizerKind, lr: f64) -> OptimizerSpec {
    let mut s = OptimizerSpec::new(kind);
    s.hyper.lr = lr;
    s
}

/// Every cell of `map` against its run on its own.
fn assert_matches_single_runs(map: &MapSpec, what: &str) {
    let cells = compute(map, &Control::default()).expect("not cancelled");
    let judge = map.judge();
    let [w, h] = map.size;
    for j in 0..h {
        for i in 0..w {
            let (opt, problem) = map.single(i, j);
            let t = run(&problem, std::slice::from_ref(&opt)).remove(0);
            let single = judge.outcome_of(&t);
            let cell = cells[j * w + i];
            assert_eq!(
                (cell.outcome, cell.loss.to_bits()),
                (single.outcome, single.loss.to_bits()),
                "{what}: cell ({i}, {j}) from {:?}",
                problem.start
            );
        }
    }
}

#[test]
fn lanes_path_gives_what_each_run_gives_alone() {
    let mut sgd = spec(OptimizerKind::Sgd, 0.01);
    sgd.hyper.noise = 0.5;
    let mut nesterov = spec(OptimizerKind::Nesterov, 0.005);
    nesterov.hyper.momentum = 0.8;
    let mut adam = spec(OptimizerKind::Adam, 0.1);
    adam.hyper.weight_decay = 0.01;
    let mut no_bias = spec(OptimizerKind::Adam, 0.05);
    no_bias.hyper.bias_correction = false;
    let mut scheduled = spec(OptimizerKind::Momentum, 0.01);
    scheduled.hyper.dampening = 0.3;
    scheduled.schedule = Some(Schedule::Cosine {
        final_lr: 0.001,
        steps: 50,
    });
    for (i, opt) in [
        spec(OptimizerKind::Gd, 0.01),
        sgd,
        nesterov,
        adam,
        no_bias,
        scheduled,
    ]
    .into_iter()
    .enumerate()
    {
        assert!(batch_is_lanes(&basin(
            SurfaceKind::Himmelblau,
            opt.clone(),
            1,
            1
        )));
        let what = format!("{:?} #{i}", opt.kind);
        assert_matches_single_runs(&basin(SurfaceKind::Himmelblau, opt, 150, 12), &what);
    }
    let rosenbrock = basin(
        SurfaceKind::Rosenbrock,
        spec(OptimizerKind::Adam, 0.02),
        300,
        10,
    );
    assert_matches_single_runs(&rosenbrock, "Adam on Rosenbrock");
}

fn batch_is_lanes(spec: &MapSpec) -> bool {
    batch::uses_lanes(spec)
}

#[test]
fn catalog_path_gives_what_each_run_gives_alone() {
    let mut rotated = spec(OptimizerKind::Adam, 0.1);
    rotated.basis_rotation = 30.0;
    let mut clipped = spec(OptimizerKind::Gd, 0.05);
    clipped.clip_norm = Some(1.0);
    let newton = spec(OptimizerKind::Newton, 0.5);
    for opt in [
        spec(OptimizerKind::Rmsprop, 0.05),
        spec(OptimizerKind::Lion, 0.05),
        rotated,
        clipped,
        newton,
    ] {
        let map = basin(SurfaceKind::SixHumpCamel, opt.clone(), 120, 9);
        assert!(!batch_is_lanes(&map));
        assert_matches_single_runs(&map, &format!("{:?}", opt.kind));
    }
    let mut sweep = basin(
        SurfaceKind::Himmelblau,
        spec(OptimizerKind::Adam, 0.1),
        150,
        8,
    );
    sweep.kind = MapKind::Sweep {
        x: Axis::new(Knob::Lr, [1e-3, 1.0]),
        y: Axis::new(Knob::Beta1, [0.0, 0.99]),
    };
    assert_matches_single_runs(&sweep, "Adam lr × β₁ sweep");
}

/// On `kind`, every known minimum's pixel converges to that minimum, for each optimizer, and
/// every basin is a region of more than a row's worth of pixels.
fn assert_each_minimum_in_own_basin(kind: SurfaceKind, count: usize, optimizers: &[OptimizerSpec]) {
    const N: usize = 48;
    for opt in optimizers {
        let map = basin(kind, opt.clone(), 2000, N);
        let cells = compute(&map, &Control::default()).expect("not cancelled");
        let judge = map.judge();
        assert_eq!(judge.minima.len(), count, "{kind:?}");
        let MapKind::Basin { view } = map.kind else {
            unreachable!()
        };
        for (index, m) in judge.minima.iter().enumerate() {
            let i = ((m.x - view.x[0]) / view.width() * N as f64) as usize;
            let j = ((view.y[1] - m.y) / view.height() * N as f64) as usize;
            let outcome = cells[j * N + i].outcome;
            assert!(
                matches!(outcome, Outcome::Converged { minimum, .. } if minimum as usize == index),
                "{kind:?}, {:?}: the pixel of minimum {index} at {m:?} {outcome:?}",
                opt.kind
            );
        }
        let mut seen = vec![0usize; count];
        for c in &cells {
            if let Outcome::Converged { minimum, .. } = c.outcome {
                seen[minimum as usize] += 1;
            }
        }
        assert!(
            seen.iter().all(|&n| n > N),
            "{kind:?}, {:?}: {seen:?}",
            opt.kind
        );
    }
}

#[test]
fn each_himmelblau_minimum_lies_in_its_own_basin() {
    let optimizers = [
        spec(OptimizerKind::Gd, 0.01),
        spec(OptimizerKind::Momentum, 0.002),
        spec(OptimizerKind::Adam, 0.05),
    ];
    assert_each_minimum_in_own_basin(SurfaceKind::Himmelblau, 4, &optimizers);
}

#[test]
fn each_camel_minimum_global_or_local_lies_in_its_own_basin() {
    let optimizers = [
        spec(OptimizerKind::Gd, 0.01),
        spec(OptimizerKind::Adam, 0.02),
    ];
    assert_each_minimum_in_own_basin(SurfaceKind::SixHumpCamel, 6, &optimizers);
}

#[test]
fn quadratic_sweep_boundary_is_where_theory_puts_it() {
    let kappa = 20.0;
    let map = super::quadratic_sweep(OptimizerKind::Momentum);
    let lambda_max = map.problem.surface.hessian_eigenvalues(Vec2::zeros())[1];
    assert!((lambda_max - kappa).abs() < 1e-9);
    let [cols, rows] = map.size;
    let MapKind::Sweep { x, .. } = map.kind else {
        unreachable!()
    };
    let cells = compute(&map, &Control::default()).expect("not cancelled");
    let start_loss = map.problem.surface.value(map.problem.start);
    for j in 0..rows {
        let mu = map.hyper(0, j).momentum;
        let bound = 2.0 * (1.0 + mu) / lambda_max;
        let row = &cells[j * cols..(j + 1) * cols];
        // the first unstable column, and every column after it unstable too
        let first = row
            .iter()
            .position(|c| c.is_unstable(start_loss))
            .expect("the range crosses the bound");
        assert!(
            row[first..].iter().all(|c| c.is_unstable(start_loss)),
            "μ = {mu}"
        );
        let boundary_col = x.fraction(bound) * cols as f64;
        assert!(
            (first as f64 - boundary_col).abs() <= 1.0,
            "μ = {mu}: unstable from column {first}, theory puts 2(1 + μ)/λmax = {bound} at \
             column {boundary_col:.2}"
        );
    }
}

#[test]
fn progressive_passes_add_up_to_the_whole_map() {
    let map = basin(
        SurfaceKind::Himmelblau,
        spec(OptimizerKind::Gd, 0.01),
        100,
        21,
    );
    let whole = compute(&map, &Control::default()).expect("not cancelled");
    let mut p = Progressive::new(map);
    assert_eq!(p.stride(), None);
    assert!(p.refine(&Control::default()).expect("not cancelled"));
    assert_eq!(p.stride(), Some(8));
    // a coarse cell stands for its block
    assert_eq!(p.cell(13, 5), whole[8]);
    assert_eq!(p.cell(16, 20), whole[16 * 21 + 16]);
    p.finish(&Control::default()).expect("not cancelled");
    assert!(p.is_complete());
    let cells = p.cells();
    for (a, b) in cells.iter().zip(&whole) {
        assert_eq!(a.outcome, b.outcome);
        assert_eq!(a.loss.to_bits(), b.loss.to_bits());
    }
}

#[test]
fn sliced_refinement_gives_the_cells_of_compute_within_each_budget() {
    let map = basin(
        SurfaceKind::Himmelblau,
        spec(OptimizerKind::Momentum, 0.005),
        120,
        19,
    );
    let whole = compute(&map, &Control::default()).expect("not cancelled");
    let steps = map.problem.steps;
    // budgets under one run, of a few runs and of more than a pass
    for budget in [1, steps * 7, steps * 40 + 3, steps * 1000] {
        let control = Control::default();
        let mut p = Progressive::new(map.clone());
        let mut slices = 0;
        let mut seen_partial = false;
        loop {
            let before = control.updates.load(Ordering::Relaxed);
            let progress = p.refine_within(&control, budget).expect("not cancelled");
            let taken = control.updates.load(Ordering::Relaxed) - before;
            slices += 1;
            assert!(
                progress.cells >= 1,
                "budget {budget}: every slice makes progress"
            );
            // a run takes at most `steps` updates: the budget buys that many runs, one at least
            let most_cells = (budget / steps).max(1) as usize;
            assert!(
                progress.cells <= most_cells,
                "budget {budget}: {progress:?}"
            );
            assert_eq!(progress.updates, taken);
            assert!(taken <= budget.max(steps), "budget {budget}: took {taken}");
            // the cells computed so far show at once, mid-pass too
            seen_partial |= p.pending.is_some() && p.cursor > 0;
            for j in 0..19 {
                for i in 0..19 {
                    if p.computed[j * 19 + i] {
                        assert_eq!(p.cell(i, j), whole[j * 19 + i], "budget {budget}");
                    }
                }
            }
            if !progress.more {
                break;
            }
        }
        assert!(p.is_complete());
        assert_eq!(p.fraction_done(), 1.0);
        for (a, b) in p.cells().iter().zip(&whole) {
            assert_eq!((a.outcome, a.loss.to_bits()), (b.outcome, b.loss.to_bits()));
        }
        if budget < steps * 100 {
            assert!(seen_partial, "budget {budget}: a pass was cut into slices");
            assert!(slices > PASSES.len(), "budget {budget}: {slices} slices");
        } else {
            assert_eq!(
                slices,
                PASSES.len(),
                "a pass fits the budget: one slice each"
            );
        }
    }
}

#[test]
fn a_sliced_pass_finishes_with_refine_and_the_map_finds_a_points_pixel() {
    let map = basin(
        SurfaceKind::Himmelblau,
        spec(OptimizerKind::Gd, 0.01),
        80,
        16,
    );
    let whole = compute(&map, &Control::default()).expect("not cancelled");
    let mut p = Progressive::new(map.clone());
    p.refine(&Control::default()).expect("not cancelled");
    let part = p
        .refine_within(&Control::default(), 3 * 80)
        .expect("not cancelled");
    assert_eq!(part.cells, 3);
    assert!(part.more);
    assert_eq!(p.stride(), Some(8), "the second pass is under way");
    assert!(p.refine(&Control::default()).expect("not cancelled"));
    assert_eq!(
        p.stride(),
        Some(4),
        "refine completes the pass begun in slices"
    );
    p.finish(&Control::default()).expect("not cancelled");
    assert!(p.cells().iter().zip(&whole).all(|(a, b)| a == b));
    for (i, j) in [(0, 0), (5, 11), (15, 15)] {
        assert_eq!(map.pixel_of(map.start(i, j)), Some((i, j)));
    }
    let MapKind::Basin { view } = map.kind else {
        unreachable!()
    };
    assert_eq!(map.pixel_of(Vec2::new(view.x[1] + 0.1, view.y[0])), None);
}

#[test]
fn a_cancel_stops_a_map() {
    let map = basin(
        SurfaceKind::Rosenbrock,
        spec(OptimizerKind::Adam, 1e-4),
        100_000,
        64,
    );
    let control = Control::default();
    control.cancel.store(true, Ordering::Relaxed);
    assert_eq!(compute(&map, &control), Err(Cancelled));
    let mut p = Progressive::new(map);
    assert_eq!(p.refine(&control), Err(Cancelled));
    assert_eq!(p.stride(), None);
}

#[test]
fn stepper_and_judge_agree_on_a_diverging_run() {
    let problem = Problem {
        surface: Surface::new(SurfaceKind::Quadratic),
        start: Vec2::new(1.0, 1.0),
        steps: 3000,
        seed: 0,
    };
    let mut s = Stepper::new(&spec(OptimizerKind::Gd, 1.0), &problem);
    s.advance(u64::MAX);
    let judge = Judge::new(&problem, DEFAULT_TOLERANCE);
    assert!(matches!(
        judge.outcome_of(s.trajectory()).outcome,
        Outcome::Diverged { .. }
    ));
}
