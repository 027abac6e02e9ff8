// web/gallery.mjs: the gallery offers its samples only to a model they suit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gallery, noSamplesNote, samplesSuit } from '../../web/gallery.mjs';

const fmnist = { channels: 1, height: 28, width: 28 };  // web/samples/samples.json's "input"
const spec = (channels, height, width) => ({ input: { channels, height, width } });

test('Fashion-MNIST samples suit the default model and no RGB or other-sized one', () => {
  assert.equal(samplesSuit(fmnist, spec(1, 28, 28)), true);
  assert.equal(samplesSuit(fmnist, spec(3, 224, 224)), false);  // a ViT-B/16
  assert.equal(samplesSuit(fmnist, spec(3, 28, 28)), false);
  assert.equal(samplesSuit(fmnist, spec(1, 32, 32)), false);
  assert.equal(samplesSuit(null, spec(1, 28, 28)), false, 'a list that does not say what it suits is offered to none');
  assert.equal(samplesSuit(fmnist, null), false);
  assert.equal(noSamplesNote(fmnist, spec(3, 224, 224)),
    'No samples for RGB 224 × 224 (the samples are gray 28 × 28): drop, paste or pick an image.');
});

test('the gallery hides its buttons and says why for a model they do not suit, and shows them again', () => {
  const element = (tag) => ({ tag, hidden: false, textContent: '', children: [], append(c) { this.children.push(c); } });
  globalThis.document = { createElement: element };
  const root = element('div');
  const buttons = [element('button'), element('button')];
  const gallery = new Gallery(root, fmnist, buttons);
  assert.equal(gallery.showFor(spec(3, 224, 224)), false);
  assert.deepEqual(buttons.map((b) => b.hidden), [true, true]);
  assert.equal(gallery.note.hidden, false);
  assert.match(gallery.note.textContent, /^No samples for RGB 224 × 224/);
  assert.equal(gallery.showFor(spec(1, 28, 28)), true);
  assert.deepEqual(buttons.map((b) => b.hidden), [false, false]);
  assert.equal(gallery.note.hidden, true);
  delete globalThis.document;
});
