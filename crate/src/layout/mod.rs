//! Layered ("Sugiyama-style") drawing of a computational graph, as in the CS231n lecture figures:
//! inputs on the left, the output on the right, data flowing left to right.
//!
//! [`layered`] runs four steps, each in its own function below, in this order:
//!
//! 1. `assign_layers`: a column for every node (longest path, constants pulled right).
//! 2. `build_graph`: long edges are split by dummy vertices, one per crossed column.
//! 3. `order_layers`: the order of the vertices inside each column (barycentric sweeps).
//! 4. `assign_y`: a y for every vertex that keeps the order and the minimum gaps.
//!
//! [`crossing_count`] measures a finished layout.
//!
//! Everything is pure, deterministic and panic-free: edges that break the contract are ignored.

/// What a node is, for placing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A variable the user feeds in (x, y, w0, ...). A node without inputs sits in layer 0.
    Input,
    /// A literal such as the `1` in `1 + exp(-a)`: placed just before the column of its first consumer.
    Constant,
    /// An operation with inputs (+, *, exp, ...).
    Gate,
}

/// A point of the drawing, in pixels; y grows downwards as in SVG.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal position, growing to the right.
    pub x: f64,
    /// Vertical position, growing downwards.
    pub y: f64,
}

/// Distances used by [`layered`], in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    /// Horizontal distance between the centres of two neighbouring columns.
    pub layer_gap: f64,
    /// Minimum vertical distance between the centres of two real nodes of one column.
    pub row_gap: f64,
    /// Empty border on every side of the drawing.
    pub margin: f64,
}

impl Default for Spacing {
    /// `layer_gap` 150, `row_gap` 90, `margin` 60.
    fn default() -> Self {
        Spacing { layer_gap: 150.0, row_gap: 90.0, margin: 60.0 }
    }
}

/// The result of [`layered`].
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Centre of each node, indexed like the input.
    pub nodes: Vec<Point>,
    /// Layer (column) of each node: 0 is the leftmost.
    pub layer: Vec<usize>,
    /// For each input edge, in the same order: the polyline from the source centre to the target centre,
    /// passing through the positions of the dummy nodes of long edges (so a long edge bends around nodes
    /// instead of crossing them). Always at least 2 points.
    pub edges: Vec<Vec<Point>>,
    /// Width of the whole drawing, margins included: `2 * margin + (layers - 1) * layer_gap`.
    pub width: f64,
    /// Height of the whole drawing, margins included: `2 * margin` plus the vertical extent of
    /// all vertices (dummy bends included).
    pub height: f64,
}

/// Above this many dummy vertices in total, long edges get no dummies and are drawn straight.
const MAX_DUMMIES: usize = 20_000;
/// At most this many (down, up) pairs of barycentric sweeps.
const ORDER_ITERATIONS: usize = 12;
/// Ordering stops after this many (down, up) pairs in a row that did not beat the best crossing count.
const ORDER_PATIENCE: usize = 2;
/// Number of alternating (down, up, down, ...) straightening sweeps of the y pass.
const Y_SWEEPS: usize = 8;

/// Lays out a DAG in columns, left to right.
///
/// `edges[i] = (from, to)` means node `from` is an input of node `to`. Ids are in topological order
/// (from < to) for well-formed input; an edge with from >= to or an id >= kinds.len() is ignored
/// (its polyline is then a straight 2-point line if both ids exist, or empty-safe: two copies of Point{0,0}).
/// Duplicate edges (a*a gives two edges a→b) are allowed and each gets its own polyline.
///
/// Postconditions, for any input:
/// - `nodes.len() == layer.len() == kinds.len()` and `edges.len()` equals the number of input edges,
///   every polyline having at least 2 points;
/// - every kept edge goes strictly left to right (`layer[from] < layer[to]`) and the x of its
///   polyline strictly increases;
/// - two real nodes of one column are at least `row_gap` apart in y (exactly so whenever
///   `row_gap` and `margin` are whole numbers of pixels, as with the defaults; otherwise up to
///   float rounding, about 1e-13 px);
/// - every point lies in `[0, width] × [0, height]`.
///
/// A spacing value that is not finite or is negative, or a gap that is zero, is replaced by its default.
pub fn layered(kinds: &[NodeKind], edges: &[(usize, usize)], spacing: Spacing) -> Layout {
    let spacing = sanitize(spacing);
    let n = kinds.len();
    if n == 0 {
        let origin = Point { x: 0.0, y: 0.0 };
        return Layout {
            nodes: Vec::new(),
            layer: Vec::new(),
            edges: vec![vec![origin, origin]; edges.len()],
            width: 2.0 * spacing.margin,
            height: 2.0 * spacing.margin,
        };
    }

    let layer = assign_layers(kinds, edges);
    let graph = build_graph(&layer, edges);
    let order = order_layers(&graph);
    let ys = assign_y(&graph, &order, spacing.row_gap);

    // Shift everything down so that the topmost vertex sits on the top margin.
    let min_y = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let max_y = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let extent = (max_y - min_y).max(0.0);
    let point = |v: usize| Point {
        x: spacing.margin + graph.layer.get(v).copied().unwrap_or(0) as f64 * spacing.layer_gap,
        y: (ys.get(v).copied().unwrap_or(min_y) - min_y) + spacing.margin,
    };

    let nodes: Vec<Point> = (0..n).map(point).collect();
    let polylines = edges
        .iter()
        .zip(&graph.chains)
        .map(|(&(from, to), chain)| {
            if !chain.is_empty() {
                return chain.iter().map(|&v| point(v)).collect();
            }
            match (nodes.get(from), nodes.get(to)) {
                (Some(&a), Some(&b)) => vec![a, b],
                _ => vec![Point { x: 0.0, y: 0.0 }; 2],
            }
        })
        .collect();

    Layout {
        nodes,
        layer,
        edges: polylines,
        width: 2.0 * spacing.margin + (graph.layer_count - 1) as f64 * spacing.layer_gap,
        height: 2.0 * spacing.margin + extent,
    }
}

