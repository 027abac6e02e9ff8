// The page's application state: what every view reads. The bridge
// (src/app/bridge.cpp, called from JS) fills the inputs; the views read the
// state as const and raise intents; apply() carries out the app's own
// intents (the selection and ε policies below) and queues the page's for
// the bridge. Nothing here draws, and nothing here computes science: the
// analysis is the worker's, in the core's own types.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/state/comparison_result.hpp"
#include "app/state/head_details.hpp"
#include "app/state/intents.hpp"
#include "app/state/series.hpp"
#include "app/state/workspace.hpp"
#include "core/onnx_model.hpp"

namespace vitopo::app {

// The worker's progress, as the page reports it.
struct Progress {
  bool running = false;
  int done = 0, total = 0;   // heads
  std::string stage;         // "running the model", "analysing heads"...
  bool cancel_requested = false;
};

// One line of status under the views; `error` wins over `message`.
struct Status {
  std::string message;
  std::string error;
  std::uint64_t revision = 0;
};

// The selection every view shares.
struct Selection {
  int layer = 0, head = 0;
  BarSelection bar;            // clicked bar
  BarSelection hovered_bar;    // under the mouse last frame (transient)
  int hovered_token = -1;      // under the mouse last frame, in any view (transient)
  std::uint64_t revision = 0;  // bumped when layer, head or bar change
};

// The scale ε every view shares, and the sweep of the play button.
//
// The ε policy: when another head or image is shown, ε is kept if the user
// set it (a view, a link or vitopo.select()) and it lies in the new head's
// range; otherwise it becomes the default, the median finite H0 death (half
// of the merges have happened: the components are neither all single tokens
// nor one blob).
struct Scale {
  double epsilon = 0;
  bool user_set = false;
  bool playing = false;
  double play_seconds = 6;     // one sweep from 0 to the head's scale limit
  bool loop = false;           // start again from 0 at the end of a sweep
};

// A sample of the gallery, as the page announces it.
struct Sample {
  std::string name;
  int label = -1;
};

// What fills the canvas beside the image, the layer × head grid and the
// settings: one head's topology, or one of the comparisons.
enum class Arrangement : int { Head, Compare, Layers, Images, Series };
inline constexpr const char* arrangement_names[] = {"One head", "Heads & layers", "Through the layers", "Two images", "Series"};
inline constexpr int arrangement_count = int(std::size(arrangement_names));

// An analysis streaming in from the worker (the page's request in flight),
// shown instead of the current entry while its heads arrive in (layer,
// head) order, until the page commits the whole analysis (the entry it adds
// replaces this one) or drops it (a cancel, a newer request, a failure): the
// current entry is then shown again, its bar still selected.
struct PartialAnalysis {
  std::shared_ptr<WorkspaceEntry> entry;  // null when nothing streams; entry->partial is set
  BarSelection kept_bar;       // the current entry's bar, given back when the stream is dropped
  int drawn_heads = 0;         // heads of the last stream in the last frame that showed it
  double first_drawn_ms = 0;   // when a frame first showed one of its heads (performance.now()); 0: not yet
};

struct AppState {
  // Inputs (the bridge).
  vitopo::ModelSpec model;
  std::uint64_t model_revision = 0;
  Workspace workspace;
  std::uint64_t workspace_revision = 0;
  Progress progress;
  Status status;
  std::vector<Sample> samples;

  // The user's view of it (apply()).
  Selection selection;
  Scale scale;
  Arrangement arrangement = Arrangement::Head;
  std::vector<std::string> hidden_panels;  // panel ids a lesson link hides ("barcode", ...)
  float ui_scale = 1;                      // the presentation scale, 1 to 2

  // The comparisons the views asked for, by slot ("map", "steps", ...): a
  // 'compare' intent marks its slot pending under the request's key, and the
  // bridge fills it when the page's worker answers that key.
  std::map<std::string, ComparisonResult> comparisons;
  const ComparisonResult* comparison(const std::string& slot) const {
    auto it = comparisons.find(slot);
    return it == comparisons.end() ? nullptr : &it->second;
  }

  // The last series the page ran (vitopo.series()), and its frame shown.
  SeriesData series;

  // The page's intents, waiting for the bridge.
  std::vector<Intent> outbox;

  // The analysis streaming in, if any (the views show it instead of the current entry).
  PartialAnalysis partial;
  // What the views show: the partial analysis, else the current entry.
  std::shared_ptr<const WorkspaceEntry> shown_entry() const;
};

// The default ε of a head: the median finite H0 death; half the scale limit
// when H0 has no finite death.
double default_epsilon(const HeadDetails& head);

// Carries out one intent: the app's own change the selection or the scale,
// the page's are queued in `outbox`. Throws UnknownIntent for a kind that is
// not an IntentKind.
void apply(AppState& state, const Intent& intent);

// A new entry became current (a new image, or another entry chosen): the
// selected bar belongs to the old diagrams and is cleared; layer and head are
// kept when the new analysis has them.
void on_current_entry_changed(AppState& state);

// The stream of a new analysis: `entry` (its analysis without heads yet)
// is shown from now on; a stream already shown is replaced.
void begin_partial(AppState& state, std::shared_ptr<WorkspaceEntry> entry);
// The next heads of the stream, in order. Throws std::invalid_argument when
// nothing streams or `heads` is not the continuation of its analysis.
void add_partial_heads(AppState& state, const vitopo::Analysis& heads);
// Ends the stream without an entry: the current entry is shown again, its
// bar selected. False when nothing streamed.
bool drop_partial(AppState& state);
// After a frame drew `shown`: how much of the stream it showed, at `now_ms`.
void note_frame_drawn(AppState& state, const WorkspaceEntry* shown, double now_ms);

// Once per frame, before drawing, with the details of the current head:
// applies the ε policy when the head changed since the last call, clamps ε
// into the head's range and advances the play sweep by `seconds`.
void settle_scale(AppState& state, const HeadDetails& head, double seconds, std::uint64_t& seen_revision);

}  // namespace vitopo::app
