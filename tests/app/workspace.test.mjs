// The page's workspace (web/workspace.mjs): entries side by side, one
// current, and a byte budget that lets the oldest go, never the current one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Workspace, entryBytes } from '../../web/workspace.mjs';

// An entry of `mib` MiB of attention (L = H = 1, T chosen to fit).
function entry(name, bytes) {
  const tokens = Math.round(Math.sqrt(bytes / 4));
  return {
    name, model: { fingerprint: 'ab'.repeat(16) },
    attention: { shape: [1, 1, tokens, tokens], data: new Float32Array(tokens * tokens) },
    analysisBytes: new Uint8Array(100), input: { pixels: new Float32Array(784), dims: [1, 1, 28, 28] },
    prediction: { probabilities: [0.5, 0.5] },
  };
}

test('entries are listed oldest first with their shape, the newest current', () => {
  const w = new Workspace();
  w.add(entry('a', 4000));
  w.add(entry('b', 4000));
  assert.deepEqual(w.list().map((e) => [e.name, e.current, e.layers, e.heads, e.tokens, e.model]),
    [['a', false, 1, 1, 32, 'ab'.repeat(16)], ['b', true, 1, 1, 32, 'ab'.repeat(16)]]);
  assert.equal(w.current.name, 'b');
  assert.ok(w.makeCurrent(w.list()[0].id));
  assert.equal(w.current.name, 'a');
});

test('past the budget the oldest entries that are not current go, and add() says which', () => {
  const one = entryBytes(entry('x', 1 << 20));
  const w = new Workspace({ budget: 3 * one });
  assert.deepEqual(w.add(entry('a', 1 << 20)), []);
  assert.deepEqual(w.add(entry('b', 1 << 20)), []);
  assert.deepEqual(w.add(entry('c', 1 << 20)), []);
  assert.deepEqual(w.add(entry('d', 1 << 20)).map((e) => e.name), ['a']);
  assert.deepEqual(w.list().map((e) => e.name), ['b', 'c', 'd']);
  assert.ok(w.bytes() <= w.budget);
  // A larger entry lets as many go as it needs, oldest first.
  const evicted = w.add(entry('e', 2 << 20));
  assert.deepEqual(evicted.map((e) => e.name), ['b', 'c']);
  assert.deepEqual(w.list().map((e) => e.name), ['d', 'e']);
});

test('an entry over the budget on its own is kept, alone', () => {
  const w = new Workspace({ budget: 1000 });
  w.add(entry('small', 400));
  const evicted = w.add(entry('huge', 1 << 20));
  assert.deepEqual(evicted.map((e) => e.name), ['small']);
  assert.deepEqual(w.list().map((e) => e.name), ['huge']);
});

test('removing the current entry makes the newest one current', () => {
  const w = new Workspace();
  w.add(entry('a', 400));
  w.add(entry('b', 400));
  const b = w.current.id;
  assert.equal(w.remove(b).name, 'b');
  assert.equal(w.current.name, 'a');
  assert.equal(w.remove(b), null);
});

test('undoAdd takes an entry back: what it evicted returns, the previous entry is current again', () => {
  const one = entryBytes(entry('x', 1 << 20));
  const w = new Workspace({ budget: 2 * one });
  w.add(entry('a', 1 << 20));
  w.add(entry('b', 1 << 20));
  const before = w.list();
  const previous = w.currentId;
  const c = entry('c', 1 << 20);
  const evicted = w.add(c);
  assert.deepEqual(evicted.map((e) => e.name), ['a']);
  w.undoAdd(c, evicted, previous);
  assert.deepEqual(w.list(), before);
});

test('image B is kept beside the current image, never evicted, and the two swap', () => {
  const one = entryBytes(entry('x', 1 << 20));
  const w = new Workspace({ budget: 2 * one });
  w.add(entry('a', 1 << 20));
  w.add(entry('b', 1 << 20), { asB: true });
  assert.equal(w.current.name, 'a');
  assert.equal(w.imageB.name, 'b');
  // A third image over the budget: neither A nor B goes, only older ones would.
  assert.deepEqual(w.add(entry('c', 1 << 20)).map((e) => e.name), ['a']);
  assert.equal(w.current.name, 'c');
  assert.equal(w.imageB.name, 'b');
  assert.deepEqual(w.list().map((e) => [e.name, e.current, e.imageB]), [['b', false, true], ['c', true, false]]);
  assert.ok(w.swap());
  assert.equal(w.current.name, 'b');
  assert.equal(w.imageB.name, 'c');
  // Removing B leaves no B; a refused add puts B back as it was.
  w.remove(w.imageB.id);
  assert.equal(w.imageB, null);
  const d = entry('d', 10);
  w.add(d, { asB: true });
  w.undoAdd(d, [], w.currentId, 0);
  assert.equal(w.imageB, null);
  assert.equal(w.current.name, 'b');
});
