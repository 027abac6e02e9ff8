// The barcode of the selected head: H0 and H1 bars (H2 when computed), the
// line at ε, birth and death on hover, and a click selects a bar.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_barcode_view(AppState& state);

}  // namespace vitopo::app
