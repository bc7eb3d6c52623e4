// The JavaScript API of the training core (issue 3), on the WebAssembly build for Node
// (`make node-pkg` → target/node-pkg). Runs with the browser tests: `node --test tests/`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.NODE_PKG_DIR || path.resolve(here, '..', 'target', 'node-pkg');
const entry = path.join(pkg, 'backprop_lab.js');
if (!existsSync(entry)) {
  throw new Error(`no Node build of the wasm module at ${entry}: run \`make node-pkg\` first`);
}
const lab = createRequire(import.meta.url)(entry);
const { Trainer, LrSweep, RangeTest, lossSurface, networkSurface } = lab;

const config = (over = {}) => ({ ...Trainer.defaultConfig(), ...over });
const regression = () =>
  new Trainer(config({ dataset: { ...Trainer.defaultConfig().dataset, kind: 'quadratic' }, loss: 'mse', features: ['x'], hidden: [8, 8] }));

describe('JS API', () => {
  test('a trainer from a config trains XOR to ≥ 95% test accuracy, and the same seed gives the same run', () => {
    const cfg = config({ dataset: { ...Trainer.defaultConfig().dataset, kind: 'xor' }, hidden: [8, 8] });
    const a = new Trainer(cfg);
    assert.deepEqual(a.train(2000), { state: 'ready' });
    assert.ok(a.accuracyTest() >= 0.95, `test accuracy ${a.accuracyTest()}`);
    assert.equal(a.steps, 2000);
    const b = new Trainer(cfg);
    b.train(2000);
    assert.equal(b.lossTrain(), a.lossTrain(), 'same seed, same losses');
  });

  test('the snapshot carries every layer quantity with its shape, and the optimizer state', () => {
    const t = new Trainer(config({ hidden: [3], optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 } }));
    t.train(3);
    const s = t.snapshot();
    assert.equal(s.step, 3);
    assert.equal(s.layers.length, 2);
    const first = s.layers[0];
    for (const [name, shape] of [['weights', [2, 3]], ['inputs', [10, 2]], ['dvalues', [10, 3]], ['dinputs', [10, 2]], ['dweights', [2, 3]]]) {
      assert.deepEqual(first[name].shape, shape, `layer 1 ${name} shape`);
      assert.equal(first[name].data.length, shape[0] * shape[1], `layer 1 ${name} data length`);
    }
    assert.equal(s.optimizer.kind, 'adam');
    assert.equal(s.optimizer.t, 3);
    // batchLayers: the same batch with the W and b it used, so z = X·W + b holds (the
    // snapshot's weights have had Adam's update since)
    const [used] = t.batchLayers();
    assert.deepEqual(used.z.data, first.z.data);
    const z00 = used.inputs.data[0] * used.weights.data[0] + used.inputs.data[1] * used.weights.data[3] + used.biases.data[0];
    assert.ok(Math.abs(z00 - used.z.data[0]) < 1e-6, `z[0][0] ${used.z.data[0]} vs X·W + b ${z00}`);
    assert.notDeepEqual(used.weights.data, first.weights.data, 'the snapshot has the weights after the update');
    assert.ok(s.optimizer.layers.length === 2 && s.optimizer.layers[0].length === 2, 'Adam keeps m and v per layer');
  });

  test('bad configs are errors with a message, never a crash', () => {
    assert.throws(() => new Trainer(config({ hidden: [0] })), /no neurons/);
    assert.throws(() => new Trainer(config({ batch_size: 'ten' })), /config/);
    const t = new Trainer();
    assert.throws(() => t.setLearningRate(NaN));
    assert.throws(() => t.predictGrid(100000, -6, 6));
    assert.throws(() => new LrSweep(t, 0, 1, 5, 10), /lo/);
  });

  test('hostile arguments from a script: an Error naming the argument, the value and the range, and the object still works (issue 12)', () => {
    const err = (re) => (e) => e instanceof Error && re.test(e.message);
    const t = new Trainer();
    const usable = () => {
      const before = t.steps;
      assert.equal(t.train(5).state, 'ready');
      assert.equal(t.steps, before + 5, 'the trainer still trains after the error');
    };
    assert.throws(() => t.schedulePreview(-1, -1), err(/schedulePreview\(steps, n\): steps must be a whole number from 1 to 1,000,000,000; got -1/));
    assert.throws(() => t.schedulePreview(1e9, 1e9), err(/n must be a whole number from 2 to 10,000; got 1000000000/));
    usable();
    assert.throws(() => new LrSweep(t, 1e-4, 10, -1, 1000), err(/LrSweep.*k must be a whole number from 1 to 100; got -1/));
    assert.throws(() => new LrSweep(t, 1e-4, 10, 1e9, 1000), err(/k must be/));
    assert.throws(() => new LrSweep(t, 1e-4, 10, 32, 1e9), err(/steps must be a whole number from 1 to 100,000/));
    usable();
    assert.throws(() => t.train(-1), err(/train\(steps\): steps must be a whole number from 0 to 1,000,000; got -1/));
    assert.throws(() => t.train(1e10), err(/got 10000000000/));
    assert.throws(() => t.train(NaN), err(/got NaN/));
    assert.throws(() => t.train('lots'), err(/got NaN/));
    usable();
    for (const bad of [5, 'xor', [1, 2], true]) {
      assert.throws(() => new Trainer(bad), err(/new Trainer\(config\): config must be an object like Trainer\.defaultConfig\(\)/), String(bad));
    }
    assert.equal(new Trainer(null).config().hidden.join(','), Trainer.defaultConfig().hidden.join(','), 'null is nothing: the default');
    assert.throws(() => t.setHidden([4, -1]), err(/sizes\[1\] must be a whole number from 1 to 64; got -1/));
    assert.throws(() => t.setHidden('4,4'), err(/sizes must be an array of numbers; got the string "4,4"/));
    assert.throws(() => t.setHidden(['a']), err(/sizes\[0\] must be a number/));
    assert.throws(() => t.setBatchSize(-1), err(/setBatchSize\(n\).*got -1/));
    assert.throws(() => t.stepProfile(null), err(/etas must be an array/));
    assert.throws(() => t.setOptimizer(3), err(/setOptimizer\(config\): config must be an object/));
    assert.throws(() => t.setSchedule('cosine'), err(/setSchedule\(schedule\): schedule must be an object/));
    assert.throws(() => lossSurface(null), err(/lossSurface\(request\): request must be an object/));
    assert.throws(() => lossSurface({ problem: 'bowl', kappa: 10, x: [-5, 5], y: [-5, 5], n: -1, start: [0, 0], lr: 0.1, steps: 10 }), err(/n must be a whole number from 2 to 400; got -1/));
    assert.throws(() => lossSurface({ problem: 'bowl', kappa: 10, x: [-5, 5], y: [-5, 5], n: 10, start: [0, 0], lr: 0.1, steps: 1e9 }), err(/steps must be a whole number from 0 to 100,000/));
    assert.throws(() => lossSurface({ problem: 'tea', x: [-5, 5] }), err(/problem must be "bowl" or "poly_fit"/));
    assert.throws(() => networkSurface(t, { i: 0, j: 0, radius: 1, n: 10, lr: 0.1, steps: 5 }), err(/two different weights/));
    usable();
    // the sweep's progress counts what it will do, and never wraps
    const s = new LrSweep(t, 1e-3, 1, 4, 50);
    assert.deepEqual(s.advance(1e6), { done: 200, total: 200, finished: true });
    assert.throws(() => s.advance(-1), err(/budget must be a whole number from 1 to 1,000,000; got -1/));
    assert.equal(s.result().rates.length, 4, 'the sweep still answers');
  });

  test('an empty training set gives a message, not a sweep of "diverged" rates', () => {
    const t = new Trainer();
    while (t.removeNearest(0, 0)) {}
    assert.equal(t.points()[0].length, 0);
    assert.throws(() => new LrSweep(t, 1e-3, 1, 5, 10), /training set is empty/);
    assert.throws(() => new RangeTest(t, 1e-3, 1, 10), /training set is empty/);
    assert.throws(() => t.train(1), /training set is empty/);
    t.addPoint(0.5, 0.5, 1);
    assert.equal(t.train(1).state, 'ready');
  });

  test('a huge learning rate is reported as diverged with its step', () => {
    const t = regression();
    t.setLearningRate(1e3);
    const status = t.train(100);
    assert.equal(status.state, 'diverged');
    assert.ok(status.step >= 1 && status.step <= 100, `diverged at step ${status.step}`);
    assert.deepEqual(t.train(10), status, 'further steps keep the status');
  });

  test('a sweep over 1e-4…10 marks the largest rates diverged and finds its best rate between', () => {
    const sweep = new LrSweep(regression(), 1e-4, 10, 12, 300);
    let last = -1;
    for (;;) {
      const p = sweep.advance(700);
      assert.ok(p.done > last && p.done <= p.total, `progress ${p.done}/${p.total} after ${last}`);
      last = p.done;
      if (p.finished) break;
    }
    const { rates, runs, best, start_loss } = sweep.result();
    assert.equal(runs.length, 12);
    const fresh = regression();
    assert.equal(start_loss, fresh.lossTrain(), 'the loss before training is the start of every run');
    assert.ok(runs.at(-1).diverged_at !== null && runs.at(-2).diverged_at !== null, 'the two largest rates diverge');
    assert.equal(runs[0].diverged_at, null, 'the smallest rate does not');
    assert.ok(best > rates[0] && best < runs.find((r) => r.diverged_at !== null).lr, `best ${best} lies between the crawl and the first diverged rate`);
    const bestRun = runs.find((r) => r.lr === best);
    assert.ok(bestRun.full_loss < runs[0].full_loss / 5, 'the best rate ends far lower than the smallest');
  });

  test('the range test stops at divergence and suggests a rate inside the stable region', () => {
    const rt = new RangeTest(new Trainer(), 1e-5, 100, 300);
    while (!rt.advance(64).finished);
    const r = rt.result();
    assert.ok(r.stopped_at !== null && r.stopped_at < 300, `stopped at ${r.stopped_at}`);
    const stopLr = r.points.at(-1)[0];
    assert.ok(r.suggestion > 1e-4 && r.suggestion < stopLr, `suggestion ${r.suggestion}, stopped at lr ${stopLr}`);
  });

  test('loss surfaces: a bowl with its descent path, and two weights of the live network', () => {
    const s = lossSurface({ problem: 'bowl', kappa: 10, x: [-2, 2], y: [-2, 2], n: 21, start: [1.5, 1], lr: 0.05, steps: 200 });
    assert.equal(s.grid.values.length, 21 * 21);
    assert.equal(s.path.diverged_at, null);
    assert.ok(s.path.losses.at(-1) < 1e-6, 'a small step converges');
    const d = lossSurface({ problem: 'bowl', kappa: 10, x: [-2, 2], y: [-2, 2], n: 5, start: [1.5, 1], lr: 0.25, steps: 200 });
    assert.ok(d.path.diverged_at !== null, 'a step above 2/κ diverges');
    const p = lossSurface({ problem: 'poly_fit', fixed: 2, fixed_value: 0, x: [0, 5], y: [-2, 2], n: 5, start: [0, 0], lr: 0.05, steps: 500 });
    assert.ok(Math.abs(p.path.points.at(-1)[0] - 3) < 1e-3, 'the fit finds θ₀ = 3');
    const t = new Trainer();
    t.train(50);
    const live = networkSurface(t, { i: 0, j: 1, radius: 1, n: 9, lr: 0.1, steps: 20 });
    assert.equal(live.grid.values.length, 81);
    assert.ok(live.path.losses[0] > live.path.losses.at(-1), 'descent on two weights lowers the loss');
    assert.throws(() => networkSurface(t, { i: 0, j: 0, radius: 1, n: 9, lr: 0.1, steps: 20 }), /two different/);
  });

  test('step profile along −∇L marks the best step and where a step overshoots', () => {
    const t = regression();
    t.train(20);
    const etas = Array.from({ length: 40 }, (_, i) => 1e-4 * 10 ** (i / 8));
    const p = t.stepProfile(etas);
    assert.equal(p.points.length, 40);
    assert.ok(p.best > 0 && p.overshoot > p.best, `best ${p.best}, overshoot ${p.overshoot}`);
    const atOvershoot = p.points.find(([eta]) => eta === p.overshoot)[1];
    assert.ok(!(atOvershoot <= p.start), 'the overshooting step ends above the start');
  });

  test('schedules can be sampled to plot lr(step)', () => {
    const t = new Trainer();
    t.setSchedule({ kind: 'warmup_cosine', warmup: 10, total: 100, min_lr: 0 });
    const s = t.schedulePreview(100, 11);
    assert.equal(s.length, 11);
    assert.equal(s[0][1], 0, 'warm-up starts at 0');
    assert.ok(Math.abs(s[1][1] - Trainer.defaultConfig().optimizer.lr) < 1e-12, 'reaches the base rate after the warm-up');
    assert.ok(s.at(-1)[1] < 1e-9, 'cosine decays to min_lr');
  });
});

