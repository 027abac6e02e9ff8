// Share links, version 2 (src/core/share_link.hpp): the quantisation of a
// large model input to 8 bits, and the record that carries its deflated
// codes. The record reopens bit for bit; every way a link can be wrong has its
// own error, checked before anything is allocated from it. The deflated form
// is a zlib stream: natively, zlib itself makes and inflates it (the oracle);
// in every build, a stream of stored blocks written here from RFC 1950 and
// RFC 1951 stands in for it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/share_link.hpp"

#if VITOPO_SHARE_ORACLES
#include <zlib.h>
#endif

using vitopo::BarRef;
using vitopo::LoadedModel;
using vitopo::ModelInput;
using vitopo::QuantisedInput;
using vitopo::ShareLinkError;
using vitopo::SharedViewV2;
using Kind = vitopo::ShareLinkError::Kind;

namespace {

// A 3 × H × W input like a normalised RGB photo: smooth gradients and a
// little texture, each channel with its own range.
ModelInput rgb_input(int height, int width) {
  ModelInput image{3, height, width, std::vector<float>(std::size_t(3) * std::size_t(height) * std::size_t(width))};
  const double mean[] = {0.485, 0.456, 0.406}, sd[] = {0.229, 0.224, 0.225};
  std::size_t i = 0;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        const double v = 0.5 + 0.35 * std::sin(0.05 * x + 0.9 * c) * std::cos(0.04 * y) + 0.1 * (((x * 7 + y * 13 + c) % 11) / 10.0 - 0.5);
        image.pixels[i++] = float((v - mean[c]) / sd[c]);
      }
  return image;
}

// A zlib stream of stored (uncompressed) blocks: RFC 1950's header 0x78 0x01,
// RFC 1951's stored blocks of at most 65 535 bytes, then Adler-32 (big-endian).
std::vector<std::uint8_t> stored_zlib(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out = {0x78, 0x01};
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, data.size() - at);
    out.push_back(at + n == data.size() ? 1 : 0);  // BFINAL, BTYPE 00
    out.push_back(std::uint8_t(n));
    out.push_back(std::uint8_t(n >> 8));
    out.push_back(std::uint8_t(~n));
    out.push_back(std::uint8_t(~n >> 8));
    out.insert(out.end(), data.begin() + std::ptrdiff_t(at), data.begin() + std::ptrdiff_t(at + n));
    at += n;
  } while (at < data.size());
  std::uint32_t a = 1, b = 0;
  for (const std::uint8_t x : data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  const std::uint32_t adler = b << 16 | a;
  for (int k = 3; k >= 0; --k) out.push_back(std::uint8_t(adler >> (8 * k)));
  return out;
}

// The codes deflated: by zlib where it is linked, else stored.
std::vector<std::uint8_t> deflated(const std::vector<std::uint8_t>& codes) {
#if VITOPO_SHARE_ORACLES
  uLongf size = compressBound(uLong(codes.size()));
  std::vector<std::uint8_t> out(size);
  REQUIRE(compress2(out.data(), &size, codes.data(), uLong(codes.size()), 9) == Z_OK);
  out.resize(size);
  return out;
#else
  return stored_zlib(codes);
#endif
}

LoadedModel loaded_for(const SharedViewV2& view) {
  LoadedModel loaded;
  loaded.model = view.model;
  loaded.channels = view.image.channels;
  loaded.height = view.image.height;
  loaded.width = view.image.width;
  loaded.layers = 2;
  loaded.heads = 4;
  return loaded;
}

struct Made {
  ModelInput input;     // the preprocessed input
  QuantisedInput q;     // quantised
  ModelInput analysed;  // what goes to the model
  SharedViewV2 view;
};

