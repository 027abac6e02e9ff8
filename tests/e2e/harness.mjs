// What every end-to-end test needs: the site served by web/serve.mjs on a free
// port, and Debian's headless Chromium driven by playwright-core, on the page
// with vitopo.ready resolved.
//
// Configuration (set by tests/e2e/CMakeLists.txt):
//   VITOPO_SITE       the assembled site folder (build/wasm/site)
//   VITOPO_ARTIFACTS  where screenshots and failure logs go
//   VITOPO_NATIVE_BUILD  the native build folder holding the `vitopo` CLI (build/native)
//   VITOPO_NATIVE        or the CLI itself
import { spawn } from 'node:child_process';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const site = process.env.VITOPO_SITE ?? path.join(sourceDir, 'build', 'wasm', 'site');
export const artifacts = process.env.VITOPO_ARTIFACTS ?? path.join(site, '..', 'e2e-artifacts');
// The CLI is looked for where the native build puts it.
const nativeBuild = process.env.VITOPO_NATIVE_BUILD ?? path.join(sourceDir, 'build', 'native');
export const nativeCli = process.env.VITOPO_NATIVE ??
  [path.join(nativeBuild, 'vitopo'), path.join(nativeBuild, 'src', 'cli', 'vitopo')].find((f) => fs.existsSync(f)) ??
  path.join(nativeBuild, 'src', 'cli', 'vitopo');
fs.mkdirSync(artifacts, { recursive: true });

// How long a page step may take (boot, a file input, an analysis) on a loaded machine.
export const TIMEOUT = 180000;

// Starts web/serve.mjs on a free port; resolves to {url, stop()}.
export function serve() {
  const server = spawn(process.execPath, [path.join(sourceDir, 'web', 'serve.mjs'), '--port', '0', '--root', site],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => { server.kill(); reject(new Error(`serve.mjs printed no URL: ${out}${err}`)); }, 60000);
    server.stderr.on('data', (d) => { err += d; });
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => server.kill() });
      }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve.mjs exited with ${code}: ${err}`)); });
  });
}

// The switches every headless Chromium of the tests and benchmarks runs with.
export const chromiumArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'];

// `args`: more Chromium switches, e.g. ['--disable-webgl', '--disable-webgl2'].
export async function launch({ args = [] } = {}) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...chromiumArgs, ...args] });
}

// Opens the page and waits for vitopo.ready. Returns {page, browser, server, log, close()}.
// `log` collects console messages and page errors, for failure reports.
export async function openPage({ viewport = { width: 1400, height: 900 }, args = [] } = {}) {
  const server = await serve();
  const browser = await launch({ args });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  // Generous: the tests share two cores with builds and training runs.
  context.setDefaultTimeout(TIMEOUT);
  const requests = [];  // every URL the page and its workers fetched
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const close = async () => {
    await browser.close().catch(() => {});
    server.stop();
  };
  try {
    await page.goto(server.url, { timeout: TIMEOUT });
    await page.waitForFunction(() => window.vitopo && window.vitopo.ready, null, { timeout: TIMEOUT });
    await page.evaluate(() => window.vitopo.ready);
  } catch (e) {
    await close();
    throw new Error(`${e.message}\npage log:\n${log.join('\n')}`);
  }
  return { page, browser, server, log, requests, close };
}

// A fresh browser context (nothing shared with the page that made the link) on `url`.
export async function openFresh(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await page.goto(url, { timeout: TIMEOUT });
  await page.waitForFunction(() => window.vitopo && window.vitopo.ready, null, { timeout: TIMEOUT });
  await page.evaluate(() => window.vitopo.ready);
  return { page, log, close: () => context.close() };
}

// The samples the page offers: [{file, label, name, url}] from samples.json.
export function samples() {
  const json = JSON.parse(fs.readFileSync(path.join(site, 'samples', 'samples.json'), 'utf8'));
  return (Array.isArray(json) ? json : json.samples).map((s) => ({ ...s, file: s.file ?? s.path }));
}

// A float32 C-order .npy file (format 1.0) of the given shape.
export function npyFloat32(shape, data) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

// Decodes a non-interlaced 8-bit grayscale PNG (as models/samples.py writes
// them), as decodePng does, and refuses any other.
export function decodeGrayPng(bytes) {
  const png = decodePng(bytes);
  if (png.channels !== 1) throw new Error('not an 8-bit grayscale non-interlaced PNG');
  return png;
}

// Diagrams of the page and of the native CLI agree to this relative tolerance.
const RELATIVE = 1e-6;

function close(a, b) {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

// Bars of one diagram in a canonical order (by birth, then death; null last).
function sorted(diagram) {
  const key = (d) => (d === null ? Infinity : d);
  return [...diagram].sort((p, q) => p[0] - q[0] || key(p[1]) - key(q[1]));
}

export function assertSameDiagrams(page, native, where) {
  assert.equal(page.heads.length, native.heads.length, `${where}: number of heads`);
  for (let i = 0; i < page.heads.length; i++) {
    const a = page.heads[i];
    const b = native.heads[i];
    const head = `${where}, layer ${a.layer} head ${a.head}`;
    assert.deepEqual([a.layer, a.head], [b.layer, b.head], `${where}: head order`);
    assert.equal(a.diagrams.length, b.diagrams.length, `${head}: dimensions`);
    a.diagrams.forEach((diagram, dim) => {
      const x = sorted(diagram);
      const y = sorted(b.diagrams[dim]);
      assert.equal(x.length, y.length, `${head}: H${dim} has ${x.length} bars in the page, ${y.length} natively`);
      x.forEach(([birth, death], k) => {
        assert.ok(close(birth, y[k][0]) && close(death, y[k][1]),
          `${head}: H${dim} bar ${k} is [${birth}, ${death}) in the page, [${y[k][0]}, ${y[k][1]}) natively`);
      });
    });
  }
}

// Decodes a non-interlaced 8-bit PNG, grayscale, RGB or RGBA (as Chromium's
// screenshots are), into {width, height, channels, pixels: Uint8Array};
// the five row filters of the PNG specification (ISO/IEC 15948, section 9)
// are undone per byte, with the pixel's byte count as the filter's stride.
export function decodePng(bytes) {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = { 0: 1, 2: 3, 6: 4 }[data[9]];
      if (data[8] !== 8 || !channels || data[12] !== 0) throw new Error('not an 8-bit grayscale, RGB or RGBA non-interlaced PNG');
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// Resolves after `n` of the page's animation frames.
export function frames(page, n = 10) {
  return page.evaluate((count) => new Promise((resolve) => {
    let left = count;
    const step = () => (--left > 0 ? requestAnimationFrame(step) : resolve());
    requestAnimationFrame(step);
  }), n);
}

// Selects layer `layer`, head `head`, its first H1 bar (or an H0 bar) and ε
// in the middle of that bar; returns the selection.
export function selectInside(page, layer, head) {
  return page.evaluate(([l, h]) => {
    const v = window.vitopo;
    const diagrams = v.analysis().heads.find((x) => x.layer === l && x.head === h).diagrams;
    const dim = diagrams[1].length > 0 ? 1 : 0;
    const index = diagrams[dim].findIndex(([, death]) => death !== null);
    const [birth, death] = diagrams[dim][index];
    return v.select({ layer: l, head: h, epsilon: (birth + death) / 2, bar: { dim, index } });
  }, [layer, head]);
}

// CRC-32/ISO-HDLC, bit by bit from its definition (reflected polynomial
// 0xEDB88320), to craft a share link whose checksum the page accepts.
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
