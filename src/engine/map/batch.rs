//! The batched runner: a map's runs stepped in lockstep, a few hundred at a time, on every
//! core. Every run of a batch takes update `t` together, so what runs share is computed once
//! per step (the learning rate after its schedule, SGD's noise draw, Adam's bias
//! corrections) and a run that has ended is swapped out of the live range, so the loops only
//! touch runs still going.
//!
//! Two paths give the same numbers as [`crate::engine::Stepper`], bit for bit (the tests
//! compare sampled cells with trajectories run one by one):
//! - the **lanes** path keeps the state of GD, SGD, momentum, Nesterov and Adam in
//!   structure-of-arrays form (one array per coordinate and per moment), evaluates the
//!   surface over all live runs with [`crate::engine::Surface::value_grad_lanes`] and writes
//!   each update rule as a loop the compiler vectorises; it serves basin maps (one set of
//!   hyperparameters) of those kinds in their own basis, without clipping;
//! - the **catalog** path steps every other case (sweeps, where each run has its own
//!   hyperparameters; the other optimizers; clipping and rotated bases) through each
//!   optimizer's own [`crate::engine::optim::Rule`] and the stepping loop's oracle.

use super::{Cell, Judge, MapKind, MapSpec, Outcome, cancelled};
use crate::engine::optim::{self, OptimizerKind, Rule, StepContext, lerp1};
use crate::engine::real::Dual1;
use crate::engine::run::{Cancelled, Control, Oracle, draw_noise, noise_of};
use crate::engine::surfaces::FormulaKernel;
use crate::engine::{Hyper, Vec2};
use multiversion::multiversion;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;
use std::sync::atomic::Ordering;

/// Runs stepped together: a 256-pixel row of a map, about 20 KB of state.
const LANES: usize = 256;
/// Steps between checks for a cancel.
const CANCEL_EVERY: u64 = 32;

/// The cells at `indices` (row-major into `spec.size`), in that order.
pub(super) fn run_cells(
    spec: &MapSpec,
    judge: &Judge,
    indices: &[usize],
    control: &Control,
) -> Result<Vec<Cell>, Cancelled> {
    let fast = Fast::of(spec);
    let chunks: Vec<Vec<Cell>> = indices
        .par_chunks(LANES)
        .map(|ids| match fast {
            Some(fast) => lanes_chunk(spec, judge, fast, ids, control),
            None => catalog_chunk(spec, judge, ids, control),
        })
        .collect::<Result<_, _>>()?;
    Ok(chunks.concat())
}

#[cfg(test)]
/// Whether `spec`'s runs take the lanes path.
pub(super) fn uses_lanes(spec: &MapSpec) -> bool {
    Fast::of(spec).is_some()
}

/// Column and row of a map index.
fn at(spec: &MapSpec, index: usize) -> (usize, usize) {
    let w = spec.size[0].max(1);
    (index % w, index / w)
}

/// A run still going on the catalog path.
struct Lane {
    /// Its place in the chunk's output.
    slot: usize,
    rule: Box<dyn Rule>,
    /// The iterate in the optimizer's basis, its loss and unclipped gradient.
    u: Vec2,
    f: f64,
    g: Vec2,
    lr: f64,
    noise: f64,
}

