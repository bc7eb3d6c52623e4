//! Lab files (`Save lab` / `Open lab`) and lab links (`#lab=` in the URL's fragment): the
//! settings of every view as a link's query pairs, and the training run exactly as it stands
//! ([`RunState`]: the points with the added ones, every weight, the optimizer's state, the
//! step, the shuffling) with the loss history the plot shows. Written and read as JSON text
//! here, so the reader is pure and fuzzed (`crate::fuzz`, target `lab-file`).
//!
//! A link leaves out the points when they are the built-in set its settings make (the reader
//! makes them again), so a trained network on any built-in set fits in a link; one's own
//! data or added points go in whole, and a link longer than [`MAX_LINK`] is not offered.

use super::export::NetworkFile;
use super::state::State;
use crate::train::{Dataset, DatasetKind, RunState, Trainer};
use serde::{Deserialize, Serialize};

/// The `format` of a lab file.
pub const FORMAT: &str = "backprop-lab";
/// The layout this lab writes and reads.
pub const VERSION: u32 = 1;
/// The largest lab file read, in bytes (10,000 points and a full network are far below).
pub const MAX_FILE: usize = 16 << 20;
/// The longest `#lab=` fragment offered as a link, in characters.
pub const MAX_LINK: usize = 64 * 1024;

/// A lab file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] when written by this lab.
    pub version: u32,
    /// The settings of every view, as a link's query pairs (`[["view","train"],["lr","0.1"]]`).
    pub settings: Vec<(String, String)>,
    /// The training run, when the figure has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunState>,
    /// The loss plot's points: step, training loss, test loss (`null`: not measured).
    #[serde(default)]
    pub history: Vec<(f64, Option<f64>, Option<f64>)>,
    /// True when `run` leaves its points out because its settings make them (links).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
}

/// A lab read back: the figure's state (with the notices its settings gave), the trainer
/// where it stood and the loss history.
pub struct Opened {
    pub state: State,
    pub notices: Vec<String>,
    pub trainer: Option<Trainer>,
    pub history: Vec<(f64, f64, f64)>,
}

/// The lab file of a state and its run.
pub fn lab_file(state: &State, run: Option<RunState>, history: &[(f64, f64, f64)]) -> LabFile {
    let opt = |v: f64| v.is_finite().then_some(v);
    LabFile {
        format: FORMAT.into(),
        version: VERSION,
        settings: state.to_query(),
        run,
        history: history.iter().map(|&(s, a, b)| (s, opt(a), opt(b))).collect(),
        generated: false,
    }
}

/// The file's text: compact JSON (on the host; the page writes the same through the browser's
/// `JSON.stringify`).
#[cfg(not(target_arch = "wasm32"))]
pub fn write(file: &LabFile) -> String {
    serde_json::to_string(file).unwrap_or_default()
}

/// The `#lab=…` fragment for a link (the file's text from `write`), or None when it would be
/// longer than [`MAX_LINK`].
pub fn link_fragment(file: &LabFile, write: impl Fn(&LabFile) -> String) -> Option<String> {
    let mut file = file.clone();
    if let Some(run) = &mut file.run {
        let made = Dataset::generate(&run.config.dataset).ok();
        if made.is_some_and(|d| d.train() == run.train && d.test() == run.test) {
            run.train.clear();
            run.test.clear();
            file.generated = true;
        }
    }
    let fragment = format!("lab={}", base64url(write(&file).as_bytes()));
    (fragment.len() <= MAX_LINK).then_some(fragment)
}

/// Checks a lab file's `format` and `version` before the rest is read: a file of another kind
/// or version gets a message saying so, never a wrong state.
pub fn check_header(format: Option<&str>, version: Option<f64>) -> Result<(), String> {
    match format {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "this is not a lab file: its format is {}, not \"{FORMAT}\"",
                super::state::echo(other)
            ))
        }
        None => return Err(format!("this is not a lab file: it has no \"format\": \"{FORMAT}\"")),
    }
    match version {
        Some(v) if v == f64::from(VERSION) => Ok(()),
        Some(v) if v > f64::from(VERSION) && v.fract() == 0.0 => {
            Err(format!("this lab file is version {v}, from a newer Backprop Lab; this one reads version {VERSION}"))
        }
        _ => Err(format!("this lab file has no version this lab reads (it reads version {VERSION}, a whole number)")),
    }
}

