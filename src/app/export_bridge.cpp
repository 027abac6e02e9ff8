// The bridge function the research export needs from the views
// (web/export.mjs): a frame drawn on request, so that the page can copy a
// panel's pixels (where it is: vitopo_bridge_panels) right after it is drawn.
#include <SDL.h>
#include <emscripten/emscripten.h>

extern "C" {

// Makes the next animation frame draw (the views idle otherwise): an event
// for SDL's queue, which the frame counts as input.
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_redraw() {
  SDL_Event event{};
  event.type = SDL_USEREVENT;
  SDL_PushEvent(&event);
}

}  // extern "C"