fn catalog_chunk(
    spec: &MapSpec,
    judge: &Judge,
    ids: &[usize],
    control: &Control,
) -> Result<Vec<Cell>, Cancelled> {
    let opt = &spec.optimizer;
    let oracle = Oracle::new(&spec.problem.surface, opt);
    let mut out = vec![Cell::EMPTY; ids.len()];
    let mut lanes = Vec::with_capacity(ids.len());
    for (slot, &index) in ids.iter().enumerate() {
        let (i, j) = at(spec, index);
        let h = spec.hyper(i, j);
        let start = spec.start(i, j);
        let u = oracle.to_basis(start);
        let (f, g) = oracle.value_grad(u);
        if let Some(outcome) = judge.check(start.x, start.y, f, 0) {
            out[slot] = Cell { outcome, loss: f };
            continue;
        }
        lanes.push(Lane {
            slot,
            rule: optim::build(opt.kind, &h),
            u,
            f,
            g,
            lr: h.lr,
            noise: noise_of(opt.kind, &h),
        });
    }
    let mut rng = StdRng::seed_from_u64(spec.problem.seed);
    let noisy = lanes.iter().any(|l| l.noise > 0.0);
    let mut updates = 0;
    for k in 0..spec.problem.steps {
        if lanes.is_empty() {
            break;
        }
        if k % CANCEL_EVERY == 0 && cancelled(control) {
            return Err(Cancelled);
        }
        updates += lanes.len() as u64;
        let xi = if noisy {
            draw_noise(&mut rng)
        } else {
            Vec2::zeros()
        };
        let mut a = 0;
        while a < lanes.len() {
            let l = &mut lanes[a];
            let lr = opt.schedule.map_or(l.lr, |s| s.lr(l.lr, k));
            let mut g = l.g;
            if l.noise > 0.0 {
                g += xi * l.noise;
            }
            let ctx = StepContext {
                lr,
                t: k + 1,
                probe: &oracle,
            };
            let end = match l.rule.step(l.u, oracle.clip(g), &ctx) {
                None => Some(Cell {
                    outcome: Outcome::NotConverged,
                    loss: l.f,
                }),
                Some(u) => {
                    (l.f, l.g) = oracle.value_grad(u);
                    l.u = u;
                    let w = oracle.to_world(u);
                    judge
                        .check(w.x, w.y, l.f, k + 1)
                        .map(|outcome| Cell { outcome, loss: l.f })
                }
            };
            match end {
                Some(cell) => {
                    out[l.slot] = cell;
                    lanes.swap_remove(a);
                }
                None => a += 1,
            }
        }
    }
    for l in lanes {
        out[l.slot] = Cell {
            outcome: Outcome::NotConverged,
            loss: l.f,
        };
    }
    control.updates.fetch_add(updates, Ordering::Relaxed);
    Ok(out)
}

/// An update rule the lanes path computes, with the hyperparameters every run shares.
#[derive(Clone, Copy, Debug)]
enum Fast {
    /// GD, and SGD (GD fed the noisy gradient).
    Gd,
    Momentum {
        mu: f64,
        dampening: f64,
        nesterov: bool,
    },
    Adam {
        beta1: f64,
        beta2: f64,
        eps: f64,
        weight_decay: f64,
        bias_correction: bool,
    },
}

impl Fast {
    /// The lanes rule for `spec`, where it has one: a basin map (one set of hyperparameters)
    /// in the optimizer's own basis, unclipped.
    fn of(spec: &MapSpec) -> Option<Fast> {
        let opt = &spec.optimizer;
        let plain = matches!(spec.kind, MapKind::Basin { .. })
            && opt.basis_rotation == 0.0
            && opt.clip_norm.is_none();
        if !plain {
            return None;
        }
        let h: &Hyper = &opt.hyper;
        // as each kind's catalog entry builds its rule
        match opt.kind {
            OptimizerKind::Gd | OptimizerKind::Sgd => Some(Fast::Gd),
            OptimizerKind::Momentum => Some(Fast::Momentum {
                mu: h.momentum,
                dampening: h.dampening,
                nesterov: false,
            }),
            OptimizerKind::Nesterov => Some(Fast::Momentum {
                mu: h.momentum,
                dampening: 0.0,
                nesterov: true,
            }),
            OptimizerKind::Adam => Some(Fast::Adam {
                beta1: h.beta1,
                beta2: h.beta2,
                eps: h.eps,
                weight_decay: h.weight_decay,
                bias_correction: h.bias_correction,
            }),
            _ => None,
        }
    }
}

/// The live runs of a chunk, one array per quantity; runs `0..len()` are live.
struct Soa {
    slot: Vec<usize>,
    x: Vec<f64>,
    y: Vec<f64>,
    f: Vec<f64>,
    gx: Vec<f64>,
    gy: Vec<f64>,
    /// The rule's state per coordinate: momentum's buffer in 0 and 1; Adam's m in 0 and 1,
    /// v in 2 and 3.
    s: [Vec<f64>; 4],
}

impl Soa {
    fn with_capacity(n: usize) -> Soa {
        let v = || Vec::with_capacity(n);
        Soa {
            slot: Vec::with_capacity(n),
            x: v(),
            y: v(),
            f: v(),
            gx: v(),
            gy: v(),
            s: [v(), v(), v(), v()],
        }
    }

    fn len(&self) -> usize {
        self.slot.len()
    }

