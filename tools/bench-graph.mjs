// `make bench-graph`: how long the graph view takes to answer on a graph near the 2,000-node
// limit, in headless Chromium (a figure, not a test). Types a chain of 660 statements (1,982
// nodes) into the editor, then times each button's click (the work it does before returning:
// the Rust trees, the patch of the drawing and the Nodes table). Goal (issue 11): under 50 ms.
// Needs dist/ (make dist) and tests/node_modules (make test installs it).
import { startServer } from '../tests/support/server.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';

const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  let src = 'x = 0.5\ny = 1.5\n';
  let prev = 'x';
  for (let i = 0; i < 660; i++) {
    src += `a${i} = ${prev} * y + ${i % 7}\n`;
    prev = `a${i}`;
  }
  await page.goto(`${server.url}?preset=circuit`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.locator('#source').fill(src);
  await page.waitForFunction(() => document.querySelectorAll('#graph g.node').length > 1000, null, { timeout: 60000 });
  console.log(`graph: ${await page.locator('#graph g.node').count()} nodes`);
  const time = (sel) =>
    page.evaluate((sel) => {
      const t = performance.now();
      document.querySelector(sel).click();
      return performance.now() - t;
    }, sel);
  for (const [name, sel] of [['Step', '#btn-step'], ['Step', '#btn-step'], ['Step', '#btn-step'], ['Backward', '#btn-backward'], ['Reset', '#btn-reset'], ['Forward', '#btn-forward']]) {
    console.log(`${name.padEnd(8)} ${(await time(sel)).toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}
