// Vietoris–Rips persistence barcodes, after U. Bauer, "Ripser: efficient
// computation of Vietoris–Rips persistence barcodes", J. Appl. Comput.
// Topology 5 (2021). Section numbers below refer to that paper.
//
//  - H0 by union-find over the edges in filtration order (§3.3).
//  - Higher degrees: persistent *co*homology (§2.4), reducing the coboundary
//    matrix column by column in reverse filtration order, with clearing
//    (§3.2): a simplex that was a pivot in degree d-1 is never a column in d.
//  - The coboundary matrix is never stored (§3.1, §3.4): simplices are
//    integers (persistence_simplices.hpp), cofacets are enumerated from them,
//    and only the reduction matrix V is kept; a working column R_j = δ V_j is
//    rebuilt in a heap when column j is reduced.
//  - Shortcuts (§3.5, §4): a column whose coboundary pivot is a cofacet of
//    equal diameter that no earlier column owns is an emergent pair and needs
//    no reduction; a pair (σ, τ) with τ the oldest cofacet of σ, σ the
//    youngest facet of τ, both of equal diameter ("zero-apparent") is never
//    assembled as a column at all; its column δσ is recomputed when needed.
//
// Filtration order: diameter, then dimension, then the reverse
// colexicographic order of the simplices (ties: larger index first). The
// pivot of a coboundary column is therefore its cofacet of least diameter
// and, among those, largest index.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <sstream>

#include <tsl/robin_map.h>

#include "core/numbers.hpp"
#include "core/persistence.hpp"
#include "core/persistence_simplices.hpp"

namespace vitopo {
namespace engine {

// ---------------------------------------------------------------- metrics --

// The dense metric: d(i, j) for i > j is row i of the lower triangle.
// Enumerating cofacets reads d(w, v) for every w against the few vertices v of
// one simplex; in the triangle those reads stride across rows. Up to
// `square_limit` points the matrix is also kept square, so that each of them
// is one contiguous row (at most 16 MiB in float and 32 MiB in double, twice
// the triangle).
template <typename Value>
class DenseMetric {
 public:
  static constexpr index_t square_limit = 2048;

  DenseMetric(const BasicDistanceMatrix<Value>& m) : n_(m.size()), rows_(std::size_t(std::max<index_t>(n_, 1))) {
    const Value* base = m.lower_triangle().data();
    for (index_t i = 0; i < n_; ++i) rows_[std::size_t(i)] = base + std::size_t(i) * std::size_t(i > 0 ? i - 1 : 0) / 2;
    if (n_ <= square_limit) {
      const std::size_t n = std::size_t(n_);
      square_.resize(n * n);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) square_[i * n + j] = (*this)(index_t(i), index_t(j));
    }
  }
  index_t size() const { return n_; }
  Value operator()(index_t i, index_t j) const {
    return i > j ? rows_[std::size_t(i)][j] : (i < j ? rows_[std::size_t(j)][i] : Value(0));
  }
  // Row v of the square matrix (d(v, v) = 0), or nullptr above square_limit.
  const Value* row(index_t v) const { return square_.empty() ? nullptr : square_.data() + std::size_t(v) * std::size_t(n_); }

 private:
  index_t n_;
  std::vector<const Value*> rows_;
  std::vector<Value> square_;
};

template <typename Value>
class SparseMetric {
 public:
  using Neighbour = typename BasicSparseDistanceMatrix<Value>::Neighbour;
  // `dense`, when the sparse matrix was cut from one, answers d(i, j) in
  // constant time (the facet checks ask for every edge of a simplex).
  SparseMetric(const BasicSparseDistanceMatrix<Value>& m, const BasicDistanceMatrix<Value>* dense = nullptr)
      : m_(m), dense_(dense) {}
  index_t size() const { return m_.size(); }
  std::span<const Neighbour> neighbours(index_t v) const { return m_.neighbours(v); }
  // Only asked for pairs inside a simplex, which are edges.
  Value operator()(index_t i, index_t j) const {
    if (dense_) return (*dense_)(i, j);
    if (i == j) return Value(0);
    auto row = m_.neighbours(i);
    auto it = std::lower_bound(row.begin(), row.end(), j, [](const Neighbour& a, index_t v) { return a.vertex < v; });
    return it != row.end() && it->vertex == j ? it->distance : std::numeric_limits<Value>::infinity();
  }

 private:
  const BasicSparseDistanceMatrix<Value>& m_;
  const BasicDistanceMatrix<Value>* dense_;
};

template <typename M>
inline constexpr bool is_sparse = false;
template <typename V>
inline constexpr bool is_sparse<SparseMetric<V>> = true;

// ---------------------------------------------------------------- entries --

// A column entry: simplex index and Z/p coefficient in one 64-bit word
// (§4: the coefficient takes the low 8 bits). Over Z/2 there is no
// coefficient to store: the word is the index and every coefficient is 1.
template <bool Coefficients>
struct EntryCode {
  static constexpr int bits = Coefficients ? 8 : 0;
  static std::uint64_t make(index_t index, unsigned coefficient) {
    if constexpr (Coefficients) return (std::uint64_t(index) << bits) | coefficient;
    else return std::uint64_t(index);
  }
  static index_t index(std::uint64_t e) { return index_t(e >> bits); }
  static unsigned coefficient(std::uint64_t e) {
    if constexpr (Coefficients) return unsigned(e & 0xff);
    else return 1;
  }
};

template <typename Value>
struct DiameterEntry {
  Value diameter;
  std::uint64_t entry;
};

template <typename Value>
struct DiameterIndex {
  Value diameter;
  index_t index;
};

// ----------------------------------------------------------------- engine --

template <typename Metric, typename Value, bool Coefficients>
class RipsPersistence {
  using Code = EntryCode<Coefficients>;
  using Entry = DiameterEntry<Value>;
  using Simplex = DiameterIndex<Value>;

