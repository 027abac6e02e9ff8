// Comparisons in the page: vitopo.compare() by head, layer (one head and
// pooled) and image, and vitopo.matching(), equal GUDHI on the page's own
// diagrams (comparison_oracle.py), on two samples and on a second model; the
// CLI prints the same vitopo.comparison/1 for the same analysis JSON; and
// the comparison views draw (screenshots kept as artifacts, pixels checked).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, frames, nativeCli, openPage, samples, sourceDir } from './harness.mjs';

const dir = path.join(artifacts, 'compare');
fs.mkdirSync(dir, { recursive: true });

// Every comparison and a few matchings of the current image A and image B.
async function gather(page, imageB) {
  return page.evaluate(async (b) => {
    const v = window.vitopo;
    const A = v.analysis();
    const kinds = [['bottleneck', 1], ['wasserstein', 1], ['wasserstein', 2]];
    const comparisons = [];
    for (const dim of [0, 1]) {
      for (const [distance, order] of kinds) {
        comparisons.push({ of: ['A'], result: await v.compare({ by: 'head', layer: A.shape.layers - 1, dim, distance, order }) });
        comparisons.push({ of: ['A'], result: await v.compare({ by: 'layer', head: 1, dim, distance, order }) });
        comparisons.push({ of: ['A'], result: await v.compare({ by: 'layer', head: null, dim, distance, order }) });
      }
    }
    // Image B: loaded once, then compared under every distance.
    const first = await v.compare({ by: 'image', image: b, dim: 1 });
    const B = v.workspace().find((e) => e.imageB);
    comparisons.push({ of: ['A', 'B'], result: first });
    for (const [distance, order] of kinds.slice(1)) comparisons.push({ of: ['A', 'B'], result: await v.compare({ by: 'image', dim: 0, distance, order }) });
    const matchings = [];
    for (const [distance, order] of kinds)
      for (const dim of [0, 1]) {
        const request = { a: { layer: 0, head: 0 }, b: { layer: A.shape.layers - 1, head: 1 }, dim, distance, order };
        matchings.push({ a: { analysis: 'A', layer: 0, head: 0 }, b: { analysis: 'A', layer: A.shape.layers - 1, head: 1 }, dim, distance, order,
          result: await v.matching(request) });
        const withB = { a: { layer: 1, head: 0 }, b: { layer: 1, head: 0, image: 'B' }, dim, distance, order };
        matchings.push({ a: { analysis: 'A', layer: 1, head: 0 }, b: { analysis: 'B', layer: 1, head: 0 }, dim, distance, order,
          result: await v.matching(withB) });
      }
    // B's analysis, as the workspace holds it: swap, read, swap back.
    return { A, comparisons, matchings, imageB: B };
  }, imageB);
}

function oracle(name, cases) {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(cases));
  const out = execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'comparison_oracle.py'), file], { encoding: 'utf8' });
  assert.match(out, /, 0 failure\(s\)/, out);
  return out;
}

// The CLI on the same analysis JSON prints the same comparison.
function cliMatches(name, analyses, comparisons) {
  const files = {};
  for (const [key, analysis] of Object.entries(analyses)) {
    files[key] = path.join(dir, `${name}-${key}.json`);
    fs.writeFileSync(files[key], JSON.stringify(analysis));
  }
  for (const { of, result } of comparisons) {
    const args = ['compare', ...of.map((k) => files[k]), '--by', result.by, '--dim', String(result.dim), '--kind', result.distance,
      '--order', String(result.order)];
    if (result.by === 'head') args.push('--layer', String(result.layer));
    if (result.by === 'layer' && result.head !== null) args.push('--head', String(result.head));
    const cli = JSON.parse(execFileSync(nativeCli, args, { encoding: 'utf8' }));
    assert.equal(cli.schema, result.schema);
    assert.deepEqual({ ...cli, matrix: null }, { ...result, matrix: null }, `${args.join(' ')}: the same labels and fields`);
    cli.matrix.forEach((row, i) => row.forEach((x, j) => {
      const y = result.matrix[i][j];
      assert.ok(x === y || (x !== null && y !== null && Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(y), 1e-300)),
        `${args.join(' ')} [${i}][${j}]: CLI ${x}, page ${y}`);
    }));
  }
}

// B's own analysis: the same image loaded alone, with the same model and
// settings, gives the same analysis (the analysis is deterministic).
const alone = (page, url) => page.evaluate((u) => window.vitopo.loadImage(u), url);

