#include "core/share_link.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/metrics.hpp"
#include "core/numbers.hpp"
#include "core/quote.hpp"
#include "core/sha256.hpp"

namespace vitopo {
namespace {

using Kind = ShareLinkError::Kind;

[[noreturn]] void fail(Kind kind, const std::string& message) { throw ShareLinkError(kind, message); }

// The metric codes of format version 1 are metric_table's link_code: a code
// never changes meaning, new metrics take new codes.
constexpr int metric_code_count = int(std::size(metric_table));

constexpr std::uint8_t flag_columns = 1, flag_drop_cls = 2, flag_seed_compatible = 4;
constexpr std::uint8_t no_bar = 255;
constexpr std::uint8_t encoding_float32 = 0, encoding_uint8 = 1, encoding_mixed = 2;

// Bytes of the record around the name and the pixels.
constexpr std::size_t head_size = 1 + 16 + 1;           // version, fingerprint, name length
constexpr std::size_t image_header_size = 1 + 2 + 2 + 1;  // channels, height, width, encoding (v1) / scheme (v2)
constexpr std::size_t settings_size = 1 + 1 + 1 + 1 + 8 + 8;
constexpr std::size_t selection_size = 2 + 2 + 8 + 1 + 4;
constexpr std::size_t checksum_size = 4;

constexpr char prefix[] = "v1=";
constexpr char prefix_v2[] = "v2=";

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

std::string short_fingerprint(const ModelIdentity& model) { return fingerprint_hex(model).substr(0, 12) + "…"; }

std::string describe(const ModelIdentity& model) {
  return "\"" + (model.name.empty() ? std::string("unnamed") : model.name) + "\" (SHA-256 " + short_fingerprint(model) + ")";
}

std::uint32_t float_bits(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, 4);
  return bits;
}

// The byte k with k / 255.0f == x bit for bit, or -1.
int exact_byte(float x) {
  if (!(x >= 0.0f && x <= 1.0f)) return -1;
  const int k = int(std::lround(double(x) * 255.0));
  return float_bits(float(k) / 255.0f) == float_bits(x) ? k : -1;
}

int metric_code(Metric metric) {
  for (const MetricInfo& row : metric_table)
    if (row.metric == metric) return row.link_code;
  fail(Kind::metric, "the metric " + metric_name(metric) + " has no code in share links of version 1");
}

std::string where_in_image(const ModelInput& image, std::size_t i) {
  const std::size_t plane = std::size_t(image.height) * std::size_t(image.width);
  return "channel " + std::to_string(i / plane) + ", row " + std::to_string(i % plane / std::size_t(image.width)) +
         ", column " + std::to_string(i % std::size_t(image.width));
}

// C × H × W in 64 bits, so that no side can make it wrap, in wasm32 too.
std::uint64_t value_count(const ModelInput& image) {
  return std::uint64_t(image.channels) * std::uint64_t(image.height) * std::uint64_t(image.width);
}

std::string too_many_values(const ModelInput& image) {
  return "is " + std::to_string(image.channels) + " × " + std::to_string(image.height) + " × " +
         std::to_string(image.width) + " = " + std::to_string(value_count(image)) +
         " values (C × H × W), more than the limit of " + std::to_string(share_link_value_limit) +
         " a share link holds";
}

// `whose`: "the image" or "the link's image", for the message.
void check_pixels(const ModelInput& image, const std::string& whose) {
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    if (!std::isfinite(image.pixels[i]))
      fail(Kind::pixels, whose + " has a non-finite value (" + number(image.pixels[i]) + ") at " + where_in_image(image, i));
}

void check_image_shape(const ModelInput& image) {
  if (image.channels != 1 && image.channels != 3)
    fail(Kind::image_size, "the image has " + std::to_string(image.channels) + " channels; a share link holds 1 or 3");
  if (image.height < 1 || image.width < 1 || image.height > 65535 || image.width > 65535)
    fail(Kind::image_size, "the image is " + std::to_string(image.height) + " × " + std::to_string(image.width) +
                               " pixels; a share link holds sides of 1 to 65535");
  const std::uint64_t count = value_count(image);
  if (count > share_link_value_limit) fail(Kind::image_size, "the image " + too_many_values(image));
  if (image.pixels.size() != count)
    fail(Kind::image_size, "the image has " + std::to_string(image.pixels.size()) + " values, not C × H × W = " +
                               std::to_string(count));
}

void check_settings(const AnalysisSettings& s) {
  if (s.maxdim < 0 || s.maxdim > 254)
    fail(Kind::settings, "maxdim " + std::to_string(s.maxdim) + " is outside 0 to 254");
  if (s.modulus < 2 || s.modulus > 255 || !is_prime(s.modulus))
    fail(Kind::settings, "the modulus " + std::to_string(s.modulus) + " is not a prime between 2 and 251");
  if (std::isnan(s.threshold) || s.threshold < 0)
    fail(Kind::settings, "the threshold " + number(s.threshold) + " is not a non-negative number (or +∞)");
  if (!std::isfinite(s.long_bar_length) || s.long_bar_length < 0)
    fail(Kind::settings, "the long bar length " + number(s.long_bar_length) + " is not a finite non-negative number");
  try {
    s.effective_metric();
  } catch (const std::invalid_argument& e) {
    fail(Kind::settings, e.what());
  }
}

// What a selection must be whatever the analysis: non-negative indices that
// fit the record, a bar in a computed dimension, a finite non-negative ε.
void check_selection_shape(const SharedSelection& s, int maxdim) {
  if (s.layer < 0 || s.layer > 65535) fail(Kind::layer, "layer " + std::to_string(s.layer) + " is not a layer index");
  if (s.head < 0 || s.head > 65535) fail(Kind::head, "head " + std::to_string(s.head) + " is not a head index");
  if (!std::isfinite(s.epsilon) || s.epsilon < 0)
    fail(Kind::epsilon, "the scale ε = " + number(s.epsilon) + " is not a finite non-negative number");
  if (s.bar) {
    if (s.bar->dim < 0 || s.bar->dim > maxdim)
      fail(Kind::bar, "the selected bar is in dimension " + std::to_string(s.bar->dim) +
                          ", but the settings compute dimensions 0 to " + std::to_string(maxdim));
    if (s.bar->index < 0) fail(Kind::bar, "bar index " + std::to_string(s.bar->index) + " is negative");
  }
}

class RecordWriter {
 public:
  void u8(unsigned v) { bytes.push_back(std::uint8_t(v)); }
  void u16(unsigned v) { little(v, 2); }
  void u32(std::uint32_t v) { little(v, 4); }
  void f32(float x) { u32(float_bits(x)); }
  void f64(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, 8);
    little(bits, 8);
  }
  void raw(std::span<const std::uint8_t> b) { bytes.insert(bytes.end(), b.begin(), b.end()); }
  std::vector<std::uint8_t> bytes;

