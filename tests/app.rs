//! The real window's UI driven headless through egui_kittest: sliders dragged, keys pressed,
//! the plot clicked, menus used; assertions on the model the widgets edit.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use losscape::app::LosscapeApp;
use losscape::app::state::Layout;
use losscape::engine::{Status, Vec2};
use losscape::scene;

fn harness_with(scene_name: &str) -> Harness<'static, LosscapeApp> {
    harness_sized(scene_name, 1400.0, 900.0)
}

/// Sets the `nth` learning-rate slider of the controls to `lr`.
fn set_lr(h: &mut Harness<'static, LosscapeApp>, nth: usize, lr: f64) {
    h.get_all_by_role_and_label(Role::Slider, "learning rate")
        .nth(nth)
        .expect("a learning-rate slider")
        .set_value_accesskit(lr);
    h.run();
}

/// A real pointer drag from `from` to `to` in four moves, with `held` modifiers down.
fn drag(
    h: &mut Harness<'static, LosscapeApp>,
    from: egui::Pos2,
    to: egui::Pos2,
    held: egui::Modifiers,
) {
    h.hover_at(from);
    h.run();
    h.event(egui::Event::ModifiersChanged(held));
    h.drag_at(from);
    h.run();
    for k in 1..=4 {
        h.hover_at(from + (to - from) * (k as f32 / 4.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
    h.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    h.run();
}

fn first_point_after_start(app: &LosscapeApp, i: usize) -> Vec2 {
    app.session.runs[i].as_ref().expect("computed").points[1]
}

#[test]
fn dragging_the_learning_rate_slider_changes_the_trajectory() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let before = first_point_after_start(h.state(), 0);
    let lr_before = h.state().session.scene.optimizers[0].spec.hyper.lr;
    let slider = h
        .get_all_by_role_and_label(Role::Slider, "learning rate")
        .next()
        .expect("an lr slider");
    let r = slider.rect();
    let from = egui::pos2(r.left() + r.width() * 0.3, r.center().y);
    let to = egui::pos2(r.left() + r.width() * 0.7, r.center().y);
    drag(&mut h, from, to, egui::Modifiers::NONE);
    let lr_after = h.state().session.scene.optimizers[0].spec.hyper.lr;
    assert!(lr_after > lr_before * 1.5, "lr {lr_before} → {lr_after}");
    let after = first_point_after_start(h.state(), 0);
    assert!(
        (after - before).norm() > 1e-6,
        "the trajectory was recomputed"
    );
}

#[test]
fn space_plays_and_pauses_and_arrows_step() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    assert!(!h.state().session.clock.playing);
    h.key_press(egui::Key::Space);
    h.step();
    assert!(h.state().session.clock.playing);
    h.key_press(egui::Key::Space);
    h.step();
    assert!(!h.state().session.clock.playing);
    let s0 = h.state().session.clock.step;
    h.key_press(egui::Key::ArrowRight);
    h.run();
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().session.clock.step, s0 + 2);
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().session.clock.step, s0 + 1);
    let last = h.state().session.last_step();
    h.state_mut().session.clock.step = last;
    h.key_press(egui::Key::Home);
    h.step();
    assert!(
        h.state().session.clock.step < last / 2,
        "Home goes back to the start"
    );
    assert!(
        h.state().session.clock.playing,
        "Home restarts the animation"
    );
}

#[test]
fn playing_advances_the_step_and_stops_at_the_end() {
    let mut h = harness_with("newton-quadratic");
    h.run();
    h.get_by_role_and_label(Role::Button, "Play").click();
    h.run_steps(8);
    let step = h.state().session.clock.step;
    assert!(step > 0, "the animation advanced");
    h.state_mut().session.clock.speed = 1000.0;
    h.run_steps(40);
    let last = h.state().session.last_step();
    assert_eq!(h.state().session.clock.step, last);
    assert!(!h.state().session.clock.playing);
}

#[test]
fn clicking_the_plot_moves_the_start_and_reruns() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let t = h.state().plot.transform.expect("the plot was drawn");
    let target = egui_plot::PlotPoint::new(-1.0, 0.5);
    let p = t.position_from_point(&target);
    click(&mut h, p);
    let start = h.state().session.scene.start;
    assert!(
        (start - Vec2::new(-1.0, 0.5)).norm() < 0.02,
        "start moved to {start}"
    );
    let run = h.state().session.runs[0].as_ref().expect("computed");
    assert_eq!(
        run.points[0], start,
        "trajectories restart from the new start"
    );
}

#[test]
fn disabling_an_optimizer_removes_its_trajectory() {
    let mut h = harness_with("momentum-ravine");
    h.run();
    let label = h.state().session.scene.optimizers[0].spec.label.clone();
    assert!(h.state().session.runs[0].is_some());
    h.get_by_role_and_label(Role::CheckBox, &label).click();
    h.run();
    assert!(!h.state().session.scene.optimizers[0].enabled);
    assert!(h.state().session.runs[0].is_none());
    assert!(h.state().session.runs[1].is_some(), "the others still run");
}

#[test]
fn switching_the_surface_reruns_on_the_new_one() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Surface").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Himmelblau").click();
    h.run();
    let s = &h.state().session;
    assert_eq!(
        s.scene.surface.kind(),
        losscape::engine::SurfaceKind::Himmelblau
    );
    let run = s.runs[0].as_ref().expect("computed");
    assert_eq!(run.points[0], s.scene.start);
    assert_eq!(run.losses[0], s.scene.surface.value(s.scene.start));
}

#[test]
fn the_lessons_menu_loads_a_builtin_scene() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    h.get_by_label("Lessons").click();
    h.run();
    h.get_by_label("Landscapes").click();
    h.run();
    let title = scene::builtin("saddle-escape").expect("builtin").name;
    h.get_by_label_contains(&title).click();
    h.step();
    h.step();
    assert_eq!(h.state().session.scene.name, title);
    assert!(h.state().session.clock.playing, "a lesson starts playing");
}

#[test]
fn a_high_learning_rate_shows_diverged_at_step_k() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    set_lr(&mut h, 0, 1.0);
    h.state_mut().session.clock.step = h.state().session.last_step();
    h.run();
    let status = h.state().session.runs[0].as_ref().expect("computed").status;
    let Status::Diverged { step } = status else {
        panic!("expected divergence, got {status}")
    };
    // where it left the view, and where its numbers overflowed
    let wanted = format!("overflowed at step {step}");
    let node = h.get_by_label_contains(&wanted);
    let text = node.value().unwrap_or_default();
    let left = losscape::figure::model::left_view(
        &h.state().session.scene,
        h.state().session.runs[0].as_ref().expect("computed"),
    )
    .expect("it left the view");
    assert!(left < step as usize);
    assert!(
        text.contains(&format!("diverged at step {left} (left the view)")),
        "{text}"
    );
    assert!(
        text.contains("2/λmax"),
        "the hint names the stable bound: {text}"
    );
}

#[test]
fn overlay_and_grid_layouts_switch() {
    let mut h = harness_with("rosenbrock-race");
    h.run();
    h.get_by_role_and_label(Role::Button, "Grid").click();
    h.run();
    assert_eq!(h.state().session.layout, Layout::Grid);
    // each panel titles its optimizer
    let label = h.state().session.scene.optimizers[3].spec.label.clone();
    assert!(
        h.query_all_by_label(&label).count() >= 2,
        "a panel title besides the side panel"
    );
    h.key_press(egui::Key::G);
    h.run();
    assert_eq!(h.state().session.layout, Layout::Overlay);
}

#[test]
fn adding_duplicating_and_removing_optimizers() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let n = h.state().session.scene.optimizers.len();
    h.get_by_label("Add optimizer").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Lion").click();
    h.run();
    assert_eq!(h.state().session.scene.optimizers.len(), n + 1);
    assert!(h.state().session.runs[n].is_some());
    h.get_all_by_role_and_label(Role::Button, "Duplicate")
        .next()
        .expect("duplicate")
        .click();
    h.run();
    let s = &h.state().session.scene;
    assert_eq!(s.optimizers.len(), n + 2);
    assert_ne!(
        s.optimizers[0].spec.label, s.optimizers[1].spec.label,
        "copies get their own label"
    );
    h.get_all_by_role_and_label(Role::Button, "Remove")
        .next()
        .expect("remove")
        .click();
    h.run();
    assert_eq!(h.state().session.scene.optimizers.len(), n + 1);
}

#[test]
fn kappa_slider_reruns_and_extreme_values_do_not_panic() {
    let mut h = harness_with("conditioning");
    h.run();
    h.get_by_role_and_label(Role::Slider, "kappa")
        .set_value_accesskit(1000.0);
    h.run();
    assert_eq!(h.state().session.scene.surface.param("kappa"), Some(1000.0));
    for lr in [1e-5, 10.0] {
        set_lr(&mut h, 0, lr);
    }
    h.key_press(egui::Key::End);
    h.run();
}

