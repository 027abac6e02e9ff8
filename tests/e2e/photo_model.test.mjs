// An RGB model that takes photos (other_model.py --photo: background "none",
// the shorter side resized to 40 bicubic, the centre 32 × 32 cut out): the
// gallery offers it the RGB photos shipped with the page and none of the
// Fashion-MNIST samples; the page's model input for a photo is the native
// core's (tests/model/preprocess_png) bit for bit, and its diagrams are native
// `vitopo analyze`'s on the page's attention. Back on the default model, the
// gallery offers the Fashion-MNIST samples again and no photo.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assertSameDiagrams, nativeCli, npyFloat32, openPage, site, sourceDir } from './harness.mjs';

const nativeBuild = process.env.VITOPO_NATIVE_BUILD ?? path.join(sourceDir, 'build', 'native');
const preprocessPng = path.join(nativeBuild, 'tests', 'model', 'preprocess_png');

// The gallery's visible buttons: [{image file, photo}].
const offered = () => [...document.querySelectorAll('#gallery .sample:not([hidden])')].map((b) => ({
  file: new URL(b.querySelector('img').src).pathname.split('/').pop(), photo: b.classList.contains('photo') }));

test('a photo model is offered the RGB photos, and its input for a photo is the native core\'s bit for bit', async () => {
  assert.ok(fs.existsSync(preprocessPng), `${preprocessPng} exists (build the native preset's preprocess_png)`);
  const dir = path.join(artifacts, 'photo-model');
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, 'photo.onnx');
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'other_model.py'), model, '--photo'], { stdio: 'pipe' });
  const photos = JSON.parse(fs.readFileSync(path.join(site, 'samples', 'photos.json'), 'utf8')).samples.map((s) => s.file);
  assert.equal(photos.length, 4);
  const { page, log, close } = await openPage();
  try {
    const before = await page.evaluate(offered);
    assert.equal(before.length, 20, 'the default model is offered the 20 Fashion-MNIST samples');
    assert.ok(before.every((b) => !b.photo), 'and no photo');

    const spec = await page.evaluate(async (bytes) => window.vitopo.loadModel(new File([new Uint8Array(bytes)], 'photo.onnx')),
      [...fs.readFileSync(model)]);
    assert.equal(spec.input.background, 'none');
    assert.equal(spec.input.resize, 40);
    assert.equal(spec.input.interpolation, 'bicubic');
    const shown = await page.evaluate(offered);
    assert.deepEqual(shown.map((b) => b.file), photos, 'the photo model is offered the photos');
    assert.ok(shown.every((b) => b.photo), 'and no Fashion-MNIST sample');
    assert.equal(await page.evaluate(() => document.querySelector('#gallery .gallery-note').hidden), true);

    // A photo through the page, from its gallery button, and natively.
    const photo = photos[0];
    const got = await page.evaluate(async (file) => {
      const button = [...document.querySelectorAll('#gallery .sample:not([hidden])')].find((b) => b.querySelector('img').src.endsWith(file));
      button.click();
      // The click starts loadImage; wait for the analysis of this photo.
      const deadline = Date.now() + 170000;
      while (!(window.vitopo.workspace().find((e) => e.current)?.name ?? '').includes(file.replace(/\.png$/, ''))) {
        if (Date.now() > deadline) throw new Error('the photo was never analysed');
        await new Promise((r) => setTimeout(r, 100));
      }
      const input = window.vitopo.input();
      const attention = window.vitopo.attention();
      return { dims: input.dims, data: Array.from(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength)),
        analysis: window.vitopo.analysis(), shape: attention.shape, attention: Array.from(attention.data),
        error: document.getElementById('error').textContent };
    }, photo);
    assert.equal(got.error, '');
    assert.deepEqual(got.dims, [1, 3, 32, 32]);
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const nativeNpy = path.join(dir, 'native-input.npy');
    execFileSync(preprocessPng, [path.join(site, 'samples', photo), specFile, nativeNpy], { stdio: 'pipe' });
    const npy = fs.readFileSync(nativeNpy);
    const native = npy.subarray(npy.length - 3 * 32 * 32 * 4);
    const pageBytes = Buffer.from(got.data);
    assert.equal(pageBytes.length, native.length);
    const differing = [...pageBytes].filter((b, i) => b !== native[i]).length;
    assert.equal(differing, 0, `the page's model input equals the native core's bit for bit (${differing} bytes differ)`);
    // Not a blank or constant input: the photo's structure is there.
    const values = new Float32Array(pageBytes.buffer, pageBytes.byteOffset, pageBytes.length / 4);
    assert.ok(Math.max(...values) - Math.min(...values) > 0.5, 'the input has the photo\'s contrast');

    const attentionNpy = path.join(dir, 'attention.npy');
    fs.writeFileSync(attentionNpy, npyFloat32(got.shape, Float32Array.from(got.attention)));
    execFileSync(nativeCli, ['analyze', attentionNpy, '--out', path.join(dir, 'native.json')], { stdio: 'pipe' });
    assertSameDiagrams(got.analysis, JSON.parse(fs.readFileSync(path.join(dir, 'native.json'), 'utf8')), 'photo model');

    // Back on the default model: the Fashion-MNIST samples, no photo.
    await page.evaluate(() => window.vitopo.loadModel('models/vitopo-fmnist.onnx'));
    const again = await page.evaluate(offered);
    assert.equal(again.length, 20);
    assert.ok(again.every((b) => !b.photo));
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});
