//! Fuzzing in the test suite, in bounded time: the scene parser and the link decoder fed
//! random bytes, mutated built-in scenes and mutated links never panic, and whatever they
//! accept is within the limits (and survives a round trip). Case counts are fixed, so a run
//! takes the same few seconds every time.

use losscape::scene::{self, BUILTINS, Scene, limits, link};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// What every accepted scene must satisfy.
fn within_limits(s: &Scene) {
    assert!(s.optimizers.len() <= limits::MAX_OPTIMIZERS);
    assert!(s.steps <= limits::MAX_STEPS);
    assert!(limits::work(s) <= limits::MAX_WORK);
    assert!(s.name.chars().count() <= limits::MAX_NAME_CHARS);
    assert!(s.description.chars().count() <= limits::MAX_DESCRIPTION_CHARS);
    for o in &s.optimizers {
        assert!(o.spec.label.chars().count() <= limits::MAX_LABEL_CHARS);
    }
    if let Some(v) = s.view {
        for c in v.x.iter().chain(&v.y) {
            assert!(c.abs() <= limits::MAX_VIEW_COORD);
        }
        assert!(v.width() >= limits::MIN_VIEW_EXTENT && v.height() >= limits::MIN_VIEW_EXTENT);
    }
    // what is accepted is written back to an equal scene
    let again = scene::parse(&s.to_toml(), "round trip").expect("a written scene reads back");
    assert_eq!(&again, s);
}

