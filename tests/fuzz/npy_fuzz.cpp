// libFuzzer harness: the .npy reader (src/core/npy.hpp) on any bytes.
// An NpyError is the reader's answer to bad input; anything else that escapes,
// and any sanitizer report, is a finding. An array that is read must hold
// exactly the elements its shape says.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/npy.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vitopo::NpyArray array;
  try {
    array = vitopo::parse_npy(std::span<const std::uint8_t>(data, size), "fuzzed.npy");
  } catch (const vitopo::NpyError&) {
    return 0;
  }
  // The elements the shape declares, in 128 bits' worth of care: a shape that
  // overflows 64 bits must have been refused.
  long double elements = 1;
  for (std::int64_t d : array.shape) {
    FUZZ_EXPECT(d >= 0, "a read array has a negative dimension");
    elements *= static_cast<long double>(d);
  }
  FUZZ_EXPECT(elements == static_cast<long double>(array.data.size()),
              "the data do not hold the number of elements the shape declares");
  // Every element came from the file's bytes: 4 or 8 of them each.
  FUZZ_EXPECT(array.data.size() * (array.float32 ? 4 : 8) <= size, "more elements than the file has bytes for");
  return 0;
}