#[test]
fn saving_to_an_unwritable_path_reports_and_keeps_the_scene() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let before = h.state().session.scene.clone();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    let field = h.get_by_role_and_label(Role::TextInput, "path");
    field.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "path")
        .set_text_value_accesskit("/no/such/dir/x.toml");
    h.run();
    h.get_by_role_and_label(Role::Button, "Save").click();
    h.run();
    let notice = h.state().session.notice.clone().expect("an error is shown");
    assert!(notice.contains("/no/such/dir/x.toml"), "{notice}");
    assert_eq!(h.state().session.scene, before, "nothing lost");
}

#[test]
fn save_then_open_round_trips_a_scene_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("mine.toml");
    let mut h = harness_with("adam-defaults");
    h.run();
    h.state_mut().session.scene.seed = 7;
    let ctx = h.ctx.clone();
    h.state_mut()
        .file_chosen(&ctx, losscape::app::files::FileAction::SaveScene, &path);
    let saved = h.state().session.scene.clone();
    assert!(h.state().toast_text().is_some_and(|t| t.contains("Saved")));
    h.state_mut().open("builtin:plateau");
    assert_ne!(h.state().session.scene, saved);
    h.state_mut()
        .file_chosen(&ctx, losscape::app::files::FileAction::OpenScene, &path);
    assert_eq!(h.state().session.scene, saved);
    h.step();
}

#[test]
fn a_broken_scene_file_is_reported_and_the_current_scene_kept() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "steps = 10\n[surface]\nkind = \"nope\"\n").expect("write");
    let mut h = harness_with("plateau");
    h.run();
    let before = h.state().session.scene.clone();
    h.state_mut().open(&path.display().to_string());
    h.run();
    assert_eq!(h.state().session.scene, before);
    let notice = h.state().session.notice.clone().expect("a message");
    assert!(
        notice.contains("bad.toml:3:") && notice.contains("nope"),
        "{notice}"
    );
    h.get_by_role_and_label(Role::Button, "OK").click();
    h.run();
    assert!(h.state().session.notice.is_none());
}

/// Waits (a few seconds at most) for a background export to finish.
fn finish_job(h: &mut Harness<'static, LosscapeApp>) {
    for _ in 0..600 {
        if h.state().job.is_none() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    panic!("the export did not finish");
}

#[test]
fn exporting_a_figure_writes_a_png_of_the_chosen_size() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("figure.png");
    let mut h = harness_with("saddle-escape");
    h.run();
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::E,
    );
    h.run();
    h.get_by_label("1280 × 720").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Export...").click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "path")
        .set_text_value_accesskit(path.to_str().expect("utf-8"));
    h.run();
    h.get_by_role_and_label(Role::Button, "Save").click();
    h.step();
    finish_job(&mut h);
    let png = tiny_skia::Pixmap::load_png(&path).expect("a PNG was written");
    assert_eq!((png.width(), png.height()), (1280, 720));
    assert!(
        h.state()
            .toast_text()
            .is_some_and(|t| t.contains("figure.png"))
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn a_cancelled_animation_leaves_no_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("anim.gif");
    let mut h = harness_with("rosenbrock-race");
    h.run();
    h.state_mut().export.frames = 2000;
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        &ctx,
        losscape::app::files::FileAction::ExportAnimation,
        &path,
    );
    assert!(h.state().job.is_some(), "runs in the background");
    // a new window measures itself on its first frame and shows on the next
    h.step();
    h.step();
    assert_eq!(h.state().session.notice, None);
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.step();
    finish_job(&mut h);
    let notice = h.state().session.notice.clone().unwrap_or_default();
    assert!(notice.contains("cancelled"), "{notice}");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "no file, no temporary file"
    );
}

#[test]
fn an_animation_export_writes_a_gif() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("anim.gif");
    let mut h = harness_with("newton-quadratic");
    h.run();
    {
        let s = h.state_mut();
        s.export.frames = 6;
        s.export.width = 160;
        s.export.height = 120;
    }
    let ctx = h.ctx.clone();
    h.state_mut().file_chosen(
        &ctx,
        losscape::app::files::FileAction::ExportAnimation,
        &path,
    );
    finish_job(&mut h);
    let bytes = std::fs::read(&path).expect("written");
    assert!(bytes.starts_with(b"GIF89a"));
}

#[test]
fn a_screenshot_is_cropped_to_the_plot_and_saved() {
    let dir = tempfile::tempdir().expect("tmp");
    let pictures = dir.path().to_path_buf();
    let mut h = harness_with("plateau");
    h.state_mut().screenshot_dir = Some(pictures.clone());
    h.run();
    let area = h.state().plot.area.expect("the plot area is known");
    // the picture holds the title and the step beside the plot
    let title = h.state().session.scene.title().to_string();
    assert!(
        area.contains_rect(h.get_by_label(&title).rect()),
        "{area:?}"
    );
    let step = h.get_by_label_contains("step 0 of").rect();
    assert!(area.contains_rect(step), "{step:?} in {area:?}");
    assert!(area.contains_rect(plot_frame(&h)));
    let image = egui::ColorImage::filled([1400, 900], egui::Color32::from_rgb(10, 200, 30));
    let ctx = h.ctx.clone();
    h.state_mut().screenshot_arrived(&ctx, &image);
    let saved: Vec<_> = std::fs::read_dir(&pictures)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(saved.len(), 1);
    let png = tiny_skia::Pixmap::load_png(&saved[0]).expect("a PNG");
    assert_eq!(png.width(), area.width().round() as u32);
    assert_eq!(png.height(), area.height().round() as u32);
    assert!(
        h.state()
            .toast_text()
            .is_some_and(|t| t.contains("Screenshot saved"))
    );
}

#[test]
fn the_share_link_reopens_the_same_scene() {
    let mut h = harness_with("saddle-escape");
    h.run();
    h.state_mut().session.scene.seed = 11;
    h.state_mut().session.scene.start = Vec2::new(-1.25, 0.0);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Share link").click();
    h.run();
    h.run();
    h.get_by_role_and_label(Role::Button, "Copy link").click();
    h.run();
    assert!(h.state().toast_text().is_some_and(|t| t.contains("copied")));
    let link = h.state().share_link();
    assert!(
        link.starts_with(losscape::app::LOCAL_SITE) && link.contains("#scene="),
        "{link}"
    );
    let reopened = scene::Scene::load(&link).expect("the link opens");
    assert_eq!(reopened, h.state().session.scene);
}

#[test]
fn the_file_menu_offers_every_export() {
    let mut h = harness_with("plateau");
    h.run();
    h.get_by_label("File").click();
    h.run();
    for item in [
        "Screenshot of the plot",
        "Export figure (PNG, SVG)...",
        "Export trajectories...",
        "Share link...",
    ] {
        assert!(
            h.query_by_label_contains(item).is_some(),
            "{item} missing from the File menu"
        );
    }
    h.get_by_label_contains("Export animation (GIF)...").click();
    h.run();
    h.run();
    assert_eq!(
        h.state().export_dialog,
        Some(losscape::app::ExportDialog::Animation)
    );
    assert!(h.query_all_by_label_contains("frames per second").count() >= 1);
}

#[test]
fn menus_open_in_the_grid_layout_too() {
    let mut h = harness_with("rosenbrock-race");
    h.run();
    h.key_press(egui::Key::G);
    h.run();
    assert_eq!(h.state().session.layout, Layout::Grid);
    h.get_by_label("File").click();
    h.run();
    assert!(
        h.query_by_label_contains("Open scene").is_some(),
        "the File menu opened"
    );
}

#[test]
fn the_wheel_zooms_the_plot_about_the_pointer() {
    let mut h = harness_with("rosenbrock-race");
    h.state_mut().session.clock.step = h.state().session.last_step();
    h.run();
    let before = h.state().plot.visible.expect("the plot was drawn");
    let t = h.state().plot.transform.expect("the plot was drawn");
    let anchor = egui_plot::PlotPoint::new(0.5, 1.0);
    let p = t.position_from_point(&anchor);
    h.hover_at(p);
    h.run();
    for _ in 0..3 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, 50.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    let after = h.state().plot.visible.expect("the plot was drawn");
    let (w0, w1) = (before.x[1] - before.x[0], after.x[1] - after.x[0]);
    assert!(w1 < 0.8 * w0, "wheel up zooms in: width {w0} -> {w1}");
    // the point under the pointer stays under it
    let t = h.state().plot.transform.expect("the plot was drawn");
    let q = t.value_from_position(p);
    let tol = 0.02 * w1;
    assert!(
        (q.x - anchor.x).abs() < tol && (q.y - anchor.y).abs() < tol,
        "{q:?} drifted from {anchor:?}"
    );
    // the start did not move: the wheel is not a click
    assert_eq!(h.state().session.scene.start, Vec2::new(-1.5, 2.0));
    // wheel down zooms back out
    for _ in 0..6 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -50.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    let out = h.state().plot.visible.expect("the plot was drawn");
    assert!(out.x[1] - out.x[0] > w0, "wheel down zooms out");
}

/// Picks "Your formula" in the surface menu.
fn pick_your_formula(h: &mut Harness<'static, LosscapeApp>) {
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Surface").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Your formula")
        .click();
    h.run();
}

/// Selects all of the formula box's text and types `text` over it.
fn replace_formula(h: &mut Harness<'static, LosscapeApp>, text: &str) {
    h.get_by_role_and_label(Role::MultilineTextInput, "f(x, y) =")
        .focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "f(x, y) =")
        .type_text(text);
    h.run();
}

