// Summaries of a barcode, on a barcode small enough to count by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "core/summaries.hpp"

using namespace vitopo;

namespace {

// H0: [0, 1), [0, 3), [0, ∞); H1: [1, 2), [1.5, 4).
Persistence example() {
  Persistence p;
  p.barcodes.resize(2);
  p.barcodes[0].dim = 0;
  p.barcodes[0].bars = {{0, 1, {}, {}}, {0, 3, {}, {}}, {0, infinity, {}, {}}};
  p.barcodes[1].dim = 1;
  p.barcodes[1].bars = {{1, 2, {}, {}}, {1.5, 4, {}, {}}};
  return p;
}

}  // namespace

TEST_CASE("Betti numbers count bars alive at ε, [birth, death) half-open") {
  const Persistence p = example();
  CHECK(betti_numbers(p, 0) == std::vector<int>{3, 0});
  CHECK(betti_numbers(p, 1) == std::vector<int>{2, 1});   // [0,1) just died, [1,2) just born
  CHECK(betti_numbers(p, 1.75) == std::vector<int>{2, 2});
  CHECK(betti_numbers(p, 3.5) == std::vector<int>{1, 1});
  CHECK(betti_numbers(p, 100) == std::vector<int>{1, 0});
  CHECK(betti_curve(p.barcodes[1], linear_grid(0, 4, 5)) == std::vector<int>{0, 1, 1, 1, 0});
  CHECK(linear_grid(0, 1, 3) == std::vector<double>{0, 0.5, 1});
}

TEST_CASE("total persistence, entropy, long bars and the longest finite bar") {
  const Persistence p = example();
  CHECK(total_persistence(p.barcodes[0], 1) == 4);   // 1 + 3, the essential bar left out
  CHECK(total_persistence(p.barcodes[0], 2) == 10);  // 1 + 9
  CHECK(total_persistence(p.barcodes[1], 1) == 3.5);
  // Lengths 1 and 3: shares ¼ and ¾.
  CHECK(persistence_entropy(p.barcodes[0]) == doctest::Approx(-(0.25 * std::log(0.25) + 0.75 * std::log(0.75))));
  CHECK(count_bars_longer_than(p.barcodes[0], 2) == 2);  // [0,3) and [0,∞)
  CHECK(count_bars_longer_than(p.barcodes[1], 1) == 1);
  CHECK(longest_finite_bar(p.barcodes[0]) == 3);
  CHECK(longest_finite_bar(p.barcodes[1]) == 2.5);
  const std::vector<DimensionSummary> s = summarize(p, 2);
  REQUIRE(s.size() == 2);
  CHECK(s[0].bars == 3);
  CHECK(s[0].essential == 1);
  CHECK(s[1].long_bars == 1);
  CHECK(s[1].total_persistence_2 == doctest::Approx(1 + 6.25));
}

TEST_CASE("an empty barcode summarises to zeros") {
  const Barcode empty;
  CHECK(total_persistence(empty) == 0);
  CHECK(persistence_entropy(empty) == 0);
  CHECK(longest_finite_bar(empty) == 0);
  CHECK(betti_number(empty, 1) == 0);
}
