//! The 3D view's projection: an orbit camera (azimuth, elevation, zoom) looking at the
//! landscape's box, orthographic, onto a pixel rectangle. Pure math, like
//! [`super::projection`], so the window, the exports and the tests agree on where a point
//! lands; [`Orbit::unproject`] is the exact inverse of [`Orbit::project`].
//!
//! Model space: the view box maps onto x, y ∈ [−1, 1] (x to the right, y away, as on the
//! 2D plot), heights onto z ∈ [0, [`HEIGHT`]], and the floor with the contour map lies at
//! z = [`FLOOR_Z`]. The box is fitted by its bounding sphere, so at zoom 1 every angle shows
//! all of it and the picture does not change size while orbiting.

use crate::scene::Camera;

/// Height of the surface's highest point in model units (the box is 2 × 2 wide).
pub const HEIGHT: f64 = 1.0;
/// Where the floor (contour map and the paths' shadows) lies, below the surface's lowest
/// point, so the two read apart from the usual angles.
pub const FLOOR_Z: f64 = -0.6;
/// Valid zoom factors, inclusive (the window's wheel; exports use 1).
pub const ZOOM_RANGE: [f64; 2] = [0.5, 8.0];

/// The centre of the box the camera turns about.
const CENTER: [f64; 3] = [0.0, 0.0, 0.5 * (FLOOR_Z + HEIGHT)];

/// Radius of the box's bounding sphere.
fn radius() -> f64 {
    let half_z = 0.5 * (HEIGHT - FLOOR_Z);
    (2.0 + half_z * half_z).sqrt()
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// An orbit camera over a pixel rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Orbit {
    pub camera: Camera,
    /// 1 fits the whole box; clamped to [`ZOOM_RANGE`].
    pub zoom: f64,
    /// Left, top, width, height in pixels.
    pub rect: [f64; 4],
    /// Screen right, screen up and toward the eye, in model space (orthonormal).
    right: [f64; 3],
    up: [f64; 3],
    eye: [f64; 3],
    /// Pixels per model unit.
    scale: f64,
}

impl Orbit {
    pub fn new(camera: Camera, zoom: f64, rect: [f64; 4]) -> Orbit {
        let zoom = if zoom.is_finite() {
            zoom.clamp(ZOOM_RANGE[0], ZOOM_RANGE[1])
        } else {
            1.0
        };
        let (a, e) = (camera.azimuth.to_radians(), camera.elevation.to_radians());
        let (sa, ca, se, ce) = (a.sin(), a.cos(), e.sin(), e.cos());
        let side = rect[2].min(rect[3]).max(1.0);
        Orbit {
            camera,
            zoom,
            rect,
            right: [-sa, ca, 0.0],
            up: [-se * ca, -se * sa, ce],
            eye: [ce * ca, ce * sa, se],
            scale: zoom * 0.5 * side / radius(),
        }
    }

    /// The rectangle's centre, where the box's centre lands.
    fn center_px(&self) -> [f64; 2] {
        let [l, t, w, h] = self.rect;
        [l + 0.5 * w, t + 0.5 * h]
    }

    /// Pixels per model unit.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// The unit vector from the box toward the eye, in model space.
    pub fn eye(&self) -> [f64; 3] {
        self.eye
    }

    /// Screen up in model space (the light comes from above and behind the viewer).
    pub fn up(&self) -> [f64; 3] {
        self.up
    }

    /// Screen right in model space.
    pub fn right(&self) -> [f64; 3] {
        self.right
    }

    /// A model point as pixel x, pixel y (down) and depth (larger is nearer the eye).
    pub fn project(&self, p: [f64; 3]) -> [f64; 3] {
        let d = [p[0] - CENTER[0], p[1] - CENTER[1], p[2] - CENTER[2]];
        let c = self.center_px();
        [
            c[0] + self.scale * dot(d, self.right),
            c[1] - self.scale * dot(d, self.up),
            dot(d, self.eye),
        ]
    }

    /// The model point at pixel (x, y) and depth: the inverse of [`Orbit::project`].
    pub fn unproject(&self, q: [f64; 3]) -> [f64; 3] {
        let c = self.center_px();
        let r = (q[0] - c[0]) / self.scale;
        let u = (c[1] - q[1]) / self.scale;
        std::array::from_fn(|k| CENTER[k] + r * self.right[k] + u * self.up[k] + q[2] * self.eye[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cameras() -> Vec<Camera> {
        let mut out = Vec::new();
        for a in [-180.0, -60.0, 0.0, 37.5, 90.0, 180.0] {
            for e in [0.0, 30.0, 60.0, 90.0] {
                out.push(Camera {
                    azimuth: a,
                    elevation: e,
                });
            }
        }
        out
    }

    #[test]
    fn unproject_inverts_project_from_every_angle() {
        for c in cameras() {
            for zoom in [0.5, 1.0, 3.0] {
                let o = Orbit::new(c, zoom, [10.0, 20.0, 640.0, 480.0]);
                for p in [
                    [0.0, 0.0, 0.0],
                    [-1.0, 1.0, HEIGHT],
                    [0.3, -0.7, FLOOR_Z],
                    [5.0, -3.0, 2.0],
                ] {
                    let back = o.unproject(o.project(p));
                    for k in 0..3 {
                        assert!((back[k] - p[k]).abs() < 1e-12, "{c:?} {p:?} → {back:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn at_zoom_one_the_whole_box_stays_inside_the_rectangle() {
        let rect = [10.0, 20.0, 640.0, 480.0];
        for c in cameras() {
            let o = Orbit::new(c, 1.0, rect);
            for x in [-1.0, 1.0] {
                for y in [-1.0, 1.0] {
                    for z in [FLOOR_Z, HEIGHT] {
                        let [px, py, _] = o.project([x, y, z]);
                        assert!(px >= rect[0] && px <= rect[0] + rect[2], "{c:?}: x {px}");
                        assert!(py >= rect[1] && py <= rect[1] + rect[3], "{c:?}: y {py}");
                    }
                }
            }
        }
        // zoom is bounded, and a nonsense zoom is 1
        assert_eq!(
            Orbit::new(Camera::default(), 100.0, rect).zoom,
            ZOOM_RANGE[1]
        );
        assert_eq!(Orbit::new(Camera::default(), f64::NAN, rect).zoom, 1.0);
    }

    #[test]
    fn the_camera_looks_the_way_its_angles_say() {
        let rect = [0.0, 0.0, 100.0, 100.0];
        // from straight above, higher points are not higher on screen, and the eye is up
        let top = Orbit::new(
            Camera {
                azimuth: 0.0,
                elevation: 90.0,
            },
            1.0,
            rect,
        );
        let (a, b) = (top.project([0.2, 0.3, 0.0]), top.project([0.2, 0.3, 1.0]));
        assert!((a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9);
        assert!(b[2] > a[2], "the higher point is nearer the eye");
        // level with the floor from +x: x is depth, y runs to the right, z up the screen
        let side = Orbit::new(
            Camera {
                azimuth: 0.0,
                elevation: 0.0,
            },
            1.0,
            rect,
        );
        let o = side.project([0.0, 0.0, 0.0]);
        assert!(side.project([1.0, 0.0, 0.0])[2] > o[2]);
        assert!(side.project([0.0, 1.0, 0.0])[0] > o[0]);
        assert!(side.project([0.0, 0.0, 1.0])[1] < o[1]);
    }
}
