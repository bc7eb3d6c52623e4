//! What the graph view draws, as plain trees of elements ([`El`]): the SVG drawing, the Nodes
//! table, the gradient-check table and the step explanation.
//!
//! Pure Rust, tested on the host; `web::dom` turns an [`El`] into DOM nodes with
//! `createElementNS`, `setAttribute` and text nodes, so nothing here is ever parsed as HTML.

use crate::graph::{explain, fmt_compact, fmt_full, fmt_short, GradCheck, Graph, NodeId, Op, Role, Step, Trace};
use crate::layout::{layered, Layout, NodeKind, Point, Spacing};
use std::borrow::Cow;

/// Room for this many attributes from the start: most elements have one to six, and growing
/// the list one push at a time cost a 2,000-node drawing a few thousand reallocations.
const ATTRS: usize = 6;

/// An element: tag, attributes in order, children. `svg` elements are created in the SVG
/// namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct El {
    pub tag: &'static str,
    pub svg: bool,
    /// (Values and texts are `Cow`s: the many fixed ones — class names, colours, headers —
    /// cost no allocation when a 2,000-node drawing is built for every redraw.)
    pub attrs: Vec<(&'static str, Cow<'static, str>)>,
    pub children: Vec<Child>,
}

/// A child: an element or a text node.
#[derive(Clone, Debug, PartialEq)]
pub enum Child {
    El(El),
    Text(Cow<'static, str>),
}

impl El {
    pub fn html(tag: &'static str) -> El {
        El { tag, svg: false, attrs: Vec::with_capacity(ATTRS), children: Vec::new() }
    }

    pub fn svg(tag: &'static str) -> El {
        El { tag, svg: true, attrs: Vec::with_capacity(ATTRS), children: Vec::new() }
    }

    pub fn attr(mut self, k: &'static str, v: impl Into<String>) -> El {
        self.attrs.push((k, Cow::Owned(v.into())));
        self
    }

    /// [`El::attr`] with a fixed value (no allocation).
    pub fn attr_s(mut self, k: &'static str, v: &'static str) -> El {
        self.attrs.push((k, Cow::Borrowed(v)));
        self
    }

    pub fn child(mut self, c: El) -> El {
        self.children.push(Child::El(c));
        self
    }

    pub fn text(mut self, t: impl Into<String>) -> El {
        self.children.push(Child::Text(Cow::Owned(t.into())));
        self
    }

    /// [`El::text`] with a fixed text (no allocation).
    pub fn text_s(mut self, t: &'static str) -> El {
        self.children.push(Child::Text(Cow::Borrowed(t)));
        self
    }

    /// The value of an attribute, if set.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.0 == k).map(|a| &*a.1)
    }

    /// Every element of the tree, depth first, this one included.
    pub fn walk(&self) -> Vec<&El> {
        let mut out = vec![self];
        for c in &self.children {
            if let Child::El(e) = c {
                out.extend(e.walk());
            }
        }
        out
    }

    /// All the text below this element.
    pub fn text_content(&self) -> String {
        self.children
            .iter()
            .map(|c| match c {
                Child::Text(t) => t.to_string(),
                Child::El(e) => e.text_content(),
            })
            .collect()
    }
}

/// A drawing coordinate with one decimal, as `{:.1}` writes it but without the exact
/// float formatting's cost (a redraw of a 2,000-node graph writes some 25,000 of them).
struct C1(f64);

impl std::fmt::Display for C1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.is_nan() || x.abs() >= 1e12 {
            return write!(f, "{x:.1}");
        }
        let tenths = (x * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let t = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", t / 10, t % 10)
    }
}

fn c1(x: f64) -> String {
    C1(x).to_string()
}

/// Radius of a gate's circle.
pub const GATE_R: f64 = 20.0;
/// Length of the wire drawn after a node that feeds nothing (the output), to carry its labels.
pub const STUB: f64 = 64.0;
/// Where a node's value (above) and gradient (below) sit on its outgoing wire, from its edge.
pub const LABEL_DX: f64 = 27.0;

/// A graph with its drawing positions.
pub struct Scene {
    pub graph: Graph,
    pub trace: Trace,
    pub layout: Layout,
    /// (from, to) for each drawn edge, in the layout's order.
    pub edges: Vec<(NodeId, NodeId)>,
    /// The kind of each node, which with the edges is the layout's input.
    kinds: Vec<NodeKind>,
    /// The gradient check, computed once per graph (not per redraw).
    pub checks: Vec<GradCheck>,
}

impl Scene {
    pub fn new(graph: Graph) -> Scene {
        Scene::after(graph, None)
    }

    /// The scene of `graph`, reusing `prev`'s layout when the graph has the same shape (the
    /// same kinds of node and the same wires: a value was edited or scrubbed), so a change of
    /// values never lays the graph out again.
    pub fn after(graph: Graph, prev: Option<&Scene>) -> Scene {
        let kinds: Vec<NodeKind> = graph
            .nodes()
            .iter()
            .map(|n| match n.op {
                Op::Input => NodeKind::Input,
                Op::Const => NodeKind::Constant,
                _ => NodeKind::Gate,
            })
            .collect();
        let edges: Vec<(NodeId, NodeId)> =
            graph.nodes().iter().enumerate().flat_map(|(to, n)| n.inputs.iter().map(move |&from| (from, to))).collect();
        let layout = match prev {
            Some(p) if p.kinds == kinds && p.edges == edges => p.layout.clone(),
            _ => {
                let spacing = Spacing { layer_gap: 128.0, row_gap: 84.0, margin: 46.0 };
                let mut layout = layered(&kinds, &edges, spacing);
                // room on the right for the output's wire and labels
                layout.width += STUB;
                layout
            }
        };
        let trace = graph.trace();
        let checks = graph.gradcheck();
        Scene { graph, trace, layout, edges, kinds, checks }
    }
}

