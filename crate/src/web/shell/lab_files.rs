//! `Save lab` and `Open lab` under every figure, and lab links: the page opens a `#lab=…`
//! fragment on start. The files' format and checks are `model::lab_file`'s; this module only
//! moves them between the figure, the browser's files and the address.

use super::export;
use super::figure::{switch_view, LazyTrainer, Shared};
use crate::web::model::export::file_name;
use crate::web::model::lab_file::{self, LabFile, Opened};
use crate::web::model::state::{State, View};

/// A lab file's text, through the browser's `JSON.stringify` (the host's tests write the same
/// with serde_json: `lab_file::write`).
pub fn write(file: &LabFile) -> String {
    let Ok(value) = super::api::to_js(file) else { return String::new() };
    js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// Reads and checks a lab file's text: `JSON.parse`, the format and version, then the rest
/// ([`lab_file::from_file`], the same as on the host). With `base` (the figure as it is), a
/// network file (the training view's Export JSON) opens too, into it.
pub fn open_with(text: &str, base: Option<&State>) -> Result<Opened, String> {
    if text.len() > lab_file::MAX_FILE {
        return Err(lab_file::too_big(text.len()));
    }
    let value = js_sys::JSON::parse(text).map_err(|e| {
        let why = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
        format!("this is not a lab file (not JSON: {})", crate::expr::visible(&why, 80))
    })?;
    let field = |k: &str| value.is_object().then(|| js_sys::Reflect::get(&value, &k.into()).ok()).flatten();
    let format = field("format").and_then(|f| f.as_string());
    if let (Some(lab_file::NETWORK_FORMAT), Some(base)) = (format.as_deref(), base) {
        let file: crate::web::model::export::NetworkFile =
            serde_wasm_bindgen::from_value(value).map_err(|e| lab_file::network_not_fitting(&e.to_string()))?;
        return lab_file::open_network(file, base);
    }
    lab_file::check_header(format.as_deref(), field("version").and_then(|v| v.as_f64()))?;
    let file: LabFile = serde_wasm_bindgen::from_value(value).map_err(|e| lab_file::not_fitting(&e.to_string()))?;
    lab_file::from_file(file)
}

/// A lab file's text (a link's: no network files).
fn open(text: &str) -> Result<Opened, String> {
    open_with(text, None)
}

/// The figure's lab file as it stands.
pub fn current(app: &Shared) -> LabFile {
    let f = app.borrow();
    lab_file::lab_file(&f.state, f.trainer.built().map(|t| t.run_state()), &f.history)
}

/// The `#lab=…` fragment of the figure, when it is small enough for a link.
pub fn fragment(app: &Shared) -> Option<String> {
    lab_file::link_fragment(&current(app), write)
}

/// What the lab file is called after: the data set once a network is trained, else the graph.
fn subject(app: &Shared) -> String {
    let f = app.borrow();
    if f.trainer.built().is_some() {
        f.state.lab.dataset_name().to_string()
    } else {
        crate::web::model::export::graph_subject(&f.state.source).to_string()
    }
}

pub fn save(app: &Shared) {
    let text = write(&current(app));
    let name = file_name(&subject(app), "lab", "json");
    export::save_text(&app.borrow().root.el, &name, "application/json", &text);
}

/// Opens a lab file's text: the figure takes its state, its run and its loss history, or
/// shows why the file cannot be opened (and keeps what it had); the reason is returned too.
pub fn open_text(app: &Shared, text: &str) -> Result<(), String> {
    let base = app.borrow().state.clone();
    match open_with(text, Some(&base)) {
        Ok(opened) => {
            apply(app, opened);
            Ok(())
        }
        Err(why) => {
            say(app, &format!("The lab could not be opened: {why}. Nothing was changed."));
            Err(why)
        }
    }
}

/// A message above the figure's views (it shows in every view).
fn say(app: &Shared, text: &str) {
    app.borrow().notice(text);
}

fn apply(app: &Shared, opened: Opened) {
    super::lab::set_playing(app, false);
    let Opened { mut state, notices, trainer, history } = opened;
    let view = state.view;
    {
        let mut f = app.borrow_mut();
        let f = &mut *f;
        // how the figure sits in its page stays the page's
        state.embedding = f.state.embedding.clone();
        state.embed = f.state.embed;
        f.state.lab = state.lab.clone();
        f.state.expand_sigmoid = state.expand_sigmoid;
        f.state.forward = true;
        f.set_source(&state.source);
        f.state.backward = state.backward;
        f.trainer = match trainer {
            Some(t) => LazyTrainer::ready(t),
            None => LazyTrainer::new(&f.state.lab),
        };
        f.history = history;
        f.notice(&notices.join("\n"));
    }
    super::lab::refresh(app);
    if view != app.borrow().state.view {
        switch_view(app, view, false);
    } else if view == View::Graph {
        app.borrow().render_graph();
    } else {
        app.borrow_mut().draw(true);
    }
    app.borrow().write_url();
}

/// Opens the lab in an address's fragment (`#lab=…`), if it holds one.
pub fn open_fragment(app: &Shared, hash: &str) {
    let Some(found) = lab_file::open_fragment(hash.trim_start_matches('#'), open) else { return };
    match found {
        Ok(opened) => apply(app, opened),
        Err(why) => say(app, &format!("The link's lab could not be opened: {why}. Showing the link's settings.")),
    }
}

/// Save lab, and Open lab with its (hidden) file chooser.
pub fn wire(app: &Shared) {
    let root = app.borrow().root.clone();
    let a = app.clone();
    root.on::<web_sys::Event>("btn-save-lab", "click", move |_| save(&a));
    let r = root.clone();
    let a = app.clone();
    root.on::<web_sys::Event>("btn-open-lab", "click", move |_| {
        if !super::guest::may_change(&a.borrow(), "openlab") {
            return;
        }
        if let Some(input) = r.input("open-lab-file") {
            input.click();
        }
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<web_sys::Event>("open-lab-file", "change", move |_| {
        let Some(input) = r.input("open-lab-file") else { return };
        let a = a.clone();
        export::read_chosen_file(&input, move |got| match got {
            Ok(text) => {
                let _ = open_text(&a, &text);
            }
            Err(why) => say(&a, &format!("The lab could not be opened: {why}.")),
        });
    });
}
