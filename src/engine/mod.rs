//! The engine: surfaces, optimizers and the stepping loop. Pure computation, no UI crate,
//! no files: everything else in losscape is built on it.

pub mod optim;
pub mod real;
pub mod run;
pub mod schedule;
pub mod surface;

pub use optim::{Hyper, Knob, OptimizerKind};
pub use run::{Control, OptimizerSpec, Problem, Status, Stepper, Trajectory, run, run_with};
pub use schedule::Schedule;
pub use surface::{Surface, SurfaceKind, ViewBox};

/// A point or gradient in parameter space.
pub type Vec2 = nalgebra::Vector2<f64>;
/// A Hessian or rotation.
pub type Mat2 = nalgebra::Matrix2<f64>;
