// Model loading in the page (web/model_fetch.mjs, web/model_cache.mjs): the
// status line counts the model's bytes; the model is kept in Cache Storage
// keyed by its SHA-256, so a reload in the same browser profile does not fetch
// its bytes again; a corrupted copy is detected and fetched again; a model over
// the size budget is refused with a message and the page keeps its model; on a
// non-secure origin (no Cache Storage) the page loads the model as before.
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { launch, serve, site, TIMEOUT } from './harness.mjs';

const MODEL = 'models/vitopo-fmnist.onnx';
const MODEL_MB = (fs.statSync(path.join(site, MODEL)).size / 1e6).toFixed(1);  // as the page writes it under 10 MB

// Every text the status line showed, from the start of the page: each new text
// node the page put into #status.
function recordStatus() {
  window.__statusTexts = [];
  document.addEventListener('DOMContentLoaded', () => {
    const status = document.getElementById('status');
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) window.__statusTexts.push(n.textContent);
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
}

// One browser profile; `responses` counts the model's HTTP responses by status.
async function profile(args = []) {
  const server = await serve();
  const browser = await launch({ args });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(TIMEOUT);
  await context.addInitScript(recordStatus);
  const responses = [];
  context.on('response', (r) => {
    if (r.url().endsWith(MODEL)) responses.push(r.status());
  });
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const load = async (url = server.url) => {
    await page.goto(url, { timeout: TIMEOUT });
    await page.waitForFunction(() => window.vitopo && window.vitopo.ready, null, { timeout: TIMEOUT });
    await page.evaluate(() => window.vitopo.ready).catch((e) => assert.fail(`${e.message}\n${log.join('\n')}`));
    // The model cache is written while the page loads the model; a reload before it is done would abort the write.
    await page.evaluate(async () => (await import('./model_cache.mjs')).settled());
    return page.evaluate(() => ({ model: window.vitopo.model(), error: document.getElementById('error').textContent,
      texts: window.__statusTexts, analysed: window.vitopo.analysis()?.shape ?? null }));
  };
  const close = async () => {
    await browser.close().catch(() => {});
    server.stop();
  };
  return { server, page, log, responses, load, close };
}

// The page's model cache: {index: [{url, sha256, size}], stored: [sha256]}.
const cacheState = () => (async () => {
  await (await import('./model_cache.mjs')).settled();  // the page writes the cache while the model loads
  const cache = await caches.open('vitopo-models-1');
  const index = [];
  const stored = [];
  for (const request of await cache.keys()) {
    const key = new URL(request.url);
    if (key.pathname.endsWith('/index')) index.push(await (await cache.match(request)).json());
    else stored.push(key.pathname.split('/').pop());
  }
  return { index, stored };
})();

test('the status line counts the model\'s bytes; a reload takes the model from the cache, without its bytes', async () => {
  const p = await profile();
  try {
    const first = await p.load();
    assert.equal(first.error, '');
    assert.ok(first.model);
    const loading = first.texts.filter((t) => t.startsWith('loading vitopo-fmnist.onnx: '));
    assert.ok(loading.length >= 1, `the status line showed the byte progress: ${JSON.stringify(first.texts)}`);
    for (const t of loading) assert.match(t, new RegExp(`^loading vitopo-fmnist\\.onnx: \\d+\\.\\d of ${MODEL_MB} MB$`));
    assert.equal(loading.at(-1), `loading vitopo-fmnist.onnx: ${MODEL_MB} of ${MODEL_MB} MB`);
    assert.deepEqual(p.responses, [200], 'the first load fetched the model');
    const state = await p.page.evaluate(cacheState);
    assert.equal(state.index.length, 1);
    assert.ok(state.index[0].url.endsWith(MODEL));
    assert.match(state.index[0].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(state.stored, [state.index[0].sha256], 'the bytes are stored under their SHA-256');
    // The key is the file's SHA-256 (node's crypto on the site's file).
    const file = fs.readFileSync(path.join(site, MODEL));
    assert.equal(state.index[0].sha256, crypto.createHash('sha256').update(file).digest('hex'));
    assert.equal(state.index[0].size, file.length);

    const second = await p.load();
    assert.equal(second.error, '');
    assert.deepEqual(second.model, first.model);
    assert.deepEqual(second.analysed, first.analysed, 'the page opened on the first sample again');
    assert.deepEqual(p.responses, [200, 304], 'the reload asked whether the model changed and got no bytes');

    // A corrupted copy (of the right size): the server is asked about it (304)
    // while it is checked; its SHA-256 no longer matches, so it is dropped,
    // fetched again, and stored right.
    await p.page.evaluate(async (sha) => {
      const cache = await caches.open('vitopo-models-1');
      const key = (await cache.keys()).find((r) => r.url.endsWith(`/sha256/${sha}`));
      const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
      bytes[bytes.length >> 1] ^= 0x40;
      await cache.put(key, new Response(bytes));
    }, state.index[0].sha256);
    const third = await p.load();
    assert.equal(third.error, '');
    assert.deepEqual(third.model, first.model);
    assert.deepEqual(p.responses, [200, 304, 304, 200], 'the corrupted copy was detected and the model fetched again');
    const repaired = await p.page.evaluate(async () => {
      const cache = await caches.open('vitopo-models-1');
      const key = (await cache.keys()).find((r) => r.url.includes('/sha256/'));
      const bytes = await (await cache.match(key)).arrayBuffer();
      const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
      return { key: key.url.split('/').pop(), hex };
    });
    assert.equal(repaired.hex, state.index[0].sha256, 'the stored copy is whole again');
    assert.equal(repaired.key, state.index[0].sha256);
    const fourth = await p.load();
    assert.equal(fourth.error, '');
    assert.deepEqual(p.responses, [200, 304, 304, 200, 304], 'and is used on the next load');
    // A copy broken where the model check itself fails (its first bytes): the
    // check's error is not shown, since the copy's SHA-256 fails too; fetched again.
    await p.page.evaluate(async (sha) => {
      const cache = await caches.open('vitopo-models-1');
      const key = (await cache.keys()).find((r) => r.url.endsWith(`/sha256/${sha}`));
      const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
      bytes.fill(0xff, 0, 64);
      await cache.put(key, new Response(bytes));
    }, state.index[0].sha256);
    const unreadable = await p.load();
    assert.equal(unreadable.error, '');
    assert.deepEqual(unreadable.model, first.model);
    assert.deepEqual(p.responses, [200, 304, 304, 200, 304, 304, 200], 'the broken copy was dropped and the model fetched again');
    // A model changed on the server (a new modification time: a new ETag) is fetched anew.
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(site, MODEL), later, later);
    const fifth = await p.load();
    assert.equal(fifth.error, '');
    assert.deepEqual(p.responses, [200, 304, 304, 200, 304, 304, 200, 200], 'a changed model is fetched again');
    // A broken copy the browser will not let go of (Cache.delete does nothing
    // here): read twice, refused with the page's own sentence, the model kept.
    const stuck = await p.page.evaluate(async ({ sha, url }) => {
      const cache = await caches.open('vitopo-models-1');
      const key = (await cache.keys()).find((r) => r.url.endsWith(`/sha256/${sha}`));
      const bytes = new Uint8Array(await (await cache.match(key)).arrayBuffer());
      bytes[bytes.length >> 1] ^= 0x40;
      await cache.put(key, new Response(bytes));
      Cache.prototype.delete = async () => false;
      const before = window.vitopo.model();
      const message = await window.vitopo.loadModel(url).then(() => null, (e) => e.message);
      return { message, kept: JSON.stringify(window.vitopo.model()) === JSON.stringify(before) };
    }, { sha: state.index[0].sha256, url: MODEL });
    assert.equal(stuck.message, `${MODEL.split('/').pop()}: the browser's stored copy failed its SHA-256 check and could not be ` +
      'replaced; reload the page to fetch the model again.');
    assert.ok(stuck.kept, 'the page kept its model');
    assert.deepEqual(p.responses.slice(8), [304, 304], 'the copy was offered to the server twice, then given up');
    assert.deepEqual(p.log.filter((l) => l.startsWith('[pageerror]')), []);
  } finally {
    await p.close();
  }
});

test('a model over the budget is refused before it is read; the page keeps its model', async () => {
  const p = await profile();
  try {
    const before = await p.load();
    const got = await p.page.evaluate(async () => {
      const megabyte = new Blob([new Uint8Array(1e6)]);
      // 1200 parts of one 1 MB blob: a 1.2 GB file that takes no memory to make.
      const file = new File(Array(1200).fill(megabyte), 'vit-large.onnx');
      const message = await window.vitopo.loadModel(file).then(() => null, (e) => e.message);
      return { message, error: document.getElementById('error').textContent, status: document.getElementById('status').textContent,
        model: window.vitopo.model(), analysed: window.vitopo.analysis()?.shape ?? null };
    });
    const refusal = 'vit-large.onnx is 1200 MB, over the page\'s model budget of 1000 MB (what ONNX Runtime Web and the page ' +
      'can load in a browser\'s 32-bit wasm memory).';
    assert.equal(got.message, refusal);
    assert.equal(got.error, refusal);
    assert.match(got.status, /^Nothing changed: .* is still shown\.$/);
    assert.deepEqual(got.model, before.model, 'the page kept its model');
    assert.deepEqual(got.analysed, before.analysed);
    // And the page still works with it.
    const again = await p.page.evaluate(() => window.vitopo.loadImage('samples/bag-18.png').then((a) => a.shape));
    assert.deepEqual(again, before.analysed);
  } finally {
    await p.close();
  }
});

test('on a non-secure origin, without Cache Storage, the model is fetched as before', async () => {
  // A name other than localhost or 127.0.0.1 over http is not a secure context.
  const p = await profile(['--host-resolver-rules=MAP vitopo.test 127.0.0.1']);
  try {
    const url = p.server.url.replace('127.0.0.1', 'vitopo.test');
    const first = await p.load(url);
    assert.equal(await p.page.evaluate(() => window.isSecureContext || 'caches' in window), false, 'no Cache Storage here');
    assert.equal(first.error, '');
    assert.ok(first.model);
    assert.ok(first.texts.includes(`loading vitopo-fmnist.onnx: ${MODEL_MB} of ${MODEL_MB} MB`));
    const second = await p.load(url);
    assert.equal(second.error, '');
    assert.deepEqual(second.model, first.model);
    assert.equal(p.responses[0], 200);
  } finally {
    await p.close();
  }
});
