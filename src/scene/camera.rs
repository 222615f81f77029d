//! The camera of the 3D view: where the landscape is seen from, as azimuth and elevation in
//! degrees. A scene may store one (`camera = { azimuth, elevation }`), the command line sets
//! one (`--azimuth`, `--elevation`), the window orbits it by dragging. Its bounds are defined
//! here once, with the one sentence every place that checks them says.
//!
//! Elevation stays between 0 (level with the floor) and 90 (straight down): the 3D picture
//! is painted floor first, then the surface, then the trails, which is the right order only
//! from above.

/// Azimuth and elevation in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Around the vertical axis, −180 to 180; 0 looks along −x (from the +x side).
    pub azimuth: f64,
    /// Above the floor, 0 to 90.
    pub elevation: f64,
}

/// Valid azimuths (degrees), inclusive.
pub const AZIMUTH_RANGE: [f64; 2] = [-180.0, 180.0];
/// Valid elevations (degrees), inclusive.
pub const ELEVATION_RANGE: [f64; 2] = [0.0, 90.0];

impl Default for Camera {
    /// matplotlib's default view, so a figure reads like the lecture slides it sits next to.
    fn default() -> Self {
        Camera {
            azimuth: -60.0,
            elevation: 30.0,
        }
    }
}

/// `"{what} must be {lo} to {hi} degrees, got {v}"` unless `v` is in `range`.
fn check(v: f64, range: [f64; 2], what: &str) -> Result<f64, String> {
    if v.is_finite() && v >= range[0] && v <= range[1] {
        Ok(v)
    } else {
        Err(format!(
            "{what} must be {} to {} degrees, got {v}",
            range[0], range[1]
        ))
    }
}

impl Camera {
    /// The camera if both angles are in range, else the sentence that says which is not
    /// (`what` names the place: `--azimuth`, `` `camera.azimuth` ``).
    pub fn checked(azimuth: (f64, &str), elevation: (f64, &str)) -> Result<Camera, String> {
        Ok(Camera {
            azimuth: check(azimuth.0, AZIMUTH_RANGE, azimuth.1)?,
            elevation: check(elevation.0, ELEVATION_RANGE, elevation.1)?,
        })
    }

    /// This camera turned by `d_azimuth` and raised by `d_elevation` degrees: the azimuth
    /// wraps around, the elevation stops at its bounds (what a drag does).
    pub fn orbited(self, d_azimuth: f64, d_elevation: f64) -> Camera {
        let wrap = |a: f64| {
            let w = (a + 180.0).rem_euclid(360.0) - 180.0;
            if w.is_finite() { w } else { 0.0 }
        };
        let e = self.elevation + d_elevation;
        Camera {
            azimuth: wrap(self.azimuth + d_azimuth),
            elevation: if e.is_finite() {
                e.clamp(ELEVATION_RANGE[0], ELEVATION_RANGE[1])
            } else {
                self.elevation
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orbiting_wraps_the_azimuth_and_stops_the_elevation() {
        let c = Camera::default().orbited(250.0, 100.0);
        assert_eq!(c.azimuth, -170.0);
        assert_eq!(c.elevation, 90.0);
        let c = c.orbited(-20.0, -500.0);
        assert_eq!(c.azimuth, 170.0);
        assert_eq!(c.elevation, 0.0);
        let c = c.orbited(f64::NAN, f64::INFINITY);
        assert!(c.azimuth.is_finite() && c.elevation == 0.0);
        for _ in 0..1000 {
            let c = Camera::default().orbited(1e9, -1e9);
            assert!((-180.0..=180.0).contains(&c.azimuth));
        }
    }

    #[test]
    fn checks_name_the_place_and_the_range() {
        assert!(Camera::checked((10.0, "a"), (20.0, "e")).is_ok());
        let e = Camera::checked((181.0, "--azimuth"), (20.0, "--elevation")).unwrap_err();
        assert_eq!(e, "--azimuth must be -180 to 180 degrees, got 181");
        let e = Camera::checked((0.0, "a"), (-1.0, "`camera.elevation`")).unwrap_err();
        assert_eq!(e, "`camera.elevation` must be 0 to 90 degrees, got -1");
        assert!(Camera::checked((f64::NAN, "a"), (1.0, "e")).is_err());
    }
}
