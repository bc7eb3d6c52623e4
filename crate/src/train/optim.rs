//! Optimizers: how a step turns gradients into parameter changes.
//!
//! With gradient g of a parameter θ and the step's learning rate α (from the schedule):
//!
//! | optimizer | state | update |
//! |---|---|---|
//! | `Sgd` | none | θ ← θ − α·g |
//! | `Momentum` | velocity v | v ← β·v + g;  θ ← θ − α·v |
//! | `Nesterov` | velocity v | v ← β·v + g;  θ ← θ − α·(g + β·v) |
//! | `AdaGrad` | sum of squares s | s ← s + g²;  θ ← θ − α·g/(√s + ε) |
//! | `RmsProp` | mean square s | s ← ρ·s + (1−ρ)g²;  θ ← θ − α·g/(√s + ε) |
//! | `Adam` | m, v, step t | m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − α·m̂/(√v̂ + ε), with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) |
//! | `AdamW` | m, v, step t | θ ← θ − α·λ·θ (decoupled weight decay λ), then Adam's update |
//!
//! Momentum uses the "velocity accumulates raw gradients" convention (as PyTorch's SGD with
//! momentum): with a constant gradient the step grows towards α·g/(1−β); Nesterov's is the
//! same velocity with the step looking one velocity ahead (PyTorch's `nesterov=True`).
//! AdaGrad and RMSProp add ε after the square root (as PyTorch); AdamW is Loshchilov and
//! Hutter's: the decay is applied to the weights directly, not added to the gradient, so it
//! is not scaled by Adam's 1/√v̂. Adam's bias
//! correction makes its first step move every parameter by almost exactly α (in the
//! direction of −g), whatever the gradient's size.
//!
//! The learning rate is an argument of [`Optimizer::step`], so a schedule can drive it; the
//! `lr` in the config is the base rate the schedule starts from.

use super::{check_positive, check_range, Network, TrainError};
use crate::tensor::{Matrix, Real};
use serde::{Deserialize, Serialize};

/// Which optimizer, with its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OptimizerConfig {
    /// Plain gradient descent.
    Sgd { lr: f64 },
    /// Gradient descent with momentum β (typically 0.9).
    Momentum { lr: f64, beta: f64 },
    /// Nesterov's momentum β (typically 0.9).
    Nesterov { lr: f64, beta: f64 },
    /// AdaGrad (ε typically 1e-10… 1e-8).
    #[serde(rename = "adagrad")]
    AdaGrad { lr: f64, eps: f64 },
    /// RMSProp with decay ρ (typically 0.99) and ε.
    #[serde(rename = "rmsprop")]
    RmsProp { lr: f64, rho: f64, eps: f64 },
    /// Adam (typically β₁ = 0.9, β₂ = 0.999, ε = 1e-8).
    Adam { lr: f64, beta1: f64, beta2: f64, eps: f64 },
    /// AdamW: Adam with decoupled weight decay λ (typically 0.01).
    #[serde(rename = "adamw")]
    AdamW { lr: f64, beta1: f64, beta2: f64, eps: f64, weight_decay: f64 },
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig::Sgd { lr: 0.03 }
    }
}

/// Every optimizer's short name, as [`OptimizerConfig::name`] gives it, in the menus' order.
pub const OPTIMIZER_KINDS: [&str; 7] = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

/// The hyper-parameters of every optimizer, by name; each reads those that apply to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hyper {
    pub lr: f64,
    /// Momentum's and Nesterov's β, RMSProp's ρ, Adam's and AdamW's β₁.
    pub beta: f64,
    /// Adam's and AdamW's β₂.
    pub beta2: f64,
    pub eps: f64,
    /// AdamW's λ.
    pub weight_decay: f64,
}