/// What is shown of the passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Gate values visible.
    pub forward: bool,
    /// Steps of the backward pass done (`trace.steps.len()` for all).
    pub steps: usize,
    /// Whether the last step done is highlighted and explained (a step-through), or the
    /// gradients are simply shown (the Backward button).
    pub stepping: bool,
}

/// A name cut to fit a label (the full name is in the tooltip).
fn short_name(s: &str) -> String {
    if s.chars().count() > 10 {
        let mut t: String = s.chars().take(9).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

/// Half the width of an input's or constant's box.
fn leaf_half_width(label: &str) -> f64 {
    (label.chars().count() as f64 * 4.6 + 12.0).max(17.0)
}

/// The box of a leaf (a constant or an input), `hw` wide on each side of its centre, `height`
/// tall, with corners of radius `rx`.
fn leaf_box(p: Point, hw: f64, height: f64, rx: f64) -> El {
    El::svg("rect")
        .attr("x", c1(p.x - hw))
        .attr("y", c1(p.y - height / 2.0))
        .attr("width", c1(2.0 * hw))
        .attr("height", height.to_string())
        .attr("rx", rx.to_string())
        .attr_s("class", "box")
}

/// Where a node's outgoing wire starts (its right edge).
fn port_out(graph: &Graph, id: NodeId, p: Point) -> Point {
    let n = &graph.nodes()[id];
    let dx = match n.op {
        Op::Input => leaf_half_width(&short_name(&graph.label(id))),
        Op::Const => leaf_half_width(&fmt_compact(n.value)),
        _ => GATE_R,
    };
    Point { x: p.x + dx, y: p.y }
}

/// Where the wire leaves a node: its right edge.
fn wire_start(graph: &Graph, id: NodeId, p: Point) -> Point {
    port_out(graph, id, p)
}

/// A smooth path through the points, leaving and entering each one horizontally.
fn smooth_path(points: &[Point]) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        if i == 0 {
            d.push_str(&format!("M{},{}", C1(p.x), C1(p.y)));
        } else {
            let q = points[i - 1];
            let h = ((p.x - q.x) / 2.0).max(8.0);
            d.push_str(&format!(" C{},{} {},{} {},{}", C1(q.x + h), C1(q.y), C1(p.x - h), C1(p.y), C1(p.x), C1(p.y)));
        }
    }
    d
}

/// A label of the drawing at (x, y).
pub(super) fn text(x: f64, y: f64, class: &'static str, s: impl Into<String>) -> El {
    El::svg("text").attr("x", c1(x)).attr("y", c1(y)).attr_s("class", class).text(s)
}

fn title(s: impl Into<String>) -> El {
    El::svg("title").text(s)
}

/// A rectangle: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn overlap(&self, o: &Rect) -> f64 {
        let dx = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let dy = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        if dx > 0.0 && dy > 0.0 {
            dx * dy
        } else {
            0.0
        }
    }
}

/// Width of a label of `chars` characters in the drawing's 13 px font.
fn text_width(chars: usize) -> f64 {
    chars as f64 * 7.3
}

/// What the callout must not cover: every node's shape and its value and gradient labels
/// (as drawn by [`graph_svg`]).
pub fn label_boxes(scene: &Scene) -> Vec<Rect> {
    let g = &scene.graph;
    let mut out = vec![];
    for (id, n) in g.nodes().iter().enumerate() {
        let Some(&p) = scene.layout.nodes.get(id) else { continue };
        out.push(Rect { x: p.x - GATE_R - 4.0, y: p.y - GATE_R - 20.0, w: 2.0 * GATE_R + 8.0, h: 2.0 * GATE_R + 24.0 });
        if n.op == Op::Const {
            continue;
        }
        let mid = port_out(g, id, p).x + LABEL_DX;
        // value above the wire, gradient below it: up to 9 characters each ("−12345.67")
        let w = text_width(9);
        out.push(Rect { x: mid - w / 2.0, y: p.y - 20.0, w, h: 16.0 });
        out.push(Rect { x: mid - w / 2.0, y: p.y + 6.0, w, h: 16.0 });
    }
    out
}

/// Where to put a `w × h` callout for the node at `p` inside a `width × height` drawing: the
/// first of the places around the node (below, above, right, left, then further out) that
/// covers no label and no node, else the one that covers least.
pub fn place_callout(p: Point, w: f64, h: f64, width: f64, height: f64, avoid: &[Rect]) -> Rect {
    let clamp = |x: f64, y: f64| Rect {
        x: x.clamp(2.0, (width - w - 2.0).max(2.0)),
        y: y.clamp(2.0, (height - h - 2.0).max(2.0)),
        w,
        h,
    };
    let mut candidates = vec![];
    for reach in [0.0, 40.0, 80.0, 140.0] {
        candidates.push(clamp(p.x - w / 2.0, p.y + GATE_R + 30.0 + reach));
        candidates.push(clamp(p.x - w / 2.0, p.y - GATE_R - 26.0 - h - reach));
        candidates.push(clamp(p.x + GATE_R + 12.0 + reach, p.y - h / 2.0));
        candidates.push(clamp(p.x - GATE_R - 12.0 - w - reach, p.y - h / 2.0));
        for (dx, dy) in [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)] {
            let x = if dx > 0.0 { p.x + GATE_R + reach } else { p.x - GATE_R - w - reach };
            let y = if dy > 0.0 { p.y + GATE_R + reach } else { p.y - GATE_R - h - reach };
            candidates.push(clamp(x, y));
        }
    }
    let cost = |r: &Rect| avoid.iter().map(|a| r.overlap(a)).sum::<f64>();
    candidates.iter().copied().find(|r| cost(r) == 0.0).unwrap_or_else(|| {
        candidates.iter().copied().min_by(|a, b| cost(a).total_cmp(&cost(b))).unwrap_or(candidates[0])
    })
}

