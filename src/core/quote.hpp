// Text from a file or a link, quoted for a message: it may hold anything,
// terminal escape sequences included, and any length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vitopo {

// 'text' between single quotes, each byte that is not printable ASCII (and
// the backslash) written as \xNN; past `limit` bytes of the text, cut with
// "…" after the closing quote.
std::string quote(std::string_view text, std::size_t limit = 40);

// At most `limit` bytes of UTF-8 `text`, cut at a character boundary.
std::string_view cut_at_character(std::string_view text, std::size_t limit);

}  // namespace vitopo
