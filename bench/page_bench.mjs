// Page benchmark (issue 9), not a test: the re-analysis of an attention tensor
// in the real page (Debian's headless Chromium, the site served with COOP/COEP
// by web/serve.mjs) against native `vitopo analyze` on the same tensor, with
// the same number of threads. Runs by bench/page_bench.sh, which builds the
// site and the CLI and writes the 197-token model.
//
//   node bench/page_bench.mjs --site DIR --cli VITOPO --work DIR [--runs N] [--metric M]
//                             [--model NAME=FILE.onnx ...] [--no-views]
//
// Inputs: the default model on the page's first sample, then each --model
// (loaded with vitopo.loadModel, run on the same sample). For each, after one
// warm-up of each side, N pairs in turn (page, native):
//   page:   `await vitopo.settings({metric})` in the page, timed there
//           (the analysis only, not the model);
//   native: `vitopo analyze attention.npy --metric M --threads T --out X.json`
//           as a whole process (start, reading the .npy, writing the JSON),
//           on vitopo.attention() saved as float32 .npy; then once more with
//           VITOPO_SIMD=sse2 (vectors as wide as wasm simd128), for reference.
// T is the analysis worker's thread count, min(hardwareConcurrency, 8) when
// the page is cross-origin isolated, read back from inside the worker.
// Prints a table with min, median and max of each side and of the ratio
// page/native pair by pair, then where the page's time goes (performance.now()
// marks in the page, the worker and around the views' entry point), from
// hooks that this script installs; the page's code is not changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumCpu } from './chromium_cpu.mjs';
import { benchOptions } from './bench_options.mjs';
// The e2e harness reads VITOPO_SITE when it is imported: imported in main().
let harness;

function options(argv) {
  const v = benchOptions(argv, {
    site: { type: 'string', required: true }, cli: { type: 'string', required: true },
    work: { type: 'string', required: true }, runs: { type: 'integer', default: 7 },
    metric: { type: 'string', default: 'js' }, 'no-views': { type: 'boolean' },
    model: { type: 'string', multiple: true, default: [] },
  });
  const models = v.model.map((m) => {
    const [name, file] = m.split(/=(.*)/s);
    if (!file) throw new Error('--model takes NAME=FILE.onnx');
    return { name, file };
  });
  return { site: v.site, cli: v.cli, work: v.work, runs: v.runs, metric: v.metric, views: !v['no-views'], models };
}

// Installed before the page's own scripts. Marks (absolute ms, performance.timeOrigin
// + now(), comparable with the worker's) of the last analysis:
//   arrived   the worker's result message reached the main thread
//   parseMs   JSON.parse of large text on the main thread (sum; none on the way to the views)
//   viewsMs   the views' entry point for a workspace entry (vitopo_bridge_add_entry: the binary record decoded once)
// The views' wasm module assigns its exports onto its Module object: a setter on
// Object.prototype catches that one name and wraps it, whatever it is later set to.
function pageHooks() {
  const now = () => performance.timeOrigin + performance.now();
  const marks = { arrived: 0, parseMs: 0, parses: 0, viewsMs: 0, textLength: 0, frames: 0, longTasks: 0, longTaskMs: 0 };
  window.__bench = marks;
  // Animation frames, and main-thread tasks of 50 ms or more (the Long Tasks API).
  const frame = () => { marks.frames += 1; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      marks.longTasks += 1;
      marks.longTaskMs += e.duration;
    }
  }).observe({ type: 'longtask' });
  const parse = JSON.parse;
  JSON.parse = function (text, reviver) {
    if (typeof text !== 'string' || text.length < 4096) return parse.call(this, text, reviver);
    const t = performance.now();
    try {
      return parse.call(this, text, reviver);
    } finally {
      marks.parseMs += performance.now() - t;
      marks.parses += 1;
    }
  };
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url, opts) {
      super(url, opts);
      if (String(url).includes('analysis_worker')) {
        this.addEventListener('message', ({ data }) => {
          if (data?.type === 'result') {
            marks.arrived = now();
            marks.textLength = data.bytes?.byteLength ?? data.json?.length ?? 0;
          }
        });
      }
    }
  };
  const name = '_vitopo_bridge_add_entry';
  Object.defineProperty(Object.prototype, name, {
    configurable: true,
    set(fn) {
      let current = fn;
      Object.defineProperty(this, name, {
        configurable: true,
        enumerable: true,
        get: () => (...args) => {
          const t = performance.now();
          try {
            return current(...args);
          } finally {
            marks.viewsMs += performance.now() - t;
          }
        },
        set: (f) => { current = f; },
      });
    },
  });
}

