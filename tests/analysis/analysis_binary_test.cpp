// The binary analysis: a round trip is exact on the model's real attention,
// the bytes follow the documented layout on every platform (native and
// wasm32 run this file), and every malformed record is refused in words.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/analysis_binary.hpp"
#include "core/analysis_json.hpp"

using namespace vitopo;

namespace {

// The model's attention to test image 0, [L, H, T, T] = [4, 4, 50, 50], from the
// fixture PyTorch wrote at export: [L, B, H, T, T] little-endian float32.
AttentionTensor real_attention() {
  const int L = 4, B = 4, H = 4, T = 50;
  const std::string path = std::string(VITOPO_SOURCE_DIR) + "/tests/model/fixtures/parity_attentions.f32";
  std::ifstream file(path, std::ios::binary);
  REQUIRE_MESSAGE(file.good(), "cannot open ", path);
  const std::vector<char> raw((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  REQUIRE(raw.size() == std::size_t(L) * B * H * T * T * 4);
  std::vector<float> image;
  for (int l = 0; l < L; ++l)
    for (int h = 0; h < H; ++h)
      for (int k = 0; k < T * T; ++k) {
        const std::size_t at = ((std::size_t(l) * B + 0) * H + std::size_t(h)) * T * T + std::size_t(k);
        std::uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) bits |= std::uint32_t(std::uint8_t(raw[4 * at + std::size_t(i)])) << (8 * i);
        float x;
        std::memcpy(&x, &bits, 4);
        image.push_back(x);
      }
  const std::int64_t shape[4] = {L, H, T, T};
  return AttentionTensor::from_buffer(std::span<const float>(image), shape);
}

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, 8);
  return b;
}

// The first field in which a and b differ (doubles compared bit for bit), or "".
std::string first_difference(const Analysis& a, const Analysis& b) {
  const AnalysisSettings &s = a.settings, &t = b.settings;
  if (s.metric != t.metric || s.columns != t.columns || s.drop_cls != t.drop_cls ||
      s.seed_compatible != t.seed_compatible || s.maxdim != t.maxdim || bits(s.threshold) != bits(t.threshold) ||
      s.modulus != t.modulus || bits(s.long_bar_length) != bits(t.long_bar_length))
    return "settings";
  if (a.layers != b.layers || a.heads != b.heads || a.tokens != b.tokens) return "shape";
  if (a.results.size() != b.results.size()) return "head count";
  for (std::size_t k = 0; k < a.results.size(); ++k) {
    const HeadAnalysis &x = a.results[k], &y = b.results[k];
    const std::string head = "head #" + std::to_string(k);
    if (x.layer != y.layer || x.head != y.head) return head + " position";
    if (bits(x.persistence.threshold) != bits(y.persistence.threshold)) return head + " threshold";
    if (x.persistence.barcodes.size() != y.persistence.barcodes.size()) return head + " barcode count";
    for (std::size_t d = 0; d < x.persistence.barcodes.size(); ++d) {
      const Barcode &p = x.persistence.barcodes[d], &q = y.persistence.barcodes[d];
      if (p.dim != q.dim || p.bars.size() != q.bars.size()) return head + " barcode " + std::to_string(d);
      for (std::size_t i = 0; i < p.bars.size(); ++i)
        if (bits(p.bars[i].birth) != bits(q.bars[i].birth) || bits(p.bars[i].death) != bits(q.bars[i].death) ||
            p.bars[i].birth_simplex != q.bars[i].birth_simplex || p.bars[i].death_simplex != q.bars[i].death_simplex)
          return head + " dimension " + std::to_string(d) + " bar " + std::to_string(i);
    }
    if (x.summary.size() != y.summary.size()) return head + " summary count";
    for (std::size_t d = 0; d < x.summary.size(); ++d) {
      const DimensionSummary &p = x.summary[d], &q = y.summary[d];
      if (p.dim != q.dim || p.bars != q.bars || p.essential != q.essential || p.long_bars != q.long_bars ||
          bits(p.total_persistence_1) != bits(q.total_persistence_1) ||
          bits(p.total_persistence_2) != bits(q.total_persistence_2) || bits(p.entropy) != bits(q.entropy) ||
          bits(p.longest_finite) != bits(q.longest_finite) || bits(p.long_bar_length) != bits(q.long_bar_length))
        return head + " summary " + std::to_string(d);
    }
  }
  return "";
}

