// Series in the page (web/series.mjs): perturbations of the current image
// and frame series, against independent oracles: strength 0 moves nothing,
// a seed gives the same series bit for bit, every distance equals GUDHI's on
// the page's own diagrams (comparison_oracle.py), a frame series gives the
// diagrams loadImage gives for each image alone, a VP8 WebM made here with
// Debian's ffmpeg decodes to its frames, and the adversarial step raises the
// model's loss as onnxruntime-web under Node computes it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { artifacts, openFresh, openPage, samples, sourceDir } from './harness.mjs';

const dir = path.join(artifacts, 'series');
fs.mkdirSync(dir, { recursive: true });
const allZero = (distances) => distances.flat().every((d) => d === 0);

// comparison_oracle.py on (A, B) pairs of analyses: each series distance
// matrix is an image-by-image comparison of the two.
function oracle(name, pairs) {
  const analyses = {}, comparisons = [];
  pairs.forEach(({ a, b, series, distances }, k) => {
    analyses[`A${k}`] = a;
    analyses[`B${k}`] = b;
    comparisons.push({ of: [`A${k}`, `B${k}`], result: { schema: 'vitopo.comparison/1', by: 'image', dim: series.dim,
      distance: series.distance, order: series.order, layers: [...Array(a.shape.layers).keys()],
      heads: [...Array(a.shape.heads).keys()], matrix: distances } });
  });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ analyses, comparisons, matchings: [] }));
  const out = execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'comparison_oracle.py'), file], { encoding: 'utf8' });
  assert.match(out, /, 0 failure\(s\)/, out);
  return out;
}