Made made(int height = 224, int width = 224) {
  Made m;
  m.input = rgb_input(height, width);
  m.q = vitopo::quantise_input(m.input);
  m.analysed = vitopo::dequantise_input(m.q);
  m.view.model = vitopo::model_identity("00112233445566778899aabbccddeeff", "RGB 224 test ViT");
  m.view.image = m.q;
  m.view.deflated = deflated(m.q.codes);
  m.view.settings.metric = vitopo::Metric::Hellinger;
  m.view.settings.maxdim = 2;
  m.view.settings.threshold = 0.5;
  m.view.selection = {1, 3, 0.25, BarRef{1, 2}};
  return m;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

template <typename F>
Kind kind_of(F&& body) {
  try {
    body();
  } catch (const ShareLinkError& e) {
    return e.kind();
  }
  FAIL("accepted");
  return Kind::prefix;
}

template <typename F>
std::string message_of(F&& body) {
  try {
    body();
  } catch (const ShareLinkError& e) {
    return e.what();
  }
  return "(accepted)";
}

Kind link_kind(const std::string& link, const LoadedModel& loaded) {
  return kind_of([&] { vitopo::decode_share_link_v2(link, loaded); });
}
std::string link_message(const std::string& link, const LoadedModel& loaded) {
  return message_of([&] { vitopo::decode_share_link_v2(link, loaded); });
}

// The record changed at `offset` and sealed with a fresh CRC-32, as a crafted link is.
std::string crafted(std::vector<std::uint8_t> record, std::size_t offset, const std::vector<std::uint8_t>& bytes) {
  std::copy(bytes.begin(), bytes.end(), record.begin() + std::ptrdiff_t(offset));
  const std::uint32_t crc = vitopo::crc32(std::span(record).first(record.size() - 4));
  for (int i = 0; i < 4; ++i) record[record.size() - 4 + std::size_t(i)] = std::uint8_t(crc >> (8 * i));
  return "#v2=" + vitopo::base64url(record);
}

std::vector<std::uint8_t> f32_bytes(float x) {
  std::vector<std::uint8_t> out(4);
  std::memcpy(out.data(), &x, 4);
  return out;
}

std::vector<std::uint8_t> u32_bytes(std::uint32_t x) { return {std::uint8_t(x), std::uint8_t(x >> 8), std::uint8_t(x >> 16), std::uint8_t(x >> 24)}; }

// Offsets of the record's fields (share_link.hpp's table) for a name of n bytes.
struct Offsets {
  std::size_t channels, scheme, quantisation, settings, selection, deflated_size, deflated;
};
Offsets offsets(std::size_t n, int channels) {
  const std::size_t q = 24 + n, k = q + 8 * std::size_t(channels);
  return {18 + n, 23 + n, q, k, k + 20, k + 37, k + 41};
}

}  // namespace

TEST_CASE("which models make version 2 links: more than 12 288 values") {
  CHECK(vitopo::share_link_version_for(1, 28, 28) == 1);    // the default model
  CHECK(vitopo::share_link_version_for(3, 32, 32) == 1);    // the RGB 32 × 32 test model
  CHECK(vitopo::share_link_version_for(3, 64, 64) == 1);    // 12 288
  CHECK(vitopo::share_link_version_for(1, 111, 111) == 2);  // 12 321
  CHECK(vitopo::share_link_version_for(3, 224, 224) == 2);
  CHECK(vitopo::share_link_version_for(65535, 65535, 65535) == 2);  // 64-bit arithmetic
  CHECK(vitopo::share_link_version_of("#v1=AAAA") == 1);
  CHECK(vitopo::share_link_version_of("https://x.org/vitopo/#v2=AAAA") == 2);
  CHECK(kind_of([] { vitopo::share_link_version_of("#v3=AAAA"); }) == Kind::version);
  CHECK(message_of([] { vitopo::share_link_version_of("#v3=AAAA"); }) ==
        "this share link has version 3; this page reads version 1 and version 2 links");
  CHECK(kind_of([] { vitopo::share_link_version_of("#hello"); }) == Kind::prefix);
}

