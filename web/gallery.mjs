// Which samples the gallery offers: only those that suit the current model.
// samples.json says which models its samples suit ("input": {channels, height,
// width}); a model whose input differs (e.g. an RGB 224 × 224 ViT against the
// gray 28 × 28 Fashion-MNIST samples) is offered none, and the gallery says why.

// True when a sample list's declared input is the model's. A list that declares
// none suits no model: that cannot be checked.
export function samplesSuit(samplesInput, spec) {
  if (!spec?.input) return false;
  if (!samplesInput) return false;
  return samplesInput.channels === spec.input.channels && samplesInput.height === spec.input.height &&
    samplesInput.width === spec.input.width;
}

// The sentence the gallery shows when it offers nothing to `spec`.
export function noSamplesNote(samplesInput, spec) {
  const want = spec?.input ? `${spec.input.channels === 3 ? 'RGB' : 'gray'} ${spec.input.width} × ${spec.input.height}` : 'this model';
  const have = samplesInput ? `${samplesInput.channels === 3 ? 'RGB' : 'gray'} ${samplesInput.width} × ${samplesInput.height}` : 'undeclared';
  return `No samples for ${want} (the samples are ${have}): drop, paste or pick an image.`;
}

// The gallery element's buttons, shown or hidden with the model.
export class Gallery {
  constructor(element, samplesInput, buttons) {
    this.element = element;
    this.samplesInput = samplesInput;
    this.buttons = buttons;
    this.note = document.createElement('span');
    this.note.className = 'gallery-note';
    this.note.hidden = true;
    element.append(this.note);
  }

  // Shows the samples when they suit `spec`; returns whether they do.
  showFor(spec) {
    const suits = samplesSuit(this.samplesInput, spec);
    for (const button of this.buttons) button.hidden = !suits;
    this.note.hidden = suits;
    this.note.textContent = suits ? '' : noSamplesNote(this.samplesInput, spec);
    return suits;
  }
}
