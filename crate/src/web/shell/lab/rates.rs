//! The learning-rate view: the sweep (loss against rate, the rate × step heatmap, the
//! table of every rate), the range test and the schedule-against-constant comparison. Each
//! runs as a `Job` a slice per frame.

use super::*;

impl Figure {
    /// A copy of the settings' trainer with a constant rate, for the experiments.
    pub(super) fn constant_trainer(&self) -> Trainer {
        let mut lab = self.state.lab.clone();
        lab.schedule = "constant";
        build_trainer(&lab).0
    }

    pub(super) fn advance_job(&mut self, budget_ms: f64) {
        let start = now();
        let mut finished = false;
        let mut fraction = 0.0;
        if let Some(job) = &mut self.job {
            while now() - start < budget_ms && !finished {
                let p = match job {
                    Job::Sweep(s) => {
                        let p = s.advance(200);
                        (p.done, p.total)
                    }
                    Job::Range(r) => {
                        let p = r.advance(50);
                        (p.done, p.total)
                    }
                    Job::Compare { runs, curves, total } => advance_runs(runs, curves, *total),
                    Job::Race { runs, curves, total, .. } => advance_runs(runs, curves, *total),
                };
                fraction = if p.1 == 0 { 1.0 } else { p.0 as f64 / p.1 as f64 };
                finished = p.0 >= p.1;
            }
        }
        if let Some(bar) = self.root.get("lr-progress") {
            let _ = bar.set_attribute("value", &fraction.to_string());
        }
        if finished {
            match self.job.take() {
                Some(Job::Sweep(s)) => {
                    self.sweep = Some(s);
                    self.last_experiment = Some("sweep");
                }
                Some(Job::Range(r)) => {
                    self.root.set_text("lr-summary", &range_summary(&r));
                    self.range = Some(r);
                    self.last_experiment = Some("range");
                }
                Some(Job::Compare { curves, .. }) => {
                    let text = compare_summary(&curves, compared_schedule(self.lab()), self.lab().lr);
                    self.root.set_text("lr-summary", &text);
                    self.compare = Some(curves);
                    self.last_experiment = Some("compare");
                }
                Some(Job::Race { runs, curves, labels, total }) => {
                    let paths: Vec<crate::sweep::DescentPath> = runs
                        .iter()
                        .zip(&curves)
                        .map(|(r, c)| crate::sweep::DescentPath {
                            points: vec![],
                            losses: c.iter().map(|p| p.1).collect(),
                            diverged_at: match r.status() {
                                Status::Diverged { step, .. } => Some(step as usize),
                                _ => None,
                            },
                        })
                        .collect();
                    let raced: Vec<(&str, &crate::sweep::DescentPath)> =
                        labels.iter().map(String::as_str).zip(&paths).collect();
                    let text = crate::web::model::advice::race(&raced, total as usize);
                    self.root.set_text("lr-summary", &text.replace("the same start", "the same weights and batches"));
                    self.race = Some((labels, curves));
                    self.last_experiment = Some("race");
                }
                None => {}
            }
            job_buttons(&self.root, false);
        } else {
            // draw what there is so far
            match &self.job {
                Some(Job::Sweep(s)) if self.frame.is_multiple_of(6) => self.sweep_plots(Some(s), true),
                Some(Job::Range(r)) if self.frame.is_multiple_of(6) => self.range_plot(Some(r)),
                Some(Job::Compare { curves, .. }) if self.frame.is_multiple_of(6) => self.compare_plot(curves),
                Some(Job::Race { curves, labels, .. }) if self.frame.is_multiple_of(6) => {
                    self.race_plot(labels, curves)
                }
                _ => {}
            }
        }
        if finished {
            self.draw_lr();
        }
    }

    pub(super) fn draw_lr(&mut self) {
        // before an experiment has run, its plots are drawn empty (axes and legend)
        self.sweep_plots(self.sweep.as_ref(), true);
        // (a finished range test, comparison or race keeps its own summary)
        if self.sweep.is_none() && self.last_experiment.is_none() {
            self.root.set_text("lr-summary", "Press “Run sweep” to train the network once for every rate.");
        }
        self.range_plot(self.range.as_ref());
        let empty = [vec![], vec![]];
        self.compare_plot(self.compare.as_ref().unwrap_or(&empty));
        match &self.race {
            Some((labels, curves)) => self.race_plot(labels, curves),
            None => self.race_plot(&[], &[]),
        }
    }

