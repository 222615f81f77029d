//! What an optimizer carries between updates, as the rule itself holds it: its state under
//! `torch.optim`'s names (`momentum_buffer`, `exp_avg`, …, so a user can compare with
//! `optimizer.state[p]`), and what its last update made of it (the direction it stepped along
//! and each coordinate's learning rate). `trace --state`, the figure's arrows and the app's
//! step inspector all read these from the rule, so they show the engine's own numbers, never
//! a recomputation; asking for them costs nothing when nobody does.

use crate::engine::Vec2;

/// One named piece of state: a per-coordinate pair or a scalar (NAdam's `mu_product`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Pair(Vec2),
    Scalar(f64),
}

/// The most pieces any rule keeps (RMSprop centered with momentum, AMSGrad, NAdam: three).
const MAX: usize = 4;

/// An optimizer's state in torch's order and names; a name torch keeps only under an option
/// (`max_exp_avg_sq` with `amsgrad`, `grad_avg` when centered…) is present only with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct State {
    items: [(&'static str, Value); MAX],
    len: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            items: [("", Value::Scalar(0.0)); MAX],
            len: 0,
        }
    }
}

impl State {
    /// This state with `name` added (a rule never holds more than four).
    pub fn with(mut self, name: &'static str, value: Value) -> Self {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = (name, value);
            self.len += 1;
        }
        self
    }

    pub fn pair(self, name: &'static str, v: Vec2) -> Self {
        self.with(name, Value::Pair(v))
    }

    pub fn scalar(self, name: &'static str, v: f64) -> Self {
        self.with(name, Value::Scalar(v))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Value)> + '_ {
        self.items[..self.len].iter().copied()
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What the last update made of the state, kept by the rule as it computed them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Insight {
    /// The direction the update stepped along, with its symbol: the momentum buffer, Adam's
    /// m̂, RMSprop's scaled gradient, Lion's sign; `None` for plain gradient descent.
    pub direction: Option<(&'static str, Vec2)>,
    /// Each coordinate's effective learning rate (lr/(√v̂ + ε) and friends); `None` when it
    /// is the scheduled lr itself.
    pub rate: Option<Vec2>,
}

impl Insight {
    pub const NONE: Insight = Insight {
        direction: None,
        rate: None,
    };
}
