// The persistence diagram of the selected head: (birth, death) points over
// the diagonal, essential classes on a top "∞" line, guides at ε; hover and
// click like the barcode.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class DiagramView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;
};

}  // namespace vitopo::app
