//! The training view's controls: filling them from the settings, and one small wiring
//! function per group of controls.

use super::*;

pub(super) fn init_controls(app: &Shared) {
    let a = app.borrow();
    let (root, lab) = (&a.root, &a.state.lab);
    let mut ds: Vec<(&str, &str)> = DATASETS.iter().map(|d| (d.1, d.2)).collect();
    if lab.own.is_some() {
        ds.push(("own", "Your data"));
    }
    root.fill_select("t-data", &ds, lab.dataset_name());
    let acts: Vec<(&str, &str)> = ACTIVATION_NAMES.iter().map(|d| (d.1, d.2)).collect();
    root.fill_select("t-act", &acts, ACTIVATION_NAMES.iter().find(|d| d.0 == lab.activation).map_or("tanh", |d| d.1));
    fill_losses(root, lab);
    root.fill_select("t-opt", OPTIMIZER_NAMES, lab.optimizer);
    root.fill_select("t-reg", REG_NAMES, lab.reg);
    root.fill_select("t-sched", SCHEDULE_NAMES, lab.schedule);
    root.fill_select("s-problem", PROBLEMS, lab.problem);
    let set = |id: &str, v: String| {
        if let Some(i) = root.input(id) {
            i.set_value(&v);
        }
    };
    for (id, v) in lab.slider_values() {
        set(id, v.to_string());
    }
    set("t-lr", short_number(lab.lr));
    for (id, key) in HYPER_FIELDS {
        set(id, field_text(lab, key));
    }
    set("lr-lo", short_number(lab.sweep_lo));
    set("lr-hi", short_number(lab.sweep_hi));
    set("lr-rates", lab.sweep_rates.to_string());
    set("lr-steps", lab.sweep_steps.to_string());

    if let Some(i) = root.input("t-logy") {
        i.set_checked(lab.log_y);
    }
    if let Some(i) = root.input("t-grads") {
        i.set_checked(lab.show_grads);
    }
    drop(a);
    refresh_labels(app);
    build_features(app);
    build_hidden(app);
}

fn fill_losses(root: &Root, lab: &crate::web::model::lab_state::Lab) {
    let options: Vec<(&str, &str)> =
        LOSS_NAMES.iter().filter(|l| loss_for(lab.dataset, l.0) == l.0).map(|l| (l.1, l.2)).collect();
    let current = loss_for(lab.dataset, lab.loss);
    root.fill_select("t-loss", &options, LOSS_NAMES.iter().find(|l| l.0 == current).map_or("bce", |l| l.1));
}

fn refresh_labels(app: &Shared) {
    let a = app.borrow();
    let (root, lab) = (&a.root, &a.state.lab);
    root.set_text("t-noise-out", &format!("{:.2}", lab.noise));
    // one's own data: what they are and how they were scaled; noise is for the built-in sets
    let own = lab.own.as_deref().filter(|_| matches!(lab.dataset, crate::train::DatasetKind::Own(_)));
    root.set_text("t-data-scale", &own.map(crate::web::model::lab_view::own_data_sentence).unwrap_or_default());
    root.set_hidden("t-data-scale", own.is_none());
    root.set_disabled("t-noise", own.is_some());
    root.set_text("t-train-out", &format!("{}%", lab.train_percent));
    root.set_text("t-speed-out", &lab.speed.label(a.epoch_steps()));
    root.set_text("t-beta-out", &short_number(lab.beta));
    let o = lab.optimizer;
    root.set_hidden("t-beta-row", matches!(o, "sgd" | "adagrad"));
    root.set_text(
        "t-beta-hint",
        match o {
            "rmsprop" => "(RMSProp's decay ρ)",
            "adam" | "adamw" => "(Adam's β₁: the gradient's average)",
            "nesterov" => "(Nesterov's momentum)",
            _ => "(momentum)",
        },
    );
    root.set_hidden("t-beta2-row", !matches!(o, "adam" | "adamw"));
    root.set_hidden("t-eps-row", matches!(o, "sgd" | "momentum" | "nesterov"));
    root.set_hidden("t-wd-row", o != "adamw");
    root.set_hidden("t-regrate-row", lab.reg == "none");
    let sched = lab.schedule;
    let warm = sched.starts_with("warmup");
    for id in ["t-warmup-row", "t-total-row", "t-minlr-row"] {
        root.set_hidden(id, !warm);
    }
    root.set_hidden("t-every-row", sched != "step_decay");
    root.set_hidden("t-factor-row", sched != "step_decay");
    root.set_hidden("t-gamma-row", sched != "exponential");
    let regression = lab.dataset.is_regression();
    root.set_text("t-accuracy-label", if regression { "test accuracy (n/a)" } else { "test accuracy" });
    // the schedule's preview: lr(step) for 2,000 steps
    let schedule = lab.schedule_config();
    // as long as the schedule, at least 2,000 steps
    let span = if warm { lab.total.max(100) } else { 2000 };
    let points: Vec<(f64, f64)> =
        (0..=200).map(|k| (k as f64 * span as f64 / 200.0, schedule.lr(lab.lr, k * span / 200))).collect();
    let chart = LineChart {
        title: String::new(),
        x_label: "step".into(),
        y_label: "lr".into(),
        log_x: false,
        log_y: false,
        x_range: Some((0.0, span as f64)),
        y_range: Some((0.0, lab.lr.max(lab.min_lr) * 1.1)),
        series: vec![Series { label: String::new(), points, color: GREEN, style: Style::Line }],
        marks: vec![],
    };
    if let Some(c) = root.canvas("t-sched-plot") {
        report(plot::line_chart(&c, &chart));
    }
}

