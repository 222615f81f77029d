//! The surface catalog. Each surface lives in its own file as a type
//! implementing [`Formula`]: its [`Info`] (key, name, formula text, parameters, view box,
//! default start), the formula written once, generic over [`Real`] (so values, gradients and
//! Hessians all come from it), its known minima and saddles, and optionally a fast path for
//! sampling whole grid rows.
//!
//! The list of kinds is derived from one registration list ([`catalog!`] below): adding a
//! surface is its file plus one line there. Surfaces know nothing of optimizers; the stepping
//! loop only asks them for values, gradients and Hessians.

use super::data::{DataSurface, ModelKind};
use super::formula::{DEFAULT_VIEW, TypedSurface};
use super::param::Param;
use super::real::{Dual1, Dual2, Real};
use super::{Mat2, Vec2};
use std::sync::Arc;

/// Most parameters a surface may have.
pub const MAX_PARAMS: usize = 3;

/// An axis-aligned rectangle of parameter space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewBox {
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl ViewBox {
    pub const fn square(h: f64) -> Self {
        ViewBox {
            x: [-h, h],
            y: [-h, h],
        }
    }
    pub fn width(&self) -> f64 {
        self.x[1] - self.x[0]
    }
    pub fn height(&self) -> f64 {
        self.y[1] - self.y[0]
    }
    pub fn contains(&self, p: Vec2) -> bool {
        p.x >= self.x[0] && p.x <= self.x[1] && p.y >= self.y[0] && p.y <= self.y[1]
    }
}

/// What a user and a scene file see of a surface.
#[derive(Clone, Copy, Debug)]
pub struct Info {
    /// The name used in scene files.
    pub key: &'static str,
    pub name: &'static str,
    /// The formula as shown to a user.
    pub formula: &'static str,
    /// At most [`MAX_PARAMS`]; a parameter's `key` is its name in the `[surface]` table.
    pub params: &'static [Param],
    /// What the app shows first.
    pub view: ViewBox,
    /// Where a new scene on this surface starts.
    pub start: (f64, f64),
}

/// A surface's parameter values, and what its formula derives from them once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Values of `Info::params`, in that order (unused slots are 0).
    pub values: [f64; MAX_PARAMS],
    /// Constants computed once per parameter change ([`Formula::derive`]).
    pub derived: [f64; 3],
}

/// One surface of the catalog.
pub trait Formula {
    const INFO: Info;

    /// Constants the formula needs, computed once from the parameter values (the
    /// quadratic's Hessian from κ and θ).
    fn derive(_values: &[f64; MAX_PARAMS]) -> [f64; 3] {
        [0.0; 3]
    }

    /// The formula, for any [`Real`]. Implementations are `#[inline(always)]`:
    /// a grid row inlines it into its loop.
    fn eval<T: Real>(p: &Params, x: T, y: T) -> T;

    /// Approximate local minima worth marking (refined numerically by the caller).
    fn minima(_p: &Params) -> Vec<(f64, f64)> {
        Vec::new()
    }

    /// Saddle points worth marking.
    fn saddles(_p: &Params) -> Vec<(f64, f64)> {
        Vec::new()
    }

    /// For a surface that is a function of x plus one of y: the x part at each abscissa, so
    /// a grid needs its costly terms once per column and once per row instead of once per
    /// point. `None` for a surface without this form.
    fn columns(_p: &Params, _xs: &[f64]) -> Option<Vec<f64>> {
        None
    }

    /// One grid row at height `y`: `row[i]` is the surface at `(xs[i], y)`, bit for bit what
    /// [`Formula::eval`] gives. `columns` is what [`Formula::columns`] returned.
    ///
    /// `p` is a local copy, whose fields the optimiser then knows cannot change while the row
    /// is written (through a shared reference it must assume they might, and reloads them
    /// every point); with the kind matched outside the loop, `eval` is straight-line
    /// arithmetic that vectorises. Together these make Rosenbrock about 3× faster.
    #[inline(always)]
    fn fill_row(p: Params, row: &mut [f64], xs: &[f64], _columns: Option<&[f64]>, y: f64) {
        for (v, &x) in row.iter_mut().zip(xs) {
            *v = Self::eval(&p, x, y);
        }
    }
}

/// Work a grid shares between its rows (see [`Surface::row_plan`]).
#[derive(Clone, Debug, Default)]
pub struct RowPlan {
    columns: Option<Vec<f64>>,
}

impl RowPlan {
    /// Whether the surface took its separable fast path.
    pub fn is_separable(&self) -> bool {
        self.columns.is_some()
    }
}