// The refusal's message, or "" when decoding succeeds or throws something else.
std::string refusal(const std::vector<std::uint8_t>& bytes) {
  try {
    decode_analysis(bytes);
  } catch (const AnalysisBinaryError& e) {
    return e.what();
  } catch (...) {
    return "";
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A record built from the documented layout, independently of the encoder.
struct Record {
  std::vector<std::uint8_t> bytes;
  Record& raw(std::initializer_list<int> list) {
    for (int b : list) bytes.push_back(std::uint8_t(b));
    return *this;
  }
  Record& u16(std::uint32_t x) { return raw({int(x & 255), int(x >> 8)}); }
  Record& u32(std::uint32_t x) { return raw({int(x & 255), int(x >> 8 & 255), int(x >> 16 & 255), int(x >> 24)}); }
  Record& f64(double x) {
    const std::uint64_t b = bits(x);
    for (int i = 0; i < 8; ++i) bytes.push_back(std::uint8_t(b >> (8 * i)));
    return *this;
  }
  Record& text(const std::string& s) {
    for (char c : s) bytes.push_back(std::uint8_t(c));
    return *this;
  }
};

void put_u32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) bytes[at + std::size_t(i)] = std::uint8_t(x >> (8 * i));
}

// Offsets of the fixed fields for a metric name of n bytes (see the layout).
struct Offsets {
  std::size_t n;
  std::size_t flags() const { return 9 + n; }
  std::size_t maxdim() const { return 10 + n; }
  std::size_t modulus() const { return 14 + n; }
  std::size_t threshold() const { return 18 + n; }
  std::size_t layers() const { return 34 + n; }
  std::size_t head_count() const { return 46 + n; }
  std::size_t first_head() const { return 50 + n; }
  // In the first head: its dimension-0 bar count and first bar.
  std::size_t bar_count() const { return first_head() + 16; }
  std::size_t first_bar() const { return first_head() + 20; }
};

}  // namespace

TEST_CASE("a binary analysis of the model's real attention decodes to the same analysis, bit for bit") {
  const AttentionTensor attention = real_attention();
  AnalysisSettings h1;
  AnalysisSettings h2;
  h2.maxdim = 2;
  AnalysisSettings others;  // a finite threshold (essential bars above H0), a prime other than 2, CLS dropped
  others.metric = Metric::Hellinger;
  others.drop_cls = true;
  others.columns = true;
  others.threshold = 0.3;
  others.modulus = 3;
  others.long_bar_length = 0.01;
  AnalysisSettings seed;
  seed.seed_compatible = true;
  for (const AnalysisSettings& settings : {h1, h2, others, seed}) {
    CAPTURE(settings.maxdim);
    CAPTURE(metric_name(settings.metric));
    const Analysis analysis = analyze(attention, settings);
    REQUIRE(analysis.results.size() == 16);
    const std::vector<std::uint8_t> bytes = encode_analysis(analysis);
    const Analysis back = decode_analysis(bytes);
    CHECK(first_difference(back, analysis) == "");
    CHECK(to_json_text(back) == to_json_text(analysis));
    CHECK(encode_analysis(back) == bytes);
  }
  // The cases above hold what the record must carry: H2 bars, and essential
  // H1 bars (empty death simplex) under the finite threshold.
  int h2_bars = 0, essential_h1 = 0;
  for (const HeadAnalysis& r : analyze(attention, h2).results) h2_bars += r.summary[2].bars;
  for (const HeadAnalysis& r : analyze(attention, others).results) essential_h1 += r.summary[1].essential;
  CHECK(h2_bars > 0);
  CHECK(essential_h1 > 0);
  CHECK(analyze(attention, others, {0, 0}).results[0].persistence.threshold == 0.3);
}

