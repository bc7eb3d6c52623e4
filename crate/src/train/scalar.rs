//! A network on one example as a scalar computational graph: every weight, bias and input a
//! named leaf, every multiply-add and activation a gate, the loss the output. The page opens
//! it as "backprop on one example"; the tests use it to check the matrix backward pass
//! against the scalar engine.
//!
//! Names (layers counted from 1, inputs and neurons from 0): inputs `x0`, `x1`, …; weight
//! `w{layer}_{input}_{neuron}` (so `w1_0_2` is layer 1's weight from input 0 to neuron 2);
//! bias `b{layer}_{neuron}`; pre-activation `z{layer}_{neuron}`; activation
//! `a{layer}_{neuron}`; and `loss`.
//!
//! Every gate is one of the scalar engine's: leaky ReLU is max(z, 0.01·z); binary
//! cross-entropy on a logit is max(z, 0) − z·t + log(1 + exp(−|z|)); softmax cross-entropy is
//! log(Σ exp zⱼ) − z_class (without subtracting the maximum: fine for the moderate values of
//! one example, but exp overflows for logits above about 700).

use super::{Loss, Network, TrainError};
use crate::graph::{Graph, GraphError, NodeId, Op};
use crate::tensor::{Activation, LEAKY_RELU_ALPHA};

fn graph_error(e: GraphError) -> TrainError {
    TrainError::Graph(match e {
        GraphError::TooManyNodes => "the network is too large to draw as one graph of gates: use fewer neurons".into(),
        other => other.to_string(),
    })
}

/// The scalar graph of `net` on one example: inputs `x` (one per network input), targets
/// `target` (one per output for MSE and binary cross-entropy, the class index alone for
/// softmax cross-entropy), output the loss. Also returns the node of every parameter, in
/// the order of [`Network::params`]. Call `backward()` on the graph to get
/// `∂loss/∂parameter` at those nodes; they equal `net.grads()` after
/// `net.loss_and_grad` on the same example.
pub fn network_graph(
    net: &Network<f64>,
    x: &[f64],
    target: &[f64],
    loss: Loss,
) -> Result<(Graph, Vec<NodeId>), TrainError> {
    if x.len() != net.n_inputs() {
        return Err(TrainError::Shape(format!(
            "the network has {} inputs but {} values were given",
            net.n_inputs(),
            x.len()
        )));
    }
    let n_out = net.n_outputs();
    if target.len() != loss.target_columns(n_out) {
        return Err(TrainError::Shape(format!(
            "{} needs {} target value(s), got {}",
            loss.name(),
            loss.target_columns(n_out),
            target.len()
        )));
    }
    let mut g = Graph::new();
    let mut params = Vec::with_capacity(net.n_params());
    let mut below: Vec<NodeId> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| g.input(&format!("x{i}"), v))
        .collect::<Result<_, _>>()
        .map_err(graph_error)?;

    for (l, layer) in net.layers().iter().enumerate() {
        let l = l + 1;
        let (w, b) = (layer.weights(), layer.biases());
        // Parameters first, in the order of `params()`: weights row by row, then biases.
        let mut wid = vec![vec![0; layer.n_neurons()]; layer.n_inputs()];
        for (i, row) in wid.iter_mut().enumerate() {
            for (j, id) in row.iter_mut().enumerate() {
                *id = g.input(&format!("w{l}_{i}_{j}"), w[[i, j]]).map_err(graph_error)?;
                params.push(*id);
            }
        }
        let mut bid = Vec::with_capacity(layer.n_neurons());
        for (j, &v) in b.iter().enumerate() {
            let id = g.input(&format!("b{l}_{j}"), v).map_err(graph_error)?;
            params.push(id);
            bid.push(id);
        }
        // Each neuron: z = Σ wᵢ·aᵢ + b, then the activation.
        let mut here = Vec::with_capacity(layer.n_neurons());
        for (j, &bias) in bid.iter().enumerate() {
            let mut sum = None;
            for (i, &input) in below.iter().enumerate() {
                let product = g.binary(Op::Mul, input, wid[i][j]).map_err(graph_error)?;
                sum = Some(match sum {
                    None => product,
                    Some(s) => g.binary(Op::Add, s, product).map_err(graph_error)?,
                });
            }
            let z = match sum {
                Some(s) => g.binary(Op::Add, s, bias).map_err(graph_error)?,
                None => bias,
            };
            g.name_node(z, &format!("z{l}_{j}"));
            let a = activation(&mut g, layer.activation(), z).map_err(graph_error)?;
            g.name_node(a, &format!("a{l}_{j}"));
            here.push(a);
        }
        below = here;
    }

    let out = loss_node(&mut g, loss, &below, target)?;
    g.name_node(out, "loss");
    g.set_output(out);
    Ok((g, params))
}

