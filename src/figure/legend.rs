//! The legend: one row per optimizer (its swatch, label and status), laid out once and then
//! drawn, hit-tested or moved. Text is wrapped, never cut: a label or a status wider than
//! its column continues on the next line ("diverged at step 162 (lr 1.000 > 2/λmax =
//! 0.2000 at the start)" is read whole). When the rows cannot fit the height even at the
//! smallest text, the plain losses go first (a run that diverged or stalled keeps its
//! status), and only then do the last rows give way to "… and k more".
//!
//! Where it goes is the caller's choice ([`super::draw::LegendPlacement`]): beside the plot,
//! in a column the figure reserves ([`beside_width`]), or inside it in the corner that covers
//! the fewest trail points and marks ([`emptiest_corner`]).

use super::draw::{Anchor, Drawn, Ems, Ink, Item, MIN_EM, PathItem, Rgba, Stroke, text};
use super::model::LegendEntry;
use super::palette;
use super::polyline::dash;
use super::text as font;

/// Line height, in ems.
const LINE: f64 = 1.25;
/// A status at least this wide fits in the status column ("loss" and a number).
const STATUS_TEMPLATE: &str = "loss -0.0000e-00";
/// Alpha of the rows of optimizers that are not highlighted.
const DIMMED_TEXT: u8 = 110;

/// One line of text in a row, relative to the box's top-left corner.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    text: String,
    x: f64,
    baseline: f64,
    em: f64,
    status: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    /// The entry's position in the legend's entries; `None` for "… and k more".
    entry: Option<usize>,
    /// The optimizer's index in the scene.
    index: Option<usize>,
    top: f64,
    height: f64,
    /// The swatch's vertical centre.
    mid: f64,
    lines: Vec<Line>,
}

/// A laid-out legend.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendBox {
    /// Left, top, width, height.
    pub rect: [f64; 4],
    /// Pixels per em of the labels.
    pub em: f64,
    u: f64,
    rows: Vec<Row>,
}

/// Sizes at label size `em`.
struct Metrics {
    pad: f64,
    swatch: f64,
    text_x: f64,
    gap: f64,
}

fn metrics(em: f64) -> Metrics {
    let pad = 0.6 * em;
    let swatch = 1.6 * em;
    Metrics {
        pad,
        swatch,
        text_x: pad + swatch + 0.5 * em,
        gap: 0.8 * em,
    }
}

/// The width a column beside the plot needs for the legend of these labels at the export's
/// sizes (the statuses are not known yet: they get the room of a loss and wrap if longer),
/// at most `cap`.
pub fn beside_width<'a>(labels: impl IntoIterator<Item = &'a str>, ems: Ems, cap: f64) -> f64 {
    let m = metrics(ems.legend);
    let widest = labels
        .into_iter()
        .map(|l| font::width(l, ems.legend))
        .fold(0.0, f64::max);
    let status = font::width(STATUS_TEMPLATE, ems.status);
    (m.text_x + widest + m.gap + status + m.pad).min(cap).ceil()
}

impl LegendBox {
    /// The legend of `entries` at the top-left corner `at`, at most `max_w` wide and `max_h`
    /// tall (text shrinks down to [`MIN_EM`] to fit the height); `None` without entries.
    pub fn new(
        entries: &[LegendEntry],
        ems: Ems,
        u: f64,
        at: [f64; 2],
        max_w: f64,
        max_h: f64,
    ) -> Option<LegendBox> {
        if entries.is_empty() {
            return None;
        }
        let (mut em, mut small) = (ems.legend, ems.status);
        loop {
            let b = Self::at_size(entries, entries.len(), em, small, u, max_w, true);
            if b.rect[3] <= max_h {
                return Some(b.moved(at));
            }
            if em <= MIN_EM {
                break;
            }
            em = (em * 0.92).max(MIN_EM);
            small = (small * 0.92).max(MIN_EM);
        }
        let b = Self::at_size(entries, entries.len(), em, small, u, max_w, false);
        if b.rect[3] <= max_h {
            return Some(b.moved(at));
        }
        // rows give way, the last one saying how many are left out
        let mut shown = entries.len();
        loop {
            shown -= 1;
            let b = Self::at_size(entries, shown, em, small, u, max_w, false);
            if b.rect[3] <= max_h || shown <= 1 {
                return Some(b.moved(at));
            }
        }
    }

