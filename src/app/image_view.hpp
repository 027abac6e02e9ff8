// The image at model resolution with its patch grid, the skeleton at ε laid
// over it (edges between patch centres, components coloured), the attention
// of the hovered patch as a heatmap, and the model's prediction.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void show_image_view(AppState& state);

}  // namespace vitopo::app