TEST_CASE("the record is the documented layout, byte for byte, on every platform") {
  Analysis a;
  a.settings.metric = Metric::Hellinger;
  a.settings.columns = true;
  a.settings.maxdim = 1;
  a.settings.modulus = 3;
  a.settings.threshold = 0.75;
  a.settings.long_bar_length = 0.05;
  a.layers = 2;
  a.heads = 3;
  a.tokens = 4;
  HeadAnalysis head;
  head.layer = 1;
  head.head = 2;
  head.persistence.threshold = 0.75;
  head.persistence.barcodes = {{0, {{0, 0.25, {3}, {3, 1}}, {0, infinity, {0}, {}}}},
                               {1, {{0.375, 0.625, {3, 2}, {3, 2, 0}}, {5e-324, infinity, {2, 1}, {}}}}};
  head.summary = {{0, 2, 1, 0.25, 0.0625, 0.0, 0.25, 0.05, 2}, {1, 2, 1, 0.25, 0.0625, -0.0, 0.25, 0.05, 1}};
  a.results = {head};

  Record r;
  r.text("VTPA").u32(1).raw({9}).text("hellinger").raw({1}).u32(1).u32(3);
  r.raw({0, 0, 0, 0, 0, 0, 0xE8, 0x3F});  // 0.75 = 0x3FE8000000000000
  r.f64(0.05).u32(2).u32(3).u32(4).u32(1);
  r.u32(1).u32(2).f64(0.75);
  r.u32(2);  // dimension 0
  r.f64(0).f64(0.25).u16(1).u16(2).u32(3).u32(3).u32(1);
  r.f64(0).raw({0, 0, 0, 0, 0, 0, 0xF0, 0x7F}).u16(1).u16(0).u32(0);  // +∞ = 0x7FF0000000000000
  r.u32(2);  // dimension 1
  r.f64(0.375).f64(0.625).u16(2).u16(3).u32(3).u32(2).u32(3).u32(2).u32(0);
  r.raw({1, 0, 0, 0, 0, 0, 0, 0}).f64(infinity).u16(2).u16(0).u32(2).u32(1);  // 5e-324: the smallest subnormal
  r.u32(2).u32(1).f64(0.25).f64(0.0625).f64(0.0).f64(0.25).f64(0.05).u32(2);
  r.u32(2).u32(1).f64(0.25).f64(0.0625).raw({0, 0, 0, 0, 0, 0, 0, 0x80}).f64(0.25).f64(0.05).u32(1);  // -0.0

  CHECK(encode_analysis(a) == r.bytes);
  CHECK(first_difference(decode_analysis(r.bytes), a) == "");
  CHECK(std::signbit(decode_analysis(r.bytes).results[0].summary[1].entropy));
}

TEST_CASE("every truncation of a binary analysis is refused, with the byte where the data end") {
  AnalysisSettings settings;
  settings.maxdim = 2;
  const Analysis analysis = analyze(real_attention(), settings, {3, -1});
  const std::vector<std::uint8_t> bytes = encode_analysis(analysis);
  REQUIRE(bytes.size() > 1000);
  int refused = 0;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + std::ptrdiff_t(n));
    try {
      decode_analysis(cut);
    } catch (const AnalysisBinaryError& e) {
      // Either the data end, or a count says more follows than the bytes left can hold.
      if (e.offset <= n && (contains(e.what(), "the data end here") || contains(e.what(), "are said to follow")))
        ++refused;
      else
        CHECK_MESSAGE(false, "at ", n, " bytes: ", e.what());
    }
  }
  CHECK(refused == int(bytes.size()));
  std::vector<std::uint8_t> longer = bytes;
  longer.push_back(0);
  CHECK(contains(refusal(longer), "at byte " + std::to_string(bytes.size()) + " (the end): 1 byte follows the last head"));
}

