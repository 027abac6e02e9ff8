// Share links (docs/contracts.md): a URL fragment "#v1=" followed by the
// base64url (RFC 4648, section 5, without padding) of one binary record that
// holds everything an analysis depends on: the model's identity, the image
// exactly as it was fed to the model, the settings, and the selection (layer,
// head, ε, bar). Opening the link feeds the same pixels to the same model and
// analyses them with the same settings, so it reproduces the same numbers.
//
// The record, version 1 (all numbers little-endian):
//   size       field
//   1          format version, 1
//   16         the model's fingerprint: the first 16 bytes of SHA-256 of its ONNX file
//   1          n, the length of the model's name (at most 64)
//   n          the model's name, UTF-8 (only for messages)
//   1          channels C (1 or 3)
//   2, 2       height H, width W
//   1          pixel encoding: 0 float32, 1 uint8, 2 mixed (below)
//   …          pixels, C × H × W in the order of the model's `pixels` input:
//                0 float32: 4 bytes each;
//                1 uint8: 1 byte each, byte k standing for the float k / 255.0f;
//                2 mixed: a map of ⌈C·H·W / 8⌉ bytes, bit i (byte i / 8, bit
//                  i mod 8, least significant first) set when pixel i is a byte
//                  k as in uint8, clear when it is a float32; bits beyond the
//                  image 0; then each pixel in turn, 1 or 4 bytes
//   1          metric code: 0 js, 1 js-divergence, 2 sqrt-js, 3 hellinger,
//              4 total-variation, 5 cosine, 6 euclidean, 7 attention-graph
//   1          flags: bit 0 columns, bit 1 drop CLS, bit 2 seed-compatible; the other bits 0
//   1          maxdim
//   1          modulus (a prime, 2..251)
//   8          threshold (float64; +∞ means the enclosing radius)
//   8          long bar length (float64)
//   2, 2       layer, head
//   8          ε (float64)
//   1          bar dimension, or 255 for no bar
//   4          bar index (0 when there is no bar)
//   1, n       optional: n (1 to 128) and the image's name, UTF-8, as the
//              image panel titles it; absent in a link of an unnamed image
//              (and in every link made before the field existed)
//   4          CRC-32 (ISO-HDLC, as zlib and PNG) of every byte before it
// A pixel goes as a byte only when it is exactly some k / 255.0f, so every
// encoding gives back bit-identical floats; the encoder picks the smallest.
// The 20 gallery samples, preprocessed for the default model, have 20-98% of
// such pixels (the background's zeros, untouched gray levels): their 28 × 28
// images take 0.9-2.8 KB mixed instead of 3.1 KB as float32, and their links
// 1.4-3.9 K characters instead of 4.4 K.
//
// Decoding is strict: every way a link can be wrong is a ShareLinkError of its
// own kind with a message saying what and where, and nothing is guessed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/analysis.hpp"

