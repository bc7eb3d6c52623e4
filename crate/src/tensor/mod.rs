//! Small ndarray building blocks for training, generic over the float type: the [`Real`]
//! trait (f32 for training, f64 for gradient checks), [`Activation`]s with their derivatives,
//! and the [`Dense`] layer that keeps every matrix of the lecture for the last batch.
//!
//! A batch flows through a layer as matrices, never one example at a time:
//!
//! ```text
//! forward:   z = X·W + b          outputs = act(z)
//! backward:  dz = dvalues ⊙ act'(z)
//!            dweights = Xᵀ·dz     dbiases = Σ rows of dz     dinputs = dz·Wᵀ
//! ```
//!
//! With a linear activation `dz = dvalues`, which is the lecture's dinputs = dvalues·Wᵀ,
//! dweights = Xᵀ·dvalues, dbiases = Σ dvalues.
//!
//! Every buffer is allocated once per batch size and reused, so a training loop whose batch
//! size does not change allocates nothing. The products are plain loops for tiny matrices
//! ([`matmul`]); in f32, eˣ and tanh come from [`math`], portable code that gives the same
//! bits on every platform, so the same seed gives the same run natively and in wasm.

pub mod math;
pub mod matmul;
mod rng;

pub use math::{exp_f32, ln_1p_f32, tanh_f32};
pub use matmul::{mat_mul, mat_mul_at, mat_mul_bt};
pub use rng::Rng;

use matmul::{loops_ab, loops_atb, sum_rows};

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, LinalgScalar, ScalarOperand};
use num_traits::Float;
use serde::{Deserialize, Serialize};
use std::fmt::{self, Debug};

/// The float types the network computes in: `f32` for training (fast, and what the page
/// shows), `f64` for gradient checks (precise).
pub trait Real: LinalgScalar + Float + ScalarOperand + Debug + Default + Send + Sync + 'static {
    /// The nearest value of this type (f64 → f32 rounds; out-of-range values become ±∞).
    fn from_f64(v: f64) -> Self;
    /// The exact value as an f64.
    fn to_f64(self) -> f64;
    /// eˣ as the network computes it (in σ, tanh, softmax): for f32 the portable
    /// [`exp_f32`], for f64 the standard library's.
    fn net_exp(self) -> Self;
    /// tanh x as the network computes it: for f32 the portable [`tanh_f32`], for f64 the
    /// standard library's.
    fn net_tanh(self) -> Self;
    /// ln(1 + x) for 0 ≤ x ≤ 1, as binary cross-entropy computes it: for f32 the portable
    /// series of [`ln_1p_f32`] (outside [0, 1] it loses accuracy), for f64 the standard
    /// library's.
    fn net_ln_1p(self) -> Self;
}

impl Real for f32 {
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn net_exp(self) -> Self {
        exp_f32(self)
    }
    #[inline(always)]
    fn net_tanh(self) -> Self {
        tanh_f32(self)
    }
    #[inline(always)]
    fn net_ln_1p(self) -> Self {
        math::ln_1p_unit(self)
    }
}

impl Real for f64 {
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn net_exp(self) -> Self {
        self.exp()
    }
    #[inline(always)]
    fn net_tanh(self) -> Self {
        self.tanh()
    }
    #[inline(always)]
    fn net_ln_1p(self) -> Self {
        self.ln_1p()
    }
}

/// Two shapes that do not fit together, with a message that says which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    pub message: String,
}

impl ShapeError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShapeError {}

// ---------------------------------------------------------------------------------------------
// Activations
// ---------------------------------------------------------------------------------------------

/// The slope of leaky ReLU for negative inputs: leaky_relu(z) = max(z, 0.01·z).
pub const LEAKY_RELU_ALPHA: f64 = 0.01;

/// A neuron's non-linearity, applied element-wise to the pre-activation z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// f(z) = z. The output layer uses it: the losses read raw scores (logits).
    #[default]
    Linear,
    /// f(z) = 1 / (1 + e^(−z)).
    Sigmoid,
    /// f(z) = tanh z.
    Tanh,
    /// f(z) = max(z, 0).
    Relu,
    /// f(z) = max(z, 0.01·z) ([`LEAKY_RELU_ALPHA`]).
    LeakyRelu,
}

