// A synthetic state for developing the views without the page's model and
// worker: started only by passing "--demo" to the module (never by the
// shipped page), and labelled as synthetic everywhere it shows.
#pragma once

#include "app_state.hpp"

namespace vitopo::app {

void load_developer_demo(AppState& state);

// Plays the bridge's part for the demo: a Reanalyse intent reruns the
// analysis here; the other intents are dropped.
void serve_developer_demo_intents(AppState& state);

}  // namespace vitopo::app
