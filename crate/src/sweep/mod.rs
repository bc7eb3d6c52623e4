//! Learning-rate and step-size experiments.
//!
//! Everything here is written against two small abstractions, so it is tested on toy problems
//! and reused for live networks:
//! - [`Trainable`]: something that takes one optimisation step at a given learning rate and
//!   reports its loss (a training run; `Clone` gives the same initial weights and data order);
//! - [`Objective`]: a loss over a parameter vector with its gradient (a function to probe).
//!
//! Long experiments ([`LrSweep`], [`RangeTest`]) advance in chunks: `advance(budget)` does at
//! most `budget` optimisation steps and returns the progress, so a page can keep drawing,
//! show a progress bar and cancel (by dropping the experiment).

pub mod live;
pub mod surface;

use crate::train::exploded;

pub use surface::{
    auto_range, descent_path, loss_grid, optimizer_path, step_parts, Bowl, DescentPath, ExprSurface, Grid2, PolyFit,
    StepParts, SurfacePreset, SURFACES,
};

/// A training run the experiments can drive.
pub trait Trainable: Clone {
    /// One optimisation step at learning rate `lr`; returns the loss measured at that step
    /// (the mini-batch loss before the update), or `None` once the run has diverged.
    fn step_with_lr(&mut self, lr: f64) -> Option<f64>;

    /// The loss on the whole training set, where the run can measure it (mini-batch losses
    /// are noisy; a sweep reports this at the end of each run). `None` by default.
    fn full_loss(&mut self) -> Option<f64> {
        None
    }
}

/// A loss over parameters `θ`, with its gradient.
pub trait Objective {
    fn dim(&self) -> usize;
    fn loss(&mut self, theta: &[f64]) -> f64;
    /// Writes ∇L(θ) into `grad` (length `dim()`).
    fn grad(&mut self, theta: &[f64], grad: &mut [f64]);
}

/// How far a chunked experiment has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

impl Progress {
    pub fn finished(&self) -> bool {
        self.done >= self.total
    }
}

/// `n` learning rates spaced evenly in log scale from `lo` to `hi` (both included).
/// Returns an empty list for `n == 0` or for bounds that are not positive and finite.
pub fn log_space(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if n == 0 || !(lo > 0.0 && hi > 0.0 && lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    if n == 1 {
        return vec![lo];
    }
    let (a, b) = (lo.ln(), hi.ln());
    (0..n).map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp()).collect()
}

/// One learning rate's run in a sweep.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RateRun {
    pub lr: f64,
    /// Loss at each step (shorter than the sweep's steps if it diverged).
    pub losses: Vec<f64>,
    /// The step at which it diverged, if it did.
    pub diverged_at: Option<usize>,
    /// The loss on the whole training set after the last step, where the run measures it.
    pub full_loss: Option<f64>,
}

impl RateRun {
    /// The loss at the end: on the whole training set if measured, else the last step's
    /// (∞ when diverged or empty).
    pub fn final_loss(&self) -> f64 {
        match (self.diverged_at, self.full_loss, self.losses.last()) {
            (Some(_), _, _) | (None, None, None) => f64::INFINITY,
            (None, Some(l), _) | (None, None, Some(&l)) => l,
        }
    }

    /// The smallest loss seen.
    pub fn min_loss(&self) -> f64 {
        self.losses.iter().copied().filter(|l| l.is_finite()).fold(f64::INFINITY, f64::min)
    }

    /// Whether the run finished (without diverging) with a loss above `start`, the loss before
    /// training: the rate is too large even though nothing blew up (with cross-entropy the
    /// loss grows only linearly in the logits, so it can thrash for ever below any threshold).
    pub fn ended_worse(&self, start: f64) -> bool {
        self.diverged_at.is_none() && self.full_loss.or(self.losses.last().copied()).is_some_and(|l| l > start)
    }
}

/// The learning-rate sweep: K rates, all from the same start (a clone of `base`), S steps each.
/// Gives loss against learning rate (final and minimum) and the rate × step grid of losses.
#[derive(Clone, Debug)]
pub struct LrSweep<T: Trainable> {
    base: T,
    rates: Vec<f64>,
    steps: usize,
    /// The loss on the whole training set before any step (the same start for every rate).
    start_loss: Option<f64>,
    runs: Vec<RateRun>,
    /// The run in progress: its index in `rates` and its trainer.
    current: Option<(usize, T)>,
}

impl<T: Trainable> LrSweep<T> {
    pub fn new(base: T, rates: Vec<f64>, steps: usize) -> Self {
        let start_loss = base.clone().full_loss();
        LrSweep { base, rates, steps, start_loss, runs: Vec::new(), current: None }
    }