TEST_CASE("quantisation: per channel, low is the least value and step the range / 255; codes are the nearest") {
  ModelInput image{3, 1, 4, {-1.0f, 0.0f, 1.5f, 2.0f,  5, 5, 5, 5,  0.25f, 0.5f, 0.75f, 1.0f}};
  const QuantisedInput q = vitopo::quantise_input(image);
  REQUIRE(q.low.size() == 3);
  CHECK(q.low[0] == -1.0f);
  CHECK(q.step[0] == float(3.0 / 255));
  CHECK(q.low[1] == 5.0f);
  CHECK(q.step[1] == 0.0f);  // a constant channel: every code 0
  CHECK(q.low[2] == 0.25f);
  CHECK(q.step[2] == float(0.75 / 255));
  // Codes by hand: (x − low) / step, rounded: 0, 85, 212.49999… → 212 (step is float32(3 / 255),
  // a little more than 3 / 255), 255; 0 × 4; 0, 85, 170, 255.
  CHECK(q.codes == std::vector<std::uint8_t>{0, 85, 212, 255, 0, 0, 0, 0, 0, 85, 170, 255});
  const ModelInput back = vitopo::dequantise_input(q);
  // float32(low + step · q) in float64, written out here.
  for (std::size_t i = 0; i < back.pixels.size(); ++i) {
    const std::size_t c = i / 4;
    CHECK(back.pixels[i] == float(double(q.low[c]) + double(q.step[c]) * q.codes[i]));
  }
  CHECK(back.pixels[0] == -1.0f);
  CHECK(back.pixels[3] == 2.0f);
  CHECK(back.pixels[4] == 5.0f);
}

TEST_CASE("a quantised RGB 224 input is within half a step of the preprocessed one, and quantising it again changes nothing") {
  const Made m = made();
  REQUIRE(m.analysed.pixels.size() == m.input.pixels.size());
  const std::size_t plane = 224 * 224;
  for (std::size_t i = 0; i < m.input.pixels.size(); ++i) {
    const double step = m.q.step[i / plane];
    REQUIRE(std::abs(double(m.analysed.pixels[i]) - double(m.input.pixels[i])) <= 0.5 * step * (1 + 1e-5) + 1e-6);
  }
  const QuantisedInput again = vitopo::quantise_input(m.analysed);
  CHECK(again.codes == m.q.codes);
}

TEST_CASE("a version 2 link reopens the quantised input, settings and selection bit for bit, within 300 KB") {
  const Made m = made();
  const std::string link = vitopo::encode_share_link_v2(m.view);
  CHECK(link.rfind("#v2=", 0) == 0);
  MESSAGE("RGB 224 link: " << link.size() << " characters; deflated codes " << m.view.deflated.size() << " bytes");
  CHECK(link.size() <= 300 * 1024);
  const SharedViewV2 back = vitopo::decode_share_link_v2(link, loaded_for(m.view));
  CHECK(back.model.fingerprint == m.view.model.fingerprint);
  CHECK(back.model.name == "RGB 224 test ViT");
  CHECK(back.image.low == m.q.low);
  CHECK(back.image.step == m.q.step);
  CHECK(back.deflated == m.view.deflated);
  CHECK(back.settings.metric == vitopo::Metric::Hellinger);
  CHECK(back.settings.maxdim == 2);
  CHECK(back.settings.threshold == 0.5);
  CHECK(back.selection.layer == 1);
  CHECK(back.selection.head == 3);
  CHECK(back.selection.epsilon == 0.25);
  CHECK(back.selection.bar == BarRef{1, 2});
  // Inflated (zlib is the oracle natively), the codes give the analysed input bit for bit.
#if VITOPO_SHARE_ORACLES
  std::vector<std::uint8_t> codes(m.q.codes.size());
  uLongf size = uLongf(codes.size());
  REQUIRE(uncompress(codes.data(), &size, back.deflated.data(), uLong(back.deflated.size())) == Z_OK);
  REQUIRE(size == codes.size());
  // The stored-block stand-in inflates with zlib too.
  const std::vector<std::uint8_t> stored = stored_zlib(m.q.codes);
  std::vector<std::uint8_t> again(m.q.codes.size());
  uLongf again_size = uLongf(again.size());
  REQUIRE(uncompress(again.data(), &again_size, stored.data(), uLong(stored.size())) == Z_OK);
  CHECK(again == m.q.codes);
#else
  const std::vector<std::uint8_t> codes = m.q.codes;
#endif
  CHECK(codes == m.q.codes);
  CHECK(same_bits(vitopo::inflated_share_link_input(back, codes).pixels, m.analysed.pixels));
  // The record is the table's, byte for byte where it has fixed places.
  const std::vector<std::uint8_t> record = vitopo::share_link_v2_record(m.view);
  const Offsets at = offsets(m.view.model.name.size(), 3);
  CHECK(record[0] == 2);
  CHECK(record[17] == m.view.model.name.size());
  CHECK(record[at.channels] == 3);
  CHECK((record[at.channels + 1] | record[at.channels + 2] << 8) == 224);
  CHECK(record[at.scheme] == 1);
  CHECK(std::vector<std::uint8_t>(record.begin() + std::ptrdiff_t(at.quantisation), record.begin() + std::ptrdiff_t(at.quantisation + 4)) == f32_bytes(m.q.low[0]));
  CHECK(record[at.settings] == 3);  // hellinger
  CHECK(std::vector<std::uint8_t>(record.begin() + std::ptrdiff_t(at.deflated_size), record.begin() + std::ptrdiff_t(at.deflated)) == u32_bytes(std::uint32_t(m.view.deflated.size())));
  CHECK(record.size() == at.deflated + m.view.deflated.size() + 4);
}

