// Browser helpers for the end-to-end tests: one Chromium per test file, one fresh page per test.
//
//   describe('…', () => {
//     const lab = useLab();                       // registers before/after hooks
//     test('…', async (t) => {
//       const page = await lab.openPage(t, 'expr=' + encodeURIComponent(src));
//       …
//     });
//   });
//
// openPage fails the test on any uncaught page error or console error, and closes the page
// when the test ends. openUrl does the same for another page of the site (the host pages under
// host/), waiting for a condition it is given.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// See shared/TOOLCHAIN.md: running as root on a closed network. Playwright adds its own
// fresh --user-data-dir.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DEFAULT_VIEWPORT = { width: 1280, height: 800 };
export const READY_TIMEOUT_MS = 20_000;
export const ACTION_TIMEOUT_MS = 10_000;

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS_DIR = path.resolve(here, '..', 'artifacts');

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Starts the static server and Chromium before the tests of the enclosing describe(), and
 * stops both after them. Returns an object whose fields are filled in by the before hook.
 */
export function useLab() {
  const lab = {
    /** @type {import('playwright-core').Browser} */ browser: null,
    server: null,
    /** http://127.0.0.1:PORT/sub/path/ */ url: null,
    openPage: (t, query, opts) => openPage(lab, t, query, opts),
    openUrl: (t, pathFromSubPath, opts) => openUrl(lab, t, pathFromSubPath, opts),
  };
  before(async () => {
    lab.server = await startServer();
    lab.url = lab.server.url;
    lab.browser = await launchBrowser();
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.close();
  });
  return lab;
}

/**
 * Opens `url + '?' + query` in a fresh browser context and waits for body[data-ready="1"].
 *
 * The returned page carries `page.lab = {problems, responses, url}`: problems are page errors
 * and console errors (the test fails at its end if there are any), responses every HTTP
 * response the page received ({url, status, resourceType, contentType}).
 *
 * @param {object} lab from useLab()
 * @param {import('node:test').TestContext} t the test's context (for cleanup and the error check)
 * @param {string} query the query string, without '?'
 * @param {{viewport?: {width: number, height: number}}} [opts]
 * @returns {Promise<import('playwright-core').Page>}
 */
export async function openPage(lab, t, query, { viewport = DEFAULT_VIEWPORT } = {}) {
  const page = await newLabPage(lab, t, lab.url + (query ? '?' + query : ''), { viewport });
  await page.goto(page.lab.url);
  await waitReady(page);
  return page;
}

/**
 * Opens another page of the served site, `url + pathFromSubPath` (e.g. 'host/figures.html'
 * or 'host/ten.html?x=1'), like openPage (same error check, same page.lab), and waits for
 * `ready`: a CSS selector (default body[data-ready="1"]) or a function run in the page until
 * it returns a truthy value (with `readyArg` as its argument).
 *
 * @param {object} lab from useLab()
 * @param {import('node:test').TestContext} t
 * @param {string} pathFromSubPath the path below /sub/path/, without a leading '/'; or an
 *   absolute URL (e.g. file:///…/backprop-lab.html), opened as it is
 * @param {{ready?: string | Function, readyArg?: any, what?: string,
 *          viewport?: {width: number, height: number}, timeout?: number}} [opts]
 *   what describes the condition in the failure message
 * @returns {Promise<import('playwright-core').Page>}
 */
