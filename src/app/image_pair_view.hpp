// Two images: the B slot (drop an image on this panel, pick a file, or a
// sample), the distance between A and B for every (layer, head), and for the
// selected head the two diagrams side by side with their matching, and both
// predictions. A and B can be swapped.
#pragma once

#include "view.hpp"

#include "comparison_plots.hpp"

namespace vitopo::app {

class ImagePairView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  DistanceChoice distance_;
  int sample_ = 0;
};

}  // namespace vitopo::app
