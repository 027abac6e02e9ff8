// libFuzzer harness: the share-link decoder, version 2 (src/core/share_link.hpp).
//
// The inputs are share_link_fuzz.hpp's: a link's text, decoded against a
// 3 × 224 × 224 model of 2 layers of 2 heads, or a record (first byte 0x02).
// Whatever decodes must encode again to a link that decodes to the same view,
// bit for bit, and its codes (here all zero, then one too few) must dequantise
// or be refused with an inflate error: the page inflates them, this harness
// does not.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "share_link_fuzz.hpp"

namespace {

using share_link_fuzz::same_bits;
using vitopo::LoadedModel;
using vitopo::SharedViewV2;

void expect_same(const SharedViewV2& a, const SharedViewV2& b) {
  share_link_fuzz::expect_same_model_settings_selection(a, b);
  FUZZ_EXPECT(a.image.channels == b.image.channels && a.image.height == b.image.height && a.image.width == b.image.width,
              "the image's size changed");
  FUZZ_EXPECT(a.image.low.size() == b.image.low.size() && a.image.step.size() == b.image.step.size() &&
                  same_bits(a.image.low.data(), b.image.low.data(), a.image.low.size() * sizeof(float)) &&
                  same_bits(a.image.step.data(), b.image.step.data(), a.image.step.size() * sizeof(float)),
              "the quantisation did not come back bit for bit");
  FUZZ_EXPECT(a.deflated == b.deflated, "the deflated codes changed");
}

void decode_and_reencode(std::string_view link, const LoadedModel& loaded) {
  SharedViewV2 view;
  try {
    view = vitopo::decode_share_link_v2(link, loaded);
  } catch (const vitopo::ShareLinkError&) {
    return;
  }
  std::string again;
  try {
    again = vitopo::encode_share_link_v2(view);
  } catch (const vitopo::ShareLinkError&) {
    FUZZ_EXPECT(false, "a decoded view cannot be encoded again");
  }
  expect_same(view, vitopo::decode_share_link_v2(again, loaded));
  const std::size_t count =
      std::size_t(view.image.channels) * std::size_t(view.image.height) * std::size_t(view.image.width);
  std::vector<std::uint8_t> codes(count, 0);
  const vitopo::ModelInput input = vitopo::inflated_share_link_input(view, codes);
  FUZZ_EXPECT(input.pixels.size() == count, "the codes did not dequantise to C × H × W values");
  codes.pop_back();
  try {
    vitopo::inflated_share_link_input(view, codes);
    FUZZ_EXPECT(false, "one code too few was accepted");
  } catch (const vitopo::ShareLinkError& e) {
    FUZZ_EXPECT(e.kind() == vitopo::ShareLinkError::Kind::inflate, "one code too few is not an inflate error");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  share_link_fuzz::run(data, size, vitopo::share_link_v2_version, LoadedModel{{}, 3, 224, 224, 2, 2},
                       LoadedModel{{}, 0, 0, 0, 2, 2}, decode_and_reencode);
  return 0;
}
