//! Backprop Lab: see backpropagation.
//!
//! The core (`graph`, `expr`, `layout`, `tensor`, `train`, `sweep`) is pure Rust with no web dependency and is tested on
//! the host. `web` holds the page: its state and views are pure Rust too (tested on the
//! host, in `web::model`); only `web::shell`, compiled for wasm32 alone, touches the DOM.

pub mod api;
pub mod expr;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz;
pub mod graph;
pub mod layout;
pub mod sweep;
pub mod tensor;
pub mod train;
pub mod web;
