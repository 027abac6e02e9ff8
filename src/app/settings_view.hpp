// How the analysis runs: metric, distribution options (seed-compatible mode
// included), maxdim with H2 opt-in, threshold. A change raises a Reanalyse
// intent; the worker runs and the views follow when its analysis lands.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_settings_view(AppState& state);

}  // namespace vitopo::app
