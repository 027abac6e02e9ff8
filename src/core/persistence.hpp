// Vietoris–Rips persistent homology: the public face of the engine.
//
// This header is the contract between the engine (persistence.cpp and its
// friends) and everything that uses it: the CLI, the analysis, the app.
// The engine's owner may extend it; changing what is here needs a word with
// everyone who calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <tuple>
#include <vector>

namespace vitopo {

using index_t = std::int64_t;

inline constexpr double infinity = std::numeric_limits<double>::infinity();

// Every error the engine raises. `kind` lets callers branch; what() is a
// sentence a user can act on ("distance matrix is not symmetric: d(3,7) = 0.2
// but d(7,3) = 0.5").
struct PersistenceError : std::runtime_error {
  enum class Kind { NotSquare, Negative, NotFinite, Asymmetric, IndexOverflow, OverBudget, BadModulus, BadArgument };
  Kind kind;
  PersistenceError(Kind k, const std::string& message) : std::runtime_error(message), kind(k) {}
};

struct PersistenceOptions {
  int max_dim = 1;                      // compute H0..H_max_dim
  double threshold = infinity;          // infinity: the enclosing radius, as in Ripser
  int modulus = 2;                      // coefficients in Z/p, p prime
  // Bytes; an estimate above it is OverBudget. 64-bit even in wasm32, where
  // size_t cannot hold 4 GiB; the default there is what wasm32 can address.
  std::uint64_t memory_budget = sizeof(void*) >= 8 ? std::uint64_t(4) << 30 : std::uint64_t(3) << 29;
};

// One interval of a barcode. death == infinity for an essential class.
// The simplices are vertex lists, sorted descending as in Ripser's
// combinatorial number system; the death simplex is empty when essential.
struct Bar {
  double birth = 0;
  double death = infinity;
  std::vector<index_t> birth_simplex;
  std::vector<index_t> death_simplex;
};

struct Barcode {
  int dim = 0;
  std::vector<Bar> bars;
};

// barcodes[d] is the barcode in dimension d, for d = 0..max_dim.
struct Persistence {
  std::vector<Barcode> barcodes;
  double threshold = infinity;  // the threshold actually used
};

using Edge = std::pair<index_t, index_t>;

// ---------------------------------------------------------------------------
// Finite metrics as the engine reads them.
//
// A dense metric is stored as its strictly lower triangle, row by row:
// d(1,0), d(2,0), d(2,1), d(3,0), ... (Bauer 2021, "compressed lower distance
// matrix"). The diagonal is not stored; it is 0 (a given diagonal is ignored,
// as Ripser ignores it).
//
// A sparse metric keeps, for every vertex, its neighbours (index ascending)
// and their distances: the engine uses it when a threshold is given.
//
// Both are templates over the value type: `double` for the analysis, `float`
// for `vitopo ripser`, whose arithmetic then matches Ripser 1.2.1's exactly
// (Ripser computes in float; ties then break identically).
// ---------------------------------------------------------------------------

template <typename Value>
class BasicDistanceMatrix {
 public:
  using value_type = Value;

  BasicDistanceMatrix() = default;

  // From the strictly lower triangle, row by row. Throws PersistenceError:
  // NotSquare if the length is not a triangular number n(n-1)/2, Negative or
  // NotFinite naming the entry (i, j) otherwise.
  explicit BasicDistanceMatrix(std::vector<Value> lower_triangle);

  // From a full rows×cols matrix in row-major order. Throws PersistenceError:
  //   NotSquare   rows != cols, or full.size() != rows*cols;
  //   NotFinite   an off-diagonal entry is NaN or ±inf (named by (i, j));
  //   Negative    an off-diagonal entry is < 0;
  //   Asymmetric  |d(i,j) - d(j,i)| > 1e-12 · max(|d(i,j)|, |d(j,i)|)
  //               (relative tolerance 1e-12; the lower entry d(i,j), i > j, is kept).
  // The diagonal is ignored, as Ripser ignores it.
  static BasicDistanceMatrix from_full(std::span<const double> full, std::size_t rows, std::size_t cols);
  // Same, for a flat n×n buffer: NotSquare unless full.size() is a perfect square.
  static BasicDistanceMatrix from_full(std::span<const double> full);