    /// The box at the origin showing the first `shown` entries (all of them, or the rest
    /// summed up in a last row), with every status or (`losses` false) only the alerts.
    fn at_size(
        entries: &[LegendEntry],
        shown: usize,
        em: f64,
        small: f64,
        u: f64,
        max_w: f64,
        losses: bool,
    ) -> LegendBox {
        let m = metrics(em);
        let more = entries.len() - shown;
        let label_w = |e: &LegendEntry| font::width(&e.label, em);
        let status_w = |e: &LegendEntry| font::width(&e.status, small);
        let template = font::width(STATUS_TEMPLATE, small);
        let widest_label = entries[..shown].iter().map(label_w).fold(0.0, f64::max);
        let widest_status = entries[..shown]
            .iter()
            .map(status_w)
            .fold(template, f64::max);
        let natural = m.text_x + widest_label + m.gap + widest_status + m.pad;
        let min_w = m.text_x + font::width("mmmmmm", em) + m.pad;
        let box_w = natural.min(max_w).max(min_w);
        let text_w = box_w - m.text_x - m.pad;
        // labels and statuses side by side when a status column as wide as a loss fits,
        // a status under its label otherwise
        let columns = widest_label + m.gap + template <= text_w;
        let status_x = if columns {
            m.text_x + widest_label + m.gap
        } else {
            m.text_x
        };
        let status_col = box_w - m.pad - status_x;
        let mut rows = Vec::with_capacity(shown + 1);
        let mut y = 0.3 * em;
        let line = |text: String, x: f64, top: f64, em: f64, status: bool| Line {
            text,
            x,
            baseline: top + 0.5 * LINE * em + 0.5 * (font::ascent(em) - font::descent(em)),
            em,
            status,
        };
        for (k, e) in entries[..shown].iter().enumerate() {
            let mut lines = Vec::new();
            let mut ly = y;
            let label_col = if columns { widest_label + 1.0 } else { text_w };
            for l in font::wrap_whole(&e.label, em, label_col) {
                lines.push(line(l, m.text_x, ly, em, false));
                ly += LINE * em;
            }
            let mut sy = if columns { y } else { ly };
            let status = if losses || e.alert {
                e.status.as_str()
            } else {
                ""
            };
            for l in font::wrap_whole(status, small, status_col) {
                lines.push(line(l, status_x, sy, small, true));
                sy += LINE * small;
            }
            let height = (ly.max(sy) - y).max(LINE * em);
            rows.push(Row {
                entry: Some(k),
                index: Some(e.index),
                top: y,
                height,
                mid: y + 0.5 * LINE * em,
                lines,
            });
            y += height + 0.2 * em;
        }
        if more > 0 {
            rows.push(Row {
                entry: None,
                index: None,
                top: y,
                height: LINE * em,
                mid: y + 0.5 * LINE * em,
                lines: vec![line(format!("… and {more} more"), m.text_x, y, em, false)],
            });
            y += LINE * em + 0.2 * em;
        }
        LegendBox {
            rect: [0.0, 0.0, box_w, y + 0.1 * em],
            em,
            u,
            rows,
        }
    }

    /// The same legend with its top-left corner at `at`.
    pub fn moved(mut self, at: [f64; 2]) -> LegendBox {
        self.rect[0] = at[0];
        self.rect[1] = at[1];
        self
    }

    /// The optimizer (its index in the scene) whose row contains `p`.
    pub fn hit(&self, p: [f64; 2]) -> Option<usize> {
        let [x, y, w, _] = self.rect;
        if !(p[0] >= x && p[0] <= x + w) {
            return None;
        }
        self.rows
            .iter()
            .find(|r| {
                p[1] >= y + r.top - 0.1 * self.em && p[1] <= y + r.top + r.height + 0.1 * self.em
            })
            .and_then(|r| r.index)
    }

