// The core's small readers and writers of text: is_prime, the number parser
// of every command-line option, and the quoting of untrusted text in messages.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/numbers.hpp"
#include "core/quote.hpp"

using namespace vitopo;

TEST_CASE("is_prime agrees with the sieve of Eratosthenes up to 10000, and at the largest int") {
  std::vector<bool> composite(10001, false);
  for (int p = 2; p * p <= 10000; ++p)
    if (!composite[std::size_t(p)])
      for (int q = p * p; q <= 10000; q += p) composite[std::size_t(q)] = true;
  for (int n = -3; n <= 10000; ++n) {
    CAPTURE(n);
    CHECK(is_prime(n) == (n >= 2 && !composite[std::size_t(n)]));
  }
  CHECK(is_prime(2147483647));  // 2^31 - 1, a Mersenne prime: d * d would overflow
  CHECK_FALSE(is_prime(2147483646));
}

TEST_CASE("parse_int and parse_real read the whole text or nothing") {
  CHECK(parse_int("12") == 12);
  CHECK(parse_int("-3") == -3);
  CHECK(parse_int("2147483647") == 2147483647);
  for (const char* bad : {"", "x", "1x", "1.5", "1e3", "2147483648", "-2147483649", "99999999999999999999"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_int(bad));
  }
  CHECK(parse_real("0.5") == 0.5);
  CHECK(parse_real("-1e-3") == -1e-3);
  CHECK(parse_real("inf") == INFINITY);
  for (const char* bad : {"", "x", "0.5x", "1e400", "1,5"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_real(bad));
  }
}

TEST_CASE("quote escapes every byte that is not printable ASCII, and bounds the length") {
  CHECK(quote("abc") == "'abc'");
  CHECK(quote("") == "''");
  CHECK(quote("\x1b[31mred") == "'\\x1b[31mred'");
  CHECK(quote("caf\xc3\xa9\x7f") == "'caf\\xc3\\xa9\\x7f'");
  CHECK(quote(std::string("a\0b", 3)) == "'a\\x00b'");
  CHECK(quote("it's a\\b") == "'it's a\\x5cb'");
  CHECK(quote(std::string(50, 'a')) == "'" + std::string(40, 'a') + "'…");
  CHECK(quote(std::string(50, 'a'), 3) == "'aaa'…");
  CHECK(quote(std::string(40, 'a')) == "'" + std::string(40, 'a') + "'");
}

TEST_CASE("cut_at_character never cuts a UTF-8 character in two") {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82";  // a, é (2 bytes), € (3), 🙂 (4)
  const std::vector<std::size_t> whole_up_to = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10};  // by limit 0 … 11
  for (std::size_t limit = 0; limit < whole_up_to.size(); ++limit) {
    CAPTURE(limit);
    CHECK(cut_at_character(text, limit) == std::string_view(text).substr(0, whole_up_to[limit]));
  }
  CHECK(cut_at_character("", 0).empty());
}
