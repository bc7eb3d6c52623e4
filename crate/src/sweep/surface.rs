//! Two-parameter losses to draw as contours, and the path gradient descent takes on them.

use super::Objective;
use crate::graph::{Graph, NodeId};
use crate::train::optim::{update, OptimizerConfig};

/// A quadratic bowl L(a, b) = ½(u² + κ·v²), where (u, v) is (a, b) turned by `angle` radians.
/// κ is the condition number: the ratio of the steepest to the flattest curvature. Gradient
/// descent converges for a step below 2/κ and zig-zags across the valley as it nears it.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bowl {
    pub kappa: f64,
    pub angle: f64,
}

impl Bowl {
    fn uv(&self, t: &[f64]) -> (f64, f64) {
        let (s, c) = self.angle.sin_cos();
        let (a, b) = (t.first().copied().unwrap_or(0.0), t.get(1).copied().unwrap_or(0.0));
        (c * a + s * b, -s * a + c * b)
    }
}

impl Objective for Bowl {
    fn dim(&self) -> usize {
        2
    }

    fn loss(&mut self, t: &[f64]) -> f64 {
        let (u, v) = self.uv(t);
        0.5 * (u * u + self.kappa * v * v)
    }

    fn grad(&mut self, t: &[f64], g: &mut [f64]) {
        let (u, v) = self.uv(t);
        let (s, c) = self.angle.sin_cos();
        // ∂L/∂u = u, ∂L/∂v = κv, then back through the rotation
        let (du, dv) = (u, self.kappa * v);
        if g.len() >= 2 {
            g[0] = c * du - s * dv;
            g[1] = s * du + c * dv;
        }
    }
}

/// The course's polynomial fit: f(x; θ) = θ₀x² + θ₁x + θ₂ fitted to F(x) = 3x² on
/// x = −2, −1.5, …, 2 with L = 1/(2N)·Σ (f − F)². One of the three θ is held at `fixed_value`
/// (`fixed` = 0, 1 or 2); the two others are the parameters, in order.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PolyFit {
    pub fixed: usize,
    pub fixed_value: f64,
}

impl PolyFit {
    const XS: [f64; 9] = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0];

    fn full(&self, t: &[f64]) -> [f64; 3] {
        let fixed = self.fixed.min(2);
        let mut free = t.iter().copied();
        let mut th = [0.0; 3];
        for (i, slot) in th.iter_mut().enumerate() {
            *slot = if i == fixed { self.fixed_value } else { free.next().unwrap_or(0.0) };
        }
        th
    }
}

impl Objective for PolyFit {
    fn dim(&self) -> usize {
        2
    }

    fn loss(&mut self, t: &[f64]) -> f64 {
        let th = self.full(t);
        let n = Self::XS.len() as f64;
        Self::XS.iter().map(|&x| (th[0] * x * x + th[1] * x + th[2] - 3.0 * x * x).powi(2)).sum::<f64>() / (2.0 * n)
    }

    fn grad(&mut self, t: &[f64], g: &mut [f64]) {
        let th = self.full(t);
        let n = Self::XS.len() as f64;
        let mut full = [0.0; 3];
        for &x in &Self::XS {
            let r = th[0] * x * x + th[1] * x + th[2] - 3.0 * x * x;
            full[0] += r * x * x / n;
            full[1] += r * x / n;
            full[2] += r / n;
        }
        let fixed = self.fixed.min(2);
        for (slot, v) in g.iter_mut().zip((0..3).filter(|&i| i != fixed).map(|i| full[i])) {
            *slot = v;
        }
    }
}

/// Losses on an n×n grid over [x0, x1] × [y0, y1]; `values[row * n + col]` is at
/// (x0 + col·dx, y0 + row·dy).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Grid2 {
    pub n: usize,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub values: Vec<f64>,
}

pub fn loss_grid(obj: &mut dyn Objective, x: (f64, f64), y: (f64, f64), n: usize) -> Grid2 {
    let step = |r: (f64, f64)| if n > 1 { (r.1 - r.0) / (n - 1) as f64 } else { 0.0 };
    let (dx, dy) = (step(x), step(y));
    let mut values = Vec::with_capacity(n * n);
    for row in 0..n {
        for col in 0..n {
            values.push(obj.loss(&[x.0 + col as f64 * dx, y.0 + row as f64 * dy]));
        }
    }
    Grid2 { n, x, y, values }
}

