// Each bad input gives its own clear message in the page, and the previous
// analysis, attention, prediction and model stay exactly as they were.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { artifacts, openPage, samples, site, sourceDir } from './harness.mjs';

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A PNG whose IHDR declares width × height (8-bit grayscale) followed by `idat`.
function png(width, height, idat) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;  // bit depth; colour type 0 (gray), compression, filter, interlace 0
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (idat) parts.push(chunk('IDAT', idat));
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

const badImages = [
  { what: 'a non-image file', name: 'notes.txt', type: 'text/plain',
    bytes: Buffer.from('These are notes, not pixels.\n'), message: /"notes\.txt" is not an image/ },
  { what: 'a corrupt PNG (its pixel data is not a zlib stream)', name: 'corrupt.png', type: 'image/png',
    bytes: png(28, 28, Buffer.alloc(64, 0xa5)), message: /"corrupt\.png" could not be decoded: the PNG data is corrupt/ },
  { what: 'a 20000×30000 image (a PNG header that claims it)', name: 'huge.png', type: 'image/png',
    bytes: png(20000, 30000, zlib.deflateSync(Buffer.alloc(1024))), message: /"huge\.png" is too large: 20000×30000 pixels/ },
  { what: 'a zero-size image', name: 'empty.png', type: 'image/png',
    bytes: png(0, 0, zlib.deflateSync(Buffer.alloc(0))), message: /"empty\.png" is a zero-size PNG image \(0×0 pixels\)/ },
  { what: 'an empty file', name: 'nothing.png', type: 'image/png',
    bytes: Buffer.alloc(0), message: /"nothing\.png" is empty \(0 bytes\)/ },
];

// Everything that must survive a bad input.
const snapshot = (page) => page.evaluate(() => ({
  analysis: window.vitopo.analysis(),
  attention: Array.from(window.vitopo.attention().data),
  prediction: window.vitopo.prediction(),
  model: window.vitopo.model(),
  settings: window.vitopo.settings(),
}));

// The whole message the page shows: the error line's full text (its title), whose
// further lines are listed in the problems panel.
const errorText = (page) => page.evaluate(() => { const e = document.getElementById('error'); return e.title || e.textContent; });

