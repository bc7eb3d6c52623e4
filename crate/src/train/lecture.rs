//! The lecture's two-layer NumPy network, as the lecture writes it: random inputs `x` (N × D_in)
//! and targets `y` (N × D_out) from a normal distribution, weights `w1` (D_in × H) and `w2`
//! (H × D_out) likewise, no biases, a sigmoid hidden layer, the sum of squared errors, plain
//! gradient descent at a fixed rate:
//!
//! ```text
//! h = 1 / (1 + exp(-x.dot(w1)));  y_pred = h.dot(w2)
//! loss = np.square(y_pred - y).sum()
//! grad_y_pred = 2.0 * (y_pred - y)
//! grad_w2 = h.T.dot(grad_y_pred);  grad_h = grad_y_pred.dot(w2.T)
//! grad_w1 = x.T.dot(grad_h * h * (1 - h))
//! w1 -= learning_rate * grad_w1;  w2 -= learning_rate * grad_w2
//! ```
//!
//! Layers far wider than the playground's (D_in = 1000, H = 100), so the products are row
//! axpys over the wide side (which the compiler vectorises) in f32, with the loss summed in f64.
//! Seeded: the same configuration gives the same losses, natively and in wasm.

use crate::tensor::math::exp_f32 as exp;
use crate::tensor::Rng;

/// Examples, inputs, hidden units and outputs at most (each).
pub const MAX_EXAMPLES: usize = 1024;
pub const MAX_INPUTS: usize = 4096;
pub const MAX_HIDDEN: usize = 1024;
pub const MAX_OUTPUTS: usize = 256;
/// Weights at most (D_in·H + H·D_out): 4 M, 16 MB of f32 with as much again for gradients.
pub const MAX_WEIGHTS: usize = 1 << 22;

/// The network's sizes, rate and seed. `Default` is the lecture's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LectureConfig {
    pub examples: usize,
    pub inputs: usize,
    pub hidden: usize,
    pub outputs: usize,
    pub rate: f64,
    pub seed: u64,
}

impl Default for LectureConfig {
    fn default() -> Self {
        LectureConfig { examples: 64, inputs: 1000, hidden: 100, outputs: 10, rate: 1e-4, seed: 1 }
    }
}

impl LectureConfig {
    /// Multiply-adds of one step (forward, grad_w2, grad_h, grad_w1).
    pub fn work_per_step(&self) -> f64 {
        let (n, d, h, o) = (self.examples as f64, self.inputs as f64, self.hidden as f64, self.outputs as f64);
        n * (2.0 * d * h + 3.0 * h * o)
    }

    /// Every size in its range and the rate positive and finite; else what was wrong.
    pub fn check(&self) -> Result<(), String> {
        for (name, v, max) in [
            ("examples", self.examples, MAX_EXAMPLES),
            ("inputs", self.inputs, MAX_INPUTS),
            ("hidden", self.hidden, MAX_HIDDEN),
            ("outputs", self.outputs, MAX_OUTPUTS),
        ] {
            if v == 0 || v > max {
                return Err(format!("{name} must be a whole number from 1 to {max}, not {v}."));
            }
        }
        let weights = self.inputs * self.hidden + self.hidden * self.outputs;
        if weights > MAX_WEIGHTS {
            return Err(format!(
                "inputs × hidden + hidden × outputs must be at most {MAX_WEIGHTS} weights, not {weights}."
            ));
        }
        if !(self.rate.is_finite() && self.rate > 0.0 && self.rate <= 1e3) {
            return Err(format!("rate must be a number above 0 and at most 1000, not {}.", self.rate));
        }
        Ok(())
    }

    /// The matrices of one step, as the lecture names them, with their shapes (rows, columns).
    pub fn shapes(&self) -> Vec<(&'static str, usize, usize)> {
        let (n, d, h, o) = (self.examples, self.inputs, self.hidden, self.outputs);
        vec![
            ("x", n, d),
            ("y", n, o),
            ("w1", d, h),
            ("h", n, h),
            ("w2", h, o),
            ("y_pred", n, o),
            ("grad_y_pred", n, o),
            ("grad_w2", h, o),
            ("grad_h", n, h),
            ("grad_w1", d, h),
        ]
    }
}

/// The network, its data and its buffers (row-major).
#[derive(Clone, Debug)]
pub struct LectureNet {
    config: LectureConfig,
    x: Vec<f32>,
    y: Vec<f32>,
    w1: Vec<f32>,
    w2: Vec<f32>,
    h: Vec<f32>,
    y_pred: Vec<f32>,
    grad_y_pred: Vec<f32>,
    grad_pre: Vec<f32>,
    grad_w1: Vec<f32>,
    grad_w2: Vec<f32>,
    steps: usize,
}

