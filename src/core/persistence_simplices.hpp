// Simplices as integers: the combinatorial number system (Bauer 2021, §3.1).
//
// A d-simplex with vertices v_d > ... > v_0 is the number
//   sum_{i=0..d} binomial(v_i, i+1),
// a bijection onto 0 .. binomial(n, d+1) - 1 that orders simplices
// colexicographically. Cofacets and facets are then found by arithmetic on
// these numbers, never stored. Internal to the engine.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/persistence.hpp"

namespace vitopo::engine {

// binomial(v, k) for v <= max_vertex, k <= max_k, read in the inner loops.
// Built with an overflow check: every entry must stay below 2^55, which keeps
// index << 8 (room for a Z/p coefficient, p < 256) inside 63 bits.
class BinomialTable {
 public:
  static constexpr index_t index_limit = index_t(1) << 55;

  BinomialTable(index_t max_vertex, int max_k) : rows_(max_vertex + 1) {
    check_fits(max_vertex, max_k);
    table_.resize(std::size_t(max_k + 1) * std::size_t(rows_));
    for (int k = 0; k <= max_k; ++k)
      for (index_t v = 0; v <= max_vertex; ++v) {
        index_t value;
        if (k == 0) value = 1;
        else if (v == 0) value = 0;
        else value = at(v - 1, k - 1) + at(v - 1, k);
        if (value >= index_limit) overflow(v, k, max_k);
        table_[std::size_t(k) * std::size_t(rows_) + std::size_t(v)] = value;
      }
  }

  // Throws IndexOverflow unless every binomial(v, k), v <= max_vertex,
  // k <= max_k, fits; allocates nothing. binomial(max_vertex, k) is the
  // largest of row k.
  static void check_fits(index_t max_vertex, int max_k) {
    long double largest = 1;
    for (int k = 1; k <= max_k; ++k) {
      largest = largest * (long double)(max_vertex - k + 1) / (long double)k;
      if (largest >= (long double)index_limit) overflow(max_vertex, k, max_k);
    }
  }

  // The bytes of the table for these bounds.
  static double bytes_for(index_t max_vertex, int max_k) {
    return double(sizeof(index_t)) * double(max_k + 1) * double(max_vertex + 1);
  }

  [[noreturn]] static void overflow(index_t v, int k, int max_k) {
    throw PersistenceError(PersistenceError::Kind::IndexOverflow,
                           "simplex indices overflow: binomial(" + std::to_string(v) + ", " + std::to_string(k) +
                               ") exceeds 2^55, so " + std::to_string(v) + " points cannot be handled up to dimension " +
                               std::to_string(max_k - 2) + "; lower the dimension or the number of points");
  }

  index_t operator()(index_t v, int k) const { return table_[std::size_t(k) * std::size_t(rows_) + std::size_t(v)]; }

 private:
  index_t at(index_t v, int k) const { return table_[std::size_t(k) * std::size_t(rows_) + std::size_t(v)]; }
  index_t rows_;
  std::vector<index_t> table_;
};

// The largest v <= top with binomial(v, k) <= index. For k = 1 that is
// min(index, top); for k = 2 it is read off the inverse of v(v-1)/2 = index,
// v = ⌊(1 + √(1 + 8 index))/2⌋, corrected by one step either way for the
// rounding of the square root (exact below 2^52); for k >= 3 by bisection.
// Edges are decoded in every inner loop of H0 and H1, so k <= 2 matters most.
inline index_t top_vertex(const BinomialTable& binomial, index_t index, int k, index_t top) {
  if (binomial(top, k) <= index) return top;
  if (k == 1) return index;
  if (k == 2 && index < (index_t(1) << 52)) {
    index_t v = index_t((1.0 + std::sqrt(1.0 + 8.0 * double(index))) / 2.0);
    while (v > 1 && v * (v - 1) / 2 > index) --v;
    while (v * (v + 1) / 2 <= index) ++v;
    return v;
  }
  index_t lo = k - 1, hi = top;  // binomial(lo, k) == 0 <= index < binomial(hi, k)
  while (hi - lo > 1) {
    const index_t mid = lo + (hi - lo) / 2;
    if (binomial(mid, k) <= index) lo = mid;
    else hi = mid;
  }
  return lo;
}

// Writes the dim+1 vertices of simplex `index` in ascending order into
// `vertices` (which must hold dim+1), by peeling off the largest binomial
// that fits, top vertex first. `n` bounds the top vertex.
inline void simplex_vertices(const BinomialTable& binomial, index_t index, int dim, index_t n, index_t* vertices) {
  index_t top = n - 1;
  for (int k = dim + 1; k >= 1; --k) {
    top = top_vertex(binomial, index, k, top);
    vertices[k - 1] = top;
    index -= binomial(top, k);
    --top;
  }
}

// Every (edge, triangle) persistence pair of the degree-1 reduction of `m`
// (persistence.cpp), zero-persistence pairs included, as combinatorial
// indices; `threshold` receives the threshold used.
template <typename Value>
std::vector<std::pair<index_t, index_t>> h1_pairing(const BasicDistanceMatrix<Value>& m, const PersistenceOptions& options,
                                                    double& threshold);

}  // namespace vitopo::engine
