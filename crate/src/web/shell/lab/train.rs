//! The training view: counters, the loss plot, the network, the layer view and the data
//! plane (the decision boundary or the regression scatter, with its pointer and keyboard
//! actions). Methods of [`Figure`]; the controls are wired in `wire`.

use super::*;

/// Past this many steps the loss plot's step axis is logarithmic.
const LOG_STEPS_FROM: f64 = 1000.0;

impl Figure {
    /// The run's state on the counters (`data-status`) and, when something is to be done
    /// about it, in words above the plots.
    fn show_run_status(&self) {
        use crate::web::model::run_status::{status, RunFacts, RunStatus};
        let diverged = match self.trainer.status() {
            Status::Diverged { step, loss } => Some((step, loss)),
            _ => None,
        };
        let (s, text) = status(&RunFacts {
            history: &self.history,
            step: self.trainer.steps(),
            playing: self.playing,
            diverged,
            no_data: self.trainer.status() == Status::NoData,
            lr_now: self.trainer.current_lr(),
            lr: self.state.lab.lr,
        });
        self.root.set_attr("t-run-status", "data-status", s.name());
        self.root.set_text("t-run-status", s.name());
        let shown = !matches!(s, RunStatus::Ready | RunStatus::Training) || diverged.is_some();
        let shown = shown || self.trainer.status() == Status::NoData;
        let class = if matches!(s, RunStatus::Diverged | RunStatus::Worse) { "notice diverged" } else { "notice" };
        // (a live region: while playing its words change only when the state does)
        if let Some(el) = self.root.get("t-status") {
            let fresh = el.get_attribute("data-kind").as_deref() != Some(s.name()) || !self.playing;
            if shown && fresh && el.text_content().as_deref() != Some(text.as_str()) {
                el.set_text_content(Some(&text));
                let _ = el.set_attribute("data-kind", s.name());
            }
        }
        self.root.set_class("t-status", class);
        self.root.set_hidden("t-status", !shown);
    }

    pub(super) fn draw_train(&mut self, full: bool) {
        self.record();
        let step = self.trainer.steps();
        self.root.set_text("t-count-step", &step.to_string());
        self.root.set_attr("t-count-step", "data-step", &step.to_string());
        self.root.set_text("t-count-epoch", &self.trainer.epoch().to_string());
        let (train, test) = (self.trainer.loss_train(), self.trainer.loss_test());
        self.root.set_text("t-loss-train", &loss_text(train));
        self.root.set_attr("t-loss-train", "data-loss-train", &train.map_or(String::new(), |v| v.to_string()));
        self.root.set_text("t-loss-test", &loss_text(test));
        self.root.set_attr("t-loss-test", "data-loss-test", &test.map_or(String::new(), |v| v.to_string()));
        let acc = self.trainer.accuracy_test();
        self.root.set_text("t-accuracy", &acc.map_or("–".into(), |a| format!("{:.1}%", a * 100.0)));
        self.root.set_attr("t-accuracy", "data-accuracy", &acc.map_or(String::new(), |v| v.to_string()));
        let label = if self.playing { "Pause" } else { "Play" };
        if let Some(b) = self.root.get("t-play").filter(|b| b.text_content().as_deref() != Some(label)) {
            b.set_text_content(Some(label));
            let _ = if self.playing { b.class_list().add_1("playing") } else { b.class_list().remove_1("playing") };
            let _ = b.set_attribute("aria-pressed", if self.playing { "true" } else { "false" });
        }
        self.show_run_status();
        // While playing, the pictures take turns so that a frame's drawing stays short: the
        // boundary every other frame, the loss plot every sixth, the network and the layer
        // view every thirtieth (about twice a second).
        let due = |every: u64, phase: u64| full || !self.playing || self.frame % every == phase;
        let (boundary, loss, network) = (due(2, 0), due(6, 3), due(30, 1));
        if boundary {
            self.draw_boundary(full);
        }
        if loss {
            self.draw_loss();
        }
        if network {
            let now: Vec<LayerSnapshot> = self.trainer.network().layers().iter().map(|l| l.snapshot()).collect();
            self.draw_network(&now);
            self.draw_layers();
        }
    }