fn build_features(app: &Shared) {
    let a = app.borrow();
    let Some(host) = a.root.get("t-features") else { return };
    host.set_text_content(None);
    let Some(doc) = dom::document() else { return };
    let used = a.state.lab.used_features();
    for &(f, name, label) in FEATURE_NAMES {
        let (Ok(l), Ok(i)) = (doc.create_element("label"), doc.create_element("input")) else { continue };
        let _ = i.set_attribute("type", "checkbox");
        let _ = i.set_attribute("data-feature", name);
        if let Ok(i) = i.clone().dyn_into::<HtmlInputElement>() {
            i.set_checked(used.contains(&f));
            if a.state.lab.dataset.is_regression() && f.reads_y() {
                i.set_disabled(true);
                l.set_class_name("off");
                let _ = l.set_attribute("title", "This data set is y = f(x): the network only sees x.");
            }
        }
        let _ = l.append_child(&i);
        let _ = l.append_child(&doc.create_text_node(label));
        let _ = host.append_child(&l);
    }
}

fn build_hidden(app: &Shared) {
    let a = app.borrow();
    let Some(host) = a.root.get("t-hidden") else { return };
    host.set_text_content(None);
    let Some(doc) = dom::document() else { return };
    let hidden = &a.state.lab.hidden;
    let button = |text: &str, action: &str, label: &str| {
        let b = doc.create_element("button").ok()?;
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("data-action", action);
        let _ = b.set_attribute("aria-label", label);
        if !layer_action_allowed(hidden, action) {
            // at its limit: it would restart training and change nothing
            let _ = b.set_attribute("disabled", "");
            let why = match action {
                "add" => format!("At most {MAX_LAYERS} hidden layers"),
                "remove" => "There is no hidden layer to remove".to_string(),
                a if a.starts_with("less") => "A layer has at least 1 neuron".to_string(),
                _ => format!("A layer has at most {MAX_NEURONS} neurons"),
            };
            let _ = b.set_attribute("title", &why);
        }
        b.set_text_content(Some(text));
        Some(b)
    };
    for (l, &n) in hidden.iter().enumerate() {
        let Ok(row) = doc.create_element("div") else { continue };
        row.set_class_name("layer");
        if let Ok(s) = doc.create_element("span") {
            s.set_text_content(Some(&format!("layer {}: {n} neuron{}", l + 1, if n == 1 { "" } else { "s" })));
            let _ = row.append_child(&s);
        }
        for b in [
            button("−", &format!("less {l}"), &format!("One neuron fewer in layer {}", l + 1)),
            button("+", &format!("more {l}"), &format!("One neuron more in layer {}", l + 1)),
        ]
        .into_iter()
        .flatten()
        {
            let _ = row.append_child(&b);
        }
        let _ = host.append_child(&row);
    }
    if let Ok(row) = doc.create_element("div") {
        row.set_class_name("layer");
        for b in [
            button("+ layer", "add", "Add a hidden layer"),
            button("− layer", "remove", "Remove the last hidden layer"),
        ]
        .into_iter()
        .flatten()
        {
            let _ = row.append_child(&b);
        }
        let _ = host.append_child(&row);
    }
}