/// Reads a lab file's text on the host (the tests and the fuzzer; the page reads through the
/// browser's `JSON.parse`, then [`check_header`] and [`from_file`] alike). The run is checked
/// by [`open`].
#[cfg(not(target_arch = "wasm32"))]
pub fn read(text: &str) -> Result<LabFile, String> {
    read_value(parse(text)?)
}

/// A file's text as JSON, at most [`MAX_FILE`] bytes (on the host).
#[cfg(not(target_arch = "wasm32"))]
fn parse(text: &str) -> Result<serde_json::Value, String> {
    if text.len() > MAX_FILE {
        return Err(too_big(text.len()));
    }
    serde_json::from_str(text).map_err(|e| format!("this is not a lab file (not JSON: {e})"))
}

/// A parsed lab file: its format and version checked first, then the rest.
#[cfg(not(target_arch = "wasm32"))]
fn read_value(head: serde_json::Value) -> Result<LabFile, String> {
    check_header(head.get("format").and_then(|f| f.as_str()), head.get("version").and_then(|v| v.as_f64()))?;
    serde_json::from_value(head).map_err(|e| not_fitting(&e.to_string()))
}

/// Why a file is too big to be read.
pub fn too_big(bytes: usize) -> String {
    format!("the file is {} MB; a lab file is at most {} MB", bytes >> 20, MAX_FILE >> 20)
}

/// Why a file of the right format and version could not be read.
pub fn not_fitting(why: &str) -> String {
    format!("the lab file does not fit version {VERSION}: {why}")
}

/// Reads and checks a lab file on the host: [`read`], then [`from_file`].
#[cfg(not(target_arch = "wasm32"))]
pub fn open(text: &str) -> Result<Opened, String> {
    from_file(read(text)?)
}

/// Opens a lab file or a network file on the host (Open lab takes both), a network into `base`.
#[cfg(not(target_arch = "wasm32"))]
pub fn open_any(text: &str, base: &State) -> Result<Opened, String> {
    let head = parse(text)?;
    if head.get("format").and_then(|f| f.as_str()) == Some(NETWORK_FORMAT) {
        let file: NetworkFile = serde_json::from_value(head).map_err(|e| network_not_fitting(&e.to_string()))?;
        return open_network(file, base);
    }
    from_file(read_value(head)?)
}

/// The `format` of a network file (the training view's Export JSON), which Open lab opens too.
pub const NETWORK_FORMAT: &str = "backprop-lab-network";

/// Why a network file could not be read.
pub fn network_not_fitting(why: &str) -> String {
    // (the reader's reason quotes what it met, which may be a value of any length)
    const MOST: usize = 240;
    let why = match why.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &why[..cut]),
        None => why.to_string(),
    };
    format!("the network file does not fit version 1: {why}")
}