    /// The race's training loss against step, one line per optimizer.
    pub(super) fn race_plot(&self, labels: &[String], curves: &[Vec<(f64, f64)>]) {
        let chart =
            runs_chart("Optimizers from the same weights", palette_series(labels.iter().zip(curves.iter().cloned())));
        if let Some(c) = self.root.canvas("lr-race-plot") {
            report(plot::line_chart(&c, &chart));
        }
    }

    /// The race of the learning-rate view: the step-size view's racers (else SGD, momentum and
    /// Adam) on the live network's settings, each at its own rate or the Training view's.
    pub(super) fn race_job(&self) -> Job {
        let lab = self.lab();
        let mut runs = vec![];
        let mut labels = vec![];
        for opt in lab.racers(lab.lr, &["sgd", "momentum", "adam"]) {
            let mut config = lab.trainer_config();
            config.optimizer = opt;
            config.schedule = crate::train::Schedule::Constant;
            if let Ok(t) = Trainer::new(config) {
                labels.push(racer_label(&opt));
                runs.push(t);
            }
        }
        let curves = vec![vec![]; runs.len()];
        Job::Race { runs, curves, labels, total: COMPARE_STEPS }
    }

    /// The sweep's plots, and (with `table`) its table of results.
    pub(super) fn sweep_plots(&self, s: Option<&LrSweep<Trainer>>, table: bool) {
        let runs = s.map_or(&[][..], |s| s.runs());
        let finite_max = runs
            .iter()
            .flat_map(|r| r.losses.iter().copied())
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        let top = if finite_max.is_finite() { finite_max } else { 1.0 };
        let mut marks: Vec<Mark> = runs
            .iter()
            .filter(|r| r.diverged_at.is_some())
            .enumerate()
            .map(|(k, r)| Mark {
                x: r.lr,
                y: top,
                label: if k == 0 { "diverged".into() } else { String::new() },
                color: RED,
                kind: MarkKind::Cross,
            })
            .collect();
        let best = s.and_then(|s| s.best());
        if let Some(b) = best {
            marks.push(Mark {
                x: b.lr,
                y: b.final_loss(),
                label: format!("best: η = {}", fmt_short(b.lr)),
                color: GREEN,
                kind: MarkKind::Dot,
            });
        }
        marks.push(Mark {
            x: self.lab().lr,
            y: top,
            label: "Training view's rate".into(),
            color: GREY,
            kind: MarkKind::VLine,
        });
        let ok = |r: &&crate::sweep::RateRun| r.diverged_at.is_none();
        let start = s.and_then(|s| s.start_loss());
        let (lo, hi) = (self.lab().sweep_lo, self.lab().sweep_hi);
        let mut series = vec![
            Series {
                label: "final loss".into(),
                points: runs.iter().filter(ok).map(|r| (r.lr, r.final_loss())).collect(),
                color: BLUE,
                style: Style::LineAndDots,
            },
            Series {
                label: "lowest mini-batch loss".into(),
                points: runs.iter().filter(ok).map(|r| (r.lr, r.min_loss())).collect(),
                color: ORANGE,
                style: Style::LineAndDots,
            },
        ];
        // every rate starts from the same loss: a final loss above this line made things worse
        if let Some(l) = start {
            series.push(Series {
                label: "loss before training".into(),
                points: vec![(lo, l), (hi, l)],
                color: GREY,
                style: Style::Line,
            });
        }
        let chart = LineChart {
            title: "Loss after training, against learning rate".into(),
            x_label: "learning rate η (log)".into(),
            y_label: "loss".into(),
            log_x: true,
            log_y: true,
            x_range: Some((lo, hi)),
            y_range: None,
            series,
            marks,
        };
        if let Some(c) = self.root.canvas("lr-plot") {
            match plot::line_chart(&c, &chart) {
                Ok(f) => *self.lr_frame.borrow_mut() = Some(f),
                Err(e) => web_sys::console::error_1(&e.into()),
            }
        }
        // loss against step for five rates across the range (and the best)
        let picks = match &self.picked {
            Some(p) => p.clone(),
            None => {
                let mut picks: Vec<usize> = (0..5).map(|k| k * runs.len().saturating_sub(1) / 4).collect();
                if let Some(b) = best.and_then(|b| runs.iter().position(|r| r.lr == b.lr)) {
                    picks.push(b);
                }
                picks.sort_unstable();
                picks.dedup();
                picks
            }
        };
        let curves = LineChart {
            title: "Loss against step, for the rates picked".into(),
            x_label: "step".into(),
            y_label: "mini-batch loss".into(),
            log_x: false,
            log_y: true,
            x_range: Some((0.0, self.lab().sweep_steps as f64)),
            y_range: None,
            series: picks
                .iter()
                .filter_map(|&i| runs.get(i))
                .enumerate()
                .map(|(k, r)| Series {
                    label: format!(
                        "η = {}{}",
                        fmt_short(r.lr),
                        if r.diverged_at.is_some() { " (diverged)" } else { "" }
                    ),
                    points: smooth(&r.losses),
                    color: plot::PALETTE[k % plot::PALETTE.len()],
                    style: Style::Line,
                })
                .collect(),
            marks: vec![],
        };
        if let Some(c) = self.root.canvas("lr-curves") {
            report(plot::line_chart(&c, &curves));
        }
        // the rate × step grid, 60 columns of averaged losses
        let cols = 60usize;
        let steps = self.lab().sweep_steps.max(1);
        // complete runs only (a diverged run is complete: its cells after divergence are marked)
        let done: Vec<&crate::sweep::RateRun> =
            runs.iter().filter(|r| r.diverged_at.is_some() || r.losses.len() >= steps).collect();
        let values: Vec<Vec<f64>> = done
            .iter()
            .map(|r| {
                (0..cols)
                    .map(|c| {
                        let (a, b) = (c * steps / cols, ((c + 1) * steps / cols).max(c * steps / cols + 1));
                        let chunk: Vec<f64> = r.losses.iter().skip(a).take(b - a).copied().collect();
                        if chunk.is_empty() || chunk.iter().any(|v| !v.is_finite()) {
                            f64::NAN
                        } else {
                            chunk.iter().sum::<f64>() / chunk.len() as f64
                        }
                    })
                    .collect()
            })
            .collect();
        let lo = done.first().map_or(self.lab().sweep_lo, |r| r.lr);
        let hi = done.last().map_or(self.lab().sweep_hi, |r| r.lr);
        let map = Heatmap {
            title: "Loss for each rate and step".into(),
            x_label: "step".into(),
            y_label: "learning rate η (log)".into(),
            values,
            x_range: (0.0, steps as f64),
            y_range: (lo, hi.max(lo * 1.0001)),
            log_x: false,
            log_y: true,
            log_color: true,
            clamp: None,
        };
        if let Some(c) = self.root.canvas("lr-heat") {
            report(plot::heatmap(&c, &map));
        }
        // the table and the summary
        let Some(doc) = dom::document() else { return };
        if let Some(body) = self.root.get("lr-rows").filter(|_| table) {
            body.set_text_content(None);
            // the training view with these settings: each rate's link changes only the rate
            let mut train = self.state.clone();
            train.view = View::Train;
            // as many digits as tell each rate from its neighbours
            let rates: Vec<f64> = runs.iter().map(|r| r.lr).collect();
            let labels = crate::web::model::plot_math::distinct_labels(&rates);
            for (i, r) in runs.iter().enumerate() {
                if let Ok(tr) = doc.create_element("tr") {
                    if let (Ok(td), Ok(check)) = (doc.create_element("td"), doc.create_element("input")) {
                        let _ = check.set_attribute("type", "checkbox");
                        let _ = check.set_attribute("data-index", &i.to_string());
                        let _ = check.set_attribute("aria-label", &format!("Show the loss curve of η = {}", labels[i]));
                        if picks.contains(&i) {
                            let _ = check.set_attribute("checked", "");
                        }
                        let _ = td.append_child(&check);
                        let _ = tr.append_child(&td);
                    }
                    let _ = tr.set_attribute("data-lr", &r.lr.to_string());
                    let _ = tr.set_attribute("data-final", &r.final_loss().to_string());
                    let _ = tr.set_attribute("data-min", &r.min_loss().to_string());
                    let _ = tr.set_attribute("data-diverged", if r.diverged_at.is_some() { "1" } else { "0" });
                    let worse = start.is_some_and(|l| r.ended_worse(l));
                    let _ = tr.set_attribute("data-worse", if worse { "1" } else { "0" });
                    // the rate: a link that trains with it (what a click on the plot does)
                    if let (Ok(td), Ok(link)) = (doc.create_element("td"), doc.create_element("a")) {
                        train.lab.lr = round3(r.lr);
                        let _ = link.set_attribute("href", &super::super::figure::query(&train));
                        let _ = link.set_attribute("title", "Train with this rate");
                        link.set_text_content(Some(&labels[i]));
                        let _ = td.append_child(&link);
                        let _ = tr.append_child(&td);
                    }
                    for text in [
                        fmt_short(r.final_loss()),
                        fmt_short(r.min_loss()),
                        match r.diverged_at {
                            Some(s) => format!("diverged at step {s}"),
                            None if worse => "ended above its start".into(),
                            None => "–".into(),
                        },
                    ] {
                        if let Ok(td) = doc.create_element("td") {
                            td.set_text_content(Some(&text));
                            let _ = tr.append_child(&td);
                        }
                    }
                    let _ = body.append_child(&tr);
                }
            }
        }
        // the summary tells of the experiment run last (a range test or a comparison after it
        // writes its own)
        if !runs.is_empty() && matches!(self.last_experiment, None | Some("sweep")) {
            let first_diverged = runs.iter().find(|r| r.diverged_at.is_some()).map(|r| r.lr);
            let mut text = match best {
                Some(b) => format!("Lowest final loss {} at η = {}.", fmt_short(b.final_loss()), fmt_short(b.lr)),
                None => "Every rate diverged.".into(),
            };
            if let Some(d) = first_diverged {
                text.push_str(&format!(" From η = {} the runs diverge.", fmt_short(d)));
            }
            let worse: Vec<f64> =
                runs.iter().filter(|r| start.is_some_and(|l| r.ended_worse(l))).map(|r| r.lr).collect();
            if let (Some(&w), Some(l)) = (worse.first(), start) {
                text.push_str(&format!(
                    " {} of the rates, from η = {}, ended above the loss before training ({}): too large, though nothing blew up.",
                    worse.len(),
                    fmt_short(w),
                    fmt_short(l)
                ));
            }
            if let Some(b) = best {
                self.root.set_attr("lr-summary", "data-best-lr", &b.lr.to_string());
            }
            self.root.set_text("lr-summary", &text);
        }
    }

