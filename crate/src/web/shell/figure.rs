//! A figure: one [`State`] mounted on a root element, with everything the four views need —
//! the graph's scene and the live [`Trainer`] — in one value. Views switch in place (no page
//! load), so the expression, its step, every lab setting and the run survive every switch.
//!
//! [`mount`] builds the skeleton (`model::skeleton`) inside the root and wires it; the page's
//! figure ([`Host::Page`]) alone reads and writes the address bar and the history; an
//! element's figure ([`Host::Element`]) touches nothing outside its root.

use super::dom::{self, Root};
use super::graph::GraphPart;
use super::guest;
use super::lab::{self, Job, Perf};
use crate::sweep::LrSweep;
use crate::train::Trainer;
use crate::web::model::plot_math::Frame;
use crate::web::model::skeleton::{self, VIEW_MAINS};
use crate::web::model::state::{State, View, VIEWS};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, MouseEvent};

/// Where a figure lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// The full page (`index.html`): reads and writes the address bar, keeps history entries
    /// for view changes; with `chrome` the header, nav and footer.
    Page { chrome: bool },
    /// A `<backprop-lab>` element on a host page: its attributes are the query.
    Element,
}

/// The requestAnimationFrame callback of one figure, shared so each frame can ask for the next.
pub type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Labelled (x, y) curves: a label per curve.
pub type LabelledCurves = (Vec<String>, Vec<Vec<(f64, f64)>>);

pub struct Figure {
    pub state: State,
    pub root: Root,
    pub host: Host,
    /// The graph view: its scene, parse error, editor and drag.
    pub g: GraphPart,
    /// The view a training point's graph was opened from ("Back to training" returns there).
    pub back_to: Option<View>,
    pub raf: FrameCallback,
    // ---- the training views (see `lab`) ----
    pub trainer: LazyTrainer,
    pub playing: bool,
    /// (step, train loss, test loss)
    pub history: Vec<(f64, f64, f64)>,
    /// The regularization's penalty at each point of `history` (rebuilt as NaN when the two
    /// lengths differ: the history was cleared or read from a file).
    pub penalties: Vec<f64>,
    pub frame: u64,
    pub examples: u64,
    pub running: bool,
    pub job: Option<Job>,
    /// The lecture's NumPy network, once its exercise's Train is pressed.
    pub lecture: Option<super::exercise::LectureRun>,
    /// The layer view as last drawn: its layers (a quiz's answers are checked against the
    /// numbers on screen) and tree (patched, so a box being typed in stays).
    pub layers_shown: RefCell<(Vec<crate::tensor::LayerSnapshot>, Option<crate::web::model::view::El>)>,
    /// The weight or bias being typed in the network's editor: (layer from 0, input or None
    /// for the bias, neuron).
    pub editing: Option<(usize, Option<usize>, usize)>,
    /// The step-size view's iterate looked at (from 1) and how much of its update is shown
    /// (0: all of it; 1, 2, 3: Build the step's gradient, velocity, step).
    pub step_k: usize,
    pub step_phase: u8,
    /// The layer view's quiz answers (`quiz=1`).
    pub layer_quiz: crate::web::model::quiz::Quiz,
    pub sweep: Option<LrSweep<Trainer>>,
    pub range: Option<crate::sweep::RangeTest<Trainer>>,
    pub compare: Option<[Vec<(f64, f64)>; 2]>,
    /// The learning-rate view's last race: each optimizer's label and (step, loss) curve.
    pub race: Option<LabelledCurves>,
    /// The sweep's runs whose loss curves are shown (None: five across the range and the best).
    pub picked: Option<Vec<usize>>,
    /// Where the sweep plot put its axes (drawing takes `&self`, hence the cell), for clicks.
    pub lr_frame: RefCell<Option<Frame>>,
    pub contour_frame: Option<Frame>,
    pub dragging: bool,
    /// Start of the descent on the live network's two weights (None: the current weights).
    pub net_start: Option<(f64, f64)>,
    pub perf: Perf,
    /// The hidden 100×100 canvas the boundary image is put on before scaling.
    pub scratch: Option<HtmlCanvasElement>,
    /// Where the plane was drawn last, for clicks and the keyboard's cross.
    pub plane_frame: Option<Frame>,
    /// The keyboard's cross on the plane, in data coordinates, while the plane has focus.
    pub cross: Option<(f64, f64)>,
    /// Steps per training chunk, tuned so a chunk takes about a millisecond.
    pub chunk: usize,
    /// Average time a frame spends drawing, in ms.
    pub draw_ms: f64,
    /// Whether the step-size view has been shown (opened first, it trains a little).
    pub step_seen: bool,
    /// A training point's graph the plane asked to open (done once its borrow ends).
    pub open_example: Option<String>,
    /// Whether the training views' controls are filled and wired (on their first showing: a
    /// graph figure never pays for them).
    pub lab_ready: bool,
    /// The figure itself, weakly (for callbacks it schedules).
    pub me: std::rc::Weak<RefCell<Figure>>,
    /// A change notice is queued for the host (`guest`).
    pub change_queued: std::cell::Cell<bool>,
    /// Why it is not training now: off-screen, the tab hidden, its slide hidden (`guest`'s bits).
    pub away: u8,
    /// Whether `run=` has started its experiment.
    pub ran: bool,
    /// When slow motion last stepped (ms).
    pub slow_at: f64,
    /// The learning-rate view's experiment that finished last (its summary is shown).
    pub last_experiment: Option<&'static str>,
    /// The folder the lab is served from, for links and snippets (empty: the page's).
    pub base: String,
}

