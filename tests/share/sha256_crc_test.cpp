// The two checks a share link relies on: SHA-256 names the model file, CRC-32
// guards the record. Both against their standards' own examples and, in the
// native build, against OpenSSL and zlib on random messages of every length
// around the block boundaries.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "core/base64url.hpp"
#include "core/crc32.hpp"
#include "core/sha256.hpp"

#if VITOPO_SHARE_ORACLES
#include <openssl/evp.h>
#include <zlib.h>
#endif

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string sha256_hex(const std::string& s) { return vitopo::hex(vitopo::sha256(bytes_of(s))); }

std::vector<std::uint8_t> random_bytes(std::mt19937& random, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = std::uint8_t(random());
  return out;
}

}  // namespace

TEST_CASE("SHA-256 of FIPS 180-2's examples (appendix B) and of the empty message") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("CRC-32 check value of the CRC catalogue (CRC-32/ISO-HDLC on \"123456789\")") {
  CHECK(vitopo::crc32(bytes_of("123456789")) == 0xCBF43926u);
  CHECK(vitopo::crc32(bytes_of("")) == 0u);
}

TEST_CASE("base64url of RFC 4648's examples (section 10), without padding, and its two URL-safe digits") {
  const char* expected[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  const std::string foobar = "foobar";
  for (std::size_t n = 0; n <= foobar.size(); ++n) CHECK(vitopo::base64url(bytes_of(foobar.substr(0, n))) == expected[n]);
  const std::vector<std::uint8_t> high = {0xfb, 0xff, 0xbf};
  CHECK(vitopo::base64url(high) == "-_-_");
}

TEST_CASE("base64url text decodes back to its bytes, and says where it is not base64url") {
  std::mt19937 random(7);
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::vector<std::uint8_t> m = random_bytes(random, n);
    const vitopo::Base64urlDecoded decoded = vitopo::decode_base64url(vitopo::base64url(m));
    CAPTURE(n);
    CHECK(decoded.bytes == m);
    CHECK(!decoded.bad_character);
    CHECK(!decoded.dangling);
    CHECK(!decoded.stray_bits);
  }
  CHECK(vitopo::decode_base64url("Zm9vYmE").bytes == std::vector<std::uint8_t>{'f', 'o', 'o', 'b', 'a'});
  CHECK(vitopo::decode_base64url("Zm9v+mE").bad_character == 4u);  // base64's digit, not base64url's
  CHECK(vitopo::decode_base64url("Zm9v=").bad_character == 4u);    // no padding
  CHECK(vitopo::decode_base64url("Zm9vY").dangling);
  CHECK(vitopo::decode_base64url("Zm9vY").bytes.size() == 3);
  CHECK(vitopo::decode_base64url("Zh").stray_bits);  // "Zg" is "f"; h sets a bit beyond it
}

#if VITOPO_SHARE_ORACLES
TEST_CASE("SHA-256 and CRC-32 equal OpenSSL's and zlib's on every length from 0 to 300 bytes, and on the model") {
  std::mt19937 random(2024);
  auto openssl_sha256 = [](std::span<const std::uint8_t> m) {
    unsigned char digest[32];
    unsigned int size = 0;
    REQUIRE(EVP_Digest(m.data(), m.size(), digest, &size, EVP_sha256(), nullptr) == 1);
    return vitopo::hex(std::span<const std::uint8_t>(digest, size));
  };
  for (std::size_t n = 0; n <= 300; ++n) {
    const std::vector<std::uint8_t> m = random_bytes(random, n);
    CAPTURE(n);
    CHECK(vitopo::hex(vitopo::sha256(m)) == openssl_sha256(m));
    CHECK(vitopo::crc32(m) == ::crc32(0L, m.data(), uInt(m.size())));
  }
  std::ifstream in(std::string(VITOPO_SOURCE_DIR) + "/models/vitopo-fmnist.onnx", std::ios::binary);
  const std::vector<std::uint8_t> model{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(model.size() > 100000);
  CHECK(vitopo::hex(vitopo::sha256(model)) == openssl_sha256(model));
  CHECK(vitopo::crc32(model) == ::crc32(0L, model.data(), uInt(model.size())));
}
#endif
