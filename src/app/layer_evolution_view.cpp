#include "layer_evolution_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/state/layer_profile.hpp"
#include "palette.hpp"
#include "panels.hpp"
#include "plot_axes.hpp"

namespace vitopo::app {

namespace {

// Lines through the layers: one per series (thin), `bold` drawn thick. The
// series under the mouse (nearest within a few pixels) is returned.
int draw_lines(const std::vector<std::vector<double>>& series, const std::vector<double>& bold, const PlotAxes& axes,
               int highlighted, bool hovered) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int nearest = -1;
  float best = 6.0f;
  auto polyline = [&](const std::vector<double>& values, ImU32 colour, float thickness, int index) {
    for (std::size_t x = 0; x + 1 < values.size(); ++x) {
      if (std::isnan(values[x]) || std::isnan(values[x + 1]) || std::isinf(values[x]) || std::isinf(values[x + 1])) continue;
      const ImVec2 p(axes.x(double(x)), axes.y(values[x])), q(axes.x(double(x + 1)), axes.y(values[x + 1]));
      list->AddLine(p, q, colour, thickness);
      if (hovered && index >= 0 && mouse.x >= p.x && mouse.x <= q.x) {
        const float t = (mouse.x - p.x) / std::max(1.0f, q.x - p.x);
        const float d = std::fabs(p.y + t * (q.y - p.y) - mouse.y);
        if (d < best) best = d, nearest = index;
      }
    }
    if (values.size() == 1 && std::isfinite(values[0]))
      list->AddCircleFilled(ImVec2(axes.x(0), axes.y(values[0])), thickness + 1.5f, colour);
  };
  for (std::size_t h = 0; h < series.size(); ++h)
    polyline(series[h], component_colour(int(h), int(h) == highlighted ? 1.0f : 0.45f), int(h) == highlighted ? 2.5f : 1.0f, int(h));
  polyline(bold, IM_COL32(240, 240, 240, 255), 3.0f, -1);
  return nearest;
}

PlotAxes plot_in(ImVec2 min, ImVec2 max, int points, double top) {
  PlotAxes axes;
  axes.min = ImVec2(min.x + 48, min.y + 6);
  axes.max = ImVec2(max.x - 8, max.y - ImGui::GetTextLineHeight() - 10);
  axes.x0 = -0.05, axes.x1 = std::max(1, points - 1) + 0.05;
  axes.y0 = 0, axes.y1 = top > 0 ? top * 1.08 : 1;
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(axes.min, axes.max, colours::plot, 4);
  axes.draw_y_ticks(list, 5);
  return axes;
}

void x_labels(const PlotAxes& axes, const std::vector<std::string>& labels, const char* name) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const int every = std::max(1, int(std::ceil(ImGui::CalcTextSize("00-00").x * 1.3f / std::max(1.0f, (axes.max.x - axes.min.x) / float(std::max<std::size_t>(1, labels.size()))))));
  for (std::size_t k = 0; k < labels.size(); k += std::size_t(every))
    list->AddText(ImVec2(axes.x(double(k)) - ImGui::CalcTextSize(labels[k].c_str()).x * 0.5f, axes.max.y + 3), colours::text_dim,
                  labels[k].c_str());
  list->AddText(ImVec2(axes.max.x - ImGui::CalcTextSize(name).x, axes.min.y + 2), colours::text_dim, name);
}

double finite_top(const std::vector<std::vector<double>>& series) {
  double top = 0;
  for (const auto& s : series)
    for (double v : s)
      if (std::isfinite(v)) top = std::max(top, v);
  return top;
}

}  // namespace

