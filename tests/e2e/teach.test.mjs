// The teaching layer in a real browser: the guided tour's steps set the state
// they say and highlight a visible panel (screenshots kept, each different
// from the last, with the highlight's frame on the panel and neither the
// panel nor the card blank); the out-of-distribution notice comes for a photo-like image
// and for no sample; a lesson link reopens at its step with exactly its
// panels hidden; the gallery names classes; the presentation scale applies.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, decodePng, frames, launch, openFresh, openPage, samples } from './harness.mjs';

const dir = path.join(artifacts, 'teach');
fs.mkdirSync(dir, { recursive: true });


test('every tour step sets its state and shows its panel', async () => {
  const { page, log, close } = await openPage();
  try {
    const tour = await page.evaluate(() => window.vitopo.tour());
    assert.ok(tour.steps.length >= 10);
    assert.deepEqual(tour.steps.slice(0, 10).map((s) => s.id), ['patches', 'attention-row', 'js-distance', 'distance-matrix',
      'epsilon', 'components', 'loop', 'barcode-diagram', 'compare', 'lesson-link']);
    for (const s of tour.steps) {
      assert.ok(s.title.length > 0);
      const sentences = s.text.split(/(?<=[.!?])\s+/).filter(Boolean).length;
      assert.ok(sentences >= 2 && sentences <= 4, `${s.id}: 2 to 4 sentences, not ${sentences}`);
    }
    let last = null;
    for (let i = 0; i < tour.steps.length; i++) {
      const step = tour.steps[i];
      const state = await page.evaluate(async (k) => {
        const v = window.vitopo;
        const t = await v.tour.go(k);
        return { current: t.current, selection: v.selection(), analysis: v.analysis() };
      }, i);
      assert.equal(state.current, i);
      await frames(page, 8);
      const panels = await page.evaluate(() => window.vitopo.panels());
      assert.ok(panels.some((p) => p.id === step.panel && p.width > 0 && p.height > 0), `${step.id}: panel ${step.panel} is visible`);
      assert.ok(panels.some((p) => p.id === 'tour'), `${step.id}: the tour card is a panel`);
      const { selection, analysis } = state;
      const head = analysis.heads.find((h) => h.layer === selection.layer && h.head === selection.head);
      if (step.id === 'loop') {
        assert.equal(selection.bar?.dim, 1, 'the loop step selects an H1 bar');
        const [b, d] = head.diagrams[1][selection.bar.index];
        assert.ok(b <= selection.epsilon && selection.epsilon < d, `ε ${selection.epsilon} inside the bar [${b}, ${d})`);
      }
      if (step.id === 'components') {
        const beta0 = head.diagrams[0].filter(([b, d]) => b <= selection.epsilon && (d === null || selection.epsilon < d)).length;
        assert.ok(beta0 > 1 && beta0 < analysis.shape.tokens, `β0 = ${beta0} is between 1 and T`);
      }
      const shot = await page.screenshot();
      fs.writeFileSync(path.join(dir, `tour-${i + 1}-${step.id}.png`), shot);
      assert.ok(!last || !shot.equals(last), `${step.id}: the screenshot differs from the last step's`);
      last = shot;
      // The pixel check: the highlight's gold frame is drawn on the step's
      // panel, the panel inside it shows something (not one flat colour),
      // and so does the tour card.
      const where = await page.evaluate((id) => {
        const c = document.getElementById('canvas').getBoundingClientRect();
        const p = window.vitopo.panels().find((q) => q.id === id);
        const card = document.getElementById('tour-card').getBoundingClientRect();
        return { x: c.left + p.x, y: c.top + p.y, width: p.width, height: p.height,
          card: { x: card.left, y: card.top, width: card.width, height: card.height } };
      }, step.panel);
      const png = decodePng(shot);
      const at = (x, y) => {
        const k = (Math.round(y) * png.width + Math.round(x)) * png.channels;
        return [png.pixels[k], png.pixels[k + 1], png.pixels[k + 2]];
      };
      const gold = [255, 214, 102];
      const frame = [[where.x + 1, where.y + where.height / 2], [where.x + where.width / 2, where.y + 1]]
        .filter(([x, y]) => x >= 0 && y >= 0 && x < png.width && y < png.height && !(x >= where.card.x && x < where.card.x + where.card.width && y >= where.card.y && y < where.card.y + where.card.height));
      assert.ok(frame.length > 0 && frame.every(([x, y]) => at(x, y).every((v, k) => Math.abs(v - gold[k]) <= 40)),
        `${step.id}: the highlight's gold frame is on the ${step.panel} panel (${frame.map(([x, y]) => at(x, y).join(',')).join(' ')})`);
      const variety = (box) => {
        const colours = new Set();
        let sum = 0;
        let sum2 = 0;
        let n = 0;
        for (let y = Math.max(0, box.y + 6); y < Math.min(png.height, box.y + box.height - 6); y += 2)
          for (let x = Math.max(0, box.x + 6); x < Math.min(png.width, box.x + box.width - 6); x += 2) {
            const [r, g, b] = at(x, y);
            colours.add((r << 16) | (g << 8) | b);
            const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
            sum += l;
            sum2 += l * l;
            n++;
          }
        return { colours: colours.size, spread: Math.sqrt(Math.max(0, sum2 / n - (sum / n) ** 2)) };
      };
      for (const [name, box] of [[step.panel, where], ['tour card', where.card]]) {
        const v = variety(box);
        assert.ok(v.colours >= 20 && v.spread >= 8, `${step.id}: the ${name} looks blank (${v.colours} colours, spread ${v.spread.toFixed(1)})`);
      }
    }
    // The highlight sits on the step's panel.
    const box = await page.evaluate(() => {
      const h = document.getElementById('tour-highlight').getBoundingClientRect();
      const c = document.getElementById('canvas').getBoundingClientRect();
      const p = window.vitopo.panels().find((q) => q.id === window.vitopo.tour().steps[window.vitopo.tour().current].panel);
      return { dx: h.left - c.left - p.x, dy: h.top - c.top - p.y };
    });
    assert.ok(Math.abs(box.dx) < 1 && Math.abs(box.dy) < 1, JSON.stringify(box));
    // ← goes back a step, Esc closes.
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => window.vitopo.tour().current === n, tour.steps.length - 2);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => window.vitopo.tour().current), -1);
    assert.equal(await page.evaluate(() => document.getElementById('tour-card')), null);
    assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
  } finally {
    await close();
  }
});

