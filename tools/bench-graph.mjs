// `make bench-graph`: how long the graph view takes to answer on a graph near the 2,000-node
// limit, in headless Chromium (a figure, not a test). Types a chain of 660 statements (1,982
// nodes) into the editor, then times each button's click and ten pointer moves scrubbing x's
// value: "answer" is the handler (the Rust trees, the patch of the drawing, the Nodes table and
// the gradient check), "painted" runs on to the next frame (the browser's style, layout and
// paint of a 10,000-element drawing too). Goal (issue 11): answers under 50 ms.
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
  await page.waitForTimeout(500);
  // runs `act` in the page; resolves to [answer, painted] in ms
  const time = (act, arg) =>
    page.evaluate(
      ([act, arg]) =>
        new Promise((done) => {
          const t = performance.now();
          new Function('arg', act)(arg);
          const answer = performance.now() - t;
          requestAnimationFrame(() => setTimeout(() => done([answer, performance.now() - t])));
        }),
      [act, arg],
    );
  const click = 'document.querySelector(arg).click()';
  const row = (name, [a, p]) => console.log(`${name.padEnd(10)} answer ${a.toFixed(0).padStart(4)} ms   painted ${p.toFixed(0).padStart(4)} ms`);
  for (const [name, sel] of [['Step', '#btn-step'], ['Step', '#btn-step'], ['Step', '#btn-step'], ['Backward', '#btn-backward'], ['Reset', '#btn-reset'], ['Forward', '#btn-forward']]) {
    row(name, await time(click, sel));
  }
  // scrub: press on x's value, then move right 10 px at a time
  const at = await page.evaluate(() => {
    const r = document.querySelector('#graph g.node[data-name="x"] .value.editable').getBoundingClientRect();
    return [r.left + r.width / 2, r.top + r.height / 2];
  });
  const pointer = (kind) => `const [x, y] = arg; document.querySelector('#graph g.node[data-name="x"] .value.editable').dispatchEvent(new PointerEvent('${kind}', { bubbles: true, cancelable: true, clientX: x, clientY: y, pointerId: 1, button: 0, isPrimary: true }))`;
  await time(pointer('pointerdown'), at);
  const moves = [];
  for (let i = 1; i <= 10; i++) moves.push(await time(pointer('pointermove'), [at[0] + 10 * i, at[1]]));
  await time(pointer('pointerup'), [at[0] + 100, at[1]]);
  const median = (k) => moves.map((m) => m[k]).sort((a, b) => a - b)[5];
  row('Scrub', [median(0), median(1)]);
  console.log('(Scrub: the median of ten pointer moves)');
} finally {
  await browser.close();
  await server.close();
}
