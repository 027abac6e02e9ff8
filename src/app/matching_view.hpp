// The matching behind a cell of the distance map: the two diagrams overlaid
// in two colours, matched points joined, unmatched points joined to the
// diagonal, the pair that attains the bottleneck distance emphasised.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class MatchingView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

};

}  // namespace vitopo::app