TEST_CASE("a version 2 link carries the image's name between the deflated codes and the checksum") {
  const Made m = made(8, 600);
  SharedViewV2 named = m.view;
  named.image_name = "frame 12.png";
  const std::vector<std::uint8_t> plain = vitopo::share_link_v2_record(m.view), record = vitopo::share_link_v2_record(named);
  REQUIRE(record.size() == plain.size() + 1 + 12);
  CHECK(std::equal(plain.begin(), plain.end() - 4, record.begin()));
  CHECK(record[plain.size() - 4] == 12);
  const SharedViewV2 back = vitopo::decode_share_link_v2(vitopo::encode_share_link_v2(named), loaded_for(named));
  CHECK(back.image_name == "frame 12.png");
  CHECK(back.deflated == m.view.deflated);
  CHECK(vitopo::decode_share_link_v2(vitopo::encode_share_link_v2(m.view), loaded_for(m.view)).image_name.empty());
  // Cut inside the name or its checksum: refused.
  const std::string link = vitopo::encode_share_link_v2(named);
  for (std::size_t cut = 1; cut <= 24; ++cut) {
    CAPTURE(cut);
    const Kind kind = link_kind(link.substr(0, link.size() - cut), loaded_for(named));
    CHECK((kind == Kind::truncated || kind == Kind::checksum));
  }
}

TEST_CASE("the inflated codes must be exactly C × H × W") {
  const Made m = made(8, 600);
  const SharedViewV2 back = vitopo::decode_share_link_v2(vitopo::encode_share_link_v2(m.view), loaded_for(m.view));
  std::vector<std::uint8_t> codes = m.q.codes;
  codes.pop_back();
  CHECK(kind_of([&] { vitopo::inflated_share_link_input(back, codes); }) == Kind::inflate);
  CHECK(message_of([&] { vitopo::inflated_share_link_input(back, codes); }) ==
        "the link's pixels inflate to 14399 bytes, not C × H × W = 14400; the link was altered");
}

