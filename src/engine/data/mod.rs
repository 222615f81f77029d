//! Data surfaces: a model with two parameters `w = (x, y)` fitted to a data set of examples
//! `(a, b)` (feature, target). The surface is the empirical risk, the mean loss over the
//! training examples plus `½·l2·‖w‖²` (CONTRACT.md, "Data surfaces and minibatches").
//!
//! Each model lives in its own file as a type implementing [`Model`]: its loss on one
//! example, written once over [`Real`] so gradients and Hessians are exact (dual numbers), and
//! its prediction, which the data panel draws. [`DataSurface`] holds the examples (normalized
//! once if asked) and evaluates the mean over all of them or over one minibatch; the minibatch
//! order itself is in [`batches`].

pub mod batches;
mod linear_regression;
mod logistic_regression;
mod tanh_unit;

pub use batches::{Minibatches, SplitMix64, batch_of_update, epoch_of};
pub use linear_regression::LinearRegression;
pub use logistic_regression::LogisticRegression;
pub use tanh_unit::TanhUnit;

use super::param::{Param, Range, Scale};
use super::real::Real;
use super::surfaces::{Info, ViewBox};

/// Most examples in a data set (training or test).
pub const MAX_EXAMPLES: usize = 100_000;

/// The surface parameter every data surface has: the penalty `l2`, index 0 of its values.
pub const PARAMS: [Param; 1] = [Param {
    key: "l2",
    label: "l2",
    range: Range::AtLeast(0.0),
    scale: Scale::Linear,
    slider: (0.0, 0.5),
    default: 0.0,
    help: "weight of the penalty ½·l2·(x² + y²) added to the mean loss",
}];

/// One model of the catalog.
pub trait Model {
    const INFO: Info;
    /// The prediction as shown next to the data.
    const CURVE: &'static str;
    /// Whether targets must be 0 or 1.
    const BINARY_TARGETS: bool = false;
    /// `ℓ(w; a, b)`, the loss of one example at `w = (x, y)`.
    fn loss<T: Real>(x: T, y: T, a: f64, b: f64) -> T;
    /// What the model predicts for feature `a` at `w = (x, y)` (normalized feature).
    fn predict(x: f64, y: f64, a: f64) -> f64;
}

/// The models, as a surface kind names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelKind {
    LinearRegression,
    LogisticRegression,
    TanhUnit,
}

/// Calls `$body` with `$M` bound to the model type of `$kind`.
macro_rules! with_model {
    ($kind:expr, $M:ident => $body:expr) => {
        match $kind {
            ModelKind::LinearRegression => {
                type $M = LinearRegression;
                $body
            }
            ModelKind::LogisticRegression => {
                type $M = LogisticRegression;
                $body
            }
            ModelKind::TanhUnit => {
                type $M = TanhUnit;
                $body
            }
        }
    };
}

impl ModelKind {
    pub const ALL: [ModelKind; 3] = [
        ModelKind::LinearRegression,
        ModelKind::LogisticRegression,
        ModelKind::TanhUnit,
    ];

    pub fn info(self) -> &'static Info {
        with_model!(self, M => &M::INFO)
    }

    pub fn key(self) -> &'static str {
        self.info().key
    }

    pub fn from_key(key: &str) -> Option<ModelKind> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The prediction's formula, as shown next to the data.
    pub fn curve(self) -> &'static str {
        with_model!(self, M => M::CURVE)
    }

    pub fn binary_targets(self) -> bool {
        with_model!(self, M => M::BINARY_TARGETS)
    }

    /// The model's prediction for feature `a` (already normalized) at `w = (x, y)`.
    pub fn predict(self, x: f64, y: f64, a: f64) -> f64 {
        with_model!(self, M => M::predict(x, y, a))
    }
}

/// The sums linear regression's risk is made of (n, Σa, Σa², Σb, Σab, Σb²).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sums {
    pub n: f64,
    pub a: f64,
    pub aa: f64,
    pub b: f64,
    pub ab: f64,
    pub bb: f64,
}

