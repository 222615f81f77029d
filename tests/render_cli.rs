//! `losscape render` through the real binary: PNG, SVG and GIF files of the asked size with
//! nothing else left behind, and every bad path and flag (exit code 2, one message naming the
//! problem, nothing on stdout, no file written or clobbered).

mod common;

use common::{files_in, losscape, stderr, temp_dir, write};

fn path_in(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_str().expect("utf-8").to_string()
}

/// Width and height from a PNG header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |k: usize| u32::from_be_bytes([bytes[k], bytes[k + 1], bytes[k + 2], bytes[k + 3]]);
    (be(16), be(20))
}

#[test]
fn renders_png_svg_and_gif_of_the_asked_size_and_nothing_else() {
    let dir = temp_dir();
    let png = path_in(&dir, "fig.png");
    let out = losscape(&[
        "render",
        "--scene",
        "builtin:ravine-zigzag",
        "--out",
        &png,
        "--width",
        "320",
        "--height",
        "200",
        "--step",
        "10",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty(), "quiet on success: {}", stderr(&out));
    assert_eq!(png_size(&std::fs::read(&png).expect("written")), (320, 200));

    // extensions in any case; defaults for the rest
    let svg = path_in(&dir, "fig.SVG");
    let out = losscape(&["render", "--scene", "builtin:ravine-zigzag", "--out", &svg]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).expect("written");
    let doc = roxmltree::Document::parse(&text).expect("valid SVG");
    assert_eq!(doc.root_element().attribute("width"), Some("1600"));
    assert_eq!(doc.root_element().attribute("height"), Some("1200"));
    assert!(text.contains("step 150 / 150"), "the last step by default");

    // a light page, the legend inside, the text as <text>
    let light = path_in(&dir, "light.svg");
    let out = losscape(&[
        "render",
        "--scene",
        "builtin:ravine-zigzag",
        "--out",
        &light,
        "--theme",
        "light",
        "--legend",
        "auto",
        "--svg-text",
        "text",
        "--highlight",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&light).expect("written");
    assert!(text.contains(
        "class=\"background\" x=\"0\" y=\"0\" width=\"1600\" height=\"1200\" fill=\"#ffffff\""
    ));
    assert!(
        text.contains("<text class=\"legend-label\""),
        "{}",
        &text[..200]
    );

    let gif = path_in(&dir, "anim.gif");
    let out = losscape(&[
        "render",
        "--scene",
        "builtin:ravine-zigzag",
        "--out",
        &gif,
        "--width",
        "240",
        "--height",
        "180",
        "--frames",
        "4",
        "--fps",
        "10",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        out.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {}",
        stderr(&out)
    );
    let bytes = std::fs::read(&gif).expect("written");
    let mut d = gif::DecodeOptions::new()
        .read_info(bytes.as_slice())
        .expect("a GIF");
    assert_eq!((d.width(), d.height()), (240, 180));
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().expect("frame") {
        delays.push(f.delay);
    }
    assert_eq!(delays, vec![10; 4]);
    assert_eq!(
        files_in(&dir),
        vec!["anim.gif", "fig.SVG", "fig.png", "light.svg"],
        "no temporary file left"
    );
}

#[test]
fn renders_the_3d_view_as_png_svg_and_orbiting_gif() {
    let dir = temp_dir();
    let scene = write(
        &dir,
        "cam.toml",
        "steps = 20\nstart = [-1.5, 2.0]\ncamera = { azimuth = 45, elevation = 60 }\n\
         [surface]\nkind = \"rosenbrock\"\n[[optimizer]]\nkind = \"adam\"\nlr = 0.1\n",
    );
    let scene = scene.to_str().expect("utf-8");
    let render = |out: &str, extra: &[&str]| {
        let mut args = vec!["render", "--scene", scene, "--out", out];
        args.extend(["--width", "320", "--height", "240"]);
        args.extend(extra);
        let out = losscape(&args);
        assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty() && out.stderr.is_empty());
    };
    let (flat, scene_camera, turned) = (
        path_in(&dir, "flat.png"),
        path_in(&dir, "cam.png"),
        path_in(&dir, "turned.png"),
    );
    render(&flat, &[]);
    render(&scene_camera, &["--view", "3d"]);
    render(
        &turned,
        &["--view", "3d", "--azimuth", "-120", "--elevation", "20"],
    );
    let read = |p: &str| std::fs::read(p).expect("written");
    for p in [&flat, &scene_camera, &turned] {
        assert_eq!(png_size(&read(p)), (320, 240));
    }
    assert_ne!(read(&flat), read(&scene_camera), "3D is not the 2D figure");
    assert_ne!(
        read(&scene_camera),
        read(&turned),
        "the flags move the camera"
    );
    let svg = path_in(&dir, "both.svg");
    render(&svg, &["--view", "both"]);
    let text = std::fs::read_to_string(&svg).expect("written");
    let doc = roxmltree::Document::parse(&text).expect("valid SVG");
    for class in ["colormap", "surface", "floor", "trail", "shadow"] {
        assert!(
            doc.descendants()
                .any(|n| n.attribute("class") == Some(class)),
            "side by side has a {class}"
        );
    }
    let gif = path_in(&dir, "spin.gif");
    render(&gif, &["--view", "3d", "--orbit", "--frames", "3"]);
    assert_eq!(&read(&gif)[..6], b"GIF89a");
    assert_eq!(
        files_in(&dir),
        [
            "both.svg",
            "cam.png",
            "cam.toml",
            "flat.png",
            "spin.gif",
            "turned.png"
        ]
    );
}

/// Runs with `args`, expecting exit 2, nothing on stdout, a message containing `needles`,
/// and exactly `keep` in the temp dir afterwards.
fn assert_bad(args: &[&str], needles: &[&str], dir: &tempfile::TempDir, keep: &[&str]) {
    common::assert_refused(args, needles);
    assert_eq!(files_in(dir), keep, "{args:?} left a file");
}

#[test]
fn every_bad_path_and_flag_exits_2_and_writes_nothing() {
    let dir = temp_dir();
    let bad = write(
        &dir,
        "bad.toml",
        "steps = -3\nstart = [0.0, 1.0]\n[surface]\nkind = \"saddle\"\n",
    );
    let bad = bad.to_str().expect("utf-8");
    let keep = ["bad.toml"];
    let png = path_in(&dir, "out.png");
    let gif = path_in(&dir, "out.gif");
    let jpg = path_in(&dir, "out.jpg");
    let plain = path_in(&dir, "out");
    let svg = path_in(&dir, "out.svg");
    let nowhere_png = path_in(&dir, "no/such/dir/out.png");
    let nowhere_gif = path_in(&dir, "no/such/dir/out.gif");
    let s = "builtin:saddle-escape";
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--scene", s, "--out", &jpg],
            vec!["unknown extension", ".jpg", "use .png, .svg or .gif"],
        ),
        (
            vec!["--scene", s, "--out", &plain],
            vec!["no extension", "use .png, .svg or .gif"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--width", "10"],
            vec!["--width 10", "16 to 8192"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--width", "-5"],
            vec!["--width -5", "16 to 8192"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--height", "9000"],
            vec!["--height 9000", "16 to 8192"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--width", "wide"],
            vec!["--width", "wide"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--step", "151"],
            vec!["--step 151", "0 to 150"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--step", "-1"],
            vec!["--step -1", "0 to 150"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--frames", "0"],
            vec!["--frames 0", "1 to 10000"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--frames", "10001"],
            vec!["--frames 10001", "1 to 10000"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--fps", "0"],
            vec!["--fps 0", "above 0 and at most 100"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--fps", "250"],
            vec!["--fps 250", "at most 100"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--fps", "NaN"],
            vec!["--fps NaN"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--frames", "10"],
            vec!["--frames only applies to animations"],
        ),
        (
            vec!["--scene", s, "--out", &svg, "--fps", "10"],
            vec!["--fps only applies to animations"],
        ),
        (
            vec!["--scene", s, "--out", &gif, "--step", "3"],
            vec!["--step only applies to still images"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--theme", "blue"],
            vec!["--theme", "blue", "dark", "light"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--legend", "left"],
            vec!["--legend", "left", "beside", "auto", "hidden"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--svg-text", "text"],
            vec!["--svg-text only applies to SVG"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--highlight", "0"],
            vec!["--highlight 0", "optimizers 1 to"],
        ),
        (
            vec!["--scene", bad, "--out", &png],
            vec!["bad.toml:1:", "steps"],
        ),
        (
            vec!["--scene", "missing.toml", "--out", &png],
            vec!["missing.toml", "cannot read"],
        ),
        (
            vec!["--scene", "builtin:nope", "--out", &gif],
            vec!["builtin:nope"],
        ),
        (vec!["--scene", s], vec!["--out"]),
        (vec!["--out", &png], vec!["--scene"]),
        (
            vec!["--scene", s, "--out", &png, "--bogus"],
            vec!["--bogus"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--view", "4d"],
            vec!["--view 4d", "2d, 3d or both"],
        ),
        (
            vec![
                "--scene",
                s,
                "--out",
                &png,
                "--view",
                "3d",
                "--azimuth",
                "200",
            ],
            vec!["--azimuth 200", "-180 to 180 degrees"],
        ),
        (
            vec![
                "--scene",
                s,
                "--out",
                &png,
                "--view",
                "both",
                "--elevation",
                "-5",
            ],
            vec!["--elevation -5", "0 to 90 degrees"],
        ),
        (
            vec![
                "--scene",
                s,
                "--out",
                &png,
                "--view",
                "3d",
                "--elevation",
                "NaN",
            ],
            vec!["--elevation NaN", "0 to 90 degrees"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--azimuth", "10"],
            vec!["--azimuth only applies to the 3D view", "--view 3d"],
        ),
        (
            vec!["--scene", s, "--out", &png, "--view", "3d", "--orbit"],
            vec!["--orbit only applies to animations"],
        ),
        (
            vec!["--scene", s, "--out", &nowhere_png],
            vec!["cannot write --out", "no/such/dir/out.png"],
        ),
        (
            vec!["--scene", s, "--out", &nowhere_gif, "--frames", "2"],
            vec!["cannot write --out", "no/such/dir/out.gif"],
        ),
    ];
    for (args, needles) in cases {
        let mut full = vec!["render"];
        full.extend(args);
        assert_bad(&full, &needles, &dir, &keep);
    }
}

#[test]
fn a_failed_render_leaves_an_existing_file_alone() {
    let dir = temp_dir();
    let existing = write(&dir, "fig.png", "the old figure");
    let existing_s = existing.to_str().expect("utf-8");
    assert_bad(
        &[
            "render",
            "--scene",
            "builtin:saddle-escape",
            "--out",
            existing_s,
            "--step",
            "9999",
        ],
        &["--step 9999"],
        &dir,
        &["fig.png"],
    );
    assert_eq!(
        std::fs::read_to_string(&existing).expect("still there"),
        "the old figure"
    );
    // a directory where the file should go: nothing is written beside it either
    std::fs::create_dir(dir.path().join("taken.svg")).expect("mkdir");
    let out = losscape(&[
        "render",
        "--scene",
        "builtin:saddle-escape",
        "--out",
        &path_in(&dir, "taken.svg"),
        "--width",
        "64",
        "--height",
        "64",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write --out"),
        "{}",
        stderr(&out)
    );
    assert_eq!(files_in(&dir), vec!["fig.png", "taken.svg"]);
}

/// Ctrl+C during a long GIF: exit 1, no GIF and no temporary file.
#[cfg(unix)]
#[test]
fn an_interrupted_gif_leaves_no_file() {
    use std::time::{Duration, Instant};
    let dir = temp_dir();
    let gif = path_in(&dir, "long.gif");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args([
            "render",
            "--scene",
            "builtin:rosenbrock-race",
            "--out",
            &gif,
            "--width",
            "640",
            "--height",
            "480",
            "--frames",
            "10000",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    // wait until the temporary file exists, i.e. frames are being written
    let start = Instant::now();
    while files_in(&dir).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("exits");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(files_in(&dir), Vec::<String>::new(), "nothing left behind");
}
