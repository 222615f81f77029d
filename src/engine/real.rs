//! One generic formula per surface, three ways to evaluate it.
//!
//! Surfaces are written once against [`Real`]. Evaluated with `f64` they give the loss
//! (fast enough for a 512² grid every frame); with [`Dual1`] the loss and its exact gradient
//! in one pass (the optimizer loop); with [`Dual2`] loss, gradient and exact Hessian (Newton,
//! the hover read-out). Forward-mode derivatives cannot drift from the formula the way
//! hand-derived ones can.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// The arithmetic a surface formula may use.
///
/// Every function beyond the four operations is written once, by [`Real::lift`] (one argument)
/// or [`Real::lift2`] (two): given its value and derivatives at the current value, each number
/// type applies the chain rule it carries. `f64` overrides them with the plain function so the
/// colour-map grid pays for no derivative it does not use.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// A constant (derivatives zero).
    fn cst(c: f64) -> Self;
    /// The value, without derivatives.
    fn value(self) -> f64;
    /// `g(self)` for a scalar function `g` with `g = f`, `g' = f1`, `g'' = f2` at `self.value()`.
    fn lift(self, f: f64, f1: f64, f2: f64) -> Self;
    /// `g(self, o)` for a function of two arguments, given its value, its partial derivatives
    /// `[g_a, g_b]` and its second partials `[g_aa, g_ab, g_bb]` at the two values.
    fn lift2(self, o: Self, f: f64, d: [f64; 2], h: [f64; 3]) -> Self;
    fn exp(self) -> Self;
    fn cos(self) -> Self;
    fn recip(self) -> Self;
    /// The logistic function, evaluated without overflow for any finite input.
    fn sigmoid(self) -> Self;

    fn sin(self) -> Self {
        let (s, c) = self.value().sin_cos();
        self.lift(s, c, -s)
    }
    fn tan(self) -> Self {
        let t = self.value().tan();
        let d = 1.0 + t * t;
        self.lift(t, d, 2.0 * t * d)
    }
    /// The natural logarithm (NaN below zero, −∞ at zero).
    fn ln(self) -> Self {
        let v = self.value();
        let r = 1.0 / v;
        self.lift(v.ln(), r, -r * r)
    }
    fn sqrt(self) -> Self {
        let v = self.value();
        let s = v.sqrt();
        self.lift(s, 0.5 / s, -0.25 / (s * v))
    }
    /// |v|, with derivative 0 at 0 (torch's choice: the subgradient `sign(0) = 0`).
    fn abs(self) -> Self {
        let v = self.value();
        let sign = if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            v * 0.0
        };
        self.lift(v.abs(), sign, 0.0)
    }
    fn tanh(self) -> Self {
        let t = self.value().tanh();
        let d = 1.0 - t * t;
        self.lift(t, d, -2.0 * t * d)
    }
    /// `log(1 + e^v)`, evaluated without overflow for any finite input.
    fn softplus(self) -> Self {
        let v = self.value();
        let s = stable_sigmoid(v);
        self.lift(stable_softplus(v), s, s * (1.0 - s))
    }
    /// An integer power: exact for negative bases, unlike `powf`.
    fn powi(self, n: i32) -> Self {
        match n {
            0 => self.lift(1.0, 0.0, 0.0),
            1 => self,
            _ => {
                let v = self.value();
                let nf = f64::from(n);
                self.lift(
                    v.powi(n),
                    nf * v.powi(n - 1),
                    nf * (nf - 1.0) * v.powi(n - 2),
                )
            }
        }
    }
    /// A constant real power (NaN for negative bases).
    fn powf(self, c: f64) -> Self {
        let v = self.value();
        self.lift(
            v.powf(c),
            c * v.powf(c - 1.0),
            c * (c - 1.0) * v.powf(c - 2.0),
        )
    }
    /// `self^o` with both varying: `exp(o · ln self)`, so NaN for negative bases.
    fn pow(self, o: Self) -> Self {
        let (a, b) = (self.value(), o.value());
        let p = a.powf(b);
        let ln = a.ln();
        let pa = a.powf(b - 1.0);
        self.lift2(
            o,
            p,
            [b * pa, p * ln],
            [
                b * (b - 1.0) * a.powf(b - 2.0),
                pa * (1.0 + b * ln),
                p * ln * ln,
            ],
        )
    }
    /// The smaller argument, derivatives included (the first on a tie); NaN if either is.
    fn min(self, o: Self) -> Self {
        let (a, b) = (self.value(), o.value());
        if a.is_nan() || a <= b { self } else { o }
    }
    /// The larger argument, derivatives included (the first on a tie); NaN if either is.
    fn max(self, o: Self) -> Self {
        let (a, b) = (self.value(), o.value());
        if a.is_nan() || a >= b { self } else { o }
    }

    fn add_c(self, c: f64) -> Self {
        self + Self::cst(c)
    }
    fn mul_c(self, c: f64) -> Self {
        self * Self::cst(c)
    }
    fn sq(self) -> Self {
        self * self
    }
}

