// `make bench` (wasm half): the same figures as crate/examples/bench.rs, measured on the
// WebAssembly build through the JS API, under Node (wasm-bindgen --target nodejs).
// Each figure is the best of several repetitions.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const dir = process.argv[2];
const { Trainer, LrSweep } = require(`${dir}/backprop_lab.js`);

const reference = () =>
  new Trainer({
    ...Trainer.defaultConfig(),
    dataset: { ...Trainer.defaultConfig().dataset, kind: 'circle', points: 500 },
    hidden: [8, 8],
    optimizer: { kind: 'sgd', lr: 0.03 },
    batch_size: 10,
  });

function bestOf(reps, f) {
  let best = Infinity;
  for (let i = 0; i < reps; i++) best = Math.min(best, f());
  return best;
}

const steps = 200_000;
const trainMs = bestOf(10, () => {
  const t = reference();
  const start = performance.now();
  t.train(steps);
  const ms = performance.now() - start;
  t.free();
  return ms;
});
console.log(`wasm    train   2-8-8-1 tanh, batch 10: ${((steps * 10) / (trainMs / 1e3)).toFixed(0).padStart(12)} examples/s`);

const t = reference();
t.train(100);
const gridMs = bestOf(20, () => {
  t.train(1);
  const start = performance.now();
  t.predictGrid(100, -6, 6);
  return performance.now() - start;
});
console.log(`wasm    grid    100×100 decision grid:  ${gridMs.toFixed(3).padStart(12)} ms`);

const sweepS = bestOf(3, () => {
  const s = new LrSweep(reference(), 1e-4, 10, 32, 1000);
  const start = performance.now();
  while (!s.advance(1_000_000).finished);
  return (performance.now() - start) / 1e3;
});
console.log(`wasm    sweep   32 rates × 1,000 steps: ${sweepS.toFixed(3).padStart(12)} s`);
