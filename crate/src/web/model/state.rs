//! Everything on screen in one value, and its round trip through the URL's query string.
//!
//! Pure Rust (no DOM), so it is tested on the host. The page reads the query with the
//! browser's `URLSearchParams` (which does the percent-decoding) and hands the pairs to
//! [`State::from_query`]; [`State::to_query`] gives the pairs back.

use super::embed::Embed;
use super::lab_state::Lab;

/// Which page view is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// An expression as a computational graph (`?view=graph`, the default).
    Graph,
    /// Train a small network (`?view=train`).
    Train,
    /// Loss against learning rate: the sweep and the range test (`?view=lr`).
    Lr,
    /// Step size along the gradient, and a loss surface with its descent path (`?view=step`).
    Step,
}

/// The views with their names in the URL.
pub const VIEWS: [(View, &str); 4] =
    [(View::Graph, "graph"), (View::Train, "train"), (View::Lr, "lr"), (View::Step, "step")];

impl View {
    pub fn name(self) -> &'static str {
        VIEWS.iter().find(|v| v.0 == self).map_or("graph", |v| v.1)
    }
}

/// Every key a figure reads, in a URL's query or as a `<backprop-lab>` element's attribute
/// (the element observes exactly these).
pub const KEYS: &[&str] = &[
    "view", "expr", "preset", "sigmoid", "step", "embed", "data", "noise", "train", "features", "hidden", "act",
    "loss", "opt", "lr", "beta", "sched", "batch", "seed", "speed", "logy", "grads", "perf", "lo", "hi", "rates",
    "steps", "problem", "cond", "eta", "mom", "start", "panels", "hide", "lock", "autoplay", "pretrain", "run",
    "theme", "bg", "font", "quiz", "ask", "beta2", "eps", "wd", "reg", "regrate", "f", "race", "warmup", "total",
    "minlr", "every", "factor", "gamma", "range",
];

/// Most names `ask=` takes, and the longest name.
pub const MAX_ASK: usize = 100;

/// How far the backward pass has gone on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backward {
    /// No gradients shown.
    None,
    /// The first `k` steps of the trace are done (step-through).
    Steps(usize),
    /// Every gradient is shown.
    All,
}

/// The whole state of the page.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub view: View,
    /// The expression's source text.
    pub source: String,
    /// Draw σ as its primitive gates.
    pub expand_sigmoid: bool,
    /// Show only the graph and its controls (for iframes).
    pub embed: bool,
    /// Whether the forward values of the gates are shown (Reset hides them, Forward shows them).
    pub forward: bool,
    pub backward: Backward,
    /// The settings of the training, learning-rate and step-size views.
    pub lab: Lab,
    /// How the figure sits in a host page: panels, hidden controls, lock, theme…
    pub embedding: Embed,
    /// Predict, then check: stepping backward asks for each gradient before it is shown.
    pub quiz: bool,
    /// The nodes the quiz asks, by name (empty: every node that gets a gradient).
    pub ask: Vec<String>,
}

impl Default for State {
    fn default() -> Self {
        State {
            view: View::Graph,
            source: PRESETS[0].source.to_string(),
            expand_sigmoid: false,
            embed: false,
            forward: true,
            backward: Backward::None,
            lab: Lab::default(),
            embedding: Embed::default(),
            quiz: false,
            ask: vec![],
        }
    }
}

