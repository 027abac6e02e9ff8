// The bottom line: the worker's progress with a cancel button while it runs,
// then the status or the error of the last action.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_status_view(AppState& state);

}  // namespace vitopo::app
