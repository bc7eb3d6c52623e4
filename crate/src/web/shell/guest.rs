//! A figure as a guest on a host page: the parts and controls its embedding settings show,
//! hide and lock (`model::embed`); the commands a script, a link in the notes or an iframe
//! message sends it; its change notices (the element's `backprop-lab-change` event, the
//! iframe's `ready`, `resize` and `change` messages); and its manners — it pauses while
//! off-screen, while the tab is hidden or its slide is not shown, and Esc gives focus back.

use super::dom;
use super::figure::{Figure, Host, Shared};
use crate::web::model::embed::{Embed, Run};
use crate::web::model::share;
use crate::web::model::skeleton::VIEW_MAINS;
use crate::web::model::state::{View, KEYS};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, MessageEvent};

/// Why a figure is not training now (bits of `Figure::away`).
pub const OFFSCREEN: u8 = 1;
pub const TAB_HIDDEN: u8 = 2;
pub const SLIDE_HIDDEN: u8 = 4;

/// A name from a script, for an error message (thrown, not shown on the page): cut to 40
/// characters, a control or bidirectional-formatting character written as its code.
fn plain(s: &str) -> String {
    crate::expr::visible(s, 40)
}

/// The commands of the element and of iframe messages.
pub const COMMANDS: &[&str] = &["forward", "backward", "step", "reset", "play", "pause", "set", "export", "open-lab"];

/// What `export(what)` saves, and the button that does it.
pub const EXPORTS: &[(&str, &str)] = &[
    ("graph-svg", "btn-graph-svg"),
    ("graph-png", "btn-graph-png"),
    ("graph-json", "btn-graph-json"),
    ("network-svg", "t-network-svg"),
    ("network-png", "t-network-png"),
    ("network-json", "t-network-json"),
    ("loss-csv", "t-loss-csv"),
    ("data-csv", "t-data-csv"),
    ("lab", "btn-save-lab"),
];

/// The `source` of every message to and from a figure.
const SOURCE: &str = "backprop-lab";

// ---- panels, controls, lock, look --------------------------------------------------------

/// Shows the parts and controls the embedding settings ask for, locks what `lock=1` locks, and
/// sets the theme, background and font scale. Run on mount, when the training views are
/// filled in, and when a setting changes.
pub fn apply(app: &Shared) {
    let f = app.borrow();
    let e = &f.state.embedding;
    let root = &f.root;
    // a figure with the default settings has nothing to show, hide or lock (and mounts faster)
    let custom = *e != Embed::default();
    if custom || root.el.has_attribute("data-parts") {
        show_parts(root, e);
        let _ = if custom { root.el.set_attribute("data-parts", "") } else { root.el.remove_attribute("data-parts") };
    }
    let r = &root.el;
    let _ = r.set_attribute("data-theme", e.theme.name());
    let _ = if e.transparent { r.set_attribute("data-bg", "transparent") } else { r.remove_attribute("data-bg") };
    if let Some(h) = r.dyn_ref::<web_sys::HtmlElement>() {
        let zoom = if e.font == 1.0 { String::new() } else { format!("{}", e.font) };
        let _ = h.style().set_property("zoom", &zoom);
    }
    let embedded = f.host == Host::Element || f.state.embed;
    root.set_hidden("open-lab", !embedded);
    drop(f);
    update_links(app);
}

/// `panels=` and `hide=` and `lock=` on the figure's parts and controls.
fn show_parts(root: &super::dom::Root, e: &Embed) {
    for el in root.all("[data-panel]") {
        let name = el.get_attribute("data-panel").unwrap_or_default();
        let main = el.closest("main").ok().flatten().map(|m| m.id()).unwrap_or_default();
        let view = VIEW_MAINS.iter().find(|v| v.1 == main).map_or("graph", |v| v.0);
        set_hidden(&el, !e.shows(view, &name));
    }
    // a group whose parts are all hidden goes too (no empty band)
    for group in root.all("[data-panel-group]") {
        let parts = dom::select_all(&group, "[data-panel]");
        let all_hidden = !parts.is_empty() && parts.iter().all(|p| p.has_attribute("hidden"));
        set_hidden(&group, all_hidden);
    }
    for el in root.all("[data-control]") {
        let name = el.get_attribute("data-control").unwrap_or_default();
        let _ = el.class_list().toggle_with_force("bpl-off", e.hides(&name));
        lock(&el, e.locks(&name));
    }
}

