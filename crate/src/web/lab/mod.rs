//! The training, learning-rate and step-size views: reads the settings from the [`State`],
//! runs the trainer and the experiments in per-frame budgets, and draws them (plots with
//! plotters-canvas through [`plot`], the decision boundary as an image, the network and the
//! layer view as element trees from [`lab_view`]). This module has the shared state, the frame
//! loop, the training view and the wiring; `rates` the learning-rate view, `step` the
//! step-size view. Only this module and `app`/`dom` touch the DOM for these views.

mod rates;
mod step;

use super::app::{on, on_id, write_url};
use super::dom::{self, by_id};
use super::lab_state::*;
use super::lab_view::{layer_maps, lecture_layer, loss_text, network_svg, signed_rgb};
use super::plane::{self, PlaneAct, PlaneKey};
use super::plot::{self, Contour, Frame, Heatmap, LineChart, Mark, MarkKind, Series, Style};
use super::plot_math::{lighten, Rgb};
use super::state::{State, View};
use crate::graph::fmt_short;
use crate::sweep::live::NetworkObjective;
use crate::sweep::{
    descent_path, log_space, loss_grid, overshooting_step, step_profile, Bowl, LrSweep, Objective, PolyFit, RangeTest,
};
use crate::tensor::LayerSnapshot;
use crate::train::{Status, Trainer, TrainerConfig};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{
    CanvasRenderingContext2d, Event, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, ImageData, KeyboardEvent,
    MouseEvent, PointerEvent,
};

// The page's colours (plot_math has them), by what they show here.
const BLUE: Rgb = plot::TRAIN;
const ORANGE: Rgb = plot::TEST;
const RED: Rgb = plot::DIVERGED;
const GREEN: Rgb = plot::GOOD;
const GREY: Rgb = plot::NEUTRAL;
const CLASS_COLORS: [Rgb; 3] = [ORANGE, BLUE, GREEN];
/// Side of the decision-boundary grid.
const GRID: usize = 100;
/// Most points kept in the loss history (older ones are thinned out).
const HISTORY: usize = 1500;

/// A long experiment of the learning-rate view, advanced a little every frame.
enum Job {
    Sweep(LrSweep<Trainer>),
    Range(RangeTest<Trainer>),
    Compare { runs: [Trainer; 2], curves: [Vec<(f64, f64)>; 2], total: u64 },
}

struct Perf {
    frames: Vec<f64>,
    examples: Vec<(f64, u64)>,
}

struct Lab {
    state: State,
    trainer: Trainer,
    playing: bool,
    /// (step, train loss, test loss)
    history: Vec<(f64, f64, f64)>,
    frame: u64,
    examples: u64,
    running: bool,
    job: Option<Job>,
    sweep: Option<LrSweep<Trainer>>,
    range: Option<RangeTest<Trainer>>,
    compare: Option<[Vec<(f64, f64)>; 2]>,
    /// The sweep's runs whose loss curves are shown (None: five across the range and the best).
    picked: Option<Vec<usize>>,
    /// Where the sweep plot put its axes (drawing takes `&self`, hence the cell), for clicks.
    lr_frame: RefCell<Option<Frame>>,
    contour_frame: Option<Frame>,
    dragging: bool,
    /// Start of the descent on the live network's two weights (None: the current weights).
    net_start: Option<(f64, f64)>,
    perf: Perf,
    /// The hidden 100×100 canvas the boundary image is put on before scaling.
    scratch: Option<HtmlCanvasElement>,
    /// Where the plane was drawn last (the whole canvas, or inside the regression plot's
    /// axes), for clicks and the keyboard's cross.
    plane_frame: Option<Frame>,
    /// The keyboard's cross on the plane, in data coordinates, while the plane has focus.
    cross: Option<(f64, f64)>,
    /// Steps per training chunk, tuned so a chunk takes about a millisecond.
    chunk: usize,
    /// Average time a frame spends drawing, in ms.
    draw_ms: f64,
}