TEST_CASE("counts the remaining bytes cannot hold are refused before anything is allocated") {
  const Analysis analysis = analyze(real_attention(), {}, {0, -1});
  const std::vector<std::uint8_t> bytes = encode_analysis(analysis);
  const Offsets at{2};  // "js"
  for (std::uint32_t count : {std::uint32_t(1) << 31, std::uint32_t(0xFFFFFFFF), std::uint32_t(1) << 24}) {
    std::vector<std::uint8_t> bad = bytes;
    put_u32(bad, at.bar_count(), count);
    const std::string message = refusal(bad);
    CHECK(contains(message, "at byte " + std::to_string(at.bar_count())));
    CHECK(contains(message, std::to_string(count) + " bars are said to follow, but the"));
    CHECK(contains(message, "head #0 (layer 0, head 0), dimension 0"));
  }
  std::vector<std::uint8_t> bad = bytes;
  put_u32(bad, at.layers(), 1u << 30);  // a shape that could hold 2^31 heads
  put_u32(bad, at.head_count(), 1u << 31);
  CHECK(contains(refusal(bad), "2147483648 heads are said to follow, but the"));
  bad = bytes;
  put_u32(bad, at.head_count(), 17);
  CHECK(contains(refusal(bad), "17 heads are said to follow, but the shape has 16"));
  bad = bytes;
  bad[at.first_bar() + 16] = 0xFF;  // the birth simplex's vertex count: 65535
  bad[at.first_bar() + 17] = 0xFF;
  CHECK(contains(refusal(bad), "the data end here, but the bar's simplices needs"));
}

