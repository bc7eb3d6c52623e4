//! The training, learning-rate and step-size views of a figure: the live trainer and the
//! experiments run in per-frame budgets and are drawn (plots with plotters-canvas through
//! [`plot`], the decision boundary as an image, the network and the layer view as element
//! trees from `lab_view`). This module has what the three share and each figure's frame loop;
//! `train` draws the training view, `wire` wires its controls, `rates` is the learning-rate
//! view, `step` the step-size view.

mod rates;
mod step;
mod train;
mod wire;

pub(super) use super::dom::{self, Root};
pub(super) use super::figure::{switch_view, Figure, Shared};
pub(super) use super::plot::{self, Contour, Frame, Heatmap, LineChart, Mark, MarkKind, Series, Style};
pub(super) use crate::graph::fmt_short;
pub(super) use crate::sweep::live::NetworkObjective;
pub(super) use crate::sweep::{
    descent_path, log_space, loss_grid, overshooting_step, step_profile, Bowl, LrSweep, Objective, PolyFit, RangeTest,
};
pub(super) use crate::tensor::LayerSnapshot;
pub(super) use crate::train::{Status, Trainer, TrainerConfig};
pub(super) use crate::web::model::lab_state::*;
pub(super) use crate::web::model::lab_view::{layer_maps, lecture_layer, loss_text, network_svg, signed_rgb};
pub(super) use crate::web::model::layer_quiz;
pub(super) use crate::web::model::plane::{self, PlaneAct, PlaneKey};
pub(super) use crate::web::model::plot_math::{lighten, Rgb};
pub(super) use crate::web::model::state::{Backward, View};
pub(super) use std::rc::Rc;
pub(super) use wasm_bindgen::prelude::*;
pub(super) use wasm_bindgen::{Clamped, JsCast};
pub(super) use web_sys::{
    CanvasRenderingContext2d, Event, HtmlCanvasElement, HtmlInputElement, ImageData, KeyboardEvent, MouseEvent,
    PointerEvent,
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
/// The most of a 60 Hz frame (16.7 ms) that training and drawing together may take: the rest
/// is the browser's (compositing, input). At 14 ms the fastest speed dropped to 50 fps.
const FRAME_CAP_MS: f64 = 11.5;
/// Steps the step-size view trains first when it is opened directly (not from the training
/// view), so its profile starts from a network part-way through training.
pub const STEP_VIEW_WARMUP: usize = 300;

/// A long experiment of the learning-rate view, advanced a little every frame.
pub enum Job {
    Sweep(LrSweep<Trainer>),
    Range(RangeTest<Trainer>),
    Compare {
        runs: [Trainer; 2],
        curves: [Vec<(f64, f64)>; 2],
        total: u64,
    },
    /// One run per optimizer from the same weights on the same batches, labelled.
    Race {
        runs: Vec<Trainer>,
        curves: Vec<Vec<(f64, f64)>>,
        labels: Vec<String>,
        total: u64,
    },
}

/// The `?perf=1` overlay's last second of frames and examples.
pub struct Perf {
    pub frames: Vec<f64>,
    pub examples: Vec<(f64, u64)>,
}

/// A two-parameter loss with its x range, y range, start and axis names.
type Surface = (Box<dyn Objective>, (f64, f64), (f64, f64), (f64, f64), [&'static str; 2]);

/// One line per labelled curve, in the palette's colours (the races' loss plots).
fn palette_series<'a>(curves: impl IntoIterator<Item = (&'a String, Vec<(f64, f64)>)>) -> Vec<Series> {
    curves
        .into_iter()
        .enumerate()
        .map(|(k, (label, points))| Series {
            label: label.clone(),
            points,
            color: crate::web::model::plot_math::PALETTE[k % 8],
            style: Style::Line,
        })
        .collect()
}

/// A canvas's 2-D context.
pub(in crate::web::shell) fn context(c: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    c.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

/// The canvas pixel (in its width/height attributes, not CSS pixels) under a mouse or pointer
/// event, for a `Frame`'s `to_data`.
fn canvas_px(c: &HtmlCanvasElement, e: &MouseEvent) -> (f64, f64) {
    let rect = c.get_bounding_client_rect();
    let (sx, sy) = (c.width() as f64 / rect.width().max(1.0), c.height() as f64 / rect.height().max(1.0));
    ((e.client_x() as f64 - rect.left()) * sx, (e.client_y() as f64 - rect.top()) * sy)
}

/// The page's clock (ms), for budgets within a frame.
pub(super) fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// A rate for the URL and the text field: three significant digits.
fn round3(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return v;
    }
    let p = 10f64.powi(2 - v.log10().floor() as i32);
    (v * p).round() / p
}

/// A fresh trainer from the settings (the settings are always valid: `lab_state` checks
/// them; should one still be refused, the default run is used and the reason given).
pub fn build_trainer(lab: &crate::web::model::lab_state::Lab) -> (Trainer, Option<String>) {
    match Trainer::new(lab.trainer_config()) {
        Ok(t) => (t, None),
        Err(e) => match Trainer::new(TrainerConfig::default()) {
            Ok(t) => (t, Some(format!("These settings cannot train: {e}. Showing the default network."))),
            // the default settings always train (lab_state's tests build every dataset)
            Err(e) => panic!("the default trainer cannot be built: {e}"),
        },
    }
}

impl Figure {
    pub(super) fn lab(&self) -> &crate::web::model::lab_state::Lab {
        &self.state.lab
    }

    pub(super) fn rebuild(&mut self) {
        let (t, message) = build_trainer(&self.state.lab);
        self.trainer = super::figure::LazyTrainer::ready(t);
        self.history.clear();
        // a new network, a new layer quiz
        self.layer_quiz = Default::default();
        if let Some(m) = message {
            self.notice(&m);
        }
    }

    pub(super) fn record(&mut self) {
        let step = self.trainer.steps() as f64;
        if self.history.last().is_some_and(|h| h.0 == step) {
            return;
        }
        let (train, test) = (self.trainer.loss_train(), self.trainer.loss_test());
        if self.penalties.len() != self.history.len() {
            self.penalties = vec![f64::NAN; self.history.len()];
        }
        self.history.push((step, train.unwrap_or(f64::NAN), test.unwrap_or(f64::NAN)));
        self.penalties.push(self.trainer.penalty());
        if self.history.len() > HISTORY {
            // keep the first point and every other one after it
            let kept: Vec<_> = self.history.iter().enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, h)| *h).collect();
            self.history = kept;
            let kept: Vec<_> = self.penalties.iter().enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, p)| *p).collect();
            self.penalties = kept;
        }
    }

    /// Steps of one epoch: the training points over the batch size.
    pub(super) fn epoch_steps(&self) -> u32 {
        let n = self.trainer.dataset().train().len();
        n.div_ceil(self.state.lab.batch.max(1)).clamp(1, u32::MAX as usize) as u32
    }

    /// Trains for about `budget_ms` (and at most `limit` steps), in chunks sized to take about
    /// a millisecond each.
    pub(super) fn train_for(&mut self, budget_ms: f64, limit: Option<u64>) {
        let start = now();
        let before = self.trainer.steps();
        loop {
            let t0 = now();
            let left = limit.map_or(usize::MAX, |l| (l - (self.trainer.steps() - before)) as usize);
            let status = self.trainer.train(self.chunk.min(left));
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
            if now() - start >= budget_ms || limit.is_some_and(|l| self.trainer.steps() - before >= l) {
                break;
            }
        }
        self.examples += (self.trainer.steps() - before) * self.state.lab.batch as u64;
    }

    // ---- drawing ------------------------------------------------------------------------

    pub(crate) fn draw(&mut self, full: bool) {
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

/// The learning-rate view's buttons while an experiment runs (and its progress bar).
fn job_buttons(root: &Root, running: bool) {
    for id in ["lr-run", "lr-range", "lr-compare", "lr-race"] {
        root.set_disabled(id, running);
    }
    root.set_disabled("lr-cancel", !running);
    root.set_hidden("lr-progress", !running);
}

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

// ---- each figure's frame loop ----------------------------------------------------------------

/// Runs one frame: trains (Play), advances an experiment, draws, measures; asks for the next
/// frame while there is something to do.
fn frame(app: &Shared) {
    let again = {
        let mut a = app.borrow_mut();
        a.frame += 1;
        let t = now();
        // Never so much training that it and the drawing (its recent average) overrun the frame.
        let budget = (FRAME_CAP_MS - a.draw_ms).max(1.0);
        // off-screen, in a hidden tab or on a hidden slide nothing advances (guest)
        let here = a.away == 0;
        let mut stepped = false;
        if here && a.playing && a.state.view == View::Train {
            let speed = a.state.lab.speed;
            if speed == Speed::Slow {
                // slow motion: one step every SLOW_MS, every picture drawn after it
                if t - a.slow_at >= SLOW_MS {
                    a.slow_at = t;
                    a.train_for(budget, Some(1));
                    stepped = true;
                }
            } else {
                let limit = speed.steps_per_frame(a.epoch_steps()).map(u64::from);
                a.train_for(budget, limit);
            }
        }
        if here && a.job.is_some() {
            a.advance_job(12.0);
        }
        if here {
            a.advance_lecture();
        }
        if a.state.view == View::Train {
            let t0 = now();
            a.draw_train(stepped);
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
            a.root.set_text("perf-fps", &format!("{fps:.0}"));
            a.root.set_text("perf-eps", &format!("{:.0}", eps));
            a.root.set_attr("perf", "data-fps", &format!("{fps:.1}"));
            a.root.set_attr("perf", "data-examples-per-second", &format!("{eps:.0}"));
        }
        let again = (here && (a.playing || a.job.is_some() || a.lecture_running())) || a.state.lab.perf;
        a.running = again;
        again
    };
    if again {
        request_frame(app);
    }
}

fn request_frame(app: &Shared) {
    if let (Some(w), Some(cb)) = (web_sys::window(), app.borrow().raf.borrow().as_ref()) {
        let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

/// Starts the figure's frame loop if it is not running.
pub(super) fn kick(app: &Shared) {
    if app.borrow().running {
        return;
    }
    app.borrow_mut().running = true;
    request_frame(app);
}

/// Makes the figure's frame callback (it holds the figure weakly: a figure that is dropped
/// stops asking for frames).
pub fn start_loop(app: &Shared) {
    let weak = Rc::downgrade(app);
    let cb = Closure::new(move |_t: f64| {
        if let Some(a) = weak.upgrade() {
            frame(&a);
        }
    });
    *app.borrow().raf.borrow_mut() = Some(cb);
}

/// Puts the settings into the training views' controls and wires them.
pub fn init(app: &Shared) {
    // the views' controls and plots: the figure mounted with their <main>s empty
    let root = app.borrow().root.clone();
    if let Some(doc) = dom::document() {
        for main in crate::web::model::skeleton::lab_mains() {
            let (Some(id), Some(node)) = (main.get("id"), dom::build(&doc, &main)) else { continue };
            if let Some(empty) = root.get(id) {
                let _ = empty.replace_with_with_node_1(&node);
            }
        }
    }
    // the trainer is built now, if it was not: say so if the settings could not train
    let message = app.borrow_mut().trainer.ensure();
    if let Some(m) = message {
        let a = app.borrow();
        let before = a.root.get("lab-notice").and_then(|e| e.text_content()).unwrap_or_default();
        a.notice(if before.is_empty() { m } else { format!("{before}\n{m}") }.as_str());
    }
    wire::init_controls(app);
    wire::wire(app);
    if app.borrow().state.lab.perf {
        app.borrow().root.set_hidden("perf", false);
        kick(app);
    }
    super::guest::on_lab_ready(app);
    if app.borrow().playing {
        kick(app);
    }
}

/// Plays or pauses the training (Play, the space bar, the element's play() and pause()); a
/// run that cannot go on (diverged, no data) does not start.
pub fn set_playing(app: &Shared, on: bool) {
    let start = {
        let mut s = app.borrow_mut();
        let can = s.trainer.status() == Status::Ready;
        s.playing = on && can;
        s.playing
    };
    if start {
        kick(app);
    } else {
        app.borrow_mut().draw(true);
    }
}

/// Trains `n` steps now (Step, the element's step(n)), paused.
pub fn train_steps(app: &Shared, n: usize) {
    let mut s = app.borrow_mut();
    s.playing = false;
    s.trainer.train(n);
    s.record();
    s.draw(true);
}

/// New weights from the seed (Reset, the element's reset()).
pub fn reset_training(app: &Shared) {
    let mut s = app.borrow_mut();
    s.playing = false;
    s.trainer.reset();
    s.history.clear();
    // new weights, a new layer quiz
    s.layer_quiz = Default::default();
    s.draw(true);
}

/// Puts the settings into the controls again (after they changed from outside: an attribute).
pub fn refresh(app: &Shared) {
    if app.borrow().lab_ready {
        wire::init_controls(app);
    }
}
