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
}

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
}
