//! The page, as figures: a figure is a [`model::state::State`] mounted on a root element.
//!
//! - [`model`] is pure Rust, built and tested on the host: the state and its URL round trip,
//!   the page skeleton and every view as element trees ([`model::view::El`]), plot arithmetic,
//!   plane logic. It knows nothing of the browser.
//! - `shell` (wasm32 only) is the thin DOM part: it builds a figure's element trees inside its
//!   root, finds its parts within that root, wires events, draws on canvas, defines the
//!   `<backprop-lab>` element's figures and the JavaScript API. `shell` imports `model`, never
//!   the other way round.

pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod shell;
