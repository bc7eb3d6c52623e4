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

use crate::api::{self as checked, ArgError, NetworkSurfaceRequest, Problem, SurfaceRequest};
use crate::sweep::{self, Progress};
use crate::train::{OptimizerConfig, Schedule, TrainerConfig};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub(crate) fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsError> {
    // maps as plain objects and None as null, so results read naturally in JS
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    v.serialize(&ser).map_err(|e| JsError::new(&e.to_string()))
}

fn refused(e: ArgError) -> JsError {
    JsError::new(&e.0)
}

/// A plain object (not null, an array or a function), read by serde: a wrong type says what it
/// got, a wrong field says which.
fn from_object<T: serde::de::DeserializeOwned>(call: &str, name: &str, like: &str, v: JsValue) -> Result<T, JsError> {
    if !is_plain_object(&v) {
        return Err(JsError::new(&format!("{call}: {name} must be an object like {like}; got {}", kind(&v))));
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| JsError::new(&format!("{call}: {name}: {e}")))
}

fn is_plain_object(v: &JsValue) -> bool {
    v.is_object() && !js_sys::Array::is_array(v) && !v.is_function()
}

/// An array of at most `most` numbers.
fn numbers(call: &str, name: &str, v: &JsValue, most: usize) -> Result<Vec<f64>, JsError> {
    if !js_sys::Array::is_array(v) {
        return Err(JsError::new(&format!("{call}: {name} must be an array of numbers; got {}", kind(v))));
    }
    let array = js_sys::Array::from(v);
    let len = array.length() as usize;
    if len > most {
        return Err(JsError::new(&format!(
            "{call}: {name} holds at most {} numbers; got {}",
            checked::grouped(most),
            checked::grouped(len)
        )));
    }
    (0..len)
        .map(|i| {
            let x = array.get(i as u32);
            x.as_f64().ok_or_else(|| JsError::new(&format!("{call}: {name}[{i}] must be a number; got {}", kind(&x))))
        })
        .collect()
}

/// A field of a request object as a number: `default` when it is missing (None: required).
fn field(call: &str, obj: &JsValue, name: &str, default: Option<f64>) -> Result<f64, JsError> {
    let v = js_sys::Reflect::get(obj, &name.into()).unwrap_or(JsValue::UNDEFINED);
    match (v.as_f64(), default) {
        (Some(x), _) => Ok(x),
        (None, Some(d)) if v.is_undefined() => Ok(d),
        (None, None) if v.is_undefined() => {
            Err(JsError::new(&format!("{call}: request.{name} is missing: it is a number")))
        }
        _ => Err(JsError::new(&format!("{call}: request.{name} must be a number; got {}", kind(&v)))),
    }
}

/// A `[lo, hi]` field of a request object.
fn pair(call: &str, obj: &JsValue, name: &str) -> Result<(f64, f64), JsError> {
    let v = js_sys::Reflect::get(obj, &name.into()).unwrap_or(JsValue::UNDEFINED);
    match numbers(call, &format!("request.{name}"), &v, 2)?.as_slice() {
        &[a, b] => Ok((a, b)),
        other => Err(JsError::new(&format!("{call}: request.{name} must be two numbers [a, b]; got {}", other.len()))),
    }
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
    inner: crate::train::Trainer,
}

