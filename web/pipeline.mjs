// The page's one-way data flow (docs/architecture.md):
//   image → model input (core) → ONNX Runtime (JS) → attention → analysis (worker) → views
// Each step validates before anything is replaced: a bad image, a broken
// model or bad settings leave the previous analysis, model and settings
// exactly as they were. Only a complete, successful run is committed.
import { decodeImage, fetchBlob, InputError } from './image_input.mjs';
import { ModelSession, predict } from './model_session.mjs';
import { Cancelled } from './analysis_client.mjs';
import { shareLinkError } from './share_link.mjs';

export class Pipeline {
  constructor({ core, analysis, views, status }) {
    this.core = core;          // CoreModule on the main thread
    this.analysis = analysis;  // AnalysisClient (the worker)
    this.views = views;        // AppBridge or NoViews
    this.status = status;      // StatusArea
    this.model = null;         // {session, spec, name}
    this.current = null;       // the committed result, see #commit
    this.settings = core.defaultSettings();
    this.generation = 0;       // a newer request (or cancel) supersedes older ones
    this.running = 0;          // the generation of the request in flight, 0 when idle
    this.modelRuns = Promise.resolve();
  }

  // Validates ONNX bytes against the contract and makes a session. Throws the
  // validator's message, unchanged, when the contract is broken.
  async #session(bytes, name) {
    let spec;
    try {
      spec = this.core.validateModel(bytes);
    } catch (e) {
      throw new InputError(`${name}: ${e.message}`);  // the validator's message, as it is
    }
    try {
      // The fingerprint names the model in share links (null without the views).
      return { session: await ModelSession.create(bytes, spec), spec, name, fingerprint: this.views.modelFingerprint(bytes) };
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
  async #analyse(generation, model, image, settings, meta) {
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
    this.#superseded(generation);
    this.#progress('running the model');
    const { logits, attention } = await this.#runModel(model, input.pixels, input.dims);
    this.#superseded(generation);
    const result = await this.#analyseAttention(generation, attention, settings);
    return { ...meta, image, input, logits, attention, prediction: predict(logits, model.spec.labels), ...result };
  }

  async #analyseAttention(generation, attention, settings) {
    this.#superseded(generation);
    this.#progress('analysing heads', 0, attention.shape[0] * attention.shape[1]);
    const started = performance.now();
    const { json } = await this.analysis.analyse(attention, settings,
      (done, total) => generation === this.generation && this.#progress('analysing heads', done, total));
    this.#superseded(generation);
    const parsed = JSON.parse(json);
    return { analysisText: json, analysis: parsed, settings: parsed.settings, seconds: (performance.now() - started) / 1000 };
  }