#[test]
fn typing_a_formula_changes_the_plot_and_a_mistake_keeps_the_last_good_one() {
    let mut h = harness_with("ravine-zigzag");
    pick_your_formula(&mut h);
    let starter = h.state().session.scene.surface.clone();
    assert!(
        starter.typed_surface().is_some(),
        "the formula surface is picked"
    );
    assert_eq!(h.state().plot.shown_surface(), Some(&starter));

    replace_formula(&mut h, "k = 3\nx^2 + k*y^2 + sin(4*x)");
    let typed = h.state().session.scene.surface.clone();
    let formula = typed.typed_surface().expect("still a formula").formula();
    assert_eq!(formula.source(), "k = 3\nx^2 + k*y^2 + sin(4*x)");
    assert_eq!(formula.constant("k"), Some(3.0));
    assert_eq!(
        h.state().plot.shown_surface(),
        Some(&typed),
        "the colour map follows"
    );
    assert!(h.state().session.runs[0].is_some(), "the optimizers re-ran");
    let w = losscape::engine::Vec2::new(0.5, 0.5);
    assert_eq!(typed.value(w), 0.25 + 0.75 + 2f64.sin());
    assert!(
        h.query_by_role_and_label(Role::Slider, "k").is_some(),
        "the constant has a slider"
    );

    h.get_by_role_and_label(Role::MultilineTextInput, "f(x, y) =")
        .type_text(" + (");
    h.run();
    assert_eq!(
        h.state().session.scene.surface,
        typed,
        "a mistake keeps the last good surface"
    );
    assert!(
        h.query_by_label_contains("expected a number, x, y, a name or `(` at line 2, column 27")
            .is_some(),
        "the mistake is explained with its position"
    );
}

#[test]
fn moving_a_constants_slider_rewrites_its_line_in_the_formula() {
    let mut h = harness_with("ravine-zigzag");
    h.state_mut().settings.show_info = true;
    pick_your_formula(&mut h);
    let box_text = |h: &Harness<'static, LosscapeApp>| {
        h.get_by_role_and_label(Role::MultilineTextInput, "f(x, y) =")
            .value()
            .unwrap_or_default()
    };
    let source = |h: &Harness<'static, LosscapeApp>| {
        let s = &h.state().session.scene.surface;
        s.typed_surface()
            .expect("a formula")
            .formula()
            .source()
            .to_string()
    };
    replace_formula(&mut h, "k = 3  # steepness\nx^2 + k*y^2");

    h.get_by_role_and_label(Role::Slider, "k")
        .set_value_accesskit(5.8);
    h.run();
    let wanted = "k = 5.8  # steepness\nx^2 + k*y^2";
    assert_eq!(box_text(&h), wanted, "the box says the slider's value");
    assert_eq!(source(&h), wanted);
    assert!(
        h.query_by_label(wanted).is_some(),
        "the Info panel says it too"
    );
    let surface = h.state().session.scene.surface.clone();
    assert_eq!(surface.value(Vec2::new(0.0, 1.0)), 5.8);
    let saved = h.state().session.scene.to_toml();
    let back = scene::parse(&saved, "saved.toml").expect("the saved scene reads back");
    assert_eq!(back.surface, surface, "{saved}");
    assert!(saved.contains("k = 5.8"), "{saved}");

    // dragging: the text follows whatever value the slider lands on
    let slider = h.get_by_role_and_label(Role::Slider, "k");
    let r = slider.rect();
    let (from, to) = (
        egui::pos2(r.left() + r.width() * 0.5, r.center().y),
        egui::pos2(r.left() + r.width() * 0.8, r.center().y),
    );
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
    let k = h
        .state()
        .session
        .scene
        .surface
        .typed_surface()
        .expect("a formula")
        .formula()
        .constant("k")
        .expect("k");
    assert!(k != 5.8, "the drag moved k");
    let text = box_text(&h);
    assert_eq!(text, source(&h));
    let typed = losscape::engine::formula::Formula::parse(&text).expect("the box parses");
    assert_eq!(typed.constant("k"), Some(k), "{text}");

    // with a mistake being fixed in the box, the slider still works and the edit stays
    h.get_by_role_and_label(Role::MultilineTextInput, "f(x, y) =")
        .type_text(" + (");
    h.run();
    let broken = box_text(&h);
    assert!(broken.ends_with(" + ("), "{broken}");
    h.get_by_role_and_label(Role::Slider, "k")
        .set_value_accesskit(2.0);
    h.run();
    assert_eq!(box_text(&h), broken, "the half-typed edit is kept");
    assert_eq!(source(&h), "k = 2  # steepness\nx^2 + k*y^2");
}

fn harness_sized(scene_name: &str, w: f32, h: f32) -> Harness<'static, LosscapeApp> {
    let mut app = LosscapeApp::new(scene::builtin(scene_name).expect("builtin"));
    app.session.clock.playing = false;
    app.files.prompt_only = true;
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .with_max_steps(12)
        .with_context_setup(losscape::app::setup_fonts)
        .build_ui_state(|ui, app: &mut LosscapeApp| app.show(ui), app)
}

/// Every text painted in the last frame with its font size in points.
fn painted_texts(h: &Harness<'static, LosscapeApp>) -> Vec<(String, f32)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, f32)>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => {
                let job = &t.galley.job;
                let size = job
                    .sections
                    .iter()
                    .map(|s| s.format.font_id.size)
                    .fold(f32::INFINITY, f32::min);
                out.push((job.text.clone(), size));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

/// The surface plot's data area on screen.
fn plot_frame(h: &Harness<'static, LosscapeApp>) -> egui::Rect {
    *h.state()
        .plot
        .transform
        .expect("the plot was drawn")
        .frame()
}

#[test]
fn presentation_mode_gives_the_figure_the_window_and_the_key_returns() {
    let (w, ht) = (1280.0, 720.0);
    let mut h = harness_sized("rosenbrock-race", w, ht);
    h.run();
    assert!(!h.state().settings.presentation);
    h.key_press(egui::Key::P);
    h.run();
    assert!(h.state().settings.presentation);
    assert!(
        h.query_by_label("File").is_none(),
        "the menu bar is hidden too"
    );
    assert!(
        h.query_by_role_and_label(Role::ComboBox, "Surface")
            .is_none(),
        "no controls panel"
    );
    let frame = plot_frame(&h);
    let share = frame.area() / (w * ht);
    assert!(
        share >= 0.70,
        "the plot is {share:.2} of the window: {frame:?}"
    );
    let texts = painted_texts(&h);
    let size_of = |text: &str| {
        texts
            .iter()
            .filter(|(t, _)| t == text)
            .map(|(_, s)| *s)
            .fold(0.0f32, f32::max)
    };
    let title = h.state().session.scene.title().to_string();
    assert!(size_of(&title) >= 28.0, "title at {}", size_of(&title));
    let label = h.state().session.scene.optimizers[0].spec.label.clone();
    assert!(size_of(&label) >= 18.0, "legend at {}", size_of(&label));
    // tick labels: the numbers painted on the plot's axes
    let ticks: Vec<f32> = texts
        .iter()
        .filter(|(t, _)| t.trim().replace('−', "-").parse::<f64>().is_ok())
        .map(|(_, s)| *s)
        .collect();
    assert!(ticks.len() >= 4, "{texts:?}");
    assert!(ticks.iter().all(|&s| s >= 16.0), "tick labels at {ticks:?}");
    assert!(
        h.query_by_role_and_label(Role::Button, "Play").is_some(),
        "the transport bar stays"
    );
    assert!(
        h.query_by_label("step 0 of 1000").is_some(),
        "the step after the claim, for screenshots"
    );
    h.key_press(egui::Key::P);
    h.run();
    assert!(!h.state().settings.presentation);
    assert!(h.query_by_label("File").is_some(), "the menus are back");
}

/// A storage in memory, as eframe's on disk.
#[derive(Default)]
struct Memory(std::collections::HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn presentation_mode_and_panels_are_remembered_across_restarts() {
    let mut h = harness_sized("saddle-escape", 1280.0, 720.0);
    h.run();
    h.key_press(egui::Key::P);
    h.run();
    h.key_press(egui::Key::H);
    h.run();
    let mut storage = Memory::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let settings = eframe::get_value::<losscape::app::Settings>(&storage, eframe::APP_KEY);
    let app = LosscapeApp::restore(None, settings);
    assert!(app.settings.presentation);
    assert!(!app.settings.hover);
    assert_eq!(app.session.scene.name, h.state().session.scene.name);
}

#[test]
fn the_normal_layout_fits_a_projector() {
    let (w, ht) = (1280.0, 720.0);
    let mut h = harness_sized("rosenbrock-race", w, ht);
    h.run();
    let frame = plot_frame(&h);
    let share = frame.area() / (w * ht);
    assert!(
        share >= 0.40,
        "the plot is {share:.2} of the window: {frame:?}"
    );
    // and it stays put: no panel creeps wider frame after frame
    h.run_steps(3);
    assert_eq!(plot_frame(&h), frame);
    let loss = h.state().loss_frame().expect("the loss panel is shown");
    assert!(
        frame.area() > loss.area(),
        "the plot {frame:?} is larger than the loss panel {loss:?}"
    );

    let (w, ht) = (1024.0, 768.0);
    let mut h = harness_sized("rosenbrock-race", w, ht);
    h.run();
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w, ht));
    for (role, label) in [
        (Role::Button, "Play"),
        (Role::Button, "Restart"),
        (Role::Button, "File"),
        (Role::Button, "Lessons"),
    ] {
        let r = h.get_by_role_and_label(role, label).rect();
        assert!(window.contains_rect(r), "{label} at {r:?} is clipped");
    }
    let frame = plot_frame(&h);
    assert!(window.contains_rect(frame), "plot at {frame:?}");
    assert!(frame.height() > 250.0 && frame.width() > 300.0, "{frame:?}");
}

