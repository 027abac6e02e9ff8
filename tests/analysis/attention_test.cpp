// Attention tensors: shapes, and rows that are not distributions.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/attention.hpp"
#include "core/distributions.hpp"

using namespace vitopo;

namespace {

// 1 layer, 2 heads, 3 tokens; head 1 is the identity.
std::vector<float> small_attention() {
  return {0.5f, 0.25f, 0.25f, 0.2f, 0.6f, 0.2f, 0.1f, 0.1f, 0.8f,  //
          1, 0, 0, 0, 1, 0, 0, 0, 1};
}

AttentionError error_of(const std::vector<float>& data, std::vector<std::int64_t> shape) {
  try {
    AttentionTensor::from_buffer(std::span<const float>(data), shape);
  } catch (const AttentionError& e) {
    return e;
  }
  FAIL("no error");
  return AttentionError(AttentionError::Kind::BadShape, "");
}

}  // namespace

TEST_CASE("[L, H, T, T] and [L, 1, H, T, T] give the same tensor") {
  const std::vector<float> data = small_attention();
  const std::int64_t shape4[4] = {1, 2, 3, 3}, shape5[5] = {1, 1, 2, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const float>(data), shape4);
  const AttentionTensor b = AttentionTensor::from_buffer(std::span<const float>(data), shape5);
  CHECK(a.layers() == 1);
  CHECK(a.heads() == 2);
  CHECK(a.tokens() == 3);
  CHECK(a.at(0, 0, 1, 1) == doctest::Approx(0.6).epsilon(1e-7));
  CHECK(a.at(0, 1, 2, 2) == 1.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) CHECK(a.at(0, 0, i, j) == b.at(0, 0, i, j));
}

TEST_CASE("bad shapes are refused") {
  const std::vector<float> data = small_attention();
  CHECK(error_of(data, {1, 2, 3, 2}).kind == AttentionError::Kind::BadShape);     // not square
  CHECK(error_of(data, {1, 2, 3, 3, 1}).kind == AttentionError::Kind::BadShape);  // rank 5, not [L,1,H,T,T]
  CHECK(error_of(data, {2, 2, 3, 3}).kind == AttentionError::Kind::BadShape);     // too few values
  CHECK(error_of(data, {2, 3, 3}).kind == AttentionError::Kind::BadShape);        // rank 3
}

TEST_CASE("a non-finite entry is an error naming layer, head and token") {
  std::vector<float> data = small_attention();
  data[9 + 3 + 1] = std::numeric_limits<float>::quiet_NaN();  // head 1, token 1
  const AttentionError e = error_of(data, {1, 2, 3, 3});
  CHECK(e.kind == AttentionError::Kind::NotFinite);
  CHECK(e.layer == 0);
  CHECK(e.head == 1);
  CHECK(e.token == 1);
  CHECK(std::string(e.what()).find("layer 0, head 1, token 1") != std::string::npos);
  data[9 + 3 + 1] = std::numeric_limits<float>::infinity();
  CHECK(error_of(data, {1, 2, 3, 3}).kind == AttentionError::Kind::NotFinite);
}

TEST_CASE("a negative entry is an error naming layer, head and token") {
  std::vector<float> data = small_attention();
  data[2] = -0.25f;
  const AttentionError e = error_of(data, {1, 2, 3, 3});
  CHECK(e.kind == AttentionError::Kind::Negative);
  CHECK(e.token == 0);
  CHECK(e.head == 0);
}

TEST_CASE("a zero row is an error naming layer, head and token") {
  std::vector<float> data = small_attention();
  data[6] = data[7] = data[8] = 0;
  const AttentionError e = error_of(data, {1, 2, 3, 3});
  CHECK(e.kind == AttentionError::Kind::ZeroRow);
  CHECK(std::string(e.what()).find("layer 0, head 0, token 2") != std::string::npos);
}

