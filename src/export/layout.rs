//! Where everything goes in an exported figure, and the figure as a list of drawing items in
//! pixel coordinates. Both painters (tiny-skia for PNG and GIF, the SVG writer) paint this one
//! list, so a PNG and an SVG of the same request show the same picture.
//!
//! Every size is a multiple of a unit `u` proportional to the image's shorter side (1 at
//! 800 × 600), so a 640 × 480 thumbnail and a 3840 × 2160 slide have the same proportions.

use super::text;
use super::{ExportError, FigureRequest};
use crate::engine::{Trajectory, Vec2};
use crate::figure::model::{
    Figure, LegendEntry, MarkKind, SurfaceLayer, TrailEnd, axis_ticks, sig,
};
use crate::figure::polyline::simplify;
use crate::figure::projection::{Projection, fit_aspect};
use crate::figure::trail::Trail;
use crate::scene::Scene;

/// Unmultiplied RGBA.
pub(crate) type Rgba = [u8; 4];

pub(crate) const BACKGROUND: Rgba = [27, 27, 27, 255];
const TITLE: Rgba = [235, 235, 235, 255];
const TEXT: Rgba = [200, 200, 200, 255];
const WEAK: Rgba = [170, 170, 170, 255];
const FRAME: Rgba = [120, 120, 120, 255];
const CONTOUR: Rgba = [255, 255, 255, 80];
const HALO: Rgba = [0, 0, 0, 150];
const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const LEGEND_BOX: Rgba = [10, 10, 14, 200];
const LEGEND_TEXT: Rgba = [255, 255, 255, 255];
const LEGEND_STATUS: Rgba = [190, 190, 190, 255];
const LEGEND_ALERT: Rgba = [255, 160, 140, 255];

/// Colours that are drawn solid somewhere in every figure (the GIF palette keeps them exact).
pub(crate) const KEY_COLORS: [Rgba; 10] = [
    BACKGROUND,
    TITLE,
    TEXT,
    WEAK,
    FRAME,
    WHITE,
    BLACK,
    LEGEND_TEXT,
    LEGEND_STATUS,
    LEGEND_ALERT,
];

/// Below this many pixels on either side there is no room for text: the figure is the plot
/// alone (colour map, contours, trails and markers).
const COMPACT_WIDTH: u32 = 240;
const COMPACT_HEIGHT: u32 = 180;

/// No text is set smaller than this many pixels per em.
const MIN_EM: f64 = 7.0;

/// Longest side of the grid contours are traced on, at most and at least.
const CONTOUR_GRID: [usize; 2] = [260, 700];

/// Trails keep a point when it is at least this far (in pixels) from the last one kept.
const TRAIL_TOLERANCE_PX: f64 = 0.25;

/// Contour polylines are simplified to within this many pixels.
const CONTOUR_TOLERANCE_PX: f64 = 0.2;

/// Text anchor: which point of the text `at` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Stroke {
    pub color: Rgba,
    pub width: f64,
}

/// A set of polylines drawn as one path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PathItem {
    /// The SVG class: "contour", "trail", "trail-halo", "axis", "marker", …
    pub class: &'static str,
    pub subpaths: Vec<Vec<[f64; 2]>>,
    pub closed: bool,
    pub fill: Option<Rgba>,
    pub stroke: Option<Stroke>,
    /// Round joins and caps (trails) instead of miters and butt caps.
    pub round: bool,
    /// An extra `data-*` attribute for the SVG (name without the prefix, value).
    pub data: Option<(&'static str, String)>,
}

