//! The egui painter of the figure's draw list ([`crate::figure::draw`]): the window and the
//! browser paint the same items the PNG and SVG painters do, in points instead of pixels.
//!
//! The caller hands a painter already clipped to where the list belongs (the plot frame, the
//! colour bar strip), so the items' `clip` flag needs no work here. The colour map itself is
//! shown by egui_plot as a plot image, so pan and zoom move it with the axes:
//! [`Item::ColorMap`] and [`Item::Background`] are left to the plot.

use crate::figure::colormap;
use crate::figure::draw::{Anchor, Drawn, Item, MeshItem, PathItem, Rgba, Stroke};
use crate::figure::text as font;
use egui::{Color32, FontId, Pos2, Rect, Shape, StrokeKind};

/// Paints `items`, shifted by `offset` points (lists cached relative to a panel's corner).
pub fn paint(painter: &egui::Painter, items: &[Drawn], offset: egui::Vec2) {
    let at = |p: [f64; 2]| Pos2::new(p[0] as f32, p[1] as f32) + offset;
    let rect = |r: [f64; 4]| {
        let min = at([r[0], r[1]]);
        Rect::from_min_size(min, egui::vec2(r[2] as f32, r[3] as f32))
    };
    for drawn in items {
        match &drawn.item {
            Item::Background(_) | Item::ColorMap => {}
            Item::ColorBar { rect: r } => colorbar(painter, rect(*r)),
            Item::Rect {
                rect: r,
                radius,
                fill,
                stroke,
                ..
            } => {
                painter.rect(
                    rect(*r),
                    *radius as f32,
                    fill.map_or(Color32::TRANSPARENT, color),
                    stroke.map_or(egui::Stroke::NONE, egui_stroke),
                    StrokeKind::Middle,
                );
            }
            Item::Circle {
                center,
                radius,
                fill,
                stroke,
                ..
            } => {
                painter.circle(
                    at(*center),
                    *radius as f32,
                    fill.map_or(Color32::TRANSPARENT, color),
                    stroke.map_or(egui::Stroke::NONE, egui_stroke),
                );
            }
            Item::Path(p) => path(painter, p, at),
            Item::Mesh(m) => {
                painter.add(Shape::mesh(mesh(m, offset)));
            }
            Item::Text(t) => {
                let galley = painter.layout_no_wrap(
                    t.text.clone(),
                    FontId::proportional(t.em as f32),
                    color(t.color),
                );
                let w = galley.size().x;
                let x = match t.anchor {
                    Anchor::Start => 0.0,
                    Anchor::Middle => -0.5 * w,
                    Anchor::End => -w,
                };
                // the list places text by its baseline, egui by the top of the line
                let top = at([t.at[0], t.at[1] - font::ascent(t.em)]) + egui::vec2(x, 0.0);
                painter.galley(top, galley, color(t.color));
            }
        }
    }
}

/// Flat faces as an egui mesh: four corners of one colour and two triangles per face, in
/// order (egui paints a mesh's triangles in index order, so the back-to-front sort holds).
fn mesh(m: &MeshItem, offset: egui::Vec2) -> egui::Mesh {
    let mut out = egui::Mesh::default();
    out.reserve_vertices(4 * m.faces.len());
    out.reserve_triangles(2 * m.faces.len());
    for (corners, c) in &m.faces {
        let Some(points) = m.corners(corners) else {
            continue;
        };
        let base = out.vertices.len() as u32;
        let c = color(*c);
        for p in points {
            out.colored_vertex(Pos2::new(p[0], p[1]) + offset, c);
        }
        out.add_triangle(base, base + 1, base + 2);
        out.add_triangle(base, base + 2, base + 3);
    }
    out
}

pub fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c[0], c[1], c[2], c[3])
}

fn egui_stroke(s: Stroke) -> egui::Stroke {
    egui::Stroke::new(s.width as f32, color(s.color))
}

fn path(painter: &egui::Painter, p: &PathItem, at: impl Fn([f64; 2]) -> Pos2) {
    let stroke = p.stroke.map_or(egui::Stroke::NONE, egui_stroke);
    for sub in &p.subpaths {
        let points: Vec<Pos2> = sub.iter().map(|&q| at(q)).collect();
        match (p.closed, p.fill) {
            (true, Some(fill)) => {
                painter.add(Shape::convex_polygon(points, color(fill), stroke));
            }
            (true, None) => {
                painter.add(Shape::closed_line(points, stroke));
            }
            (false, _) if p.round => {
                for piece in split_at_sharp_turns(points) {
                    painter.add(Shape::line(piece, stroke));
                }
            }
            (false, _) => {
                painter.add(Shape::line(points, stroke));
            }
        }
    }
}

/// Splits a polyline where it turns back on itself. egui joins segments with unbounded
/// miters, not the round joins the list asks for, so an optimizer oscillating about a minimum
/// would otherwise draw long spikes.
fn split_at_sharp_turns(line: Vec<Pos2>) -> Vec<Vec<Pos2>> {
    let turns_back = |w: &[Pos2]| {
        let (u, v) = (w[1] - w[0], w[2] - w[1]);
        u.dot(v) < -0.5 * u.length() * v.length()
    };
    // most lines never turn back: no copy for them
    if !line.windows(3).any(turns_back) {
        return vec![line];
    }
    let mut pieces = Vec::new();
    let mut current = vec![line[0]];
    for w in line.windows(3) {
        current.push(w[1]);
        if turns_back(w) {
            pieces.push(std::mem::replace(&mut current, vec![w[1]]));
        }
    }
    if let Some(&last) = line.last() {
        current.push(last);
    }
    pieces.push(current);
    pieces
}

/// The viridis bar as a mesh, low values at the bottom.
fn colorbar(painter: &egui::Painter, bar: Rect) {
    let mut mesh = egui::Mesh::default();
    let n = 96;
    for k in 0..=n {
        let t = k as f64 / n as f64;
        let y = bar.max.y - bar.height() * t as f32;
        let c = colormap::viridis(t);
        let c = Color32::from_rgb(c[0], c[1], c[2]);
        mesh.colored_vertex(Pos2::new(bar.min.x, y), c);
        mesh.colored_vertex(Pos2::new(bar.max.x, y), c);
        if k > 0 {
            let i = (2 * k) as u32;
            mesh.add_triangle(i - 2, i - 1, i);
            mesh.add_triangle(i - 1, i + 1, i);
        }
    }
    painter.add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharp_turns_split_the_line_and_straight_lines_stay_whole() {
        let p = |x: f32, y: f32| Pos2::new(x, y);
        let straight = vec![p(0.0, 0.0), p(1.0, 0.0), p(2.0, 1.0)];
        assert_eq!(split_at_sharp_turns(straight.clone()), vec![straight]);
        let back = vec![p(0.0, 0.0), p(5.0, 0.0), p(1.0, 0.2), p(6.0, 0.4)];
        let pieces = split_at_sharp_turns(back);
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert_eq!(pieces[0], vec![p(0.0, 0.0), p(5.0, 0.0)]);
        assert_eq!(pieces[2].last(), Some(&p(6.0, 0.4)));
    }
}
