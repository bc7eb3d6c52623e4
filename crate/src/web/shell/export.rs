//! Downloads: a text (SVG, JSON, CSV) or a picture handed to the browser as a file, and an
//! SVG drawing made to stand alone (every element's computed look written into it, so it
//! looks the same outside the page, in the theme it was drawn in), or painted to a PNG at
//! twice its size for slides.

use super::dom;
use super::figure::Shared;
use crate::web::model::export::{self as files, file_name, PLOT_FILES};
use crate::web::model::skeleton::{CSV_PLOTS, SVG_PLOTS};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement};

/// The properties that make a drawing look as it does, copied from the page's style sheet
/// into the file.
const LOOK: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "display",
    "visibility",
];

/// Hands `url` to the browser as the file `name` (a click on a hidden `<a download>`).
fn download(root: &Element, name: &str, url: &str) {
    let Some(doc) = dom::document() else { return };
    let Some(a) = doc.create_element("a").ok().and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok()) else { return };
    a.set_href(url);
    a.set_download(name);
    let _ = a.set_attribute("hidden", "");
    let _ = root.append_child(&a);
    a.click();
    a.remove();
}

/// The largest file a figure reads (a CSV of data or a lab file), in bytes.
pub const MAX_READ: f64 = (16 << 20) as f64;

/// Reads the file chosen in `input` as text and hands it to `done` (or why it could not be
/// read); nothing happens when no file is chosen. The input is emptied, so choosing the same
/// file again reads it again.
pub fn read_chosen_file(input: &web_sys::HtmlInputElement, done: impl FnOnce(Result<String, String>) + 'static) {
    let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
    input.set_value("");
    if file.size() > MAX_READ {
        done(Err(format!("{} is {:.0} MB; a file read here is at most 16 MB", file.name(), file.size() / 1048576.0)));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else { return };
    let r = reader.clone();
    let name = file.name();
    // loadend comes once, after a success or a failure
    let cb = Closure::once_into_js(move || {
        let text = r.result().ok().and_then(|v| v.as_string());
        done(text.ok_or_else(|| format!("{name} could not be read as text")));
    });
    reader.set_onloadend(Some(cb.unchecked_ref()));
    let _ = reader.read_as_text(&file);
}

/// Saves `text` as the file `name` of type `mime`.
pub fn save_text(root: &Element, name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download(root, name, &url);
    // (the click has handed the file over; the address can go once the task is done)
    let cb = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), 1000);
    }
}

/// Saves a value as pretty-printed JSON (as the JS API gives it: maps as objects, None as null).
pub fn save_json<T: serde::Serialize>(root: &Element, name: &str, value: &T) {
    let Ok(value) = super::api::to_js(value) else { return };
    let text = js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &JsValue::from(2))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    save_text(root, name, "application/json", &text);
}