/// A network file opened into `base` (the figure as it is): the training view with the file's
/// settings, weights and biases, optimizer state, step and epoch, on the data its settings
/// make. Refused, with the reason, when its settings are not ones the page's controls can
/// show, or its matrices do not have the network's shapes.
pub fn open_network(file: NetworkFile, base: &State) -> Result<Opened, String> {
    if file.version != 1 {
        return Err(format!("this network file is version {}; this lab reads version 1", file.version));
    }
    let lab = base.lab.with_config(&file.config).ok_or(
        "the network's settings are not ones this page's controls can show (a schedule's or Adam's own \
         parameters, say); the JavaScript API takes them",
    )?;
    let fresh = Trainer::new(file.config.clone()).map_err(|e| format!("the network's settings: {e}"))?;
    let shapes: Vec<[usize; 2]> = fresh.network().layers().iter().map(|l| [l.n_inputs(), l.n_neurons()]).collect();
    let given: Vec<[usize; 2]> = file.snapshot.layers.iter().map(|l| l.weights.shape).collect();
    if shapes != given || file.snapshot.layers.iter().any(|l| l.biases.data.len() != l.weights.shape[1]) {
        return Err(format!("the network's weights have the shapes {given:?}, but its settings make {shapes:?}"));
    }
    if file.snapshot.optimizer.kind != file.config.optimizer.name() {
        return Err(format!(
            "the optimizer's state is {}'s but the settings say {}",
            super::state::echo(&file.snapshot.optimizer.kind),
            file.config.optimizer.name()
        ));
    }
    let mut run = fresh.run_state();
    run.params =
        file.snapshot.layers.iter().flat_map(|l| l.weights.data.iter().chain(&l.biases.data)).copied().collect();
    run.optimizer_steps = file.snapshot.optimizer.t;
    run.optimizer_state = file
        .snapshot
        .optimizer
        .layers
        .iter()
        .flatten()
        .flat_map(|s| s.weights.data.iter().chain(&s.biases.data))
        .copied()
        .collect();
    run.step = file.snapshot.step;
    run.epoch = file.snapshot.epoch;
    run.status = file.snapshot.status;
    let trainer = Trainer::resume(run).map_err(|e| format!("the network: {e}"))?;
    let mut state = base.clone();
    state.lab = lab;
    state.view = super::state::View::Train;
    Ok(Opened { state, notices: vec![], trainer: Some(trainer), history: vec![] })
}

/// A lab file read: the points a link left out made again, the state from its settings
/// (one's own data from the run, since a query cannot carry them), the trainer resumed from
/// the run, which must be the run those settings describe.
pub fn from_file(mut file: LabFile) -> Result<Opened, String> {
    if file.generated {
        if let Some(run) = &mut file.run {
            let made = Dataset::generate(&run.config.dataset).map_err(|e| format!("the lab's data set: {e}"))?;
            run.train = made.train().to_vec();
            run.test = made.test().to_vec();
        }
        file.generated = false;
    }
    let mut settings = file.settings;
    // the run brings one's own data; `data=own` alone would say they are missing
    let own = file.run.as_ref().and_then(|r| match r.config.dataset.kind {
        DatasetKind::Own(k) => Some((k, r.config.dataset.own.clone())),
        _ => None,
    });
    if own.is_some() {
        settings.retain(|(k, v)| !(k == "data" && v == "own"));
    }
    let (mut state, notices) = State::from_query(&settings);
    if let Some((k, data)) = own {
        let data = data.ok_or("the lab's data set is your own, but the file has no points for it")?;
        state.lab.dataset = DatasetKind::Own(k);
        state.lab.own = Some(std::rc::Rc::new(data));
        state.lab.loss = super::lab_state::loss_for(state.lab.dataset, state.lab.loss);
    }
    let trainer = match file.run {
        None => None,
        Some(run) => {
            if run.config != state.lab.trainer_config() {
                return Err("the lab file's run does not have the settings the file gives (was it edited?)".into());
            }
            Some(Trainer::resume(run).map_err(|e| format!("the lab's run: {e}"))?)
        }
    };
    let history = file
        .history
        .iter()
        .filter(|h| h.0.is_finite())
        .map(|&(s, a, b)| (s, a.unwrap_or(f64::NAN), b.unwrap_or(f64::NAN)))
        .collect();
    Ok(Opened { state, notices, trainer, history })
}