/// The iterates of gradient descent with momentum β (β = 0 is plain descent):
/// v ← β·v + ∇L(θ), θ ← θ − η·v.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DescentPath {
    /// θ after 0, 1, … steps (the start first).
    pub points: Vec<Vec<f64>>,
    pub losses: Vec<f64>,
    /// The step at which the loss became non-finite or exploded, if it did.
    pub diverged_at: Option<usize>,
}

pub fn descent_path(obj: &mut dyn Objective, start: &[f64], lr: f64, momentum: f64, steps: usize) -> DescentPath {
    optimizer_path(obj, start, &OptimizerConfig::Momentum { lr, beta: momentum }, steps)
}

/// The iterates of any optimizer from `start` for `steps` steps at its own base rate — the
/// update the network's optimizer makes ([`crate::train::optim::update`]), on two numbers.
/// Stops where the loss explodes (as the trainer's rule says).
pub fn optimizer_path(obj: &mut dyn Objective, start: &[f64], config: &OptimizerConfig, steps: usize) -> DescentPath {
    let dim = obj.dim();
    let mut theta: Vec<f64> = (0..dim).map(|i| start.get(i).copied().unwrap_or(0.0)).collect();
    let mut slots = vec![vec![0.0; dim]; config.slot_names().len()];
    let mut g = vec![0.0; dim];
    let first = obj.loss(&theta);
    let mut path = DescentPath { points: vec![theta.clone()], losses: vec![first], diverged_at: None };
    for step in 1..=steps {
        obj.grad(&theta, &mut g);
        update(config, step as u64, config.lr(), &mut theta, &g, &mut slots);
        let l = obj.loss(&theta);
        if crate::train::exploded(first, l) {
            path.diverged_at = Some(step);
            break;
        }
        path.points.push(theta.clone());
        path.losses.push(l);
    }
    path
}

/// How the momentum descent's update at iterate `k` is built: θₖ, the gradient there, the
/// velocity before and after (v ← β·v + g) and the step −η·v (θₖ₊₁ = θₖ + step).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepParts {
    pub k: usize,
    pub theta: [f64; 2],
    pub grad: [f64; 2],
    pub v_before: [f64; 2],
    pub v: [f64; 2],
    pub step: [f64; 2],
}

/// The parts of [`descent_path`]'s update at iterate `k` (replayed from `start`); None when
/// the loss blows up on the way or the numbers stop being finite.
pub fn step_parts(obj: &mut dyn Objective, start: (f64, f64), lr: f64, beta: f64, k: usize) -> Option<StepParts> {
    let mut theta = [start.0, start.1];
    let mut v = [0.0; 2];
    let mut g = [0.0; 2];
    let first = obj.loss(&theta);
    for _ in 0..k {
        obj.grad(&theta, &mut g);
        for i in 0..2 {
            v[i] = beta * v[i] + g[i];
            theta[i] -= lr * v[i];
        }
        if crate::train::exploded(first, obj.loss(&theta)) {
            return None;
        }
    }
    obj.grad(&theta, &mut g);
    let v_before = v;
    let v_new = [beta * v[0] + g[0], beta * v[1] + g[1]];
    let step = [-lr * v_new[0], -lr * v_new[1]];
    let all = theta.iter().chain(&g).chain(&v_new).chain(&step).all(|x| x.is_finite());
    all.then_some(StepParts { k, theta, grad: g, v_before, v: v_new, step })
}

/// A range to draw a surface in, chosen from the surface: 6 wide and high around its lowest
/// point on a coarse grid over [−10, 10]² (when that point is inside it: a surface falling
/// away to the edge gets [−3, 3]²).
pub fn auto_range(obj: &mut dyn Objective) -> ((f64, f64), (f64, f64)) {
    let n = 41;
    let at = |k: usize| -10.0 + 20.0 * k as f64 / (n - 1) as f64;
    let mut best: Option<(f64, usize, usize)> = None;
    for r in 0..n {
        for c in 0..n {
            let l = obj.loss(&[at(c), at(r)]);
            if l.is_finite() && best.is_none_or(|b| l < b.0) {
                best = Some((l, c, r));
            }
        }
    }
    match best {
        Some((_, c, r)) if (1..n - 1).contains(&c) && (1..n - 1).contains(&r) => {
            let (x, y) = (at(c), at(r));
            ((x - 3.0, x + 3.0), (y - 3.0, y + 3.0))
        }
        _ => ((-3.0, 3.0), (-3.0, 3.0)),
    }
}

