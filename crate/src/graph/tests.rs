use super::*;
use crate::expr::{parse, Options};
use proptest::prelude::*;

fn graph(src: &str) -> Graph {
    parse(src, Options::default()).unwrap_or_else(|e| panic!("{e}\n{}", e.caret(src)))
}

fn grad(g: &Graph, name: &str) -> f64 {
    let id = g.find(name).unwrap_or_else(|| panic!("no node {name}"));
    g.nodes()[id].grad.unwrap_or_else(|| panic!("{name} has no gradient"))
}

fn value(g: &Graph, name: &str) -> f64 {
    g.nodes()[g.find(name).unwrap()].value
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {
        assert_close!($a, $b, 1e-12)
    };
    ($a:expr, $b:expr, $tol:expr) => {{
        let (a, b) = ($a, $b);
        assert!(close(a, b, $tol), "{} = {a}, expected {b}", stringify!($a));
    }};
}

pub const CIRCUIT: &str = "x = -2; y = 5; z = -4\nq = x + y\nf = q * z";
pub const NEURON: &str = "w0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))";

#[test]
fn cs231n_circuit() {
    let mut g = graph(CIRCUIT);
    assert_eq!(value(&g, "f"), -12.0);
    g.backward();
    assert_eq!(grad(&g, "x"), -4.0);
    assert_eq!(grad(&g, "y"), -4.0);
    assert_eq!(grad(&g, "z"), 3.0);
    assert_eq!(grad(&g, "q"), -4.0);
    assert_eq!(grad(&g, "f"), 1.0);
}

#[test]
fn sigmoid_neuron_by_hand_and_as_one_gate() {
    let s = sigmoid(1.0);
    let ds = s * (1.0 - s);
    let expected = [("w0", -ds), ("x0", 2.0 * ds), ("w1", -2.0 * ds), ("x1", -3.0 * ds), ("w2", ds)];
    let one_gate = "w0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = sigmoid(w0*x0 + w1*x1 + w2)";
    for (src, expand) in [(NEURON, false), (one_gate, false), (one_gate, true)] {
        let mut g = parse(src, Options { expand_sigmoid: expand }).unwrap();
        g.backward();
        assert_close!(value(&g, "f"), s);
        assert!((value(&g, "f") - 0.73).abs() < 0.005);
        for (name, d) in expected {
            assert_close!(grad(&g, name), d, 1e-12);
        }
        // the lecture's rounded figures
        let rounded: Vec<String> = ["w0", "w1", "w2", "x0", "x1"].iter().map(|n| fmt_short(grad(&g, n))).collect();
        assert_eq!(rounded, ["−0.20", "−0.39", "0.20", "0.39", "−0.59"]);
    }
    let expanded = parse(one_gate, Options { expand_sigmoid: true }).unwrap();
    let ops: Vec<&str> = expanded.nodes().iter().map(|n| n.op.name()).collect();
    assert!(!ops.contains(&"sigmoid") && ops.contains(&"exp") && ops.contains(&"div") && ops.contains(&"neg"));
}

#[test]
fn relu_neuron() {
    let mut g = graph("x0 = 1; x1 = -2; x2 = 3; w0 = -3; w1 = -1; w2 = 2; b = 1\nrelu(x0*w0 + x1*w1 + x2*w2 + b)");
    let out = g.output().unwrap();
    assert_eq!(g.nodes()[out].value, 6.0);
    assert_eq!(g.label(out), format!("n{out}"));
    g.backward();
    for (x, w) in [("x0", "w0"), ("x1", "w1"), ("x2", "w2")] {
        assert_eq!(grad(&g, w), value(&g, x), "∂{w} = {x}");
        assert_eq!(grad(&g, x), value(&g, w), "∂{x} = {w}");
    }
    assert_eq!(grad(&g, "b"), 1.0);
    // the products −3, 2, 6 of the lecture
    let products: Vec<f64> = g.nodes().iter().filter(|n| n.op == Op::Mul).map(|n| n.value).collect();
    assert_eq!(products, [-3.0, 2.0, 6.0]);
}

