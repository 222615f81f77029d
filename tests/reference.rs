//! Every trajectory matches the real `torch.optim` (float64 fixtures in tests/fixtures),
//! through the library and through the `losscape trace` binary, within 1e-6 + 1e-6·|expected|.

mod common;

use losscape::engine;
use losscape::scene;
use serde_json::Value;

struct Case {
    id: String,
    scene: String,
    /// `[step, x, y, loss]`; `None` where the reference is non-finite.
    expected: Vec<[Option<f64>; 4]>,
}

fn cases() -> Vec<Case> {
    cases_of(include_str!("fixtures/torch_reference.json"))
}

/// `narrowing_valley` (the SAM lesson's surface): GD, SAM, Adam and damped Newton.
fn valley_cases() -> Vec<Case> {
    cases_of(include_str!("fixtures/torch_valley.json"))
}

fn cases_of(text: &str) -> Vec<Case> {
    let doc: Value = serde_json::from_str(text).expect("the fixture is JSON");
    let tol = &doc["tolerance"];
    assert_eq!(tol["abs"].as_f64(), Some(1e-6));
    assert_eq!(tol["rel"].as_f64(), Some(1e-6));
    doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            id: c["id"].as_str().expect("id").to_string(),
            scene: c["scene"].as_str().expect("scene").to_string(),
            expected: c["expected"]
                .as_array()
                .expect("expected")
                .iter()
                .map(|row| {
                    let r = row.as_array().expect("row");
                    std::array::from_fn(|i| r[i].as_f64())
                })
                .collect(),
        })
        .collect()
}

/// Largest deviation, in units of the tolerance, between `rows` and the reference.
fn compare(case: &Case, rows: &[[f64; 4]]) -> f64 {
    assert_eq!(
        rows.len(),
        case.expected.len(),
        "{}: row count (a diverging case must stop at the same step)",
        case.id
    );
    let mut worst: f64 = 0.0;
    for (k, (got, want)) in rows.iter().zip(&case.expected).enumerate() {
        assert_eq!(got[0], k as f64, "{}: step column", case.id);
        for i in 1..4 {
            match want[i] {
                Some(w) => {
                    let err = (got[i] - w).abs();
                    let tol = 1e-6 + 1e-6 * w.abs();
                    assert!(
                        err <= tol,
                        "{}: step {k} column {i}: got {}, torch {w}",
                        case.id,
                        got[i]
                    );
                    worst = worst.max(err / tol);
                }
                None => assert!(
                    !got[i].is_finite(),
                    "{}: step {k} must be non-finite",
                    case.id
                ),
            }
        }
    }
    worst
}

#[test]
fn library_matches_torch_on_every_public_case() {
    let cases = cases();
    assert_eq!(cases.len(), 47);
    library_matches(&cases);
}

#[test]
fn library_matches_torch_on_the_narrowing_valley() {
    let cases = valley_cases();
    assert_eq!(cases.len(), 4);
    library_matches(&cases);
}

fn library_matches(cases: &[Case]) {
    let mut worst: f64 = 0.0;
    for case in cases {
        let scene = scene::parse(&case.scene, &case.id).expect("the reference scene parses");
        let trajectories = engine::run(&scene.problem(), &scene.specs());
        assert_eq!(trajectories.len(), 1);
        let t = &trajectories[0];
        let rows: Vec<[f64; 4]> = t
            .points
            .iter()
            .zip(&t.losses)
            .enumerate()
            .map(|(k, (p, f))| [k as f64, p.x, p.y, *f])
            .collect();
        worst = worst.max(compare(case, &rows));
    }
    eprintln!("largest deviation: {worst:.3e} of the tolerance");
}

#[test]
fn trace_binary_matches_torch_on_every_public_case() {
    trace_matches(cases());
}

#[test]
fn trace_binary_matches_torch_on_the_narrowing_valley() {
    trace_matches(valley_cases());
}

fn trace_matches(cases: Vec<Case>) {
    let dir = common::temp_dir();
    for case in cases {
        let path = common::write(&dir, &format!("{}.toml", case.id), &case.scene);
        let out = common::losscape(&["trace", "--scene", path.to_str().expect("utf-8 path")]);
        assert!(
            out.status.success(),
            "{}: {}",
            case.id,
            common::stderr(&out)
        );
        let csv = common::stdout(&out);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("label,step,x,y,loss"));
        let rows: Vec<[f64; 4]> = lines
            .map(|line| {
                let cols: Vec<&str> = line.split(',').collect();
                assert_eq!(cols.len(), 5, "{line}");
                assert_eq!(cols[0], case.id, "the label column");
                std::array::from_fn(|i| cols[i + 1].parse::<f64>().expect("a number"))
            })
            .collect();
        compare(&case, &rows);
    }
}
