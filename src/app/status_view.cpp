#include "status_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

void show_status_view(AppState& state) {
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colours::background));
  ImGui::Begin("##status", nullptr, panel_flags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  ImGui::PopStyleColor();
  Progress& progress = state.progress;
  if (progress.running) {
    char text[96];
    const float fraction = progress.total > 0 ? float(progress.done) / float(progress.total) : 0.0f;
    std::snprintf(text, sizeof text, "%s %d / %d", progress.stage.empty() ? "analysing heads" : progress.stage.c_str(), progress.done,
                  progress.total);
    ImGui::ProgressBar(fraction, ImVec2(std::min(360.0f, ImGui::GetContentRegionAvail().x * 0.4f), 0), text);
    ImGui::SameLine();
    ImGui::BeginDisabled(progress.cancel_requested);
    if (ImGui::Button(progress.cancel_requested ? "Cancelling…" : "Cancel")) {
      progress.cancel_requested = true;
      state.raise({.kind = IntentKind::Cancel});
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
  }
  ImGui::AlignTextToFramePadding();
  if (!state.status.error.empty()) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::error), "%s", state.status.error.c_str());
  } else if (!state.status.message.empty()) {
    ImGui::TextDisabled("%s", state.status.message.c_str());
  }
  // Right: where the views are looking.
  if (!state.attention.empty()) {
    char where[96];
    std::snprintf(where, sizeof where, "layer %d · head %d · ε = %.4f", state.selection.layer, state.selection.head, state.scale.epsilon);
    const float w = ImGui::CalcTextSize(where).x;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowContentRegionMax().x - w));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::epsilon), "%s", where);
  }
  ImGui::End();
}

}  // namespace vitopo::app