test('perturbations: strength 0 moves nothing, a seed repeats bit for bit, distances equal GUDHI, the current image stays', async () => {
  const { page, log, close } = await openPage();
  try {
    const got = await page.evaluate(async () => {
      const v = window.vitopo;
      const before = { analysis: v.analysis(), workspace: v.workspace(), prediction: v.prediction() };
      const noise = (seed) => v.series({ perturbation: 'noise', strengths: [0, 0.05, 0.2], seed, dim: 1 });
      const first = await noise(7), again = await noise(7);
      const zeros = {};
      for (const kind of ['blur', 'brightness', 'contrast', 'rotation', 'shift'])
        zeros[kind] = await v.series({ perturbation: kind, strengths: [0, kind === 'rotation' ? 30 : 1], dim: 0, distance: 'wasserstein', order: 2 });
      const other = await noise(8);
      const after = { analysis: v.analysis(), workspace: v.workspace() };
      // Frame 2 of the last series (seed 8), shown: its own diagrams.
      const frame = await v.frame(2);
      return { before, after, first, again, other, zeros, frame };
    });
    const { first, again, other, zeros, before } = got;
    assert.equal(first.schema, 'vitopo.series/1');
    assert.equal(first.kind, 'perturbation');
    assert.deepEqual(first.frames.map((f) => f.strength), [0, 0.05, 0.2]);
    const [L, H] = [before.analysis.shape.layers, before.analysis.shape.heads];
    for (const f of first.frames) assert.deepEqual([f.distances.length, f.distances[0].length], [L, H]);
    assert.ok(allZero(first.frames[0].distances), 'noise σ = 0: distance 0 for every head');
    assert.deepEqual(first.frames[0].prediction, { index: before.prediction.index, probability: before.prediction.probability });
    assert.ok(!allZero(first.frames[2].distances), 'noise σ = 0.2 moves some head');
    assert.deepEqual(again, first, 'the same seed gives the same series, bit for bit');
    assert.notDeepEqual(other.frames[2].distances, first.frames[2].distances, 'another seed, another series');
    for (const [kind, series] of Object.entries(zeros)) {
      assert.ok(allZero(series.frames[0].distances), `${kind} 0: distance 0 for every head`);
      assert.ok(!allZero(series.frames[1].distances), `${kind} ${series.frames[1].strength} moves some head`);
    }
    assert.deepEqual(got.after.analysis, before.analysis, 'the series did not touch the current image');
    assert.deepEqual(got.after.workspace, before.workspace, 'nor the workspace');
    console.log(oracle('noise', [{ a: before.analysis, b: got.frame, series: other, distances: other.frames[2].distances }]));
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});

test('occlusion gives one frame per patch, in grid order', async () => {
  const { page, close } = await openPage();
  try {
    const got = await page.evaluate(async () => {
      const v = window.vitopo;
      const series = await v.series({ perturbation: 'occlusion', dim: 1 });
      return { series, grid: v.model().grid, analysis: v.analysis() };
    });
    const [rows, cols] = got.grid;
    assert.equal(got.series.frames.length, rows * cols);
    assert.deepEqual(got.series.frames.map((f) => f.patch), [...Array(rows * cols).keys()].map((k) => [Math.floor(k / cols), k % cols]));
    // A grey corner patch over the black background moves the topology of some head.
    assert.ok(got.series.frames.some((f) => !allZero(f.distances)));
    for (const f of got.series.frames) assert.ok(f.prediction.probability > 0 && f.prediction.probability <= 1);
  } finally {
    await close();
  }
});

test('a frame series gives, frame by frame, the diagrams of loadImage alone; its steps equal GUDHI', async () => {
  const { page, close } = await openPage();
  try {
    const urls = samples().slice(0, 3).map((s) => 'samples/' + s.file)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const got = await page.evaluate(async (list) => {
      const v = window.vitopo;
      const held = v.workspace().length;
      const series = await v.series({ frames: [list[2], list[0], list[1]], dim: 1, distance: 'wasserstein', order: 1 });
      const shown = [];
      for (let i = 0; i < list.length; i++) shown.push(await v.frame(i));
      const added = v.workspace().length - held;
      const alone = [];
      for (const url of list) alone.push(await v.loadImage(url));
      return { series, shown, alone, added };
    }, urls);
    assert.equal(got.series.kind, 'frames');
    assert.deepEqual(got.series.frames.map((f) => f.name), urls.map((u) => u.split('/').pop()), 'frames in name order');
    assert.equal(got.series.frames[0].distances, null, 'the first frame has no previous frame');
    for (let i = 0; i < urls.length; i++) assert.deepEqual(got.shown[i].heads, got.alone[i].heads, `frame ${i}: the diagrams of loadImage`);
    assert.equal(got.added, 1, 'each shown frame replaces the one shown before');
    console.log(oracle('frames', [1, 2].map((k) => ({ a: got.alone[k - 1], b: got.alone[k], series: got.series, distances: got.series.frames[k].distances }))));
  } finally {
    await close();
  }
});

test('a VP8 WebM made with ffmpeg decodes to its frames, each analysed', async () => {
  const video = path.join(dir, 'moving.webm');
  // 1.2 s at 10 frames a second of a moving test pattern: 12 frames.
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=10:duration=1.2', '-c:v', 'libvpx',
    '-b:v', '1M', '-pix_fmt', 'yuv420p', video]);
  const { page, close } = await openPage();
  try {
    const got = await page.evaluate(async (bytes) => {
      const v = window.vitopo;
      const blob = new File([new Uint8Array(bytes)], 'moving.webm', { type: 'video/webm' });
      const all = await v.series({ video: blob, fps: 10, maxFrames: 100 });
      const cut = await v.series({ video: blob, fps: 5, maxFrames: 4 });
      return { all, cut };
    }, [...fs.readFileSync(video)]);
    assert.equal(got.all.frames.length, 12, 'every frame of the video');
    assert.equal(got.all.frames[0].distances, null);
    for (const f of got.all.frames.slice(1)) assert.equal(f.distances.flat().length, 16);
    assert.ok(got.all.frames.slice(1).some((f) => !allZero(f.distances)), 'the moving pattern moves the topology');
    assert.equal(got.cut.frames.length, 4, 'maxFrames cuts the series');
  } finally {
    await close();
  }
});

