//! The graph view's exercise panel (`web::model::exercise`): its title, text and table (text
//! boxes in a quiz, answered with Enter), and the lecture's NumPy network trained in the
//! figure's frame loop, its loss plotted against step.

use super::dom::Root;
use super::figure::{Figure, Shared};
use super::lab::now;
use super::plot::{self, LineChart, Series, Style};
use crate::train::lecture::{LectureConfig, LectureNet};
use crate::web::model::exercise::{self, Kind};
use crate::web::model::quiz;
use crate::web::model::view::El;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};

/// The lecture's loop: 2,000 steps.
pub const LECTURE_STEPS: usize = 2_000;
/// Time the loop may take of each frame (ms): the page stays responsive at ~30 frames/s.
const SLICE_MS: f64 = 24.0;

/// The lecture's network being trained, and its losses so far.
pub struct LectureRun {
    pub net: LectureNet,
    pub losses: Vec<f64>,
    pub running: bool,
}

impl Figure {
    /// Shows the exercise the expression is (by its first line), or hides the panel.
    pub fn render_exercise(&self) {
        let r = &self.root;
        let ex = exercise::of_source(&self.state.source);
        r.set_hidden("exercise", ex.is_none());
        let Some(ex) = ex else { return };
        r.set_text("exercise-title", &format!("Exercise: {}", ex.title));
        r.set_text("exercise-text", ex.text);
        let tree = match exercise::table(ex, &self.g.scene.graph) {
            Ok(t) => exercise::table_view(&t, self.state.quiz.then_some(&self.g.quiz)),
            Err(m) => El::html("p").attr_s("class", "help").text(m),
        };
        {
            let last = self.g.exercise_last.borrow();
            r.mount_over("exercise-host", last.as_ref(), &tree);
        }
        *self.g.exercise_last.borrow_mut() = Some(tree);
        r.set_hidden("numpy", ex.kind != Kind::Numpy);
        if ex.kind == Kind::Numpy {
            self.draw_lecture();
        }
    }

    /// Checks the answer typed in the exercise's cell `key`.
    pub fn check_cell(&mut self, key: &str, text: &str) {
        let Some(ex) = exercise::of_source(&self.state.source) else { return };
        let Ok(table) = exercise::table(ex, &self.g.scene.graph) else { return };
        let Some(ask) = table.ask(key) else { return };
        let outcome = quiz::parse_answer(text).map(|v| {
            let a = self.g.quiz.answer_cell(key, v, ask.truth);
            (a.right, exercise::cell_feedback(ask, a.right, v))
        });
        self.root.show_verdict("exercise-feedback", outcome);
    }

    /// Runs the lecture's loop for a share of this frame.
    pub fn advance_lecture(&mut self) {
        let Some(run) = self.lecture.as_mut().filter(|l| l.running) else { return };
        let t0 = now();
        while run.losses.len() < LECTURE_STEPS && now() - t0 < SLICE_MS {
            let l = run.net.step();
            run.losses.push(l);
        }
        if run.losses.len() >= LECTURE_STEPS {
            run.running = false;
        }
        self.draw_lecture();
    }

    pub fn lecture_running(&self) -> bool {
        self.lecture.as_ref().is_some_and(|l| l.running)
    }

    /// The run's progress, sentence and loss plot.
    fn draw_lecture(&self) {
        let r = &self.root;
        let losses: &[f64] = self.lecture.as_ref().map_or(&[], |l| &l.losses);
        let running = self.lecture_running();
        let done = losses.len();
        r.set_attr("numpy-progress", "value", &done.to_string());
        r.set_attr("numpy-text", "data-steps", &done.to_string());
        let ends = |v: Option<&f64>| v.map(|l| l.to_string()).unwrap_or_default();
        r.set_attr("numpy-text", "data-loss-first", &ends(losses.first()));
        r.set_attr("numpy-text", "data-loss-last", &ends(losses.last()));
        r.set_text("numpy-text", &exercise::numpy_sentence(losses, LECTURE_STEPS));
        let label = match (running, done) {
            (true, _) => "Pause",
            (false, d) if d > 0 && d < LECTURE_STEPS => "Go on",
            _ => "Train 2,000 steps",
        };
        r.set_text("numpy-train", label);
        let Some(c) = r.canvas("numpy-loss") else { return };
        let chart = LineChart {
            title: "The lecture network's loss against step".into(),
            x_label: "step".into(),
            y_label: "loss (sum of squared errors, log scale)".into(),
            log_x: false,
            log_y: true,
            x_range: Some((0.0, LECTURE_STEPS as f64)),
            y_range: None,
            series: vec![Series {
                label: "loss".into(),
                points: losses.iter().enumerate().map(|(t, &l)| (t as f64, l)).collect(),
                color: plot::TRAIN,
                style: Style::Line,
            }],
            marks: vec![],
        };
        if let Err(e) = plot::line_chart(&c, &chart) {
            web_sys::console::error_1(&format!("backprop-lab: {e}").into());
        }
    }
}

/// Enter in a `data-cell` box inside part `host` runs `check` (which checks the typed answer
/// and redraws); the focus goes on to the next box still open. The exercise's table and the
/// layer view's quiz answer with it.
pub fn on_cell_enter(app: &Shared, root: &Root, host: &'static str, check: fn(&mut Figure, &str, &str)) {
    let a = app.clone();
    root.on::<KeyboardEvent>(host, "keydown", move |e| {
        if e.key() != "Enter" {
            return;
        }
        let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(key) = input.get_attribute("data-cell") else { return };
        e.prevent_default();
        let mut f = a.borrow_mut();
        check(&mut f, &key, &input.value());
        let next = f.root.find(host).and_then(|h| h.query_selector("input[data-cell]").ok().flatten());
        if let Some(i) = next.and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) {
            let _ = i.focus();
        }
    });
}

/// Enter in a cell's box checks it (the focus goes on to the next box); Train starts, pauses
/// and goes on with the lecture's loop.
pub fn wire(app: &Shared, root: &Root) {
    on_cell_enter(app, root, "exercise-host", |f, key, typed| {
        f.check_cell(key, typed);
        f.render_graph();
    });
    let a = app.clone();
    root.on::<web_sys::Event>("numpy-train", "click", move |_| {
        {
            let mut f = a.borrow_mut();
            match f.lecture.as_mut() {
                Some(l) if l.running => l.running = false,
                Some(l) if l.losses.len() < LECTURE_STEPS => l.running = true,
                _ => match LectureNet::new(LectureConfig::default()) {
                    Ok(net) => f.lecture = Some(LectureRun { net, losses: Vec::new(), running: true }),
                    Err(e) => f.root.set_text("numpy-text", &e),
                },
            }
            f.draw_lecture();
        }
        super::lab::kick(&a);
    });
}
