//! Where figures come from: the page's start (`#[wasm_bindgen(start)]`, the figure on
//! `[data-backprop-lab-page]` with the address bar as its state), and [`FigureHandle`], the
//! figure of a `<backprop-lab>` element (`dist/backprop-lab.js` defines the element and mounts
//! one per element, in its shadow root).

use super::dom;
use super::figure::{self, switch_view, Host, Shared};
use crate::web::model::state::State;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// The query pairs of a query string (the browser does the decoding).
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else { return vec![] };
    let mut out = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&params) {
        for entry in iter.flatten() {
            let pair = js_sys::Array::from(&entry);
            out.push((pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string().unwrap_or_default()));
        }
    }
    out
}

/// The address bar's query pairs.
pub fn location_pairs() -> Vec<(String, String)> {
    query_pairs(&web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default())
}

#[wasm_bindgen(start)]
pub fn start() {
    // Only on the page: the same module also loads under Node (benchmarks, the JS API), in
    // host pages with `<backprop-lab>` elements and in pages that only use the JS API.
    let Some(doc) = dom::document() else { return };
    let Ok(Some(root)) = doc.query_selector("[data-backprop-lab-page]") else { return };
    // a lab link (`#lab=…`): the settings, the data, the trained network (read first: the
    // figure writes its address when it mounts, which drops the fragment)
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if let Some(app) = figure::mount(root, &location_pairs(), Host::Page { chrome: true }, "") {
        super::lab_files::open_fragment(&app, &hash);
    }
    if let Some(body) = doc.body() {
        let _ = body.set_attribute("data-ready", "1");
    }
}

/// A figure on a root element of a host page (what each `<backprop-lab>` element holds).
#[wasm_bindgen(js_name = Figure)]
pub struct FigureHandle {
    fig: Shared,
}

#[wasm_bindgen(js_class = Figure)]
impl FigureHandle {
    /// Mounts a figure on `root` (its children are replaced) from a query string such as
    /// `preset=circuit&step=all` (the element's attributes). `base` is the folder the lab is
    /// served from (for the "Open in Backprop Lab" link and the share snippets).
    pub fn mount(root: Element, query: &str, base: Option<String>) -> Result<FigureHandle, JsError> {
        figure::mount(root, &query_pairs(query), Host::Element, base.as_deref().unwrap_or(""))
            .map(|fig| FigureHandle { fig })
            .ok_or_else(|| JsError::new("backprop-lab: the figure could not be built (no document?)"))
    }

    /// Sets one URL key (an attribute changed): the figure follows, keeping everything else.
    /// A bad value gives a message in the figure and keeps what was there.
    pub fn set(&self, key: &str, value: &str) {
        set_key(&self.fig, key, value);
    }

    /// Runs a command: `forward`, `backward`, `step` (`[n]`), `reset`, `play`, `pause`, `set`
    /// (`[key, value]`) — the element's methods. A wrong command or argument throws an `Error`
    /// saying what is allowed.
    pub fn command(&self, name: &str, args: Option<js_sys::Array>) -> Result<(), JsError> {
        let args = args.map(|a| a.to_vec()).unwrap_or_default();
        super::guest::command(&self.fig, name, &args).map_err(|m| JsError::new(&m))
    }

    /// The slide the figure is on was left (`false`) or shown again (`true`): training pauses
    /// while it is away (embed.js calls this for Reveal.js decks).
    pub fn slide(&self, shown: bool) {
        super::guest::set_away(&self.fig, super::guest::SLIDE_HIDDEN, !shown);
    }

    /// The figure's lab file (what Save lab writes), as JSON text.
    #[wasm_bindgen(getter)]
    pub fn lab(&self) -> String {
        super::lab_files::write(&super::lab_files::current(&self.fig))
    }

    /// The figure's state as a query string (without `?`).
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.fig.borrow().query().trim_start_matches('?').to_string()
    }
}

/// Applies one key to a figure: the state is written out with the key set, read back (with
/// the same checks and messages as a URL), and what changed is brought on screen.
pub(super) fn set_key(app: &Shared, key: &str, value: &str) {
    if !super::guest::may_change(&app.borrow(), key) {
        return;
    }
    let mut pairs = app.borrow().state.to_query();
    pairs.retain(|(k, _)| k != key && !(key == "preset" && k == "expr") && !(key == "expr" && k == "preset"));
    pairs.push((key.to_string(), value.to_string()));
    let (new, messages) = State::from_query(&pairs);
    let old = app.borrow().state.clone();
    {
        let mut f = app.borrow_mut();
        let f = &mut *f;
        if new.source != old.source || new.expand_sigmoid != old.expand_sigmoid || new.backward != old.backward {
            f.state.expand_sigmoid = new.expand_sigmoid;
            f.state.forward = true;
            f.set_source(&new.source);
            // (set_source forgets a step-through when the graph's shape changes)
            f.state.backward = new.backward;
        }
        if new.quiz != old.quiz || new.ask != old.ask {
            f.state.quiz = new.quiz;
            f.state.ask = new.ask.clone();
            f.g.quiz = Default::default();
        }
        if new.lab != old.lab {
            let rebuild = new.lab.trainer_config() != old.lab.trainer_config();
            f.state.lab = new.lab.clone();
            if rebuild {
                f.rebuild();
            }
        }
        f.notice(&messages.join("\n"));
    }
    if new.lab != old.lab {
        super::lab::refresh(app);
    }
    if new.embedding != old.embedding {
        app.borrow_mut().state.embedding = new.embedding.clone();
        super::guest::apply(app);
    }
    if new.view != old.view {
        switch_view(app, new.view, false);
    } else if new.view == crate::web::model::state::View::Graph {
        app.borrow().render_graph();
    } else {
        app.borrow_mut().draw(true);
    }
}

/// The keys a figure reads (the element's observed attributes).
#[wasm_bindgen(js_name = figureKeys)]
pub fn figure_keys() -> Vec<String> {
    crate::web::model::state::KEYS.iter().map(|k| k.to_string()).collect()
}