#[test]
fn final_layer_delta() {
    let mut g =
        graph("w0 = 0.5; x0 = 1; w1 = -0.3; x1 = 2; b = 0.1; d = 1\ny = sigmoid(w0*x0 + w1*x1 + b)\nL = 0.5*(y - d)^2");
    g.backward();
    let y = value(&g, "y");
    let delta = (y - 1.0) * y * (1.0 - y);
    assert_close!(grad(&g, "b"), delta);
    assert_close!(grad(&g, "w0"), delta * 1.0);
    assert_close!(grad(&g, "w1"), delta * 2.0);
    assert_close!(grad(&g, "x1"), delta * -0.3);
    assert_close!(grad(&g, "d"), -(y - 1.0));
}

#[test]
fn fitting_three_x_squared() {
    let mut g = graph("theta = 0; x = 1; y = 3\nE = (theta*x^2 - y)^2");
    g.backward();
    assert_eq!(grad(&g, "theta"), -6.0);
    let mut g = graph("theta = 0; x = 1; y = 3\nE = 0.5*(theta*x^2 - y)^2");
    g.backward();
    assert_eq!(grad(&g, "theta"), -3.0);
}

#[test]
fn fan_out_accumulates_and_backward_is_idempotent() {
    let mut g = graph("a = 3\nf = a*a + a");
    g.backward();
    assert_eq!(grad(&g, "a"), 7.0);
    g.backward();
    assert_eq!(grad(&g, "a"), 7.0, "a second backward pass must not double the gradient");
    let trace = g.trace();
    let a = g.find("a").unwrap();
    let step = trace.steps.iter().find(|s| s.node == a).unwrap();
    assert_eq!(step.contributions.len(), 3, "a*a sends twice, + once");
    assert!(explain(&g, step).contains("fans out"));
}

#[test]
fn gate_roles() {
    let g = graph("x = 3; y = -1\nm = max(x, y)\nf = m * 2 + y");
    let trace = g.trace();
    let m = trace.steps.iter().find(|s| g.nodes()[s.node].op == Op::Max).unwrap();
    assert_eq!(m.role, Role::Routes);
    assert_eq!(m.sends.iter().map(|s| s.grad).collect::<Vec<_>>(), [2.0, 0.0], "the loser gets 0");
    let add = trace.steps.iter().find(|s| g.nodes()[s.node].op == Op::Add).unwrap();
    assert_eq!(add.role, Role::Distributes);
    assert!(add.sends.iter().all(|s| s.grad == add.upstream));
    let g = graph("a = 3; b = -2\nf = a * b");
    let step = &g.trace().steps[0];
    assert_eq!(step.role, Role::SwapsAndScales);
    assert_eq!(step.sends.iter().map(|s| s.local).collect::<Vec<_>>(), [-2.0, 3.0], "mul swaps");
    assert!(explain(&g, step).contains("swaps"));
}

#[test]
fn step_through_fills_gradients_in_reverse_topological_order() {
    let g = graph(NEURON);
    let trace = g.trace();
    let order: Vec<NodeId> = trace.steps.iter().map(|s| s.node).collect();
    assert_eq!(order[0], g.output().unwrap());
    for (pos, &id) in order.iter().enumerate() {
        for &input in &g.nodes()[id].inputs {
            if g.nodes()[input].op != Op::Const {
                let later = order.iter().position(|&x| x == input).unwrap();
                assert!(later > pos, "input {input} of {id} must come after it");
            }
        }
    }
    assert_eq!(g.grads_after(&trace, 0).iter().flatten().count(), 0);
    assert_eq!(g.grads_after(&trace, 1).iter().flatten().count(), 1);
    let full = g.grads_after(&trace, trace.steps.len());
    let mut h = g.clone();
    h.backward();
    assert_eq!(full, h.nodes().iter().map(|n| n.grad).collect::<Vec<_>>());
    // constants never get a gradient
    assert!(h.nodes().iter().filter(|n| n.op == Op::Const).all(|n| n.grad.is_none()));
}

#[test]
fn editing_an_input_recomputes() {
    let mut g = graph(CIRCUIT);
    g.set_value(g.find("x").unwrap(), 3.0).unwrap();
    assert_eq!(value(&g, "f"), -32.0);
    assert_eq!(g.set_value(g.find("q").unwrap(), 1.0), Err(GraphError::NotAnInput));
    assert_eq!(g.set_value(999, 1.0), Err(GraphError::NotAnInput));
}

