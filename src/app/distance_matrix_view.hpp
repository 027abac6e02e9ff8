// The selected head's distance matrix as a heatmap (shader), with a colour
// bar and a readout of the hovered entry.
#pragma once

#include "view.hpp"
#include <cstdint>
#include "render/heatmap.hpp"

namespace vitopo::app {

class DistanceMatrixView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  render::Heatmap heatmap_;
  std::uint64_t uploaded_revision_ = 0;
  bool mark_epsilon_ = false;
};

}  // namespace vitopo::app
