// The core module (vitopo_core.wasm or vitopo_core_threaded.wasm, src/app/worker): the science
// without a UI, used on the main thread to validate a model and preprocess an
// image, and in the analysis worker to analyse every head.
import { WasmHeap, unwrap } from './wasm_memory.mjs';

export class CoreModule {
  // `threads`: how many threads analyse() may use; more than 1 needs the
  // threaded module (vitopo_core_threaded.mjs), which makes its pool of
  // threads − 1 pthreads now, as one cannot start later while analyse() blocks.
  static async instantiate(factory, { threads = 1 } = {}) {
    const progress = { callback: null };
    const module = await factory({
      onProgress: (done, total) => progress.callback?.(done, total),
      analysisPoolSize: threads - 1,
    });
    return new CoreModule(module, progress, threads);
  }

  constructor(module, progress, threads) {
    this.module = module;
    this.progress = progress;
    this.threads = threads;
  }

  #call(body) {
    const heap = new WasmHeap(this.module, this.module._vitopo_core_alloc, this.module._vitopo_core_free);
    try {
      return body(heap);
    } finally {
      heap.release();
    }
  }

  // Checks ONNX bytes against the model contract (docs/contracts.md). Returns the
  // model spec; throws the validator's message when the contract is broken.
  validateModel(bytes) {
    return this.#call((heap) => {
      const p = heap.array(bytes);
      return unwrap(heap.readString(this.module._vitopo_core_validate_model(p, bytes.byteLength))).spec;
    });
  }

  // The model input for a decoded image ({rgba, width, height}), preprocessed
  // as the model's metadata says. Returns {pixels: Float32Array, dims: [1, C, H, W]}.
  preprocess(image, spec) {
    return this.#call((heap) => {
      const rgba = heap.array(new Uint8Array(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength));
      const specJson = heap.string(JSON.stringify(spec));
      const reply = unwrap(heap.readString(
        this.module._vitopo_core_preprocess(rgba, image.width, image.height, specJson)));
      const count = reply.dims.reduce((a, b) => a * b, 1);
      const pixels = heap.readFloat32(this.module._vitopo_core_preprocessed(), count);
      return { pixels, dims: reply.dims };
    });
  }

  // The analysis settings the core uses when none are given (analysis JSON "settings").
  defaultSettings() {
    return unwrap(this.#call((heap) => heap.readString(this.module._vitopo_core_default_settings()))).settings;
  }

  // Settings completed and checked as an analysis would read them; throws the core's message.
  checkSettings(settings) {
    return this.#call((heap) => unwrap(heap.readString(this.module._vitopo_core_check_settings(heap.string(JSON.stringify(settings)))))).settings;
  }

  // Analyses every head of an attention tensor [L, H, T, T] (Float32Array).
  // Returns the analysis JSON text (vitopo.analysis/1); throws the core's message.
  analyse(shape, data, settings, onProgress) {
    if (shape.length !== 4) throw new Error(`the attention tensor must have shape [L, H, T, T], not [${shape}]`);
    return this.#call((heap) => {
      const p = heap.array(data);
      const s = heap.string(JSON.stringify(settings ?? {}));
      this.progress.callback = onProgress;
      try {
        const reply = heap.readString(this.module._vitopo_core_analyse(p, shape[0], shape[1], shape[2], s, this.threads));
        if (!reply.startsWith('{"ok":true')) unwrap(reply);
        return reply.slice('{"ok":true,"analysis":'.length, -1);
      } finally {
        this.progress.callback = null;
      }
    });
  }
}
