// Which samples the gallery offers: the model's own, when its metadata lists
// some ("samples", docs/contracts.md), else only those that suit it.
// samples.json says which models its samples suit ("input": {channels, height,
// width}); a model whose input differs (e.g. an RGB 224 × 224 ViT against the
// gray 28 × 28 Fashion-MNIST samples) is offered none, and the gallery says why.

//
// A list of photos of any size (photos.json: "input": {"channels": 3,
// "background": "none"}, no height or width) suits the models of those
// channels that take photos: background "none", whose preprocessing resizes
// (and crops) any image to their input. A model that crops items from a plain
// background ("dark", "light"), as the Fashion-MNIST one, is not offered them.

// True when a sample list's declared input is the model's. A list that declares
// none suits no model: that cannot be checked.
export function samplesSuit(samplesInput, spec) {
  if (!spec?.input) return false;
  if (!samplesInput) return false;
  if (samplesInput.height === undefined && samplesInput.width === undefined) {
    return samplesInput.background === 'none' && spec.input.background === 'none' &&
      samplesInput.channels === spec.input.channels;
  }
  return samplesInput.channels === spec.input.channels && samplesInput.height === spec.input.height &&
    samplesInput.width === spec.input.width;
}

// The sentence the gallery shows when it offers nothing to `spec`.
export function noSamplesNote(samplesInput, spec) {
  const want = spec?.input ? `${spec.input.channels === 3 ? 'RGB' : 'gray'} ${spec.input.width} × ${spec.input.height}` : 'this model';
  const have = samplesInput ? `${samplesInput.channels === 3 ? 'RGB' : 'gray'} ${samplesInput.width} × ${samplesInput.height}` : 'undeclared';
  return `No samples for ${want} (the samples are ${have}): drop, paste or pick an image.`;
}

// The gallery element's buttons, shown or hidden with the model. Either one
// list (samplesInput, buttons), or several: [{input, buttons}], of which the
// first that suits the model is shown (the note names the first list's input).
export class Gallery {
  constructor(element, samplesInput, buttons) {
    this.element = element;
    this.lists = Array.isArray(samplesInput) ? samplesInput : [{ input: samplesInput, buttons }];
    this.samplesInput = this.lists[0]?.input ?? null;
    this.buttons = this.lists.flatMap((list) => list.buttons);
    this.offered = -1;  // the index of the list shown, 'model' for the model's own, -1 for none
    this.own = [];      // the buttons of the model's own samples
    this.note = document.createElement('span');
    this.note.className = 'gallery-note';
    this.note.hidden = true;
    element.append(this.note);
  }

  // Shows the samples when they suit `spec`; returns whether some do. The
  // samples a model carries in its metadata (`own`, buttons of them), when it
  // has any, are offered instead of any list: `offered` is then 'model'.
  showFor(spec, own = []) {
    for (const button of this.own) button.remove();
    this.own = own;
    this.offered = own.length ? 'model' : this.lists.findIndex((list) => samplesSuit(list.input, spec));
    const suits = this.offered === 'model' || this.offered >= 0;
    this.lists.forEach((list, i) => { for (const button of list.buttons) button.hidden = i !== this.offered; });
    this.note.hidden = suits;
    this.note.textContent = suits ? '' : noSamplesNote(this.samplesInput, spec);
    return suits;
  }
}
