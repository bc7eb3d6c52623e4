// Backprop Lab's service worker (dist/sw.js, registered by index.html over http(s) only): the
// site keeps working offline after a first visit.
//
// Network first, for every same-origin GET: the request goes to the network and a good answer
// is kept in the cache; only when the network fails does the cache answer. So a new build is
// never hidden behind a stale copy, and the cache matters only offline. The scope is the
// folder sw.js is served from (the site's folder), so it covers the site and nothing above it.
//
// The build's hashed files (backprop-lab-<hash>.js, …_bg.wasm, style-<hash>.css) change name
// with every build: storing one drops the other builds' copies of the same file, so the cache
// holds about one build.

const CACHE = 'backprop-lab';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.headers.has('range')) return; // a partial answer cannot be stored
  event.respondWith(networkFirst(event, request));
});

async function networkFirst(event, request) {
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const cache = await caches.open(CACHE);
    // A page opened offline with another query string than the one stored is the same file.
    const hit =
      (await cache.match(request)) ||
      (request.mode === 'navigate' ? await cache.match(request, { ignoreSearch: true }) : undefined);
    if (hit) return hit;
    throw offline;
  }
  if (response.ok && response.type === 'basic') event.waitUntil(store(request, response.clone()));
  return response;
}

/** The name of a hashed build file with its hash taken out, or null for other files. */
function family(url) {
  const m = /^(.*\/[^/]*)-[0-9a-f]{16}((?:_bg)?\.[a-z0-9]+)$/.exec(new URL(url).pathname);
  return m ? m[1] + '-*' + m[2] : null;
}

async function store(request, response) {
  const cache = await caches.open(CACHE);
  await cache.put(request, response);
  const kind = family(request.url);
  if (!kind) return;
  for (const key of await cache.keys()) {
    if (key.url !== request.url && family(key.url) === kind) await cache.delete(key);
  }
}
