// The page survives its analysis worker, and does not leak: a worker that
// dies in a trap fails its request with the page's sentence while the
// previous analysis stays, and the next request gets a new worker; loading
// 50 images in a row holds no more memory than the workspace keeps.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openPage, samples } from './harness.mjs';

// A wasm module whose one function traps: (func (export "f") unreachable).
const TRAP = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 5, 1, 3, 0, 0, 11];

test('a worker that dies in a trap gives a message, the analysis stays, and a new worker takes over', async () => {
  const { page, log, close } = await openPage();
  try {
    const before = await page.evaluate(() => window.vitopo.analysis());
    const workers = page.workers().filter((w) => w.url().endsWith('/analysis_worker.mjs'));
    assert.equal(workers.length, 1, 'one analysis worker runs');
    // The next request reaches a handler that traps, as a crashed module would.
    await workers[0].evaluate((bytes) => {
      const trap = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports.f;
      self.onmessage = () => trap();
    }, TRAP);
    const failed = await page.evaluate(() => window.vitopo.settings({ metric: 'hellinger' }).then(
      () => null, (e) => e.message));
    assert.match(failed ?? '', /worker ran out of memory or failed, and has been restarted/, `the page's sentence\n${log.join('\n')}`);
    const after = await page.evaluate(() => ({
      analysis: window.vitopo.analysis(),
      settings: window.vitopo.settings(),
      error: document.getElementById('error').textContent,
    }));
    assert.deepEqual(after.analysis, before, 'the previous analysis stays');
    assert.equal(after.settings.metric, before.settings.metric, 'and its settings');
    assert.match(after.error, /has been restarted/, 'the message is shown in the page');
    const again = await page.evaluate(() => window.vitopo.settings({ metric: 'hellinger' }));
    assert.equal(again.settings.metric, 'hellinger', 'the next request runs on a new worker');
    assert.equal(again.heads.length, before.heads.length);
  } finally {
    await close();
  }
});

test('loading 50 images in a row holds no more memory than the workspace keeps', async () => {
  const { page, log, close } = await openPage({ args: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  try {
    const list = samples();
    const measure = () => page.evaluate(async () => {
      const { bytes } = await performance.measureUserAgentSpecificMemory();
      return bytes;
    });
    const load = (from, count) => page.evaluate(async ([urls]) => {
      for (const url of urls) await window.vitopo.loadImage(url);
    }, [Array.from({ length: count }, (_, i) => 'samples/' + list[(from + i) % list.length].file)]);
    const held = () => page.evaluate(() => window.vitopo.workspace().length);
    await load(0, 10);
    const first = { memory: await measure(), entries: await held() };
    await load(10, 40);
    const last = { memory: await measure(), entries: await held() };
    // What one entry holds: its attention (twice: the page's and the views'),
    // the model input and the analysis record, as the workspace counts it.
    const model = await page.evaluate(() => window.vitopo.model());
    const attention = model.layers * model.heads * model.tokens * model.tokens * 4;
    const perEntry = 2 * attention + 4 * model.input.channels * model.input.height * model.input.width + 256 * 1024;
    const allowed = (last.entries - first.entries) * perEntry + 24 * 1024 * 1024;
    assert.ok(last.memory - first.memory <= allowed,
      `memory grew by ${((last.memory - first.memory) / 2 ** 20).toFixed(1)} MiB over 40 images (${last.entries - first.entries} ` +
      `more entries held), at most ${(allowed / 2 ** 20).toFixed(1)} MiB expected\n${log.slice(-20).join('\n')}`);
    console.log(`memory: ${(first.memory / 2 ** 20).toFixed(1)} MiB after 10 images, ${(last.memory / 2 ** 20).toFixed(1)} MiB after 50`);
  } finally {
    await close();
  }
});
