#include "comparison_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "palette.hpp"
#include "plot_axes.hpp"

namespace vitopo::app {

void DistanceChoice::show(const char* id, int maxdim) {
  ImGui::PushID(id);
  static const char* kinds[] = {"bottleneck", "Wasserstein p = 1", "Wasserstein p = 2"};
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("Wasserstein p = 2").x + 40);
  ImGui::Combo("##distance", &kind, kinds, 3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Distance between two diagrams (L∞ between points). Essential classes (death ∞) are matched\n"
                      "only among themselves, by birth; if two diagrams have different numbers of them,\n"
                      "no finite matching exists and the distance is ∞.");
  for (int d = 0; d <= std::max(maxdim, 0); ++d) {
    ImGui::SameLine();
    char name[8];
    std::snprintf(name, sizeof name, "H%d", d);
    if (ImGui::RadioButton(name, dim == d)) dim = d;
  }
  dim = std::clamp(dim, 0, std::max(maxdim, 0));
  ImGui::PopID();
}

void DistanceChoice::fill(nlohmann::json& request) const {
  request["dim"] = dim;
  request["distance"] = kind == 0 ? "bottleneck" : "wasserstein";
  request["order"] = kind == 2 ? 2 : 1;
}

std::string DistanceChoice::label() const { return kind == 0 ? "bottleneck" : kind == 1 ? "W1" : "W2"; }

const ComparisonResult* request_comparison(const AppState& state, Intents& out, const std::string& slot,
                                           const nlohmann::json& request) {
  // The entry streaming in is not the page's yet: nothing to compare it with.
  static const ComparisonResult waiting = [] {
    ComparisonResult r;
    r.error = "The comparisons wait for the whole analysis.";
    return r;
  }();
  if (state.partial.entry) return &waiting;
  const std::string key = request.dump();
  const ComparisonResult* result = state.comparison(slot);
  if (result && result->key == key) return result;
  Intent intent{.kind = IntentKind::Compare};
  intent.slot = slot;
  intent.key = key;
  intent.request = key;
  out.raise(intent);
  return nullptr;
}

bool comparison_status(const ComparisonResult* result, Intents& out, const std::string& slot) {
  if (!result || result->pending) {
    const int done = result ? result->done : 0, total = result ? result->total : 0;
    char text[64];
    std::snprintf(text, sizeof text, total > 0 ? "comparing… %d / %d" : "comparing…", done, total);
    ImGui::ProgressBar(total > 0 ? float(done) / float(total) : 0.0f, ImVec2(-90, 0), text);
    ImGui::SameLine();
    if (ImGui::Button(("Cancel##" + slot).c_str())) {
      Intent intent{.kind = IntentKind::CancelComparison};
      intent.slot = slot;
      out.raise(intent);
    }
    return false;
  }
  if (!result->error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(colours::error));
    ImGui::TextWrapped("%s", result->error.c_str());
    ImGui::PopStyleColor();
    return false;
  }
  return result->ready;
}

std::string distance_text(double distance) {
  if (std::isinf(distance)) return "∞";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", distance);
  return text;
}