 public:
  RipsPersistence(const Metric& metric, int max_dim, Value threshold, unsigned modulus)
      : dist_(metric),
        n_(metric.size()),
        max_dim_(int(std::min<index_t>(max_dim, n_ - 2))),
        threshold_(threshold),
        modulus_(modulus),
        binomial_(std::max<index_t>(n_, 1), std::max(max_dim_ + 2, 2)),
        inverse_(modulus) {
    // Z/p inverses by Fermat: a^(p-2).
    for (unsigned a = 1; a < modulus; ++a) {
      unsigned r = 1, b = a;
      for (unsigned e = modulus - 2; e; e >>= 1, b = b * b % modulus)
        if (e & 1) r = r * b % modulus;
      inverse_[a] = r;
    }
  }

  // Collect every (edge, triangle) pair of the degree-1 reduction, zero
  // persistence included (for representative cycles).
  void record_h1_pairs(std::vector<std::pair<index_t, index_t>>* pairs) { h1_pairs_ = pairs; }

  // `edge_count`: the edges within the threshold, as the budget check counted
  // them before anything was allocated.
  void compute(Persistence& out, int requested_dim, std::size_t edge_count) {
    out.barcodes.assign(std::size_t(requested_dim + 1), Barcode{});
    for (int d = 0; d <= requested_dim; ++d) out.barcodes[std::size_t(d)].dim = d;

    std::vector<Simplex> edges = collect_edges(edge_count);

    // Up to H1 the edges are not needed after H0, so the columns of degree 1
    // (a subsequence of them) take their place rather than a second vector.
    std::vector<Simplex> columns;
    compute_h0(edges, columns, out.barcodes[0], /*in_place=*/max_dim_ <= 1);
    std::vector<Simplex> simplices, next_simplices;
    if (max_dim_ >= 2) simplices = std::move(edges);  // the 1-simplices the triangles grow from
    edges = std::vector<Simplex>();
    for (int dim = 1; dim <= max_dim_; ++dim) {
      pivots_.clear();
      pivots_.reserve(columns.size());
      reduce(dim, columns, out.barcodes[std::size_t(dim)]);
      if (dim < max_dim_) {
        assemble_columns(dim + 1, simplices, next_simplices, columns);
        simplices.swap(next_simplices);
        next_simplices = std::vector<Simplex>();  // release the lower simplices, not just clear them
      }
    }
  }

 private:
  // ------------------------------------------------------------- H0, edges

  std::vector<Simplex> collect_edges(std::size_t edge_count) const {
    std::vector<Simplex> edges;
    edges.reserve(edge_count);
    if constexpr (is_sparse<Metric>) {
      for (index_t i = 0; i < n_; ++i)
        for (const auto& nb : dist_.neighbours(i)) {
          if (nb.vertex >= i) break;
          if (nb.distance <= threshold_) edges.push_back({nb.distance, binomial_(i, 2) + nb.vertex});
        }
    } else {
      for (index_t i = 1; i < n_; ++i)
        for (index_t j = 0; j < i; ++j) {
          const Value d = dist_(i, j);
          if (d <= threshold_) edges.push_back({d, binomial_(i, 2) + j});
        }
    }
    return edges;
  }

  // Sorts the edges, which collect_edges() gives in increasing index order,
  // into filtration order: diameter, ties larger index first. An LSD radix
  // sort on the diameter's bits (non-negative IEEE values order like their
  // bit patterns), byte by byte; it is stable, so reversing the input first
  // breaks ties. A byte equal in every edge needs no pass.
  static void sort_in_filtration_order(std::vector<Simplex>& edges) {
    using Key = std::conditional_t<sizeof(Value) == 8, std::uint64_t, std::uint32_t>;
    constexpr int bytes = int(sizeof(Key));
    auto key = [](const Simplex& e) {
      Key k;
      const Value d = e.diameter + Value(0);  // −0 becomes +0
      std::memcpy(&k, &d, sizeof k);
      return k;
    };
    std::reverse(edges.begin(), edges.end());
    std::vector<std::array<std::size_t, 256>> counts(bytes, std::array<std::size_t, 256>{});
    for (const Simplex& e : edges) {
      const Key k = key(e);
      for (int b = 0; b < bytes; ++b) ++counts[std::size_t(b)][(k >> (8 * b)) & 0xff];
    }
    std::vector<Simplex> buffer(edges.size());
    for (int b = 0; b < bytes; ++b) {
      std::array<std::size_t, 256>& count = counts[std::size_t(b)];
      if (std::find(count.begin(), count.end(), edges.size()) != count.end()) continue;
      std::size_t start = 0;
      for (std::size_t& c : count) start += std::exchange(c, start);
      for (const Simplex& e : edges) buffer[count[(key(e) >> (8 * b)) & 0xff]++] = e;
      edges.swap(buffer);
    }
  }