    fn push(&mut self, slot: usize, w: Vec2, f: f64, g: Vec2) {
        self.slot.push(slot);
        self.x.push(w.x);
        self.y.push(w.y);
        self.f.push(f);
        self.gx.push(g.x);
        self.gy.push(g.y);
        for s in &mut self.s {
            s.push(0.0);
        }
    }

    fn swap_remove(&mut self, a: usize) {
        self.slot.swap_remove(a);
        self.x.swap_remove(a);
        self.y.swap_remove(a);
        self.f.swap_remove(a);
        self.gx.swap_remove(a);
        self.gy.swap_remove(a);
        for s in &mut self.s {
            s.swap_remove(a);
        }
    }
}

fn lanes_chunk(
    spec: &MapSpec,
    judge: &Judge,
    fast: Fast,
    ids: &[usize],
    control: &Control,
) -> Result<Vec<Cell>, Cancelled> {
    let surface = &spec.problem.surface;
    let opt = &spec.optimizer;
    let mut out = vec![Cell::EMPTY; ids.len()];
    let mut soa = Soa::with_capacity(ids.len());
    for (slot, &index) in ids.iter().enumerate() {
        let (i, j) = at(spec, index);
        let start = spec.start(i, j);
        let (f, g) = surface.value_grad(start);
        match judge.check(start.x, start.y, f, 0) {
            Some(outcome) => out[slot] = Cell { outcome, loss: f },
            None => soa.push(slot, start, f, g),
        }
    }
    let mut rng = StdRng::seed_from_u64(spec.problem.seed);
    let noise = noise_of(opt.kind, &opt.hyper);
    let mut updates = 0;
    for k in 0..spec.problem.steps {
        let n = soa.len();
        if n == 0 {
            break;
        }
        if k % CANCEL_EVERY == 0 && cancelled(control) {
            return Err(Cancelled);
        }
        updates += n as u64;
        if noise > 0.0 {
            // every run adds the same draw, as each run's own stream from the same seed does
            let xi = draw_noise(&mut rng) * noise;
            for (g, d) in [(&mut soa.gx, xi.x), (&mut soa.gy, xi.y)] {
                for g in &mut g[..n] {
                    *g += d;
                }
            }
        }
        let lr = opt.schedule.map_or(opt.hyper.lr, |s| s.lr(opt.hyper.lr, k));
        let step = Step {
            soa: &mut soa,
            fast,
            lr,
            t: k + 1,
            judge,
        };
        if !surface.with_formula(step) {
            continue;
        }
        let mut a = 0;
        while a < soa.len() {
            match judge.check(soa.x[a], soa.y[a], soa.f[a], k + 1) {
                Some(outcome) => {
                    out[soa.slot[a]] = Cell {
                        outcome,
                        loss: soa.f[a],
                    };
                    soa.swap_remove(a);
                }
                None => a += 1,
            }
        }
    }
    for (&slot, &loss) in soa.slot.iter().zip(&soa.f) {
        out[slot] = Cell {
            outcome: Outcome::NotConverged,
            loss,
        };
    }
    control.updates.fetch_add(updates, Ordering::Relaxed);
    Ok(out)
}

/// One step of every live run of a chunk, for [`Surface::with_formula`]: it returns whether
/// any run may have ended.
struct Step<'a> {
    soa: &'a mut Soa,
    fast: Fast,
    lr: f64,
    t: u64,
    judge: &'a Judge,
}

impl FormulaKernel for Step<'_> {
    type Output = bool;
    fn run<E: Fn(Dual1, Dual1) -> Dual1 + Copy>(self, eval: E) -> bool {
        let Step {
            soa,
            fast,
            lr,
            t,
            judge,
        } = self;
        match fast {
            Fast::Gd => advance(eval, GdUpdate { lr }, soa, judge),
            Fast::Momentum {
                mu,
                dampening,
                nesterov,
            } => {
                let rule = MomentumUpdate {
                    lr,
                    mu,
                    dampening,
                    nesterov,
                    first: t == 1,
                };
                advance(eval, rule, soa, judge)
            }
            Fast::Adam {
                beta1,
                beta2,
                eps,
                weight_decay,
                bias_correction,
            } => {
                let tf = t as f64;
                let (step_size, bc2_sqrt) = if bias_correction {
                    let bias_correction1 = 1.0 - beta1.powf(tf);
                    (lr / bias_correction1, (1.0 - beta2.powf(tf)).sqrt())
                } else {
                    (lr, 1.0)
                };
                let rule = AdamUpdate {
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                    bias_correction,
                    step_size,
                    bc2_sqrt,
                };
                advance(eval, rule, soa, judge)
            }
        }
    }
}

