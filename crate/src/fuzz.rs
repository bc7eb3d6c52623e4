//! The fuzz targets: each takes one input (text) and runs it through the lab as the page or a
//! script would, checking what must hold whatever the input: no panic (the caller catches
//! them), and each target's invariants, returned as `Err` when broken.
//!
//! - `expr`: parse (σ drawn both ways), forward, backward, the gradient check, kinks and
//!   problems, the layout, the drawing, the Nodes table and the step text at several steps;
//!   automatic names never collide; an edited input value keeps the text parsing.
//! - `graph-url`, `lab-url`: a query string read as the page reads its address; the state it
//!   gives is written back and read again to the same state with no message, and every
//!   message stays short (echoed values are cut).
//! - `api`: lines of JavaScript API calls with hostile numbers (`train -1`, `sweep 1e-4 10 -1
//!   1000`) through [`crate::api`], the functions the wasm layer calls; a refused call names
//!   itself, and the trainer still trains after it.
//!
//! - `import`: a CSV of the student's own data through [`crate::train::import::read_csv`]: the
//!   points it accepts lie in the plane and read back the same after export; the rows it
//!   refuses are at most 21 short messages.
//! - `lab-file`: a lab file's text or a `lab=…` link fragment through
//!   [`crate::web::model::lab_file`]: what it refuses gets a short message; what it opens, saved
//!   and opened again, is the same lab (the state and the run to the bit).
//!
//! `crate/examples/fuzz.rs` mutates the corpus in `tests/fuzz/corpus/<target>/` and calls
//! these; the test below runs the corpus and every regression (`tests/fuzz/regressions/`).

use crate::api;
use crate::expr::{parse_with_spans, set_input, Options};
use crate::train::{Trainer, TrainerConfig};
use crate::web::model::state::State;
use crate::web::model::view::{gradcheck_table, graph_svg, nodes_table, step_text, Scene, Shown};
use std::collections::HashSet;

/// A target: its name and the function that checks one input.
pub type Target = fn(&str) -> Result<(), String>;

/// Every target, by name.
pub const TARGETS: &[(&str, Target)] =
    &[("expr", expr), ("graph-url", url), ("lab-url", url), ("api", calls), ("import", import), ("lab-file", lab_file)];

/// The longest message an input may make the page show (echoed values are cut to 60
/// characters; the longest fixed sentence is about 300).
const MAX_MESSAGE_CHARS: usize = 1_000;

/// The `expr` target.
pub fn expr(source: &str) -> Result<(), String> {
    for expand_sigmoid in [false, true] {
        let (graph, spans) = match parse_with_spans(source, Options { expand_sigmoid }) {
            Ok(p) => p,
            Err(e) => {
                let _ = (e.to_string(), e.caret(source));
                continue;
            }
        };
        if graph.len() > crate::graph::MAX_NODES {
            return Err(format!("{} nodes, over the limit of {}", graph.len(), crate::graph::MAX_NODES));
        }
        let names: HashSet<String> = (0..graph.len()).map(|i| graph.label(i)).collect();
        if names.len() != graph.len() {
            return Err("two nodes share a name".into());
        }
        let scene = Scene::new(graph.clone());
        let finite = |p: &crate::layout::Point| p.x.is_finite() && p.y.is_finite();
        if !scene.layout.nodes.iter().all(finite) || !scene.layout.edges.iter().flatten().all(finite) {
            return Err("the layout has a coordinate that is not finite".into());
        }
        let total = scene.trace.steps.len();
        for steps in [0, 1, total / 2, total] {
            for (forward, stepping) in [(true, true), (true, false), (false, false)] {
                let shown = Shown { forward, steps: steps.min(total), stepping };
                let _ = (graph_svg(&scene, shown), nodes_table(&scene, shown), step_text(&scene, shown));
            }
        }
        let _ = gradcheck_table(&scene.graph, &scene.checks);
        let mut g = graph;
        g.backward();
        g.forward();
        let _ = (g.problems(), g.kinks());
        if let Some(&span) = spans.first() {
            let edited = set_input(source, span, -1.5);
            match parse_with_spans(&edited, Options { expand_sigmoid }) {
                Ok((g2, _)) if g2.node(span.node).map(|n| n.value) == Some(-1.5) => {}
                Ok(_) => return Err(format!("editing an input to -1.5 gave another value: {edited:?}")),
                Err(e) => return Err(format!("editing an input's value broke the text ({e}): {edited:?}")),
            }
        }
    }
    Ok(())
}