/// Declares the catalog: one line per surface, `Variant => module` (the module defines a
/// type named like the variant that implements [`Formula`]).
macro_rules! catalog {
    ($($kind:ident => $module:ident,)*) => {
        $(mod $module;)*

        /// The names of the catalog, in the order the app lists them, and `Formula`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SurfaceKind {
            $($kind,)*
            /// A formula the user typed ([`crate::engine::formula`]); not in
            /// [`SurfaceKind::ALL`], which lists the catalog.
            Formula,
            /// A model fitted to data ([`crate::engine::data`]); not in [`SurfaceKind::ALL`].
            Data(ModelKind),
        }

        const COUNT: usize = [$(SurfaceKind::$kind),*].len();

        $(const _: () = assert!(
            <$module::$kind as Formula>::INFO.params.len() <= MAX_PARAMS,
            "a surface has more parameters than MAX_PARAMS"
        );)*

        impl SurfaceKind {
            pub const ALL: [SurfaceKind; COUNT] = [$(SurfaceKind::$kind),*];

            pub fn info(self) -> &'static Info {
                match self {
                    $(SurfaceKind::$kind => &<$module::$kind as Formula>::INFO,)*
                    SurfaceKind::Formula => &TYPED_INFO,
                    SurfaceKind::Data(m) => m.info(),
                }
            }
        }

        impl Surface {
            fn derive(kind: SurfaceKind, values: &[f64; MAX_PARAMS]) -> [f64; 3] {
                match kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::derive(values),)*
                    SurfaceKind::Formula | SurfaceKind::Data(_) => [0.0; 3],
                }
            }

            /// The formula, for any [`Real`].
            #[inline(always)]
            pub fn eval<T: Real>(&self, x: T, y: T) -> T {
                match self.kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::eval(&self.params, x, y),)*
                    SurfaceKind::Formula => match &self.typed {
                        Some(t) => t.formula().eval(x, y),
                        None => T::cst(f64::NAN),
                    },
                    SurfaceKind::Data(_) => match &self.data {
                        Some(d) => d.eval(self.params.values[0], x, y),
                        None => T::cst(f64::NAN),
                    },
                }
            }

            /// Loss and exact gradient at many points at once: `f[i]`, `gx[i]`, `gy[i]` at
            /// `(xs[i], ys[i])`, bit for bit what [`Surface::value_grad`] gives. The kind is
            /// matched once, outside the loop, so the formula inlines into it (the batched
            /// runner of [`crate::engine::map`] evaluates a whole row of runs this way).
            pub fn value_grad_lanes(&self, xs: &[f64], ys: &[f64], f: &mut [f64], gx: &mut [f64], gy: &mut [f64]) {
                self.with_formula(Lanes { xs, ys, f, gx, gy })
            }

            /// Runs `kernel` with this surface's formula as a closure over [`Dual1`] (value and
            /// gradient) that the compiler inlines into the kernel's loops: the kind is matched
            /// once, outside them.
            pub fn with_formula<K: FormulaKernel>(&self, kernel: K) -> K::Output {
                let p = self.params;
                match self.kind {
                    $(SurfaceKind::$kind => kernel.run(|x, y| <$module::$kind as Formula>::eval(&p, x, y)),)*
                    SurfaceKind::Formula | SurfaceKind::Data(_) => kernel.run(|x, y| self.eval(x, y)),
                }
            }

            fn approximate_minima(&self) -> Vec<(f64, f64)> {
                match self.kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::minima(&self.params),)*
                    // searched when the formula was compiled (see `minima`)
                    SurfaceKind::Formula => Vec::new(),
                    SurfaceKind::Data(_) => self
                        .data
                        .as_ref()
                        .map_or_else(Vec::new, |d| d.minima(self.params.values[0])),
                }
            }

            /// Saddle points worth marking.
            pub fn saddles(&self) -> Vec<Vec2> {
                let s = match self.kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::saddles(&self.params),)*
                    SurfaceKind::Formula => Vec::new(),
                    SurfaceKind::Data(_) => self.data.as_ref().map_or_else(Vec::new, |d| d.saddles()),
                };
                s.into_iter().map(|(x, y)| Vec2::new(x, y)).collect()
            }

            /// What every row of a grid over abscissae `xs` shares: the column parts of a
            /// separable surface.
            pub fn row_plan(&self, xs: &[f64]) -> RowPlan {
                let columns = match self.kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::columns(&self.params, xs),)*
                    SurfaceKind::Formula | SurfaceKind::Data(_) => None,
                };
                RowPlan { columns }
            }

            /// One grid row: `row[i]` is the surface at `(xs[i], y)`. The kind is matched
            /// here, outside the loop (see [`Formula::fill_row`]); the match is generated
            /// from the catalog, so no surface can be left out.
            #[inline(always)]
            pub fn fill_row(&self, plan: &RowPlan, row: &mut [f64], xs: &[f64], y: f64) {
                let p = self.params;
                let columns = plan.columns.as_deref();
                match self.kind {
                    $(SurfaceKind::$kind => <$module::$kind as Formula>::fill_row(p, row, xs, columns, y),)*
                    // a typed formula: its program, without the dispatch on the kind
                    SurfaceKind::Formula => match &self.typed {
                        Some(t) => {
                            for (v, &x) in row.iter_mut().zip(xs) {
                                *v = t.formula().eval(x, y);
                            }
                        }
                        None => row.fill(f64::NAN),
                    },
                    SurfaceKind::Data(_) => match &self.data {
                        Some(d) => d.fill_row(p.values[0], row, xs, y),
                        None => row.fill(f64::NAN),
                    },
                }
            }
        }
    };
}

