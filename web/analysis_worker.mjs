// The analysis worker: runs the core's analysis of every head off the UI
// thread, in its own instance of the core module (vitopo_core.wasm), and posts
// progress as heads finish. It is terminated to cancel.
import createVitopoCore from './vitopo_core.mjs';
import { CoreModule } from './core.mjs';

const core = CoreModule.instantiate(createVitopoCore);

self.onmessage = async ({ data }) => {
  if (data.type !== 'analyse') return;
  const { id } = data;
  try {
    const module = await core;
    const json = module.analyse(data.shape, data.data, data.settings,
      (done, total) => self.postMessage({ type: 'progress', id, done, total }));
    self.postMessage({ type: 'result', id, json });
  } catch (e) {
    self.postMessage({ type: 'error', id, message: e.message ?? String(e) });
  }
};
