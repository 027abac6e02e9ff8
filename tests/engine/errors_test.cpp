// Bad input gives the documented PersistenceError, with a message that names
// what is wrong and where.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
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
    CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
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
