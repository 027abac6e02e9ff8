// The bottom line: the worker's progress with a cancel button while it runs,
// then the status or the error of the last action.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class StatusView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;
};

}  // namespace vitopo::app
