// The expression editor: positioned parse errors that keep the last good graph, the URL that
// always holds the current valid source, and a bad URL that still renders a graph.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, screenshot } from './support/browser.mjs';
import { readNodes, setSource, waitForNodes, waitForUrlExpr } from './support/graph.mjs';
import { EX1, exprQuery } from './support/examples.mjs';

const BROKEN = 'a = 1\nb = a + * 2'; // the '*' is at line 2, column 9
const FIXED = 'a = 1\nb = a + 2';

async function waitErrorShown(page, what) {
  const error = page.locator('#error');
  await error.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {
    assert.fail(`${what}: #error should become visible`);
  });
  return error;
}

describe('editor', () => {
  const lab = useLab();

  test('a parse error names line and column, shows a caret, and keeps the last good graph', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    const error = page.locator('#error');
    assert.equal(await error.isVisible(), false, 'on a valid expression #error is hidden');
    assert.equal(await page.locator('#source').inputValue(), EX1.source, 'the editor shows the source from the URL');

    await setSource(page, BROKEN);
    await waitErrorShown(page, 'after typing a broken expression');
    assert.equal(await error.getAttribute('role'), 'alert', '#error has role="alert"');

    const text = await error.innerText();
    assert.match(text, /line 2\b/, `#error should say "line 2"; it says: ${JSON.stringify(text)}`);
    assert.match(text, /column 9\b/, `#error should say "column 9"; it says: ${JSON.stringify(text)}`);

    const pre = error.locator('pre');
    assert.ok((await pre.count()) >= 1, '#error contains a <pre> with the line and a caret');
    const preText = await pre.first().innerText();
    assert.ok(preText.includes('^'), `the <pre> should show a caret "^"; it shows: ${JSON.stringify(preText)}`);
    // The caret sits under the '*' (the 9th character of "b = a + * 2").
    const lines = preText.split('\n');
    const srcLine = lines.find((l) => l.includes('b = a + * 2'));
    const caretLine = lines.find((l) => l.includes('^') && !l.includes('b = a'));
    assert.ok(srcLine, `the <pre> should show the offending line "b = a + * 2"; it shows: ${JSON.stringify(preText)}`);
    assert.ok(caretLine, `the <pre> should have a caret line; it shows: ${JSON.stringify(preText)}`);
    assert.equal(
      caretLine.indexOf('^') - srcLine.indexOf('b = a'),
      8,
      `the caret should be under the '*' (column 9); the <pre> shows:\n${preText}`,
    );

    await screenshot(page, 'graph-error.png');

    const names = (await readNodes(page)).map((n) => n.name);
    for (const name of ['x', 'y', 'z', 'q', 'f']) {
      assert.ok(names.includes(name), `while the text is broken the last good graph stays: node ${name} missing (drawn: ${names.join(', ')})`);
    }
    assert.equal(new URL(page.url()).searchParams.get('expr'), EX1.source, 'the URL keeps the last valid source');

    await setSource(page, FIXED);
    await error.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => assert.fail('after fixing the text #error should be hidden'));
    assert.notEqual(await error.getAttribute('hidden'), null, '#error carries the hidden attribute once the text is valid');
    await waitForNodes(page, ['a', 'b']);
    const fixed = (await readNodes(page)).map((n) => n.name);
    assert.ok(!fixed.includes('x'), `after the fix the old graph is gone; drawn: ${fixed.join(', ')}`);
    await waitForUrlExpr(page, FIXED);
  });

  test('the URL holds the current source and reopens the same graph', async (t) => {
    const page = await lab.openPage(t, exprQuery(EX1.source));
    const source = 'a = 3; b = -1.5\nc = max(a, b) * tanh(b)\nd = c / (a + 2) - exp(b)';
    await setSource(page, source);
    await waitForNodes(page, ['a', 'b', 'c', 'd']);
    await waitForUrlExpr(page, source);

    const url = new URL(page.url());
    assert.equal(url.searchParams.get('expr'), source, 'the URL expr parameter is the new source');
    const graph = (nodes) => nodes.map((n) => `${n.name} ${n.op} ${n.rawValue}`).sort();
    const original = graph(await readNodes(page));

    const fresh = await lab.openPage(t, url.search.slice(1));
    assert.deepEqual(graph(await readNodes(fresh)), original, 'the reopened URL shows the same nodes, ops and values');
    assert.equal(await fresh.locator('#source').inputValue(), source, 'the reopened page shows the source in the editor');
  });

  test('a bad URL shows the error and still renders a graph, never a blank page', async (t) => {
    const page = await lab.openPage(t, exprQuery('x = (1 +'));
    const error = await waitErrorShown(page, 'on ?expr=x = (1 +');
    const text = await error.innerText();
    assert.match(text, /line 1\b/, `#error should say "line 1"; it says: ${JSON.stringify(text)}`);
    assert.match(text, /column \d+/, `#error should name a column; it says: ${JSON.stringify(text)}`);
    const nodes = await readNodes(page);
    assert.ok(nodes.length > 0, 'the default example is drawn under the error');
    assert.equal(await page.locator('#graph').isVisible(), true, 'the graph is visible');
  });
});
