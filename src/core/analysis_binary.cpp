#include "core/analysis_binary.hpp"

#include "core/numbers.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "core/metrics.hpp"

namespace vitopo {
namespace {

constexpr std::uint8_t magic[4] = {'V', 'T', 'P', 'A'};
constexpr std::size_t metric_name_limit = 32;
constexpr int maxdim_limit = 254;
constexpr std::uint64_t int_limit = std::numeric_limits<int>::max();  // 2^31 − 1
constexpr std::uint8_t flag_columns = 1, flag_drop_cls = 2, flag_seed_compatible = 4;

// Bytes of the fixed parts of the record (see the header).
constexpr std::uint64_t header_bytes = 4 + 4;
constexpr std::uint64_t settings_bytes = 1 + 4 + 4 + 8 + 8;  // after the metric's name
constexpr std::uint64_t shape_bytes = 4 + 4 + 4 + 4;        // with the head count
constexpr std::uint64_t head_bytes = 4 + 4 + 8;
constexpr std::uint64_t bar_count_bytes = 4;
constexpr std::uint64_t bar_bytes = 8 + 8 + 2 + 2;  // before the vertices
constexpr std::uint64_t vertex_bytes = 4;
constexpr std::uint64_t summary_bytes = 4 + 4 + 5 * 8 + 4;

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

std::string bytes_count(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// Where in the analysis a problem is, for messages.
struct Place {
  const char* part = "the header";  // used when there is no head yet
  std::int64_t head_index = -1;
  int layer = 0, head = 0;
  int dim = -1;
  std::int64_t bar = -1;  // -1: the barcode's count, or the summary
  bool summary = false;

  std::string describe() const {
    if (head_index < 0) return part;
    std::string s = "head #" + std::to_string(head_index) + " (layer " + std::to_string(layer) + ", head " +
                    std::to_string(head) + ")";
    if (dim < 0) return s;
    if (summary) return s + ", the summary of dimension " + std::to_string(dim);
    s += ", dimension " + std::to_string(dim);
    return bar < 0 ? s : s + ", bar " + std::to_string(bar);
  }
};

// The checks the encoder and the decoder share. Each says what is wrong, or
// returns "" (BarFault::none) when nothing is.

std::string settings_problem(const AnalysisSettings& s) {
  if (s.maxdim < 0 || s.maxdim > maxdim_limit)
    return "maxdim " + std::to_string(s.maxdim) + " is outside 0 to " + std::to_string(maxdim_limit);
  if (s.modulus < 2 || s.modulus > 255 || !is_prime(s.modulus))
    return "the modulus " + std::to_string(s.modulus) + " is not a prime between 2 and 251";
  if (std::isnan(s.threshold) || s.threshold < 0)
    return "the threshold " + number(s.threshold) + " is not a non-negative number (or +∞)";
  if (!std::isfinite(s.long_bar_length) || s.long_bar_length < 0)
    return "the long bar length " + number(s.long_bar_length) + " is not a finite non-negative number";
  try {
    s.effective_metric();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

std::string head_problem(const HeadAnalysis& result, const Analysis& analysis, const HeadAnalysis* previous) {
  if (result.layer < 0 || result.layer >= analysis.layers)
    return "layer " + std::to_string(result.layer) + " is outside the shape's " + std::to_string(analysis.layers) +
           " layers";
  if (result.head < 0 || result.head >= analysis.heads)
    return "head " + std::to_string(result.head) + " is outside the shape's " + std::to_string(analysis.heads) +
           " heads";
  if (previous && (result.layer < previous->layer || (result.layer == previous->layer && result.head <= previous->head)))
    return "it comes after layer " + std::to_string(previous->layer) + ", head " + std::to_string(previous->head) +
           ": heads must be in increasing (layer, head) order, each at most once";
  const double t = result.persistence.threshold;
  if (std::isnan(t) || t < 0) return "the threshold " + number(t) + " is not a non-negative number (or +∞)";
  return {};
}

std::size_t birth_vertices(int dim) { return std::size_t(dim) + 1; }
std::size_t death_vertices(int dim, double death) { return death == infinity ? 0 : std::size_t(dim) + 2; }

// What can be wrong with a bar. Classified without building a string (and
// noexcept): in wasm, calls that may throw inside the decoding loop are slow.
enum class BarFault { none, birth, death, birth_count, death_count, birth_vertex, death_vertex };

// The first vertex of `simplex` that is not a token index, or -1.
std::ptrdiff_t stray_vertex(const std::vector<index_t>& simplex, int tokens) noexcept {
  for (std::size_t i = 0; i < simplex.size(); ++i)
    if (simplex[i] < 0 || simplex[i] >= tokens) return std::ptrdiff_t(i);
  return -1;
}

BarFault bar_fault(const Bar& bar, int dim, int tokens) noexcept {
  if (!std::isfinite(bar.birth) || bar.birth < 0) return BarFault::birth;
  if (std::isnan(bar.death) || bar.death < bar.birth) return BarFault::death;
  if (bar.birth_simplex.size() != birth_vertices(dim)) return BarFault::birth_count;
  if (bar.death_simplex.size() != death_vertices(dim, bar.death)) return BarFault::death_count;
  if (stray_vertex(bar.birth_simplex, tokens) >= 0) return BarFault::birth_vertex;
  if (stray_vertex(bar.death_simplex, tokens) >= 0) return BarFault::death_vertex;
  return BarFault::none;
}

std::string bar_problem(BarFault fault, const Bar& bar, int dim, int tokens) {
  const bool birth = fault == BarFault::birth_count || fault == BarFault::birth_vertex;
  const std::vector<index_t>& simplex = birth ? bar.birth_simplex : bar.death_simplex;
  const std::string which = birth ? "the birth simplex" : "the death simplex";
  switch (fault) {
    case BarFault::birth:
      return "the birth " + number(bar.birth) + " is not a finite non-negative number";
    case BarFault::death:
      return "the death " + number(bar.death) + " is not a number at or after the birth " + number(bar.birth);
    case BarFault::birth_count:
    case BarFault::death_count:
      return which + " has " + std::to_string(simplex.size()) + " vertices, not " +
             std::to_string(birth ? birth_vertices(dim) : death_vertices(dim, bar.death));
    case BarFault::birth_vertex:
    case BarFault::death_vertex:
      return which + " has vertex " + std::to_string(simplex[std::size_t(stray_vertex(simplex, tokens))]) +
             ", not a token index (0 to " + std::to_string(std::int64_t(tokens) - 1) + ")";
    case BarFault::none:
      break;
  }
  return {};
}

// Little-endian stores, a byte at a time (compilers make each one store).
struct Writer {
  std::uint8_t* p;
  void u8(std::uint8_t x) { *p++ = x; }
  void u16(std::uint16_t x) {
    p[0] = std::uint8_t(x);
    p[1] = std::uint8_t(x >> 8);
    p += 2;
  }
  void u32(std::uint32_t x) {
    for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(x >> (8 * i));
    p += 4;
  }
  void f64(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, 8);
    for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(bits >> (8 * i));
    p += 8;
  }
};

std::uint8_t settings_flags(const AnalysisSettings& s) {
  return std::uint8_t((s.columns ? flag_columns : 0) | (s.drop_cls ? flag_drop_cls : 0) |
                      (s.seed_compatible ? flag_seed_compatible : 0));
}

class Decoder {
 public:
  explicit Decoder(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  Analysis run();

 private:
  [[noreturn]] void fail(std::uint64_t at, const std::string& message) const {
    throw AnalysisBinaryError("not a valid binary analysis: at byte " + std::to_string(at) + " (" +
                                  place_.describe() + "): " + message,
                              at);
  }
  std::uint64_t remaining() const { return bytes_.size() - at_; }
  void need(std::uint64_t n, const char* what) const {
    if (n > remaining())
      fail(at_, std::string("the data end here, but ") + what + " needs " + bytes_count(n) + " and " +
                    std::to_string(remaining()) + " remain");
  }
  // Little-endian loads, after need().
  std::uint8_t raw_u8() { return bytes_[std::size_t(at_++)]; }
  std::uint32_t raw_u16() {
    const std::uint8_t* p = bytes_.data() + at_;
    at_ += 2;
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8;
  }
  std::uint32_t raw_u32() {
    const std::uint8_t* p = bytes_.data() + at_;
    at_ += 4;
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
  }
  double raw_f64() {
    const std::uint8_t* p = bytes_.data() + at_;
    at_ += 8;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= std::uint64_t(p[i]) << (8 * i);
    double x;
    std::memcpy(&x, &bits, 8);
    return x;
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    return raw_u32();
  }
  double f64(const char* what) {
    need(8, what);
    return raw_f64();
  }
  int integer(const char* what) {
    const std::uint64_t at = at_;
    const std::uint32_t x = u32(what);
    if (x > int_limit) fail(at, std::string(what) + " " + std::to_string(x) + " is above 2^31 − 1");
    return int(x);
  }
  // `count` items of at least `each` bytes follow: refused unless the bytes
  // left can hold them, so nothing is allocated for a count the data cannot back.
  void check_count(std::uint64_t count, std::uint64_t each, std::uint64_t at, const char* what) const {
    if (count > remaining() / each)
      fail(at, std::to_string(count) + " " + what + " are said to follow, but the " + bytes_count(remaining()) +
                   " left hold at most " + std::to_string(remaining() / each));
  }

  void read_settings(AnalysisSettings& s);
  void read_head(HeadAnalysis& result, const Analysis& analysis, const HeadAnalysis* previous);
  void read_bar(Bar& bar, int dim, int tokens);

  std::span<const std::uint8_t> bytes_;
  std::uint64_t at_ = 0;
  Place place_;
};

void Decoder::read_settings(AnalysisSettings& s) {
  place_.part = "the settings";
  const std::uint64_t start = at_;
  need(1, "the metric's name length");
  const std::size_t n = raw_u8();
  if (n < 1 || n > metric_name_limit)
    fail(start, "the metric's name has " + bytes_count(n) + ", not 1 to " + std::to_string(metric_name_limit));
  need(n, "the metric's name");
  std::string name(reinterpret_cast<const char*>(bytes_.data() + at_), n);
  for (char c : name)
    if (c <= ' ' || c > '~') fail(at_, "the metric's name is not printable ASCII");
  try {
    s.metric = parse_metric(name);
  } catch (const std::invalid_argument& e) {
    fail(at_, e.what());
  }
  at_ += n;
  need(settings_bytes, "the rest of the settings");
  const std::uint8_t flags = raw_u8();
  if (flags & ~(flag_columns | flag_drop_cls | flag_seed_compatible))
    fail(at_ - 1, "the settings' flags " + std::to_string(flags) + " set unknown bits (only 1, 2 and 4 are used)");
  s.columns = flags & flag_columns;
  s.drop_cls = flags & flag_drop_cls;
  s.seed_compatible = flags & flag_seed_compatible;
  s.maxdim = integer("maxdim");
  s.modulus = integer("the modulus");
  s.threshold = raw_f64();
  s.long_bar_length = raw_f64();
  if (std::string problem = settings_problem(s); !problem.empty()) fail(start, problem);
}

void Decoder::read_bar(Bar& bar, int dim, int tokens) {
  const std::uint64_t start = at_;
  need(bar_bytes, "a bar");
  bar.birth = raw_f64();
  bar.death = raw_f64();
  const std::uint32_t b = raw_u16(), k = raw_u16();
  need((std::uint64_t(b) + k) * vertex_bytes, "the bar's simplices");
  bar.birth_simplex.assign(b, 0);
  for (index_t& v : bar.birth_simplex) v = raw_u32();
  bar.death_simplex.assign(k, 0);
  for (index_t& v : bar.death_simplex) v = raw_u32();
  if (const BarFault fault = bar_fault(bar, dim, tokens); fault != BarFault::none)
    fail(start, bar_problem(fault, bar, dim, tokens));
}

void Decoder::read_head(HeadAnalysis& result, const Analysis& analysis, const HeadAnalysis* previous) {
  const std::uint64_t start = at_;
  result.layer = integer("the layer");
  result.head = integer("the head");
  place_.layer = result.layer;
  place_.head = result.head;
  result.persistence.threshold = f64("the threshold");
  if (std::string problem = head_problem(result, analysis, previous); !problem.empty()) fail(start, problem);

  const int dims = analysis.settings.maxdim + 1;
  result.persistence.barcodes.resize(std::size_t(dims));
  for (int d = 0; d < dims; ++d) {
    place_.dim = d;
    place_.bar = -1;
    Barcode& barcode = result.persistence.barcodes[std::size_t(d)];
    barcode.dim = d;
    const std::uint64_t count_at = at_;
    const std::uint32_t count = u32("the bar count");
    check_count(count, bar_bytes + vertex_bytes * birth_vertices(d), count_at, "bars");
    barcode.bars.resize(count);
    for (std::uint32_t k = 0; k < count; ++k) {
      place_.bar = k;
      read_bar(barcode.bars[k], d, analysis.tokens);
    }
  }
  place_.summary = true;
  result.summary.resize(std::size_t(dims));
  for (int d = 0; d < dims; ++d) {
    place_.dim = d;
    DimensionSummary& s = result.summary[std::size_t(d)];
    s.dim = d;
    need(summary_bytes, "a summary");
    s.bars = integer("the bar count");
    s.essential = integer("the essential bar count");
    s.total_persistence_1 = raw_f64();
    s.total_persistence_2 = raw_f64();
    s.entropy = raw_f64();
    s.longest_finite = raw_f64();
    s.long_bar_length = raw_f64();
    s.long_bars = integer("the long bar count");
  }
  place_.summary = false;
  place_.dim = -1;
}

Analysis Decoder::run() {
  need(header_bytes, "the header (\"VTPA\" and the version)");
  if (std::memcmp(bytes_.data(), magic, 4) != 0) fail(0, "the data do not start with \"VTPA\": not a binary analysis");
  at_ = 4;
  const std::uint32_t version = raw_u32();
  if (version != analysis_binary_version)
    fail(4, "the format version is " + std::to_string(version) + "; this build reads version " +
                std::to_string(analysis_binary_version));

  Analysis analysis;
  read_settings(analysis.settings);

  place_.part = "the shape";
  analysis.layers = integer("the number of layers");
  analysis.heads = integer("the number of heads");
  analysis.tokens = integer("the number of tokens");
  const std::uint64_t count_at = at_;
  const std::uint32_t count = u32("the number of analysed heads");
  const std::uint64_t shape_heads = std::uint64_t(analysis.layers) * std::uint64_t(analysis.heads);
  if (count > shape_heads)
    fail(count_at, std::to_string(count) + " heads are said to follow, but the shape has " + std::to_string(shape_heads));
  const std::uint64_t dims = std::uint64_t(analysis.settings.maxdim) + 1;
  check_count(count, head_bytes + dims * (bar_count_bytes + summary_bytes), count_at, "heads");

  analysis.results.resize(count);
  for (std::uint32_t k = 0; k < count; ++k) {
    place_.head_index = k;
    read_head(analysis.results[k], analysis, k == 0 ? nullptr : &analysis.results[k - 1]);
  }
  place_.head_index = -1;
  place_.part = "the end";
  if (remaining() != 0) fail(at_, bytes_count(remaining()) + (remaining() == 1 ? " follows" : " follow") + " the last head");
  return analysis;
}

}  // namespace

std::vector<std::uint8_t> encode_analysis(const Analysis& analysis) {
  Place place;
  auto fail = [&place](const std::string& message) {
    throw AnalysisBinaryError("cannot encode the analysis: " + place.describe() + ": " + message, 0);
  };
  const AnalysisSettings& s = analysis.settings;
  const std::string name = metric_name(s.metric);

  // First the checks and the exact size, so the buffer is allocated once.
  place.part = "the settings";
  if (std::string problem = settings_problem(s); !problem.empty()) fail(problem);
  if (name.empty() || name.size() > metric_name_limit) fail("the metric's name \"" + name + "\" does not fit");
  place.part = "the shape";
  if (analysis.layers < 0 || analysis.heads < 0 || analysis.tokens < 0)
    fail("the shape " + std::to_string(analysis.layers) + " × " + std::to_string(analysis.heads) + " × " +
         std::to_string(analysis.tokens) + " has a negative side");
  if (analysis.results.size() > std::numeric_limits<std::uint32_t>::max()) fail("too many heads");
  const std::size_t dims = std::size_t(s.maxdim) + 1;
  std::uint64_t size = header_bytes + 1 + name.size() + settings_bytes + shape_bytes;
  for (std::size_t k = 0; k < analysis.results.size(); ++k) {
    const HeadAnalysis& result = analysis.results[k];
    place = {};
    place.head_index = std::int64_t(k);
    place.layer = result.layer;
    place.head = result.head;
    if (std::string problem = head_problem(result, analysis, k == 0 ? nullptr : &analysis.results[k - 1]);
        !problem.empty())
      fail(problem);
    if (result.persistence.barcodes.size() != dims || result.summary.size() != dims)
      fail(std::to_string(result.persistence.barcodes.size()) + " barcodes and " +
           std::to_string(result.summary.size()) + " summaries, not maxdim + 1 = " + std::to_string(dims) + " of each");
    size += head_bytes + dims * (bar_count_bytes + summary_bytes);
    for (std::size_t d = 0; d < dims; ++d) {
      const Barcode& barcode = result.persistence.barcodes[d];
      place.dim = int(d);
      place.bar = -1;
      if (barcode.dim != int(d)) fail("the barcode says dimension " + std::to_string(barcode.dim));
      if (barcode.bars.size() > std::numeric_limits<std::uint32_t>::max()) fail("too many bars");
      for (std::size_t b = 0; b < barcode.bars.size(); ++b) {
        const Bar& bar = barcode.bars[b];
        place.bar = std::int64_t(b);
        if (const BarFault fault = bar_fault(bar, int(d), analysis.tokens); fault != BarFault::none)
          fail(bar_problem(fault, bar, int(d), analysis.tokens));
        size += bar_bytes + vertex_bytes * (bar.birth_simplex.size() + bar.death_simplex.size());
      }
    }
    place.summary = true;
    for (std::size_t d = 0; d < dims; ++d) {
      const DimensionSummary& summary = result.summary[d];
      place.dim = int(d);
      if (summary.dim != int(d)) fail("the summary says dimension " + std::to_string(summary.dim));
      if (summary.bars < 0 || summary.essential < 0 || summary.long_bars < 0) fail("a count is negative");
    }
  }
  if (size > std::numeric_limits<std::size_t>::max()) {
    place = {};
    place.part = "the whole";
    fail("it would take " + bytes_count(size) + ", more than this machine can address");
  }

  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  Writer out{bytes.data()};
  for (std::uint8_t c : magic) out.u8(c);
  out.u32(analysis_binary_version);
  out.u8(std::uint8_t(name.size()));
  for (char c : name) out.u8(std::uint8_t(c));
  out.u8(settings_flags(s));
  out.u32(std::uint32_t(s.maxdim));
  out.u32(std::uint32_t(s.modulus));
  out.f64(s.threshold);
  out.f64(s.long_bar_length);
  out.u32(std::uint32_t(analysis.layers));
  out.u32(std::uint32_t(analysis.heads));
  out.u32(std::uint32_t(analysis.tokens));
  out.u32(std::uint32_t(analysis.results.size()));
  for (const HeadAnalysis& result : analysis.results) {
    out.u32(std::uint32_t(result.layer));
    out.u32(std::uint32_t(result.head));
    out.f64(result.persistence.threshold);
    for (const Barcode& barcode : result.persistence.barcodes) {
      out.u32(std::uint32_t(barcode.bars.size()));
      for (const Bar& bar : barcode.bars) {
        out.f64(bar.birth);
        out.f64(bar.death);
        out.u16(std::uint16_t(bar.birth_simplex.size()));
        out.u16(std::uint16_t(bar.death_simplex.size()));
        for (index_t v : bar.birth_simplex) out.u32(std::uint32_t(v));
        for (index_t v : bar.death_simplex) out.u32(std::uint32_t(v));
      }
    }
    for (const DimensionSummary& summary : result.summary) {
      out.u32(std::uint32_t(summary.bars));
      out.u32(std::uint32_t(summary.essential));
      out.f64(summary.total_persistence_1);
      out.f64(summary.total_persistence_2);
      out.f64(summary.entropy);
      out.f64(summary.longest_finite);
      out.f64(summary.long_bar_length);
      out.u32(std::uint32_t(summary.long_bars));
    }
  }
  return bytes;
}

Analysis decode_analysis(std::span<const std::uint8_t> bytes) { return Decoder(bytes).run(); }

}  // namespace vitopo