    pub(super) fn compare_plot(&self, curves: &[Vec<(f64, f64)>; 2]) {
        let name = SCHEDULE_NAMES.iter().find(|s| s.0 == compared_schedule(self.lab())).map_or("schedule", |s| s.1);
        let chart = runs_chart(
            "Schedule against constant rate",
            vec![
                Series { label: name.to_string(), points: curves[0].clone(), color: GREEN, style: Style::Line },
                Series {
                    label: format!("constant η = {}", fmt_short(self.lab().lr)),
                    points: curves[1].clone(),
                    color: BLUE,
                    style: Style::Line,
                },
            ],
        );
        if let Some(c) = self.root.canvas("lr-compare-plot") {
            report(plot::line_chart(&c, &chart));
        }
    }

    pub(super) fn range_plot(&self, r: Option<&RangeTest<Trainer>>) {
        let points = r.map_or(&[][..], |r| &r.points);
        let mut marks = vec![];
        if let Some(s) = r.and_then(|r| r.suggestion()) {
            let y = points.iter().min_by(|a, b| (a.0 - s).abs().total_cmp(&(b.0 - s).abs())).map_or(1.0, |p| p.2);
            marks.push(Mark {
                x: s,
                y,
                label: format!("suggested η = {}", fmt_short(s)),
                color: GREEN,
                kind: MarkKind::VLine,
            });
            self.root.set_attr("lr-range-plot", "data-suggestion", &s.to_string());
        }
        if let Some(k) = r.and_then(|r| r.stopped_at) {
            if let Some(p) = points.get(k.saturating_sub(1)) {
                marks.push(Mark {
                    x: p.0,
                    y: p.2,
                    label: "stopped: diverging".into(),
                    color: RED,
                    kind: MarkKind::Cross,
                });
            }
        }
        let chart = LineChart {
            title: "Range test: the rate grows every step".into(),
            x_label: "learning rate η (log)".into(),
            y_label: "smoothed loss".into(),
            log_x: true,
            log_y: true,
            x_range: None,
            y_range: None,
            series: vec![Series {
                label: "smoothed loss".into(),
                points: points.iter().map(|p| (p.0, p.2)).collect(),
                color: BLUE,
                style: Style::Line,
            }],
            marks,
        };
        if let Some(c) = self.root.canvas("lr-range-plot") {
            report(plot::line_chart(&c, &chart));
        }
    }
}

