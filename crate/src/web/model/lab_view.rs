//! What the training view draws as elements: the network (neurons and weighted lines) and
//! the layer view (each matrix of the last batch as a small heatmap). Pure Rust, tested on
//! the host; `lab` mounts the trees.

use super::layer_quiz::{self, LayerAsk, Which};
use super::plot_math::{lighten, Rgb, TEST, TRAIN};
use super::quiz::Quiz;
use super::view::{Child, El};
use crate::graph::{fmt_full, fmt_short};
use crate::tensor::{Activation, Dense, LayerSnapshot, Matrix};
use crate::train::OptimizerState;
use ndarray::{array, Array1};

/// Colours for signs: blue for positive, orange for negative (as the decision boundary).
const POSITIVE: Rgb = TRAIN;
const NEGATIVE: Rgb = TEST;

fn rgb((r, g, b): Rgb) -> String {
    format!("rgb({r},{g},{b})")
}

/// White blended towards the sign's colour by |v| / scale (0 → white, ≥ scale → full).
pub fn signed_rgb(v: f64, scale: f64) -> Rgb {
    if !v.is_finite() {
        return (120, 120, 120);
    }
    let t = if scale > 0.0 { (v.abs() / scale).min(1.0) } else { 0.0 };
    lighten(if v >= 0.0 { POSITIVE } else { NEGATIVE }, 1.0 - t)
}

/// [`signed_rgb`] as a CSS colour.
pub fn signed_color(v: f64, scale: f64) -> String {
    rgb(signed_rgb(v, scale))
}

fn max_abs<'a>(values: impl Iterator<Item = &'a f64>) -> f64 {
    values.filter(|v| v.is_finite()).fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// The network as neurons in columns (inputs on the left, the output on the right) and one
/// line per weight: colour by sign, width by size — or, with `show_grads`, by |∂L/∂w| of the
/// last batch. Every line carries `data-weight`, `data-grad` and a tooltip with both.
/// `thumbs[c][r]`, where given, is an image (a data URL) of what neuron r of column c
/// computes over the input plane (column 0: the input features), drawn on the neuron.
/// What the optimizer keeps for one layer's parameters, and the last step it made them take.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerState {
    /// (name, for the weights, for the biases as 1 × n): velocity, m, v…
    pub slots: Vec<(String, Matrix, Matrix)>,
    /// The last update: the weights now minus those the last batch used; the same for b.
    pub step_w: Matrix,
    pub step_b: Matrix,
}

/// Each layer's optimizer state and last step, from the optimizer's state and the layers as
/// they are `now` and as the last batch `used` them.
pub fn layer_states(state: &OptimizerState, now: &[LayerSnapshot], used: &[LayerSnapshot]) -> Vec<LayerState> {
    let minus = |a: &Matrix, b: &Matrix| Matrix {
        shape: a.shape,
        data: if a.shape == b.shape { a.data.iter().zip(&b.data).map(|(x, y)| x - y).collect() } else { vec![] },
    };
    now.iter()
        .zip(used)
        .enumerate()
        .map(|(l, (n, u))| LayerState {
            slots: state
                .layers
                .get(l)
                .map(|slots| slots.iter().map(|s| (s.name.clone(), s.weights.clone(), s.biases.clone())).collect())
                .unwrap_or_default(),
            step_w: minus(&n.weights, &u.weights),
            step_b: minus(&n.biases, &u.biases),
        })
        .collect()
}

/// One parameter's optimizer state in words: "velocity = 0.12; last step Δ = −0.0036" (the
/// bias when `i` is None); empty when there is none.
pub fn state_line(st: Option<&LayerState>, i: Option<usize>, j: usize) -> String {
    let Some(st) = st else { return String::new() };
    let at = |w: &Matrix, b: &Matrix| match i {
        Some(i) => w.get(i, j),
        None => b.get(0, j),
    };
    let mut parts: Vec<String> = st
        .slots
        .iter()
        .filter_map(|(name, w, b)| at(w, b).map(|v| format!("{name} = {}", super::plot_math::sig(v, 4))))
        .collect();
    if let Some(d) = at(&st.step_w, &st.step_b) {
        parts.push(format!("last step Δ = {}", super::plot_math::sig(d, 4)));
    }
    parts.join("; ")
}

/// What the network drawing adds to the numbers: a quiz (the weights' tooltips keep their
/// gradients to themselves: the layer view asks them) and the optimizer's state per layer.
#[derive(Clone, Copy, Debug, Default)]
pub struct NetExtras<'a> {
    pub quiz: bool,
    pub states: &'a [LayerState],
}

