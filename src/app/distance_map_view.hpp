// Heads × heads within a layer, or layers × layers for one head or all heads
// pooled: a heatmap of diagram distances. Hovering a cell shows its value;
// clicking it asks for the matching, which the matching view draws.
#pragma once

#include "view.hpp"

#include "comparison_plots.hpp"

namespace vitopo::app {

class DistanceMapView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  DistanceChoice distance_;
  int by_ = 0;       // 0: heads in the selected layer, 1: layers
  int head_ = -1;    // by layers: the head, -1 for all heads pooled
  HeatmapCell clicked_;
  std::string clicked_key_;  // the map the clicked cell belongs to
};

}  // namespace vitopo::app