impl PathItem {
    fn stroked(class: &'static str, subpaths: Vec<Vec<[f64; 2]>>, stroke: Stroke) -> Self {
        PathItem {
            class,
            subpaths,
            closed: false,
            fill: None,
            stroke: Some(stroke),
            round: false,
            data: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TextItem {
    pub text: String,
    /// The anchor point on the baseline.
    pub at: [f64; 2],
    /// Pixels per em (CSS font size).
    pub em: f64,
    pub color: Rgba,
    pub anchor: Anchor,
    pub class: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// The whole image.
    Background(Rgba),
    /// The surface layer's colour map over the plot rectangle.
    ColorMap,
    /// A vertical viridis bar, low values at the bottom.
    ColorBar {
        rect: [f64; 4],
    },
    Rect {
        rect: [f64; 4],
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
        class: &'static str,
    },
    Circle {
        center: [f64; 2],
        radius: f64,
        fill: Option<Rgba>,
        stroke: Option<Stroke>,
        class: &'static str,
    },
    Path(PathItem),
    Text(TextItem),
}

/// An item and whether it is clipped to the plot rectangle.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Drawn {
    pub item: Item,
    pub clip: bool,
}

/// Font sizes in pixels per em.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ems {
    pub title: f64,
    pub description: f64,
    pub tick: f64,
    pub axis: f64,
    pub legend: f64,
    pub status: f64,
    pub step: f64,
}

/// Where the parts of a figure go in a `width × height` image.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    pub width: f64,
    pub height: f64,
    /// The size unit: 1 at 800 × 600.
    pub u: f64,
    /// Whether there is room for text (title, axes, colour bar, legend).
    pub full: bool,
    /// Left, top, width, height of the plot area, on whole pixels.
    pub plot: [f64; 4],
    pub ems: Ems,
    /// Title text and its baseline start.
    pub title: Option<(String, [f64; 2])>,
    pub description: Vec<(String, [f64; 2])>,
    /// The colour bar's rectangle.
    pub colorbar: [f64; 4],
    /// Baseline of the row under the x tick labels ("x", "step k / N").
    pub footer_baseline: f64,
}

impl Layout {
    pub(crate) fn new(width: u32, height: u32, title: &str, description: &str) -> Layout {
        let (w, h) = (f64::from(width), f64::from(height));
        let u = w.min(h) / 600.0;
        let em = |x: f64| (x * u).max(MIN_EM);
        let ems = Ems {
            title: em(20.0),
            description: em(13.0),
            tick: em(11.5),
            axis: em(13.0),
            legend: em(12.0),
            status: em(10.5),
            step: em(11.5),
        };
        if width < COMPACT_WIDTH || height < COMPACT_HEIGHT {
            return Layout {
                width: w,
                height: h,
                u,
                full: false,
                plot: [0.0, 0.0, w, h],
                ems,
                title: None,
                description: Vec::new(),
                colorbar: [w, 0.0, 0.0, 0.0],
                footer_baseline: h,
            };
        }
        let line = 1.3;
        let m = (14.0 * u).round().max(4.0);
        // header: title, then the claim wrapped onto at most three lines (fewer in small
        // images, where the plot needs the room)
        let claim_lines = match height {
            ..360 => 1,
            360..600 => 2,
            _ => 3,
        };
        let title_text = text::ellipsize(title, ems.title, w - 2.0 * m);
        let title_baseline = m + text::ascent(ems.title);
        let mut y = m + ems.title * line;
        let mut description_lines = Vec::new();
        for l in text::wrap(description, ems.description, w - 2.0 * m, claim_lines) {
            description_lines.push((l, [m, y + text::ascent(ems.description)]));
            y += ems.description * line;
        }
        let top = (y + 10.0 * u).round();
        // footer: tick labels, then the axis title row
        let tick_len = 5.0 * u;
        let footer_baseline = h - m - text::descent(ems.axis);
        let bottom = (footer_baseline
            - text::ascent(ems.axis)
            - 4.0 * u
            - ems.tick * line
            - tick_len
            - 2.0 * u)
            .round();
        // left: "y", tick labels, ticks
        let y_title = text::width("y", ems.axis);
        let tick_labels = text::width("-00.00", ems.tick);
        let left = (m + y_title + 10.0 * u + tick_labels + 4.0 * u + tick_len).round();
        // right: colour bar with its labels
        let bar_gap = 16.0 * u;
        let bar_w = (14.0 * u).max(6.0);
        let bar_labels = text::width("0.001000", ems.tick);
        let right = (w - m - bar_labels - 8.0 * u - bar_w - bar_gap).round();
        let plot_w = (right - left).max(16.0);
        let plot_h = (bottom - top).max(16.0);
        let bar_top = top + (text::ascent(ems.tick) + 10.0 * u).round();
        let colorbar = [
            (left + plot_w + bar_gap).round(),
            bar_top,
            bar_w.round(),
            (top + plot_h - bar_top).max(1.0),
        ];
        Layout {
            width: w,
            height: h,
            u,
            full: true,
            plot: [left, top, plot_w, plot_h],
            ems,
            title: Some((title_text, [m, title_baseline])),
            description: description_lines,
            colorbar,
            footer_baseline,
        }
    }