/// Every activation, for pickers and tests.
pub const ACTIVATIONS: [Activation; 5] =
    [Activation::Linear, Activation::Sigmoid, Activation::Tanh, Activation::Relu, Activation::LeakyRelu];

/// σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|.
#[inline(always)]
pub fn sigmoid<T: Real>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).net_exp())
    } else {
        let e = z.net_exp();
        e / (T::one() + e)
    }
}

impl Activation {
    /// Forward value f(z) and local derivative f'(z) side by side. The derivative is written
    /// from the output y = f(z) where that is the lecture's form (σ' = σ(1 − σ),
    /// tanh' = 1 − tanh²) and from z where it needs z (the kinks of ReLU: f'(0) = 0).
    pub fn apply<T: Real>(self, z: T) -> (T, T) {
        let y = self.f(z);
        (y, self.df(z, y))
    }

    /// f(z).
    #[inline(always)]
    pub fn f<T: Real>(self, z: T) -> T {
        match self {
            Activation::Linear => z,
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => z.net_tanh(),
            Activation::Relu => z.max(T::zero()),
            Activation::LeakyRelu => z.max(T::from_f64(LEAKY_RELU_ALPHA) * z),
        }
    }

    /// f'(z), given z and the output y = f(z).
    #[inline(always)]
    pub fn df<T: Real>(self, z: T, y: T) -> T {
        match self {
            Activation::Linear => T::one(),
            Activation::Sigmoid => y * (T::one() - y),
            Activation::Tanh => T::one() - y * y,
            Activation::Relu => {
                if z > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::LeakyRelu => {
                if z > T::zero() {
                    T::one()
                } else {
                    T::from_f64(LEAKY_RELU_ALPHA)
                }
            }
        }
    }

    /// Whether the derivative jumps at z = 0 (finite differences are unreliable there).
    pub fn has_kink(self) -> bool {
        matches!(self, Activation::Relu | Activation::LeakyRelu)
    }

    /// outputs = f(z), element by element (slices of equal length).
    pub fn forward_slice<T: Real>(self, z: &[T], outputs: &mut [T]) {
        // One loop per variant, so the match is outside the hot loop.
        match self {
            Activation::Linear => outputs.copy_from_slice(z),
            Activation::Sigmoid => map(z, outputs, |z| Activation::Sigmoid.f(z)),
            Activation::Tanh => map(z, outputs, |z| Activation::Tanh.f(z)),
            Activation::Relu => map(z, outputs, |z| Activation::Relu.f(z)),
            Activation::LeakyRelu => map(z, outputs, |z| Activation::LeakyRelu.f(z)),
        }
    }

    /// In place: values ← f(values).
    pub fn forward_in_place<T: Real>(self, values: &mut [T]) {
        match self {
            Activation::Linear => {}
            Activation::Sigmoid => values.iter_mut().for_each(|v| *v = Activation::Sigmoid.f(*v)),
            Activation::Tanh => values.iter_mut().for_each(|v| *v = Activation::Tanh.f(*v)),
            Activation::Relu => values.iter_mut().for_each(|v| *v = Activation::Relu.f(*v)),
            Activation::LeakyRelu => values.iter_mut().for_each(|v| *v = Activation::LeakyRelu.f(*v)),
        }
    }

    /// The chain rule through the activation: dz = dvalues ⊙ f'(z), with y = f(z).
    pub fn backward_slice<T: Real>(self, z: &[T], y: &[T], dvalues: &[T], dz: &mut [T]) {
        match self {
            Activation::Linear => dz.copy_from_slice(dvalues),
            Activation::Sigmoid => chain(z, y, dvalues, dz, |z, y| Activation::Sigmoid.df(z, y)),
            Activation::Tanh => chain(z, y, dvalues, dz, |z, y| Activation::Tanh.df(z, y)),
            Activation::Relu => chain(z, y, dvalues, dz, |z, y| Activation::Relu.df(z, y)),
            Activation::LeakyRelu => chain(z, y, dvalues, dz, |z, y| Activation::LeakyRelu.df(z, y)),
        }
    }
}

fn chain<T: Real>(z: &[T], y: &[T], dvalues: &[T], dz: &mut [T], df: impl Fn(T, T) -> T) {
    for (((g, &z), &y), &dv) in dz.iter_mut().zip(z).zip(y).zip(dvalues) {
        *g = dv * df(z, y);
    }
}

fn map<T: Real>(src: &[T], dst: &mut [T], f: impl Fn(T) -> T) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f(s);
    }
}

