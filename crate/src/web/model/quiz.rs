//! Predict, then check (`quiz=1`): stepping backward, the student types the gradient of the
//! node the next step reaches before it is shown; the page checks it within a stated
//! tolerance, marks it right or wrong, and explains the right one as upstream × local, summed
//! over the node's consumers. `ask=` names the nodes asked (else every node that gets a
//! gradient). Pure: the shell keeps a [`Quiz`] per graph and draws what these say.

use crate::graph::{Graph, NodeId, Op, Trace};
use crate::web::model::plot_math::{factor, sig};

/// An answer is right within this fraction of the gradient…
pub const TOLERANCE_REL: f64 = 0.01;
/// …or within this much of it, whichever is larger (so a gradient of 0 can be typed as 0.001).
pub const TOLERANCE_ABS: f64 = 0.01;

/// What the tolerance is, in words (under the text box).
pub const TOLERANCE_TEXT: &str = "Right within 1% (or 0.01 of a gradient near 0).";

/// One answer given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    pub node: NodeId,
    pub typed: f64,
    pub truth: f64,
    pub right: bool,
}

/// One answer given in a table beside the graph (an exercise's cell, a layer's entry), by the
/// cell's key.
#[derive(Clone, Debug, PartialEq)]
pub struct CellAnswer {
    pub key: String,
    pub typed: f64,
    pub truth: f64,
    pub right: bool,
}

/// The answers given on one graph (a new graph or Reset starts again).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quiz {
    pub answers: Vec<Answer>,
    pub cells: Vec<CellAnswer>,
}

impl Quiz {
    /// (right, asked): the graph's nodes and the tables' cells together.
    pub fn score(&self) -> (usize, usize) {
        let right = self.answers.iter().filter(|a| a.right).count() + self.cells.iter().filter(|a| a.right).count();
        (right, self.answers.len() + self.cells.len())
    }

    pub fn cell(&self, key: &str) -> Option<&CellAnswer> {
        self.cells.iter().find(|a| a.key == key)
    }

    /// Records `typed` as the answer of the cell `key` whose right value is `truth`.
    pub fn answer_cell(&mut self, key: &str, typed: f64, truth: f64) -> CellAnswer {
        let a = CellAnswer { key: key.to_string(), typed, truth, right: close_enough(typed, truth) };
        self.cells.retain(|b| b.key != key);
        self.cells.push(a.clone());
        a
    }

    pub fn answer_of(&self, node: NodeId) -> Option<&Answer> {
        self.answers.iter().find(|a| a.node == node)
    }

    /// Records the answer `typed` to the question of `step` (the step's node), and returns it.
    pub fn answer(&mut self, trace: &Trace, step: usize, typed: f64) -> Option<Answer> {
        let s = trace.steps.get(step)?;
        let a = Answer { node: s.node, typed, truth: s.upstream, right: close_enough(typed, s.upstream) };
        self.answers.retain(|b| b.node != s.node);
        self.answers.push(a);
        Some(a)
    }
}

/// Whether `typed` is within the tolerance of `truth`.
pub fn close_enough(typed: f64, truth: f64) -> bool {
    typed.is_finite() && truth.is_finite() && (typed - truth).abs() <= TOLERANCE_ABS.max(TOLERANCE_REL * truth.abs())
}

/// A typed answer as a number: digits with `-` or `−`, a decimal point or comma, an exponent,
/// or a fraction `a/b`; else why not.
pub fn parse_answer(text: &str) -> Result<f64, String> {
    let t = text.trim().replace(['−', '–'], "-").replace(',', ".").replace(' ', "");
    let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    let value = match t.split_once('/') {
        Some((a, b)) => number(a).zip(number(b)).filter(|(_, b)| *b != 0.0).map(|(a, b)| a / b),
        None => number(&t),
    };
    value.ok_or_else(|| {
        if t.is_empty() {
            "Type the gradient first: a number such as -4, 0.25 or 1/3.".to_string()
        } else {
            format!(
                "{} is not a number: type one such as -4, 0.25 or 1/3.",
                crate::web::model::state::echo(text.trim())
            )
        }
    })
}

