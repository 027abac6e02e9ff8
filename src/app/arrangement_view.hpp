// The tabs above the views beside the image: one head's topology, or one of
// the comparisons (heads and layers, through the layers, two images).
#pragma once

#include "view.hpp"

namespace vitopo::app {

class ArrangementView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

};

}  // namespace vitopo::app
