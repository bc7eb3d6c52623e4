use super::*;

/// Gradient descent on L(θ) = ½·a·θ², which diverges exactly for lr > 2/a.
#[derive(Clone, Debug)]
struct Quadratic {
    a: f64,
    theta: f64,
}

impl Trainable for Quadratic {
    fn step_with_lr(&mut self, lr: f64) -> Option<f64> {
        let loss = 0.5 * self.a * self.theta * self.theta;
        self.theta -= lr * self.a * self.theta;
        loss.is_finite().then_some(loss)
    }
}

/// Steps of size lr down |θ|: a large rate jumps across 0 and back for ever, bounded, so it
/// never counts as diverged but can end above where it started.
#[derive(Clone, Debug)]
struct Absolute {
    theta: f64,
}

impl Trainable for Absolute {
    fn step_with_lr(&mut self, lr: f64) -> Option<f64> {
        let loss = self.theta.abs();
        self.theta -= lr * self.theta.signum();
        Some(loss)
    }
    fn full_loss(&mut self) -> Option<f64> {
        Some(self.theta.abs())
    }
}

struct OneD {
    a: f64,
}

impl Objective for OneD {
    fn dim(&self) -> usize {
        1
    }
    fn loss(&mut self, t: &[f64]) -> f64 {
        0.5 * self.a * t[0] * t[0]
    }
    fn grad(&mut self, t: &[f64], g: &mut [f64]) {
        g[0] = self.a * t[0];
    }
}

#[test]
fn log_space_spans_the_range() {
    let r = log_space(1e-4, 10.0, 6);
    assert_eq!(r.len(), 6);
    assert!((r[0] - 1e-4).abs() < 1e-18 && (r[5] - 10.0).abs() < 1e-12);
    assert!((r[1] / r[0] - 10.0).abs() < 1e-9);
    assert!(log_space(0.0, 1.0, 3).is_empty() && log_space(1.0, f64::NAN, 3).is_empty());
    assert_eq!(log_space(0.5, 1.0, 1), [0.5]);
}

#[test]
fn sweep_marks_large_rates_diverged_and_finds_the_minimum_between() {
    let base = Quadratic { a: 1.0, theta: 1.0 };
    let rates = log_space(1e-4, 10.0, 21);
    let mut one_go = LrSweep::new(base.clone(), rates.clone(), 60);
    let p = one_go.advance(usize::MAX);
    assert!(p.finished(), "{p:?}");
    for run in one_go.runs() {
        // |1 − lr| > 1 ⇔ lr > 2 diverges
        assert_eq!(run.diverged_at.is_some(), run.lr > 2.0, "lr {}: {:?}", run.lr, run.diverged_at);
    }
    let best = one_go.best().unwrap();
    assert!(best.lr > 0.3 && best.lr < 2.0, "best lr {}", best.lr);
    assert!(one_go.runs()[0].final_loss() > 0.49, "a tiny rate crawls");
    // chunked: same result, progress grows monotonically to the total
    let mut chunked = LrSweep::new(base, rates, 60);
    let mut last = 0;
    loop {
        let p = chunked.advance(37);
        assert!(p.done >= last && p.done <= p.total);
        last = p.done;
        if p.finished() {
            break;
        }
    }
    assert_eq!(chunked.runs(), one_go.runs());
}

#[test]
fn range_test_stops_at_divergence_and_suggests_a_stable_rate() {
    let mut rt = RangeTest::new(Quadratic { a: 1.0, theta: 1.0 }, 1e-4, 100.0, 200);
    while !rt.advance(16).finished() {}
    let stop = rt.stopped_at.expect("the rate reaches 100, far past 2: it must stop");
    assert!(rt.points[stop.saturating_sub(1)].0 > 1.0, "stopped early at lr {}", rt.points[stop - 1].0);
    let s = rt.suggestion().unwrap();
    assert!(s > 1e-3 && s < 2.0, "suggested {s}");
    assert!(RangeTest::new(Quadratic { a: 1.0, theta: 1.0 }, 1e-3, 1.0, 0).suggestion().is_none());
}

#[test]
fn step_profile_marks_best_step_and_overshoot() {
    let mut obj = OneD { a: 4.0 };
    let etas: Vec<f64> = (0..=60).map(|i| i as f64 * 0.01).collect();
    let p = step_profile(&mut obj, &[1.0], &etas);
    assert_eq!(p.start, 2.0);
    // L(θ − η·aθ) = start·(1 − ηa)²: best at η = 1/a, above start for η > 2/a
    assert!((p.best.unwrap() - 0.25).abs() < 1e-9);
    assert!((p.overshoot.unwrap() - 0.51).abs() < 1e-9, "{:?}", p.overshoot);
}