  #progress(stage, done = 0, total = 0) {
    this.status.working(stage, done, total);
    this.views.setProgress(true, done, total, stage);
  }

  #idle() {
    this.status.working(null);
    this.views.setProgress(false, 0, 0, '');
  }

  // Hands a complete result to the views, then makes it the page's state.
  #commit(model, result) {
    const modelChanged = this.model !== model;
    if (modelChanged) this.views.setModel(model.spec);
    if (modelChanged || result.image !== this.current?.image) {
      this.views.setImage({ name: result.name, pixels: result.input.pixels, dims: result.input.dims,
        original: result.image.display, sampleLabel: result.sampleLabel ?? -1 });
    }
    if (result.attention !== this.current?.attention) {
      this.views.setAttention(result.attention);
      this.views.setPrediction(result.prediction.probabilities);
    }
    this.views.setAnalysis(result.analysisText);
    if (modelChanged && this.model) this.model.session.release();
    this.model = model;
    this.current = result;
    this.settings = result.settings;
    const p = result.prediction;
    const message = (modelChanged ? `Model ${model.name} loaded. ` : '') + `${result.name}: ${p.label} (${(100 * p.probability).toFixed(1)}%), ` +
      `${result.analysis.heads.length} heads analysed in ${result.seconds.toFixed(2)} s`;
    this.status.clearError();
    this.status.info(message);
    this.views.setStatus(message, '');
  }

  // Runs `body` as the newest request. Errors are shown in the page and
  // rethrown; a superseded or cancelled request rejects with Cancelled.
  async #request(body) {
    const generation = ++this.generation;
    this.running = generation;
    try {
      return await body(generation);
    } catch (e) {
      if (e instanceof Cancelled || generation !== this.generation) throw e instanceof Cancelled ? e : new Cancelled();
      const message = e.message ?? String(e);
      this.status.fail(message);
      this.views.setStatus('', message);
      throw e;
    } finally {
      if (generation === this.generation) {
        this.running = 0;
        this.#idle();
      }
    }
  }

  // Loads the model at `bytes` (e.g. the default model at boot, or a user's ONNX
  // file). With an image already analysed, it is run through the new model
  // before anything is swapped.
  loadModel(bytes, name) {
    return this.#request(async (generation) => {
      this.#progress(`checking ${name}`);
      const model = await this.#session(bytes, name);
      this.#superseded(generation);
      if (!this.current) {
        if (this.model) this.model.session.release();
        this.model = model;
        this.views.setModel(model.spec);
        this.status.clearError();
        this.status.info(`Model ${name} loaded.`);
        return model.spec;
      }
      const c = this.current;
      const result = await this.#analyse(generation, model, c.image, this.settings,
        { name: c.name, sampleLabel: c.sampleLabel });
      this.#commit(model, result);
      return model.spec;
    });
  }

  // Loads an image (Blob, File or URL) and analyses it. Resolves to the analysis JSON.
  loadImage(source, { sampleLabel } = {}) {
    return this.#request(async (generation) => {
      if (!this.model) throw new InputError('No model is loaded yet.');
      this.#progress('decoding the image');
      const blob = typeof source === 'string' || source instanceof URL ? await fetchBlob(String(source)) : source;
      if (!(blob instanceof Blob)) throw new InputError('loadImage takes a Blob, a File or a URL.');
      const image = await decodeImage(blob);
      this.#superseded(generation);
      const model = this.model;
      const result = await this.#analyse(generation, model, image, this.settings, { name: image.name || 'image', sampleLabel });
      this.#commit(model, result);
      return result.analysis;
    });
  }

  // Re-analyses the current attention with `patch` applied to the settings.
  // Resolves to the new analysis; bad settings are refused with the core's message.
  reanalyse(patch) {
    return this.#request(async (generation) => {
      const settings = this.core.checkSettings({ ...this.settings, ...patch });
      if (!this.current) {
        this.settings = settings;
        this.views.setSettings(settings);
        return null;
      }
      const result = { ...this.current, ...(await this.#analyseAttention(generation, this.current.attention, settings)) };
      this.#commit(this.model, result);
      return result.analysis;
    });
  }

  // Opens a share link (#v1=…) made with the loaded model: its pixels go to the
  // model as they are, analysed with its settings; only once the link's head
  // and bar are found in that analysis is anything replaced, then the
  // selection and ε are restored. Resolves to {analysis, selection}. A bad
  // link rejects with the core's message (and its `kind`), the page as it was.
  openShareLink(link) {
    return this.#request(async (generation) => {
      const model = this.model;
      if (!model) throw new InputError('No model is loaded yet.');
      const spec = model.spec;
      let shared;
      try {
        shared = this.views.openShareLink(link, { fingerprint: model.fingerprint ?? '', name: this.#modelName(model),
          channels: spec.input.channels, height: spec.input.height, width: spec.input.width, layers: spec.layers, heads: spec.heads });
      } catch (e) {
        throw shareLinkError(e);
      }
      const settings = this.core.checkSettings(shared.settings);
      const image = { name: 'The shared image', modelInput: { pixels: shared.pixels, dims: shared.dims }, display: null };
      const result = await this.#analyse(generation, model, image, settings, { name: 'Shared link', sampleLabel: -1 });
      try {
        this.views.checkSelection(result.analysisText, shared.selection);
      } catch (e) {
        throw shareLinkError(e, "The link's selection is not in its analysis: ");
      }
      this.#commit(model, result);
      this.views.select(shared.selection);
      return { analysis: result.analysis, selection: shared.selection };
    });
  }

  // "#v1=…" for the committed image and settings and the views' selection;
  // null when nothing is analysed (or without the views).
  shareLinkFragment() {
    if (!this.current || !this.model?.fingerprint) return null;
    return this.views.shareLink({ fingerprint: this.model.fingerprint, name: this.#modelName(this.model) });
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
    this.#idle();
    this.status.info('Cancelled: the previous analysis is still shown.');
    this.views.setStatus('Cancelled: the previous analysis is still shown.', '');
    return true;
  }
}
