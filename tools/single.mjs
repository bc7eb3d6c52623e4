#!/usr/bin/env node
// The whole lab in one self-contained HTML file, for learning platforms that take only an
// uploaded file and for notes read offline: it opens from a file:// URL (`make dist-single`).
//
//   node tools/single.mjs [DIST_DIR] [OUT_FILE]     (defaults: dist, dist-single/backprop-lab.html)
//
// From the release build in dist/ it takes index.html and inlines
//   - the style sheet (style-<hash>.css) as a <style>;
//   - the wasm-bindgen glue (backprop-lab-<hash>.js) as an inline <script type="module">, with
//     a few lines after it that start the module from the bytes below: the glue's default init,
//     `init({module_or_path: bytes})`, so nothing is fetched;
//   - the module (backprop-lab-<hash>_bg.wasm) as base64 in a <script type="application/base64">;
// and drops Trunk's loader and preload links. The body stays as built from www/index.html (the
// boot note and <div data-backprop-lab-page>); <html data-single-file> tells the boot script
// that this page needs no server (and registers no service worker). Prints the size, raw and
// gzipped. Fails, naming what it expected, when the build does not look as it should.
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the single file from `distDir`; returns its text. */
export async function buildSingle(distDir) {
  const names = await fs.readdir(distDir);
  const one = (re, what) => {
    const found = names.filter((n) => re.test(n));
    if (found.length !== 1) {
      throw new Error(`${distDir}: expected one ${what} (${re}), found ${found.length ? found.join(', ') : 'none'}. Run make dist.`);
    }
    return found[0];
  };
  const glueName = one(/^backprop-lab-[0-9a-f]+\.js$/, 'wasm-bindgen glue');
  const wasmName = one(/^backprop-lab-[0-9a-f]+_bg\.wasm$/, 'wasm module');
  const cssName = one(/^style-[0-9a-f]+\.css$/, 'style sheet');
  const read = (n) => fs.readFile(path.join(distDir, n));
  let html = (await read('index.html')).toString('utf8');
  const glue = (await read(glueName)).toString('utf8');
  const wasm = await read(wasmName);
  const css = (await read(cssName)).toString('utf8');

  // Trunk's elements, each of which must be there exactly once (else the build has changed
  // shape and the output would be wrong: better to stop).
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const drop = (re, what) => {
    const hits = html.match(new RegExp(re.source, 'g')) ?? [];
    if (hits.length !== 1) throw new Error(`index.html: expected one ${what}, found ${hits.length}`);
    html = html.replace(re, '');
  };
  drop(new RegExp(`<link\\b[^>]*\\bhref="\\./${esc(cssName)}"[^>]*>`), `stylesheet link to ${cssName}`);
  drop(new RegExp(`<link\\b[^>]*\\brel="modulepreload"[^>]*\\bhref="\\./${esc(glueName)}"[^>]*>`), `modulepreload of ${glueName}`);
  drop(new RegExp(`<link\\b[^>]*\\brel="preload"[^>]*\\bhref="\\./${esc(wasmName)}"[^>]*>`), `preload of ${wasmName}`);
  drop(new RegExp(`<script type="module">(?:(?!</script>)[\\s\\S])*?from '\\./${esc(glueName)}'[\\s\\S]*?</script>`), `Trunk's loader script (importing ${glueName})`);

  // The glue's default export, the init function (`export { initSync, __wbg_init as default }`).
  const exp = /export\s*\{[^}]*?\b([A-Za-z_$][\w$]*)\s+as\s+default\b[^}]*\}/.exec(glue);
  if (!exp) throw new Error(`${glueName}: no "export { … as default }" (the wasm-bindgen init)`);
  const init = exp[1];
  if (/^\s*import\b/m.test(glue)) throw new Error(`${glueName} imports other files (snippets?): it cannot be inlined as is`);
  if (/<\/style/i.test(css)) throw new Error(`${cssName} contains "</style"`);
  const urls = [...css.matchAll(/url\(\s*['"]?(?!data:|#)([^'")]+)/g)].map((m) => m[1]);
  if (urls.length) throw new Error(`${cssName} refers to other files (${urls.join(', ')}): they would be missing`);

  // Inline text must not end its <script> early or open an HTML comment inside it; "\x3C" is
  // "<" inside the glue's strings and regular expressions, where these can occur.
  const scriptSafe = (js) => js.replace(/<(\/script|!--)/gi, '\\x3C$1');
  const boot = [
    '',
    '// ---- added by tools/single.mjs: start the module from the bytes inlined in this page ----',
    '{',
    "  const text = document.getElementById('backprop-lab-wasm').textContent.replace(/\\s+/g, '');",
    '  let bytes;',
    "  if (typeof Uint8Array.fromBase64 === 'function') bytes = Uint8Array.fromBase64(text);",
    '  else {',
    '    const raw = atob(text);',
    '    bytes = new Uint8Array(raw.length);',
    '    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);',
    '  }',
    `  await ${init}({ module_or_path: bytes });`,
    '}',
    '',
  ].join('\n');
  const head =
    `<style>\n${css}\n</style>\n` +
    `<script type="module">\n${scriptSafe(glue)}\n${boot}</script>\n`;
  // base64 in lines of 76, so editors and diff tools cope with the file
  const b64 = wasm.toString('base64').replace(/.{76}/g, '$&\n');
  const data = `<script type="application/base64" id="backprop-lab-wasm">\n${b64}\n</script>\n`;

  // Nothing in the page may still point at a file beside it.
  const outside = [...html.matchAll(/\b(?:src|href)="(?!data:|#|https?:)([^"]*)"/g)].map((m) => m[1]);
  if (outside.length) throw new Error(`the single file would still load ${outside.join(', ')}`);
  if (!/<html\b/.test(html) || !html.includes('</head>') || !html.includes('</body>')) {
    throw new Error('index.html: no <html>, </head> or </body>');
  }
  html = html
    .replace(/<html\b/, '<html data-single-file')
    .replace('</head>', () => head + '</head>')
    .replace(/<\/body>(?![\s\S]*<\/body>)/, () => data + '</body>');

  return html;
}

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const distDir = path.resolve(process.argv[2] ?? path.join(repo, 'dist'));
  const out = path.resolve(process.argv[3] ?? path.join(repo, 'dist-single', 'backprop-lab.html'));
  try {
    const html = await buildSingle(distDir);
    await fs.mkdir(path.dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    await fs.writeFile(tmp, html);
    await fs.rename(tmp, out);
    const raw = Buffer.byteLength(html);
    const gz = zlib.gzipSync(html, { level: 9 }).length;
    const shown = path.relative(process.cwd(), out);
    console.log(`${shown.startsWith('..') ? out : shown}: ${raw} bytes (${kib(raw)}), ${gz} bytes gzipped (${kib(gz)})`);
  } catch (err) {
    console.error(`single.mjs: ${err.message}`);
    process.exit(1);
  }
}