/// Whether `node` is asked: every node that gets a gradient (not constants) when `ask` is
/// empty, else the nodes it names.
pub fn asks(graph: &Graph, ask: &[String], node: NodeId) -> bool {
    let Some(n) = graph.node(node) else { return false };
    n.op != Op::Const && (ask.is_empty() || ask.iter().any(|a| *a == graph.label(node)))
}

/// The question waiting after `done` steps: the index of the next step, when its node is asked
/// and not answered yet.
pub fn question(graph: &Graph, trace: &Trace, done: usize, ask: &[String], quiz: &Quiz) -> Option<usize> {
    let s = trace.steps.get(done)?;
    (asks(graph, ask, s.node) && quiz.answer_of(s.node).is_none()).then_some(done)
}

/// The question in words: "∂f/∂q = ?".
pub fn question_text(graph: &Graph, trace: &Trace, step: usize) -> String {
    let out = graph.output().map(|o| graph.label(o)).unwrap_or_default();
    match trace.steps.get(step) {
        Some(s) => format!("∂{out}/∂{} =", graph.label(s.node)),
        None => String::new(),
    }
}

/// The right answer of `step` as upstream × local: the output's is the seed 1; any other
/// node's is the sum, over its consumers, of the consumer's gradient times the consumer's local
/// gradient with respect to it. "∂f/∂q = ∂f/∂f × ∂f/∂q (local) = 1 × −4 = −4".
pub fn explain(graph: &Graph, trace: &Trace, step: usize) -> String {
    let Some(s) = trace.steps.get(step) else { return String::new() };
    let out = graph.output().map(|o| graph.label(o)).unwrap_or_default();
    let name = graph.label(s.node);
    if s.contributions.is_empty() {
        return format!(
            "∂{out}/∂{name} = 1: the output's gradient with respect to itself, the seed of the backward pass."
        );
    }
    let mut symbols = vec![];
    let mut numbers = vec![];
    for &(consumer, _) in &s.contributions {
        let Some(c) = trace.steps.iter().find(|t| t.node == consumer) else { continue };
        let local: f64 = c.sends.iter().filter(|x| x.to == s.node).map(|x| x.local).sum();
        let cname = graph.label(consumer);
        symbols.push(format!("∂{out}/∂{cname} × ∂{cname}/∂{name}"));
        numbers.push(format!("{} × {}", factor(c.upstream), factor(local)));
    }
    format!("∂{out}/∂{name} = {} = {} = {}", symbols.join(" + "), numbers.join(" + "), sig(s.upstream, 6))
}

/// What the page says after an answer: right or not, what was typed, and the explanation.
pub fn feedback(graph: &Graph, trace: &Trace, step: usize, a: &Answer) -> String {
    let verdict = if a.right { "Right" } else { "Not quite" };
    format!("{verdict}: you said {}; {}.", sig(a.typed, 10), explain(graph, trace, step))
}

/// The words under the graph in a quiz, after `done` steps: what to do next.
pub fn step_text(graph: &Graph, trace: &Trace, done: usize, ask: &[String], quiz: &Quiz) -> String {
    let total = trace.steps.len();
    let (right, asked) = quiz.score();
    if total == 0 {
        return "Nothing to differentiate: the graph has no backward pass.".into();
    }
    if done >= total {
        return format!("The backward pass is done: {right} of {asked} right. Reset to try again.");
    }
    let out = graph.output().map(|o| graph.label(o)).unwrap_or_default();
    match question(graph, trace, done, ask, quiz) {
        Some(k) => format!(
            "Predict, then check: step {} of {total} reaches {}. What is ∂{out}/∂{}? Type it and press Check \
             (or Step to see it without answering).",
            k + 1,
            graph.label(trace.steps[k].node),
            graph.label(trace.steps[k].node)
        ),
        None => {
            let node = trace.steps[done].node;
            let why = if quiz.answer_of(node).is_some() { "you have answered it" } else { "which is not asked" };
            format!("Step {} of {total} reaches {}, {why}: press Step.", done + 1, graph.label(node))
        }
    }
}

