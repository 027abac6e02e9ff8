// The page's layout at three screen sizes (a laptop's 1280 × 720, a
// projector's 1920 × 1080, a small 900 × 600 window): the canvas fits the
// window without scrolling, the visible panels (vitopo.panels()) lie within
// the canvas and none overlaps another, each is large enough to read, and the
// image panel stays large (the model's input drawn big, not ~150 px).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, frames, openPage } from './harness.mjs';

const dir = path.join(artifacts, 'layout');
fs.mkdirSync(dir, { recursive: true });


// The overlap of two panels, in CSS pixels²; panels that only touch share 0.
function overlap(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0.5 && h > 0.5 ? w * h : 0;
}

// The smallest image panel that still shows the model's input large: at
// 1280 × 720 the image is drawn in a square of at least this side.
const IMAGE_SIDE = { '1280x720': 300, '1920x1080': 420, '900x600': 200 };

for (const [width, height] of [[1280, 720], [1920, 1080], [900, 600]]) {
  const size = `${width}x${height}`;
  test(`at ${width} × ${height}, the panels fit the canvas without overlapping and the image is large`, async () => {
    const { page, log, close } = await openPage({ viewport: { width, height } });
    try {
      await frames(page, 8);
      const got = await page.evaluate(() => {
        const c = document.getElementById('canvas').getBoundingClientRect();
        return {
          canvas: { x: c.left, y: c.top, width: c.width, height: c.height },
          panels: window.vitopo.panels(),
          scroll: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
          window: { width: window.innerWidth, height: window.innerHeight },
          image: window.vitopo.imageArea ? window.vitopo.imageArea() : null,
        };
      });
      fs.writeFileSync(path.join(dir, `${size}.png`), await page.screenshot());
      fs.writeFileSync(path.join(dir, `${size}.json`), JSON.stringify(got, null, 1));
      const { canvas, panels } = got;
      assert.ok(got.scroll.width <= got.window.width && got.scroll.height <= got.window.height,
        `the page scrolls: ${got.scroll.width} × ${got.scroll.height} in a ${got.window.width} × ${got.window.height} window`);
      assert.ok(canvas.x >= 0 && canvas.y >= 0 && canvas.x + canvas.width <= width + 0.5 && canvas.y + canvas.height <= height + 0.5,
        `the canvas ${JSON.stringify(canvas)} is cut off by the window`);
      for (const id of ['image', 'head-grid', 'settings', 'skeleton', 'barcode', 'diagram', 'distance-matrix', 'status'])
        assert.ok(panels.some((p) => p.id === id), `${id} is visible`);
      for (const p of panels) {
        assert.ok(p.x >= -0.5 && p.y >= -0.5 && p.x + p.width <= canvas.width + 0.5 && p.y + p.height <= canvas.height + 0.5,
          `${p.id} (${p.x}, ${p.y}, ${p.width} × ${p.height}) leaves the ${canvas.width} × ${canvas.height} canvas`);
        if (p.id !== 'status' && p.id !== 'arrangement')
          assert.ok(p.width >= 180 && p.height >= 110, `${p.id} is too small to read: ${p.width} × ${p.height}`);
      }
      for (let i = 0; i < panels.length; i++)
        for (let j = i + 1; j < panels.length; j++)
          assert.equal(overlap(panels[i], panels[j]), 0, `${panels[i].id} and ${panels[j].id} overlap`);
      const image = panels.find((p) => p.id === 'image');
      const side = Math.min(image.width, image.height);
      assert.ok(side >= IMAGE_SIDE[size], `the image panel is ${image.width} × ${image.height}: under ${IMAGE_SIDE[size]} px`);
      assert.deepEqual(log.filter((line) => line.startsWith('[pageerror]')), []);
    } finally {
      await close();
    }
  });
}
