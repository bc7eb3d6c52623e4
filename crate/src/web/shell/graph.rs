//! The graph view of a figure: the expression's scene, the editor (250 ms debounce), presets,
//! the pass buttons, arrow keys, click-to-edit and drag-to-scrub values. Every change goes
//! through [`Figure::render_graph`], which redraws from the state and writes the URL.

use super::dom::Root;
use super::figure::{Figure, Shared};
use crate::expr::{parse_with_spans, set_input, InputSpan, Options, ParseError};
use crate::web::model::gate_code::gate_code;
use crate::web::model::quiz::{self, Quiz};
use crate::web::model::state::{Backward, State, PRESETS};
use crate::web::model::view::{gradcheck_table, graph_svg, nodes_table, step_text, El, Scene, Shown};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent, PointerEvent};

/// A press on an input's value: a click opens the editor, a drag scrubs the value.
struct Drag {
    node: usize,
    start_x: f64,
    start_value: f64,
    moved: bool,
}

/// What the graph view keeps beside the [`State`].
pub struct GraphPart {
    /// The last graph that parsed; stays on screen while the text has an error.
    pub scene: Scene,
    spans: Vec<InputSpan>,
    /// The current text's parse error, with the text it belongs to.
    error: Option<(ParseError, String)>,
    /// Messages about the URL (an unknown view, a bad step number…) or a refused edit.
    notices: Vec<String>,
    debounce: Option<i32>,
    drag: Option<Drag>,
    /// Node whose value the editor is open on.
    editing: Option<usize>,
    /// Zoom over the fitted width (1: the graph fits the figure's width).
    zoom: f64,
    /// The graph, the Nodes table and the gradient check as mounted last, so a redraw
    /// patches only what changed.
    last: std::cell::RefCell<Option<[El; 3]>>,
    /// The quiz's answers on this graph (`quiz=1`).
    pub quiz: Quiz,
    /// The input whose forward-mode tangents are drawn (What a gradient costs), by name.
    pub tangent_of: Option<String>,
    /// The counts What a gradient costs shows now, timed once for a graph of that shape (so a
    /// step, a scrubbed value or a quiz answer does not time the four ways again).
    costs_shown: Cell<Option<crate::graph::cost::Costs>>,
    /// The exercise's table as last drawn (patched, so a box being typed in stays).
    pub exercise_last: std::cell::RefCell<Option<El>>,
}

/// Milliseconds one run of `f` takes: run again until 4 ms have gone (at most 10,000 times).
fn time_ms(mut f: impl FnMut()) -> f64 {
    let now = || web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    let t0 = now();
    let mut n = 0u32;
    loop {
        f();
        n += 1;
        let spent = now() - t0;
        if spent >= 4.0 || n >= 10_000 {
            return spent / f64::from(n);
        }
    }
}

fn options(state: &State) -> Options {
    Options { expand_sigmoid: state.expand_sigmoid }
}

impl GraphPart {
    /// The scene of `state.source`; when it does not parse, the default example's scene with
    /// the error kept (the text stays as typed in the editor).
    pub fn new(state: &mut State, notices: Vec<String>) -> GraphPart {
        let requested = state.source.clone();
        let fallback = State::default().source;
        let (graph, spans) = parse_with_spans(&fallback, options(state)).unwrap_or_default();
        state.source = fallback;
        let mut g = GraphPart {
            scene: Scene::new(graph),
            spans,
            error: None,
            notices,
            debounce: None,
            drag: None,
            editing: None,
            zoom: 1.0,
            last: std::cell::RefCell::new(None),
            quiz: Quiz::default(),
            tangent_of: None,
            costs_shown: Cell::new(None),
            exercise_last: Default::default(),
        };
        let backward = state.backward;
        g.set_source(state, &requested);
        state.backward = backward;
        g
    }

    /// Parses `source`; on success it becomes the state's source and the scene, on failure the
    /// error is kept and the last good scene stays.
    fn set_source(&mut self, state: &mut State, source: &str) {
        match parse_with_spans(source, options(state)) {
            Ok((graph, spans)) => {
                let same_shape = self.scene.graph.len() == graph.len();
                // another graph, another quiz (a changed value keeps the questions' nodes but not
                // their answers)
                self.quiz = Quiz::default();
                self.scene = Scene::after(graph, Some(&self.scene));
                self.spans = spans;
                self.error = None;
                state.source = source.to_string();
                if let Backward::Steps(_) = state.backward {
                    if !same_shape {
                        state.backward = Backward::None;
                    }
                }
            }
            Err(e) => self.error = Some((e, source.to_string())),
        }
    }

