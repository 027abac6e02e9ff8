// The core module: vitopo's science compiled without any UI, for the page's
// JS (web/core.mjs). The analysis worker runs every head through it off the UI
// thread; the main thread uses it to check a model against the contract and to
// preprocess an image.
//
// Every function returns a JSON reply, {"ok": true, ...} or
// {"ok": false, "error": "<the core's message>"}, in a buffer that stays valid
// until the next call, so no C++ exception ever crosses into JS.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/analysis.hpp"
#include "core/analysis_json.hpp"
#include "core/attention.hpp"
#include "core/onnx_model.hpp"
#include "core/preprocess.hpp"

namespace {

std::string reply;               // the last reply, read by JS right after the call
std::vector<float> preprocessed;  // the last model input, read by JS right after preprocess

const char* ok(const nlohmann::json& body) {
  nlohmann::json out = body;
  out["ok"] = true;
  reply = out.dump();
  return reply.c_str();
}

const char* failure(const std::string& message) {
  reply = nlohmann::json{{"ok", false}, {"error", message}}.dump();
  return reply.c_str();
}

const char* background_name(vitopo::Background b) {
  switch (b) {
    case vitopo::Background::dark: return "dark";
    case vitopo::Background::light: return "light";
    case vitopo::Background::none: return "none";
  }
  return "none";
}

vitopo::Background background_of(const std::string& name) {
  if (name == "dark") return vitopo::Background::dark;
  if (name == "light") return vitopo::Background::light;
  if (name == "none") return vitopo::Background::none;
  throw std::invalid_argument("unknown background \"" + name + "\" (dark, light or none)");
}

// The model spec as the page passes it around (JS, the bridge) and back.
nlohmann::json spec_json(const vitopo::ModelSpec& spec) {
  const vitopo::ImageInputSpec& in = spec.input;
  return {{"id", spec.id},
          {"name", spec.name},
          {"dataset", spec.dataset},
          {"test_accuracy", spec.test_accuracy ? nlohmann::json(*spec.test_accuracy) : nlohmann::json(nullptr)},
          {"input", {{"channels", in.channels}, {"height", in.height}, {"width", in.width},
                     {"background", background_name(in.background)}, {"mean", in.mean}, {"std", in.std},
                     {"content_threshold", in.content_threshold}}},
          {"patch", spec.patch},
          {"grid", {spec.grid_rows, spec.grid_cols}},
          {"cls", spec.cls},
          {"tokens", spec.tokens},
          {"layers", spec.layers},
          {"heads", spec.heads},
          {"labels", spec.labels}};
}

vitopo::ImageInputSpec image_input_spec(const nlohmann::json& spec) {
  const nlohmann::json& in = spec.at("input");
  vitopo::ImageInputSpec out;
  out.channels = in.at("channels").get<int>();
  out.height = in.at("height").get<int>();
  out.width = in.at("width").get<int>();
  out.background = background_of(in.at("background").get<std::string>());
  out.mean = in.value("mean", std::vector<float>{});
  out.std = in.value("std", std::vector<float>{});
  out.content_threshold = in.value("content_threshold", out.content_threshold);
  return out;
}

// Settings from the analysis JSON's "settings" object, read by the same code
// that reads a whole analysis, so the page and the CLI agree on every field.
vitopo::AnalysisSettings settings_from_json(const nlohmann::json& settings) {
  nlohmann::json document = vitopo::to_json(vitopo::Analysis{});
  if (!settings.is_object()) throw vitopo::AnalysisJsonError("the settings must be a JSON object");
  for (const auto& [key, value] : settings.items()) {
    if (!document["settings"].contains(key)) throw vitopo::AnalysisJsonError("unknown setting \"" + key + "\"");
    document["settings"][key] = value;
  }
  return vitopo::analysis_from_json(document).settings;
}

}  // namespace

// Progress of the analysis, relayed to the worker's onProgress(done, total).
EM_JS(void, vitopo_report_progress, (int done, int total), {
  if (Module['onProgress']) Module['onProgress'](done, total);
});

extern "C" {

EMSCRIPTEN_KEEPALIVE void* vitopo_core_alloc(std::size_t bytes) { return std::malloc(bytes); }
EMSCRIPTEN_KEEPALIVE void vitopo_core_free(void* p) { std::free(p); }

// {"ok": true, "settings": {...}}: the analysis settings used when none are given.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_default_settings() {
  try {
    return ok({{"settings", vitopo::to_json(vitopo::Analysis{}).at("settings")}});
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

// Reads settings (the analysis JSON's "settings", possibly partial) the way
// an analysis would: {"ok": true, "settings": {...complete...}} or the message.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_check_settings(const char* settings_json) {
  try {
    vitopo::Analysis empty;
    empty.settings = settings_from_json(nlohmann::json::parse(settings_json));
    return ok({{"settings", vitopo::to_json(empty).at("settings")}});
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

// Checks ONNX bytes against the model contract: {"ok": true, "spec": {...}}
// or the validator's message.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_validate_model(const std::uint8_t* bytes, std::size_t size) {
  try {
    const vitopo::ModelSpec spec = vitopo::read_model_spec(std::span<const std::uint8_t>(bytes, size));
    return ok({{"spec", spec_json(spec)}});
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

// Preprocesses a width×height RGBA image for the model `spec_json` (the spec
// validate_model returned): {"ok": true, "dims": [1, C, H, W], ...}; the pixels
// are then at vitopo_core_preprocessed().
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_preprocess(const std::uint8_t* rgba, int width, int height,
                                                         const char* spec_json) {
  try {
    const vitopo::ImageInputSpec input = image_input_spec(nlohmann::json::parse(spec_json));
    const std::size_t size = width > 0 && height > 0 ? std::size_t(width) * std::size_t(height) * 4 : 0;
    vitopo::ModelImage image = vitopo::preprocess_image(std::span<const std::uint8_t>(rgba, size), width, height,
                                                        input);
    preprocessed = std::move(image.pixels);
    return ok({{"dims", {1, image.channels, image.height, image.width}},
               {"inverted", image.inverted},
               {"content", {image.content.x, image.content.y, image.content.width, image.content.height}}});
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

EMSCRIPTEN_KEEPALIVE const float* vitopo_core_preprocessed() { return preprocessed.data(); }

// Analyses every head of an L×H×T×T float32 attention tensor with the given
// settings (the analysis JSON's "settings", possibly partial). The reply is
// {"ok":true,"analysis":<vitopo.analysis/1>} or the core's message. Heads are
// analysed on `threads` threads (at most the module's analysisPoolSize + 1; the
// calling one is among them). Progress goes to Module.onProgress as heads finish.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_analyse(const float* data, int layers, int heads, int tokens,
                                                      const char* settings_json, int threads) {
  try {
    const std::int64_t shape[4] = {layers, heads, tokens, tokens};
    const std::size_t count = std::size_t(layers) * std::size_t(heads) * std::size_t(tokens) * std::size_t(tokens);
    const vitopo::AttentionTensor attention = vitopo::AttentionTensor::from_buffer(std::span<const float>(data, count), shape);
    const vitopo::AnalysisSettings settings = settings_from_json(nlohmann::json::parse(settings_json));
    const vitopo::Analysis analysis = vitopo::analyze(attention, settings, {}, unsigned(std::max(threads, 1)),
                                                      [](std::size_t done, std::size_t total) {
      vitopo_report_progress(int(done), int(total));
      return true;
    });
    reply = "{\"ok\":true,\"analysis\":" + vitopo::to_json_text(analysis) + "}";
    return reply.c_str();
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

}  // extern "C"
