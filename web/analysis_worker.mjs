// The analysis worker: runs the core's analysis of every head off the UI
// thread, in its own instance of the core module, and posts progress as heads
// finish. The result is the core's binary analysis record, transferred, not
// copied. It is terminated to cancel, and replaced when it fails.
import { CoreModule } from './core.mjs';

// Heads are analysed on as many threads as the machine has cores, up to 8
// (one is this worker's own), with the threaded module: it needs shared
// memory, so only when the page is cross-origin isolated.
const threads = self.crossOriginIsolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1;
const core = import(threads > 1 ? './vitopo_core_threaded.mjs' : './vitopo_core.mjs')
  .then(({ default: factory }) => CoreModule.instantiate(factory, { threads }));

self.onmessage = async ({ data }) => {
  if (data.type !== 'analyse') return;
  const { id } = data;
  try {
    const module = await core;
    const { bytes, settings, heads } = module.analyse(data.shape, data.data, data.settings,
      (done, total) => self.postMessage({ type: 'progress', id, done, total }));
    self.postMessage({ type: 'result', id, bytes, settings, heads, threads }, [bytes.buffer]);
  } catch (e) {
    // A trap (out of memory, out of bounds) leaves the module unusable: the
    // client replaces this worker.
    const fatal = e instanceof WebAssembly.RuntimeError || e instanceof RangeError;
    self.postMessage({ type: 'error', id, fatal, message: e.message ?? String(e) });
  }
};
