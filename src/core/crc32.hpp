// CRC-32/ISO-HDLC (ITU-T V.42; the CRC of zlib, gzip and PNG): reflected
// polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF. A share
// link's record ends in it. The tests check it against the CRC catalogue's
// check value and, natively, against zlib.
#pragma once

#include <cstdint>
#include <span>

namespace vitopo {

std::uint32_t crc32(std::span<const std::uint8_t> bytes);

}  // namespace vitopo
