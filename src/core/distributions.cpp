#include "core/distributions.hpp"

#include <cmath>

namespace vitopo {

DistributionMatrix token_distributions(const AttentionTensor& attention, int layer, int head,
                                       const DistributionOptions& options) {
  const int T = attention.tokens();
  const int first = options.drop_cls ? 1 : 0;
  const int n = T - first;
  const std::span<const double> A = attention.matrix(layer, head);
  DistributionMatrix P(n, n);
  for (int i = 0; i < n; ++i) {
    const std::size_t token = std::size_t(i + first);
    double sum = 0;
    for (int j = 0; j < n; ++j) {
      const std::size_t other = std::size_t(j + first);
      const double value = options.columns ? A[other * std::size_t(T) + token] : A[token * std::size_t(T) + other];
      P(i, j) = value;
      sum += value;
    }
    // The tensor's rows have finite sums, but a column (or a row of values
    // near the largest double) can still add up to infinity; dividing by it
    // would leave a zero row that looks like a distribution of nothing.
    if (!std::isfinite(sum))
      throw DistributionError("attention layer " + std::to_string(layer) + ", head " + std::to_string(head) +
                                  ", token " + std::to_string(token) + ": its " +
                                  (options.columns ? "column" : "row") +
                                  " sums to more than the largest double (the sum overflows), it cannot be "
                                  "normalised to a distribution",
                              layer, head, int(token));
    if (!(sum > 0))
      throw DistributionError("attention layer " + std::to_string(layer) + ", head " + std::to_string(head) +
                                  ", token " + std::to_string(token) + ": its " +
                                  (options.columns ? "column" : "row") +
                                  (options.drop_cls ? " without CLS" : "") + " sums to 0, it is not a distribution",
                              layer, head, int(token));
    P.row(i) /= sum;
    if (options.seed_compatible) {
      // exp(a) / Σ exp(a); a ∈ [0, 1], so no overflow and no max-shift needed.
      P.row(i) = P.row(i).array().exp();
      P.row(i) /= P.row(i).sum();
    }
  }
  return P;
}

}  // namespace vitopo
