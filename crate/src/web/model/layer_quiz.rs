//! Predict, then check in the layer view (`quiz=1`): entries of dinputs, dweights and dbiases
//! are hidden, and the student works each out from the matrices shown (X, W, dvalues, dz);
//! the page checks it within the quiz's tolerance ([`super::quiz::close_enough`]) and explains
//! it as the sum it is, with the numbers in. `ask=` may name the entries by key
//! (`dweights-1-0-2` is layer 1's dweights[0][2], `dbiases-2-1` layer 2's dbiases[0][1]); else
//! each layer asks its dinputs[0][0], dweights[0][0] and dbiases[0][0]. Pure: the shell keeps
//! the layers shown and a [`Quiz`] for them.

use super::plot_math::{factor, sig};
use super::quiz::Quiz;
use crate::tensor::{Activation, LayerSnapshot, Matrix};

/// The three gradients a layer's backward pass computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Dinputs,
    Dweights,
    Dbiases,
}

impl Which {
    pub const ALL: [Which; 3] = [Which::Dinputs, Which::Dweights, Which::Dbiases];

    pub fn word(self) -> &'static str {
        match self {
            Which::Dinputs => "dinputs",
            Which::Dweights => "dweights",
            Which::Dbiases => "dbiases",
        }
    }

    /// The layer's matrix of this gradient.
    pub fn of(self, layer: &LayerSnapshot) -> &Matrix {
        match self {
            Which::Dinputs => &layer.dinputs,
            Which::Dweights => &layer.dweights,
            Which::Dbiases => &layer.dbiases,
        }
    }
}

/// Products listed one by one in an explanation; a longer sum gives its first ones and its
/// count.
pub const MAX_TERMS: usize = 12;

/// One entry asked: layer `layer` (from 0), matrix `which`, row `r`, column `c`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerAsk {
    pub layer: usize,
    pub which: Which,
    pub r: usize,
    pub c: usize,
}

impl LayerAsk {
    /// Its key in `ask=` and on the page (`data-cell`): `dweights-1-0-2`, `dbiases-1-2`.
    pub fn key(&self) -> String {
        match self.which {
            Which::Dbiases => format!("dbiases-{}-{}", self.layer + 1, self.c),
            w => format!("{}-{}-{}-{}", w.word(), self.layer + 1, self.r, self.c),
        }
    }

    /// Reads a key; `None` for anything else (a node's name).
    pub fn parse(key: &str) -> Option<LayerAsk> {
        let mut parts = key.trim().split('-');
        let word = parts.next()?;
        let which = Which::ALL.into_iter().find(|w| w.word() == word)?;
        let nums: Vec<usize> = parts.map(|p| p.parse::<usize>().ok()).collect::<Option<_>>()?;
        let (layer, r, c) = match (which, nums.as_slice()) {
            (Which::Dbiases, [l, c]) | (Which::Dbiases, [l, 0, c]) => (*l, 0, *c),
            (Which::Dinputs | Which::Dweights, [l, r, c]) => (*l, *r, *c),
            _ => return None,
        };
        (layer >= 1).then(|| LayerAsk { layer: layer - 1, which, r, c })
    }

    /// Its name in the layer's terms: "dweights[0][2]".
    pub fn name(&self) -> String {
        format!("{}[{}][{}]", self.which.word(), self.r, self.c)
    }

    /// The right value, in the layers shown; `None` when the entry is not there.
    pub fn truth(&self, layers: &[LayerSnapshot]) -> Option<f64> {
        self.which.of(layers.get(self.layer)?).get(self.r, self.c)
    }