 private:
  void little(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(std::uint8_t(v >> (8 * i)));
  }
};

// Reads fields the length check has already vouched for.
class RecordReader {
 public:
  explicit RecordReader(std::span<const std::uint8_t> b) : bytes(b) {}
  unsigned u8() { return unsigned(take(1)[0]); }
  unsigned u16() { return unsigned(little(2)); }
  std::uint32_t u32() { return std::uint32_t(little(4)); }
  float f32() {
    const std::uint32_t bits = u32();
    float x;
    std::memcpy(&x, &bits, 4);
    return x;
  }
  double f64() {
    const std::uint64_t bits = little(8);
    double x;
    std::memcpy(&x, &bits, 8);
    return x;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    if (n > bytes.size() - at) fail(Kind::truncated, "the share link ends inside its record");
    const auto out = bytes.subspan(at, n);
    at += n;
    return out;
  }

 private:
  std::uint64_t little(int n) {
    const auto b = take(std::size_t(n));
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t(b[std::size_t(i)]) << (8 * i);
    return v;
  }
  std::span<const std::uint8_t> bytes;
  std::size_t at = 0;
};

}  // namespace

const char* share_link_error_name(Kind kind) {
  switch (kind) {
    case Kind::prefix: return "prefix";
    case Kind::version: return "version";
    case Kind::base64: return "base64";
    case Kind::truncated: return "truncated";
    case Kind::checksum: return "checksum";
    case Kind::image_name: return "image_name";
    case Kind::model: return "model";
    case Kind::image_size: return "image_size";
    case Kind::pixels: return "pixels";
    case Kind::quantisation: return "quantisation";
    case Kind::inflate: return "inflate";
    case Kind::metric: return "metric";
    case Kind::settings: return "settings";
    case Kind::layer: return "layer";
    case Kind::head: return "head";
    case Kind::bar: return "bar";
    case Kind::epsilon: return "epsilon";
  }
  return "unknown";
}

ModelIdentity identify_model(std::span<const std::uint8_t> onnx_file, std::string name) {
  ModelIdentity model;
  const Sha256Digest digest = sha256(onnx_file);
  std::copy_n(digest.begin(), model.fingerprint.size(), model.fingerprint.begin());
  model.name = std::move(name);
  return model;
}

std::string fingerprint_hex(const ModelIdentity& model) { return hex(model.fingerprint); }

ModelIdentity model_identity(std::string_view text, std::string name) {
  ModelIdentity model;
  if (text.size() != 2 * model.fingerprint.size())
    throw std::invalid_argument("a model fingerprint is 32 hexadecimal digits, not " + std::to_string(text.size()) +
                                " characters");
  auto digit = [&](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument(std::string("a model fingerprint is hexadecimal; '") + c + "' is not a hex digit");
  };
  for (std::size_t i = 0; i < model.fingerprint.size(); ++i)
    model.fingerprint[i] = std::uint8_t(digit(text[2 * i]) * 16 + digit(text[2 * i + 1]));
  model.name = std::move(name);
  return model;
}

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
// beyond U+10FFFF.
bool is_utf8(std::span<const std::uint8_t> b) {
  for (std::size_t i = 0; i < b.size();) {
    const unsigned c = b[i];
    std::size_t n = 0;
    unsigned low = 0x80, high = 0xBF;  // the range of the second byte
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) n = 2, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 3, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
    else return false;
    if (n > b.size() - i - 1) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const unsigned next = b[i + k];
      if (k == 1 ? next < low || next > high : (next & 0xC0) != 0x80) return false;
    }
    i += 1 + n;
  }
  return true;
}

