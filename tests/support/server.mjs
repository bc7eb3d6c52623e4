// A tiny static file server for the end-to-end tests (node:http only, no dependencies).
//
// It serves the built site (DIST_DIR, default <repo>/dist) under the sub-path /sub/path/ and
// answers 404 for everything else. A page that loads its script, wasm or stylesheet from an
// absolute path ("/app.js") therefore breaks here, exactly as it would when hosted in a
// sub-folder (GitHub Pages, a course site): this is how the tests prove the paths are relative.
//
// /sub/path/host/… is the exception: it serves tests/host/ (HOST_DIR), plain pages that embed
// the figures with <backprop-lab> and load ../backprop-lab.js from the built site beside them.
// So is /sub/path/examples/reveal/reveal.js/…: the Reveal.js deck of the examples (dist/examples/
// reveal/) loads reveal.js from there, and the tests serve it from npm's copy
// (tools/node_modules/reveal.js, REVEAL_DIR), as a course site would serve its own.

import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUB_PATH = '/sub/path/';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
/** The host pages' folder, served under /sub/path/host/. */
export const HOST_DIR = path.resolve(here, '..', 'host');
const HOST_PREFIX = 'host/';
/** reveal.js from npm (tools/package.json), served under /sub/path/examples/reveal/reveal.js/. */
export const REVEAL_DIR = path.resolve(REPO_ROOT, 'tools', 'node_modules', 'reveal.js');
const REVEAL_PREFIX = 'examples/reveal/reveal.js/';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The folder being served: $DIST_DIR, or <repo>/dist. */
export function distDir() {
  return path.resolve(process.env.DIST_DIR || path.join(REPO_ROOT, 'dist'));
}

/**
 * Starts the server on 127.0.0.1 with a free port.
 * @returns {Promise<{url: string, root: string, close: () => Promise<void>}>}
 *   url is like http://127.0.0.1:PORT/sub/path/
 */
export async function startServer({ root = distDir(), hostRoot = HOST_DIR, revealRoot = REVEAL_DIR } = {}) {
  try {
    await fs.access(path.join(root, 'index.html'));
  } catch {
    throw new Error(
      `no built site: ${path.join(root, 'index.html')} does not exist. ` +
        'Build the page first (trunk build --release), or point DIST_DIR at a built site.',
    );
  }

  // Request lines up to 4 MB, past Chromium's 2 MB limit for a URL (Node's default, 16 KB,
  // answers 431): the hostile-input tests load URLs carrying 100,000-character values.
  const server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    serve(root, { [HOST_PREFIX]: hostRoot, [REVEAL_PREFIX]: revealRoot }, req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`500 ${err.message}\n`);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${SUB_PATH}`,
    root,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Serves `req` from distRoot, or from mounts[prefix] for paths below SUB_PATH + prefix. */
async function serve(distRoot, mounts, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, '405 method not allowed\n');

  const { pathname } = new URL(req.url, 'http://localhost');
  if (!pathname.startsWith(SUB_PATH)) return send(res, 404, `404 ${pathname} is outside ${SUB_PATH}\n`);

  let rel;
  try {
    rel = decodeURIComponent(pathname.slice(SUB_PATH.length));
  } catch {
    return send(res, 400, '400 bad path\n');
  }
  let root = distRoot;
  for (const [prefix, mounted] of Object.entries(mounts)) {
    if (rel.startsWith(prefix)) {
      root = mounted;
      rel = rel.slice(prefix.length);
      break;
    }
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';

  const file = path.resolve(root, rel);
  if (file !== root && !file.startsWith(root + path.sep)) return send(res, 404, '404\n');

  let body;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return send(res, 404, `404 ${pathname}\n`);
    body = await fs.readFile(file);
  } catch {
    return send(res, 404, `404 ${pathname}\n`);
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

// `node tests/support/server.mjs` serves the site by hand, to look at it in a browser.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer();
  console.log(`serving ${distDir()} at ${url} (and ${HOST_DIR} at ${url}${HOST_PREFIX}, ${REVEAL_DIR} at ${url}${REVEAL_PREFIX})`);
}
