// A synthetic state for developing the views without the page's model and
// worker: started only by passing "--demo" to the module (never by the
// shipped page), and labelled as synthetic everywhere it shows.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

// large: a ViT-B-sized tensor (12 layers × 12 heads, 14 × 14 patches of 16
// pixels + CLS = 197 tokens) instead of the default model's 4 × 4 × 50.
void load_developer_demo(AppState& state, bool large = false);

// Plays the bridge's part for the demo: a Reanalyse intent reruns the
// analysis here; the other intents are dropped.
void serve_developer_demo_intents(AppState& state);

}  // namespace vitopo::app
