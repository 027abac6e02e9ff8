// The analysis of a new image as it streams in from the worker: the worker's
// records of finished heads reach the views as they come, and the page API
// says how far the last stream got (vitopo.partial()). One stream at a time,
// owned by the page's request in flight: a newer request, a cancel or a
// failure drops it (the views show the current entry again, as it was); the
// commit of the whole analysis replaces it. The analysis the page keeps is
// always the worker's final record, never these.

export class PartialResults {
  constructor(views) {
    this.views = views;
    this.last = null;  // {state, heads, total, times, live}
  }

  // Starts the stream of `entry` ({name, sampleLabel, model, image, input,
  // attention, prediction}) for a request that holds while `live()` is true.
  // Returns the worker's onHeads(bytes, heads).
  stream(entry, live) {
    this.drop();
    const [L, H] = entry.attention.shape;
    const record = {
      state: 'streaming', heads: 0, total: L * H, live, shown: false,
      times: { model: performance.now(), firstHead: null, done: null },
    };
    this.last = record;
    return (bytes, heads) => {
      if (this.last !== record || record.state !== 'streaming' || !live()) return;
      try {
        if (record.shown) this.views.addPartialHeads(bytes);
        else this.views.beginPartial({ ...entry, analysisBytes: bytes });
        record.shown = true;
      } catch (e) {
        // The views cannot show it: the whole analysis still comes at the end.
        console.warn(`vitopo: the views cannot show the heads as they finish: ${e.message ?? e}`);
        this.#end(record, 'dropped');
        return;
      }
      record.heads += heads;
      if (heads > 0) record.times.firstHead ??= performance.now();
    };
  }

  // The whole analysis replaced the stream (the views' addEntry did).
  committed() {
    const record = this.last;
    if (!record || record.state !== 'streaming') return;
    record.state = 'done';
    record.times.done = performance.now();
  }

  // Stops showing the stream, if one is shown.
  drop() {
    if (this.last?.state === 'streaming') this.#end(this.last, 'dropped');
  }

  #end(record, state) {
    record.state = state;
    if (record.shown) this.views.dropPartial();
  }

  // The last stream: {state: 'streaming' | 'done' | 'dropped', heads, total,
  // shown, drawnHeads, times: {model, firstHead, firstDrawn, done}} (times in
  // performance.now() milliseconds, null until they happen), or null.
  describe() {
    const record = this.last;
    if (!record) return null;
    const views = record.shown ? this.views.partial() : null;
    return {
      state: record.state, heads: record.heads, total: record.total,
      shown: !!views?.shown, drawnHeads: views?.drawnHeads ?? 0,
      times: { ...record.times, firstDrawn: views?.firstDrawnAt ?? null },
    };
  }
}