fn set_hidden(el: &Element, hidden: bool) {
    let _ = if hidden { el.set_attribute("hidden", "") } else { el.remove_attribute("hidden") };
}

/// Locks (or unlocks) a control's form elements: disabled, a text area read-only. Only what
/// this set is undone.
fn lock(el: &Element, on: bool) {
    if on == el.has_attribute("data-locked") {
        return;
    }
    let mut targets = vec![el.clone()];
    targets.extend(dom::select_all(el, "input, select, textarea, button"));
    for t in targets.iter().filter(|t| matches!(t.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON")) {
        let flag = if t.tag_name() == "TEXTAREA" { "readonly" } else { "disabled" };
        let _ = if on { t.set_attribute(flag, "") } else { t.remove_attribute(flag) };
    }
    let _ = if on {
        el.set_attribute("data-locked", "").and_then(|_| el.set_attribute("title", "Locked by the figure's author"))
    } else {
        el.remove_attribute("data-locked").and_then(|_| el.remove_attribute("title"))
    };
}

/// What lab::init does for the embedding settings once the training views exist: their
/// parts and controls, `pretrain=` and `autoplay=`.
pub fn on_lab_ready(app: &Shared) {
    apply(app);
    let mut f = app.borrow_mut();
    let n = f.state.embedding.pretrain;
    if n > 0 && f.trainer.steps() == 0 {
        // in 100 pieces, so the loss plot shows the run that led here
        let n = n as usize;
        let piece = n.div_ceil(100);
        f.record();
        let mut done = 0;
        while done < n {
            let k = piece.min(n - done);
            let status = f.trainer.train(k);
            done += k;
            f.record();
            if status != crate::train::Status::Ready {
                break;
            }
        }
    }
    if f.state.embedding.autoplay && f.trainer.status() == crate::train::Status::Ready {
        f.playing = true;
    }
}

/// `run=`: starts the learning-rate view's experiment the first time the view shows.
pub fn on_show(app: &Shared, view: View) {
    let button = {
        let mut f = app.borrow_mut();
        if view != View::Lr || f.ran {
            return;
        }
        f.ran = true;
        match f.state.embedding.run {
            Run::No => return,
            Run::Sweep => "lr-run",
            Run::Range => "lr-range",
            Run::Compare => "lr-compare",
        }
    };
    let b = app.borrow().root.html(button);
    if let Some(b) = b {
        b.click();
    }
}

// ---- commands ----------------------------------------------------------------------------

/// Runs one command (the element's methods and the iframe's command messages). A wrong
/// command or argument is an error naming what is allowed; a value `set` refuses (a bad value,
/// a locked setting) is a message in the figure, as for an attribute.
pub fn command(app: &Shared, name: &str, args: &[JsValue]) -> Result<(), String> {
    let view = app.borrow().state.view;
    let lab = view != View::Graph;
    match name {
        "forward" | "backward" => {
            let mut f = app.borrow_mut();
            f.graph_action(if name == "forward" { 0 } else { 1 });
            if lab {
                f.write_url();
            } else {
                f.render_graph();
            }
        }
        "step" => {
            let n = match args.first() {
                None => None,
                Some(v) if v.is_undefined() => None,
                Some(v) => match v.as_f64() {
                    Some(n) => Some(n),
                    None => {
                        return Err(format!("step(n): n must be a whole number of steps; got {}", super::api::kind(v)))
                    }
                },
            };
            let n = {
                let f = app.borrow();
                crate::api::element_steps(lab.then(|| &*f.trainer), n).map_err(|e| e.0)? as f64
            };
            if lab {
                super::lab::train_steps(app, n as usize);
            } else {
                let mut f = app.borrow_mut();
                f.step_graph(n as isize);
                f.render_graph();
            }
        }
        "reset" => {
            if lab {
                super::lab::reset_training(app);
            } else {
                let mut f = app.borrow_mut();
                f.graph_action(3);
                f.render_graph();
            }
        }
        "play" | "pause" => {
            let on = name == "play";
            if on && view != View::Train {
                return Err(format!(
                    "play(): the training view plays (view=train); this figure shows the {} view",
                    view.name()
                ));
            }
            super::lab::set_playing(app, on);
        }
        "set" => {
            let key = args.first().and_then(JsValue::as_string).unwrap_or_default();
            if !KEYS.contains(&key.as_str()) {
                let got = args.first().map_or("nothing".into(), |v| match v.as_string() {
                    Some(s) => format!("“{}”", plain(&s)),
                    None => super::api::kind(v),
                });
                return Err(format!("set(key, value): there is no key {got}; the keys are {}", KEYS.join(", ")));
            }
            let value = match args.get(1) {
                Some(v) if v.as_string().is_some() => v.as_string().unwrap_or_default(),
                Some(v) if v.as_f64().is_some() => format!("{}", v.as_f64().unwrap_or_default()),
                Some(v) if v.as_bool().is_some() => if v.as_bool() == Some(true) { "1" } else { "0" }.to_string(),
                other => {
                    return Err(format!(
                        "set(key, value): the value is a string (or a number); got {}",
                        other.map_or("nothing".into(), super::api::kind)
                    ))
                }
            };
            super::start::set_key(app, &key, &value);
        }
        "open-lab" => {
            if !may_change(&app.borrow(), "openlab") {
                return Err(format!("openLab(text): {}", Embed::locked_message("openlab")));
            }
            let Some(text) = args.first().and_then(JsValue::as_string) else {
                return Err(format!(
                    "openLab(text): text is a lab file's text (a string); got {}",
                    args.first().map_or("nothing".into(), super::api::kind)
                ));
            };
            return super::lab_files::open_text(app, &text).map_err(|why| format!("openLab(text): {why}"));
        }
        "export" => {
            let what = args.first().and_then(JsValue::as_string).unwrap_or_default();
            let names: Vec<&str> = EXPORTS.iter().map(|e| e.0).collect();
            let plots = crate::web::model::export::plot_exports();
            let found = EXPORTS
                .iter()
                .find(|e| e.0 == what)
                .map(|e| e.1.to_string())
                .or_else(|| plots.iter().find(|p| p.0 == what).map(|p| p.1.clone()));
            let Some(id) = found else {
                let plot_names: Vec<&str> = plots.iter().map(|p| p.0.as_str()).collect();
                return Err(format!(
                    "export(what): what is one of {}; got “{}” (or a plot's: {})",
                    names.join(", "),
                    plain(&what),
                    plot_names.join(", ")
                ));
            };
            let id = id.as_str();
            // (the button is clicked outside the borrow: its handler borrows the figure)
            let button = app.borrow().root.find(id).and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok());
            match button {
                Some(b) => b.click(),
                None => {
                    return Err(format!("export(what): “{what}” is drawn in the training view; show it once first"))
                }
            }
            return Ok(());
        }
        other => {
            return Err(format!("there is no command “{}”; the commands are {}", plain(other), COMMANDS.join(", ")));
        }
    }
    app.borrow().queue_change();
    Ok(())
}

