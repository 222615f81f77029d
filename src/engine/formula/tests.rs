//! The language's grammar, constants, folding and error messages. Parity with the built-in
//! surfaces and the property tests live in `tests/formula.rs`.

use super::*;
use crate::engine::real::Dual2;

fn at(src: &str, x: f64, y: f64) -> f64 {
    Formula::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .eval(x, y)
}

fn error(src: &str) -> String {
    match Formula::parse(src) {
        Ok(_) => panic!("{src:?} parsed"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn precedence_and_associativity_follow_mathematics() {
    assert_eq!(at("-x^2", 3.0, 0.0), -9.0);
    assert_eq!(at("-2^2", 0.0, 0.0), -4.0);
    assert_eq!(at("(-2)^2", 0.0, 0.0), 4.0);
    assert_eq!(at("2^3^2", 0.0, 0.0), 512.0);
    assert_eq!(at("2^-1", 0.0, 0.0), 0.5);
    assert_eq!(at("2^-x^2", 2.0, 0.0), 2f64.powi(-4));
    assert_eq!(at("1 - 2 - 3", 0.0, 0.0), -4.0);
    assert_eq!(at("8 / 4 / 2", 0.0, 0.0), 1.0);
    assert_eq!(at("2*3 + 4*5", 0.0, 0.0), 26.0);
    assert_eq!(at("x - -y", 1.0, 2.0), 3.0);
    assert_eq!(at("x**2 * y", 3.0, 2.0), 18.0);
    assert_eq!(at("+x", 1.5, 0.0), 1.5);
}

#[test]
fn integer_powers_of_negative_bases_are_exact() {
    assert_eq!(at("x^3", -2.0, 0.0), -8.0);
    assert_eq!(at("x^-2", -2.0, 0.0), 0.25);
    // variable exponents: a negative base has no real power but an integer one, and no
    // derivative with respect to the exponent at all
    assert!(at("x^y", -2.0, 2.5).is_nan());
    let d = Formula::parse("x^y")
        .unwrap()
        .eval(Dual2::var(-2.0, 0), Dual2::var(2.0, 1));
    assert_eq!(d.v, 4.0);
    assert!(d.d[1].is_nan());
    assert!(at("x^0.5", -1.0, 0.0).is_nan());
}

#[test]
fn names_functions_and_comments() {
    let v = at(
        "# a bowl with a bump\nsin(x) + cos(y) + tan(0) + exp(0) + log(e) + sqrt(4) + abs(-x) \
         + tanh(0) + sigmoid(0) + softplus(0) + min(x, y) + max(x, y) + pi",
        1.0,
        2.0,
    );
    let want = 1f64.sin()
        + 2f64.cos()
        + 1.0
        + 1.0
        + 2.0
        + 1.0
        + 0.5
        + 2f64.ln()
        + 1.0
        + 2.0
        + std::f64::consts::PI;
    assert!((v - want).abs() < 1e-15, "{v} vs {want}");
}

#[test]
fn softplus_and_sigmoid_do_not_overflow() {
    assert_eq!(at("softplus(x)", 1000.0, 0.0), 1000.0);
    assert_eq!(at("softplus(x)", -1000.0, 0.0), 0.0);
    let d = Formula::parse("softplus(x)")
        .unwrap()
        .eval(Dual2::var(800.0, 0), Dual2::var(0.0, 1));
    assert!(d.v.is_finite() && d.d[0] == 1.0 && d.h[0] == 0.0, "{d:?}");
}

#[test]
fn constants_from_lines_and_from_a_table() {
    let f = Formula::parse("a = 1.5\nb = -2; a*x + b").unwrap();
    assert_eq!(
        f.constants()
            .iter()
            .map(|c| (c.name.as_str(), c.value))
            .collect::<Vec<_>>(),
        [("a", 1.5), ("b", -2.0)]
    );
    assert_eq!(f.eval(2.0, 0.0), 1.0);
    let g = f.with_constant("a", 3.0);
    assert_eq!(g.eval(2.0, 0.0), 4.0);
    assert_eq!(g.constant("a"), Some(3.0));
    assert_ne!(f, g);
    assert_eq!(f.with_constant("zz", 1.0), f);

    // a table's value wins over the line's, and a table may add constants the text only uses
    let t =
        Formula::parse_with("a = 1.5; a*x + c", &[("a".into(), 2.0), ("c".into(), 1.0)]).unwrap();
    assert_eq!(t.eval(1.0, 0.0), 3.0);
    assert_eq!(t.constants().len(), 2);
    // the lines' constants come first whatever the table's order, so a saved scene (which
    // lists every constant in its table) reads back equal
    let lines = Formula::parse("b = 1; a = 2; z = 3; a*x + b*y + z").unwrap();
    let table: Vec<(String, f64)> = [("a", 2.0), ("b", 1.0), ("z", 3.0)]
        .map(|(n, v)| (n.to_string(), v))
        .to_vec();
    let saved = Formula::parse_with(lines.source(), &table).unwrap();
    assert_eq!(saved, lines);
    assert_eq!(saved.eval(1.0, 10.0), lines.eval(1.0, 10.0));
    let extra = Formula::parse_with("b = 1; b*x + a", &[("a".into(), 5.0)]).unwrap();
    let names: Vec<&str> = extra.constants().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["b", "a"]);
    assert_eq!(extra.eval(2.0, 0.0), 7.0);
}

#[test]
fn constants_fold_into_the_program() {
    assert_eq!(Formula::parse("x + 2*pi*3").unwrap().cost(), 2);
    // X Neg AddC Sq · Y X Sq Sub Sq MulC · Add
    assert_eq!(
        Formula::parse("(1 - x)^2 + 100*(y - x^2)^2")
            .unwrap()
            .cost(),
        11
    );
    let f = Formula::parse("k = 2; exp(-k*x)").unwrap();
    assert_eq!(f.cost(), 3);
    assert_eq!(f.with_constant("k", 0.0).eval(5.0, 0.0), 1.0);
}

#[test]
fn non_finite_regions_are_non_finite_not_errors() {
    assert!(at("log(x)", -1.0, 0.0).is_nan());
    assert_eq!(at("log(x)", 0.0, 0.0), f64::NEG_INFINITY);
    assert_eq!(at("1/x", 0.0, 0.0), f64::INFINITY);
    assert!(at("min(log(x), 1)", -1.0, 0.0).is_nan());
    assert!(at("max(1, log(x))", -1.0, 0.0).is_nan());
    let d = Formula::parse("sqrt(x)")
        .unwrap()
        .eval(Dual2::var(0.0, 0), Dual2::var(0.0, 1));
    assert_eq!((d.v, d.d[0]), (0.0, f64::INFINITY));
}

#[test]
fn errors_say_what_was_expected_and_where() {
    assert_eq!(
        error("(1 - x)^2 + 100*(y - x^2"),
        "expected `)` at column 25, found the end of the formula"
    );
    assert_eq!(
        error("x + * y"),
        "expected a number, x, y, a name or `(` at column 5, found `*`"
    );
    assert_eq!(
        error("2x"),
        "expected an operator or the end of the formula at column 2, found `x` (write `*` to \
         multiply)"
    );
    assert_eq!(
        error("sin x"),
        "the function `sin` at column 1 needs its arguments in parentheses: `sin(…)`"
    );
    assert_eq!(
        error("min(x)"),
        "`min` at column 1 takes 2 arguments, not 1"
    );
    assert_eq!(
        error("max(x, y, 1)"),
        "`max` at column 1 takes 2 arguments, not 3"
    );
    assert_eq!(
        error("max(x y)"),
        "expected `,` or `)` at column 7, found `y`"
    );
    assert!(error("1 + z").starts_with("unknown name `z` at column 5: use x, y, pi, e"));
    assert!(error("a = 1\nx + b").starts_with("unknown name `b` at line 2, column 5"));
    assert!(error("x = 2\nx").starts_with("`x` at column 1 cannot name a constant"));
    assert!(error("sin = 2\nx").starts_with("`sin` at column 1 cannot name a constant"));
    assert_eq!(
        error("a = 1; a = 2; x"),
        "the constant `a` is defined twice at column 8"
    );
    assert_eq!(
        error("a = x; a"),
        "expected a number (a constant's value) at column 5, found `x`"
    );
    assert!(error("x; y").starts_with("a second expression at column 4"));
    assert!(error("x + 1\na = 2").starts_with("a constant is defined at line 2, column 1"));
    assert_eq!(
        error(""),
        "expected an expression in x and y at column 1, found the end of the formula"
    );
    assert_eq!(
        error("x(2)"),
        "`x` at column 1 is not a function (write `*` to multiply)"
    );
    assert_eq!(error("x + @"), "unexpected character `@` at column 5");
    assert_eq!(
        error("(x))"),
        "expected an operator or the end of the formula at column 4, found `)`"
    );
}

#[test]
fn limits_are_enforced_with_their_own_message() {
    let long = "x".repeat(MAX_CHARS + 1);
    assert_eq!(
        error(&long),
        format!(
            "the formula is {} characters long; at most {MAX_CHARS} are allowed",
            MAX_CHARS + 1
        )
    );
    let nested = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(at(&nested(MAX_DEPTH), 2.0, 0.0), 2.0);
    assert!(
        error(&nested(MAX_DEPTH + 1))
            .starts_with("the formula nests deeper than 64 levels at column 65")
    );
    assert!(error(&"-".repeat(MAX_DEPTH + 1)).contains("nests deeper"));
    let sum = vec!["x"; MAX_NODES].join("+");
    assert!(error(&sum).starts_with("the formula has more than 500 numbers"));
    let defs: String = (0..=MAX_CONSTANTS)
        .map(|i| format!("c{i} = {i}\n"))
        .collect();
    assert!(error(&(defs + "x")).starts_with("more than 16 constants at line 17"));
}

#[test]
fn table_names_are_checked() {
    let e = Formula::parse_with("x", &[("pi".into(), 1.0)]).unwrap_err();
    assert_eq!(e.position, None);
    assert!(e.to_string().starts_with("`pi` cannot name a constant"));
    assert!(Formula::valid_constant_name("k_2"));
    assert!(!Formula::valid_constant_name("2k"));
    assert!(!Formula::valid_constant_name("tanh"));
}

#[test]
fn a_constant_set_from_outside_rewrites_its_line() {
    let f = Formula::parse("# slope\nk = 3   # how steep\nb = -1.50\nk*x^2 + b").unwrap();
    let moved = f.with_constant("k", 5.8);
    assert_eq!(
        moved.source(),
        "# slope\nk = 5.8   # how steep\nb = -1.50\nk*x^2 + b",
        "only k's number changes; b's line stays as typed"
    );
    // the rewritten text reads back as the same formula, and later lines follow the shift
    assert_eq!(Formula::parse(moved.source()).unwrap(), moved);
    let both = moved.with_constant("b", 1e-300).with_constant("k", -0.25);
    assert_eq!(
        both.source(),
        "# slope\nk = -0.25   # how steep\nb = 1e-300\nk*x^2 + b"
    );
    assert_eq!(Formula::parse(both.source()).unwrap(), both);
    assert_eq!(both.eval(2.0, 0.0), -1.0 + 1e-300);
    // `- 1.5` with a space, `+2`, `.5`: a line already saying the value is left alone
    let typed = "a = - 1.5; c = +2; d = .5; a + c + d + x";
    let same = Formula::parse(typed).unwrap().with_constant("c", 2.0);
    assert_eq!(same.source(), typed);
    // a scene's table wins over a line, and the line is made to say so; a constant only the
    // table has keeps no line to rewrite
    let t =
        Formula::parse_with("a = 1.5; a*x + c", &[("a".into(), 2.0), ("c".into(), 1.0)]).unwrap();
    assert_eq!(t.source(), "a = 2; a*x + c");
    assert_eq!(t.with_constant("c", 4.0).source(), "a = 2; a*x + c");
    // a huge value is written short
    assert_eq!(
        f.with_constant("k", 1e200).source().len(),
        f.source().len() + 4
    );
}

#[test]
fn a_line_starting_or_ending_with_an_operator_goes_on_with_the_expression() {
    let one = at("x^2 + y^2 + min(x, y)", 1.0, 2.0);
    for src in [
        "x^2 + y^2\n+ min(x, y)",
        "x^2 + y^2 +\nmin(x, y)",
        "x^2 + y^2   # the bowl\n  # a note between\n\n  + min(x, y)  # the crease",
        "a = 1\nx^a\n+ y^2\n+ min(x, y)",
        "(x^2\n+ y^2) +\n\nmin(x, y)",
        "x\n^2 + y^\n2 + min(x, y)",
    ] {
        assert_eq!(at(src, 1.0, 2.0), one, "{src:?}");
    }
    assert_eq!(at("x\n- y", 1.0, 2.0), -1.0);
    assert_eq!(at("x\n* y\n/ 4", 1.0, 2.0), 0.5);
    assert_eq!(at("2 *\n-x", 1.0, 0.0), -2.0);
    // a constant's line then an expression starting with a sign: still a new statement
    assert_eq!(at("a = 1\n-x^2 + a", 2.0, 0.0), -3.0);
    // `;` is not a line break: it always ends the statement
    assert!(error("x ; + y").starts_with("a second expression at column 5"));
    // a line of its own that is not an operator is still a second expression
    assert!(error("x^2\ny").starts_with("a second expression at line 2, column 1"));
    // an operator with nothing after it, however many lines later
    assert_eq!(
        error("x +\n\n"),
        "expected a number, x, y, a name or `(` at line 3, column 1, found the end of the formula"
    );
}

#[test]
fn trailing_line_breaks_and_spaces_do_not_matter() {
    let bare = Formula::parse("a = 2\na*x^2 + y").unwrap();
    for src in [
        "a = 2\na*x^2 + y\n",
        "a = 2\na*x^2 + y\n\n\n",
        "a = 2\na*x^2 + y\n  \t\n",
        "a = 2\na*x^2 + y # done\n",
        "\na = 2\n\na*x^2 + y\r\n",
    ] {
        let f = Formula::parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert_eq!(f.constant("a"), Some(2.0), "{src:?}");
        assert_eq!(f.constants().len(), 1, "{src:?}");
        assert_eq!(f.eval(1.5, -2.0), bare.eval(1.5, -2.0), "{src:?}");
        assert_eq!(f.cost(), bare.cost(), "{src:?}");
    }
}
