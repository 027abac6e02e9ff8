#include "panels.hpp"

namespace vitopo::app {

namespace {
std::vector<PanelPlace> places;
}

void place_next_panel(const char* id, const std::string& title, ImVec2 position, ImVec2 size) {
  ImGui::SetNextWindowPos(position, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
  places.push_back({id, title, position, size});
}

const std::vector<PanelPlace>& placed_panels() { return places; }

void forget_placed_panels() { places.clear(); }

}  // namespace vitopo::app