    fn total_steps(&self) -> usize {
        self.scene.trace.steps.len()
    }

    fn shown(&self, state: &State) -> Shown {
        let total = self.total_steps();
        let (steps, stepping) = match state.backward {
            Backward::None => (0, false),
            Backward::Steps(k) => (k.min(total), true),
            Backward::All => (total, false),
        };
        Shown { forward: state.forward, steps, stepping }
    }

    fn input_value(&self, node: usize) -> Option<f64> {
        self.scene.graph.node(node).map(|n| n.value)
    }
}

impl Figure {
    /// Sets the expression (as if typed: the editor follows).
    pub fn set_source(&mut self, source: &str) {
        self.g.set_source(&mut self.state, source);
        if let Some(t) = textarea(&self.root) {
            if t.value() != source {
                t.set_value(source);
            }
        }
    }

    /// Moves the step-through by `delta` steps. After a full Backward, stepping starts again
    /// from the output.
    pub fn step_graph(&mut self, delta: isize) {
        let total = self.g.total_steps() as isize;
        let k = match self.state.backward {
            Backward::All if delta > 0 => delta,
            _ => self.g.shown(&self.state).steps as isize + delta,
        };
        self.state.forward = true;
        self.state.backward = if k <= 0 { Backward::None } else { Backward::Steps(k.min(total) as usize) };
    }

    /// Forward (0), Backward (1), Step (2), Reset (3).
    pub fn graph_action(&mut self, action: u8) {
        match action {
            0 => {
                self.state.forward = true;
                self.state.backward = Backward::None;
                self.g.quiz = Quiz::default();
            }
            1 => {
                self.state.forward = true;
                self.state.backward = Backward::All;
            }
            2 => self.step_graph(1),
            _ => {
                self.state.forward = false;
                self.state.backward = Backward::None;
                self.g.quiz = Quiz::default();
            }
        }
    }

    /// *What a gradient costs*, when it is open: the engine's counts and the time each way
    /// takes here (each run again for about 4 ms, so the times are averages), measured again
    /// only when the counts change.
    fn render_costs(&self) {
        let open = self.root.find("costs").is_some_and(|d| d.has_attribute("open"));
        if !open {
            return;
        }
        let graph = &self.g.scene.graph;
        let costs = graph.costs();
        if self.g.costs_shown.replace(Some(costs)) == Some(costs) {
            return;
        }
        let inputs = graph.inputs();
        let mut values = graph.clone();
        let times = [
            time_ms(|| values.forward()),
            time_ms(|| {
                let _ = graph.trace();
            }),
            time_ms(|| {
                for &i in &inputs {
                    let _ = graph.tangents(i);
                }
            }),
            time_ms(|| {
                let _ = graph.gradcheck();
            }),
        ];
        self.root.mount("costs-host", &crate::web::model::view::cost_table(&costs, Some(times)));
    }

    /// The quiz's question now: the index of the step whose node is asked next.
    fn quiz_question(&self) -> Option<usize> {
        let g = &self.g;
        let done = g.shown(&self.state).steps;
        quiz::question(&g.scene.graph, &g.scene.trace, done, &self.state.ask, &g.quiz).filter(|_| self.state.quiz)
    }

    /// Checks the typed answer to the quiz's question; a right or wrong one is recorded and the
    /// step is taken (its gradient shown, with why), a text that is not a number is said so.
    pub fn check_answer(&mut self, text: &str) {
        let Some(k) = self.quiz_question() else { return };
        let outcome = match quiz::parse_answer(text) {
            Ok(v) => match self.g.quiz.answer(&self.g.scene.trace, k, v) {
                Some(a) => {
                    self.step_graph(1);
                    Ok((a.right, quiz::feedback(&self.g.scene.graph, &self.g.scene.trace, k, &a)))
                }
                None => return,
            },
            Err(why) => Err(why),
        };
        self.root.show_verdict("quiz-feedback", outcome);
        if let Some(i) = self.root.input("quiz-answer") {
            i.set_value("");
        }
    }