// The fingerprint and the name; the name only labels messages: cut at a
// character boundary if long.
void write_model(RecordWriter& w, const ModelIdentity& model) {
  w.raw(model.fingerprint);
  const std::string_view name = cut_at_character(model.name, share_link_name_limit);
  w.u8(unsigned(name.size()));
  w.raw(bytes_of(name));
}

// The image's name before the checksum (versions 1 and 2), when it has one.
void write_image_name(RecordWriter& w, std::string_view image_name) {
  const std::string_view name = cut_at_character(image_name, share_link_image_name_limit);
  if (name.empty()) return;
  if (!is_utf8(bytes_of(name))) fail(Kind::image_name, "the image's name is not UTF-8 text");
  w.u8(unsigned(name.size()));
  w.raw(bytes_of(name));
}

// The 20 bytes of settings and the 17 of the selection (versions 1 and 2).
void write_settings_and_selection(RecordWriter& w, const AnalysisSettings& s, const SharedSelection& selection) {
  w.u8(unsigned(metric_code(s.metric)));
  w.u8((s.columns ? flag_columns : 0) | (s.drop_cls ? flag_drop_cls : 0) | (s.seed_compatible ? flag_seed_compatible : 0));
  w.u8(unsigned(s.maxdim));
  w.u8(unsigned(s.modulus));
  w.f64(s.threshold);
  w.f64(s.long_bar_length);
  w.u16(unsigned(selection.layer));
  w.u16(unsigned(selection.head));
  w.f64(selection.epsilon);
  w.u8(selection.bar ? unsigned(selection.bar->dim) : no_bar);
  w.u32(selection.bar ? std::uint32_t(selection.bar->index) : 0);
}

}  // namespace

std::vector<std::uint8_t> share_link_record(const SharedView& view) {
  check_image_shape(view.image);
  check_pixels(view.image, "the image");
  check_settings(view.settings);
  check_selection_shape(view.selection, view.settings.maxdim);

  RecordWriter w;
  w.u8(share_link_version);
  write_model(w, view.model);

  const ModelInput& image = view.image;
  w.u8(unsigned(image.channels));
  w.u16(unsigned(image.height));
  w.u16(unsigned(image.width));
  // The smallest of the three encodings that give back the same bits.
  const std::size_t count = image.pixels.size();
  std::size_t exact = 0;
  for (const float x : image.pixels) exact += exact_byte(x) >= 0;
  const std::size_t mixed_size = (count + 7) / 8 + exact + 4 * (count - exact);
  const std::uint8_t encoding = exact == count ? encoding_uint8 : mixed_size < 4 * count ? encoding_mixed : encoding_float32;
  w.u8(encoding);
  if (encoding == encoding_mixed) {
    std::vector<std::uint8_t> bitmap((count + 7) / 8, 0);
    for (std::size_t i = 0; i < count; ++i)
      if (exact_byte(image.pixels[i]) >= 0) bitmap[i / 8] |= std::uint8_t(1u << (i % 8));
    w.raw(bitmap);
  }
  for (const float x : image.pixels) {
    const int k = encoding == encoding_float32 ? -1 : exact_byte(x);
    k >= 0 ? w.u8(unsigned(k)) : w.f32(x);
  }

  write_settings_and_selection(w, view.settings, view.selection);
  write_image_name(w, view.image_name);
  w.u32(crc32(w.bytes));
  return std::move(w.bytes);
}

std::string encode_share_link(const SharedView& view) {
  std::string link = "#";
  link += prefix;
  link += base64url(share_link_record(view));
  return link;
}

