//! Parameter space ↔ pixels. Pure math (no UI types) so the window, the exports and the tests
//! agree on where a point lands; [`Projection::unproject`] is the exact inverse of
//! [`Projection::project`].

use crate::engine::{Vec2, ViewBox};

/// Maps the view box onto a pixel rectangle; pixel y grows downward, parameter y upward.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    pub view: ViewBox,
    /// Left, top, width, height in pixels.
    pub rect: [f64; 4],
}

impl Projection {
    pub fn new(view: ViewBox, rect: [f64; 4]) -> Self {
        Projection { view, rect }
    }

    pub fn project(&self, p: Vec2) -> [f64; 2] {
        let [left, top, w, h] = self.rect;
        [
            left + (p.x - self.view.x[0]) / self.view.width() * w,
            top + (self.view.y[1] - p.y) / self.view.height() * h,
        ]
    }

    pub fn unproject(&self, px: [f64; 2]) -> Vec2 {
        let [left, top, w, h] = self.rect;
        Vec2::new(
            self.view.x[0] + (px[0] - left) / w * self.view.width(),
            self.view.y[1] - (px[1] - top) / h * self.view.height(),
        )
    }

    /// A projection with the given pixels per unit that puts the parameter origin at pixel
    /// (0, 0). Every projection with the same scale is this one shifted by its
    /// `project(origin)`, so work done in these pixels (decimating a trail) survives a pan.
    pub fn scale_only(pixels_per_unit: [f64; 2]) -> Self {
        Projection {
            view: ViewBox {
                x: [0.0, 1.0],
                y: [-1.0, 0.0],
            },
            rect: [0.0, 0.0, pixels_per_unit[0], pixels_per_unit[1]],
        }
    }

    /// Pixels per parameter unit, horizontally and vertically.
    pub fn pixels_per_unit(&self) -> [f64; 2] {
        [
            self.rect[2] / self.view.width(),
            self.rect[3] / self.view.height(),
        ]
    }

    /// Parameter units per pixel, horizontally and vertically.
    pub fn units_per_pixel(&self) -> [f64; 2] {
        [
            self.view.width() / self.rect[2],
            self.view.height() / self.rect[3],
        ]
    }
}

/// The view box `view` zoomed by `factor` (> 1 zooms in) about `center`.
pub fn zoom(view: ViewBox, center: Vec2, factor: f64) -> ViewBox {
    let f = 1.0 / factor;
    ViewBox {
        x: [
            center.x + (view.x[0] - center.x) * f,
            center.x + (view.x[1] - center.x) * f,
        ],
        y: [
            center.y + (view.y[0] - center.y) * f,
            center.y + (view.y[1] - center.y) * f,
        ],
    }
}

/// `view` widened along one axis so that one unit is as long on x as on y in a `w × h`
/// pixel rectangle (the surface is not distorted).
pub fn fit_aspect(view: ViewBox, w: f64, h: f64) -> ViewBox {
    if !(w > 0.0 && h > 0.0) {
        return view;
    }
    let (cx, cy) = (0.5 * (view.x[0] + view.x[1]), 0.5 * (view.y[0] + view.y[1]));
    let units_per_px = (view.width() / w).max(view.height() / h);
    let (hw, hh) = (0.5 * units_per_px * w, 0.5 * units_per_px * h);
    ViewBox {
        x: [cx - hw, cx + hw],
        y: [cy - hh, cy + hh],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_projection_is_its_scale_only_projection_shifted() {
        let p = Projection::new(
            ViewBox {
                x: [-2.5, 3.0],
                y: [0.25, 4.0],
            },
            [10.0, 20.0, 550.0, 375.0],
        );
        let s = Projection::scale_only(p.pixels_per_unit());
        let origin = p.project(Vec2::zeros());
        for q in [
            Vec2::new(0.0, 0.0),
            Vec2::new(-2.5, 4.0),
            Vec2::new(1.7, 0.3),
        ] {
            let (a, b) = (p.project(q), s.project(q));
            assert!((a[0] - (b[0] + origin[0])).abs() < 1e-9, "{a:?} {b:?}");
            assert!((a[1] - (b[1] + origin[1])).abs() < 1e-9, "{a:?} {b:?}");
        }
        assert_eq!(s.project(Vec2::new(1.0, 1.0)), [100.0, -100.0]);
    }

    #[test]
    fn unproject_inverts_project() {
        let p = Projection::new(
            ViewBox {
                x: [-2.0, 2.0],
                y: [-1.0, 3.0],
            },
            [10.0, 20.0, 400.0, 300.0],
        );
        for (x, y) in [(-2.0, -1.0), (0.3, 2.9), (1.0, 1.0), (5.0, -7.0)] {
            let w = Vec2::new(x, y);
            let back = p.unproject(p.project(w));
            assert!((back - w).norm() < 1e-12, "{w} → {back}");
        }
        assert_eq!(
            p.project(Vec2::new(-2.0, 3.0)),
            [10.0, 20.0],
            "top-left corner"
        );
        assert_eq!(
            p.project(Vec2::new(2.0, -1.0)),
            [410.0, 320.0],
            "bottom-right corner"
        );
    }

    #[test]
    fn zoom_keeps_the_centre_fixed() {
        let v = ViewBox::square(2.0);
        let c = Vec2::new(1.0, -0.5);
        let z = zoom(v, c, 2.0);
        assert_eq!(z.width(), 2.0);
        let p0 = Projection::new(v, [0.0, 0.0, 100.0, 100.0]);
        let p1 = Projection::new(z, [0.0, 0.0, 100.0, 100.0]);
        let (a, b) = (p0.project(c), p1.project(c));
        assert!((a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9);
    }

    #[test]
    fn fit_aspect_gives_square_pixels_and_contains_the_view() {
        let v = ViewBox {
            x: [-3.0, 3.0],
            y: [-2.0, 2.0],
        };
        let f = fit_aspect(v, 800.0, 400.0);
        assert!((f.width() / 800.0 - f.height() / 400.0).abs() < 1e-12);
        assert!(f.x[0] <= v.x[0] && f.x[1] >= v.x[1] && f.y[0] <= v.y[0] && f.y[1] >= v.y[1]);
    }
}
