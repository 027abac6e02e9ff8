// Series: a perturbation's strength against the diagram distance to the
// unperturbed image, per head of the selected layer (heads thin, their mean
// bold) with the prediction's probability on a second axis; for occlusion,
// a heatmap over the patches of how far occluding each one moves the
// topology (the selected head, or the mean over heads); for frames, a
// timeline of the distance from each frame to the one before, with a frame
// slider and a play button. A click makes a frame current (or, with the
// right button, image B). The controls above run a series.
#pragma once

#include "view.hpp"

#include "comparison_plots.hpp"

namespace vitopo::app {

class SeriesView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  void controls(const ViewInput& in, Intents& out);
  void strength_plot(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max);
  void occlusion_map(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max);
  void timeline(const ViewInput& in, Intents& out, ImVec2 min, ImVec2 max);

  DistanceChoice distance_;
  int perturbation_ = 0;
  char strengths_[256] = "0, 0.05, 0.1, 0.2, 0.3";
  int seed_ = 0;
  std::string error_;
  bool mean_over_heads_ = true;
  bool playing_ = false;
  double play_clock_ = 0;
  int slider_ = 0;
};

}  // namespace vitopo::app