/// After a settings change: the URL, the labels and a redraw.
pub(super) fn changed(app: &Shared) {
    app.borrow_mut().state.lab.settle(&mut vec![]);
    refresh_labels(app);
    app.borrow().write_url();
    app.borrow_mut().draw(true);
}

/// Applies a change that keeps the network (a setter on the trainer); falls back to a new
/// trainer from the settings when the setter refuses.
pub(super) fn apply(
    app: &Shared,
    f: impl FnOnce(&mut Trainer, &crate::web::model::lab_state::Lab) -> Result<(), crate::train::TrainError>,
) {
    {
        let mut a = app.borrow_mut();
        let lab = a.state.lab.clone();
        if f(&mut a.trainer, &lab).is_err() {
            a.rebuild();
        }
        if a.trainer.steps() == 0 {
            a.history.clear();
        }
    }
    changed(app);
}

/// The training view's controls, one small piece per group.
pub(super) fn wire(app: &Shared) {
    let root = app.borrow().root.clone();
    wire_data(app, &root);
    wire_network(app, &root);
    wire_optimizer(app, &root);
    wire_numbers(app, &root);
    wire_toggles(app, &root);
    wire_editor(app, &root);
    wire_run(app, &root);
    wire_plane(app, &root);
    wire_exports(app, &root);
    wire_import(app, &root);
    crate::web::shell::export::wire_plots(app);
    super::rates::wire(app);
    super::step::wire(app);
}

/// The data set, its noise and training share, the input features.
fn wire_data(app: &Shared, root: &Root) {
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-data", "change", move |_| {
        let Some(v) = r.select("t-data").map(|s| s.value()) else { return };
        {
            let mut s = a.borrow_mut();
            if let Some(d) = DATASETS.iter().find(|d| d.1 == v) {
                s.state.lab.dataset = d.0;
            } else if let Some(own) = s.state.lab.own.as_deref().filter(|_| v == "own") {
                s.state.lab.dataset = crate::train::DatasetKind::Own(own.classes);
            }
            s.state.lab.loss = loss_for(s.state.lab.dataset, s.state.lab.loss);
            s.rebuild();
            fill_losses(&r, &s.state.lab);
        }
        build_features(&a);
        changed(&a);
    });
    for (id, key) in [("t-noise", "noise"), ("t-train", "train")] {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>(id, "input", move |_| {
            let Some(v) = r.input(id).map(|i| i.value()) else { return };
            {
                let mut s = a.borrow_mut();
                let mut m = vec![];
                s.state.lab.read(key, &v, &mut m);
                let config = s.state.lab.dataset_config();
                if s.trainer.set_dataset(config).is_err() {
                    s.rebuild();
                }
            }
            changed(&a);
        });
    }
    let a = app.clone();
    root.on::<Event>("t-features", "change", move |e: Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let name = t.get_attribute("data-feature").unwrap_or_default();
        let Some(&(f, _, _)) = FEATURE_NAMES.iter().find(|x| x.1 == name) else { return };
        {
            let mut s = a.borrow_mut();
            let mut fs = s.state.lab.features.clone();
            if t.checked() {
                if !fs.contains(&f) {
                    fs.push(f);
                }
            } else {
                fs.retain(|&x| x != f);
            }
            if fs.is_empty() {
                t.set_checked(true);
                drop(s);
                a.borrow().notice("The network needs at least one input feature.");
                return;
            }
            // keep the table's order
            fs.sort_by_key(|x| FEATURE_NAMES.iter().position(|e| e.0 == *x));
            s.state.lab.features = fs;
            let used = s.state.lab.used_features();
            if s.trainer.set_features(used).is_err() {
                s.rebuild();
            }
            s.history.clear();
        }
        changed(&a);
    });
}

