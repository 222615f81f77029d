//! A surface the user types: `(1 - x)^2 + 100*(y - x^2)^2`, with named constants on lines of
//! their own (`a = 1.5`) that the app puts on sliders.
//!
//! The formula is parsed once into a tree ([`parse`]), then compiled with the constants'
//! values into a flat program ([`program`]) evaluated over the same [`Real`] number types the
//! built-in surfaces use, so its gradient and Hessian are exact (forward-mode dual numbers),
//! never finite differences. Where the formula is not finite (`log(x)` for x ≤ 0) it simply
//! returns NaN or ±∞: the grid draws a gap there and the stepping loop ends a trajectory that
//! steps in as diverged.
//!
//! The language: numbers (`2`, `1.5`, `.5`, `1e-3`), `x`, `y`, `pi`, `e`, `+ - * / ^` (`**`
//! also means `^`), unary minus, parentheses, the functions of [`Func`], `#` comments, and
//! lines or `;`-separated statements `name = number` before the one expression. A line break
//! next to a binary operator (a line ending with one, or the next starting with one) continues
//! the expression. A constant's line is rewritten whenever its value is set from outside (a
//! slider, a scene's table), so the source always says the values in use.
//!
//! Limits keep any input cheap: [`MAX_CHARS`] characters, [`MAX_DEPTH`] levels of nesting,
//! [`MAX_NODES`] numbers, names and operators, [`MAX_CONSTANTS`] constants.

mod lex;
mod minima;
mod parse;
mod program;
mod surface;

pub use minima::{MAX_MINIMA, minima};
pub use parse::Func;
pub use surface::{DEFAULT_VIEW, TypedSurface};

use crate::engine::real::Real;
use parse::Node;
use program::Program;

/// The longest formula, in characters.
pub const MAX_CHARS: usize = 2000;
/// The deepest nesting of parentheses, function arguments, signs and exponents.
pub const MAX_DEPTH: usize = 64;
/// The most numbers, names and operations in one expression; bounds the cost of a point.
pub const MAX_NODES: usize = 500;
/// The most named constants.
pub const MAX_CONSTANTS: usize = 16;

/// A named constant of a formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Constant {
    pub name: String,
    pub value: f64,
    /// Which of the source's `name = number` lines declares it (0 for the first); `None` when
    /// only the scene's table does.
    line: Option<usize>,
    /// The characters of the source that write its value (sign and number) on that line,
    /// rewritten whenever the value changes so the text always says the value in use.
    span: Option<(usize, usize)>,
}

/// A parsed and compiled formula with its constants' current values.
#[derive(Clone, Debug)]
pub struct Formula {
    source: String,
    constants: Vec<Constant>,
    tree: Node,
    program: Program,
}

impl PartialEq for Formula {
    /// The tree and program follow from the source and the constants.
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.constants == other.constants
    }
}

impl Formula {
    /// Parses a formula whose constants, if any, are all defined by its own lines.
    pub fn parse(source: &str) -> Result<Formula, FormulaError> {
        Self::parse_with(source, &[])
    }