#[wasm_bindgen(js_class = Trainer)]
impl JsTrainer {
    /// A trainer from a config object (`Trainer.defaultConfig()` shows every field); nothing
    /// (`undefined` or `null`) gives the default.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<JsTrainer, JsError> {
        let call = "new Trainer(config)";
        let config: TrainerConfig = if config.is_undefined() || config.is_null() {
            TrainerConfig::default()
        } else {
            from_object(call, "config", "Trainer.defaultConfig() (or nothing, for the default)", config)?
        };
        crate::train::Trainer::new(config)
            .map(|inner| JsTrainer { inner })
            .map_err(|e| JsError::new(&format!("{call}: {e}")))
    }

    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&TrainerConfig::default())
    }

    /// The config in force.
    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.config())
    }

    /// Trains `steps` mini-batches (fewer if it diverges); returns the status. At most
    /// 1,000,000 steps, and 2×10⁹ weight × example products, per call.
    pub fn train(&mut self, steps: f64) -> Result<JsValue, JsError> {
        to_js(&checked::train(&mut self.inner, steps).map_err(refused)?)
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
    pub fn example_gradients(&self, index: f64) -> Result<JsValue, JsError> {
        to_js(&checked::example_gradients(&self.inner, index).map_err(refused)?)
    }

    /// Training point `index` written as an expression (what the graph view opens).
    #[wasm_bindgen(js_name = exampleSource)]
    pub fn example_source(&self, index: f64) -> Result<String, JsError> {
        checked::example_source(&self.inner, index).map_err(refused)
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
    /// decision boundary; n from 1 to 512.
    #[wasm_bindgen(js_name = predictGrid)]
    pub fn predict_grid(&mut self, n: f64, lo: f64, hi: f64) -> Result<Vec<f32>, JsError> {
        checked::predict_grid(&mut self.inner, n, lo, hi).map_err(refused)
    }

    /// One neuron's output over the same grid (layer 0 is the first hidden layer).
    #[wasm_bindgen(js_name = neuronGrid)]
    pub fn neuron_grid(&mut self, layer: f64, neuron: f64, n: f64, lo: f64, hi: f64) -> Result<Vec<f32>, JsError> {
        checked::neuron_grid(&mut self.inner, layer, neuron, n, lo, hi).map_err(refused)
    }

    /// The training and test points.
    pub fn points(&self) -> Result<JsValue, JsError> {
        to_js(&(self.inner.dataset().train(), self.inner.dataset().test()))
    }

    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), JsError> {
        checked::set_learning_rate(&mut self.inner, lr).map_err(refused)
    }

    #[wasm_bindgen(js_name = setOptimizer)]
    pub fn set_optimizer(&mut self, config: JsValue) -> Result<(), JsError> {
        let call = "setOptimizer(config)";
        let c: OptimizerConfig = from_object(call, "config", "Trainer.defaultConfig().optimizer", config)?;
        self.inner.set_optimizer(c).map_err(|e| JsError::new(&format!("{call}: {e}")))
    }

    #[wasm_bindgen(js_name = setSchedule)]
    pub fn set_schedule(&mut self, schedule: JsValue) -> Result<(), JsError> {
        let call = "setSchedule(schedule)";
        let s: Schedule = from_object(call, "schedule", "{ kind: \"step_decay\", every: 500, factor: 0.5 }", schedule)?;
        self.inner.set_schedule(s).map_err(|e| JsError::new(&format!("{call}: {e}")))
    }

    #[wasm_bindgen(js_name = setBatchSize)]
    pub fn set_batch_size(&mut self, n: f64) -> Result<(), JsError> {
        checked::set_batch_size(&mut self.inner, n).map_err(refused)
    }

    /// Neurons per hidden layer; rebuilds the network.
    #[wasm_bindgen(js_name = setHidden)]
    pub fn set_hidden(&mut self, sizes: JsValue) -> Result<(), JsError> {
        let call = "setHidden(sizes)";
        let sizes = numbers(call, "sizes", &sizes, crate::train::network::MAX_HIDDEN_LAYERS)?;
        checked::set_hidden(&mut self.inner, &sizes).map_err(refused)
    }

    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> Result<(), JsError> {
        checked::add_point(&mut self.inner, x, y, label).map_err(refused)
    }

    #[wasm_bindgen(js_name = removeNearest)]
    pub fn remove_nearest(&mut self, x: f64, y: f64) -> Result<bool, JsError> {
        checked::remove_nearest(&mut self.inner, x, y).map_err(refused)
    }

    /// Starts again from fresh weights (same seed: the same start).
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// `[[step, lr], …]`: the schedule sampled at `n` points (2 to 10,000) over `steps` steps.
    #[wasm_bindgen(js_name = schedulePreview)]
    pub fn schedule_preview(&self, steps: f64, n: f64) -> Result<JsValue, JsError> {
        to_js(&checked::schedule_preview(&self.inner, steps, n).map_err(refused)?)
    }

    /// The loss along −∇L at the current weights (whole training set), for each step size η
    /// (1 to 1,000 of them).
    #[wasm_bindgen(js_name = stepProfile)]
    pub fn step_profile(&self, etas: JsValue) -> Result<JsValue, JsError> {
        let call = "stepProfile(etas)";
        let etas = numbers(call, "etas", &etas, checked::MAX_ETAS)?;
        to_js(&checked::step_profile(&self.inner, &etas).map_err(refused)?)
    }
}

