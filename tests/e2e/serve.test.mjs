// web/serve.mjs serves the site on 127.0.0.1 with the MIME types the browser
// needs (module scripts, streaming wasm compilation) and the cross-origin
// isolation headers ONNX Runtime's threads need; nothing outside the site.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { samples, serve } from './harness.mjs';

function get(url, path) {
  // Raw path: fetch() would normalise "/../" away before sending it.
  return new Promise((resolve, reject) => {
    http.get(new URL(url), { path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    }).on('error', reject);
  });
}

test('serve.mjs: MIME types, COOP/COEP/CORP, 404 and no way out of the site', async () => {
  const server = await serve();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const expected = {
      '/': 'text/html',
      '/main.mjs': 'text/javascript',
      '/vitopo_core.wasm': 'application/wasm',
      '/vitopo_app.wasm': 'application/wasm',
      '/ort/ort.wasm.min.mjs': 'text/javascript',
      '/ort/ort-wasm-simd-threaded.wasm': 'application/wasm',
      '/models/vitopo-fmnist.onnx': 'application/octet-stream',
      '/samples/samples.json': 'application/json',
      [`/samples/${samples()[0].file}`]: 'image/png',
    };
    for (const [path, type] of Object.entries(expected)) {
      const res = await get(server.url, path);
      assert.equal(res.statusCode, 200, path);
      assert.equal(res.headers['content-type'].split(';')[0], type, `${path} is served as ${type}`);
      assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', path);
      assert.equal(res.headers['cross-origin-embedder-policy'], 'require-corp', path);
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin', path);
    }
    assert.equal((await get(server.url, '/samples/')).statusCode, 404, 'a folder without index.html is not found');
    assert.equal((await get(server.url, '/no-such-file.mjs')).statusCode, 404);
    const escape = await get(server.url, '/../../CMakeLists.txt');
    assert.ok([403, 404].includes(escape.statusCode), `a path out of the site is refused (${escape.statusCode})`);
    const encoded = await get(server.url, '/%2e%2e/%2e%2e/CMakeLists.txt');
    assert.ok([403, 404].includes(encoded.statusCode), `an encoded path out of the site is refused (${encoded.statusCode})`);
    const slash = await get(server.url, '/..%2f..%2fCMakeLists.txt');
    assert.ok([403, 404].includes(slash.statusCode), `an encoded slash out of the site is refused (${slash.statusCode})`);
  } finally {
    server.stop();
  }
});

test('serve.mjs: ETag and Last-Modified, and 304 without a body for a copy that is still current', async () => {
  const server = await serve();
  const ask = (headers) => new Promise((resolve, reject) => {
    http.get(new URL('/models/vitopo-fmnist.onnx', server.url), { headers }, (res) => {
      let bytes = 0;
      res.on('data', (d) => { bytes += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes }));
    }).on('error', reject);
  });
  try {
    const first = await ask({});
    assert.equal(first.status, 200);
    assert.match(first.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(first.bytes > 0 && first.bytes === Number(first.headers['content-length']));
    const same = await ask({ 'If-None-Match': first.headers.etag });
    assert.deepEqual([same.status, same.bytes], [304, 0]);
    assert.equal(same.headers['cross-origin-embedder-policy'], 'require-corp');
    const other = await ask({ 'If-None-Match': '"0-0"' });
    assert.deepEqual([other.status, other.bytes], [200, first.bytes], 'another version is sent whole');
    const since = await ask({ 'If-Modified-Since': first.headers['last-modified'] });
    assert.equal(since.status, 304);
    const before = await ask({ 'If-Modified-Since': new Date(Date.parse(first.headers['last-modified']) - 60000).toUTCString() });
    assert.equal(before.status, 200);
  } finally {
    server.stop();
  }
});
