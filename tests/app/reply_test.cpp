// The modules' reply kit (src/app/reply.hpp): every answer to JS is valid
// JSON, whatever bytes the message carries, and no exception escapes.
#include <doctest/doctest.h>

#include <new>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app/reply.hpp"

using nlohmann::json;

TEST_CASE("a reply survives invalid UTF-8 in its message") {
  const std::string bad = std::string("model \xff\xfe name \xc3");
  const json reply = json::parse(vitopo::reply::failure(bad));
  CHECK(reply["ok"] == false);
  const std::string error = reply["error"].get<std::string>();
  CHECK(error.rfind("model ", 0) == 0);
  CHECK(error.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD for each bad byte
}

TEST_CASE("guarded turns every exception into a reply, with the share link's kind or memory") {
  const json link = json::parse(vitopo::reply::guarded([]() -> const char* {
    throw vitopo::ShareLinkError(vitopo::ShareLinkError::Kind::checksum, "the link's checksum does not match");
  }));
  CHECK(link["ok"] == false);
  CHECK(link["kind"] == "checksum");
  CHECK(link["error"] == "the link's checksum does not match");

  const json memory = json::parse(vitopo::reply::guarded([]() -> const char* { throw std::bad_alloc(); }));
  CHECK(memory["kind"] == "memory");
  CHECK(memory["error"].get<std::string>().find("not enough memory") != std::string::npos);

  const json other = json::parse(vitopo::reply::guarded([]() -> const char* { throw std::out_of_range("no layer 9"); }));
  CHECK(other["error"] == "no layer 9");
  CHECK(!other.contains("kind"));

  const json fine = json::parse(vitopo::reply::guarded([] { return vitopo::reply::ok({{"link", "#v1=AA"}}); }));
  CHECK(fine["ok"] == true);
  CHECK(fine["link"] == "#v1=AA");
}