TEST_CASE("rows that do not sum to 1 are renormalised") {
  std::vector<float> data = small_attention();
  for (int j = 0; j < 3; ++j) data[std::size_t(3 + j)] *= 4;  // token 1 sums to 4
  const std::int64_t shape[4] = {1, 2, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const float>(data), shape);
  const DistributionMatrix P = token_distributions(a, 0, 0, {});
  CHECK(P(1, 0) == doctest::Approx(0.2).epsilon(1e-7));
  CHECK(P(1, 1) == doctest::Approx(0.6).epsilon(1e-7));
  for (int i = 0; i < 3; ++i) CHECK(P.row(i).sum() == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("distributions: columns, dropping CLS and the seed's second softmax") {
  const std::vector<float> data = small_attention();
  const std::int64_t shape[4] = {1, 2, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const float>(data), shape);
  // Column 1 of head 0 is (0.25, 0.6, 0.1) / 0.95.
  const DistributionMatrix columns = token_distributions(a, 0, 0, {.columns = true});
  CHECK(columns(1, 0) == doctest::Approx(0.25 / 0.95).epsilon(1e-7));
  CHECK(columns(1, 2) == doctest::Approx(0.1 / 0.95).epsilon(1e-7));
  // Without CLS, token 1's row is (0.6, 0.2) / 0.8.
  const DistributionMatrix no_cls = token_distributions(a, 0, 0, {.drop_cls = true});
  CHECK(no_cls.rows() == 2);
  CHECK(no_cls(0, 0) == doctest::Approx(0.75).epsilon(1e-7));
  // Seed mode: exp(a)/Σexp(a) of the row (0.5, 0.25, 0.25).
  const DistributionMatrix seed = token_distributions(a, 0, 0, {.seed_compatible = true});
  const double z = std::exp(0.5) + 2 * std::exp(0.25);
  CHECK(seed(0, 0) == doctest::Approx(std::exp(0.5) / z).epsilon(1e-12));
  CHECK(seed(0, 2) == doctest::Approx(std::exp(0.25) / z).epsilon(1e-12));
}

TEST_CASE("a token that attends only to CLS has no distribution without CLS") {
  std::vector<float> data = small_attention();
  data[3] = 1, data[4] = 0, data[5] = 0;  // head 0, token 1 → CLS only
  const std::int64_t shape[4] = {1, 2, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const float>(data), shape);
  try {
    token_distributions(a, 0, 0, {.drop_cls = true});
    FAIL("no error");
  } catch (const DistributionError& e) {
    CHECK(e.token == 1);
    CHECK(std::string(e.what()).find("layer 0, head 0, token 1") != std::string::npos);
  }
}

namespace {

// 1 layer, 1 head, 3 tokens in float64; token 1's row is (a, b, c).
AttentionTensor three_tokens(double a, double b, double c) {
  const std::vector<double> data = {0.5, 0.25, 0.25, a, b, c, 0.1, 0.1, 0.8};
  const std::int64_t shape[4] = {1, 1, 3, 3};
  return AttentionTensor::from_buffer(std::span<const double>(data), shape);
}

}  // namespace

TEST_CASE("a float64 row whose sum overflows is refused, naming layer, head and token") {
  // Each entry is finite; 1e308 + 1e308 is not. Divided by that infinite sum,
  // the row used to become zeros and the analysis went on.
  try {
    three_tokens(1e308, 1e308, 0);
    FAIL("no error");
  } catch (const AttentionError& e) {
    CHECK(e.kind == AttentionError::Kind::NotFinite);
    CHECK(e.layer == 0);
    CHECK(e.head == 0);
    CHECK(e.token == 1);
    CHECK_MESSAGE(std::string(e.what()).find("layer 0, head 0, token 1: the row's entries are finite but their "
                                             "sum overflows") != std::string::npos,
                  e.what());
  }
  // Just below the limit it is a distribution: (0.5, 0.5, 0) exactly.
  const AttentionTensor fine = three_tokens(0.8e308, 0.8e308, 0);
  const DistributionMatrix P = token_distributions(fine, 0, 0, {});
  CHECK(P(1, 0) == 0.5);
  CHECK(P(1, 1) == 0.5);
  CHECK(P(1, 2) == 0.0);
}

TEST_CASE("a column whose sum overflows is refused in the key-side view, naming the token") {
  // Rows (1e-300, 1e308, 0) and (0, 1e308, 1e-300) have finite sums, but
  // column 1 adds up to 2e308.
  const std::vector<double> data = {1e-300, 1e308, 0, 0, 1e308, 1e-300, 0.1, 0.1, 0.8};
  const std::int64_t shape[4] = {1, 1, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const double>(data), shape);
  CHECK(token_distributions(a, 0, 0, {})(0, 1) == 1.0);  // the row view is fine
  try {
    token_distributions(a, 0, 0, {.columns = true});
    FAIL("no error");
  } catch (const DistributionError& e) {
    CHECK(e.layer == 0);
    CHECK(e.head == 0);
    CHECK(e.token == 1);
    CHECK_MESSAGE(std::string(e.what()).find("layer 0, head 0, token 1: its column sums to more than the largest "
                                             "double") != std::string::npos,
                  e.what());
  }
}

TEST_CASE("float32 rows of the largest floats have a finite sum and are normalised exactly") {
  // The float32 path sums in double: even 65536 entries of FLT_MAX stay far
  // below the largest double, so no float32 row can overflow.
  const float big = std::numeric_limits<float>::max();
  const std::vector<float> data = {big, big, 0, 0, big, big, 0.1f, 0.1f, 0.8f};
  const std::int64_t shape[4] = {1, 1, 3, 3};
  const AttentionTensor a = AttentionTensor::from_buffer(std::span<const float>(data), shape);
  const DistributionMatrix P = token_distributions(a, 0, 0, {});
  CHECK(P(0, 0) == 0.5);
  CHECK(P(0, 1) == 0.5);
  CHECK(P(1, 2) == 0.5);
  const DistributionMatrix columns = token_distributions(a, 0, 0, {.columns = true});
  CHECK(columns(1, 0) == 0.5);  // column 1: (big, big, 0.1) / (2 big + 0.1)
  CHECK(columns(1, 2) == doctest::Approx(0.1 / (2.0 * big)).epsilon(1e-12));
}
