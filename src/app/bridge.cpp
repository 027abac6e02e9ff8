// The bridge: the C functions the page's JS (web/app_bridge.mjs) calls to
// hand data to the views' state, and to take the views' intents.
//
// JS does only what only JS can do (run ONNX Runtime, decode files, run the
// worker). A workspace entry arrives once, complete: the model input, the
// attention, the worker's analysis in the core's binary record (decoded here
// once, never reparsed) and the prediction. Functions that can fail answer
// with reply.hpp's JSON; a refused input leaves the state as it was.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <stdexcept>
#include <string>

#include "bridge.hpp"
#include "panels.hpp"
#include "core/analysis_binary.hpp"
#include "core/analysis_json.hpp"
#include "core/model_spec_json.hpp"
#include "core/share_link.hpp"
#include "reply.hpp"

namespace vitopo::app {

AppState& app_state() {
  static AppState state;
  return state;
}

}  // namespace vitopo::app

namespace {

using nlohmann::json;
namespace app = vitopo::app;
namespace reply = vitopo::reply;
using reply::text_or_empty;

json bar_json(const app::BarSelection& bar) {
  return bar.valid() ? json{{"dim", bar.dim}, {"index", bar.index}} : json(nullptr);
}

json intent_json(const app::Intent& intent) {
  if (!app::is_page_intent(intent.kind)) throw app::UnknownIntent(int(intent.kind));
  json out{{"kind", app::page_intent_names[int(intent.kind) - app::first_page_intent]}};
  if (intent.kind == app::IntentKind::Reanalyse) {
    out["settings"] = vitopo::to_json(intent.settings);
  }
  if (intent.kind == app::IntentKind::LoadSample || intent.kind == app::IntentKind::LoadSampleB) out["sample"] = intent.sample;
  if (intent.kind == app::IntentKind::Compare) {
    out["slot"] = intent.slot;
    out["key"] = intent.key;
    out["request"] = json::parse(intent.request);
  }
  if (intent.kind == app::IntentKind::CancelComparison) out["slot"] = intent.slot;
  if (intent.kind == app::IntentKind::RunSeries || intent.kind == app::IntentKind::OpenFrames)
    out["request"] = json::parse(intent.request);
  if (intent.kind == app::IntentKind::ShowFrame) {
    out["frame"] = intent.frame;
    out["asB"] = intent.flag;
  }
  return out;
}

// a × b × c in 64 bits, refused unless it fits the address space (wasm32's
// size_t is 32 bits) with room for 8-byte values.
std::size_t count_of(int a, int b, int c, const char* what) {
  if (a <= 0 || b <= 0 || c <= 0) throw std::invalid_argument(std::string(what) + " must have positive sides");
  const std::uint64_t n = std::uint64_t(a) * std::uint64_t(b) * std::uint64_t(c);
  if (n > std::uint64_t(SIZE_MAX) / 16) throw std::invalid_argument(std::string(what) + " is too large for this tab's memory");
  return std::size_t(n);
}

}  // namespace

extern "C" {

// The model the page runs: its spec as the core module's validator gave it.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_model(const char* spec_json) {
  return reply::guarded([&] {
    vitopo::ModelSpec spec = vitopo::model_spec_from_json(json::parse(text_or_empty(spec_json)));
    app::AppState& state = app::app_state();
    state.model = std::move(spec);
    ++state.model_revision;
    return reply::ok();
  });
}

}  // extern "C"

