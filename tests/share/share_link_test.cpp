// Share links (src/core/share_link.hpp): a link reopens bit for bit what it
// was made from, and every way a link can be wrong has its own error. The
// image is a real sample preprocessed for the real default model, identified
// by the SHA-256 of its ONNX file.
#include <doctest/doctest.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/attention.hpp"
#include "core/onnx_model.hpp"
#include "core/preprocess.hpp"
#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/sha256.hpp"
#include "core/share_link.hpp"

using vitopo::BarRef;
using vitopo::LoadedModel;
using vitopo::ShareLinkError;
using vitopo::SharedView;
using Kind = vitopo::ShareLinkError::Kind;

namespace {

const std::string source_dir = VITOPO_SOURCE_DIR;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The default model as the page loads it, and what a link is checked against.
struct DefaultModel {
  std::vector<std::uint8_t> onnx = read_file(source_dir + "/models/vitopo-fmnist.onnx");
  vitopo::ModelSpec spec = vitopo::read_model_spec(onnx);
  vitopo::ModelIdentity identity = vitopo::identify_model(onnx, spec.name);

  LoadedModel loaded() const {
    return {identity, spec.input.channels, spec.input.height, spec.input.width, spec.layers, spec.heads};
  }
};

const DefaultModel& default_model() {
  static const DefaultModel model;
  return model;
}

// A sample of the gallery, preprocessed for the default model as the page does.
vitopo::ModelInput sample_input(const std::string& file) {
  const std::vector<std::uint8_t> png = read_file(source_dir + "/web/samples/" + file);
  int w = 0, h = 0, n = 0;
  stbi_uc* rgba = stbi_load_from_memory(png.data(), int(png.size()), &w, &h, &n, 4);
  REQUIRE(rgba != nullptr);
  const vitopo::ModelImage image = vitopo::preprocess_image(
      std::span<const std::uint8_t>(rgba, std::size_t(w) * std::size_t(h) * 4), w, h, default_model().spec.input);
  stbi_image_free(rgba);
  return {image.channels, image.height, image.width, image.pixels};
}

SharedView sample_view() {
  SharedView view;
  view.model = default_model().identity;
  view.image = sample_input("coat-6.png");
  view.settings.metric = vitopo::Metric::Hellinger;
  view.settings.drop_cls = true;
  view.settings.maxdim = 2;
  view.settings.threshold = 0.75;
  view.settings.modulus = 3;
  view.settings.long_bar_length = 0.125;
  view.selection = {3, 2, 0.3141592653589793, BarRef{1, 4}};
  return view;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

void require_same(const SharedView& a, const SharedView& b) {
  CHECK(a.model.fingerprint == b.model.fingerprint);
  CHECK(a.model.name == b.model.name);
  CHECK(a.image.channels == b.image.channels);
  CHECK(a.image.height == b.image.height);
  CHECK(a.image.width == b.image.width);
  CHECK_MESSAGE(same_bits(a.image.pixels, b.image.pixels), "the pixels come back bit for bit");
  const vitopo::AnalysisSettings &s = a.settings, &t = b.settings;
  CHECK(s.metric == t.metric);
  CHECK(s.columns == t.columns);
  CHECK(s.drop_cls == t.drop_cls);
  CHECK(s.seed_compatible == t.seed_compatible);
  CHECK(s.maxdim == t.maxdim);
  CHECK(std::memcmp(&s.threshold, &t.threshold, sizeof(double)) == 0);
  CHECK(std::memcmp(&s.long_bar_length, &t.long_bar_length, sizeof(double)) == 0);
  CHECK(s.modulus == t.modulus);
  CHECK(a.selection.layer == b.selection.layer);
  CHECK(a.selection.head == b.selection.head);
  CHECK(std::memcmp(&a.selection.epsilon, &b.selection.epsilon, sizeof(double)) == 0);
  CHECK(a.selection.bar == b.selection.bar);
  CHECK(a.image_name == b.image_name);
}

// The record of a link, changed at `offset` and sealed with a fresh CRC-32,
// as someone crafting a link would do: only the field's own check can catch it.
std::string crafted(std::vector<std::uint8_t> record, std::size_t offset, std::vector<std::uint8_t> bytes) {
  std::copy(bytes.begin(), bytes.end(), record.begin() + std::ptrdiff_t(offset));
  const std::uint32_t crc = vitopo::crc32(std::span(record).first(record.size() - 4));
  for (int i = 0; i < 4; ++i) record[record.size() - 4 + std::size_t(i)] = std::uint8_t(crc >> (8 * i));
  return "#v1=" + vitopo::base64url(record);
}

std::vector<std::uint8_t> f64_bytes(double x) {
  std::vector<std::uint8_t> out(8);
  std::memcpy(out.data(), &x, 8);  // little-endian on every target vitopo builds for
  return out;
}

// Offsets in a record (share_link.hpp's table): the pixels follow the name
// and the image header; the settings (20 bytes) and the selection (17) come
// last, before the CRC (4).
struct Layout {
  std::size_t pixels, settings, selection;
};
Layout layout_of(const SharedView& view, const std::vector<std::uint8_t>& record) {
  return {18 + view.model.name.size() + 6, record.size() - 4 - 17 - 20, record.size() - 4 - 17};
}

// Whether x is exactly k / 255.0f for a byte k.
bool is_byte(float x) {
  const long k = std::lround(double(x) * 255.0);
  const float y = float(k) / 255.0f;
  return k >= 0 && k <= 255 && std::memcmp(&x, &y, 4) == 0;
}

// The sample with every pixel nudged up to the next float that is not some
// k / 255: it travels as float32.
SharedView float_view() {
  SharedView view = sample_view();
  for (float& x : view.image.pixels) do x = std::nextafter(x, 2.0f); while (is_byte(x));
  return view;
}

Kind kind_of(const std::string& link, const LoadedModel& loaded) {
  try {
    vitopo::decode_share_link(link, loaded);
  } catch (const ShareLinkError& e) {
    return e.kind();
  }
  FAIL("the link was accepted: " << link.substr(0, 40));
  return Kind::prefix;
}

std::string message_of(const std::string& link, const LoadedModel& loaded) {
  try {
    vitopo::decode_share_link(link, loaded);
  } catch (const ShareLinkError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("a link reopens the sample's model input, settings and selection bit for bit") {
  const SharedView view = sample_view();
  REQUIRE(view.image.pixels.size() == 28 * 28);
  const std::string link = vitopo::encode_share_link(view);
  CHECK(link.rfind("#v1=", 0) == 0);
  require_same(vitopo::decode_share_link(link, default_model().loaded()), view);
  // As a whole URL, too: only the fragment counts.
  require_same(vitopo::decode_share_link("http://127.0.0.1:8000/?x=1" + link, default_model().loaded()), view);
  // Most of the preprocessed sample's values are some k/255 (the background's
  // zeros, untouched gray levels), not all: it travels mixed, a map of 98 bytes
  // then one byte for each such value and four for each other.
  const std::size_t bytes = std::size_t(std::count_if(view.image.pixels.begin(), view.image.pixels.end(), is_byte));
  CHECK(bytes > 392);
  CHECK(bytes < 784);
  const std::vector<std::uint8_t> record = vitopo::share_link_record(view);
  CHECK(record[layout_of(view, record).pixels - 1] == 2);
  CHECK(record.size() == 18 + view.model.name.size() + 6 + 98 + bytes + 4 * (784 - bytes) + 20 + 17 + 4);
  CHECK(link.size() == 4 + (record.size() * 4 + 2) / 3);
}

TEST_CASE("every setting and selection comes back, and no bar stays no bar") {
  for (const vitopo::Metric metric : vitopo::all_metrics())
    for (int flags = 0; flags < 8; ++flags) {
      SharedView view = sample_view();
      view.settings.metric = metric;
      view.settings.columns = flags & 1;
      view.settings.drop_cls = flags & 2;
      view.settings.seed_compatible = (flags & 4) && metric == vitopo::Metric::JensenShannon;
      view.settings.threshold = flags & 1 ? vitopo::infinity : 0.5;
      view.selection.bar = flags & 2 ? std::optional<BarRef>() : BarRef{flags % 3, 1000 + flags};
      CAPTURE(vitopo::metric_name(metric));
      CAPTURE(flags);
      require_same(vitopo::decode_share_link(vitopo::encode_share_link(view), default_model().loaded()), view);
    }
}

TEST_CASE("each pixel encoding gives back the same bits: uint8, mixed and float32") {
  const std::size_t head = 18 + sample_view().model.name.size() + 6, tail = 20 + 17 + 4;
  SharedView view = sample_view();
  for (std::size_t i = 0; i < view.image.pixels.size(); ++i) view.image.pixels[i] = float(i * 37 % 256) / 255.0f;
  std::vector<std::uint8_t> record = vitopo::share_link_record(view);
  CHECK(record[head - 1] == 1);
  CHECK(record.size() == head + 784 + tail);
  require_same(vitopo::read_share_link_record(record, default_model().loaded()), view);

  // One value that is not some k/255 (0.5, a negative zero, the float after
  // 1/255): mixed, keeping that value's exact bits.
  for (const float odd : {0.5f, -0.0f, std::nextafter(1.0f / 255.0f, 1.0f)}) {
    SharedView v = view;
    v.image.pixels[100] = odd;
    record = vitopo::share_link_record(v);
    CHECK(record[head - 1] == 2);
    CHECK(record.size() == head + 98 + 783 + 4 + tail);
    require_same(vitopo::read_share_link_record(record, default_model().loaded()), v);
  }

  // No value is some k/255: float32.
  view = float_view();
  record = vitopo::share_link_record(view);
  CHECK(record[head - 1] == 0);
  CHECK(record.size() == head + 4 * 784 + tail);
  require_same(vitopo::read_share_link_record(record, default_model().loaded()), view);

  // Mixed only while it is smaller than float32: 98 + e + 4·(784 − e) < 4·784 from e = 33 byte values on.
  view = float_view();
  for (int i = 0; i < 32; ++i) view.image.pixels[std::size_t(i)] = 0.0f;  // 98 + 32 + 4·752 = 3138 > 3136
  CHECK(vitopo::share_link_record(view)[head - 1] == 0);
  view.image.pixels[32] = 0.0f;                                          // 98 + 33 + 4·751 = 3135 < 3136
  CHECK(vitopo::share_link_record(view)[head - 1] == 2);
  require_same(vitopo::read_share_link_record(vitopo::share_link_record(view), default_model().loaded()), view);
}

TEST_CASE("the model is named by the SHA-256 of its ONNX file; a long name is cut at a character") {
  const DefaultModel& m = default_model();
  const vitopo::Sha256Digest digest = vitopo::sha256(m.onnx);
  CHECK(vitopo::fingerprint_hex(m.identity) == vitopo::hex(digest).substr(0, 32));
  CHECK(vitopo::fingerprint_hex(vitopo::model_identity(vitopo::fingerprint_hex(m.identity), "x")) ==
        vitopo::fingerprint_hex(m.identity));
  CHECK_THROWS_AS(vitopo::model_identity("abc", "x"), std::invalid_argument);
  CHECK_THROWS_AS(vitopo::model_identity(std::string(31, '0') + "g", "x"), std::invalid_argument);

  SharedView view = sample_view();
  view.model.name = std::string(63, 'a') + "é";  // é is two bytes: the 64-byte cut would split it
  const SharedView back = vitopo::decode_share_link(vitopo::encode_share_link(view), default_model().loaded());
  CHECK(back.model.name == std::string(63, 'a'));
}

TEST_CASE("a link made with another model says which model it needs") {
  const SharedView view = sample_view();
  LoadedModel other = default_model().loaded();
  other.model = vitopo::identify_model(std::vector<std::uint8_t>{1, 2, 3}, "another ViT");
  const std::string link = vitopo::encode_share_link(view);
  CHECK(kind_of(link, other) == Kind::model);
  const std::string message = message_of(link, other);
  CHECK(message.find('"' + view.model.name + '"') != std::string::npos);
  CHECK(message.find(vitopo::fingerprint_hex(view.model).substr(0, 12)) != std::string::npos);
  CHECK(message.find("\"another ViT\"") != std::string::npos);
  // The model it needs can be read without the model, once the link is intact.
  const vitopo::ModelIdentity needs = vitopo::share_link_model(link);
  CHECK(vitopo::fingerprint_hex(needs) == vitopo::fingerprint_hex(view.model));
  CHECK(needs.name == view.model.name);
  CHECK_THROWS_AS(vitopo::share_link_model(link.substr(0, 500)), ShareLinkError);
}

TEST_CASE("prefix, version and base64url are checked before anything else") {
  const LoadedModel loaded = default_model().loaded();
  const std::string link = vitopo::encode_share_link(sample_view());
  const std::string body = link.substr(4);
  for (const std::string& text : {std::string(), std::string("#"), std::string("#foo"), std::string("#v=abc"),
                                  std::string("#x1=") + body, std::string("#v1") + body, std::string("#V1=") + body})
    CHECK_MESSAGE(kind_of(text, loaded) == Kind::prefix, text.substr(0, 12));
  CHECK(kind_of("#v2=" + body, loaded) == Kind::version);
  CHECK(message_of("#v2=" + body, loaded).find("version 2") != std::string::npos);
  CHECK(kind_of("#v10=" + body, loaded) == Kind::version);

  std::string starred = link;
  starred[57] = '*';
  CHECK(kind_of(starred, loaded) == Kind::base64);
  CHECK(message_of(starred, loaded).find("'*' at character 58") != std::string::npos);
  CHECK(kind_of(link + "==", loaded) == Kind::base64);
  CHECK(kind_of(link.substr(0, 100) + "+" + link.substr(101), loaded) == Kind::base64);  // base64, not base64url
  // The link's own text is quoted in messages, escaped and cut.
  starred[57] = '\x1b';
  CHECK(message_of(starred, loaded).find("'\\x1b' at character 58") != std::string::npos);
  CHECK(message_of("#\x1b[2Jv1=" + body, loaded) ==
        "not a vitopo share link: a share link ends in #v1=…, this one in '#\\x1b[2Jv1=" + body.substr(0, 5) + "'…");
}

TEST_CASE("a link cut anywhere says it was cut short") {
  const LoadedModel loaded = default_model().loaded();
  const std::string link = vitopo::encode_share_link(sample_view());
  for (std::size_t length = 4; length < link.size(); ++length) {
    CAPTURE(length);
    CHECK(kind_of(link.substr(0, length), loaded) == Kind::truncated);
  }
  for (std::size_t cut = 1; cut <= 8; ++cut) CHECK(kind_of(link.substr(0, link.size() - cut), loaded) == Kind::truncated);
  CHECK(message_of(link.substr(0, link.size() / 2), loaded).find("cut short") != std::string::npos);
}

TEST_CASE("a changed byte anywhere fails the checksum, or reads as a cut where it sets a size") {
  const LoadedModel loaded = default_model().loaded();
  const SharedView view = sample_view();
  const std::vector<std::uint8_t> record = vitopo::share_link_record(view);
  const std::size_t pixels = layout_of(view, record).pixels;
  REQUIRE(record[pixels - 1] == 2);  // mixed: the pixel map sets sizes too
  const std::size_t map_end = pixels + 98;
  // Every byte of the fingerprint, the name, the pixels, the settings, the
  // selection and the CRC itself.
  for (std::size_t at = 1; at < record.size(); ++at) {
    if (at == 17 || (at >= pixels - 6 && at < map_end)) continue;  // the size fields: below
    std::vector<std::uint8_t> changed = record;
    changed[at] ^= 0x10;
    CAPTURE(at);
    CHECK(kind_of("#v1=" + vitopo::base64url(changed), loaded) == Kind::checksum);
  }
  // The fields that set the record's size (the version, the name's length,
  // the image's size and encoding, the pixel map): a change is caught too,
  // as damage or, when it makes the record look longer than it is, as a cut.
  std::vector<std::size_t> sizes = {0, 17};
  for (std::size_t at = pixels - 6; at < map_end; ++at) sizes.push_back(at);
  for (const std::size_t at : sizes) {
    for (const std::uint8_t flip : {0x01, 0x02, 0x80}) {
      std::vector<std::uint8_t> changed = record;
      changed[at] ^= flip;
      CAPTURE(at);
      CAPTURE(int(flip));
      const Kind kind = kind_of("#v1=" + vitopo::base64url(changed), loaded);
      CHECK((kind == Kind::checksum || kind == Kind::truncated));
    }
  }
  // Bytes appended to a whole record.
  std::vector<std::uint8_t> longer = record;
  longer.push_back(0);
  CHECK(kind_of("#v1=" + vitopo::base64url(longer), loaded) == Kind::checksum);
  // Characters appended to the text: one after whole groups of four is less
  // than a byte (base64url), otherwise they add bytes the header does not declare.
  const std::string link = "#v1=" + vitopo::base64url(record);
  for (const std::string extra : {"A", "AA", "AAA", "AAAA"}) {
    CAPTURE(extra);
    const std::size_t chars = link.size() - 4 + extra.size();
    const std::size_t bytes = (chars - (chars % 4 == 1 ? 1 : 0)) * 6 / 8;
    CHECK(kind_of(link + extra, loaded) == (bytes == record.size() ? Kind::base64 : Kind::checksum));
  }
  // A last character changed only in the 4 bits beyond the data: with one
  // byte in the last group, that character is A, Q, g or w (low bits 0).
  SharedView odd = view;
  while (vitopo::share_link_record(odd).size() % 3 != 1) odd.model.name += "+";
  std::string stray = vitopo::encode_share_link(odd);
  REQUIRE(std::string("AQgw").find(stray.back()) != std::string::npos);
  ++stray.back();
  CHECK(kind_of(stray, loaded) == Kind::base64);
}

TEST_CASE("a crafted link with a valid checksum is still checked field by field") {
  const DefaultModel& m = default_model();
  const LoadedModel loaded = m.loaded();
  const SharedView view = float_view();
  const std::vector<std::uint8_t> record = vitopo::share_link_record(view);
  const Layout at = layout_of(view, record);
  REQUIRE(record[at.pixels - 1] == 0);

  CHECK(kind_of(crafted(record, 0, {2}), loaded) == Kind::version);
  CHECK(kind_of(crafted(record, at.pixels - 1, {9}), loaded) == Kind::pixels);  // pixel encoding 9

  // A NaN and an infinity among the pixels, named by channel, row and column.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::vector<std::uint8_t> bits(4);
  std::memcpy(bits.data(), &nan, 4);
  const std::size_t pixel = 5 * 28 + 7;
  CHECK(kind_of(crafted(record, at.pixels + 4 * pixel, bits), loaded) == Kind::pixels);
  CHECK(message_of(crafted(record, at.pixels + 4 * pixel, bits), loaded).find("channel 0, row 5, column 7") !=
        std::string::npos);
  std::memcpy(bits.data(), &inf, 4);
  CHECK(kind_of(crafted(record, at.pixels, bits), loaded) == Kind::pixels);

  // The same in the mixed encoding: the first pixel that is a float32 made NaN.
  {
    const SharedView mixed = sample_view();
    const std::vector<std::uint8_t> r = vitopo::share_link_record(mixed);
    REQUIRE(r[at.pixels - 1] == 2);
    std::size_t offset = at.pixels + 98, first = 0;
    while (is_byte(mixed.image.pixels[first])) ++first, ++offset;
    std::memcpy(bits.data(), &nan, 4);
    CHECK(message_of(crafted(r, offset, bits), loaded) ==
          "the link's image has a non-finite value (nan) at channel 0, row " + std::to_string(first / 28) + ", column " +
              std::to_string(first % 28));
  }

  // A pixel map that marks pixels beyond the image (a 5 × 5 image: 25 bits of 32).
  {
    SharedView small = view;
    small.image = {1, 5, 5, std::vector<float>(25, 0.0f)};
    for (int i = 0; i < 5; ++i) small.image.pixels[std::size_t(i)] = 0.5f;
    LoadedModel small_model = loaded;
    small_model.height = small_model.width = 5;
    const std::vector<std::uint8_t> r = vitopo::share_link_record(small);
    REQUIRE(r[at.pixels - 1] == 2);
    require_same(vitopo::read_share_link_record(r, small_model), small);
    CHECK(kind_of(crafted(r, at.pixels + 3, {std::uint8_t(r[at.pixels + 3] | 0x80)}), small_model) == Kind::pixels);
  }

  // Settings: metric 8 is unknown, flag bit 3 is undefined, 4 is not prime,
  // 0 is not a modulus, a NaN or negative threshold, a NaN long bar length,
  // seed-compatible mode with hellinger.
  CHECK(kind_of(crafted(record, at.settings, {8}), loaded) == Kind::metric);
  CHECK(message_of(crafted(record, at.settings, {200}), loaded).find("metric code 200") != std::string::npos);
  CHECK(kind_of(crafted(record, at.settings + 1, {8}), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 3, {4}), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 3, {0}), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 4, f64_bytes(std::nan(""))), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 4, f64_bytes(-1)), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 12, f64_bytes(std::nan(""))), loaded) == Kind::settings);
  CHECK(kind_of(crafted(record, at.settings + 1, {4}), loaded) == Kind::settings);  // seed-compatible + hellinger

  // Selection: layer and head past the model's, a bar above maxdim, a bar
  // index with no bar, ε negative, NaN or infinite.
  REQUIRE(m.spec.layers > 0);
  REQUIRE(m.spec.heads > 0);
  CHECK(kind_of(crafted(record, at.selection, {std::uint8_t(m.spec.layers), 0}), loaded) == Kind::layer);
  CHECK(message_of(crafted(record, at.selection, {std::uint8_t(m.spec.layers), 0}), loaded)
            .find("layer " + std::to_string(m.spec.layers) + ", but the model has " + std::to_string(m.spec.layers)) !=
        std::string::npos);
  CHECK(kind_of(crafted(record, at.selection + 2, {0xff, 0xff}), loaded) == Kind::head);
  CHECK(kind_of(crafted(record, at.selection + 12, {3}), loaded) == Kind::bar);     // maxdim is 2
  CHECK(kind_of(crafted(record, at.selection + 12, {255}), loaded) == Kind::bar);   // no bar, index 4
  CHECK(kind_of(crafted(record, at.selection + 13, {0xff, 0xff, 0xff, 0xff}), loaded) == Kind::bar);
  for (const double epsilon : {-0.5, std::nan(""), vitopo::infinity})
    CHECK(kind_of(crafted(record, at.selection + 4, f64_bytes(epsilon)), loaded) == Kind::epsilon);

  // The image must be the model's input size.
  LoadedModel rgb = loaded;
  rgb.channels = 3;
  CHECK(kind_of(vitopo::encode_share_link(view), rgb) == Kind::image_size);
  LoadedModel larger = loaded;
  larger.width = 32;
  CHECK(message_of(vitopo::encode_share_link(view), larger).find("1 × 28 × 28") != std::string::npos);
}

