// The guided tour: ten steps from patches to lesson links, each with a title,
// a few plain sentences, the panel it highlights and the state it sets
// (sample, arrangement, layer, head, ε, bar), some with a "now you try" that
// completes when the user does it. The card and the highlight are page DOM
// over the canvas, so they scale with the page's text and read on a projector.
// It opens from the Tour button, moves with ← and →, and closes with Esc or ×.

// How a step picks its bar and ε from the analysis of the current head.
const finite = (diagram) => diagram.map(([b, d], index) => ({ b, d, index })).filter((p) => p.d !== null && p.d > p.b);
const longestH1 = (head) => finite(head.diagrams[1] ?? []).sort((p, q) => (q.d - q.b) - (p.d - p.b))[0] ?? null;
const medianH0 = (head) => {
  const deaths = finite(head.diagrams[0]).map((p) => p.d).sort((a, b) => a - b);
  return deaths.length ? deaths[Math.floor(deaths.length / 2)] : 0;
};

export const GLOSSARY = {
  component: 'A group of tokens joined to each other by edges of the skeleton. H0 counts them.',
  loop: 'A ring of edges around a hole that no triangle fills yet. H1 counts them.',
  birth: 'The scale ε at which a component or loop appears.',
  death: 'The scale ε at which it disappears: a component merges into an older one, a loop is filled in.',
  persistence: 'Death minus birth: how long a feature lives. Long bars are robust features; short ones are noise.',
  'ε': 'The scale: two tokens are joined when their distance is at most ε.',
  'Jensen–Shannon distance': 'A distance between two probability distributions: 0 when they are equal, at most √ln 2 ≈ 0.83.',
  head: 'One of the attention mechanisms of a layer; each head has its own attention, distances and topology.',
  layer: 'One block of the transformer. Each layer has several heads, and feeds the next layer.',
  CLS: 'The extra token that sees every patch; the model reads its prediction from it.',
};

// {id, title, text, panel, try?, set(api, analysis) → selection patch and arrangement}
export const STEPS = [
  { id: 'patches', title: 'What the ViT sees', panel: 'image', arrange: 'head',
    text: 'The model cuts the image into a grid of square patches. Each patch becomes a token, a list of numbers the transformer works on. One extra token, CLS, looks at every patch; the model reads its prediction from it.',
    select: () => ({ layer: 0, head: 0 }) },
  { id: 'attention-row', title: 'One token’s attention', panel: 'image', arrange: 'head',
    text: 'In each layer, every head lets each token look at all the others. A token’s attention row gives every token a weight; the weights are positive and add up to 1, so the row is a probability distribution. Hover a patch to see its row as a heatmap over the image.',
    select: () => ({ layer: 0, head: 0 }) },
  { id: 'js-distance', title: 'How far apart two tokens are', panel: 'distance-matrix', arrange: 'head',
    text: 'Two tokens are close when they attend in the same way. vitopo measures this with the Jensen–Shannon distance between their attention rows: 0 for identical rows, at most √ln 2 ≈ 0.83 for rows with nothing in common. Hover a cell of the matrix to read one pair.',
    select: () => ({}) },
  { id: 'distance-matrix', title: 'The distance matrix', panel: 'distance-matrix', arrange: 'head',
    text: 'Every pair of tokens gets a distance, so the matrix has a row and a column per token; dark cells are close pairs. This matrix is everything the topology sees: the image itself is gone.',
    select: () => ({}) },
  { id: 'epsilon', title: 'The scale ε and the 1-skeleton', panel: 'skeleton', arrange: 'head',
    text: 'Pick a scale ε and join every two tokens whose distance is at most ε: that graph is the 1-skeleton. At a small ε the tokens stand alone; at a large ε everything is joined.',
    try: { text: 'Now you try: drag the ε slider under the skeleton.', done: (s, start) => Math.abs(s.epsilon - start.epsilon) > 1e-9 },
    select: (head) => ({ epsilon: medianH0(head) * 0.5 }) },
  { id: 'components', title: 'Components merging (H0)', panel: 'barcode', arrange: 'head',
    text: 'Tokens joined to each other form a component. As ε grows, components merge, and each merge ends an H0 bar. The number of H0 bars alive at ε is β0, the number of components: here about half of the merges have happened.',
    select: (head) => ({ epsilon: medianH0(head) }) },
  { id: 'loop', title: 'A loop is born and filled in (H1)', panel: 'skeleton', arrange: 'head',
    text: 'Sometimes the edges close a ring before anything fills its inside: a loop, an H1 class. Its bar starts at the ε where the ring closes and ends when triangles fill it in. In the skeleton the shaded triangles are those at ε, and the loop turns from pink (alive) to grey once they cover it.',
    try: { text: 'Now you try: drag ε past the end of the selected bar, and watch the loop fill in.', done: (s, start, bar) => bar && s.epsilon >= bar.d },
    select: (head) => {
      const bar = longestH1(head);
      return bar ? { bar: { dim: 1, index: bar.index }, epsilon: (bar.b + bar.d) / 2 } : {};
    } },
  { id: 'barcode-diagram', title: 'Barcode and persistence diagram', panel: 'diagram', arrange: 'head',
    text: 'The barcode draws every class as a bar from its birth to its death; the persistence diagram draws the same classes as points (birth, death). Points far above the diagonal live long: they are the robust features. Points near it are noise.',
    select: () => ({}) },
  { id: 'compare', title: 'Heads and layers compared', panel: 'distance-map', arrange: 'compare',
    text: 'Every head has its own diagram. The bottleneck distance between two diagrams is the largest move needed to match their points, a point being allowed to go to the diagonal. The map shows it for every pair of heads of a layer; click a cell to see the matching.',
    select: () => ({}) },
  { id: 'lesson-link', title: 'Making a lesson link', panel: 'status', arrange: 'head',
    text: '“Copy link” puts the whole analysis in a link: the image, the settings, the head, ε and the selected bar. A lesson link also opens the tour at a step, with the panels you choose hidden, so students can do an exercise.',
    select: () => ({}) },
];