impl Default for Hyper {
    fn default() -> Self {
        Hyper { lr: 0.03, beta: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }
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

    /// The optimizer `name` (one of [`OPTIMIZER_KINDS`]) with the parameters of `h` that
    /// apply to it; `None` for another name.
    pub fn named(name: &str, h: Hyper) -> Option<Self> {
        let Hyper { lr, beta, beta2, eps, weight_decay } = h;
        Some(match name {
            "sgd" => OptimizerConfig::Sgd { lr },
            "momentum" => OptimizerConfig::Momentum { lr, beta },
            "nesterov" => OptimizerConfig::Nesterov { lr, beta },
            "adagrad" => OptimizerConfig::AdaGrad { lr, eps },
            "rmsprop" => OptimizerConfig::RmsProp { lr, rho: beta, eps },
            "adam" => OptimizerConfig::Adam { lr, beta1: beta, beta2, eps },
            "adamw" => OptimizerConfig::AdamW { lr, beta1: beta, beta2, eps, weight_decay },
            _ => return None,
        })
    }

    /// Its parameters, the ones it does not have taken from `base`: `named(name(), hyper(b))`
    /// gives it back.
    pub fn hyper(&self, base: Hyper) -> Hyper {
        let lr = self.lr();
        match *self {
            OptimizerConfig::Sgd { .. } => Hyper { lr, ..base },
            OptimizerConfig::Momentum { beta, .. } | OptimizerConfig::Nesterov { beta, .. } => {
                Hyper { lr, beta, ..base }
            }
            OptimizerConfig::AdaGrad { eps, .. } => Hyper { lr, eps, ..base },
            OptimizerConfig::RmsProp { rho, eps, .. } => Hyper { lr, beta: rho, eps, ..base },
            OptimizerConfig::Adam { beta1, beta2, eps, .. } => Hyper { lr, beta: beta1, beta2, eps, ..base },
            OptimizerConfig::AdamW { beta1, beta2, eps, weight_decay, .. } => {
                Hyper { lr, beta: beta1, beta2, eps, weight_decay }
            }
        }
    }

    /// The base learning rate.
    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerConfig::Sgd { lr }
            | OptimizerConfig::Momentum { lr, .. }
            | OptimizerConfig::Nesterov { lr, .. }
            | OptimizerConfig::AdaGrad { lr, .. }
            | OptimizerConfig::RmsProp { lr, .. }
            | OptimizerConfig::Adam { lr, .. }
            | OptimizerConfig::AdamW { lr, .. } => lr,
        }
    }

    /// The same optimizer with another base learning rate.
    pub fn with_lr(mut self, new: f64) -> Self {
        match &mut self {
            OptimizerConfig::Sgd { lr }
            | OptimizerConfig::Momentum { lr, .. }
            | OptimizerConfig::Nesterov { lr, .. }
            | OptimizerConfig::AdaGrad { lr, .. }
            | OptimizerConfig::RmsProp { lr, .. }
            | OptimizerConfig::Adam { lr, .. }
            | OptimizerConfig::AdamW { lr, .. } => *lr = new,
        }
        self
    }

    /// Short lower-case name: one of [`OPTIMIZER_KINDS`].
    pub fn name(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd { .. } => "sgd",
            OptimizerConfig::Momentum { .. } => "momentum",
            OptimizerConfig::Nesterov { .. } => "nesterov",
            OptimizerConfig::AdaGrad { .. } => "adagrad",
            OptimizerConfig::RmsProp { .. } => "rmsprop",
            OptimizerConfig::Adam { .. } => "adam",
            OptimizerConfig::AdamW { .. } => "adamw",
        }
    }

    /// Names of the state slots kept per parameter.
    pub fn slot_names(&self) -> &'static [&'static str] {
        match self {
            OptimizerConfig::Sgd { .. } => &[],
            OptimizerConfig::Momentum { .. } | OptimizerConfig::Nesterov { .. } => &["velocity"],
            OptimizerConfig::AdaGrad { .. } => &["sum of squares"],
            OptimizerConfig::RmsProp { .. } => &["mean square"],
            OptimizerConfig::Adam { .. } | OptimizerConfig::AdamW { .. } => &["m", "v"],
        }
    }

    /// Checks every hyper-parameter: lr > 0, 0 ≤ β, ρ < 1, ε > 0, 0 ≤ λ ≤ 1, all finite.
    pub fn validate(&self) -> Result<(), TrainError> {
        check_positive("learning rate", self.lr())?;
        let beta = |name, v| check_range(name, "a number from 0 up to (not including) 1", v, 0.0, 1.0 - 1e-12);
        match *self {
            OptimizerConfig::Sgd { .. } => Ok(()),
            OptimizerConfig::Momentum { beta: b, .. } => beta("momentum β", b),
            OptimizerConfig::Nesterov { beta: b, .. } => beta("Nesterov's β", b),
            OptimizerConfig::AdaGrad { eps, .. } => check_positive("AdaGrad ε", eps),
            OptimizerConfig::RmsProp { rho, eps, .. } => {
                beta("RMSProp ρ", rho)?;
                check_positive("RMSProp ε", eps)
            }
            OptimizerConfig::Adam { beta1, beta2, eps, .. } => {
                beta("Adam β₁", beta1)?;
                beta("Adam β₂", beta2)?;
                check_positive("Adam ε", eps)
            }
            OptimizerConfig::AdamW { beta1, beta2, eps, weight_decay, .. } => {
                beta("AdamW β₁", beta1)?;
                beta("AdamW β₂", beta2)?;
                check_positive("AdamW ε", eps)?;
                check_range("AdamW weight decay", "a number from 0 to 1", weight_decay, 0.0, 1.0)
            }
        }
    }
}

