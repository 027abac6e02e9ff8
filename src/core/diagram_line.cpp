// Diagrams whose finite points all have one birth (H0 of a Rips filtration:
// every component is born at 0) are points on a vertical line. There the
// optimal matchings are found exactly by dynamic programming, and the
// bottleneck distance alone by a faster search (line_bottleneck, below).
//
// On a line, for a cost that is a convex function of the gap (|x − y|^p, and
// max for the bottleneck), some optimal matching never crosses: if x < x′ and
// y < y′ are matched, x with y and x′ with y′ is no worse than the crossing
// pairs (the Monge property). Going to the diagonal does not interfere, so
// with both diagrams sorted by death, an optimal matching is a monotone path
// through the grid of (i, j): from (i, j) it takes A's i-th point to the
// diagonal, B's j-th, or matches the two. O(n m) time, O(n + m) memory for
// the distance, n m bytes for the matching.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>

#include "core/diagram_parts.hpp"

namespace vitopo::diagram_parts {

namespace {

constexpr std::uint64_t matching_budget_bytes = std::uint64_t(512) << 20;

std::vector<std::size_t> by_death(const SplitDiagram& s) {
  std::vector<std::size_t> order(s.finite.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return s.finite[i].second < s.finite[j].second; });
  return order;
}

}  // namespace

bool on_one_line(const SplitDiagram& a, const SplitDiagram& b) {
  if (a.finite.empty() && b.finite.empty()) return false;
  const double birth = a.finite.empty() ? b.finite.front().first : a.finite.front().first;
  for (const SplitDiagram* s : {&a, &b})
    for (const auto& point : s->finite)
      if (point.first != birth) return false;
  return true;
}

double line_transport(const SplitDiagram& a, const SplitDiagram& b, double order, DiagramMatching* matching) {
  const bool bottleneck = order == infinity;
  const std::vector<std::size_t> oa = by_death(a), ob = by_death(b);
  const std::size_t n = oa.size(), m = ob.size();
  const auto power = [&](double x) { return bottleneck || order == 1 ? x : std::pow(x, order); };
  const auto join = [&](double path, double step) { return bottleneck ? std::max(path, step) : path + step; };
  std::vector<double> diag_a(n), diag_b(m);
  for (std::size_t i = 0; i < n; ++i) diag_a[i] = power(to_diagonal(a.finite[oa[i]]));
  for (std::size_t j = 0; j < m; ++j) diag_b[j] = power(to_diagonal(b.finite[ob[j]]));

  // The moves, for the matching: 0 = A's point to the diagonal, 1 = B's, 2 = matched.
  std::vector<std::uint8_t> move;
  if (matching) {
    const std::uint64_t cells = std::uint64_t(n + 1) * std::uint64_t(m + 1);
    if (cells > matching_budget_bytes)
      throw std::length_error("the matching of two diagrams of " + std::to_string(n) + " and " + std::to_string(m) +
                              " points needs more memory than the budget of " +
                              std::to_string(matching_budget_bytes >> 20) + " MB");
    move.assign(std::size_t(cells), 0);
  }
  // row[j] is the best path to (i, j); row i = 0 sends B's first j points to the diagonal.
  std::vector<double> row(m + 1, 0.0), previous(m + 1);
  for (std::size_t j = 1; j <= m; ++j) {
    row[j] = join(row[j - 1], diag_b[j - 1]);
    if (matching) move[j] = 1;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    std::swap(row, previous);
    const double x = a.finite[oa[i - 1]].second;
    row[0] = join(previous[0], diag_a[i - 1]);
    if (matching) move[i * (m + 1)] = 0;
    for (std::size_t j = 1; j <= m; ++j) {
      double best = join(previous[j], diag_a[i - 1]);
      std::uint8_t how = 0;
      const double from_b = join(row[j - 1], diag_b[j - 1]);
      if (from_b < best) best = from_b, how = 1;
      const double matched = join(previous[j - 1], power(std::abs(x - b.finite[ob[j - 1]].second)));
      if (matched < best) best = matched, how = 2;
      row[j] = best;
      if (matching) move[i * (m + 1) + j] = how;
    }
  }
  const double cost = row[m];
  if (matching) {
    for (std::size_t i = n, j = m; i > 0 || j > 0;) {
      const std::uint8_t how = move[i * (m + 1) + j];
      if (how == 2) {
        const auto& p = a.finite[oa[i - 1]];
        const auto& q = b.finite[ob[j - 1]];
        matching->pairs.push_back({a.finite_index[oa[i - 1]], b.finite_index[ob[j - 1]], linf(p, q)});
        --i, --j;
      } else if (how == 1) {
        matching->pairs.push_back({-1, b.finite_index[ob[j - 1]], to_diagonal(b.finite[ob[j - 1]])});
        --j;
      } else {
        matching->pairs.push_back({a.finite_index[oa[i - 1]], -1, to_diagonal(a.finite[oa[i - 1]])});
        --i;
      }
    }
  }
  return cost;
}

// The bottleneck distance on a line, without the grid. At a threshold t the
// points farther than t from the diagonal are forced, and (as in
// diagram_bottleneck.cpp) a matching within t exists when A's forced points
// can be matched into B and B's into A. On a line each is a greedy pass: every
// point's reach is an interval of the same width 2t, so taking forced points
// in order, each with the first free point of the other side within t, is
// optimal. Feasibility changes only at the computed lengths, so the smallest
// feasible double, found by bisection on the doubles' bit patterns (at most 64
// passes), is the distance exactly.
double line_bottleneck(const SplitDiagram& a, const SplitDiagram& b) {
  std::vector<double> xs, ys;
  for (const auto& p : a.finite) xs.push_back(p.second);
  for (const auto& p : b.finite) ys.push_back(p.second);
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  const double birth = (a.finite.empty() ? b.finite : a.finite).front().first;
  const auto diagonal = [birth](double death) { return to_diagonal({birth, death}); };
  // Whether the forced points of `from` (sorted) can each take a point of `to` (sorted) within t.
  const auto covers = [&](const std::vector<double>& from, const std::vector<double>& to, double t) {
    std::size_t j = 0;
    for (double x : from) {
      if (!(diagonal(x) > t)) continue;
      while (j < to.size() && to[j] < x && std::abs(x - to[j]) > t) ++j;
      if (j == to.size() || std::abs(x - to[j]) > t) return false;
      ++j;
    }
    return true;
  };
  const auto feasible = [&](double t) { return covers(xs, ys, t) && covers(ys, xs, t); };
  double widest = 0;
  for (double x : xs) widest = std::max(widest, diagonal(x));
  for (double y : ys) widest = std::max(widest, diagonal(y));
  // Non-negative doubles are ordered as their bit patterns.
  std::uint64_t lo = 0, hi = 0;
  std::memcpy(&hi, &widest, sizeof hi);
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    double t;
    std::memcpy(&t, &mid, sizeof t);
    if (feasible(t)) hi = mid;
    else lo = mid + 1;
  }
  double distance;
  std::memcpy(&distance, &hi, sizeof distance);
  return distance;
}

}  // namespace vitopo::diagram_parts
