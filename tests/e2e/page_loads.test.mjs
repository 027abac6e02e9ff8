// The page opens with WebGL2, the default model and a sample already analysed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './harness.mjs';

test('the page loads with WebGL2, vitopo.ready resolves and a sample is already analysed', async () => {
  const { page, server, log, requests, close } = await openPage();
  try {
    const state = await page.evaluate(() => {
      const probe = document.createElement('canvas').getContext('webgl2');
      const a = window.vitopo.analysis();
      const att = window.vitopo.attention();
      return {
        webgl2: probe !== null,
        // SDL made the app's context on #canvas; asking for webgl2 returns it only if it is WebGL2.
        appContext: document.getElementById('canvas').getContext('webgl2') !== null,
        schema: a?.schema,
        heads: a?.heads.length,
        shape: att?.shape,
        dataLength: att?.data.length,
        model: window.vitopo.model(),
        error: document.getElementById('error').textContent,
        crossOriginIsolated: window.crossOriginIsolated,
        api: Object.keys(window.vitopo).sort(),
        share: window.vitopo.shareLink(),
      };
    });
    assert.equal(state.webgl2, true, 'the browser offers WebGL2');
    assert.equal(state.appContext, true, 'the app draws through a WebGL2 context on #canvas');
    assert.equal(state.crossOriginIsolated, true, 'serve.mjs makes the page cross-origin isolated');
    assert.equal(state.error, '', `no error is shown\n${log.join('\n')}`);
    for (const name of ['ready', 'loadImage', 'analysis', 'attention', 'settings', 'shareLink']) {
      assert.ok(state.api.includes(name), `vitopo.${name} exists`);
    }
    assert.ok(state.share.startsWith(`${server.url}#v1=`), 'vitopo.shareLink() is the page URL with #v1=…');
    assert.equal(state.schema, 'vitopo.analysis/1');
    const [L, H, T, T2] = state.shape;
    assert.equal(T, T2);
    assert.equal(state.dataLength, L * H * T * T);
    assert.equal(state.heads, L * H, 'every head of every layer is analysed');
    // The analysis worker analyses on min(cores, 8) threads: with 2 or more,
    // its threaded module starts that many minus one pthreads, each from
    // vitopo_core_threaded.worker.js.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const pthreads = requests.filter((url) => url.endsWith('/vitopo_core_threaded.worker.js')).length;
    assert.equal(pthreads, Math.min(cores, 8) - 1, `pthread workers started on ${cores} cores`);

    // Idle, the app draws a few frames a second, not every animation frame;
    // input brings it back to every frame. (Frames counted by WebGL clears.)
    const framesIn = (ms) => page.evaluate((wait) => new Promise((resolve) => {
      const proto = WebGL2RenderingContext.prototype;
      const clear = proto.clear;
      let n = 0;
      proto.clear = function (...args) { n++; return clear.apply(this, args); };
      setTimeout(() => { proto.clear = clear; resolve(n); }, wait);
    }), ms);
    await page.waitForTimeout(1500);
    const idle = await framesIn(1000);
    assert.ok(idle >= 1 && idle <= 6, `idle: ${idle} frames in a second`);
    const box = await page.locator('#canvas').boundingBox();
    const moving = framesIn(600);
    for (let i = 0; i < 12; i++) {
      await page.mouse.move(box.x + 100 + 20 * i, box.y + 100);
      await page.waitForTimeout(40);
    }
    const active = await moving;
    assert.ok(active > idle, `moving the mouse: ${active} frames in 0.6 s, idle ${idle} in 1 s`);
  } finally {
    await close();
  }
});
