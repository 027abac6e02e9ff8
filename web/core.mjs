// The core module (vitopo_core.wasm or vitopo_core_threaded.wasm, src/app/worker):
// the science and its codecs without a UI. The main thread uses it to check a
// model, preprocess an image, turn an analysis record into JSON and make and
// read share links; the analysis worker uses it to analyse every head. None
// of it needs the views, so all of it works without WebGL2.
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
      return body(heap, this.module);
    } finally {
      heap.release();
    }
  }

  // The binary result of the last call (a copy).
  #result(heap) {
    return heap.readBytes(this.module._vitopo_core_result(), this.module._vitopo_core_result_size());
  }

  // Checks ONNX bytes against the model contract (docs/contracts.md). Returns
  // {spec, fingerprint, sha256}; throws the validator's message when the
  // contract is broken. `sha256`: the bytes' SHA-256 (64 hex digits) when the
  // page has it already, else the core computes it.
  validateModel(bytes, sha256 = null) {
    return this.#call((heap, m) => {
      const reply = unwrap(heap.readString(m._vitopo_core_validate_model(heap.array(bytes), bytes.byteLength, heap.string(sha256 ?? ''))));
      return { spec: reply.spec, fingerprint: reply.fingerprint, sha256: reply.sha256 };
    });
  }

  // The model input for a decoded image ({rgba, width, height}), preprocessed
  // as the model's metadata says. Returns {pixels: Float32Array, dims: [1, C, H, W]}.
  preprocess(image, spec) {
    return this.#call((heap, m) => {
      const rgba = heap.array(new Uint8Array(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength));
      const reply = unwrap(heap.readString(m._vitopo_core_preprocess(rgba, image.width, image.height, heap.string(JSON.stringify(spec)))));
      return { pixels: new Float32Array(this.#result(heap).buffer), dims: reply.dims };
    });
  }

  // The analysis settings the core uses when none are given (analysis JSON "settings").
  defaultSettings() {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_core_default_settings()))).settings;
  }

  // Settings completed and checked as an analysis would read them; throws the core's message.
  checkSettings(settings) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_check_settings(heap.string(JSON.stringify(settings)))))).settings;
  }

  // Analyses every head of an attention tensor [L, H, T, T] (Float32Array).
  // Returns {bytes: Uint8Array (the core's analysis record), settings, heads};
  // throws the core's message. `onHeads(bytes, heads)`, when given, gets the
  // analysis as it streams: a record with no heads first, then records of
  // the heads that finished, in (layer, head) order, with their number.
  analyse(shape, data, settings, onProgress, onHeads) {
    if (shape.length !== 4) throw new Error(`the attention tensor must have shape [L, H, T, T], not [${shape}]`);
    this.module.onHeads = onHeads ?? null;
    try {
      return this.#withProgress(onProgress, (heap, m) => {
        const p = heap.array(data);
        const s = heap.string(JSON.stringify(settings ?? {}));
        const reply = unwrap(heap.readString(m._vitopo_core_analyse(p, shape[0], shape[1], shape[2], s, this.threads)));
        return { bytes: this.#result(heap), settings: reply.settings, heads: reply.heads };
      });
    } finally {
      this.module.onHeads = null;
    }
  }

  // The analysis JSON text (vitopo.analysis/1) of an analysis record.
  analysisJson(bytes) {
    return this.#call((heap, m) => {
      const text = heap.readString(m._vitopo_core_analysis_json(heap.array(bytes), bytes.byteLength));
      if (text.startsWith('{"ok":false') || text.startsWith('{"error"')) unwrap(text);
      return text;
    });
  }

  // The views' default ε for a head of an analysis record.
  defaultEpsilon(bytes, layer, head) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_default_epsilon(heap.array(bytes), bytes.byteLength, layer, head)))).epsilon;
  }

  // Throws (with the link error's `kind`) unless `selection` {layer, head,
  // epsilon, bar: {dim, index} | null} is in the analysis record.
  checkSelection(bytes, selection) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_check_selection(heap.array(bytes), bytes.byteLength,
      heap.string(JSON.stringify(selection))))));
  }

  // "#v1=…" for a model input {pixels, dims}, an analysis record and a selection,
  // made with `model` {fingerprint, name}; "#v2=…" for an input quantised for
  // version 2 links (web/share_link_v2.mjs), which carries `quantised`.
  // `name`: the image's title, which the link carries (its first 128 bytes).
  shareLink(model, input, bytes, selection, name = '') {
    // A lone surrogate (a file name can hold one) is not UTF-8: it becomes U+FFFD.
    const title = String(name).toWellFormed?.() ?? String(name);
    if (input.quantised) return this.#shareLinkV2(model, input, bytes, selection, title);
    return this.#call((heap, m) => {
      const [, c, h, w] = input.dims;
      return unwrap(heap.readString(m._vitopo_core_share_link(heap.string(JSON.stringify(model)), heap.array(input.pixels),
        c, h, w, heap.array(bytes), bytes.byteLength, heap.string(JSON.stringify(selection)), heap.string(title)))).link;
    });
  }

  #shareLinkV2(model, input, bytes, selection, title) {
    return this.#call((heap, m) => {
      const [, c, h, w] = input.dims;
      const { low, step, deflated } = input.quantised;
      return unwrap(heap.readString(m._vitopo_core_share_link_v2(heap.string(JSON.stringify(model)), c, h, w,
        heap.string(JSON.stringify({ low, step })), heap.array(deflated), deflated.byteLength, heap.array(bytes),
        bytes.byteLength, heap.string(JSON.stringify(selection)), heap.string(title)))).link;
    });
  }

  // The version of the share links (1 or 2) a model with a C × H × W input makes.
  shareLinkVersion(channels, height, width) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_share_link_version(channels, height, width)))).version;
  }

  // A model input {pixels, dims} quantised for version 2 links: {low, step, codes: Uint8Array}.
  quantiseInput(input) {
    return this.#call((heap, m) => {
      const [, c, h, w] = input.dims;
      const { low, step } = unwrap(heap.readString(m._vitopo_core_quantise_input(heap.array(input.pixels), c, h, w)));
      return { low, step, codes: this.#result(heap) };
    });
  }

  // The model input (Float32Array) that {low, step, codes} stand for, for dims [1, C, H, W].
  dequantiseInput({ low, step, codes }, dims) {
    return this.#call((heap, m) => {
      const [, c, h, w] = dims;
      unwrap(heap.readString(m._vitopo_core_dequantise_input(heap.array(codes), codes.byteLength, c, h, w,
        heap.string(JSON.stringify({ low, step })))));
      return new Float32Array(this.#result(heap).buffer);
    });
  }

  // Reads a link for `model` {fingerprint, name, channels, height, width, layers, heads}:
  // {image, settings, selection, model, pixels: Float32Array, dims: [1, C, H, W]}.
  // Throws the core's message, with `kind` (and `needs`, the model a link for another model needs).
  openShareLink(link, model) {
    return this.#call((heap, m) => {
      const reply = unwrap(heap.readString(m._vitopo_core_open_share_link(heap.string(link), heap.string(JSON.stringify(model)))));
      const { channels, height, width } = reply.image;
      // Version 2: the deflated codes, which web/share_link_v2.mjs inflates.
      if (reply.version === 2) return { ...reply, deflated: this.#result(heap), pixels: null, dims: [1, channels, height, width] };
      return { ...reply, pixels: new Float32Array(this.#result(heap).buffer), dims: [1, channels, height, width] };
    });
  }

  // Runs a comparison on analysis records: {by, layer, head, dim, distance,
  // order} (comparison.hpp); `b` is image B's record, by image. Returns the
  // vitopo.comparison/1 object; throws the core's message.
  compare(a, b, request, onProgress) {
    return this.#withProgress(onProgress, (heap, m) => unwrap(heap.readString(m._vitopo_core_compare(
      heap.array(a), a.byteLength, b ? heap.array(b) : 0, b ? b.byteLength : 0, heap.string(JSON.stringify(request)),
      this.threads)))).comparison;
  }

  // The distance from each layer to the next, per head and pooled (the last row).
  layerSteps(bytes, request, onProgress) {
    return this.#withProgress(onProgress, (heap, m) => unwrap(heap.readString(m._vitopo_core_layer_steps(
      heap.array(bytes), bytes.byteLength, heap.string(JSON.stringify(request)), this.threads)))).steps;
  }

  // An optimal matching {distance, pairs} between a head of record `a` and one of record `b`.
  match(a, b, request) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_match(heap.array(a), a.byteLength,
      heap.array(b), b.byteLength, heap.string(JSON.stringify(request)))))).matching;
  }

  // How far a model input (Float32Array) is from what the model knows, given
  // the prediction's probabilities and the model's dataset (src/core/familiarity.hpp).
  // `rgba` is the image as loaded (may be absent, e.g. from a share link).
  familiarity(pixels, probabilities, dataset, rgba) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_core_familiarity(heap.array(pixels), pixels.length,
      heap.array(Float32Array.from(probabilities)), probabilities.length, heap.string(dataset ?? ''),
      rgba ? heap.array(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength)) : 0, rgba ? rgba.byteLength : 0))));
  }

  // A perturbed copy of a model input {pixels, dims: [1, C, H, W]}:
  // `request` is {kind, strength, seed}, {kind: 'occlusion', patch, row, col}
  // or {kind: 'sign-step', strength} with `gradient` (perturbation.hpp).
  // Returns {pixels, dims}; throws the core's message.
  perturb(input, request, gradient = null) {
    return this.#call((heap, m) => {
      const [, c, h, w] = input.dims;
      unwrap(heap.readString(m._vitopo_core_perturb(heap.array(input.pixels), c, h, w, heap.string(JSON.stringify(request)),
        gradient ? heap.array(gradient) : 0)));
      return { pixels: new Float32Array(this.#result(heap).buffer), dims: [...input.dims] };
    });
  }

  #withProgress(onProgress, body) {
    this.progress.callback = onProgress;
    try {
      return this.#call(body);
    } finally {
      this.progress.callback = null;
    }
  }
}