/// Whether `key` may change now (`lock=1` keeps the network and the data); when not, the
/// message goes on the figure.
pub fn may_change(f: &Figure, key: &str) -> bool {
    if f.state.embedding.locks(key) {
        f.notice(&Embed::locked_message(key));
        false
    } else {
        true
    }
}

// ---- change notices ----------------------------------------------------------------------

impl Figure {
    /// Tells the host the state changed, once per task (a microtask after the current event,
    /// so no borrow of the figure is held when the host's listeners run).
    pub fn queue_change(&self) {
        if self.change_queued.replace(true) {
            return;
        }
        let weak = self.me.clone();
        let cb = Closure::once_into_js(move || {
            if let Some(app) = weak.upgrade() {
                send_change(&app);
            }
        });
        if let Some(w) = web_sys::window() {
            w.queue_microtask(cb.unchecked_ref());
        }
    }
}

fn send_change(app: &Shared) {
    let Ok(f) = app.try_borrow() else { return };
    f.change_queued.set(false);
    let state = f.query().trim_start_matches('?').to_string();
    let (host, root) = (f.host, f.root.el.clone());
    drop(f);
    update_links(app);
    match host {
        Host::Element => {
            let detail = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&detail, &"state".into(), &state.into());
            let init = web_sys::CustomEventInit::new();
            init.set_bubbles(true);
            init.set_composed(true);
            init.set_detail(&detail);
            if let Ok(e) = web_sys::CustomEvent::new_with_event_init_dict("backprop-lab-change", &init) {
                let _ = root.dispatch_event(&e);
            }
        }
        Host::Page { .. } => post("change", &[("state", state.into())]),
    }
}

