#include "diagram_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "palette.hpp"
#include "panels.hpp"
#include "plot_axes.hpp"

namespace vitopo::app {

void DiagramView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  const HeadDetails& head = in.head;
  if (!head.ready) {
    centred_note("the persistence diagram of the selected head appears here");
    ImGui::End();
    return;
  }
  const auto& barcodes = head.persistence().barcodes;
  const double epsilon = state.scale.epsilon;

  // Legend.
  for (int d = 0; d < int(barcodes.size()); ++d) {
    if (d > 0) ImGui::SameLine(0, 16);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float r = ImGui::GetTextLineHeight() * 0.28f;
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + r, p.y + ImGui::GetTextLineHeight() * 0.5f), r, dimension_colour(d));
    ImGui::SetCursorScreenPos(ImVec2(p.x + 2 * r + 5, p.y));
    ImGui::Text("H%d  (%zu)", d, barcodes[std::size_t(d)].bars.size());
  }

  // A square plot; the band above it is the "∞" line of essential classes.
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left = 44, bottom = ImGui::GetTextLineHeight() + 8, infinity_band = 22;
  const float side = std::max(40.0f, std::min(avail.x - left - 12, avail.y - bottom - infinity_band - 8));
  PlotAxes axes;
  axes.min = ImVec2(origin.x + left + (avail.x - left - 12 - side) * 0.5f, origin.y + infinity_band + 6);
  axes.max = ImVec2(axes.min.x + side, axes.min.y + side);
  axes.x0 = axes.y0 = 0;
  axes.x1 = axes.y1 = head.scale_limit * 1.04;
  const float infinity_y = origin.y + infinity_band * 0.5f + 2;

  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(axes.min, axes.max, colours::plot, 4);
  axes.draw_x_ticks(list, 5);
  axes.draw_y_ticks(list, 5);
  // Alive at ε: birth <= ε < death, the upper-left quadrant at (ε, ε).
  const float ex = axes.x(epsilon), ey = axes.y(epsilon);
  list->AddRectFilled(ImVec2(axes.min.x, infinity_y - 6), ImVec2(ex, ey), IM_COL32(255, 214, 102, 18));
  list->AddLine(ImVec2(ex, infinity_y - 6), ImVec2(ex, axes.max.y), colours::epsilon, 1.2f);
  list->AddLine(ImVec2(axes.min.x, ey), ImVec2(axes.max.x, ey), colours::epsilon, 1.2f);
  list->AddLine(ImVec2(axes.min.x, axes.max.y), ImVec2(axes.max.x, axes.min.y), colours::axis, 1.0f);  // the diagonal
  list->AddLine(ImVec2(axes.min.x, infinity_y), ImVec2(axes.max.x, infinity_y), colours::axis, 1.0f);
  const ImVec2 infinity_size = ImGui::CalcTextSize("∞");
  list->AddText(ImVec2(axes.min.x - infinity_size.x - 6, infinity_y - infinity_size.y * 0.5f), colours::text_dim, "∞");
  list->AddText(ImVec2(axes.max.x - ImGui::CalcTextSize("birth").x, axes.max.y + bottom - 4), colours::text_dim, "birth");
  list->AddText(ImVec2(axes.min.x + 4, axes.min.y + 2), colours::text_dim, "death");
  // Bars alive at ε lie in the shaded corner: born by ε, dying after it. The
  // note only where the plot has room for it beside the points.
  const char* shaded = "shaded: alive at ε";
  if (axes.max.x - axes.min.x >= 2.5f * ImGui::CalcTextSize(shaded).x)
    list->AddText(ImVec2(axes.min.x + 4, axes.min.y + 2 + ImGui::GetTextLineHeight()), IM_COL32(255, 214, 102, 150), shaded);

  ImGui::SetCursorScreenPos(ImVec2(axes.min.x, infinity_y - 8));
  ImGui::InvisibleButton("diagram", ImVec2(side, axes.max.y - infinity_y + 8));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  const float radius = std::clamp(side / 90.0f, 2.5f, 4.5f);
  int hover_dim = -1, hover_index = -1;
  float best = 8.0f * 8.0f;
  auto position = [&](const vitopo::Bar& bar) {
    return ImVec2(axes.x(bar.birth), std::isinf(bar.death) ? infinity_y : axes.y(bar.death));
  };
  for (int d = 0; d < int(barcodes.size()); ++d) {
    const auto& bars = barcodes[std::size_t(d)].bars;
    for (int i = 0; i < int(bars.size()); ++i) {
      const vitopo::Bar& bar = bars[std::size_t(i)];
      const ImVec2 p = position(bar);
      const bool alive = bar.birth <= epsilon && epsilon < bar.death;
      list->AddCircleFilled(p, radius, dimension_colour(d, alive ? 0.95f : 0.45f));
      if (hovered) {
        const float dx = p.x - mouse.x, dy = p.y - mouse.y;
        if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, hover_dim = d, hover_index = i;
      }
    }
  }
  // The shared selection, drawn on top.
  auto ring = [&](const BarSelection& b, ImU32 colour, float thickness) {
    if (const vitopo::Bar* bar = head.bar(b)) list->AddCircle(position(*bar), radius + 3, colour, 0, thickness);
  };
  ring(state.selection.hovered_bar, IM_COL32(255, 255, 255, 200), 1.5f);
  ring(state.selection.bar, colours::highlight, 2.5f);

  if (hover_dim >= 0) {
    out.raise({.kind = IntentKind::Hover, .bar = {hover_dim, hover_index}});
    const vitopo::Bar& bar = barcodes[std::size_t(hover_dim)].bars[std::size_t(hover_index)];
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(dimension_colour(hover_dim)), "H%d point", hover_dim);
    ImGui::Text("birth %.6f", bar.birth);
    if (std::isinf(bar.death)) ImGui::Text("death ∞ (essential)");
    else ImGui::Text("death %.6f   persistence %.6f", bar.death, bar.death - bar.birth);
    ImGui::EndTooltip();
  }
  if (hovered && ImGui::IsItemClicked()) {
    const bool same = state.selection.bar.dim == hover_dim && state.selection.bar.index == hover_index;
    out.raise({.kind = IntentKind::SelectBar,
               .bar = hover_dim < 0 || same ? BarSelection{} : BarSelection{hover_dim, hover_index}});
  }
  ImGui::End();
}

}  // namespace vitopo::app