test('bad inputs give their messages in the page and the previous analysis stays', async (t) => {
  const { page, log, close } = await openPage();
  try {
    const before = await snapshot(page);
    assert.ok(before.analysis, 'a sample is analysed at start');
    for (const input of badImages) {
      await t.test(input.what, async () => {
        const rejection = await page.evaluate(async ({ bytes, name, type }) => {
          try {
            await window.vitopo.loadImage(new File([new Uint8Array(bytes)], name, { type }));
            return null;
          } catch (e) {
            return e.message;
          }
        }, { bytes: [...input.bytes], name: input.name, type: input.type });
        assert.match(rejection ?? 'it was accepted', input.message);
        assert.match(await errorText(page), input.message, 'the page shows the message');
        assert.deepEqual(await snapshot(page), before, 'the previous analysis stays');
      });
    }

    await t.test('an ONNX model without the attentions output', async () => {
      const dir = path.join(artifacts, 'broken-models');
      execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'break_model.py'),
        path.join(site, 'models', 'vitopo-fmnist.onnx'), dir], { stdio: 'pipe' });
      const bytes = fs.readFileSync(path.join(dir, 'no-attentions.onnx'));
      const rejection = await page.evaluate(async (b) => {
        try {
          await window.vitopo.loadModel(new File([new Uint8Array(b)], 'no-attentions.onnx'));
          return null;
        } catch (e) {
          return e.message;
        }
      }, [...bytes]);
      assert.match(rejection ?? 'it was accepted', /^no-attentions\.onnx: .*contract.*output 'attentions' is missing/s);
      assert.equal(await errorText(page), rejection, 'the page shows the validator\'s message');
      // Every problem is listed, none cut off, in a panel that closes.
      const lines = rejection.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length > 1) {
        const listed = await page.evaluate(() => [...document.querySelectorAll('#problems li')].map((li) => li.textContent));
        assert.deepEqual(listed, lines.slice(1));
        await page.click('#problems button');
        assert.equal(await page.evaluate(() => document.getElementById('problems')), null);
      }
      assert.deepEqual(await snapshot(page), before, 'the previous model and analysis stay');
    });

    // Crafted by fuzzing (tests/model/make_broken_models.py writes them): a model whose
    // 65536×65537-pixel input once wrapped a 32-bit size, and metadata nested so deep
    // that printing it overflowed the wasm stack.
    const crafted = path.join(artifacts, 'crafted-models');
    execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'model', 'make_broken_models.py'),
      path.join(site, 'models', 'vitopo-fmnist.onnx'), crafted], { stdio: 'pipe' });
    for (const [file, message] of [
      ['huge_input.onnx', /^huge_input\.onnx: .*contract.*"input\.height" is 65536, over the limit of 4096.*grid 65536x65537 plus CLS is over the limit of 4097 tokens/s],
      ['deep_metadata.onnx', /^deep_metadata\.onnx: .*contract.*metadata 'vitopo' nests arrays and objects 7002 deep, over the limit of 64 levels/s],
    ]) {
      await t.test(`a crafted model: ${file}`, async () => {
        const rejection = await page.evaluate(async ({ b, name }) => {
          try {
            await window.vitopo.loadModel(new File([new Uint8Array(b)], name));
            return null;
          } catch (e) {
            return e.message;
          }
        }, { b: [...fs.readFileSync(path.join(crafted, file))], name: file });
        assert.match(rejection ?? 'it was accepted', message);
        assert.equal(await errorText(page), rejection, 'the page shows the validator\'s message');
        assert.deepEqual(await snapshot(page), before, 'the previous model and analysis stay');
      });
    }

    // Crafted by fuzzing: an 82-character link sealed with a correct CRC that
    // declares a 3 × 34881 × 41044 image, whose pixel map's size once wrapped
    // to 0 in wasm32 and sent the decoder reading far past its input.
    await t.test('a crafted link declaring 2^32 − 4 pixel values', async () => {
      const fingerprint = createHash('sha256').update(fs.readFileSync(path.join(site, 'models', 'vitopo-fmnist.onnx')))
        .digest().subarray(0, 16);
      const record = Buffer.concat([Buffer.from([1]), fingerprint, Buffer.from([0, 3]),
        Buffer.from([34881 & 255, 34881 >> 8, 41044 & 255, 41044 >> 8, 2]), Buffer.alloc(33 + 4)]);
      record.writeUInt32LE(zlib.crc32(record.subarray(0, record.length - 4)), record.length - 4);
      const link = '#v1=' + record.toString('base64url');
      assert.equal(link.length, 4 + 82);
      const rejection = await page.evaluate((l) => window.vitopo.openShareLink(l).then(() => null, (e) => e.message), link);
      assert.match(rejection ?? 'it was accepted', /3 × 34881 × 41044 = 4294967292 values \(C × H × W\), more than the limit of 4194304/);
      assert.equal(await errorText(page), rejection, 'the page shows the link\'s message');
      assert.deepEqual(await snapshot(page), before, 'the previous analysis stays');
    });

    await t.test('bad settings', async () => {
      const rejection = await page.evaluate(() => window.vitopo.settings({ metric: 'manhattan' }).then(() => null, (e) => e.message));
      assert.match(rejection ?? 'it was accepted', /manhattan/);
      assert.match(await errorText(page), /manhattan/);
      assert.deepEqual(await snapshot(page), before, 'the previous settings and analysis stay');
    });

    await t.test('cancelling an analysis keeps the previous one', async () => {
      const outcome = await page.evaluate(async (file) => {
        const request = window.vitopo.loadImage('samples/' + file);
        const cancelled = window.vitopo.cancel();
        return { cancelled, rejection: await request.then(() => null, (e) => e.message) };
      }, samples()[2].file);
      assert.deepEqual(outcome, { cancelled: true, rejection: 'The analysis was cancelled.' });
      assert.match(await page.evaluate(() => document.getElementById('status').textContent), /Cancelled/);
      assert.deepEqual(await snapshot(page), before, 'the previous analysis stays');
    });

    await t.test('a photo-sized JPEG of a dark item on a light background is analysed', async () => {
      const result = await page.evaluate(async () => {
        const canvas = new OffscreenCanvas(3000, 2000);
        const g = canvas.getContext('2d');
        g.fillStyle = '#f4f1ea';
        g.fillRect(0, 0, 3000, 2000);
        g.fillStyle = '#202830';
        g.fillRect(1200, 500, 600, 1200);   // a trouser-like shape: two legs
        g.fillStyle = '#f4f1ea';
        g.fillRect(1480, 900, 40, 800);
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        const analysis = await window.vitopo.loadImage(new File([blob], 'photo.jpg', { type: 'image/jpeg' }));
        return { heads: analysis.heads.length, shape: analysis.shape, error: document.getElementById('error').textContent };
      });
      assert.equal(result.error, '');
      assert.equal(result.heads, result.shape.layers * result.shape.heads);
    });

    await t.test('a good image after the bad ones is analysed and clears the error', async () => {
      const analysis = await page.evaluate((file) => window.vitopo.loadImage('samples/' + file), samples()[1].file);
      assert.equal(analysis.schema, 'vitopo.analysis/1');
      assert.equal(await errorText(page), '');
    });
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await close();
  }
});