/// Every weight is a line (`data-param="w-L-i-j"`, focusable, Enter or a click edits it) and
/// every neuron a circle (`data-param="b-L-j"`, its bias).
pub fn network_svg(
    layers: &[LayerSnapshot],
    inputs: &[String],
    show_grads: bool,
    thumbs: &[Vec<String>],
    extras: NetExtras,
) -> El {
    let quiz = extras.quiz;
    let mut columns: Vec<usize> = vec![inputs.len()];
    columns.extend(layers.iter().map(|l| l.n_neurons));
    // As tall as the widest column needs (46 units a neuron, up to 300), so a small network
    // is not drawn in a band across the middle of an empty box.
    let widest = columns.iter().copied().max().unwrap_or(1).max(1) as f64;
    let (w, h) = (560.0, (widest * 46.0 + 40.0).clamp(130.0, 300.0));
    let col_x = |c: usize| 56.0 + (w - 96.0) * c as f64 / (columns.len().saturating_sub(1).max(1)) as f64;
    let row_y = |c: usize, r: usize| {
        let n = columns[c].max(1) as f64;
        let gap = ((h - 40.0) / n).min(46.0);
        h / 2.0 + (r as f64 - (n - 1.0) / 2.0) * gap
    };
    let scale = if show_grads {
        max_abs(layers.iter().flat_map(|l| l.dweights.data.iter()))
    } else {
        max_abs(layers.iter().flat_map(|l| l.weights.data.iter()))
    };
    let mut svg = El::svg("svg").attr("viewBox", format!("0 0 {w} {h}")).attr("role", "img").attr(
        "aria-label",
        if show_grads {
            "The network; line width is the size of each weight's gradient"
        } else {
            "The network; line colour is each weight's sign and width its size"
        },
    );
    let mut edges = El::svg("g");
    for (l, layer) in layers.iter().enumerate() {
        for i in 0..layer.n_inputs {
            for j in 0..layer.n_neurons {
                let wv = layer.weights.get(i, j).unwrap_or(f64::NAN);
                let gv = layer.dweights.get(i, j).unwrap_or(f64::NAN);
                let shown = if show_grads { gv } else { wv };
                let width = if scale > 0.0 && shown.is_finite() { 0.5 + 5.0 * shown.abs() / scale } else { 0.5 };
                let color = if show_grads { rgb((120, 60, 160)) } else { signed_color(wv.signum(), 1.0) };
                let (x1, y1, x2, y2) = (col_x(l), row_y(l, i), col_x(l + 1), row_y(l + 1, j));
                let name = format!("w{}_{i}_{j}", l + 1);
                let state = state_line(extras.states.get(l), Some(i), j);
                let tip = if quiz {
                    format!(
                        "{name} = {}\n∂L/∂w = (Xᵀ·dz)[{i}][{j}]: hidden in the quiz (the layer view asks it)",
                        fmt_short(wv)
                    )
                } else {
                    format!(
                        "{name} = {}\n∂L/∂w = Σ over the batch of xᵢ·dzⱼ = (Xᵀ·dz)[{i}][{j}] = {}{}",
                        fmt_short(wv),
                        super::plot_math::sig(gv, 4),
                        if state.is_empty() { String::new() } else { format!("\n{state}") }
                    )
                };
                let line = |class: &'static str| {
                    El::svg("line")
                        .attr_s("class", class)
                        .attr("x1", format!("{x1:.1}"))
                        .attr("y1", format!("{y1:.1}"))
                        .attr("x2", format!("{x2:.1}"))
                        .attr("y2", format!("{y2:.1}"))
                };
                // the weight: its tooltip, a wide clear line to click and focus, the drawn line
                edges = edges.child(
                    El::svg("g")
                        .attr("class", "weight")
                        .attr("tabindex", "0")
                        .attr("role", "button")
                        .attr("data-param", format!("w-{}-{i}-{j}", l + 1))
                        .attr("aria-label", format!("Weight {name} = {}: Enter to edit", fmt_short(wv)))
                        .child(El::svg("title").text(tip))
                        .child(line("edge-hit").attr("stroke", "transparent").attr("stroke-width", "9"))
                        .child(
                            line("edge")
                                .attr("stroke", color)
                                .attr("stroke-width", format!("{width:.2}"))
                                .attr("stroke-opacity", "0.75")
                                .attr("data-weight", fmt_full(wv))
                                .attr("data-grad", fmt_full(gv)),
                        ),
                );
            }
        }
    }
    svg = svg.child(edges);
    let mut nodes = El::svg("g");
    for (c, &n) in columns.iter().enumerate() {
        for r in 0..n {
            let (x, y) = (col_x(c), row_y(c, r));
            let (label, tip, fill) = if c == 0 {
                let name = inputs.get(r).cloned().unwrap_or_default();
                (name.clone(), format!("input {name}"), "#f4f6f9".to_string())
            } else {
                let layer = &layers[c - 1];
                let b = layer.biases.get(0, r).unwrap_or(f64::NAN);
                let db = layer.dbiases.get(0, r).unwrap_or(f64::NAN);
                let kind = if c == columns.len() - 1 { "output" } else { "neuron" };
                let grad = if quiz { "hidden in the quiz".to_string() } else { fmt_short(db) };
                let mut tip = format!("{kind} {c}.{r}: bias b{c}_{r} = {}   ∂L/∂b = {grad}", fmt_short(b));
                if let Some(f) = neuron_formula(layer, r) {
                    tip.push('\n');
                    tip.push_str(&f);
                }
                let state = state_line(extras.states.get(c - 1), None, r);
                if !state.is_empty() && !quiz {
                    tip.push('\n');
                    tip.push_str(&state);
                }
                (String::new(), tip, signed_color(b, 1.0))
            };
            let mut g = El::svg("g").attr("class", "neuron").attr("data-layer", c.to_string());
            if c > 0 {
                let b = layers[c - 1].biases.get(0, r).unwrap_or(f64::NAN);
                g = g
                    .attr("data-param", format!("b-{c}-{r}"))
                    .attr("tabindex", "0")
                    .attr("role", "button")
                    .attr("aria-label", format!("Bias b{c}_{r} = {}: Enter to edit", fmt_short(b)));
            }
            g = g.child(El::svg("title").text(tip));
            g = g.child(
                El::svg("circle")
                    .attr("cx", format!("{x:.1}"))
                    .attr("cy", format!("{y:.1}"))
                    .attr("r", "13")
                    .attr("fill", fill)
                    .attr("stroke", "#1d232b")
                    .attr("stroke-width", "1.2"),
            );
            if let Some(href) = thumbs.get(c).and_then(|t| t.get(r)).filter(|h| !h.is_empty()) {
                g = g.child(
                    El::svg("image")
                        .attr("href", href.clone())
                        .attr("x", format!("{:.1}", x - 12.0))
                        .attr("y", format!("{:.1}", y - 12.0))
                        .attr("width", "24")
                        .attr("height", "24")
                        .attr("preserveAspectRatio", "none")
                        .attr("clip-path", "circle(12px)"),
                );
                if c == 0 {
                    g = g.child(
                        El::svg("text")
                            .attr("x", format!("{:.1}", x - 17.0))
                            .attr("y", format!("{:.1}", y + 4.0))
                            .attr("text-anchor", "end")
                            .attr("font-size", "11")
                            .text(label),
                    );
                }
            } else if !label.is_empty() {
                g = g.child(
                    El::svg("text")
                        .attr("x", format!("{x:.1}"))
                        .attr("y", format!("{:.1}", y + 4.0))
                        .attr("text-anchor", "middle")
                        .attr("font-size", "11")
                        .text(label),
                );
            }
            nodes = nodes.child(g);
        }
    }
    svg.child(nodes)
}

