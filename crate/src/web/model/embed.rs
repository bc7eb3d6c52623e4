//! How a figure sits in a host page: which parts it shows (`panels=`), which single controls
//! it hides (`hide=`), whether the reader may change the network and the data (`lock=`), what
//! it does on load (`autoplay=`, `pretrain=`, `run=`) and how it looks (`theme=`, `bg=`,
//! `font=`). URL keys and `<backprop-lab>` attributes alike; pure Rust, tested on the host.
//!
//! The skeleton marks its parts with `data-panel="<name>"` and its controls with
//! `data-control="<name>"`; the shell hides and locks them from these predicates.

/// Every part a figure can show, with the view it belongs to (`settings` is the controls
/// column of each training view).
pub const PANELS: &[(&str, &str)] = &[
    ("graph", "graph"),
    ("nodes", "graph"),
    ("gradcheck", "graph"),
    ("editor", "graph"),
    ("exercise", "graph"),
    ("network", "train"),
    ("boundary", "train"),
    ("loss", "train"),
    ("layers", "train"),
    ("settings", "train"),
    ("settings", "lr"),
    ("sweep", "lr"),
    ("curves", "lr"),
    ("heatmap", "lr"),
    ("range", "lr"),
    ("schedule", "lr"),
    ("settings", "step"),
    ("contour", "step"),
    ("race", "step"),
    ("profile", "step"),
];

/// The single controls `hide=` can hide, by name (the URL key a control sets, or the
/// button's name), with the ids of their elements in the skeleton (a label goes with its
/// control).
pub const CONTROLS: &[(&str, &[&str])] = &[
    // the graph view
    ("preset", &["preset"]),
    ("expr", &["source", "syntax-help"]),
    ("sigmoid", &["expand-sigmoid"]),
    ("forward", &["btn-forward"]),
    ("backward", &["btn-backward"]),
    ("step", &["btn-step", "t-step"]),
    ("reset", &["btn-reset", "t-reset"]),
    ("zoom", &["zoom"]),
    // the training view
    ("play", &["t-play"]),
    ("data", &["t-data"]),
    ("noise", &["t-noise"]),
    ("train", &["t-train"]),
    ("features", &["t-features-label", "t-features"]),
    ("hidden", &["t-hidden-label", "t-hidden"]),
    ("act", &["t-act"]),
    ("loss", &["t-loss"]),
    ("opt", &["t-opt"]),
    ("beta", &["t-beta-row"]),
    ("lr", &["t-lr", "t-lr-slider"]),
    ("sched", &["t-sched", "t-sched-plot"]),
    ("batch", &["t-batch"]),
    ("seed", &["t-seed"]),
    ("speed", &["t-speed"]),
    ("grads", &["t-grads"]),
    ("logy", &["t-logy"]),
    ("lecture", &["t-lecture"]),
    // the learning-rate view
    ("lo", &["lr-lo"]),
    ("hi", &["lr-hi"]),
    ("rates", &["lr-rates"]),
    ("steps", &["lr-steps"]),
    ("run", &["lr-run"]),
    ("rangetest", &["lr-range"]),
    ("compare", &["lr-compare"]),
    ("cancel", &["lr-cancel"]),
    // the step-size view
    ("problem", &["s-problem"]),
    ("eta", &["s-eta"]),
    ("mom", &["s-mom"]),
    ("cond", &["s-cond-row"]),
    // every view
    (
        "export",
        &[
            "graph-export",
            "t-network-export",
            "t-loss-export",
            "t-boundary-export",
            "lr-plot-export",
            "lr-curves-export",
            "lr-heat-export",
            "lr-range-plot-export",
            "lr-compare-plot-export",
            "s-contour-export",
            "s-profile-export",
            "t-data-csv",
        ],
    ),
    ("import", &["t-import"]),
    ("share", &["btn-share"]),
    ("savelab", &["btn-save-lab"]),
    ("openlab", &["btn-open-lab"]),
    ("open", &["open-lab"]),
];

