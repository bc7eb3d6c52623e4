//! The step-size view's sentence about a gradient-descent path, computed from the path's own
//! losses (and tied to them by a property test): it reaches the bottom, crawls, zig-zags, grows
//! or diverges.

use crate::graph::fmt_short;

/// Below this fraction of the start loss the path has reached the bottom.
pub const BOTTOM: f64 = 1e-3;

/// What the path did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    Diverged,
    Bottom,
    /// The loss ended above its start, though nothing blew up.
    Grew,
    /// Every step lowered the loss, but it is far from the bottom.
    Crawling,
    /// Lower at the end, but not at every step: it over- and undershoots.
    ZigZag,
}

/// The sentence for a path with step size `eta`, `losses` (the start first) and where it
/// diverged, if it did.
pub fn descent(eta: f64, losses: &[f64], diverged_at: Option<usize>) -> (Path, String) {
    let eta_s = fmt_short(eta);
    if let Some(k) = diverged_at {
        return (
            Path::Diverged,
            format!("η = {eta_s}: diverges at step {k} — every step overshoots by more than it gains."),
        );
    }
    let first = losses.first().copied().unwrap_or(f64::NAN);
    let last = losses.last().copied().unwrap_or(f64::NAN);
    let steps = losses.len().saturating_sub(1);
    if let Some(k) = losses.iter().position(|&l| l < BOTTOM * first.max(1e-12)) {
        return (
            Path::Bottom,
            format!("η = {eta_s}: reaches the bottom (loss below 1/1000 of the start) in {k} steps."),
        );
    }
    if last > first || last.is_nan() {
        return (
            Path::Grew,
            format!(
                "η = {eta_s}: in {steps} steps the loss grew from {} to {} — each step overshoots the valley and lands \
                 higher: this is diverging. A smaller step would come down.",
                fmt_short(first),
                fmt_short(last)
            ),
        );
    }
    if losses.windows(2).all(|w| w[1] <= w[0]) {
        (
            Path::Crawling,
            format!(
                "η = {eta_s}: after {steps} steps the loss went from {} to {}, down at every step — still crawling; a \
                 bigger step would get there sooner.",
                fmt_short(first),
                fmt_short(last)
            ),
        )
    } else {
        (
            Path::ZigZag,
            format!(
                "η = {eta_s}: after {steps} steps the loss went from {} to {}, but not down at every step — the path \
                 zig-zags across the valley; a somewhat smaller step would go straighter.",
                fmt_short(first),
                fmt_short(last)
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_growing_loss_is_not_crawling() {
        // the case: η = 0.21 on the bowl, 105.68 → 9.6e6
        let losses: Vec<f64> = (0..=60).map(|k| 105.68 * 1.3f64.powi(k)).collect();
        let (p, text) = descent(0.21, &losses, None);
        assert_eq!(p, Path::Grew);
        assert!(
            text.contains("grew from 105.68") && text.contains("diverging") && !text.contains("crawling"),
            "{text}"
        );
        let slow: Vec<f64> = (0..=60).map(|k| 10.0 - 0.01 * k as f64).collect();
        assert_eq!(descent(0.001, &slow, None).0, Path::Crawling);
        assert_eq!(descent(0.5, &[10.0, 1e-5], None).0, Path::Bottom);
        assert_eq!(descent(5.0, &[10.0, 1e9], Some(3)).0, Path::Diverged);
        assert_eq!(descent(0.1, &[10.0, 4.0, 6.0, 3.0], None).0, Path::ZigZag);
    }

    proptest! {
        /// The sentence says what the losses did.
        #[test]
        fn the_sentence_agrees_with_the_path(losses in prop::collection::vec(1e-6f64..1e6, 2..80), eta in 1e-3f64..10.0) {
            let (p, text) = descent(eta, &losses, None);
            let (first, last) = (losses[0], *losses.last().unwrap());
            let down = losses.windows(2).all(|w| w[1] <= w[0]);
            match p {
                Path::Bottom => prop_assert!(losses.iter().any(|&l| l < BOTTOM * first)),
                Path::Grew => prop_assert!(last > first && text.contains(&fmt_short(last)) && !text.contains("crawling")),
                Path::Crawling => prop_assert!(down && last <= first && text.contains("crawling")),
                Path::ZigZag => prop_assert!(!down && last <= first),
                Path::Diverged => prop_assert!(false),
            }
            if p != Path::Bottom {
                prop_assert!(text.contains(&fmt_short(first)), "{}", text);
            }
        }
    }
}
