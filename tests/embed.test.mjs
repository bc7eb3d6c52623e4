// The embedding kit, as course notes use it: <backprop-lab> elements and iframes on a plain
// host page (tests/host/guest.html), showing only the parts asked for (panels=, hide=),
// locked (lock=1), driven from the text (element methods, iframe command messages, the change
// event and messages), sized to their content (resize messages and embed.js), and behaving as
// guests: no training off-screen, keys only while focused, Esc gives focus back, hostile
// strings stay text and messages from other sources are ignored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, until as poll } from './support/browser.mjs';

const until = (fn, what, timeout = 8000) => poll(fn, what, timeout);
import { readNodesIn } from './support/graph.mjs';

const HOST = 'host/guest.html';


/** Opens the host page with the figures in `html` (the test's own markup) put into #figures. */
async function host(lab, t, html, { viewport } = {}) {
  const page = await lab.openUrl(t, HOST, {
    ready: () => !!customElements.get('backprop-lab') && document.readyState === 'complete',
    what: 'the <backprop-lab> element defined',
    viewport,
  });
  await page.evaluate((h) => {
    document.getElementById('figures').innerHTML = h;
  }, html);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#figures backprop-lab')].every((e) => e.getAttribute('data-ready') === '1'),
  );
  return page;
}

const visible = (loc) => loc.evaluate((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
const stepOf = (fig) => fig.locator('#t-count-step').getAttribute('data-step').then(Number);

describe('embedding', () => {
  const lab = useLab();

  test('panels= shows exactly the parts asked for, hide= hides single controls, in every view', async (t) => {
    const page = await host(
      lab,
      t,
      `<backprop-lab id="g" preset="circuit" panels="graph"></backprop-lab>
       <backprop-lab id="t" view="train" panels="boundary,loss" hide="play,seed"></backprop-lab>
       <backprop-lab id="l" view="lr" panels="sweep,range"></backprop-lab>
       <backprop-lab id="s" view="step" panels="contour"></backprop-lab>
       <backprop-lab id="all" view="train"></backprop-lab>`,
    );
    const parts = {
      g: { '#graph': true, '#btn-step': true, '#nodes-host': false, '#gradcheck-host': false, '#source': false },
      t: { '#t-boundary': true, '#t-loss-plot': true, '#t-network': false, '#t-data': false, '#t-layers': false, '#t-step': true, '#t-play': false },
      l: { '#lr-plot': true, '#lr-range-plot': true, '#lr-curves': false, '#lr-heat': false, '#lr-compare-plot': false, '#lr-run': false },
      s: { '#s-contour': true, '#s-profile': false, '#s-eta': false },
      all: { '#t-boundary': true, '#t-network': true, '#t-loss-plot': true, '#t-data': true, '#t-play': true, '#t-seed': true },
    };
    for (const [id, want] of Object.entries(parts)) {
      for (const [sel, shown] of Object.entries(want)) {
        assert.equal(await visible(page.locator(`#${id} ${sel}`)), shown, `#${id} ${sel} should be ${shown ? 'shown' : 'hidden'}`);
      }
    }
    // no empty column: with the settings hidden the plots take the whole width of the figure
    const widths = await page.evaluate(() => {
      const f = document.getElementById('t');
      const main = f.shadowRoot.getElementById('train-view');
      const stage = f.shadowRoot.querySelector('.train-stage');
      return [main.getBoundingClientRect().width, stage.getBoundingClientRect().width];
    });
    assert.ok(widths[1] > widths[0] * 0.9, `the training stage fills its view (${widths[1]} of ${widths[0]} px)`);
    // the state keeps them
    assert.match(await page.evaluate(() => document.getElementById('t').state), /panels=boundary%2Closs|panels=boundary,loss/);
  });

  test('element methods step, play, pause and set; the change event carries the new state', async (t) => {
    const page = await host(
      lab,
      t,
      `<backprop-lab id="g" preset="circuit"></backprop-lab>
       <backprop-lab id="t" view="train"></backprop-lab>`,
    );
    await page.evaluate(() => {
      window.changes = [];
      document.getElementById('g').addEventListener('backprop-lab-change', (e) => window.changes.push(e.detail.state));
    });
    const g = page.locator('#g');
    await page.evaluate(() => document.getElementById('g').step(2));
    await until(async () => (await page.evaluate(() => window.changes)).some((s) => /(^|&)step=2(&|$)/.test(s)), 'a change event with step=2');
    assert.match(await page.evaluate(() => document.getElementById('g').state), /(^|&)step=2(&|$)/);
    assert.equal((await readNodesIn(g)).filter((n) => n.current).length, 1, 'two steps in, one node is current');
    await page.evaluate(() => document.getElementById('g').backward());
    await until(async () => (await readNodesIn(g)).find((n) => n.name === 'x')?.grad === -4, 'Backward: x gets its gradient −4');
    await page.evaluate(() => document.getElementById('g').set('expr', 'a = 3\nf = a * a'));
    await until(async () => (await readNodesIn(g)).find((n) => n.name === 'f')?.value === 9, 'set(expr): the new graph (f = 9)');
    await until(async () => (await page.evaluate(() => window.changes.at(-1))).includes('expr=a+%3D+3'), 'the change event carries the new expression');
    await page.evaluate(() => document.getElementById('g').reset());
    await until(async () => (await readNodesIn(g)).every((n) => (n.rawGrad ?? '') === ''), 'reset() clears the gradients');
    // wrong calls throw an Error that names the argument and what is allowed; the figure goes on
    for (const [call, want] of [
      [() => document.getElementById('g').step(-1), /step\(n\).*1 to 100,000/],
      [() => document.getElementById('g').step(2.5), /whole number/],
      [() => document.getElementById('g').set('nosuchkey', '1'), /no key “nosuchkey”.*panels/],
      [() => document.getElementById('g').set('lr', {}), /value is a string/],
      [() => document.getElementById('g').play(), /training view/],
    ]) {
      const message = await page.evaluate((src) => {
        try {
          (0, eval)(`(${src})`)();
          return null;
        } catch (e) {
          return e instanceof Error ? e.message : `not an Error: ${e}`;
        }
      }, call.toString());
      assert.match(message ?? 'did not throw', want);
    }
    await page.evaluate(() => document.getElementById('g').step(1));
    await until(async () => (await readNodesIn(g)).filter((n) => n.current).length === 1, 'after the errors the figure still steps');

    // the training figure
    const tf = page.locator('#t');
    await page.evaluate(() => document.getElementById('t').step(5));
    await until(async () => (await stepOf(tf)) === 5, 'step(5) trains five steps');
    await page.evaluate(() => document.getElementById('t').play());
    await until(async () => (await stepOf(tf)) > 50, 'play() trains');
    await page.evaluate(() => document.getElementById('t').pause());
    await page.waitForTimeout(100);
    const paused = await stepOf(tf);
    await page.waitForTimeout(400);
    assert.equal(await stepOf(tf), paused, 'pause() stops training');
    await page.evaluate(() => document.getElementById('t').set('lr', '0.2'));
    await until(async () => /(^|&)lr=0.2(&|$)/.test(await page.evaluate(() => document.getElementById('t').state)), 'set(lr) shows in the state');
    assert.equal(await tf.locator('#t-lr').inputValue(), '0.2', 'and in the rate field');
  });

  test('lock=1 refuses a network change with a message, and still plays', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="t" view="train" lock="1"></backprop-lab>`);
    const tf = page.locator('#t');
    const before = await page.evaluate(() => document.getElementById('t').state);
    await page.evaluate(() => document.getElementById('t').set('hidden', '3'));
    await until(async () => /locked/.test((await tf.locator('#lab-notice').textContent()) ?? ''), 'a message says the figure is locked');
    assert.match(await tf.locator('#lab-notice').textContent(), /“hidden”/);
    assert.equal(await page.evaluate(() => document.getElementById('t').state), before, 'the network is unchanged');
    assert.equal(await tf.locator('#t-data').isDisabled(), true, 'the data set cannot be changed');
    assert.equal(await tf.locator('#t-hidden button').first().isDisabled(), true, 'nor the layers');
    assert.equal(await tf.locator('#t-lr').isDisabled(), false, 'the rate can');
    await tf.getByRole('button', { name: 'Step', exact: true }).click();
    await until(async () => (await stepOf(tf)) === 1, 'Step still trains');
  });

  for (const width of [720, 390, 320]) {
    test(`iframes are as tall as their content in every view at ${width} px, and take commands`, async (t) => {
      const views = ['graph', 'train', 'lr', 'step'];
      const frames = views
        .map((v) => `<iframe data-backprop-lab id="f-${v}" title="${v}" src="../index.html?embed=1&view=${v}${v === 'graph' ? '&preset=circuit' : ''}"></iframe>`)
        .join('\n');
      const page = await host(lab, t, frames, { viewport: { width, height: 800 } });
      for (const v of views) {
        await until(
          () => page.evaluate((id) => window.messages.some((m) => m.type === 'ready') && document.getElementById(id).style.height !== '', `f-${v}`),
          `#f-${v}: ready, and sized by embed.js`,
          20000,
        );
      }
      // the sizes settle (plots draw, fonts load), then each iframe holds its content exactly
      for (const v of views) {
        const fit = await until(async () => {
          const m = await page.evaluate((id) => {
            const f = document.getElementById(id);
            const d = f.contentDocument.documentElement;
            return { frame: f.clientHeight, content: d.scrollHeight, inner: d.clientHeight, wide: d.scrollWidth - d.clientWidth };
          }, `f-${v}`);
          return Math.abs(m.frame - m.content) <= 2 && m.content <= m.inner + 1 && m.wide <= 1 && m;
        }, `#f-${v} at ${width} px: the iframe's height equals its content's, with no inner scrollbar either way`);
        assert.ok(fit.frame > 150, `#f-${v} grew past the default 150 px (${fit.frame})`);
      }
      // commands: step the graph, train, set a value
      const post = (id, command, args) =>
        page.evaluate(([id, command, args]) => document.getElementById(id).contentWindow.postMessage({ source: 'backprop-lab', type: 'command', command, args }, '*'), [id, command, args]);
      await post('f-graph', 'step', [1]);
      await until(() => page.evaluate(() => window.messages.some((m) => m.type === 'change' && /(^|&)step=1(&|$)/.test(m.state))), 'the graph iframe posts a change with step=1');
      const inner = (id, sel) => page.frameLocator(`#${id}`).locator(sel);
      // (a figure off-screen does not train: bring it into view first)
      await page.evaluate(() => document.getElementById('f-train').scrollIntoView());
      await post('f-train', 'play', []);
      await until(async () => Number(await inner('f-train', '#t-count-step').getAttribute('data-step')) > 20, 'the training iframe plays');
      await post('f-train', 'pause', []);
      await page.waitForTimeout(150);
      const s = await inner('f-train', '#t-count-step').getAttribute('data-step');
      await page.waitForTimeout(400);
      assert.equal(await inner('f-train', '#t-count-step').getAttribute('data-step'), s, 'and pauses');
      await post('f-train', 'set', ['lr', '0.3']);
      await until(() => page.evaluate(() => window.messages.some((m) => m.type === 'change' && /(^|&)lr=0.3(&|$)/.test(m.state))), 'set(lr) posts the new state');
      // messages from other sources, and malformed ones, are ignored
      const before = await inner('f-graph', '#graph [data-current="true"]').count();
      await page.evaluate(() => {
        const w = document.getElementById('f-graph').contentWindow;
        for (const m of [
          { source: 'other', type: 'command', command: 'step', args: [3] },
          { source: 'backprop-lab', type: 'resize', height: 5 },
          { source: 'backprop-lab', type: 'command', command: '<img src=x onerror=window.pwned=1>' },
          { source: 'backprop-lab', type: 'command', command: 'step', args: ['<b>'] },
          'step',
          null,
          42,
        ])
          w.postMessage(m, '*');
      });
      await page.waitForTimeout(300);
      assert.match(await page.evaluate(() => document.getElementById('f-graph').contentWindow.location.search), /[?&]step=1(&|$)/, 'the graph stays at step 1');
      const changes = await page.evaluate(() => window.messages.filter((m) => m.type === 'change' && /(^|&)step=4(&|$)/.test(m.state)).length);
      assert.equal(changes, 0, 'the other source\'s step was ignored');
      assert.equal(await inner('f-graph', '#graph [data-current="true"]').count(), before);
      assert.equal(await page.evaluate(() => window.pwned), undefined);
    });
  }

  test('run=1 starts the sweep on load; slide:stop pauses a training iframe and slide:start resumes it', async (t) => {
    const page = await host(
      lab,
      t,
      `<backprop-lab id="l" view="lr" run="1" rates="4" steps="20" panels="sweep"></backprop-lab>
       <iframe data-backprop-lab id="f" src="../index.html?embed=1&view=train&autoplay=1&panels=loss"></iframe>`,
    );
    await until(async () => (await page.locator('#l #lr-rows tr[data-lr]').count()) === 4, 'run=1: the sweep ran its four rates');
    const step = () => page.frameLocator('#f').locator('#t-count-step').getAttribute('data-step').then(Number);
    await until(async () => (await step()) > 10, 'autoplay=1 in the iframe trains');
    const slide = (m) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), m);
    await slide('slide:stop');
    await page.waitForTimeout(200);
    const stopped = await step();
    await page.waitForTimeout(500);
    assert.equal(await step(), stopped, 'slide:stop: no training while the slide is hidden');
    await slide('slide:start');
    await until(async () => (await step()) > stopped, 'slide:start: training resumes');
  });

  test('the graph fits its width, zooms (buttons, ctrl + wheel) and pans; a plain wheel scrolls the host page', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="g" preset="sigmoid-neuron" step="all" panels="graph"></backprop-lab>`, {
      viewport: { width: 390, height: 700 },
    });
    const g = page.locator('#g');
    const size = () => g.locator('#graph-host').evaluate((h) => ({
      svg: h.querySelector('#graph').getBoundingClientRect().width, host: h.clientWidth, scroll: h.scrollWidth, left: h.scrollLeft,
    }));
    const fitted = await size();
    assert.ok(fitted.svg <= fitted.host + 1 && fitted.scroll <= fitted.host + 1, `fitted: no sideways scroll (${JSON.stringify(fitted)})`);
    await g.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await size();
    assert.ok(zoomed.svg > fitted.svg * 1.4 && zoomed.scroll > zoomed.host, `zoomed in, it is wider than the figure (${JSON.stringify(zoomed)})`);
    // drag to pan
    const box = await g.locator('#graph-host').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + 20, { steps: 4 });
    await page.mouse.up();
    assert.ok((await size()).left > 50, 'dragging pans the zoomed graph');
    await g.getByRole('button', { name: 'Fit the graph to the width' }).click();
    assert.ok((await size()).svg <= fitted.svg + 1, 'Fit returns to the width');
    // the wheel: a plain one scrolls the page; with ctrl (a pinch) it zooms the graph
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    const y0 = await page.evaluate(() => window.scrollY);
    await page.mouse.wheel(0, 300);
    await until(async () => (await page.evaluate(() => window.scrollY)) > y0, 'a plain wheel over the graph scrolls the host page');
    await page.evaluate(() => window.scrollTo(0, 0));
    const host2 = await g.locator('#graph-host').boundingBox();
    await page.mouse.move(host2.x + host2.width / 2, host2.y + 20);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await until(async () => (await size()).svg > fitted.svg * 1.1, 'ctrl + wheel zooms the graph');
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'and does not scroll the page');
  });

  test('printed, a figure is a static picture: no controls, the whole graph', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="g" preset="sigmoid-neuron" step="all"></backprop-lab>`, {
      viewport: { width: 390, height: 700 },
    });
    await page.emulateMedia({ media: 'print' });
    const g = page.locator('#g');
    for (const sel of ['#btn-forward', '#source', '#btn-share', '#zoom']) {
      assert.equal(await visible(g.locator(sel)), false, `${sel} is not printed`);
    }
    const m = await g.locator('#graph-host').evaluate((h) => ({ over: getComputedStyle(h).overflow, svg: h.querySelector('#graph').getBoundingClientRect().width, host: h.clientWidth }));
    assert.equal(m.over, 'visible');
    assert.ok(m.svg <= m.host + 1, 'the whole graph fits the printed width');
  });

  test('a training figure scrolled off-screen stops advancing data-step and resumes on return', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="t" view="train" autoplay="1" speed="20"></backprop-lab>`);
    const tf = page.locator('#t');
    await until(async () => (await stepOf(tf)) > 20, 'autoplay=1 trains on load');
    await page.evaluate(() => document.getElementById('end').scrollIntoView());
    await until(() => tf.evaluate((e) => e.getBoundingClientRect().bottom < 0), 'the figure is above the viewport');
    await page.waitForTimeout(250);
    const away = await stepOf(tf);
    await page.waitForTimeout(600);
    assert.equal(await stepOf(tf), away, 'off-screen, data-step stays');
    await page.evaluate(() => document.getElementById('t').scrollIntoView());
    await until(async () => (await stepOf(tf)) > away, 'back on screen, training resumes');
  });

  test('keys: the host keeps its keys; inside a figure Esc gives focus back', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="g" preset="circuit"></backprop-lab>`);
    const g = page.locator('#g');
    const state = () => page.evaluate(() => document.getElementById('g').state);
    const start = await state();
    await page.evaluate(() => document.activeElement?.blur?.());
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    assert.deepEqual(await page.evaluate(() => window.hostKeys.slice(-2)), ['ArrowRight', ' '], 'the host page got its keys');
    assert.equal(await state(), start, 'the figure did not act on them');
    await g.locator('#graph').focus();
    await page.keyboard.press('ArrowRight');
    await until(async () => /(^|&)step=1(&|$)/.test(await state()), 'with the graph focused, → steps');
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement === document.body), true, 'Esc gave focus back to the page');
    const stepped = await state();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => window.hostKeys.at(-1)), 'ArrowRight');
    await page.waitForTimeout(150);
    assert.equal(await state(), stepped, 'after Esc the arrow is the host\'s again');
  });

  test('hostile strings in every new key and attribute stay text', async (t) => {
    const evil = '<img src=x onerror="window.pwned=1">';
    const keys = ['panels', 'hide', 'lock', 'autoplay', 'pretrain', 'run', 'theme', 'bg', 'font'];
    const page = await host(lab, t, `<backprop-lab id="h" view="train"></backprop-lab>`);
    await page.evaluate(([keys, evil]) => {
      const el = document.getElementById('h');
      for (const k of keys) el.setAttribute(k, evil);
    }, [keys, evil]);
    const h = page.locator('#h');
    await until(async () => ((await h.locator('#lab-notice').textContent()) ?? '').includes(evil), 'the bad values are named, as text');
    assert.equal(await h.locator('img').count(), 0, 'no element was made from them');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await visible(h.locator('#t-boundary')), true, 'the figure still shows everything');
    // and from a URL
    const p2 = await lab.openUrl(t, `?embed=1&view=train&panels=${encodeURIComponent(evil)}&theme=${encodeURIComponent(evil)}`);
    assert.match(await p2.locator('#lab-notice').textContent(), /no part called/);
    assert.equal(await p2.locator('img').count(), 0);
  });

  test('Share / embed writes the link, the element, the iframe and the snippets; embedded figures link to the lab', async (t) => {
    const page = await host(lab, t, `<backprop-lab id="t" view="train" data="xor" panels="boundary,loss" theme="dark"></backprop-lab>`);
    const f = page.locator('#t');
    await f.getByRole('button', { name: 'Share / embed' }).click();
    const dialog = f.locator('#share-dialog');
    await until(() => dialog.evaluate((d) => d.open), 'the dialog opens');
    const texts = await dialog.locator('textarea').evaluateAll((ts) => ts.map((x) => x.value));
    assert.equal(texts.length, 6);
    assert.equal(await dialog.getByRole('button', { name: /^Copy / }).count(), 6, 'each with a Copy button');
    assert.match(texts[0], /index\.html\?view=train&data=xor&panels=boundary,loss/);
    assert.match(texts[1], /<backprop-lab view="train" data="xor" panels="boundary,loss" theme="dark"><\/backprop-lab>/);
    assert.match(texts[2], /<iframe data-backprop-lab src="[^"]*index\.html\?embed=1&amp;view=train/);
    assert.match(texts[2], /height="\d+"/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const open = f.getByRole('link', { name: 'Open in Backprop Lab ↗' });
    assert.equal(await open.isVisible(), true);
    const href = await open.getAttribute('href');
    assert.match(href, /\/sub\/path\/index\.html\?view=train&data=xor/);
    assert.doesNotMatch(href, /panels=/, 'the full lab shows every part');
    // theme=dark: the figure's own colours
    const bg = await f.locator('.bpl').evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(bg, 'rgb(18, 22, 28)');
  });
});
