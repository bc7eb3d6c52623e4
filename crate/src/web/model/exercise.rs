//! The course's exercises as presets of the graph view, each with its text and a table beside
//! the graph: the derivative of 5x³; the polynomial fit θ₀x² + θ₁x + θ₂ on three samples (each
//! sample's partial derivatives, their average, one update); the notes' one-hidden-layer network
//! and its four partial derivatives; the lecture's two-layer NumPy network (one path of it as
//! the circuit; the shapes of its matrices, and the whole network trained in the panel by
//! [`crate::train::lecture`]).
//!
//! An exercise is known by its source's first line (its `# Exercise: …` comment), so it stays
//! while the student edits the numbers below it; the table reads those numbers from the graph.
//! In a quiz (`quiz=1`) every number the student can work out is a text box, checked within
//! the quiz's tolerance and counted in its score.

use crate::graph::Graph;
use crate::web::model::plot_math::{factor, sig};
use crate::web::model::quiz::Quiz;
use crate::web::model::view::El;

/// Which table an exercise shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Cube,
    PolyFit,
    OneHidden,
    Numpy,
}

pub struct Exercise {
    /// The preset's id (`preset=`).
    pub id: &'static str,
    pub kind: Kind,
    pub title: &'static str,
    /// What the student is asked to do.
    pub text: &'static str,
}

pub const EXERCISES: &[Exercise] = &[
    Exercise {
        id: "ex-cube",
        kind: Kind::Cube,
        title: "The derivative of f(x) = 5x³",
        text: "Do this on paper first: the power rule gives f′(x) = 3 · 5x² = 15x². Work it out at \
               the x below, then step the backward pass: the engine's ∂f/∂x is the same number. \
               Change x in the expression to try another point.",
    },
    Exercise {
        id: "ex-poly-fit",
        kind: Kind::PolyFit,
        title: "Fit F(x) = θ₀x² + θ₁x + θ₂",
        text: "Pick θ = [1, 1, 1] and the data (−2, −5), (0, 1), (1, 4). For each sample the error is \
               e = F(x) − y and its loss Eᵢ = e², so ∂Eᵢ/∂θ₀ = 2e·x², ∂Eᵢ/∂θ₁ = 2e·x and ∂Eᵢ/∂θ₂ = 2e. \
               Work out each sample's partial derivatives, their average (the gradient of the mean \
               loss E the graph computes) and one update θ − η · average with η = 0.01.",
    },
    Exercise {
        id: "ex-one-hidden",
        kind: Kind::OneHidden,
        title: "A network with one hidden layer",
        text: "z₀ = X·w₀ + b₀, a₀ = σ(z₀), z₁ = a₀·w₁ + b₁ and E = ½(z₁ − y)². The chain rule gives \
               the four partial derivatives below: the output layer's from (z₁ − y) directly, the \
               hidden layer's through w₁ and σ′(z₀) = a₀(1 − a₀). Compare each with the engine's.",
    },
    Exercise {
        id: "ex-numpy",
        kind: Kind::Numpy,
        title: "The lecture's two-layer NumPy network",
        text: "N = 64 examples of D_in = 1000 random inputs, a sigmoid hidden layer of H = 100 units, \
               D_out = 10 outputs, the sum of squared errors, learning rate 1e-4, 2,000 steps. The \
               graph is one path through it (one input, one hidden unit, one output); the table \
               gives every matrix's shape, and Train runs the whole network here, as the lecture's \
               loop does.",
    },
];

/// The exercise `source` is, by its first line; `None` for any other text.
pub fn of_source(source: &str) -> Option<&'static Exercise> {
    let first = source.lines().next()?.trim();
    if !first.starts_with("# Exercise:") {
        return None;
    }
    EXERCISES.iter().find(|e| {
        super::state::PRESETS.iter().any(|p| p.id == e.id && p.source.lines().next().map(str::trim) == Some(first))
    })
}

/// The learning rate of the polynomial fit's update.
pub const FIT_RATE: f64 = 0.01;
/// The polynomial fit's samples (x, y).
pub const FIT_SAMPLES: [(f64, f64); 3] = [(-2.0, -5.0), (0.0, 1.0), (1.0, 4.0)];

