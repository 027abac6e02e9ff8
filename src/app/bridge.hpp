// The one application state of the page, filled by the bridge (bridge.cpp)
// and read by main.cpp's frame.
#pragma once

#include "app/state/app_state.hpp"

namespace vitopo::app {

AppState& app_state();

}  // namespace vitopo::app
