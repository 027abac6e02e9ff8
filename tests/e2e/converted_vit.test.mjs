// Models converted with models/convert.py (converted_models.py, random
// weights, made at test time) in the page:
//   - a torchvision ViT at 224 × 224 with patch 16 (197 tokens, 12 × 12
//     heads): its diagrams equal native `vitopo analyze` on the page's own
//     attention;
//   - a Hugging Face DeiT (CLS and a distillation token before the patches):
//     the views put each patch's token on that patch. The oracle is the model
//     itself: changing one patch of the image changes, in layer 0, the query
//     of exactly one token (that patch's), while every other query's row only
//     moves in that token's column.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, assertSameDiagrams, nativeCli, npyFloat32, openPage, sourceDir } from './harness.mjs';

const dir = path.join(artifacts, 'converted');
fs.mkdirSync(dir, { recursive: true });

function converted(kind) {
  const out = path.join(dir, `${kind}.onnx`);
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'converted_models.py'), kind, out], { stdio: 'pipe' });
  return [...fs.readFileSync(out)];
}

// In the page: a size × size RGB PNG of seeded noise, with the `patches`
// ([[row, col]], patch `patch` px) filled with one colour; loaded as an image.
async function loadNoise(page, { size, patch = 0, patches = [], name }) {
  return page.evaluate(async ({ size, patch, patches, name }) => {
    const canvas = new OffscreenCanvas(size, size);
    const g = canvas.getContext('2d');
    const image = g.createImageData(size, size);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < size * size; k++) {
      image.data.set([random() * 255, random() * 255, random() * 255, 255], 4 * k);
    }
    for (const [r, c] of patches)
      for (let y = r * patch; y < (r + 1) * patch; y++)
        for (let x = c * patch; x < (c + 1) * patch; x++) image.data.set([250, 10, 128, 255], 4 * (y * size + x));
    g.putImageData(image, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const analysis = await window.vitopo.loadImage(new File([blob], name, { type: 'image/png' }));
    const a = window.vitopo.attention();
    const input = window.vitopo.input();
    const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return { analysis, shape: a.shape, attention: btoa(text), input: Array.from(input.data), dims: input.dims,
      error: document.getElementById('error').textContent };
  }, { size, patch, patches, name }).then((got) => {
    const raw = Buffer.from(got.attention, 'base64');
    return { ...got, attention: new Float32Array(new Uint8Array(raw).buffer) };
  });
}

// The token whose layer-0 query changed from `a` to `b` ([L, H, T, T]): its
// row moves everywhere, the other rows only in its column.
function changedToken(a, b, shape) {
  const [, H, T] = shape;
  const moved = new Array(T).fill(0);
  const columns = new Set();
  for (let h = 0; h < H; h++)
    for (let i = 0; i < T; i++) {
      const d = [];
      for (let j = 0; j < T; j++) {
        const k = (h * T + i) * T + j;
        d.push(Math.log(b[k]) - Math.log(a[k]));
      }
      const median = [...d].sort((x, y) => x - y)[T >> 1];
      const off = d.map((x, j) => [Math.abs(x - median), j]).filter(([x]) => x > 1e-3);
      moved[i] += off.length;
      if (off.length === 1) columns.add(off[0][1]);
    }
  const token = moved.indexOf(Math.max(...moved));
  return { token, moved, columns: [...columns] };
}

