//! The surface catalog of CONTRACT.md: each formula written once, generic over [`Real`],
//! with its parameters, view box, known minima and default start.
//!
//! Surfaces know nothing of optimizers; the stepping loop only asks them for values,
//! gradients and Hessians.

use super::real::{Dual1, Dual2, Real};
use super::{Mat2, Vec2};
use std::f64::consts::PI;

/// The names of the catalog, in the order the app lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SurfaceKind {
    Quadratic,
    Rosenbrock,
    Himmelblau,
    Beale,
    Saddle,
    Rastrigin,
    SixHumpCamel,
    Wells,
    Plateau,
    Cliff,
    SharpFlat,
    NarrowingValley,
}

/// A surface parameter: its key in the scene file, default and valid range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurfaceParam {
    pub key: &'static str,
    pub default: f64,
    /// Valid values (inclusive); infinite bounds mean "any finite value".
    pub min: f64,
    pub max: f64,
    /// The range a slider offers; values outside it are still valid in a file.
    pub slider: (f64, f64),
    pub log: bool,
    pub help: &'static str,
}

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

const KAPPA: SurfaceParam = SurfaceParam {
    key: "kappa",
    default: 10.0,
    min: 1.0,
    max: f64::INFINITY,
    slider: (1.0, 1000.0),
    log: true,
    help: "condition number κ = λmax/λmin of the Hessian",
};
const THETA: SurfaceParam = SurfaceParam {
    key: "theta",
    default: 0.0,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    slider: (-90.0, 90.0),
    log: false,
    help: "rotation of the valley in degrees; 0 aligns it with the axes",
};
const ROSEN_A: SurfaceParam = SurfaceParam {
    key: "a",
    default: 1.0,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    slider: (-2.0, 2.0),
    log: false,
    help: "the minimum sits at (a, a²)",
};
const ROSEN_B: SurfaceParam = SurfaceParam {
    key: "b",
    default: 100.0,
    min: 0.0,
    max: f64::INFINITY,
    slider: (0.0, 200.0),
    log: false,
    help: "steepness of the curved valley's walls",
};

const VALLEY_SHARP: SurfaceParam = SurfaceParam {
    key: "sharp",
    default: 20.0,
    min: f64::MIN_POSITIVE,
    max: f64::INFINITY,
    slider: (1.0, 100.0),
    log: true,
    help: "curvature across the valley at its sharp end (x < 0)",
};
const VALLEY_WIDE: SurfaceParam = SurfaceParam {
    key: "wide",
    default: 1.0,
    min: f64::MIN_POSITIVE,
    max: f64::INFINITY,
    slider: (0.1, 20.0),
    log: true,
    help: "curvature across the valley at its wide end (x > 0)",
};
const VALLEY_MU: SurfaceParam = SurfaceParam {
    key: "mu",
    default: 0.2,
    min: f64::MIN_POSITIVE,
    max: f64::INFINITY,
    slider: (0.01, 2.0),
    log: true,
    help: "height of the ridge along the valley between its two minima",
};

impl SurfaceKind {
    pub const ALL: [SurfaceKind; 12] = [
        SurfaceKind::Quadratic,
        SurfaceKind::Rosenbrock,
        SurfaceKind::Himmelblau,
        SurfaceKind::Beale,
        SurfaceKind::Saddle,
        SurfaceKind::Rastrigin,
        SurfaceKind::SixHumpCamel,
        SurfaceKind::Wells,
        SurfaceKind::Plateau,
        SurfaceKind::Cliff,
        SurfaceKind::SharpFlat,
        SurfaceKind::NarrowingValley,
    ];

