// Representative cycles of H1 bars, by homology reduction on demand.
//
// The engine computes cohomology, whose reduced columns are cocycles, not
// the cycles a user wants to see. Persistent homology and cohomology share
// the persistence pairing (de Silva, Morozov, Vejdemo-Johansson 2011), so
// the engine's degree-1 pairs tell exactly which triangles are negative
// (kill an edge) and which edge each kills. The homology reduction of the
// boundary matrix ∂2, in the same filtration order, only ever adds columns of
// negative triangles. So the death triangle's column is reduced by adding the
// reduced columns of the negative triangles before it, each reduced the same
// way, in filtration order; positive triangles (which would reduce to zero,
// the costly part of homology) are never touched.
//
// The reduced column R_τ of the death triangle τ is a cycle whose latest edge
// (its pivot) is the bar's birth edge: every edge of it has d <= birth, and
// it becomes a boundary exactly at τ.
#include <algorithm>
#include <numeric>

#include <tsl/robin_map.h>

#include "core/persistence.hpp"
#include "core/persistence_simplices.hpp"

namespace vitopo {
namespace {

template <typename Value>
std::vector<Edge> cycle_of(const BasicDistanceMatrix<Value>& m, const Bar& bar, const PersistenceOptions& options) {
  using K = PersistenceError::Kind;
  if (bar.death == infinity || bar.death_simplex.size() != 3 || bar.birth_simplex.size() != 2)
    throw PersistenceError(K::BadArgument,
                           "a representative cycle needs a finite H1 bar (an edge born, a triangle dying)");
  const index_t n = m.size();
  for (index_t v : bar.death_simplex)
    if (v < 0 || v >= n)
      throw PersistenceError(K::BadArgument, "the bar's death triangle names vertex " + std::to_string(v) +
                                                 " of a matrix of " + std::to_string(n) + " points");
  const unsigned p = unsigned(options.modulus);
  double threshold = 0;
  const auto pairs = engine::h1_pairing(m, options, threshold);
  engine::BinomialTable binomial(n, 3);

  // Filtration order: diameter, then larger index first.
  struct Simplex {
    Value diameter;
    index_t index;
  };
  auto earlier = [](const Simplex& a, const Simplex& b) {
    return a.diameter < b.diameter || (a.diameter == b.diameter && a.index > b.index);
  };
  auto triangle = [&](index_t index) {
    index_t v[3];
    engine::simplex_vertices(binomial, index, 2, n, v);
    return Simplex{std::max({m(v[0], v[1]), m(v[0], v[2]), m(v[1], v[2])}), index};
  };
  const std::vector<index_t>& dv = bar.death_simplex;  // descending
  const index_t death_index = binomial(dv[0], 3) + binomial(dv[1], 2) + dv[2];
  const Simplex death = triangle(death_index);

  // Negative triangles up to the death triangle, in filtration order, and
  // the edge each kills.
  std::vector<std::pair<Simplex, index_t>> negative;  // (triangle, its edge)
  tsl::robin_map<index_t, index_t> killer_of;          // edge -> position in `negative`
  bool found = false;
  for (const auto& [edge, tri] : pairs) {
    const Simplex t = triangle(tri);
    if (tri == death_index) found = true;
    if (!earlier(death, t)) negative.push_back({t, edge});
  }
  if (!found)
    throw PersistenceError(K::BadArgument, "the bar's death triangle kills no H1 class of this matrix with these "
                                           "options (was the bar computed from it, with the same threshold?)");
  std::sort(negative.begin(), negative.end(), [&](const auto& a, const auto& b) { return earlier(a.first, b.first); });
  for (std::size_t k = 0; k < negative.size(); ++k) killer_of[negative[k].second] = index_t(k);

  // Column entries: (edge, coefficient), kept sorted by filtration order,
  // latest edge (the pivot) last.
  struct Term {
    Value diameter;
    index_t edge;
    unsigned coefficient;
  };
  auto edge_earlier = [](const Term& a, const Term& b) {
    return a.diameter < b.diameter || (a.diameter == b.diameter && a.edge > b.edge);
  };
  auto boundary = [&](index_t tri) {
    index_t v[3];  // ascending
    engine::simplex_vertices(binomial, tri, 2, n, v);
    // ∂[v2 v1 v0] = [v1 v0] - [v2 v0] + [v2 v1]
    std::vector<Term> column{{m(v[1], v[0]), binomial(v[1], 2) + v[0], 1},
                             {m(v[2], v[0]), binomial(v[2], 2) + v[0], p - 1},
                             {m(v[2], v[1]), binomial(v[2], 2) + v[1], 1}};
    std::sort(column.begin(), column.end(), edge_earlier);
    return column;
  };
  auto inverse = [&](unsigned a) {
    unsigned r = 1, b = a % p;
    for (unsigned e = p - 2; e; e >>= 1, b = b * b % p)
      if (e & 1) r = r * b % p;
    return r;
  };
  // column += factor * other, both sorted
  std::vector<Term> sum;
  auto add = [&](std::vector<Term>& column, const std::vector<Term>& other, unsigned factor) {
    sum.clear();
    std::size_t a = 0, b = 0;
    while (a < column.size() || b < other.size()) {
      if (b == other.size() || (a < column.size() && edge_earlier(column[a], other[b]))) {
        sum.push_back(column[a++]);
      } else if (a == column.size() || edge_earlier(other[b], column[a])) {
        Term t = other[b++];
        t.coefficient = t.coefficient * factor % p;
        sum.push_back(t);
      } else {
        Term t = column[a++];
        t.coefficient = (t.coefficient + other[b++].coefficient * factor) % p;
        if (t.coefficient) sum.push_back(t);
      }
    }
    column.swap(sum);
  };

  std::vector<std::vector<Term>> reduced(negative.size());
  for (std::size_t k = 0; k < negative.size(); ++k) {
    std::vector<Term> column = boundary(negative[k].first.index);
    while (!column.empty() && column.back().edge != negative[k].second) {
      auto it = killer_of.find(column.back().edge);
      if (it == killer_of.end() || std::size_t(it->second) >= k)
        throw PersistenceError(K::BadArgument, "internal: the degree-1 pairing does not reduce the boundary of "
                                               "triangle " + std::to_string(negative[k].first.index));
      const auto& other = reduced[std::size_t(it->second)];
      add(column, other, p - column.back().coefficient * inverse(other.back().coefficient) % p);
    }
    if (negative[k].first.index == death_index) {
      std::vector<Edge> cycle;
      for (const Term& t : column) {
        index_t v[2];
        engine::simplex_vertices(binomial, t.edge, 1, n, v);
        cycle.emplace_back(v[1], v[0]);
      }
      return cycle;
    }
    reduced[k] = std::move(column);
  }
  throw PersistenceError(K::BadArgument, "the bar's death triangle was not reached");
}

}  // namespace

std::vector<Edge> representative_cycle(const DistanceMatrix& distances, const Bar& h1_bar,
                                       const PersistenceOptions& options) {
  return cycle_of(distances, h1_bar, options);
}
std::vector<Edge> representative_cycle(const DistanceMatrixF& distances, const Bar& h1_bar,
                                       const PersistenceOptions& options) {
  return cycle_of(distances, h1_bar, options);
}

}  // namespace vitopo
