// The page runs any ViT that follows the model contract, not only its own: an
// RGB 32×32 model with a 4×4 grid, 2 layers and 3 heads (other_model.py) is
// loaded through the page API, analysed, drawn, and agrees with the native CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assertSameDiagrams, frames, nativeCli, npyFloat32, openPage, samples, sourceDir } from './harness.mjs';

test('another contract-following ViT (RGB 32×32, 4×4 grid, 2 layers × 3 heads) runs in the page', async () => {
  const dir = path.join(artifacts, 'other-model');
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, 'other.onnx');
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'other_model.py'), model], { stdio: 'pipe' });
  const { page, log, close } = await openPage();
  try {
    const got = await page.evaluate(async (bytes) => {
      const spec = await window.vitopo.loadModel(new File([new Uint8Array(bytes)], 'other.onnx'));
      const attention = window.vitopo.attention();
      return { spec, analysis: window.vitopo.analysis(), shape: attention.shape, data: Array.from(attention.data),
        prediction: window.vitopo.prediction(), error: document.getElementById('error').textContent,
        offered: document.querySelectorAll('#gallery .sample:not([hidden])').length,
        note: document.querySelector('#gallery .gallery-note')?.textContent ?? null };
    }, [...fs.readFileSync(model)]);
    assert.equal(got.error, '');
    // The gray 28 × 28 Fashion-MNIST samples are not offered to an RGB 32 × 32 model.
    assert.equal(got.offered, 0, 'no gallery sample is offered to the RGB model');
    assert.equal(got.note, 'No samples for RGB 32 × 32 (the samples are gray 28 × 28): drop, paste or pick an image.');
    assert.deepEqual(got.spec.grid, [4, 4]);
    assert.deepEqual(got.shape, [2, 3, 17, 17], 'the current image was run through the new model');
    assert.deepEqual(got.analysis.shape, { layers: 2, heads: 3, tokens: 17 });
    assert.ok(['circle', 'square', 'triangle', 'star', 'cross'].includes(got.prediction.label));
    const npy = path.join(dir, 'attention.npy');
    fs.writeFileSync(npy, npyFloat32(got.shape, Float32Array.from(got.data)));
    execFileSync(nativeCli, ['analyze', npy, '--out', path.join(dir, 'native.json')], { stdio: 'pipe' });
    assertSameDiagrams(got.analysis, JSON.parse(fs.readFileSync(path.join(dir, 'native.json'), 'utf8')), 'other model');

    // A sample through the other model, and the views still draw.
    const again = await page.evaluate((file) => window.vitopo.loadImage('samples/' + file), samples()[0].file);
    assert.deepEqual(again.shape, { layers: 2, heads: 3, tokens: 17 });
    await frames(page, 5);
    fs.writeFileSync(path.join(dir, 'screenshot.png'), await page.screenshot());
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});
