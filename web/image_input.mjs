// Image input: the file picker, drag and drop, paste and the sample gallery,
// and the browser-side decoding of an image file into RGBA pixels.
//
// Every refusal is an InputError whose message names what is wrong with the
// file, so the page can show it as it is. Dimensions are read from the file's
// header BEFORE the pixels are decoded, so a 20000×30000 image is refused
// without allocating 2.4 GB.

export class InputError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InputError';
  }
}

// Limits on what the page decodes. A 50-megapixel photo still passes.
export const MAX_SIDE = 16384;
export const MAX_PIXELS = 50_000_000;
// Decoded images are scaled down to this long side before preprocessing: the
// model sees 28×28 (or its own input size), and a 50 MP RGBA buffer in the
// wasm heap would cost 200 MB for nothing.
export const DECODE_LONG_SIDE = 2048;

const u32be = (b, o) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u16be = (b, o) => (b[o] << 8) | b[o + 1];
const u16le = (b, o) => b[o] | (b[o + 1] << 8);
const i32le = (b, o) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const u24le = (b, o) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);

// The format and dimensions an image file declares in its header, or null when
// the bytes are not one of the raster formats browsers decode.
// {format, width, height} with width/height null when the header is cut short.
export function sniffImage(b) {
  const ascii = (o, s) => [...s].every((c, i) => b[o + i] === c.charCodeAt(0));
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 'PNG\r\n\x1a\n')) {
    // PNG: signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
    if (b.length < 24 || !ascii(12, 'IHDR')) return { format: 'PNG', width: null, height: null };
    return { format: 'PNG', width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    // JPEG: walk the marker segments to the first start-of-frame (SOF0..SOF15
    // except DHT C4, JPG C8, DAC CC), which holds height then width.
    let o = 2;
    while (o + 9 < b.length) {
      if (b[o] !== 0xff) return { format: 'JPEG', width: null, height: null };
      const marker = b[o + 1];
      if (marker === 0xff) { o += 1; continue; }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { o += 2; continue; }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { format: 'JPEG', width: u16be(b, o + 7), height: u16be(b, o + 5) };
      }
      o += 2 + u16be(b, o + 2);
    }
    return { format: 'JPEG', width: null, height: null };
  }
  if (b.length >= 10 && (ascii(0, 'GIF87a') || ascii(0, 'GIF89a'))) {
    return { format: 'GIF', width: u16le(b, 6), height: u16le(b, 8) };
  }
  if (b.length >= 26 && ascii(0, 'BM')) {
    return { format: 'BMP', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
  }
  if (b.length >= 16 && ascii(0, 'RIFF') && ascii(8, 'WEBP')) {
    // WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended).
    if (ascii(12, 'VP8X') && b.length >= 30) return { format: 'WebP', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (ascii(12, 'VP8L') && b.length >= 25) {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return { format: 'WebP', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    if (ascii(12, 'VP8 ') && b.length >= 30) return { format: 'WebP', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    return { format: 'WebP', width: null, height: null };
  }
  return null;
}

function describe(name) {
  return name ? `"${name}"` : 'The file';
}

// Decodes an image Blob/File into {rgba: Uint8ClampedArray, width, height, name}.
// Throws InputError with a specific message for a non-image, an empty file, a
// zero-size image, a huge image and a corrupt one.
export async function decodeImage(blob, name = blob.name ?? '') {
  const who = describe(name);
  if (blob.size === 0) throw new InputError(`${who} is empty (0 bytes): choose an image file (PNG, JPEG, GIF, BMP or WebP).`);
  const head = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
  const sniffed = sniffImage(head);
  if (!sniffed) {
    const declared = blob.type ? ` (its type is ${blob.type})` : '';
    throw new InputError(`${who} is not an image${declared}: choose a PNG, JPEG, GIF, BMP or WebP file.`);
  }
  const { format, width, height } = sniffed;
  if (width === 0 || height === 0) {
    throw new InputError(`${who} is a zero-size ${format} image (${width}×${height} pixels): there is nothing to analyse.`);
  }
  if (width !== null && height !== null && (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS)) {
    throw new InputError(
      `${who} is too large: ${width}×${height} pixels. The page accepts images up to ${MAX_SIDE} pixels on a side and ${MAX_PIXELS / 1e6} megapixels.`);
  }
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (e) {
    throw new InputError(`${who} could not be decoded: the ${format} data is corrupt or truncated.`);
  }
  try {
    if (bitmap.width === 0 || bitmap.height === 0) {
      throw new InputError(`${who} is a zero-size ${format} image (${bitmap.width}×${bitmap.height} pixels): there is nothing to analyse.`);
    }
    if (bitmap.width * bitmap.height > MAX_PIXELS) {
      throw new InputError(`${who} is too large: ${bitmap.width}×${bitmap.height} pixels. The page accepts images up to ${MAX_PIXELS / 1e6} megapixels.`);
    }
    const scale = Math.min(1, DECODE_LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, w, h);
    const pixels = context.getImageData(0, 0, w, h);
    return { rgba: pixels.data, width: w, height: h, name, display: displayCopy(bitmap, w, h, pixels.data) };
  } finally {
    bitmap.close();
  }
}

// The image the views show beside the model's input: at most DISPLAY_LONG_SIDE
// on its long side, so handing it to the app stays cheap.
export const DISPLAY_LONG_SIDE = 512;

function displayCopy(bitmap, w, h, rgba) {
  const scale = Math.min(1, DISPLAY_LONG_SIDE / Math.max(w, h));
  if (scale === 1) return { rgba, width: w, height: h };
  const dw = Math.max(1, Math.round(w * scale));
  const dh = Math.max(1, Math.round(h * scale));
  const context = new OffscreenCanvas(dw, dh).getContext('2d', { willReadFrequently: true });
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, dw, dh);
  return { rgba: context.getImageData(0, 0, dw, dh).data, width: dw, height: dh };
}

// Turns a URL into a Blob named after its last path segment.
export async function fetchBlob(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new InputError(`Could not fetch ${url}: ${e.message}`);
  }
  if (!response.ok) throw new InputError(`Could not fetch ${url}: HTTP ${response.status}`);
  const blob = await response.blob();
  const name = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() || url);
  return Object.assign(blob, { name });
}

// Wires the file picker, drag and drop onto `dropTarget`, and paste to
// `onFile(blob, at)`; `at` is where a file was dropped ({clientX, clientY}).
export function attachImageInputs({ picker, dropTarget, onFile }) {
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    picker.value = '';
    if (file) onFile(file);
  });
  dropTarget.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropTarget.classList.add('dragging');
  });
  dropTarget.addEventListener('dragleave', () => dropTarget.classList.remove('dragging'));
  dropTarget.addEventListener('drop', (e) => {
    e.preventDefault();
    dropTarget.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file) onFile(file, { clientX: e.clientX, clientY: e.clientY });
  });
  window.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file');
    const file = item?.getAsFile();
    if (file) onFile(file);
  });
}

