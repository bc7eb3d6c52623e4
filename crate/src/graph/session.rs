//! A graph as a script uses it (the JavaScript `Graph` API): parse an expression, run the
//! passes, read the nodes and the backward pass's steps, check the gradients, set an input.
//! Everything a caller passes is checked here, so the checks are tested natively; answers are
//! plain serialisable records with nodes named by their labels.

use super::{explain, Graph, Op, Trace};
use crate::expr::{self, Options};
use serde::Serialize;

/// One node as a script sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeInfo {
    /// Its name, or `n<k>` when unnamed.
    pub name: String,
    /// `input`, `const`, `add`, `mul`, `sigmoid`…
    pub op: &'static str,
    /// The labels of its inputs, in order.
    pub inputs: Vec<String>,
    pub value: f64,
    /// `None` before the backward pass reaches it (and always for constants).
    pub grad: Option<f64>,
}

/// What one step of the backward pass sends to one input: upstream × local.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SendInfo {
    pub to: String,
    pub upstream: f64,
    pub local: f64,
    /// upstream × local.
    pub grad: f64,
}

/// One step of the backward pass.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepInfo {
    pub node: String,
    /// What each consumer sent back (their sum is `upstream`); empty for the output.
    pub contributions: Vec<(String, f64)>,
    pub upstream: f64,
    pub sends: Vec<SendInfo>,
    /// The sentence the page shows for the step.
    pub text: String,
}

/// The centred-difference check of one input (`relError` in JavaScript).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckInfo {
    pub input: String,
    pub analytic: f64,
    pub numeric: f64,
    pub rel_error: f64,
    pub flagged: bool,
}

/// A parse error with its place, for an `Error` with `line` and `column`.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceError {
    pub line: usize,
    pub column: usize,
    /// “line L, column C: what was expected”, and the line with a caret under the place.
    pub message: String,
}

/// A parsed expression and its passes.
#[derive(Clone, Debug)]
pub struct Session {
    graph: Graph,
    trace: Option<Trace>,
}

impl Session {
    /// A session on a graph already parsed (its values computed, no backward pass yet).
    pub fn of(graph: Graph) -> Session {
        Session { graph, trace: None }
    }

    /// Parses `source` (the lab's expression language); values are computed, no gradients.
    pub fn parse(source: &str) -> Result<Session, SourceError> {
        match expr::parse(source, Options::default()) {
            Ok(graph) => Ok(Session { graph, trace: None }),
            Err(e) => Err(SourceError { line: e.line, column: e.column, message: format!("{e}\n{}", e.caret(source)) }),
        }
    }

    /// Recomputes every value; clears the gradients.
    pub fn forward(&mut self) {
        self.graph.forward();
        self.trace = None;
    }

    /// The whole backward pass: every gradient. Returns the number of steps.
    pub fn backward(&mut self) -> usize {
        let trace = self.graph.backward();
        let n = trace.steps.len();
        self.trace = Some(trace);
        n
    }

    /// The backward pass in order (output first), each step with its upstream × local
    /// products; computed from the current values whether or not `backward` ran.
    pub fn steps(&self) -> Vec<StepInfo> {
        let trace = self.trace.clone().unwrap_or_else(|| self.graph.trace());
        let g = &self.graph;
        trace
            .steps
            .iter()
            .map(|s| StepInfo {
                node: g.label(s.node),
                contributions: s.contributions.iter().map(|&(from, v)| (g.label(from), v)).collect(),
                upstream: s.upstream,
                sends: s
                    .sends
                    .iter()
                    .map(|x| SendInfo { to: g.label(x.to), upstream: s.upstream, local: x.local, grad: x.grad })
                    .collect(),
                text: explain(g, s),
            })
            .collect()
    }

