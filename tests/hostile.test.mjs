// Issue 12, hostile input: "every URL key in the README's table and every element attribute
// with hostile strings (markup, `javascript:` URLs, 100,000 characters, NUL, right-to-left
// overrides, NaN, ±Infinity, −0, 1e309), and the iframe message channel with malformed and
// foreign messages: no dialog, no injected element, no page error, no blank page, and a button
// still answers within a second."
//
// Each test loads (or mounts, or messages) many hostile inputs and gathers what went wrong into
// one list, so that a failure names every input that broke something, not only the first:
//   - a JS dialog (alert, confirm, prompt) or a new window;
//   - injection: window.__pwned set, an element carrying the hostile markup's data-pwned, an
//     <img src=x> or <svg onload>, any on…= attribute, a javascript:/data: URL in a link or
//     source, an <img>/<iframe>/<object>/<embed>/<script>/<base> inside a figure;
//   - a page error or console error (page.lab.problems, from tests/support/browser.mjs);
//   - a blank page: not ready, or the view shown has no height or no text, or is hidden;
//   - a page wider than the window, an echo of a 100,000-character value that is not cut, a
//     right-to-left override outside an isolate (it would reverse the page's own sentence);
//   - a button that does not answer within a second (graph: Backward or Reset changes the
//     gradients; training: Step advances data-step; learning rate: Run sweep changes the
//     summary; step size: Share / embed opens its dialog).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useLab, waitReady, waitUntil, openHostPage } from './support/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const README = path.resolve(here, '..', 'README.md');
const HOST = 'host/hostile.html';

/** How fast a button must answer, from the click to the change on screen. */
const ANSWER_MS = 1000;

// ---- the keys ------------------------------------------------------------------------------

/**
 * The keys of README's tables in "Links and embedding" (URL keys, and the figures' keys for
 * course notes). The first test checks this list against the README, so a key added there
 * cannot be left out here.
 */
const README_KEYS = [
  'expr', 'preset', 'sigmoid', 'step', 'embed', 'view', 'data', 'noise', 'train', 'features', 'hidden',
  'act', 'loss', 'opt', 'beta', 'lr', 'sched', 'batch', 'seed', 'speed', 'logy', 'grads', 'perf', 'lo', 'hi',
  'rates', 'steps', 'problem', 'cond', 'eta', 'mom', 'start', 'beta2', 'eps', 'wd', 'reg', 'regrate', 'f', 'race',
  'warmup', 'total', 'minlr', 'every', 'factor', 'gamma', 'range',
  'panels', 'hide', 'lock', 'autoplay', 'pretrain', 'run', 'theme', 'bg', 'font', 'quiz', 'ask',
];

/**
 * The `key=` names in the first column of the tables of README's "Links and embedding"
 * section (e.g. "`data=`, `noise=`, `train=`" gives data, noise and train).
 */