    /// The name used in scene files.
    pub fn key(self) -> &'static str {
        match self {
            SurfaceKind::Quadratic => "quadratic",
            SurfaceKind::Rosenbrock => "rosenbrock",
            SurfaceKind::Himmelblau => "himmelblau",
            SurfaceKind::Beale => "beale",
            SurfaceKind::Saddle => "saddle",
            SurfaceKind::Rastrigin => "rastrigin",
            SurfaceKind::SixHumpCamel => "six_hump_camel",
            SurfaceKind::Wells => "wells",
            SurfaceKind::Plateau => "plateau",
            SurfaceKind::Cliff => "cliff",
            SurfaceKind::SharpFlat => "sharp_flat",
            SurfaceKind::NarrowingValley => "narrowing_valley",
        }
    }

    pub fn from_key(key: &str) -> Option<SurfaceKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn display_name(self) -> &'static str {
        match self {
            SurfaceKind::Quadratic => "Quadratic ravine",
            SurfaceKind::Rosenbrock => "Rosenbrock",
            SurfaceKind::Himmelblau => "Himmelblau",
            SurfaceKind::Beale => "Beale",
            SurfaceKind::Saddle => "Saddle",
            SurfaceKind::Rastrigin => "Rastrigin",
            SurfaceKind::SixHumpCamel => "Six-hump camel",
            SurfaceKind::Wells => "Three wells",
            SurfaceKind::Plateau => "Plateau",
            SurfaceKind::Cliff => "Cliff",
            SurfaceKind::SharpFlat => "Sharp vs flat minima",
            SurfaceKind::NarrowingValley => "Narrowing valley",
        }
    }

    /// The formula as shown to a user.
    pub fn formula(self) -> &'static str {
        match self {
            SurfaceKind::Quadratic => "½ w^T H w,  H = R(θ) diag(1, κ) R(θ)^T",
            SurfaceKind::Rosenbrock => "(a − x)² + b (y − x²)²",
            SurfaceKind::Himmelblau => "(x² + y − 11)² + (x + y² − 7)²",
            SurfaceKind::Beale => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            SurfaceKind::Saddle => "x² + y⁴/4 − y²/2",
            SurfaceKind::Rastrigin => "20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
            SurfaceKind::SixHumpCamel => "(4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²",
            SurfaceKind::Wells => "0.05 ‖w‖² − Σ a_i exp(−‖w − c_i‖² / 2 s_i²), three wells",
            SurfaceKind::Plateau => "1 − exp(−(x² + y²))",
            SurfaceKind::Cliff => "0.05 ‖w‖² + 10 σ(30 (x − 1))",
            SurfaceKind::SharpFlat => {
                "0.02 ‖w‖² − exp(−‖w − (−1, 0)‖² / 2·0.15²) − 0.8 exp(−‖w − (1.5, 0)‖² / 2)"
            }
            SurfaceKind::NarrowingValley => {
                "½ λ(x) y² + μ ((x/1.5)² − 1)²,  λ(x) = wide + (sharp − wide) σ(−2x)"
            }
        }
    }

    pub fn params(self) -> &'static [SurfaceParam] {
        match self {
            SurfaceKind::Quadratic => &[KAPPA, THETA],
            SurfaceKind::Rosenbrock => &[ROSEN_A, ROSEN_B],
            SurfaceKind::NarrowingValley => &[VALLEY_SHARP, VALLEY_WIDE, VALLEY_MU],
            _ => &[],
        }
    }

    pub fn view_box(self) -> ViewBox {
        match self {
            SurfaceKind::Quadratic | SurfaceKind::Saddle => ViewBox::square(2.0),
            SurfaceKind::Rosenbrock => ViewBox {
                x: [-2.0, 2.0],
                y: [-1.0, 3.0],
            },
            SurfaceKind::Himmelblau => ViewBox::square(5.0),
            SurfaceKind::Beale => ViewBox::square(4.5),
            SurfaceKind::Rastrigin => ViewBox::square(5.12),
            SurfaceKind::SixHumpCamel | SurfaceKind::NarrowingValley => ViewBox {
                x: [-3.0, 3.0],
                y: [-2.0, 2.0],
            },
            SurfaceKind::Wells
            | SurfaceKind::Plateau
            | SurfaceKind::Cliff
            | SurfaceKind::SharpFlat => ViewBox::square(3.0),
        }
    }

    /// Where a new scene on this surface starts.
    pub fn default_start(self) -> Vec2 {
        let (x, y) = match self {
            SurfaceKind::Quadratic => (1.5, 1.5),
            SurfaceKind::Rosenbrock => (-1.5, 2.0),
            SurfaceKind::Himmelblau => (0.0, 0.0),
            SurfaceKind::Beale => (1.0, 1.5),
            SurfaceKind::Saddle => (-1.5, 0.0),
            SurfaceKind::Rastrigin => (2.2, -1.3),
            SurfaceKind::SixHumpCamel => (-1.5, 1.0),
            SurfaceKind::Wells => (2.0, 2.0),
            SurfaceKind::Plateau => (2.2, 1.5),
            SurfaceKind::Cliff => (2.0, 1.0),
            SurfaceKind::SharpFlat => (0.2, 1.8),
            SurfaceKind::NarrowingValley => (-2.2, 1.6),
        };
        Vec2::new(x, y)
    }
}