describe('the Graph API', () => {
  const { Graph } = lab;
  const CIRCUIT = 'x = -2; y = 5; z = -4\nq = x + y\nf = q * z';
  const byName = (g) => new Map(g.nodes().map((n) => [n.name, n]));

  test('parses, runs the passes, lists the steps with upstream × local, checks the gradients', () => {
    const g = new Graph(CIRCUIT);
    let nodes = byName(g);
    assert.equal(nodes.get('f').value, -12);
    assert.deepEqual(nodes.get('f').inputs, ['q', 'z']);
    assert.equal(nodes.get('f').op, 'mul');
    assert.equal(nodes.get('x').grad, null, 'no gradient before backward()');
    const steps = g.steps();
    assert.equal(g.backward(), steps.length);
    nodes = byName(g);
    assert.deepEqual(['x', 'y', 'z', 'q'].map((n) => nodes.get(n).grad), [-4, -4, 3, -4]);
    assert.equal(steps[0].node, 'f');
    const toQ = steps[0].sends.find((s) => s.to === 'q');
    assert.deepEqual([toQ.upstream, toQ.local, toQ.grad], [1, -4, -4]);
    for (const s of g.steps()) for (const send of s.sends) assert.equal(send.grad, send.upstream * send.local);
    const checks = g.gradcheck();
    assert.deepEqual(checks.map((c) => c.input), ['x', 'y', 'z']);
    assert.ok(checks.every((c) => !c.flagged && c.relError < 1e-6));
    g.setInput('x', 1);
    assert.equal(byName(g).get('f').value, -24);
    assert.equal(byName(g).get('x').grad, null, 'a new value clears the gradients');
    g.forward();
  });

  test('a bad expression throws an Error with line and column; bad arguments say what is allowed', () => {
    assert.throws(() => new Graph('x = 2\nf = x +'), (e) => e instanceof Error && e.line === 2 && typeof e.column === 'number' && /line 2, column \d+/.test(e.message));
    assert.throws(() => new Graph(42), /source must be a string.*the number 42/);
    assert.throws(() => new Graph(null), /source must be a string.*null/);
    const g = new Graph(CIRCUIT);
    assert.throws(() => g.setInput('w', 1), /no node called “w”.*x, y, z/);
    assert.throws(() => g.setInput('q', 1), /is a gate/);
    assert.throws(() => g.setInput('x', NaN), /finite/);
    assert.throws(() => g.setInput('x', '3'), /value must be a number/);
    assert.throws(() => g.setInput(1, 3), /name must be a string/);
    // still usable
    g.setInput('x', 3);
    g.backward();
    assert.equal(byName(g).get('z').grad, 8);
  });
});

