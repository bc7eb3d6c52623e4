// Reading the graph view through its stable hooks (see shared/DESIGN.md "Stable hooks"),
// driving its buttons, and comparing numbers with clear messages.

import assert from 'node:assert/strict';

export const NODE = '#graph g.node';
export const EDGE = '#graph path.edge';
export const OPS = [
  'input', 'const', 'add', 'sub', 'mul', 'div', 'neg', 'pow', 'powc', 'exp', 'log', 'sqrt',
  'tanh', 'sigmoid', 'relu', 'abs', 'max', 'min',
];

/** parseFloat that also reads the typographic minus sign and ignores spaces. */
export function parseNumber(text) {
  if (text == null) return NaN;
  return parseFloat(String(text).replace(/[\u2212\u2012\u2013]/g, '-').replace(/[\s\u00a0\u2009\u202f]/g, ''));
}

/**
 * Every node of the graph, in document order:
 * {name, op, value, grad, rawValue, rawGrad, current}; grad is null while data-grad is empty.
 */
export async function readNodes(page) {
  return parseNodes(await page.$$eval(NODE, rawNode));
}

/**
 * readNodes inside `scope`, a Locator (or a Page): e.g. page.locator('#fig1') reads the graph
 * in that <backprop-lab>'s shadow root (Playwright's CSS locators pierce open shadow roots).
 */
export async function readNodesIn(scope) {
  return parseNodes(await scope.locator(NODE).evaluateAll(rawNode));
}

// Runs in the page: one node's hooks (elements → plain objects).
const rawNode = (els) =>
  els.map((el) => ({
    name: el.getAttribute('data-name'),
    op: el.getAttribute('data-op'),
    rawValue: el.getAttribute('data-value'),
    rawGrad: el.getAttribute('data-grad'),
    current: el.getAttribute('data-current') === 'true',
  }));

function parseNodes(raw) {
  return raw.map((n) => ({
    ...n,
    value: parseFloat(n.rawValue),
    grad: n.rawGrad === null || n.rawGrad === '' ? null : parseFloat(n.rawGrad),
  }));
}

/** The nodes by data-name; fails on duplicate names. */
export function byName(nodes) {
  const map = new Map();
  for (const n of nodes) {
    assert.ok(!map.has(n.name), `two nodes share data-name="${n.name}"`);
    map.set(n.name, n);
  }
  return map;
}

export async function readEdges(page) {
  return page.$$eval(EDGE, (els) =>
    els.map((el) => ({ from: el.getAttribute('data-from'), to: el.getAttribute('data-to') })),
  );
}

export function button(page, name) {
  return page.getByRole('button', { name, exact: true });
}

export const describeNode = (n) => `node "${n.name}" (op ${n.op})`;

/** |actual − expected| within `rel` relative (absolute near zero). */
export function isClose(actual, expected, rel = 1e-9) {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), Math.abs(actual), 1e-300) ||
    Math.abs(actual - expected) <= 1e-15;
}

export function assertClose(actual, expected, what, rel = 1e-9) {
  assert.ok(
    isClose(actual, expected, rel),
    `${what}: expected ${expected}, got ${actual} (relative tolerance ${rel})`,
  );
}

/** Checks data-grad (after the backward pass) of the named nodes against `expected`. */
export function assertGrads(nodes, expected, { rel = 1e-9, label = '' } = {}) {
  const map = byName(nodes);
  for (const [name, want] of Object.entries(expected)) {
    const n = map.get(name);
    assert.ok(n, `${label}no node with data-name="${name}"; nodes are: ${[...map.keys()].join(', ')}`);
    assert.ok(n.grad !== null, `${label}${describeNode(n)} has an empty data-grad; expected ${want}`);
    assertClose(n.grad, want, `${label}gradient of ${describeNode(n)}`, rel);
  }
}

/** Checks the rounded lecture numbers: |grad − approx| ≤ tol. */
export function assertGradsApprox(nodes, approx, tol = 0.01, label = '') {
  const map = byName(nodes);
  for (const [name, want] of Object.entries(approx)) {
    const n = map.get(name);
    assert.ok(n && n.grad !== null, `${label}node "${name}" is missing or has no gradient`);
    assert.ok(
      Math.abs(n.grad - want) <= tol,
      `${label}gradient of ${describeNode(n)}: expected ≈ ${want} (±${tol}), got ${n.grad}`,
    );
  }
}

