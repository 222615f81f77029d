//! Stochastic gradient descent: [`Gd`] fed a gradient with Gaussian noise, as a minibatch
//! would give it. The noise is drawn by the stepping loop, which owns the random stream.

use super::gd::{self, Gd};
use super::Entry;
use super::hyper::{lr, noise};

pub const ENTRY: Entry = Entry {
    key: "sgd",
    name: "SGD",
    hyper: &[lr(0.001), noise(0.1)],
    rule: "g_noisy = g + noise·ξ,  ξ ~ N(0, I)\nw ← w − lr·g_noisy",
    about: "Gradient descent with a noisy gradient, as with minibatches. The noise lets it escape saddle points, but with a constant learning rate it never settles: it jitters around the minimum.",
    stability: Some(gd::BOUND),
    build: |_| Box::new(Gd),
};
