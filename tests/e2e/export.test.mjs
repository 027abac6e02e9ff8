// The research export in the page (docs/contracts.md, "Research export"):
// the bundle of a sample, unzipped with fflate, holds a reproduce.py that
// Debian's python3 runs to exit 0; attention.npy is vitopo.attention() bit
// for bit; bars.csv is the analysis JSON; ripser on distance.ldm gives the
// selected head's barcode; distances.npy, features.csv and the SVGs are
// checked by export_check.py (scipy, numpy + networkx, an XML parser); a PNG
// decodes at the requested scale; and `vitopo analyze --export` on the page's
// attention writes the same data. Bad requests are refused with a sentence.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import { artifacts, nativeCli, openPage, site, sourceDir } from './harness.mjs';

// One file of the page's export, its bytes carried as base64.
async function exported(page, kind, options = {}) {
  const file = await page.evaluate(async ([k, o]) => {
    const f = await window.vitopo.export(k, o);
    let text = '';
    for (let i = 0; i < f.bytes.length; i += 0x8000) text += String.fromCharCode(...f.bytes.subarray(i, i + 0x8000));
    return { name: f.name, type: f.type, base64: btoa(text), width: f.width, height: f.height, isBytes: f.bytes instanceof Uint8Array };
  }, [kind, options]);
  return { ...file, bytes: Buffer.from(file.base64, 'base64') };
}

// The data of a little-endian .npy file: {descr, shape, data: Buffer}.
function readNpy(bytes) {
  const length = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + length);
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').filter((s) => s.trim()).map(Number);
  return { descr: header.match(/'descr': '([^']+)'/)[1], shape, data: bytes.subarray(10 + length) };
}

function csvRows(text) {
  const [head, ...lines] = text.trim().split('\n');
  const names = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

// Width, height and the inflated rows of an 8-bit RGBA PNG (IHDR, IDAT, IEND).
function decodePng(bytes) {
  assert.equal(bytes.toString('latin1', 1, 4), 'PNG', 'a PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colour = -1;
  const idat = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') [width, height, colour] = [data.readUInt32BE(0), data.readUInt32BE(4), data[9]];
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const channels = { 2: 3, 6: 4 }[colour];
  assert.ok(channels, `an RGB or RGBA PNG (colour type ${colour})`);
  assert.equal(raw.length, height * (1 + width * channels), 'the PNG\'s rows decode to its size');
  return { width, height, raw };
}

function ripserBarcode(file, maxdim) {
  const out = execFileSync('ripser', ['--format', 'lower-distance', '--dim', String(maxdim), file], { encoding: 'utf8' });
  const bars = [];
  let dim = -1;
  for (const line of out.split('\n')) {
    const m = line.match(/^persistence intervals in dim (\d+):/);
    if (m) dim = Number(m[1]);
    const bar = line.match(/^ \[([^,]+),([^)]*)\)/);
    if (bar && dim >= 0) (bars[dim] ??= []).push([Number(bar[1]), bar[2].trim() === '' ? Infinity : Number(bar[2])]);
  }
  return bars;
}

const close = (a, b, rel) => (a === b) || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12);
const byValue = (a, b) => a[0] - b[0] || a[1] - b[1];

