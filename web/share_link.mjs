// Share links on the page (docs/contracts.md): the URL of what is shown,
// opening a URL's #v1=… (at boot and on hashchange), and the "Copy link"
// action. The encoding and every check are the core's (src/core/share_link.hpp),
// reached through the core module (src/app/worker/core_module.cpp), so links
// work without the views; the pipeline
// feeds a link's pixels to the model (Pipeline.openShareLink).
import { InputError } from './image_input.mjs';

// The error a page shows for a bad link: the core's message as a sentence,
// keeping its `kind` ("checksum", "truncated", "model", …) and, for a link made
// with another model, `needs` ({fingerprint, name} of that model).
export function shareLinkError(e, lead = '') {
  const text = String(e.message ?? e);
  const sentence = lead ? lead + text : text.charAt(0).toUpperCase() + text.slice(1);
  const hint = e.kind === 'model' ? '. Load that model with “Model…” and the link opens.' : '';
  return Object.assign(new InputError(sentence + hint), { kind: e.kind ?? 'other', needs: e.needs ?? null });
}

// The URL's share link, or null: any non-empty fragment is taken for one, so
// that a mangled link is reported rather than ignored.
export function linkInUrl() {
  return location.hash.length > 1 ? location.hash : null;
}

// The URL a link starts with: the page's own, unless the page names another in
// <meta name="vitopo-share-base"> (a static site built with --base-url).
export function linkBase() {
  const named = document.querySelector('meta[name="vitopo-share-base"]')?.content;
  return named || location.href.split('#')[0];
}

// The panels a lesson link may hide, by the ids vitopo.panels() gives.
export const HIDEABLE_PANELS = ['image', 'head-grid', 'settings', 'skeleton', 'barcode', 'diagram', 'distance-matrix'];

// What may follow a link's #v1=… payload: for a lesson "&lesson=STEP&hide=ID,ID"
// (a tour step from 0, and the panels to hide), for a series "&series=…"
// (web/series.mjs) and then maybe "&frame=I" (the frame to show), and in
// lesson links made before the record carried the image's name,
// "&name=NAME". Returns {link, lesson: {step, hide} | null, name | null,
// series | null, frame | null}; the payload alone goes to the core, so #v1=
// links open as before.
export function splitLesson(link) {
  const at = link.indexOf('&');
  if (at < 0) return { link, lesson: null, name: null, series: null, frame: null };
  const params = new URLSearchParams(link.slice(at + 1));
  const name = params.get('name');
  const series = params.get('series');
  let frame = null;
  if (params.has('frame')) {
    frame = Number(params.get('frame'));
    if (series === null || !/^\d+$/.test(params.get('frame')))
      throw new InputError(`The link's frame ${JSON.stringify(params.get('frame'))} is not a frame of a series it carries.`);
  }
  if (!params.has('lesson')) return { link: link.slice(0, at), lesson: null, name, series, frame };
  const step = Number(params.get('lesson') ?? 0);
  const hide = (params.get('hide') ?? '').split(',').filter(Boolean);
  const unknown = hide.filter((id) => !HIDEABLE_PANELS.includes(id));
  if (!Number.isInteger(step) || step < 0) throw new InputError(`The lesson link's step ${JSON.stringify(params.get('lesson'))} is not a tour step.`);
  if (unknown.length) throw new InputError(`The lesson link hides panels the page does not have: ${unknown.join(', ')} (it can hide ${HIDEABLE_PANELS.join(', ')}).`);
  return { link: link.slice(0, at), lesson: { step, hide }, name, series, frame };
}

// What follows a share link when it carries a series' parameters, and the frame shown.
export const SERIES_PART = '&series=';
export const FRAME_PART = '&frame=';

export class ShareLinks {
  constructor({ pipeline, status, views }) {
    this.pipeline = pipeline;
    this.status = status;
    this.views = views;
    this.pending = null;  // {link, fingerprint}: a link waiting for the model it was made with
    this.box = null;      // the text box that shows a link the clipboard refused
    this.openSeries = null;  // runs a link's series part (set by the page)
    this.openFrame = null;   // shows frame i of the series just run (set by the page)
    this.frameLink = null;   // the link of the series frame shown, or null (set by the page)
  }