test('a photo-like image gets the out-of-distribution notice; no sample does', async () => {
  const { page, close } = await openPage();
  try {
    const got = await page.evaluate(async (files) => {
      const v = window.vitopo;
      const out = {};
      for (const f of files) {
        await v.loadImage('samples/' + f);
        out[f] = v.notices();
      }
      // A photo-like image: smooth colour gradients with texture, no dark background.
      const c = new OffscreenCanvas(160, 120);
      const g = c.getContext('2d');
      for (let y = 0; y < 120; y++)
        for (let x = 0; x < 160; x++) {
          g.fillStyle = `rgb(${120 + 80 * Math.sin(x / 9)}, ${140 + 60 * Math.cos(y / 7)}, ${100 + ((x * 7 + y * 13) % 50)})`;
          g.fillRect(x, y, 1, 1);
        }
      await v.loadImage(await c.convertToBlob({ type: 'image/png' }));
      out.photo = v.notices();
      out.text = document.getElementById('notice')?.textContent ?? '';
      return out;
    }, samples().map((s) => s.file));
    for (const s of samples()) assert.deepEqual(got[s.file], [], `${s.file} gets no notice`);
    assert.equal(got.photo.length, 1);
    assert.equal(got.photo[0].kind, 'out-of-distribution');
    assert.match(got.photo[0].text, /10 classes: T-shirt\/top, Trouser/);
    assert.match(got.photo[0].text, /28 × 28 grayscale/);
    assert.match(got.text, /far from what/);
  } finally {
    await close();
  }
});