const COMPARE_STEPS: u64 = 2000;

/// The training loss against step of runs side by side (the comparison, the race).
fn runs_chart(title: &str, series: Vec<Series>) -> LineChart {
    LineChart {
        title: title.into(),
        x_label: "step".into(),
        y_label: "training loss".into(),
        log_x: false,
        log_y: true,
        x_range: Some((0.0, COMPARE_STEPS as f64)),
        y_range: None,
        series,
        marks: vec![],
    }
}

/// Trains each run 20 steps and adds its training loss to its curve: (steps done, of
/// `total`), all of `total` once every run has stopped.
fn advance_runs(runs: &mut [Trainer], curves: &mut [Vec<(f64, f64)>], total: u64) -> (usize, usize) {
    for (run, curve) in runs.iter_mut().zip(curves.iter_mut()) {
        if curve.is_empty() {
            curve.push((0.0, run.loss_train().unwrap_or(f64::NAN)));
        }
        if run.steps() < total {
            run.train(20);
            curve.push((run.steps() as f64, run.loss_train().unwrap_or(f64::NAN)));
        }
    }
    let done = runs.iter().map(|r| r.steps()).min().unwrap_or(total);
    let stopped = runs.iter().all(|r| r.status() != Status::Ready);
    (if stopped { total as usize } else { done as usize }, total as usize)
}