/// The same graph as [`network_graph`] written in the expression language, so the graph view
/// can open it as text: a student can read every gate, edit a weight, and share the link.
/// The names are those of [`network_graph`] (`x0`, `w1_0_2`, `b1_0`, `z1_0`, `a1_0`, `loss`);
/// a linear layer's `a` is its `z`. Numbers are written in full (they read back exactly).
pub fn network_source(net: &Network<f64>, x: &[f64], target: &[f64], loss: Loss) -> Result<String, TrainError> {
    // Same checks (and the same size limit) as the graph itself.
    network_graph(net, x, target, loss)?;
    let mut out = String::new();
    let line = |out: &mut String, s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let sizes: Vec<String> = std::iter::once(net.n_inputs())
        .chain(net.layers().iter().map(|l| l.n_neurons()))
        .map(|n| n.to_string())
        .collect();
    line(
        &mut out,
        format!("# one example through the network {} ({}), loss = {}", sizes.join("-"), act_names(net), loss.name()),
    );
    let inputs: Vec<String> = x.iter().enumerate().map(|(i, v)| format!("x{i} = {v}")).collect();
    line(&mut out, inputs.join("; "));
    let mut below: Vec<String> = (0..x.len()).map(|i| format!("x{i}")).collect();
    for (l, layer) in net.layers().iter().enumerate() {
        let l = l + 1;
        let (w, b) = (layer.weights(), layer.biases());
        for i in 0..layer.n_inputs() {
            let row: Vec<String> = (0..layer.n_neurons()).map(|j| format!("w{l}_{i}_{j} = {}", w[[i, j]])).collect();
            line(&mut out, row.join("; "));
        }
        let biases: Vec<String> = b.iter().enumerate().map(|(j, v)| format!("b{l}_{j} = {v}")).collect();
        line(&mut out, biases.join("; "));
        let mut here = Vec::with_capacity(layer.n_neurons());
        for j in 0..layer.n_neurons() {
            let mut terms: Vec<String> = below.iter().enumerate().map(|(i, a)| format!("{a}*w{l}_{i}_{j}")).collect();
            terms.push(format!("b{l}_{j}"));
            line(&mut out, format!("z{l}_{j} = {}", terms.join(" + ")));
            let z = format!("z{l}_{j}");
            let a = match layer.activation() {
                Activation::Linear => None,
                Activation::Sigmoid => Some(format!("sigmoid({z})")),
                Activation::Tanh => Some(format!("tanh({z})")),
                Activation::Relu => Some(format!("relu({z})")),
                Activation::LeakyRelu => Some(format!("max({z}, {LEAKY_RELU_ALPHA}*{z})")),
            };
            here.push(match a {
                Some(a) => {
                    line(&mut out, format!("a{l}_{j} = {a}"));
                    format!("a{l}_{j}")
                }
                None => z,
            });
        }
        below = here;
    }
    let constant = |t: f64| if t < 0.0 { format!("({t})") } else { format!("{t}") };
    let body = match loss {
        Loss::Mse => {
            let terms: Vec<String> =
                below.iter().zip(target).map(|(y, &t)| format!("({y} - {})^2", constant(t))).collect();
            format!("0.5*({})", terms.join(" + "))
        }
        Loss::BinaryCrossEntropy => {
            let terms: Vec<String> = below
                .iter()
                .zip(target)
                .map(|(z, &t)| format!("max({z}, 0) - {z}*{} + log(1 + exp(-abs({z})))", constant(t)))
                .collect();
            terms.join(" + ")
        }
        Loss::SoftmaxCrossEntropy => {
            let class = target.first().map_or(0, |&t| t as usize);
            let exps: Vec<String> = below.iter().map(|z| format!("exp({z})")).collect();
            format!("log({}) - {}", exps.join(" + "), below.get(class).map_or("0", String::as_str))
        }
    };
    line(&mut out, format!("loss = {body}"));
    Ok(out)
}

fn act_names(net: &Network<f64>) -> String {
    let names: Vec<&str> = net
        .layers()
        .iter()
        .map(|l| match l.activation() {
            Activation::Linear => "linear",
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky relu",
        })
        .collect();
    names.join(", ")
}