/// One update of one array of parameters `params` with gradients `grads` and this optimizer's
/// state `slots` for them (as many as [`OptimizerConfig::slot_names`], each as long as
/// `params`), at learning rate `lr`, as the `t`-th step (from 1: Adam's bias corrections). The
/// network's optimizer and the step-size view's races both step with this.
pub fn update<T: Real>(config: &OptimizerConfig, t: u64, lr: f64, params: &mut [T], grads: &[T], slots: &mut [Vec<T>]) {
    let a = T::from_f64(lr);
    let one = T::one();
    match (*config, slots) {
        (OptimizerConfig::Sgd { .. }, _) => {
            for (p, &g) in params.iter_mut().zip(grads) {
                *p = *p - a * g;
            }
        }
        (OptimizerConfig::Momentum { beta, .. }, [v]) => {
            let beta = T::from_f64(beta);
            for ((p, &g), v) in params.iter_mut().zip(grads).zip(v.iter_mut()) {
                *v = beta * *v + g;
                *p = *p - a * *v;
            }
        }
        (OptimizerConfig::Nesterov { beta, .. }, [v]) => {
            let beta = T::from_f64(beta);
            for ((p, &g), v) in params.iter_mut().zip(grads).zip(v.iter_mut()) {
                *v = beta * *v + g;
                *p = *p - a * (g + beta * *v);
            }
        }
        (OptimizerConfig::AdaGrad { eps, .. }, [s]) => {
            let eps = T::from_f64(eps);
            for ((p, &g), s) in params.iter_mut().zip(grads).zip(s.iter_mut()) {
                *s = *s + g * g;
                *p = *p - a * g / (s.sqrt() + eps);
            }
        }
        (OptimizerConfig::RmsProp { rho, eps, .. }, [s]) => {
            let (rho, eps) = (T::from_f64(rho), T::from_f64(eps));
            for ((p, &g), s) in params.iter_mut().zip(grads).zip(s.iter_mut()) {
                *s = rho * *s + (one - rho) * g * g;
                *p = *p - a * g / (s.sqrt() + eps);
            }
        }
        (OptimizerConfig::Adam { beta1, beta2, eps, .. }, [m, v]) => {
            AdamStep::new(lr, beta1, beta2, eps, t).apply(params, grads, m, v);
        }
        (OptimizerConfig::AdamW { beta1, beta2, eps, weight_decay, .. }, [m, v]) => {
            let keep = T::from_f64(1.0 - lr * weight_decay);
            for p in params.iter_mut() {
                *p = *p * keep;
            }
            AdamStep::new(lr, beta1, beta2, eps, t).apply(params, grads, m, v);
        }
        _ => {} // unreachable: the state has as many slots as the kind needs
    }
}

/// The state slots of one array of parameters (a layer's weights or its biases).
type Slots<T> = Vec<Vec<T>>;

