// Distances between token distributions: closed forms, and the fast pairwise
// Jensen–Shannon against the term-by-term reference.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <random>

#include "core/metrics.hpp"

using namespace vitopo;

namespace {

DistributionMatrix rows(std::initializer_list<std::initializer_list<double>> values) {
  DistributionMatrix P(Eigen::Index(values.size()), Eigen::Index(values.begin()->size()));
  Eigen::Index i = 0;
  for (auto row : values) {
    Eigen::Index j = 0;
    for (double v : row) P(i, j++) = v;
    ++i;
  }
  return P;
}

// n random distributions over `width` tokens, peaked like softmax attention,
// in pairs of near-duplicates (relative perturbations of size `closeness`).
DistributionMatrix random_distributions(int n, int width, double closeness, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0, 1);
  DistributionMatrix P(n, width);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < width; ++k)
      P(i, k) = (i % 2 == 1) ? P(i - 1, k) * std::exp(closeness * normal(random)) : std::exp(2.5 * normal(random));
    if (i % 7 == 3) P(i, i % width) = 0;  // exact zeros occur in real attention (underflow)
    P.row(i) /= P.row(i).sum();
  }
  return P;
}

}  // namespace

TEST_CASE("JS distance closed forms: identical 0, disjoint sqrt(ln 2), (½,½) vs (1,0) sqrt(¾ ln 4/3)") {
  const DistributionMatrix P = rows({{1, 0}, {0, 1}, {0.5, 0.5}, {1, 0}});
  const Eigen::MatrixXd D = pairwise_distances(P, Metric::JensenShannon);
  CHECK(D(0, 3) == 0.0);
  CHECK(D(0, 1) == doctest::Approx(std::sqrt(std::log(2.0))).epsilon(1e-15));
  CHECK(D(2, 0) == doctest::Approx(std::sqrt(0.75 * std::log(4.0 / 3))).epsilon(1e-15));
  const Eigen::MatrixXd divergence = pairwise_distances(P, Metric::JensenShannonDivergence);
  CHECK(divergence(0, 1) == doctest::Approx(std::log(2.0)).epsilon(1e-15));
  const Eigen::MatrixXd seed = pairwise_distances(P, Metric::SqrtJensenShannon);
  CHECK(seed(0, 1) == doctest::Approx(std::pow(std::log(2.0), 0.25)).epsilon(1e-15));
}

TEST_CASE("other metrics' closed forms") {
  const DistributionMatrix P = rows({{1, 0, 0}, {0, 1, 0}, {0.5, 0.25, 0.25}});
  SUBCASE("Hellinger: disjoint 1, and sqrt(1 - Σ sqrt(pq))") {
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::Hellinger);
    CHECK(D(0, 1) == doctest::Approx(1.0).epsilon(1e-15));
    CHECK(D(0, 2) == doctest::Approx(std::sqrt(1 - std::sqrt(0.5))).epsilon(1e-14));
  }
  SUBCASE("total variation: ½ Σ|p − q|") {
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::TotalVariation);
    CHECK(D(0, 1) == doctest::Approx(1.0));
    CHECK(D(0, 2) == doctest::Approx(0.5));
  }
  SUBCASE("cosine: 1 − p·q/(|p||q|)") {
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::Cosine);
    CHECK(D(0, 1) == doctest::Approx(1.0));
    CHECK(D(0, 2) == doctest::Approx(1 - 0.5 / std::sqrt(0.375)).epsilon(1e-14));
  }
  SUBCASE("Euclidean") {
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::Euclidean);
    CHECK(D(0, 1) == doctest::Approx(std::sqrt(2.0)));
    CHECK(D(1, 2) == doctest::Approx(std::sqrt(0.25 + 0.5625 + 0.0625)));
  }
  SUBCASE("attention graph: 1 − max(A_ij, A_ji), zero diagonal") {
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::AttentionGraph);
    CHECK(D(0, 0) == 0.0);
    CHECK(D(0, 2) == doctest::Approx(0.5));  // A_02 = 0, A_20 = 0.5
    CHECK(D(0, 1) == doctest::Approx(1.0));  // no attention either way
  }
}