/// A cell of an exercise's table: its text, and when the student can work it out, its key
/// and right value (a text box in a quiz).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub ask: Option<Ask>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    pub key: String,
    /// What the box is for, for its label: "∂E₁/∂θ₀".
    pub name: String,
    pub truth: f64,
    /// The working with the numbers in: "2 × 8 × 4 = 64".
    pub why: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    /// Each row's header and cells.
    pub rows: Vec<(String, Vec<Cell>)>,
}

impl Table {
    /// Every cell asked, in order.
    pub fn asks(&self) -> impl Iterator<Item = &Ask> {
        self.rows.iter().flat_map(|(_, r)| r.iter().filter_map(|c| c.ask.as_ref()))
    }

    pub fn ask(&self, key: &str) -> Option<&Ask> {
        self.asks().find(|a| a.key == key)
    }
}

fn plain(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), ask: None }
}

fn asked(key: &str, name: &str, truth: f64, why: String) -> Cell {
    Cell { text: sig(truth, 6), ask: Some(Ask { key: key.into(), name: name.into(), truth, why }) }
}

/// The value of the graph's node `name`, or which node the table needs.
fn value(graph: &Graph, name: &str) -> Result<f64, String> {
    graph.find(name).and_then(|id| graph.node(id)).map(|n| n.value).ok_or_else(|| {
        format!("This exercise's table reads the value of {name} from the expression; put `{name} = …` back.")
    })
}

/// The engine's gradient of `name` as the backward pass has shown it so far ("—" before).
fn engine(graph: &Graph, name: &str) -> Cell {
    let g = graph.find(name).and_then(|id| graph.node(id)).and_then(|n| n.grad);
    plain(g.map(|g| sig(g, 6)).unwrap_or_else(|| "—".into()))
}

