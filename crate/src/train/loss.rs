//! Losses: how far a batch of outputs is from its targets, and the gradient ∂L/∂outputs that
//! starts the backward pass. Each loss's value and its gradient are computed in one loop,
//! side by side.
//!
//! All three read raw outputs of a linear last layer; the classification losses fold the
//! sigmoid or the softmax in, which is both simpler to differentiate and numerically stable.
//! With N examples in the batch:
//!
//! | loss | L | ∂L/∂y |
//! |---|---|---|
//! | `Mse` | 1/(2N) · Σ (y − t)² | (y − t)/N |
//! | `BinaryCrossEntropy` | 1/N · Σ max(z, 0) − z·t + ln(1 + e^(−\|z\|)) | (σ(z) − t)/N |
//! | `SoftmaxCrossEntropy` | 1/N · Σ −ln softmax(z)[class] | (softmax(z) − onehot(class))/N |
//!
//! Targets: one value per output for `Mse` and `BinaryCrossEntropy` (0 or 1 for the latter),
//! one class index per example (a single column) for `SoftmaxCrossEntropy`.

use super::TrainError;
use crate::tensor::{ensure_shape, sigmoid, Activation, Real};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// A loss function on a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Mean squared error with a ½: L = 1/(2N)·ΣΣ(y − t)². For regression (and usable for
    /// two classes with targets 0 and 1).
    Mse,
    /// Binary cross-entropy on logits: the network's output z is a score, σ(z) the
    /// probability of class 1. Two classes, one output.
    #[default]
    BinaryCrossEntropy,
    /// Softmax cross-entropy for two or more classes, one output per class.
    SoftmaxCrossEntropy,
}

/// Every loss, for pickers and tests.
pub const LOSSES: [Loss; 3] = [Loss::Mse, Loss::BinaryCrossEntropy, Loss::SoftmaxCrossEntropy];

