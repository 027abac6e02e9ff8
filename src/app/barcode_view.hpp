// The barcode of the selected head: H0 and H1 bars (H2 when computed), the
// line at ε, birth and death on hover, and a click selects a bar.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class BarcodeView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  bool dragging_epsilon_ = false;
};

}  // namespace vitopo::app