/// The activation as gates (none for linear).
fn activation(g: &mut Graph, act: Activation, z: NodeId) -> Result<NodeId, GraphError> {
    match act {
        Activation::Linear => Ok(z),
        Activation::Sigmoid => g.unary(Op::Sigmoid, z),
        Activation::Tanh => g.unary(Op::Tanh, z),
        Activation::Relu => g.unary(Op::Relu, z),
        Activation::LeakyRelu => {
            let alpha = g.constant(LEAKY_RELU_ALPHA)?;
            let scaled = g.binary(Op::Mul, alpha, z)?;
            g.binary(Op::Max, z, scaled)
        }
    }
}

/// Adds the nodes in order (none for an empty list).
fn sum(g: &mut Graph, nodes: &[NodeId]) -> Result<Option<NodeId>, GraphError> {
    let mut total: Option<NodeId> = None;
    for &n in nodes {
        total = Some(match total {
            None => n,
            Some(t) => g.binary(Op::Add, t, n)?,
        });
    }
    Ok(total)
}

/// The loss of one example (batch of one: no mean to take) from the outputs.
fn loss_node(g: &mut Graph, loss: Loss, outputs: &[NodeId], target: &[f64]) -> Result<NodeId, TrainError> {
    let e = graph_error;
    let mut terms = Vec::with_capacity(outputs.len());
    match loss {
        Loss::Mse => {
            // ½ Σ (y − t)²
            for (&y, &t) in outputs.iter().zip(target) {
                let t = g.constant(t).map_err(e)?;
                let d = g.binary(Op::Sub, y, t).map_err(e)?;
                terms.push(g.unary(Op::PowC(2.0), d).map_err(e)?);
            }
            let total = sum(g, &terms).map_err(e)?.ok_or(TrainError::NoOutputs)?;
            let half = g.constant(0.5).map_err(e)?;
            g.binary(Op::Mul, half, total).map_err(e)
        }
        Loss::BinaryCrossEntropy => {
            // Σ max(z, 0) − z·t + log(1 + exp(−|z|))
            for (&z, &t) in outputs.iter().zip(target) {
                if !(0.0..=1.0).contains(&t) {
                    return Err(TrainError::BadTarget { value: t, classes: 2 });
                }
                let zero = g.constant(0.0).map_err(e)?;
                let relu = g.binary(Op::Max, z, zero).map_err(e)?;
                let t = g.constant(t).map_err(e)?;
                let zt = g.binary(Op::Mul, z, t).map_err(e)?;
                let abs = g.unary(Op::Abs, z).map_err(e)?;
                let neg = g.unary(Op::Neg, abs).map_err(e)?;
                let exp = g.unary(Op::Exp, neg).map_err(e)?;
                let one = g.constant(1.0).map_err(e)?;
                let onep = g.binary(Op::Add, one, exp).map_err(e)?;
                let log = g.unary(Op::Log, onep).map_err(e)?;
                let diff = g.binary(Op::Sub, relu, zt).map_err(e)?;
                terms.push(g.binary(Op::Add, diff, log).map_err(e)?);
            }
            sum(g, &terms).map_err(e)?.ok_or(TrainError::NoOutputs)
        }
        Loss::SoftmaxCrossEntropy => {
            // log Σ exp zⱼ − z_class
            let t = target.first().copied().unwrap_or(f64::NAN);
            if !(t >= 0.0 && t < outputs.len() as f64 && t.fract() == 0.0) || outputs.len() < 2 {
                return Err(TrainError::BadTarget { value: t, classes: outputs.len() });
            }
            for &z in outputs {
                terms.push(g.unary(Op::Exp, z).map_err(e)?);
            }
            let total = sum(g, &terms).map_err(e)?.ok_or(TrainError::NoOutputs)?;
            let log = g.unary(Op::Log, total).map_err(e)?;
            g.binary(Op::Sub, log, outputs[t as usize]).map_err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::Dense;
    use crate::train::network::tests::case_strategy;
    use crate::train::NetworkConfig;
    use ndarray::{array, Array1};
    use proptest::prelude::*;

    #[test]
    fn names_and_order_follow_params() {
        let config = NetworkConfig::for_loss(2, vec![3], Activation::Tanh, 1, Loss::BinaryCrossEntropy, 3);
        let net = Network::<f64>::new(&config).unwrap();
        let (g, params) = network_graph(&net, &[0.5, -1.0], &[1.0], Loss::BinaryCrossEntropy).unwrap();
        assert_eq!(params.len(), net.n_params());
        let names: Vec<String> = params.iter().map(|&id| g.label(id)).collect();
        assert_eq!(&names[..4], ["w1_0_0", "w1_0_1", "w1_0_2", "w1_1_0"]);
        assert_eq!(&names[6..9], ["b1_0", "b1_1", "b1_2"]);
        assert_eq!(names.last().map(String::as_str), Some("b2_0"));
        let values: Vec<f64> = params.iter().map(|&id| g.nodes()[id].value).collect();
        assert_eq!(values, net.params());
        for name in ["x0", "x1", "z1_2", "a1_2", "z2_0", "loss"] {
            assert!(g.find(name).is_some(), "no node {name}");
        }
        assert_eq!(g.output(), g.find("loss"));
    }

    #[test]
    fn the_lecture_neuron_on_one_example() {
        // One neuron, relu: weights (0.2, 0.8, −0.5, 1), bias 2, input (1, 2, 3, 2.5).
        let w = array![[0.2], [0.8], [-0.5], [1.0]];
        let layer = Dense::from_parameters(w, Array1::from(vec![2.0]), Activation::Relu).unwrap();
        let net = Network::from_layers(vec![layer]).unwrap();
        let (mut g, params) = network_graph(&net, &[1.0, 2.0, 3.0, 2.5], &[0.0], Loss::Mse).unwrap();
        let z = g.find("z1_0").unwrap();
        assert!((g.nodes()[z].value - 4.8).abs() < 1e-12);
        g.backward();
        // loss = ½ relu(z)², so ∂loss/∂w_i = z·x_i.
        let grads: Vec<f64> = params.iter().map(|&id| g.nodes()[id].grad.unwrap()).collect();
        for (gr, x) in grads.iter().zip([1.0, 2.0, 3.0, 2.5, 1.0]) {
            assert!((gr - 4.8 * x).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        let config = NetworkConfig::for_loss(2, vec![], Activation::Linear, 3, Loss::SoftmaxCrossEntropy, 3);
        let net = Network::<f64>::new(&config).unwrap();
        let sce = Loss::SoftmaxCrossEntropy;
        assert!(network_graph(&net, &[1.0], &[0.0], sce).is_err());
        assert!(network_graph(&net, &[1.0, 2.0], &[3.0], sce).is_err());
        assert!(network_graph(&net, &[1.0, 2.0], &[0.0, 1.0], sce).is_err());
        let big = NetworkConfig::for_loss(8, vec![64, 64], Activation::Tanh, 1, Loss::Mse, 3);
        let net = Network::<f64>::new(&big).unwrap();
        let err = network_graph(&net, &[0.0; 8], &[0.0], Loss::Mse).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The scalar engine's backward pass through the graph of gates gives the same
        /// gradients as the matrix backward pass, for one example.
        #[test]
        fn scalar_graph_gradients_equal_the_network_gradients(case in case_strategy(1)) {
            let mut net = case.network();
            net.loss_and_grad(case.x.view(), case.targets.view(), case.loss).unwrap();
            prop_assume!(!case.near_kink(&net));
            let x = case.x.row(0).to_vec();
            let t = case.targets.row(0).to_vec();
            let (mut g, params) = network_graph(&net, &x, &t, case.loss).unwrap();
            let out = g.output().unwrap();
            let loss = net.loss_and_grad(case.x.view(), case.targets.view(), case.loss).unwrap();
            prop_assert!((g.nodes()[out].value - loss).abs() <= 1e-9 * loss.abs().max(1.0));
            g.backward();
            // The same network written as text and parsed: same loss, same gradient per name.
            let source = network_source(&net, &x, &t, case.loss).unwrap();
            let mut parsed = crate::expr::parse(&source, Default::default()).unwrap();
            let parsed_out = parsed.output().unwrap();
            prop_assert!((parsed.nodes()[parsed_out].value - loss).abs() <= 1e-9 * loss.abs().max(1.0), "{source}");
            parsed.backward();
            for (k, (&id, want)) in params.iter().zip(net.grads()).enumerate() {
                let got = g.nodes()[id].grad.unwrap_or(0.0);
                prop_assert!((got - want).abs() <= 1e-9 * got.abs().max(want.abs()).max(1.0),
                    "parameter {k} ({}): graph {got} vs network {want}", g.label(id));
                let named = parsed.find(&g.label(id)).and_then(|n| parsed.nodes()[n].grad).unwrap_or(f64::NAN);
                prop_assert!((named - want).abs() <= 1e-9 * named.abs().max(want.abs()).max(1.0),
                    "parameter {k} ({}) in the text: {named} vs network {want}\n{source}", g.label(id));
            }
        }
    }
}