export class Tour {
  constructor({ api, root = document, lessons }) {
    this.api = api;
    this.root = root;
    this.lessons = lessons;   // {copy(step, hidden)}: makes a lesson link
    this.current = -1;        // -1: closed
    this.started = null;      // the selection when the step was shown (for "now you try")
    this.bar = null;          // the step's bar {b, d, index}
    this.card = null;
    this.highlight = null;
    this.timer = 0;
  }

  // {steps: [{id, title, text, panel}], current}
  describe() {
    return { steps: STEPS.map(({ id, title, text, panel }) => ({ id, title, text, panel })), current: this.current };
  }

  // Shows step i and sets its state. Resolves once the state is set.
  async go(i) {
    if (!Number.isInteger(i) || i < 0 || i >= STEPS.length)
      throw new Error(`The tour has steps 0 to ${STEPS.length - 1}, not ${JSON.stringify(i)}.`);
    const step = STEPS[i];
    const api = this.api;
    if (!api.analysis()) await api.ready;
    api.arrange(step.arrange);
    const analysis = api.analysis();
    const now = api.selection();
    const head = analysis.heads.find((h) => h.layer === now.layer && h.head === now.head) ?? analysis.heads[0];
    const patch = step.select(head);
    const layer = patch.layer ?? head.layer, headIndex = patch.head ?? head.head;
    const target = analysis.heads.find((h) => h.layer === layer && h.head === headIndex) ?? head;
    const full = step.select(target);
    api.select({ layer, head: headIndex, bar: full.bar ?? null, ...(full.epsilon !== undefined ? { epsilon: full.epsilon } : {}) });
    this.bar = full.bar ? finite(target.diagrams[1]).find((p) => p.index === full.bar.index) : null;
    this.current = i;
    this.started = api.selection();
    this.#render();
    return this.describe();
  }

  close() {
    this.current = -1;
    clearInterval(this.timer);
    this.timer = 0;
    this.card?.remove();
    this.highlight?.remove();
    this.card = this.highlight = null;
  }

  get open() {
    return this.current >= 0;
  }

  // The card as a panel of the canvas ({id: 'tour', ...}), or null when closed.
  panel(canvas) {
    if (!this.card) return null;
    const c = canvas.getBoundingClientRect(), r = this.card.getBoundingClientRect();
    return { id: 'tour', title: 'Tour', x: r.left - c.left, y: r.top - c.top, width: r.width, height: r.height };
  }

  // ← and → move through the steps while the tour is open; Esc closes it.
  keydown(e) {
    if (!this.open) return false;
    if (e.key === 'ArrowRight' && this.current + 1 < STEPS.length) this.go(this.current + 1).catch(() => {});
    else if (e.key === 'ArrowLeft' && this.current > 0) this.go(this.current - 1).catch(() => {});
    else if (e.key === 'Escape') this.close();
    else return false;
    e.preventDefault();
    return true;
  }