namespace {

// The model and the input's shape against the loaded model (versions 1 and 2).
void check_for_model(const ModelIdentity& model, int channels, int height, int width, const LoadedModel& loaded) {
  if (model.fingerprint != loaded.model.fingerprint)
    fail(Kind::model, "this share link was made with the model " + describe(model) + ", but the loaded model is " +
                          describe(loaded.model));
  if (channels != loaded.channels || height != loaded.height || width != loaded.width)
    fail(Kind::image_size, "the link's image is " + std::to_string(channels) + " × " + std::to_string(height) + " × " +
                               std::to_string(width) + " (C × H × W), but the model takes " +
                               std::to_string(loaded.channels) + " × " + std::to_string(loaded.height) + " × " +
                               std::to_string(loaded.width));
}

// The settings and the selection (versions 1 and 2), checked, into `view`.
void read_settings_and_selection(RecordReader& r, SharedView& view, const LoadedModel& loaded) {
  AnalysisSettings& s = view.settings;
  const unsigned code = r.u8();
  if (code >= unsigned(metric_code_count))
    fail(Kind::metric, "the link's metric code " + std::to_string(code) +
                           " is not one this page knows (0 to " + std::to_string(metric_code_count - 1) + ")");
  s.metric = metric_table[0].metric;
  for (const MetricInfo& row : metric_table)
    if (row.link_code == int(code)) s.metric = row.metric;
  const unsigned flags = r.u8();
  if (flags & ~unsigned(flag_columns | flag_drop_cls | flag_seed_compatible))
    fail(Kind::settings, "the link's settings set unknown flag bits (0x" + [&] {
      std::ostringstream out;
      out << std::hex << flags;
      return out.str();
    }() + ")");
  s.columns = flags & flag_columns;
  s.drop_cls = flags & flag_drop_cls;
  s.seed_compatible = flags & flag_seed_compatible;
  s.maxdim = int(r.u8());
  s.modulus = int(r.u8());
  s.threshold = r.f64();
  s.long_bar_length = r.f64();
  try {
    check_settings(s);
  } catch (const ShareLinkError& e) {
    fail(e.kind(), std::string("the link's settings: ") + e.what());
  }

  SharedSelection& selection = view.selection;
  selection.layer = int(r.u16());
  selection.head = int(r.u16());
  selection.epsilon = r.f64();
  const unsigned bar_dim = r.u8();
  const std::uint32_t bar_index = r.u32();
  if (bar_dim == no_bar) {
    if (bar_index != 0)
      fail(Kind::bar, "the link selects no bar but gives bar index " + std::to_string(bar_index));
  } else {
    if (bar_index > std::uint32_t(std::numeric_limits<int>::max()))
      fail(Kind::bar, "the link's bar index " + std::to_string(bar_index) + " is out of range");
    selection.bar = BarRef{int(bar_dim), int(bar_index)};
  }
  if (loaded.layers > 0 && selection.layer >= loaded.layers)
    fail(Kind::layer, "the link selects layer " + std::to_string(selection.layer) + ", but the model has " +
                          std::to_string(loaded.layers) + " layers (0 to " + std::to_string(loaded.layers - 1) + ")");
  if (loaded.heads > 0 && selection.head >= loaded.heads)
    fail(Kind::head, "the link selects head " + std::to_string(selection.head) + ", but the model has " +
                         std::to_string(loaded.heads) + " heads a layer (0 to " + std::to_string(loaded.heads - 1) + ")");
  try {
    check_selection_shape(selection, s.maxdim);
  } catch (const ShareLinkError& e) {
    fail(e.kind(), std::string("the link's selection: ") + e.what());
  }
}

// The end of a record (versions 1 and 2), whose fields without the image's
// name take `declared` bytes, checksum included: checks the size, then the
// checksum, then the name between the last field and the checksum. Returns
// the name, empty when the link has none.
std::string read_record_end(std::span<const std::uint8_t> record, std::uint64_t declared) {
  const std::size_t size = record.size();
  if (size < declared)
    fail(Kind::truncated, "the share link is cut short: its record has " + std::to_string(size) +
                              " bytes, but its header declares " + std::to_string(declared) + "; copy the whole link");
  std::span<const std::uint8_t> name;
  if (size > declared) {
    const std::size_t extra = size - std::size_t(declared);
    const std::size_t name_size = record[std::size_t(declared) - checksum_size];
    if (name_size == 0 || extra != 1 + name_size)
      fail(Kind::checksum, "the share link is damaged: it has " + std::to_string(extra) +
                               " bytes more than its header declares (" + std::to_string(declared) +
                               "), which are not an image's name; it was altered, or cut inside the name");
    name = record.subspan(std::size_t(declared) - checksum_size + 1, name_size);
  }
  const std::uint32_t stored = RecordReader(record.subspan(size - checksum_size)).u32();
  const std::uint32_t computed = crc32(record.first(size - checksum_size));
  if (stored != computed) {
    std::ostringstream message;
    message << "the share link is damaged: its checksum does not match (stored 0x" << std::hex << stored
            << ", computed 0x" << computed << "); it was altered or mistyped";
    fail(Kind::checksum, message.str());
  }
  if (name.size() > share_link_image_name_limit)
    fail(Kind::image_name, "the image's name in the link is " + std::to_string(name.size()) + " bytes long, more than " +
                               std::to_string(share_link_image_name_limit));
  if (!is_utf8(name)) fail(Kind::image_name, "the image's name in the link is not UTF-8 text");
  return std::string(name.begin(), name.end());
}

// The start of a record, alike in versions 1 and 2: the version, the model,
// and the image's header, whose last byte says how the pixels are stored
// (version 1: their encoding; version 2: the quantisation scheme). Checked as
// far as these fields allow; `fields` reads on after the header.
struct RecordHead {
  explicit RecordHead(std::span<const std::uint8_t> record) : fields(record) {}
  RecordReader fields;
  ModelIdentity model;
  int channels = 0, height = 0, width = 0;
  unsigned storage = 0;
  std::size_t name_size = 0;
  std::uint64_t count = 0;  // C × H × W, at most share_link_value_limit
  // Whether the checksum matches. Meaningful only once the length is known to
  // be right; it decides, for a header that makes no sense, between a damaged
  // link and a crafted one.
  bool intact = false;
  [[noreturn]] void damaged(Kind kind, const std::string& message) const {
    if (intact) fail(kind, message);
    fail(Kind::checksum, "the share link is damaged (its checksum does not match): it was altered or mistyped");
  }
};

// `other_version`: what the message says after "has version N".
RecordHead read_record_head(std::span<const std::uint8_t> record, unsigned version, const std::string& other_version) {
  const std::size_t size = record.size();
  if (size < head_size + checksum_size)
    fail(Kind::truncated, "the share link is cut short: its record has " + std::to_string(size) +
                              " bytes, fewer than any link has; copy the whole link");
  RecordHead head(record);
  head.intact = crc32(record.first(size - checksum_size)) == RecordReader(record.subspan(size - checksum_size)).u32();
  RecordReader& r = head.fields;
  const unsigned found = r.u8();
  if (found != version)
    head.damaged(Kind::version, "the share link's record has version " + std::to_string(found) + other_version);
  const auto fingerprint = r.take(16);
  std::copy(fingerprint.begin(), fingerprint.end(), head.model.fingerprint.begin());
  head.name_size = r.u8();
  if (head.name_size > share_link_name_limit)
    head.damaged(Kind::model, "the model's name in the link is " + std::to_string(head.name_size) +
                                  " bytes long, more than " + std::to_string(share_link_name_limit));
  if (size < head_size + head.name_size + image_header_size + checksum_size)
    fail(Kind::truncated, "the share link is cut short: its record ends inside its header (" + std::to_string(size) +
                              " bytes); copy the whole link");
  const auto name = r.take(head.name_size);
  head.model.name.assign(name.begin(), name.end());
  head.channels = int(r.u8());
  head.height = int(r.u16());
  head.width = int(r.u16());
  head.storage = r.u8();
  if (head.channels != 1 && head.channels != 3)
    head.damaged(Kind::image_size,
                 "the link's image has " + std::to_string(head.channels) + " channels; a link holds 1 or 3");
  if (head.height == 0 || head.width == 0)
    head.damaged(Kind::image_size, "the link's image is " + std::to_string(head.height) + " × " +
                                       std::to_string(head.width) + " pixels");
  // Sizes in 64 bits, bounded before anything is computed from them or read.
  const ModelInput shape{head.channels, head.height, head.width, {}};
  head.count = value_count(shape);
  if (head.count > share_link_value_limit) head.damaged(Kind::image_size, "the link's image " + too_many_values(shape));
  return head;
}

// The record's fields; without `loaded`, only up to the model's identity,
// once the record is known to be intact.
SharedView parse_record(std::span<const std::uint8_t> record, const LoadedModel* loaded_model) {
  const std::size_t size = record.size();
  RecordHead head =
      read_record_head(record, share_link_version, "; this page reads version " + std::to_string(share_link_version));
  RecordReader& r = head.fields;
  const std::uint64_t count = head.count;
  const unsigned encoding = head.storage;
  SharedView view;
  view.model = head.model;
  ModelInput& image = view.image;
  image.channels = head.channels, image.height = head.height, image.width = head.width;
  if (encoding != encoding_float32 && encoding != encoding_uint8 && encoding != encoding_mixed)
    head.damaged(Kind::pixels, "the link's pixels have encoding " + std::to_string(encoding) +
                                   ", which version 1 does not define (0 float32, 1 uint8, 2 mixed)");
  std::uint64_t pixel_bytes = count * (encoding == encoding_float32 ? 4 : 1);
  std::span<const std::uint8_t> bitmap;  // mixed: bit i set when pixel i is a byte k (k / 255.0f)
  if (encoding == encoding_mixed) {
    const std::uint64_t bitmap_size = (count + 7) / 8;
    if (size < head_size + head.name_size + image_header_size + bitmap_size + checksum_size)
      fail(Kind::truncated, "the share link is cut short: its record ends inside the map of its pixels (" +
                                std::to_string(size) + " bytes); copy the whole link");
    bitmap = r.take(std::size_t(bitmap_size));
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < count; ++i) bytes += (bitmap[i / 8] >> (i % 8)) & 1;
    if (count % 8 != 0 && !bitmap.empty() && (bitmap[bitmap.size() - 1] >> (count % 8)) != 0)
      head.damaged(Kind::pixels, "the map of the link's pixels marks pixels beyond the image");
    pixel_bytes = bitmap_size + bytes + 4 * (count - bytes);
  }
  const std::uint64_t declared = head_size + head.name_size + image_header_size + pixel_bytes + settings_size +
                                 selection_size + checksum_size;
  view.image_name = read_record_end(record, declared);

