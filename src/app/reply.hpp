// How a wasm module's C functions answer JS: a JSON reply, {"ok": true, ...}
// or {"ok": false, "error": "<message>"} (plus the error's `kind` where it
// has one), in a buffer that stays valid until the module's next reply. No
// C++ exception crosses into JS, and text from outside (a link's model name,
// a file name) cannot make the reply itself fail: invalid UTF-8 is replaced.
#pragma once

#include <nlohmann/json.hpp>

#include <exception>
#include <new>
#include <string>

#include "core/share_link.hpp"

namespace vitopo::reply {

inline std::string& buffer() {
  static std::string text;
  return text;
}

inline const char* send(const nlohmann::json& body) {
  buffer() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return buffer().c_str();
}

// A reply whose body is already JSON text (e.g. a large list built by hand).
inline const char* send_text(std::string text) {
  buffer() = std::move(text);
  return buffer().c_str();
}

inline const char* ok(nlohmann::json body = nlohmann::json::object()) {
  body["ok"] = true;
  return send(body);
}

inline const char* failure(const std::string& message, nlohmann::json extra = nlohmann::json::object()) {
  extra["ok"] = false;
  extra["error"] = message;
  return send(extra);
}

// Runs `body` (which returns a reply) and turns any exception into a failure.
template <typename Body>
const char* guarded(Body&& body) {
  try {
    return body();
  } catch (const vitopo::ShareLinkError& e) {
    return failure(e.what(), {{"kind", vitopo::share_link_error_name(e.kind())}});
  } catch (const std::bad_alloc&) {
    return failure("there is not enough memory for this in the browser's tab", {{"kind", "memory"}});
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

inline std::string text_or_empty(const char* s) { return s ? std::string(s) : std::string(); }

}  // namespace vitopo::reply
