// Bad input gives the documented PersistenceError, with a message that names
// what is wrong and where.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/persistence.hpp"

using namespace vitopo;
using Kind = PersistenceError::Kind;

namespace {

// Runs f, expects a PersistenceError of `kind` whose message contains `words`.
template <typename F>
void expect_error(F&& f, Kind kind, const std::string& words) {
  try {
    f();
    FAIL("no error; expected one mentioning '" << words << "'");
  } catch (const PersistenceError& e) {
    CHECK(int(e.kind) == int(kind));
    CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, std::string(e.what()));
  }
}

std::vector<double> square(std::size_t n, double value) {
  std::vector<double> full(n * n, value);
  for (std::size_t i = 0; i < n; ++i) full[i * n + i] = 0;
  return full;
}

}  // namespace

TEST_CASE("a full matrix must be square") {
  std::vector<double> twelve(12, 1.0);
  expect_error([&] { DistanceMatrix::from_full(twelve, 3, 4); }, Kind::NotSquare, "3 rows, 4 columns");
  expect_error([&] { DistanceMatrix::from_full(twelve); }, Kind::NotSquare, "perfect square");
  expect_error([&] { DistanceMatrix::from_full(twelve, 3, 3); }, Kind::NotSquare, "needs 9 values");
}

TEST_CASE("negative, NaN and infinite distances are named by their entry") {
  auto full = square(4, 1.0);
  full[2 * 4 + 1] = full[1 * 4 + 2] = -0.5;
  expect_error([&] { DistanceMatrix::from_full(full); }, Kind::Negative, "d(2,1)");
  full[2 * 4 + 1] = full[1 * 4 + 2] = std::nan("");
  expect_error([&] { DistanceMatrix::from_full(full); }, Kind::NotFinite, "d(2,1)");
  full[2 * 4 + 1] = full[1 * 4 + 2] = std::numeric_limits<double>::infinity();
  expect_error([&] { DistanceMatrix::from_full(full); }, Kind::NotFinite, "d(2,1)");
  expect_error([&] { DistanceMatrixF(std::vector<float>{1, -2, 3}); }, Kind::Negative, "d(2,0)");
}

TEST_CASE("an asymmetric matrix is refused beyond a relative tolerance of 1e-12") {
  auto full = square(3, 0.5);
  full[0 * 3 + 2] = 0.5 * (1 + 1e-9);
  expect_error([&] { DistanceMatrix::from_full(full); }, Kind::Asymmetric, "d(2,0)");
  full[0 * 3 + 2] = 0.5 * (1 + 1e-14);
  const DistanceMatrix m = DistanceMatrix::from_full(full);
  CHECK(m.size() == 3);
  CHECK(m(0, 2) == 0.5);  // the lower entry is kept
}

TEST_CASE("a lower triangle must have n(n-1)/2 entries") {
  expect_error([] { DistanceMatrix(std::vector<double>{1, 2, 3, 4}); }, Kind::NotSquare, "n(n-1)/2");
  CHECK(DistanceMatrix(std::vector<double>{1, 2, 3}).size() == 3);
  CHECK(DistanceMatrix(std::vector<double>{}).size() == 1);
}

TEST_CASE("options are checked: modulus prime, dimension non-negative") {
  const DistanceMatrix m(std::vector<double>{1, 2, 3});
  PersistenceOptions options;
  options.modulus = 4;
  expect_error([&] { compute_persistence(m, options); }, Kind::BadModulus, "modulus 4");
  options.modulus = 1;
  expect_error([&] { compute_persistence(m, options); }, Kind::BadModulus, "modulus 1");
  options.modulus = 2;
  options.max_dim = -1;
  expect_error([&] { compute_persistence(m, options); }, Kind::BadArgument, "max_dim");
}

TEST_CASE("sizes whose simplex indices overflow are refused before any work") {
  const SparseDistanceMatrix m(100000, {{1, 0, 1.0}});
  PersistenceOptions options;
  options.max_dim = 4;
  expect_error([&] { compute_persistence(m, options); }, Kind::IndexOverflow, "lower the dimension");
}