    /// Redraws the graph view from the state and writes the URL.
    pub fn render_graph(&self) {
        let r = &self.root;
        let g = &self.g;
        let shown = g.shown(&self.state);
        // the redrawn graph keeps the focus where the student had it: on the graph, or on an
        // input's value (→ there steps, and the value is still focused after)
        let active = r.active();
        let had_focus = active.as_ref().map(|e| e.id()) == Some("graph".to_string());
        let on_value = active
            .as_ref()
            .filter(|e| e.class_list().contains("editable"))
            .and_then(|e| e.closest("g.node").ok().flatten())
            .and_then(|n| n.get_attribute("data-name"));
        // the quiz: no callout (it would say what is sent), the answers marked, the gradient
        // check (every input's gradient) once the pass is done
        let quizzing = self.state.quiz;
        let question = self.quiz_question();
        let drawn = if quizzing { Shown { stepping: false, ..shown } } else { shown };
        let mut svg = graph_svg(&g.scene, drawn);
        if quizzing {
            let asked = question.and_then(|k| g.scene.trace.steps.get(k)).map(|s| s.node);
            quiz::mark(&mut svg, &g.scene.graph, &g.quiz, asked);
        }
        // forward mode's tangents along the chosen input (not in a quiz: they are the answers)
        let tangent_input = g.tangent_of.as_deref().and_then(|n| g.scene.graph.find(n)).filter(|_| !quizzing);
        let mut tangent_text = String::new();
        if let Some(input) = tangent_input {
            let (tangents, _) = g.scene.graph.tangents(input);
            crate::web::model::view::mark_tangents(&mut svg, &g.scene.graph, &tangents);
            tangent_text = crate::web::model::view::tangent_sentence(&g.scene.graph, &g.scene.trace, input, &tangents);
        }
        r.set_text("tangent-text", &tangent_text);
        let mut choices: Vec<(String, String)> = vec![("".into(), "none".into())];
        choices.extend(g.scene.graph.inputs().into_iter().map(|i| {
            let n = g.scene.graph.label(i);
            (n.clone(), format!("∂/∂{n}"))
        }));
        let options: Vec<(&str, &str)> = choices.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let chosen = tangent_input.map(|i| g.scene.graph.label(i)).unwrap_or_default();
        // the menu is filled again when the inputs change (their names, not only their count)
        if let Some(sel) = r.select("tangent-of") {
            let names: Vec<&str> = options.iter().map(|o| o.0).collect();
            let names = names.join(",");
            if sel.get_attribute("data-inputs").as_deref() != Some(names.as_str()) {
                r.fill_select("tangent-of", &options, &chosen);
                let _ = sel.set_attribute("data-inputs", &names);
            } else if sel.value() != chosen {
                sel.set_value(&chosen);
            }
        }
        let check = if quizzing && shown.steps < g.total_steps() {
            El::html("p")
                .attr_s("class", "help")
                .text_s("The gradient check shows every input's gradient: it appears once the backward pass is done.")
        } else {
            gradcheck_table(&g.scene.graph, &g.scene.checks)
        };
        let trees = [svg, nodes_table(&g.scene, drawn), check];
        {
            let last = g.last.borrow();
            for (i, host) in ["graph-host", "nodes-host", "gradcheck-host"].into_iter().enumerate() {
                r.mount_over(host, last.as_ref().map(|l| &l[i]), &trees[i]);
            }
        }
        self.apply_zoom();
        if let Some(name) = on_value {
            self.focus_value(&name);
        } else if had_focus {
            if let Some(svg) = r.get("graph").and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok()) {
                let _ = svg.focus();
            }
        }
        *g.last.borrow_mut() = Some(trees);
        if quizzing {
            let text = quiz::step_text(&g.scene.graph, &g.scene.trace, shown.steps, &self.state.ask, &g.quiz);
            r.set_text("step-panel", &text);
            let ask = question.map(|k| quiz::question_text(&g.scene.graph, &g.scene.trace, k)).unwrap_or_default();
            r.set_text("quiz-question", &ask);
            for id in ["quiz-answer", "quiz-check"] {
                r.set_disabled(id, question.is_none());
            }
            let (right, asked) = g.quiz.score();
            r.set_text("quiz-score", &quiz::score_text(right, asked));
            r.set_attr("quiz-score", "data-score", &format!("{right}/{asked}"));
        } else {
            r.set_text("step-panel", &step_text(&g.scene, shown));
        }
        r.set_hidden("quiz", !quizzing);
        // the step's gate as code, with the numbers in (not in a quiz: it would give the answers)
        let code = match shown.steps.checked_sub(1) {
            Some(k) if shown.stepping && !quizzing => gate_code(&g.scene.graph, &g.scene.trace, k),
            _ => vec![],
        };
        r.set_text("gate-code", &code.join("\n"));
        r.set_hidden("gate-code", code.is_empty());
        self.render_costs();
        self.render_exercise();
        // all the gradients at once would end the quiz: Backward waits for its end
        r.set_disabled("btn-backward", quizzing && shown.steps < g.total_steps());
        r.set_text("step-count", &format!("step {} / {}", shown.steps, g.total_steps()));
        r.set_disabled("btn-step", shown.stepping && shown.steps >= g.total_steps());
        match &g.error {
            Some((e, src)) => {
                r.set_text("error-message", &format!("{e}"));
                r.set_text("error-caret", &e.caret(src));
                r.set_hidden("error", false);
            }
            None => r.set_hidden("error", true),
        }
        let problems: Vec<String> = g
            .scene
            .graph
            .problems()
            .iter()
            .map(|p| format!("{}: {}", g.scene.graph.label(p.node), p.message))
            .collect();
        r.set_text("problems", &problems.join("\n"));
        r.set_hidden("problems", problems.is_empty());
        // while the text has an error the last graph that parsed stays, marked out of date
        let mut notices = g.notices.clone();
        if let Some(svg) = r.find("graph") {
            // (the svg is patched, not rebuilt: the mark comes off when the text parses again)
            let _ = if g.error.is_some() {
                svg.set_attribute("data-stale", "true")
            } else {
                svg.remove_attribute("data-stale")
            };
            let _ = svg.class_list().toggle_with_force("stale", g.error.is_some());
        }
        if let Some((e, _)) = &g.error {
            notices.insert(
                0,
                format!("Out of date: the expression has an error ({e}); this is the last graph that parsed."),
            );
        }
        r.set_text("notice", &notices.join(" "));
        r.set_hidden("notice", notices.is_empty());
        if let Some(sel) = r.select("preset") {
            let id = match g.error {
                Some(_) => "custom",
                None => PRESETS.iter().find(|p| p.source == self.state.source).map_or("custom", |p| p.id),
            };
            sel.set_value(id);
        }
        if let Some(cb) = r.input("expand-sigmoid") {
            cb.set_checked(self.state.expand_sigmoid);
        }
        if !(g.error.is_some() && self.state.source.is_empty()) {
            self.write_url();
        }
    }

    /// Sizes the graph: fitted to the width at zoom 1 (the style sheet's `max-width: 100%`),
    /// else the fitted width times the zoom, panned by scrolling or dragging its host.
    fn apply_zoom(&self) {
        let (Some(svg), Some(host)) = (self.root.find("graph"), self.root.find("graph-host")) else { return };
        let z = self.g.zoom;
        let style = if z <= 1.0 {
            String::new()
        } else {
            let natural = self.g.scene.layout.width;
            let fitted = natural.min(f64::from(host.client_width().max(1)) - 2.0).max(50.0);
            format!("width: {:.0}px; max-width: none", fitted * z)
        };
        let _ = svg.set_attribute("style", &style);
        let _ = host.class_list().toggle_with_force("zoomed", z > 1.0);
        self.root.set_disabled("btn-zoom-out", z <= 1.0);
        self.root.set_disabled("btn-zoom-fit", z <= 1.0);
        self.root.set_disabled("btn-zoom-in", z >= MAX_ZOOM);
    }

    fn zoom_by(&mut self, factor: f64) {
        self.g.zoom = (self.g.zoom * factor).clamp(1.0, MAX_ZOOM);
        self.apply_zoom();
    }

    /// Sets an input's value by rewriting its number in the source.
    fn set_input_value(&mut self, node: usize, value: f64) {
        if !value.is_finite() {
            return;
        }
        let Some(span) = self.g.spans.iter().find(|s| s.node == node).copied() else { return };
        let source = set_input(&self.state.source, span, value);
        self.set_source(&source);
    }

    /// The input node under an event target, when the target is an editable value label.
    fn editable_value_node(&self, target: Option<web_sys::EventTarget>) -> Option<(usize, Element)> {
        let el: Element = target?.dyn_into().ok()?;
        if !el.class_list().contains("editable") {
            return None;
        }
        let g = el.closest("g.node").ok()??;
        let name = g.get_attribute("data-name")?;
        Some((self.g.scene.graph.find(&name)?, el))
    }

    /// Focuses the editable value of the node called `name` (or the graph, if it has none).
    fn focus_value(&self, name: &str) {
        let sel = format!("#graph g.node[data-name=\"{}\"] .value.editable", name.replace(['"', '\\'], ""));
        let target = self.root.el.query_selector(&sel).ok().flatten().or_else(|| self.root.find("graph"));
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok()) {
            let _ = el.focus();
        }
    }

    fn open_editor(&mut self, node: usize, anchor: &Element) {
        let Some(input) = value_editor(&self.root) else { return };
        let r = anchor.get_bounding_client_rect();
        let style = input.style();
        let _ = style.set_property("left", &format!("{}px", r.left() - 10.0));
        let _ = style.set_property("top", &format!("{}px", r.top() - 4.0));
        input.set_value(&self.g.input_value(node).map(crate::graph::fmt_full).unwrap_or_default());
        input.set_hidden(false);
        let _ = input.focus();
        input.select();
        self.g.editing = Some(node);
    }

    fn commit_editor(&mut self) {
        let (Some(node), Some(input)) = (self.g.editing.take(), value_editor(&self.root)) else { return };
        input.set_hidden(true);
        let text = input.value();
        match text.trim().replace('−', "-").parse::<f64>() {
            Ok(v) if v.is_finite() => {
                self.set_input_value(node, v);
                self.g.notices.clear();
            }
            _ => {
                self.g.notices = vec![format!(
                    "{} is not a number; the value was left as it was.",
                    crate::web::model::state::echo(&text)
                )]
            }
        }
        self.render_graph();
    }
}

