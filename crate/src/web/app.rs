//! The wasm entry point: reads the URL into a [`State`], draws it, and turns events into state
//! changes. One `App` lives in an `Rc<RefCell<_>>` shared by the event closures; every change
//! goes through [`App::render`], which redraws from the state and writes the URL.

use super::dom::{self, by_id};
use super::state::{Backward, State, View, PRESETS};
use super::view::{gradcheck_table, graph_svg, nodes_table, step_text, Scene, Shown};
use crate::expr::{parse_with_spans, set_input, InputSpan, Options, ParseError};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, PointerEvent};

/// A press on an input's value: a click opens the editor, a drag scrubs the value.
struct Drag {
    node: usize,
    start_x: f64,
    start_value: f64,
    moved: bool,
}

struct App {
    state: State,
    /// The last graph that parsed; stays on screen while the text has an error.
    scene: Scene,
    spans: Vec<InputSpan>,
    /// The current text's parse error, with the text it belongs to.
    error: Option<(ParseError, String)>,
    /// Messages about the URL (an unknown view, a bad step number…).
    notices: Vec<String>,
    debounce: Option<i32>,
    drag: Option<Drag>,
    /// Node whose value the editor is open on.
    editing: Option<usize>,
}

type Shared = Rc<RefCell<App>>;

fn options(state: &State) -> Options {
    Options { expand_sigmoid: state.expand_sigmoid }
}

impl App {
    /// Parses `source`; on success it becomes the state's source and the scene, on failure the
    /// error is kept and the last good scene stays.
    fn set_source(&mut self, source: &str) {
        match parse_with_spans(source, options(&self.state)) {
            Ok((graph, spans)) => {
                let same_shape = self.scene.graph.len() == graph.len();
                self.scene = Scene::new(graph);
                self.spans = spans;
                self.error = None;
                self.state.source = source.to_string();
                if let Backward::Steps(_) = self.state.backward {
                    if !same_shape {
                        self.state.backward = Backward::None;
                    }
                }
            }
            Err(e) => self.error = Some((e, source.to_string())),
        }
    }

    fn total_steps(&self) -> usize {
        self.scene.trace.steps.len()
    }

    fn shown(&self) -> Shown {
        let total = self.total_steps();
        let (steps, stepping) = match self.state.backward {
            Backward::None => (0, false),
            Backward::Steps(k) => (k.min(total), true),
            Backward::All => (total, false),
        };
        Shown { forward: self.state.forward, steps, stepping }
    }

    /// Moves the step-through by `delta` steps. After a full Backward, stepping starts again
    /// from the output.
    fn step(&mut self, delta: isize) {
        let total = self.total_steps() as isize;
        let k = match self.state.backward {
            Backward::All if delta > 0 => delta,
            _ => self.shown().steps as isize + delta,
        };
        self.state.forward = true;
        self.state.backward = if k <= 0 { Backward::None } else { Backward::Steps(k.min(total) as usize) };
    }

