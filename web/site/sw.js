// The static site's service worker (scripts/build_site.mjs puts it at the
// site's root as sw.js, after the line that defines VITOPO_SITE = {version,
// precache}). It does two things for the site's own files, and nothing for
// anyone else's:
//
// - Cross-origin isolation without server headers: every response it gives
//   carries COOP/COEP (and CORP), so that a page it serves is cross-origin
//   isolated and ONNX Runtime and the analysis can use threads. This is the
//   approach of the npm package coi-serviceworker, in a worker of our own,
//   because one scope has one service worker and coi-serviceworker's always
//   answers from the network: it cannot also serve the site offline.
// - Offline: on install it saves every file of its version (hashed names:
//   unchanged files are taken from the previous version's cache instead of
//   the network), and it answers from that cache first. What it saves carries
//   the headers already, so a saved file is answered as the cache holds it:
//   no stream through this worker stays open (Chrome would not let a new
//   version take over while one does).
//
// A new version installs in the background while the old one serves the open
// page, and asks to take over at once (skipWaiting). Chrome lets it only once
// the old worker has no event in hand, which may take minutes; so whichever
// worker is active answers a load of the page with the index.html of the
// newest version saved completely: a new version applies on the next load
// either way. Every file has a name of its own version, so any worker serves
// any version's files, and the previous version's cache is kept for a page
// still running it.
/* global VITOPO_SITE */
const SCOPE = self.registration.scope;
const PREFIX = `vitopo-site ${SCOPE} `;
const CACHE = PREFIX + VITOPO_SITE.version;
const INDEX = new URL('index.html', SCOPE).href;
const COMPLETE = new URL('vitopo-site-complete', SCOPE).href;  // in a cache: when it was saved completely
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(VITOPO_SITE.precache.map(async (file) => {
    const url = new URL(file, SCOPE).href;
    if (await cache.match(url)) return;
    // A hashed name never changes its bytes, so any cache's copy will do;
    // index.html is asked of the server, past any HTTP cache.
    const hashed = url !== INDEX;
    let response = hashed ? await caches.match(url) : undefined;
    if (!response) {
      const fetched = await fetch(url, { cache: hashed ? 'default' : 'no-cache' });
      if (!fetched.ok) throw new Error(`vitopo: ${file} could not be saved for offline use: HTTP ${fetched.status}`);
      // A host or proxy that still sends another version's index.html: this version is not installed
      // (the browser tries again at its next check).
      if (!hashed && !(await fetched.clone().text()).includes(`name="vitopo-site-version" content="${VITOPO_SITE.version}"`)) {
        throw new Error(`vitopo: the host sent an index.html of another version than ${VITOPO_SITE.version}`);
      }
      response = isolated(fetched);
    }
    await cache.put(url, response);
  }));
  await cache.put(COMPLETE, new Response(String(Date.now())));
}

// The index.html of the version saved completely last.
async function newestIndex() {
  let newest = null;
  let newestTime = -Infinity;
  for (const key of await caches.keys()) {
    if (!key.startsWith(PREFIX)) continue;
    const cache = await caches.open(key);
    const complete = await cache.match(COMPLETE);
    const time = complete ? Number(await complete.text()) : NaN;
    if (!(time > newestTime)) continue;
    const index = await cache.match(INDEX);
    if (index) {
      newest = index;
      newestTime = time;
    }
  }
  return newest;
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

// Keeps this version's cache and the one before it (the version an open page may still run).
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const ours = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE);
    await Promise.all(ours.slice(0, -1).map((key) => caches.delete(key)));
  })());
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'vitopo-site-version') {
    event.source?.postMessage({ type: 'vitopo-site-version', version: VITOPO_SITE.version });
  }
});

function isolated(response) {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function respond(request) {
  const url = request.url.split('#')[0];
  const navigation = request.mode === 'navigate';
  const page = url.split('?')[0];
  const cached = navigation && (page === SCOPE || page === INDEX)
    ? await newestIndex()
    : (await (await caches.open(CACHE)).match(url)) ?? (await caches.match(url));
  if (cached) return cached;
  try {
    return isolated(await fetch(request));
  } catch {
    return new Response(`vitopo: ${new URL(url).pathname} is not saved for offline use, and the network cannot be reached.\n`,
      { status: 503, statusText: 'Offline', headers: { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION } });
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(respond(request));
});
