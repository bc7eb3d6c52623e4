//! The step-size view: the loss surface (a bowl, the polynomial fit, or two weights of the
//! live network) with the gradient-descent path from a start you drag, and the loss after one
//! step θ − η·∇L against η from the live network's weights.

use super::*;
use crate::sweep::{DescentPath, StepProfile};

/// What the typed surface's field says when all is well.
pub const SURFACE_HELP: &str =
    "An expression in a and b (+ − * / ^, exp, log, sqrt, tanh, sigmoid, relu, abs, max, min); Enter draws it.";

/// Steps each optimizer of a race takes.
pub const RACE_STEPS: usize = 300;

impl Figure {
    /// The surface with its range (`range=` when set, not on the live network, whose range
    /// follows its weights; else the surface's own) and the start brought inside that range (a
    /// start from another surface's range, say): what the descent, the race and the step's
    /// parts all start from.
    pub(super) fn objective(&self) -> Option<Surface> {
        let mut s = self.surface()?;
        if let (Some((x0, x1, y0, y1)), false) = (self.lab().range, self.lab().problem == "net") {
            (s.1, s.2) = ((x0, x1), (y0, y1));
        }
        s.3 = (s.3 .0.clamp(s.1 .0, s.1 .1), s.3 .1.clamp(s.2 .0, s.2 .1));
        Some(s)
    }

    fn surface(&self) -> Option<Surface> {
        let lab = self.lab();
        match lab.problem {
            "poly" => Some((
                Box::new(PolyFit { fixed: 2, fixed_value: 0.0 }),
                (-1.0, 7.0),
                (-4.0, 4.0),
                lab.start,
                ["θ₀", "θ₁"],
            )),
            "net" => {
                let obj = NetworkObjective::pair(&self.trainer, 0, 1).ok()?;
                let theta = obj.theta();
                let (a, b) = (theta.first().copied().unwrap_or(0.0), theta.get(1).copied().unwrap_or(0.0));
                let start = self.net_start.unwrap_or((a, b));
                Some((Box::new(obj), (a - 3.0, a + 3.0), (b - 3.0, b + 3.0), start, ["w1_0_0", "w1_0_1"]))
            }
            "expr" => {
                let mut obj = crate::sweep::ExprSurface::new(&lab.surface).ok()?;
                let (xr, yr) = crate::sweep::auto_range(&mut obj);
                Some((Box::new(obj), xr, yr, lab.start, ["a", "b"]))
            }
            name if crate::sweep::SURFACES.iter().any(|p| p.0 == name) => {
                let &(_, _, expr, xr, yr, _, _) = crate::sweep::SURFACES.iter().find(|p| p.0 == name)?;
                let obj = crate::sweep::ExprSurface::new(expr).ok()?;
                Some((Box::new(obj), xr, yr, lab.start, ["a", "b"]))
            }
            _ => Some((
                Box::new(Bowl { kappa: lab.condition, angle: 0.5 }),
                (-5.0, 5.0),
                (-5.0, 5.0),
                lab.start,
                ["a", "b"],
            )),
        }
    }

