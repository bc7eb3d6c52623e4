//! What the export buttons write: file names that say what they hold, the graph as JSON (its
//! nodes with their values and the gradients as shown, and every step of the backward pass),
//! series as CSV. Pure, so the formats are tested natively; the shell only hands the text to
//! a download (and serialises the drawings, which live in the DOM).

use super::state::PRESETS;
use super::view::{Scene, Shown};
use crate::graph::session::{NodeInfo, Session, StepInfo};
use serde::Serialize;

/// `backprop-lab-<subject>-<what>.<ext>`, the subject written with letters, digits and
/// hyphens only (`backprop-lab-circuit-graph.svg`, `backprop-lab-xor-loss.csv`).
pub fn file_name(subject: &str, what: &str, ext: &str) -> String {
    let clean = |s: &str| {
        let mut out = String::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        out.trim_end_matches('-').chars().take(40).collect::<String>()
    };
    let subject = match clean(subject) {
        s if s.is_empty() => "figure".to_string(),
        s => s,
    };
    format!("backprop-lab-{subject}-{}.{ext}", clean(what))
}

/// What a graph is called in file names: its example's id, or `expression` for one typed.
pub fn graph_subject(source: &str) -> &'static str {
    PRESETS.iter().find(|p| p.source == source).map_or("expression", |p| p.id)
}

/// The graph view's JSON file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GraphFile {
    /// Always `backprop-lab-graph`, and the version of this layout.
    pub format: &'static str,
    pub version: u32,
    pub source: String,
    /// Steps of the backward pass shown when it was written (the gradients below are theirs).
    pub shown_steps: usize,
    pub nodes: Vec<NodeInfo>,
    /// Every step of the backward pass, output first.
    pub steps: Vec<StepInfo>,
}

/// The graph as shown: every node with its value and the gradient the drawing shows (none
/// before the backward pass reaches it), and the whole backward pass.
pub fn graph_file(scene: &Scene, shown: Shown, source: &str) -> GraphFile {
    let session = Session::of(scene.graph.clone());
    let grads = scene.graph.grads_after(&scene.trace, shown.steps);
    let mut nodes = session.nodes();
    for (n, g) in nodes.iter_mut().zip(grads) {
        n.grad = g;
    }
    GraphFile {
        format: "backprop-lab-graph",
        version: 1,
        source: source.to_string(),
        shown_steps: shown.steps,
        nodes,
        steps: session.steps(),
    }
}

/// The training view's network as JSON: the config, the snapshot (every layer's weights and
/// biases with their shapes, the optimizer's state, the step).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct NetworkFile {
    /// Always `backprop-lab-network`, and the version of this layout.
    pub format: String,
    pub version: u32,
    pub config: crate::train::TrainerConfig,
    pub snapshot: crate::train::TrainerSnapshot,
}

/// The network file of the trainer as it stands.
pub fn network_file(t: &mut crate::train::Trainer) -> NetworkFile {
    NetworkFile {
        format: "backprop-lab-network".into(),
        version: 1,
        config: t.config().clone(),
        snapshot: t.snapshot(),
    }
}

/// A CSV with a header: numbers written so they read back the same (`f64`'s shortest form),
/// a missing one (NaN) as an empty field.
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<f64>>) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        let fields: Vec<String> = row.iter().map(|v| if v.is_nan() { String::new() } else { v.to_string() }).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The loss against step, train and test, as the loss plot shows it.
pub fn loss_csv(history: &[(f64, f64, f64)]) -> String {
    csv(&["step", "train_loss", "test_loss"], history.iter().map(|&(s, a, b)| vec![s, a, b]))
}

/// The file each plot's downloads are called after (`<what>` in [`file_name`]), by canvas.
pub const PLOT_FILES: &[(&str, &str)] = &[
    ("t-loss-plot", "loss"),
    ("t-boundary", "boundary"),
    ("lr-plot", "sweep"),
    ("lr-curves", "sweep-curves"),
    ("lr-heat", "sweep-heatmap"),
    ("lr-range-plot", "range-test"),
    ("lr-compare-plot", "schedules"),
    ("s-contour", "descent"),
    ("s-profile", "step-profile"),
];

