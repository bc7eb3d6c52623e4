// The page as a whole: assets served from a sub-path, embed mode, and the screenshots a person
// looks at (tests/artifacts/).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, screenshot, isImplicitFavicon } from './support/browser.mjs';
import { SUB_PATH } from './support/server.mjs';
import { button, readNodes, pressBackward, assertGrads } from './support/graph.mjs';
import { EX1, EX2, exprQuery } from './support/examples.mjs';

const BUTTONS = ['Forward', 'Backward', 'Step', 'Reset'];

describe('page', () => {
  const lab = useLab();

  test('every script, wasm and stylesheet loads from the sub-path with status 200', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    const isWasm = (r) => new URL(r.url).pathname.endsWith('.wasm') || r.contentType.startsWith('application/wasm');
    const assets = page.lab.responses.filter((r) => r.resourceType === 'script' || r.resourceType === 'stylesheet' || isWasm(r));
    assert.ok(assets.some((r) => r.resourceType === 'script'), `the page loaded no script; responses: ${JSON.stringify(page.lab.responses, null, 1)}`);
    assert.ok(assets.some(isWasm), `the page loaded no .wasm; responses: ${JSON.stringify(page.lab.responses, null, 1)}`);
    for (const r of assets) {
      const { pathname, origin } = new URL(r.url);
      assert.equal(origin, new URL(lab.url).origin, `${r.url} should come from the test server (no outside hosts)`);
      assert.ok(pathname.startsWith(SUB_PATH), `${r.url} should be under ${SUB_PATH} (asset paths must be relative)`);
      assert.equal(r.status, 200, `${r.url} (${r.resourceType}) should load with status 200`);
    }
    for (const r of page.lab.responses) {
      if (isImplicitFavicon(r.url, lab.url)) continue; // Chromium's own request, not the page's
      assert.ok(new URL(r.url).pathname.startsWith(SUB_PATH), `the page requested ${r.url} (${r.resourceType}), outside ${SUB_PATH}`);
    }
    for (const r of page.lab.responses.filter(isWasm)) {
      assert.match(r.contentType, /^application\/wasm/, `${r.url} should be served as application/wasm`);
    }
  });

  test('a loading note shows until the app starts, and says why when it cannot start', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    assert.equal(await page.locator('#boot').isVisible(), false, 'started: the note is gone');
    // the wasm module does not arrive (a dropped connection): the note says what failed, and
    // does not blame the browser
    const context = await lab.browser.newContext({ viewport: { width: 800, height: 500 } });
    t.after(() => context.close());
    const broken = await context.newPage();
    await broken.route('**/*.wasm', (route) => route.abort());
    await broken.goto(`${lab.url}?view=train`);
    const note = broken.locator('#boot-text.boot-failed');
    await note.waitFor({ timeout: 15_000 });
    const text = await note.textContent();
    assert.match(text, /could not start: (?:its WebAssembly module did not download|could not load backprop-lab-[0-9a-f]+_bg\.wasm)/, text);
    assert.doesNotMatch(text, /SIMD|Chrome|Firefox|Safari/, `a failed download is not the browser's fault: ${text}`);
    assert.equal(await broken.locator('body').getAttribute('data-ready'), null);
    await screenshot(broken, 'boot-failed.png');
  });

  test('a module that does not compile: the note names the browsers that can run it', async (t) => {
    // what a browser without WebAssembly SIMD sees: the module arrives but does not compile
    const context = await lab.browser.newContext({ viewport: { width: 800, height: 500 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.route('**/*.wasm', (route) =>
      route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from('not a wasm module') }));
    await page.goto(lab.url);
    const note = page.locator('#boot-text.boot-failed');
    await note.waitFor({ timeout: 15_000 });
    const text = await note.textContent();
    assert.match(text, /could not start \(.*CompileError.*\)\. It needs a current browser with WebAssembly SIMD: Chrome or Edge 91\+/s, text);
    assert.equal(await page.locator('body').getAttribute('data-ready'), null);
  });

  test('the graph view of example 2 after Backward at 1280×800 and 390×844', async (t) => {
    const wide = await lab.openPage(t, exprQuery(EX2.source), { viewport: { width: 1280, height: 800 } });
    assertGrads(await pressBackward(wide), EX2.grads);
    await screenshot(wide, 'graph-1280.png');

    const narrow = await lab.openPage(t, exprQuery(EX2.source), { viewport: { width: 390, height: 844 } });
    assertGrads(await pressBackward(narrow), EX2.grads);
    await screenshot(narrow, 'graph-390.png');
    for (const name of BUTTONS) {
      assert.equal(await button(narrow, name).isVisible(), true, `at 390 px the ${name} button is visible`);
    }
    // Usable at 390 px: the graph may scroll inside its own box, the page must not scroll sideways.
    const { scrollWidth, clientWidth } = await narrow.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    assert.ok(scrollWidth <= clientWidth + 1, `at 390 px the page scrolls sideways: scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`);
  });

  test('embed mode hides the page chrome and keeps the graph and its buttons', async (t) => {
    const normal = await lab.openPage(t, exprQuery(EX1.source));
    assert.equal(await normal.locator('header').first().isVisible(), true, 'without embed=1 the page header is visible');

    const page = await lab.openPage(t, exprQuery(EX1.source, { embed: '1' }), { viewport: { width: 800, height: 500 } });
    for (const sel of ['header', 'footer']) {
      const els = page.locator(sel);
      for (let i = 0; i < (await els.count()); i++) {
        assert.equal(await els.nth(i).isVisible(), false, `in embed mode <${sel}> #${i} should not be visible`);
      }
    }
    assert.equal(await page.locator('#graph').isVisible(), true, 'in embed mode the graph is visible');
    for (const name of BUTTONS) {
      assert.equal(await button(page, name).isVisible(), true, `in embed mode the ${name} button is visible`);
    }
    assert.ok((await readNodes(page)).length > 0, 'in embed mode the graph has nodes');
    assertGrads(await pressBackward(page), EX1.grads, { label: 'embed mode: ' });
    await screenshot(page, 'embed.png');
    // The training view embedded at 900×600 keeps its two columns: settings beside the network.
    const train = await lab.openPage(t, 'view=train&embed=1', { viewport: { width: 900, height: 600 } });
    assert.equal(await train.locator('header').first().isVisible(), false);
    const [settings, stage] = await Promise.all(['#train-view .controls', '#train-view .train-stage'].map((s) => train.locator(s).boundingBox()));
    assert.ok(settings.x + settings.width <= stage.x && stage.y < settings.y + 50, `settings ${JSON.stringify(settings)}, stage ${JSON.stringify(stage)}`);
    await screenshot(train, 'embed-train.png');
  });
});
