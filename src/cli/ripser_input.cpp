#include "ripser_input.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <tuple>
#include <utility>

#include "core/quote.hpp"

namespace vitopo::cli {
namespace {

// The numbers of one line: separated by whitespace, commas or semicolons
// (Ripser skips one non-numeric character after each number).
std::vector<float> numbers_of(const std::string& text, std::size_t line) {
  std::vector<float> values;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace((unsigned char)text[i]) || text[i] == ',' || text[i] == ';')) ++i;
    if (i == text.size()) break;
    std::size_t j = i;
    while (j < text.size() && !std::isspace((unsigned char)text[j]) && text[j] != ',' && text[j] != ';') ++j;
    const std::string token = text.substr(i, j - i);
    char* end = nullptr;
    const float value = std::strtof(token.c_str(), &end);
    if (end != token.c_str() + token.size()) throw InputError{line, quote(token) + " is not a number"};
    if (!std::isfinite(value)) throw InputError{line, quote(token) + " is not a finite number"};
    values.push_back(value);
    i = j;
  }
  return values;
}

void check_distances(const Lines& lines) {
  for (std::size_t r = 0; r < lines.values.size(); ++r)
    for (float v : lines.values[r])
      if (v < 0) throw InputError{lines.number[r], "distance " + std::to_string(v) + " is negative"};
}

std::size_t points_for(std::size_t entries, const Lines& lines, const char* what) {
  const std::size_t n = std::size_t(std::llround((1 + std::sqrt(1 + 8.0 * double(entries))) / 2));
  if (n * (n - 1) / 2 != entries)
    throw InputError{lines.number.empty() ? 0 : lines.number.back(),
                     std::string("a ") + what + " matrix of n points has n(n-1)/2 entries, but the input has " +
                         std::to_string(entries)};
  return n;
}

}  // namespace

Lines read_lines(std::istream& in) {
  Lines lines;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    auto values = numbers_of(text, line);
    if (values.empty()) continue;
    lines.values.push_back(std::move(values));
    lines.number.push_back(line);
  }
  return lines;
}

DistanceMatrixF read_lower(const Lines& lines) {
  check_distances(lines);
  std::vector<float> all;
  for (const auto& row : lines.values) all.insert(all.end(), row.begin(), row.end());
  points_for(all.size(), lines, "lower-triangular");
  return DistanceMatrixF(std::move(all));
}

DistanceMatrixF read_upper(const Lines& lines) {
  check_distances(lines);
  std::vector<float> all;
  for (const auto& row : lines.values) all.insert(all.end(), row.begin(), row.end());
  const std::size_t n = points_for(all.size(), lines, "upper-triangular");
  // entry (i, j), i < j, sits at i(2n - i - 1)/2 + (j - i - 1) in row-major upper order
  std::vector<float> lower;
  lower.reserve(all.size());
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) lower.push_back(all[j * (2 * n - j - 1) / 2 + (i - j - 1)]);
  return DistanceMatrixF(std::move(lower));
}

// One line per row; as in Ripser only the entries below the diagonal are
// read, so a lower-triangular file with a leading empty row also works. When
// every row is complete the matrix must be symmetric.
DistanceMatrixF read_full(const Lines& lines) {
  check_distances(lines);
  const std::size_t n = lines.values.size();
  bool complete = true;
  std::vector<float> lower;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = lines.values[i];
    complete &= row.size() == n;
    if (row.size() < i)
      throw InputError{lines.number[i], "row " + std::to_string(i) + " of the distance matrix has " +
                                            std::to_string(row.size()) + " entries, needs at least " +
                                            std::to_string(i)};
    lower.insert(lower.end(), row.begin(), row.begin() + std::ptrdiff_t(i));
  }
  if (complete && n > 1) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (lines.values[i][j] != lines.values[j][i])
          throw InputError{lines.number[i], "the distance matrix is not symmetric: d(" + std::to_string(i) + "," +
                                                std::to_string(j) + ") = " + std::to_string(lines.values[i][j]) +
                                                " but d(" + std::to_string(j) + "," + std::to_string(i) +
                                                ") = " + std::to_string(lines.values[j][i])};
  }
  if (n == 0) return DistanceMatrixF(std::vector<float>{});
  return DistanceMatrixF(std::move(lower));
}

std::vector<std::vector<float>> read_points(const Lines& lines) {
  for (std::size_t r = 1; r < lines.values.size(); ++r)
    if (lines.values[r].size() != lines.values[0].size())
      throw InputError{lines.number[r], "point has " + std::to_string(lines.values[r].size()) +
                                            " coordinates, the first point (line " + std::to_string(lines.number[0]) +
                                            ") has " + std::to_string(lines.values[0].size())};
  return lines.values;
}

// The vertex count is the largest vertex number plus one, however few the
// lines: the budget is checked before the matrix (offsets per vertex) is built.
SparseDistanceMatrixF read_sparse(const Lines& lines, const PersistenceOptions& options) {
  std::vector<std::tuple<index_t, index_t, float>> edges;
  index_t n = 0;
  std::vector<std::pair<index_t, index_t>> seen;
  for (std::size_t r = 0; r < lines.values.size(); ++r) {
    const auto& v = lines.values[r];
    if (v.size() != 3)
      throw InputError{lines.number[r], "a sparse entry is 'i j d', this line has " + std::to_string(v.size()) +
                                            " numbers"};
    for (int k = 0; k < 2; ++k)
      if (v[k] < 0 || v[k] != std::floor(v[k]) || v[k] > 1e8)
        throw InputError{lines.number[r], "vertex " + std::to_string(v[k]) + " is not a non-negative integer"};
    if (v[2] < 0) throw InputError{lines.number[r], "distance " + std::to_string(v[2]) + " is negative"};
    const index_t i = index_t(v[0]), j = index_t(v[1]);
    n = std::max({n, i + 1, j + 1});
    if (i == j) continue;  // Ripser ignores the diagonal
    edges.emplace_back(i, j, v[2]);
    seen.emplace_back(std::max(i, j), std::min(i, j));
  }
  std::vector<std::size_t> order(seen.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return seen[a] < seen[b]; });
  for (std::size_t k = 1; k < order.size(); ++k)
    if (seen[order[k]] == seen[order[k - 1]]) {
      // find the line of the second occurrence
      std::size_t count = 0, line = 0;
      for (std::size_t r = 0, e = 0; r < lines.values.size(); ++r) {
        if (lines.values[r][0] == lines.values[r][1]) continue;
        if (e++ == order[k]) line = lines.number[r];
        ++count;
      }
      throw InputError{line, "the pair (" + std::to_string(seen[order[k]].first) + ", " +
                                 std::to_string(seen[order[k]].second) + ") is given twice"};
    }
  std::uint64_t within = 0;
  for (const auto& e : edges) within += double(std::get<2>(e)) <= options.threshold;
  check_memory_budget(n, within, options, SparseDistanceMatrixF::bytes_to_build(n, edges.size()),
                      "the sparse matrix itself");
  return SparseDistanceMatrixF(n, edges);
}

}  // namespace vitopo::cli
