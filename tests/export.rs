//! Exports through the library: every built-in scene as PNG and SVG, trajectory colours where
//! the trajectories are, golden images, GIF frames and timing, and every invalid request.
//!
//! Golden images live in `tests/fixtures/golden/`; after an intended change of the picture,
//! regenerate them with `LOSSCAPE_UPDATE_GOLDEN=1 cargo test --test export golden` and look
//! at them before committing.

use losscape::engine::{Replay, Trajectory, ViewBox};
use losscape::export::{
    self, ExportError, FigureRequest, GifOptions, Look, MAX_SIZE, MIN_SIZE, SvgText, ViewMode,
};
use losscape::figure::model::CONTOUR_LEVELS;
use losscape::figure::palette;
use losscape::scene::{BUILTINS, Camera, Runs, Scene, builtin};
use std::path::PathBuf;
use tiny_skia::Pixmap;

fn scene(name: &str) -> Scene {
    builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn px(p: &Pixmap, x: i64, y: i64) -> Option<[u8; 4]> {
    if x < 0 || y < 0 {
        return None;
    }
    p.pixel(x as u32, y as u32)
        .map(|c| [c.red(), c.green(), c.blue(), c.alpha()])
}

fn close(a: [u8; 4], b: [u8; 3], tol: u8) -> bool {
    (0..3).all(|i| a[i].abs_diff(b[i]) <= tol)
}

/// Whether a pixel within `r` of `at` has colour `c` (within `tol` per channel).
fn colour_near(p: &Pixmap, at: [f64; 2], c: [u8; 3], r: i64, tol: u8) -> bool {
    let (x, y) = (at[0].round() as i64, at[1].round() as i64);
    (-r..=r).any(|dy| (-r..=r).any(|dx| px(p, x + dx, y + dy).is_some_and(|q| close(q, c, tol))))
}

/// The smallest channel difference to `c` among the pixels within 2 of `at`.
fn distance_near(p: &Pixmap, at: [f64; 2], c: [u8; 3]) -> u8 {
    let (x, y) = (at[0].round() as i64, at[1].round() as i64);
    (-2..=2)
        .flat_map(|dy| (-2..=2).map(move |dx| (dx, dy)))
        .filter_map(|(dx, dy)| px(p, x + dx, y + dy))
        .map(|q| (0..3).map(|i| q[i].abs_diff(c[i])).max().unwrap_or(0))
        .min()
        .unwrap_or(u8::MAX)
}

fn distinct_colours(p: &Pixmap) -> usize {
    let mut v: Vec<u32> = p
        .data()
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

#[test]
fn every_builtin_renders_to_png_and_svg() {
    let (w, h) = (320, 240);
    for b in BUILTINS {
        let s = scene(b.name);
        let runs = Runs::compute(&s);
        let req = FigureRequest::whole(&s, &runs, w, h);

        let img = export::render_rgba(&req).unwrap_or_else(|e| panic!("{}: {e}", b.name));
        assert_eq!((img.width(), img.height()), (w, h), "{}", b.name);
        assert!(
            img.data().chunks_exact(4).all(|c| c[3] == 255),
            "{}: opaque",
            b.name
        );
        assert!(
            distinct_colours(&img) > 200,
            "{}: the image is not blank ({} colours)",
            b.name,
            distinct_colours(&img)
        );
        // the plot's centre shows the colour map, not the page background
        let [l, t, pw, ph] = export::plot_rect(&s, w, h);
        let centre = px(&img, (l + pw / 2.0) as i64, (t + ph / 2.0) as i64).expect("inside");
        assert_ne!(&centre[..3], &[27, 27, 27], "{}", b.name);

        let png = export::render_png(&req).expect("png");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoded = Pixmap::decode_png(&png).expect("decodes");
        assert_eq!(
            decoded.data(),
            img.data(),
            "{}: the PNG holds the image",
            b.name
        );

        let svg = export::render_svg(&req).unwrap_or_else(|e| panic!("{}: {e}", b.name));
        check_svg(&svg, &s, &runs, w, h);
    }
}

fn check_svg(svg: &str, s: &Scene, runs: &[Option<Trajectory>], w: u32, h: u32) {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{}: the SVG does not parse: {e}", s.name));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some(w.to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(h.to_string().as_str()));
    let class = |n: &roxmltree::Node, c: &str| {
        n.attribute("class")
            .is_some_and(|a| a.split_whitespace().any(|x| x == c))
    };
    let paths: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .collect();
    let contours: Vec<&roxmltree::Node> = paths.iter().filter(|n| class(n, "contour")).collect();
    assert_eq!(
        contours.len(),
        CONTOUR_LEVELS,
        "{}: one path per contour level",
        s.name
    );
    let mut levels: Vec<&str> = contours
        .iter()
        .filter_map(|n| n.attribute("data-level"))
        .collect();
    levels.dedup();
    assert_eq!(levels.len(), CONTOUR_LEVELS, "{}: distinct levels", s.name);
    assert!(
        contours
            .iter()
            .filter(|n| n.attribute("d").is_some_and(|d| d.contains('M')))
            .count()
            >= CONTOUR_LEVELS / 2,
        "{}: most levels have lines in view",
        s.name
    );
    let trails: Vec<&roxmltree::Node> = paths.iter().filter(|n| class(n, "trail")).collect();
    let enabled = runs.iter().filter(|r| r.is_some()).count();
    assert_eq!(trails.len(), enabled, "{}: one path per trajectory", s.name);
    for (t, o) in trails.iter().zip(s.optimizers.iter().filter(|o| o.enabled)) {
        assert_eq!(t.attribute("data-optimizer"), Some(o.spec.label.as_str()));
        let i = s
            .optimizers
            .iter()
            .position(|x| std::ptr::eq(x, o))
            .expect("index");
        assert_eq!(
            t.attribute("stroke"),
            Some(palette::hex(palette::color(i, o.color)).as_str()),
            "{}: trail colour",
            s.name
        );
    }
    // the colour map is an embedded PNG; the rest is vector
    let images: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("image"))
        .collect();
    assert_eq!(images.len(), 1);
    let href = images[0]
        .attribute(("http://www.w3.org/1999/xlink", "href"))
        .expect("xlink:href");
    assert!(href.starts_with("data:image/png;base64,"));
    // text is set as glyph outlines by default: paths carrying their text
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| n.attribute("data-text"))
        .map(str::to_string)
        .collect();
    assert!(
        doc.descendants().all(|n| !n.has_tag_name("text")),
        "{}: no <text> left to a renderer's fonts",
        s.name
    );
    assert!(
        texts.iter().any(|t| t == s.title()) || texts.iter().any(|t| t.ends_with('…')),
        "{}: title",
        s.name
    );
    assert!(texts.iter().any(|t| t == "x") && texts.iter().any(|t| t == "y"));
    assert!(texts.iter().any(|t| t.starts_with("step ")));
    assert!(texts.iter().any(|t| t == "loss"));
    for n in doc
        .descendants()
        .filter(|n| n.attribute("data-text").is_some())
    {
        let text = n.attribute("data-text").unwrap_or_default();
        let d = n.attribute("d").unwrap_or_default();
        assert!(
            text.trim().is_empty() || d.starts_with('M'),
            "{}: {text:?} has no outline",
            s.name
        );
    }
}

