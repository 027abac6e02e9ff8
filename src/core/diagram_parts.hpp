// Internal to the diagram distances (bottleneck_distance.cpp,
// wasserstein_distance.cpp): a diagram split into finite and essential parts.
// Debian's Hera 1.0 cannot have its bottleneck and Wasserstein headers in
// one translation unit (both define hera::get_infinity and DiagramTraits),
// hence one file each and this shared part.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/diagram_distance.hpp"

namespace vitopo::diagram_parts {

// A diagram split into its off-diagonal finite points and its essential
// points, each remembering its index in the original diagram.
struct SplitDiagram {
  std::vector<std::pair<double, double>> finite;
  std::vector<int> finite_index;
  std::vector<std::pair<double, int>> essential;  // (birth, index), sorted by birth then index
};

inline SplitDiagram split(const Diagram& diagram) {
  SplitDiagram parts;
  for (std::size_t i = 0; i < diagram.size(); ++i) {
    const DiagramPoint& p = diagram[i];
    if (std::isnan(p.birth) || std::isnan(p.death) || !std::isfinite(p.birth) || p.death < p.birth)
      throw std::invalid_argument("diagram point " + std::to_string(i) + " (" + std::to_string(p.birth) + ", " +
                                  std::to_string(p.death) + ") is not a finite birth with a later death");
    if (p.death == p.birth) continue;
    if (std::isinf(p.death)) {
      parts.essential.emplace_back(p.birth, int(i));
    } else {
      parts.finite.emplace_back(p.birth, p.death);
      parts.finite_index.push_back(int(i));
    }
  }
  std::sort(parts.essential.begin(), parts.essential.end());
  return parts;
}

inline double linf(std::pair<double, double> a, std::pair<double, double> b) {
  return std::max(std::abs(a.first - b.first), std::abs(a.second - b.second));
}
inline double to_diagonal(std::pair<double, double> a) { return (a.second - a.first) / 2; }

// Essential points pair up in birth order (optimal on a line); the pairs
// and their |Δ birth| go to `matching`. False when the counts differ.
inline bool match_essential(const SplitDiagram& a, const SplitDiagram& b, DiagramMatching* matching,
                     std::vector<double>& costs) {
  if (a.essential.size() != b.essential.size()) return false;
  for (std::size_t k = 0; k < a.essential.size(); ++k) {
    const double cost = std::abs(a.essential[k].first - b.essential[k].first);
    costs.push_back(cost);
    if (matching) matching->pairs.push_back({a.essential[k].second, b.essential[k].second, cost});
  }
  return true;
}

// A diagram's finite points in order of birth, to visit those born near a
// given birth: a pair of points is at least |Δbirth| apart in L∞.
class ByBirth {
 public:
  explicit ByBirth(const SplitDiagram& s) : order_(s.finite.size()), births_(s.finite.size()) {
    for (std::size_t k = 0; k < order_.size(); ++k) order_[k] = k;
    std::sort(order_.begin(), order_.end(),
              [&](std::size_t i, std::size_t j) { return s.finite[i].first < s.finite[j].first; });
    for (std::size_t k = 0; k < order_.size(); ++k) births_[k] = s.finite[order_[k]].first;
  }

  // visit(j) for each finite point j born in [birth − gap, birth + gap].
  template <class Visit>
  void near(double birth, double gap, Visit&& visit) const {
    const auto lo = std::lower_bound(births_.begin(), births_.end(), birth - gap) - births_.begin();
    const auto hi = std::upper_bound(births_.begin(), births_.end(), birth + gap) - births_.begin();
    for (auto k = lo; k < hi; ++k) visit(order_[std::size_t(k)]);
  }

 private:
  std::vector<std::size_t> order_;
  std::vector<double> births_;
};

// True when every finite point of both diagrams has the same birth (and
// there is at least one): then the finite parts lie on one line.
bool on_one_line(const SplitDiagram& a, const SplitDiagram& b);

// The exact optimal cost of matching the finite parts of diagrams on one
// line (diagram_line.cpp): Σ cost^p for a finite order p, or the bottleneck
// (the largest cost) for order = +∞. With `matching`, its pairs are added.
double line_transport(const SplitDiagram& a, const SplitDiagram& b, double order, DiagramMatching* matching);

// The exact bottleneck distance of the finite parts of diagrams on one line,
// in O((n + m) log) time (diagram_line.cpp).
double line_bottleneck(const SplitDiagram& a, const SplitDiagram& b);

// The exact p-Wasserstein cost Σ cost^p of the finite parts, by minimum-cost
// flow (diagram_transport.cpp). Throws std::length_error, before allocating,
// when the network passes its memory budget.
double exact_transport(const SplitDiagram& a, const SplitDiagram& b, double order, DiagramMatching* matching);

// The exact bottleneck distance of the finite parts, by binary search with
// Hopcroft–Karp matchings (diagram_bottleneck.cpp). Throws std::length_error,
// before allocating, when the candidate pairs pass their memory budget.
double exact_bottleneck(const SplitDiagram& a, const SplitDiagram& b);

}  // namespace vitopo::diagram_parts