type Shared = Rc<RefCell<Lab>>;
/// The requestAnimationFrame callback, shared so each frame can ask for the next.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;
/// A two-parameter loss with its x range, y range, start and axis names.
type Surface = (Box<dyn Objective>, (f64, f64), (f64, f64), (f64, f64), [&'static str; 2]);

fn input(id: &str) -> Option<HtmlInputElement> {
    by_id(id).and_then(|e| e.dyn_into().ok())
}

fn select(id: &str) -> Option<HtmlSelectElement> {
    by_id(id).and_then(|e| e.dyn_into().ok())
}

fn canvas(id: &str) -> Option<HtmlCanvasElement> {
    by_id(id).and_then(|e| e.dyn_into().ok())
}

fn context(c: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    c.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

/// The canvas pixel (in its width/height attributes, not CSS pixels) under a mouse or pointer
/// event, for a `Frame`'s `to_data`.
fn canvas_px(c: &HtmlCanvasElement, e: &MouseEvent) -> (f64, f64) {
    let rect = c.get_bounding_client_rect();
    let (sx, sy) = (c.width() as f64 / rect.width().max(1.0), c.height() as f64 / rect.height().max(1.0));
    ((e.client_x() as f64 - rect.left()) * sx, (e.client_y() as f64 - rect.top()) * sy)
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn set_attr(id: &str, k: &str, v: &str) {
    if let Some(e) = by_id(id) {
        let _ = e.set_attribute(k, v);
    }
}

fn fill_select(id: &str, options: &[(&str, &str)], selected: &str) {
    let Some(sel) = select(id) else { return };
    let doc = dom::document();
    sel.set_text_content(None);
    for (value, label) in options {
        if let Ok(opt) = doc.create_element("option") {
            let _ = opt.set_attribute("value", value);
            opt.set_text_content(Some(label));
            let _ = sel.append_child(&opt);
        }
    }
    sel.set_value(selected);
}

/// A rate for the URL and the text field: three significant digits.
fn round3(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return v;
    }
    let p = 10f64.powi(2 - v.log10().floor() as i32);
    (v * p).round() / p
}

impl Lab {
    fn lab(&self) -> &super::lab_state::Lab {
        &self.state.lab
    }

    /// A fresh trainer from the settings (the settings are always valid: `lab_state` checks
    /// them; should one still be refused, the default run is used and the reason shown).
    fn build_trainer(lab: &super::lab_state::Lab) -> (Trainer, Option<String>) {
        match Trainer::new(lab.trainer_config()) {
            Ok(t) => (t, None),
            Err(e) => match Trainer::new(TrainerConfig::default()) {
                Ok(t) => (t, Some(format!("These settings cannot train: {e}. Showing the default network."))),
                // the default settings always train (lab_state's tests build every dataset)
                Err(e) => panic!("the default trainer cannot be built: {e}"),
            },
        }
    }

    fn rebuild(&mut self) {
        let (t, message) = Self::build_trainer(&self.state.lab);
        self.trainer = t;
        self.history.clear();
        if let Some(m) = message {
            show_notice(&m);
        }
    }

    fn record(&mut self) {
        let step = self.trainer.steps() as f64;
        if self.history.last().is_some_and(|h| h.0 == step) {
            return;
        }
        let (train, test) = (self.trainer.loss_train(), self.trainer.loss_test());
        self.history.push((step, train.unwrap_or(f64::NAN), test.unwrap_or(f64::NAN)));
        if self.history.len() > HISTORY {
            // keep the first point and every other one after it
            let kept: Vec<_> = self.history.iter().enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, h)| *h).collect();
            self.history = kept;
        }
    }

    /// Trains for about `budget_ms`, in chunks sized to take about a millisecond each.
    fn train_for(&mut self, budget_ms: f64) {
        let start = now();
        let before = self.trainer.steps();
        loop {
            let t0 = now();
            let status = self.trainer.train(self.chunk);
            let dt = now() - t0;
            if dt < 0.5 {
                self.chunk = (self.chunk * 2).min(100_000);
            } else if dt > 2.0 {
                self.chunk = (self.chunk / 2).max(1);
            }
            if status != Status::Ready {
                self.playing = false;
                break;
            }
            if now() - start >= budget_ms {
                break;
            }
        }
        self.examples += (self.trainer.steps() - before) * self.state.lab.batch as u64;
    }

    // ---- drawing -------------------------------------------------------------------------

    fn draw_train(&mut self, full: bool) {
        self.record();
        let step = self.trainer.steps();
        dom::set_text("t-count-step", &step.to_string());
        set_attr("t-count-step", "data-step", &step.to_string());
        dom::set_text("t-count-epoch", &self.trainer.epoch().to_string());
        let (train, test) = (self.trainer.loss_train(), self.trainer.loss_test());
        dom::set_text("t-loss-train", &loss_text(train));
        set_attr("t-loss-train", "data-loss-train", &train.map_or(String::new(), |v| v.to_string()));
        dom::set_text("t-loss-test", &loss_text(test));
        set_attr("t-loss-test", "data-loss-test", &test.map_or(String::new(), |v| v.to_string()));
        let acc = self.trainer.accuracy_test();
        dom::set_text("t-accuracy", &acc.map_or("–".into(), |a| format!("{:.1}%", a * 100.0)));
        set_attr("t-accuracy", "data-accuracy", &acc.map_or(String::new(), |v| v.to_string()));
        let label = if self.playing { "Pause" } else { "Play" };
        if let Some(b) = by_id("t-play").filter(|b| b.text_content().as_deref() != Some(label)) {
            b.set_text_content(Some(label));
            let _ = if self.playing { b.class_list().add_1("playing") } else { b.class_list().remove_1("playing") };
            let _ = b.set_attribute("aria-pressed", if self.playing { "true" } else { "false" });
        }
        match self.trainer.status() {
            Status::Diverged { step, loss } => {
                dom::set_text(
                    "t-status",
                    &format!(
                        "Diverged at step {step} (loss {}): the steps overshoot further each time. \
                         Lower the learning rate, then press Reset.",
                        fmt_short(loss)
                    ),
                );
                set_class("t-status", "notice diverged");
                dom::set_hidden("t-status", false);
            }
            Status::NoData => {
                dom::set_text("t-status", "There are no training points: click the plane to add some.");
                set_class("t-status", "notice");
                dom::set_hidden("t-status", false);
            }
            Status::Ready => dom::set_hidden("t-status", true),
        }
        // While playing, the pictures take turns so that a frame's drawing stays short: the
        // boundary every other frame, the loss plot every sixth, the network and the layer
        // view every thirtieth (about twice a second).
        let due = |every: u64, phase: u64| full || !self.playing || self.frame % every == phase;
        let (boundary, loss, network) = (due(2, 0), due(6, 3), due(30, 1));
        if boundary {
            self.draw_boundary(full);
        }
        if loss {
            self.draw_loss();
        }
        if network {
            let now: Vec<LayerSnapshot> = self.trainer.network().layers().iter().map(|l| l.snapshot()).collect();
            self.draw_network(&now);
            self.draw_layers();
        }
    }

    fn draw_loss(&self) {
        let Some(c) = canvas("t-loss-plot") else { return };
        let series = |label: &str, color, f: fn(&(f64, f64, f64)) -> f64| Series {
            label: label.into(),
            points: self.history.iter().map(|h| (h.0, f(h))).collect(),
            color,
            style: Style::Line,
        };
        let chart = LineChart {
            title: "Loss against step".into(),
            x_label: "step".into(),
            y_label: "loss".into(),
            log_x: false,
            log_y: self.lab().log_y,
            // From step 0, at least 10 steps wide: before training there is one point, which
            // would otherwise get an axis from −1 to 1.
            x_range: Some((0.0, self.history.last().map_or(0.0, |h| h.0).max(10.0))),
            y_range: None,
            series: vec![series("train", BLUE, |h| h.1), series("test", ORANGE, |h| h.2)],
            marks: self.divergence_mark().into_iter().collect(),
        };
        let diverged = match self.trainer.status() {
            Status::Diverged { step, .. } => step.to_string(),
            _ => String::new(),
        };
        let _ = c.set_attribute("data-diverged-at", &diverged);
        report(plot::line_chart(&c, &chart));
    }

    /// A red ✕ where the run diverged, on the end of the training-loss line (its last finite
    /// value; the mini-batch loss that tripped the rule when there is none).
    fn divergence_mark(&self) -> Option<Mark> {
        let Status::Diverged { step, loss } = self.trainer.status() else { return None };
        let last = self.history.iter().rev().map(|h| h.1).find(|v| v.is_finite());
        let y = last.or(loss.is_finite().then_some(loss))?;
        Some(Mark { x: step as f64, y, label: format!("diverged at step {step}"), color: RED, kind: MarkKind::Cross })
    }

    fn draw_network(&mut self, layers: &[LayerSnapshot]) {
        let names: Vec<String> = self
            .trainer
            .config()
            .features
            .iter()
            .map(|f| FEATURE_NAMES.iter().find(|e| e.0 == *f).map_or("?", |e| e.2).to_string())
            .collect();
        let thumbs = self.thumbnails();
        dom::mount("t-network", &network_svg(layers, &names, self.lab().show_grads, &thumbs));
    }

    /// What each input feature and each neuron computes over the plane, as small images
    /// (data URLs), column by column: blue where positive, orange where negative.
    fn thumbnails(&mut self) -> Vec<Vec<String>> {
        const N: usize = 20;
        let ((x0, x1), _) = self.domain();
        let features = self.trainer.config().features.len();
        let mut columns =
            vec![(0..features).map(|i| self.trainer.feature_grid(i, N, (x0, x1)).ok()).collect::<Vec<_>>()];
        let sizes: Vec<usize> = self.trainer.network().layers().iter().map(|l| l.n_neurons()).collect();
        for (l, &n) in sizes.iter().enumerate() {
            columns.push((0..n).map(|j| self.trainer.neuron_grid(l, j, N, (x0, x1)).ok()).collect());
        }
        if self.scratch.is_none() {
            self.scratch = dom::document().create_element("canvas").ok().and_then(|e| e.dyn_into().ok());
        }
        let Some(scratch) = &self.scratch else { return vec![] };
        scratch.set_width(N as u32);
        scratch.set_height(N as u32);
        let Some(ctx) = context(scratch) else { return vec![] };
        columns
            .into_iter()
            .map(|col| {
                col.into_iter()
                    .map(|grid| {
                        let Some(grid) = grid else { return String::new() };
                        let scale = grid.iter().filter(|v| v.is_finite()).fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
                        let mut rgba = vec![255u8; N * N * 4];
                        for (k, &v) in grid.iter().enumerate().take(N * N) {
                            // at most 90% of the full colour, so a saturated neuron stays readable
                            let (r, g, b) = signed_rgb(v as f64, scale as f64 / 0.9);
                            rgba[k * 4..k * 4 + 3].copy_from_slice(&[r, g, b]);
                        }
                        match ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), N as u32, N as u32) {
                            Ok(image) => {
                                let _ = ctx.put_image_data(&image, 0.0, 0.0);
                                scratch.to_data_url().unwrap_or_default()
                            }
                            Err(_) => String::new(),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// The layer view, if open (its snapshots are made only then): every layer's matrices of
    /// the last batch with the weights and biases that batch used, so its numbers fit together
    /// (z = X·W + b, dinputs = dz·Wᵀ) — the network drawing shows the weights as they are now,
    /// one update further on — or the lecture's example when it is ticked.
    fn draw_layers(&self) {
        let open = by_id("t-layers").is_some_and(|d| d.has_attribute("open"));
        if !open {
            return;
        }
        let layers = if input("t-lecture").is_some_and(|i| i.checked()) {
            lecture_layer().into_iter().collect()
        } else {
            self.trainer.batch_layers()
        };
        dom::mount("t-layers-host", &layer_maps(&layers));
    }

    /// The domain of the plane on the canvas: x and y ranges.
    fn domain(&self) -> ((f64, f64), (f64, f64)) {
        let d = self.state.lab.dataset.domain();
        (d.x, d.y)
    }

    /// The plane; with `full` also what only changes with the data set (the caption, the
    /// legend, and where the plot is in the canvas's `data-*`, which the tests use to find
    /// points).
    fn draw_boundary(&mut self, full: bool) {
        let Some(c) = canvas("t-boundary") else { return };
        let ((x0, x1), (y0, y1)) = self.domain();
        let regression = self.state.lab.dataset.is_regression();
        if full {
            dom::set_text("t-boundary-caption", if regression { "Prediction" } else { "Decision boundary" });
            dom::set_text(
                "t-plane-legend",
                if regression {
                    "Blue dots train, orange test; the black line is the network's prediction."
                } else {
                    "Filled dots train, rings test."
                },
            );
        }
        if regression {
            let curve = self.trainer.predict_curve(200, (x0, x1)).unwrap_or_default();
            let pts = |test: bool| {
                let set = if test { self.trainer.dataset().test() } else { self.trainer.dataset().train() };
                set.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>()
            };
            let chart = LineChart {
                title: String::new(),
                x_label: "x".into(),
                y_label: "y".into(),
                log_x: false,
                log_y: false,
                x_range: Some((x0, x1)),
                y_range: Some((y0 - 0.1 * (y1 - y0), y1 + 0.1 * (y1 - y0))),
                series: vec![
                    Series {
                        label: "prediction".into(),
                        points: (0..200)
                            .map(|k| {
                                (x0 + (x1 - x0) * k as f64 / 199.0, curve.get(k).copied().unwrap_or(f32::NAN) as f64)
                            })
                            .collect(),
                        color: (29, 35, 43),
                        style: Style::Line,
                    },
                    Series { label: "train".into(), points: pts(false), color: BLUE, style: Style::Dots },
                    Series { label: "test".into(), points: pts(true), color: ORANGE, style: Style::Dots },
                ],
                marks: vec![],
            };
            match plot::line_chart(&c, &chart) {
                Ok(frame) => self.set_plane_frame(&c, frame, full),
                Err(e) => report(Err(e)),
            }
            self.draw_cross(&c);
            return;
        }
        let Some(ctx) = context(&c) else { return };
        let frame = plane::full_canvas_frame(c.width() as f64, c.height() as f64, (x0, x1), (y0, y1));
        self.set_plane_frame(&c, frame, full);
        let classes = self.trainer.dataset().classes();
        let values = if classes == 2 {
            self.trainer.predict_grid(GRID, (x0, x1)).unwrap_or_default()
        } else {
            self.trainer.predict_grid_probs(GRID, (x0, x1)).unwrap_or_default()
        };
        let mut rgba = vec![255u8; GRID * GRID * 4];
        for cell in 0..GRID * GRID {
            let (r, g, b) = if classes == 2 {
                let p = values.get(cell).copied().unwrap_or(0.5) as f64;
                blend(p)
            } else {
                let probs = values.get(cell * classes..(cell + 1) * classes).unwrap_or(&[]);
                let (best, p) =
                    probs.iter().enumerate().fold((0, 0.0f32), |m, (i, &p)| if p > m.1 { (i, p) } else { m });
                let strength = ((p as f64 - 1.0 / classes as f64) / (1.0 - 1.0 / classes as f64)).clamp(0.0, 1.0);
                lighten(CLASS_COLORS[best % 3], 1.0 - 0.55 * strength)
            };
            rgba[cell * 4..cell * 4 + 3].copy_from_slice(&[r, g, b]);
        }
        if self.scratch.is_none() {
            self.scratch = dom::document().create_element("canvas").ok().and_then(|e| e.dyn_into().ok());
        }
        let Some(scratch) = &self.scratch else { return };
        scratch.set_width(GRID as u32);
        scratch.set_height(GRID as u32);
        if let (Some(sctx), Ok(image)) =
            (context(scratch), ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), GRID as u32, GRID as u32))
        {
            let _ = sctx.put_image_data(&image, 0.0, 0.0);
        }
        let (w, h) = (c.width() as f64, c.height() as f64);
        ctx.set_image_smoothing_enabled(true);
        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(scratch, 0.0, 0.0, w, h);
        // the points: train filled, test as rings
        let to_px = |x: f64, y: f64| ((x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h);
        for (set, filled) in [(self.trainer.dataset().test(), false), (self.trainer.dataset().train(), true)] {
            for p in set {
                let (px, py) = to_px(p.x, p.y);
                let (r, g, b) = CLASS_COLORS[(p.label.max(0.0) as usize) % 3];
                ctx.begin_path();
                let _ = ctx.arc(px, py, if filled { 4.0 } else { 3.5 }, 0.0, std::f64::consts::TAU);
                if filled {
                    ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
                    ctx.fill();
                    ctx.set_stroke_style_str("#ffffff");
                    ctx.set_line_width(1.0);
                } else {
                    ctx.set_stroke_style_str(&format!("rgb({r},{g},{b})"));
                    ctx.set_line_width(1.6);
                }
                ctx.stroke();
            }
        }
        self.draw_cross(&c);
    }

    /// Keeps where the plane was drawn; with `full` also puts it in the canvas's attributes,
    /// which tests use to find a point: `data-x0`, `data-x1`, `data-y0`, `data-y1` (the axes'
    /// ranges) and `data-plot` (left, top, right, bottom of the plot in canvas pixels).
    fn set_plane_frame(&mut self, c: &HtmlCanvasElement, frame: Frame, full: bool) {
        if full {
            let (x, y) = (frame.x, frame.y);
            for (k, v) in [("data-x0", x.lo), ("data-x1", x.hi), ("data-y0", y.lo), ("data-y1", y.hi)] {
                let _ = c.set_attribute(k, &v.to_string());
            }
            let _ =
                c.set_attribute("data-plot", &format!("{},{},{},{}", frame.left, frame.top, frame.right, frame.bottom));
        }
        self.plane_frame = Some(frame);
    }

    /// The keyboard's cross, while the plane has focus: a ring with ticks, dark on white.
    fn draw_cross(&self, c: &HtmlCanvasElement) {
        let (Some(at), Some(frame), Some(ctx)) = (self.cross, self.plane_frame.as_ref(), context(c)) else { return };
        let (px, py) = frame.to_px(at.0, at.1);
        if !(px.is_finite() && py.is_finite()) {
            return;
        }
        for (color, width) in [("#ffffff", 4.0), ("#1d232b", 1.6)] {
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(width);
            ctx.begin_path();
            let _ = ctx.arc(px, py, 9.0, 0.0, std::f64::consts::TAU);
            for (dx, dy) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
                ctx.move_to(px + dx * 5.0, py + dy * 5.0);
                ctx.line_to(px + dx * 14.0, py + dy * 14.0);
            }
            ctx.stroke();
        }
    }

    /// A click (or Enter, Shift+Enter, a digit, Delete) at (x, y) of the plane. Returns what happened,
    /// in words, for the screen-reader announcement.
    fn plane_act(&mut self, at: (f64, f64), act: PlaneAct) -> String {
        let Some(frame) = self.plane_frame.clone() else { return String::new() };
        let spot = format!("({}, {})", fmt_short(at.0), fmt_short(at.1));
        if act == PlaneAct::Remove {
            let said = match self.trainer.remove_nearest(at.0, at.1) {
                Some(p) => format!("Removed the point at ({}, {}).", fmt_short(p.x), fmt_short(p.y)),
                None => "There is no point to remove.".to_string(),
            };
            self.draw_train(true);
            return said;
        }
        if act == PlaneAct::Primary {
            if let Some(i) = plane::hit(self.trainer.dataset().train(), &frame, at) {
                match self.trainer.example_source(i) {
                    Ok(source) => open_graph(&source),
                    Err(err) => show_notice(&format!("Backprop on one example: {err}")),
                }
                return format!("Opened the graph of the training point near {spot}.");
            }
        }
        // the first class (orange), the second (blue) or the one named; regression ignores it
        let classes = self.trainer.dataset().classes();
        let label = match act {
            _ if classes == 0 => 0.0,
            PlaneAct::Class(k) => f64::from(k),
            PlaneAct::Second => 1.0,
            _ => 0.0,
        };
        let added = self.trainer.add_point(at.0, at.1, label);
        // a refusal stays on screen until the next point goes in
        show_notice(&added.as_ref().err().map_or(String::new(), |e| e.to_string()));
        let said = match added {
            Ok(()) if classes == 0 => format!("Added a point at {spot}."),
            Ok(()) => format!("Added a point of class {} at {spot}.", label as u8),
            Err(err) => err.to_string(),
        };
        self.draw_train(true);
        said
    }

    /// A key pressed on the focused plane; returns whether the plane used it.
    fn plane_key(&mut self, key: PlaneKey) -> bool {
        let Some(frame) = self.plane_frame.clone() else { return false };
        let at = self.cross.unwrap_or_else(|| plane::centre(&frame));
        let said = match key {
            PlaneKey::Move(right, up) => {
                self.cross = Some(plane::move_cross(&frame, at, (right, up)));
                self.draw_boundary(false);
                String::new()
            }
            PlaneKey::Snap => match plane::nearest(self.trainer.dataset().train(), &frame, at) {
                Some((i, _)) => {
                    let p = self.trainer.dataset().train()[i];
                    self.cross = Some((p.x, p.y));
                    self.draw_boundary(false);
                    let class = if self.trainer.dataset().classes() == 0 {
                        String::new()
                    } else {
                        format!(" of class {}", p.label)
                    };
                    format!(
                        "On the training point{class} at ({}, {}): Enter opens its graph.",
                        fmt_short(p.x),
                        fmt_short(p.y)
                    )
                }
                None => "There are no training points.".to_string(),
            },
            PlaneKey::Act(act) => {
                self.cross = Some(at);
                self.plane_act(at, act)
            }
        };
        self.announce_cross(&said);
        true
    }

    /// The cross's position in `data-cross-x`/`-y` and, with what just happened, in the
    /// plane's live region for screen readers.
    fn announce_cross(&self, said: &str) {
        let Some(at) = self.cross else { return };
        set_attr("t-boundary", "data-cross-x", &at.0.to_string());
        set_attr("t-boundary", "data-cross-y", &at.1.to_string());
        let text = if said.is_empty() {
            format!("Cross at ({}, {}).", fmt_short(at.0), fmt_short(at.1))
        } else {
            said.to_string()
        };
        dom::set_text("t-plane-live", &text);
    }

    fn draw(&mut self, full: bool) {
        match self.state.view {
            View::Train => self.draw_train(full),
            View::Lr => {
                if full {
                    self.draw_lr();
                }
            }
            View::Step => {
                if full {
                    self.draw_step();
                }
            }
            View::Graph => {}
        }
    }
}

/// Steps the step-size view trains first when it is opened directly (not from the training
/// view), so its profile starts from a network part-way through training.
const STEP_VIEW_WARMUP: usize = 300;

/// p(class 1) as a colour: orange at 0, white at ½, blue at 1.
fn blend(p: f64) -> (u8, u8, u8) {
    let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.5 };
    if p < 0.5 {
        lighten(ORANGE, 1.0 - 0.55 * (0.5 - p) * 2.0)
    } else {
        lighten(BLUE, 1.0 - 0.55 * (p - 0.5) * 2.0)
    }
}

fn report(r: Result<Frame, String>) {
    if let Err(e) = r {
        web_sys::console::error_1(&format!("backprop-lab: {e}").into());
    }
}

fn set_class(id: &str, class: &str) {
    if let Some(e) = by_id(id) {
        e.set_class_name(class);
    }
}

fn show_notice(text: &str) {
    dom::set_text("lab-notice", text);
    dom::set_hidden("lab-notice", text.is_empty());
}

fn job_buttons(running: bool) {
    for id in ["lr-run", "lr-range", "lr-compare"] {
        if let Some(b) = by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlButtonElement>().ok()) {
            b.set_disabled(running);
        }
    }
    if let Some(b) = by_id("lr-cancel").and_then(|e| e.dyn_into::<web_sys::HtmlButtonElement>().ok()) {
        b.set_disabled(!running);
    }
    dom::set_hidden("lr-progress", !running);
}

// ---- the frame loop ------------------------------------------------------------------------

/// Runs one frame: trains (Play), advances an experiment, draws, measures; asks for the next
/// frame while there is something to do.
fn frame(app: &Shared, raf: &FrameCallback) {
    let again = {
        let mut a = app.borrow_mut();
        a.frame += 1;
        let t = now();
        // The speed setting's share of a 60 Hz frame, but never so much that training plus the
        // drawing (its recent average) overruns the frame.
        let budget = (16.7 * a.state.lab.speed as f64 / 100.0).min(14.0 - a.draw_ms).max(1.0);
        if a.playing && a.state.view == View::Train {
            a.train_for(budget);
        }
        if a.job.is_some() {
            a.advance_job(12.0);
        }
        if a.state.view == View::Train {
            let t0 = now();
            a.draw_train(false);
            a.draw_ms = 0.9 * a.draw_ms + 0.1 * (now() - t0);
        }
        if a.state.lab.perf {
            let examples = a.examples;
            a.perf.frames.push(t);
            a.perf.examples.push((t, examples));
            a.perf.frames.retain(|&f| t - f <= 1000.0);
            a.perf.examples.retain(|e| t - e.0 <= 1000.0);
            let fps = a.perf.frames.len().saturating_sub(1) as f64 * 1000.0
                / (t - a.perf.frames.first().copied().unwrap_or(t)).max(1.0);
            let eps = a.perf.examples.first().map_or(0.0, |e| (examples - e.1) as f64 * 1000.0 / (t - e.0).max(1.0));
            dom::set_text("perf-fps", &format!("{fps:.0}"));
            dom::set_text("perf-eps", &format!("{:.0}", eps));
            set_attr("perf", "data-fps", &format!("{fps:.1}"));
            set_attr("perf", "data-examples-per-second", &format!("{eps:.0}"));
        }
        let again = a.playing || a.job.is_some() || a.state.lab.perf;
        a.running = again;
        again
    };
    if again {
        if let (Some(w), Some(cb)) = (web_sys::window(), raf.borrow().as_ref()) {
            let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
        }
    }
}

thread_local! {
    static KICK: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Starts the frame loop if it is not running.
fn kick(app: &Shared) {
    if app.borrow().running {
        return;
    }
    app.borrow_mut().running = true;
    KICK.with(|k| {
        if let Some(f) = k.borrow().as_ref() {
            f();
        }
    });
}

// ---- start and events ----------------------------------------------------------------------

pub fn start(state: State, notices: Vec<String>) {
    let (trainer, message) = Lab::build_trainer(&state.lab);
    let view = state.view;
    let app: Shared = Rc::new(RefCell::new(Lab {
        state,
        trainer,
        playing: false,
        history: vec![],
        frame: 0,
        examples: 0,
        running: false,
        job: None,
        sweep: None,
        range: None,
        compare: None,
        picked: None,
        lr_frame: RefCell::new(None),
        contour_frame: None,
        dragging: false,
        net_start: None,
        perf: Perf { frames: vec![], examples: vec![] },
        scratch: None,
        plane_frame: None,
        cross: None,
        chunk: 8,
        draw_ms: 4.0,
    }));
    let mut all: Vec<String> = notices;
    all.extend(message);
    show_notice(&all.join("\n"));
    dom::set_hidden(main_id(view), false);
    // opened directly, the step-size view starts from a network that has trained a little
    // (coming from the training view, it takes that view's network as it is)
    if view == View::Step {
        app.borrow_mut().trainer.train(STEP_VIEW_WARMUP);
    }
    init_controls(&app);
    let raf: FrameCallback = Rc::new(RefCell::new(None));
    {
        let (a, r) = (app.clone(), raf.clone());
        *raf.borrow_mut() = Some(Closure::new(move |_t: f64| frame(&a, &r)));
        let r = raf.clone();
        KICK.with(|k| {
            *k.borrow_mut() = Some(Box::new(move || {
                if let (Some(w), Some(cb)) = (web_sys::window(), r.borrow().as_ref()) {
                    let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
                }
            }))
        });
    }
    wire(&app);
    app.borrow_mut().draw(true);
    if app.borrow().state.lab.perf {
        dom::set_hidden("perf", false);
        kick(&app);
    }
    write_url(&app.borrow().state);
}

/// Puts the settings into the controls.
fn init_controls(app: &Shared) {
    let a = app.borrow();
    let lab = &a.state.lab;
    let ds: Vec<(&str, &str)> = DATASETS.iter().map(|d| (d.1, d.2)).collect();
    fill_select("t-data", &ds, DATASETS.iter().find(|d| d.0 == lab.dataset).map_or("circle", |d| d.1));
    let acts: Vec<(&str, &str)> = ACTIVATION_NAMES.iter().map(|d| (d.1, d.2)).collect();
    fill_select("t-act", &acts, ACTIVATION_NAMES.iter().find(|d| d.0 == lab.activation).map_or("tanh", |d| d.1));
    fill_losses(lab);
    fill_select("t-opt", OPTIMIZER_NAMES, lab.optimizer);
    fill_select("t-sched", SCHEDULE_NAMES, lab.schedule);
    fill_select("s-problem", PROBLEMS, lab.problem);
    let set = |id: &str, v: String| {
        if let Some(i) = input(id) {
            i.set_value(&v);
        }
    };
    set("t-noise", lab.noise.to_string());
    set("t-train", lab.train_percent.to_string());
    set("t-lr", short_number(lab.lr));
    set("t-lr-slider", lab.lr.log10().to_string());
    set("t-batch", lab.batch.to_string());
    set("t-seed", lab.seed.to_string());
    set("t-speed", lab.speed.to_string());
    set("t-beta", lab.beta.to_string());
    set("lr-lo", short_number(lab.sweep_lo));
    set("lr-hi", short_number(lab.sweep_hi));
    set("lr-rates", lab.sweep_rates.to_string());
    set("lr-steps", lab.sweep_steps.to_string());
    set("s-eta", lab.eta.max(1e-3).log10().to_string());
    set("s-mom", lab.momentum.to_string());
    set("s-cond", lab.condition.log10().to_string());
    if let Some(i) = input("t-logy") {
        i.set_checked(lab.log_y);
    }
    if let Some(i) = input("t-grads") {
        i.set_checked(lab.show_grads);
    }
    drop(a);
    refresh_labels(app);
    build_features(app);
    build_hidden(app);
}

fn fill_losses(lab: &super::lab_state::Lab) {
    let options: Vec<(&str, &str)> =
        LOSS_NAMES.iter().filter(|l| loss_for(lab.dataset, l.0) == l.0).map(|l| (l.1, l.2)).collect();
    let current = loss_for(lab.dataset, lab.loss);
    fill_select("t-loss", &options, LOSS_NAMES.iter().find(|l| l.0 == current).map_or("bce", |l| l.1));
}

fn refresh_labels(app: &Shared) {
    let a = app.borrow();
    let lab = &a.state.lab;
    dom::set_text("t-noise-out", &format!("{:.2}", lab.noise));
    dom::set_text("t-train-out", &format!("{}%", lab.train_percent));
    dom::set_text("t-speed-out", &format!("{}% of each frame", lab.speed));
    dom::set_text("t-beta-out", &format!("{:.2}", lab.beta));
    dom::set_hidden("t-beta-row", lab.optimizer == "sgd");
    let regression = lab.dataset.is_regression();
    dom::set_text("t-accuracy-label", if regression { "test accuracy (n/a)" } else { "test accuracy" });
    // the schedule's preview: lr(step) for 2,000 steps
    let schedule = lab.schedule_config();
    let points: Vec<(f64, f64)> = (0..=200).map(|k| (k as f64 * 10.0, schedule.lr(lab.lr, k * 10))).collect();
    let chart = LineChart {
        title: String::new(),
        x_label: "step".into(),
        y_label: "lr".into(),
        log_x: false,
        log_y: false,
        x_range: Some((0.0, 2000.0)),
        y_range: Some((0.0, lab.lr * 1.1)),
        series: vec![Series { label: String::new(), points, color: GREEN, style: Style::Line }],
        marks: vec![],
    };
    if let Some(c) = canvas("t-sched-plot") {
        report(plot::line_chart(&c, &chart));
    }
}

fn build_features(app: &Shared) {
    let Some(host) = by_id("t-features") else { return };
    host.set_text_content(None);
    let doc = dom::document();
    let a = app.borrow();
    let used = a.state.lab.used_features();
    for &(f, name, label) in FEATURE_NAMES {
        let (Ok(l), Ok(i)) = (doc.create_element("label"), doc.create_element("input")) else { continue };
        let _ = i.set_attribute("type", "checkbox");
        let _ = i.set_attribute("data-feature", name);
        if let Ok(i) = i.clone().dyn_into::<HtmlInputElement>() {
            i.set_checked(used.contains(&f));
            if a.state.lab.dataset.is_regression() && f.reads_y() {
                i.set_disabled(true);
                l.set_class_name("off");
                let _ = l.set_attribute("title", "This data set is y = f(x): the network only sees x.");
            }
        }
        let _ = l.append_child(&i);
        let _ = l.append_child(&doc.create_text_node(label));
        let _ = host.append_child(&l);
    }
}

fn build_hidden(app: &Shared) {
    let Some(host) = by_id("t-hidden") else { return };
    host.set_text_content(None);
    let doc = dom::document();
    let hidden = app.borrow().state.lab.hidden.clone();
    let button = |text: &str, action: &str, label: &str| {
        let b = doc.create_element("button").ok()?;
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("data-action", action);
        let _ = b.set_attribute("aria-label", label);
        b.set_text_content(Some(text));
        Some(b)
    };
    for (l, &n) in hidden.iter().enumerate() {
        let Ok(row) = doc.create_element("div") else { continue };
        row.set_class_name("layer");
        if let Ok(s) = doc.create_element("span") {
            s.set_text_content(Some(&format!("layer {}: {n} neuron{}", l + 1, if n == 1 { "" } else { "s" })));
            let _ = row.append_child(&s);
        }
        for b in [
            button("−", &format!("less {l}"), &format!("One neuron fewer in layer {}", l + 1)),
            button("+", &format!("more {l}"), &format!("One neuron more in layer {}", l + 1)),
        ]
        .into_iter()
        .flatten()
        {
            let _ = row.append_child(&b);
        }
        let _ = host.append_child(&row);
    }
    if let Ok(row) = doc.create_element("div") {
        row.set_class_name("layer");
        for b in [
            button("+ layer", "add", "Add a hidden layer"),
            button("− layer", "remove", "Remove the last hidden layer"),
        ]
        .into_iter()
        .flatten()
        {
            let _ = row.append_child(&b);
        }
        let _ = host.append_child(&row);
    }
}

/// After a settings change: the URL, the labels and a redraw.
fn changed(app: &Shared) {
    refresh_labels(app);
    write_url(&app.borrow().state);
    app.borrow_mut().draw(true);
}

/// Applies a change that keeps the network (a setter on the trainer); falls back to a new
/// trainer from the settings when the setter refuses.
fn apply(app: &Shared, f: impl FnOnce(&mut Trainer, &super::lab_state::Lab) -> Result<(), crate::train::TrainError>) {
    {
        let mut a = app.borrow_mut();
        let lab = a.state.lab.clone();
        if f(&mut a.trainer, &lab).is_err() {
            a.rebuild();
        }
        if a.trainer.steps() == 0 {
            a.history.clear();
        }
    }
    changed(app);
}

/// The `<main>` of a view.
fn main_id(view: View) -> &'static str {
    match view {
        View::Train => "train-view",
        View::Lr => "lr-view",
        View::Step => "step-view",
        View::Graph => "graph-view",
    }
}

/// Switches between the three training views without reloading, so they share the live
/// network: the step-size view probes the weights the training view has reached.
fn switch_view(app: &Shared, view: View) {
    let from = app.borrow().state.view;
    if from == view {
        return;
    }
    for (v, name) in super::state::VIEWS {
        if let Some(link) = by_id(&format!("nav-{name}")) {
            let _ = if v == view {
                link.set_attribute("aria-current", "page")
            } else {
                link.remove_attribute("aria-current")
            };
        }
    }
    dom::set_hidden(main_id(from), true);
    dom::set_hidden(main_id(view), false);
    {
        let mut a = app.borrow_mut();
        a.playing = false;
        a.state.view = view;
        a.net_start = None;
    }
    write_url(&app.borrow().state);
    app.borrow_mut().draw(true);
}

fn wire(app: &Shared) {
    for (view, name) in [(View::Train, "train"), (View::Lr, "lr"), (View::Step, "step")] {
        let a = app.clone();
        on_id::<MouseEvent>(&format!("nav-{name}"), "click", move |e: MouseEvent| {
            // a plain click switches in place; ctrl/⌘/shift-click opens the link as usual
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            switch_view(&a, view);
        });
    }
    let a = app.clone();
    on_id::<Event>("t-data", "change", move |_| {
        let Some(v) = select("t-data").map(|s| s.value()) else { return };
        {
            let mut s = a.borrow_mut();
            if let Some(d) = DATASETS.iter().find(|d| d.1 == v) {
                s.state.lab.dataset = d.0;
            }
            s.state.lab.loss = loss_for(s.state.lab.dataset, s.state.lab.loss);
            s.rebuild();
            fill_losses(&s.state.lab);
        }
        build_features(&a);
        changed(&a);
    });
    for (id, key) in [("t-noise", "noise"), ("t-train", "train")] {
        let a = app.clone();
        on_id::<Event>(id, "input", move |_| {
            let Some(v) = input(id).map(|i| i.value()) else { return };
            {
                let mut s = a.borrow_mut();
                let mut m = vec![];
                s.state.lab.read(key, &v, &mut m);
                let config = s.state.lab.dataset_config();
                if s.trainer.set_dataset(config).is_err() {
                    s.rebuild();
                }
            }
            changed(&a);
        });
    }
    let a = app.clone();
    on_id::<Event>("t-features", "change", move |e: Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let name = t.get_attribute("data-feature").unwrap_or_default();
        let Some(&(f, _, _)) = FEATURE_NAMES.iter().find(|x| x.1 == name) else { return };
        {
            let mut s = a.borrow_mut();
            let mut fs = s.state.lab.features.clone();
            if t.checked() {
                if !fs.contains(&f) {
                    fs.push(f);
                }
            } else {
                fs.retain(|&x| x != f);
            }
            if fs.is_empty() {
                t.set_checked(true);
                drop(s);
                show_notice("The network needs at least one input feature.");
                return;
            }
            // keep the table's order
            fs.sort_by_key(|x| FEATURE_NAMES.iter().position(|e| e.0 == *x));
            s.state.lab.features = fs;
            let used = s.state.lab.used_features();
            if s.trainer.set_features(used).is_err() {
                s.rebuild();
            }
            s.history.clear();
        }
        changed(&a);
    });
    let a = app.clone();
    on_id::<Event>("t-hidden", "click", move |e: Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let action = t.get_attribute("data-action").unwrap_or_default();
        {
            let mut s = a.borrow_mut();
            let mut h = s.state.lab.hidden.clone();
            let mut parts = action.split(' ');
            match (parts.next(), parts.next().and_then(|k| k.parse::<usize>().ok())) {
                (Some("more"), Some(l)) => {
                    if let Some(n) = h.get_mut(l) {
                        *n = (*n + 1).min(MAX_NEURONS);
                    }
                }
                (Some("less"), Some(l)) => {
                    if let Some(n) = h.get_mut(l) {
                        *n = n.saturating_sub(1).max(1);
                    }
                }
                (Some("add"), _) if h.len() < MAX_LAYERS => h.push(2),
                (Some("remove"), _) => {
                    h.pop();
                }
                _ => return,
            }
            s.state.lab.hidden = h.clone();
            if s.trainer.set_hidden(h).is_err() {
                s.rebuild();
            }
            s.history.clear();
        }
        build_hidden(&a);
        changed(&a);
    });
    let a = app.clone();
    on_id::<Event>("t-act", "change", move |_| {
        let v = select("t-act").map(|s| s.value()).unwrap_or_default();
        if let Some(&(act, _, _)) = ACTIVATION_NAMES.iter().find(|x| x.1 == v) {
            a.borrow_mut().state.lab.activation = act;
            apply(&a, |t, _| {
                t.set_activation(act);
                Ok(())
            });
        }
    });
    let a = app.clone();
    on_id::<Event>("t-loss", "change", move |_| {
        let v = select("t-loss").map(|s| s.value()).unwrap_or_default();
        if let Some(&(loss, _, _)) = LOSS_NAMES.iter().find(|x| x.1 == v) {
            a.borrow_mut().state.lab.loss = loss;
            apply(&a, |t, lab| t.set_loss(loss_for(lab.dataset, loss)));
        }
    });
    let a = app.clone();
    on_id::<Event>("t-opt", "change", move |_| {
        let v = select("t-opt").map(|s| s.value()).unwrap_or_default();
        if let Some(&(o, _)) = OPTIMIZER_NAMES.iter().find(|x| x.0 == v) {
            a.borrow_mut().state.lab.optimizer = o;
            apply(&a, |t, lab| t.set_optimizer(lab.optimizer_config()));
        }
    });
    let a = app.clone();
    on_id::<Event>("t-beta", "input", move |_| {
        let Some(v) = input("t-beta").and_then(|i| i.value().parse::<f64>().ok()) else { return };
        a.borrow_mut().state.lab.beta = v.clamp(0.0, 0.999);
        apply(&a, |t, lab| t.set_optimizer(lab.optimizer_config()));
    });
    let a = app.clone();
    on_id::<Event>("t-sched", "change", move |_| {
        let v = select("t-sched").map(|s| s.value()).unwrap_or_default();
        if let Some(&(s, _)) = SCHEDULE_NAMES.iter().find(|x| x.0 == v) {
            a.borrow_mut().state.lab.schedule = s;
            apply(&a, |t, lab| t.set_schedule(lab.schedule_config()));
        }
    });
    let a = app.clone();
    on_id::<Event>("t-lr-slider", "input", move |_| {
        let Some(v) = input("t-lr-slider").and_then(|i| i.value().parse::<f64>().ok()) else { return };
        let lr = round3(10f64.powf(v));
        if let Some(i) = input("t-lr") {
            i.set_value(&short_number(lr));
        }
        a.borrow_mut().state.lab.lr = lr;
        apply(&a, |t, lab| t.set_learning_rate(lab.lr));
    });
    let a = app.clone();
    on_id::<Event>("t-lr", "change", move |_| {
        let Some(i) = input("t-lr") else { return };
        match i.value().trim().parse::<f64>() {
            Ok(lr) if lr.is_finite() && lr > 0.0 && lr <= 100.0 => {
                show_notice("");
                if let Some(s) = input("t-lr-slider") {
                    s.set_value(&lr.log10().to_string());
                }
                a.borrow_mut().state.lab.lr = lr;
                apply(&a, |t, lab| t.set_learning_rate(lab.lr));
            }
            _ => {
                show_notice(&format!(
                    "“{}” is not a learning rate: type a number above 0 and at most 100, like 0.03.",
                    i.value()
                ));
                i.set_value(&short_number(a.borrow().state.lab.lr));
            }
        }
    });
    for (id, key) in [("t-batch", "batch"), ("t-seed", "seed"), ("t-speed", "speed")] {
        let a = app.clone();
        on_id::<Event>(id, "change", move |_| {
            let Some(i) = input(id) else { return };
            let mut m = vec![];
            let before = a.borrow().state.lab.clone();
            a.borrow_mut().state.lab.read(key, i.value().trim(), &mut m);
            if !m.is_empty() {
                show_notice(&m.join("\n"));
                let v = match key {
                    "batch" => before.batch.to_string(),
                    "seed" => before.seed.to_string(),
                    _ => before.speed.to_string(),
                };
                i.set_value(&v);
                return;
            }
            show_notice("");
            match key {
                "batch" => apply(&a, |t, lab| t.set_batch_size(lab.batch)),
                "seed" => {
                    a.borrow_mut().rebuild();
                    changed(&a);
                }
                _ => changed(&a),
            }
        });
    }
    let a = app.clone();
    on_id::<Event>("t-speed", "input", move |_| {
        if let Some(v) = input("t-speed").and_then(|i| i.value().parse::<u32>().ok()) {
            a.borrow_mut().state.lab.speed = v.clamp(1, 80);
            refresh_labels(&a);
        }
    });
    for (id, key) in [("t-logy", 0), ("t-grads", 1)] {
        let a = app.clone();
        on_id::<Event>(id, "change", move |_| {
            let on = input(id).is_some_and(|i| i.checked());
            {
                let mut s = a.borrow_mut();
                if key == 0 {
                    s.state.lab.log_y = on;
                } else {
                    s.state.lab.show_grads = on;
                }
            }
            changed(&a);
        });
    }
    for id in ["t-layers", "t-lecture"] {
        let a = app.clone();
        on_id::<Event>(id, if id == "t-layers" { "toggle" } else { "change" }, move |_| {
            a.borrow().draw_layers();
        });
    }
    // Play / Step / Reset, and the space bar
    let a = app.clone();
    let toggle = move || {
        let playing = {
            let mut s = a.borrow_mut();
            if s.trainer.status() != Status::Ready && !s.playing {
                // diverged or empty: nothing to play
                s.draw_train(true);
                return;
            }
            s.playing = !s.playing;
            s.playing
        };
        if playing {
            kick(&a);
        } else {
            a.borrow_mut().draw_train(true);
        }
    };
    let toggle = Rc::new(toggle);
    let t2 = toggle.clone();
    on_id::<Event>("t-play", "click", move |_| t2());
    let a = app.clone();
    on_id::<Event>("t-step", "click", move |_| {
        let mut s = a.borrow_mut();
        s.playing = false;
        s.trainer.step();
        s.draw_train(true);
    });
    let a = app.clone();
    on_id::<Event>("t-reset", "click", move |_| {
        let mut s = a.borrow_mut();
        s.playing = false;
        s.trainer.reset();
        s.history.clear();
        s.draw_train(true);
    });
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let a = app.clone();
        on::<KeyboardEvent>(&doc, "keydown", move |e: KeyboardEvent| {
            if a.borrow().state.view != View::Train || e.key() != " " {
                return;
            }
            let typing = dom::document()
                .active_element()
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"));
            if !typing {
                e.prevent_default();
                toggle();
            }
        });
    }
    // the plane: click a point to open its graph, click elsewhere to add one; the keyboard
    // moves a cross and acts where it is
    let a = app.clone();
    on_id::<MouseEvent>("t-boundary", "click", move |e: MouseEvent| {
        let Some(c) = canvas("t-boundary") else { return };
        let (px, py) = canvas_px(&c, &e);
        let mut s = a.borrow_mut();
        let Some(at) = s.plane_frame.as_ref().and_then(|f| f.to_data(px, py)) else { return };
        let said = s.plane_act(at, PlaneAct::for_click(e.shift_key(), e.alt_key()));
        dom::set_text("t-plane-live", &said);
    });
    let a = app.clone();
    on_id::<KeyboardEvent>("t-boundary", "keydown", move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() {
            return;
        }
        let Some(key) = PlaneKey::for_key(&e.key(), e.shift_key()) else { return };
        if a.borrow_mut().plane_key(key) {
            e.prevent_default();
        }
    });
    for (event, focused) in [("focus", true), ("blur", false)] {
        let a = app.clone();
        on_id::<Event>("t-boundary", event, move |_| {
            // The cross is for the keyboard: a click's focus does not show it (a key will).
            let keyboard = canvas("t-boundary").is_some_and(|c| c.matches(":focus-visible").unwrap_or(false));
            let mut s = a.borrow_mut();
            s.cross =
                if focused && keyboard { s.cross.or_else(|| s.plane_frame.as_ref().map(plane::centre)) } else { None };
            s.draw_boundary(false);
            if focused {
                s.announce_cross("");
            }
        });
    }
    rates::wire(app);
    step::wire(app);
}

/// Opens the graph view on an expression (a new history entry: Back returns here).
fn open_graph(source: &str) {
    let state = State {
        view: View::Graph,
        source: source.to_string(),
        backward: super::state::Backward::All,
        ..State::default()
    };
    navigate(&state);
}

fn navigate(state: &State) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(&super::app::query(state));
    }
}
