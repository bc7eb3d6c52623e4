// Issue 15: the optimizers with every parameter, regularization, in the training view, the
// URL and the JS API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLab, until, screenshot } from './support/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.NODE_PKG_DIR || path.resolve(here, '..', 'target', 'node-pkg');
const { Trainer } = createRequire(import.meta.url)(path.join(pkg, 'backprop_lab.js'));

const query = (page) => new URL(page.url()).searchParams;

describe('optimizers and regularization', () => {
  const lab = useLab();

  test('AdamW with its parameters and L2 come from the URL, show their fields and go back to it', async (t) => {
    const page = await lab.openPage(t, 'view=train&opt=adamw&beta=0.8&beta2=0.98&eps=1e-6&wd=0.05&reg=l2&regrate=0.01');
    assert.equal(await page.locator('#t-opt').inputValue(), 'adamw');
    assert.equal(await page.locator('#t-beta2').inputValue(), '0.98');
    assert.equal(await page.locator('#t-eps').inputValue(), '0.000001');
    assert.equal(await page.locator('#t-wd').inputValue(), '0.05');
    assert.equal(await page.locator('#t-reg').inputValue(), 'l2');
    assert.equal(await page.locator('#t-regrate').inputValue(), '0.01');
    assert.match(await page.locator('#t-beta-hint').textContent(), /β₁/);
    for (const id of ['#t-beta2', '#t-eps', '#t-wd', '#t-regrate']) assert.equal(await page.locator(id).isVisible(), true, id);
    // the penalty is drawn as a third line, and said
    await page.getByRole('button', { name: 'Step' }).click();
    assert.deepEqual((await page.locator('#t-loss-plot').getAttribute('data-series')).split('\n'), ['train', 'test', 'train + penalty']);
    await screenshot(page.locator('fieldset:has(#t-opt)'), 'optimizers-adamw-1280.png');
    // RMSProp: ρ and ε, no β₂ or λ; the URL follows
    await page.locator('#t-opt').selectOption('rmsprop');
    await until(async () => query(page).get('opt') === 'rmsprop', 'opt=rmsprop');
    assert.match(await page.locator('#t-beta-hint').textContent(), /ρ/);
    assert.equal(await page.locator('#t-beta2').isVisible(), false);
    assert.equal(await page.locator('#t-wd').isVisible(), false);
    assert.equal(await page.locator('#t-eps').isVisible(), true);
    // a bad ε is named and the field goes back
    await page.locator('#t-eps').fill('-3');
    await page.locator('#t-eps').press('Enter');
    await page.locator('#lab-notice', { hasText: 'ε is a number from 1e-12 to 1' }).waitFor();
    assert.equal(await page.locator('#t-eps').inputValue(), '0.000001');
    await page.locator('#t-eps').fill('1e-4');
    await page.locator('#t-eps').press('Enter');
    await until(async () => query(page).get('eps') === '0.0001', 'eps=0.0001');
    // no regularization: the rate's field goes, and so does the third line
    await page.locator('#t-reg').selectOption('none');
    await until(async () => !query(page).has('reg'), 'reg= gone');
    assert.equal(await page.locator('#t-regrate').isVisible(), false);
    assert.deepEqual((await page.locator('#t-loss-plot').getAttribute('data-series')).split('\n'), ['train', 'test']);
    await page.locator('#t-reg').selectOption('l1');
    await until(async () => query(page).get('reg') === 'l1', 'reg=l1');
    assert.equal(query(page).get('regrate'), '0.01', 'the rate is kept');
    // every key read back from the link gives the same settings
    const again = await lab.openPage(t, `view=train&${query(page).toString()}`);
    for (const id of ['#t-opt', '#t-eps', '#t-reg', '#t-regrate']) assert.equal(await again.locator(id).inputValue(), await page.locator(id).inputValue(), id);
    await again.setViewportSize({ width: 390, height: 844 });
    await screenshot(again.locator('fieldset:has(#t-opt)'), 'optimizers-390.png');
  });

  test('the JS API trains with every optimizer and a penalty, and names a bad one', () => {
    for (const kind of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw']) {
      const optimizer = { kind, lr: 0.01, beta: 0.9, beta1: 0.9, beta2: 0.999, rho: 0.9, eps: 1e-8, weight_decay: 0.01 };
      const tr = new Trainer({ optimizer, regularization: { kind: 'l2', rate: 0.001 } });
      const first = tr.lossTrain();
      tr.train(300);
      assert.ok(tr.lossTrain() < first, `${kind}: ${first} → ${tr.lossTrain()}`);
      tr.free();
    }
    assert.throws(() => new Trainer({ optimizer: { kind: 'rmsprop', lr: 0.01, rho: 1.5, eps: 1e-8 } }), /RMSProp ρ/);
    assert.throws(() => new Trainer({ regularization: { kind: 'l2', rate: -1 } }), /regularization rate/);
  });

  test('a race of three optimizers on Rosenbrock from the URL: three paths, three loss lines, a sentence', async (t) => {
    const page = await lab.openPage(t, 'view=step&problem=rosenbrock&race=sgd:0.001,momentum:0.001,adam:0.05');
    const contour = page.locator('#s-contour');
    await until(async () => (await contour.getAttribute('data-paths')) === '3', 'three paths');
    assert.equal(await page.locator('#s-race-panel').isVisible(), true);
    assert.deepEqual((await page.locator('#s-race-loss').getAttribute('data-series')).split('\n'), ['SGD η = 0.001', 'Momentum η = 0.001', 'Adam η = 0.05']);
    assert.match(await page.locator('#s-summary').textContent(), /^From the same start, after 300 steps: .+ ends lowest \(loss [\d.e−-]+\), then .+\./);
    const ticked = await page.locator('#s-race input[data-opt]').evaluateAll((bs) => bs.filter((b) => b.checked).map((b) => b.dataset.opt));
    assert.deepEqual(ticked, ['sgd', 'momentum', 'adam']);
    await screenshot(page, 'race-rosenbrock-1280.png');
    // ticking RMSProp adds a fourth, at η; the URL follows and keeps the others' rates
    await page.locator('#s-race input[data-opt="rmsprop"]').check();
    await until(async () => (await contour.getAttribute('data-paths')) === '4', 'four paths');
    assert.equal(query(page).get('race'), 'sgd:0.001,momentum:0.001,rmsprop,adam:0.05');
    // no race: the one gradient-descent path again
    for (const o of ['sgd', 'momentum', 'rmsprop', 'adam']) await page.locator(`#s-race input[data-opt="${o}"]`).uncheck();
    await until(async () => (await contour.getAttribute('data-paths')) === '1', 'one path');
    assert.equal(query(page).has('race'), false);
    assert.equal(await page.locator('#s-race-panel').isVisible(), false);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(page.url().replace(/view=step/, 'view=step&race=nesterov,adamw'));
    await until(async () => (await page.locator('#s-contour').getAttribute('data-paths')) === '2', 'two paths at 390');
    await screenshot(page, 'race-390.png', { fullPage: true });
  });

  test('your own surface: problem=expr&f= draws a typed expression, and a bad one is named', async (t) => {
    const page = await lab.openPage(t, `view=step&problem=expr&f=${encodeURIComponent('(a - 1)^2 + 10 * (b + 0.5)^2')}`);
    assert.equal(await page.locator('#s-f').inputValue(), '(a - 1)^2 + 10 * (b + 0.5)^2');
    assert.equal(await page.locator('#s-contour').getAttribute('data-paths'), '1');
    const summary = page.locator('#s-summary');
    assert.match(await summary.textContent(), /^η = 0\.1/);
    await page.locator('#s-f').fill('a * (');
    await page.locator('#s-f').press('Enter');
    await until(async () => /surface is an expression in a and b/.test(await page.locator('#s-f-help').textContent()), 'the parser\'s message');
    assert.equal(await page.locator('#s-f').getAttribute('aria-invalid'), 'true');
    assert.equal(query(page).get('f'), '(a - 1)^2 + 10 * (b + 0.5)^2', 'the last good surface stays');
    await page.locator('#s-f').fill('a^2 + b^2');
    await page.locator('#s-f').press('Enter');
    await until(async () => query(page).get('f') === 'a^2 + b^2', 'f= follows');
    assert.equal(await page.locator('#s-f').getAttribute('aria-invalid'), 'false');
    // a bad f= in the link: a message, and the default surface
    const bad = await lab.openPage(t, 'view=step&problem=expr&f=c%2B1');
    await bad.locator('#lab-notice, #notice', { hasText: 'f=c+1' }).first().waitFor();
    assert.equal(await bad.locator('#s-f').inputValue(), 'a^2 + 3 * b^2 - a * b');
    // the range is chosen from the surface, or set
    const far = await lab.openPage(t, `view=step&problem=expr&f=${encodeURIComponent('(a - 5)^2 + (b + 4)^2')}`);
    await until(async () => (await far.locator('#s-contour').getAttribute('data-range')) === '2,8,-7,-1', 'around its minimum');
    const set = await lab.openPage(t, 'view=step&problem=rosenbrock&range=-1.5,1.5,-0.5,2');
    await until(async () => (await set.locator('#s-contour').getAttribute('data-range')) === '-1.5,1.5,-0.5,2', 'range=');
    // the presets
    for (const p of ['himmelblau', 'saddle', 'cliff', 'minima']) {
      await page.locator('#s-problem').selectOption(p);
      await until(async () => query(page).get('problem') === p, p);
      assert.equal(await page.locator('#s-contour').getAttribute('data-paths'), '1', p);
    }
  });

  test('edit a weight: click or Enter on it, type its value; the losses follow; the state shows in hover and the layer view', async (t) => {
    const page = await lab.openPage(t, 'view=train&opt=momentum');
    for (let k = 0; k < 3; k++) await page.getByRole('button', { name: 'Step' }).click();
    const loss = async () => page.locator('#t-loss-train').getAttribute('data-loss-train');
    const before = await loss();
    // the optimizer's state in the weight's tooltip
    const tip = await page.locator('#t-network g.weight').first().locator('title').textContent();
    assert.match(tip, /velocity = [−\d.e-]+; last step Δ = [−\d.e-]+/);
    await page.locator('#t-network [data-param="w-1-0-0"]').click({ force: true });
    const box = page.locator('#t-edit-value');
    assert.equal(await box.evaluate((e) => e === document.activeElement), true, 'the box has the focus');
    assert.equal(await page.locator('#t-edit-label').textContent(), 'w1_0_0 =');
    await box.fill('4.5');
    await box.press('Enter');
    await until(async () => (await loss()) !== before, 'data-loss-train follows the edit');
    assert.equal(await page.locator('#t-edit').isVisible(), false);
    assert.equal(await page.locator('#t-network line.edge').first().getAttribute('data-weight'), '4.5');
    // from the keyboard, a bias: a bad value is named and nothing changes
    await page.locator('#t-network [data-param="b-3-0"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#t-edit-label').textContent(), 'b3_0 =');
    const edited = await loss();
    await box.fill('lots');
    await box.press('Enter');
    assert.match(await page.locator('#t-edit-msg').textContent(), /^Not set: .*lots.* is not a number/);
    await box.fill('5000');
    await box.press('Enter');
    assert.match(await page.locator('#t-edit-msg').textContent(), /from −1,000 to 1,000/);
    assert.equal(await loss(), edited);
    await box.fill('−2');
    await box.press('Enter');
    await until(async () => (await loss()) !== edited, 'the bias too');
    // the layer view's table of the optimizer's state
    await page.locator('#t-layers summary').click();
    const state = page.locator('#t-layers-host details.opt-state[data-layer="1"]');
    await state.locator('summary').click();
    const names = await state.locator('[data-matrix]').evaluateAll((ms) => ms.map((m) => m.dataset.matrix));
    assert.deepEqual(names, ['velocity of W', 'velocity of b', 'ΔW (last step)', 'Δb (last step)']);
    await screenshot(page.locator('figure:has(#t-network)'), 'edit-weight-1280.png');
  });

  test('schedules with their parameters: from the URL, in their fields, the preview following, back to the URL', async (t) => {
    const page = await lab.openPage(t, 'view=train&sched=warmup_cosine&warmup=50&total=500&minlr=0.001');
    for (const [id, v] of [['#t-warmup', '50'], ['#t-total', '500'], ['#t-minlr', '0.001']]) {
      assert.equal(await page.locator(id).inputValue(), v, id);
      assert.equal(await page.locator(id).isVisible(), true, id);
    }
    assert.equal(await page.locator('#t-gamma').isVisible(), false);
    await screenshot(page.locator('fieldset:has(#t-opt)'), 'schedule-params-1280.png');
    const preview = () => page.locator('#t-sched-plot').evaluate((c) => c.toDataURL());
    const before = await preview();
    await page.locator('#t-warmup').fill('300');
    await page.locator('#t-warmup').press('Enter');
    await until(async () => query(page).get('warmup') === '300', 'warmup=300');
    await until(async () => (await preview()) !== before, 'the preview follows');
    // a warm-up longer than the schedule takes the total with it, and says so
    await page.locator('#t-warmup').fill('800');
    await page.locator('#t-warmup').press('Enter');
    await until(async () => query(page).get('total') === '800', 'total follows');
    assert.equal(await page.locator('#t-total').inputValue(), '800');
    await page.locator('#lab-notice', { hasText: 'cannot be longer than the whole schedule' }).waitFor();
    // step decay: its two fields
    await page.locator('#t-sched').selectOption('step_decay');
    await page.locator('#t-factor').fill('0.25');
    await page.locator('#t-factor').press('Enter');
    await until(async () => query(page).get('factor') === '0.25', 'factor=0.25');
    assert.equal(await page.locator('#t-warmup').isVisible(), false);
    await page.locator('#t-every').fill('0');
    await page.locator('#t-every').press('Enter');
    await page.locator('#lab-notice', { hasText: 'decay interval is a whole number' }).waitFor();
    assert.equal(await page.locator('#t-every').inputValue(), '500');
  });

  test('the learning-rate view races the optimizers on the live network: same weights, same batches, a line each', async (t) => {
    const page = await lab.openPage(t, 'view=lr&race=sgd,momentum,adam:0.01');
    await page.getByRole('button', { name: 'Race optimizers' }).click();
    await page.waitForFunction(() => !document.querySelector('#lr-race').disabled, null, { timeout: 60_000 });
    assert.deepEqual((await page.locator('#lr-race-plot').getAttribute('data-series')).split('\n'), ['SGD η = 0.03', 'Momentum η = 0.03', 'Adam η = 0.01']);
    assert.match(await page.locator('#lr-summary').textContent(), /^From the same weights and batches, after 2000 steps: .+ ends lowest \(loss [\d.e−-]+\), then /);
    // the reference: the JS API's trainers from the same settings end where the page says
    const ends = [];
    for (const optimizer of [{ kind: 'sgd', lr: 0.03 }, { kind: 'momentum', lr: 0.03, beta: 0.9 }, { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }]) {
      const tr = new Trainer({ optimizer });
      tr.train(2000);
      ends.push(tr.lossTrain());
      tr.free();
    }
    const text = await page.locator('#lr-summary').textContent();
    const best = ['SGD', 'Momentum', 'Adam'][ends.indexOf(Math.min(...ends))];
    assert.match(text, new RegExp(`after 2000 steps: ${best} η`), `${ends}: ${text}`);
    await screenshot(page.locator('#lr-race-panel'), 'lr-race-1280.png');
  });

  test('the step-size view builds one update: the gradient, the decayed velocity, the step, as arrows with their numbers', async (t) => {
    const page = await lab.openPage(t, 'view=step&mom=0.9&eta=0.05');
    const contour = page.locator('#s-contour');
    const update = page.locator('#s-update');
    assert.equal(await contour.getAttribute('data-arrows'), '0', 'no arrows until the box is opened');
    await page.locator('#s-build-box summary').click();
    await until(async () => (await contour.getAttribute('data-arrows')) === '3', 'three arrows at step 1');
    assert.match(await update.textContent(), /^Step 1 from θ = \(−4, 3\): the gradient g = ∇L\(θ\) = /);
    // look at step 5, and build it: the gradient alone, then the velocity, then the step
    await page.locator('#s-k').fill('5');
    await until(async () => (await page.locator('#s-k-out').textContent()) === '5', 'step 5');
    const build = page.locator('#s-build');
    await build.click();
    assert.equal(await contour.getAttribute('data-arrows'), '1');
    assert.doesNotMatch(await update.textContent(), /velocity/);
    await build.click();
    assert.equal(await contour.getAttribute('data-arrows'), '2');
    const said = await update.textContent();
    assert.match(said, /v = β·v \+ g = 0\.9 × \(/);
    await build.click();
    assert.equal(await contour.getAttribute('data-arrows'), '3');
    // its numbers add up: v = 0.9·v_before + g, step = −0.05·v
    const n = (await update.textContent()).replace(/−/g, '-').match(/-?\d+(\.\d+)?(e-?\d+)?/g).map(Number);
    const [, , , g0, g1, beta, vb0, vb1, , , v0, v1, eta, , , s0, s1] = n;
    assert.ok(Math.abs(v0 - (beta * vb0 + g0)) < 1e-3 * (1 + Math.abs(v0)) && Math.abs(v1 - (beta * vb1 + g1)) < 1e-3 * (1 + Math.abs(v1)), n.join(' '));
    assert.ok(Math.abs(s0 - eta * v0) < 1e-3 * (1 + Math.abs(s0)) && Math.abs(s1 - eta * v1) < 1e-3 * (1 + Math.abs(s1)), n.join(' '));
    await screenshot(page, 'build-step-1280.png');
    await build.click();
    assert.equal(await build.textContent(), 'Build the step');
  });
});
