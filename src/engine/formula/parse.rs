//! Tokens to a syntax tree by precedence climbing, and the constant lines before it. Inside
//! the expression a line break beside a binary operator is stepped over: `x^2\n+ y` is one
//! expression, as someone typing a long formula over lines means it; `;` always separates.
//!
//! Precedence, loosest first: `+ -` (left), `* /` (left), unary minus, `^` (right). So
//! `-x^2 = -(x^2)` and `2^3^2 = 2^9`, as in mathematics; the exponent may itself carry a
//! sign (`2^-x`). Every nesting (a parenthesis, a function's arguments, a sign, an exponent)
//! counts against [`MAX_DEPTH`] and each costs a bounded number of recursive calls, so no input
//! overflows the stack; the nodes built count against [`MAX_NODES`], which bounds the cost of
//! an evaluation.

use super::lex::{Tok, Token};
use super::{Constant, FormulaError, MAX_CONSTANTS, MAX_DEPTH, MAX_NODES, Problem};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// The functions of the language, with their names and argument counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Exp,
    Log,
    Sqrt,
    Abs,
    Tanh,
    Sigmoid,
    Softplus,
    Min,
    Max,
}

impl Func {
    pub const ALL: [Func; 12] = [
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Exp,
        Func::Log,
        Func::Sqrt,
        Func::Abs,
        Func::Tanh,
        Func::Sigmoid,
        Func::Softplus,
        Func::Min,
        Func::Max,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Tanh => "tanh",
            Func::Sigmoid => "sigmoid",
            Func::Softplus => "softplus",
            Func::Min => "min",
            Func::Max => "max",
        }
    }

    pub fn arity(self) -> usize {
        match self {
            Func::Min | Func::Max => 2,
            _ => 1,
        }
    }

    pub fn from_name(name: &str) -> Option<Func> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A parsed expression. Constants are indices into the formula's constant list, so moving a
/// slider only recompiles, never reparses.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    Num(f64),
    X,
    Y,
    Constant(usize),
    Neg(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

impl Node {
    /// Points every constant `i` at `new_index[i]`.
    pub(super) fn renumber(&mut self, new_index: &[usize]) {
        match self {
            Node::Constant(i) => *i = new_index.get(*i).copied().unwrap_or(*i),
            Node::Neg(a) => a.renumber(new_index),
            Node::Bin(_, a, b) => {
                a.renumber(new_index);
                b.renumber(new_index);
            }
            Node::Call(_, args) => args.iter_mut().for_each(|a| a.renumber(new_index)),
            Node::Num(_) | Node::X | Node::Y => {}
        }
    }
}

/// Names that cannot be constants: the variables, the built-in constants and the functions.
pub(super) fn reserved(name: &str) -> bool {
    matches!(name, "x" | "y" | "pi" | "e") || Func::from_name(name).is_some()
}

/// A constant's name must be a name of the language (a letter or `_`, then letters, digits or
/// `_`) that is not reserved.
pub(super) fn valid_constant_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !reserved(name)
}

struct Parser<'a> {
    source: &'a str,
    toks: Vec<Token>,
    i: usize,
    constants: Vec<Constant>,
    nodes: usize,
}

