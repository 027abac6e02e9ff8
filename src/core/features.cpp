#include "core/features.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/summaries.hpp"

namespace vitopo {

BarcodeFeatures barcode_features(const Barcode& barcode) {
  BarcodeFeatures f;
  f.bars = int(barcode.bars.size());
  const std::size_t k = std::size(feature_bar_thresholds);
  f.births_above.assign(k, 0);
  f.births_below.assign(k, 0);
  f.deaths_above.assign(k, 0);
  f.deaths_below.assign(k, 0);
  std::vector<double> lengths;
  f.longest_birth = f.longest_death = std::numeric_limits<double>::quiet_NaN();
  double longest = -1;
  for (const Bar& bar : barcode.bars) {
    for (std::size_t t = 0; t < k; ++t) {
      const double x = feature_bar_thresholds[t];
      f.births_above[t] += bar.birth > x;
      f.births_below[t] += bar.birth < x;
      f.deaths_above[t] += bar.death > x;
      f.deaths_below[t] += bar.death < x;
    }
    if (!std::isfinite(bar.death)) continue;
    const double length = bar.death - bar.birth;
    lengths.push_back(length);
    if (length > longest) {
      longest = length;
      f.longest_birth = bar.birth;
      f.longest_death = bar.death;
    }
  }
  f.length_sum = total_persistence(barcode, 1);
  if (!lengths.empty()) {
    const double n = double(lengths.size());
    f.length_mean = f.length_sum / n;
    double squares = 0;
    for (const double l : lengths) squares += (l - f.length_mean) * (l - f.length_mean);
    f.length_std = std::sqrt(squares / n);
  }
  f.entropy = persistence_entropy(barcode);
  return f;
}

GraphFeatures threshold_graph_features(std::span<const double> attention, int tokens, double tau) {
  const std::size_t n = tokens > 0 ? std::size_t(tokens) : 0;
  if (tokens <= 0 || attention.size() != n * n)
    throw std::invalid_argument("a threshold graph needs a square attention matrix of " + std::to_string(tokens) +
                                " tokens");
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t(0));
  auto root = [&](std::size_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  GraphFeatures g;
  g.tau = tau;
  g.components = (long long)n;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      if (std::max(attention[i * n + j], attention[j * n + i]) < tau) continue;
      ++g.edges;
      const std::size_t a = root(i), b = root(j);
      if (a != b) {
        parent[a] = b;
        --g.components;
      }
    }
  g.beta1 = g.edges - (long long)n + g.components;
  g.average_degree = 2.0 * double(g.edges) / double(n);
  return g;
}

}  // namespace vitopo