/// The three Gaussian wells of `wells`: centre, depth, width.
const WELLS: [([f64; 2], f64, f64); 3] = [
    ([-1.0, -1.0], 1.0, 0.6),
    ([1.2, 0.8], 0.6, 0.5),
    ([-0.6, 1.4], 0.4, 0.4),
];

/// A surface of the catalog with its parameter values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Surface {
    kind: SurfaceKind,
    /// Values of `kind.params()`, in that order.
    values: [f64; 3],
    /// The quadratic's Hessian `[hxx, hxy, hyy]`, computed once from κ and θ.
    quad: [f64; 3],
}

impl Surface {
    /// The surface with its default parameters.
    pub fn new(kind: SurfaceKind) -> Self {
        let mut values = [0.0; 3];
        for (v, p) in values.iter_mut().zip(kind.params()) {
            *v = p.default;
        }
        Self::with_values(kind, values)
    }

    /// The surface with explicit parameter values (in the order of `kind.params()`);
    /// range checks belong to the scene layer.
    pub fn with_values(kind: SurfaceKind, values: [f64; 3]) -> Self {
        let mut s = Surface {
            kind,
            values,
            quad: [0.0; 3],
        };
        if kind == SurfaceKind::Quadratic {
            let (kappa, theta) = (values[0], values[1].to_radians());
            let (sin, cos) = theta.sin_cos();
            // H = R diag(1, κ) Rᵀ with R = [[cos, −sin], [sin, cos]]
            s.quad = [
                cos * cos + kappa * sin * sin,
                cos * sin * (1.0 - kappa),
                sin * sin + kappa * cos * cos,
            ];
        }
        s
    }

    pub fn kind(&self) -> SurfaceKind {
        self.kind
    }

    pub fn values(&self) -> [f64; 3] {
        self.values
    }

    /// The value of the parameter `key`, if this surface has it.
    pub fn param(&self, key: &str) -> Option<f64> {
        let i = self.kind.params().iter().position(|p| p.key == key)?;
        Some(self.values[i])
    }

    /// A copy with parameter `key` set; unknown keys leave it unchanged.
    pub fn with_param(&self, key: &str, value: f64) -> Self {
        let mut values = self.values;
        if let Some(i) = self.kind.params().iter().position(|p| p.key == key) {
            values[i] = value;
        }
        Self::with_values(self.kind, values)
    }

