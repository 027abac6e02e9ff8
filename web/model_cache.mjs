// The models the page has loaded, kept in the browser's Cache Storage so that
// a reload does not fetch them again.
//
// Two kinds of entry, in one cache of their own:
//   - the index: for each model URL, {sha256, size, etag, lastModified} (the
//     server's validators, so a reload can ask whether the file changed);
//   - the bytes, under a key made from their SHA-256 alone, so one file at two
//     URLs is stored once.
// Bytes read back are used only when their SHA-256 is the one the key names
// (checked while the page checks the model, read()): a corrupted or truncated
// entry is dropped, and the caller fetches again.
// Where Cache Storage or crypto.subtle is missing (a page on a non-secure
// origin), ModelCache.open() gives null and the page simply fetches.

const CACHE = 'vitopo-models-1';
const KEYS = 'vitopo-model-cache/';  // a path the site never serves: keys only

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const writes = new Set();  // keep()'s writes in flight

// Resolves once every model the page is keeping has been written (or failed to be).
export async function settled() {
  while (writes.size) await Promise.allSettled([...writes]);
}

export class ModelCache {
  // The page's model cache, or null where the browser offers none.
  static async open() {
    if (!globalThis.caches || !globalThis.crypto?.subtle || !globalThis.isSecureContext) return null;
    try {
      return new ModelCache(await caches.open(CACHE));
    } catch {
      return null;  // e.g. storage disabled for this profile
    }
  }

  constructor(cache) {
    this.cache = cache;
    this.base = new URL(`/${KEYS}`, location.href).href;
  }

  #indexKey(url) {
    return `${this.base}index?url=${encodeURIComponent(url)}`;
  }

  #bytesKey(sha256) {
    return `${this.base}sha256/${sha256}`;
  }

  // The index entry of `url`, or null.
  async lookup(url) {
    try {
      const response = await this.cache.match(this.#indexKey(url));
      if (!response) return null;
      const entry = await response.json();
      return typeof entry?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(entry.sha256) ? entry : null;
    } catch {
      return null;
    }
  }

  // The bytes an index entry names, without waiting for their check:
  // {bytes, verified}, `verified` a promise of whether their SHA-256 is the one
  // the key names (hashing 346 MB takes about 0.4 s, so the caller checks the
  // model meanwhile, and uses it only once `verified` is true). A copy that
  // fails the check is dropped. null when the copy is missing or of the wrong
  // size (dropped too).
  async read(entry) {
    try {
      const response = await this.cache.match(this.#bytesKey(entry.sha256));
      if (response) {
        // Through a Blob: Chromium reads a large entry so about a third faster than with response.arrayBuffer().
        const bytes = new Uint8Array(await (await response.blob()).arrayBuffer());
        if (bytes.byteLength === entry.size) {
          const verified = sha256Hex(bytes).then((hex) => hex === entry.sha256, () => false)
            .then(async (ok) => ok || (await this.#drop(entry), false));
          return { bytes, verified };
        }
      }
      await this.#drop(entry);
    } catch {
      // an unreadable entry is the same as none
    }
    return null;
  }

  // Drops a broken copy, and its URL's index entry unless that already names
  // other bytes (the model fetched anew meanwhile).
  async #drop(entry) {
    try {
      await this.cache.delete(this.#bytesKey(entry.sha256));
      if ((await this.lookup(entry.url))?.sha256 === entry.sha256) await this.forget(entry.url);
    } catch {
      // nothing more to drop
    }
  }

  // Keeps `bytes`, fetched from `url` with the server's validators.
  // Returns the index entry. A full disk (QuotaExceededError) only means no cache.
  async store(url, bytes, { etag = null, lastModified = null, sha256 = null } = {}) {
    const entry = { url, sha256: sha256 ?? (await sha256Hex(bytes)), size: bytes.byteLength, etag, lastModified };
    try {
      // The bytes the URL named before, when they changed: not kept for nothing.
      const before = await this.lookup(url);
      if (before && before.sha256 !== entry.sha256) await this.cache.delete(this.#bytesKey(before.sha256));
      const key = this.#bytesKey(entry.sha256);
      if (!(await this.cache.match(key))) {
        await this.cache.put(key, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } }));
      }
      await this.cache.put(this.#indexKey(url), new Response(JSON.stringify(entry), { headers: { 'Content-Type': 'application/json' } }));
    } catch {
      // the model still loads; the next load fetches it again
    }
    return entry;
  }

  // store() in the background: the writes in flight are awaited by settled().
  keep(url, bytes, validators) {
    const write = this.store(url, bytes, validators).finally(() => writes.delete(write));
    writes.add(write);
  }

  async forget(url) {
    if (url) await this.cache.delete(this.#indexKey(url));
  }
}
