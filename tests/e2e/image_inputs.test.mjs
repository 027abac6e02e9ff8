// Every way in for an image (the file picker, drag and drop, paste, the
// sample gallery) and for a model (the model picker) reaches the analysis.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, samples, site, TIMEOUT } from './harness.mjs';

// Waits until the status line names `name` (the analysis of it is committed).
const analysed = (page, name) => page.waitForFunction(
  (n) => document.getElementById('status').textContent.startsWith(`${n}:`) && !!window.vitopo.analysis(), name, { timeout: TIMEOUT });

test('images arrive through the picker, drag and drop, paste and the gallery', async (t) => {
  const { page, log, close } = await openPage();
  const list = samples();
  const bytesOf = (s) => [...fs.readFileSync(path.join(site, 'samples', s.file))];
  try {
    await t.test('the file picker', async () => {
      await page.setInputFiles('#image-file', path.join(site, 'samples', list[1].file));
      await analysed(page, list[1].file);
    });

    await t.test('drag and drop onto the page', async () => {
      await page.evaluate(({ bytes, name }) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, { bytes: bytesOf(list[2]), name: 'dropped.png' });
      await analysed(page, 'dropped.png');
    });

    await t.test('paste', async () => {
      await page.evaluate(({ bytes, name }) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, { bytes: bytesOf(list[3]), name: 'pasted.png' });
      await analysed(page, 'pasted.png');
    });

    await t.test('the sample gallery', async () => {
      // The buttons the default model is offered (the RGB photos' are there, hidden).
      const count = await page.locator('#gallery .sample:not([hidden])').count();
      assert.equal(count, list.length, 'one gallery button per sample');
      await page.locator('#gallery .sample:not([hidden])').nth(4).click();
      await analysed(page, list[4].file);
    });

    await t.test('the model picker, with the default model', async () => {
      await page.setInputFiles('#model-file', path.join(site, 'models', 'vitopo-fmnist.onnx'));
      await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Model vitopo-fmnist.onnx loaded. '),
        null, { timeout: TIMEOUT });
      assert.equal(await page.evaluate(() => document.getElementById('error').textContent), '');
    });
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await close();
  }
});
