// Bottleneck and Wasserstein distances (Hera) on diagrams small enough to
// solve by hand; GUDHI agreement on random diagrams is the oracle test
// diagram_distance_oracle.py.
#include <doctest/doctest.h>

#include <cmath>

#include "core/diagram_distance.hpp"

using namespace vitopo;

TEST_CASE("bottleneck: a point against the empty diagram costs half its persistence") {
  const Diagram a = {{0, 1}}, empty;
  CHECK(bottleneck_distance(a, empty) == doctest::Approx(0.5));
  CHECK(bottleneck_distance(empty, empty) == 0);
  CHECK(bottleneck_distance(a, a) == 0);
}

TEST_CASE("bottleneck: matched points cost their L∞ distance") {
  const Diagram a = {{0, 1}, {0, 10}}, b = {{0, 1.2}, {0.5, 10.25}};
  CHECK(bottleneck_distance(a, b) == doctest::Approx(0.5));
  const DiagramMatching m = bottleneck_matching(a, b);
  CHECK(m.distance == doctest::Approx(0.5));
  double longest = 0;
  for (const MatchedPair& pair : m.pairs) longest = std::max(longest, pair.cost);
  CHECK(longest <= m.distance * (1 + 1e-12));
  CHECK(m.pairs.size() >= 2);
}

TEST_CASE("Wasserstein: sum of matched costs to the power p, then the p-th root") {
  const Diagram a = {{0, 1}}, b = {{0, 1.2}}, empty;
  CHECK(wasserstein_distance(a, b, 1) == doctest::Approx(0.2).epsilon(1e-8));
  CHECK(wasserstein_distance(a, empty, 2) == doctest::Approx(0.5).epsilon(1e-8));
  const Diagram c = {{0, 1}, {0, 3}};
  // Order 2 against the empty diagram: sqrt(0.5² + 1.5²).
  CHECK(wasserstein_distance(c, empty, 2) == doctest::Approx(std::sqrt(0.25 + 2.25)).epsilon(1e-8));
  const DiagramMatching m = wasserstein_matching(c, b, 1);
  CHECK(m.distance == doctest::Approx(0.2 + 1.5).epsilon(1e-8));  // (0,1)→(0,1.2), (0,3)→diagonal
  CHECK(m.pairs.size() == 2);
}

TEST_CASE("essential points match only each other, by birth; different counts give +∞") {
  const Diagram a = {{0, 1}, {0.5, infinity}}, b = {{0, 1.2}, {0.7, infinity}}, c = {{0, 1}};
  CHECK(bottleneck_distance(a, b) == doctest::Approx(0.2));
  CHECK(std::isinf(bottleneck_distance(a, c)));
  CHECK(wasserstein_distance(a, b, 1) == doctest::Approx(0.4).epsilon(1e-8));
  CHECK(wasserstein_distance(a, b, 2) == doctest::Approx(std::sqrt(0.08)).epsilon(1e-8));
  CHECK(std::isinf(wasserstein_distance(a, c, 1)));
  const DiagramMatching m = bottleneck_matching(a, b);
  bool essential_pair = false;
  for (const MatchedPair& pair : m.pairs) essential_pair |= (pair.a == 1 && pair.b == 1);
  CHECK(essential_pair);
}

TEST_CASE("diagonal points are ignored and bad points refused") {
  CHECK(bottleneck_distance({{1, 1}, {0, 2}}, {{0, 2}}) == 0);
  CHECK_THROWS_AS(bottleneck_distance({{2, 1}}, {}), std::invalid_argument);
  CHECK_THROWS_AS(wasserstein_distance({{0, 1}}, {}, 0.5), std::invalid_argument);
}

TEST_CASE("distance matrices are symmetric with a zero diagonal") {
  const std::vector<Diagram> diagrams = {{{0, 1}}, {{0, 2}}, {}, {{0.5, 1}, {0, 3}}};
  const Eigen::MatrixXd D = diagram_distance_matrix(diagrams, {DiagramDistanceKind::Bottleneck});
  CHECK(D == D.transpose());
  CHECK(D.diagonal().isZero(0));
  CHECK(D(0, 1) == doctest::Approx(1.0));  // matched, or (0,2) to the diagonal: both cost 1
  CHECK(D(0, 2) == doctest::Approx(0.5));
  CHECK(D(1, 2) == doctest::Approx(1.0));
}

TEST_CASE("Wasserstein of a diagram with itself, or with the same points in another order, is 0") {
  // H0-like: every birth 0. Hera's auction alone never stops on these.
  const Diagram a = {{0, 0.3}, {0, 0.5}, {0, 0.5}, {0, 0.7}, {0, infinity}}, b = {{0, 0.5}, {0, 0.7}, {0, infinity}, {0, 0.3}, {0, 0.5}};
  for (double p : {1.0, 2.0}) {
    CHECK(wasserstein_distance(a, a, p) == 0);
    const DiagramMatching m = wasserstein_matching(a, b, p);
    CHECK(m.distance == 0);
    CHECK(m.pairs.size() == 5);
    for (const MatchedPair& pair : m.pairs) CHECK(a[std::size_t(pair.a)].death == b[std::size_t(pair.b)].death);
  }
  const Diagram c = {{0, 0.3}, {0, 0.5}, {0, 0.5}, {0, 0.75}, {0, infinity}};
  CHECK(wasserstein_distance(a, c, 1) == doctest::Approx(0.05).epsilon(1e-6));
}
