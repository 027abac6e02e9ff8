// Series: the current image under a perturbation of growing strength, or the
// frames of a video or of several images, each analysed like an image of its
// own (model input → ONNX Runtime → analysis worker) and compared, head by
// head, in the comparison worker: a perturbed input with the unperturbed
// image, a frame with the frame before. vitopo.series() and vitopo.frame().
//
// Nothing of a series replaces the current image while it runs. Memory stays
// bounded: a frame keeps its model input, its analysis record (diagrams and
// summaries), its prediction and its distances; no attention tensor is kept
// (vitopo.frame(i) runs frame i's input through the model again to show it).
import { decodeImage, fetchBlob, InputError } from './image_input.mjs';
import { Cancelled } from './analysis_client.mjs';
import { FRAME_PART, SERIES_PART, linkBase } from './share_link.mjs';

export const SERIES_SCHEMA = 'vitopo.series/1';
export const PERTURBATIONS = ['noise', 'blur', 'brightness', 'contrast', 'rotation', 'shift', 'occlusion', 'adversarial'];
// What a series may hold: frames, and bytes of inputs and analysis records.
export const MAX_FRAMES = 2000;
export const SERIES_BUDGET = 256 * 1024 * 1024;
// The adversarial gradient: finite differences up to this many input values
// (the default model has 784), a seeded SPSA estimate up to the second limit.
export const MAX_FINITE_DIFFERENCES = 4096;
export const MAX_SPSA = 1 << 20;
const DIFFERENCE_STEP = 1e-3;
const SPSA_DIRECTIONS = 32;
const SPSA_STEP = 1e-2;
const BATCH = 64;

// splitmix64 (as src/core/perturbation.hpp), for SPSA's random directions.
function* splitmix64(seed) {
  const mask = (1n << 64n) - 1n;
  let state = BigInt(seed) & mask;
  for (;;) {
    state = (state + 0x9e3779b97f4a7c15n) & mask;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    yield z ^ (z >> 31n);
  }
}

// The model's loss on class `target`: −log softmax(logits)[target], per row of a batch.
export function losses(logits, classes, target) {
  const out = [];
  for (let row = 0; row * classes < logits.length; row++) {
    const z = logits.subarray(row * classes, (row + 1) * classes);
    let top = -Infinity;
    for (const v of z) top = Math.max(top, v);
    let sum = 0;
    for (const v of z) sum += Math.exp(v - top);
    out.push(Math.log(sum) + top - z[target]);
  }
  return out;
}

const isInteger = (v) => Number.isInteger(v) && v >= 0;

export class Series {
  constructor({ pipeline, comparisons, core }) {
    this.pipeline = pipeline;
    this.comparisons = comparisons;
    this.core = core;
    this.last = null;     // {kind, settings, model, frames: [{label, input, analysisBytes, ...}], shownId}
    this.runs = 0;
  }

  // vitopo.series(options): a perturbation series of the current image, or a
  // frame series of `frames` (Blobs or URLs, in name order) or of `video`.
  series(options) {
    return this.#shown(async () => this.#series(options));
  }