export function assertValues(nodes, expected, { rel = 1e-9, label = '' } = {}) {
  const map = byName(nodes);
  for (const [name, want] of Object.entries(expected)) {
    const n = map.get(name);
    assert.ok(n, `${label}no node with data-name="${name}"; nodes are: ${[...map.keys()].join(', ')}`);
    assertClose(n.value, want, `${label}value of ${describeNode(n)}`, rel);
  }
}

/** Waits until `names` are all drawn (after a re-render). */
export async function waitForNodes(page, names, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([sel, names]) => {
        const have = new Set([...document.querySelectorAll(sel)].map((e) => e.getAttribute('data-name')));
        return names.every((n) => have.has(n));
      },
      [NODE, names],
      { timeout },
    );
  } catch {
    const have = (await readNodes(page)).map((n) => n.name);
    assert.fail(`expected nodes ${names.join(', ')} to be drawn within ${timeout} ms; drawn: ${have.join(', ') || '(none)'}`);
  }
}

/** Asserts that no node has a gradient and none is marked current. */
export function assertNoGradients(nodes, when) {
  assert.ok(nodes.length > 0, `${when}: the graph has no nodes`);
  for (const n of nodes) {
    assert.equal(n.rawGrad, '', `${when}: ${describeNode(n)} should have an empty data-grad, got "${n.rawGrad}"`);
  }
}

/** Every non-constant node has a gradient and every constant none. */
export function assertBackwardComplete(nodes, when) {
  for (const n of nodes) {
    if (n.op === 'const') {
      assert.equal(n.rawGrad, '', `${when}: constant ${describeNode(n)} must never get a gradient, got "${n.rawGrad}"`);
    } else {
      assert.ok(n.grad !== null, `${when}: ${describeNode(n)} has an empty data-grad`);
    }
  }
}

/** Clicks Backward and waits until every non-constant node has a gradient; returns the nodes. */
export async function pressBackward(page) {
  await button(page, 'Backward').click();
  await page
    .waitForFunction(
      (sel) => {
        const els = [...document.querySelectorAll(sel)];
        return els.length > 0 && els.every((e) => e.getAttribute('data-op') === 'const' || (e.getAttribute('data-grad') ?? '') !== '');
      },
      NODE,
      { timeout: 5000 },
    )
    .catch(() => {}); // the assertion below says which node is missing
  const nodes = await readNodes(page);
  assertBackwardComplete(nodes, 'after Backward');
  return nodes;
}

/** Clicks Reset and checks that every gradient and the step state are gone. */
export async function pressReset(page) {
  await button(page, 'Reset').click();
  await page
    .waitForFunction(
      (sel) => [...document.querySelectorAll(sel)].every((e) => (e.getAttribute('data-grad') ?? '') === '' && e.getAttribute('data-current') !== 'true'),
      NODE,
      { timeout: 5000 },
    )
    .catch(() => {});
  const nodes = await readNodes(page);
  assertNoGradients(nodes, 'after Reset');
  const current = nodes.filter((n) => n.current).map((n) => n.name);
  assert.deepEqual(current, [], `after Reset no node should have data-current="true", got ${current.join(', ')}`);
  assert.equal(await button(page, 'Step').isEnabled(), true, 'after Reset the Step button should be enabled again');
  return nodes;
}

/** data-name of the node with data-current="true", or null; fails if there are several. */
export async function currentNode(page) {
  const names = await page.$$eval(`${NODE}[data-current="true"]`, (els) => els.map((e) => e.getAttribute('data-name')));
  assert.ok(names.length <= 1, `only one node at a time may have data-current="true", got ${names.join(', ')}`);
  return names[0] ?? null;
}

/** Waits until the current node is a different one than `prev` (after a step). */
export async function waitCurrentChange(page, prev, what, timeout = 5000) {
  try {
    await page.waitForFunction(
      ([sel, prev]) => {
        const els = document.querySelectorAll(sel);
        return els.length === 1 && els[0].getAttribute('data-name') !== prev;
      },
      [`${NODE}[data-current="true"]`, prev],
      { timeout },
    );
  } catch {
    const now = await page.$$eval(`${NODE}[data-current="true"]`, (els) => els.map((e) => e.getAttribute('data-name')));
    assert.fail(`${what}: expected exactly one node with data-current="true", different from "${prev}"; got [${now.join(', ')}]`);
  }
  return currentNode(page);
}