/// The parent window, when the page's figure is in an iframe.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

/// Posts `{source: 'backprop-lab', type, …fields}` to the parent window (if in an iframe).
fn post(kind: &str, fields: &[(&str, JsValue)]) {
    let Some(p) = parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"source".into(), &SOURCE.into());
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &kind.into());
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&msg, &(*k).into(), v);
    }
    let _ = p.post_message(&msg, "*");
}

/// The folder the lab is served from (the page's, or the element script's), ending in `/`.
fn base(f: &Figure) -> String {
    if !f.base.is_empty() {
        return f.base.clone();
    }
    let Some(loc) = web_sys::window().map(|w| w.location()) else { return "./".into() };
    let (origin, path) = (loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default());
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{origin}{dir}/")
}

/// The full lab's link for this figure: its state without the embedding's keys.
fn open_link(f: &Figure) -> String {
    let drop = ["embed", "panels", "hide", "lock", "bg", "font", "autoplay", "run"];
    let pairs: Vec<_> = f.state.to_query().into_iter().filter(|(k, _)| !drop.contains(&k.as_str())).collect();
    format!("{}index.html?{}", base(f), share::encode_query(&pairs))
}

fn update_links(app: &Shared) {
    let Ok(f) = app.try_borrow() else { return };
    if let Some(a) = f.root.find("open-lab") {
        let _ = a.set_attribute("href", &open_link(&f));
    }
}

// ---- the Share / embed dialog --------------------------------------------------------------

fn open_share(app: &Shared) {
    let (root, snippets) = {
        let f = app.borrow();
        let height = f.root.el.get_bounding_client_rect().height().ceil().max(200.0) as u32;
        (f.root.clone(), share::snippets(&base(&f), &f.state.to_query(), height))
    };
    // with a trained network (or one's own data): the link that carries the whole lab, after
    // the snippets (a link to open or copy; too big a lab says to save the file instead)
    let trained = app.borrow().trainer.built().is_some();
    let lab_link = snippets.first().filter(|_| trained).map(|s| (s.text.clone(), super::lab_files::fragment(app)));
    root.set_hidden("share-lab", lab_link.is_none());
    if let (Some((link, fragment)), Some(a)) = (lab_link, root.find("share-lab-link")) {
        match fragment {
            Some(f) => {
                let _ = a.set_attribute("href", &format!("{link}#{f}"));
                a.set_text_content(Some("Link with this lab (the data, the trained network, the step)"));
            }
            None => {
                let _ = a.remove_attribute("href");
                a.set_text_content(Some(&format!(
                    "This lab is too big for a link (over {} KB): Save lab and share the file.",
                    crate::web::model::lab_file::MAX_LINK / 1024
                )));
            }
        }
    }
    let Some(doc) = dom::document() else { return };
    let Some(body) = root.get("share-body") else { return };
    body.set_text_content(None);
    for (i, s) in snippets.iter().enumerate() {
        let id = format!("share-text-{i}");
        let make = |tag: &str| doc.create_element(tag).ok();
        let (Some(row), Some(label), Some(text), Some(copy)) =
            (make("div"), make("label"), make("textarea"), make("button"))
        else {
            continue;
        };
        row.set_class_name("snippet");
        let _ = label.set_attribute("for", &id);
        label.set_text_content(Some(s.title));
        let _ = text.set_attribute("id", &id);
        let _ = text.set_attribute("readonly", "");
        let _ = text.set_attribute("rows", &s.text.lines().count().clamp(1, 8).to_string());
        let _ = text.set_attribute("spellcheck", "false");
        if let Some(t) = text.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            t.set_value(&s.text);
        }
        let _ = copy.set_attribute("type", "button");
        let _ = copy.set_attribute("aria-label", &format!("Copy {}", s.title));
        copy.set_text_content(Some("Copy"));
        let value = s.text.clone();
        let (t, b) = (text.clone(), copy.clone());
        dom::on::<web_sys::Event>(&copy, "click", move |_| copy_text(&value, &t, &b));
        for c in [&label, &text, &copy] {
            let _ = row.append_child(c);
        }
        let _ = body.append_child(&row);
    }
    if let Some(d) = root.get("share-dialog").and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        if !d.open() {
            let _ = d.show_modal();
        }
    }
}

