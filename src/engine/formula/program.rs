//! The compiled form of a formula: a flat list of operations on an accumulator and a small
//! stack, evaluated generically over [`Real`] so one program gives the loss (`f64`), the
//! gradient ([`Dual1`](crate::engine::real::Dual1)) and the Hessian
//! ([`Dual2`](crate::engine::real::Dual2)).
//!
//! Compiling substitutes the constants' current values and folds every subtree without `x`
//! or `y` into one number, so a slider move costs a recompile (microseconds) and evaluation
//! never revisits constant work. Operations with a constant operand are fused (`x*2` is one
//! `MulC`), and `^` with a constant exponent becomes a square, an integer power (exact for
//! negative bases) or a real power. The stack an evaluation needs is counted while compiling,
//! and evaluation uses a fixed array of the next size up: no allocation per evaluation.

use super::parse::{BinOp, Func, Node};
use crate::engine::real::Real;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    /// Pushes the accumulator and loads a value.
    Const(f64),
    X,
    Y,
    /// Pops the top of the stack `a` and sets the accumulator `b` to `a ∘ b`.
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Min,
    Max,
    /// Replace the accumulator `v` by a function of it.
    AddC(f64),
    MulC(f64),
    /// `v / c`
    DivC(f64),
    /// `c / v`
    RDivC(f64),
    /// `c ^ v`
    RPowC(f64),
    Neg,
    Sq,
    PowI(i32),
    PowF(f64),
    Fn(Func),
}

/// The stack sizes evaluation is compiled for; a program uses the first that fits.
const STACKS: [usize; 5] = [4, 16, 64, 128, 256];
/// The deepest stack a program may need (checked while compiling).
pub(super) const MAX_STACK: usize = STACKS[STACKS.len() - 1];

#[derive(Clone, Debug, PartialEq, Default)]
pub(super) struct Program {
    ops: Vec<Op>,
    /// Stack slots the program uses at most.
    stack: usize,
}

impl Program {
    /// Compiles `tree` with the constants' values; `None` if it needs more than [`MAX_STACK`]
    /// slots (the parser's limits keep real formulas far below).
    pub(super) fn compile(tree: &Node, constants: &[f64]) -> Option<Program> {
        let mut ops = Vec::new();
        emit(&fold(tree, constants), &mut ops);
        let mut depth = 0usize;
        let mut stack = 0;
        for op in &ops {
            match op {
                Op::Const(_) | Op::X | Op::Y => {
                    depth += 1;
                    stack = stack.max(depth);
                }
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow | Op::Min | Op::Max => {
                    depth = depth.checked_sub(1)?;
                }
                _ => {}
            }
        }
        (stack <= MAX_STACK).then_some(Program { ops, stack })
    }

    /// Operations per evaluation: the cost of one point.
    pub(super) fn len(&self) -> usize {
        self.ops.len()
    }

    #[inline]
    pub(super) fn eval<T: Real>(&self, x: T, y: T) -> T {
        match self.stack {
            s if s <= STACKS[0] => run::<T, { STACKS[0] }>(&self.ops, x, y),
            s if s <= STACKS[1] => run::<T, { STACKS[1] }>(&self.ops, x, y),
            s if s <= STACKS[2] => run::<T, { STACKS[2] }>(&self.ops, x, y),
            s if s <= STACKS[3] => run::<T, { STACKS[3] }>(&self.ops, x, y),
            _ => run::<T, { STACKS[4] }>(&self.ops, x, y),
        }
    }
}

/// Runs the operations with the top of the stack held in `acc`. `compile` proved the stack
/// depth never exceeds `N` nor drops below zero, so the indexing cannot fail.
#[inline(always)]
fn run<T: Real, const N: usize>(ops: &[Op], x: T, y: T) -> T {
    let mut stack = [T::cst(0.0); N];
    let mut sp = 0;
    let mut acc = T::cst(f64::NAN);
    for op in ops {
        acc = match *op {
            Op::Const(_) | Op::X | Op::Y => {
                stack[sp] = acc;
                sp += 1;
                match *op {
                    Op::Const(c) => T::cst(c),
                    Op::X => x,
                    _ => y,
                }
            }
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow | Op::Min | Op::Max => {
                sp -= 1;
                let a = stack[sp];
                match *op {
                    Op::Add => a + acc,
                    Op::Sub => a - acc,
                    Op::Mul => a * acc,
                    Op::Div => a / acc,
                    Op::Pow => a.pow(acc),
                    Op::Min => a.min(acc),
                    _ => a.max(acc),
                }
            }
            Op::AddC(c) => acc.add_c(c),
            Op::MulC(c) => acc.mul_c(c),
            Op::DivC(c) => acc / T::cst(c),
            Op::RDivC(c) => T::cst(c) / acc,
            Op::RPowC(c) => T::cst(c).pow(acc),
            Op::Neg => -acc,
            Op::Sq => acc.sq(),
            Op::PowI(n) => acc.powi(n),
            Op::PowF(c) => acc.powf(c),
            Op::Fn(f) => apply(f, acc),
        };
    }
    acc
}

