// The training, learning-rate and step-size views (issue 4) in headless Chromium, with the
// core under Node (target/node-pkg) as the reference for "backprop on one example".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLab, screenshot } from './support/browser.mjs';
import { pointOn, loneliest } from './support/plane.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.NODE_PKG_DIR || path.resolve(here, '..', 'target', 'node-pkg');
const { Trainer } = createRequire(import.meta.url)(path.join(pkg, 'backprop_lab.js'));

const attr = (page, sel, name) => page.locator(sel).getAttribute(name);
const num = async (page, sel, name) => Number(await attr(page, sel, name));

/** Where the point (x, y) of the page's plane is on the page. */
const pointOnPage = (page, x, y) => pointOn(page.locator('#t-boundary'), x, y);

/** Presses Run sweep, waits for its `rates` rows and for the end, and reads the table. */
async function runSweep(page, rates) {
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await page.locator('#lr-rows tr').nth(rates - 1).waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('#lr-run').disabled, null, { timeout: 60_000 });
  return page.locator('#lr-rows tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      lr: Number(tr.dataset.lr),
      final: Number(tr.dataset.final),
      diverged: tr.dataset.diverged === '1',
      worse: tr.dataset.worse === '1',
      text: tr.textContent,
    })));
}

describe('training view', () => {
  const lab = useLab();

  test('XOR with a fixed seed trains to ≥ 95% test accuracy; the counters and the perf overlay are live', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor&hidden=8,8&perf=1');
    assert.equal(await attr(page, '#t-count-step', 'data-step'), '0');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-step]').dataset.step) >= 2000, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    const step = await num(page, '[data-step]', 'data-step');
    const accuracy = await num(page, '[data-accuracy]', 'data-accuracy');
    const train = await num(page, '[data-loss-train]', 'data-loss-train');
    const test_ = await num(page, '[data-loss-test]', 'data-loss-test');
    assert.ok(accuracy >= 0.95, `test accuracy ${accuracy} after ${step} steps`);
    assert.ok(train > 0 && train < 0.3 && test_ > 0, `losses ${train} / ${test_}`);
    const fps = await num(page, '#perf', 'data-fps');
    const eps = await num(page, '#perf', 'data-examples-per-second');
    assert.ok(fps > 0, `fps ${fps}`);
    // A figure, not a timed test (shared machines): printed for the notes.
    t.diagnostic(`page: ${fps.toFixed(0)} fps (last second), ${eps.toFixed(0)} examples/s, step ${step}`);
    // the URL reproduces the view
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('view'), 'train');
    assert.equal(url.searchParams.get('data'), 'xor');
    assert.equal(url.searchParams.get('hidden'), '8,8');
    await page.locator('#t-layers summary').click();
    await page.locator('#t-layers-host .heat').first().waitFor();
    // two tanh layers (their products use dz) and the linear output layer (the lecture's)
    assert.equal(await page.locator('#t-layers-host [data-matrix="dinputs = dz·Wᵀ"]').count(), 2);
    assert.equal(await page.locator('#t-layers-host [data-matrix="dz = dvalues ⊙ tanh′(z)"]').count(), 2);
    assert.equal(await page.locator('#t-layers-host [data-matrix="dinputs = dvalues·Wᵀ"]').count(), 1);
    // At 1280×800 the loss plot sits under the network, beside the decision boundary, and
    // the whole of it is on the first screen.
    const [loss, plane] = await Promise.all(['#t-loss-plot', '#t-boundary'].map((s) => page.locator(s).boundingBox()));
    assert.ok(loss.x + loss.width <= plane.x && loss.y < plane.y + plane.height, `loss plot ${JSON.stringify(loss)}, boundary ${JSON.stringify(plane)}`);
    assert.ok(loss.y + loss.height <= 800, `the loss plot ends at ${loss.y + loss.height}px`);
    await screenshot(page, 'train-1280.png', { fullPage: true });
  });

  test('hyper-parameters change without a reset; Reset and Step work; the lecture layer prints its numbers', async (t) => {
    const page = await lab.openPage(t, 'view=train');
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step' }).click();
    assert.equal(await attr(page, '[data-step]', 'data-step'), '5');
    await page.locator('#t-lr').fill('0.2');
    await page.locator('#t-lr').press('Enter');
    assert.equal(await attr(page, '[data-step]', 'data-step'), '5', 'a new learning rate keeps the run');
    assert.equal(new URL(page.url()).searchParams.get('lr'), '0.2');
    assert.equal(await page.locator('#t-beta').isHidden(), true, 'SGD has no β');
    await page.locator('#t-opt').selectOption('momentum');
    await page.locator('#t-beta').fill('0.5');
    assert.equal(new URL(page.url()).searchParams.get('beta'), '0.5');
    assert.equal(new URL(page.url()).searchParams.get('opt'), 'momentum');
    assert.equal(await attr(page, '[data-step]', 'data-step'), '5', 'a new optimizer keeps the weights');
    await page.locator('#t-lr').fill('fast');
    await page.locator('#t-lr').press('Enter');
    await assert.doesNotReject(page.locator('#lab-notice', { hasText: 'not a learning rate' }).waitFor());
    await page.getByRole('button', { name: 'One neuron more in layer 1' }).click();
    assert.equal(new URL(page.url()).searchParams.get('hidden'), '7,5');
    assert.equal(await attr(page, '[data-step]', 'data-step'), '0', 'a new shape starts again');
    await page.getByRole('button', { name: 'Step' }).click();
    await page.getByRole('button', { name: 'Reset' }).click();
    assert.equal(await attr(page, '[data-step]', 'data-step'), '0');
    await page.locator('#t-layers summary').click();
    await page.locator('#t-lecture').check();
    const dinputs = page.locator('#t-layers-host [data-matrix="dinputs = dvalues·Wᵀ"] tr').first();
    assert.deepEqual(await dinputs.locator('td').allTextContents(), ['0.44', '−0.38', '−0.07', '1.37']);
    const dbiases = page.locator('#t-layers-host [data-matrix="dbiases = Σ dvalues"] td');
    assert.deepEqual(await dbiases.allTextContents(), ['10.00', '10.00', '10.00']);
  });

  test('a run that blows up is shown as diverged: the message, short numbers, a mark on the loss plot', async (t) => {
    const page = await lab.openPage(t, 'view=train&lr=10&loss=mse');
    await page.getByRole('button', { name: 'Play' }).click();
    await page.locator('#t-status').filter({ hasText: 'Diverged' }).waitFor({ timeout: 20_000 });
    const at = await attr(page, '#t-loss-plot', 'data-diverged-at');
    assert.ok(Number(at) >= 1, `the loss plot marks step ${at}`);
    assert.match(await page.locator('#t-loss-train').textContent(), /^\d(\.\d)?e\d+$/, 'a blown-up loss in short scientific form');
    assert.equal(await page.getByRole('button', { name: 'Play' }).isVisible(), true, 'stopped');
    await page.getByRole('button', { name: 'Reset' }).click();
    assert.equal(await attr(page, '#t-loss-plot', 'data-diverged-at'), '', 'Reset clears it');
    assert.equal(await page.locator('#t-status').isVisible(), false);
  });

  test('clicking a training point opens its graph, with the gradients the core computes', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor&hidden=3');
    for (let i = 0; i < 20; i++) await page.getByRole('button', { name: 'Step' }).click();
    const cfg = { ...Trainer.defaultConfig(), dataset: { ...Trainer.defaultConfig().dataset, kind: 'xor' }, hidden: [3] };
    const core = new Trainer(cfg);
    core.train(20);
    const [train] = core.points();
    const index = loneliest(train);
    const want = new Map(core.exampleGradients(index));
    const at = await pointOnPage(page, train[index].x, train[index].y);
    await Promise.all([page.waitForURL(/view=graph|expr=/), page.mouse.click(at.x, at.y)]);
    await page.waitForSelector('body[data-ready="1"]');
    assert.equal(want.size, 2 * 3 + 3 + 3 + 1);
    for (const [name, g] of want) {
      const got = Number(await page.locator(`#graph [data-name="${name}"]`).getAttribute('data-grad'));
      assert.ok(Math.abs(got - g) <= 1e-9 * Math.max(1, Math.abs(g)), `${name}: page ${got}, core ${g}`);
    }
    await screenshot(page, 'train-example-graph-1280.png');
    // a network too big to read as gates says so
    const big = await lab.openPage(t, 'view=train&hidden=8,8');
    const [bigTrain] = new Trainer({ ...Trainer.defaultConfig(), hidden: [8, 8] }).points();
    const p = await pointOnPage(big, bigTrain[0].x, bigTrain[0].y);
    await big.mouse.click(p.x, p.y);
    await big.locator('#lab-notice', { hasText: 'weights and biases' }).waitFor();
    assert.match(new URL(big.url()).searchParams.get('view'), /train/);
  });

  test('the keyboard moves a cross on the plane, adds and removes points there, and opens a point\'s graph', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor&hidden=3');
    const plane = page.locator('#t-boundary');
    await plane.focus();
    const [x0, x1, y0, y1] = await Promise.all(['data-x0', 'data-x1', 'data-y0', 'data-y1'].map((a) => num(page, '#t-boundary', a)));
    const before = await page.evaluate(() => document.querySelector('#t-boundary').toDataURL());
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowUp', 'ArrowUp']) await plane.press(key);
    const cx = await num(page, '#t-boundary', 'data-cross-x');
    const cy = await num(page, '#t-boundary', 'data-cross-y');
    assert.ok(Math.abs(cx - ((x0 + x1) / 2 + (4 / 40) * (x1 - x0))) < 1e-9, `cross x ${cx}`);
    assert.ok(Math.abs(cy - ((y0 + y1) / 2 + (2 / 40) * (y1 - y0))) < 1e-9, `cross y ${cy}`);
    assert.notEqual(await page.evaluate(() => document.querySelector('#t-boundary').toDataURL()), before, 'the cross is drawn');
    // Enter adds a point of the first class there, Shift+Enter one of the second, Delete removes the nearest
    await plane.press('Enter');
    const live = page.locator('#t-plane-live');
    assert.match(await live.textContent(), /^Added a point of class 0 at/);
    await plane.press('Shift+Enter');
    assert.match(await live.textContent(), /^Added a point of class 1 at/);
    await plane.press('Delete');
    assert.match(await live.textContent(), /^Removed the point at/);
    const removed = (await live.textContent()).match(/\(([^,]+), ([^)]+)\)/).slice(1).map((v) => Number(v.replace('−', '-')));
    assert.ok(Math.abs(removed[0] - cx) < 0.01 && Math.abs(removed[1] - cy) < 0.01, `removed ${removed}, cross ${cx}, ${cy}`);
    // digits add a point of that class; XOR has two, so 2 is refused with a message
    await plane.press('1');
    assert.match(await live.textContent(), /^Added a point of class 1 at/);
    await plane.press('Delete');
    await plane.press('2');
    assert.match(await live.textContent(), /not a class: classes are 0 to 1/);
    assert.match(await page.locator('#lab-notice').textContent(), /not a class/);
    await plane.press('0');
    assert.equal(await page.locator('#lab-notice').isVisible(), false, 'the refusal goes once a point goes in');
    await plane.press('Delete');
    // N puts the cross on the nearest training point; Enter there opens its graph
    await plane.press('n');
    assert.match(await live.textContent(), /^On the training point of class/);
    await Promise.all([page.waitForURL(/view=graph|expr=/), plane.press('Enter')]);
    await page.waitForSelector('body[data-ready="1"]');
    assert.ok((await page.locator('#graph [data-name]').count()) > 10, 'the graph of one example');
  });

  test('on a regression data set the plane is a scatter with axes, and a click adds the point under the pointer', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=sine&hidden=8&loss=mse');
    assert.equal(await page.locator('#t-boundary-caption').textContent(), 'Prediction');
    assert.match(await page.locator('#t-plane-legend').textContent(), /prediction/);
    const [left, top, right, bottom] = (await attr(page, '#t-boundary', 'data-plot')).split(',').map(Number);
    assert.ok(left > 10 && bottom < 400 - 10 && top >= 0 && right <= 400, `the plot sits inside its axes: ${left},${top},${right},${bottom}`);
    const spot = await pointOnPage(page, 1.5, -0.4);
    await page.mouse.click(spot.x, spot.y);
    const said = await page.locator('#t-plane-live').textContent();
    const [x, y] = said.match(/\(([^,]+), ([^)]+)\)/).slice(1).map((v) => Number(v.replace('−', '-')));
    assert.ok(Math.abs(x - 1.5) < 0.05 && Math.abs(y + 0.4) < 0.05, said);
    await screenshot(page, 'train-regression-1280.png');
  });

  test('on a touch screen the plane\'s keyboard hints are not shown; with a mouse they are', async (t) => {
    const desktop = await lab.openPage(t, 'view=train');
    assert.equal(await desktop.locator('.keyboard-help').isVisible(), true);
    const context = await lab.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    t.after(() => context.close());
    const phone = await context.newPage();
    await phone.goto(`${lab.url}?view=train`);
    await phone.waitForSelector('body[data-ready="1"]');
    assert.equal(await phone.locator('.keyboard-help').isVisible(), false);
    assert.equal(await phone.locator('#t-boundary-help').isVisible(), true, 'the rest of the help stays');
  });

  test('clicks add and remove points; at 390 px the view fits', async (t) => {
    const page = await lab.openPage(t, 'view=train', { viewport: { width: 390, height: 844 } });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width}px wide at 390`);
    const spot = await pointOnPage(page, 0.3, 5.6);
    const before = (await page.evaluate(() => document.querySelector('#t-boundary').toDataURL()));
    await page.mouse.click(spot.x, spot.y);
    const added = await page.evaluate(() => document.querySelector('#t-boundary').toDataURL());
    assert.notEqual(added, before, 'the new point is drawn');
    await page.keyboard.down('Alt');
    await page.mouse.click(spot.x, spot.y);
    await page.keyboard.up('Alt');
    await screenshot(page, 'train-390.png', { fullPage: true });
  });
});

describe('learning-rate view', () => {
  const lab = useLab();

  test('a sweep over 1e-4…10 marks the largest rates diverged and finds its minimum between', async (t) => {
    const page = await lab.openPage(t, 'view=lr&data=xor&hidden=8,8&loss=mse&rates=12&steps=200');
    const rows = await runSweep(page, 12);
    assert.equal(rows.length, 12);
    assert.ok(Math.abs(rows[0].lr - 1e-4) < 1e-12 && Math.abs(rows[11].lr - 10) < 1e-9);
    assert.ok(rows[11].diverged, `the largest rate diverged: ${JSON.stringify(rows)}`);
    assert.ok(!rows[0].diverged);
    const firstDiverged = rows.findIndex((r) => r.diverged);
    assert.ok(rows.slice(firstDiverged).every((r) => r.diverged), 'every rate above the first diverged one diverges');
    const ok = rows.slice(0, firstDiverged);
    const best = ok.reduce((b, r, i) => (r.final < ok[b].final ? i : b), 0);
    assert.ok(best > 0 && best < firstDiverged, `minimum at index ${best}, divergence from ${firstDiverged}`);
    assert.equal(await num(page, '#lr-summary', 'data-best-lr'), rows[best].lr);
    // each rate in the table is a link that trains with it (the plot's click, from the keyboard)
    const link = new URL(await page.locator('#lr-rows tr').nth(best).locator('a').getAttribute('href'), page.url());
    assert.equal(link.searchParams.get('view'), 'train');
    assert.ok(Math.abs(Number(link.searchParams.get('lr')) / rows[best].lr - 1) < 0.01, `${link} for ${rows[best].lr}`);
    assert.equal(link.searchParams.get('data'), 'xor', 'with the rest of the settings');
    // pick another rate's curve: the curves plot changes
    await page.locator('.sweep-table summary').click();
    const curves = () => page.evaluate(() => document.querySelector('#lr-curves').toDataURL());
    const before = await curves();
    const unpicked = page.locator('#lr-rows input:not(:checked)').first();
    await unpicked.check();
    assert.notEqual(await curves(), before, 'ticking a rate adds its curve');
    assert.ok((await page.locator('#lr-rows input:checked').count()) >= 2);
    // the range test suggests a rate inside its range
    await page.getByRole('button', { name: 'Range test' }).click();
    await page.waitForFunction(() => document.querySelector('#lr-range-plot').dataset.suggestion, null, { timeout: 60_000 });
    const s = await num(page, '#lr-range-plot', 'data-suggestion');
    assert.ok(s > 1e-4 && s < 10, `suggestion ${s}`);
    await page.waitForFunction(() => !document.querySelector('#lr-run').disabled, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Schedule vs constant' }).click();
    await page.waitForFunction(() => !document.querySelector('#lr-run').disabled, null, { timeout: 60_000 });
    await screenshot(page, 'lr-1280.png', { fullPage: true });
    // click a rate on the plot: the training view opens with it
    const box = await page.locator('#lr-plot').boundingBox();
    await Promise.all([page.waitForURL(/view=train/), page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5)]);
    const lr = Number(new URL(page.url()).searchParams.get('lr'));
    assert.ok(lr > 1e-4 && lr < 10, `lr ${lr}`);
  });

  test('with cross-entropy, rates too large to learn end above the loss before training and are marked so', async (t) => {
    // Cross-entropy grows only linearly in the logits: large rates thrash without blowing up.
    const page = await lab.openPage(t, 'view=lr&lo=0.01&hi=30&rates=8&steps=300');
    const rows = await runSweep(page, 8);
    const start = rows[0].final; // 0.01 barely moves: a little under the start
    assert.ok(!rows[0].worse && !rows[0].diverged, JSON.stringify(rows[0]));
    const worse = rows.filter((r) => r.worse);
    assert.ok(worse.length >= 1, `some large rate ends worse: ${JSON.stringify(rows)}`);
    for (const r of worse) {
      assert.ok(!r.diverged && r.final > start && r.text.includes('ended above its start'), JSON.stringify(r));
    }
    assert.match(await page.locator('#lr-summary').textContent(), /ended above the loss before training/);
    await screenshot(page, 'lr-worse-1280.png');
  });

  test('Cancel stops a sweep and the page stays responsive', async (t) => {
    const page = await lab.openPage(t, 'view=lr&rates=64&steps=5000', { viewport: { width: 390, height: 844 } });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await page.locator('#lr-progress').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#lr-summary', { hasText: 'Cancelled' }).waitFor();
    assert.equal(await page.locator('#lr-progress').isHidden(), true);
    await screenshot(page, 'lr-390.png', { fullPage: true });
  });
});

describe('step-size view', () => {
  const lab = useLab();

  test('the URL sets the problem, step and momentum; a step beyond 2/λ diverges', async (t) => {
    // (the 4-2 network at 0.03: after its 300 warm-up steps the gradient is small, see below)
    const page = await lab.openPage(t, 'view=step&problem=bowl&cond=20&eta=0.05&mom=0.5&hidden=4,2&lr=0.03');
    assert.equal(await page.locator('#s-problem').inputValue(), 'bowl');
    assert.equal(await attr(page, '#s-summary', 'data-diverged'), '0');
    const q = new URL(page.url()).searchParams;
    assert.deepEqual([q.get('view'), q.get('cond'), q.get('eta'), q.get('mom')], ['step', '20', '0.05', '0.5']);
    await screenshot(page, 'step-1280.png', { fullPage: true });
    const over = await lab.openPage(t, 'view=step&problem=bowl&cond=20&eta=0.2');
    assert.equal(await attr(over, '#s-summary', 'data-diverged'), '1');
    assert.match(await over.locator('#s-summary').textContent(), /diverge/);
    // dragging on the contour moves the start into the URL
    const box = await over.locator('#s-contour').boundingBox();
    await over.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4);
    await over.mouse.down();
    await over.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.35);
    await over.mouse.up();
    assert.ok(new URL(over.url()).searchParams.get('start'), 'the start is in the URL');
    assert.equal(await over.locator('#s-contour').evaluate((c) => getComputedStyle(c).touchAction), 'none', 'a finger drags the start, not the page');
    // opened directly, after 300 warm-up steps on the circle the gradient is small: the probe
    // reaches past 30 to where the step overshoots
    const far = await num(page, '#s-profile', 'data-overshoot');
    assert.ok(far > 30 && far > (await num(page, '#s-profile', 'data-best')), `overshoot from ${far}`);
    const narrow = await lab.openPage(t, 'view=step&problem=poly&eta=0.03', { viewport: { width: 390, height: 844 } });
    // at 390 px the η slider comes first, with the contour plot it drives right under it
    const [slider, contour] = await Promise.all(['#s-eta', '#s-contour'].map((s) => narrow.locator(s).boundingBox()));
    assert.ok(slider.y < contour.y && contour.y < 844 - 100, `slider at ${slider.y}px, contour from ${contour.y}px`);
    await screenshot(narrow, 'step-390.png', { fullPage: true });
  });

  test('the views share the live network: Step size probes the weights the training view reached', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    for (let i = 0; i < 7; i++) await page.getByRole('button', { name: 'Step' }).click();
    const href = await page.getByRole('link', { name: 'Step size' }).getAttribute('href');
    assert.match(href, /view=step/);
    assert.match(href, /data=xor/, 'the link to another view carries the settings');
    await page.getByRole('link', { name: 'Step size' }).click();
    await page.locator('#step-view').waitFor();
    assert.equal(await attr(page, '#s-profile', 'data-from-step'), '7');
    // the probe goes as far as it takes to overshoot (the loss need not be convex along the
    // line: the best η can lie beyond a first bump)
    const [best, over] = await Promise.all(['data-best', 'data-overshoot'].map((a) => num(page, '#s-profile', a)));
    assert.ok(best > 0 && over > 0 && Number.isFinite(over), `best η ${best}, overshoot from ${over}`);
    assert.equal(new URL(page.url()).searchParams.get('view'), 'step');
    assert.equal(new URL(page.url()).searchParams.get('data'), 'xor');
    await page.getByRole('link', { name: 'Training' }).click();
    assert.equal(await attr(page, '[data-step]', 'data-step'), '7', 'back in the training view, the run is where it was');
  });

  test('a bad URL value gives a message and the default', async (t) => {
    const page = await lab.openPage(t, 'view=train&lr=-3&data=mnist');
    const text = await page.locator('#lab-notice').textContent();
    assert.match(text, /lr=-3/);
    assert.match(text, /data=mnist/);
    assert.equal(await page.locator('#t-lr').inputValue(), '0.03');
  });
});
