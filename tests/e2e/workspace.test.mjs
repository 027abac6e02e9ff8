// The architecture's promises, in a real browser: share links are the core
// module's, so a page without WebGL2 (no views at all) makes one, and a
// normal page opens it to the same analysis; the workspace holds every
// analysis side by side, a re-analysis replaces its entry, and the views
// follow the page API's selection.
import test from 'node:test';
import assert from 'node:assert/strict';
import { launch, openFresh, openPage, samples } from './harness.mjs';

test('a page without WebGL2 makes a share link that a normal page opens to the same analysis', async () => {
  const viewless = await openPage({ args: ['--disable-webgl', '--disable-webgl2'] });
  const browser = await launch();
  try {
    const made = await viewless.page.evaluate(async () => {
      const v = window.vitopo;
      const webgl2 = document.createElement('canvas').getContext('webgl2') !== null;
      await v.settings({ metric: 'hellinger' });
      const analysis = v.analysis();
      // The first head with a finite H1 bar; ε in the middle of it.
      const head = analysis.heads.find((h) => h.diagrams[1].some(([, d]) => d !== null));
      const index = head.diagrams[1].findIndex(([, d]) => d !== null);
      const [birth, death] = head.diagrams[1][index];
      const selection = v.select({ layer: head.layer, head: head.head, bar: { dim: 1, index }, epsilon: (birth + death) / 2 });
      return { webgl2, analysis, selection, link: v.shareLink() };
    });
    assert.equal(made.webgl2, false, 'the first page really has no WebGL2');
    assert.ok(made.link && made.link.includes('#v1='), `a link was made without the views: ${made.link}`);

    const opened = await openFresh(browser, made.link);
    try {
      const got = await opened.page.evaluate(() => ({
        analysis: window.vitopo.analysis(),
        selection: window.vitopo.selection(),
        webgl2: document.getElementById('canvas').getContext('webgl2') !== null,
        error: document.getElementById('error').textContent,
      }));
      assert.equal(got.webgl2, true, 'the second page draws the views');
      assert.equal(got.error, '', `no error\n${opened.log.join('\n')}`);
      assert.deepEqual(got.analysis, made.analysis, 'the same analysis JSON, settings included');
      assert.deepEqual(got.selection, made.selection, 'the same head, bar and ε');
    } finally {
      await opened.close();
    }
  } finally {
    await browser.close();
    await viewless.close();
  }
});

test('the workspace lists every analysis; a re-analysis replaces its entry; a new image clears the bar', async () => {
  const { page, log, close } = await openPage();
  try {
    const [first, second] = samples();
    const state = await page.evaluate(async ([a, b]) => {
      const v = window.vitopo;
      const boot = v.workspace();
      await v.loadImage('samples/' + a);
      const analysis = v.analysis();
      const head = analysis.heads.find((h) => h.diagrams[1].length > 0);
      v.select({ layer: head.layer, head: head.head, bar: { dim: 1, index: 0 } });
      const withBar = v.selection();
      await v.loadImage('samples/' + b);
      const afterImage = v.selection();
      const two = v.workspace();
      await v.settings({ maxdim: 2 });
      const reanalysed = v.workspace();
      return { boot, withBar, afterImage, two, reanalysed, model: v.model(), heads: v.analysis().heads.length };
    }, [first.file, second.file]);
    assert.equal(state.boot.length, 1, 'the page opens with its first sample in the workspace');
    const [L, H] = [state.model.layers, state.model.heads];
    assert.equal(state.two.length, 3);
    for (const entry of state.two) {
      assert.deepEqual([entry.layers, entry.heads, entry.tokens], [L, H, state.model.tokens], `${entry.name}'s shape`);
      assert.match(entry.model, /^[0-9a-f]{32}$/, 'entries name their model by its fingerprint');
    }
    assert.deepEqual(state.two.map((e) => e.current), [false, false, true], 'the newest image is current');
    assert.equal(new Set(state.two.map((e) => e.id)).size, 3, 'ids are distinct');
    assert.deepEqual(state.reanalysed.map((e) => e.name), state.two.map((e) => e.name), 're-analysis replaces the current entry');
    assert.notEqual(state.reanalysed[2].id, state.two[2].id, 'as a new entry');
    assert.equal(state.heads, L * H);
    assert.notEqual(state.withBar.bar, null, 'a bar was selected');
    assert.equal(state.afterImage.bar, null, 'a new image clears the selected bar');
    assert.deepEqual([state.afterImage.layer, state.afterImage.head], [state.withBar.layer, state.withBar.head],
      `the head is kept\n${log.join('\n')}`);
  } finally {
    await close();
  }
});
