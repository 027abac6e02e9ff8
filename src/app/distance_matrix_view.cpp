#include "distance_matrix_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "palette.hpp"
#include "panels.hpp"
#include "render/heatmap.hpp"
#include "core/metrics.hpp"

namespace vitopo::app {

void DistanceMatrixView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  const HeadDetails& head = in.head;
  if (!head.ready) {
    centred_note("the distance matrix of the selected head appears here");
    ImGui::End();
    return;
  }
  if (uploaded_revision_ != head.revision) {
    heatmap_.set_values(head.distances_f.data(), head.points, head.points);
    uploaded_revision_ = head.revision;
  }
  ImGui::TextDisabled("%s · %d × %d", head.settings.seed_compatible ? "√ JS distance (seed-compatible)"
                                                                     : vitopo::metric_info(head.settings.metric).label,
                      head.points, head.points);
  same_line_if_fits(check_width("mark d ≤ ε"));
  ImGui::Checkbox("mark d ≤ ε", &mark_epsilon_);

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bar_w = 14, bar_labels = ImGui::CalcTextSize("0.000").x + 10;
  const float side = std::max(20.0f, std::min(avail.x - bar_w - bar_labels - 16, avail.y - ImGui::GetTextLineHeightWithSpacing() - 4));
  const ImVec2 min(origin.x, origin.y), max(origin.x + side, origin.y + side);
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float high = float(head.largest_distance > 0 ? head.largest_distance : 1);
  heatmap_.draw(list, min, max, 0, high);

  const float cell = side / float(head.points);
  // Entries within ε: an outline around each run of cells in a row would be
  // costly at 197 tokens; a dot per cell stays readable when cells are large.
  if (mark_epsilon_ && cell >= 4) {
    for (int i = 0; i < head.points; ++i)
      for (int j = 0; j < head.points; ++j)
        if (i != j && head.distances(i, j) <= state.scale.epsilon)
          list->AddCircleFilled(ImVec2(min.x + (j + 0.5f) * cell, min.y + (i + 0.5f) * cell), std::min(cell * 0.18f, 2.5f), IM_COL32(255, 255, 255, 170), 6);
  }

  // Colour bar.
  const ImVec2 bar_min(max.x + 10, min.y), bar_max(max.x + 10 + bar_w, max.y);
  const int steps = 48;
  for (int s = 0; s < steps; ++s) {
    const float y0 = bar_max.y - (bar_max.y - bar_min.y) * float(s) / steps;
    const float y1 = bar_max.y - (bar_max.y - bar_min.y) * float(s + 1) / steps;
    list->AddRectFilled(ImVec2(bar_min.x, y1), ImVec2(bar_max.x, y0 + 0.5f), colormap_u32((s + 0.5f) / steps));
  }
  char label[32];
  for (int k = 0; k <= 4; ++k) {
    const float t = k / 4.0f;
    const float y = bar_max.y - (bar_max.y - bar_min.y) * t;
    std::snprintf(label, sizeof label, "%.3f", double(high) * t);
    list->AddLine(ImVec2(bar_max.x, y), ImVec2(bar_max.x + 3, y), colours::axis);
    list->AddText(ImVec2(bar_max.x + 5, y - ImGui::GetTextLineHeight() * 0.5f), colours::text_dim, label);
  }
  const float ey = bar_max.y - (bar_max.y - bar_min.y) * std::clamp(float(state.scale.epsilon) / high, 0.0f, 1.0f);
  list->AddLine(ImVec2(bar_min.x - 3, ey), ImVec2(bar_max.x + 3, ey), colours::epsilon, 2);

  ImGui::SetCursorScreenPos(min);
  ImGui::InvisibleButton("matrix", ImVec2(side, side));
  const int hovered_point = head.point_of_token(state.selection.hovered_token);
  if (hovered_point >= 0) {  // the hovered token's row and column
    list->AddRect(ImVec2(min.x, min.y + hovered_point * cell), ImVec2(max.x, min.y + (hovered_point + 1) * cell), IM_COL32(255, 255, 255, 150));
    list->AddRect(ImVec2(min.x + hovered_point * cell, min.y), ImVec2(min.x + (hovered_point + 1) * cell, max.y), IM_COL32(255, 255, 255, 150));
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int i = std::clamp(int((m.y - min.y) / cell), 0, head.points - 1);
    const int j = std::clamp(int((m.x - min.x) / cell), 0, head.points - 1);
    out.raise({.kind = IntentKind::Hover, .token = head.token_of_point(i)});
    const double d = head.distances(i, j);
    ImGui::BeginTooltip();
    ImGui::Text("d(token %d, token %d) = %.6f", head.token_of_point(i), head.token_of_point(j), d);
    ImGui::TextDisabled(d <= state.scale.epsilon ? "an edge of the skeleton at ε" : "above ε");
    ImGui::EndTooltip();
    std::snprintf(label, sizeof label, "%.3f", d);
    const float y = bar_max.y - (bar_max.y - bar_min.y) * std::clamp(float(d) / high, 0.0f, 1.0f);
    list->AddTriangleFilled(ImVec2(bar_min.x - 7, y - 4), ImVec2(bar_min.x - 1, y), ImVec2(bar_min.x - 7, y + 4), IM_COL32(255, 255, 255, 255));
  }
  ImGui::End();
}

}  // namespace vitopo::app
