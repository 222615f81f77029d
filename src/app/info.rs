//! The info panel: the selected optimizer's update rule with its hyperparameters explained,
//! and the surface's formula.

use super::state::Session;
use egui::RichText;

pub fn ui(ui: &mut egui::Ui, session: &Session) {
    egui::ScrollArea::vertical().id_salt("info-scroll").show(ui, |ui| {
        if let Some(o) = session.scene.optimizers.get(session.selected) {
            let kind = o.spec.kind;
            ui.heading(&o.spec.label);
            ui.label(RichText::new(format!("{} ({})", kind.display_name(), kind.key())).weak());
            ui.add_space(6.0);
            ui.label(RichText::new("Update rule").strong());
            ui.label(RichText::new(kind.rule_text()).monospace());
            ui.label(RichText::new("g is the gradient (after clipping), t the update number from 1; all operations per coordinate.").small().weak());
            ui.add_space(6.0);
            ui.label(kind.about());
            ui.add_space(6.0);
            ui.label(RichText::new("Hyperparameters").strong());
            for knob in kind.knobs() {
                let info = knob.info();
                ui.label(format!("{}: {}", info.label, info.help));
            }
            ui.label("clip gradient norm: rescales a gradient longer than c to length c, taming exploding gradients");
            ui.label("schedule: changes the learning rate over the steps (linear, step or cosine decay)");
        } else {
            ui.label("Add an optimizer to see its update rule here.");
        }
        ui.separator();
        let s = session.scene.surface.kind();
        ui.label(RichText::new(format!("Surface: {}", s.display_name())).strong());
        let formula = match session.scene.surface.typed_surface() {
            Some(t) => t.formula().source(),
            None => s.formula(),
        };
        ui.label(RichText::new(formula).monospace());
        if let Some(text) = super::data_panel::info_text(session) {
            ui.label(text);
        }
    });
}
