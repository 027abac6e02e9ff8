#include "core/triangles.hpp"

#include <bit>
#include <stdexcept>

namespace vitopo {

namespace {

// Row i of the ε-neighbourhood as bits: bit j set when j > i and d(i, j) <= ε.
struct Neighbours {
  std::size_t words = 0;
  std::vector<std::uint64_t> bits;  // n rows of `words` words
  const std::uint64_t* row(int i) const { return bits.data() + std::size_t(i) * words; }
  bool has(int i, int j) const { return (row(i)[std::size_t(j) / 64] >> (std::size_t(j) % 64)) & 1u; }
};

Neighbours later_neighbours(const Eigen::MatrixXd& d, double epsilon) {
  const int n = int(d.rows());
  Neighbours out;
  out.words = (std::size_t(n) + 63) / 64;
  out.bits.assign(std::size_t(n) * out.words, 0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (d(i, j) <= epsilon) out.bits[std::size_t(i) * out.words + std::size_t(j) / 64] |= std::uint64_t(1) << (std::size_t(j) % 64);
  return out;
}

}  // namespace

Triangles triangles_at(const Eigen::MatrixXd& distances, double epsilon, std::uint64_t budget) {
  const int n = int(distances.rows());
  if (distances.cols() != n) throw std::invalid_argument("triangles: the distance matrix is not square");
  Triangles out;
  out.epsilon = epsilon;
  const Neighbours later = later_neighbours(distances, epsilon);
  // Each triangle i < j < k is counted once, from its edge (i, j): the k > j
  // that are later neighbours of both i and j (j's row holds only k > j).
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (!later.has(i, j)) continue;
      const std::uint64_t *a = later.row(i), *b = later.row(j);
      for (std::size_t w = 0; w < later.words; ++w) out.count += std::uint64_t(std::popcount(a[w] & b[w]));
    }
  if (out.count > budget) {
    out.over_budget = true;
    return out;
  }
  out.list.reserve(std::size_t(out.count));
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (!later.has(i, j)) continue;
      const std::uint64_t *a = later.row(i), *b = later.row(j);
      for (std::size_t w = 0; w < later.words; ++w)
        for (std::uint64_t common = a[w] & b[w]; common; common &= common - 1)
          out.list.push_back({i, j, int(w * 64 + std::size_t(std::countr_zero(common)))});
    }
  return out;
}

}  // namespace vitopo