  // The record is as it was made. Now: is it for this model, and does it make sense?
  if (!loaded_model) return view;
  const LoadedModel& loaded = *loaded_model;
  check_for_model(view.model, image.channels, image.height, image.width, loaded);

  image.pixels.resize(std::size_t(count));
  for (std::size_t i = 0; i < count; ++i) {
    const bool byte = encoding == encoding_uint8 || (encoding == encoding_mixed && ((bitmap[i / 8] >> (i % 8)) & 1));
    image.pixels[i] = byte ? float(r.u8()) / 255.0f : r.f32();
  }
  check_pixels(image, "the link's image");

  read_settings_and_selection(r, view, loaded);
  return view;
}

// The link's text after "#", and where it starts in the caller's text.
std::string_view link_text(std::string_view fragment, std::size_t& offset) {
  offset = 0;
  if (const std::size_t hash = fragment.find('#'); hash != std::string_view::npos) {
    offset = hash + 1;
    fragment.remove_prefix(hash + 1);
  }
  return fragment;
}

// The digits of "v<digits>=", or a prefix error.
std::string_view version_digits(std::string_view fragment) {
  std::size_t digits = 0;
  if (!fragment.empty() && fragment[0] == 'v')
    while (1 + digits < fragment.size() && fragment[1 + digits] >= '0' && fragment[1 + digits] <= '9') ++digits;
  if (digits == 0 || 1 + digits >= fragment.size() || fragment[1 + digits] != '=') {
    fail(Kind::prefix, "not a vitopo share link: a share link ends in #v1=…, this one in " +
                           quote("#" + std::string(fragment.substr(0, 13)), 13));
  }
  return fragment.substr(1, digits);
}

