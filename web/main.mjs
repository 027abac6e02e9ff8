// Boots the page: the core module, the views (app module), the analysis
// worker, the default model, then the share link in the URL if there is one,
// else the first sample, so the page opens with something already analysed.
import createVitopoCore from './vitopo_core.mjs';
import { CoreModule } from './core.mjs';
import { AnalysisClient } from './analysis_client.mjs';
import { Comparisons } from './comparisons.mjs';
import { Notices } from './notices.mjs';
import { Tour } from './tour.mjs';
import { Series } from './series.mjs';
import { AppBridge, NoViews, hasWebGL2 } from './app_bridge.mjs';
import { attachImageInputs, buildGallery, sampleButtons } from './image_input.mjs';
import { Gallery } from './gallery.mjs';
import { Pipeline } from './pipeline.mjs';
import { modelReader } from './model_fetch.mjs';
import { installPageApi } from './page_api.mjs';
import { ShareLinks, linkInUrl } from './share_link.mjs';
import { StatusArea } from './status.mjs';
import { attachExportMenu } from './export.mjs';

const DEFAULT_MODEL = 'models/vitopo-fmnist.onnx';
const SAMPLES = 'samples/samples.json';
const PHOTOS = 'samples/photos.json';

const status = new StatusArea(document);
let resolveReady, rejectReady;
const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
ready.catch(() => {});  // boot errors are shown in the page; callers of vitopo.ready see them too
window.vitopo = { ready };  // replaced by the whole API once the pipeline exists

// Views that fail must not take the page down: the page API and share links work without them.
async function startViews(core) {
  const canvas = document.getElementById('canvas');
  if (!hasWebGL2()) {
    status.fail('This browser has no WebGL2, so the views cannot be drawn. The analysis still runs: see vitopo.analysis().');
    return new NoViews(core);
  }
  try {
    return await AppBridge.load(canvas);
  } catch (e) {
    console.error(e);
    status.fail(`The views could not start: ${e.message ?? e}`);
    return new NoViews(core);
  }
}