  // Union-find over the edges in filtration order: an edge joining two
  // components kills the younger (all are born at 0); an edge that closes a
  // loop is a column of the degree-1 reduction.
  // With in_place, the columns are gathered at the front of `edges` (each is
  // written at or before the edge being read) and `edges` is left empty.
  void compute_h0(std::vector<Simplex>& edges, std::vector<Simplex>& columns, Barcode& bars, bool in_place) {
    sort_in_filtration_order(edges);
    std::vector<index_t> parent(static_cast<std::size_t>(n_));
    std::iota(parent.begin(), parent.end(), index_t(0));
    auto find = [&](index_t v) {
      while (parent[std::size_t(v)] != v) {
        parent[std::size_t(v)] = parent[std::size_t(parent[std::size_t(v)])];
        v = parent[std::size_t(v)];
      }
      return v;
    };
    index_t vs[2];
    std::size_t kept = 0;
    for (const auto& e : edges) {
      simplex_vertices(binomial_, e.index, 1, n_, vs);
      index_t u = find(vs[0]), v = find(vs[1]);
      if (u != v) {
        if (u > v) std::swap(u, v);  // the component of the larger root dies
        parent[std::size_t(v)] = u;
        if (e.diameter != 0) bars.bars.push_back(Bar{0, double(e.diameter), {v}, {vs[1], vs[0]}});
      } else if (max_dim_ >= 1) {
        if (!has_zero_apparent_cofacet(e, vs, 1)) {
          if (in_place) edges[kept++] = e;
          else columns.push_back(e);
        } else if (h1_pairs_) {
          h1_pairs_->emplace_back(e.index, zero_pivot_cofacet(e, vs, 1).index);
        }
      }
    }
    if (in_place) {
      edges.resize(kept);
      columns.swap(edges);
      edges.clear();
    }
    std::reverse(columns.begin(), columns.end());
    for (index_t v = 0; v < n_; ++v)
      if (find(v) == v) bars.bars.push_back(Bar{0, infinity, {v}, {}});
  }

  // --------------------------------------------------- cofacets and facets

  // Calls f(diameter, index, odd) for the cofacets of simplex s (dimension
  // dim) within the threshold, in decreasing index order; `odd` is the
  // parity of the number of vertices of s above the added vertex, the sign of
  // the cofacet in δs. With TopOnly, only cofacets that add a vertex above
  // all of s (each (dim+1)-simplex arises once that way from its facets).
  // Stops when f returns false. Cofacets with an edge longer than `cap` are
  // skipped as soon as that edge is seen (cap: the threshold, or the
  // simplex's own diameter when only equal-diameter cofacets matter).
  template <bool TopOnly, typename F>
  void for_each_cofacet(const Simplex& s, int dim, Value cap, F&& f) {
    index_t vs[64];  // on the stack: enumerations nest (apparent-pair checks)
    simplex_vertices(binomial_, s.index, dim, n_, vs);
    for_each_cofacet<TopOnly>(s, vs, dim, cap, std::forward<F>(f));
  }
  // The same, for a simplex whose vertices (ascending) are known; f also
  // receives the added vertex: f(diameter, index, odd, vertex).
  template <bool TopOnly, typename F>
  void for_each_cofacet(const Simplex& s, const index_t* vs, int dim, Value cap, F&& f) {
    int below = dim + 1;  // vertices of s below the candidate
    index_t index_below = s.index, index_above = 0;
    auto visit = [&](index_t w, Value diameter) {
      // move the vertices of s above w from "below" to "above" (shifted by one)
      while (below > 0 && vs[below - 1] > w) {
        index_below -= binomial_(vs[below - 1], below);
        index_above += binomial_(vs[below - 1], below + 1);
        --below;
      }
      return f(diameter, index_above + binomial_(w, below + 1) + index_below, ((dim + 1 - below) & 1) != 0, w);
    };
    if constexpr (is_sparse<Metric>) {
      // A cofacet adds a common neighbour of all vertices of s. Walk the
      // neighbours of one vertex downwards, with a cursor per other vertex.
      using Neighbour = typename Metric::Neighbour;
      const Neighbour* begin[64];
      const Neighbour* cursor[64];
      for (int i = 0; i <= dim; ++i) {
        auto row = dist_.neighbours(vs[i]);
        begin[i] = row.data();
        cursor[i] = row.data() + row.size();
      }
      // Top-only: the top vertex, whose neighbours above it come first.
      // Otherwise the vertex with the fewest neighbours.
      int lead = dim;
      if (!TopOnly)
        for (int i = 0; i < dim; ++i)
          if (cursor[i] - begin[i] < cursor[lead] - begin[lead]) lead = i;
      for (const Neighbour* it = cursor[lead]; it != begin[lead];) {
        --it;
        const index_t w = it->vertex;
        if (TopOnly && w < vs[dim]) break;
        if (it->distance > cap) continue;
        Value diameter = std::max(s.diameter, it->distance);
        bool common = true;
        for (int i = 0; i <= dim && common; ++i) {
          if (i == lead) continue;
          const Neighbour*& c = cursor[i];
          while (c != begin[i] && (c - 1)->vertex > w) --c;
          if (c == begin[i] || (c - 1)->vertex != w || (c - 1)->distance > cap) common = false;
          else diameter = std::max(diameter, (c - 1)->distance);
        }
        // (a vertex of s is not its own neighbour, so it never passes)
        if (!common) continue;
        if (!visit(w, diameter)) return;
      }
    } else {
      const index_t lowest = TopOnly ? vs[dim] + 1 : 0;
      const Value* rows[64];  // d(·, v) for each vertex v of s, when the metric is square
      const bool square = dist_.row(0) != nullptr;
      if (square)
        for (int i = 0; i <= dim; ++i) rows[i] = dist_.row(vs[i]);
      int next = dim;  // highest vertex of s not yet passed
      for (index_t w = n_ - 1; w >= lowest; --w) {
        if (next >= 0 && vs[next] == w) {
          --next;
          continue;
        }
        Value diameter = s.diameter;
        int i = 0;
        for (; i <= dim; ++i) {
          const Value d = square ? rows[i][w] : dist_(w, vs[i]);
          if (d > cap) break;
          diameter = std::max(diameter, d);
        }
        if (i <= dim) continue;
        if (!visit(w, diameter)) return;
      }
    }
  }

