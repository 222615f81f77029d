//! The export dialogs (figure, animation) and the progress window of a render running in the
//! background.

use crate::app::export;
use crate::app::files::FileAction;
use crate::app::{ExportDialog, LosscapeApp};

pub(super) fn dialogs(app: &mut LosscapeApp, ctx: &egui::Context) {
    let Some(dialog) = app.export_dialog else {
        return;
    };
    let mut open = true;
    let title = match dialog {
        ExportDialog::Figure => "Export figure",
        ExportDialog::Animation => "Export animation",
    };
    let mut go = false;
    egui::Window::new(title).open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
        let s = &mut app.export;
        if dialog == ExportDialog::Figure {
            ui.horizontal(|ui| {
                ui.label("Format");
                ui.radio_value(&mut s.format, crate::export::Format::Png, "PNG");
                ui.radio_value(&mut s.format, crate::export::Format::Svg, "SVG (vector)");
            });
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Size");
            for (name, w, h) in export::PRESETS {
                if ui.selectable_label(s.width == w && s.height == h, name).clicked() {
                    s.width = w;
                    s.height = h;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.add(egui::DragValue::new(&mut s.width).range(crate::export::MIN_SIZE..=crate::export::MAX_SIZE).prefix("width: ").suffix(" px"));
            ui.add(egui::DragValue::new(&mut s.height).range(crate::export::MIN_SIZE..=crate::export::MAX_SIZE).prefix("height: ").suffix(" px"));
        });
        let step = app.session.clock.step;
        let last = app.session.last_step();
        match dialog {
            ExportDialog::Figure => {
                ui.label(format!("The current view at step {step} of {last}, with colour map, contours, trails, legend, axes and title."));
            }
            ExportDialog::Animation => {
                ui.add(egui::DragValue::new(&mut s.frames).range(2..=2000).prefix("frames: "));
                ui.add(egui::Slider::new(&mut s.fps, 1.0..=50.0).text("frames per second"));
                ui.radio_value(&mut s.to_last_step, true, format!("from step 0 to the last step ({last})"));
                ui.radio_value(&mut s.to_last_step, false, format!("from step 0 to the current step ({step})"));
                ui.label(format!("{:.1} s long", f64::from(s.frames) / s.fps.max(1.0)));
            }
        }
        ui.add_space(4.0);
        ui.add_enabled_ui(app.job.is_none(), |ui| {
            if ui.button("Export...").clicked() {
                go = true;
            }
        });
    });
    if go {
        let (action, ext) = match dialog {
            ExportDialog::Figure => (
                FileAction::ExportFigure(app.export.format),
                app.export.format.extension(),
            ),
            ExportDialog::Animation => (
                FileAction::ExportAnimation,
                crate::export::Format::Gif.extension(),
            ),
        };
        app.files.ask(action, &app.suggested_name(ext));
        open = false;
    }
    if !open {
        app.export_dialog = None;
    }
}

pub(super) fn progress(app: &mut LosscapeApp, ctx: &egui::Context) {
    let Some(job) = &app.job else { return };
    egui::Window::new("Exporting")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -64.0])
        .show(ctx, |ui| {
            ui.label(format!("Rendering the {}...", job.what));
            ui.add(
                egui::ProgressBar::new(job.fraction())
                    .show_percentage()
                    .desired_width(260.0),
            );
            if ui.button("Cancel").clicked() {
                job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
}
