// How the analysis runs: metric, distribution options (seed-compatible mode
// included), maxdim with H2 opt-in, threshold. A change raises a Reanalyse
// intent; the worker runs and the views follow when its analysis lands.
#pragma once

#include "view.hpp"

namespace vitopo::app {

class SettingsView final : public View {
 public:
  using View::View;
  void show(const ViewInput& in, Intents& out) override;

 private:
  vitopo::AnalysisSettings edit_;       // what the controls show, until the analysis lands
  vitopo::AnalysisSettings shown_;      // the settings of the analysis last shown
  bool editing_ = false;
};

}  // namespace vitopo::app
