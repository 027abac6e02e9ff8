// libFuzzer harness: image preprocessing (src/core/preprocess.hpp) with
// fuzzed sizes, model input and pixels.
//
// The input, little-endian (tests/fuzz/seed_writer.cpp writes it):
//   u16 source width, u16 source height, u8 channels, u16 model height,
//   u16 model width, u8 background (0 dark, 1 light, 2 none, mod 3),
//   u8 content threshold × 255, u8 flags (bit 0: the pixels as they are, a
//   buffer of any size; else the pixels repeated to fill the image; bit 1:
//   normalisation), [u8 n, n × (f32 mean, f32 std)] when bit 1, the pixels.
// Sides reach 65535, past the documented limit of 16384. An ImageError is the
// expected answer to what preprocessing refuses. To keep each run cheap, a
// source above 2^18 pixels gets the bytes as they are (its size is refused
// before anything is allocated), and model inputs above 2^22 values are
// skipped (they are legitimately large; the size tests cover them).
//
// What comes out: exactly C·H·W values; without normalisation every value is
// in [0, 1]; with a finite mean and a std of at least 1/64 in size, every
// value is finite; the content box lies in the source and the placed box in
// the model's input.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/preprocess.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::int64_t max_fuzzed_source_pixels = std::int64_t(1) << 18;
constexpr std::int64_t max_fuzzed_input_values = std::int64_t(1) << 22;

bool inside(const vitopo::PixelBox& box, int width, int height) {
  return box.x >= 0 && box.y >= 0 && box.width >= 1 && box.height >= 1 && box.x + box.width <= width &&
         box.y + box.height <= height;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t at = 0;
  auto u8 = [&]() -> unsigned { return at < size ? data[at++] : 0; };
  auto u16 = [&] { const unsigned lo = u8(); return int(lo | u8() << 8); };
  auto f32 = [&] {
    std::uint8_t b[4] = {std::uint8_t(u8()), std::uint8_t(u8()), std::uint8_t(u8()), std::uint8_t(u8())};
    float x;
    std::memcpy(&x, b, 4);
    return x;
  };
  const int width = u16(), height = u16();
  vitopo::ImageInputSpec spec;
  spec.channels = int(u8());
  spec.height = u16();
  spec.width = u16();
  spec.background = static_cast<vitopo::Background>(u8() % 3);
  spec.content_threshold = float(u8()) / 255.f;
  const unsigned flags = u8();
  bool sane_normalisation = true;
  if (flags & 2) {
    const unsigned count = u8();
    for (unsigned c = 0; c < count && at < size; ++c) {
      spec.mean.push_back(f32());
      spec.std.push_back(f32());
      sane_normalisation &= std::isfinite(spec.mean.back()) && std::isfinite(spec.std.back()) &&
                            std::fabs(spec.std.back()) >= 1.f / 64 && std::fabs(spec.mean.back()) <= 1e6f;
    }
  }
  const bool exact_buffer = !(flags & 1);
  const std::vector<std::uint8_t> bytes(data + std::min(at, size), data + size);

  const std::int64_t pixels = std::int64_t(width) * height;
  if (std::int64_t(spec.channels) * spec.height * spec.width > max_fuzzed_input_values) return 0;
  std::vector<std::uint8_t> rgba = bytes;
  if (exact_buffer && width > 0 && height > 0 && pixels <= max_fuzzed_source_pixels) {
    rgba.assign(std::size_t(pixels) * 4, 0);
    for (std::size_t i = 0; !bytes.empty() && i < rgba.size(); ++i) rgba[i] = bytes[i % bytes.size()];
  }

  vitopo::ModelImage image;
  try {
    image = vitopo::preprocess_image(rgba, width, height, spec);
  } catch (const vitopo::ImageError&) {
    return 0;
  }
  const std::int64_t values = std::int64_t(spec.channels) * spec.height * spec.width;
  FUZZ_EXPECT(image.channels == spec.channels && image.height == spec.height && image.width == spec.width,
              "the model image's size is not the model's input");
  FUZZ_EXPECT(std::int64_t(image.pixels.size()) == values, "the pixels buffer is not C·H·W values");
  FUZZ_EXPECT(inside(image.content, width, height), "the content box is not inside the source image");
  FUZZ_EXPECT(inside(image.placed, spec.width, spec.height), "the placed box is not inside the model's input");
  const bool normalised = !spec.mean.empty();
  for (float v : image.pixels) {
    if (!normalised) FUZZ_EXPECT(v >= 0.f && v <= 1.f, "a pixel outside [0, 1] (or NaN) without normalisation");
    else if (sane_normalisation) FUZZ_EXPECT(std::isfinite(v), "a non-finite pixel after normalisation");
  }
  return 0;
}
