//! The 3D view: the surface as a height field over the view box, coloured like the 2D map
//! and shaded so its shape reads, over a floor carrying the contour map and the paths'
//! shadows, with the trajectories lifted onto it — the "path in 3D and its projection"
//! picture of the lectures.
//!
//! It is drawn through the shared draw list ([`super::draw`]), so the window, the browser
//! and every export paint it alike: the mesh is projected by an [`Orbit`] camera into flat
//! faces in painting order ([`MeshItem`]), the rest are paths and markers. What is expensive
//! is computed once in a [`Landscape`] (the surface sampled at the mesh's corners, heights,
//! colours, normals, floor contours) and [`Lifted`] (every trajectory point in model space);
//! a new camera only projects and sorts.
//!
//! Painting order: the floor (colour map, contours, frame), the shadows, the surface faces
//! far to near, then the trails, heads and marks on top. Faces are ordered by walking the
//! grid away from the eye (rows and columns each in the direction that comes nearer), which
//! is exact for a height field seen from above under an orthographic camera: a point can only
//! be hidden by one nearer the eye in both grid directions. The trails are drawn over the
//! surface, so a path behind a ridge shows through it.

use super::arrows;
use super::colormap::viridis;
use super::contour::{ContourLevel, contours};
use super::draw::{
    Anchor, Drawn, EMPHASIS, Ems, Ink, Item, MeshItem, PathItem, Rgba, Stroke, TRAIL_TOLERANCE_PX,
    Theme, text,
};
use super::grid::Grid;
use super::items;
use super::levels::ColorScale;
use super::model::{CONTOUR_LEVELS, Figure};
use super::orbit::{FLOOR_Z, HEIGHT, Orbit};
use crate::engine::{Surface, Trajectory, Vec2, ViewBox};
use crate::scene::Camera;

/// Quads along each side of the mesh: fine enough to look smooth at 1600 × 1200 and cheap
/// enough to orbit at frame rate (the bench's 3D stage).
pub const MESH_QUADS: usize = 128;
/// Bounds of the mesh's quads per side.
pub const MESH_QUADS_RANGE: [usize; 2] = [2, 512];
/// The floor's contour lines are traced on a grid this many cells across.
const CONTOUR_GRID: usize = 256;
/// The narrowest part of the height scale that can be shown.
pub const MIN_CLIP_SPAN: f64 = 0.05;
/// How much darker the floor's colour map is than the surface, so the two read apart.
const FLOOR_SHADE: f64 = 0.62;
/// How much darker a path's shadow on the floor is than the path.
const SHADOW_SHADE: f64 = 0.7;

/// Which views a figure shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ViewMode {
    /// The contour map from above (the default).
    #[default]
    TwoD,
    /// The landscape in 3D.
    ThreeD,
    /// Both side by side: same step, same highlight.
    Both,
}

impl ViewMode {
    pub const ALL: [ViewMode; 3] = [ViewMode::TwoD, ViewMode::ThreeD, ViewMode::Both];

    /// Its name on the command line.
    pub fn key(self) -> &'static str {
        match self {
            ViewMode::TwoD => "2d",
            ViewMode::ThreeD => "3d",
            ViewMode::Both => "both",
        }
    }

    pub fn from_key(key: &str) -> Option<ViewMode> {
        Self::ALL
            .into_iter()
            .find(|m| m.key().eq_ignore_ascii_case(key))
    }

    pub fn has_2d(self) -> bool {
        self != ViewMode::ThreeD
    }

    pub fn has_3d(self) -> bool {
        self != ViewMode::TwoD
    }
}

/// How loss becomes height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Heights {
    /// On the 2D colour scale's logarithmic axis (so Rosenbrock's valley has depth), or
    /// linear in the loss.
    pub log: bool,
    /// The part of the height axis shown, as fractions of it (0 the lowest loss in view, 1
    /// the highest): below it the surface lies flat on the bottom, above it flat on the top,
    /// so a cliff or a plateau does not flatten everything else.
    pub clip: [f64; 2],
}

impl Default for Heights {
    fn default() -> Self {
        Heights {
            log: true,
            clip: [0.0, 1.0],
        }
    }
}