    pub(crate) fn for_scene(scene: &Scene, width: u32, height: u32) -> Layout {
        Layout::new(width, height, scene.title(), &scene.description)
    }

    fn plot_size(&self) -> [usize; 2] {
        [self.plot[2] as usize, self.plot[3] as usize]
    }
}

/// Everything computed once for a request: layout, projection, surface layer and the trails
/// decimated at the export's resolution. A GIF paints every frame from one of these.
pub(crate) struct Canvas<'a> {
    pub scene: &'a Scene,
    pub runs: &'a [Option<Trajectory>],
    pub layout: Layout,
    pub projection: Projection,
    pub layer: SurfaceLayer,
    trails: Vec<Option<Trail>>,
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(req: &FigureRequest<'a>) -> Result<Canvas<'a>, ExportError> {
        super::check_size(i64::from(req.width), i64::from(req.height))?;
        let v = req.view;
        let finite = v.x.iter().chain(&v.y).all(|c| c.is_finite());
        if !(finite && v.width() > 0.0 && v.height() > 0.0) {
            return Err(ExportError::InvalidOption(format!(
                "the view x {:?}, y {:?} is empty or not finite",
                v.x, v.y
            )));
        }
        let layout = Layout::for_scene(req.scene, req.width, req.height);
        let v = fit_aspect(v, layout.plot[2], layout.plot[3]);
        let projection = Projection::new(v, layout.plot);
        let size = layout.plot_size();
        let resolution = (size[0].max(size[1]) / 3).clamp(CONTOUR_GRID[0], CONTOUR_GRID[1]);
        let layer = SurfaceLayer::compute(&req.scene.surface, v, size, resolution);
        let points: Vec<Option<&[Vec2]>> = req
            .runs
            .iter()
            .map(|r| r.as_ref().map(|t| t.points.as_slice()))
            .collect();
        let trails = Trail::build_all(points, &projection, TRAIL_TOLERANCE_PX);
        Ok(Canvas {
            scene: req.scene,
            runs: req.runs,
            layout,
            projection,
            layer,
            trails,
        })
    }

    fn u(&self) -> f64 {
        self.layout.u
    }

    /// The plot rectangle grown by a margin: geometry is cut to this before painting (the
    /// exact cut is the painters' clip), so far-away points never reach the rasterizer.
    fn clip_box(&self) -> [f64; 4] {
        let [l, t, w, h] = self.layout.plot;
        let m = 20.0 * self.u().max(0.5);
        [l - m, t - m, l + w + m, t + h + m]
    }

    fn inside(&self, p: [f64; 2], margin: f64) -> bool {
        let [l, t, w, h] = self.layout.plot;
        p[0] >= l - margin && p[0] <= l + w + margin && p[1] >= t - margin && p[1] <= t + h + margin
    }

    /// Everything of the figure at `step`: [`Canvas::static_items`] then
    /// [`Canvas::dynamic_items`].
    pub(crate) fn items(&self, step: usize) -> Vec<Drawn> {
        let mut items = self.static_items();
        items.extend(self.dynamic_items(step));
        items
    }

    /// What every frame of an animation shares: the colour map, contours, axes, colour bar,
    /// title and claim.
    pub(crate) fn static_items(&self) -> Vec<Drawn> {
        let mut out = vec![
            Drawn {
                item: Item::Background(BACKGROUND),
                clip: false,
            },
            Drawn {
                item: Item::ColorMap,
                clip: false,
            },
        ];
        let u = self.u();
        let bounds = self.clip_box();
        for level in &self.layer.contours {
            let mut subpaths = Vec::new();
            for line in &level.lines {
                let px: Vec<[f64; 2]> = line
                    .iter()
                    .map(|&[x, y]| self.projection.project(Vec2::new(x, y)))
                    .collect();
                for piece in clip_polyline(&px, bounds) {
                    let simple = simplify(&piece, CONTOUR_TOLERANCE_PX);
                    if simple.len() >= 2 {
                        subpaths.push(simple);
                    }
                }
            }
            let mut path = PathItem::stroked(
                "contour",
                subpaths,
                Stroke {
                    color: CONTOUR,
                    width: (0.8 * u).max(0.5),
                },
            );
            path.round = true;
            path.data = Some(("level", sig(level.level)));
            out.push(Drawn {
                item: Item::Path(path),
                clip: true,
            });
        }
        if self.layout.full {
            self.axes(&mut out);
            self.colorbar(&mut out);
            self.header(&mut out);
        }
        out
    }

    fn header(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        if let Some((title, at)) = &l.title {
            out.push(text(title, *at, l.ems.title, TITLE, Anchor::Start, "title"));
        }
        for (line, at) in &l.description {
            out.push(text(
                line,
                *at,
                l.ems.description,
                WEAK,
                Anchor::Start,
                "description",
            ));
        }
    }

    fn axes(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        let u = self.u();
        let [left, top, w, h] = l.plot;
        let bottom = top + h;
        let tick_len = 5.0 * u;
        let stroke = Stroke {
            color: FRAME,
            width: u.max(1.0),
        };
        let view = self.projection.view;
        let xt = axis_ticks(
            view.x[0],
            view.x[1],
            (w / (90.0 * u)).clamp(2.0, 12.0) as usize,
        );
        let yt = axis_ticks(
            view.y[0],
            view.y[1],
            (h / (60.0 * u)).clamp(2.0, 12.0) as usize,
        );
        let mut ticks = Vec::new();
        let x_labels = tick_labels(&xt);
        let tick_baseline = bottom + tick_len + 2.0 * u + text::ascent(l.ems.tick);
        for (v, label) in xt.iter().zip(x_labels) {
            let x = self.projection.project(Vec2::new(*v, view.y[0]))[0];
            ticks.push(vec![[x, bottom], [x, bottom + tick_len]]);
            out.push(text(
                &label,
                [x, tick_baseline],
                l.ems.tick,
                TEXT,
                Anchor::Middle,
                "tick",
            ));
        }
        let y_labels = tick_labels(&yt);
        let mid = 0.5 * (text::ascent(l.ems.tick) - text::descent(l.ems.tick));
        for (v, label) in yt.iter().zip(y_labels) {
            let y = self.projection.project(Vec2::new(view.x[0], *v))[1];
            ticks.push(vec![[left - tick_len, y], [left, y]]);
            out.push(text(
                &label,
                [left - tick_len - 4.0 * u, y + mid],
                l.ems.tick,
                TEXT,
                Anchor::End,
                "tick",
            ));
        }
        out.push(Drawn {
            item: Item::Path(PathItem::stroked("axis", ticks, stroke)),
            clip: false,
        });
        out.push(Drawn {
            item: Item::Rect {
                rect: [left, top, w, h],
                radius: 0.0,
                fill: None,
                stroke: Some(stroke),
                class: "frame",
            },
            clip: false,
        });
        out.push(text(
            "x",
            [left + 0.5 * w, l.footer_baseline],
            l.ems.axis,
            TEXT,
            Anchor::Middle,
            "axis-title",
        ));
        let axis_mid = 0.5 * (text::ascent(l.ems.axis) - text::descent(l.ems.axis));
        let m = (14.0 * u).round().max(4.0);
        out.push(text(
            "y",
            [m, top + 0.5 * h + axis_mid],
            l.ems.axis,
            TEXT,
            Anchor::Start,
            "axis-title",
        ));
    }

    fn colorbar(&self, out: &mut Vec<Drawn>) {
        let l = &self.layout;
        let u = self.u();
        let rect = l.colorbar;
        let [x, y, w, h] = rect;
        out.push(Drawn {
            item: Item::ColorBar { rect },
            clip: false,
        });
        let stroke = Stroke {
            color: FRAME,
            width: u.max(1.0),
        };
        out.push(Drawn {
            item: Item::Rect {
                rect,
                radius: 0.0,
                fill: None,
                stroke: Some(stroke),
                class: "frame",
            },
            clip: false,
        });
        out.push(text(
            "loss",
            [x, y - 8.0 * u],
            l.ems.tick,
            TEXT,
            Anchor::Start,
            "colorbar-title",
        ));
        let scale = &self.layer.scale;
        let mid = 0.5 * (text::ascent(l.ems.tick) - text::descent(l.ems.tick));
        let mut ticks = Vec::new();
        let mut last_y = f64::INFINITY;
        for tick in scale.ticks(8) {
            let t = scale.t(tick);
            if !t.is_finite() {
                continue;
            }
            let ty = y + h - h * t;
            ticks.push(vec![[x + w, ty], [x + w + 4.0 * u, ty]]);
            // labels never overlap: skip one too close to the previous (ticks rise upward)
            if last_y - ty < 1.1 * l.ems.tick {
                continue;
            }
            last_y = ty;
            out.push(text(
                &sig(tick),
                [x + w + 6.0 * u, ty + mid],
                l.ems.tick,
                TEXT,
                Anchor::Start,
                "tick",
            ));
        }
        out.push(Drawn {
            item: Item::Path(PathItem::stroked("axis", ticks, stroke)),
            clip: false,
        });
    }

    /// What changes with the step: trails and their heads, the markers drawn over them, the
    /// legend and the step counter.
    pub(crate) fn dynamic_items(&self, step: usize) -> Vec<Drawn> {
        let figure = Figure::build(self.scene, self.runs, self.projection.view, step);
        let u = self.u();
        let mut out = Vec::new();
        let bounds = self.clip_box();
        // markers and lines keep a legible size in small images
        let mu = u.max(0.75);
        let width = (2.0 * u).max(2.0);
        let halo_width = width + (2.0 * u).max(1.5);
        for t in &figure.trails {
            let Some(head) = t.head() else { continue };
            let Some(trail) = self.trails.get(t.index).and_then(Option::as_ref) else {
                continue;
            };
            let head_px = self.projection.project(head);
            let subpaths: Vec<Vec<[f64; 2]>> = trail
                .upto(t.points.len() - 1, Some(head_px))
                .iter()
                .flat_map(|line| clip_polyline(line, bounds))
                .collect();
            let label = ("optimizer", t.label.to_string());
            let rgb = [t.color[0], t.color[1], t.color[2], 255];
            let mut halo = PathItem::stroked(
                "trail-halo",
                subpaths.clone(),
                Stroke {
                    color: HALO,
                    width: halo_width,
                },
            );
            halo.round = true;
            halo.data = Some(label.clone());
            let mut path = PathItem::stroked("trail", subpaths, Stroke { color: rgb, width });
            path.round = true;
            path.data = Some(label);
            out.push(Drawn {
                item: Item::Path(halo),
                clip: true,
            });
            out.push(Drawn {
                item: Item::Path(path),
                clip: true,
            });
            if self.inside(head_px, 10.0 * mu) {
                head_marker(&mut out, t.end, head_px, rgb, mu);
            }
        }
        for m in &figure.marks {
            let c = self.projection.project(m.at);
            if self.inside(c, 10.0 * mu) {
                mark(&mut out, m.kind, c, mu);
            }
        }
        if self.layout.full {
            self.legend(&mut out, &figure.legend);
            let l = &self.layout;
            let [left, _, w, _] = l.plot;
            out.push(text(
                &format!("step {} / {}", step.min(figure.last_step), figure.last_step),
                [left + w, l.footer_baseline],
                l.ems.step,
                WEAK,
                Anchor::End,
                "step",
            ));
        }
        out
    }

    fn legend(&self, out: &mut Vec<Drawn>, rows: &[LegendEntry]) {
        if rows.is_empty() {
            return;
        }
        let l = &self.layout;
        let u = self.u();
        let [left, top, pw, ph] = l.plot;
        let max_w = 0.6 * pw;
        let max_h = 0.75 * ph;
        // Text shrinks (not below the floor) until the rows fit the height; past that, the
        // last rows give way to "… and k more".
        let (mut em, mut small) = (l.ems.legend, l.ems.status);
        let row_h = |em: f64| 1.45 * em;
        let box_h = |n: usize, em: f64| n as f64 * row_h(em) + 0.6 * em;
        while box_h(rows.len(), em) > max_h && em > MIN_EM {
            em = (em * 0.9).max(MIN_EM);
            small = (small * 0.9).max(MIN_EM);
        }
        let mut shown = rows.len();
        while shown > 1 && box_h(shown, em) > max_h {
            shown -= 1;
        }
        let more = (shown < rows.len()).then(|| rows.len() - shown + 1);
        let label_of = |k: usize, r: &LegendEntry| match more {
            Some(n) if k + 1 == shown => format!("… and {n} more"),
            _ => r.label.clone(),
        };
        let pad = 0.6 * em;
        let swatch = 1.5 * em;
        let gap = 0.7 * em;
        let labels_w = rows
            .iter()
            .take(shown)
            .enumerate()
            .map(|(k, r)| text::width(&label_of(k, r), em))
            .fold(0.0, f64::max);
        // The status column is at least as wide as any "loss …", so the box keeps its size
        // while an animation runs; longer statuses ("diverged at step …") are shortened to
        // fit, and the column goes only when not even a loss fits.
        let template = text::width("loss -0.0000e-00", small);
        let statuses = rows
            .iter()
            .map(|r| text::width(&r.status, small))
            .fold(template, f64::max);
        let fixed = pad + swatch + 0.5 * em + pad;
        let (labels_w, status_w) = if fixed + labels_w + gap + statuses <= max_w {
            (labels_w, Some(statuses))
        } else if fixed + labels_w + gap + template <= max_w {
            (labels_w, Some(max_w - fixed - labels_w - gap))
        } else {
            (labels_w.min(max_w - fixed), None)
        };
        let box_w = fixed + labels_w + status_w.map_or(0.0, |s| gap + s);
        let box_height = box_h(shown, em);
        let margin = 10.0 * u;
        let bx = left + pw - box_w - margin;
        let by = top + margin;
        out.push(Drawn {
            item: Item::Rect {
                rect: [bx, by, box_w, box_height],
                radius: 4.0 * u,
                fill: Some(LEGEND_BOX),
                stroke: None,
                class: "legend",
            },
            clip: true,
        });
        let label_x = bx + pad + swatch + 0.5 * em;
        let mid = 0.5 * (text::ascent(em) - text::descent(em));
        for (k, row) in rows.iter().take(shown).enumerate() {
            let cy = by + 0.3 * em + row_h(em) * (k as f64 + 0.5);
            let is_more = more.is_some() && k + 1 == shown;
            if !is_more {
                let rgb = [row.color[0], row.color[1], row.color[2], 255];
                out.push(Drawn {
                    item: Item::Path(PathItem::stroked(
                        "legend-swatch",
                        vec![vec![[bx + pad, cy], [bx + pad + swatch, cy]]],
                        Stroke {
                            color: rgb,
                            width: (0.25 * em).max(1.5),
                        },
                    )),
                    clip: true,
                });
            }
            let label = text::ellipsize(&label_of(k, row), em, labels_w);
            out.push(text(
                &label,
                [label_x, cy + mid],
                em,
                LEGEND_TEXT,
                Anchor::Start,
                "legend-label",
            ));
            if let Some(room) = status_w
                && !is_more
            {
                let status = text::ellipsize(&row.status, small, room);
                let color = if row.alert {
                    LEGEND_ALERT
                } else {
                    LEGEND_STATUS
                };
                out.push(text(
                    &status,
                    [label_x + labels_w + gap, cy + mid],
                    small,
                    color,
                    Anchor::Start,
                    "legend-status",
                ));
            }
        }
    }
}

