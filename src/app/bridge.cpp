// The bridge: the C functions the page's JS (web/app_bridge.mjs) calls to
// hand data into the AppState, and to drain the views' intents.
//
// JS does only what only JS can do (run ONNX Runtime, decode files, run the
// worker); everything it hands over lands here as plain data, and the views
// draw it on the next frame. Functions that can fail return a JSON reply,
// {"ok": true} or {"ok": false, "error": "..."}, valid until the next call:
// no C++ exception crosses into JS, and a rejected input leaves the state as
// it was (the previous analysis stays on screen).
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "analysis_import.hpp"
#include "app_state.hpp"
#include "core/analysis.hpp"
#include "core/analysis_json.hpp"
#include "core/metrics.hpp"

namespace {

using nlohmann::json;
namespace app = vitopo::app;

std::string reply;

const char* ok(json body = json::object()) {
  body["ok"] = true;
  reply = body.dump();
  return reply.c_str();
}

const char* failure(const std::string& message) {
  reply = json{{"ok", false}, {"error", message}}.dump();
  return reply.c_str();
}

template <typename Body>
const char* guarded(Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

app::Metric app_metric(vitopo::Metric metric) { return app::Metric(int(metric)); }

// The analysis JSON's "settings" spelling of the app's settings.
json settings_json(const app::AnalysisSettings& s) {
  const int metric = int(s.metric);
  if (metric < 0 || metric >= app::metric_count) throw std::invalid_argument("unknown metric " + std::to_string(metric));
  return {{"metric", app::metric_names[metric]},
          {"columns", s.columns},
          {"drop_cls", s.drop_cls},
          {"seed_compatible", s.seed_compatible},
          {"maxdim", s.max_dim},
          {"threshold", std::isinf(s.threshold) ? json(nullptr) : json(s.threshold)},
          {"modulus", s.modulus}};
}

json bar_json(const app::BarSelection& bar) { return {{"dim", bar.dim}, {"index", bar.index}}; }

json intent_json(const app::Intent& intent) {
  switch (intent.kind) {
    case app::IntentKind::Reanalyse: return {{"kind", "reanalyse"}, {"settings", settings_json(intent.settings)}};
    case app::IntentKind::Cancel: return {{"kind", "cancel"}};
    case app::IntentKind::SelectionChanged:
      return {{"kind", "selection"}, {"layer", intent.layer}, {"head", intent.head},
              {"bar", bar_json(intent.bar)}, {"epsilon", intent.epsilon}};
    case app::IntentKind::OpenImage: return {{"kind", "open-image"}};
    case app::IntentKind::LoadSample: return {{"kind", "load-sample"}, {"sample", intent.sample}};
    case app::IntentKind::ExportAnalysis: return {{"kind", "export-analysis"}};
    case app::IntentKind::CopyShareLink: return {{"kind", "copy-share-link"}};
  }
  return {{"kind", "unknown"}, {"code", int(intent.kind)}};
}

std::string text_or_empty(const char* s) { return s ? std::string(s) : std::string(); }

}  // namespace

extern "C" {

// The model the page runs: its spec as the core module's validator returned
// it (src/app/worker/core_module.cpp, spec_json), already checked against the
// contract.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_model(const char* spec_json) {
  return guarded([&] {
    const json spec = json::parse(text_or_empty(spec_json));
    app::ModelInfo model;
    const json& input = spec.at("input");
    model.name = spec.value("name", std::string("model"));
    model.input_width = input.at("width").get<int>();
    model.input_height = input.at("height").get<int>();
    model.channels = input.at("channels").get<int>();
    model.patch = spec.at("patch").get<int>();
    model.grid_rows = spec.at("grid").at(0).get<int>();
    model.grid_cols = spec.at("grid").at(1).get<int>();
    model.has_cls = spec.at("cls").get<bool>();
    model.labels = spec.value("labels", std::vector<std::string>{});
    model.dataset = spec.value("dataset", std::string());
    const json& accuracy = spec.value("test_accuracy", json(nullptr));
    model.test_accuracy = accuracy.is_number() ? accuracy.get<double>() : 0.0;
    app::AppState& state = app::app_state();
    state.model = std::move(model);
    ++state.model_revision;
    return ok();
  });
}

// The image as the model sees it (channels × height × width floats in [0, 1])
// and the user's original, downscaled for display (RGBA bytes; may be empty).
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_image(const char* name, int width, int height, int channels,
                                                         const float* pixels, int original_width,
                                                         int original_height, const std::uint8_t* rgba,
                                                         int sample_label) {
  return guarded([&] {
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) || !pixels) {
      throw std::invalid_argument("the model image must be C×H×W with C = 1 or 3 and positive sides");
    }
    app::ImageInput& image = app::app_state().image;
    const std::uint64_t revision = image.revision;
    image = {};
    image.name = text_or_empty(name);
    image.width = width;
    image.height = height;
    image.channels = channels;
    image.pixels.assign(pixels, pixels + std::size_t(width) * std::size_t(height) * std::size_t(channels));
    if (rgba && original_width > 0 && original_height > 0) {
      image.original_width = original_width;
      image.original_height = original_height;
      image.original_rgba.assign(rgba, rgba + std::size_t(original_width) * std::size_t(original_height) * 4);
    }
    image.sample_label = sample_label;
    image.revision = revision + 1;
    return ok();
  });
}

