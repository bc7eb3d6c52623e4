//! The frame of a figure as one element tree: the page's header and footer, and every view's
//! controls, panels and the empty hosts the shell fills. What `www/index.html` held as static
//! HTML, now pure Rust, tested natively.

use super::embed::CONTROLS;
use super::view::{Child, El};

/// Each view's name and the id of its `<main>`.
pub const VIEW_MAINS: [(&str, &str); 4] =
    [("graph", "graph-view"), ("train", "train-view"), ("lr", "lr-view"), ("step", "step-view")];

/// The frame of a figure: every view's controls, panels and hosts, as one element tree.
/// `chrome`: the page's header (brand, nav) and footer; figures in host pages and ?embed=1 have none.
pub fn figure(chrome: bool) -> El {
    let mut frame = El::html("div").attr("class", "bpl-frame");
    if chrome {
        frame = frame.child(header());
    }
    frame = with(
        frame,
        [
            graph_view(),
            status("lab-notice").attr("class", "notice"),
            train_view(),
            lr_view(),
            step_view(),
            perf(),
            figure_bar(),
            share_dialog(),
        ],
    );
    if chrome {
        frame = frame.child(footer());
    }
    mark_controls(&mut frame);
    frame
}

/// Marks the elements of every control [`CONTROLS`] names with `data-control` (what `hide=`
/// and `lock=` act on): the element with the id, its label (`for`), or the label a checkbox
/// sits in.
fn mark_controls(e: &mut El) {
    let name_of = |id: &str| CONTROLS.iter().find(|c| c.1.contains(&id)).map(|c| c.0);
    let own = e.get("id").or(e.get("for")).and_then(name_of);
    let inner = || {
        e.children.iter().find_map(|c| match c {
            Child::El(k) if k.tag == "input" && k.get("type") == Some("checkbox") => k.get("id").and_then(name_of),
            _ => None,
        })
    };
    let name = if e.tag == "label" { own.or_else(inner) } else { own };
    if let Some(n) = name {
        e.attrs.push(("data-control", n.to_string().into()));
        if e.tag == "label" {
            return;
        }
    }
    for c in &mut e.children {
        if let Child::El(k) = c {
            mark_controls(k);
        }
    }
}

/// The Share / embed dialog; the shell writes its snippets in `#share-body` when it opens.
fn share_dialog() -> El {
    with_id("dialog", "share-dialog")
        .attr("aria-labelledby", "share-title")
        .attr("class", "share")
        .child(with_id("h2", "share-title").text("Share or embed this figure"))
        .child(host("share-body"))
        .child(
            with_id("p", "share-lab").attr("class", "help").attr("hidden", "").child(
                with_id("a", "share-lab-link")
                    .attr("target", "_blank")
                    .attr("rel", "noopener")
                    .text("Link with this lab (the data, the trained network, the step)"),
            ),
        )
        .child(plain_button("share-close", "Close"))
}

/// Under every figure: Share / embed (the dialog with the link and the snippets), and in an
/// embedded figure the link to the full lab.
fn figure_bar() -> El {
    El::html("div")
        .attr("class", "figure-bar")
        .child(
            plain_button("btn-share", "Share / embed")
                .attr("aria-haspopup", "dialog")
                .attr("title", "The link, the element, the iframe and the snippets for course notes"),
        )
        .child(button(
            "btn-save-lab",
            "Save lab",
            "Everything on screen in one file: the settings, the data with added points, the weights, the step",
        ))
        .child(button("btn-open-lab", "Open lab", "Open a lab file saved here, exactly as it was saved"))
        .child(
            with_id("input", "open-lab-file")
                .attr("type", "file")
                .attr("accept", ".json,application/json")
                .attr("hidden", "")
                .attr("aria-label", "Lab file to open"),
        )
        .child(
            with_id("a", "open-lab")
                .attr("href", "./")
                .attr("target", "_blank")
                .attr("rel", "noopener")
                .attr("hidden", "")
                .text("Open in Backprop Lab ↗"),
        )
}

/// What a figure mounts with: [`figure`] with the training views' `<main>`s left empty, so a
/// figure that only shows a graph builds a quarter of the elements. Their contents are
/// [`lab_mains`], put in on a training view's first showing.
pub fn frame(chrome: bool) -> El {
    let mut f = figure(chrome);
    for c in &mut f.children {
        if let Child::El(e) = c {
            if is_lab_main(e) {
                e.children.clear();
            }
        }
    }
    f
}

/// The training views' `<main>`s, whole.
pub fn lab_mains() -> Vec<El> {
    figure(false)
        .children
        .into_iter()
        .filter_map(|c| match c {
            Child::El(e) if is_lab_main(&e) => Some(e),
            _ => None,
        })
        .collect()
}

fn is_lab_main(e: &El) -> bool {
    e.tag == "main" && e.get("class") == Some("lab")
}

// ---- small builders ----

/// `el` with `items` appended as children.
fn with(el: El, items: impl IntoIterator<Item = El>) -> El {
    items.into_iter().fold(el, El::child)
}