TEST_CASE("attention-graph distance uses the larger of the two directions") {
  const DistributionMatrix A = rows({{0.7, 0.2, 0.1}, {0.3, 0.3, 0.4}, {0.5, 0.25, 0.25}});
  const Eigen::MatrixXd D = pairwise_distances(A, Metric::AttentionGraph);
  CHECK(D(0, 1) == doctest::Approx(1 - 0.3));
  CHECK(D(1, 0) == doctest::Approx(1 - 0.3));
  CHECK(D(0, 2) == doctest::Approx(1 - 0.5));
  CHECK(D(1, 2) == doctest::Approx(1 - 0.4));
}

TEST_CASE("fast pairwise JS equals the term-by-term reference to 1e-13 relative") {
  for (double closeness : {1.0, 0.1, 1e-3, 1e-6}) {
    CAPTURE(closeness);
    const DistributionMatrix P = random_distributions(40, 197, closeness, 7);
    const Eigen::MatrixXd D = pairwise_distances(P, Metric::JensenShannonDivergence);
    double worst = 0;
    for (int i = 0; i < P.rows(); ++i)
      for (int j = 0; j < i; ++j) {
        const double reference = js_divergence({&P(i, 0), std::size_t(P.cols())}, {&P(j, 0), std::size_t(P.cols())});
        REQUIRE(reference > 0);
        worst = std::max(worst, std::abs(D(i, j) - reference) / reference);
        CHECK(D(i, j) == D(j, i));
      }
    CHECK(worst < 1e-13);
  }
}

// Near-uniform rows, as in random-weight models and diffuse heads: the softmax
// of Gaussian logits with standard deviation `spread`. Every pair is close.
DistributionMatrix near_uniform(int n, int width, double spread, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0, spread);
  DistributionMatrix P(n, width);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < width; ++k) P(i, k) = std::exp(normal(random));
    P.row(i) /= P.row(i).sum();
  }
  return P;
}

double worst_relative_to_reference(const DistributionMatrix& P) {
  const Eigen::MatrixXd D = pairwise_distances(P, Metric::JensenShannonDivergence);
  double worst = 0;
  for (int i = 0; i < P.rows(); ++i)
    for (int j = 0; j < i; ++j) {
      const double reference = js_divergence({&P(i, 0), std::size_t(P.cols())}, {&P(j, 0), std::size_t(P.cols())});
      REQUIRE(reference > 0);
      worst = std::max(worst, std::abs(D(i, j) - reference) / reference);
      REQUIRE(D(i, j) == D(j, i));
    }
  return worst;
}

TEST_CASE("pairwise JS of near-uniform rows equals the term-by-term reference to 2e-13 relative") {
  // 197 tokens (not a multiple of any vector width: padding), spreads from
  // the 0.25 and 0.1 down to rows a few ulps apart. The pairs at JS
  // just above 0.01 (spread 0.25) are the far form's worst case: entropies of
  // near-uniform rows are largest, its absolute error a few 1e-16 of them.
  // Closer pairs (all of spread 0.1 and below) come from the cancellation-free
  // form and hold 1e-13.
  for (double spread : {0.5, 0.25, 0.1, 0.01, 1e-4, 1e-7}) {
    CAPTURE(spread);
    CHECK(worst_relative_to_reference(near_uniform(48, 197, spread, 5)) < (spread >= 0.25 ? 2e-13 : 1e-13));
  }
  // Near-uniform rows mixed with peaked ones, and with exact zeros: far and
  // close pairs in one matrix, and close pairs with a few very unequal
  // coordinates (|t| near 1).
  DistributionMatrix P = near_uniform(40, 61, 0.2, 9);
  const DistributionMatrix peaked = random_distributions(40, 61, 0.05, 11);
  for (int i = 0; i < 40; i += 3) P.row(i) = peaked.row(i);
  for (int i = 1; i < 40; i += 5) {
    P(i, i % 61) *= 1e-6;
    P(i, (i + 7) % 61) = 0;
    P.row(i) /= P.row(i).sum();
  }
  CHECK(worst_relative_to_reference(P) < 2e-13);  // near-uniform pairs just above 0.01, as above
}

