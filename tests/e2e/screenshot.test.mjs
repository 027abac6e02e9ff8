// A screenshot after analysis shows the panels: the canvas is drawn over most
// of its area, and most of its regions hold data drawn in colour (bars,
// points, edges, heatmaps), not just grey chrome and placeholder text. With
// the panels empty (as when the analysis failed) 1 region of 12 is coloured;
// with them drawn, 11. The screenshots are kept as test artifacts:
// <build>/e2e-artifacts/screenshot-after-analysis.png (the canvas) and
// screenshot-after-analysis.page.png (the whole page).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, frames, openPage } from './harness.mjs';

const COLUMNS = 4;
const ROWS = 3;
// A region "holds data" when at least this fraction of its pixels is vivid
// (max - min channel > 60): the chrome and text are grey, the data is not.
const VIVID = 0.005;
const COLOURED_CELLS = 9;

test('a screenshot after analysis shows the panels', async () => {
  const { page, log, close } = await openPage();
  try {
    // Let the views draw a few frames with the analysis in place.
    await frames(page, 10);
    const canvas = page.locator('#canvas');
    const shot = await canvas.screenshot();
    const file = path.join(artifacts, 'screenshot-after-analysis.png');
    fs.writeFileSync(file, shot);
    fs.writeFileSync(path.join(artifacts, 'screenshot-after-analysis.page.png'), await page.screenshot());

    // The browser decodes the PNG; colours are quantised to 4 bits a channel.
    const stats = await page.evaluate(async ({ bytes, columns, rows }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const c = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = c.getContext('2d');
      g.drawImage(bitmap, 0, 0);
      const { data, width, height } = g.getImageData(0, 0, bitmap.width, bitmap.height);
      const all = new Set();
      const cells = [];
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < columns; q++) {
          const counts = new Map();
          let n = 0;
          let vivid = 0;
          for (let y = Math.floor(r * height / rows); y < Math.floor((r + 1) * height / rows); y++) {
            for (let x = Math.floor(q * width / columns); x < Math.floor((q + 1) * width / columns); x++) {
              const i = 4 * (y * width + x);
              const key = ((data[i] >> 4) << 8) | ((data[i + 1] >> 4) << 4) | (data[i + 2] >> 4);
              // The UI chrome is grey; data (bars, points, edges, heatmaps) is drawn in colour.
              if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) vivid++;
              counts.set(key, (counts.get(key) ?? 0) + 1);
              all.add(key);
              n++;
            }
          }
          cells.push({ colours: counts.size, dominant: Math.max(...counts.values()) / n, vivid: vivid / n });
        }
      }
      return { width, height, colours: all.size, cells };
    }, { bytes: [...shot], columns: COLUMNS, rows: ROWS });

    const drawn = stats.cells.filter((c) => c.colours >= 6 && c.dominant < 0.97).length;
    const coloured = stats.cells.filter((c) => c.vivid >= VIVID).length;
    const detail = `${file}: ${stats.width}×${stats.height}, ${stats.colours} colours; cells ` +
      stats.cells.map((c) => `${c.colours}/${(100 * c.dominant).toFixed(0)}%/${(100 * c.vivid).toFixed(2)}%`).join(' ') + `\n${log.join('\n')}`;
    assert.ok(stats.width >= 800 && stats.height >= 500, `the canvas fills the window (${detail})`);
    assert.ok(stats.colours >= 24, `the frame has many colours (${detail})`);
    assert.ok(drawn >= (COLUMNS * ROWS) / 2, `at least half of the ${COLUMNS}×${ROWS} regions hold drawn panels, ${drawn} do (${detail})`);
    assert.ok(coloured >= COLOURED_CELLS, `at least ${COLOURED_CELLS} of the ${COLUMNS}×${ROWS} regions hold data drawn in colour, ${coloured} do (${detail})`);
  } finally {
    await close();
  }
});