/// The hidden layers' +/− buttons, the activation and the loss.
fn wire_network(app: &Shared, root: &Root) {
    let a = app.clone();
    root.on::<Event>("t-hidden", "click", move |e: Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let action = t.get_attribute("data-action").unwrap_or_default();
        {
            let mut s = a.borrow_mut();
            let mut h = s.state.lab.hidden.clone();
            let mut parts = action.split(' ');
            match (parts.next(), parts.next().and_then(|k| k.parse::<usize>().ok())) {
                (Some("more"), Some(l)) => {
                    if let Some(n) = h.get_mut(l) {
                        *n = (*n + 1).min(MAX_NEURONS);
                    }
                }
                (Some("less"), Some(l)) => {
                    if let Some(n) = h.get_mut(l) {
                        *n = n.saturating_sub(1).max(1);
                    }
                }
                (Some("add"), _) if h.len() < MAX_LAYERS => h.push(2),
                (Some("remove"), _) => {
                    h.pop();
                }
                _ => return,
            }
            s.state.lab.hidden = h.clone();
            if s.trainer.set_hidden(h).is_err() {
                s.rebuild();
            }
            s.history.clear();
        }
        build_hidden(&a);
        changed(&a);
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-act", "change", move |_| {
        let v = r.select("t-act").map(|s| s.value()).unwrap_or_default();
        if let Some(&(act, _, _)) = ACTIVATION_NAMES.iter().find(|x| x.1 == v) {
            a.borrow_mut().state.lab.activation = act;
            apply(&a, |t, _| {
                t.set_activation(act);
                Ok(())
            });
        }
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-loss", "change", move |_| {
        let v = r.select("t-loss").map(|s| s.value()).unwrap_or_default();
        if let Some(&(loss, _, _)) = LOSS_NAMES.iter().find(|x| x.1 == v) {
            a.borrow_mut().state.lab.loss = loss;
            apply(&a, |t, lab| t.set_loss(loss_for(lab.dataset, loss)));
        }
    });
}

/// The optimizer, β, the schedule and the learning rate (slider and text).
fn wire_optimizer(app: &Shared, root: &Root) {
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-opt", "change", move |_| {
        let v = r.select("t-opt").map(|s| s.value()).unwrap_or_default();
        if let Some(&(o, _)) = OPTIMIZER_NAMES.iter().find(|x| x.0 == v) {
            a.borrow_mut().state.lab.optimizer = o;
            apply(&a, |t, lab| t.set_optimizer(lab.optimizer_config()));
        }
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-beta", "input", move |_| {
        let Some(v) = r.input("t-beta").and_then(|i| i.value().parse::<f64>().ok()) else { return };
        a.borrow_mut().state.lab.beta = v.clamp(0.0, 0.999);
        apply(&a, |t, lab| t.set_optimizer(lab.optimizer_config()));
    });
    // β₂, ε, λ, the regularization's rate, the schedule's numbers, the batch size and the
    // seed: typed, read by the URL's rules (a bad one is named and the field goes back)
    for (id, key) in HYPER_FIELDS {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>(id, "change", move |_| {
            let Some(i) = r.input(id) else { return };
            let mut m = vec![];
            let before = a.borrow().state.lab.clone();
            a.borrow_mut().state.lab.read(key, i.value().trim(), &mut m);
            if !m.is_empty() {
                a.borrow().notice(&m.join("\n").replace("using the default", "kept as it was"));
                i.set_value(&field_text(&before, key));
                a.borrow_mut().state.lab = before;
                return;
            }
            a.borrow().notice("");
            // the value as read, as the URL writes it
            a.borrow_mut().state.lab.settle(&mut m);
            i.set_value(&field_text(&a.borrow().state.lab, key));
            if !m.is_empty() {
                a.borrow().notice(&m.join("\n"));
            }
            match key {
                "regrate" => apply(&a, |t, lab| t.set_regularization(lab.regularization())),
                "beta2" | "eps" | "wd" => apply(&a, |t, lab| t.set_optimizer(lab.optimizer_config())),
                "batch" => apply(&a, |t, lab| t.set_batch_size(lab.batch)),
                "seed" => {
                    a.borrow_mut().rebuild();
                    changed(&a);
                }
                _ => {
                    // the total may have followed the warm-up
                    let total = field_text(&a.borrow().state.lab, "total");
                    if let Some(t) = r.input("t-total") {
                        t.set_value(&total);
                    }
                    apply(&a, |t, lab| t.set_schedule(lab.schedule_config()))
                }
            }
        });
    }
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-reg", "change", move |_| {
        let v = r.select("t-reg").map(|s| s.value()).unwrap_or_default();
        if let Some(&(name, _)) = REG_NAMES.iter().find(|x| x.0 == v) {
            a.borrow_mut().state.lab.reg = name;
            apply(&a, |t, lab| t.set_regularization(lab.regularization()));
        }
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-sched", "change", move |_| {
        let v = r.select("t-sched").map(|s| s.value()).unwrap_or_default();
        if let Some(&(s, _)) = SCHEDULE_NAMES.iter().find(|x| x.0 == v) {
            a.borrow_mut().state.lab.schedule = s;
            apply(&a, |t, lab| t.set_schedule(lab.schedule_config()));
        }
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-lr-slider", "input", move |_| {
        let Some(v) = r.input("t-lr-slider").and_then(|i| i.value().parse::<f64>().ok()) else { return };
        let lr = round3(10f64.powf(v));
        if let Some(i) = r.input("t-lr") {
            i.set_value(&short_number(lr));
        }
        a.borrow_mut().state.lab.lr = lr;
        apply(&a, |t, lab| t.set_learning_rate(lab.lr));
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("t-lr", "change", move |_| {
        let Some(i) = r.input("t-lr") else { return };
        // the same rule as the URL's, so every rate typed here reads back from a link
        let mut m = vec![];
        let before = a.borrow().state.lab.lr;
        a.borrow_mut().state.lab.read("lr", i.value().trim(), &mut m);
        if m.is_empty() {
            a.borrow().notice("");
            let lr = a.borrow().state.lab.lr;
            if let Some(s) = r.input("t-lr-slider") {
                s.set_value(&lr.log10().to_string());
            }
            apply(&a, |t, lab| t.set_learning_rate(lab.lr));
        } else {
            a.borrow_mut().state.lab.lr = before;
            a.borrow().notice(&format!(
                "{} is not a learning rate: type a number from 0.000001 to 100, like 0.03.",
                crate::web::model::state::echo(&i.value())
            ));
            i.set_value(&short_number(before));
        }
    });
}

