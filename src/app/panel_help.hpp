// The plain explanation behind each panel's "?": what it shows and how to
// read it, for a student meeting topology for the first time.
#pragma once

#include <string_view>

namespace vitopo::app {

// The help of a panel id ("image", "barcode", ...), or empty for none.
std::string_view panel_help(std::string_view id);

}  // namespace vitopo::app