void LayerEvolutionView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  if (!in.entry) {
    centred_note("how the topology of each head changes through the layers appears here");
    ImGui::End();
    return;
  }
  const vitopo::Analysis& analysis = in.entry->analysis;
  const int maxdim = analysis.settings.maxdim;
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("persistence entropy").x + 40);
  ImGui::Combo("##quantity", &quantity_, layer_quantity_names, int(std::size(layer_quantity_names)));
  for (int d = 0; d <= maxdim; ++d) {
    ImGui::SameLine();
    char name[8];
    std::snprintf(name, sizeof name, "H%d##q", d);
    if (ImGui::RadioButton(name, dim_ == d)) dim_ = d;
  }
  dim_ = std::clamp(dim_, 0, maxdim);
  ImGui::SameLine(0, 24);
  ImGui::TextDisabled("from each layer to the next:");
  ImGui::SameLine();
  distance_.show("steps", maxdim);

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float half = std::floor(avail.x * 0.5f);

  // Left: the summary per layer.
  const LayerProfile profile = layer_profile(analysis, LayerQuantity(quantity_), dim_, in.state.scale.epsilon);
  std::vector<std::vector<double>> per_head(profile.heads.size(), std::vector<double>(profile.layers.size()));
  for (std::size_t l = 0; l < profile.layers.size(); ++l)
    for (std::size_t h = 0; h < profile.heads.size(); ++h) per_head[h][l] = profile.value[l][h];
  const PlotAxes left = plot_in(origin, ImVec2(origin.x + half - 8, origin.y + avail.y), int(profile.layers.size()),
                                finite_top(per_head));
  std::vector<std::string> layer_labels;
  for (int l : profile.layers) layer_labels.push_back(std::to_string(l));
  char name[64];
  std::snprintf(name, sizeof name, "H%d %s, by layer", dim_, layer_quantity_names[quantity_]);
  x_labels(left, layer_labels, name);
  ImGui::SetCursorScreenPos(left.min);
  ImGui::InvisibleButton("profile", ImVec2(left.max.x - left.min.x, left.max.y - left.min.y));
  const bool hovered_left = ImGui::IsItemHovered();
  const int near_left = draw_lines(per_head, profile.mean, left, highlighted_, hovered_left);

  // Right: the distance from each layer to the next.
  nlohmann::json request = {{"type", "layer-steps"}, {"entryA", in.entry->id}};
  distance_.fill(request);
  ImGui::SetCursorScreenPos(ImVec2(origin.x + half + 8, origin.y));
  ImGui::BeginGroup();
  const ComparisonResult* steps = request_comparison(in.state, out, "steps", request);
  int near_right = -1;
  if (comparison_status(steps, out, "steps")) {
    std::vector<std::vector<double>> rows;
    for (std::size_t r = 0; r + 1 < steps->rows.size(); ++r) {
      rows.emplace_back();
      for (std::size_t s = 0; s < steps->columns.size(); ++s) rows.back().push_back(steps->at(r, s));
    }
    std::vector<double> pooled;
    for (std::size_t s = 0; s < steps->columns.size(); ++s) pooled.push_back(steps->at(steps->rows.size() - 1, s));
    const ImVec2 min = ImGui::GetCursorScreenPos();
    std::vector<std::vector<double>> all = rows;
    all.push_back(pooled);
    const PlotAxes right = plot_in(min, ImVec2(origin.x + avail.x, origin.y + avail.y), int(steps->columns.size()), finite_top(all));
    std::vector<std::string> labels;
    for (std::size_t s = 0; s < steps->columns.size(); ++s)
      labels.push_back(std::to_string(profile.layers[s]) + "-" + std::to_string(profile.layers[s + 1]));
    std::snprintf(name, sizeof name, "%s of H%d, bold: pooled", distance_.label().c_str(), distance_.dim);
    x_labels(right, labels, name);
    ImGui::SetCursorScreenPos(right.min);
    ImGui::InvisibleButton("steps-plot", ImVec2(right.max.x - right.min.x, right.max.y - right.min.y));
    near_right = draw_lines(rows, pooled, right, highlighted_, ImGui::IsItemHovered());
    if (steps->columns.empty()) centred_note("one layer: no step to measure");
  }
  ImGui::EndGroup();

  highlighted_ = near_left >= 0 ? near_left : near_right;
  if (highlighted_ >= 0 && highlighted_ < int(profile.heads.size())) {
    ImGui::BeginTooltip();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(component_colour(highlighted_)), "head %d", profile.heads[std::size_t(highlighted_)]);
    ImGui::TextDisabled("bold: the mean over heads (left), all heads pooled (right)");
    ImGui::EndTooltip();
  }
  ImGui::End();
}

}  // namespace vitopo::app