TEST_CASE("a version 2 link cut anywhere says it was cut short; a changed byte fails the checksum") {
  const Made m = made(8, 600);  // 14 400 values: version 2, and a short link
  const LoadedModel loaded = loaded_for(m.view);
  const std::string link = vitopo::encode_share_link_v2(m.view);
  for (std::size_t length = 4; length < link.size(); length += length < 200 ? 1 : 61) {
    CAPTURE(length);
    CHECK(link_kind(link.substr(0, length), loaded) == Kind::truncated);
  }
  CHECK(link_message(link.substr(0, link.size() / 2), loaded).find("the share link is cut short") == 0);
  const std::vector<std::uint8_t> record = vitopo::share_link_v2_record(m.view);
  const Offsets at = offsets(m.view.model.name.size(), 3);
  for (std::size_t i = 1; i < record.size(); i += i < at.deflated + 8 ? 1 : 37) {
    if (i == 17 || (i >= at.channels && i < at.scheme + 1) || (i >= at.deflated_size && i < at.deflated)) continue;
    std::vector<std::uint8_t> changed = record;
    changed[i] ^= 0x10;
    CAPTURE(i);
    CHECK(link_kind("#v2=" + vitopo::base64url(changed), loaded) == Kind::checksum);
  }
  // The size fields: damage, or a cut when the record looks longer than it is.
  for (std::size_t i : {std::size_t(0), std::size_t(17), at.channels, at.channels + 1, at.channels + 3, at.scheme,
                        at.deflated_size, at.deflated_size + 1, at.deflated_size + 3}) {
    std::vector<std::uint8_t> changed = record;
    changed[i] ^= 0x01;
    CAPTURE(i);
    const Kind kind = link_kind("#v2=" + vitopo::base64url(changed), loaded);
    CHECK((kind == Kind::checksum || kind == Kind::truncated));
  }
  std::vector<std::uint8_t> longer = record;
  longer.push_back(0);
  CHECK(link_kind("#v2=" + vitopo::base64url(longer), loaded) == Kind::checksum);
  // A v1 decoder does not read it, nor this one a v1 link.
  CHECK(kind_of([&] { vitopo::decode_share_link(link, loaded); }) == Kind::version);
  CHECK(link_kind("#v1=" + link.substr(4), loaded) == Kind::version);
  // The record of another version under "#v2=".
  CHECK(link_kind(crafted(record, 0, {1}), loaded) == Kind::version);
}

