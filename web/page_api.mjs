// window.vitopo: the page API for automation and tests (docs/contracts.md, README).
//
//   await vitopo.ready                 resolves when the default model is loaded and
//                                      the first sample analysed (rejects if boot fails)
//   await vitopo.loadImage(blob|url, {name})  the analysis JSON (vitopo.analysis/1) of the image,
//                                      titled `name`, else the file's name, else "pasted image";
//                                      rejects with the page's message for a bad image
//   vitopo.analysis()                  the current analysis JSON, or null
//   vitopo.attention()                 {shape: [L, H, T, T], data: Float32Array}, or null
//   vitopo.settings()                  the current settings (the analysis JSON's "settings")
//   await vitopo.settings(patch)       re-analyses with the patch applied; the new analysis
//   vitopo.shareLink()                 the page's URL with #v1=… for the current image, settings,
//                                      layer/head, ε and bar (null when nothing is analysed)
// and, beyond the contract:
//   await vitopo.openShareLink(link)   opens a link (URL or #v1=…): {analysis, selection};
//                                      rejects with the link's message, the page as it was
//   vitopo.selection()                 {layer, head, epsilon, bar: {dim, index} | null}, or null
//   vitopo.select(patch)               selects e.g. {layer: 2, head: 1, epsilon: 0.3, bar: {dim: 1, index: 0}}
//                                      in the current analysis; the new selection (throws if absent)
//   await vitopo.loadModel(blob|url)   a user's ONNX model, checked against the contract;
//                                      opens a link that was waiting for that model
//   vitopo.prediction()                {index, label, probability, probabilities}, or null
//   vitopo.model()                     the model spec, or null
//   vitopo.cancel()                    stops a running analysis (true if one was running)
//   vitopo.workspace()                 the analyses the page holds: [{id, name, model, layers,
//                                      heads, tokens, current, imageB}], oldest first
//   await vitopo.compare({by, ...})    diagram distances (vitopo.comparison/1): by 'head' {layer},
//                                      by 'layer' {head, null: pooled}, by 'image' {image: Blob | url};
//                                      with {dim, distance: 'bottleneck' | 'wasserstein', order}
//   await vitopo.matching({a, b, ...}) an optimal matching {distance, pairs} between a: {layer, head}
//                                      of the current image and b: {layer, head, image: 'A' | 'B'}
//   vitopo.tour()                      the guided tour: {steps: [{id, title, text, panel}], current}
//   await vitopo.tour.go(i)            shows step i and sets its state; vitopo.tour.close() closes it
//   vitopo.notices()                   the notices shown: [{kind, text}] ('out-of-distribution')
//   vitopo.ui({scale})                 the presentation scale, 1 to 2: {scale}
//   vitopo.lessonLink({step, hide})    a share link that opens at tour step `step` with panels hidden
//   vitopo.swapImages()                image B becomes current and the current image B (false without B)
//   vitopo.panels()                    the panels drawn: [{id, title, x, y, width, height}], CSS pixels
//                                      of the canvas ([] without the views)
//   vitopo.arrange(name)               what the views show beside the image: 'head', 'compare',
//                                      'layers', 'images' or 'series' (false without the views)
// and the research export (web/export.mjs):
//   await vitopo.export(kind, options) {name, type, bytes: Uint8Array} of one file of the current
//                                      analysis (kinds: export.mjs's KINDS)
//   vitopo.distanceMatrix(layer, head) {n, data: Float64Array}
//   vitopo.cycle(layer, head, bar)     the representative cycle of an H1 bar: [[u, v], …]
//   await vitopo.series({...})        a perturbation series of the current image
//                                      {perturbation, strengths, seed, dim, distance, order}, or a frame
//                                      series {frames: [Blob | url]} / {video, fps, maxFrames}:
//                                      {schema: 'vitopo.series/1', kind, frames}
//   await vitopo.frame(i)              frame i of the last series becomes the current image
//   vitopo.input()                     {dims: [1, C, H, W], data: Float32Array}: the current model input
//   vitopo.lastSeries()                the last series' result, or null
//   vitopo.seriesLink()                a link that reopens the image of the last perturbation series
//                                      and recomputes it (a frame series is refused with a message)
// and the heads as they finish:
//   vitopo.partial()                   the last analysis streamed to the views: {state: 'streaming' |
//                                      'done' | 'dropped', heads, total, shown, drawnHeads, times:
//                                      {model, firstHead, firstDrawn, done}} (performance.now() ms), or null
//   vitopo.patches()                   where the views put each token on the image: {tokens: [[row, col]
//                                      | null] (the image view's), points: [[row, col] | null] (the
//                                      skeleton's, point p is token firstToken + p), firstToken}, or
//                                      null without the views
import { modelReader } from './model_fetch.mjs';
import { Exporter } from './export.mjs';
import { ARRANGEMENTS } from './app_bridge.mjs';

