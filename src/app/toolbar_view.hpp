// The top line: the product's name, the model, the image, and the actions
// that only the page can perform (open a file, samples, export, share link).
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_toolbar_view(AppState& state);

}  // namespace vitopo::app
