// The static site's side of the page (scripts/build_site.mjs adds it to
// index.html; the page served by web/serve.mjs has none of it): registers the
// service worker (sw.js, web/site/sw.js), and says in the header what it means
// for this load: one thread or threads, saved for offline use, a new version.
//
// window.vitopoSite = {version, notice(), worker}: the site's version, the
// text shown, and a promise of the service worker's state once it is settled:
// "active" (installed: the site opens offline, and threaded from the next
// load), "unsupported" or "failed".

const version = document.querySelector('meta[name="vitopo-site-version"]')?.content ?? '';
const storageKey = `vitopo-site-version ${new URL('./', location.href).pathname}`;

function noticeElement() {
  let element = document.getElementById('site-status');
  if (!element) {
    element = Object.assign(document.createElement('div'), { id: 'site-status' });
    element.setAttribute('role', 'status');
    element.style.cssText = 'flex: 0 1 26vw; min-width: 0; font-size: 12px; color: #9fb3c8; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;';
    (document.getElementById('state') ?? document.body.firstElementChild).after(element);
  }
  return element;
}

function say(text) {
  const element = noticeElement();
  element.textContent = text;
  element.title = text;
}

// The version the browser ran here last time, and now this one.
function previousVersion() {
  try {
    const previous = localStorage.getItem(storageKey);
    localStorage.setItem(storageKey, version);
    return previous;
  } catch {
    return null;  // no storage (a private window): no "updated" notice
  }
}

const ONE_THREAD = 'One thread: this host sends no cross-origin isolation headers';

function threads() {
  return crossOriginIsolated ? 'threaded' : 'on one thread';
}

// The version of a service worker, asked of it.
function workerVersion(worker) {
  return new Promise((resolve) => {
    const listen = ({ data }) => {
      if (data?.type !== 'vitopo-site-version') return;
      navigator.serviceWorker.removeEventListener('message', listen);
      resolve(data.version);
    };
    navigator.serviceWorker.addEventListener('message', listen);
    worker.postMessage({ type: 'vitopo-site-version' });
    setTimeout(() => resolve(null), 5000);
  });
}

// Once a worker of another version is saved completely (installed), or took
// over while the page ran, the page says so, and that notice stays.
let newer = null;
async function checkNewer(worker) {
  const next = worker ? await workerVersion(worker) : null;
  if (next && next !== version) {
    newer = next;
    say(`A new version (${next}) is ready: it applies on the next load.`);
  }
}

function sayUnlessNewer(text) {
  if (newer === null) say(text);
}

async function start() {
  const previous = previousVersion();
  if (!('serviceWorker' in navigator)) {
    say(crossOriginIsolated
      ? `Version ${version}, threaded. This browser runs no service worker here, so the site is not saved for offline use.`
      : `${ONE_THREAD}, and this browser runs no service worker here (that needs https, or http on localhost, and no private window).`);
    return 'unsupported';
  }
  navigator.serviceWorker.addEventListener('controllerchange', () => checkNewer(navigator.serviceWorker.controller));
  const controlled = navigator.serviceWorker.controller !== null;
  if (controlled && previous && previous !== version) say(`Updated to version ${version}, ${threads()}.`);
  else if (controlled) say(`Version ${version}, ${threads()}, saved for offline use.`);
  else say(`Version ${version}, on one thread for this first load: saving the site for offline use…`);
  // The page starts first: the service worker then takes the files it just loaded from the HTTP cache.
  await window.vitopo?.ready?.catch(() => {});
  let registration;
  try {
    registration = await navigator.serviceWorker.register('sw.js', { scope: './' });
  } catch (e) {
    sayUnlessNewer(`${crossOriginIsolated ? `Version ${version}, threaded` : ONE_THREAD}; the site's service worker could not start: ${e.message ?? e}`);
    return 'failed';
  }
  // A new version (a changed sw.js) installs in the background: it serves the next load.
  registration.addEventListener('updatefound', () => {
    const installing = registration.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed' || installing.state === 'activated') checkNewer(installing);
    });
  });
  if (controlled) registration.update().catch(() => {});  // offline: nothing to check
  await navigator.serviceWorker.ready;
  if (!controlled) sayUnlessNewer(`Version ${version}, saved for offline use: from the next load the page runs threaded, also offline.`);
  else if (!crossOriginIsolated) sayUnlessNewer(`${ONE_THREAD}, and the browser did not isolate the page through the site's service worker.`);
  if (controlled) await checkNewer(registration.waiting);  // it may have been installed before this module listened
  return registration.active ? 'active' : 'failed';
}

const worker = start().catch((e) => {
  say(`The site's service worker failed: ${e.message ?? e}`);
  return 'failed';
});

window.vitopoSite = Object.freeze({
  version,
  notice: () => document.getElementById('site-status')?.textContent ?? '',
  worker,
});
