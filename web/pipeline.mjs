// The page's one-way data flow (docs/architecture.md):
//   image → model input (core) → ONNX Runtime (JS) → attention → analysis (worker) → workspace → views
// Each step validates before anything is replaced: a bad image, a broken
// model or bad settings leave the previous analysis, model and settings
// exactly as they were. Only a complete, successful run is committed, as a
// new workspace entry; the worker's analysis record reaches the views once.
// Meanwhile the views show the new image's heads as they finish
// (web/partial_results.mjs), dropped unless the run is committed.
import { decodeImage, fetchBlob, InputError } from './image_input.mjs';
import { ModelSession, predict } from './model_session.mjs';
import { Cancelled } from './analysis_client.mjs';
import { shareLinkError } from './share_link.mjs';
import { quantiseForLinks, readShareLink } from './share_link_v2.mjs';
import { Workspace } from './workspace.mjs';
import { megabytes } from './model_fetch.mjs';
import { PartialResults } from './partial_results.mjs';

export class Pipeline {
  constructor({ core, analysis, views, status, onModel = () => {} }) {
    this.core = core;          // CoreModule on the main thread
    this.analysis = analysis;  // AnalysisClient (the worker)
    this.views = views;        // AppBridge or NoViews
    this.status = status;      // StatusArea
    this.onModel = onModel;    // called with the spec and the model's own samples whenever the current model changes
    this.model = null;         // {session, spec, name, fingerprint}
    this.workspace = new Workspace();
    this.settings = core.defaultSettings();
    this.generation = 0;       // a newer request (or cancel) supersedes older ones
    this.running = 0;          // the generation of the request in flight, 0 when idle
    this.modelRuns = Promise.resolve();
    this.onCurrentChanged = null;  // (entry) after a new current image: the page's notices
    this.partial = new PartialResults(views);  // the new image's heads, shown as they finish
  }

