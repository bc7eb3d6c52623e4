// The embedding kit from the host page's side: dist/embed.js and the examples in dist/examples/.
//
// - embed.js against stand-in figures (tests/host/embed-protocol.html, fake-figure.html,
//   embed-reveal.html): iframe sizes from `resize` messages and nothing else, `ready`/`change`
//   as DOM events, command links (element methods and iframe messages, bad commands warned),
//   and Reveal.js's slides telling elements slideStart()/slideStop().
// - The examples with the real lab: the plain-HTML notes (www/examples/plain.html) and the
//   Reveal.js deck (www/examples/reveal/, reveal.js from npm: tools/node_modules/reveal.js,
//   served by the test server under examples/reveal/reveal.js/).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, screenshot, until } from './support/browser.mjs';
import { SUB_PATH } from './support/server.mjs';
import { readNodesIn } from './support/graph.mjs';

const SOURCE = 'backprop-lab';
const COMMANDS = ['forward', 'backward', 'step', 'reset', 'play', 'pause', 'set', 'export', 'open-lab'];


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs in the page: makes iframe #from post `message` to the page (the stand-in's send()). */
const sendFrom = (page, from, message) =>
  page.evaluate(([from, message]) => document.getElementById(from).contentWindow.send(message), [from, message]);

/**
 * Runs in the page: whether iframe #id is as tall as its document (within 2 px) with nothing
 * to scroll inside; `detail: true` returns the numbers instead.
 */
function frameFits([id, detail]) {
  const frame = document.getElementById(id);
  const doc = frame?.contentDocument?.documentElement;
  if (!frame || !doc) return detail ? { id, missing: true } : false;
  const set = parseFloat(frame.style.height);
  const numbers = { styleHeight: frame.style.height, scrollHeight: doc.scrollHeight, innerHeight: frame.contentWindow.innerHeight };
  const fits = frame.style.height !== '' && Math.abs(set - doc.scrollHeight) <= 2 && doc.scrollHeight <= frame.contentWindow.innerHeight + 1;
  return detail ? numbers : fits;
}

async function assertFrameFits(page, id, timeout = 15_000) {
  try {
    await page.waitForFunction(frameFits, [id, false], { timeout });
  } catch {
    const n = await page.evaluate(frameFits, [id, true]);
    assert.fail(`iframe #${id} should get a style.height equal to its document's scrollHeight (±2 px) with no inner scrollbar ` +
      `(embed.js sizes it from the figure's resize messages); got ${JSON.stringify(n)}`);
  }
}

/** The query-string state of <backprop-lab id=…> as an object. */
const stateOf = (page, id) =>
  page.evaluate((id) => Object.fromEntries(new URLSearchParams(document.getElementById(id).state ?? '')), id);

/** Puts the focus on the page's body (as a reader who clicked the text, or just arrived). */
async function focusBody(page) {
  await page.evaluate(() => document.activeElement?.blur());
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'the focus is on the body');
}

