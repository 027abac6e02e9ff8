// Runs an ONNX model in onnxruntime-web (the page's runtime, wasm backend, one
// thread) on a float32 input, for the Python tests of models/convert.py.
//
//   node tests/model/run_onnx.mjs MODEL.onnx PIXELS.f32 B C H W OUT_DIR
// writes OUT_DIR/logits.f32 and OUT_DIR/attentions.f32 (little-endian float32)
// and OUT_DIR/dims.json ({"logits": [...], "attentions": [...]}).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';

const [model, input, B, C, H, W, out] = process.argv.slice(2);
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const raw = readFileSync(input);
const pixels = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const session = await ort.InferenceSession.create(readFileSync(model), { executionProviders: ['wasm'] });
const result = await session.run({ pixels: new ort.Tensor('float32', pixels, [B, C, H, W].map(Number)) });
const dims = {};
for (const name of ['logits', 'attentions']) {
  const t = result[name];
  writeFileSync(join(out, `${name}.f32`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  dims[name] = t.dims;
}
writeFileSync(join(out, 'dims.json'), JSON.stringify(dims));
