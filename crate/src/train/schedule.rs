//! Learning-rate schedules: the rate α used at each step, from the base rate α₀.
//!
//! | schedule | α at step s (counted from 0) |
//! |---|---|
//! | `Constant` | α₀ |
//! | `StepDecay { every, factor }` | α₀ · factor^⌊s / every⌋ |
//! | `Exponential { gamma }` | α₀ · γ^s |
//! | `WarmupLinear { warmup, total, min_lr }` | α₀·s/warmup while s < warmup, then a straight line from α₀ down to min_lr at s = total, then min_lr |
//! | `WarmupCosine { warmup, total, min_lr }` | the same warm-up, then min_lr + (α₀ − min_lr)·½(1 + cos(π·p)) with p = (s − warmup)/(total − warmup), then min_lr |
//!
//! The warm-up starts from 0: the very first step (s = 0) has α = 0.

use super::{check_positive, check_range, TrainError};
use serde::{Deserialize, Serialize};

/// How the learning rate changes with the step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    #[default]
    Constant,
    /// Multiply by `factor` every `every` steps.
    StepDecay { every: usize, factor: f64 },
    /// Multiply by `gamma` every step.
    Exponential { gamma: f64 },
    /// Linear warm-up, then cosine decay to `min_lr` at step `total`.
    WarmupCosine { warmup: usize, total: usize, min_lr: f64 },
    /// Linear warm-up, then linear decay to `min_lr` at step `total`.
    WarmupLinear { warmup: usize, total: usize, min_lr: f64 },
}

impl Schedule {
    /// Checks the parameters: `every` ≥ 1, factor and γ in (0, 1] … (0, 10], min_lr ≥ 0,
    /// `warmup` ≤ `total`.
    pub fn validate(&self) -> Result<(), TrainError> {
        match *self {
            Schedule::Constant => Ok(()),
            Schedule::StepDecay { every, factor } => {
                if every == 0 {
                    return Err(TrainError::Setting {
                        name: "decay interval",
                        requirement: "at least 1 step",
                        value: 0.0,
                    });
                }
                check_positive("decay factor", factor)?;
                check_range("decay factor", "a number from 0 to 10", factor, 0.0, 10.0)
            }
            Schedule::Exponential { gamma } => {
                check_positive("decay rate γ", gamma)?;
                check_range("decay rate γ", "a number from 0 to 10", gamma, 0.0, 10.0)
            }
            Schedule::WarmupCosine { warmup, total, min_lr } | Schedule::WarmupLinear { warmup, total, min_lr } => {
                check_range("minimum learning rate", "a finite number ≥ 0", min_lr, 0.0, f64::MAX)?;
                if warmup > total {
                    return Err(TrainError::Setting {
                        name: "number of warm-up steps",
                        requirement: "at most the total number of steps",
                        value: warmup as f64,
                    });
                }
                Ok(())
            }
        }
    }

    /// The learning rate at `step` (0 for the first step) for base rate `base`. Never NaN for
    /// finite settings; an invalid schedule (see `validate`) may give any value.
    pub fn lr(&self, base: f64, step: usize) -> f64 {
        let s = step as f64;
        match *self {
            Schedule::Constant => base,
            Schedule::StepDecay { every, factor } => base * factor.powf((step / every.max(1)) as f64),
            Schedule::Exponential { gamma } => base * gamma.powf(s),
            Schedule::WarmupCosine { warmup, total, min_lr } | Schedule::WarmupLinear { warmup, total, min_lr } => {
                if step < warmup {
                    return base * s / warmup as f64;
                }
                if step >= total {
                    return min_lr;
                }
                let p = (step - warmup) as f64 / (total - warmup) as f64;
                let shape = match self {
                    Schedule::WarmupCosine { .. } => 0.5 * (1.0 + (std::f64::consts::PI * p).cos()),
                    _ => 1.0 - p,
                };
                min_lr + (base - min_lr) * shape
            }
        }
    }