  index_t size() const { return n_; }
  Value operator()(index_t i, index_t j) const {
    if (i == j) return Value(0);
    if (i < j) std::swap(i, j);
    return lower_[std::size_t(i) * std::size_t(i - 1) / 2 + std::size_t(j)];
  }
  const std::vector<Value>& lower_triangle() const { return lower_; }
  // The bytes of the lower triangle of n points (64-bit: no wrap in wasm32).
  static std::uint64_t bytes_for(index_t n) {
    return n < 2 ? 0 : std::uint64_t(n) * std::uint64_t(n - 1) / 2 * sizeof(Value);
  }

  // min over i of max over j of d(i,j): above it every Rips complex is a cone,
  // so homology in positive degree is trivial (Henselman-Petrusek; Bauer 2021 §5).
  Value enclosing_radius() const;

 private:
  std::vector<Value> lower_;
  index_t n_ = 0;
};

template <typename Value>
class BasicSparseDistanceMatrix {
 public:
  using value_type = Value;
  struct Neighbour {
    index_t vertex;
    Value distance;
  };

  BasicSparseDistanceMatrix() = default;

  // The edges of `dense` with d <= threshold.
  BasicSparseDistanceMatrix(const BasicDistanceMatrix<Value>& dense, Value threshold);

  // From (i, j, d) triples on vertices 0..n-1; each unordered pair at most
  // once, i != j. Throws PersistenceError: BadArgument (vertex out of range,
  // i == j, pair given twice), Negative, NotFinite.
  BasicSparseDistanceMatrix(index_t n, const std::vector<std::tuple<index_t, index_t, Value>>& edges);
  // What that constructor allocates for n points and `edges` edges, at most:
  // the offsets and a cursor per point, a copy of the triples, two
  // neighbours per edge (64-bit: no wrap in wasm32).
  static std::uint64_t bytes_to_build(index_t n, std::uint64_t edges) {
    const std::uint64_t points = n < 0 ? 0 : std::uint64_t(n);
    return 2 * sizeof(std::size_t) * (points + 1) +
           edges * (sizeof(std::tuple<index_t, index_t, Value>) + 2 * sizeof(Neighbour));
  }

  index_t size() const { return index_t(offsets_.empty() ? 0 : offsets_.size() - 1); }
  std::size_t edge_count() const { return neighbours_.size() / 2; }
  // Neighbours of v, sorted by ascending vertex index.
  std::span<const Neighbour> neighbours(index_t v) const {
    return {neighbours_.data() + offsets_[std::size_t(v)], neighbours_.data() + offsets_[std::size_t(v) + 1]};
  }

