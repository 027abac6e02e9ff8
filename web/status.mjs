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

  fail(text) {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  clearError() {
    this.error.textContent = '';
    this.error.hidden = true;
  }

  // done/total `unit`s (heads, pairs); `stage` names what runs. null hides the bar.
  working(stage, done = 0, total = 0, unit = 'heads') {
    if (stage === null) {
      this.progress.hidden = true;
      this.cancel.hidden = true;
      return;
    }
    this.progress.hidden = false;
    this.cancel.hidden = false;
    this.progress.max = Math.max(1, total);
    if (total > 0) this.progress.value = done; else this.progress.removeAttribute('value');
    this.message.textContent = total > 0 ? `${stage}: ${done} / ${total} ${unit}` : `${stage}…`;
  }
}
