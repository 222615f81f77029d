//! Input a stranger could send, run through the real binary: scenes and links beyond the
//! limits, endless and huge files, outputs that are devices or planted links, and signals in
//! the middle of a write. Each must end in one clear message, in bounded time and memory, with
//! nothing left behind and nothing else touched.

mod common;

use common::{assert_refused, files_in, losscape, stderr, temp_dir, write};
use losscape::scene::limits;

/// A scene with `n` GD optimizers of `steps` steps each.
fn many_optimizers(n: usize, steps: u64) -> String {
    let mut s = format!("steps = {steps}\n[surface]\nkind = \"quadratic\"\n");
    for _ in 0..n {
        s.push_str("[[optimizer]]\nkind = \"gd\"\n");
    }
    s
}

/// The link `losscape link` would print for `text`, made here because `link` itself now
/// refuses such a scene.
fn link_of(text: &str) -> String {
    use base64::Engine as _;
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
    format!("http://127.0.0.1:8080/#scene={packed}")
}

#[test]
fn the_thousand_optimizer_link_and_file_are_refused_before_any_work() {
    let text = many_optimizers(1000, 1_000_000);
    let link = link_of(&text);
    // the link of the report: a few hundred characters for a billion optimizer steps
    assert!(link.len() < 500, "{} characters", link.len());
    let dir = temp_dir();
    let png = dir.path().join("x.png");
    let png = png.to_str().expect("utf-8");
    let limit = format!("limit is {}", limits::MAX_OPTIMIZERS);
    assert_refused(&["trace", "--scene", &link], &["the link", &limit]);
    assert_refused(
        &["render", "--scene", &link, "--out", png],
        &["the link", &limit],
    );
    let file = write(&dir, "many.toml", &text);
    let file = file.to_str().expect("utf-8");
    assert_refused(&["trace", "--scene", file], &["many.toml", &limit]);
    assert_refused(&["link", "--scene", file], &["many.toml", &limit]);

    // within the count but beyond the work: the message names the work limit and the way out
    let heavy = write(&dir, "heavy.toml", &many_optimizers(32, 1_000_000));
    let heavy = heavy.to_str().expect("utf-8");
    let work = format!("work limit of {}", limits::MAX_WORK);
    assert_refused(&["trace", "--scene", heavy], &["heavy.toml:1:", &work]);
    assert_refused(
        &["render", "--scene", heavy, "--out", png],
        &["heavy.toml:1:", &work, "at most 15 optimizers"],
    );
    assert_eq!(files_in(&dir), ["heavy.toml", "many.toml"]);
}

#[cfg(unix)]
#[test]
fn endless_and_huge_files_are_refused_at_the_size_limit() {
    let too_large = format!("limit of {} bytes", limits::MAX_SCENE_BYTES);
    assert_refused(
        &["trace", "--scene", "/dev/urandom"],
        &["/dev/urandom", &too_large],
    );
    assert_refused(
        &["trace", "--scene", "/dev/zero"],
        &["/dev/zero", &too_large],
    );
    // a 100 MB file of `betas = [1, 1, …]`: sparse, so the test writes almost nothing
    let dir = temp_dir();
    let big = dir.path().join("big.toml");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(100 << 20).expect("size");
    assert_refused(
        &["trace", "--scene", big.to_str().expect("utf-8")],
        &["big.toml", &too_large],
    );
    let deep = write(&dir, "deep.toml", &format!("a = {}", "[".repeat(100_000)));
    assert_refused(
        &["trace", "--scene", deep.to_str().expect("utf-8")],
        &["deep.toml:1:", "nested too deeply"],
    );
    let long = write(
        &dir,
        "long.toml",
        &format!(
            "description = \"{}\"\n[surface]\nkind = \"quadratic\"\n",
            "x".repeat(100_000)
        ),
    );
    assert_refused(
        &["trace", "--scene", long.to_str().expect("utf-8")],
        &["long.toml:1:", "`description` is too long", "limit is 600"],
    );
}

#[test]
fn extreme_views_are_refused_alike_by_trace_and_render() {
    let dir = temp_dir();
    let scene = write(
        &dir,
        "wide.toml",
        "steps = 3\nview = { x = [-1e308, 1e308], y = [-1, 1] }\n[surface]\nkind = \"quadratic\"\n[[optimizer]]\nkind = \"gd\"\n",
    );
    let scene = scene.to_str().expect("utf-8");
    let png = dir.path().join("w.png");
    let png = png.to_str().expect("utf-8");
    for args in [
        vec!["trace", "--scene", scene],
        vec!["render", "--scene", scene, "--out", png],
    ] {
        assert_refused(&args, &["wide.toml:2:", "`view.x`", "±1e6", "-1e308"]);
    }
    assert_eq!(files_in(&dir), ["wide.toml"]);
}