 private:
  void build(index_t n, std::vector<std::tuple<index_t, index_t, Value>> edges);
  std::vector<std::size_t> offsets_;  // neighbours of v are [offsets_[v], offsets_[v+1])
  std::vector<Neighbour> neighbours_;
};

using DistanceMatrix = BasicDistanceMatrix<double>;
using DistanceMatrixF = BasicDistanceMatrix<float>;
using SparseDistanceMatrix = BasicSparseDistanceMatrix<double>;
using SparseDistanceMatrixF = BasicSparseDistanceMatrix<float>;

// Euclidean distances between the rows of `points` (each of dimension `dim`),
// accumulated in Value arithmetic in coordinate order, as Ripser does for
// point clouds. Throws NotFinite for a NaN/inf coordinate.
template <typename Value>
BasicDistanceMatrix<Value> euclidean_distances(const std::vector<std::vector<Value>>& points);

// ---------------------------------------------------------------------------
// The engine (persistence.cpp): Vietoris–Rips persistent cohomology with
// clearing, implicit coboundaries, apparent/emergent pairs (Bauer 2021).
//
// Conventions are Ripser 1.2.1's:
//  - H0 by union-find: every vertex is born at 0; a bar [0, d) for each merge
//    edge with d > 0, and [0, inf) for each final component.
//  - Intervals with birth == death are not reported.
//  - Threshold: options.threshold == infinity means the enclosing radius
//    (then Persistence::threshold is that radius); a finite threshold keeps
//    only simplices with diameter <= threshold (the dense overloads then build
//    the sparse matrix first, as Ripser does). Classes alive at the threshold
//    are essential (death == infinity).
//  - barcodes.size() == max_dim + 1 always; dimensions above n - 2 have no
//    simplices to pair and stay empty (Ripser clips max_dim to n - 2).
//  - Bars of each dimension come in Ripser's order of discovery.
// Values are computed in the matrix's value type and reported as double.
//
// Errors (PersistenceError):
//  - BadModulus: modulus not a prime in [2, 255];
//  - BadArgument: max_dim < 0, threshold NaN or negative;
//  - IndexOverflow: binomial(n, max_dim + 2) does not fit the 55 index bits of
//    an entry (the message says how far to reduce n or max_dim);
//  - OverBudget: the estimated memory exceeds options.memory_budget. The
//    estimate is of what is held at once, computed from the distances before
//    anything large is allocated (the binomial table, the edges, the sparse
//    copy at a threshold): per point, per edge, and for the largest step of
//    every dimension 1..max_dim, from an upper bound on its simplices within
//    the threshold (saturating: no size overflows it). The message gives what was asked, the
//    estimate, its largest part and the budget, and says to lower max_dim,
//    the threshold or the number of points.
// ---------------------------------------------------------------------------
Persistence compute_persistence(const DistanceMatrix& distances, const PersistenceOptions& options);
Persistence compute_persistence(const DistanceMatrixF& distances, const PersistenceOptions& options);
Persistence compute_persistence(const SparseDistanceMatrix& distances, const PersistenceOptions& options);
Persistence compute_persistence(const SparseDistanceMatrixF& distances, const PersistenceOptions& options);

// The same budget, for a caller about to build the input: throws
// BadModulus/BadArgument for bad options, IndexOverflow, or OverBudget when
// `points` points with `edges` edges within the threshold, plus the caller's
// `input_bytes` (named by `input_what` in the message, "the distance
// matrix"), cannot fit, before any of it is allocated or computed.
//  - edges given: only what the points and edges cost is counted (for
//    higher dimensions compute_persistence() counts again from the
//    distances): a sparse matrix whose vertex count is out of proportion to
//    its lines, a point cloud whose distance matrix is too big;
//  - edges = nullopt: the distances are not known yet, so every pair is an
//    edge and every simplex on the points is counted, for a dense metric in
//    double (the analysis, before the O(T^3) distance step).
// The check is O(max_dim); compute_persistence() does its own in any case.
void check_memory_budget(index_t points, std::optional<std::uint64_t> edges, const PersistenceOptions& options,
                         std::uint64_t input_bytes = 0, const std::string& input_what = "");

// A representative cycle of one finite H1 bar (persistence_cycles.cpp), as an
// edge list (u > v in each edge), for the app to draw.
//
// How: the boundary matrix of the triangles with diameter <= bar.death is
// reduced (standard column reduction, coefficients in Z/options.modulus), its
// columns in the same filtration order as the engine's (diameter, then
// Ripser's tie-break by combinatorial index, reversed colexicographic), up to
// the bar's death triangle. That column of R is a cycle whose latest edge is
// the bar's birth edge: it is born exactly at bar.birth, every edge has
// d <= bar.birth, and it dies at bar.death. Over Z/2 every vertex has even
// degree. Only the negative triangles (known from the engine's degree-1
// pairing, recomputed here) are ever added, never the positive ones, so this
// stays cheap: computed on request, one bar at a time, about 0.1 s for the
// slowest bar of a 197-token attention matrix. The options must be those the
// bar was computed with (threshold, modulus).
//
// Throws BadArgument if the bar is not a finite H1 bar of this matrix (no
// death triangle of 3 vertices, or the triangle does not kill a class).
std::vector<Edge> representative_cycle(const DistanceMatrix& distances, const Bar& h1_bar,
                                       const PersistenceOptions& options);
std::vector<Edge> representative_cycle(const DistanceMatrixF& distances, const Bar& h1_bar,
                                       const PersistenceOptions& options);

}  // namespace vitopo