    /// The loss on the whole training set before training, where the runs measure it: every
    /// rate starts there, so a run that ends above it made things worse.
    pub fn start_loss(&self) -> Option<f64> {
        self.start_loss
    }

    /// Steps done out of all (a diverged run counts as complete).
    pub fn progress(&self) -> Progress {
        let total = self.rates.len() * self.steps;
        let current = self.current.as_ref().map(|c| c.0);
        let done: usize = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| if current == Some(i) { r.losses.len() } else { self.steps })
            .sum();
        Progress { done: done.min(total), total }
    }

    /// Does up to `budget` steps (a diverged run ends at once and counts its remaining steps as
    /// done). Returns the progress after it.
    pub fn advance(&mut self, budget: usize) -> Progress {
        let mut left = budget;
        while left > 0 {
            let (i, mut trainer) = match self.current.take() {
                Some(c) => c,
                None => {
                    let i = self.runs.len();
                    let Some(&lr) = self.rates.get(i) else { break };
                    self.runs.push(RateRun {
                        lr,
                        losses: Vec::with_capacity(self.steps),
                        diverged_at: None,
                        full_loss: None,
                    });
                    (i, self.base.clone())
                }
            };
            let run = &mut self.runs[i];
            let mut finished = false;
            while left > 0 && run.losses.len() < self.steps {
                left -= 1;
                let first = run.losses.first().copied();
                match trainer.step_with_lr(run.lr) {
                    // the trainer's own rule (a `Trainable` need not apply it itself)
                    Some(l) if !exploded(first.unwrap_or(l), l) => run.losses.push(l),
                    _ => {
                        run.diverged_at = Some(run.losses.len());
                        finished = true;
                        break;
                    }
                }
            }
            if run.losses.len() >= self.steps {
                finished = true;
                run.full_loss = trainer.full_loss();
            }
            if !finished {
                self.current = Some((i, trainer));
            }
        }
        self.progress()
    }

    /// The runs so far (the last one may be in progress).
    pub fn runs(&self) -> &[RateRun] {
        &self.runs
    }

    pub fn rates(&self) -> &[f64] {
        &self.rates
    }

    /// The rate with the lowest final loss among the runs that did not diverge.
    pub fn best(&self) -> Option<&RateRun> {
        self.runs.iter().filter(|r| r.diverged_at.is_none()).min_by(|a, b| a.final_loss().total_cmp(&b.final_loss()))
    }
}

/// The learning-rate range test (fastai's `lr_find`): one run in which the rate grows
/// exponentially each step from `lo` to `hi`; records the smoothed loss, stops when it
/// diverges, and suggests a rate.
#[derive(Clone, Debug)]
pub struct RangeTest<T: Trainable> {
    trainer: T,
    lo: f64,
    hi: f64,
    steps: usize,
    /// (lr, raw loss, smoothed loss) at each step taken.
    pub points: Vec<(f64, f64, f64)>,
    avg: f64,
    best: f64,
    pub stopped_at: Option<usize>,
}

/// Smoothing of the range test's loss (an exponential moving average, bias-corrected).
pub const RANGE_TEST_BETA: f64 = 0.98;

impl<T: Trainable> RangeTest<T> {
    pub fn new(trainer: T, lo: f64, hi: f64, steps: usize) -> Self {
        RangeTest { trainer, lo, hi, steps, points: Vec::new(), avg: 0.0, best: f64::INFINITY, stopped_at: None }
    }

    /// The rate at step `i`: lo·(hi/lo)^(i/(steps−1)).
    pub fn lr_at(&self, i: usize) -> f64 {
        if self.steps <= 1 {
            return self.lo;
        }
        self.lo * (self.hi / self.lo).powf(i as f64 / (self.steps - 1) as f64)
    }

    pub fn progress(&self) -> Progress {
        let done = if self.stopped_at.is_some() { self.steps } else { self.points.len() };
        Progress { done, total: self.steps }
    }

    pub fn advance(&mut self, budget: usize) -> Progress {
        for _ in 0..budget {
            let i = self.points.len();
            if i >= self.steps || self.stopped_at.is_some() {
                break;
            }
            let lr = self.lr_at(i);
            match self.trainer.step_with_lr(lr) {
                Some(l) if l.is_finite() => {
                    self.avg = RANGE_TEST_BETA * self.avg + (1.0 - RANGE_TEST_BETA) * l;
                    let smooth = self.avg / (1.0 - RANGE_TEST_BETA.powi(i as i32 + 1));
                    self.points.push((lr, l, smooth));
                    self.best = self.best.min(smooth);
                    if i > 0 && smooth > 4.0 * self.best {
                        self.stopped_at = Some(i);
                    }
                }
                _ => self.stopped_at = Some(i),
            }
        }
        self.progress()
    }

