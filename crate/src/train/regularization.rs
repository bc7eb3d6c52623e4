//! Regularization of the weights (not the biases), added to the data loss:
//!
//! | kind | penalty | its gradient, added to ∂L/∂w |
//! |---|---|---|
//! | `L1` | λ·Σ\|w\| | λ·sign(w) (0 at w = 0) |
//! | `L2` | ½λ·Σw² | λ·w |
//!
//! The trainer adds the gradient before the optimizer's step; the loss plots show the data
//! loss (comparable between the training and test sets) and, with a penalty, the training
//! loss with it as a third line.

use super::{check_range, TrainError};
use crate::tensor::Real;
use serde::{Deserialize, Serialize};

/// The largest rate λ accepted.
pub const MAX_RATE: f64 = 10.0;

/// Which penalty on the weights, at which rate λ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Regularization {
    #[default]
    None,
    L1 {
        rate: f64,
    },
    L2 {
        rate: f64,
    },
}

impl Regularization {
    /// `none`, `l1` or `l2` at `rate`; `None` for another name.
    pub fn named(name: &str, rate: f64) -> Option<Self> {
        match name {
            "none" => Some(Regularization::None),
            "l1" => Some(Regularization::L1 { rate }),
            "l2" => Some(Regularization::L2 { rate }),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Regularization::None => "none",
            Regularization::L1 { .. } => "l1",
            Regularization::L2 { .. } => "l2",
        }
    }

    /// The rate λ (0 for none).
    pub fn rate(&self) -> f64 {
        match *self {
            Regularization::None => 0.0,
            Regularization::L1 { rate } | Regularization::L2 { rate } => rate,
        }
    }

    /// The rate must be finite, from 0 to [`MAX_RATE`].
    pub fn validate(&self) -> Result<(), TrainError> {
        check_range("regularization rate", "a number from 0 to 10", self.rate(), 0.0, MAX_RATE)
    }

    /// The penalty of these weights.
    pub fn penalty<T: Real>(&self, weights: &[T]) -> f64 {
        match *self {
            Regularization::None => 0.0,
            Regularization::L1 { rate } => rate * weights.iter().map(|w| Real::to_f64(*w).abs()).sum::<f64>(),
            Regularization::L2 { rate } => 0.5 * rate * weights.iter().map(|w| Real::to_f64(*w).powi(2)).sum::<f64>(),
        }
    }

    /// Adds the penalty's gradient to the weights' gradients.
    pub fn add_gradient<T: Real>(&self, weights: &[T], grads: &mut [T]) {
        match *self {
            Regularization::None => {}
            Regularization::L1 { rate } => {
                let r = T::from_f64(rate);
                for (g, &w) in grads.iter_mut().zip(weights) {
                    if w != T::zero() {
                        *g = *g + r * w.signum();
                    }
                }
            }
            Regularization::L2 { rate } => {
                let r = T::from_f64(rate);
                for (g, &w) in grads.iter_mut().zip(weights) {
                    *g = *g + r * w;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Each penalty's gradient is its derivative: centred differences on random weights
        /// (away from 0 for L1, where |w| has a kink).
        #[test]
        fn the_penalties_gradients_are_their_derivatives(
            weights in prop::collection::vec(-3.0f64..3.0, 1..12),
            rate in 0.0f64..2.0,
            l1: bool,
        ) {
            let reg = if l1 { Regularization::L1 { rate } } else { Regularization::L2 { rate } };
            let mut grads = vec![0.0; weights.len()];
            reg.add_gradient(&weights, &mut grads);
            let h = 1e-6;
            for i in 0..weights.len() {
                if l1 && weights[i].abs() < 1e-3 {
                    continue;
                }
                let mut up = weights.clone();
                up[i] += h;
                let mut down = weights.clone();
                down[i] -= h;
                let numeric = (reg.penalty(&up) - reg.penalty(&down)) / (2.0 * h);
                prop_assert!((numeric - grads[i]).abs() <= 1e-5 * (1.0 + numeric.abs()), "w{}: {} vs {}", i, numeric, grads[i]);
            }
        }
    }

    #[test]
    fn names_rates_and_limits() {
        assert_eq!(Regularization::L2 { rate: 0.5 }.penalty(&[1.0f64, -2.0]), 1.25);
        assert_eq!(Regularization::L1 { rate: 0.5 }.penalty(&[1.0f64, -2.0]), 1.5);
        assert_eq!(Regularization::None.penalty(&[3.0f64]), 0.0);
        for r in [Regularization::None, Regularization::L1 { rate: 0.1 }, Regularization::L2 { rate: 0.1 }] {
            assert_eq!(Regularization::named(r.name(), r.rate()), Some(r));
        }
        assert!(Regularization::L1 { rate: f64::NAN }.validate().is_err());
        assert!(Regularization::L2 { rate: 11.0 }.validate().is_err());
        assert!(Regularization::L2 { rate: 0.0 }.validate().is_ok());
    }
}