/// One matrix as a table of coloured cells with its name and shape; the value in each cell
/// (short) and in its tooltip (full).
pub fn heat_table(name: &str, m: &Matrix) -> El {
    let scale = max_abs(m.data.iter());
    let mut table = El::html("table").attr("aria-label", format!("{name}, {}×{}", m.rows(), m.cols()));
    for r in 0..m.rows() {
        let mut tr = El::html("tr");
        for c in 0..m.cols() {
            let v = m.get(r, c).unwrap_or(f64::NAN);
            tr = tr.child(
                El::html("td")
                    .attr("style", format!("background:{}", signed_color(v, scale)))
                    .attr("title", format!("{name}[{r}][{c}] = {}", fmt_full(v)))
                    .text(fmt_short(v)),
            );
        }
        table = table.child(tr);
    }
    El::html("div")
        .attr("class", "heat")
        .attr("data-matrix", name.to_string())
        .child(
            El::html("div")
                .child(El::html("span").attr("class", "name").text(name.to_string()))
                .child(El::html("span").attr("class", "shape").text(format!("{}×{}", m.rows(), m.cols()))),
        )
        .child(table)
}

/// Every layer's matrices for the last batch, one row of heatmaps per layer. In a quiz
/// ([`super::layer_quiz`]) a gradient with an entry still to answer is a box to type it in
/// instead (and the layer's Jacobian, which would show dinputs, waits for it); once answered,
/// the entry is marked in its matrix.
pub fn layer_maps(layers: &[LayerSnapshot], quiz: Option<(&[LayerAsk], &Quiz)>, states: &[LayerState]) -> El {
    let mut host = El::html("div");
    for (l, layer) in layers.iter().enumerate() {
        let mut row = El::html("div").attr("class", "layer-maps").child(El::html("h3").text(format!(
            "Layer {}: {} inputs → {} neurons ({})",
            l + 1,
            layer.n_inputs,
            layer.n_neurons,
            activation_name(layer.activation)
        )));
        // A linear layer is the lecture's dense layer: the gradient it gets is the one its
        // products use. Behind an activation f the products use dz = dvalues ⊙ f′(z) instead,
        // so those layers also show z and dz, and their formulas say dz.
        let linear = layer.activation == Activation::Linear;
        let f = activation_name(layer.activation);
        // the gradient the products use
        let g = if linear { "dvalues" } else { "dz" };
        let mut matrices: Vec<(String, &Matrix, Option<Which>)> = vec![
            ("X".into(), &layer.inputs, None),
            ("W".into(), &layer.weights, None),
            ("b".into(), &layer.biases, None),
        ];
        if linear {
            matrices.push(("outputs".into(), &layer.outputs, None));
            matrices.push(("dvalues".into(), &layer.dvalues, None));
        } else {
            matrices.push(("z = X·W + b".into(), &layer.z, None));
            matrices.push((format!("outputs = {f}(z)"), &layer.outputs, None));
            matrices.push(("dvalues".into(), &layer.dvalues, None));
            matrices.push((format!("dz = dvalues ⊙ {f}′(z)"), &layer.dz, None));
        }
        matrices.push((format!("dinputs = {g}·Wᵀ"), &layer.dinputs, Some(Which::Dinputs)));
        matrices.push((format!("dweights = Xᵀ·{g}"), &layer.dweights, Some(Which::Dweights)));
        matrices.push((format!("dbiases = Σ {g}"), &layer.dbiases, Some(Which::Dbiases)));
        let mut jacobian_open = true;
        for (name, m, which) in &matrices {
            let table = match (quiz, which) {
                (Some((asks, q)), Some(w)) => {
                    let open: Vec<&LayerAsk> = layer_quiz::open(asks, q, l, *w).collect();
                    if open.is_empty() {
                        mark_answers(heat_table(name, m), asks, q, l, *w)
                    } else {
                        jacobian_open &= *w != Which::Dinputs;
                        ask_box(name, m, &open)
                    }
                }
                _ => heat_table(name, m),
            };
            row = row.child(table);
        }
        host = host.child(row);
        if jacobian_open {
            host = host.child(jacobian_view(layer, l));
        }
        if let Some(st) = states.get(l).filter(|_| quiz.is_none()) {
            host = host.child(state_view(st, l));
        }
    }
    host
}