// ---------------------------------------------------------------------------------------------
// Small matrix products
// ---------------------------------------------------------------------------------------------

// The products themselves live in `matmul`: plain loops for the tiny matrices of the page,
// ndarray's gemm for anything large or strided.

/// Makes `a` a `rows × cols` array, reallocating only when the shape changes (the contents
/// are unspecified afterwards).
pub fn ensure_shape<T: Real>(a: &mut Array2<T>, rows: usize, cols: usize) {
    if a.dim() != (rows, cols) {
        *a = Array2::zeros((rows, cols));
    }
}

fn data_mut<T: Real>(a: &mut Array2<T>) -> &mut [T] {
    a.as_slice_mut().unwrap_or(&mut [])
}

/// A row-major matrix whose `data` always holds exactly `rows × cols` values. The layer's
/// hot loops take the slice as it is (an ndarray array would re-check its layout on every
/// `as_slice`); readers get an ndarray view.
#[derive(Clone, Debug, PartialEq)]
struct Buf<T> {
    data: Vec<T>,
    rows: usize,
    cols: usize,
}

impl<T: Real> Buf<T> {
    fn zeros(rows: usize, cols: usize) -> Self {
        Self { data: vec![T::zero(); rows * cols], rows, cols }
    }

    /// The values of any 2-D array, row by row.
    fn from_view(a: ArrayView2<T>) -> Self {
        Self { data: a.iter().copied().collect(), rows: a.nrows(), cols: a.ncols() }
    }

    /// Changes the number of rows (the contents are unspecified afterwards).
    fn set_rows(&mut self, rows: usize) {
        if rows != self.rows {
            self.data.resize(rows * self.cols, T::zero());
            self.rows = rows;
        }
    }

    fn view(&self) -> ArrayView2<'_, T> {
        // The length always matches the shape, so the first arm is the one taken.
        match ArrayView2::from_shape((self.rows, self.cols), &self.data) {
            Ok(v) => v,
            Err(_) => ArrayView2::from(&[] as &[[T; 0]]),
        }
    }

    fn dim(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }
}

/// Copies a matrix of the right size into a row-major buffer, whatever its layout.
fn copy_rows<T: Real>(src: ArrayView2<T>, dst: &mut [T]) {
    match src.as_slice() {
        Some(s) => dst.copy_from_slice(s),
        None => dst.iter_mut().zip(src.iter()).for_each(|(d, &s)| *d = s),
    }
}

// ---------------------------------------------------------------------------------------------
// The dense layer
// ---------------------------------------------------------------------------------------------

/// A fully connected layer: `n_inputs` inputs, `n_neurons` neurons, one activation.
///
/// Besides its parameters it keeps, for the last batch, every matrix the lecture talks about,
/// so a view can show them. Their shapes (B = batch size):
///
/// | field | shape | meaning |
/// |---|---|---|
/// | `weights` W | n_inputs × n_neurons | column j holds neuron j's weights |
/// | `biases` b | n_neurons | |
/// | `inputs` X | B × n_inputs | the batch that came in |
/// | `z` | B × n_neurons | X·W + b |
/// | `outputs` | B × n_neurons | act(z) |
/// | `dvalues` | B × n_neurons | ∂L/∂outputs, from the layer above (or the loss) |
/// | `dz` | B × n_neurons | ∂L/∂z = dvalues ⊙ act'(z) |
/// | `dinputs` | B × n_inputs | ∂L/∂X = dz·Wᵀ, sent to the layer below |
/// | `dweights` | n_inputs × n_neurons | ∂L/∂W = Xᵀ·dz |
/// | `dbiases` | n_neurons | ∂L/∂b = Σ rows of dz |
#[derive(Clone, Debug, PartialEq)]
pub struct Dense<T: Real> {
    weights: Buf<T>,
    biases: Vec<T>,
    activation: Activation,
    inputs: Buf<T>,
    z: Buf<T>,
    outputs: Buf<T>,
    dvalues: Buf<T>,
    dz: Buf<T>,
    dinputs: Buf<T>,
    dweights: Buf<T>,
    dbiases: Vec<T>,
    /// Wᵀ, refreshed by each backward pass: with its rows contiguous, dz·Wᵀ is the same fast
    /// loop as the forward product.
    weights_t: Buf<T>,
}