    pub(super) fn draw_loss(&self) {
        let Some(c) = self.root.canvas("t-loss-plot") else { return };
        // A long run gets a log step axis, so its first steps (where most of the learning is)
        // keep their room; step 0 is drawn at step 1, so the start is always in the picture.
        let last = self.history.last().map_or(0.0, |h| h.0);
        let log_x = last > LOG_STEPS_FROM;
        let x = |s: f64| if log_x { s.max(1.0) } else { s };
        let series = |label: &str, color, f: fn(&(f64, f64, f64)) -> f64| Series {
            label: label.into(),
            points: self.history.iter().map(|h| (x(h.0), f(h))).collect(),
            color,
            style: Style::Line,
        };
        let chart = LineChart {
            title: "Loss against step".into(),
            x_label: if log_x { "step (log scale)".into() } else { "step".into() },
            y_label: match self.lab().reg {
                "none" => "loss".into(),
                r => format!("loss (grey: train + {} penalty)", r.to_uppercase()),
            },
            log_x,
            log_y: self.lab().log_y,
            // From step 0, at least 10 steps wide: before training there is one point, which
            // would otherwise get an axis from −1 to 1.
            x_range: Some(if log_x { (1.0, last) } else { (0.0, last.max(10.0)) }),
            y_range: None,
            series: {
                let mut s = vec![series("train", BLUE, |h| h.1), series("test", ORANGE, |h| h.2)];
                // with a penalty, the loss the optimizer descends: the training data's plus it
                if self.lab().reg != "none" && self.penalties.len() == self.history.len() {
                    s.push(Series {
                        label: "train + penalty".into(),
                        points: self.history.iter().zip(&self.penalties).map(|(h, p)| (x(h.0), h.1 + p)).collect(),
                        color: GREY,
                        style: Style::Line,
                    });
                }
                s
            },
            marks: self.divergence_mark().into_iter().collect(),
        };
        let diverged = match self.trainer.status() {
            Status::Diverged { step, .. } => step.to_string(),
            _ => String::new(),
        };
        let _ = c.set_attribute("data-diverged-at", &diverged);
        report(plot::line_chart(&c, &chart));
    }

    /// A red ✕ where the run diverged, on the end of the training-loss line (its last finite
    /// value; the mini-batch loss that tripped the rule when there is none).
    pub(super) fn divergence_mark(&self) -> Option<Mark> {
        let Status::Diverged { step, loss } = self.trainer.status() else { return None };
        let last = self.history.iter().rev().map(|h| h.1).find(|v| v.is_finite());
        let y = last.or(loss.is_finite().then_some(loss))?;
        Some(Mark { x: step as f64, y, label: format!("diverged at step {step}"), color: RED, kind: MarkKind::Cross })
    }

    /// Each layer's optimizer state and last step (`now`: the layers as they are, `used`: as
    /// the last batch used them).
    fn layer_states(
        &self,
        now: &[LayerSnapshot],
        used: &[LayerSnapshot],
    ) -> Vec<crate::web::model::lab_view::LayerState> {
        crate::web::model::lab_view::layer_states(&self.trainer.optimizer().state(), now, used)
    }

    pub(super) fn draw_network(&mut self, layers: &[LayerSnapshot]) {
        let names: Vec<String> = self
            .trainer
            .config()
            .features
            .iter()
            .map(|f| FEATURE_NAMES.iter().find(|e| e.0 == *f).map_or("?", |e| e.2).to_string())
            .collect();
        let thumbs = self.thumbnails();
        let states =
            if self.trainer.steps() > 0 { self.layer_states(layers, &self.trainer.batch_layers()) } else { vec![] };
        let extras = crate::web::model::lab_view::NetExtras { quiz: self.state.quiz, states: &states };
        self.root.mount("t-network", &network_svg(layers, &names, self.lab().show_grads, &thumbs, extras));
    }

