#include "core/npy.hpp"

#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/quote.hpp"
#include "core/whole_file.hpp"

namespace vitopo {
namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

// The header is a Python dict literal written by numpy, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (12, 12, 197, 197), }
// We read exactly the three keys numpy writes and reject anything else.
struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& what) : text_(text), what_(what) {}

  Header parse() {
    Header header;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = quoted();
      expect(':');
      skip_space();
      if (key == "descr") {
        header.descr = quoted();
        seen_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape") {
        header.shape = tuple();
        seen_shape = true;
      } else {
        fail("unexpected key " + quote(key));
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("expected ',' or '}'");
    }
    if (!seen_descr || !seen_order || !seen_shape)
      fail(std::string("missing key '") + (!seen_descr ? "descr" : !seen_order ? "fortran_order" : "shape") + "'");
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw NpyError(NpyError::Kind::BadHeader,
                   what_ + ": bad .npy header at character " + std::to_string(pos_) + ": " + why + " in " +
                       quote(text_, 120));
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string quoted() {
    skip_space();
    char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string value = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return value;
  }
  bool boolean() {
    if (text_.compare(pos_, 4, "True") == 0) return pos_ += 4, true;
    if (text_.compare(pos_, 5, "False") == 0) return pos_ += 5, false;
    fail("expected True or False");
  }
  std::vector<std::int64_t> tuple() {
    expect('(');
    std::vector<std::int64_t> values;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a non-negative integer");
      std::int64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (value > (std::int64_t(1) << 50)) fail("dimension too large");
        value = value * 10 + (text_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs
      values.push_back(value);
      skip_space();
      if (peek() == ',') ++pos_;
    }
    ++pos_;
    return values;
  }

  const std::string& text_;
  const std::string& what_;
  std::size_t pos_ = 0;
};

}  // namespace

NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& what) {
  static const std::uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10) {
    if (bytes.size() >= 6 && std::memcmp(bytes.data(), magic, 6) == 0)
      throw NpyError(NpyError::Kind::Truncated, what + ": truncated .npy file: " + std::to_string(bytes.size()) +
                                                    " bytes, the preamble alone takes 10");
    throw NpyError(NpyError::Kind::NotNpy, what + ": not a .npy file (" + std::to_string(bytes.size()) + " bytes)");
  }
  if (std::memcmp(bytes.data(), magic, 6) != 0)
    throw NpyError(NpyError::Kind::NotNpy, what + ": not a .npy file (no \\x93NUMPY magic)");
  const int major = bytes[6];
  std::size_t header_length = 0, header_start = 0;
  if (major == 1) {
    header_length = std::size_t(bytes[8]) | std::size_t(bytes[9]) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      throw NpyError(NpyError::Kind::Truncated, what + ": truncated .npy file: the preamble takes 12 bytes");
    header_length = std::size_t(bytes[8]) | std::size_t(bytes[9]) << 8 | std::size_t(bytes[10]) << 16 |
                    std::size_t(bytes[11]) << 24;
    header_start = 12;
  } else {
    throw NpyError(NpyError::Kind::NotNpy, what + ": unsupported .npy format version " + std::to_string(major) + "." +
                                               std::to_string(int(bytes[7])));
  }
  if (header_start + header_length > bytes.size())
    throw NpyError(NpyError::Kind::Truncated,
                   what + ": truncated .npy file: the header says it is " + std::to_string(header_length) +
                       " bytes long but the file ends after " + std::to_string(bytes.size() - header_start));
  const std::string text(reinterpret_cast<const char*>(bytes.data() + header_start), header_length);
  const Header header = HeaderParser(text, what).parse();

  std::size_t item_size = 0;
  if (header.descr == "<f4")
    item_size = 4;
  else if (header.descr == "<f8")
    item_size = 8;
  else
    throw NpyError(NpyError::Kind::UnsupportedDtype,
                   what + ": unsupported dtype " + quote(header.descr) +
                       ": vitopo reads little-endian float32 ('<f4') or float64 ('<f8')");
  if (header.fortran_order)
    throw NpyError(NpyError::Kind::FortranOrder,
                   what + ": the array is in Fortran order; save it in C order (numpy.ascontiguousarray)");

  // In 64 bits whatever size_t is (wasm32), so a lying shape cannot wrap.
  std::uint64_t count = 1;
  for (std::int64_t dimension : header.shape)
    if (__builtin_mul_overflow(count, std::uint64_t(dimension), &count) || count > (std::uint64_t(1) << 50))
      throw NpyError(NpyError::Kind::BadHeader, what + ": shape " + shape_text(header.shape) + " is too large");
  const std::uint64_t expected = count * item_size;
  const std::uint64_t available = bytes.size() - header_start - header_length;
  if (available < expected)
    throw NpyError(NpyError::Kind::Truncated, what + ": truncated .npy file: shape " + shape_text(header.shape) +
                                                  " of " + header.descr + " needs " + std::to_string(expected) +
                                                  " data bytes, the file holds " + std::to_string(available));
  if (available > expected)
    throw NpyError(NpyError::Kind::SizeMismatch,
                   what + ": the header's shape " + shape_text(header.shape) + " of " + header.descr + " means " +
                       std::to_string(expected) + " data bytes, but the file holds " + std::to_string(available));

  NpyArray array;
  array.shape = header.shape;
  array.float32 = item_size == 4;
  array.data.resize(std::size_t(count));
  const std::uint8_t* data = bytes.data() + header_start + header_length;
  // The format is little-endian and so is every machine vitopo runs on
  // (x86-64, wasm32); memcpy is the portable unaligned load.
  static_assert(std::endian::native == std::endian::little);
  if (item_size == 4) {
    for (std::size_t i = 0; i < array.data.size(); ++i) {
      float value;
      std::memcpy(&value, data + 4 * i, 4);
      array.data[i] = value;
    }
  } else if (!array.data.empty()) {  // an empty vector's data() may be null, even for 0 bytes
    std::memcpy(array.data.data(), data, 8 * array.data.size());
  }
  return array;
}

