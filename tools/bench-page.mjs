// `make bench-page`: the training view's own figures in headless Chromium (a figure, not a
// test): frames per second and training examples per second while it plays, for the network
// 2-8-8-1 with tanh, batch 10, SGD at 0.03, 500 circle points, from the ?perf=1 overlay.
//   node tools/bench-page.mjs [query] [seconds]   (make bench-page: the default speed, one epoch
//   per frame, then speed=max, as many steps as the frame allows; the goal there is ≥ 500,000
//   examples/s at ≥ 55 frames/s)
// Needs dist/ (make dist) and tests/node_modules (make test installs it).
import { startServer } from '../tests/support/server.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';

const query = process.argv[2] || 'view=train&hidden=8,8&lr=0.03&perf=1';
const seconds = Number(process.argv[3] || 5);
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${server.url}?${query}`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.getByRole('button', { name: 'Play' }).click();
  for (let s = 1; s <= seconds; s++) {
    await page.waitForTimeout(1000);
    const fps = await page.locator('#perf').getAttribute('data-fps');
    const eps = await page.locator('#perf').getAttribute('data-examples-per-second');
    const step = await page.locator('[data-step]').getAttribute('data-step');
    console.log(`t=${s}s  ${fps} fps  ${Number(eps).toLocaleString('en')} examples/s  step ${step}`);
  }
} finally {
  await browser.close();
  await server.close();
}