/// Layer `index`'s optimizer state as heatmaps: each slot for W and b, and the last step.
pub fn state_view(st: &LayerState, index: usize) -> El {
    let mut row = El::html("div").attr("class", "layer-maps");
    for (name, w, b) in &st.slots {
        row = row.child(heat_table(&format!("{name} of W"), w)).child(heat_table(&format!("{name} of b"), b));
    }
    row = row.child(heat_table("ΔW (last step)", &st.step_w)).child(heat_table("Δb (last step)", &st.step_b));
    let what = if st.slots.is_empty() {
        "SGD keeps nothing between steps: its step is −η·∂L/∂w.".to_string()
    } else {
        let names: Vec<&str> = st.slots.iter().map(|s| s.0.as_str()).collect();
        format!(
            "The optimizer keeps {} for every parameter; the last step is what the update moved it.",
            names.join(" and ")
        )
    };
    El::html("details")
        .attr("class", "opt-state")
        .attr("data-layer", (index + 1).to_string())
        .child(El::html("summary").text(format!("Layer {}'s optimizer state", index + 1)))
        .child(El::html("p").attr("class", "help").text(what))
        .child(row)
}

/// A gradient's place in a quiz: its name and shape, and a box for each entry asked.
fn ask_box(name: &str, m: &Matrix, open: &[&LayerAsk]) -> El {
    let mut boxes = El::html("div").attr("class", "asks");
    for a in open {
        let entry = a.name();
        boxes = boxes.child(
            El::html("label").text(format!("{entry} =")).child(
                El::html("input")
                    .attr_s("type", "text")
                    .attr_s("inputmode", "decimal")
                    .attr_s("autocomplete", "off")
                    .attr_s("size", "7")
                    .attr("data-cell", a.key())
                    .attr("aria-label", format!("Your {entry} (layer {})", a.layer + 1)),
            ),
        );
    }
    El::html("div")
        .attr("class", "heat ask")
        .attr("data-matrix", name.to_string())
        .child(
            El::html("div")
                .child(El::html("span").attr("class", "name").text(name.to_string()))
                .child(El::html("span").attr("class", "shape").text(format!("{}×{}", m.rows(), m.cols()))),
        )
        .child(boxes)
}

/// The answered entries of a gradient's heatmap: `data-cell`, `data-answer="right|wrong"`,
/// the class and ✓ or ✗.
fn mark_answers(mut heat: El, asks: &[LayerAsk], q: &Quiz, l: usize, w: Which) -> El {
    let answered: Vec<(&LayerAsk, bool)> = asks
        .iter()
        .filter(|a| a.layer == l && a.which == w)
        .filter_map(|a| q.cell(&a.key()).map(|c| (a, c.right)))
        .collect();
    if answered.is_empty() {
        return heat;
    }
    let Some(Child::El(table)) = heat.children.last_mut() else { return heat };
    for (a, right) in answered {
        let Some(Child::El(tr)) = table.children.get_mut(a.r) else { continue };
        let Some(Child::El(td)) = tr.children.get_mut(a.c) else { continue };
        let word = if right { "right" } else { "wrong" };
        let text = td.text_content();
        td.children = vec![Child::Text(format!("{text} {}", if right { "✓" } else { "✗" }).into())];
        td.attrs.push(("data-cell", a.key().into()));
        td.attrs.push(("data-answer", word.into()));
        td.attrs.push(("class", word.into()));
    }
    heat
}

/// Neuron `j`'s formula with the numbers in, on the last batch's first example and the
/// weights as they stand: "z = Σ wᵢxᵢ + b = 0.5 × 1.2 + (−0.3) × 0.4 + 0.1 = 0.58; a = tanh(z) =
/// 0.5227".
pub fn neuron_formula(layer: &LayerSnapshot, j: usize) -> Option<String> {
    use super::plot_math::{factor, sig};
    let b = layer.biases.get(0, j)?;
    let mut terms = vec![];
    let mut z = b;
    for i in 0..layer.n_inputs {
        let (w, x) = (layer.weights.get(i, j)?, layer.inputs.get(0, i)?);
        terms.push(format!("{} × {}", factor(w), factor(x)));
        z += w * x;
    }
    terms.push(factor(b));
    let a = layer.activation.f(z);
    let f = activation_name(layer.activation);
    Some(format!(
        "on the last batch's first example: z = Σ wᵢxᵢ + b = {} = {}; a = {f}(z) = {}",
        terms.join(" + "),
        sig(z, 6),
        sig(a, 6)
    ))
}

/// The largest layer whose Jacobians are drawn entry by entry (neurons and inputs).
pub const MAX_JACOBIAN: usize = 8;

/// One example's Jacobians of a layer (row `r` of its batch): `act`, the diagonal of the
/// activation's ∂outputs/∂z = diag(f′(z)) (every other entry is 0: each output depends on its
/// own z only), and `full`, the layer's ∂outputs/∂X = diag(f′(z))·Wᵀ (neurons × inputs:
/// ∂outputⱼ/∂xᵢ = f′(zⱼ)·W[i][j]).
pub struct Jacobians {
    pub act: Vec<f64>,
    pub full: Matrix,
}

