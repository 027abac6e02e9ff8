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
// entropies with an absolute error of a few 1e-16, so at most ~1e-13 relative
// in the distance; a closer pair is recomputed from non-negative per-token
// terms, accurate to a few ulps relative however small. The tests check every
// pair against the term-by-term reference to 1e-13 relative and against scipy
// to 1e-12 relative, with no absolute floor.
#pragma once

#include <Eigen/Dense>
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

// "js", "js-divergence", "sqrt-js", "hellinger", "total-variation", "cosine",
// "euclidean", "attention-graph".
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