impl Heights {
    /// The clip range inside [0, 1], ordered, at least [`MIN_CLIP_SPAN`] wide.
    pub fn normalized(self) -> Heights {
        let ok = |v: f64, d: f64| if v.is_finite() { v.clamp(0.0, 1.0) } else { d };
        let (a, b) = (ok(self.clip[0], 0.0), ok(self.clip[1], 1.0));
        let (mut lo, mut hi) = (a.min(b), a.max(b));
        if hi - lo < MIN_CLIP_SPAN {
            lo = lo.min(1.0 - MIN_CLIP_SPAN);
            hi = lo + MIN_CLIP_SPAN;
        }
        Heights {
            log: self.log,
            clip: [lo, hi],
        }
    }
}

/// Everything about the 3D view a figure needs besides the scene.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    pub camera: Camera,
    /// See [`Orbit::zoom`]; exports use 1.
    pub zoom: f64,
    pub heights: Heights,
    /// A GIF turns the camera once around at the last step instead of animating the steps.
    pub orbit: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            camera: Camera::default(),
            zoom: 1.0,
            heights: Heights::default(),
            orbit: false,
        }
    }
}

/// Colour and normal of one quad of the mesh.
#[derive(Clone, Copy, Debug)]
struct Quad {
    color: [u8; 3],
    normal: [f64; 3],
    /// All four corners finite.
    ok: bool,
}