/// Parses the whole source: constant lines (`name = number`), then one expression. `given`
/// are constants from elsewhere (a scene's `params` table): they may be used without a line,
/// and their values win over a line's.
pub(super) fn parse(
    source: &str,
    toks: Vec<Token>,
    given: Vec<Constant>,
) -> Result<(Vec<Constant>, Node), FormulaError> {
    let mut p = Parser {
        source,
        toks,
        i: 0,
        constants: given,
        nodes: 0,
    };
    let mut expr = None;
    loop {
        while matches!(p.peek(), Tok::Sep | Tok::Break) {
            p.i += 1;
        }
        if p.peek() == &Tok::End {
            break;
        }
        let is_definition = matches!(p.peek(), Tok::Name(_))
            && p.toks.get(p.i + 1).map(|t| &t.tok) == Some(&Tok::Equals);
        if is_definition {
            if expr.is_some() {
                return Err(p.error(Problem::ConstantAfterExpression));
            }
            p.definition()?;
        } else {
            if expr.is_some() {
                return Err(p.error(Problem::SecondExpression));
            }
            expr = Some(p.expr(1, 0)?);
            p.end_of_line("an operator or the end of the formula")?;
        }
    }
    match expr {
        Some(e) => Ok((p.constants, e)),
        None => Err(p.expected("an expression in x and y")),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        // The token list always ends with `End`, and nothing advances past it.
        self.toks.get(self.i).map_or(&Tok::End, |t| &t.tok)
    }

    fn at(&self) -> usize {
        self.toks
            .get(self.i)
            .or(self.toks.last())
            .map_or(0, |t| t.at)
    }

    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        if t != Tok::End {
            self.i += 1;
        }
        t
    }

    fn error(&self, problem: Problem) -> FormulaError {
        FormulaError::at(self.source, self.at(), problem)
    }

    fn expected(&self, what: &'static str) -> FormulaError {
        let found = self.peek();
        let hint = matches!(found, Tok::Name(_) | Tok::Num(_) | Tok::Open)
            && what.starts_with("an operator");
        self.error(Problem::Expected {
            what,
            found: found.describe(),
            hint: hint.then_some("write `*` to multiply"),
        })
    }

    /// Steps over line breaks, after an operator that wants its right-hand side.
    fn skip_breaks(&mut self) {
        while self.peek() == &Tok::Break {
            self.i += 1;
        }
    }

    /// Steps over line breaks (and the comments between them) when the next line starts with
    /// a binary operator: that line goes on with the expression, it does not start another.
    fn join_lines_before_operator(&mut self) {
        let mut j = self.i;
        while self.toks.get(j).is_some_and(|t| t.tok == Tok::Break) {
            j += 1;
        }
        let next = self.toks.get(j).map(|t| &t.tok);
        if matches!(
            next,
            Some(Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash | Tok::Caret)
        ) {
            self.i = j;
        }
    }

    fn end_of_line(&mut self, what: &'static str) -> Result<(), FormulaError> {
        match self.peek() {
            Tok::Sep | Tok::Break | Tok::End => Ok(()),
            _ => Err(self.expected(what)),
        }
    }

    /// `name = number`, the number with an optional sign.
    fn definition(&mut self) -> Result<(), FormulaError> {
        let start = self.at();
        let Tok::Name(name) = self.advance() else {
            return Err(self.expected("a name"));
        };
        if !valid_constant_name(&name) {
            return Err(FormulaError::at(
                self.source,
                start,
                Problem::ReservedName(name),
            ));
        }
        self.advance(); // `=`
        let value_at = self.at();
        let sign = match self.peek() {
            Tok::Minus => {
                self.advance();
                -1.0
            }
            Tok::Plus => {
                self.advance();
                1.0
            }
            _ => 1.0,
        };
        let Tok::Num(v) = self.peek().clone() else {
            return Err(self.expected("a number (a constant's value)"));
        };
        let value_end = self.toks.get(self.i).map_or(value_at, |t| t.end);
        self.advance();
        self.end_of_line("the end of the line after a constant's value")?;
        let value = sign * v;
        let order = self.constants.iter().filter(|c| c.line.is_some()).count();
        match self.constants.iter_mut().find(|c| c.name == name) {
            Some(c) if c.line.is_some() => {
                return Err(FormulaError::at(
                    self.source,
                    start,
                    Problem::DuplicateConstant(name),
                ));
            }
            // given by the scene's table: that value stands; the line only declares it (and
            // is rewritten to say it)
            Some(c) => {
                c.line = Some(order);
                c.span = Some((value_at, value_end));
            }
            None => {
                if self.constants.len() >= MAX_CONSTANTS {
                    return Err(FormulaError::at(
                        self.source,
                        start,
                        Problem::TooManyConstants,
                    ));
                }
                self.constants.push(Constant {
                    name,
                    value,
                    line: Some(order),
                    span: Some((value_at, value_end)),
                });
            }
        }
        Ok(())
    }

    fn node(&mut self, n: Node) -> Result<Node, FormulaError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error(Problem::TooManyNodes));
        }
        Ok(n)
    }

    fn deeper(&self, depth: usize) -> Result<usize, FormulaError> {
        if depth >= MAX_DEPTH {
            Err(self.error(Problem::TooDeep))
        } else {
            Ok(depth + 1)
        }
    }

    /// Precedence climbing over the binary operators binding at least as tight as `min`
    /// (1: `+ -`, 2: `* /`); `^` lives in [`Parser::power`].
    fn expr(&mut self, min: u8, depth: usize) -> Result<Node, FormulaError> {
        let mut lhs = self.unary(depth)?;
        loop {
            self.join_lines_before_operator();
            let (op, prec) = match self.peek() {
                Tok::Plus => (BinOp::Add, 1),
                Tok::Minus => (BinOp::Sub, 1),
                Tok::Star => (BinOp::Mul, 2),
                Tok::Slash => (BinOp::Div, 2),
                _ => return Ok(lhs),
            };
            if prec < min {
                return Ok(lhs);
            }
            self.advance();
            self.skip_breaks();
            let rhs = self.expr(prec + 1, depth)?;
            lhs = self.node(Node::Bin(op, Box::new(lhs), Box::new(rhs)))?;
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Node, FormulaError> {
        match self.peek() {
            Tok::Minus => {
                let depth = self.deeper(depth)?;
                self.advance();
                let inner = self.unary(depth)?;
                self.node(Node::Neg(Box::new(inner)))
            }
            Tok::Plus => {
                let depth = self.deeper(depth)?;
                self.advance();
                self.unary(depth)
            }
            _ => self.power(depth),
        }
    }

    fn power(&mut self, depth: usize) -> Result<Node, FormulaError> {
        let base = self.primary(depth)?;
        self.join_lines_before_operator();
        if self.peek() != &Tok::Caret {
            return Ok(base);
        }
        self.advance();
        self.skip_breaks();
        // right-associative, and the exponent may be signed: 2^-x^2 = 2^(-(x^2))
        let exponent = self.unary(self.deeper(depth)?)?;
        self.node(Node::Bin(BinOp::Pow, Box::new(base), Box::new(exponent)))
    }

    fn primary(&mut self, depth: usize) -> Result<Node, FormulaError> {
        let start = self.at();
        let node = match self.peek().clone() {
            Tok::Num(v) => {
                self.advance();
                Node::Num(v)
            }
            Tok::Open => {
                let depth = self.deeper(depth)?;
                self.advance();
                let inner = self.expr(1, depth)?;
                if self.peek() != &Tok::Close {
                    return Err(self.expected("`)`"));
                }
                self.advance();
                return Ok(inner);
            }
            Tok::Name(name) => {
                self.advance();
                self.name(&name, start, depth)?
            }
            _ => return Err(self.expected("a number, x, y, a name or `(`")),
        };
        self.node(node)
    }

    fn name(&mut self, name: &str, start: usize, depth: usize) -> Result<Node, FormulaError> {
        let here = |p: Problem| FormulaError::at(self.source, start, p);
        if let Some(func) = Func::from_name(name) {
            return self.call(func, start, depth);
        }
        let node = match name {
            "x" => Node::X,
            "y" => Node::Y,
            "pi" => Node::Num(std::f64::consts::PI),
            "e" => Node::Num(std::f64::consts::E),
            _ => match self.constants.iter().position(|c| c.name == name) {
                Some(i) => Node::Constant(i),
                None => return Err(here(Problem::UnknownName(name.to_string()))),
            },
        };
        if self.peek() == &Tok::Open {
            return Err(here(Problem::NotAFunction(name.to_string())));
        }
        Ok(node)
    }

    fn call(&mut self, func: Func, start: usize, depth: usize) -> Result<Node, FormulaError> {
        if self.peek() != &Tok::Open {
            return Err(FormulaError::at(
                self.source,
                start,
                Problem::MissingArguments(func.name()),
            ));
        }
        let depth = self.deeper(depth)?;
        self.advance();
        let mut args = vec![self.expr(1, depth)?];
        while self.peek() == &Tok::Comma {
            self.advance();
            args.push(self.expr(1, depth)?);
        }
        if self.peek() != &Tok::Close {
            return Err(self.expected(if args.len() < func.arity() {
                "`,` or `)`"
            } else {
                "`)`"
            }));
        }
        self.advance();
        if args.len() != func.arity() {
            return Err(FormulaError::at(
                self.source,
                start,
                Problem::Arity {
                    func: func.name(),
                    wanted: func.arity(),
                    got: args.len(),
                },
            ));
        }
        Ok(Node::Call(func, args))
    }
}
