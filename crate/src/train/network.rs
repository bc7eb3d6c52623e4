//! A network: [`Dense`] layers in a row, built from a [`NetworkConfig`].
//!
//! The forward pass feeds each layer's outputs to the next; the backward pass feeds each
//! layer's dinputs to the one below. Parameters can be read and written as one flat list of
//! f64 (`params`, `set_params`, `grads`), in a fixed order: layer by layer, first the weights
//! row by row (`W[i][j]`: input i → neuron j), then the biases. Gradient checks, the scalar
//! graph and the optimizers' readable state all use that order.

use super::{Loss, TrainError};
use crate::tensor::{Activation, Dense, LayerSnapshot, Real, Rng};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Most hidden layers a network may have.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// Most neurons in one layer (and most inputs).
pub const MAX_NEURONS: usize = 64;

/// The shape of a network and how to initialise it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Number of inputs (features) per example.
    pub inputs: usize,
    /// Neurons in each hidden layer, first to last; empty for no hidden layer.
    pub hidden: Vec<usize>,
    /// Activation of every hidden layer.
    pub activation: Activation,
    /// Number of outputs.
    pub output: usize,
    /// Activation of the output layer; [`Loss::output_activation`] gives the one a loss
    /// expects (linear, for all three losses). Defaults to linear.
    #[serde(default)]
    pub output_activation: Activation,
    /// Seed of the weight initialisation.
    pub seed: u64,
}

impl NetworkConfig {
    /// A configuration whose output activation is the one `loss` expects.
    pub fn for_loss(
        inputs: usize,
        hidden: Vec<usize>,
        activation: Activation,
        output: usize,
        loss: Loss,
        seed: u64,
    ) -> Self {
        Self { inputs, hidden, activation, output, output_activation: loss.output_activation(), seed }
    }

    /// Checks every size: at least one input, neuron per layer and output; at most
    /// [`MAX_HIDDEN_LAYERS`] hidden layers and [`MAX_NEURONS`] per layer.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.inputs == 0 {
            return Err(TrainError::NoInputs);
        }
        if self.output == 0 {
            return Err(TrainError::NoOutputs);
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(TrainError::TooLarge {
                what: "hidden layers",
                limit: MAX_HIDDEN_LAYERS,
                got: self.hidden.len(),
            });
        }
        if let Some(i) = self.hidden.iter().position(|&n| n == 0) {
            return Err(TrainError::EmptyLayer { layer: i + 1 });
        }
        let widest = self.hidden.iter().chain([&self.inputs, &self.output]).copied().max().unwrap_or(0);
        if widest > MAX_NEURONS {
            return Err(TrainError::TooLarge { what: "neurons in a layer", limit: MAX_NEURONS, got: widest });
        }
        Ok(())
    }

    /// Layer sizes from input to output: `[inputs, hidden…, output]`.
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.inputs];
        s.extend(&self.hidden);
        s.push(self.output);
        s
    }
}

/// Buffers for evaluating a network without touching the layers' last-batch matrices (one
/// output matrix per layer, reused while the number of rows stays the same).
#[derive(Clone, Debug, Default)]
pub struct Workspace<T: Real> {
    outputs: Vec<Array2<T>>,
}

impl<T: Real> Workspace<T> {
    /// The outputs of layer `layer` (0 = first hidden layer) from the last evaluation.
    pub fn layer_outputs(&self, layer: usize) -> Option<ArrayView2<'_, T>> {
        self.outputs.get(layer).map(|a| a.view())
    }
}

/// A fully connected network of [`Dense`] layers.
#[derive(Clone, Debug, PartialEq)]
pub struct Network<T: Real> {
    config: NetworkConfig,
    layers: Vec<Dense<T>>,
    /// ∂L/∂outputs of the last `loss_and_grad`, reused between calls.
    doutputs: Array2<T>,
}