    /// Parses a formula with constants given from outside (a scene's `params` table): each may
    /// be used without a line of its own and sets the value of a line that defines it.
    pub fn parse_with(source: &str, given: &[(String, f64)]) -> Result<Formula, FormulaError> {
        let chars = source.chars().count();
        if chars > MAX_CHARS {
            return Err(FormulaError {
                problem: Problem::TooLong { chars },
                position: None,
            });
        }
        let mut constants = Vec::with_capacity(given.len());
        for (name, value) in given {
            let problem = if !parse::valid_constant_name(name) {
                Some(Problem::ReservedName(name.clone()))
            } else if constants.iter().any(|c: &Constant| &c.name == name) {
                Some(Problem::DuplicateConstant(name.clone()))
            } else if constants.len() >= MAX_CONSTANTS {
                Some(Problem::TooManyConstants)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(FormulaError {
                    problem,
                    position: None,
                });
            }
            constants.push(Constant {
                name: name.clone(),
                value: *value,
                line: None,
                span: None,
            });
        }
        let (constants, mut tree) = parse::parse(source, lex::tokens(source)?, constants)?;
        // lines' constants first, in their order, then the table's others: the order is the
        // same however the constants arrived (a saved scene lists them all in its table)
        let mut order: Vec<usize> = (0..constants.len()).collect();
        order.sort_by_key(|&i| (constants[i].line.is_none(), constants[i].line));
        let mut new_index = vec![0; constants.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        tree.renumber(&new_index);
        let constants: Vec<Constant> = order.iter().map(|&i| constants[i].clone()).collect();
        let program = compile(&tree, &constants)?;
        let mut formula = Formula {
            source: source.to_string(),
            constants,
            tree,
            program,
        };
        // a table's value wins over its line's: the line is made to say so
        formula.write_values();
        Ok(formula)
    }

    /// Whether `name` can name a constant: a name of the language that is not `x`, `y`, `pi`,
    /// `e` or a function.
    pub fn valid_constant_name(name: &str) -> bool {
        parse::valid_constant_name(name)
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn constants(&self) -> &[Constant] {
        &self.constants
    }

    /// The value of constant `name`, if the formula has it.
    pub fn constant(&self, name: &str) -> Option<f64> {
        self.constants
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value)
    }

    /// A copy with constant `name` set to `value` (recompiled, and its `name = …` line
    /// rewritten to the new value); unknown names leave it as is.
    pub fn with_constant(&self, name: &str, value: f64) -> Formula {
        let mut f = self.clone();
        if let Some(c) = f.constants.iter_mut().find(|c| c.name == name) {
            c.value = value;
            // the same tree needs the same stack whatever the constants
            if let Ok(p) = compile(&f.tree, &f.constants) {
                f.program = p;
            }
            f.write_values();
        }
        f
    }

    /// Rewrites each constant's line whose number no longer says the constant's value, so
    /// the source (shown in the box and the Info panel, saved in scenes and links) agrees
    /// with the sliders. A line that already says the value (`1.50` for 1.5) is left as typed.
    fn write_values(&mut self) {
        let mut spans: Vec<usize> = (0..self.constants.len())
            .filter(|&i| self.constants[i].span.is_some())
            .collect();
        spans.sort_by_key(|&i| self.constants[i].span);
        let chars: Vec<char> = self.source.chars().collect();
        let mut out = String::with_capacity(self.source.len());
        let mut copied = 0;
        let mut shift: isize = 0;
        for i in spans {
            let c = &mut self.constants[i];
            let Some((a, b)) = c.span else { continue };
            let Some(typed) = chars.get(a..b) else {
                continue;
            };
            let typed: String = typed.iter().filter(|c| !c.is_whitespace()).collect();
            if typed.parse::<f64>().ok() == Some(c.value) {
                c.span = Some((
                    a.saturating_add_signed(shift),
                    b.saturating_add_signed(shift),
                ));
                continue;
            }
            let written = number_text(c.value);
            out.extend(&chars[copied..a]);
            out.push_str(&written);
            copied = b;
            let start = a.saturating_add_signed(shift);
            let len = written.chars().count();
            c.span = Some((start, start + len));
            shift += len as isize - (b - a) as isize;
        }
        if copied > 0 {
            out.extend(&chars[copied..]);
            self.source = out;
        }
    }

    /// Operations per evaluated point, after folding the constants.
    pub fn cost(&self) -> usize {
        self.program.len()
    }

    /// The formula at (x, y), for any [`Real`]: the loss, or with its exact derivatives.
    #[inline]
    pub fn eval<T: Real>(&self, x: T, y: T) -> T {
        self.program.eval(x, y)
    }
}

/// A constant's value as a line writes it: the shortest text that reads back as exactly
/// this number, in exponent form when that is shorter (so a huge value cannot blow the
/// formula past [`MAX_CHARS`]).
fn number_text(v: f64) -> String {
    let plain = format!("{v}");
    let exp = format!("{v:e}");
    if exp.len() < plain.len() { exp } else { plain }
}

fn compile(tree: &Node, constants: &[Constant]) -> Result<Program, FormulaError> {
    let values: Vec<f64> = constants.iter().map(|c| c.value).collect();
    Program::compile(tree, &values).ok_or(FormulaError {
        problem: Problem::TooDeep,
        position: None,
    })
}

/// What is wrong with a formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    BadChar(char),
    BadNumber(String),
    Expected {
        what: &'static str,
        found: String,
        hint: Option<&'static str>,
    },
    UnknownName(String),
    NotAFunction(String),
    MissingArguments(&'static str),
    Arity {
        func: &'static str,
        wanted: usize,
        got: usize,
    },
    ReservedName(String),
    DuplicateConstant(String),
    ConstantAfterExpression,
    SecondExpression,
    TooLong {
        chars: usize,
    },
    TooDeep,
    TooManyNodes,
    TooManyConstants,
}

/// One problem with where it is: 1-based line and column, counted in characters.
#[derive(Clone, Debug, PartialEq)]
pub struct FormulaError {
    pub problem: Problem,
    /// `(line, column)`, both from 1; `None` when the problem is not at one place (too long,
    /// a bad name in the scene's table).
    pub position: Option<(usize, usize)>,
}

impl FormulaError {
    /// The problem at character `at` of `source`.
    fn at(source: &str, at: usize, problem: Problem) -> FormulaError {
        let before: Vec<char> = source.chars().take(at).collect();
        let line = 1 + before.iter().filter(|&&c| c == '\n').count();
        let column = 1 + before.iter().rev().take_while(|&&c| c != '\n').count();
        FormulaError {
            problem,
            position: Some((line, column)),
        }
    }