catalog! {
    Quadratic => quadratic,
    Rosenbrock => rosenbrock,
    Himmelblau => himmelblau,
    Beale => beale,
    Saddle => saddle,
    Rastrigin => rastrigin,
    SixHumpCamel => six_hump_camel,
    Wells => wells,
    Plateau => plateau,
    Cliff => cliff,
    SharpFlat => sharp_flat,
    NarrowingValley => narrowing_valley,
}

impl SurfaceKind {
    /// The name used in scene files.
    pub fn key(self) -> &'static str {
        self.info().key
    }

    /// A catalog name, `formula`, or a data model's name.
    pub fn from_key(key: &str) -> Option<SurfaceKind> {
        Self::ALL
            .into_iter()
            .chain([SurfaceKind::Formula])
            .chain(ModelKind::ALL.map(SurfaceKind::Data))
            .find(|k| k.key() == key)
    }

    /// The model, for a data surface.
    pub fn model(self) -> Option<ModelKind> {
        match self {
            SurfaceKind::Data(m) => Some(m),
            _ => None,
        }
    }

    pub fn display_name(self) -> &'static str {
        self.info().name
    }

    /// The formula as shown to a user.
    pub fn formula(self) -> &'static str {
        self.info().formula
    }

    pub fn params(self) -> &'static [Param] {
        self.info().params
    }

    pub fn view_box(self) -> ViewBox {
        self.info().view
    }

    /// Where a new scene on this surface starts.
    pub fn default_start(self) -> Vec2 {
        let (x, y) = self.info().start;
        Vec2::new(x, y)
    }
}

/// What [`SurfaceKind::Formula`] says of itself before a formula is typed.
const TYPED_INFO: Info = Info {
    key: "formula",
    name: "Your formula",
    formula: "f(x, y) as typed",
    params: &[],
    view: DEFAULT_VIEW,
    start: (-2.1, 2.1),
};

/// A surface of the catalog with its parameter values, or a typed formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Surface {
    kind: SurfaceKind,
    params: Params,
    /// The formula of kind [`SurfaceKind::Formula`], shared by every copy of the scene.
    typed: Option<Arc<TypedSurface>>,
    /// The model and examples of a data surface ([`SurfaceKind::Data`]), shared likewise.
    data: Option<Arc<DataSurface>>,
}

impl Surface {
    /// The surface with its default parameters.
    pub fn new(kind: SurfaceKind) -> Self {
        let mut values = [0.0; MAX_PARAMS];
        for (v, p) in values.iter_mut().zip(kind.params()) {
            *v = p.default;
        }
        Self::with_values(kind, values)
    }

    /// The surface with explicit parameter values (in the order of `kind.params()`);
    /// range checks belong to the scene layer.
    pub fn with_values(kind: SurfaceKind, values: [f64; MAX_PARAMS]) -> Self {
        Surface {
            kind,
            params: Params {
                values,
                derived: Self::derive(kind, &values),
            },
            typed: None,
            data: None,
        }
    }

    /// A typed formula as a surface.
    pub fn typed(t: TypedSurface) -> Self {
        Surface {
            typed: Some(Arc::new(t)),
            ..Self::new(SurfaceKind::Formula)
        }
    }

    /// A model fitted to data, with penalty `l2`.
    pub fn data(d: DataSurface, l2: f64) -> Self {
        let kind = SurfaceKind::Data(d.model());
        Surface {
            data: Some(Arc::new(d)),
            ..Self::with_values(kind, [l2, 0.0, 0.0])
        }
    }