#[test]
fn labels_and_title_are_text_in_the_svg() {
    let mut s = scene("learning-rates");
    // Far too high a rate, so one run overflows and the legend says so.
    s.optimizers[2].spec.hyper.lr = 1.0;
    let runs = Runs::compute(&s);
    let req = FigureRequest {
        svg_text: SvgText::Text,
        ..FigureRequest::whole(&s, &runs, 1600, 1200)
    };
    let svg = export::render_svg(&req).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&s.title()));
    for o in &s.optimizers {
        assert!(texts.contains(&o.spec.label.as_str()), "{}", o.spec.label);
    }
    assert!(
        texts.iter().any(|t| t.starts_with("diverged at step")),
        "the diverged run says so: {texts:?}"
    );
    assert!(texts.contains(&"step 200 / 200"), "{texts:?}");
    let style: String = doc
        .descendants()
        .filter(|n| n.has_tag_name("style"))
        .filter_map(|n| n.text())
        .collect();
    assert!(style.contains("@font-face") && style.contains("data:font/ttf;base64,"));
}

/// Text set as outlines is where the raster draws it: each glyph path's extent matches the
/// measured width and sits on its baseline, so no renderer can make text overlap.
#[test]
fn svg_text_outlines_sit_where_the_text_is_measured() {
    let s = scene("learning-rates");
    let runs = Runs::compute(&s);
    let svg = export::render_svg(&FigureRequest::whole(&s, &runs, 1280, 720)).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    assert!(!svg.contains("@font-face"), "no font needed");
    let title = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("title"))
        .expect("the title");
    assert_eq!(title.attribute("data-text"), Some(s.title()));
    // the x coordinates of the title's outline span its width from the left margin
    let d = title.attribute("d").expect("d");
    let numbers: Vec<f64> = d
        .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
        .filter_map(|v| v.parse().ok())
        .collect();
    let xs: Vec<f64> = numbers.iter().step_by(2).copied().collect();
    let ys: Vec<f64> = numbers.iter().skip(1).step_by(2).copied().collect();
    let (x0, x1) = (
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    assert!(x0 > 5.0 && x0 < 40.0, "starts at the margin: {x0}");
    assert!(
        x1 - x0 > 200.0 && x1 < 1280.0,
        "spans the title: {x0}..{x1}"
    );
    assert!(
        y0 > 5.0 && y1 < 60.0 && y1 - y0 > 10.0,
        "on the title's line: {y0}..{y1}"
    );
}

/// Sample points of trajectory `i` at the request's step, in pixels.
fn samples(req: &FigureRequest, run: &Trajectory, n: usize) -> Vec<[f64; 2]> {
    let proj = export::projection(req);
    let last = req.step.min(run.last_step());
    (0..=n)
        .map(|k| k * last / n)
        .map(|k| run.points[k])
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .map(|p| proj.project(p))
        .collect()
}

/// Each trajectory drawn alone (so no other trail covers it): its colour is found next to
/// most of its points, and not there when it is not drawn.
#[test]
fn trajectory_colours_appear_where_the_trajectories_are() {
    let (w, h) = (400, 300);
    let mut checked = 0;
    for b in BUILTINS {
        let s = scene(b.name);
        let runs = Runs::compute(&s);
        let none: Vec<Option<Trajectory>> = vec![None; runs.len()];
        let bare = export::render_rgba(&FigureRequest::whole(&s, &none, w, h)).expect("renders");
        let [l, t, pw, ph] = export::plot_rect(&s, w, h);
        let proj = export::projection(&FigureRequest::whole(&s, &none, w, h));
        let marks: Vec<[f64; 2]> = s
            .surface
            .minima()
            .into_iter()
            .chain(s.surface.saddles())
            .chain([s.start])
            .map(|m| proj.project(m))
            .collect();
        // inside the plot, off the markers and off the (one-row) legend at the top right
        let usable = |p: &[f64; 2]| {
            let inside =
                p[0] > l + 4.0 && p[0] < l + pw - 4.0 && p[1] > t + 4.0 && p[1] < t + ph - 4.0;
            let legend = p[0] > l + 0.4 * pw && p[1] < t + 30.0;
            inside && !legend && marks.iter().all(|q| (p[0] - q[0]).hypot(p[1] - q[1]) > 9.0)
        };
        for (i, run) in runs.iter().enumerate() {
            let Some(run) = run else { continue };
            let mut alone = none.clone();
            alone[i] = Some(run.clone());
            let req = FigureRequest::whole(&s, &alone, w, h);
            let colour = palette::color(i, s.optimizers[i].color);
            let points: Vec<[f64; 2]> = samples(&req, run, 40).into_iter().filter(usable).collect();
            if points.len() < 3 {
                continue;
            }
            let img = export::render_rgba(&req).expect("renders");
            // a point shows the trail when a pixel next to it is close to the trail's colour
            // and much closer than anything there without the trail
            let shown = points
                .iter()
                .filter(|p| {
                    let (with, without) = (
                        distance_near(&img, **p, colour),
                        distance_near(&bare, **p, colour),
                    );
                    with <= 40 && 2 * with < without
                })
                .count() as f64
                / points.len() as f64;
            assert!(
                shown >= 0.75,
                "{} / {}: colour {colour:?} shows near {:.0}% of {} points",
                b.name,
                s.optimizers[i].spec.label,
                100.0 * shown,
                points.len(),
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 40,
        "only {checked} trajectories could be checked"
    );
}

#[test]
fn the_head_marker_sits_on_the_trajectory_at_the_step() {
    let s = scene("momentum-ravine");
    let runs = Runs::compute(&s);
    for step in [0, 7, 40] {
        let req = FigureRequest {
            step,
            ..FigureRequest::whole(&s, &runs, 640, 480)
        };
        let img = export::render_rgba(&req).expect("renders");
        let proj = export::projection(&req);
        let (i, run) = runs
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, r)| r.as_ref().map(|r| (i, r)))
            .expect("a run");
        let head = proj.project(run.points[step]);
        let colour = palette::color(i, s.optimizers[i].color);
        // the dot has radius 4u ≈ 3 px here: its centre is the exact colour
        assert!(
            colour_near(&img, head, colour, 1, 0),
            "step {step}: head at {head:?}"
        );
    }
}

fn max_diff(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.chunks_exact(4)
        .zip(b.chunks_exact(4))
        .map(|(p, q)| (0..3).map(|i| p[i].abs_diff(q[i])).max().unwrap_or(0))
        .collect()
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(format!("{name}.png"))
}