/// The surface over one view box, sampled at the corners of an `n × n` mesh, with its heights,
/// colours, normals and floor contours: what every camera reuses.
#[derive(Clone, Debug)]
pub struct Landscape {
    pub surface: Surface,
    pub view: ViewBox,
    pub heights: Heights,
    /// The colour scale (as in 2D: logarithmic), over the sampled values.
    pub scale: ColorScale,
    /// Quads per side.
    n: usize,
    /// Model height of each corner, row-major from the lowest y; NaN where not finite.
    z: Vec<f64>,
    quads: Vec<Quad>,
    /// The floor's contour lines, in parameter space.
    pub contours: Vec<ContourLevel>,
    /// The lowest and highest finite sample (linear heights).
    range: [f64; 2],
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn unit(a: [f64; 3]) -> [f64; 3] {
    let n = (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt();
    if n > 0.0 && n.is_finite() {
        [a[0] / n, a[1] / n, a[2] / n]
    } else {
        [0.0, 0.0, 1.0]
    }
}

fn shaded(c: [u8; 3], k: f64) -> Rgba {
    let s = |v: u8| (f64::from(v) * k).round().clamp(0.0, 255.0) as u8;
    [s(c[0]), s(c[1]), s(c[2]), 255]
}

impl Landscape {
    /// Samples `surface` at the corners of an `n × n` mesh over `view` (`n` within
    /// [`MESH_QUADS_RANGE`]) and traces the floor's contours.
    pub fn compute(surface: &Surface, view: ViewBox, n: usize, heights: Heights) -> Landscape {
        Self::compute_with(surface, view, n, heights, None)
    }

    /// As [`Landscape::compute`], coloured (and, with log heights, raised) on `scale` when
    /// given: the 2D view's, when both are shown side by side, so a colour means the same loss
    /// in both.
    pub fn compute_with(
        surface: &Surface,
        view: ViewBox,
        n: usize,
        heights: Heights,
        scale: Option<ColorScale>,
    ) -> Landscape {
        let n = n.clamp(MESH_QUADS_RANGE[0], MESH_QUADS_RANGE[1]);
        let heights = heights.normalized();
        // a grid samples cell centres: widened by half a cell, its centres are the corners
        let (hx, hy) = (
            0.5 * view.width() / n as f64,
            0.5 * view.height() / n as f64,
        );
        let corners = ViewBox {
            x: [view.x[0] - hx, view.x[1] + hx],
            y: [view.y[0] - hy, view.y[1] + hy],
        };
        let (grid, floor) = rayon::join(
            || Grid::evaluate(surface, corners, n + 1, n + 1),
            || Grid::evaluate(surface, view, CONTOUR_GRID, CONTOUR_GRID),
        );
        let scale = scale.unwrap_or_else(|| ColorScale::from_grid(&grid));
        let range = grid.finite_range().map_or([0.0, 1.0], |(lo, hi)| [lo, hi]);
        let mut land = Landscape {
            surface: surface.clone(),
            view,
            heights,
            scale,
            n,
            z: Vec::new(),
            quads: Vec::new(),
            contours: contours(&floor, &scale.levels(CONTOUR_LEVELS)),
            range,
        };
        land.z = grid.values.iter().map(|&f| land.height(f)).collect();
        let ts: Vec<f64> = grid.values.iter().map(|&f| scale.t(f)).collect();
        let m = n + 1;
        land.quads = (0..n * n)
            .map(|q| {
                let (i, j) = (q % n, q / n);
                let idx = [
                    j * m + i,
                    j * m + i + 1,
                    (j + 1) * m + i + 1,
                    (j + 1) * m + i,
                ];
                let ok = idx.iter().all(|&k| land.z[k].is_finite());
                let t = idx.iter().map(|&k| ts[k]).sum::<f64>() / 4.0;
                let v = |k: usize| land.vertex(k % m, k / m);
                let normal = unit(cross(sub(v(idx[2]), v(idx[0])), sub(v(idx[3]), v(idx[1]))));
                Quad {
                    color: viridis(t),
                    normal,
                    ok,
                }
            })
            .collect();
        land
    }

    /// Quads per side.
    pub fn quads(&self) -> usize {
        self.n
    }

    /// Model height of a loss value: its position on the height axis, clipped.
    pub fn height(&self, f: f64) -> f64 {
        if !f.is_finite() {
            return f64::NAN;
        }
        let t = if self.heights.log {
            self.scale.t(f)
        } else {
            let [lo, hi] = self.range;
            if hi > lo { (f - lo) / (hi - lo) } else { 0.0 }
        };
        let [a, b] = self.heights.clip;
        HEIGHT * ((t - a) / (b - a)).clamp(0.0, 1.0)
    }

    /// Model x and y of a parameter point (the view box maps onto [−1, 1]²).
    pub fn model_xy(&self, p: Vec2) -> [f64; 2] {
        let v = self.view;
        [
            2.0 * (p.x - v.x[0]) / v.width() - 1.0,
            2.0 * (p.y - v.y[0]) / v.height() - 1.0,
        ]
    }

    /// The parameter point of model x and y.
    pub fn param(&self, m: [f64; 2]) -> Vec2 {
        let v = self.view;
        Vec2::new(
            v.x[0] + 0.5 * (m[0] + 1.0) * v.width(),
            v.y[0] + 0.5 * (m[1] + 1.0) * v.height(),
        )
    }

    /// The point of the surface above `p` with loss `f`, in model space; NaN outside the view
    /// box or where the loss is not finite.
    pub fn lift(&self, p: Vec2, f: f64) -> [f64; 3] {
        let [x, y] = self.model_xy(p);
        let inside = (-1.0..=1.0).contains(&x) && (-1.0..=1.0).contains(&y);
        if inside && f.is_finite() {
            [x, y, self.height(f)]
        } else {
            [f64::NAN; 3]
        }
    }

    /// Corner `(i, j)` in model space.
    fn vertex(&self, i: usize, j: usize) -> [f64; 3] {
        let n = self.n as f64;
        [
            -1.0 + 2.0 * i as f64 / n,
            -1.0 + 2.0 * j as f64 / n,
            self.z[j * (self.n + 1) + i],
        ]
    }

    /// Every corner projected, on the surface or (`floor`) on the floor.
    fn projected(&self, orbit: &Orbit, floor: bool) -> Vec<[f32; 2]> {
        let m = self.n + 1;
        let mut out = Vec::with_capacity(m * m);
        for j in 0..m {
            for i in 0..m {
                let mut v = self.vertex(i, j);
                if floor || !v[2].is_finite() {
                    // a corner with no height is used by no face: any finite place will do
                    v[2] = if floor { FLOOR_Z } else { 0.0 };
                }
                let p = orbit.project(v);
                out.push([p[0] as f32, p[1] as f32]);
            }
        }
        out
    }

    /// The four corner indices of quad `(i, j)`, going round it.
    fn corners(&self, i: usize, j: usize) -> [u32; 4] {
        let m = self.n + 1;
        let k = |i: usize, j: usize| (j * m + i) as u32;
        [k(i, j), k(i + 1, j), k(i + 1, j + 1), k(i, j + 1)]
    }

    /// Quads in painting order for `orbit`: far to near (see the module's notes).
    fn order(&self, orbit: &Orbit) -> impl Iterator<Item = (usize, usize)> + use<> {
        let n = self.n;
        let a = orbit.camera.azimuth.to_radians();
        let (ascending_i, ascending_j) = (a.cos() >= 0.0, a.sin() >= 0.0);
        (0..n).flat_map(move |ii| {
            let i = if ascending_i { ii } else { n - 1 - ii };
            (0..n).map(move |jj| (i, if ascending_j { jj } else { n - 1 - jj }))
        })
    }

    /// The floor: the colour map (darkened), its frame, the contour lines and the axis names
    /// (frame and names in `ink`'s colours).
    pub fn floor(&self, orbit: &Orbit, u: f64, ink: &Ink) -> Vec<Drawn> {
        let points = self.projected(orbit, true);
        let faces = self
            .order(orbit)
            .filter(|&(i, j)| self.quads[j * self.n + i].ok)
            .map(|(i, j)| {
                let q = &self.quads[j * self.n + i];
                (self.corners(i, j), shaded(q.color, FLOOR_SHADE))
            })
            .collect();
        let mut out = vec![Drawn::free(Item::Mesh(MeshItem {
            class: "floor",
            points,
            faces,
        }))];
        let at = |x: f64, y: f64| {
            let p = orbit.project([x, y, FLOOR_Z]);
            [p[0], p[1]]
        };
        let mut lines = Vec::new();
        let mut px = Vec::new();
        for level in &self.contours {
            for line in &level.lines {
                px.clear();
                px.extend(line.iter().map(|&[x, y]| {
                    let [mx, my] = self.model_xy(Vec2::new(x, y));
                    at(mx, my)
                }));
                let simple = super::polyline::simplify(&px, super::draw::CONTOUR_TOLERANCE_PX);
                if simple.len() >= 2 {
                    lines.push(simple);
                }
            }
        }
        out.push(Drawn::free(Item::Path(items::contour_path(lines, u))));
        let frame = vec![vec![
            at(-1.0, -1.0),
            at(1.0, -1.0),
            at(1.0, 1.0),
            at(-1.0, 1.0),
            at(-1.0, -1.0),
        ]];
        out.push(Drawn::free(Item::Path(PathItem::stroked(
            "frame",
            frame,
            Stroke {
                color: ink.frame,
                width: u.max(1.0),
            },
        ))));
        let em = Ems::at(u).axis;
        for (name, x, y) in [("x", 0.0, -1.18), ("y", -1.18, 0.0)] {
            let p = at(x, y);
            out.push(text(
                name,
                [p[0], p[1] + 0.35 * em],
                em,
                ink.text,
                Anchor::Middle,
                "axis-title",
            ));
        }
        out
    }

    /// The surface's faces, shaded, in painting order.
    pub fn surface_mesh(&self, orbit: &Orbit) -> MeshItem {
        let points = self.projected(orbit, false);
        // light from above the viewer's left shoulder, turning with the camera, so every
        // angle shows the shape the same way
        let (e, up, r) = (orbit.eye(), orbit.up(), orbit.right());
        let light = unit([
            0.55 * e[0] + 0.75 * up[0] - 0.35 * r[0],
            0.55 * e[1] + 0.75 * up[1] - 0.35 * r[1],
            0.55 * e[2] + 0.75 * up[2] - 0.35 * r[2],
        ]);
        let faces = self
            .order(orbit)
            .filter(|&(i, j)| self.quads[j * self.n + i].ok)
            .map(|(i, j)| {
                let q = &self.quads[j * self.n + i];
                let lambert =
                    q.normal[0] * light[0] + q.normal[1] * light[1] + q.normal[2] * light[2];
                (
                    self.corners(i, j),
                    shaded(q.color, 0.42 + 0.62 * lambert.max(0.0)),
                )
            })
            .collect();
        MeshItem {
            class: "surface",
            points,
            faces,
        }
    }

    /// The parameter point of the surface seen at pixel `px`, if any: the nearest face under
    /// it (the last in painting order), interpolated inside it.
    pub fn pick(&self, orbit: &Orbit, px: [f64; 2]) -> Option<Vec2> {
        let mesh = self.surface_mesh(orbit);
        let (x, y) = (px[0] as f32, px[1] as f32);
        let m = (self.n + 1) as u32;
        mesh.faces.iter().rev().find_map(|(c, _)| {
            // the two triangles of the quad, with each corner's model x and y
            for tri in [[c[0], c[1], c[2]], [c[0], c[2], c[3]]] {
                let [a, b, d] = tri.map(|k| mesh.points[k as usize]);
                let det = (b[1] - d[1]) * (a[0] - d[0]) + (d[0] - b[0]) * (a[1] - d[1]);
                if det.abs() < 1e-12 {
                    continue;
                }
                let l1 = ((b[1] - d[1]) * (x - d[0]) + (d[0] - b[0]) * (y - d[1])) / det;
                let l2 = ((d[1] - a[1]) * (x - d[0]) + (a[0] - d[0]) * (y - d[1])) / det;
                let l3 = 1.0 - l1 - l2;
                if l1 >= 0.0 && l2 >= 0.0 && l3 >= 0.0 {
                    let [ma, mb, md] = tri.map(|k| {
                        let v = self.vertex((k % m) as usize, (k / m) as usize);
                        [v[0], v[1]]
                    });
                    let (l1, l2, l3) = (f64::from(l1), f64::from(l2), f64::from(l3));
                    return Some(self.param([
                        l1 * ma[0] + l2 * mb[0] + l3 * md[0],
                        l1 * ma[1] + l2 * mb[1] + l3 * md[1],
                    ]));
                }
            }
            None
        })
    }
}

/// Every trajectory point lifted onto a landscape (model space, NaN where outside the view
/// or not finite), once per landscape: a new camera or step only projects them.
#[derive(Clone, Debug, Default)]
pub struct Lifted {
    trails: Vec<Option<Vec<[f64; 3]>>>,
}

impl Lifted {
    /// `runs` holds one entry per scene optimizer (`None` for disabled ones).
    pub fn new(land: &Landscape, runs: &[Option<Trajectory>]) -> Lifted {
        Lifted {
            trails: runs
                .iter()
                .map(|r| {
                    r.as_ref().map(|t| {
                        t.points
                            .iter()
                            .zip(&t.losses)
                            .map(|(&p, &f)| land.lift(p, f))
                            .collect()
                    })
                })
                .collect(),
        }
    }
}

/// Projected `points`, a point kept when it is at least `tolerance` pixels from the last one
/// kept (and the last always), split where a point is missing.
fn decimate(points: impl Iterator<Item = Option<[f64; 2]>>, tolerance: f64) -> Vec<Vec<[f64; 2]>> {
    let tol2 = tolerance * tolerance;
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    let mut pending: Option<[f64; 2]> = None;
    for p in points {
        match p {
            Some(q) => {
                let far = current.last().is_none_or(|l| {
                    let (dx, dy) = (q[0] - l[0], q[1] - l[1]);
                    dx * dx + dy * dy >= tol2
                });
                if far {
                    current.push(q);
                    pending = None;
                } else {
                    pending = Some(q);
                }
            }
            None => {
                current.extend(pending.take());
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    current.extend(pending);
    if current.len() >= 2 {
        out.push(current);
    } else if current.len() == 1 {
        out.push(vec![current[0], current[0]]);
    }
    out
}

/// The 3D view of a figure: a landscape seen through an orbit camera, with the figure's
/// trails, heads and marks lifted onto it and their shadows on the floor.
#[derive(Clone, Copy, Debug)]
pub struct Relief<'a> {
    pub land: &'a Landscape,
    pub lifted: &'a Lifted,
    pub orbit: Orbit,
    /// The size unit (see [`super::draw`]).
    pub u: f64,
    pub ems: Ems,
    /// The page's colours (the floor's frame and axis names).
    pub theme: Theme,
    /// The optimizer whose trail is drawn wider.
    pub selected: Option<usize>,
    /// Draw only this optimizer's trail (a grid panel).
    pub only: Option<usize>,
}

impl Relief<'_> {
    /// Everything of the 3D view but the legend (the figure places it), in painting order,
    /// not clipped (at zoom 1 the box stays inside the orbit's rectangle; the window clips its
    /// panel itself).
    pub fn items(&self, figure: &Figure) -> Vec<Drawn> {
        let orbit = &self.orbit;
        let u = self.u;
        let mut out = self.land.floor(orbit, u, &self.theme.ink());
        let shown: Vec<(&super::model::FigureTrail, &[[f64; 3]])> = figure
            .trails
            .iter()
            .filter(|t| self.only.is_none_or(|i| i == t.index))
            .filter_map(|t| {
                let lifted = self.lifted.trails.get(t.index)?.as_ref()?;
                Some((t, lifted.get(..t.points.len())?))
            })
            .collect();
        let project = |p: &[f64; 3], z: Option<f64>| -> Option<[f64; 2]> {
            if !p[0].is_finite() {
                return None;
            }
            let q = orbit.project([p[0], p[1], z.unwrap_or(p[2])]);
            Some([q[0], q[1]])
        };
        for (t, points) in &shown {
            let lines = decimate(
                points.iter().map(|p| project(p, Some(FLOOR_Z))),
                TRAIL_TOLERANCE_PX,
            );
            // opaque, in a darker shade of the trail's colour: a translucent stroke this
            // long costs the raster painter a coverage mask per band
            let mut shadow = PathItem::stroked(
                "shadow",
                lines,
                Stroke {
                    color: shaded(t.color, SHADOW_SHADE),
                    width: (1.5 * u).max(1.2),
                },
            );
            shadow.round = true;
            shadow.data = Some(("optimizer", t.label.to_string()));
            out.push(Drawn::free(Item::Path(shadow)));
        }
        out.push(Drawn::free(Item::Mesh(self.land.surface_mesh(orbit))));
        for (t, points) in &shown {
            let lines = decimate(points.iter().map(|p| project(p, None)), TRAIL_TOLERANCE_PX);
            let Some(head) = points.iter().rev().find_map(|p| project(p, None)) else {
                continue;
            };
            let emphasis = if self.selected == Some(t.index) {
                EMPHASIS
            } else {
                1.0
            };
            let look = items::TrailLook {
                casing: items::casing(t, Some(&self.land.scale)),
                emphasis,
                alpha: 255,
            };
            items::trail(&mut out, t, lines, head, orbit.rect, u, look);
        }
        self.head_arrows(&mut out, figure, &shown);
        let mu = items::marker_unit(u);
        for m in &figure.marks {
            let f = self.land.surface.value(m.at);
            let p = self.land.lift(m.at, f);
            if let Some(c) = project(&p, None) {
                items::mark(&mut out, m.kind, c, mu);
            }
        }
        for d in &mut out {
            d.clip = false;
        }
        out
    }

    /// The gradient, direction and step arrows at each head, as in 2D (same colours, each
    /// kind at one round scale, stated in the corner) but lifted: the tail at the head's point
    /// on the surface, the vector laid in the (x, y) plane at the head's height, projected.
    fn head_arrows(
        &self,
        out: &mut Vec<Drawn>,
        figure: &Figure,
        shown: &[(&super::model::FigureTrail, &[[f64; 3]])],
    ) {
        let (land, orbit) = (self.land, &self.orbit);
        let place = |head: Vec2, v: Vec2| {
            let tail = land.lift(head, land.surface.value(head));
            if !tail[2].is_finite() {
                return None;
            }
            let [x, y] = land.model_xy(head + v);
            let a = orbit.project(tail);
            let b = orbit.project([x, y, tail[2]]);
            Some(([a[0], a[1]], [b[0] - a[0], b[1] - a[1]]))
        };
        let trails: Vec<_> = shown.iter().map(|(t, _)| *t).collect();
        let notes = arrows::head_items(out, figure, &trails, orbit.rect, &place, self.u);
        if !notes.is_empty() {
            let ink = self.theme.ink();
            arrows::note(out, &notes.join("   "), orbit.rect, self.u, self.ems, &ink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SurfaceKind;

    fn rosenbrock() -> Landscape {
        let s = Surface::new(SurfaceKind::Rosenbrock);
        Landscape::compute(&s, s.view_box(), 32, Heights::default())
    }

    #[test]
    fn heights_fill_the_box_and_clip() {
        let land = rosenbrock();
        let z: Vec<f64> = land.z.iter().copied().filter(|z| z.is_finite()).collect();
        assert_eq!(z.len(), 33 * 33);
        let (lo, hi) = z
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(lo.abs() < 1e-9 && (hi - HEIGHT).abs() < 1e-9, "{lo} {hi}");
        // clipped to the lower half of the scale: half the mesh or more sits on the top
        let s = Surface::new(SurfaceKind::Rosenbrock);
        let clipped = Landscape::compute(
            &s,
            s.view_box(),
            32,
            Heights {
                log: true,
                clip: [0.0, 0.5],
            },
        );
        let top = clipped.z.iter().filter(|&&z| z == HEIGHT).count();
        let top_before = land.z.iter().filter(|&&z| z == HEIGHT).count();
        assert!(top > 10 * top_before.max(1), "{top} vs {top_before}");
        // a clip range too narrow or reversed is widened and ordered
        let h = Heights {
            log: true,
            clip: [0.9, 0.9],
        }
        .normalized();
        assert!(h.clip[1] - h.clip[0] >= MIN_CLIP_SPAN && h.clip[1] <= 1.0);
        let h = Heights {
            log: false,
            clip: [f64::NAN, -3.0],
        }
        .normalized();
        assert_eq!(h.clip, [0.0, MIN_CLIP_SPAN]);
    }

    #[test]
    fn faces_are_all_there_and_drawn_far_to_near() {
        let land = rosenbrock();
        for azimuth in [-150.0, -60.0, 30.0, 120.0] {
            let orbit = Orbit::new(
                Camera {
                    azimuth,
                    elevation: 35.0,
                },
                1.0,
                [0.0, 0.0, 800.0, 600.0],
            );
            let mesh = land.surface_mesh(&orbit);
            assert_eq!(mesh.faces.len(), 32 * 32);
            // the first face is farther from the eye than the last (flat floor: no heights)
            let depth = |c: [u32; 4]| {
                let m = 33;
                let v = land.vertex((c[0] % m) as usize, (c[0] / m) as usize);
                orbit.project([v[0], v[1], 0.0])[2]
            };
            let (first, last) = (mesh.faces[0].0, mesh.faces[mesh.faces.len() - 1].0);
            assert!(depth(first) < depth(last), "{azimuth}");
        }
    }

    #[test]
    fn picking_finds_the_point_under_the_pixel() {
        let land = rosenbrock();
        let orbit = Orbit::new(Camera::default(), 1.0, [0.0, 0.0, 800.0, 600.0]);
        for p in [
            Vec2::new(1.0, 1.0),
            Vec2::new(-1.2, 0.4),
            Vec2::new(0.5, 2.5),
        ] {
            let f = land.surface.value(p);
            let q = orbit.project(land.lift(p, f));
            let back = land.pick(&orbit, [q[0], q[1]]).expect("on the surface");
            // the mesh is 32 quads across a 4-unit view: within a quad of the point (a
            // nearer ridge may hide it, which these points' positions rule out)
            assert!((back - p).norm() < 0.2, "{p} → {back}");
        }
        assert_eq!(
            land.pick(&orbit, [1.0, 1.0]),
            None,
            "the corner is background"
        );
    }

    #[test]
    fn decimation_keeps_ends_and_splits_at_gaps() {
        let pts = [
            Some([0.0, 0.0]),
            Some([0.1, 0.0]),
            Some([5.0, 0.0]),
            Some([5.1, 0.0]),
            None,
            Some([9.0, 9.0]),
        ];
        let lines = decimate(pts.into_iter(), 1.0);
        assert_eq!(
            lines,
            vec![
                vec![[0.0, 0.0], [5.0, 0.0], [5.1, 0.0]],
                vec![[9.0, 9.0], [9.0, 9.0]]
            ]
        );
    }
}