/// The `import` target.
pub fn import(text: &str) -> Result<(), String> {
    use crate::train::import::{read_csv, write_csv, EXTENT};
    match read_csv(text) {
        Ok(d) => {
            if d.points.len() > crate::train::data::MAX_POINTS {
                return Err(format!("{} points accepted", d.points.len()));
            }
            if let Some(p) = d.points.iter().find(|p| !(p.x.abs() <= EXTENT + 1e-9 && p.y.abs() <= EXTENT + 1e-9)) {
                return Err(format!("a point outside the plane: {p:?}"));
            }
            match read_csv(&write_csv(&d)) {
                Ok(back) if back.points.len() == d.points.len() && back.shape == d.shape => Ok(()),
                Ok(_) => Err("the exported data read back to other points".into()),
                Err(e) => Err(format!("the exported data do not read back: {:?}", e.first())),
            }
        }
        Err(errors) => {
            if errors.is_empty() || errors.len() > 21 {
                return Err(format!("{} row errors", errors.len()));
            }
            match errors.iter().find(|e| e.reason.chars().count() > 200) {
                Some(e) => Err(format!("a message of {} characters", e.reason.chars().count())),
                None => Ok(()),
            }
        }
    }
}

/// The `lab-file` target: a lab file's text (or, starting `lab=`, a link's fragment) is opened
/// or refused with a short message; what opens is saved and opened again to the same run.
pub fn lab_file(text: &str) -> Result<(), String> {
    use crate::web::model::lab_file::{lab_file, open, open_any, open_fragment, write};
    let opened = match open_fragment(text, open) {
        Some(r) => r,
        None => open_any(text, &crate::web::model::state::State::default()),
    };
    match opened {
        Err(m) if m.chars().count() > MAX_MESSAGE_CHARS => {
            Err(format!("a message of {} characters", m.chars().count()))
        }
        Err(_) => Ok(()),
        Ok(o) => {
            let run = o.trainer.as_ref().map(|t| t.run_state());
            let again = open(&write(&lab_file(&o.state, run.clone(), &o.history)))
                .map_err(|e| format!("a lab that opened does not open again once saved: {e}"))?;
            if again.state != o.state || again.trainer.map(|t| t.run_state()) != run {
                return Err("a lab saved and opened again is not the same lab".into());
            }
            Ok(())
        }
    }
}

/// `a=1&b=%20x` as the page reads its address (`+` is a space, `%XX` a byte).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `graph-url` and `lab-url` targets.
pub fn url(query: &str) -> Result<(), String> {
    let (state, messages) = State::from_query(&query_pairs(query));
    if let Some(m) = messages.iter().find(|m| m.chars().count() > MAX_MESSAGE_CHARS) {
        return Err(format!(
            "a message of {} characters: {:?}…",
            m.chars().count(),
            m.chars().take(80).collect::<String>()
        ));
    }
    let written = state.to_query();
    let (back, again) = State::from_query(&written);
    if !again.is_empty() {
        return Err(format!("the page wrote a link it refuses: {written:?} says {again:?}"));
    }
    if back != state {
        return Err(format!("writing the state and reading it back changed it: {written:?}"));
    }
    Ok(())
}

/// A number as a script might pass it: `NaN`, `inf`, `-0`, `1e309` (∞) as Rust reads them;
/// anything else is NaN (what JavaScript makes of a string that is not a number).
fn number(token: &str) -> f64 {
    token.parse().unwrap_or(f64::NAN)
}

/// At most this many calls per input.
const MAX_CALLS: usize = 24;

