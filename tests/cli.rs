//! The real binary: `trace` and `scenes` outputs, and every bad-input path (exit code 2, one
//! message on stderr naming the problem, nothing on stdout, no file left behind).

mod common;

use common::{files_in, losscape, stderr, stdout, temp_dir, write};

const SCENE: &str = r#"steps = 6
start = [-1.5, 2.0]
[surface]
kind = "rosenbrock"
[[optimizer]]
kind = "adam"
lr = 0.05
[[optimizer]]
kind = "gd"
label = "GD, big"
lr = 1.0
"#;

#[test]
fn trace_prints_csv_with_full_precision_and_non_finite_rows() {
    let dir = temp_dir();
    let path = write(&dir, "s.toml", SCENE);
    let out = losscape(&["trace", "--scene", path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "label,step,x,y,loss");
    assert_eq!(lines[1], "Adam,0,-1.5,2,12.5");
    assert_eq!(
        lines.len(),
        1 + 7 + 5,
        "GD at lr 1 diverges at step 4 and stops there: {text}"
    );
    assert!(
        lines[8].starts_with("\"GD, big\",0,"),
        "labels with commas are quoted: {}",
        lines[8]
    );
    assert!(
        lines[11]
            .rsplit(',')
            .next()
            .is_some_and(|l| l.parse::<f64>().is_ok_and(f64::is_finite))
    );
    let last = lines[12].rsplit(',').next();
    assert!(
        matches!(last, Some("inf" | "NaN" | "-inf")),
        "{}",
        lines[12]
    );
}

#[test]
fn trace_json_has_status_and_points() {
    let dir = temp_dir();
    let path = write(&dir, "s.toml", SCENE);
    let out = losscape(&[
        "trace",
        "--scene",
        path.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let opts = doc["optimizers"].as_array().expect("optimizers");
    assert_eq!(opts[0]["label"], "Adam");
    assert_eq!(opts[0]["kind"], "adam");
    assert_eq!(opts[0]["status"], "ok");
    assert!(opts[0]["status_step"].is_null());
    assert_eq!(
        opts[0]["points"][0],
        serde_json::json!([0, -1.5, 2.0, 12.5])
    );
    assert_eq!(opts[1]["status"], "diverged");
    assert_eq!(opts[1]["status_step"], 4);
    assert!(
        opts[1]["points"][4][3].is_string(),
        "non-finite numbers are strings"
    );
}

#[test]
fn trace_out_writes_the_file_and_nothing_else() {
    let dir = temp_dir();
    let out_path = dir.path().join("t.csv");
    let out = losscape(&[
        "trace",
        "--scene",
        "builtin:rosenbrock-race",
        "--out",
        out_path.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&out_path).expect("written");
    assert!(text.starts_with("label,step,x,y,loss\n"));
    assert_eq!(files_in(&dir), vec!["t.csv"], "no temporary file left");
}

#[test]
fn every_builtin_traces() {
    for b in losscape::scene::BUILTINS {
        let out = losscape(&["trace", "--scene", &format!("builtin:{}", b.name)]);
        assert!(out.status.success(), "{}: {}", b.name, stderr(&out));
        assert!(stdout(&out).lines().count() > 1, "{}", b.name);
    }
}

#[test]
fn scenes_lists_every_builtin_with_its_description() {
    let out = losscape(&["scenes"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for b in losscape::scene::BUILTINS {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(b.name));
        let line = line.unwrap_or_else(|| panic!("{} missing", b.name));
        assert!(
            line.len() > b.name.len() + 10,
            "{} has a description: {line}",
            b.name
        );
    }
}

/// Runs with `args`, expecting exit 2, nothing on stdout, a message containing `needles`,
/// and no file in the temp dir besides `keep`.
fn assert_bad_input(args: &[&str], needles: &[&str], dir: &tempfile::TempDir, keep: &[&str]) {
    common::assert_refused(args, needles);
    assert_eq!(files_in(dir), keep, "{args:?} left a file");
}

#[test]
fn bad_inputs_exit_2_with_one_message_and_no_file() {
    let dir = temp_dir();
    let bad = write(&dir, "bad.toml", &SCENE.replace("lr = 0.05", "lr = -1"));
    let garbage = write(&dir, "garbage.toml", "steps = = 3");
    let bad = bad.to_str().expect("utf-8");
    let garbage = garbage.to_str().expect("utf-8");
    let out = dir.path().join("out.csv");
    let out = out.to_str().expect("utf-8");
    let keep = ["bad.toml", "garbage.toml"];
    assert_bad_input(
        &["trace", "--scene", bad, "--out", out],
        &["bad.toml:7:", "`lr`", "≥ 0"],
        &dir,
        &keep,
    );
    assert_bad_input(
        &["trace", "--scene", garbage, "--out", out],
        &["garbage.toml:1:", "invalid TOML"],
        &dir,
        &keep,
    );
    assert_bad_input(
        &["trace", "--scene", "missing.toml", "--out", out],
        &["missing.toml", "cannot read"],
        &dir,
        &keep,
    );
    assert_bad_input(
        &["trace", "--scene", "builtin:nope"],
        &["builtin:nope"],
        &dir,
        &keep,
    );
    assert_bad_input(
        &["trace", "--scene", bad, "--format", "xml"],
        &["xml"],
        &dir,
        &keep,
    );
    assert_bad_input(&["trace"], &["--scene"], &dir, &keep);
    assert_bad_input(
        &["trace", "--scene", "builtin:saddle-escape", "--bogus"],
        &["--bogus"],
        &dir,
        &keep,
    );
    assert_bad_input(&["frobnicate"], &["frobnicate"], &dir, &keep);
    let unwritable = dir.path().join("no/such/dir/out.csv");
    assert_bad_input(
        &[
            "trace",
            "--scene",
            "builtin:saddle-escape",
            "--out",
            unwritable.to_str().expect("utf-8"),
        ],
        &["cannot write", "--out"],
        &dir,
        &keep,
    );
}

#[test]
fn help_and_version_succeed() {
    let out = losscape(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("trace"));
    let out = losscape(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_share_link_works_wherever_a_scene_does() {
    let scene = losscape::scene::builtin("plateau").expect("builtin");
    let link = losscape::scene::link::link("http://127.0.0.1:8080/", &scene);
    let by_link = losscape(&["trace", "--scene", &link]);
    let by_name = losscape(&["trace", "--scene", "builtin:plateau"]);
    assert!(by_link.status.success(), "{}", stderr(&by_link));
    assert_eq!(by_link.stdout, by_name.stdout);
    let dir = temp_dir();
    let broken = &link[..link.len() - 20];
    assert_bad_input(
        &["trace", "--scene", broken],
        &["the link", "damaged"],
        &dir,
        &[],
    );
}

#[test]
fn map_bad_flags_exit_2_naming_the_flag() {
    let dir = temp_dir();
    let out = dir.path().join("map.png");
    let out = out.to_str().expect("utf-8");
    let himmelblau = ["map", "--scene", "builtin:all-optimizers"];
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--kind", "basin", "--size", "4"],
            &["--size 4", "8 to 1024"],
        ),
        (
            &["--kind", "basin", "--size", "-3"],
            &["--size -3", "8 to 1024"],
        ),
        (&["--kind", "circle"], &["--kind", "circle"]),
        (
            &["--kind", "basin", "--optimizer", "Nope"],
            &["--optimizer \"Nope\"", "GD lr=0.01"],
        ),
        (
            &["--kind", "basin", "--x", "lr"],
            &["--x", "only applies to sweeps"],
        ),
        (
            &["--kind", "sweep", "--optimizer", "gd"],
            &["a sweep needs two", "--y"],
        ),
        (
            &["--kind", "sweep", "--optimizer", "adam", "--x", "momentum"],
            &["--x momentum", "not a hyperparameter of Adam", "lr, beta1"],
        ),
        (
            &[
                "--kind",
                "sweep",
                "--optimizer",
                "adam",
                "--x",
                "lr",
                "--y",
                "lr",
            ],
            &["--x and --y are both lr"],
        ),
        (
            &[
                "--kind",
                "sweep",
                "--optimizer",
                "momentum",
                "--x-range",
                "0,1",
            ],
            &["--x-range", "lr", "log axis"],
        ),
        (
            &[
                "--kind",
                "sweep",
                "--optimizer",
                "momentum",
                "--y-range",
                "0.5,1.5",
            ],
            &["--y-range", "momentum", "[0, 1)"],
        ),
        (
            &[
                "--kind",
                "sweep",
                "--optimizer",
                "momentum",
                "--x-range",
                "1e-3",
            ],
            &["--x-range 1e-3", "LOW,HIGH"],
        ),
    ];
    for (flags, needles) in cases {
        let mut args = himmelblau.to_vec();
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--out", out]);
        assert_bad_input(&args, needles, &dir, &[]);
    }
    assert_bad_input(
        &[
            "map",
            "--scene",
            "builtin:rosenbrock-race",
            "--kind",
            "basin",
            "--size",
            "1024",
            "--out",
            out,
        ],
        &["too much work for a map", "at most 953 steps"],
        &dir,
        &[],
    );
    let txt = dir.path().join("map.txt");
    let mut args = himmelblau.to_vec();
    args.extend_from_slice(&["--kind", "basin", "--out", txt.to_str().expect("utf-8")]);
    assert_bad_input(&args, &["--out", ".png", ".csv"], &dir, &[]);
}

#[test]
fn map_writes_a_png_and_a_csv_whose_cells_name_their_minimum() {
    let dir = temp_dir();
    let csv = dir.path().join("basin.csv");
    let out = losscape(&[
        "map",
        "--scene",
        "builtin:all-optimizers",
        "--kind",
        "basin",
        "--optimizer",
        "gd",
        "--size",
        "16",
        "--out",
        csv.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).expect("written");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "column,row,x,y,outcome,minimum,step,loss");
    assert_eq!(lines.len(), 1 + 16 * 16);
    // the top-right start (4.69, 4.69) runs into minimum 1, (3, 2)
    let top_right = lines[16];
    assert!(
        top_right.starts_with("15,0,4.6875,4.6875,converged,1,"),
        "{top_right}"
    );
    let png = dir.path().join("sweep.png");
    let out = losscape(&[
        "map",
        "--scene",
        "builtin:momentum-ravine",
        "--kind",
        "sweep",
        "--optimizer",
        "momentum",
        "--size",
        "16",
        "--out",
        png.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&png).expect("written");
    assert!(bytes.starts_with(b"\x89PNG"));
}

/// A data scene whose `[surface]` body is `surface` and whose one optimizer has `extra`.
fn data_scene(surface: &str, extra: &str) -> String {
    format!("steps = 5\n\n[surface]\n{surface}\n\n[[optimizer]]\nkind = \"gd\"\n{extra}\n")
}

/// Every bad input of a data surface (issue 13's list) exits 2 with one message naming the
/// place: the scene's key, or the CSV file's line and column.
#[test]
fn bad_data_exits_2_naming_the_place() {
    let dir = temp_dir();
    let line = "kind = \"linear_regression\"\ndata = [[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]]";
    write(&dir, "cell.csv", "feature,target\n1,2\n\n3, x7\n");
    write(&dir, "huge.csv", &"1,2\n".repeat(100_001));
    std::fs::write(dir.path().join("binary.csv"), b"1,2\n\xff\xfe").expect("write");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            data_scene(line, "batch_size = 0"),
            vec!["bad-0.toml:9:", "`batch_size`", "[1, 3]", "got 0"],
        ),
        (
            data_scene(line, "batch_size = 4"),
            vec!["`batch_size`", "[1, 3]", "got 4"],
        ),
        (
            data_scene("kind = \"quadratic\"", "batch_size = 2"),
            vec!["`batch_size` is only for data surfaces"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = []", ""),
            vec!["bad-3.toml:5:", "`data` is empty"],
        ),
        (
            data_scene(
                "kind = \"tanh_unit\"\ndata = [[1.0, 2.0], [1.0, 2.0, 3.0]]",
                "",
            ),
            vec!["`data` row 2", "two numbers"],
        ),
        (
            data_scene("kind = \"tanh_unit\"\ndata = [[1.0, nan]]", ""),
            vec!["`data` row 1[1]", "finite"],
        ),
        (
            data_scene("kind = \"tanh_unit\"\ndata = [[inf, 1.0]]", ""),
            vec!["`data` row 1[0]", "finite"],
        ),
        (
            data_scene(
                "kind = \"logistic_regression\"\ndata = [[1.0, 0.0], [2.0, 2.0]]",
                "",
            ),
            vec!["example 2", "target 2.0", "0 or 1"],
        ),
        (
            data_scene(
                "kind = \"linear_regression\"\ndata = [[2.0, 1.0], [2.0, 3.0]]\nnormalize = true",
                "",
            ),
            vec![
                "bad-8.toml:6:",
                "`normalize = true` needs features that vary",
            ],
        ),
        (
            data_scene(&format!("{line}\nl2 = -0.1"), ""),
            vec!["`l2`", "≥ 0", "got -0.1"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = \"missing.csv\"", ""),
            vec!["missing.csv", "cannot read the data file"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = \"binary.csv\"", ""),
            vec!["binary.csv", "not UTF-8"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = \"cell.csv\"", ""),
            vec!["cell.csv:4:4:", "`x7` is not a number"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = \"huge.csv\"", ""),
            vec!["huge.csv:100001:1:", "the limit is 100000"],
        ),
        (
            data_scene("kind = \"linear_regression\"\ndata = \"builtin:lien\"", ""),
            vec![
                "unknown built-in data set `lien`",
                "did you mean `builtin:line`",
            ],
        ),
        (
            data_scene("kind = \"linear_regression\"", ""),
            vec!["needs `data`"],
        ),
    ];
    for (i, (text, needles)) in cases.iter().enumerate() {
        let path = write(&dir, &format!("bad-{i}.toml"), text);
        common::assert_refused(
            &["trace", "--scene", path.to_str().expect("utf-8")],
            needles,
        );
    }
}

#[test]
fn datasets_lists_every_builtin_data_set_and_each_traces() {
    let out = common::losscape(&["datasets"]);
    assert!(out.status.success());
    let text = common::stdout(&out);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 6, "{text}");
    let dir = temp_dir();
    for name in names {
        let model = if name.starts_with("classes") {
            "logistic_regression"
        } else {
            "linear_regression"
        };
        let scene = data_scene(
            &format!("kind = \"{model}\"\ndata = \"builtin:{name}\""),
            "lr = 0.01",
        );
        let path = write(&dir, &format!("{name}.toml"), &scene);
        let out = common::losscape(&["trace", "--scene", path.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{name}: {}", common::stderr(&out));
        assert_eq!(
            common::stdout(&out).lines().count(),
            7,
            "{name}: header and 6 rows"
        );
    }
}
