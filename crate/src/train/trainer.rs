//! The [`Trainer`]: a dataset, its features, a network, a loss, an optimizer and a schedule,
//! stepped one mini-batch at a time. This is what the page and the JS API drive.
//!
//! - **Reproducible.** Everything random comes from the trainer's seed (weights, the
//!   shuffled order of each epoch) and the dataset's seed (points), so the same
//!   [`TrainerConfig`] gives a bit-identical run.
//! - **Batches.** Each epoch visits the training points in a fresh shuffled order. Every
//!   batch has exactly `batch_size` points: a batch that reaches the end of the order takes
//!   its remaining points from the start of the next epoch's order. So the buffers keep their
//!   size, and a step allocates nothing.
//! - **Changing settings.** Learning rate, optimizer, schedule, batch size, activation, and a
//!   loss with the same number of outputs keep the weights (and the step count). Features,
//!   hidden layers, or a loss or dataset that changes the number of outputs rebuild the
//!   network from the seed. A setting that is not valid is refused with a [`TrainError`] and
//!   changes nothing.
//! - **Divergence.** After each step, a loss that is NaN or ±∞, or above 10⁶ × the first
//!   step's loss (and above 1000 in any case), or a parameter that is not finite, stops
//!   training: the status becomes [`Status::Diverged`] and further steps do nothing until
//!   [`Trainer::reset`]. A loss that blows up is caught before its update is applied.

use super::data::{featurize_into, targets, Dataset, DatasetConfig, Feature, Point};
use super::network::Workspace;
use super::optim::{Optimizer, OptimizerConfig, OptimizerState};
use super::scalar::network_graph;
use super::{Loss, Network, NetworkConfig, Regularization, Schedule, TrainError};
use crate::graph::{Graph, NodeId};
use crate::tensor::{ensure_shape, Activation, LayerSnapshot, Real, Rng};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Largest batch size.
pub const MAX_BATCH: usize = super::data::MAX_POINTS;
/// Most features.
pub const MAX_FEATURES: usize = 16;
/// Largest grid side for the pictures of the plane.
pub const MAX_GRID: usize = 512;
/// Most parameters for which [`Trainer::example_source`] writes the network out as gates.
pub const MAX_EXAMPLE_PARAMS: usize = 64;
/// A loss above this many times the first loss (taken as at least 10⁻³) counts as diverged:
/// the one rule of the trainer, the learning-rate sweep and the descent paths ([`exploded`]).
pub const DIVERGENCE_FACTOR: f64 = 1e6;

/// Whether a run whose first loss was `first` has diverged at `loss`: not finite, or above
/// [`DIVERGENCE_FACTOR`] × max(|first|, 10⁻³) (so a run that starts near zero is not flagged
/// for a wobble).
pub fn exploded(first: f64, loss: f64) -> bool {
    !loss.is_finite() || loss > DIVERGENCE_FACTOR * first.abs().max(1e-3)
}

/// Everything that defines a training run. Missing fields read from serde take the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainerConfig {
    pub dataset: DatasetConfig,
    pub features: Vec<Feature>,
    /// Neurons per hidden layer.
    pub hidden: Vec<usize>,
    /// Activation of the hidden layers.
    pub activation: Activation,
    pub loss: Loss,
    pub optimizer: OptimizerConfig,
    /// A penalty on the weights, added to the data loss's gradient.
    pub regularization: Regularization,
    pub schedule: Schedule,
    pub batch_size: usize,
    /// Seed of the weights and of the shuffling.
    pub seed: u64,
}

impl Default for TrainerConfig {
    /// The lab's start: circle, features x and y, 6 and 5 tanh neurons, SGD at 0.03, batches of
    /// 10 — a network that learns every set of the menu but the spirals within about 1,000 steps
    /// (TF Playground's 4-2 stalls near 70% on XOR), at one epoch per frame over a second or two
    /// with the loss still falling for several more, and whose 59 parameters still fit one
    /// example's graph (`MAX_EXAMPLE_PARAMS`). The spirals need more: other features, or time.
    fn default() -> Self {
        Self {
            dataset: DatasetConfig::default(),
            features: vec![Feature::X, Feature::Y],
            hidden: vec![6, 5],
            activation: Activation::Tanh,
            loss: Loss::BinaryCrossEntropy,
            optimizer: OptimizerConfig::Sgd { lr: 0.03 },
            regularization: Regularization::None,
            schedule: Schedule::Constant,
            batch_size: 10,
            seed: 1,
        }
    }
}

/// Where training stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Ready for the next step.
    Ready,
    /// Stopped at `step` (1-based) with this loss: the loss or a parameter blew up.
    Diverged { step: u64, loss: f64 },
    /// The training set is empty: add points.
    NoData,
}

impl Status {
    /// What to tell the student.
    pub fn message(&self) -> String {
        match self {
            Status::Ready => "ready".into(),
            Status::Diverged { step, loss } => format!(
                "diverged at step {step}: the loss became {loss}. The learning rate is probably too large; \
                 lower it and press Reset"
            ),
            Status::NoData => "the training set is empty: add some points".into(),
        }
    }
}

/// Loss and accuracy on one set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// `None` for an empty set.
    pub loss: Option<f64>,
    /// Fraction classified correctly; `None` for regression or an empty set.
    pub accuracy: Option<f64>,
}

/// Everything a run needs to go on exactly where it stands (the training part of a lab file):
/// the settings, the points (added ones too), every weight and bias, the optimizer's state,
/// the counters and the shuffling. [`Trainer::run_state`] writes it, [`Trainer::resume`]
/// checks and reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    pub config: TrainerConfig,
    pub train: Vec<Point>,
    pub test: Vec<Point>,
    /// Every weight and bias, in the order of [`Network::params`] (f32 values, exact; a
    /// diverged run's NaN or ∞ as `null` in JSON, read back as NaN).
    #[serde(with = "nan_as_null")]
    pub params: Vec<f64>,
    /// The optimizer's steps (Adam's t) and state ([`Optimizer::saved`]).
    pub optimizer_steps: u64,
    #[serde(with = "nan_as_null")]
    pub optimizer_state: Vec<f64>,
    /// The shuffling generator's state (as 16 hex digits in JSON: JavaScript's numbers stop
    /// at 2⁵³), this epoch's order of the training points and the next one in it.
    #[serde(with = "hex_u64")]
    pub rng: u64,
    pub order: Vec<usize>,
    pub cursor: usize,
    pub step: u64,
    pub epoch: u64,
    pub first_loss: Option<f64>,
    pub batch_loss: Option<f64>,
    /// (A diverged run's loss that is not finite is written `null`, read back as ∞.)
    #[serde(with = "status_saved")]
    pub status: Status,
}

/// Numbers that may not be finite, for JSON (which has no NaN or ∞): those are written `null`
/// and read back as NaN.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|x| x.is_finite().then_some(*x)).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Option<f64>>::deserialize(d)?.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    }
}

/// A u64 as 16 hex digits, for JSON read by JavaScript.
mod hex_u64 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        u64::from_str_radix(&text, 16).ok().filter(|_| text.len() == 16).ok_or_else(|| {
            D::Error::custom(format!("rng must be 16 hex digits (got {:?})", crate::expr::visible(&text, 20)))
        })
    }
}

/// [`Status`] for JSON: a diverged run's loss that is not finite as `null` (read back as ∞).
mod status_saved {
    use super::Status;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "state", rename_all = "snake_case")]
    enum Saved {
        Ready,
        Diverged { step: u64, loss: Option<f64> },
        NoData,
    }

    pub fn serialize<S: Serializer>(v: &Status, s: S) -> Result<S::Ok, S::Error> {
        match *v {
            Status::Ready => Saved::Ready,
            Status::NoData => Saved::NoData,
            Status::Diverged { step, loss } => Saved::Diverged { step, loss: loss.is_finite().then_some(loss) },
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Status, D::Error> {
        Ok(match Saved::deserialize(d)? {
            Saved::Ready => Status::Ready,
            Saved::NoData => Status::NoData,
            Saved::Diverged { step, loss } => Status::Diverged { step, loss: loss.unwrap_or(f64::INFINITY) },
        })
    }
}

/// Everything a view shows about the run, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainerSnapshot {
    pub step: u64,
    /// Completed passes over the training set.
    pub epoch: u64,
    /// The learning rate the next step will use.
    pub lr: f64,
    /// Loss of the last mini-batch.
    pub batch_loss: Option<f64>,
    pub train: Evaluation,
    pub test: Evaluation,
    pub status: Status,
    /// Every layer's matrices for the last mini-batch.
    pub layers: Vec<LayerSnapshot>,
    pub optimizer: OptimizerState,
}

