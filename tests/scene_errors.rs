//! Every kind of bad scene gives one sentence naming the file, line and column, the key, and
//! what is valid; good scenes survive a write/read round trip unchanged.

use losscape::scene::{self, BUILTINS, SceneErrorKind};

const GOOD: &str = r#"name = "ok"
steps = 10
start = [1.0, 1.0]

[surface]
kind = "quadratic"
kappa = 10.0

[[optimizer]]
kind = "adam"
lr = 0.05
"#;

/// Parses `GOOD` with `from` replaced by `to`, expecting an error.
fn error_for(from: &str, to: &str) -> scene::SceneError {
    let text = GOOD.replacen(from, to, 1);
    assert_ne!(text, GOOD, "the edit must apply");
    scene::parse(&text, "bad.toml").expect_err("must be rejected")
}

fn assert_message(e: &scene::SceneError, line: usize, parts: &[&str]) {
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("bad.toml:{line}:")), "{msg}");
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from: {msg}");
    }
    assert!(!msg.contains('\n'), "one line: {msg}");
}

#[test]
fn the_good_scene_parses() {
    let s = scene::parse(GOOD, "good.toml").expect("valid");
    assert_eq!(s.steps, 10);
    assert_eq!(s.optimizers[0].spec.label, "Adam");
    assert_eq!(
        s.optimizers[0].spec.hyper.beta2, 0.999,
        "omitted keys take torch's defaults"
    );
}

#[test]
fn syntax_errors_point_at_the_place() {
    let e = error_for("steps = 10", "steps = ");
    assert_eq!(e.kind, SceneErrorKind::Syntax);
    assert_message(&e, 2, &["invalid TOML"]);
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    assert_message(
        &error_for("steps", "stepz"),
        2,
        &["unknown key `stepz`", "did you mean `steps`"],
    );
    assert_message(
        &error_for("lr = 0.05", "momentum = 0.9"),
        11,
        &[
            "unknown key `momentum`",
            "optimizer #1 (adam)",
            "valid keys",
            "betas",
        ],
    );
    assert_message(
        &error_for("kappa", "kapa"),
        7,
        &["`kapa`", "did you mean `kappa`"],
    );
}

#[test]
fn out_of_range_values_name_the_key_and_range() {
    assert_message(
        &error_for("lr = 0.05", "lr = -0.1"),
        11,
        &["`lr`", "≥ 0", "-0.1"],
    );
    assert_message(
        &error_for("lr = 0.05", "betas = [1.0, 0.999]"),
        11,
        &["`betas[0]`", "in [0, 1)", "got 1"],
    );
    assert_message(&error_for("lr = 0.05", "eps = 0.0"), 11, &["`eps`", "> 0"]);
    assert_message(
        &error_for("kappa = 10.0", "kappa = 0.5"),
        7,
        &["`kappa`", "≥ 1", "0.5"],
    );
    assert_message(
        &error_for("steps = 10", "steps = 2000000"),
        2,
        &["`steps`", "[0, 1000000]"],
    );
    assert_message(
        &error_for("steps = 10", "steps = -1"),
        2,
        &["`steps`", "[0, 1000000]"],
    );
    assert_message(
        &error_for("lr = 0.05", "lr = nan"),
        11,
        &["`lr`", "≥ 0", "NaN"],
    );
    assert_message(
        &error_for("lr = 0.05", "clip_norm = 0.0"),
        11,
        &["`clip_norm`", "> 0"],
    );
}

#[test]
fn wrong_types_are_named() {
    assert_message(
        &error_for("steps = 10", "steps = 1.5"),
        2,
        &["`steps`", "whole number"],
    );
    assert_message(
        &error_for("lr = 0.05", "lr = \"fast\""),
        11,
        &["`lr`", "must be a number", "string"],
    );
    assert_message(
        &error_for("start = [1.0, 1.0]", "start = [1.0]"),
        3,
        &["`start`", "two numbers"],
    );
    assert_message(
        &error_for("lr = 0.05", "color = \"red\""),
        11,
        &["`color`", "#rrggbb"],
    );
    assert_message(
        &error_for("lr = 0.05", "betas = 0.9"),
        11,
        &["`betas`", "array of 2 numbers"],
    );
}

#[test]
fn unknown_kinds_list_the_valid_ones() {
    assert_message(
        &error_for("\"quadratic\"", "\"rosenbrok\""),
        6,
        &[
            "unknown surface kind `rosenbrok`",
            "did you mean `rosenbrock`",
            "himmelblau",
        ],
    );
    assert_message(
        &error_for("\"adam\"", "\"adamm\""),
        10,
        &[
            "unknown optimizer kind `adamm`",
            "did you mean `adam`",
            "nesterov",
        ],
    );
}

#[test]
fn missing_pieces_are_named() {
    let e = scene::parse("steps = 3\n", "bad.toml").expect_err("no surface");
    assert!(e.to_string().contains("[surface]"), "{e}");
    assert_message(
        &error_for("kind = \"adam\"\n", ""),
        9,
        &["optimizer #1 has no `kind`"],
    );
    assert_message(
        &error_for("lr = 0.05", "schedule = { kind = \"linear\", steps = 5 }"),
        11,
        &["schedule `linear`", "needs `final_lr`"],
    );
    assert_message(
        &error_for("lr = 0.05", "schedule = { kind = \"exp\" }"),
        11,
        &["unknown schedule kind `exp`", "linear, step, cosine"],
    );
}