/// The box beside the node being stepped: the gate's role, then for each input
/// "name: upstream × local = sent". Placed where it covers no value, gradient or node
/// ([`place_callout`]), inside the drawing.
fn callout(g: &Graph, step: &Step, p: Point, size: (f64, f64), avoid: &[Rect]) -> El {
    let op = g.node(step.node).map_or(Op::Input, |n| n.op);
    let out = g.output().map(|o| g.label(o)).unwrap_or_default();
    let heading = match step.role {
        Role::Leaf => format!("input: ∂{out}/∂{} = {}", short_name(&g.label(step.node)), fmt_short(step.upstream)),
        Role::Distributes => format!("{} distributes", op.symbol()),
        Role::SwapsAndScales => "× swaps and scales".to_string(),
        Role::Routes => format!("{} routes", op.name()),
        Role::Scales => format!("{}: upstream × local", op.symbol()),
    };
    let mut lines = vec![heading];
    if step.contributions.len() > 1 {
        let parts: Vec<String> = step.contributions.iter().map(|c| fmt_short(c.1)).collect();
        lines.push(format!("fan-out: {} = {}", parts.join(" + "), fmt_short(step.upstream)));
    }
    for s in &step.sends {
        // named as the drawing shows it (an unnamed gate by its symbol, not its n<k> label)
        let shown = g.shown_name(s.to);
        let to = if shown.starts_with("the ") { shown } else { short_name(&shown) };
        lines.push(format!("{to}: {} × {} = {}", fmt_short(step.upstream), fmt_short(s.local), fmt_short(s.grad)));
    }
    let width = text_width(lines.iter().map(|l| l.chars().count()).max().unwrap_or(0)) + 16.0;
    let box_h = lines.len() as f64 * 17.0 + 10.0;
    let spot = place_callout(p, width, box_h, size.0, size.1, avoid);
    let (left, top) = (spot.x, spot.y);
    let mut el = El::svg("g").attr_s("class", "callout").child(
        El::svg("rect")
            .attr("x", c1(left))
            .attr("y", c1(top))
            .attr("width", c1(width))
            .attr("height", c1(box_h))
            .attr_s("rx", "6"),
    );
    for (i, line) in lines.iter().enumerate() {
        let class = if i == 0 { "callout-head" } else { "send-label" };
        let y = top + 19.0 + i as f64 * 17.0;
        el = el.child(text(left + 8.0, y, class, line.clone()).attr_s("text-anchor", "start"));
    }
    el
}

