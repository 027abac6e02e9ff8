// web/model_fetch.mjs under node: a model's bytes streamed with progress, and
// the size budget checked before the body is read (Content-Length, File.size)
// or as soon as a stream without Content-Length passes it. A local HTTP server
// counts what it really sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fetchModel, MODEL_BUDGET, ModelTooLarge, readModelFile } from '../../web/model_fetch.mjs';

const CHUNK = 64 * 1024;

// Routes: /fixed/N sends N bytes with Content-Length; /chunked/N sends N bytes
// without it; /claims/N says Content-Length N and then sends chunks slowly.
async function server() {
  const sent = new Map();
  const s = http.createServer((req, res) => {
    const [, kind, n] = req.url.split('/');
    const size = Number(n);
    const pattern = Buffer.alloc(CHUNK, 7);
    let written = 0;
    sent.set(req.url, 0);
    res.writeHead(200, kind === 'chunked' ? {} : { 'Content-Length': String(size) });
    const more = () => {
      while (written < size && !res.destroyed) {
        const part = pattern.subarray(0, Math.min(CHUNK, size - written));
        written += part.length;
        sent.set(req.url, written);
        if (kind === 'claims') return setTimeout(() => (res.write(part), more()), 20);
        if (!res.write(part)) return res.once('drain', more);
      }
      if (written >= size) res.end();
    };
    res.on('close', () => sent.set(req.url + ' closed', true));
    more();
  });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${s.address().port}`, sent, close: () => { s.closeAllConnections(); s.close(); } };
}

test('the budget is 1 GB', () => {
  assert.equal(MODEL_BUDGET, 1e9);
});

test('a model under the budget is read whole, with byte progress up to its Content-Length', async () => {
  const s = await server();
  try {
    const seen = [];
    const { bytes, cached } = await fetchModel(`${s.url}/fixed/300000`, 'm.onnx',
      { cache: null, progress: (done, total) => seen.push([done, total]) });
    assert.equal(bytes.byteLength, 300000);
    assert.ok(bytes.every((b) => b === 7));
    assert.equal(cached, false);
    assert.deepEqual(seen[0], [0, 300000]);
    assert.deepEqual(seen.at(-1), [300000, 300000]);
    assert.ok(seen.length >= 3, 'progress after each chunk');
    assert.ok(seen.every(([d, t], i) => t === 300000 && (i === 0 || d >= seen[i - 1][0])));
  } finally {
    s.close();
  }
});

test('a Content-Length over the budget is refused before the body is read', async () => {
  const s = await server();
  try {
    const size = 50 * CHUNK;
    await assert.rejects(fetchModel(`${s.url}/claims/${size}`, 'big.onnx', { cache: null, budget: 1e6 }),
      (e) => e instanceof ModelTooLarge &&
        e.message === 'big.onnx is 3.3 MB, over the page\'s model budget of 1.0 MB (what ONNX Runtime Web and ' +
          'the page can load in a browser\'s 32-bit wasm memory).');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(s.sent.get(`/claims/${size}`) < 5 * CHUNK, `the server sent ${s.sent.get(`/claims/${size}`)} bytes of ${size}`);
  } finally {
    s.close();
  }
});

test('a stream without Content-Length is stopped as soon as it passes the budget', async () => {
  const s = await server();
  try {
    const size = 400 * CHUNK;  // 26 MB
    const seen = [];
    await assert.rejects(fetchModel(`${s.url}/chunked/${size}`, 'endless.onnx',
      { cache: null, budget: 2e6, progress: (done, total) => seen.push([done, total]) }),
    (e) => e instanceof ModelTooLarge && /^endless\.onnx is over 2\.\d MB, over the page's model budget of 2\.0 MB/.test(e.message));
    assert.ok(seen.every(([done, total]) => done <= 2e6 && total === done || (done === 0 && total === 0)),
      'no total is known; nothing over the budget was kept');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.sent.get(`/chunked/${size} closed`), true, 'the connection was closed');
    assert.ok(s.sent.get(`/chunked/${size}`) < size / 2, `the server sent ${s.sent.get(`/chunked/${size}`)} of ${size} bytes`);
  } finally {
    s.close();
  }
});

test('a File over the budget is refused by its size, before any byte is read', async () => {
  const megabyte = new Blob([new Uint8Array(1e6)]);
  // 1001 parts of one 1 MB blob: 1.001 GB that takes no memory to make.
  const big = new File(Array(1001).fill(megabyte), 'huge.onnx');
  assert.equal(big.size, 1.001e9);
  let read = false;
  big.stream = () => { read = true; throw new Error('read'); };
  big.arrayBuffer = big.stream;
  await assert.rejects(readModelFile(big, 'huge.onnx'),
    (e) => e instanceof ModelTooLarge && e.message.startsWith('huge.onnx is 1001 MB, over the page\'s model budget of 1000 MB'));
  assert.equal(read, false);
  const small = await readModelFile(new File([new Uint8Array([1, 2, 3])], 's.onnx'), 's.onnx');
  assert.deepEqual([...small], [1, 2, 3]);
});

test('an HTTP error is a message naming the URL', async () => {
  const s = http.createServer((req, res) => { res.writeHead(404); res.end(); });
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${s.address().port}/missing.onnx`;
    await assert.rejects(fetchModel(url, 'missing.onnx', { cache: null }), { message: `Could not fetch ${url}: HTTP 404` });
  } finally {
    s.close();
  }
});