pub fn jacobians(layer: &LayerSnapshot, r: usize) -> Option<Jacobians> {
    let (n, k) = (layer.n_neurons, layer.n_inputs);
    let act: Option<Vec<f64>> =
        (0..n).map(|j| Some(layer.activation.df(layer.z.get(r, j)?, layer.outputs.get(r, j)?))).collect();
    let act = act?;
    let mut data = Vec::with_capacity(n * k);
    for (j, d) in act.iter().enumerate() {
        for i in 0..k {
            data.push(d * layer.weights.get(i, j)?);
        }
    }
    Some(Jacobians { act, full: Matrix { shape: [n, k], data } })
}

/// `v · J`: a row of upstream gradients (one per output) through a Jacobian (outputs × inputs).
pub fn through(v: &[f64], j: &Matrix) -> Vec<f64> {
    (0..j.cols()).map(|i| v.iter().enumerate().map(|(o, g)| g * j.get(o, i).unwrap_or(f64::NAN)).sum()).collect()
}

/// What forming the Jacobian would cost: one example of a `width`-wide elementwise layer, and a
/// batch of `batch` (the whole batch's outputs against its inputs), as f32.
pub fn jacobian_sizes(width: u64, batch: u64) -> String {
    let one = width * width;
    let all = (width * batch) * (width * batch);
    let bytes = |entries: u64| {
        let b = entries as f64 * 4.0;
        if b >= 1e12 {
            format!("{} TB", super::plot_math::sig(b / 1e12, 3))
        } else if b >= 1e9 {
            format!("{} GB", super::plot_math::sig(b / 1e9, 3))
        } else {
            format!("{} MB", super::plot_math::sig(b / 1e6, 3))
        }
    };
    format!(
        "Formed, the Jacobian of a {w}-wide elementwise layer is {w} × {w} = {one} entries per example ({}); \
         for a batch of {batch} it is {wb} × {wb} = {all} entries ({}), almost all zeros. Backprop never forms it: \
         dvalues ⊙ f′(z) applies it with one product per entry of the batch, and ·Wᵀ the dense part.",
        bytes(one),
        bytes(all),
        w = crate::api::grouped_u64(width),
        wb = crate::api::grouped_u64(width * batch),
        one = crate::api::grouped_u64(one),
        all = crate::api::grouped_u64(all),
    )
}

/// A layer's Jacobians for the batch's first example, entry by entry, and the vectorised
/// product they equal; for a layer wider than [`MAX_JACOBIAN`], why not.
pub fn jacobian_view(layer: &LayerSnapshot, index: usize) -> El {
    let f = activation_name(layer.activation);
    let mut el = El::html("details")
        .attr_s("class", "jacobian")
        .attr("data-layer", (index + 1).to_string())
        .child(El::html("summary").text(format!("Layer {}'s Jacobian, for the batch's first example", index + 1)));
    if layer.n_neurons > MAX_JACOBIAN || layer.n_inputs > MAX_JACOBIAN {
        return el.child(El::html("p").attr_s("class", "help").text(format!(
            "{} × {}: larger than {MAX_JACOBIAN} × {MAX_JACOBIAN}, too many entries to show one by one.",
            layer.n_neurons, layer.n_inputs
        )));
    }
    let Some(j) = jacobians(layer, 0) else { return el };
    let n = layer.n_neurons;
    let diag =
        Matrix { shape: [n, n], data: (0..n * n).map(|e| if e / n == e % n { j.act[e / n] } else { 0.0 }).collect() };
    let dvalues: Vec<f64> = (0..n).map(|c| layer.dvalues.get(0, c).unwrap_or(f64::NAN)).collect();
    let via = through(&dvalues, &j.full);
    let vectorised: Vec<f64> = (0..layer.n_inputs).map(|i| layer.dinputs.get(0, i).unwrap_or(f64::NAN)).collect();
    let worst = via.iter().zip(&vectorised).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    let row = |v: &[f64]| Matrix { shape: [1, v.len()], data: v.to_vec() };
    let maps = El::html("div")
        .attr_s("class", "layer-maps")
        .child(heat_table(&format!("∂outputs/∂z = diag({f}′(z))"), &diag))
        .child(heat_table("∂outputs/∂X = diag(f′(z))·Wᵀ", &j.full))
        .child(heat_table("dvalues[0]·J", &row(&via)))
        .child(heat_table(
            if layer.activation == Activation::Linear {
                "dinputs[0] = dvalues[0]·Wᵀ"
            } else {
                "dinputs[0] = dz[0]·Wᵀ"
            },
            &row(&vectorised),
        ));
    el = el.child(El::html("p").attr_s("class", "help").text(format!(
        "Each output depends on its own z only, so the activation's Jacobian is diagonal ({n} × {n}, {} of its \
         {} entries can be non-zero); the layer's is diag(f′(z))·Wᵀ, {n} × {}. The upstream gradient times it, \
         dvalues[0]·J, is the vectorised dinputs[0] the layer computed (they differ by at most {}).",
        n,
        n * n,
        layer.n_inputs,
        super::plot_math::sig(worst, 2)
    )));
    el.child(maps).child(El::html("p").attr_s("class", "help").text(jacobian_sizes(4096, 100)))
}

/// A loss for the counters: four decimals in the usual range (0.6931, 0.0012), short
/// scientific notation outside it (4.1e7 when a run blows up, 3.2e−6 near zero), – for none.
pub fn loss_text(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(v) if v == 0.0 || (v.is_finite() && (1e-4..1e4).contains(&v.abs())) => format!("{v:.4}"),
        Some(v) => fmt_short(v),
    }
}

