// `make size`: what the built site costs to download (a figure, not a test). Prints each file
// of dist/ that a page loads before its first drawing — raw, gzip (level 9) and brotli
// (quality 11) — and the first-draw totals: the page's graph view, a <backprop-lab> figure in
// a host page, and a training view (today all three load the same module; issue 16 asks for a
// graph figure ≤ 150 KB gzip and the whole lab ≤ 300 KB gzip).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.DIST_DIR || path.join(here, '..', 'dist'));
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error(`no built site in ${dist}: run make dist first`);
  process.exit(2);
}
const files = fs.readdirSync(dist).filter((f) => fs.statSync(path.join(dist, f)).isFile());
const find = (re) => files.find((f) => re.test(f));
const glue = find(/^backprop-lab-[0-9a-f]+\.js$/);
const wasm = find(/_bg\.wasm$/);
const css = find(/^style-[0-9a-f]+\.css$/);

const sizes = new Map();
for (const f of files) {
  const raw = fs.readFileSync(path.join(dist, f));
  sizes.set(f, {
    raw: raw.length,
    gzip: zlib.gzipSync(raw, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
console.log(`${'file'.padEnd(40)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`);
for (const [f, s] of [...sizes].sort((a, b) => b[1].raw - a[1].raw)) {
  console.log(`${f.padEnd(40)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
}
const total = (what, list) => {
  const sum = (k) => list.reduce((n, f) => n + (sizes.get(f)?.[k] ?? 0), 0);
  console.log(`${what.padEnd(40)}${kb(sum('raw'))}${kb(sum('gzip'))}${kb(sum('brotli'))}   (${list.join(' + ')})`);
};
console.log('\nfirst draw:');
total('the page, graph view', ['index.html', glue, wasm, css]);
total('a <backprop-lab> graph figure', ['backprop-lab.js', glue, wasm, css]);
total('the page, training view', ['index.html', glue, wasm, css]);