fn textarea(root: &Root) -> Option<HtmlTextAreaElement> {
    root.get("source").and_then(|e| e.dyn_into().ok())
}

fn value_editor(root: &Root) -> Option<HtmlInputElement> {
    root.input("value-editor")
}

/// Fills the presets and the editor, and wires the graph view's controls.
pub fn init(app: &Shared) {
    let root = app.borrow().root.clone();
    // (render_graph selects the preset the text is)
    let presets: Vec<(&str, &str)> =
        PRESETS.iter().map(|p| (p.id, p.title)).chain([("custom", "Your own expression")]).collect();
    root.fill_select("preset", &presets, "custom");
    // the text as typed, even when it does not parse
    if let Some(t) = textarea(&root) {
        let f = app.borrow();
        t.set_value(f.g.error.as_ref().map_or(&f.state.source, |(_, src)| src));
    }
    wire_editor(app, &root);
    wire_buttons(app, &root);
    wire_keys(app, &root);
    wire_values(app, &root);
    wire_zoom(app, &root);
    wire_exports(app, &root);
    wire_quiz(app, &root);
    super::exercise::wire(app, &root);
    let a = app.clone();
    root.on::<Event>("costs", "toggle", move |_| a.borrow().render_costs());
    let a = app.clone();
    root.on::<Event>("tangent-of", "change", move |_| {
        let v = a.borrow().root.select("tangent-of").map(|s| s.value()).unwrap_or_default();
        let mut f = a.borrow_mut();
        f.g.tangent_of = (!v.is_empty()).then_some(v);
        f.render_graph();
    });
}