describe('embed.js against stand-in figures', () => {
  const lab = useLab();

  function openProtocol(t) {
    return lab.openUrl(t, 'host/embed-protocol.html', {
      ready: () => window.backpropLabEmbed && ['a', 'b', 'plain'].every((id) => typeof document.getElementById(id).contentWindow?.send === 'function'),
      what: 'embed.js loaded and the stand-in figures ready',
    });
  }

  test("resize: an iframe[data-backprop-lab] takes the height its figure posts, and nothing else moves it", async (t) => {
    const page = await openProtocol(t);
    // every change of the iframes' style.height, in order
    await page.evaluate(() => {
      window.heights = { a: [], b: [], plain: [] };
      for (const id of Object.keys(window.heights)) {
        const el = document.getElementById(id);
        new MutationObserver(() => window.heights[id].push(el.style.height)).observe(el, { attributes: true, attributeFilter: ['style'] });
      }
    });
    const ignored = [
      { source: 'someone-else', type: 'resize', height: 111 },
      { type: 'resize', height: 112 },
      'slide:start',
      null,
      [SOURCE, 'resize', 113],
      { source: SOURCE, type: 'resize' },
      { source: SOURCE, type: 'resize', height: 'tall' },
      { source: SOURCE, type: 'resize', height: -1 },
      { source: SOURCE, type: 'resize', height: 1e9 },
      { source: SOURCE, type: 'resize', height: Number.NaN },
      { source: SOURCE, type: 'grow', height: 114 },
    ];
    for (const m of ignored) await sendFrom(page, 'a', m);
    await sendFrom(page, 'plain', { source: SOURCE, type: 'resize', height: 123 }); // not a figure's iframe
    await page.evaluate((m) => window.postMessage(m, '*'), { source: SOURCE, type: 'resize', height: 124 }); // the page itself
    // then the valid ones (messages from one window arrive in order)
    await sendFrom(page, 'a', { source: SOURCE, type: 'resize', height: 432.4 });
    await sendFrom(page, 'b', { source: SOURCE, type: 'resize', height: 200 });
    await until(() => page.evaluate(() => document.getElementById('a').style.height === '433px' && document.getElementById('b').style.height !== ''),
      'iframe #a should get style.height 433px (432.4 rounded up)');
    await sleep(200); // room for a late, wrong message
    const heights = await page.evaluate(() => window.heights);
    assert.deepEqual(heights.a, ['433px'], 'iframe #a moved only for its valid resize message');
    assert.deepEqual(heights.plain, [], 'an iframe without data-backprop-lab is never sized');
    // box-sizing: border-box (5 px borders, 2 px padding): the page inside still gets 200 px
    assert.deepEqual(heights.b, ['214px'], 'a border-box iframe adds its borders and padding');
    const inner = await page.evaluate(() => ['a', 'b'].map((id) => document.getElementById(id).contentWindow.innerHeight));
    assert.deepEqual(inner, [433, 200], 'the pages inside get the heights their figures asked for');
  });

  test('ready and change: DOM events on the iframe with the state, and data-state', async (t) => {
    const page = await openProtocol(t);
    await page.evaluate(() => {
      window.events = [];
      for (const type of ['backprop-lab-ready', 'backprop-lab-change']) {
        document.addEventListener(type, (e) => window.events.push([e.target.id, e.type, e.detail.state]));
      }
    });
    await sendFrom(page, 'a', { source: SOURCE, type: 'ready', state: 'preset=circuit' });
    await sendFrom(page, 'a', { source: SOURCE, type: 'change', state: 'preset=circuit&step=1' });
    await sendFrom(page, 'a', { source: SOURCE, type: 'change' }); // no state: malformed
    await sendFrom(page, 'a', { source: SOURCE, type: 'change', state: 42 });
    await sendFrom(page, 'a', { source: 'nope', type: 'change', state: 'x=1' });
    await sendFrom(page, 'plain', { source: SOURCE, type: 'change', state: 'y=1' });
    await sendFrom(page, 'a', { source: SOURCE, type: 'change', state: 'step=2' });
    await until(() => page.evaluate(() => window.events.length >= 3), 'three events');
    await sleep(200);
    assert.deepEqual(await page.evaluate(() => window.events), [
      ['a', 'backprop-lab-ready', 'preset=circuit'],
      ['a', 'backprop-lab-change', 'preset=circuit&step=1'],
      ['a', 'backprop-lab-change', 'step=2'],
    ]);
    assert.equal(await page.locator('#a').getAttribute('data-state'), 'step=2');
    assert.equal(await page.locator('#plain').getAttribute('data-state'), null);
  });

  test('links run commands on a <backprop-lab> element, also before it is defined, without a reload', async (t) => {
    const page = await openProtocol(t);
    const url = page.url();
    await page.evaluate(() => (window.marker = 'same page'));
    await page.locator('#l-step3').click(); // the element is not defined yet
    await sleep(200);
    assert.deepEqual(await page.evaluate(() => window.calls), [], 'nothing to call yet');
    await page.evaluate(() => window.defineFake());
    await until(() => page.evaluate(() => window.calls.length === 1), 'the waiting command runs once the element is defined');
    await page.locator('#l-step').click();
    await page.locator('#l-set').click();
    await page.locator('#l-step').focus();
    await page.keyboard.press('Enter'); // links are keyboard-usable
    // a link added later (one listener on the document)
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.id = 'l-late';
      a.href = '#el';
      a.textContent = 'reset';
      a.setAttribute('data-backprop-lab-target', 'el');
      a.setAttribute('data-command', 'reset');
      document.body.append(a);
    });
    await page.locator('#l-late').click();
    await until(() => page.evaluate(() => window.calls.length === 5), 'five calls');
    assert.deepEqual(await page.evaluate(() => window.calls), [
      ['el', 'step', [3]],
      ['el', 'step', []],
      ['el', 'set', ['lr', '0.1']],
      ['el', 'step', []],
      ['el', 'reset', []],
    ]);
    assert.equal(page.url(), url, 'the links do not navigate (no #el in the address)');
    assert.equal(await page.evaluate(() => window.marker), 'same page', 'no reload');
  });

  test('unknown commands, bad data-args and missing targets: a console warning, nothing run', async (t) => {
    const page = await openProtocol(t);
    const warnings = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.evaluate(() => window.defineFake());
    for (const id of ['l-bogus', 'l-badargs', 'l-missing', 'l-div']) await page.locator(`#${id}`).click();
    await until(() => warnings.length >= 4, 'four warnings');
    assert.match(warnings[0], /explode/);
    for (const c of COMMANDS) assert.ok(warnings[0].includes(c), `the warning names the allowed command ${c}: ${warnings[0]}`);
    assert.match(warnings[1], /data-args must be a JSON array/);
    assert.match(warnings[2], /nobody/);
    assert.match(warnings[3], /not-a-figure/);
    await sleep(100);
    assert.deepEqual(await page.evaluate(() => window.calls), []);
    assert.deepEqual(await page.evaluate(() => document.getElementById('a').contentWindow.received), [], 'nothing posted');
  });

  test('links post commands to an iframe', async (t) => {
    const page = await openProtocol(t);
    await page.locator('#l-frame span').click(); // a click inside the link counts
    await page.locator('#l-frame-set').click();
    const received = await until(
      () => page.evaluate(() => { const r = document.getElementById('a').contentWindow.received; return r.length >= 2 && r; }),
      'iframe #a receives two command messages');
    assert.deepEqual(received, [
      { source: SOURCE, type: 'command', command: 'play', args: [] },
      { source: SOURCE, type: 'command', command: 'set', args: ['data', 'xor'] },
    ]);
    assert.deepEqual(await page.evaluate(() => document.getElementById('b').contentWindow.received), [], 'only the target hears it');
  });

  test('Reveal.js: slideStart() for the figures of the slide showing, slideStop() for the others', async (t) => {
    const page = await lab.openUrl(t, 'host/embed-reveal.html', { ready: () => window.Reveal?.isReady?.(), what: 'Reveal ready' });
    const calls = () => page.evaluate(() => window.calls.splice(0));
    const sorted = (c) => [...c].sort((x, y) => x[0].localeCompare(y[0]));
    await until(() => page.evaluate(() => window.calls.length >= 3), 'each figure told once at the start');
    assert.deepEqual(sorted(await calls()), [['f0', 'slideStart'], ['f1', 'slideStop'], ['f2', 'slideStop']]);

    await focusBody(page);
    await page.keyboard.press('ArrowRight');
    await until(() => page.evaluate(() => Reveal.getIndices().h === 1), 'ArrowRight moves to slide 1');
    await until(() => page.evaluate(() => window.calls.length >= 2), 'two figures told');
    await sleep(100);
    assert.deepEqual(sorted(await calls()), [['f0', 'slideStop'], ['f1', 'slideStart']], 'f2 (still hidden) is not told again');

    await page.keyboard.press('ArrowRight');
    await until(() => page.evaluate(() => window.calls.length >= 2), 'two figures told');
    assert.deepEqual(sorted(await calls()), [['f1', 'slideStop'], ['f2', 'slideStart']]);
  });
});