/// A grid of the plane, featurised, and the network's outputs on it.
#[derive(Clone, Debug, Default)]
struct GridCache {
    /// (side, lo, hi) of the grid in `points`.
    key: Option<(usize, f64, f64)>,
    /// The features `x` holds.
    features: Vec<Feature>,
    /// The `version` the outputs in `ws` belong to.
    evaluated: Option<u64>,
    points: Vec<Point>,
    x: Array2<f32>,
    ws: Workspace<f32>,
}

/// A training run; see the module documentation.
#[derive(Clone, Debug)]
pub struct Trainer {
    config: TrainerConfig,
    dataset: Dataset,
    net: Network<f32>,
    optimizer: Optimizer<f32>,
    /// The weights and biases of each layer as the last full step's batch used them, before
    /// that step's update ([`Trainer::batch_layers`]); empty until such a step.
    used: Vec<(Vec<f32>, Vec<f32>)>,
    /// Draws the shuffled orders.
    rng: Rng,
    /// Indices of training points in this epoch's order; `cursor` is the next one.
    order: Vec<usize>,
    cursor: usize,
    step: u64,
    epoch: u64,
    first_loss: Option<f64>,
    batch_loss: Option<f64>,
    status: Status,
    /// Bumped whenever the parameters or the data change (for the caches).
    version: u64,
    x_train: Array2<f32>,
    t_train: Array2<f32>,
    x_test: Array2<f32>,
    t_test: Array2<f32>,
    /// The current mini-batch.
    x_batch: Array2<f32>,
    t_batch: Array2<f32>,
    eval: [(Option<u64>, Evaluation, Workspace<f32>); 2],
    grid: GridCache,
}

/// Checks that the problem (data, features, loss) fits together; returns the number of outputs.
fn check_problem(dataset: &Dataset, features: &[Feature], loss: Loss) -> Result<usize, TrainError> {
    if features.is_empty() {
        return Err(TrainError::NoInputs);
    }
    if features.len() > MAX_FEATURES {
        return Err(TrainError::TooLarge { what: "features", limit: MAX_FEATURES, got: features.len() });
    }
    let incompatible = |reason: &str| Err(TrainError::IncompatibleLoss { loss, reason: reason.into() });
    let outputs = match (loss, dataset.classes()) {
        (Loss::Mse, 0 | 2) => 1,
        (Loss::BinaryCrossEntropy, 2) => 1,
        (Loss::SoftmaxCrossEntropy, k) if k >= 2 => k,
        (_, 0) => return incompatible("is for classification; this dataset is a regression: use mean squared error"),
        _ => {
            return incompatible(
                "gives one output for two classes; this dataset has 3 classes: use softmax cross-entropy",
            )
        }
    };
    if dataset.is_regression() {
        if let Some(&feature) = features.iter().find(|f| f.reads_y()) {
            return Err(TrainError::FeatureNeedsY { feature });
        }
    }
    Ok(outputs)
}

/// dst ← src for one example's features. A batch copies a handful of rows of two or three
/// values each step; a fixed-width copy for the usual widths saves a `memcpy` call per row.
#[inline(always)]
fn copy_row(src: &[f32], dst: &mut [f32]) {
    fn fixed<const N: usize>(src: &[f32], dst: &mut [f32]) -> bool {
        match (<&[f32; N]>::try_from(src), <&mut [f32; N]>::try_from(dst)) {
            (Ok(s), Ok(d)) => {
                *d = *s;
                true
            }
            _ => false,
        }
    }
    let done = match src.len() {
        1 => fixed::<1>(src, dst),
        2 => fixed::<2>(src, dst),
        3 => fixed::<3>(src, dst),
        4 => fixed::<4>(src, dst),
        _ => false,
    };
    if !done {
        dst.copy_from_slice(src);
    }
}

fn check_batch(batch_size: usize) -> Result<(), TrainError> {
    if batch_size == 0 {
        return Err(TrainError::Setting { name: "batch size", requirement: "at least 1", value: 0.0 });
    }
    if batch_size > MAX_BATCH {
        return Err(TrainError::TooLarge { what: "examples in a batch", limit: MAX_BATCH, got: batch_size });
    }
    Ok(())
}

impl Trainer {
    /// A fresh run: makes the dataset and the network, step 0.
    pub fn new(config: TrainerConfig) -> Result<Self, TrainError> {
        let dataset = Dataset::generate(&config.dataset)?;
        if dataset.train().is_empty() {
            return Err(TrainError::EmptyDataset);
        }
        check_batch(config.batch_size)?;
        config.schedule.validate()?;
        config.regularization.validate()?;
        let net = Network::new(&Self::network_config(&config, &dataset)?)?;
        let optimizer = Optimizer::new(config.optimizer, &net)?;
        let mut trainer = Self {
            rng: Rng::new(0),
            order: Vec::new(),
            cursor: 0,
            step: 0,
            epoch: 0,
            first_loss: None,
            batch_loss: None,
            status: Status::Ready,
            version: 0,
            x_train: Array2::zeros((0, 0)),
            t_train: Array2::zeros((0, 0)),
            x_test: Array2::zeros((0, 0)),
            t_test: Array2::zeros((0, 0)),
            x_batch: Array2::zeros((0, 0)),
            t_batch: Array2::zeros((0, 0)),
            eval: Default::default(),
            grid: GridCache::default(),
            config,
            dataset,
            net,
            optimizer,
            used: Vec::new(),
        };
        trainer.load_data();
        trainer.restart();
        Ok(trainer)
    }

    fn network_config(config: &TrainerConfig, dataset: &Dataset) -> Result<NetworkConfig, TrainError> {
        let outputs = check_problem(dataset, &config.features, config.loss)?;
        let net = NetworkConfig::for_loss(
            config.features.len(),
            config.hidden.clone(),
            config.activation,
            outputs,
            config.loss,
            config.seed,
        );
        net.validate()?;
        Ok(net)
    }

    /// Featurises the points (after the data or the features changed).
    fn load_data(&mut self) {
        let features = &self.config.features;
        featurize_into(self.dataset.train(), features, &mut self.x_train);
        featurize_into(self.dataset.test(), features, &mut self.x_test);
        for (t, points) in [(&mut self.t_train, self.dataset.train()), (&mut self.t_test, self.dataset.test())] {
            *t = targets(points);
        }
        ensure_shape(&mut self.x_batch, self.config.batch_size, features.len());
        ensure_shape(&mut self.t_batch, self.config.batch_size, 1);
        self.new_order();
        self.version += 1;
    }

    /// A fresh shuffled order of the training points (after they changed).
    fn new_order(&mut self) {
        self.order.clear();
        self.order.extend(0..self.dataset.train().len());
        self.rng.shuffle(&mut self.order);
        self.cursor = 0;
    }

    /// Back to step 0 with the network as the seed makes it: weights, optimizer state,
    /// shuffling, counters and status.
    fn restart(&mut self) {
        if let Ok(config) = Self::network_config(&self.config, &self.dataset) {
            if let Ok(net) = Network::new(&config) {
                self.net = net;
            }
        }
        self.optimizer.reset(&self.net);
        self.used.clear();
        self.rng = Rng::new(self.config.seed ^ 0xA5A5_A5A5_A5A5_A5A5);
        self.new_order();
        self.step = 0;
        self.epoch = 0;
        self.first_loss = None;
        self.batch_loss = None;
        self.status = if self.dataset.train().is_empty() { Status::NoData } else { Status::Ready };
        self.version += 1;
    }

    // ---- stepping ------------------------------------------------------------------------

    /// Trains on one mini-batch and returns the status. Does nothing once diverged (until
    /// `reset`) or while the training set is empty.
    pub fn step(&mut self) -> Status {
        self.step_with(true)
    }

    /// One step for a run no view looks into (the sweep's copies): like [`Trainer::step`],
    /// without what only the layer view reads (the first layer's dinputs, the parameters the
    /// batch used).
    pub(crate) fn step_unseen(&mut self) -> Status {
        self.step_with(false)
    }

