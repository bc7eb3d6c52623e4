// <backprop-lab>: a Backprop Lab figure on any page.
//
//   <script type="module" src="https://host/backprop-lab/backprop-lab.js"></script>
//   <backprop-lab preset="circuit" step="all"></backprop-lab>
//   <backprop-lab view="train" data="xor"></backprop-lab>
//
// The attributes are the page's URL keys, with the same names and values (README, "Links and
// embedding"); changing one later updates the figure. Scripts drive it with forward(),
// backward(), step(n), reset(), play(), pause() and set(key, value); `state` is its query
// string, and it fires `backprop-lab-change` (detail: {state}) when that changes. Every element is a figure of its own in
// an open shadow root (its styles and ids stay inside), and all of them share one instance of
// the WebAssembly module, loaded once by this file. The figure itself is Rust
// (crate/src/web/shell); this file only defines the element and hands it the attributes.
//
// This file is a template: the build (tools/element-loader.sh, a Trunk post-build hook) writes
// dist/backprop-lab.js with the hashed names of the module, its glue and the style sheet.
const base = new URL('.', import.meta.url);
const glue = await import(new URL('__GLUE__', base).href);
await glue.default({ module_or_path: new URL('__WASM__', base) });
const STYLE = new URL('__CSS__', base).href;
const KEYS = glue.figureKeys();

class BackpropLab extends HTMLElement {
  static get observedAttributes() {
    return KEYS;
  }

  connectedCallback() {
    if (this._figure) return;
    const shadow = this.shadowRoot || this.attachShadow({ mode: 'open' });
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = STYLE;
    const root = document.createElement('div');
    shadow.replaceChildren(style, root);
    const query = new URLSearchParams();
    for (const { name, value } of this.attributes) if (KEYS.includes(name)) query.append(name, value);
    this._figure = glue.Figure.mount(root, query.toString(), base.href);
    this.setAttribute('data-ready', '1');
  }

  _run(command, args = []) {
    if (!this._figure) throw new Error('backprop-lab: the figure is not mounted yet (put the element in the page first)');
    this._figure.command(command, args);
  }

  /** Computes every value (the Forward button). */
  forward() { this._run('forward'); }
  /** Computes every gradient (the Backward button). */
  backward() { this._run('backward'); }
  /** n steps (default 1): of the backward pass in the graph view, of training in the others. */
  step(n = 1) { this._run('step', [n]); }
  /** Clears the graph's values and gradients, or gives the network new weights from its seed. */
  reset() { this._run('reset'); }
  /** Trains continuously (training view). */
  play() { this._run('play'); }
  pause() { this._run('pause'); }
  /** Sets one URL key, as the attribute would (a bad value gives a message in the figure). */
  set(key, value) { this._run('set', [key, value]); }
  /** Downloads a file, as its button does: graph-svg, graph-png, graph-json, network-svg,
   *  network-png, network-json, loss-csv, data-csv, lab, or a plot's <name>-png|svg|csv
   *  (loss-png, sweep-csv, step-profile-svg…). */
  export(what) { this._run('export', [what]); }
  /** Opens a lab file's text (what Save lab writes, or `el.lab`); throws saying what is wrong. */
  openLab(text) { this._run('open-lab', [text]); }
  /** The figure's lab file as JSON text: everything Save lab writes. */
  get lab() {
    return this._figure ? this._figure.lab : '';
  }
  /** The slide the figure is on was left or shown again (embed.js calls these for Reveal.js). */
  slideStop() { if (this._figure) this._figure.slide(false); }
  slideStart() { if (this._figure) this._figure.slide(true); }

  attributeChangedCallback(name, old, value) {
    if (this._figure && value !== null && value !== old) this._figure.set(name, value);
  }

  /** The figure's state as a query string (the same keys as the attributes). */
  get state() {
    return this._figure ? this._figure.state : '';
  }
}

if (!customElements.get('backprop-lab')) customElements.define('backprop-lab', BackpropLab);
