//! Turns [`El`] trees into DOM nodes, and [`Root`]: a figure's root element, through which the
//! figure finds its parts. Text always goes in as text nodes, attributes through
//! `setAttribute`; nothing is parsed as HTML.
//!
//! Ids are figure-local: a figure looks its parts up with `querySelector` *within its root*,
//! never with `document.getElementById`. The page's figure is alone in its document, and every
//! `<backprop-lab>` figure lives in its own shadow root, so two figures' ids never meet.

use crate::web::model::view::{Child, El};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, EventTarget, HtmlButtonElement, HtmlCanvasElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement,
};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

pub fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Creates the DOM for an element tree.
pub fn build(doc: &Document, el: &El) -> Option<Element> {
    let mut w = Writes::new();
    let node = build_into(doc, el, &mut w);
    w.flush();
    node
}

fn build_into(doc: &Document, el: &El, w: &mut Writes) -> Option<Element> {
    let node =
        if el.svg { doc.create_element_ns(Some(SVG_NS), el.tag).ok()? } else { doc.create_element(el.tag).ok()? };
    for (k, v) in &el.attrs {
        w.attr(&node, k, v);
    }
    // an element holding just a text (a label, a cell): one write for it
    if let [Child::Text(t)] = el.children.as_slice() {
        w.text(&node, t);
        return Some(node);
    }
    for c in &el.children {
        match c {
            Child::El(e) => {
                if let Some(child) = build_into(doc, e, w) {
                    node.append_child(&child).ok()?;
                }
            }
            Child::Text(t) => {
                node.append_child(&doc.create_text_node(t)).ok()?;
            }
        }
    }
    Some(node)
}

/// The text and attribute writes of one patch or build, made at its end in one call to a small
/// JS function ([`batch_fn`]) instead of one call each: every string crossing from wasm to JS
/// is decoded on its own, and on a 2,000-node graph a Forward or Backward changes some 4,000
/// labels. The nodes are kept, so the order of writes against insertions does not matter, and
/// nothing reads the DOM between a write and the flush. Where the function cannot be made (a
/// host whose content security policy forbids `new Function`), each write is made at once.
struct Writes {
    batch: Option<js_sys::Function>,
    texts: Vec<web_sys::Node>,
    text_chars: String,
    /// the UTF-16 length of each text in `text_chars`
    text_lens: Vec<u32>,
    attrs: Vec<web_sys::Node>,
    /// each attribute's name, then its value
    attr_chars: String,
    attr_lens: Vec<u32>,
}

impl Writes {
    fn new() -> Writes {
        Writes {
            batch: batch_fn(),
            texts: vec![],
            text_chars: String::new(),
            text_lens: vec![],
            attrs: vec![],
            attr_chars: String::new(),
            attr_lens: vec![],
        }
    }

    /// Sets a node's text (an element's only child, or a text node's data).
    fn text(&mut self, node: &web_sys::Node, s: &str) {
        if self.batch.is_none() {
            node.set_text_content(Some(s));
            return;
        }
        self.texts.push(node.clone());
        self.text_chars.push_str(s);
        self.text_lens.push(s.encode_utf16().count() as u32);
    }

    fn attr(&mut self, node: &Element, k: &str, v: &str) {
        if self.batch.is_none() {
            let _ = node.set_attribute(k, v);
            return;
        }
        self.attrs.push(node.clone().into());
        for s in [k, v] {
            self.attr_chars.push_str(s);
            self.attr_lens.push(s.encode_utf16().count() as u32);
        }
    }

    fn flush(self) {
        let Some(f) = &self.batch else { return };
        if self.texts.is_empty() && self.attrs.is_empty() {
            return;
        }
        let list = |nodes: &[web_sys::Node]| nodes.iter().collect::<js_sys::Array>();
        let args = js_sys::Array::new();
        args.push(&list(&self.texts));
        args.push(&JsValue::from_str(&self.text_chars));
        args.push(&js_sys::Uint32Array::from(&self.text_lens[..]));
        args.push(&list(&self.attrs));
        args.push(&JsValue::from_str(&self.attr_chars));
        args.push(&js_sys::Uint32Array::from(&self.attr_lens[..]));
        let _ = f.apply(&JsValue::NULL, &args);
    }
}