HeatmapCell draw_heatmap(const ComparisonResult& result, ImVec2 min, ImVec2 max, const char* id,
                         const std::string& row_name, const std::string& column_name, HeatmapCell marked,
                         bool& clicked) {
  clicked = false;
  const int rows = int(result.rows.size()), columns = int(result.columns.size());
  HeatmapCell hovered;
  if (rows == 0 || columns == 0) return hovered;
  double top = 0;
  for (double v : result.matrix)
    if (std::isfinite(v)) top = std::max(top, v);
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float label = ImGui::GetTextLineHeight() + 4;
  const ImVec2 grid_min(min.x + label + 6, min.y + label);
  const float cell = std::max(2.0f, std::min((max.x - grid_min.x) / float(columns), (max.y - grid_min.y) / float(rows)));
  ImGui::SetCursorScreenPos(grid_min);
  ImGui::InvisibleButton(id, ImVec2(cell * float(columns), cell * float(rows)));
  const bool over = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < columns; ++j) {
      const ImVec2 a(grid_min.x + cell * float(j), grid_min.y + cell * float(i));
      const ImVec2 b(a.x + cell - 1, a.y + cell - 1);
      const double v = result.at(std::size_t(i), std::size_t(j));
      if (std::isinf(v)) {
        list->AddRectFilled(a, b, IM_COL32(70, 74, 82, 255));
        for (float t = 0; t < cell * 2; t += 5)  // hatching
          list->AddLine(ImVec2(a.x + std::min(t, cell - 1), a.y + std::max(0.0f, t - cell + 1)),
                        ImVec2(a.x + std::max(0.0f, t - cell + 1), a.y + std::min(t, cell - 1)), IM_COL32(30, 32, 36, 255));
        if (cell > ImGui::CalcTextSize("∞").x + 4)
          list->AddText(ImVec2(a.x + (cell - ImGui::CalcTextSize("∞").x) * 0.5f, a.y + (cell - ImGui::GetTextLineHeight()) * 0.5f),
                        IM_COL32(230, 230, 230, 255), "∞");
      } else {
        list->AddRectFilled(a, b, colormap_u32(top > 0 ? float(v / top) : 0.0f));
      }
      if (over && mouse.x >= a.x && mouse.x < a.x + cell && mouse.y >= a.y && mouse.y < a.y + cell) hovered = {i, j};
    }
  // Labels every few cells, so they never overlap.
  const int every = std::max(1, int(std::ceil(ImGui::CalcTextSize("00").x * 1.4f / cell)));
  char text[16];
  for (int j = 0; j < columns; j += every) {
    std::snprintf(text, sizeof text, "%d", result.columns[std::size_t(j)]);
    list->AddText(ImVec2(grid_min.x + cell * (float(j) + 0.5f) - ImGui::CalcTextSize(text).x * 0.5f, min.y), colours::text_dim, text);
  }
  for (int i = 0; i < rows; i += std::max(1, int(std::ceil(ImGui::GetTextLineHeight() * 1.1f / cell)))) {
    std::snprintf(text, sizeof text, "%d", result.rows[std::size_t(i)]);
    list->AddText(ImVec2(grid_min.x - ImGui::CalcTextSize(text).x - 4, grid_min.y + cell * (float(i) + 0.5f) - ImGui::GetTextLineHeight() * 0.5f),
                  colours::text_dim, text);
  }
  auto outline = [&](HeatmapCell c, ImU32 colour, float thickness) {
    if (c.row < 0 || c.row >= rows || c.column < 0 || c.column >= columns) return;
    const ImVec2 a(grid_min.x + cell * float(c.column), grid_min.y + cell * float(c.row));
    list->AddRect(a, ImVec2(a.x + cell - 1, a.y + cell - 1), colour, 0, 0, thickness);
  };
  outline(marked, colours::highlight, 2.5f);
  outline(hovered, IM_COL32(255, 255, 255, 220), 1.5f);
  // The colour scale.
  const float bar_x = grid_min.x + cell * float(columns) + 10;
  if (bar_x + 12 < max.x) {
    const float h = cell * float(rows);
    for (int k = 0; k < 32; ++k)
      list->AddRectFilled(ImVec2(bar_x, grid_min.y + h * (1 - float(k + 1) / 32)), ImVec2(bar_x + 10, grid_min.y + h * (1 - float(k) / 32)),
                          colormap_u32(float(k) / 31));
    list->AddText(ImVec2(bar_x + 14, grid_min.y - 2), colours::text_dim, distance_text(top).c_str());
    list->AddText(ImVec2(bar_x + 14, grid_min.y + h - ImGui::GetTextLineHeight()), colours::text_dim, "0");
  }
  if (hovered.row >= 0) {
    const double v = result.at(std::size_t(hovered.row), std::size_t(hovered.column));
    ImGui::BeginTooltip();
    ImGui::Text("%s %d, %s %d", row_name.c_str(), result.rows[std::size_t(hovered.row)], column_name.c_str(),
                result.columns[std::size_t(hovered.column)]);
    ImGui::Text("distance %s", distance_text(v).c_str());
    if (std::isinf(v)) ImGui::TextDisabled("different numbers of essential classes: no finite matching");
    ImGui::TextDisabled("click: draw the matching");
    ImGui::EndTooltip();
    clicked = ImGui::IsItemClicked();
  }
  return hovered;
}

std::vector<const vitopo::Bar*> diagram_bars(const WorkspaceEntry* entry, int layer, int head, int dim) {
  std::vector<const vitopo::Bar*> bars;
  if (!entry || dim < 0) return bars;
  for (const vitopo::HeadAnalysis& h : entry->analysis.results) {
    if (h.layer != layer || (head >= 0 && h.head != head)) continue;
    if (dim >= int(h.persistence.barcodes.size())) continue;
    for (const vitopo::Bar& bar : h.persistence.barcodes[std::size_t(dim)].bars) bars.push_back(&bar);
  }
  return bars;
}