impl Loss {
    /// The name shown to students.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mean squared error",
            Loss::BinaryCrossEntropy => "binary cross-entropy",
            Loss::SoftmaxCrossEntropy => "softmax cross-entropy",
        }
    }

    /// The activation the last layer should have: linear for all three (the classification
    /// losses apply the sigmoid/softmax themselves, on logits).
    pub fn output_activation(self) -> Activation {
        Activation::Linear
    }

    /// How many targets per example the loss reads for a network with `outputs` outputs.
    pub fn target_columns(self, outputs: usize) -> usize {
        match self {
            Loss::Mse | Loss::BinaryCrossEntropy => outputs,
            Loss::SoftmaxCrossEntropy => 1,
        }
    }

    /// The loss of a batch, and ∂L/∂outputs written into `doutputs` (resized to the outputs'
    /// shape if needed, so a reused buffer is never reallocated).
    pub fn forward_backward<T: Real>(
        self,
        outputs: ArrayView2<T>,
        targets: ArrayView2<T>,
        doutputs: &mut Array2<T>,
    ) -> Result<T, TrainError> {
        ensure_shape(doutputs, outputs.nrows(), outputs.ncols());
        let grad = doutputs.as_slice_mut().unwrap_or(&mut []);
        self.compute(outputs, targets, Some(grad))
    }

    /// The loss of a batch, without the gradient.
    pub fn value<T: Real>(self, outputs: ArrayView2<T>, targets: ArrayView2<T>) -> Result<T, TrainError> {
        self.compute(outputs, targets, None)
    }

    fn check<T: Real>(self, outputs: &ArrayView2<T>, targets: &ArrayView2<T>) -> Result<(), TrainError> {
        let (n, k) = outputs.dim();
        if k == 0 {
            return Err(TrainError::NoOutputs);
        }
        if self == Loss::SoftmaxCrossEntropy && k < 2 {
            return Err(TrainError::IncompatibleLoss {
                loss: self,
                reason: "needs one output per class, at least 2".into(),
            });
        }
        if targets.dim() != (n, self.target_columns(k)) {
            return Err(TrainError::Shape(format!(
                "{} needs {} target value(s) for each of the {n} examples, but the targets are {}×{}",
                self.name(),
                self.target_columns(k),
                targets.nrows(),
                targets.ncols()
            )));
        }
        Ok(())
    }

    /// Value (mean over the batch) and, when `grad` is given, ∂L/∂outputs into it.
    fn compute<T: Real>(
        self,
        outputs: ArrayView2<T>,
        targets: ArrayView2<T>,
        mut grad: Option<&mut [T]>,
    ) -> Result<T, TrainError> {
        self.check(&outputs, &targets)?;
        let (n, k) = outputs.dim();
        if n == 0 {
            return Ok(T::zero());
        }
        // Borrowed as they are when standard layout (always, from a layer); copied otherwise.
        let (outputs, targets) = (outputs.as_standard_layout(), targets.as_standard_layout());
        let (y, t) = (outputs.as_slice().unwrap_or(&[]), targets.as_slice().unwrap_or(&[]));
        let inv_n = T::one() / T::from_f64(n as f64);
        let mut total = T::zero();
        match self {
            Loss::Mse => {
                for (i, (&y, &t)) in y.iter().zip(t).enumerate() {
                    check_finite(t)?;
                    let d = y - t;
                    total = total + d * d;
                    if let Some(g) = grad.as_deref_mut() {
                        g[i] = d * inv_n;
                    }
                }
                total = total * T::from_f64(0.5);
            }
            Loss::BinaryCrossEntropy => {
                if let Some(&bad) = t.iter().find(|&&t| !(t >= T::zero() && t <= T::one())) {
                    return Err(TrainError::BadTarget { value: Real::to_f64(bad), classes: 2 });
                }
                // −t·ln σ(z) − (1−t)·ln(1−σ(z)), rewritten so that no exp overflows:
                // max(z, 0) − z·t + ln(1 + e^(−|z|)). The gradient is σ(z) − t, with σ(z)
                // from the same e^(−|z|): 1/(1 + e) for z ≥ 0, e/(1 + e) below.
                let term = |z: T, t: T| {
                    let e = (-z.abs()).net_exp();
                    let sigma = if z >= T::zero() { T::one() } else { e } / (T::one() + e);
                    (z.max(T::zero()) - z * t + e.net_ln_1p(), sigma - t)
                };
                match grad {
                    Some(g) => {
                        for ((g, &z), &t) in g.iter_mut().zip(y).zip(t) {
                            let (loss, dz) = term(z, t);
                            total = total + loss;
                            *g = dz * inv_n;
                        }
                    }
                    None => total = y.iter().zip(t).fold(total, |total, (&z, &t)| total + term(z, t).0),
                }
            }
            Loss::SoftmaxCrossEntropy => {
                for (r, (z, &t)) in y.chunks_exact(k).zip(t).enumerate() {
                    let class = class_index(t, k)?;
                    // log-sum-exp with the maximum taken out: ln Σ e^z = m + ln Σ e^(z−m).
                    let m = z.iter().fold(T::neg_infinity(), |m, &v| m.max(v));
                    let mut sum = T::zero();
                    for &v in z {
                        sum = sum + (v - m).net_exp();
                    }
                    total = total + m + sum.ln() - z[class];
                    if let Some(g) = grad.as_deref_mut() {
                        let g = &mut g[r * k..(r + 1) * k];
                        for (j, (g, &v)) in g.iter_mut().zip(z).enumerate() {
                            let p = (v - m).net_exp() / sum;
                            let onehot = if j == class { T::one() } else { T::zero() };
                            *g = (p - onehot) * inv_n;
                        }
                    }
                }
            }
        }
        Ok(total * inv_n)
    }

    /// The class an example's output row predicts: σ(z) > ½ (that is z > 0) for binary
    /// cross-entropy, y > ½ for mean squared error on 0/1 targets, the largest score for
    /// softmax. 0 for an empty row.
    pub fn predict_class<T: Real>(self, row: &[T]) -> usize {
        match self {
            Loss::BinaryCrossEntropy => usize::from(row.first().is_some_and(|&z| z > T::zero())),
            Loss::Mse => usize::from(row.first().is_some_and(|&y| y > T::from_f64(0.5))),
            Loss::SoftmaxCrossEntropy => {
                let mut best = 0;
                for (j, &v) in row.iter().enumerate() {
                    if v > row[best] {
                        best = j;
                    }
                }
                best
            }
        }
    }

    /// The probability of each of `classes` classes for one output row, written into `out`
    /// (length `classes`): [1 − σ(z), σ(z)] for binary cross-entropy, [1 − y, y] with y
    /// clamped to [0, 1] for mean squared error, softmax(z) for softmax cross-entropy.
    pub fn probabilities<T: Real>(self, row: &[T], out: &mut [f64]) {
        out.fill(0.0);
        match self {
            Loss::BinaryCrossEntropy | Loss::Mse => {
                let v = row.first().map_or(0.0, |&v| Real::to_f64(v));
                let p = if self == Loss::Mse { v.clamp(0.0, 1.0) } else { sigmoid(v) };
                if let [p0, p1, ..] = out {
                    (*p0, *p1) = (1.0 - p, p);
                }
            }
            Loss::SoftmaxCrossEntropy => {
                let m = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(Real::to_f64(v)));
                let mut sum = 0.0;
                for (o, &v) in out.iter_mut().zip(row) {
                    *o = (Real::to_f64(v) - m).exp();
                    sum += *o;
                }
                out.iter_mut().for_each(|o| *o /= sum);
            }
        }
    }
}

fn check_finite<T: Real>(t: T) -> Result<(), TrainError> {
    if t.is_finite() {
        Ok(())
    } else {
        Err(TrainError::Setting { name: "target", requirement: "a finite number", value: Real::to_f64(t) })
    }
}

