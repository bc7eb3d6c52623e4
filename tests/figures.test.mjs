// The shell as "figures": <backprop-lab> elements on a plain host page (tests/host/, served
// under /sub/path/host/), each in its own open shadow root and all on one wasm instance; and
// the full page as one figure whose views switch in place (nav links, Back/Forward, a training
// point's graph and "Back to training"), keeping every view's state.
//
// The core under Node (target/node-pkg) is the reference for a training point's gradients,
// as in lab.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLab, until } from './support/browser.mjs';
import {
  NODE,
  readNodes,
  readNodesIn,
  assertGrads,
  assertValues,
  waitForNodes,
  waitForUrlExpr,
} from './support/graph.mjs';
import { EX1, EX2, exprQuery } from './support/examples.mjs';
import { pointOn, loneliest } from './support/plane.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.NODE_PKG_DIR || path.resolve(here, '..', 'target', 'node-pkg');
const { Trainer } = createRequire(import.meta.url)(path.join(pkg, 'backprop_lab.js'));

const HOST = 'host/figures.html';
const FIGS = ['fig1', 'fig2', 'fig3'];
const PAGE_ROOT = '[data-backprop-lab-page]';
const VIEWS = ['graph', 'train', 'lr', 'step'];
const CUSTOM = 'a = 3; b = -2; f = a * b + a'; // f = −3; df/da = b + 1 = −1, df/db = a = 3


/** The host page's readiness: every <backprop-lab> with these ids has data-ready="1". */
const figuresReady = (ids) => ids.every((id) => document.getElementById(id)?.getAttribute('data-ready') === '1');

function openHost(lab, t) {
  return lab.openUrl(t, HOST, { ready: figuresReady, readyArg: FIGS, what: `data-ready="1" on #${FIGS.join(', #')}` });
}

const fig = (page, id) => page.locator(`#${id}`);

/** What a figure's graph shows, for "unchanged" checks: [name, value, grad, current] per node. */
async function snapshot(scope) {
  return (await readNodesIn(scope)).map((n) => [n.name, n.rawValue, n.rawGrad, n.current]);
}

const wasmResponses = (page) => page.lab.responses.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));

/** The core's reference for the default network on XOR after `steps` steps: the training point
 *  farthest from its nearest neighbour (so a click cannot hit another), its gradients and the
 *  expression the graph view opens for it. */
function xorReference(steps) {
  const defaults = Trainer.defaultConfig();
  const core = new Trainer({ ...defaults, dataset: { ...defaults.dataset, kind: 'xor' } });
  if (steps > 0) core.train(steps);
  const [train] = core.points();
  const index = loneliest(train);
  return { point: train[index], grads: new Map(core.exampleGradients(index)), source: core.exampleSource(index) };
}

/** Each parameter's data-grad in `scope`'s graph against the core's. */
async function assertExampleGrads(scope, want, label) {
  assert.ok(want.size > 0, 'the core gave no gradients');
  for (const [name, g] of want) {
    const raw = await scope.locator(`#graph [data-name="${name}"]`).first().getAttribute('data-grad');
    const got = Number(raw);
    assert.ok(raw !== null && raw !== '' && Math.abs(got - g) <= 1e-9 * Math.max(1, Math.abs(g)), `${label}: ${name}: page "${raw}", core ${g}`);
  }
}