namespace {

// An entry from the bridge's arguments (vitopo_bridge_add_entry's); throws
// std::invalid_argument for anything missing or inconsistent.
std::shared_ptr<app::WorkspaceEntry> entry_of(int id, const char* name, const char* model, int sample_label,
                                              const float* pixels, int channels, int height, int width,
                                              const std::uint8_t* rgba, int original_width, int original_height,
                                              const float* attention, int layers, int heads, int tokens,
                                              const std::uint8_t* analysis, int analysis_size,
                                              const float* probabilities, int classes, int label) {
  auto entry = std::make_shared<app::WorkspaceEntry>();
  entry->id = id;
  entry->name = text_or_empty(name);
  entry->model = text_or_empty(model);
  entry->sample_label = sample_label;
  if (!pixels || (channels != 1 && channels != 3)) throw std::invalid_argument("the model input must be 1 or 3 channels");
  const std::size_t pixel_count = count_of(channels, height, width, "the model input");
  entry->input.channels = channels, entry->input.height = height, entry->input.width = width;
  entry->input.pixels.assign(pixels, pixels + pixel_count);
  if (rgba && original_width > 0 && original_height > 0) {
    entry->input.original_width = original_width, entry->input.original_height = original_height;
    entry->input.original_rgba.assign(rgba, rgba + count_of(original_width, original_height, 4, "the image"));
  }
  if (!attention) throw std::invalid_argument("the entry has no attention");
  const std::size_t values = count_of(layers, heads, tokens, "the attention");
  if (values > SIZE_MAX / 16 / std::size_t(tokens)) throw std::invalid_argument("the attention is too large for this tab's memory");
  const std::size_t entries = values * std::size_t(tokens);
  entry->attention.layers = layers, entry->attention.heads = heads, entry->attention.tokens = tokens;
  entry->attention.data.assign(attention, attention + entries);
  if (!analysis || analysis_size <= 0) throw std::invalid_argument("the entry has no analysis");
  entry->analysis = vitopo::decode_analysis(std::span(analysis, std::size_t(analysis_size)));
  if (entry->analysis.layers != layers || entry->analysis.heads != heads || entry->analysis.tokens != tokens)
    throw std::invalid_argument("the analysis is of another attention tensor than the entry's");
  if (probabilities && classes > 0) {
    entry->prediction.probabilities.assign(probabilities, probabilities + classes);
    if (label >= 0 && label < classes) {
      entry->prediction.label = label;
      entry->prediction.probability = probabilities[label];
    }
  }
  return entry;
}

}  // namespace

extern "C" {

// Adds a complete workspace entry and makes it current:
//   the model input (C×H×W floats) and the image as loaded (RGBA, may be absent);
//   the attention [L, H, T, T] (float32);
//   the worker's analysis as encode_analysis() wrote it;
//   the prediction's probabilities and the page's argmax `label`.
// A current entry replaces the analysis that streamed in, if any.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_add_entry(int id, const char* name, const char* model,
                                                         int sample_label, const float* pixels, int channels,
                                                         int height, int width, const std::uint8_t* rgba,
                                                         int original_width, int original_height,
                                                         const float* attention, int layers, int heads, int tokens,
                                                         const std::uint8_t* analysis, int analysis_size,
                                                         const float* probabilities, int classes, int label,
                                                         int as_b) {
  return reply::guarded([&] {
    auto entry = entry_of(id, name, model, sample_label, pixels, channels, height, width, rgba, original_width,
                          original_height, attention, layers, heads, tokens, analysis, analysis_size, probabilities,
                          classes, label);
    app::AppState& state = app::app_state();
    state.workspace.add(std::move(entry), as_b != 0);
    if (as_b) {
      ++state.workspace_revision;
    } else {
      state.partial.entry = nullptr;
      app::on_current_entry_changed(state);
    }
    return reply::ok();
  });
}

// Image B becomes current, and the current image B.
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_swap_images() {
  app::AppState& state = app::app_state();
  if (state.workspace.swap_images()) app::on_current_entry_changed(state);
}

// The page's answer to a 'compare' intent: the worker's JSON (`result`), or
// `error`. An answer to a key the slot no longer waits for is dropped.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_comparison(const char* slot, const char* key, const char* result,
                                                              const char* error) {
  return reply::guarded([&] {
    app::AppState& state = app::app_state();
    auto it = state.comparisons.find(text_or_empty(slot));
    if (it == state.comparisons.end() || it->second.key != text_or_empty(key)) return reply::ok({{"taken", false}});
    app::ComparisonResult& r = it->second;
    const std::string message = text_or_empty(error);
    if (!message.empty()) {
      r.pending = false;
      r.ready = false;
      r.error = message;
    } else {
      app::read_comparison_result(json::parse(text_or_empty(result)), r);
    }
    ++state.workspace_revision;
    return reply::ok({{"taken", true}});
  });
}

EMSCRIPTEN_KEEPALIVE void vitopo_bridge_set_comparison_progress(const char* slot, const char* key, int done, int total) {
  app::AppState& state = app::app_state();
  auto it = state.comparisons.find(text_or_empty(slot));
  if (it == state.comparisons.end() || it->second.key != text_or_empty(key)) return;
  it->second.done = done;
  it->second.total = total;
  ++state.status.revision;
}