impl State {
    /// Reads the query pairs. An unknown key or a bad value gives a message (and the default
    /// for that key). (Whether the expression parses is checked by the caller, which
    /// falls back to the default expression and shows the parse error.)
    pub fn from_query(pairs: &[(String, String)]) -> (State, Vec<String>) {
        let mut s = State::default();
        let mut messages = Vec::new();
        for (k, v) in pairs {
            match k.as_str() {
                "expr" => s.source = v.clone(),
                "view" => match VIEWS.iter().find(|(_, name)| name == v) {
                    Some(&(view, _)) => s.view = view,
                    None => messages.push(format!(
                        "There is no view called {}; the views are graph, train, lr and step. Showing the graph view.",
                        echo(v)
                    )),
                },
                "sigmoid" => s.expand_sigmoid = v == "expand",
                "quiz" => match v.as_str() {
                    "1" | "true" => s.quiz = true,
                    "0" | "false" | "" => s.quiz = false,
                    _ => messages.push(format!("quiz={} is 1 (predict, then check) or 0; no quiz.", echo(v))),
                },
                "ask" => {
                    let names: Vec<String> =
                        v.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from).collect();
                    if names.len() > MAX_ASK || names.iter().any(|n| n.chars().count() > 40) {
                        messages.push(format!(
                            "ask={} names at most {MAX_ASK} nodes of at most 40 characters; asking every node.",
                            echo(v)
                        ));
                    } else {
                        s.ask = names;
                    }
                }
                "embed" => s.embed = v == "1" || v == "true",
                "step" => match v.as_str() {
                    "all" => s.backward = Backward::All,
                    n => match n.parse::<usize>() {
                        Ok(k) => s.backward = Backward::Steps(k),
                        Err(_) => messages
                            .push(format!("step={} is not a step number; starting before the backward pass.", echo(n))),
                    },
                },
                "preset" => match PRESETS.iter().find(|p| p.id == v) {
                    Some(p) => s.source = p.source.to_string(),
                    None => messages.push(format!("There is no example called {}.", echo(v))),
                },
                other => {
                    if !s.embedding.read(other, v, &mut messages) && !s.lab.read(other, v, &mut messages) {
                        messages.push(unknown_key(other));
                    }
                }
            }
        }
        s.lab.settle(&mut messages);
        (s, messages)
    }

    /// The query pairs that reproduce this state: the whole figure — the view, the expression
    /// and its step, every lab setting — so a link (or a reload) brings back every view as it
    /// was. Defaults are left out, except the expression in the graph view, which is always
    /// there so that a link shows what is on screen.
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if self.view != View::Graph {
            q.push(("view".to_string(), self.view.name().to_string()));
        }
        if self.view == View::Graph || self.source != PRESETS[0].source {
            q.push(("expr".to_string(), self.source.clone()));
        }
        if self.expand_sigmoid {
            q.push(("sigmoid".into(), "expand".into()));
        }
        match self.backward {
            Backward::None => {}
            Backward::Steps(k) => q.push(("step".into(), k.to_string())),
            Backward::All => q.push(("step".into(), "all".into())),
        }
        if self.quiz {
            q.push(("quiz".into(), "1".into()));
        }
        if !self.ask.is_empty() {
            q.push(("ask".into(), self.ask.join(",")));
        }
        self.lab.write(&mut q);
        self.embedding.write(&mut q);
        if self.embed {
            q.push(("embed".into(), "1".into()));
        }
        q
    }
}

/// A value a message repeats back, in quotes, as the reader typed it but harmless: cut to 60
/// characters, and isolated with its quotes (U+2068 “…” U+2069), so a right-to-left mark in it
/// cannot turn the rest of the page's sentence around.
pub fn echo(v: &str) -> String {
    const MAX: usize = 60;
    let cut: String = v.chars().filter(|c| !c.is_control()).take(MAX).collect();
    let more = if v.chars().filter(|c| !c.is_control()).count() > MAX { "…" } else { "" };
    format!("\u{2068}“{cut}{more}”\u{2069}")
}

/// The message for a key no figure reads, with the nearest key when one is a typo away.
fn unknown_key(key: &str) -> String {
    let near = KEYS.iter().find(|k| edit_distance(k, key) <= 1 + key.len() / 6);
    let shown = echo(key);
    match near {
        Some(k) => format!("There is no setting called {shown} (did you mean “{k}”?); it is ignored."),
        None => format!("There is no setting called {shown}; it is ignored. The settings are listed in the README."),
    }
}

/// Levenshtein distance (short strings only: keys).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().take(64).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(64).enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

/// An example expression offered in the editor's list.
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub source: &'static str,
}