#[test]
fn descent_on_a_bowl_converges_below_two_over_kappa_and_diverges_above() {
    let mut bowl = Bowl { kappa: 10.0, angle: 0.5 };
    let slow = descent_path(&mut bowl, &[2.0, 1.0], 0.19, 0.0, 400);
    assert!(slow.diverged_at.is_none() && *slow.losses.last().unwrap() < 1e-6);
    let fast = descent_path(&mut bowl, &[2.0, 1.0], 0.21, 0.0, 400);
    assert!(fast.diverged_at.is_some(), "lr above 2/κ must diverge");
    // momentum gets there in fewer steps on an ill-conditioned bowl
    let steps_to = |p: &DescentPath| p.losses.iter().position(|&l| l < 1e-6).unwrap_or(usize::MAX);
    let plain = descent_path(&mut bowl, &[2.0, 1.0], 0.1, 0.0, 400);
    let heavy = descent_path(&mut bowl, &[2.0, 1.0], 0.1, 0.5, 400);
    assert!(steps_to(&heavy) < steps_to(&plain), "{} vs {}", steps_to(&heavy), steps_to(&plain));
}

#[test]
fn objectives_gradients_match_finite_differences() {
    let mut objs: Vec<Box<dyn Objective>> = vec![
        Box::new(Bowl { kappa: 7.0, angle: 0.3 }),
        Box::new(PolyFit { fixed: 2, fixed_value: 0.5 }),
        Box::new(PolyFit { fixed: 0, fixed_value: 1.0 }),
    ];
    for obj in objs.iter_mut() {
        for t in [[0.3, -1.2], [2.0, 0.7], [-1.0, -1.0]] {
            let mut g = [0.0; 2];
            obj.grad(&t, &mut g);
            for i in 0..2 {
                let h = 1e-6;
                let (mut a, mut b) = (t, t);
                a[i] += h;
                b[i] -= h;
                let num = (obj.loss(&a) - obj.loss(&b)) / (2.0 * h);
                assert!((num - g[i]).abs() < 1e-6 * num.abs().max(1.0), "{num} vs {}", g[i]);
            }
        }
    }
    // with θ₂ fixed at 0 the fit is exact at θ = (3, 0)
    assert!(PolyFit { fixed: 2, fixed_value: 0.0 }.loss(&[3.0, 0.0]).abs() < 1e-15);
    let grid = loss_grid(&mut Bowl { kappa: 2.0, angle: 0.0 }, (-1.0, 1.0), (-1.0, 1.0), 3);
    assert_eq!(grid.values, [1.5, 1.0, 1.5, 0.5, 0.0, 0.5, 1.5, 1.0, 1.5]);
}

#[test]
fn a_rate_that_thrashes_without_blowing_up_ends_worse_than_it_started() {
    let mut sweep = LrSweep::new(Absolute { theta: 0.5 }, vec![0.01, 3.0], 61);
    assert_eq!(sweep.start_loss(), Some(0.5));
    sweep.advance(usize::MAX);
    let [slow, fast] = sweep.runs() else { panic!("two runs: {:?}", sweep.runs()) };
    // 0.5 → −2.5 → 0.5 → … : after an odd number of steps it is at −2.5
    assert!(fast.diverged_at.is_none() && fast.full_loss == Some(2.5), "{fast:?}");
    assert!(fast.ended_worse(0.5) && !slow.ended_worse(0.5), "{slow:?}");
    // a diverged run is not "worse", it is diverged; a run that cannot measure the loss on
    // the whole set is judged by its last step
    let diverged = RateRun { lr: 9.0, losses: vec![1.0], diverged_at: Some(1), full_loss: None };
    assert!(!diverged.ended_worse(0.5));
    let last_step = RateRun { lr: 1.0, losses: vec![0.4, 0.7], diverged_at: None, full_loss: None };
    assert!(last_step.ended_worse(0.5));
    assert_eq!(LrSweep::new(Quadratic { a: 1.0, theta: 1.0 }, vec![0.1], 5).start_loss(), None);
}

#[test]
fn the_probe_goes_as_far_as_the_first_overshoot() {
    // L(θ − η·g) = ½(1 − η)² from θ = 1: above the start ½ exactly for η > 2
    let mut obj = OneD { a: 1.0 };
    assert_eq!(overshooting_step(&mut obj, &[1.0], &[0.5, 1.0, 3.0, 10.0]), Some(3.0));
    assert_eq!(overshooting_step(&mut obj, &[1.0], &[0.5, 1.0]), Some(1.0), "none overshoots: the last");
    assert_eq!(overshooting_step(&mut obj, &[1.0], &[]), None);
    // a flatter bowl needs a longer step
    let mut flat = OneD { a: 0.01 };
    assert_eq!(overshooting_step(&mut flat, &[1.0], &[30.0, 300.0, 3000.0]), Some(300.0));
}