/// Renders `name` at 400 × 300 and compares with its golden image: at most 0.5% of pixels may
/// differ by more than 8 in a channel (room for floating-point and rasterizer differences
/// across platforms, far less than any visible change).
fn golden(name: &str) {
    let s = scene(name);
    let runs = Runs::compute(&s);
    let png = export::render_png(&FigureRequest::whole(&s, &runs, 400, 300)).expect("png");
    let path = golden_path(name);
    if std::env::var_os("LOSSCAPE_UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &png).expect("write golden");
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with LOSSCAPE_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    let want = Pixmap::decode_png(&want).expect("golden decodes");
    let got = Pixmap::decode_png(&png).expect("decodes");
    assert_eq!(
        (got.width(), got.height()),
        (want.width(), want.height()),
        "{name}"
    );
    let diffs = max_diff(got.data(), want.data());
    let off = diffs.iter().filter(|&&d| d > 8).count();
    let allowed = diffs.len() / 200;
    if off > allowed {
        let out = std::env::temp_dir().join(format!("losscape-{name}-actual.png"));
        let _ = std::fs::write(&out, &png);
        panic!(
            "{name}: {off} pixels differ from {} by more than 8 (at most {allowed} may); \
             this render is in {}. If the change is intended, regenerate with \
             LOSSCAPE_UPDATE_GOLDEN=1.",
            path.display(),
            out.display()
        );
    }
}

#[test]
fn golden_rosenbrock_race() {
    golden("rosenbrock-race");
}

#[test]
fn golden_newton_saddle() {
    golden("newton-saddle");
}

/// Decodes a GIF: screen size, loop setting, per-frame delays, and every frame composited
/// (as a viewer shows it) as RGBA.
struct Decoded {
    size: (u32, u32),
    infinite: bool,
    delays: Vec<u16>,
    frames: Vec<Vec<u8>>,
}

fn decode_gif(bytes: &[u8]) -> Decoded {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(bytes).expect("a GIF");
    let (w, h) = (u32::from(d.width()), u32::from(d.height()));
    let mut screen = vec![0u8; (w * h * 4) as usize];
    let mut delays = Vec::new();
    let mut frames = Vec::new();
    while let Some(f) = d.read_next_frame().expect("frame decodes") {
        assert_eq!(f.dispose, gif::DisposalMethod::Keep);
        for y in 0..u32::from(f.height) {
            for x in 0..u32::from(f.width) {
                let s = ((y * u32::from(f.width) + x) * 4) as usize;
                let src = &f.buffer[s..s + 4];
                if src[3] == 0 {
                    continue;
                }
                let (sx, sy) = (x + u32::from(f.left), y + u32::from(f.top));
                let k = ((sy * w + sx) * 4) as usize;
                screen[k..k + 4].copy_from_slice(src);
            }
        }
        delays.push(f.delay);
        frames.push(screen.clone());
    }
    Decoded {
        size: (w, h),
        infinite: d.repeat() == gif::Repeat::Infinite,
        delays,
        frames,
    }
}

fn gif_bytes(req: &FigureRequest, opts: &GifOptions) -> Vec<u8> {
    let mut out = Vec::new();
    let mut calls = Vec::new();
    export::render_gif(req, opts, &mut out, &mut |d, t| {
        calls.push((d, t));
        true
    })
    .expect("gif");
    assert_eq!(calls.first(), Some(&(0, opts.frames)));
    assert_eq!(calls.last(), Some(&(opts.frames, opts.frames)));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    out
}

#[test]
fn gif_has_the_frames_size_and_delay_asked_and_ends_on_the_png() {
    let s = scene("momentum-ravine");
    let runs = Runs::compute(&s);
    let req = FigureRequest::whole(&s, &runs, 320, 240);
    let opts = GifOptions {
        frames: 6,
        fps: 20.0,
    };
    let d = decode_gif(&gif_bytes(&req, &opts));
    assert_eq!(d.size, (320, 240));
    assert_eq!(d.frames.len(), 6);
    assert!(d.delays.iter().all(|&c| c == 5), "{:?}", d.delays);
    assert!(d.infinite, "loops forever");
    // each frame is the still image of its step, up to the 256-colour palette
    for (k, step) in [(0, 0), (5, req.step)] {
        let still = export::render_rgba(&FigureRequest { step, ..req }).expect("still");
        let diffs = max_diff(&d.frames[k], still.data());
        let big = diffs.iter().filter(|&&x| x > 24).count();
        let mean = diffs.iter().map(|&x| f64::from(x)).sum::<f64>() / diffs.len() as f64;
        assert!(
            big * 200 <= diffs.len() && mean < 3.0,
            "frame {k} (step {step}): {big} pixels off by more than 24, mean {mean:.2}"
        );
    }
    // frames change: the trails grow
    assert!(d.frames[0] != d.frames[5]);
}

#[test]
fn gif_frame_delays_follow_the_rate_and_short_animations_work() {
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    for (fps, delay) in [(30.0, 3), (100.0, 1), (0.5, 200)] {
        let req = FigureRequest::whole(&s, &runs, 240, 180);
        let d = decode_gif(&gif_bytes(&req, &GifOptions { frames: 2, fps }));
        assert_eq!(d.delays, vec![delay, delay], "{fps} fps");
    }
    // one frame: the last step; more frames than steps: repeated steps
    let req = FigureRequest {
        step: 3,
        ..FigureRequest::whole(&s, &runs, 240, 180)
    };
    assert_eq!(
        decode_gif(&gif_bytes(
            &req,
            &GifOptions {
                frames: 1,
                fps: 10.0
            }
        ))
        .frames
        .len(),
        1
    );
    let d = decode_gif(&gif_bytes(
        &req,
        &GifOptions {
            frames: 9,
            fps: 10.0,
        },
    ));
    assert_eq!(d.frames.len(), 9);
    assert!(d.frames[0] == d.frames[1], "steps 0, 0, 1, 1, … repeat");
    assert!(d.frames[1] != d.frames[2]);
}

#[test]
fn gif_progress_can_cancel() {
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    let req = FigureRequest::whole(&s, &runs, 240, 180);
    let mut out = Vec::new();
    let mut seen = 0;
    let r = export::render_gif(
        &req,
        &GifOptions {
            frames: 50,
            fps: 10.0,
        },
        &mut out,
        &mut |done, total| {
            assert_eq!(total, 50);
            seen = done;
            done < 3
        },
    );
    assert!(matches!(r, Err(ExportError::Cancelled)), "{r:?}");
    assert_eq!(seen, 3, "stops at the first refusal");
    // cancelled before anything: nothing written at all
    let mut out = Vec::new();
    let r = export::render_gif(&req, &GifOptions::default(), &mut out, &mut |_, _| false);
    assert!(matches!(r, Err(ExportError::Cancelled)));
    assert!(out.is_empty());
}

#[test]
fn a_write_error_is_reported_not_swallowed() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "disk full",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    let req = FigureRequest::whole(&s, &runs, 240, 180);
    let r = export::render_gif(&req, &GifOptions::default(), &mut Full, &mut |_, _| true);
    match r {
        Err(ExportError::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::StorageFull),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_requests_are_errors_with_one_clear_sentence() {
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    let ok = FigureRequest::whole(&s, &runs, 240, 180);
    for (w, h) in [
        (MIN_SIZE - 1, 100),
        (100, 0),
        (MAX_SIZE + 1, 100),
        (100, 100_000),
    ] {
        let req = FigureRequest {
            width: w,
            height: h,
            ..ok
        };
        let e = export::render_png(&req).expect_err("bad size");
        assert!(matches!(e, ExportError::InvalidSize { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("{w}×{h}")) && msg.contains("16 to 8192"),
            "{msg}"
        );
        assert!(export::render_svg(&req).is_err());
        assert!(
            export::render_gif(
                &req,
                &GifOptions::default(),
                &mut Vec::new(),
                &mut |_, _| true
            )
            .is_err()
        );
    }
    assert!(
        export::render_png(&FigureRequest {
            width: MIN_SIZE,
            height: MIN_SIZE,
            ..ok
        })
        .is_ok()
    );
    for opts in [
        GifOptions {
            frames: 0,
            fps: 30.0,
        },
        GifOptions {
            frames: 10_001,
            fps: 30.0,
        },
        GifOptions {
            frames: 10,
            fps: 0.0,
        },
        GifOptions {
            frames: 10,
            fps: -1.0,
        },
        GifOptions {
            frames: 10,
            fps: 100.5,
        },
        GifOptions {
            frames: 10,
            fps: f64::NAN,
        },
        GifOptions {
            frames: 10,
            fps: f64::INFINITY,
        },
    ] {
        let mut out = Vec::new();
        let e = export::render_gif(&ok, &opts, &mut out, &mut |_, _| true).expect_err("bad");
        assert!(
            matches!(e, ExportError::InvalidOption(_)),
            "{opts:?}: {e:?}"
        );
        assert!(out.is_empty(), "{opts:?}: nothing written");
        assert!(!e.to_string().is_empty());
    }
    let short = &runs[..1];
    let e = export::render_png(&FigureRequest { runs: short, ..ok }).expect_err("runs");
    assert!(e.to_string().contains("one entry per optimizer"), "{e}");
    for view in [
        ViewBox {
            x: [0.0, 0.0],
            y: [0.0, 1.0],
        },
        ViewBox {
            x: [0.0, 1.0],
            y: [f64::NAN, 1.0],
        },
        ViewBox {
            x: [1.0, 0.0],
            y: [0.0, 1.0],
        },
    ] {
        let e = export::render_svg(&FigureRequest { view, ..ok }).expect_err("view");
        assert!(matches!(e, ExportError::InvalidOption(_)), "{e:?}");
    }
    assert_eq!(
        ExportError::Cancelled.to_string(),
        "the export was cancelled"
    );
}

#[test]
fn tiny_images_are_just_the_plot() {
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    let req = FigureRequest::whole(&s, &runs, 16, 16);
    let img = export::render_rgba(&req).expect("renders");
    assert_eq!((img.width(), img.height()), (16, 16));
    assert_eq!(export::plot_rect(&s, 16, 16), [0.0, 0.0, 16.0, 16.0]);
    let svg = export::render_svg(&req).expect("svg");
    roxmltree::Document::parse(&svg).expect("parses");
}

#[test]
fn views_are_fitted_so_the_surface_is_not_distorted() {
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    for (w, h) in [(1600, 1200), (1920, 1080), (600, 900)] {
        let req = FigureRequest::whole(&s, &runs, w, h);
        let p = export::projection(&req);
        let [ux, uy] = p.units_per_pixel();
        assert!((ux / uy - 1.0).abs() < 1e-9, "{w}×{h}: {ux} vs {uy}");
        let v = s.view_box();
        assert!(p.view.x[0] <= v.x[0] && p.view.x[1] >= v.x[1]);
        assert!(p.view.y[0] <= v.y[0] && p.view.y[1] >= v.y[1]);
        // a view of another shape (the window's) is widened, not stretched
        let odd = FigureRequest {
            view: ViewBox {
                x: [-2.0, 2.0],
                y: [-0.5, 0.5],
            },
            ..req
        };
        let [ux, uy] = export::projection(&odd).units_per_pixel();
        assert!((ux / uy - 1.0).abs() < 1e-9);
    }
}

#[test]
fn long_trajectories_are_decimated() {
    let mut s = scene("ravine-zigzag");
    s.steps = 100_000;
    for o in &mut s.optimizers {
        o.spec.hyper.lr *= 0.01;
    }
    let runs = Runs::compute(&s);
    assert!(runs.iter().flatten().all(|r| r.points.len() == 100_001));
    let req = FigureRequest::whole(&s, &runs, 800, 600);
    let svg = export::render_svg(&req).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    for t in doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("trail"))
    {
        let d = t.attribute("d").unwrap_or_default();
        let points = d.matches(' ').count() / 2 + 1;
        assert!(points < 5_000, "{points} points kept of 100,001");
    }
    assert!(svg.len() < 3_000_000, "{} bytes", svg.len());
}

#[test]
fn exports_are_deterministic() {
    let s = scene("sgd-decay");
    let runs = Runs::compute(&s);
    let req = FigureRequest::whole(&s, &runs, 320, 240);
    assert_eq!(
        export::render_png(&req).expect("png"),
        export::render_png(&req).expect("png")
    );
    assert_eq!(
        export::render_svg(&req).expect("svg"),
        export::render_svg(&req).expect("svg")
    );
    let opts = GifOptions {
        frames: 3,
        fps: 10.0,
    };
    assert_eq!(gif_bytes(&req, &opts), gif_bytes(&req, &opts));
}

#[test]
fn disabled_optimizers_are_left_out() {
    let mut s = scene("learning-rates");
    s.optimizers[1].enabled = false;
    let runs = Runs::compute(&s);
    assert!(runs[1].is_none() && runs[0].is_some() && runs[2].is_some());
    let svg = export::render_svg(&FigureRequest::whole(&s, &runs, 640, 480)).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    let trails: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("trail"))
        .filter_map(|n| n.attribute("data-optimizer"))
        .collect();
    assert_eq!(
        trails,
        vec![
            s.optimizers[0].spec.label.as_str(),
            s.optimizers[2].spec.label.as_str()
        ]
    );
}

#[test]
fn the_png_is_the_painted_figure_whatever_the_size() {
    // render_png compresses each band as it is painted: its file must decode to exactly what
    // render_rgba paints, at sizes that split into bands unevenly (and into one band)
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    for (w, h) in [(1600, 1200), (1023, 777), (640, 129), (300, 64), (200, 150)] {
        let req = FigureRequest::whole(&s, &runs, w, h);
        let png = export::render_png(&req).expect("renders");
        let decoded = Pixmap::decode_png(&png).expect("a valid PNG");
        let painted = export::render_rgba(&req).expect("paints");
        assert_eq!((decoded.width(), decoded.height()), (w, h));
        assert!(
            decoded.data() == painted.data(),
            "{w}×{h}: the PNG differs from the painted figure"
        );
    }
}

/// The arrows at each head (negative gradient, direction state, next step) are drawn in the
/// optimizer's colour from its head along the arrow's direction, in the PNG and in the SVG,
/// and only when the scene shows them.
#[test]
fn arrows_in_the_optimizers_colour_leave_each_head() {
    use losscape::figure::arrows::HeadArrows;
    use losscape::scene::Show;
    let text = "name = \"arrows\"\nsteps = 30\nstart = [1.5, 1.0]\n\n[surface]\nkind = \"quadratic\"\nkappa = 1.0\ntheta = 0.0\n\n[[optimizer]]\nkind = \"momentum\"\nlabel = \"m\"\nlr = 0.05\nmomentum = 0.5\ndampening = 0.0\n\n[[optimizer]]\nkind = \"adam\"\nlabel = \"a\"\nlr = 0.1\n";
    let base = losscape::scene::parse(text, "arrows").expect("scene");
    let runs = Runs::compute(&base);
    let step = 3;
    type Pick = fn(&HeadArrows) -> Option<losscape::engine::Vec2>;
    let kinds: [(&str, Pick); 3] = [
        ("gradient", |a| Some(a.gradient)),
        ("direction", |a| a.direction.map(|(_, d)| d)),
        ("step", |a| a.step),
    ];
    for (key, vector) in kinds {
        for (i, run) in runs.iter().enumerate() {
            let run = run.as_ref().expect("ran");
            let mut alone: Vec<Option<Trajectory>> = vec![None; runs.len()];
            alone[i] = Some(run.clone());
            let mut s = base.clone();
            s.show = Show::default();
            s.show.set(key, true);
            let req = FigureRequest {
                step,
                ..FigureRequest::whole(&s, &alone, 640, 480)
            };
            let off = FigureRequest {
                scene: &base,
                ..req
            };
            let mut replay = Replay::new(&s.problem(), &s.optimizers[i].spec);
            let arrows = HeadArrows::at(&s.surface, run, step, Some(&mut replay))
                .expect("arrows at the head");
            let v = vector(&arrows).unwrap_or_else(|| panic!("{key} arrow of {i}"));
            let proj = export::projection(&req);
            let head = proj.project(run.points[step]);
            let (dx, dy) = (v.x, -v.y);
            let n = dx.hypot(dy);
            let along: Vec<[f64; 2]> = (10..=18)
                .step_by(2)
                .map(|d| [head[0] + dx / n * d as f64, head[1] + dy / n * d as f64])
                .collect();
            let colour = palette::color(i, s.optimizers[i].color);
            let with = export::render_rgba(&req).expect("renders");
            let without = export::render_rgba(&off).expect("renders");
            let hits = |img: &Pixmap| {
                along
                    .iter()
                    .filter(|p| distance_near(img, **p, colour) <= 40)
                    .count()
            };
            assert!(
                hits(&with) >= 4,
                "{key} arrow of {}: colour {colour:?} found at {} of {} points ahead of the head",
                s.optimizers[i].spec.label,
                hits(&with),
                along.len()
            );
            assert!(
                hits(&without) <= 1,
                "{key}: without arrows the colour is not there ({} hits)",
                hits(&without)
            );
            let svg = export::render_svg(&req).expect("svg");
            let class = format!("class=\"arrow-{key}\"");
            let hex = palette::hex(colour);
            assert!(
                svg.lines().any(|l| l.contains(&class) && l.contains(&hex)),
                "{key}: an SVG path of class arrow-{key} in {hex}"
            );
            assert!(!export::render_svg(&off).expect("svg").contains(&class));
        }
    }
}

fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
}

