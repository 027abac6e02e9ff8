#include "image_pair_view.hpp"

#include <imgui.h>

#include <cmath>
#include <string>

#include "palette.hpp"
#include "panels.hpp"

namespace vitopo::app {

namespace {

std::string prediction_text(const AppState& state, const WorkspaceEntry& entry) {
  const Prediction& p = entry.prediction;
  std::string label = p.label >= 0 && std::size_t(p.label) < state.model.labels.size() ? state.model.labels[std::size_t(p.label)]
                                                                                        : "class " + std::to_string(p.label);
  char percent[16];
  std::snprintf(percent, sizeof percent, " (%.1f%%)", 100 * p.probability);
  return entry.name + ": " + label + percent;
}

}  // namespace

void ImagePairView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  const WorkspaceEntry* b = state.workspace.image_b();
  if (!in.entry) {
    centred_note("analyse an image first; then load image B here to compare the two");
    ImGui::End();
    return;
  }
  // The B slot.
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_a), "A  %s", prediction_text(state, *in.entry).c_str());
  if (b) {
    ImGui::SameLine(0, 24);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour_b), "B  %s", prediction_text(state, *b).c_str());
    ImGui::SameLine(0, 24);
    if (ImGui::Button("Swap A and B")) out.raise({.kind = IntentKind::SwapImages});
  } else {
    ImGui::TextDisabled("Image B: drop an image on this panel, open a file, or choose a sample.");
  }
  if (ImGui::Button(b ? "Open another B…" : "Open image B…")) out.raise({.kind = IntentKind::OpenImageB});
  if (!state.samples.empty()) {
    ImGui::SameLine();
    sample_ = std::clamp(sample_, 0, int(state.samples.size()) - 1);
    ImGui::SetNextItemWidth(160);
    if (ImGui::BeginCombo("##sample-b", state.samples[std::size_t(sample_)].name.c_str())) {
      for (int k = 0; k < int(state.samples.size()); ++k)
        if (ImGui::Selectable(state.samples[std::size_t(k)].name.c_str(), k == sample_)) sample_ = k;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("Sample as B")) out.raise({.kind = IntentKind::LoadSampleB, .sample = sample_});
  }
  if (!b) {
    ImGui::End();
    return;
  }
  distance_.show("images", in.entry->analysis.settings.maxdim);

  // Every (layer, head): the distance between A's and B's diagrams.
  nlohmann::json request = {{"type", "compare"}, {"by", "image"}, {"entryA", in.entry->id}, {"entryB", b->id}};
  distance_.fill(request);
  const ComparisonResult* grid = request_comparison(state, out, "images", request);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float grid_w = std::floor(avail.x * 0.36f);
  ImGui::BeginGroup();
  if (comparison_status(grid, out, "images")) {
    ImGui::TextDisabled("%s of H%d, A vs B; rows layers, columns heads", distance_.label().c_str(), distance_.dim);
    const ImVec2 min = ImGui::GetCursorScreenPos();
    bool clicked = false;
    HeatmapCell selected;
    for (std::size_t i = 0; i < grid->rows.size(); ++i)
      for (std::size_t j = 0; j < grid->columns.size(); ++j)
        if (grid->rows[i] == state.selection.layer && grid->columns[j] == state.selection.head) selected = {int(i), int(j)};
    const HeatmapCell cell = draw_heatmap(*grid, min, ImVec2(origin.x + grid_w, origin.y + avail.y - 4), "image-cells",
                                          "layer", "head", selected, clicked);
    if (clicked && cell.row >= 0)
      out.raise({.kind = IntentKind::SelectHead, .layer = grid->rows[std::size_t(cell.row)],
                 .head = grid->columns[std::size_t(cell.column)]});
  }
  ImGui::EndGroup();

  // The selected head's two diagrams, side by side, with their matching.
  ImGui::SetCursorScreenPos(ImVec2(origin.x + grid_w + 12, origin.y));
  ImGui::BeginGroup();
  const int layer = state.selection.layer, head = state.selection.head;
  nlohmann::json matching = {{"type", "match"},
                             {"entryA", in.entry->id},
                             {"entryB", b->id},
                             {"a", {{"layer", layer}, {"head", head}}},
                             {"b", {{"layer", layer}, {"head", head}}}};
  distance_.fill(matching);
  const ComparisonResult* m = request_comparison(state, out, "images-matching", matching);
  if (comparison_status(m, out, "images-matching")) {
    ImGui::Text("layer %d, head %d: %s = %s", layer, head, distance_.label().c_str(), distance_text(m->distance).c_str());
    if (std::isinf(m->distance)) ImGui::TextDisabled("different numbers of essential classes: no finite matching");
    const ImVec2 min = ImGui::GetCursorScreenPos();
    draw_matching(diagram_bars(in.entry, layer, head, distance_.dim), diagram_bars(b, layer, head, distance_.dim), *m, min,
                  ImVec2(origin.x + avail.x, origin.y + avail.y), true, "A", "B");
  }
  ImGui::EndGroup();
  ImGui::End();
}

}  // namespace vitopo::app