    /// The suggested rate: where the smoothed loss falls fastest against log(lr) before its
    /// minimum, measured over a window of a fifteenth of the points (skipping the first tenth,
    /// where the average is still warming up); if that
    /// stretch is too short, a tenth of the rate at the minimum (fastai's rule of thumb).
    /// `None` with fewer than 3 points.
    pub fn suggestion(&self) -> Option<f64> {
        let pts = &self.points;
        if pts.len() < 3 {
            return None;
        }
        // slopes over a window of ±w points, so that mini-batch noise does not pass for a descent;
        // the first tenth is skipped, for the slopes and the minimum alike
        let w = (pts.len() / 15).max(1);
        let skip = (pts.len() / 10).max(w).min(pts.len() - 1);
        let min_i = (skip..pts.len()).min_by(|&a, &b| pts[a].2.total_cmp(&pts[b].2))?;
        let steepest = (skip..min_i.min(pts.len().saturating_sub(w)))
            .map(|i| (i, (pts[i + w].2 - pts[i - w].2) / (pts[i + w].0.ln() - pts[i - w].0.ln())))
            .filter(|(_, s)| s.is_finite() && *s < 0.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| pts[i].0);
        steepest.or(Some(pts[min_i].0 / 10.0))
    }
}

/// The loss along the negative gradient: L(θ − η·g) for each η, from θ with gradient g.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StepProfile {
    /// The loss at θ itself (η = 0).
    pub start: f64,
    /// (η, L(θ − η·g)) for each η asked for.
    pub points: Vec<(f64, f64)>,
    /// The η with the lowest loss.
    pub best: Option<f64>,
    /// The smallest η whose step ends above the starting loss: the step overshoots.
    pub overshoot: Option<f64>,
}

/// The loss along −∇L from θ: `at(η)` = L(θ − η·g), with g = ∇L(θ) and `start` = L(θ).
struct Line<'a> {
    obj: &'a mut dyn Objective,
    theta: &'a [f64],
    g: Vec<f64>,
    probe: Vec<f64>,
    start: f64,
}

impl<'a> Line<'a> {
    fn new(obj: &'a mut dyn Objective, theta: &'a [f64]) -> Self {
        let mut g = vec![0.0; obj.dim()];
        obj.grad(theta, &mut g);
        let start = obj.loss(theta);
        Line { obj, theta, g, probe: theta.to_vec(), start }
    }

    fn at(&mut self, eta: f64) -> f64 {
        for ((p, &t), &g) in self.probe.iter_mut().zip(self.theta).zip(&self.g) {
            *p = t - eta * g;
        }
        self.obj.loss(&self.probe)
    }

    /// Whether a step that ends at `loss` overshoots: above the start, or not a number.
    fn overshoots(&self, loss: f64) -> bool {
        loss.is_nan() || loss > self.start
    }
}

/// Probes the loss along −∇L at θ for the step sizes `etas` (ascending).
pub fn step_profile(obj: &mut dyn Objective, theta: &[f64], etas: &[f64]) -> StepProfile {
    let mut line = Line::new(obj, theta);
    let points: Vec<(f64, f64)> = etas.iter().map(|&eta| (eta, line.at(eta))).collect();
    let best = points.iter().filter(|p| p.1.is_finite()).min_by(|a, b| a.1.total_cmp(&b.1)).map(|p| p.0);
    let overshoot = points.iter().find(|p| p.0 > 0.0 && line.overshoots(p.1)).map(|p| p.0);
    StepProfile { start: line.start, points, best, overshoot }
}

/// How far a step along −∇L from θ must go to overshoot: the first of `candidates`
/// (ascending) whose step ends above the loss at θ (or is not a number), else the last. A
/// page probes up to it, so the profile shows the whole valley; with a small gradient (late in
/// training) that can take steps far larger than any learning rate used.
pub fn overshooting_step(obj: &mut dyn Objective, theta: &[f64], candidates: &[f64]) -> Option<f64> {
    let mut line = Line::new(obj, theta);
    candidates
        .iter()
        .copied()
        .find(|&eta| {
            let loss = line.at(eta);
            line.overshoots(loss)
        })
        .or(candidates.last().copied())
}

#[cfg(test)]
mod tests;