test('a lesson link reopens at its step with exactly its panels hidden; the gallery names classes; the scale applies', async () => {
  const { page, close } = await openPage();
  const browser = await launch();
  try {
    const made = await page.evaluate(() => {
      const v = window.vitopo;
      return { link: v.lessonLink({ step: 6, hide: ['barcode', 'diagram'] }), titles: [...document.querySelectorAll('#gallery .sample:not([hidden])')].map((b) => b.title),
        name: v.workspace().find((e) => e.current).name };
    });
    assert.match(made.link, /#v1=[A-Za-z0-9_-]+&lesson=6&hide=barcode,diagram$/);
    assert.ok(made.titles.length > 0 && made.titles.every((t) => /^Sample: (T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot)$/.test(t)), made.titles.join(', '));
    const opened = await openFresh(browser, made.link);
    try {
      await frames(opened.page, 8);
      const state = await opened.page.evaluate(() => ({ tour: window.vitopo.tour().current, panels: window.vitopo.panels().map((p) => p.id),
        name: window.vitopo.workspace().find((e) => e.current).name }));
      assert.equal(state.name, made.name, 'the lesson keeps the image\'s name');
      assert.equal(state.tour, 6, 'at the lesson step');
      assert.ok(!state.panels.includes('barcode') && !state.panels.includes('diagram'), state.panels.join(', '));
      for (const id of ['image', 'head-grid', 'settings', 'skeleton', 'distance-matrix']) assert.ok(state.panels.includes(id), `${id} is shown`);
      fs.writeFileSync(path.join(dir, 'lesson.png'), await opened.page.screenshot());
    } finally {
      await opened.close();
    }
    // Old links (no lesson) still open with every panel.
    const plain = await page.evaluate(() => window.vitopo.shareLink());
    const again = await openFresh(browser, plain);
    try {
      await frames(again.page, 8);
      const ids = await again.page.evaluate(() => window.vitopo.panels().map((p) => p.id));
      assert.ok(ids.includes('barcode') && ids.includes('diagram'));
    } finally {
      await again.close();
    }
    const scaled = await page.evaluate(async () => {
      const before = window.vitopo.panels().find((p) => p.id === 'arrangement').height;
      const set = window.vitopo.ui({ scale: 2 });
      await new Promise((r) => setTimeout(r, 400));
      return { set, before, after: window.vitopo.panels().find((p) => p.id === 'arrangement').height };
    });
    assert.equal(scaled.set.scale, 2);
    assert.ok(scaled.after > scaled.before * 1.5, `the tabs grow with the scale: ${scaled.before} → ${scaled.after}`);
    fs.writeFileSync(path.join(dir, 'scale-2.png'), await page.screenshot());
  } finally {
    await browser.close();
    await close();
  }
});

test('the skeleton draws the selected loop by ε: dashed before its birth, pink while alive, grey once filled in', async () => {
  const { page, close } = await openPage();
  try {
    const bar = await page.evaluate(() => {
      const v = window.vitopo;
      const { layer, head } = v.selection();
      const h = v.analysis().heads.find((x) => x.layer === layer && x.head === head);
      const bars = h.diagrams[1].map(([b, d], index) => ({ b, d, index })).filter((x) => x.d !== null && x.b > 0);
      bars.sort((p, q) => (q.d - q.b) - (p.d - p.b));
      return bars[0];
    });
    assert.ok(bar, 'the first head has a finite H1 bar');
    // Pixels of the alive cycle's pink (colours::highlight) in the skeleton panel.
    const pink = async (epsilon, name) => {
      await page.evaluate(({ index, e }) => window.vitopo.select({ bar: { dim: 1, index }, epsilon: e }), { index: bar.index, e: epsilon });
      await frames(page, 8);
      const p = await page.evaluate(() => {
        const c = document.getElementById('canvas').getBoundingClientRect();
        const q = window.vitopo.panels().find((x) => x.id === 'skeleton');
        return { x: c.left + q.x, y: c.top + q.y, width: q.width, height: q.height };
      });
      const shot = await page.screenshot({ clip: p });
      fs.writeFileSync(path.join(dir, `cycle-${name}.png`), shot);
      const png = decodePng(shot);
      let n = 0;
      for (let k = 0; k < png.width * png.height; k++) {
        const [r, g, b] = [0, 1, 2].map((j) => png.pixels[k * png.channels + j]);
        if (Math.abs(r - 255) <= 30 && Math.abs(g - 92) <= 30 && Math.abs(b - 138) <= 30) n++;
      }
      return n;
    };
    const before = await pink(bar.b * 0.5, 'not-born');
    const alive = await pink((bar.b + bar.d) / 2, 'alive');
    const dead = await pink(bar.d + (bar.d - bar.b) * 0.1, 'dead');
    // The legend's own pink swatch stays in all three.
    assert.ok(alive >= 120, `the alive loop is drawn in pink: ${alive} pixels`);
    assert.ok(alive > 2 * before && alive > 2 * dead, `pink pixels: before its birth ${before}, alive ${alive}, dead ${dead}`);
    console.log(`pink pixels: before its birth ${before}, alive ${alive}, dead ${dead}`);
  } finally {
    await close();
  }
});