  // A cofacet or facet found by the zero-apparent checks: its index (-1 if
  // none), the sign of the incidence, and the vertex added (cofacet) or the
  // position removed (facet).
  struct Found {
    index_t index = -1;
    bool odd = false;
    index_t vertex = -1;
  };

  // The oldest cofacet of s if it has the same diameter (the pivot of δs
  // then). Enumeration runs in decreasing index order and skips a candidate
  // at its first edge longer than s, so the first hit is the oldest.
  Found zero_pivot_cofacet(const Simplex& s, const index_t* vs, int dim) {
    Found found;
    for_each_cofacet<false>(s, vs, dim, s.diameter, [&](Value, index_t index, bool odd, index_t w) {
      found = {index, odd, w};
      return false;
    });
    return found;
  }

  // The youngest facet of t if it has t's diameter. Removing a higher vertex
  // gives a smaller index, so the first full-diameter facet from the top is
  // the youngest.
  Found zero_pivot_facet(const Simplex& t, const index_t* vs, int dim) {
    // Facet j (without vertex j) has t's diameter iff an edge of that length
    // avoids j: mark the vertices of each longest edge.
    constexpr int small = 16;
    Value pair[small][small];
    const bool cached = dim < small;
    if (cached)
      for (int a = 1; a <= dim; ++a)
        for (int b = 0; b < a; ++b) pair[a][b] = dist_(vs[a], vs[b]);
    for (int j = dim; j >= 0; --j) {
      Value diameter = 0;
      for (int a = 0; a <= dim && diameter < t.diameter; ++a) {
        if (a == j) continue;
        for (int b = 0; b < a; ++b)
          if (b != j) diameter = std::max(diameter, cached ? pair[a][b] : dist_(vs[a], vs[b]));
      }
      if (diameter == t.diameter) {
        index_t index = 0;
        for (int i = 0; i < j; ++i) index += binomial_(vs[i], i + 1);
        for (int i = j + 1; i <= dim; ++i) index += binomial_(vs[i], i);
        return {index, ((dim - j) & 1) != 0, j};
      }
    }
    return {};
  }

  bool has_zero_apparent_cofacet(const Simplex& s, const index_t* vs, int dim) {
    const Found t = zero_pivot_cofacet(s, vs, dim);
    if (t.index < 0) return false;
    index_t tv[64];
    int k = 0;
    bool placed = false;
    for (int i = 0; i <= dim; ++i) {
      if (!placed && t.vertex < vs[i]) tv[k++] = t.vertex, placed = true;
      tv[k++] = vs[i];
    }
    if (!placed) tv[k] = t.vertex;
    return zero_pivot_facet({s.diameter, t.index}, tv, dim + 1).index == s.index;
  }
  bool has_zero_apparent_cofacet(const Simplex& s, int dim) {
    index_t vs[64];
    simplex_vertices(binomial_, s.index, dim, n_, vs);
    return has_zero_apparent_cofacet(s, vs, dim);
  }

  // If t is the cofacet of a zero-apparent pair, its facet (and the sign of
  // t in the facet's coboundary); else index -1.
  Found zero_apparent_facet(const Simplex& t, const index_t* vs, int dim) {
    const Found f = zero_pivot_facet(t, vs, dim);
    if (f.index < 0) return {};
    index_t fv[64];
    for (int i = 0, k = 0; i <= dim; ++i)
      if (i != f.vertex) fv[k++] = vs[i];
    return zero_pivot_cofacet({t.diameter, f.index}, fv, dim - 1).index == t.index ? f : Found{};
  }
  Found zero_apparent_facet(const Simplex& t, int dim) {
    index_t vs[64];
    simplex_vertices(binomial_, t.index, dim, n_, vs);
    return zero_apparent_facet(t, vs, dim);
  }

  // ------------------------------------------------------ column assembly

  // The columns of degree dim: simplices within the threshold that were not
  // pivots in degree dim-1 (clearing) and are not the younger half of a
  // zero-apparent pair; sorted in reverse filtration order.
  void assemble_columns(int dim, const std::vector<Simplex>& simplices, std::vector<Simplex>& next_simplices,
                        std::vector<Simplex>& columns) {
    columns.clear();
    const bool keep = dim < max_dim_;
    index_t vs[64];
    for (const Simplex& s : simplices) {
      simplex_vertices(binomial_, s.index, dim - 1, n_, vs);
      for_each_cofacet<true>(s, vs, dim - 1, threshold_, [&](Value d, index_t index, bool, index_t w) {
        const Simplex t{d, index};
        if (keep) next_simplices.push_back(t);
        if (pivots_.find(index) != pivots_.end()) return true;
        vs[dim] = w;  // t's vertices: s's and w above them
        if (zero_apparent_facet(t, vs, dim).index >= 0) return true;
        if (has_zero_apparent_cofacet(t, vs, dim)) return true;
        columns.push_back(t);
        return true;
      });
    }
    std::sort(columns.begin(), columns.end(), [](const Simplex& a, const Simplex& b) {
      return a.diameter > b.diameter || (a.diameter == b.diameter && a.index < b.index);
    });
  }

  // -------------------------------------------------------------- reduction

