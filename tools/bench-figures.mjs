// `node tools/bench-figures.mjs [runs]`: how fast the figures come up in headless Chromium
// (a figure, not a test). Prints
//   - the circuit figure's mount time: the median over `runs` cold loads (a fresh browser
//     context each, so nothing cached) of the full page ?preset=circuit of the data-mount-ms
//     its figure root [data-backprop-lab-page] reports;
//   - the host page tests/host/figures.html: when its three figures are all drawn, their
//     mount times and its .wasm responses;
//   - tests/host/ten.html (ten <backprop-lab preset="circuit">): the time from navigation
//     start until all ten have data-ready="1" (performance.now() in the page, median of
//     `runs` cold loads), and how many .wasm responses that page received (one is expected:
//     the figures share one instance).
//   - tests/host/four-train.html (four training figures, autoplay=1, one on screen): the
//     page's frames per second over 3 s, and how far each figure's data-step moved (only the
//     one on screen should: the others pause while off-screen).
// Exits non-zero with a message when something fails (no dist/, a page error, a timeout).
// Needs dist/ (make dist) and tests/node_modules (make test installs it).
import { startServer } from '../tests/support/server.mjs';
import { launchBrowser, isImplicitFavicon } from '../tests/support/browser.mjs';

const runs = Number(process.argv[2] || 5);
const TIMEOUT_MS = 30_000;
const VIEWPORT = { width: 1280, height: 800 };

if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench-figures: runs must be a whole number ≥ 1, got "${process.argv[2]}"`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

/** Runs in the page before its scripts: records performance.now() in window.__allReadyAt when
 *  `n` <backprop-lab> elements all have data-ready="1". */
function recordAllReady(n) {
  const check = () => {
    if (window.__allReadyAt != null) return;
    const els = document.querySelectorAll('backprop-lab');
    if (els.length >= n && [...els].every((e) => e.getAttribute('data-ready') === '1')) {
      window.__allReadyAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
}

let server;
let browser;

/** Opens `url` in a fresh context; collects page errors and .wasm responses. */
async function open(url, init) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors = [];
  const wasm = [];
  page.on('pageerror', (e) => errors.push(`uncaught page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !isImplicitFavicon(m.location()?.url, server.url)) errors.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('.wasm')) wasm.push(`${r.url()} (${r.status()})`);
  });
  if (init) await page.addInitScript(init.fn, init.arg);
  await page.goto(url);
  return { page, context, errors, wasm };
}

/** Waits for `fn` in the page (with `arg`); fails with the page's errors if any. */
async function waitIn(run, what, fn, arg) {
  try {
    await run.page.waitForFunction(fn, arg, { timeout: TIMEOUT_MS });
  } catch (err) {
    const said = run.errors.length ? `; the page reported:\n  ${run.errors.join('\n  ')}` : '; the page reported no errors';
    throw new Error(`${what} did not happen within ${TIMEOUT_MS / 1000} s on ${run.page.url()}${said}\n(${err.message.split('\n')[0]})`);
  }
  if (run.errors.length) throw new Error(`${run.page.url()} reported errors:\n  ${run.errors.join('\n  ')}`);
}

const number = (raw, what) => {
  const x = Number(raw);
  if (raw == null || raw === '' || !Number.isFinite(x)) throw new Error(`${what} is not a number: ${JSON.stringify(raw)}`);
  return x;
};

async function mountTimes() {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const run = await open(`${server.url}?preset=circuit`);
    await waitIn(run, 'body[data-ready="1"] and data-mount-ms on [data-backprop-lab-page]', () =>
      document.body?.getAttribute('data-ready') === '1' &&
      document.querySelector('[data-backprop-lab-page]')?.hasAttribute('data-mount-ms'));
    const raw = await run.page.locator('[data-backprop-lab-page]').getAttribute('data-mount-ms');
    times.push(number(raw, '[data-backprop-lab-page] data-mount-ms'));
    await run.context.close();
  }
  return times;
}

