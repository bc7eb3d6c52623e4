//! The JavaScript API: the training core and the experiments, usable from plain JS (the page,
//! course notes, Node). Configs and snapshots cross as plain objects (serde-wasm-bindgen);
//! grids cross as `Float32Array`s. Every error is a JS `Error` with a message a student can act
//! on; nothing panics.
//!
//! ```js
//! import init, { Trainer, LrSweep } from './backprop-lab.js';
//! await init();
//! const t = new Trainer({ ...Trainer.defaultConfig(), hidden: [8, 8] });
//! t.train(500);                       // → { state: "ready" } or { state: "diverged", step, loss }
//! console.log(t.snapshot().train.loss);
//! const sweep = new LrSweep(t, 1e-4, 10, 32, 1000);
//! while (!sweep.advance(5000).finished) {}  // chunks: draw a progress bar between them
//! console.log(sweep.result().best);
//! ```

use crate::sweep::{self, live::NetworkObjective, Objective, Progress};
use crate::train::{OptimizerConfig, Schedule, Trainer, TrainerConfig};
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsError> {
    // maps as plain objects and None as null, so results read naturally in JS
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    v.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

fn from_js<T: serde::de::DeserializeOwned>(v: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(v).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// A copy of the trainer for an experiment that sets the rate itself: its schedule is made
/// constant, so the rate each step gets is the one the experiment asks for.
fn constant_rate_copy(trainer: &JsTrainer) -> Result<Trainer, JsError> {
    let mut copy = trainer.inner.clone();
    copy.set_schedule(Schedule::Constant).map_err(err)?;
    Ok(copy)
}

#[derive(Serialize)]
struct JsProgress {
    done: usize,
    total: usize,
    finished: bool,
}

impl From<Progress> for JsProgress {
    fn from(p: Progress) -> Self {
        JsProgress { done: p.done, total: p.total, finished: p.finished() }
    }
}

/// A training run: a dataset, a network, a loss, an optimizer and a schedule.
#[wasm_bindgen(js_name = Trainer)]
pub struct JsTrainer {
    inner: Trainer,
}

#[wasm_bindgen(js_class = Trainer)]
impl JsTrainer {
    /// A trainer from a config object (`Trainer.defaultConfig()` shows every field); missing
    /// or `undefined` gives the default.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<JsTrainer, JsError> {
        let config: TrainerConfig = if config.is_undefined() || config.is_null() {
            TrainerConfig::default()
        } else {
            from_js(config, "config")?
        };
        Ok(JsTrainer { inner: Trainer::new(config).map_err(err)? })
    }

    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&TrainerConfig::default())
    }

    /// The config in force.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.config())
    }

    /// Trains `steps` mini-batches (fewer if it diverges); returns the status.
    pub fn train(&mut self, steps: u32) -> Result<JsValue, JsError> {
        to_js(&self.inner.train(steps as usize))
    }

    /// Steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.inner.steps() as f64
    }

    /// Everything a view shows: step, epoch, lr, losses, accuracies, status, each layer's
    /// matrices with their shapes, the optimizer's state.
    pub fn snapshot(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.inner.snapshot())
    }

    /// The layers as in `snapshot().layers`, but with the weights and biases the last batch
    /// used (before its update), so its matrices fit together: z = X·W + b, dinputs = dz·Wᵀ.
    #[wasm_bindgen(js_name = batchLayers)]
    pub fn batch_layers(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.batch_layers())
    }

    /// Backprop on training point `index` through the scalar graph of gates: every weight and
    /// bias as `[name, gradient]` (names as in the graph view: `w1_0_2`, `b1_0`, …).
    #[wasm_bindgen(js_name = exampleGradients)]
    pub fn example_gradients(&self, index: u32) -> Result<JsValue, JsError> {
        let (mut g, params) = self.inner.example_graph(index as usize).map_err(err)?;
        g.backward();
        let pairs: Vec<(String, f64)> =
            params.iter().map(|&id| (g.label(id), g.node(id).and_then(|n| n.grad).unwrap_or(f64::NAN))).collect();
        to_js(&pairs)
    }

    /// Training point `index` written as an expression (what the graph view opens).
    #[wasm_bindgen(js_name = exampleSource)]
    pub fn example_source(&self, index: u32) -> Result<String, JsError> {
        self.inner.example_source(index as usize).map_err(err)
    }

    #[wasm_bindgen(js_name = lossTrain)]
    pub fn loss_train(&mut self) -> Option<f64> {
        self.inner.loss_train()
    }

    #[wasm_bindgen(js_name = lossTest)]
    pub fn loss_test(&mut self) -> Option<f64> {
        self.inner.loss_test()
    }

    #[wasm_bindgen(js_name = accuracyTest)]
    pub fn accuracy_test(&mut self) -> Option<f64> {
        self.inner.accuracy_test()
    }

    /// The network's output on an n×n grid over [lo, hi]² (row-major, y rows), for the
    /// decision boundary.
    #[wasm_bindgen(js_name = predictGrid)]
    pub fn predict_grid(&mut self, n: usize, lo: f64, hi: f64) -> Result<Vec<f32>, JsError> {
        self.inner.predict_grid(n, (lo, hi)).map_err(err)
    }

    /// One neuron's output over the same grid (layer 0 is the first hidden layer).
    #[wasm_bindgen(js_name = neuronGrid)]
    pub fn neuron_grid(
        &mut self,
        layer: usize,
        neuron: usize,
        n: usize,
        lo: f64,
        hi: f64,
    ) -> Result<Vec<f32>, JsError> {
        self.inner.neuron_grid(layer, neuron, n, (lo, hi)).map_err(err)
    }

    /// The training and test points.
    pub fn points(&self) -> Result<JsValue, JsError> {
        to_js(&(self.inner.dataset().train(), self.inner.dataset().test()))
    }

    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), JsError> {
        self.inner.set_learning_rate(lr).map_err(err)
    }

    #[wasm_bindgen(js_name = setOptimizer)]
    pub fn set_optimizer(&mut self, config: JsValue) -> Result<(), JsError> {
        let c: OptimizerConfig = from_js(config, "optimizer")?;
        self.inner.set_optimizer(c).map_err(err)
    }

    #[wasm_bindgen(js_name = setSchedule)]
    pub fn set_schedule(&mut self, schedule: JsValue) -> Result<(), JsError> {
        let s: Schedule = from_js(schedule, "schedule")?;
        self.inner.set_schedule(s).map_err(err)
    }

    #[wasm_bindgen(js_name = setBatchSize)]
    pub fn set_batch_size(&mut self, n: usize) -> Result<(), JsError> {
        self.inner.set_batch_size(n).map_err(err)
    }

    /// Neurons per hidden layer; rebuilds the network.
    #[wasm_bindgen(js_name = setHidden)]
    pub fn set_hidden(&mut self, hidden: Vec<u32>) -> Result<(), JsError> {
        self.inner.set_hidden(hidden.into_iter().map(|h| h as usize).collect()).map_err(err)
    }

    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> Result<(), JsError> {
        self.inner.add_point(x, y, label).map_err(err)
    }

    #[wasm_bindgen(js_name = removeNearest)]
    pub fn remove_nearest(&mut self, x: f64, y: f64) -> bool {
        self.inner.remove_nearest(x, y).is_some()
    }

    /// Starts again from fresh weights (same seed: the same start).
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// `[[step, lr], …]`: the schedule sampled at `n` points over `steps` steps.
    #[wasm_bindgen(js_name = schedulePreview)]
    pub fn schedule_preview(&self, steps: usize, n: usize) -> Result<JsValue, JsError> {
        let base = self.inner.config().optimizer.lr();
        to_js(&self.inner.config().schedule.sample(base, steps, n))
    }

    /// The loss along −∇L at the current weights (whole training set), for each step size η.
    #[wasm_bindgen(js_name = stepProfile)]
    pub fn step_profile(&self, etas: Vec<f64>) -> Result<JsValue, JsError> {
        let mut obj = NetworkObjective::all(&self.inner).map_err(err)?;
        let theta = obj.theta();
        to_js(&sweep::step_profile(&mut obj, &theta, &etas))
    }
}

