//! Optimizers: how a step turns gradients into parameter changes.
//!
//! With gradient g of a parameter θ and the step's learning rate α (from the schedule):
//!
//! | optimizer | state | update |
//! |---|---|---|
//! | `Sgd` | none | θ ← θ − α·g |
//! | `Momentum` | velocity v | v ← β·v + g;  θ ← θ − α·v |
//! | `Adam` | m, v, step t | m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε), with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) |
//!
//! Momentum uses the "velocity accumulates raw gradients" convention (as PyTorch's SGD with
//! momentum): with a constant gradient the step grows towards α·g/(1−β). Adam's bias
//! correction makes its first step move every parameter by almost exactly α (in the
//! direction of −g), whatever the gradient's size.
//!
//! The learning rate is an argument of [`Optimizer::step`], so a schedule can drive it; the
//! `lr` in the config is the base rate the schedule starts from.

use super::{check_positive, check_range, Network, TrainError};
use crate::tensor::{Matrix, Real};
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// Which optimizer, with its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizerConfig {
    /// Plain gradient descent.
    Sgd { lr: f64 },
    /// Gradient descent with momentum β (typically 0.9).
    Momentum { lr: f64, beta: f64 },
    /// Adam (typically β₁ = 0.9, β₂ = 0.999, ε = 1e-8).
    Adam { lr: f64, beta1: f64, beta2: f64, eps: f64 },
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig::Sgd { lr: 0.03 }
    }
}

impl OptimizerConfig {
    /// Adam with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    pub fn adam(lr: f64) -> Self {
        OptimizerConfig::Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    }

    /// Momentum with the usual β = 0.9.
    pub fn momentum(lr: f64) -> Self {
        OptimizerConfig::Momentum { lr, beta: 0.9 }
    }

    /// The base learning rate.
    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerConfig::Sgd { lr } | OptimizerConfig::Momentum { lr, .. } | OptimizerConfig::Adam { lr, .. } => lr,
        }
    }

    /// The same optimizer with another base learning rate.
    pub fn with_lr(mut self, new: f64) -> Self {
        match &mut self {
            OptimizerConfig::Sgd { lr } | OptimizerConfig::Momentum { lr, .. } | OptimizerConfig::Adam { lr, .. } => {
                *lr = new
            }
        }
        self
    }

    /// Short lower-case name: `sgd`, `momentum`, `adam`.
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd { .. } => "sgd",
            OptimizerConfig::Momentum { .. } => "momentum",
            OptimizerConfig::Adam { .. } => "adam",
        }
    }

    /// Names of the state slots kept per parameter.
    fn slot_names(&self) -> &'static [&'static str] {
        match self {
            OptimizerConfig::Sgd { .. } => &[],
            OptimizerConfig::Momentum { .. } => &["velocity"],
            OptimizerConfig::Adam { .. } => &["m", "v"],
        }
    }

    /// Checks every hyper-parameter: lr > 0, 0 ≤ β < 1, ε > 0, all finite.
    pub fn validate(&self) -> Result<(), TrainError> {
        check_positive("learning rate", self.lr())?;
        let beta = |name, v| check_range(name, "a number from 0 up to (not including) 1", v, 0.0, 1.0 - 1e-12);
        match *self {
            OptimizerConfig::Sgd { .. } => Ok(()),
            OptimizerConfig::Momentum { beta: b, .. } => beta("momentum β", b),
            OptimizerConfig::Adam { beta1, beta2, eps, .. } => {
                beta("Adam β₁", beta1)?;
                beta("Adam β₂", beta2)?;
                check_positive("Adam ε", eps)
            }
        }
    }
}

/// One layer's state slot (velocity, or Adam's m or v), for weights and biases.
#[derive(Clone, Debug, PartialEq)]
struct Slot<T: Real> {
    weights: Array2<T>,
    biases: Array1<T>,
}

/// An optimizer and its state for one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer<T: Real> {
    config: OptimizerConfig,
    /// Steps taken (Adam's t).
    t: u64,
    /// Per layer, one slot per name in `config.slot_names()`.
    state: Vec<Vec<Slot<T>>>,
}

/// The readable state of an optimizer, as f64.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    /// `sgd`, `momentum` or `adam`.
    pub kind: String,
    /// Steps taken.
    pub t: u64,
    /// Per layer (first hidden layer first), the state slots (none for SGD).
    pub layers: Vec<Vec<StateSlot>>,
}

