//! The JavaScript API's checks and work, in plain Rust: every entry point of the training API
//! takes its numbers as `f64` (as JavaScript has them), checks each one — finite, whole where
//! a count is meant, in its range — and only then does the work, which each limit below
//! bounds in time and memory. `web::shell::api` only turns JS values into these arguments; the
//! fuzzer (`crate/examples/fuzz.rs`) calls the same functions with hostile numbers.
//!
//! A refused argument gives an [`ArgError`] naming the call, the argument, the value and what
//! is allowed; nothing is changed by a call that is refused, so the object stays usable.

use crate::sweep::{self, live::NetworkObjective, DescentPath, Grid2, LrSweep, Objective, Progress, RangeTest};
use crate::train::{Schedule, Status, TrainError, Trainer};

/// Steps one `train`, `advance` or element `step` call may take.
pub const MAX_STEPS_PER_CALL: usize = 1_000_000;
/// Work one call may do, in weight × example products (steps × batch size × weights): about
/// two seconds of the slowest network, so no argument can freeze a page for longer.
pub const MAX_WORK_PER_CALL: f64 = 2e9;
/// Rates in one sweep.
pub const MAX_SWEEP_RATES: usize = 100;
/// Steps per rate in a sweep, and steps of a range test.
pub const MAX_SWEEP_STEPS: usize = 100_000;
/// Losses a sweep keeps (rates × steps; 8 bytes each: 16 MB).
pub const MAX_SWEEP_LOSSES: usize = 2_000_000;
/// Points of a schedule preview, and the step it may reach.
pub const MAX_PREVIEW_POINTS: usize = 10_000;
pub const MAX_PREVIEW_STEPS: usize = 1_000_000_000;
/// Step sizes in one step profile.
pub const MAX_ETAS: usize = 1_000;
/// Points per side of a loss-surface grid (a two-parameter problem; a live network's two
/// weights), and steps of its descent path.
pub const MAX_SURFACE_GRID: usize = 400;
pub const MAX_NETWORK_GRID: usize = 200;
pub const MAX_SURFACE_STEPS: usize = 100_000;
pub const MAX_NETWORK_STEPS: usize = 10_000;
/// Largest magnitude of a coordinate, rate or radius given to the API (beyond it, squares
/// overflow and nothing meaningful is drawn).
pub const MAX_MAGNITUDE: f64 = 1e6;

/// A refused argument: "call: what was wrong; what is allowed".
#[derive(Clone, Debug, PartialEq)]
pub struct ArgError(pub String);

impl std::fmt::Display for ArgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArgError {}

type Res<T> = Result<T, ArgError>;

fn refuse<T>(call: &str, text: impl std::fmt::Display) -> Res<T> {
    Err(ArgError(format!("{call}: {text}")))
}

/// A core error, said as the call's.
fn core(call: &str) -> impl Fn(TrainError) -> ArgError + '_ {
    move |e| ArgError(format!("{call}: {e}"))
}

