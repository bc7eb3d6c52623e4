//! What state a training run is in, and the sentence that says so: the `data-status` of the
//! training view's counters (`ready`, `training`, `diverged`, `worse`, `stalled`, `done`).
//! Pure, and tied to the numbers it is computed from by property tests.

use crate::graph::fmt_short;

/// The run's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Not playing, nothing wrong (or not started).
    Ready,
    /// Playing, nothing wrong.
    Training,
    /// The loss or a parameter blew up (not finite, or a million times the first loss).
    Diverged,
    /// Nothing is infinite, but the training loss has stayed above where it started for a
    /// sustained stretch.
    Worse,
    /// The training loss has stopped moving.
    Stalled,
    /// The schedule has brought the learning rate to 0: more steps change nothing.
    Done,
}

impl RunStatus {
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Ready => "ready",
            RunStatus::Training => "training",
            RunStatus::Diverged => "diverged",
            RunStatus::Worse => "worse",
            RunStatus::Stalled => "stalled",
            RunStatus::Done => "done",
        }
    }
}

/// What the status is computed from.
pub struct RunFacts<'a> {
    /// (step, train loss, test loss), oldest first (thinned: not every step), the step-0
    /// loss first.
    pub history: &'a [(f64, f64, f64)],
    pub step: u64,
    pub playing: bool,
    /// Where and at what loss the run diverged.
    pub diverged: Option<(u64, f64)>,
    pub no_data: bool,
    /// The rate the next step uses.
    pub lr_now: f64,
    /// The base rate (what the settings say).
    pub lr: f64,
}

/// "Worse": the training loss above its start by this factor…
pub const WORSE_FACTOR: f64 = 1.1;
/// …at every recorded point of the last this-many steps (or a fifth of the run, if more).
pub const WORSE_STEPS: f64 = 200.0;
/// "Stalled": the last this-many steps (or 40% of the run, if more)…
pub const STALL_STEPS: f64 = 500.0;
/// …moved the training loss by less than this fraction of its value.
pub const STALL_CHANGE: f64 = 1e-3;

/// The points of the history in the last `steps` steps, and whether the history reaches back
/// that far (at least three points in the window, and one before it).
fn window(history: &[(f64, f64, f64)], now: f64, steps: f64) -> Option<&[(f64, f64, f64)]> {
    let from = now - steps;
    let first = history.iter().position(|h| h.0 >= from)?;
    let w = &history[first..];
    (first > 0 && w.len() >= 3).then_some(w)
}

