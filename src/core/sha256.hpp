// SHA-256 (NIST FIPS 180-4, section 6.2): the digest that names a model file
// in a share link, so a link opens only with the exact ONNX bytes it was made
// with. Written from the standard; the tests check it against the standard's
// examples and, natively, against OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace vitopo {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::span<const std::uint8_t> message);

// Lower-case hexadecimal, two digits a byte.
std::string hex(std::span<const std::uint8_t> bytes);

}  // namespace vitopo