impl<T: Real> Dense<T> {
    /// A layer with Glorot-uniform weights, W ~ U(−√(6/(n_in+n_out)), +√(6/(n_in+n_out))),
    /// drawn row by row from `rng`, and zero biases. Sizes of 0 give an empty layer (the
    /// network refuses them before getting here).
    pub fn new(n_inputs: usize, n_neurons: usize, activation: Activation, rng: &mut Rng) -> Self {
        let limit = (6.0 / (n_inputs + n_neurons).max(1) as f64).sqrt();
        let weights = (0..n_inputs * n_neurons).map(|_| T::from_f64(rng.range(-limit, limit))).collect();
        Self::with_parameters(
            Buf { data: weights, rows: n_inputs, cols: n_neurons },
            vec![T::zero(); n_neurons],
            activation,
        )
    }

    /// A layer with the given weights (n_inputs × n_neurons) and biases (n_neurons).
    pub fn from_parameters(weights: Array2<T>, biases: Array1<T>, activation: Activation) -> Result<Self, ShapeError> {
        if weights.ncols() != biases.len() {
            return Err(ShapeError::new(format!(
                "the weights have {} columns (neurons) but there are {} biases",
                weights.ncols(),
                biases.len()
            )));
        }
        // Copied row by row, whatever layout the caller's arrays have.
        Ok(Self::with_parameters(Buf::from_view(weights.view()), biases.to_vec(), activation))
    }

    fn with_parameters(weights: Buf<T>, biases: Vec<T>, activation: Activation) -> Self {
        let (n_in, n_out) = weights.dim();
        Self {
            dweights: Buf::zeros(n_in, n_out),
            dbiases: vec![T::zero(); n_out],
            weights_t: Buf::zeros(n_out, n_in),
            weights,
            biases,
            activation,
            inputs: Buf::zeros(0, n_in),
            z: Buf::zeros(0, n_out),
            outputs: Buf::zeros(0, n_out),
            dvalues: Buf::zeros(0, n_out),
            dz: Buf::zeros(0, n_out),
            dinputs: Buf::zeros(0, n_in),
        }
    }

    pub fn n_inputs(&self) -> usize {
        self.weights.rows
    }

    pub fn n_neurons(&self) -> usize {
        self.weights.cols
    }

    /// Number of parameters: weights and biases.
    pub fn n_params(&self) -> usize {
        self.weights.data.len() + self.biases.len()
    }

    /// Rows in the last batch.
    pub fn batch_size(&self) -> usize {
        self.inputs.rows
    }

    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Changes the activation, keeping the weights.
    pub fn set_activation(&mut self, activation: Activation) {
        self.activation = activation;
    }

