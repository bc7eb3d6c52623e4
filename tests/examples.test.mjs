// The lecture's worked examples: every input's gradient after Backward, the gradient-check
// table, and the Nodes table.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab } from './support/browser.mjs';
import {
  OPS, byName, readNodes, readEdges, pressBackward, assertGrads, assertGradsApprox, assertValues,
  assertClose, assertNoGradients, readGradCheck, readNodesTable, parseNumber, describeNode,
} from './support/graph.mjs';
import { EX1, EX2, EX3, EX4, EX5, FANOUT, ALL_EXAMPLES, exprQuery } from './support/examples.mjs';

describe('worked examples', () => {
  const lab = useLab();

  test('example 1: f = (x + y)·z — forward on load, gradients after Backward', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));

    const before = await readNodes(page);
    assertNoGradients(before, 'on load');
    assertValues(before, EX1.values, { label: 'on load: ' });
    for (const n of before) assert.ok(OPS.includes(n.op), `${describeNode(n)}: data-op must be one of ${OPS.join(' ')}`);
    const inputs = before.filter((n) => n.op === 'input').map((n) => n.name).sort();
    assert.deepEqual(inputs, [...EX1.inputs].sort(), 'the input nodes');

    const edges = await readEdges(page);
    const got = edges.map((e) => `${e.from}→${e.to}`).sort();
    const want = EX1.edges.map(([a, b]) => `${a}→${b}`).sort();
    assert.deepEqual(got, want, 'the edges (path.edge data-from → data-to)');

    const after = await pressBackward(page);
    assertGrads(after, EX1.grads);
    assertValues(after, EX1.values, { label: 'after Backward: ' });
  });

  test('every edge joins two drawn nodes and every node has a unique data-name', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.source));
    const nodes = byName(await readNodes(page)); // fails on duplicates
    const edges = await readEdges(page);
    assert.ok(edges.length >= nodes.size - 1, `a connected graph of ${nodes.size} nodes needs ≥ ${nodes.size - 1} edges, got ${edges.length}`);
    for (const { from, to } of edges) {
      assert.ok(nodes.has(from), `edge ${from} → ${to}: no node named "${from}"`);
      assert.ok(nodes.has(to), `edge ${from} → ${to}: no node named "${to}"`);
    }
    for (const [name, n] of nodes) {
      if (!['input', 'const'].includes(n.op)) {
        assert.ok(edges.some((e) => e.to === name), `gate ${describeNode(n)} has no incoming edge`);
      }
      if (name !== 'f') assert.ok(edges.some((e) => e.from === name), `${describeNode(n)} has no outgoing edge`);
      assert.ok(!Number.isNaN(n.value) || n.rawValue === 'NaN', `${describeNode(n)}: data-value "${n.rawValue}" is not a number`);
    }
  });

  test('example 2: σ neuron written with exp and division', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.source));
    const nodes = await pressBackward(page);
    const f = byName(nodes).get('f');
    assert.ok(f, 'the output node f is drawn');
    assert.ok(Math.abs(f.value - EX2.fApprox) <= 0.01, `value of f: expected ≈ ${EX2.fApprox}, got ${f.value}`);
    assertClose(f.value, EX2.f, 'value of f');
    assertGradsApprox(nodes, EX2.approx);
    assertGrads(nodes, EX2.grads);
  });

  test('example 2: sigmoid() as one gate gives the same gradients', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.sigmoidSource));
    assert.equal(await page.locator('#expand-sigmoid').isChecked(), false, 'without sigmoid=expand the checkbox is unchecked');
    const nodes = await pressBackward(page);
    const ops = new Set(nodes.map((n) => n.op));
    assert.ok(ops.has('sigmoid'), `the graph should contain a sigmoid gate; ops: ${[...ops].join(', ')}`);
    assert.ok(!ops.has('exp'), 'without sigmoid=expand there is no exp gate');
    assertClose(byName(nodes).get('f').value, EX2.f, 'value of f');
    assertGradsApprox(nodes, EX2.approx);
    assertGrads(nodes, EX2.grads);
  });

  test('example 2: sigmoid=expand draws σ as neg, exp, add 1, 1/x — same gradients', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.sigmoidSource, { sigmoid: 'expand' }));
    assert.equal(await page.locator('#expand-sigmoid').isChecked(), true, 'sigmoid=expand in the URL checks #expand-sigmoid');
    const nodes = await pressBackward(page);
    const ops = new Set(nodes.map((n) => n.op));
    for (const op of ['neg', 'exp', 'div', 'const']) {
      assert.ok(ops.has(op), `with sigmoid=expand the graph should contain a ${op} node; ops: ${[...ops].join(', ')}`);
    }
    assert.ok(!ops.has('sigmoid'), 'with sigmoid=expand no sigmoid gate is drawn');
    const map = byName(nodes);
    const edges = await readEdges(page);
    assert.ok(
      edges.some((e) => map.get(e.to)?.op === 'add' && map.get(e.from)?.op === 'const' && map.get(e.from).value === 1),
      'with sigmoid=expand an add gate takes the constant 1 (1 + exp(−z))',
    );
    assertClose(byName(nodes).get('f').value, EX2.f, 'value of f');
    assertGrads(nodes, EX2.grads);
  });

  test('example 2: ticking "Show σ as primitive gates" redraws and keeps the gradients', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX2.sigmoidSource));
    await page.locator('#expand-sigmoid').check();
    await page
      .waitForFunction(() => document.querySelector('#graph g.node[data-op="exp"]') !== null, null, { timeout: 5000 })
      .catch(() => assert.fail('after ticking #expand-sigmoid the graph should show an exp gate'));
    const nodes = await pressBackward(page);
    assert.ok(!nodes.some((n) => n.op === 'sigmoid'), 'expanded: no sigmoid gate');
    assertGrads(nodes, EX2.grads);
  });

  test('example 3: ReLU neuron with an unnamed output', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX3.source));
    const nodes = await pressBackward(page);
    const relu = nodes.filter((n) => n.op === 'relu');
    assert.equal(relu.length, 1, 'exactly one relu node');
    assert.match(relu[0].name, /^n\d+$/, 'the unnamed output is called n<k>');
    assertClose(relu[0].value, EX3.output, 'value of the relu output');
    assertClose(relu[0].grad, 1, 'gradient of the output');
    assertGrads(nodes, EX3.grads);
  });

  test('example 4: final-layer neuron with squared-error loss', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX4.source));
    const nodes = await pressBackward(page);
    assertValues(nodes, EX4.values);
    assertGrads(nodes, EX4.grads);
    assertClose(byName(nodes).get('L').grad, 1, 'gradient of the output L');
  });

  test('example 5: dE/dθ of (θx² − y)² is −6, and −3 with the ½', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX5.source));
    assertGrads(await pressBackward(page), EX5.grads, { label: 'E = (θx² − y)²: ' });

    const half = await lab.openPage(t, exprQuery(EX5.halfSource));
    assertGrads(await pressBackward(half), EX5.halfGrads, { label: 'E = ½(θx² − y)²: ' });
  });

  test('fan-out: gradients add where a value is used twice (a*a + a)', async (t) => {
    const page = await lab.openPage(t, exprQuery(FANOUT.source));
    const nodes = await pressBackward(page);
    assertValues(nodes, FANOUT.values);
    assertGrads(nodes, FANOUT.grads);
  });

  test('gradient check flags a real disagreement: relu at its kink', async (t) => {
    // relu'(0) is taken as 0, while the centred difference sees (h − 0) / 2h = 0.5
    const page = await lab.openPage(t, exprQuery('x = 0; y = 2\nf = relu(x) * y'));
    const rows = byName(await readGradCheck(page));
    assert.equal(rows.get('x').flagged, true, `x at the kink should be flagged (rel error ${rows.get('x').rawRelError})`);
    assertClose(rows.get('x').numeric, 1, 'numeric ∂f/∂x at the kink = 0.5·y');
    assert.equal(rows.get('y').flagged, false, 'y is smooth there and agrees');
    // …and it is said to be a kink, with the value the engine uses, not an error
    assert.equal(await page.locator('#gradcheck tr[data-name="x"]').getAttribute('data-kink'), 'true');
    assert.match(await page.locator('#gradcheck').textContent(), /relu\(0\) has no derivative.*uses 0/);
  });

  test('gradient check: no flagged rows and every relative error < 1e-6 (examples 1–5)', async (t) => {
    for (const [label, source, inputs] of ALL_EXAMPLES) {
      const page = await lab.openPage(t, exprQuery(source));
      const nodes = byName(await pressBackward(page));
      const rows = await readGradCheck(page);
      assert.deepEqual(rows.map((r) => r.name).sort(), [...inputs].sort(), `${label}: one gradient-check row per input`);
      for (const r of rows) {
        assert.ok(r.relError < 1e-6, `${label}: input ${r.name}: rel error ${r.rawRelError} should be < 1e-6 (analytic ${r.analytic}, numeric ${r.numeric})`);
        assert.equal(r.flagged, false, `${label}: input ${r.name}: row is flagged (rel error ${r.rawRelError})`);
        assertClose(r.analytic, nodes.get(r.name).grad, `${label}: input ${r.name}: data-analytic vs the node's data-grad`);
        assert.ok(Math.abs(r.numeric - r.analytic) <= 1e-5 * Math.max(1, Math.abs(r.analytic)), `${label}: input ${r.name}: numeric ${r.numeric} far from analytic ${r.analytic}`);
      }
      await page.context().close();
    }
  });

  test('the Nodes table lists every node with its op, value and gradient', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX4.source));
    const nodes = await pressBackward(page);
    const rows = await readNodesTable(page);
    const edges = await readEdges(page);
    assert.equal(rows.length, nodes.length, `Nodes table: one row per node (${nodes.length}), got ${rows.length}`);
    assert.deepEqual(rows.map((r) => r[0]).sort(), nodes.map((n) => n.name).sort(), 'Nodes table: the name column vs the drawn data-names');
    const map = byName(nodes);
    for (const row of rows) {
      const [name, op, inputs, value, grad] = row;
      const n = map.get(name);
      assert.ok(row.length >= 5, `Nodes table row ${name}: expected cells name, op, inputs, value, gradient; got ${JSON.stringify(row)}`);
      assert.equal(op, n.op, `Nodes table row ${name}: op`);
      // the wiring: the inputs column names the nodes whose edges end here
      const wired = edges.filter((e) => e.to === name).map((e) => e.from).sort();
      assert.deepEqual(inputs === '' ? [] : inputs.split(', ').sort(), [...new Set(wired)].sort(), `Nodes table row ${name}: inputs`);
      // The table may round: allow a couple of decimals.
      const near = (cell, want) => Math.abs(parseNumber(cell) - want) <= 0.006 + 1e-2 * Math.abs(want);
      assert.ok(near(value, n.value), `Nodes table row ${name}: value "${value}" vs data-value ${n.rawValue}`);
      if (n.op !== 'const') assert.ok(near(grad, n.grad), `Nodes table row ${name}: gradient "${grad}" vs data-grad ${n.rawGrad}`);
    }
  });
});