    /// Redraws everything from the state and writes the URL.
    fn render(&self) {
        let shown = self.shown();
        let had_focus = dom::document().active_element().map(|e| e.id()) == Some("graph".to_string());
        dom::mount("graph-host", &graph_svg(&self.scene, shown));
        if had_focus {
            if let Some(svg) = by_id("graph").and_then(|e| e.dyn_into::<web_sys::SvgElement>().ok()) {
                let _ = svg.focus();
            }
        }
        dom::mount("nodes-host", &nodes_table(&self.scene, shown));
        dom::mount("gradcheck-host", &gradcheck_table(&self.scene.graph, &self.scene.graph.gradcheck()));
        dom::set_text("step-panel", &step_text(&self.scene, shown));
        dom::set_text("step-count", &format!("step {} / {}", shown.steps, self.total_steps()));
        if let Some(b) = by_id("btn-step").and_then(|e| e.dyn_into::<web_sys::HtmlButtonElement>().ok()) {
            b.set_disabled(shown.stepping && shown.steps >= self.total_steps());
        }
        match &self.error {
            Some((e, src)) => {
                dom::set_text("error-message", &format!("{e}"));
                dom::set_text("error-caret", &e.caret(src));
                dom::set_hidden("error", false);
            }
            None => dom::set_hidden("error", true),
        }
        let problems: Vec<String> = self
            .scene
            .graph
            .problems()
            .iter()
            .map(|p| format!("{}: {}", self.scene.graph.label(p.node), p.message))
            .collect();
        dom::set_text("problems", &problems.join("\n"));
        dom::set_hidden("problems", problems.is_empty());
        dom::set_text("notice", &self.notices.join(" "));
        dom::set_hidden("notice", self.notices.is_empty());
        if let Some(sel) = by_id("preset").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()) {
            let id = match self.error {
                Some(_) => "custom",
                None => PRESETS.iter().find(|p| p.source == self.state.source).map_or("custom", |p| p.id),
            };
            sel.set_value(id);
        }
        if let Some(cb) = by_id("expand-sigmoid").and_then(|e| e.dyn_into::<HtmlInputElement>().ok()) {
            cb.set_checked(self.state.expand_sigmoid);
        }
        self.write_url();
    }

    fn write_url(&self) {
        if self.error.is_some() && self.state.source.is_empty() {
            return;
        }
        write_url(&self.state);
    }

    fn input_value(&self, node: usize) -> Option<f64> {
        self.scene.graph.node(node).map(|n| n.value)
    }

    /// Sets an input's value by rewriting its number in the source.
    fn set_input_value(&mut self, node: usize, value: f64) {
        if !value.is_finite() {
            return;
        }
        let Some(span) = self.spans.iter().find(|s| s.node == node).copied() else { return };
        let source = set_input(&self.state.source, span, value);
        self.set_source(&source);
        if let Some(t) = textarea() {
            t.set_value(&self.state.source);
        }
    }
}

/// Writes the state into the address bar (replacing the entry: no history per keystroke).
/// In a training view, the links to the other two carry the same settings, so opening one
/// in a new tab (or sharing it) keeps the data, network and rates.
pub(super) fn write_url(state: &State) {
    if let Some(w) = web_sys::window() {
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&query(state)));
        }
    }
    if state.view != View::Graph {
        for (view, name) in super::state::VIEWS.into_iter().filter(|v| v.0 != View::Graph) {
            if let Some(link) = by_id(&format!("nav-{name}")) {
                let _ = link.set_attribute("href", &query(&State { view, ..state.clone() }));
            }
        }
    }
}

/// `?` and the state's query string.
pub(super) fn query(state: &State) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else { return "?".into() };
    for (k, v) in state.to_query() {
        params.append(&k, &v);
    }
    format!("?{}", String::from(params.to_string()))
}

fn textarea() -> Option<HtmlTextAreaElement> {
    by_id("source").and_then(|e| e.dyn_into().ok())
}

fn value_editor() -> Option<HtmlInputElement> {
    by_id("value-editor").and_then(|e| e.dyn_into().ok())
}

/// Reads the query string as key/value pairs (the browser does the decoding).
fn query_pairs() -> Vec<(String, String)> {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return vec![] };
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&params) {
        for entry in iter.flatten() {
            let pair = js_sys::Array::from(&entry);
            out.push((pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string().unwrap_or_default()));
        }
    }
    out
}

/// Adds a listener that lives as long as the page.
pub(super) fn on<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
    target: &web_sys::EventTarget,
    kind: &str,
    f: impl FnMut(E) + 'static,
) {
    let cb = Closure::<dyn FnMut(E)>::new(f);
    let _ = target.add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref());
    cb.forget();
}

pub(super) fn on_id<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
    id: &str,
    kind: &str,
    f: impl FnMut(E) + 'static,
) {
    if let Some(el) = by_id(id) {
        on(&el, kind, f);
    }
}

/// The input node under an event target, when the target is an editable value label.
fn editable_value_node(app: &App, target: Option<web_sys::EventTarget>) -> Option<(usize, Element)> {
    let el: Element = target?.dyn_into().ok()?;
    if !el.class_list().contains("editable") {
        return None;
    }
    let g = el.closest("g.node").ok()??;
    let name = g.get_attribute("data-name")?;
    Some((app.scene.graph.find(&name)?, el))
}