#[test]
fn usage_errors_take_one_line() {
    for args in [
        vec!["trace"],
        vec!["trace", "--scene", "builtin:plateau", "--bogus"],
        vec![
            "render",
            "--scene",
            "builtin:plateau",
            "--out",
            "x.png",
            "--width",
            "abc",
        ],
    ] {
        let out = losscape(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("losscape: "), "{err}");
        assert!(err.contains("--help"), "{err}");
    }
}

#[test]
fn links_are_told_from_paths_by_their_syntax() {
    let dir = temp_dir();
    // a file whose name looks like a link's field is still a file
    let odd = write(
        &dir,
        "scene=odd.toml",
        "steps = 2\n[surface]\nkind = \"quadratic\"\n[[optimizer]]\nkind = \"gd\"\n",
    );
    let out = losscape(&["trace", "--scene", odd.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::stdout(&out).lines().count(), 4);
    // and a link with another field before `scene=` is still a link
    let scene = losscape::scene::builtin("plateau").expect("builtin");
    let link = losscape::scene::link::link("http://127.0.0.1:8080/", &scene);
    let with_field = link.replacen("#scene=", "#a=1&scene=", 1);
    let out = losscape(&["trace", "--scene", &with_field]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn out_onto_a_device_is_refused_and_leaves_it_alone() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir();
    let png = dir.path().join("null.png");
    std::os::unix::fs::symlink("/dev/null", &png).expect("link");
    for args in [
        vec!["trace", "--scene", "builtin:plateau", "--out", "/dev/null"],
        vec![
            "render",
            "--scene",
            "builtin:plateau",
            "--out",
            png.to_str().expect("utf-8"),
        ],
    ] {
        assert_refused(&args, &["cannot write --out", "a character device"]);
    }
    let null = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(null.file_type().is_char_device());
    assert!(
        std::fs::symlink_metadata(&png)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(files_in(&dir), ["null.png"]);
}

/// SIGINT, SIGTERM and SIGHUP in the middle of `trace --out` and of a GIF: exit 1 with the
/// message, and no temporary file (or output) left.
#[cfg(unix)]
#[test]
fn every_signal_during_a_write_leaves_no_file() {
    use std::time::{Duration, Instant};
    let dir = temp_dir();
    let scene = write(&dir, "long.toml", &many_optimizers(4, 1_000_000));
    let scene = scene.to_str().expect("utf-8").to_string();
    let csv = dir
        .path()
        .join("big.csv")
        .to_str()
        .expect("utf-8")
        .to_string();
    let gif = dir
        .path()
        .join("long.gif")
        .to_str()
        .expect("utf-8")
        .to_string();
    let trace: Vec<&str> = vec!["trace", "--scene", &scene, "--out", &csv];
    let render: Vec<&str> = vec![
        "render",
        "--scene",
        "builtin:rosenbrock-race",
        "--out",
        &gif,
        "--width",
        "320",
        "--height",
        "240",
        "--frames",
        "10000",
    ];
    for args in [&trace, &render] {
        for signal in ["INT", "TERM", "HUP"] {
            let child = std::process::Command::new(env!("CARGO_BIN_EXE_losscape"))
                .args(args.iter())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("starts");
            // wait until the temporary file exists, i.e. the output is being written
            let start = Instant::now();
            while files_in(&dir).len() < 2 {
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "no temporary file appeared"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            let status = std::process::Command::new("kill")
                .args([format!("-{signal}"), child.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(status.success());
            let out = child.wait_with_output().expect("exits");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?} {signal}: {err}");
            assert!(err.contains("interrupted:"), "{err}");
            assert!(err.contains("was not written"), "{err}");
            assert_eq!(files_in(&dir), ["long.toml"], "{args:?} {signal}");
        }
    }
}

/// A remembered scene beyond the limits (one that once froze the app on every start) is
/// discarded on start with a message; the default scene is shown instead.
#[cfg(feature = "gui")]
#[test]
fn an_oversized_remembered_scene_is_discarded_on_start() {
    use losscape::app::{LosscapeApp, Settings};
    let default = losscape::scene::builtin(losscape::scene::DEFAULT_SCENE).expect("builtin");
    let huge_description = format!(
        "description = \"{}\"\n[surface]\nkind = \"quadratic\"\n",
        "x".repeat(10 << 20)
    );
    for (text, needle) in [
        (many_optimizers(1000, 1_000_000), "the limit is 64"),
        (huge_description, "too large"),
    ] {
        let settings = Settings {
            scene: text,
            ..Settings::default()
        };
        let app = LosscapeApp::restore(None, Some(settings));
        assert_eq!(app.session.scene, default);
        let notice = app.session.notice.clone().unwrap_or_default();
        assert!(notice.contains("discarded"), "{notice}");
        assert!(notice.contains(needle), "{notice}");
    }
}
