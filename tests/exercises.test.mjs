// Issue 14, the course's exercises as presets: each shows its text and a table beside the graph
// with the numbers the notes print (5x³ at 2: 60; the polynomial fit's per-sample partials,
// their average and the first update), the quiz asks the table's numbers, and the lecture's
// NumPy network trains here for 2,000 steps with its loss falling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, until, screenshot, openElementFigure } from './support/browser.mjs';

const cell = (page, key) => page.locator(`#exercise-table td[data-cell="${key}"]`);

describe('the course exercises', () => {
  const lab = useLab();

  test('5x³: the derivative at 2 is 60, by hand and by the engine', async (t) => {
    const page = await lab.openPage(t, 'preset=ex-cube');
    assert.equal(await page.locator('#exercise').isVisible(), true);
    assert.match(await page.locator('#exercise-title').textContent(), /5x³/);
    assert.equal(await cell(page, 'df').getAttribute('data-value'), '60');
    await page.getByRole('button', { name: 'Backward', exact: true }).click();
    await until(async () => (await page.locator('#graph g.node[data-name="x"]').getAttribute('data-grad')) === '60', 'the engine says 60');
    assert.match(await page.locator('#exercise-table').textContent(), /15 × 2² = 60|60/);
    // another expression: no exercise
    const other = await lab.openPage(t, 'preset=circuit');
    assert.equal(await other.locator('#exercise').isVisible(), false);
  });

  test('the polynomial fit: each sample, the average, the engine and one update', async (t) => {
    const page = await lab.openPage(t, 'preset=ex-poly-fit');
    const v = async (k) => Number(await cell(page, k).getAttribute('data-value'));
    assert.deepEqual([await v('s1-d0'), await v('s1-d1'), await v('s1-d2')], [64, -32, 16]);
    assert.deepEqual([await v('s3-d0'), await v('s3-d1'), await v('s3-d2')], [-2, -2, -2]);
    assert.ok(Math.abs((await v('avg-d0')) - 62 / 3) < 1e-6);
    assert.ok(Math.abs((await v('new0')) - (1 - 0.01 * 62 / 3)) < 1e-6);
    assert.ok(Math.abs((await v('new1')) - (1 + 0.01 * 34 / 3)) < 1e-6);
    await page.getByRole('button', { name: 'Backward', exact: true }).click();
    await until(async () => (await page.locator('#graph g.node[data-name="theta0"]').getAttribute('data-grad')) !== '', 'the pass reaches θ₀');
    const engine = Number(await page.locator('#graph g.node[data-name="theta0"]').getAttribute('data-grad'));
    assert.ok(Math.abs(engine - 62 / 3) < 1e-3, `the engine's ∂E/∂θ₀ is the average: ${engine}`);
    // editing θ₀ in the expression keeps the exercise and moves the table
    const src = page.locator('#source');
    await src.fill((await src.inputValue()).replace('theta0 = 1;', 'theta0 = 2;'));
    await until(async () => (await v('e1')) === 12, 'e₁ = 2·4 − 2 + 1 + 5 = 12');
    await screenshot(page, 'exercise-fit-1280.png');
  });

  test('in a quiz the table asks its numbers, marks them and counts them in the score', async (t) => {
    const page = await lab.openPage(t, 'preset=ex-poly-fit&quiz=1');
    assert.equal(await page.locator('#exercise-table [data-value]').count(), 0, 'no answer in the page');
    const box = page.getByRole('textbox', { name: 'Your ∂E₁/∂θ₀' });
    await box.fill('64');
    await box.press('Enter');
    await until(async () => (await cell(page, 's1-d0').getAttribute('data-answer')) === 'right', 'marked right');
    assert.match(await page.locator('#exercise-feedback').textContent(), /^Right: you said 64 for ∂E₁\/∂θ₀; ∂E₁\/∂θ₀ = 2e·x² = 2 × 8 × 4 = 64\.$/);
    const wrong = page.getByRole('textbox', { name: 'Your ∂E₁/∂θ₁' });
    await wrong.fill('32');
    await wrong.press('Enter');
    await until(async () => (await cell(page, 's1-d1').getAttribute('data-answer')) === 'wrong', 'marked wrong');
    assert.match(await cell(page, 's1-d1').textContent(), /−32 ✗/);
    assert.equal(await page.locator('#quiz-score').getAttribute('data-score'), '1/2');
    await screenshot(page, 'exercise-fit-quiz-1280.png', { fullPage: true });
  });

  test('the one-hidden-layer network: its four partials are the engine\'s', async (t) => {
    const page = await lab.openPage(t, 'preset=ex-one-hidden');
    await page.getByRole('button', { name: 'Backward', exact: true }).click();
    for (const k of ['w0', 'b0', 'w1', 'b1']) {
      await until(async () => (await page.locator(`#graph g.node[data-name="${k}"]`).getAttribute('data-grad')) !== '', `${k}'s gradient`);
      const engine = Number(await page.locator(`#graph g.node[data-name="${k}"]`).getAttribute('data-grad'));
      const table = Number(await cell(page, k).getAttribute('data-value'));
      assert.ok(Math.abs(engine - table) <= 1e-3 * Math.max(1, Math.abs(table)), `${k}: ${engine} vs ${table}`);
    }
  });

  test("the lecture's NumPy network: shapes, and its loss falls over 2,000 steps", async (t) => {
    const page = await lab.openPage(t, 'preset=ex-numpy');
    assert.match(await page.locator('#exercise-table').textContent(), /1000 × 100/);
    assert.equal(await page.locator('#numpy').isVisible(), true);
    await page.getByRole('button', { name: 'Train 2,000 steps' }).click();
    const text = page.locator('#numpy-text');
    await until(async () => (await text.getAttribute('data-steps')) === '2000', 'two thousand steps', 120000);
    const first = Number(await text.getAttribute('data-loss-first'));
    const last = Number(await text.getAttribute('data-loss-last'));
    assert.ok(last < first / 100, `the loss falls: ${first} → ${last}`);
    assert.match(await text.textContent(), /^After 2000 steps the loss has fallen from/);
    assert.equal(await page.locator('#numpy-progress').getAttribute('value'), '2000');
    await screenshot(page, 'exercise-numpy-1280.png');
  });
});

