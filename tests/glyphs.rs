//! Every text the app or an export can show from the catalogs (rules, surface formulas,
//! help and menu texts, lessons with their numbers, labels, claims, divergence
//! explanations) can be drawn with the fonts embedded in the binary, in the window's fonts
//! and in the exports' (which set text themselves); a missing glyph would be an empty box on
//! screen or on a slide.
#![cfg(feature = "gui")]

use losscape::engine::SurfaceKind;
use losscape::engine::optim::OptimizerKind;

fn texts() -> Vec<(String, String)> {
    let mut v = Vec::new();
    for k in OptimizerKind::ALL {
        v.push((format!("{k:?} rule"), k.rule_text().to_string()));
        v.push((format!("{k:?} about"), k.about().to_string()));
        v.push((format!("{k:?} name"), k.display_name().to_string()));
        for knob in k.knobs() {
            let i = knob.info();
            v.push((
                format!("{knob:?}"),
                format!("{} {} {}", i.label, i.help, i.range),
            ));
        }
    }
    for s in SurfaceKind::ALL {
        v.push((format!("{s:?} formula"), s.formula().to_string()));
        v.push((format!("{s:?} name"), s.display_name().to_string()));
        for p in s.params() {
            v.push((p.key.to_string(), format!("{} {}", p.key, p.help)));
        }
    }
    for k in OptimizerKind::ALL {
        if let Some(st) = k.stability() {
            v.push((format!("{k:?} stability"), st.explain.to_string()));
        }
    }
    for m in losscape::engine::data::ModelKind::ALL {
        let i = m.info();
        v.push((
            format!("{m:?}"),
            format!("{} {} {}", i.name, i.formula, m.curve()),
        ));
        for p in i.params {
            v.push((p.key.to_string(), format!("{} {}", p.key, p.help)));
        }
    }
    for d in losscape::scene::data::DATASETS {
        v.push((d.name.to_string(), d.description.to_string()));
    }
    for b in losscape::scene::BUILTINS {
        let s = losscape::scene::builtin(b.name).expect("builtin");
        v.push((
            b.name.to_string(),
            format!("{} {} {}", b.menu_title(s.title()), s.description, b.group),
        ));
        for o in &s.optimizers {
            v.push((b.name.to_string(), o.spec.label.clone()));
        }
        // what the legend says of each run at the end, and the figure's step counter
        let runs = losscape::scene::Runs::compute(&s);
        for (i, r) in runs.iter().enumerate() {
            if let Some(r) = r {
                let status = losscape::figure::model::status_text(&s, i, r, usize::MAX);
                v.push((format!("{} status", b.name), status));
            }
        }
    }
    for c in losscape::app::commands::Command::ALL {
        v.push((format!("{c:?} menu"), format!("{} {}", c.label(), c.help())));
    }
    v.push((
        "legend".into(),
        "… and 3 more step 12 / 200 loss x y".into(),
    ));
    v
}

/// The exports set text with the faces embedded in the binary (the window's, Ubuntu Light
/// with Hack for what it lacks): every text has its glyphs there too.
#[test]
fn every_catalog_text_has_glyphs_in_the_export_fonts() {
    let mut missing = Vec::new();
    for (what, text) in texts() {
        for c in losscape::figure::missing_glyphs(&text) {
            missing.push(format!("{what}: {c:?} (U+{:04X})", c as u32));
        }
    }
    assert_none_missing(missing);
}

/// The app sets its own fonts on its first frame, however it was started (the native window
/// once skipped it and drew "→" of a built-in label as an empty box).
#[test]
fn the_app_itself_installs_the_fallback_glyphs() {
    let mut app =
        losscape::app::LosscapeApp::new(losscape::scene::builtin("sgd-decay").expect("builtin"));
    // the arrow the label once had: only the fallback font draws it
    app.session.scene.optimizers[1].spec.label = "SGD lr=0.3→0.003".into();
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .with_max_steps(4)
        .build_ui_state(|ui, app: &mut losscape::app::LosscapeApp| app.show(ui), app);
    h.run_steps(2);
    let label = &h.state().session.scene.optimizers[1].spec.label;
    assert!(label.contains('→'), "{label}");
    let ok = h.ctx.fonts_mut(|f| {
        label
            .chars()
            .all(|c| f.has_glyph(&egui::FontId::proportional(14.0), c))
    });
    assert!(ok, "{label} has a character without a glyph");
}

#[test]
fn every_catalog_text_has_glyphs_in_both_fonts() {
    let ctx = egui::Context::default();
    losscape::app::setup_fonts(&ctx);
    let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
    out.textures_delta.clear();
    let mut missing = Vec::new();
    ctx.fonts_mut(|f| {
        for (what, text) in texts() {
            for family in [
                egui::FontId::proportional(14.0),
                egui::FontId::monospace(14.0),
            ] {
                for c in text.chars().filter(|c| !c.is_whitespace()) {
                    if !f.has_glyph(&family, c) {
                        missing.push(format!(
                            "{what}: {c:?} (U+{:04X}) in {:?}",
                            c as u32, family.family
                        ));
                    }
                }
            }
        }
    });
    assert_none_missing(missing);
}

fn assert_none_missing(mut missing: Vec<String>) {
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "missing glyphs:\n{}",
        missing.join("\n")
    );
}
