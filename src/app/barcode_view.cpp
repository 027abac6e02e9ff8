#include "barcode_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/summaries.hpp"
#include "palette.hpp"
#include "panels.hpp"
#include "plot_axes.hpp"

namespace vitopo::app {

void BarcodeView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  const HeadDetails& head = in.head;
  if (!head.ready) {
    centred_note(head.error.empty() ? "the barcode of the selected head appears here" : head.error.c_str());
    ImGui::End();
    return;
  }
  const auto& barcodes = head.persistence().barcodes;
  const double epsilon = state.scale.epsilon;

  // Header: which head, and the Betti numbers at ε (core).
  const std::vector<int> betti = vitopo::betti_numbers(head.persistence(), epsilon);
  ImGui::Text("layer %d · head %d", head.layer, head.head);
  for (std::size_t d = 0; d < betti.size(); ++d) {
    ImGui::SameLine(0, 14);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(dimension_colour(int(d))), "β%zu = %d", d, betti[d]);
  }
  ImGui::SameLine(0, 14);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colours::epsilon), "at ε = %.4f", epsilon);

  // Bars in reading order: by dimension, then birth, then longest first.
  struct Row {
    int dim, index;
  };
  std::vector<Row> rows;
  std::vector<int> dim_start;   // first row of each dimension
  for (int d = 0; d < int(barcodes.size()); ++d) {
    dim_start.push_back(int(rows.size()));
    std::vector<int> order(barcodes[std::size_t(d)].bars.size());
    std::iota(order.begin(), order.end(), 0);
    const auto& bars = barcodes[std::size_t(d)].bars;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      if (bars[std::size_t(a)].birth != bars[std::size_t(b)].birth) return bars[std::size_t(a)].birth < bars[std::size_t(b)].birth;
      return bars[std::size_t(a)].death > bars[std::size_t(b)].death;
    });
    for (int i : order) rows.push_back({d, i});
  }
  const int gaps = std::max(0, int(barcodes.size()) - 1);

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float label_w = 30, axis_h = ImGui::GetTextLineHeight() + 6;
  PlotAxes axes;
  axes.min = ImVec2(origin.x + label_w, origin.y + 4);
  axes.max = ImVec2(origin.x + avail.x - 18, origin.y + avail.y - axis_h);
  axes.x0 = 0;
  axes.x1 = head.scale_limit * 1.04;
  if (axes.max.y - axes.min.y < 20 || axes.max.x - axes.min.x < 40) {
    ImGui::End();
    return;
  }
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(axes.min, axes.max, colours::plot, 4);
  axes.draw_x_ticks(list);
  list->AddText(ImVec2(axes.max.x - ImGui::CalcTextSize("scale ε →").x - 4, axes.max.y - ImGui::GetTextLineHeight() - 2),
                colours::text_dim, "scale ε");

  // Row geometry: each dimension gets a band; a higher dimension (usually a
  // handful of bars beside T − 1 H0 bars) gets at least 40 % of H0's rows, so
  // its bars stay readable. A gap of two rows of H0's pitch between bands.
  const int dims = int(barcodes.size());
  const std::size_t dim_count = std::size_t(dims);
  std::vector<float> weight(dim_count), band_top(dim_count), pitch_of(dim_count);
  const float h0_rows = dims > 0 ? float(std::max<std::size_t>(1, barcodes[0].bars.size())) : 1.0f;
  float weights = 0;
  for (int d = 0; d < dims; ++d) {
    const float count = float(std::max<std::size_t>(1, barcodes[std::size_t(d)].bars.size()));
    weight[std::size_t(d)] = d == 0 ? count : std::max(count, 0.4f * h0_rows);
    weights += weight[std::size_t(d)];
  }
  const float plot_h = axes.max.y - axes.min.y - 8;
  const float unit = plot_h / (weights + 2.0f * gaps);
  for (int d = 0; d < dims; ++d) {
    band_top[std::size_t(d)] = d == 0 ? axes.min.y + 4 : band_top[std::size_t(d - 1)] + (weight[std::size_t(d - 1)] + 2.0f) * unit;
    pitch_of[std::size_t(d)] = weight[std::size_t(d)] * unit / float(std::max<std::size_t>(1, barcodes[std::size_t(d)].bars.size()));
  }
  auto thickness_of = [&](int d) {
    // Thin rows close up into a solid band instead of a moiré of 1-pixel gaps.
    const float pitch = pitch_of[std::size_t(d)];
    return pitch < 3.0f ? pitch + 0.35f : std::min(pitch * 0.7f, 10.0f);
  };
  auto row_y = [&](int slot, int d) {
    return band_top[std::size_t(d)] + (float(slot - dim_start[std::size_t(d)]) + 0.5f) * pitch_of[std::size_t(d)];
  };
  std::vector<int> row_slot(rows.size());
  for (std::size_t r = 0, seen = 0; r < rows.size(); ++r) {
    if (r > 0 && rows[r].dim != rows[r - 1].dim) seen = 0;
    row_slot[r] = dim_start[std::size_t(rows[r].dim)] + int(seen++);
  }

  ImGui::SetCursorScreenPos(axes.min);
  ImGui::InvisibleButton("bars", ImVec2(axes.max.x - axes.min.x, axes.max.y - axes.min.y));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  // ε line: drag it, or click anywhere off the bars to move it there.
  const float epsilon_x = axes.x(epsilon);
  bool& dragging_epsilon = dragging_epsilon_;
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && std::abs(mouse.x - epsilon_x) < 6) dragging_epsilon = true;
  if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) dragging_epsilon = false;
  if (dragging_epsilon)
    out.raise({.kind = IntentKind::SetEpsilon, .epsilon = std::clamp(axes.value_x(mouse.x), 0.0, head.scale_limit)});

  int hover_row = -1;
  for (int r = 0; r < int(rows.size()); ++r) {
    const Row& row = rows[std::size_t(r)];
    const vitopo::Bar& bar = barcodes[std::size_t(row.dim)].bars[std::size_t(row.index)];
    const float y = row_y(row_slot[std::size_t(r)], row.dim);
    const float x0 = axes.x(bar.birth);
    const float x1 = std::isinf(bar.death) ? axes.max.x : axes.x(bar.death);
    const bool alive = bar.birth <= epsilon && epsilon < bar.death;
    const bool selected = state.selection.bar.dim == row.dim && state.selection.bar.index == row.index;
    const bool hovered_bar = state.selection.hovered_bar.dim == row.dim && state.selection.hovered_bar.index == row.index;
    ImU32 colour = dimension_colour(row.dim, alive ? 1.0f : 0.38f);
    if (selected) colour = colours::highlight;
    const float thickness = thickness_of(row.dim), pitch = pitch_of[std::size_t(row.dim)];
    const float half = (selected || hovered_bar) ? std::max(thickness * 0.5f, 2.0f) : thickness * 0.5f;
    list->AddRectFilled(ImVec2(x0, y - half), ImVec2(std::max(x1, x0 + 1.5f), y + half), colour, std::min(half, 2.0f));
    if (std::isinf(bar.death))  // essential: an arrow at the right edge
      list->AddTriangleFilled(ImVec2(x1, y - half - 2), ImVec2(x1 + 8, y), ImVec2(x1, y + half + 2), colour);
    if (hovered_bar && !selected) list->AddRect(ImVec2(x0 - 1, y - half - 1), ImVec2(x1 + 1, y + half + 1), IM_COL32(255, 255, 255, 200), 2);
    if (hovered && !dragging_epsilon && std::abs(mouse.y - y) <= std::max(pitch * 0.5f, 3.0f) && mouse.x >= x0 - 3 && mouse.x <= x1 + 8)
      hover_row = r;
  }
  // Dimension labels at the left of each block.
  for (int d = 0; d < int(barcodes.size()); ++d) {
    const int first = dim_start[std::size_t(d)];
    const int count = int(barcodes[std::size_t(d)].bars.size());
    const float y = count > 0 ? (row_y(first, d) + row_y(first + count - 1, d)) * 0.5f : row_y(first, d);
    char label[8];
    std::snprintf(label, sizeof label, "H%d", d);
    if (count == 0) list->AddText(ImVec2(axes.min.x + 6, y - ImGui::GetTextLineHeight() * 0.5f), colours::text_dim, "no bars");
    list->AddText(ImVec2(origin.x + 2, y - ImGui::GetTextLineHeight() * 0.5f), dimension_colour(d), label);
  }

  list->AddLine(ImVec2(epsilon_x, axes.min.y), ImVec2(epsilon_x, axes.max.y), colours::epsilon, 1.5f);
  list->AddTriangleFilled(ImVec2(epsilon_x - 5, axes.min.y), ImVec2(epsilon_x + 5, axes.min.y), ImVec2(epsilon_x, axes.min.y + 7), colours::epsilon);
  if (hovered && std::abs(mouse.x - epsilon_x) < 6) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);

  if (hover_row >= 0) {
    const Row& row = rows[std::size_t(hover_row)];
    out.raise({.kind = IntentKind::Hover, .bar = {row.dim, row.index}});
    const vitopo::Bar& bar = barcodes[std::size_t(row.dim)].bars[std::size_t(row.index)];
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(dimension_colour(row.dim)), "H%d bar", row.dim);
    ImGui::Text("birth %.6f", bar.birth);
    if (std::isinf(bar.death)) ImGui::Text("death ∞ (essential)");
    else ImGui::Text("death %.6f   length %.6f", bar.death, bar.death - bar.birth);
    ImGui::TextDisabled("click to highlight it on the image and the skeleton");
    ImGui::EndTooltip();
  }
  if (hovered && ImGui::IsItemClicked() && !dragging_epsilon) {
    if (hover_row >= 0) {
      const Row& row = rows[std::size_t(hover_row)];
      const bool same = state.selection.bar.dim == row.dim && state.selection.bar.index == row.index;
      out.raise({.kind = IntentKind::SelectBar, .bar = same ? BarSelection{} : BarSelection{row.dim, row.index}});
    } else {
      out.raise({.kind = IntentKind::SetEpsilon, .epsilon = std::clamp(axes.value_x(mouse.x), 0.0, head.scale_limit)});
      dragging_epsilon = true;
    }
  }
  ImGui::End();
}

}  // namespace vitopo::app