/// The drawing `svg` as a file of its own: its whole extent (not the part zoomed into), with
/// every element's look written into its `style`. Returns the text and the size.
pub fn standalone_svg(svg: &Element) -> Option<(String, f64, f64)> {
    let w = web_sys::window()?;
    let copy: Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let (from, to) = (dom::select_all(svg, "*"), dom::select_all(&copy, "*"));
    for (a, b) in std::iter::once((svg, &copy)).chain(from.iter().zip(to.iter())) {
        let Ok(Some(style)) = w.get_computed_style(a) else { continue };
        let look: String = LOOK
            .iter()
            .filter_map(|p| style.get_property_value(p).ok().filter(|v| !v.is_empty()).map(|v| format!("{p}:{v};")))
            .collect();
        let _ = b.set_attribute("style", &look);
    }
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.remove_attribute("tabindex");
    // the viewBox is the whole drawing; width and height its natural size
    let view: Vec<f64> = copy
        .get_attribute("viewBox")
        .map(|v| v.split_whitespace().filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default();
    let size = |k: &str, i: usize| copy.get_attribute(k).and_then(|v| v.parse::<f64>().ok()).or(view.get(i).copied());
    let (width, height) = (size("width", 2)?, size("height", 3)?);
    let _ = copy.set_attribute("width", &width.to_string());
    let _ = copy.set_attribute("height", &height.to_string());
    // the panel's colour behind the drawing
    let background = svg
        .parent_element()
        .and_then(|host| w.get_computed_style(&host).ok().flatten())
        .and_then(|s| s.get_property_value("background-color").ok());
    if let Some(bg) = background.filter(|b| !b.contains("rgba(0, 0, 0, 0)")) {
        let style = copy.get_attribute("style").unwrap_or_default();
        let _ = copy.set_attribute("style", &format!("{style}background:{bg};"));
    }
    let text = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&copy).ok()?;
    Some((format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}"), width, height))
}

/// Saves the drawing `svg` as the file `name`: a PNG at twice its size when the name ends in
/// `.png`, else an SVG.
pub fn save_drawing(root: &Element, svg: &Element, name: &str) {
    if name.ends_with(".png") {
        save_png(root, svg, name);
    } else if let Some((text, _, _)) = standalone_svg(svg) {
        save_text(root, name, "image/svg+xml", &text);
    }
}

/// Saves the drawing `svg` as a PNG at twice its natural size, on white (the picture is drawn
/// by the browser from the standalone SVG, then read off a canvas).
fn save_png(root: &Element, svg: &Element, name: &str) {
    let (Some((text, w, h)), Some(doc)) = (standalone_svg(svg), dom::document()) else { return };
    let Ok(img) = HtmlImageElement::new() else { return };
    let url = format!("data:image/svg+xml;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&text)));
    let (root, name, image) = (root.clone(), name.to_string(), img.clone());
    let onload = Closure::once_into_js(move || {
        let Some(canvas) = doc.create_element("canvas").ok().and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        else {
            return;
        };
        let scale = 2.0;
        canvas.set_width((w * scale).ceil() as u32);
        canvas.set_height((h * scale).ceil() as u32);
        let Some(ctx) = super::lab::context(&canvas) else { return };
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, w * scale, h * scale);
        let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(&image, 0.0, 0.0, w * scale, h * scale);
        if let Ok(png) = canvas.to_data_url_with_type("image/png") {
            download(&root, &name, &png);
        }
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

/// Saves the plot on canvas `id` as a PNG at twice its size on screen: drawn again at that
/// size (the plots scale their text and lines with the canvas), read off, and drawn back.
fn save_plot_png(app: &Shared, id: &str, name: &str) {
    let Some(canvas) = app.borrow().root.canvas(id) else { return };
    let (w, h) = (canvas.width(), canvas.height());
    let shown = f64::from(canvas.client_width().max(1));
    let wide = (2.0 * shown).round().max(f64::from(w)) as u32;
    canvas.set_width(wide);
    canvas.set_height((f64::from(h) * f64::from(wide) / f64::from(w.max(1))).round() as u32);
    app.borrow_mut().draw(true);
    let png = canvas.to_data_url_with_type("image/png");
    canvas.set_width(w);
    canvas.set_height(h);
    app.borrow_mut().draw(true);
    if let Ok(png) = png {
        download(&app.borrow().root.el, name, &png);
    }
}

/// The CSV of the plot on canvas `id`, or why there is none yet.
fn plot_csv(app: &Shared, id: &str) -> Result<String, &'static str> {
    let f = app.borrow();
    match id {
        "lr-plot" | "lr-curves" => {
            let runs = f
                .sweep
                .as_ref()
                .map(|s| s.runs())
                .filter(|r| !r.is_empty())
                .ok_or("Run the sweep first: it has no rates yet.")?;
            Ok(if id == "lr-plot" { files::sweep_csv(runs) } else { files::curves_csv(runs) })
        }
        "lr-range-plot" => {
            let r = f.range.as_ref().filter(|r| !r.points.is_empty()).ok_or("Run the range test first.")?;
            Ok(files::range_csv(&r.points))
        }
        "lr-compare-plot" => f.compare.as_ref().map(files::compare_csv).ok_or("Compare the schedules first."),
        "s-contour" => f.step_path().map(|p| files::descent_csv(&p)).ok_or("This surface has no descent path."),
        "s-profile" => f.profile_now().map(|p| files::profile_csv(&p)).ok_or("The live network has no step profile."),
        _ => Err("This plot has no numbers to save."),
    }
}

/// Every plot's Download PNG (`<canvas>-png`) and Export CSV (`<canvas>-csv`).
pub fn wire_plots(app: &Shared) {
    let root = app.borrow().root.clone();
    for &(id, what) in PLOT_FILES {
        let subject = move |a: &Shared| {
            let f = a.borrow();
            match id {
                "s-contour" if f.state.lab.problem != "net" => f.state.lab.problem.to_string(),
                _ => f.state.lab.dataset_name().to_string(),
            }
        };
        let a = app.clone();
        root.on::<web_sys::Event>(&format!("{id}-png"), "click", move |_| {
            let name = file_name(&subject(&a), what, "png");
            save_plot_png(&a, id, &name);
        });
        if SVG_PLOTS.contains(&id) {
            let a = app.clone();
            root.on::<web_sys::Event>(&format!("{id}-svg"), "click", move |_| {
                let name = file_name(&subject(&a), what, "svg");
                match super::plot::line_chart_svg(id, || a.borrow_mut().draw(true)) {
                    Some(svg) => save_text(&a.borrow().root.el, &name, "image/svg+xml", &svg),
                    None => a.borrow().notice("This plot is not drawn yet: show it first."),
                }
            });
        }
        if !CSV_PLOTS.contains(&id) {
            continue;
        }
        let a = app.clone();
        root.on::<web_sys::Event>(&format!("{id}-csv"), "click", move |_| match plot_csv(&a, id) {
            Ok(text) => {
                let name = file_name(&subject(&a), what, "csv");
                save_text(&a.borrow().root.el, &name, "text/csv", &text);
            }
            Err(why) => a.borrow().notice(why),
        });
    }
}
