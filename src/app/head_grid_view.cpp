#include "head_grid_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "palette.hpp"
#include "panels.hpp"
#include "app/state/head_grid_layout.hpp"

namespace vitopo::app {

namespace {

struct SummaryChoice {
  const char* label;
  int dim;
  double (*value)(const vitopo::DimensionSummary&);
};
using vitopo::DimensionSummary;

const SummaryChoice choices[] = {
    {"H1 bars", 1, [](const DimensionSummary& s) { return double(s.bars); }},
    {"H1 total persistence", 1, [](const DimensionSummary& s) { return s.total_persistence_1; }},
    {"H1 longest bar", 1, [](const DimensionSummary& s) { return s.longest_finite; }},
    {"H1 persistence entropy", 1, [](const DimensionSummary& s) { return s.entropy; }},
    {"H0 total persistence", 0, [](const DimensionSummary& s) { return s.total_persistence_1; }},
    {"H0 longest bar", 0, [](const DimensionSummary& s) { return s.longest_finite; }},
    {"H2 bars", 2, [](const DimensionSummary& s) { return double(s.bars); }},
};
bool value_of(const vitopo::HeadAnalysis* head, const SummaryChoice& c, double& out) {
  if (!head || c.dim >= int(head->summary.size())) return false;
  out = c.value(head->summary[std::size_t(c.dim)]);
  return std::isfinite(out);
}

}  // namespace

void HeadGridView::show(const ViewInput& in, Intents& out) {
  ImGui::Begin(title().c_str(), nullptr, panel_flags);
  const AppState& state = in.state;
  if (!in.entry || (in.entry->analysis.results.empty() && !in.entry->partial)) {
    centred_note("the summary of every head appears here after the analysis");
    ImGui::End();
    return;
  }
  const vitopo::Analysis& analysis = in.entry->analysis;
  const int layers = analysis.layers, heads = analysis.heads;
  int& choice = choice_;

  ImGui::SetNextItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x * 0.6f));
  if (ImGui::BeginCombo("##summary", choices[choice].label)) {
    for (int i = 0; i < int(std::size(choices)); ++i) {
      if (choices[i].dim > analysis.settings.maxdim) continue;
      if (ImGui::Selectable(choices[i].label, i == choice)) choice = i;
    }
    ImGui::EndCombo();
  }
  if (choices[choice].dim > analysis.settings.maxdim) choice = 0;
  const SummaryChoice& c = choices[choice];

  double low = INFINITY, high = -INFINITY;
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < heads; ++h) {
      double v;
      if (value_of(analysis.find(l, h), c, v)) low = std::min(low, v), high = std::max(high, v);
    }
  if (low <= high) {
    ImGui::SameLine();
    ImGui::TextDisabled("%.3g … %.3g", low, high);
  }
  const bool streaming = in.entry->partial;  // heads not analysed yet are hatched
  if (streaming) {
    ImGui::SameLine();
    ImGui::TextDisabled("%d / %d heads", int(analysis.results.size()), layers * heads);
  }

  // Cells as large as fit, square, with the layer labels on the left and the
  // head labels (h0, h1, ...) on top: lower case, so they never read as H0, H1.
  // Every cell always fits; labels are thinned when cells are narrower than they are.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  char text[32];
  std::snprintf(text, sizeof text, "L%d", layers - 1);
  const float label_w = std::max(ImGui::CalcTextSize(text).x, ImGui::CalcTextSize("L00").x) + 8;
  const float label_h = ImGui::GetTextLineHeight() + 4;
  std::snprintf(text, sizeof text, "h%d", heads - 1);
  const HeadGridLayout g = head_grid_layout(avail.x, avail.y, label_w, label_h, ImGui::CalcTextSize(text).x,
                                            ImGui::GetTextLineHeight(), layers, heads);
  const float cell_w = g.cell_w, cell_h = g.cell_h;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 grid_min(origin.x + label_w, origin.y + label_h);
  ImDrawList* list = ImGui::GetWindowDrawList();
  for (int h = 0; h < heads; h += g.head_label_every) {
    std::snprintf(text, sizeof text, "h%d", h);
    const ImVec2 size = ImGui::CalcTextSize(text);
    list->AddText(ImVec2(grid_min.x + (h + 0.5f) * cell_w - size.x * 0.5f, origin.y), colours::text_dim, text);
  }
  for (int l = 0; l < layers; l += g.layer_label_every) {
    std::snprintf(text, sizeof text, "L%d", l);
    const ImVec2 size = ImGui::CalcTextSize(text);
    list->AddText(ImVec2(origin.x, grid_min.y + (l + 0.5f) * cell_h - size.y * 0.5f), colours::text_dim, text);
  }

  ImGui::SetCursorScreenPos(grid_min);
  ImGui::InvisibleButton("cells", ImVec2(cell_w * heads, cell_h * layers));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const int hover_l = hovered ? int((mouse.y - grid_min.y) / cell_h) : -1;
  const int hover_h = hovered ? int((mouse.x - grid_min.x) / cell_w) : -1;
  if (ImGui::IsItemClicked() && hover_l >= 0 && hover_l < layers && hover_h >= 0 && hover_h < heads) {
    out.raise({.kind = IntentKind::SelectHead, .layer = hover_l, .head = hover_h});
  }

  const float gap = std::min(cell_w, cell_h) > 20 ? 2.0f : 1.0f;
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < heads; ++h) {
      const ImVec2 a(grid_min.x + h * cell_w + gap * 0.5f, grid_min.y + l * cell_h + gap * 0.5f);
      const ImVec2 b(a.x + cell_w - gap, a.y + cell_h - gap);
      double v;
      const vitopo::HeadAnalysis* result = analysis.find(l, h);
      const bool known = value_of(result, c, v);
      const float t = known && high > low ? float((v - low) / (high - low)) : 0.5f;
      if (!result && streaming) {
        list->AddRect(a, b, IM_COL32(70, 76, 88, 255), 3);
        list->AddLine(ImVec2(a.x + 2, b.y - 2), ImVec2(b.x - 2, a.y + 2), IM_COL32(70, 76, 88, 255));
      } else {
        list->AddRectFilled(a, b, known ? colormap_u32(t) : IM_COL32(40, 44, 52, 255), 3);
      }
      if (known && cell_h > ImGui::GetTextLineHeight() + 4) {
        std::snprintf(text, sizeof text, (choice == 0 || choice == 6) ? "%.0f" : "%.2f", v);
        const ImVec2 size = ImGui::CalcTextSize(text);
        if (size.x < cell_w - 4)
          list->AddText(ImVec2((a.x + b.x - size.x) * 0.5f, (a.y + b.y - size.y) * 0.5f),
                        t > 0.6f ? IM_COL32(20, 20, 30, 255) : IM_COL32(240, 240, 245, 255), text);
      }
      if (l == state.selection.layer && h == state.selection.head)
        list->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(255, 255, 255, 255), 3, 0, 2.5f);
      else if (l == hover_l && h == hover_h)
        list->AddRect(a, b, IM_COL32(255, 255, 255, 140), 3, 0, 1.5f);
    }

  if (hovered && hover_l >= 0 && hover_l < layers && hover_h >= 0 && hover_h < heads) {
    ImGui::BeginTooltip();
    ImGui::Text("layer %d, head %d", hover_l, hover_h);
    double v;
    if (value_of(analysis.find(hover_l, hover_h), c, v)) ImGui::Text("%s: %.4g", c.label, v);
    else ImGui::TextDisabled(streaming ? "being analysed" : "not analysed yet");
    ImGui::TextDisabled("click to select");
    ImGui::EndTooltip();
  }
  ImGui::End();
}

}  // namespace vitopo::app
