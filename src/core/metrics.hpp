// Distances between token distributions (docs/science.md, "Metrics").
//
// For distributions p, q (each summing to 1) and m = (p + q)/2, natural log:
//   js               sqrt(JS(p, q)), JS(p, q) = (KL(p‖m) + KL(q‖m))/2;
//                    exactly scipy.spatial.distance.jensenshannon(p, q)
//   js-divergence    JS(p, q)
//   sqrt-js          sqrt(sqrt(JS(p, q))): the seed's main notebook took sqrt()
//                    of scipy's jensenshannon
//   hellinger        sqrt(½ Σ (√p − √q)²)
//   total-variation  ½ Σ |p − q|
//   cosine           1 − p·q / (‖p‖ ‖q‖)   (scipy.spatial.distance.cosine)
//   euclidean        ‖p − q‖
//   attention-graph  1 − max(A_ij, A_ji), with A the (square) distribution
//                    matrix itself; the diagonal is set to 0 (topology-of-
//                    attention literature, e.g. Kushnareva et al. 2021)
// A value that rounding makes negative is clamped to 0, never NaN.
//
// Accuracy of the pairwise JS (metrics.cpp explains the method): a pair whose
// divergence is at least 0.01 (distance 0.1) comes from a difference of
// entropies with an absolute error of a few 1e-16 (1e-15 for near-uniform
// rows), so at most ~1e-13 relative in the distance; a closer pair is a sum of
// non-negative per-token terms (vectorised, no second pass), accurate to a few
// ulps relative however small. The tests check every pair against the
// term-by-term reference (1e-13 relative; 2e-13 in the divergence for
// near-uniform rows) and against scipy to 1e-12 relative in the distance, with
// no absolute floor, near-uniform rows included.
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "core/distributions.hpp"

namespace vitopo {

enum class Metric {
  JensenShannon,
  JensenShannonDivergence,
  SqrtJensenShannon,
  Hellinger,
  TotalVariation,
  Cosine,
  Euclidean,
  AttentionGraph,
};

// Everything the CLI, the analysis JSON, the share link, the page and the docs
// say about a metric, in one row. Adding a metric is a row here and its kernel
// in metrics.cpp (docs/adding-a-metric.md).
struct MetricInfo {
  Metric metric;
  const char* name;       // CLI, analysis JSON and page API spelling
  int link_code;          // its code in share links of version 1: never changes, never reused
  const char* label;      // what the page calls it
  const char* formula;    // the definition, one line
  double lowest, highest;  // the range of d(p, q) over distributions p, q
};

inline constexpr MetricInfo metric_table[] = {
    {Metric::JensenShannon, "js", 0, "Jensen–Shannon distance",
     "√JS(p, q), JS = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q)/2, natural log (scipy's jensenshannon)", 0,
     0.83255461115769775635},  // √ln 2
    {Metric::JensenShannonDivergence, "js-divergence", 1, "JS divergence",
     "JS(p, q), the square of the JS distance (not a metric)", 0, 0.69314718055994530942},  // ln 2
    {Metric::SqrtJensenShannon, "sqrt-js", 2, "√ JS distance (seed)",
     "√ of the JS distance, as the seed's main notebook took it", 0, 0.91244430578402860},  // (ln 2)^¼
    {Metric::Hellinger, "hellinger", 3, "Hellinger", "√(½ Σ (√p − √q)²)", 0, 1},
    {Metric::TotalVariation, "total-variation", 4, "Total variation", "½ Σ |p − q|", 0, 1},
    {Metric::Cosine, "cosine", 5, "Cosine distance", "1 − p·q / (‖p‖ ‖q‖), as scipy's cosine", 0, 1},
    {Metric::Euclidean, "euclidean", 6, "Euclidean", "‖p − q‖", 0, 1.41421356237309504880},  // √2
    {Metric::AttentionGraph, "attention-graph", 7, "Attention graph",
     "1 − max(Aᵢⱼ, Aⱼᵢ), the topology-of-attention literature's graph distance", 0, 1},
};

// The row of `metric`; every enumerator has one (checked at compile time below).
constexpr const MetricInfo& metric_info(Metric metric) {
  for (const MetricInfo& row : metric_table)
    if (row.metric == metric) return row;
  return metric_table[0];
}
static_assert([] {
  for (std::size_t i = 0; i < std::size(metric_table); ++i)
    if (int(metric_table[i].metric) != int(i) || metric_table[i].link_code != int(i)) return false;
  return true;
}(), "metric_table lists the metrics in enum order, with the share link's codes");

// "js", "js-divergence", "sqrt-js", "hellinger", "total-variation", "cosine",
// "euclidean", "attention-graph": metric_info(metric).name.
std::string metric_name(Metric metric);
const std::vector<Metric>& all_metrics();
// Throws std::invalid_argument naming the valid choices.
Metric parse_metric(const std::string& name);

// The symmetric n×n matrix of distances between the rows of `distributions`
// (zero diagonal). For AttentionGraph the matrix must be square.
Eigen::MatrixXd pairwise_distances(const DistributionMatrix& distributions, Metric metric);

// JS divergence of one pair, computed term by term from non-negative
// contributions (slow, accurate to a few ulps; the reference for the fast
// pairwise path). p and q must each sum to 1.
double js_divergence(std::span<const double> p, std::span<const double> q);

// The vector width the fast JS uses on this machine: "avx512", "avx2" or
// "sse2/simd128" (wasm). Natively the widest the processor has is chosen at
// run time; the environment variable VITOPO_SIMD=sse2|avx2 caps it.
std::string simd_width_in_use();

}  // namespace vitopo