describe('the examples (dist/examples/)', () => {
  const lab = useLab();

  const elementDrawn = (id) => !!document.getElementById(id)?.shadowRoot?.querySelector('#graph [data-name="f"]');

  function openPlain(t) {
    return lab.openUrl(t, 'examples/plain.html', { ready: elementDrawn, readyArg: 'fig1', what: "#fig1's graph drawn (node f in its shadow root)" });
  }

  test('plain HTML notes: the element draws, and the iframe fits its figure', async (t) => {
    const page = await openPlain(t);
    const f = (await readNodesIn(page.locator('#fig1'))).find((n) => n.name === 'f');
    assert.equal(f?.value, -12, "fig1's output f = (x + y)·z = −12");
    await assertFrameFits(page, 'fig2');
    await screenshot(page, 'example-plain.png', { fullPage: true });
  });

  test('plain HTML notes: the Step, Backward and Reset links drive the element, without a reload', async (t) => {
    const page = await openPlain(t);
    const url = page.url();
    await page.evaluate(() => (window.marker = 'same page'));
    await page.getByRole('link', { name: 'press Step' }).click();
    await until(async () => (await stateOf(page, 'fig1')).step === '1', "after the Step link, fig1's state has step=1");
    await until(async () => (await page.locator('#fig1-step').textContent()) === '1', "the page's change-event listener shows step 1");
    await page.getByRole('link', { name: 'Backward', exact: true }).click();
    await until(async () => (await readNodesIn(page.locator('#fig1'))).find((n) => n.name === 'x')?.grad === -4, "after the Backward link, x's gradient is −4");
    await page.getByRole('link', { name: 'Reset', exact: true }).click();
    await until(async () => (await readNodesIn(page.locator('#fig1'))).every((n) => n.grad === null), 'after the Reset link, no gradients');
    assert.equal(page.url(), url, 'the address did not change');
    assert.equal(await page.evaluate(() => window.marker), 'same page', 'no reload');
  });

  test('plain HTML notes: the Play and pause links drive the iframe', async (t) => {
    const page = await openPlain(t);
    const inner = () => page.evaluate(() => {
      const doc = document.getElementById('fig2').contentDocument;
      return doc?.body?.getAttribute('data-ready') === '1' ? Number(doc.querySelector('[data-step]')?.getAttribute('data-step')) : null;
    });
    await until(async () => (await inner()) === 0, "the iframe's figure has started, at step 0");
    await page.getByRole('link', { name: 'Play', exact: true }).click();
    await until(async () => (await inner()) > 0, 'after the Play link, the iframe trains (data-step grows)', 10_000);
    await page.getByRole('link', { name: 'pause', exact: true }).click();
    await sleep(300);
    const paused = await inner();
    await sleep(600);
    assert.equal(await inner(), paused, 'after the pause link, data-step stays where it is');
  });

  test("MyST: the example's anywidget module puts a working <backprop-lab> on the page", async (t) => {
    // mystmd itself needs the network to build a site (it downloads its theme): here the
    // widget is rendered the way mystmd renders one (tests/host/myst-widget.html).
    const page = await lab.openUrl(t, 'host/myst-widget.html', {
      ready: () => !!document.getElementById('host').shadowRoot?.querySelector('backprop-lab')?.shadowRoot?.querySelector('#graph [data-name="f"]'),
      what: "the widget's figure drawn",
    });
    const nodes = await readNodesIn(page.locator('#host backprop-lab'));
    assert.equal(nodes.find((n) => n.name === 'f')?.value, -12);
    await page.evaluate(() => window.cleanup());
    assert.equal(await page.locator('#host backprop-lab').count(), 0, "the widget's cleanup removes the figure");
  });

  function openDeck(t) {
    return lab.openUrl(t, 'examples/reveal/index.html', { ready: () => window.Reveal?.isReady?.(), what: 'Reveal ready' });
  }

  test('Reveal.js deck: reveal.js from npm, the element figure, → with the focus on the body', async (t) => {
    const page = await openDeck(t);
    const reveal = page.lab.responses.filter((r) => new URL(r.url).pathname.startsWith(`${SUB_PATH}examples/reveal/reveal.js/`));
    assert.ok(reveal.some((r) => r.url.endsWith('/dist/reveal.js') && r.status === 200), `reveal.js loaded; responses: ${JSON.stringify(reveal)}`);
    await until(() => page.evaluate(elementDrawn, 'circuit'), 'the deck\'s <backprop-lab id="circuit"> draws its graph', 15_000);
    assert.equal(await page.evaluate(() => Reveal.getIndices().h), 0);
    await focusBody(page);
    await page.keyboard.press('ArrowRight');
    await until(() => page.evaluate(() => Reveal.getIndices().h === 1), 'ArrowRight moves to the next slide');
    await page.keyboard.press(' ');
    await until(() => page.evaluate(() => Reveal.getIndices().h === 2), 'space moves on again');
    await page.keyboard.press('ArrowLeft');
    await until(() => page.evaluate(() => Reveal.getIndices().h === 1), 'ArrowLeft comes back');
    await page.waitForTimeout(900); // the slide transition
    await screenshot(page, 'example-reveal-circuit.png');
    await page.getByRole('link', { name: 'Step', exact: true }).click();
    await until(async () => (await stateOf(page, 'circuit')).step === '1', "the Step link on the slide: the element's state has step=1");
  });

  test("Reveal.js deck: the iframe fits, hears Reveal's slide:start / slide:stop, and the element hears slideStart() / slideStop()", async (t) => {
    const page = await openDeck(t);
    await until(() => page.evaluate(() => document.getElementById('xor').contentDocument?.body?.getAttribute('data-ready') === '1'),
      "the iframe's figure has started", 15_000);
    await until(() => page.evaluate(elementDrawn, 'circuit'), 'the deck\'s <backprop-lab id="circuit"> draws its graph', 15_000);
    await page.evaluate(() => {
      window.slideMessages = [];
      document.getElementById('xor').contentWindow.addEventListener('message', (e) => {
        if (typeof e.data === 'string') window.slideMessages.push(e.data);
      });
    });
    assert.equal(await page.evaluate(() => typeof document.getElementById('circuit').slideStart), 'function',
      '<backprop-lab> has slideStart()/slideStop() (embed.js calls them on Reveal\'s slide changes)');
    await page.evaluate(() => {
      const el = document.getElementById('circuit');
      window.slideCalls = [];
      for (const m of ['slideStart', 'slideStop']) {
        const original = el[m];
        el[m] = function () { window.slideCalls.push(m); return original.call(this); };
      }
    });
    await focusBody(page);
    await page.keyboard.press('ArrowRight'); // to the circuit
    await until(() => page.evaluate(() => window.slideCalls.at(-1) === 'slideStart'), 'showing its slide: slideStart()');
    await page.keyboard.press('ArrowRight'); // to the training iframe
    await until(() => page.evaluate(() => window.slideCalls.slice(-2).join() === 'slideStart,slideStop'), 'leaving its slide: slideStop()');
    await until(() => page.evaluate(() => window.slideMessages.includes('slide:start')), "Reveal posts 'slide:start' to the iframe on its slide");
    await assertFrameFits(page, 'xor');
    await page.waitForTimeout(900);
    await screenshot(page, 'example-reveal-xor.png');
    await page.keyboard.press('ArrowRight');
    await until(() => page.evaluate(() => window.slideMessages.includes('slide:stop')), "Reveal posts 'slide:stop' to the iframe leaving its slide");
  });
});