/// Counts the crossings of a finished layout, for tests and diagnostics.
///
/// `edges` must be the edge list given to [`layered`] (ignored edges are skipped). Two polyline
/// segments are compared when they span the same pair of columns, and cross when their ends are in
/// opposite y order at the two columns (segments that share an end do not cross). With dummies
/// (the normal case) every segment spans two neighbouring columns, so this is the usual count of
/// Sugiyama's method; straight long edges (the fallback for huge graphs) are only compared with
/// edges of the same span. Runs in O(S log S) for S segments.
pub fn crossing_count(layout: &Layout, edges: &[(usize, usize)]) -> usize {
    let n = layout.nodes.len();
    // (x of the start, x of the end, y of the start, y of the end)
    let mut segments: Vec<(u64, u64, f64, f64)> = Vec::new();
    for (polyline, &(from, to)) in layout.edges.iter().zip(edges) {
        if !is_valid_edge(from, to, n) {
            continue;
        }
        for pair in polyline.windows(2) {
            if let [a, b] = pair {
                segments.push((a.x.to_bits(), b.x.to_bits(), a.y, b.y));
            }
        }
    }
    segments.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)).then(a.3.total_cmp(&b.3)));

    let mut total: u64 = 0;
    for group in segments.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1) {
        // Within a group sorted by start y, a crossing is a pair whose end ys are inverted.
        let mut ends: Vec<f64> = group.iter().map(|s| s.3).collect();
        ends.sort_by(f64::total_cmp);
        ends.dedup_by(|a, b| a.total_cmp(b).is_eq());
        let ranks = group.iter().map(|s| ends.partition_point(|e| e.total_cmp(&s.3).is_lt()));
        total = total.saturating_add(inversions(ranks, ends.len()));
    }
    usize::try_from(total).unwrap_or(usize::MAX)
}

/// True for an edge that [`layered`] keeps: `from < to < n`.
fn is_valid_edge(from: usize, to: usize, n: usize) -> bool {
    from < to && to < n
}

/// Replaces every spacing value that is not finite, or is negative, by its default; the two gaps
/// must also be positive. Postcondition: all three values are finite, gaps > 0, margin >= 0.
fn sanitize(spacing: Spacing) -> Spacing {
    let default = Spacing::default();
    let positive = |v: f64, d: f64| if v.is_finite() && v > 0.0 { v } else { d };
    Spacing {
        layer_gap: positive(spacing.layer_gap, default.layer_gap),
        row_gap: positive(spacing.row_gap, default.row_gap),
        margin: if spacing.margin.is_finite() && spacing.margin >= 0.0 { spacing.margin } else { default.margin },
    }
}

/// Step 1: the layer (column) of every node.
///
/// Precondition: none (invalid edges are ignored). Postconditions, with `len == kinds.len()`:
/// - a node with no kept inputs is in layer 0, any other node is at 1 + the max layer of its inputs
///   (longest path), so every `Input` without inputs (all of them, for well-formed graphs) is in layer 0;
/// - then every `Constant` with no inputs but some consumers is moved to (min layer of its
///   consumers) − 1; a constant with no consumers stays in layer 0;
/// - every kept edge satisfies `layer[from] < layer[to]`.
///
/// An `Input` that does have inputs (a malformed graph) is placed like a gate, so that its edges
/// still go left to right.
fn assign_layers(kinds: &[NodeKind], edges: &[(usize, usize)]) -> Vec<usize> {
    let n = kinds.len();
    let mut inputs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(from, to) in edges {
        if is_valid_edge(from, to, n) {
            inputs[to].push(from);
            consumers[from].push(to);
        }
    }

    // Longest path: inputs have smaller ids, so their layers are already final.
    let mut layer = vec![0usize; n];
    for (v, ins) in inputs.iter().enumerate() {
        layer[v] = ins.iter().map(|&u| layer[u] + 1).max().unwrap_or(0);
    }

    // Pull constants right. A consumer has the constant as input, so its layer is >= 1; consumers
    // always have inputs, so they are never moved by this loop.
    for (v, kind) in kinds.iter().enumerate() {
        if *kind == NodeKind::Constant && inputs[v].is_empty() {
            if let Some(min) = consumers[v].iter().map(|&w| layer[w]).min() {
                layer[v] = min.saturating_sub(1);
            }
        }
    }
    layer
}