  // Heap order: the top is the pivot candidate, least diameter, then largest
  // index.
  struct Later {  // a function object, so that the heap operations inline it
    bool operator()(const Entry& a, const Entry& b) const {
      return a.diameter > b.diameter || (a.diameter == b.diameter && Code::index(a.entry) < Code::index(b.entry));
    }
  };
  static constexpr Later later{};
  static void push(std::vector<Entry>& heap, const Entry& e) {
    heap.push_back(e);
    std::push_heap(heap.begin(), heap.end(), later);
  }
  // Pops the top entry with the coefficients of equal indices summed;
  // entries that cancel are dropped. Returns false when the column is zero.
  bool pop_pivot(std::vector<Entry>& heap, Entry& pivot) {
    while (!heap.empty()) {
      pivot = heap.front();
      std::pop_heap(heap.begin(), heap.end(), later);
      heap.pop_back();
      const index_t index = Code::index(pivot.entry);
      if constexpr (Coefficients) {
        unsigned sum = Code::coefficient(pivot.entry);
        while (!heap.empty() && Code::index(heap.front().entry) == index) {
          sum += Code::coefficient(heap.front().entry);
          std::pop_heap(heap.begin(), heap.end(), later);
          heap.pop_back();
        }
        sum %= modulus_;
        if (sum != 0) {
          pivot.entry = Code::make(index, sum);
          return true;
        }
      } else {
        if (heap.empty() || Code::index(heap.front().entry) != index) return true;
        std::pop_heap(heap.begin(), heap.end(), later);
        heap.pop_back();
      }
    }
    return false;
  }
  bool get_pivot(std::vector<Entry>& heap, Entry& pivot) {
    if (!pop_pivot(heap, pivot)) return false;
    push(heap, pivot);
    return true;
  }

  unsigned times(unsigned a, unsigned b) const { return a * b % modulus_; }

  // Adds factor·s to the working reduction column and factor·δs to the
  // working coboundary.
  void add_simplex(const Simplex& s, int dim, unsigned factor) {
    if constexpr (Coefficients) push(reduction_column_, Entry{s.diameter, Code::make(s.index, factor)});
    else push(reduction_column_, Entry{s.diameter, Code::make(s.index, 1)});
    for_each_cofacet<false>(s, dim, threshold_, [&](Value d, index_t index, bool odd, index_t) {
      if constexpr (Coefficients)
        push(coboundary_, Entry{d, Code::make(index, odd ? modulus_ - factor : factor)});
      else
        push(coboundary_, Entry{d, Code::make(index, 1)});
      return true;
    });
  }

  void reduce(int dim, const std::vector<Simplex>& columns, Barcode& bars) {
    reduction_.clear();
    reduction_start_.assign(1, 0);
    for (std::size_t j = 0; j < columns.size(); ++j) {
      const Simplex& column = columns[j];
      reduction_column_.clear();
      coboundary_.clear();

      // δσ into the heap; stop early at an emergent pair: the oldest cofacet
      // has the column's diameter and no earlier column owns it.
      bool emergent = false, zero_seen = false;
      Entry pivot{};
      for_each_cofacet<false>(column, dim, threshold_, [&](Value d, index_t index, bool odd, index_t) {
        const Entry e{d, Code::make(index, odd ? modulus_ - 1 : 1)};
        if (!zero_seen && d == column.diameter) {
          zero_seen = true;
          if (pivots_.find(index) == pivots_.end() && zero_apparent_facet({d, index}, dim + 1).index < 0) {
            emergent = true;
            pivot = e;
            return false;
          }
        }
        push(coboundary_, e);
        return true;
      });
      if (emergent) {
        if (h1_pairs_ && dim == 1) h1_pairs_->emplace_back(column.index, Code::index(pivot.entry));
        pivots_.insert({Code::index(pivot.entry), Code::make(index_t(j), Code::coefficient(pivot.entry))});
        reduction_start_.push_back(reduction_.size());
        continue;
      }

      bool found = get_pivot(coboundary_, pivot);
      while (true) {
        if (!found) {
          bars.bars.push_back(Bar{double(column.diameter), infinity, vertex_list(column.index, dim), {}});
          break;
        }
        const index_t pivot_index = Code::index(pivot.entry);
        auto owner = pivots_.find(pivot_index);
        if (owner != pivots_.end()) {
          const std::size_t k = std::size_t(Code::index(owner->second));
          unsigned factor = 1;
          if constexpr (Coefficients)
            factor = modulus_ - times(Code::coefficient(pivot.entry), inverse_[Code::coefficient(owner->second)]);
          add_simplex(columns[k], dim, factor);
          for (std::size_t r = reduction_start_[k]; r < reduction_start_[k + 1]; ++r) {
            const Entry& e = reduction_[r];
            add_simplex({e.diameter, Code::index(e.entry)}, dim, times(factor, Code::coefficient(e.entry)));
          }
          found = get_pivot(coboundary_, pivot);
          continue;
        }
        const Found apparent_pair = zero_apparent_facet({pivot.diameter, pivot_index}, dim + 1);
        const index_t apparent = apparent_pair.index;
        const bool odd = apparent_pair.odd;
        if (apparent >= 0) {
          // The pivot is owned by the column of a zero-apparent pair, which is
          // its plain coboundary (§3.5).
          unsigned factor = 1;
          if constexpr (Coefficients) {
            const unsigned own = odd ? modulus_ - 1 : 1;
            factor = modulus_ - times(Code::coefficient(pivot.entry), inverse_[own]);
          }
          add_simplex({pivot.diameter, apparent}, dim, factor);
          found = get_pivot(coboundary_, pivot);
          continue;
        }
        if (pivot.diameter > column.diameter)
          bars.bars.push_back(Bar{double(column.diameter), double(pivot.diameter), vertex_list(column.index, dim),
                                  vertex_list(pivot_index, dim + 1)});
        pivots_.insert({pivot_index, Code::make(index_t(j), Code::coefficient(pivot.entry))});
        if (h1_pairs_ && dim == 1) h1_pairs_->emplace_back(column.index, pivot_index);
        Entry e;
        while (pop_pivot(reduction_column_, e)) reduction_.push_back(e);
        break;
      }
      reduction_start_.push_back(reduction_.size());
    }
  }

