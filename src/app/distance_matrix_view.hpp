// The selected head's distance matrix as a heatmap (shader), with a colour
// bar and a readout of the hovered entry.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_distance_matrix_view(AppState& state);

}  // namespace vitopo::app
