//! The step-size view's sentences about a gradient-descent path, computed from the path's own
//! losses (and tied to them by a property test): it reaches the bottom, crawls, zig-zags, grows
//! or diverges; and about a race of optimizers, which ends lowest.

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

/// The sentence for a race: the optimizers that did not diverge from the lowest final loss to
/// the highest, each with its final loss, then those that diverged and where. `raced` is
/// (label, path) per optimizer, `steps` how many steps each was given.
pub fn race(raced: &[(&str, &crate::sweep::DescentPath)], steps: usize) -> String {
    let mut finished: Vec<(&str, f64)> = raced
        .iter()
        .filter(|(_, p)| p.diverged_at.is_none())
        .map(|(l, p)| (*l, p.losses.last().copied().unwrap_or(f64::NAN)))
        .collect();
    finished.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut text = String::new();
    if let Some(((best, l), rest)) = finished.split_first() {
        text.push_str(&format!(
            "From the same start, after {steps} steps: {best} ends lowest (loss {})",
            fmt_short(*l)
        ));
        let others: Vec<String> = rest.iter().map(|(n, l)| format!("{n} ({})", fmt_short(*l))).collect();
        if !others.is_empty() {
            text.push_str(&format!(", then {}", others.join(", ")));
        }
        text.push('.');
    }
    let blew: Vec<String> =
        raced.iter().filter_map(|(l, p)| p.diverged_at.map(|k| format!("{l} diverged at step {k}"))).collect();
    if !blew.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&format!("{}.", blew.join("; ")));
    }
    text
}

/// A pair as "(a, b)", six significant digits.
fn pair(v: [f64; 2]) -> String {
    use super::plot_math::sig;
    format!("({}, {})", sig(v[0], 6), sig(v[1], 6))
}

/// How the step from iterate k is built, with its numbers: the gradient, the decayed
/// average (momentum's velocity), the scaled step and where it lands. `phase` 1 says the
/// gradient only, 2 the velocity too, 3 (or 0) everything.
pub fn step_sentence(p: &crate::sweep::StepParts, eta: f64, beta: f64, phase: u8) -> String {
    use super::plot_math::sig;
    let mut parts =
        vec![format!("Step {} from θ = {}: the gradient g = ∇L(θ) = {}", p.k + 1, pair(p.theta), pair(p.grad))];
    if phase == 0 || phase >= 2 {
        parts.push(if beta == 0.0 {
            "with no momentum the velocity is the gradient, v = g".to_string()
        } else {
            format!(
                "the velocity, a decayed sum of the gradients, v = β·v + g = {} × {} + {} = {}",
                sig(beta, 6),
                pair(p.v_before),
                pair(p.grad),
                pair(p.v)
            )
        });
    }
    if phase == 0 || phase >= 3 {
        let to = [p.theta[0] + p.step[0], p.theta[1] + p.step[1]];
        parts.push(format!("the step −η·v = −{} × {} = {}, to {}", sig(eta, 6), pair(p.v), pair(p.step), pair(to)));
    }
    format!("{}.", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The numbers of a sentence, in order (a real minus read as `-`).
    fn numbers(s: &str) -> Vec<f64> {
        s.replace('−', "-")
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
            .filter_map(|w| w.trim_matches('.').parse::<f64>().ok())
            .collect()
    }

    proptest! {
        /// The step's sentence says its own arithmetic: v = β·v_before + g, step = −η·v, and
        /// θ + step where it lands.
        #[test]
        fn the_step_sentence_adds_up(
            theta in (-5.0f64..5.0, -5.0f64..5.0),
            g in (-50.0f64..50.0, -50.0f64..50.0),
            vb in (-50.0f64..50.0, -50.0f64..50.0),
            beta in 0.01f64..0.99,
            eta in 0.001f64..1.0,
            k in 0usize..100,
        ) {
            let grad = [g.0, g.1];
            let v_before = [vb.0, vb.1];
            let v = [beta * vb.0 + g.0, beta * vb.1 + g.1];
            let step = [-eta * v[0], -eta * v[1]];
            let p = crate::sweep::StepParts { k, theta: [theta.0, theta.1], grad, v_before, v, step };
            let text = step_sentence(&p, eta, beta, 0);
            let n = numbers(&text);
            // k+1, θ(2), g(2), β, v_before(2), g(2), v(2), −η, v(2), step(2), to(2)
            prop_assert_eq!(n.len(), 19, "{}", text);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-4 * (1.0 + a.abs().max(b.abs()));
            prop_assert_eq!(n[0], (k + 1) as f64);
            for i in 0..2 {
                prop_assert!(close(n[10 + i], n[5] * n[6 + i] + n[8 + i]), "v: {}", text);
                prop_assert!(close(n[15 + i], n[12] * n[13 + i]), "step: {}", text);
                prop_assert!(close(n[17 + i], n[1 + i] + n[15 + i]), "to: {}", text);
            }
            let first = step_sentence(&p, eta, beta, 1);
            prop_assert!(first.ends_with(&format!("{}.", pair(grad))), "{}", first);
        }

        /// The race's sentence names the finishers in the order of their final losses, each
        /// with its loss, and every diverged one with its step.
        #[test]
        fn the_race_sentence_orders_by_the_final_losses(
            runs in prop::collection::vec((prop::collection::vec(1e-6f64..1e6, 1..40), prop::option::of(1usize..300)), 1..7),
        ) {
            let paths: Vec<crate::sweep::DescentPath> = runs
                .iter()
                .map(|(l, d)| crate::sweep::DescentPath { points: vec![], losses: l.clone(), diverged_at: *d })
                .collect();
            let labels: Vec<String> = (0..paths.len()).map(|k| format!("Opt{k}")).collect();
            let raced: Vec<(&str, &crate::sweep::DescentPath)> = labels.iter().map(String::as_str).zip(&paths).collect();
            let text = race(&raced, 300);
            let mut order: Vec<(usize, f64)> = paths.iter().enumerate().filter(|(_, p)| p.diverged_at.is_none()).map(|(k, p)| (k, *p.losses.last().unwrap())).collect();
            order.sort_by(|a, b| a.1.total_cmp(&b.1));
            let mut at = 0;
            for (k, l) in &order {
                let name = format!("Opt{k}");
                let found = text[at..].find(&name);
                prop_assert!(found.is_some(), "{} after {}: {}", name, at, text);
                at += found.unwrap();
                prop_assert!(text[at..].starts_with(&format!("{name} ends lowest (loss {})", fmt_short(*l))) || text[at..].starts_with(&format!("{name} ({})", fmt_short(*l))), "{}", text);
            }
            for (k, p) in paths.iter().enumerate() {
                if let Some(d) = p.diverged_at {
                    let said = format!("Opt{k} diverged at step {d}");
                    prop_assert!(text.contains(&said), "{}", text);
                }
            }
        }
    }

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