/// The summary of a finished range test, from its own numbers.
fn range_summary(r: &RangeTest<Trainer>) -> String {
    let mut text = match r.suggestion() {
        Some(s) => format!("Range test: the smoothed loss fell fastest at η = {}, the suggested rate.", fmt_short(s)),
        None => "Range test: the loss never fell clearly, so there is no suggestion; try a wider range.".into(),
    };
    if let Some(p) = r.stopped_at.and_then(|k| r.points.get(k.saturating_sub(1))) {
        text.push_str(&format!(" It stopped at η = {}, where the loss was diverging.", fmt_short(p.0)));
    }
    text
}

/// The summary of a finished comparison: where each run ended.
fn compare_summary(curves: &[Vec<(f64, f64)>; 2], schedule: &str, lr: f64) -> String {
    let end = |c: &Vec<(f64, f64)>| c.last().map_or(f64::NAN, |p| p.1);
    let steps = curves[0].last().map_or(0.0, |p| p.0);
    let name = SCHEDULE_NAMES.iter().find(|s| s.0 == schedule).map_or(schedule, |s| s.1);
    format!(
        "Schedule vs constant: after {steps} steps the {name} schedule ended at loss {}, the constant η = {} at {}.",
        fmt_short(end(&curves[0])),
        fmt_short(lr),
        fmt_short(end(&curves[1]))
    )
}

/// The schedule compared with a constant rate: the chosen one, or warm-up + cosine when the
/// chosen one is constant.
fn compared_schedule(lab: &crate::web::model::lab_state::Lab) -> &'static str {
    if lab.schedule == "constant" {
        "warmup_cosine"
    } else {
        lab.schedule
    }
}

/// A moving average over 10 steps (mini-batch losses are noisy), as (step, loss).
fn smooth(losses: &[f64]) -> Vec<(f64, f64)> {
    let w = 10usize;
    losses
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let a = i.saturating_sub(w - 1);
            let chunk = &losses[a..=i];
            (i as f64 + 1.0, chunk.iter().sum::<f64>() / chunk.len() as f64)
        })
        .collect()
}

