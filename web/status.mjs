// The status area of the page: one line of status, one of error, a progress
// bar and the cancel button. Errors are DOM text so a user (and a test) can read
// them; they stay until the next successful action replaces them.

export class StatusArea {
  constructor(root) {
    this.message = root.querySelector('#status');
    this.error = root.querySelector('#error');
    this.progress = root.querySelector('#progress');
    this.cancel = root.querySelector('#cancel');
  }

  info(text) {
    this.message.textContent = text;
  }

  // A message of several lines (a model's contract problems, one per line)
  // is listed whole in a panel that can be closed; the error line says so.
  fail(text) {
    const lines = String(text).split('\n').map((l) => l.trim()).filter(Boolean);
    this.error.hidden = false;
    this.#closeProblems();
    if (lines.length <= 1) {
      this.error.textContent = text;
      this.error.title = text;
      return;
    }
    this.error.textContent = `${lines[0]} (${lines.length - 1} problems: see the list)`;
    this.error.title = text;
    const doc = this.error.ownerDocument;
    const panel = doc.createElement('section');
    panel.id = 'problems';
    panel.setAttribute('role', 'alertdialog');
    panel.setAttribute('aria-label', 'Every problem found');
    const list = doc.createElement('ul');
    for (const line of lines.slice(1)) list.append(Object.assign(doc.createElement('li'), { textContent: line }));
    const close = Object.assign(doc.createElement('button'), { type: 'button', textContent: 'Close' });
    close.addEventListener('click', () => this.#closeProblems());
    panel.append(Object.assign(doc.createElement('p'), { textContent: lines[0] }), list, close);
    doc.body.append(panel);
  }

  #closeProblems() {
    this.error.ownerDocument.getElementById('problems')?.remove();
  }

  clearError() {
    this.error.textContent = '';
    this.error.title = '';
    this.error.hidden = true;
    this.#closeProblems();
  }

  // The bar at done/total (a download's bytes; total 0 when unknown) and `text` as it is.
  workingOn(text, done, total) {
    this.progress.hidden = false;
    this.cancel.hidden = false;
    this.progress.max = Math.max(1, total);
    if (total > 0) this.progress.value = done; else this.progress.removeAttribute('value');
    this.message.textContent = text;
  }

  // done/total `unit`s (heads, pairs); `stage` names what runs. null hides the bar.
  working(stage, done = 0, total = 0, unit = 'heads') {
    if (stage === null) {
      this.progress.hidden = true;
      this.cancel.hidden = true;
      return;
    }
    this.workingOn(total > 0 ? `${stage}: ${done} / ${total} ${unit}` : `${stage}…`, done, total);
  }
}
