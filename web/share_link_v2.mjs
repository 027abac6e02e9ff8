// Share links, version 2 (docs/contracts.md): for a model whose input is
// large (more than 12 288 values, such as RGB 224 × 224), the preprocessed
// input is quantised to 8 bits a value before it goes to the model, so that
// the input analysed is exactly the one a link holds, and a link's codes are
// deflated with the browser's CompressionStream. The record, the quantisation
// and every check are the core's (src/core/share_link.hpp); deflating and
// inflating are here.
import { InputError } from './image_input.mjs';

// An error of a share link, with its kind, as the core's are.
function linkError(kind, message) {
  return Object.assign(new Error(message), { kind });
}

async function readAll(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The zlib stream (RFC 1950) of `bytes`.
export async function deflate(bytes) {
  return readAll(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate')));
}

// The `size` bytes a zlib stream inflates to. Never holds more than `size`
// bytes: a stream that inflates to more is refused as soon as it passes
// `size`, one that is not a zlib stream or ends early is refused too, each
// with its own message (kind "inflate").
export async function inflateExactly(deflated, size) {
  const out = new Uint8Array(size);
  let at = 0;
  const reader = new Blob([deflated]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch {
        throw linkError('inflate', `the link's deflated pixels do not inflate: they are not an intact zlib stream ` +
          `(after ${at} of ${size} bytes); the link was altered`);
      }
      if (chunk.done) break;
      if (chunk.value.byteLength > size - at) {
        throw linkError('inflate', `the link's pixels inflate to more than C × H × W = ${size} bytes; the link was altered`);
      }
      out.set(chunk.value, at);
      at += chunk.value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (at !== size) {
    throw linkError('inflate', `the link's pixels inflate to ${at} bytes, not C × H × W = ${size}; the link was altered`);
  }
  return out;
}

// The model input `input` ({pixels, dims}) as a model whose links are version
// 2 takes it: quantised, with what a link needs ({low, step, codes,
// deflated}) as `quantised`. Any other model's input is returned as it is, and
// so is a link's (`quantised` set, null for a version 1 link): it goes to the
// model exactly as the link holds it.
export async function quantiseForLinks(core, input) {
  const [, c, h, w] = input.dims;
  if (input.quantised !== undefined || core.shareLinkVersion(c, h, w) !== 2) return input;
  let quantised;
  try {
    quantised = core.quantiseInput(input);
  } catch (e) {
    throw new InputError(`The image cannot be quantised for the model: ${e.message}`);
  }
  const pixels = core.dequantiseInput(quantised, input.dims);
  return { pixels, dims: input.dims, quantised: { ...quantised, deflated: await deflate(quantised.codes) } };
}

// Reads a share link of either version for `model` (as core.openShareLink):
// {settings, selection, model, pixels, dims, quantised (version 2, else
// undefined)}. Throws the core's message with its kind, or an inflate error.
export async function readShareLink(core, link, model) {
  const shared = core.openShareLink(link, model);
  if (shared.version !== 2) return shared;
  const [, c, h, w] = shared.dims;
  const codes = await inflateExactly(shared.deflated, c * h * w);
  const quantised = { low: shared.quantisation.low, step: shared.quantisation.step, codes, deflated: shared.deflated };
  return { ...shared, pixels: core.dequantiseInput(quantised, shared.dims), quantised };
}
