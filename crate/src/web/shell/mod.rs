//! The DOM part (wasm32 only): mounting a figure on a root, its events, canvas drawing, the
//! `<backprop-lab>` element's figures, the page's start and the JavaScript API. It reads
//! [`super::model`]; nothing in `model` reads it.

pub mod api;
mod dom;
mod exercise;
mod export;
mod figure;
mod graph;
mod guest;
mod heap;
mod lab;
mod lab_files;
pub mod plot;
mod start;