#[test]
fn the_controls_panel_is_resized_by_dragging_its_edge() {
    let mut h = harness_sized("rosenbrock-race", 1280.0, 720.0);
    h.run();
    // drags the panel's edge (where the central panel starts, inside its margin) by `dx`
    let drag_edge = |h: &mut Harness<'static, LosscapeApp>, dx: f32| {
        let area = h.state().plot.area.expect("drawn");
        let edge = egui::pos2(area.min.x - 8.0, area.center().y);
        drag(h, edge, edge + egui::vec2(dx, 0.0), egui::Modifiers::NONE);
        plot_frame(h).width()
    };
    let before = plot_frame(&h).width();
    let wider_panel = drag_edge(&mut h, 120.0);
    assert!(
        (before - wider_panel - 120.0).abs() < 4.0,
        "the plot gave the panel 120 points: {before} → {wider_panel}"
    );
    let narrower = drag_edge(&mut h, -150.0);
    assert!(
        narrower > before + 20.0,
        "and the panel narrower than it opened: {before} → {narrower}"
    );
}

#[test]
fn each_side_panel_has_a_key() {
    let mut h = harness_sized("rosenbrock-race", 1280.0, 720.0);
    h.run();
    let controls = |h: &Harness<'static, LosscapeApp>| {
        h.query_by_role_and_label(Role::ComboBox, "Surface")
            .is_some()
    };
    assert!(controls(&h));
    let wide = plot_frame(&h).width();
    h.key_press(egui::Key::C);
    h.run();
    assert!(!h.state().settings.show_controls);
    assert!(!controls(&h), "controls hidden");
    assert!(
        plot_frame(&h).width() > wide + 150.0,
        "the plot took the room"
    );
    h.key_press(egui::Key::C);
    h.key_press(egui::Key::U);
    h.key_press(egui::Key::L);
    h.run();
    let s = &h.state().settings;
    assert!(s.show_controls && s.show_info && !s.show_loss);
    assert!(h.state().loss_frame().is_none());
}

#[test]
fn an_automatic_label_follows_a_dragged_learning_rate_and_a_typed_one_is_kept() {
    let mut h = harness_with("ravine-zigzag");
    h.state_mut().settings.show_info = true;
    h.run();
    assert_eq!(
        h.state().session.scene.optimizers[1].spec.label,
        "GD lr=0.02"
    );
    h.state_mut().session.selected = 1;
    set_lr(&mut h, 1, 0.01);
    h.run();
    let label = h.state().session.scene.optimizers[1].spec.label.clone();
    assert_eq!(label, "GD lr=0.01");
    // the controls, the info header and the legend on the plot all say it
    assert!(
        h.query_all_by_label("GD lr=0.01").count() >= 2,
        "controls and info"
    );
    assert!(
        painted_texts(&h).iter().any(|(t, _)| t == "GD lr=0.01"),
        "the legend"
    );
    // a label the user typed stays as typed
    let field = h.get_all_by_role_and_label(Role::TextInput, "label").nth(1);
    let field = field.expect("the label field");
    field.focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all_by_role_and_label(Role::TextInput, "label")
        .nth(1)
        .expect("the label field")
        .type_text("slow GD");
    h.run();
    assert_eq!(h.state().session.scene.optimizers[1].spec.label, "slow GD");
    set_lr(&mut h, 1, 0.03);
    let o = &h.state().session.scene.optimizers[1];
    assert_eq!(o.spec.hyper.lr, 0.03);
    assert_eq!(o.spec.label, "slow GD");
}

#[test]
fn the_loss_panel_fits_the_runs_that_did_not_diverge() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    set_lr(&mut h, 0, 1.0);
    h.run();
    let s = &h.state().session;
    let diverged = s.runs[0].as_ref().expect("computed");
    assert!(matches!(diverged.status, Status::Diverged { .. }));
    let calm = s.runs[1].as_ref().expect("computed");
    let loss = h.state().loss_curves();
    let floor = loss.floor;
    // the lowest and highest log10(loss − floor) of a run's finite losses
    let span = |t: &losscape::engine::Trajectory| {
        t.losses
            .iter()
            .filter(|l| l.is_finite())
            .map(|l| (l - floor).max(1e-16).log10())
            .fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)))
    };
    let [lo, hi] = loss.range.expect("a range");
    let (calm_lo, calm_hi) = span(calm);
    assert!(
        lo <= calm_lo && hi >= calm_hi,
        "[{lo}, {hi}] holds the calm run"
    );
    let (_, wild_hi) = span(diverged);
    assert!(
        hi < calm_hi + 1.0 && wild_hi > hi + 10.0,
        "the range [{lo}, {hi}] ignores the diverged run (up to {wild_hi})"
    );
    let [_, shown_hi] = loss.shown_y.expect("the panel was drawn");
    assert!(
        (shown_hi - hi).abs() < 0.5,
        "the panel shows up to {shown_hi}, the fit is {hi}"
    );
    assert_eq!(loss.diverging, vec![true, false]);
}

#[test]
fn shift_arrows_move_ten_steps() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let s0 = h.state().session.clock.step;
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().session.clock.step, s0 + 10);
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().session.clock.step, s0 + 10);
    h.key_press(egui::Key::ArrowRight);
    h.run();
    assert_eq!(h.state().session.clock.step, s0 + 11);
}

#[test]
fn h_hides_the_hover_read_out() {
    let mut h = harness_with("ravine-zigzag");
    h.run();
    let p = plot_frame(&h).center();
    h.hover_at(p);
    h.run();
    assert!(h.state().plot.hover.is_some(), "read-out under the pointer");
    h.key_press(egui::Key::H);
    h.run();
    h.hover_at(p + egui::vec2(3.0, 0.0));
    h.run();
    assert!(!h.state().settings.hover);
    assert!(h.state().plot.hover.is_none(), "no read-out");
    h.key_press(egui::Key::H);
    h.run();
    // and never while a dialog is open
    h.key_press(egui::Key::F1);
    h.run();
    h.hover_at(p);
    h.run();
    assert!(h.state().plot.hover.is_none(), "not over the help window");
}

#[test]
fn copy_figure_puts_an_image_of_the_export_size_on_the_clipboard() {
    let mut h = harness_with("saddle-escape");
    h.state_mut().export.width = 320;
    h.state_mut().export.height = 200;
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::C);
    h.step();
    assert!(h.state().clipboard_job.is_some(), "rendering");
    let mut copied = None;
    for _ in 0..600 {
        copied = h
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyImage(image) => Some(image.clone()),
                _ => None,
            });
        if copied.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.step();
    }
    let image = copied.expect("an image was copied");
    assert_eq!(image.size, [320, 200]);
    // a figure, not a blank: the colour map has many colours
    let mut colours: Vec<[u8; 4]> = image.pixels.iter().map(|p| p.to_array()).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 50, "{} colours", colours.len());
    assert!(h.state().toast_text().is_some_and(|t| t.contains("copied")));
    // the copy event of the desktop and the browser does the same
    h.event(egui::Event::Copy);
    h.step();
    assert!(h.state().clipboard_job.is_some(), "Ctrl+C as a copy event");
}

/// Picks `item` in the menu `menu`.
fn pick(h: &mut Harness<'static, LosscapeApp>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run();
    h.get_by_label(item).click();
    h.run();
    h.run();
}

/// A point on optimizer `i`'s row of the legend as drawn in the last frame.
fn legend_row(h: &Harness<'static, LosscapeApp>, i: usize) -> egui::Pos2 {
    let plot = &h.state().plot;
    let b = plot.legend.as_ref().expect("a legend was drawn");
    let [x, y, w, ht] = b.rect;
    (0..400)
        .map(|k| egui::pos2((x + 0.5 * w) as f32, (y + ht * f64::from(k) / 400.0) as f32))
        .find(|&p| plot.legend_hit(p) == Some(i))
        .expect("the optimizer has a row")
}

/// A press and release of the primary button at `p`, as a user clicks.
fn click(h: &mut Harness<'static, LosscapeApp>, p: egui::Pos2) {
    h.hover_at(p);
    h.run();
    h.drag_at(p);
    h.run();
    h.drop_at(p);
    h.run();
}