test('compare() and matching() equal GUDHI on the page\'s diagrams, and the CLI agrees, on two samples', async () => {
  const { page, log, close } = await openPage();
  try {
    const [first, second] = samples();
    await page.evaluate((f) => window.vitopo.loadImage('samples/' + f), first.file);
    const got = await gather(page, 'samples/' + second.file);
    assert.equal(got.imageB.name, second.file.split('/').pop(), 'image B is in the workspace');
    const cases = { analyses: { A: got.A, B: await alone(page, 'samples/' + second.file) }, comparisons: got.comparisons,
      matchings: got.matchings };
    console.log(oracle('samples', cases));
    cliMatches('samples', cases.analyses, got.comparisons);
    // +∞ is null, never a number.
    assert.ok(got.comparisons.every(({ result }) => result.matrix.flat().every((x) => x === null || Number.isFinite(x))));
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});

test('the same holds on a second model (RGB 32×32, 2 layers × 3 heads)', async () => {
  const model = path.join(dir, 'other.onnx');
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'other_model.py'), model], { stdio: 'pipe' });
  const { page, log, close } = await openPage();
  try {
    const [first, , third] = samples();
    await page.evaluate(async (bytes) => window.vitopo.loadModel(new File([new Uint8Array(bytes)], 'other.onnx')), [...fs.readFileSync(model)]);
    await page.evaluate((f) => window.vitopo.loadImage('samples/' + f), first.file);
    const got = await gather(page, 'samples/' + third.file);
    assert.deepEqual(got.A.shape, { layers: 2, heads: 3, tokens: 17 });
    const cases = { analyses: { A: got.A, B: await alone(page, 'samples/' + third.file) }, comparisons: got.comparisons,
      matchings: got.matchings };
    console.log(oracle('other-model', cases));
    cliMatches('other-model', cases.analyses, got.comparisons);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});

test('bad comparison requests get the page\'s own messages', async () => {
  const { page, close } = await openPage();
  try {
    const messages = await page.evaluate(async () => {
      const v = window.vitopo;
      const tries = [{ by: 'ring' }, { by: 'head', layer: 99 }, { by: 'head', dim: 7 }, { by: 'layer', distance: 'frechet' },
        { by: 'layer', distance: 'wasserstein', order: 0.5 }, { by: 'image' }];
      const out = [];
      for (const t of tries) out.push(await v.compare(t).then(() => 'accepted', (e) => e.message));
      out.push(await v.matching({ a: { layer: 0, head: 0 }, b: { layer: 0, head: 1, image: 'C' } }).then(() => 'accepted', (e) => e.message));
      out.push(v.analysis() !== null);
      return out;
    });
    assert.match(messages[0], /cannot compare by 'ring'; choose head, layer or image/);
    assert.match(messages[1], /layer 99 was not analysed/);
    assert.match(messages[2], /no dimension 7 in the analysis/);
    assert.match(messages[3], /unknown diagram distance 'frechet'; choose bottleneck or wasserstein/);
    assert.match(messages[4], /order must be a number p >= 1/);
    assert.match(messages[5], /There is no image B/);
    assert.match(messages[6], /b.image must be 'A' \(the current image\) or 'B'/);
    assert.equal(messages[7], true, 'the analysis is still there');
  } finally {
    await close();
  }
});

// Pixels of a panel, from a canvas screenshot: how many are near each colour.
async function panelPixels(page, shot, rect, colours) {
  return page.evaluate(async ({ bytes, rect, colours }) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = c.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const scale = bitmap.width / document.getElementById('canvas').getBoundingClientRect().width;
    const x0 = Math.floor(rect.x * scale), y0 = Math.floor(rect.y * scale);
    const { data, width, height } = g.getImageData(x0, y0, Math.floor(rect.width * scale), Math.floor(rect.height * scale));
    const near = colours.map(() => 0);
    let vivid = 0;
    for (let i = 0; i < width * height * 4; i += 4) {
      const [r, gr, b] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(r, gr, b) - Math.min(r, gr, b) > 60) vivid++;
      colours.forEach(([R, G, B], k) => { if (Math.abs(r - R) + Math.abs(gr - G) + Math.abs(b - B) < 40) near[k]++; });
    }
    return { near, vivid, pixels: width * height };
  }, { bytes: [...shot], rect, colours });
}


