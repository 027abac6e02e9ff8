// The app module (vitopo_app.wasm: the ImGui/SDL2/WebGL2 views) and the
// bridge functions that hand it data (src/app/bridge.cpp). When the browser
// has no WebGL2 or the module fails to start, the page keeps working without
// the views (NoViews): the analysis, the page API and share links are the
// core module's and need no views.
import { WasmHeap, unwrap } from './wasm_memory.mjs';

// What the views can show beside the image, in the order of the app's
// arrangement_names (src/app/state/app_state.hpp).
export const ARRANGEMENTS = ['head', 'compare', 'layers', 'images', 'series'];

export function hasWebGL2() {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
}

// An entry's data as the bridge takes it (vitopo_bridge_add_entry's arguments
// after the id): name, model, sample label, model input, image as loaded,
// attention, analysis record, prediction.
function entryArguments(heap, entry) {
  const [, c, h, w] = entry.input.dims;
  const display = entry.image?.display;
  const hasDisplay = !!display && display.width > 0 && display.height > 0;
  const rgba = hasDisplay ? heap.array(new Uint8Array(display.rgba.buffer, display.rgba.byteOffset, display.rgba.byteLength)) : 0;
  const [L, H, T] = entry.attention.shape;
  const probabilities = Float32Array.from(entry.prediction.probabilities);
  return [heap.string(entry.name ?? ''), heap.string(entry.model.fingerprint ?? ''), entry.sampleLabel ?? -1,
    heap.array(entry.input.pixels), c, h, w, rgba, hasDisplay ? display.width : 0, hasDisplay ? display.height : 0,
    heap.array(entry.attention.data), L, H, T, heap.array(entry.analysisBytes), entry.analysisBytes.byteLength,
    heap.array(probabilities), probabilities.length, entry.prediction.index];
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

  // A workspace entry (web/workspace.mjs), complete; it becomes current, or
  // image B with `asB`.
  addEntry(entry, { asB = false } = {}) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_add_entry(entry.id, ...entryArguments(heap, entry), asB ? 1 : 0))));
  }

  // The analysis of a new image as it streams in (web/partial_results.mjs):
  // `entry` is a workspace entry without id whose analysisBytes is the
  // worker's first record (no heads); addPartialHeads() gives the next
  // records; addEntry() of the whole analysis replaces it, dropPartial()
  // shows the current entry again.
  beginPartial(entry) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_begin_partial(...entryArguments(heap, entry)))));
  }

  addPartialHeads(bytes) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_add_partial_heads(heap.array(bytes), bytes.byteLength))));
  }

  dropPartial() {
    return this.module._vitopo_bridge_drop_partial() === 1;
  }

  // {shown, heads, total, drawnHeads, firstDrawnAt}: the streaming analysis
  // the views show, and what their frames drew of the last one.
  partial() {
    const { shown, heads, total, drawnHeads, firstDrawnAt } = unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_partial())));
    return { shown, heads, total, drawnHeads, firstDrawnAt };
  }

  // Where the views put each token on the image (src/app/patch_bridge.cpp):
  // {tokens: [[row, col] | null], points: [[row, col] | null], firstToken}.
  patches() {
    const { tokens, points, firstToken } = unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_patches())));
    return { tokens, points, firstToken };
  }

  // The panels drawn in the last frame: [{id, title, x, y, width, height}]
  // in CSS pixels of the canvas.
  panels() {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_panels()))).panels;
  }

  // The id of the panel under a point of the page ({clientX, clientY}), or null.
  panelAt(at) {
    if (!at) return null;
    const box = this.module.canvas.getBoundingClientRect();
    const x = at.clientX - box.left, y = at.clientY - box.top;
    const hit = this.panels().find((p) => x >= p.x && x < p.x + p.width && y >= p.y && y < p.y + p.height);
    return hit?.id ?? null;
  }

  // Hides the panels with these ids (a lesson link's); [] shows them all.
  setHiddenPanels(ids) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_hidden_panels(heap.string(JSON.stringify(ids))))));
  }

  // The presentation scale (1 to 2) of the views' text and controls; returns the scale set.
  setUiScale(scale) {
    return this.module._vitopo_bridge_set_ui_scale(scale);
  }

  // Shows the arrangement `index` of ARRANGEMENTS; false when out of range.
  arrange(index) {
    return this.module._vitopo_bridge_arrange(index) === 1;
  }

  // Image B becomes current, and the current image B.
  swapImages() {
    this.module._vitopo_bridge_swap_images();
  }

  // A comparison the views asked for (a 'compare' intent) is done: `result`
  // is the worker's answer, or `error` its message.
  setComparison(slot, key, result, error = '') {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_comparison(heap.string(slot), heap.string(key),
      heap.string(result ? JSON.stringify(result) : ''), heap.string(error)))));
  }

  setComparisonProgress(slot, key, done, total) {
    this.#call((heap, m) => m._vitopo_bridge_set_comparison_progress(heap.string(slot), heap.string(key), done, total));
  }

  removeEntry(id) {
    this.module._vitopo_bridge_remove_entry(id);
  }

  // The last series (vitopo.series/1, or null) and the frame shown of it (-1: none).
  setSeries(series) {
    this.#call((heap, m) => unwrap(heap.readString(m._vitopo_bridge_set_series(heap.string(JSON.stringify(series))))));
  }

  setSeriesFrame(frame) {
    this.module._vitopo_bridge_set_series_frame(frame);
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

  // Makes the views draw the next animation frame (src/app/export_bridge.cpp).
  redraw() {
    this.module._vitopo_bridge_redraw();
  }

  // The name of every intent the views can raise for the page.
  pageIntents() {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_page_intents()))).intents;
  }

  // The views' intents since the last call: [{kind, ...}].
  takeIntents() {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_take_intents()))).intents;
  }

  // {layer, head, epsilon, bar: {dim, index} | null}
  selection() {
    const { layer, head, epsilon, bar } = unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_selection())));
    return { layer, head, epsilon, bar };
  }

  // Selects a head, a bar and ε in the current entry; returns the selection.
  select({ layer, head, epsilon, bar }) {
    return unwrap(this.#call((heap, m) => heap.readString(m._vitopo_bridge_select(layer, head,
      bar ? bar.dim : -1, bar ? bar.index : 0, epsilon)))).selection;
  }
}