    /// What each input feature and each neuron computes over the plane, as small images
    /// (data URLs), column by column: blue where positive, orange where negative.
    pub(super) fn thumbnails(&mut self) -> Vec<Vec<String>> {
        const N: usize = 20;
        let ((x0, x1), _) = self.domain();
        let features = self.trainer.config().features.len();
        let mut columns =
            vec![(0..features).map(|i| self.trainer.feature_grid(i, N, (x0, x1)).ok()).collect::<Vec<_>>()];
        let sizes: Vec<usize> = self.trainer.network().layers().iter().map(|l| l.n_neurons()).collect();
        for (l, &n) in sizes.iter().enumerate() {
            columns.push((0..n).map(|j| self.trainer.neuron_grid(l, j, N, (x0, x1)).ok()).collect());
        }
        if self.scratch.is_none() {
            self.scratch =
                dom::document().and_then(|d| d.create_element("canvas").ok()).and_then(|e| e.dyn_into().ok());
        }
        let Some(scratch) = &self.scratch else { return vec![] };
        scratch.set_width(N as u32);
        scratch.set_height(N as u32);
        let Some(ctx) = context(scratch) else { return vec![] };
        columns
            .into_iter()
            .map(|col| {
                col.into_iter()
                    .map(|grid| {
                        let Some(grid) = grid else { return String::new() };
                        let scale = grid.iter().filter(|v| v.is_finite()).fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
                        let mut rgba = vec![255u8; N * N * 4];
                        for (k, &v) in grid.iter().enumerate().take(N * N) {
                            // at most 90% of the full colour, so a saturated neuron stays readable
                            let (r, g, b) = signed_rgb(v as f64, scale as f64 / 0.9);
                            rgba[k * 4..k * 4 + 3].copy_from_slice(&[r, g, b]);
                        }
                        match ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), N as u32, N as u32) {
                            Ok(image) => {
                                let _ = ctx.put_image_data(&image, 0.0, 0.0);
                                scratch.to_data_url().unwrap_or_default()
                            }
                            Err(_) => String::new(),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// The layer view, if open (its snapshots are made only then): every layer's matrices of
    /// the last batch with the weights and biases that batch used, so its numbers fit together
    /// (z = X·W + b, dinputs = dz·Wᵀ) — the network drawing shows the weights as they are now,
    /// one update further on — or the lecture's example when it is ticked. In a quiz the
    /// numbers hold still while an answer is being typed (they are the ones it is checked
    /// against).
    pub(super) fn draw_layers(&self) {
        let open = self.root.get("t-layers").is_some_and(|d| d.has_attribute("open"));
        let quiz = self.state.quiz;
        self.root.set_hidden("t-quiz", !quiz);
        if !open {
            return;
        }
        if !(quiz && self.typing_in_layers()) {
            self.render_layers();
        }
    }

    /// Draws the layer view (open or not) from the layers as they are now.
    pub(super) fn render_layers(&self) {
        let quiz = self.state.quiz;
        let lecture = self.root.input("t-lecture").is_some_and(|i| i.checked());
        let layers = if lecture { lecture_layer().into_iter().collect() } else { self.trainer.batch_layers() };
        let asks = if quiz { layer_quiz::asks(&layers, &self.state.ask) } else { Vec::new() };
        let states = if lecture {
            Vec::new()
        } else {
            let now: Vec<LayerSnapshot> = self.trainer.network().layers().iter().map(|l| l.snapshot()).collect();
            self.layer_states(&now, &layers)
        };
        let tree = layer_maps(&layers, quiz.then_some((asks.as_slice(), &self.layer_quiz)), &states);
        let mut shown = self.layers_shown.borrow_mut();
        self.root.mount_over("t-layers-host", shown.1.as_ref(), &tree);
        *shown = (layers, Some(tree));
        if quiz {
            let (right, asked) = self.layer_quiz.score();
            self.root.set_text("t-quiz-score", &crate::web::model::quiz::score_text(right, asked));
            self.root.set_attr("t-quiz-score", "data-score", &format!("{right}/{asked}"));
        }
    }

    /// Whether the focus is in one of the layer view's answer boxes.
    fn typing_in_layers(&self) -> bool {
        let host = self.root.find("t-layers-host");
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        match (host, active) {
            (Some(h), Some(a)) => a.tag_name() == "INPUT" && h.contains(Some(&a)),
            _ => false,
        }
    }

    /// Checks the answer typed for the layer view's entry `key`, against the numbers shown.
    pub(super) fn check_layer_cell(&mut self, key: &str, text: &str) {
        let shown = self.layers_shown.borrow();
        let Some(ask) = layer_quiz::LayerAsk::parse(key) else { return };
        let Some(truth) = ask.truth(&shown.0) else { return };
        let outcome = crate::web::model::quiz::parse_answer(text).map(|v| {
            let a = self.layer_quiz.answer_cell(key, v, truth);
            (a.right, layer_quiz::feedback(&ask, &shown.0, a.right, v))
        });
        self.root.show_verdict("t-quiz-feedback", outcome);
    }

    /// The domain of the plane on the canvas: x and y ranges.
    pub(super) fn domain(&self) -> ((f64, f64), (f64, f64)) {
        let d = self.state.lab.dataset.domain();
        (d.x, d.y)
    }

    /// The plane; with `full` also what only changes with the data set (the caption, the
    /// legend, and where the plot is in the canvas's `data-*`, which the tests use to find
    /// points).
    pub(super) fn draw_boundary(&mut self, full: bool) {
        let Some(c) = self.root.canvas("t-boundary") else { return };
        let ((x0, x1), (y0, y1)) = self.domain();
        let regression = self.state.lab.dataset.is_regression();
        if full {
            self.root.set_text("t-boundary-caption", if regression { "Prediction" } else { "Decision boundary" });
            self.root.set_text(
                "t-plane-legend",
                if regression {
                    "Blue dots train, orange test; the black line is the network's prediction."
                } else {
                    "Filled dots train, rings test."
                },
            );
        }
        if regression {
            let curve = self.trainer.predict_curve(200, (x0, x1)).unwrap_or_default();
            let pts = |test: bool| {
                let set = if test { self.trainer.dataset().test() } else { self.trainer.dataset().train() };
                set.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>()
            };
            let chart = LineChart {
                title: String::new(),
                x_label: "x".into(),
                y_label: "y".into(),
                log_x: false,
                log_y: false,
                x_range: Some((x0, x1)),
                y_range: Some((y0 - 0.1 * (y1 - y0), y1 + 0.1 * (y1 - y0))),
                series: vec![
                    Series {
                        label: "prediction".into(),
                        points: (0..200)
                            .map(|k| {
                                (x0 + (x1 - x0) * k as f64 / 199.0, curve.get(k).copied().unwrap_or(f32::NAN) as f64)
                            })
                            .collect(),
                        color: (29, 35, 43),
                        style: Style::Line,
                    },
                    Series { label: "train".into(), points: pts(false), color: BLUE, style: Style::Dots },
                    Series { label: "test".into(), points: pts(true), color: ORANGE, style: Style::Dots },
                ],
                marks: vec![],
            };
            match plot::line_chart(&c, &chart) {
                Ok(frame) => self.set_plane_frame(&c, frame, full),
                Err(e) => report(Err(e)),
            }
            self.draw_cross(&c);
            return;
        }
        let Some(ctx) = context(&c) else { return };
        let frame = plane::full_canvas_frame(c.width() as f64, c.height() as f64, (x0, x1), (y0, y1));
        self.set_plane_frame(&c, frame, full);
        let classes = self.trainer.dataset().classes();
        let values = if classes == 2 {
            self.trainer.predict_grid(GRID, (x0, x1)).unwrap_or_default()
        } else {
            self.trainer.predict_grid_probs(GRID, (x0, x1)).unwrap_or_default()
        };
        let mut rgba = vec![255u8; GRID * GRID * 4];
        for cell in 0..GRID * GRID {
            let (r, g, b) = if classes == 2 {
                let p = values.get(cell).copied().unwrap_or(0.5) as f64;
                blend(p)
            } else {
                let probs = values.get(cell * classes..(cell + 1) * classes).unwrap_or(&[]);
                let (best, p) =
                    probs.iter().enumerate().fold((0, 0.0f32), |m, (i, &p)| if p > m.1 { (i, p) } else { m });
                let strength = ((p as f64 - 1.0 / classes as f64) / (1.0 - 1.0 / classes as f64)).clamp(0.0, 1.0);
                lighten(CLASS_COLORS[best % 3], 1.0 - 0.55 * strength)
            };
            rgba[cell * 4..cell * 4 + 3].copy_from_slice(&[r, g, b]);
        }
        if self.scratch.is_none() {
            self.scratch =
                dom::document().and_then(|d| d.create_element("canvas").ok()).and_then(|e| e.dyn_into().ok());
        }
        let Some(scratch) = &self.scratch else { return };
        scratch.set_width(GRID as u32);
        scratch.set_height(GRID as u32);
        if let (Some(sctx), Ok(image)) =
            (context(scratch), ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), GRID as u32, GRID as u32))
        {
            let _ = sctx.put_image_data(&image, 0.0, 0.0);
        }
        let (w, h) = (c.width() as f64, c.height() as f64);
        ctx.set_image_smoothing_enabled(true);
        let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(scratch, 0.0, 0.0, w, h);
        // the points: train filled, test as rings
        let to_px = |x: f64, y: f64| ((x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h);
        for (set, filled) in [(self.trainer.dataset().test(), false), (self.trainer.dataset().train(), true)] {
            for p in set {
                let (px, py) = to_px(p.x, p.y);
                let (r, g, b) = CLASS_COLORS[(p.label.max(0.0) as usize) % 3];
                ctx.begin_path();
                let _ = ctx.arc(px, py, if filled { 4.0 } else { 3.5 }, 0.0, std::f64::consts::TAU);
                if filled {
                    ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
                    ctx.fill();
                    ctx.set_stroke_style_str("#ffffff");
                    ctx.set_line_width(1.0);
                } else {
                    ctx.set_stroke_style_str(&format!("rgb({r},{g},{b})"));
                    ctx.set_line_width(1.6);
                }
                ctx.stroke();
            }
        }
        self.draw_cross(&c);
    }

    /// Keeps where the plane was drawn; with `full` also puts it in the canvas's attributes,
    /// which tests use to find a point: `data-x0`, `data-x1`, `data-y0`, `data-y1` (the axes'
    /// ranges) and `data-plot` (left, top, right, bottom of the plot in canvas pixels).
    pub(super) fn set_plane_frame(&mut self, c: &HtmlCanvasElement, frame: Frame, full: bool) {
        if full {
            let (x, y) = (frame.x, frame.y);
            for (k, v) in [("data-x0", x.lo), ("data-x1", x.hi), ("data-y0", y.lo), ("data-y1", y.hi)] {
                let _ = c.set_attribute(k, &v.to_string());
            }
            let _ =
                c.set_attribute("data-plot", &format!("{},{},{},{}", frame.left, frame.top, frame.right, frame.bottom));
        }
        self.plane_frame = Some(frame);
    }

    /// The keyboard's cross, while the plane has focus: a ring with ticks, dark on white.
    pub(super) fn draw_cross(&self, c: &HtmlCanvasElement) {
        let (Some(at), Some(frame), Some(ctx)) = (self.cross, self.plane_frame.as_ref(), context(c)) else { return };
        let (px, py) = frame.to_px(at.0, at.1);
        if !(px.is_finite() && py.is_finite()) {
            return;
        }
        for (color, width) in [("#ffffff", 4.0), ("#1d232b", 1.6)] {
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(width);
            ctx.begin_path();
            let _ = ctx.arc(px, py, 9.0, 0.0, std::f64::consts::TAU);
            for (dx, dy) in [(1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)] {
                ctx.move_to(px + dx * 5.0, py + dy * 5.0);
                ctx.line_to(px + dx * 14.0, py + dy * 14.0);
            }
            ctx.stroke();
        }
    }

    /// A click (or Enter, Shift+Enter, a digit, Delete) at (x, y) of the plane. Returns what happened,
    /// in words, for the screen-reader announcement.
    pub(super) fn plane_act(&mut self, at: (f64, f64), act: PlaneAct) -> String {
        let Some(frame) = self.plane_frame.clone() else { return String::new() };
        let spot = format!("({}, {})", fmt_short(at.0), fmt_short(at.1));
        let locked =
            "This figure is locked (lock=1): its data stay as the author set them. Click a dot to see its graph.";
        if act == PlaneAct::Remove && self.state.embedding.lock {
            return locked.to_string();
        }
        if act == PlaneAct::Remove {
            let said = match self.trainer.remove_nearest(at.0, at.1) {
                Some(p) => format!("Removed the point at ({}, {}).", fmt_short(p.x), fmt_short(p.y)),
                None => "There is no point to remove.".to_string(),
            };
            self.draw_train(true);
            return said;
        }
        if act == PlaneAct::Primary {
            if let Some(i) = plane::hit(self.trainer.dataset().train(), &frame, at) {
                match self.trainer.example_source(i) {
                    Ok(source) => self.open_example = Some(source),
                    Err(err) => self.notice(&format!("Backprop on one example: {err}")),
                }
                return format!("Opened the graph of the training point near {spot}.");
            }
        }
        if self.state.embedding.lock {
            return locked.to_string();
        }
        // the first class (orange), the second (blue) or the one named; regression ignores it
        let classes = self.trainer.dataset().classes();
        let label = match act {
            _ if classes == 0 => 0.0,
            PlaneAct::Class(k) => f64::from(k),
            PlaneAct::Second => 1.0,
            _ => 0.0,
        };
        let added = self.trainer.add_point(at.0, at.1, label);
        // a refusal stays on screen until the next point goes in
        self.notice(&added.as_ref().err().map_or(String::new(), |e| e.to_string()));
        let said = match added {
            Ok(()) if classes == 0 => format!("Added a point at {spot}."),
            Ok(()) => format!("Added a point of class {} at {spot}.", label as u8),
            Err(err) => err.to_string(),
        };
        self.draw_train(true);
        said
    }

    /// A key pressed on the focused plane; returns whether the plane used it.
    pub(super) fn plane_key(&mut self, key: PlaneKey) -> bool {
        let Some(frame) = self.plane_frame.clone() else { return false };
        let at = self.cross.unwrap_or_else(|| plane::centre(&frame));
        let said = match key {
            PlaneKey::Move(right, up) => {
                self.cross = Some(plane::move_cross(&frame, at, (right, up)));
                self.draw_boundary(false);
                String::new()
            }
            PlaneKey::Snap => match plane::nearest(self.trainer.dataset().train(), &frame, at) {
                Some((i, _)) => {
                    let p = self.trainer.dataset().train()[i];
                    self.cross = Some((p.x, p.y));
                    self.draw_boundary(false);
                    let class = if self.trainer.dataset().classes() == 0 {
                        String::new()
                    } else {
                        format!(" of class {}", p.label)
                    };
                    format!(
                        "On the training point{class} at ({}, {}): Enter opens its graph.",
                        fmt_short(p.x),
                        fmt_short(p.y)
                    )
                }
                None => "There are no training points.".to_string(),
            },
            PlaneKey::Act(act) => {
                self.cross = Some(at);
                self.plane_act(at, act)
            }
        };
        self.announce_cross(&said);
        true
    }

    /// The cross's position in `data-cross-x`/`-y` and, with what just happened, in the
    /// plane's live region for screen readers.
    pub(super) fn announce_cross(&self, said: &str) {
        let Some(at) = self.cross else { return };
        self.root.set_attr("t-boundary", "data-cross-x", &at.0.to_string());
        self.root.set_attr("t-boundary", "data-cross-y", &at.1.to_string());
        let text = if said.is_empty() {
            format!("Cross at ({}, {}).", fmt_short(at.0), fmt_short(at.1))
        } else {
            said.to_string()
        };
        self.root.set_text("t-plane-live", &text);
    }
}