    /// Every line of text in the box (the glyph and overlap tests read them).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.rows
            .iter()
            .flat_map(|r| r.lines.iter().map(|l| l.text.as_str()))
    }

    /// The legend's items: its box, then per row the swatch (dashed like the trail) over a
    /// casing, the label and the status. Rows of optimizers other than `highlight` are
    /// dimmed. `clip`: inside the plot (and cut to it) or beside it.
    pub fn items(
        &self,
        entries: &[LegendEntry],
        ink: &Ink,
        highlight: Option<usize>,
        clip: bool,
    ) -> Vec<Drawn> {
        let wrap = |item| Drawn { item, clip };
        let [bx, by, bw, bh] = self.rect;
        let m = metrics(self.em);
        let mut out = vec![wrap(Item::Rect {
            rect: [bx, by, bw, bh],
            radius: 4.0 * self.u,
            fill: Some(ink.legend_box),
            stroke: None,
            class: "legend",
        })];
        let box_lum = palette::luminance([ink.legend_box[0], ink.legend_box[1], ink.legend_box[2]]);
        for row in &self.rows {
            let entry = row.entry.and_then(|k| entries.get(k));
            let dim = highlight.is_some() && entry.is_some_and(|e| Some(e.index) != highlight);
            let fade = |c: Rgba| {
                if dim {
                    [c[0], c[1], c[2], c[3].min(DIMMED_TEXT)]
                } else {
                    c
                }
            };
            if let Some(e) = entry {
                let cy = by + row.mid;
                let line = vec![[bx + m.pad, cy], [bx + m.pad + m.swatch, cy]];
                let width = (0.22 * self.em).max(1.5);
                let casing = super::items::casing_for(e.color, box_lum);
                let mut under = PathItem::stroked(
                    "legend-swatch-casing",
                    vec![line.clone()],
                    Stroke {
                        color: fade(casing),
                        width: width + (0.25 * self.em).max(1.5),
                    },
                );
                under.round = true;
                let stroked = if e.dashed {
                    dash(&[line], 0.4 * self.em, 0.3 * self.em + width)
                } else {
                    vec![line]
                };
                let mut swatch = PathItem::stroked(
                    "legend-swatch",
                    stroked,
                    Stroke {
                        color: fade([e.color[0], e.color[1], e.color[2], 255]),
                        width,
                    },
                );
                swatch.round = true;
                out.push(wrap(Item::Path(under)));
                out.push(wrap(Item::Path(swatch)));
            }
            let alert = entry.is_some_and(|e| e.alert);
            for l in &row.lines {
                let color = match (l.status, alert) {
                    (false, _) => ink.legend_text,
                    (true, true) => ink.legend_alert,
                    (true, false) => ink.legend_status,
                };
                let class = if l.status {
                    "legend-status"
                } else {
                    "legend-label"
                };
                let mut t = text(
                    &l.text,
                    [bx + l.x, by + l.baseline],
                    l.em,
                    fade(color),
                    Anchor::Start,
                    class,
                );
                t.clip = clip;
                out.push(t);
            }
        }
        out
    }
}

