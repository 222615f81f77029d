//! A typed formula as a surface: the formula with its view box, default start and the minima
//! found in that view. Built once per edit (a keystroke or a slider move), shared by every
//! copy of the scene behind an `Arc`, so the minima search never runs per frame.

use super::{Formula, minima};
use crate::engine::{Vec2, ViewBox};

/// The view a formula gets when its scene does not say.
pub const DEFAULT_VIEW: ViewBox = ViewBox::square(3.0);

#[derive(Clone, Debug)]
pub struct TypedSurface {
    formula: Formula,
    view: ViewBox,
    start: Vec2,
    minima: Vec<Vec2>,
}

impl PartialEq for TypedSurface {
    /// The minima follow from the rest.
    fn eq(&self, other: &Self) -> bool {
        self.formula == other.formula && self.view == other.view && self.start == other.start
    }
}

impl TypedSurface {
    /// `view` and `start` default to [`DEFAULT_VIEW`] and a point near its upper-left corner.
    pub fn new(formula: Formula, view: Option<ViewBox>, start: Option<Vec2>) -> Self {
        let view = view.unwrap_or(DEFAULT_VIEW);
        let start = start.unwrap_or_else(|| default_start(view));
        let minima = minima(&formula, view);
        TypedSurface {
            formula,
            view,
            start,
            minima,
        }
    }

    pub fn formula(&self) -> &Formula {
        &self.formula
    }

    pub fn view_box(&self) -> ViewBox {
        self.view
    }

    pub fn default_start(&self) -> Vec2 {
        self.start
    }

    pub fn minima(&self) -> &[Vec2] {
        &self.minima
    }

    /// The same surface with another formula or constant values (minima searched again).
    pub fn with_formula(&self, formula: Formula) -> Self {
        Self::new(formula, Some(self.view), Some(self.start))
    }
}

impl TypedSurface {
    /// Where a formula starts in `view` when its scene does not say: up and left of the
    /// centre, where most bowls give a path worth watching.
    pub fn new_default_start(view: ViewBox) -> Vec2 {
        default_start(view)
    }
}

fn default_start(view: ViewBox) -> Vec2 {
    Vec2::new(
        view.x[0] + 0.15 * view.width(),
        view.y[0] + 0.85 * view.height(),
    )
}