fn text(s: &str, at: [f64; 2], em: f64, color: Rgba, anchor: Anchor, class: &'static str) -> Drawn {
    Drawn {
        item: Item::Text(TextItem {
            text: s.to_string(),
            at,
            em,
            color,
            anchor,
            class,
        }),
        clip: false,
    }
}

/// The marker at a trail's head: a dot, a cross where it diverged, a square where it stalled.
fn head_marker(out: &mut Vec<Drawn>, end: TrailEnd, c: [f64; 2], color: Rgba, u: f64) {
    let push = |out: &mut Vec<Drawn>, item| out.push(Drawn { item, clip: true });
    match end {
        TrailEnd::Head => {
            push(
                out,
                Item::Circle {
                    center: c,
                    radius: 5.5 * u,
                    fill: Some(HALO),
                    stroke: None,
                    class: "head-halo",
                },
            );
            push(
                out,
                Item::Circle {
                    center: c,
                    radius: 4.0 * u,
                    fill: Some(color),
                    stroke: None,
                    class: "head",
                },
            );
        }
        TrailEnd::Diverged => {
            let s = 6.0 * u;
            let cross = vec![
                vec![[c[0] - s, c[1] - s], [c[0] + s, c[1] + s]],
                vec![[c[0] - s, c[1] + s], [c[0] + s, c[1] - s]],
            ];
            for (stroke, class) in [
                (
                    Stroke {
                        color: HALO,
                        width: 4.5 * u,
                    },
                    "head-halo",
                ),
                (
                    Stroke {
                        color,
                        width: 2.5 * u,
                    },
                    "head diverged",
                ),
            ] {
                let mut p = PathItem::stroked(class, cross.clone(), stroke);
                p.round = true;
                push(out, Item::Path(p));
            }
        }
        TrailEnd::Stalled => {
            let r = 4.5 * u;
            let e = 1.5 * u;
            push(
                out,
                Item::Rect {
                    rect: [c[0] - r - e, c[1] - r - e, 2.0 * (r + e), 2.0 * (r + e)],
                    radius: u,
                    fill: Some(HALO),
                    stroke: None,
                    class: "head-halo",
                },
            );
            push(
                out,
                Item::Rect {
                    rect: [c[0] - r, c[1] - r, 2.0 * r, 2.0 * r],
                    radius: u,
                    fill: Some(color),
                    stroke: None,
                    class: "head stalled",
                },
            );
        }
    }
}

