// What a view asks for. A view never writes the state: it raises intents, and
// apply() (app_state.hpp) carries out those the app can handle itself
// (selection, ε, hover, play); the others go to the page (JS), which must
// handle every one of them (page_intent_names, checked when the page starts).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/analysis.hpp"

namespace vitopo::app {

// The bar the user clicked: barcode `dim` of the selected head, bar `index`
// in the order of the worker's Persistence::barcodes[dim]. index = -1: none.
struct BarSelection {
  int dim = -1;
  int index = -1;
  bool valid() const { return dim >= 0 && index >= 0; }
  friend bool operator==(const BarSelection&, const BarSelection&) = default;
};

enum class IntentKind : int {
  // The app's own.
  SelectHead,      // layer, head (clears the bar)
  SelectBar,       // bar (an invalid bar clears it)
  SetEpsilon,      // epsilon, set by the user: kept on a new head (the ε policy)
  Play,            // flag: start or stop sweeping ε
  Hover,           // token and bar under the mouse this frame (either may be none)
  Arrange,         // arrangement: which views fill the canvas beside the image
  SetPlayback,     // play_seconds (one sweep), flag: loop
  // The page's: they leave the app through the bridge.
  Compare,         // slot, key, request: a comparison the views want (web/comparisons.mjs)
  CancelComparison,  // slot
  SwapImages,
  OpenImageB,
  LoadSampleB,     // sample
  Reanalyse,       // settings
  Cancel,
  OpenImage,
  LoadSample,      // sample
  ExportAnalysis,
  CopyShareLink,
  RunSeries,       // request: a vitopo.series() request (JSON text)
  OpenFrames,      // request: the series' distance; the page asks for a video or images
  ShowFrame,       // frame; flag: as image B
};

struct Intent {
  IntentKind kind = IntentKind::Cancel;
  int layer = -1, head = -1;
  BarSelection bar;
  double epsilon = 0;
  bool flag = false;
  int token = -1;
  int sample = -1;
  int arrangement = 0;
  double play_seconds = 0;
  vitopo::AnalysisSettings settings;
  std::string slot, key, request;  // Compare: the slot it fills, its key, the request (JSON text)
  int frame = -1;                  // ShowFrame: the series' frame
};

// The page's intents by their name in the bridge's JSON ("compare",
// "reanalyse", ...), in IntentKind order from Compare on.
inline constexpr const char* page_intent_names[] = {
    "compare",     "cancel-comparison", "swap-images",     "open-image-b",   "load-sample-b", "reanalyse",
    "cancel",      "open-image",        "load-sample",     "export-analysis", "copy-share-link",
    "run-series",  "open-frames",       "show-frame"};
inline constexpr int first_page_intent = int(IntentKind::Compare);
inline constexpr int intent_kind_count = int(IntentKind::ShowFrame) + 1;
static_assert(intent_kind_count - first_page_intent == int(std::size(page_intent_names)),
              "every page intent has a name");

inline bool is_page_intent(IntentKind kind) { return int(kind) >= first_page_intent && int(kind) < intent_kind_count; }

struct UnknownIntent : std::logic_error {
  explicit UnknownIntent(int code) : std::logic_error("unknown intent kind " + std::to_string(code)) {}
};

// Where a view raises its intents: the only thing a view can write.
class Intents {
 public:
  void raise(const Intent& intent) { list_.push_back(intent); }
  std::vector<Intent> take() {
    std::vector<Intent> out;
    out.swap(list_);
    return out;
  }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<Intent> list_;
};

}  // namespace vitopo::app
