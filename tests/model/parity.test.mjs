// The committed model in onnxruntime-web (the runtime the page uses) computes the
// same logits and attentions as PyTorch did at export (tests/model/fixtures, written
// by models/export.py), and its attention rows are probability distributions.
//
//   node tests/model/parity.test.mjs [MODEL.onnx] [FIXTURE_DIR]
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const here = dirname(fileURLToPath(import.meta.url));
const modelPath = process.argv[2] ?? join(here, '..', '..', 'models', 'vitopo-fmnist.onnx');
const fixtureDir = process.argv[3] ?? join(here, 'fixtures');

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const fixture = JSON.parse(readFileSync(join(fixtureDir, 'parity.json'), 'utf8'));
const raw = readFileSync(join(fixtureDir, fixture.attentions_file));
const expectedAttentions = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
const [L, B, H, T] = fixture.attentions_shape;

async function run() {
  const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
  const pixels = new Float32Array(B * 28 * 28);
  fixture.pixels_u8.forEach((image, b) => image.forEach((v, i) => { pixels[b * 784 + i] = v / 255; }));
  return session.run({ pixels: new ort.Tensor('float32', pixels, [B, 1, 28, 28]) });
}
const outputs = await run();

test('attentions have the contract shape [L, B, heads, T, T]', () => {
  assert.deepEqual(outputs.attentions.dims, [L, B, H, T, T]);
  assert.deepEqual(fixture.attentions_shape, [4, 4, 4, 50, 50]);
});

test("attentions equal PyTorch's to 1e-5", () => {
  const got = outputs.attentions.data;
  assert.equal(got.length, expectedAttentions.length);
  let maxError = 0;
  for (let i = 0; i < got.length; i++) maxError = Math.max(maxError, Math.abs(got[i] - expectedAttentions[i]));
  console.log(`# max |attention(ORT) - attention(PyTorch)| = ${maxError.toExponential(2)} over ${got.length} entries`);
  assert.ok(maxError <= 1e-5, `max error ${maxError}`);
});

test("logits equal PyTorch's to 1e-4 and the predictions match", () => {
  const got = outputs.logits.data;
  const K = outputs.logits.dims[1];
  let maxError = 0;
  for (let b = 0; b < B; b++) {
    let best = 0;
    for (let k = 0; k < K; k++) {
      maxError = Math.max(maxError, Math.abs(got[b * K + k] - fixture.logits[b][k]));
      if (got[b * K + k] > got[b * K + best]) best = k;
    }
    assert.equal(best, fixture.predictions[b], `image ${fixture.test_indices[b]}`);
  }
  console.log(`# max |logit(ORT) - logit(PyTorch)| = ${maxError.toExponential(2)}`);
  assert.ok(maxError <= 1e-4, `max error ${maxError}`);
});

test('every attention row sums to 1 (1e-5) and is non-negative', () => {
  const a = outputs.attentions.data;
  let worst = 0;
  for (let row = 0; row < a.length / T; row++) {
    let sum = 0;
    for (let j = 0; j < T; j++) {
      const v = a[row * T + j];
      assert.ok(v >= 0, `negative attention at row ${row}`);
      sum += v;
    }
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  assert.ok(worst <= 1e-5, `worst row sum error ${worst}`);
});