test('the adversarial step raises the loss on the model\'s own prediction, as onnxruntime-web under Node computes it', async () => {
  const { page, close } = await openPage();
  try {
    const got = await page.evaluate(async () => {
      const v = window.vitopo;
      const base = v.input(), target = v.prediction().index;
      const series = await v.series({ perturbation: 'adversarial', strengths: [0, 0.05], dim: 1 });
      await v.frame(1);
      const stepped = v.input();
      return { series, target, base: { dims: base.dims, data: [...base.data] },
        stepped: { dims: stepped.dims, data: [...stepped.data] } };
    });
    assert.equal(got.series.gradient, 'finite-differences');
    assert.ok(allZero(got.series.frames[0].distances), 'ε = 0: distance 0');
    // The step moved every value by ε or to the edge of [0, 1].
    got.stepped.data.forEach((x, k) => {
      const d = x - got.base.data[k];
      assert.ok(Math.abs(Math.abs(d) - 0.05) < 1e-6 || d === 0 || x === 0 || x === 1, `value ${k}: ${got.base.data[k]} → ${x}`);
    });
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    const session = await ort.InferenceSession.create(fs.readFileSync(path.join(sourceDir, 'models', 'vitopo-fmnist.onnx')));
    const loss = async ({ dims, data }) => {
      const out = await session.run({ pixels: new ort.Tensor('float32', Float32Array.from(data), dims) });
      const z = [...out.logits.data];
      const top = Math.max(...z);
      return Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) + top - z[got.target];
    };
    const [before, after] = [await loss(got.base), await loss(got.stepped)];
    assert.ok(after > before + 1e-3, `the loss rose: ${before} → ${after}`);
    assert.ok(Math.abs(after - got.series.frames[1].loss) < 1e-4, `the page's loss ${got.series.frames[1].loss}, Node's ${after}`);
    assert.ok(Math.abs(before - got.series.loss) < 1e-4);
  } finally {
    await close();
  }
});

test('bad series requests get the page\'s own messages, and a series can be cancelled', async () => {
  const { page, close } = await openPage();
  try {
    const got = await page.evaluate(async () => {
      const v = window.vitopo;
      const before = v.analysis();
      const tries = [{ perturbation: 'swirl', strengths: [1] }, { perturbation: 'noise' }, { perturbation: 'noise', strengths: [1], seed: -1 },
        { perturbation: 'blur', strengths: [-1.5] }, { frames: [] }, { video: 'clip.webm' }, {}];
      const out = [];
      for (const t of tries) out.push(await v.series(t).then(() => 'accepted', (e) => e.message));
      out.push(await v.frame(0).then(() => 'accepted', (e) => e.message));
      const running = v.series({ perturbation: 'noise', strengths: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], seed: 1 });
      await new Promise((r) => setTimeout(r, 50));
      v.cancel();
      out.push(await running.then(() => 'finished', (e) => e.name));
      out.push(JSON.stringify(v.analysis()) === JSON.stringify(before));
      return out;
    });
    assert.match(got[0], /unknown perturbation "swirl"; choose noise, blur/);
    assert.match(got[1], /a noise series needs strengths: a list of finite numbers/);
    assert.match(got[2], /a seed must be an integer from 0 to 2\^53 − 1/);
    assert.match(got[3], /a blur radius must be at least 0, not -1.5/);
    assert.match(got[4], /frames must be a list of images/);
    assert.match(got[5], /video must be a Blob or a File/);
    assert.match(got[6], /series needs a perturbation \(with strengths\), frames or a video/);
    assert.match(got[7], /There is no series: run vitopo.series\(\) first/);
    assert.equal(got[8], 'Cancelled');
    assert.equal(got[9], true, 'the analysis is as it was');
  } finally {
    await close();
  }
});

// How many pixels of a panel are near `colour`, and how many are vivid, from a canvas screenshot.
async function panelPixels(page, shot, rect, colour) {
  return page.evaluate(async ({ bytes, rect, colour }) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const g = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const scale = bitmap.width / document.getElementById('canvas').getBoundingClientRect().width;
    const { data, width, height } = g.getImageData(Math.floor(rect.x * scale), Math.floor(rect.y * scale),
      Math.floor(rect.width * scale), Math.floor(rect.height * scale));
    let near = 0, vivid = 0;
    for (let i = 0; i < width * height * 4; i += 4) {
      const [r, gr, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, gr, b) - Math.min(r, gr, b) > 60) vivid++;
      if (Math.abs(r - colour[0]) + Math.abs(gr - colour[1]) + Math.abs(b - colour[2]) < 40) near++;
    }
    return { near, vivid, pixels: width * height };
  }, { bytes: [...shot], rect, colour });
}