/// `log(1 + e^z)` without overflow: `max(z, 0) + log(1 + e^−|z|)`.
fn stable_softplus(z: f64) -> f64 {
    if z.is_nan() {
        return z;
    }
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

fn stable_sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Real for f64 {
    #[inline(always)]
    fn cst(c: f64) -> Self {
        c
    }
    #[inline(always)]
    fn value(self) -> f64 {
        self
    }
    #[inline(always)]
    fn lift(self, f: f64, _: f64, _: f64) -> Self {
        f
    }
    #[inline(always)]
    fn lift2(self, _: Self, f: f64, _: [f64; 2], _: [f64; 3]) -> Self {
        f
    }
    #[inline(always)]
    fn sin(self) -> Self {
        f64::sin(self)
    }
    #[inline(always)]
    fn tan(self) -> Self {
        f64::tan(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        f64::ln(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    #[inline(always)]
    fn softplus(self) -> Self {
        stable_softplus(self)
    }
    #[inline(always)]
    fn powi(self, n: i32) -> Self {
        f64::powi(self, n)
    }
    #[inline(always)]
    fn powf(self, c: f64) -> Self {
        f64::powf(self, c)
    }
    #[inline(always)]
    fn pow(self, o: Self) -> Self {
        f64::powf(self, o)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn cos(self) -> Self {
        f64::cos(self)
    }
    #[inline(always)]
    fn recip(self) -> Self {
        1.0 / self
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        stable_sigmoid(self)
    }
    #[inline(always)]
    fn add_c(self, c: f64) -> Self {
        self + c
    }
    #[inline(always)]
    fn mul_c(self, c: f64) -> Self {
        self * c
    }
}

/// A value with its gradient with respect to (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual1 {
    pub v: f64,
    pub d: [f64; 2],
}

impl Dual1 {
    pub fn var(v: f64, index: usize) -> Self {
        let mut d = [0.0; 2];
        d[index] = 1.0;
        Dual1 { v, d }
    }
    /// Chain rule for a scalar function with value `f` and derivative `f1` at `self.v`.
    #[inline(always)]
    fn chain(self, f: f64, f1: f64) -> Self {
        Dual1 {
            v: f,
            d: [f1 * self.d[0], f1 * self.d[1]],
        }
    }
}

impl Add for Dual1 {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Dual1 {
            v: self.v + o.v,
            d: [self.d[0] + o.d[0], self.d[1] + o.d[1]],
        }
    }
}
impl Sub for Dual1 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Dual1 {
            v: self.v - o.v,
            d: [self.d[0] - o.d[0], self.d[1] - o.d[1]],
        }
    }
}
impl Mul for Dual1 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Dual1 {
            v: self.v * o.v,
            d: [
                self.d[0] * o.v + self.v * o.d[0],
                self.d[1] * o.v + self.v * o.d[1],
            ],
        }
    }
}
impl Neg for Dual1 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Dual1 {
            v: -self.v,
            d: [-self.d[0], -self.d[1]],
        }
    }
}

impl Div for Dual1 {
    type Output = Self;
    /// The quotient rule, with the quotient's value exactly `a.v / b.v` as in `f64`.
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        let q = self.v / o.v;
        Dual1 {
            v: q,
            d: [
                (self.d[0] - q * o.d[0]) / o.v,
                (self.d[1] - q * o.d[1]) / o.v,
            ],
        }
    }
}

