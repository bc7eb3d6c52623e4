//! Scalar reverse-mode autodiff on an arena of nodes.
//!
//! A [`Graph`] owns its nodes in a `Vec`; a node refers to its inputs by [`NodeId`] (an index),
//! never by pointer. Nodes are only ever appended, and a node's inputs must already exist, so
//! **ids are a topological order**: walking ids upwards is a valid forward pass and walking
//! them downwards a valid backward pass. Everything the page shows comes from three walks:
//! [`Graph::forward`], [`Graph::trace`] (the backward pass as a list of steps) and
//! [`Graph::gradcheck`].

pub mod cost;
mod op;
pub mod session;

pub use op::{sigmoid, Op, Role};

use std::fmt;

/// Index of a node in its graph.
pub type NodeId = usize;

/// The most nodes one graph may hold; the expression language reports a clear error past it.
pub const MAX_NODES: usize = 2_000;

/// Relative error above which the gradient check flags an input.
pub const GRADCHECK_TOLERANCE: f64 = 1e-6;

/// One node: a leaf (input or constant) or a gate applied to earlier nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub op: Op,
    /// Inputs in order (`a`, then `b`); as many as `op.arity()`.
    pub inputs: Vec<NodeId>,
    /// The user's name for it, if the source named it.
    pub name: Option<String>,
    /// Forward value; may be non-finite (NaN, ±∞), which is shown, never a panic.
    pub value: f64,
    /// ∂output/∂node once the backward pass has reached the node; `None` before, and always
    /// for constants.
    pub grad: Option<f64>,
}

/// Something that went wrong building a graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphError {
    TooManyNodes,
    /// An input id that does not exist yet, or the wrong number of inputs for the op.
    BadInputs,
    /// `set_value` on a node that is not an input.
    NotAnInput,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::TooManyNodes => write!(
                f,
                "the graph would have more than {MAX_NODES} nodes, too many to draw; use a smaller expression"
            ),
            GraphError::BadInputs => write!(f, "a gate was given inputs that do not exist"),
            GraphError::NotAnInput => write!(f, "only inputs (leaves declared as `name = number`) can be edited"),
        }
    }
}

impl std::error::Error for GraphError {}

/// One step of the backward pass: one node, in reverse topological order.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub node: NodeId,
    /// What each consumer sent back to this node; their sum is `upstream`. Empty for the
    /// output, whose upstream gradient is the seed 1. More than one entry is a fan-out.
    pub contributions: Vec<(NodeId, f64)>,
    /// ∂output/∂node: the gradient arriving from above.
    pub upstream: f64,
    /// One entry per non-constant input: local gradient and what is sent (upstream × local).
    pub sends: Vec<Send>,
    pub role: Role,
}

/// The gradient a step sends to one input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Send {
    pub to: NodeId,
    /// ∂node/∂input.
    pub local: f64,
    /// upstream × local.
    pub grad: f64,
}

/// The backward pass as a sequence of steps, output first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub steps: Vec<Step>,
}

/// Analytic versus centred-difference gradient for one input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GradCheck {
    pub input: NodeId,
    pub analytic: f64,
    pub numeric: f64,
    /// |analytic − numeric| / max(|analytic|, |numeric|, 1e-8); NaN if either is non-finite.
    pub rel_error: f64,
}

impl GradCheck {
    /// True when the two gradients disagree (or either is not finite).
    pub fn flagged(&self) -> bool {
        self.rel_error.is_nan() || self.rel_error > GRADCHECK_TOLERANCE
    }
}

/// A node whose value became non-finite although its inputs are finite, with a message a
/// student understands.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub node: NodeId,
    pub message: String,
}

/// An arena of nodes in topological order, with one output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    nodes: Vec<Node>,
    output: Option<NodeId>,
    /// The k of every user name of the form `n<k>` (an automatic label would collide with it).
    taken: Vec<usize>,
}