test('the comparison views draw: distance map and matching, through the layers, two images', async () => {
  const { page, log, close } = await openPage();
  try {
    const [, second] = samples();
    const A = [94, 160, 255], B = [255, 159, 67];
    const shots = {};
    const waitFor = async (what) => {
      // A comparison runs in its worker: poll a few frames until the view has it.
      for (let k = 0; k < 100; k++) {
        await frames(page, 3);
        const shot = await page.locator('#canvas').screenshot();
        const panel = (await page.evaluate(() => window.vitopo.panels())).find((p) => p.id === what.panel);
        if (!panel) continue;  // the next frame shows the new arrangement
        const stats = await panelPixels(page, shot, panel, [A, B]);
        if (what.ok(stats)) return { shot, stats, panel };
      }
      throw new Error(`${what.panel} never drew what it should\n${log.join('\n')}`);
    };

    assert.equal(await page.evaluate(() => window.vitopo.arrange('compare')), true);
    const map = await waitFor({ panel: 'distance-map', ok: (s) => s.vivid > s.pixels * 0.1 });
    shots.map = map.shot;
    // Click a cell off the diagonal: the matching view draws A's and B's points.
    const panel = map.panel;
    const box = await page.locator('#canvas').boundingBox();
    await page.mouse.click(box.x + panel.x + panel.width * 0.45, box.y + panel.y + panel.height * 0.55);
    const matching = await waitFor({ panel: 'matching', ok: (s) => s.near[0] > 20 && s.near[1] > 20 });
    shots.matching = matching.shot;

    await page.evaluate(() => window.vitopo.arrange('layers'));
    const layers = await waitFor({ panel: 'layers', ok: (s) => s.vivid > 400 });
    shots.layers = layers.shot;

    await page.evaluate(() => window.vitopo.arrange('images'));
    await page.evaluate((u) => window.vitopo.compare({ by: 'image', image: u }), 'samples/' + second.file);
    const images = await waitFor({ panel: 'image-b', ok: (s) => s.near[0] > 20 && s.near[1] > 20 && s.vivid > s.pixels * 0.05 });
    shots.images = images.shot;

    // An image dropped on the two-images panel becomes image B; A stays current.
    const third = samples()[2];
    const imagesPanel = (await page.evaluate(() => window.vitopo.panels())).find((p) => p.id === 'image-b');
    const bytes = [...fs.readFileSync(path.join(sourceDir, 'web', 'samples', third.file))];
    const transfer = await page.evaluateHandle(({ bytes, name }) => {
      const t = new DataTransfer();
      t.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      return t;
    }, { bytes, name: third.file.split('/').pop() });
    const before = await page.evaluate(() => window.vitopo.workspace().find((e) => e.current).name);
    await page.dispatchEvent('body', 'drop', { dataTransfer: transfer, clientX: box.x + imagesPanel.x + imagesPanel.width / 2,
      clientY: box.y + imagesPanel.y + imagesPanel.height / 2 });
    await page.waitForFunction((n) => window.vitopo.workspace().find((e) => e.imageB)?.name === n, third.file.split('/').pop(),
      { timeout: 60000 });
    assert.equal(await page.evaluate(() => window.vitopo.workspace().find((e) => e.current).name), before, 'A is still current');

    // New settings re-analyse A and B: the A–B comparison is of the new analyses.
    const after = await page.evaluate(async () => {
      const v = window.vitopo;
      await v.settings({ metric: 'hellinger' });
      const comparison = await v.compare({ by: 'image', dim: 1 });
      const A = v.analysis();
      const names = v.workspace().map((e) => [e.name, e.current, e.imageB]);
      return { comparison, A, names };
    });
    assert.equal(after.A.settings.metric, 'hellinger');
    assert.ok(after.names.some(([n, , b]) => b && n === third.file.split('/').pop()), JSON.stringify(after.names));
    const analysisB = await page.evaluate(() => {
      const v = window.vitopo;
      v.swapImages();
      const b = v.analysis();
      v.swapImages();
      return b;
    });
    assert.equal(analysisB.settings.metric, 'hellinger', 'image B was re-analysed with the new settings');
    cliMatches('after-settings', { A: after.A, B: analysisB }, [{ of: ['A', 'B'], result: after.comparison }]);

    for (const [name, shot] of Object.entries(shots)) fs.writeFileSync(path.join(dir, `view-${name}.png`), shot);
    assert.notDeepEqual(shots.map, shots.layers);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } finally {
    await close();
  }
});