/// The diverging run of "Too low, just right, too high" bounces across the valley floor,
/// each swing 1.5× the last: after about 80 steps its iterates are 10¹⁶ pixels away and
/// rounding alone decides where a line between two of them crosses the view. Drawn, such
/// lines were parallel strokes where no iterate ever was. Every pixel the trail paints lies
/// on its true polyline: its first 60 segments (precise) and, past them, the line the
/// swings run along (through the minimum, along the steep axis, which every later
/// segment follows to within 0.75⁶⁰ of a unit).
#[test]
fn a_diverging_trail_paints_only_on_its_polyline() {
    let s = scene("learning-rates");
    let runs = Runs::compute(&s);
    let mut alone: Vec<Option<Trajectory>> = vec![None; runs.len()];
    alone[2] = runs[2].clone();
    let none: Vec<Option<Trajectory>> = vec![None; runs.len()];
    let style = export::FigureStyle {
        legend: export::LegendPlacement::Hidden,
        ..Default::default()
    };
    let req = FigureRequest {
        style,
        ..FigureRequest::whole(&s, &alone, 800, 600)
    };
    let bare = FigureRequest {
        style,
        ..FigureRequest::whole(&s, &none, 800, 600)
    };
    let img = export::render_rgba(&req).expect("renders");
    let without = export::render_rgba(&bare).expect("renders");
    let proj = export::projection(&req);
    let run = alone[2].as_ref().expect("the run");
    assert!(run.points.len() > 150, "it runs long enough to go far");
    let pts: Vec<[f64; 2]> = run.points[..=61].iter().map(|p| proj.project(*p)).collect();
    let (a, b) = (pts[60], pts[61]);
    // the line through them, as a segment far longer than the image
    let dir = [(b[0] - a[0]), (b[1] - a[1])];
    let len = dir[0].hypot(dir[1]);
    let far = |k: f64| [a[0] + k * 1e5 * dir[0] / len, a[1] + k * 1e5 * dir[1] / len];
    let (l1, l2) = (far(-1.0), far(1.0));
    let marks: Vec<[f64; 2]> = s
        .surface
        .minima()
        .into_iter()
        .chain([s.start])
        .map(|m| proj.project(m))
        .collect();
    let [l, t, w, h] = proj.rect;
    let mut off = Vec::new();
    for y in t as i64 + 1..(t + h) as i64 - 1 {
        for x in l as i64 + 1..(l + w) as i64 - 1 {
            let (Some(p), Some(q)) = (px(&img, x, y), px(&without, x, y)) else {
                continue;
            };
            if (0..3).all(|i| p[i].abs_diff(q[i]) <= 40) {
                continue;
            }
            let c = [x as f64 + 0.5, y as f64 + 0.5];
            if marks
                .iter()
                .any(|m| (c[0] - m[0]).hypot(c[1] - m[1]) < 12.0)
            {
                continue;
            }
            let d = pts
                .windows(2)
                .map(|s| segment_distance(c, s[0], s[1]))
                .fold(segment_distance(c, l1, l2), f64::min);
            if d > 5.0 {
                off.push((x, y, d));
            }
        }
    }
    assert!(
        off.is_empty(),
        "{} pixels painted off the trajectory, e.g. {:?}",
        off.len(),
        &off[..off.len().min(5)]
    );
}