pub type Shared = Rc<RefCell<Figure>>;

/// The live trainer, built from the settings on first use (a figure that only shows a graph
/// never builds one). Reads and writes as a [`Trainer`]; the training views call
/// [`LazyTrainer::ensure`] before any use, to say why the settings could not train.
pub struct LazyTrainer {
    cell: std::cell::OnceCell<Trainer>,
    lab: crate::web::model::lab_state::Lab,
}

impl LazyTrainer {
    pub fn new(lab: &crate::web::model::lab_state::Lab) -> LazyTrainer {
        LazyTrainer { cell: std::cell::OnceCell::new(), lab: lab.clone() }
    }

    /// The trainer, if one was built (a figure that only showed a graph has none).
    pub fn built(&self) -> Option<&Trainer> {
        self.cell.get()
    }

    /// A trainer built already (`rebuild`).
    pub fn ready(t: Trainer) -> LazyTrainer {
        LazyTrainer { cell: std::cell::OnceCell::from(t), lab: Default::default() }
    }

    /// Builds the trainer if it is not there yet; the message says why the settings could not
    /// train (and the default network is used), when they could not.
    pub fn ensure(&mut self) -> Option<String> {
        if self.cell.get().is_some() {
            return None;
        }
        let (t, message) = lab::build_trainer(&self.lab);
        let _ = self.cell.set(t);
        message
    }
}

impl std::ops::Deref for LazyTrainer {
    type Target = Trainer;
    fn deref(&self) -> &Trainer {
        self.cell.get_or_init(|| lab::build_trainer(&self.lab).0)
    }
}