  // The full URL of what the page shows, or null when nothing is analysed. A
  // frame of a perturbation series, for a model whose links quantise the
  // input (version 2), is linked by its series and its index: the frame's own
  // input, perturbed in float32, would make a version 1 link of megabytes.
  url() {
    const entry = this.pipeline.current;
    if (entry && !entry.input?.quantised && this.pipeline.shareLinkVersion() === 2) {
      const frame = this.frameLink?.();
      if (frame) return frame;
    }
    const fragment = this.pipeline.shareLinkFragment();
    return fragment ? linkBase() + fragment : null;
  }

  // A lesson link: the share link of what the page shows, opening at tour
  // step `step` with the panels `hide` hidden; null when nothing is analysed.
  lessonUrl(step, hide = []) {
    const url = this.url();
    if (!url) return null;
    const unknown = hide.filter((id) => !HIDEABLE_PANELS.includes(id));
    if (unknown.length) throw new InputError(`A lesson can hide ${HIDEABLE_PANELS.join(', ')}, not ${unknown.join(', ')}.`);
    return `${url}&lesson=${step}${hide.length ? `&hide=${hide.join(',')}` : ''}`;
  }

  // Opens a link (the pipeline shows any error, and keeps what the page had).
  // A link made with another model is kept until that model is loaded. What
  // follows the #v1=… payload (splitLesson) is applied once its image is open:
  // a lesson (its step and hidden panels), and a series part ("&series=",
  // web/series.mjs), which runs that series; `opened.series` is its result.
  async open(full) {
    let link, lesson, name, series, frame;
    try {
      ({ link, lesson, name, series, frame } = splitLesson(full));
    } catch (e) {
      this.showError(e);
      throw e;
    }
    try {
      const opened = await this.pipeline.openShareLink(link, name ? { name } : {});
      this.pending = null;
      if (lesson) await this.onLesson?.(lesson);
      else this.views.setHiddenPanels?.([]);
      if (series !== null && this.openSeries) opened.series = await this.openSeries(series);
      if (frame !== null && this.openFrame) {
        opened.analysis = await this.openFrame(frame);
        opened.frame = frame;
      }
      return lesson ? { ...opened, lesson } : opened;
    } catch (e) {
      if (e.kind === 'model' && e.needs) this.pending = { link: full, fingerprint: e.needs.fingerprint };
      throw e;
    }
  }

  // After a model is loaded: opens the link that was waiting for it, if any.
  async afterModelLoaded() {
    const pending = this.pending;
    if (!pending || pending.fingerprint !== this.pipeline.model?.fingerprint) return null;
    return this.open(pending.link);
  }

  // Shows `error` again (a later success, such as the fallback sample, clears errors).
  showError(error) {
    const message = error.message ?? String(error);
    this.status.fail(message);
    this.views.setStatus('', message);
  }

  // Copies the URL to the clipboard; if the browser refuses, shows it in a box
  // to copy by hand. Resolves to the URL (null when nothing is analysed).
  async copy() {
    return this.copyUrl(this.url(), 'Share link');
  }

  // Copies `url` (`what`: "Share link", "Lesson link") as copy() does.
  async copyUrl(url, what) {
    if (!url) {
      this.#say('Nothing to share yet: analyse an image first.');
      return null;
    }
    try {
      await navigator.clipboard.writeText(url);
      this.#say(`${what} copied to the clipboard (${url.length} characters).`);
    } catch {
      this.#showInBox(url);
      this.#say('The browser did not allow the clipboard: the link is selected in the box beside this message; copy it from there.');
    }
    return url;
  }

  #say(message) {
    this.status.info(message);
    this.views.setStatus(message, '');
  }

  #showInBox(url) {
    if (!this.box) {
      this.box = Object.assign(document.createElement('input'), { id: 'share-link', readOnly: true, title: 'share link' });
      this.box.style.cssText = 'flex: 0 1 28vw; min-width: 8em; font: inherit; background: #111; color: inherit; border: 1px solid #555;';
      this.box.addEventListener('blur', () => { this.box.hidden = true; });
      document.getElementById('state').after(this.box);
    }
    this.box.value = url;
    this.box.hidden = false;
    this.box.focus();
    this.box.select();
  }
}