/// A number as JavaScript writes it: NaN, Infinity, -Infinity, -0, 1e+21…
pub fn show(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if v == 0.0 && v.is_sign_negative() {
        "-0".into()
    } else if v.abs() >= 1e21 || (v != 0.0 && v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// `1000000` as `1,000,000`.
pub fn grouped(n: usize) -> String {
    grouped_u64(n as u64)
}

/// [`grouped`] for counts past a 32-bit `usize` (wasm's).
pub fn grouped_u64(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count: a whole number from `lo` to `hi`.
pub fn whole(call: &str, name: &str, v: f64, lo: usize, hi: usize) -> Res<usize> {
    if v.is_finite() && v.fract() == 0.0 && v >= lo as f64 && v <= hi as f64 {
        Ok(v as usize)
    } else {
        refuse(call, format!("{name} must be a whole number from {} to {}; got {}", grouped(lo), grouped(hi), show(v)))
    }
}

/// A finite number from `lo` to `hi`.
pub fn within(call: &str, name: &str, v: f64, lo: f64, hi: f64) -> Res<f64> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        refuse(call, format!("{name} must be a number from {} to {}; got {}", show(lo), show(hi), show(v)))
    }
}

/// A coordinate or size: finite, at most [`MAX_MAGNITUDE`] across.
pub fn coordinate(call: &str, name: &str, v: f64) -> Res<f64> {
    within(call, name, v, -MAX_MAGNITUDE, MAX_MAGNITUDE)
}

/// A range `lo < hi`, both coordinates.
fn range(call: &str, names: (&str, &str), lo: f64, hi: f64) -> Res<(f64, f64)> {
    let (lo, hi) = (coordinate(call, names.0, lo)?, coordinate(call, names.1, hi)?);
    if lo < hi {
        Ok((lo, hi))
    } else {
        refuse(call, format!("{} must be below {}; got {} and {}", names.0, names.1, show(lo), show(hi)))
    }
}

/// A positive rate from `lo` to `hi`.
fn rate(call: &str, name: &str, v: f64, lo: f64, hi: f64) -> Res<f64> {
    if v.is_finite() && v >= lo && v <= hi && v > 0.0 {
        Ok(v)
    } else {
        refuse(call, format!("{name} must be a rate from {} to {}; got {}", show(lo), show(hi), show(v)))
    }
}

/// The lowest and highest learning rate an experiment may ask for.
pub const MIN_RATE: f64 = 1e-8;
pub const MAX_RATE: f64 = 1e3;

/// Refuses training on an empty training set (all its points removed).
fn has_data(call: &str, t: &Trainer) -> Res<()> {
    if t.dataset().train().is_empty() {
        refuse(call, "the training set is empty: add points (addPoint) or choose a larger training share")
    } else {
        Ok(())
    }
}

/// Weight × example products of one step of `t`.
pub fn step_cost(t: &Trainer) -> f64 {
    let examples = t.config().batch_size.min(t.dataset().train().len()).max(1);
    examples as f64 * t.network().n_params().max(1) as f64
}

/// Refuses `steps` steps of `cost` each when they are more work than a call may do.
fn bounded_work(call: &str, steps: usize, cost: f64) -> Res<()> {
    if steps as f64 * cost <= MAX_WORK_PER_CALL {
        return Ok(());
    }
    let most = (MAX_WORK_PER_CALL / cost).floor().max(1.0) as usize;
    refuse(
        call,
        format!(
            "{} steps of this network ({} weight × example products each) are more than one call may do; \
             at most {} steps per call here: call again for more",
            grouped(steps),
            grouped(cost as usize),
            grouped(most)
        ),
    )
}

// ---- Trainer ------------------------------------------------------------------------------

/// `train(steps)`: up to `steps` steps.
pub fn train(t: &mut Trainer, steps: f64) -> Res<Status> {
    let call = "train(steps)";
    let steps = whole(call, "steps", steps, 0, MAX_STEPS_PER_CALL)?;
    has_data(call, t)?;
    bounded_work(call, steps, step_cost(t))?;
    Ok(t.train(steps))
}

/// Steps one `step(n)` of an element or an iframe's command may take.
pub const MAX_ELEMENT_STEPS: usize = 100_000;

/// `step(n)` of a figure: `n` from 1 to [`MAX_ELEMENT_STEPS`] (a missing `n` is 1), and on a
/// training view no more work than a call may do.
pub fn element_steps(t: Option<&Trainer>, n: Option<f64>) -> Res<usize> {
    let call = "step(n)";
    let n = whole(call, "n", n.unwrap_or(1.0), 1, MAX_ELEMENT_STEPS)?;
    if let Some(t) = t {
        has_data(call, t)?;
        bounded_work(call, n, step_cost(t))?;
    }
    Ok(n)
}

/// A training point's index.
pub fn example_index(call: &str, t: &Trainer, index: f64) -> Res<usize> {
    let n = t.dataset().train().len();
    if n == 0 {
        return refuse(call, "the training set is empty");
    }
    whole(call, "index", index, 0, n - 1)
}

/// `exampleSource(index)`: training point `index` written as an expression.
pub fn example_source(t: &Trainer, index: f64) -> Res<String> {
    let call = "exampleSource(index)";
    let index = example_index(call, t, index)?;
    t.example_source(index).map_err(core(call))
}

/// `exampleGradients(index)`: backprop on training point `index` through the scalar graph of
/// gates, every weight and bias as `(name, gradient)`.
pub fn example_gradients(t: &Trainer, index: f64) -> Res<Vec<(String, f64)>> {
    let call = "exampleGradients(index)";
    let index = example_index(call, t, index)?;
    let (mut g, params) = t.example_graph(index).map_err(core(call))?;
    g.backward();
    Ok(params.iter().map(|&id| (g.label(id), g.node(id).and_then(|n| n.grad).unwrap_or(f64::NAN))).collect())
}

/// `predictGrid(n, lo, hi)`.
pub fn predict_grid(t: &mut Trainer, n: f64, lo: f64, hi: f64) -> Res<Vec<f32>> {
    let call = "predictGrid(n, lo, hi)";
    let n = whole(call, "n", n, 1, crate::train::trainer::MAX_GRID)?;
    let (lo, hi) = range(call, ("lo", "hi"), lo, hi)?;
    t.predict_grid(n, (lo, hi)).map_err(core(call))
}

/// `neuronGrid(layer, neuron, n, lo, hi)`.
pub fn neuron_grid(t: &mut Trainer, layer: f64, neuron: f64, n: f64, lo: f64, hi: f64) -> Res<Vec<f32>> {
    let call = "neuronGrid(layer, neuron, n, lo, hi)";
    let layers = t.network().layers().len();
    let layer = whole(call, "layer", layer, 0, layers.saturating_sub(1))?;
    let width = t.network().layers().get(layer).map_or(1, |l| l.n_neurons());
    let neuron = whole(call, "neuron", neuron, 0, width.saturating_sub(1))?;
    let n = whole(call, "n", n, 1, crate::train::trainer::MAX_GRID)?;
    let (lo, hi) = range(call, ("lo", "hi"), lo, hi)?;
    t.neuron_grid(layer, neuron, n, (lo, hi)).map_err(core(call))
}

/// `setLearningRate(lr)`.
pub fn set_learning_rate(t: &mut Trainer, lr: f64) -> Res<()> {
    let call = "setLearningRate(lr)";
    let lr = rate(call, "lr", lr, MIN_RATE, MAX_RATE)?;
    t.set_learning_rate(lr).map_err(core(call))
}

/// `setBatchSize(n)`.
pub fn set_batch_size(t: &mut Trainer, n: f64) -> Res<()> {
    let call = "setBatchSize(n)";
    let n = whole(call, "n", n, 1, crate::train::trainer::MAX_BATCH)?;
    t.set_batch_size(n).map_err(core(call))
}

/// `setHidden(sizes)`: neurons per hidden layer.
pub fn set_hidden(t: &mut Trainer, sizes: &[f64]) -> Res<()> {
    let call = "setHidden(sizes)";
    let most = crate::train::network::MAX_HIDDEN_LAYERS;
    if sizes.len() > most {
        return refuse(call, format!("at most {most} hidden layers; got {}", sizes.len()));
    }
    let mut hidden = Vec::with_capacity(sizes.len());
    for (i, &s) in sizes.iter().enumerate() {
        hidden.push(whole(call, &format!("sizes[{i}]"), s, 1, crate::train::network::MAX_NEURONS)?);
    }
    t.set_hidden(hidden).map_err(core(call))
}

/// `addPoint(x, y, label)`.
pub fn add_point(t: &mut Trainer, x: f64, y: f64, label: f64) -> Res<()> {
    let call = "addPoint(x, y, label)";
    let (x, y) = (coordinate(call, "x", x)?, coordinate(call, "y", y)?);
    let label = coordinate(call, "label", label)?;
    t.add_point(x, y, label).map_err(core(call))
}

/// `removeNearest(x, y)`: whether a point was removed.
pub fn remove_nearest(t: &mut Trainer, x: f64, y: f64) -> Res<bool> {
    let call = "removeNearest(x, y)";
    let (x, y) = (coordinate(call, "x", x)?, coordinate(call, "y", y)?);
    Ok(t.remove_nearest(x, y).is_some())
}

/// `schedulePreview(steps, n)`: `n` points of the schedule over `steps` steps.
pub fn schedule_preview(t: &Trainer, steps: f64, n: f64) -> Res<Vec<(usize, f64)>> {
    let call = "schedulePreview(steps, n)";
    let steps = whole(call, "steps", steps, 1, MAX_PREVIEW_STEPS)?;
    let n = whole(call, "n", n, 2, MAX_PREVIEW_POINTS)?;
    let base = t.config().optimizer.lr();
    Ok(t.config().schedule.sample(base, steps, n))
}

/// `stepProfile(etas)`: the loss along −∇L for each step size.
pub fn step_profile(t: &Trainer, etas: &[f64]) -> Res<sweep::StepProfile> {
    let call = "stepProfile(etas)";
    if etas.is_empty() || etas.len() > MAX_ETAS {
        return refuse(call, format!("etas must hold 1 to {} step sizes; got {}", grouped(MAX_ETAS), etas.len()));
    }
    for (i, &e) in etas.iter().enumerate() {
        within(call, &format!("etas[{i}]"), e, 0.0, MAX_MAGNITUDE)?;
    }
    has_data(call, t)?;
    let mut obj = NetworkObjective::all(t).map_err(core(call))?;
    let theta = obj.theta();
    Ok(sweep::step_profile(&mut obj, &theta, etas))
}

/// A copy of the trainer for an experiment that sets the rate itself: its schedule is made
/// constant, so the rate each step gets is the one the experiment asks for.
fn constant_rate_copy(call: &str, t: &Trainer) -> Res<Trainer> {
    let mut copy = t.clone();
    copy.set_schedule(Schedule::Constant).map_err(core(call))?;
    Ok(copy)
}

// ---- experiments ----------------------------------------------------------------------------

/// A sweep with what one of its steps costs (to bound each `advance`).
#[derive(Debug)]
pub struct Sweep {
    pub inner: LrSweep<Trainer>,
    cost: f64,
}

/// `new LrSweep(trainer, lo, hi, k, steps)`.
pub fn lr_sweep(t: &Trainer, lo: f64, hi: f64, k: f64, steps: f64) -> Res<Sweep> {
    let call = "new LrSweep(trainer, lo, hi, k, steps)";
    let lo = rate(call, "lo", lo, MIN_RATE, MAX_RATE)?;
    let hi = rate(call, "hi", hi, MIN_RATE, MAX_RATE)?;
    if hi < lo {
        return refuse(call, format!("lo must not be above hi; got {} and {}", show(lo), show(hi)));
    }
    let k = whole(call, "k", k, 1, MAX_SWEEP_RATES)?;
    let steps = whole(call, "steps", steps, 1, MAX_SWEEP_STEPS)?;
    if k * steps > MAX_SWEEP_LOSSES {
        return refuse(
            call,
            format!("k × steps is at most {} losses kept; got {}", grouped(MAX_SWEEP_LOSSES), grouped(k * steps)),
        );
    }
    has_data(call, t)?;
    let rates = sweep::log_space(lo, hi, k);
    Ok(Sweep { inner: LrSweep::new(constant_rate_copy(call, t)?, rates, steps), cost: step_cost(t) })
}

/// `advance(budget)` of a sweep.
pub fn sweep_advance(s: &mut Sweep, budget: f64) -> Res<Progress> {
    let call = "LrSweep.advance(budget)";
    let budget = whole(call, "budget", budget, 1, MAX_STEPS_PER_CALL)?;
    bounded_work(call, budget, s.cost)?;
    Ok(s.inner.advance(budget))
}

/// A range test with what one of its steps costs.
#[derive(Debug)]
pub struct Range {
    pub inner: RangeTest<Trainer>,
    cost: f64,
}

/// `new RangeTest(trainer, lo, hi, steps)`.
pub fn range_test(t: &Trainer, lo: f64, hi: f64, steps: f64) -> Res<Range> {
    let call = "new RangeTest(trainer, lo, hi, steps)";
    let lo = rate(call, "lo", lo, MIN_RATE, MAX_RATE)?;
    let hi = rate(call, "hi", hi, MIN_RATE, MAX_RATE)?;
    if hi <= lo {
        return refuse(call, format!("lo must be below hi; got {} and {}", show(lo), show(hi)));
    }
    let steps = whole(call, "steps", steps, 2, MAX_SWEEP_STEPS)?;
    has_data(call, t)?;
    Ok(Range { inner: RangeTest::new(constant_rate_copy(call, t)?, lo, hi, steps), cost: step_cost(t) })
}

/// `advance(budget)` of a range test.
pub fn range_advance(r: &mut Range, budget: f64) -> Res<Progress> {
    let call = "RangeTest.advance(budget)";
    let budget = whole(call, "budget", budget, 1, MAX_STEPS_PER_CALL)?;
    bounded_work(call, budget, r.cost)?;
    Ok(r.inner.advance(budget))
}

// ---- loss surfaces --------------------------------------------------------------------------

/// Which two-parameter problem a surface is of.
#[derive(Clone, Copy, Debug)]
pub enum Problem {
    Bowl { kappa: f64, angle: f64 },
    PolyFit { fixed: f64, fixed_value: f64 },
}

/// `lossSurface(request)`, its numbers as JavaScript gave them.
#[derive(Clone, Copy, Debug)]
pub struct SurfaceRequest {
    pub problem: Problem,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub n: f64,
    pub start: (f64, f64),
    pub lr: f64,
    pub momentum: f64,
    pub steps: f64,
}

/// The grid and the descent path of a surface.
#[derive(Debug, serde::Serialize)]
pub struct Surface {
    pub grid: Grid2,
    pub path: DescentPath,
}

/// The path's shared arguments: rate, momentum and steps.
fn path_args(call: &str, lr: f64, momentum: f64, steps: f64, most: usize) -> Res<(f64, f64, usize)> {
    let lr = within(call, "lr", lr, 0.0, MAX_MAGNITUDE)?;
    let momentum = within(call, "momentum", momentum, 0.0, 0.999)?;
    let steps = whole(call, "steps", steps, 0, most)?;
    Ok((lr, momentum, steps))
}

/// `lossSurface(request)`.
pub fn loss_surface(r: &SurfaceRequest) -> Res<Surface> {
    let call = "lossSurface(request)";
    let mut obj: Box<dyn Objective> = match r.problem {
        Problem::Bowl { kappa, angle } => {
            let kappa = within(call, "kappa", kappa, 1e-6, MAX_MAGNITUDE)?;
            let angle = coordinate(call, "angle", angle)?;
            Box::new(sweep::Bowl { kappa, angle })
        }
        Problem::PolyFit { fixed, fixed_value } => {
            let fixed = whole(call, "fixed", fixed, 0, 2)?;
            let fixed_value = coordinate(call, "fixed_value", fixed_value)?;
            Box::new(sweep::PolyFit { fixed, fixed_value })
        }
    };
    let x = range(call, ("x[0]", "x[1]"), r.x.0, r.x.1)?;
    let y = range(call, ("y[0]", "y[1]"), r.y.0, r.y.1)?;
    let n = whole(call, "n", r.n, 2, MAX_SURFACE_GRID)?;
    let start = (coordinate(call, "start[0]", r.start.0)?, coordinate(call, "start[1]", r.start.1)?);
    let (lr, momentum, steps) = path_args(call, r.lr, r.momentum, r.steps, MAX_SURFACE_STEPS)?;
    Ok(Surface {
        grid: sweep::loss_grid(obj.as_mut(), x, y, n),
        path: sweep::descent_path(obj.as_mut(), &[start.0, start.1], lr, momentum, steps),
    })
}

/// `networkSurface(trainer, request)`, its numbers as JavaScript gave them.
#[derive(Clone, Copy, Debug)]
pub struct NetworkSurfaceRequest {
    pub i: f64,
    pub j: f64,
    pub radius: f64,
    pub n: f64,
    pub lr: f64,
    pub momentum: f64,
    pub steps: f64,
}

/// `networkSurface(trainer, request)`: two weights of the live network, the others frozen.
pub fn network_surface(t: &Trainer, r: &NetworkSurfaceRequest) -> Res<Surface> {
    let call = "networkSurface(trainer, request)";
    let last = t.network().n_params().saturating_sub(1);
    let i = whole(call, "i", r.i, 0, last)?;
    let j = whole(call, "j", r.j, 0, last)?;
    if i == j {
        return refuse(call, format!("i and j must be two different weights; both are {i}"));
    }
    let radius = within(call, "radius", r.radius, 1e-6, MAX_MAGNITUDE)?;
    let n = whole(call, "n", r.n, 2, MAX_NETWORK_GRID)?;
    let (lr, momentum, steps) = path_args(call, r.lr, r.momentum, r.steps, MAX_NETWORK_STEPS)?;
    has_data(call, t)?;
    let mut obj = NetworkObjective::pair(t, i, j).map_err(core(call))?;
    let theta = obj.theta();
    let (a, b) = (theta[0], theta[1]);
    let (x, y) = ((a - radius, a + radius), (b - radius, b + radius));
    Ok(Surface {
        grid: sweep::loss_grid(&mut obj, x, y, n),
        path: sweep::descent_path(&mut obj, &[a, b], lr, momentum, steps),
    })
}

// ---- the lecture's NumPy network ---------------------------------------------------------------

/// `new LectureNet(examples, inputs, hidden, outputs, rate, seed)`: layers far wider than the
/// playground's (up to [`crate::train::lecture::MAX_INPUTS`] inputs and
/// [`crate::train::lecture::MAX_HIDDEN`] hidden units).
pub fn lecture_net(
    examples: f64,
    inputs: f64,
    hidden: f64,
    outputs: f64,
    rate: f64,
    seed: f64,
) -> Res<crate::train::lecture::LectureNet> {
    use crate::train::lecture::*;
    let call = "new LectureNet(examples, inputs, hidden, outputs, rate, seed)";
    let config = LectureConfig {
        examples: whole(call, "examples", examples, 1, MAX_EXAMPLES)?,
        inputs: whole(call, "inputs", inputs, 1, MAX_INPUTS)?,
        hidden: whole(call, "hidden", hidden, 1, MAX_HIDDEN)?,
        outputs: whole(call, "outputs", outputs, 1, MAX_OUTPUTS)?,
        rate: within(call, "rate", rate, MIN_RATE, MAX_RATE)?,
        seed: whole(call, "seed", seed, 0, u32::MAX as usize)? as u64,
    };
    LectureNet::new(config).or_else(|e| refuse(call, e))
}

/// `train(steps)`: each step's loss (before its update), the work bounded like a Trainer's.
pub fn lecture_train(net: &mut crate::train::lecture::LectureNet, steps: f64) -> Res<Vec<f64>> {
    let call = "train(steps)";
    let steps = whole(call, "steps", steps, 0, MAX_STEPS_PER_CALL)?;
    bounded_work(call, steps, net.config().work_per_step())?;
    let mut losses = Vec::new();
    net.train(steps, &mut losses);
    Ok(losses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::TrainerConfig;

    fn trainer() -> Trainer {
        Trainer::new(TrainerConfig::default()).unwrap()
    }

    /// The object still trains and answers after an error.
    fn usable(t: &mut Trainer) {
        let before = t.steps();
        assert!(train(t, 3.0).is_ok());
        assert_eq!(t.steps(), before + 3);
    }

    fn says(r: Res<impl std::fmt::Debug>, parts: &[&str]) {
        let e = r.expect_err("refused");
        for p in parts {
            assert!(e.0.contains(p), "{:?} should mention {:?}", e.0, p);
        }
    }

    #[test]
    fn the_issues_cases_are_refused_with_a_message_and_the_trainer_stays_usable() {
        let mut t = trainer();
        says(schedule_preview(&t, -1.0, -1.0), &["schedulePreview", "steps", "-1", "1 to 1,000,000,000"]);
        says(schedule_preview(&t, 1e9, 1e9), &["n must be a whole number from 2 to 10,000", "1000000000"]);
        usable(&mut t);
        says(lr_sweep(&t, 1e-4, 10.0, -1.0, 1000.0), &["LrSweep", "k must be", "-1"]);
        says(lr_sweep(&t, 1e-4, 10.0, 1e9, 1000.0), &["k must be"]);
        says(lr_sweep(&t, 1e-4, 10.0, 32.0, 1e9), &["steps must be"]);
        says(lr_sweep(&t, 1e-4, 10.0, 100.0, 100_000.0), &["k × steps", "2,000,000"]);
        usable(&mut t);
        says(train(&mut t, -1.0), &["train(steps)", "steps", "0 to 1,000,000", "-1"]);
        says(train(&mut t, 1e10), &["10000000000"]);
        says(train(&mut t, f64::NAN), &["NaN"]);
        says(train(&mut t, 2.5), &["2.5"]);
        usable(&mut t);
        says(range_test(&t, 1e-4, 10.0, 1e9), &["RangeTest", "steps"]);
        says(range_test(&t, 1.0, 0.5, 100.0), &["lo must be below hi"]);
        says(predict_grid(&mut t, 1e9, -6.0, 6.0), &["predictGrid", "n", "512"]);
        says(predict_grid(&mut t, 10.0, 6.0, -6.0), &["lo must be below hi"]);
        says(neuron_grid(&mut t, 9.0, 0.0, 10.0, -6.0, 6.0), &["layer"]);
        says(neuron_grid(&mut t, 0.0, 99.0, 10.0, -6.0, 6.0), &["neuron"]);
        says(set_batch_size(&mut t, -1.0), &["setBatchSize", "-1"]);
        says(set_hidden(&mut t, &[4.0, -1.0]), &["sizes[1]", "-1"]);
        says(set_hidden(&mut t, &[2.0; 9]), &["at most 8 hidden layers"]);
        says(set_learning_rate(&mut t, f64::INFINITY), &["Infinity"]);
        says(add_point(&mut t, f64::NAN, 0.0, 1.0), &["x", "NaN"]);
        says(step_profile(&t, &[]), &["etas"]);
        says(step_profile(&t, &[0.1, -1.0]), &["etas[1]"]);
        says(example_index("exampleSource(index)", &t, 1e9), &["index"]);
        says(example_source(&t, 1e9), &["exampleSource(index)", "index"]);
        says(example_gradients(&t, -1.0), &["exampleGradients(index)", "index"]);
        assert!(example_source(&t, 0.0).unwrap().contains('='));
        // a network too big for one example's graph: the core's refusal, said as the call's
        let mut big = trainer();
        set_hidden(&mut big, &[30.0, 20.0]).unwrap();
        says(example_source(&big, 0.0), &["exampleSource(index): ", "weights"]);
        usable(&mut t);
        assert_eq!(schedule_preview(&t, 100.0, 5.0).unwrap().len(), 5);
    }

    #[test]
    fn an_empty_training_set_gives_a_message_not_a_result() {
        let mut t = trainer();
        while remove_nearest(&mut t, 0.0, 0.0).unwrap() {}
        assert!(t.dataset().train().is_empty());
        for e in [
            lr_sweep(&t, 1e-3, 1.0, 5.0, 10.0).err(),
            range_test(&t, 1e-3, 1.0, 10.0).err(),
            train(&mut t, 1.0).err(),
            step_profile(&t, &[0.1]).err(),
            example_index("exampleSource(index)", &t, 0.0).err(),
        ] {
            assert!(e.expect("refused").0.contains("empty"));
        }
        add_point(&mut t, 0.5, 0.5, 1.0).unwrap();
        assert!(train(&mut t, 2.0).is_ok());
    }

    #[test]
    fn each_limit_passes_at_its_edge_and_one_past_it_is_refused() {
        for (lo, hi) in [(0usize, 10usize), (1, 512), (2, 10_000)] {
            assert_eq!(whole("f()", "n", lo as f64, lo, hi), Ok(lo));
            assert_eq!(whole("f()", "n", hi as f64, lo, hi), Ok(hi));
            assert!(whole("f()", "n", hi as f64 + 1.0, lo, hi).is_err());
            assert!(whole("f()", "n", lo as f64 - 1.0, lo, hi).is_err());
        }
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.5, 4_294_967_295.0, f64::MAX] {
            assert!(whole("f()", "n", v, 0, 1000).is_err(), "{v}");
        }
        assert_eq!(whole("f()", "n", -0.0, 0, 3), Ok(0));
        let cost = 1e4;
        let most = (MAX_WORK_PER_CALL / cost) as usize;
        assert!(bounded_work("f()", most, cost).is_ok());
        let e = bounded_work("f()", most + 1, cost).unwrap_err();
        assert!(e.0.contains(&grouped(most)), "{e}");
        let t = trainer();
        assert!(lr_sweep(&t, 1e-3, 1.0, MAX_SWEEP_RATES as f64, 20_000.0).is_ok());
        assert!(lr_sweep(&t, 1e-3, 1.0, MAX_SWEEP_RATES as f64 + 1.0, 10.0).is_err());
        assert!(lr_sweep(&t, MIN_RATE, MAX_RATE, 2.0, 10.0).is_ok());
        assert!(lr_sweep(&t, MIN_RATE / 2.0, MAX_RATE, 2.0, 10.0).is_err());
        assert!(lr_sweep(&t, 1e-3, MAX_RATE * 2.0, 2.0, 10.0).is_err());
        assert!(schedule_preview(&t, 10.0, MAX_PREVIEW_POINTS as f64).is_ok());
        assert!(schedule_preview(&t, 10.0, MAX_PREVIEW_POINTS as f64 + 1.0).is_err());
        assert!(schedule_preview(&t, MAX_PREVIEW_STEPS as f64, 2.0).is_ok());
        assert!(schedule_preview(&t, MAX_PREVIEW_STEPS as f64 + 1.0, 2.0).is_err());
        assert!(step_profile(&t, &vec![0.1; MAX_ETAS]).is_ok());
        assert!(step_profile(&t, &vec![0.1; MAX_ETAS + 1]).is_err());
        let mut u = trainer();
        let most = crate::train::trainer::MAX_GRID as f64;
        assert!(predict_grid(&mut u, most, -6.0, 6.0).is_ok());
        assert!(predict_grid(&mut u, most + 1.0, -6.0, 6.0).is_err());
        let neurons = crate::train::network::MAX_NEURONS as f64;
        assert!(set_hidden(&mut u, &[neurons]).is_ok());
        assert!(set_hidden(&mut u, &[neurons + 1.0]).is_err());
        assert!(set_hidden(&mut u, &[2.0; crate::train::network::MAX_HIDDEN_LAYERS]).is_ok());
        assert!(range_test(&t, 1e-3, 1.0, 2.0).is_ok() && range_test(&t, 1e-3, 1.0, 1.0).is_err());
        assert!(range_test(&t, 1e-3, 1.0, MAX_SWEEP_STEPS as f64).is_ok());
        assert!(range_test(&t, 1e-3, 1.0, MAX_SWEEP_STEPS as f64 + 1.0).is_err());
        assert!(element_steps(Some(&t), Some(MAX_ELEMENT_STEPS as f64)).is_ok());
        assert!(element_steps(Some(&t), Some(MAX_ELEMENT_STEPS as f64 + 1.0)).is_err());
        assert_eq!(element_steps(None, None), Ok(1));
        let mut s = lr_sweep(&t, 1e-3, 1.0, 2.0, 10.0).unwrap();
        assert!(sweep_advance(&mut s, 0.0).is_err());
        assert!(sweep_advance(&mut s, -1.0).is_err());
        assert_eq!(sweep_advance(&mut s, 1e6).unwrap().done, 20);
    }

    #[test]
    fn surfaces_check_every_number() {
        let good = SurfaceRequest {
            problem: Problem::Bowl { kappa: 10.0, angle: 0.0 },
            x: (-5.0, 5.0),
            y: (-5.0, 5.0),
            n: 20.0,
            start: (-4.0, 3.0),
            lr: 0.1,
            momentum: 0.0,
            steps: 30.0,
        };
        let s = loss_surface(&good).unwrap();
        assert_eq!(s.grid.values.len(), 400);
        for bad in [
            SurfaceRequest { n: 401.0, ..good },
            SurfaceRequest { n: -1.0, ..good },
            SurfaceRequest { steps: 1e9, ..good },
            SurfaceRequest { x: (5.0, -5.0), ..good },
            SurfaceRequest { start: (f64::NAN, 0.0), ..good },
            SurfaceRequest { momentum: 1.0, ..good },
            SurfaceRequest { problem: Problem::Bowl { kappa: 0.0, angle: 0.0 }, ..good },
            SurfaceRequest { problem: Problem::PolyFit { fixed: 3.0, fixed_value: 0.0 }, ..good },
        ] {
            assert!(loss_surface(&bad).unwrap_err().0.starts_with("lossSurface(request): "));
        }
        let t = trainer();
        let net = NetworkSurfaceRequest { i: 0.0, j: 1.0, radius: 2.0, n: 10.0, lr: 0.1, momentum: 0.0, steps: 5.0 };
        assert!(network_surface(&t, &net).is_ok());
        for bad in [
            NetworkSurfaceRequest { j: 0.0, ..net },
            NetworkSurfaceRequest { i: 1e9, ..net },
            NetworkSurfaceRequest { n: 201.0, ..net },
            NetworkSurfaceRequest { steps: 10_001.0, ..net },
            NetworkSurfaceRequest { radius: 0.0, ..net },
        ] {
            assert!(network_surface(&t, &bad).is_err());
        }
    }

    #[test]
    fn numbers_are_shown_as_javascript_writes_them() {
        assert_eq!(show(f64::NAN), "NaN");
        assert_eq!(show(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(show(-0.0), "-0");
        assert_eq!(show(4_294_967_295.0), "4294967295");
        assert_eq!(grouped(1_000_000), "1,000,000");
        assert_eq!(grouped(100), "100");
    }
    #[test]
    fn the_lecture_net_checks_its_sizes_and_bounds_its_work() {
        let mut net = lecture_net(64.0, 1000.0, 100.0, 10.0, 1e-4, 1.0).unwrap();
        let l = lecture_train(&mut net, 2.0).unwrap();
        assert_eq!(l.len(), 2);
        assert!(l[1] < l[0]);
        let e = lecture_net(64.0, 5000.0, 100.0, 10.0, 1e-4, 1.0).unwrap_err();
        assert!(e.0.contains("inputs must be a whole number from 1 to 4,096; got 5000"), "{e}");
        assert!(lecture_net(64.0, 1000.0, 100.0, 10.0, f64::NAN, 1.0).unwrap_err().0.contains("rate"));
        assert!(lecture_net(1.5, 10.0, 10.0, 1.0, 0.1, 1.0).is_err());
        let e = lecture_train(&mut net, 1e6).unwrap_err();
        assert!(e.0.contains("more than one call may do"), "{e}");
        assert_eq!(net.steps(), 2, "a refused call leaves the network as it was");
    }
}