/// A loss typed in the expression language, in the two inputs `a` and `b` (`(1 - a)^2 +
/// 100 * (b - a^2)^2`): its values and its gradient come from the lab's graph engine.
#[derive(Clone, Debug)]
pub struct ExprSurface {
    graph: Graph,
    a: NodeId,
    b: NodeId,
}

/// The classic surfaces, by name: (name, label, expression, x range, y range, start, a minimum).
pub type SurfacePreset =
    (&'static str, &'static str, &'static str, (f64, f64), (f64, f64), (f64, f64), Option<(f64, f64)>);

/// Rosenbrock's banana valley, Himmelblau's four minima, a saddle, a plateau with a cliff, and
/// a surface with several local minima.
pub const SURFACES: &[SurfacePreset] = &[
    (
        "rosenbrock",
        "Rosenbrock: (1 − a)² + 100(b − a²)²",
        "(1 - a)^2 + 100 * (b - a^2)^2",
        (-2.0, 2.0),
        (-1.0, 3.0),
        (-1.5, 2.0),
        Some((1.0, 1.0)),
    ),
    (
        "himmelblau",
        "Himmelblau: (a² + b − 11)² + (a + b² − 7)², four minima",
        "(a^2 + b - 11)^2 + (a + b^2 - 7)^2",
        (-5.0, 5.0),
        (-5.0, 5.0),
        (0.0, 0.0),
        Some((3.0, 2.0)),
    ),
    ("saddle", "A saddle at 0: a² − b² + ¼b⁴", "a^2 - b^2 + 0.25 * b^4", (-2.5, 2.5), (-2.5, 2.5), (-2.0, 0.01), None),
    (
        "cliff",
        "A plateau with a cliff: 0.02a² + 0.1b² + 3σ(6a)",
        "0.02 * a^2 + 0.1 * b^2 + 3 * sigmoid(6 * a)",
        (-6.0, 6.0),
        (-4.0, 4.0),
        (4.0, 3.0),
        None,
    ),
    (
        "minima",
        "Several local minima: (a² − 1)² + (b² − 1)² + 0.3a + 0.2b",
        "(a^2 - 1)^2 + (b^2 - 1)^2 + 0.3 * a + 0.2 * b",
        (-2.0, 2.0),
        (-2.0, 2.0),
        (1.8, 1.8),
        None,
    ),
];

impl ExprSurface {
    /// The surface of `body`, an expression in `a` and `b` (they are declared before it);
    /// else the parser's message.
    pub fn new(body: &str) -> Result<Self, String> {
        let source = format!("a = 0\nb = 0\n{body}");
        let graph = crate::expr::parse(&source, Default::default()).map_err(|e| e.to_string())?;
        let (Some(a), Some(b)) = (graph.find("a"), graph.find("b")) else {
            return Err("the surface is an expression in a and b".into());
        };
        if graph.output().is_none_or(|o| o == a || o == b) {
            return Err("the surface is an expression in a and b, such as a^2 + 3 * b^2".into());
        }
        Ok(ExprSurface { graph, a, b })
    }

    fn at(&mut self, t: &[f64]) {
        let (a, b) = (t.first().copied().unwrap_or(0.0), t.get(1).copied().unwrap_or(0.0));
        let _ = self.graph.set_values(&[(self.a, a), (self.b, b)]);
    }
}

impl Objective for ExprSurface {
    fn dim(&self) -> usize {
        2
    }

    fn loss(&mut self, t: &[f64]) -> f64 {
        self.at(t);
        self.graph.output().and_then(|o| self.graph.node(o)).map_or(f64::NAN, |n| n.value)
    }

    fn grad(&mut self, t: &[f64], g: &mut [f64]) {
        self.at(t);
        self.graph.backward();
        let grad = |id| self.graph.node(id).and_then(|n| n.grad).unwrap_or(0.0);
        if g.len() >= 2 {
            g[0] = grad(self.a);
            g[1] = grad(self.b);
        }
    }
}
