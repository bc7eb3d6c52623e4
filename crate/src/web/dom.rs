//! Turns [`El`] trees into DOM nodes, and small DOM helpers. Text always goes in as text
//! nodes; attributes through `setAttribute`; nothing is parsed as HTML.

use super::view::{Child, El};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("the page has a document")
}

/// The element with this id. The ids used are all in `www/index.html`; a missing one is a
/// bug in the page, reported in the console rather than a panic.
pub fn by_id(id: &str) -> Option<Element> {
    let el = document().get_element_by_id(id);
    if el.is_none() {
        web_sys::console::error_1(&format!("backprop-lab: no element #{id} in the page").into());
    }
    el
}

pub fn html_by_id(id: &str) -> Option<HtmlElement> {
    by_id(id).and_then(|e| e.dyn_into::<HtmlElement>().ok())
}

/// Creates the DOM for an element tree.
pub fn build(doc: &Document, el: &El) -> Option<Element> {
    let node =
        if el.svg { doc.create_element_ns(Some(SVG_NS), el.tag).ok()? } else { doc.create_element(el.tag).ok()? };
    for (k, v) in &el.attrs {
        node.set_attribute(k, v).ok()?;
    }
    for c in &el.children {
        match c {
            Child::El(e) => {
                if let Some(child) = build(doc, e) {
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

/// Replaces the children of `#id` with the tree.
pub fn mount(id: &str, el: &El) {
    let doc = document();
    if let (Some(host), Some(node)) = (by_id(id), build(&doc, el)) {
        host.set_text_content(None);
        let _ = host.append_child(&node);
    }
}

/// Sets an element's text (as text).
pub fn set_text(id: &str, s: &str) {
    if let Some(e) = by_id(id) {
        e.set_text_content(Some(s));
    }
}

pub fn set_hidden(id: &str, hidden: bool) {
    if let Some(e) = html_by_id(id) {
        e.set_hidden(hidden);
    }
}