// Installed in the analysis worker once it runs: the absolute time an analysis
// request arrived and the time its result was posted.
function workerHooks() {
  if (self.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const marks = { received: 0, posted: 0 };
  self.__bench = marks;
  const handler = self.onmessage;
  self.onmessage = (event) => {
    if (event.data?.type === 'analyse') marks.received = now();
    return handler.call(self, event);
  };
  const post = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message?.type === 'result') marks.posted = now();
    return post(message, ...rest);
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });

// The attention of the current image as a float32 .npy; its summary of how uniform it is.
async function saveAttention(page, file) {
  const { shape, base64 } = await page.evaluate(() => {
    const a = window.vitopo.attention();
    const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return { shape: a.shape, base64: btoa(text) };
  });
  const raw = Buffer.from(base64, 'base64');
  const data = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  fs.writeFileSync(file, harness.npyFloat32(shape, data));
  // Each row's entropy over log T (1 = uniform) and its largest entry times T (1 = uniform).
  const t = shape[3];
  let entropy = 0;
  let peak = 0;
  const rows = data.length / t;
  for (let r = 0; r < rows; r++) {
    let h = 0;
    let m = 0;
    for (let j = 0; j < t; j++) {
      const p = data[r * t + j];
      if (p > 0) h -= p * Math.log(p);
      if (p > m) m = p;
    }
    entropy += h / Math.log(t);
    peak += m * t;
  }
  return { shape, entropy: entropy / rows, peak: peak / rows };
}