fn open_editor(app: &mut App, node: usize, anchor: &Element) {
    let Some(input) = value_editor() else { return };
    let r = anchor.get_bounding_client_rect();
    let style = input.style();
    let _ = style.set_property("left", &format!("{}px", r.left() - 10.0));
    let _ = style.set_property("top", &format!("{}px", r.top() - 4.0));
    input.set_value(&app.input_value(node).map(crate::graph::fmt_full).unwrap_or_default());
    input.set_hidden(false);
    let _ = input.focus();
    input.select();
    app.editing = Some(node);
}

fn commit_editor(app: &mut App) {
    let (Some(node), Some(input)) = (app.editing.take(), value_editor()) else { return };
    input.set_hidden(true);
    let text = input.value();
    match text.trim().replace('−', "-").parse::<f64>() {
        Ok(v) if v.is_finite() => {
            app.set_input_value(node, v);
            app.notices.clear();
        }
        _ => app.notices = vec![format!("“{text}” is not a number; the value was left as it was.")],
    }
    app.render();
}

#[wasm_bindgen(start)]
pub fn start() {
    // Only on the page: the same module also loads under Node (benchmarks, the JS API) and in
    // pages that only use the JS API, where there is nothing to draw into.
    let has_page =
        web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.get_element_by_id("graph-host").is_some());
    if !has_page {
        return;
    }
    let (mut state, notices) = State::from_query(&query_pairs());
    let doc = dom::document();
    if let Some(link) = by_id(&format!("nav-{}", state.view.name())) {
        let _ = link.set_attribute("aria-current", "page");
    }
    if state.embed {
        if let Some(body) = doc.body() {
            let _ = body.class_list().add_1("embed");
        }
    }
    if state.view != View::Graph {
        super::lab::start(state, notices);
        if let Some(body) = doc.body() {
            let _ = body.set_attribute("data-ready", "1");
        }
        return;
    }
    dom::set_hidden("graph-view", false);
    let requested = state.source.clone();
    // the default example, in case the requested text does not parse
    let fallback = State::default().source;
    let (graph, spans) = match parse_with_spans(&fallback, options(&state)) {
        Ok(x) => x,
        Err(_) => (crate::graph::Graph::new(), vec![]),
    };
    state.source = fallback;
    let mut app =
        App { state, scene: Scene::new(graph), spans, error: None, notices, debounce: None, drag: None, editing: None };
    let backward = app.state.backward;
    app.set_source(&requested);
    app.state.backward = backward;
    if let Some(sel) = by_id("preset").and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()) {
        for p in PRESETS {
            if let Ok(opt) = doc.create_element("option") {
                let _ = opt.set_attribute("value", p.id);
                opt.set_text_content(Some(p.title));
                let _ = sel.append_child(&opt);
            }
        }
        if let Ok(opt) = doc.create_element("option") {
            let _ = opt.set_attribute("value", "custom");
            opt.set_text_content(Some("Your own expression"));
            let _ = sel.append_child(&opt);
        }
    }
    if let Some(t) = textarea() {
        t.set_value(&requested);
    }
    let app: Shared = Rc::new(RefCell::new(app));
    wire(&app);
    app.borrow().render();
    if let Some(body) = doc.body() {
        let _ = body.set_attribute("data-ready", "1");
    }
}