/// A parameter's key on the network drawing (`w-1-0-2`, `b-2-0`, layers from 1) as (layer
/// from 0, input or None for the bias, neuron).
fn param_of(key: &str) -> Option<(usize, Option<usize>, usize)> {
    let parts: Vec<&str> = key.split('-').collect();
    let n = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        ["w", l, i, j] => Some((n(l)?.checked_sub(1)?, Some(n(i)?), n(j)?)),
        ["b", l, j] => Some((n(l)?.checked_sub(1)?, None, n(j)?)),
        _ => None,
    }
}

/// Opens the network's editor on the parameter `key`, with its value, focused.
fn open_editor(app: &Shared, key: &str) {
    let Some(p @ (l, i, j)) = param_of(key) else { return };
    let mut f = app.borrow_mut();
    let Some(layer) = f.trainer.network().layers().get(l) else { return };
    let value = match i {
        Some(i) => layer.weights().get((i, j)).copied(),
        None => layer.biases().get(j).copied(),
    };
    let Some(value) = value else { return };
    f.editing = Some(p);
    let name = match i {
        Some(i) => format!("w{}_{i}_{j} =", l + 1),
        None => format!("b{}_{j} =", l + 1),
    };
    f.root.set_text("t-edit-label", &name);
    f.root.set_text("t-edit-msg", "");
    f.root.set_hidden("t-edit", false);
    if let Some(input) = f.root.input("t-edit-value") {
        input.set_value(&fmt_short(f64::from(value)).replace('−', "-"));
        let _ = input.focus();
        input.select();
    }
}

/// Sets the parameter being edited to the typed value; a bad one is named and the editor
/// stays open.
fn set_edited(app: &Shared) {
    let Some((l, i, j)) = app.borrow().editing else { return };
    let text = app.borrow().root.input("t-edit-value").map(|i| i.value()).unwrap_or_default();
    let typed = text.trim().replace(['−', '–'], "-").replace(',', ".");
    let result = match typed.parse::<f64>() {
        Ok(v) => app.borrow_mut().trainer.set_parameter(l, i, j, v).map_err(|e| e.to_string()),
        Err(_) => {
            Err(format!("{} is not a number: type one such as -0.5 or 2.", crate::web::model::state::echo(text.trim())))
        }
    };
    match result {
        Ok(()) => {
            let mut f = app.borrow_mut();
            f.editing = None;
            f.root.set_hidden("t-edit", true);
            f.draw(true);
        }
        Err(m) => app.borrow().root.set_text("t-edit-msg", &format!("Not set: {m}.")),
    }
}

