// libFuzzer harness: the decoder of share links, version 2 (src/core/share_link.hpp).
//
// Two kinds of input, told apart by the first byte:
//   - a link's text ("#v2=…", a URL…): decoded against the model the link
//     names, with a 3 × 224 × 224 input and 2 layers of 2 heads, so that an
//     intact link gets past the model check;
//   - 0x02 (the record's version byte): a record without its CRC-32, sealed
//     by the harness with the right checksum and decoded as "#v2=" + its
//     base64url against a model whose input is the size the record declares,
//     so that mutations reach the checks behind the checksum.
// A ShareLinkError is the decoder's answer to a bad link. Whatever decodes
// must encode again to a link that decodes to the same view, bit for bit, and
// its codes (here all zero, then one too few) must dequantise or be refused
// with an inflate error: the page inflates them, this harness does not.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/share_link.hpp"
#include "fuzz_check.hpp"

namespace {

using vitopo::LoadedModel;
using vitopo::SharedViewV2;

bool same_bits(const void* a, const void* b, std::size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

void expect_same(const SharedViewV2& a, const SharedViewV2& b) {
  FUZZ_EXPECT(a.model.fingerprint == b.model.fingerprint && a.model.name == b.model.name, "the model changed");
  FUZZ_EXPECT(a.image.channels == b.image.channels && a.image.height == b.image.height && a.image.width == b.image.width,
              "the image's size changed");
  FUZZ_EXPECT(a.image.low.size() == b.image.low.size() && a.image.step.size() == b.image.step.size() &&
                  same_bits(a.image.low.data(), b.image.low.data(), a.image.low.size() * sizeof(float)) &&
                  same_bits(a.image.step.data(), b.image.step.data(), a.image.step.size() * sizeof(float)),
              "the quantisation did not come back bit for bit");
  FUZZ_EXPECT(a.deflated == b.deflated, "the deflated codes changed");
  const vitopo::AnalysisSettings &s = a.settings, &t = b.settings;
  FUZZ_EXPECT(s.metric == t.metric && s.columns == t.columns && s.drop_cls == t.drop_cls &&
                  s.seed_compatible == t.seed_compatible && s.maxdim == t.maxdim && s.modulus == t.modulus &&
                  same_bits(&s.threshold, &t.threshold, sizeof(double)) &&
                  same_bits(&s.long_bar_length, &t.long_bar_length, sizeof(double)),
              "the settings changed");
  FUZZ_EXPECT(a.selection.layer == b.selection.layer && a.selection.head == b.selection.head &&
                  same_bits(&a.selection.epsilon, &b.selection.epsilon, sizeof(double)) &&
                  a.selection.bar == b.selection.bar,
              "the selection changed");
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
  if (size > 0 && data[0] == vitopo::share_link_v2_version) {
    std::vector<std::uint8_t> record(data, data + size);
    const std::uint32_t crc = vitopo::crc32(record);
    for (int i = 0; i < 4; ++i) record.push_back(std::uint8_t(crc >> (8 * i)));
    LoadedModel loaded;
    loaded.layers = 2;
    loaded.heads = 2;
    std::memcpy(loaded.model.fingerprint.data(), data + 1, std::min<std::size_t>(size - 1, 16));
    const std::size_t at = size > 17 ? 18 + std::size_t(data[17]) : size;  // channels, height, width follow the name
    if (at + 5 <= size) {
      loaded.channels = data[at];
      loaded.height = data[at + 1] | data[at + 2] << 8;
      loaded.width = data[at + 3] | data[at + 4] << 8;
    }
    decode_and_reencode("#v2=" + vitopo::base64url(record), loaded);
    return 0;
  }
  const std::string_view link(reinterpret_cast<const char*>(data), size);
  LoadedModel loaded{{}, 3, 224, 224, 2, 2};
  try {
    loaded.model = vitopo::share_link_model(link);
  } catch (const vitopo::ShareLinkError&) {
  }
  decode_and_reencode(link, loaded);
  return 0;
}