impl std::ops::DerefMut for LazyTrainer {
    fn deref_mut(&mut self) -> &mut Trainer {
        let _ = self.ensure();
        match self.cell.get_mut() {
            Some(t) => t,
            None => unreachable!("ensure filled the cell"),
        }
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Mounts a figure on `el` (its children are replaced): the state read from `pairs` (the URL's
/// or the element's attributes), the skeleton built inside, every event wired, the view drawn.
pub fn mount(el: Element, pairs: &[(String, String)], host: Host, base: &str) -> Option<Shared> {
    let t0 = now();
    let doc = dom::document()?;
    let (mut state, notices) = State::from_query(pairs);
    let chrome = matches!(host, Host::Page { chrome: true }) && !state.embed;
    el.set_text_content(None);
    el.append_child(&dom::build(&doc, &skeleton::frame(chrome))?.into()).ok()?;
    let _ = el.class_list().add_1("bpl");
    if state.embed || host == Host::Element {
        let _ = el.class_list().add_1("embed");
    }
    let root = Root::new(el);
    // the trainer is built when a training view first needs it: a graph figure never pays
    let trainer = LazyTrainer::new(&state.lab);
    let view = state.view;
    // the URL's messages go with the view they are shown in
    let (graph_notices, lab_notices) = if view == View::Graph { (notices, vec![]) } else { (vec![], notices) };
    let g = GraphPart::new(&mut state, graph_notices);
    let fig = Figure {
        g,
        back_to: None,
        raf: Rc::new(RefCell::new(None)),
        root: root.clone(),
        host,
        trainer,
        playing: false,
        history: vec![],
        frame: 0,
        examples: 0,
        running: false,
        job: None,
        sweep: None,
        range: None,
        compare: None,
        race: None,
        picked: None,
        lr_frame: RefCell::new(None),
        contour_frame: None,
        dragging: false,
        net_start: None,
        perf: Perf { frames: vec![], examples: vec![] },
        scratch: None,
        plane_frame: None,
        cross: None,
        chunk: 8,
        draw_ms: 4.0,
        step_seen: false,
        open_example: None,
        lab_ready: false,
        lecture: None,
        penalties: Vec::new(),
        layers_shown: RefCell::new((Vec::new(), None)),
        layer_quiz: Default::default(),
        editing: None,
        step_k: 1,
        step_phase: 0,
        me: std::rc::Weak::new(),
        change_queued: std::cell::Cell::new(false),
        away: 0,
        ran: false,
        slow_at: 0.0,
        last_experiment: None,
        base: base.to_string(),
        state,
    };
    fig.notice(&lab_notices.join("\n"));
    let app: Shared = Rc::new(RefCell::new(fig));
    app.borrow_mut().me = Rc::downgrade(&app);
    lab::start_loop(&app);
    super::graph::init(&app);
    wire_nav(&app);
    guest::init(&app);
    super::lab_files::wire(&app);
    guest::apply(&app);
    show(&app, view);
    let ms = now() - t0;
    root.el.set_attribute("data-mount-ms", &format!("{ms:.1}")).ok()?;
    Some(app)
}

impl Figure {
    /// Shows a message above the training views (empty: hides it).
    pub fn notice(&self, text: &str) {
        self.root.set_text("lab-notice", text);
        self.root.set_hidden("lab-notice", text.is_empty());
    }

    /// Writes the state into the address bar (the page's figure only; replacing the entry: no
    /// history per keystroke), and into the nav links, so opening one in a new tab keeps it all.
    pub fn write_url(&self) {
        self.queue_change();
        if !matches!(self.host, Host::Page { .. }) {
            return;
        }
        let url = query(&self.state);
        if self.g.scene.graph.len() > DEFER_URL_NODES {
            replace_url_after_paint(url);
        } else {
            replace_url(&url);
        }
        for (view, name) in VIEWS {
            if let Some(link) = self.root.find(&format!("nav-{name}")) {
                let _ = link.set_attribute("href", &query(&State { view, ..self.state.clone() }));
            }
        }
    }

    /// The query string of this figure's state (the element's `state` property).
    pub fn query(&self) -> String {
        query(&self.state)
    }
}

/// Graphs with more nodes than this write the address bar after the next paint: the browser
/// lays the page out to save its scroll position with the entry, which on a 2,000-node graph
/// doubled the time a Step took to answer. Smaller graphs write it at once.
const DEFER_URL_NODES: usize = 300;

thread_local! {
    /// The address waiting to be written after the next paint (the page's figure only).
    static PENDING_URL: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn replace_url(url: &str) {
    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(url));
    }
}

/// Writes `url` once the next frame is painted; later calls before then only change which
/// address is written.
fn replace_url_after_paint(url: String) {
    let waiting = PENDING_URL.with(|p| p.borrow_mut().replace(url).is_some());
    let Some(w) = web_sys::window() else { return };
    if waiting {
        return;
    }
    let after_paint = Closure::once_into_js(move || {
        let cb = Closure::once_into_js(flush_url);
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(cb.unchecked_ref());
        }
    });
    let _ = w.request_animation_frame(after_paint.unchecked_ref());
}

/// Writes the waiting address now (before a history entry is pushed, so it lands on its own).
fn flush_url() {
    if let Some(url) = PENDING_URL.with(|p| p.borrow_mut().take()) {
        replace_url(&url);
    }
}

/// `?` and the state's query string.
pub fn query(state: &State) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else { return "?".into() };
    for (k, v) in state.to_query() {
        params.append(&k, &v);
    }
    format!("?{}", String::from(params.to_string()))
}

