// Features of one head for research export (features.csv): the barcode
// features and the threshold-graph features of the topology-of-attention
// literature (Kushnareva et al., EMNLP 2021), next to the summaries. Their
// definitions and column names are in docs/science.md, "Features".
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/persistence.hpp"

namespace vitopo {

// The thresholds the birth and death counts use, and the τ of the threshold graphs.
inline constexpr double feature_bar_thresholds[] = {0.25, 0.5, 0.75};
inline constexpr double feature_graph_thresholds[] = {0.025, 0.05, 0.1, 0.25, 0.5, 0.75};

// Barcode features of one dimension. Lengths are those of the finite bars.
struct BarcodeFeatures {
  int bars = 0;                 // every bar, essential included
  double length_sum = 0;        // Σ (death − birth) over finite bars
  double length_mean = 0;       // 0 without finite bars
  double length_std = 0;        // population standard deviation (ddof 0); 0 without finite bars
  double entropy = 0;           // persistence_entropy()
  // Per feature_bar_thresholds[k]: bars with birth (death) strictly above or
  // strictly below it; an essential bar's death (+∞) is above every threshold.
  std::vector<int> births_above, births_below, deaths_above, deaths_below;
  // The longest finite bar (the first in the engine's order among equals);
  // NaN when there is none.
  double longest_birth = 0, longest_death = 0;
};
BarcodeFeatures barcode_features(const Barcode& barcode);

// The undirected graph on the T tokens of one head's attention A (T × T, row
// major) with an edge {i, j}, i ≠ j, when max(Aᵢⱼ, Aⱼᵢ) ≥ τ.
struct GraphFeatures {
  double tau = 0;
  long long edges = 0;
  long long components = 0;  // isolated tokens included
  long long beta1 = 0;       // edges − tokens + components: independent cycles
  double average_degree = 0; // 2 · edges / tokens
};
GraphFeatures threshold_graph_features(std::span<const double> attention, int tokens, double tau);

// A row of named values: integers (counts, layer, head) or doubles; NaN is
// no value (an empty CSV cell).
struct Feature {
  std::string name;
  double value = 0;
  bool integer = false;
};
using FeatureRow = std::vector<Feature>;

}  // namespace vitopo