impl Real for Dual1 {
    #[inline(always)]
    fn cst(c: f64) -> Self {
        Dual1 { v: c, d: [0.0; 2] }
    }
    #[inline(always)]
    fn value(self) -> f64 {
        self.v
    }
    #[inline(always)]
    fn lift(self, f: f64, f1: f64, _: f64) -> Self {
        self.chain(f, f1)
    }
    #[inline(always)]
    fn lift2(self, o: Self, f: f64, [fa, fb]: [f64; 2], _: [f64; 3]) -> Self {
        Dual1 {
            v: f,
            d: [fa * self.d[0] + fb * o.d[0], fa * self.d[1] + fb * o.d[1]],
        }
    }
    #[inline(always)]
    fn exp(self) -> Self {
        let e = self.v.exp();
        self.chain(e, e)
    }
    #[inline(always)]
    fn cos(self) -> Self {
        let (s, c) = self.v.sin_cos();
        self.chain(c, -s)
    }
    #[inline(always)]
    fn recip(self) -> Self {
        let r = 1.0 / self.v;
        self.chain(r, -r * r)
    }
    #[inline(always)]
    fn sigmoid(self) -> Self {
        let s = stable_sigmoid(self.v);
        self.chain(s, s * (1.0 - s))
    }
    #[inline(always)]
    fn add_c(self, c: f64) -> Self {
        Dual1 {
            v: self.v + c,
            d: self.d,
        }
    }
    #[inline(always)]
    fn mul_c(self, c: f64) -> Self {
        Dual1 {
            v: self.v * c,
            d: [self.d[0] * c, self.d[1] * c],
        }
    }
}

/// A value with its gradient and Hessian with respect to (x, y).
/// `h` holds the symmetric Hessian as `[∂xx, ∂xy, ∂yy]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual2 {
    pub v: f64,
    pub d: [f64; 2],
    pub h: [f64; 3],
}

impl Dual2 {
    pub fn var(v: f64, index: usize) -> Self {
        let mut d = [0.0; 2];
        d[index] = 1.0;
        Dual2 { v, d, h: [0.0; 3] }
    }
    /// Chain rule for a scalar function with value `f`, first derivative `f1` and second `f2`.
    #[inline(always)]
    fn chain(self, f: f64, f1: f64, f2: f64) -> Self {
        let [dx, dy] = self.d;
        Dual2 {
            v: f,
            d: [f1 * dx, f1 * dy],
            h: [
                f1 * self.h[0] + f2 * dx * dx,
                f1 * self.h[1] + f2 * dx * dy,
                f1 * self.h[2] + f2 * dy * dy,
            ],
        }
    }
}

impl Add for Dual2 {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Dual2 {
            v: self.v + o.v,
            d: [self.d[0] + o.d[0], self.d[1] + o.d[1]],
            h: [self.h[0] + o.h[0], self.h[1] + o.h[1], self.h[2] + o.h[2]],
        }
    }
}
impl Sub for Dual2 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self + (-o)
    }
}
impl Mul for Dual2 {
    type Output = Self;
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        let (a, b) = (self, o);
        Dual2 {
            v: a.v * b.v,
            d: [a.d[0] * b.v + a.v * b.d[0], a.d[1] * b.v + a.v * b.d[1]],
            h: [
                a.h[0] * b.v + 2.0 * a.d[0] * b.d[0] + a.v * b.h[0],
                a.h[1] * b.v + a.d[0] * b.d[1] + a.d[1] * b.d[0] + a.v * b.h[1],
                a.h[2] * b.v + 2.0 * a.d[1] * b.d[1] + a.v * b.h[2],
            ],
        }
    }
}
impl Neg for Dual2 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Dual2 {
            v: -self.v,
            d: [-self.d[0], -self.d[1]],
            h: [-self.h[0], -self.h[1], -self.h[2]],
        }
    }
}

impl Div for Dual2 {
    type Output = Self;
    /// The quotient rule, from `a = q·b` differentiated twice; the value is exactly `a.v / b.v`.
    fn div(self, o: Self) -> Self {
        let (a, b) = (self, o);
        let q = a.v / b.v;
        let d = [(a.d[0] - q * b.d[0]) / b.v, (a.d[1] - q * b.d[1]) / b.v];
        Dual2 {
            v: q,
            d,
            h: [
                (a.h[0] - 2.0 * d[0] * b.d[0] - q * b.h[0]) / b.v,
                (a.h[1] - d[0] * b.d[1] - d[1] * b.d[0] - q * b.h[1]) / b.v,
                (a.h[2] - 2.0 * d[1] * b.d[1] - q * b.h[2]) / b.v,
            ],
        }
    }
}