test('the Series tab draws distance against strength with the probability, the occlusion map, and a click shows a frame', async () => {
  const { page, log, close } = await openPage();
  try {
    const orange = [255, 159, 67];
    const waitFor = async (ok) => {
      for (let k = 0; k < 60; k++) {
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const shot = await page.locator('#canvas').screenshot();
        const panel = (await page.evaluate(() => window.vitopo.panels())).find((p) => p.id === 'series');
        if (!panel) continue;
        const stats = await panelPixels(page, shot, panel, orange);
        if (ok(stats)) return { shot, stats, panel };
      }
      throw new Error(`the series panel never drew what it should\n${log.join('\n')}`);
    };
    assert.equal(await page.evaluate(() => window.vitopo.arrange('series')), true);
    await page.evaluate(() => window.vitopo.series({ perturbation: 'noise', strengths: [0, 0.1, 0.2, 0.4], seed: 3 }));
    const plot = await waitFor((s) => s.near > 30 && s.vivid > 300);
    fs.writeFileSync(path.join(dir, 'view-strengths.png'), plot.shot);
    // A click near the right end of the plot shows the strongest frame.
    const box = await page.locator('#canvas').boundingBox();
    await page.mouse.click(box.x + plot.panel.x + plot.panel.width - 60, box.y + plot.panel.y + plot.panel.height * 0.6);
    let current = null;
    for (let k = 0; k < 100 && !/noise 0\.4$/.test(current ?? ''); k++) {
      await page.waitForTimeout(100);
      current = await page.evaluate(() => window.vitopo.workspace().find((e) => e.current)?.name);
    }
    assert.match(current, /noise 0\.4$/, 'the clicked frame is the current image');
    await page.evaluate(() => window.vitopo.series({ perturbation: 'occlusion' }));
    const map = await waitFor((s) => s.vivid > s.pixels * 0.08);
    fs.writeFileSync(path.join(dir, 'view-occlusion.png'), map.shot);
    assert.notDeepEqual(map.shot, plot.shot);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});

test('a link carries a perturbation series: a fresh page reopens its image and recomputes it bit for bit; a frame series is refused', async () => {
  const { page, browser, close } = await openPage();
  try {
    const made = await page.evaluate(async () => {
      const v = window.vitopo;
      const series = await v.series({ perturbation: 'noise', strengths: [0, 0.1, 0.3], seed: 5, dim: 1 });
      return { series, link: v.seriesLink(), analysis: v.analysis() };
    });
    assert.match(made.link, /#v1=[A-Za-z0-9_-]+&series=[A-Za-z0-9_-]+$/);
    const opened = await openFresh(browser, made.link);
    try {
      const got = await opened.page.evaluate(() => ({ series: window.vitopo.lastSeries(), analysis: window.vitopo.analysis(),
        error: document.getElementById('error').textContent }));
      assert.equal(got.error, '', `no error\n${opened.log.join('\n')}`);
      assert.deepEqual(got.analysis.heads, made.analysis.heads, 'the same image, analysed the same');
      assert.deepEqual(got.series, made.series, 'the same series, bit for bit');
    } finally {
      await opened.close();
    }
    const refused = await page.evaluate(async (url) => {
      await window.vitopo.series({ frames: [url] });
      try {
        window.vitopo.seriesLink();
        return 'linked';
      } catch (e) {
        return e.message;
      }
    }, 'samples/' + samples()[0].file);
    assert.match(refused, /A frame series cannot be linked: its frames are your own files.*Export the series instead/);
    const damaged = await page.evaluate(async (link) => window.vitopo.openShareLink(link).then(() => 'opened', (e) => e.message),
      made.link.replace(/&series=.*/, '&series=@@@'));
    assert.match(damaged, /The link's series part is damaged/);
  } finally {
    await close();
  }
});