export async function openUrl(
  lab,
  t,
  pathFromSubPath,
  { ready = 'body[data-ready="1"]', readyArg, what, viewport = DEFAULT_VIEWPORT, timeout = READY_TIMEOUT_MS } = {},
) {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(pathFromSubPath) ? pathFromSubPath : lab.url + pathFromSubPath.replace(/^\//, '');
  const page = await newLabPage(lab, t, url, { viewport });
  await page.goto(page.lab.url);
  await waitUntil(page, ready, { arg: readyArg, what, timeout });
  return page;
}

/**
 * A fresh context and page for `url` (not opened yet), with the error check and the response
 * log of openPage.
 */
async function newLabPage(lab, t, url, { viewport }) {
  assert.ok(lab.browser, 'the browser is not running (did the before hook fail?)');
  const context = await lab.browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);

  const problems = [];
  const responses = [];
  page.lab = { problems, responses, url };

  page.on('pageerror', (err) => problems.push(`uncaught page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      // Chromium asks for /favicon.ico at the server root on its own when the page names no
      // icon; that 404 comes from the sub-path server, not from the page.
      if (isImplicitFavicon(loc?.url, lab.url)) return;
      problems.push(`console error: ${msg.text()}${loc?.url ? ` (at ${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('response', (res) => {
    responses.push({
      url: res.url(),
      status: res.status(),
      resourceType: res.request().resourceType(),
      contentType: res.headers()['content-type'] ?? '',
    });
  });

  t.after(async () => {
    const seen = [...problems];
    await context.close().catch(() => {});
    assert.deepEqual(seen, [], `the page reported errors while this test ran:\n  ${seen.join('\n  ')}`);
  });
  return page;
}

/** True for the browser's own request of <origin>/favicon.ico. */
export function isImplicitFavicon(url, base) {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.origin === new URL(base).origin && u.pathname === '/favicon.ico';
  } catch {
    return false;
  }
}

/**
 * Waits for body[data-ready="1"]. Gives up at once when the page reports an error (which
 * would fail the test anyway), so a broken build fails fast instead of after 20 s per test.
 */
export async function waitReady(page, timeout = READY_TIMEOUT_MS) {
  return waitUntil(page, 'body[data-ready="1"]', { timeout });
}

/**
 * Waits for `condition` (a CSS selector to be attached, or a function run in the page until
 * it returns a truthy value, called with `arg`), giving up at once when the page reports an
 * error, as waitReady does.
 */
export async function waitUntil(page, condition, { arg, what, timeout = READY_TIMEOUT_MS } = {}) {
  const problems = page.lab?.problems ?? [];
  const described = what ?? (typeof condition === 'string' ? condition : 'the readiness condition');
  let poll;
  const firstProblem = new Promise((resolve) => {
    poll = setInterval(() => problems.length && resolve('problem'), 50);
  });
  const waiting =
    typeof condition === 'string'
      ? page.waitForSelector(condition, { state: 'attached', timeout })
      : page.waitForFunction(condition, arg, { timeout });
  const ready = waiting.then(() => 'ready', (err) => err);
  const outcome = await Promise.race([ready, firstProblem]);
  clearInterval(poll);
  if (outcome === 'ready') return;
  if (outcome === 'problem') {
    await new Promise((r) => setTimeout(r, 500)); // let the page say all it has to say
    throw new Error(`the page reported errors while loading ${page.url()}:\n  ${problems.join('\n  ')}`);
  }
  throw new Error(
    `${described} did not appear within ${timeout / 1000} s on ${page.url()}; the page reported no errors` +
      `\n(${String(outcome?.message ?? outcome).split('\n')[0]})`,
  );
}

/** Saves a screenshot of the viewport to tests/artifacts/<name>. */
export async function screenshot(page, name, opts = {}) {
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, ...opts });
  return file;
}

/**
 * Polls `fn` (async, in Node) until it returns a truthy value, and returns it; fails with
 * `what` and the last value seen after `timeout` ms.
 */
export async function until(fn, what, timeout = 5000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) assert.fail(`${what} (within ${timeout} ms; last seen: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Opens the plain host page tests/host/hostile.html (an empty `#figures` and the element's
 * script), once `<backprop-lab>` is defined.
 */
export function openHostPage(lab, t) {
  return lab.openUrl(t, 'host/hostile.html', {
    ready: () => !!customElements.get('backprop-lab') && document.readyState === 'complete',
    what: 'the <backprop-lab> element defined',
  });
}

/**
 * The host page with one `<backprop-lab id="{id}">` carrying `attrs`, once it is ready.
 * Returns the page.
 */
export async function openElementFigure(lab, t, id, attrs) {
  const page = await openHostPage(lab, t);
  await page.evaluate(
    ([id, attrs]) => {
      const el = document.createElement('backprop-lab');
      el.id = id;
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      document.getElementById('figures').append(el);
    },
    [id, attrs],
  );
  await until(() => page.evaluate((id) => document.getElementById(id).getAttribute('data-ready') === '1', id), 'the figure is ready');
  return page;
}