// The page's last series (vitopo.series/1), or "null" for none.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_series(const char* series_json) {
  return reply::guarded([&] {
    app::AppState& state = app::app_state();
    const json series = json::parse(text_or_empty(series_json));
    if (series.is_null()) {
      const std::uint64_t revision = state.series.revision;
      state.series = {};
      state.series.revision = revision + 1;
    } else {
      app::read_series(series, state.series);
    }
    ++state.workspace_revision;
    return reply::ok();
  });
}

// The frame of the series the page shows (-1: none).
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_set_series_frame(int frame) {
  app::AppState& state = app::app_state();
  state.series.shown = frame;
  ++state.workspace_revision;
}

// Drops an entry (the page evicted it, or replaced it).
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_remove_entry(int id) {
  app::AppState& state = app::app_state();
  const int current = state.workspace.current() ? state.workspace.current()->id : 0;
  if (!state.workspace.remove(id)) return;
  if (id == current)
    app::on_current_entry_changed(state);
  else
    ++state.workspace_revision;
}

EMSCRIPTEN_KEEPALIVE void vitopo_bridge_set_progress(int running, int done, int total, const char* stage) {
  app::Progress& progress = app::app_state().progress;
  progress.running = running != 0;
  progress.done = done;
  progress.total = total;
  progress.stage = text_or_empty(stage);
  if (!progress.running) progress.cancel_requested = false;
}

// One line of status; `error` (may be empty) wins when set.
EMSCRIPTEN_KEEPALIVE void vitopo_bridge_set_status(const char* message, const char* error) {
  app::Status& status = app::app_state().status;
  status.message = text_or_empty(message);
  status.error = text_or_empty(error);
  ++status.revision;
}

// The gallery: a JSON list of {"name", "label"}.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_samples(const char* samples_json) {
  return reply::guarded([&] {
    std::vector<app::Sample> samples;
    for (const json& s : json::parse(text_or_empty(samples_json)))
      samples.push_back({s.value("name", std::string()), s.value("label", -1)});
    app::app_state().samples = std::move(samples);
    return reply::ok();
  });
}

// {"ok": true, "intents": ["reanalyse", ...]}: the name of every intent the
// views can send the page, which must handle them all.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_page_intents() {
  return reply::guarded([&] { return reply::ok({{"intents", app::page_intent_names}}); });
}

// {"ok": true, "intents": [{"kind": "reanalyse", "settings": {...}}, ...]}:
// the page's intents since the last call. JS calls it once per animation frame.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_take_intents() {
  return reply::guarded([&] {
    json list = json::array();
    app::AppState& state = app::app_state();
    std::vector<app::Intent> outbox;
    outbox.swap(state.outbox);
    for (const app::Intent& intent : outbox) list.push_back(intent_json(intent));
    return reply::ok({{"intents", list}});
  });
}

// The shared selection and scale: {"layer", "head", "bar", "epsilon"}.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_selection() {
  return reply::guarded([&] {
    const app::AppState& state = app::app_state();
    return reply::ok({{"layer", state.selection.layer}, {"head", state.selection.head},
                      {"bar", bar_json(state.selection.bar)}, {"epsilon", state.scale.epsilon}});
  });
}

// Selects a head, a bar (bar_dim < 0: none) and ε in the current entry, once
// the core finds them in its analysis; the views follow on the next frame.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_select(int layer, int head, int bar_dim, int bar_index, double epsilon) {
  return reply::guarded([&] {
    app::AppState& state = app::app_state();
    const app::WorkspaceEntry* entry = state.workspace.current();
    if (!entry) throw std::invalid_argument("nothing is analysed yet");
    vitopo::SharedSelection s{layer, head, epsilon, std::nullopt};
    if (bar_dim >= 0) s.bar = vitopo::BarRef{bar_dim, bar_index};
    vitopo::check_selection(s, entry->analysis);
    app::apply(state, {.kind = app::IntentKind::SelectHead, .layer = layer, .head = head});
    app::apply(state, {.kind = app::IntentKind::SelectBar, .bar = bar_dim >= 0 ? app::BarSelection{bar_dim, bar_index}
                                                                              : app::BarSelection{}});
    app::apply(state, {.kind = app::IntentKind::SetEpsilon, .epsilon = epsilon});
    return reply::ok({{"selection", {{"layer", layer}, {"head", head}, {"epsilon", epsilon},
                                     {"bar", bar_json(state.selection.bar)}}}});
  });
}

