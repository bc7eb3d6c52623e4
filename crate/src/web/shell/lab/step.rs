//! The step-size view: the loss surface (a bowl, the polynomial fit, or two weights of the
//! live network) with the gradient-descent path from a start you drag, and the loss after one
//! step θ − η·∇L against η from the live network's weights.

use super::*;
use crate::sweep::{DescentPath, StepProfile};

impl Figure {
    pub(super) fn objective(&self) -> Option<Surface> {
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
        let Some((mut obj, xr, yr, start, names)) = self.objective() else {
            self.root.set_text("s-summary", "The live network has fewer than two weights.");
            return;
        };
        let n = 60;
        let grid = loss_grid(obj.as_mut(), xr, yr, n);
        let values: Vec<Vec<f64>> = (0..n).map(|r| grid.values[r * n..(r + 1) * n].to_vec()).collect();
        let path = self.descent(obj.as_mut(), xr, yr, start);
        let pts: Vec<(f64, f64)> =
            path.points.iter().map(|p| (p.first().copied().unwrap_or(0.0), p.get(1).copied().unwrap_or(0.0))).collect();
        let minimum = match lab.problem {
            "bowl" => Some((0.0, 0.0)),
            "poly" => Some((3.0, 0.0)),
            _ => None,
        };
        let contour = Contour {
            title: PROBLEMS.iter().find(|p| p.0 == lab.problem).map_or("", |p| p.1).to_string(),
            x_label: names[0].into(),
            y_label: names[1].into(),
            values,
            x_range: xr,
            y_range: yr,
            path: pts,
            path_label: format!("gradient descent, η = {}", fmt_short(lab.eta)),
            minimum,
        };
        if let Some(c) = self.root.canvas("s-contour") {
            match plot::contour(&c, &contour) {
                Ok(f) => self.contour_frame = Some(f),
                Err(e) => web_sys::console::error_1(&e.into()),
            }
        }
        let (_, mut text) = crate::web::model::advice::descent(lab.eta, &path.losses, path.diverged_at);
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

    /// The descent from `start` (brought inside the surface's range) at the view's step size
    /// and momentum: what the contour draws and its CSV holds.
    fn descent(
        &self,
        obj: &mut dyn crate::sweep::Objective,
        xr: (f64, f64),
        yr: (f64, f64),
        start: (f64, f64),
    ) -> DescentPath {
        let lab = self.lab();
        // a start from another surface's range is brought inside this one's
        let start = (start.0.clamp(xr.0, xr.1), start.1.clamp(yr.0, yr.1));
        descent_path(obj, &[start.0, start.1], lab.eta, lab.momentum, 60)
    }

    /// The descent path as the contour shows it (for its CSV).
    pub(crate) fn step_path(&self) -> Option<DescentPath> {
        let (mut obj, xr, yr, start, _) = self.objective()?;
        Some(self.descent(obj.as_mut(), xr, yr, start))
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
            s.state.lab.start = if p == "poly" { (0.0, 3.0) } else { (-4.0, 3.0) };
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