  #render() {
    const doc = this.root;
    const step = STEPS[this.current];
    if (!this.card) {
      this.card = doc.createElement('section');
      this.card.id = 'tour-card';
      this.card.setAttribute('role', 'dialog');
      this.card.setAttribute('aria-label', 'Guided tour');
      doc.body.append(this.card);
      this.highlight = doc.createElement('div');
      this.highlight.id = 'tour-highlight';
      doc.body.append(this.highlight);
    }
    const card = this.card;
    card.replaceChildren();
    const head = doc.createElement('div');
    head.className = 'tour-head';
    const title = doc.createElement('h2');
    title.textContent = `${this.current + 1} / ${STEPS.length} · ${step.title}`;
    const close = Object.assign(doc.createElement('button'), { type: 'button', textContent: '×', title: 'Close the tour (Esc)' });
    close.setAttribute('aria-label', 'Close the tour');
    close.addEventListener('click', () => this.close());
    head.append(title, close);
    const text = doc.createElement('p');
    text.append(...withGlossary(doc, step.text));
    card.append(head, text);
    if (step.try) {
      const task = doc.createElement('p');
      task.className = 'tour-try';
      task.textContent = step.try.text;
      card.append(task);
    }
    if (step.id === 'lesson-link' && this.lessons) card.append(this.#lessonForm(doc));
    const nav = doc.createElement('div');
    nav.className = 'tour-nav';
    const back = Object.assign(doc.createElement('button'), { type: 'button', textContent: '← Back', disabled: this.current === 0 });
    const next = Object.assign(doc.createElement('button'), { type: 'button', textContent: this.current + 1 < STEPS.length ? 'Next →' : 'Done' });
    back.addEventListener('click', () => this.go(this.current - 1).catch(() => {}));
    next.addEventListener('click', () => (this.current + 1 < STEPS.length ? this.go(this.current + 1).catch(() => {}) : this.close()));
    nav.append(back, next);
    card.append(nav);
    this.#place();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.#tick(), 250);
  }

  // A lesson link of this analysis: the tour step to open at, and the panels to hide.
  #lessonForm(doc) {
    const form = doc.createElement('fieldset');
    form.className = 'tour-lesson';
    const legend = doc.createElement('legend');
    legend.textContent = 'Lesson link: hide these panels';
    form.append(legend);
    for (const id of ['barcode', 'diagram', 'skeleton', 'distance-matrix', 'head-grid', 'settings']) {
      const label = doc.createElement('label');
      const box = Object.assign(doc.createElement('input'), { type: 'checkbox', value: id });
      label.append(box, ` ${id}`);
      form.append(label);
    }
    const step = Object.assign(doc.createElement('input'), { type: 'number', min: 1, max: STEPS.length, value: 1 });
    step.setAttribute('aria-label', 'Tour step the lesson opens at');
    const copy = Object.assign(doc.createElement('button'), { type: 'button', textContent: 'Copy lesson link' });
    copy.addEventListener('click', () => {
      const hidden = [...form.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);
      this.lessons.copy(Number(step.value) - 1, hidden);
    });
    const at = doc.createElement('label');
    at.append('opens at step ', step);
    form.append(doc.createElement('br'), at, copy);
    return form;
  }

  #tick() {
    if (!this.open) return;
    this.#place();
    const step = STEPS[this.current];
    const task = this.card?.querySelector('.tour-try');
    const s = this.api.selection();
    if (task && s && step.try.done(s, this.started, this.bar) && !task.classList.contains('done')) {
      task.classList.add('done');
      task.textContent = '✓ ' + step.try.text.replace(/^Now you try: /, 'Done: ');
    }
  }

  // The highlight over the step's panel, and the card beside it.
  #place() {
    const canvas = this.root.getElementById('canvas');
    const step = STEPS[this.current];
    const panel = this.api.panels().find((p) => p.id === step.panel);
    const c = canvas.getBoundingClientRect();
    if (panel) {
      Object.assign(this.highlight.style, { display: 'block', left: `${c.left + panel.x}px`, top: `${c.top + panel.y}px`,
        width: `${panel.width}px`, height: `${panel.height}px` });
    } else {
      this.highlight.style.display = 'none';
    }
    // The card sits on the side of the canvas away from the panel.
    const right = !panel || panel.x + panel.width / 2 < c.width / 2;
    Object.assign(this.card.style, right ? { right: '16px', left: 'auto' } : { left: '16px', right: 'auto' });
  }
}

// The step's text with glossary terms marked: hovering one shows its definition.
function withGlossary(doc, text) {
  const terms = Object.keys(GLOSSARY).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'g');
  const seen = new Set();
  return text.split(pattern).map((part) => {
    if (!GLOSSARY[part] || seen.has(part)) return doc.createTextNode(part);
    seen.add(part);
    const term = doc.createElement('dfn');
    term.textContent = part;
    term.title = GLOSSARY[part];
    term.tabIndex = 0;
    return term;
  });
}