    /// The model and examples of a data surface.
    pub fn data_surface(&self) -> Option<&DataSurface> {
        self.data.as_deref()
    }

    /// The test loss of a data surface with `test_data` as a surface (the same penalty), to
    /// sample on a grid like any other.
    pub fn test_surface(&self) -> Option<Surface> {
        let test = self.data.as_deref()?.test_surface()?;
        Some(Surface::data(test, self.l2()))
    }

    /// The penalty of a data surface (0 elsewhere).
    pub fn l2(&self) -> f64 {
        if self.data.is_some() {
            self.params.values[0]
        } else {
            0.0
        }
    }

    /// Loss and exact gradient of one minibatch (indices into the training set) of a data
    /// surface; the whole surface's otherwise.
    pub fn batch_value_grad(&self, w: Vec2, batch: &[u32]) -> (f64, Vec2) {
        let Some(d) = &self.data else {
            return self.value_grad(w);
        };
        let f = d.eval_batch(self.l2(), Dual1::var(w.x, 0), Dual1::var(w.y, 1), batch);
        (f.v, Vec2::new(f.d[0], f.d[1]))
    }

    /// The exact Hessian of one minibatch's loss (see [`Surface::batch_value_grad`]).
    pub fn batch_hessian(&self, w: Vec2, batch: &[u32]) -> Mat2 {
        let Some(d) = &self.data else {
            return self.hessian(w);
        };
        let f = d.eval_batch(self.l2(), Dual2::var(w.x, 0), Dual2::var(w.y, 1), batch);
        let [hxx, hxy, hyy] = f.h;
        Mat2::new(hxx, hxy, hxy, hyy)
    }

    /// How many examples one value of the surface reads: n for a data surface whose grid
    /// goes example by example, 1 otherwise (linear regression's grid uses its sums).
    pub fn point_cost(&self) -> usize {
        match &self.data {
            Some(d) if d.model() != ModelKind::LinearRegression => d.len().max(1),
            _ => 1,
        }
    }

    /// The held-out examples' loss at `w`, for a data surface with `test_data`.
    pub fn test_value(&self, w: Vec2) -> Option<f64> {
        self.data.as_ref()?.test_value(self.l2(), w.x, w.y)
    }

    pub fn kind(&self) -> SurfaceKind {
        self.kind
    }

    /// The typed formula, for a surface of kind [`SurfaceKind::Formula`].
    pub fn typed_surface(&self) -> Option<&TypedSurface> {
        self.typed.as_deref()
    }

    pub fn values(&self) -> [f64; MAX_PARAMS] {
        self.params.values
    }

    /// The value of the parameter `key`, if this surface has it.
    pub fn param(&self, key: &str) -> Option<f64> {
        let i = self.kind.params().iter().position(|p| p.key == key)?;
        Some(self.params.values[i])
    }

    /// A copy with parameter `key` set; unknown keys leave it unchanged. (A typed
    /// formula's constants are set through [`crate::engine::formula::Formula::with_constant`].)
    pub fn with_param(&self, key: &str, value: f64) -> Self {
        let Some(i) = self.kind.params().iter().position(|p| p.key == key) else {
            return self.clone();
        };
        let mut values = self.params.values;
        values[i] = value;
        Surface {
            typed: self.typed.clone(),
            data: self.data.clone(),
            ..Self::with_values(self.kind, values)
        }
    }

    #[inline]
    pub fn value(&self, w: Vec2) -> f64 {
        self.eval(w.x, w.y)
    }

    /// Loss and exact gradient in one pass.
    #[inline]
    pub fn value_grad(&self, w: Vec2) -> (f64, Vec2) {
        let f = self.eval(Dual1::var(w.x, 0), Dual1::var(w.y, 1));
        (f.v, Vec2::new(f.d[0], f.d[1]))
    }

    #[inline]
    pub fn grad(&self, w: Vec2) -> Vec2 {
        self.value_grad(w).1
    }

    /// Loss, exact gradient and exact Hessian in one pass.
    pub fn value_grad_hess(&self, w: Vec2) -> (f64, Vec2, Mat2) {
        let f = self.eval(Dual2::var(w.x, 0), Dual2::var(w.y, 1));
        let [hxx, hxy, hyy] = f.h;
        (
            f.v,
            Vec2::new(f.d[0], f.d[1]),
            Mat2::new(hxx, hxy, hxy, hyy),
        )
    }

    pub fn hessian(&self, w: Vec2) -> Mat2 {
        self.value_grad_hess(w).2
    }

