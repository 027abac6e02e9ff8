// A tiny static server for the page: 127.0.0.1 only, no dependencies.
//
//   node web/serve.mjs [--port N] [--root DIR]      (or PORT=N, VITOPO_SITE=DIR)
//
// Port 0 picks a free port; the real URL is printed either way, as the first
// line of output ("vitopo: serving DIR at http://127.0.0.1:PORT/"), so tests can
// read it. The page needs cross-origin isolation for ONNX Runtime's threads
// (SharedArrayBuffer), hence COOP/COEP on every response.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const bare = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  if (name === 'port' && bare !== undefined) return bare;
  return fallback;
}

const port = Number(option('port', process.env.PORT ?? 8000));
const root = path.resolve(option('root', process.env.VITOPO_SITE ?? path.join(here, '..', 'build', 'wasm', 'site')));

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`vitopo: the port must be an integer in 0..65535, not "${option('port')}"`);
  process.exit(2);
}
if (!fs.existsSync(path.join(root, 'index.html'))) {
  console.error(`vitopo: no site at ${root} (index.html missing): build it first with scripts/run.sh or cmake --build --preset wasm`);
  process.exit(2);
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.npy': 'application/octet-stream',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

function reply(res, status, text) {
  res.writeHead(status, { ...isolation, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n');
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return reply(res, 400, 'bad request\n');
  }
  if (pathname.endsWith('/')) pathname += 'index.html';
  const file = path.resolve(root, '.' + pathname);
  // Never serve anything outside the site folder.
  if (file !== root && !file.startsWith(root + path.sep)) return reply(res, 403, 'forbidden\n');
  fs.stat(file, (err, stat) => {
    if (err || !stat.isFile()) return reply(res, 404, `not found: ${pathname}\n`);
    const type = types[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Validators, so a client that keeps a copy (the page's model cache) can
    // ask whether it changed and be answered 304 without the body.
    const validators = { ETag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
      'Last-Modified': stat.mtime.toUTCString() };
    const match = req.headers['if-none-match'];
    const since = Date.parse(req.headers['if-modified-since'] ?? '');
    if (match !== undefined ? match.split(',').some((t) => t.trim() === validators.ETag)
      : since >= Math.floor(stat.mtimeMs / 1000) * 1000) {
      res.writeHead(304, { ...isolation, ...validators });
      return res.end();
    }
    res.writeHead(200, { ...isolation, ...validators, 'Content-Type': type, 'Content-Length': stat.size });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });
});

server.listen(port, '127.0.0.1', () => {
  const { port: real } = server.address();
  console.log(`vitopo: serving ${root} at http://127.0.0.1:${real}/`);
});
server.on('error', (e) => {
  console.error(`vitopo: cannot listen on 127.0.0.1:${port}: ${e.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