describe("the lecture's NumPy network (issue 14: layers wider than the playground's)", () => {
  test('trains 64 × 1000 → 100 → 10 with its loss falling, and checks every argument', () => {
    const net = new lab.LectureNet(64, 1000, 100, 10, 1e-4, 1);
    const shapes = new Map(net.shapes().map(([n, r, c]) => [n, [r, c]]));
    assert.deepEqual(shapes.get('w1'), [1000, 100]);
    assert.deepEqual(shapes.get('grad_h'), [64, 100]);
    // 153 steps of this size are one call's most work: two calls of 100
    const losses = Float64Array.from([...net.train(100), ...net.train(100)]);
    assert.ok(net.train(0) instanceof Float64Array && losses.length === 200);
    assert.ok(losses[199] < losses[0] / 10, `${losses[0]} → ${losses[199]}`);
    assert.equal(net.steps, 200);
    assert.throws(() => new lab.LectureNet(64, 5000, 100, 10, 1e-4, 1), /inputs must be a whole number from 1 to 4,096; got 5000/);
    assert.throws(() => new lab.LectureNet(64, 1000, 100, 10, NaN, 1), /rate must be a number/);
    assert.throws(() => net.train(1e6), /more than one call may do/);
    assert.equal(net.train(1).length, 1, 'still usable after an error');
  });
});