    pub(super) fn draw_step(&mut self) {
        let lab = self.lab().clone();
        self.root.set_text("s-eta-out", &fmt_short(lab.eta));
        self.root.set_text("s-mom-out", &format!("{:.2}", lab.momentum));
        self.root.set_text("s-cond-out", &format!("{:.0}", lab.condition));
        self.root.set_hidden("s-cond-row", lab.problem != "bowl");
        self.root.set_hidden("s-f-row", lab.problem != "expr");
        if let Some(i) = self.root.input("s-f").filter(|i| i.value().trim() != lab.surface) {
            if i.get_attribute("aria-invalid").as_deref() != Some("true") {
                i.set_value(&lab.surface);
            }
        }
        // a race from the link opens its box
        if !lab.race.is_empty() {
            if let Some(d) = self.root.get("s-race-box").filter(|d| !d.has_attribute("open")) {
                let _ = d.set_attribute("open", "");
            }
        }
        if let Some(host) = self.root.find("s-race") {
            if let Ok(boxes) = host.query_selector_all("input[data-opt]") {
                for k in 0..boxes.length() {
                    let Some(b) = boxes.item(k).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) else { continue };
                    let name = b.get_attribute("data-opt").unwrap_or_default();
                    b.set_checked(lab.race.iter().any(|r| r.0 == name));
                }
            }
        }
        let Some((mut obj, xr, yr, start, names)) = self.objective() else {
            self.root.set_text("s-summary", "The live network has fewer than two weights.");
            return;
        };
        let n = 60;
        let grid = loss_grid(obj.as_mut(), xr, yr, n);
        let values: Vec<Vec<f64>> = (0..n).map(|r| grid.values[r * n..(r + 1) * n].to_vec()).collect();
        let path = self.descent(obj.as_mut(), start);
        let xy = |p: &DescentPath| -> Vec<(f64, f64)> {
            p.points.iter().map(|p| (p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0))).collect()
        };
        let preset = crate::sweep::SURFACES.iter().find(|p| p.0 == lab.problem);
        let minimum = match lab.problem {
            "bowl" => Some((0.0, 0.0)),
            "poly" => Some((3.0, 0.0)),
            _ => preset.and_then(|p| p.6),
        };
        // a race: every optimizer from the same start; else the view's gradient descent
        let raced: Vec<(String, DescentPath)> = lab
            .racers(lab.eta, &[])
            .iter()
            .map(|c| (racer_label(c), crate::sweep::optimizer_path(obj.as_mut(), &[start.0, start.1], c, RACE_STEPS)))
            .collect();
        let paths = if raced.is_empty() {
            vec![plot::ContourPath {
                points: xy(&path),
                label: format!("gradient descent, η = {}", fmt_short(lab.eta)),
                color: ORANGE,
            }]
        } else {
            raced
                .iter()
                .enumerate()
                .map(|(k, (label, p))| plot::ContourPath {
                    points: xy(p),
                    label: label.clone(),
                    color: crate::web::model::plot_math::PALETTE[k % 8],
                })
                .collect()
        };
        let title = match (lab.problem, preset) {
            (_, Some(p)) => p.1.to_string(),
            ("expr", _) => format!("f(a, b) = {}", lab.surface),
            (p, _) => PROBLEMS.iter().find(|q| q.0 == p).map_or("", |q| q.1).to_string(),
        };
        // the update at the iterate looked at, as arrows and a sentence (not in a race)
        let k = self.step_k.clamp(1, path.points.len().max(1)) - 1;
        self.root.set_text("s-k-out", &(k + 1).to_string());
        if let Some(i) = self.root.input("s-k").filter(|i| i.value() != (k + 1).to_string()) {
            i.set_value(&(k + 1).to_string());
        }
        let apart = self.root.get("s-build-box").is_some_and(|d| d.has_attribute("open"));
        let parts = if raced.is_empty() && apart {
            crate::sweep::step_parts(obj.as_mut(), start, lab.eta, lab.momentum, k)
        } else {
            None
        };
        let phase = self.step_phase;
        let mut arrows = vec![];
        if let Some(p) = &parts {
            let at = (p.theta[0], p.theta[1]);
            let by_g = (at.0 - lab.eta * p.grad[0], at.1 - lab.eta * p.grad[1]);
            let blue = crate::web::model::plot_math::TRAIN;
            arrows
                .push(plot::ContourArrow { from: at, to: by_g, label: "−η·g (the gradient)".into(), color: blue });
            if (phase == 0 || phase >= 2) && lab.momentum > 0.0 {
                let mom =
                    (by_g.0 - lab.eta * lab.momentum * p.v_before[0], by_g.1 - lab.eta * lab.momentum * p.v_before[1]);
                arrows.push(plot::ContourArrow {
                    from: by_g,
                    to: mom,
                    label: "−η·β·v (the momentum)".into(),
                    color: (0x7c, 0x3a, 0xed),
                });
            }
            if phase == 0 || phase >= 3 {
                let to = (at.0 + p.step[0], at.1 + p.step[1]);
                arrows.push(plot::ContourArrow { from: at, to, label: "the step".into(), color: (0x11, 0x18, 0x27) });
            }
            let text = crate::web::model::advice::step_sentence(p, lab.eta, lab.momentum, phase);
            self.root.set_text("s-update", &text);
        } else {
            self.root.set_text(
                "s-update",
                match (raced.is_empty(), apart) {
                    (_, false) => "",
                    (true, true) => "The path blows up before this step.",
                    (false, true) => "(In a race, each optimizer builds its own step.)",
                },
            );
        }
        self.root.set_attr("s-update", "data-phase", &phase.to_string());
        self.root.set_text(
            "s-build",
            match phase {
                1 => "Next: the velocity",
                2 => "Next: the step",
                _ => "Build the step",
            },
        );
        let contour = Contour {
            arrows,
            title,
            x_label: names[0].into(),
            y_label: names[1].into(),
            values,
            x_range: xr,
            y_range: yr,
            paths,
            minimum,
        };
        if let Some(c) = self.root.canvas("s-contour") {
            match plot::contour(&c, &contour) {
                Ok(f) => self.contour_frame = Some(f),
                Err(e) => web_sys::console::error_1(&e.into()),
            }
        }
        self.draw_race(&raced);
        let (_, mut text) = crate::web::model::advice::descent(lab.eta, &path.losses, path.diverged_at);
        if !raced.is_empty() {
            text = crate::web::model::advice::race(
                &raced.iter().map(|(l, p)| (l.as_str(), p)).collect::<Vec<_>>(),
                RACE_STEPS,
            );
        }
        if lab.problem == "bowl" {
            text.push_str(&format!(
                " Here λmax = {}, so steps beyond 2/λmax = {} diverge.",
                fmt_short(lab.condition),
                fmt_short(2.0 / lab.condition)
            ));
        }
        self.root.set_text("s-summary", &text);
        self.root.set_attr("s-summary", "data-diverged", if path.diverged_at.is_some() { "1" } else { "0" });
        self.draw_profile();
    }

    /// The race's loss against step, one line per optimizer (hidden without a race).
    fn draw_race(&self, raced: &[(String, DescentPath)]) {
        self.root.set_hidden("s-race-panel", raced.is_empty());
        if raced.is_empty() {
            return;
        }
        let chart = LineChart {
            title: "Loss against step, from the same start".into(),
            x_label: "step".into(),
            y_label: "loss (log scale)".into(),
            log_x: false,
            log_y: true,
            x_range: Some((0.0, RACE_STEPS as f64)),
            y_range: None,
            series: palette_series(
                raced
                    .iter()
                    .map(|(label, p)| (label, p.losses.iter().enumerate().map(|(t, &l)| (t as f64, l)).collect())),
            ),
            marks: vec![],
        };
        if let Some(c) = self.root.canvas("s-race-loss") {
            report(plot::line_chart(&c, &chart));
        }
    }

    /// The descent from `start` at the view's step size and momentum: what the contour draws
    /// and its CSV holds.
    fn descent(&self, obj: &mut dyn crate::sweep::Objective, start: (f64, f64)) -> DescentPath {
        let lab = self.lab();
        descent_path(obj, &[start.0, start.1], lab.eta, lab.momentum, 60)
    }

    /// The descent path as the contour shows it (for its CSV).
    pub(crate) fn step_path(&self) -> Option<DescentPath> {
        let (mut obj, _, _, start, _) = self.objective()?;
        Some(self.descent(obj.as_mut(), start))
    }

    /// The loss along −∇L at the live network's weights, for step sizes from 10⁻³ up to 30 or
    /// further (by decades, to 3·10⁵) until a step overshoots, so the valley and its far side
    /// are in the picture even when the gradient has become small.
    pub(crate) fn profile_now(&self) -> Option<StepProfile> {
        let mut obj = NetworkObjective::all(&self.trainer).ok()?;
        let theta = obj.theta();
        let hi = overshooting_step(&mut obj, &theta, &[30.0, 300.0, 3e3, 3e4, 3e5]).unwrap_or(30.0);
        let etas = log_space(1e-3, hi, 80 + 16 * (hi / 30.0).log10().round() as usize);
        Some(step_profile(&mut obj, &theta, &etas))
    }

    pub(super) fn draw_profile(&mut self) {
        self.root.set_attr("s-profile", "data-from-step", &self.trainer.steps().to_string());
        let Some(profile) = self.profile_now() else { return };
        // (the step sizes probed run up to this one)
        let hi = profile.points.last().map_or(30.0, |p| p.0);
        self.root.set_attr("s-profile", "data-best", &profile.best.map_or(String::new(), |b| b.to_string()));
        self.root.set_attr("s-profile", "data-overshoot", &profile.overshoot.map_or(String::new(), |o| o.to_string()));
        let mut marks = vec![Mark {
            x: self.trainer.current_lr(),
            y: profile.start,
            label: "the Training view's rate".into(),
            color: GREY,
            kind: MarkKind::VLine,
        }];
        if let Some(b) = profile.best {
            let y = profile.points.iter().find(|p| p.0 == b).map_or(profile.start, |p| p.1);
            marks.push(Mark {
                x: b,
                y,
                label: format!("best η = {}", fmt_short(b)),
                color: GREEN,
                kind: MarkKind::Dot,
            });
        }
        if let Some(o) = profile.overshoot {
            marks.push(Mark {
                x: o,
                y: profile.start,
                label: format!("overshoots from η = {}", fmt_short(o)),
                color: RED,
                kind: MarkKind::VLine,
            });
        }
        let chart = LineChart {
            title: format!("One step along −∇L from step {}", self.trainer.steps()),
            x_label: "step size η (log)".into(),
            y_label: "loss after the step".into(),
            log_x: true,
            log_y: true,
            x_range: Some((1e-3, hi)),
            y_range: None,
            series: vec![
                Series {
                    label: "L(θ − η∇L)".into(), points: profile.points.clone(), color: BLUE, style: Style::Line
                },
                Series {
                    label: "loss at the start".into(),
                    points: vec![(1e-3, profile.start), (hi, profile.start)],
                    color: GREY,
                    style: Style::Line,
                },
            ],
            marks,
        };
        if let Some(c) = self.root.canvas("s-profile") {
            report(plot::line_chart(&c, &chart));
        }
    }
}

