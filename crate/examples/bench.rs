//! `make bench` (native half): training throughput, the decision grid and a learning-rate
//! sweep for the reference setting — the network 2-8-8-1 with tanh, batch 10, SGD at 0.03,
//! 500 circle points. Prints figures; the wasm half is tools/bench-wasm.mjs.
//!
//! Each figure is the best of several repetitions (the machines are shared and noisy).

use backprop_lab::sweep::{log_space, LrSweep};
use backprop_lab::train::{DatasetConfig, DatasetKind, OptimizerConfig, Trainer, TrainerConfig};
use std::time::Instant;

fn reference() -> Trainer {
    let config = TrainerConfig {
        dataset: DatasetConfig { kind: DatasetKind::Circle, points: 500, ..DatasetConfig::default() },
        hidden: vec![8, 8],
        optimizer: OptimizerConfig::Sgd { lr: 0.03 },
        batch_size: 10,
        ..TrainerConfig::default()
    };
    match Trainer::new(config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("bench: cannot build the reference trainer: {e}");
            std::process::exit(1);
        }
    }
}

fn best_of(reps: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..reps).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn main() {
    // BENCH_STEPS=N: only train N steps and exit (for instruction counts under callgrind)
    if let Some(n) = std::env::var("BENCH_STEPS").ok().and_then(|v| v.parse::<usize>().ok()) {
        reference().train(n);
        return;
    }
    let steps = 200_000;
    let secs = best_of(10, || {
        let mut t = reference();
        let start = Instant::now();
        t.train(steps);
        start.elapsed().as_secs_f64()
    });
    println!("native  train   2-8-8-1 tanh, batch 10: {:>12.0} examples/s", steps as f64 * 10.0 / secs);

    let mut t = reference();
    t.train(100);
    let grid = best_of(20, || {
        t.train(1); // new weights, so the grid is really recomputed
        let start = Instant::now();
        let _ = t.predict_grid(100, (-6.0, 6.0));
        start.elapsed().as_secs_f64()
    });
    println!("native  grid    100×100 decision grid:  {:>12.3} ms", grid * 1e3);

    let sweep = best_of(3, || {
        let mut s = LrSweep::new(reference(), log_space(1e-4, 10.0, 32), 1000);
        let start = Instant::now();
        s.advance(usize::MAX);
        start.elapsed().as_secs_f64()
    });
    println!("native  sweep   32 rates × 1,000 steps: {:>12.3} s", sweep);
}
