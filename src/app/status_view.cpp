#include "status_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

void StatusView::show(const ViewInput& in, Intents& out) {
  const AppState& state = in.state;
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImGui::ColorConvertU32ToFloat4(colours::background));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 6));
  ImGui::Begin((title() + "##status").c_str(), nullptr, panel_flags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
  const Progress& progress = state.progress;
  if (progress.running) {
    char text[96];
    const float fraction = progress.total > 0 ? float(progress.done) / float(progress.total) : 0.0f;
    const char* stage = progress.stage.empty() ? "analysing heads" : progress.stage.c_str();
    if (progress.total > 0) std::snprintf(text, sizeof text, "%s %d / %d", stage, progress.done, progress.total);
    else std::snprintf(text, sizeof text, "%s", stage);
    ImGui::ProgressBar(fraction, ImVec2(std::min(360.0f, ImGui::GetContentRegionAvail().x * 0.4f), 0), text);
    ImGui::SameLine();
    ImGui::BeginDisabled(progress.cancel_requested);
    if (ImGui::Button(progress.cancel_requested ? "Cancelling…" : "Cancel")) {
      out.raise({.kind = IntentKind::Cancel});
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
  // Right: where the views are looking, and what only the page can do.
  ImGui::BeginDisabled(!in.entry || in.entry->partial);  // an analysis streaming in is not exported yet
  const float buttons_w = ImGui::CalcTextSize("Export JSON").x + ImGui::CalcTextSize("Copy link").x +
                          4 * ImGui::GetStyle().FramePadding.x + ImGui::GetStyle().ItemSpacing.x;
  float right = ImGui::GetWindowContentRegionMax().x - buttons_w;
  if (in.entry) {
    char where[96];
    std::snprintf(where, sizeof where, "layer %d · head %d · ε = %.4f", state.selection.layer, state.selection.head, state.scale.epsilon);
    const float w = ImGui::CalcTextSize(where).x + 24;
    ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, right - w));
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::epsilon), "%s", where);
  }
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), right));
  if (ImGui::Button("Export JSON")) out.raise({.kind = IntentKind::ExportAnalysis});
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("download the analysis (schema vitopo.analysis/1)");
  ImGui::SameLine();
  if (ImGui::Button("Copy link")) out.raise({.kind = IntentKind::CopyShareLink});
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("a link that reopens this analysis");
  ImGui::EndDisabled();
  ImGui::End();
}

}  // namespace vitopo::app
