// Diagrams whose finite points all have one birth (H0 of a Rips filtration:
// every component is born at 0) are points on a vertical line. There the
// optimal matchings are found exactly by dynamic programming.
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

}  // namespace vitopo::diagram_parts
