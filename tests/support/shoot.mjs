// Screenshots for looking at the page by eye (not a test):
//   node tests/support/shoot.mjs NAME 'QUERY' [WIDTHxHEIGHT] [ACTIONS]
// ACTIONS is a comma-separated list of button names to press ("Backward,Step"), "key:ArrowRight"
// (pressed on #graph, or on the element of the last "focus:SELECTOR", e.g. "focus:#t-boundary").
// Writes tests/artifacts/NAME.png from the built dist/ served under a sub-path.
import { startServer } from './server.mjs';
import { launchBrowser, ARTIFACTS_DIR } from './browser.mjs';
import fs from 'node:fs/promises';
import path from 'node:path';

const [name = 'shot', query = '', size = '1280x800', actions = ''] = process.argv.slice(2);
const [width, height] = size.split('x').map(Number);
const server = await startServer();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
  page.on('pageerror', (e) => console.error('pageerror:', e.message));
  await page.goto(`${server.url}?${query}`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  let target = '#graph';
  for (const a of actions.split(',').filter(Boolean)) {
    if (a.startsWith('focus:')) {
      target = a.slice(6);
    } else if (a.startsWith('key:')) {
      await page.focus(target);
      await page.keyboard.press(a.slice(4));
    } else {
      await page.getByRole('button', { name: a, exact: true }).click();
    }
  }
  await page.waitForTimeout(150);
  await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: process.env.FULL === '1' });
  console.log(file);
} finally {
  await browser.close();
  await server.close();
}
