// web/gallery.mjs: the gallery offers its samples only to a model they suit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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

// web/samples/photos.json's "input": RGB photos of any size.
const photos = JSON.parse(fs.readFileSync(new URL('../../web/samples/photos.json', import.meta.url), 'utf8')).input;
const model = (channels, height, width, background) => ({ input: { channels, height, width, background } });

test('the RGB photos suit the RGB models that take photos (background none), whatever their size, and no other', () => {
  assert.deepEqual(photos, { channels: 3, background: 'none' });
  assert.equal(samplesSuit(photos, model(3, 224, 224, 'none')), true);  // google/vit-base-patch16-224
  assert.equal(samplesSuit(photos, model(3, 384, 384, 'none')), true);
  assert.equal(samplesSuit(photos, model(3, 32, 32, 'light')), false, 'an RGB model that crops items from a plain background');
  assert.equal(samplesSuit(photos, model(1, 224, 224, 'none')), false, 'a gray model');
  assert.equal(samplesSuit(photos, model(1, 28, 28, 'dark')), false, 'the Fashion-MNIST model');
  // And the Fashion-MNIST samples suit none of the RGB models.
  for (const m of [model(3, 224, 224, 'none'), model(3, 28, 28, 'none'), model(3, 32, 32, 'light')]) {
    assert.equal(samplesSuit(fmnist, m), false);
  }
  assert.equal(samplesSuit(fmnist, model(1, 28, 28, 'dark')), true);
});

test('with both lists the gallery shows the one that suits the model, never the Fashion-MNIST samples to an RGB one', () => {
  const element = (tag) => ({ tag, hidden: false, textContent: '', children: [], append(c) { this.children.push(c); } });
  globalThis.document = { createElement: element };
  const gray = [element('button'), element('button')];
  const rgb = [element('button')];
  const gallery = new Gallery(element('div'), [{ input: fmnist, buttons: gray }, { input: photos, buttons: rgb }]);
  const hidden = () => [...gray, ...rgb].map((b) => b.hidden);
  assert.equal(gallery.showFor(model(3, 224, 224, 'none')), true);
  assert.equal(gallery.offered, 1);
  assert.deepEqual(hidden(), [true, true, false]);
  assert.equal(gallery.showFor(model(1, 28, 28, 'dark')), true);
  assert.equal(gallery.offered, 0);
  assert.deepEqual(hidden(), [false, false, true]);
  assert.equal(gallery.showFor(model(3, 32, 32, 'light')), false);
  assert.equal(gallery.offered, -1);
  assert.deepEqual(hidden(), [true, true, true]);
  assert.equal(gallery.note.textContent, 'No samples for RGB 32 × 32 (the samples are gray 28 × 28): drop, paste or pick an image.');
  delete globalThis.document;
});