/// The plots' downloads by name for `export(what)`: `<what>-png` for every plot of
/// [`PLOT_FILES`] (`loss-png`, `sweep-heatmap-png`…), `-svg` for the line charts and `-csv` for
/// the plots with numbers, each with the id of its button (the loss's CSV is `loss-csv`
/// already).
pub fn plot_exports() -> Vec<(String, String)> {
    use super::skeleton::{CSV_PLOTS, SVG_PLOTS};
    let mut out = vec![];
    for &(canvas, what) in PLOT_FILES {
        out.push((format!("{what}-png"), format!("{canvas}-png")));
        if SVG_PLOTS.contains(&canvas) {
            out.push((format!("{what}-svg"), format!("{canvas}-svg")));
        }
        if CSV_PLOTS.contains(&canvas) {
            out.push((format!("{what}-csv"), format!("{canvas}-csv")));
        }
    }
    out
}

/// The sweep's table: each rate's final loss on the training set, its lowest mini-batch loss
/// and the step it diverged at (empty when it did not).
pub fn sweep_csv(runs: &[crate::sweep::RateRun]) -> String {
    let rows =
        runs.iter().map(|r| vec![r.lr, r.final_loss(), r.min_loss(), r.diverged_at.map_or(f64::NAN, |d| d as f64)]);
    csv(&["lr", "final_loss", "lowest_batch_loss", "diverged_at_step"], rows)
}

/// Every rate's loss curve, one row per rate and step.
pub fn curves_csv(runs: &[crate::sweep::RateRun]) -> String {
    let rows = runs.iter().flat_map(|r| r.losses.iter().enumerate().map(move |(i, &l)| vec![r.lr, (i + 1) as f64, l]));
    csv(&["lr", "step", "loss"], rows)
}

/// The range test: the rate at each step, the loss and the smoothed loss the plot draws.
pub fn range_csv(points: &[(f64, f64, f64)]) -> String {
    csv(&["lr", "loss", "smoothed_loss"], points.iter().map(|&(a, b, c)| vec![a, b, c]))
}

/// The schedule comparison: the loss at each step with the schedule and with a constant rate.
pub fn compare_csv(curves: &[Vec<(f64, f64)>; 2]) -> String {
    let n = curves[0].len().max(curves[1].len());
    let at = |c: &Vec<(f64, f64)>, i: usize, k: usize| c.get(i).map_or(f64::NAN, |p| if k == 0 { p.0 } else { p.1 });
    let rows = (0..n).map(|i| {
        let step = if i < curves[0].len() { at(&curves[0], i, 0) } else { at(&curves[1], i, 0) };
        vec![step, at(&curves[0], i, 1), at(&curves[1], i, 1)]
    });
    csv(&["step", "loss_schedule", "loss_constant"], rows)
}

/// The descent path on the contour: each iterate and its loss.
pub fn descent_csv(path: &crate::sweep::DescentPath) -> String {
    let rows = path.points.iter().zip(&path.losses).enumerate().map(|(i, (p, &l))| {
        vec![i as f64, p.first().copied().unwrap_or(f64::NAN), p.get(1).copied().unwrap_or(f64::NAN), l]
    });
    csv(&["step", "a", "b", "loss"], rows)
}