TEST_CASE("a crafted version 2 link with a valid checksum is still checked field by field") {
  const Made m = made(8, 600);
  const LoadedModel loaded = loaded_for(m.view);
  const std::vector<std::uint8_t> record = vitopo::share_link_v2_record(m.view);
  const Offsets at = offsets(m.view.model.name.size(), 3);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();

  // The model and the image's size.
  LoadedModel other = loaded;
  other.model.fingerprint[0] ^= 1;
  CHECK(link_kind(crafted(record, 0, {}), other) == Kind::model);
  other = loaded;
  other.width = 599;
  CHECK(link_message(crafted(record, 0, {}), other) ==
        "the link's image is 3 × 8 × 600 (C × H × W), but the model takes 3 × 8 × 599");
  CHECK(link_kind(crafted(record, at.channels, {2}), loaded) == Kind::image_size);
  CHECK(link_kind(crafted(record, at.channels + 1, {0, 0}), loaded) == Kind::image_size);
  // 3 × 65535 × 65535 values: refused before any size is computed from them.
  CHECK(link_message(crafted(record, at.channels + 1, {0xff, 0xff, 0xff, 0xff}), loaded).find("more than the limit of 4194304") !=
        std::string::npos);

  // The quantisation header.
  CHECK(link_message(crafted(record, at.scheme, {7}), loaded) ==
        "the link's quantisation scheme is 7, which version 2 does not define (1: per channel affine from uint8)");
  CHECK(link_kind(crafted(record, at.scheme, {0}), loaded) == Kind::quantisation);
  CHECK(link_message(crafted(record, at.quantisation, f32_bytes(nan)), loaded) ==
        "the link's quantisation: channel 0 (red)'s low value nan is not a finite number");
  CHECK(link_message(crafted(record, at.quantisation + 12, f32_bytes(-0.5f)), loaded) ==
        "the link's quantisation: channel 1 (green)'s step -0.5 is not a finite non-negative number");
  CHECK(link_kind(crafted(record, at.quantisation + 20, f32_bytes(inf)), loaded) == Kind::quantisation);
  CHECK(link_kind(crafted(record, at.quantisation + 20, f32_bytes(-0.0f)), loaded) == Kind::quantisation);
  std::vector<std::uint8_t> huge = f32_bytes(3e38f);
  const std::vector<std::uint8_t> big_step = f32_bytes(1e37f);
  huge.insert(huge.end(), big_step.begin(), big_step.end());
  CHECK(link_message(crafted(record, at.quantisation, huge), loaded).find("reaches inf at code 255") != std::string::npos);

  // The settings and the selection, as in version 1.
  CHECK(link_kind(crafted(record, at.settings, {200}), loaded) == Kind::metric);
  CHECK(link_kind(crafted(record, at.settings + 1, {0x80}), loaded) == Kind::settings);
  CHECK(link_kind(crafted(record, at.settings + 3, {4}), loaded) == Kind::settings);  // modulus 4
  CHECK(link_kind(crafted(record, at.selection, {2, 0}), loaded) == Kind::layer);     // 2 layers
  CHECK(link_kind(crafted(record, at.selection + 2, {9, 0}), loaded) == Kind::head);
  std::vector<std::uint8_t> nan64(8);
  const double nan_epsilon = std::numeric_limits<double>::quiet_NaN();
  std::memcpy(nan64.data(), &nan_epsilon, 8);
  CHECK(link_kind(crafted(record, at.selection + 4, nan64), loaded) == Kind::epsilon);
  CHECK(link_kind(crafted(record, at.selection + 12, {7}), loaded) == Kind::bar);

  // The deflated block: a header that is not zlib's, a size beyond any deflate's.
  CHECK(link_message(crafted(record, at.deflated, {0x12, 0x34}), loaded) ==
        "the link's deflated pixels do not start as a zlib stream (deflate, no dictionary): their header is 0x12 0x34");
  CHECK(link_kind(crafted(record, at.deflated, {0x78, 0xbb}), loaded) == Kind::inflate);  // FDICT set
  SharedViewV2 padded = m.view;
  padded.deflated.resize(vitopo::deflate_bound(14400) + 1, 0);
  CHECK(kind_of([&] { vitopo::encode_share_link_v2(padded); }) == Kind::inflate);
  std::vector<std::uint8_t> too_long = record;
  too_long.insert(too_long.end() - 4, vitopo::deflate_bound(14400) + 1 - m.view.deflated.size(), std::uint8_t(0));
  const std::vector<std::uint8_t> size = u32_bytes(std::uint32_t(vitopo::deflate_bound(14400) + 1));
  CHECK(link_message(crafted(too_long, at.deflated_size, size), loaded).find("more than deflating 14400 codes can give") !=
        std::string::npos);
}

TEST_CASE("a view no version 2 link could reopen is refused when the link is made") {
  const Made m = made(8, 600);
  SharedViewV2 bad = m.view;
  bad.image.step[2] = std::numeric_limits<float>::quiet_NaN();
  CHECK(kind_of([&] { vitopo::encode_share_link_v2(bad); }) == Kind::quantisation);
  bad = m.view;
  bad.deflated = {1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(kind_of([&] { vitopo::encode_share_link_v2(bad); }) == Kind::inflate);
  bad = m.view;
  bad.selection.epsilon = -1;
  CHECK(kind_of([&] { vitopo::encode_share_link_v2(bad); }) == Kind::epsilon);
  ModelInput nan_input = rgb_input(8, 600);
  nan_input.pixels[5] = std::numeric_limits<float>::quiet_NaN();
  CHECK(kind_of([&] { vitopo::quantise_input(nan_input); }) == Kind::pixels);
  QuantisedInput short_codes = m.q;
  short_codes.codes.resize(10);
  CHECK(kind_of([&] { vitopo::dequantise_input(short_codes); }) == Kind::inflate);
}
