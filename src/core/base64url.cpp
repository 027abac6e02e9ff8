#include "core/base64url.hpp"

namespace vitopo {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string base64url(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = std::uint32_t(bytes[i]) << 16 | std::uint32_t(bytes[i + 1]) << 8 | bytes[i + 2];
    for (int k = 3; k >= 0; --k) out.push_back(alphabet[(v >> (6 * k)) & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t(bytes[i]) << 4;
    out.push_back(alphabet[v >> 6]);
    out.push_back(alphabet[v & 63]);
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t(bytes[i]) << 8 | bytes[i + 1]) << 2;
    out.push_back(alphabet[v >> 12]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  return out;
}

Base64urlDecoded decode_base64url(std::string_view text) {
  Base64urlDecoded out;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (value_of(text[i]) < 0) {
      out.bad_character = i;
      return out;
    }
  std::size_t usable = text.size();
  if (usable % 4 == 1) {
    out.dangling = true;
    --usable;
  }
  out.bytes.reserve(usable / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < usable; ++i) {
    buffer = (buffer << 6) | std::uint32_t(value_of(text[i]));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.bytes.push_back(std::uint8_t(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  out.stray_bits = buffer != 0;
  return out;
}

}  // namespace vitopo