#[test]
fn clicking_a_legend_entry_highlights_that_optimizer_and_again_clears_it() {
    for placement in ["beside", "auto"] {
        let mut h = harness_with("rosenbrock-race");
        h.state_mut().settings.legend = placement.to_string();
        h.state_mut().session.clock.step = 40;
        h.run();
        let start = h.state().session.scene.start;
        let p = legend_row(&h, 3);
        click(&mut h, p);
        assert_eq!(h.state().plot.style.highlight, Some(3), "{placement}");
        assert_eq!(
            h.state().session.scene.start,
            start,
            "not a click on the plot"
        );
        // the figure exported now is highlighted too
        assert_eq!(h.state().snapshot().style.highlight, Some(3));
        let p = legend_row(&h, 5);
        click(&mut h, p);
        assert_eq!(h.state().plot.style.highlight, Some(5), "{placement}");
        click(&mut h, p);
        assert_eq!(h.state().plot.style.highlight, None, "{placement}: cleared");
        assert_eq!(h.state().session.scene.start, start);
    }
}

#[test]
fn the_view_menu_moves_and_hides_the_legend() {
    let mut h = harness_with("rosenbrock-race");
    h.run();
    pick(&mut h, "View", "Beside the plot");
    assert!(h.state().plot.legend.is_some());
    let beside = plot_frame(&h).width();
    pick(&mut h, "View", "Hidden");
    assert_eq!(h.state().settings.legend, "hidden");
    assert!(h.state().plot.legend.is_none(), "no legend drawn");
    assert!(
        plot_frame(&h).width() > beside + 100.0,
        "its column went to the plot"
    );
    pick(&mut h, "View", "In a corner");
    let b = h.state().plot.legend.clone().expect("drawn in the plot");
    let f = plot_frame(&h);
    assert!(
        f.contains(egui::pos2(b.rect[0] as f32 + 1.0, b.rect[1] as f32 + 1.0)),
        "inside the plot"
    );
}

/// Drags the first β₁ slider by `dx` points from its knob's place, Shift held or not, and
/// returns β₁ after.
fn drag_beta1(dx: f32, shift: bool) -> f64 {
    let mut h = harness_with("adam-defaults");
    h.run();
    assert_eq!(h.state().session.scene.optimizers[0].spec.hyper.beta1, 0.9);
    let r = h
        .get_all_by_role_and_label(Role::Slider, "β₁")
        .next()
        .expect("a β₁ slider")
        .rect();
    // the rail's coordinate is −log₁₀(1 − β₁), 0 to 4: 0.9 sits a quarter along (between
    // the knob's radius at either end)
    let radius = r.height() / 2.5;
    let from = egui::pos2(
        r.left() + radius + 0.25 * (r.width() - 2.0 * radius),
        r.center().y,
    );
    let held = if shift {
        egui::Modifiers::SHIFT
    } else {
        egui::Modifiers::NONE
    };
    drag(&mut h, from, from + egui::vec2(dx, 0.0), held);
    h.state().session.scene.optimizers[0].spec.hyper.beta1
}

#[test]
fn a_67_point_drag_does_not_throw_beta1_to_its_end_and_shift_is_finer() {
    let plain = drag_beta1(67.0, false);
    assert!(plain > 0.9 && plain < 0.999, "β₁ 0.9 → {plain}");
    let fine = drag_beta1(67.0, true);
    assert!(fine > 0.9 && fine < 0.95, "Shift-drag: β₁ 0.9 → {fine}");
    // and back down as finely
    let down = drag_beta1(-67.0, true);
    assert!(
        down < 0.9 && down > 0.85,
        "Shift-drag down: β₁ 0.9 → {down}"
    );
}

/// The overlays toggle from the View menu and by their shortcuts; the step inspector (I) shows,
/// for the selected optimizer at the step shown (←/→, the scrubber), exactly the engine's
/// state before and after the update, the gradient it was given and its effective rate.
#[test]
fn the_inspector_shows_the_engines_state_at_the_step() {
    use losscape::app::inside::number;
    use losscape::engine::optim::Value;
    let mut h = harness_with("adagrad-rate");
    h.run();
    for (item, key) in [("Gradient field", "field"), ("Arrows: −∇f", "gradient")] {
        let before = h.state().session.scene.show.get(key);
        if h.query_all_by_label_contains(item).next().is_none() {
            h.get_by_label("View").click();
            h.run();
        }
        h.get_by_label_contains(item).click();
        h.run();
        assert_ne!(h.state().session.scene.show.get(key), before, "{item}");
    }
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::F);
    h.run();
    assert!(
        !h.state().session.scene.show.field,
        "Shift+F toggles it back"
    );
    assert!(h.state().session.scene.show.gradient);
    // select the second optimizer (RMSprop), open the inspector, step three times
    // the controls are taller than the window now (sliders under their names): scroll first
    h.get_all_by_label("Info")
        .nth(1)
        .expect("two optimizers")
        .scroll_to_me();
    h.run();
    h.get_all_by_label("Info")
        .nth(1)
        .expect("two optimizers")
        .click();
    h.run();
    assert_eq!(h.state().session.selected, 1);
    h.key_press(egui::Key::I);
    h.run();
    assert!(h.state().inspector.open);
    for _ in 0..3 {
        h.key_press(egui::Key::ArrowRight);
        h.run();
    }
    let check = |h: &Harness<'static, LosscapeApp>, k: usize| {
        let app = h.state();
        assert_eq!(app.session.clock.step, k);
        let spec = &app.session.scene.optimizers[1].spec;
        let rows = losscape::engine::records(&app.session.scene.problem(), spec, k - 1, k);
        let (before, after) = (rows[0], rows[1]);
        let update = after.update.expect("an update");
        let mut shown = vec![update.g.x, update.g.y, update.lr];
        shown.extend(update.insight.rate.map(|r| [r.x, r.y]).unwrap_or_default());
        assert!(!after.state.is_empty());
        for (name, v) in after.state.iter().chain(before.state.iter()) {
            match v {
                Value::Pair(p) => shown.extend([p.x, p.y]),
                Value::Scalar(s) => shown.push(s),
            }
            assert!(
                h.query_all_by_label_contains(name).next().is_some(),
                "{name} listed"
            );
        }
        for v in shown {
            assert!(
                h.query_all_by_label(&number(v)).next().is_some(),
                "step {k}: the engine's {} is not in the inspector",
                number(v)
            );
        }
    };
    check(&h, 3);
    // the scrubber moves it too
    h.state_mut().session.clock.step = 57;
    h.run();
    check(&h, 57);
    h.get_by_label("Narrate").click();
    // it plays: the window keeps repainting
    h.run_steps(3);
    assert!(h.state().inspector.narrate && h.state().session.clock.playing);
    assert_eq!(h.state().session.clock.speed, 1.0);
    assert!(h.query_by_label_contains("changed most").is_some());
}

/// Opens the map window from the View menu and waits for the whole map.
fn open_map(h: &mut Harness<'static, LosscapeApp>) {
    h.run();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label_contains("Map of many runs").click();
    h.run();
    assert!(h.state().map.open, "the View menu opens the map window");
    h.state_mut().map.finish();
    h.run();
}

/// Clicks the map's cell `(i, j)`.
fn click_cell(h: &mut Harness<'static, LosscapeApp>, i: usize, j: usize) {
    let p = h.state().map.cell_pos(i, j).expect("the map was drawn");
    click(h, p);
}

#[test]
fn opening_a_basin_map_and_clicking_a_pixel_sets_the_start() {
    let mut h = harness_with("all-optimizers");
    open_map(&mut h);
    let map = h.state().map.map.as_ref().expect("a map");
    assert!(map.is_complete());
    let expected = map.spec.start(100, 30);
    click_cell(&mut h, 100, 30);
    let start = h.state().session.scene.start;
    assert_eq!(start, expected, "the pixel's start became the scene's");
    let run = h.state().session.runs[0].as_ref().expect("computed");
    assert_eq!(run.points[0], start, "the optimizers re-ran from it");
    // the map's cells do not depend on the start: it is not recomputed
    assert!(h.state().map.map.as_ref().expect("a map").is_complete());
}

#[test]
fn clicking_a_sweep_cell_loads_its_hyperparameters() {
    let mut h = harness_with("momentum-ravine");
    h.state_mut().map.kind = losscape::scene::map::MapChoice::Sweep;
    h.state_mut().map.optimizer = 1;
    open_map(&mut h);
    let map = h.state().map.map.as_ref().expect("a map");
    assert!(map.is_complete());
    let want = map.spec.hyper(20, 90);
    click_cell(&mut h, 20, 90);
    let got = h.state().session.scene.optimizers[1].spec.hyper;
    assert_eq!((got.lr, got.momentum), (want.lr, want.momentum));
    assert_ne!(got.lr, 0.038, "the learning rate changed");
    let run = h.state().session.runs[1].as_ref().expect("computed");
    let mut spec = h.state().session.scene.optimizers[1].spec.clone();
    spec.hyper = want;
    let alone = losscape::engine::run(&h.state().session.scene.problem(), &[spec]);
    assert_eq!(
        run.points, alone[0].points,
        "the optimizer re-ran with them"
    );
}

/// Every shape painted in the last frame, groups flattened.
fn painted_shapes(h: &Harness<'static, LosscapeApp>) -> Vec<egui::Shape> {
    fn walk(shape: &egui::Shape, out: &mut Vec<egui::Shape>) {
        match shape {
            egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, out)),
            s => out.push(s.clone()),
        }
    }
    let mut out = Vec::new();
    for c in &h.output().shapes {
        walk(&c.shape, &mut out);
    }
    out
}