/// Marks the quiz on a drawn graph ([`super::view::graph_svg`]): each answered node gets
/// `data-answer="right|wrong"` (and that class), the node asked now `data-asked="true"` and
/// the class `asked`.
pub fn mark(svg: &mut super::view::El, graph: &Graph, quiz: &Quiz, asked: Option<NodeId>) {
    use super::view::{for_each_node, grad_label_at, text, Child};
    for_each_node(svg, graph, |id, node| {
        let mut extra = String::new();
        if let Some(a) = quiz.answer_of(id) {
            let word = if a.right { "right" } else { "wrong" };
            node.attrs.push(("data-answer", word.into()));
            extra.push(' ');
            extra.push_str(word);
            // ✓ or ✗ after the gradient's label
            if let Some((x, y)) = grad_label_at(node) {
                let cls = if a.right { "mark right" } else { "mark wrong" };
                let sign = if a.right { "✓" } else { "✗" };
                let label = if a.right { "answered right" } else { "answered wrong" };
                node.children.push(Child::El(text(x + 34.0, y, cls, sign).attr_s("aria-label", label)));
            }
        }
        if Some(id) == asked {
            node.attrs.push(("data-asked", "true".into()));
            extra.push_str(" asked");
        }
        if let Some(class) = node.attrs.iter_mut().find(|a| a.0 == "class") {
            class.1 = format!("{}{extra}", class.1).into();
        }
    });
}