// The attention probabilities of the current image, [layers, heads, tokens, tokens].
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_attention(const float* data, int layers, int heads, int tokens) {
  return guarded([&] {
    if (layers <= 0 || heads <= 0 || tokens <= 0 || !data) {
      throw std::invalid_argument("the attention tensor must have positive layers, heads and tokens");
    }
    app::AttentionTensor& attention = app::app_state().attention;
    attention.layers = layers;
    attention.heads = heads;
    attention.tokens = tokens;
    attention.data.assign(data, data + std::size_t(layers) * std::size_t(heads) * std::size_t(tokens) * std::size_t(tokens));
    ++attention.revision;
    return ok();
  });
}

// The worker's analysis (vitopo.analysis/1 JSON text). Read by the core's own
// reader; a malformed one is refused with its message and the old one stays.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_analysis(const char* analysis_json) {
  return guarded([&] {
    std::string text = text_or_empty(analysis_json);
    const vitopo::Analysis core = vitopo::analysis_from_json(json::parse(text));
    app::Analysis analysis = app::import_analysis(core, std::move(text));
    app::AppState& state = app::app_state();
    analysis.revision = state.analysis.revision + 1;
    state.analysis = std::move(analysis);
    state.settings = state.analysis.settings;
    ++state.settings_revision;
    if (state.selection.layer >= state.analysis.layers || state.selection.head >= state.analysis.heads) {
      state.selection = {};
      ++state.selection.revision;
    }
    return ok();
  });
}

// The softmax of the logits.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_prediction(const float* probabilities, int count) {
  return guarded([&] {
    app::Prediction prediction;
    if (probabilities && count > 0) {
      prediction.probabilities.assign(probabilities, probabilities + count);
      for (int i = 0; i < count; ++i) {
        if (prediction.label < 0 || probabilities[i] > probabilities[prediction.label]) prediction.label = i;
      }
      prediction.probability = probabilities[prediction.label];
    }
    app::app_state().prediction = std::move(prediction);
    return ok();
  });
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
  return guarded([&] {
    std::vector<app::Sample> samples;
    for (const json& s : json::parse(text_or_empty(samples_json))) {
      samples.push_back({s.value("name", std::string()), s.value("label", -1)});
    }
    app::app_state().samples = std::move(samples);
    return ok();
  });
}

// The settings the settings view shows, in the analysis JSON's spelling (set
// when the page API patches them).
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_set_settings(const char* settings_json_text) {
  return guarded([&] {
    const json s = json::parse(text_or_empty(settings_json_text));
    app::AnalysisSettings settings = app::app_state().settings;
    if (s.contains("metric")) settings.metric = app_metric(vitopo::parse_metric(s.at("metric").get<std::string>()));
    if (s.contains("columns")) settings.columns = s.at("columns").get<bool>();
    if (s.contains("drop_cls")) settings.drop_cls = s.at("drop_cls").get<bool>();
    if (s.contains("seed_compatible")) settings.seed_compatible = s.at("seed_compatible").get<bool>();
    if (s.contains("maxdim")) settings.max_dim = s.at("maxdim").get<int>();
    if (s.contains("threshold")) {
      settings.threshold = s.at("threshold").is_null() ? vitopo::infinity : s.at("threshold").get<double>();
    }
    if (s.contains("modulus")) settings.modulus = s.at("modulus").get<int>();
    app::AppState& state = app::app_state();
    state.settings = settings;
    ++state.settings_revision;
    return ok();
  });
}

// The views' intents since the last call, as a JSON list, e.g.
// [{"kind":"reanalyse","settings":{...}}, {"kind":"cancel"}]. JS calls it once
// per animation frame.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_take_intents() {
  return guarded([&] {
    json list = json::array();
    for (const app::Intent& intent : app::app_state().take_intents()) list.push_back(intent_json(intent));
    reply = list.dump();
    return reply.c_str();
  });
}

// The shared selection and scale, for the share link: {"layer", "head", "bar", "epsilon"}.
EMSCRIPTEN_KEEPALIVE const char* vitopo_bridge_selection() {
  return guarded([&] {
    const app::AppState& state = app::app_state();
    return ok({{"layer", state.selection.layer}, {"head", state.selection.head},
               {"bar", bar_json(state.selection.bar)}, {"epsilon", state.scale.epsilon}});
  });
}

}  // extern "C"