function readmeKeys(markdown) {
  const start = markdown.indexOf('\n## Links and embedding');
  const end = markdown.indexOf('\n## ', start + 1);
  assert.ok(start >= 0, 'README.md has a "## Links and embedding" section');
  const keys = new Set();
  for (const line of markdown.slice(start, end < 0 ? undefined : end).split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split(/(?<!\\)\|/)[1] ?? '';
    for (const m of first.matchAll(/`([a-z][a-z0-9_]*)=/g)) keys.add(m[1]);
  }
  return [...keys];
}

/** The keys the figure reads (the element's observedAttributes), filled in by before(). */
let figureKeys = [];
/** README's keys and the figure's, each once: what every hostile value is tried on. */
const allKeys = () => [...new Set([...README_KEYS, ...figureKeys])];

// ---- the hostile values --------------------------------------------------------------------

const LONG_DIGITS = '9'.repeat(100_000);
const LONG_MARKUP = '<b data-pwned>A</b>'.repeat(Math.ceil(100_000 / 19)).slice(0, 100_000);

/**
 * label: how a failure names it; value: the string (an attribute's value, or encoded into the
 * URL); url: what goes into the URL as it is, when the point is the encoding itself.
 */
const MARKUP = [
  { label: 'markup <img onerror>', value: '<img src=x onerror="window.__pwned=1">' },
  { label: 'markup "><svg onload>', value: '"><svg onload=window.__pwned=1>' },
  {
    label: 'markup <script>, <iframe javascript:>, <a javascript:>, </textarea>',
    value:
      "'></textarea></style><script data-pwned>window.__pwned=1</script>" +
      '<iframe data-pwned src="javascript:window.__pwned=1"></iframe>' +
      '<a data-pwned href="JaVaScRiPt:window.__pwned=1">x</a><b data-pwned>',
  },
  { label: 'a style breaker', value: '1;}*{display:none!important}</style><style>*{display:none!important}' },
];
const URLS = [
  { label: 'javascript: URL', value: 'javascript:window.__pwned=1' },
  { label: 'javascript: URL with a tab and a newline', value: ' java\tscript:\nwindow.__pwned=1' },
  { label: 'data: URL', value: 'data:text/html,<script>window.__pwned=1</script>' },
];
const NUMBERS = [
  { label: 'NaN', value: 'NaN' },
  { label: 'Infinity', value: 'Infinity' },
  { label: '-Infinity', value: '-Infinity' },
  { label: '-0', value: '-0' },
  { label: '1e309', value: '1e309' },
  { label: '-1e309', value: '-1e309' },
  { label: '1e-400', value: '1e-400' },
];
const CONTROL = [
  { label: 'NUL alone', value: '\u0000' },
  { label: 'NUL inside a number', value: '1\u00000' },
  { label: 'right-to-left override', value: 'x\u202E1-' },
  { label: 'right-to-left override and embeddings', value: '\u202B\u202E0.1\u202A\u202D' },
  { label: 'whitespace and newlines', value: ' \t\r\n ' },
  // a lone surrogate (the URL carries what it decodes to: its UTF-8 bytes, invalid)
  { label: 'lone surrogate', value: '\uD800', url: '%ED%A0%80' },
];
const ODD = [
  { label: 'empty string', value: '' },
  { label: 'a bare %', value: '%', url: '%' },
  { label: 'a broken %-escape', value: '%E0%A4%A', url: '%E0%A4%A' },
  { label: '__proto__', value: '__proto__' },
];
const LONG = [
  { label: '100,000 nines', value: LONG_DIGITS, long: true },
  { label: '100,000 characters of markup', value: LONG_MARKUP, long: true },
];
const SHORT = [...MARKUP, ...URLS, ...NUMBERS, ...CONTROL, ...ODD];

/** The value as it goes into a URL's query. */
const inUrl = (h) => h.url ?? encodeURIComponent(h.value);
/** A query with every key in `keys` set to the hostile value, and `extra` after. */
const queryOf = (keys, h, extra = '') => keys.map((k) => `${k}=${inUrl(h)}`).join('&') + extra;

// ---- checks, run in the page -----------------------------------------------------------------

/**
 * Runs in the page (or a frame): what is wrong with the figures `scopes` (elements' ids, or
 * null for the page's own figure) and the document around them. Returns a list of findings,
 * each saying where.
 */
function inspect({ scopes, longProbe }) {
  const found = [];
  const roots = [document];
  const els = [];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) {
      els.push(el);
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  const where = (node) => {
    const at = node.nodeType === 1 ? node : node.parentElement;
    let el = at;
    while (el && !el.id) el = el.parentElement || el.getRootNode().host || null;
    const host = at && at.getRootNode() instanceof ShadowRoot ? ` in the shadow root of #${at.getRootNode().host.id || '?'}` : '';
    return `<${at ? at.localName : '?'}>${el && el !== at ? ` in #${el.id}` : el ? `#${el.id}` : ''}${host}`;
  };
  const inFigure = (el) => el.getRootNode() instanceof ShadowRoot || !!el.closest('[data-backprop-lab-page]');
  const cut = (s, n = 80) => JSON.stringify(s.length > n ? s.slice(0, n) + '…' : s);

  // injection
  if (window.__pwned !== undefined) found.push(`window.__pwned is ${String(window.__pwned)}: injected script ran`);
  for (const el of els) {
    const tag = el.localName;
    if (el.hasAttribute('data-pwned')) found.push(`an injected <${tag} data-pwned>: ${where(el)}`);
    if (tag === 'img' && el.getAttribute('src') === 'x') found.push(`an injected <img src="x">: ${where(el)}`);
    if (inFigure(el) && ['img', 'iframe', 'object', 'embed', 'frame', 'base', 'script', 'style'].includes(tag)) {
      // (the figure's own style sheet is a <link>, never a <style>)
      found.push(`an element the figure never makes, <${tag}>: ${where(el)}`);
    }
    if (tag === 'backprop-lab') continue; // its attributes are the test's own hostile input
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) found.push(`an event-handler attribute ${a.name}=${cut(a.value)}: ${where(el)}`);
      const bare = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
      // (javascript: anywhere; data: when it carries the hostile strings' __pwned)
      if (/^(href|src|action|formaction|xlink:href|data|poster|srcdoc|background)$/i.test(a.name) && (/^(javascript|vbscript):/.test(bare) || (/^data:/.test(bare) && /pwned/.test(bare)))) {
        found.push(`a script URL ${a.name}=${cut(a.value)}: ${where(el)}`);
      }
      if (a.name === 'style' && /javascript:|expression\(/i.test(a.value)) found.push(`a script in a style attribute ${cut(a.value)}: ${where(el)}`);
    }
  }

  // not blank
  for (const scope of scopes) {
    const el = scope ? document.getElementById(scope) : null;
    const shadow = el ? el.shadowRoot : document;
    const name = el ? `the figure #${scope}` : 'the page';
    const ready = el ? el.getAttribute('data-ready') === '1' : document.body.getAttribute('data-ready') === '1';
    const root = el ? shadow && shadow.querySelector('.bpl') : document.querySelector('[data-backprop-lab-page]');
    if (!ready) found.push(`${name} is not ready (data-ready is not "1")`);
    if (!root) {
      found.push(`${name} has no figure root`);
      continue;
    }
    const view = root.getAttribute('data-view');
    const main = shadow.getElementById(`${view}-view`);
    if (!main) {
      found.push(`${name} shows no view (data-view=${cut(String(view))} has no #${view}-view)`);
      continue;
    }
    const r = main.getBoundingClientRect();
    const text = (main.innerText || '').trim();
    if (r.height < 50 || r.width < 100) found.push(`${name} is blank: #${view}-view is ${Math.round(r.width)}×${Math.round(r.height)} px`);
    if (text.length < 20) found.push(`${name} is blank: #${view}-view shows ${text.length} characters of text`);
    for (let n = main; n; n = n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null)) {
      const cs = getComputedStyle(n);
      if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) < 0.1) {
        found.push(`${name} is blank: <${n.localName}${n.id ? ' id=' + n.id : ''}> has display ${cs.display}, visibility ${cs.visibility}, opacity ${cs.opacity}`);
        break;
      }
    }
  }

  // as wide as the window
  const width = document.documentElement.scrollWidth;
  if (width > innerWidth + 2) {
    const wide = els.filter((e) => e.id && e.scrollWidth > innerWidth + 2).map((e) => `${where(e)} (${e.scrollWidth} px)`);
    found.push(`the page is ${width} px wide in a ${innerWidth} px window; too wide: ${wide.slice(-4).join(', ')}`);
  }

  // echoes: cut, and bidirectional controls inside isolates
  for (const r of roots) {
    const walk = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      const p = t.parentElement;
      if (p && ['textarea', 'script', 'style', 'noscript'].includes(p.localName)) continue;
      const s = t.data;
      const at = longProbe ? s.indexOf(longProbe) : -1;
      if (at >= 0) {
        found.push(`an echo of the 100,000-character value is not cut: ${s.length} characters of text in ${where(t)}, from ${JSON.stringify('…' + s.slice(Math.max(0, at - 50), at + 10) + '…')}`);
      } else if (s.length > 20_000) {
        found.push(`a text of ${s.length} characters (an echo not cut?) in ${where(t)}: ${JSON.stringify(s.slice(0, 100) + '…')}`);
      }
      if (/[\u202A-\u202E]/.test(s)) {
        let depth = 0;
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c >= 0x2066 && c <= 0x2068) depth++;
          else if (c === 0x2069) depth = Math.max(0, depth - 1);
          else if (c >= 0x202a && c <= 0x202e && depth === 0) {
            found.push(
              `a bidirectional control (U+${c.toString(16).toUpperCase()}) outside an isolate, so it can turn the page's own words ` +
                `around: ${where(t)}: ${JSON.stringify(s.slice(Math.max(0, i - 50), i + 30))}`,
            );
            break;
          }
        }
      }
    }
  }
  return [...new Set(found)];
}