/// The computational graph as an SVG, in the lecture's look: inputs on the left, gates as
/// circles with their symbol, each node's value in green above its wire and its gradient in
/// red below. `current` is the step being shown, whose sends are written on its input wires.
pub fn graph_svg(scene: &Scene, shown: Shown) -> El {
    let g = &scene.graph;
    let grads = g.grads_after(&scene.trace, shown.steps);
    let current = if shown.stepping { shown.steps.checked_sub(1).and_then(|k| scene.trace.steps.get(k)) } else { None };
    let out = g.output();
    let (w, h) = (scene.layout.width, scene.layout.height);
    let mut svg = El::svg("svg")
        .attr_s("id", "graph")
        .attr("viewBox", format!("0 0 {w:.0} {h:.0}"))
        .attr("width", format!("{w:.0}"))
        .attr("height", format!("{h:.0}"))
        .attr_s("role", "img")
        .attr_s("tabindex", "0")
        .attr_s("aria-label", "Computational graph. Arrow keys step through the backward pass.");
    svg = svg.child(
        El::svg("defs").child(
            El::svg("marker")
                .attr_s("id", "arrow")
                .attr_s("viewBox", "0 0 10 10")
                .attr_s("refX", "9")
                .attr_s("refY", "5")
                .attr_s("markerWidth", "7")
                .attr_s("markerHeight", "7")
                .attr_s("orient", "auto-start-reverse")
                .child(El::svg("path").attr_s("d", "M0,1 L10,5 L0,9 z").attr_s("class", "arrowhead")),
        ),
    );

    // wires first, so nodes and labels sit on top
    let mut wires = El::svg("g").attr_s("class", "edges");
    let mut annotations = El::svg("g").attr_s("class", "annotations");
    for (k, &(from, to)) in scene.edges.iter().enumerate() {
        let (Some(&pf), Some(&pt)) = (scene.layout.nodes.get(from), scene.layout.nodes.get(to)) else {
            continue;
        };
        let mut pts = vec![wire_start(g, from, pf)];
        if let Some(poly) = scene.layout.edges.get(k) {
            if poly.len() > 2 {
                pts.extend_from_slice(&poly[1..poly.len() - 1]);
            }
        }
        pts.push(Point { x: pt.x - GATE_R, y: pt.y });
        let active = current.is_some_and(|s| s.node == to && s.sends.iter().any(|x| x.to == from));
        let class = if active { "edge active" } else { "edge" };
        wires = wires.child(
            El::svg("path")
                .attr("class", class)
                .attr("d", smooth_path(&pts))
                .attr_s("marker-end", "url(#arrow)")
                .attr("data-from", g.label(from))
                .attr("data-to", g.label(to)),
        );
    }
    svg = svg.child(wires);
    if let Some(step) = current {
        if let Some(&p) = scene.layout.nodes.get(step.node) {
            annotations = annotations.child(callout(g, step, p, (w, h), &label_boxes(scene)));
        }
    }

    let mut has_consumer = vec![false; g.len()];
    for &(from, _) in &scene.edges {
        if let Some(c) = has_consumer.get_mut(from) {
            *c = true;
        }
    }
    let mut nodes = El::svg("g").attr_s("class", "nodes");
    for (id, n) in g.nodes().iter().enumerate() {
        let Some(&p) = scene.layout.nodes.get(id) else { continue };
        let label = g.label(id);
        let value_shown = shown.forward || matches!(n.op, Op::Input | Op::Const);
        let grad = grads.get(id).copied().flatten();
        let is_current = current.is_some_and(|s| s.node == id);
        let mut class = format!("node {}", n.op.name());
        if Some(id) == out {
            class.push_str(" output");
        }
        if is_current {
            class.push_str(" current");
        }
        if !n.value.is_finite() {
            class.push_str(" nonfinite");
        }
        let mut el = El::svg("g")
            .attr("class", class)
            .attr("data-name", label.clone())
            .attr("data-op", n.op.name())
            .attr("data-value", if value_shown { fmt_full(n.value) } else { String::new() })
            .attr("data-grad", grad.map(fmt_full).unwrap_or_default());
        if is_current {
            el = el.attr_s("data-current", "true");
        }
        let mut tip = format!("{label} ({})", n.op.name());
        if value_shown {
            tip.push_str(&format!("\nvalue {}", fmt_full(n.value)));
        }
        if let Some(d) = grad {
            tip.push_str(&format!(
                "\ngradient ∂{}/∂{label} = {}",
                out.map(|o| g.label(o)).unwrap_or_default(),
                fmt_full(d)
            ));
        }
        el = el.child(title(tip));
        let port = port_out(g, id, p);
        match n.op {
            Op::Const => {
                let hw = leaf_half_width(&fmt_compact(n.value));
                el = el.child(leaf_box(p, hw, 24.0, 5.0)).child(text(p.x, p.y + 4.5, "symbol", fmt_compact(n.value)));
            }
            Op::Input => {
                let name = short_name(&label);
                let hw = leaf_half_width(&name);
                el = el.child(leaf_box(p, hw, 28.0, 14.0)).child(text(p.x, p.y + 5.0, "name", name));
            }
            op => {
                el = el
                    .child(
                        El::svg("circle")
                            .attr("cx", c1(p.x))
                            .attr("cy", c1(p.y))
                            .attr("r", format!("{GATE_R}"))
                            .attr_s("class", "gate"),
                    )
                    .child(text(
                        p.x,
                        p.y + 5.0,
                        if op.symbol().chars().count() > 2 { "symbol small" } else { "symbol" },
                        op.symbol(),
                    ));
                if n.name.is_some() && Some(id) != out {
                    el = el.child(text(p.x, p.y - GATE_R - 7.0, "name", short_name(&label)));
                }
            }
        }
        if n.op != Op::Const {
            // the value above the node's outgoing wire and the gradient below it; a node that
            // feeds nothing gets a short wire of its own to carry them
            let end = Point { x: port.x + STUB, y: port.y };
            let mid = port.x + LABEL_DX;
            if !has_consumer[id] {
                el = el.child(
                    El::svg("line")
                        .attr_s("class", "stub")
                        .attr("x1", c1(port.x))
                        .attr("y1", c1(port.y))
                        .attr("x2", c1(end.x))
                        .attr("y2", c1(end.y))
                        .attr_s("marker-end", "url(#arrow)"),
                );
            }
            // the value's and the gradient's labels are always there, empty while not shown,
            // so that Forward, Backward and Reset change texts and not the drawing's shape
            // (on a 2,000-node graph, 2,000 elements made and dropped at each)
            let cls = if n.op == Op::Input { "value editable" } else { "value" };
            let mut v = text(mid, p.y - 7.0, cls, if value_shown { fmt_short(n.value) } else { String::new() });
            if n.op == Op::Input {
                v = v
                    .attr_s("tabindex", "0")
                    .attr_s("role", "button")
                    .attr("aria-label", format!("{label} = {}; press Enter to edit, drag to scrub", fmt_full(n.value)));
            }
            el = el.child(v).child(text(mid, p.y + 19.0, "grad", grad.map(fmt_short).unwrap_or_default()));
            if Some(id) == out {
                el = el
                    .child(text(end.x + 8.0, p.y + 5.0, "out-name", short_name(&label)).attr_s("text-anchor", "start"));
            }
        }
        nodes = nodes.child(el);
    }
    svg.child(nodes).child(annotations)
}

/// The `Nodes` table: every node's name, op, inputs (the wiring, for a screen reader), value
/// and gradient, the same numbers as the
/// drawing (for screen readers and copying).
pub fn nodes_table(scene: &Scene, shown: Shown) -> El {
    let g = &scene.graph;
    let grads = g.grads_after(&scene.trace, shown.steps);
    let mut body = El::html("tbody");
    for (id, n) in g.nodes().iter().enumerate() {
        let value_shown = shown.forward || matches!(n.op, Op::Input | Op::Const);
        let mut op = El::html("td").text(n.op.name());
        if let Op::PowC(p) = n.op {
            op = op.attr("title", format!("raise to the constant power {}", fmt_compact(p)));
        }
        body = body.child(
            El::html("tr")
                .attr("data-name", g.label(id))
                .child(El::html("th").attr_s("scope", "row").text(g.label(id)))
                .child(op)
                .child(
                    El::html("td")
                        .attr_s("class", "inputs")
                        .text(n.inputs.iter().map(|&i| g.label(i)).collect::<Vec<_>>().join(", ")),
                )
                .child(El::html("td").attr_s("class", "num").text(if value_shown {
                    fmt_full(n.value)
                } else {
                    String::new()
                }))
                .child(El::html("td").attr_s("class", "num").text(grads[id].map(fmt_full).unwrap_or_default())),
        );
    }
    El::html("table")
        .attr_s("id", "nodes-table")
        .child(El::html("caption").text_s("Nodes"))
        .child(
            El::html("thead").child(
                El::html("tr")
                    .child(El::html("th").attr_s("scope", "col").text_s("name"))
                    .child(El::html("th").attr_s("scope", "col").text_s("op"))
                    .child(El::html("th").attr_s("scope", "col").text_s("inputs"))
                    .child(El::html("th").attr_s("scope", "col").text_s("value"))
                    .child(El::html("th").attr_s("scope", "col").text_s("gradient")),
            ),
        )
        .child(body)
}

