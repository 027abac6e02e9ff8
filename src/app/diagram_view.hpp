// The persistence diagram of the selected head: (birth, death) points over
// the diagonal, essential classes on a top "∞" line, guides at ε; hover and
// click like the barcode.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_diagram_view(AppState& state);

}  // namespace vitopo::app