/// The step-size view's events.
pub(super) fn wire(app: &Shared) {
    let root = app.borrow().root.clone();
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("s-problem", "change", move |_| {
        let v = r.select("s-problem").map(|s| s.value()).unwrap_or_default();
        if let Some(&(p, _)) = PROBLEMS.iter().find(|x| x.0 == v) {
            let mut s = a.borrow_mut();
            s.state.lab.problem = p;
            s.state.lab.start = match (p, crate::sweep::SURFACES.iter().find(|q| q.0 == p)) {
                (_, Some(q)) => q.5,
                ("poly", _) => (0.0, 3.0),
                ("expr", _) => (-2.0, 2.0),
                _ => (-4.0, 3.0),
            };
            s.net_start = None;
        }
        super::wire::changed(&a);
    });
    for (id, key) in [("s-eta", 0), ("s-mom", 1), ("s-cond", 2)] {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>(id, "input", move |_| {
            let Some(v) = r.input(id).and_then(|i| i.value().parse::<f64>().ok()) else { return };
            {
                let mut s = a.borrow_mut();
                match key {
                    0 => s.state.lab.eta = round3(10f64.powf(v)),
                    1 => s.state.lab.momentum = v.clamp(0.0, 0.99),
                    _ => s.state.lab.condition = round3(10f64.powf(v)).clamp(1.0, 1000.0),
                }
            }
            super::wire::changed(&a);
        });
    }
    // the iterate looked at, and Build the step: gradient → velocity → step → all
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("s-k", "input", move |_| {
        let Some(v) = r.input("s-k").and_then(|i| i.value().parse::<usize>().ok()) else { return };
        a.borrow_mut().step_k = v.max(1);
        a.borrow_mut().draw_step();
    });
    let a = app.clone();
    root.on::<Event>("s-build-box", "toggle", move |_| a.borrow_mut().draw_step());
    let a = app.clone();
    root.on::<Event>("s-build", "click", move |_| {
        {
            let mut s = a.borrow_mut();
            s.step_phase = (s.step_phase + 1) % 4;
        }
        a.borrow_mut().draw_step();
    });
    // the typed surface: read by the URL's rule (a bad one is named, the last good one kept)
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("s-f", "change", move |_| {
        let Some(i) = r.input("s-f") else { return };
        let mut m = vec![];
        a.borrow_mut().state.lab.read("f", i.value().trim(), &mut m);
        let said = m.join("\n").replace("; using the default.", ". The last surface stays.");
        a.borrow().root.set_text("s-f-help", &said);
        a.borrow().root.set_attr("s-f", "aria-invalid", if m.is_empty() { "false" } else { "true" });
        if m.is_empty() {
            a.borrow().root.set_text("s-f-help", SURFACE_HELP);
            super::wire::changed(&a);
        }
    });
    // the race's boxes: the optimizers ticked race, in the menu's order
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("s-race", "change", move |_| {
        let Some(host) = r.find("s-race") else { return };
        let Ok(boxes) = host.query_selector_all("input[data-opt]") else { return };
        let mut race = vec![];
        let old = a.borrow().state.lab.race.clone();
        for k in 0..boxes.length() {
            let Some(b) = boxes.item(k).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) else { continue };
            let name = b.get_attribute("data-opt").unwrap_or_default();
            if let (true, Some(&(n, _))) = (b.checked(), OPTIMIZER_NAMES.iter().find(|o| o.0 == name)) {
                // a rate given in the link stays with its optimizer
                race.push((n, old.iter().find(|o| o.0 == n).and_then(|o| o.1)));
            }
        }
        a.borrow_mut().state.lab.race = race;
        super::wire::changed(&a);
    });
    let a = app.clone();
    root.on::<KeyboardEvent>("s-contour", "keydown", move |e: KeyboardEvent| key_start(&a, &e));
    let a = app.clone();
    let r = root.clone();
    root.on::<PointerEvent>("s-contour", "pointerdown", move |e: PointerEvent| {
        // keep the drag while the pointer wanders off the plot
        if let Some(c) = r.canvas("s-contour") {
            let _ = c.set_pointer_capture(e.pointer_id());
        }
        a.borrow_mut().dragging = true;
        move_start(&a, &e);
    });
    let a = app.clone();
    root.on::<PointerEvent>("s-contour", "pointermove", move |e: PointerEvent| {
        if a.borrow().dragging {
            move_start(&a, &e);
        }
    });
    for kind in ["pointerup", "pointercancel", "pointerleave"] {
        let a = app.clone();
        root.on::<PointerEvent>("s-contour", kind, move |_| a.borrow_mut().dragging = false);
    }
}