/// The gradient check: each input's analytic and numeric gradient and their relative error,
/// flagged above the tolerance.
pub fn gradcheck_table(graph: &Graph, checks: &[GradCheck]) -> El {
    let mut body = El::html("tbody");
    // where the function has no derivative, a disagreement is the kink's, not an error
    let kinks = graph.kinks();
    for c in checks {
        let name = graph.label(c.input);
        let mut tr = El::html("tr")
            .attr("data-name", name.clone())
            .attr("data-analytic", fmt_full(c.analytic))
            .attr("data-numeric", fmt_full(c.numeric))
            .attr("data-rel-error", fmt_full(c.rel_error));
        let at_kink = c.flagged() && !kinks.is_empty();
        if at_kink {
            // still a disagreement (flagged), but the kink's: explained below, not an error
            tr = tr.attr_s("class", "flagged kink").attr_s("data-kink", "true");
        } else if c.flagged() {
            tr = tr.attr_s("class", "flagged");
        }
        let err = if c.rel_error.is_nan() { "—".to_string() } else { format!("{:.1e}", c.rel_error) };
        let err = match (at_kink, c.flagged()) {
            (true, _) => format!("{err} (kink)"),
            (false, true) => format!("{err} ⚠"),
            _ => err,
        };
        body = body.child(
            tr.child(El::html("th").attr_s("scope", "row").text(name))
                .child(El::html("td").attr_s("class", "num").text(fmt_sig(c.analytic)))
                .child(El::html("td").attr_s("class", "num").text(fmt_sig(c.numeric)))
                .child(El::html("td").attr_s("class", "num").text(err)),
        );
    }
    if checks.is_empty() {
        body = body.child(El::html("tr").child(El::html("td").attr_s("colspan", "4").text_s("No inputs to check.")));
    }
    let mut table = El::html("table");
    if !kinks.is_empty() {
        let said: Vec<String> = kinks.iter().map(|k| format!("{}: {}", graph.label(k.node), k.message)).collect();
        table = table.child(
            El::html("tfoot").child(
                El::html("tr").child(
                    El::html("td")
                        .attr_s("colspan", "4")
                        .attr_s("class", "kinks")
                        .text(format!("Kinks, where the function has no derivative: {}", said.join("; "))),
                ),
            ),
        );
    }
    table
        .attr_s("id", "gradcheck")
        .child(El::html("caption").text_s("Gradient check"))
        .child(
            El::html("thead").child(
                El::html("tr")
                    .child(El::html("th").attr_s("scope", "col").text_s("input"))
                    .child(El::html("th").attr_s("scope", "col").text_s("analytic"))
                    .child(El::html("th").attr_s("scope", "col").text_s("numeric"))
                    .child(El::html("th").attr_s("scope", "col").text_s("rel. error")),
            ),
        )
        .child(body)
}

/// Six significant digits, for the gradient-check table: `−0.196612`, `2e−7` (not "0"),
/// `1e300` (not 300 digits).
pub fn fmt_sig(v: f64) -> String {
    super::plot_math::sig(v, 6)
}

/// The words under the graph for the current step (or what to do next).
pub fn step_text(scene: &Scene, shown: Shown) -> String {
    let total = scene.trace.steps.len();
    if !shown.forward {
        return "The gates' values are hidden (Reset): only the inputs are given. Press Forward to compute \
                them, then Backward or Step (→) for the gradients."
            .into();
    }
    if !shown.stepping && shown.steps > 0 {
        return format!(
            "Every gradient is shown: each is ∂{0}/∂node, red under the node's wire. Press Step (→) to walk the {total} steps of the backward pass one node at a time.",
            scene.graph.output().map(|o| scene.graph.label(o)).unwrap_or_default()
        );
    }
    match shown.steps {
        0 => format!(
            "Press Backward for every gradient at once, or Step (→) to walk the backward pass one node at a time ({total} steps)."
        ),
        k => match scene.trace.steps.get(k - 1) {
            Some(step) => {
                let prefix = format!("Step {k} of {total}. ");
                let done = if k == total { " The backward pass is complete." } else { "" };
                format!("{prefix}{}{done}", explain(&scene.graph, step))
            }
            None => String::new(),
        },
    }
}

/// *What a gradient costs*: the operations each way of getting every input's gradient takes
/// (counted by the engine, [`crate::graph::cost::Costs`]) and, once measured, the time each
/// takes here (ms per run of all the gradients), with a sentence comparing them.
pub fn cost_table(c: &crate::graph::cost::Costs, times: Option<[f64; 4]>) -> El {
    let k = c.inputs;
    let rows = [
        ("forward", "Forward pass", c.forward, "1".to_string()),
        ("backward", "Backward pass (reverse mode)", c.backward, "1 for all".to_string()),
        ("forward-mode", "Forward mode", c.forward_mode, format!("{k}: 1 per input")),
        ("numeric", "Centred differences", c.numeric, format!("{}: 2 per input", 2 * k)),
    ];
    let mut body = El::html("tbody");
    for (i, (id, name, ops, passes)) in rows.iter().enumerate() {
        let time =
            times.map(|t| format!("{} µs", super::plot_math::sig(1000.0 * t[i], 3))).unwrap_or_else(|| "…".into());
        body = body.child(
            El::html("tr")
                .attr("data-way", *id)
                .attr("data-ops", ops.to_string())
                .child(El::html("th").attr_s("scope", "row").text(*name))
                .child(El::html("td").text(passes.clone()))
                .child(El::html("td").attr_s("class", "num").text(ops.to_string()))
                .child(El::html("td").attr_s("class", "num").text(time)),
        );
    }
    El::html("div")
        .child(
            El::html("table")
                .attr_s("id", "costs-table")
                .child(El::html("caption").text_s("Every input's gradient, four ways"))
                .child(
                    El::html("thead").child(
                        El::html("tr")
                            .child(El::html("th").attr_s("scope", "col").text_s("way"))
                            .child(El::html("th").attr_s("scope", "col").text_s("passes"))
                            .child(El::html("th").attr_s("scope", "col").text_s("operations"))
                            .child(El::html("th").attr_s("scope", "col").text_s("time here")),
                    ),
                )
                .child(body),
        )
        .child(El::html("p").attr_s("class", "help").attr_s("id", "costs-summary").text(cost_sentence(c)))
}

