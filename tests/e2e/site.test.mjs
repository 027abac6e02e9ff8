// The static site (scripts/build-site.sh), served by a plain static server
// that sends no special headers (Debian's python3 -m http.server) under a
// sub-path: the first load analyses on one thread and saves the site; after
// a reload the service worker makes the page cross-origin isolated and ONNX
// Runtime and the analysis run threaded; a share link made there opens in a
// fresh browser context to the same analysis; offline, a reload still opens
// and analyses; a second build renames exactly the files whose bytes
// changed, and its service worker takes over from the first one. The
// analysis is checked against the native `vitopo analyze` on the page's own
// attention.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TIMEOUT, artifacts, assertSameDiagrams, launch, nativeCli, npyFloat32, site, sourceDir } from './harness.mjs';

const SUB_PATH = 'courses/vitopo';  // where the site lies under the server's root

function buildSite(input, out, extra = []) {
  return execFileSync('bash', [path.join(sourceDir, 'scripts', 'build-site.sh'), '--site', input, '--out', out, ...extra],
    { encoding: 'utf8', stdio: 'pipe' });
}

function manifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'asset-manifest.json'), 'utf8'));
}

// python3 -m http.server on a free port, serving `root`; resolves to
// {origin, served, stop()}, `served` the paths of the GET requests it answered,
// from its log.
function pythonServer(root) {
  const server = spawn('/usr/bin/python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const served = [];
  server.stderr.on('data', (d) => {
    for (const m of String(d).matchAll(/"GET (\S+) HTTP\/[\d.]+" (\d+)/g)) served.push(m[1]);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { server.kill(); reject(new Error(`http.server printed no port: ${out}`)); }, 30000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ origin: `http://127.0.0.1:${m[1]}`, served, stop: () => server.kill() });
      }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`http.server exited with ${code}: ${out}`)); });
  });
}

async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1, ...options });
  context.setDefaultTimeout(TIMEOUT);
  const requests = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  return { context, page, requests, log };
}

async function ready(page, log) {
  try {
    await page.waitForFunction(() => window.vitopo && window.vitopo.ready && window.vitopoSite, null, { timeout: TIMEOUT });
    await page.evaluate(() => window.vitopo.ready);
  } catch (e) {
    throw new Error(`${e.message}\npage log:\n${log.join('\n')}`);
  }
}

function state(page) {
  return page.evaluate(() => ({
    isolated: window.crossOriginIsolated,
    controlled: navigator.serviceWorker?.controller != null,
    version: window.vitopoSite.version,
    notice: window.vitopoSite.notice(),
    status: document.getElementById('status').textContent,
    error: document.getElementById('error').textContent,
    analysis: window.vitopo.analysis(),
    cores: navigator.hardwareConcurrency,
  }));
}

// The page's and its workers' requests (not the service worker's own) since
// `from` whose URL ends with the file `name` of the manifest.
function count(requests, from, name) {
  return requests.slice(from).filter((r) => !r.serviceWorker() && r.url().split('?')[0].endsWith('/' + name)).length;
}

// Loads `file` (a hashed sample path) and checks its diagrams against native `vitopo analyze`.
async function analyseAgainstNative(page, file, tag) {
  const got = await page.evaluate(async (url) => {
    const analysis = await window.vitopo.loadImage(url);
    const attention = window.vitopo.attention();
    return { analysis, shape: attention.shape, data: Array.from(attention.data) };
  }, file);
  const stem = path.join(artifacts, `site-${tag}`);
  fs.writeFileSync(`${stem}.attention.npy`, npyFloat32(got.shape, Float32Array.from(got.data)));
  execFileSync(nativeCli, ['analyze', `${stem}.attention.npy`, '--out', `${stem}.native.json`], { stdio: 'pipe' });
  const native = JSON.parse(fs.readFileSync(`${stem}.native.json`, 'utf8'));
  assert.deepEqual(got.analysis.shape, native.shape, `${tag}: shape`);
  assertSameDiagrams(got.analysis, native, `${tag} (${file})`);
  return got.analysis;
}