/// Copies to the clipboard; where the browser refuses, selects the text for Ctrl+C.
fn copy_text(value: &str, field: &Element, button: &Element) {
    let select = |field: &Element| {
        if let Some(t) = field.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            t.select();
        }
    };
    let Some(clip) = web_sys::window().map(|w| w.navigator().clipboard()) else {
        select(field);
        return;
    };
    let promise = clip.write_text(value);
    let (b1, b2, f) = (button.clone(), button.clone(), field.clone());
    let ok = Closure::once(move |_: JsValue| b1.set_text_content(Some("Copied ✓")));
    let fail = Closure::once(move |_: JsValue| {
        select(&f);
        b2.set_text_content(Some("Press Ctrl+C"));
    });
    let _ = promise.then2(&ok, &fail);
    // one click, one pair of small callbacks, kept until the promise settles
    ok.forget();
    fail.forget();
}

// ---- manners ------------------------------------------------------------------------------

/// Sets or clears one reason to be away; training resumes when none is left.
pub fn set_away(app: &Shared, bit: u8, on: bool) {
    let resume = {
        let Ok(mut f) = app.try_borrow_mut() else { return };
        let before = f.away;
        f.away = if on { f.away | bit } else { f.away & !bit };
        before != 0 && f.away == 0 && (f.playing || f.job.is_some())
    };
    let _ = app.borrow().root.el.set_attribute("data-away", &app.borrow().away.to_string());
    if resume {
        super::lab::kick(app);
    }
}

