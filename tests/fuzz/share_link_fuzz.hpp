// What the two share-link harnesses (versions 1 and 2) share.
//
// Two kinds of input, told apart by the first byte:
//   - a link's text ("#v1=…", "#v2=…", a URL…): decoded against the model the
//     link names, with the input shape the harness gives, so that an intact
//     link gets past the model check;
//   - the record's version byte: a record without its CRC-32. It is sealed
//     with the right checksum and decoded as the version's prefix + its
//     base64url, against a model whose input is the size the record declares,
//     so that mutations reach the checks behind the checksum, as a crafted
//     link does.
// A ShareLinkError is the decoder's answer to a bad link; each harness checks
// that whatever decodes encodes again to the same view, bit for bit.
#pragma once

#include <algorithm>
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

namespace share_link_fuzz {

inline bool same_bits(const void* a, const void* b, std::size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

// The fields every version's view has: the model, the settings, the selection.
template <class View>
void expect_same_model_settings_selection(const View& a, const View& b) {
  FUZZ_EXPECT(a.model.fingerprint == b.model.fingerprint && a.model.name == b.model.name, "the model changed");
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

// One input, as above: `check(link, loaded)` decodes and checks the link.
// `for_text`: the model a link's text is decoded against, but for its
// identity; `for_record`: a record's, but for its identity and input shape.
template <class Check>
void run(const std::uint8_t* data, std::size_t size, unsigned version, vitopo::LoadedModel for_text,
         vitopo::LoadedModel for_record, Check check) {
  if (size > 0 && data[0] == version) {
    std::vector<std::uint8_t> record(data, data + size);
    const std::uint32_t crc = vitopo::crc32(record);
    for (int i = 0; i < 4; ++i) record.push_back(std::uint8_t(crc >> (8 * i)));
    vitopo::LoadedModel& loaded = for_record;
    std::memcpy(loaded.model.fingerprint.data(), data + 1, std::min<std::size_t>(size - 1, 16));
    const std::size_t at = size > 17 ? 18 + std::size_t(data[17]) : size;  // channels, height, width follow the name
    if (at + 5 <= size) {
      loaded.channels = data[at];
      loaded.height = data[at + 1] | data[at + 2] << 8;
      loaded.width = data[at + 3] | data[at + 4] << 8;
    }
    check("#v" + std::to_string(version) + "=" + vitopo::base64url(record), loaded);
    return;
  }
  const std::string_view link(reinterpret_cast<const char*>(data), size);
  try {
    for_text.model = vitopo::share_link_model(link);
  } catch (const vitopo::ShareLinkError&) {
  }
  check(link, for_text);
}

}  // namespace share_link_fuzz
