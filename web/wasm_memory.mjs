// Moving strings and typed arrays in and out of an Emscripten module's heap,
// for both the core module and the app module. It relies only on the module's
// HEAPU8 view and two exported functions to allocate and free, so neither
// module needs extra runtime methods exported.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class WasmHeap {
  // `alloc(n)` returns a pointer to n bytes, `free(p)` releases it.
  constructor(module, alloc, free) {
    this.module = module;
    this.alloc = alloc;
    this.free = free;
    this.owned = [];
  }

  // The heap views must be read after every allocation: memory growth replaces them.
  get bytes() {
    return this.module.HEAPU8;
  }

  // Copies a typed array (or bytes) in; freed by release().
  array(typed) {
    const view = typed instanceof Uint8Array ? typed : new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    const p = this.alloc(Math.max(1, view.byteLength));
    this.owned.push(p);
    this.bytes.set(view, p);
    return p;
  }

  // A NUL-terminated UTF-8 copy of `text`; freed by release().
  string(text) {
    const utf8 = encoder.encode(text ?? '');
    const p = this.alloc(utf8.length + 1);
    this.owned.push(p);
    this.bytes.set(utf8, p);
    this.bytes[p + utf8.length] = 0;
    return p;
  }

  // An uninitialised block of n bytes; freed by release().
  block(n) {
    const p = this.alloc(Math.max(1, n));
    this.owned.push(p);
    return p;
  }

  readString(p) {
    if (!p) return '';
    const bytes = this.bytes;
    let end = p;
    while (bytes[end] !== 0) end++;
    // A copy: TextDecoder refuses views of shared memory (a threaded module's).
    return decoder.decode(bytes.slice(p, end));
  }

  readFloat32(p, count) {
    return new Float32Array(this.bytes.slice(p, p + 4 * count).buffer);  // a copy, never shared
  }

  readBytes(p, count) {
    return this.bytes.slice(p, p + count);  // a copy, never shared
  }

  release() {
    for (const p of this.owned) this.free(p);
    this.owned = [];
  }
}

// Parses a core/bridge reply {"ok": true, ...} | {"ok": false, "error": "...",
// "kind"?, "needs"?}, throwing the error message as it is, with its `kind`
// (and, for a share link made with another model, `needs`) on the Error.
export function unwrap(reply) {
  const value = JSON.parse(reply);
  if (!value.ok) throw Object.assign(new Error(value.error), { kind: value.kind, needs: value.needs });
  return value;
}
