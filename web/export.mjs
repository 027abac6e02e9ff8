// The research export (docs/contracts.md, "Research export"): the data files,
// the figures and reproduce.py of the current analysis, one at a time or as
// bundle.zip. The data and the SVGs come from the core module (the same
// writers as `vitopo analyze --export`); a PNG is a panel of the views'
// canvas, copied right after a frame is drawn; the zip is written by fflate.
import { zipSync } from './fflate.mjs';
import { WasmHeap, unwrap } from './wasm_memory.mjs';
import { runtimeInfo } from './model_session.mjs';

export const DATA_KINDS = ['attention.npy', 'distances.npy', 'distance.ldm', 'bars.csv', 'cycles.json', 'features.csv',
  'analysis.json', 'reproduce.py'];
export const KINDS = [...DATA_KINDS, 'png', 'svg', 'bundle.zip'];
export const SVG_PANELS = ['barcode', 'diagram', 'skeleton'];

const encoder = new TextEncoder();

export class ExportError extends Error {}

function wholeNumber(value, what) {
  if (!Number.isInteger(value) || value < 0) throw new ExportError(`The ${what} must be a whole number ≥ 0, not ${JSON.stringify(value)}.`);
  return value;
}

export class Exporter {
  // `pipeline`: the page's Pipeline (its current entry, model and views).
  constructor(pipeline) {
    this.pipeline = pipeline;
  }