impl Sums {
    fn of(features: &[f64], targets: &[f64]) -> Self {
        let mut s = Sums::default();
        for (&a, &b) in features.iter().zip(targets) {
            s.n += 1.0;
            s.a += a;
            s.aa += a * a;
            s.b += b;
            s.ab += a * b;
            s.bb += b * b;
        }
        s
    }
}

/// Examples as given, one `[feature, target]` each.
pub type Examples = Vec<[f64; 2]>;

/// Where a data set came from, so a saved scene refers to it the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Written in the scene (or edited in the app).
    Inline,
    /// A CSV file, as the scene named it (relative to the scene's folder).
    File(String),
    /// A data set shipped with losscape, by name.
    Builtin(String),
}

/// A data set as given: its examples and where they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSet {
    pub examples: Examples,
    pub origin: Origin,
}

impl DataSet {
    pub fn inline(examples: Examples) -> Self {
        DataSet {
            examples,
            origin: Origin::Inline,
        }
    }
}

/// Examples ready for the loss: features (normalized if asked) and targets apart, so the
/// loops over them stream through memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    pub features: Vec<f64>,
    pub targets: Vec<f64>,
    sums: Sums,
}

impl Prepared {
    fn new(examples: &[[f64; 2]], scaling: Option<(f64, f64)>) -> Self {
        let features: Vec<f64> = examples
            .iter()
            .map(|e| scaling.map_or(e[0], |(mean, std)| (e[0] - mean) / std))
            .collect();
        let targets: Vec<f64> = examples.iter().map(|e| e[1]).collect();
        let sums = Sums::of(&features, &targets);
        Prepared {
            features,
            targets,
            sums,
        }
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }
}

/// A model over a training set (and optionally a held-out test set).
#[derive(Clone, Debug, PartialEq)]
pub struct DataSurface {
    model: ModelKind,
    normalize: bool,
    /// The training features' mean and population standard deviation, when normalized.
    scaling: Option<(f64, f64)>,
    /// The data sets as given (what a saved scene writes).
    raw_train: DataSet,
    raw_test: Option<DataSet>,
    train: Prepared,
    test: Option<Prepared>,
}

/// Why a data set cannot make a surface: one sentence.
pub type DataError = String;

/// Checks one data set's examples against the contract's rules for `model`.
pub fn check_examples(
    model: ModelKind,
    examples: &[[f64; 2]],
    what: &str,
) -> Result<(), DataError> {
    if examples.is_empty() {
        return Err(format!(
            "{what} is empty: give at least one example [feature, target]"
        ));
    }
    if examples.len() > MAX_EXAMPLES {
        return Err(format!(
            "{what} has {} examples; the limit is {MAX_EXAMPLES}",
            examples.len()
        ));
    }
    for (i, e) in examples.iter().enumerate() {
        if !(e[0].is_finite() && e[1].is_finite()) {
            return Err(format!(
                "{what}: example {} is [{:?}, {:?}]; every value must be finite",
                i + 1,
                e[0],
                e[1]
            ));
        }
        if model.binary_targets() && e[1] != 0.0 && e[1] != 1.0 {
            return Err(format!(
                "{what}: example {} has target {:?}; `{}` needs targets 0 or 1",
                i + 1,
                e[1],
                model.key()
            ));
        }
    }
    Ok(())
}

