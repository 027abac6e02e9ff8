// The heads reach the views as they finish: with a converted ViT of 12 × 12
// heads and 197 tokens (converted_models.py vit), the page shows and draws
// part of the analysis before the whole is done (vitopo.partial()), the
// grid's other heads wait; the final analysis is the one the page makes
// without streaming (a new model's first analysis does not stream) and the
// one native `vitopo analyze` makes from the page's attention; a cancel and a
// newer image drop the stale heads, and the previous analysis is shown again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assertSameDiagrams, nativeCli, npyFloat32, openPage, samples, sourceDir } from './harness.mjs';

test('heads stream into the views as they finish; the final analysis is unchanged; stale heads are dropped', async () => {
  const dir = path.join(artifacts, 'stream');
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, 'vit197.onnx');
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'converted_models.py'), 'vit', model], { stdio: 'pipe' });
  const list = samples();
  const { page, log, close } = await openPage();
  try {
    const bytes = [...fs.readFileSync(model)];
    const spec = await page.evaluate((b) => window.vitopo.loadModel(new File([new Uint8Array(b)], 'vit197.onnx')), bytes);
    assert.equal(spec.tokens, 197);
    assert.deepEqual([spec.layers, spec.heads], [12, 12]);

    // An image, streamed: watch the views while it runs.
    const streamed = await page.evaluate(async (file) => {
      const seen = [];
      let finished = false;
      const request = window.vitopo.loadImage('samples/' + file).then((analysis) => { finished = true; return analysis; });
      while (!finished) {
        const p = window.vitopo.partial();
        if (p) seen.push({ ...p, analysed: !finished });
        await new Promise((r) => setTimeout(r, 15));
      }
      const analysis = await request;
      const a = window.vitopo.attention();
      window.streamedAttention = a;  // compared with the non-streamed run's below, in the page
      const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return { seen, analysis, base64: btoa(text), shape: a.shape, last: window.vitopo.partial() };
    }, list[0].file);
    const during = streamed.seen.filter((p) => p.state === 'streaming' && p.analysed);
    assert.ok(during.length > 0, 'the page reports the stream while it runs');
    const part = during.filter((p) => p.shown && p.heads > 0 && p.heads < p.total);
    assert.ok(part.length > 0, 'the views hold some heads before the whole analysis is done');
    assert.ok(during.some((p) => p.drawnHeads > 0 && p.drawnHeads < p.total),
      `a frame drew part of the analysis before it was done: ${JSON.stringify(during.map((p) => [p.heads, p.drawnHeads]))}`);
    for (let k = 1; k < during.length; k++) assert.ok(during[k].heads >= during[k - 1].heads, 'heads only arrive');
    assert.ok(during.every((p) => p.total === 144));
    assert.equal(streamed.last.state, 'done');
    assert.equal(streamed.last.heads, 144, 'every head streamed');
    assert.equal(streamed.last.shown, false, 'the whole analysis replaced the stream');
    const { model: ran, firstHead, firstDrawn, done } = streamed.last.times;
    assert.ok(ran <= firstHead && firstHead <= firstDrawn && firstDrawn <= done, JSON.stringify(streamed.last.times));

    // The same image without streaming: a model loaded anew analyses the current image at once.
    const first = await page.evaluate(async (b) => {
      const before = window.vitopo.partial();
      await window.vitopo.loadModel(new File([new Uint8Array(b)], 'vit197.onnx'));
      const now = window.vitopo.attention().data, then = window.streamedAttention.data;
      const same = now.length === then.length && now.every((x, i) => x === then[i]);
      return { before, analysis: window.vitopo.analysis(), same, after: window.vitopo.partial() };
    }, bytes);
    assert.deepEqual(first.after, first.before, 'a new model\'s first analysis does not stream');

    // The final analysis: the non-streamed one of the same input, and native `vitopo analyze`.
    assert.ok(first.same, 'the same image gives the same attention');
    assert.deepEqual(streamed.analysis, first.analysis, 'the streamed analysis is the one made without streaming');
    const npy = path.join(dir, 'attention.npy');
    const raw = Buffer.from(streamed.base64, 'base64');
    fs.writeFileSync(npy, npyFloat32(streamed.shape, new Float32Array(new Uint8Array(raw).buffer)));
    execFileSync(nativeCli, ['analyze', npy, '--out', path.join(dir, 'native.json')], { stdio: 'pipe' });
    assertSameDiagrams(streamed.analysis, JSON.parse(fs.readFileSync(path.join(dir, 'native.json'), 'utf8')), 'streamed');

    // A cancel while heads stream: they are dropped, the previous analysis is shown again.
    const cancelled = await page.evaluate(async (file) => {
      const request = window.vitopo.loadImage('samples/' + file).then(() => null, (e) => e.message);
      for (let p = window.vitopo.partial(); !(p.state === 'streaming' && p.shown && p.heads > 0); p = window.vitopo.partial())
        await new Promise((r) => setTimeout(r, 5));
      const streaming = window.vitopo.partial();
      const didCancel = window.vitopo.cancel();
      return { streaming, didCancel, after: window.vitopo.partial(), rejection: await request,
        analysis: window.vitopo.analysis(), workspace: window.vitopo.workspace() };
    }, list[1].file);
    assert.ok(cancelled.streaming.heads < 144, 'cancelled while streaming');
    assert.equal(cancelled.didCancel, true);
    assert.equal(cancelled.rejection, 'The analysis was cancelled.');
    assert.equal(cancelled.after.state, 'dropped');
    assert.equal(cancelled.after.shown, false, 'the views no longer show the cancelled heads');
    assert.deepEqual(cancelled.analysis, streamed.analysis, 'the previous analysis stays');

    // A newer image while heads stream: the stale ones go at once, the new image's arrive.
    const superseded = await page.evaluate(async ([a, b]) => {
      const older = window.vitopo.loadImage('samples/' + a).then(() => null, (e) => e.message);
      for (let p = window.vitopo.partial(); !(p.state === 'streaming' && p.shown && p.heads > 0); p = window.vitopo.partial())
        await new Promise((r) => setTimeout(r, 5));
      const newer = window.vitopo.loadImage('samples/' + b, { name: 'newer' });
      const atOnce = window.vitopo.partial();
      const analysis = await newer;
      return { atOnce, rejection: await older, analysis, last: window.vitopo.partial(), name: window.vitopo.workspace().find((e) => e.current).name };
    }, [list[2].file, list[3].file]);
    assert.equal(superseded.atOnce.state, 'dropped', 'the older image\'s heads are dropped when the newer one starts');
    assert.equal(superseded.atOnce.shown, false);
    assert.equal(superseded.rejection, 'The analysis was cancelled.');
    assert.equal(superseded.last.state, 'done');
    assert.equal(superseded.last.heads, 144);
    assert.equal(superseded.name, 'newer');
    assert.equal(superseded.analysis.heads.length, 144);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await close();
  }
});