#[test]
fn non_finite_values_are_marked_not_panics() {
    for (src, needle) in [
        ("a = -2\nf = log(a)", "not a real number"),
        ("a = 0\nf = log(a)", "−∞"),
        ("a = 800\nf = exp(a)", "too large"),
        ("a = -4\nf = sqrt(a)", "√"),
        ("a = 1; b = 0\nf = a / b", "division by zero"),
        ("a = -8\nf = a^0.5", "negative base"),
        ("a = -8; b = 0.5\nf = a^b", "negative base"),
    ] {
        let mut g = graph(src);
        let out = g.output().unwrap();
        assert!(!g.nodes()[out].value.is_finite(), "{src}");
        let problems = g.problems();
        assert_eq!(problems.len(), 1, "{src}: {problems:?}");
        assert!(problems[0].message.contains(needle), "{src}: {}", problems[0].message);
        g.backward();
        let checks = g.gradcheck();
        assert!(checks.iter().all(|c| c.input < g.len()));
    }
}

#[test]
fn gradcheck_flags_only_real_disagreements() {
    let g = graph(NEURON);
    let checks = g.gradcheck();
    assert_eq!(checks.len(), 5);
    assert!(checks.iter().all(|c| !c.flagged()), "{checks:?}");
    let bad = GradCheck { input: 0, analytic: 1.0, numeric: 1.1, rel_error: 0.1 / 1.1 };
    assert!(bad.flagged());
    let nan = GradCheck { input: 0, analytic: f64::NAN, numeric: 1.0, rel_error: f64::NAN };
    assert!(nan.flagged());
}