  std::vector<index_t> vertex_list(index_t index, int dim) const {
    std::vector<index_t> vs(std::size_t(dim + 1));
    simplex_vertices(binomial_, index, dim, n_, vs.data());
    std::reverse(vs.begin(), vs.end());
    return vs;
  }

  const Metric& dist_;
  const index_t n_;
  const int max_dim_;
  const Value threshold_;
  const unsigned modulus_;
  const BinomialTable binomial_;
  std::vector<unsigned> inverse_;

  std::vector<std::pair<index_t, index_t>>* h1_pairs_ = nullptr;
  tsl::robin_map<index_t, std::uint64_t> pivots_;  // pivot simplex -> (column, its coefficient)
  std::vector<Entry> reduction_;                    // V, column after column, without the diagonal
  std::vector<std::size_t> reduction_start_;
  std::vector<Entry> reduction_column_, coboundary_;  // working columns, reused
};

}  // namespace engine

namespace {

void check_options(const PersistenceOptions& options) {
  using K = PersistenceError::Kind;
  if (!is_prime(options.modulus) || options.modulus > 255)
    throw PersistenceError(K::BadModulus, "modulus " + std::to_string(options.modulus) +
                                              " is not a prime between 2 and 255");
  if (options.max_dim < 0)
    throw PersistenceError(K::BadArgument, "max_dim " + std::to_string(options.max_dim) + " is negative");
  if (options.max_dim > 60)
    throw PersistenceError(K::BadArgument, "max_dim " + std::to_string(options.max_dim) + " is above 60");
  if (std::isnan(options.threshold) || options.threshold < 0)
    throw PersistenceError(K::BadArgument, "threshold " + std::to_string(options.threshold) + " must be >= 0");
}

// ----------------------------------------------------------- memory budget
//
// Before anything large is allocated, the bytes the computation holds at once
// are estimated from upper bounds on its simplices and checked against
// options.memory_budget. The estimate is computed in doubles, with counts
// that saturate at `count_cap`, so nothing wraps whatever the sizes.
//
//  - Throughout, per point: the binomial table (max_dim + 3 entries), the
//    union-find parent, the degree count and the point's H0 bar (the Bar,
//    the slack of the bars vector, its two vertex lists); and the metric's
//    own copies (the square rows of a dense metric, the sparse matrix cut at a
//    threshold).
//  - H0, per edge: the edges, and the radix sort's buffer or the degree-1
//    columns.
//  - The step of each dimension d >= 1: the (d-1)-simplices it is assembled
//    from, its d-simplices kept for d+1 (below the top dimension), its
//    columns and the pivot map (about 24 bytes a column with robin_map's load
//    factor; the map keeps its buckets from one dimension to the next). The
//    largest step counts.
//  - The d-simplices within the threshold number at most
//    Σ_v binomial(upper degree of v, d), each counted at its lowest vertex
//    (binomial(n, d+1) when every pair may be an edge); the columns are
//    counted as many, though clearing and apparent pairs leave far fewer.
// What the reduction adds besides (its working columns, the matrix V, the
// bars of positive degree) is not counted: next to the columns it is small.
namespace budget {

constexpr double count_cap = 1e30;
constexpr double simplex_bytes = double(sizeof(engine::DiameterIndex<double>));
static_assert(sizeof(engine::DiameterIndex<float>) == sizeof(engine::DiameterIndex<double>));
constexpr double pivot_bytes = 24;
constexpr double h0_bar_bytes = 2 * double(sizeof(Bar)) + 2 * 32;

// max_dim as the engine clips it (no simplices above n - 1 vertices).
int clipped(int max_dim, index_t n) { return int(std::min<index_t>(max_dim, n - 2)); }

// counts[d] for d = 0..max(max_dim, 1): bounds on the d-simplices.
using Counts = std::vector<double>;

Counts from_degrees(const std::vector<index_t>& upper_degree, int max_dim) {
  Counts counts(std::size_t(std::max(max_dim, 1)) + 1, 0);
  counts[0] = double(upper_degree.size());
  for (index_t degree : upper_degree) {
    double c = 1;  // binomial(degree, d), saturating
    for (std::size_t d = 1; d < counts.size() && index_t(d) <= degree; ++d) {
      c = std::min(count_cap, c * double(degree - index_t(d) + 1) / double(d));
      counts[d] = std::min(count_cap, counts[d] + c);
    }
  }
  return counts;
}

Counts every_simplex(index_t n, int max_dim) {
  Counts counts(std::size_t(std::max(max_dim, 1)) + 1, 0);
  double c = double(n);  // binomial(n, d + 1), saturating
  for (std::size_t d = 0; d < counts.size() && index_t(d) < n; ++d) {
    if (d > 0) c = std::min(count_cap, c * double(n - index_t(d)) / double(d + 1));
    counts[d] = c;
  }
  return counts;
}

struct Footprint {
  double points = 0;     // held throughout: per point, and the metric's copies
  double step = 0;       // the largest step
  int dim = 0;           // its dimension (0: H0 and the edges)
  double simplices = 0;  // the bound on its simplices (for H0, the edges)
};

Footprint footprint(index_t n, int max_dim, const Counts& counts, double copies) {
  const double edges = counts[1];
  Footprint f;
  f.step = 2 * simplex_bytes * edges;
  f.simplices = edges;
  double pivots = 0;
  for (int d = 1; d <= max_dim; ++d) {
    const double own = counts[std::size_t(d)];
    pivots = std::max(pivots, own);
    double held = simplex_bytes * ((d == 1 ? edges : counts[std::size_t(d - 1)]) + own) + pivot_bytes * pivots;
    if (d >= 2 && d < max_dim) held += simplex_bytes * own;
    if (held > f.step) f.step = held, f.dim = d, f.simplices = own;
  }
  const int max_k = std::max(max_dim + 2, 2);
  f.points = engine::BinomialTable::bytes_for(std::max<index_t>(n, 1), max_k) +
             (2 * double(sizeof(index_t)) + h0_bar_bytes) * double(n) + copies;
  return f;
}

std::string bytes_text(double bytes) {
  std::ostringstream out;
  out.precision(3);
  if (bytes >= double(1 << 30)) out << bytes / double(1 << 30) << " GiB";
  else if (bytes >= double(1 << 20)) out << bytes / double(1 << 20) << " MiB";
  else if (bytes >= 1024) out << bytes / 1024 << " KiB";
  else out << bytes << " bytes";
  return out.str();
}

std::string count_text(double count) {
  if (count >= count_cap) return "more than 1e30";
  std::ostringstream out;
  out.precision(3);
  out << count;
  return out.str();
}

// Throws OverBudget when f, with `input_bytes` for `input_what` besides, is
// above the budget. `unknown`: the distances are not known yet, every simplex
// was counted.
void check(const Footprint& f, index_t n, const PersistenceOptions& options, bool unknown, double input_bytes = 0,
           const std::string& input_what = "") {
  const double total = f.points + f.step + input_bytes;
  if (total <= double(options.memory_budget)) return;
  std::ostringstream msg;
  msg << "persistence up to H" << options.max_dim << " of " << n << " points needs an estimated "
      << bytes_text(total) << ", above the memory budget of " << bytes_text(double(options.memory_budget)) << ": "
      << bytes_text(f.points) << " for the points, " << bytes_text(f.step);
  if (f.dim == 0) msg << " for H0 (" << count_text(f.simplices) << " edges";
  else msg << " for dimension " << f.dim << " (up to " << count_text(f.simplices) << " simplices";
  msg << (unknown ? ", every one counted, as the distances are not known yet)" : " within the threshold)");
  if (input_bytes > 0) msg << ", " << bytes_text(input_bytes) << " for " << input_what;
  msg << (unknown ? "; lower the dimension or the number of points"
                  : "; lower the dimension, the threshold or the number of points");
  throw PersistenceError(PersistenceError::Kind::OverBudget, msg.str());
}

std::size_t edges_of(const std::vector<index_t>& upper_degree) {
  std::size_t edges = 0;
  for (index_t degree : upper_degree) edges += std::size_t(degree);
  return edges;
}

// For a metric whose upper degrees (neighbours above each vertex within the
// threshold) are known: IndexOverflow, then the budget.
void check(const std::vector<index_t>& upper_degree, double copies, const PersistenceOptions& options) {
  const index_t n = index_t(upper_degree.size());
  const int max_dim = clipped(options.max_dim, n);
  engine::BinomialTable::check_fits(std::max<index_t>(n, 1), std::max(max_dim + 2, 2));
  check(footprint(n, max_dim, from_degrees(upper_degree, max_dim), copies), n, options, false);
}

// The sparse copy of a dense matrix cut at a threshold.
template <typename Value>
double cut_bytes(index_t n, double edges) {
  return double(sizeof(std::size_t)) * double(n + 1) +
         2 * edges * double(sizeof(typename BasicSparseDistanceMatrix<Value>::Neighbour));
}

// The dense metric's rows, and its square copy up to square_limit points.
template <typename Value>
double dense_bytes(index_t n) {
  const double square = n <= engine::DenseMetric<Value>::square_limit ? double(n) * double(n) * sizeof(Value) : 0;
  return double(sizeof(Value*)) * double(n) + square;
}

template <typename Value>
std::vector<index_t> upper_degrees(const BasicDistanceMatrix<Value>& m, Value threshold) {
  std::vector<index_t> degree(std::size_t(m.size()), 0);
  const Value* d = m.lower_triangle().data();
  for (index_t i = 1; i < m.size(); ++i)
    for (index_t j = 0; j < i; ++j)
      if (*d++ <= threshold) ++degree[std::size_t(j)];
  return degree;
}

template <typename Value>
std::vector<index_t> upper_degrees(const BasicSparseDistanceMatrix<Value>& m, Value threshold) {
  std::vector<index_t> degree(std::size_t(m.size()), 0);
  for (index_t i = 0; i < m.size(); ++i)
    for (const auto& nb : m.neighbours(i)) {
      if (nb.vertex >= i) break;
      if (nb.distance <= threshold) ++degree[std::size_t(nb.vertex)];
    }
  return degree;
}

}  // namespace budget

template <typename Metric, typename Value>
Persistence run(const Metric& metric, Value threshold, const PersistenceOptions& options, std::size_t edges,
                std::vector<std::pair<index_t, index_t>>* h1_pairs = nullptr) {
  Persistence out;
  out.threshold = double(threshold);
  if (options.modulus == 2) {
    engine::RipsPersistence<Metric, Value, false> rips(metric, options.max_dim, threshold, 2);
    rips.record_h1_pairs(h1_pairs);
    rips.compute(out, options.max_dim, edges);
  } else {
    engine::RipsPersistence<Metric, Value, true> rips(metric, options.max_dim, threshold, unsigned(options.modulus));
    rips.record_h1_pairs(h1_pairs);
    rips.compute(out, options.max_dim, edges);
  }
  return out;
}

template <typename Value>
Persistence persistence_of_sparse(const BasicSparseDistanceMatrix<Value>& m, const PersistenceOptions& options) {
  check_options(options);
  const index_t n = m.size();
  if (options.threshold == infinity) {
    const Value all = std::numeric_limits<Value>::infinity();
    const std::vector<index_t> degree = budget::upper_degrees(m, all);
    budget::check(degree, 0, options);
    Persistence out = run(engine::SparseMetric<Value>(m), all, options, budget::edges_of(degree));
    out.threshold = infinity;
    return out;
  }
  // Cut the edges above the threshold so that enumeration never sees them.
  const Value threshold = Value(options.threshold);
  std::size_t edges = 0;
  {
    const std::vector<index_t> degree = budget::upper_degrees(m, threshold);
    edges = budget::edges_of(degree);
    const double kept_bytes = double(edges) * double(sizeof(std::tuple<index_t, index_t, Value>));
    budget::check(degree, kept_bytes + double(BasicSparseDistanceMatrix<Value>::bytes_to_build(n, edges)), options);
  }
  std::vector<std::tuple<index_t, index_t, Value>> kept;
  kept.reserve(edges);
  for (index_t i = 0; i < n; ++i)
    for (const auto& nb : m.neighbours(i))
      if (nb.vertex < i && nb.distance <= threshold) kept.emplace_back(i, nb.vertex, nb.distance);
  const BasicSparseDistanceMatrix<Value> cut(n, kept);
  return run(engine::SparseMetric<Value>(cut), threshold, options, edges);
}

template <typename Value>
Persistence persistence_of_dense(const BasicDistanceMatrix<Value>& m, const PersistenceOptions& options,
                                 std::vector<std::pair<index_t, index_t>>* h1_pairs = nullptr) {
  check_options(options);
  const index_t n = m.size();
  const bool cut = options.threshold != infinity;
  const Value threshold = cut ? Value(options.threshold) : m.enclosing_radius();
  std::size_t edges = 0;
  {
    const std::vector<index_t> degree = budget::upper_degrees(m, threshold);
    edges = budget::edges_of(degree);
    budget::check(degree, cut ? budget::cut_bytes<Value>(n, double(edges)) : budget::dense_bytes<Value>(n), options);
  }
  if (!cut) return run(engine::DenseMetric<Value>(m), threshold, options, edges, h1_pairs);
  const BasicSparseDistanceMatrix<Value> sparse(m, threshold);
  return run(engine::SparseMetric<Value>(sparse, &m), threshold, options, edges, h1_pairs);
}

}  // namespace