impl<T: Real> Network<T> {
    /// Builds the layers, drawing the weights from a generator seeded with `config.seed`.
    pub fn new(config: &NetworkConfig) -> Result<Self, TrainError> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let sizes = config.sizes();
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let act = if i + 2 == sizes.len() { config.output_activation } else { config.activation };
                Dense::new(w[0], w[1], act, &mut rng)
            })
            .collect();
        Ok(Self { config: config.clone(), layers, doutputs: Array2::zeros((0, config.output)) })
    }

    /// A network with the given layers (the config is read off them; its seed is 0).
    pub fn from_layers(layers: Vec<Dense<T>>) -> Result<Self, TrainError> {
        let (Some(first), Some(last)) = (layers.first(), layers.last()) else {
            return Err(TrainError::NoOutputs);
        };
        if layers.windows(2).any(|w| w[0].n_neurons() != w[1].n_inputs()) {
            return Err(TrainError::Shape(
                "each layer must have as many inputs as the layer before has neurons".into(),
            ));
        }
        let config = NetworkConfig {
            inputs: first.n_inputs(),
            hidden: layers[..layers.len() - 1].iter().map(|l| l.n_neurons()).collect(),
            activation: first.activation(),
            output: last.n_neurons(),
            output_activation: last.activation(),
            seed: 0,
        };
        config.validate()?;
        let doutputs = Array2::zeros((0, config.output));
        Ok(Self { config, layers, doutputs })
    }

    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// The layers, first hidden layer first, output layer last.
    pub fn layers(&self) -> &[Dense<T>] {
        &self.layers
    }

    /// The layers, mutable (for optimizers).
    pub fn layers_mut(&mut self) -> &mut [Dense<T>] {
        &mut self.layers
    }

    pub fn n_inputs(&self) -> usize {
        self.config.inputs
    }

    pub fn n_outputs(&self) -> usize {
        self.config.output
    }

    /// Total number of weights and biases.
    pub fn n_params(&self) -> usize {
        self.layers.iter().map(Dense::n_params).sum()
    }

    /// Changes the hidden layers' activation, keeping the weights.
    pub fn set_activation(&mut self, activation: Activation) {
        self.config.activation = activation;
        let n = self.layers.len();
        for layer in &mut self.layers[..n.saturating_sub(1)] {
            layer.set_activation(activation);
        }
    }

    /// Forward pass of a batch (B × inputs); every layer keeps its matrices. Returns the
    /// network's outputs (B × outputs).
    pub fn forward(&mut self, x: ArrayView2<T>) -> Result<ArrayView2<'_, T>, TrainError> {
        let Some((first, rest)) = self.layers.split_first_mut() else {
            return Err(TrainError::NoOutputs);
        };
        first.forward(x)?;
        let mut below = first;
        for layer in rest {
            layer.forward_after(below)?;
            below = layer;
        }
        Ok(below.outputs())
    }

    /// Backward pass after `forward`, from dloss = ∂L/∂outputs (B × outputs): every layer
    /// fills its gradients, the last layer first.
    pub fn backward(&mut self, dloss: ArrayView2<T>) -> Result<(), TrainError> {
        self.backward_with(dloss, true)
    }

    /// [`Network::backward`]; the first layer's dinputs (∂L/∂X, which no parameter needs)
    /// only when `first_dinputs` is true.
    fn backward_with(&mut self, dloss: ArrayView2<T>, first_dinputs: bool) -> Result<(), TrainError> {
        let n = self.layers.len();
        let Some((last, rest)) = self.layers.split_last_mut() else {
            return Err(TrainError::NoOutputs);
        };
        last.backward_with(dloss, first_dinputs || n > 1)?;
        let mut above = last;
        for (i, layer) in rest.iter_mut().enumerate().rev() {
            layer.backward_before(above, first_dinputs || i > 0)?;
            above = layer;
        }
        Ok(())
    }

    /// One forward and backward pass on a batch: returns the loss and leaves ∂L/∂θ in every
    /// layer (read them with [`Network::grads`]). Targets as [`Loss`] describes.
    pub fn loss_and_grad(&mut self, x: ArrayView2<T>, targets: ArrayView2<T>, loss: Loss) -> Result<T, TrainError> {
        self.loss_and_grad_with(x, targets, loss, true)
    }

    /// [`Network::loss_and_grad`] for a training step that nobody looks at: the first layer's
    /// dinputs (∂L/∂X) are left from the last full pass, since no parameter needs them.
    pub fn loss_and_param_grads(
        &mut self,
        x: ArrayView2<T>,
        targets: ArrayView2<T>,
        loss: Loss,
    ) -> Result<T, TrainError> {
        self.loss_and_grad_with(x, targets, loss, false)
    }

    fn loss_and_grad_with(
        &mut self,
        x: ArrayView2<T>,
        targets: ArrayView2<T>,
        loss: Loss,
        first_dinputs: bool,
    ) -> Result<T, TrainError> {
        self.forward(x)?;
        let Some(last) = self.layers.last() else {
            return Err(TrainError::NoOutputs);
        };
        let value = loss.forward_backward(last.outputs(), targets, &mut self.doutputs)?;
        let doutputs = std::mem::take(&mut self.doutputs);
        let result = self.backward_with(doutputs.view(), first_dinputs);
        self.doutputs = doutputs;
        result.map(|()| value)
    }

    /// The outputs for a batch, computed in `ws` (the layers' last-batch matrices are left as
    /// they are). `ws` keeps every layer's outputs, for drawing what each neuron computes.
    pub fn predict<'w>(&self, x: ArrayView2<T>, ws: &'w mut Workspace<T>) -> Result<ArrayView2<'w, T>, TrainError> {
        if x.ncols() != self.n_inputs() {
            return Err(TrainError::Shape(format!(
                "the network expects {} inputs per example but was given {}",
                self.n_inputs(),
                x.ncols()
            )));
        }
        ws.outputs.resize_with(self.layers.len(), || Array2::zeros((0, 0)));
        for (i, layer) in self.layers.iter().enumerate() {
            let (done, todo) = ws.outputs.split_at_mut(i);
            let input = done.last().map_or(x.view(), |a| a.view());
            layer.predict_into(input, &mut todo[0])?;
        }
        ws.outputs.last().map(|a| a.view()).ok_or(TrainError::NoOutputs)
    }

    /// Every weight and bias as f64, in the order described at the top of this module.
    pub fn params(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.n_params());
        for layer in &self.layers {
            out.extend(layer.weights().iter().chain(layer.biases().iter()).map(|&v| Real::to_f64(v)));
        }
        out
    }

    /// The gradients of the last `loss_and_grad`/`backward`, in the order of `params`.
    pub fn grads(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.n_params());
        for layer in &self.layers {
            out.extend(layer.dweights().iter().chain(layer.dbiases().iter()).map(|&v| Real::to_f64(v)));
        }
        out
    }

    /// Sets every weight and bias from a list in the order of `params`.
    pub fn set_params(&mut self, values: &[f64]) -> Result<(), TrainError> {
        if values.len() != self.n_params() {
            return Err(TrainError::Shape(format!(
                "the network has {} parameters but {} values were given",
                self.n_params(),
                values.len()
            )));
        }
        let mut rest = values;
        for layer in &mut self.layers {
            let (w, b, _, _) = layer.params_and_grads();
            for p in w.iter_mut().chain(b.iter_mut()) {
                if let Some((&v, tail)) = rest.split_first() {
                    *p = T::from_f64(v);
                    rest = tail;
                }
            }
        }
        Ok(())
    }

    /// Whether every weight and bias is a finite number.
    pub fn all_finite(&self) -> bool {
        // A fold without early exit, which the compiler vectorises.
        let finite = |a: Option<&[T]>| a.is_some_and(|s| !s.iter().fold(false, |bad, v| bad | !v.is_finite()));
        self.layers.iter().all(|l| finite(l.weights().to_slice()) && finite(l.biases().to_slice()))
    }

    /// A copy in another float type (for example an f64 copy of an f32 network, for checks).
    pub fn convert<U: Real>(&self) -> Network<U> {
        Network {
            config: self.config.clone(),
            layers: self.layers.iter().map(Dense::convert).collect(),
            doutputs: Array2::zeros((0, self.config.output)),
        }
    }

    #[cfg(test)]
    pub(crate) fn doutputs_ptr(&self) -> *const T {
        self.doutputs.as_ptr()
    }

    /// Every layer's matrices for the last batch, as f64.
    pub fn snapshot(&self) -> Vec<LayerSnapshot> {
        self.layers.iter().map(Dense::snapshot).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tensor::Rng;
    use crate::tensor::ACTIVATIONS;
    use crate::train::loss::LOSSES;
    use ndarray::{array, Array2};
    use proptest::prelude::*;

    #[test]
    fn buffers_are_reused_while_the_batch_size_stays() {
        let config = NetworkConfig::for_loss(2, vec![8, 8], Activation::Tanh, 1, Loss::BinaryCrossEntropy, 1);
        let mut net = Network::<f32>::new(&config).unwrap();
        let x = Array2::from_shape_fn((10, 2), |(i, j)| (i as f32 - 4.0) * 0.3 + j as f32);
        let t = Array2::from_shape_fn((10, 1), |(i, _)| (i % 2) as f32);
        net.loss_and_grad(x.view(), t.view(), Loss::BinaryCrossEntropy).unwrap();
        let pointers = |net: &Network<f32>| -> Vec<*const f32> {
            net.layers()
                .iter()
                .flat_map(|l| {
                    [l.inputs().as_ptr(), l.z().as_ptr(), l.outputs().as_ptr(), l.dz().as_ptr(), l.dinputs().as_ptr()]
                })
                .chain([net.doutputs.as_ptr()])
                .collect()
        };
        let before = pointers(&net);
        for _ in 0..3 {
            net.loss_and_grad(x.view(), t.view(), Loss::BinaryCrossEntropy).unwrap();
        }
        assert_eq!(before, pointers(&net), "a buffer was reallocated although the batch size did not change");
    }

    #[test]
    fn bad_configs_are_errors() {
        let ok = NetworkConfig::for_loss(2, vec![3], Activation::Relu, 1, Loss::Mse, 0);
        assert!(Network::<f32>::new(&ok).is_ok());
        let with = |f: fn(&mut NetworkConfig)| {
            let mut c = ok.clone();
            f(&mut c);
            Network::<f32>::new(&c).unwrap_err()
        };
        assert_eq!(with(|c| c.inputs = 0), TrainError::NoInputs);
        assert_eq!(with(|c| c.output = 0), TrainError::NoOutputs);
        assert_eq!(with(|c| c.hidden = vec![3, 0]), TrainError::EmptyLayer { layer: 2 });
        assert!(matches!(with(|c| c.hidden = vec![1000]), TrainError::TooLarge { .. }));
        assert!(matches!(with(|c| c.hidden = vec![1; 20]), TrainError::TooLarge { .. }));
        assert!(with(|c| c.hidden = vec![3, 0]).to_string().contains("layer 2 has no neurons"));

        let mut net = Network::<f64>::new(&ok).unwrap();
        assert!(net.forward(array![[1.0, 2.0, 3.0]].view()).is_err());
        assert!(net.set_params(&[1.0]).is_err());
        assert!(net.backward(array![[1.0]].view()).is_err(), "backward before forward has the wrong shape");
    }

    #[test]
    fn params_round_trip_and_convert() {
        let config = NetworkConfig::for_loss(3, vec![4, 2], Activation::Sigmoid, 2, Loss::SoftmaxCrossEntropy, 9);
        let mut net = Network::<f32>::new(&config).unwrap();
        assert_eq!(net.n_params(), 3 * 4 + 4 + 4 * 2 + 2 + 2 * 2 + 2);
        let p: Vec<f64> = (0..net.n_params()).map(|i| i as f64 * 0.25).collect();
        net.set_params(&p).unwrap();
        assert_eq!(net.params(), p);
        assert_eq!(net.layers()[0].weights()[[0, 1]], 0.25);
        assert_eq!(net.layers()[0].biases()[0], 3.0);
        let wide = net.convert::<f64>();
        assert_eq!(wide.params(), p);
        // The same seed gives the same weights.
        assert_eq!(Network::<f32>::new(&config).unwrap().params(), Network::<f32>::new(&config).unwrap().params());
    }

    #[test]
    fn predict_agrees_with_forward_and_leaves_the_batch_alone() {
        let config = NetworkConfig::for_loss(2, vec![5], Activation::Tanh, 3, Loss::SoftmaxCrossEntropy, 4);
        let mut net = Network::<f64>::new(&config).unwrap();
        let x = array![[0.5, -1.0], [2.0, 0.1]];
        let out = net.forward(x.view()).unwrap().to_owned();
        let other = array![[1.0, 1.0]];
        let mut ws = Workspace::default();
        let p = net.predict(other.view(), &mut ws).unwrap().to_owned();
        assert_eq!(net.layers()[0].inputs(), x.view());
        assert_eq!(p.dim(), (1, 3));
        let p2 = net.predict(x.view(), &mut ws).unwrap();
        assert_eq!(p2, out.view());
        assert_eq!(ws.layer_outputs(0).unwrap().dim(), (2, 5));
    }

    // ---- gradient checks -----------------------------------------------------------------

    /// A random small problem: network shape, parameters, batch and targets.
    #[derive(Clone, Debug)]
    pub(crate) struct Case {
        pub config: NetworkConfig,
        pub loss: Loss,
        pub params: Vec<f64>,
        pub x: Array2<f64>,
        pub targets: Array2<f64>,
    }

    pub(crate) fn case_strategy(max_batch: usize) -> impl Strategy<Value = Case> {
        (
            1usize..=3,
            prop::collection::vec(1usize..=4, 0..=2),
            prop::sample::select(ACTIVATIONS.to_vec()),
            prop::sample::select(LOSSES.to_vec()),
            1usize..=3,
            1usize..=max_batch,
            any::<u64>(),
        )
            .prop_map(|(inputs, hidden, activation, loss, outputs, batch, seed)| {
                let outputs = if loss == Loss::SoftmaxCrossEntropy { outputs.max(2) } else { outputs };
                let config = NetworkConfig::for_loss(inputs, hidden, activation, outputs, loss, seed);
                let net = Network::<f64>::new(&config).unwrap();
                let mut rng = Rng::new(seed ^ 0x5eed);
                let params = (0..net.n_params()).map(|_| rng.range(-1.0, 1.0)).collect();
                let x = Array2::from_shape_simple_fn((batch, inputs), || rng.range(-2.0, 2.0));
                let targets = match loss {
                    Loss::Mse => Array2::from_shape_simple_fn((batch, outputs), || rng.range(-1.0, 1.0)),
                    Loss::BinaryCrossEntropy => Array2::from_shape_simple_fn((batch, outputs), || rng.below(2) as f64),
                    Loss::SoftmaxCrossEntropy => Array2::from_shape_simple_fn((batch, 1), || rng.below(outputs) as f64),
                };
                Case { config, loss, params, x, targets }
            })
    }

    impl Case {
        pub fn network(&self) -> Network<f64> {
            let mut net = Network::new(&self.config).unwrap();
            net.set_params(&self.params).unwrap();
            net
        }

        /// Whether some pre-activation of a kinked activation is too near its kink for
        /// finite differences.
        pub fn near_kink(&self, net: &Network<f64>) -> bool {
            net.layers().iter().any(|l| l.activation().has_kink() && l.z().iter().any(|z| z.abs() < 1e-3))
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The whole network's gradient agrees with centred finite differences on every
        /// parameter, for every activation and loss.
        #[test]
        fn gradients_match_finite_differences(case in case_strategy(5)) {
            let mut net = case.network();
            net.loss_and_grad(case.x.view(), case.targets.view(), case.loss).unwrap();
            prop_assume!(!case.near_kink(&net));
            let analytic = net.grads();
            let params = net.params();
            let mut probe = net.clone();
            let mut loss_at = |p: &[f64]| {
                probe.set_params(p).unwrap();
                probe.loss_and_grad(case.x.view(), case.targets.view(), case.loss).unwrap()
            };
            for (i, &a) in analytic.iter().enumerate() {
                let h = 1e-6;
                let mut p = params.clone();
                p[i] = params[i] + h;
                let up = loss_at(&p);
                p[i] = params[i] - h;
                let down = loss_at(&p);
                let numeric = (up - down) / (2.0 * h);
                prop_assert!(
                    (a - numeric).abs() <= 1e-6 * a.abs().max(numeric.abs()).max(1.0),
                    "parameter {i}: analytic {a} vs numeric {numeric} ({case:?})"
                );
            }
        }
    }
}