    /// One step; `full`: also what only a view reads (the first layer's dinputs, the
    /// parameters the batch used).
    fn step_with(&mut self, full: bool) -> Status {
        if let Status::Diverged { .. } = self.status {
            return self.status;
        }
        if self.order.is_empty() {
            self.status = Status::NoData;
            return self.status;
        }
        self.fill_batch();
        let lr = self.current_lr();
        let (x, t, loss) = (self.x_batch.view(), self.t_batch.view(), self.config.loss);
        let result = if full { self.net.loss_and_grad(x, t, loss) } else { self.net.loss_and_param_grads(x, t, loss) };
        let loss = match result {
            Ok(v) => Real::to_f64(v),
            // Cannot happen: the problem was checked when it was set up.
            Err(_) => return self.status,
        };
        self.step += 1;
        self.batch_loss = Some(loss);
        let first = *self.first_loss.get_or_insert(loss);
        if exploded(first, loss) {
            self.status = Status::Diverged { step: self.step, loss };
            return self.status;
        }
        if full {
            self.keep_used_parameters();
        }
        if self.config.regularization != Regularization::None {
            let reg = self.config.regularization;
            for layer in self.net.layers_mut() {
                let (w, dw) = layer.weights_and_grads();
                reg.add_gradient(w, dw);
            }
        }
        // The schedule's rate is finite and ≥ 0 for a valid schedule, so this cannot fail.
        let _ = self.optimizer.step(&mut self.net, lr);
        self.version += 1;
        if !self.net.all_finite() {
            self.status = Status::Diverged { step: self.step, loss };
        } else {
            self.status = Status::Ready;
        }
        self.status
    }

    /// Copies the parameters this step's batch used, before the update changes them (full
    /// steps only: the buffers are reused, nothing is allocated once they have their size).
    fn keep_used_parameters(&mut self) {
        let layers = self.net.layers();
        self.used.resize_with(layers.len(), Default::default);
        for (layer, (w, b)) in layers.iter().zip(&mut self.used) {
            w.clear();
            w.extend(layer.weights().iter());
            b.clear();
            b.extend(layer.biases().iter());
        }
    }

    /// Up to `steps` steps (fewer if training stops); returns the status.
    /// Every matrix of the last step is complete afterwards, as after [`Trainer::step`].
    pub fn train(&mut self, steps: usize) -> Status {
        for i in 0..steps {
            // Only the last step computes what no parameter needs (the first layer's dinputs).
            if self.step_with(i + 1 == steps) != Status::Ready {
                break;
            }
        }
        self.status
    }

    /// Copies the next `batch_size` training points (in this epoch's order) into the batch
    /// buffers, starting a new epoch with a new order whenever the order runs out.
    fn fill_batch(&mut self) {
        let f = self.x_train.ncols();
        let (Some(xs), Some(ts), Some(xb), Some(tb)) = (
            self.x_train.as_slice(),
            self.t_train.as_slice(),
            self.x_batch.as_slice_mut(),
            self.t_batch.as_slice_mut(),
        ) else {
            return;
        };
        for (x_row, t) in xb.chunks_exact_mut(f.max(1)).zip(tb.iter_mut()) {
            let i = self.order[self.cursor];
            copy_row(&xs[i * f..(i + 1) * f], x_row);
            *t = ts[i];
            self.cursor += 1;
            if self.cursor == self.order.len() {
                self.cursor = 0;
                self.epoch += 1;
                self.rng.shuffle(&mut self.order);
            }
        }
    }

    // ---- reading -------------------------------------------------------------------------