/// The step profile: the loss after one step of each size.
pub fn profile_csv(profile: &crate::sweep::StepProfile) -> String {
    csv(&["eta", "loss"], profile.points.iter().map(|&(e, l)| vec![e, l]))
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_plot_export_names_a_button_of_the_figure() {
        let root = crate::web::model::skeleton::figure(true);
        let ids: Vec<&str> = root.walk().into_iter().filter_map(|e| e.get("id")).collect();
        let exports = plot_exports();
        assert!(exports.len() >= 20, "{exports:?}");
        for (what, id) in &exports {
            assert!(ids.contains(&id.as_str()), "{what}: no #{id}");
        }
        assert!(exports.iter().any(|(w, _)| w == "sweep-csv") && exports.iter().any(|(w, _)| w == "loss-svg"));
    }
    use super::*;
    use crate::expr::{parse, Options};
    use proptest::prelude::*;

    #[test]
    fn file_names_say_what_they_hold() {
        assert_eq!(file_name("circuit", "graph", "svg"), "backprop-lab-circuit-graph.svg");
        assert_eq!(file_name("XOR", "loss", "csv"), "backprop-lab-xor-loss.csv");
        assert_eq!(file_name("../<b>x</b> y", "sweep", "csv"), "backprop-lab-b-x-b-y-sweep.csv");
        assert_eq!(file_name("", "graph", "png"), "backprop-lab-figure-graph.png");
        assert_eq!(graph_subject(PRESETS[0].source), PRESETS[0].id);
        assert_eq!(graph_subject("x = 1"), "expression");
    }

    #[test]
    fn the_graph_file_holds_the_gradients_shown_and_every_step() {
        let src = "x = -2; y = 5; z = -4\nq = x + y\nf = q * z";
        let scene = Scene::new(parse(src, Options::default()).unwrap());
        let total = scene.trace.steps.len();
        let none = graph_file(&scene, Shown { forward: true, steps: 0, stepping: false }, src);
        assert!(none.nodes.iter().all(|n| n.grad.is_none()));
        assert_eq!(none.steps.len(), total);
        let all = graph_file(&scene, Shown { forward: true, steps: total, stepping: false }, src);
        let x = all.nodes.iter().find(|n| n.name == "x").unwrap();
        assert_eq!((x.value, x.grad), (-2.0, Some(-4.0)));
        assert_eq!(all.steps[0].node, "f");
        let one = graph_file(&scene, Shown { forward: true, steps: 1, stepping: true }, src);
        assert_eq!(one.nodes.iter().filter(|n| n.grad.is_some()).count(), 1, "only f's gradient after one step");
        assert_eq!((all.format, all.version, all.source.as_str()), ("backprop-lab-graph", 1, src));
    }

    #[test]
    fn every_series_writes_its_header_and_a_row_per_point() {
        let runs = vec![
            crate::sweep::RateRun { lr: 0.1, losses: vec![0.7, 0.5], diverged_at: None, full_loss: Some(0.45) },
            crate::sweep::RateRun { lr: 10.0, losses: vec![0.7], diverged_at: Some(1), full_loss: None },
        ];
        assert_eq!(sweep_csv(&runs), "lr,final_loss,lowest_batch_loss,diverged_at_step\n0.1,0.45,0.5,\n10,inf,0.7,1\n");
        assert_eq!(curves_csv(&runs).lines().count(), 1 + 3);
        assert!(curves_csv(&runs).contains("\n0.1,2,0.5\n"));
        let cmp = compare_csv(&[vec![(1.0, 0.5), (2.0, 0.4)], vec![(1.0, 0.6)]]);
        assert_eq!(cmp, "step,loss_schedule,loss_constant\n1,0.5,0.6\n2,0.4,\n");
        let path = crate::sweep::DescentPath {
            points: vec![vec![1.0, 2.0], vec![0.5, 1.0]],
            losses: vec![5.0, 1.25],
            diverged_at: None,
        };
        assert_eq!(descent_csv(&path), "step,a,b,loss\n0,1,2,5\n1,0.5,1,1.25\n");
        assert_eq!(range_csv(&[(1e-3, 0.7, 0.69)]), "lr,loss,smoothed_loss\n0.001,0.7,0.69\n");
        assert!(PLOT_FILES.iter().all(|(id, _)| !id.is_empty()));
    }

    #[test]
    fn the_network_file_holds_the_config_and_the_step() {
        let mut t = crate::train::Trainer::new(crate::train::TrainerConfig::default()).unwrap();
        t.train(3);
        let f = network_file(&mut t);
        assert_eq!((f.format.as_str(), f.version, f.snapshot.step), ("backprop-lab-network", 1, 3));
        assert_eq!(f.config, crate::train::TrainerConfig::default());
        assert_eq!(f.snapshot.layers.len(), f.config.hidden.len() + 1);
    }

    proptest! {
        /// A CSV reads back to the same numbers (NaN as an empty field).
        #[test]
        fn csv_reads_back_to_the_same_numbers(rows in prop::collection::vec(prop::collection::vec(prop::num::f64::ANY, 3), 0..20)) {
            let text = csv(&["a", "b", "c"], rows.clone());
            let lines: Vec<&str> = text.lines().collect();
            prop_assert_eq!(lines[0], "a,b,c");
            prop_assert_eq!(lines.len(), rows.len() + 1);
            for (line, row) in lines[1..].iter().zip(&rows) {
                let back: Vec<f64> = line.split(',').map(|f| if f.is_empty() { f64::NAN } else { f.parse().unwrap() }).collect();
                for (a, b) in back.iter().zip(row) {
                    prop_assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "{} vs {}", a, b);
                }
            }
        }
    }
}