/// The learning-rate sweep: `k` log-spaced rates from `lo` to `hi`, `steps` steps each, every
/// run from the trainer's current weights and data order.
#[wasm_bindgen(js_name = LrSweep)]
pub struct JsLrSweep {
    inner: checked::Sweep,
}

#[wasm_bindgen(js_class = LrSweep)]
impl JsLrSweep {
    /// `k` from 1 to 100 rates, `steps` from 1 to 100,000 each (k × steps at most 2,000,000),
    /// rates from 1e-8 to 1000.
    #[wasm_bindgen(constructor)]
    pub fn new(trainer: &JsTrainer, lo: f64, hi: f64, k: f64, steps: f64) -> Result<JsLrSweep, JsError> {
        checked::lr_sweep(&trainer.inner, lo, hi, k, steps).map(|inner| JsLrSweep { inner }).map_err(refused)
    }

    /// Does up to `budget` steps; returns `{done, total, finished}`.
    pub fn advance(&mut self, budget: f64) -> Result<JsValue, JsError> {
        to_js(&JsProgress::from(checked::sweep_advance(&mut self.inner, budget).map_err(refused)?))
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
        let s = &self.inner.inner;
        to_js(&Out { rates: s.rates(), runs: s.runs(), best: s.best().map(|r| r.lr), start_loss: s.start_loss() })
    }
}

/// The range test: the rate grows from `lo` to `hi` over `steps` steps of one run.
#[wasm_bindgen(js_name = RangeTest)]
pub struct JsRangeTest {
    inner: checked::Range,
}

#[wasm_bindgen(js_class = RangeTest)]
impl JsRangeTest {
    /// `steps` from 2 to 100,000; 1e-8 ≤ lo < hi ≤ 1000.
    #[wasm_bindgen(constructor)]
    pub fn new(trainer: &JsTrainer, lo: f64, hi: f64, steps: f64) -> Result<JsRangeTest, JsError> {
        checked::range_test(&trainer.inner, lo, hi, steps).map(|inner| JsRangeTest { inner }).map_err(refused)
    }

    pub fn advance(&mut self, budget: f64) -> Result<JsValue, JsError> {
        to_js(&JsProgress::from(checked::range_advance(&mut self.inner, budget).map_err(refused)?))
    }

    /// `{points: [[lr, loss, smoothed], …], stopped_at, suggestion}`.
    pub fn result(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Out<'a> {
            points: &'a [(f64, f64, f64)],
            stopped_at: Option<usize>,
            suggestion: Option<f64>,
        }
        let r = &self.inner.inner;
        to_js(&Out { points: &r.points, stopped_at: r.stopped_at, suggestion: r.suggestion() })
    }
}

/// The lecture's two-layer NumPy network (random data, sigmoid hidden layer, no biases, the sum
/// of squared errors, plain gradient descent): `new LectureNet(64, 1000, 100, 10, 1e-4, 1)`.
#[wasm_bindgen(js_name = LectureNet)]
pub struct JsLectureNet {
    inner: crate::train::lecture::LectureNet,
}

#[wasm_bindgen(js_class = LectureNet)]
impl JsLectureNet {
    #[wasm_bindgen(constructor)]
    pub fn new(
        examples: f64,
        inputs: f64,
        hidden: f64,
        outputs: f64,
        rate: f64,
        seed: f64,
    ) -> Result<JsLectureNet, JsError> {
        checked::lecture_net(examples, inputs, hidden, outputs, rate, seed)
            .map(|inner| JsLectureNet { inner })
            .map_err(refused)
    }

    /// `steps` steps; each one's loss (before its update) as a `Float64Array`.
    pub fn train(&mut self, steps: f64) -> Result<js_sys::Float64Array, JsError> {
        let losses = checked::lecture_train(&mut self.inner, steps).map_err(refused)?;
        Ok(js_sys::Float64Array::from(&losses[..]))
    }