/// `el` with the attributes `kv` added in order.
fn set(el: El, kv: &[(&'static str, &str)]) -> El {
    kv.iter().fold(el, |el, &(k, v)| el.attr(k, v))
}

/// An element holding just a text.
fn txt(tag: &'static str, text: &str) -> El {
    El::html(tag).text(text)
}

/// An element with an id.
fn with_id(tag: &'static str, id: &str) -> El {
    El::html(tag).attr("id", id)
}

/// An empty `<div>` the shell fills.
fn host(id: &str) -> El {
    with_id("div", id)
}

/// `el` with `text`, each part between backquotes wrapped in a `wrap` element (`<code>`, `<kbd>`…).
fn marked(el: El, wrap: &'static str, text: &str) -> El {
    text.split('`').enumerate().fold(el, |el, (i, s)| match (i % 2, s.is_empty()) {
        (1, _) => el.child(txt(wrap, s)),
        (_, true) => el,
        _ => el.text(s),
    })
}

fn label(for_id: &str, text: &str) -> El {
    El::html("label").attr("for", for_id).text(text)
}

/// A label with the control's current value in `<output id="{for_id}-out">`.
fn label_out(for_id: &str, text: &str) -> El {
    El::html("label")
        .attr("for", for_id)
        .text(format!("{text} "))
        .child(with_id("output", &format!("{for_id}-out")).attr("for", for_id))
}

/// A checkbox inside its label.
fn check(class: &str, id: &str, text: &str) -> El {
    El::html("label").attr("class", class).child(with_id("input", id).attr("type", "checkbox")).text(format!(" {text}"))
}

fn range(id: &str, min: &str, max: &str, step: &str) -> El {
    with_id("input", id).attr("type", "range").attr("min", min).attr("max", max).attr("step", step)
}

fn number(id: &str, min: &str) -> El {
    with_id("input", id).attr("type", "number").attr("min", min)
}

/// A text field for a number.
fn decimal(id: &str) -> El {
    with_id("input", id).attr("type", "text").attr("inputmode", "decimal")
}

fn plain_button(id: &str, text: &str) -> El {
    with_id("button", id).attr("type", "button").text(text)
}

fn button(id: &str, text: &str, title: &str) -> El {
    plain_button(id, text).attr("title", title)
}

fn toolbar(label: &str) -> El {
    El::html("div").attr("class", "toolbar").attr("role", "toolbar").attr("aria-label", label)
}

/// A hidden live region for notices.
fn status(id: &str) -> El {
    with_id("div", id).attr("role", "status").attr("hidden", "")
}

fn help(text: &str) -> El {
    El::html("p").attr("class", "help").text(text)
}

/// A polite live paragraph summing up a run.
fn summary_line(id: &str) -> El {
    with_id("p", id).attr("class", "summary").attr("aria-live", "polite")
}

/// A `<div>` of two controls side by side.
fn pair(a: El, b: El) -> El {
    El::html("div").attr("class", "pair").child(a).child(b)
}

/// A label and its control in a `<div>`.
fn field(for_id: &str, text: &str, control: El) -> El {
    El::html("div").child(label(for_id, text)).child(control)
}

/// A label and its `<select>`.
fn picker(id: &str, text: &str) -> Vec<El> {
    vec![label(id, text), with_id("select", id)]
}

/// A label showing the slider's value, and the slider.
fn slider(id: &str, text: &str, min: &str, max: &str, step: &str) -> Vec<El> {
    vec![label_out(id, text), range(id, min, max, step)]
}

/// A group of controls (`host`) named by the `<div class="label" id="{label_id}">` before it.
fn group(label_id: &str, text: &str, host: El) -> Vec<El> {
    let name = El::html("div").attr("class", "label").attr("id", label_id).text(text);
    vec![name, host.attr("role", "group").attr("aria-labelledby", label_id)]
}

/// A canvas drawn as an image, named by `aria`.
fn canvas(id: &str, width: &str, height: &str, aria: &str) -> El {
    with_id("canvas", id).attr("width", width).attr("height", height).attr("role", "img").attr("aria-label", aria)
}

/// The plots whose series can be saved as CSV (the others save a PNG only).
pub const CSV_PLOTS: &[&str] = &["lr-plot", "lr-curves", "lr-range-plot", "lr-compare-plot", "s-contour", "s-profile"];

/// The plots drawn as line charts, which also save as SVG (`<id>-svg`, Download SVG; the
/// heatmap, the contour and the decision boundary are pictures: PNG only).
pub const SVG_PLOTS: &[&str] =
    &["t-loss-plot", "lr-plot", "lr-curves", "lr-range-plot", "lr-compare-plot", "s-profile"];

/// A panel holding a plot, with its export buttons: `<id>-svg` (Download SVG) for the plots of
/// [`SVG_PLOTS`], `<id>-png` (Download PNG) and, for the plots of [`CSV_PLOTS`], `<id>-csv`
/// (Export CSV), in a toolbar `<id>-export`.
fn plot(canvas: El) -> El {
    let id = canvas.get("id").unwrap_or_default().to_string();
    let what = canvas.get("aria-label").unwrap_or_default().to_string();
    let mut bar = with_id("div", &format!("{id}-export"))
        .attr("class", "toolbar exports")
        .attr("role", "toolbar")
        .attr("aria-label", format!("Export: {what}"));
    if SVG_PLOTS.contains(&id.as_str()) {
        bar = bar.child(button(
            &format!("{id}-svg"),
            "Download SVG",
            "This plot as an SVG drawing, to scale to any size",
        ));
    }
    bar = bar.child(button(&format!("{id}-png"), "Download PNG", "This plot as a PNG at twice its size, for slides"));
    if CSV_PLOTS.contains(&id.as_str()) {
        bar = bar.child(button(&format!("{id}-csv"), "Export CSV", "The numbers of this plot"));
    }
    El::html("figure").attr("class", "panel").child(canvas).child(bar)
}

/// A panel holding a plot and a caption under it.
fn captioned(canvas: El, caption: &str) -> El {
    plot(canvas).child(El::html("figcaption").attr("class", "help").text(caption))
}

fn fieldset(legend: &str, items: Vec<El>) -> El {
    with(El::html("fieldset").child(txt("legend", legend)), items)
}

/// A hidden `<main>` of one of the training views.
fn lab_main(id: &str) -> El {
    with_id("main", id).attr("class", "lab").attr("hidden", "")
}

/// The settings column, named by its heading.
fn controls(heading_id: &str) -> El {
    El::html("section").attr("class", "controls").attr("aria-labelledby", heading_id)
}

fn plots() -> El {
    El::html("section").attr("class", "plots").attr("aria-label", "Plots").attr("data-panel-group", "")
}

// ---- chrome ----

fn header() -> El {
    let brand = El::html("div").attr("class", "brand").child(txt("h1", "Backprop Lab")).child(
        El::html("p")
            .attr("class", "tagline")
            .text("Watch the chain rule run: values flow forward, gradients flow back."),
    );
    let link =
        |view: &str, text: &str| with_id("a", &format!("nav-{view}")).attr("href", format!("?view={view}")).text(text);
    let nav = with(
        El::html("nav").attr("aria-label", "Views"),
        [
            link("graph", "Computational graph"),
            link("train", "Training"),
            link("lr", "Learning rate"),
            link("step", "Step size"),
        ],
    );
    El::html("header").child(brand).child(nav)
}

fn footer() -> El {
    El::html("footer").child(txt(
        "p",
        "Backprop Lab · a Rust core compiled to WebAssembly · click an input's green value to edit it, \
         or drag it to scrub · → and ← step through the backward pass",
    ))
}

fn perf() -> El {
    set(with_id("div", "perf"), &[("class", "perf"), ("hidden", ""), ("aria-live", "off")])
        .child(with_id("span", "perf-fps"))
        .text(" fps · ")
        .child(with_id("span", "perf-eps"))
        .text(" examples/s")
}

// ---- the computational graph ----

fn graph_view() -> El {
    with_id("main", "graph-view").attr("hidden", "").child(editor()).child(stage())
}

fn editor() -> El {
    let error = set(with_id("div", "error"), &[("role", "alert"), ("hidden", "")]);
    let error = error.child(with_id("p", "error-message")).child(with_id("pre", "error-caret"));
    let gradcheck = help(
        "The numeric gradient is the centred difference (f(x+h) − f(x−h)) / 2h; a relative \
         error above 10⁻⁶ is flagged ⚠.",
    );
    let items = [
        picker("preset", "Example"),
        vec![label("source", "Expression"), source(), error, syntax_help()],
        vec![check("check", "expand-sigmoid", "Show σ as primitive gates (−x, exp, +1, 1/x)")],
    ];
    let checks =
        panel(El::html("div"), "gradcheck").child(host("gradcheck-host").attr("class", "gradcheck")).child(gradcheck);
    with(
        El::html("section")
            .attr("class", "editor")
            .attr("aria-labelledby", "editor-title")
            .attr("data-panel-group", ""),
        [
            with_id("h2", "editor-title").attr("class", "visually-hidden").text("Expression"),
            with(panel(El::html("div"), "editor"), items.concat()),
            checks,
        ],
    )
}

fn source() -> El {
    let kv = [("rows", "7"), ("spellcheck", "false"), ("autocomplete", "off"), ("autocapitalize", "off")];
    set(with_id("textarea", "source"), &kv).attr("aria-describedby", "syntax-help")
}

fn syntax_help() -> El {
    marked(
        with_id("p", "syntax-help").attr("class", "help"),
        "code",
        "One statement per line or separated by `;`. `x = 2` declares an input; `q = x * y` names a gate; \
         the last line is the output. Operators `+ - * / ^`; functions `exp log sqrt tanh sigmoid relu abs max min`.",
    )
}

fn stage() -> El {
    with(
        El::html("section").attr("class", "stage").attr("aria-label", "Graph").attr("data-panel-group", ""),
        [
            panel(passes(), "graph"),
            status("notice"),
            status("problems"),
            panel(host("graph-host").attr("class", "graph-host"), "graph"),
            panel(with_id("p", "step-panel").attr("aria-live", "polite"), "graph"),
            panel(
                with_id("pre", "gate-code")
                    .attr("class", "gate-code")
                    .attr("aria-label", "The gate's backward, as code")
                    .attr("hidden", ""),
                "graph",
            ),
            panel(quiz_panel(), "graph"),
            panel(exercise_panel(), "exercise"),
            panel(
                exports(
                    "graph-export",
                    "Export the graph",
                    &[
                        (
                            "btn-graph-svg",
                            "Download SVG",
                            "The whole graph as an SVG file, values and gradients as shown",
                        ),
                        ("btn-graph-png", "Download PNG", "The whole graph as a PNG at twice its size, for slides"),
                        (
                            "btn-graph-json",
                            "Export JSON",
                            "Every node (name, op, inputs, value, gradient) and the backward steps",
                        ),
                    ],
                ),
                "graph",
            ),
            decimal("value-editor").attr("aria-label", "New value").attr("hidden", ""),
            panel(set(El::html("details"), &[("class", "nodes"), ("open", "")]), "nodes")
                .child(txt("summary", "All nodes"))
                .child(host("nodes-host")),
            panel(with_id("details", "costs").attr("class", "nodes costs"), "nodes")
                .child(txt("summary", "What a gradient costs"))
                .child(host("costs-host"))
                .child(
                    El::html("div")
                        .attr("class", "tangent-row")
                        .child(label("tangent-of", "Forward mode: show the tangents along "))
                        .child(with_id("select", "tangent-of")),
                )
                .child(with_id("p", "tangent-text").attr("class", "help").attr("aria-live", "polite")),
        ],
    )
}

/// The graph view's toolbar: back to training (shown after a click on the plane), the passes,
/// the step count and the colour legend.
fn passes() -> El {
    let swatch = |kind: &str| El::html("span").attr("class", format!("swatch {kind}"));
    let legend = El::html("span").attr("class", "legend").child(swatch("value")).text("value ");
    let legend = legend.child(swatch("grad")).text("gradient");
    with(
        toolbar("Passes"),
        [
            button("btn-back-train", "← Back to training", "Return to the training run, where it was")
                .attr("class", "back")
                .attr("aria-label", "Back to training")
                .attr("hidden", ""),
            button("btn-forward", "Forward", "Compute every value (forward pass)"),
            button("btn-backward", "Backward", "Compute every gradient (backward pass)"),
            button("btn-step", "Step", "One node of the backward pass (→ key)"),
            button("btn-reset", "Reset", "Clear values and gradients"),
            with_id("span", "step-count").attr("class", "count").attr("aria-live", "off"),
            legend,
            zoom(),
        ],
    )
}

/// Zoom for a graph wider than its figure (it is fitted to the width by default).
fn zoom() -> El {
    let b = |id: &str, text: &str, label: &str| plain_button(id, text).attr("aria-label", label).attr("title", label);
    with(
        El::html("span").attr("class", "zoom").attr("role", "group").attr("aria-label", "Zoom"),
        [
            b("btn-zoom-out", "−", "Zoom out"),
            b("btn-zoom-fit", "Fit", "Fit the graph to the width"),
            b("btn-zoom-in", "+", "Zoom in"),
        ],
    )
    .attr("id", "zoom")
}

/// A small toolbar of export buttons (`(id, name, what it saves)`).
fn exports(id: &str, label: &str, buttons: &[(&str, &str, &str)]) -> El {
    let bar = with_id("div", id).attr("class", "toolbar exports").attr("role", "toolbar").attr("aria-label", label);
    buttons.iter().fold(bar, |bar, &(id, name, what)| bar.child(button(id, name, what)))
}

/// `el` as the part `name` of its view (what `panels=` picks).
fn panel(el: El, name: &str) -> El {
    el.attr("data-panel", name)
}

// ---- training ----

fn train_view() -> El {
    let settings = with(
        panel(controls("train-settings"), "settings"),
        [
            with_id("h2", "train-settings").attr("class", "visually-hidden").text("Settings"),
            data_fieldset(),
            network_fieldset(),
            optimisation_fieldset(),
        ],
    );
    lab_main("train-view").child(settings).child(train_stage().attr("data-panel-group", ""))
}

fn data_fieldset() -> El {
    let items = [
        picker("t-data", "Data set"),
        slider("t-noise", "Noise", "0", "5", "0.01"),
        slider("t-train", "Training share", "10", "90", "1"),
        group("t-features-label", "Input features", host("t-features").attr("class", "chips")),
        vec![
            with_id("p", "t-data-scale").attr("class", "help").attr("hidden", ""),
            exports(
                "t-data-export",
                "Your data",
                &[
                    ("t-import", "Import data", "Train on your own points: a CSV of x,y,label or x,y"),
                    ("t-data-csv", "Export CSV", "The data set as it stands, added points too, as x,y,label"),
                ],
            ),
            import_dialog(),
        ],
    ];
    fieldset("Data", items.concat())
}

/// Predict, then check (`quiz=1`): the question, *Your gradient*, Check, what the answer was
/// and the score. Hidden unless the quiz is on.
/// The exercise a preset sets (`web::model::exercise`): its title, text and table, and for the
/// lecture's NumPy network the run of the whole network with its loss against step.
fn exercise_panel() -> El {
    let numpy = with_id("div", "numpy")
        .attr("class", "numpy")
        .attr("hidden", "")
        .child(
            El::html("div").attr("class", "toolbar").child(plain_button("numpy-train", "Train 2,000 steps")).child(
                set(with_id("progress", "numpy-progress"), &[("max", "2000"), ("value", "0")])
                    .attr("aria-label", "Steps of the lecture's network trained"),
            ),
        )
        .child(plot(canvas("numpy-loss", "640", "260", "The lecture network's loss against step")))
        .child(with_id("p", "numpy-text").attr("class", "help").attr("aria-live", "polite").attr("data-steps", "0"));
    with_id("section", "exercise")
        .attr("class", "exercise")
        .attr("aria-labelledby", "exercise-title")
        .attr("hidden", "")
        .child(with_id("h3", "exercise-title"))
        .child(with_id("p", "exercise-text").attr("class", "help"))
        .child(host("exercise-host").attr("class", "exercise-host"))
        .child(with_id("p", "exercise-feedback").attr("role", "status"))
        .child(numpy)
}

fn quiz_panel() -> El {
    with_id("section", "quiz")
        .attr("class", "quiz")
        .attr("aria-label", "Predict, then check")
        .attr("hidden", "")
        .child(
            El::html("div")
                .attr("class", "quiz-row")
                .child(with_id("span", "quiz-question"))
                .child(label("quiz-answer", "Your gradient"))
                .child(
                    with_id("input", "quiz-answer")
                        .attr("type", "text")
                        .attr("inputmode", "decimal")
                        .attr("autocomplete", "off")
                        .attr("spellcheck", "false")
                        .attr("size", "10"),
                )
                .child(plain_button("quiz-check", "Check")),
        )
        .child(with_id("p", "quiz-feedback").attr("role", "status"))
        .child(with_id("p", "quiz-score").attr("class", "quiz-score").attr("data-score", "0/0"))
        .child(help(crate::web::model::quiz::TOLERANCE_TEXT))
}

/// `Import data`: a CSV from a file or pasted, checked before anything changes.
fn import_dialog() -> El {
    let help_text = "One point per line: x,y,label for a classification (labels 0, 1 and 2, or −1 and 1) or x,y for a \
                regression (y against x); a header line is optional, lines starting with # are skipped. The \
                points are scaled into the plane (±5), and the scale is shown under the data set.";
    with_id("dialog", "import-dialog")
        .attr("aria-labelledby", "import-title")
        .attr("class", "import")
        .child(with_id("h2", "import-title").text("Import data"))
        .child(help(help_text))
        .child(label("import-file", "A CSV file "))
        .child(with_id("input", "import-file").attr("type", "file").attr("accept", ".csv,.txt,text/csv,text/plain"))
        .child(label("import-text", "or the CSV itself"))
        .child(
            with_id("textarea", "import-text")
                .attr("rows", "8")
                .attr("spellcheck", "false")
                .attr("placeholder", "x,y,label\n-1.5,2,0\n3,0.5,1"),
        )
        .child(with_id("div", "import-message").attr("role", "alert"))
        .child(
            El::html("div")
                .attr("class", "toolbar")
                .child(plain_button("import-use", "Use these data"))
                .child(plain_button("import-close", "Cancel")),
        )
}

fn network_fieldset() -> El {
    let items = [
        group("t-hidden-label", "Hidden layers", host("t-hidden")),
        picker("t-act", "Activation"),
        picker("t-loss", "Loss"),
    ];
    fieldset("Network", items.concat())
}

fn optimisation_fieldset() -> El {
    let beta = label_out("t-beta", "β").text(" ").child(with_id("span", "t-beta-hint").attr("class", "hint"));
    let hyper = El::html("div")
        .attr("class", "hyper")
        .child(host("t-beta2-row").child(field("t-beta2", "β₂", decimal("t-beta2").attr("size", "7"))))
        .child(host("t-eps-row").child(field("t-eps", "ε", decimal("t-eps").attr("size", "7"))))
        .child(host("t-wd-row").child(field("t-wd", "Weight decay λ", decimal("t-wd").attr("size", "7"))));
    let mut sched_params = El::html("div").attr("class", "hyper");
    for (id, text) in [
        ("t-warmup", "Warm-up steps"),
        ("t-total", "Total steps"),
        ("t-minlr", "Final rate"),
        ("t-every", "Every k steps"),
        ("t-factor", "× factor"),
        ("t-gamma", "γ per step"),
    ] {
        sched_params =
            sched_params.child(host(&format!("{id}-row")).child(field(id, text, decimal(id).attr("size", "7"))));
    }
    let reg = El::html("div")
        .attr("class", "pair")
        .child(El::html("div").child(label("t-reg", "Regularization")).child(with_id("select", "t-reg")))
        .child(host("t-regrate-row").child(field("t-regrate", "Rate λ", decimal("t-regrate").attr("size", "7"))));
    let rate = pair(
        range("t-lr-slider", "-6", "2", "any").attr("aria-label", "Learning rate (log scale)"),
        decimal("t-lr").attr("size", "8"),
    );
    let plot = canvas("t-sched-plot", "280", "120", "Learning rate against step for the chosen schedule");
    let batch = pair(
        field("t-batch", "Batch size", number("t-batch", "1").attr("max", "500")),
        field("t-seed", "Seed", number("t-seed", "0")),
    );
    let items = [
        picker("t-opt", "Optimizer"),
        vec![host("t-beta-row").child(beta).child(range("t-beta", "0", "0.999", "0.001"))],
        vec![hyper],
        vec![label("t-lr", "Learning rate"), rate],
        vec![reg],
        picker("t-sched", "Schedule"),
        vec![sched_params],
        vec![plot.attr("class", "mini"), batch],
        slider("t-speed", "Speed", "0", "8", "1"),
    ];
    fieldset("Optimisation", items.concat())
}

fn train_stage() -> El {
    let layers = with(
        panel(with_id("details", "t-layers").attr("class", "layers"), "layers"),
        [
            txt("summary", "Inside each layer (the last mini-batch)"),
            help(
                "For the last batch, with the W and b it used (the step's update comes after): X, W, b, \
                 the outputs; going back, dvalues = ∂L/∂outputs. A linear layer is the lecture's: dinputs = \
                 dvalues·Wᵀ, dweights = Xᵀ·dvalues, dbiases = Σ dvalues. Behind an activation f the gradient \
                 first passes through it, dz = dvalues ⊙ f′(z), and the products use dz. Orange is negative, \
                 blue positive; hover a cell for its value.",
            ),
            check(
                "check",
                "t-lecture",
                "Show the lecture's example instead: 3 neurons, 4 inputs, a batch of 4, dvalues rows (1,1,1)…(4,4,4)",
            ),
            layer_quiz_panel(),
            host("t-layers-host"),
        ],
    );
    let grid = with(El::html("div").attr("class", "train-grid"), [network_panel(), plane_panel(), loss_panel()]);
    with(
        El::html("section").attr("class", "train-stage").attr("aria-label", "Training"),
        [train_toolbar(), status("t-status").attr("class", "notice"), grid, layers],
    )
}

/// The layer view's predict-then-check (`quiz=1`): what to do, the last answer's feedback and
/// the score.
fn layer_quiz_panel() -> El {
    with_id("div", "t-quiz")
        .attr("class", "quiz")
        .attr("hidden", "")
        .child(help(
            "Predict, then check: the boxed entries of dinputs, dweights and dbiases are hidden. Work each \
             out from the matrices shown and press Enter; the numbers hold still while you type (pause \
             training to keep them).",
        ))
        .child(with_id("p", "t-quiz-feedback").attr("role", "status"))
        .child(with_id("p", "t-quiz-score").attr("class", "quiz-score").attr("data-score", "0/0"))
        .child(help(crate::web::model::quiz::TOLERANCE_TEXT))
}

fn train_toolbar() -> El {
    let counter = |dt: El, id: &str, value: &str, data: &'static str, data_value: &str| {
        El::html("div").child(dt).child(with_id("dd", id).attr(data, data_value).text(value))
    };
    let dt = |t: &str| txt("dt", t);
    let counters = with(
        El::html("dl").attr("class", "counters"),
        [
            counter(dt("step"), "t-count-step", "0", "data-step", "0"),
            El::html("div").child(dt("epoch")).child(with_id("dd", "t-count-epoch").text("0")),
            counter(dt("train loss"), "t-loss-train", "–", "data-loss-train", ""),
            counter(dt("test loss"), "t-loss-test", "–", "data-loss-test", ""),
            counter(dt("test accuracy").attr("id", "t-accuracy-label"), "t-accuracy", "–", "data-accuracy", ""),
            counter(dt("status"), "t-run-status", "ready", "data-status", "ready"),
        ],
    );
    with(
        toolbar("Training"),
        [
            button("t-play", "Play", "Train continuously (space)"),
            button("t-step", "Step", "One mini-batch"),
            button("t-reset", "Reset", "New weights from the seed"),
            counters,
        ],
    )
}

fn network_panel() -> El {
    with(
        panel(El::html("figure").attr("class", "panel"), "network"),
        [
            txt("figcaption", "Network ").child(check("check inline", "t-grads", "show |gradient| on the lines")),
            host("t-network").attr("class", "network-host"),
            host("t-edit")
                .attr("class", "param-edit")
                .attr("hidden", "")
                .attr("role", "group")
                .attr("aria-labelledby", "t-edit-label")
                .child(with_id("label", "t-edit-label").attr("for", "t-edit-value"))
                .child(
                    with_id("input", "t-edit-value")
                        .attr("type", "text")
                        .attr("inputmode", "decimal")
                        .attr("autocomplete", "off")
                        .attr("size", "9"),
                )
                .child(plain_button("t-edit-set", "Set"))
                .child(plain_button("t-edit-cancel", "Cancel"))
                .child(with_id("p", "t-edit-msg").attr("role", "status")),
            help(
                "Blue lines are positive weights, orange negative; thicker is larger. Hover a line or a \
                 neuron for its value, gradient and optimizer state; click one (or Tab to it and press \
                 Enter) to type its value.",
            ),
            exports(
                "t-network-export",
                "Export the network",
                &[
                    ("t-network-svg", "Download SVG", "The network drawing as an SVG file"),
                    ("t-network-png", "Download PNG", "The network drawing as a PNG at twice its size"),
                    (
                        "t-network-json",
                        "Export JSON",
                        "The config, every weight and bias, the optimizer's state and the step",
                    ),
                ],
            ),
        ],
    )
}

fn plane_panel() -> El {
    let plane = set(
        with_id("canvas", "t-boundary"),
        &[("width", "400"), ("height", "400"), ("tabindex", "0"), ("role", "application")],
    );
    let plane = plane
        .attr("aria-roledescription", "data plane")
        .attr("aria-label", "The data points on the plane, coloured by the network's prediction")
        .attr("aria-describedby", "t-boundary-help");
    with(
        panel(El::html("figure").attr("class", "panel plane-panel"), "boundary"),
        [
            with_id("figcaption", "t-boundary-caption").text("Decision boundary"),
            plane,
            plane_help(),
            exports(
                "t-boundary-export",
                "Export the decision boundary",
                &[("t-boundary-png", "Download PNG", "The plane and its points as a PNG at twice its size")],
            ),
            with_id("p", "t-plane-live").attr("class", "visually-hidden").attr("aria-live", "polite"),
        ],
    )
}

/// What a pointer and the keyboard do on the data plane.
fn plane_help() -> El {
    let keys = marked(
        El::html("span").attr("class", "keyboard-help"),
        "kbd",
        "Keyboard: arrows move a cross, `N` jumps to the nearest training point, `Enter` clicks, \
         `Shift`+`Enter` shift-clicks, `0` `1` `2` add a point of that class, `Delete` removes the nearest.",
    );
    with_id("p", "t-boundary-help")
        .attr("class", "help")
        .child(with_id("span", "t-plane-legend").text("Filled dots train, rings test."))
        .text(
            " Click a dot to see backprop on it as a graph; click elsewhere to add a point, shift-click for \
             the other class, alt-click to remove the nearest. ",
        )
        .child(keys)
}

fn loss_panel() -> El {
    panel(El::html("figure").attr("class", "panel"), "loss")
        .child(txt("figcaption", "Loss ").child(check("check inline", "t-logy", "log scale")))
        .child(canvas("t-loss-plot", "420", "260", "Training and test loss against step"))
        .child(exports(
            "t-loss-export",
            "Export the loss",
            &[
                ("t-loss-plot-svg", "Download SVG", "The loss plot as an SVG drawing"),
                ("t-loss-plot-png", "Download PNG", "The loss plot as a PNG at twice its size"),
                ("t-loss-csv", "Export CSV", "Loss against step, train and test"),
            ],
        ))
}

// ---- learning rate ----

fn lr_view() -> El {
    lab_main("lr-view").child(lr_controls()).child(lr_plots())
}

fn lr_controls() -> El {
    let buttons = with(
        El::html("div").attr("class", "toolbar"),
        [
            plain_button("lr-run", "Run sweep"),
            plain_button("lr-range", "Range test"),
            plain_button("lr-compare", "Schedule vs constant"),
            plain_button("lr-race", "Race optimizers"),
            plain_button("lr-cancel", "Cancel").attr("disabled", ""),
        ],
    );
    with(
        panel(controls("lr-settings"), "settings"),
        [
            with_id("h2", "lr-settings").text("Learning-rate sweep"),
            help("Every rate trains the network of the Training view from the same weights on the same batches."),
            pair(field("lr-lo", "From", decimal("lr-lo")), field("lr-hi", "to", decimal("lr-hi"))),
            pair(
                field("lr-rates", "Rates", number("lr-rates", "2").attr("max", "64")),
                field("lr-steps", "Steps each", number("lr-steps", "10").attr("max", "5000")),
            ),
            buttons,
            set(with_id("progress", "lr-progress"), &[("max", "1"), ("value", "0"), ("hidden", "")]),
            summary_line("lr-summary"),
            help(
                "Look for the valley: too small a rate crawls (the loss barely moves), too big a rate \
                 overshoots: it ends above the grey line, the loss before training, or diverges (marked ✕). \
                 The best rates sit a little below that edge.",
            ),
        ],
    )
}

fn lr_plots() -> El {
    with(
        plots(),
        [
            panel(
                captioned(
                    canvas("lr-plot", "560", "300", "Final and minimum loss against learning rate"),
                    "Click a rate (or a rate in the table of every rate) to train with it.",
                ),
                "sweep",
            ),
            panel(plot(canvas("lr-curves", "560", "300", "Loss against step for some rates")), "curves"),
            panel(plot(canvas("lr-heat", "560", "300", "Loss for each learning rate and step")), "heatmap"),
            panel(
                captioned(
                    canvas("lr-range-plot", "560", "300", "Range test: smoothed loss as the rate grows"),
                    "The range test raises the rate a little every step; the suggestion is where the loss falls fastest.",
                ),
                "range",
            ),
            panel(
                captioned(
                    canvas("lr-compare-plot", "560", "300", "Loss with the chosen schedule and with a constant rate"),
                    "Same seed, same batches: the chosen schedule (Training view) against the constant rate.",
                ),
                "schedule",
            ),
            panel(
                with_id("figure", "lr-race-panel")
                    .attr("class", "panel")
                    .child(canvas("lr-race-plot", "560", "300", "Training loss against step for each optimizer of the race"))
                    .child(El::html("figcaption").attr("class", "help").text(
                        "The live network's settings, the same weights and the same batches, one run per optimizer \
                         (the step-size view's race=, else SGD, momentum and Adam), each at its own rate or the \
                         Training view's.",
                    )),
                "schedule",
            ),
            panel(sweep_table(), "sweep"),
        ],
    )
}

/// Every rate of the sweep, one row each (filled by the shell).
fn sweep_table() -> El {
    let head = ["curve", "rate", "final loss (training set)", "lowest mini-batch loss", "outcome"];
    let table = with_id("table", "lr-table")
        .child(txt("caption", "Sweep results"))
        .child(El::html("thead").child(with(El::html("tr"), head.map(|h| txt("th", h)))))
        .child(with_id("tbody", "lr-rows"));
    El::html("details")
        .attr("class", "panel sweep-table")
        .child(txt("summary", "Every rate of the sweep — tick the loss curves to show"))
        .child(table)
}

// ---- step size ----

fn step_view() -> El {
    lab_main("step-view").child(step_controls()).child(step_plots())
}

fn step_controls() -> El {
    let cond = with(host("s-cond-row"), slider("s-cond", "Condition number", "0", "3", "any"));
    let help = marked(
        El::html("p").attr("class", "help"),
        "sub",
        "Drag on the contour plot to move the start. A step η·∇L that is too big overshoots the valley \
         and zig-zags or diverges; a small one crawls. On the bowl the largest stable step is 2/λ`max`.",
    );
    let surface = host("s-f-row").child(label("s-f", "f(a, b) =")).child(
        with_id("input", "s-f")
            .attr("type", "text")
            .attr("spellcheck", "false")
            .attr("autocomplete", "off")
            .attr("class", "code")
            .attr("aria-describedby", "s-f-help"),
    );
    let surface = surface.child(
        with_id("p", "s-f-help").attr("class", "help").text(
            "An expression in a and b (+ − * / ^, exp, log, sqrt, tanh, sigmoid, relu, abs, max, min); Enter draws it.",
        ),
        // (the shell's SURFACE_HELP says the same when a bad one is mended)
    );
    let mut racers = El::html("div").attr("class", "race-boxes");
    for (name, text) in crate::web::model::lab_state::OPTIMIZER_NAMES {
        racers = racers.child(
            El::html("label")
                .child(El::html("input").attr("type", "checkbox").attr("data-opt", name.to_string()))
                .text(format!(" {text}")),
        );
    }
    let race = group("s-race-label", "Race from the same start", host("s-race").child(racers));
    let items = [
        vec![with_id("h2", "step-settings").text("Step size")],
        picker("s-problem", "Loss surface"),
        vec![surface],
        slider("s-eta", "Step size η", "-3", "1", "any"),
        slider("s-mom", "Momentum", "0", "0.99", "0.01"),
        vec![with(
            with_id("details", "s-build-box").attr("class", "more").child(txt("summary", "Take one step apart")),
            [
                slider("s-k", "Look at step", "1", "60", "1"),
                vec![
                    El::html("div")
                        .attr("class", "toolbar")
                        .child(plain_button("s-build", "Build the step").attr("aria-describedby", "s-update")),
                    with_id("p", "s-update").attr("class", "help").attr("aria-live", "polite"),
                ],
            ]
            .concat(),
        )],
        vec![with(
            with_id("details", "s-race-box")
                .attr("class", "more")
                .child(txt("summary", "Race optimizers from the same start")),
            race,
        )],
        vec![cond, summary_line("s-summary"), help],
    ];
    with(panel(controls("step-settings"), "settings"), items.concat())
}

fn step_plots() -> El {
    with(
        plots(),
        [
            panel(
                plot(
                    canvas("s-contour", "520", "420", "Contour plot of the loss with the gradient-descent path")
                        .attr("tabindex", "0")
                        .attr("aria-keyshortcuts", "ArrowLeft ArrowRight ArrowUp ArrowDown")
                        .attr(
                            "title",
                            "Drag, or focus and use the arrow keys (Shift: bigger steps), to move the start",
                        ),
                ),
                "contour",
            ),
            panel(
                with_id("figure", "s-race-panel")
                    .attr("class", "panel")
                    .attr("hidden", "")
                    .child(canvas("s-race-loss", "520", "300", "Loss against step for each optimizer of the race"))
                    .child(El::html("figcaption").attr("class", "help").text(
                        "Each optimizer from the same start, with its own parameters: its rate (race=adam:0.05) or \
                         η, and the usual values of the others (β = 0.9 for momentum and Nesterov, ρ = 0.9, Adam's \
                         β₁ = 0.9 and β₂ = 0.999, ε = 10⁻⁸, AdamW's λ = 0.01).",
                    )),
                "race",
            ),
            panel(
                captioned(
                    canvas("s-profile", "520", "300", "Loss along the negative gradient against step size"),
                    "From the current weights of the Training view's network: the loss after one step θ − η·∇L. \
                     Above the dashed start loss the step overshoots.",
                ),
                "profile",
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::model::view::Child;

    /// Every id in `www/index.html`'s body (but the boot note's), and the added back button.
    const SHELL_IDS: &str =
        "nav-graph nav-train nav-lr nav-step graph-view editor-title preset source error error-message \
        error-caret syntax-help exercise exercise-title exercise-text exercise-host exercise-feedback numpy \
        numpy-train numpy-progress numpy-loss numpy-loss-export numpy-loss-png numpy-text expand-sigmoid gradcheck-host btn-back-train btn-forward btn-backward \
        btn-step btn-reset step-count notice problems graph-host step-panel value-editor nodes-host \
        lab-notice train-view train-settings t-data t-noise-out t-noise t-train-out t-train t-features-label \
        t-features t-hidden-label t-hidden t-act t-loss t-opt t-beta-row t-beta-out t-beta t-lr-slider t-lr \
        t-sched t-sched-plot t-batch t-seed t-speed-out t-speed t-play t-step t-reset t-count-step \
        t-count-epoch t-loss-train t-loss-test t-accuracy-label t-accuracy t-status t-grads t-network \
        t-boundary-caption t-boundary t-boundary-help t-plane-legend t-plane-live t-logy t-loss-plot \
        t-beta-hint t-beta2-row t-beta2 t-eps-row t-eps t-wd-row t-wd t-reg t-regrate-row t-regrate t-warmup-row t-warmup t-total-row t-total t-minlr-row t-minlr t-every-row t-every t-factor-row t-factor t-gamma-row t-gamma t-edit t-edit-label t-edit-value t-edit-set t-edit-cancel t-edit-msg t-layers t-lecture t-quiz t-quiz-feedback t-quiz-score t-layers-host lr-view lr-settings lr-lo lr-hi lr-rates lr-steps lr-run lr-range \
        lr-compare lr-race lr-race-panel lr-race-plot lr-cancel lr-progress lr-summary lr-plot lr-curves lr-heat lr-range-plot lr-compare-plot \
        lr-table lr-rows step-view step-settings s-problem s-eta-out s-eta s-mom-out s-mom s-cond-row \
        s-cond-out s-cond s-summary s-contour s-profile s-build-box s-race-box s-k-out s-k s-build s-update s-f-row s-f s-f-help s-race-label s-race s-race-panel s-race-loss perf perf-fps perf-eps zoom btn-zoom-out btn-zoom-fit \
        btn-zoom-in btn-share open-lab share-dialog share-title share-body share-close t-run-status \
        graph-export btn-graph-svg btn-graph-png btn-graph-json t-network-export t-network-svg t-network-png \
        t-network-json t-loss-export t-loss-csv t-loss-plot-png t-boundary-export t-boundary-png \
        lr-plot-export lr-plot-png lr-plot-csv lr-curves-export lr-curves-png lr-curves-csv lr-heat-export \
        lr-heat-png lr-range-plot-export lr-range-plot-png lr-range-plot-csv lr-compare-plot-export \
        lr-compare-plot-png lr-compare-plot-csv s-contour-export s-contour-png s-contour-csv \
        s-profile-export s-profile-png s-profile-csv t-data-scale t-data-export t-import t-data-csv \
        import-dialog import-title import-file import-text import-message import-use import-close \
        btn-save-lab btn-open-lab open-lab-file share-lab share-lab-link t-loss-plot-svg lr-plot-svg \
        lr-curves-svg lr-range-plot-svg lr-compare-plot-svg s-profile-svg quiz quiz-question quiz-answer \
        quiz-check quiz-feedback quiz-score gate-code costs costs-host tangent-of tangent-text";

    fn ids(root: &El) -> Vec<&str> {
        root.walk().into_iter().filter_map(|e| e.get("id")).collect()
    }

    fn by_id<'a>(root: &'a El, id: &str) -> &'a El {
        root.walk().into_iter().find(|e| e.get("id") == Some(id)).unwrap_or_else(|| panic!("no #{id}"))
    }

    /// The element children of `e`.
    fn kids(e: &El) -> Vec<&El> {
        e.children.iter().filter_map(|c| if let Child::El(e) = c { Some(e) } else { None }).collect()
    }

    #[test]
    fn ids_are_unique() {
        for chrome in [true, false] {
            let f = figure(chrome);
            let mut all = ids(&f);
            all.sort_unstable();
            let dups: Vec<&&str> = all.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
            assert!(dups.is_empty(), "duplicate ids (chrome {chrome}): {dups:?}");
        }
    }

    #[test]
    fn references_name_ids_in_the_tree() {
        let f = figure(false);
        let present = ids(&f);
        let mut checked = 0;
        for e in f.walk() {
            for k in ["for", "aria-labelledby", "aria-describedby", "aria-controls"] {
                for target in e.get(k).into_iter().flat_map(str::split_whitespace) {
                    assert!(present.contains(&target), "<{} {k}=\"{target}\"> names no element", e.tag);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 37, "only {checked} references");
    }

    #[test]
    fn chrome_only_when_asked() {
        let bare = figure(false);
        assert!(bare.walk().iter().all(|e| !matches!(e.tag, "header" | "nav" | "footer")));
        let page = figure(true);
        let tags: Vec<&str> = kids(&page).iter().map(|e| e.tag).collect();
        assert_eq!(
            (page.tag, page.get("class"), tags[0], tags[tags.len() - 1]),
            ("div", Some("bpl-frame"), "header", "footer")
        );
        let nav = page.walk().into_iter().find(|e| e.tag == "nav").unwrap();
        assert_eq!(nav.get("aria-label"), Some("Views"));
        let links: Vec<String> = kids(nav)
            .iter()
            .map(|e| format!("{} #{} {} {}", e.tag, e.get("id").unwrap(), e.get("href").unwrap(), e.text_content()))
            .collect();
        let want = [
            "a #nav-graph ?view=graph Computational graph",
            "a #nav-train ?view=train Training",
            "a #nav-lr ?view=lr Learning rate",
            "a #nav-step ?view=step Step size",
        ];
        assert_eq!(links, want);
    }

    #[test]
    fn the_views_come_in_order_hidden() {
        let f = figure(false);
        assert!(f.children.iter().all(|c| matches!(c, Child::El(_))));
        let order: Vec<&str> = kids(&f).iter().map(|e| e.get("id").unwrap_or("")).collect();
        assert_eq!(
            order,
            ["graph-view", "lab-notice", "train-view", "lr-view", "step-view", "perf", "", "share-dialog"]
        );
        assert!(kids(&f).iter().take(6).all(|e| e.get("hidden") == Some("")));
        for (_, main) in VIEW_MAINS {
            assert_eq!(by_id(&f, main).tag, "main");
        }
        assert_eq!(by_id(&f, "perf").text_content(), " fps ·  examples/s");
    }

    #[test]
    fn buttons_tables_and_hooks_exist() {
        let f = figure(false);
        let graph =
            [("btn-forward", "Forward"), ("btn-backward", "Backward"), ("btn-step", "Step"), ("btn-reset", "Reset")];
        let lab = [("t-play", "Play"), ("t-step", "Step"), ("t-reset", "Reset"), ("lr-run", "Run sweep")];
        for (id, text) in graph.into_iter().chain(lab) {
            let b = by_id(&f, id);
            assert_eq!((b.tag, b.get("type"), b.text_content().as_str()), ("button", Some("button"), text), "#{id}");
        }
        let table = by_id(&f, "lr-table");
        assert_eq!((kids(table)[0].tag, kids(table)[0].text_content().as_str()), ("caption", "Sweep results"));
        assert_eq!(by_id(table, "lr-rows").tag, "tbody");
        for (id, k, v) in [
            ("t-count-step", "data-step", "0"),
            ("t-loss-train", "data-loss-train", ""),
            ("t-loss-test", "data-loss-test", ""),
            ("t-accuracy", "data-accuracy", ""),
            ("t-run-status", "data-status", "ready"),
        ] {
            assert_eq!(by_id(&f, id).get(k), Some(v), "#{id}[{k}]");
        }
    }

    #[test]
    fn back_to_training_leads_the_passes() {
        let f = figure(false);
        let bar = f.walk().into_iter().find(|e| e.get("aria-label") == Some("Passes")).unwrap();
        let back = kids(bar)[0];
        assert_eq!(
            (bar.get("role"), back.get("id"), back.get("type")),
            (Some("toolbar"), Some("btn-back-train"), Some("button"))
        );
        assert_eq!((back.get("hidden"), back.get("class")), (Some(""), Some("back")));
        assert!(back.text_content().contains("Back to training"));
    }

    #[test]
    fn every_id_the_shell_looks_up_is_present() {
        let page = figure(true);
        let present = ids(&page);
        let wanted: Vec<&str> = SHELL_IDS.split_whitespace().collect();
        assert_eq!(wanted.len(), 245);
        let missing: Vec<&&str> = wanted.iter().filter(|id| !present.contains(id)).collect();
        assert!(missing.is_empty(), "missing {missing:?}");
        let extra: Vec<&&str> = present.iter().filter(|id| !wanted.contains(id)).collect();
        assert!(extra.is_empty(), "not in index.html {extra:?}");
    }

    #[test]
    fn every_panel_and_control_is_marked_where_it_belongs() {
        use crate::web::model::embed::PANELS;
        let f = figure(true);
        for (name, view) in PANELS {
            let main = VIEW_MAINS.iter().find(|m| m.0 == *view).map(|m| m.1).unwrap();
            let parts = by_id(&f, main).walk().into_iter().filter(|e| e.get("data-panel") == Some(name)).count();
            assert!(parts >= 1, "{view} has no part {name}");
        }
        let marked: Vec<&str> = f.walk().into_iter().filter_map(|e| e.get("data-panel")).collect();
        assert!(marked.iter().all(|m| PANELS.iter().any(|p| p.0 == *m)), "{marked:?}");
        for (name, ids) in CONTROLS {
            let els: Vec<&El> = f.walk().into_iter().filter(|e| e.get("data-control") == Some(name)).collect();
            assert!(els.len() >= ids.len(), "{name}: {} elements for {ids:?}", els.len());
        }
        // a checkbox's label carries the mark (hiding the label hides the box and its text)
        let grads = f.walk().into_iter().find(|e| e.get("data-control") == Some("grads")).unwrap();
        assert_eq!(grads.tag, "label");
        // a picker's label and select both
        let data: Vec<&str> =
            f.walk().into_iter().filter(|e| e.get("data-control") == Some("data")).map(|e| e.tag).collect();
        assert_eq!(data, ["label", "select"]);
    }

    #[test]
    fn text_reads_naturally_and_flags_are_empty() {
        let f = figure(true);
        for e in f.walk() {
            for c in &e.children {
                if let Child::Text(t) = c {
                    assert!(!t.is_empty() && !t.contains('\n') && !t.contains("  "), "<{}> text {t:?}", e.tag);
                }
            }
            for (k, v) in &e.attrs {
                assert!(!matches!(*k, "hidden" | "open" | "disabled") || v.is_empty(), "<{} {k}={v:?}>", e.tag);
            }
        }
        // the inline markup survives
        let help = by_id(&f, "syntax-help");
        assert_eq!(help.walk().into_iter().filter(|e| e.tag == "code").count(), 5);
        assert!(help.text_content().starts_with("One statement per line or separated by ;. x = 2 declares"));
        assert_eq!(by_id(&f, "t-boundary-help").walk().into_iter().filter(|e| e.tag == "kbd").count(), 8);
    }

    #[test]
    fn a_figure_mounts_with_empty_training_views_and_fills_them_whole() {
        let full = figure(true);
        let lean = frame(true);
        let count = |e: &El| e.walk().len();
        assert!(count(&lean) * 2 < count(&full), "the lean frame builds far fewer elements");
        let mains = lab_mains();
        let ids: Vec<_> = mains.iter().map(|m| m.get("id").unwrap_or("")).collect();
        assert_eq!(ids, ["train-view", "lr-view", "step-view"]);
        // lean frame + the mains = the whole figure, element for element
        let filled = count(&lean) + mains.iter().map(|m| count(m) - 1).sum::<usize>();
        assert_eq!(filled, count(&full));
        for m in &mains {
            let id = m.get("id").unwrap_or("");
            let empty = lean.walk().into_iter().find(|e| e.get("id") == Some(id)).expect("the main is in the frame");
            assert!(empty.children.is_empty(), "{id} is empty in the frame");
            assert_eq!(empty.get("hidden"), Some(""), "{id} is hidden until shown");
        }
    }
}