/// Minima (white diamonds), saddles (white squares) and the start (a white ring).
fn mark(out: &mut Vec<Drawn>, kind: MarkKind, c: [f64; 2], u: f64) {
    let item = |item| Drawn { item, clip: true };
    match kind {
        MarkKind::Minimum => {
            let d = 5.0 * u;
            out.push(item(Item::Path(PathItem {
                class: "minimum",
                subpaths: vec![vec![
                    [c[0], c[1] - d],
                    [c[0] + d, c[1]],
                    [c[0], c[1] + d],
                    [c[0] - d, c[1]],
                ]],
                closed: true,
                fill: Some(WHITE),
                stroke: Some(Stroke {
                    color: BLACK,
                    width: 1.2 * u,
                }),
                round: false,
                data: None,
            })));
        }
        MarkKind::Saddle => {
            let r = 4.5 * u;
            out.push(item(Item::Rect {
                rect: [c[0] - r, c[1] - r, 2.0 * r, 2.0 * r],
                radius: 0.0,
                fill: None,
                stroke: Some(Stroke {
                    color: WHITE,
                    width: 1.6 * u,
                }),
                class: "saddle",
            }));
        }
        MarkKind::Start => {
            for (color, width, class) in [(HALO, 3.5 * u, "start-halo"), (WHITE, 1.8 * u, "start")]
            {
                out.push(item(Item::Circle {
                    center: c,
                    radius: 7.0 * u,
                    fill: None,
                    stroke: Some(Stroke { color, width }),
                    class,
                }));
            }
        }
    }
}

