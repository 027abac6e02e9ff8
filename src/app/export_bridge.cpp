// The bridge functions the research export needs from the views
// (web/export.mjs): where each panel is on the canvas, and a frame drawn on
// request, so that the page can copy a panel's pixels right after it is drawn.
#include <SDL.h>
#include <emscripten/emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <nlohmann/json.hpp>

#include "reply.hpp"

namespace {

// The panels by the name the page API gives them, and their windows' names.
constexpr const char* panels[][2] = {
    {"image", "###Image"},        {"grid", "Layer × head"},         {"settings", "Settings"},
    {"skeleton", "Skeleton at ε"}, {"barcode", "Barcode"},           {"diagram", "Persistence diagram"},
    {"distance-matrix", "Distance matrix"}, {"status", "Status"},
};

}  // namespace

extern "C" {

// {"ok": true, "panels": {"image": [x, y, width, height], …}} in CSS pixels of
// the canvas, as last drawn; a panel not drawn yet is left out.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_panels() {
  return vitopo::reply::guarded([] {
    nlohmann::json out = nlohmann::json::object();
    if (ImGui::GetCurrentContext())
      for (const auto& [name, window_name] : panels)
        if (const ImGuiWindow* w = ImGui::FindWindowByName(window_name); w && w->WasActive)
          out[name] = {w->Pos.x, w->Pos.y, w->Size.x, w->Size.y};
    return vitopo::reply::ok({{"panels", out}});
  });
}

// Makes the next animation frame draw (the views idle otherwise): an event
// for SDL's queue, which the frame counts as input.
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_redraw() {
  SDL_Event event{};
  event.type = SDL_USEREVENT;
  SDL_PushEvent(&event);
}

}  // extern "C"
