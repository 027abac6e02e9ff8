// The page's workspace: every analysis it holds, side by side (image A,
// image B, the frames of a series), one of them current. An entry is
// complete and never changes: the image's name, the model input, the
// attention, the core's analysis record (bytes), the prediction and the
// model's fingerprint. Its analysis JSON is made from the record once, when
// the page API first asks for it.
//
// Memory is bounded: adding an entry past the byte budget evicts the oldest
// entries that are not current, and add() returns them so the page can say so.

export const DEFAULT_BUDGET = 768 * 1024 * 1024;

// What an entry holds in memory.
export function entryBytes(entry) {
  const size = (a) => a?.byteLength ?? 0;
  return size(entry.attention?.data) + size(entry.analysisBytes) + size(entry.input?.pixels) +
    size(entry.image?.display?.rgba) + size(entry.prediction?.probabilities) * 8 +
    size(entry.input?.quantised?.codes) + size(entry.input?.quantised?.deflated);  // a version 2 share link's
}

export class Workspace {
  constructor({ budget = DEFAULT_BUDGET } = {}) {
    this.budget = budget;
    this.entries = [];     // oldest first
    this.currentId = 0;
    this.bId = 0;          // image B, compared with the current image; 0 when none
    this.nextId = 1;
  }

  get current() {
    return this.find(this.currentId);
  }

  get imageB() {
    return this.find(this.bId);
  }

  find(id) {
    return this.entries.find((e) => e.id === id) ?? null;
  }

  bytes() {
    return this.entries.reduce((sum, e) => sum + entryBytes(e), 0);
  }

  // Adds an entry (given an id here), makes it current (or image B, with
  // `asB`), and returns the entries evicted to stay within the budget, oldest
  // first. The new entry, the current one and image B are never evicted, even
  // when they alone are over the budget.
  add(entry, { asB = false } = {}) {
    entry.id = this.nextId++;
    this.entries.push(entry);
    if (asB) this.bId = entry.id;
    else this.currentId = entry.id;
    const evicted = [];
    while (this.bytes() > this.budget) {
      const index = this.entries.findIndex((e) => e.id !== this.currentId && e.id !== this.bId);
      if (index < 0) break;
      evicted.push(...this.entries.splice(index, 1));
    }
    return evicted;
  }

  // Takes back the last add(): its entry goes, the entries it evicted come
  // back as they were, and the entry current before it is current again.
  undoAdd(entry, evicted, previousId, previousB = this.bId === entry.id ? 0 : this.bId) {
    this.entries = this.entries.filter((e) => e !== entry);
    this.entries.unshift(...evicted);
    this.entries.sort((a, b) => a.id - b.id);
    this.currentId = this.find(previousId) ? previousId : (this.entries.at(-1)?.id ?? 0);
    this.bId = this.find(previousB) ? previousB : 0;
  }

  // Image B becomes current and the current image B.
  swap() {
    if (!this.imageB || !this.current) return false;
    [this.currentId, this.bId] = [this.bId, this.currentId];
    return true;
  }

  remove(id) {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return null;
    const [entry] = this.entries.splice(index, 1);
    if (this.bId === id) this.bId = 0;
    if (this.currentId === id) this.currentId = this.entries.filter((e) => e.id !== this.bId).at(-1)?.id ?? 0;
    return entry;
  }

  makeCurrent(id) {
    if (!this.find(id)) return false;
    if (this.bId === id) this.bId = 0;
    this.currentId = id;
    return true;
  }

  // The page API's view of it: vitopo.workspace().
  list() {
    return this.entries.map((e) => ({
      id: e.id,
      name: e.name,
      model: e.model.fingerprint,
      layers: e.attention.shape[0],
      heads: e.attention.shape[1],
      tokens: e.attention.shape[2],
      current: e.id === this.currentId,
      imageB: e.id === this.bId,
    }));
  }
}