TEST_CASE("a request above the memory budget says what to lower") {
  // 150 points, all at distance 1 except a few: every tetrahedron is in.
  std::vector<double> lower(150 * 149 / 2, 1.0);
  const DistanceMatrix m(lower);
  PersistenceOptions options;
  options.max_dim = 3;
  options.memory_budget = std::uint64_t(1) << 20;
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget, "lower the dimension");
}

TEST_CASE("the budget counts the middle dimensions, whose simplices dominate when max_dim nears the points") {
  // 24 points all at distance 1: every subset is a simplex. Clipped to 22, the
  // top dimensions have binomial(24, 23) = 24 and binomial(24, 24) = 1
  // simplices; the middle has binomial(24, 12) = 2704156 at dimension 11.
  const DistanceMatrix m(std::vector<double>(24 * 23 / 2, 1.0));
  PersistenceOptions options;
  options.max_dim = 50;
  options.threshold = 10;
  options.memory_budget = std::uint64_t(64) << 20;
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget,
               "persistence up to H50 of 24 points needs an estimated ");
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget,
               "for dimension 11 (up to 2.7e+06 simplices within the threshold)");
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget, "above the memory budget of 64 MiB");
  options.threshold = infinity;  // the enclosing radius, 1: the same complex
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget, "for dimension 11");
  options.threshold = 0.5;  // no edge: only the points remain
  CHECK(compute_persistence(m, options).barcodes[0].bars.size() == 24);
}

TEST_CASE("a request the estimate admits runs: the simplex of 16 points up to H50") {
  // The step of dimension 7 dominates: binomial(16, 8) = 12870 simplices.
  const DistanceMatrix m(std::vector<double>(16 * 15 / 2, 1.0));
  PersistenceOptions options;
  options.max_dim = 50;
  options.memory_budget = std::uint64_t(512) << 10;
  expect_error([&] { compute_persistence(m, options); }, Kind::OverBudget, "for dimension 7 (up to 1.29e+04 simplices");
  options.memory_budget = std::uint64_t(4) << 20;
  const Persistence p = compute_persistence(m, options);
  REQUIRE(p.barcodes.size() == 51);
  // A full simplex at one diameter: H0 has 15 bars [0, 1) and one essential
  // class; nothing is born in higher degrees with positive length.
  CHECK(p.barcodes[0].bars.size() == 16);
  for (int d = 1; d <= 50; ++d) CHECK(p.barcodes[std::size_t(d)].bars.empty());
}

TEST_CASE("a sparse matrix whose vertex count is out of proportion to its edges is refused before it is built") {
  // One edge to vertex 99999999: 10^8 points. The offsets alone would be
  // 800 MB, the binomial table and the H0 bars far more: refused from the
  // counts, nothing allocated.
  PersistenceOptions options;
  options.max_dim = 0;
  const index_t n = 100000000;
  expect_error([&] { check_memory_budget(n, 1, options, SparseDistanceMatrix::bytes_to_build(n, 1), "the sparse matrix"); },
               Kind::OverBudget, "persistence up to H0 of 100000000 points needs an estimated ");
  expect_error([&] { check_memory_budget(n, 1, options, SparseDistanceMatrix::bytes_to_build(n, 1), "the sparse matrix"); },
               Kind::OverBudget, "for the sparse matrix; lower the dimension, the threshold or the number of points");
  // Up to H1 the simplex indices of 10^8 points overflow first.
  options.max_dim = 1;
  expect_error([&] { check_memory_budget(n, 1, options); }, Kind::IndexOverflow, "binomial(100000000, 3)");
  // Inside the engine: 5·10^5 isolated points are a few MiB of sparse
  // matrix, but their binomial table and H0 bars are about 100 MiB.
  options.max_dim = 0;
  options.memory_budget = std::uint64_t(64) << 20;
  const SparseDistanceMatrix many(500000, {{1, 0, 1.0}});
  expect_error([&] { compute_persistence(many, options); }, Kind::OverBudget, "of 500000 points");
  options.memory_budget = std::uint64_t(256) << 20;
  CHECK(compute_persistence(many, options).barcodes[0].bars.size() == 500000);
}

