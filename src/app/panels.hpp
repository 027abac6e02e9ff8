// The page's fixed arrangement: every view is a window placed by main.cpp
// from the canvas size each frame (ImGui 1.86 has no docking).
#pragma once

#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

#include "core/onnx_model.hpp"

namespace vitopo::app {

inline constexpr ImGuiWindowFlags panel_flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                                ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                                ImGuiWindowFlags_NoBringToFrontOnFocus;

// A panel as main.cpp placed it this frame, in CSS pixels of the canvas.
struct PanelPlace {
  std::string id;     // "image", "skeleton", "image-b", ...
  std::string title;
  ImVec2 position, size;
};

// Where main.cpp puts the next panel, remembered for the page (which panel
// a file was dropped on, vitopo.panels()).
void place_next_panel(const char* id, const std::string& title, ImVec2 position, ImVec2 size);
// The panels placed in the last frame; cleared when a frame starts.
const std::vector<PanelPlace>& placed_panels();
void forget_placed_panels();

// The token of patch (row, col) of a model, or -1 outside its grid (after the
// model's prefix tokens: CLS, and e.g. a distillation token).
inline int token_of_patch(const vitopo::ModelSpec& model, int row, int col) { return model.token_of_patch(row, col); }

// The patch of a token as (row, col); (-1, -1) for a prefix token or outside the grid.
inline std::pair<int, int> patch_of_token(const vitopo::ModelSpec& model, int token) {
  return model.patch_of_token(token);
}

// SameLine() when an item `width` wide still fits after the last one;
// otherwise the item starts the next line, at `indent` (window-relative x)
// when given, so that a narrow panel wraps its controls instead of cutting them off.
inline void same_line_if_fits(float width, float indent = -1) {
  const float end = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (end <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
    ImGui::SameLine();
  else if (indent >= 0)
    ImGui::SetCursorPosX(indent);
}

// The width of a checkbox or radio button with `label`.
inline float check_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

// The width of a small button with `label`.
inline float small_button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
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