pub fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Linear => "linear",
        Activation::Sigmoid => "sigmoid",
        Activation::Tanh => "tanh",
        Activation::Relu => "ReLU",
        Activation::LeakyRelu => "leaky ReLU",
    }
}

/// The lecture's batch example: 3 neurons with 4 inputs each (weights given per neuron),
/// biases (2, 3, 0.5), a batch of 4 inputs, and dvalues rows (1,1,1) … (4,4,4), through a
/// linear layer: dinputs row 1 is (0.44, −0.38, −0.07, 1.37), dbiases (10, 10, 10).
pub fn lecture_layer() -> Option<LayerSnapshot> {
    let per_neuron = array![[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]];
    let mut layer =
        Dense::from_parameters(per_neuron.t().to_owned(), Array1::from(vec![2.0, 3.0, 0.5]), Activation::Linear)
            .ok()?;
    let x = array![[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8], [-2.4, -1.0, -0.3, -2.3]];
    layer.forward(x.view()).ok()?;
    let dvalues = array![[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0], [4.0, 4.0, 4.0]];
    layer.backward(dvalues.view()).ok()?;
    Some(layer.snapshot())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{Trainer, TrainerConfig};

    #[test]
    fn the_network_has_a_line_per_weight_with_value_and_gradient() {
        let mut t = Trainer::new(TrainerConfig { hidden: vec![3], ..TrainerConfig::default() }).unwrap();
        t.train(5);
        let snap = t.snapshot();
        let svg = network_svg(&snap.layers, &["x".into(), "y".into()], false, &[], NetExtras::default());
        let lines: Vec<&El> =
            svg.walk().into_iter().filter(|e| e.tag == "line" && e.get("class") == Some("edge")).collect();
        assert_eq!(lines.len(), 2 * 3 + 3);
        let w = snap.layers[0].weights.get(0, 0).unwrap();
        assert_eq!(lines[0].get("data-weight"), Some(fmt_full(w).as_str()));
        let weights: Vec<&El> = svg.walk().into_iter().filter(|e| e.get("class") == Some("weight")).collect();
        assert_eq!(weights.len(), lines.len(), "each weight a group: its tooltip, a line to click, the line drawn");
        assert!(weights[0].text_content().contains("∂L/∂w"));
        assert_eq!(weights[0].get("data-param"), Some("w-1-0-0"));
        let circles = svg.walk().into_iter().filter(|e| e.tag == "circle").count();
        assert_eq!(circles, 2 + 3 + 1);
        // The drawing is as tall as its widest layer needs: 3 neurons, not the 300 of 8.
        assert_eq!(svg.get("viewBox"), Some("0 0 560 178"));
        let mut wide = Trainer::new(TrainerConfig { hidden: vec![8, 8], ..TrainerConfig::default() }).unwrap();
        wide.train(1);
        let wide_svg =
            network_svg(&wide.snapshot().layers, &["x".into(), "y".into()], false, &[], NetExtras::default());
        assert_eq!(wide_svg.get("viewBox"), Some("0 0 560 300"));
        // With gradients shown, the widths follow |dweights| instead.
        let grads = network_svg(&snap.layers, &["x".into(), "y".into()], true, &[], NetExtras::default());
        assert_ne!(svg, grads);
        // Thumbnails go on the neurons they belong to.
        let thumbs = vec![vec![String::new(); 2], vec!["data:image/png;base64,AA".to_string(); 3]];
        let with = network_svg(&snap.layers, &["x".into(), "y".into()], false, &thumbs, NetExtras::default());
        assert_eq!(with.walk().into_iter().filter(|e| e.tag == "image").count(), 3);
    }

    #[test]
    fn behind_an_activation_the_products_are_labelled_with_dz_and_are_dz_products() {
        let mut t = Trainer::new(TrainerConfig { hidden: vec![3], ..TrainerConfig::default() }).unwrap();
        t.train(3);
        let layers = t.batch_layers();
        let text = layer_maps(&layers, None, &[]).text_content();
        for label in ["z = X·W + b", "dz = dvalues ⊙ tanh′(z)", "dinputs = dz·Wᵀ", "dweights = Xᵀ·dz", "dbiases = Σ dz"]
        {
            assert!(text.contains(label), "{label} in {text}");
        }
        assert!(text.contains("dinputs = dvalues·Wᵀ"), "the linear output layer keeps the lecture's labels");
        // and the numbers are what the labels say, with the W the batch used: z = X·W + b,
        // dinputs = dz·Wᵀ (not dvalues·Wᵀ)
        let l = &layers[0];
        for r in 0..l.inputs.rows() {
            for j in 0..l.n_neurons {
                let z =
                    (0..l.n_inputs).map(|i| l.inputs.get(r, i).unwrap() * l.weights.get(i, j).unwrap()).sum::<f64>()
                        + l.biases.get(0, j).unwrap();
                assert!((z - l.z.get(r, j).unwrap()).abs() < 1e-5, "z[{r}][{j}]");
            }
        }
        let product = |g: &Matrix, r: usize, i: usize| {
            (0..l.n_neurons).map(|j| g.get(r, j).unwrap() * l.weights.get(i, j).unwrap()).sum::<f64>()
        };
        let (mut worst_dz, mut worst_dvalues) = (0.0f64, 0.0f64);
        for r in 0..l.inputs.rows() {
            for i in 0..l.n_inputs {
                let shown = l.dinputs.get(r, i).unwrap();
                worst_dz = worst_dz.max((shown - product(&l.dz, r, i)).abs());
                worst_dvalues = worst_dvalues.max((shown - product(&l.dvalues, r, i)).abs());
            }
        }
        assert!(worst_dz < 1e-6 && worst_dvalues > 1e-4, "dz: {worst_dz}, dvalues: {worst_dvalues}");
        // the network's own weights have moved on by the step's update
        assert_ne!(t.network().layers()[0].weights()[[0, 0]] as f64, l.weights.get(0, 0).unwrap());
    }

    #[test]
    fn losses_read_well_at_every_size() {
        assert_eq!(loss_text(Some(0.5204)), "0.5204");
        assert_eq!(loss_text(Some(0.0012)), "0.0012");
        assert_eq!(loss_text(Some(0.0)), "0.0000");
        assert_eq!(loss_text(None), "–");
        for (v, not) in [(40813176.0, "40813176.0000"), (3.2e-6, "0.0000")] {
            let t = loss_text(Some(v));
            assert!(t != not && t.contains('e') && t.len() <= 8, "{v}: {t}");
        }
        assert_eq!(loss_text(Some(f64::INFINITY)), fmt_short(f64::INFINITY));
    }

    #[test]
    fn the_lecture_example_prints_its_numbers() {
        let snap = lecture_layer().unwrap();
        assert_eq!(snap.dinputs.shape, [4, 4]);
        let row: Vec<String> = (0..4).map(|c| fmt_short(snap.dinputs.get(0, c).unwrap())).collect();
        assert_eq!(row, ["0.44", "−0.38", "−0.07", "1.37"].map(String::from).to_vec());
        let maps = layer_maps(&[snap], None, &[]);
        let text = maps.text_content();
        assert!(text.contains("dinputs = dvalues·Wᵀ") && text.contains("4×3") && text.contains("10.00"), "{text}");
        assert!(!text.contains("dz"), "a linear layer is the lecture's: no dz");
        assert_eq!(signed_color(1.0, 1.0), "rgb(37,99,235)");
        assert_eq!(signed_color(0.0, 1.0), "rgb(255,255,255)");
    }
}