TEST_CASE("malformed binary analyses are refused, saying what is wrong and where") {
  const AttentionTensor attention = real_attention();
  const Analysis analysis = analyze(attention, {}, {0, -1});
  const std::vector<std::uint8_t> bytes = encode_analysis(analysis);
  const Offsets at{2};
  const int tokens = analysis.tokens;
  auto changed = [&](std::size_t offset, std::initializer_list<int> values) {
    std::vector<std::uint8_t> bad = bytes;
    for (int v : values) bad[offset++] = std::uint8_t(v);
    return refusal(bad);
  };
  auto changed_u32 = [&](std::size_t offset, std::uint32_t x) {
    std::vector<std::uint8_t> bad = bytes;
    put_u32(bad, offset, x);
    return refusal(bad);
  };
  CHECK(contains(changed(0, {'V', 'T', 'P', 'B'}), "at byte 0 (the header): the data do not start with \"VTPA\""));
  CHECK(contains(changed_u32(4, 2), "at byte 4 (the header): the format version is 2; this build reads version 1"));
  CHECK(contains(changed(8, {0}), "the metric's name has 0 bytes"));
  CHECK(contains(changed(9, {'j', 'x'}), "at byte 9 (the settings): unknown metric"));
  CHECK(contains(changed(9, {'j', 0}), "not printable ASCII"));
  CHECK(contains(changed(at.flags(), {8}), "at byte " + std::to_string(at.flags()) + " (the settings): the settings' flags 8"));
  CHECK(contains(changed_u32(at.maxdim(), 255), "at byte 8 (the settings): maxdim 255 is outside 0 to 254"));
  CHECK(contains(changed_u32(at.maxdim(), 0x80000000u), "maxdim 2147483648 is above 2^31 − 1"));
  CHECK(contains(changed_u32(at.modulus(), 4), "the modulus 4 is not a prime between 2 and 251"));
  CHECK(contains(changed_u32(at.modulus(), 257), "the modulus 257 is not a prime"));
  CHECK(contains(changed(at.threshold(), {0, 0, 0, 0, 0, 0, 0xF8, 0x7F}), "the threshold nan is not a non-negative number"));
  CHECK(contains(changed(at.threshold(), {0, 0, 0, 0, 0, 0, 0xF0, 0xBF}), "the threshold -1 is not"));
  CHECK(changed(at.flags(), {4}) == "");  // seed-compatible with js is valid
  {
    std::vector<std::uint8_t> bad = encode_analysis(analyze(attention, AnalysisSettings{Metric::Hellinger}, {0, 0}));
    bad[Offsets{9}.flags()] = 4;  // seed-compatible with hellinger
    CHECK(contains(refusal(bad), "seed-compatible mode uses sqrt of the JS distance"));
  }
  CHECK(contains(changed_u32(at.first_head(), 4), "at byte " + std::to_string(at.first_head()) +
                                                      " (head #0 (layer 4, head 0)): layer 4 is outside the shape's 4 layers"));
  CHECK(contains(changed_u32(at.first_head() + 4, 7), "head 7 is outside the shape's 4 heads"));
  CHECK(contains(changed_u32(at.first_head(), 0x80000000u), "the layer 2147483648 is above 2^31 − 1"));
  // The first bar (dimension 0): its death, its simplices' vertex counts and vertices.
  REQUIRE(analysis.results[0].persistence.barcodes[0].bars[0].death < infinity);
  const std::size_t bar = at.first_bar();
  const std::string bar0 = "at byte " + std::to_string(bar) + " (head #0 (layer 0, head 0), dimension 0, bar 0): ";
  CHECK(contains(changed(bar, {0, 0, 0, 0, 0, 0, 0xF8, 0x7F}), bar0 + "the birth nan is not a finite non-negative number"));
  CHECK(contains(changed(bar + 8, {0, 0, 0, 0, 0, 0, 0xF0, 0xBF}), bar0 + "the death -1 is not a number at or after"));
  CHECK(contains(changed(bar + 16, {2, 0}), bar0 + "the birth simplex has 2 vertices, not 1"));
  CHECK(contains(changed(bar + 18, {1, 0}), bar0 + "the death simplex has 1 vertices, not 2"));
  CHECK(contains(changed_u32(bar + 20, std::uint32_t(tokens)),
                 bar0 + "the birth simplex has vertex 50, not a token index (0 to 49)"));
  CHECK(contains(changed_u32(bar + 24, 0xFFFFFFFFu), bar0 + "the death simplex has vertex 4294967295"));
  // The second head at the first's place: out of (layer, head) order.
  const Analysis first = analyze(attention, {}, {0, 0});
  const std::size_t head_size = encode_analysis(first).size() - at.first_head();
  std::vector<std::uint8_t> bad = bytes;
  put_u32(bad, at.first_head() + head_size + 4, 0);
  const std::string message = refusal(bad);
  CHECK(contains(message, "at byte " + std::to_string(at.first_head() + head_size) + " (head #1 (layer 0, head 0)): it comes after layer 0, head 0"));
}

TEST_CASE("the encoder refuses what the record cannot hold, naming the head and bar") {
  const Analysis analysis = analyze(real_attention(), {}, {1, 2});
  auto refused = [](const Analysis& a) -> std::string {
    try {
      encode_analysis(a);
    } catch (const AnalysisBinaryError& e) {
      return e.what();
    }
    return "";
  };
  // Read back from JSON, the bars have no simplices.
  CHECK(contains(refused(analysis_from_json(to_json(analysis))),
                 "cannot encode the analysis: head #0 (layer 1, head 2), dimension 0, bar 0: the birth simplex has 0 vertices, not 1"));
  Analysis a = analysis;
  a.results.push_back(a.results[0]);
  CHECK(contains(refused(a), "head #1 (layer 1, head 2): it comes after layer 1, head 2"));
  a = analysis;
  a.settings.maxdim = 2;
  CHECK(contains(refused(a), "2 barcodes and 2 summaries, not maxdim + 1 = 3 of each"));
  a = analysis;
  a.settings.modulus = 9;
  CHECK(contains(refused(a), "cannot encode the analysis: the settings: the modulus 9 is not a prime"));
  a = analysis;
  a.results[0].persistence.barcodes[1].bars[0].death_simplex[0] = 50;
  CHECK(contains(refused(a), "dimension 1, bar 0: the death simplex has vertex 50, not a token index (0 to 49)"));
}
