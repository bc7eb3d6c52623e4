// Issue 14, predict then check (quiz=1): stepping backward, each gradient is asked before it
// is shown; right and wrong answers are marked on the nodes (data-answer) with the reason, the
// score is data-score="right/asked", ask= picks the nodes, and nothing gives the answers away
// (no callout, no gradient check, no Backward) before the pass is done.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, until, screenshot, openElementFigure } from './support/browser.mjs';

const node = (page, name) => page.locator(`#graph g.node[data-name="${name}"]`);

/** Types an answer into Your gradient and presses Enter. */
async function answer(page, text) {
  const box = page.getByRole('textbox', { name: 'Your gradient' });
  await box.fill(text);
  await box.press('Enter');
}

describe('predict, then check', () => {
  const lab = useLab();

  test('the circuit asks each gradient, marks right and wrong, explains, and keeps the score', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit&quiz=1');
    assert.equal(await page.locator('#quiz').isVisible(), true);
    assert.equal(await page.locator('#btn-backward').isDisabled(), true, 'Backward waits for the end of the quiz');
    assert.match(await page.locator('#gradcheck-host').textContent(), /appears once the backward pass is done/);
    assert.equal(await page.locator('#quiz-question').textContent(), '∂f/∂f =');
    assert.equal(await node(page, 'f').getAttribute('data-asked'), 'true');
    assert.equal(await node(page, 'f').getAttribute('data-grad'), '', 'no gradient shown before it is answered');

    await answer(page, '1');
    await until(async () => (await node(page, 'f').getAttribute('data-answer')) === 'right', 'f answered right');
    assert.match(await page.locator('#quiz-feedback').textContent(), /^Right: you said 1; ∂f\/∂f = 1/);
    assert.equal(await page.locator('#quiz-question').textContent(), '∂f/∂q =');
    assert.equal(await page.locator('#graph .callout').count(), 0, 'no callout: it would say what each step sends');

    await answer(page, '−4');
    await until(async () => (await node(page, 'q').getAttribute('data-answer')) === 'right', 'q answered right');
    assert.match(await page.locator('#quiz-feedback').textContent(), /∂f\/∂q = ∂f\/∂f × ∂f\/∂q = 1 × \(−4\) = −4/);
    // a wrong one: the sign of z's gradient
    await answer(page, '-3');
    await until(async () => (await node(page, 'z').getAttribute('data-answer')) === 'wrong', 'z answered wrong');
    const said = await page.locator('#quiz-feedback').textContent();
    assert.match(said, /^Not quite: you said −3; ∂f\/∂z = ∂f\/∂f × ∂f\/∂z = 1 × 3 = 3\.$/);
    assert.equal(await node(page, 'z').getAttribute('data-grad'), '3', 'the right gradient is shown');
    assert.equal(await page.locator('#quiz-score').getAttribute('data-score'), '2/3');
    assert.equal(await page.locator('#quiz-score').textContent(), 'Score: 2 of 3 right.');
    // not a number: said so, nothing recorded
    await answer(page, 'four');
    assert.match(await page.locator('#quiz-feedback').textContent(), /not a number/);
    assert.equal(await page.locator('#quiz-score').getAttribute('data-score'), '2/3');
    assert.equal(await page.getByRole('textbox', { name: 'Your gradient' }).evaluate((e) => e === document.activeElement), true, 'the focus stays in the box');
    await screenshot(page, 'quiz-circuit-1280.png');
    // x, y within the tolerance (1%)
    await answer(page, '-4.02');
    await answer(page, '-4');
    await until(async () => (await page.locator('#quiz-score').getAttribute('data-score')) === '4/5', 'every node asked');
    assert.match(await page.locator('#step-panel').textContent(), /The backward pass is done: 4 of 5 right/);
    assert.equal(await page.locator('#btn-backward').isDisabled(), false);
    assert.equal(await page.locator('#gradcheck-host table').count(), 1, 'the gradient check, now');
    // Reset starts again
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await until(async () => (await page.locator('#quiz-score').getAttribute('data-score')) === '0/0', 'a new quiz');
  });

  test('ask= picks the nodes; the element takes quiz and ask; at 390 px the quiz fits', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit&quiz=1&ask=x,q', { viewport: { width: 390, height: 844 } });
    assert.match(await page.locator('#step-panel').textContent(), /reaches f, which is not asked: press Step/);
    assert.equal(await page.locator('#quiz-answer').isDisabled(), true);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.equal(await page.locator('#quiz-question').textContent(), '∂f/∂q =');
    await answer(page, '-4');
    await until(async () => (await page.locator('#quiz-score').getAttribute('data-score')) === '1/1', 'q right');
    // z and y are not asked: Step passes them (the order is f, q, z, y, x)
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.match(await page.locator('#step-panel').textContent(), /reaches y, which is not asked/);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.equal(await page.locator('#quiz-question').textContent(), '∂f/∂x =');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width}px wide at 390`);
    await screenshot(page, 'quiz-390.png', { fullPage: true });

    const host = await openElementFigure(lab, t, 'fq', { preset: 'fan-out' });
    const fig = host.locator('#fq');
    assert.equal(await fig.locator('#quiz').isVisible(), false, 'no quiz unless asked');
    await host.evaluate(() => document.getElementById('fq').setAttribute('quiz', '1'));
    await until(async () => fig.locator('#quiz').isVisible(), 'quiz=1 as an attribute');
    await fig.getByRole('textbox', { name: 'Your gradient' }).fill('1');
    await fig.getByRole('button', { name: 'Check' }).click();
    await until(async () => (await fig.locator('#quiz-score').getAttribute('data-score')) === '1/1', 'the element keeps the score');
  });

  test('each step shows its gate\'s backward as code with the numbers in; not in a quiz', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit');
    const code = page.locator('#gate-code');
    assert.equal(await code.isVisible(), false, 'nothing before the first step');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.equal(await code.textContent(), "# the mul gate's backward: f = q * z\ndq = z * df   # = (−4) × 1 = −4\ndz = q * df   # = 3 × 1 = 3");
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.match(await code.textContent(), /^# the add gate's backward: q = x \+ y\ndx = 1 \* dq   # = 1 × \(−4\) = −4\ndy = 1 \* dq/);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    assert.equal(await code.isVisible(), false, 'an input sends nothing');
    await screenshot(page, 'gate-code-1280.png');
    const quiz = await lab.openPage(t, 'preset=circuit&quiz=1&step=1');
    assert.equal(await quiz.locator('#gate-code').isVisible(), false, 'a quiz keeps the sends to itself');
  });

  test('what a gradient costs: the engine\'s counts of four ways, and their times here', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit');
    await page.getByText('What a gradient costs').click();
    const table = page.locator('#costs-table');
    await until(async () => (await table.locator('tr[data-way]').count()) === 4, 'the table is drawn when opened');
    const ops = await table.locator('tr[data-way]').evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.dataset.way, Number(r.dataset.ops)])));
    assert.deepEqual(ops, { forward: 2, backward: 6, 'forward-mode': 24, numeric: 18 }, 'the circuit: exact counts');
    const times = await table.locator('tr[data-way] td:last-child').allTextContents();
    assert.ok(times.every((x) => /^[\d.e−-]+ µs$/.test(x)), `a time for each: ${times}`);
    assert.match(await page.locator('#costs-summary').textContent(), /^The backward pass gets all 3 gradients in 6 operations, 3 times the forward pass's 2; forward mode needs 24 \(3 passes\) and centred differences 18/);
    // forward mode along x: the tangents flow forward and the output's is x's gradient
    await page.getByLabel('Forward mode: show the tangents along').selectOption('x');
    await until(async () => (await node(page, 'f').getAttribute('data-tangent')) === '-4', "∂f/∂x = −4 by forward mode");
    assert.equal(await node(page, 'q').getAttribute('data-tangent'), '1');
    assert.equal(await node(page, 'z').getAttribute('data-tangent'), '0');
    assert.match(await page.locator('#tangent-text').textContent(), /∂f\/∂x = −4, is x's gradient from the backward pass, −4: the same number/);
    await screenshot(page, 'tangents-1280.png');
    // another graph, other counts
    await page.locator('#source').fill('a = 3\nb = a * a + 2 * a');
    await until(async () => (await table.locator('tr[data-way="forward"]').getAttribute('data-ops')) === '3', 'the counts follow the graph');
    // …and the forward-mode menu names the new graph's inputs (as many as before is not enough)
    await page.locator('#source').fill('p = 2\nf = p * p + 1');
    await until(async () => (await page.locator('#tangent-of option').allTextContents()).join(' ') === 'none ∂/∂p', 'the menu follows the inputs');
  });

  test('the layer view asks entries of dinputs, dweights and dbiases and checks them against the matrices shown', async (t) => {
    const page = await lab.openPage(t, 'view=train&quiz=1');
    await page.locator('#t-layers summary').click();
    await page.locator('#t-lecture').check();
    assert.equal(await page.locator('#t-quiz').isVisible(), true);
    const host = page.locator('#t-layers-host');
    const box = (name) => page.getByRole('textbox', { name: `Your ${name} (layer 1)` });
    await box('dinputs[0][0]').waitFor();
    assert.equal(await host.locator('input[data-cell]').count(), 3);
    assert.equal(await host.locator('[data-matrix="dbiases = Σ dvalues"] td').count(), 0, 'dbiases is hidden until answered');
    assert.equal(await host.locator('details.jacobian').count(), 0, 'so is the Jacobian, which shows dinputs[0]');
    const score = page.locator('#t-quiz-score');
    const feedback = page.locator('#t-quiz-feedback');
    // the notes' numbers: dinputs[0][0] = 0.44, dbiases = 10
    await box('dinputs[0][0]').fill('0.44');
    await box('dinputs[0][0]').press('Enter');
    await until(async () => (await score.getAttribute('data-score')) === '1/1', 'one right');
    assert.match(await feedback.textContent(), /^Right: you said 0\.44 for layer 1's dinputs\[0\]\[0\]; dinputs\[0\]\[0\] = Σⱼ dvalues\[0\]\[j\]·W\[0\]\[j\] = 1 × 0\.2 \+ 1 × 0\.5 \+ 1 × \(−0\.26\) = 0\.44\.$/);
    assert.equal(await feedback.getAttribute('data-answer'), 'right');
    assert.equal(await host.locator('td[data-cell="dinputs-1-0-0"]').getAttribute('data-answer'), 'right');
    assert.equal(await box('dweights[0][0]').evaluate((e) => e === document.activeElement), true, 'the focus goes on to the next box');
    await box('dweights[0][0]').fill('3');
    await box('dweights[0][0]').press('Enter');
    await until(async () => (await score.getAttribute('data-score')) === '1/2', 'one wrong');
    assert.match(await feedback.textContent(), /^Not quite: you said 3 .*= 1 × 1 \+ 2 × 2 \+ \(−1\.5\) × 3 \+ \(−2\.4\) × 4 = −9\.1\.$/);
    assert.equal(await host.locator('td[data-cell="dweights-1-0-0"]').getAttribute('data-answer'), 'wrong');
    await box('dbiases[0][0]').fill('ten');
    await box('dbiases[0][0]').press('Enter');
    assert.match(await feedback.textContent(), /not a number/);
    assert.equal(await score.getAttribute('data-score'), '1/2', 'nothing recorded');
    await box('dbiases[0][0]').fill('10');
    await box('dbiases[0][0]').press('Enter');
    await until(async () => (await score.getAttribute('data-score')) === '2/3', 'all three asked');
    assert.equal(await score.textContent(), 'Score: 2 of 3 right.');
    assert.deepEqual(await host.locator('[data-matrix="dbiases = Σ dvalues"] td').allTextContents(), ['10.00 ✓', '10.00', '10.00']);
    assert.equal(await host.locator('details.jacobian').count(), 1);
    await screenshot(page.locator('#t-layers'), 'layer-quiz-1280.png');
  });

  test('on the live network, an asked entry is worked out from the matrices on screen; ask= picks it', async (t) => {
    const page = await lab.openPage(t, 'view=train&quiz=1&hidden=3&ask=dbiases-2-0,dweights-1-1-2');
    await page.getByRole('button', { name: 'Step' }).click();
    await page.locator('#t-layers summary').click();
    const host = page.locator('#t-layers-host');
    await host.locator('input[data-cell]').first().waitFor();
    assert.deepEqual(await host.locator('input[data-cell]').evaluateAll((a) => a.map((e) => e.dataset.cell)), ['dweights-1-1-2', 'dbiases-2-0']);
    // the net's tooltips keep the gradients to themselves
    assert.doesNotMatch(await page.locator('#t-network').textContent(), /∂L\/∂w = Σ over the batch/);
    // dbiases of the (linear) output layer's neuron: the sum of its dvalues, read from the cells' full values
    const dz = await host.locator('[data-matrix="dvalues"]').nth(1).locator('td').evaluateAll((tds) => tds.map((td) => td.title));
    const col0 = dz.filter((s) => /\[\d+\]\[0\] = /.test(s)).map((s) => Number(s.split(' = ').pop().replace('−', '-')));
    assert.equal(col0.length, 10, `a batch of 10: ${dz}`);
    const sum = col0.reduce((a, b) => a + b, 0);
    const bias = page.getByRole('textbox', { name: 'Your dbiases[0][0] (layer 2)' });
    await bias.fill(String(sum));
    await bias.press('Enter');
    await until(async () => (await page.locator('#t-quiz-score').getAttribute('data-score')) === '1/1', `Σ dvalues = ${sum} is right`);
    await page.getByRole('button', { name: 'Reset' }).click();
    await until(async () => (await page.locator('#t-quiz-score').getAttribute('data-score')) === '0/0', 'Reset: a new network, a new quiz');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page.locator('#t-layers'), 'layer-quiz-390.png');
  });
});