test('research export: the bundle reproduces, its files equal the page\'s data, the CLI\'s export and the oracles', async () => {
  const dir = path.join(artifacts, 'export');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const { page, log, close: closePage } = await openPage();
  try {
    await page.evaluate(() => window.vitopo.select({ layer: 1, head: 2 }));
    const analysis = await page.evaluate(() => window.vitopo.analysis());
    const { layer, head } = await page.evaluate(() => window.vitopo.selection());
    assert.deepEqual([layer, head], [1, 2], 'the selected head');

    // The bundle, unzipped with fflate; its reproduce.py with Debian's python3.
    const bundle = await exported(page, 'bundle.zip');
    assert.ok(bundle.isBytes && bundle.type === 'application/zip', 'bundle.zip is a Uint8Array of type application/zip');
    assert.match(bundle.name, /-vitopo-fmnist-vit-d64-l4-h4-p4-export\.zip$/, `the bundle's name carries the model's id (${bundle.name})`);
    const image = analysis && (await page.evaluate(() => window.vitopo.workspace().find((e) => e.current).name));
    assert.ok(bundle.name.startsWith(image.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_')),
      `the bundle's name carries the image's (${image}: ${bundle.name})`);
    const entries = unzipSync(new Uint8Array(bundle.bytes));
    for (const [name, bytes] of Object.entries(entries)) {
      fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
    const folder = path.join(dir, Object.keys(entries)[0].split('/')[0]);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
    assert.equal(manifest.schema, 'vitopo.export/1');
    const file = (kind) => path.join(folder, manifest.files.find((f) => f.kind === kind).name);
    for (const f of manifest.files) assert.equal(fs.statSync(path.join(folder, f.name)).size, f.bytes, `manifest size of ${f.name}`);
    const reproduce = spawnSync('/usr/bin/python3', [file('reproduce.py')], { encoding: 'utf8' });
    assert.equal(reproduce.status, 0, `reproduce.py exits 0:\n${reproduce.stdout}${reproduce.stderr}`);

    // attention.npy is vitopo.attention(), bit for bit.
    const attention = await page.evaluate(() => {
      const a = window.vitopo.attention();
      return { shape: a.shape, bits: Array.from(new Uint32Array(a.data.buffer)) };
    });
    const npy = readNpy(fs.readFileSync(file('attention.npy')));
    assert.equal(npy.descr, '<f4');
    assert.deepEqual(npy.shape, attention.shape);
    assert.deepEqual(Array.from(new Uint32Array(npy.data.buffer.slice(npy.data.byteOffset, npy.data.byteOffset + npy.data.length))),
      attention.bits, 'attention.npy is vitopo.attention() bit for bit');

    // bars.csv is the analysis JSON, double for double, in the engine's order.
    const rows = csvRows(fs.readFileSync(file('bars.csv'), 'utf8'));
    const fromJson = [];
    for (const h of analysis.heads) h.diagrams.forEach((d, dim) => d.forEach(([b, x], index) => fromJson.push([h.layer, h.head, dim, index, b, x])));
    assert.deepEqual(rows.map((r) => [Number(r.layer), Number(r.head), Number(r.dim), Number(r.index), Number(r.birth), r.death === '' ? null : Number(r.death)]),
      fromJson, 'bars.csv equals the analysis JSON');

    // ripser on distance.ldm (the selected head) gives that head's barcode.
    const selected = analysis.heads.find((h) => h.layer === 1 && h.head === 2);
    const ripser = ripserBarcode(file('distance.ldm'), analysis.settings.maxdim);
    selected.diagrams.forEach((d, dim) => {
      const ours = d.map(([b, x]) => [b, x ?? Infinity]).sort(byValue);
      const theirs = (ripser[dim] ?? []).sort(byValue);
      assert.equal(theirs.length, ours.length, `ripser on distance.ldm: H${dim} bars`);
      ours.forEach(([b, x], k) => assert.ok(close(b, theirs[k][0], 1e-5) && close(x, theirs[k][1], 1e-5),
        `ripser on distance.ldm: H${dim} bar [${b}, ${x}) against [${theirs[k]}]`));
    });

    // distances.npy (scipy), features.csv (numpy + networkx) and the SVGs (XML).
    const check = spawnSync('/usr/bin/python3', [path.join(sourceDir, 'tests', 'e2e', 'export_check.py'), folder, '1', '2'], { encoding: 'utf8' });
    assert.equal(check.status, 0, `export_check.py:\n${check.stdout}${check.stderr}`);

    // vitopo.distanceMatrix and vitopo.cycle agree with distances.npy and cycles.json.
    const matrix = await page.evaluate(() => { const m = window.vitopo.distanceMatrix(1, 2); return { n: m.n, isF64: m.data instanceof Float64Array, data: Array.from(m.data) }; });
    const distances = readNpy(fs.readFileSync(file('distances.npy')));
    const n = matrix.n;
    const all = new Float64Array(distances.data.buffer.slice(distances.data.byteOffset, distances.data.byteOffset + distances.data.length));
    const offset = (1 * distances.shape[1] + 2) * n * n;
    assert.ok(matrix.isF64 && n === distances.shape[2], 'distanceMatrix is {n, data: Float64Array}');
    assert.deepEqual(matrix.data, Array.from(all.subarray(offset, offset + n * n)), 'distanceMatrix(1, 2) is distances.npy[1, 2]');
    const cycles = JSON.parse(fs.readFileSync(file('cycles.json'), 'utf8'));
    const headCycles = cycles.heads.find((h) => h.layer === 1 && h.head === 2).cycles;
    assert.ok(headCycles.length > 0, 'the selected head has a finite H1 bar');
    const first = headCycles[0];
    assert.deepEqual(await page.evaluate((i) => window.vitopo.cycle(1, 2, i), first.index), first.edges, 'vitopo.cycle is cycles.json\'s');

    // A PNG of a panel decodes at the requested scale.
    const png1 = await exported(page, 'png', { panel: 'barcode', scale: 1 });
    const png2 = await exported(page, 'png', { panel: 'barcode' });
    const d1 = decodePng(png1.bytes);
    const d2 = decodePng(png2.bytes);
    assert.deepEqual([d1.width, d1.height], [png1.width, png1.height], 'the PNG has the size it reports');
    assert.ok(Math.abs(d2.width - 2 * d1.width) <= 1 && Math.abs(d2.height - 2 * d1.height) <= 1,
      `the default scale is 2: ${d1.width}×${d1.height} at 1, ${d2.width}×${d2.height} at 2`);
    assert.ok(new Set(d1.raw).size > 8, 'the PNG is not blank');
    fs.writeFileSync(path.join(dir, png2.name), png2.bytes);

    // `vitopo analyze --export` on the page's attention writes the same data.
    fs.writeFileSync(path.join(dir, 'page-attention.npy'), fs.readFileSync(file('attention.npy')));
    const cliDir = path.join(dir, 'cli');
    execFileSync(nativeCli, ['analyze', path.join(dir, 'page-attention.npy'), '--export', cliDir, '--threads', '1']);
    const cliManifest = JSON.parse(fs.readFileSync(path.join(cliDir, 'manifest.json'), 'utf8'));
    const cli = (kind) => path.join(cliDir, cliManifest.files.find((f) => f.kind === kind).name);
    assert.deepEqual(cliManifest.files.map((f) => f.kind).sort(), ['analysis.json', 'attention.npy', 'bars.csv', 'cycles.json',
      'distance.ldm', 'distances.npy', 'features.csv', 'reproduce.py'], 'the CLI writes every data kind');
    assert.ok(fs.readFileSync(cli('attention.npy')).equals(fs.readFileSync(file('attention.npy'))), 'the same attention.npy');
    assert.ok(fs.readFileSync(cli('reproduce.py')).equals(fs.readFileSync(file('reproduce.py'))), 'the same reproduce.py');
    const cliDistances = readNpy(fs.readFileSync(cli('distances.npy')));
    assert.deepEqual(cliDistances.shape, distances.shape);
    const cd = new Float64Array(cliDistances.data.buffer.slice(cliDistances.data.byteOffset, cliDistances.data.byteOffset + cliDistances.data.length));
    cd.forEach((v, i) => assert.ok(close(v, all[i], 1e-12), `distances.npy entry ${i}: CLI ${v}, page ${all[i]}`));
    const pageLdm = await exported(page, 'distance.ldm', { layer: 0, head: 0 });
    const numbers = (text) => text.split(/[,\n]/).filter(Boolean).map(Number);
    const [a, b] = [numbers(pageLdm.bytes.toString()), numbers(fs.readFileSync(cli('distance.ldm'), 'utf8'))];
    assert.equal(a.length, b.length);
    a.forEach((v, i) => assert.ok(close(v, b[i], 1e-12), `distance.ldm entry ${i}`));
    const cliRows = csvRows(fs.readFileSync(cli('bars.csv'), 'utf8'));
    assert.equal(cliRows.length, rows.length, 'bars.csv: as many bars');
    const key = (r) => `${r.layer},${r.head},${r.dim}`;
    const group = (list) => list.reduce((m, r) => ((m[key(r)] ??= []).push(r), m), {});
    const [gp, gc] = [group(rows), group(cliRows)];
    for (const k of Object.keys(gp)) {
      const sort = (list) => list.map((r) => [Number(r.birth), r.death === '' ? Infinity : Number(r.death), r.birth_simplex, r.death_simplex]).sort(byValue);
      const [p, c] = [sort(gp[k]), sort(gc[k] ?? [])];
      assert.equal(c.length, p.length, `bars.csv ${k}: as many bars`);
      p.forEach((bar, i) => assert.ok(close(bar[0], c[i][0], 1e-9) && close(bar[1], c[i][1], 1e-9) && bar[2] === c[i][2] && bar[3] === c[i][3],
        `bars.csv ${k}: page ${bar}, CLI ${c[i]}`));
    }
    const [pf, cf] = [csvRows(fs.readFileSync(file('features.csv'), 'utf8')), csvRows(fs.readFileSync(cli('features.csv'), 'utf8'))];
    assert.deepEqual(Object.keys(cf[0]), Object.keys(pf[0]), 'features.csv: the same columns');
    pf.forEach((row, i) => Object.entries(row).forEach(([k, v]) => assert.ok(v === cf[i][k] || close(Number(v), Number(cf[i][k]), 1e-9),
      `features.csv row ${i} ${k}: page ${v}, CLI ${cf[i][k]}`)));
    const [pc, cc] = [cycles, JSON.parse(fs.readFileSync(cli('cycles.json'), 'utf8'))];
    assert.deepEqual(cc.heads.map((h) => h.cycles.map((c) => c.index)), pc.heads.map((h) => h.cycles.map((c) => c.index)), 'cycles.json: the same bars');
    const [pa, ca] = [JSON.parse(fs.readFileSync(file('analysis.json'), 'utf8')), JSON.parse(fs.readFileSync(cli('analysis.json'), 'utf8'))];
    assert.deepEqual(Object.keys(pa.export).sort(), ['created', 'image', 'model', 'onnxruntime', 'threads', 'vitopo_version']);
    assert.equal(pa.export.image, image);
    assert.equal(pa.export.model.sha256, createHash('sha256').update(fs.readFileSync(path.join(site, 'models', 'vitopo-fmnist.onnx'))).digest('hex'),
      'analysis.json has the model file\'s SHA-256');
    assert.equal(pa.export.model.sha256.slice(0, 32), pa.export.model.fingerprint, 'the SHA-256 starts with the fingerprint');
    assert.equal(pa.export.onnxruntime.execution_provider, 'wasm');
    assert.deepEqual(ca.settings, pa.settings, 'analysis.json: the same settings');
    assert.equal(ca.heads.length, pa.heads.length);
    const cliReproduce = spawnSync('/usr/bin/python3', [cli('reproduce.py')], { encoding: 'utf8' });
    assert.equal(cliReproduce.status, 0, `the CLI's reproduce.py exits 0:\n${cliReproduce.stdout}${cliReproduce.stderr}`);

    // Bad requests: a sentence, shown in the page, and the page keeps its analysis.
    const refusal = (expr) => page.evaluate(async (e) => {
      try {
        await (0, eval)(e);
        return null;
      } catch (err) {
        return { message: err.message, shown: document.getElementById('error').textContent };
      }
    }, expr);
    const cases = [
      ['window.vitopo.export("bars.xlsx")', /^vitopo cannot export "bars\.xlsx": the kinds are attention\.npy, .*bundle\.zip\.$/],
      ['window.vitopo.export("svg", {panel: "heatmap"})', /^There is no SVG of the panel "heatmap": the panels are barcode, diagram, skeleton\.$/],
      ['window.vitopo.export("png", {panel: "piano"})', /^There is no panel "piano" on the page: the panels drawn are image, .*barcode.*\.$/],
      ['window.vitopo.export("png", {panel: "barcode", scale: 0})', /^The PNG's scale must be a number above 0 and at most 8, not 0\.$/],
      ['window.vitopo.export("distance.ldm", {layer: 9, head: 0})', /^layer 9, head 0 is not in the analysis: the analysis has layers 0 to 3 and heads 0 to 3$/],
      ['window.vitopo.distanceMatrix(0, 4)', /^layer 0, head 4 is not in the analysis/],
      ['window.vitopo.distanceMatrix(-1, 0)', /^The layer must be a whole number ≥ 0, not -1\.$/],
      ['window.vitopo.cycle(1, 2, 100000)', /^layer 1, head 2 has \d+ H1 bars; there is no bar 100000$/],
    ];
    for (const [expr, pattern] of cases) {
      const r = await refusal(expr);
      assert.ok(r, `${expr} is refused`);
      assert.match(r.message, pattern, expr);
      assert.equal(r.shown, r.message, `${expr}: the message is shown in the page`);
    }
    assert.deepEqual(await page.evaluate(() => window.vitopo.analysis()), analysis, 'the analysis is as it was');
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await closePage();
  }
});

test('research export without WebGL2: the data and SVGs are the same, a PNG is refused with a sentence', async () => {
  const { page, log, close: closePage } = await openPage({ args: ['--disable-webgl', '--disable-webgl2'] });
  try {
    const analysis = await page.evaluate(() => window.vitopo.analysis());
    const rows = csvRows((await exported(page, 'bars.csv')).bytes.toString());
    assert.equal(rows.length, analysis.heads.reduce((n, h) => n + h.diagrams.reduce((m, d) => m + d.length, 0), 0), 'bars.csv has every bar');
    const svg = (await exported(page, 'svg', { panel: 'diagram', layer: 0, head: 0 })).bytes.toString();
    const bars = analysis.heads[0].diagrams.reduce((n, d) => n + d.length, 0);
    assert.equal((svg.match(/<circle class="point/g) ?? []).length, bars, 'the diagram SVG has one point per bar');
    const message = await page.evaluate(() => window.vitopo.export('png', { panel: 'barcode' }).then(() => null, (e) => e.message));
    assert.equal(message, 'The views are not running in this browser, so there is no panel to export as PNG.');
    // The header's Export menu downloads the same file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.selectOption('#export-menu', 'bars.csv')]);
    assert.match(download.suggestedFilename(), /-vitopo-fmnist-vit-d64-l4-h4-p4-bars\.csv$/);
    const saved = path.join(artifacts, 'export-menu-bars.csv');
    await download.saveAs(saved);
    assert.equal(fs.readFileSync(saved, 'utf8'), (await exported(page, 'bars.csv')).bytes.toString(), 'the menu\'s bars.csv');
    const bundle = unzipSync(new Uint8Array((await exported(page, 'bundle.zip')).bytes));
    const names = Object.keys(bundle);
    assert.ok(names.some((n) => n.endsWith('-reproduce.py')) && !names.some((n) => n.endsWith('.png')), `a bundle without PNGs: ${names}`);
  } catch (e) {
    e.message += `\npage log:\n${log.join('\n')}`;
    throw e;
  } finally {
    await closePage();
  }
});