/// Click (or Enter or Space on) a weight or a neuron of the network to type its value.
fn wire_editor(app: &Shared, root: &Root) {
    let key_of = |t: Option<web_sys::EventTarget>| {
        let el = t?.dyn_into::<web_sys::Element>().ok()?.closest("[data-param]").ok()??;
        el.get_attribute("data-param")
    };
    let a = app.clone();
    root.on::<MouseEvent>("t-network", "click", move |e| {
        if let Some(k) = key_of(e.target()) {
            open_editor(&a, &k);
        }
    });
    let a = app.clone();
    root.on::<KeyboardEvent>("t-network", "keydown", move |e| {
        if e.key() == "Enter" || e.key() == " " {
            if let Some(k) = key_of(e.target()) {
                e.prevent_default();
                open_editor(&a, &k);
            }
        }
    });
    let a = app.clone();
    root.on::<Event>("t-edit-set", "click", move |_| set_edited(&a));
    let a = app.clone();
    root.on::<KeyboardEvent>("t-edit-value", "keydown", move |e| match e.key().as_str() {
        "Enter" => {
            e.prevent_default();
            set_edited(&a);
        }
        "Escape" => close_editor(&a),
        _ => {}
    });
    let a = app.clone();
    root.on::<Event>("t-edit-cancel", "click", move |_| close_editor(&a));
}

fn close_editor(app: &Shared) {
    let mut f = app.borrow_mut();
    f.editing = None;
    f.root.set_hidden("t-edit", true);
}

/// The typed fields of the optimizer, the regularization, the schedule, the batch and the
/// seed, by their URL keys.
const HYPER_FIELDS: [(&str, &str); 12] = [
    ("t-batch", "batch"),
    ("t-seed", "seed"),
    ("t-beta2", "beta2"),
    ("t-eps", "eps"),
    ("t-wd", "wd"),
    ("t-regrate", "regrate"),
    ("t-warmup", "warmup"),
    ("t-total", "total"),
    ("t-minlr", "minlr"),
    ("t-every", "every"),
    ("t-factor", "factor"),
    ("t-gamma", "gamma"),
];

/// The value of the field for `key`, as the URL writes it.
fn field_text(lab: &crate::web::model::lab_state::Lab, key: &str) -> String {
    match key {
        "beta2" => short_number(lab.beta2),
        "eps" => short_number(lab.eps),
        "wd" => short_number(lab.wd),
        "warmup" => lab.warmup.to_string(),
        "total" => lab.total.to_string(),
        "minlr" => short_number(lab.min_lr),
        "every" => lab.every.to_string(),
        "factor" => short_number(lab.factor),
        "gamma" => short_number(lab.gamma),
        "batch" => lab.batch.to_string(),
        "seed" => lab.seed.to_string(),
        _ => short_number(lab.reg_rate),
    }
}

/// The speed (the batch size and the seed are typed fields, with the optimizer's).
fn wire_numbers(app: &Shared, root: &Root) {
    let a = app.clone();
    let r = root.clone();
    // the slider's stops (slow motion … one epoch per frame … max); the URL follows on change
    root.on::<Event>("t-speed", "input", move |_| {
        if let Some(v) = r.input("t-speed").and_then(|i| i.value().parse::<usize>().ok()) {
            a.borrow_mut().state.lab.speed = SPEED_STOPS[v.min(SPEED_STOPS.len() - 1)];
            refresh_labels(&a);
        }
    });
    let a = app.clone();
    root.on::<Event>("t-speed", "change", move |_| changed(&a));
}

/// The loss plot's log scale, gradients on the lines, the layer view and its lecture example.
fn wire_toggles(app: &Shared, root: &Root) {
    for (id, key) in [("t-logy", 0), ("t-grads", 1)] {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>(id, "change", move |_| {
            let on = r.input(id).is_some_and(|i| i.checked());
            {
                let mut s = a.borrow_mut();
                if key == 0 {
                    s.state.lab.log_y = on;
                } else {
                    s.state.lab.show_grads = on;
                }
            }
            changed(&a);
        });
    }
    for id in ["t-layers", "t-lecture"] {
        let a = app.clone();
        root.on::<Event>(id, if id == "t-layers" { "toggle" } else { "change" }, move |_| {
            a.borrow().draw_layers();
        });
    }
    // Enter in a quiz's box checks it; the focus goes on to the next box still open
    crate::web::shell::exercise::on_cell_enter(app, root, "t-layers-host", |f, key, typed| {
        f.check_layer_cell(key, typed);
        f.render_layers();
    });
}