// The panels drawn in the last frame: {"ok": true, "panels": [{"id",
// "title", "x", "y", "width", "height"}]} in CSS pixels of the canvas.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_panels() {
  return reply::guarded([&] {
    json list = json::array();
    for (const app::PanelPlace& p : app::placed_panels())
      list.push_back({{"id", p.id}, {"title", p.title}, {"x", p.position.x}, {"y", p.position.y},
                      {"width", p.size.x}, {"height", p.size.y}});
    return reply::ok({{"panels", list}});
  });
}

// Shows an arrangement by its index in arrangement_names (0: one head);
// false for an index out of range.
EMSCRIPTEN_KEEPALIVE int vitopo_bridge_arrange(int arrangement) {
  if (arrangement < 0 || arrangement >= app::arrangement_count) return 0;
  app::apply(app::app_state(), {.kind = app::IntentKind::Arrange, .arrangement = arrangement});
  return 1;
}

// The panels not to draw: a JSON list of panel ids (a lesson link's).
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_hidden_panels(const char* ids) {
  return reply::guarded([&] {
    const json list = json::parse(text_or_empty(ids));
    if (!list.is_array()) throw std::invalid_argument("the hidden panels must be a list of panel ids");
    std::vector<std::string> hidden;
    for (const json& id : list) {
      if (!id.is_string()) throw std::invalid_argument("a panel id must be a string");
      hidden.push_back(id.get<std::string>());
    }
    app::app_state().hidden_panels = std::move(hidden);
    ++app::app_state().workspace_revision;
    return reply::ok();
  });
}

// The presentation scale of the views' text and controls, clamped to 1 to 2;
// returns the scale set.
EMSCRIPTEN_KEEPALIVE double vitopo_bridge_set_ui_scale(double scale) {
  app::AppState& state = app::app_state();
  state.ui_scale = std::isfinite(scale) ? float(std::clamp(scale, 1.0, 2.0)) : 1.0f;
  ++state.workspace_revision;
  return state.ui_scale;
}

// --- The analysis streaming in (app_state.hpp's PartialAnalysis) ----------

// Shows the analysis of a new image as it streams in, instead of the current
// entry: the arguments of vitopo_bridge_add_entry (without id and as_b), the
// analysis being the worker's first record, without heads.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_begin_partial(const char* name, const char* model, int sample_label,
                                                             const float* pixels, int channels, int height, int width,
                                                             const std::uint8_t* rgba, int original_width,
                                                             int original_height, const float* attention, int layers,
                                                             int heads, int tokens, const std::uint8_t* analysis,
                                                             int analysis_size, const float* probabilities, int classes,
                                                             int label) {
  return reply::guarded([&] {
    app::begin_partial(app::app_state(),
                       entry_of(0, name, model, sample_label, pixels, channels, height, width, rgba, original_width,
                                original_height, attention, layers, heads, tokens, analysis, analysis_size,
                                probabilities, classes, label));
    return reply::ok();
  });
}

// The next heads of the streaming analysis: a worker's record of them.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_add_partial_heads(const std::uint8_t* analysis, int analysis_size) {
  return reply::guarded([&] {
    if (!analysis || analysis_size <= 0) throw std::invalid_argument("no heads were given");
    app::add_partial_heads(app::app_state(), vitopo::decode_analysis(std::span(analysis, std::size_t(analysis_size))));
    return reply::ok();
  });
}

// Stops showing the streaming analysis; 1 if there was one.
EMSCRIPTEN_KEEPALIVE int vitopo_bridge_drop_partial() { return app::drop_partial(app::app_state()) ? 1 : 0; }

// {"ok": true, "shown": bool, "heads": n, "total": L·H, "drawnHeads": n,
// "firstDrawnAt": ms | null}: the streaming analysis the views show (heads
// and total 0 when none), and of the last stream, the heads the last frame
// showing it drew and when a frame first drew one (performance.now()).
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_partial() {
  return reply::guarded([&] {
    const app::PartialAnalysis& p = app::app_state().partial;
    const vitopo::Analysis* a = p.entry ? &p.entry->analysis : nullptr;
    return reply::ok({{"shown", a != nullptr},
                      {"heads", a ? a->results.size() : 0},
                      {"total", a ? std::uint64_t(a->layers) * std::uint64_t(a->heads) : 0},
                      {"drawnHeads", p.drawn_heads},
                      {"firstDrawnAt", p.first_drawn_ms > 0 ? json(p.first_drawn_ms) : json(nullptr)}});
  });
}

}  // extern "C"