// Fills the gallery element with the samples listed in samples.json; clicking
// one calls onSample(url, sample). The list's `input` (the models it suits) is
// kept on the returned array as `samples.input`, and its buttons as `samples.buttons`.
export async function buildGallery(gallery, samplesUrl, onSample) {
  const response = await fetch(samplesUrl);
  if (!response.ok) throw new Error(`Could not load the sample list ${samplesUrl}: HTTP ${response.status}`);
  const json = await response.json();
  const list = normaliseSamples(json).map((s) => ({ ...s, url: new URL(s.file, new URL(samplesUrl, location.href)).href }));
  return Object.assign(list, { input: Array.isArray(json) ? null : json.input ?? null, buttons: sampleButtons(gallery, list, onSample) });
}

// A button in `gallery` for each sample {url, name, file, label}: its image,
// named by its class or name (not by a class index); onSample(url, sample) on click.
export function sampleButtons(gallery, samples, onSample) {
  return samples.map((sample) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sample';
    const name = sample.name ?? sample.file;
    button.title = `Sample: ${name}`;
    button.setAttribute('aria-label', `Analyse the sample ${name}`);
    const img = document.createElement('img');
    img.src = sample.url;
    img.alt = name;
    button.append(img);
    button.addEventListener('click', () => onSample(sample.url, sample));
    gallery.append(button);
    return button;
  });
}

// samples.json lists {file, label, ...}; accept a bare list or {samples: [...]},
// and "path"/"image" for the file name.
export function normaliseSamples(json) {
  const list = Array.isArray(json) ? json : json.samples;
  if (!Array.isArray(list)) throw new Error('samples.json holds no list of samples');
  return list.map((s) => ({ ...s, file: s.file ?? s.path ?? s.image ?? s.png }));
}