    /// The 1-based column, on its line.
    pub fn column(&self) -> Option<usize> {
        self.position.map(|(_, c)| c)
    }
}

impl std::fmt::Display for FormulaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = match self.position {
            Some((1, c)) => format!(" at column {c}"),
            Some((l, c)) => format!(" at line {l}, column {c}"),
            None => String::new(),
        };
        match &self.problem {
            Problem::BadChar(c) => write!(f, "unexpected character `{c}`{at}"),
            Problem::BadNumber(n) => write!(f, "the number `{n}`{at} is not a finite number"),
            Problem::Expected { what, found, hint } => {
                write!(f, "expected {what}{at}, found {found}")?;
                match hint {
                    Some(h) => write!(f, " ({h})"),
                    None => Ok(()),
                }
            }
            Problem::UnknownName(n) => write!(
                f,
                "unknown name `{n}`{at}: use x, y, pi, e, a function ({}) or a constant \
                 defined on a line before the expression (`{n} = 1`)",
                function_list()
            ),
            Problem::NotAFunction(n) => {
                write!(f, "`{n}`{at} is not a function (write `*` to multiply)")
            }
            Problem::MissingArguments(n) => {
                write!(
                    f,
                    "the function `{n}`{at} needs its arguments in parentheses: `{n}(…)`"
                )
            }
            Problem::Arity { func, wanted, got } => write!(
                f,
                "`{func}`{at} takes {wanted} argument{}, not {got}",
                if *wanted == 1 { "" } else { "s" }
            ),
            Problem::ReservedName(n) => write!(
                f,
                "`{n}`{at} cannot name a constant: names start with a letter or `_`, and x, y, \
                 pi, e and the functions are taken"
            ),
            Problem::DuplicateConstant(n) => write!(f, "the constant `{n}` is defined twice{at}"),
            Problem::ConstantAfterExpression => write!(
                f,
                "a constant is defined{at} after the expression: constants come first"
            ),
            Problem::SecondExpression => write!(
                f,
                "a second expression{at}: a formula has one expression, after its constants"
            ),
            Problem::TooLong { chars } => write!(
                f,
                "the formula is {chars} characters long; at most {MAX_CHARS} are allowed"
            ),
            Problem::TooDeep => write!(f, "the formula nests deeper than {MAX_DEPTH} levels{at}"),
            Problem::TooManyNodes => write!(
                f,
                "the formula has more than {MAX_NODES} numbers, names and operations{at}"
            ),
            Problem::TooManyConstants => {
                write!(f, "more than {MAX_CONSTANTS} constants{at}")
            }
        }
    }
}

impl std::error::Error for FormulaError {}

/// The function names, for messages and the README.
pub fn function_list() -> String {
    Func::ALL.map(Func::name).join(", ")
}

#[cfg(test)]
mod tests;