fn wire(app: &Shared) {
    // the editor: re-render 250 ms after the last keystroke
    let a = app.clone();
    on_id::<Event>("source", "input", move |_| {
        let Some(w) = web_sys::window() else { return };
        if let Some(h) = a.borrow_mut().debounce.take() {
            w.clear_timeout_with_handle(h);
        }
        let b = a.clone();
        let cb = Closure::once_into_js(move || {
            let mut app = b.borrow_mut();
            app.debounce = None;
            if let Some(t) = textarea() {
                app.set_source(&t.value());
            }
            app.render();
        });
        if let Ok(h) = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 250) {
            a.borrow_mut().debounce = Some(h);
        }
    });

    let a = app.clone();
    on_id::<Event>("preset", "change", move |e| {
        let Some(sel) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) else { return };
        let Some(p) = PRESETS.iter().find(|p| p.id == sel.value()) else { return };
        let mut app = a.borrow_mut();
        app.state.backward = Backward::None;
        app.state.forward = true;
        app.set_source(p.source);
        if let Some(t) = textarea() {
            t.set_value(p.source);
        }
        app.render();
    });

    let a = app.clone();
    on_id::<Event>("expand-sigmoid", "change", move |e| {
        let checked = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|c| c.checked());
        let mut app = a.borrow_mut();
        app.state.expand_sigmoid = checked;
        let src = app.state.source.clone();
        let keep = app.state.backward;
        app.set_source(&src);
        app.state.backward = if keep == Backward::All { Backward::All } else { Backward::None };
        app.render();
    });

    for (id, action) in [("btn-forward", 0), ("btn-backward", 1), ("btn-step", 2), ("btn-reset", 3)] {
        let a = app.clone();
        on_id::<Event>(id, "click", move |_| {
            let mut app = a.borrow_mut();
            match action {
                0 => {
                    app.state.forward = true;
                    app.state.backward = Backward::None;
                }
                1 => {
                    app.state.forward = true;
                    app.state.backward = Backward::All;
                }
                2 => app.step(1),
                _ => {
                    app.state.forward = false;
                    app.state.backward = Backward::None;
                }
            }
            app.render();
        });
    }

    // keyboard on the graph: arrows step; Enter on a value opens its editor
    let a = app.clone();
    on_id::<KeyboardEvent>("graph-host", "keydown", move |e| {
        let mut app = a.borrow_mut();
        match e.key().as_str() {
            "ArrowRight" | "ArrowDown" => app.step(1),
            "ArrowLeft" | "ArrowUp" => app.step(-1),
            "Enter" | " " => {
                if let Some((node, el)) = editable_value_node(&app, e.target()) {
                    e.prevent_default();
                    open_editor(&mut app, node, &el);
                }
                return;
            }
            _ => return,
        }
        e.prevent_default();
        app.render();
    });

    // press on an input's value: drag scrubs it, a click opens the editor
    let a = app.clone();
    on_id::<PointerEvent>("graph-host", "pointerdown", move |e| {
        let mut app = a.borrow_mut();
        if let Some((node, _)) = editable_value_node(&app, e.target()) {
            e.prevent_default();
            let start_value = app.input_value(node).unwrap_or(0.0);
            app.drag = Some(Drag { node, start_x: f64::from(e.client_x()), start_value, moved: false });
        }
    });
    let Some(window) = web_sys::window() else { return };
    let a = app.clone();
    on::<PointerEvent>(&window, "pointermove", move |e| {
        let mut app = a.borrow_mut();
        let Some(d) = app.drag.as_mut() else { return };
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
        app.set_input_value(node, v);
        app.render();
    });
    let a = app.clone();
    on::<PointerEvent>(&window, "pointerup", move |e| {
        let mut app = a.borrow_mut();
        let Some(d) = app.drag.take() else { return };
        if !d.moved {
            if let Some((node, el)) = editable_value_node(&app, e.target()) {
                open_editor(&mut app, node, &el);
            } else if let Some(el) = by_id("graph").and_then(|g| {
                g.query_selector(&format!("g.node[data-name=\"{}\"] .editable", app.scene.graph.label(d.node)))
                    .ok()
                    .flatten()
            }) {
                open_editor(&mut app, d.node, &el);
            }
        }
    });

    let a = app.clone();
    on_id::<KeyboardEvent>("value-editor", "keydown", move |e| match e.key().as_str() {
        "Enter" => {
            e.prevent_default();
            commit_editor(&mut a.borrow_mut());
        }
        "Escape" => {
            let mut app = a.borrow_mut();
            app.editing = None;
            if let Some(i) = value_editor() {
                i.set_hidden(true);
            }
        }
        _ => {}
    });
    let a = app.clone();
    on_id::<Event>("value-editor", "blur", move |_| {
        if let Ok(mut app) = a.try_borrow_mut() {
            commit_editor(&mut app);
        }
    });
}
