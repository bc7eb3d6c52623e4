//! The experiments on a live training run: a [`Trainer`] is a [`Trainable`], and its network's
//! loss on the whole training set is an [`Objective`] over all its parameters or over two of
//! them with the rest frozen.

use super::{Objective, Trainable};
use crate::train::{featurize, targets, Loss, Network, Status, TrainError, Trainer};
use ndarray::Array2;

impl Trainable for Trainer {
    fn step_with_lr(&mut self, lr: f64) -> Option<f64> {
        self.set_learning_rate(lr).ok()?;
        match self.step_unseen() {
            Status::Ready => self.batch_loss(),
            _ => None,
        }
    }

    fn full_loss(&mut self) -> Option<f64> {
        self.loss_train()
    }
}

/// The loss of a copy (in f64) of a trainer's network on its whole training set, as a function
/// of its parameters — all of them, or two with the others held where they are.
#[derive(Clone, Debug)]
pub struct NetworkObjective {
    net: Network<f64>,
    x: Array2<f64>,
    t: Array2<f64>,
    loss: Loss,
    /// The parameters as they were; the free ones are overwritten on every evaluation.
    base: Vec<f64>,
    /// The two free parameters (indices in `Network::params` order), or all of them.
    free: Option<[usize; 2]>,
    scratch: Vec<f64>,
}

impl NetworkObjective {
    /// Over every parameter of the trainer's network.
    pub fn all(trainer: &Trainer) -> Result<Self, TrainError> {
        Self::build(trainer, None)
    }

    /// Over parameters `i` and `j` (in `Network::params` order), the others frozen.
    pub fn pair(trainer: &Trainer, i: usize, j: usize) -> Result<Self, TrainError> {
        let n = trainer.network().n_params();
        if i >= n || j >= n || i == j {
            return Err(TrainError::Invalid(format!(
                "pick two different parameters between 0 and {}",
                n.saturating_sub(1)
            )));
        }
        Self::build(trainer, Some([i, j]))
    }

    fn build(trainer: &Trainer, free: Option<[usize; 2]>) -> Result<Self, TrainError> {
        let points = trainer.dataset().train();
        if points.is_empty() {
            return Err(TrainError::Invalid("the training set is empty: add some points".into()));
        }
        let x = featurize::<f64>(points, &trainer.config().features);
        let t = targets::<f64>(points);
        let net = trainer.network().convert::<f64>();
        let base = net.params();
        Ok(NetworkObjective { net, x, t, loss: trainer.config().loss, scratch: base.clone(), base, free })
    }

    /// The current point θ in this objective's coordinates.
    pub fn theta(&self) -> Vec<f64> {
        match self.free {
            Some([i, j]) => vec![self.base[i], self.base[j]],
            None => self.base.clone(),
        }
    }

    /// Loads θ into the network (the frozen parameters from `base`).
    fn load(&mut self, theta: &[f64]) -> bool {
        self.scratch.copy_from_slice(&self.base);
        match self.free {
            Some([i, j]) => {
                self.scratch[i] = theta.first().copied().unwrap_or(self.base[i]);
                self.scratch[j] = theta.get(1).copied().unwrap_or(self.base[j]);
            }
            None => {
                for (s, &v) in self.scratch.iter_mut().zip(theta) {
                    *s = v;
                }
            }
        }
        self.net.set_params(&self.scratch).is_ok()
    }
}

impl Objective for NetworkObjective {
    fn dim(&self) -> usize {
        self.free.map_or(self.base.len(), |_| 2)
    }

    fn loss(&mut self, theta: &[f64]) -> f64 {
        if !self.load(theta) {
            return f64::NAN;
        }
        // a forward pass is enough: the gradient is only worked out in `grad`
        match self.net.forward(self.x.view()) {
            Ok(outputs) => self.loss.value(outputs, self.t.view()).unwrap_or(f64::NAN),
            Err(_) => f64::NAN,
        }
    }

    fn grad(&mut self, theta: &[f64], grad: &mut [f64]) {
        let ok = self.load(theta) && self.net.loss_and_grad(self.x.view(), self.t.view(), self.loss).is_ok();
        let all = if ok { self.net.grads() } else { vec![f64::NAN; self.base.len()] };
        match self.free {
            Some([i, j]) => {
                if grad.len() >= 2 {
                    grad[0] = all[i];
                    grad[1] = all[j];
                }
            }
            None => {
                for (g, v) in grad.iter_mut().zip(all) {
                    *g = v;
                }
            }
        }
    }
}