/// The sentence under the cost table, from the counts.
pub fn cost_sentence(c: &crate::graph::cost::Costs) -> String {
    let k = c.inputs;
    if k == 0 || c.forward == 0 {
        return "With no input or no gate, there is nothing to differentiate.".into();
    }
    let ratio = c.backward as f64 / c.forward as f64;
    // "3.5 times", "12 times", "340 times" (not "3.4e2")
    let ratio = if ratio >= 10.0 { format!("{ratio:.0}") } else { super::plot_math::sig(ratio, 2) };
    format!(
        "The backward pass gets all {k} gradient{} in {} operations, {} times the forward pass's {}; forward mode \
         needs {} ({k} pass{}) and centred differences {} (2 × {k} forward passes): with millions of weights, \
         that is millions of passes. An operation is a gate evaluated, a product of a local derivative and a \
         gradient, or a sum of two.",
        if k == 1 { "" } else { "s" },
        c.backward,
        ratio,
        c.forward,
        c.forward_mode,
        if k == 1 { "" } else { "es" },
        c.numeric
    )
}

/// Calls `f` with each drawn node of a [`graph_svg`] drawing and its id (to mark them: the
/// quiz's answers, forward mode's tangents).
pub fn for_each_node(svg: &mut El, graph: &Graph, mut f: impl FnMut(NodeId, &mut El)) {
    for group in svg.children.iter_mut() {
        let Child::El(group) = group else { continue };
        if group.get("class") != Some("nodes") {
            continue;
        }
        for node in group.children.iter_mut() {
            let Child::El(node) = node else { continue };
            if let Some(id) = node.get("data-name").and_then(|n| graph.find(n)) {
                f(id, node);
            }
        }
    }
}

/// Where a drawn node's gradient label sits (x, y), to put a mark beside or under it.
pub fn grad_label_at(node: &El) -> Option<(f64, f64)> {
    node.children.iter().find_map(|c| match c {
        Child::El(e) if e.get("class") == Some("grad") => {
            Some((e.get("x")?.parse::<f64>().ok()?, e.get("y")?.parse::<f64>().ok()?))
        }
        _ => None,
    })
}

/// Forward mode on the drawing: each node gets `data-tangent` (∂node/∂input) and its tangent
/// as a purple label under the gradient's.
pub fn mark_tangents(svg: &mut El, graph: &Graph, tangents: &[f64]) {
    for_each_node(svg, graph, |id, node| {
        let Some(&t) = tangents.get(id) else { return };
        node.attrs.push(("data-tangent", fmt_full(t).into()));
        if let Some((x, y)) = grad_label_at(node) {
            node.children.push(Child::El(text(x, y + 15.0, "tangent", fmt_short(t))));
        }
    });
}

