// One cell per (layer, head), coloured by a summary of its diagram; a click
// selects the head.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_head_grid_view(AppState& state);

}  // namespace vitopo::app