/// What `lock=1` keeps the reader from changing: the network and the data (the expression
/// is the graph view's network). Playing, stepping, the rate and the graph's input values stay.
pub const LOCKED: &[&str] =
    &["preset", "expr", "sigmoid", "data", "noise", "train", "features", "hidden", "act", "loss", "import", "openlab"];

/// Most steps `pretrain=` trains before the first draw.
pub const MAX_PRETRAIN: u32 = 20_000;

/// The colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// Follows the reader's `prefers-color-scheme`.
    Auto,
}

pub const THEMES: [(Theme, &str); 3] = [(Theme::Light, "light"), (Theme::Dark, "dark"), (Theme::Auto, "auto")];

impl Theme {
    /// Its name in the URL (and the figure's `data-theme`).
    pub fn name(self) -> &'static str {
        THEMES.iter().find(|t| t.0 == self).map_or("light", |t| t.1)
    }
}

/// What starts on load in the learning-rate view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    No,
    /// The sweep (`run=1` or `run=sweep`).
    Sweep,
    /// The range test (`run=range`).
    Range,
    /// The schedule against a constant rate (`run=compare`).
    Compare,
}

pub const RUNS: [(Run, &str); 3] = [(Run::Sweep, "sweep"), (Run::Range, "range"), (Run::Compare, "compare")];

/// The embedding settings of a figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed {
    /// The parts to show (names from [`PANELS`]); empty: everything.
    pub panels: Vec<&'static str>,
    /// The controls hidden (names from [`CONTROLS`]).
    pub hide: Vec<&'static str>,
    pub lock: bool,
    pub autoplay: bool,
    pub pretrain: u32,
    pub run: Run,
    pub theme: Theme,
    pub transparent: bool,
    /// Font scale, 0.5–2.
    pub font: f64,
}

impl Default for Embed {
    fn default() -> Self {
        Embed {
            panels: vec![],
            hide: vec![],
            lock: false,
            autoplay: false,
            pretrain: 0,
            run: Run::No,
            theme: Theme::Light,
            transparent: false,
            font: 1.0,
        }
    }
}

/// The keys this module reads.
pub const EMBED_KEYS: &[&str] = &["panels", "hide", "lock", "autoplay", "pretrain", "run", "theme", "bg", "font"];

/// Names from `table` in a comma-separated list (spaces allowed), without repeats; the unknown
/// ones come back apart.
fn names(list: &str, table: impl Iterator<Item = &'static str> + Clone) -> (Vec<&'static str>, Vec<String>) {
    let mut known: Vec<&'static str> = vec![];
    let mut unknown = vec![];
    for item in list.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
        match table.clone().find(|n| *n == item) {
            Some(n) if !known.contains(&n) => known.push(n),
            Some(_) => {}
            None => unknown.push(item.to_string()),
        }
    }
    (known, unknown)
}

