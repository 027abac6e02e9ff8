// One cell per (layer, head), coloured by a summary of its diagram; a click
// selects the head.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class HeadGridView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  int choice_ = 0;  // which summary colours the cells
};

}  // namespace vitopo::app