/// The learning-rate sweep: `k` log-spaced rates from `lo` to `hi`, `steps` steps each, every
/// run from the trainer's current weights and data order.
#[wasm_bindgen(js_name = LrSweep)]
pub struct JsLrSweep {
    inner: sweep::LrSweep<Trainer>,
}

#[wasm_bindgen(js_class = LrSweep)]
impl JsLrSweep {
    #[wasm_bindgen(constructor)]
    pub fn new(trainer: &JsTrainer, lo: f64, hi: f64, k: usize, steps: usize) -> Result<JsLrSweep, JsError> {
        let rates = sweep::log_space(lo, hi, k);
        if rates.is_empty() {
            return Err(JsError::new("the rates need 0 < lo ≤ hi and at least one rate"));
        }
        Ok(JsLrSweep { inner: sweep::LrSweep::new(constant_rate_copy(trainer)?, rates, steps) })
    }

    /// Does up to `budget` steps; returns `{done, total, finished}`.
    pub fn advance(&mut self, budget: usize) -> Result<JsValue, JsError> {
        to_js(&JsProgress::from(self.inner.advance(budget)))
    }

    /// `{rates, runs: [{lr, losses, diverged_at, full_loss}], best, start_loss}` so far
    /// (`start_loss`: the loss on the training set before any step, the same for every rate).
    pub fn result(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Out<'a> {
            rates: &'a [f64],
            runs: &'a [sweep::RateRun],
            best: Option<f64>,
            start_loss: Option<f64>,
        }
        to_js(&Out {
            rates: self.inner.rates(),
            runs: self.inner.runs(),
            best: self.inner.best().map(|r| r.lr),
            start_loss: self.inner.start_loss(),
        })
    }
}