namespace {

// A record sealed with its CRC-32 that declares a C × H × W image in the
// mixed encoding, followed by `filler` zero bytes.
std::vector<std::uint8_t> record_declaring(int channels, int height, int width, std::size_t filler) {
  std::vector<std::uint8_t> record = {1};
  const auto& fingerprint = default_model().identity.fingerprint;
  record.insert(record.end(), fingerprint.begin(), fingerprint.end());
  record.push_back(0);  // no name
  record.push_back(std::uint8_t(channels));
  for (const int side : {height, width}) {
    record.push_back(std::uint8_t(side & 0xff));
    record.push_back(std::uint8_t(side >> 8));
  }
  record.push_back(2);  // mixed
  record.resize(record.size() + filler + 4, 0);
  const std::uint32_t crc = vitopo::crc32(std::span(record).first(record.size() - 4));
  for (int i = 0; i < 4; ++i) record[record.size() - 4 + std::size_t(i)] = std::uint8_t(crc >> (8 * i));
  return record;
}

}  // namespace

TEST_CASE("an image of more values than a link holds is refused before any size is computed from it") {
  const LoadedModel loaded = default_model().loaded();
  // 3 × 34881 × 41044 = 2^32 - 4 values: in 32 bits (wasm32's size_t) the
  // map's ⌈C·H·W / 8⌉ bytes wrap to 0, and a decoder that computed them so
  // read the map far past its end. 82 characters.
  CHECK((std::uint32_t(3u * 34881u * 41044u) + 7u) / 8u == 0u);
  const std::string link = "#v1=" + vitopo::base64url(record_declaring(3, 34881, 41044, 33));
  CHECK(link.size() == 4 + 82);
  CHECK(kind_of(link, loaded) == Kind::image_size);
  CHECK(message_of(link, loaded) ==
        "the link's image is 3 × 34881 × 41044 = 4294967292 values (C × H × W), more than the limit of 4194304 a share "
        "link holds");
  CHECK_THROWS_AS(vitopo::share_link_model(link), ShareLinkError);
  // The same record unsealed is damage, not a crafted size.
  std::vector<std::uint8_t> unsealed = record_declaring(3, 34881, 41044, 33);
  unsealed.back() ^= 1;
  CHECK(kind_of("#v1=" + vitopo::base64url(unsealed), loaded) == Kind::checksum);
  // The largest sides, beyond 2^32 values, and the limit's edge: 2048 × 2048
  // is the limit itself (the link is then only short of its pixels).
  CHECK(kind_of("#v1=" + vitopo::base64url(record_declaring(3, 65535, 65535, 0)), loaded) == Kind::image_size);
  CHECK(kind_of("#v1=" + vitopo::base64url(record_declaring(1, 2048, 2049, 0)), loaded) == Kind::image_size);
  CHECK(kind_of("#v1=" + vitopo::base64url(record_declaring(1, 2048, 2048, 0)), loaded) == Kind::truncated);
  CHECK(vitopo::share_link_value_limit == 2048u * 2048u);
  // Making such a link says the same, without looking at the pixels.
  SharedView view = sample_view();
  view.image = {3, 34881, 41044, {}};
  try {
    vitopo::share_link_record(view);
    FAIL("a link was made");
  } catch (const ShareLinkError& e) {
    CHECK(e.kind() == Kind::image_size);
    CHECK(std::string(e.what()).find("more than the limit of 4194304") != std::string::npos);
  }
}

