// Reading a model's bytes: from a URL (streamed, with byte progress, through
// the browser's model cache) or from a File. A model over the size budget is
// refused before its bytes are read: by Content-Length or File.size when they
// are known, else as soon as the stream passes the budget.
//
// The budget. The page holds a model three times while it loads it: the bytes
// themselves (a JS ArrayBuffer), a copy in the core's wasm32 heap while the
// contract is checked (that heap grows to at most 2 GiB, and also holds the
// analysis), and a copy in ONNX Runtime Web's wasm32 heap (at most 4 GiB),
// where making the session adds the weights again as tensors: about twice the
// file at its peak. 1 GB keeps each heap within half of its limit at that
// peak. It holds every ViT up to ViT-B (ViT-B/16: 346 MB in float32), and
// refuses ViT-L/16 (1.2 GB), which the wasm32 heaps could not load reliably.
import { InputError } from './image_input.mjs';
import { ModelCache, sha256Hex } from './model_cache.mjs';

export const MODEL_BUDGET = 1_000_000_000;  // bytes

const MB = 1e6;
export const megabytes = (bytes) => (bytes / MB < 10 ? (bytes / MB).toFixed(1) : String(Math.round(bytes / MB)));

export class ModelTooLarge extends InputError {
  constructor(name, size, budget, { known = true } = {}) {
    super(`${name} is ${known ? '' : 'over '}${megabytes(size)} MB, over the page's model budget of ` +
      `${megabytes(budget)} MB (what ONNX Runtime Web and the page can load in a browser's 32-bit wasm memory).`);
    this.name = 'ModelTooLarge';
  }
}

// The bytes of a response's body, read as a stream: progress(done, total)
// after each chunk (total 0 when the server sends no Content-Length); the
// read stops as soon as the body passes `budget`. `cancelled()` stops it too.
export async function readBody(response, name, { budget = MODEL_BUDGET, progress = () => {}, cancelled = () => false } = {}) {
  const header = response.headers.get('Content-Length');
  const total = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : 0;
  if (total > budget) {
    response.body?.cancel().catch(() => {});
    throw new ModelTooLarge(name, total, budget);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  // With a known size the bytes go straight into one buffer (one copy of the
  // model in memory, not two); otherwise chunks are joined at the end.
  const whole = total > 0 ? new Uint8Array(total) : null;
  const chunks = [];
  let done = 0;
  progress(0, total);
  try {
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      if (done + value.byteLength > budget) throw new ModelTooLarge(name, done + value.byteLength, budget, { known: false });
      if (cancelled()) throw new InputError(`Loading ${name} was cancelled.`);
      if (whole && done + value.byteLength <= total) whole.set(value, done);
      else chunks.push(value);
      done += value.byteLength;
      progress(done, Math.max(total, done));
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  if (whole && chunks.length === 0) return done === total ? whole : whole.subarray(0, done);
  if (whole) chunks.unshift(whole.subarray(0, done - chunks.reduce((n, c) => n + c.byteLength, 0)));
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(done);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

// A File or Blob's bytes, refused by its size before any is read.
export async function readModelFile(blob, name, options = {}) {
  const budget = options.budget ?? MODEL_BUDGET;
  if (blob.size > budget) throw new ModelTooLarge(name, blob.size, budget);
  return readBody(new Response(blob, { headers: { 'Content-Length': String(blob.size) } }), name, options);
}

// The bytes of the model at `url`. With the browser's model cache, a stored
// copy of the right size is offered to the server by its validators, and used
// without its bytes being fetched when the server says it is unchanged (304);
// when the server cannot be reached, the copy is used. Its SHA-256 is checked
// meanwhile: `verified` (a promise of a boolean) says whether it held, and a
// copy that fails is dropped, so the next call fetches the model whole.
// Resolves to {bytes, cached, sha256, verified} (sha256 null when no cache was
// used; verified null for fetched bytes).
export async function fetchModel(url, name, options = {}) {
  const address = new URL(url, globalThis.location?.href).href;
  const cache = options.cache === undefined ? await ModelCache.open() : options.cache;
  const entry = cache ? await cache.lookup(address) : null;
  const kept = entry && (entry.etag || entry.lastModified) ? await cache.read(entry) : null;
  const headers = {};
  if (kept && entry.etag) headers['If-None-Match'] = entry.etag;
  else if (kept) headers['If-Modified-Since'] = entry.lastModified;
  const stored = () => ({ bytes: kept.bytes, cached: true, sha256: entry.sha256, verified: kept.verified });
  let response;
  try {
    // The model cache replaces the browser's HTTP cache for models: no second copy on disk.
    response = await fetch(address, cache ? { headers, cache: 'no-store' } : {});
  } catch (e) {
    if (kept) return stored();
    throw new InputError(`Could not fetch ${url}: ${e.message}`);
  }
  if (response.status === 304 && kept) return stored();
  if (!response.ok) throw new InputError(`Could not fetch ${url}: HTTP ${response.status}`);
  const bytes = await readBody(response, name, options);
  if (!cache) return { bytes, cached: false, sha256: null, verified: null };
  const sha256 = await sha256Hex(bytes);
  // Kept while the model loads (writing 346 MB takes about a second): the
  // page does not wait for it, and a failed write only means no cache.
  cache.keep(address, bytes, { sha256, etag: response.headers.get('ETag'), lastModified: response.headers.get('Last-Modified') });
  return { bytes, cached: false, sha256, verified: null };
}

// The bytes of a model from a URL or a Blob, for Pipeline.loadModel's
// reader: {bytes, sha256, verified} (verified as fetchModel's). The SHA-256
// (which names the model) comes from the browser's crypto.subtle, hashed once
// here; null where there is none (a non-secure origin), and the core hashes
// the bytes.
export function modelReader(source, name) {
  return async (options) => {
    if (typeof source === 'string' || source instanceof URL) {
      const { bytes, sha256, verified } = await fetchModel(String(source), name, options);
      return { bytes, sha256: sha256 ?? (await digest(bytes)), verified };
    }
    if (source instanceof Blob) {
      const bytes = await readModelFile(source, name, options);
      return { bytes, sha256: await digest(bytes), verified: null };
    }
    throw new InputError('loadModel takes a Blob, a File or a URL.');
  };
}

async function digest(bytes) {
  if (!globalThis.crypto?.subtle) return null;
  try {
    return await sha256Hex(bytes);
  } catch {
    return null;
  }
}