/// The exercise's table for the graph as it stands (values from its inputs, the engine's
/// gradients as far as the backward pass has gone), or why it cannot be made.
pub fn table(ex: &Exercise, graph: &Graph) -> Result<Table, String> {
    match ex.kind {
        Kind::Cube => {
            let x = value(graph, "x")?;
            let f = graph.output().and_then(|o| graph.node(o)).map(|n| n.value).unwrap_or(f64::NAN);
            let d = 15.0 * x * x;
            Ok(Table {
                caption: "f(x) = 5x³ by hand and by the engine".into(),
                head: vec!["".into(), "by hand".into(), "the engine".into()],
                rows: vec![
                    (
                        "f(x) = 5x³".into(),
                        vec![plain(format!("5 × {}³ = {}", factor(x), sig(5.0 * x.powi(3), 6))), plain(sig(f, 6))],
                    ),
                    (
                        "f′(x) = 15x²".into(),
                        vec![
                            asked("df", "f′(x)", d, format!("15 × {}² = {}", factor(x), sig(d, 6))),
                            engine(graph, "x"),
                        ],
                    ),
                ],
            })
        }
        Kind::PolyFit => {
            let t = [value(graph, "theta0")?, value(graph, "theta1")?, value(graph, "theta2")?];
            let mut rows = vec![];
            let mut sum = [0.0; 3];
            for (i, &(x, y)) in FIT_SAMPLES.iter().enumerate() {
                let n = i + 1;
                let fx = t[0] * x * x + t[1] * x + t[2];
                let e = fx - y;
                let feats = [x * x, x, 1.0];
                let mut cells = vec![
                    plain(sig(x, 6)),
                    plain(sig(y, 6)),
                    asked(
                        &format!("e{n}"),
                        &format!("e{}", sub(n)),
                        e,
                        format!(
                            "{} × {}² + {} × {} + {} − {} = {}",
                            factor(t[0]),
                            factor(x),
                            factor(t[1]),
                            factor(x),
                            factor(t[2]),
                            factor(y),
                            sig(e, 6)
                        ),
                    ),
                ];
                for (j, f) in feats.iter().enumerate() {
                    let d = 2.0 * e * f;
                    sum[j] += d;
                    let how = ["x²", "x", "1"][j];
                    cells.push(asked(
                        &format!("s{n}-d{j}"),
                        &format!("∂E{}/∂θ{}", sub(n), sub(j)),
                        d,
                        format!("2e·{how} = 2 × {} × {} = {}", factor(e), factor(*f), sig(d, 6)),
                    ));
                }
                rows.push((format!("sample {n}"), cells));
            }
            let k = FIT_SAMPLES.len() as f64;
            let avg = sum.map(|s| s / k);
            let blank = || vec![plain(""), plain(""), plain("")];
            let mut avg_row = blank();
            let mut engine_row = blank();
            let mut new_row = blank();
            let mut now_row = blank();
            for j in 0..3 {
                avg_row.push(asked(
                    &format!("avg-d{j}"),
                    &format!("∂E/∂θ{}", sub(j)),
                    avg[j],
                    format!("the sum of the column / 3 = {} / 3 = {}", sig(sum[j], 6), sig(avg[j], 6)),
                ));
                engine_row.push(engine(graph, &format!("theta{j}")));
                now_row.push(plain(sig(t[j], 6)));
                let new = t[j] - FIT_RATE * avg[j];
                new_row.push(asked(
                    &format!("new{j}"),
                    &format!("new θ{}", sub(j)),
                    new,
                    format!("{} − {} × {} = {}", sig(t[j], 6), sig(FIT_RATE, 6), factor(avg[j]), sig(new, 6)),
                ));
            }
            rows.push(("average".into(), avg_row));
            rows.push(("the engine's ∂E/∂θ".into(), engine_row));
            rows.push(("θ now".into(), now_row));
            rows.push((format!("θ − {} × average", sig(FIT_RATE, 6)), new_row));
            Ok(Table {
                caption: "Each sample's partial derivatives, their average and one update".into(),
                head: ["", "x", "y", "e = F(x) − y", "∂Eᵢ/∂θ₀", "∂Eᵢ/∂θ₁", "∂Eᵢ/∂θ₂"].map(String::from).to_vec(),
                rows,
            })
        }
        Kind::OneHidden => {
            let [x, y, w0, b0, w1, b1] = [
                value(graph, "X")?,
                value(graph, "y")?,
                value(graph, "w0")?,
                value(graph, "b0")?,
                value(graph, "w1")?,
                value(graph, "b1")?,
            ];
            let z0 = x * w0 + b0;
            let a0 = 1.0 / (1.0 + (-z0).exp());
            let z1 = a0 * w1 + b1;
            let d = z1 - y;
            let s = a0 * (1.0 - a0);
            let (f, a, w, sx, xx) = (factor(d), factor(a0), factor(w1), factor(s), factor(x));
            let row = |key: &str, name: &str, rule: &str, truth: f64, nums: String| {
                let why = format!("{nums} = {}", sig(truth, 6));
                (name.to_string(), vec![plain(rule), asked(key, name, truth, why.clone()), engine(graph, key)])
            };
            let rows = vec![
                row("w1", "∂E/∂w₁", "(z₁ − y) · a₀", d * a0, format!("{f} × {a}")),
                row("b1", "∂E/∂b₁", "(z₁ − y)", d, f.clone()),
                row(
                    "w0",
                    "∂E/∂w₀",
                    "(z₁ − y) · w₁ · a₀(1 − a₀) · X",
                    d * w1 * s * x,
                    format!("{f} × {w} × {sx} × {xx}"),
                ),
                row("b0", "∂E/∂b₀", "(z₁ − y) · w₁ · a₀(1 − a₀)", d * w1 * s, format!("{f} × {w} × {sx}")),
            ];
            Ok(Table {
                caption: format!(
                    "The four partial derivatives (z₀ = {}, a₀ = {}, z₁ = {})",
                    sig(z0, 6),
                    sig(a0, 6),
                    sig(z1, 6)
                ),
                head: ["", "the chain rule", "its value", "the engine"].map(String::from).to_vec(),
                rows,
            })
        }
        Kind::Numpy => {
            let c = crate::train::lecture::LectureConfig::default();
            let code = |name: &str| match name {
                "x" => "np.random.randn(N, D_in)",
                "y" => "np.random.randn(N, D_out)",
                "w1" => "np.random.randn(D_in, H)",
                "h" => "1 / (1 + np.exp(-x.dot(w1)))",
                "w2" => "np.random.randn(H, D_out)",
                "y_pred" => "h.dot(w2)",
                "grad_y_pred" => "2.0 * (y_pred - y)",
                "grad_w2" => "h.T.dot(grad_y_pred)",
                "grad_h" => "grad_y_pred.dot(w2.T)",
                _ => "x.T.dot(grad_h * h * (1 - h))",
            };
            let rows = c
                .shapes()
                .into_iter()
                .map(|(name, r, k)| {
                    (
                        name.to_string(),
                        vec![plain(format!("{r} × {k}")), plain(format!("{}", r * k)), plain(code(name))],
                    )
                })
                .collect();
            Ok(Table {
                caption: "The network's matrices: shapes, not every entry".into(),
                head: ["", "shape", "entries", "the lecture's line"].map(String::from).to_vec(),
                rows,
            })
        }
    }
}