    /// The entry as the sum it is, with the numbers in: "dweights[0][2] = Σᵣ X[r][0]·dz[r][2] =
    /// 1 × 0.5 + 2 × (−0.25) = 0".
    pub fn explain(&self, layers: &[LayerSnapshot]) -> Option<String> {
        let layer = layers.get(self.layer)?;
        let truth = self.truth(layers)?;
        let g = gradient_name(layer);
        let gm = if layer.activation == Activation::Linear { &layer.dvalues } else { &layer.dz };
        let (formula, terms): (String, Vec<(f64, f64)>) = match self.which {
            Which::Dinputs => (
                format!("Σⱼ {g}[{}][j]·W[{}][j]", self.r, self.c),
                (0..layer.n_neurons)
                    .map(|j| (gm.get(self.r, j).unwrap_or(f64::NAN), layer.weights.get(self.c, j).unwrap_or(f64::NAN)))
                    .collect(),
            ),
            Which::Dweights => (
                format!("Σᵣ X[r][{}]·{g}[r][{}]", self.r, self.c),
                (0..layer.inputs.rows())
                    .map(|r| (layer.inputs.get(r, self.r).unwrap_or(f64::NAN), gm.get(r, self.c).unwrap_or(f64::NAN)))
                    .collect(),
            ),
            Which::Dbiases => (
                format!("Σᵣ {g}[r][{}]", self.c),
                (0..gm.rows()).map(|r| (gm.get(r, self.c).unwrap_or(f64::NAN), 1.0)).collect(),
            ),
        };
        let show = |&(a, b): &(f64, f64)| {
            if self.which == Which::Dbiases {
                factor(a)
            } else {
                format!("{} × {}", factor(a), factor(b))
            }
        };
        let listed: Vec<String> = terms.iter().take(MAX_TERMS).map(show).collect();
        let sum = if terms.len() > MAX_TERMS {
            format!("{} + … ({} terms in all)", listed.join(" + "), terms.len())
        } else {
            listed.join(" + ")
        };
        Some(format!("{} = {formula} = {sum} = {}", self.name(), sig(truth, 6)))
    }
}

/// The gradient a layer's products use: dz behind an activation, dvalues for a linear layer.
fn gradient_name(layer: &LayerSnapshot) -> &'static str {
    if layer.activation == Activation::Linear {
        "dvalues"
    } else {
        "dz"
    }
}

/// The entries asked of these layers: those `ask` names by key that exist, or when it names
/// none, dinputs[0][0], dweights[0][0] and dbiases[0][0] of every layer.
pub fn asks(layers: &[LayerSnapshot], ask: &[String]) -> Vec<LayerAsk> {
    let named: Vec<LayerAsk> = ask.iter().filter_map(|k| LayerAsk::parse(k)).collect();
    if !named.is_empty() {
        return named.into_iter().filter(|a| a.truth(layers).is_some()).collect();
    }
    (0..layers.len())
        .flat_map(|layer| Which::ALL.into_iter().map(move |which| LayerAsk { layer, which, r: 0, c: 0 }))
        .filter(|a| a.truth(layers).is_some())
        .collect()
}

/// What the page says after an answer: right or not, what was typed, and the sum.
pub fn feedback(a: &LayerAsk, layers: &[LayerSnapshot], right: bool, typed: f64) -> String {
    let verdict = if right { "Right" } else { "Not quite" };
    let why = a.explain(layers).unwrap_or_default();
    format!("{verdict}: you said {} for layer {}'s {}; {why}.", sig(typed, 10), a.layer + 1, a.name())
}