/// The layered graph that the ordering and the y pass work on: real nodes `0..real`, then dummies.
struct LayerGraph {
    /// Number of real nodes; vertex ids `>= real` are dummies.
    real: usize,
    /// Layer of every vertex (real and dummy).
    layer: Vec<usize>,
    /// Number of layers, at least 1.
    layer_count: usize,
    /// For every vertex, its neighbours in the previous layer (one entry per edge segment).
    upper: Vec<Vec<usize>>,
    /// For every vertex, its neighbours in the next layer (one entry per edge segment).
    lower: Vec<Vec<usize>>,
    /// For every input edge: the vertices along it, source first, target last, dummies between;
    /// empty for an ignored edge.
    chains: Vec<Vec<usize>>,
}

/// Step 2: splits every long edge by a dummy vertex in each layer it crosses.
///
/// Preconditions: `layer` comes from [`assign_layers`] for these edges (so kept edges go strictly
/// right). Postconditions: a kept edge's chain visits consecutive layers, one vertex per layer,
/// unless the dummies would number more than [`MAX_DUMMIES`]: then no dummy is made, chains are
/// `[from, to]`, and edges spanning more than one layer take no part in ordering.
/// `upper`/`lower` hold exactly the chain segments that join neighbouring layers.
fn build_graph(layer: &[usize], edges: &[(usize, usize)]) -> LayerGraph {
    let real = layer.len();
    let span = |from: usize, to: usize| layer[to].saturating_sub(layer[from]);

    let mut dummies: usize = 0;
    for &(from, to) in edges {
        if is_valid_edge(from, to, real) {
            dummies = dummies.saturating_add(span(from, to).saturating_sub(1));
        }
    }
    let use_dummies = dummies <= MAX_DUMMIES;

    let mut vertex_layer = layer.to_vec();
    let mut chains = Vec::with_capacity(edges.len());
    for &(from, to) in edges {
        if !is_valid_edge(from, to, real) {
            chains.push(Vec::new());
            continue;
        }
        let mut chain = vec![from];
        if use_dummies {
            for l in layer[from] + 1..layer[to] {
                chain.push(vertex_layer.len());
                vertex_layer.push(l);
            }
        }
        chain.push(to);
        chains.push(chain);
    }

    let count = vertex_layer.len();
    let mut upper: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut lower: Vec<Vec<usize>> = vec![Vec::new(); count];
    for chain in &chains {
        for pair in chain.windows(2) {
            if let &[a, b] = pair {
                if vertex_layer[a] + 1 == vertex_layer[b] {
                    lower[a].push(b);
                    upper[b].push(a);
                }
            }
        }
    }

    let layer_count = vertex_layer.iter().max().map_or(1, |&l| l + 1);
    LayerGraph { real, layer: vertex_layer, layer_count, upper, lower, chains }
}

/// The vertices of each layer in id order: the starting point of [`order_layers`].
/// Postcondition: every vertex appears exactly once, in the list of its own layer.
fn initial_order(graph: &LayerGraph) -> Vec<Vec<usize>> {
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); graph.layer_count];
    for (v, &l) in graph.layer.iter().enumerate() {
        if let Some(list) = order.get_mut(l) {
            list.push(v);
        }
    }
    order
}

