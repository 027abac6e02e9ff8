// libFuzzer harness: the share-link decoder, version 1 (src/core/share_link.hpp).
//
// The inputs are share_link_fuzz.hpp's: a link's text, decoded against a
// 1 × 28 × 28 model of 4 layers of 4 heads (the default model's shape), or a
// record (first byte 0x01). Whatever decodes must encode again to a link that
// decodes to the same view, bit for bit.
#include <cstdint>
#include <string>
#include <string_view>

#include "share_link_fuzz.hpp"

namespace {

using share_link_fuzz::same_bits;
using vitopo::LoadedModel;
using vitopo::SharedView;

void expect_same(const SharedView& a, const SharedView& b) {
  share_link_fuzz::expect_same_model_settings_selection(a, b);
  FUZZ_EXPECT(a.image.channels == b.image.channels && a.image.height == b.image.height &&
                  a.image.width == b.image.width && a.image.pixels.size() == b.image.pixels.size(),
              "the image's size changed");
  FUZZ_EXPECT(same_bits(a.image.pixels.data(), b.image.pixels.data(), a.image.pixels.size() * sizeof(float)),
              "the pixels did not come back bit for bit");
}

void decode_and_reencode(std::string_view link, const LoadedModel& loaded) {
  SharedView view;
  try {
    view = vitopo::decode_share_link(link, loaded);
  } catch (const vitopo::ShareLinkError&) {
    return;
  }
  std::string again;
  try {
    again = vitopo::encode_share_link(view);
  } catch (const vitopo::ShareLinkError&) {
    FUZZ_EXPECT(false, "a decoded view cannot be encoded again");
  }
  expect_same(view, vitopo::decode_share_link(again, loaded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  share_link_fuzz::run(data, size, vitopo::share_link_version, LoadedModel{{}, 1, 28, 28, 4, 4}, LoadedModel{},
                       decode_and_reencode);
  return 0;
}
