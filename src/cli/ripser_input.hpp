// The text formats of Ripser 1.2.1 (`vitopo ripser --format ...`), read
// strictly: every malformed input is an InputError naming its line. Shared by
// the CLI and the fuzzing harness (tests/fuzz).
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "core/persistence.hpp"

namespace vitopo::cli {

struct InputError {
  std::size_t line;  // 0: the input as a whole
  std::string problem;
};

struct Lines {
  std::vector<std::vector<float>> values;  // numbers of each non-blank line
  std::vector<std::size_t> number;         // its 1-based line number
};

Lines read_lines(std::istream& in);

DistanceMatrixF read_lower(const Lines& lines);
DistanceMatrixF read_upper(const Lines& lines);
// One line per row, the entries below the diagonal read (see the source).
DistanceMatrixF read_full(const Lines& lines);
std::vector<std::vector<float>> read_points(const Lines& lines);
// The sparse matrix is checked against `options`' memory budget before it is built.
SparseDistanceMatrixF read_sparse(const Lines& lines, const PersistenceOptions& options);

}  // namespace vitopo::cli
