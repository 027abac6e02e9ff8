// Representative cycles of H1 bars: closed, born at the bar's birth, and
// around the hole they stand for.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <random>
#include <vector>

#include "core/persistence.hpp"

using namespace vitopo;

namespace {

struct Point {
  double x, y;
};

// Portable noise: mt19937 is specified bit for bit; the distributions are not.
struct Noise {
  std::mt19937 bits{20261128};
  double uniform() { return double(bits()) / 4294967296.0; }
  double centred(double scale) { return (2 * uniform() - 1) * scale; }
};

std::vector<Point> circle(Point centre, double radius, int count, double noise, Noise& rng) {
  std::vector<Point> points;
  for (int k = 0; k < count; ++k) {
    const double angle = 2 * std::numbers::pi * (k + rng.centred(0.3)) / count;
    points.push_back({centre.x + radius * std::cos(angle) + rng.centred(noise),
                      centre.y + radius * std::sin(angle) + rng.centred(noise)});
  }
  return points;
}

DistanceMatrix distances_of(const std::vector<Point>& points) {
  const std::size_t n = points.size();
  std::vector<double> full(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) full[i * n + j] = std::hypot(points[i].x - points[j].x, points[i].y - points[j].y);
  return DistanceMatrix::from_full(full);
}

// Over Z/2 a cycle is an edge set in which every vertex has even degree.
bool every_degree_even(const std::vector<Edge>& cycle) {
  std::map<index_t, int> degree;
  for (auto [u, v] : cycle) ++degree[u], ++degree[v];
  return std::all_of(degree.begin(), degree.end(), [](auto& d) { return d.second % 2 == 0; });
}

// Parity of the crossings of the ray from `centre` towards +x: odd iff the
// cycle winds an odd number of times around the centre.
bool winds_around(const std::vector<Edge>& cycle, const std::vector<Point>& points, Point centre) {
  int crossings = 0;
  for (auto [u, v] : cycle) {
    Point a = points[std::size_t(u)], b = points[std::size_t(v)];
    if ((a.y > centre.y) == (b.y > centre.y)) continue;
    const double x = a.x + (centre.y - a.y) * (b.x - a.x) / (b.y - a.y);
    if (x > centre.x) ++crossings;
  }
  return crossings % 2 == 1;
}

// The properties every representative cycle of a finite H1 bar must have.
void check_cycle(const DistanceMatrix& d, const Bar& bar, const std::vector<Edge>& cycle, bool z2) {
  REQUIRE(!cycle.empty());
  if (z2) CHECK(every_degree_even(cycle));
  double longest = 0;
  for (auto [u, v] : cycle) {
    CHECK(d(u, v) <= bar.birth);  // the edge exists at the bar's birth
    longest = std::max(longest, d(u, v));
  }
  CHECK(longest == bar.birth);
  // the bar's birth edge is in it
  const Edge birth{std::max(bar.birth_simplex[0], bar.birth_simplex[1]), std::min(bar.birth_simplex[0], bar.birth_simplex[1])};
  CHECK(std::find(cycle.begin(), cycle.end(), birth) != cycle.end());
}

std::vector<Bar> long_bars(const Persistence& p, double min_length) {
  std::vector<Bar> bars;
  for (const Bar& b : p.barcodes[1].bars)
    if (b.death != infinity && b.death - b.birth >= min_length) bars.push_back(b);
  return bars;
}

}  // namespace

TEST_CASE("the cycle of a noisy circle's H1 bar is a closed loop around the centre, born at the bar's birth") {
  Noise rng;
  const auto points = circle({0, 0}, 1.0, 40, 0.05, rng);
  const DistanceMatrix d = distances_of(points);
  PersistenceOptions options;
  const Persistence p = compute_persistence(d, options);
  const auto bars = long_bars(p, 0.5);
  REQUIRE(bars.size() == 1);
  const auto cycle = representative_cycle(d, bars[0], options);
  check_cycle(d, bars[0], cycle, true);
  CHECK(winds_around(cycle, points, {0, 0}));
  CHECK(cycle.size() >= 20);  // it goes round: at least half the points
}

TEST_CASE("a figure eight has two H1 bars, whose cycles wind around one lobe each") {
  Noise rng;
  auto points = circle({-1, 0}, 1.0, 36, 0.03, rng);
  const auto right = circle({1.2, 0}, 1.2, 40, 0.03, rng);
  points.insert(points.end(), right.begin(), right.end());
  const DistanceMatrix d = distances_of(points);
  PersistenceOptions options;
  const Persistence p = compute_persistence(d, options);
  const auto bars = long_bars(p, 0.6);
  REQUIRE(bars.size() == 2);
  int around_left = 0, around_right = 0;
  for (const Bar& bar : bars) {
    const auto cycle = representative_cycle(d, bar, options);
    check_cycle(d, bar, cycle, true);
    around_left += winds_around(cycle, points, {-1, 0});
    around_right += winds_around(cycle, points, {1.2, 0});
  }
  CHECK(around_left >= 1);
  CHECK(around_right >= 1);
}

TEST_CASE("every finite H1 bar of noisy points has a valid cycle, over Z/2 and Z/3") {
  Noise rng;
  std::vector<Point> points;
  for (int k = 0; k < 70; ++k) points.push_back({rng.uniform(), rng.uniform()});
  const DistanceMatrix d = distances_of(points);
  for (int modulus : {2, 3}) {
    PersistenceOptions options;
    options.modulus = modulus;
    const Persistence p = compute_persistence(d, options);
    int finite = 0;
    for (const Bar& bar : p.barcodes[1].bars) {
      if (bar.death == infinity) continue;
      ++finite;
      check_cycle(d, bar, representative_cycle(d, bar, options), modulus == 2);
    }
    CHECK(finite >= 3);
  }
}

TEST_CASE("cycles under an explicit threshold and in float match the same properties") {
  Noise rng;
  const auto points = circle({0, 0}, 1.0, 30, 0.1, rng);
  const DistanceMatrix d = distances_of(points);
  PersistenceOptions options;
  options.threshold = 2.5;  // a finite threshold: the sparse path
  const Persistence p = compute_persistence(d, options);
  const auto bars = long_bars(p, 0.3);
  REQUIRE(bars.size() == 1);
  check_cycle(d, bars[0], representative_cycle(d, bars[0], options), true);

  std::vector<float> lower;
  for (index_t i = 1; i < d.size(); ++i)
    for (index_t j = 0; j < i; ++j) lower.push_back(float(d(i, j)));
  const DistanceMatrixF f(lower);
  const Persistence pf = compute_persistence(f, PersistenceOptions{});
  for (const Bar& bar : pf.barcodes[1].bars) {
    if (bar.death == infinity) continue;
    const auto cycle = representative_cycle(f, bar, PersistenceOptions{});
    REQUIRE(!cycle.empty());
    CHECK(every_degree_even(cycle));
    float longest = 0;
    for (auto [u, v] : cycle) longest = std::max(longest, f(u, v));
    CHECK(double(longest) == bar.birth);
  }
}
