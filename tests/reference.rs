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
    /// Files written beside the scene (a data surface's CSV): path and text.
    files: Vec<(String, String)>,
}

fn cases() -> Vec<Case> {
    cases_of(include_str!("fixtures/torch_reference.json"))
}

/// Data surfaces with minibatches (CONTRACT.md, "Data surfaces and minibatches").
fn data_cases() -> Vec<Case> {
    cases_of(include_str!("fixtures/torch_data.json"))
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
            files: c["files"]
                .as_object()
                .map(|files| {
                    files
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().expect("file text").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
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

#[test]
fn library_matches_torch_on_every_data_case() {
    let cases = data_cases();
    assert_eq!(cases.len(), 15);
    library_matches(&cases);
}

#[test]
fn trace_binary_matches_torch_on_every_data_case() {
    trace_matches(data_cases());
}

fn library_matches(cases: &[Case]) {
    let mut worst: f64 = 0.0;
    let dir = common::temp_dir();
    for case in cases {
        for (name, text) in &case.files {
            common::write(&dir, name, text);
        }
        let scene = scene::parse_in(&case.scene, &case.id, Some(dir.path()))
            .unwrap_or_else(|e| panic!("the reference scene parses: {e}"));
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
        for (name, text) in &case.files {
            common::write(&dir, name, text);
        }
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

/// `sgd` is torch's `SGD`, which is also what made the `gd` cases; with `noise = 0` (as the
/// torch data sets write it) it must follow every `gd` case. These derived cases are sgd's
/// torch reference.
fn sgd_cases() -> Vec<Case> {
    cases()
        .into_iter()
        .filter(|c| c.scene.contains("kind = \"gd\""))
        .map(|c| Case {
            // the label, which the trace's first column must repeat
            id: c.id,
            // the optimizer table is the scene's last, so the key lands in it
            scene: format!(
                "{}noise = 0.0\n",
                c.scene.replace("kind = \"gd\"", "kind = \"sgd\"")
            ),
            expected: c.expected,
            files: c.files,
        })
        .collect()
}

#[test]
fn sgd_without_noise_matches_torch_on_every_gd_case() {
    let cases = sgd_cases();
    assert!(!cases.is_empty());
    library_matches(&cases);
    trace_matches(cases);
}

/// The optimizer catalog is derived from one registration list, so every kind it holds must be
/// nameable in a scene file (and written back the same), and checked against torch by at least
/// one case.
#[test]
fn every_optimizer_kind_is_reachable_from_a_scene_file_and_checked_against_torch() {
    use losscape::engine::OptimizerKind;
    let all: Vec<Case> = cases()
        .into_iter()
        .chain(valley_cases())
        .chain(data_cases())
        .chain(sgd_cases())
        .collect();
    let dir = common::temp_dir();
    let kinds_of = |case: &Case| -> Vec<OptimizerKind> {
        for (name, text) in &case.files {
            common::write(&dir, name, text);
        }
        let s = scene::parse_in(&case.scene, &case.id, Some(dir.path()))
            .expect("the reference scene parses");
        s.optimizers.iter().map(|o| o.spec.kind).collect()
    };
    let covered: Vec<OptimizerKind> = all.iter().flat_map(kinds_of).collect();
    for kind in OptimizerKind::ALL {
        let text = format!(
            "[surface]\nkind = \"quadratic\"\n\n[[optimizer]]\nkind = \"{}\"\n",
            kind.key()
        );
        let s = scene::parse(&text, "catalog").unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(s.optimizers[0].spec.kind, kind);
        assert_eq!(s.optimizers[0].spec.hyper, kind.defaults());
        assert_eq!(scene::parse(&s.to_toml(), "catalog").as_ref(), Ok(&s));
        assert!(
            covered.contains(&kind),
            "{kind:?} has no torch reference case in tests/fixtures"
        );
    }
}

/// Every surface of the catalog can be named in a scene file with each of its parameters.
#[test]
fn every_surface_kind_is_reachable_from_a_scene_file() {
    use losscape::engine::SurfaceKind;
    for kind in SurfaceKind::ALL {
        let mut text = format!("[surface]\nkind = \"{}\"\n", kind.key());
        for p in kind.params() {
            text.push_str(&format!("{} = {:?}\n", p.key, p.default));
        }
        let s = scene::parse(&text, "catalog").unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(s.surface, losscape::engine::Surface::new(kind));
        assert_eq!(s.start, kind.default_start());
    }
}

/// `trace --state` against `optimizer.state[p]` of the real torch.optim, step by step
/// (tests/fixtures/torch_state.json, written by tests/fixtures/torch_state.py): the same names,
/// only the ones torch keeps under the optimizer's options, the same numbers. Entry 0 is
/// before the first update: torch has nothing yet there (but Adagrad's `sum`), and losscape
/// shows what torch creates at its first step (zeros; NAdam's μ product 1).
#[test]
fn trace_state_matches_torch_optimizer_state() {
    let doc: Value =
        serde_json::from_str(include_str!("fixtures/torch_state.json")).expect("fixture JSON");
    let (abs, rel) = (
        doc["tolerance"]["abs"].as_f64().expect("abs"),
        doc["tolerance"]["rel"].as_f64().expect("rel"),
    );
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    let dir = common::temp_dir();
    let close = |id: &str, k: usize, name: &str, got: &Value, want: &Value| {
        let pairs: Vec<(f64, f64)> = match (got, want) {
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
                .iter()
                .zip(w)
                .map(|(g, w)| (g.as_f64().expect("number"), w.as_f64().expect("number")))
                .collect(),
            (Value::Number(g), Value::Number(w)) => {
                vec![(g.as_f64().expect("number"), w.as_f64().expect("number"))]
            }
            _ => panic!("{id}: row {k} {name}: got {got}, torch {want}"),
        };
        for (g, w) in pairs {
            assert!(
                (g - w).abs() <= abs + rel * w.abs(),
                "{id}: row {k} {name}: got {got}, torch {want}"
            );
        }
    };
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let path = common::write(
            &dir,
            &format!("{id}.toml"),
            case["scene"].as_str().expect("scene"),
        );
        let out = common::losscape(&[
            "trace",
            "--scene",
            path.to_str().expect("utf-8 path"),
            "--format",
            "json",
            "--state",
        ]);
        assert!(out.status.success(), "{id}: {}", common::stderr(&out));
        let trace: Value = serde_json::from_str(&common::stdout(&out)).expect("trace JSON");
        let o = &trace["optimizers"][0];
        let (got, want) = (
            o["state"].as_array().expect("state list"),
            case["state"].as_array().expect("torch state"),
        );
        assert_eq!(
            got.len(),
            o["points"].as_array().expect("points").len(),
            "{id}"
        );
        assert_eq!(got.len(), want.len(), "{id}: rows");
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            let (g, w) = (g.as_object().expect("row"), w.as_object().expect("row"));
            if k == 0 {
                for (name, value) in g {
                    match w.get(name) {
                        Some(want) => close(id, k, name, value, want),
                        // what torch creates at its first step: zeros, and a μ product of 1
                        None if name == "mu_product" => {
                            close(id, k, name, value, &serde_json::json!(1.0));
                        }
                        None => close(id, k, name, value, &serde_json::json!([0.0, 0.0])),
                    }
                }
                continue;
            }
            let names = |m: &serde_json::Map<String, Value>| {
                let mut n: Vec<String> = m.keys().cloned().collect();
                n.sort();
                n
            };
            assert_eq!(names(g), names(w), "{id}: row {k}: the names torch keeps");
            for (name, want) in w {
                close(id, k, name, &g[name], want);
            }
        }
    }
    // CSV has no room for it: a usage error, exit 2
    let path = common::write(&dir, "csv.toml", cases[0]["scene"].as_str().expect("scene"));
    common::assert_refused(
        &["trace", "--scene", path.to_str().expect("path"), "--state"],
        &["--state", "--format json"],
    );
}

/// Every data model can be named in a scene file, and its scene (inline data, a built-in
/// set, a test set, `normalize`, `l2`, `batch_size`) is written back to an equal scene, also
/// through a share link.
#[test]
fn every_data_model_round_trips_through_the_writer_and_a_link() {
    use losscape::engine::data::ModelKind;
    for model in ModelKind::ALL {
        let text = format!(
            "steps = 20\n[surface]\nkind = \"{}\"\ndata = [[-1.0, 0.0], [0.5, 1.0], [2.0, 1.0]]\n\
             test_data = \"builtin:classes-overlap\"\nnormalize = true\nl2 = 0.25\n\n\
             [[optimizer]]\nkind = \"adam\"\nbatch_size = 2\n\n[[optimizer]]\nkind = \"sgd\"\n",
            model.key()
        );
        let s = scene::parse(&text, "data").unwrap_or_else(|e| panic!("{model:?}: {e}"));
        let d = s.surface.data_surface().expect("a data surface");
        assert_eq!((d.len(), s.surface.l2()), (3, 0.25));
        assert_eq!(s.optimizers[0].spec.batch_size, Some(2));
        assert_eq!(
            s.optimizers[1].spec.hyper.noise, 0.0,
            "sgd on data: no added noise"
        );
        assert_eq!(scene::parse(&s.to_toml(), "data").as_ref(), Ok(&s));
        let link = scene::link::link(scene::link::LOCAL_SITE, &s);
        assert_eq!(scene::Scene::load(&link).as_ref(), Ok(&s));
        // switched to a surface without data (as the app's surface menu does), the scene
        // still writes a file that reads back: `batch_size` is left out there
        let mut plain = s.clone();
        plain.surface = engine::Surface::new(engine::SurfaceKind::Quadratic);
        let back = scene::parse(&plain.to_toml(), "plain").expect("reads back");
        assert!(back.optimizers.iter().all(|o| o.spec.batch_size.is_none()));
    }
}

/// A CSV-backed scene keeps its path in a saved file and carries its examples in a link.
#[test]
fn csv_data_is_saved_by_path_and_shared_inline() {
    let dir = common::temp_dir();
    common::write(&dir, "pts.csv", "a,b\n1,2\n2,3.5\n3,3\n");
    let path = common::write(
        &dir,
        "csv.toml",
        "[surface]\nkind = \"linear_regression\"\ndata = \"pts.csv\"\n[[optimizer]]\nkind = \"gd\"\n",
    );
    let s = scene::Scene::load_file(&path).expect("loads");
    assert!(s.to_toml().contains("data = \"pts.csv\""));
    let shared = s.to_toml_self_contained();
    assert!(
        shared.contains("data = [[1.0, 2.0], [2.0, 3.5], [3.0, 3.0]]"),
        "{shared}"
    );
    let link = scene::link::link(scene::link::LOCAL_SITE, &s);
    let back = scene::Scene::load(&link).expect("the link opens anywhere");
    assert_eq!(back.surface.data_surface().map(|d| d.len()), Some(3));
    assert_eq!(
        back.surface.value(engine::Vec2::new(1.0, 0.5)),
        s.surface.value(engine::Vec2::new(1.0, 0.5))
    );
}
