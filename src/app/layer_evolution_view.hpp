// Through the layers: a summary of each head per layer (Betti numbers at ε,
// total persistence, entropy, bar counts), each head a thin line and the
// mean over heads in bold; beside it the diagram distance from layer l to
// l + 1, per head and pooled.
#pragma once

#include "view.hpp"

#include "comparison_plots.hpp"

namespace vitopo::app {

class LayerEvolutionView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  DistanceChoice distance_;
  int quantity_ = 0;
  int dim_ = 1;
  int highlighted_ = -1;  // the head under the mouse
};

}  // namespace vitopo::app
