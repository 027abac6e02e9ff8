// The bridge's share-link functions (web/share_link.mjs, web/app_bridge.mjs):
// make the link of what the app shows, read a link for the loaded model, and
// restore its selection. The encoding and every check are the core's
// (src/core/share_link.hpp); this file only moves plain data across.
//
// Replies are JSON, {"ok": true, ...} or {"ok": false, "error": "...",
// "kind": "<ShareLinkError kind>"}, valid until the next call of this file.
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "core/analysis.hpp"
#include "core/analysis_json.hpp"
#include "core/share_link.hpp"

namespace {

using nlohmann::json;
namespace app = vitopo::app;

std::string reply;
std::vector<float> link_pixels;  // the last opened link's image, read by JS right after the call

const char* answer(json body) {
  // A link's model name is arbitrary bytes: never let it make dump() throw.
  reply = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return reply.c_str();
}

const char* ok(json body = json::object()) {
  body["ok"] = true;
  return answer(std::move(body));
}

template <typename Body>
const char* guarded(Body&& body) {
  try {
    return body();
  } catch (const vitopo::ShareLinkError& e) {
    return answer({{"ok", false}, {"error", e.what()}, {"kind", vitopo::share_link_error_name(e.kind())}});
  } catch (const std::exception& e) {
    return answer({{"ok", false}, {"error", e.what()}});
  }
}

std::string text_or_empty(const char* s) { return s ? std::string(s) : std::string(); }

// {"fingerprint", "name", "channels", "height", "width", "layers", "heads"}: the model the page runs.
vitopo::LoadedModel loaded_model(const json& model) {
  vitopo::LoadedModel loaded;
  loaded.model = vitopo::model_identity(model.at("fingerprint").get<std::string>(), model.value("name", std::string()));
  loaded.channels = model.at("channels").get<int>();
  loaded.height = model.at("height").get<int>();
  loaded.width = model.at("width").get<int>();
  loaded.layers = model.value("layers", 0);
  loaded.heads = model.value("heads", 0);
  return loaded;
}

json selection_json(const vitopo::SharedSelection& s) {
  return {{"layer", s.layer}, {"head", s.head}, {"epsilon", s.epsilon},
          {"bar", s.bar ? json{{"dim", s.bar->dim}, {"index", s.bar->index}} : json(nullptr)}};
}

vitopo::SharedSelection selection_from(int layer, int head, int bar_dim, int bar_index, double epsilon) {
  vitopo::SharedSelection s{layer, head, epsilon, std::nullopt};
  if (bar_dim >= 0) s.bar = vitopo::BarRef{bar_dim, bar_index};
  return s;
}

// The analysis the app shows, read back by the core's reader (with its bars).
vitopo::Analysis shown_analysis() {
  const app::AppState& state = app::app_state();
  if (state.analysis.empty() || state.analysis.json.empty())
    throw std::invalid_argument("nothing is analysed yet");
  return vitopo::analysis_from_json(json::parse(state.analysis.json));
}

}  // namespace

extern "C" {

// {"ok": true, "fingerprint": "<32 hex digits>"}: the first 16 bytes of the
// SHA-256 of an ONNX file, which names the model in a share link.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_model_fingerprint(const std::uint8_t* bytes, int size) {
  return guarded([&] {
    if (!bytes || size < 0) throw std::invalid_argument("no model bytes");
    const vitopo::ModelIdentity id = vitopo::identify_model(std::span(bytes, std::size_t(size)), "");
    return ok({{"fingerprint", vitopo::fingerprint_hex(id)}});
  });
}

