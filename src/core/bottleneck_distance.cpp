#include <functional>

// Hera includes boost/bind.hpp, which otherwise warns about its placeholders.
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <hera/bottleneck/bottleneck.h>

#include "core/diagram_parts.hpp"

namespace vitopo {

using namespace diagram_parts;

namespace {

double finite_bottleneck(SplitDiagram& a, SplitDiagram& b) {
  if (a.finite.empty() && b.finite.empty()) return 0;
  if (on_one_line(a, b)) return line_bottleneck(a, b);
  try {
    return exact_bottleneck(a, b);
  } catch (const std::length_error&) {
    // Too many nearby pairs to hold: Hera's exact algorithm, which needs no
    // list of them (14 decimal digits is its default precision).
    return hera::bottleneckDistExact(a.finite, b.finite, 14);
  }
}

// A perfect matching of the finite parts (each point to a point of the other
// diagram or to the diagonal) using only edges of length <= bound (Kuhn's
// augmenting paths, Kuhn 1955). Left: A's points, then one diagonal copy per
// B point; right: B's points, then one diagonal copy per A point.
void bottleneck_assignment(const SplitDiagram& a, const SplitDiagram& b, double bound, DiagramMatching& matching) {
  const int na = int(a.finite.size()), nb = int(b.finite.size()), n = na + nb;
  auto allowed = [&](int left, int right) {
    if (left < na && right < nb) return linf(a.finite[std::size_t(left)], b.finite[std::size_t(right)]) <= bound;
    if (left < na) return right - nb == left && to_diagonal(a.finite[std::size_t(left)]) <= bound;
    if (right < nb) return left - na == right && to_diagonal(b.finite[std::size_t(right)]) <= bound;
    return true;  // diagonal to diagonal
  };
  std::vector<int> match_of_right(std::size_t(n), -1);
  std::vector<char> visited;
  std::function<bool(int)> augment = [&](int left) {
    for (int right = 0; right < n; ++right) {
      if (visited[std::size_t(right)] || !allowed(left, right)) continue;
      visited[std::size_t(right)] = 1;
      if (match_of_right[std::size_t(right)] < 0 || augment(match_of_right[std::size_t(right)])) {
        match_of_right[std::size_t(right)] = left;
        return true;
      }
    }
    return false;
  };
  for (int left = 0; left < n; ++left) {
    visited.assign(std::size_t(n), 0);
    if (!augment(left)) throw std::logic_error("bottleneck matching: no perfect matching at the bottleneck distance");
  }
  for (int right = 0; right < n; ++right) {
    const int left = match_of_right[std::size_t(right)];
    if (left < na && right < nb)
      matching.pairs.push_back({a.finite_index[std::size_t(left)], b.finite_index[std::size_t(right)],
                                linf(a.finite[std::size_t(left)], b.finite[std::size_t(right)])});
    else if (left < na)
      matching.pairs.push_back({a.finite_index[std::size_t(left)], -1, to_diagonal(a.finite[std::size_t(left)])});
    else if (right < nb)
      matching.pairs.push_back({-1, b.finite_index[std::size_t(right)], to_diagonal(b.finite[std::size_t(right)])});
  }
}

}  // namespace

double bottleneck_distance(const Diagram& a, const Diagram& b) {
  SplitDiagram sa = split(a), sb = split(b);
  std::vector<double> costs;
  if (!match_essential(sa, sb, nullptr, costs)) return infinity;
  double distance = finite_bottleneck(sa, sb);
  for (double cost : costs) distance = std::max(distance, cost);
  return distance;
}

DiagramMatching bottleneck_matching(const Diagram& a, const Diagram& b) {
  SplitDiagram sa = split(a), sb = split(b);
  DiagramMatching matching;
  std::vector<double> costs;
  if (!match_essential(sa, sb, &matching, costs)) {
    matching.distance = infinity;
    matching.pairs.clear();
    return matching;
  }
  if (on_one_line(sa, sb)) {
    matching.distance = line_transport(sa, sb, infinity, &matching);
    for (double cost : costs) matching.distance = std::max(matching.distance, cost);
    return matching;
  }
  const double finite = finite_bottleneck(sa, sb);
  // Hera's value is exact up to rounding; allow a few ulps for the edges.
  bottleneck_assignment(sa, sb, finite * (1 + 1e-12) + 1e-300, matching);
  matching.distance = finite;
  for (double cost : costs) matching.distance = std::max(matching.distance, cost);
  return matching;
}

}  // namespace vitopo