/// Wires a figure's manners and, for the page in an iframe, its messages.
pub fn init(app: &Shared) {
    let root = app.borrow().root.clone();
    let weak = app.borrow().me.clone();
    // off-screen: no training
    let w = weak.clone();
    let seen = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Some(app) = w.upgrade() else { return };
        if let Some(e) = entries.iter().last().and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok()) {
            set_away(&app, OFFSCREEN, !e.is_intersecting());
        }
    });
    if let Ok(obs) = web_sys::IntersectionObserver::new(seen.as_ref().unchecked_ref()) {
        obs.observe(&root.el);
    }
    seen.forget();
    // the tab hidden
    if let Some(doc) = dom::document() {
        let w = weak.clone();
        let d = doc.clone();
        dom::on::<web_sys::Event>(&doc, "visibilitychange", move |_| {
            if let Some(app) = w.upgrade() {
                set_away(&app, TAB_HIDDEN, d.hidden());
            }
        });
    }
    // Esc gives focus back to the host page
    let w = weak.clone();
    let r = root.clone();
    dom::on::<KeyboardEvent>(&root.el, "keydown", move |e: KeyboardEvent| {
        if e.key() != "Escape" {
            return;
        }
        let in_dialog = r.find("share-dialog").is_some_and(|d| d.has_attribute("open"));
        let editing = r.active().is_some_and(|a| a.id() == "value-editor");
        if in_dialog || editing {
            return;
        }
        match r.active() {
            Some(a) if a.is_instance_of::<web_sys::HtmlElement>() => {
                let _ = a.unchecked_into::<web_sys::HtmlElement>().blur();
            }
            // the graph is an <svg>, focusable too
            Some(a) if a.is_instance_of::<web_sys::SvgElement>() => {
                let _ = a.unchecked_into::<web_sys::SvgElement>().blur();
            }
            _ => {}
        }
        if w.upgrade().is_some_and(|app| matches!(app.borrow().host, Host::Page { .. })) {
            if let Some(p) = parent() {
                let _ = p.focus();
            }
        }
    });
    // Share / embed
    let w = weak.clone();
    root.on::<web_sys::Event>("btn-share", "click", move |_| {
        if let Some(app) = w.upgrade() {
            open_share(&app);
        }
    });
    let r = root.clone();
    root.on::<web_sys::Event>("share-close", "click", move |_| {
        if let Some(d) = r.find("share-dialog").and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
            d.close();
        }
    });
    if matches!(app.borrow().host, Host::Page { .. }) && parent().is_some() {
        iframe_bridge(app);
    }
}

/// The page's figure inside an iframe: commands and slide messages from the parent, and its
/// height, readiness and state posted to it.
fn iframe_bridge(app: &Shared) {
    let Some(w) = web_sys::window() else { return };
    let weak = app.borrow().me.clone();
    dom::on::<MessageEvent>(&w, "message", move |e: MessageEvent| {
        let Some(app) = weak.upgrade() else { return };
        let from_parent = match (e.source(), parent()) {
            (Some(s), Some(p)) => js_sys::Object::is(&s, &p),
            _ => false,
        };
        if !from_parent {
            return;
        }
        let data = e.data();
        // Reveal.js tells an iframe on a slide when the slide shows and hides
        match data.as_string().as_deref() {
            Some("slide:stop") => return set_away(&app, SLIDE_HIDDEN, true),
            Some("slide:start") => return set_away(&app, SLIDE_HIDDEN, false),
            _ => {}
        }
        if !data.is_object() {
            return;
        }
        let get = |k: &str| js_sys::Reflect::get(&data, &k.into()).ok().and_then(|v| v.as_string());
        if get("source").as_deref() != Some(SOURCE) || get("type").as_deref() != Some("command") {
            return;
        }
        let name = get("command").unwrap_or_default();
        let args = js_sys::Reflect::get(&data, &"args".into()).unwrap_or(JsValue::UNDEFINED);
        let args: Vec<JsValue> =
            if js_sys::Array::is_array(&args) { js_sys::Array::from(&args).to_vec() } else { vec![] };
        if let Err(m) = command(&app, &name, &args) {
            web_sys::console::warn_1(&format!("backprop-lab: {m}").into());
        }
    });
    // the height, whenever it changes
    let root = app.borrow().root.el.clone();
    let r = root.clone();
    let last = std::cell::Cell::new(0.0);
    let sized = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let h = content_height(&r);
        if (h - last.get()).abs() >= 1.0 {
            last.set(h);
            post("resize", &[("height", h.into())]);
        }
    });
    if let Ok(obs) = web_sys::ResizeObserver::new(sized.as_ref().unchecked_ref()) {
        obs.observe(&root);
    }
    sized.forget();
    let state = app.borrow().query().trim_start_matches('?').to_string();
    post("ready", &[("state", state.into()), ("height", content_height(&root).into())]);
}

/// The page's height for its content: the figure's bottom edge in the document.
fn content_height(root: &Element) -> f64 {
    let scroll = web_sys::window().and_then(|w| w.scroll_y().ok()).unwrap_or(0.0);
    (root.get_bounding_client_rect().bottom() + scroll).ceil()
}
