// The main-thread side of the analysis worker: hands it an attention tensor
// and settings, relays its progress, and cancels by terminating it. A fresh
// worker starts on the next request, which is cheaper and more robust than a
// cancel flag polled from the hot loop.

export class Cancelled extends Error {
  constructor() {
    super('The analysis was cancelled.');
    this.name = 'Cancelled';
  }
}

export class AnalysisClient {
  constructor(url = new URL('./analysis_worker.mjs', import.meta.url)) {
    this.url = url;
    this.worker = null;
    this.pending = null;   // {id, resolve, reject, onProgress}
    this.nextId = 1;
  }

  #start() {
    const worker = new Worker(this.url, { type: 'module', name: 'vitopo-analysis' });
    worker.onmessage = ({ data }) => {
      const job = this.pending;
      if (!job || data.id !== job.id) return;
      if (data.type === 'progress') job.onProgress?.(data.done, data.total);
      else if (data.type === 'result') { this.pending = null; job.resolve(data); }
      else if (data.type === 'error') { this.pending = null; job.reject(new Error(data.message)); }
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      this.#stop();
      this.pending?.reject(new Error(`The analysis worker failed: ${e.message ?? 'could not start'}`));
      this.pending = null;
    };
    return worker;
  }

  #stop() {
    this.worker?.terminate();
    this.worker = null;
  }

  get busy() {
    return this.pending !== null;
  }

  // Analyses every head. Resolves to {json: string, seconds} (vitopo.analysis/1);
  // rejects with Cancelled when cancel() is called or another analysis starts,
  // and with Error(core's message) for bad settings or a bad tensor.
  analyse(attention, settings, onProgress) {
    this.cancel();
    this.worker ??= this.#start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      // The tensor is copied, not transferred: the page keeps its own for attention().
      this.worker.postMessage({ type: 'analyse', id, shape: attention.shape, data: attention.data, settings });
    });
  }

  cancel() {
    if (!this.pending) return false;
    const job = this.pending;
    this.pending = null;
    this.#stop();
    job.reject(new Cancelled());
    return true;
  }
}