TEST_CASE("a view no link could reopen is refused when the link is made, with decoding's error") {
  auto kind_of_encoding = [](const SharedView& view) {
    try {
      vitopo::encode_share_link(view);
    } catch (const ShareLinkError& e) {
      return e.kind();
    }
    FAIL("encoded");
    return Kind::prefix;
  };
  SharedView view = sample_view();
  view.image.pixels[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK(kind_of_encoding(view) == Kind::pixels);
  view = sample_view();
  view.image.pixels.pop_back();
  CHECK(kind_of_encoding(view) == Kind::image_size);
  view = sample_view();
  view.settings.modulus = 256;
  CHECK(kind_of_encoding(view) == Kind::settings);
  view = sample_view();
  view.settings.seed_compatible = true;  // with hellinger
  CHECK(kind_of_encoding(view) == Kind::settings);
  view = sample_view();
  view.selection.epsilon = -1e-9;
  CHECK(kind_of_encoding(view) == Kind::epsilon);
  view = sample_view();
  view.selection.bar = BarRef{3, 0};
  CHECK(kind_of_encoding(view) == Kind::bar);
  view = sample_view();
  view.selection.layer = 70000;
  CHECK(kind_of_encoding(view) == Kind::layer);
}

TEST_CASE("a selection is checked against the analysis: the head exists and so does the bar") {
  // A real analysis of random row-stochastic attention, 2 layers × 2 heads × 12 tokens.
  std::mt19937 random(11);
  std::uniform_real_distribution<float> uniform(0.01f, 1.0f);
  const int L = 2, H = 2, T = 12;
  std::vector<float> data(std::size_t(L * H * T * T));
  for (float& x : data) x = uniform(random);
  const std::int64_t shape[4] = {L, H, T, T};
  vitopo::AnalysisSettings settings;
  const vitopo::Analysis analysis =
      vitopo::analyze(vitopo::AttentionTensor::from_buffer(std::span<const float>(data), shape), settings);
  const auto& h1 = analysis.find(1, 0)->persistence.barcodes.at(1).bars;
  REQUIRE(!h1.empty());
  const int last = int(h1.size()) - 1;

  vitopo::check_selection({1, 0, 0.2, BarRef{1, last}}, analysis);
  vitopo::check_selection({1, 1, 0.0, std::nullopt}, analysis);
  auto kind = [&](const vitopo::SharedSelection& s) {
    try {
      vitopo::check_selection(s, analysis);
    } catch (const ShareLinkError& e) {
      return e.kind();
    }
    FAIL("accepted");
    return Kind::prefix;
  };
  CHECK(kind({1, 0, 0.2, BarRef{1, last + 1}}) == Kind::bar);
  CHECK(kind({1, 0, 0.2, BarRef{2, 0}}) == Kind::bar);
  CHECK(kind({2, 0, 0.2, std::nullopt}) == Kind::layer);
  CHECK(kind({0, 2, 0.2, std::nullopt}) == Kind::head);
  CHECK(kind({0, 0, -1, std::nullopt}) == Kind::epsilon);
  try {
    vitopo::check_selection({1, 0, 0.2, BarRef{1, last + 1}}, analysis);
  } catch (const ShareLinkError& e) {
    CHECK(std::string(e.what()) == "the selected bar is H1 bar " + std::to_string(last + 1) +
                                       ", but layer 1 head 0 has " + std::to_string(h1.size()) + " H1 bars");
  }
}

TEST_CASE("a link carries the image's name after the selection; links without one open as before") {
  const LoadedModel loaded = default_model().loaded();
  const SharedView unnamed = sample_view();
  SharedView named = unnamed;
  named.image_name = "Coat, sample 6 (été).png";  // 26 bytes of UTF-8
  const std::vector<std::uint8_t> plain = vitopo::share_link_record(unnamed), record = vitopo::share_link_record(named);
  // Every field keeps its place: the name (n, then n bytes) comes between the
  // selection and the checksum, and the checksum covers it.
  REQUIRE(record.size() == plain.size() + 1 + 26);
  CHECK(std::equal(plain.begin(), plain.end() - 4, record.begin()));
  CHECK(record[plain.size() - 4] == 26);
  CHECK(std::string(record.begin() + std::ptrdiff_t(plain.size() - 3), record.end() - 4) == named.image_name);
  CHECK(vitopo::crc32(std::span(record).first(record.size() - 4)) ==
        (std::uint32_t(record[record.size() - 4]) | std::uint32_t(record[record.size() - 3]) << 8 |
         std::uint32_t(record[record.size() - 2]) << 16 | std::uint32_t(record[record.size() - 1]) << 24));
  require_same(vitopo::decode_share_link(vitopo::encode_share_link(named), loaded), named);
  const SharedView old = vitopo::decode_share_link(vitopo::encode_share_link(unnamed), loaded);
  CHECK(old.image_name.empty());

  // A long name is cut at a character: é is two bytes, and the 128-byte cut would split it.
  SharedView longer = unnamed;
  longer.image_name = std::string(127, 'a') + "é.png";
  CHECK(vitopo::decode_share_link(vitopo::encode_share_link(longer), loaded).image_name == std::string(127, 'a'));
  // A name that is not UTF-8 cannot go into a link.
  SharedView bad = unnamed;
  bad.image_name = "a\xff.png";
  CHECK_THROWS_AS(vitopo::encode_share_link(bad), ShareLinkError);

  // A named link cut anywhere is refused, as cut short or as damaged.
  const std::string link = vitopo::encode_share_link(named);
  for (std::size_t cut = 1; cut <= 60; ++cut) {
    CAPTURE(cut);
    const Kind kind = kind_of(link.substr(0, link.size() - cut), loaded);
    CHECK((kind == Kind::truncated || kind == Kind::checksum));
  }
  // A changed byte in the name fails the checksum.
  for (std::size_t at = plain.size() - 4; at < record.size() - 4; ++at) {
    std::vector<std::uint8_t> changed = record;
    changed[at] ^= 0x04;
    CAPTURE(at);
    CHECK(kind_of("#v1=" + vitopo::base64url(changed), loaded) == Kind::checksum);
  }
}

TEST_CASE("a crafted image name is checked: its length, and that it is UTF-8") {
  const LoadedModel loaded = default_model().loaded();
  const std::vector<std::uint8_t> plain = vitopo::share_link_record(sample_view());
  // The record without its checksum, then `tail`, sealed with a fresh CRC-32.
  auto sealed = [&](const std::vector<std::uint8_t>& tail) {
    std::vector<std::uint8_t> record(plain.begin(), plain.end() - 4);
    record.insert(record.end(), tail.begin(), tail.end());
    const std::uint32_t crc = vitopo::crc32(record);
    for (int i = 0; i < 4; ++i) record.push_back(std::uint8_t(crc >> (8 * i)));
    return "#v1=" + vitopo::base64url(record);
  };
  CHECK(vitopo::decode_share_link(sealed({3, 'c', 'a', 't'}), loaded).image_name == "cat");
  CHECK(kind_of(sealed({0}), loaded) == Kind::checksum);            // a name of no bytes is never written
  CHECK(kind_of(sealed({4, 'c', 'a', 't'}), loaded) == Kind::checksum);  // longer than what follows
  CHECK(kind_of(sealed({2, 'c', 'a', 't'}), loaded) == Kind::checksum);  // shorter
  std::vector<std::uint8_t> long_name(1 + 129, 'a');
  long_name[0] = 129;
  CHECK(kind_of(sealed(long_name), loaded) == Kind::image_name);
  CHECK(message_of(sealed(long_name), loaded) == "the image's name in the link is 129 bytes long, more than 128");
  // Not UTF-8: a stray continuation byte, an overlong NUL, a surrogate, a code point beyond U+10FFFF, a cut sequence.
  for (const std::vector<std::uint8_t>& name : std::vector<std::vector<std::uint8_t>>{
           {0x80}, {0xC0, 0x80}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {'a', 0xE2, 0x82}}) {
    std::vector<std::uint8_t> tail{std::uint8_t(name.size())};
    tail.insert(tail.end(), name.begin(), name.end());
    CAPTURE(tail.size());
    CHECK(kind_of(sealed(tail), loaded) == Kind::image_name);
  }
  // Well-formed UTF-8 of every length: é, €, 𝔼.
  CHECK(vitopo::decode_share_link(sealed({9, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9D, 0x94, 0xBC}), loaded).image_name ==
        "é€𝔼");
}
