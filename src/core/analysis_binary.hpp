// The analysis in binary: how the page's analysis worker hands its whole
// result to the views in one transferable buffer, decoded once. Unlike the
// analysis JSON it carries every bar's birth and death simplices, and every
// double bit for bit (+∞ included), so decode_analysis(encode_analysis(a))
// equals a exactly.
//
// The record, version 1. Integers are unsigned and little-endian (u8, u16,
// u32); an f64 is the IEEE-754 binary64 bit pattern, little-endian.
//   size   field
//   4      magic "VTPA"
//   4      u32 format version, 1
//   Settings:
//   1      u8 n, the length of the metric's name (1 to 32)
//   n      the metric's name as metric_name() spells it ("js", "hellinger", …)
//   1      flags: bit 0 columns, bit 1 drop CLS, bit 2 seed-compatible; the other bits 0
//   4      u32 maxdim (0 to 254)
//   4      u32 modulus (a prime, 2 to 251)
//   8      f64 threshold (non-negative; +∞ means the enclosing radius)
//   8      f64 long bar length (finite, non-negative)
//   Shape of the attention tensor:
//   4,4,4  u32 layers, heads, tokens (each at most 2^31 − 1)
//   4      u32 the number of analysed heads; then each head, in increasing
//          (layer, head) order, each pair at most once:
//     4,4    u32 layer, head (inside the shape)
//     8      f64 the threshold the engine used
//     maxdim + 1 barcodes, for dimension d = 0, 1, …, maxdim:
//       4      u32 the number of bars; then each bar:
//         8,8    f64 birth (finite, non-negative), death (not below birth; +∞ essential)
//         2      u16 b, the birth simplex's vertex count: d + 1
//         2      u16 k, the death simplex's vertex count: d + 2, or 0 for an essential bar
//         4b     u32 the birth simplex's vertices, then
//         4k     u32 the death simplex's vertices, each below `tokens`, in the engine's order
//     maxdim + 1 summaries, for dimension d = 0, 1, …, maxdim:
//       4,4    u32 bars, essential
//       8×5    f64 total persistence of order 1, of order 2, entropy, longest
//              finite bar, long bar length
//       4      u32 long bars
// Nothing follows the last head. A vertex is a u32 because a vertex index is
// below `tokens`, at most 2^31 − 1.
//
// Decoding is strict: anything malformed is an AnalysisBinaryError whose
// message says what is wrong and at which byte. A count is checked against
// the bytes that remain before anything is allocated for it, and all size
// arithmetic is 64-bit, also in wasm32.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/analysis.hpp"

namespace vitopo {

inline constexpr std::uint32_t analysis_binary_version = 1;

struct AnalysisBinaryError : std::runtime_error {
  // The byte at which decoding found the problem; 0 for an encoding error.
  std::uint64_t offset = 0;
  AnalysisBinaryError(const std::string& message, std::uint64_t at) : std::runtime_error(message), offset(at) {}
};

// Throws AnalysisBinaryError (naming the head, dimension and bar) for an
// analysis the record cannot hold or that decode_analysis() would refuse:
// settings out of range, a head outside the shape or out of order, a barcode
// or summary count other than maxdim + 1, a bar without its simplices (an
// analysis read from JSON has none).
std::vector<std::uint8_t> encode_analysis(const Analysis& analysis);

// Throws AnalysisBinaryError for anything that is not such a record.
Analysis decode_analysis(std::span<const std::uint8_t> bytes);

}  // namespace vitopo
