// libFuzzer harness: the share-link decoder (src/core/share_link.hpp).
//
// Two kinds of input, told apart by the first byte:
//   - a link's text ("#v1=…", a URL…): decoded against the model the link
//     names, a 1 × 28 × 28 input with 4 layers of 4 heads (the default model's
//     shape), so that an intact link gets past the model check;
//   - 0x01 (the record's version byte): a record without its CRC-32. The
//     harness seals it with the right checksum and decodes "#v1=" + its
//     base64url against a model whose input is the size the record declares,
//     so that mutations reach the checks behind the checksum, as a crafted
//     link does.
// A ShareLinkError is the decoder's answer to a bad link. Whatever decodes
// must encode again to a link that decodes to the same view, bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/share_link.hpp"
#include "fuzz_check.hpp"

namespace {

using vitopo::LoadedModel;
using vitopo::SharedView;

bool same_bits(const void* a, const void* b, std::size_t n) { return std::memcmp(a, b, n) == 0; }

void expect_same(const SharedView& a, const SharedView& b) {
  FUZZ_EXPECT(a.model.fingerprint == b.model.fingerprint && a.model.name == b.model.name, "the model changed");
  FUZZ_EXPECT(a.image.channels == b.image.channels && a.image.height == b.image.height &&
                  a.image.width == b.image.width && a.image.pixels.size() == b.image.pixels.size(),
              "the image's size changed");
  FUZZ_EXPECT(same_bits(a.image.pixels.data(), b.image.pixels.data(), a.image.pixels.size() * sizeof(float)),
              "the pixels did not come back bit for bit");
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
  if (size > 0 && data[0] == vitopo::share_link_version) {
    std::vector<std::uint8_t> record(data, data + size);
    const std::uint32_t crc = vitopo::crc32(record);
    for (int i = 0; i < 4; ++i) record.push_back(std::uint8_t(crc >> (8 * i)));
    LoadedModel loaded;
    std::memcpy(loaded.model.fingerprint.data(), data + 1, std::min<std::size_t>(size - 1, 16));
    // channels, height, width (little-endian) follow the name
    const std::size_t at = size > 17 ? 18 + std::size_t(data[17]) : size;
    if (at + 5 <= size) {
      loaded.channels = data[at];
      loaded.height = data[at + 1] | data[at + 2] << 8;
      loaded.width = data[at + 3] | data[at + 4] << 8;
    }
    decode_and_reencode("#v1=" + vitopo::base64url(record), loaded);
    return 0;
  }
  const std::string_view link(reinterpret_cast<const char*>(data), size);
  LoadedModel loaded{{}, 1, 28, 28, 4, 4};
  try {
    loaded.model = vitopo::share_link_model(link);
  } catch (const vitopo::ShareLinkError&) {
  }
  decode_and_reencode(link, loaded);
  return 0;
}
