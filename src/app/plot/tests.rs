//! The window draws the plot the exports draw.

use super::caches::{UNIT, window_overlay};
use super::*;
use crate::export::FigureRequest;
use crate::export::layout::Canvas;
use crate::figure::draw::{Drawn, Ems, Item, PathItem};
use crate::figure::items;

fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
}

/// The farthest any vertex of `a` lies from the lines of `b`.
fn farthest(a: &PathItem, b: &PathItem) -> f64 {
    a.subpaths
        .iter()
        .flatten()
        .map(|&p| {
            b.subpaths
                .iter()
                .flat_map(|line| line.windows(2))
                .map(|s| distance_to_segment(p, s[0], s[1]))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

fn shifted(items: &[Drawn], by: [f64; 2]) -> Vec<Drawn> {
    let mut items = items.to_vec();
    for d in &mut items {
        if let Item::Path(p) = &mut d.item {
            for q in p.subpaths.iter_mut().flatten() {
                *q = [q[0] + by[0], q[1] + by[1]];
            }
        }
    }
    items
}

/// The window and an 800 × 600 PNG (whose size unit is one pixel, as the window's is one
/// point) of the same scene, view and step draw the same plot: the same contours, trails,
/// heads, marks and legend, with the same sizes and colours, in the same places. The
/// window's own route is taken: contours cached relative to the panel and shifted, trails
/// decimated in scale-only pixels and stretched, so they agree within a pixel and the
/// rest exactly.
#[test]
fn the_window_draws_the_plot_the_png_draws() {
    let scene = crate::scene::builtin("rosenbrock-race").expect("builtin");
    let runs = crate::scene::Runs::compute(&scene);
    let step = 1000;
    let req = FigureRequest {
        step,
        style: crate::export::FigureStyle {
            legend: crate::figure::draw::LegendPlacement::Auto,
            ..Default::default()
        },
        ..FigureRequest::whole(&scene, &runs, 800, 600)
    };
    let canvas = Canvas::new(&req).expect("a figure");
    assert_eq!(canvas.layout.u, UNIT);
    assert_eq!(canvas.layout.ems, Ems::at(UNIT));
    // the plot's part of the PNG: its contours and what is drawn over them, without the
    // page around it (axes, title, step counter)
    let in_plot = |d: &Drawn| match &d.item {
        Item::Path(p) => p.class != "axis",
        Item::Text(t) => t.class.starts_with("legend"),
        _ => d.clip,
    };
    let png: Vec<Drawn> = canvas.items(step).into_iter().filter(in_plot).collect();

    let projection = canvas.projection;
    let [left, top, w, h] = projection.rect;
    let local = Projection::new(projection.view, [0.0, 0.0, w, h]);
    let mut window = shifted(
        &items::contours(&canvas.layer.contours, &local, UNIT),
        [left, top],
    );
    let mut view = PlotView::default();
    view.update_trails_of(&runs, 0, 0..runs.len(), projection.pixels_per_unit());
    let figure = Figure::build(&scene, &runs, projection.view, step);
    let overlay = Overlay {
        scale: Some(&canvas.layer.scale),
        ..window_overlay(&projection, 1.0)
    };
    window.extend(view.overlay_items(&overlay, &figure, overlay.legend_box(&figure).as_ref()));

    let classes = |items: &[Drawn]| -> Vec<String> {
        items
            .iter()
            .map(|d| match &d.item {
                Item::Path(p) => p.class.to_string(),
                Item::Rect { class, .. } | Item::Circle { class, .. } => class.to_string(),
                Item::Text(t) => t.class.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(classes(&window), classes(&png));
    assert!(classes(&png).iter().any(|c| c == "trail"));
    assert!(classes(&png).iter().any(|c| c == "legend-label"));
    let (mut trail_vertices, mut png_vertices) = (0, 0);
    for (a, b) in window.iter().zip(&png) {
        match (&a.item, &b.item) {
            (Item::Path(p), Item::Path(q)) if matches!(p.class, "contour" | "trail") => {
                assert_eq!((p.stroke, p.fill, &p.data), (q.stroke, q.fill, &q.data));
                let gap = farthest(p, q).max(farthest(q, p));
                assert!(gap < 1.0, "{} lines {gap} px apart", p.class);
                if p.class == "trail" {
                    trail_vertices += p.subpaths.iter().map(Vec::len).sum::<usize>();
                    png_vertices += q.subpaths.iter().map(Vec::len).sum::<usize>();
                }
            }
            (Item::Path(p), Item::Path(q)) if p.class == "trail-halo" => {
                assert_eq!(p.stroke, q.stroke);
            }
            _ => assert_eq!(a, b),
        }
    }
    // decimated to the same tolerance: about as many points kept
    let ratio = trail_vertices as f64 / png_vertices as f64;
    assert!(
        (0.95..1.05).contains(&ratio),
        "{trail_vertices} vs {png_vertices}"
    );
}

#[test]
fn the_grid_fills_its_area_with_columns_for_its_shape() {
    let (gap, title) = (6.0, 36.0);
    for (n, avail, aspect, want_cols) in [
        // ten square panels in a wide area: a wide grid
        (10, egui::vec2(1200.0, 600.0), 1.0, 5),
        // the same in a tall area: a tall grid
        (10, egui::vec2(600.0, 1200.0), 1.0, 2),
        (4, egui::vec2(1000.0, 700.0), 1.0, 2),
        (1, egui::vec2(800.0, 600.0), 1.0, 1),
    ] {
        let (cols, w, h) = grid_cells(n, avail, aspect, gap, title);
        assert_eq!(cols, want_cols, "{n} panels in {avail:?}");
        let rows = n.div_ceil(cols);
        // the cells take the whole area: no third left empty
        let used_w = cols as f32 * (w + gap);
        let used_h = rows as f32 * (h + title + gap);
        assert!((used_w - avail.x).abs() < 1.0, "{used_w} of {}", avail.x);
        assert!((used_h - avail.y).abs() < 1.0, "{used_h} of {}", avail.y);
    }
}

/// The rows hit scanning the legend from top to bottom.
fn rows_hit(view: &PlotView) -> Vec<usize> {
    let b = view.legend.as_ref().expect("a legend was drawn");
    let [x, y, _, h] = b.rect;
    let mut hits: Vec<usize> = Vec::new();
    for k in 0..(h as usize) {
        let p = egui::pos2(x as f32 + 6.0, (y + k as f64) as f32);
        if let Some(i) = view.legend_hit(p)
            && hits.last() != Some(&i)
        {
            hits.push(i);
        }
    }
    hits
}

fn window(scene: &str) -> egui_kittest::Harness<'static, crate::app::LosscapeApp> {
    let mut app = crate::app::LosscapeApp::new(crate::scene::builtin(scene).expect("builtin"));
    app.session.clock.playing = false;
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .with_max_steps(8)
        .build_ui_state(|ui, app: &mut crate::app::LosscapeApp| app.show(ui), app)
}

/// In the window the legend goes beside the plot (outside its frame) or inside it in the
/// emptiest corner (here, of a lesson whose trails leave one), and a point on a row names
/// that row's optimizer, for a click to highlight it.
#[test]
fn the_window_places_the_legend_and_hits_its_rows() {
    let mut h = window("rosenbrock-race");
    // the window's placement is a setting (the View menu), applied every frame
    h.state_mut().settings.legend = LegendPlacement::Beside.name().to_string();
    h.run();
    let enabled: Vec<usize> = (0..h.state().session.scene.optimizers.len()).collect();
    let frame = *h.state().plot.transform.expect("a plot").frame();
    let b = h.state().plot.legend.clone().expect("a legend");
    assert!(
        b.rect[0] >= f64::from(frame.right()),
        "beside: {:?} right of {frame:?}",
        b.rect
    );
    assert_eq!(rows_hit(&h.state().plot), enabled);

    let mut h = window("learning-rates");
    h.state_mut().settings.legend = LegendPlacement::Auto.name().to_string();
    h.state_mut().plot.style.highlight = Some(1);
    h.run();
    let frame = *h.state().plot.transform.expect("a plot").frame();
    let b = h.state().plot.legend.clone().expect("a legend");
    let inside = |p: [f64; 2]| {
        p[0] >= b.rect[0]
            && p[0] <= b.rect[0] + b.rect[2]
            && p[1] >= b.rect[1]
            && p[1] <= b.rect[1] + b.rect[3]
    };
    assert!(
        frame.contains(egui::pos2(b.rect[0] as f32, b.rect[1] as f32)),
        "inside"
    );
    assert_eq!(rows_hit(&h.state().plot), vec![0, 1, 2]);
    let t = h.state().plot.transform.expect("a plot");
    let covered = h
        .state()
        .session
        .runs
        .iter()
        .flatten()
        .flat_map(|r| r.points.iter())
        .map(|p| t.position_from_point(&egui_plot::PlotPoint::new(p.x, p.y)))
        .filter(|q| frame.contains(*q))
        .filter(|q| inside([f64::from(q.x), f64::from(q.y)]))
        .count();
    assert_eq!(covered, 0, "no trail point under the legend {:?}", b.rect);
    // nothing is hit off the legend
    assert_eq!(h.state().plot.legend_hit(frame.center()), None);
}

/// Himmelblau at 1280×720 shows about 47 points a unit over x in [-9.5, 9.5]: the x axis gets
/// round marks at least a label's width apart (egui_plot's own, by powers of ten, left only 0).
#[test]
fn axis_marks_are_round_and_a_label_apart() {
    let points_per_unit = 47.0;
    let input = egui_plot::GridInput {
        bounds: (-9.5, 9.5),
        base_step_size: 8.0 / points_per_unit,
    };
    let marks = super::axis_marks(input, super::X_LABEL_PX);
    let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
    assert!(values.len() >= 5, "{values:?}");
    assert!(values.contains(&0.0), "{values:?}");
    for m in &marks {
        assert!(
            m.step_size * points_per_unit >= super::X_LABEL_PX,
            "{values:?}"
        );
        assert_eq!(m.value / m.step_size, (m.value / m.step_size).round());
    }
    // labels carry the decimals of their step
    let half = egui_plot::GridMark {
        value: 2.5,
        step_size: 0.5,
    };
    assert_eq!(super::mark_label(half), "2.5");
}