  // Validates ONNX bytes against the contract and makes a session. Throws the
  // validator's message, unchanged, when the contract is broken.
  // `digest`: the bytes' SHA-256 when the reader computed it, else null.
  async #session(bytes, name, digest = null) {
    let spec, fingerprint, sha256;
    try {
      ({ spec, fingerprint, sha256 } = this.core.validateModel(bytes, digest));
    } catch (e) {
      throw new InputError(`${name}: ${e.message}`);  // the validator's message, as it is
    }
    // The images the model carries go to the gallery; the spec keeps their names and labels only.
    const samples = spec.samples ?? [];
    spec = { ...spec, samples: samples.map(({ name, label, type }) => ({ name, label, type })) };
    try {
      // The fingerprint names the model in share links.
      // The whole file's SHA-256 is recorded by the research export.
      return { session: await ModelSession.create(bytes, spec), spec, name, fingerprint, sha256, samples };
    } catch (e) {
      throw new InputError(`${name} passed the contract check but ONNX Runtime cannot load it: ${e.message}`);
    }
  }

  // ORT runs one inference at a time per session.
  #runModel(model, pixels, dims) {
    const run = this.modelRuns.then(() => model.session.run(pixels, dims));
    this.modelRuns = run.catch(() => {});
    return run;
  }

  #superseded(generation) {
    if (generation !== this.generation) throw new Cancelled();
  }

  // Runs the whole flow on a decoded image with a model and settings, and
  // returns the candidate result without committing it.
  // An image from a share link carries its model input: it goes to the model
  // as it is, without preprocessing.
  // With `stream`, the views show the heads as they finish.
  async #analyse(generation, model, image, settings, meta, { stream = false } = {}) {
    let input;
    if (image.modelInput) {
      input = image.modelInput;
      const [, c, h, w] = input.dims;
      const wanted = model.spec.input;
      if (c !== wanted.channels || h !== wanted.height || w !== wanted.width) {
        throw new InputError(`${image.name} is the input of another model (${c} × ${h} × ${w}); ${model.name} takes ` +
          `${wanted.channels} × ${wanted.height} × ${wanted.width}. Open an image file for it.`);
      }
    } else {
      try {
        input = this.core.preprocess(image, model.spec);
      } catch (e) {
        throw new InputError(`${image.name || 'The image'} cannot be prepared for the model: ${e.message}`);
      }
    }
    // A model with share links of version 2 takes its input quantised to 8 bits.
    input = await quantiseForLinks(this.core, input);
    this.#superseded(generation);
    this.#progress('running the model');
    const { logits, attention } = await this.#runModel(model, input.pixels, input.dims);
    this.#superseded(generation);
    const prediction = predict(logits, model.spec.labels);
    // The views know the grid of the model they show: a new model's heads wait for the commit.
    const onHeads = stream && model === this.model ? this.#stream(generation, model, { ...meta, image, input, attention, prediction }) : null;
    const result = await this.#analyseAttention(generation, attention, settings, onHeads);
    return { ...meta, image, input, logits, attention, prediction, ...result };
  }

  #stream(generation, model, entry) {
    return this.partial.stream({ ...entry, model: { fingerprint: model.fingerprint } }, () => generation === this.generation);
  }

  async #analyseAttention(generation, attention, settings, onHeads = null) {
    this.#superseded(generation);
    this.#progress('analysing heads', 0, attention.shape[0] * attention.shape[1]);
    const started = performance.now();
    const { bytes, settings: used, heads } = await this.analysis.analyse(attention, settings,
      (done, total) => generation === this.generation && this.#progress('analysing heads', done, total), onHeads);
    this.#superseded(generation);
    return { analysisBytes: bytes, settings: used, heads, seconds: (performance.now() - started) / 1000 };
  }

  #progress(stage, done = 0, total = 0) {
    this.status.working(stage, done, total);
    this.views.setProgress(true, done, total, stage);
  }

  // "loading NAME: 123 of 348 MB", or "loading NAME: 123 MB" without a total.
  #progressBytes(stage, done, total) {
    const text = total > 0 ? `${stage}: ${megabytes(done)} of ${megabytes(total)} MB` : `${stage}: ${megabytes(done)} MB`;
    this.status.workingOn(text, done, total);
    // The views count in whole kB (their counters are 32-bit).
    this.views.setProgress(true, Math.round(done / 1e3), Math.round(total / 1e3), `${stage}, kB`);
  }

  #idle() {
    this.status.working(null);
    this.views.setProgress(false, 0, 0, '');
  }

  // The committed analysis the views show, or null.
  get current() {
    return this.workspace.current;
  }

  // The analysis JSON (vitopo.analysis/1) of an entry, made from its record once.
  analysisOf(entry) {
    entry.analysisJson ??= JSON.parse(this.core.analysisJson(entry.analysisBytes));
    return entry.analysisJson;
  }

  // Image B, compared with the current image (vitopo.compare by image), or null.
  get imageB() {
    return this.workspace.imageB;
  }

  // Makes a complete result a workspace entry (replacing `replaces`, an
  // entry id, when given) and hands it to the views, once. With `asB` it
  // becomes image B rather than the current image.
  #commit(model, result, { replaces = 0, asB = false } = {}) {
    const modelChanged = this.model !== model;
    if (modelChanged) {
      this.views.setModel(model.spec);
      this.onModel(model.spec, model.samples);
    }
    const entry = {
      name: result.name, model: { fingerprint: model.fingerprint, name: this.#modelName(model) },
      sampleLabel: result.sampleLabel ?? -1, image: result.image, input: result.input, attention: result.attention,
      logits: result.logits, prediction: result.prediction, analysisBytes: result.analysisBytes, settings: result.settings,
    };
    // The views take the entry before they let go of anything: if they
    // refuse it, the workspace is as it was.
    const previous = this.workspace.currentId, previousB = this.workspace.bId;
    const replaced = replaces ? this.workspace.remove(replaces) : null;
    const evicted = this.workspace.add(entry, { asB });
    try {
      this.views.addEntry(entry, { asB });
      if (!asB) this.partial.committed();
    } catch (e) {
      this.workspace.undoAdd(entry, replaced ? [...evicted, replaced] : evicted, previous, previousB);
      throw new Error(`The views could not take the analysis of ${result.name}: ${e.message ?? e}`);
    }
    for (const old of evicted) this.views.removeEntry(old.id);
    if (replaced) this.views.removeEntry(replaced.id);
    if (modelChanged && this.model) this.model.session.release();
    this.model = model;
    this.settings = result.settings;
    const p = result.prediction;
    if (asB) {
      const message = `Image B, ${result.name}: ${p.label} (${(100 * p.probability).toFixed(1)}%), ${result.heads} heads analysed.`;
      this.status.info(message);
      this.views.setStatus(message, '');
      return entry;
    }
    const dropped = evicted.length ? ` To stay within memory, the workspace let go of ${evicted.map((e) => e.name).join(', ')}.` : '';
    const message = (modelChanged ? `Model ${model.name} loaded. ` : '') + `${result.name}: ${p.label} (${(100 * p.probability).toFixed(1)}%), ` +
      `${result.heads} heads analysed in ${result.seconds.toFixed(2)} s` +
      `${this.analysis.threads > 1 ? ` on ${this.analysis.threads} threads` : ''}.${dropped}`;
    this.status.clearError();
    this.status.info(message);
    this.views.setStatus(message, '');
    this.onCurrentChanged?.(entry);
    return entry;
  }

  // Runs `body` as the newest request. Errors are shown in the page and
  // rethrown; a superseded or cancelled request rejects with Cancelled.
  async #request(body) {
    const generation = ++this.generation;
    this.running = generation;
    this.partial.drop();  // an older request's heads are stale
    try {
      return await body(generation);
    } catch (e) {
      if (e instanceof Cancelled || generation !== this.generation) throw e instanceof Cancelled ? e : new Cancelled();
      const message = e.message ?? String(e);
      this.status.fail(message);
      this.status.info(this.current ? `Nothing changed: ${this.current.name} is still shown.` : 'Nothing is analysed yet.');
      this.views.setStatus('', message);
      throw e;
    } finally {
      if (generation === this.generation) {
        this.running = 0;
        this.partial.drop();  // a stream its request did not commit
        this.#idle();
      }
    }
  }

  // Loads the model at `bytes` (e.g. the default model at boot, or a user's ONNX
  // file). With an image already analysed, it is run through the new model
  // before anything is swapped.
  // `bytes` may also be a reader of them (web/model_fetch.mjs's modelReader),
  // which reports its byte progress here, can be cancelled, and gives
  // {bytes, sha256, verified}: `verified`, for a copy from the model cache, a
  // promise of whether its SHA-256 held, checked while the model is checked
  // here; a copy that fails is dropped and the model read again.
  loadModel(bytes, name) {
    return this.#request(async (generation) => {
      const reader = typeof bytes === 'function' ? bytes : null;
      let model;
      for (let reads = 1; ; ++reads) {
        let sha256 = null, verified = null;
        if (reader) {
          const stage = `loading ${name}`;
          this.#progress(stage);
          ({ bytes, sha256, verified } = await reader({
            progress: (done, total) => generation === this.generation && this.#progressBytes(stage, done, total),
            cancelled: () => generation !== this.generation,
          }));
          this.#superseded(generation);
        }
        performance.mark('vitopo:model-bytes');  // marks for bench/stream_bench.mjs
        this.#progress(`checking ${name}`);
        let error = null;
        model = await this.#session(bytes, name, sha256).catch((e) => { error = e; return null; });
        if (!verified || (await verified)) {
          if (error) throw error;  // a broken model, not a broken copy of it
          break;
        }
        model?.session.release();  // the broken copy is dropped: the next read fetches the model whole
        if (reads === 2) throw new InputError(`${name}: the browser's stored copy failed its SHA-256 check and could not be replaced; reload the page to fetch the model again.`);
      }
      performance.mark('vitopo:model-session');
      this.#superseded(generation);
      if (!this.current) {
        if (this.model) this.model.session.release();
        this.model = model;
        this.views.setModel(model.spec);
        this.onModel(model.spec, model.samples);
        this.status.clearError();
        this.status.info(`Model ${name} loaded.`);
        return model.spec;
      }
      const c = this.current;
      const image = c.image ?? { name: c.name, modelInput: c.input, display: null };
      const result = await this.#analyse(generation, model, image, this.settings,
        { name: c.name, sampleLabel: c.sampleLabel });
      const b = this.imageB;
      this.#commit(model, result);
      // Image B goes through the new model too, or goes if it cannot.
      if (b) await this.#reanalyseB(generation, model, b, this.settings, { rerun: true });
      return model.spec;
    });
  }

  // Loads an image (Blob, File or URL) and analyses it, titled `name`, else
  // the File's or URL's name, else "pasted image". Resolves to the analysis JSON.
  loadImage(source, { sampleLabel, name } = {}) {
    return this.#request(async (generation) => {
      if (!this.model) throw new InputError('No model is loaded yet.');
      this.#progress('decoding the image');
      const blob = typeof source === 'string' || source instanceof URL ? await fetchBlob(String(source)) : source;
      if (!(blob instanceof Blob)) throw new InputError('loadImage takes a Blob, a File or a URL.');
      const image = await decodeImage(blob, name || blob.name || 'pasted image');
      this.#superseded(generation);
      const model = this.model;
      const result = await this.#analyse(generation, model, image, this.settings, { name: image.name, sampleLabel },
        { stream: true });
      return this.analysisOf(this.#commit(model, result));
    });
  }

  // Re-analyses the current attention with `patch` applied to the settings.
  // Resolves to the new analysis; bad settings are refused with the core's message.
  reanalyse(patch) {
    return this.#request(async (generation) => {
      const settings = this.core.checkSettings({ ...this.settings, ...patch });
      const current = this.current;
      if (!current) {
        this.settings = settings;
        return null;
      }
      const onHeads = this.#stream(generation, this.model, { name: current.name, sampleLabel: current.sampleLabel,
        image: current.image, input: current.input, attention: current.attention, prediction: current.prediction });
      const result = { ...current, ...(await this.#analyseAttention(generation, current.attention, settings, onHeads)) };
      const b = this.imageB;
      const entry = this.#commit(this.model, result, { replaces: current.id });
      if (b) await this.#reanalyseB(generation, this.model, b, settings);
      return this.analysisOf(entry);
    });
  }

  // Image B with the current model and settings: its attention re-analysed,
  // or (`rerun`, a new model) its input run through the model again. If B's
  // input does not fit the model, B is let go and the status says why.
  async #reanalyseB(generation, model, b, settings, { rerun = false } = {}) {
    let result;
    try {
      result = rerun
        ? await this.#analyse(generation, model, b.image ?? { name: b.name, modelInput: b.input, display: null }, settings,
          { name: b.name, sampleLabel: b.sampleLabel })
        : { ...b, ...(await this.#analyseAttention(generation, b.attention, settings)) };
    } catch (e) {
      if (e instanceof Cancelled) throw e;
      this.workspace.remove(b.id);
      this.views.removeEntry(b.id);
      this.status.info(`Image B (${b.name}) was let go: ${e.message ?? e}`);
      return null;
    }
    return this.#commit(model, result, { replaces: b.id, asB: true });
  }

  // Loads an image as image B, analysed with the current model and settings
  // and kept beside the current image, which stays current. Resolves to B's entry.
  loadImageB(source, { sampleLabel, name } = {}) {
    return this.#request(async (generation) => {
      if (!this.model) throw new InputError('No model is loaded yet.');
      if (!this.current) throw new InputError('Analyse an image first: image B is compared with it.');
      this.#progress('decoding image B');
      const blob = typeof source === 'string' || source instanceof URL ? await fetchBlob(String(source)) : source;
      if (!(blob instanceof Blob)) throw new InputError('Image B must be a Blob, a File or a URL.');
      const image = await decodeImage(blob, name);
      this.#superseded(generation);
      const model = this.model;
      const result = await this.#analyse(generation, model, image, this.settings, { name: image.name || 'image B', sampleLabel });
      const old = this.imageB;
      return this.#commit(model, result, { replaces: old?.id ?? 0, asB: true });
    });
  }

  // Image B becomes the current image and the current image B. False when there is no B.
  swapImages() {
    if (!this.workspace.swap()) return false;
    this.views.swapImages();
    this.settings = this.current.settings;
    this.onCurrentChanged?.(this.current);
    return true;
  }

  // Opens a share link (#v1=…) made with the loaded model: its pixels go to the
  // model as they are, analysed with its settings; only once the link's head
  // and bar are found in that analysis is anything replaced, then the
  // selection and ε are restored. Resolves to {analysis, selection}. A bad
  // link rejects with the core's message (and its `kind`), the page as it was.
  openShareLink(link, { name: fallback = null } = {}) {
    return this.#request(async (generation) => {
      const model = this.model;
      if (!model) throw new InputError('No model is loaded yet.');
      const spec = model.spec;
      let shared;
      try {
        shared = await readShareLink(this.core, link, { fingerprint: model.fingerprint ?? '', name: this.#modelName(model),
          channels: spec.input.channels, height: spec.input.height, width: spec.input.width, layers: spec.layers, heads: spec.heads });
      } catch (e) {
        throw shareLinkError(e);
      }
      const settings = this.core.checkSettings(shared.settings);
      // The name the link carries; a link made before links carried one may
      // give it after its payload (fallback), else it is "Shared image".
      const name = shared.image.name || fallback || 'Shared image';
      const image = { name, modelInput: { pixels: shared.pixels, dims: shared.dims, quantised: shared.quantised ?? null }, display: null };
      const result = await this.#analyse(generation, model, image, settings, { name, sampleLabel: -1 }, { stream: true });
      try {
        this.core.checkSelection(result.analysisBytes, shared.selection);
      } catch (e) {
        throw shareLinkError(e, "The link's selection is not in its analysis: ");
      }
      const entry = this.#commit(model, result);
      this.views.select(shared.selection);
      return { analysis: this.analysisOf(entry), selection: shared.selection };
    });
  }

  // The version of the share links the current model makes (1 or 2), 0 with no model.
  shareLinkVersion() {
    const input = this.model?.spec.input;
    return input ? this.core.shareLinkVersion(input.channels, input.height, input.width) : 0;
  }

  // "#v1=…" for the current entry and the views' selection; null when
  // nothing is analysed. The core makes it: no views are needed.
  shareLinkFragment() {
    const entry = this.current;
    const selection = this.views.selection();
    if (!entry || !selection) return null;
    return this.core.shareLink(entry.model, entry.input, entry.analysisBytes, selection, entry.name ?? '');
  }

  // Series (web/series.mjs) run as the page's newest request, so that a new
  // image or a cancel stops them. `body` gets {model, settings, check(),
  // progress(stage, done, total), logits(pixels, dims), analyse(input)}:
  // check() throws Cancelled once superseded; logits() runs a batch through
  // the model for its logits alone; analyse() gives {logits, prediction,
  // analysisBytes, heads, seconds} of one model input, committing nothing.
  seriesRequest(body) {
    return this.#request(async (generation) => {
      const model = this.model;
      if (!model) throw new InputError('No model is loaded yet.');
      const settings = this.settings;
      const check = () => this.#superseded(generation);
      return body({
        model, settings, check,
        progress: (stage, done, total) => generation === this.generation && this.#progress(stage, done, total),
        logits: (pixels, dims) => {
          const run = this.modelRuns.then(() => model.session.logits(pixels, dims));
          this.modelRuns = run.catch(() => {});
          return run;
        },
        analyse: async (input) => {
          const { logits, attention } = await this.#runModel(model, input.pixels, input.dims);
          check();
          const started = performance.now();
          const { bytes, heads } = await this.analysis.analyse(attention, settings);
          check();
          return { logits, prediction: predict(logits, model.spec.labels), analysisBytes: bytes, heads,
            seconds: (performance.now() - started) / 1000 };
        },
      });
    });
  }

  // Makes a series frame ({name, input, analysisBytes, settings, heads,
  // seconds}) the current image: its input goes through the model again for
  // the attention, its analysis record is used as it is (image B instead,
  // with `asB`). It replaces the entry `replaces` (the series' previous
  // frame) when that is still held.
  showFrame(frame, replaces = 0, { asB = false } = {}) {
    return this.#request(async (generation) => {
      const model = this.model;
      if (!model) throw new InputError('No model is loaded yet.');
      const { logits, attention } = await this.#runModel(model, frame.input.pixels, frame.input.dims);
      this.#superseded(generation);
      const result = { ...frame, image: null, logits, attention, prediction: predict(logits, model.spec.labels), sampleLabel: -1 };
      const entry = this.#commit(model, result, { replaces: this.workspace.find(replaces) ? replaces : 0, asB });
      return { entry, analysis: this.analysisOf(entry) };
    });
  }

  #modelName(model) {
    return model.spec.name || model.name;
  }

  // Stops the running request at its next step (the worker is terminated at
  // once); the previous analysis stays. Returns whether anything was running.
  cancel() {
    if (!this.running) return false;
    this.running = 0;
    ++this.generation;
    this.analysis.cancel();
    this.partial.drop();
    this.#idle();
    this.status.info('Cancelled: the previous analysis is still shown.');
    this.views.setStatus('Cancelled: the previous analysis is still shown.', '');
    return true;
  }
}
