//! The engine: surfaces, optimizers and the stepping loop. Pure computation, no UI crate,
//! no files: everything else in losscape is built on it.

pub mod data;
pub mod formula;
pub mod map;
pub mod optim;
pub mod param;
pub mod real;
pub mod replay;
pub mod run;
pub mod schedule;
pub mod surfaces;

pub use optim::{Hyper, Knob, OptimizerKind};
pub use param::{Param, Range, Scale};
pub use replay::{Replay, Replays};
pub use run::{
    Control, OptimizerSpec, Problem, Record, Status, Stepper, Trajectory, Update, records, run,
    run_with,
};
pub use schedule::Schedule;
pub use surfaces::{Surface, SurfaceKind, ViewBox};

/// A point or gradient in parameter space.
pub type Vec2 = nalgebra::Vector2<f64>;
/// A Hessian or rotation.
pub type Mat2 = nalgebra::Matrix2<f64>;
