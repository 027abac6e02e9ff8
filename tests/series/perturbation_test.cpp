// Perturbations of a model input: identities, closed forms, the portable
// noise, refusals. scipy and numpy are the oracle in perturbation_oracle.py.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/perturbation.hpp"

using namespace vitopo;

namespace {

ModelInput random_input(int channels, int height, int width, std::uint64_t seed) {
  ModelInput input{channels, height, width, {}};
  SplitMix64 stream(seed);
  for (int k = 0; k < channels * height * width; ++k) input.pixels.push_back(float(0.5 + 0.5 * stream.symmetric_unit()));
  return input;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// FNV-1a over the values' bytes: one number that pins down every bit.
std::uint64_t fingerprint(const std::vector<float>& values) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (float v : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int k = 0; k < 4; ++k) h = (h ^ ((bits >> (8 * k)) & 0xff)) * 0x100000001b3ULL;
  }
  return h;
}

// fingerprint() of perturb(random_input(1, 28, 28, 5), noise, 0.1, seed 2026).
constexpr std::uint64_t noise_fingerprint = 0x9a1839d015989909ULL;

}  // namespace

TEST_CASE("every perturbation of strength 0 is the identity, bit for bit") {
  for (const auto& input : {random_input(1, 28, 28, 3), random_input(3, 16, 12, 4)})
    for (const char* name : {"noise", "blur", "brightness", "contrast", "rotation", "shift"}) {
      CAPTURE(name);
      CHECK(same_bits(perturb(input, parse_perturbation(name), 0.0, 99).pixels, input.pixels));
    }
}

TEST_CASE("splitmix64 gives its published outputs for seed 0") {
  SplitMix64 stream(0);
  CHECK(stream.next() == 0xe220a8397b1dcdafULL);
  CHECK(stream.next() == 0x6e789e6aa1b965f4ULL);
  CHECK(stream.next() == 0x06c45d188009454fULL);
}

TEST_CASE("natural_log is within 2 ulps of std::log") {
  SplitMix64 stream(11);
  for (int k = 0; k < 100000; ++k) {
    const double x = std::ldexp(1.0 + 0.5 * (1 + stream.symmetric_unit()), int(stream.next() % 200) - 100);
    const double want = std::log(x), got = natural_log(x);
    CAPTURE(x);
    CHECK(std::abs(got - want) <= 2 * std::numeric_limits<double>::epsilon() * std::max(std::abs(want), 1.0));
  }
  CHECK(natural_log(1.0) == 0.0);
  CHECK_THROWS_AS(natural_log(0.0), std::domain_error);
}

TEST_CASE("noise draws the same bits in every build for the same seed, and others for another") {
  const ModelInput input = random_input(1, 28, 28, 5);
  const ModelInput a = perturb(input, PerturbationKind::Noise, 0.1, 2026);
  CHECK(same_bits(a.pixels, perturb(input, PerturbationKind::Noise, 0.1, 2026).pixels));
  CHECK_FALSE(same_bits(a.pixels, perturb(input, PerturbationKind::Noise, 0.1, 2027).pixels));
  // The same constant is checked natively and in wasm: the stream is portable.
  CHECK(fingerprint(a.pixels) == noise_fingerprint);
  for (float v : a.pixels) CHECK((v >= 0.f && v <= 1.f));
}

TEST_CASE("standard normal deviates have mean 0 and variance 1") {
  NormalDeviates normal(8);
  double sum = 0, squares = 0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const double z = normal.next();
    sum += z;
    squares += z * z;
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::abs(squares / n - 1) < 0.01);
}

TEST_CASE("brightness and contrast are their closed forms, clipped to [0, 1]") {
  const ModelInput input{1, 1, 4, {0.f, 0.25f, 0.5f, 1.f}};
  CHECK(perturb(input, PerturbationKind::Brightness, 0.25).pixels == std::vector<float>{0.25f, 0.5f, 0.75f, 1.f});
  CHECK(perturb(input, PerturbationKind::Brightness, -0.5).pixels == std::vector<float>{0.f, 0.f, 0.f, 0.5f});
  CHECK(perturb(input, PerturbationKind::Contrast, 1).pixels == std::vector<float>{0.f, 0.f, 0.5f, 1.f});
  CHECK(perturb(input, PerturbationKind::Contrast, -1).pixels == std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f});
}

TEST_CASE("a rotation by 90 degrees turns the image anticlockwise; 360 gives it back") {
  // 3 × 3: the top-right pixel goes to the top left.
  const ModelInput input{1, 3, 3, {0, 0, 1, 0, 0, 0, 0, 0, 0}};
  const ModelInput turned = perturb(input, PerturbationKind::Rotation, 90);
  CHECK(turned.pixels[0] == doctest::Approx(1.0).epsilon(1e-6));
  CHECK(turned.pixels[2] == doctest::Approx(0.0).epsilon(1e-6));
  const ModelInput back = perturb(input, PerturbationKind::Rotation, 360);
  for (std::size_t k = 0; k < 9; ++k) CHECK(back.pixels[k] == doctest::Approx(input.pixels[k]).epsilon(1e-6));
}

