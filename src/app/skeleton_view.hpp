// The 1-skeleton of the Rips complex at ε: tokens laid out on the patch
// grid, by MDS or by the force layout (core), edges with d <= ε coloured by
// component, the ε slider and a play button that sweeps ε.
#pragma once

#include "view.hpp"
#include "render/line_batch.hpp"

namespace vitopo::app {

class SkeletonView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;
  bool wants_force_layout() const override { return arrangement_ == Arrangement::Force; }

 private:
  enum class Arrangement { PatchGrid, Mds, Force };
  Arrangement arrangement_ = Arrangement::Mds;
  render::LineBatch edge_lines_, highlight_lines_;
};

}  // namespace vitopo::app