    /// What the app shows first.
    pub fn view_box(&self) -> ViewBox {
        match (&self.typed, &self.data) {
            (Some(t), _) => t.view_box(),
            (None, Some(d)) => d.view_box(self.l2()),
            (None, None) => self.kind.view_box(),
        }
    }

    /// Where a new scene on this surface starts.
    pub fn default_start(&self) -> Vec2 {
        match &self.typed {
            Some(t) => t.default_start(),
            None => self.kind.default_start(),
        }
    }

    /// Local minima worth marking, refined numerically so markers sit exactly on them.
    pub fn minima(&self) -> Vec<Vec2> {
        if let Some(t) = &self.typed {
            // searched once when the formula was compiled, already exact
            return t.minima().to_vec();
        }
        self.approximate_minima()
            .into_iter()
            .map(|(x, y)| self.refine_stationary(Vec2::new(x, y)))
            .collect()
    }

    /// A few Newton steps from a close guess; keeps the guess if they wander off.
    fn refine_stationary(&self, guess: Vec2) -> Vec2 {
        let mut w = guess;
        for _ in 0..50 {
            let (_, g, h) = self.value_grad_hess(w);
            let Some(step) = h.lu().solve(&g) else { break };
            w -= step;
            if step.norm() < 1e-15 {
                break;
            }
        }
        let moved = (w - guess).norm();
        if w.iter().all(|v| v.is_finite()) && moved < 0.5 && self.grad(w).norm() < 1e-8 {
            w
        } else {
            guess
        }
    }

    /// Eigenvalues of the Hessian at `w`, smallest first.
    pub fn hessian_eigenvalues(&self, w: Vec2) -> [f64; 2] {
        symmetric_eigenvalues(&self.hessian(w))
    }

    /// The largest stable learning rate of `kind` with hyperparameters `h` on the curvature
    /// at `w` (exact on a quadratic), for kinds that have such a bound; `None` where the
    /// largest curvature is not positive.
    pub fn stable_lr(&self, w: Vec2, kind: super::OptimizerKind, h: &super::Hyper) -> Option<f64> {
        let lam = self.hessian_eigenvalues(w)[1];
        let bound = kind.stability()?;
        (lam > 0.0 && lam.is_finite()).then(|| (bound.max_lr)(h, lam))
    }
}

/// Code written once for every surface's formula, handed it by [`Surface::with_formula`].
pub trait FormulaKernel {
    type Output;
    /// `eval(x, y)` is the surface at `(x, y)` for dual numbers seeded by [`Dual1::var`].
    fn run<E: Fn(Dual1, Dual1) -> Dual1 + Copy>(self, eval: E) -> Self::Output;
}

/// [`Surface::value_grad_lanes`]'s arrays.
struct Lanes<'a> {
    xs: &'a [f64],
    ys: &'a [f64],
    f: &'a mut [f64],
    gx: &'a mut [f64],
    gy: &'a mut [f64],
}

impl FormulaKernel for Lanes<'_> {
    type Output = ();
    fn run<E: Fn(Dual1, Dual1) -> Dual1 + Copy>(self, eval: E) {
        value_grad_lanes(eval, self.xs, self.ys, self.f, self.gx, self.gy);
    }
}

/// The loop of [`Surface::value_grad_lanes`] for one formula `eval`.
#[inline(always)]
fn value_grad_lanes(
    eval: impl Fn(Dual1, Dual1) -> Dual1,
    xs: &[f64],
    ys: &[f64],
    f: &mut [f64],
    gx: &mut [f64],
    gy: &mut [f64],
) {
    let n = xs
        .len()
        .min(ys.len())
        .min(f.len())
        .min(gx.len())
        .min(gy.len());
    let (xs, ys, f, gx, gy) = (&xs[..n], &ys[..n], &mut f[..n], &mut gx[..n], &mut gy[..n]);
    for i in 0..n {
        let r = eval(Dual1::var(xs[i], 0), Dual1::var(ys[i], 1));
        f[i] = r.v;
        gx[i] = r.d[0];
        gy[i] = r.d[1];
    }
}

/// Eigenvalues of a symmetric 2×2 matrix, smallest first, in closed form.
fn symmetric_eigenvalues(h: &Mat2) -> [f64; 2] {
    let mean = 0.5 * (h[(0, 0)] + h[(1, 1)]);
    let half_diff = 0.5 * (h[(0, 0)] - h[(1, 1)]);
    let radius = half_diff.hypot(h[(0, 1)]);
    [mean - radius, mean + radius]
}
