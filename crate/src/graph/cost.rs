//! What a gradient costs: forward-mode differentiation (one pass per input, tangents pushed
//! forward through the same local derivatives the backward pass uses), and the operations
//! each way of getting every input's gradient takes, counted by running it.
//!
//! An *operation* is one gate evaluated (its value, or its local derivatives beside it), one
//! product of a local derivative and a gradient (or a tangent), or one sum of two of them.

use super::{Graph, NodeId, Op};

/// Operations for every input's gradient, four ways.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Costs {
    /// Inputs of the graph (the gradients wanted).
    pub inputs: usize,
    /// One forward pass: every gate evaluated once.
    pub forward: usize,
    /// The backward pass (reverse mode) after a forward pass: each gate's local derivatives,
    /// a product per input it sends to, a sum where gradients meet.
    pub backward: usize,
    /// Forward mode: a pass per input, each gate's value and local derivatives, a product per
    /// input with a tangent, a sum where tangents meet.
    pub forward_mode: usize,
    /// Centred differences: two forward passes per input, a difference and a division each.
    pub numeric: usize,
}

impl Graph {
    /// Forward mode: the tangent of every node along `input` (∂node/∂input), in one pass in
    /// the nodes' order. 0 × ∞ is taken as 0, as the backward pass takes it. With the count of
    /// operations it took.
    pub fn tangents(&self, input: NodeId) -> (Vec<f64>, usize) {
        let mut t = vec![0.0; self.nodes.len()];
        let mut ops = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            if i == input {
                t[i] = 1.0;
                continue;
            }
            if node.op.arity() == 0 {
                continue;
            }
            let (_, locals) = node.op.apply(self.arg(&node.inputs, 0), self.arg(&node.inputs, 1));
            ops += 1;
            let mut terms = 0usize;
            let mut sum = 0.0;
            for (k, &j) in node.inputs.iter().enumerate() {
                if self.nodes[j].op == Op::Const {
                    continue;
                }
                let product = if t[j] == 0.0 && locals[k].is_infinite() { 0.0 } else { locals[k] * t[j] };
                sum += product;
                terms += 1;
            }
            ops += terms + terms.saturating_sub(1);
            t[i] = sum;
        }
        (t, ops)
    }

    /// The operations of each way, counted by running it (the graph's values are not changed).
    pub fn costs(&self) -> Costs {
        let inputs = self.inputs();
        let forward = self.nodes.iter().filter(|n| n.op.arity() > 0).count();
        let backward = self
            .trace()
            .steps
            .iter()
            .filter(|s| !s.sends.is_empty() || s.contributions.len() > 1)
            .map(|s| usize::from(!s.sends.is_empty()) + s.sends.len() + s.contributions.len().saturating_sub(1))
            .sum();
        let forward_mode = inputs.iter().map(|&i| self.tangents(i).1).sum();
        // f(x + h) and f(x − h) for each input, then (f₊ − f₋) / 2h
        let numeric = inputs.len() * (2 * forward + 2);
        Costs { inputs: inputs.len(), forward, backward, forward_mode, numeric }
    }
}

#[cfg(test)]
mod tests {
    use crate::expr::parse;
    use proptest::prelude::*;

    fn graph(src: &str) -> crate::graph::Graph {
        let mut g = parse(src, Default::default()).unwrap();
        g.forward();
        g
    }

    #[test]
    fn the_circuit_costs_exactly() {
        // q = x + y, f = q * z: 2 gates
        let g = graph("x = -2; y = 5; z = -4\nq = x + y\nf = q * z");
        let c = g.costs();
        assert_eq!((c.inputs, c.forward), (3, 2));
        // f: locals + 2 products; q: locals + 2 products; the inputs send nothing
        assert_eq!(c.backward, 6);
        // along x: q (1 + 2 products + 1 sum), f (1 + 2 + 1) = 8, and so along y and z
        assert_eq!(c.forward_mode, 3 * 8);
        assert_eq!(c.numeric, 3 * (2 * 2 + 2));
        let (t, _) = g.tangents(g.find("x").unwrap());
        assert_eq!(t[g.find("f").unwrap()], -4.0);
        // fan-out: a used three times, the gradients meet
        let g = graph("a = 3\nb = a * a + 2 * a");
        let c = g.costs();
        assert_eq!(c.forward, 3, "a * a, 2 * a and the sum: the constant is no gate");
        assert!(c.backward > c.forward);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Forward mode's tangent of the output along each input is the backward pass's
        /// gradient of that input.
        #[test]
        fn forward_mode_tangents_are_the_reverse_mode_gradients(
            vals in prop::collection::vec(-3.0f64..3.0, 3),
            ops in prop::collection::vec(0usize..7, 1..7),
        ) {
            let forms = [
                "{l} * {r}",
                "{l} + {r}",
                "tanh({l}) * {r}",
                "sigmoid({l}) - {r}",
                "exp(-{l}) * {l}",
                "{l} ^ 2 + {r}",
                "max({l}, {r}) * {l}",
            ];
            let src = crate::expr::chain_source(&vals, &ops, &forms);
            let mut g = parse(&src, Default::default()).unwrap();
            g.forward();
            g.backward();
            let out = g.output().unwrap();
            for input in g.inputs() {
                let (t, _) = g.tangents(input);
                let grad = g.node(input).and_then(|n| n.grad).unwrap_or(0.0);
                prop_assert!((t[out] - grad).abs() <= 1e-9 * (1.0 + grad.abs()), "input {}: tangent {} vs gradient {}", g.label(input), t[out], grad);
            }
            let c = g.costs();
            prop_assert_eq!(c.numeric, c.inputs * (2 * c.forward + 2));
        }
    }
}
