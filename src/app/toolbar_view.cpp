#include "toolbar_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

void show_toolbar_view(AppState& state) {
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colours::background));
  ImGui::Begin("##toolbar", nullptr, panel_flags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  ImGui::PopStyleColor();
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::accent), "vitopo");
  ImGui::SameLine();
  ImGui::TextDisabled("topology of a vision transformer's attention");
  ImGui::SameLine(0, 24);

  if (ImGui::Button("Open image…")) state.raise({.kind = IntentKind::OpenImage});
  ImGui::SameLine();
  ImGui::BeginDisabled(state.samples.empty());
  if (ImGui::Button("Samples")) ImGui::OpenPopup("samples");
  ImGui::EndDisabled();
  if (ImGui::BeginPopup("samples")) {
    for (int i = 0; i < int(state.samples.size()); ++i) {
      const Sample& sample = state.samples[std::size_t(i)];
      if (ImGui::Selectable(sample.name.c_str())) state.raise({.kind = IntentKind::LoadSample, .sample = i});
    }
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(state.analysis.empty());
  if (ImGui::Button("Export JSON")) state.raise({.kind = IntentKind::ExportAnalysis});
  ImGui::SameLine();
  if (ImGui::Button("Copy link")) state.raise({.kind = IntentKind::CopyShareLink});
  ImGui::EndDisabled();

  // Right: the image and the model.
  std::string right;
  if (!state.image.name.empty()) right = state.image.name;
  if (!state.model.name.empty()) {
    if (!right.empty()) right += "   ·   ";
    right += state.model.name;
    if (state.model.test_accuracy > 0) {
      char accuracy[48];
      std::snprintf(accuracy, sizeof accuracy, " (%.1f %% on %s)", state.model.test_accuracy * 100,
                    state.model.dataset.empty() ? "its test set" : state.model.dataset.c_str());
      right += accuracy;
    }
  }
  if (!right.empty()) {
    const float w = ImGui::CalcTextSize(right.c_str()).x;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowContentRegionMax().x - w));
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", right.c_str());
  }
  ImGui::End();
}

}  // namespace vitopo::app
