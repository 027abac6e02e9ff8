// The core's own exact diagram-distance algorithms against each other and
// against Hera's exact bottleneck distance, on random diagrams: the line
// algorithm (every birth equal), the bottleneck search and the transport
// network. GUDHI is the oracle of diagram_distance_oracle.py.
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <hera/bottleneck/bottleneck.h>

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "core/diagram_parts.hpp"

using namespace vitopo;
using namespace vitopo::diagram_parts;

namespace {

// n points born at `birth` (or anywhere in [0, 0.3) if birth < 0), crowded
// near the diagonal so that many pairs are close.
Diagram random_diagram(std::mt19937_64& rng, int n, double birth) {
  std::uniform_real_distribution<double> uniform(0, 0.3);
  std::exponential_distribution<double> persistence(50);
  Diagram d;
  for (int k = 0; k < n; ++k) {
    const double b = birth < 0 ? uniform(rng) : birth;
    d.push_back({b, b + persistence(rng) + 1e-4});
  }
  if (n > 2) d[1] = d[0];  // a repeated point
  return d;
}

// Every off-diagonal point once, and the costs add up to the distance.
void check_matching(const Diagram& a, const Diagram& b, const DiagramMatching& m, double order) {
  std::vector<int> seen_a(a.size()), seen_b(b.size());
  double total = 0, longest = 0;
  for (const MatchedPair& pair : m.pairs) {
    if (pair.a >= 0) ++seen_a[std::size_t(pair.a)];
    if (pair.b >= 0) ++seen_b[std::size_t(pair.b)];
    total += std::pow(pair.cost, order);
    longest = std::max(longest, pair.cost);
  }
  for (int s : seen_a) CHECK(s == 1);
  for (int s : seen_b) CHECK(s == 1);
  if (std::isinf(order)) CHECK(longest == doctest::Approx(m.distance).epsilon(1e-12));
  else CHECK(std::pow(total, 1 / order) == doctest::Approx(m.distance).epsilon(1e-12));
}

}  // namespace

TEST_CASE("bottleneck: the core's exact search equals Hera's exact algorithm") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 1 + int(rng() % 300), m = 1 + int(rng() % 300);
    const Diagram a = random_diagram(rng, n, -1), b = random_diagram(rng, m, -1);
    SplitDiagram sa = split(a), sb = split(b);
    CAPTURE(trial);
    CHECK(exact_bottleneck(sa, sb) == doctest::Approx(hera::bottleneckDistExact(sa.finite, sb.finite, 14)).epsilon(1e-12));
    if (trial % 8 == 0) check_matching(a, b, bottleneck_matching(a, b), infinity);
  }
}

TEST_CASE("diagrams on one line: the line algorithm equals Hera and the transport network") {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 30; ++trial) {
    const double birth = trial % 2 ? 0.0 : 0.25;
    const int n = 1 + int(rng() % 250), m = 1 + int(rng() % 250);
    const Diagram a = random_diagram(rng, n, birth), b = random_diagram(rng, m, birth);
    SplitDiagram sa = split(a), sb = split(b);
    REQUIRE(on_one_line(sa, sb));
    CAPTURE(trial);
    CHECK(line_transport(sa, sb, infinity, nullptr) ==
          doctest::Approx(hera::bottleneckDistExact(sa.finite, sb.finite, 14)).epsilon(1e-12));
    CHECK(line_transport(sa, sb, infinity, nullptr) == exact_bottleneck(sa, sb));
    CHECK(line_bottleneck(sa, sb) == exact_bottleneck(sa, sb));
    for (double order : {1.0, 2.0}) {
      CHECK(line_transport(sa, sb, order, nullptr) == doctest::Approx(exact_transport(sa, sb, order, nullptr)).epsilon(1e-11));
      check_matching(a, b, wasserstein_matching(a, b, order), order);
    }
    check_matching(a, b, bottleneck_matching(a, b), infinity);
  }
}

TEST_CASE("Wasserstein: the transport network's matching costs its distance") {
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 20; ++trial) {
    const Diagram a = random_diagram(rng, 1 + int(rng() % 200), -1), b = random_diagram(rng, 1 + int(rng() % 200), -1);
    for (double order : {1.0, 2.0, 3.5}) check_matching(a, b, wasserstein_matching(a, b, order), order);
  }
}
