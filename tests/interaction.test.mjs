// Driving the graph: stepping through the backward pass (buttons and arrow keys), Reset,
// editing an input's value in place, and the presets.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, screenshot } from './support/browser.mjs';
import {
  NODE, button, byName, readNodes, readEdges, pressBackward, pressReset, assertGrads, assertValues,
  assertNoGradients, assertClose, stepToEnd, assertReverseTopological, currentNode, waitCurrentChange,
  readGradCheck, waitForUrlExpr,
} from './support/graph.mjs';
import { EX1, EX2, exprQuery } from './support/examples.mjs';

/** Step through to the end, then check order, panel text and that the result equals Backward. */
async function checkStepThrough(page, label, { screenshotName } = {}) {
  const nodes = await readNodes(page);
  const edges = await readEdges(page);
  assertNoGradients(nodes, `${label}, on load`);
  assert.equal(await currentNode(page), null, `${label}: on load no node is current`);

  const panel = page.locator('#step-panel');
  assert.ok(await panel.getAttribute('aria-live'), `${label}: #step-panel should have an aria-live attribute`);

  const nonConst = nodes.filter((n) => n.op !== 'const').length;
  const shotAt = Math.ceil(nonConst / 2);
  const { sequence, panels } = await stepToEnd(page, {
    onStep: async (i) => {
      if (screenshotName && i === shotAt) await screenshot(page, screenshotName);
    },
  });

  assertReverseTopological(sequence, nodes, edges, label);
  panels.forEach((text, i) => assert.ok(text.length > 0, `${label}: #step-panel is empty after step ${i + 1} (${sequence[i]})`));
  assert.ok(
    panels.some((text) => /upstream/i.test(text)),
    `${label}: the step panel should explain the chain rule with the word "upstream"; it said:\n  ${panels.join('\n  ')}`,
  );
  assert.equal(await button(page, 'Step').isDisabled(), true, `${label}: Step is disabled once every step is done`);

  const stepped = await readNodes(page);
  for (const n of stepped) {
    if (n.op === 'const') assert.equal(n.rawGrad, '', `${label}: constant ${n.name} must not get a gradient`);
    else assert.ok(n.grad !== null, `${label}: after the last step ${n.name} has no gradient`);
  }

  await pressReset(page);
  const backward = byName(await pressBackward(page));
  for (const n of stepped) {
    if (n.op === 'const') continue;
    assertClose(n.grad, backward.get(n.name).grad, `${label}: gradient of ${n.name} after stepping vs after Backward`);
  }
}

