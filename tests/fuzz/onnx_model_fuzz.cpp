// libFuzzer harness: the ONNX reader and the model contract
// (src/core/onnx_model.hpp) on any bytes, then, for a model that passes,
// preprocessing an image for it as the page does.
//
// check_model answers every file with a list of problems: no exception may
// escape it. A model that passes must describe an input preprocessing can
// fill: its pixels buffer has exactly C·H·W values, every one finite.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/onnx_model.hpp"
#include "core/preprocess.hpp"
#include "fuzz_check.hpp"

namespace {

// A model input above this many values is preprocessed by the regression
// tests, not here: each run would be spent filling it.
constexpr std::int64_t max_fuzzed_input_values = std::int64_t(1) << 22;

// A light 16 × 16 image with a dark 6 × 4 item off centre.
std::vector<std::uint8_t> item_image() {
  std::vector<std::uint8_t> rgba(16 * 16 * 4, 235);
  for (int y = 3; y < 9; ++y)
    for (int x = 5; x < 9; ++x)
      for (int c = 0; c < 3; ++c) rgba[std::size_t(y * 16 + x) * 4 + std::size_t(c)] = 20;
  return rgba;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> file(data, size);
  const vitopo::ModelCheck check = vitopo::check_model(file);
  try {
    vitopo::read_model_spec(file);
    FUZZ_EXPECT(check.ok(), "read_model_spec accepts a model check_model refuses");
  } catch (const vitopo::ModelContractError& e) {
    FUZZ_EXPECT(!check.ok() && e.problems() == check.problems, "read_model_spec and check_model disagree");
  }
  if (!check.ok()) return 0;

  const vitopo::ModelSpec& spec = check.spec;
  FUZZ_EXPECT(spec.input.channels == 1 || spec.input.channels == 3, "a passing model has 1 or 3 channels");
  FUZZ_EXPECT(spec.input.height > 0 && spec.input.width > 0, "a passing model's input has positive sides");
  FUZZ_EXPECT(spec.grid_rows > 0 && spec.grid_cols > 0, "a passing model's grid has positive sides");
  FUZZ_EXPECT(spec.prefix_tokens >= (spec.cls ? 1 : 0) && spec.prefix_tokens <= vitopo::max_model_prefix_tokens,
              "prefix tokens out of range (at least CLS, at most the limit)");
  FUZZ_EXPECT(std::int64_t(spec.tokens) == std::int64_t(spec.grid_rows) * spec.grid_cols + spec.prefix_tokens,
              "tokens is not grid rows × cols + prefix tokens");
  FUZZ_EXPECT(spec.tokens <= vitopo::max_model_tokens, "tokens over the limit");
  FUZZ_EXPECT(spec.layers >= 0 && spec.heads >= 0, "negative layers or heads");

  const std::int64_t values = std::int64_t(spec.input.channels) * spec.input.height * spec.input.width;
  if (values > max_fuzzed_input_values) return 0;
  const std::vector<std::uint8_t> rgba = item_image();
  vitopo::ModelImage image;
  try {
    image = vitopo::preprocess_image(rgba, 16, 16, spec.input);
  } catch (const vitopo::ImageError&) {
    return 0;
  }
  FUZZ_EXPECT(std::int64_t(image.pixels.size()) == values, "the pixels buffer is not C·H·W values");
  for (float v : image.pixels) FUZZ_EXPECT(std::isfinite(v), "preprocessing gave a non-finite pixel");
  return 0;
}
