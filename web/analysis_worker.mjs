// The analysis worker: runs the core's analysis of every head, and the
// comparisons of analysed heads, off the UI thread, in its own instance of
// the core module, and posts progress as heads (or pairs) finish, and the
// finished heads themselves when asked to stream. The result is the core's
// binary analysis record, transferred, not copied. It is terminated to cancel, and replaced when it fails.
import { CoreModule } from './core.mjs';

// Heads are analysed on as many threads as the machine has cores, up to 8
// (one is this worker's own), with the threaded module: it needs shared
// memory, so only when the page is cross-origin isolated.
const threads = self.crossOriginIsolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1;
const core = import(threads > 1 ? './vitopo_core_threaded.mjs' : './vitopo_core.mjs')
  .then(({ default: factory }) => CoreModule.instantiate(factory, { threads }));

// What the worker does, by message type: each returns [result, transfer].
const jobs = {
  analyse(module, data, progress) {
    // With `stream`, each batch of finished heads is posted as it comes (a 'heads' message).
    const stream = data.stream
      ? (record, count) => self.postMessage({ type: 'heads', id: data.id, bytes: record, count }, [record.buffer]) : null;
    const { bytes, settings, heads } = module.analyse(data.shape, data.data, data.settings, progress, stream);
    return [{ bytes, settings, heads }, [bytes.buffer]];
  },
  compare: (module, data, progress) => [{ comparison: module.compare(data.a, data.b, data.request, progress) }, []],
  'layer-steps': (module, data, progress) => [{ steps: module.layerSteps(data.a, data.request, progress) }, []],
  match: (module, data) => [{ matching: module.match(data.a, data.b, data.request) }, []],
};

self.onmessage = async ({ data }) => {
  const job = jobs[data.type];
  if (!job) return;
  const { id } = data;
  try {
    const module = await core;
    const [result, transfer] = job(module, data, (done, total) => self.postMessage({ type: 'progress', id, done, total }));
    self.postMessage({ type: 'result', id, threads, ...result }, transfer);
  } catch (e) {
    // A trap (out of memory, out of bounds) leaves the module unusable: the
    // client replaces this worker.
    const fatal = e instanceof WebAssembly.RuntimeError || e instanceof RangeError;
    self.postMessage({ type: 'error', id, fatal, message: e.message ?? String(e) });
  }
};