// Stands in for the views when they cannot run. It keeps the selection the
// views would keep, with their ε policy (the core's default ε unless the user
// set one), so links made here reopen the same view elsewhere.
export class NoViews {
  constructor(core) {
    this.core = core;
    this.current = null;      // the current workspace entry
    this.imageB = null;
    this.chosen = null;       // {layer, head, epsilon, bar}
    this.userEpsilon = false;
  }

  setModel() {}
  addEntry(entry, { asB = false } = {}) {
    if (asB) {
      this.imageB = entry;
      return;
    }
    this.current = entry;
    const [L, H] = entry.attention.shape;
    const layer = this.chosen && this.chosen.layer < L ? this.chosen.layer : 0;
    const head = this.chosen && this.chosen.head < H ? this.chosen.head : 0;
    const epsilon = this.userEpsilon ? this.chosen.epsilon : this.core.defaultEpsilon(entry.analysisBytes, layer, head);
    this.chosen = { layer, head, epsilon, bar: null };  // a new image clears the bar
  }
  removeEntry(id) {
    if (this.imageB?.id === id) this.imageB = null;
  }
  swapImages() {
    if (!this.imageB) return;
    const b = this.imageB;
    this.imageB = this.current;
    this.addEntry(b);
  }
  beginPartial() {}
  addPartialHeads() {}
  dropPartial() { return false; }
  partial() { return null; }
  patches() { return null; }
  setComparison() {}
  setComparisonProgress() {}
  setSeries() {}
  setSeriesFrame() {}
  panels() { return []; }
  arrange() { return false; }
  setHiddenPanels() {}
  setUiScale(scale) { return Math.min(2, Math.max(1, scale)); }
  setProgress() {}
  setStatus() {}
  setSamples() {}
  pageIntents() { return []; }
  takeIntents() { return []; }
  selection() { return this.chosen ? structuredClone(this.chosen) : null; }
  select(selection) {
    if (!this.current) throw new Error('Nothing is analysed yet.');
    this.core.checkSelection(this.current.analysisBytes, selection);
    this.chosen = structuredClone(selection);
    this.userEpsilon = true;
    return structuredClone(selection);
  }
}
