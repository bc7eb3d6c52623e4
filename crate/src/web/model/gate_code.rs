//! The gate's code: each step of the backward pass as the gate's `backward` in the lecture's
//! style (`dx = y * dz`), with the numbers in — one line per input the gate sends a gradient
//! to, `+=` where an input has more than one consumer (its gradients add up).

use crate::graph::{fmt_compact, Graph, NodeId, Op, Trace};
use crate::web::model::plot_math::{factor, sig};

/// A name in the code: the input's label, or a constant's value.
fn name(graph: &Graph, id: NodeId) -> String {
    match graph.node(id) {
        Some(n) if n.op == Op::Const => fmt_compact(n.value),
        _ => graph.label(id),
    }
}

/// The local gradient of `node`'s gate with respect to its input number `i`, as code.
fn local(graph: &Graph, node: NodeId, i: usize) -> String {
    let Some(n) = graph.node(node) else { return String::new() };
    let arg = |j: usize| n.inputs.get(j).map(|&id| name(graph, id)).unwrap_or_default();
    let out = graph.label(node);
    let (a, b) = (arg(0), arg(1));
    match (n.op, i) {
        (Op::Add, _) | (Op::Sub, 0) => "1".into(),
        (Op::Sub, _) | (Op::Neg, _) => "-1".into(),
        (Op::Mul, 0) => b,
        (Op::Mul, _) => a,
        (Op::Div, 0) => format!("1 / {b}"),
        (Op::Div, _) => format!("-{a} / {b}**2"),
        (Op::Pow, 0) => format!("{b} * {a}**({b} - 1)"),
        (Op::Pow, _) => format!("log({a}) * {out}"),
        (Op::PowC(p), _) => format!("{} * {a}**{}", fmt_compact(p), fmt_compact(p - 1.0)),
        (Op::Exp, _) => out,
        (Op::Log, _) => format!("1 / {a}"),
        (Op::Sqrt, _) => format!("0.5 / {out}"),
        (Op::Tanh, _) => format!("(1 - {out}**2)"),
        (Op::Sigmoid, _) => format!("{out} * (1 - {out})"),
        (Op::Relu, _) => format!("({a} > 0)"),
        (Op::Abs, _) => format!("sign({a})"),
        (Op::Max, _) | (Op::Min, _) => format!("({} wins)", arg(i)),
        (Op::Input, _) | (Op::Const, _) => String::new(),
    }
}

/// The lines of step `k`: a comment naming the gate, then `dinput = local * dnode = numbers`
/// for each input it sends to. Empty for a leaf's step (nothing to send).
pub fn gate_code(graph: &Graph, trace: &Trace, k: usize) -> Vec<String> {
    let Some(step) = trace.steps.get(k) else { return vec![] };
    let Some(n) = graph.node(step.node) else { return vec![] };
    if step.sends.is_empty() {
        return vec![];
    }
    let me = graph.label(step.node);
    let args: Vec<String> = n.inputs.iter().map(|&id| name(graph, id)).collect();
    let mut lines = vec![format!("# the {} gate's backward: {me} = {}", n.op.name(), call(n.op, &args))];
    // which input each send is for: the non-constant inputs, in order
    let inputs: Vec<(usize, NodeId)> = n
        .inputs
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, id)| graph.node(id).is_some_and(|m| m.op != Op::Const))
        .collect();
    for (send, &(i, id)) in step.sends.iter().zip(&inputs) {
        let consumers = graph.nodes().iter().filter(|m| m.inputs.contains(&id)).count();
        let same = n.inputs.iter().filter(|&&j| j == id).count();
        let op = if consumers > 1 || same > 1 { "+=" } else { "=" };
        lines.push(format!(
            "d{} {op} {} * d{me}   # = {} × {} = {}",
            graph.label(id),
            local(graph, step.node, i),
            factor(send.local),
            factor(step.upstream),
            sig(send.grad, 6)
        ));
    }
    lines
}