/// A class label stored as a float: a whole number in 0..classes.
fn class_index<T: Real>(t: T, classes: usize) -> Result<usize, TrainError> {
    let v = Real::to_f64(t);
    if v >= 0.0 && v < classes as f64 && v.fract() == 0.0 {
        Ok(v as usize)
    } else {
        Err(TrainError::BadTarget { value: v, classes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn value_and_grad(loss: Loss, y: Array2<f64>, t: Array2<f64>) -> (f64, Array2<f64>) {
        let mut g = Array2::zeros((0, 0));
        let v = loss.forward_backward(y.view(), t.view(), &mut g).unwrap();
        (v, g)
    }

    #[test]
    fn mse_has_the_half_and_the_mean() {
        let (v, g) = value_and_grad(Loss::Mse, array![[1.0, 2.0], [3.0, 0.0]], array![[0.0, 0.0], [1.0, 1.0]]);
        // ½ · (1 + 4 + 4 + 1) / 2
        assert!((v - 2.5).abs() < 1e-12);
        assert_eq!(g, array![[0.5, 1.0], [1.0, -0.5]]);
    }

    #[test]
    fn bce_on_logits_is_stable_and_matches_the_textbook_formula() {
        let (v, g) = value_and_grad(Loss::BinaryCrossEntropy, array![[0.3], [-1.2]], array![[1.0], [0.0]]);
        let p: [f64; 2] = [sigmoid(0.3), sigmoid(-1.2)];
        let expected = (-(p[0].ln()) - (1.0 - p[1]).ln()) / 2.0;
        assert!((v - expected).abs() < 1e-12);
        assert!((g[[0, 0]] - (p[0] - 1.0) / 2.0).abs() < 1e-12);
        // Huge logits: no overflow, no NaN; a confident wrong answer costs about |z|.
        let v = Loss::BinaryCrossEntropy.value(array![[1000.0f32]].view(), array![[0.0f32]].view()).unwrap();
        assert!((v - 1000.0).abs() < 1e-3);
        let v = Loss::BinaryCrossEntropy.value(array![[-1000.0f32]].view(), array![[0.0f32]].view()).unwrap();
        assert_eq!(v, 0.0);
    }

    #[test]
    fn softmax_ce_is_stable_and_its_gradient_is_softmax_minus_onehot() {
        let (v, g) = value_and_grad(Loss::SoftmaxCrossEntropy, array![[1.0, 2.0, 3.0]], array![[2.0]]);
        let s: f64 = [1.0f64, 2.0, 3.0].iter().map(|z| z.exp()).sum();
        assert!((v - (s.ln() - 3.0)).abs() < 1e-12);
        assert!((g[[0, 0]] - 1f64.exp() / s).abs() < 1e-12);
        assert!((g[[0, 2]] - (3f64.exp() / s - 1.0)).abs() < 1e-12);
        let v = Loss::SoftmaxCrossEntropy.value(array![[1000.0f32, -1000.0]].view(), array![[1.0f32]].view()).unwrap();
        assert!((v - 2000.0).abs() < 1e-2);
    }

    #[test]
    fn bad_targets_and_shapes_are_errors() {
        let y = array![[0.5, 0.1]];
        let sce = Loss::SoftmaxCrossEntropy;
        assert!(matches!(sce.value(y.view(), array![[2.0]].view()), Err(TrainError::BadTarget { .. })));
        assert!(matches!(sce.value(y.view(), array![[0.5]].view()), Err(TrainError::BadTarget { .. })));
        assert!(matches!(sce.value(y.view(), array![[1.0, 0.0]].view()), Err(TrainError::Shape(_))));
        let one = array![[0.5]];
        assert!(matches!(sce.value(one.view(), array![[0.0]].view()), Err(TrainError::IncompatibleLoss { .. })));
        let bce = Loss::BinaryCrossEntropy;
        assert!(matches!(bce.value(one.view(), array![[2.0]].view()), Err(TrainError::BadTarget { .. })));
        assert!(matches!(Loss::Mse.value(one.view(), array![[f64::NAN]].view()), Err(TrainError::Setting { .. })));
        let empty = Array2::<f64>::zeros((0, 1));
        assert_eq!(Loss::Mse.value(empty.view(), empty.view()), Ok(0.0));
    }

    #[test]
    fn predicted_classes_and_probabilities() {
        assert_eq!(Loss::BinaryCrossEntropy.predict_class(&[0.1f32]), 1);
        assert_eq!(Loss::BinaryCrossEntropy.predict_class(&[-0.1f32]), 0);
        assert_eq!(Loss::Mse.predict_class(&[0.4f32]), 0);
        assert_eq!(Loss::SoftmaxCrossEntropy.predict_class(&[0.1f32, 2.0, -1.0]), 1);
        let mut p = [0.0; 3];
        Loss::SoftmaxCrossEntropy.probabilities(&[0.0f32, 0.0, 0.0], &mut p);
        assert!(p.iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-12));
        let mut p = [0.0; 2];
        Loss::BinaryCrossEntropy.probabilities(&[0.0f32], &mut p);
        assert_eq!(p, [0.5, 0.5]);
    }
}