// {"ok": true, "link": "#v1=..."}: the link of what the app shows: the
// model input it was given, the settings of its analysis, the selected
// layer, head and bar, and ε. `model_json`: {"fingerprint", "name"}.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_share_link(const char* model_json) {
  return guarded([&] {
    const json model = json::parse(text_or_empty(model_json));
    const app::AppState& state = app::app_state();
    const vitopo::Analysis analysis = shown_analysis();
    if (state.image.empty()) throw std::invalid_argument("the app has no model input to share");
    vitopo::SharedView view;
    view.model = vitopo::model_identity(model.at("fingerprint").get<std::string>(), model.value("name", std::string()));
    view.image = {state.image.channels, state.image.height, state.image.width, state.image.pixels};
    view.settings = analysis.settings;
    const app::BarSelection& bar = state.selection.bar;
    view.selection = selection_from(state.selection.layer, state.selection.head, bar.valid() ? bar.dim : -1, bar.index,
                                    state.scale.epsilon);
    vitopo::check_selection(view.selection, analysis);
    return ok({{"link", vitopo::encode_share_link(view)}});
  });
}

// Reads a link for the loaded model (`model_json`: {"fingerprint", "name",
// "channels", "height", "width", "layers", "heads"}): {"ok": true, "image":
// {"channels", "height", "width"}, "settings": {...analysis JSON settings},
// "selection": {"layer", "head", "epsilon", "bar": {"dim", "index"} | null},
// "model": {"fingerprint", "name"}}; the pixels are then at
// vitopo_bridge_share_link_pixels(). A link made with another model replies
// with kind "model" and the model it needs in "needs".
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_open_share_link(const char* link, const char* model_json) {
  return guarded([&] {
    const vitopo::LoadedModel loaded = loaded_model(json::parse(text_or_empty(model_json)));
    vitopo::SharedView view;
    try {
      view = vitopo::decode_share_link(text_or_empty(link), loaded);
    } catch (const vitopo::ShareLinkError& e) {
      if (e.kind() != vitopo::ShareLinkError::Kind::model) throw;
      // Which model the link needs, so the page can open it once that model is loaded.
      const vitopo::ModelIdentity needs = vitopo::share_link_model(text_or_empty(link));
      return answer({{"ok", false}, {"error", e.what()}, {"kind", "model"},
                     {"needs", {{"fingerprint", vitopo::fingerprint_hex(needs)}, {"name", needs.name}}}});
    }
    vitopo::Analysis settings_only;
    settings_only.settings = view.settings;
    link_pixels = std::move(view.image.pixels);
    return ok({{"image", {{"channels", view.image.channels}, {"height", view.image.height}, {"width", view.image.width}}},
               {"settings", vitopo::to_json(settings_only).at("settings")},
               {"selection", selection_json(view.selection)},
               {"model", {{"fingerprint", vitopo::fingerprint_hex(view.model)}, {"name", view.model.name}}}});
  });
}

EMSCRIPTEN_KEEPALIVE const float* vitopo_bridge_share_link_pixels() { return link_pixels.data(); }

// Checks a selection against an analysis (vitopo.analysis/1 text) before it
// is shown: the head was analysed, the bar is in its diagram (bar_dim < 0:
// no bar), ε is finite and non-negative.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_check_selection(const char* analysis_json, int layer, int head,
                                                               int bar_dim, int bar_index, double epsilon) {
  return guarded([&] {
    const vitopo::Analysis analysis = vitopo::analysis_from_json(json::parse(text_or_empty(analysis_json)));
    vitopo::check_selection(selection_from(layer, head, bar_dim, bar_index, epsilon), analysis);
    return ok();
  });
}

// Selects a head, a bar (bar_dim < 0: none) and ε in the analysis the app
// shows, after the same checks; the views follow on the next frame.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_select(int layer, int head, int bar_dim, int bar_index, double epsilon) {
  return guarded([&] {
    const vitopo::SharedSelection s = selection_from(layer, head, bar_dim, bar_index, epsilon);
    vitopo::check_selection(s, shown_analysis());
    app::AppState& state = app::app_state();
    state.selection.layer = s.layer;
    state.selection.head = s.head;
    state.selection.bar = s.bar ? app::BarSelection{s.bar->dim, s.bar->index} : app::BarSelection{};
    ++state.selection.revision;
    state.scale.playing = false;
    state.scale.epsilon = s.epsilon;
    state.scale.chosen = true;
    return ok({{"selection", selection_json(s)}});
  });
}

}  // extern "C"