/// What forward mode along `input` shows, compared with the backward pass.
pub fn tangent_sentence(graph: &Graph, trace: &Trace, input: NodeId, tangents: &[f64]) -> String {
    let Some(out) = graph.output() else { return String::new() };
    let (x, f) = (graph.label(input), graph.label(out));
    let grad = graph.grads_after(trace, trace.steps.len()).get(input).copied().flatten().unwrap_or(0.0);
    let t = tangents.get(out).copied().unwrap_or(f64::NAN);
    let same = if (t - grad).abs() <= 1e-9 * (1.0 + grad.abs()) { "the same number" } else { "not the same number" };
    format!(
        "Forward mode along {x}: every node's tangent ∂node/∂{x} (purple, under the gradients) is its inputs' \
         tangents times its local derivatives, summed, node by node in the forward order, starting from \
         ∂{x}/∂{x} = 1. The output's, ∂{f}/∂{x} = {}, is {x}'s gradient from the backward pass, {}: {same}. One \
         forward-mode pass gives one input's gradient; the backward pass gives every input's at once.",
        super::plot_math::sig(t, 6),
        super::plot_math::sig(grad, 6)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{parse, Options};

    fn scene(src: &str) -> Scene {
        Scene::new(parse(src, Options::default()).unwrap())
    }

    proptest::proptest! {
        /// The fast coordinate writer says what `{:.1}` says, up to the last digit's rounding.
        #[test]
        fn coordinates_are_written_as_with_one_decimal(x in -1e7f64..1e7) {
            let fast = C1(x).to_string();
            let slow = format!("{x:.1}");
            let (a, b): (f64, f64) = (fast.parse().unwrap(), slow.parse().unwrap());
            proptest::prop_assert!((a - b).abs() <= 0.1 + 1e-9, "{} vs {}", fast, slow);
            proptest::prop_assert_eq!(fast.split('.').nth(1).map(str::len), Some(1));
        }

        /// Rebuilding a scene after a value changed keeps the layout; a new shape lays out anew.
        #[test]
        fn a_scene_of_the_same_shape_keeps_its_layout(a in -9.0f64..9.0, b in -9.0f64..9.0) {
            let first = scene(&format!("x = {a}; y = 2\nf = x * y + exp(x)"));
            let same = Scene::after(parse(&format!("x = {b}; y = 2\nf = x * y + exp(x)"), Options::default()).unwrap(), Some(&first));
            proptest::prop_assert_eq!(&same.layout, &first.layout);
            proptest::prop_assert_eq!(same.graph.node(0).unwrap().value, b);
            let other = Scene::after(parse("x = 1; y = 2\nf = x * y", Options::default()).unwrap(), Some(&first));
            proptest::prop_assert_eq!(&other.layout, &scene("x = 1; y = 2\nf = x * y").layout);
            proptest::prop_assert_eq!(other.checks.len(), other.graph.gradcheck().len());
        }
    }

    fn nodes(svg: &El) -> Vec<&El> {
        svg.walk().into_iter().filter(|e| e.get("data-op").is_some()).collect()
    }

    #[test]
    fn every_node_carries_the_hooks() {
        let s = scene("x = -2; y = 5; z = -4\nq = x + y\nf = q * z");
        let all = Shown { forward: true, steps: s.trace.steps.len(), stepping: true };
        let svg = graph_svg(&s, all);
        let ns = nodes(&svg);
        let names: Vec<&str> = ns.iter().map(|e| e.get("data-name").unwrap()).collect();
        assert_eq!(names, ["x", "y", "z", "q", "f"]);
        let grad = |n: &str| ns.iter().find(|e| e.get("data-name") == Some(n)).unwrap().get("data-grad").unwrap();
        assert_eq!((grad("x"), grad("y"), grad("z"), grad("f")), ("-4", "-4", "3", "1"));
        // before the backward pass, no gradient
        let svg = graph_svg(&s, Shown { forward: true, steps: 0, stepping: true });
        assert!(nodes(&svg).iter().all(|e| e.get("data-grad") == Some("")));
        // edges name their ends
        let edges: Vec<(&str, &str)> = svg
            .walk()
            .into_iter()
            .filter(|e| e.get("class").is_some_and(|c| c.starts_with("edge")) && e.tag == "path")
            .map(|e| (e.get("data-from").unwrap(), e.get("data-to").unwrap()))
            .collect();
        assert_eq!(edges, [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]);
    }

    #[test]
    fn the_current_step_is_highlighted_and_explained() {
        let s = scene("x = -2; y = 5; z = -4\nq = x + y\nf = q * z");
        let svg = graph_svg(&s, Shown { forward: true, steps: 2, stepping: true });
        let current: Vec<&str> = nodes(&svg)
            .iter()
            .filter(|e| e.get("data-current") == Some("true"))
            .map(|e| e.get("data-name").unwrap())
            .collect();
        assert_eq!(current, ["q"]);
        let sends: Vec<String> =
            svg.walk().into_iter().filter(|e| e.get("class") == Some("send-label")).map(|e| e.text_content()).collect();
        assert_eq!(sends, ["x: −4.00 × 1.00 = −4.00", "y: −4.00 × 1.00 = −4.00"]);
        // after Backward every gradient is shown and nothing is highlighted
        let all = Shown { forward: true, steps: s.trace.steps.len(), stepping: false };
        assert!(nodes(&graph_svg(&s, all)).iter().all(|e| e.get("data-current").is_none()));
        assert!(step_text(&s, all).contains("Every gradient is shown"));
        assert!(step_text(&s, Shown { forward: false, steps: 0, stepping: false }).contains("Press Forward"));
        let words = step_text(&s, Shown { forward: true, steps: 2, stepping: true });
        assert!(
            words.contains("Step 2 of 5") && words.contains("distributes") && words.contains("upstream"),
            "{words}"
        );
    }

    #[test]
    fn the_callout_covers_no_value_gradient_or_node_and_stays_inside() {
        for src in [
            "x = -2; y = 5; z = -4\nq = x + y\nf = q * z",
            "a = 3\nb = a * a\nf = b + a",
            "x = 3; y = -1; z = 2\nm = max(x, y)\nf = m * z",
        ] {
            let s = scene(src);
            let avoid = label_boxes(&s);
            for k in 1..=s.trace.steps.len() {
                let svg = graph_svg(&s, Shown { forward: true, steps: k, stepping: true });
                let rect = svg.walk().into_iter().find(|e| e.tag == "rect" && e.get("rx") == Some("6")).unwrap();
                let num = |a: &str| rect.get(a).unwrap().parse::<f64>().unwrap();
                let r = Rect { x: num("x"), y: num("y"), w: num("width"), h: num("height") };
                assert!(r.x >= 0.0 && r.y >= 0.0, "{src:?} step {k}: {r:?} is clipped at the top or left");
                assert!(
                    r.x + r.w <= s.layout.width + 0.5 && r.y + r.h <= s.layout.height + 0.5,
                    "{src:?} step {k}: {r:?} outside"
                );
                let covered: Vec<&Rect> = avoid.iter().filter(|a| r.overlap(a) > 0.0).collect();
                assert!(covered.is_empty(), "{src:?} step {k}: the callout {r:?} covers {covered:?}");
            }
        }
    }

    #[test]
    fn user_text_only_ever_becomes_text() {
        let s = scene("x = 1\nf = x * 2");
        let svg = graph_svg(&s, Shown { forward: true, steps: 0, stepping: true });
        // attributes come from a fixed list of names; text only in Text children
        for e in svg.walk() {
            for (k, _) in &e.attrs {
                assert!(!k.starts_with("on"), "event-handler attribute {k}");
            }
        }
    }

    #[test]
    fn no_two_nodes_overlap_and_wires_go_right() {
        let s = scene(crate::web::model::state::PRESETS[1].source);
        let ps = &s.layout.nodes;
        for i in 0..ps.len() {
            for j in 0..i {
                let d = ((ps[i].x - ps[j].x).powi(2) + (ps[i].y - ps[j].y).powi(2)).sqrt();
                assert!(d >= 2.0 * GATE_R, "nodes {i} and {j} overlap");
            }
        }
        for &(from, to) in &s.edges {
            let start = wire_start(&s.graph, from, ps[from]);
            assert!(start.x < ps[to].x - GATE_R, "wire {from}→{to} runs backwards");
        }
    }

    #[test]
    fn gradcheck_numbers_have_significant_digits_and_kinks_are_not_errors() {
        assert_eq!(fmt_sig(2e-7), "2e−7");
        assert_eq!(fmt_sig(1e300), "1e300");
        assert_eq!(fmt_sig(-0.1966119), "−0.196612");
        assert_eq!(fmt_sig(-4.0), "−4");
        assert_eq!(fmt_sig(123456.7), "123457");
        assert_eq!(fmt_sig(1234567.0), "1.23457e6");
        assert_eq!(fmt_sig(0.000123456789), "0.000123457");
        assert_eq!(fmt_sig(0.0), "0");
        let s = scene("x = 0; y = 3\nf = relu(x) * y");
        let t = gradcheck_table(&s.graph, &s.graph.gradcheck());
        let x = t.walk().into_iter().find(|e| e.tag == "tr" && e.get("data-name") == Some("x")).unwrap();
        assert_eq!(x.get("data-kink"), Some("true"), "x sits on relu's kink");
        assert_eq!(x.get("class"), Some("flagged kink"));
        assert!(t.text_content().contains("relu(0) has no derivative"));
    }

    #[test]
    fn tables_list_every_node_and_flag_bad_checks() {
        let s = scene("a = 3\nf = a*a + a");
        let t = nodes_table(&s, Shown { forward: true, steps: 0, stepping: true });
        let rows = t.walk().into_iter().filter(|e| e.tag == "tr" && e.get("data-name").is_some()).count();
        assert_eq!(rows, s.graph.len());
        assert_eq!(t.walk()[1].text_content(), "Nodes");
        // each row: name, op, inputs, value, gradient; f's inputs are the + gate's
        let f = t.walk().into_iter().find(|e| e.tag == "tr" && e.get("data-name") == Some("f")).unwrap();
        let cells: Vec<String> = f.walk().into_iter().skip(1).map(|c| c.text_content()).collect();
        let plus =
            s.graph.nodes()[s.graph.find("f").unwrap()].inputs.iter().map(|&i| s.graph.label(i)).collect::<Vec<_>>();
        assert_eq!((cells[0].as_str(), cells[1].as_str(), cells[2].clone()), ("f", "add", plus.join(", ")));
        let checks = [GradCheck { input: 0, analytic: 7.0, numeric: 8.0, rel_error: 0.125 }];
        let t = gradcheck_table(&s.graph, &checks);
        assert!(t.walk().iter().any(|e| e.get("class") == Some("flagged")));
        assert!(!gradcheck_table(&s.graph, &s.graph.gradcheck())
            .walk()
            .iter()
            .any(|e| e.get("class") == Some("flagged")));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// The cost sentence says the counts it is given: the inputs, the backward pass's and the
        /// forward pass's operations, their ratio, forward mode's and centred differences'.
        #[test]
        fn the_cost_sentence_says_the_counts(inputs in 1usize..50, forward in 1usize..5000, b in 1usize..20000, fm in 1usize..100000, numeric in 1usize..100000) {
            let c = crate::graph::cost::Costs { inputs, forward, backward: b, forward_mode: fm, numeric };
            let s = cost_sentence(&c);
            let nums: Vec<f64> = s.split(|ch: char| !(ch.is_ascii_digit() || ch == '.')).filter_map(|w| w.trim_end_matches('.').parse().ok()).collect();
            proptest::prop_assert_eq!(nums[0], inputs as f64, "{}", s);
            proptest::prop_assert_eq!(nums[1], b as f64, "{}", s);
            let ratio = b as f64 / forward as f64;
            proptest::prop_assert!((nums[2] - ratio).abs() <= 0.05 * ratio + 1e-9, "{} (ratio {})", s, ratio);
            proptest::prop_assert_eq!(nums[3], forward as f64);
            proptest::prop_assert_eq!(nums[4], fm as f64);
            proptest::prop_assert_eq!(nums[5], inputs as f64);
            proptest::prop_assert_eq!(nums[6], numeric as f64);
            proptest::prop_assert_eq!(nums[7], 2.0);
            proptest::prop_assert_eq!(nums[8], inputs as f64);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]
        /// The forward-mode sentence prints the output's tangent and the input's gradient, and
        /// says they are the same number exactly when they are.
        #[test]
        fn the_tangent_sentence_compares_the_numbers_it_prints(a in -3.0f64..3.0, b in -3.0f64..3.0, op in 0usize..4) {
            let e = ["a * b", "tanh(a) * b + a", "sigmoid(a - b) * a", "exp(-a) / (1 + b * b)"][op];
            let mut g = crate::expr::parse(&format!("a = {a}; b = {b}\nf = {e}"), Default::default()).unwrap();
            g.forward();
            let t = g.backward();
            for input in g.inputs() {
                let (tan, _) = g.tangents(input);
                let s = tangent_sentence(&g, &t, input, &tan);
                let out = g.output().unwrap();
                proptest::prop_assert!(s.contains(&format!(" = {}, is ", crate::web::model::plot_math::sig(tan[out], 6))), "{}", s);
                proptest::prop_assert!(s.contains(": the same number."), "{}", s);
                let mut off = tan.clone();
                off[out] += 1.0;
                proptest::prop_assert!(tangent_sentence(&g, &t, input, &off).contains("not the same number"));
            }
        }
    }
}