namespace vitopo {

inline constexpr int share_link_version = 1;
inline constexpr std::size_t share_link_name_limit = 64;         // bytes of the model's name kept in a link
inline constexpr std::size_t share_link_image_name_limit = 128;  // bytes of the image's name kept in a link
// The most values (C × H × W) a link's image may have: 4 194 304, such as
// 3 × 1024 × 1024 and 3 × 1182 × 1182; a link of that size is already
// megabytes long. Sides are 1 to 65535 (two bytes) and C is 1 or 3.
inline constexpr std::uint64_t share_link_value_limit = std::uint64_t(1) << 22;

// Which model a link was made with. The fingerprint names the exact ONNX
// bytes: the same file runs the same computation, and any retraining or
// re-export changes it.
struct ModelIdentity {
  std::array<std::uint8_t, 16> fingerprint{};  // SHA-256 of the ONNX file, first 16 bytes
  std::string name;                            // the model's name, for messages only
};

ModelIdentity identify_model(std::span<const std::uint8_t> onnx_file, std::string name);
// The fingerprint as 32 lower-case hexadecimal digits, and back (throws
// std::invalid_argument for anything but 32 hexadecimal digits).
std::string fingerprint_hex(const ModelIdentity& model);
ModelIdentity model_identity(std::string_view fingerprint_hex, std::string name);

// The image as the model's `pixels` input takes it, batch 1: C × H × W.
struct ModelInput {
  int channels = 0, height = 0, width = 0;
  std::vector<float> pixels;
};

// Bar `index` of the selected head's diagram in dimension `dim`, in the
// order of the analysis JSON's "diagrams".
struct BarRef {
  int dim = 0;
  int index = 0;
  friend bool operator==(const BarRef&, const BarRef&) = default;
};

struct SharedSelection {
  int layer = 0;
  int head = 0;
  double epsilon = 0;
  std::optional<BarRef> bar;
};

// Everything a share link carries.
struct SharedView {
  ModelIdentity model;
  ModelInput image;
  AnalysisSettings settings;
  SharedSelection selection;
  std::string image_name;  // the image's title; a link keeps its first 128 bytes, cut at a character
};

// The model the page has loaded, which a link must have been made with.
struct LoadedModel {
  ModelIdentity model;
  int channels = 0, height = 0, width = 0;  // its input
  int layers = 0, heads = 0;                // 0 when the model does not declare them
};

class ShareLinkError : public std::runtime_error {
 public:
  enum class Kind {
    prefix,      // not "#v1=..."
    version,     // a version this code does not read
    base64,      // a character outside base64url, or bits beyond the data
    truncated,   // shorter than its header declares
    checksum,    // CRC-32 mismatch or extra bytes: altered or mistyped
    image_name,  // the image's name is longer than a link holds, or not UTF-8
    model,       // made with another model
    image_size,  // the image's C × H × W is not the model's input
    pixels,      // a non-finite pixel, or an unknown pixel encoding
    quantisation,  // version 2: an unknown scheme, or a low or step that is not finite
    inflate,     // version 2: the deflated codes are not a zlib stream, or do not inflate to C × H × W bytes
    metric,      // an unknown metric code
    settings,    // flags, modulus, threshold, long bar length, or a metric seed-compatible mode refuses
    layer,
    head,
    bar,
    epsilon,
  };
  ShareLinkError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// "prefix", "version", "base64", ... as in the enum.
const char* share_link_error_name(ShareLinkError::Kind kind);

// "#v1=..." for `view`. Throws ShareLinkError for a view no link could
// reopen (a non-finite pixel, bad settings, a negative ε...), with the
// message decoding would give.
std::string encode_share_link(const SharedView& view);

// Reads a link made for `loaded`: `fragment` is "#v1=...", "v1=..." or a
// whole URL ending in "#v1=...". Checks, in order: prefix and version,
// base64url, length, checksum, then the model, the image's size and pixels,
// the settings, and layer, head, bar dimension and ε against the model.
// Whether the bar exists depends on the analysis: see check_selection().
SharedView decode_share_link(std::string_view fragment, const LoadedModel& loaded);

// The model an intact link was made with (its prefix, version, base64url,
// length and checksum are checked, nothing else), to tell the user which
// model to load.
ModelIdentity share_link_model(std::string_view fragment);

// Checks a selection against an analysis: the head was analysed, the bar is
// in its diagram, ε is finite and non-negative. Throws ShareLinkError.
void check_selection(const SharedSelection& selection, const Analysis& analysis);

// ---- Share links, version 2: large inputs, quantised and deflated ----
//
// For a model whose input has more than share_link_v1_value_limit values
// (C × H × W; a 3 × 224 × 224 model has 150 528), a float32 link would be
// hundreds of kilobytes. Such a model's input is quantised to 8 bits per value
// BEFORE it goes to the model (quantise_input, then dequantise_input), so the
// input analysed is exactly the one a link holds, and a link is "#v2=" and the
// base64url of a record whose codes are deflated (zlib format, RFC 1950: the
// browser's CompressionStream("deflate")). The core writes and reads the
// record; the page deflates and inflates (web/share_link_v2.mjs).
//
// The record, version 2 (little-endian):
//   size   field
//   1      format version, 2
//   16     the model's fingerprint, as in version 1
//   1, n   n and the model's name, as in version 1
//   1      channels C (1 or 3)
//   2, 2   height H, width W
//   1      quantisation scheme: 1, per channel affine from uint8
//   8·C    per channel c: low_c, step_c (float32 each); code q of channel c
//          stands for float32(low_c + step_c · q), computed in float64
//          (step_c · q is exact there) and rounded once to float32
//   20     the settings, as in version 1 (metric code, flags, maxdim, modulus,
//          threshold, long bar length)
//   17     the selection, as in version 1 (layer, head, ε, bar dimension, bar index)
//   4      D, the size of the deflated codes
//   D      the C × H × W codes, one byte each in the order of the model's
//          `pixels` input, deflated as a zlib stream
//   1, n   optional: the image's name, as in version 1
//   4      CRC-32 of every byte before it
// The codes are inflated by the page once the record is checked, into a
// buffer of exactly C × H × W bytes: a stream that inflates to more or fewer
// is refused (kind inflate).

// Inputs of at most this many values use version 1 links (so the default
// model's links and numbers do not change), larger ones version 2: 12 288 is
// 3 × 64 × 64, whose float32 link could reach 64 K characters.
inline constexpr std::uint64_t share_link_v1_value_limit = 12288;
inline constexpr int share_link_v2_version = 2;
inline constexpr int share_link_scheme_affine = 1;

// Which version the links of a model with this input use (1 or 2).
int share_link_version_for(int channels, int height, int width);

// The version a link's text names ("#v1=…" 1, "#v2=…" 2). Throws
// ShareLinkError prefix (not a share link) or version (a version this code
// does not read).
int share_link_version_of(std::string_view fragment);

// A model input quantised to 8 bits a value: value i of channel c is
// float32(low[c] + step[c] · codes[i]) (see the record above).
struct QuantisedInput {
  int channels = 0, height = 0, width = 0;
  std::vector<float> low, step;     // one per channel
  std::vector<std::uint8_t> codes;  // C × H × W
};

// Per channel, low is the channel's least value and step (its greatest −
// least) / 255, and each value becomes its nearest code. Throws ShareLinkError
// (image_size, pixels) for an image no link holds or a non-finite value.
QuantisedInput quantise_input(const ModelInput& image);
// The model input the codes stand for. Throws ShareLinkError: quantisation
// (a low or step that is not finite, a negative step, a top value that is
// not finite), inflate (not C × H × W codes).
ModelInput dequantise_input(const QuantisedInput& input);
float dequantised_value(float low, float step, std::uint8_t code);

// Everything a version 2 link carries; `image.codes` travel as `deflated`.
struct SharedViewV2 {
  ModelIdentity model;
  QuantisedInput image;               // shape, low and step (codes unused by the record)
  std::vector<std::uint8_t> deflated;  // the codes as a zlib stream
  AnalysisSettings settings;
  SharedSelection selection;
  std::string image_name;  // as in SharedView
};

// "#v2=…" for `view`. Throws ShareLinkError with decoding's message for a
// view no link could reopen (bad shape, quantisation, settings, selection, or
// a deflated block that is not a zlib stream or is larger than any deflate of
// C × H × W bytes).
std::string encode_share_link_v2(const SharedViewV2& view);
// Reads a "#v2=…" link made for `loaded`, as decode_share_link reads version
// 1, with the quantisation checked after the image's size (kind
// quantisation) and the deflated block's header and size (kind inflate). The
// codes are not inflated here: see inflated_share_link_input().
SharedViewV2 decode_share_link_v2(std::string_view fragment, const LoadedModel& loaded);
// The model input of a decoded view, once its codes are inflated: checks
// there are C × H × W of them (kind inflate) and dequantises them.
ModelInput inflated_share_link_input(const SharedViewV2& view, std::span<const std::uint8_t> codes);
// The largest zlib stream that deflating `count` bytes gives (zlib's
// compressBound), for the size check.
std::uint64_t deflate_bound(std::uint64_t count);

std::vector<std::uint8_t> share_link_v2_record(const SharedViewV2& view);
SharedViewV2 read_share_link_v2_record(std::span<const std::uint8_t> record, const LoadedModel& loaded);

// The wire format underneath, for tests and tools (its text is base64url.hpp's,
// its checksum crc32.hpp's).
std::vector<std::uint8_t> share_link_record(const SharedView& view);
SharedView read_share_link_record(std::span<const std::uint8_t> record, const LoadedModel& loaded);

}  // namespace vitopo