/// The score in words.
pub fn score_text(right: usize, asked: usize) -> String {
    if asked == 0 {
        "Score: nothing asked yet.".to_string()
    } else {
        format!("Score: {right} of {asked} right.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use proptest::prelude::*;

    fn circuit() -> (Graph, Trace) {
        let mut g = parse("x = -2; y = 5; z = -4\nq = x + y\nf = q * z", Default::default()).unwrap();
        g.forward();
        let t = g.backward();
        (g, t)
    }

    #[test]
    fn the_circuit_asks_each_node_and_explains_with_upstream_times_local() {
        let (g, t) = circuit();
        let mut quiz = Quiz::default();
        let steps: Vec<String> = t.steps.iter().map(|s| g.label(s.node)).collect();
        assert_eq!(steps, ["f", "q", "z", "y", "x"]);
        let at = |n: &str| steps.iter().position(|s| s == n).unwrap();
        assert_eq!(question(&g, &t, 0, &[], &quiz), Some(0));
        assert_eq!(question_text(&g, &t, at("q")), "∂f/∂q =");
        assert_eq!(explain(&g, &t, at("q")), "∂f/∂q = ∂f/∂f × ∂f/∂q = 1 × (−4) = −4");
        let a = quiz.answer(&t, at("q"), -4.0).unwrap();
        assert!(a.right);
        let b = quiz.answer(&t, at("x"), 4.0).unwrap();
        assert!(!b.right, "the sign matters");
        assert_eq!(feedback(&g, &t, at("x"), &b), "Not quite: you said 4; ∂f/∂x = ∂f/∂q × ∂q/∂x = (−4) × 1 = −4.");
        assert_eq!(quiz.score(), (1, 2));
        assert_eq!(question(&g, &t, at("q"), &[], &quiz), None, "q is answered");
        // ask= picks the nodes
        let only_x = ["x".to_string()];
        assert_eq!(question(&g, &t, at("z"), &only_x, &Quiz::default()), None, "z is not asked");
        assert_eq!(question(&g, &t, at("x"), &only_x, &Quiz::default()), Some(at("x")));
        assert!(explain(&g, &t, 0).starts_with("∂f/∂f = 1"));
        let fresh = Quiz::default();
        assert!(step_text(&g, &t, 1, &[], &fresh).starts_with("Predict, then check: step 2 of 5 reaches q."));
        assert!(step_text(&g, &t, 1, &[], &quiz).contains("q, you have answered it"));
        assert!(step_text(&g, &t, 2, &only_x, &quiz).contains("z, which is not asked"));
        assert_eq!(step_text(&g, &t, 5, &[], &quiz), "The backward pass is done: 1 of 2 right. Reset to try again.");
        // the drawing carries the marks
        let scene = crate::web::model::view::Scene::new(g.clone());
        let shown = crate::web::model::view::Shown { forward: true, steps: 2, stepping: false };
        let mut svg = crate::web::model::view::graph_svg(&scene, shown);
        mark(&mut svg, &g, &quiz, g.find("z"));
        let nodes: Vec<_> = svg.walk().into_iter().filter(|e| e.get("data-name").is_some() && e.tag == "g").collect();
        let get = |n: &str, k: &str| {
            nodes.iter().find(|e| e.get("data-name") == Some(n)).and_then(|e| e.get(k)).map(String::from)
        };
        assert_eq!(get("q", "data-answer").as_deref(), Some("right"));
        assert_eq!(get("x", "data-answer").as_deref(), Some("wrong"));
        assert_eq!(get("z", "data-asked").as_deref(), Some("true"));
        assert!(get("z", "class").unwrap().ends_with(" asked"));
        assert_eq!(get("f", "data-answer"), None);
    }

    #[test]
    fn answers_are_read_as_numbers_with_a_message_otherwise() {
        assert_eq!(parse_answer(" −4 "), Ok(-4.0));
        assert_eq!(parse_answer("0,25"), Ok(0.25));
        assert_eq!(parse_answer("1/4"), Ok(0.25));
        assert_eq!(parse_answer("-3e-2"), Ok(-0.03));
        assert!(parse_answer("").unwrap_err().contains("Type the gradient first"));
        assert!(parse_answer("four").unwrap_err().contains("not a number"));
        assert!(parse_answer("1/0").is_err());
        assert!(parse_answer("1e400").is_err());
        assert_eq!(score_text(2, 3), "Score: 2 of 3 right.");
    }

    /// The numbers of a sentence, in order.
    fn numbers(s: &str) -> Vec<f64> {
        let mut out = vec![];
        let mut cur = String::new();
        for c in s.replace('−', "-").chars().chain([' ']) {
            if c.is_ascii_digit()
                || c == '.'
                || (c == 'e' && !cur.is_empty())
                || (c == '-' && (cur.is_empty() || cur.ends_with('e')))
            {
                cur.push(c);
            } else {
                if let Ok(v) = cur.trim_end_matches('.').parse::<f64>() {
                    out.push(v);
                }
                cur.clear();
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// On random graphs (fan-out, several consumers), the explanation's products sum to the
        /// gradient it ends with, which is the step's; an answer at the truth is right and one
        /// past the tolerance wrong.
        #[test]
        fn explanations_add_up_and_marks_follow_the_tolerance(
            vals in prop::collection::vec(-3.0f64..3.0, 3),
            ops in prop::collection::vec(0usize..4, 2..6),
            off in 1.5f64..10.0,
        ) {
            let forms = [
                "{l} * {r}",
                "{l} + {r}",
                "tanh({l}) * {r}",
                "{l} - {r} * {l}",
            ];
            let src = crate::expr::chain_source(&vals, &ops, &forms);
            let mut g = parse(&src, Default::default()).unwrap();
            g.forward();
            let t = g.backward();
            for (k, s) in t.steps.iter().enumerate() {
                let text = explain(&g, &t, k);
                if s.contributions.is_empty() {
                    prop_assert!(text.contains("= 1"));
                    continue;
                }
                let after = text.splitn(3, " = ").nth(2).unwrap_or_default();
                let nums = numbers(after);
                // pairs (upstream, local) then the total
                let total = *nums.last().unwrap();
                let sum: f64 = nums[..nums.len() - 1].chunks(2).map(|p| p[0] * p[1]).sum();
                let tol = 1e-4 * (1.0 + s.upstream.abs()) + 1e-4 * nums.iter().map(|v| v.abs()).sum::<f64>();
                prop_assert!((sum - s.upstream).abs() <= tol, "{}: products sum to {} not {}", text, sum, s.upstream);
                prop_assert!((total - s.upstream).abs() <= 1e-5 * (1.0 + s.upstream.abs()), "{}", text);
                let mut q = Quiz::default();
                prop_assert!(q.answer(&t, k, s.upstream).unwrap().right);
                let wrong = s.upstream + off * TOLERANCE_ABS.max(TOLERANCE_REL * s.upstream.abs());
                prop_assert!(!q.answer(&t, k, wrong).unwrap().right);
                prop_assert_eq!(q.score(), (0, 1), "answering again replaces the answer");
            }
        }
    }
}