describe('figures on a host page', () => {
  const lab = useLab();

  test('three figures draw; each keeps its own state; none touches the host\'s URL, scroll, keys or ids; one wasm', async (t) => {
    const page = await openHost(lab, t);
    const href = await page.evaluate(() => location.href);
    assert.match(href, /\/sub\/path\/host\/figures\.html$/);

    // the figure roots: host and .bpl both say the view; .bpl says how long mounting took
    for (const [id, view] of [['fig1', 'graph'], ['fig2', 'graph'], ['fig3', 'train']]) {
      assert.equal(await fig(page, id).getAttribute('data-view'), view, `#${id}'s data-view`);
      const info = await page.evaluate((id) => {
        const root = document.getElementById(id).shadowRoot;
        const bpl = root?.querySelector('.bpl');
        return { shadow: !!root, bpl: !!bpl, view: bpl?.getAttribute('data-view'), ms: bpl?.getAttribute('data-mount-ms') };
      }, id);
      assert.ok(info.shadow, `#${id} should have an open shadow root`);
      assert.ok(info.bpl, `#${id}'s shadow root should hold the figure root .bpl`);
      assert.equal(info.view, view, `#${id} .bpl data-view`);
      assert.ok(info.ms !== null && Number.isFinite(Number(info.ms)) && Number(info.ms) >= 0, `#${id} .bpl data-mount-ms should be a duration in ms, got ${info.ms}`);
    }

    // fig1: the lecture's first circuit, every gradient shown (step="all")
    const fig1 = fig(page, 'fig1');
    const fig2 = fig(page, 'fig2');
    await until(async () => (await readNodesIn(fig1)).some((n) => n.name === 'x' && n.grad !== null), '#fig1 should show the circuit\'s gradients');
    const n1 = await readNodesIn(fig1);
    assertValues(n1, { x: -2, y: 5, z: -4, f: -12 }, { label: '#fig1: ' });
    assertGrads(n1, EX1.grads, { label: '#fig1: ' });
    // fig2: the σ neuron gate by gate
    await until(async () => (await readNodesIn(fig2)).some((n) => n.name === 'w0' && n.grad !== null), '#fig2 should show the neuron\'s gradients');
    const n2 = await readNodesIn(fig2);
    assertValues(n2, { f: EX2.f }, { label: '#fig2: ' });
    assertGrads(n2, EX2.grads, { label: '#fig2: ' });
    const fig2Before = await snapshot(fig2);

    // ids stay inside the shadow roots: each figure has its own #graph, the host has none
    assert.equal(await page.evaluate(() => document.getElementById('graph') === null), true, 'the host page must not have an element with id "graph"');
    assert.equal(await page.evaluate(() => document.getElementById('source') === null), true, 'the host page must not have an element with id "source"');
    assert.equal(
      await page.evaluate(() => ['fig1', 'fig2'].map((id) => document.getElementById(id).shadowRoot.getElementById('graph')).filter(Boolean).length),
      2,
      'fig1 and fig2 each have their own #graph in their shadow roots',
    );

    // Scroll to a known place (fig1 above the viewport), then Reset and Step fig1 through
    // element.click(): no scrolling, no focusing that scrolls.
    const known = await page.evaluate(() => {
      const y = document.getElementById('fig2').getBoundingClientRect().top + window.scrollY - 20;
      window.scrollTo(0, y);
      return window.scrollY;
    });
    assert.ok(known > 0, `the host page should be tall enough to scroll (scrollY ${known})`);
    // what the reader sees: fig2's place in the viewport (fig1, above it, may grow as it steps,
    // and the browser's scroll anchoring then moves scrollY with it, keeping fig2 still)
    const fig2Top = () => page.evaluate(() => Math.round(document.getElementById('fig2').getBoundingClientRect().top));
    const topBefore = await fig2Top();
    const clickIn = (id, name) =>
      page.evaluate(([id, name]) => {
        const root = document.getElementById(id).shadowRoot;
        const b = [...root.querySelectorAll('button')].find((el) => el.textContent.trim() === name && el.getClientRects().length > 0);
        if (!b) throw new Error(`no visible button "${name}" in #${id}`);
        b.click();
      }, [id, name]);
    await clickIn('fig1', 'Reset');
    await until(async () => (await readNodesIn(fig1)).every((n) => (n.rawGrad ?? '') === '' && !n.current), '#fig1: after Reset every data-grad should be empty');
    await clickIn('fig1', 'Step');
    const stepped = await until(async () => {
      const nodes = await readNodesIn(fig1);
      return nodes.filter((n) => n.current).length === 1 && nodes;
    }, '#fig1: after Reset and Step exactly one node should have data-current="true"');
    assert.ok(stepped.some((n) => n.op !== 'const' && n.grad === null), '#fig1: one step in, some gradients are still empty');
    assert.equal(await fig2Top(), topBefore, 'Reset and Step in a figure must not scroll the host page');
    assert.deepEqual(await snapshot(fig2), fig2Before, '#fig2 is unchanged by fig1\'s Reset and Step');

    // the host's keys are the host's: an arrow key on the page's body steps no figure
    const fig1Stepped = await snapshot(fig1);
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    assert.deepEqual(await snapshot(fig1), fig1Stepped, 'an arrow key on the host page must not step #fig1');
    assert.equal(await fig2Top(), topBefore, 'the arrow key did not scroll either');

    // fig3 trains; the graphs stay as they were
    const fig3 = fig(page, 'fig3');
    const stepAttr = () => fig3.locator('#t-count-step').getAttribute('data-step');
    assert.equal(await stepAttr(), '0', '#fig3 starts at step 0');
    for (let i = 1; i <= 3; i++) {
      await fig3.getByRole('button', { name: 'Step', exact: true }).click();
      await until(async () => (await stepAttr()) === String(i), `#fig3's data-step should become ${i}`);
    }
    assert.deepEqual(await snapshot(fig1), fig1Stepped, '#fig1 is unchanged by fig3\'s training');
    assert.deepEqual(await snapshot(fig2), fig2Before, '#fig2 is unchanged by fig3\'s training');

    // a new preset attribute redraws fig1 as the σ neuron (fig2's nodes), and only fig1
    await page.evaluate(() => document.getElementById('fig1').setAttribute('preset', 'sigmoid-neuron'));
    const shape = (nodes) => nodes.map((n) => `${n.name}:${n.op}`).sort().join(' ');
    const want = shape(await readNodesIn(fig2));
    await until(async () => shape(await readNodesIn(fig1)) === want, `#fig1 should show the σ neuron's nodes (${want}) after preset="sigmoid-neuron"`);
    assert.deepEqual(await snapshot(fig2), fig2Before, '#fig2 is unchanged by fig1\'s new preset');
    assert.equal(await stepAttr(), '3', '#fig3 is unchanged by fig1\'s new preset');
    assert.equal(await fig(page, 'fig1').getAttribute('data-view'), 'graph');

    assert.equal(await page.evaluate(() => location.href), href, 'the figures must leave the host page\'s URL alone');
    assert.equal(page.url(), href);
    const wasm = wasmResponses(page);
    assert.equal(wasm.length, 1, `three figures share one wasm module: expected one .wasm response, got ${wasm.length}: ${wasm.map((r) => r.url).join(', ')}`);
    assert.equal(wasm[0].status, 200);
  });

  test('an element with hidden="3,3" (the lab\'s neurons per layer) is shown, with those layers', async (t) => {
    const page = await openHost(lab, t);
    await page.evaluate(() => {
      const el = document.createElement('backprop-lab');
      el.id = 'fig-hidden';
      el.setAttribute('view', 'train');
      el.setAttribute('hidden', '3,3');
      document.getElementById('outro').after(el);
    });
    const f = fig(page, 'fig-hidden');
    await until(async () => (await f.getAttribute('data-ready')) === '1', '#fig-hidden gets data-ready="1"');
    const box = await f.boundingBox();
    assert.ok(box && box.height > 200, `HTML's hidden attribute does not hide the figure (height ${box?.height})`);
    assert.match(await f.evaluate((el) => el.state), /hidden=3(%2C|,)3/, 'the figure trains a 3-3 network');
  });

  test('a figure added later draws on the same wasm, and a new expr attribute redraws it', async (t) => {
    const page = await openHost(lab, t);
    const href = await page.evaluate(() => location.href);
    await page.evaluate((src) => {
      const el = document.createElement('backprop-lab');
      el.id = 'fig4';
      el.setAttribute('expr', src);
      el.setAttribute('step', 'all');
      document.getElementById('outro').after(el);
    }, CUSTOM);
    const fig4 = fig(page, 'fig4');
    await until(async () => (await fig4.getAttribute('data-ready')) === '1', 'the added #fig4 should get data-ready="1"');
    assert.equal(await fig4.getAttribute('data-view'), 'graph');
    await until(async () => (await readNodesIn(fig4)).some((n) => n.name === 'a' && n.grad !== null), '#fig4 should show its gradients');
    const nodes = await readNodesIn(fig4);
    assertValues(nodes, { a: 3, b: -2, f: -3 }, { label: '#fig4: ' });
    assertGrads(nodes, { a: -1, b: 3, f: 1 }, { label: '#fig4: ' });

    await page.evaluate(() => document.getElementById('fig4').setAttribute('expr', 'u = 2; v = 5\ng = u * v'));
    await until(async () => {
      const names = new Set((await readNodesIn(fig4)).map((n) => n.name));
      return names.has('u') && names.has('g') && !names.has('a');
    }, '#fig4 should redraw with u, v and g after its expr attribute changed');
    assertValues(await readNodesIn(fig4), { u: 2, v: 5, g: 10 }, { label: '#fig4 after the new expr: ' });
    // the others are as they were
    assertGrads(await readNodesIn(fig(page, 'fig1')), EX1.grads, { label: '#fig1: ' });
    assert.equal(await page.evaluate(() => location.href), href);
    assert.equal(wasmResponses(page).length, 1, 'the added figure fetched no second .wasm');
  });

  test('a training point in a figure opens its graph inside that figure, and Back to training returns', async (t) => {
    const page = await openHost(lab, t);
    const href = await page.evaluate(() => location.href);
    const fig3 = fig(page, 'fig3');
    const steps = 4;
    for (let i = 1; i <= steps; i++) {
      await fig3.getByRole('button', { name: 'Step', exact: true }).click();
      await until(async () => (await fig3.locator('#t-count-step').getAttribute('data-step')) === String(i), `#fig3's data-step should become ${i}`);
    }
    const loss = await fig3.locator('#t-loss-train').getAttribute('data-loss-train');
    const fig1Before = await snapshot(fig(page, 'fig1'));
    const canvas = fig3.locator('#t-boundary');
    await until(() => canvas.getAttribute('data-plot'), '#fig3 #t-boundary should carry data-plot');
    const ref = xorReference(steps);
    const at = await pointOn(canvas, ref.point.x, ref.point.y);
    await page.mouse.click(at.x, at.y);
    await until(async () => (await fig3.getAttribute('data-view')) === 'graph', '#fig3 should switch to its graph view after a click on a training point');
    await until(async () => (await fig3.locator(NODE).count()) > 10, '#fig3 should draw the example\'s graph');
    await assertExampleGrads(fig3, ref.grads, '#fig3\'s example graph');
    const back = fig3.getByRole('button', { name: 'Back to training' });
    assert.equal(await back.isVisible(), true, '#fig3 shows a "Back to training" button');
    assert.equal(await back.getAttribute('id'), 'btn-back-train');
    await back.click();
    await until(async () => (await fig3.getAttribute('data-view')) === 'train', '#fig3 should return to the training view');
    assert.equal(await fig3.locator('#t-count-step').getAttribute('data-step'), String(steps), 'the run is where it was');
    assert.equal(await fig3.locator('#t-loss-train').getAttribute('data-loss-train'), loss, 'the same training loss');
    assert.deepEqual(await snapshot(fig(page, 'fig1')), fig1Before, '#fig1 is unchanged');
    assert.equal(await page.evaluate(() => location.href), href, 'the host page\'s URL is unchanged');
    assert.equal(await page.evaluate(() => document.getElementById('btn-back-train') === null), true, 'the button\'s id stays in the shadow root');
  });
});