/// Trail points of every run up to the request's step, in pixels.
fn trail_pixels(req: &FigureRequest) -> Vec<[f64; 2]> {
    let proj = export::projection(req);
    req.runs
        .iter()
        .flatten()
        .flat_map(|r| {
            let last = req.step.min(r.last_step());
            r.points[..=last].to_vec()
        })
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .map(|p| proj.project(p))
        .collect()
}

fn with_legend(req: FigureRequest, legend: export::LegendPlacement) -> FigureRequest {
    FigureRequest {
        style: export::FigureStyle {
            legend,
            ..Default::default()
        },
        ..req
    }
}

fn inside(r: [f64; 4], p: [f64; 2]) -> bool {
    p[0] >= r[0] && p[0] <= r[0] + r[2] && p[1] >= r[1] && p[1] <= r[1] + r[3]
}

/// Beside the plot, the legend is outside it; inside (auto), it takes the corner with the
/// fewest trail points: none for these scenes at a projector's 1280 × 720, where the old
/// top-right legend covered the race, the (3, 2) minimum and the start.
#[test]
fn the_legend_covers_no_trail() {
    for name in [
        "rosenbrock-race",
        "all-optimizers",
        "learning-rates",
        "ravine-zigzag",
    ] {
        let s = scene(name);
        let runs = Runs::compute(&s);
        for legend in [
            export::LegendPlacement::Beside,
            export::LegendPlacement::Auto,
        ] {
            let req = with_legend(FigureRequest::whole(&s, &runs, 1280, 720), legend);
            let export::LegendPlaced { rect, lines: texts } = export::legend_box(&req)
                .expect("renders")
                .unwrap_or_else(|| panic!("{name}: a legend"));
            let plot = export::projection(&req).rect;
            for o in s.optimizers.iter().filter(|o| o.enabled) {
                assert!(
                    texts.join(" ").contains(&o.spec.label),
                    "{name}: {} is in the legend: {texts:?}",
                    o.spec.label
                );
            }
            assert!(texts.iter().all(|t| !t.contains('…')), "{name}: {texts:?}");
            let covered = trail_pixels(&req)
                .into_iter()
                .filter(|p| inside(plot, *p) && inside(rect, *p))
                .count();
            assert_eq!(
                covered, 0,
                "{name} {legend:?}: {covered} trail points under {rect:?}"
            );
            if legend == export::LegendPlacement::Beside {
                assert!(
                    rect[0] > plot[0] + plot[2],
                    "{name}: beside, right of the plot {plot:?}: {rect:?}"
                );
            }
        }
    }
}

