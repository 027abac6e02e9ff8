// The app module (vitopo_app.wasm: the ImGui/SDL2/WebGL2 views) and the
// bridge functions that hand it data (src/app/bridge.cpp). When the browser
// has no WebGL2 or the module fails to start, the page keeps working without
// the views (NoViews), and says why.
import { WasmHeap, unwrap } from './wasm_memory.mjs';

export function hasWebGL2() {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
}

export class AppBridge {
  static async load(canvas) {
    const { default: createVitopoApp } = await import('./vitopo_app.mjs');
    const module = await createVitopoApp({
      canvas,
      print: (text) => console.log(text),
      printErr: (text) => console.warn(text),
    });
    return new AppBridge(module);
  }

  constructor(module) {
    this.module = module;
  }

  #call(body) {
    const heap = new WasmHeap(this.module, this.module._malloc, this.module._free);
    try {
      return body(heap, this.module);
    } finally {
      heap.release();
    }
  }

  setModel(spec) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_model(heap.string(JSON.stringify(spec))))));
  }

  // pixels: the model input (Float32Array, C×H×W); original: the decoded
  // image for display {rgba, width, height} (image_input.mjs keeps it small).
  setImage({ name, pixels, dims, original, sampleLabel = -1 }) {
    this.#call((heap, m) => {
      const [, c, h, w] = dims;
      const hasOriginal = !!original && original.width > 0 && original.height > 0;
      const rgba = hasOriginal ? heap.array(new Uint8Array(original.rgba.buffer, original.rgba.byteOffset, original.rgba.byteLength)) : 0;
      unwrap(heap.readString(m._vitopo_bridge_set_image(heap.string(name ?? ''), w, h, c, heap.array(pixels),
        hasOriginal ? original.width : 0, hasOriginal ? original.height : 0, rgba, sampleLabel)));
    });
  }

  setAttention({ shape, data }) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_attention(heap.array(data), shape[0], shape[1], shape[2]))));
  }

  setAnalysis(text) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_analysis(heap.string(text)))));
  }

  setPrediction(probabilities) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_prediction(heap.array(Float32Array.from(probabilities)), probabilities.length))));
  }

  setProgress(running, done, total, stage) {
    this.#call((heap, m) => m._vitopo_bridge_set_progress(running ? 1 : 0, done, total, heap.string(stage)));
  }

  setStatus(message, error = '') {
    this.#call((heap, m) => m._vitopo_bridge_set_status(heap.string(message), heap.string(error)));
  }

  setSamples(samples) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_samples(heap.string(JSON.stringify(samples))))));
  }

  setSettings(settings) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_settings(heap.string(JSON.stringify(settings))))));
  }

  // The views' intents since the last call: [{kind, ...}].
  takeIntents() {
    const list = JSON.parse(this.#call((heap, m) => heap.readString(m._vitopo_bridge_take_intents())));
    if (!Array.isArray(list)) throw new Error(list.error ?? 'the app returned no intent list');
    return list;
  }

  selection() {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_selection())));
  }

  // Share links (src/app/bridge_share_link.cpp; the core's src/core/share_link.hpp).
  // A selection is {layer, head, epsilon, bar: {dim, index} | null}.

  // The first 16 bytes of the SHA-256 of ONNX bytes, in hex: the model's name in a link.
  modelFingerprint(bytes) {
    return this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_model_fingerprint(heap.array(bytes), bytes.byteLength)))).fingerprint;
  }

  // "#v1=…" for what the app shows, made with `model` {fingerprint, name}.
  shareLink(model) {
    return this.#call((heap, m) => shareReply(heap.readString(m._vitopo_bridge_share_link(heap.string(JSON.stringify(model)))))).link;
  }

  // Reads a link for `model` {fingerprint, name, channels, height, width, layers, heads}:
  // {image, settings, selection, model, pixels: Float32Array, dims: [1, C, H, W]}.
  // Throws the core's message, with `kind` (and `needs`, the model a link for another model needs).
  openShareLink(link, model) {
    return this.#call((heap, m) => {
      const reply = shareReply(heap.readString(m._vitopo_bridge_open_share_link(heap.string(link), heap.string(JSON.stringify(model)))));
      const { channels, height, width } = reply.image;
      const pixels = heap.readFloat32(m._vitopo_bridge_share_link_pixels(), channels * height * width);
      return { ...reply, pixels, dims: [1, channels, height, width] };
    });
  }

  // Throws unless `selection` exists in the analysis (vitopo.analysis/1 text).
  checkSelection(analysisText, { layer, head, epsilon, bar }) {
    this.#call((heap, m) => shareReply(heap.readString(m._vitopo_bridge_check_selection(heap.string(analysisText),
      layer, head, bar ? bar.dim : -1, bar ? bar.index : 0, epsilon))));
  }

  // Selects a head, a bar and ε in the analysis shown; returns the selection.
  select({ layer, head, epsilon, bar }) {
    return this.#call((heap, m) => shareReply(heap.readString(m._vitopo_bridge_select(layer, head,
      bar ? bar.dim : -1, bar ? bar.index : 0, epsilon)))).selection;
  }
}

// Like unwrap, keeping the reply's `kind` and `needs` on the Error.
function shareReply(reply) {
  const value = JSON.parse(reply);
  if (!value.ok) throw Object.assign(new Error(value.error), { kind: value.kind, needs: value.needs });
  return value;
}

const NO_VIEWS_NO_LINKS = 'Share links need the views, which could not start in this browser (no WebGL2).';

// Stands in for the app when the views cannot run: the data flow and the page
// API work the same.
export class NoViews {
  setModel() {}
  setImage() {}
  setAttention() {}
  setAnalysis() {}
  setPrediction() {}
  setProgress() {}
  setStatus() {}
  setSamples() {}
  setSettings() {}
  takeIntents() { return []; }
  selection() { return null; }
  modelFingerprint() { return null; }
  shareLink() { return null; }
  openShareLink() { throw new Error(NO_VIEWS_NO_LINKS); }
  checkSelection() { throw new Error(NO_VIEWS_NO_LINKS); }
  select() { throw new Error(NO_VIEWS_NO_LINKS); }
}