/// The forward expression of a gate, as code.
fn call(op: Op, args: &[String]) -> String {
    let a = |i: usize| args.get(i).cloned().unwrap_or_default();
    match op {
        Op::Add => format!("{} + {}", a(0), a(1)),
        Op::Sub => format!("{} - {}", a(0), a(1)),
        Op::Mul => format!("{} * {}", a(0), a(1)),
        Op::Div => format!("{} / {}", a(0), a(1)),
        Op::Neg => format!("-{}", a(0)),
        Op::Pow => format!("{} ** {}", a(0), a(1)),
        Op::PowC(p) => format!("{} ** {}", a(0), fmt_compact(p)),
        Op::Max | Op::Min => format!("{}({}, {})", op.name(), a(0), a(1)),
        Op::Input | Op::Const => a(0),
        _ => format!("{}({})", op.name(), a(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use proptest::prelude::*;

    fn run(src: &str) -> (Graph, Trace) {
        let mut g = parse(src, Default::default()).unwrap();
        g.forward();
        let t = g.backward();
        (g, t)
    }

    #[test]
    fn the_circuit_in_the_lectures_style() {
        let (g, t) = run("x = -2; y = 5; z = -4\nq = x + y\nf = q * z");
        assert_eq!(
            gate_code(&g, &t, 0),
            ["# the mul gate's backward: f = q * z", "dq = z * df   # = (−4) × 1 = −4", "dz = q * df   # = 3 × 1 = 3",]
        );
        assert_eq!(gate_code(&g, &t, 1)[1], "dx = 1 * dq   # = 1 × (−4) = −4");
        assert!(gate_code(&g, &t, 2).is_empty(), "an input sends nothing");
        // fan-out adds up; a constant is its value
        let (g, t) = run("a = 3\nb = a * a + 2 * a");
        let all: Vec<String> = (0..t.steps.len()).flat_map(|k| gate_code(&g, &t, k)).collect();
        assert!(all.iter().any(|l| l.starts_with("da += a * d")), "{all:?}");
        assert!(all.iter().any(|l| l.starts_with("da += 2 * d")), "{all:?}");
        let (g, t) = run("x = 0.5\ns = sigmoid(x)");
        assert_eq!(gate_code(&g, &t, 0)[1], "dx = s * (1 - s) * ds   # = 0.235004 × 1 = 0.235004");
    }

    fn numbers(s: &str) -> Vec<f64> {
        s.replace('−', "-").replace(['(', ')'], " ").split_whitespace().filter_map(|w| w.parse::<f64>().ok()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Every line's numbers are the step's: local × upstream = what is sent.
        #[test]
        fn each_line_multiplies_to_what_is_sent(
            vals in prop::collection::vec(0.2f64..3.0, 3),
            ops in prop::collection::vec(0usize..8, 1..6),
        ) {
            let forms = [
                "{l} * {r}",
                "{l} + {r}",
                "tanh({l})",
                "{l} / {r}",
                "exp(-{l})",
                "{l} ^ 2",
                "sigmoid({l}) - {r}",
                "max({l}, {r})",
            ];
            let src = crate::expr::chain_source(&vals, &ops, &forms);
            let (g, t) = run(&src);
            for (k, step) in t.steps.iter().enumerate() {
                let lines = gate_code(&g, &t, k);
                prop_assert_eq!(lines.len(), if step.sends.is_empty() { 0 } else { step.sends.len() + 1 });
                for (line, send) in lines.iter().skip(1).zip(&step.sends) {
                    let tail = line.split("# = ").nth(1).unwrap_or_default();
                    let n = numbers(tail);
                    prop_assert_eq!(n.len(), 3, "{}", line);
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-5 * (1.0 + b.abs());
                    prop_assert!(close(n[0], send.local) && close(n[1], step.upstream) && close(n[2], send.grad), "{}", line);
                    prop_assert!(line.starts_with(&format!("d{} ", g.label(send.to))), "{}", line);
                }
            }
        }
    }
}