/// A subscript digit string: 1 → "₁".
fn sub(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}

/// The table as an element: each asked cell carries `data-cell` (its key); in a quiz it is a
/// text box until answered, then its value with ✓ or ✗ and `data-answer="right|wrong"`.
/// Outside a quiz an asked cell shows its value and `data-value`.
pub fn table_view(t: &Table, quiz: Option<&Quiz>) -> El {
    let mut head = El::html("tr");
    for h in &t.head {
        head = head.child(El::html("th").attr_s("scope", "col").text(h.clone()));
    }
    let mut body = El::html("tbody");
    for (name, cells) in &t.rows {
        let mut tr = El::html("tr").child(El::html("th").attr_s("scope", "row").text(name.clone()));
        for c in cells {
            let mut td = El::html("td");
            match (&c.ask, quiz) {
                (Some(a), Some(q)) => {
                    td = td.attr("data-cell", a.key.clone());
                    match q.cell(&a.key) {
                        Some(given) => {
                            let word = if given.right { "right" } else { "wrong" };
                            let sign = if given.right { " ✓" } else { " ✗" };
                            td = td
                                .attr_s("data-answer", word)
                                .attr("class", format!("num {word}"))
                                .attr("data-value", a.truth.to_string())
                                .text(format!("{}{sign}", c.text));
                        }
                        None => {
                            td = td.attr_s("class", "num ask").child(
                                El::html("input")
                                    .attr_s("type", "text")
                                    .attr_s("inputmode", "decimal")
                                    .attr_s("autocomplete", "off")
                                    .attr_s("size", "7")
                                    .attr("data-cell", a.key.clone())
                                    .attr("aria-label", format!("Your {}", a.name)),
                            );
                        }
                    }
                }
                (Some(a), None) => {
                    td = td
                        .attr("data-cell", a.key.clone())
                        .attr("data-value", a.truth.to_string())
                        .attr_s("class", "num")
                        .attr("title", a.why.clone())
                        .text(c.text.clone());
                }
                (None, _) => td = td.text(c.text.clone()),
            }
            tr = tr.child(td);
        }
        body = body.child(tr);
    }
    El::html("table")
        .attr_s("id", "exercise-table")
        .child(El::html("caption").text(t.caption.clone()))
        .child(El::html("thead").child(head))
        .child(body)
}

/// What the page says after a cell's answer.
pub fn cell_feedback(a: &Ask, right: bool, typed: f64) -> String {
    let verdict = if right { "Right" } else { "Not quite" };
    format!("{verdict}: you said {} for {}; {} = {}.", sig(typed, 10), a.name, a.name, a.why)
}