/**
 * Presses Step until it is disabled (at most `cap` presses). After each press records the
 * current node and the step panel's text; calls onStep(i, name) if given.
 * @returns {Promise<{sequence: string[], panels: string[]}>}
 */
export async function stepToEnd(page, { cap = 200, onStep } = {}) {
  const step = button(page, 'Step');
  const sequence = [];
  const panels = [];
  let prev = null;
  for (let i = 0; ; i++) {
    if (await step.isDisabled()) break;
    assert.ok(i < cap, `Step was pressed ${cap} times and is still enabled; sequence so far: ${sequence.join(' → ')}`);
    await step.click();
    const name = await waitCurrentChange(page, prev, `after Step press ${i + 1}`);
    const nodes = byName(await readNodes(page));
    const node = nodes.get(name);
    if (node.op !== 'const') {
      assert.ok(node.grad !== null, `after Step press ${i + 1}: the current ${describeNode(node)} should have its data-grad filled`);
    }
    sequence.push(name);
    panels.push((await page.locator('#step-panel').innerText()).trim());
    prev = name;
    if (onStep) await onStep(i + 1, name);
  }
  return { sequence, panels };
}

/**
 * Asserts `sequence` (node names in processing order) holds every non-constant node exactly
 * once and is a reverse topological order: for each edge from→to, `to` comes before `from`.
 */
export function assertReverseTopological(sequence, nodes, edges, label) {
  const ops = new Map(nodes.map((n) => [n.name, n.op]));
  for (const name of sequence) assert.ok(ops.has(name), `${label}: step marked unknown node "${name}"`);
  const steps = sequence.filter((n) => ops.get(n) !== 'const');
  const nonConst = nodes.filter((n) => n.op !== 'const').map((n) => n.name);
  const seen = new Map();
  for (const name of steps) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const name of nonConst) {
    assert.equal(seen.get(name) ?? 0, 1, `${label}: node "${name}" should be stepped through exactly once; sequence: ${sequence.join(' → ')}`);
  }
  assert.equal(steps.length, nonConst.length, `${label}: sequence has extra steps: ${sequence.join(' → ')}`);
  const pos = new Map(steps.map((n, i) => [n, i]));
  for (const { from, to } of edges) {
    if (!pos.has(from) || !pos.has(to)) continue; // constants are not stepped
    assert.ok(
      pos.get(to) < pos.get(from),
      `${label}: edge ${from} → ${to}: "${to}" must be processed before "${from}" in the backward pass; sequence: ${sequence.join(' → ')}`,
    );
  }
}

/** Rows of the "Gradient check" table: {name, analytic, numeric, relError, flagged}. */
export async function readGradCheck(page) {
  const table = page.locator('table', { has: page.locator('caption', { hasText: /^\s*Gradient check\s*$/ }) });
  assert.equal(await table.count(), 1, 'expected exactly one <table> with <caption>Gradient check</caption>');
  return table.locator('tr[data-name]').evaluateAll((rows) =>
    rows.map((r) => ({
      name: r.getAttribute('data-name'),
      analytic: parseFloat(r.getAttribute('data-analytic')),
      numeric: parseFloat(r.getAttribute('data-numeric')),
      relError: parseFloat(r.getAttribute('data-rel-error')),
      rawRelError: r.getAttribute('data-rel-error'),
      flagged: r.classList.contains('flagged'),
    })),
  );
}

/** The body rows of the "Nodes" table as arrays of cell texts. */
export async function readNodesTable(page) {
  const table = page.locator('table', { has: page.locator('caption', { hasText: /^\s*Nodes\s*$/ }) });
  assert.equal(await table.count(), 1, 'expected exactly one <table> with <caption>Nodes</caption>');
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent.trim())),
  );
}

/** Replaces the editor's text (fires input events like typing). */
export async function setSource(page, source) {
  await page.locator('#source').fill(source);
}

/** Waits until the URL's expr parameter equals `source`. */
export async function waitForUrlExpr(page, source, timeout = 5000) {
  try {
    await page.waitForFunction((src) => new URL(location.href).searchParams.get('expr') === src, source, { timeout });
  } catch {
    const got = new URL(page.url()).searchParams.get('expr');
    assert.fail(`the URL's expr parameter should become ${JSON.stringify(source)}, got ${JSON.stringify(got)}`);
  }
}