fn normals(rng: &mut Rng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.normal() as f32).collect()
}

/// `out[k] += a * row[k]` for every k (the loop the compiler turns into SIMD).
fn axpy(out: &mut [f32], a: f32, row: &[f32]) {
    for (o, r) in out.iter_mut().zip(row) {
        *o += a * r;
    }
}

impl LectureNet {
    pub fn new(config: LectureConfig) -> Result<LectureNet, String> {
        config.check()?;
        let (n, d, h, o) = (config.examples, config.inputs, config.hidden, config.outputs);
        let mut rng = Rng::new(config.seed);
        let x = normals(&mut rng, n * d);
        let y = normals(&mut rng, n * o);
        let w1 = normals(&mut rng, d * h);
        let w2 = normals(&mut rng, h * o);
        Ok(LectureNet {
            config,
            x,
            y,
            w1,
            w2,
            h: vec![0.0; n * h],
            y_pred: vec![0.0; n * o],
            grad_y_pred: vec![0.0; n * o],
            grad_pre: vec![0.0; n * h],
            grad_w1: vec![0.0; d * h],
            grad_w2: vec![0.0; h * o],
            steps: 0,
        })
    }

    pub fn config(&self) -> &LectureConfig {
        &self.config
    }

    /// Steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// The loss of the weights as they stand (a forward pass; the weights do not change).
    pub fn loss(&mut self) -> f64 {
        self.forward()
    }

    fn forward(&mut self) -> f64 {
        let LectureConfig { examples: n, inputs: d, hidden: hd, outputs: o, .. } = self.config;
        self.h.fill(0.0);
        for i in 0..n {
            let h = &mut self.h[i * hd..(i + 1) * hd];
            for k in 0..d {
                axpy(h, self.x[i * d + k], &self.w1[k * hd..(k + 1) * hd]);
            }
            for v in h.iter_mut() {
                *v = 1.0 / (1.0 + exp(-*v));
            }
        }
        let mut loss = 0.0f64;
        self.y_pred.fill(0.0);
        for i in 0..n {
            let yp = &mut self.y_pred[i * o..(i + 1) * o];
            for j in 0..hd {
                axpy(yp, self.h[i * hd + j], &self.w2[j * o..(j + 1) * o]);
            }
            for (c, (p, t)) in yp.iter().zip(&self.y[i * o..(i + 1) * o]).enumerate() {
                let e = p - t;
                loss += f64::from(e) * f64::from(e);
                self.grad_y_pred[i * o + c] = 2.0 * e;
            }
        }
        loss
    }

    /// One step of the lecture's loop: the forward pass, the gradients, the update. Returns the
    /// loss before the update (what the lecture prints as `t, loss`).
    pub fn step(&mut self) -> f64 {
        let loss = self.forward();
        let LectureConfig { examples: n, inputs: d, hidden: hd, outputs: o, rate, .. } = self.config;
        // grad_w2 = hᵀ · grad_y_pred; grad_h = grad_y_pred · w2ᵀ, times h(1 − h)
        self.grad_w2.fill(0.0);
        for i in 0..n {
            let g = &self.grad_y_pred[i * o..(i + 1) * o];
            for j in 0..hd {
                axpy(&mut self.grad_w2[j * o..(j + 1) * o], self.h[i * hd + j], g);
                let w = &self.w2[j * o..(j + 1) * o];
                let grad_h: f32 = g.iter().zip(w).map(|(a, b)| a * b).sum();
                let hv = self.h[i * hd + j];
                self.grad_pre[i * hd + j] = grad_h * hv * (1.0 - hv);
            }
        }
        // grad_w1 = xᵀ · (grad_h ⊙ h(1 − h))
        self.grad_w1.fill(0.0);
        for i in 0..n {
            let g = &self.grad_pre[i * hd..(i + 1) * hd];
            for k in 0..d {
                axpy(&mut self.grad_w1[k * hd..(k + 1) * hd], self.x[i * d + k], g);
            }
        }
        let r = rate as f32;
        for (w, g) in self.w1.iter_mut().zip(&self.grad_w1).chain(self.w2.iter_mut().zip(&self.grad_w2)) {
            *w -= r * g;
        }
        self.steps += 1;
        loss
    }