export function installPageApi(pipeline, ready, links, comparisons, { notices, series } = {}) {
  let tour = null;
  const copy = (value) => (value == null ? null : structuredClone(value));
  let uiScale = 1;
  const api = {
    ready,
    loadImage: (source, { name } = {}) => pipeline.loadImage(source, { name }),
    analysis: () => (pipeline.current ? copy(pipeline.analysisOf(pipeline.current)) : null),
    attention: () => {
      const a = pipeline.current?.attention;
      return a ? { shape: [...a.shape], data: new Float32Array(a.data) } : null;
    },
    settings: (patch) => (patch === undefined ? copy(pipeline.settings) : pipeline.reanalyse(patch)),
    shareLink: () => links.url(),
    openShareLink: (link) => links.open(String(link)),
    selection: () => (pipeline.current ? selection(pipeline.views.selection()) : null),
    workspace: () => pipeline.workspace.list(),
    compare: (options) => comparisons.compare(options),
    matching: (options) => comparisons.matching(options),
    panels: () => {
      const list = pipeline.views.panels().map((p) => ({ ...p }));
      const card = tour?.panel(document.getElementById('canvas'));
      return card ? [...list, card] : list;
    },
    notices: () => notices?.current() ?? [],
    tour: Object.assign(() => tour.describe(), {
      go: (i) => tour.go(i),
      close: () => tour.close(),
    }),
    ui: ({ scale } = {}) => {
      if (scale === undefined) return { scale: uiScale };
      if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error('ui({scale}) takes a number from 1 to 2');
      uiScale = pipeline.views.setUiScale(scale);
      document.documentElement.style.setProperty('--ui-scale', String(uiScale));
      const picker = document.getElementById('ui-scale');
      if (picker) picker.value = String(uiScale);
      return { scale: uiScale };
    },
    lessonLink: ({ step = 0, hide = [] } = {}) => links.lessonUrl(step, hide),
    swapImages: () => pipeline.swapImages(),
    input: () => {
      const i = pipeline.current?.input;
      return i ? { dims: [...i.dims], data: new Float32Array(i.pixels) } : null;
    },
    series: async (options) => series.series(options),
    lastSeries: () => series.lastSeries(),
    seriesLink: () => series.link(),
    frame: async (i) => series.frame(i),
    arrange: (name) => {
      const index = ARRANGEMENTS.indexOf(name);
      if (index < 0) throw new Error(`arrange takes one of ${ARRANGEMENTS.map((a) => `'${a}'`).join(', ')}, not ${JSON.stringify(name)}`);
      return pipeline.views.arrange(index);
    },
    select: (patch) => {
      const current = selection(pipeline.views.selection());
      if (!current || !pipeline.current) throw new Error('Nothing is analysed yet.');
      try {
        return pipeline.views.select({ ...current, ...patch });
      } catch (e) {
        links.showError(e);
        throw e;
      }
    },
    loadModel: async (source) => {
      // Streamed with byte progress, through the model cache, refused over the budget (model_fetch.mjs).
      const name = source instanceof Blob ? source.name || 'the model'
        : decodeURIComponent(new URL(String(source), location.href).pathname.split('/').pop() || 'the model');
      const spec = await pipeline.loadModel(modelReader(source, name), name);
      await links.afterModelLoaded().catch(() => {});  // a failure is shown in the page
      return spec;
    },
    prediction: () => copy(pipeline.current?.prediction),
    model: () => copy(pipeline.model?.spec),
    cancel: () => pipeline.cancel(),
  };
  // The research export; a refusal is also shown in the page.
  const exporter = new Exporter(pipeline);
  const shown = (call) => {
    try {
      const result = call();
      return result instanceof Promise ? result.catch((e) => { links.showError(e); throw e; }) : result;
    } catch (e) {
      links.showError(e);
      throw e;
    }
  };
  Object.assign(api, {
    export: (kind, options) => shown(() => exporter.export(kind, options ?? {})),
    distanceMatrix: (layer, head) => shown(() => exporter.distanceMatrix(layer, head)),
    cycle: (layer, head, bar) => shown(() => exporter.cycle(layer, head, bar)),
  });
  // The heads as they finish (web/partial_results.mjs), and where the views put the tokens.
  Object.assign(api, { partial: () => pipeline.partial.describe(), patches: () => pipeline.views.patches() });
  window.vitopo = Object.freeze(api);
  // The tour is made from the API it drives, then attached.
  return { api, attachTour: (t) => { tour = t; } };
}

// The views' selection with `bar: null` for no bar.
function selection(s) {
  if (!s) return null;
  const bar = s.bar && s.bar.dim >= 0 && s.bar.index >= 0 ? { dim: s.bar.dim, index: s.bar.index } : null;
  return { layer: s.layer, head: s.head, epsilon: s.epsilon, bar };
}
