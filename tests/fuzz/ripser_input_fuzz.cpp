// libFuzzer harness: Ripser's text formats as `vitopo ripser` reads them
// (src/cli/ripser_input.hpp), then the barcodes of what was read.
//
// Input: one byte choosing the format (lower-distance, upper-distance,
// distance, point-cloud, sparse), one byte of options (max dimension 0-2,
// modulus 2 or 3, threshold: the enclosing radius or the byte's value / 64),
// then the text. An InputError (bad text) and a PersistenceError (a matrix or
// option the engine refuses) are the expected answers. Barcodes are computed
// for up to 48 points, and sparse vertices are kept below 4096, so that a run
// is spent on parsing, not on legitimately large complexes.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "cli/ripser_input.hpp"
#include "core/persistence.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace vitopo;

constexpr index_t max_points_for_barcodes = 48;
constexpr float max_sparse_vertex = 4096;

template <class Matrix>
void barcodes(const Matrix& m, const PersistenceOptions& options) {
  if (m.size() > max_points_for_barcodes) return;
  Persistence p;
  try {
    p = compute_persistence(m, options);
  } catch (const PersistenceError&) {
    return;
  }
  for (const Barcode& barcode : p.barcodes)
    for (const Bar& bar : barcode.bars) {
      FUZZ_EXPECT(bar.birth >= 0, "a bar is born at a negative diameter");
      FUZZ_EXPECT(bar.birth <= bar.death, "a bar dies before it is born");
    }
  if (m.size() > 0 && !p.barcodes.empty()) {
    std::size_t essential = 0;
    for (const Bar& bar : p.barcodes[0].bars) essential += bar.death == infinity;
    FUZZ_EXPECT(essential >= 1, "a non-empty complex has no essential H0 class");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int format = data[0] % 5;
  PersistenceOptions options;
  options.max_dim = data[1] % 3;
  options.modulus = (data[1] / 3) % 2 ? 3 : 2;
  const int t = data[1] / 6;  // 0..42
  options.threshold = t == 0 ? std::numeric_limits<double>::infinity() : t / 64.0;
  std::istringstream text(std::string(reinterpret_cast<const char*>(data + 2), size - 2));
  try {
    const cli::Lines lines = cli::read_lines(text);
    FUZZ_EXPECT(lines.values.size() == lines.number.size(), "lines and their numbers differ in count");
    switch (format) {
      case 0: barcodes(cli::read_lower(lines), options); break;
      case 1: barcodes(cli::read_upper(lines), options); break;
      case 2: barcodes(cli::read_full(lines), options); break;
      case 3: {
        const auto points = cli::read_points(lines);
        if (points.size() <= std::size_t(max_points_for_barcodes)) barcodes(euclidean_distances(points), options);
        break;
      }
      default:
        for (const auto& v : lines.values)
          for (std::size_t k = 0; k < v.size() && k < 2; ++k)
            if (v[k] > max_sparse_vertex) return 0;
        barcodes(cli::read_sparse(lines, options), options);
    }
  } catch (const cli::InputError& e) {
    FUZZ_EXPECT(!e.problem.empty(), "an input error without a message");
  } catch (const PersistenceError&) {
  }
  return 0;
}