test('converted models in the page', async (t) => {
  const vit = converted('vit');
  const deit = converted('deit');
  const { page, log, close } = await openPage();
  try {
    await t.test('a torchvision ViT with 197 tokens: the page\'s diagrams equal native `vitopo analyze`', async () => {
      const spec = await page.evaluate((b) => window.vitopo.loadModel(new File([new Uint8Array(b)], 'vit.onnx')), vit);
      assert.deepEqual([spec.input.channels, spec.input.height, spec.input.width, spec.tokens, spec.prefix_tokens],
        [3, 224, 224, 197, 1]);
      const got = await loadNoise(page, { size: 224, patch: 16, patches: [[3, 5], [10, 2]], name: 'noise224.png' });
      assert.equal(got.error, '');
      assert.deepEqual(got.shape, [12, 12, 197, 197]);
      assert.deepEqual(got.analysis.shape, { layers: 12, heads: 12, tokens: 197 });
      const npy = path.join(dir, 'vit.attention.npy');
      fs.writeFileSync(npy, npyFloat32(got.shape, got.attention));
      execFileSync(nativeCli, ['analyze', npy, '--out', path.join(dir, 'vit.native.json')], { stdio: 'pipe' });
      const native = JSON.parse(fs.readFileSync(path.join(dir, 'vit.native.json'), 'utf8'));
      assert.deepEqual(native.shape, got.analysis.shape);
      assertSameDiagrams(got.analysis, native, 'converted ViT');
    });

    await t.test('a DeiT (2 prefix tokens): each patch\'s token is drawn on that patch', async () => {
      const spec = await page.evaluate((b) => window.vitopo.loadModel(new File([new Uint8Array(b)], 'deit.onnx')), deit);
      assert.deepEqual([spec.tokens, spec.prefix_tokens, ...spec.grid], [18, 2, 4, 4]);
      const base = await loadNoise(page, { size: 32, name: 'noise32.png' });
      assert.equal(base.error, '');
      for (const [r, c] of [[2, 1], [0, 3], [3, 0]]) {
        const changed = await loadNoise(page, { size: 32, patch: 8, patches: [[r, c]], name: `patch-${r}-${c}.png` });
        // The page's model input changes in that patch's pixels only (no resampling moved it).
        const [, C, Hh, W] = changed.dims;
        let inside = 0, outside = 0;
        for (let ch = 0; ch < C; ch++)
          for (let y = 0; y < Hh; y++)
            for (let x = 0; x < W; x++) {
              const k = (ch * Hh + y) * W + x;
              if (changed.input[k] === base.input[k]) continue;
              if (Math.floor(y / 8) === r && Math.floor(x / 8) === c) inside++;
              else outside++;
            }
        assert.ok(inside > 0 && outside === 0, `patch (${r}, ${c}): ${inside} values changed inside, ${outside} outside`);
        const oracle = changedToken(base.attention, changed.attention, changed.shape);
        assert.deepEqual(oracle.columns, [oracle.token], `patch (${r}, ${c}): the other rows move in the token's column only`);
        assert.equal(oracle.token, 2 + r * 4 + c, `patch (${r}, ${c}) is token 2 + r · 4 + c (the contract)`);
        const where = await page.evaluate(() => window.vitopo.patches());
        assert.equal(where.tokens.length, 18);
        assert.deepEqual(where.tokens[oracle.token], [r, c], 'the image view puts the token on its patch');
        assert.equal(where.firstToken, 0);
        assert.deepEqual(where.points[oracle.token], [r, c], 'the skeleton puts the token on its patch');
      }
      const where = await page.evaluate(() => window.vitopo.patches());
      assert.deepEqual(where.tokens.slice(0, 2), [null, null], 'CLS and the distillation token have no patch');
      assert.deepEqual(where.points.slice(0, 2), [null, null]);
      const cells = where.tokens.slice(2);
      assert.deepEqual(cells, Array.from({ length: 16 }, (_, k) => [Math.floor(k / 4), k % 4]), 'patches in row-major order');
      // Without CLS, point p is token 1 + p: the distillation token, then the patches.
      await page.evaluate(() => window.vitopo.settings({ drop_cls: true }));
      const dropped = await page.evaluate(() => window.vitopo.patches());
      assert.equal(dropped.firstToken, 1);
      assert.equal(dropped.points.length, 17);
      assert.equal(dropped.points[0], null, 'the distillation token has no patch');
      assert.deepEqual(dropped.points.slice(1), cells);
      await page.evaluate(() => window.vitopo.settings({ drop_cls: false }));
    });
    await t.test('the samples a model carries are the gallery, named and labelled as its metadata says', async () => {
      const spec = await page.evaluate(() => window.vitopo.model());
      assert.deepEqual(spec.samples, [{ name: 'red square', label: 1, type: 'image/png' }, { name: 'blue disc', label: -1, type: 'image/jpeg' }],
        'the spec names the samples; their bytes stay out of it');
      const offered = await page.evaluate(() => [...document.querySelectorAll('#gallery .sample:not([hidden])')].map((b) => b.title));
      assert.deepEqual(offered, ['Sample: red square', 'Sample: blue disc'], 'the model\'s own samples, and no photos');
      // A click analyses the sample under its name; the same bytes as a File give the same attention, bit for bit.
      const clicked = await page.evaluate(async () => {
        const before = window.vitopo.workspace().length;
        document.querySelector('#gallery .sample:not([hidden])').click();
        const deadline = performance.now() + 120000;
        while (!window.vitopo.workspace().some((e) => e.current && e.name === 'red square')) {
          if (performance.now() > deadline) throw new Error(`the sample was not analysed: ${document.getElementById('status').textContent}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const a = window.vitopo.attention();
        return { before, bits: Array.from(new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length)), prediction: window.vitopo.prediction() };
      });
      const png = [...fs.readFileSync(path.join(dir, 'deit-hf', 'red square.png'))];
      const file = await page.evaluate(async (b) => {
        await window.vitopo.loadImage(new File([new Uint8Array(b)], 'red square.png', { type: 'image/png' }));
        const a = window.vitopo.attention();
        return Array.from(new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length));
      }, png);
      assert.ok(clicked.bits.length === file.length && clicked.bits.every((x, i) => x === file[i]), 'the sample is the file it was made from');
      // Back to a model without samples: the gallery offers what suits it again.
      await page.evaluate(() => window.vitopo.loadModel('models/vitopo-fmnist.onnx'));
      const again = await page.evaluate(() => [...document.querySelectorAll('#gallery .sample')].filter((b) => !b.hidden).map((b) => b.title));
      assert.ok(again.length > 0 && !again.includes('Sample: red square'), again.join(', '));
    });
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), [], 'no uncaught error in the page');
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await close();
  }
});