Base64urlDecoded record_of_link(std::string_view fragment, std::string_view prefix = vitopo::prefix,
                                int version = share_link_version) {
  std::size_t offset = 0;  // of `fragment` in the caller's text, for positions in messages
  fragment = link_text(fragment, offset);
  // "v<digits>=": a version this page may or may not read.
  const std::string_view digits = version_digits(fragment);
  if (fragment.substr(0, prefix.size()) != prefix)
    fail(Kind::version, "this share link has version " + std::string(digits) + "; this decoder reads version " +
                            std::to_string(version) + " links");
  const std::size_t body_at = prefix.size();
  const std::string_view body = fragment.substr(body_at);
  Base64urlDecoded decoded = decode_base64url(body);
  if (const auto i = decoded.bad_character)
    fail(Kind::base64, "the share link has " + quote(body.substr(*i, 1)) + " at character " +
                           std::to_string(offset + body_at + *i + 1) +
                           ", which is not base64url (A-Z, a-z, 0-9, - and _, without padding)");
  return decoded;
}

// After the record: text that the record does not account for.
void check_link_ends(const Base64urlDecoded& decoded) {
  if (decoded.dangling)
    fail(Kind::base64, "the share link has one character too many at its end: it was altered");
  if (decoded.stray_bits)
    fail(Kind::base64, "the share link's last character carries bits beyond its data: it was altered");
}

}  // namespace

SharedView read_share_link_record(std::span<const std::uint8_t> record, const LoadedModel& loaded) {
  return parse_record(record, &loaded);
}

SharedView decode_share_link(std::string_view fragment, const LoadedModel& loaded) {
  const Base64urlDecoded decoded = record_of_link(fragment);
  SharedView view = parse_record(decoded.bytes, &loaded);
  check_link_ends(decoded);
  return view;
}

namespace {
SharedViewV2 parse_record_v2(std::span<const std::uint8_t> record, const LoadedModel* loaded_model);
}  // namespace

ModelIdentity share_link_model(std::string_view fragment) {
  if (share_link_version_of(fragment) == share_link_v2_version) {
    const Base64urlDecoded decoded = record_of_link(fragment, prefix_v2, share_link_v2_version);
    SharedViewV2 view = parse_record_v2(decoded.bytes, nullptr);
    check_link_ends(decoded);
    return view.model;
  }
  const Base64urlDecoded decoded = record_of_link(fragment);
  SharedView view = parse_record(decoded.bytes, nullptr);
  check_link_ends(decoded);
  return view.model;
}

void check_selection(const SharedSelection& selection, const Analysis& analysis) {
  if (selection.layer < 0 || selection.layer >= analysis.layers)
    fail(Kind::layer, "layer " + std::to_string(selection.layer) + " is not in the analysis (layers 0 to " +
                          std::to_string(analysis.layers - 1) + ")");
  if (selection.head < 0 || selection.head >= analysis.heads)
    fail(Kind::head, "head " + std::to_string(selection.head) + " is not in the analysis (heads 0 to " +
                         std::to_string(analysis.heads - 1) + ")");
  const HeadAnalysis* head = analysis.find(selection.layer, selection.head);
  if (!head)
    fail(Kind::head, "layer " + std::to_string(selection.layer) + " head " + std::to_string(selection.head) +
                         " was not analysed");
  if (!std::isfinite(selection.epsilon) || selection.epsilon < 0)
    fail(Kind::epsilon, "the scale ε = " + number(selection.epsilon) + " is not a finite non-negative number");
  if (selection.bar) {
    const BarRef bar = *selection.bar;
    const auto& barcodes = head->persistence.barcodes;
    const std::string which = "layer " + std::to_string(selection.layer) + " head " + std::to_string(selection.head);
    if (bar.dim < 0 || bar.dim >= int(barcodes.size()))
      fail(Kind::bar, "the selected bar is in H" + std::to_string(bar.dim) + ", but " + which + " has diagrams H0 to H" +
                          std::to_string(int(barcodes.size()) - 1));
    const std::size_t bars = barcodes[std::size_t(bar.dim)].bars.size();
    if (bar.index < 0 || std::size_t(bar.index) >= bars)
      fail(Kind::bar, "the selected bar is H" + std::to_string(bar.dim) + " bar " + std::to_string(bar.index) + ", but " +
                          which + " has " + std::to_string(bars) + " H" + std::to_string(bar.dim) + " bars");
  }
}

// ---- Version 2 ----

int share_link_version_for(int channels, int height, int width) {
  const std::uint64_t count = std::uint64_t(std::max(channels, 0)) * std::uint64_t(std::max(height, 0)) *
                              std::uint64_t(std::max(width, 0));
  return count > share_link_v1_value_limit ? share_link_v2_version : share_link_version;
}

int share_link_version_of(std::string_view fragment) {
  std::size_t offset = 0;
  const std::string_view digits = version_digits(link_text(fragment, offset));
  if (digits == "1") return share_link_version;
  if (digits == "2") return share_link_v2_version;
  fail(Kind::version, "this share link has version " + std::string(digits) +
                          "; this page reads version 1 and version 2 links");
}