    pub fn weights(&self) -> ArrayView2<'_, T> {
        self.weights.view()
    }
    pub fn biases(&self) -> ArrayView1<'_, T> {
        ArrayView1::from(&self.biases)
    }
    pub fn inputs(&self) -> ArrayView2<'_, T> {
        self.inputs.view()
    }
    pub fn z(&self) -> ArrayView2<'_, T> {
        self.z.view()
    }
    pub fn outputs(&self) -> ArrayView2<'_, T> {
        self.outputs.view()
    }
    pub fn dvalues(&self) -> ArrayView2<'_, T> {
        self.dvalues.view()
    }
    pub fn dz(&self) -> ArrayView2<'_, T> {
        self.dz.view()
    }
    pub fn dinputs(&self) -> ArrayView2<'_, T> {
        self.dinputs.view()
    }
    pub fn dweights(&self) -> ArrayView2<'_, T> {
        self.dweights.view()
    }
    pub fn dbiases(&self) -> ArrayView1<'_, T> {
        ArrayView1::from(&self.dbiases)
    }

    /// The weights and their gradients, the gradients writable (a penalty's is added).
    pub fn weights_and_grads(&mut self) -> (&[T], &mut [T]) {
        (&self.weights.data, &mut self.dweights.data)
    }

    /// Parameters and their gradients as mutable/shared row-major slices, for optimizers:
    /// `(weights, biases, dweights, dbiases)`.
    pub fn params_and_grads(&mut self) -> (&mut [T], &mut [T], &[T], &[T]) {
        (&mut self.weights.data, &mut self.biases, &self.dweights.data, &self.dbiases)
    }

    /// Resizes the batch buffers when the batch size changes; a no-op otherwise.
    fn ensure_batch(&mut self, batch: usize) {
        if self.inputs.rows != batch {
            for a in
                [&mut self.inputs, &mut self.z, &mut self.outputs, &mut self.dvalues, &mut self.dz, &mut self.dinputs]
            {
                a.set_rows(batch);
            }
        }
    }

    /// Forward pass on a batch X (B × n_inputs): keeps X, computes z = X·W + b and
    /// outputs = act(z), and returns the outputs (B × n_neurons).
    pub fn forward(&mut self, x: ArrayView2<T>) -> Result<ArrayView2<'_, T>, ShapeError> {
        if x.ncols() != self.n_inputs() {
            return Err(ShapeError::new(format!(
                "the layer expects {} inputs per example but was given {}",
                self.n_inputs(),
                x.ncols()
            )));
        }
        self.ensure_batch(x.nrows());
        copy_rows(x, &mut self.inputs.data);
        self.forward_kept();
        Ok(self.outputs.view())
    }

    /// [`Dense::forward`] on the outputs of the layer below, copied straight from its buffer
    /// (a network's training loop: no ndarray view is made or checked on the way).
    pub(crate) fn forward_after(&mut self, below: &Self) -> Result<(), ShapeError> {
        if below.n_neurons() != self.n_inputs() {
            return Err(ShapeError::new(format!(
                "the layer expects {} inputs per example but the layer below has {} neurons",
                self.n_inputs(),
                below.n_neurons()
            )));
        }
        self.ensure_batch(below.outputs.rows);
        self.inputs.data.copy_from_slice(&below.outputs.data);
        self.forward_kept();
        Ok(())
    }

    /// z = X·W + b and outputs = act(z), from the inputs the layer keeps.
    fn forward_kept(&mut self) {
        let dims = (self.inputs.rows, self.n_inputs(), self.n_neurons());
        loops_ab(&self.inputs.data, &self.weights.data, Some(&self.biases), &mut self.z.data, dims);
        self.activation.forward_slice(&self.z.data, &mut self.outputs.data);
    }

    /// Backward pass, after `forward`: takes dvalues = ∂L/∂outputs (B × n_neurons), fills
    /// dz, dweights, dbiases and dinputs, and returns dinputs (B × n_inputs).
    pub fn backward(&mut self, dvalues: ArrayView2<T>) -> Result<ArrayView2<'_, T>, ShapeError> {
        self.backward_with(dvalues, true)?;
        Ok(self.dinputs.view())
    }

    /// [`Dense::backward`], leaving `dinputs` as it was unless `dinputs` is true: the first
    /// layer of a network sends its dinputs nowhere, so training can skip that product.
    pub fn backward_with(&mut self, dvalues: ArrayView2<T>, dinputs: bool) -> Result<(), ShapeError> {
        if dvalues.dim() != self.outputs.dim() {
            return Err(ShapeError::new(format!(
                "the gradient has shape {}×{} but the layer's outputs are {}×{}",
                dvalues.nrows(),
                dvalues.ncols(),
                self.outputs.rows,
                self.outputs.cols
            )));
        }
        copy_rows(dvalues, &mut self.dvalues.data);
        self.backward_kept(dinputs);
        Ok(())
    }

    /// [`Dense::backward_with`] with dvalues = the dinputs of the layer above, copied straight
    /// from its buffer (a network's training loop).
    pub(crate) fn backward_before(&mut self, above: &Self, dinputs: bool) -> Result<(), ShapeError> {
        if above.dinputs.dim() != self.outputs.dim() {
            return Err(ShapeError::new(format!(
                "the gradient from the layer above has shape {}×{} but the layer's outputs are {}×{}",
                above.dinputs.rows, above.dinputs.cols, self.outputs.rows, self.outputs.cols
            )));
        }
        self.dvalues.data.copy_from_slice(&above.dinputs.data);
        self.backward_kept(dinputs);
        Ok(())
    }

    /// The backward pass from the dvalues the layer keeps; dinputs only when asked.
    fn backward_kept(&mut self, dinputs: bool) {
        // dz = dvalues ⊙ act'(z): the chain rule through the activation.
        self.activation.backward_slice(&self.z.data, &self.outputs.data, &self.dvalues.data, &mut self.dz.data);
        let (batch, n_in, n_out) = (self.dz.rows, self.n_inputs(), self.n_neurons());
        // dweights = Xᵀ·dz: each weight W[i][j] gets Σ over the batch of input i × dz of neuron j.
        loops_atb(&self.inputs.data, &self.dz.data, &mut self.dweights.data, (n_in, batch, n_out));
        // dbiases = Σ rows of dz: a bias is added to every example, so its gradients add up.
        sum_rows(&self.dz.data, &mut self.dbiases);
        if !dinputs {
            return;
        }
        // dinputs = dz·Wᵀ: each input gets the gradients of every neuron it feeds, weighted.
        // With Wᵀ copied out row by row, this is the forward pass's loop again.
        // Row j of Wᵀ is column j of W: every n_out-th weight from the j-th.
        let w = &self.weights.data;
        for (j, row) in self.weights_t.data.chunks_exact_mut(n_in.max(1)).enumerate() {
            for (t, &wij) in row.iter_mut().zip(w.iter().skip(j).step_by(n_out.max(1))) {
                *t = wij;
            }
        }
        loops_ab(&self.dz.data, &self.weights_t.data, None, &mut self.dinputs.data, (batch, n_out, n_in));
    }

    /// Forward pass into a caller's buffer, keeping nothing: for evaluating a whole data set
    /// or a grid without disturbing the last training batch. `out` is resized if needed.
    pub fn predict_into(&self, x: ArrayView2<T>, out: &mut Array2<T>) -> Result<(), ShapeError> {
        ensure_shape(out, x.nrows(), self.n_neurons());
        mat_mul(x, self.weights.view(), Some(self.biases()), out.view_mut())?;
        self.activation.forward_in_place(data_mut(out));
        Ok(())
    }

    /// A copy in another float type (values rounded to it), with empty batch buffers.
    pub fn convert<U: Real>(&self) -> Dense<U> {
        let convert = |v: &[T]| v.iter().map(|&v| U::from_f64(Real::to_f64(v))).collect::<Vec<U>>();
        let weights = Buf { data: convert(&self.weights.data), rows: self.weights.rows, cols: self.weights.cols };
        Dense::with_parameters(weights, convert(&self.biases), self.activation)
    }

    /// All the layer's matrices as f64, for a view.
    pub fn snapshot(&self) -> LayerSnapshot {
        LayerSnapshot {
            activation: self.activation,
            n_inputs: self.n_inputs(),
            n_neurons: self.n_neurons(),
            weights: Matrix::from_view(self.weights.view()),
            biases: Matrix::from_row(self.biases()),
            inputs: Matrix::from_view(self.inputs.view()),
            z: Matrix::from_view(self.z.view()),
            outputs: Matrix::from_view(self.outputs.view()),
            dvalues: Matrix::from_view(self.dvalues.view()),
            dz: Matrix::from_view(self.dz.view()),
            dinputs: Matrix::from_view(self.dinputs.view()),
            dweights: Matrix::from_view(self.dweights.view()),
            dbiases: Matrix::from_row(self.dbiases()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

/// A matrix as plain data: `shape` is [rows, cols] and `data` the values row by row.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub shape: [usize; 2],
    pub data: Vec<f64>,
}

impl Matrix {
    /// The values of a 2-D array, as f64.
    pub fn from_view<T: Real>(a: ArrayView2<T>) -> Self {
        Self { shape: [a.nrows(), a.ncols()], data: a.iter().map(|&v| Real::to_f64(v)).collect() }
    }

    /// A 1-D array as one row (1 × n).
    pub fn from_row<T: Real>(a: ArrayView1<T>) -> Self {
        Self { shape: [1, a.len()], data: a.iter().map(|&v| Real::to_f64(v)).collect() }
    }

    pub fn rows(&self) -> usize {
        self.shape[0]
    }

    pub fn cols(&self) -> usize {
        self.shape[1]
    }

    /// The value at (row, col), if inside.
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        if row < self.shape[0] && col < self.shape[1] {
            self.data.get(row * self.shape[1] + col).copied()
        } else {
            None
        }
    }
}

/// Every matrix of one [`Dense`] layer for the last batch, as f64 (see the table on
/// [`Dense`] for shapes and meanings; biases and dbiases are 1 × n_neurons).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerSnapshot {
    pub activation: Activation,
    pub n_inputs: usize,
    pub n_neurons: usize,
    pub weights: Matrix,
    pub biases: Matrix,
    pub inputs: Matrix,
    pub z: Matrix,
    pub outputs: Matrix,
    pub dvalues: Matrix,
    pub dz: Matrix,
    pub dinputs: Matrix,
    pub dweights: Matrix,
    pub dbiases: Matrix,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn activations_and_their_derivatives() {
        type Exact = fn(f64) -> f64;
        let cases: [(Activation, Exact); 5] = [
            (Activation::Linear, |z| z),
            (Activation::Sigmoid, |z| 1.0 / (1.0 + (-z).exp())),
            (Activation::Tanh, f64::tanh),
            (Activation::Relu, |z| z.max(0.0)),
            (Activation::LeakyRelu, |z| if z > 0.0 { z } else { 0.01 * z }),
        ];
        for (act, f) in cases {
            for k in -40..=40 {
                let z = k as f64 * 0.15 + 0.01; // never exactly on a kink
                let (y, dy) = act.apply(z);
                assert!((y - f(z)).abs() < 1e-12, "{act:?}({z})");
                let h = 1e-6;
                let numeric = (f(z + h) - f(z - h)) / (2.0 * h);
                assert!((dy - numeric).abs() < 1e-7, "{act:?}'({z}) = {dy}, numerically {numeric}");
            }
        }
        assert_eq!(Activation::Relu.df(0.0, 0.0), 0.0, "relu'(0) = 0, as in the scalar engine");
        assert_eq!(sigmoid(-1000.0f32), 0.0);
        assert_eq!(sigmoid(1000.0f32), 1.0);
        // Slices: forward, in place, and the chain rule.
        let z = [-1.0f32, 0.5, 2.0];
        let mut y = [0.0; 3];
        Activation::Sigmoid.forward_slice(&z, &mut y);
        let mut y2 = z;
        Activation::Sigmoid.forward_in_place(&mut y2);
        assert_eq!(y, y2);
        let mut dz = [0.0; 3];
        Activation::Sigmoid.backward_slice(&z, &y, &[1.0, 2.0, 3.0], &mut dz);
        assert_eq!(dz[2], 3.0 * (y[2] * (1.0 - y[2])));
    }

    #[test]
    fn dense_refuses_wrong_shapes() {
        let mut layer = Dense::<f64>::new(3, 2, Activation::Tanh, &mut Rng::new(1));
        assert_eq!(layer.n_params(), 8);
        assert!(layer.forward(array![[1.0, 2.0]].view()).is_err());
        layer.forward(array![[1.0, 2.0, 3.0]].view()).unwrap();
        assert!(layer.backward(array![[1.0, 2.0, 3.0]].view()).is_err());
        assert!(layer.backward(array![[1.0, 2.0]].view()).is_ok());
        assert!(Dense::from_parameters(Array2::<f64>::zeros((3, 2)), Array1::zeros(3), Activation::Relu).is_err());
        // Glorot-uniform: within ±√(6/(3+2)).
        assert!(layer.weights().iter().all(|w| w.abs() <= (6.0f64 / 5.0).sqrt()));
        // Forward from a strided (transposed) batch gives the same as from a standard one.
        let x = array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]];
        let strided = layer.forward(x.t()).unwrap().to_owned();
        let standard = layer.forward(x.t().to_owned().view()).unwrap().to_owned();
        assert_eq!(strided, standard);
        let m = Matrix::from_view(x.view());
        assert_eq!((m.rows(), m.cols(), m.get(2, 1), m.get(3, 0)), (3, 2, Some(6.0), None));
    }

    #[test]
    fn layer_to_layer_passes_match_the_view_api_and_check_shapes() {
        let mut rng = Rng::new(3);
        let (mut below, mut above) =
            (Dense::<f64>::new(3, 2, Activation::Tanh, &mut rng), Dense::new(2, 4, Activation::Sigmoid, &mut rng));
        let mut copy = above.clone();
        below.forward(array![[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]].view()).unwrap();
        above.forward_after(&below).unwrap();
        copy.forward(below.outputs()).unwrap();
        assert_eq!(above, copy);
        let dloss = Array2::from_shape_fn((2, 4), |(i, j)| i as f64 - j as f64 * 0.5);
        above.backward(dloss.view()).unwrap();
        let mut below_copy = below.clone();
        below.backward_before(&above, true).unwrap();
        below_copy.backward(above.dinputs()).unwrap();
        assert_eq!(below, below_copy);
        // A layer that does not fit the one below (or above) is refused, not indexed past.
        let mut wrong = Dense::<f64>::new(3, 1, Activation::Linear, &mut rng);
        assert!(wrong.forward_after(&below).is_err());
        assert!(wrong.backward_before(&above, true).is_err());
    }

    /// The lecture's batch example: 4 inputs, 3 neurons, a batch of 4, linear activation.
    #[test]
    fn lecture_batch_example() {
        // Given per neuron as rows, so W (inputs × neurons) is the transpose.
        let per_neuron = array![[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]];
        let w = per_neuron.t().to_owned();
        let mut layer = Dense::from_parameters(w, Array1::from(vec![2.0, 3.0, 0.5]), Activation::Linear).unwrap();
        let x = array![[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8], [-2.4, -1.0, -0.3, -2.3]];
        layer.forward(x.view()).unwrap();
        assert!((layer.z()[[0, 0]] - (0.2 + 1.6 - 1.5 + 2.5 + 2.0)).abs() < 1e-12);
        let dvalues = array![[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [4.0, 4.0, 4.0]];
        layer.backward(dvalues.view()).unwrap();

        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let dinputs = layer.dinputs();
        for (got, want) in dinputs.row(0).iter().zip([0.44, -0.38, -0.07, 1.37]) {
            assert!(close(*got, want), "dinputs row 0: {got} vs {want}");
        }
        // dinputs row k is k+1 times row 0: every row of dvalues is a multiple of (1, 1, 1).
        for k in 0..4 {
            for i in 0..4 {
                assert!(close(dinputs[[k, i]], (k + 1) as f64 * dinputs[[0, i]]));
            }
        }
        // dweights[i][j] = Σ_k (k+1)·X[k][i]: every column is (−9.1, 16.1, 9.7, −5.1).
        for j in 0..3 {
            for (i, want) in [-9.1, 16.1, 9.7, -5.1].into_iter().enumerate() {
                assert!(close(layer.dweights()[[i, j]], want), "dweights[{i}][{j}] = {}", layer.dweights()[[i, j]]);
            }
        }
        for &db in layer.dbiases() {
            assert!(close(db, 10.0));
        }
        // For a linear activation dz is dvalues itself.
        assert_eq!(layer.dz(), dvalues.view());
        let snap = layer.snapshot();
        assert_eq!(snap.weights.shape, [4, 3]);
        assert_eq!(snap.dinputs.shape, [4, 4]);
        assert_eq!(snap.dbiases.shape, [1, 3]);
        assert_eq!(snap.weights.get(0, 1), Some(0.5));
    }
}