impl Graph {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node and computes its value from its inputs' current values.
    /// Pre: every input id is below `len()` and `inputs.len() == op.arity()`.
    fn push(&mut self, op: Op, inputs: Vec<NodeId>, value: f64) -> Result<NodeId, GraphError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(GraphError::TooManyNodes);
        }
        if inputs.len() != op.arity() || inputs.iter().any(|&i| i >= self.nodes.len()) {
            return Err(GraphError::BadInputs);
        }
        let value = match op {
            Op::Input | Op::Const => value,
            _ => op.apply(self.arg(&inputs, 0), self.arg(&inputs, 1)).0,
        };
        self.nodes.push(Node { op, inputs, name: None, value, grad: None });
        Ok(self.nodes.len() - 1)
    }

    /// Value of the `k`-th input in `inputs` (0 when absent).
    fn arg(&self, inputs: &[NodeId], k: usize) -> f64 {
        inputs.get(k).and_then(|&i| self.nodes.get(i)).map_or(0.0, |n| n.value)
    }

    /// A named leaf with a gradient.
    pub fn input(&mut self, name: &str, value: f64) -> Result<NodeId, GraphError> {
        let id = self.push(Op::Input, vec![], value)?;
        self.nodes[id].name = Some(name.to_string());
        self.note_name(name);
        Ok(id)
    }

    /// A literal: a leaf that gets no gradient.
    pub fn constant(&mut self, value: f64) -> Result<NodeId, GraphError> {
        self.push(Op::Const, vec![], value)
    }

    /// A one-input gate (`neg`, `exp`, `^p`, …).
    pub fn unary(&mut self, op: Op, a: NodeId) -> Result<NodeId, GraphError> {
        self.push(op, vec![a], 0.0)
    }

    /// A two-input gate (`+`, `*`, `max`, …).
    pub fn binary(&mut self, op: Op, a: NodeId, b: NodeId) -> Result<NodeId, GraphError> {
        self.push(op, vec![a, b], 0.0)
    }

    /// Gives a node a name (the first name given sticks: `b = a` does not rename `a`).
    pub fn name_node(&mut self, id: NodeId, name: &str) {
        if let Some(n) = self.nodes.get_mut(id) {
            if n.name.is_none() {
                n.name = Some(name.to_string());
                self.note_name(name);
            }
        }
    }

    /// Remembers a user name that looks like an automatic label (`n12`).
    fn note_name(&mut self, name: &str) {
        if let Some(k) = name.strip_prefix('n').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
            if let Ok(k) = k.parse::<usize>() {
                if !self.taken.contains(&k) && format!("n{k}") == name {
                    self.taken.push(k);
                }
            }
        }
    }

    /// Marks the node whose gradient the backward pass computes (the last node by default).
    pub fn set_output(&mut self, id: NodeId) {
        if id < self.nodes.len() {
            self.output = Some(id);
        }
    }

    /// The output: the node set by `set_output`, or else the last node.
    pub fn output(&self) -> Option<NodeId> {
        self.output.or_else(|| self.nodes.len().checked_sub(1))
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node's name, or `n<k>` for an unnamed node (the `data-name` hook).
    pub fn label(&self, id: NodeId) -> String {
        match self.nodes.get(id).and_then(|n| n.name.as_ref()) {
            Some(name) => name.clone(),
            // `n<k>`, or `n<k>'` when the user named another node `n<k>` (a name in the
            // expression language cannot hold `'`, so labels are unique)
            None if self.taken.contains(&id) => format!("n{id}'"),
            None => format!("n{id}"),
        }
    }

    /// The node as the drawing shows it, for sentences: its name, or for an unnamed gate
    /// "the exp gate" (the drawing shows its symbol, not its `n<k>` label).
    pub fn shown_name(&self, id: NodeId) -> String {
        match self.nodes.get(id) {
            Some(n) if n.name.is_none() && n.op.arity() > 0 => format!("the {} gate", n.op.symbol()),
            _ => self.label(id),
        }
    }

    /// The node with this label (name or `n<k>`).
    pub fn find(&self, label: &str) -> Option<NodeId> {
        (0..self.nodes.len()).find(|&i| self.label(i) == label)
    }

    /// Ids of the input leaves, in order.
    pub fn inputs(&self) -> Vec<NodeId> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].op == Op::Input).collect()
    }

    /// Sets an input's value and recomputes every value (gradients are cleared: they belonged
    /// to the old values).
    pub fn set_value(&mut self, id: NodeId, value: f64) -> Result<(), GraphError> {
        self.set_values(&[(id, value)])
    }

    /// Sets several inputs' values, then recomputes every value once; nothing changes when
    /// one of them is not an input.
    pub fn set_values(&mut self, values: &[(NodeId, f64)]) -> Result<(), GraphError> {
        if !values.iter().all(|&(id, _)| self.nodes.get(id).is_some_and(|n| n.op == Op::Input)) {
            return Err(GraphError::NotAnInput);
        }
        for &(id, v) in values {
            self.nodes[id].value = v;
        }
        self.forward();
        Ok(())
    }

    /// Forward pass: recomputes every gate's value from the leaves, in id order, and clears
    /// all gradients.
    pub fn forward(&mut self) {
        for i in 0..self.nodes.len() {
            let n = &self.nodes[i];
            if n.op.arity() > 0 {
                let (a, b) = (self.arg(&n.inputs, 0), self.arg(&n.inputs, 1));
                self.nodes[i].value = n.op.apply(a, b).0;
            }
            self.nodes[i].grad = None;
        }
    }

    /// Which nodes the output depends on (the output included).
    pub fn ancestors(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        if let Some(out) = self.output() {
            seen[out] = true;
            for i in (0..=out).rev() {
                if seen[i] {
                    for &j in &self.nodes[i].inputs {
                        seen[j] = true;
                    }
                }
            }
        }
        seen
    }

    /// The backward pass from the output (seed gradient 1), as steps in reverse topological
    /// order: every non-constant node the output depends on, exactly once, each after all the
    /// nodes that consume it. Reads the current values; changes nothing.
    pub fn trace(&self) -> Trace {
        let Some(out) = self.output() else {
            return Trace::default();
        };
        let needed = self.ancestors();
        let mut arriving: Vec<Vec<(NodeId, f64)>> = vec![Vec::new(); self.nodes.len()];
        let mut steps = Vec::new();
        for id in (0..=out).rev() {
            let node = &self.nodes[id];
            if !needed[id] || node.op == Op::Const {
                continue;
            }
            let contributions = std::mem::take(&mut arriving[id]);
            let upstream = if id == out { 1.0 } else { contributions.iter().map(|c| c.1).sum() };
            let (_, locals) = node.op.apply(self.arg(&node.inputs, 0), self.arg(&node.inputs, 1));
            let mut sends = Vec::new();
            for (k, &input) in node.inputs.iter().enumerate() {
                if self.nodes[input].op == Op::Const {
                    continue;
                }
                // 0 × ∞ is taken as 0: nothing arrives, so nothing is sent (σ drawn as its
                // primitive gates at x ≤ −710: exp(−x) overflows to ∞ while 1/(1+∞)'s gradient
                // is exactly 0; the product would be NaN where the σ gate gives 0)
                let grad = if upstream == 0.0 && locals[k].is_infinite() { 0.0 } else { upstream * locals[k] };
                arriving[input].push((id, grad));
                sends.push(Send { to: input, local: locals[k], grad });
            }
            steps.push(Step { node: id, contributions, upstream, sends, role: node.op.role() });
        }
        Trace { steps }
    }

    /// The gradients after the first `k` steps of `trace`: a node has its gradient once its own
    /// step is done. After all steps, nodes the output does not depend on get 0; constants
    /// never get one.
    pub fn grads_after(&self, trace: &Trace, k: usize) -> Vec<Option<f64>> {
        let mut grads = vec![None; self.nodes.len()];
        for step in trace.steps.iter().take(k) {
            grads[step.node] = Some(step.upstream);
        }
        if k >= trace.steps.len() && !trace.steps.is_empty() {
            for (g, n) in grads.iter_mut().zip(&self.nodes) {
                if g.is_none() && n.op != Op::Const {
                    *g = Some(0.0);
                }
            }
        }
        grads
    }

    /// Shows the gradients after `k` steps of the backward pass (see [`Graph::grads_after`]).
    pub fn show_steps(&mut self, trace: &Trace, k: usize) {
        let grads = self.grads_after(trace, k);
        for (n, g) in self.nodes.iter_mut().zip(grads) {
            n.grad = g;
        }
    }

    /// Full backward pass: fills every gradient and returns the trace. Running it twice gives
    /// the same gradients as once (they are recomputed, never added to the old ones).
    pub fn backward(&mut self) -> Trace {
        let trace = self.trace();
        self.show_steps(&trace, trace.steps.len());
        trace
    }

    /// The output's value with the given input replaced by `x` (values of the graph itself are
    /// untouched).
    fn output_with(&self, input: NodeId, x: f64) -> f64 {
        let mut values: Vec<f64> = Vec::with_capacity(self.nodes.len());
        for (i, n) in self.nodes.iter().enumerate() {
            let arg = |k: usize| n.inputs.get(k).map_or(0.0, |&j| values[j]);
            let v = match n.op {
                Op::Input | Op::Const if i == input => x,
                Op::Input | Op::Const => n.value,
                op => op.apply(arg(0), arg(1)).0,
            };
            values.push(v);
        }
        self.output().map_or(f64::NAN, |o| values[o])
    }

    /// Centred finite differences for every input: (f(x+h) − f(x−h)) / 2h with
    /// h = 1e-5·max(1, |x|), against the analytic gradient of the backward pass.
    pub fn gradcheck(&self) -> Vec<GradCheck> {
        let trace = self.trace();
        let analytic = self.grads_after(&trace, trace.steps.len());
        self.inputs()
            .into_iter()
            .map(|id| {
                let x = self.nodes[id].value;
                let h = 1e-5 * x.abs().max(1.0);
                let numeric = (self.output_with(id, x + h) - self.output_with(id, x - h)) / (2.0 * h);
                let a = analytic[id].unwrap_or(0.0);
                let rel_error = if a.is_finite() && numeric.is_finite() {
                    (a - numeric).abs() / a.abs().max(numeric.abs()).max(1e-8)
                } else {
                    f64::NAN
                };
                GradCheck { input: id, analytic: a, numeric, rel_error }
            })
            .collect()
    }

    /// Nodes the output depends on that sit where their function has no derivative (a kink),
    /// each with what the engine uses there: relu(0) and |0| take slope 0, a tie in max/min
    /// sends the gradient to the first input, and √0 has an infinite slope.
    pub fn kinks(&self) -> Vec<Problem> {
        let needed = self.ancestors();
        let mut out = Vec::new();
        for (id, n) in self.nodes.iter().enumerate() {
            if !needed.get(id).copied().unwrap_or(false) {
                continue;
            }
            let (a, b) = (self.arg(&n.inputs, 0), self.arg(&n.inputs, 1));
            let message = match n.op {
                Op::Relu if a == 0.0 => {
                    "relu(0) has no derivative: the slope is 0 on the left and 1 on the right; the engine uses 0".to_string()
                }
                Op::Abs if a == 0.0 => {
                    "|0| has no derivative: the slope is −1 on the left and 1 on the right; the engine uses 0".to_string()
                }
                Op::Max | Op::Min if a == b => format!(
                    "{}({}, {}) is a tie, where it has no derivative; the engine sends the whole gradient to the first input",
                    n.op.name(),
                    fmt_short(a),
                    fmt_short(b)
                ),
                Op::Sqrt if a == 0.0 => {
                    "√0: the slope 1/(2√x) is infinite at 0, so the gradient through it is ∞ (or NaN)".to_string()
                }
                _ => continue,
            };
            out.push(Problem { node: id, message });
        }
        out
    }

    /// Nodes whose value is not finite although their inputs are, each with the reason.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (id, n) in self.nodes.iter().enumerate() {
            if n.value.is_finite() || n.inputs.iter().any(|&i| !self.nodes[i].value.is_finite()) {
                continue;
            }
            let a = self.arg(&n.inputs, 0);
            let b = self.arg(&n.inputs, 1);
            let (sa, sb) = (fmt_short(a), fmt_short(b));
            let message = match n.op {
                Op::Log if a < 0.0 => format!("log({sa}) is not a real number: log needs a positive input"),
                Op::Log => "log(0) is −∞: log needs a positive input".to_string(),
                Op::Sqrt => format!("√({sa}) is not a real number: √ needs an input ≥ 0"),
                Op::Div if b == 0.0 => format!("{sa} ÷ 0: division by zero"),
                Op::Exp => format!("exp({sa}) is too large for a 64-bit float (overflow)"),
                Op::Pow | Op::PowC(_) if a < 0.0 => {
                    let p = match n.op {
                        Op::PowC(p) => fmt_compact(p),
                        _ => sb,
                    };
                    format!("({sa})^{p} is not a real number: a negative base needs a whole exponent")
                }
                Op::Pow | Op::PowC(_) if a == 0.0 => "0 to a negative power is ∞ (division by zero)".to_string(),
                _ => format!("{} overflowed: the result is too large for a 64-bit float", n.op.name()),
            };
            out.push(Problem { node: id, message });
        }
        out
    }
}

