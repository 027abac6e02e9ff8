// What the comparison views share: the choice of diagram distance and
// dimension, asking the page for a comparison (a 'compare' intent, answered
// by the page's comparison worker), the heatmap of a distance matrix, and a
// matching drawn between two diagrams. Nothing here computes a distance.
#pragma once

#include <imgui.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/state/app_state.hpp"
#include "core/persistence.hpp"

namespace vitopo::app {

// Bottleneck, or p-Wasserstein with p = 1 or 2, in dimension `dim`.
struct DistanceChoice {
  int kind = 0;  // 0 bottleneck, 1 W1, 2 W2
  int dim = 1;

  // Draws the controls (a combo and one radio button per computed dimension).
  void show(const char* id, int maxdim);
  // {"dim", "distance", "order"} of a request.
  void fill(nlohmann::json& request) const;
  std::string label() const;  // "bottleneck", "W1", "W2"
};

// The slot's result for `request` (which names its entries by id), raising
// the 'compare' intent when the slot holds another request. Null until asked.
const ComparisonResult* request_comparison(const AppState& state, Intents& out, const std::string& slot,
                                           const nlohmann::json& request);

// A line of progress with a Cancel button while the slot is pending, its
// error otherwise; true when the result is ready to draw.
bool comparison_status(const ComparisonResult* result, Intents& out, const std::string& slot);

// A distance written for people: "∞" for +∞.
std::string distance_text(double distance);

struct HeatmapCell {
  int row = -1, column = -1;
};

// A heatmap of `result`'s matrix in the rectangle [min, max], colour-mapped
// from 0 to the largest finite entry; +∞ cells are hatched and marked "∞".
// `row_label(i)`/`column_label(j)` name the cells in the tooltip. Returns the
// hovered cell; `clicked` is set when it was clicked. `marked` is outlined.
HeatmapCell draw_heatmap(const ComparisonResult& result, ImVec2 min, ImVec2 max, const char* id,
                         const std::string& row_name, const std::string& column_name, HeatmapCell marked,
                         bool& clicked);

// The bars of dimension `dim` of a head of `entry` (head -1: its layer's
// heads pooled, one after the other), or empty when absent.
std::vector<const vitopo::Bar*> diagram_bars(const WorkspaceEntry* entry, int layer, int head, int dim);

// Two diagrams in one plot (A's points in one colour, B's in another) with
// the matching's pairs as lines: matched points joined, unmatched points
// joined to their nearest diagonal point; the longest pair (the bottleneck)
// is emphasised. With `side_by_side` A and B get a plot each, on one scale,
// and the lines cross from one to the other.
void draw_matching(const std::vector<const vitopo::Bar*>& a, const std::vector<const vitopo::Bar*>& b,
                   const ComparisonResult& matching, ImVec2 min, ImVec2 max, bool side_by_side,
                   const char* label_a, const char* label_b);

inline constexpr ImU32 colour_a = IM_COL32(94, 160, 255, 255);
inline constexpr ImU32 colour_b = IM_COL32(255, 159, 67, 255);

}  // namespace vitopo::app