/// One coordinate's update of a lanes rule at one step: the arithmetic of the kind's catalog
/// rule in the same order (so the same bits). `a` and `b` are the coordinate's state.
trait Update: Copy {
    fn apply(self, w: f64, g: f64, a: &mut f64, b: &mut f64) -> f64;
}

#[derive(Clone, Copy)]
struct GdUpdate {
    lr: f64,
}

impl Update for GdUpdate {
    #[inline(always)]
    fn apply(self, w: f64, g: f64, _: &mut f64, _: &mut f64) -> f64 {
        w - self.lr * g
    }
}

/// Heavy ball (or Nesterov's look-ahead) with torch's buffer: `a` is the buffer.
#[derive(Clone, Copy)]
struct MomentumUpdate {
    lr: f64,
    mu: f64,
    dampening: f64,
    nesterov: bool,
    /// Step 1 starts the buffer at the gradient.
    first: bool,
}

impl Update for MomentumUpdate {
    #[inline(always)]
    fn apply(self, w: f64, g: f64, b: &mut f64, _: &mut f64) -> f64 {
        *b = if self.first {
            g
        } else {
            *b * self.mu + g * (1.0 - self.dampening)
        };
        let d = if self.nesterov { g + *b * self.mu } else { *b };
        w - self.lr * d
    }
}

/// Adam with the step's bias corrections worked out once: `a` is `exp_avg`, `b`
/// `exp_avg_sq`.
#[derive(Clone, Copy)]
struct AdamUpdate {
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    bias_correction: bool,
    step_size: f64,
    bc2_sqrt: f64,
}

impl Update for AdamUpdate {
    #[inline(always)]
    fn apply(self, w: f64, g: f64, m: &mut f64, v: &mut f64) -> f64 {
        let g = if self.weight_decay != 0.0 {
            g + w * self.weight_decay
        } else {
            g
        };
        *m = lerp1(*m, g, 1.0 - self.beta1);
        *v = *v * self.beta2 + (g * g) * (1.0 - self.beta2);
        let denom = if self.bias_correction {
            v.sqrt() / self.bc2_sqrt + self.eps
        } else {
            v.sqrt() + self.eps
        };
        w - *m / denom * self.step_size
    }
}

/// Update `t` of every live run, the loss and gradient at the new iterates, and whether any
/// run may have ended there, in one pass over the runs. This is the map's inner loop: it is
/// compiled again for AVX2 and AVX-512 and the best the processor has is picked at run time
/// (the default x86-64 target has 2-lane vectors of f64, AVX2 4 and AVX-512 8). No fused
/// multiply-add is formed (Rust never contracts `a * b + c`), so every version gives the same
/// bits as the stepping loop.
#[multiversion(targets = "simd")]
fn advance<E: Fn(Dual1, Dual1) -> Dual1 + Copy, U: Update>(
    eval: E,
    rule: U,
    soa: &mut Soa,
    judge: &Judge,
) -> bool {
    let n = soa.len();
    let [s0, s1, s2, s3] = &mut soa.s;
    let (s0, s1, s2, s3) = (&mut s0[..n], &mut s1[..n], &mut s2[..n], &mut s3[..n]);
    let (x, y, f) = (&mut soa.x[..n], &mut soa.y[..n], &mut soa.f[..n]);
    let (gx, gy) = (&mut soa.gx[..n], &mut soa.gy[..n]);
    let mut end = false;
    for i in 0..n {
        let xi = rule.apply(x[i], gx[i], &mut s0[i], &mut s2[i]);
        let yi = rule.apply(y[i], gy[i], &mut s1[i], &mut s3[i]);
        let r = eval(Dual1::var(xi, 0), Dual1::var(yi, 1));
        x[i] = xi;
        y[i] = yi;
        f[i] = r.v;
        gx[i] = r.d[0];
        gy[i] = r.d[1];
        end |= judge.may_leave(xi, yi, r.v);
    }
    end || judge.may_reach_any(x, y)
}