NpyArray read_npy(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_whole_file(path);
  } catch (const FileError& e) {
    throw NpyError(NpyError::Kind::Io, e.what());
  }
  return parse_npy(bytes, path);
}

namespace {

template <typename Value>
std::vector<std::uint8_t> npy_bytes_of(std::span<const Value> data, std::span<const std::int64_t> shape, const char* descr) {
  std::uint64_t count = 1;
  for (const std::int64_t axis : shape) {
    if (axis < 0) throw std::invalid_argument("a .npy shape cannot have a negative axis");
    count *= std::uint64_t(axis);
  }
  if (count != data.size())
    throw std::invalid_argument("a .npy file of shape " + shape_text({shape.begin(), shape.end()}) + " holds " +
                                std::to_string(count) + " values, not " + std::to_string(data.size()));
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': ";
  header += shape_text({shape.begin(), shape.end()}) + ", }";
  // Pad with spaces so the data starts at a multiple of 64 bytes, ending in '\n'.
  const std::size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  const std::uint8_t preamble[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, std::uint8_t(header.size() & 0xff),
                                     std::uint8_t(header.size() >> 8)};
  std::vector<std::uint8_t> bytes(sizeof preamble + header.size() + data.size() * sizeof(Value));
  std::memcpy(bytes.data(), preamble, sizeof preamble);
  std::memcpy(bytes.data() + sizeof preamble, header.data(), header.size());
  if (!data.empty()) std::memcpy(bytes.data() + sizeof preamble + header.size(), data.data(), data.size() * sizeof(Value));
  return bytes;
}

}  // namespace

std::vector<std::uint8_t> npy_bytes(std::span<const double> data, std::span<const std::int64_t> shape) {
  return npy_bytes_of(data, shape, "<f8");
}

std::vector<std::uint8_t> npy_bytes(std::span<const float> data, std::span<const std::int64_t> shape) {
  return npy_bytes_of(data, shape, "<f4");
}

void write_npy(const std::string& path, std::span<const double> data, std::span<const std::int64_t> shape) {
  const std::vector<std::uint8_t> bytes = npy_bytes(data, shape);
  std::ofstream file(path, std::ios::binary);
  if (!file) throw NpyError(NpyError::Kind::Io, path + ": cannot create the file");
  file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!file) throw NpyError(NpyError::Kind::Io, path + ": write error");
}

}  // namespace vitopo
