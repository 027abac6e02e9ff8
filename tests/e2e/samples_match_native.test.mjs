// Every sample, loaded through the page API, gives the analysis the native
// `vitopo analyze` computes from the page's own attention tensor, and the page
// predicts the sample's label.
//
// The gallery holds test images the model classifies correctly
// (models/samples.py), so the page must predict every sample's label. On a
// miss the message also gives the model's prediction on the raw pixels
// (onnxruntime-web under Node, value / 255, no preprocessing), which tells a
// fault of the page's preprocessing from one of the model.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { artifacts, assertSameDiagrams, decodeGrayPng, nativeCli, npyFloat32, openPage, samples, site } from './harness.mjs';

test('each sample: the page\'s diagrams equal native `vitopo analyze` on the page\'s attention, and the prediction is the label', async () => {
  assert.ok(fs.existsSync(nativeCli), `the native CLI ${nativeCli} exists (build the native preset first)`);
  const list = samples();
  assert.ok(list.length >= 10, 'at least one sample per class');
  const dir = path.join(artifacts, 'samples');
  fs.mkdirSync(dir, { recursive: true });
  const { page, log, close: closePage } = await openPage();
  ort.env.wasm.numThreads = 1;
  const model = await ort.InferenceSession.create(fs.readFileSync(path.join(site, 'models', 'vitopo-fmnist.onnx')));
  const rawPrediction = async (file) => {
    const { width, height, pixels } = decodeGrayPng(fs.readFileSync(path.join(site, 'samples', file)));
    const input = new ort.Tensor('float32', Float32Array.from(pixels, (v) => v / 255), [1, 1, height, width]);
    const logits = (await model.run({ pixels: input })).logits.data;
    return logits.indexOf(Math.max(...logits));
  };
  const mismatches = [];
  const modelMisses = [];
  try {
    for (const sample of list) {
      const got = await page.evaluate(async (file) => {
        const analysis = await window.vitopo.loadImage(`samples/${file}`);
        const attention = window.vitopo.attention();
        return { analysis, shape: attention.shape, data: Array.from(attention.data), prediction: window.vitopo.prediction() };
      }, sample.file).catch((e) => assert.fail(`${sample.file}: ${e.message}\n${log.join('\n')}`));
      const stem = path.join(dir, sample.file.replace(/\.png$/, ''));
      fs.writeFileSync(`${stem}.attention.npy`, npyFloat32(got.shape, Float32Array.from(got.data)));
      fs.writeFileSync(`${stem}.page.json`, JSON.stringify(got.analysis));
      execFileSync(nativeCli, ['analyze', `${stem}.attention.npy`, '--out', `${stem}.native.json`], { stdio: 'pipe' });
      const native = JSON.parse(fs.readFileSync(`${stem}.native.json`, 'utf8'));
      assert.deepEqual(native.shape, got.analysis.shape, `${sample.file}: shape`);
      assertSameDiagrams(got.analysis, native, sample.file);
      if (got.prediction.index !== sample.label) {
        const raw = await rawPrediction(sample.file);
        const line = `${sample.file}: the page predicts ${got.prediction.label} (${got.prediction.index}), ` +
          `the model on the raw pixels ${raw}, label ${sample.label}`;
        (raw === sample.label ? mismatches : modelMisses).push(line);
      }
    }
    // Other settings, through vitopo.settings(patch), against the CLI's flags.
    const variants = [
      { patch: { metric: 'hellinger', drop_cls: true }, flags: ['--metric', 'hellinger', '--drop-cls'] },
      { patch: { metric: 'js', drop_cls: false, seed_compatible: true, columns: true }, flags: ['--seed-compatible', '--columns'] },
    ];
    const attention = await page.evaluate(() => {
      const a = window.vitopo.attention();
      return { shape: a.shape, data: Array.from(a.data) };
    });
    const npy = path.join(dir, 'last.attention.npy');
    fs.writeFileSync(npy, npyFloat32(attention.shape, Float32Array.from(attention.data)));
    for (const { patch, flags } of variants) {
      const analysis = await page.evaluate((p) => window.vitopo.settings(p), patch);
      for (const [key, value] of Object.entries(patch)) assert.equal(analysis.settings[key], value, `settings.${key}`);
      const out = path.join(dir, `last.native${flags.join('')}.json`);
      execFileSync(nativeCli, ['analyze', npy, ...flags, '--out', out], { stdio: 'pipe' });
      assertSameDiagrams(analysis, JSON.parse(fs.readFileSync(out, 'utf8')), `settings ${JSON.stringify(patch)}`);
    }
  } finally {
    await closePage();
  }
  assert.deepEqual(mismatches, [], 'the page predicts the label of every sample (the model on the raw pixels does)');
  assert.deepEqual(modelMisses, [], 'the page predicts the label of every sample (the model on the raw pixels does not either)');
});