float dequantised_value(float low, float step, std::uint8_t code) {
  // step · code is exact in float64 (24 + 8 bits); the sum is rounded once,
  // then to float32. JavaScript gets the same with Math.fround(low + step * code).
  return float(double(low) + double(step) * double(code));
}

std::uint64_t deflate_bound(std::uint64_t count) {
  // zlib's own bound: a stored block's 5-byte header for every 16 383 bytes,
  // the 2-byte zlib header, the 4-byte Adler-32 and an empty final block.
  return count + 5 * ((count + 16382) / 16383) + 11;
}

namespace {

std::string channel_name(std::size_t c, int channels) {
  static const char* const rgb[] = {"red", "green", "blue"};
  return channels == 3 ? "channel " + std::to_string(c) + " (" + rgb[c] + ")" : "channel " + std::to_string(c);
}

// `whose`: "the link's quantisation", for the message.
void check_quantisation(const QuantisedInput& q, const std::string& whose) {
  if (q.low.size() != std::size_t(q.channels) || q.step.size() != std::size_t(q.channels))
    fail(Kind::quantisation, whose + " has " + std::to_string(q.low.size()) + " low values and " +
                                 std::to_string(q.step.size()) + " steps for " + std::to_string(q.channels) +
                                 " channels");
  for (std::size_t c = 0; c < q.low.size(); ++c) {
    const std::string which = whose + ": " + channel_name(c, q.channels);
    if (!std::isfinite(q.low[c]))
      fail(Kind::quantisation, which + "'s low value " + number(q.low[c]) + " is not a finite number");
    if (!std::isfinite(q.step[c]) || std::signbit(q.step[c]))
      fail(Kind::quantisation, which + "'s step " + number(q.step[c]) + " is not a finite non-negative number");
    const float top = dequantised_value(q.low[c], q.step[c], 255);
    if (!std::isfinite(top))
      fail(Kind::quantisation, which + " reaches " + number(top) + " at code 255 (low " + number(q.low[c]) +
                                   " + 255 × step " + number(q.step[c]) + "), beyond float32");
  }
}

// A zlib stream (RFC 1950) of `count` bytes, as far as its size and its
// 2-byte header tell, before anything is inflated. `whose`: for the message.
void check_deflated(std::span<const std::uint8_t> deflated, std::uint64_t count, const std::string& whose) {
  const std::uint64_t bound = deflate_bound(count);
  if (deflated.size() < 7)
    fail(Kind::inflate, whose + " are " + std::to_string(deflated.size()) +
                            " bytes, too few for a zlib stream (header, data, Adler-32)");
  if (deflated.size() > bound)
    fail(Kind::inflate, whose + " are " + std::to_string(deflated.size()) + " bytes, more than deflating " +
                            std::to_string(count) + " codes can give (" + std::to_string(bound) + ")");
  const unsigned cmf = deflated[0], flg = deflated[1];
  if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0) {
    std::ostringstream header;
    header << std::hex << "0x" << cmf << " 0x" << flg;
    fail(Kind::inflate, whose + " do not start as a zlib stream (deflate, no dictionary): their header is " +
                            header.str());
  }
}

void check_input_shape(int channels, int height, int width, const std::string& whose) {
  if (channels != 1 && channels != 3)
    fail(Kind::image_size, whose + " has " + std::to_string(channels) + " channels; a share link holds 1 or 3");
  if (height < 1 || width < 1 || height > 65535 || width > 65535)
    fail(Kind::image_size, whose + " is " + std::to_string(height) + " × " + std::to_string(width) +
                               " pixels; a share link holds sides of 1 to 65535");
  const ModelInput shape{channels, height, width, {}};
  if (value_count(shape) > share_link_value_limit) fail(Kind::image_size, whose + " " + too_many_values(shape));
}

constexpr std::size_t deflated_size_size = 4;

SharedViewV2 parse_record_v2(std::span<const std::uint8_t> record, const LoadedModel* loaded_model) {
  const std::size_t size = record.size();
  RecordHead head = read_record_head(record, share_link_v2_version, ", but its text says version 2 (#v2=)");
  RecordReader& r = head.fields;
  const std::uint64_t count = head.count;
  const unsigned scheme = head.storage;
  SharedViewV2 view;
  view.model = head.model;
  QuantisedInput& image = view.image;
  image.channels = head.channels, image.height = head.height, image.width = head.width;
  if (scheme != unsigned(share_link_scheme_affine))
    head.damaged(Kind::quantisation, "the link's quantisation scheme is " + std::to_string(scheme) +
                                         ", which version 2 does not define (1: per channel affine from uint8)");
  const std::uint64_t before_codes = head_size + head.name_size + image_header_size + 8 * std::uint64_t(image.channels) +
                                     settings_size + selection_size + deflated_size_size;
  if (size < before_codes + checksum_size)
    fail(Kind::truncated, "the share link is cut short: its record ends before its pixels (" + std::to_string(size) +
                              " bytes); copy the whole link");
  for (int c = 0; c < image.channels; ++c) {
    image.low.push_back(r.f32());
    image.step.push_back(r.f32());
  }
  const auto settings_and_selection = r.take(settings_size + selection_size);
  const std::uint64_t deflated_size = r.u32();
  const std::uint64_t declared = before_codes + deflated_size + checksum_size;
  view.image_name = read_record_end(record, declared);
  const auto deflated = r.take(std::size_t(deflated_size));

  if (!loaded_model) return view;
  const LoadedModel& loaded = *loaded_model;
  check_for_model(view.model, image.channels, image.height, image.width, loaded);
  check_quantisation(image, "the link's quantisation");
  SharedView rest;
  RecordReader tail(settings_and_selection);
  read_settings_and_selection(tail, rest, loaded);
  view.settings = rest.settings;
  view.selection = rest.selection;
  check_deflated(deflated, count, "the link's deflated pixels");
  view.deflated.assign(deflated.begin(), deflated.end());
  return view;
}

}  // namespace

