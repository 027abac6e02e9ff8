// The 1-skeleton of the Rips complex at ε: tokens laid out on the patch
// grid, by MDS or by the force layout (core), edges with d <= ε coloured by
// component, the ε slider and a play button that sweeps ε. With "Triangles"
// on, the 2-simplices at ε are filled in under the edges, and a selected H1
// bar's cycle is drawn as not yet born, alive or filled in (dead) by ε, with
// a legend: the user sees a loop appear and the triangles close it.
#pragma once

#include "view.hpp"
#include "render/line_batch.hpp"
#include "render/triangle_batch.hpp"

namespace vitopo::app {

class SkeletonView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;
  bool wants_force_layout() const override { return arrangement_ == Arrangement::Force; }
  bool wants_triangles() const override { return show_triangles_; }

 private:
  enum class Arrangement { PatchGrid, Mds, Force };
  Arrangement arrangement_ = Arrangement::Mds;
  bool show_triangles_ = true;
  render::LineBatch edge_lines_, highlight_lines_;
  render::TriangleBatch triangle_fill_;
};

}  // namespace vitopo::app
