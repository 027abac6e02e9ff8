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
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

// Starts web/serve.mjs on a free port; resolves to {url, stop()}.
export function serve() {
  const server = spawn(process.execPath, [path.join(sourceDir, 'web', 'serve.mjs'), '--port', '0', '--root', site],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => { server.kill(); reject(new Error(`serve.mjs printed no URL: ${out}${err}`)); }, 10000);
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

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
}

// Opens the page and waits for vitopo.ready. Returns {page, browser, server, log, close()}.
// `log` collects console messages and page errors, for failure reports.
export async function openPage({ viewport = { width: 1400, height: 900 } } = {}) {
  const server = await serve();
  const browser = await launch();
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  const close = async () => {
    await browser.close().catch(() => {});
    server.stop();
  };
  try {
    await page.goto(server.url);
    await page.waitForFunction(() => window.vitopo && window.vitopo.ready, null, { timeout: 60000 });
    await page.evaluate(() => window.vitopo.ready);
  } catch (e) {
    await close();
    throw new Error(`${e.message}\npage log:\n${log.join('\n')}`);
  }
  return { page, browser, server, log, close };
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
