// The main-thread side of the analysis worker: hands it an attention tensor
// and settings, relays its progress, and cancels by terminating it. A fresh
// worker starts on the next request, which is cheaper and more robust than a
// cancel flag polled from the hot loop. A worker that dies (out of memory, a
// trap) is replaced the same way: the request fails with a sentence, and the
// page keeps what it had.

export class Cancelled extends Error {
  constructor() {
    super('The analysis was cancelled.');
    this.name = 'Cancelled';
  }
}

// What the page says when the worker itself failed, whatever the browser's words.
export const WORKER_FAILED = 'The analysis stopped: its worker ran out of memory or failed, and has been restarted. ' +
  'The previous analysis is still shown; try fewer dimensions (H0, H1) or a smaller threshold.';

export class AnalysisClient {
  constructor(url = new URL('./analysis_worker.mjs', import.meta.url), name = 'vitopo-analysis') {
    this.url = url;
    this.name = name;
    this.worker = null;
    this.pending = null;   // {id, resolve, reject, onProgress, onHeads}
    this.nextId = 1;
    this.restarts = 0;     // workers replaced after a failure
    this.threads = null;   // how many threads the last analysis ran on
  }

  #start() {
    const worker = new Worker(this.url, { type: 'module', name: this.name });
    worker.onmessage = ({ data }) => {
      const job = this.pending;
      if (!job || data.id !== job.id) return;
      if (data.type === 'progress') {
        job.onProgress?.(data.done, data.total);
      } else if (data.type === 'heads') {
        job.onHeads?.(data.bytes, data.count);
      } else if (data.type === 'result') {
        this.pending = null;
        this.threads = data.threads;
        job.resolve(data);
      } else if (data.type === 'error') {
        this.pending = null;
        if (data.fatal) this.#replace();
        job.reject(new Error(data.fatal ? WORKER_FAILED : data.message));
      }
    };
    const died = (e) => {
      e?.preventDefault?.();
      const job = this.pending;
      this.pending = null;
      this.#replace();
      job?.reject(new Error(WORKER_FAILED));
    };
    worker.onerror = died;
    worker.onmessageerror = died;
    return worker;
  }

  #stop() {
    this.worker?.terminate();
    this.worker = null;
  }

  #replace() {
    this.#stop();
    ++this.restarts;
  }

  get busy() {
    return this.pending !== null;
  }

  // Analyses every head. Resolves to {bytes: Uint8Array (the core's analysis
  // record), settings, heads, threads}; rejects with Cancelled when cancel()
  // is called or another analysis starts, and with Error(message) for bad
  // settings, a bad tensor or a failed worker. `onHeads(bytes, heads)`, when given,
  // gets the analysis as it streams (CoreModule.analyse), until it resolves.
  analyse(attention, settings, onProgress, onHeads) {
    // The tensor is copied, not transferred: the page keeps its own for attention().
    return this.#run({ type: 'analyse', shape: attention.shape, data: attention.data, settings, stream: !!onHeads },
      onProgress, onHeads);
  }

  // A comparison of analysis records (core.mjs compare): resolves to
  // {comparison}; like analyse(), it supersedes the request in flight.
  compare(a, b, request, onProgress) {
    return this.#run({ type: 'compare', a, b, request }, onProgress);
  }

  // Resolves to {steps}: the distance from each layer to the next.
  layerSteps(a, request, onProgress) {
    return this.#run({ type: 'layer-steps', a, request }, onProgress);
  }

  // Resolves to {matching}: {distance, pairs}.
  match(a, b, request) {
    return this.#run({ type: 'match', a, b, request });
  }

  #run(message, onProgress, onHeads) {
    this.cancel();
    this.worker ??= this.#start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress, onHeads };
      this.worker.postMessage({ ...message, id });
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
