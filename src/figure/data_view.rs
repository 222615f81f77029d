//! What the data panel draws, with no window: a data surface's examples (training and held
//! out) and each optimizer's model at the shown step — the fitted line, the logistic curve,
//! the tanh unit's curve — as curves over the feature range, with the minibatch size and
//! epoch each optimizer has reached. Parameter space and data space side by side, as every
//! regression lecture draws them; the window and exports paint this alike.

use crate::engine::Trajectory;
use crate::engine::data::epoch_of;
use crate::figure::palette;
use crate::scene::Scene;

/// Samples per model curve: smooth at any panel size (a tanh or logistic curve bends once).
const CURVE_SAMPLES: usize = 160;

/// One optimizer's model at the shown step.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelCurve {
    /// Index of the optimizer in the scene.
    pub optimizer: usize,
    pub label: String,
    pub color: [u8; 3],
    /// `[feature, prediction]` from the left to the right of the data.
    pub points: Vec<[f64; 2]>,
    /// Examples per minibatch.
    pub batch: usize,
    /// The epoch of the shown step (0 at the start).
    pub epoch: u64,
}

/// The data panel's content.
#[derive(Clone, Debug, PartialEq)]
pub struct DataView {
    pub train: Vec<[f64; 2]>,
    pub test: Vec<[f64; 2]>,
    pub curves: Vec<ModelCurve>,
    /// Feature range the curves cover (the data's, widened a little).
    pub x_range: [f64; 2],
    /// Target range of the examples, widened a little.
    pub y_range: [f64; 2],
    /// The model's prediction as a formula, e.g. `p = x·a + y`.
    pub formula: &'static str,
    /// Training examples, n.
    pub n: usize,
}

fn widen(lo: f64, hi: f64) -> [f64; 2] {
    let pad = ((hi - lo) * 0.08).max(0.25);
    [lo - pad, hi + pad]
}

impl DataView {
    /// The panel for `scene` at `step`, or `None` on a surface without data.
    /// `runs` holds one entry per scene optimizer (`None` for disabled ones).
    pub fn build(scene: &Scene, runs: &[Option<Trajectory>], step: usize) -> Option<DataView> {
        let run = |i: usize| runs.get(i).and_then(Option::as_ref);
        let d = scene.surface.data_surface()?;
        let train = d.train_set().examples.clone();
        let test = d.test_set().map(|t| t.examples.clone()).unwrap_or_default();
        let all = || train.iter().chain(&test);
        let (mut ax, mut bx) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut ay, mut by) = (f64::INFINITY, f64::NEG_INFINITY);
        for [a, b] in all() {
            ax = ax.min(*a);
            bx = bx.max(*a);
            ay = ay.min(*b);
            by = by.max(*b);
        }
        let x_range = widen(ax, bx);
        let y_range = widen(ay, by);
        let curves = scene
            .optimizers
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let (w, _) = run(i)?.at(step)?;
                let batch = o.spec.effective_batch(&scene.surface)?;
                let points = (0..CURVE_SAMPLES)
                    .map(|k| {
                        let a = x_range[0]
                            + (x_range[1] - x_range[0]) * k as f64 / (CURVE_SAMPLES - 1) as f64;
                        [a, d.predict(w.x, w.y, a)]
                    })
                    .filter(|p| p[1].is_finite())
                    .collect();
                let shown = run(i).map_or(0, |t| step.min(t.last_step()));
                Some(ModelCurve {
                    optimizer: i,
                    label: o.spec.label.clone(),
                    color: palette::color(i, o.color),
                    points,
                    batch,
                    epoch: epoch_of(shown as u64, d.len(), batch),
                })
            })
            .collect();
        Some(DataView {
            train,
            test,
            curves,
            x_range,
            y_range,
            formula: d.model().curve(),
            n: d.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Runs;

    #[test]
    fn each_optimizer_draws_its_model_at_the_step() {
        let scene = crate::scene::builtin("batch-minibatch-sgd").expect("builtin");
        let runs = Runs::compute(&scene);
        let v = DataView::build(&scene, &runs, 300).expect("a data scene");
        assert_eq!((v.n, v.train.len(), v.curves.len()), (20, 20, 3));
        let gd = &v.curves[0];
        let (w, _) = runs.get(0).and_then(|t| t.at(300)).expect("run");
        let [a, p] = gd.points[10];
        assert!(
            (p - (w.x * a + w.y)).abs() < 1e-12,
            "the fitted line at the step"
        );
        assert_eq!((gd.batch, gd.epoch), (20, 300));
        assert_eq!((v.curves[1].batch, v.curves[1].epoch), (5, 75));
        assert_eq!(v.curves[2].epoch, 15);
        assert!(DataView::build(&crate::scene::builtin("plateau").expect("b"), &runs, 0).is_none());
    }
}