describe('interaction', () => {
  const lab = useLab();

  test('Step walks example 1 in reverse topological order and ends where Backward does', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    await checkStepThrough(page, 'example 1');
    assertGrads(await readNodes(page), EX1.grads);
  });

  test('Step walks example 2 (σ neuron) in reverse topological order', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.source));
    await checkStepThrough(page, 'example 2', { screenshotName: 'graph-step.png' });
    assertGrads(await readNodes(page), EX2.grads);
  });

  test('ArrowRight steps and ArrowLeft undoes a step, with focus on #graph', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    const graph = page.locator('#graph');
    assert.equal(await graph.getAttribute('tabindex'), '0', '#graph is focusable (tabindex="0")');
    await graph.focus();

    const snapshot = async () => (await readNodes(page)).map((n) => `${n.name}:${n.rawGrad}:${n.current}`).join(' ');

    await page.keyboard.press('ArrowRight');
    const first = await waitCurrentChange(page, null, 'after the 1st ArrowRight');
    assert.equal(first, 'f', 'the backward pass starts at the output f');
    const afterOne = await snapshot();

    await page.keyboard.press('ArrowRight');
    const second = await waitCurrentChange(page, first, 'after the 2nd ArrowRight (does #graph keep the focus after a redraw?)');
    assert.ok(['q', 'z'].includes(second), `the second step is q or z (the inputs of f), got ${second}`);

    await page.keyboard.press('ArrowLeft');
    const back = await waitCurrentChange(page, second, 'after ArrowLeft');
    assert.equal(back, first, `ArrowLeft goes back to the first step's node`);
    assert.equal(await snapshot(), afterOne, 'after ArrowRight, ArrowRight, ArrowLeft the graph is as after one ArrowRight');

    // Keys and the Step button drive the same state.
    await button(page, 'Step').click();
    assert.equal(await waitCurrentChange(page, first, 'Step after ArrowLeft'), second, 'Step after undo redoes the same node');
  });

  test('Reset clears gradients, gate values and the step state; Forward brings the values back', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    await pressBackward(page);
    await pressReset(page);

    await button(page, 'Step').click();
    const first = await waitCurrentChange(page, null, 'after the 1st Step');
    await button(page, 'Step').click();
    await waitCurrentChange(page, first, 'after the 2nd Step');
    const nodes = await pressReset(page);
    for (const n of nodes) {
      if (n.op === 'input') {
        assertClose(n.value, EX1.values[n.name], `after Reset the input ${n.name} keeps its value`);
      } else {
        assert.equal(n.rawValue, '', `after Reset the gate ${n.name} shows no value (data-value="${n.rawValue}")`);
      }
    }
    assert.equal(await button(page, 'Step').isDisabled(), false, 'after Reset Step is enabled again');

    await button(page, 'Forward').click();
    await page.waitForFunction((sel) => document.querySelector(`${sel}[data-name="f"]`)?.getAttribute('data-value') !== '', NODE, { timeout: 5000 });
    assertValues(await readNodes(page), EX1.values, { label: 'after Forward: ' });
    assertNoGradients(await readNodes(page), 'after Forward');
  });

  test('editing an input value recomputes values and gradients (x = 3 → f = −32)', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    await pressBackward(page);

    await page.locator(`${NODE}[data-op="input"][data-name="x"] .value`).first().click();
    const editor = page.locator('#value-editor');
    await editor.waitFor({ state: 'visible' });
    await editor.fill('3');
    await editor.press('Enter');

    await page
      .waitForFunction((sel) => parseFloat(document.querySelector(`${sel}[data-name="f"]`)?.getAttribute('data-value')) === -32, NODE, { timeout: 5000 })
      .catch(() => {});
    const nodes = await readNodes(page);
    assertValues(nodes, { x: 3, q: 8, f: -32 }, { label: 'after setting x = 3: ' });
    // The backward pass had run, so the gradients are recomputed too: ∂f/∂z = q = 8.
    assertGrads(nodes, { x: -4, y: -4, z: 8, q: -4, f: 1 }, { label: 'after setting x = 3: ' });
  });

  test('dragging an input value scrubs it: values, gradients, the text and the URL follow', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    await pressBackward(page);
    const label = page.locator(`${NODE}[data-op="input"][data-name="x"] .value`).first();
    const box = await label.boundingBox();
    assert.ok(box, 'the value label of x is on screen');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    for (let dx = 10; dx <= 100; dx += 10) await page.mouse.move(box.x + box.width / 2 + dx, y);
    await page.mouse.up();
    await page.waitForTimeout(100);

    const nodes = byName(await readNodes(page));
    const x = nodes.get('x').value;
    assert.ok(x > -2 + 0.5, `dragging right should increase x from -2; got ${x}`);
    assertClose(nodes.get('f').value, (x + 5) * -4, 'f = (x + y)·z after scrubbing');
    assertClose(nodes.get('z').grad, x + 5, 'the gradients follow the scrub: ∂f/∂z = q');
    assert.equal(await page.locator('#value-editor').isVisible(), false, 'a drag does not open the editor');
    const source = await page.locator('#source').inputValue();
    assert.match(source, new RegExp(`x = ${String(x).replace('.', '\\.')}[;\\n]`), `the text follows the scrub:\n${source}`);
    await waitForUrlExpr(page, source);
  });

  test('a link with step=k reproduces the step-through at step k', async (t) => {
    const page = await lab.openPage(t, `${exprQuery(EX1.source)}&step=2`);
    assert.equal(await currentNode(page), 'q', 'step 2 of the first circuit is q (after f)');
    assert.match(await page.locator('#step-panel').textContent(), /Step 2 of 5/);
    await button(page, 'Step').click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('step') === '3', null, { timeout: 5000 });
  });

  test('every preset renders without an error and backpropagates', async (t) => {
    const page = await lab.openPage(t, '');
    const select = page.locator('#preset');
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
    const presets = options.filter((o) => o.value !== '');
    assert.ok(presets.length >= 1, `#preset should offer presets; options: ${JSON.stringify(options)}`);

    for (const { value, label } of presets) {
      if (presets.length > 1 && (await select.inputValue()) === value) continue; // already shown
      const before = await page.locator('#source').inputValue();
      await select.selectOption(value);
      await page
        .waitForFunction((prev) => document.querySelector('#source').value !== prev, before, { timeout: 1000 })
        .catch(() => {}); // the preset may be the one already shown
      const source = await page.locator('#source').inputValue();
      await waitForUrlExpr(page, source);
      assert.equal(await page.locator('#error').isVisible(), false, `preset "${label}": #error should stay hidden`);
      const nodes = await readNodes(page);
      assert.ok(nodes.length > 0, `preset "${label}": the graph has nodes`);
      await pressBackward(page);
      const rows = await readGradCheck(page);
      assert.ok(rows.length > 0, `preset "${label}": the gradient-check table has rows`);
      await pressReset(page);
    }
  });
});