    pub fn config(&self) -> &TrainerConfig {
        &self.config
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    pub fn network(&self) -> &Network<f32> {
        &self.net
    }

    pub fn optimizer(&self) -> &Optimizer<f32> {
        &self.optimizer
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// Steps taken since the network was built or reset.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Completed passes over the training set.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Loss of the last mini-batch.
    pub fn batch_loss(&self) -> Option<f64> {
        self.batch_loss
    }

    /// The learning rate the next step will use (the schedule at the current step).
    pub fn current_lr(&self) -> f64 {
        self.config.schedule.lr(self.config.optimizer.lr(), self.step.min(usize::MAX as u64) as usize)
    }

    /// Loss and accuracy on the training set (`test = false`) or the test set (cached until
    /// the parameters or the data change).
    pub fn evaluate(&mut self, test: bool) -> Evaluation {
        let (x, t) = if test { (&self.x_test, &self.t_test) } else { (&self.x_train, &self.t_train) };
        let (stamp, result, ws) = &mut self.eval[usize::from(test)];
        if *stamp != Some(self.version) {
            *result = evaluate(&self.net, x.view(), t.view(), self.config.loss, !self.dataset.is_regression(), ws);
            *stamp = Some(self.version);
        }
        *result
    }

    pub fn loss_train(&mut self) -> Option<f64> {
        self.evaluate(false).loss
    }

    pub fn loss_test(&mut self) -> Option<f64> {
        self.evaluate(true).loss
    }

    /// Fraction of training points classified correctly (`None` for regression).
    pub fn accuracy_train(&mut self) -> Option<f64> {
        self.evaluate(false).accuracy
    }

    /// Fraction of test points classified correctly (`None` for regression).
    pub fn accuracy_test(&mut self) -> Option<f64> {
        self.evaluate(true).accuracy
    }

    /// Every layer's matrices of the last batch with the weights and biases that batch used
    /// (the network's own have had the step's update since), so that z = X·W + b and
    /// dinputs = dz·Wᵀ hold for the numbers shown together. Before the first step, the
    /// network's parameters.
    pub fn batch_layers(&self) -> Vec<LayerSnapshot> {
        let layers = self.net.layers().iter().enumerate();
        layers
            .map(|(i, layer)| {
                let mut s = layer.snapshot();
                let fits =
                    |(w, b): &&(Vec<f32>, Vec<f32>)| w.len() == s.weights.data.len() && b.len() == s.biases.data.len();
                if let Some((w, b)) = self.used.get(i).filter(fits) {
                    s.weights.data = w.iter().map(|&v| f64::from(v)).collect();
                    s.biases.data = b.iter().map(|&v| f64::from(v)).collect();
                }
                s
            })
            .collect()
    }

    /// The run as it stands, to go on from later ([`Trainer::resume`]).
    pub fn run_state(&self) -> RunState {
        RunState {
            config: self.config.clone(),
            train: self.dataset.train().to_vec(),
            test: self.dataset.test().to_vec(),
            params: self.net.params(),
            optimizer_steps: self.optimizer.steps(),
            optimizer_state: self.optimizer.saved(),
            rng: self.rng.state(),
            order: self.order.clone(),
            cursor: self.cursor,
            step: self.step,
            epoch: self.epoch,
            first_loss: self.first_loss,
            batch_loss: self.batch_loss,
            status: self.status,
        }
    }

    /// A trainer exactly where `run` left off: the same predictions bit for bit, and the same
    /// steps from there. Everything is checked (the settings as [`Trainer::new`] does, the
    /// points, the number of weights and of optimizer values, the order) and a message says
    /// what does not fit.
    pub fn resume(run: RunState) -> Result<Trainer, TrainError> {
        let mut t = Trainer::new(run.config)?;
        t.dataset = Dataset::from_points(t.config.dataset.clone(), run.train, run.test)?;
        let diverged = matches!(run.status, Status::Diverged { .. });
        // the network holds f32: a finite f64 past f32's range would become ∞ (and be saved as
        // null, read back as NaN: not the same run)
        let fits = |v: &f64| v.is_finite() && v.abs() <= f64::from(f32::MAX);
        for (what, values) in [("the weights and biases", &run.params), ("the optimizer's state", &run.optimizer_state)]
        {
            if let Some(bad) = values.iter().find(|v| !fits(v)).filter(|_| !diverged) {
                return Err(TrainError::Invalid(format!(
                    "{what} must be finite numbers within ±3.4e38 unless the run diverged (got {bad})"
                )));
            }
        }
        // a diverged run keeps its non-finite values, all as NaN (as a saved file has them)
        let kept = |values: &[f64]| values.iter().map(|v| if fits(v) { *v } else { f64::NAN }).collect::<Vec<_>>();
        t.net.set_params(&kept(&run.params))?;
        t.optimizer.restore(run.optimizer_steps, &kept(&run.optimizer_state), &t.net)?;
        t.load_data();
        let n = t.dataset.train().len();
        let mut seen = vec![false; n];
        let permutation =
            run.order.len() == n && run.order.iter().all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
        if !permutation {
            return Err(TrainError::Invalid(format!(
                "the order of the training points must list each of the {n} points once"
            )));
        }
        if run.cursor > n {
            return Err(TrainError::Invalid(format!(
                "the next point in the order ({}) is past its end ({n})",
                run.cursor
            )));
        }
        t.rng = Rng::new(run.rng);
        t.order = run.order;
        t.cursor = run.cursor;
        t.step = run.step;
        t.epoch = run.epoch;
        t.first_loss = run.first_loss.filter(|v| v.is_finite());
        t.batch_loss = run.batch_loss.filter(|v| v.is_finite());
        t.status = if n == 0 { Status::NoData } else { run.status };
        t.version += 1;
        Ok(t)
    }

    /// Everything a view shows, as plain data.
    pub fn snapshot(&mut self) -> TrainerSnapshot {
        TrainerSnapshot {
            step: self.step,
            epoch: self.epoch,
            lr: self.current_lr(),
            batch_loss: self.batch_loss,
            train: self.evaluate(false),
            test: self.evaluate(true),
            status: self.status,
            layers: self.net.snapshot(),
            optimizer: self.optimizer.state(),
        }
    }

    // ---- pictures of the plane -----------------------------------------------------------

    /// Evaluates the network on an n × n grid over [lo, hi]² (cached). Row 0 is the top
    /// (y = hi), column 0 the left (x = lo); both ends are included.
    fn eval_grid(&mut self, n: usize, (lo, hi): (f64, f64)) -> Result<(), TrainError> {
        if n == 0 || n > MAX_GRID {
            return Err(TrainError::TooLarge { what: "grid cells per side (1 at least)", limit: MAX_GRID, got: n });
        }
        check_grid_range(lo, hi)?;
        let g = &mut self.grid;
        if g.key != Some((n, lo, hi)) {
            g.points.clear();
            let at = |k: usize| if n == 1 { 0.5 } else { k as f64 / (n - 1) as f64 };
            for i in 0..n {
                for j in 0..n {
                    g.points.push(Point { x: lo + (hi - lo) * at(j), y: hi - (hi - lo) * at(i), label: 0.0 });
                }
            }
            g.key = Some((n, lo, hi));
            g.features.clear();
            g.evaluated = None;
        }
        if g.features != self.config.features {
            featurize_into(&g.points, &self.config.features, &mut g.x);
            g.features.clone_from(&self.config.features);
            g.evaluated = None;
        }
        if g.evaluated != Some(self.version) {
            self.net.predict(g.x.view(), &mut g.ws)?;
            g.evaluated = Some(self.version);
        }
        Ok(())
    }

    /// The network's outputs on the grid of the last `eval_grid`.
    fn grid_outputs(&self) -> Result<ArrayView2<'_, f32>, TrainError> {
        let last = self.net.layers().len().saturating_sub(1);
        self.grid.ws.layer_outputs(last).ok_or(TrainError::NoOutputs)
    }

    /// One number per cell of an n × n grid over [lo, hi]² (row 0 at the top): the
    /// probability of class 1 for two classes, the predicted class (0, 1, 2) for three, the
    /// prediction for regression (which depends on x only).
    pub fn predict_grid(&mut self, n: usize, range: (f64, f64)) -> Result<Vec<f32>, TrainError> {
        self.eval_grid(n, range)?;
        let (loss, classes) = (self.config.loss, self.dataset.classes());
        let mut probs = [0.0; 2];
        Ok(self
            .grid_outputs()?
            .rows()
            .into_iter()
            .map(|row| {
                let row = row.to_slice().unwrap_or(&[]);
                match classes {
                    0 => row.first().copied().unwrap_or(0.0),
                    2 => {
                        loss.probabilities(row, &mut probs);
                        probs[1] as f32
                    }
                    _ => loss.predict_class(row) as f32,
                }
            })
            .collect())
    }

    /// Per-class probabilities on an n × n grid: for each cell (row 0 at the top), one value
    /// per class (so n·n·classes values); for regression, the prediction (n·n values).
    pub fn predict_grid_probs(&mut self, n: usize, range: (f64, f64)) -> Result<Vec<f32>, TrainError> {
        self.eval_grid(n, range)?;
        let (loss, k) = (self.config.loss, self.dataset.classes());
        if k == 0 {
            return self.predict_grid(n, range);
        }
        let mut probs = vec![0.0; k];
        let mut out = Vec::with_capacity(n * n * k);
        for row in self.grid_outputs()?.rows() {
            loss.probabilities(row.to_slice().unwrap_or(&[]), &mut probs);
            out.extend(probs.iter().map(|&p| p as f32));
        }
        Ok(out)
    }

    /// What one neuron outputs (after its activation) over an n × n grid of [lo, hi]²:
    /// `layer` 0 is the first hidden layer, the last layer is the output layer.
    pub fn neuron_grid(
        &mut self,
        layer: usize,
        neuron: usize,
        n: usize,
        range: (f64, f64),
    ) -> Result<Vec<f32>, TrainError> {
        let exists = self.net.layers().get(layer).is_some_and(|l| neuron < l.n_neurons());
        if !exists {
            return Err(TrainError::NoSuchNeuron { layer, neuron });
        }
        self.eval_grid(n, range)?;
        let outputs = self.grid.ws.layer_outputs(layer).ok_or(TrainError::NoSuchNeuron { layer, neuron })?;
        Ok(outputs.column(neuron).to_vec())
    }

    /// Input feature `index` over an n × n grid of [lo, hi]² (the pictures on the input
    /// nodes).
    pub fn feature_grid(&mut self, index: usize, n: usize, range: (f64, f64)) -> Result<Vec<f32>, TrainError> {
        if index >= self.config.features.len() {
            return Err(TrainError::NoSuchNeuron { layer: 0, neuron: index });
        }
        self.eval_grid(n, range)?;
        Ok(self.grid.x.column(index).to_vec())
    }

    /// The prediction along x at n evenly spaced points of [lo, hi] (regression curves).
    pub fn predict_curve(&mut self, n: usize, (lo, hi): (f64, f64)) -> Result<Vec<f32>, TrainError> {
        if n == 0 || n > MAX_GRID * MAX_GRID {
            return Err(TrainError::TooLarge { what: "curve points (1 at least)", limit: MAX_GRID * MAX_GRID, got: n });
        }
        check_grid_range(lo, hi)?;
        let points: Vec<Point> = (0..n)
            .map(|k| {
                let s = if n == 1 { 0.5 } else { k as f64 / (n - 1) as f64 };
                Point { x: lo + (hi - lo) * s, y: 0.0, label: 0.0 }
            })
            .collect();
        let x = super::data::featurize::<f32>(&points, &self.config.features);
        let mut ws = Workspace::default();
        let out = self.net.predict(x.view(), &mut ws)?;
        Ok(out.column(0).to_vec())
    }

    /// The network (in f64) on training point `index` as a scalar graph of gates, for
    /// "backprop on one example"; see [`network_graph`].
    pub fn example_graph(&self, index: usize) -> Result<(Graph, Vec<NodeId>), TrainError> {
        let (x, target) = self.example(index)?;
        network_graph(&self.net.convert::<f64>(), &x, &[target], self.config.loss)
    }

    /// Training point `index` as the network sees it: its features and its target.
    fn example(&self, index: usize) -> Result<(Vec<f64>, f64), TrainError> {
        let p = self.dataset.train().get(index).ok_or(TrainError::NoSuchPoint { index })?;
        Ok((self.config.features.iter().map(|f| f.value(p.x, p.y)).collect(), p.label))
    }

    /// [`Trainer::example_graph`] as text in the expression language (see
    /// [`network_source`](super::scalar::network_source)), for the graph view. Networks with
    /// more than [`MAX_EXAMPLE_PARAMS`] parameters are refused with a message: their graph has
    /// too many gates to read.
    pub fn example_source(&self, index: usize) -> Result<String, TrainError> {
        let n = self.net.n_params();
        if n > MAX_EXAMPLE_PARAMS {
            return Err(TrainError::Graph(format!(
                "this network has {n} weights and biases; its graph of gates is readable up to about {MAX_EXAMPLE_PARAMS}. \
                 Use fewer or smaller hidden layers (for example 3 neurons) to see backprop on one example."
            )));
        }
        let (x, target) = self.example(index)?;
        super::scalar::network_source(&self.net.convert::<f64>(), &x, &[target], self.config.loss)
    }

    // ---- changing settings ---------------------------------------------------------------

    /// Re-initialises the network from the seed: step 0, fresh optimizer state, status ready.
    pub fn reset(&mut self) {
        self.restart();
    }

    /// A new seed for weights and shuffling, and a reset.
    pub fn set_seed(&mut self, seed: u64) {
        self.config.seed = seed;
        self.restart();
    }

    /// A new base learning rate (weights and optimizer state kept).
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), TrainError> {
        self.set_optimizer(self.config.optimizer.with_lr(lr))
    }