/// A run that diverges says so whole in the legend, however narrow: "diverged at step k
/// (lr … > 2/λmax = … at the start)" is wrapped, never cut.
#[test]
fn the_divergence_status_is_never_cut() {
    let mut s = scene("learning-rates");
    s.optimizers[2].spec.hyper.lr = 1.0;
    let runs = Runs::compute(&s);
    for (w, h) in [(1280, 720), (1024, 768), (640, 480), (400, 300)] {
        for legend in [
            export::LegendPlacement::Beside,
            export::LegendPlacement::Auto,
        ] {
            let req = with_legend(FigureRequest::whole(&s, &runs, w, h), legend);
            let texts = export::legend_box(&req)
                .expect("renders")
                .expect("a legend")
                .lines;
            let all = texts.join(" ");
            assert!(
                all.contains("diverged at step")
                    && all.contains("2/λmax")
                    && all.contains("at the start)"),
                "{w}×{h} {legend:?}: {texts:?}"
            );
            assert!(texts.iter().all(|t| !t.contains('…')), "{texts:?}");
        }
    }
}

/// Exports follow the theme: a light figure has a white page and dark text, a dark one
/// the opposite; the plot (colour map, trails) is the same in both.
#[test]
fn light_and_dark_figures() {
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    let with = |theme| FigureRequest {
        style: export::FigureStyle {
            theme,
            ..Default::default()
        },
        ..FigureRequest::whole(&s, &runs, 640, 480)
    };
    let dark = export::render_rgba(&with(export::Theme::Dark)).expect("dark");
    let light = export::render_rgba(&with(export::Theme::Light)).expect("light");
    assert_eq!(px(&dark, 2, 2).map(|p| p[0]), Some(27));
    assert_eq!(px(&light, 2, 2).map(|p| p[0]), Some(255));
    let proj = export::projection(&with(export::Theme::Light));
    let [l, t, w, h] = proj.rect;
    let c = ((l + 0.5 * w) as i64, (t + 0.5 * h) as i64);
    assert_eq!(
        px(&dark, c.0, c.1),
        px(&light, c.0, c.1),
        "the plot is the same"
    );
}

/// With a highlighted optimizer its trail is drawn last and at full strength, the others
/// faded.
#[test]
fn a_highlighted_trail_is_on_top_and_the_others_dim() {
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    let req = FigureRequest {
        style: export::FigureStyle {
            highlight: Some(3),
            ..Default::default()
        },
        svg_text: SvgText::Outlines,
        ..FigureRequest::whole(&s, &runs, 800, 600)
    };
    let svg = export::render_svg(&req).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    let trails: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("trail"))
        .collect();
    let last = trails.last().expect("trails");
    assert_eq!(
        last.attribute("data-optimizer"),
        Some(s.optimizers[3].spec.label.as_str())
    );
    assert_eq!(last.attribute("stroke-opacity"), None, "full strength");
    assert!(
        trails[..trails.len() - 1]
            .iter()
            .all(|n| n.attribute("stroke-opacity").is_some()),
        "the others fade"
    );
}

/// A data scene's export has the data panel beside the plot: every example as a circle
/// (held-out ones unfilled) and each optimizer's model as a curve, moving with the step.
#[test]
fn a_data_scene_exports_its_data_panel() {
    let s = scene("train-vs-test");
    let runs = Runs::compute(&s);
    let svg_at = |step: usize| {
        let req = FigureRequest {
            step,
            ..FigureRequest::whole(&s, &runs, 1400, 700)
        };
        export::render_svg(&req).expect("svg")
    };
    let (first, last) = (svg_at(0), svg_at(s.last_step()));
    let doc = roxmltree::Document::parse(&last).expect("parses");
    let of_class = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .collect::<Vec<_>>()
    };
    let examples = of_class("example");
    let d = s.surface.data_surface().expect("data");
    let held_out = d.test_set().map_or(0, |t| t.examples.len());
    // every example within the panel's ranges, which cover them all
    assert_eq!(examples.len(), d.len() + held_out);
    let hollow = examples
        .iter()
        .filter(|n| n.attribute("fill") == Some("none"))
        .count();
    assert_eq!(hollow, held_out, "held-out examples are hollow");
    assert_eq!(of_class("model").len(), s.optimizers.len());
    let model = |svg: &str| {
        let doc = roxmltree::Document::parse(svg).expect("parses");
        doc.descendants()
            .find(|n| n.attribute("class") == Some("model"))
            .and_then(|n| n.attribute("d").map(str::to_string))
    };
    assert_ne!(model(&first), model(&last), "the model moves with the step");
    // a scene without data has no panel
    let plain = scene("plateau");
    let plain_runs = Runs::compute(&plain);
    let svg =
        export::render_svg(&FigureRequest::whole(&plain, &plain_runs, 1400, 700)).expect("svg");
    assert!(!svg.contains("class=\"example\"") && !svg.contains("class=\"model\""));
}