/// The lecture network's run in a sentence: how far it went and how the loss moved.
pub fn numpy_sentence(losses: &[f64], total: usize) -> String {
    let (Some(first), Some(last)) = (losses.first(), losses.last()) else {
        return format!("Train runs the lecture's loop for {total} steps here and plots the loss at each.");
    };
    let n = losses.len();
    let done = if n >= total { format!("After {n} steps") } else { format!("Step {n} of {total}") };
    let change = if last < first {
        {
            let ratio = first / last;
            let times = if ratio >= 100.0 { format!("{ratio:.0}") } else { sig(ratio, 3) };
            format!("the loss has fallen from {} to {} ({times}× lower)", sig(*first, 4), sig(*last, 4))
        }
    } else if last > first {
        format!("the loss has risen from {} to {}", sig(*first, 4), sig(*last, 4))
    } else {
        format!("the loss is where it started, {}", sig(*first, 4))
    };
    format!("{done} {change}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;
    use crate::web::model::state::PRESETS;
    use proptest::prelude::*;

    fn graph_of(id: &str) -> Graph {
        let p = PRESETS.iter().find(|p| p.id == id).unwrap();
        let mut g = parse(p.source, Default::default()).unwrap();
        g.forward();
        g.backward();
        g
    }

    fn cell(t: &Table, key: &str) -> f64 {
        t.ask(key).unwrap().truth
    }

    #[test]
    fn every_exercise_is_a_preset_known_by_its_first_line() {
        for e in EXERCISES {
            let p = PRESETS.iter().find(|p| p.id == e.id).expect("a preset");
            assert_eq!(of_source(p.source).map(|x| x.id), Some(e.id));
            let (first, rest) = p.source.split_once('\n').unwrap();
            let edited = format!("{first}\n{}", rest.replace('1', "2"));
            assert_eq!(of_source(&edited).map(|x| x.id), Some(e.id), "edited numbers keep the exercise");
            assert!(table(e, &graph_of(e.id)).is_ok());
        }
        assert!(of_source("x = 1\nf = x").is_none());
        assert!(of_source("# Exercise: none like this\nx = 1").is_none());
        assert!(of_source("").is_none());
    }

    #[test]
    fn the_cube_at_two_is_sixty() {
        let g = graph_of("ex-cube");
        let t = table(&EXERCISES[0], &g).unwrap();
        assert_eq!(cell(&t, "df"), 60.0);
        assert_eq!(t.ask("df").unwrap().why, "15 × 2² = 60");
        assert_eq!(t.rows[1].1[1].text, "60", "the engine's ∂f/∂x after the backward pass");
        assert_eq!(t.rows[0].1[1].text, "40");
    }

    #[test]
    fn the_polynomial_fit_prints_the_notes_numbers() {
        let g = graph_of("ex-poly-fit");
        let t = table(&EXERCISES[1], &g).unwrap();
        // sample 1: F(−2) = 4 − 2 + 1 = 3, e = 8: 2e·[4, −2, 1]
        assert_eq!([cell(&t, "e1"), cell(&t, "s1-d0"), cell(&t, "s1-d1"), cell(&t, "s1-d2")], [8.0, 64.0, -32.0, 16.0]);
        assert_eq!([cell(&t, "e2"), cell(&t, "s2-d0"), cell(&t, "s2-d1"), cell(&t, "s2-d2")], [0.0; 4]);
        assert_eq!([cell(&t, "e3"), cell(&t, "s3-d0"), cell(&t, "s3-d1"), cell(&t, "s3-d2")], [-1.0, -2.0, -2.0, -2.0]);
        let avg = [62.0 / 3.0, -34.0 / 3.0, 14.0 / 3.0];
        for (j, avg) in avg.iter().enumerate() {
            assert!((cell(&t, &format!("avg-d{j}")) - avg).abs() < 1e-12);
            assert!((cell(&t, &format!("new{j}")) - (1.0 - 0.01 * avg)).abs() < 1e-12);
            // the engine's gradient of the mean loss is the average
            let engine = g.node(g.find(&format!("theta{j}")).unwrap()).unwrap().grad.unwrap();
            assert!((engine - avg).abs() < 1e-9, "{engine} vs {avg}");
        }
        assert_eq!(sig(cell(&t, "new0"), 4), "0.7933");
        assert_eq!(t.asks().count(), 3 * 4 + 3 + 3);
    }

    #[test]
    fn the_one_hidden_layer_partials_are_the_engines() {
        let g = graph_of("ex-one-hidden");
        let t = table(&EXERCISES[2], &g).unwrap();
        for key in ["w0", "b0", "w1", "b1"] {
            let engine = g.node(g.find(key).unwrap()).unwrap().grad.unwrap();
            assert!((cell(&t, key) - engine).abs() < 1e-12, "{key}");
        }
    }

    #[test]
    fn a_missing_input_is_named_and_the_quiz_hides_the_values() {
        let mut g =
            parse("# Exercise: fit F(x) = θ₀x² + θ₁x + θ₂\ntheta0 = 1\nE = theta0", Default::default()).unwrap();
        g.forward();
        let e = table(&EXERCISES[1], &g).unwrap_err();
        assert!(e.contains("theta1"), "{e}");
        let t = table(&EXERCISES[1], &graph_of("ex-poly-fit")).unwrap();
        let mut q = Quiz::default();
        let open = table_view(&t, Some(&q));
        let inputs = open.walk().into_iter().filter(|e| e.tag == "input").count();
        assert_eq!(inputs, t.asks().count());
        assert!(open.walk().iter().all(|e| e.get("data-value").is_none()), "no answer in the page");
        q.answer_cell("s1-d0", 64.0, cell(&t, "s1-d0"));
        q.answer_cell("s1-d1", 32.0, cell(&t, "s1-d1"));
        let marked = table_view(&t, Some(&q));
        let td = |k: &str| marked.walk().into_iter().find(|e| e.tag == "td" && e.get("data-cell") == Some(k)).unwrap();
        assert_eq!(td("s1-d0").get("data-answer"), Some("right"));
        assert_eq!(td("s1-d1").get("data-answer"), Some("wrong"));
        assert_eq!(q.score(), (1, 2));
        let a = t.ask("s1-d1").unwrap();
        assert_eq!(
            cell_feedback(a, false, 32.0),
            "Not quite: you said 32 for ∂E₁/∂θ₁; ∂E₁/∂θ₁ = 2e·x = 2 × 8 × (−2) = −32."
        );
    }

    #[test]
    fn the_numpy_table_gives_the_lectures_shapes() {
        let t = table(&EXERCISES[3], &graph_of("ex-numpy")).unwrap();
        let row = |n: &str| t.rows.iter().find(|r| r.0 == n).unwrap().1[0].text.clone();
        assert_eq!(row("x"), "64 × 1000");
        assert_eq!(row("w1"), "1000 × 100");
        assert_eq!(row("grad_w1"), "1000 × 100");
        assert_eq!(row("y_pred"), "64 × 10");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// At any θ, the polynomial table's averages are the engine's gradients of the mean loss,
        /// every working's last number is its cell, and the update is θ − η · average.
        #[test]
        fn the_fit_table_follows_the_graph(t in prop::collection::vec(-5.0f64..5.0, 3)) {
            let p = PRESETS.iter().find(|p| p.id == "ex-poly-fit").unwrap();
            let src = p.source.replace("theta0 = 1; theta1 = 1; theta2 = 1", &format!("theta0 = {}; theta1 = {}; theta2 = {}", t[0], t[1], t[2]));
            let mut g = parse(&src, Default::default()).unwrap();
            g.forward();
            g.backward();
            let table = table(&EXERCISES[1], &g).unwrap();
            for (j, theta) in t.iter().enumerate() {
                let engine = g.node(g.find(&format!("theta{j}")).unwrap()).unwrap().grad.unwrap();
                let avg = cell(&table, &format!("avg-d{j}"));
                prop_assert!((engine - avg).abs() <= 1e-9 * (1.0 + avg.abs()));
                let new = cell(&table, &format!("new{j}"));
                prop_assert!((new - (theta - FIT_RATE * avg)).abs() <= 1e-12 * (1.0 + new.abs()));
            }
            for a in table.asks() {
                let last = a.why.rsplit(" = ").next().unwrap().replace('−', "-");
                let v: f64 = last.parse().unwrap();
                prop_assert!((v - a.truth).abs() <= 1e-5 * (1.0 + a.truth.abs()), "{}: {}", a.key, a.why);
            }
        }

        /// The sentence says the step count and the first and last losses, and "fallen" exactly
        /// when the last is lower.
        #[test]
        fn the_numpy_sentence_follows_the_losses(losses in prop::collection::vec(0.001f64..1e5, 1..50), total in 1usize..60) {
            let s = numpy_sentence(&losses, total);
            let (first, last) = (losses[0], *losses.last().unwrap());
            prop_assert!(s.contains(&sig(first, 4)) && s.contains(&sig(last, 4)), "{}", s);
            prop_assert_eq!(s.contains("fallen"), last < first);
            prop_assert_eq!(s.contains("risen"), last > first);
            prop_assert!(s.contains(&losses.len().to_string()));
        }
    }
}
