// End-to-end benchmark (issue 14), not a test: an image through a ViT-B/16-size
// model in the real page (Debian's headless Chromium, the site served with
// COOP/COEP by web/serve.mjs), with its peer, native `vitopo analyze` on the
// same attention tensor with the same thread count, in the same run.
// Runs by bench/stream_bench.sh, which builds the site and the CLI and
// converts the model.
//
//   node bench/stream_bench.mjs --site DIR --cli VITOPO --work DIR --model FILE.onnx [--runs N]
//
// The model is loaded once (timed), then N times an RGB 224 × 224 image goes
// through vitopo.loadImage, timed in the page; vitopo.partial() gives the
// marks of each run (performance.now()):
//   image → all heads   loadImage called → the whole analysis committed
//   image → ONNX Runtime's answer (decoding, preprocessing and the model), and its share
//   ORT → first head received, ORT → first head drawn (a frame of the views showed it)
//   analysis            ORT's answer → the whole analysis committed
// then native `vitopo analyze attention.npy --threads T` (as a whole process)
// N times on vitopo.attention() of the last image, T the page worker's threads,
// and the ratio of the page's analysis to it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchOptions } from './bench_options.mjs';

function options(argv) {
  return benchOptions(argv, {
    site: { type: 'string', required: true }, cli: { type: 'string', required: true },
    work: { type: 'string', required: true }, model: { type: 'string', required: true },
    runs: { type: 'integer', default: 5 },
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const row = (name, xs, unit = 'ms') => {
  const f = (x) => (unit === '%' ? `${x.toFixed(1)} %` : `${x.toFixed(0)} ms`);
  return `${name.padEnd(34)} ${f(Math.min(...xs)).padStart(10)} ${f(median(xs)).padStart(10)} ${f(Math.max(...xs)).padStart(10)}`;
};

// Model loading with the browser's model cache (Cache Storage), which needs
// a browser profile on disk: a fresh one in `work`. The model is loaded from
// localhost into an empty cache, then `reloads` times the page is reloaded
// and the model loaded again (the server answers 304, the bytes come from
// the cache). Returns {first, cached: [ms], ready: [ms]} (ready: reload until
// vitopo.ready, the default model and first sample, before the load).
async function cachedLoads(harness, o, reloads) {
  const { chromium } = await import('playwright-core');
  const profile = path.join(o.work, 'profile');
  fs.rmSync(profile, { recursive: true, force: true });
  const server = await harness.serve();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 720 }, args: harness.chromiumArgs,
  });
  context.setDefaultTimeout(harness.TIMEOUT);
  try {
    const page = context.pages()[0] ?? await context.newPage();
    // {bytes, session, total} ms from the call: the bytes in hand, the model
    // checked and its ONNX Runtime session made (the model is usable), and
    // loadModel resolved (the current image re-analysed with the model).
    const load = () => page.evaluate(async () => {
      const t0 = performance.now();
      await window.vitopo.loadModel('stream-bench-model.onnx');
      const total = performance.now() - t0;
      const mark = (name) => performance.getEntriesByName(name).at(-1).startTime - t0;
      return { bytes: mark('vitopo:model-bytes'), session: mark('vitopo:model-session'), total };
    });
    const boot = async () => {
      const t0 = Date.now();
      await page.waitForFunction(() => window.vitopo && window.vitopo.ready, null, { timeout: harness.TIMEOUT });
      await page.evaluate(() => window.vitopo.ready);
      return Date.now() - t0;
    };
    await page.goto(server.url);
    await boot();
    const first = await load();
    await page.evaluate(async () => (await import('./model_cache.mjs')).settled());
    const stored = await page.evaluate(async () => (await caches.open('vitopo-models-1').then((c) => c.keys())).length);
    if (stored < 2) throw new Error('the model was not kept in the cache (its index and its bytes)');
    const cached = [], ready = [];
    for (let k = 0; k < reloads; k++) {
      await page.reload();
      ready.push(await boot());
      cached.push(await load());
    }
    return { first, cached, ready };
  } finally {
    await context.close().catch(() => {});
    server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function main() {
  const o = options(process.argv.slice(2));
  process.env.VITOPO_SITE = o.site;
  fs.mkdirSync(o.work, { recursive: true });
  const harness = await import('../tests/e2e/harness.mjs');
  const size = fs.statSync(o.model).size;
  // The model from localhost: a link to it in the site folder, for this run.
  const served = path.join(o.site, 'stream-bench-model.onnx');
  fs.rmSync(served, { force: true });
  fs.symlinkSync(path.resolve(o.model), served);
  let caching, page, close, load;
  try {
    caching = await cachedLoads(harness, o, o.runs);
    ({ page, close } = await harness.openPage({ viewport: { width: 1280, height: 720 } }));
    load = await page.evaluate(async () => {
      const t0 = performance.now();
      const spec = await window.vitopo.loadModel('stream-bench-model.onnx');
      const ms = performance.now() - t0;
      return { ms, session: performance.getEntriesByName('vitopo:model-session').at(-1).startTime - t0, spec };
    });
  } finally {
    fs.rmSync(served, { force: true });
  }
  try {
    const threads = await page.evaluate(() => (self.crossOriginIsolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1));
    const runs = [];
    for (let k = 0; k <= o.runs; k++) {  // run 0 warms up
      runs.push(await page.evaluate(async (k) => {
        const canvas = new OffscreenCanvas(320, 240);
        const g = canvas.getContext('2d');
        const grad = g.createLinearGradient(0, 0, 320, 240);
        grad.addColorStop(0, '#204080');
        grad.addColorStop(1, '#e0c040');
        g.fillStyle = grad;
        g.fillRect(0, 0, 320, 240);
        g.fillStyle = '#802020';
        g.beginPath();
        g.arc(120 + 10 * k, 120, 60, 0, 2 * Math.PI);
        g.fill();
        const blob = await canvas.convertToBlob({ type: 'image/png' });
        const t0 = performance.now();
        const analysis = await window.vitopo.loadImage(new File([blob], `bench-${k}.png`, { type: 'image/png' }));
        const t1 = performance.now();
        return { t0, t1, heads: analysis.heads.length, partial: window.vitopo.partial() };
      }, k));
    }
    const attention = await page.evaluate(() => {
      const a = window.vitopo.attention();
      const u8 = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      let text = '';
      for (let i = 0; i < u8.length; i += 0x8000) text += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
      return { shape: a.shape, base64: btoa(text) };
    });
    const raw = Buffer.from(attention.base64, 'base64');
    const npy = path.join(o.work, 'attention.npy');
    fs.writeFileSync(npy, harness.npyFloat32(attention.shape, new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)));
    const native = [];
    for (let k = 0; k <= o.runs; k++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(o.cli, ['analyze', npy, '--threads', String(threads), '--out', path.join(o.work, 'native.json')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vitopo analyze failed: ${r.stderr}`);
      if (k > 0) native.push(Number(process.hrtime.bigint() - start) / 1e6);
    }

    const measured = runs.slice(1);
    const col = (f) => measured.map(f);
    const total = col((r) => r.t1 - r.t0);
    const toOrt = col((r) => r.partial.times.model - r.t0);
    const analysis = col((r) => r.partial.times.done - r.partial.times.model);
    console.log(`model ${path.basename(o.model)} (${(size / 1e6).toFixed(0)} MB): ${load.spec.layers} layers x ` +
      `${load.spec.heads} heads, ${load.spec.tokens} tokens; from localhost in a browser without a model cache: ` +
      `usable in ${load.session.toFixed(0)} ms, loadModel resolved in ${load.ms.toFixed(0)} ms`);
    const f = caching.first;
    console.log(`with the model cache (a browser profile on disk), first load from localhost: bytes ${f.bytes.toFixed(0)} ms, ` +
      `model usable ${f.session.toFixed(0)} ms, loadModel resolved (current image re-analysed) ${f.total.toFixed(0)} ms`);
    console.log(`after a reload (the bytes from the cache), ${caching.cached.length} times:`);
    console.log(row('  loadModel -> bytes in hand', caching.cached.map((c) => c.bytes)));
    console.log(row('  loadModel -> model usable', caching.cached.map((c) => c.session)));
    console.log(row('  loadModel resolved (image re-analysed)', caching.cached.map((c) => c.total)));
    console.log(row('  reload -> vitopo.ready (default model)', caching.ready));
    console.log(row('  reload -> ready + model usable', caching.cached.map((c, i) => c.session + caching.ready[i])));
    console.log('');
    console.log(`${o.runs} runs after a warm-up; the page's analysis worker and native on ${threads} threads\n`);
    console.log(`${''.padEnd(34)} ${'min'.padStart(10)} ${'median'.padStart(10)} ${'max'.padStart(10)}`);
    console.log(row('image -> all heads (page)', total));
    console.log(row('image -> ORT answer', toOrt));
    console.log(row('ORT share of image -> all heads', measured.map((r, i) => 100 * toOrt[i] / total[i]), '%'));
    console.log(row('ORT -> first head received', col((r) => r.partial.times.firstHead - r.partial.times.model)));
    console.log(row('ORT -> first head drawn', col((r) => r.partial.times.firstDrawn - r.partial.times.model)));
    console.log(row('analysis (ORT -> committed)', analysis));
    console.log(row('native vitopo analyze (process)', native));
    console.log(`\npage analysis / native, medians: ${(median(analysis) / median(native)).toFixed(2)}`);
    console.log(`heads per run: ${[...new Set(measured.map((r) => r.heads))].join(', ')}`);
    fs.writeFileSync(path.join(o.work, 'results.json'), JSON.stringify({ threads, load, caching, runs: measured, native }, null, 1));
  } finally {
    await close();
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