async function hostPage() {
  const ids = ['fig1', 'fig2', 'fig3'];
  const run = await open(`${server.url}host/figures.html`, { fn: recordAllReady, arg: ids.length });
  await waitIn(run, 'data-ready="1" on the three figures of host/figures.html', () => window.__allReadyAt != null);
  const allReady = await run.page.evaluate(() => window.__allReadyAt);
  const mounts = await run.page.evaluate(
    (ids) => ids.map((id) => document.getElementById(id)?.shadowRoot?.querySelector('.bpl')?.getAttribute('data-mount-ms') ?? null),
    ids,
  );
  const wasm = run.wasm.length;
  await run.context.close();
  return { allReady, mounts: mounts.map((m, i) => number(m, `#${ids[i]} .bpl data-mount-ms`)), ids, wasm };
}

async function tenFigures() {
  const times = [];
  const later = [];
  let wasm = [];
  for (let i = 0; i < runs; i++) {
    const run = await open(`${server.url}host/ten.html`, { fn: recordAllReady, arg: 10 });
    await waitIn(run, 'data-ready="1" on all ten figures of host/ten.html', () => window.__allReadyAt != null);
    const count = await run.page.evaluate(() => document.querySelectorAll('backprop-lab').length);
    if (count !== 10) throw new Error(`host/ten.html has ${count} <backprop-lab> elements, not 10`);
    times.push(await run.page.evaluate(() => window.__allReadyAt));
    // the mount of figures 2–10: the module's code has run once already (figure 1 pays for that)
    later.push(...(await run.page.evaluate(() => [...document.querySelectorAll('backprop-lab')].slice(1)
      .map((e) => Number(e.shadowRoot?.querySelector('.bpl')?.getAttribute('data-mount-ms'))))));
    wasm = run.wasm;
    await run.context.close();
  }
  return { times, wasm, later };
}

async function fourTraining() {
  const run = await open(`${server.url}host/four-train.html`);
  const ids = ['t1', 't2', 't3', 't4'];
  await waitIn(run, 'data-ready="1" on the four figures of host/four-train.html', (ids) =>
    ids.every((id) => document.getElementById(id)?.getAttribute('data-ready') === '1'), ids);
  await run.page.waitForTimeout(1000);
  const steps = () => run.page.evaluate((ids) => ids.map((id) =>
    Number(document.getElementById(id).shadowRoot.querySelector('#t-count-step')?.getAttribute('data-step'))), ids);
  const before = await steps();
  const fps = await run.page.evaluate(() => new Promise((done) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = (t) => {
      frames++;
      if (t - t0 < 3000) requestAnimationFrame(tick);
      else done((frames - 1) * 1000 / (t - t0));
    };
    requestAnimationFrame(tick);
  }));
  const after = await steps();
  await run.context.close();
  return { fps, moved: after.map((a, i) => a - before[i]), ids };
}

try {
  server = await startServer();
  browser = await launchBrowser();

  const mount = await mountTimes();
  console.log(`figure mount (circuit): ${ms(median(mount))} (median of ${runs}; ${mount.map((x) => x.toFixed(1)).join(', ')})`);

  const host = await hostPage();
  console.log(`host page (3 figures): all drawn ${ms(host.allReady)} after navigation start; ` +
    `mount ${host.ids.map((id, i) => `${id} ${ms(host.mounts[i])}`).join(', ')}; ${host.wasm} .wasm response(s)`);

  const ten = await tenFigures();
  console.log(`ten figures (ten.html): all data-ready ${ms(median(ten.times))} after navigation start ` +
    `(median of ${runs}; ${ten.times.map((x) => x.toFixed(1)).join(', ')})`);
  if (ten.later.some((x) => !Number.isFinite(x))) throw new Error('a figure on ten.html has no data-mount-ms');
  console.log(`figure mount on a running page (figures 2-10 of ten.html): ${ms(median(ten.later))} (median of ${ten.later.length}; max ${ms(Math.max(...ten.later))})`);
  console.log(`.wasm responses on ten.html: ${ten.wasm.length}${ten.wasm.length === 1 ? '' : '  <- expected 1 (one shared instance)'}`);
  for (const w of ten.wasm) console.log(`  ${w}`);

  const four = await fourTraining();
  console.log(`four training figures (four-train.html, #t1 on screen): ${four.fps.toFixed(1)} fps over 3 s; ` +
    `steps trained meanwhile ${four.ids.map((id, i) => `${id} ${four.moved[i]}`).join(', ')}` +
    (four.moved.slice(1).some((m) => m !== 0) ? '  <- off-screen figures trained' : ''));
} catch (err) {
  console.error(`bench-figures: failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
}