/// Check (and Enter in *Your gradient*) answers the quiz's question; the focus stays in the box
/// for the next one.
fn wire_quiz(app: &Shared, root: &Root) {
    let check = {
        let a = app.clone();
        move || {
            let text = a.borrow().root.input("quiz-answer").map(|i| i.value()).unwrap_or_default();
            let mut f = a.borrow_mut();
            f.check_answer(&text);
            f.render_graph();
            if let Some(i) = f.root.input("quiz-answer") {
                let _ = i.focus();
            }
        }
    };
    let c = check.clone();
    root.on::<Event>("quiz-check", "click", move |_| c());
    root.on::<KeyboardEvent>("quiz-answer", "keydown", move |e| {
        if e.key() == "Enter" {
            e.prevent_default();
            check();
        }
    });
}

/// The graph as SVG or PNG (the whole of it, values and gradients as shown) and as JSON.
fn wire_exports(app: &Shared, root: &Root) {
    use crate::web::model::export::{file_name, graph_file, graph_subject};
    use crate::web::shell::export;
    for (id, ext) in [("btn-graph-svg", "svg"), ("btn-graph-png", "png"), ("btn-graph-json", "json")] {
        let a = app.clone();
        root.on::<Event>(id, "click", move |_| {
            let f = a.borrow();
            let name = file_name(graph_subject(&f.state.source), "graph", ext);
            if ext == "json" {
                export::save_json(&f.root.el, &name, &graph_file(&f.g.scene, f.g.shown(&f.state), &f.state.source));
            } else if let Some(svg) = f.root.find("graph") {
                export::save_drawing(&f.root.el, &svg, &name);
            }
        });
    }
}

