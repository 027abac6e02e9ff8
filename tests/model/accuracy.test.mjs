// The committed model, run by onnxruntime-web (the page's runtime), classifies the
// first 1000 Fashion-MNIST test images, read from Debian's dataset-fashion-mnist at
// test time, with accuracy >= 0.88.
//
//   node tests/model/accuracy.test.mjs [MODEL.onnx]
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const here = dirname(fileURLToPath(import.meta.url));
const modelPath = process.argv[2] ?? join(here, '..', '..', 'models', 'vitopo-fmnist.onnx');
const dataset = '/usr/share/datasets/fashion-mnist';
const N = 1000;
const batch = 100;

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

// IDX (LeCun et al.): 0x0000, type 0x08 (uint8), rank, big-endian sizes, data.
function readIdx(path) {
  const data = gunzipSync(readFileSync(path));
  assert.equal(data.readUInt16BE(0), 0);
  assert.equal(data[2], 0x08, `${path}: not unsigned bytes`);
  const rank = data[3];
  const shape = Array.from({ length: rank }, (_, i) => data.readUInt32BE(4 + 4 * i));
  return { shape, values: data.subarray(4 + 4 * rank) };
}

test(`accuracy on the first ${N} Fashion-MNIST test images is at least 0.88`, async () => {
  const images = readIdx(`${dataset}/t10k-images-idx3-ubyte.gz`);
  const labels = readIdx(`${dataset}/t10k-labels-idx1-ubyte.gz`);
  assert.deepEqual(images.shape, [10000, 28, 28]);
  assert.deepEqual(labels.shape, [10000]);

  const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
  let correct = 0;
  for (let start = 0; start < N; start += batch) {
    const pixels = new Float32Array(batch * 784);
    for (let i = 0; i < pixels.length; i++) pixels[i] = images.values[start * 784 + i] / 255;
    const { logits } = await session.run({ pixels: new ort.Tensor('float32', pixels, [batch, 1, 28, 28]) });
    const K = logits.dims[1];
    for (let b = 0; b < batch; b++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits.data[b * K + k] > logits.data[b * K + best]) best = k;
      correct += best === labels.values[start + b];
    }
  }
  const accuracy = correct / N;
  console.log(`# accuracy on test images 0..${N - 1}: ${accuracy}`);
  assert.ok(accuracy >= 0.88, `accuracy ${accuracy}`);
});