proptest::proptest! {
    /// A typed surface's gradient, from the graph engine, is Rosenbrock's closed form
    /// (−2(1 − a) − 400a(b − a²), 200(b − a²)) at random points.
    #[test]
    fn a_typed_surfaces_gradient_is_rosenbrocks_closed_form(a in -3.0f64..3.0, b in -3.0f64..3.0) {
        let mut s = ExprSurface::new("(1 - a)^2 + 100 * (b - a^2)^2").unwrap();
        let mut g = [0.0; 2];
        s.grad(&[a, b], &mut g);
        let want = [-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)];
        for k in 0..2 {
            proptest::prop_assert!((g[k] - want[k]).abs() <= 1e-9 * (1.0 + want[k].abs()), "{:?} vs {:?}", g, want);
        }
        let l = s.loss(&[a, b]);
        proptest::prop_assert!((l - ((1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2))).abs() <= 1e-9 * (1.0 + l));
    }
}

#[test]
fn every_preset_surface_parses_and_has_its_minimum_where_it_says() {
    for &(name, _, expr, xr, yr, start, minimum) in SURFACES {
        let mut s = ExprSurface::new(expr).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(xr.0 < start.0 && start.0 < xr.1 && yr.0 < start.1 && start.1 < yr.1, "{name}: the start is inside");
        if let Some(m) = minimum {
            let mut g = [1.0; 2];
            s.grad(&[m.0, m.1], &mut g);
            assert!(g[0].abs() < 1e-9 && g[1].abs() < 1e-9 && s.loss(&[m.0, m.1]).abs() < 1e-12, "{name}: {g:?}");
        }
    }
    for bad in ["", "a +", "c * 2", "a"] {
        assert!(ExprSurface::new(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn races_from_one_start_follow_each_optimizers_update() {
    use crate::train::{Hyper, OptimizerConfig};
    let mut s = ExprSurface::new("(1 - a)^2 + 100 * (b - a^2)^2").unwrap();
    let h = Hyper { lr: 0.001, ..Hyper::default() };
    let paths: Vec<DescentPath> = ["sgd", "momentum", "adam"]
        .iter()
        .map(|n| optimizer_path(&mut s, &[-1.5, 2.0], &OptimizerConfig::named(n, h).unwrap(), 300))
        .collect();
    for p in &paths {
        assert_eq!(p.points[0], vec![-1.5, 2.0], "one start");
        assert_eq!(p.points.len(), 301);
    }
    // momentum's path with β = 0.9 is descent_path's, and all three go downhill differently
    let m = descent_path(&mut s, &[-1.5, 2.0], 0.001, 0.9, 300);
    assert_eq!(m, paths[1]);
    let ends: Vec<f64> = paths.iter().map(|p| *p.losses.last().unwrap()).collect();
    assert!(ends.iter().all(|&e| e < paths[0].losses[0]), "{ends:?}");
    assert!(ends[0] != ends[1] && ends[1] != ends[2], "{ends:?}");
}

proptest::proptest! {
    /// The parts of the update at iterate k are the path's: θₖ is its k-th point, θₖ + step
    /// the next, v = β·v_before + g and step = −η·v.
    #[test]
    fn the_parts_of_a_step_add_up_to_the_paths_step(
        kappa in 1.0f64..20.0,
        lr in 0.001f64..0.1,
        beta in 0.0f64..0.95,
        k in 0usize..40,
        start in (-4.0f64..4.0, -4.0f64..4.0),
    ) {
        let mut bowl = Bowl { kappa, angle: 0.5 };
        let path = descent_path(&mut bowl, &[start.0, start.1], lr, beta, 60);
        proptest::prop_assume!(path.diverged_at.is_none());
        let p = step_parts(&mut bowl, start, lr, beta, k).unwrap();
        for i in 0..2 {
            proptest::prop_assert!((p.theta[i] - path.points[k][i]).abs() < 1e-9);
            proptest::prop_assert!((p.theta[i] + p.step[i] - path.points[k + 1][i]).abs() < 1e-9);
            proptest::prop_assert!((p.v[i] - (beta * p.v_before[i] + p.grad[i])).abs() < 1e-12);
            proptest::prop_assert!((p.step[i] + lr * p.v[i]).abs() < 1e-12);
        }
    }
}

#[test]
fn a_typed_surfaces_range_is_chosen_around_its_lowest_point() {
    let mut far = ExprSurface::new("(a - 5)^2 + (b + 4)^2").unwrap();
    assert_eq!(auto_range(&mut far), ((2.0, 8.0), (-7.0, -1.0)));
    let mut down = ExprSurface::new("a + b").unwrap();
    assert_eq!(auto_range(&mut down), ((-3.0, 3.0), (-3.0, 3.0)), "no minimum inside: the default");
    let mut rosen = ExprSurface::new("(1 - a)^2 + 100 * (b - a^2)^2").unwrap();
    assert_eq!(auto_range(&mut rosen), ((-2.0, 4.0), (-2.0, 4.0)));
}