/// The examples: the lecture's worked circuits, then one per gate behaviour.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "circuit",
        title: "(x + y) · z — the first circuit",
        source: "# CS231n's first circuit\nx = -2; y = 5; z = -4\nq = x + y\nf = q * z",
    },
    Preset {
        id: "sigmoid-neuron",
        title: "σ neuron, gate by gate",
        source: "# a 2-input neuron with a sigmoid, written out gate by gate\nw0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
    },
    Preset {
        id: "sigmoid-gate",
        title: "σ neuron, one σ gate",
        source: "# the same neuron with one σ gate: local gradient σ(1 − σ)\nw0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = sigmoid(w0*x0 + w1*x1 + w2)",
    },
    Preset {
        id: "relu-neuron",
        title: "ReLU neuron",
        source: "# a ReLU neuron: ∂w = x, ∂x = w, ∂b = 1\nx0 = 1; x1 = -2; x2 = 3\nw0 = -3; w1 = -1; w2 = 2; b = 1\nrelu(x0*w0 + x1*w1 + x2*w2 + b)",
    },
    Preset {
        id: "final-layer",
        title: "Output neuron with squared error",
        source: "# output neuron, target d: δ = (y − d)·y·(1 − y)\nw0 = 0.5; x0 = 1; w1 = -0.3; x1 = 2; b = 0.1; d = 1\ny = sigmoid(w0*x0 + w1*x1 + b)\nL = 0.5*(y - d)^2",
    },
    Preset {
        id: "fit",
        title: "Fit F(x) = 3x² with θx²",
        source: "# one point of the fit of 3x² by θx²: dE/dθ = −6 at θ = 0\ntheta = 0; x = 1; y = 3\nE = (theta*x^2 - y)^2",
    },
    Preset {
        id: "max-gate",
        title: "Max gate routes",
        source: "# the max gate routes the gradient to the larger input; the other gets 0\nx = 3; y = -1; z = 2\nm = max(x, y)\nf = m * z",
    },
    Preset {
        id: "fan-out",
        title: "Fan-out: gradients add",
        source: "# a is used three times: its gradient is the sum of what comes back\na = 3\nb = a * a\nf = b + a",
    },
    Preset {
        id: "mul-gate",
        title: "Mul gate swaps and scales",
        source: "# the mul gate sends each input upstream × the other input\nx = 3; y = -4\nf = x * y",
    },
    Preset {
        id: "ex-cube",
        title: "Exercise: the derivative of 5x³",
        source: "# Exercise: the derivative of f(x) = 5x³, on paper first\nx = 2\nf = 5 * x^3",
    },
    Preset {
        id: "ex-poly-fit",
        title: "Exercise: fit θ₀x² + θ₁x + θ₂ to three points",
        source: "# Exercise: fit F(x) = θ₀x² + θ₁x + θ₂ to (−2, −5), (0, 1), (1, 4) from θ = [1, 1, 1]\n\
                 theta0 = 1; theta1 = 1; theta2 = 1\n\
                 # each sample's error F(x) − y\n\
                 e1 = theta0*4 + theta1*(-2) + theta2 - (-5)\n\
                 e2 = theta0*0 + theta1*0 + theta2 - 1\n\
                 e3 = theta0*1 + theta1*1 + theta2 - 4\n\
                 # the mean of the squared errors\n\
                 E = (e1^2 + e2^2 + e3^2) / 3",
    },
    Preset {
        id: "ex-one-hidden",
        title: "Exercise: a network with one hidden layer",
        source: "# Exercise: the notes' network with one hidden layer and its four partial derivatives\n\
                 X = 1.5; y = 1\n\
                 w0 = 0.5; b0 = 0.1\n\
                 w1 = -0.8; b1 = 0.2\n\
                 z0 = X*w0 + b0\n\
                 a0 = sigmoid(z0)\n\
                 z1 = a0*w1 + b1\n\
                 E = 0.5*(z1 - y)^2",
    },
    Preset {
        id: "ex-numpy",
        title: "Exercise: the lecture's two-layer NumPy network",
        source: "# Exercise: the lecture's two-layer NumPy network (N = 64, D_in = 1000, H = 100, D_out = 10)\n\
                 # one path through it: x → h = σ(x·w1) → y_pred = h·w2 → (y_pred − y)²\n\
                 x = 0.5; w1 = -1.2; w2 = 0.8; y = 1\n\
                 h = sigmoid(x*w1)\n\
                 y_pred = h*w2\n\
                 loss = (y_pred - y)^2",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn round_trips_through_the_query() {
        let s = State {
            view: View::Graph,
            source: "a = 1; b = a & 2\n# ünïcode ? = &".into(),
            expand_sigmoid: true,
            embed: true,
            forward: true,
            backward: Backward::Steps(3),
            lab: Lab::default(),
            embedding: Embed::default(),
            quiz: true,
            ask: vec!["q".into(), "x".into()],
        };
        let (back, messages) = State::from_query(&s.to_query());
        assert_eq!(back, s);
        assert!(messages.is_empty());
        for view in [View::Train, View::Lr, View::Step] {
            let s = State { view, embed: true, lab: Lab { lr: 0.5, ..Lab::default() }, ..State::default() };
            assert_eq!(State::from_query(&s.to_query()), (s, vec![]));
        }
        // one figure, one state: the graph view's link keeps the lab's settings, and a lab
        // view's link keeps a typed expression and its step
        for view in [View::Graph, View::Train, View::Lr, View::Step] {
            let s = State {
                view,
                source: "a = 3; b = -2\nf = a * b + a".into(),
                backward: Backward::Steps(2),
                lab: Lab { lr: 0.5, hidden: vec![8, 8], ..Lab::default() },
                ..State::default()
            };
            assert_eq!(State::from_query(&s.to_query()), (s, vec![]));
        }
        let q = State { view: View::Train, ..State::default() }.to_query();
        assert!(q.iter().all(|(k, _)| k != "expr"), "the default expression stays out of a lab view's link: {q:?}");
        for b in [Backward::None, Backward::All] {
            let s = State { backward: b, ..State::default() };
            assert_eq!(State::from_query(&s.to_query()).0, s);
        }
    }

    #[test]
    fn every_key_written_is_a_key_read() {
        let lab = Lab {
            lr: 0.5,
            hidden: vec![3],
            noise: 0.3,
            batch: 7,
            seed: 9,
            speed: crate::web::model::lab_state::Speed::Max,
            log_y: true,
            show_grads: true,
            perf: true,
            sweep_lo: 1e-3,
            sweep_hi: 1.0,
            sweep_rates: 5,
            sweep_steps: 50,
            eta: 0.2,
            momentum: 0.5,
            condition: 20.0,
            start: (1.0, 1.0),
            beta: 0.5,
            ..Lab::default()
        };
        let s = State {
            view: View::Step,
            source: "a = 1\nf = a * 2".into(),
            expand_sigmoid: true,
            embed: true,
            backward: Backward::All,
            lab,
            embedding: Embed { panels: vec!["contour"], lock: true, font: 1.5, ..Embed::default() },
            quiz: true,
            ask: vec!["a".into()],
            ..State::default()
        };
        for (k, _) in s.to_query() {
            assert!(KEYS.contains(&k.as_str()), "{k} is written but not in KEYS");
        }
        // and every key changes what is read (none is ignored)
        for k in KEYS {
            let value = match *k {
                "view" => "train",
                "preset" => "fan-out",
                "expr" => "a = 2",
                "sigmoid" => "expand",
                "step" => "all",
                "embed" | "logy" | "grads" | "perf" => "1",
                "data" => "xor",
                "features" => "x,y,xy",
                "hidden" => "3",
                "act" => "relu",
                "loss" => "mse",
                "opt" => "adam",
                "sched" => "exponential",
                "problem" => "poly",
                "start" => "1,1",
                "lo" => "0.001",
                "hi" => "1",
                "rates" | "batch" | "seed" => "5",
                "steps" => "50",
                "speed" => "40",
                "train" => "70",
                "noise" => "0.3",
                "cond" => "20",
                "lr" | "beta" | "eta" | "mom" => "0.5",
                "panels" => "graph",
                "hide" => "play",
                "lock" | "autoplay" | "run" | "quiz" => "1",
                "ask" => "q,x",
                "pretrain" => "100",
                "theme" => "dark",
                "bg" => "transparent",
                "font" => "1.2",
                "beta2" => "0.99",
                "eps" => "1e-6",
                "wd" => "0.1",
                "reg" => "l2",
                "regrate" => "0.5",
                "f" => "a^2 + b^2",
                "race" => "sgd,adam:0.1",
                "warmup" => "10",
                "total" => "500",
                "minlr" => "0.001",
                "every" => "100",
                "factor" => "0.3",
                "gamma" => "0.99",
                "range" => "-2,2,-1,3",
                other => panic!("no sample value for {other}"),
            };
            let (read, m) = State::from_query(&pairs(&[(k, value)]));
            assert!(m.is_empty(), "{k}={value}: {m:?}");
            assert_ne!(read, State::default(), "{k}={value} changed nothing");
        }
    }

    #[test]
    fn echoed_values_are_isolated_and_cut() {
        let rlo = "abc\u{202E}fed";
        let (_, m) = State::from_query(&pairs(&[("view", rlo), ("lr", &"9".repeat(20_000)), ("x\u{202E}y", "1")]));
        assert_eq!(m.len(), 3, "{m:?}");
        for msg in &m {
            let (open, close) = (msg.find('\u{2068}'), msg.find('\u{2069}'));
            assert!(open.is_some() && close > open, "isolated: {msg:?}");
            assert!(msg.chars().count() < 400, "cut: {} characters", msg.chars().count());
            // the override stays inside the isolate
            if let Some(r) = msg.find('\u{202E}') {
                assert!(open < Some(r) && Some(r) < close, "{msg:?}");
            }
        }
        assert!(m[1].contains('…'));
        assert_eq!(echo("a\nb"), "\u{2068}“ab”\u{2069}");
    }

    #[test]
    fn bad_values_give_messages_and_defaults() {
        let (s, m) = State::from_query(&pairs(&[("view", "nope"), ("step", "x"), ("preset", "zzz"), ("junk", "1")]));
        assert_eq!(s, State::default());
        assert_eq!(m.len(), 4, "{m:?}");
        assert!(m[3].contains("no setting called \u{2068}“junk”\u{2069}"), "{}", m[3]);
        let (_, m) = State::from_query(&pairs(&[("panel", "graph"), ("controls", "none")]));
        assert!(m[0].contains("did you mean “panels”"), "{m:?}");
        assert!(m[1].contains("controls") && !m[1].contains("did you mean"), "{m:?}");
    }

    #[test]
    fn presets_parse_and_have_unique_ids() {
        for p in PRESETS {
            assert!(crate::expr::parse(p.source, Default::default()).is_ok(), "{}", p.id);
            assert_eq!(PRESETS.iter().filter(|q| q.id == p.id).count(), 1);
        }
        let (s, _) = State::from_query(&pairs(&[("preset", "relu-neuron")]));
        assert!(s.source.contains("relu("));
    }
}