/// Reads a `#lab=…` fragment (without the `#`) with `open` (the file's text to a lab): None
/// when the fragment is not a lab link.
pub fn open_fragment(
    fragment: &str,
    open: impl FnOnce(&str) -> Result<Opened, String>,
) -> Option<Result<Opened, String>> {
    let data = fragment.strip_prefix("lab=")?;
    Some(
        unbase64url(data)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| "the link's lab (#lab=…) is damaged: it is not the lab's encoding".to_string())
            .and_then(|text| open(&text)),
    )
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5): what a URL carries unescaped.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// The bytes of a base64url text (padding and standard `+/` accepted too); None if it is not one.
pub fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let value = |c: u8| match c {
        b'+' => Some(62),
        b'/' => Some(63),
        _ => ALPHABET.iter().position(|&a| a == c).map(|p| p as u32),
    };
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::import::read_csv;
    use proptest::prelude::*;

    fn trained(query: &[(&str, &str)], steps: usize) -> (State, Trainer) {
        let pairs: Vec<(String, String)> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let (state, _) = State::from_query(&pairs);
        let mut t = Trainer::new(state.lab.trainer_config()).unwrap();
        t.train(steps);
        (state, t)
    }

    fn same_run(a: &mut Trainer, b: &mut Trainer) {
        assert_eq!(a.steps(), b.steps());
        assert_eq!(a.network().params(), b.network().params());
        assert_eq!(a.loss_train().map(f64::to_bits), b.loss_train().map(f64::to_bits));
        assert_eq!(a.loss_test().map(f64::to_bits), b.loss_test().map(f64::to_bits));
        let (ga, gb) = (a.predict_grid(20, (-6.0, 6.0)).unwrap(), b.predict_grid(20, (-6.0, 6.0)).unwrap());
        assert_eq!(
            ga.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            gb.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_saved_lab_opens_where_it_stood_and_trains_on_the_same() {
        let (state, mut t) = trained(&[("view", "train"), ("data", "xor"), ("opt", "adam"), ("lr", "0.01")], 137);
        t.add_point(1.5, -2.0, 1.0).unwrap();
        let history = vec![(0.0, 0.7, 0.71), (137.0, 0.2, f64::NAN)];
        let text = write(&lab_file(&state, Some(t.run_state()), &history));
        let mut opened = open(&text).unwrap();
        assert_eq!(opened.state, state);
        assert!(opened.history[1].2.is_nan() && opened.history[1].1 == 0.2);
        let mut u = opened.trainer.take().unwrap();
        same_run(&mut t, &mut u);
        assert_eq!(t.dataset().train().len(), u.dataset().train().len(), "the added point is there");
        // and from there both go on alike: the shuffling and the optimizer's state came too
        t.train(50);
        u.train(50);
        same_run(&mut t, &mut u);
    }

    #[test]
    fn a_link_leaves_out_points_its_settings_make_and_keeps_added_ones() {
        let (state, mut t) = trained(&[("view", "train"), ("data", "circle")], 40);
        let file = lab_file(&state, Some(t.run_state()), &[]);
        let link = link_fragment(&file, write).unwrap();
        assert!(
            link.len() < write(&file).len(),
            "the link is shorter than the file: {} vs {}",
            link.len(),
            write(&file).len()
        );
        let mut u = open_fragment(&link, open).unwrap().unwrap().trainer.unwrap();
        same_run(&mut t, &mut u);
        t.add_point(0.5, 0.5, 0.0).unwrap();
        let file = lab_file(&state, Some(t.run_state()), &[]);
        let mut u = open_fragment(&link_fragment(&file, write).unwrap(), open).unwrap().unwrap().trainer.unwrap();
        same_run(&mut t, &mut u);
        assert!(open_fragment("expr=x", open).is_none(), "not a lab link");
        assert!(open_fragment("lab=%%%", open).unwrap().is_err());
    }

    #[test]
    fn own_data_travel_in_the_file() {
        let (kind, own) = read_csv("x,y,label\n0,0,0\n1,1,1\n0,1,1\n1,0,0\n2,2,1\n3,0,0\n").unwrap().into_own();
        let (mut state, _) = State::from_query(&[("view".into(), "train".into())]);
        state.lab.dataset = kind;
        state.lab.own = Some(std::rc::Rc::new(own));
        let mut t = Trainer::new(state.lab.trainer_config()).unwrap();
        t.train(20);
        let text = write(&lab_file(&state, Some(t.run_state()), &[]));
        assert!(text.contains("\"data\",\"own\""), "the settings say own data: {text}");
        let opened = open(&text).unwrap();
        assert_eq!(opened.state.lab, state.lab);
        same_run(&mut t, &mut opened.trainer.unwrap());
        // the query alone cannot bring them back, and says so
        let (alone, notices) = State::from_query(&[("data".into(), "own".into())]);
        assert_eq!(alone.lab.dataset, DatasetKind::Circle);
        assert!(notices[0].contains("not in a link"), "{notices:?}");
    }

    #[test]
    fn other_files_and_versions_get_messages_not_states() {
        let (state, t) = trained(&[("view", "train")], 3);
        let good = write(&lab_file(&state, Some(t.run_state()), &[]));
        let says = |text: &str, words: &[&str]| {
            let Err(m) = open(text) else { panic!("{text:.80} was opened") };
            for w in words {
                assert!(m.contains(w), "{m:?} should say {w:?}");
            }
        };
        says("", &["not JSON"]);
        says("[1,2]", &["not a lab file"]);
        says(r#"{"format":"backprop-lab-network","version":1}"#, &["not a lab file", "backprop-lab-network"]);
        says(&good.replace("\"version\":1", "\"version\":2"), &["version 2", "newer", "version 1"]);
        says(&good.replace("\"version\":1", "\"version\":0"), &["version 1"]);
        says(&good.replacen("\"params\":[", "\"params\":[1,", 1), &["parameters"]);
        let edit = |f: &dyn Fn(&mut serde_json::Value)| {
            let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
            f(&mut v);
            v.to_string()
        };
        says(&edit(&|v| v["run"]["cursor"] = 99_999.into()), &["order"]);
        says(&edit(&|v| v["run"]["order"][0] = 99_999.into()), &["order", "once"]);
        says(&edit(&|v| v["run"]["train"][0]["label"] = 7.into()), &["7"]);
        says(&good.replace("\"settings\":[", "\"settings\":[[\"lr\",\"0.5\"],"), &["edited"]);
    }

    /// Writes the fuzzer's seeds (run by hand: `cargo test --lib write_fuzz_seeds -- --ignored`).
    #[test]
    #[ignore]
    fn write_fuzz_seeds() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz/corpus/lab-file");
        std::fs::create_dir_all(&dir).unwrap();
        let (state, mut t) = trained(&[("view", "train"), ("data", "xor"), ("opt", "adam"), ("hidden", "3")], 12);
        t.add_point(1.0, 2.0, 1.0).unwrap();
        let file = lab_file(&state, Some(t.run_state()), &[(0.0, 0.7, 0.69), (12.0, 0.5, f64::NAN)]);
        std::fs::write(dir.join("trained-xor.json"), write(&file)).unwrap();
        std::fs::write(dir.join("link-xor.txt"), link_fragment(&file, write).unwrap()).unwrap();
        let (state, _) = State::from_query(&[("preset".into(), "circuit".into()), ("step".into(), "2".into())]);
        std::fs::write(dir.join("graph-only.json"), write(&lab_file(&state, None, &[]))).unwrap();
        let (kind, own) = read_csv("x,y\n0,1\n1,3\n2,5\n3,7\n").unwrap().into_own();
        let (mut state, _) = State::from_query(&[("view".into(), "train".into()), ("hidden".into(), "2".into())]);
        state.lab.dataset = kind;
        state.lab.own = Some(std::rc::Rc::new(own));
        state.lab.loss = crate::web::model::lab_state::loss_for(kind, state.lab.loss);
        state.lab.features = vec![crate::train::Feature::X];
        let mut t = Trainer::new(state.lab.trainer_config()).unwrap();
        t.train(3);
        std::fs::write(dir.join("own-regression.json"), write(&lab_file(&state, Some(t.run_state()), &[]))).unwrap();
        std::fs::write(dir.join("newer.json"), r#"{"format":"backprop-lab","version":2}"#).unwrap();
        let (_, mut t) = trained(&[("view", "train"), ("data", "gaussians3"), ("opt", "momentum"), ("hidden", "2")], 5);
        let network = serde_json::to_string(&crate::web::model::export::network_file(&mut t)).unwrap();
        std::fs::write(dir.join("network-gaussians3.json"), network).unwrap();
    }

    #[test]
    fn a_network_file_opens_into_the_training_view_and_refuses_what_it_cannot_show() {
        let (state, mut t) =
            trained(&[("view", "train"), ("data", "moons"), ("opt", "momentum"), ("hidden", "4,3")], 33);
        let text = serde_json::to_string(&crate::web::model::export::network_file(&mut t)).unwrap();
        let (graph, _) = State::from_query(&[("preset".into(), "fan-out".into())]);
        let opened = open_any(&text, &graph).unwrap();
        assert_eq!(opened.state.view, crate::web::model::state::View::Train);
        assert_eq!(opened.state.source, graph.source, "the graph stays the figure's");
        assert_eq!(opened.state.lab.trainer_config(), state.lab.trainer_config());
        let mut u = opened.trainer.unwrap();
        assert_eq!(u.network().params(), t.network().params());
        assert_eq!(u.optimizer().saved(), t.optimizer().saved());
        assert_eq!((u.steps(), u.loss_train().map(f64::to_bits)), (33, t.loss_train().map(f64::to_bits)));
        // an Adam with an ε below the field's 1e-12 has no control on the page
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["config"]["optimizer"] =
            serde_json::json!({"kind": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.5, "eps": 1e-20});
        let m = open_any(&v.to_string(), &graph).err().unwrap();
        assert!(m.contains("controls can show"), "{m}");
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["snapshot"]["layers"][0]["weights"]["shape"] = serde_json::json!([3, 4]);
        assert!(open_any(&v.to_string(), &graph).err().unwrap().contains("shapes"));
        assert!(open_any(r#"{"format":"backprop-lab-network","version":1}"#, &graph)
            .err()
            .unwrap()
            .contains("network file does not fit"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn base64url_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let text = base64url(&bytes);
            prop_assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
            prop_assert_eq!(unbase64url(&text), Some(bytes));
        }

        /// export → import is the identity for lab files: random settings and steps.
        #[test]
        fn lab_files_round_trip(data in 0usize..7, opt in 0usize..3, steps in 0usize..60, added in prop::collection::vec((-5.0f64..5.0, -5.0f64..5.0), 0..4)) {
            let names = ["circle", "xor", "gaussians", "moons", "spiral", "gaussians3", "sine"];
            let (state, mut t) = trained(&[("view", "train"), ("data", names[data]), ("opt", ["sgd", "momentum", "adam"][opt])], steps);
            for (x, y) in added {
                let _ = t.add_point(x, y, 0.0);
            }
            let file = lab_file(&state, Some(t.run_state()), &[(0.0, 1.0, 2.0)]);
            let text = write(&file);
            prop_assert_eq!(&read(&text).unwrap(), &file);
            let mut u = open(&text).unwrap().trainer.unwrap();
            same_run(&mut t, &mut u);
            let mut v = open_fragment(&link_fragment(&file, write).unwrap(), open).unwrap().unwrap().trainer.unwrap();
            same_run(&mut t, &mut v);
        }

        /// export → import is the identity for networks: the weights, the optimizer's state and
        /// the step of a network file come back, on random settings.
        #[test]
        fn network_files_round_trip(data in 0usize..7, opt in 0usize..3, hidden in prop::collection::vec(1usize..6, 0..3), steps in 0usize..40) {
            let names = ["circle", "xor", "gaussians", "moons", "spiral", "gaussians3", "sine"];
            let hidden: Vec<String> = hidden.iter().map(ToString::to_string).collect();
            let hidden = if hidden.is_empty() { "none".to_string() } else { hidden.join(",") };
            let (state, mut t) = trained(&[("view", "train"), ("data", names[data]), ("opt", ["sgd", "momentum", "adam"][opt]), ("hidden", &hidden)], steps);
            let text = serde_json::to_string(&crate::web::model::export::network_file(&mut t)).unwrap();
            let opened = open_any(&text, &State::default()).unwrap();
            prop_assert_eq!(opened.state.lab.trainer_config(), state.lab.trainer_config());
            let u = opened.trainer.unwrap();
            prop_assert_eq!(u.network().params(), t.network().params());
            prop_assert_eq!(u.optimizer().saved(), t.optimizer().saved());
            prop_assert_eq!(u.steps(), t.steps());
        }
    }
}