/// The sentence under the data set for one's own data: how many points, what kind, and where
/// each axis of the file went in the plane (the scale the import chose).
pub fn own_data_sentence(own: &crate::train::data::OwnData) -> String {
    use super::plot_math::sig;
    let kind = match own.classes {
        0 => "a regression (y against x)".to_string(),
        k => format!("{k} classes"),
    };
    let axis = |name: &str, scale: crate::train::import::Scale, coord: fn(&crate::train::Point) -> f64| {
        let lo = own.points.iter().map(coord).fold(f64::INFINITY, f64::min);
        let hi = own.points.iter().map(coord).fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite()) {
            return String::new();
        }
        format!(
            "{name} from {} to {} in the file is drawn from {} to {}",
            sig(scale.undo(lo), 4),
            sig(scale.undo(hi), 4),
            sig(lo, 4),
            sig(hi, 4)
        )
    };
    let n = own.points.len();
    format!(
        "Your data: {n} point{}, {kind}. {}; {}.",
        if n == 1 { "" } else { "s" },
        axis("x", own.x, |p| p.x),
        axis("y", own.y, |p| p.y)
    )
}

#[cfg(test)]
mod own_data_tests {
    use super::own_data_sentence;
    use crate::train::import::read_csv;
    use proptest::prelude::*;

    /// The numbers of a sentence, in order (with the page's minus sign).
    fn numbers(s: &str) -> Vec<f64> {
        s.replace('−', "-")
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
            .filter_map(|w| w.trim_end_matches('.').parse::<f64>().ok())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The sentence says the file's range and the plane's for each axis, as the scale maps
        /// them, and how many points and classes there are.
        #[test]
        fn the_sentence_says_where_the_data_went(rows in prop::collection::vec((-1e4f64..1e4, -1e4f64..1e4, 0usize..3), 2..40), regression: bool) {
            let text: String = rows.iter().map(|&(x, y, c)| if regression { format!("{x},{y}\n") } else { format!("{x},{y},{c}\n") }).collect();
            let Ok(data) = read_csv(&text) else { return Ok(()) };
            let (_, own) = data.into_own();
            let s = own_data_sentence(&own);
            let got = numbers(&s);
            let (mut i, n) = (0, own.points.len());
            prop_assert_eq!(got[i], n as f64); i += 1;
            if own.classes > 0 { prop_assert_eq!(got[i], own.classes as f64); i += 1; }
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-3 * b.abs().max(1e-9) + 1e-12;
            for (scale, coord) in [(own.x, 0usize), (own.y, 1)] {
                let vals: Vec<f64> = own.points.iter().map(|p| if coord == 0 { p.x } else { p.y }).collect();
                let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let said = &got[i..i + 4];
                i += 4;
                for (s, want) in said.iter().zip([scale.undo(lo), scale.undo(hi), lo, hi]) {
                    prop_assert!(close(*s, want), "{} says {} for {}", s, want, &own_data_sentence(&own));
                }
            }
        }
    }
}

#[cfg(test)]
mod jacobian_tests {
    use super::*;
    use crate::train::{Trainer, TrainerConfig};

    #[test]
    fn the_jacobian_sizes_are_the_lectures() {
        let s = jacobian_sizes(4096, 100);
        assert!(s.contains("4,096 × 4,096 = 16,777,216 entries per example (67.1 MB)"), "{s}");
        assert!(s.contains("409,600 × 409,600 = 167,772,160,000 entries (671 GB)"), "{s}");
    }

