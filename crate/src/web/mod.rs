//! The page. `state` (what is on screen, and the URL) and `view` (what to draw, as a tree of
//! elements) are pure Rust; `dom` turns element trees into DOM nodes and `app` wires events:
//! those two are the only code that touches the browser, and build only for wasm32.

pub mod lab_state;
pub mod lab_view;
pub mod plane;
pub mod plot_math;
pub mod state;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod lab;
#[cfg(target_arch = "wasm32")]
pub mod plot;