/// The JS end of [`Writes`], made once per thread; None where `new Function` is refused.
fn batch_fn() -> Option<js_sys::Function> {
    const BODY: &str = "let at = 0;\
        for (let i = 0; i < texts.length; i++) {\
          const t = tc.slice(at, at += tl[i]), n = texts[i], f = n.firstChild;\
          if (f !== null && f.nodeType === 3 && f.nextSibling === null) f.data = t; else n.textContent = t;\
        }\
        at = 0;\
        for (let i = 0; i < attrs.length; i++) {\
          const k = ac.slice(at, at += al[2 * i]);\
          attrs[i].setAttribute(k, ac.slice(at, at += al[2 * i + 1]));\
        }";
    thread_local! {
        static BATCH: Option<js_sys::Function> = {
            let ctor = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Function")).ok();
            ctor.and_then(|c| {
                let args = js_sys::Array::of2(&JsValue::from_str("texts, tc, tl, attrs, ac, al"), &JsValue::from_str(BODY));
                js_sys::Reflect::construct::<fn() -> JsValue>(c.unchecked_ref(), &args).ok()
            })
            .and_then(|f| f.dyn_into().ok())
        };
    }
    BATCH.with(Clone::clone)
}

/// Brings `node` (built from `old`) to `new`, touching only what differs: attributes set or
/// removed, text changed, children inserted or removed where the lists differ by that
/// ([`patch_children`]), and a subtree rebuilt only where its tag changed. Comparing the two trees is Rust's work; the DOM sees
/// a handful of calls for a step of a 2,000-node graph instead of 20,000 new elements.
pub fn patch(doc: &Document, node: &Element, old: &El, new: &El) {
    let mut w = Writes::new();
    patch_into(doc, node, old, new, &mut w);
    w.flush();
}

fn patch_into(doc: &Document, node: &Element, old: &El, new: &El, w: &mut Writes) {
    if old.tag != new.tag || old.svg != new.svg {
        if let Some(fresh) = build_into(doc, new, w) {
            let _ = node.replace_with_with_node_1(&fresh);
        }
        return;
    }
    for (k, v) in &new.attrs {
        if old.get(k) != Some(&**v) {
            w.attr(node, k, v);
        }
    }
    for (k, _) in &old.attrs {
        if new.get(k).is_none() {
            let _ = node.remove_attribute(k);
        }
    }
    let same_shape = old.children.len() == new.children.len()
        && old
            .children
            .iter()
            .zip(&new.children)
            .all(|p| matches!(p, (Child::El(_), Child::El(_)) | (Child::Text(_), Child::Text(_))));
    if !same_shape && patch_children(doc, node, &old.children, &new.children, w) {
        return;
    }
    // an element holding just a text (a label, a cell): one call, not a walk to the text node
    if let ([Child::Text(o)], [Child::Text(n)]) = (old.children.as_slice(), new.children.as_slice()) {
        if o != n {
            w.text(node, n);
        }
        return;
    }
    if !same_shape {
        node.set_text_content(None);
        for c in &new.children {
            match c {
                Child::El(e) => {
                    if let Some(child) = build_into(doc, e, w) {
                        let _ = node.append_child(&child);
                    }
                }
                Child::Text(t) => {
                    let _ = node.append_child(&doc.create_text_node(t));
                }
            }
        }
        return;
    }
    let kids = node.child_nodes();
    for (i, (o, n)) in old.children.iter().zip(&new.children).enumerate() {
        if let Some(child) = kids.item(i as u32).filter(|_| o != n) {
            patch_child(doc, &child, o, n, w);
        }
    }
}

/// One child node, built from `old`, brought to `new` (of the same kind).
fn patch_child(doc: &Document, dom: &web_sys::Node, old: &Child, new: &Child, w: &mut Writes) {
    match (old, new) {
        (Child::El(o), Child::El(n)) => {
            if let Some(el) = dom.dyn_ref::<Element>() {
                patch_into(doc, el, o, n, w);
            }
        }
        (_, Child::Text(t)) => w.text(dom, t),
        _ => {}
    }
}