#[inline(always)]
fn apply<T: Real>(f: Func, v: T) -> T {
    match f {
        Func::Sin => v.sin(),
        Func::Cos => v.cos(),
        Func::Tan => v.tan(),
        Func::Exp => v.exp(),
        Func::Log => v.ln(),
        Func::Sqrt => v.sqrt(),
        Func::Abs => v.abs(),
        Func::Tanh => v.tanh(),
        Func::Sigmoid => v.sigmoid(),
        Func::Softplus => v.softplus(),
        // two-argument functions are stack operations
        Func::Min | Func::Max => v,
    }
}

/// The tree with constants substituted and every subtree free of `x` and `y` replaced by its
/// value, computed by the same operations evaluation would use.
fn fold(node: &Node, constants: &[f64]) -> Node {
    let folded = match node {
        Node::Num(_) | Node::X | Node::Y => return node.clone(),
        Node::Constant(i) => return Node::Num(constants.get(*i).copied().unwrap_or(f64::NAN)),
        Node::Neg(a) => Node::Neg(Box::new(fold(a, constants))),
        Node::Bin(op, a, b) => Node::Bin(
            *op,
            Box::new(fold(a, constants)),
            Box::new(fold(b, constants)),
        ),
        Node::Call(f, args) => Node::Call(*f, args.iter().map(|a| fold(a, constants)).collect()),
    };
    let constant = match &folded {
        Node::Neg(a) => matches!(**a, Node::Num(_)),
        Node::Bin(_, a, b) => matches!(**a, Node::Num(_)) && matches!(**b, Node::Num(_)),
        Node::Call(_, args) => args.iter().all(|a| matches!(a, Node::Num(_))),
        _ => false,
    };
    if constant {
        let mut ops = Vec::new();
        emit(&folded, &mut ops);
        Node::Num(run::<f64, { STACKS[0] }>(&ops, 0.0, 0.0))
    } else {
        folded
    }
}

fn num(node: &Node) -> Option<f64> {
    match node {
        Node::Num(c) => Some(*c),
        _ => None,
    }
}

/// Appends the code of a folded tree.
fn emit(node: &Node, ops: &mut Vec<Op>) {
    match node {
        Node::Num(c) => ops.push(Op::Const(*c)),
        Node::X => ops.push(Op::X),
        Node::Y => ops.push(Op::Y),
        // folded away before emitting
        Node::Constant(_) => ops.push(Op::Const(f64::NAN)),
        Node::Neg(a) => {
            emit(a, ops);
            ops.push(Op::Neg);
        }
        Node::Call(f, args) => {
            for a in args {
                emit(a, ops);
            }
            ops.push(match f {
                Func::Min => Op::Min,
                Func::Max => Op::Max,
                f => Op::Fn(*f),
            });
        }
        Node::Bin(op, a, b) => emit_binary(*op, a, b, ops),
    }
}

fn emit_binary(op: BinOp, a: &Node, b: &Node, ops: &mut Vec<Op>) {
    // A constant operand fuses into one operation on the other; each fused form computes
    // exactly what the unfused one would (`c − v` is `−v + c` in IEEE arithmetic).
    let fused = match (op, num(a), num(b)) {
        (_, Some(_), Some(_)) => None,
        (BinOp::Add, Some(c), _) => Some((b, vec![Op::AddC(c)])),
        (BinOp::Add, _, Some(c)) => Some((a, vec![Op::AddC(c)])),
        (BinOp::Sub, _, Some(c)) => Some((a, vec![Op::AddC(-c)])),
        (BinOp::Sub, Some(c), _) => Some((b, vec![Op::Neg, Op::AddC(c)])),
        (BinOp::Mul, Some(c), _) => Some((b, vec![Op::MulC(c)])),
        (BinOp::Mul, _, Some(c)) => Some((a, vec![Op::MulC(c)])),
        (BinOp::Div, _, Some(c)) => Some((a, vec![Op::DivC(c)])),
        (BinOp::Div, Some(c), _) => Some((b, vec![Op::RDivC(c)])),
        (BinOp::Pow, _, Some(c)) => Some((a, vec![power(c)])),
        (BinOp::Pow, Some(c), _) if c == std::f64::consts::E => Some((b, vec![Op::Fn(Func::Exp)])),
        (BinOp::Pow, Some(c), _) => Some((b, vec![Op::RPowC(c)])),
        _ => None,
    };
    if let Some((operand, tail)) = fused {
        emit(operand, ops);
        ops.extend(tail);
        return;
    }
    emit(a, ops);
    emit(b, ops);
    ops.push(match op {
        BinOp::Add => Op::Add,
        BinOp::Sub => Op::Sub,
        BinOp::Mul => Op::Mul,
        BinOp::Div => Op::Div,
        BinOp::Pow => Op::Pow,
    });
}

/// `v ^ c` for a constant `c`: integer exponents stay exact for negative bases.
fn power(c: f64) -> Op {
    if c == 2.0 {
        Op::Sq
    } else if c.fract() == 0.0 && c.abs() <= f64::from(i32::MAX) {
        // exact: an integer-valued f64 within i32's range
        Op::PowI(c as i32)
    } else {
        Op::PowF(c)
    }
}
