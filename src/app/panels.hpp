// The page's fixed arrangement: every view is a window placed by main.cpp
// from the canvas size each frame (ImGui 1.86 has no docking).
#pragma once

#include <imgui.h>

namespace vitopo::app {

inline constexpr ImGuiWindowFlags panel_flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                                ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                                ImGuiWindowFlags_NoBringToFrontOnFocus;

// Where main.cpp puts the next panel.
inline void place_next_panel(ImVec2 position, ImVec2 size) {
  ImGui::SetNextWindowPos(position, ImGuiCond_Always);
  ImGui::SetNextWindowSize(size, ImGuiCond_Always);
}

// What the mouse is over, written by the views while they draw. main.cpp
// moves it into the shared selection after each frame, so every view sees
// the same hovered token and bar on the next frame, whichever view set it.
struct Hovering {
  int token = -1;
  int bar_dim = -1, bar_index = -1;
};
inline Hovering& hovering() {
  static Hovering h;
  return h;
}

// A line of dim text centred in the window's content region, for empty states.
inline void centred_note(const char* text) {
  const ImVec2 region = ImGui::GetContentRegionAvail();
  const ImVec2 size = ImGui::CalcTextSize(text, nullptr, false, region.x);
  const ImVec2 cursor = ImGui::GetCursorPos();
  ImGui::SetCursorPos(ImVec2(cursor.x + (region.x - size.x) * 0.5f, cursor.y + (region.y - size.y) * 0.5f));
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::PushTextWrapPos(cursor.x + region.x);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace vitopo::app