/// Mean and population standard deviation of the features.
fn feature_stats(examples: &[[f64; 2]]) -> (f64, f64) {
    let n = examples.len() as f64;
    let mean = examples.iter().map(|e| e[0]).sum::<f64>() / n;
    let var = examples.iter().map(|e| (e[0] - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

impl DataSurface {
    /// `model` fitted to `train`, its features standardized first if `normalize`; `test` is
    /// held out (scaled with the training statistics).
    pub fn new(
        model: ModelKind,
        raw_train: DataSet,
        normalize: bool,
        raw_test: Option<DataSet>,
    ) -> Result<Self, DataError> {
        let train = &raw_train.examples;
        check_examples(model, train, "`data`")?;
        if let Some(t) = &raw_test {
            check_examples(model, &t.examples, "`test_data`")?;
        }
        let scaling = if normalize {
            let (mean, std) = feature_stats(train);
            // a spread this small next to the mean is rounding, not data
            if std.is_nan() || std <= 1e-12 * mean.abs().max(1.0) || !std.is_finite() {
                return Err(format!(
                    "`normalize = true` needs features that vary, but every training feature \
                     is {mean:?}"
                ));
            }
            Some((mean, std))
        } else {
            None
        };
        Ok(DataSurface {
            model,
            normalize,
            scaling,
            train: Prepared::new(train, scaling),
            test: raw_test
                .as_ref()
                .map(|t| Prepared::new(&t.examples, scaling)),
            raw_train,
            raw_test,
        })
    }

    /// The training set as given.
    pub fn train_set(&self) -> &DataSet {
        &self.raw_train
    }

    /// The test set as given.
    pub fn test_set(&self) -> Option<&DataSet> {
        self.raw_test.as_ref()
    }

    /// The held-out examples as a surface of their own, scaled with the training statistics
    /// (so its loss is [`DataSurface::test_value`] without the penalty): the grid the test
    /// loss's contours are traced on. `None` without `test_data`.
    pub fn test_surface(&self) -> Option<DataSurface> {
        Some(DataSurface {
            model: self.model,
            normalize: self.normalize,
            scaling: self.scaling,
            train: self.test.clone()?,
            test: None,
            raw_train: self.raw_test.clone()?,
            raw_test: None,
        })
    }

    /// The loss of one minibatch (training examples at `batch`) as a surface of its own,
    /// scaled with the whole training set's statistics, as the run sees it: the landscape
    /// that minibatch's update descends. `None` for an empty batch or an index out of range.
    pub fn batch_surface(&self, batch: &[u32]) -> Option<DataSurface> {
        let examples: Vec<[f64; 2]> = batch
            .iter()
            .map(|&i| self.raw_train.examples.get(i as usize).copied())
            .collect::<Option<_>>()?;
        if examples.is_empty() {
            return None;
        }
        Some(DataSurface {
            model: self.model,
            normalize: self.normalize,
            scaling: self.scaling,
            train: Prepared::new(&examples, self.scaling),
            test: None,
            raw_train: DataSet::inline(examples),
            raw_test: None,
        })
    }

    /// The same model on other data (as the app's edits make), checked like a new one.
    pub fn with_data(&self, train: DataSet, test: Option<DataSet>) -> Result<Self, DataError> {
        Self::new(self.model, train, self.normalize, test)
    }

    /// The feature as the model reads it (normalized if asked).
    pub fn scale_feature(&self, a: f64) -> f64 {
        self.scaling.map_or(a, |(mean, std)| (a - mean) / std)
    }

    /// The model's prediction for a raw feature `a` at `w = (x, y)`.
    pub fn predict(&self, x: f64, y: f64, a: f64) -> f64 {
        self.model.predict(x, y, self.scale_feature(a))
    }

    pub fn model(&self) -> ModelKind {
        self.model
    }

    pub fn normalize(&self) -> bool {
        self.normalize
    }

    /// The training features' mean and std when normalized.
    pub fn scaling(&self) -> Option<(f64, f64)> {
        self.scaling
    }

    /// Training examples, n.
    pub fn len(&self) -> usize {
        self.train.len()
    }

    pub fn is_empty(&self) -> bool {
        self.train.is_empty()
    }

    /// The training examples as the loss reads them (features normalized).
    pub fn train(&self) -> &Prepared {
        &self.train
    }

    pub fn test(&self) -> Option<&Prepared> {
        self.test.as_ref()
    }

    /// The empirical risk over every training example plus the penalty.
    #[inline]
    pub fn eval<T: Real>(&self, l2: f64, x: T, y: T) -> T {
        with_model!(self.model, M => mean_loss::<M, T>(&self.train, 0..self.train.len(), x, y))
            + penalty(l2, x, y)
    }

    /// The loss of one minibatch (the examples at `batch`) plus the penalty.
    #[inline]
    pub fn eval_batch<T: Real>(&self, l2: f64, x: T, y: T, batch: &[u32]) -> T {
        let idx = batch.iter().map(|&i| i as usize);
        with_model!(self.model, M => mean_loss::<M, T>(&self.train, idx, x, y)) + penalty(l2, x, y)
    }

    /// The held-out examples' mean loss plus the same penalty, if there are any.
    pub fn test_value(&self, l2: f64, x: f64, y: f64) -> Option<f64> {
        let t = self.test.as_ref()?;
        Some(
            with_model!(self.model, M => mean_loss::<M, f64>(t, 0..t.len(), x, y))
                + penalty(l2, x, y),
        )
    }

    /// One grid row of the training risk: linear regression from its sums, the other models
    /// example by example (each example's loss added across the row, which streams).
    pub fn fill_row(&self, l2: f64, row: &mut [f64], xs: &[f64], y: f64) {
        if self.model == ModelKind::LinearRegression {
            let s = self.train.sums;
            for (v, &x) in row.iter_mut().zip(xs) {
                *v = LinearRegression::mean_loss(&s, x, y) + penalty(l2, x, y);
            }
            return;
        }
        row.fill(0.0);
        let n = self.train.len() as f64;
        with_model!(self.model, M => {
            for (&a, &b) in self.train.features.iter().zip(&self.train.targets) {
                for (v, &x) in row.iter_mut().zip(xs) {
                    *v += M::loss(x, y, a, b);
                }
            }
        });
        for (v, &x) in row.iter_mut().zip(xs) {
            *v = *v / n + penalty(l2, x, y);
        }
    }

    /// Local minima worth marking: linear regression's exact one; none claimed for the
    /// others (the caller may search).
    pub fn minima(&self, l2: f64) -> Vec<(f64, f64)> {
        match self.model {
            ModelKind::LinearRegression => LinearRegression::minimum(&self.train.sums, l2)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Saddles worth marking: the one-unit network's origin (every weight-space symmetry
    /// fixes it, and the gradient vanishes there).
    pub fn saddles(&self) -> Vec<(f64, f64)> {
        match self.model {
            ModelKind::TanhUnit => vec![(0.0, 0.0)],
            _ => Vec::new(),
        }
    }

    /// What to show first: around linear regression's minimum, the model's box otherwise.
    pub fn view_box(&self, l2: f64) -> ViewBox {
        let base = self.model.info().view;
        match self.minima(l2).first() {
            Some(&(x, y)) if x.is_finite() && y.is_finite() => {
                let h = 3.0_f64.max(1.5 * x.abs()).max(1.5 * y.abs()).min(1e5);
                ViewBox {
                    x: [x - h, x + h],
                    y: [y - h, y + h],
                }
            }
            _ => base,
        }
    }
}

/// `½·l2·(x² + y²)`; nothing (not even a zero) when there is no penalty, so the
/// derivatives are those of the data alone.
#[inline(always)]
fn penalty<T: Real>(l2: f64, x: T, y: T) -> T {
    if l2 == 0.0 {
        T::cst(0.0)
    } else {
        (x.sq() + y.sq()).mul_c(0.5 * l2)
    }
}

/// The mean of `M`'s loss over the examples at `idx`.
#[inline(always)]
fn mean_loss<M: Model, T: Real>(
    set: &Prepared,
    idx: impl ExactSizeIterator<Item = usize>,
    x: T,
    y: T,
) -> T {
    let count = idx.len();
    let mut sum = T::cst(0.0);
    for i in idx {
        sum = sum + M::loss(x, y, set.features[i], set.targets[i]);
    }
    sum.mul_c(1.0 / count.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::real::{Dual1, Dual2};

    const LINE: [[f64; 2]; 4] = [[1.0, 2.0], [2.0, 2.5], [3.0, 4.5], [4.0, 4.0]];

    fn set(data: &[[f64; 2]]) -> DataSet {
        DataSet::inline(data.to_vec())
    }

    fn surface(model: ModelKind, data: &[[f64; 2]]) -> DataSurface {
        DataSurface::new(model, set(data), false, None).expect("valid data")
    }

    #[test]
    fn linear_regression_grid_from_sums_equals_the_mean_over_examples() {
        let s = surface(ModelKind::LinearRegression, &LINE);
        let xs = [-2.0, 0.3, 1.7, 5.0];
        let mut row = [0.0; 4];
        s.fill_row(0.2, &mut row, &xs, -0.7);
        for (v, &x) in row.iter().zip(&xs) {
            let exact: f64 = s.eval(0.2, x, -0.7);
            assert!(
                (v - exact).abs() <= 1e-12 * exact.abs().max(1.0),
                "{v} vs {exact}"
            );
        }
    }

    #[test]
    fn linear_regression_minimum_has_zero_gradient() {
        let s = surface(ModelKind::LinearRegression, &LINE);
        let (x, y) = s.minima(0.1)[0];
        let g = s.eval(0.1, Dual1::var(x, 0), Dual1::var(y, 1));
        assert!(g.d[0].abs() < 1e-12 && g.d[1].abs() < 1e-12, "{:?}", g.d);
    }

    #[test]
    fn logistic_loss_is_finite_far_out_and_has_the_textbook_gradient() {
        let data = [[-1.0, 0.0], [2.0, 1.0]];
        let s = surface(ModelKind::LogisticRegression, &data);
        let f = s.eval(0.0, Dual2::var(1e6, 0), Dual2::var(-1e6, 1));
        assert!(f.v.is_finite() && f.d.iter().all(|d| d.is_finite()));
        // ∂ℓ/∂x = (σ(z) − b)·a
        let (x, y) = (0.4, -0.3);
        let g = s.eval(0.0, Dual1::var(x, 0), Dual1::var(y, 1));
        let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
        let want = (-sig(-x + y) + (sig(2.0 * x + y) - 1.0) * 2.0) / 2.0;
        assert!((g.d[0] - want).abs() < 1e-15);
    }

    #[test]
    fn tanh_unit_is_symmetric_under_flipping_both_weights() {
        let s = surface(ModelKind::TanhUnit, &LINE);
        let (f, g): (f64, f64) = (s.eval(0.0, 0.8, -1.3), s.eval(0.0, -0.8, 1.3));
        assert_eq!(f, g);
        let o = s.eval(0.0, Dual1::var(0.0, 0), Dual1::var(0.0, 1));
        assert_eq!(o.d, [0.0, 0.0], "the origin is stationary");
    }

    #[test]
    fn minibatch_of_everything_is_the_full_loss() {
        let s = surface(ModelKind::TanhUnit, &LINE);
        let all: f64 = s.eval_batch(0.3, 0.5, 0.5, &[3, 1, 0, 2]);
        let full: f64 = s.eval(0.3, 0.5, 0.5);
        assert!((all - full).abs() < 1e-15);
        let one: f64 = s.eval_batch(0.0, 0.5, 0.5, &[2]);
        assert_eq!(one, TanhUnit::loss(0.5, 0.5, 3.0, 4.5));
    }

    #[test]
    fn bad_data_is_refused_with_a_reason() {
        let lin = ModelKind::LinearRegression;
        let new = |m, d: &[[f64; 2]], norm| DataSurface::new(m, set(d), norm, None).unwrap_err();
        assert!(new(lin, &[], false).contains("empty"));
        let nan = new(lin, &[[1.0, f64::NAN]], false);
        assert!(nan.contains("finite"), "{nan}");
        assert!(new(ModelKind::LogisticRegression, &[[1.0, 0.5]], false).contains("0 or 1"));
        let flat = new(lin, &[[2.0, 1.0], [2.0, 3.0]], true);
        assert!(flat.contains("normalize"), "{flat}");
    }

    #[test]
    fn normalized_features_have_mean_zero_and_unit_spread() {
        let s = DataSurface::new(
            ModelKind::LinearRegression,
            set(&LINE),
            true,
            Some(set(&LINE)),
        )
        .expect("ok");
        let f = &s.train().features;
        let mean = f.iter().sum::<f64>() / 4.0;
        let var = f.iter().map(|v| v * v).sum::<f64>() / 4.0;
        assert!(mean.abs() < 1e-15 && (var - 1.0).abs() < 1e-12);
        assert_eq!(s.test().map(|t| t.features.clone()), Some(f.clone()));
    }
}