    /// A new optimizer (weights kept; its state is kept if the kind is the same).
    pub fn set_optimizer(&mut self, config: OptimizerConfig) -> Result<(), TrainError> {
        self.optimizer.set_config(config, &self.net)?;
        self.config.optimizer = config;
        Ok(())
    }

    /// Sets one parameter by hand: layer `layer` (from 0), the weight from input `i` to neuron
    /// `j`, or neuron `j`'s bias when `i` is None, to `value` (finite, |value| ≤ 1,000). The
    /// optimizer's state and the counters stay; the losses and the drawings follow.
    pub fn set_parameter(&mut self, layer: usize, i: Option<usize>, j: usize, value: f64) -> Result<(), TrainError> {
        super::check_range("a weight or bias", "a number from −1,000 to 1,000", value, -1000.0, 1000.0)?;
        let missing = TrainError::NoSuchNeuron { layer: layer + 1, neuron: j };
        let l = self.net.layers_mut().get_mut(layer).ok_or(missing.clone())?;
        let (n_in, n) = (l.n_inputs(), l.n_neurons());
        if j >= n || i.is_some_and(|i| i >= n_in) {
            return Err(missing);
        }
        let (w, b, _, _) = l.params_and_grads();
        match i {
            Some(i) => w[i * n + j] = f32::from_f64(value),
            None => b[j] = f32::from_f64(value),
        }
        self.version += 1;
        Ok(())
    }

    /// A new penalty on the weights (from the next step on).
    pub fn set_regularization(&mut self, reg: Regularization) -> Result<(), TrainError> {
        reg.validate()?;
        self.config.regularization = reg;
        Ok(())
    }

    /// The regularization's penalty of the weights as they stand (0 without one).
    pub fn penalty(&self) -> f64 {
        let reg = self.config.regularization;
        self.net.layers().iter().map(|l| reg.penalty(l.weights().to_slice().unwrap_or(&[]))).sum()
    }

    pub fn set_schedule(&mut self, schedule: Schedule) -> Result<(), TrainError> {
        schedule.validate()?;
        self.config.schedule = schedule;
        Ok(())
    }

    pub fn set_batch_size(&mut self, batch_size: usize) -> Result<(), TrainError> {
        check_batch(batch_size)?;
        self.config.batch_size = batch_size;
        ensure_shape(&mut self.x_batch, batch_size, self.config.features.len());
        ensure_shape(&mut self.t_batch, batch_size, 1);
        Ok(())
    }

    /// The hidden layers' activation (weights kept).
    pub fn set_activation(&mut self, activation: Activation) {
        self.config.activation = activation;
        self.net.set_activation(activation);
        self.version += 1;
    }

    /// A new loss. Weights are kept when the number of outputs stays the same (binary
    /// cross-entropy ↔ mean squared error on two classes); otherwise the network is rebuilt.
    pub fn set_loss(&mut self, loss: Loss) -> Result<(), TrainError> {
        let outputs = check_problem(&self.dataset, &self.config.features, loss)?;
        self.config.loss = loss;
        if outputs == self.net.n_outputs() {
            // Another loss has another scale: the divergence test starts from its first value.
            self.first_loss = None;
            self.version += 1;
        } else {
            self.restart();
        }
        Ok(())
    }

    /// New input features: the network is rebuilt.
    pub fn set_features(&mut self, features: Vec<Feature>) -> Result<(), TrainError> {
        check_problem(&self.dataset, &features, self.config.loss)?;
        let old = std::mem::replace(&mut self.config.features, features);
        if let Err(e) = Self::network_config(&self.config, &self.dataset) {
            self.config.features = old;
            return Err(e);
        }
        self.load_data();
        self.restart();
        Ok(())
    }

    /// New hidden layers: the network is rebuilt.
    pub fn set_hidden(&mut self, hidden: Vec<usize>) -> Result<(), TrainError> {
        let old = std::mem::replace(&mut self.config.hidden, hidden);
        if let Err(e) = Self::network_config(&self.config, &self.dataset) {
            self.config.hidden = old;
            return Err(e);
        }
        self.restart();
        Ok(())
    }

    /// A new dataset. It must suit the current loss and features; the weights are kept when
    /// the number of outputs stays the same.
    pub fn set_dataset(&mut self, config: DatasetConfig) -> Result<(), TrainError> {
        let dataset = Dataset::generate(&config)?;
        if dataset.train().is_empty() {
            return Err(TrainError::EmptyDataset);
        }
        let outputs = check_problem(&dataset, &self.config.features, self.config.loss)?;
        self.config.dataset = config;
        self.dataset = dataset;
        self.load_data();
        if outputs != self.net.n_outputs() {
            self.restart();
        } else if self.status == Status::NoData {
            self.status = Status::Ready;
        }
        Ok(())
    }

    /// Adds a training point (see [`Dataset::add_point`]); the weights are kept.
    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> Result<(), TrainError> {
        self.dataset.add_point(x, y, label)?;
        self.load_data();
        if self.status == Status::NoData {
            self.status = Status::Ready;
        }
        Ok(())
    }

    /// Removes the point nearest to (x, y), training or test; the weights are kept.
    pub fn remove_nearest(&mut self, x: f64, y: f64) -> Option<Point> {
        let removed = self.dataset.remove_nearest(x, y)?;
        self.load_data();
        Some(removed)
    }
}

fn check_grid_range(lo: f64, hi: f64) -> Result<(), TrainError> {
    if lo.is_finite() && hi.is_finite() && lo < hi {
        Ok(())
    } else {
        Err(TrainError::Setting {
            name: "plot range",
            requirement: "finite, with its start below its end",
            value: hi - lo,
        })
    }
}

