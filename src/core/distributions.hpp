// From attention to probability distributions, one per token.
//
// The steps, in this order (docs/science.md, "Distributions"):
//   1. view: token i's distribution is row i of A (default), or column i
//      (the key side) when `columns` is set;
//   2. drop CLS: remove token 0 both as a point and as a coordinate;
//   3. renormalise each distribution to sum 1 (as scipy's jensenshannon does);
//   4. seed-compatible mode only: a second softmax exp(a)/Σexp(a) of each
//      (renormalised) distribution, as the seed notebooks did. It flattens
//      every distribution and is never the default.
#pragma once

#include <Eigen/Dense>
#include <stdexcept>
#include <string>

#include "core/attention.hpp"

namespace vitopo {

// Distributions as rows: row r is one token's distribution. Row-major so a
// distribution is contiguous, which the pairwise metrics rely on.
using DistributionMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct DistributionOptions {
  bool columns = false;
  bool drop_cls = false;
  bool seed_compatible = false;
};

// A distribution that sums to 0 after the view and CLS removal (a token that
// attended only to CLS, a column nobody attended to), or whose sum overflows
// (a column of values near the largest double).
struct DistributionError : std::runtime_error {
  int layer, head, token;
  DistributionError(const std::string& message, int l, int h, int t)
      : std::runtime_error(message), layer(l), head(h), token(t) {}
};

// One distribution per row: n × n with n = T, or T − 1 without CLS.
// Row r is token r (r + 1 in the model's numbering when CLS is dropped).
DistributionMatrix token_distributions(const AttentionTensor& attention, int layer, int head,
                                    const DistributionOptions& options);

}  // namespace vitopo