/// The distinct names of a table, in order.
fn distinct(all: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = vec![];
    for n in all {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn flag(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "yes" | "" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

impl Embed {
    /// Reads one key; false when the key is not one of [`EMBED_KEYS`]. A bad value gives a
    /// message naming what is allowed, and keeps what was there (a list keeps its good names).
    pub fn read(&mut self, key: &str, v: &str, messages: &mut Vec<String>) -> bool {
        let mut bad = |what: String| messages.push(format!("{}: {what}.", super::state::echo(&format!("{key}={v}"))));
        match key {
            "panels" => {
                let all = distinct(PANELS.iter().map(|p| p.0));
                let (known, unknown) = names(v, all.iter().copied());
                if !unknown.is_empty() {
                    bad(format!("there is no part called {}; the parts are {}", quoted(&unknown), all.join(", ")));
                }
                self.panels = known;
            }
            "hide" => {
                let all = distinct(CONTROLS.iter().map(|c| c.0));
                let (known, unknown) = names(v, all.iter().copied());
                if !unknown.is_empty() {
                    bad(format!(
                        "there is no control called {}; the controls are {}",
                        quoted(&unknown),
                        all.join(", ")
                    ));
                }
                self.hide = known;
            }
            "lock" | "autoplay" => match flag(v) {
                Some(b) if key == "lock" => self.lock = b,
                Some(b) => self.autoplay = b,
                None => bad("it is 1 (on) or 0 (off)".into()),
            },
            "pretrain" => match v.parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 && n <= f64::from(MAX_PRETRAIN) && n.fract() == 0.0 => {
                    self.pretrain = n as u32
                }
                _ => bad(format!("it is a whole number of steps from 0 to {MAX_PRETRAIN}")),
            },
            "run" => match (flag(v), RUNS.iter().find(|r| r.1 == v)) {
                (_, Some(r)) => self.run = r.0,
                (Some(true), _) => self.run = Run::Sweep,
                (Some(false), _) => self.run = Run::No,
                _ => bad("it is 1 (the sweep), sweep, range, compare or 0".into()),
            },
            "theme" => match THEMES.iter().find(|t| t.1 == v) {
                Some(t) => self.theme = t.0,
                None => bad("the themes are light, dark and auto (the reader's setting)".into()),
            },
            "bg" => match v {
                "transparent" => self.transparent = true,
                "default" | "" => self.transparent = false,
                _ => bad("the background is transparent or default".into()),
            },
            "font" => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && (0.5..=2.0).contains(&x) => self.font = x,
                _ => bad("the font scale is a number from 0.5 to 2 (1 is the usual size)".into()),
            },
            _ => return false,
        }
        true
    }

    /// The query pairs of the settings that differ from the default.
    pub fn write(&self, q: &mut Vec<(String, String)>) {
        let d = Embed::default();
        let mut put = |k: &str, v: String, same: bool| super::lab_state::put_unless(q, k, v, same);
        put("panels", self.panels.join(","), self.panels == d.panels);
        put("hide", self.hide.join(","), self.hide == d.hide);
        put("lock", "1".into(), !self.lock);
        put("autoplay", "1".into(), !self.autoplay);
        put("pretrain", self.pretrain.to_string(), self.pretrain == 0);
        let run = RUNS.iter().find(|r| r.0 == self.run).map_or("0", |r| r.1);
        put("run", run.into(), self.run == Run::No);
        put("theme", self.theme.name().into(), self.theme == d.theme);
        put("bg", "transparent".into(), !self.transparent);
        put("font", super::lab_state::short_number(self.font), self.font == d.font);
    }

    /// Whether the part `name` of `view` shows: every part when `panels=` names none of this
    /// view's parts (a figure that switches views keeps the views it says nothing about
    /// whole), else only the named ones.
    pub fn shows(&self, view: &str, name: &str) -> bool {
        let of_view = |n: &&str| PANELS.iter().any(|p| p.0 == *n && p.1 == view);
        !self.panels.iter().any(of_view) || self.panels.contains(&name)
    }

    /// Whether the control `name` is hidden.
    pub fn hides(&self, name: &str) -> bool {
        self.hide.contains(&name)
    }

    /// Whether the control `name` is locked (shown, but the reader cannot change it).
    pub fn locks(&self, name: &str) -> bool {
        self.lock && LOCKED.contains(&name)
    }

    /// The message when a locked setting is asked to change.
    pub fn locked_message(key: &str) -> String {
        format!(
            "This figure is locked (lock=1): “{key}” changes the network or the data, which stay as the \
             author set them. Play, Step, Reset, the rate and the inputs' values still work."
        )
    }
}

/// The unknown names, each echoed; three at most, then how many more (a list of thousands
/// must not make a sentence of thousands).
fn quoted(items: &[String]) -> String {
    let shown: Vec<String> = items.iter().take(3).map(|s| super::state::echo(s)).collect();
    match items.len() {
        0..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(pairs: &[(&str, &str)]) -> (Embed, Vec<String>) {
        let mut e = Embed::default();
        let mut m = vec![];
        for (k, v) in pairs {
            assert!(e.read(k, v, &mut m), "{k} is an embed key");
        }
        (e, m)
    }

    #[test]
    fn every_setting_round_trips() {
        let (e, m) = read(&[
            ("panels", "boundary,loss"),
            ("hide", "data, speed"),
            ("lock", "1"),
            ("autoplay", "1"),
            ("pretrain", "500"),
            ("run", "range"),
            ("theme", "dark"),
            ("bg", "transparent"),
            ("font", "1.25"),
        ]);
        assert!(m.is_empty(), "{m:?}");
        let mut q = vec![];
        e.write(&mut q);
        let back: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(read(&back).0, e);
        assert_eq!(back[0], ("panels", "boundary,loss"));
        assert_eq!(back[1], ("hide", "data,speed"));
        let mut none = vec![];
        Embed::default().write(&mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn bad_values_name_what_is_allowed_and_keep_the_good() {
        let (e, m) = read(&[("panels", "graph,wires,nodes"), ("hide", "nothing"), ("theme", "blue")]);
        assert_eq!(e.panels, ["graph", "nodes"]);
        assert!(e.hide.is_empty());
        assert_eq!(e.theme, Theme::Light);
        assert_eq!(m.len(), 3);
        assert!(m[0].contains("“wires”") && m[0].contains("gradcheck") && m[0].contains("profile"), "{}", m[0]);
        assert!(m[1].contains("nothing") && m[1].contains("speed"), "{}", m[1]);
        assert!(m[2].contains("light, dark and auto"), "{}", m[2]);
        for (k, v, want) in [
            ("pretrain", "-1", "0 to 20000"),
            ("pretrain", "1e9", "0 to 20000"),
            ("pretrain", "2.5", "whole number"),
            ("font", "9", "0.5 to 2"),
            ("lock", "maybe", "1 (on)"),
            ("run", "fast", "range"),
            ("bg", "red", "transparent"),
        ] {
            let (e, m) = read(&[(k, v)]);
            assert_eq!(e, Embed::default(), "{k}={v}");
            assert!(m.len() == 1 && m[0].contains(want), "{k}={v}: {m:?}");
        }
        assert!(!Embed::default().read("controls", "x", &mut vec![]));
    }

    #[test]
    fn panels_of_other_views_leave_a_view_whole() {
        let (e, _) = read(&[("panels", "graph,boundary,loss")]);
        assert!(e.shows("graph", "graph") && !e.shows("graph", "nodes") && !e.shows("graph", "editor"));
        assert!(e.shows("train", "boundary") && e.shows("train", "loss") && !e.shows("train", "network"));
        assert!(!e.shows("train", "settings"));
        // nothing of the lr view named: all of it
        assert!(e.shows("lr", "sweep") && e.shows("lr", "settings"));
        assert!(Embed::default().shows("step", "contour"));
    }

    #[test]
    fn lock_keeps_the_network_and_data_only() {
        let (e, _) = read(&[("lock", "1")]);
        assert!(e.locks("hidden") && e.locks("data") && e.locks("expr"));
        assert!(!e.locks("lr") && !e.locks("play") && !e.locks("speed"));
        assert!(!Embed::default().locks("hidden"));
        assert!(LOCKED.iter().all(|n| CONTROLS.iter().any(|c| c.0 == *n)), "every locked name is a control");
        assert!(Embed::locked_message("hidden").contains("“hidden”"));
    }

    proptest! {
        /// Whatever the value, reading never panics, and what is read writes back and reads
        /// again to the same settings.
        #[test]
        fn any_value_reads_and_round_trips(key in prop::sample::select(EMBED_KEYS.to_vec()), v in ".{0,40}") {
            let mut e = Embed::default();
            let mut m = vec![];
            prop_assert!(e.read(key, &v, &mut m));
            let mut q = vec![];
            e.write(&mut q);
            let mut again = Embed::default();
            for (k, v) in &q {
                again.read(k, v, &mut m);
            }
            prop_assert_eq!(again, e);
        }
    }
}