/// One state slot of one layer: `name` is `velocity` (momentum), `m` or `v` (Adam); the
/// matrices have the shapes of the layer's weights and biases (biases as 1 × n).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateSlot {
    pub name: String,
    pub weights: Matrix,
    pub biases: Matrix,
}

impl<T: Real> Optimizer<T> {
    /// A fresh optimizer (zero state) for `net`.
    pub fn new(config: OptimizerConfig, net: &Network<T>) -> Result<Self, TrainError> {
        config.validate()?;
        let mut opt = Self { config, t: 0, state: Vec::new() };
        opt.reset(net);
        Ok(opt)
    }

    pub fn config(&self) -> OptimizerConfig {
        self.config
    }

    /// Steps taken since the state was last reset.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Changes the hyper-parameters. The state is kept when the kind stays the same (say,
    /// a new learning rate for Adam) and reset to zero otherwise.
    pub fn set_config(&mut self, config: OptimizerConfig, net: &Network<T>) -> Result<(), TrainError> {
        config.validate()?;
        let same_kind = config.name() == self.config.name();
        self.config = config;
        if !same_kind {
            self.reset(net);
        }
        Ok(())
    }

    /// Zero state shaped like `net`'s layers.
    pub fn reset(&mut self, net: &Network<T>) {
        self.t = 0;
        self.state = net
            .layers()
            .iter()
            .map(|l| {
                let slot = Slot { weights: Array2::zeros(l.weights().dim()), biases: Array1::zeros(l.n_neurons()) };
                vec![slot; self.config.slot_names().len()]
            })
            .collect();
    }

    fn fits(&self, net: &Network<T>) -> bool {
        self.state.len() == net.layers().len()
            && self.state.iter().zip(net.layers()).all(|(slots, l)| {
                slots.iter().all(|s| s.weights.dim() == l.weights().dim() && s.biases.len() == l.n_neurons())
            })
    }

    /// One update of every parameter of `net` from the gradients its last backward pass left,
    /// with learning rate `lr` (finite, ≥ 0). If the network's shape changed since the state
    /// was made, the state is reset first.
    pub fn step(&mut self, net: &mut Network<T>, lr: f64) -> Result<(), TrainError> {
        check_range("learning rate", "a finite number ≥ 0", lr, 0.0, f64::MAX)?;
        if !self.fits(net) {
            self.reset(net);
        }
        self.t += 1;
        let a = T::from_f64(lr);
        let config = self.config;
        // Adam's bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ, in f64 for precision.
        let corrections = match config {
            OptimizerConfig::Adam { beta1, beta2, .. } => {
                let t = self.t.min(i32::MAX as u64) as i32;
                (1.0 - beta1.powi(t), 1.0 - beta2.powi(t))
            }
            _ => (1.0, 1.0),
        };
        for (layer, slots) in net.layers_mut().iter_mut().zip(&mut self.state) {
            let (w, b, dw, db) = layer.params_and_grads();
            match (config, &mut slots[..]) {
                (OptimizerConfig::Sgd { .. }, _) => {
                    sgd(w, dw, a);
                    sgd(b, db, a);
                }
                (OptimizerConfig::Momentum { beta, .. }, [v]) => {
                    let beta = T::from_f64(beta);
                    momentum(w, dw, data(&mut v.weights), a, beta);
                    momentum(b, db, data1(&mut v.biases), a, beta);
                }
                (OptimizerConfig::Adam { beta1, beta2, eps, .. }, [m, v]) => {
                    let h = AdamStep {
                        lr: a,
                        beta1: T::from_f64(beta1),
                        beta2: T::from_f64(beta2),
                        eps: T::from_f64(eps),
                        correction1: T::from_f64(corrections.0),
                        correction2: T::from_f64(corrections.1),
                    };
                    h.apply(w, dw, data(&mut m.weights), data(&mut v.weights));
                    h.apply(b, db, data1(&mut m.biases), data1(&mut v.biases));
                }
                _ => {} // unreachable: `reset` makes as many slots as the kind needs
            }
        }
        Ok(())
    }

    /// The state as one list (f32 values are exact in f64): per layer, per slot, the weights
    /// then the biases. [`Optimizer::restore`] reads it back.
    pub fn saved(&self) -> Vec<f64> {
        let mut out = vec![];
        for slot in self.state.iter().flatten() {
            out.extend(slot.weights.iter().chain(slot.biases.iter()).map(|&v| Real::to_f64(v)));
        }
        out
    }