/// `pos[v]` = index of vertex `v` inside its layer's list.
fn positions(order: &[Vec<usize>], vertex_count: usize) -> Vec<usize> {
    let mut pos = vec![0; vertex_count];
    for list in order {
        for (i, &v) in list.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Step 3: orders each layer to reduce edge crossings.
///
/// Starts from [`initial_order`], then alternates a downward sweep (each layer sorted by the mean
/// position of its neighbours in the layer above) and an upward sweep (neighbours below). Vertices
/// without neighbours on the swept side keep their position as their key; ties go by the previous
/// position, so the result is deterministic. The crossing count is taken after every sweep and the
/// best ordering seen is returned (the first one in case of equal counts, so never worse than id order).
/// Stops at 0 crossings, after [`ORDER_ITERATIONS`] pairs of sweeps, or after [`ORDER_PATIENCE`]
/// pairs without improvement.
fn order_layers(graph: &LayerGraph) -> Vec<Vec<usize>> {
    let mut order = initial_order(graph);
    let mut pos = positions(&order, graph.layer.len());
    let mut best = order.clone();
    let mut best_crossings = count_crossings(graph, &order, &pos);
    let mut stale = 0;

    for _ in 0..ORDER_ITERATIONS {
        if best_crossings == 0 || stale >= ORDER_PATIENCE {
            break;
        }
        let before = best_crossings;
        for downward in [true, false] {
            sweep(graph, &mut order, &mut pos, downward);
            let crossings = count_crossings(graph, &order, &pos);
            if crossings < best_crossings {
                best_crossings = crossings;
                best = order.clone();
            }
        }
        if best_crossings < before {
            stale = 0;
        } else {
            stale += 1;
        }
    }
    best
}

/// One barycentric sweep over all layers (see [`order_layers`]).
/// Pre/postcondition: `pos` matches `order`.
fn sweep(graph: &LayerGraph, order: &mut [Vec<usize>], pos: &mut [usize], downward: bool) {
    let count = order.len();
    let (layers, neighbours): (Vec<usize>, &[Vec<usize>]) = if downward {
        ((1..count).collect(), &graph.upper)
    } else {
        ((0..count.saturating_sub(1)).rev().collect(), &graph.lower)
    };
    for l in layers {
        let Some(list) = order.get_mut(l) else {
            continue;
        };
        let mut keyed: Vec<(f64, usize, usize)> = list
            .iter()
            .map(|&v| {
                let around = &neighbours[v];
                let key = if around.is_empty() {
                    pos[v] as f64
                } else {
                    around.iter().map(|&u| pos[u] as f64).sum::<f64>() / around.len() as f64
                };
                (key, pos[v], v)
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (i, (slot, &(_, _, v))) in list.iter_mut().zip(&keyed).enumerate() {
            *slot = v;
            pos[v] = i;
        }
    }
}

/// Number of crossings between neighbouring layers for the given ordering (`pos` must match `order`).
fn count_crossings(graph: &LayerGraph, order: &[Vec<usize>], pos: &[usize]) -> u64 {
    let mut total: u64 = 0;
    let mut lower_ends: Vec<usize> = Vec::new();
    for (l, list) in order.iter().enumerate() {
        let next_len = order.get(l + 1).map_or(0, Vec::len);
        if next_len == 0 {
            continue;
        }
        // Segments sorted by upper end (`list` is in position order), then by lower end:
        // a crossing is then a pair whose lower ends are inverted.
        lower_ends.clear();
        for &u in list {
            let start = lower_ends.len();
            lower_ends.extend(graph.lower[u].iter().map(|&v| pos[v]));
            lower_ends[start..].sort_unstable();
        }
        total = total.saturating_add(inversions(lower_ends.iter().copied(), next_len));
    }
    total
}

/// Number of pairs `i < j` with `values[i] > values[j]`, with a Fenwick tree.
/// Precondition: every value `< size` (larger values are clamped to `size - 1`).
fn inversions(values: impl Iterator<Item = usize>, size: usize) -> u64 {
    if size == 0 {
        return 0;
    }
    let mut tree = vec![0u64; size + 1];
    let mut total: u64 = 0;
    // `seen` = how many values came before this one.
    for (seen, value) in (0u64..).zip(values) {
        let index = value.min(size - 1) + 1;
        // How many earlier values are <= this one.
        let mut not_greater = 0;
        let mut i = index;
        while i > 0 {
            not_greater += tree[i];
            i -= i & i.wrapping_neg();
        }
        total += seen - not_greater;
        let mut i = index;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    total
}

/// Step 4: the y of every vertex (real and dummy), before the final shift into the margins.
///
/// Preconditions: `order` lists every vertex of `graph` once, in its own layer; `row_gap > 0`.
/// Consecutive vertices of a layer are kept `row_gap` apart when both are real and `row_gap / 2`
/// apart otherwise, so two real nodes are always at least `row_gap` apart.
///
/// 1. Each column is stacked at those gaps and centred on y = 0.
/// 2. [`Y_SWEEPS`] alternating sweeps (down, up, ...) move each vertex towards the median y of its
///    neighbours in the previous (down) or next (up) layer, by the least-squares placement of
///    [`place_in_order`], which keeps the order and the gaps. This straightens chains and long edges.
/// 3. Each y is rounded to a whole pixel and the gaps are re-imposed top to bottom, so they hold
///    exactly despite float rounding (for gaps that are multiples of 0.5 px).
///
/// Postcondition: within each layer, y strictly increases along `order` with at least the gaps above.
fn assign_y(graph: &LayerGraph, order: &[Vec<usize>], row_gap: f64) -> Vec<f64> {
    let gap = |a: usize, b: usize| {
        if a < graph.real && b < graph.real {
            row_gap
        } else {
            row_gap / 2.0
        }
    };
    // offsets[i] = distance from the first vertex of the list to the i-th one, packed tightly.
    let offsets = |list: &[usize]| -> Vec<f64> {
        let mut out = Vec::with_capacity(list.len());
        let mut at = 0.0;
        let mut previous: Option<usize> = None;
        for &v in list {
            if let Some(u) = previous {
                at += gap(u, v);
            }
            out.push(at);
            previous = Some(v);
        }
        out
    };

    let mut y = vec![0.0; graph.layer.len()];
    for list in order {
        let stacked = offsets(list);
        let centre = stacked.last().copied().unwrap_or(0.0) / 2.0;
        for (&v, o) in list.iter().zip(&stacked) {
            y[v] = o - centre;
        }
    }

    let count = order.len();
    for s in 0..Y_SWEEPS {
        let (layers, neighbours): (Vec<usize>, &[Vec<usize>]) = if s % 2 == 0 {
            ((1..count).collect(), &graph.upper)
        } else {
            ((0..count.saturating_sub(1)).rev().collect(), &graph.lower)
        };
        for l in layers {
            let Some(list) = order.get(l) else {
                continue;
            };
            let desired: Vec<f64> =
                list.iter().map(|&v| median(neighbours[v].iter().map(|&u| y[u])).unwrap_or(y[v])).collect();
            let placed = place_in_order(&desired, &offsets(list));
            for (&v, p) in list.iter().zip(placed) {
                y[v] = p;
            }
        }
    }

    for list in order {
        let mut previous: Option<(usize, f64)> = None;
        for &v in list {
            let mut value = y[v].round();
            if let Some((u, above)) = previous {
                value = value.max(above + gap(u, v));
            }
            y[v] = value;
            previous = Some((v, value));
        }
    }
    y
}

/// Median of the values (mean of the two middle ones for an even count); `None` when empty.
fn median(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted.get(mid).copied()
    } else {
        match (sorted.get(mid.wrapping_sub(1)), sorted.get(mid)) {
            (Some(a), Some(b)) => Some((a + b) / 2.0),
            _ => None,
        }
    }
}

/// Places a column as close as possible to the desired ys while keeping its order and gaps.
///
/// Preconditions: `desired` and `offsets` have the same length; `offsets` (from the tight packing)
/// is non-decreasing. Returns `y` minimising Σ (y_i − desired_i)² subject to
/// `y[i+1] − y[i] >= offsets[i+1] − offsets[i]`: with `z_i = y_i − offsets_i` this is an isotonic
/// regression of `desired_i − offsets_i`, solved exactly in linear time by pool-adjacent-violators.
fn place_in_order(desired: &[f64], offsets: &[f64]) -> Vec<f64> {
    // Blocks of pooled entries: (sum of targets, number of entries); block means increase.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(offsets) {
        let mut block = (d - o, 1usize);
        while let Some(&(sum, len)) = blocks.last() {
            if sum / len as f64 > block.0 / block.1 as f64 {
                blocks.pop();
                block = (sum + block.0, len + block.1);
            } else {
                break;
            }
        }
        blocks.push(block);
    }
    let mut placed = Vec::with_capacity(desired.len());
    for (sum, len) in blocks {
        let mean = sum / len as f64;
        placed.extend(std::iter::repeat_n(mean, len));
    }
    for (p, o) in placed.iter_mut().zip(offsets) {
        *p += o;
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use NodeKind::{Constant, Gate, Input};

    fn layout(kinds: &[NodeKind], edges: &[(usize, usize)]) -> Layout {
        layered(kinds, edges, Spacing::default())
    }

    fn strictly_increasing_x(polyline: &[Point]) -> bool {
        polyline.windows(2).all(|w| w[0].x < w[1].x)
    }

    /// Checks that every node and every polyline point is inside the drawing.
    fn all_inside(l: &Layout) -> bool {
        let inside = |p: &Point| p.x >= 0.0 && p.x <= l.width && p.y >= 0.0 && p.y <= l.height;
        l.nodes.iter().all(inside) && l.edges.iter().flatten().all(inside)
    }

    /// The smallest y distance between two real nodes of one layer (infinity if no layer has two).
    fn min_same_layer_gap(l: &Layout) -> f64 {
        let mut best = f64::INFINITY;
        for i in 0..l.nodes.len() {
            for j in i + 1..l.nodes.len() {
                if l.layer[i] == l.layer[j] {
                    best = best.min((l.nodes[i].y - l.nodes[j].y).abs());
                }
            }
        }
        best
    }

    #[test]
    fn cs231n_circuit() {
        // x, y, z; q = x + y; f = q * z
        let kinds = [Input, Input, Input, Gate, Gate];
        let edges = [(0, 3), (1, 3), (3, 4), (2, 4)];
        let l = layout(&kinds, &edges);

        assert_eq!(l.layer, vec![0, 0, 0, 1, 2]);
        let max_layer = l.layer.iter().copied().max().unwrap();
        assert_eq!(l.layer[4], max_layer);
        assert!(l.nodes.iter().all(|p| p.x < l.nodes[4].x || *p == l.nodes[4]));
        for i in 0..l.nodes.len() {
            for j in i + 1..l.nodes.len() {
                assert_ne!(l.nodes[i], l.nodes[j], "nodes {i} and {j} coincide");
            }
        }
        assert_eq!(l.edges.len(), edges.len());
        for (polyline, &(from, to)) in l.edges.iter().zip(&edges) {
            assert!(strictly_increasing_x(polyline));
            assert_eq!(polyline.first(), Some(&l.nodes[from]));
            assert_eq!(polyline.last(), Some(&l.nodes[to]));
        }
        // z -> f spans two layers: one bend.
        assert_eq!(l.edges[3].len(), 3);
        assert!(min_same_layer_gap(&l) >= 90.0);
        assert!(all_inside(&l));
        assert_eq!(l.width, 2.0 * 60.0 + 2.0 * 150.0);
        assert_eq!(crossing_count(&l, &edges), 0);
    }

    #[test]
    fn constant_sits_one_layer_before_its_consumer() {
        // a; c = -1; m = a * c; e = exp(m); one = 1; s = e + one
        let kinds = [Input, Constant, Gate, Gate, Constant, Gate];
        let edges = [(0, 2), (1, 2), (2, 3), (3, 5), (4, 5)];
        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 0, 1, 2, 2, 3]);
        assert_eq!(l.layer[4] + 1, l.layer[5]);
        // The constant's edge is short: a straight 2-point line.
        assert_eq!(l.edges[4].len(), 2);
    }

    #[test]
    fn constant_with_several_consumers_goes_before_the_first() {
        // a; k constant; b = f(a); c = g(b, k); d = h(c, k)
        let kinds = [Input, Constant, Gate, Gate, Gate];
        let edges = [(0, 2), (2, 3), (3, 4), (1, 3), (1, 4)];
        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 1, 1, 2, 3]);
        // k -> d is then the only long edge: one bend.
        assert_eq!(l.edges[4].len(), 3);

        let kinds = [Input, Constant, Gate, Gate];
        let edges = [(0, 2), (2, 3), (1, 2), (1, 3)];
        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 0, 1, 2]);

        // A backward edge (from > to) is ignored, so it does not count as a consumer.
        let l = layout(&[Input, Gate, Constant], &[(0, 1), (2, 1)]);
        assert_eq!(l.layer, vec![0, 1, 0]);
        // Unused constants and inputs stay in layer 0.
        let l = layout(&[Constant, Input, Gate], &[(1, 2)]);
        assert_eq!(l.layer, vec![0, 0, 1]);
    }

    #[test]
    fn fan_out() {
        // a used by three gates
        let kinds = [Input, Gate, Gate, Gate];
        let edges = [(0, 1), (0, 2), (0, 3)];
        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 1, 1, 1]);
        assert!(min_same_layer_gap(&l) >= 90.0);
        // a is centred on its consumers.
        assert_eq!(l.nodes[0].y, l.nodes[2].y);
        assert!(l.edges.iter().all(|p| p.len() == 2));
        assert_eq!(crossing_count(&l, &edges), 0);
        assert!(all_inside(&l));
    }

    #[test]
    fn long_edge_bends_once_per_crossed_layer() {
        // a; b = f(a); c = g(b); d = h(c, a): a -> d crosses layers 1 and 2.
        let kinds = [Input, Gate, Gate, Gate];
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3)];
        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 1, 2, 3]);
        let long = &l.edges[3];
        assert_eq!(long.len(), 4);
        assert!(strictly_increasing_x(long));
        // The bends are in the columns of b and c, away from them.
        assert_eq!(long[1].x, l.nodes[1].x);
        assert_eq!(long[2].x, l.nodes[2].x);
        assert!((long[1].y - l.nodes[1].y).abs() >= 45.0);
        assert!((long[2].y - l.nodes[2].y).abs() >= 45.0);
        assert!(all_inside(&l));
    }

    #[test]
    fn empty_and_degenerate_inputs() {
        let l = layout(&[], &[]);
        assert!(l.nodes.is_empty() && l.layer.is_empty() && l.edges.is_empty());
        assert_eq!((l.width, l.height), (120.0, 120.0));

        let l = layout(&[], &[(0, 1), (5, 2)]);
        assert_eq!(l.edges, vec![vec![Point { x: 0.0, y: 0.0 }; 2]; 2]);

        let l = layout(&[Gate], &[]);
        assert_eq!(l.nodes, vec![Point { x: 60.0, y: 60.0 }]);
        assert_eq!((l.width, l.height), (120.0, 120.0));

        // Backward, self and out-of-range edges are ignored but still get a polyline.
        let l = layout(&[Input, Gate], &[(1, 0), (1, 1), (0, 7), (0, 1)]);
        assert_eq!(l.layer, vec![0, 1]);
        assert_eq!(l.edges[0], vec![l.nodes[1], l.nodes[0]]);
        assert_eq!(l.edges[1], vec![l.nodes[1], l.nodes[1]]);
        assert_eq!(l.edges[2], vec![Point { x: 0.0, y: 0.0 }; 2]);
        assert_eq!(l.edges[3], vec![l.nodes[0], l.nodes[1]]);

        // Bad spacing falls back to the defaults.
        let bad = Spacing { layer_gap: f64::NAN, row_gap: -1.0, margin: f64::INFINITY };
        assert_eq!(layered(&[Input, Gate], &[(0, 1)], bad), layout(&[Input, Gate], &[(0, 1)]));
    }

    #[test]
    fn duplicate_edges_get_their_own_polylines() {
        // b = a * a
        let l = layout(&[Input, Gate], &[(0, 1), (0, 1)]);
        assert_eq!(l.edges.len(), 2);
        assert_eq!(l.edges[0], l.edges[1]);
    }

    #[test]
    fn too_many_dummies_gives_straight_edges() {
        // A chain of 300 plus edges 0 -> k for every k: about 44,000 dummies.
        let n = 300;
        let kinds: Vec<NodeKind> = (0..n).map(|i| if i == 0 { Input } else { Gate }).collect();
        let mut edges: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        edges.extend((2..n).map(|k| (0, k)));
        let l = layout(&kinds, &edges);
        assert!(l.edges.iter().all(|p| p.len() == 2));
        assert!(all_inside(&l));
        assert_eq!(l.layer[n - 1], n - 1);
    }

    #[test]
    fn crossing_reduction_removes_a_crossing() {
        // Inputs a, b, c; gates p = f(c), q = g(b), r = h(a): in id order every pair of edges
        // crosses (3 crossings); reversing the gates removes them all.
        let kinds = [Input, Input, Input, Gate, Gate, Gate];
        let edges = [(2, 3), (1, 4), (0, 5)];

        let layer = assign_layers(&kinds, &edges);
        let graph = build_graph(&layer, &edges);
        let start = initial_order(&graph);
        let pos = positions(&start, graph.layer.len());
        assert_eq!(count_crossings(&graph, &start, &pos), 3);

        let l = layout(&kinds, &edges);
        assert_eq!(crossing_count(&l, &edges), 0);
        // The straightening pass then puts each gate level with its input.
        for &(from, to) in &edges {
            assert_eq!(l.nodes[from].y, l.nodes[to].y);
        }
    }

    #[test]
    fn crossing_reduction_with_a_long_edge() {
        // a, b inputs; c = f(b); d = g(a, c); e = h(b, d). In id order the dummy of the long
        // edge a -> d sits below c, so a -> dummy crosses b -> c.
        let kinds = [Input, Input, Gate, Gate, Gate];
        let edges = [(1, 2), (0, 3), (2, 3), (1, 4), (3, 4)];

        let layer = assign_layers(&kinds, &edges);
        let graph = build_graph(&layer, &edges);
        let start = initial_order(&graph);
        let pos = positions(&start, graph.layer.len());
        assert!(count_crossings(&graph, &start, &pos) > 0);

        let l = layout(&kinds, &edges);
        assert_eq!(l.layer, vec![0, 0, 1, 2, 3]);
        assert_eq!(crossing_count(&l, &edges), 0);
        for (polyline, &(from, to)) in l.edges.iter().zip(&edges) {
            assert!(strictly_increasing_x(polyline));
            assert_eq!(polyline.len(), l.layer[to] - l.layer[from] + 1);
        }
    }

    #[test]
    fn crossing_count_helper() {
        let l = Layout {
            nodes: vec![
                Point { x: 0.0, y: 0.0 },
                Point { x: 0.0, y: 10.0 },
                Point { x: 5.0, y: 0.0 },
                Point { x: 5.0, y: 10.0 },
            ],
            layer: vec![0, 0, 1, 1],
            edges: vec![
                vec![Point { x: 0.0, y: 0.0 }, Point { x: 5.0, y: 10.0 }],
                vec![Point { x: 0.0, y: 10.0 }, Point { x: 5.0, y: 0.0 }],
            ],
            width: 5.0,
            height: 10.0,
        };
        assert_eq!(crossing_count(&l, &[(0, 3), (1, 2)]), 1);
        // Edges that share an end do not cross; ignored edges are not counted.
        assert_eq!(crossing_count(&l, &[(0, 3), (3, 2)]), 0);
    }

    #[test]
    fn place_in_order_keeps_gaps_and_reaches_targets_when_free() {
        assert_eq!(place_in_order(&[0.0, 500.0], &[0.0, 90.0]), vec![0.0, 500.0]);
        // Both want 100: they share it evenly.
        assert_eq!(place_in_order(&[100.0, 100.0], &[0.0, 90.0]), vec![55.0, 145.0]);
        assert!(place_in_order(&[], &[]).is_empty());
    }

    /// A deterministic xorshift generator for the timing check.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Not a test: `cargo test --release -- --ignored --nocapture timing` prints the time taken
    /// for a 2,000-node chain and a random 2,000-node / 4,000-edge DAG.
    #[test]
    #[ignore]
    fn timing() {
        let n = 2000;
        let kinds: Vec<NodeKind> = (0..n).map(|i| if i == 0 { Input } else { Gate }).collect();
        let chain: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
        let start = std::time::Instant::now();
        let l = layout(&kinds, &chain);
        println!("chain of {n}: {:?}", start.elapsed());
        assert_eq!(l.nodes.len(), n);

        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut edges = Vec::new();
        while edges.len() < 4000 {
            let a = (next(&mut state) % n as u64) as usize;
            let b = (next(&mut state) % n as u64) as usize;
            if a != b {
                edges.push((a.min(b), a.max(b)));
            }
        }
        // Local edges (from close to to) keep the dummy count under the cap.
        let mut local = Vec::new();
        while local.len() < 4000 {
            let b = 1 + (next(&mut state) % (n as u64 - 1)) as usize;
            let back = 1 + (next(&mut state) % 20) as usize;
            local.push((b.saturating_sub(back), b));
        }
        let mut has_input = vec![false; n];
        for set in [&edges, &local] {
            for &(_, t) in set.iter() {
                has_input[t] = true;
            }
        }
        let kinds: Vec<NodeKind> = has_input.iter().map(|&h| if h { Gate } else { Input }).collect();
        for (name, set) in [("uniform", &edges), ("local", &local)] {
            let start = std::time::Instant::now();
            let l = layout(&kinds, set);
            let took = start.elapsed();
            let bends: usize = l.edges.iter().map(|p| p.len() - 2).sum();
            println!(
                "random {name} DAG, {n} nodes / {} edges, {} layers, {bends} dummies: {took:?}",
                set.len(),
                l.layer.iter().max().unwrap() + 1,
            );
        }
    }

    /// Random DAGs: `from < to`, nodes with inputs are gates, the others any kind.
    fn dag() -> impl Strategy<Value = (Vec<NodeKind>, Vec<(usize, usize)>)> {
        (1usize..60)
            .prop_flat_map(|n| {
                let kinds = prop::collection::vec(0u8..3, n);
                let edges = prop::collection::vec((0..n, 0..n), 0..=2 * n);
                (Just(n), kinds, edges)
            })
            .prop_map(|(n, raw_kinds, raw_edges)| {
                let edges: Vec<(usize, usize)> =
                    raw_edges.into_iter().filter(|(a, b)| a != b).map(|(a, b)| (a.min(b), a.max(b))).collect();
                let mut has_input = vec![false; n];
                for &(_, to) in &edges {
                    has_input[to] = true;
                }
                let kinds = raw_kinds
                    .iter()
                    .zip(&has_input)
                    .map(|(&k, &h)| match (h, k) {
                        (true, _) => Gate,
                        (false, 0) => Input,
                        (false, 1) => Constant,
                        (false, _) => Gate,
                    })
                    .collect();
                (kinds, edges)
            })
    }

    fn any_kind() -> impl Strategy<Value = NodeKind> {
        prop_oneof![Just(Input), Just(Constant), Just(Gate)]
    }

    proptest! {
        #[test]
        fn random_dags((kinds, edges) in dag()) {
            let l = layout(&kinds, &edges);
            prop_assert_eq!(l.nodes.len(), kinds.len());
            prop_assert_eq!(l.layer.len(), kinds.len());
            prop_assert_eq!(l.edges.len(), edges.len());
            // (a) real nodes of one layer are at least row_gap apart
            prop_assert!(min_same_layer_gap(&l) >= 90.0);
            // (b) edges go strictly left to right, polylines too, one point per layer
            for (polyline, &(from, to)) in l.edges.iter().zip(&edges) {
                prop_assert!(l.layer[from] < l.layer[to]);
                prop_assert!(strictly_increasing_x(polyline));
                prop_assert_eq!(polyline.first(), Some(&l.nodes[from]));
                prop_assert_eq!(polyline.last(), Some(&l.nodes[to]));
                prop_assert_eq!(polyline.len(), l.layer[to] - l.layer[from] + 1);
            }
            // (c) inputs on the left; constants right before their first consumer
            for (v, kind) in kinds.iter().enumerate() {
                if *kind == Input {
                    prop_assert_eq!(l.layer[v], 0);
                }
                let first_consumer = edges.iter().filter(|e| e.0 == v).map(|e| l.layer[e.1]).min();
                if let (Constant, Some(first)) = (kind, first_consumer) {
                    prop_assert_eq!(l.layer[v] + 1, first);
                }
            }
            // (d) everything inside the drawing
            prop_assert!(all_inside(&l));
            prop_assert!(l.width >= 120.0 && l.height >= 120.0);
            // deterministic
            prop_assert_eq!(&l, &layout(&kinds, &edges));
        }

        #[test]
        fn random_dags_with_other_spacing(
            (kinds, edges) in dag(),
            layer_gap in 1u32..400,
            row_gap in 1u32..200,
            margin in 0u32..100,
        ) {
            let spacing = Spacing {
                layer_gap: f64::from(layer_gap),
                row_gap: f64::from(row_gap),
                margin: f64::from(margin),
            };
            let l = layered(&kinds, &edges, spacing);
            prop_assert!(min_same_layer_gap(&l) >= spacing.row_gap);
            prop_assert!(l.edges.iter().all(|p| strictly_increasing_x(p)));
            prop_assert!(all_inside(&l));
        }

        #[test]
        fn garbage_never_panics(
            kinds in prop::collection::vec(any_kind(), 0..30),
            edges in prop::collection::vec((0usize..40, 0usize..40), 0..80),
        ) {
            let l = layout(&kinds, &edges);
            prop_assert_eq!(l.nodes.len(), kinds.len());
            prop_assert_eq!(l.edges.len(), edges.len());
            prop_assert!(l.edges.iter().all(|p| p.len() >= 2));
            prop_assert!(all_inside(&l));
            prop_assert!(min_same_layer_gap(&l) >= 90.0);
            for (polyline, &(from, to)) in l.edges.iter().zip(&edges) {
                if from < to && to < kinds.len() {
                    prop_assert!(l.layer[from] < l.layer[to]);
                    prop_assert!(strictly_increasing_x(polyline));
                }
            }
        }
    }
}