/// The map window's lr × momentum sweep of momentum-ravine's momentum optimizer, complete,
/// at 1024 × 768.
fn open_sweep() -> Harness<'static, LosscapeApp> {
    let mut h = harness_sized("momentum-ravine", 1024.0, 768.0);
    open_map(&mut h);
    // the first optimizer is GD, with one knob: a sweep moves on to the momentum optimizer
    h.get_by_label("Sweep").click();
    h.run();
    assert_eq!(h.state().map.optimizer, 1);
    h.state_mut().map.finish();
    h.run();
    h
}

fn sweep_axes(
    h: &Harness<'static, LosscapeApp>,
) -> (losscape::engine::map::Axis, losscape::engine::map::Axis) {
    let map = h.state().map.map.as_ref().expect("a map");
    match map.spec.kind {
        losscape::engine::map::MapKind::Sweep { x, y } => (x, y),
        _ => panic!("a sweep"),
    }
}

#[test]
fn a_sweep_range_edited_in_the_window_restarts_it_and_a_bad_one_says_why() {
    let mut h = open_sweep();
    let (x, _) = sweep_axes(&h);
    assert_eq!(x.knob.info().key, "lr");
    assert!(x.range[0] < 0.005 && x.range[1] > 0.05, "{:?}", x.range);
    h.get_by_role_and_label(Role::SpinButton, "x from")
        .set_value_accesskit(0.005);
    h.run();
    h.state_mut().map.finish();
    h.run();
    let (x, _) = sweep_axes(&h);
    assert_eq!(
        x.range[0], 0.005,
        "the map was made again over the new range"
    );
    let map = h.state().map.map.as_ref().expect("a map");
    assert!(map.is_complete());
    assert!((map.spec.hyper(0, 0).lr - x.at(0.5 / 128.0)).abs() < 1e-12);
    // a low end above the high end: one sentence instead of a map
    let high = x.range[1];
    h.get_by_role_and_label(Role::SpinButton, "x from")
        .set_value_accesskit(2.0 * high);
    h.run();
    h.run();
    assert!(h.state().map.map.is_none(), "no map for an invalid range");
    let error = h.state().map.error.clone().expect("an error");
    assert!(
        error.starts_with("Cannot sweep x: the range") && error.contains("low < high"),
        "{error}"
    );
    assert!(h.query_by_label_contains("low < high").is_some(), "{error}");
    // GD has a single knob to sweep: said in the window's words, not the command line's
    h.state_mut().map.optimizer = 0;
    h.run();
    let error = h.state().map.error.clone().expect("an error");
    assert!(
        error.ends_with("to sweep: a sweep needs two: map another optimizer.")
            && !error.contains("--"),
        "{error}"
    );
    h.state_mut().map.optimizer = 1;
    h.run();
    // the size of the map is a choice too
    h.get_by_role_and_label(Role::SpinButton, "x from")
        .set_value_accesskit(0.005);
    h.run();
    h.state_mut().map.size = 64;
    h.run();
    h.state_mut().map.finish();
    h.run();
    let map = h.state().map.map.as_ref().expect("a map");
    assert_eq!(map.spec.size, [64, 64]);
}

#[test]
fn the_sweep_window_paints_the_bound_and_the_setting_follows_the_slider() {
    let mut h = open_sweep();
    let rect = h.state().map.rect.expect("the map was drawn");
    let spec = h.state().map.map.as_ref().expect("a map").spec.clone();
    let bound = &losscape::figure::map::stability_bounds(&spec)[0];
    let want_x = rect.left() + bound.points[0][0] as f32 * rect.width();
    assert!(
        rect.x_range().contains(want_x),
        "2/λmax is inside the sweep"
    );
    // the white line of 2/λmax from the top of the map to its bottom
    let white = egui::Color32::WHITE;
    let line = painted_shapes(&h).into_iter().any(|s| match s {
        egui::Shape::Path(p) => {
            p.stroke.color == egui::epaint::ColorMode::Solid(white)
                && p.points.len() == 2
                && p.points.iter().all(|q| (q.x - want_x).abs() < 0.5)
                && (p.points[0].y - p.points[1].y).abs() > 0.99 * rect.height()
        }
        _ => false,
    });
    assert!(line, "the bound is painted over the cells at x = {want_x}");
    let texts = painted_texts(&h);
    assert!(
        texts.iter().any(|(t, _)| t.starts_with("2/λmax = ")),
        "its label"
    );
    // the axes carry the knob's values: decades on the lr axis
    assert!(texts.iter().any(|(t, _)| t == "0.01"), "{texts:?}");
    assert!(texts.iter().any(|(t, _)| t == "learning rate"), "{texts:?}");
    // the current setting's ring moves with the slider, and the map is not made again
    // the window paints over the plot (whose start ring looks the same): its last ring
    let ring_at = |h: &Harness<'static, LosscapeApp>| {
        painted_shapes(h)
            .into_iter()
            .filter_map(|s| match s {
                egui::Shape::Circle(c)
                    if c.radius == 7.0 && c.stroke.color == white && rect.contains(c.center) =>
                {
                    Some(c.center)
                }
                _ => None,
            })
            .last()
    };
    let (x, _) = sweep_axes(&h);
    let before = ring_at(&h).expect("the current setting is marked");
    let expected = rect.left() + x.fraction(0.038) as f32 * rect.width();
    assert!((before.x - expected).abs() < 0.5, "{before:?} {expected}");
    set_lr(&mut h, 1, 0.01);
    h.run();
    let after = ring_at(&h).expect("still marked");
    let expected = rect.left() + x.fraction(0.01) as f32 * rect.width();
    assert!((after.x - expected).abs() < 0.5, "{after:?} {expected}");
    assert!(h.state().map.map.as_ref().expect("a map").is_complete());
}

#[test]
fn the_basin_window_paints_minima_start_axes_and_legend() {
    let mut h = harness_sized("all-optimizers", 1024.0, 768.0);
    open_map(&mut h);
    let texts = painted_texts(&h);
    let map = h.state().map.map.as_ref().expect("a map");
    let minima = map.judge().minima.len();
    assert!(minima >= 2);
    for k in 1..=minima {
        let label = format!("minimum {k} (");
        assert!(
            texts.iter().any(|(t, _)| t.starts_with(&label)),
            "the legend names {label}: {texts:?}"
        );
    }
    assert!(texts.iter().any(|(t, _)| t == "diverges"), "{texts:?}");
    assert!(texts.iter().any(|(t, _)| t.ends_with("% of runs")));
    // readable at 1024 × 768: ticks at 11.5 points and more
    let ticks: Vec<_> = texts
        .iter()
        .filter(|(t, _)| t.parse::<f64>().is_ok())
        .collect();
    assert!(ticks.len() >= 6, "{ticks:?}");
    assert!(ticks.iter().all(|(_, size)| *size >= 11.0), "{ticks:?}");
    // the start ring sits where the scene's start projects
    let rect = h.state().map.rect.expect("drawn");
    let losscape::engine::map::MapKind::Basin { view } = map.spec.kind else {
        panic!("a basin map")
    };
    let start = h.state().session.scene.start;
    let want = egui::pos2(
        rect.left() + ((start.x - view.x[0]) / view.width()) as f32 * rect.width(),
        rect.top() + ((view.y[1] - start.y) / view.height()) as f32 * rect.height(),
    );
    let ring = painted_shapes(&h).into_iter().any(|s| {
        matches!(s, egui::Shape::Circle(c) if c.radius == 7.0 && (c.center - want).length() < 0.5)
    });
    assert!(ring, "the start is marked at {want:?}");
}

/// Each optimizer's `batch_size` in the app's scene.
fn batch_sizes(app: &LosscapeApp) -> Vec<Option<usize>> {
    let optimizers = &app.session.scene.optimizers;
    optimizers.iter().map(|o| o.spec.batch_size).collect()
}

/// The training examples of the app's scene.
fn examples(app: &LosscapeApp) -> Vec<[f64; 2]> {
    losscape::app::data_panel::examples(&app.session.scene.surface)
        .expect("a data surface")
        .to_vec()
}

#[test]
fn dragging_a_data_point_moves_it_and_every_trajectory_follows() {
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    let before = examples(h.state());
    let run_before = first_point_after_start(h.state(), 0);
    let from = h
        .state()
        .data_panel
        .screen_pos(before[19])
        .expect("the panel is shown");
    let to = from + egui::vec2(0.0, 60.0);
    drag(&mut h, from, to, egui::Modifiers::NONE);
    let after = examples(h.state());
    assert_eq!(after.len(), before.len());
    assert!(
        after[19][1] < before[19][1] - 0.5,
        "{:?} → {:?}",
        before[19],
        after[19]
    );
    assert_eq!(after[..19], before[..19], "only the dragged example moves");
    let run_after = first_point_after_start(h.state(), 0);
    assert!(
        (run_after - run_before).norm() > 1e-9,
        "the trajectories were recomputed"
    );
    let shown = h.state().plot.shown_surface().expect("a colour map");
    assert_eq!(
        shown,
        &h.state().session.scene.surface,
        "the colour map follows"
    );
}