/// Where a pan started: the pointer's x and y, the host's scrollLeft and scrollTop.
type PanStart = (i32, i32, i32, i32);

/// Most zoom over the fitted width.
const MAX_ZOOM: f64 = 4.0;

/// Zoom buttons, ctrl + wheel (a trackpad's pinch) and two fingers on the graph, and dragging
/// to pan a zoomed graph. A plain wheel is left alone: it scrolls the page the figure is in.
fn wire_zoom(app: &Shared, root: &Root) {
    for (id, factor) in [("btn-zoom-in", 1.5), ("btn-zoom-out", 1.0 / 1.5), ("btn-zoom-fit", 0.0)] {
        let a = app.clone();
        root.on::<Event>(id, "click", move |_| {
            let mut f = a.borrow_mut();
            if factor == 0.0 {
                f.g.zoom = 1.0;
                f.apply_zoom();
            } else {
                f.zoom_by(factor);
            }
        });
    }
    let a = app.clone();
    root.on::<web_sys::WheelEvent>("graph-host", "wheel", move |e| {
        if !e.ctrl_key() {
            return;
        }
        e.prevent_default();
        a.borrow_mut().zoom_by(if e.delta_y() < 0.0 { 1.2 } else { 1.0 / 1.2 });
    });
    // (x, y, scrollLeft, scrollTop) where a pan started
    let pan: Rc<Cell<Option<PanStart>>> = Rc::new(Cell::new(None));
    let (a, p) = (app.clone(), pan.clone());
    root.on::<PointerEvent>("graph-host", "pointerdown", move |e| {
        if e.default_prevented() || e.button() != 0 || a.borrow().g.zoom <= 1.0 {
            return;
        }
        let Some(host) = a.borrow().root.find("graph-host") else { return };
        p.set(Some((e.client_x(), e.client_y(), host.scroll_left(), host.scroll_top())));
        let _ = host.set_pointer_capture(e.pointer_id());
    });
    let (a, p) = (app.clone(), pan.clone());
    root.on::<PointerEvent>("graph-host", "pointermove", move |e| {
        let Some((x, y, left, top)) = p.get() else { return };
        let Some(host) = a.borrow().root.find("graph-host") else { return };
        host.set_scroll_left(left - (e.client_x() - x));
        host.set_scroll_top(top - (e.client_y() - y));
    });
    for kind in ["pointerup", "pointercancel"] {
        let p = pan.clone();
        root.on::<PointerEvent>("graph-host", kind, move |_| p.set(None));
    }
    wire_pinch(app, root, pan);
}