/// A scene with `test_data` draws the held-out loss as dashed contours, with a key line, in
/// every export; the lines are where the test loss has their level. A scene without test
/// data (a data scene or not) has neither.
#[test]
fn test_data_draws_dashed_test_loss_contours_and_their_key() {
    use losscape::figure::items::TEST_LOSS_KEY;
    use losscape::figure::model::SurfaceLayer;
    let svg_of = |s: &Scene| {
        let runs = Runs::compute(s);
        let req = FigureRequest {
            svg_text: SvgText::Text,
            ..FigureRequest::whole(s, &runs, 1000, 700)
        };
        export::render_svg(&req).expect("svg")
    };
    let s = scene("train-vs-test");
    let svg = svg_of(&s);
    let doc = roxmltree::Document::parse(&svg).expect("parses");
    let dashed: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("test-contour"))
        .collect();
    assert!(
        dashed
            .iter()
            .filter(|n| n.attribute("d").is_some_and(|d| d.contains('M')))
            .count()
            >= 3,
        "dashed test-loss contours in view: {}",
        dashed.len()
    );
    assert_eq!(dashed.len(), CONTOUR_LEVELS / 2, "every other level");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(texts.contains(&TEST_LOSS_KEY), "{texts:?}");
    // the same figure as PNG differs where the dashes are
    let runs = Runs::compute(&s);
    let with = export::render_rgba(&FigureRequest::whole(&s, &runs, 500, 350)).expect("png");
    let mut without = s.clone();
    if let Some(d) = without.surface.data_surface() {
        let train = d
            .with_data(d.train_set().clone(), None)
            .expect("the same data");
        without.surface = losscape::engine::Surface::data(train, s.surface.l2());
    }
    let plain = export::render_rgba(&FigureRequest::whole(&without, &runs, 500, 350)).expect("png");
    assert_ne!(with.data(), plain.data());
    assert!(!svg_of(&without).contains("test-contour"));

    // each dashed line lies where the test loss equals its level
    let view = s.view_box();
    let layer = SurfaceLayer::compute(&s.surface, view, [300, 300], 150);
    assert_eq!(layer.test_contours.len(), CONTOUR_LEVELS / 2);
    let test_surface = s.surface.test_surface().expect("a test surface");
    let cell = view.width().max(view.height()) / 150.0;
    let mut checked = 0;
    for level in &layer.test_contours {
        for p in level.lines.iter().flatten() {
            let at = losscape::engine::Vec2::new(p[0], p[1]);
            let test = s.surface.test_value(at).expect("test data");
            assert_eq!(test_surface.value(at), test);
            // a line is traced linearly across a grid cell: within the change over one
            let (_, g) = test_surface.value_grad(at);
            let tol = g.norm() * cell + 0.01 * level.level.abs();
            assert!(
                (test - level.level).abs() <= tol,
                "{at:?}: test loss {test} on the {} line (tolerance {tol})",
                level.level
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} points checked");

    for name in ["batch-minibatch-sgd", "plateau"] {
        let svg = svg_of(&scene(name));
        assert!(!svg.contains("test-contour"), "{name}");
        assert!(!svg.contains(TEST_LOSS_KEY), "{name}");
    }
}

/// A figure of `mode` at `w × h` with the camera at `azimuth`, elevation 30.
fn request_3d<'a>(
    s: &'a Scene,
    runs: &'a [Option<Trajectory>],
    mode: ViewMode,
    azimuth: f64,
) -> FigureRequest<'a> {
    let req = FigureRequest::whole(s, runs, 640, 480).in_mode(mode);
    FigureRequest {
        look: Look {
            camera: Camera {
                azimuth,
                elevation: 30.0,
            },
            ..req.look
        },
        ..req
    }
}

/// How many pixels are within `tol` of colour `c`.
fn count_colour(p: &Pixmap, c: [u8; 3], tol: u8) -> usize {
    p.data()
        .chunks_exact(4)
        .filter(|q| close([q[0], q[1], q[2], q[3]], c, tol))
        .count()
}

#[test]
fn the_3d_png_shows_the_landscape_and_every_trail_and_differs_from_2d() {
    let s = scene("rosenbrock-race");
    let runs = Runs::compute(&s);
    let flat = export::render_rgba(&FigureRequest::whole(&s, &runs, 640, 480)).expect("2d");
    let mut shown = Vec::new();
    for azimuth in [-60.0, 120.0] {
        let req = request_3d(&s, &runs, ViewMode::ThreeD, azimuth);
        let img = export::render_rgba(&req).expect("3d");
        assert_eq!((img.width(), img.height()), (640, 480));
        assert!(img.data().chunks_exact(4).all(|c| c[3] == 255), "opaque");
        assert!(
            distinct_colours(&img) > 500,
            "a shaded surface has many shades"
        );
        // every trail's own colour is painted (trails that run together overlap: at -60°
        // RMSprop's shows in 19 exact pixels, trail and legend swatch together)
        for (i, o) in s.optimizers.iter().enumerate() {
            let c = palette::color(i, o.color);
            let n = count_colour(&img, c, 2);
            assert!(
                n >= 10,
                "azimuth {azimuth}: {} has {n} pixels",
                o.spec.label
            );
        }
        let diffs = max_diff(img.data(), flat.data());
        let changed = diffs
            .chunks_exact(4)
            .filter(|d| d.iter().any(|&x| x > 30))
            .count();
        assert!(
            changed * 4 > diffs.len() / 4,
            "differs from 2D: {changed} pixels"
        );
        shown.push(img);
    }
    // the camera moved: a different picture
    let diffs = max_diff(shown[0].data(), shown[1].data());
    assert!(diffs.iter().filter(|&&x| x > 30).count() > 10_000);
    // side by side: the 2D plot on the left is the 2D figure's picture (the colour map's
    // colours), the 3D view on the right
    let both = export::render_rgba(&request_3d(&s, &runs, ViewMode::Both, -60.0)).expect("both");
    let (left, right): (Vec<usize>, Vec<usize>) = (0..both.height())
        .flat_map(|y| (0..both.width()).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let q = px(&both, i64::from(x), i64::from(y)).unwrap_or([0; 4]);
            let c = palette::color(0, s.optimizers[0].color);
            close(q, c, 2)
        })
        .map(|(x, _)| x as usize)
        .partition(|&x| x < 320);
    assert!(
        left.len() > 20 && right.len() > 20,
        "the first trail on both sides: {} / {}",
        left.len(),
        right.len()
    );
}

