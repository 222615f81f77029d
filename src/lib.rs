//! losscape: deep-learning optimizers on 2-parameter loss surfaces, exactly as `torch.optim`
//! computes them.
//!
//! The layers depend one way: [`engine`] (surfaces, optimizers, the stepping loop) ←
//! [`scene`] (files, validation, built-in lessons) ← [`figure`] (what to draw) ← the app and
//! the [`cli`].

#[cfg(feature = "gui")]
pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod engine;
pub mod export;
pub mod figure;
pub mod io;
pub mod scene;
pub mod trace;