/// Shows `view` (its `<main>`, the nav's current link, `data-view` on the root) and draws it.
fn show(app: &Shared, view: View) {
    let root = app.borrow().root.clone();
    if view != View::Graph && !app.borrow().lab_ready {
        app.borrow_mut().lab_ready = true;
        lab::init(app);
    }
    for (name, main) in VIEW_MAINS {
        root.set_hidden(main, name != view.name());
        if let Some(link) = root.find(&format!("nav-{name}")) {
            let _ = if name == view.name() {
                link.set_attribute("aria-current", "page")
            } else {
                link.remove_attribute("aria-current")
            };
        }
    }
    let _ = root.el.set_attribute("data-view", view.name());
    if let Some(host) = root.el.get_root_node().dyn_ref::<web_sys::ShadowRoot>().map(|s| s.host()) {
        let _ = host.set_attribute("data-view", view.name());
    }
    {
        let mut a = app.borrow_mut();
        a.state.view = view;
        if view != View::Graph {
            a.back_to = None;
        }
        let back = a.back_to.is_some();
        a.root.set_hidden("btn-back-train", !back);
        if view == View::Step && !a.step_seen && a.trainer.steps() == 0 {
            // opened directly, the step-size view starts from a network that has trained a
            // little (coming from the training view, it takes that network as it is)
            a.trainer.train(lab::STEP_VIEW_WARMUP);
        }
        if view == View::Step {
            a.step_seen = true;
        }
    }
    if view == View::Graph {
        app.borrow().render_graph();
    } else {
        app.borrow_mut().draw(true);
        app.borrow().write_url();
    }
    guest::on_show(app, view);
}

/// Switches to `view` in place, keeping everything; the page's figure adds a history entry
/// (`push`), so Back returns to the view before.
pub fn switch_view(app: &Shared, view: View, push: bool) {
    let (from, page) = {
        let a = app.borrow();
        (a.state.view, matches!(a.host, Host::Page { .. }))
    };
    if from == view {
        return;
    }
    {
        let mut a = app.borrow_mut();
        a.playing = false;
        a.net_start = None;
    }
    if push && page {
        flush_url();
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let s = State { view, ..app.borrow().state.clone() };
            let _ = h.push_state_with_url(&JsValue::NULL, "", Some(&query(&s)));
        }
    }
    show(app, view);
}

/// The nav links switch in place (a plain click; ctrl/⌘/shift-click opens the link as usual),
/// "Back to training" returns to the run, and on the page Back/Forward follow the views.
fn wire_nav(app: &Shared) {
    let root = app.borrow().root.clone();
    for (view, name) in VIEWS {
        let Some(link) = root.find(&format!("nav-{name}")) else { continue };
        let a = app.clone();
        dom::on::<MouseEvent>(&link, "click", move |e| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            switch_view(&a, view, true);
        });
    }
    let a = app.clone();
    root.on::<MouseEvent>("btn-back-train", "click", move |_| {
        let to = a.borrow().back_to.unwrap_or(View::Train);
        switch_view(&a, to, true);
    });
    if matches!(app.borrow().host, Host::Page { .. }) {
        let Some(w) = web_sys::window() else { return };
        let a = app.clone();
        dom::on::<web_sys::PopStateEvent>(&w, "popstate", move |_| {
            // (the entry gone back to keeps its own address)
            PENDING_URL.with(|p| p.borrow_mut().take());
            let pairs = super::start::location_pairs();
            let (s, _) = State::from_query(&pairs);
            switch_view(&a, s.view, false);
        });
    }
}