    /// `steps` steps, each one's loss (before its update) pushed onto `losses`.
    pub fn train(&mut self, steps: usize, losses: &mut Vec<f64>) {
        losses.reserve(steps);
        for _ in 0..steps {
            losses.push(self.step());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> LectureConfig {
        LectureConfig { examples: 3, inputs: 4, hidden: 5, outputs: 2, rate: 1e-2, seed: 7 }
    }

    /// The loss as a function of every weight, in f64, for centred differences.
    fn loss_of(net: &LectureNet, w1: &[f64], w2: &[f64]) -> f64 {
        let LectureConfig { examples: n, inputs: d, hidden: hd, outputs: o, .. } = net.config;
        let mut loss = 0.0;
        for i in 0..n {
            let h: Vec<f64> = (0..hd)
                .map(|j| {
                    let z: f64 = (0..d).map(|k| f64::from(net.x[i * d + k]) * w1[k * hd + j]).sum();
                    1.0 / (1.0 + (-z).exp())
                })
                .collect();
            for c in 0..o {
                let p: f64 = (0..hd).map(|j| h[j] * w2[j * o + c]).sum();
                loss += (p - f64::from(net.y[i * o + c])).powi(2);
            }
        }
        loss
    }

    #[test]
    fn gradients_match_centred_differences_and_the_update_is_rate_times_gradient() {
        let mut net = LectureNet::new(small()).unwrap();
        let w1: Vec<f64> = net.w1.iter().map(|&v| f64::from(v)).collect();
        let w2: Vec<f64> = net.w2.iter().map(|&v| f64::from(v)).collect();
        let before = (net.w1.clone(), net.w2.clone());
        let loss = net.step();
        assert!((loss - loss_of(&net, &w1, &w2)).abs() < 1e-4 * loss.max(1.0), "the loss is the sum of squares");
        let h = 1e-5;
        for (which, grads) in [(0, &net.grad_w1), (1, &net.grad_w2)] {
            for (k, g) in grads.iter().enumerate() {
                let (mut a, mut b) = (w1.clone(), w2.clone());
                let (mut c, mut d) = (w1.clone(), w2.clone());
                if which == 0 {
                    a[k] += h;
                    c[k] -= h;
                } else {
                    b[k] += h;
                    d[k] -= h;
                }
                let numeric = (loss_of(&net, &a, &b) - loss_of(&net, &c, &d)) / (2.0 * h);
                assert!(
                    (f64::from(*g) - numeric).abs() <= 1e-3 * numeric.abs().max(1.0),
                    "{which}/{k}: {g} vs {numeric}"
                );
            }
        }
        for (w, (b, g)) in net.w1.iter().zip(before.0.iter().zip(&net.grad_w1)) {
            assert!((w - (b - 1e-2 * g)).abs() < 1e-6);
        }
        assert_eq!(net.steps(), 1);
    }

    #[test]
    fn the_lectures_network_learns_over_two_thousand_steps_and_is_seeded() {
        let config = LectureConfig::default();
        assert_eq!(config.work_per_step(), 64.0 * (2.0 * 1000.0 * 100.0 + 3.0 * 100.0 * 10.0));
        let mut net = LectureNet::new(config).unwrap();
        let mut losses = vec![];
        net.train(2000, &mut losses);
        assert_eq!(losses.len(), 2000);
        assert!(losses.iter().all(|l| l.is_finite()));
        // seed 1: from 32,928 to 4.9
        assert!(losses[1999] < losses[0] / 1000.0, "from {} to {}", losses[0], losses[1999]);
        let mut again = LectureNet::new(config).unwrap();
        let mut first = vec![];
        again.train(3, &mut first);
        assert_eq!(first, losses[..3]);
    }

    #[test]
    fn sizes_and_rates_out_of_range_are_refused_with_their_names() {
        for (cfg, says) in [
            (LectureConfig { examples: 0, ..small() }, "examples must be a whole number from 1 to 1024, not 0."),
            (LectureConfig { inputs: 4097, ..small() }, "inputs must be"),
            (LectureConfig { hidden: 1025, ..small() }, "hidden must be"),
            (LectureConfig { outputs: 257, ..small() }, "outputs must be"),
            (LectureConfig { inputs: 4096, hidden: 1024, outputs: 256, ..small() }, "weights"),
            (LectureConfig { rate: f64::NAN, ..small() }, "rate must be"),
            (LectureConfig { rate: 0.0, ..small() }, "rate must be"),
        ] {
            let e = LectureNet::new(cfg).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
        let shapes = LectureConfig::default().shapes();
        assert!(shapes.contains(&("w1", 1000, 100)) && shapes.contains(&("grad_h", 64, 100)));
    }
}