#[test]
fn clicking_empty_space_in_the_data_panel_adds_an_example() {
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    let before = examples(h.state());
    // far below the examples near a = 3.5 (their targets are about 8)
    let at = h
        .state()
        .data_panel
        .screen_pos([3.5, 1.0])
        .expect("the panel is shown");
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
    let after = examples(h.state());
    assert_eq!(after.len(), before.len() + 1, "one example added");
    let added = after[after.len() - 1];
    assert!(
        (added[0] - 3.5).abs() < 0.1 && (added[1] - 1.0).abs() < 0.2,
        "{added:?}"
    );
}

#[test]
fn the_batch_size_slider_sets_b_and_can_set_it_for_all() {
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    h.state_mut().data_panel.same_batch = true;
    let slider = h
        .get_all_by_role_and_label(Role::Slider, "B · SGD, B = 1")
        .next()
        .expect("a batch-size slider");
    slider.set_value_accesskit(4.0);
    h.run();
    let b = batch_sizes(h.state());
    assert_eq!(b, [Some(4); 3], "same batch size for all");
}

#[test]
fn data_saves_as_csv_and_opens_back_and_a_bad_csv_keeps_the_data() {
    use losscape::app::files::FileAction;
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("points.csv");
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    let ctx = h.ctx.clone();
    let before = examples(h.state());
    h.state_mut().file_chosen(&ctx, FileAction::SaveData, &path);
    assert!(h.state().toast_text().is_some_and(|t| t.contains("Saved")));
    std::fs::write(&path, "a,b\n1,2\n2,3\n3,5\n").expect("write");
    h.state_mut().file_chosen(&ctx, FileAction::OpenData, &path);
    assert_eq!(
        examples(h.state()),
        vec![[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]]
    );
    assert!(
        h.state().session.runs.iter().all(Option::is_some),
        "re-run on the new data"
    );
    // the batch sizes above the new n were clamped to it
    let b = batch_sizes(h.state());
    assert_eq!(b, [Some(3), Some(3), Some(1)]);
    std::fs::write(&path, "1,2\n2,oops\n").expect("write");
    let kept = h.state().session.scene.clone();
    h.state_mut().file_chosen(&ctx, FileAction::OpenData, &path);
    let notice = h.state().session.notice.clone().expect("an error is shown");
    assert!(
        notice.contains("points.csv:2:3") && notice.contains("`oops`"),
        "{notice}"
    );
    assert_eq!(h.state().session.scene, kept, "nothing lost");
    assert_ne!(before.len(), 3);
    h.step();
}

/// A file dropped on the window, as the desktop backend hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Drops the file at `path` on the window and runs the frame that takes it.
fn drop_file(h: &mut Harness<'static, LosscapeApp>, path: &std::path::Path) {
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path.to_path_buf())));
    // one frame takes the drop (a scene opened may play, so no waiting to settle)
    h.step();
}

#[test]
fn dropped_files_open_csv_as_data_and_toml_as_a_scene_and_a_bad_csv_keeps_the_data() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    // while a file hovers, a hint says what dropping does
    h.input_mut()
        .hovered_files
        .push(egui::HoveredFile::default());
    // egui repaints while a file hovers, so step rather than wait to settle
    h.run_steps(2);
    assert!(
        painted_texts(&h)
            .iter()
            .any(|(t, _)| t.contains("a .csv to replace the data")),
        "the drop hint is shown"
    );
    h.input_mut().hovered_files.clear();
    h.run_steps(2);
    assert!(
        !painted_texts(&h)
            .iter()
            .any(|(t, _)| t.contains("a .csv to replace the data"))
    );

    let csv = dir.path().join("dropped.csv");
    std::fs::write(&csv, "a,b\n1,2\n2,3\n3,5\n").expect("write");
    drop_file(&mut h, &csv);
    assert_eq!(
        examples(h.state()),
        vec![[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]]
    );
    assert!(h.state().session.runs.iter().all(Option::is_some));

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "1,2\nx,3\n").expect("write");
    let kept = h.state().session.scene.clone();
    drop_file(&mut h, &bad);
    let notice = h.state().session.notice.clone().expect("an error is shown");
    assert!(notice.contains("bad.csv:2:1"), "{notice}");
    assert_eq!(h.state().session.scene, kept, "nothing lost");
    h.state_mut().session.notice = None;

    let other = dir.path().join("picture.png");
    std::fs::write(&other, "not a scene").expect("write");
    drop_file(&mut h, &other);
    let notice = h.state().session.notice.clone().expect("a message");
    assert!(
        notice.contains("picture.png") && notice.contains(".toml") && !notice.contains('\n'),
        "{notice}"
    );
    assert_eq!(h.state().session.scene, kept);
    h.state_mut().session.notice = None;

    let plateau = scene::Scene::load("builtin:plateau").expect("builtin");
    let toml = dir.path().join("dropped.toml");
    std::fs::write(&toml, plateau.to_toml()).expect("write");
    drop_file(&mut h, &toml);
    let opened = scene::Scene::load(&toml.display().to_string()).expect("the file opens");
    assert_eq!(h.state().session.scene, opened, "the dropped scene opened");
    assert_eq!(opened.surface, plateau.surface);
    assert!(h.state().session.notice.is_none());

    // a CSV on a scene without data changes nothing
    drop_file(&mut h, &csv);
    assert!(
        h.state()
            .session
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("dropped.csv") && n.contains("data surface")),
        "{:?}",
        h.state().session.notice
    );
    assert_eq!(h.state().session.scene, opened);
}

#[test]
fn the_loss_panel_draws_each_optimizers_test_loss_dashed_with_a_key() {
    let key = losscape::figure::items::TEST_LOSS_KEY;
    let mut h = harness_with("train-vs-test");
    h.run();
    let app = h.state();
    let floor = app.loss_curves().floor;
    let surface = &app.session.scene.surface;
    for (i, run) in app.session.runs.iter().enumerate() {
        let Some(run) = run else { continue };
        let curve = app.loss_curves().test_curve(i).expect("a test-loss curve");
        assert!(curve.len() >= 2);
        assert_eq!(curve[0][0], 0.0);
        assert_eq!(curve[curve.len() - 1][0], run.last_step() as f64);
        for p in curve {
            let test = surface
                .test_value(run.points[p[0] as usize])
                .expect("test data");
            assert!(
                (p[1] - (test - floor).max(1e-16).log10()).abs() < 1e-9,
                "optimizer {i} at step {}",
                p[0]
            );
        }
        // the test loss is not the training loss
        let last = run.points[run.last_step()];
        assert!((surface.test_value(last).expect("test") - surface.value(last)).abs() > 1e-6);
    }
    // one key under the plot's dashed contours, one in the loss panel
    assert_eq!(
        painted_texts(&h).iter().filter(|(t, _)| t == key).count(),
        2,
        "the plot's key and the loss panel's"
    );

    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    assert!(h.state().loss_curves().test_curve(0).is_none());
    assert!(!painted_texts(&h).iter().any(|(t, _)| t == key));
}

#[test]
fn minibatch_contours_follow_the_selected_optimizers_batch_step_by_step() {
    let mut h = harness_with("batch-minibatch-sgd");
    h.run();
    // the batch surface is the landscape each update descends: GD's step is its gradient
    let scene = h.state().session.scene.clone();
    let problem = scene.problem();
    let spec = &scene.optimizers[1].spec;
    let run = h.state().session.runs[1].clone().expect("computed");
    for t in [1_usize, 2, 7, 40] {
        let batch = problem.batch_surface(spec, t as u64).expect("B = 5 of 20");
        let (_, g) = batch.value_grad(run.points[t - 1]);
        let step = run.points[t - 1] - g * spec.hyper.lr;
        assert!((step - run.points[t]).norm() < 1e-12, "update {t}");
    }
    assert!(
        problem
            .batch_surface(&scene.optimizers[0].spec, 1)
            .is_none(),
        "B = n"
    );

    assert!(
        h.state().plot.minibatch_contours().is_empty(),
        "off by default"
    );
    h.state_mut().plot.show_minibatch = true;
    h.state_mut().session.selected = 1;
    h.state_mut().session.clock.step = 5;
    h.run();
    let at5 = h.state().plot.minibatch_contours().to_vec();
    assert!(at5.len() >= 3, "{} levels drawn", at5.len());
    h.state_mut().session.clock.step = 6;
    h.run();
    let at6 = h.state().plot.minibatch_contours().to_vec();
    assert!(!at6.is_empty());
    assert_ne!(at5, at6, "a new minibatch, a new landscape");
    // the full-batch optimizer has no landscape of its own
    h.state_mut().session.selected = 0;
    h.run();
    assert!(h.state().plot.minibatch_contours().is_empty());
    h.state_mut().plot.show_minibatch = false;
    h.state_mut().session.selected = 1;
    h.run();
    assert!(h.state().plot.minibatch_contours().is_empty());
}