#[test]
fn number_formats() {
    assert_eq!(fmt_short(-0.19661193324148185), "−0.20");
    assert_eq!(fmt_short(1.37), "1.37");
    assert_eq!(fmt_short(-0.0001), "−1.0e−4");
    assert_eq!(fmt_short(-0.001), "−1.0e−3");
    assert_eq!(fmt_short(-0.000_000_1 * 0.0), "0.00");
    assert_eq!(fmt_short(f64::NEG_INFINITY), "−∞");
    assert_eq!(fmt_compact(2.0), "2");
    assert_eq!(fmt_compact(-0.5), "−0.5");
    assert_eq!(fmt_full(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(fmt_full(f64::INFINITY), "Infinity");
}

// ---- property tests: random expressions from every op against finite differences ----

/// A random expression over inputs x0, x1, x2.
#[derive(Clone, Debug)]
enum E {
    Var(usize),
    Num(f64),
    Un(&'static str, Box<E>),
    Bin(char, Box<E>, Box<E>),
    Fun2(&'static str, Box<E>, Box<E>),
    PowC(Box<E>, f64),
}

impl E {
    fn source(&self) -> String {
        match self {
            E::Var(i) => format!("x{i}"),
            E::Num(v) => format!("({v})"),
            E::Un("neg", a) => format!("-({})", a.source()),
            E::Un(f, a) => format!("{f}({})", a.source()),
            E::Bin(c, a, b) => format!("({}) {c} ({})", a.source(), b.source()),
            E::Fun2(f, a, b) => format!("{f}({}, {})", a.source(), b.source()),
            E::PowC(a, p) => format!("({})^{p}", a.source()),
        }
    }

    /// Independent evaluation, and whether every op is evaluated where it is smooth and
    /// well-conditioned (away from kinks, poles and domain edges).
    fn eval(&self, x: &[f64; 3]) -> (f64, bool) {
        const M: f64 = 1e-2;
        match self {
            E::Var(i) => (x[*i], true),
            E::Num(v) => (*v, true),
            E::Un(f, a) => {
                let (a, ok) = a.eval(x);
                let (v, smooth) = match *f {
                    "neg" => (-a, true),
                    "exp" => (a.exp(), a < 20.0),
                    "log" => (a.ln(), a > M),
                    "sqrt" => (a.sqrt(), a > M),
                    "tanh" => (a.tanh(), true),
                    "sigmoid" => (1.0 / (1.0 + (-a).exp()), true),
                    "relu" => (a.max(0.0), a.abs() > M),
                    "abs" => (a.abs(), a.abs() > M),
                    _ => unreachable!(),
                };
                (v, ok && smooth)
            }
            E::Bin(c, a, b) => {
                let ((a, oa), (b, ob)) = (a.eval(x), b.eval(x));
                let (v, smooth) = match c {
                    '+' => (a + b, true),
                    '-' => (a - b, true),
                    '*' => (a * b, true),
                    '/' => (a / b, b.abs() > 0.1),
                    '^' => (a.powf(b), a > 0.1 && b.abs() < 4.0),
                    _ => unreachable!(),
                };
                (v, oa && ob && smooth)
            }
            E::Fun2(f, a, b) => {
                let ((a, oa), (b, ob)) = (a.eval(x), b.eval(x));
                let v = if *f == "max" { a.max(b) } else { a.min(b) };
                (v, oa && ob && (a - b).abs() > M)
            }
            E::PowC(a, p) => {
                let (a, ok) = a.eval(x);
                (a.powf(*p), ok && (p.fract() == 0.0 && (*p >= 0.0 || a.abs() > 0.1) || a > M))
            }
        }
    }
}

fn expr_strategy() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![(0usize..3).prop_map(E::Var), (-2.0f64..2.0).prop_map(|v| E::Num((v * 4.0).round() / 4.0))];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (prop::sample::select(vec!["neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs"]), inner.clone())
                .prop_map(|(f, a)| E::Un(f, Box::new(a))),
            (prop::sample::select(vec!['+', '-', '*', '/', '^']), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| E::Bin(c, Box::new(a), Box::new(b))),
            (prop::sample::select(vec!["max", "min"]), inner.clone(), inner.clone()).prop_map(|(f, a, b)| E::Fun2(
                f,
                Box::new(a),
                Box::new(b)
            )),
            (inner, prop::sample::select(vec![2.0, 3.0, -1.0, 0.5, -2.0])).prop_map(|(a, p)| E::PowC(Box::new(a), p)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    /// Every op's gradient, through random compositions, agrees with centred differences
    /// wherever the function is smooth; the forward values agree with a direct evaluation;
    /// and σ as one gate or as primitive gates gives the same gradients.
    #[test]
    fn gradients_match_finite_differences(e in expr_strategy(), x in prop::array::uniform3(-2.0f64..2.0)) {
        let (expected, smooth) = e.eval(&x);
        prop_assume!(smooth && expected.is_finite() && expected.abs() < 1e6);
        let src = format!("x0 = {}; x1 = {}; x2 = {}\nf = {}", x[0], x[1], x[2], e.source());
        for expand_sigmoid in [false, true] {
            let mut g = parse(&src, Options { expand_sigmoid }).map_err(|err| TestCaseError::fail(format!("{err}: {src}")))?;
            let out = g.output().unwrap();
            prop_assert!(close(g.nodes()[out].value, expected, 1e-9), "{} vs {expected}: {src}", g.nodes()[out].value);
            g.backward();
            for c in g.gradcheck() {
                let scale = c.analytic.abs().max(c.numeric.abs()).max(1.0);
                prop_assert!((c.analytic - c.numeric).abs() <= 1e-5 * scale,
                    "{}: analytic {} numeric {} in {src}", g.label(c.input), c.analytic, c.numeric);
                prop_assert_eq!(Some(c.analytic), g.nodes()[c.input].grad.or(Some(0.0)));
            }
        }
    }

    /// Backward twice = once; the trace visits each non-constant ancestor once, consumers first.
    #[test]
    fn trace_is_reverse_topological(e in expr_strategy(), x in prop::array::uniform3(-2.0f64..2.0)) {
        let src = format!("x0 = {}; x1 = {}; x2 = {}\nf = {}", x[0], x[1], x[2], e.source());
        let mut g = parse(&src, Options::default()).unwrap();
        let trace = g.backward();
        let once: Vec<_> = g.nodes().iter().map(|n| n.grad.map(f64::to_bits)).collect();
        g.backward();
        let twice: Vec<_> = g.nodes().iter().map(|n| n.grad.map(f64::to_bits)).collect();
        prop_assert_eq!(once, twice);
        let mut seen = vec![false; g.len()];
        for step in &trace.steps {
            prop_assert!(!seen[step.node], "visited twice");
            seen[step.node] = true;
            for s in &step.sends {
                prop_assert!(!seen[s.to], "input {} visited before its consumer {}", s.to, step.node);
            }
        }
    }
}

#[test]
fn automatic_labels_never_take_a_users_name() {
    // the constant 2 is node 1, and the user names an input `n1`
    let g = graph("a = 1; b = a * 2; n1 = 3; f = b + n1");
    let labels: Vec<String> = (0..g.len()).map(|i| g.label(i)).collect();
    assert_eq!(labels, ["a", "n1'", "b", "n1", "f"]);
    assert_eq!(g.find("n1"), Some(3), "the user's n1 is the input");
    assert_eq!(g.find("n1'"), Some(1));
}

proptest::proptest! {
    /// Whatever names a user picks (automatic-looking ones included), every label in a graph
    /// is unique and finds its own node.
    #[test]
    fn labels_are_unique(names in proptest::collection::vec(0usize..12, 1..8)) {
        let mut src = String::new();
        let mut prev = "1".to_string();
        for (i, k) in names.iter().enumerate() {
            let name = if k % 3 == 0 { format!("v{i}") } else { format!("n{k}") };
            if src.contains(&format!("{name} =")) {
                continue;
            }
            src.push_str(&format!("{name} = {prev} * 2 + {i}\n"));
            prev = name;
        }
        if let Ok(g) = crate::expr::parse(&src, crate::expr::Options::default()) {
            let labels: Vec<String> = (0..g.len()).map(|i| g.label(i)).collect();
            for (i, l) in labels.iter().enumerate() {
                proptest::prop_assert_eq!(g.find(l), Some(i), "{} in {:?}", l, src);
            }
        }
    }
}

#[test]
fn kinks_are_named_with_the_value_the_engine_uses() {
    let g = graph("x = 0; y = 3\nf = relu(x) * y");
    let k = g.kinks();
    assert_eq!(k.len(), 1);
    assert!(k[0].message.contains("relu(0)") && k[0].message.contains("uses 0"), "{}", k[0].message);
    let tie = graph("a = 2; b = 2\nf = max(a, b)");
    assert!(tie.kinks()[0].message.contains("first input"));
    let root = graph("x = 0\nf = sqrt(x)");
    assert!(root.kinks()[0].message.contains("infinite"));
    assert!(graph("x = 1\nf = relu(x)").kinks().is_empty());
    // a kink the output does not depend on is not one
    assert!(graph("x = 0\nu = relu(x)\nf = x * 2").kinks().is_empty());
}

#[test]
fn sigmoid_as_primitive_gates_agrees_with_the_gate_far_out() {
    for x in [-800.0, -710.0, -709.0, -50.0, 0.0, 50.0, 710.0, 800.0] {
        let src = format!("x = {x}\nf = sigmoid(x)");
        let mut gate = parse(&src, Options::default()).unwrap();
        let mut expanded = parse(&src, Options { expand_sigmoid: true }).unwrap();
        gate.backward();
        expanded.backward();
        let (a, b) = (grad(&gate, "x"), grad(&expanded, "x"));
        assert!(a.is_finite() && b.is_finite(), "x = {x}: gate {a}, expanded {b}");
        assert!((a - b).abs() <= 1e-12 + 1e-9 * a.abs(), "x = {x}: gate {a}, expanded {b}");
    }
}

#[test]
fn sentences_name_nodes_as_the_drawing_shows_them() {
    let g = parse("x = 1\nf = sigmoid(x)", Options { expand_sigmoid: true }).unwrap();
    let trace = g.trace();
    for step in &trace.steps {
        let text = explain(&g, step);
        // unnamed gates are drawn by their symbol: no "n3:" in what the student reads
        for (i, n) in g.nodes().iter().enumerate() {
            if n.name.is_none() && n.op != Op::Const {
                assert!(!text.contains(&format!("{}:", g.label(i))), "{text}");
            }
        }
    }
    assert!(trace.steps.iter().any(|s| explain(&g, s).contains("the exp gate:")));
}