#[test]
fn unreadable_files_say_so() {
    let e = scene::Scene::load("/definitely/not/here.toml").expect_err("missing file");
    assert_eq!(e.kind, SceneErrorKind::Io);
    assert!(e.to_string().contains("/definitely/not/here.toml"), "{e}");
    let e = scene::Scene::load("builtin:nope").expect_err("unknown builtin");
    assert!(
        e.to_string().contains("rosenbrock-race"),
        "lists the builtins: {e}"
    );
}

#[test]
fn every_builtin_round_trips_through_its_file_form() {
    for b in BUILTINS {
        let s = scene::builtin(b.name).expect("builtins are valid");
        let text = s.to_toml();
        let back =
            scene::parse(&text, "round-trip").unwrap_or_else(|e| panic!("{}: {e}\n{text}", b.name));
        assert_eq!(back, s, "{}", b.name);
    }
}

#[test]
fn a_scene_with_every_option_round_trips() {
    let text = r##"name = "all \"options\""
description = "tabs\tand unicode: β₁"
steps = 7
seed = 42
start = [0.1, -0.2]
view = { x = [-1, 1], y = [-2, 2] }

[surface]
kind = "rosenbrock"
a = 1.5
b = 20

[[optimizer]]
kind = "rmsprop"
label = "R, centered"
centered = true
momentum = 0.5
clip_norm = 2.5
schedule = { kind = "cosine", final_lr = 0.001, steps = 5 }
basis_rotation = 30
color = "#ff8000"
enabled = false

[[optimizer]]
kind = "gd"
schedule = { kind = "step", gamma = 0.5, every = 3 }
"##;
    let s = scene::parse(text, "x").expect("valid");
    assert_eq!(s.optimizers[0].color, Some([255, 128, 0]));
    assert!(!s.optimizers[0].enabled);
    assert_eq!(s.specs().len(), 1, "disabled optimizers do not run");
    let back = scene::parse(&s.to_toml(), "y").expect("round trip");
    assert_eq!(back, s);
}

/// `show` lists overlays by name: they survive a round trip, and anything else is named.
#[test]
fn show_names_the_overlays() {
    let text = GOOD.replacen("steps = 10", "steps = 10\nshow = [\"field\", \"step\"]", 1);
    let s = scene::parse(&text, "good.toml").expect("valid");
    assert!(s.show.field && s.show.step && !s.show.gradient && !s.show.direction);
    assert_eq!(scene::parse(&s.to_toml(), "again").as_ref(), Ok(&s));
    assert!(!s.to_toml().contains("\"gradient\""));
    assert_message(
        &error_for("steps = 10", "steps = 10\nshow = [\"arrows\"]"),
        3,
        &[
            "`show` has no overlay \"arrows\"",
            "gradient, direction, step, field",
        ],
    );
    assert_message(
        &error_for("steps = 10", "steps = 10\nshow = \"field\""),
        3,
        &["`show` must be an array"],
    );
    assert_message(
        &error_for("steps = 10", "steps = 10\nshow = [1]"),
        3,
        &["must be a string"],
    );
}

#[test]
fn a_camera_is_read_checked_and_written_back() {
    let text = GOOD.replacen(
        "[surface]",
        "camera = { azimuth = 45, elevation = 12.5 }\n\n[surface]",
        1,
    );
    let s = scene::parse(&text, "good.toml").expect("valid");
    let c = s.camera.expect("a camera");
    assert_eq!((c.azimuth, c.elevation), (45.0, 12.5));
    let back = scene::parse(&s.to_toml(), "again.toml").expect("round trip");
    assert_eq!(back, s);
    // one key alone keeps the other's default
    let only = GOOD.replacen("[surface]", "camera = { elevation = 80 }\n[surface]", 1);
    let c = scene::parse(&only, "good.toml").expect("valid").camera;
    assert_eq!(c.map(|c| (c.azimuth, c.elevation)), Some((-60.0, 80.0)));
    assert_eq!(scene::parse(GOOD, "good.toml").expect("valid").camera, None);
    for (camera, parts) in [
        (
            "camera = { azimuth = 270 }",
            &["`camera.azimuth` must be -180 to 180 degrees, got 270"][..],
        ),
        (
            "camera = { elevation = 95.5 }",
            &["`camera.elevation` must be 0 to 90 degrees, got 95.5"][..],
        ),
        (
            "camera = { elevation = \"high\" }",
            &["`camera.elevation` must be a number"][..],
        ),
        (
            "camera = { azimut = 3 }",
            &["unknown key `azimut`", "did you mean `azimuth`"][..],
        ),
        ("camera = 3", &["`camera` must be a table"][..]),
    ] {
        let e = error_for("[surface]", &format!("{camera}\n[surface]"));
        assert_message(&e, 5, parts);
    }
}
