// Issue 13, the export half that stands: every download has the name that says what it holds
// and parses, with the numbers the page shows. The graph view: Download SVG (XML with every
// node's text, the whole graph), Download PNG (twice the drawing's size), Export JSON (nodes
// with name, op, inputs, value, gradient as shown, and the backward steps). The training view:
// the network drawing as SVG and PNG, the network as JSON, the loss against step as CSV whose
// last row is the counters' step and training loss.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { useLab, until, openElementFigure } from './support/browser.mjs';

/** Clicks the button and returns the download: its suggested name and its bytes. */
async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), locator.click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: await fs.readFile(file) };
}

/** Parses an SVG text in the page: no parser error, its text and its size. */
const parseSvg = (page, text) =>
  page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: svg.localName,
      text: svg.textContent,
      width: Number(svg.getAttribute('width')),
      height: Number(svg.getAttribute('height')),
      styled: [...svg.querySelectorAll('text')].every((t) => /fill:/.test(t.getAttribute('style') || '')),
    };
  }, text);

/** A PNG's width and height (from its IHDR chunk). */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('export', () => {
  const lab = useLab();

  test('the graph view downloads the whole graph as SVG and PNG, and its nodes and steps as JSON', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit');
    await page.getByRole('button', { name: 'Backward', exact: true }).click();
    // zoomed in, the file is still the whole graph
    await page.getByRole('button', { name: 'Zoom in' }).click();
    const bar = page.getByRole('toolbar', { name: 'Export the graph' });

    const svg = await download(page, bar.getByRole('button', { name: 'Download SVG' }));
    assert.equal(svg.name, 'backprop-lab-circuit-graph.svg');
    const parsed = await parseSvg(page, svg.bytes.toString('utf8'));
    assert.equal(parsed.error, null, 'the SVG parses as XML');
    assert.equal(parsed.root, 'svg');
    for (const s of ['x', 'y', 'z', 'q', 'f', '−2.00', '5.00', '−4.00', '3.00', '−12.00']) {
      assert.ok(parsed.text.includes(s), `the SVG holds “${s}”: ${parsed.text.slice(0, 200)}`);
    }
    assert.ok(parsed.styled, 'every text carries its look (fill) with it');
    const [w, h] = await page.evaluate(() => ['width', 'height'].map((k) => Number(document.getElementById('graph').getAttribute(k))));
    assert.deepEqual([parsed.width, parsed.height], [w, h], 'the whole graph, at its natural size');

    const png = await download(page, bar.getByRole('button', { name: 'Download PNG' }));
    assert.equal(png.name, 'backprop-lab-circuit-graph.png');
    assert.deepEqual(pngSize(png.bytes), [Math.ceil(w * 2), Math.ceil(h * 2)], 'twice the drawing, for slides');

    const json = await download(page, bar.getByRole('button', { name: 'Export JSON' }));
    assert.equal(json.name, 'backprop-lab-circuit-graph.json');
    const g = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(g.format, 'backprop-lab-graph');
    const byName = Object.fromEntries(g.nodes.map((n) => [n.name, n]));
    assert.deepEqual(byName.f.inputs, ['q', 'z']);
    assert.equal(byName.f.op, 'mul');
    assert.deepEqual([byName.x.value, byName.x.grad, byName.z.grad, byName.q.grad], [-2, -4, 3, -4]);
    assert.equal(g.steps.length, 5);
    assert.equal(g.steps[0].node, 'f');

    // a step at a time: the JSON has the gradients shown, no more
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const one = JSON.parse((await download(page, bar.getByRole('button', { name: 'Export JSON' }))).bytes.toString('utf8'));
    assert.deepEqual(one.nodes.filter((n) => n.grad !== null).map((n) => n.name), ['f'], 'after one step only f has its gradient');
    // a typed expression is called what it is
    await page.locator('#source').fill('a = 2\nf = a * a');
    await until(async () => (await page.locator('#graph g.node').count()) === 2, 'the typed graph is drawn');
    assert.equal((await download(page, bar.getByRole('button', { name: 'Download SVG' }))).name, 'backprop-lab-expression-graph.svg');
  });

  test('the training view downloads the network as SVG, PNG and JSON, and the loss as CSV matching the counters', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    for (let i = 0; i < 3; i++) await page.locator('#t-step').click();
    await until(async () => Number(await page.locator('[data-step]').first().getAttribute('data-step')) >= 3, 'three steps');

    const net = page.getByRole('toolbar', { name: 'Export the network' });
    const svg = await download(page, net.getByRole('button', { name: 'Download SVG' }));
    assert.equal(svg.name, 'backprop-lab-xor-network.svg');
    const parsed = await parseSvg(page, svg.bytes.toString('utf8'));
    assert.equal(parsed.error, null, 'the network SVG parses');
    assert.ok(parsed.width > 100 && parsed.height > 50, `it has its size (${parsed.width}×${parsed.height})`);
    const png = await download(page, net.getByRole('button', { name: 'Download PNG' }));
    assert.equal(png.name, 'backprop-lab-xor-network.png');
    assert.deepEqual(pngSize(png.bytes), [Math.ceil(parsed.width * 2), Math.ceil(parsed.height * 2)]);

    const json = await download(page, net.getByRole('button', { name: 'Export JSON' }));
    assert.equal(json.name, 'backprop-lab-xor-network.json');
    const n = JSON.parse(json.bytes.toString('utf8'));
    assert.equal(n.format, 'backprop-lab-network');
    assert.deepEqual(n.config.hidden, [6, 5]);
    const step = Number(await page.locator('[data-step]').first().getAttribute('data-step'));
    assert.equal(n.snapshot.step, step, 'the step it was saved at');
    assert.equal(n.snapshot.layers.length, 3, 'every layer, with its weights and biases');
    assert.deepEqual(n.snapshot.layers[0].weights.shape, [2, 6]);

    const csv = await download(page, page.getByRole('toolbar', { name: 'Export the loss' }).getByRole('button', { name: 'Export CSV' }));
    assert.equal(csv.name, 'backprop-lab-xor-loss.csv');
    const lines = csv.bytes.toString('utf8').trim().split('\n');
    assert.equal(lines[0], 'step,train_loss,test_loss');
    const last = lines[lines.length - 1].split(',').map(Number);
    assert.equal(last[0], step, 'the last row is the step shown');
    const shown = Number(await page.locator('#t-loss-train').getAttribute('data-loss-train'));
    assert.ok(Math.abs(last[1] - shown) <= 1e-9 * Math.max(1, Math.abs(shown)), `the last train loss ${last[1]} is data-loss-train ${shown}`);
  });

  test('an element figure exports through export(what), and a wrong what says what is allowed', async (t) => {
    const page = await openElementFigure(lab, t, 'fx', { preset: 'fan-out', step: 'all' });
    const [d] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => document.getElementById('fx').export('graph-json'))]);
    assert.equal(d.suggestedFilename(), 'backprop-lab-fan-out-graph.json');
    const g = JSON.parse(await fs.readFile(await d.path(), 'utf8'));
    assert.equal(g.nodes.find((n) => n.name === 'a').grad, 7, 'a = 3 used three times: 2a + 1');
    const message = await page.evaluate(() => {
      try {
        document.getElementById('fx').export('everything');
      } catch (e) {
        return e.message;
      }
      return 'did not throw';
    });
    assert.match(message, /export\(what\): what is one of graph-svg, graph-png, graph-json, network-svg, network-png, network-json, loss-csv, data-csv, lab; got “everything” \(or a plot's: loss-png, loss-svg, /);
    // a plot's download by its name: in the training view, once shown
    await page.evaluate(() => document.getElementById('fx').setAttribute('view', 'train'));
    await until(() => page.evaluate(() => !!document.getElementById('fx').shadowRoot.querySelector('#t-loss-plot')), 'the training view is drawn');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => document.getElementById('fx').export('loss-svg'))]);
    assert.equal(svg.suggestedFilename(), 'backprop-lab-circle-loss.svg');
  });

  test('the line charts download as SVG: vector lines and their axes\' text, parsed as XML', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    for (let i = 0; i < 3; i++) await page.locator('#t-step').click();
    const svgOf = async (bar) => {
      const d = await download(page, page.locator(`#${bar}`).getByRole('button', { name: 'Download SVG' }));
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.localName,
          text: doc.documentElement.textContent,
          lines: doc.querySelectorAll('polyline, path, line').length,
        };
      }, d.bytes.toString('utf8'));
      return { name: d.name, ...parsed };
    };
    const loss = await svgOf('t-loss-export');
    assert.equal(loss.name, 'backprop-lab-xor-loss.svg');
    assert.equal(loss.error, null, 'the SVG parses as XML');
    assert.equal(loss.root, 'svg');
    for (const s of ['Loss against step', 'step', 'loss', 'train', 'test']) assert.ok(loss.text.includes(s), `the loss SVG says “${s}”`);
    assert.ok(loss.lines > 10, `its lines are vector lines (${loss.lines})`);
    // the step-size view's profile too; the contour, a picture, has PNG only
    await page.getByRole('link', { name: 'Step size' }).click();
    const profile = await svgOf('s-profile-export');
    assert.equal(profile.name, 'backprop-lab-xor-step-profile.svg');
    assert.equal(profile.error, null);
    assert.equal(await page.locator('#s-contour-export').getByRole('button', { name: 'Download SVG' }).count(), 0);
  });

  test('every plot downloads a PNG at twice its size, and the sweep, range test, schedules, descent and profile their numbers as CSV', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    await page.locator('#t-step').click();
    const png = async (id, name, bar = `${id}-export`) => {
      const shown = await page.locator(`#${id}`).evaluate((c) => c.clientWidth);
      const d = await download(page, page.locator(`#${bar}`).getByRole('button', { name: 'Download PNG' }));
      assert.equal(d.name, name);
      const [w] = pngSize(d.bytes);
      assert.equal(w, Math.max(Math.round(shown * 2), await page.locator(`#${id}`).evaluate((c) => c.width)), `${id}: twice its width on screen`);
      return d;
    };
    await png('t-boundary', 'backprop-lab-xor-boundary.png');
    await png('t-loss-plot', 'backprop-lab-xor-loss.png', 't-loss-export');
    assert.equal(await page.locator('#t-loss-plot').evaluate((c) => c.width), 420, 'the plot is drawn back at its own size');

    // the learning-rate view: a small sweep, then its table and curves
    await page.getByRole('link', { name: 'Learning rate' }).click();
    const csvOf = async (id) => {
      const d = await download(page, page.locator(`#${id}-export`).getByRole('button', { name: 'Export CSV' }));
      return { name: d.name, lines: d.bytes.toString('utf8').trim().split('\n') };
    };
    // before a run: a message, no file
    await page.locator('#lr-plot-csv').click();
    await until(async () => /Run the sweep first/.test(await page.locator('#lab-notice').textContent()), 'no sweep yet: it says so');
    await page.locator('#lr-rates').fill('4');
    await page.locator('#lr-steps').fill('50');
    await page.locator('#lr-run').click();
    await until(async () => (await page.locator('#lr-rows tr').count()) === 4, 'the sweep of 4 rates has run');
    const sweep = await csvOf('lr-plot');
    assert.equal(sweep.name, 'backprop-lab-xor-sweep.csv');
    assert.equal(sweep.lines[0], 'lr,final_loss,lowest_batch_loss,diverged_at_step');
    assert.equal(sweep.lines.length, 5, 'a row per rate');
    const curves = await csvOf('lr-curves');
    assert.equal(curves.name, 'backprop-lab-xor-sweep-curves.csv');
    assert.equal(curves.lines[0], 'lr,step,loss');
    assert.ok(curves.lines.length > 4 * 10, `every rate's curve (${curves.lines.length} lines)`);
    await png('lr-heat', 'backprop-lab-xor-sweep-heatmap.png');

    // the step-size view: the descent on the bowl and the live network's profile
    await page.getByRole('link', { name: 'Step size' }).click();
    const descent = await csvOf('s-contour');
    assert.equal(descent.name, 'backprop-lab-bowl-descent.csv');
    assert.equal(descent.lines[0], 'step,a,b,loss');
    assert.deepEqual(descent.lines[1].split(',').slice(0, 3).map(Number), [0, -4, 3], 'from the start (−4, 3)');
    const profile = await csvOf('s-profile');
    assert.equal(profile.name, 'backprop-lab-xor-step-profile.csv');
    assert.equal(profile.lines[0], 'eta,loss');
    const best = Number(await page.locator('#s-profile').getAttribute('data-best'));
    const rows = profile.lines.slice(1).map((l) => l.split(',').map(Number));
    const lowest = rows.reduce((a, b) => (b[1] < a[1] ? b : a));
    assert.equal(lowest[0], best, 'the lowest row is the data-best step size');
  });
});