    pub fn nodes(&self) -> Vec<NodeInfo> {
        let g = &self.graph;
        g.nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| NodeInfo {
                name: g.label(i),
                op: n.op.name(),
                inputs: n.inputs.iter().map(|&k| g.label(k)).collect(),
                value: n.value,
                grad: n.grad,
            })
            .collect()
    }

    pub fn gradcheck(&self) -> Vec<CheckInfo> {
        self.graph
            .gradcheck()
            .iter()
            .map(|c| CheckInfo {
                input: self.graph.label(c.input),
                analytic: c.analytic,
                numeric: c.numeric,
                rel_error: c.rel_error,
                flagged: c.flagged(),
            })
            .collect()
    }

    /// Sets the input `name` to `value` (a finite number) and recomputes the values; the
    /// gradients are cleared (they belonged to the old values).
    pub fn set_input(&mut self, name: &str, value: f64) -> Result<(), String> {
        let inputs: Vec<String> = self.graph.inputs().iter().map(|&i| self.graph.label(i)).collect();
        let shown: String = name.chars().take(40).collect();
        let Some(id) = self.graph.find(name) else {
            return Err(format!(
                "setInput(name, value): there is no node called “{shown}”; the inputs are {}",
                list(&inputs)
            ));
        };
        if self.graph.node(id).map(|n| n.op) != Some(Op::Input) {
            return Err(format!(
                "setInput(name, value): “{shown}” is a gate, not an input; the inputs are {}",
                list(&inputs)
            ));
        }
        if !value.is_finite() {
            return Err(format!("setInput(name, value): the value must be a finite number, got {value}"));
        }
        self.graph.set_value(id, value).map_err(|e| format!("setInput(name, value): {e}"))?;
        self.trace = None;
        Ok(())
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none (the expression has no inputs)".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CIRCUIT: &str = "x = -2; y = 5; z = -4\nq = x + y\nf = q * z";

    #[test]
    fn the_circuit_through_the_api() {
        let mut s = Session::parse(CIRCUIT).unwrap();
        let f = s.nodes().into_iter().find(|n| n.name == "f").unwrap();
        assert_eq!((f.op, f.value, f.grad, f.inputs.clone()), ("mul", -12.0, None, vec!["q".into(), "z".into()]));
        let steps = s.steps();
        assert_eq!(steps[0].node, "f");
        assert!(s.nodes().iter().all(|n| n.grad.is_none()), "steps() alone sets no gradient");
        assert_eq!(s.backward(), steps.len());
        let grad = |s: &Session, name: &str| s.nodes().into_iter().find(|n| n.name == name).unwrap().grad;
        assert_eq!((grad(&s, "x"), grad(&s, "y"), grad(&s, "z")), (Some(-4.0), Some(-4.0), Some(3.0)));
        let q = &s.steps()[0].sends[0];
        assert_eq!((q.to.as_str(), q.upstream, q.local, q.grad), ("q", 1.0, -4.0, -4.0));
        assert!(s.steps()[0].text.contains("output"));
        assert!(s.gradcheck().iter().all(|c| !c.flagged) && s.gradcheck().len() == 3);
        s.set_input("x", 1.0).unwrap();
        assert_eq!(s.nodes().iter().find(|n| n.name == "f").unwrap().value, -24.0);
        assert_eq!(grad(&s, "x"), None, "a new value clears the gradients");
    }

    #[test]
    fn bad_arguments_say_what_is_allowed() {
        let e = Session::parse("x = 2\nf = x +").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.starts_with("line 2, column") && e.message.contains('^'), "{}", e.message);
        let mut s = Session::parse(CIRCUIT).unwrap();
        let m = s.set_input("w", 1.0).unwrap_err();
        assert!(m.contains("“w”") && m.contains("x, y, z"), "{m}");
        assert!(s.set_input("q", 1.0).unwrap_err().contains("is a gate"));
        assert!(s.set_input("x", f64::NAN).unwrap_err().contains("finite"));
        assert!(s.set_input("x", f64::INFINITY).is_err());
        // still usable after the errors
        s.set_input("x", 3.0).unwrap();
        assert_eq!(s.backward(), s.steps().len());
        let none = Session::parse("f = 2 * 3").unwrap().set_input("a", 1.0).unwrap_err();
        assert!(none.contains("no inputs"), "{none}");
    }
}