#[test]
fn view_keys_switch_2d_3d_and_both_and_a_drag_orbits_within_bounds() {
    use losscape::figure::landscape::ViewMode;
    let mut h = harness_with("rosenbrock-race");
    h.run();
    assert_eq!(h.state().plot.view3d.mode, ViewMode::TwoD);
    for (key, mode) in [
        (egui::Key::Num3, ViewMode::ThreeD),
        (egui::Key::B, ViewMode::Both),
        (egui::Key::Num2, ViewMode::TwoD),
        (egui::Key::Num3, ViewMode::ThreeD),
    ] {
        h.key_press(key);
        h.run();
        assert_eq!(h.state().plot.view3d.mode, mode, "{key:?}");
    }
    let rect = h.state().plot.view3d.rect.expect("the 3D view is shown");
    let before = h.state().plot.view3d.camera;
    // hovering the surface reads it out, as in 2D
    h.hover_at(rect.center());
    h.run();
    assert!(
        h.state().plot.hover.is_some(),
        "the surface under the pointer"
    );
    // drag right and up: the camera turns and rises, a long drag stops at the top
    let from = rect.center();
    h.drag_at(from);
    h.run();
    for k in 1..=6 {
        h.hover_at(from + egui::vec2(20.0 * k as f32, -60.0 * k as f32));
        h.run();
    }
    h.drop_at(from + egui::vec2(120.0, -360.0));
    h.run();
    let after = h.state().plot.view3d.camera;
    assert!(after.azimuth != before.azimuth, "{before:?} → {after:?}");
    assert!((-180.0..=180.0).contains(&after.azimuth));
    assert_eq!(after.elevation, 90.0, "stopped at the top: {after:?}");
    // and down past the floor: stops at 0
    let from = rect.center();
    h.drag_at(from);
    h.run();
    for k in 1..=6 {
        h.hover_at(from + egui::vec2(0.0, 80.0 * k as f32));
        h.run();
    }
    h.drop_at(from + egui::vec2(0.0, 480.0));
    h.run();
    assert_eq!(h.state().plot.view3d.camera.elevation, 0.0);
    // the wheel zooms within bounds
    h.hover_at(rect.center());
    h.run();
    for _ in 0..40 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, 120.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    let zoom = h.state().plot.view3d.zoom;
    assert_eq!(
        zoom,
        losscape::figure::orbit::ZOOM_RANGE[1],
        "stops at the bound"
    );
    h.hover_at(rect.center());
    h.run();
    // Reset view puts the scene's camera back (as a double-click on the 3D view does)
    h.state_mut().plot.reset_view = true;
    h.run();
    let reset = h.state().plot.view3d.camera;
    assert_eq!(reset, losscape::scene::Camera::default());
    assert_eq!(h.state().plot.view3d.zoom, 1.0);
}

#[test]
fn the_animation_plays_in_3d_and_in_the_grid_layout() {
    use losscape::figure::landscape::ViewMode;
    let mut h = harness_with("rosenbrock-race");
    h.run();
    h.key_press(egui::Key::Num3);
    h.run();
    h.key_press(egui::Key::G);
    h.run();
    assert_eq!(h.state().session.layout, Layout::Grid);
    assert_eq!(h.state().plot.view3d.mode, ViewMode::ThreeD);
    // Home restarts and plays from step 0
    h.key_press(egui::Key::Home);
    h.step();
    assert!(h.state().session.clock.playing);
    let s0 = h.state().session.clock.step;
    for _ in 0..10 {
        h.step();
    }
    assert!(h.state().session.clock.playing);
    assert!(h.state().session.clock.step > s0, "the steps advance in 3D");
    h.key_press(egui::Key::Space);
    h.step();
    // the export follows the window's view
    let snap = h.state().snapshot();
    assert_eq!(snap.mode, ViewMode::ThreeD);
    assert_eq!(snap.look.camera, h.state().plot.view3d.camera);
}

/// Himmelblau with GD and momentum only, in the grid layout, basin maps on (Shift+B) and
/// computed to the end.
fn himmelblau_basins() -> Harness<'static, LosscapeApp> {
    let mut scene = scene::builtin("different-minima").expect("builtin");
    scene.surface = losscape::engine::Surface::new(losscape::engine::SurfaceKind::Himmelblau);
    scene.start = Vec2::new(0.0, 0.0);
    scene.optimizers.truncate(2);
    scene.optimizers[0].spec.hyper.lr = 0.01;
    scene.optimizers[1].spec.hyper.lr = 0.01;
    scene.optimizers[1].spec.hyper.momentum = 0.9;
    let mut app = LosscapeApp::new(scene);
    app.session.clock.playing = false;
    app.session.layout = Layout::Grid;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 720.0))
        .with_max_steps(12)
        .with_context_setup(losscape::app::setup_fonts)
        .build_ui_state(|ui, app: &mut LosscapeApp| app.show(ui), app);
    h.run();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::B);
    h.run();
    assert!(h.state().plot.basins.on, "Shift+B turns the basin maps on");
    // the first maps cover the view before the panels were laid out; they follow the
    // panels' own once the view has held still
    let ctx = h.ctx.clone();
    for _ in 0..10 {
        h.state_mut().plot.basins.finish(&ctx);
        h.run();
        if !h.state().plot.basins.is_computing() {
            return h;
        }
    }
    panic!("the basin maps keep restarting");
}

/// Where grid panel `k` draws the parameter point `p`.
fn panel_pos(h: &Harness<'static, LosscapeApp>, k: usize, p: Vec2) -> egui::Pos2 {
    let (_, t) = h.state().plot.panels[k];
    t.position_from_point(&egui_plot::PlotPoint::new(p.x, p.y))
}

#[test]
fn basin_maps_in_the_grid_give_each_panel_its_own_map_read_on_hover_and_clicked_to_start() {
    use losscape::engine::map::Outcome;
    let mut h = himmelblau_basins();
    let plot = &h.state().plot;
    assert_eq!(plot.panels.len(), 2);
    let maps: Vec<_> = (0..2)
        .map(|i| plot.basins.map_of(i).expect("each panel has a map"))
        .collect();
    for (k, map) in maps.iter().enumerate() {
        assert!(map.is_complete());
        assert_eq!(
            map.spec.optimizer,
            h.state().session.scene.optimizers[k].spec
        );
        // the map covers the panel's view (a little beyond), not the scene's default one
        let (_, t) = plot.panels[k];
        let b = t.bounds();
        let losscape::engine::map::MapKind::Basin { view } = map.spec.kind else {
            panic!("a basin map")
        };
        for (axis, (lo, hi)) in [
            (view.x, (b.min()[0], b.max()[0])),
            (view.y, (b.min()[1], b.max()[1])),
        ] {
            assert!(axis[0] <= lo && hi <= axis[1], "{axis:?} covers {lo}..{hi}");
            assert!(
                axis[1] - axis[0] <= 2.0 * (hi - lo),
                "{axis:?} is not far beyond {lo}..{hi}"
            );
        }
    }
    // momentum redraws GD's basins: the maps differ somewhere
    assert_ne!(maps[0].cells(), maps[1].cells());
    // each minimum's own pixel takes its own hue on both maps
    let steps = h.state().session.scene.steps;
    for map in &maps {
        let minima = &map.judge().minima;
        assert_eq!(minima.len(), 4);
        for (m, at) in minima.iter().enumerate() {
            let (i, j) = map.spec.pixel_of(*at).expect("the minimum is in view");
            let cell = map.cell(i, j);
            assert!(
                matches!(cell.outcome, Outcome::Converged { minimum, .. } if usize::from(minimum) == m),
                "{}: minimum {m}'s pixel {:?}",
                map.spec.optimizer.label,
                cell.outcome
            );
            let rgb = losscape::figure::map::basin_color(&cell, steps);
            let hue = losscape::figure::map::MINIMA[m];
            // the hue, darkened by the steps taken: every channel scaled alike
            let scale = f64::from(rgb.iter().map(|&c| u32::from(c)).sum::<u32>())
                / f64::from(hue.iter().map(|&c| u32::from(c)).sum::<u32>());
            for (c, want) in rgb.iter().zip(hue) {
                assert!((f64::from(*c) - scale * f64::from(want)).abs() <= 2.0);
            }
        }
    }
    // hovering the momentum panel reads that start's outcome from its own map
    let probe = Vec2::new(-1.0, 1.0);
    let (pi, pj) = maps[1].spec.pixel_of(probe).expect("in view");
    let expected = maps[1].cell(pi, pj).describe();
    let p = panel_pos(&h, 1, probe);
    h.hover_at(p);
    h.run();
    let hover = h.state().plot.hover.expect("a read-out under the pointer");
    let (_, cell) = hover.basin.expect("the read-out has the map's cell");
    assert_eq!(cell.describe(), expected);
    assert!(hover.text().contains(&expected), "{}", hover.text());
    // a click sets the start there, and the maps (which do not depend on it) stay
    click(&mut h, p);
    let start = h.state().session.scene.start;
    assert!((start - probe).norm() < 0.05, "start moved to {start}");
    assert_eq!(h.state().session.selected, 1);
    let run = h.state().session.runs[1].as_ref().expect("computed");
    assert_eq!(run.points[0], start);
    assert!(
        h.state()
            .plot
            .basins
            .map_of(1)
            .expect("a map")
            .is_complete()
    );
    assert!(!h.state().plot.basins.is_computing());
}