    /// The formula of CONTRACT.md, for any [`Real`].
    #[inline(always)]
    pub fn eval<T: Real>(&self, x: T, y: T) -> T {
        match self.kind {
            SurfaceKind::Quadratic => {
                let [hxx, hxy, hyy] = self.quad;
                (x.sq().mul_c(hxx) + (x * y).mul_c(2.0 * hxy) + y.sq().mul_c(hyy)).mul_c(0.5)
            }
            SurfaceKind::Rosenbrock => {
                let [a, b, _] = self.values;
                (T::cst(a) - x).sq() + (y - x.sq()).sq().mul_c(b)
            }
            SurfaceKind::Himmelblau => {
                (x.sq() + y).add_c(-11.0).sq() + (x + y.sq()).add_c(-7.0).sq()
            }
            SurfaceKind::Beale => {
                let xy = x * y;
                let xy2 = xy * y;
                let xy3 = xy2 * y;
                (T::cst(1.5) - x + xy).sq()
                    + (T::cst(2.25) - x + xy2).sq()
                    + (T::cst(2.625) - x + xy3).sq()
            }
            SurfaceKind::Saddle => {
                let y2 = y.sq();
                x.sq() + y2.sq().mul_c(0.25) - y2.mul_c(0.5)
            }
            SurfaceKind::Rastrigin => {
                T::cst(20.0) + x.sq() - x.mul_c(2.0 * PI).cos().mul_c(10.0) + y.sq()
                    - y.mul_c(2.0 * PI).cos().mul_c(10.0)
            }
            SurfaceKind::SixHumpCamel => {
                let x2 = x.sq();
                let y2 = y.sq();
                (T::cst(4.0) - x2.mul_c(2.1) + x2.sq().mul_c(1.0 / 3.0)) * x2
                    + x * y
                    + (T::cst(-4.0) + y2.mul_c(4.0)) * y2
            }
            SurfaceKind::Wells => {
                let mut f = (x.sq() + y.sq()).mul_c(0.05);
                for ([cx, cy], a, s) in WELLS {
                    let r2 = x.add_c(-cx).sq() + y.add_c(-cy).sq();
                    f = f - r2.mul_c(-1.0 / (2.0 * s * s)).exp().mul_c(a);
                }
                f
            }
            SurfaceKind::Plateau => T::cst(1.0) - (-(x.sq() + y.sq())).exp(),
            SurfaceKind::Cliff => {
                (x.sq() + y.sq()).mul_c(0.05) + x.add_c(-1.0).mul_c(30.0).sigmoid().mul_c(10.0)
            }
            SurfaceKind::SharpFlat => {
                let sharp = (x.add_c(1.0).sq() + y.sq()).mul_c(-1.0 / (2.0 * 0.15 * 0.15));
                let wide = (x.add_c(-1.5).sq() + y.sq()).mul_c(-0.5);
                (x.sq() + y.sq()).mul_c(0.02) - sharp.exp() - wide.exp().mul_c(0.8)
            }
            SurfaceKind::NarrowingValley => {
                let [sharp, wide, mu] = self.values;
                let across = x.mul_c(-2.0).sigmoid().mul_c(sharp - wide).add_c(wide);
                let along = x.mul_c(1.0 / 1.5).sq().add_c(-1.0).sq().mul_c(mu);
                (across * y.sq()).mul_c(0.5) + along
            }
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
        self.kind.view_box()
    }

    /// Local minima worth marking, refined numerically so markers sit exactly on them.
    pub fn minima(&self) -> Vec<Vec2> {
        let approx: Vec<(f64, f64)> = match self.kind {
            SurfaceKind::Quadratic | SurfaceKind::Rastrigin => vec![(0.0, 0.0)],
            SurfaceKind::Rosenbrock => {
                let a = self.values[0];
                vec![(a, a * a)]
            }
            SurfaceKind::Himmelblau => vec![
                (3.0, 2.0),
                (-2.805118, 3.131312),
                (-3.779310, -3.283186),
                (3.584428, -1.848126),
            ],
            SurfaceKind::Beale => vec![(3.0, 0.5)],
            SurfaceKind::Saddle => vec![(0.0, 1.0), (0.0, -1.0)],
            SurfaceKind::SixHumpCamel => vec![(0.0898, -0.7126), (-0.0898, 0.7126)],
            SurfaceKind::Wells => WELLS.iter().map(|(c, _, _)| (c[0], c[1])).collect(),
            SurfaceKind::Plateau | SurfaceKind::Cliff => vec![(0.0, 0.0)],
            SurfaceKind::SharpFlat => vec![(-1.0, 0.0), (1.5, 0.0)],
            SurfaceKind::NarrowingValley => vec![(-1.5, 0.0), (1.5, 0.0)],
        };
        approx
            .into_iter()
            .map(|(x, y)| self.refine_stationary(Vec2::new(x, y)))
            .collect()
    }

    /// Saddle points worth marking.
    pub fn saddles(&self) -> Vec<Vec2> {
        match self.kind {
            SurfaceKind::Saddle | SurfaceKind::NarrowingValley => vec![Vec2::zeros()],
            _ => vec![],
        }
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
}

/// Eigenvalues of a symmetric 2×2 matrix, smallest first, in closed form.
pub fn symmetric_eigenvalues(h: &Mat2) -> [f64; 2] {
    let mean = 0.5 * (h[(0, 0)] + h[(1, 1)]);
    let half_diff = 0.5 * (h[(0, 0)] - h[(1, 1)]);
    let radius = half_diff.hypot(h[(0, 1)]);
    [mean - radius, mean + radius]
}