/// What a child is, for lining two lists of children up: its tag and class, or text.
fn key(c: &Child) -> Option<(&'static str, Option<&str>)> {
    match c {
        Child::El(e) => Some((e.tag, e.get("class"))),
        Child::Text(_) => None,
    }
}

/// How far ahead [`patch_children`] looks for an old child a new one could be.
const AHEAD: usize = 8;

/// Lines up two lists of children that differ by insertions and removals (a gradient label
/// appearing, a value and a gradient going at Reset, a callout moving): walking both, a child
/// whose kind matches is patched in place, a new one that no old one nearby could be is
/// inserted, an old one that no new one is, removed. Only the children that differ are
/// fetched from the DOM. False (nothing touched) when the DOM does not hold `old`.
fn patch_children(doc: &Document, node: &Element, old: &[Child], new: &[Child], w: &mut Writes) -> bool {
    let list = node.child_nodes();
    if list.length() as usize != old.len() {
        return false;
    }
    // pos: where old[i] is in the DOM now (insertions move it on, removals do not)
    let (mut i, mut j, mut pos) = (0, 0, 0u32);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && key(&old[i]) == key(&new[j]) {
            if old[i] != new[j] {
                if let Some(dom) = list.item(pos) {
                    patch_child(doc, &dom, &old[i], &new[j], w);
                }
            }
            (i, j, pos) = (i + 1, j + 1, pos + 1);
        } else if j < new.len()
            && !old[i.min(old.len())..old.len().min(i + AHEAD)].iter().any(|o| key(o) == key(&new[j]))
        {
            let fresh: Option<web_sys::Node> = match &new[j] {
                Child::El(e) => build_into(doc, e, w).map(Into::into),
                Child::Text(t) => Some(doc.create_text_node(t).into()),
            };
            if let Some(fresh) = fresh {
                let _ = node.insert_before(&fresh, list.item(pos).as_ref());
                pos += 1;
            }
            j += 1;
        } else {
            if let Some(gone) = list.item(pos) {
                let _ = node.remove_child(&gone);
            }
            i += 1;
        }
    }
    true
}

/// Every element within `el` matching a CSS selector.
pub fn select_all(el: &Element, selector: &str) -> Vec<Element> {
    let Ok(list) = el.query_selector_all(selector) else { return vec![] };
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into().ok()).collect()
}

/// Adds a listener that lives as long as the page.
pub fn on<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
    target: &EventTarget,
    kind: &str,
    f: impl FnMut(E) + 'static,
) {
    let cb = Closure::<dyn FnMut(E)>::new(f);
    let _ = target.add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref());
    cb.forget();
}

/// A figure's root element. Cheap to clone (a handle to the same element).
#[derive(Clone)]
pub struct Root {
    pub el: Element,
}

impl Root {
    pub fn new(el: Element) -> Root {
        Root { el }
    }

    /// The figure's part with this id, within the root, if the figure has it (the nav links
    /// are only on the page's figure).
    pub fn find(&self, id: &str) -> Option<Element> {
        self.el.query_selector(&format!("#{id}")).ok().flatten()
    }

    /// The figure's part with this id, within the root. The ids are the skeleton's
    /// (`model::skeleton`, whose tests list them); a missing one is reported in the console.
    pub fn get(&self, id: &str) -> Option<Element> {
        let el = self.find(id);
        if el.is_none() {
            web_sys::console::error_1(&format!("backprop-lab: no part #{id} in the figure").into());
        }
        el
    }

    /// Every element within the root matching a CSS selector.
    pub fn all(&self, selector: &str) -> Vec<Element> {
        select_all(&self.el, selector)
    }

    pub fn html(&self, id: &str) -> Option<HtmlElement> {
        self.get(id).and_then(|e| e.dyn_into().ok())
    }

    pub fn input(&self, id: &str) -> Option<HtmlInputElement> {
        self.get(id).and_then(|e| e.dyn_into().ok())
    }

    pub fn select(&self, id: &str) -> Option<HtmlSelectElement> {
        self.get(id).and_then(|e| e.dyn_into().ok())
    }

