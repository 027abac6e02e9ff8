// Comparisons of analysed heads (src/core/comparison.hpp), off the UI thread
// in a worker of their own, so an analysis and a comparison never wait for
// each other. Requests run one after another; a newer request for the same
// slot (a view's, or one page API call) supersedes an older one: a queued one
// is dropped, a running one is cancelled by terminating the worker.
import { AnalysisClient, Cancelled } from './analysis_client.mjs';

export class Comparisons {
  constructor({ pipeline, status, client = new AnalysisClient(undefined, 'vitopo-comparison') }) {
    this.pipeline = pipeline;
    this.status = status;
    this.client = client;
    this.queue = [];       // [{slot, run, resolve, reject, onProgress}]
    this.running = null;
    this.calls = 0;        // page API calls, each its own slot
  }

  #enqueue(slot, run, onProgress) {
    for (const job of this.queue.filter((j) => j.slot === slot)) job.reject(new Cancelled());
    this.queue = this.queue.filter((j) => j.slot !== slot);
    if (this.running?.slot === slot) this.client.cancel();
    return new Promise((resolve, reject) => {
      this.queue.push({ slot, run, resolve, reject, onProgress });
      this.#pump();
    });
  }

  async #pump() {
    if (this.running || !this.queue.length) return;
    const job = this.running = this.queue.shift();
    try {
      job.resolve(await job.run(job.onProgress));
    } catch (e) {
      job.reject(e);
    } finally {
      this.running = null;
      this.#pump();
    }
  }

  // Cancels a slot's request, queued or running. True if there was one.
  cancel(slot) {
    const queued = this.queue.filter((j) => j.slot === slot);
    for (const job of queued) job.reject(new Cancelled());
    this.queue = this.queue.filter((j) => j.slot !== slot);
    const running = this.running?.slot === slot && this.client.cancel();
    return queued.length > 0 || running;
  }

  #current() {
    const a = this.pipeline.current;
    if (!a) throw new Error('Nothing is analysed yet.');
    return a;
  }

  #imageB() {
    const b = this.pipeline.imageB;
    if (!b) throw new Error("There is no image B: load one with vitopo.compare({by: 'image', image}) or the B slot.");
    return b;
  }

  // A page API call's request, with the page's status showing its progress.
  #call(what, run) {
    const slot = `api-${++this.calls}`;
    const progress = (done, total) => this.status.working(`comparing ${what}`, done, total, 'pairs of diagrams');
    return this.#enqueue(slot, run, progress).finally(() => {
      if (!this.pipeline.running) this.status.working(null);
    });
  }

  // vitopo.compare({by, layer, head, dim, distance, order, image}): the
  // vitopo.comparison/1 object. By image, `image` (a Blob or URL) is analysed
  // as image B first; without one, the loaded image B is used.
  async compare(options = {}) {
    if (options === null || typeof options !== 'object') throw new Error("compare takes {by: 'head' | 'layer' | 'image', ...}");
    const { by, dim = 1, distance = 'bottleneck', order = 1 } = options;
    if (by === 'image' && options.image != null) await this.pipeline.loadImageB(options.image);
    const a = this.#current();
    const b = by === 'image' ? this.#imageB() : null;
    const request = { by, dim, distance, order, layer: options.layer ?? this.pipeline.views.selection()?.layer ?? 0,
      head: options.head ?? null };
    const answer = await this.#call(`${by ?? ''}s`, (progress) =>
      this.client.compare(a.analysisBytes, b?.analysisBytes ?? null, request, progress));
    return answer.comparison;
  }

  // The distances between the same (layer, head) of two analysis records
  // (a series' frames), queued under `slot`: the vitopo.comparison/1 object.
  async between(slot, a, b, request) {
    return (await this.#enqueue(slot, (progress) => this.client.compare(a, b, request, progress))).comparison;
  }

  // vitopo.matching({a: {layer, head}, b: {layer, head, image: 'A' | 'B'}, dim, distance, order}):
  // {distance, pairs}, each pair [i, j] indexing the two heads' diagrams, -1 the diagonal.
  async matching(options = {}) {
    const { a, b, dim = 1, distance = 'bottleneck', order = 1 } = options ?? {};
    if (!a || !b || typeof a !== 'object' || typeof b !== 'object')
      throw new Error('matching takes {a: {layer, head}, b: {layer, head, image}}');
    if (b.image != null && b.image !== 'A' && b.image !== 'B')
      throw new Error(`b.image must be 'A' (the current image) or 'B', not ${JSON.stringify(b.image)}`);
    const first = this.#current();
    const second = b.image === 'B' ? this.#imageB() : first;
    const request = { a: { layer: a.layer, head: a.head }, b: { layer: b.layer, head: b.head }, dim, distance, order };
    const answer = await this.#call('diagrams', () => this.client.match(first.analysisBytes, second.analysisBytes, request));
    return answer.matching;
  }

  // A 'compare' intent of the views: {slot, key, request: {type, entryA,
  // entryB, ...}} with workspace entry ids. The answer goes back to the views.
  forViews({ slot, key, request }) {
    const views = this.pipeline.views;
    const find = (id) => (id ? this.pipeline.workspace.find(id) : null);
    const { type, entryA, entryB, ...rest } = request;
    const a = find(entryA), b = find(entryB);
    const run = {
      compare: (progress) => this.client.compare(a.analysisBytes, b?.analysisBytes ?? null, rest, progress),
      'layer-steps': (progress) => this.client.layerSteps(a.analysisBytes, rest, progress),
      match: () => this.client.match(a.analysisBytes, (b ?? a).analysisBytes, rest),
    }[type];
    if (!a || !run || (entryB && !b)) {
      views.setComparison(slot, key, null, !run ? `unknown comparison ${JSON.stringify(type)}` : 'That analysis is no longer in the workspace.');
      return;
    }
    this.#enqueue(`view-${slot}`, run, (done, total) => views.setComparisonProgress(slot, key, done, total)).then(
      (answer) => views.setComparison(slot, key, answer),
      (e) => views.setComparison(slot, key, null, e instanceof Cancelled ? 'Cancelled.' : (e.message ?? String(e))));
  }

  cancelForViews({ slot }) {
    this.cancel(`view-${slot}`);
  }
}