// Turns the views' intents into actions, once per animation frame. Every
// intent the views can raise must have an action: a missing one stops the
// page from starting, and an unknown one at run time is reported, never
// dropped.
function pollIntents(pipeline, actions) {
  const missing = pipeline.views.pageIntents().filter((kind) => !(kind in actions));
  if (missing.length) throw new Error(`the page has no action for the views' intents ${missing.join(', ')}`);
  const frame = () => {
    try {
      for (const intent of pipeline.views.takeIntents()) {
        const action = actions[intent.kind];
        if (!action) throw new Error(`the views raised an intent the page does not know: ${JSON.stringify(intent.kind)}`);
        action(intent);
      }
    } catch (e) {
      console.error(e);
      status.fail(`Internal error: ${e.message ?? e}`);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

// The keyboard: ← and → move through an open tour's steps; on the views, once
// the canvas has focus (a click gives it), ← and → move ε and Space plays
// (the app's own keys, src/app/main.cpp); Tab and Shift+Tab leave it.
function installKeys({ tour, canvas }) {
  canvas.addEventListener('pointerdown', () => canvas.focus());
  // Tab leaves the canvas as it leaves any control: SDL would take it for the
  // app (and keep the keyboard in the canvas), so it never reaches SDL's
  // listener on the canvas, and the browser moves the focus.
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey && document.activeElement === canvas) e.stopImmediatePropagation();
  }, true);
  window.addEventListener('keydown', (e) => {
    if (document.activeElement !== canvas && tour.keydown(e)) return;
    if (document.activeElement === canvas && tour.open && e.key === 'Escape') tour.close();
  });
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// How a sample is loaded: its class, and for a model's own sample (a data:
// URL, which names nothing) its name as the image's title.
function sampleOptions(sample) {
  return { sampleLabel: sample.label ?? -1, ...(sample.title ? { name: sample.title } : {}) };
}

async function boot() {
  status.working('starting');
  const core = await CoreModule.instantiate(createVitopoCore);
  const views = await startViews(core);
  // The gallery offers its samples only to a model they suit (set once the list is read).
  let offerSamplesTo = () => {};
  const pipeline = new Pipeline({ core, analysis: new AnalysisClient(), views, status,
    onModel: (spec, own) => offerSamplesTo(spec, own) });
  const links = new ShareLinks({ pipeline, status, views });
  const comparisons = new Comparisons({ pipeline, status });
  const notices = new Notices({ core });
  pipeline.onCurrentChanged = (entry) => notices.update(entry, pipeline.model?.spec);
  const series = new Series({ pipeline, comparisons, core });
  links.openSeries = (text) => series.fromLink(text);
  links.openFrame = (i) => series.frame(i);
  links.frameLink = () => series.frameLink();
  const { api, attachTour } = installPageApi(pipeline, ready, links, comparisons, { notices, series });
  const tour = new Tour({ api, lessons: { copy: (step, hide) => links.copyUrl(links.lessonUrl(step, hide), 'Lesson link') } });
  attachTour(tour);
  links.onLesson = async ({ step, hide }) => {
    views.setHiddenPanels(hide);
    await tour.go(Math.min(step, tour.describe().steps.length - 1));
  };
  document.getElementById('tour').addEventListener('click', () => (tour.open ? tour.close() : tour.go(0).catch(() => {})));
  const scale = document.getElementById('ui-scale');
  scale.addEventListener('change', () => api.ui({ scale: Number(scale.value) }));
  installKeys({ tour, api, canvas: document.getElementById('canvas') });

  const quiet = (promise) => promise.catch(() => {});  // errors are already shown in the page
  const picker = document.getElementById('image-file');
  // A dropped .onnx file is a model; an image dropped on the B slot of the
  // views is image B; anything else is taken for the image.
  const open = (file, at) => quiet(/\.onnx$/i.test(file.name ?? '') ? window.vitopo.loadModel(file)
    : views.panelAt?.(at) === 'image-b' ? pipeline.loadImageB(file) : window.vitopo.loadImage(file));
  attachImageInputs({ picker, dropTarget: document.body, onFile: open });
  const modelPicker = document.getElementById('model-file');
  modelPicker.addEventListener('change', () => {
    const file = modelPicker.files?.[0];
    modelPicker.value = '';
    if (file) quiet(window.vitopo.loadModel(file));
  });
  document.getElementById('cancel').addEventListener('click', () => pipeline.cancel());
  attachExportMenu(document.getElementById('export-menu'), window.vitopo);

  const allSamples = await buildGallery(document.getElementById('gallery'), SAMPLES,
    (url, sample) => quiet(pipeline.loadImage(url, { sampleLabel: sample.label ?? -1 })));
  // RGB photos, for the RGB models that take photos (gallery.mjs); the page works without them.
  const photos = await buildGallery(document.getElementById('gallery'), PHOTOS,
    (url, sample) => quiet(pipeline.loadImage(url, { sampleLabel: sample.label ?? -1 }))).catch((e) => {
    console.error(e);
    return null;
  });
  for (const button of photos?.buttons ?? []) button.classList.add('photo');
  const lists = photos ? [allSamples, photos] : [allSamples];
  const gallery = new Gallery(document.getElementById('gallery'), lists.map((l) => ({ input: l.input, buttons: l.buttons })));
  let samples = [];  // the samples the current model is offered (the views' list too)
  offerSamplesTo = (spec, own = []) => {
    // The model's own samples: data: URLs of their bytes (base64url in the metadata).
    const mine = own.map((s) => ({ name: s.name, title: s.name, label: s.label ?? -1,
      url: `data:${s.type};base64,${s.data.replace(/-/g, '+').replace(/_/g, '/')}` }));
    const buttons = sampleButtons(document.getElementById('gallery'), mine,
      (url, sample) => quiet(pipeline.loadImage(url, sampleOptions(sample))));
    samples = gallery.showFor(spec, buttons) ? (gallery.offered === 'model' ? mine : lists[gallery.offered]) : [];
    views.setSamples(samples.map((s) => ({ name: s.name ?? s.file, label: s.label ?? -1 })));
  };

  const loadSample = (sample, load) => samples[sample] && quiet(load(samples[sample].url, sampleOptions(samples[sample])));
  const pickerB = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*' });
  pickerB.addEventListener('change', () => {
    const file = pickerB.files?.[0];
    pickerB.value = '';
    if (file) quiet(pipeline.loadImageB(file));
  });
  // A video, or several images, for a frame series from the views.
  let framesRequest = {};
  const pickerFrames = Object.assign(document.createElement('input'), { type: 'file', accept: 'image/*,video/*', multiple: true });
  pickerFrames.addEventListener('change', () => {
    const files = [...(pickerFrames.files ?? [])];
    pickerFrames.value = '';
    const { dim, distance, order } = framesRequest;
    const video = files.length === 1 && files[0].type.startsWith('video/');
    if (files.length) quiet(series.series(video ? { video: files[0], dim, distance, order } : { frames: files, dim, distance, order }));
  });
  pollIntents(pipeline, {
    compare: (intent) => comparisons.forViews(intent),
    'cancel-comparison': (intent) => comparisons.cancelForViews(intent),
    'swap-images': () => pipeline.swapImages(),
    'open-image-b': () => pickerB.click(),
    'load-sample-b': ({ sample }) => loadSample(sample, (url, o) => pipeline.loadImageB(url, o)),
    reanalyse: (intent) => quiet(pipeline.reanalyse(intent.settings)),
    cancel: () => pipeline.cancel(),
    'open-image': () => picker.click(),
    'load-sample': ({ sample }) => loadSample(sample, (url, o) => pipeline.loadImage(url, o)),
    'export-analysis': () => pipeline.current &&
      download(`${(pipeline.current.name || 'image').replace(/\.[^.]*$/, '')}-analysis.json`,
        JSON.stringify(pipeline.analysisOf(pipeline.current))),
    'copy-share-link': () => links.copy(),
    'run-series': ({ request }) => quiet(series.series(request)),
    'open-frames': ({ request }) => { framesRequest = request; pickerFrames.click(); },
    'show-frame': ({ frame, asB }) => quiet(series.frame(frame, { asB })),
  });
  // A link pasted into the address bar of the open page.
  window.addEventListener('hashchange', () => {
    const link = linkInUrl();
    if (link) quiet(links.open(link));
  });

  // Streamed with byte progress, and kept in the browser's model cache (model_fetch.mjs).
  await pipeline.loadModel(modelReader(DEFAULT_MODEL, DEFAULT_MODEL.split('/').pop()), DEFAULT_MODEL.split('/').pop());
  // A bad link leaves the page on the first sample, with the link's message shown.
  let linkError = null;
  const link = linkInUrl();
  const opened = link !== null && await links.open(link).then(() => true, (e) => { linkError = e; return false; });
  if (!opened && samples.length > 0) {
    await pipeline.loadImage(samples[0].url, sampleOptions(samples[0]));
  }
  if (linkError) links.showError(linkError);
}

boot().then(() => resolveReady(window.vitopo), (e) => {
  console.error(e);
  status.working(null);
  status.fail(`The page could not start: ${e.message ?? e}`);
  rejectReady(e);
});
