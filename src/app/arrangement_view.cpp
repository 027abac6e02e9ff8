#include "arrangement_view.hpp"

#include <imgui.h>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

void ArrangementView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  for (int k = 0; k < arrangement_count; ++k) {
    if (k > 0) ImGui::SameLine();
    const bool on = int(in.state.arrangement) == k;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::ColorConvertU32ToFloat4(colours::accent));
    if (ImGui::Button(arrangement_names[k])) out.raise({.kind = IntentKind::Arrange, .arrangement = k});
    if (on) ImGui::PopStyleColor();
  }
  ImGui::End();
}

}  // namespace vitopo::app