impl Real for Dual2 {
    fn cst(c: f64) -> Self {
        Dual2 {
            v: c,
            d: [0.0; 2],
            h: [0.0; 3],
        }
    }
    fn value(self) -> f64 {
        self.v
    }
    fn lift(self, f: f64, f1: f64, f2: f64) -> Self {
        self.chain(f, f1, f2)
    }
    fn lift2(self, o: Self, f: f64, [fa, fb]: [f64; 2], [faa, fab, fbb]: [f64; 3]) -> Self {
        let (a, b) = (self, o);
        // ∂ij g = g_a a_ij + g_b b_ij + g_aa a_i a_j + g_ab (a_i b_j + a_j b_i) + g_bb b_i b_j
        let second = |k: usize, i: usize, j: usize| {
            fa * a.h[k]
                + fb * b.h[k]
                + faa * a.d[i] * a.d[j]
                + fab * (a.d[i] * b.d[j] + a.d[j] * b.d[i])
                + fbb * b.d[i] * b.d[j]
        };
        Dual2 {
            v: f,
            d: [fa * a.d[0] + fb * b.d[0], fa * a.d[1] + fb * b.d[1]],
            h: [second(0, 0, 0), second(1, 0, 1), second(2, 1, 1)],
        }
    }
    fn exp(self) -> Self {
        let e = self.v.exp();
        self.chain(e, e, e)
    }
    fn cos(self) -> Self {
        let (s, c) = self.v.sin_cos();
        self.chain(c, -s, -c)
    }
    fn recip(self) -> Self {
        let r = 1.0 / self.v;
        self.chain(r, -r * r, 2.0 * r * r * r)
    }
    fn sigmoid(self) -> Self {
        let s = stable_sigmoid(self.v);
        let s1 = s * (1.0 - s);
        self.chain(s, s1, s1 * (1.0 - 2.0 * s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_rule_second_order() {
        // f = x²y at (3, 2): ∇ = (2xy, x²) = (12, 9); H = [[2y, 2x], [2x, 0]] = [[4, 6], [6, 0]]
        let (x, y) = (Dual2::var(3.0, 0), Dual2::var(2.0, 1));
        let f = x * x * y;
        assert_eq!(f.v, 18.0);
        assert_eq!(f.d, [12.0, 9.0]);
        assert_eq!(f.h, [4.0, 6.0, 0.0]);
    }

    #[test]
    fn quotient_and_variable_power_second_order() {
        let (x, y) = (Dual2::var(3.0, 0), Dual2::var(2.0, 1));
        // x/y: ∇ = (1/y, −x/y²); H = [[0, −1/y²], [−1/y², 2x/y³]]
        let q = x / y;
        assert_eq!((q.v, q.d, q.h), (1.5, [0.5, -0.75], [0.0, -0.25, 0.75]));
        // x^y at (2, 3): ∇ = (y x^(y−1), x^y ln x); H = [[y(y−1)x^(y−2), x^(y−1)(1 + y ln x)],
        // [·, x^y ln² x]]
        let (x, y) = (Dual2::var(2.0, 0), Dual2::var(3.0, 1));
        let p = x.pow(y);
        let ln2 = 2f64.ln();
        let want = [
            12.0,
            8.0 * ln2,
            12.0,
            4.0 * (1.0 + 3.0 * ln2),
            8.0 * ln2 * ln2,
        ];
        let got = [p.d[0], p.d[1], p.h[0], p.h[1], p.h[2]];
        assert_eq!(p.v, 8.0);
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-13, "{got:?} vs {want:?}");
        }
        let d1 = Dual1::var(2.0, 0).pow(Dual1::var(3.0, 1));
        assert_eq!(d1.d, p.d);
    }

    #[test]
    fn min_max_and_abs_carry_the_chosen_derivative() {
        let (x, y) = (Dual1::var(1.0, 0), Dual1::var(2.0, 1));
        assert_eq!(x.min(y).d, [1.0, 0.0]);
        assert_eq!(x.max(y).d, [0.0, 1.0]);
        assert_eq!((-x).abs().d, [1.0, 0.0]);
        assert_eq!(Dual1::var(0.0, 0).abs().d, [0.0, 0.0]);
        assert!(Real::min(f64::NAN, 1.0).is_nan() && Real::max(1.0, f64::NAN).is_nan());
    }

    #[test]
    fn sigmoid_is_finite_far_out() {
        for z in [-1e6, -800.0, 0.0, 800.0, 1e6] {
            let s = Dual2::var(z, 0).sigmoid();
            assert!(
                s.v.is_finite() && s.d[0].is_finite() && s.h[0].is_finite(),
                "z = {z}"
            );
        }
        assert_eq!(stable_sigmoid(0.0), 0.5);
    }
}