/**
 * Runs in the page (or a frame): presses a button of the view the figure `scope` shows (an
 * element's id, or null for the page's own figure) and waits up to `ms` for its effect:
 *   graph: Reset clears the gradients, or Backward fills them in, or (a graph with no step
 *          of backward pass, such as a constant) Zoom in zooms;
 *   train: Step advances data-step;   lr: Run sweep changes the summary;
 *   step:  Share / embed opens its dialog (closed again after).
 * The button, scrolled into view, must be the element at its own centre (nothing covers it)
 * and enabled. Returns a finding, or null.
 */
async function pressButton({ scope, ms }) {
  const el = scope ? document.getElementById(scope) : null;
  const r = el ? el.shadowRoot : document;
  const name = scope ? `#${scope}` : 'the page';
  if (!r) return `${name}: the figure has no shadow root`;
  const read = () => {
    const root = el ? r.querySelector('.bpl') : document.querySelector('[data-backprop-lab-page]');
    const nodes = [...r.querySelectorAll('#graph g.node')];
    const steps = /\/\s*(\d+)/.exec(r.getElementById('step-count')?.textContent ?? '');
    return {
      view: root ? root.getAttribute('data-view') : null,
      grads: nodes.filter((n) => (n.getAttribute('data-grad') ?? '') !== '').length,
      steps: steps ? Number(steps[1]) : 0,
      zoomed: !!r.getElementById('graph-host')?.classList.contains('zoomed'),
      step: Number(r.getElementById('t-count-step')?.getAttribute('data-step') ?? NaN),
      summary: r.getElementById('lr-summary')?.textContent ?? '',
      share: !!r.getElementById('share-dialog')?.open,
    };
  };
  const before = read();
  const graph =
    before.grads > 0
      ? ['btn-reset', 'Reset clears the gradients', (b) => b.grads === 0]
      : before.steps > 0
        ? ['btn-backward', 'Backward fills in the gradients', (b) => b.grads > 0]
        : ['btn-zoom-in', 'Zoom in zooms the graph', (b) => b.zoomed];
  const [id, what, done] =
    {
      graph,
      train: ['t-step', 'Step advances data-step', (b) => b.step > before.step],
      lr: ['lr-run', 'Run sweep changes the summary', (b) => b.summary !== before.summary],
      step: ['btn-share', 'Share / embed opens its dialog', (b) => b.share],
    }[before.view] ?? [];
  if (!id) return `${name}: no view to press a button in (data-view=${before.view})`;
  const button = r.getElementById(id);
  if (!button) return `${name}: no #${id} (${what})`;
  button.scrollIntoView({ block: 'center', inline: 'center' });
  const box = button.getBoundingClientRect();
  const hit = r.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (!hit || !(hit === button || button.contains(hit))) {
    return `${name}: #${id} cannot be pressed: ${hit ? `<${hit.localName}${hit.id ? ' id=' + hit.id : ''}>` : 'nothing'} is at its centre (${Math.round(box.width)}×${Math.round(box.height)} px)`;
  }
  if (button.disabled) return `${name}: #${id} is disabled (${what})`;
  const t0 = performance.now();
  button.click();
  for (;;) {
    const now = read();
    const took = performance.now() - t0;
    if (done(now)) {
      if (id === 'btn-share') r.getElementById('share-close')?.click();
      if (id === 'btn-zoom-in') r.getElementById('btn-zoom-fit')?.click();
      if (id === 'lr-run') r.getElementById('lr-cancel')?.click(); // (its CPU is the next check's)
      return took <= ms ? null : `${name}: #${id} answered after ${Math.round(took)} ms, more than ${ms} (${what})`;
    }
    if (took > ms) return `${name}: #${id} did not answer within ${ms} ms (${what}; before ${JSON.stringify(before).slice(0, 200)}, after ${JSON.stringify(now).slice(0, 200)})`;
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** Records JS dialogs and new windows of the page's context into the list it returns (dismissing dialogs). */
function watchPage(page) {
  const seen = [];
  page.on('dialog', (d) => {
    seen.push(`a JS dialog (${d.type()}): ${JSON.stringify(d.message().slice(0, 80))}`);
    d.dismiss().catch(() => {});
  });
  page.context().on('page', (p) => seen.push(`a new window opened: ${p.url().slice(0, 80)}`));
  return seen;
}

/** Moves the page's reported errors (page.lab.problems), and the dialogs and windows seen, into `findings`. */
function collect(page, seen, name, findings) {
  for (const p of page.lab.problems.splice(0)) findings.push(`${name}: ${p.slice(0, 400)}`);
  for (const s of seen.splice(0)) findings.push(`${name}: ${s}`);
}

/**
 * Everything `inspect` and `pressButton` find about the figures `scopes` in `ctx` (a page or
 * a frame), each finding prefixed with `name`, into `findings`.
 */
async function checkFigures(ctx, scopes, name, h, findings) {
  const opts = { scopes, longProbe: h.long ? h.value.slice(0, 1000) : null };
  const run = async () => (await ctx.evaluate(inspect, opts)).forEach((f) => findings.push(`${name}: ${f}`));
  await run().catch((err) => findings.push(`${name}: could not inspect: ${String(err.message).split('\n')[0]}`));
  for (const scope of scopes) {
    const slow = await ctx
      .evaluate(pressButton, { scope, ms: ANSWER_MS })
      .catch((err) => `could not press the view's button: ${String(err.message).split('\n')[0]}`);
    if (slow) findings.push(`${name}: ${slow}`);
  }
  // once more after the clicks (an injected image fails to load, and runs its onerror, later)
  await run().catch(() => {});
}

/** Fails with every finding, each once. */
function report(findings, what) {
  const all = [...new Set(findings)];
  assert.ok(all.length === 0, `${what} (${all.length}):\n  ${all.join('\n  ')}\n`);
}

// ---- the tests -------------------------------------------------------------------------------

/** Opens the host page for elements and iframes (tests/host/hostile.html). */
const openHost = openHostPage;

/**
 * Runs in the host page: four figures (graph, train, lr, step) with every attribute set to
 * `value` before they are connected, and figures in `afterViews` connected with good
 * attributes, then every attribute set to `value` (the graph figure's `view` first, so that
 * the rest act on the view it gives; the others keep their view). Returns their ids.
 */
function mountHostile({ value, keys, prefix, afterViews }) {
  const f = document.getElementById('figures');
  f.replaceChildren();
  const made = [];
  for (const view of ['graph', 'train', 'lr', 'step']) {
    const el = document.createElement('backprop-lab');
    el.id = `${prefix}before-${view}`;
    for (const k of keys) el.setAttribute(k, value);
    if (view !== 'graph') el.setAttribute('view', view);
    f.append(el);
    made.push(el.id);
  }
  for (const view of afterViews) {
    const el = document.createElement('backprop-lab');
    el.id = `${prefix}after-${view}`;
    el.setAttribute('view', view);
    if (view === 'graph') el.setAttribute('preset', 'circuit');
    f.append(el);
    for (const k of ['view', ...keys.filter((k) => k !== 'view')]) {
      if (k !== 'view' || view === 'graph') el.setAttribute(k, value);
    }
    made.push(el.id);
  }
  return made;
}

/** The hostile values an iframe's commands carry (built in the page: postMessage clones them). */
const ODD_ARGS = `[NaN, Infinity, -Infinity, -0, 1e309, 2.5, -1, 0, 1e9, '1', '', '<img src=x onerror="window.__pwned=1">',
  '9'.repeat(100000), 'x\u202E1-', '\u0000', null, true, [], {}, [1]]`;

/** Messages that are not commands (built in the page): every one must be ignored. */
const malformed = () => {
  const markup = '<img src=x onerror="window.__pwned=1">';
  let deep = [];
  for (let i = 0; i < 1000; i++) deep = [deep];
  const cmd = (o) => ({ source: 'backprop-lab', type: 'command', ...o });
  return [
    '', 'step', 'command', 'forward', 'slide:stop ', ' slide:stop', 'SLIDE:STOP', 'slide:', markup, 'x'.repeat(10_000_000),
    0, -0, NaN, Infinity, -Infinity, 1e309, 42, true, false, null, undefined,
    [], [1, 2], ['command', 'step'], ['slide:stop'], deep,
    {}, { type: 'command' }, { source: 'backprop-lab' }, { command: 'step', args: [1] },
    { type: 'command', command: 'step', args: [1] },
    { source: 'other', type: 'command', command: 'step', args: [1] },
    { source: 'backprop-lab ', type: 'command', command: 'step', args: [1] },
    { source: 'BACKPROP-LAB', type: 'command', command: 'step', args: [1] },
    { source: ['backprop-lab'], type: 'command', command: 'step', args: [1] },
    { source: { toString: null }, type: 'command', command: 'step' },
    { source: 'backprop-lab', type: 'COMMAND', command: 'step', args: [1] },
    { source: 'backprop-lab', type: ['command'], command: 'step', args: [1] },
    { source: 'backprop-lab', type: 'commands', command: 'step', args: [1] },
    { source: 'backprop-lab', type: 'resize', height: 1e309 },
    { source: 'backprop-lab', type: 'ready', state: markup },
    { source: 'backprop-lab', type: 'change', state: 'step=3' },
    { source: 'backprop-lab', type: markup, command: markup },
    { source: 'backprop-lab', type: 'slide:stop' },
    { source: 'backprop-lab', type: 'nothing', junk: new Array(100_000).fill(markup) },
    new ArrayBuffer(1024 * 1024), new Uint8Array(1000), new Date(NaN), /step/g, new Map([['type', 'command']]),
    new Set(['command']), new Error(markup), new Blob([markup]),
    Object.assign(Object.create(null), { source: 'nope', type: 'command' }),
    // (a command whose name is not a string is not a command either)
    cmd({ command: 42 }), cmd({ command: null }), cmd({ command: ['step'] }), cmd({ command: { name: 'step' } }),
  ];
};

/** Commands with wrong names and hostile arguments (built in the page): each is refused (a warning) or harmless. */
const badCommands = (odd) => {
  const markup = '<img src=x onerror="window.__pwned=1">';
  const long = '9'.repeat(100_000);
  const cmd = (command, args) => ({ source: 'backprop-lab', type: 'command', command, args });
  return [
    cmd(''), cmd(undefined), cmd('STEP', [1]), cmd(' step', [1]), cmd('step\u0000', [1]), cmd('\u202Epets', [1]),
    cmd('constructor'), cmd('__proto__'), cmd('toString'), cmd('hasOwnProperty'), cmd('mount'), cmd('free'),
    cmd(markup), cmd(long), cmd('x'.repeat(1_000_000)), cmd('javascript:window.__pwned=1'),
    ...odd.map((n) => cmd('step', [n])),
    cmd('step', 'not an array'), cmd('step', { 0: 5, length: 1 }), cmd('step', new Array(100_000).fill(markup)),
    cmd('play', [markup]), cmd('pause', [NaN]), cmd('forward', [markup]), cmd('backward', [long]), cmd('reset', [{}]),
    cmd('set'), cmd('set', []), cmd('set', [null, null]), cmd('set', ['lr']), cmd('set', [markup, '1']),
    cmd('set', ['__proto__', '1']), cmd('set', ['constructor', '1']), cmd('set', [long, '1']),
    ...['expr', 'lr', 'panels', 'hide', 'font', 'start'].flatMap((k) => odd.map((v) => cmd('set', [k, v]))),
    cmd('set', ['view', markup]),
    // (the last one stays on screen)
    cmd('set', ['expr', long]),
  ];
};

describe('hostile input', () => {
  const lab = useLab();

  before(async () => {
    const page = await lab.browser.newPage();
    await page.goto(lab.url + HOST);
    await page.waitForFunction(() => !!customElements.get('backprop-lab'), null, { timeout: 20_000 });
    figureKeys = await page.evaluate(() => [...customElements.get('backprop-lab').observedAttributes]);
    await page.close();
  });

  test('the keys tried are README\'s table, and README\'s table names every key the figure reads', async () => {
    const documented = readmeKeys(await fs.readFile(README, 'utf8'));
    assert.deepEqual([...README_KEYS].sort(), [...documented].sort(), 'README_KEYS in this file is the list of keys of README\'s tables: update it');
    assert.ok(figureKeys.length > 0, 'the element observes its keys');
    const unread = documented.filter((k) => !figureKeys.includes(k));
    assert.deepEqual(unread, [], 'every key of README\'s tables is an attribute of <backprop-lab> (observedAttributes)');
    const missing = figureKeys.filter((k) => !documented.includes(k));
    assert.deepEqual(missing, [], 'README\'s tables of keys ("Links and embedding") name every key the figure reads (figureKeys())');
  });

  // ---- the URL ----

  /**
   * Loads `?query` in `page` (one tab for many loads: its error list, dialogs and windows are
   * collected after each) and checks it; `name` names the load in the findings.
   */
  async function visit(page, seen, query, name, h, findings, timeout = 10_000) {
    try {
      await page.goto(lab.url + '?' + query);
      await waitReady(page, timeout);
    } catch (err) {
      findings.push(`${name}: ${String(err.message).split('\n').slice(0, 3).join(' ').slice(0, 400)}`);
    }
    await checkFigures(page, [null], name, h, findings);
    if (new URL(page.url()).pathname !== new URL(lab.url).pathname) findings.push(`${name}: the page navigated to ${page.url().slice(0, 80)}`);
    collect(page, seen, name, findings);
  }

  // For each value: one load with every key set to it (so the view is the default, the graph),
  // and one in each other view named with every other key set to it.
  const families = [
    ['markup', MARKUP, ['train', 'lr', 'step']],
    ['javascript: and data: URLs', URLS, ['train']],
    ['NaN, ±Infinity, −0, 1e309 and 1e-400', NUMBERS, ['train']],
    ['NUL, right-to-left overrides, whitespace, a lone surrogate', CONTROL, ['train']],
    ['an empty string, a bare %, a broken %-escape, __proto__', ODD, ['train']],
  ];
  for (const [family, values, views] of families) {
    test(`URL: every key set to ${family}`, async (t) => {
      const page = await lab.openPage(t, 'preset=circuit');
      const seen = watchPage(page);
      const findings = [];
      const keys = allKeys();
      for (const h of values) {
        await visit(page, seen, queryOf(keys, h), `?(every key)=${h.label}`, h, findings);
        for (const v of views) {
          await visit(page, seen, queryOf(keys.filter((k) => k !== 'view'), h, `&view=${v}`), `?(every key)=${h.label}&view=${v}`, h, findings);
        }
      }
      report(findings, `hostile URL values (${family}) broke the page`);
    });
  }

  test('URL: every key set to 100,000 characters (digits on every key; markup on the keys that echo text)', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit');
    const seen = watchPage(page);
    const findings = [];
    const keys = allKeys();
    // Chromium takes URLs up to 2 MB: the keys go in groups
    const group = (list, n) => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n));
    const loads = [];
    for (const g of group(keys, 14)) loads.push([LONG[0], g, g.includes('view') ? '' : '&view=train']);
    loads.push([LONG[1], ['expr', 'view', 'preset', 'step', 'data', 'lr', 'panels'], '']);
    loads.push([LONG[1], ['hide', 'features', 'hidden', 'start', 'theme', 'font', 'speed'], '&view=train']);
    for (const [h, g, extra] of loads) {
      await visit(page, seen, queryOf(g, h, extra), `?${g.join(',')}=${h.label}${extra}`, h, findings, 15_000);
    }
    report(findings, '100,000-character URL values broke the page');
  });

  test('URL: hostile key names, every key twice, a hostile fragment', async (t) => {
    const page = await lab.openPage(t, 'preset=circuit');
    const seen = watchPage(page);
    const findings = [];
    const longName = 'x'.repeat(100_000);
    const names = [
      '<img src=x onerror="window.__pwned=1">', '"><svg onload=window.__pwned=1>', 'javascript:window.__pwned=1', longName,
      '\u0000', 'vie\u0000w', '\u202Eweiv', 'x\u202E1-', 'NaN', 'Infinity', '-0', '1e309', '__proto__', 'constructor', 'toString', '',
    ];
    const h = MARKUP[0];
    const loads = [
      ['hostile key names', names.map((n) => `${encodeURIComponent(n)}=1`).join('&')],
      ['hostile key names with hostile values, view=train', names.map((n) => `${encodeURIComponent(n)}=${inUrl(h)}`).join('&') + '&view=train'],
      ['every key twice, good then hostile', allKeys().map((k) => `${k}=1&${k}=${inUrl(h)}`).join('&')],
      ['every key twice, hostile then good, view=train', allKeys().filter((k) => k !== 'view').map((k) => `${k}=${inUrl(h)}&${k}=1`).join('&') + '&view=train'],
      ['a hostile fragment', `preset=circuit#${encodeURIComponent(h.value)}`],
      ['a query of separators', '&&&=&==&%26=%3D&?&#'],
    ];
    for (const [label, query] of loads) {
      await visit(page, seen, query, `${label} (?${query.slice(0, 40)}…)`, { long: true, value: longName }, findings);
    }
    report(findings, 'hostile URL keys broke the page');
  });

  // ---- <backprop-lab> ----

  // Every value on every attribute, set before connecting (four figures, one per view) and
  // after (a graph and a training figure; also a learning-rate and a step-size one for the
  // values marked `all`: setting 41 attributes one by one on a connected figure redraws it 41
  // times, and these two views read the same keys as the training view).
  const all = (h) => ({ ...h, all: true });
  const elementFamilies = [
    ['markup and javascript: URLs', [all(MARKUP[0]), MARKUP[1], MARKUP[2], MARKUP[3], URLS[0]]],
    ['NaN, ±Infinity, −0, 1e309, NUL, a right-to-left override, empty, a lone surrogate', [all(NUMBERS[0]), ...NUMBERS.slice(1, 5), CONTROL[1], all(CONTROL[2]), CONTROL[5], ODD[0]]],
    ['100,000 characters', LONG.map(all)],
  ];
  for (const [family, values] of elementFamilies) {
    test(`element: every attribute set to ${family}, before and after the figure is connected`, async (t) => {
      const page = await openHost(lab, t);
      const seen = watchPage(page);
      const findings = [];
      const keys = [...new Set([...figureKeys, ...README_KEYS])];
      for (const [i, h] of values.entries()) {
        const name = `<backprop-lab> every attribute=${h.label}`;
        let made = [];
        try {
          const afterViews = h.all ? ['graph', 'train', 'lr', 'step'] : ['graph', 'train'];
          made = await page.evaluate(mountHostile, { value: h.value, keys, prefix: `v${i}-`, afterViews });
        } catch (err) {
          findings.push(`${name}: setting the attributes threw: ${String(err.message).split('\n')[0].slice(0, 300)}`);
        }
        collect(page, seen, `${name} (setting the attributes)`, findings);
        await checkFigures(page, made, name, h, findings);
        collect(page, seen, name, findings);
      }
      report(findings, `hostile attributes (${family}) broke a figure`);
    });
  }

  test('element: the methods with hostile arguments throw Errors or refuse, and the figure goes on', async (t) => {
    const page = await openHost(lab, t);
    const seen = watchPage(page);
    const findings = [];
    await page.evaluate(() => {
      document.getElementById('figures').innerHTML =
        '<backprop-lab id="g" preset="circuit"></backprop-lab><backprop-lab id="t" view="train"></backprop-lab>';
    });
    await waitUntil(page, () => [...document.querySelectorAll('backprop-lab')].every((e) => e.getAttribute('data-ready') === '1'), { what: 'both figures ready' });
    const odd = await page.evaluate(([hostile, oddArgs]) => {
      const out = [];
      const values = [...hostile, ...(0, eval)(oddArgs), undefined, { valueOf: () => 1 }];
      for (const id of ['g', 't']) {
        const el = document.getElementById(id);
        const tryIt = (what, f) => {
          try {
            f();
          } catch (e) {
            if (!(e instanceof Error)) out.push(`#${id}.${what} threw ${typeof e}, not an Error`);
            else if (e.message.length > 2000) out.push(`#${id}.${what} threw an Error ${e.message.length} characters long`);
          }
        };
        for (const v of values) {
          const shown = JSON.stringify(String(v).slice(0, 20));
          tryIt(`step(${shown})`, () => el.step(v));
          tryIt(`set(${shown}, '1')`, () => el.set(v, '1'));
          tryIt(`set('lr', ${shown})`, () => el.set('lr', v));
          tryIt(`set('expr', ${shown})`, () => el.set('expr', v));
        }
        tryIt('set()', () => el.set());
        for (const m of ['forward', 'backward', 'reset', 'pause', 'slideStop', 'slideStart']) tryIt(`${m}(<hostile>)`, () => el[m](...hostile.slice(0, 3)));
      }
      return out;
    }, [[...SHORT, ...LONG].map((h) => h.value), ODD_ARGS]);
    odd.forEach((f) => findings.push(f));
    collect(page, seen, 'element methods', findings);
    await checkFigures(page, ['g', 't'], 'after the hostile method calls', LONG[0], findings);
    collect(page, seen, 'after the hostile method calls', findings);
    report(findings, 'element methods with hostile arguments broke a figure');
  });

  // ---- the iframe's message channel ----

  /** The host page with the lab in iframes (`labs`: name → query) and two foreign frames after them. */
  async function framed(t, labs) {
    const page = await openHost(lab, t);
    const seen = watchPage(page);
    await page.evaluate((labs) => {
      document.getElementById('figures').innerHTML =
        Object.entries(labs)
          .map(([name, q]) => `<iframe id="${name}" name="${name}" title="${name}" src="../index.html?${q}"></iframe>`)
          .join('') +
        '<iframe id="sibling" name="sibling" title="a sibling page" srcdoc="<p>a sibling on the same origin</p>"></iframe>' +
        '<iframe id="foreign" name="foreign" title="a foreign page" src="data:text/html,<p>a page of another origin</p>"></iframe>';
    }, labs);
    await waitUntil(page, (n) => window.messages.filter((m) => m.type === 'ready').length === n, {
      arg: Object.keys(labs).length,
      what: 'every lab iframe posted ready',
    });
    return { page, seen };
  }

  /** Posts the messages `build(...args)` makes (run in the host page) to the iframe `to`, from the host page. */
  const postFromParent = (page, to, build, arg) =>
    page.evaluate(([to, build, arg]) => {
      const w = document.getElementById(to).contentWindow;
      const failed = [];
      const args = arg === undefined ? [] : [(0, eval)(arg)];
      for (const m of (0, eval)(`(${build})`)(...args)) {
        try {
          w.postMessage(m, '*');
        } catch (e) {
          failed.push(String(e.message).slice(0, 80)); // a value the structured clone refuses: the host's problem
        }
      }
      return failed;
    }, [to, build.toString(), arg]);

  test('iframe: malformed messages from the parent are ignored, wrong commands refused; a proper command answers within a second', async (t) => {
    const { page, seen } = await framed(t, { lab: 'embed=1&preset=circuit', trainer: 'embed=1&view=train' });
    const findings = [];
    const frame = (name) => page.frame({ name });
    const stateOf = (name) => frame(name).evaluate(() => location.search);
    const changes = () => page.evaluate(() => window.messages.filter((m) => m.type === 'change').map((m) => m.state));

    // 1. messages that are not commands: nothing at all changes
    const before = { lab: await stateOf('lab'), trainer: await stateOf('trainer') };
    const changed = (await changes()).length;
    for (const to of ['lab', 'trainer']) {
      const failed = await postFromParent(page, to, malformed);
      if (failed.length) findings.push(`(test) ${failed.length} messages could not be posted: ${failed[0]}`);
    }
    await page.waitForTimeout(400);
    collect(page, seen, 'malformed messages', findings);
    for (const to of ['lab', 'trainer']) {
      const now = await stateOf(to);
      if (now !== before[to]) findings.push(`malformed messages changed #${to}'s state: ${before[to].slice(0, 80)} → ${now.slice(0, 80)}`);
    }
    const extra = (await changes()).slice(changed);
    if (extra.length) findings.push(`malformed messages made the figures post ${extra.length} change messages: ${extra[0].slice(0, 80)}`);
    if ((await frame('lab').locator('#graph [data-current="true"]').count()) !== 0) findings.push('a malformed message stepped the graph');
    for (const to of ['lab', 'trainer']) await checkFigures(frame(to), [null], `#${to} after malformed messages`, { value: '' }, findings);
    collect(page, seen, 'after malformed messages', findings);

    // 2. commands with wrong names and hostile arguments: refused with a warning, or harmless
    for (const to of ['lab', 'trainer']) {
      const failed = await postFromParent(page, to, badCommands, ODD_ARGS);
      if (failed.length) findings.push(`(test) ${failed.length} commands could not be posted: ${failed[0]}`);
    }
    await page.waitForTimeout(400);
    collect(page, seen, 'wrong commands', findings);
    for (const to of ['lab', 'trainer']) {
      await checkFigures(frame(to), [null], `#${to} after wrong commands`, LONG[0], findings);
    }
    collect(page, seen, 'after wrong commands', findings);
    const inHost = await page.evaluate(inspect, { scopes: [], longProbe: null }).catch((err) => [`could not inspect: ${err.message}`]);
    inHost.forEach((f) => findings.push(`the host page: ${f}`));

    // 3. proper commands still answer within a second
    const command = async (what, command, args, done) => {
      const t0 = Date.now();
      await page.evaluate(([command, args]) => document.getElementById('lab').contentWindow.postMessage({ source: 'backprop-lab', type: 'command', command, args }, '*'), [command, args]);
      try {
        await frame('lab').waitForFunction(done, null, { timeout: ANSWER_MS, polling: 10 });
        const ms = Date.now() - t0;
        if (ms > ANSWER_MS) findings.push(`a proper command (${what}) answered after ${ms} ms`);
      } catch {
        findings.push(`a proper command (${what}) did not answer within ${ANSWER_MS} ms`);
      }
    };
    await command("set('preset', 'circuit')", 'set', ['preset', 'circuit'], () => document.querySelectorAll('#graph g.node').length === 5 && !document.getElementById('graph').hasAttribute('data-stale'));
    await command('reset', 'reset', [], () => [...document.querySelectorAll('#graph g.node')].every((n) => (n.getAttribute('data-grad') ?? '') === ''));
    await command('backward', 'backward', [], () => [...document.querySelectorAll('#graph g.node')].every((n) => (n.getAttribute('data-grad') ?? '') !== ''));
    collect(page, seen, 'the proper commands', findings);
    report(findings, 'the iframe message channel broke the figure');
  });

  test('iframe: commands and slide:stop from foreign windows (a sibling, another origin, a popup, itself) are ignored; the parent\'s are obeyed', async (t) => {
    // the training figure first, on screen: it plays, and slide:stop would pause it
    const { page, seen } = await framed(t, { trainer: 'embed=1&view=train&autoplay=1&panels=loss', lab: 'embed=1&preset=circuit&panels=graph' });
    const findings = [];
    const frame = (name) => page.frame({ name });
    const stepOf = () => frame('trainer').locator('#t-count-step').getAttribute('data-step').then(Number);
    const stateOf = (name) => frame(name).evaluate(() => location.search);
    await waitUntil(frame('trainer'), () => Number(document.getElementById('t-count-step')?.getAttribute('data-step')) > 0, {
      what: 'autoplay=1: the training iframe trains',
    });
    const [popup] = await Promise.all([
      page.waitForEvent('popup', { timeout: 5000 }),
      page.evaluate(() => {
        window.popup = window.open('about:blank', 'popup');
      }),
    ]);
    seen.splice(0); // (that window is the test's own)
    const markup = '<img src=x onerror="window.__pwned=1">';
    const messages = [
      'slide:stop',
      { source: 'backprop-lab', type: 'command', command: 'pause', args: [] },
      { source: 'backprop-lab', type: 'command', command: 'step', args: [3] },
      { source: 'backprop-lab', type: 'command', command: 'set', args: ['expr', markup] },
      { source: 'backprop-lab', type: 'command', command: 'set', args: ['view', 'lr'] },
      { source: 'backprop-lab', type: 'command', command: 'reset', args: [] },
    ];
    const before = await stateOf('lab');
    // each posts them to both lab iframes (the host page's frames 0 and 1)
    const send = (msgs) => {
      const host = window.opener || window.parent;
      for (let i = 0; i < 2; i++) for (const m of msgs) host.frames[i].postMessage(m, '*');
    };
    for (const [who, w] of [
      ['a sibling iframe on the same origin', frame('sibling')],
      ['an iframe of another origin (data:)', frame('foreign')],
      ['a popup window', popup],
    ]) {
      await w.evaluate(send, messages).catch((err) => findings.push(`(test) ${who} could not post: ${String(err.message).split('\n')[0]}`));
    }
    // (the popup, in front, would hold back the host page's frames: it goes)
    await popup.close();
    await page.bringToFront();
    // and each lab iframe to itself
    for (const name of ['trainer', 'lab']) await frame(name).evaluate((msgs) => msgs.forEach((m) => window.postMessage(m, '*')), messages);

    const a = await stepOf();
    await page.waitForTimeout(600);
    const b = await stepOf();
    if (!(b > a)) findings.push(`after slide:stop and pause from foreign windows the training iframe stopped training (data-step ${a} → ${b})`);
    const view = await frame('trainer').evaluate(() => document.querySelector('[data-backprop-lab-page]').getAttribute('data-view'));
    if (view !== 'train') findings.push(`a foreign set('view', 'lr') switched the training iframe to the ${view} view`);
    const after = await stateOf('lab');
    if (after !== before) findings.push(`foreign commands changed the graph iframe's state: ${before.slice(0, 80)} → ${after.slice(0, 80)}`);
    if ((await frame('lab').locator('#graph [data-current="true"]').count()) !== 0) findings.push('a foreign step command stepped the graph');
    collect(page, seen, 'foreign messages', findings);

    // the parent's slide:stop and slide:start are obeyed
    const slide = (m) => page.evaluate((m) => document.getElementById('trainer').contentWindow.postMessage(m, '*'), m);
    await slide('slide:stop');
    await page.waitForTimeout(300);
    const stopped = await stepOf();
    await page.waitForTimeout(500);
    const still = await stepOf();
    if (still !== stopped) findings.push(`the parent's slide:stop did not pause training (data-step ${stopped} → ${still})`);
    const t0 = Date.now();
    await slide('slide:start');
    try {
      await frame('trainer').waitForFunction((s) => Number(document.getElementById('t-count-step').getAttribute('data-step')) > s, still, { timeout: ANSWER_MS, polling: 10 });
    } catch {
      findings.push(`the parent's slide:start did not resume training within ${ANSWER_MS} ms (${Date.now() - t0} ms)`);
    }
    collect(page, seen, 'slide:stop and slide:start from the parent', findings);
    for (const name of ['trainer', 'lab']) await checkFigures(frame(name), [null], `#${name} after foreign messages`, { value: '' }, findings);
    collect(page, seen, 'after foreign messages', findings);
    report(findings, 'foreign messages reached the figure, or the parent\'s did not');
  });
});