test('the static site works from a plain static server under a sub-path: threads after one load, share links, offline, updates', async () => {
  assert.ok(fs.existsSync(nativeCli), `the native CLI ${nativeCli} exists (build the native preset first)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vitopo-site-'));
  const root = path.join(tmp, 'root');
  const served = path.join(root, ...SUB_PATH.split('/'));
  buildSite(site, served);
  const first = manifest(served);
  const server = await pythonServer(root);
  const url = `${server.origin}/${SUB_PATH}/`;
  const browser = await launch();
  try {
    const { context, page, requests, log } = await newContext(browser);
    const sampleNames = Object.keys(first.files).filter((f) => /^samples\/.*\.png$/.test(f)).sort();
    const sample = first.files[sampleNames[3]];

    // First load: one thread (no headers, no service worker yet), a sample analysed.
    await page.goto(url);
    await ready(page, log);
    let s = await state(page);
    assert.equal(s.error, '', `no error on the first load\n${log.join('\n')}`);
    assert.equal(s.isolated, false, 'http.server sends no COOP/COEP: the first load is not isolated');
    assert.equal(s.controlled, false, 'the first load is not served by the service worker');
    assert.equal(s.version, first.version, 'the page runs the version that was built');
    assert.equal(s.analysis?.schema, 'vitopo.analysis/1', 'the first sample is analysed');
    assert.doesNotMatch(s.status, /threads/, `one thread on the first load: ${s.status}`);
    assert.equal(count(requests, 0, first.files['vitopo_core_threaded.worker.js']), 0, 'no pthreads on the first load');
    assert.equal(count(requests, 0, first.files['ort/ort-wasm-simd-threaded.mjs']), 1, 'ONNX Runtime without pthread workers');
    await analyseAgainstNative(page, sample, 'first-load');
    assert.equal(await page.evaluate(() => window.vitopoSite.worker), 'active', 'the service worker is installed');
    assert.match(await page.evaluate(() => window.vitopoSite.notice()), /saved for offline use: from the next load the page runs threaded/);

    // One reload: isolated through the service worker, ONNX Runtime and the analysis threaded.
    let mark = requests.length;
    await page.reload();
    await ready(page, log);
    s = await state(page);
    assert.equal(s.error, '', s.error);
    assert.equal(s.controlled, true, 'the reload is served by the service worker');
    assert.equal(s.isolated, true, 'the service worker makes the page cross-origin isolated');
    assert.match(s.notice, /threaded, saved for offline use/);
    const threads = Math.min(s.cores, 8);
    assert.ok(s.cores >= 2, `threads need two cores or more (${s.cores})`);
    assert.equal(count(requests, mark, first.files['vitopo_core_threaded.worker.js']), threads - 1,
      `the analysis starts ${threads - 1} pthreads on ${s.cores} cores`);
    assert.ok(count(requests, mark, first.files['ort/ort-wasm-simd-threaded.mjs']) >= 2,
      'ONNX Runtime starts pthread workers (its module is loaded again by each)');
    assert.match(s.status, new RegExp(`on ${threads} threads`), s.status);
    const threaded = await analyseAgainstNative(page, sample, 'threaded');

    // A share link made there opens in a fresh browser context (no service worker yet) to the same analysis.
    await page.evaluate(() => window.vitopo.select({ layer: 2, head: 1 }));
    const link = await page.evaluate(() => window.vitopo.shareLink());
    assert.ok(link.startsWith(url + '#v1='), `the link carries the page's own location: ${link.slice(0, 80)}`);
    const fresh = await newContext(browser);
    await fresh.page.goto(link);
    await ready(fresh.page, fresh.log);
    const opened = await state(fresh.page);
    assert.equal(opened.error, '', opened.error);
    assert.deepEqual(opened.analysis, threaded, 'the link gives the same analysis JSON');
    assert.deepEqual(await fresh.page.evaluate(() => window.vitopo.selection()).then((x) => [x.layer, x.head]), [2, 1]);
    await fresh.context.close();

    // Offline: a reload opens from the service worker's cache and analyses.
    await context.setOffline(true);
    mark = requests.length;
    const servedBefore = server.served.length;
    await page.reload();
    await ready(page, log);
    s = await state(page);
    assert.equal(s.error, '', `offline: ${s.error}\n${log.join('\n')}`);
    assert.equal(s.isolated, true, 'offline, still isolated');
    const offline = await analyseAgainstNative(page, sample, 'offline');
    assert.deepEqual(offline, threaded, 'offline, the same analysis');
    assert.deepEqual(server.served.slice(servedBefore), [], 'offline, nothing reaches the server');
    const pageRequests = requests.slice(mark).filter((r) => !r.serviceWorker() && r.url().startsWith(url));
    assert.ok(pageRequests.length >= 10, `the offline reload loaded the site (${pageRequests.length} requests)`);
    for (const r of pageRequests) {
      assert.equal((await r.response())?.fromServiceWorker(), true, `offline, ${r.url()} comes from the service worker`);
    }
    await context.setOffline(false);

    // A second build with one module changed: new names exactly where the bytes differ.
    const changedInput = path.join(tmp, 'changed-input');
    fs.cpSync(site, changedInput, { recursive: true });
    fs.appendFileSync(path.join(changedInput, 'status.mjs'), '\n// a change, for the test of updates\n');
    const mirror = `${server.origin}/mirror/vitopo/`;
    const next = path.join(tmp, 'next');
    buildSite(changedInput, next, ['--base-url', mirror]);
    const second = manifest(next);
    assert.notEqual(second.version, first.version, 'a new version');
    assert.deepEqual(Object.keys(second.files), Object.keys(first.files), 'the same files');
    const renamed = [];
    for (const [file, name] of Object.entries(first.files)) {
      const same = fs.readFileSync(path.join(served, name)).equals(fs.readFileSync(path.join(next, second.files[file])));
      assert.equal(name === second.files[file], same, `${file}: ${name} → ${second.files[file]}, bytes ${same ? 'equal' : 'differ'}`);
      if (!same) renamed.push(file);
    }
    for (const file of ['status.mjs', 'main.mjs']) assert.ok(renamed.includes(file), `${file} gets a new name`);
    for (const file of ['ort/ort-wasm-simd-threaded.wasm', 'models/vitopo-fmnist.onnx', 'vitopo_core.wasm', 'samples/samples.json']) {
      assert.ok(!renamed.includes(file), `${file} keeps its name`);
    }

    // Deployed over the first: the open page (old version) learns of the new one, which serves the next load.
    fs.rmSync(served, { recursive: true });
    fs.renameSync(next, served);
    const servedBeforeUpdate = server.served.length;
    await page.reload();
    await ready(page, log);
    assert.equal((await state(page)).version, first.version, 'this load still runs the old version');
    await page.waitForFunction((v) => window.vitopoSite.notice().includes(`A new version (${v}) is ready`), second.version,
      { timeout: TIMEOUT }).catch(async (e) => {
      const seen = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return { notice: window.vitopoSite.notice(), active: r?.active?.state, waiting: r?.waiting?.state, installing: r?.installing?.state };
      });
      throw new Error(`${e.message}: ${JSON.stringify(seen)}\nserved: ${server.served.slice(servedBeforeUpdate).join(' ')}\n${log.join('\n')}`);
    });
    // The new worker fetched the changed files, and took the unchanged ones from the old version's cache.
    const fetched = server.served.slice(servedBeforeUpdate).map((p) => p.slice(`/${SUB_PATH}/`.length));
    for (const file of renamed) assert.ok(fetched.includes(second.files[file]), `the new version's ${second.files[file]} is fetched`);
    for (const file of ['ort/ort-wasm-simd-threaded.wasm', 'models/vitopo-fmnist.onnx']) {
      assert.ok(!fetched.includes(second.files[file]), `${file} is not fetched again (${fetched.join(', ')})`);
    }
    await page.reload();
    await ready(page, log);
    s = await state(page);
    assert.equal(s.error, '', s.error);
    assert.equal(s.version, second.version, 'the next load runs the new version');
    assert.equal(s.isolated, true);
    assert.match(s.notice, new RegExp(`Updated to version ${second.version}`));
    assert.ok((await page.evaluate(() => window.vitopo.shareLink())).startsWith(mirror + '#v1='), '--base-url sets the links\' URL');
    assert.deepEqual(await analyseAgainstNative(page, second.files[sampleNames[3]], 'updated'), threaded);

    // Where no service worker can run (plain http on a host other than localhost: not a
    // secure context), the page works on one thread and says so.
    const insecure = await launch({ args: ['--host-resolver-rules=MAP vitopo-site.test 127.0.0.1'] });
    try {
      const plain = await newContext(insecure);
      await plain.page.goto(url.replace('127.0.0.1', 'vitopo-site.test'));
      await ready(plain.page, plain.log);
      s = await state(plain.page);
      assert.equal(await plain.page.evaluate(() => window.isSecureContext), false, 'plain http on a host name is no secure context');
      assert.equal(s.isolated, false);
      assert.equal(s.error, '', s.error);
      assert.equal(s.analysis?.schema, 'vitopo.analysis/1', 'without a service worker the sample is analysed');
      assert.doesNotMatch(s.status, /threads/, s.status);
      assert.equal(await plain.page.evaluate(() => window.vitopoSite.worker), 'unsupported');
      assert.match(s.notice, /^One thread: this host sends no cross-origin isolation headers, and this browser runs no service worker here/);
    } finally {
      await insecure.close().catch(() => {});
    }
  } finally {
    await browser.close().catch(() => {});
    server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('scripts/build-site.sh refuses bad arguments and a folder it did not write, each with its own message', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vitopo-site-args-'));
  const refused = (args) => {
    try {
      execFileSync('bash', [path.join(sourceDir, 'scripts', 'build-site.sh'), '--site', site, ...args], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      assert.equal(e.status, 2, `exit code 2 for ${args.join(' ')}`);
      return e.stderr;
    }
    return assert.fail(`build-site.sh ${args.join(' ')} succeeded`);
  };
  try {
    assert.match(refused(['--out', path.join(tmp, 'a'), '--base-url', 'ftp://example.org/']),
      /^build-site: --base-url must be an http or https URL, not "ftp:\/\/example\.org\/"/);
    assert.match(refused(['--out', path.join(tmp, 'a'), '--base-url', 'vitopo/']), /^build-site: --base-url must be an absolute URL/);
    assert.match(refused(['--out', path.join(tmp, 'a'), '--base-url', 'https://example.org/v/#x']), /must have no query or fragment/);
    assert.match(refused(['--bogus']), /^build-site: unknown argument "--bogus"\nusage: scripts\/build-site\.sh/);
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'mine');
    assert.match(refused(['--out', tmp]), /is not empty and holds no previous site \(asset-manifest\.json\): it is left as it is/);
    assert.equal(fs.readFileSync(path.join(tmp, 'notes.txt'), 'utf8'), 'mine', 'the folder is left as it was');
    // A folder's URL gets its final "/": the links then resolve the site's relative paths.
    const out = path.join(tmp, 'site');
    buildSite(site, out, ['--base-url', 'https://example.org/~me/vitopo']);
    assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'),
      /<meta name="vitopo-share-base" content="https:\/\/example\.org\/~me\/vitopo\/">/);
    assert.equal(manifest(out).base_url, 'https://example.org/~me/vitopo/');
    buildSite(site, out);  // a previous site is replaced
    assert.equal(manifest(out).base_url, null);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