void check_memory_budget(index_t points, std::optional<std::uint64_t> edges, const PersistenceOptions& options,
                         std::uint64_t input_bytes, const std::string& input_what) {
  check_options(options);
  const int max_dim = budget::clipped(options.max_dim, points);
  engine::BinomialTable::check_fits(std::max<index_t>(points, 1), std::max(max_dim + 2, 2));
  budget::Counts counts(std::size_t(std::max(max_dim, 1)) + 1, 0);
  double copies = 0;
  if (edges) {
    counts[0] = double(points);
    counts[1] = double(*edges);
  } else {
    // A dense matrix in double, as the analysis has.
    counts = budget::every_simplex(points, max_dim);
    copies = options.threshold != infinity ? budget::cut_bytes<double>(points, counts[1])
                                           : budget::dense_bytes<double>(points);
  }
  budget::check(budget::footprint(points, max_dim, counts, copies), points, options, !edges, double(input_bytes),
                input_what);
}

namespace engine {
template <typename Value>
std::vector<std::pair<index_t, index_t>> h1_pairing(const BasicDistanceMatrix<Value>& m, const PersistenceOptions& options,
                                                    double& threshold) {
  PersistenceOptions h1 = options;
  h1.max_dim = 1;
  std::vector<std::pair<index_t, index_t>> pairs;
  threshold = persistence_of_dense(m, h1, &pairs).threshold;
  return pairs;
}
template std::vector<std::pair<index_t, index_t>> h1_pairing(const BasicDistanceMatrix<double>&,
                                                             const PersistenceOptions&, double&);
template std::vector<std::pair<index_t, index_t>> h1_pairing(const BasicDistanceMatrix<float>&,
                                                             const PersistenceOptions&, double&);
}  // namespace engine

Persistence compute_persistence(const DistanceMatrix& distances, const PersistenceOptions& options) {
  return persistence_of_dense(distances, options);
}
Persistence compute_persistence(const DistanceMatrixF& distances, const PersistenceOptions& options) {
  return persistence_of_dense(distances, options);
}
Persistence compute_persistence(const SparseDistanceMatrix& distances, const PersistenceOptions& options) {
  return persistence_of_sparse(distances, options);
}
Persistence compute_persistence(const SparseDistanceMatrixF& distances, const PersistenceOptions& options) {
  return persistence_of_sparse(distances, options);
}

}  // namespace vitopo