    pub fn canvas(&self, id: &str) -> Option<HtmlCanvasElement> {
        self.get(id).and_then(|e| e.dyn_into().ok())
    }

    pub fn button(&self, id: &str) -> Option<HtmlButtonElement> {
        self.get(id).and_then(|e| e.dyn_into().ok())
    }

    /// Fills the `<select>` `id` with `(value, label)` options and selects `selected`.
    pub fn fill_select(&self, id: &str, options: &[(&str, &str)], selected: &str) {
        let (Some(sel), Some(doc)) = (self.select(id), document()) else { return };
        sel.set_text_content(None);
        for (value, label) in options {
            if let Ok(opt) = doc.create_element("option") {
                let _ = opt.set_attribute("value", value);
                opt.set_text_content(Some(label));
                let _ = sel.append_child(&opt);
            }
        }
        sel.set_value(selected);
    }

    /// Puts the tree in part `id`, patching what is there when `last` (the tree mounted last
    /// time) is given and the part still holds it, else replacing the part's children.
    pub fn mount_over(&self, id: &str, last: Option<&El>, el: &El) {
        if last == Some(el) && self.find(id).is_some_and(|h| h.child_element_count() == 1) {
            return;
        }
        if let (Some(old), Some(host), Some(doc)) = (last, self.find(id), document()) {
            if host.child_nodes().length() == 1 {
                if let Some(node) = host.first_element_child() {
                    patch(&doc, &node, old, el);
                    return;
                }
            }
        }
        self.mount(id, el);
    }

    /// Replaces the children of part `id` with the tree.
    pub fn mount(&self, id: &str, el: &El) {
        if let (Some(host), Some(doc)) = (self.get(id), document()) {
            if let Some(node) = build(&doc, el) {
                host.set_text_content(None);
                let _ = host.append_child(&node);
            }
        }
    }

    /// Sets a part's text (as text).
    pub fn set_text(&self, id: &str, s: &str) {
        if let Some(e) = self.get(id) {
            e.set_text_content(Some(s));
        }
    }

    pub fn set_hidden(&self, id: &str, hidden: bool) {
        if let Some(e) = self.html(id) {
            e.set_hidden(hidden);
        }
    }

    /// Shows how a typed answer went in part `id`: Ok((right, words)) says the words with
    /// `data-answer="right|wrong"`, Err(why) the reader's message without one (the graph's
    /// quiz, the exercise's table and the layer view's quiz all answer here).
    pub fn show_verdict(&self, id: &str, outcome: Result<(bool, String), String>) {
        let said = match outcome {
            Ok((right, words)) => {
                self.set_attr(id, "data-answer", if right { "right" } else { "wrong" });
                words
            }
            Err(why) => {
                let _ = self.find(id).map(|e| e.remove_attribute("data-answer"));
                why
            }
        };
        self.set_text(id, &said);
    }

    pub fn set_attr(&self, id: &str, k: &str, v: &str) {
        if let Some(e) = self.get(id) {
            let _ = e.set_attribute(k, v);
        }
    }

    pub fn set_class(&self, id: &str, class: &str) {
        if let Some(e) = self.get(id) {
            e.set_class_name(class);
        }
    }

    /// Disables or enables a button or an input.
    pub fn set_disabled(&self, id: &str, disabled: bool) {
        if let Some(b) = self.button(id) {
            b.set_disabled(disabled);
        } else if let Some(i) = self.input(id) {
            i.set_disabled(disabled);
        }
    }

    /// Listens to an event on part `id`.
    pub fn on<E: JsCast + wasm_bindgen::convert::FromWasmAbi + 'static>(
        &self,
        id: &str,
        kind: &str,
        f: impl FnMut(E) + 'static,
    ) {
        if let Some(el) = self.get(id) {
            on(&el, kind, f);
        }
    }

    /// Whether the focused element is inside this figure (through its shadow root too).
    pub fn active(&self) -> Option<Element> {
        let node = self.el.get_root_node();
        let active = match node.dyn_ref::<web_sys::ShadowRoot>() {
            Some(shadow) => shadow.active_element(),
            None => document().and_then(|d| d.active_element()),
        }?;
        self.el.contains(Some(&active)).then_some(active)
    }
}
