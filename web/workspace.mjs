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
    size(entry.image?.display?.rgba) + size(entry.prediction?.probabilities) * 8;
}

export class Workspace {
  constructor({ budget = DEFAULT_BUDGET } = {}) {
    this.budget = budget;
    this.entries = [];     // oldest first
    this.currentId = 0;
    this.nextId = 1;
  }

  get current() {
    return this.find(this.currentId);
  }

  find(id) {
    return this.entries.find((e) => e.id === id) ?? null;
  }

  bytes() {
    return this.entries.reduce((sum, e) => sum + entryBytes(e), 0);
  }

  // Adds an entry (given an id here), makes it current, and returns the
  // entries evicted to stay within the budget, oldest first. The new entry is
  // never evicted, even when it alone is over the budget.
  add(entry) {
    entry.id = this.nextId++;
    this.entries.push(entry);
    this.currentId = entry.id;
    const evicted = [];
    while (this.bytes() > this.budget) {
      const index = this.entries.findIndex((e) => e.id !== this.currentId);
      if (index < 0) break;
      evicted.push(...this.entries.splice(index, 1));
    }
    return evicted;
  }

  // Takes back the last add(): its entry goes, the entries it evicted come
  // back as they were, and the entry current before it is current again.
  undoAdd(entry, evicted, previousId) {
    this.entries = this.entries.filter((e) => e !== entry);
    this.entries.unshift(...evicted);
    this.entries.sort((a, b) => a.id - b.id);
    this.currentId = this.find(previousId) ? previousId : (this.entries.at(-1)?.id ?? 0);
  }

  remove(id) {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return null;
    const [entry] = this.entries.splice(index, 1);
    if (this.currentId === id) this.currentId = this.entries.at(-1)?.id ?? 0;
    return entry;
  }

  makeCurrent(id) {
    if (!this.find(id)) return false;
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
    }));
  }
}
