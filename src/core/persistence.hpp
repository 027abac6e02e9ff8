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
#include <stdexcept>
#include <string>
#include <utility>
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
  std::size_t memory_budget = std::size_t(4) << 30;  // bytes; an estimate above it is OverBudget
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

}  // namespace vitopo
