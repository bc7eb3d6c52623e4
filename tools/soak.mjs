// `make soak`: does memory stay flat over a long run? Two parts, each printing its samples and
// failing (exit 1) when memory grows past its bound:
//   1. the JavaScript API under Node: 1,000,000 training steps in calls of 10,000, with a
//      snapshot, a decision grid and a schedule preview after each call (what a page draws);
//   2. the training view in headless Chromium, playing for SOAK_SECONDS (default 120) at
//      speed=max, sampling the JS heap (after a garbage collection) and the wasm heap.
// "Flat" is measured after a warm-up (the first 10% of the run), so caches filling once are
// not counted; see judge(). Needs dist/ and target/node-pkg (make test builds both).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../tests/support/server.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.SOAK_SECONDS || 120);
const steps = Number(process.env.SOAK_STEPS || 1_000_000);
const KB = 1024;
// the bounds: growth after the warm-up
const WASM_BOUND = 256 * KB;
const JS_BOUND_NODE = 4 * 1024 * KB;
const JS_BOUND_PAGE = 4 * 1024 * KB;
let failed = false;

const mb = (b) => `${(b / 1024 / 1024).toFixed(2)} MB`;
// A leak raises the floor: the lowest sample of the run's second half against the lowest of its
// first half (after the warm-up), so a heap that swings between two sizes (a cache filled and
// emptied, the loss history thinned) is not taken for one that grows.
function judge(what, samples, key, bound) {
  if (samples.length < 2) {
    console.log(`FAIL ${what}: too few samples (${samples.length}) to judge`);
    failed = true;
    return;
  }
  const run = samples.length >= 4 ? samples.slice(Math.max(1, Math.floor(samples.length / 10))) : samples;
  const half = Math.max(1, Math.floor(run.length / 2));
  const floor = (xs) => Math.min(...xs.map((s) => s[key]));
  const [early, late] = [floor(run.slice(0, half)), floor(run.slice(half))];
  const growth = late - early;
  const ok = growth <= bound;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: lowest ${mb(early)} in the first half, ${mb(late)} in the second (${growth >= 0 ? '+' : ''}${(growth / KB).toFixed(0)} KB; bound +${(bound / KB).toFixed(0)} KB)`);
  if (!ok) failed = true;
}

// ---- 1. the API under Node ----------------------------------------------------------------
{
  const lab = createRequire(import.meta.url)(path.resolve(here, '..', 'target', 'node-pkg', 'backprop_lab.js'));
  const t = new lab.Trainer({ ...lab.Trainer.defaultConfig(), hidden: [8, 8] });
  const samples = [];
  const chunk = 10_000;
  const t0 = Date.now();
  for (let done = 0; done < steps; done += chunk) {
    t.train(chunk);
    t.snapshot();
    t.predictGrid(50, -6, 6);
    t.schedulePreview(2000, 100);
    if ((done / chunk) % 10 === 9) {
      globalThis.gc?.();
      samples.push({ step: t.steps, wasm: lab.heapInUse(), js: process.memoryUsage().heapUsed });
      const s = samples[samples.length - 1];
      console.log(`api: step ${s.step.toLocaleString('en')}  wasm heap ${mb(s.wasm)}  JS heap ${mb(s.js)}`);
    }
  }
  console.log(`api: ${steps.toLocaleString('en')} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  judge('api: wasm heap', samples, 'wasm', WASM_BOUND);
  judge('api: JS heap', samples, 'js', JS_BOUND_NODE);
}

// ---- 2. the training view playing in Chromium ---------------------------------------------
{
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => {
      console.error('pageerror:', e.message);
      failed = true;
    });
    await page.goto(`${server.url}?view=train&hidden=8,8&speed=max`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const cdp = await page.context().newCDPSession(page);
    await page.getByRole('button', { name: 'Play' }).click();
    const samples = [];
    const every = Math.max(1, Math.round(seconds / 12));
    for (let s = every; s <= seconds; s += every) {
      await page.waitForTimeout(every * 1000);
      await cdp.send('HeapProfiler.collectGarbage');
      const js = (await cdp.send('Runtime.getHeapUsage')).usedSize;
      const wasm = await page.evaluate(() => window.wasmBindings.heapInUse());
      const step = Number(await page.locator('[data-step]').first().getAttribute('data-step'));
      samples.push({ js, wasm, step });
      console.log(`page: t=${s}s  step ${step.toLocaleString('en')}  wasm heap ${mb(wasm)}  JS heap ${mb(js)}`);
    }
    if (samples.length < 2 || samples[samples.length - 1].step <= samples[0].step) {
      console.log('FAIL page: the run did not advance');
      failed = true;
    } else {
      judge('page: wasm heap', samples, 'wasm', WASM_BOUND);
      judge('page: JS heap', samples, 'js', JS_BOUND_PAGE);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

process.exit(failed ? 1 : 0);
