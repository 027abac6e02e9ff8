// Share links of version 2 in the page (docs/contracts.md): with an RGB
// 224 × 224 model (rgb224_model.py), the model input is quantised to 8 bits
// before it goes to the model, and the link holds those codes deflated. The
// link is at most 300 KB; node's zlib inflates its codes (the oracle) and they
// give the very input the page analysed, bit for bit; opened in a fresh
// browser context it gives the same analysis JSON, attention and selection.
// A truncated link, a changed character, a crafted quantisation header and
// deflated pixels that do not inflate, or inflate to the wrong size, each get
// their own message, and the page keeps what it had.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { TIMEOUT, artifacts, crc32, frames, openFresh, openPage, selectInside, sourceDir } from './harness.mjs';

const LIMIT = 300 * 1024;

function pageState(page) {
  return page.evaluate(() => {
    const v = window.vitopo;
    const attention = v.attention();
    const input = v.input();
    return {
      analysis: v.analysis(),
      shape: attention?.shape ?? null,
      attention: attention ? Array.from(new Uint32Array(attention.data.buffer)) : null,
      input: input ? { dims: input.dims, bits: Array.from(new Uint32Array(input.data.buffer)) } : null,
      selection: v.selection(),
      link: v.shareLink(),
      error: document.getElementById('error').textContent,
    };
  });
}

// An RGB photo-like image drawn in the page (300 × 260, so the page resamples it).
function loadDrawnImage(page) {
  return page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 260);
    const g = canvas.getContext('2d');
    for (let y = 0; y < 260; y += 4) {
      for (let x = 0; x < 300; x += 4) {
        g.fillStyle = `rgb(${120 + 80 * Math.sin(x / 23)}, ${140 + 60 * Math.cos(y / 17)}, ${100 + ((x * 7 + y * 13) % 90)})`;
        g.fillRect(x, y, 4, 4);
      }
    }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return window.vitopo.loadImage(new File([blob], 'drawn.png', { type: 'image/png' }));
  });
}

// The record (share_link.hpp's version 2 table), read here independently.
function parse(link) {
  const bytes = Buffer.from(link.slice(link.indexOf('#v2=') + 4), 'base64url');
  const n = bytes[17];
  const c = bytes[18 + n], h = bytes.readUInt16LE(19 + n), w = bytes.readUInt16LE(21 + n);
  const q = 24 + n;
  const low = [], step = [];
  for (let i = 0; i < c; i++) {
    low.push(bytes.readFloatLE(q + 8 * i));
    step.push(bytes.readFloatLE(q + 8 * i + 4));
  }
  const k = q + 8 * c;
  const size = bytes.readUInt32LE(k + 37);
  return { bytes, version: bytes[0], fingerprint: bytes.subarray(1, 17), dims: [c, h, w], scheme: bytes[23 + n],
    low, step, quantisationAt: q, deflatedSizeAt: k + 37, deflated: bytes.subarray(k + 41, k + 41 + size),
    crc: bytes.readUInt32LE(bytes.length - 4) };
}

// The record with its deflated block replaced, its size and CRC made right.
function withDeflated(record, deflated) {
  const r = parse('#v2=' + record.toString('base64url'));
  const head = Buffer.from(record.subarray(0, r.deflatedSizeAt + 4));
  head.writeUInt32LE(deflated.length, r.deflatedSizeAt);
  return seal(Buffer.concat([head, deflated, Buffer.alloc(4)]));
}

function seal(bytes) {
  bytes.writeUInt32LE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
  return '#v2=' + bytes.toString('base64url');
}

// The RGB 224 test model (rgb224_model.py), written once into the artifacts'
// folder: {dir, onnx (its bytes), loadRgb(page)}, which loads it into a page as a File.
let rgb224Model = null;
function rgb224() {
  const dir = path.join(artifacts, 'share-link-v2');
  if (!rgb224Model) {
    fs.mkdirSync(dir, { recursive: true });
    const model = path.join(dir, 'rgb224.onnx');
    execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'rgb224_model.py'), model], { stdio: 'pipe' });
    rgb224Model = [...fs.readFileSync(model)];
  }
  const onnx = rgb224Model;
  return { dir, onnx, loadRgb: (page) => page.evaluate((b) => window.vitopo.loadModel(new File([new Uint8Array(b)], 'rgb224.onnx')), onnx) };
}

