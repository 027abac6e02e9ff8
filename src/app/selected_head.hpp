// The selected head, worked out by the core on the page's main thread: its
// distance matrix, its persistence with birth/death simplices, its layouts,
// the skeleton at the current ε and the representative cycle of the
// selected bar. The worker's analysis carries only the diagrams; a view that
// highlights simplices or draws a cycle needs these, and at 50-200 tokens one
// head takes milliseconds. Everything is cached on what it depends on.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "core/analysis.hpp"
#include "core/layout.hpp"
#include "core/persistence.hpp"
#include "core/skeleton.hpp"

namespace vitopo::app {

struct SelectedHead {
  std::uint64_t revision = 0;  // bumped each time the head is worked out anew
  bool ready = false;          // false: nothing loaded, or `error`
  std::string error;           // why the head could not be analysed
  int layer = -1, head = -1;
  vitopo::AnalysisSettings settings;  // the settings it was computed with

  // Points of the distance matrix: tokens, or tokens without CLS.
  int points = 0;
  int first_token = 0;         // token of point 0 (1 when CLS is dropped)
  vitopo::PatchGrid grid;      // where each point sits on the image
  Eigen::MatrixXd distances;   // points × points
  std::vector<float> distances_f;  // the same, row-major float, for the heatmap
  double largest_distance = 0;
  vitopo::Persistence persistence;  // bars with their simplices, in the analysis' order
  double scale_limit = 0;      // the ε range the sliders offer: the largest finite death or distance

  vitopo::Layout grid_layout;  // patch centres (cols × rows units), CLS above
  vitopo::Layout mds;

  double skeleton_epsilon = -1;
  vitopo::Skeleton skeleton;   // at skeleton_epsilon

  double force_epsilon = -1;
  vitopo::Layout force;        // at force_epsilon

  BarSelection cycle_bar;
  std::vector<vitopo::Edge> cycle;  // representative cycle of cycle_bar (H1 only)
  std::string cycle_error;

  int token_of_point(int point) const { return point < 0 ? -1 : point + first_token; }
  int point_of_token(int token) const {
    const int p = token - first_token;
    return p >= 0 && p < points ? p : -1;
  }
  const vitopo::Bar* bar(const BarSelection& b) const {
    if (!b.valid() || b.dim >= int(persistence.barcodes.size())) return nullptr;
    const auto& bars = persistence.barcodes[std::size_t(b.dim)].bars;
    return b.index < int(bars.size()) ? &bars[std::size_t(b.index)] : nullptr;
  }
};

// The core's settings for the app's.
vitopo::AnalysisSettings core_settings(const AnalysisSettings& settings);

// Brings the selected head up to date with the state (attention, selection,
// the analysis' settings, ε, selected bar) and returns it.
const SelectedHead& selected_head(const AppState& state);

// The force layout at the current ε (computed on demand: it is the costly one).
const vitopo::Layout& selected_head_force_layout(const AppState& state);

}  // namespace vitopo::app