/// Two fingers on the graph zoom it by how far they spread or close (the style sheet's
/// `touch-action` leaves pinching to the figure, not the page); lifting one ends the pinch.
fn wire_pinch(app: &Shared, root: &Root, pan: Rc<Cell<Option<PanStart>>>) {
    // the touching fingers (pointer id, x, y), and (distance, zoom) when the pinch began
    let fingers: Rc<std::cell::RefCell<Vec<(i32, f64, f64)>>> = Rc::default();
    let pinch: Rc<Cell<Option<(f64, f64)>>> = Rc::default();
    let spread = |f: &[(i32, f64, f64)]| (f[0].1 - f[1].1).hypot(f[0].2 - f[1].2).max(1.0);
    let (a, fs, pi) = (app.clone(), fingers.clone(), pinch.clone());
    root.on::<PointerEvent>("graph-host", "pointerdown", move |e| {
        if e.pointer_type() != "touch" {
            return;
        }
        let mut f = fs.borrow_mut();
        f.retain(|t| t.0 != e.pointer_id());
        f.push((e.pointer_id(), f64::from(e.client_x()), f64::from(e.client_y())));
        if f.len() == 2 {
            pan.set(None);
            if let Ok(mut fig) = a.try_borrow_mut() {
                fig.g.drag = None;
                pi.set(Some((spread(&f), fig.g.zoom)));
            }
        }
    });
    let (a, fs, pi) = (app.clone(), fingers.clone(), pinch.clone());
    root.on::<PointerEvent>("graph-host", "pointermove", move |e| {
        let mut f = fs.borrow_mut();
        let Some(t) = f.iter_mut().find(|t| t.0 == e.pointer_id()) else { return };
        (t.1, t.2) = (f64::from(e.client_x()), f64::from(e.client_y()));
        let (Some((d0, z0)), 2) = (pi.get(), f.len()) else { return };
        e.prevent_default();
        if let Ok(mut fig) = a.try_borrow_mut() {
            fig.g.zoom = (z0 * spread(&f) / d0).clamp(1.0, MAX_ZOOM);
            fig.apply_zoom();
        }
    });
    for kind in ["pointerup", "pointercancel"] {
        let (fs, pi) = (fingers.clone(), pinch.clone());
        root.on::<PointerEvent>("graph-host", kind, move |e| {
            let mut f = fs.borrow_mut();
            f.retain(|t| t.0 != e.pointer_id());
            if f.len() < 2 {
                pi.set(None);
            }
        });
    }
}

/// The editor re-renders 250 ms after the last keystroke; a preset replaces the text; the σ
/// box redraws σ as one gate or its primitives.
fn wire_editor(app: &Shared, root: &Root) {
    // One callback for the figure's life, set again on every keystroke: a fresh one per
    // keystroke would be leaked each time the next keystroke cancels its timer.
    let b = app.clone();
    let reparse = Closure::<dyn FnMut()>::new(move || {
        let mut f = b.borrow_mut();
        f.g.debounce = None;
        if let Some(t) = textarea(&f.root) {
            let text = t.value();
            let f = &mut *f;
            f.g.set_source(&mut f.state, &text);
        }
        f.render_graph();
    });
    let reparse: js_sys::Function = reparse.into_js_value().unchecked_into();
    let a = app.clone();
    root.on::<Event>("source", "input", move |_| {
        let Some(w) = web_sys::window() else { return };
        if let Some(h) = a.borrow_mut().g.debounce.take() {
            w.clear_timeout_with_handle(h);
        }
        if let Ok(h) = w.set_timeout_with_callback_and_timeout_and_arguments_0(&reparse, 250) {
            a.borrow_mut().g.debounce = Some(h);
        }
    });
    let a = app.clone();
    root.on::<Event>("preset", "change", move |e| {
        let Some(sel) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else { return };
        let Some(p) = PRESETS.iter().find(|p| p.id == sel.value()) else { return };
        let mut f = a.borrow_mut();
        f.state.backward = Backward::None;
        f.state.forward = true;
        f.set_source(p.source);
        f.render_graph();
    });
    let a = app.clone();
    root.on::<Event>("expand-sigmoid", "change", move |e| {
        let checked = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|c| c.checked());
        let mut f = a.borrow_mut();
        f.state.expand_sigmoid = checked;
        let src = f.state.source.clone();
        let keep = f.state.backward;
        f.set_source(&src);
        f.state.backward = if keep == Backward::All { Backward::All } else { Backward::None };
        f.render_graph();
    });
}