/// Tick labels with as many decimals as the spacing needs and no more ("0.25", "-1", "2.5").
pub(crate) fn tick_labels(ticks: &[f64]) -> Vec<String> {
    let step = ticks
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    let decimals = if step.is_finite() && step > 0.0 {
        (0..=12)
            .find(|&d| {
                let scaled = step * 10f64.powi(d);
                (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
            })
            .unwrap_or(12) as usize
    } else {
        2
    };
    ticks
        .iter()
        .map(|v| {
            let s = format!("{v:.decimals$}");
            // "-0.00" reads as a bug
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                s.trim_start_matches('-').to_string()
            } else {
                s
            }
        })
        .collect()
}

/// The parts of a polyline inside `[x0, y0, x1, y1]` (Liang–Barsky on each segment), joined
/// where consecutive segments stay inside. Non-finite points break the line.
pub(crate) fn clip_polyline(line: &[[f64; 2]], b: [f64; 4]) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    if line.len() == 1 && finite(&line[0]) && inside_box(line[0], b) {
        return vec![vec![line[0], line[0]]];
    }
    for w in line.windows(2) {
        let (p, q) = (w[0], w[1]);
        if !(finite(&p) && finite(&q)) {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        match clip_segment(p, q, b) {
            Some((a, c, a_moved, c_moved)) => {
                if a_moved || current.is_empty() {
                    if current.len() >= 2 {
                        out.push(std::mem::take(&mut current));
                    }
                    current = vec![a];
                }
                current.push(c);
                if c_moved {
                    out.push(std::mem::take(&mut current));
                }
            }
            None => {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

fn inside_box(p: [f64; 2], b: [f64; 4]) -> bool {
    p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]
}

/// The part of segment p→q inside the box, and whether each end was moved.
fn clip_segment(p: [f64; 2], q: [f64; 2], b: [f64; 4]) -> Option<([f64; 2], [f64; 2], bool, bool)> {
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (den, num) in [
        (-dx, p[0] - b[0]),
        (dx, b[2] - p[0]),
        (-dy, p[1] - b[1]),
        (dy, b[3] - p[1]),
    ] {
        if den == 0.0 {
            if num < 0.0 {
                return None;
            }
        } else {
            let r = num / den;
            if den < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0.is_nan() || t1.is_nan() || t0 > t1 {
        return None;
    }
    let at = |t: f64| [p[0] + t * dx, p[1] + t * dy];
    let a = if t0 > 0.0 { at(t0) } else { p };
    let c = if t1 < 1.0 { at(t1) } else { q };
    Some((a, c, t0 > 0.0, t1 < 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_labels(&[-1.0, 0.0, 1.0]), ["-1", "0", "1"]);
        assert_eq!(tick_labels(&[0.25, 0.5, 0.75]), ["0.25", "0.50", "0.75"]);
        assert_eq!(tick_labels(&[-2.5, 0.0, 2.5]), ["-2.5", "0.0", "2.5"]);
        assert_eq!(tick_labels(&[3.0]), ["3.00"]);
    }

    #[test]
    fn clipping_keeps_the_inside_and_cuts_at_the_border() {
        let b = [0.0, 0.0, 10.0, 10.0];
        let line = [
            [-5.0, 5.0],
            [5.0, 5.0],
            [5.0, 8.0],
            [15.0, 8.0],
            [20.0, 20.0],
            [5.0, 5.0],
        ];
        let parts = clip_polyline(&line, b);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(
            parts[0],
            vec![[0.0, 5.0], [5.0, 5.0], [5.0, 8.0], [10.0, 8.0]]
        );
        assert_eq!(parts[1].last(), Some(&[5.0, 5.0]));
        let far = [[1e300, 1e300], [2e300, -1e300]];
        assert!(clip_polyline(&far, b).is_empty());
        let nan = [[1.0, 1.0], [f64::NAN, 2.0], [3.0, 3.0], [4.0, 4.0]];
        assert_eq!(clip_polyline(&nan, b), vec![vec![[3.0, 3.0], [4.0, 4.0]]]);
    }

    #[test]
    fn layouts_fit_inside_the_image() {
        for (w, h) in [
            (320, 240),
            (640, 480),
            (1600, 1200),
            (3840, 2160),
            (2000, 400),
            (400, 2000),
            (240, 180),
            (8192, 180),
            (240, 8192),
        ] {
            let l = Layout::new(
                w,
                h,
                "A title",
                "A fairly long description of what the scene shows, long enough to wrap onto a second line at small sizes.",
            );
            let [left, top, pw, ph] = l.plot;
            assert!(l.full);
            assert!(left > 0.0 && top > 0.0, "{w}x{h}");
            assert!(
                left + pw < f64::from(w) && top + ph < f64::from(h),
                "{w}x{h}: {:?}",
                l.plot
            );
            assert!(l.colorbar[0] + l.colorbar[2] < f64::from(w));
            assert_eq!(left.fract(), 0.0);
            assert_eq!(pw.fract(), 0.0);
        }
        let tiny = Layout::new(16, 16, "t", "d");
        assert!(!tiny.full);
        assert_eq!(tiny.plot, [0.0, 0.0, 16.0, 16.0]);
    }
}
