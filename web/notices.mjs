// Notices about what the page shows, in plain words: today, that an image is
// far from what the model knows (src/core/familiarity.hpp decides). Shown as a
// closable banner over the views and listed by vitopo.notices().

export class Notices {
  constructor({ core, root = document }) {
    this.core = core;
    this.root = root;
    this.list = [];   // [{kind, text}]
    this.banner = null;
  }

  // After a new current image: the notices for it.
  update(entry, spec) {
    this.list = [];
    if (entry && spec) {
      const f = this.core.familiarity(entry.input.pixels, entry.prediction.probabilities, spec.dataset, entry.image?.display?.rgba);
      if (f.far) this.list.push({ kind: 'out-of-distribution', text: outOfDistribution(f, entry, spec) });
    }
    this.#render();
    return this.list;
  }

  current() {
    return this.list.map((n) => ({ ...n }));
  }

  #render() {
    const doc = this.root;
    if (!this.list.length) {
      this.banner?.remove();
      this.banner = null;
      return;
    }
    if (!this.banner) {
      this.banner = doc.createElement('aside');
      this.banner.id = 'notice';
      this.banner.setAttribute('role', 'note');
      doc.body.append(this.banner);
    }
    const close = Object.assign(doc.createElement('button'), { type: 'button', textContent: '×', title: 'Close this notice' });
    close.setAttribute('aria-label', 'Close this notice');
    close.addEventListener('click', () => { this.banner?.remove(); this.banner = null; });
    const text = doc.createElement('p');
    text.textContent = this.list.map((n) => n.text).join(' ');
    this.banner.replaceChildren(text, close);
  }
}

function outOfDistribution(f, entry, spec) {
  const name = spec.name || 'The model';
  const labels = spec.labels ?? [];
  const classes = labels.length ? `It knows only ${labels.length} classes: ${labels.join(', ')}.` : '';
  const { channels, height, width } = spec.input;
  const seen = `It saw this image reduced to ${width} × ${height}${channels === 1 ? ' grayscale' : ''} (the image panel shows that input).`;
  const why = f.reasons.length ? ` (${f.reasons.join('; ')})` : '';
  return `This image looks far from what ${name} was trained on${spec.dataset ? ` (${spec.dataset})` : ''}${why}, ` +
    `so its prediction “${entry.prediction.label}” means little. ${classes} ${seen}`;
}
