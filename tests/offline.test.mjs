// Offline and from disk: the single-file build (tools/single.mjs, `make dist-single`) opened from
// a file:// URL draws the circuit and backpropagates; the normal build opened from file:// says
// that it must be served, and how; and served over http, the site keeps working offline after
// a first visit (dist/sw.js, network first).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useLab, waitReady, screenshot } from './support/browser.mjs';
import { startServer, distDir } from './support/server.mjs';
import { button, NODE } from './support/graph.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SINGLE_TOOL = path.resolve(here, '..', 'tools', 'single.mjs');

/** A fresh temporary folder, removed when the test ends. */
async function tempDir(t, name) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bpl-${name}-`));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Waits until the graph's node `name` has `attr` equal to `want`; fails with what it saw. */
async function waitNodeAttr(page, name, attr, want, timeout = 10_000) {
  const sel = `${NODE}[data-name="${name}"]`;
  try {
    await page.waitForFunction(
      ([sel, attr, want]) => document.querySelector(sel)?.getAttribute(attr) === want,
      [sel, attr, want],
      { timeout },
    );
  } catch {
    const got = await page.$$eval(NODE, (els) => els.map((e) => `${e.getAttribute('data-name')}: value ${e.getAttribute('data-value')}, grad "${e.getAttribute('data-grad')}"`));
    assert.fail(`expected ${sel} to get ${attr}="${want}" within ${timeout} ms; the graph has: ${got.join('; ') || '(no nodes)'}`);
  }
}

/** Opens `url` in a fresh context (with the usual error check) and waits until the page has started. */
async function openStarted(lab, t, url) {
  return lab.openUrl(t, url, { ready: 'body[data-ready="1"]' });
}

/** Waits until a service worker controls the page: ready, then a reload (the first load ran without one). */
async function waitControlled(page) {
  const state = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state);
  assert.ok(state === 'activated' || state === 'activating', `the service worker should be active, it is ${state}`);
  await page.reload();
  await waitReady(page);
  const controlled = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
  assert.ok(controlled && controlled.endsWith('/sw.js'), `after a reload the page should be controlled by sw.js, got ${controlled}`);
}

/** A copy of the built site in a temporary folder, served under /sub/path/ (its own server). */
async function servedCopy(t) {
  const root = await tempDir(t, 'site');
  await fs.cp(distDir(), root, { recursive: true });
  const server = await startServer({ root });
  t.after(() => server.close());
  return { root, url: server.url };
}

describe('offline and from disk', () => {
  const lab = useLab();

  test('make dist-single: one file, opened from file://, draws the circuit and backpropagates', async (t) => {
    const out = path.join(await tempDir(t, 'single'), 'backprop-lab.html');
    const { stdout } = await promisify(execFile)(process.execPath, [SINGLE_TOOL, distDir(), out]);
    assert.match(stdout, /\d+ bytes .*\d+ bytes gzipped/, `the tool prints the size, raw and gzipped; it printed: ${stdout}`);

    const html = await fs.readFile(out, 'utf8');
    assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/, 'no <script src>: the glue is inlined');
    assert.doesNotMatch(html, /<link\b[^>]*\brel="(?:stylesheet|preload|modulepreload)"/, 'no stylesheet or preload links');
    assert.match(html, /<style>/, 'the style is inlined');
    assert.match(html, /<script type="module">/, 'the glue is an inline module');
    assert.match(html, /module_or_path: bytes/, "the wasm is handed to the glue's init as bytes");

    const url = pathToFileURL(out).href;
    const page = await openStarted(lab, t, url);
    await waitNodeAttr(page, 'f', 'data-value', '-12');
    await button(page, 'Backward').click();
    await waitNodeAttr(page, 'x', 'data-grad', '-4');
    const elsewhere = page.lab.responses.filter((r) => r.url !== url && !r.url.startsWith('data:'));
    assert.deepEqual(elsewhere, [], 'the single file loads nothing but itself');
    await screenshot(page, 'single-file.png');
  });

  test('the normal build opened from file:// says it must be served, and how', async (t) => {
    // Its modules are refused from file:// (the console reports the CORS errors; no error check here).
    const context = await lab.browser.newContext({ viewport: { width: 1000, height: 400 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(pathToFileURL(path.join(distDir(), 'index.html')).href);
    const note = page.locator('#boot-text');
    await page.waitForFunction(() => /must be served/.test(document.getElementById('boot-text')?.textContent ?? ''), null, { timeout: 10_000 })
      .catch(() => {});
    const text = (await note.textContent()).replace(/\s+/g, ' ');
    assert.match(text, /must be served over http\(s\)/, `the note: ${text}`);
    for (const how of ['make serve', 'python3 -m http.server', 'make dist-single']) {
      assert.ok(text.includes(how), `the note names ${JSON.stringify(how)}: ${text}`);
    }
    assert.doesNotMatch(text, /SIMD/, 'nothing about browser versions: the browser is not the problem');
    assert.equal(await note.isVisible(), true, 'the note is visible');
    assert.equal(await page.locator('body').getAttribute('data-ready'), null);
    await screenshot(page, 'boot-file.png');
  });

  test('offline after a first visit: the service worker answers from its cache', async (t) => {
    const site = await servedCopy(t);
    const page = await openStarted(lab, t, site.url);
    await waitControlled(page);

    await page.context().setOffline(true);
    // really offline, also for the worker's own fetches: a file never fetched before fails
    const unseen = await page.evaluate(() => fetch('never-fetched.txt').then((r) => `status ${r.status}`, (e) => `failed: ${e.message}`));
    assert.match(unseen, /^failed/, `offline, a file not in the cache cannot load (got ${unseen})`);
    // (the console's report of that failed load is expected: not one of the page's errors)
    const expected = (p) => p.includes('never-fetched.txt');
    page.lab.problems.splice(0, page.lab.problems.length, ...page.lab.problems.filter((p) => !expected(p)));

    await page.reload();
    await waitReady(page);
    await waitNodeAttr(page, 'f', 'data-value', '-12');
    await button(page, 'Backward').click();
    await waitNodeAttr(page, 'x', 'data-grad', '-4');
  });

  test('network first: a new build is never hidden behind the cached one', async (t) => {
    const site = await servedCopy(t);
    const page = await openStarted(lab, t, site.url);
    await waitControlled(page);
    const before = await page.title();

    // "a new build": the same site with another title
    const index = path.join(site.root, 'index.html');
    const html = await fs.readFile(index, 'utf8');
    await fs.writeFile(index, html.replace(/<title>[^<]*<\/title>/, '<title>Backprop Lab, build 2</title>'));
    await page.reload();
    await waitReady(page);
    assert.equal(await page.title(), 'Backprop Lab, build 2', `online, the page comes from the network (before: ${before})`);

    await page.context().setOffline(true);
    await page.reload();
    await waitReady(page);
    assert.equal(await page.title(), 'Backprop Lab, build 2', 'offline, the cache holds the newest copy');
  });
});
