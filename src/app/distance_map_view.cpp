#include "distance_map_view.hpp"

#include <imgui.h>

#include <string>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

void DistanceMapView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  if (!in.entry) {
    centred_note("distances between the diagrams of heads and layers appear here");
    ImGui::End();
    return;
  }
  const vitopo::Analysis& analysis = in.entry->analysis;
  static const char* bys[] = {"heads in a layer", "layers"};
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("heads in a layer").x + 40);
  ImGui::Combo("##by", &by_, bys, 2);
  ImGui::SameLine();
  if (by_ == 1) {
    const std::string current = head_ < 0 ? "all heads pooled" : "head " + std::to_string(head_);
    ImGui::SetNextItemWidth(ImGui::CalcTextSize("all heads pooled").x + 40);
    if (ImGui::BeginCombo("##head", current.c_str())) {
      if (ImGui::Selectable("all heads pooled", head_ < 0)) head_ = -1;
      for (int h = 0; h < analysis.heads; ++h)
        if (ImGui::Selectable(("head " + std::to_string(h)).c_str(), head_ == h)) head_ = h;
      ImGui::EndCombo();
    }
    if (head_ >= analysis.heads) head_ = -1;
  } else {
    ImGui::Text("layer %d", in.state.selection.layer);
  }
  distance_.show("map", analysis.settings.maxdim);

  nlohmann::json request = {{"type", "compare"}, {"entryA", in.entry->id}, {"by", by_ == 0 ? "head" : "layer"}};
  if (by_ == 0) request["layer"] = in.state.selection.layer;
  else request["head"] = head_ < 0 ? nlohmann::json(nullptr) : nlohmann::json(head_);
  distance_.fill(request);
  const ComparisonResult* result = request_comparison(in.state, out, "map", request);
  if (!comparison_status(result, out, "map")) {
    ImGui::End();
    return;
  }
  const std::string name = by_ == 0 ? "head" : "layer";
  ImGui::TextDisabled("%s distance of H%d, %s × %s", distance_.label().c_str(), distance_.dim, name.c_str(), name.c_str());
  const ImVec2 min = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  bool clicked = false;
  const HeatmapCell marked = clicked_key_ == result->key ? clicked_ : HeatmapCell{};
  const HeatmapCell cell = draw_heatmap(*result, min, ImVec2(min.x + avail.x - 60, min.y + avail.y - 4), "map-cells",
                                        name, name, marked, clicked);
  if (clicked && cell.row >= 0) {
    clicked_ = cell;
    clicked_key_ = result->key;
    const int i = result->rows[std::size_t(cell.row)], j = result->columns[std::size_t(cell.column)];
    nlohmann::json a, b;
    if (by_ == 0) {
      a = {{"layer", in.state.selection.layer}, {"head", i}};
      b = {{"layer", in.state.selection.layer}, {"head", j}};
    } else {
      const nlohmann::json head = head_ < 0 ? nlohmann::json(nullptr) : nlohmann::json(head_);
      a = {{"layer", i}, {"head", head}};
      b = {{"layer", j}, {"head", head}};
    }
    nlohmann::json matching = {{"type", "match"}, {"entryA", in.entry->id}, {"entryB", in.entry->id}, {"a", a}, {"b", b}};
    distance_.fill(matching);
    request_comparison(in.state, out, "matching", matching);
  }
  ImGui::End();
}

}  // namespace vitopo::app
