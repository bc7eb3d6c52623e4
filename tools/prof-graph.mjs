// `make prof-graph`: where the graph view's time goes on the 1,982-node graph of make bench-graph:
// a CPU profile (CDP Profiler) of each button's click, self time by function, the top 22.
// Runs on the copy with function names that tools/prof-build.sh makes (DIST_DIR=target/prof-dist).
// `node tools/prof-graph.mjs "#btn-step,#btn-backward"` picks the buttons.
import { startServer } from '../tests/support/server.mjs';
import { launchBrowser } from '../tests/support/browser.mjs';
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let src = 'x = 0.5\ny = 1.5\n'; let prev = 'x';
  for (let i = 0; i < 660; i++) { src += `a${i} = ${prev} * y + ${i % 7}\n`; prev = `a${i}`; }
  await page.goto(`${server.url}?preset=circuit`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.locator('#source').fill(src);
  await page.waitForFunction(() => document.querySelectorAll('#graph g.node').length > 1000, null, { timeout: 60000 });
  await page.waitForTimeout(500);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  for (const sel of (process.argv[2] || '#btn-step,#btn-backward,#btn-reset,#btn-forward').split(',')) {
    await cdp.send('Profiler.start');
    const ms = await page.evaluate((sel) => { const t = performance.now(); document.querySelector(sel).click(); return performance.now() - t; }, sel);
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => { const k = byId.get(id).callFrame.functionName || '(anon)'; self.set(k, (self.get(k) || 0) + (profile.timeDeltas[i] || 0) / 1000); });
    console.log(`== ${sel} ${ms.toFixed(0)} ms`);
    [...self.entries()].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1]).slice(0, 22).forEach(([k, v]) => console.log(`${v.toFixed(1).padStart(7)}  ${k.slice(0, 110)}`));
  }
} finally { await browser.close(); await server.close(); }