// Peaked rows that are alike, as in a random-weight ViT-B: the softmax of one
// shared set of Gaussian logits (standard deviation `peak`) plus each row's own
// (standard deviation `spread`). Far from uniform, yet most pairs are close.
DistributionMatrix peaked_alike(int n, int width, double peak, double spread, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0, 1);
  Eigen::VectorXd shared(width);
  for (int k = 0; k < width; ++k) shared[k] = peak * normal(random);
  DistributionMatrix P(n, width);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < width; ++k) P(i, k) = std::exp(shared[k] + spread * normal(random));
    P.row(i) /= P.row(i).sum();
  }
  return P;
}

TEST_CASE("pairwise JS of peaked rows that are mostly close equals the term-by-term reference to 1e-13 relative") {
  // The kernel takes the far form first for peaked rows and recomputes the
  // pairs it finds close; a head where that happens often switches to the
  // dot product first. These rows are all peaked (K_p + K_q >= 0.04) and most
  // of their pairs close (JS < 0.01), so both orders run in one head, with
  // far pairs mixed in (every seventh row from another shared peak).
  DistributionMatrix P = peaked_alike(56, 197, 1.5, 0.12, 21);
  const DistributionMatrix other = peaked_alike(56, 197, 1.5, 0.12, 22);
  for (int i = 3; i < 56; i += 7) P.row(i) = other.row(i);
  const double log_k = std::log(197.0);
  std::vector<double> from_uniform(56);
  for (int i = 0; i < 56; ++i) {
    double entropy = 0;
    for (int k = 0; k < 197; ++k) entropy -= P(i, k) * std::log(P(i, k));
    from_uniform[std::size_t(i)] = log_k - entropy;
  }
  int peaked_pairs = 0, close = 0, pairs = 0;
  for (int i = 0; i < 56; ++i)
    for (int j = 0; j < i; ++j, ++pairs) {
      if (from_uniform[std::size_t(i)] + from_uniform[std::size_t(j)] < 0.04) continue;
      ++peaked_pairs;
      close += js_divergence({&P(i, 0), 197}, {&P(j, 0), 197}) < 0.01;
    }
  REQUIRE(peaked_pairs == pairs);
  REQUIRE(close > pairs / 2);
  REQUIRE(close < pairs);
  CHECK(worst_relative_to_reference(P) < 1e-13);
}

TEST_CASE("every metric gives a symmetric, finite, non-negative matrix with a zero diagonal") {
  const DistributionMatrix P = random_distributions(30, 30, 1e-9, 3);
  for (Metric metric : all_metrics()) {
    CAPTURE(metric_name(metric));
    const Eigen::MatrixXd D = pairwise_distances(P, metric);
    CHECK(D.allFinite());
    CHECK(D.minCoeff() >= 0.0);
    CHECK(D.diagonal().isZero(0));
    CHECK(D == D.transpose());
  }
}

TEST_CASE("metric names round-trip, and an unknown one lists the choices") {
  for (Metric metric : all_metrics()) CHECK(parse_metric(metric_name(metric)) == metric);
  try {
    parse_metric("kl");
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("hellinger") != std::string::npos);
  }
}

TEST_CASE("the metric table's ranges hold, and two tokens with disjoint supports reach the top of each") {
  const DistributionMatrix P = random_distributions(30, 30, 0.5, 11);
  // Two point masses on different tokens: the farthest two distributions can be.
  DistributionMatrix apart = DistributionMatrix::Identity(2, 2);
  for (const MetricInfo& row : metric_table) {
    CAPTURE(row.name);
    const Eigen::MatrixXd D = pairwise_distances(P, row.metric);
    CHECK(D.minCoeff() >= row.lowest);
    CHECK(D.maxCoeff() <= row.highest * (1 + 1e-12));
    const Eigen::MatrixXd far = pairwise_distances(apart, row.metric);
    CHECK(far(0, 1) == doctest::Approx(row.highest).epsilon(1e-12));
    CHECK(parse_metric(row.name) == row.metric);
  }
}

TEST_CASE("docs/science.md has a row for every metric of the table") {
  std::ifstream file(std::string(VITOPO_SOURCE_DIR) + "/docs/science.md");
  REQUIRE(file.good());
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const MetricInfo& row : metric_table) {
    CAPTURE(row.name);
    CHECK(text.find("| `" + std::string(row.name) + "`") != std::string::npos);
  }
}