    /// `n` points (step, rate) evenly spread over steps 0 to `steps` (both ends included),
    /// for plotting. No points for `n` = 0; just step 0 for `n` = 1.
    pub fn sample(&self, base: f64, steps: usize, n: usize) -> Vec<(usize, f64)> {
        let last = n.saturating_sub(1).max(1);
        let mut out: Vec<(usize, f64)> = Vec::with_capacity(n);
        for i in 0..n {
            let step = ((i as f64 / last as f64) * steps as f64).round() as usize;
            if out.last().is_some_and(|&(s, _)| s == step) {
                continue; // fewer steps than points: each step once
            }
            out.push((step, self.lr(base, step)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn values_at_chosen_steps() {
        assert_eq!(Schedule::Constant.lr(0.1, 1000), 0.1);

        let step = Schedule::StepDecay { every: 10, factor: 0.5 };
        assert_eq!([0, 9, 10, 25].map(|s| step.lr(1.0, s)), [1.0, 1.0, 0.5, 0.25]);

        let exp = Schedule::Exponential { gamma: 0.9 };
        assert!(close(exp.lr(2.0, 0), 2.0));
        assert!(close(exp.lr(2.0, 2), 2.0 * 0.81));

        let cos = Schedule::WarmupCosine { warmup: 10, total: 110, min_lr: 0.01 };
        assert_eq!(cos.lr(1.0, 0), 0.0, "warm-up starts from 0");
        assert!(close(cos.lr(1.0, 5), 0.5));
        assert!(close(cos.lr(1.0, 10), 1.0), "warm-up ends at the base rate");
        assert!(close(cos.lr(1.0, 60), 0.01 + 0.99 * 0.5), "half way down the cosine");
        assert!(close(cos.lr(1.0, 110), 0.01), "cosine hits min_lr at total");
        assert!(close(cos.lr(1.0, 5000), 0.01));
        // Monotone decay after the warm-up.
        let rates: Vec<f64> = (10..=110).map(|s| cos.lr(1.0, s)).collect();
        assert!(rates.windows(2).all(|w| w[1] <= w[0]));

        let lin = Schedule::WarmupLinear { warmup: 4, total: 14, min_lr: 0.0 };
        assert!(close(lin.lr(0.2, 2), 0.1));
        assert!(close(lin.lr(0.2, 9), 0.1));
        assert!(close(lin.lr(0.2, 14), 0.0));
        // No warm-up at all.
        let none = Schedule::WarmupLinear { warmup: 0, total: 10, min_lr: 0.0 };
        assert!(close(none.lr(1.0, 0), 1.0));
    }

    #[test]
    fn sample_for_plotting() {
        let s = Schedule::Exponential { gamma: 0.5 };
        assert_eq!(s.sample(1.0, 4, 5), vec![(0, 1.0), (1, 0.5), (2, 0.25), (3, 0.125), (4, 0.0625)]);
        assert!(s.sample(1.0, 100, 0).is_empty());
        assert_eq!(s.sample(1.0, 100, 1), vec![(0, 1.0)]);
        assert_eq!(s.sample(1.0, 2, 10).len(), 3);
        assert_eq!(s.sample(1.0, 100, 11).last(), Some(&(100, 0.5f64.powi(100))));
    }

    #[test]
    fn bad_settings_are_errors() {
        assert!(Schedule::StepDecay { every: 0, factor: 0.5 }.validate().is_err());
        assert!(Schedule::StepDecay { every: 3, factor: f64::NAN }.validate().is_err());
        assert!(Schedule::Exponential { gamma: -1.0 }.validate().is_err());
        assert!(Schedule::WarmupCosine { warmup: 20, total: 10, min_lr: 0.0 }.validate().is_err());
        assert!(Schedule::WarmupLinear { warmup: 2, total: 10, min_lr: -1.0 }.validate().is_err());
        assert!(Schedule::WarmupCosine { warmup: 10, total: 10, min_lr: 0.0 }.validate().is_ok());
        // Even invalid settings give no panic.
        assert_eq!(Schedule::StepDecay { every: 0, factor: 0.5 }.lr(1.0, 3), 0.125);
    }
}