/// The learning-rate view's events.
pub(super) fn wire(app: &Shared) {
    let root = app.borrow().root.clone();
    for (id, key) in [("lr-lo", "lo"), ("lr-hi", "hi"), ("lr-rates", "rates"), ("lr-steps", "steps")] {
        let a = app.clone();
        let r = root.clone();
        root.on::<Event>(id, "change", move |_| {
            let Some(i) = r.input(id) else { return };
            let mut m = vec![];
            a.borrow_mut().state.lab.read(key, i.value().trim(), &mut m);
            a.borrow_mut().state.lab.settle(&mut m);
            a.borrow().notice(&m.join("\n"));
            // the fields show what will run (a refused value, or the two rates swapped)
            let lab = a.borrow().state.lab.clone();
            for (id, v) in [
                ("lr-lo", short_number(lab.sweep_lo)),
                ("lr-hi", short_number(lab.sweep_hi)),
                ("lr-rates", lab.sweep_rates.to_string()),
                ("lr-steps", lab.sweep_steps.to_string()),
            ] {
                if let Some(f) = r.input(id) {
                    f.set_value(&v);
                }
            }
            a.borrow().write_url();
        });
    }
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("lr-run", "click", move |_| {
        {
            let mut s = a.borrow_mut();
            let lab = s.state.lab.clone();
            let rates = log_space(lab.sweep_lo, lab.sweep_hi, lab.sweep_rates);
            s.job = Some(Job::Sweep(LrSweep::new(s.constant_trainer(), rates, lab.sweep_steps)));
            s.picked = None;
            r.set_text("lr-summary", "Training one network per rate…");
        }
        job_buttons(&r, true);
        kick(&a);
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("lr-range", "click", move |_| {
        {
            let mut s = a.borrow_mut();
            let lab = s.state.lab.clone();
            s.job = Some(Job::Range(RangeTest::new(s.constant_trainer(), lab.sweep_lo, lab.sweep_hi, 400)));
        }
        job_buttons(&r, true);
        kick(&a);
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("lr-compare", "click", move |_| {
        {
            let mut s = a.borrow_mut();
            let mut with = s.state.lab.clone();
            with.schedule = compared_schedule(&s.state.lab);
            let scheduled = build_trainer(&with).0;
            s.job = Some(Job::Compare {
                runs: [scheduled, s.constant_trainer()],
                curves: [vec![], vec![]],
                total: COMPARE_STEPS,
            });
        }
        job_buttons(&r, true);
        kick(&a);
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("lr-race", "click", move |_| {
        {
            let mut s = a.borrow_mut();
            let job = s.race_job();
            s.job = Some(job);
            r.set_text("lr-summary", "Training one network per optimizer…");
        }
        job_buttons(&r, true);
        kick(&a);
    });
    let a = app.clone();
    root.on::<Event>("lr-rows", "change", move |e: Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(i) = t.get_attribute("data-index").and_then(|v| v.parse::<usize>().ok()) else { return };
        let mut s = a.borrow_mut();
        let Some(sweep) = s.sweep.take() else { return };
        let mut picked: Vec<usize> = s.picked.clone().unwrap_or_else(|| {
            s.root
                .all("#lr-rows input:checked")
                .iter()
                .filter_map(|r| r.get_attribute("data-index"))
                .filter_map(|v| v.parse().ok())
                .collect()
        });
        if t.checked() {
            picked.push(i);
        } else {
            picked.retain(|&k| k != i);
        }
        picked.sort_unstable();
        picked.dedup();
        s.picked = Some(picked);
        s.sweep_plots(Some(&sweep), false);
        s.sweep = Some(sweep);
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<Event>("lr-cancel", "click", move |_| {
        a.borrow_mut().job = None;
        job_buttons(&r, false);
        r.set_text("lr-summary", "Cancelled.");
    });
    let a = app.clone();
    let r = root.clone();
    root.on::<MouseEvent>("lr-plot", "click", move |e: MouseEvent| {
        let Some(c) = r.canvas("lr-plot") else { return };
        let (px, py) = canvas_px(&c, &e);
        let hit = a.borrow().lr_frame.borrow().as_ref().and_then(|f| f.to_data(px, py));
        let Some((lr, _)) = hit else { return };
        super::wire::train_with_rate(&a, round3(lr));
    });
    // a rate's link in the table does the same, in place (ctrl/⌘-click opens it as a link)
    let a = app.clone();
    root.on::<MouseEvent>("lr-rows", "click", move |e: MouseEvent| {
        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let Some(link) = target.and_then(|t| t.closest("a").ok().flatten()) else { return };
        // the row's rate, rounded as the plot's click rounds it (and as the link's href has it)
        let row = link.closest("tr").ok().flatten();
        let Some(lr) = row.and_then(|r| r.get_attribute("data-lr")).and_then(|v| v.parse::<f64>().ok()) else {
            return;
        };
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
            return;
        }
        e.prevent_default();
        super::wire::train_with_rate(&a, round3(lr));
    });
}
