//! Training small networks: the pieces the training page drives.
//!
//! | module | what |
//! |---|---|
//! | [`network`] | [`Network`]: dense layers built from a [`NetworkConfig`]; forward, backward, parameters as a flat list |
//! | [`loss`] | [`Loss`]: mean squared error, binary cross-entropy on logits, softmax cross-entropy |
//! | [`optim`] | [`Optimizer`]: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW, with readable state |
//! | [`regularization`] | [`Regularization`]: L1 or L2 on the weights |
//! | [`schedule`] | [`Schedule`]: learning rate against step (warm-up, decay) |
//! | [`data`] | [`Dataset`]s of the plane (circle, xor, spiral, …) and input [`Feature`]s |
//! | [`trainer`] | [`Trainer`]: everything above together, stepped by the page |
//! | [`scalar`] | the network on one example as a scalar [`Graph`](crate::graph::Graph), for "backprop on one example" |
//!
//! Training runs in f32; gradient checks run the same code in f64. Nothing here panics on
//! user input: bad settings come back as a [`TrainError`], whose message a student can act on.

pub mod data;
pub mod import;
pub mod lecture;
pub mod loss;
pub mod network;
pub mod optim;
pub mod regularization;
pub mod scalar;
pub mod schedule;
pub mod trainer;

pub use data::{featurize, featurize_into, targets, Dataset, DatasetConfig, DatasetKind, Feature, Point};
pub use loss::Loss;
pub use network::{Network, NetworkConfig};
pub use optim::{Hyper, Optimizer, OptimizerConfig, OptimizerState, OPTIMIZER_KINDS};
pub use regularization::Regularization;
pub use schedule::Schedule;
pub use trainer::{exploded, RunState, Status, Trainer, TrainerConfig, TrainerSnapshot, DIVERGENCE_FACTOR};

use crate::tensor::ShapeError;
use std::fmt;

/// Something that stops a setting from being used, with a message a student understands.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A numeric setting out of its range: "`name` must be `requirement` (got `value`)".
    Setting { name: &'static str, requirement: &'static str, value: f64 },
    /// A hidden layer with no neurons (1-based layer number).
    EmptyLayer { layer: usize },
    /// The network would have no inputs (no feature selected).
    NoInputs,
    /// The network would have no outputs.
    NoOutputs,
    /// More layers, neurons, points or grid cells than the page can handle.
    TooLarge { what: &'static str, limit: usize, got: usize },
    /// The training set has no points.
    EmptyDataset,
    /// A loss that does not fit the problem or the network, and why.
    IncompatibleLoss { loss: Loss, reason: String },
    /// A target that is not a class of the problem.
    BadTarget { value: f64, classes: usize },
    /// A feature that reads y on a regression set (where y is the target).
    FeatureNeedsY { feature: Feature },
    /// A layer or neuron that does not exist.
    NoSuchNeuron { layer: usize, neuron: usize },
    /// A training point that does not exist.
    NoSuchPoint { index: usize },
    /// Matrices whose shapes do not fit.
    Shape(String),
    /// The scalar graph could not be built (too many nodes).
    Graph(String),
    /// Anything else that is not valid, with its message.
    Invalid(String),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Setting { name, requirement, value } => {
                write!(f, "the {name} must be {requirement} (got {value})")
            }
            TrainError::EmptyLayer { layer } => {
                write!(f, "hidden layer {layer} has no neurons; every layer needs at least one (or remove the layer)")
            }
            TrainError::NoInputs => write!(f, "the network has no inputs: select at least one feature"),
            TrainError::NoOutputs => write!(f, "the network needs at least one output"),
            TrainError::TooLarge { what, limit, got } => {
                write!(f, "too many {what}: at most {limit} (got {got})")
            }
            TrainError::EmptyDataset => {
                write!(f, "the training set is empty: add points or lower the test fraction")
            }
            TrainError::IncompatibleLoss { loss, reason } => write!(f, "{} {reason}", loss.name()),
            TrainError::BadTarget { value, classes } => {
                write!(f, "the label {value} is not a class: classes are 0 to {}", classes.saturating_sub(1))
            }
            TrainError::FeatureNeedsY { feature } => write!(
                f,
                "the feature {} reads y, but in a regression y is the target to predict: use x, x² or sin x",
                feature.label()
            ),
            TrainError::NoSuchNeuron { layer, neuron } => write!(f, "there is no neuron {neuron} in layer {layer}"),
            TrainError::NoSuchPoint { index } => write!(f, "there is no training point {index}"),
            TrainError::Shape(message) => write!(f, "{message}"),
            TrainError::Graph(message) | TrainError::Invalid(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<ShapeError> for TrainError {
    fn from(e: ShapeError) -> Self {
        TrainError::Shape(e.message)
    }
}

/// Checks a float setting: finite and within [lo, hi] (an `Err` names the setting).
pub(crate) fn check_range(
    name: &'static str,
    requirement: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
) -> Result<(), TrainError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(TrainError::Setting { name, requirement, value })
    }
}

/// Checks a float setting: finite and strictly above 0.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<(), TrainError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(TrainError::Setting { name, requirement: "a number greater than 0", value })
    }
}
