// The .npy reader accepts exactly little-endian float32/float64 C-order
// arrays and names what is wrong with anything else.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/attention.hpp"
#include "core/npy.hpp"

using namespace vitopo;

namespace {

// A .npy file as numpy writes it: magic, version 1.0, header padded to 64.
std::vector<std::uint8_t> npy_bytes(const std::string& dict, std::size_t data_bytes, int major = 1) {
  std::string header = dict;
  const std::size_t preamble = major == 1 ? 10 : 12;
  while ((preamble + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> bytes = {0x93, 'N', 'U', 'M', 'P', 'Y', std::uint8_t(major), 0};
  bytes.push_back(std::uint8_t(header.size() & 0xff));
  bytes.push_back(std::uint8_t(header.size() >> 8));
  if (major != 1) bytes.insert(bytes.end(), {0, 0});
  bytes.insert(bytes.end(), header.begin(), header.end());
  for (std::size_t i = 0; i < data_bytes; ++i) bytes.push_back(std::uint8_t(i * 7));
  return bytes;
}

NpyError::Kind kind_of(const std::vector<std::uint8_t>& bytes, std::string* message = nullptr) {
  try {
    parse_npy(bytes, "test.npy");
  } catch (const NpyError& e) {
    if (message) *message = e.what();
    return e.kind;
  }
  FAIL("no error");
  return NpyError::Kind::Io;
}

}  // namespace

TEST_CASE("a float32 C-order array reads back exactly, widened to double") {
  std::vector<std::uint8_t> bytes = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0);
  const float values[6] = {0.5f, 0.25f, 1e-30f, 3.0f, -2.0f, 0.1f};
  const auto* raw = reinterpret_cast<const std::uint8_t*>(values);
  bytes.insert(bytes.end(), raw, raw + sizeof values);
  const NpyArray array = parse_npy(bytes);
  CHECK(array.float32);
  CHECK(array.shape == std::vector<std::int64_t>{2, 3});
  REQUIRE(array.data.size() == 6);
  for (int i = 0; i < 6; ++i) CHECK(array.data[std::size_t(i)] == double(values[i]));
}

TEST_CASE("float64 arrays in format 2.0 read back exactly") {
  std::vector<std::uint8_t> bytes = npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 0, 2);
  const double values[3] = {0.1, 1.0 / 3, -7.5};
  const auto* raw = reinterpret_cast<const std::uint8_t*>(values);
  bytes.insert(bytes.end(), raw, raw + sizeof values);
  const NpyArray array = parse_npy(bytes);
  CHECK_FALSE(array.float32);
  CHECK(array.data == std::vector<double>(values, values + 3));
}

TEST_CASE("write_npy then read_npy round-trips a float64 matrix") {
  const std::string path = std::string(VITOPO_BINARY_DIR) + "/analysis_roundtrip.npy";
  const std::vector<double> values = {0, 0.125, 1e-300, 2, 3, 4};
  const std::int64_t shape[2] = {2, 3};
  write_npy(path, values, shape);
  const NpyArray array = read_npy(path);
  CHECK(array.shape == std::vector<std::int64_t>{2, 3});
  CHECK(array.data == values);
}

TEST_CASE("an unsupported dtype is named") {
  std::string message;
  CHECK(kind_of(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", 8), &message) ==
        NpyError::Kind::UnsupportedDtype);
  CHECK(message.find("'<i4'") != std::string::npos);
  CHECK(kind_of(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8)) ==
        NpyError::Kind::UnsupportedDtype);
  CHECK(kind_of(npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 4)) ==
        NpyError::Kind::UnsupportedDtype);
}

TEST_CASE("Fortran order is refused") {
  CHECK(kind_of(npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32)) ==
        NpyError::Kind::FortranOrder);
}

TEST_CASE("a truncated file is reported with the sizes") {
  std::string message;
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 23), &message) ==
        NpyError::Kind::Truncated);
  CHECK(message.find("needs 24 data bytes, the file holds 23") != std::string::npos);
  std::vector<std::uint8_t> cut = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24);
  cut.resize(40);  // inside the header
  CHECK(kind_of(cut) == NpyError::Kind::Truncated);
  cut.resize(8);  // inside the preamble
  CHECK(kind_of(cut) == NpyError::Kind::Truncated);
}

TEST_CASE("a header that lies about the size is refused") {
  std::string message;
  // 2×3 float32 is 24 bytes; the file holds 48.
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 48), &message) ==
        NpyError::Kind::SizeMismatch);
  CHECK(message.find("means 24 data bytes, but the file holds 48") != std::string::npos);
  // A shape whose size overflows 64 bits.
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 8)) ==
        NpyError::Kind::BadHeader);
}

TEST_CASE("not an npy file, or a malformed header") {
  CHECK(kind_of({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0}) == NpyError::Kind::NotNpy);
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'shape': (2,), }", 8)) == NpyError::Kind::BadHeader);
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8)) ==
        NpyError::Kind::BadHeader);
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }", 8)) ==
        NpyError::Kind::BadHeader);
}

TEST_CASE("attention files must have rank 4 or 5") {
  const std::string path = std::string(VITOPO_BINARY_DIR) + "/analysis_rank3.npy";
  const std::vector<double> values(8, 0.5);
  const std::int64_t shape[3] = {2, 2, 2};
  write_npy(path, values, shape);
  try {
    read_attention_npy(path);
    FAIL("no error");
  } catch (const NpyError& e) {
    CHECK(e.kind == NpyError::Kind::UnsupportedRank);
    CHECK(std::string(e.what()).find("rank 3") != std::string::npos);
  }
}

TEST_CASE("a missing file is an I/O error naming it") {
  try {
    read_npy("/nonexistent/attention.npy");
    FAIL("no error");
  } catch (const NpyError& e) {
    CHECK(e.kind == NpyError::Kind::Io);
    CHECK(std::string(e.what()).find("/nonexistent/attention.npy") != std::string::npos);
  }
}

TEST_CASE("a float64 array with a zero dimension reads as empty, and so does float32") {
  for (const char* descr : {"<f8", "<f4"}) {
    const NpyArray array =
        parse_npy(npy_bytes(std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (0, 3), }", 0));
    CAPTURE(descr);
    CHECK(array.shape == std::vector<std::int64_t>{0, 3});
    CHECK(array.data.empty());
  }
}

TEST_CASE("a directory is an I/O error that says so") {
  try {
    read_npy(VITOPO_BINARY_DIR);
    FAIL("no error");
  } catch (const NpyError& e) {
    CHECK(e.kind == NpyError::Kind::Io);
    CHECK(std::string(e.what()) == std::string(VITOPO_BINARY_DIR) + ": is a directory, not a file");
  }
}

TEST_CASE("the header's text is quoted in messages: control bytes escaped, its length bounded") {
  std::string message;
  CHECK(kind_of(npy_bytes("{'descr': '\x1b[2J<i4', 'fortran_order': False, 'shape': (2,), }", 8), &message) ==
        NpyError::Kind::UnsupportedDtype);
  CHECK(message.find("unsupported dtype '\\x1b[2J<i4'") != std::string::npos);
  const std::string long_key(3000, 'k');
  CHECK(kind_of(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), '" + long_key + "\x07': 1}", 8),
                &message) == NpyError::Kind::BadHeader);
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(message.find('\x07') == std::string::npos);
  CHECK(message.size() < 400);
}