describe('the page as one figure', () => {
  const lab = useLab();

  const root = (page) => page.locator(PAGE_ROOT);
  const view = (page) => root(page).getAttribute('data-view');
  const query = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));

  async function waitView(page, want, what) {
    await page
      .waitForFunction(([sel, v]) => document.querySelector(sel)?.getAttribute('data-view') === v, [PAGE_ROOT, want], { timeout: 5000 })
      .catch(async () => assert.fail(`${what}: ${PAGE_ROOT} data-view should become "${want}", is "${await view(page)}"`));
  }

  async function assertSamePage(page, what) {
    assert.equal(await page.evaluate(() => window.__marker), 42, `${what}: window.__marker is gone, so the page was loaded again`);
  }

  /** The nav link of `want` has aria-current="page", the others none. */
  async function assertNav(page, want, what) {
    for (const v of VIEWS) {
      const cur = await page.locator(`#nav-${v}`).getAttribute('aria-current');
      if (v === want) assert.equal(cur, 'page', `${what}: #nav-${v} should have aria-current="page"`);
      else assert.ok(cur === null || cur === 'false', `${what}: #nav-${v} should not be current, has aria-current="${cur}"`);
    }
  }

  async function waitQueryView(page, want, what) {
    await page
      .waitForFunction((v) => (new URLSearchParams(location.search).get('view') ?? 'graph') === v, want, { timeout: 5000 })
      .catch(async () => assert.fail(`${what}: the address should say view=${want}; it is ${page.url()}`));
  }

  async function switchTo(page, want) {
    await page.locator(`#nav-${want}`).click();
    await waitView(page, want, `after clicking #nav-${want}`);
    await assertSamePage(page, `after clicking #nav-${want}`);
    await assertNav(page, want, `after clicking #nav-${want}`);
    await waitQueryView(page, want, `after clicking #nav-${want}`);
  }

  const stepOf = (page) => page.locator('#t-count-step').getAttribute('data-step');
  const lossOf = (page) => page.locator('#t-loss-train').getAttribute('data-loss-train');

  async function trainSteps(page, n) {
    const start = Number(await stepOf(page));
    for (let i = 1; i <= n; i++) {
      await page.locator('#t-step').click();
      await until(async () => Number(await stepOf(page)) === start + i, `data-step should become ${start + i}`);
    }
    return stepOf(page);
  }

  async function assertCustomGraph(page, what) {
    assert.equal(await page.locator('#source').inputValue(), CUSTOM, `${what}: #source keeps the typed expression`);
    await waitForNodes(page, ['a', 'b', 'f']);
    assertValues(await readNodes(page), { a: 3, b: -2, f: -3 }, { label: `${what}: ` });
  }

  test('the nav links and Back/Forward switch views in place and every view keeps its state', async (t) => {
    const page = await lab.openPage(t, exprQuery(CUSTOM));
    await page.evaluate(() => { window.__marker = 42; });
    assert.equal(await view(page), 'graph');
    await assertNav(page, 'graph', 'on load');
    await assertCustomGraph(page, 'on load');

    await switchTo(page, 'train');
    const step = await trainSteps(page, 5);
    assert.equal(step, '5');
    const loss = await lossOf(page);

    await switchTo(page, 'graph');
    await assertCustomGraph(page, 'back in the graph view');
    await waitForUrlExpr(page, CUSTOM);

    await switchTo(page, 'train');
    assert.equal(await stepOf(page), step, 'the training view is at the same step');
    assert.equal(await lossOf(page), loss, 'with the same training loss');

    // history: load (graph) → train → graph → train; Back and Forward walk it in place
    await page.goBack();
    await waitView(page, 'graph', 'after Back');
    await assertSamePage(page, 'after Back');
    await assertNav(page, 'graph', 'after Back');
    await assertCustomGraph(page, 'after Back');
    assert.equal((await query(page)).expr, CUSTOM, 'after Back the address holds the expression');

    await page.goBack();
    await waitView(page, 'train', 'after a second Back');
    await assertSamePage(page, 'after a second Back');
    assert.equal(await stepOf(page), step, 'after a second Back the run is where it was');
    assert.equal((await query(page)).view, 'train');

    await page.goForward();
    await waitView(page, 'graph', 'after Forward');
    await assertSamePage(page, 'after Forward');
    await assertCustomGraph(page, 'after Forward');

    await page.goForward();
    await waitView(page, 'train', 'after a second Forward');
    await assertSamePage(page, 'after a second Forward');
    await assertNav(page, 'train', 'after a second Forward');
    assert.equal(await stepOf(page), step);
    assert.equal(await lossOf(page), loss);

    const documents = page.lab.responses.filter((r) => r.resourceType === 'document');
    assert.equal(documents.length, 1, `one page load in all: ${documents.map((r) => r.url).join(', ')}`);
    assert.equal(wasmResponses(page).length, 1, 'one .wasm in all');
  });

  test('a training point\'s graph opens in the same figure; Back to training returns to the same run', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    await page.evaluate(() => { window.__marker = 42; });
    assert.equal(await view(page), 'train');
    const steps = 10;
    const step = await trainSteps(page, steps);
    const loss = await lossOf(page);
    const ref = xorReference(steps);

    const at = await pointOn(page.locator('#t-boundary'), ref.point.x, ref.point.y);
    await page.mouse.click(at.x, at.y);
    await waitView(page, 'graph', 'after clicking a training point');
    await assertSamePage(page, 'after clicking a training point');
    await until(async () => (await page.locator(NODE).count()) > 10, 'the example\'s graph should be drawn');
    await assertExampleGrads(page, ref.grads, 'the example\'s graph');
    assert.equal(await page.locator('#source').inputValue(), ref.source, '#source holds the example written as an expression');
    await waitForUrlExpr(page, ref.source);
    const back = page.locator('#btn-back-train');
    assert.equal(await back.isVisible(), true, 'the "Back to training" button is visible');
    assert.equal(await page.getByRole('button', { name: 'Back to training' }).count(), 1, 'one button named "Back to training"');

    await back.click();
    await waitView(page, 'train', 'after Back to training');
    await assertSamePage(page, 'after Back to training');
    assert.equal(await stepOf(page), step, 'the same data-step as before the click');
    assert.equal(await lossOf(page), loss, 'the same data-loss-train as before the click');
    await waitQueryView(page, 'train', 'after Back to training');

    // from the keyboard: N puts the cross on the nearest training point, Enter opens its graph
    const plane = page.locator('#t-boundary');
    await plane.focus();
    await plane.press('n');
    await plane.press('Enter');
    await waitView(page, 'graph', 'after Enter on a training point');
    await assertSamePage(page, 'after Enter on a training point');
    assert.ok((await page.locator(NODE).count()) > 10, 'the example\'s graph, from the keyboard');
    await page.getByRole('button', { name: 'Back to training' }).click();
    await waitView(page, 'train', 'after Back to training (keyboard round)');
    assert.equal(await stepOf(page), step, 'still the same data-step');
    assert.equal(await lossOf(page), loss, 'still the same data-loss-train');
    assert.equal(page.lab.responses.filter((r) => r.resourceType === 'document').length, 1, 'one page load in all');
  });
});
