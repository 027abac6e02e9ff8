// The model session: ONNX Runtime Web (wasm backend) running a vitopo model.
// The model's contract (docs/contracts.md) is checked by the core's validator before a
// session is made; this module only runs it.
import * as ort from './ort/ort.wasm.min.mjs';

// ORT runs threaded only when the page is cross-origin isolated (serve.mjs sends
// COOP/COEP); otherwise it would warn and fall back to one thread anyway.
ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency ?? 1)) : 1;
ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
ort.env.logLevel = 'error';

// What the research export records of the runtime: ONNX Runtime Web's
// version, its execution provider and its thread count.
export function runtimeInfo() {
  return { version: ort.env.versions?.web ?? ort.env.versions?.common ?? '', executionProvider: 'wasm',
    threads: ort.env.wasm.numThreads ?? 1 };
}

export class ModelSession {
  // `spec` is the validated model spec (the core's ModelSpec as JSON).
  static async create(bytes, spec) {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    return new ModelSession(session, spec);
  }

  constructor(session, spec) {
    this.session = session;
    this.spec = spec;
  }

  // Runs the model on one preprocessed image, `pixels` of shape [1, C, H, W].
  // Returns {logits: Float32Array, attention: {shape: [L, H, T, T], data: Float32Array}}.
  async run(pixels, dims) {
    const input = new ort.Tensor('float32', pixels, dims);
    const out = await this.session.run({ pixels: input });
    const logits = out.logits.data;
    const a = out.attentions;
    // [L, B, heads, T, T] with B = 1 has the same memory layout as [L, heads, T, T].
    const [L, B, H, T, T2] = a.dims;
    if (a.dims.length !== 5 || B !== 1 || T !== T2) {
      throw new Error(`The model's attentions output has shape [${a.dims}], expected [L, 1, heads, T, T]`);
    }
    const attention = { shape: [L, H, T, T], data: new Float32Array(a.data) };
    input.dispose?.();
    return { logits: new Float32Array(logits), attention };
  }

  // The logits alone of a batch of B inputs, `pixels` of shape [B, C, H, W]
  // (the attention is not fetched): a Float32Array of B × K.
  async logits(pixels, dims) {
    const input = new ort.Tensor('float32', pixels, dims);
    const out = await this.session.run({ pixels: input }, ['logits']);
    input.dispose?.();
    return new Float32Array(out.logits.data);
  }

  release() {
    this.session.release?.();
  }
}

// The predicted class: softmax of the logits, its argmax and probability.
export function predict(logits, labels = []) {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - logits[best]);
  const probabilities = Array.from(logits, (v) => Math.exp(v - logits[best]) / sum);
  return { index: best, label: labels[best] ?? String(best), probability: probabilities[best], probabilities };
}