/// The entries of layer `l`'s matrix `which` asked and not yet answered.
pub fn open<'a>(asks: &'a [LayerAsk], quiz: &'a Quiz, l: usize, which: Which) -> impl Iterator<Item = &'a LayerAsk> {
    asks.iter().filter(move |a| a.layer == l && a.which == which && quiz.cell(&a.key()).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{Trainer, TrainerConfig};
    use crate::web::model::lab_view::lecture_layer;
    use proptest::prelude::*;

    #[test]
    fn keys_round_trip_and_anything_else_is_a_node_name() {
        for a in [
            LayerAsk { layer: 0, which: Which::Dweights, r: 0, c: 2 },
            LayerAsk { layer: 1, which: Which::Dinputs, r: 3, c: 1 },
            LayerAsk { layer: 2, which: Which::Dbiases, r: 0, c: 4 },
        ] {
            assert_eq!(LayerAsk::parse(&a.key()), Some(a.clone()), "{}", a.key());
        }
        assert_eq!(LayerAsk { layer: 0, which: Which::Dweights, r: 0, c: 2 }.key(), "dweights-1-0-2");
        assert_eq!(LayerAsk::parse("dbiases-1-0-2").map(|a| a.c), Some(2), "dbiases' row may be given as 0");
        for no in ["q", "dweights", "dweights-0-0-0", "dweights-1-0", "dbiases-1-1-1", "dz-1-0-0", "dweights-1-a-0"] {
            assert_eq!(LayerAsk::parse(no), None, "{no}");
        }
    }

    #[test]
    fn the_lecture_example_asks_its_printed_numbers() {
        let layers = vec![lecture_layer().unwrap()];
        let all = asks(&layers, &[]);
        assert_eq!(
            all.iter().map(LayerAsk::key).collect::<Vec<_>>(),
            ["dinputs-1-0-0", "dweights-1-0-0", "dbiases-1-0"]
        );
        let t: Vec<f64> = all.iter().map(|a| a.truth(&layers).unwrap()).collect();
        // the notes: dinputs row 1 starts 0.44, dbiases are 10; dweights[0][0] = Σ X[r][0]·r
        assert!((t[0] - 0.44).abs() < 1e-9 && (t[2] - 10.0).abs() < 1e-9, "{t:?}");
        assert!((t[1] - (1.0 + 4.0 - 4.5 - 9.6)).abs() < 1e-9, "{t:?}");
        assert_eq!(
            all[0].explain(&layers).unwrap(),
            "dinputs[0][0] = Σⱼ dvalues[0][j]·W[0][j] = 1 × 0.2 + 1 × 0.5 + 1 × (−0.26) = 0.44"
        );
        assert_eq!(all[2].explain(&layers).unwrap(), "dbiases[0][0] = Σᵣ dvalues[r][0] = 1 + 2 + 3 + 4 = 10");
        // ask= names entries; ones that are not there are dropped
        let named =
            asks(&layers, &["q".into(), "dweights-1-3-2".into(), "dweights-2-0-0".into(), "dinputs-1-9-0".into()]);
        assert_eq!(named.iter().map(LayerAsk::key).collect::<Vec<_>>(), ["dweights-1-3-2"]);
        let mut quiz = Quiz::default();
        assert_eq!(open(&all, &quiz, 0, Which::Dbiases).count(), 1);
        let a = quiz.answer_cell(&all[2].key(), 10.0, t[2]);
        assert!(a.right);
        assert_eq!(open(&all, &quiz, 0, Which::Dbiases).count(), 0);
        assert_eq!(
            feedback(&all[1], &layers, false, 3.0),
            "Not quite: you said 3 for layer 1's dweights[0][0]; dweights[0][0] = Σᵣ X[r][0]·dvalues[r][0] = \
             1 × 1 + 2 × 2 + (−1.5) × 3 + (−2.4) × 4 = −9.1."
        );
    }

    #[test]
    fn the_layer_view_boxes_the_asked_gradients_and_marks_the_answers() {
        use crate::web::model::lab_view::{layer_maps, network_svg};
        let layers = vec![lecture_layer().unwrap()];
        let all = asks(&layers, &[]);
        let mut quiz = Quiz::default();
        let tree = layer_maps(&layers, Some((&all, &quiz)), &[]);
        let boxes: Vec<String> = tree
            .walk()
            .into_iter()
            .filter(|e| e.tag == "input")
            .map(|e| e.get("data-cell").unwrap().to_string())
            .collect();
        assert_eq!(boxes, ["dinputs-1-0-0", "dweights-1-0-0", "dbiases-1-0"]);
        let text = tree.text_content();
        assert!(!text.contains("10.00"), "dbiases (10, 10, 10) are not shown before they are answered: {text}");
        assert!(tree.walk().iter().all(|e| e.tag != "details"), "the Jacobian (which shows dinputs) waits");
        let dinputs_value = |t: &crate::web::model::view::El| {
            t.walk().into_iter().any(|e| e.get("title").is_some_and(|s| s.starts_with("dinputs = dvalues·Wᵀ[0][0]")))
        };
        assert!(!dinputs_value(&tree));
        quiz.answer_cell("dbiases-1-0", 10.0, 10.0);
        quiz.answer_cell("dinputs-1-0-0", 1.0, 0.44);
        let tree = layer_maps(&layers, Some((&all, &quiz)), &[]);
        let marked: Vec<(String, String)> = tree
            .walk()
            .into_iter()
            .filter(|e| e.tag == "td" && e.get("data-answer").is_some())
            .map(|e| (e.get("data-cell").unwrap().to_string(), e.get("data-answer").unwrap().to_string()))
            .collect();
        assert_eq!(marked, [("dinputs-1-0-0".into(), "wrong".into()), ("dbiases-1-0".into(), "right".into())]);
        assert!(dinputs_value(&tree) && tree.walk().iter().any(|e| e.tag == "details"), "answered, dinputs shows");
        assert_eq!(tree.walk().into_iter().filter(|e| e.tag == "input").count(), 1, "dweights is still asked");
        // without a quiz, no boxes; the network's tooltips keep the gradients in a quiz
        assert!(layer_maps(&layers, None, &[]).walk().iter().all(|e| e.tag != "input"));
        let net = |quiz| {
            let extras = crate::web::model::lab_view::NetExtras { quiz, states: &[] };
            network_svg(&layers, &["a".into(), "b".into(), "c".into(), "d".into()], false, &[], extras).text_content()
        };
        assert!(net(false).contains("∂L/∂w = Σ over the batch") && !net(true).contains("∂L/∂w = Σ over the batch"));
    }

    /// The numbers of a sentence, in order.
    fn numbers(s: &str) -> Vec<f64> {
        s.replace(['(', ')'], "")
            .replace('−', "-")
            .split([' ', ';'])
            .filter_map(|w| w.trim_end_matches('.').parse::<f64>().ok())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]
        /// On trained networks of random shapes, activations and batches, every entry's
        /// explanation sums (its products, or its terms for dbiases) to the value it ends with,
        /// which is the entry the layer computed; the truth is right and past the tolerance wrong.
        #[test]
        fn every_entrys_sum_adds_up_to_the_layers_value(
            hidden in prop::collection::vec(1usize..6, 1..3),
            act in 0usize..4,
            batch in 1usize..16,
            seed in 0u64..1000,
        ) {
            let activation = [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Linear][act];
            let mut t = Trainer::new(TrainerConfig { hidden, activation, seed, batch_size: batch, ..TrainerConfig::default() }).unwrap();
            t.train(3);
            let layers = t.batch_layers();
            for (l, layer) in layers.iter().enumerate() {
                for which in Which::ALL {
                    let m = which.of(layer);
                    for r in 0..m.rows() {
                        for c in 0..m.cols() {
                            let a = LayerAsk { layer: l, which, r, c };
                            prop_assert_eq!(LayerAsk::parse(&a.key()), Some(a.clone()));
                            let text = a.explain(&layers).unwrap();
                            let truth = a.truth(&layers).unwrap();
                            let nums = numbers(text.rsplit_once(" = ").unwrap().0.rsplit_once(" = ").unwrap().1);
                            let stated = numbers(text.rsplit(" = ").next().unwrap())[0];
                            let n = if which == Which::Dinputs { layer.n_neurons } else { layer.inputs.rows() };
                            let per = if which == Which::Dbiases { 1 } else { 2 };
                            if n > MAX_TERMS {
                                prop_assert!(text.contains(&format!("({n} terms in all)")), "{}", text);
                                prop_assert_eq!(nums.len(), MAX_TERMS * per + 1, "{}", text);
                            } else {
                                prop_assert_eq!(nums.len(), n * per, "{}", text);
                                let sum: f64 = if per == 1 { nums.iter().sum() } else { nums.chunks(2).map(|p| p[0] * p[1]).sum() };
                                let tol = 1e-3 * (1.0 + nums.iter().map(|v| v.abs()).sum::<f64>());
                                prop_assert!((sum - truth).abs() <= tol, "{}: {} vs {}", text, sum, truth);
                            }
                            prop_assert!((stated - truth).abs() <= 1e-5 * (1.0 + truth.abs()), "{}", text);
                            let mut q = Quiz::default();
                            prop_assert!(q.answer_cell(&a.key(), truth, truth).right);
                            prop_assert!(!q.answer_cell(&a.key(), truth + 0.02 + 0.02 * truth.abs(), truth).right);
                        }
                    }
                }
            }
        }
    }
}