/// The arrow keys on the focused contour plot move the start by a fortieth of the plot
/// (Shift: a tenth), as a drag would.
fn key_start(app: &Shared, e: &KeyboardEvent) {
    let (dx, dy) = match e.key().as_str() {
        "ArrowLeft" => (-1.0, 0.0),
        "ArrowRight" => (1.0, 0.0),
        "ArrowUp" => (0.0, 1.0),
        "ArrowDown" => (0.0, -1.0),
        _ => return,
    };
    e.prevent_default();
    let Some((_, xr, yr, start, names)) = app.borrow().objective() else { return };
    let k = if e.shift_key() { 0.1 } else { 0.025 };
    let x = (start.0 + dx * k * (xr.1 - xr.0)).clamp(xr.0, xr.1);
    let y = (start.1 + dy * k * (yr.1 - yr.0)).clamp(yr.0, yr.1);
    set_start(app, x, y);
    let said = format!("Start at {} = {}, {} = {}.", names[0], fmt_short(x), names[1], fmt_short(y));
    app.borrow().root.set_attr("s-contour", "aria-description", &said);
}

/// Moves the descent's start (on the live network: its two weights' start) and redraws.
fn set_start(app: &Shared, x: f64, y: f64) {
    {
        let mut s = app.borrow_mut();
        if s.state.lab.problem == "net" {
            s.net_start = Some((x, y));
        } else {
            s.state.lab.start = (round3(x), round3(y));
        }
    }
    super::wire::changed(app);
}

fn move_start(app: &Shared, e: &PointerEvent) {
    let Some(c) = app.borrow().root.canvas("s-contour") else { return };
    let (px, py) = canvas_px(&c, e);
    let Some((x, y)) = app.borrow().contour_frame.as_ref().and_then(|f| f.to_data(px, py)) else { return };
    set_start(app, x, y);
}