/// The top-left corner for a `size` box inside `plot` (left, top, width, height), `margin`
/// from its edges, in the corner whose box covers the least weight of `obstacles` (points
/// with a weight); ties go to top-right, top-left, bottom-right, bottom-left in that order.
pub fn emptiest_corner(
    size: [f64; 2],
    plot: [f64; 4],
    margin: f64,
    obstacles: &[([f64; 2], f64)],
) -> [f64; 2] {
    let [l, t, w, h] = plot;
    let (right, bottom) = (l + w - margin - size[0], t + h - margin - size[1]);
    let (left, top) = (l + margin, t + margin);
    let corners = [[right, top], [left, top], [right, bottom], [left, bottom]];
    // a point just outside the box still crowds it
    let slack = margin;
    let cost = |c: [f64; 2]| -> f64 {
        obstacles
            .iter()
            .filter(|(p, _)| {
                p[0] >= c[0] - slack
                    && p[0] <= c[0] + size[0] + slack
                    && p[1] >= c[1] - slack
                    && p[1] <= c[1] + size[1] + slack
            })
            .map(|(_, weight)| weight)
            .sum()
    };
    let mut best = corners[0];
    let mut best_cost = f64::INFINITY;
    for c in corners {
        let k = cost(c);
        if k < best_cost {
            (best, best_cost) = (c, k);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(index: usize, label: &str, status: &str) -> LegendEntry {
        LegendEntry {
            index,
            label: label.to_string(),
            color: palette::color(index, None),
            status: status.to_string(),
            alert: status.starts_with("diverged"),
            dashed: palette::dashed(index),
        }
    }

    #[test]
    fn the_divergence_status_is_read_whole_in_a_narrow_legend() {
        let status = "diverged at step 162 (lr 1.000 > 2/λmax = 0.2000 at the start)";
        let entries = vec![
            entry(0, "GD lr=0.001 (too low)", "loss 1.234"),
            entry(1, "GD lr=1.0 (too high)", status),
        ];
        let ems = Ems::at(1.0);
        for max_w in [140.0, 220.0, 400.0, 1000.0] {
            let b = LegendBox::new(&entries, ems, 1.0, [0.0, 0.0], max_w, 600.0).expect("legend");
            assert!(b.rect[2] <= max_w.max(120.0), "{max_w}: {:?}", b.rect);
            let all: Vec<&str> = b.texts().collect();
            assert!(all.iter().all(|t| !t.contains('…')), "{all:?}");
            let joined = all.join(" ");
            assert!(joined.contains(status), "{max_w}: {joined}");
            assert!(joined.contains("GD lr=1.0 (too high)"), "{joined}");
            // every line inside the box
            for d in b.items(
                &entries,
                &super::super::draw::Theme::Dark.ink(),
                None,
                false,
            ) {
                if let Item::Text(t) = d.item {
                    let right = t.at[0] + font::width(&t.text, t.em);
                    assert!(
                        right <= b.rect[0] + b.rect[2] + 0.01,
                        "{} overflows",
                        t.text
                    );
                    assert!(t.at[1] <= b.rect[1] + b.rect[3], "{} below the box", t.text);
                }
            }
        }
    }

    #[test]
    fn rows_are_hit_by_the_point_on_them() {
        let entries: Vec<LegendEntry> = (0..4)
            .map(|i| entry(i * 2, &format!("Optimizer {i}"), "loss 0.5"))
            .collect();
        let b = LegendBox::new(&entries, Ems::at(1.0), 1.0, [100.0, 50.0], 300.0, 400.0)
            .expect("legend");
        for (k, r) in b.rows.iter().enumerate() {
            let p = [b.rect[0] + 5.0, b.rect[1] + r.top + 0.5 * r.height];
            assert_eq!(b.hit(p), Some(2 * k));
        }
        assert_eq!(b.hit([b.rect[0] - 1.0, b.rect[1] + 10.0]), None);
        assert_eq!(b.hit([b.rect[0] + 5.0, b.rect[1] + b.rect[3] + 20.0]), None);
    }

    #[test]
    fn too_many_rows_for_the_height_sum_up_the_rest() {
        let entries: Vec<LegendEntry> = (0..40)
            .map(|i| entry(i, &format!("Optimizer {i}"), "loss 0.5"))
            .collect();
        let b =
            LegendBox::new(&entries, Ems::at(1.0), 1.0, [0.0, 0.0], 300.0, 200.0).expect("legend");
        assert!(b.rect[3] <= 200.0, "{:?}", b.rect);
        assert!(b.texts().any(|t| t.starts_with("… and ")));
        // a few too many for their losses: every name stays, an alert keeps its status
        let mut some: Vec<LegendEntry> = entries[..16].to_vec();
        some[3] = entry(3, "Optimizer 3", "diverged at step 7");
        let b = LegendBox::new(&some, Ems::at(1.0), 1.0, [0.0, 0.0], 110.0, 200.0).expect("legend");
        let texts: Vec<&str> = b.texts().collect();
        assert!(b.rect[3] <= 200.0, "{:?}", b.rect);
        assert!(
            !texts.contains(&"loss 0.5"),
            "the losses went first: {texts:?}"
        );
        assert!(texts.contains(&"Optimizer 15"), "{texts:?}");
        assert!(texts.contains(&"diverged at step 7"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.starts_with("… and ")), "{texts:?}");
    }

    #[test]
    fn the_corner_with_no_points_is_chosen() {
        let plot = [0.0, 0.0, 400.0, 300.0];
        let size = [100.0, 80.0];
        // points crowd the top right and the top left
        let mut obstacles: Vec<([f64; 2], f64)> = (0..50)
            .map(|i| ([380.0 - i as f64, 10.0 + i as f64], 1.0))
            .collect();
        obstacles.push(([30.0, 30.0], 1.0));
        let c = emptiest_corner(size, plot, 10.0, &obstacles);
        assert_eq!(c, [290.0, 210.0], "bottom right");
        assert_eq!(
            emptiest_corner(size, plot, 10.0, &[]),
            [290.0, 10.0],
            "top right"
        );
    }
}