/// The status and its sentence.
pub fn status(f: &RunFacts) -> (RunStatus, String) {
    if let Some((step, loss)) = f.diverged {
        return (
            RunStatus::Diverged,
            format!(
                "Diverged at step {step} (loss {}): the steps overshoot further each time. Lower the learning \
                 rate, then press Reset.",
                fmt_short(loss)
            ),
        );
    }
    if f.no_data {
        return (RunStatus::Ready, "There are no training points: click the plane to add some.".into());
    }
    let finite: Vec<(f64, f64, f64)> = f.history.iter().copied().filter(|h| h.1.is_finite()).collect();
    let (start, now) = match (finite.first(), finite.last()) {
        (Some(a), Some(b)) => (a.1, b.1),
        _ => (f64::NAN, f64::NAN),
    };
    let step = f.step as f64;
    if f.step > 0 && f.lr_now == 0.0 && f.lr > 0.0 {
        return (
            RunStatus::Done,
            format!(
                "Done: the schedule has brought the learning rate to 0 (step {}), so more steps change nothing \
                 (training loss {}). Press Reset to run again, or pick another schedule.",
                f.step,
                fmt_short(now)
            ),
        );
    }
    if let Some(w) = window(&finite, step, WORSE_STEPS.max(step / 5.0)) {
        if start > 0.0 && w.iter().all(|h| h.1 > start * WORSE_FACTOR) {
            let span = step - w[0].0;
            return (
                RunStatus::Worse,
                format!(
                    "Getting worse: for the last {} steps the training loss has stayed above where it started \
                     ({} at step 0, {} now), though nothing is infinite. The learning rate ({}) is probably too \
                     large: lower it and press Reset.",
                    span,
                    fmt_short(start),
                    fmt_short(now),
                    super::lab_state::short_number(f.lr)
                ),
            );
        }
    }
    if let Some(w) = window(&finite, step, STALL_STEPS.max(step * 0.4)) {
        let (lo, hi) = w.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), h| (lo.min(h.1), hi.max(h.1)));
        if hi - lo <= STALL_CHANGE * now.abs() {
            let span = step - w[0].0;
            return (
                RunStatus::Stalled,
                format!(
                    "Stalled: for the last {span} steps the training loss has stayed at {}; more steps change \
                     nothing you can see. Try another learning rate or network, or press Reset.",
                    fmt_short(now)
                ),
            );
        }
    }
    let moved = if now.is_finite() && f.step > 0 {
        format!(" The training loss went from {} to {} in {} steps.", fmt_short(start), fmt_short(now), f.step)
    } else {
        String::new()
    };
    if f.playing {
        (RunStatus::Training, format!("Training.{moved}"))
    } else if f.step == 0 {
        (RunStatus::Ready, "Ready: press Play, or Step for one mini-batch.".into())
    } else {
        (RunStatus::Ready, format!("Paused at step {}.{moved}", f.step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(history: &[(f64, f64, f64)], playing: bool) -> RunFacts<'_> {
        RunFacts {
            history,
            step: history.last().map_or(0, |h| h.0 as u64),
            playing,
            diverged: None,
            no_data: false,
            lr_now: 0.03,
            lr: 0.03,
        }
    }

    fn run(losses: impl Fn(f64) -> f64, steps: u64, every: u64) -> Vec<(f64, f64, f64)> {
        (0..=steps / every).map(|k| (k as f64 * every as f64, losses(k as f64 * every as f64), f64::NAN)).collect()
    }

    #[test]
    fn the_issues_runs_get_their_names() {
        // lr=100 on the circle: 0.70 rising to 34 without an infinity
        let h = run(|s| if s < 20.0 { 0.70 } else { 34.0 + (s / 7.0).sin() }, 2000, 10);
        let (s, text) = status(&RunFacts { lr: 100.0, lr_now: 100.0, ..facts(&h, true) });
        assert_eq!(s, RunStatus::Worse);
        assert!(text.contains("0.70 at step 0") && text.contains("(100)"), "{text}");
        // a falling loss is training, then paused
        let h = run(|s| 0.7 * (-s / 300.0).exp() + 0.05, 600, 10);
        assert_eq!(status(&facts(&h, true)).0, RunStatus::Training);
        let (s, text) = status(&facts(&h, false));
        assert_eq!(s, RunStatus::Ready);
        assert!(text.starts_with("Paused at step 600.") && text.contains("from 0.75 to "), "{text}");
        // flat for the last thousand steps
        let h = run(|s| if s < 1000.0 { 0.7 - s * 1e-4 } else { 0.6 }, 3000, 10);
        assert_eq!(status(&facts(&h, true)).0, RunStatus::Stalled);
        // the schedule has ended
        let (s, text) = status(&RunFacts { lr_now: 0.0, ..facts(&h, true) });
        assert_eq!(s, RunStatus::Done);
        assert!(text.contains("step 3000"), "{text}");
        let (s, _) = status(&RunFacts { diverged: Some((12, f64::INFINITY)), ..facts(&h, true) });
        assert_eq!(s, RunStatus::Diverged);
        assert_eq!(status(&facts(&[(0.0, 0.7, 0.7)], false)).0, RunStatus::Ready);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        /// Over random runs the status means what it says: `worse` only when every point of
        /// the window is above the start, `stalled` only when the window is flat, and the
        /// sentence carries the run's own numbers.
        #[test]
        fn the_status_agrees_with_the_history(
            losses in prop::collection::vec(0.01f64..50.0, 4..120),
            every in 1u64..40,
            flat_tail in 0usize..60,
            playing in any::<bool>(),
        ) {
            let mut l = losses.clone();
            if let Some(&last) = l.last() {
                l.extend(std::iter::repeat_n(last, flat_tail));
            }
            let h: Vec<(f64, f64, f64)> = l.iter().enumerate().map(|(i, &v)| ((i as u64 * every) as f64, v, v)).collect();
            let f = facts(&h, playing);
            let (s, text) = status(&f);
            let step = f.step as f64;
            let start = h[0].1;
            let now = h[h.len() - 1].1;
            match s {
                RunStatus::Worse => {
                    let w = window(&h, step, WORSE_STEPS.max(step / 5.0)).unwrap();
                    prop_assert!(w.iter().all(|p| p.1 > start * WORSE_FACTOR));
                    prop_assert!(text.contains(&fmt_short(start)) && text.contains(&fmt_short(now)), "{}", text);
                }
                RunStatus::Stalled => {
                    let w = window(&h, step, STALL_STEPS.max(step * 0.4)).unwrap();
                    let (lo, hi) = w.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
                    prop_assert!(hi - lo <= STALL_CHANGE * now);
                    prop_assert!(text.contains(&fmt_short(now)), "{}", text);
                }
                RunStatus::Training => {
                    prop_assert!(playing);
                    prop_assert!(text.contains(&fmt_short(start)) && text.contains(&fmt_short(now)));
                }
                RunStatus::Ready => prop_assert!(!playing),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
            // a worse run is never called training
            if let Some(w) = window(&h, step, WORSE_STEPS.max(step / 5.0)) {
                if w.iter().all(|p| p.1 > start * WORSE_FACTOR) {
                    prop_assert_eq!(s, RunStatus::Worse);
                }
            }
        }
    }
}