  // A refusal is shown in the page too, as every page API refusal is.
  #shown(body) {
    return body().catch((e) => {
      if (!(e instanceof Cancelled)) {
        this.pipeline.status.fail(e.message ?? String(e));
        this.pipeline.views.setStatus('', e.message ?? String(e));
      }
      throw e;
    });
  }

  #series(options) {
    if (options === null || typeof options !== 'object') throw new InputError('series takes {perturbation, strengths} or {frames} or {video}');
    const how = this.#distance(options);
    if (options.perturbation !== undefined) return this.#perturbations(options, how);
    if (options.frames !== undefined || options.video !== undefined) return this.#frames(options, how);
    return Promise.reject(new InputError('series needs a perturbation (with strengths), frames or a video'));
  }

  #distance({ dim = 1, distance = 'bottleneck', order = 1 }) {
    if (!isInteger(dim)) throw new InputError(`dim must be a dimension 0, 1 or 2, not ${JSON.stringify(dim)}`);
    return { by: 'image', dim, distance, order };
  }

  // A perturbed copy of `base` for one frame of the series.
  #perturbed(base, kind, strength, seed, gradient) {
    if (kind === 'adversarial') return this.core.perturb(base, { kind: 'sign-step', strength }, gradient);
    return this.core.perturb(base, { kind, strength, seed });
  }

  #perturbations(options, how) {
    const kind = options.perturbation;
    if (!PERTURBATIONS.includes(kind))
      return Promise.reject(new InputError(`unknown perturbation ${JSON.stringify(kind)}; choose ${PERTURBATIONS.join(', ')}`));
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) return Promise.reject(new InputError('a seed must be an integer from 0 to 2^53 − 1'));
    const strengths = options.strengths;
    if (kind !== 'occlusion' && (!Array.isArray(strengths) || strengths.length === 0 || !strengths.every(Number.isFinite)))
      return Promise.reject(new InputError(`a ${kind} series needs strengths: a list of finite numbers`));
    return this.pipeline.seriesRequest(async (run) => {
      const base = this.pipeline.current;
      if (!base) throw new InputError('Analyse an image first: a perturbation series perturbs the current image.');
      if (base.model.fingerprint !== run.model.fingerprint) throw new InputError('The current image was analysed with another model.');
      const spec = run.model.spec;
      let steps;
      if (kind === 'occlusion') {
        const rows = Math.floor(base.input.dims[2] / spec.patch), cols = Math.floor(base.input.dims[3] / spec.patch);
        steps = [];
        for (let row = 0; row < rows; row++) for (let col = 0; col < cols; col++) steps.push({ patch: [row, col] });
      } else {
        steps = strengths.map((strength) => ({ strength }));
      }
      this.#checkCount(steps.length);
      let gradient = null, method = null;
      if (kind === 'adversarial') ({ gradient, method } = await this.#gradient(run, base, seed));
      const target = base.prediction.index;
      const frames = await this.#run(run, steps, how, { against: () => base.analysisBytes, label: 'perturbing' },
        async (step) => {
          const input = step.patch
            ? this.core.perturb(base.input, { kind: 'occlusion', patch: spec.patch, row: step.patch[0], col: step.patch[1] })
            : this.#perturbed(base.input, kind, step.strength, seed, gradient);
          const name = step.patch ? `${base.name}, patch (${step.patch})` : `${base.name}, ${kind} ${step.strength}`;
          return { input, name };
        },
        (frame, analysed) => kind === 'adversarial' ? { loss: losses(analysed.logits, spec.labels.length, target)[0] } : {});
      const result = { schema: SERIES_SCHEMA, kind: 'perturbation', perturbation: kind, seed, dim: how.dim, distance: how.distance,
        order: how.order, ...(method ? { gradient: method, loss: losses(base.logits, spec.labels.length, target)[0] } : {}) };
      return this.#keep(result, frames, run);
    });
  }

  #frames(options, how) {
    return this.pipeline.seriesRequest(async (run) => {
      const images = options.video !== undefined ? await this.#videoFrames(options, run) : await this.#imageFrames(options.frames, run);
      this.#checkCount(images.length);
      const steps = images.map((image) => ({ image }));
      const frames = await this.#run(run, steps, how, { against: (k, done) => (k > 0 ? done[k - 1].analysisBytes : null), label: 'analysing frames' },
        async (step) => {
          const name = step.image.name;
          let input;
          try {
            input = this.core.preprocess(step.image, run.model.spec);
          } catch (e) {
            throw new InputError(`${step.image.name} cannot be prepared for the model: ${e.message}`);
          }
          step.image = null;  // the decoded pixels are not kept
          return { input, name };
        });
      return this.#keep({ schema: SERIES_SCHEMA, kind: 'frames', dim: how.dim, distance: how.distance, order: how.order }, frames, run);
    });
  }

  async #imageFrames(sources, run) {
    if (!Array.isArray(sources) || sources.length === 0) throw new InputError('frames must be a list of images (Blobs or URLs)');
    this.#checkCount(sources.length);
    const named = [];
    for (const [k, source] of sources.entries()) {
      const blob = typeof source === 'string' || source instanceof URL ? await fetchBlob(String(source)) : source;
      if (!(blob instanceof Blob)) throw new InputError(`frame ${k} is not an image: frames take Blobs, Files or URLs`);
      const name = blob.name || (typeof source === 'string' ? source.split('/').pop() : `frame ${k}`);
      named.push({ blob, name });
      run.check();
    }
    // In name order, as a folder lists them (numbers by value: frame2 before frame10).
    named.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    const images = [];
    for (const { blob, name } of named) {
      images.push({ ...(await decodeImage(blob, name)), name });
      run.check();
    }
    return images;
  }

  // A video decoded by the browser: seek to k / fps for k = 0, 1, … while
  // within the video and maxFrames, drawing each frame on a canvas.
  async #videoFrames({ video, fps = 10, maxFrames = 100 }, run) {
    if (!(video instanceof Blob)) throw new InputError('video must be a Blob or a File');
    if (!(fps > 0 && fps <= 120)) throw new InputError(`fps must be a number in (0, 120], not ${JSON.stringify(fps)}`);
    if (!isInteger(maxFrames) || maxFrames < 1 || maxFrames > MAX_FRAMES)
      throw new InputError(`maxFrames must be an integer from 1 to ${MAX_FRAMES}`);
    const url = URL.createObjectURL(video);
    const element = Object.assign(document.createElement('video'), { muted: true, preload: 'auto', src: url });
    const once = (event) => new Promise((resolve, reject) => {
      element.addEventListener(event, resolve, { once: true });
      element.addEventListener('error', () => reject(new InputError(`${video.name || 'The video'} could not be decoded by this browser.`)), { once: true });
    });
    try {
      await once('loadeddata');
      const duration = element.duration, width = element.videoWidth, height = element.videoHeight;
      if (!(width > 0 && height > 0) || !Number.isFinite(duration)) throw new InputError(`${video.name || 'The video'} has no frames this browser can show.`);
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      const count = Math.min(maxFrames, Math.max(1, Math.floor(duration * fps + 1e-6)));
      const frames = [];
      for (let k = 0; k < count; k++) {
        // The middle of the k-th interval: a seek to an exact frame boundary may land on either side.
        const time = Math.min((k + 0.5) / fps, duration);
        if (Math.abs(element.currentTime - time) > 1e-9) {
          const seeked = once('seeked');
          element.currentTime = time;
          await seeked;
        }
        run.check();
        context.drawImage(element, 0, 0, width, height);
        const data = context.getImageData(0, 0, width, height).data;
        frames.push({ rgba: data, width, height, name: `${video.name || 'video'} frame ${k}`, display: null });
        run.progress('decoding the video', k + 1, count);
      }
      return frames;
    } finally {
      element.removeAttribute('src');
      element.load();
      URL.revokeObjectURL(url);
    }
  }

  #checkCount(n) {
    if (n > MAX_FRAMES) throw new InputError(`A series of ${n} frames is more than the ${MAX_FRAMES} a series may hold.`);
  }

  // Every step: its input (make), analysed, then compared in the comparison
  // worker (queued, so the next analysis runs meanwhile) with `against`.
  async #run(run, steps, how, { against, label }, make, extra = () => ({})) {
    const id = ++this.runs;
    const frames = [], distances = [];
    const slots = [];
    let bytes = 0;
    try {
      for (const [k, step] of steps.entries()) {
        run.progress(label, k, steps.length);
        const { input, name } = await make(step);
        run.check();
        const analysed = await run.analyse(input);
        const frame = { ...('strength' in step ? { strength: step.strength } : {}), ...('patch' in step ? { patch: step.patch } : {}),
          name, input, analysisBytes: analysed.analysisBytes, heads: analysed.heads, seconds: analysed.seconds,
          prediction: { index: analysed.prediction.index, probability: analysed.prediction.probability },
          ...extra(step, analysed) };
        bytes += frame.input.pixels.byteLength + frame.analysisBytes.byteLength;
        // The whole series, estimated from the frames so far, must fit before more is made.
        if (bytes / (k + 1) * steps.length > SERIES_BUDGET)
          throw new InputError(`A series of ${steps.length} frames would hold about ${Math.round(bytes / (k + 1) * steps.length / 2 ** 20)} MiB, ` +
            `more than the ${SERIES_BUDGET / 2 ** 20} MiB a series may; use fewer frames (maxFrames) or strengths.`);
        frames.push(frame);
        const reference = against(k, frames);
        if (reference) {
          const slot = `series-${id}-${k}`;
          slots.push(slot);
          distances.push(this.comparisons.between(slot, reference, frame.analysisBytes, how));
        } else {
          distances.push(Promise.resolve(null));
        }
      }
      run.progress('comparing', steps.length, steps.length);
      const matrices = await Promise.all(distances);
      run.check();
      frames.forEach((f, k) => { f.distances = matrices[k]?.matrix ?? null; });
      return frames;
    } catch (e) {
      for (const slot of slots) this.comparisons.cancel(slot);
      throw e;
    }
  }

  // Keeps the series for vitopo.frame(); returns the page API's copy.
  #keep(result, frames, run) {
    // A perturbation series can be linked: the link of its image, and its request.
    const request = result.kind === 'perturbation' ? { perturbation: result.perturbation, seed: result.seed, dim: result.dim,
      distance: result.distance, order: result.order, ...(result.perturbation === 'occlusion' ? {} : { strengths: frames.map((f) => f.strength) }) } : null;
    const copy = { ...result, frames: frames.map((f) => this.#public(f, result.kind)) };
    this.last = { kind: result.kind, settings: JSON.stringify(run.settings), fingerprint: run.model.fingerprint, frames, shownId: 0, bId: 0,
      request, link: request ? this.pipeline.shareLinkFragment() : null, result: copy };
    this.pipeline.views.setSeries(copy);
    return copy;
  }

  #public(f, kind) {
    const prediction = { ...f.prediction };
    const distances = f.distances === null ? null : f.distances.map((row) => [...row]);
    if (kind === 'frames') return { name: f.name, prediction, distances };
    return { ...('patch' in f ? { patch: [...f.patch] } : { strength: f.strength }), prediction, distances, ...('loss' in f ? { loss: f.loss } : {}) };
  }

  // vitopo.frame(i): frame i of the last series becomes the current image.
  // Resolves to its analysis JSON.
  // With `asB`, it becomes image B instead (the views' right click).
  frame(i, { asB = false } = {}) {
    return this.#shown(() => this.#frame(i, asB));
  }

  async #frame(i, asB) {
    const series = this.last;
    if (!series) throw new InputError('There is no series: run vitopo.series() first.');
    if (!isInteger(i) || i >= series.frames.length)
      throw new InputError(`frame takes an index from 0 to ${series.frames.length - 1}, not ${JSON.stringify(i)}`);
    if (this.pipeline.model?.fingerprint !== series.fingerprint || JSON.stringify(this.pipeline.settings) !== series.settings)
      throw new InputError('The series was made with another model or other settings: run it again.');
    const f = series.frames[i];
    const { entry, analysis } = await this.pipeline.showFrame({ name: f.name, input: f.input, analysisBytes: f.analysisBytes,
      settings: JSON.parse(series.settings), heads: f.heads, seconds: f.seconds }, asB ? series.bId : series.shownId, { asB });
    if (asB) {
      series.bId = entry.id;
    } else {
      series.shownId = entry.id;
      series.shownFrame = i;
      this.pipeline.views.setSeriesFrame(i);
    }
    return analysis;
  }

  // The link of the frame the page shows, when it is a frame of the last
  // perturbation series: the series' link and "&frame=I", which reopens the
  // image, recomputes the series (bit for bit) and shows frame I. Null for
  // anything else.
  frameLink() {
    const series = this.last;
    if (!series?.request || !series.link || !series.shownId || this.pipeline.current?.id !== series.shownId) return null;
    return this.link() + FRAME_PART + series.shownFrame;
  }

  // The last series' result (a copy), or null.
  lastSeries() {
    return this.last ? structuredClone(this.last.result) : null;
  }

  // The page's URL with the share link of the image a perturbation series
  // was made from and the series' request after "&series=" (base64url of its
  // JSON): opening it reopens the image and recomputes the series.
  link() {
    const series = this.last;
    if (!series) throw new InputError('There is no series to link: run vitopo.series() first.');
    if (!series.request)
      throw new InputError('A frame series cannot be linked: its frames are your own files, and a link carries one image. ' +
        'Export the series instead (the object vitopo.series() resolved to, as JSON).');
    if (!series.link) throw new InputError('The image of this series cannot be linked.');
    const bytes = new TextEncoder().encode(JSON.stringify(series.request));
    const text = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return linkBase() + series.link + SERIES_PART + text;
  }

  // Runs the series part of a link (base64url of a request's JSON).
  fromLink(text) {
    let request;
    try {
      const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
      request = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    } catch {
      return Promise.reject(new InputError("The link's series part is damaged: it is not the base64url of a series request."));
    }
    if (request === null || typeof request !== 'object' || request.perturbation === undefined)
      return Promise.reject(new InputError("The link's series part names no perturbation."));
    return this.series(request);
  }

  // The adversarial gradient of the loss on the model's own prediction at
  // the base input: forward (or, at the top of the range, backward)
  // differences in batches for a small input, a seeded SPSA estimate for a
  // larger one; refused beyond that.
  async #gradient(run, base, seed) {
    const [, c, h, w] = base.input.dims;
    const n = c * h * w, classes = run.model.spec.labels.length, target = base.prediction.index;
    if (n > MAX_SPSA)
      throw new InputError(`This model's input has ${n} values: too many for an adversarial gradient in the page ` +
        `(finite differences need a run per value up to ${MAX_FINITE_DIFFERENCES}, SPSA is used up to ${MAX_SPSA}).`);
    const x = base.input.pixels;
    const lossAt = async (batch, rows) => losses(await run.logits(batch, [rows, c, h, w]), classes, target);
    const [loss0] = await lossAt(x, 1);
    const gradient = new Float32Array(n);
    let rowsPerBatch = BATCH;
    const evaluate = async (rows, fill) => {
      // A model with a fixed batch of 1 takes the rows one at a time.
      const batch = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) fill(batch.subarray(r * n, (r + 1) * n), r);
      if (rowsPerBatch > 1) {
        try {
          return await lossAt(batch, rows);
        } catch {
          rowsPerBatch = 1;
        }
      }
      const out = [];
      for (let r = 0; r < rows; r++) out.push(...await lossAt(batch.subarray(r * n, (r + 1) * n), 1));
      return out;
    };
    if (n <= MAX_FINITE_DIFFERENCES) {
      for (let start = 0; start < n; start += BATCH) {
        const rows = Math.min(BATCH, n - start);
        const step = (k) => (x[k] + DIFFERENCE_STEP <= 1 ? DIFFERENCE_STEP : -DIFFERENCE_STEP);
        const l = await evaluate(rows, (row, r) => { row.set(x); row[start + r] += step(start + r); });
        for (let r = 0; r < rows; r++) gradient[start + r] = (l[r] - loss0) / step(start + r);
        run.check();
        run.progress('the adversarial gradient', start + rows, n);
      }
      return { gradient, method: 'finite-differences' };
    }
    const bits = splitmix64(seed);
    for (let d = 0; d < SPSA_DIRECTIONS; d++) {
      const delta = new Float32Array(n);
      for (let k = 0; k < n; k++) delta[k] = bits.next().value & 1n ? 1 : -1;
      const [plus, minus] = await evaluate(2, (row, r) => { for (let k = 0; k < n; k++) row[k] = x[k] + (r ? -SPSA_STEP : SPSA_STEP) * delta[k]; });
      const slope = (plus - minus) / (2 * SPSA_STEP);
      for (let k = 0; k < n; k++) gradient[k] += slope * delta[k] / SPSA_DIRECTIONS;
      run.check();
      run.progress('the adversarial gradient (SPSA)', d + 1, SPSA_DIRECTIONS);
    }
    return { gradient, method: 'spsa' };
  }
}
