// The exact p-Wasserstein matching of two diagrams' finite parts, as a
// minimum-cost flow solved by LEMON's network simplex (the algorithm behind
// POT's exact transport, which GUDHI's Wasserstein distance calls).
//
// The network: each point of A supplies one unit, each point of B demands
// one; a diagonal node on A's side supplies |B| units and one on B's side
// demands |A|. Arcs: a → b at cost ‖a − b‖∞^p, a → B's diagonal at
// (pers(a)/2)^p, A's diagonal → b at (pers(b)/2)^p, and diagonal → diagonal
// at 0. An arc a → b whose cost is at least the two diagonal arcs' together
// is left out: routing a and b to the diagonal instead is no dearer, so the
// optimum is unchanged. That leaves only nearby pairs, which is what keeps
// diagrams of thousands of points fast.
//
// The simplex runs on integer costs: with floating-point ones, rounding in
// its reduced costs can make it pivot forever on degenerate diagrams (many
// equal distances). Each cost is rounded to a multiple of q = max cost · 2^-k,
// k chosen so that no path length in the network can overflow 64 bits
// (k >= 44 for up to 2^17 points). The matching found is optimal for the
// rounded costs, so its true cost, which is what is returned, exceeds the
// optimum by at most (|A| + |B|) · q.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "core/diagram_parts.hpp"

namespace vitopo::diagram_parts {

namespace {

constexpr std::uint64_t arc_budget = std::uint64_t(40) << 20;  // about 1.5 GB of LEMON's arrays

}  // namespace

double exact_transport(const SplitDiagram& a, const SplitDiagram& b, double order, DiagramMatching* matching) {
  const std::size_t n = a.finite.size(), m = b.finite.size();
  const auto power = [&](double x) { return order == 1 ? x : std::pow(x, order); };
  std::vector<double> diag_a(n), diag_b(m);
  for (std::size_t i = 0; i < n; ++i) diag_a[i] = power(to_diagonal(a.finite[i]));
  for (std::size_t j = 0; j < m; ++j) diag_b[j] = power(to_diagonal(b.finite[j]));

  // B by birth, so each point of A scans only the births near its own: an arc
  // needs |Δbirth|^p < diag_a + diag_b <= diag_a + max diag_b.
  const ByBirth b_by_birth(b);
  const double widest_b = m ? *std::max_element(diag_b.begin(), diag_b.end()) : 0;
  const auto near = [&](std::size_t i, auto&& visit) {
    const double gap = order == 1 ? diag_a[i] + widest_b : std::pow(diag_a[i] + widest_b, 1 / order);
    b_by_birth.near(a.finite[i].first, gap, visit);
  };
  const auto useful = [&](std::size_t i, std::size_t j, double& cost) {
    cost = power(linf(a.finite[i], b.finite[j]));
    return cost < diag_a[i] + diag_b[j];
  };

  // Count the arcs before allocating them.
  std::uint64_t arcs = std::uint64_t(n) + m + 1;
  for (std::size_t i = 0; i < n; ++i) {
    double cost;
    near(i, [&](std::size_t j) { arcs += useful(i, j, cost); });
  }
  if (arcs > arc_budget)
    throw std::length_error("the exact Wasserstein matching of two diagrams of " + std::to_string(n) + " and " +
                            std::to_string(m) + " points needs " + std::to_string(arcs) +
                            " arcs, more than the budget of " + std::to_string(arc_budget));

  using Graph = lemon::SmartDigraph;
  Graph graph;
  graph.reserveNode(int(n + m + 2));
  graph.reserveArc(int(arcs));
  std::vector<Graph::Node> node_a(n), node_b(m);
  for (auto& v : node_a) v = graph.addNode();
  for (auto& v : node_b) v = graph.addNode();
  const Graph::Node diagonal_a = graph.addNode(), diagonal_b = graph.addNode();
  Graph::NodeMap<std::int64_t> supply(graph, 0);
  for (auto v : node_a) supply[v] = 1;
  for (auto v : node_b) supply[v] = -1;
  supply[diagonal_a] = std::int64_t(m);
  supply[diagonal_b] = -std::int64_t(n);

  Graph::ArcMap<double> cost(graph);
  struct Edge { int a, b; };  // an arc's two points, -1 for a diagonal
  std::vector<Edge> edges;
  edges.reserve(std::size_t(arcs));
  const auto add = [&](Graph::Node from, Graph::Node to, double c, Edge edge) {
    cost[graph.addArc(from, to)] = c;
    edges.push_back(edge);
  };
  for (std::size_t i = 0; i < n; ++i) {
    add(node_a[i], diagonal_b, diag_a[i], {int(i), -1});
    near(i, [&](std::size_t j) {
      double c;
      if (useful(i, j, c)) add(node_a[i], node_b[j], c, {int(i), int(j)});
    });
  }
  for (std::size_t j = 0; j < m; ++j) add(diagonal_a, node_b[j], diag_b[j], {-1, int(j)});
  add(diagonal_a, diagonal_b, 0, {-1, -1});

  // Integer costs: multiples of q = largest / 2^k, with paths of up to all
  // the nodes' arcs staying below 2^62.
  double largest = 0;
  for (Graph::ArcIt arc(graph); arc != lemon::INVALID; ++arc) largest = std::max(largest, cost[arc]);
  const int nodes_bits = int(std::ceil(std::log2(double(n + m + 2))));
  const double scale = largest > 0 ? std::ldexp(1.0, 62 - nodes_bits - 1) / largest : 1;
  Graph::ArcMap<std::int64_t> rounded(graph);
  for (Graph::ArcIt arc(graph); arc != lemon::INVALID; ++arc) rounded[arc] = std::llround(cost[arc] * scale);

  using Simplex = lemon::NetworkSimplex<Graph, std::int64_t, std::int64_t>;
  Simplex simplex(graph);
  simplex.costMap(rounded).supplyMap(supply);
  if (simplex.run() != Simplex::OPTIMAL) throw std::logic_error("the Wasserstein transport found no optimal matching");

  double total = 0;
  for (Graph::ArcIt arc(graph); arc != lemon::INVALID; ++arc) {
    const std::int64_t flow = simplex.flow(arc);
    if (flow == 0) continue;
    const Edge edge = edges[std::size_t(graph.id(arc))];
    if (edge.a < 0 && edge.b < 0) continue;
    total += cost[arc] * double(flow);
    if (!matching) continue;
    const std::size_t i = std::size_t(edge.a), j = std::size_t(edge.b);
    if (edge.a >= 0 && edge.b >= 0)
      matching->pairs.push_back({a.finite_index[i], b.finite_index[j], linf(a.finite[i], b.finite[j])});
    else if (edge.a >= 0)
      matching->pairs.push_back({a.finite_index[i], -1, to_diagonal(a.finite[i])});
    else
      matching->pairs.push_back({-1, b.finite_index[j], to_diagonal(b.finite[j])});
  }
  return total;
}

}  // namespace vitopo::diagram_parts
