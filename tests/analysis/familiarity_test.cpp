// The out-of-distribution signs (src/core/familiarity.hpp) on hand-made inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/familiarity.hpp"

using namespace vitopo;

TEST_CASE("input statistics, chroma and the prediction's entropy") {
  const std::vector<float> pixels = {0.0f, 0.0f, 0.5f, 1.0f};
  const InputStatistics s = input_statistics(pixels);
  CHECK(s.mean == doctest::Approx(0.375));
  CHECK(s.std == doctest::Approx(std::sqrt((2 * 0.375 * 0.375 + 0.125 * 0.125 + 0.625 * 0.625) / 4)));
  CHECK(s.dark_fraction == 0.5);

  const std::vector<std::uint8_t> grey = {10, 10, 10, 255, 200, 200, 200, 255};
  const std::vector<std::uint8_t> colour = {255, 0, 0, 255, 0, 0, 255, 255};
  CHECK(mean_chroma(grey) == 0);
  CHECK(mean_chroma(colour) == 1);

  const std::vector<float> uniform(10, 0.1f), certain = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(familiarity(pixels, uniform, "").entropy == doctest::Approx(1).epsilon(1e-6));
  CHECK(familiarity(pixels, uniform, "").unsure);
  CHECK(familiarity(pixels, certain, "").entropy == 0);
  CHECK(!familiarity(pixels, certain, "").far());  // an unknown dataset: only the entropy speaks
}

TEST_CASE("a Fashion-MNIST-like input passes; colour, or statistics outside the training range, do not") {
  REQUIRE(training_range("Fashion-MNIST"));
  CHECK(training_range("ImageNet") == nullptr);
  // Half black background, a mid-grey garment: inside every range.
  std::vector<float> garment(784, 0.0f);
  for (std::size_t k = 300; k < 700; ++k) garment[k] = 0.55f + 0.3f * float(k % 3 == 0);
  const std::vector<float> certain = {0.97f, 0.01f, 0.01f, 0.01f};
  const std::vector<std::uint8_t> grey(28 * 28 * 4, 128);
  const Familiarity ok = familiarity(garment, certain, "Fashion-MNIST", grey);
  CHECK(!ok.far());
  CHECK(ok.reasons.empty());

  std::vector<std::uint8_t> colour = grey;
  for (std::size_t k = 0; k < colour.size(); k += 4) colour[k] = 250;
  const Familiarity coloured = familiarity(garment, certain, "Fashion-MNIST", colour);
  CHECK(coloured.colourful);
  CHECK(coloured.far());
  REQUIRE(coloured.reasons.size() == 1);
  CHECK(coloured.reasons[0].find("in colour") != std::string::npos);

  const std::vector<float> bright(784, 0.9f);  // no dark background at all
  const Familiarity b = familiarity(bright, certain, "Fashion-MNIST", grey);
  CHECK(b.unusual_input);
  CHECK(b.reasons.size() >= 2);
}
