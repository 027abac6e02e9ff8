// window.vitopo: the page API for automation and tests (DESIGN.md, README).
//
//   await vitopo.ready                 resolves when the default model is loaded and
//                                      the first sample analysed (rejects if boot fails)
//   await vitopo.loadImage(blob|url)   the analysis JSON (vitopo.analysis/1) of the image;
//                                      rejects with the page's message for a bad image
//   vitopo.analysis()                  the current analysis JSON, or null
//   vitopo.attention()                 {shape: [L, H, T, T], data: Float32Array}, or null
//   vitopo.settings()                  the current settings (the analysis JSON's "settings")
//   await vitopo.settings(patch)       re-analyses with the patch applied; the new analysis
//   vitopo.shareLink()                 null until share links are built
// and, beyond the contract:
//   await vitopo.loadModel(blob|url)   a user's ONNX model, checked against the contract
//   vitopo.prediction()                {index, label, probability, probabilities}, or null
//   vitopo.model()                     the model spec, or null
//   vitopo.cancel()                    stops a running analysis (true if one was running)
import { fetchBlob } from './image_input.mjs';

export function installPageApi(pipeline, ready) {
  const copy = (value) => (value == null ? null : structuredClone(value));
  const api = {
    ready,
    loadImage: (source) => pipeline.loadImage(source),
    analysis: () => copy(pipeline.current?.analysis),
    attention: () => {
      const a = pipeline.current?.attention;
      return a ? { shape: [...a.shape], data: new Float32Array(a.data) } : null;
    },
    settings: (patch) => (patch === undefined ? copy(pipeline.settings) : pipeline.reanalyse(patch)),
    shareLink: () => null,
    loadModel: async (source) => {
      const blob = typeof source === 'string' || source instanceof URL ? await fetchBlob(String(source)) : source;
      return pipeline.loadModel(new Uint8Array(await blob.arrayBuffer()), blob.name || 'the model');
    },
    prediction: () => copy(pipeline.current?.prediction),
    model: () => copy(pipeline.model?.spec),
    cancel: () => pipeline.cancel(),
  };
  window.vitopo = Object.freeze(api);
  return api;
}