/// One edit of a scene's text: bytes from TOML's alphabet and from the edges of the limits.
#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, String),
    Duplicate(usize, usize),
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("\"".to_string()),
        Just("'''".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("#".to_string()),
        Just("1e308".to_string()),
        Just("-0".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("9223372036854775807".to_string()),
        Just("1000000".to_string()),
        Just("[[optimizer]]\nkind = \"gd\"\n".to_string()),
        Just("\\u00e9".to_string()),
        Just("→".to_string()),
        "[a-z_]{1,8}",
        "[ -~]{1,6}",
        any::<u8>().prop_map(|b| (b as char).to_string()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), piece()).prop_map(|(at, s)| Edit::Replace(at, s)),
        (any::<usize>(), 1usize..400).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

/// Applies `edits` to `text` at char boundaries (positions taken modulo the length).
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    // the char boundary at or before `i`, or before `i` modulo the length when wrapping
    let boundary = |s: &str, i: usize| {
        (0..=i.min(s.len()))
            .rev()
            .find(|&j| s.is_char_boundary(j))
            .unwrap_or(0)
    };
    let at = |s: &str, i: usize| boundary(s, i % (s.len() + 1));
    for e in edits {
        match e {
            Edit::Insert(i, p) => {
                let i = at(&s, *i);
                s.insert_str(i, p);
            }
            Edit::Delete(i, n) | Edit::Duplicate(i, n) => {
                let a = at(&s, *i);
                let b = boundary(&s, a + n);
                if matches!(e, Edit::Delete(..)) {
                    s.replace_range(a..b, "");
                } else {
                    let copy = s[a..b].to_string();
                    s.insert_str(b, &copy);
                }
            }
            Edit::Replace(i, p) => {
                let a = at(&s, *i);
                let b = boundary(&s, a + p.len());
                s.replace_range(a..b, p);
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(Config { cases: 4000, failure_persistence: None, ..Config::default() })]

    #[test]
    fn mutated_builtin_scenes_never_panic(
        which in 0..BUILTINS.len(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let text = mutate(BUILTINS[which].source, &edits);
        if let Ok(s) = scene::parse(&text, "fuzz") {
            within_limits(&s);
        }
    }

    #[test]
    fn random_text_never_panics(text in "[ -~\n\\[\\]{}\"'#=]{0,300}") {
        if let Ok(s) = scene::parse(&text, "fuzz") {
            within_limits(&s);
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = scene::parse(&text, "fuzz") {
            within_limits(&s);
        }
        if let Ok(s) = link::unpack(&text) {
            within_limits(&s);
        }
    }
}

proptest! {
    #![proptest_config(Config { cases: 2000, failure_persistence: None, ..Config::default() })]

    #[test]
    fn mutated_links_never_panic(
        which in 0..BUILTINS.len(),
        edits in prop::collection::vec(edit(), 0..4),
        inner in prop::collection::vec(edit(), 0..3),
    ) {
        // edits of the packed text (damage) and of the scene inside (valid packing)
        let s = scene::builtin(BUILTINS[which].name).expect("builtin");
        let text = mutate(&s.to_toml(), &inner);
        use base64::Engine as _;
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6));
        let l = mutate(&format!("http://127.0.0.1:8080/#scene={packed}"), &edits);
        if let Ok(s) = link::unpack(&l) {
            within_limits(&s);
        }
        if let Ok(s) = Scene::load(&l) {
            within_limits(&s);
        }
    }
}

/// Inflation bombs of every size around the limit unpack to an error, never to a huge text.
#[test]
fn bombs_around_the_size_limit_are_refused() {
    use base64::Engine as _;
    for n in [
        limits::MAX_SCENE_BYTES - 1,
        limits::MAX_SCENE_BYTES + 1,
        16 * limits::MAX_SCENE_BYTES,
    ] {
        let text = format!("# {}", "x".repeat(n));
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        let e = link::unpack(&packed).expect_err("too large");
        assert!(e.to_string().contains("too large"), "{n}: {e}");
    }
}

/// Pieces of formulas: names, numbers, operators and brackets, in any order.
fn formula_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x".to_string()),
        Just("y".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("^".to_string()),
        Just("*".to_string()),
        Just("/".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just(",".to_string()),
        Just("sin(".to_string()),
        Just("exp(".to_string()),
        Just("log(".to_string()),
        Just("sqrt(".to_string()),
        Just("abs(".to_string()),
        Just("1e308".to_string()),
        Just("0".to_string()),
        Just("2.5".to_string()),
        "[a-z]{1,4}",
        "[ -~]{1,3}",
    ]
}

proptest! {
    #![proptest_config(Config { cases: 3000, failure_persistence: None, ..Config::default() })]

    /// The formula parser (a stranger's `f = "…"` in a scene or link) never panics, and a
    /// formula it accepts evaluates anywhere without panicking.
    #[test]
    fn random_formulas_never_panic(
        pieces in prop::collection::vec(formula_piece(), 0..40),
        at in prop::collection::vec(-1e3f64..1e3, 4),
    ) {
        let source = pieces.concat();
        if let Ok(f) = losscape::engine::formula::Formula::parse(&source) {
            let _ = f.eval(at[0], at[1]);
            let _ = f.eval(at[2], at[3]);
            let _ = f.eval(0.0, 0.0);
        }
    }
}

/// A CSV cell: a number, a near-number or junk, as hand-edited and exported files have.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|v| v.to_string()),
        (-1e3f64..1e3).prop_map(|v| format!("{v:.3}")),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just(String::new()),
        "[ -~]{0,6}",
    ]
}

proptest! {
    #![proptest_config(Config { cases: 3000, failure_persistence: None, ..Config::default() })]

    /// The CSV reader never panics: rows of cells (any count, any separators and line ends)
    /// are read into finite examples within the limit, or refused with a line and column that
    /// exist in the text.
    #[test]
    fn csv_text_is_read_or_refused_with_a_place(
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..4), 0..40),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text: String = rows.iter().map(|r| r.join(",") + end).collect();
        match losscape::scene::data::parse_csv(&text) {
            Ok(examples) => {
                prop_assert!(examples.len() <= losscape::engine::data::MAX_EXAMPLES);
                prop_assert!(examples.iter().flatten().all(|v| v.is_finite()));
            }
            Err(e) => {
                prop_assert!(e.line >= 1 && e.line <= rows.len().max(1), "line {}", e.line);
                prop_assert!(e.column >= 1, "column {}", e.column);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    /// Random bytes as a CSV: never a panic.
    #[test]
    fn random_bytes_as_csv_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = losscape::scene::data::parse_csv(&String::from_utf8_lossy(&bytes));
    }
}