/// A number in the short form shown on wires: two decimals (−0.20, 0.39, 1.37), scientific
/// for very large or very small magnitudes, a real minus sign, and `NaN`/`∞` for non-finite.
pub fn fmt_short(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "∞".into() } else { "−∞".into() };
    }
    let a = v.abs();
    let s = if a != 0.0 && !(0.005..1e5).contains(&a) {
        format!("{v:.1e}")
    } else {
        let s = format!("{v:.2}");
        if s == "-0.00" {
            "0.00".to_string()
        } else {
            s
        }
    };
    s.replace('-', "−")
}

/// A number as short as it can be without losing what matters for a label: `2`, `0.5`, `-1`.
pub fn fmt_compact(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}").replace('-', "−")
    } else if v.is_finite() {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').replace('-', "−")
    } else {
        fmt_short(v)
    }
}

/// An f64 in full precision, readable back by JavaScript's `parseFloat`/`Number`
/// (`NaN`, `Infinity`, `-Infinity` for non-finite): the `data-value`/`data-grad` hooks.
pub fn fmt_full(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{v}")
    }
}

/// The sentence the step-through shows for one step, in the lecture's words.
pub fn explain(graph: &Graph, step: &Step) -> String {
    let name = match graph.node(step.node) {
        // only ever starts a sentence
        Some(n) if n.name.is_none() => format!("The {} gate ({})", n.op.symbol(), graph.label(step.node)),
        _ => graph.label(step.node),
    };
    let up = fmt_short(step.upstream);
    let mut s = String::new();
    if step.contributions.is_empty() {
        s.push_str(&format!("{name} is the output: its gradient starts at 1. "));
    } else if step.contributions.len() > 1 {
        let parts: Vec<String> = step.contributions.iter().map(|c| fmt_short(c.1)).collect();
        s.push_str(&format!(
            "{name} fans out to {} gates, so its upstream gradient is their sum: {} = {up}. ",
            step.contributions.len(),
            parts.join(" + ")
        ));
    } else {
        s.push_str(&format!("{name} receives upstream gradient {up}. "));
    }
    let sends: Vec<String> = step
        .sends
        .iter()
        .map(|x| format!("{}: {} × {} = {}", graph.shown_name(x.to), up, fmt_short(x.local), fmt_short(x.grad)))
        .collect();
    let op = graph.node(step.node).map_or(Op::Input, |n| n.op);
    match step.role {
        Role::Leaf => {
            let out = graph.output().map(|o| graph.label(o)).unwrap_or_default();
            s.push_str(&format!("{name} is an input: ∂{out}/∂{name} = {up}."))
        }
        Role::Distributes => s.push_str("The add gate distributes: each input gets the upstream gradient"),
        Role::SwapsAndScales => s.push_str("The mul gate swaps and scales: each input gets upstream × the other input"),
        Role::Routes => s.push_str(&format!(
            "The {} gate routes: the {} input gets the upstream gradient, the other gets 0",
            op.name(),
            if op == Op::Max { "larger" } else { "smaller" }
        )),
        Role::Scales => s.push_str(&format!("Upstream × local gradient ({})", op.local_rule())),
    }
    if op == Op::Sub {
        s.push_str(" (negated for the subtracted one)");
    }
    if !sends.is_empty() {
        s.push_str(": ");
        s.push_str(&sends.join("; "));
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests;
