// base64url (RFC 4648, section 5) without padding: the text of a share link.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vitopo {

std::string base64url(std::span<const std::uint8_t> bytes);

// What base64url text decodes to. A last group of one character holds less
// than a byte: it can only come from a cut, so it is dropped and flagged, and
// the caller's length check reports the truncation. The caller decides how
// to report each flaw.
struct Base64urlDecoded {
  std::vector<std::uint8_t> bytes;
  std::optional<std::size_t> bad_character;  // the first character outside the alphabet (then no bytes)
  bool dangling = false;                     // one character left over
  bool stray_bits = false;                   // the last character has bits beyond the data
};

Base64urlDecoded decode_base64url(std::string_view text);

}  // namespace vitopo