TEST_CASE("before distances are known, every simplex on the points is counted, without overflow") {
  PersistenceOptions options;
  options.max_dim = 2;
  // binomial(3000, 3) = 4.4955e9 triangles, with 300 MiB the caller needs.
  expect_error([&] { check_memory_budget(3000, std::nullopt, options, std::uint64_t(300) << 20, "the distances"); },
               Kind::OverBudget, "for dimension 2 (up to 4.5e+09 simplices, every one counted");
  expect_error([&] { check_memory_budget(3000, std::nullopt, options, std::uint64_t(300) << 20, "the distances"); },
               Kind::OverBudget, "300 MiB for the distances; lower the dimension or the number of points");
  // binomial(10^5, 31) is about 10^119; already binomial(10^5, 4) = 4.2e18
  // is past the simplex indices, which are refused first, as in the engine.
  options.max_dim = 30;
  expect_error([&] { check_memory_budget(100000, std::nullopt, options); }, Kind::IndexOverflow,
               "binomial(100000, 4) exceeds 2^55");
  // binomial(400, 7) = 3.08e14 still fits the indices; the top dimension,
  // 5, has binomial(400, 6) = 5.48e12 simplices.
  options.max_dim = 5;
  expect_error([&] { check_memory_budget(400, std::nullopt, options); }, Kind::OverBudget,
               "for dimension 5 (up to 5.48e+12 simplices");
  // What fits passes: 197 tokens up to H2, binomial(197, 3) = 1254890 triangles.
  options.max_dim = 2;
  check_memory_budget(197, std::nullopt, options, 1 << 20, "the distances");
  options.memory_budget = 1 << 20;
  expect_error([&] { check_memory_budget(197, std::nullopt, options); }, Kind::OverBudget, "up to 1.25e+06 simplices");
}

TEST_CASE("sparse entries: in range, off the diagonal, each pair once") {
  using Triple = std::tuple<index_t, index_t, double>;
  expect_error([] { SparseDistanceMatrix(3, std::vector<Triple>{{0, 3, 1.0}}); }, Kind::BadArgument, "d(0,3)");
  expect_error([] { SparseDistanceMatrix(3, std::vector<Triple>{{1, 1, 1.0}}); }, Kind::BadArgument, "diagonal");
  expect_error([] { SparseDistanceMatrix(3, std::vector<Triple>{{0, 1, 1.0}, {1, 0, 2.0}}); }, Kind::BadArgument,
               "twice");
  expect_error([] { SparseDistanceMatrix(3, std::vector<Triple>{{0, 1, -1.0}}); }, Kind::Negative, "d(0,1)");
}

TEST_CASE("a representative cycle needs a finite H1 bar") {
  const DistanceMatrix m(std::vector<double>{1, 1, 1, 1, 1.5, 1});  // a square with diagonals 1.5... and 1
  Bar essential;
  essential.birth = 0;
  essential.birth_simplex = {0};
  expect_error([&] { representative_cycle(m, essential, PersistenceOptions{}); }, Kind::BadArgument, "finite H1");
}

TEST_CASE("one point has one essential H0 bar; two points one finite and one essential") {
  const Persistence one = compute_persistence(DistanceMatrix(std::vector<double>{}), PersistenceOptions{});
  REQUIRE(one.barcodes.size() == 2);
  REQUIRE(one.barcodes[0].bars.size() == 1);
  CHECK(one.barcodes[0].bars[0].death == infinity);
  CHECK(one.barcodes[1].bars.empty());
  const Persistence two = compute_persistence(DistanceMatrix(std::vector<double>{2.5}), PersistenceOptions{});
  REQUIRE(two.barcodes[0].bars.size() == 2);
  CHECK(two.barcodes[0].bars[0].death == 2.5);
  CHECK(two.barcodes[0].bars[0].death_simplex == std::vector<index_t>{1, 0});
}
