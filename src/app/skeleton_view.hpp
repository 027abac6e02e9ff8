// The 1-skeleton of the Rips complex at ε: tokens laid out on the patch
// grid, by MDS or by the force layout (core), edges with d <= ε coloured by
// component, the ε slider and a play button that sweeps ε.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_skeleton_view(AppState& state);

}  // namespace vitopo::app