#[test]
fn the_3d_svg_has_the_mesh_the_trails_and_their_shadows() {
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    let req = request_3d(&s, &runs, ViewMode::ThreeD, -60.0);
    let svg = export::render_svg(&req).expect("svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("640"));
    assert_eq!(root.attribute("height"), Some("480"));
    let class = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .count()
    };
    let faces = |c: &str| {
        doc.descendants()
            .find(|n| n.attribute("class") == Some(c))
            .map_or(0, |g| g.children().filter(|n| n.is_element()).count())
    };
    assert!(faces("surface") >= 128 * 128, "{} faces", faces("surface"));
    assert!(faces("floor") >= 128 * 128);
    assert_eq!(class("colormap"), 0, "no 2D colour map");
    let enabled = runs.iter().flatten().count();
    assert_eq!(class("trail"), enabled);
    assert_eq!(class("shadow"), enabled);
    // every trail in its own colour
    for (i, o) in s.optimizers.iter().enumerate() {
        let c = palette::color(i, o.color);
        let hex = format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        assert!(
            doc.descendants()
                .any(|n| n.attribute("class") == Some("trail")
                    && n.attribute("stroke") == Some(hex.as_str())),
            "{hex}"
        );
    }
    let flat = export::render_svg(&FigureRequest::whole(&s, &runs, 640, 480)).expect("2d");
    assert!(!flat.contains("class=\"surface\""));
}

#[test]
fn a_3d_gif_plays_the_steps_or_orbits() {
    let s = scene("saddle-escape");
    let runs = Runs::compute(&s);
    let req = FigureRequest {
        width: 320,
        height: 240,
        ..request_3d(&s, &runs, ViewMode::ThreeD, -60.0)
    };
    let opts = GifOptions {
        frames: 4,
        fps: 10.0,
    };
    let steps = decode_gif(&gif_bytes(&req, &opts));
    assert_eq!(steps.size, (320, 240));
    assert_eq!(steps.frames.len(), 4);
    // the last frame is the still picture at the last step
    let still = export::render_rgba(&req).expect("still");
    let diffs = max_diff(&steps.frames[3], still.data());
    let mean = diffs.iter().map(|&x| f64::from(x)).sum::<f64>() / diffs.len() as f64;
    assert!(mean < 4.0, "mean difference {mean:.2}");
    // playing the steps the camera stays: few pixels change between frames; an orbit turns
    // the whole landscape
    let changed = |a: &[u8], b: &[u8]| max_diff(a, b).iter().filter(|&&x| x > 30).count();
    let orbit_req = FigureRequest {
        look: Look {
            orbit: true,
            ..req.look
        },
        ..req
    };
    let orbit = decode_gif(&gif_bytes(&orbit_req, &opts));
    assert_eq!(orbit.frames.len(), 4);
    let still_moves = changed(&steps.frames[2], &steps.frames[3]);
    let orbit_moves = changed(&orbit.frames[2], &orbit.frames[3]);
    assert!(
        orbit_moves > 10 * still_moves.max(100),
        "orbit {orbit_moves}, steps {still_moves}"
    );
    // the trail colours are in the orbit's palette
    let c = palette::color(0, s.optimizers[0].color);
    assert!(
        orbit.frames[1]
            .chunks_exact(4)
            .any(|q| (0..3).all(|i| q[i].abs_diff(c[i]) <= 2))
    );
}

/// The numbers of the `d` attribute of the first SVG line holding all of `marks`.
fn svg_path_numbers(svg: &str, marks: &[&str]) -> Vec<f64> {
    let line = svg
        .lines()
        .find(|l| marks.iter().all(|m| l.contains(m)))
        .unwrap_or_else(|| panic!("an SVG element with {marks:?}"));
    let d = line.split(" d=\"").nth(1).and_then(|r| r.split('"').next());
    d.expect("a d attribute")
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// In the 3D view the arrows leave the head lifted onto the surface, in the optimizer's
/// colour: the gradient arrow's shaft starts where the trail ends, and the PNG has the colour
/// along it only when the scene shows the arrows.
#[test]
fn arrows_in_3d_leave_the_lifted_head() {
    let text = "name = \"arrows\"\nsteps = 30\nstart = [1.5, 1.0]\nshow = [\"gradient\"]\n\n[surface]\nkind = \"quadratic\"\nkappa = 1.0\ntheta = 0.0\n\n[[optimizer]]\nkind = \"momentum\"\nlabel = \"m\"\nlr = 0.05\nmomentum = 0.5\ndampening = 0.0\n";
    let s = losscape::scene::parse(text, "arrows").expect("scene");
    let mut hidden = s.clone();
    hidden.show = losscape::scene::Show::default();
    let runs = Runs::compute(&s);
    // large enough for a shaft of a few pixels
    let req = FigureRequest {
        step: 3,
        ..FigureRequest::whole(&s, &runs, 1280, 960).in_mode(ViewMode::ThreeD)
    };
    let off = FigureRequest {
        scene: &hidden,
        ..req
    };
    let svg = export::render_svg(&req).expect("svg");
    let colour = palette::color(0, s.optimizers[0].color);
    let hex = palette::hex(colour);
    let trail = svg_path_numbers(&svg, &["class=\"trail\"", &hex]);
    let shaft = svg_path_numbers(&svg, &["class=\"arrow-gradient\"", "fill=\"none\""]);
    let head = [trail[trail.len() - 2], trail[trail.len() - 1]];
    assert!(
        (shaft[0] - head[0]).hypot(shaft[1] - head[1]) < 0.5,
        "the shaft {shaft:?} starts at the head {head:?}"
    );
    let (dx, dy) = (shaft[2] - shaft[0], shaft[3] - shaft[1]);
    let n = dx.hypot(dy);
    assert!(n > 20.0, "a readable arrow: {n} px");
    let along: Vec<[f64; 2]> = (10..=18)
        .step_by(2)
        .map(|d| [head[0] + dx / n * d as f64, head[1] + dy / n * d as f64])
        .collect();
    let hits = |img: &Pixmap| {
        along
            .iter()
            .filter(|p| distance_near(img, **p, colour) <= 40)
            .count()
    };
    let with = export::render_rgba(&req).expect("renders");
    let without = export::render_rgba(&off).expect("renders");
    assert!(hits(&with) >= 4, "colour along the arrow: {}", hits(&with));
    assert!(hits(&without) <= 1, "not without: {}", hits(&without));
    assert!(
        !export::render_svg(&off)
            .expect("svg")
            .contains("arrow-gradient")
    );
}
