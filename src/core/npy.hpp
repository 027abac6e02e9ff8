// NumPy .npy files (format versions 1.0, 2.0 and 3.0), read strictly.
//
// The reader accepts little-endian float32 ('<f4') and float64 ('<f8') arrays
// in C order and nothing else: every other file gets an NpyError whose kind
// says what is wrong and whose message says where. The format is specified in
// numpy/lib/format.py (NEP 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace vitopo {

struct NpyError : std::runtime_error {
  enum class Kind {
    Io,                // the file cannot be opened or read
    NotNpy,            // no "\x93NUMPY" magic, or an unknown format version
    BadHeader,         // the header dictionary cannot be parsed
    UnsupportedDtype,  // anything but <f4 / <f8 (big-endian, integers, ...)
    UnsupportedRank,   // a rank the caller does not accept
    FortranOrder,      // fortran_order: True
    Truncated,         // the file ends before the header or the data does
    SizeMismatch,      // more data bytes than the header's shape says
  };
  Kind kind;
  NpyError(Kind k, const std::string& message) : std::runtime_error(message), kind(k) {}
};

// An array of real numbers read from a .npy file, widened to double (exactly:
// every float32 is a double). `shape` is in C order.
struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<double> data;
  bool float32 = false;  // the file stored float32
};

// Parses the bytes of a .npy file. `what` names the source in messages.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& what = "npy data");
NpyArray read_npy(const std::string& path);

// The bytes of a little-endian C-order .npy file (format 1.0) of float64 or
// float32 values. The element count must be the shape's product
// (std::invalid_argument otherwise).
std::vector<std::uint8_t> npy_bytes(std::span<const double> data, std::span<const std::int64_t> shape);
std::vector<std::uint8_t> npy_bytes(std::span<const float> data, std::span<const std::int64_t> shape);

// Writes a little-endian float64 C-order .npy file (format 1.0).
void write_npy(const std::string& path, std::span<const double> data, std::span<const std::int64_t> shape);

}  // namespace vitopo