TEST_CASE("a shift moves the image right, 0 coming in; a half pixel averages neighbours") {
  const ModelInput input{1, 1, 4, {0.2f, 0.4f, 0.6f, 0.8f}};
  CHECK(perturb(input, PerturbationKind::Shift, 1).pixels == std::vector<float>{0.f, 0.2f, 0.4f, 0.6f});
  CHECK(perturb(input, PerturbationKind::Shift, -2).pixels == std::vector<float>{0.6f, 0.8f, 0.f, 0.f});
  const ModelInput half = perturb(input, PerturbationKind::Shift, 0.5);
  CHECK(half.pixels[1] == doctest::Approx(0.3).epsilon(1e-6));
  CHECK(perturb(input, PerturbationKind::Shift, 1e9).pixels == std::vector<float>{0.f, 0.f, 0.f, 0.f});
}

TEST_CASE("blur keeps a uniform image and spreads a point by a normalised Gaussian") {
  const ModelInput flat{1, 5, 5, std::vector<float>(25, 0.3f)};
  for (float v : perturb(flat, PerturbationKind::Blur, 1.5).pixels) CHECK(v == doctest::Approx(0.3f).epsilon(1e-6));
  ModelInput point{1, 9, 9, std::vector<float>(81, 0.f)};
  point.pixels[40] = 1.f;
  const ModelInput blurred = perturb(point, PerturbationKind::Blur, 1.0);
  double sum = 0;
  for (float v : blurred.pixels) sum += v;
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));  // the kernel fits: nothing reaches the edge
  CHECK(blurred.pixels[40] > blurred.pixels[41]);
  CHECK(blurred.pixels[41] == doctest::Approx(blurred.pixels[39]).epsilon(1e-7));
}

TEST_CASE("occlusion greys exactly one patch in every channel") {
  const ModelInput input = random_input(3, 8, 12, 6);
  const ModelInput out = occlude(input, 4, 1, 2);  // rows 4..7, columns 8..11
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 12; ++j) {
        const std::size_t k = std::size_t(c) * 96 + std::size_t(i) * 12 + j;
        const bool inside = i >= 4 && j >= 8;
        CHECK(out.pixels[k] == (inside ? 0.5f : input.pixels[k]));
      }
  CHECK_THROWS_WITH_AS(occlude(input, 4, 2, 0), "patch (2, 0) is outside the 2 × 3 grid of patches", std::out_of_range);
  CHECK_THROWS_AS(occlude(input, 0, 0, 0), std::invalid_argument);
}

TEST_CASE("the gradient-sign step moves each value by ε against nothing where the gradient is 0") {
  const ModelInput input{1, 1, 4, {0.5f, 0.5f, 0.5f, 0.95f}};
  const std::vector<float> g = {1.f, -2.f, 0.f, 3.f};
  CHECK(gradient_sign_step(input, g, 0.1).pixels == std::vector<float>{0.6f, 0.4f, 0.5f, 1.f});
  CHECK(same_bits(gradient_sign_step(input, g, 0).pixels, input.pixels));
  CHECK_THROWS_AS(gradient_sign_step(input, std::vector<float>{1.f}, 0.1), std::invalid_argument);
}

TEST_CASE("bad perturbations are refused in words") {
  const ModelInput input = random_input(1, 4, 4, 7);
  CHECK_THROWS_WITH_AS(parse_perturbation("swirl"),
                       "unknown perturbation 'swirl'; choose noise, blur, brightness, contrast, rotation, shift, occlusion or "
                       "adversarial",
                       std::invalid_argument);
  CHECK_THROWS_AS(perturb(input, PerturbationKind::Noise, -0.1), std::invalid_argument);
  CHECK_THROWS_WITH_AS(perturb(input, PerturbationKind::Blur, -1.5), "a blur radius must be at least 0, not -1.5",
                       std::invalid_argument);
  CHECK_THROWS_AS(perturb(input, PerturbationKind::Blur, 5000), std::invalid_argument);
  CHECK_THROWS_AS(perturb(input, PerturbationKind::Rotation, std::nan("")), std::invalid_argument);
  CHECK_THROWS_WITH_AS(perturb(ModelInput{1, 4, 4, {0.f}}, PerturbationKind::Shift, 1),
                       "the model input holds 1 values, not 1 × 4 × 4", std::invalid_argument);
}