    /// The state the views show is the optimizer's: for SGD the last step is −η·∂L/∂w, for
    /// momentum −η·velocity; the tooltips say those numbers.
    #[test]
    fn the_last_step_shown_is_the_optimizers_update() {
        use crate::train::OptimizerConfig;
        for (opt, slot) in
            [(OptimizerConfig::Sgd { lr: 0.1 }, None), (OptimizerConfig::momentum(0.1), Some("velocity"))]
        {
            let mut t = Trainer::new(TrainerConfig { optimizer: opt, ..TrainerConfig::default() }).unwrap();
            t.train(3);
            let used = t.batch_layers();
            let now: Vec<LayerSnapshot> = t.network().layers().iter().map(|l| l.snapshot()).collect();
            let states = layer_states(&t.optimizer().state(), &now, &used);
            assert_eq!(states.len(), now.len());
            for (st, u) in states.iter().zip(&used) {
                let by = match slot {
                    None => &u.dweights,
                    Some(name) => &st.slots.iter().find(|s| s.0 == name).unwrap().1,
                };
                for (d, g) in st.step_w.data.iter().zip(&by.data) {
                    assert!((d + 0.1 * g).abs() < 1e-6, "{opt:?}: Δ = {d}, −η·{} = {}", g, -0.1 * g);
                }
            }
            let line = state_line(states.first(), Some(0), 1);
            assert!(line.contains("last step Δ = "), "{line}");
            assert_eq!(line.contains("velocity = "), slot.is_some(), "{line}");
            let svg =
                network_svg(&now, &["x".into(), "y".into()], false, &[], NetExtras { quiz: false, states: &states });
            assert!(svg.text_content().contains(&line), "the weight's tooltip has its state");
            let keys: Vec<String> =
                svg.walk().into_iter().filter_map(|e| e.get("data-param").map(String::from)).collect();
            assert!(keys.contains(&"w-1-0-1".to_string()) && keys.contains(&"b-3-0".to_string()), "{keys:?}");
            let maps = layer_maps(&used, None, &states);
            assert!(maps.walk().iter().any(|e| e.get("data-matrix") == Some("ΔW (last step)")));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]
        /// Every neuron's formula adds up: its products and bias sum to the z it states, and a
        /// is the activation of that z.
        #[test]
        fn the_neuron_formulas_add_up(hidden in proptest::collection::vec(1usize..8, 1..3), act in 0usize..4, seed in 0u64..1000) {
            let activation = [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Linear][act];
            let mut t = Trainer::new(TrainerConfig { hidden, activation, seed, ..TrainerConfig::default() }).unwrap();
            t.train(2);
            for layer in t.network().layers().iter().map(|l| l.snapshot()) {
                for j in 0..layer.n_neurons {
                    let f = neuron_formula(&layer, j).unwrap();
                    let num = |s: &str| s.trim().trim_start_matches('(').trim_end_matches(')').replace('−', "-").parse::<f64>().unwrap();
                    let sum = f.split(" = ").nth(2).unwrap();
                    let stated = num(f.split(" = ").nth(3).unwrap().split(';').next().unwrap());
                    let total: f64 = sum.split(" + ").map(|t| match t.split_once(" × ") {
                        Some((w, x)) => num(w) * num(x),
                        None => num(t),
                    }).sum();
                    proptest::prop_assert!((total - stated).abs() <= 1e-4 * (1.0 + stated.abs()), "{}", f);
                    let a = num(f.rsplit(" = ").next().unwrap());
                    proptest::prop_assert!((a - layer.activation.f(stated)).abs() <= 1e-4 * (1.0 + a.abs()), "{}", f);
                }
            }
        }

        /// On trained networks of random shapes and activations, every layer's activation
        /// Jacobian is diagonal (f′(z) on it) and the upstream gradient through the layer's
        /// Jacobian is the dinputs its vectorised backward pass computed.
        #[test]
        fn the_jacobian_applied_is_the_vectorised_product(
            hidden in proptest::collection::vec(1usize..8, 1..3),
            act in 0usize..4,
            seed in 0u64..1000,
            steps in 1usize..4,
        ) {
            let activation = [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Linear][act];
            let config = TrainerConfig { hidden, activation, seed, ..TrainerConfig::default() };
            let mut t = Trainer::new(config).unwrap();
            t.train(steps);
            for (l, layer) in t.batch_layers().iter().enumerate() {
                let j = jacobians(layer, 0).unwrap();
                let view = jacobian_view(layer, l);
                let diag = view.walk().into_iter().find(|e| e.get("data-matrix").is_some_and(|m| m.starts_with("∂outputs/∂z"))).unwrap();
                let cells: Vec<String> = diag.walk().into_iter().filter(|e| e.tag == "td").map(|e| e.text_content()).collect();
                let n = layer.n_neurons;
                for (e, c) in cells.iter().enumerate() {
                    if e / n != e % n {
                        let v: f64 = c.replace('−', "-").parse().unwrap();
                        proptest::prop_assert_eq!(v, 0.0, "off the diagonal");
                    }
                }
                let dvalues: Vec<f64> = (0..n).map(|c| layer.dvalues.get(0, c).unwrap()).collect();
                let via = through(&dvalues, &j.full);
                for (i, v) in via.iter().enumerate() {
                    let d = layer.dinputs.get(0, i).unwrap();
                    proptest::prop_assert!((v - d).abs() <= 1e-5 * (1.0 + d.abs()), "layer {l} input {i}: {v} vs {d}");
                }
            }
        }
    }
}