/// Loss and accuracy of `net` on a whole set.
fn evaluate(
    net: &Network<f32>,
    x: ArrayView2<f32>,
    t: ArrayView2<f32>,
    loss: Loss,
    classification: bool,
    ws: &mut Workspace<f32>,
) -> Evaluation {
    if x.nrows() == 0 {
        return Evaluation::default();
    }
    let Ok(out) = net.predict(x, ws) else {
        return Evaluation::default();
    };
    let value = loss.value(out, t).ok().map(Real::to_f64);
    let accuracy = classification.then(|| {
        let correct = out
            .rows()
            .into_iter()
            .zip(t.iter())
            .filter(|(row, &t)| loss.predict_class(row.to_slice().unwrap_or(&[])) as f32 == t)
            .count();
        correct as f64 / x.nrows() as f64
    });
    Evaluation { loss: value, accuracy }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::data::DatasetKind;

    fn config(kind: DatasetKind) -> TrainerConfig {
        TrainerConfig {
            dataset: DatasetConfig { kind, points: 200, noise: 0.0, test_fraction: 0.5, seed: 3, own: None },
            ..TrainerConfig::default()
        }
    }

    #[test]
    fn a_parameter_set_by_hand_changes_the_losses_and_is_checked() {
        let mut t = Trainer::new(config(DatasetKind::Circle)).unwrap();
        t.train(20);
        let before = t.loss_train().unwrap();
        t.set_parameter(0, Some(1), 2, 3.5).unwrap();
        assert_eq!(t.network().layers()[0].weights()[[1, 2]], 3.5);
        t.set_parameter(2, None, 0, -2.0).unwrap();
        assert_eq!(t.network().layers()[2].biases()[0], -2.0);
        assert_ne!(t.loss_train().unwrap(), before, "the loss follows");
        assert_eq!(t.steps(), 20, "the run goes on from where it stood");
        assert!(t.set_parameter(0, Some(2), 0, 1.0).is_err(), "two inputs: 0 and 1");
        assert!(t.set_parameter(0, None, 6, 1.0).is_err());
        assert!(t.set_parameter(3, None, 0, 1.0).is_err());
        assert!(t.set_parameter(0, None, 0, f64::NAN).is_err());
        assert!(t.set_parameter(0, None, 0, 1e4).is_err());
    }

    /// With a penalty, an SGD step moves each weight by α·λ·w (L2) or α·λ·sign(w) (L1) more
    /// than the same step without it, and each bias by the same; the penalty is reported.
    #[test]
    fn regularization_adds_its_gradient_to_the_weights_only() {
        let lr = 0.1;
        let base = TrainerConfig { optimizer: OptimizerConfig::Sgd { lr }, ..config(DatasetKind::Circle) };
        for reg in [Regularization::L2 { rate: 0.5 }, Regularization::L1 { rate: 0.05 }] {
            let mut plain = Trainer::new(base.clone()).unwrap();
            let mut with = Trainer::new(TrainerConfig { regularization: reg, ..base.clone() }).unwrap();
            let before: Vec<Vec<f32>> =
                with.network().layers().iter().map(|l| l.weights().iter().copied().collect()).collect();
            let penalty: f64 = before.iter().map(|w| reg.penalty(w)).sum();
            assert!((with.penalty() - penalty).abs() < 1e-9 && plain.penalty() == 0.0);
            plain.step();
            with.step();
            for (l, (a, b)) in plain.network().layers().iter().zip(with.network().layers()).enumerate() {
                for ((wa, wb), w0) in a.weights().iter().zip(b.weights().iter()).zip(&before[l]) {
                    let w0 = f64::from(*w0);
                    let extra = match reg {
                        Regularization::L2 { rate } => lr * rate * w0,
                        Regularization::L1 { rate } => lr * rate * w0.signum(),
                        Regularization::None => 0.0,
                    };
                    let moved = f64::from(*wa) - f64::from(*wb);
                    assert!((moved - extra).abs() < 1e-5, "{reg:?} layer {l}: {moved} vs {extra}");
                }
                assert_eq!(a.biases(), b.biases(), "{reg:?}: the biases are not penalised");
            }
        }
        assert!(Trainer::new(TrainerConfig { regularization: Regularization::L2 { rate: -1.0 }, ..base }).is_err());
    }

    #[test]
    fn same_seed_gives_a_bit_identical_run() {
        let run = || {
            let mut t = Trainer::new(TrainerConfig { batch_size: 7, ..config(DatasetKind::Spiral) }).unwrap();
            let losses: Vec<u64> = (0..50)
                .map(|_| {
                    t.step();
                    t.batch_loss().unwrap().to_bits()
                })
                .collect();
            (losses, t.network().params(), t.epoch())
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b);
        assert_eq!(a.2, 3, "50 batches of 7 from 100 points are 3 full epochs");
        let mut other = Trainer::new(TrainerConfig { seed: 2, batch_size: 7, ..config(DatasetKind::Spiral) }).unwrap();
        other.train(50);
        assert_ne!(other.network().params(), a.1);
    }

    /// `train(n)` skips the first layer's dinputs on all but its last step: the run and every
    /// matrix a view reads afterwards are the same as after n single steps.
    #[test]
    fn train_n_is_n_steps() {
        let make = || Trainer::new(TrainerConfig { batch_size: 5, ..config(DatasetKind::Xor) }).unwrap();
        let (mut a, mut b) = (make(), make());
        a.train(3);
        a.train(17);
        (0..20).for_each(|_| {
            b.step();
        });
        assert_eq!(a.network().params(), b.network().params());
        assert_eq!(a.snapshot(), b.snapshot());
        let first = &a.snapshot().layers[0];
        assert!(first.dinputs.data.iter().any(|&v| v != 0.0), "the first layer's dinputs are there");
    }

    /// XOR with the raw features x and y needs the hidden layers to bend the boundary: a
    /// 2-8-8-1 tanh network with SGD at 0.03 gets there within 2,000 steps (over 20 seeds
    /// tried, the worst test accuracy after 2,000 steps was 97.5%).
    #[test]
    fn steps_reuse_every_buffer() {
        let mut t =
            Trainer::new(TrainerConfig { optimizer: OptimizerConfig::adam(0.01), ..config(DatasetKind::Circle) })
                .unwrap();
        t.train(3);
        let pointers = |t: &Trainer| -> Vec<*const f32> {
            let mut p = vec![t.x_batch.as_ptr(), t.t_batch.as_ptr(), t.net.doutputs_ptr()];
            for l in t.net.layers() {
                p.extend([l.inputs().as_ptr(), l.z().as_ptr(), l.outputs().as_ptr(), l.dvalues().as_ptr()]);
                p.extend([l.dz().as_ptr(), l.dinputs().as_ptr(), l.dweights().as_ptr(), l.dbiases().as_ptr()]);
            }
            p
        };
        let (before, order) = (pointers(&t), t.order.as_ptr());
        t.train(100); // 1,030 points seen in all: ten epochs of 100 training points, each reshuffled
        assert_eq!(t.epoch(), 10);
        assert_eq!(pointers(&t), before);
        assert_eq!(t.order.as_ptr(), order);
    }

    #[test]
    fn xor_is_learned() {
        for seed in 1..=3 {
            let cfg = TrainerConfig {
                dataset: DatasetConfig {
                    kind: DatasetKind::Xor,
                    points: 400,
                    noise: 0.0,
                    test_fraction: 0.5,
                    seed: 7 * seed,
                    own: None,
                },
                hidden: vec![8, 8],
                seed,
                ..TrainerConfig::default()
            };
            let mut t = Trainer::new(cfg).unwrap();
            assert!(t.accuracy_test().unwrap() < 0.9);
            assert_eq!(t.train(2000), Status::Ready);
            let acc = t.accuracy_test().unwrap();
            assert!(acc >= 0.95, "seed {seed}: test accuracy {acc} after 2000 steps");
            assert!(t.loss_test().unwrap() < 0.3);
        }
    }

    #[test]
    fn one_divergence_rule() {
        assert!(!exploded(0.7, 0.7e6) && exploded(0.7, 0.7e6 * 1.001));
        assert!(!exploded(0.0, 999.0) && exploded(0.0, 1001.0), "a start near zero counts as 10⁻³");
        assert!(exploded(-2.0, 2.1e6), "by size");
        assert!(exploded(1.0, f64::NAN) && exploded(1.0, f64::INFINITY) && !exploded(1.0, 0.5));
    }

    #[test]
    fn a_huge_learning_rate_diverges_without_panicking() {
        let cfg = TrainerConfig {
            features: vec![Feature::X],
            loss: Loss::Mse,
            optimizer: OptimizerConfig::Sgd { lr: 1e3 },
            ..config(DatasetKind::Quadratic)
        };
        let mut t = Trainer::new(cfg).unwrap();
        let status = t.train(100);
        let Status::Diverged { step, loss } = status else {
            panic!("expected divergence, got {status:?}");
        };
        assert!((1..100).contains(&step), "stopped at step {step}");
        assert!(!loss.is_finite() || loss > 1e6);
        assert_eq!(t.steps(), step);
        // Further steps do nothing and keep reporting it.
        let params = t.network().params();
        assert!(matches!(t.step(), Status::Diverged { step: s, .. } if s == step));
        assert_eq!(t.steps(), step);
        assert_eq!(t.network().params().len(), params.len());
        assert!(t.status().message().contains(&format!("step {step}")));
        // Nothing else panics on the broken network either.
        let _ = t.snapshot();
        let _ = t.predict_grid(5, (-6.0, 6.0)).unwrap();
        // A smaller rate and a reset train normally again.
        t.set_learning_rate(0.001).unwrap();
        t.reset();
        assert_eq!(t.train(20), Status::Ready);
    }

    #[test]
    fn hyper_parameters_keep_the_weights_shapes_rebuild_them() {
        let mut t = Trainer::new(config(DatasetKind::Circle)).unwrap();
        t.train(30);
        let trained = t.network().params();
        t.set_learning_rate(0.5).unwrap();
        t.set_optimizer(OptimizerConfig::adam(0.01)).unwrap();
        t.set_schedule(Schedule::Exponential { gamma: 0.99 }).unwrap();
        t.set_batch_size(3).unwrap();
        t.set_activation(Activation::Relu);
        t.set_loss(Loss::Mse).unwrap();
        assert_eq!(t.network().params(), trained);
        assert_eq!(t.steps(), 30);
        assert_eq!(t.config().optimizer.lr(), 0.01);
        t.step();
        assert_eq!(t.network().layers()[0].batch_size(), 3);

        t.set_hidden(vec![3]).unwrap();
        assert_eq!(t.steps(), 0);
        assert_eq!(t.network().config().hidden, vec![3]);
        assert_eq!(t.network().n_params(), 2 * 3 + 3 + 3 + 1);
        t.set_features(vec![Feature::X, Feature::Y, Feature::XTimesY]).unwrap();
        assert_eq!(t.network().n_inputs(), 3);
        // Softmax needs two outputs: a rebuild.
        t.set_loss(Loss::SoftmaxCrossEntropy).unwrap();
        assert_eq!(t.network().n_outputs(), 2);
        // The same seed rebuilds the same weights.
        let rebuilt = t.network().params();
        t.train(5);
        t.reset();
        assert_eq!(t.network().params(), rebuilt);
    }

    #[test]
    fn bad_settings_are_refused_and_change_nothing() {
        let base = config(DatasetKind::Circle);
        let bad = |f: fn(&mut TrainerConfig)| {
            let mut c = base.clone();
            f(&mut c);
            Trainer::new(c).unwrap_err()
        };
        assert!(matches!(bad(|c| c.batch_size = 0), TrainError::Setting { .. }));
        assert!(matches!(bad(|c| c.optimizer = OptimizerConfig::Sgd { lr: f64::NAN }), TrainError::Setting { .. }));
        assert!(matches!(bad(|c| c.optimizer = OptimizerConfig::Sgd { lr: -0.1 }), TrainError::Setting { .. }));
        assert!(matches!(bad(|c| c.dataset.points = 0), TrainError::EmptyDataset));
        assert!(matches!(bad(|c| c.hidden = vec![4, 0]), TrainError::EmptyLayer { layer: 2 }));
        assert!(matches!(bad(|c| c.features.clear()), TrainError::NoInputs));
        assert!(matches!(bad(|c| c.dataset.kind = DatasetKind::Spiral3), TrainError::IncompatibleLoss { .. }));
        assert!(matches!(bad(|c| c.dataset.kind = DatasetKind::Sine), TrainError::IncompatibleLoss { .. }));
        assert!(matches!(
            bad(|c| {
                c.dataset.kind = DatasetKind::Sine;
                c.loss = Loss::Mse;
            }),
            TrainError::FeatureNeedsY { feature: Feature::Y }
        ));
        assert!(matches!(
            bad(|c| c.schedule = Schedule::StepDecay { every: 0, factor: 0.5 }),
            TrainError::Setting { .. }
        ));
        let message = bad(|c| c.dataset.kind = DatasetKind::Gaussians3).to_string();
        assert!(message.contains("softmax cross-entropy"), "{message}");

        let mut t = Trainer::new(base.clone()).unwrap();
        let before = t.config().clone();
        assert!(t.set_learning_rate(f64::INFINITY).is_err());
        assert!(t.set_batch_size(0).is_err());
        assert!(t.set_hidden(vec![0]).is_err());
        assert!(t.set_features(vec![]).is_err());
        assert!(t.set_loss(Loss::SoftmaxCrossEntropy).is_ok());
        assert!(t.set_loss(Loss::BinaryCrossEntropy).is_ok());
        assert!(t.set_dataset(DatasetConfig { kind: DatasetKind::Spiral3, ..base.dataset.clone() }).is_err());
        assert!(t.set_schedule(Schedule::WarmupLinear { warmup: 5, total: 1, min_lr: 0.0 }).is_err());
        assert_eq!(t.config(), &before);
        assert!(t.predict_grid(0, (-6.0, 6.0)).is_err());
        assert!(t.predict_grid(10, (6.0, -6.0)).is_err());
        assert!(t.predict_grid(10, (f64::NAN, 6.0)).is_err());
        assert!(t.predict_grid(MAX_GRID + 1, (-6.0, 6.0)).is_err());
        assert!(t.neuron_grid(7, 0, 10, (-6.0, 6.0)).is_err());
        assert!(t.neuron_grid(0, t.config().hidden[0], 10, (-6.0, 6.0)).is_err());
        assert!(t.feature_grid(2, 10, (-6.0, 6.0)).is_err());
    }

    #[test]
    fn points_can_be_added_and_removed_until_none_is_left() {
        let mut t = Trainer::new(TrainerConfig {
            dataset: DatasetConfig { points: 4, test_fraction: 0.0, ..DatasetConfig::default() },
            ..TrainerConfig::default()
        })
        .unwrap();
        t.train(3);
        let weights = t.network().params();
        t.add_point(1.0, 1.0, 1.0).unwrap();
        assert_eq!(t.dataset().train().len(), 5);
        assert_eq!(t.network().params(), weights);
        while t.remove_nearest(0.0, 0.0).is_some() {}
        assert_eq!(t.step(), Status::NoData);
        assert_eq!(t.loss_train(), None);
        t.add_point(1.0, 1.0, 0.0).unwrap();
        assert_eq!(t.step(), Status::Ready);
    }

    #[test]
    fn grids_and_snapshot() {
        let mut t = Trainer::new(config(DatasetKind::Gaussians)).unwrap();
        t.train(200);
        let p = t.predict_grid(9, (-6.0, 6.0)).unwrap();
        assert_eq!(p.len(), 81);
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
        // Class 1 is around (2, 2): top right (row 0, last column) is class 1, bottom left is not.
        assert!(p[8] > 0.9 && p[72] < 0.1, "{} {}", p[8], p[72]);
        assert_eq!(t.predict_grid_probs(9, (-6.0, 6.0)).unwrap().len(), 81 * 2);
        let n = t.neuron_grid(1, 1, 9, (-6.0, 6.0)).unwrap();
        assert!(n.iter().all(|v| (-1.0..=1.0).contains(v)), "tanh outputs");
        assert_eq!(t.feature_grid(0, 3, (-6.0, 6.0)).unwrap(), vec![-6.0, 0.0, 6.0, -6.0, 0.0, 6.0, -6.0, 0.0, 6.0]);
        assert_eq!(t.feature_grid(1, 3, (-6.0, 6.0)).unwrap(), vec![6.0, 6.0, 6.0, 0.0, 0.0, 0.0, -6.0, -6.0, -6.0]);
        let mut other = t.clone();
        other.set_features(vec![Feature::XSquared, Feature::Y]).unwrap();
        assert_eq!(
            other.feature_grid(0, 3, (-6.0, 6.0)).unwrap(),
            vec![36.0, 0.0, 36.0, 36.0, 0.0, 36.0, 36.0, 0.0, 36.0]
        );
        // The output layer's only neuron is the logit behind the probability.
        let logits = t.neuron_grid(2, 0, 9, (-6.0, 6.0)).unwrap();
        assert!((crate::tensor::sigmoid(logits[8]) - p[8]).abs() < 1e-6);

        let s = t.snapshot();
        assert_eq!((s.step, s.epoch), (200, 20));
        assert!(s.train.accuracy.unwrap() > 0.95 && s.test.accuracy.unwrap() > 0.95);
        assert!(s.train.loss.unwrap() < 0.2);
        assert_eq!(s.lr, 0.03);
        assert_eq!(s.status, Status::Ready);
        assert_eq!(s.layers.len(), 3);
        assert_eq!(s.layers[0].inputs.shape, [10, 2]);
        assert_eq!(s.layers[2].dvalues.shape, [10, 1]);
        assert_eq!(s.optimizer.kind, "sgd");

        let mut three =
            Trainer::new(TrainerConfig { loss: Loss::SoftmaxCrossEntropy, ..config(DatasetKind::Gaussians3) }).unwrap();
        three.train(300);
        assert!(three.accuracy_test().unwrap() > 0.9);
        let classes = three.predict_grid(5, (-6.0, 6.0)).unwrap();
        assert!(classes.iter().all(|&c| c == 0.0 || c == 1.0 || c == 2.0));
        let probs = three.predict_grid_probs(5, (-6.0, 6.0)).unwrap();
        assert_eq!(probs.len(), 75);
        assert!(probs.chunks(3).all(|p| (p.iter().sum::<f32>() - 1.0).abs() < 1e-5));

        let mut sine = Trainer::new(TrainerConfig {
            features: vec![Feature::X],
            loss: Loss::Mse,
            hidden: vec![8, 8],
            optimizer: OptimizerConfig::adam(0.01),
            ..config(DatasetKind::Sine)
        })
        .unwrap();
        sine.train(1500);
        assert_eq!(sine.accuracy_test(), None);
        assert!(sine.loss_test().unwrap() < 0.05, "sine test loss {:?}", sine.loss_test());
        let curve = sine.predict_curve(13, (-6.0, 6.0)).unwrap();
        assert!((curve[7] - 1f32.sin()).abs() < 0.3, "{curve:?}");
    }

    #[test]
    fn backprop_on_one_training_example() {
        let mut t = Trainer::new(config(DatasetKind::Spiral)).unwrap();
        t.train(10);
        let (mut g, params) = t.example_graph(0).unwrap();
        assert_eq!(params.len(), t.network().n_params());
        g.backward();
        // The same gradients as the network's own backward pass on that one point.
        let mut net = t.network().convert::<f64>();
        let p = t.dataset().train()[0];
        let x = ndarray::array![[p.x, p.y]];
        net.loss_and_grad(x.view(), ndarray::array![[p.label]].view(), Loss::BinaryCrossEntropy).unwrap();
        for (&id, want) in params.iter().zip(net.grads()) {
            assert!((g.nodes()[id].grad.unwrap() - want).abs() < 1e-9);
        }
        assert!(matches!(t.example_graph(100_000), Err(TrainError::NoSuchPoint { index: 100_000 })));
        // As text: parses, and names the same parameters with the same values.
        let source = t.example_source(0).unwrap();
        let parsed = crate::expr::parse(&source, Default::default()).unwrap();
        assert_eq!(parsed.nodes()[parsed.find("w1_0_0").unwrap()].value, net.params()[0]);
        // A big network is refused with a message that says what to do.
        let big = Trainer::new(TrainerConfig { hidden: vec![8, 8], ..config(DatasetKind::Spiral) }).unwrap();
        let err = big.example_source(0).unwrap_err().to_string();
        assert!(err.contains("105 weights and biases") && err.contains("fewer"), "{err}");
    }

    #[test]
    fn a_warm_up_schedule_drives_the_rate() {
        let mut t = Trainer::new(TrainerConfig {
            schedule: Schedule::WarmupLinear { warmup: 10, total: 20, min_lr: 0.0 },
            ..config(DatasetKind::Circle)
        })
        .unwrap();
        assert_eq!(t.current_lr(), 0.0);
        let before = t.network().params();
        t.step();
        assert_eq!(t.network().params(), before, "the first warm-up step has rate 0");
        t.train(4);
        let base = TrainerConfig::default().optimizer.lr();
        assert!((t.current_lr() - 0.5 * base).abs() < 1e-12, "half-way through the warm-up, half the rate");
        t.train(100);
        assert_eq!(t.current_lr(), 0.0);
    }

    mod any_input {
        use super::*;
        use crate::tensor::ACTIVATIONS;
        use crate::train::data::{DATASET_KINDS, FEATURES};
        use crate::train::loss::LOSSES;
        use proptest::prelude::*;

        /// Numbers as a page or a script might send them: ordinary, tiny, huge, negative,
        /// and not numbers at all.
        fn wild() -> impl Strategy<Value = f64> {
            prop_oneof![
                4 => -2.0f64..2.0,
                1 => Just(0.0),
                1 => Just(1e30),
                1 => Just(-1e-30),
                1 => Just(f64::NAN),
                1 => Just(f64::INFINITY),
                1 => 1e-6f64..1e3,
            ]
        }

        /// Mostly a sensible value from `range`, now and then a wild one.
        fn mostly(range: std::ops::Range<f64>) -> impl Strategy<Value = f64> {
            prop_oneof![9 => range, 1 => wild()]
        }

        fn config() -> impl Strategy<Value = TrainerConfig> {
            (
                (0..DATASET_KINDS.len(), 0usize..700, mostly(0.0..1.0), mostly(0.0..0.9), any::<u64>()),
                proptest::sample::subsequence(FEATURES.to_vec(), 0..=FEATURES.len()),
                proptest::collection::vec(prop_oneof![9 => 1usize..12, 1 => Just(0usize)], 0..5),
                (0..ACTIVATIONS.len(), 0..LOSSES.len()),
                (0..7usize, mostly(-4.0..1.5), mostly(0.0..0.99), (0..3usize, mostly(0.0..0.1))),
                (0..5usize, 0usize..50, mostly(0.1..1.0)),
                (prop_oneof![9 => 1usize..40, 1 => Just(0usize)], any::<u64>()),
            )
                .prop_map(
                    |(
                        data,
                        features,
                        hidden,
                        (act, loss),
                        (opt, log_lr, beta, (reg, reg_rate)),
                        (sched, every, factor),
                        (batch, seed),
                    )| {
                        // 10^log_lr for the sensible draws (1e-4 … 30); a wild draw stays wild
                        let lr = if (-4.0..1.5).contains(&log_lr) { 10f64.powf(log_lr) } else { log_lr };
                        TrainerConfig {
                            dataset: DatasetConfig {
                                kind: DATASET_KINDS[data.0],
                                points: data.1,
                                noise: data.2,
                                test_fraction: data.3,
                                seed: data.4,
                                own: None,
                            },
                            features,
                            hidden,
                            activation: ACTIVATIONS[act],
                            loss: LOSSES[loss],
                            optimizer: OptimizerConfig::named(
                                crate::train::OPTIMIZER_KINDS[opt],
                                crate::train::Hyper { lr, beta, ..Default::default() },
                            )
                            .unwrap_or_default(),
                            regularization: Regularization::named(["none", "l1", "l2"][reg], reg_rate)
                                .unwrap_or_default(),
                            schedule: match sched {
                                0 => Schedule::Constant,
                                1 => Schedule::StepDecay { every, factor },
                                2 => Schedule::Exponential { gamma: factor },
                                3 => Schedule::WarmupCosine { warmup: every, total: 2 * every, min_lr: factor },
                                _ => Schedule::WarmupLinear { warmup: 2 * every, total: every, min_lr: factor },
                            },
                            batch_size: batch,
                            seed,
                        }
                    },
                )
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            /// Whatever the settings, a trainer is made or refused with a message; a made one
            /// trains, reports, draws and edits its data without panicking, and its numbers
            /// are finite or it says it diverged.
            #[test]
            fn any_settings_give_a_trainer_or_a_message(config in config(), x in wild(), y in wild(), more in config()) {
                let mut t = match Trainer::new(config) {
                    Ok(t) => t,
                    Err(e) => {
                        prop_assert!(!e.to_string().is_empty());
                        return Ok(());
                    }
                };
                let status = t.train(25);
                match status {
                    Status::Ready => {
                        let loss = t.loss_train();
                        prop_assert!(loss.is_none_or(|l| l.is_finite()), "{loss:?} while ready");
                    }
                    Status::Diverged { step, .. } => prop_assert!((1..=25).contains(&step)),
                    Status::NoData => prop_assert!(t.dataset().train().is_empty()),
                }
                let _ = t.evaluate(true);
                let _ = t.snapshot();
                let _ = t.predict_grid(7, (x, y));
                let _ = t.neuron_grid(0, 0, 5, (-1.0, 1.0));
                let _ = t.feature_grid(0, 5, (-1.0, 1.0));
                let _ = t.predict_curve(9, (y, x));
                let _ = t.example_source(0);
                let _ = t.add_point(x, y, 1.0);
                let _ = t.remove_nearest(y, x);
                let _ = t.set_learning_rate(x);
                let _ = t.set_optimizer(more.optimizer);
                let _ = t.set_schedule(more.schedule);
                let _ = t.set_batch_size(more.batch_size);
                let _ = t.set_loss(more.loss);
                let _ = t.set_features(more.features);
                let _ = t.set_hidden(more.hidden);
                let _ = t.set_dataset(more.dataset);
                let _ = t.train(5);
                let _ = t.snapshot();
            }
        }
    }

    /// Speed of the training loop: `cargo test --release -- --ignored --nocapture speed`.
    #[test]
    #[ignore]
    fn speed() {
        let mut t = Trainer::new(TrainerConfig {
            dataset: DatasetConfig {
                kind: DatasetKind::Circle,
                points: 500,
                noise: 0.0,
                test_fraction: 0.5,
                seed: 1,
                own: None,
            },
            hidden: vec![8, 8],
            ..TrainerConfig::default()
        })
        .unwrap();
        t.train(1000);
        // The best of several runs: the machine may be busy with something else.
        let steps = 50_000;
        let mut best = f64::MAX;
        for _ in 0..7 {
            let start = std::time::Instant::now();
            t.train(steps);
            best = best.min(start.elapsed().as_secs_f64() / steps as f64);
        }
        println!(
            "2-8-8-1 tanh, batch {}, SGD 0.03, {} circle points ({} for training): {:.2} M examples/s ({:.0} ns per step)",
            t.config().batch_size,
            t.dataset().config().points,
            t.dataset().train().len(),
            t.config().batch_size as f64 / best / 1e6,
            best * 1e9
        );
        assert_eq!(t.status(), Status::Ready);
    }
}