void draw_matching(const std::vector<const vitopo::Bar*>& a, const std::vector<const vitopo::Bar*>& b,
                   const ComparisonResult& matching, ImVec2 min, ImVec2 max, bool side_by_side,
                   const char* label_a, const char* label_b) {
  double top = 0;
  for (const auto* set : {&a, &b})
    for (const vitopo::Bar* bar : *set) {
      top = std::max(top, bar->birth);
      if (std::isfinite(bar->death)) top = std::max(top, bar->death);
    }
  if (!(top > 0)) top = 1;
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float left = 40, bottom = ImGui::GetTextLineHeight() + 8, band = 20, gap = side_by_side ? 24 : 0;
  const float width = (max.x - min.x - left - gap * (side_by_side ? 1 : 0)) / (side_by_side ? 2.0f : 1.0f);
  const float side = std::max(30.0f, std::min(width - 8, max.y - min.y - bottom - band - 8));
  auto axes_at = [&](float x) {
    PlotAxes axes;
    axes.min = ImVec2(x, min.y + band + 6);
    axes.max = ImVec2(x + side, axes.min.y + side);
    axes.x0 = axes.y0 = 0;
    axes.x1 = axes.y1 = top * 1.04;
    return axes;
  };
  const PlotAxes pa = axes_at(min.x + left), pb = side_by_side ? axes_at(min.x + left + side + gap + left * 0.5f) : pa;
  const float infinity_y = min.y + band * 0.5f + 2;
  for (const PlotAxes* axes : {&pa, &pb}) {
    list->AddRectFilled(axes->min, axes->max, colours::plot, 4);
    axes->draw_x_ticks(list, 4);
    axes->draw_y_ticks(list, 4);
    list->AddLine(ImVec2(axes->min.x, axes->max.y), ImVec2(axes->max.x, axes->min.y), colours::axis, 1.0f);
    list->AddLine(ImVec2(axes->min.x, infinity_y), ImVec2(axes->max.x, infinity_y), colours::axis, 1.0f);
    list->AddText(ImVec2(axes->min.x - ImGui::CalcTextSize("∞").x - 6, infinity_y - ImGui::GetTextLineHeight() * 0.5f),
                  colours::text_dim, "∞");
    list->AddText(ImVec2(axes->max.x - ImGui::CalcTextSize("birth").x, axes->max.y + bottom - 4), colours::text_dim, "birth");
    if (!side_by_side) break;
  }
  list->AddText(ImVec2(pa.min.x + 4, pa.min.y + 2), colour_a, label_a);
  list->AddText(ImVec2(pb.min.x + 4 + (side_by_side ? 0 : ImGui::CalcTextSize(label_a).x + 12), pb.min.y + 2), colour_b, label_b);
  auto at = [&](const PlotAxes& axes, const vitopo::Bar& bar) {
    return ImVec2(axes.x(bar.birth), std::isinf(bar.death) ? infinity_y : axes.y(bar.death));
  };
  auto on_diagonal = [&](const PlotAxes& axes, const vitopo::Bar& bar) {
    const double m = 0.5 * (bar.birth + bar.death);
    return ImVec2(axes.x(m), axes.y(m));
  };
  std::size_t longest = matching.pairs.size();
  for (std::size_t k = 0; k < matching.costs.size(); ++k)
    if (longest == matching.pairs.size() || matching.costs[k] > matching.costs[longest]) longest = k;
  for (std::size_t k = 0; k < matching.pairs.size(); ++k) {
    const auto [i, j] = matching.pairs[k];
    const bool emphasised = k == longest;
    const ImU32 colour = emphasised ? colours::highlight : IM_COL32(200, 205, 215, 90);
    const float thickness = emphasised ? 2.5f : 1.0f;
    const vitopo::Bar* ba = i >= 0 && std::size_t(i) < a.size() ? a[std::size_t(i)] : nullptr;
    const vitopo::Bar* bb = j >= 0 && std::size_t(j) < b.size() ? b[std::size_t(j)] : nullptr;
    if (ba && bb) list->AddLine(at(pa, *ba), at(pb, *bb), colour, thickness);
    else if (ba) list->AddLine(at(pa, *ba), on_diagonal(pa, *ba), colour, thickness);
    else if (bb) list->AddLine(at(pb, *bb), on_diagonal(pb, *bb), colour, thickness);
  }
  const float r = std::clamp(side / 90.0f, 2.5f, 4.0f);
  for (const vitopo::Bar* bar : a) list->AddCircleFilled(at(pa, *bar), r, colour_a);
  for (const vitopo::Bar* bar : b) {  // B as squares, so overlaps stay visible
    const ImVec2 p = at(pb, *bar);
    list->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), colour_b);
  }
}

}  // namespace vitopo::app
