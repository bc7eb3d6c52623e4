//! The pure part of the page: what is on screen (`state`, `lab_state`, `embed` for how a figure
//! sits in a host page) and its URL round trip,
//! what to draw as element trees (`skeleton` for a figure's frame and controls, `view` for the
//! graph, `lab_view` for the training view's network and layers), the plots' arithmetic
//! (`plot_math`), lab files and links (`lab_file`), the course's exercises (`exercise`), predict-then-check (`quiz` for the graph, `layer_quiz` for the layer view) and the data plane's pointer and keyboard logic (`plane`). No web dependency:
//! everything here is tested with plain `cargo test`.

pub mod advice;
pub mod embed;
pub mod exercise;
pub mod export;
pub mod gate_code;
pub mod lab_file;
pub mod lab_state;
pub mod lab_view;
pub mod layer_quiz;
pub mod plane;
pub mod plot_math;
pub mod quiz;
pub mod run_status;
pub mod share;
pub mod skeleton;
pub mod state;
pub mod view;