    /// The state [`Optimizer::saved`] wrote, for `net` after `t` steps; refused when the
    /// number of values is not what `net` and this kind of optimizer hold.
    pub fn restore(&mut self, t: u64, values: &[f64], net: &Network<T>) -> Result<(), TrainError> {
        self.reset(net);
        let n: usize = self.state.iter().flatten().map(|s| s.weights.len() + s.biases.len()).sum();
        if values.len() != n {
            return Err(TrainError::Shape(format!(
                "the {} optimizer holds {n} values for this network but {} were given",
                self.config.name(),
                values.len()
            )));
        }
        let mut rest = values.iter();
        for slot in self.state.iter_mut().flatten() {
            for (p, v) in slot.weights.iter_mut().chain(slot.biases.iter_mut()).zip(&mut rest) {
                *p = T::from_f64(*v);
            }
        }
        self.t = t;
        Ok(())
    }

    /// The state as f64 matrices, per layer and slot.
    pub fn state(&self) -> OptimizerState {
        let names = self.config.slot_names();
        OptimizerState {
            kind: self.config.name().to_string(),
            t: self.t,
            layers: self
                .state
                .iter()
                .map(|slots| {
                    slots
                        .iter()
                        .zip(names)
                        .map(|(s, name)| StateSlot {
                            name: name.to_string(),
                            weights: Matrix::from_view(s.weights.view()),
                            biases: Matrix::from_row(s.biases.view()),
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

fn data<T: Real>(a: &mut Array2<T>) -> &mut [T] {
    a.as_slice_mut().unwrap_or(&mut [])
}

fn data1<T: Real>(a: &mut Array1<T>) -> &mut [T] {
    a.as_slice_mut().unwrap_or(&mut [])
}

/// θ ← θ − α·g
fn sgd<T: Real>(params: &mut [T], grads: &[T], lr: T) {
    for (p, &g) in params.iter_mut().zip(grads) {
        *p = *p - lr * g;
    }
}

/// v ← β·v + g;  θ ← θ − α·v
fn momentum<T: Real>(params: &mut [T], grads: &[T], velocity: &mut [T], lr: T, beta: T) {
    for ((p, &g), v) in params.iter_mut().zip(grads).zip(velocity) {
        *v = beta * *v + g;
        *p = *p - lr * *v;
    }
}

/// The numbers of one Adam step (the bias corrections are 1 − β₁ᵗ and 1 − β₂ᵗ).
struct AdamStep<T> {
    lr: T,
    beta1: T,
    beta2: T,
    eps: T,
    correction1: T,
    correction2: T,
}

impl<T: Real> AdamStep<T> {
    /// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε)
    fn apply(&self, params: &mut [T], grads: &[T], m: &mut [T], v: &mut [T]) {
        let one = T::one();
        for (((p, &g), m), v) in params.iter_mut().zip(grads).zip(m).zip(v) {
            *m = self.beta1 * *m + (one - self.beta1) * g;
            *v = self.beta2 * *v + (one - self.beta2) * g * g;
            let (m_hat, v_hat) = (*m / self.correction1, *v / self.correction2);
            *p = *p - self.lr * m_hat / (v_hat.sqrt() + self.eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::Activation;
    use crate::train::{Loss, NetworkConfig};
    use ndarray::array;

    /// A one-parameter "network": y = w·x with x = 1, so MSE against target 3 is ½(w − 3)², a
    /// 1-D quadratic with its minimum at w = 3.
    fn quadratic() -> (Network<f64>, Array2<f64>, Array2<f64>) {
        let config = NetworkConfig::for_loss(1, vec![], Activation::Linear, 1, Loss::Mse, 0);
        let mut net = Network::new(&config).unwrap();
        net.set_params(&[-2.0, 0.0]).unwrap();
        (net, array![[1.0]], array![[3.0]])
    }

    #[test]
    fn sgd_reaches_the_minimum_of_a_quadratic() {
        let (mut net, x, t) = quadratic();
        let mut opt = Optimizer::new(OptimizerConfig::Sgd { lr: 0.1 }, &net).unwrap();
        for _ in 0..300 {
            net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap();
            opt.step(&mut net, 0.1).unwrap();
        }
        let p = net.params();
        // w + b = 3 at the minimum (both get the same gradient and start summing to −2).
        assert!((p[0] + p[1] - 3.0).abs() < 1e-9, "{p:?}");
        assert!(net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap() < 1e-15);
    }

    #[test]
    fn momentum_accumulates_raw_gradients() {
        let (mut net, x, t) = quadratic();
        let mut opt = Optimizer::new(OptimizerConfig::momentum(0.01), &net).unwrap();
        net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap();
        let g = net.grads();
        opt.step(&mut net, 0.01).unwrap();
        // First step: v = g, θ moves by −lr·g.
        assert!((net.params()[0] - (-2.0 - 0.01 * g[0])).abs() < 1e-12);
        let state = opt.state();
        assert_eq!(state.kind, "momentum");
        assert_eq!(state.layers[0][0].name, "velocity");
        assert_eq!(state.layers[0][0].weights.data, vec![g[0]]);
        for _ in 0..500 {
            net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap();
            opt.step(&mut net, 0.01).unwrap();
        }
        let p = net.params();
        assert!((p[0] + p[1] - 3.0).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn state_shapes_follow_the_layers() {
        let config = NetworkConfig::for_loss(2, vec![8, 4], Activation::Tanh, 3, Loss::SoftmaxCrossEntropy, 1);
        let net = Network::<f32>::new(&config).unwrap();
        let adam = Optimizer::new(OptimizerConfig::adam(0.01), &net).unwrap().state();
        assert_eq!(adam.layers.len(), 3);
        let shapes: Vec<_> = adam.layers.iter().map(|slots| (slots[0].weights.shape, slots[0].biases.shape)).collect();
        assert_eq!(shapes, vec![([2, 8], [1, 8]), ([8, 4], [1, 4]), ([4, 3], [1, 3])]);
        assert!(adam.layers.iter().all(|s| s.len() == 2 && s[0].name == "m" && s[1].name == "v"));
        let momentum = Optimizer::new(OptimizerConfig::momentum(0.01), &net).unwrap().state();
        assert!(momentum.layers.iter().all(|s| s.len() == 1));
        let sgd = Optimizer::new(OptimizerConfig::Sgd { lr: 0.1 }, &net).unwrap().state();
        assert!(sgd.layers.iter().all(|s| s.is_empty()));
    }

    #[test]
    fn first_adam_step_moves_every_parameter_by_about_lr() {
        let config = NetworkConfig::for_loss(2, vec![3], Activation::Tanh, 1, Loss::Mse, 5);
        let mut net = Network::<f64>::new(&config).unwrap();
        let x = array![[0.5, -1.5], [1.0, 2.0]];
        let t = array![[1.0], [-1.0]];
        net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap();
        let (before, grads) = (net.params(), net.grads());
        let mut opt = Optimizer::new(OptimizerConfig::adam(0.01), &net).unwrap();
        opt.step(&mut net, 0.01).unwrap();
        for ((p, q), g) in net.params().iter().zip(&before).zip(&grads) {
            if g.abs() > 1e-4 {
                assert!(((q - p) - 0.01 * g.signum()).abs() < 1e-6, "moved {} for gradient {g}", q - p);
            }
        }
        assert_eq!(opt.steps(), 1);
    }

    #[test]
    fn changing_the_rate_keeps_state_and_changing_kind_resets_it() {
        let (mut net, x, t) = quadratic();
        let mut opt = Optimizer::new(OptimizerConfig::adam(0.1), &net).unwrap();
        net.loss_and_grad(x.view(), t.view(), Loss::Mse).unwrap();
        opt.step(&mut net, 0.1).unwrap();
        opt.set_config(OptimizerConfig::adam(0.5), &net).unwrap();
        assert_eq!(opt.steps(), 1);
        opt.set_config(OptimizerConfig::Sgd { lr: 0.5 }, &net).unwrap();
        assert_eq!(opt.steps(), 0);
        assert!(opt.set_config(OptimizerConfig::Sgd { lr: f64::NAN }, &net).is_err());
        assert!(opt.set_config(OptimizerConfig::Momentum { lr: 0.1, beta: 1.0 }, &net).is_err());
        assert!(OptimizerConfig::Adam { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 0.0 }.validate().is_err());
        assert!(opt.step(&mut net, f64::INFINITY).is_err());
        assert_eq!(OptimizerConfig::Sgd { lr: 0.1 }.with_lr(0.2).lr(), 0.2);
    }
}