/// The range test: the rate grows from `lo` to `hi` over `steps` steps of one run.
#[wasm_bindgen(js_name = RangeTest)]
pub struct JsRangeTest {
    inner: sweep::RangeTest<Trainer>,
}

#[wasm_bindgen(js_class = RangeTest)]
impl JsRangeTest {
    #[wasm_bindgen(constructor)]
    pub fn new(trainer: &JsTrainer, lo: f64, hi: f64, steps: usize) -> Result<JsRangeTest, JsError> {
        if !(lo > 0.0 && hi > lo && hi.is_finite()) {
            return Err(JsError::new("the range test needs 0 < lo < hi"));
        }
        Ok(JsRangeTest { inner: sweep::RangeTest::new(constant_rate_copy(trainer)?, lo, hi, steps) })
    }

    pub fn advance(&mut self, budget: usize) -> Result<JsValue, JsError> {
        to_js(&JsProgress::from(self.inner.advance(budget)))
    }

    /// `{points: [[lr, loss, smoothed], …], stopped_at, suggestion}`.
    pub fn result(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Out<'a> {
            points: &'a [(f64, f64, f64)],
            stopped_at: Option<usize>,
            suggestion: Option<f64>,
        }
        to_js(&Out {
            points: &self.inner.points,
            stopped_at: self.inner.stopped_at,
            suggestion: self.inner.suggestion(),
        })
    }
}

/// What a loss-surface request names.
#[derive(serde::Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
enum SurfaceProblem {
    Bowl { kappa: f64, angle: Option<f64> },
    PolyFit { fixed: usize, fixed_value: f64 },
}

#[derive(serde::Deserialize)]
struct SurfaceRequest {
    #[serde(flatten)]
    problem: SurfaceProblem,
    x: (f64, f64),
    y: (f64, f64),
    n: usize,
    start: (f64, f64),
    lr: f64,
    #[serde(default)]
    momentum: f64,
    steps: usize,
}

/// A two-parameter loss on an n×n grid with the gradient-descent path from a start:
/// `{grid: {n, x, y, values}, path: {points, losses, diverged_at}}`. The request is
/// `{problem: "bowl", kappa, angle?}` or `{problem: "poly_fit", fixed, fixed_value}`, plus
/// `x: [lo, hi], y: [lo, hi], n, start: [a, b], lr, momentum?, steps`.
#[wasm_bindgen(js_name = lossSurface)]
pub fn loss_surface(request: JsValue) -> Result<JsValue, JsError> {
    let r: SurfaceRequest = from_js(request, "loss surface")?;
    if r.n > 400 {
        return Err(JsError::new("a grid of at most 400×400 points"));
    }
    let mut obj: Box<dyn Objective> = match r.problem {
        SurfaceProblem::Bowl { kappa, angle } => Box::new(sweep::Bowl { kappa, angle: angle.unwrap_or(0.0) }),
        SurfaceProblem::PolyFit { fixed, fixed_value } => Box::new(sweep::PolyFit { fixed, fixed_value }),
    };
    surface(obj.as_mut(), r.x, r.y, r.n, r.start, r.lr, r.momentum, r.steps.min(100_000))
}

#[derive(serde::Deserialize)]
struct NetworkSurfaceRequest {
    i: usize,
    j: usize,
    radius: f64,
    n: usize,
    lr: f64,
    #[serde(default)]
    momentum: f64,
    steps: usize,
}