fn wire_buttons(app: &Shared, root: &Root) {
    for (id, action) in [("btn-forward", 0), ("btn-backward", 1), ("btn-step", 2), ("btn-reset", 3)] {
        let a = app.clone();
        root.on::<Event>(id, "click", move |_| {
            let mut f = a.borrow_mut();
            f.graph_action(action);
            f.render_graph();
        });
    }
}

/// Arrows on the focused graph step; Enter on a value opens its editor.
fn wire_keys(app: &Shared, root: &Root) {
    let a = app.clone();
    root.on::<KeyboardEvent>("graph-host", "keydown", move |e| {
        let mut f = a.borrow_mut();
        match e.key().as_str() {
            "ArrowRight" | "ArrowDown" => f.step_graph(1),
            "ArrowLeft" | "ArrowUp" => f.step_graph(-1),
            "Enter" | " " => {
                if let Some((node, el)) = f.editable_value_node(e.target()) {
                    e.prevent_default();
                    f.open_editor(node, &el);
                }
                return;
            }
            _ => return,
        }
        e.prevent_default();
        f.render_graph();
    });
}

/// A press on an input's value: a drag scrubs it (the pointer is captured by the graph, so
/// the drag goes on outside it), a click opens the editor.
fn wire_values(app: &Shared, root: &Root) {
    let a = app.clone();
    root.on::<PointerEvent>("graph-host", "pointerdown", move |e| {
        let mut f = a.borrow_mut();
        if let Some((node, _)) = f.editable_value_node(e.target()) {
            e.prevent_default();
            if let Some(host) = f.root.get("graph-host") {
                let _ = host.set_pointer_capture(e.pointer_id());
            }
            let start_value = f.g.input_value(node).unwrap_or(0.0);
            f.g.drag = Some(Drag { node, start_x: f64::from(e.client_x()), start_value, moved: false });
        }
    });
    let a = app.clone();
    root.on::<PointerEvent>("graph-host", "pointermove", move |e| {
        let mut f = a.borrow_mut();
        let Some(d) = f.g.drag.as_mut() else { return };
        let dx = f64::from(e.client_x()) - d.start_x;
        if !d.moved && dx.abs() < 4.0 {
            return;
        }
        d.moved = true;
        // 0.01 per pixel for values near 1, proportionally more for larger values
        let scale = d.start_value.abs().max(1.0) * 0.01;
        let v = ((d.start_value + dx * scale) / scale).round() * scale;
        let v = (v * 1e6).round() / 1e6;
        let node = d.node;
        f.set_input_value(node, v);
        f.render_graph();
    });
    for kind in ["pointerup", "pointercancel"] {
        let a = app.clone();
        root.on::<PointerEvent>("graph-host", kind, move |_| {
            let mut f = a.borrow_mut();
            let Some(d) = f.g.drag.take() else { return };
            if !d.moved && kind == "pointerup" {
                let label = f.g.scene.graph.label(d.node);
                let el = f
                    .root
                    .get("graph")
                    .and_then(|g| g.query_selector(&format!("g.node[data-name=\"{label}\"] .editable")).ok().flatten());
                if let Some(el) = el {
                    f.open_editor(d.node, &el);
                }
            }
        });
    }
    let a = app.clone();
    // Enter commits, Esc cancels; either way the focus goes back to the value edited
    root.on::<KeyboardEvent>("value-editor", "keydown", move |e| match e.key().as_str() {
        "Enter" | "Escape" => {
            e.prevent_default();
            e.stop_propagation(); // (Esc here is the editor's, not the figure's "give focus back")
            let name = {
                let mut f = a.borrow_mut();
                let name = f.g.editing.map(|n| f.g.scene.graph.label(n));
                if e.key() == "Enter" {
                    f.commit_editor();
                } else {
                    f.g.editing = None;
                    if let Some(i) = value_editor(&f.root) {
                        i.set_hidden(true);
                    }
                }
                name
            };
            // (outside the borrow: focusing blurs the editor, whose handler borrows)
            if let Some(n) = name {
                a.borrow().focus_value(&n);
            }
        }
        _ => {}
    });
    let a = app.clone();
    root.on::<Event>("value-editor", "blur", move |_| {
        if let Ok(mut f) = a.try_borrow_mut() {
            f.commit_editor();
        }
    });
}
