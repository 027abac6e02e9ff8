#include <hera/wasserstein/wasserstein.h>

#include <algorithm>

#include "core/diagram_parts.hpp"

namespace vitopo {

using namespace diagram_parts;

namespace {

hera::AuctionParams<double> auction_params(double order, double relative_error) {
  if (!(order >= 1)) throw std::invalid_argument("Wasserstein order must be >= 1, got " + std::to_string(order));
  hera::AuctionParams<double> params;
  params.wasserstein_power = order;
  params.delta = relative_error;
  params.internal_p = hera::get_infinity<double>();
  return params;
}

// When the finite parts are the same points (as multisets), the identity
// matching: each point of A with its equal in B, in sorted order. Hera's own
// entry point (wasserstein_cost) makes the same check first, as its auction
// does not terminate on a distance of 0; running the auction directly, we must too.
bool match_equal(const SplitDiagram& sa, const SplitDiagram& sb, DiagramMatching& matching) {
  if (sa.finite.size() != sb.finite.size()) return false;
  const auto sorted = [](const SplitDiagram& s) {
    std::vector<std::size_t> order(s.finite.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return s.finite[i] < s.finite[j]; });
    return order;
  };
  const std::vector<std::size_t> oa = sorted(sa), ob = sorted(sb);
  for (std::size_t k = 0; k < oa.size(); ++k)
    if (sa.finite[oa[k]] != sb.finite[ob[k]]) return false;
  for (std::size_t k = 0; k < oa.size(); ++k) matching.pairs.push_back({sa.finite_index[oa[k]], sb.finite_index[ob[k]], 0.0});
  return true;
}

// Hera's own construction (hera::wasserstein_cost): bidders are A's points
// then the diagonal projections of B's; items are the projections of A's
// points then B's points. We run its auction directly to read the matching.
double auction(const SplitDiagram& sa, const SplitDiagram& sb, const hera::AuctionParams<double>& params,
               DiagramMatching& matching) {
  const std::size_t na = sa.finite.size();
  using Point = hera::ws::DiagramPoint<double>;
  std::vector<Point> bidders, items;
  for (auto [x, y] : sa.finite) bidders.emplace_back(x, y, Point::NORMAL);
  for (auto [x, y] : sb.finite) bidders.emplace_back(x, y, Point::DIAG);
  for (auto [x, y] : sa.finite) items.emplace_back(x, y, Point::DIAG);
  for (auto [x, y] : sb.finite) items.emplace_back(x, y, Point::NORMAL);
  hera::ws::AuctionRunnerGS<double> runner(bidders, items, params);
  runner.run_auction();
  for (std::size_t bidder = 0; bidder < bidders.size(); ++bidder) {
    const std::size_t item = std::size_t(runner.bidders_to_items[bidder]);
    if (bidder < na && item >= na)
      matching.pairs.push_back({sa.finite_index[bidder], sb.finite_index[item - na],
                                linf(sa.finite[bidder], sb.finite[item - na])});
    else if (bidder < na)
      matching.pairs.push_back({sa.finite_index[bidder], -1, to_diagonal(sa.finite[bidder])});
    else if (item >= na)
      matching.pairs.push_back({-1, sb.finite_index[item - na], to_diagonal(sb.finite[item - na])});
  }
  return runner.get_wasserstein_cost();
}

// The distance, and with `want_pairs` an optimal matching.
DiagramMatching wasserstein(const Diagram& a, const Diagram& b, double order, double relative_error, bool want_pairs) {
  SplitDiagram sa = split(a), sb = split(b);
  hera::AuctionParams<double> params = auction_params(order, relative_error);
  DiagramMatching matching;
  std::vector<double> costs;
  if (!match_essential(sa, sb, &matching, costs)) {
    matching.distance = infinity;
    matching.pairs.clear();
    return matching;
  }
  double cost = 0;
  for (double c : costs) cost += std::pow(c, order);
  const std::size_t na = sa.finite.size(), nb = sb.finite.size();
  if (match_equal(sa, sb, matching)) {
    // cost: the essential parts' alone
  } else if (na == 0 || nb == 0) {
    // Everything goes to the diagonal (Hera's auction needs both sides non-empty).
    for (std::size_t k = 0; k < na; ++k) {
      cost += std::pow(to_diagonal(sa.finite[k]), order);
      matching.pairs.push_back({sa.finite_index[k], -1, to_diagonal(sa.finite[k])});
    }
    for (std::size_t k = 0; k < nb; ++k) {
      cost += std::pow(to_diagonal(sb.finite[k]), order);
      matching.pairs.push_back({-1, sb.finite_index[k], to_diagonal(sb.finite[k])});
    }
  } else if (on_one_line(sa, sb)) {
    cost += line_transport(sa, sb, order, want_pairs ? &matching : nullptr);
  } else {
    try {
      cost += exact_transport(sa, sb, order, want_pairs ? &matching : nullptr);
    } catch (const std::length_error&) {
      // Too many nearby pairs for the exact network: Hera's auction, within relative_error.
      cost += auction(sa, sb, params, matching);
    }
  }
  matching.distance = std::pow(cost, 1 / order);
  return matching;
}

}  // namespace

double wasserstein_distance(const Diagram& a, const Diagram& b, double order, double relative_error) {
  return wasserstein(a, b, order, relative_error, false).distance;
}

DiagramMatching wasserstein_matching(const Diagram& a, const Diagram& b, double order, double relative_error) {
  return wasserstein(a, b, order, relative_error, true);
}

}  // namespace vitopo