  #entry() {
    const entry = this.pipeline.current;
    if (!entry) throw new ExportError('Nothing is analysed yet: there is nothing to export.');
    return entry;
  }

  // A core module call on an entry's attention and analysis record.
  #core(entry, body) {
    const m = this.pipeline.core.module;
    const heap = new WasmHeap(m, m._vitopo_core_alloc, m._vitopo_core_free);
    try {
      const [L, H, T] = entry.attention.shape;
      const args = [heap.array(entry.attention.data), L, H, T, heap.array(entry.analysisBytes), entry.analysisBytes.byteLength];
      const reply = unwrap(body(heap, m, args));
      return { reply, bytes: heap.readBytes(m._vitopo_core_result(), m._vitopo_core_result_size()) };
    } catch (e) {
      throw new ExportError(e.message);
    } finally {
      heap.release();
    }
  }

  // What analysis.json's "export" records beyond the analysis.
  provenance(entry) {
    const model = this.pipeline.model;
    const runtime = runtimeInfo();
    return {
      image: entry.name ?? '',
      model: { id: model?.spec?.id ?? '', name: entry.model?.name ?? '', sha256: model?.sha256 ?? '',
        fingerprint: entry.model?.fingerprint ?? '' },
      onnxruntime: { version: runtime.version, execution_provider: runtime.executionProvider, threads: runtime.threads },
      threads: this.pipeline.analysis?.threads ?? 1,
      created: new Date().toISOString(),
    };
  }

  // The names files carry: the image's, and the model's id (its name when it has none).
  #names(entry) {
    const model = this.pipeline.model;
    const id = model && model.fingerprint === entry.model?.fingerprint ? model.spec?.id : '';
    return { image: entry.name ?? '', model: id || entry.model?.name || '' };
  }

  // The selection's head and ε, unless `options` names them.
  #head(options) {
    const s = this.pipeline.views.selection?.() ?? null;
    const layer = options.layer ?? s?.layer ?? 0;
    const head = options.head ?? s?.head ?? 0;
    const epsilon = options.epsilon ?? s?.epsilon ?? 0;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
      throw new ExportError(`ε must be a finite number ≥ 0, not ${JSON.stringify(epsilon)}.`);
    }
    return { layer: wholeNumber(layer, 'layer'), head: wholeNumber(head, 'head'), epsilon };
  }

  // One file: {name, type, bytes: Uint8Array} (a PNG also has width and height).
  async export(kind, options = {}) {
    if (!KINDS.includes(kind)) {
      throw new ExportError(`vitopo cannot export ${JSON.stringify(kind)}: the kinds are ${KINDS.join(', ')}.`);
    }
    if (options === null || typeof options !== 'object') throw new ExportError('The export options must be an object.');
    const entry = this.#entry();
    if (kind === 'png') return this.#png(entry, options);
    if (kind === 'bundle.zip') return this.#bundle(entry, options);
    const request = { ...this.#names(entry), provenance: this.provenance(entry) };
    if (kind === 'svg') {
      if (!SVG_PANELS.includes(options.panel)) {
        throw new ExportError(`There is no SVG of the panel ${JSON.stringify(options.panel)}: the panels are ${SVG_PANELS.join(', ')}.`);
      }
      Object.assign(request, this.#head(options), { panel: options.panel });
    } else if (kind === 'distance.ldm') {
      const { layer, head } = this.#head(options);
      Object.assign(request, { layer, head });
    } else if (kind === 'distances.npy' && (options.layer !== undefined || options.head !== undefined)) {
      if (options.layer === undefined || options.head === undefined) throw new ExportError('One head\'s distances need both its layer and its head.');
      Object.assign(request, { layer: wholeNumber(options.layer, 'layer'), head: wholeNumber(options.head, 'head') });
    }
    const { reply, bytes } = this.#core(entry, (heap, m, args) =>
      heap.readString(m._vitopo_core_export(heap.string(kind === 'svg' ? 'svg' : kind), ...args, heap.string(JSON.stringify(request)))));
    return { name: reply.name, type: reply.type, bytes };
  }

  // {n, data: Float64Array} of one analysed head, under the analysis's settings.
  distanceMatrix(layer, head) {
    const entry = this.#entry();
    wholeNumber(layer, 'layer');
    wholeNumber(head, 'head');
    const { reply, bytes } = this.#core(entry, (heap, m, args) => heap.readString(m._vitopo_core_distance_matrix(...args, layer, head)));
    return { n: reply.n, data: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) };
  }

  // The representative cycle of H1 bar `bar` of a head: [[u, v], …] (u > v).
  cycle(layer, head, bar) {
    const entry = this.#entry();
    wholeNumber(layer, 'layer');
    wholeNumber(head, 'head');
    wholeNumber(bar, 'bar');
    return this.#core(entry, (heap, m, args) => heap.readString(m._vitopo_core_cycle(...args, layer, head, bar))).reply.edges;
  }

  // A panel of the canvas at `scale` × its CSS size, as PNG.
  async #png(entry, { panel, scale = 2 }) {
    const views = this.pipeline.views;
    if (!views.redraw) throw new ExportError('The views are not running in this browser, so there is no panel to export as PNG.');
    const drawn = () => views.panels();
    if (!drawn().some((p) => p.id === panel)) {
      throw new ExportError(`There is no panel ${JSON.stringify(panel)} on the page: the panels drawn are ${drawn().map((p) => p.id).join(', ')}.`);
    }
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 8) {
      throw new ExportError(`The PNG's scale must be a number above 0 and at most 8, not ${JSON.stringify(scale)}.`);
    }
    const canvas = document.getElementById('canvas');
    // The views draw on request; the copy is taken in the next animation
    // frame, after the views' own callback has drawn it.
    views.redraw();
    const shot = await new Promise((resolve, reject) => requestAnimationFrame(() => {
      try {
        const rect = drawn().find((p) => p.id === panel);
        if (!rect) throw new ExportError(`The panel ${panel} is no longer drawn.`);
        const { x, y, width: w, height: h } = rect;
        const ratio = canvas.width / Math.max(1, canvas.clientWidth);
        const width = Math.max(1, Math.round(w * scale));
        const height = Math.max(1, Math.round(h * scale));
        const out = document.createElement('canvas');
        out.width = width;
        out.height = height;
        const context = out.getContext('2d');
        context.imageSmoothingQuality = 'high';
        context.drawImage(canvas, x * ratio, y * ratio, w * ratio, h * ratio, 0, 0, width, height);
        resolve({ out, width, height });
      } catch (e) {
        reject(e);
      }
    }));
    const blob = await new Promise((resolve) => shot.out.toBlob(resolve, 'image/png'));
    if (!blob) throw new ExportError('The browser could not encode the PNG.');
    const { image, model } = this.#names(entry);
    const stem = [image.replace(/\.[^.]{1,4}$/, ''), model].map((s) => s.replace(/[^A-Za-z0-9._-]/g, '_')).filter(Boolean).join('-');
    return { name: `${stem ? `${stem}-` : ''}${panel}@${scale}x.png`, type: 'image/png', bytes: new Uint8Array(await blob.arrayBuffer()),
      width: shot.width, height: shot.height };
  }

  // Every data file, the three SVGs (and, with the views, PNGs of their
  // panels) and manifest.json, in one folder of a zip.
  async #bundle(entry, options) {
    const files = [];
    for (const kind of DATA_KINDS) files.push({ kind, ...(await this.export(kind, kind === 'distance.ldm' ? options : {})) });
    for (const panel of SVG_PANELS) files.push({ kind: 'svg', ...(await this.export('svg', { ...options, panel })) });
    if (this.pipeline.views.redraw) {
      const drawn = new Set(this.pipeline.views.panels().map((p) => p.id));
      for (const panel of SVG_PANELS.filter((p) => drawn.has(p))) files.push({ kind: 'png', ...(await this.export('png', { panel, scale: options.scale ?? 2 })) });
    }
    const listed = files.map((f) => ({ kind: f.kind, name: f.name, type: f.type, bytes: f.bytes.byteLength }));
    const provenance = this.provenance(entry);
    const m = this.pipeline.core.module;
    const heap = new WasmHeap(m, m._vitopo_core_alloc, m._vitopo_core_free);
    let manifest;
    try {
      manifest = unwrap(heap.readString(m._vitopo_core_export_manifest(heap.string(JSON.stringify(listed)),
        heap.string(JSON.stringify(provenance))))).manifest;
    } finally {
      heap.release();
    }
    const analysisName = files.find((f) => f.kind === 'analysis.json').name;
    const folder = analysisName.replace(/-?analysis\.json$/, '') || 'vitopo-export';
    const tree = { [`${folder}/manifest.json`]: encoder.encode(`${JSON.stringify(manifest, null, 1)}\n`) };
    for (const f of files) tree[`${folder}/${f.name}`] = f.bytes;
    return { name: `${folder}-export.zip`, type: 'application/zip', bytes: zipSync(tree, { level: 6, mtime: new Date() }) };
  }
}

// Offers a file to the user as a download.
export function download({ name, type, bytes }) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The page's Export menu (a <select> in the header): each choice downloads
// that file of the current analysis through the page API (which shows a
// refusal in the page).
export function attachExportMenu(select, api) {
  select.addEventListener('change', async () => {
    const choice = select.value;
    select.value = '';
    if (!choice) return;
    const [kind, panel] = choice.split(':');
    try {
      download(await api.export(kind, panel ? { panel } : {}));
    } catch {
      // already shown in the page
    }
  });
}