/// An optimizer and its state for one network.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimizer<T: Real> {
    config: OptimizerConfig,
    /// Steps taken (Adam's t).
    t: u64,
    /// Per layer, the weights' slots and the biases' (one per name in `config.slot_names()`).
    state: Vec<(Slots<T>, Slots<T>)>,
    /// The weights' shape per layer (for [`Optimizer::state`]).
    shapes: Vec<(usize, usize)>,
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
        let mut opt = Self { config, t: 0, state: Vec::new(), shapes: Vec::new() };
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
        let k = self.config.slot_names().len();
        self.shapes = net.layers().iter().map(|l| l.weights().dim()).collect();
        self.state = net
            .layers()
            .iter()
            .map(|l| (vec![vec![T::zero(); l.weights().len()]; k], vec![vec![T::zero(); l.n_neurons()]; k]))
            .collect();
    }

    fn fits(&self, net: &Network<T>) -> bool {
        self.state.len() == net.layers().len()
            && self.state.iter().zip(net.layers()).all(|((w, b), l)| {
                w.iter().all(|s| s.len() == l.weights().len()) && b.iter().all(|s| s.len() == l.n_neurons())
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
        for (layer, (sw, sb)) in net.layers_mut().iter_mut().zip(&mut self.state) {
            let (w, b, dw, db) = layer.params_and_grads();
            update(&self.config, self.t, lr, w, dw, sw);
            update(&self.config, self.t, lr, b, db, sb);
        }
        Ok(())
    }

    /// The state as one list (f32 values are exact in f64): per layer, per slot, the weights
    /// then the biases. [`Optimizer::restore`] reads it back.
    pub fn saved(&self) -> Vec<f64> {
        let mut out = vec![];
        for (w, b) in &self.state {
            for (sw, sb) in w.iter().zip(b) {
                out.extend(sw.iter().chain(sb.iter()).map(|&v| Real::to_f64(v)));
            }
        }
        out
    }

    /// The state [`Optimizer::saved`] wrote, for `net` after `t` steps; refused when the
    /// number of values is not what `net` and this kind of optimizer hold.
    pub fn restore(&mut self, t: u64, values: &[f64], net: &Network<T>) -> Result<(), TrainError> {
        self.reset(net);
        let n: usize = self.state.iter().flat_map(|(w, b)| w.iter().chain(b)).map(Vec::len).sum();
        if values.len() != n {
            return Err(TrainError::Shape(format!(
                "the {} optimizer holds {n} values for this network but {} were given",
                self.config.name(),
                values.len()
            )));
        }
        let mut rest = values.iter();
        for (w, b) in &mut self.state {
            for (sw, sb) in w.iter_mut().zip(b.iter_mut()) {
                for (p, v) in sw.iter_mut().chain(sb.iter_mut()).zip(&mut rest) {
                    *p = T::from_f64(*v);
                }
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
                .zip(&self.shapes)
                .map(|((w, b), &(rows, cols))| {
                    w.iter()
                        .zip(b)
                        .zip(names)
                        .map(|((sw, sb), name)| StateSlot {
                            name: name.to_string(),
                            weights: Matrix {
                                shape: [rows, cols],
                                data: sw.iter().map(|&v| Real::to_f64(v)).collect(),
                            },
                            biases: Matrix {
                                shape: [1, sb.len()],
                                data: sb.iter().map(|&v| Real::to_f64(v)).collect(),
                            },
                        })
                        .collect()
                })
                .collect(),
        }
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
    /// The numbers of the `t`-th step (from 1); the bias corrections in f64 for precision.
    fn new(lr: f64, beta1: f64, beta2: f64, eps: f64, t: u64) -> Self {
        let t = t.clamp(1, i32::MAX as u64) as i32;
        AdamStep {
            lr: T::from_f64(lr),
            beta1: T::from_f64(beta1),
            beta2: T::from_f64(beta2),
            eps: T::from_f64(eps),
            correction1: T::from_f64(1.0 - beta1.powi(t)),
            correction2: T::from_f64(1.0 - beta2.powi(t)),
        }
    }

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
    use ndarray::{array, Array2};

    /// Two steps of every optimizer on one parameter θ = 1 with gradients 2 then 1, against
    /// the numbers worked by hand (in the comments).
    #[test]
    fn every_optimizers_first_steps_are_the_hand_computed_ones() {
        let h = Hyper { lr: 0.1, beta: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.1 };
        let cases: [(&str, f64, [f64; 2]); 7] = [
            // θ − α·g: 1 − 0.2; 0.8 − 0.1
            ("sgd", 0.1, [0.8, 0.7]),
            // v = 2, θ = 1 − 0.2; v = 0.9·2 + 1 = 2.8, θ = 0.8 − 0.28
            ("momentum", 0.1, [0.8, 0.52]),
            // v = 2, θ = 1 − 0.1·(2 + 1.8); v = 2.8, θ = 0.62 − 0.1·(1 + 2.52)
            ("nesterov", 0.1, [0.62, 0.268]),
            // s = 4, θ = 1 − 0.1·2/2; s = 5, θ = 0.9 − 0.1/√5
            ("adagrad", 0.1, [0.9, 0.855_278_640_65]),
            // ρ = 0.9, α = 0.01: s = 0.4, θ = 1 − 0.02/√0.4; s = 0.46, θ −= 0.01/√0.46
            ("rmsprop", 0.01, [0.968_377_223_90, 0.953_633_028_50]),
            // m = 0.2, v = 0.004, m̂ = 2, v̂ = 4: θ = 1 − 0.1; m = 0.28, v = 0.004996,
            // m̂ = 0.28/0.19, v̂ = 0.004996/0.001999: θ = 0.9 − 0.1·m̂/√v̂
            ("adam", 0.1, [0.9, 0.806_782_036_71]),
            // θ·(1 − 0.1·0.1) first: 0.99 − 0.1 = 0.89; 0.89·0.99 − 0.0932179633 (Adam's step)
            ("adamw", 0.1, [0.89, 0.787_882_036_71]),
        ];
        for (name, lr, want) in cases {
            let config = OptimizerConfig::named(name, Hyper { lr, ..h }).unwrap();
            assert_eq!(config.name(), name);
            assert_eq!(OptimizerConfig::named(name, config.hyper(Hyper::default())), Some(config), "{name}");
            let mut theta = [1.0f64];
            let mut slots = vec![vec![0.0]; config.slot_names().len()];
            for (t, (g, w)) in [2.0, 1.0].iter().zip(want).enumerate() {
                update(&config, t as u64 + 1, lr, &mut theta, &[*g], &mut slots);
                assert!((theta[0] - w).abs() < 1e-9, "{name} step {}: {} not {w}", t + 1, theta[0]);
            }
        }
        assert_eq!(OptimizerConfig::named("lbfgs", h), None);
        assert_eq!(OPTIMIZER_KINDS.map(|k| OptimizerConfig::named(k, h).unwrap().name()), OPTIMIZER_KINDS);
    }

    /// Adam's bias correction, as Kingma and Ba define it: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ);
    /// without it the first step would be α·(1−β₁)g/√((1−β₂)g²) ≈ 3.16α, with it α.
    #[test]
    fn adams_bias_correction_makes_its_early_steps_the_size_of_the_rate() {
        let config = OptimizerConfig::adam(0.01);
        for g in [1e-3, 0.5, 40.0] {
            let (mut theta, mut slots) = ([0.0f64], vec![vec![0.0], vec![0.0]]);
            let mut last = 0.0;
            for t in 1..=5 {
                update(&config, t, 0.01, &mut theta, &[g], &mut slots);
                let step = last - theta[0];
                // a constant gradient: m̂ = g and v̂ = g² at every step, so each step is α
                assert!((step - 0.01).abs() < 1e-6 * (1.0 + 1e-8 / g), "g = {g}, step {t}: {step}");
                let (b1, b2) = (0.9f64, 0.999f64);
                let m_hat = slots[0][0] / (1.0 - b1.powi(t as i32));
                let v_hat = slots[1][0] / (1.0 - b2.powi(t as i32));
                assert!((m_hat - g).abs() < 1e-9 * g && (v_hat - g * g).abs() < 1e-9 * g * g);
                last = theta[0];
            }
        }
    }

    #[test]
    fn the_new_optimizers_check_their_parameters() {
        let ok = Hyper::default();
        for (name, bad) in [
            ("nesterov", Hyper { beta: 1.0, ..ok }),
            ("adagrad", Hyper { eps: 0.0, ..ok }),
            ("rmsprop", Hyper { beta: -0.1, ..ok }),
            ("adamw", Hyper { weight_decay: 2.0, ..ok }),
            ("adamw", Hyper { beta2: 1.0, ..ok }),
        ] {
            assert!(OptimizerConfig::named(name, bad).unwrap().validate().is_err(), "{name} {bad:?}");
            assert!(OptimizerConfig::named(name, ok).unwrap().validate().is_ok(), "{name}");
        }
        // their names in files
        let json = serde_json::to_string(&OptimizerConfig::named("rmsprop", ok).unwrap()).unwrap();
        assert!(json.starts_with(r#"{"kind":"rmsprop""#), "{json}");
    }

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
