// Share links in the page (docs/contracts.md): vitopo.shareLink() of a
// sample with changed settings and a selected head, bar and ε, opened in a
// fresh browser context, gives the same analysis JSON, the same attention bit
// for bit and the same selection. A tampered, a truncated and a foreign link
// each say what is wrong while the page keeps working; a link made with
// another model names it, and opens once that model is loaded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { TIMEOUT, artifacts, crc32, frames, openFresh, openPage, samples, selectInside, sourceDir } from './harness.mjs';

// Everything a link must reproduce, as the page API gives it.
function pageState(page) {
  return page.evaluate(() => {
    const v = window.vitopo;
    const attention = v.attention();
    return {
      analysis: v.analysis(),
      shape: attention?.shape ?? null,
      attention: attention ? Array.from(new Uint32Array(attention.data.buffer)) : null,  // the bits
      selection: v.selection(),
      prediction: v.prediction(),
      link: v.shareLink(),
      error: document.getElementById('error').textContent,
      status: document.getElementById('status').textContent,
      name: v.workspace().find((e) => e.current)?.name ?? null,
    };
  });
}

// The record inside a link (share_link.hpp's table).
function record(link) {
  return Buffer.from(link.slice(link.indexOf('#v1=') + 4), 'base64url');
}

test('a share link reopens the same analysis, attention and selection in a fresh browser context', async () => {
  const { page, browser, server, log, close } = await openPage();
  try {
    const sample = samples()[5];
    await page.evaluate((file) => window.vitopo.loadImage('samples/' + file), sample.file);
    await page.evaluate(() => window.vitopo.settings({ metric: 'hellinger', drop_cls: true }));
    const selected = await selectInside(page, 2, 1);
    await frames(page);  // the views take the selection, and keep it
    const made = await pageState(page);
    assert.equal(made.error, '', made.error);
    assert.deepEqual(made.selection, selected, 'the views keep the selection they were given');
    assert.equal(made.analysis.settings.metric, 'hellinger');
    assert.equal(made.analysis.settings.drop_cls, true);
    assert.ok(made.link.startsWith(server.url + '#v1='), made.link.slice(0, 60));
    assert.ok(/^#v1=[A-Za-z0-9_-]+$/.test(made.link.slice(server.url.length)), 'the fragment is the base64url of one record');

    // The record names the model by the SHA-256 of its ONNX file (node:crypto is the oracle)
    // and holds the 1 × 28 × 28 model input.
    const bytes = record(made.link);
    const onnx = fs.readFileSync(path.join(sourceDir, 'models', 'vitopo-fmnist.onnx'));
    assert.equal(bytes[0], 1, 'format version 1');
    assert.equal(bytes.subarray(1, 17).toString('hex'), createHash('sha256').update(onnx).digest('hex').slice(0, 32));
    const name = bytes[17];
    assert.deepEqual([bytes[18 + name], bytes.readUInt16LE(19 + name), bytes.readUInt16LE(21 + name)], [1, 28, 28]);
    // The image's name, n then n bytes of UTF-8, ends the record before its CRC-32 (zlib is the oracle).
    const title = Buffer.from(made.name, 'utf8');
    assert.ok(title.length > 0, 'the image has a name');
    assert.equal(bytes[bytes.length - 5 - title.length], title.length);
    assert.ok(bytes.subarray(bytes.length - 4 - title.length, bytes.length - 4).equals(title), 'the record ends with the image\'s name');
    assert.equal(bytes.readUInt32LE(bytes.length - 4), zlib.crc32(bytes.subarray(0, bytes.length - 4)));
    fs.writeFileSync(path.join(artifacts, 'share-link.txt'), made.link + '\n');

    const fresh = await openFresh(browser, made.link);
    try {
      await frames(fresh.page);
      const opened = await pageState(fresh.page);
      assert.equal(opened.error, '', `${opened.error}\n${fresh.log.join('\n')}`);
      assert.equal(opened.name, made.name, 'the image panel keeps the image\'s name');
      assert.ok(opened.status.startsWith(made.name + ': '), opened.status);
      assert.deepEqual(opened.analysis, made.analysis, 'the same analysis JSON, diagrams and summaries exactly');
      assert.deepEqual(opened.shape, made.shape);
      assert.ok(opened.attention.every((bits, i) => bits === made.attention[i]), 'the same attention, bit for bit');
      assert.deepEqual(opened.prediction, made.prediction);
      assert.deepEqual(opened.selection, made.selection, 'the same layer, head, bar and ε');
      assert.equal(opened.link, made.link, 'the reopened page shares the very same link');
      assert.deepEqual(fresh.log.filter((line) => line.startsWith('[pageerror]')), []);
    } finally {
      await fresh.close();
    }

    // Pasting the link into the address bar of an open page (hashchange) opens it too.
    await page.evaluate(() => window.vitopo.loadImage('samples/' + 'bag-18.png'));
    await page.evaluate((link) => { location.hash = link.slice(link.indexOf('#')); }, made.link);
    await page.waitForFunction((name) => document.getElementById('status').textContent.startsWith(name + ':'), made.name, { timeout: TIMEOUT });
    const pasted = await pageState(page);
    assert.deepEqual(pasted.analysis, made.analysis);
    assert.deepEqual(pasted.selection, made.selection);

    // ε = 0 is a scale like any other (the skeleton has no edges): it is kept, not defaulted.
    await page.evaluate(() => window.vitopo.select({ layer: 1, head: 2, epsilon: 0, bar: null }));
    await frames(page);
    assert.equal((await page.evaluate(() => window.vitopo.selection())).epsilon, 0);
    assert.ok(record(await page.evaluate(() => window.vitopo.shareLink())).length > 0);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

test('a tampered or truncated link says so, and the page keeps working', async () => {
  const { page, browser, log, close } = await openPage();
  try {
    await selectInside(page, 1, 0);
    const link = await page.evaluate(() => window.vitopo.shareLink());
    const base = link.slice(0, link.indexOf('#'));
    const body = link.slice(link.indexOf('#v1=') + 4);

    // One character of the pixels changed: the checksum fails. The page boots on the first sample.
    const at = 400;
    const tampered = `${base}#v1=${body.slice(0, at)}${body[at] === 'A' ? 'B' : 'A'}${body.slice(at + 1)}`;
    const fresh = await openFresh(browser, tampered);
    try {
      const state = await pageState(fresh.page);
      assert.match(state.error, /^The share link is damaged: its checksum does not match/);
      assert.equal(state.analysis.heads.length, 16, 'the page still boots on the first sample');
      const first = await fresh.page.evaluate((file) => window.vitopo.loadImage('samples/' + file), samples()[0].file);
      assert.deepEqual(first, state.analysis, 'and it is the first sample');
      assert.equal(await fresh.page.evaluate(() => document.getElementById('error').textContent), '', 'a later success clears the message');
    } finally {
      await fresh.close();
    }

    // Cut short, into the open page: the message, and nothing the user had is lost.
    const before = await pageState(page);
    await page.evaluate((text) => { location.hash = text; }, `#v1=${body.slice(0, 800)}`);
    await page.waitForFunction(() => document.getElementById('error').textContent !== '', null, { timeout: TIMEOUT });
    const after = await pageState(page);
    assert.match(after.error, /^The share link is cut short: its record has 600 bytes, but its header declares \d+; copy the whole link/);
    assert.deepEqual(after.analysis, before.analysis);
    assert.deepEqual(after.selection, before.selection);
    assert.equal(after.link, before.link);

    // Not a link at all, and a version this page does not read.
    await page.evaluate(() => { location.hash = '#hello'; });
    await page.waitForFunction(() => document.getElementById('error').textContent.startsWith('Not a vitopo share link'), null, { timeout: TIMEOUT });
    await page.evaluate((text) => { location.hash = text; }, `#v3=${body}`);
    await page.waitForFunction(() => /version 3; this page reads version 1 and version 2 links/.test(document.getElementById('error').textContent), null, { timeout: TIMEOUT });

    // A crafted link whose checksum is right but whose bar does not exist:
    // refused after the analysis, before anything is replaced.
    const bytes = record(link);
    const name = Buffer.from(await page.evaluate(() => window.vitopo.workspace().find((e) => e.current).name), 'utf8');
    bytes.writeUInt32LE(99999, bytes.length - 4 - (1 + name.length) - 4);  // the bar index, before the image's name
    bytes.writeUInt32LE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
    const crafted = `#v1=${bytes.toString('base64url')}`;
    const refused = await page.evaluate((text) => window.vitopo.openShareLink(text).then(() => 'opened', (e) => e.message), crafted);
    assert.match(refused, /^The link's selection is not in its analysis: the selected bar is H\d bar 99999, but layer 1 head 0 has \d+ H\d bars$/);
    assert.deepEqual((await pageState(page)).analysis, before.analysis);

    // The page still works.
    const next = await page.evaluate((file) => window.vitopo.loadImage('samples/' + file), samples()[2].file);
    assert.equal(next.heads.length, 16);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

test('a link made with another model names it, and opens once that model is loaded', async () => {
  const dir = path.join(artifacts, 'share-link-other-model');
  fs.mkdirSync(dir, { recursive: true });
  const model = path.join(dir, 'other.onnx');
  execFileSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'other_model.py'), model], { stdio: 'pipe' });
  const onnx = [...fs.readFileSync(model)];
  const loadOther = (page) => page.evaluate((b) => window.vitopo.loadModel(new File([new Uint8Array(b)], 'other.onnx')), onnx);

  const { page, browser, log, close } = await openPage();
  try {
    await loadOther(page);
    await selectInside(page, 1, 2);
    const made = await pageState(page);
    assert.equal(made.error, '');
    assert.deepEqual(made.shape, [2, 3, 17, 17]);
    assert.deepEqual([...record(made.link).subarray(1, 17)],
      [...createHash('sha256').update(Buffer.from(onnx)).digest().subarray(0, 16)]);

    const fresh = await openFresh(browser, made.link);
    try {
      const state = await pageState(fresh.page);
      assert.match(state.error, /^This share link was made with the model "e2e test ViT \(RGB 32x32, patch 8, 2 layers, 3 heads\)" \(SHA-256 [0-9a-f]{12}…\), but the loaded model is "vitopo Fashion-MNIST ViT[^"]*" \(SHA-256 [0-9a-f]{12}…\)\. Load that model with “Model…” and the link opens\.$/);
      assert.deepEqual(state.shape, [4, 4, 50, 50], 'the page stays on its own model and the first sample');

      await loadOther(fresh.page);
      await frames(fresh.page);
      const opened = await pageState(fresh.page);
      assert.equal(opened.error, '');
      assert.deepEqual(opened.analysis, made.analysis);
      assert.ok(opened.attention.every((bits, i) => bits === made.attention[i]));
      assert.deepEqual(opened.selection, made.selection);
      assert.equal(opened.link, made.link);
    } finally {
      await fresh.close();
    }
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

test('"Copy link" puts the link on the clipboard; refused, it shows the link in a box to copy', async () => {
  const { page, browser, server, log, close } = await openPage();
  const origin = server.url.replace(/\/$/, '');
  // The status bar's "Copy link" button, at the bottom right of the canvas (1400 × 900 viewport).
  const copyLink = async () => {
    await frames(page);
    await page.mouse.click(1400 - 45, 900 - 18);
  };
  try {
    const link = await page.evaluate(() => window.vitopo.shareLink());
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    await copyLink();
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Share link copied'), null, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    assert.equal(await page.evaluate(() => document.getElementById('status').textContent),
      `Share link copied to the clipboard (${link.length} characters).`);

    // The browser refuses the clipboard (the permission denied, through the DevTools protocol).
    const cdp = await browser.newBrowserCDPSession();
    const { browserContextIds } = await cdp.send('Target.getBrowserContexts');
    for (const browserContextId of browserContextIds) {
      await cdp.send('Browser.setPermission', { permission: { name: 'clipboard-write' }, setting: 'denied', origin, browserContextId });
    }
    await copyLink();
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('The browser did not allow the clipboard'), null, { timeout: TIMEOUT });
    const box = await page.evaluate(() => {
      const input = document.getElementById('share-link');
      return { value: input.value, hidden: input.hidden, focused: document.activeElement === input,
        selected: input.selectionStart === 0 && input.selectionEnd === input.value.length };
    });
    assert.deepEqual(box, { value: link, hidden: false, focused: true, selected: true });
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