/// `Import data`: the dialog takes a CSV from a file (its text is put in the box, to be seen)
/// or pasted; `Use these data` reads it, and either names every bad row (nothing changes) or
/// trains on it from a fresh network. `Export CSV` saves the data set as it stands.
fn wire_import(app: &Shared, root: &Root) {
    use crate::train::import::{dataset_csv, read_csv};
    use crate::web::shell::export;
    let dialog = |r: &Root| r.find("import-dialog").and_then(|d| d.dyn_into::<web_sys::HtmlDialogElement>().ok());
    let text_box = |r: &Root| r.find("import-text").and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
    let r = root.clone();
    root.on::<Event>("t-import", "click", move |_| {
        r.set_text("import-message", "");
        if let Some(d) = dialog(&r).filter(|d| !d.open()) {
            let _ = d.show_modal();
        }
    });
    let r = root.clone();
    root.on::<Event>("import-close", "click", move |_| {
        if let Some(d) = dialog(&r) {
            d.close();
        }
    });
    // what the text says: the bad rows, or what would be imported (and the data, to use)
    let check = |r: &Root, text: &str| -> Option<(crate::train::DatasetKind, crate::train::data::OwnData)> {
        match read_csv(text) {
            Ok(data) => {
                let (kind, own) = data.into_own();
                r.set_text("import-message", &crate::web::model::lab_view::own_data_sentence(&own));
                let _ = r.find("import-message").map(|m| m.set_attribute("data-valid", "true"));
                Some((kind, own))
            }
            Err(rows) => {
                let lines: Vec<String> = rows.iter().map(ToString::to_string).collect();
                let text = format!("Nothing was changed: these rows cannot be read.\n{}", lines.join("\n"));
                r.set_text("import-message", &text);
                let _ = r.find("import-message").map(|m| m.set_attribute("data-valid", "false"));
                None
            }
        }
    };
    let r = root.clone();
    root.on::<Event>("import-file", "change", move |_| {
        let Some(input) = r.input("import-file") else { return };
        let r = r.clone();
        export::read_chosen_file(&input, move |got| match got {
            Ok(text) => {
                if let Some(t) = text_box(&r) {
                    t.set_value(&text);
                }
                check(&r, &text);
            }
            Err(why) => r.set_text("import-message", &why),
        });
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("import-use", "click", move |_| {
        let text = text_box(&r).map(|t| t.value()).unwrap_or_default();
        let Some((kind, own)) = check(&r, &text) else { return };
        {
            let mut s = a.borrow_mut();
            s.state.lab.dataset = kind;
            s.state.lab.own = Some(Rc::new(own));
            s.state.lab.loss = loss_for(kind, s.state.lab.loss);
            s.rebuild();
            s.history.clear();
        }
        if let Some(d) = dialog(&r) {
            d.close();
        }
        init_controls(&a);
        changed(&a);
    });
    let a = app.clone();
    root.on::<Event>("t-data-csv", "click", move |_| {
        let f = a.borrow();
        let name = crate::web::model::export::file_name(f.state.lab.dataset_name(), "data", "csv");
        export::save_text(&f.root.el, &name, "text/csv", &dataset_csv(f.trainer.dataset()));
    });
}

/// The network drawing as SVG or PNG, the network as JSON (config, weights and biases, the
/// optimizer's state, the step), the loss against step as CSV.
fn wire_exports(app: &Shared, root: &Root) {
    use crate::web::model::export::{file_name, loss_csv, network_file};
    use crate::web::shell::export;
    let name = |a: &Shared, what: &str, ext: &str| file_name(a.borrow().state.lab.dataset_name(), what, ext);
    for (id, ext) in [("t-network-svg", "svg"), ("t-network-png", "png")] {
        let a = app.clone();
        root.on::<Event>(id, "click", move |_| {
            let root = a.borrow().root.clone();
            let Some(svg) = root.find("t-network").and_then(|h| h.query_selector("svg").ok().flatten()) else { return };
            export::save_drawing(&root.el, &svg, &name(&a, "network", ext));
        });
    }
    let a = app.clone();
    root.on::<Event>("t-network-json", "click", move |_| {
        let file = name(&a, "network", "json");
        let mut f = a.borrow_mut();
        let out = network_file(&mut f.trainer);
        export::save_json(&f.root.el, &file, &out);
    });
    let a = app.clone();
    root.on::<Event>("t-loss-csv", "click", move |_| {
        let file = name(&a, "loss", "csv");
        let f = a.borrow();
        export::save_text(&f.root.el, &file, "text/csv", &loss_csv(&f.history));
    });
}

/// Play/Pause (and the space bar while the figure has focus), Step and Reset.
fn wire_run(app: &Shared, root: &Root) {
    // Play / Step / Reset, and the space bar
    let a = app.clone();
    let toggle = move || {
        let on = !a.borrow().playing;
        set_playing(&a, on);
    };
    let toggle = Rc::new(toggle);
    let t2 = toggle.clone();
    root.on::<Event>("t-play", "click", move |_| t2());
    let a = app.clone();
    root.on::<Event>("t-step", "click", move |_| train_steps(&a, 1));
    let a = app.clone();
    root.on::<Event>("t-reset", "click", move |_| reset_training(&a));
    // the space bar plays and pauses while the figure has focus (and not in a text field)
    let a = app.clone();
    let r = root.clone();
    dom::on::<KeyboardEvent>(&root.el, "keydown", move |e: KeyboardEvent| {
        if a.borrow().state.view != View::Train || e.key() != " " {
            return;
        }
        let typing =
            r.active().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"));
        if !typing {
            e.prevent_default();
            toggle();
        }
    });
}

/// The plane: click a point to open its graph, click elsewhere to add one; the keyboard
/// moves a cross and acts where it is.
fn wire_plane(app: &Shared, root: &Root) {
    let a = app.clone();
    let r = root.clone();
    root.on::<MouseEvent>("t-boundary", "click", move |e: MouseEvent| {
        let Some(c) = r.canvas("t-boundary") else { return };
        let (px, py) = canvas_px(&c, &e);
        let mut s = a.borrow_mut();
        let Some(at) = s.plane_frame.as_ref().and_then(|f| f.to_data(px, py)) else { return };
        let said = s.plane_act(at, PlaneAct::for_click(e.shift_key(), e.alt_key()));
        r.set_text("t-plane-live", &said);
        drop(s);
        open_example(&a);
    });
    let a = app.clone();
    root.on::<KeyboardEvent>("t-boundary", "keydown", move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() {
            return;
        }
        let Some(key) = PlaneKey::for_key(&e.key(), e.shift_key()) else { return };
        if a.borrow_mut().plane_key(key) {
            e.prevent_default();
        }
        open_example(&a);
    });
    for (event, focused) in [("focus", true), ("blur", false)] {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>("t-boundary", event, move |_| {
            // The cross is for the keyboard: a click's focus does not show it (a key will).
            let keyboard = r.canvas("t-boundary").is_some_and(|c| c.matches(":focus-visible").unwrap_or(false));
            // a focus change made by the figure itself (it holds the borrow) needs no redraw
            let Ok(mut s) = a.try_borrow_mut() else { return };
            s.cross =
                if focused && keyboard { s.cross.or_else(|| s.plane_frame.as_ref().map(plane::centre)) } else { None };
            s.draw_boundary(false);
            if focused {
                s.announce_cross("");
            }
        });
    }
}

/// Shows the training point's graph that the plane asked for, in this figure's graph view,
/// with "Back to training" to return to the run as it is (same step, same weights).
fn open_example(app: &Shared) {
    let Some(source) = app.borrow_mut().open_example.take() else { return };
    {
        let mut f = app.borrow_mut();
        f.state.forward = true;
        f.state.backward = Backward::All;
        f.set_source(&source);
        f.back_to = Some(f.state.view);
    }
    switch_view(app, View::Graph, true);
    // the keyboard stays with the student: on the way back
    let back = app.borrow().root.html("btn-back-train");
    if let Some(b) = back {
        // (not while the figure is borrowed: focus moves fire the plane's blur handler)
        let _ = b.focus();
    }
}

/// Trains with the learning rate `lr` (a click on the sweep's plot or a rate in its table): a
/// fresh run with the other settings as they are, in the training view.
pub(super) fn train_with_rate(app: &Shared, lr: f64) {
    {
        let mut f = app.borrow_mut();
        f.state.lab.lr = lr;
        f.rebuild();
    }
    init_controls(app);
    switch_view(app, View::Train, true);
}