    /// Steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> f64 {
        self.inner.steps() as f64
    }

    /// `[[name, rows, columns], …]`: x, y, w1, h, w2, y_pred and the gradients.
    pub fn shapes(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.config().shapes())
    }
}

/// A two-parameter loss on an n×n grid with the gradient-descent path from a start:
/// `{grid: {n, x, y, values}, path: {points, losses, diverged_at}}`. The request is
/// `{problem: "bowl", kappa, angle?}` or `{problem: "poly_fit", fixed, fixed_value}`, plus
/// `x: [lo, hi], y: [lo, hi], n (2–400), start: [a, b], lr, momentum?, steps (0–100,000)`.
#[wasm_bindgen(js_name = lossSurface)]
pub fn loss_surface(request: JsValue) -> Result<JsValue, JsError> {
    let call = "lossSurface(request)";
    if !is_plain_object(&request) {
        return Err(JsError::new(&format!("{call}: request must be an object like {{ problem: \"bowl\", kappa: 10, x: [-5, 5], y: [-5, 5], n: 60, start: [-4, 3], lr: 0.1, steps: 50 }}; got {}", kind(&request))));
    }
    let name = js_sys::Reflect::get(&request, &"problem".into()).unwrap_or(JsValue::UNDEFINED);
    let problem = match name.as_string().as_deref() {
        Some("bowl") => Problem::Bowl {
            kappa: field(call, &request, "kappa", None)?,
            angle: field(call, &request, "angle", Some(0.0))?,
        },
        Some("poly_fit") => Problem::PolyFit {
            fixed: field(call, &request, "fixed", None)?,
            fixed_value: field(call, &request, "fixed_value", None)?,
        },
        _ => {
            return Err(JsError::new(&format!(
                "{call}: request.problem must be \"bowl\" or \"poly_fit\"; got {}",
                kind(&name)
            )))
        }
    };
    let r = SurfaceRequest {
        problem,
        x: pair(call, &request, "x")?,
        y: pair(call, &request, "y")?,
        n: field(call, &request, "n", None)?,
        start: pair(call, &request, "start")?,
        lr: field(call, &request, "lr", None)?,
        momentum: field(call, &request, "momentum", Some(0.0))?,
        steps: field(call, &request, "steps", None)?,
    };
    to_js(&checked::loss_surface(&r).map_err(refused)?)
}

/// The same for two weights of a live network, the others frozen: `{i, j, radius, n (2–200),
/// lr, momentum?, steps (0–10,000)}` with `i`, `j` indices in the network's parameter order;
/// the grid is centred on the current weights ± `radius` and the path starts there.
#[wasm_bindgen(js_name = networkSurface)]
pub fn network_surface(trainer: &JsTrainer, request: JsValue) -> Result<JsValue, JsError> {
    let call = "networkSurface(trainer, request)";
    if !is_plain_object(&request) {
        return Err(JsError::new(&format!(
            "{call}: request must be an object like {{ i: 0, j: 1, radius: 2, n: 40, lr: 0.1, steps: 50 }}; got {}",
            kind(&request)
        )));
    }
    let r = NetworkSurfaceRequest {
        i: field(call, &request, "i", None)?,
        j: field(call, &request, "j", None)?,
        radius: field(call, &request, "radius", None)?,
        n: field(call, &request, "n", None)?,
        lr: field(call, &request, "lr", None)?,
        momentum: field(call, &request, "momentum", Some(0.0))?,
        steps: field(call, &request, "steps", None)?,
    };
    to_js(&checked::network_surface(&trainer.inner, &r).map_err(refused)?)
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
    } else if let Some(s) = v.as_string() {
        if s.chars().count() <= 20 {
            format!("the string {s:?}")
        } else {
            "a string".into()
        }
    } else if js_sys::Array::is_array(v) {
        "an array".into()
    } else if let Some(b) = v.as_bool() {
        format!("{b}")
    } else {
        match v.js_typeof().as_string().as_deref() {
            Some("object") => "an object".into(),
            Some(t) => format!("a {t}"),
            None => "something else".into(),
        }
    }
}