/// The `api` target: one call per line, `name arg…`.
pub fn calls(script: &str) -> Result<(), String> {
    let mut t = Trainer::new(TrainerConfig::default()).map_err(|e| e.to_string())?;
    let mut sweep: Option<api::Sweep> = None;
    let mut range: Option<api::Range> = None;
    for line in script.lines().take(MAX_CALLS) {
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else { continue };
        let a: Vec<f64> = words.map(number).collect();
        let n = |i: usize| a.get(i).copied().unwrap_or(f64::NAN);
        let refused = match name {
            "train" => api::train(&mut t, n(0)).err(),
            "preview" => api::schedule_preview(&t, n(0), n(1)).err(),
            "grid" => api::predict_grid(&mut t, n(0), n(1), n(2)).err(),
            "neuron" => api::neuron_grid(&mut t, n(0), n(1), n(2), n(3), n(4)).err(),
            "lr" => api::set_learning_rate(&mut t, n(0)).err(),
            "batch" => api::set_batch_size(&mut t, n(0)).err(),
            "hidden" => api::set_hidden(&mut t, &a).err(),
            "add" => api::add_point(&mut t, n(0), n(1), n(2)).err(),
            "remove" => api::remove_nearest(&mut t, n(0), n(1)).err(),
            "profile" => api::step_profile(&t, &a).err(),
            "example" => api::example_source(&t, n(0)).err(),
            "gradients" => api::example_gradients(&t, n(0)).err(),
            "step" => api::element_steps(Some(&t), a.first().copied()).err(),
            "sweep" => match api::lr_sweep(&t, n(0), n(1), n(2), n(3)) {
                Ok(s) => {
                    sweep = Some(s);
                    None
                }
                Err(e) => Some(e),
            },
            "advance" => match sweep.as_mut() {
                Some(s) => api::sweep_advance(s, n(0)).err(),
                None => None,
            },
            "range" => match api::range_test(&t, n(0), n(1), n(2)) {
                Ok(r) => {
                    range = Some(r);
                    None
                }
                Err(e) => Some(e),
            },
            "rangeadvance" => match range.as_mut() {
                Some(r) => api::range_advance(r, n(0)).err(),
                None => None,
            },
            "surface" => {
                let problem = if n(8) == 1.0 {
                    api::Problem::PolyFit { fixed: n(9), fixed_value: n(10) }
                } else {
                    api::Problem::Bowl { kappa: n(9), angle: n(10) }
                };
                let r = api::SurfaceRequest {
                    problem,
                    x: (n(0), n(1)),
                    y: (n(2), n(3)),
                    n: n(4),
                    start: (n(5), n(6)),
                    lr: n(7),
                    momentum: 0.0,
                    steps: n(11),
                };
                api::loss_surface(&r).err()
            }
            "netsurface" => {
                let r = api::NetworkSurfaceRequest {
                    i: n(0),
                    j: n(1),
                    radius: n(2),
                    n: n(3),
                    lr: n(4),
                    momentum: n(5),
                    steps: n(6),
                };
                api::network_surface(&t, &r).err()
            }
            "reset" => {
                t.reset();
                None
            }
            _ => None,
        };
        if let Some(e) = refused {
            if e.0.len() < 12 || !e.0.contains(": ") {
                return Err(format!("{line:?} was refused without saying which call and why: {:?}", e.0));
            }
        }
        // still usable: it trains (or says the training set is empty)
        let before = t.steps();
        match api::train(&mut t, 1.0) {
            Ok(_) if t.steps() == before + 1 => {}
            Ok(_) => return Err(format!("after {line:?} a step did not count")),
            Err(e) if e.0.contains("empty") => {}
            Err(e) => return Err(format!("after {line:?} the trainer refuses to train: {e}")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// The files of `tests/fuzz/<kind>/<target>/`.
    fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz").join(kind).join(target);
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).map_or(vec![], |d| d.flatten().map(|e| e.path()).collect());
        files.sort();
        files
    }

    #[test]
    fn the_corpus_and_every_regression_pass_their_targets() {
        let mut seen = 0;
        for &(name, target) in TARGETS {
            let corpus = inputs("corpus", name);
            assert!(!corpus.is_empty(), "tests/fuzz/corpus/{name}/ has seeds");
            for file in corpus.iter().chain(&inputs("regressions", name)) {
                let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
                if let Err(e) = target(&text) {
                    panic!("{}: {e}", file.display());
                }
                seen += 1;
            }
        }
        assert!(seen >= 20, "{seen} inputs");
    }

    #[test]
    fn the_targets_read_their_inputs_as_the_page_does() {
        // (an unknown key is a message on reading, not a state: nothing to write back)
        assert!(url("view=train&lr=0.1").is_ok());
        assert!(url("nosuchkey=1").is_ok());
        assert!(calls("train 5\nsweep 1e-4 10 -1 1000\ntrain -1").is_ok());
        assert_eq!(
            query_pairs("a=1+2&b=%41%zz&c"),
            vec![("a".into(), "1 2".into()), ("b".into(), "A%zz".into()), ("c".into(), String::new())]
        );
    }
}