/// The same for two weights of a live network, the others frozen: `{i, j, radius, n, lr,
/// momentum?, steps}` with `i`, `j` indices in the network's parameter order; the grid is
/// centred on the current weights ± `radius` and the path starts there.
#[wasm_bindgen(js_name = networkSurface)]
pub fn network_surface(trainer: &JsTrainer, request: JsValue) -> Result<JsValue, JsError> {
    let r: NetworkSurfaceRequest = from_js(request, "network surface")?;
    let mut obj = NetworkObjective::pair(&trainer.inner, r.i, r.j).map_err(err)?;
    let t = obj.theta();
    let (a, b) = (t[0], t[1]);
    let (x, y) = ((a - r.radius, a + r.radius), (b - r.radius, b + r.radius));
    surface(&mut obj, x, y, r.n.min(200), (a, b), r.lr, r.momentum, r.steps.min(10_000))
}

#[allow(clippy::too_many_arguments)]
fn surface(
    obj: &mut dyn Objective,
    x: (f64, f64),
    y: (f64, f64),
    n: usize,
    start: (f64, f64),
    lr: f64,
    momentum: f64,
    steps: usize,
) -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Out {
        grid: sweep::Grid2,
        path: sweep::DescentPath,
    }
    let grid = sweep::loss_grid(obj, x, y, n);
    let path = sweep::descent_path(obj, &[start.0, start.1], lr, momentum, steps);
    to_js(&Out { grid, path })
}

// ---- the graph ---------------------------------------------------------------------------

/// An expression as a computational graph, for scripts:
///
/// ```js
/// const g = new Graph('x = -2; y = 5; z = -4\nq = x + y\nf = q * z');
/// g.backward();                 // → 5 (steps)
/// g.nodes();                    // [{ name: 'x', op: 'input', inputs: [], value: -2, grad: -4 }, …]
/// g.steps()[0].sends;           // [{ to: 'q', upstream: 1, local: -4, grad: -4 }, { to: 'z', … }]
/// g.setInput('x', 1);           // values recomputed, gradients cleared
/// ```
/// A bad expression throws an `Error` with `line` and `column` (and the place shown under a
/// caret in its message); a bad argument throws an `Error` naming it and what is allowed.
#[wasm_bindgen(js_name = Graph)]
pub struct JsGraph {
    inner: crate::graph::session::Session,
}

#[wasm_bindgen(js_class = Graph)]
impl JsGraph {
    #[wasm_bindgen(constructor)]
    pub fn new(source: JsValue) -> Result<JsGraph, JsValue> {
        let Some(source) = source.as_string() else {
            return Err(JsError::new(&format!(
                "new Graph(source): source must be a string, an expression like \"x = 2; f = x * x\"; got {}",
                kind(&source)
            ))
            .into());
        };
        crate::graph::session::Session::parse(&source).map(|inner| JsGraph { inner }).map_err(|e| {
            let error = js_sys::Error::new(&format!("new Graph(source): {}", e.message));
            let _ = js_sys::Reflect::set(&error, &"line".into(), &(e.line as f64).into());
            let _ = js_sys::Reflect::set(&error, &"column".into(), &(e.column as f64).into());
            error.into()
        })
    }

    /// Recomputes every value (and clears the gradients).
    pub fn forward(&mut self) {
        self.inner.forward();
    }

    /// Runs the whole backward pass; returns the number of steps.
    pub fn backward(&mut self) -> usize {
        self.inner.backward()
    }

    /// The backward pass in order, output first: `{node, contributions, upstream, sends: [{to,
    /// upstream, local, grad}], text}`.
    pub fn steps(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.steps())
    }

    /// Every node: `{name, op, inputs, value, grad}` (`grad` null before the backward pass).
    pub fn nodes(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.nodes())
    }

    /// Analytic against centred-difference gradients: `{input, analytic, numeric, relError, flagged}`.
    pub fn gradcheck(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.gradcheck())
    }

    /// Sets an input's value (a finite number); values are recomputed, gradients cleared.
    #[wasm_bindgen(js_name = setInput)]
    pub fn set_input(&mut self, name: JsValue, value: JsValue) -> Result<(), JsError> {
        let Some(name) = name.as_string() else {
            return Err(JsError::new(&format!("setInput(name, value): name must be a string, got {}", kind(&name))));
        };
        let Some(v) = value.as_f64() else {
            return Err(JsError::new(&format!("setInput(name, value): value must be a number, got {}", kind(&value))));
        };
        self.inner.set_input(&name, v).map_err(|e| JsError::new(&e))
    }
}

/// What a JS value is, for messages: `a number (3)`, `a string`, `null`…
pub(crate) fn kind(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "nothing (undefined)".into()
    } else if let Some(n) = v.as_f64() {
        format!("the number {n}")
    } else if v.as_string().is_some() {
        "a string".into()
    } else if let Some(b) = v.as_bool() {
        format!("{b}")
    } else {
        format!("a {}", v.js_typeof().as_string().unwrap_or_default())
    }
}