test('the share link of an RGB 224 model reopens bit for bit and is within the size limit', async () => {
  const { dir, onnx, loadRgb } = rgb224();

  const { page, browser, server, log, close } = await openPage();
  try {
    await loadRgb(page);
    await loadDrawnImage(page);
    await page.evaluate(() => window.vitopo.settings({ metric: 'hellinger' }));
    const selected = await selectInside(page, 1, 1);
    await frames(page);
    const made = await pageState(page);
    assert.equal(made.error, '', made.error);
    assert.deepEqual(made.shape, [2, 2, 50, 50]);
    assert.deepEqual(made.selection, selected);
    assert.ok(made.link.startsWith(server.url + '#v2='), made.link.slice(0, 60));
    const fragment = made.link.slice(made.link.indexOf('#'));
    console.log(`RGB 224 share link: ${made.link.length} characters (limit ${LIMIT})`);
    assert.ok(made.link.length <= LIMIT, `${made.link.length} characters`);
    fs.writeFileSync(path.join(dir, 'link.txt'), made.link + '\n');

    // The record, read here: the model's SHA-256 (node:crypto), the input's
    // size, and codes that node's zlib inflates and that stand for the very
    // input the page analysed, float32(low + step · code), bit for bit.
    const r = parse(made.link);
    assert.equal(r.version, 2);
    assert.equal(r.crc, crc32(r.bytes.subarray(0, r.bytes.length - 4)));
    assert.equal(r.fingerprint.toString('hex'), createHash('sha256').update(Buffer.from(onnx)).digest('hex').slice(0, 32));
    assert.deepEqual(r.dims, [3, 224, 224]);
    assert.equal(r.scheme, 1);
    const codes = zlib.inflateSync(r.deflated);
    assert.equal(codes.length, 3 * 224 * 224);
    const plane = 224 * 224;
    const expected = new Float32Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const c = Math.floor(i / plane);
      expected[i] = Math.fround(r.low[c] + r.step[c] * codes[i]);
    }
    assert.deepEqual(made.input.dims, [1, 3, 224, 224]);
    const bits = new Uint32Array(expected.buffer);
    const differing = made.input.bits.filter((b, i) => b !== bits[i]).length;
    assert.equal(differing, 0, 'the page analysed exactly the input the link holds');
    // Each channel's codes span 0 to 255: low is the least value, step the range / 255.
    for (let c = 0; c < 3; c++) {
      const channel = codes.subarray(c * plane, (c + 1) * plane);
      assert.deepEqual([channel.reduce((a, b) => Math.min(a, b)), channel.reduce((a, b) => Math.max(a, b))], [0, 255]);
    }

    // A fresh context boots on the default model: the link names the model
    // it needs, and opens once that model is loaded.
    const fresh = await openFresh(browser, made.link);
    try {
      const waiting = await pageState(fresh.page);
      assert.match(waiting.error, /^This share link was made with the model "e2e test ViT \(RGB 224x224, patch 32, 2 layers, 2 heads\)"/);
      await loadRgb(fresh.page);
      await frames(fresh.page);
      const opened = await pageState(fresh.page);
      assert.equal(opened.error, '', `${opened.error}\n${fresh.log.join('\n')}`);
      assert.deepEqual(opened.analysis, made.analysis, 'the same analysis JSON');
      assert.ok(opened.attention.every((b, i) => b === made.attention[i]), 'the same attention, bit for bit');
      assert.ok(opened.input.bits.every((b, i) => b === made.input.bits[i]), 'the same model input, bit for bit');
      assert.deepEqual(opened.selection, made.selection, 'the same layer, head, bar and ε');
      assert.equal(opened.link, made.link, 'the reopened page shares the very same link');
      assert.deepEqual(fresh.log.filter((line) => line.startsWith('[pageerror]')), []);
    } finally {
      await fresh.close();
    }

    // Bad version 2 links, each with its own message; the page keeps what it had.
    const before = await pageState(page);
    const refusal = (text) => page.evaluate((t) => window.vitopo.openShareLink(t).then(() => 'opened', (e) => `${e.kind}: ${e.message}`), text);
    const body = fragment.slice(4);
    assert.match(await refusal(`#v2=${body.slice(0, 4000)}`),
      /^truncated: The share link is cut short: its record has 3000 bytes, but its header declares \d+; copy the whole link$/);
    const at = Math.floor(body.length / 2);
    assert.match(await refusal(`#v2=${body.slice(0, at)}${body[at] === 'A' ? 'B' : 'A'}${body.slice(at + 1)}`),
      /^checksum: The share link is damaged: its checksum does not match \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\); it was altered or mistyped$/);
    const badStep = Buffer.from(r.bytes);
    badStep.writeFloatLE(NaN, r.quantisationAt + 12);  // channel 1's step
    assert.equal(await refusal(seal(badStep)),
      "quantisation: The link's quantisation: channel 1 (green)'s step nan is not a finite non-negative number");
    const badScheme = Buffer.from(r.bytes);
    badScheme[r.quantisationAt - 1] = 9;
    assert.equal(await refusal(seal(badScheme)),
      "quantisation: The link's quantisation scheme is 9, which version 2 does not define (1: per channel affine from uint8)");
    // Deflated pixels that are no intact zlib stream: a zlib header, then a block of the reserved type.
    assert.match(await refusal(withDeflated(r.bytes, Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))),
      /^inflate: The link's deflated pixels do not inflate: they are not an intact zlib stream \(after 0 of 150528 bytes\); the link was altered$/);
    assert.equal(await refusal(withDeflated(r.bytes, zlib.deflateSync(Buffer.alloc(1000, 7)))),
      "inflate: The link's pixels inflate to 1000 bytes, not C × H × W = 150528; the link was altered");
    assert.equal(await refusal(withDeflated(r.bytes, zlib.deflateSync(Buffer.alloc(200000, 7)))),
      "inflate: The link's pixels inflate to more than C × H × W = 150528 bytes; the link was altered");
    assert.equal(await refusal(withDeflated(r.bytes, Buffer.from([0x12, 0x34, 0, 0, 0, 0, 0, 0]))),
      "inflate: The link's deflated pixels do not start as a zlib stream (deflate, no dictionary): their header is 0x12 0x34");
    const after = await pageState(page);
    assert.deepEqual(after.analysis, before.analysis);
    assert.deepEqual(after.selection, before.selection);
    assert.equal(after.link, before.link);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

test('a frame of a perturbation series of an RGB 224 model is linked by its series and reopens bit for bit', async () => {
  const { loadRgb } = rgb224();
  const { page, browser, log, close } = await openPage();
  try {
    await loadRgb(page);
    await loadDrawnImage(page);
    await page.evaluate(() => window.vitopo.series({ perturbation: 'noise', strengths: [0, 0.02, 0.05], seed: 7 }));
    await page.evaluate(() => window.vitopo.frame(2));
    await frames(page);
    const made = await pageState(page);
    assert.equal(made.error, '', made.error);
    // The frame's input is noise in float32, not 8-bit codes: its own link would be version 1 and megabytes long.
    assert.match(made.link, /#v2=[A-Za-z0-9_-]+&series=[A-Za-z0-9_-]+&frame=2$/);
    assert.ok(made.link.length <= LIMIT, `${made.link.length} characters`);
    const fresh = await openFresh(browser, made.link);
    try {
      await loadRgb(fresh.page);  // the link waits for the model it was made with, then opens
      await fresh.page.waitForFunction((link) => window.vitopo.shareLink()?.endsWith(link.slice(link.indexOf('#'))), made.link, { timeout: TIMEOUT });
      const opened = await pageState(fresh.page);
      assert.equal(opened.error, '', opened.error);
      assert.deepEqual(opened.analysis, made.analysis, 'the frame\'s analysis JSON, exactly');
      assert.ok(opened.input.bits.every((b, i) => b === made.input.bits[i]), 'the frame\'s model input, bit for bit');
      assert.ok(opened.attention.every((b, i) => b === made.attention[i]), 'the frame\'s attention, bit for bit');
    } finally {
      await fresh.close();
    }
    // A frame index that is not a number is refused with a sentence.
    const refused = await page.evaluate((l) => window.vitopo.openShareLink(l).then(() => 'opened', (e) => e.message),
      made.link.replace(/&frame=2$/, '&frame=two'));
    assert.match(refused, /^The link's frame "two" is not a frame of a series it carries\.$/);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});