QuantisedInput quantise_input(const ModelInput& image) {
  check_image_shape(image);
  check_pixels(image, "the image");
  QuantisedInput q{image.channels, image.height, image.width, {}, {}, {}};
  const std::size_t plane = std::size_t(image.height) * std::size_t(image.width);
  q.codes.resize(image.pixels.size());
  for (std::size_t c = 0; c < std::size_t(image.channels); ++c) {
    const auto values = std::span(image.pixels).subspan(c * plane, plane);
    const auto [least, greatest] = std::minmax_element(values.begin(), values.end());
    const float low = *least;
    const float step = float((double(*greatest) - double(low)) / 255.0);
    q.low.push_back(low);
    q.step.push_back(step);
    for (std::size_t i = 0; i < plane; ++i) {
      const double at = step > 0 ? (double(values[i]) - double(low)) / double(step) : 0.0;
      q.codes[c * plane + i] = std::uint8_t(std::clamp<long>(std::lround(at), 0, 255));
    }
  }
  check_quantisation(q, "the image's quantisation");
  return q;
}

ModelInput dequantise_input(const QuantisedInput& q) {
  check_input_shape(q.channels, q.height, q.width, "the quantised image");
  check_quantisation(q, "the quantisation");
  const ModelInput shape{q.channels, q.height, q.width, {}};
  const std::uint64_t count = value_count(shape);
  if (q.codes.size() != count)
    fail(Kind::inflate, "the quantised image has " + std::to_string(q.codes.size()) + " codes, not C × H × W = " +
                            std::to_string(count));
  ModelInput out{q.channels, q.height, q.width, std::vector<float>(std::size_t(count))};
  const std::size_t plane = std::size_t(q.height) * std::size_t(q.width);
  for (std::size_t i = 0; i < out.pixels.size(); ++i)
    out.pixels[i] = dequantised_value(q.low[i / plane], q.step[i / plane], q.codes[i]);
  return out;
}

std::vector<std::uint8_t> share_link_v2_record(const SharedViewV2& view) {
  const QuantisedInput& image = view.image;
  check_input_shape(image.channels, image.height, image.width, "the image");
  check_quantisation(image, "the image's quantisation");
  const ModelInput shape{image.channels, image.height, image.width, {}};
  check_deflated(view.deflated, value_count(shape), "the deflated pixels");
  check_settings(view.settings);
  check_selection_shape(view.selection, view.settings.maxdim);

  RecordWriter w;
  w.u8(share_link_v2_version);
  write_model(w, view.model);
  w.u8(unsigned(image.channels));
  w.u16(unsigned(image.height));
  w.u16(unsigned(image.width));
  w.u8(share_link_scheme_affine);
  for (std::size_t c = 0; c < image.low.size(); ++c) {
    w.f32(image.low[c]);
    w.f32(image.step[c]);
  }
  write_settings_and_selection(w, view.settings, view.selection);
  w.u32(std::uint32_t(view.deflated.size()));
  w.raw(view.deflated);
  write_image_name(w, view.image_name);
  w.u32(crc32(w.bytes));
  return std::move(w.bytes);
}

std::string encode_share_link_v2(const SharedViewV2& view) {
  std::string link = "#";
  link += prefix_v2;
  link += base64url(share_link_v2_record(view));
  return link;
}

SharedViewV2 read_share_link_v2_record(std::span<const std::uint8_t> record, const LoadedModel& loaded) {
  return parse_record_v2(record, &loaded);
}

SharedViewV2 decode_share_link_v2(std::string_view fragment, const LoadedModel& loaded) {
  const Base64urlDecoded decoded = record_of_link(fragment, prefix_v2, share_link_v2_version);
  SharedViewV2 view = parse_record_v2(decoded.bytes, &loaded);
  check_link_ends(decoded);
  return view;
}

ModelInput inflated_share_link_input(const SharedViewV2& view, std::span<const std::uint8_t> codes) {
  const ModelInput shape{view.image.channels, view.image.height, view.image.width, {}};
  const std::uint64_t count = value_count(shape);
  if (codes.size() != count)
    fail(Kind::inflate, "the link's pixels inflate to " + std::to_string(codes.size()) + " bytes, not C × H × W = " +
                            std::to_string(count) + "; the link was altered");
  QuantisedInput q = view.image;
  q.codes.assign(codes.begin(), codes.end());
  return dequantise_input(q);
}

}  // namespace vitopo