async function workerThreads(page) {
  const worker = page.workers().find((w) => w.url().includes('analysis_worker'));
  if (!worker) throw new Error('the page has no analysis worker');
  await worker.evaluate(workerHooks);
  const seen = await worker.evaluate(() => ({ isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  return { worker, ...seen, threads: seen.isolated ? Math.max(1, Math.min(seen.cores || 1, 8)) : 1 };
}

// One whole process of `vitopo analyze`: wall ms (from here) and CPU ms (user + sys, /usr/bin/time).
// `simd`: a cap on the metrics' vector width (VITOPO_SIMD), e.g. 'sse2', as wide as wasm's simd128.
function runNative(cli, args, simd = null) {
  const start = process.hrtime.bigint();
  const env = simd ? { ...process.env, VITOPO_SIMD: simd } : process.env;
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', cli, 'analyze', ...args], { encoding: 'utf8', env });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`vitopo analyze failed (${r.status}): ${r.stderr}`);
  const m = r.stderr.match(/cpu ([\d.]+) ([\d.]+)\s*$/);
  return { wall, cpu: m ? 1000 * (Number(m[1]) + Number(m[2])) : NaN };
}

async function runPage(page, worker, metric, root) {
  const before = chromiumCpu(root);
  const t = await page.evaluate(async (m) => {
    const b = window.__bench;
    Object.assign(b, { arrived: 0, parseMs: 0, parses: 0, viewsMs: 0, frames: 0, longTasks: 0, longTaskMs: 0 });
    const now = () => performance.timeOrigin + performance.now();
    const start = now();
    const analysis = await window.vitopo.settings({ metric: m });
    const end = now();
    await new Promise((resolve) => setTimeout(resolve, 0));  // the long-task entries of the last task
    return { start, end, heads: analysis.heads.length, ...b };
  }, metric);
  const after = chromiumCpu(root);
  const w = await worker.evaluate(() => ({ ...self.__bench }));
  return {
    cpuWorkers: after.workers - before.workers,
    cpuRenderer: after.renderer - before.renderer,
    cpuOthers: after.others - before.others,
    // Worker threads that did at least a fifth of the workers' CPU time: the analysis' threads at work.
    busyThreads: [...after.threads].filter(([id, c]) => c - (before.threads.get(id) ?? 0) >= 0.2 * (after.workers - before.workers) &&
      after.workers - before.workers >= 100).length,
    total: t.end - t.start,
    toWorker: w.received - t.start,     // checkSettings, postMessage of the tensor (a copy)
    worker: w.posted - w.received,      // the core's analyse(): tensor into wasm memory, every head, the binary record
    toMain: t.arrived - w.posted,       // the record back to the main thread (transferred)
    parse: t.parseMs,                   // JSON.parse of it on the main thread
    views: t.viewsMs,                   // the views read the same text (their own parse)
    rest: t.end - t.arrived - t.parseMs - t.viewsMs,  // commit, status, the promise chain
    frames: t.frames,
    longTasks: t.longTasks,
    longTaskMs: t.longTaskMs,
    parses: t.parses,
    textLength: t.textLength,
  };
}

// After an analysis the views draw every frame for a second, then slow down:
// the native run waits for that, so that it does not share the cores with them.
async function settle(page) {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
}

async function bench(o, page, worker, threads, input, root) {
  const dir = path.join(o.work, input.name);
  fs.mkdirSync(dir, { recursive: true });
  const npy = path.join(dir, 'attention.npy');
  const out = path.join(dir, 'native.json');
  const tensor = await saveAttention(page, npy);
  // Warm-up of both sides, and the same analysis on both.
  const args = [npy, '--metric', o.metric, '--threads', String(threads), '--out', out];
  await runPage(page, worker, o.metric, root);
  await settle(page);
  runNative(o.cli, args);
  const pageAnalysis = await page.evaluate(() => window.vitopo.analysis());
  harness.assertSameDiagrams(pageAnalysis, JSON.parse(fs.readFileSync(out, 'utf8')), input.name);
  const pages = [];
  const natives = [];
  const sse2 = [];
  for (let i = 0; i < o.runs; i++) {
    pages.push(await runPage(page, worker, o.metric, root));
    await settle(page);
    natives.push(runNative(o.cli, args));
    sse2.push(runNative(o.cli, args, 'sse2'));
  }
  return { input, tensor, pages, natives, sse2, ratios: pages.map((p, i) => p.total / natives[i].wall),
    cpuRatios: pages.map((p, i) => p.cpuWorkers / natives[i].cpu) };
}

function report(o, threads, results, floor) {
  const f = (x, d = 1) => x.toFixed(d);
  const mmm = (xs, d = 0) => { const s = stats(xs); return `${f(s.min, d)} / ${f(s.median, d)} / ${f(s.max, d)}`; };
  console.log(`\nmetric ${o.metric}, maxdim 1, ${threads.threads} threads on both sides ` +
    `(page: crossOriginIsolated ${threads.isolated}, hardwareConcurrency ${threads.cores}; ${threads.evidence})`);
  console.log(`views ${o.views ? 'on (WebGL2, SwiftShader)' : 'off (--disable-webgl: the page without the views)'}; ` +
    `${o.runs} pairs after a warm-up; load average at the end ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
  console.log(`native process floor (analyze of a 1 x 1 x 3 x 3 tensor): wall ${f(floor.wall)} ms, CPU ${f(floor.cpu)} ms (medians)\n`);
  const table = (head, rows) => {
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
    const line = (cells) => cells.map((c, k) => c.padEnd(widths[k])).join('  ');
    console.log(line(head));
    for (const r of rows) console.log(line(r));
  };
  console.log('Wall clock, min / median / max:');
  table(['input', 'L x H x T', 'attention', 'page ms', 'native ms', 'page/native'],
    results.map((r) => [r.input.label, r.tensor.shape.slice(0, 3).join(' x '),
      `H/logT ${f(r.tensor.entropy, 3)}, max*T ${f(r.tensor.peak, 1)}`,
      mmm(r.pages.map((p) => p.total)), mmm(r.natives.map((n) => n.wall)), mmm(r.ratios, 2)]));
  console.log('\nCPU time, min / median / max (page: the worker and its pthreads; native: the process, user + sys):');
  // CPU time is counted in 10 ms ticks: no ratio for a native run under 100 ms.
  table(['input', 'page worker CPU ms', 'native CPU ms', 'page/native'],
    results.map((r) => [r.input.label, mmm(r.pages.map((p) => p.cpuWorkers)), mmm(r.natives.map((n) => n.cpu)),
      median(r.natives.map((n) => n.cpu)) >= 100 ? mmm(r.cpuRatios, 2) : 'too short for 10 ms ticks']));
  console.log('\n(attention: mean row entropy over log T and mean row maximum times T; both are 1 for uniform rows.)');
  console.log('\nWhere the page\'s time goes (ms, median over the runs):');
  const parts = [['toWorker', 'settings check + tensor to the worker'], ['worker', "worker: the core's analyse() (incl. the binary record)"],
    ['toMain', 'record to the main thread (incl. waiting for it)'], ['parse', 'JSON.parse on the main thread'],
    ['views', 'views decode the record (add_entry)'], ['rest', 'commit, status, promise chain'],
    ['total', 'page total (wall)'], ['cpuWorkers', 'CPU: worker threads'], ['cpuRenderer', 'CPU: renderer main and other threads'],
    ['cpuOthers', 'CPU: other Chromium processes (GPU)'], ['busyThreads', 'worker threads busy (>= 1/5 of its CPU)'], ['frames', 'animation frames (rAF callbacks; the app draws in few)'],
    ['longTasks', 'main-thread tasks >= 50 ms'], ['longTaskMs', 'their total ms']];
  const w0 = Math.max(...parts.map(([, l]) => l.length), 30);
  const row = (label, values) => console.log(`${label.padEnd(w0)}  ${values.map((v) => v.padStart(12)).join('  ')}`);
  row('', results.map((r) => r.input.name));
  for (const [key, label] of parts) row(label, results.map((r) => f(median(r.pages.map((p) => p[key])), 2)));
  row('native total (wall)', results.map((r) => f(median(r.natives.map((n) => n.wall)), 2)));
  row('native CPU', results.map((r) => f(median(r.natives.map((n) => n.cpu)), 2)));
  row('native, SIMD capped to SSE2: wall', results.map((r) => f(median(r.sse2.map((n) => n.wall)), 2)));
  row('native, SIMD capped to SSE2: CPU', results.map((r) => f(median(r.sse2.map((n) => n.cpu)), 2)));
  row('analysis record, bytes', results.map((r) => String(r.pages[0].textLength)));
  row('JSON.parse calls per analysis', results.map((r) => String(r.pages[0].parses)));
}

async function main() {
  const o = options(process.argv.slice(2));
  process.env.VITOPO_SITE = o.site;
  process.env.VITOPO_ARTIFACTS ??= o.work;
  harness = await import('../tests/e2e/harness.mjs');
  fs.mkdirSync(o.work, { recursive: true });
  const server = await harness.serve();
  const browser = await harness.launch({ args: o.views ? [] : ['--disable-webgl', '--disable-webgl2'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    context.setDefaultTimeout(600000);
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    await context.addInitScript(pageHooks);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => window.vitopo && window.vitopo.ready);
    await page.evaluate(() => window.vitopo.ready);
    const threads = await workerThreads(page);
    // The worker imports the threaded core module only for more than one thread;
    // emscripten's pthreads are workers of their own, started from its script.
    const threaded = requests.some((u) => /vitopo_core_threaded\.(mjs|wasm)/.test(u));
    const pthreads = page.workers().filter((w) => w.url().includes('vitopo_core_threaded')).length;
    threads.evidence = `threaded core module loaded: ${threaded}, its pthread workers seen: ${pthreads}`;
    if (threads.threads > 1 && !threaded) throw new Error(`the worker should run ${threads.threads} threads but did not load the threaded core`);

    const inputs = [{ name: 'default', label: 'default model, first sample', file: null }];
    for (const m of o.models) inputs.push({ name: m.name, label: `${m.name} (${path.basename(m.file)})`, file: m.file });
    const results = [];
    for (const input of inputs) {
      if (input.file) {
        await page.evaluate(async (bytes) => {
          await window.vitopo.loadModel(new File([new Uint8Array(bytes)], 'bench.onnx'));
        }, [...fs.readFileSync(input.file)]);
      }
      process.stderr.write(`page bench: ${input.label}\n`);
      results.push(await bench(o, page, threads.worker, threads.threads, input, process.pid));
    }
    const tiny = path.join(o.work, 'tiny.npy');
    fs.writeFileSync(tiny, harness.npyFloat32([1, 1, 3, 3], Float32Array.from([0.5, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.5])));
    const floors = Array.from({ length: 5 }, () => runNative(o.cli, [tiny, '--threads', String(threads.threads), '--out', path.join(o.work, 'tiny.json')]));
    const floor = { wall: median(floors.map((x) => x.wall)), cpu: median(floors.map((x) => x.cpu)) };
    if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
    report(o, threads, results, floor);
    fs.writeFileSync(path.join(o.work, 'results.json'), JSON.stringify({ threads, floor, results }, null, 1));
  } finally {
    await browser.close().catch(() => {});
    server.stop();
  }
}

main().catch((e) => {
  console.error(`page bench: ${e.stack ?? e}`);
  process.exit(1);
});
