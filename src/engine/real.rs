//! One generic formula per surface, three ways to evaluate it.
//!
//! Surfaces are written once against [`Real`]. Evaluated with `f64` they give the loss
//! (fast enough for a 512² grid every frame); with [`Dual1`] the loss and its exact gradient
//! in one pass (the optimizer loop); with [`Dual2`] loss, gradient and exact Hessian (Newton,
//! the hover read-out). Forward-mode derivatives cannot drift from the formula the way
//! hand-derived ones can.

use std::ops::{Add, Mul, Neg, Sub};

/// The arithmetic a surface formula may use.
pub trait Real:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    /// A constant (derivatives zero).
    fn cst(c: f64) -> Self;
    fn exp(self) -> Self;
    fn cos(self) -> Self;
    fn recip(self) -> Self;
    /// The logistic function, evaluated without overflow for any finite input.
    fn sigmoid(self) -> Self;

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

impl Real for Dual1 {
    #[inline(always)]
    fn cst(c: f64) -> Self {
        Dual1 { v: c, d: [0.0; 2] }
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

impl Real for Dual2 {
    fn cst(c: f64) -> Self {
        Dual2 {
            v: c,
            d: [0.0; 2],
            h: [0.0; 3],
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
