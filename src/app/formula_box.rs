//! The formula box under the surface picker: type f(x, y), see it at once. Every edit is
//! parsed; a good formula replaces the surface (keeping its view and start), a mistake is underlined in the text and explained below it
//! while the last good surface stays on screen. Each constant gets a slider, and moving it
//! rewrites the constant's `name = …` line, so the text always says the value in use.

use super::plot::sig;
use crate::engine::Surface;
use crate::engine::formula::{Formula, FormulaError, TypedSurface};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, RichText, Slider, SliderClamping, Stroke};
use std::collections::HashMap;

/// What the box shows before the user types anything.
pub const STARTER: &str = "a = 1\nb = 100\n(a - x)^2 + b*(y - x^2)^2";

pub struct FormulaBox {
    text: String,
    error: Option<FormulaError>,
    /// The source of the surface the box last saw, to notice a scene opened from a file.
    seen: String,
    /// Each constant's slider span, fixed when the constant first appears so that dragging
    /// does not move the scale under the pointer.
    spans: HashMap<String, (f64, f64)>,
}

impl Default for FormulaBox {
    fn default() -> Self {
        FormulaBox {
            text: STARTER.to_string(),
            error: None,
            seen: String::new(),
            spans: HashMap::new(),
        }
    }
}

impl FormulaBox {
    /// The surface the box's text describes, for when the user picks "Your formula": the
    /// last good formula if the text has a mistake, the starter if there was none.
    pub fn surface(&self) -> Surface {
        let formula = Formula::parse(&self.text)
            .or_else(|_| Formula::parse(&self.seen))
            .or_else(|_| Formula::parse(STARTER))
            .ok();
        match formula {
            Some(f) => Surface::typed(TypedSurface::new(f, None, None)),
            None => Surface::new(crate::engine::SurfaceKind::Rosenbrock),
        }
    }

    /// The box and the constants' sliders for `surface` (a typed one); true when the
    /// surface changed.
    pub fn ui(&mut self, ui: &mut egui::Ui, surface: &mut Surface) -> bool {
        let Some(typed) = surface.typed_surface() else {
            return false;
        };
        let current = typed.formula().clone();
        if current.source() != self.seen {
            // opened from a file or a link: show what is on screen
            self.seen = current.source().to_string();
            self.text = self.seen.clone();
            self.error = None;
        }
        let mut changed = false;

        let error_at = self
            .error
            .as_ref()
            .and_then(|e| e.position)
            .map(|p| char_index(&self.text, p));
        let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
            let mut job = highlighted(buf.as_str(), error_at, ui);
            job.wrap.max_width = wrap;
            ui.fonts_mut(|f| f.layout_job(job))
        };
        let label = ui.label("f(x, y) =");
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut self.text)
                    .code_editor()
                    .desired_rows(3)
                    .desired_width(f32::INFINITY)
                    .layouter(&mut layouter),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "x, y, numbers, pi, e, + - * / ^, parentheses and sin cos tan exp log sqrt abs \
                 tanh sigmoid softplus min max; constants on lines of their own before the \
                 expression (a = 1.5) get sliders",
            );
        if edit.changed() {
            match Formula::parse(&self.text) {
                // the text says every constant's value: the sliders' moves were written
                // into it, so what is typed is what is used
                Ok(next) => {
                    self.error = None;
                    self.seen = next.source().to_string();
                    *surface = Surface::typed(typed.with_formula(next));
                    changed = true;
                }
                Err(e) => self.error = Some(e),
            }
        }
        if let Some(e) = &self.error {
            ui.label(RichText::new(e.to_string()).color(ui.visuals().error_fg_color))
                .on_hover_text("the plot keeps the last formula that worked");
        }

        let Some(typed) = surface.typed_surface() else {
            return changed;
        };
        let formula = typed.formula().clone();
        for c in formula.constants() {
            let span = *self
                .spans
                .entry(c.name.clone())
                .or_insert_with(|| slider_span(c.value));
            let mut v = c.value;
            let moved = ui
                .add(
                    Slider::new(&mut v, span.0..=span.1)
                        .clamping(SliderClamping::Never)
                        .custom_formatter(|v, _| sig(v))
                        .text(&c.name),
                )
                .changed();
            if moved && v.is_finite() {
                let next = formula.with_constant(&c.name, v);
                // the constant's line now says the slider's value; the box shows it next
                // frame, unless it holds an edit with a mistake the user is still fixing
                if self.error.is_some() {
                    self.seen = next.source().to_string();
                }
                *surface = Surface::typed(typed.with_formula(next));
                changed = true;
                break;
            }
        }
        changed
    }
}

/// A slider from a value: twice its size either way, at least ±1 around it.
fn slider_span(v: f64) -> (f64, f64) {
    let half = v.abs().max(1.0);
    (v - half, v + half)
}

/// The character index of a 1-based (line, column), clamped to the text.
fn char_index(text: &str, (line, column): (usize, usize)) -> usize {
    let before: usize = text
        .split('\n')
        .take(line.saturating_sub(1))
        .map(|l| l.chars().count() + 1)
        .sum();
    before + column.saturating_sub(1)
}

/// The text in the code font, with the character at `error_at` (the last one when the
/// mistake is at the very end) underlined in the error colour.
fn highlighted(text: &str, error_at: Option<usize>, ui: &egui::Ui) -> LayoutJob {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let plain = TextFormat::simple(font.clone(), ui.visuals().text_color());
    let mut job = LayoutJob::default();
    let n = text.chars().count();
    let Some(at) = error_at.filter(|_| n > 0).map(|i| i.min(n - 1)) else {
        job.append(text, 0.0, plain);
        return job;
    };
    let byte = |i: usize| text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
    let (a, b) = (byte(at), byte(at + 1));
    let red = ui.visuals().error_fg_color;
    job.append(&text[..a], 0.0, plain.clone());
    job.append(
        &text[a..b],
        0.0,
        TextFormat {
            color: red,
            underline: Stroke::new(2.0, red),
            background: Color32::from_rgba_unmultiplied(red.r(), red.g(), red.b(), 40),
            ..plain.clone()
        },
    );
    job.append(&text[b..], 0.0, plain);
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_to_characters() {
        assert_eq!(char_index("a = 1\nx + é + b", (2, 9)), 14);
        assert_eq!(char_index("x", (1, 1)), 0);
    }
}