describe('the Jacobian view', () => {
  const lab = useLab();

  test("each layer's Jacobian: the activation's diagonal, and J applied is the vectorised dinputs", async (t) => {
    const page = await lab.openPage(t, 'view=train&hidden=3');
    await page.locator('#t-layers summary').click();
    await page.locator('#t-step').click();
    const jac = page.locator('#t-layers-host details.jacobian[data-layer="1"]');
    await until(async () => (await jac.count()) === 1, 'layer 1 has a Jacobian');
    await jac.locator('summary').click();
    const diag = jac.locator('[data-matrix^="∂outputs/∂z"] td');
    assert.equal(await diag.count(), 9, '3 × 3');
    for (let e = 0; e < 9; e++) {
      if (Math.floor(e / 3) === e % 3) continue;
      assert.equal(Number((await diag.nth(e).textContent()).replace('−', '-')), 0, `entry ${e} is off the diagonal`);
    }
    const row = async (prefix) => (await jac.locator(`[data-matrix^="${prefix}"] td`).allTextContents()).join(' ');
    assert.equal(await row('dvalues[0]·J'), await row('dinputs[0]'), 'J applied = the vectorised product');
    // (counted in u64: wasm's usize is 32 bits and wrapped this to 268,435,456)
    assert.match(await jac.textContent(), /409,600 × 409,600 = 167,772,160,000 entries \(671 GB\)/);
    // hovering a neuron: its formula with the numbers in, the output neuron's bias too
    const tip = async (layer) => page.locator(`#t-network g.neuron[data-layer="${layer}"] title`).first().textContent();
    assert.match(await tip(1), /z = Σ wᵢxᵢ \+ b = .+ = .+; a = tanh\(z\) = /);
    assert.match(await tip(2), /^output 2\.0: bias b2_0 = .+∂L\/∂b = [\s\S]+z = Σ wᵢxᵢ \+ b = /);
    assert.match(await page.locator('#t-network g.weight title').first().textContent(), /∂L\/∂w = Σ over the batch of xᵢ·dzⱼ/);
    await jac.scrollIntoViewIfNeeded();
    await screenshot(page, 'jacobian-1280.png');
  });
});

describe('an exercise as a figure on a host page', () => {
  const lab = useLab();

  test('two exercise figures on one page keep their own tables and quiz', async (t) => {
    const page = await openElementFigure(lab, t, 'fit', { preset: 'ex-poly-fit', quiz: '1' });
    await page.evaluate(() => {
      const el = document.createElement('backprop-lab');
      el.id = 'cube';
      el.setAttribute('preset', 'ex-cube');
      document.getElementById('figures').append(el);
    });
    await until(() => page.evaluate(() => document.getElementById('cube').getAttribute('data-ready') === '1'), 'the second figure is ready');
    const fit = page.locator('#fit');
    const box = fit.getByRole('textbox', { name: 'Your ∂E₁/∂θ₀' });
    await box.fill('64');
    await box.press('Enter');
    await until(async () => (await fit.locator('#exercise-table td[data-cell="s1-d0"]').getAttribute('data-answer')) === 'right', 'the fit figure marks its cell');
    assert.equal(await fit.locator('#quiz-score').getAttribute('data-score'), '1/1');
    const cube = page.locator('#cube');
    assert.equal(await cube.locator('#exercise-table td[data-cell="df"]').getAttribute('data-value'), '60');
    assert.equal(await cube.locator('#quiz').isVisible(), false, 'the other figure is not a quiz');
    await screenshot(page, 'exercise-host-1280.png', { fullPage: true });
  });
});
