//! Typed formulas through the rest of losscape: scene files and share links that carry them,
//! errors that point at the mistake, the CLI's exit code, and non-finite regions drawn as gaps
//! and ending trajectories as diverged. (The same trajectories as the built-in surfaces they
//! retype: `tests/formula.rs`.)

mod common;

use common::{losscape, stderr, stdout, temp_dir, write};
use losscape::engine::{OptimizerKind, OptimizerSpec, Status, Vec2, run};
use losscape::figure::colormap::{NO_DATA, colorize};
use losscape::figure::grid::Grid;
use losscape::figure::levels::ColorScale;
use losscape::scene::{self, Scene, link};

fn scene_with(surface_toml: &str, steps: u64) -> Scene {
    let text = format!(
        "steps = {steps}\nstart = [-1.5, 2.0]\n\n[surface]\n{surface_toml}\n\n\
         [[optimizer]]\nkind = \"adam\"\nlr = 0.02\n\n\
         [[optimizer]]\nkind = \"momentum\"\nlr = 0.0005\nmomentum = 0.9\n\n\
         [[optimizer]]\nkind = \"newton\"\n"
    );
    scene::parse(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_formula_scene_is_written_back_and_travels_in_links() {
    let s = scene_with(
        "kind = \"formula\"\nf = \"k = 2 # how steep\\n(1 - x)^2 + k*100*(y - x^2)^2 + c\"\n\
         params = { c = 0.5, k = 3 }\nview = { x = [-2, 2], y = [-1, 3] }\nstart = [-1, 2.5]",
        50,
    );
    let t = s.surface.typed_surface().expect("a typed surface");
    assert_eq!(
        t.formula().constant("k"),
        Some(3.0),
        "the table's value wins"
    );
    assert!(
        t.formula().source().starts_with("k = 3 # how steep\n"),
        "and the line says so: {}",
        t.formula().source()
    );
    assert_eq!(t.formula().constant("c"), Some(0.5));
    assert_eq!(t.default_start(), Vec2::new(-1.0, 2.5));
    assert_eq!(s.view_box().x, [-2.0, 2.0]);
    assert_eq!(s.surface.value(Vec2::new(1.0, 1.0)), 0.5);
    // the minimum searched numerically sits on (1, 1)
    assert!(
        t.minima()
            .iter()
            .any(|m| (m - Vec2::new(1.0, 1.0)).norm() < 1e-9),
        "{:?}",
        t.minima()
    );

    let text = s.to_toml();
    assert!(text.contains("kind = \"formula\""), "{text}");
    let back = scene::parse(&text, "written.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(back, s, "{text}");

    let linked = link::unpack(&link::link("https://example.org/", &s)).expect("unpacks");
    assert_eq!(linked, s);
    assert_eq!(
        run(&s.problem(), &s.specs()),
        run(&linked.problem(), &linked.specs())
    );
}

#[test]
fn formula_errors_point_at_the_mistake_in_the_file() {
    let text = "steps = 5\n[surface]\nkind = \"formula\"\nf = \"(1 - x)^2 + 100*(y - x^2\"\n";
    let e = scene::parse(text, "bad.toml").unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.toml:4:30: [surface] `f`: expected `)` at column 25, found the end of the formula"
    );
    let e = scene::parse("[surface]\nkind = \"formula\"\nf = 'x +\\ y'\n", "bad.toml").unwrap_err();
    assert_eq!(e.location, Some((3, 9)), "{e}");
    for (surface, wanted) in [
        ("kind = \"formula\"", "needs `f`"),
        ("kind = \"formula\"\nf = 3", "`f` must be a string"),
        (
            "kind = \"formula\"\nf = \"x\"\nkappa = 2",
            "unknown key `kappa`",
        ),
        (
            "kind = \"formula\"\nf = \"x\"\nparams = { pi = 2 }",
            "`pi` cannot name a constant",
        ),
        (
            "kind = \"formula\"\nf = \"x\"\nparams = { a = \"b\" }",
            "`params.a` must be a number",
        ),
        (
            "kind = \"formula\"\nf = \"x + q\"",
            "unknown name `q` at column 5",
        ),
        (
            "kind = \"formula\"\nf = \"x\"\nview = { x = [1, 0], y = [0, 1] }",
            "low < high",
        ),
        ("kind = \"formul\"", "did you mean `formula`?"),
    ] {
        let e = scene::parse(&format!("[surface]\n{surface}\n"), "s.toml").unwrap_err();
        assert!(e.to_string().contains(wanted), "{surface}: {e}");
    }
}

#[test]
fn cli_exits_2_with_the_formulas_column() {
    let dir = temp_dir();
    let path = write(
        &dir,
        "s.toml",
        "[surface]\nkind = \"formula\"\nf = \"sin(x) + cos(y\"\n[[optimizer]]\nkind = \"gd\"\n",
    );
    let out = losscape(&["trace", "--scene", path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("s.toml:3:20:") && err.contains("expected `)` at column 15"),
        "{err}"
    );
}

#[test]
fn cli_traces_a_formula_scene() {
    let dir = temp_dir();
    let path = write(
        &dir,
        "s.toml",
        "steps = 3\nstart = [1, 1]\n[surface]\nkind = \"formula\"\nf = \"x^2 + 3*y^2\"\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    let out = losscape(&["trace", "--scene", path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    // one GD step: (1, 1) − 0.1·(2, 6) = (0.8, 0.4), loss 0.64 + 0.48
    assert_eq!(rows[1], "GD,0,1,1,4");
    let row: Vec<f64> = rows[2]
        .split(',')
        .skip(2)
        .map(|v| v.parse().expect("a number"))
        .collect();
    let want = [0.8, 0.4, 1.12];
    assert!(
        row.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
        "{text}"
    );
}

#[test]
fn non_finite_regions_are_gaps_and_end_trajectories_as_diverged() {
    // defined for x > 0 only; GD with a large step jumps across into the undefined half
    let s = scene_with("kind = \"formula\"\nf = \"x - log(x) + y^2\"", 20);
    let mut spec = OptimizerSpec::new(OptimizerKind::Gd);
    spec.hyper.lr = 5.0;
    let mut p = s.problem();
    p.start = Vec2::new(0.5, 0.0);
    let t = run(&p, &[spec]).remove(0);
    assert!(
        matches!(t.status, Status::Diverged { .. }),
        "{:?} {:?}",
        t.status,
        t.points
    );
    assert!(!t.losses.last().expect("rows").is_finite());

    let grid = Grid::evaluate(&s.surface, s.view_box(), 8, 4);
    let (lo, hi) = grid.finite_range().expect("finite somewhere");
    let rgb = colorize(&grid, &ColorScale::new(lo, hi));
    // the left half of the view is x < 0: every pixel there is the no-data grey
    for j in 0..4 {
        for i in 0..8 {
            let px = &rgb[(j * 8 + i) * 4..(j * 8 + i) * 4 + 3];
            assert_eq!(px == NO_DATA, i < 4, "pixel ({i}, {j}): {px:?}");
        }
    }
}
