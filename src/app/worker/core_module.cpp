// The core module: vitopo's science and its codecs compiled without any UI,
// for the page's JS (web/core.mjs). The analysis worker runs every head
// through it off the UI thread; the main thread uses it to check a model
// against the contract, preprocess an image, fingerprint a model, make and
// read share links and turn an analysis into JSON. None of it needs the
// views, so all of it works in a page without WebGL2.
//
// Every function answers with reply.hpp's JSON, or a binary result read by
// JS right after the call (vitopo_core_result), so no C++ exception ever
// crosses into JS.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "app/reply.hpp"
#include "core/analysis.hpp"
#include "core/analysis_binary.hpp"
#include "core/analysis_json.hpp"
#include "core/attention.hpp"
#include "core/export.hpp"
#include "core/comparison.hpp"
#include "core/familiarity.hpp"
#include "core/model_spec_json.hpp"
#include "core/npy.hpp"
#include "core/onnx_model.hpp"
#include "core/perturbation.hpp"
#include "core/preprocess.hpp"
#include "core/sha256.hpp"
#include "core/share_link.hpp"
#include "core/summaries.hpp"

namespace {

namespace reply = vitopo::reply;
using nlohmann::json;
using reply::text_or_empty;

// The last binary result (model input, analysis record, a link's pixels),
// read by JS right after the call that made it.
std::vector<std::uint8_t> result;

template <typename T>
void keep(const std::vector<T>& values) {
  result.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(result.data(), values.data(), result.size());
}

// Settings from the analysis JSON's "settings" object, read by the same code
// that reads a whole analysis, so the page and the CLI agree on every field.
vitopo::AnalysisSettings settings_from_json(const json& settings) {
  json document = vitopo::to_json(vitopo::Analysis{});
  if (!settings.is_object()) throw vitopo::AnalysisJsonError("the settings must be a JSON object");
  for (const auto& [key, value] : settings.items()) {
    if (!document["settings"].contains(key)) throw vitopo::AnalysisJsonError("unknown setting \"" + key + "\"");
    document["settings"][key] = value;
  }
  return vitopo::analysis_from_json(document).settings;
}

vitopo::Analysis analysis_of(const std::uint8_t* bytes, int size) {
  if (!bytes || size <= 0) throw std::invalid_argument("no analysis");
  return vitopo::decode_analysis(std::span(bytes, std::size_t(size)));
}

vitopo::SharedSelection selection_of(const json& s) {
  vitopo::SharedSelection out{s.at("layer").get<int>(), s.at("head").get<int>(), s.at("epsilon").get<double>(),
                              std::nullopt};
  if (s.contains("bar") && !s.at("bar").is_null())
    out.bar = vitopo::BarRef{s.at("bar").at("dim").get<int>(), s.at("bar").at("index").get<int>()};
  return out;
}

json selection_json(const vitopo::SharedSelection& s) {
  return {{"layer", s.layer}, {"head", s.head}, {"epsilon", s.epsilon},
          {"bar", s.bar ? json{{"dim", s.bar->dim}, {"index", s.bar->index}} : json(nullptr)}};
}

// A comparison's distance from the page's request: {"distance":
// "bottleneck" | "wasserstein", "order": p, "dim": d}; missing fields take
// their defaults (bottleneck, p = 1, H1).
vitopo::DiagramDistance distance_of(const json& request) {
  vitopo::DiagramDistance how;
  if (request.contains("distance") && !request.at("distance").is_null()) {
    if (!request.at("distance").is_string()) throw std::invalid_argument("distance must be 'bottleneck' or 'wasserstein'");
    how.kind = vitopo::parse_diagram_distance(request.at("distance").get<std::string>());
  }
  if (request.contains("order") && !request.at("order").is_null()) {
    if (!request.at("order").is_number()) throw std::invalid_argument("order must be a number p >= 1");
    how.order = request.at("order").get<double>();
    if (!(how.order >= 1) || !std::isfinite(how.order)) throw std::invalid_argument("order must be a number p >= 1");
  }
  return how;
}

// An integer field of a request, or `fallback` when it is absent or null.
int int_field(const json& request, const char* name, int fallback) {
  if (!request.contains(name) || request.at(name).is_null()) return fallback;
  const json& v = request.at(name);
  if (!v.is_number_integer()) throw std::invalid_argument(std::string(name) + " must be an integer");
  const auto n = v.get<std::int64_t>();
  if (n < 0 || n > 1 << 20) throw std::invalid_argument(std::string(name) + " " + std::to_string(n) + " is out of range");
  return int(n);
}

}  // namespace

// Progress of the analysis, relayed to the worker's onProgress(done, total).
EM_JS(void, vitopo_report_progress, (int done, int total), {
  if (Module['onProgress']) Module['onProgress'](done, total);
});

namespace {

vitopo::JobProgress report_progress() {
  return [](std::size_t done, std::size_t total) {
    vitopo_report_progress(int(done), int(total));
    return true;
  };
}

}  // namespace

namespace {

// Share links, version 2 (share_link.hpp): the quantisation as JSON
// {"low": [...], "step": [...]}, one number a channel (float32 values, which
// JSON numbers hold exactly).
json quantisation_json(const vitopo::QuantisedInput& q) { return {{"low", q.low}, {"step", q.step}}; }

vitopo::QuantisedInput quantised_of(const json& q, int channels, int height, int width) {
  vitopo::QuantisedInput out{channels, height, width, {}, {}, {}};
  if (!q.is_object() || !q.contains("low") || !q.contains("step") || !q.at("low").is_array() || !q.at("step").is_array())
    throw std::invalid_argument("the quantisation must be {low: [...], step: [...]}");
  for (const json& x : q.at("low")) out.low.push_back(x.get<float>());
  for (const json& x : q.at("step")) out.step.push_back(x.get<float>());
  return out;
}

// A v2 link read for `loaded`: as vitopo_core_open_share_link's reply, with
// "version": 2 and "quantisation"; the binary result is the deflated codes,
// which the page inflates (web/share_link_v2.mjs).
const char* open_share_link_v2(const std::string& link, const vitopo::LoadedModel& loaded) {
  const vitopo::SharedViewV2 view = vitopo::decode_share_link_v2(link, loaded);
  keep(view.deflated);
  const vitopo::QuantisedInput& image = view.image;
  return reply::ok({{"version", 2},
                    {"image", {{"channels", image.channels}, {"height", image.height}, {"width", image.width},
                               {"name", view.image_name}}},
                    {"quantisation", quantisation_json(image)},
                    {"settings", vitopo::to_json(view.settings)},
                    {"selection", selection_json(view.selection)},
                    {"model", {{"fingerprint", vitopo::fingerprint_hex(view.model)}, {"name", view.model.name}}}});
}

}  // namespace

// The analysis streams out (Module.onHeads, when the caller set it): a
// record with no heads as it starts, then one for each batch of finished
// heads, in order. Each is encode_analysis()'s record, copied out for JS,
// with its number of heads.
EM_JS(int, vitopo_wants_heads, (), { return Module['onHeads'] ? 1 : 0; });
EM_JS(void, vitopo_report_heads, (const std::uint8_t* bytes, int size, int heads), {
  Module['onHeads'](HEAPU8.slice(bytes, bytes + size), heads);
});

namespace {

// Posts a record of `heads` (none: the analysis' start) of `shape`'s analysis.
void report_heads(const vitopo::AnalysisSettings& settings, const std::int64_t (&shape)[4],
                  std::span<const vitopo::HeadAnalysis> heads) {
  vitopo::Analysis part;
  part.settings = settings;
  part.layers = int(shape[0]), part.heads = int(shape[1]), part.tokens = int(shape[2]);
  part.results.assign(heads.begin(), heads.end());
  const std::vector<std::uint8_t> record = vitopo::encode_analysis(part);
  vitopo_report_heads(record.data(), int(record.size()), int(heads.size()));
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE void* vitopo_core_alloc(std::size_t bytes) { return std::malloc(bytes); }
EMSCRIPTEN_KEEPALIVE void vitopo_core_free(void* p) { std::free(p); }

// The last binary result and its size in bytes.
EMSCRIPTEN_KEEPALIVE const std::uint8_t* vitopo_core_result() { return result.data(); }
EMSCRIPTEN_KEEPALIVE std::size_t vitopo_core_result_size() { return result.size(); }

// {"ok": true, "settings": {...}}: the analysis settings used when none are given.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_default_settings() {
  return reply::guarded([] { return reply::ok({{"settings", vitopo::to_json(vitopo::AnalysisSettings{})}}); });
}

// Reads settings (the analysis JSON's "settings", possibly partial) the way
// an analysis would: {"ok": true, "settings": {...complete...}} or the message.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_check_settings(const char* settings) {
  return reply::guarded([&] {
    return reply::ok({{"settings", vitopo::to_json(settings_from_json(json::parse(text_or_empty(settings))))}});
  });
}

// Checks ONNX bytes against the model contract: {"ok": true, "spec": {...},
// "fingerprint": "<32 hex digits>", "sha256": "<64 hex digits>"} or the
// validator's message. The fingerprint (the first 16 bytes of the file's
// SHA-256) names the model in share links. `sha256_hex`, when not empty, is
// the file's SHA-256 as the page already computed it (the browser's
// crypto.subtle, several times faster than hashing hundreds of megabytes
// here); otherwise the core computes it.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_validate_model(const std::uint8_t* bytes, std::size_t size,
                                                             const char* sha256_hex) {
  return reply::guarded([&] {
    const std::span<const std::uint8_t> file(bytes, size);
    const vitopo::ModelSpec spec = vitopo::read_model_spec(file);
    std::string digest = text_or_empty(sha256_hex);
    if (digest.empty()) digest = vitopo::hex(vitopo::sha256(file));
    if (digest.size() != 64) throw std::invalid_argument("a SHA-256 is 64 hexadecimal digits");
    const vitopo::ModelIdentity identity = vitopo::model_identity(std::string_view(digest).substr(0, 32), spec.name);
    return reply::ok({{"spec", vitopo::to_json(spec)}, {"fingerprint", vitopo::fingerprint_hex(identity)}, {"sha256", digest}});
  });
}

// Preprocesses a width×height RGBA image for the model `spec` (as
// validate_model gave it): {"ok": true, "dims": [1, C, H, W], ...}; the
// pixels (float32) are then the binary result.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_preprocess(const std::uint8_t* rgba, int width, int height,
                                                         const char* spec) {
  return reply::guarded([&] {
    const vitopo::ImageInputSpec input = vitopo::model_spec_from_json(json::parse(text_or_empty(spec))).input;
    const std::size_t size =
        width > 0 && height > 0 ? std::size_t(std::uint64_t(width) * std::uint64_t(height) * 4) : 0;
    vitopo::ModelImage image = vitopo::preprocess_image(std::span(rgba, size), width, height, input);
    keep(image.pixels);
    return reply::ok({{"dims", {1, image.channels, image.height, image.width}},
                      {"inverted", image.inverted},
                      {"content", {image.content.x, image.content.y, image.content.width, image.content.height}}});
  });
}

// Analyses every head of an L×H×T×T float32 attention tensor with the given
// settings (the analysis JSON's "settings", possibly partial) on `threads`
// threads (at most the module's analysisPoolSize + 1; the calling one is
// among them). The reply is {"ok": true, "settings": {...}, "heads": n}; the
// analysis is then the binary result, encode_analysis()'s record. Progress
// goes to Module.onProgress as heads finish; the heads themselves, as they
// finish, to Module.onHeads when it is set (vitopo_report_heads).
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_analyse(const float* data, int layers, int heads, int tokens,
                                                      const char* settings_text, int threads) {
  return reply::guarded([&] {
    if (layers <= 0 || heads <= 0 || tokens <= 0) throw std::invalid_argument("the attention tensor is empty");
    const std::int64_t shape[4] = {layers, heads, tokens, tokens};
    const std::uint64_t count = std::uint64_t(layers) * std::uint64_t(heads) * std::uint64_t(tokens) * std::uint64_t(tokens);
    // The core holds the tensor as doubles: refuse what this address space cannot.
    if (count > std::uint64_t(SIZE_MAX) / sizeof(double))
      throw std::invalid_argument("the attention tensor " + std::to_string(layers) + " × " + std::to_string(heads) + " × " +
                                  std::to_string(tokens) + " × " + std::to_string(tokens) + " is too large for this tab's memory");
    const auto attention = vitopo::AttentionTensor::from_buffer(std::span(data, std::size_t(count)), shape);
    const vitopo::AnalysisSettings settings = settings_from_json(json::parse(text_or_empty(settings_text)));
    vitopo::HeadsFinished stream;
    if (vitopo_wants_heads()) {
      settings.effective_metric();  // a bad combination is refused before anything streams
      report_heads(settings, shape, {});
      stream = [&](std::span<const vitopo::HeadAnalysis> heads) { report_heads(settings, shape, heads); };
    }
    const vitopo::Analysis analysis =
        vitopo::analyze(attention, settings, {}, unsigned(std::max(threads, 1)), report_progress(), stream);
    result = vitopo::encode_analysis(analysis);
    return reply::ok({{"settings", vitopo::to_json(analysis.settings)}, {"heads", analysis.results.size()}});
  });
}

// The analysis JSON (vitopo.analysis/1) of an analysis record.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_analysis_json(const std::uint8_t* bytes, int size) {
  return reply::guarded([&] { return reply::send_text(vitopo::to_json_text(analysis_of(bytes, size))); });
}

// The ε the views default to for a head of an analysis record: the median
// finite H0 death (the views' ε policy), for a page that has no views.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_default_epsilon(const std::uint8_t* bytes, int size, int layer, int head) {
  return reply::guarded([&] {
    const vitopo::Analysis analysis = analysis_of(bytes, size);
    const vitopo::HeadAnalysis* h = analysis.find(layer, head);
    if (!h) throw std::out_of_range("layer " + std::to_string(layer) + ", head " + std::to_string(head) + " was not analysed");
    const auto& barcodes = h->persistence.barcodes;
    const std::optional<double> median = barcodes.empty() ? std::nullopt : vitopo::median_finite_death(barcodes[0]);
    return reply::ok({{"epsilon", median.value_or(0.0)}});
  });
}

// Checks a selection ({"layer", "head", "epsilon", "bar": {"dim", "index"} | null})
// against an analysis record: the head was analysed, the bar is in its
// diagram, ε is finite and non-negative.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_check_selection(const std::uint8_t* bytes, int size, const char* selection) {
  return reply::guarded([&] {
    vitopo::check_selection(selection_of(json::parse(text_or_empty(selection))), analysis_of(bytes, size));
    return reply::ok();
  });
}

// {"ok": true, "version": 1 | 2}: which share links a model with this input makes.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_share_link_version(int channels, int height, int width) {
  return reply::guarded([&] { return reply::ok({{"version", vitopo::share_link_version_for(channels, height, width)}}); });
}

// A model input (C×H×W floats) quantised for version 2 links:
// {"ok": true, "low": [...], "step": [...]}; the codes (C×H×W bytes) are the binary result.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_quantise_input(const float* pixels, int channels, int height, int width) {
  return reply::guarded([&] {
    if (!pixels || channels <= 0 || height <= 0 || width <= 0) throw std::invalid_argument("there is no model input to quantise");
    const std::uint64_t count = std::uint64_t(channels) * std::uint64_t(height) * std::uint64_t(width);
    if (count > vitopo::share_link_value_limit) throw std::invalid_argument("the model input is too large to quantise");
    const vitopo::QuantisedInput q =
        vitopo::quantise_input({channels, height, width, std::vector<float>(pixels, pixels + count)});
    keep(q.codes);
    return reply::ok(quantisation_json(q));
  });
}

// The model input that codes (C×H×W bytes) and a quantisation ({"low",
// "step"}) stand for: {"ok": true}, the floats the binary result.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_dequantise_input(const std::uint8_t* codes, int size, int channels, int height,
                                                               int width, const char* quantisation) {
  return reply::guarded([&] {
    vitopo::QuantisedInput q = quantised_of(json::parse(text_or_empty(quantisation)), channels, height, width);
    if (size < 0 || (size > 0 && !codes)) throw std::invalid_argument("there are no codes to dequantise");
    q.codes.assign(codes, codes + size);
    keep(vitopo::dequantise_input(q).pixels);
    return reply::ok();
  });
}

// {"ok": true, "link": "#v2=..."}: the version 2 link of an entry whose
// model input was quantised: its model ({"fingerprint", "name"}), the input's
// shape and quantisation, its deflated codes, the settings of its analysis
// record, a selection in it and the image's name (UTF-8, may be empty).
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_share_link_v2(const char* model_text, int channels, int height, int width,
                                                            const char* quantisation, const std::uint8_t* deflated,
                                                            int deflated_size, const std::uint8_t* analysis,
                                                            int analysis_size, const char* selection,
                                                            const char* image_name) {
  return reply::guarded([&] {
    const json model = json::parse(text_or_empty(model_text));
    const vitopo::Analysis shown = analysis_of(analysis, analysis_size);
    if (!deflated || deflated_size <= 0) throw std::invalid_argument("there are no deflated pixels to share");
    vitopo::SharedViewV2 view;
    view.model = vitopo::model_identity(model.at("fingerprint").get<std::string>(), model.value("name", std::string()));
    view.image = quantised_of(json::parse(text_or_empty(quantisation)), channels, height, width);
    view.deflated.assign(deflated, deflated + deflated_size);
    view.settings = shown.settings;
    view.selection = selection_of(json::parse(text_or_empty(selection)));
    view.image_name = text_or_empty(image_name);
    vitopo::check_selection(view.selection, shown);
    return reply::ok({{"link", vitopo::encode_share_link_v2(view)}});
  });
}

// {"ok": true, "link": "#v1=..."}: the link of an entry: its model
// ({"fingerprint", "name"}), its model input (C×H×W floats), the settings of
// its analysis record, a selection in it and the image's name (UTF-8, may be
// empty).
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_share_link(const char* model_text, const float* pixels, int channels,
                                                         int height, int width, const std::uint8_t* analysis,
                                                         int analysis_size, const char* selection,
                                                         const char* image_name) {
  return reply::guarded([&] {
    const json model = json::parse(text_or_empty(model_text));
    const vitopo::Analysis shown = analysis_of(analysis, analysis_size);
    if (!pixels || channels <= 0 || height <= 0 || width <= 0) throw std::invalid_argument("there is no model input to share");
    vitopo::SharedView view;
    view.model = vitopo::model_identity(model.at("fingerprint").get<std::string>(), model.value("name", std::string()));
    const std::uint64_t count = std::uint64_t(channels) * std::uint64_t(height) * std::uint64_t(width);
    view.image = {channels, height, width, std::vector<float>(pixels, pixels + count)};
    view.settings = shown.settings;
    view.selection = selection_of(json::parse(text_or_empty(selection)));
    view.image_name = text_or_empty(image_name);
    vitopo::check_selection(view.selection, shown);
    return reply::ok({{"link", vitopo::encode_share_link(view)}});
  });
}

// Reads a link for the loaded model ({"fingerprint", "name", "channels",
// "height", "width", "layers", "heads"}): {"ok": true, "image": {"channels",
// "height", "width", "name"}, "settings": {...}, "selection": {...}, "model":
// {"fingerprint", "name"}}; the pixels (float32) are then the binary result.
// A link made with another model answers with kind "model" and, in "needs",
// the model it was made with.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_open_share_link(const char* link_text, const char* model_text) {
  return reply::guarded([&] {
    const json model = json::parse(text_or_empty(model_text));
    vitopo::LoadedModel loaded;
    loaded.model = vitopo::model_identity(model.at("fingerprint").get<std::string>(), model.value("name", std::string()));
    loaded.channels = model.at("channels").get<int>();
    loaded.height = model.at("height").get<int>();
    loaded.width = model.at("width").get<int>();
    loaded.layers = model.value("layers", 0);
    loaded.heads = model.value("heads", 0);
    const std::string link = text_or_empty(link_text);
    vitopo::SharedView view;
    try {
      if (vitopo::share_link_version_of(link) == vitopo::share_link_v2_version) return open_share_link_v2(link, loaded);
      view = vitopo::decode_share_link(link, loaded);
    } catch (const vitopo::ShareLinkError& e) {
      if (e.kind() != vitopo::ShareLinkError::Kind::model) throw;
      const vitopo::ModelIdentity needs = vitopo::share_link_model(link);
      return reply::failure(e.what(), {{"kind", "model"},
                                       {"needs", {{"fingerprint", vitopo::fingerprint_hex(needs)}, {"name", needs.name}}}});
    }
    keep(view.image.pixels);
    return reply::ok({{"image", {{"channels", view.image.channels}, {"height", view.image.height}, {"width", view.image.width},
                                 {"name", view.image_name}}},
                      {"settings", vitopo::to_json(view.settings)},
                      {"selection", selection_json(view.selection)},
                      {"model", {{"fingerprint", vitopo::fingerprint_hex(view.model)}, {"name", view.model.name}}}});
  });
}

// Compares analysed heads (comparison.hpp): `request` is the page's
// {"by": "head" | "layer" | "image", "layer", "head" (null: pooled), "dim",
// "distance", "order"}; by image, `b` is image B's analysis record. The
// reply is {"ok": true, "comparison": vitopo.comparison/1}. Progress goes
// to Module.onProgress as pairs finish.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_compare(const std::uint8_t* a, int a_size, const std::uint8_t* b, int b_size,
                                                      const char* request_text, int threads) {
  return reply::guarded([&] {
    const json request = json::parse(text_or_empty(request_text));
    if (!request.is_object()) throw std::invalid_argument("a comparison request must be an object");
    vitopo::ComparisonRequest r;
    if (!request.contains("by") || !request.at("by").is_string())
      throw std::invalid_argument("say what to compare: by 'head', 'layer' or 'image'");
    r.by = vitopo::parse_comparison_by(request.at("by").get<std::string>());
    r.dim = int_field(request, "dim", 1);
    r.how = distance_of(request);
    r.layer = int_field(request, "layer", 0);
    r.head = int_field(request, "head", -1);
    const vitopo::Analysis first = analysis_of(a, a_size);
    const vitopo::Analysis second = r.by == vitopo::ComparisonBy::Image ? analysis_of(b, b_size) : vitopo::Analysis{};
    const vitopo::Comparison comparison =
        vitopo::compare(r, first, r.by == vitopo::ComparisonBy::Image ? &second : nullptr, unsigned(std::max(threads, 1)),
                        report_progress());
    return reply::ok({{"comparison", vitopo::comparison_json(comparison)}});
  });
}

// The distance from each layer to the next ({"dim", "distance", "order"}):
// {"ok": true, "steps": {"dim", "distance", "order", "heads", "matrix"}},
// the matrix's last row for all heads pooled.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_layer_steps(const std::uint8_t* bytes, int size, const char* request_text,
                                                          int threads) {
  return reply::guarded([&] {
    const json request = json::parse(text_or_empty(request_text));
    if (!request.is_object()) throw std::invalid_argument("a comparison request must be an object");
    const vitopo::LayerSteps steps = vitopo::layer_steps(analysis_of(bytes, size), int_field(request, "dim", 1),
                                                         distance_of(request), unsigned(std::max(threads, 1)),
                                                         report_progress());
    return reply::ok({{"steps", vitopo::layer_steps_json(steps)}});
  });
}

// An optimal matching between head a of analysis `a` and head b of analysis
// `b` (the same record for two heads of one image): `request` is
// {"a": {"layer", "head"}, "b": {"layer", "head"}, "dim", "distance",
// "order"}, a head of null pooling its layer; the reply {"ok": true,
// "matching": {"distance", "pairs", "costs"}}.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_match(const std::uint8_t* a, int a_size, const std::uint8_t* b, int b_size,
                                                    const char* request_text) {
  return reply::guarded([&] {
    const json request = json::parse(text_or_empty(request_text));
    if (!request.is_object() || !request.contains("a") || !request.contains("b") || !request.at("a").is_object() ||
        !request.at("b").is_object())
      throw std::invalid_argument("a matching needs two heads: {a: {layer, head}, b: {layer, head}}");
    const json& ha = request.at("a");
    const json& hb = request.at("b");
    const vitopo::Analysis first = analysis_of(a, a_size);
    const vitopo::Analysis second = analysis_of(b, b_size);
    const vitopo::DiagramMatching matching =
        vitopo::match_heads(first, int_field(ha, "layer", 0), int_field(ha, "head", -1), second, int_field(hb, "layer", 0),
                            int_field(hb, "head", -1), int_field(request, "dim", 1), distance_of(request));
    return reply::ok({{"matching", vitopo::matching_json(matching)}});
  });
}

// How far a model input is from what the model knows (familiarity.hpp):
// {"ok": true, "far", "colourful", "unusualInput", "unsure", "entropy",
// "statistics": {"mean", "std", "darkFraction", "chroma"}, "reasons": [...]};
// `dataset` is the model metadata's, `rgba` the image as loaded (may be absent).
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_familiarity(const float* pixels, int count, const float* probabilities,
                                                          int classes, const char* dataset, const std::uint8_t* rgba,
                                                          int rgba_size) {
  return reply::guarded([&] {
    if (!pixels || count <= 0) throw std::invalid_argument("there is no model input");
    const vitopo::Familiarity f = vitopo::familiarity(std::span(pixels, std::size_t(count)),
                                                      std::span(probabilities, probabilities ? std::size_t(std::max(classes, 0)) : 0),
                                                      text_or_empty(dataset),
                                                      std::span(rgba, rgba ? std::size_t(std::max(rgba_size, 0)) : 0));
    return reply::ok({{"far", f.far()},
                      {"colourful", f.colourful},
                      {"unusualInput", f.unusual_input},
                      {"unsure", f.unsure},
                      {"entropy", f.entropy},
                      {"statistics", {{"mean", f.statistics.mean}, {"std", f.statistics.std}, {"darkFraction", f.statistics.dark_fraction},
                                      {"chroma", f.chroma}}},
                      {"reasons", f.reasons}});
  });
}

}  // extern "C"

// --- Research export (web/export.mjs) ----------------------------------------
// Each takes the entry's attention (L×H×T×T float32, as the model gave it) and
// its analysis record, so that nothing is recomputed that the worker already
// computed; what the record lacks (distances, cycles) is computed here from
// the same attention and settings.
namespace {

vitopo::AttentionTensor attention_of(const float* data, int layers, int heads, int tokens) {
  if (!data || layers <= 0 || heads <= 0 || tokens <= 0) throw std::invalid_argument("there is no attention to export");
  const std::int64_t shape[4] = {layers, heads, tokens, tokens};
  const std::uint64_t count = std::uint64_t(layers) * std::uint64_t(heads) * std::uint64_t(tokens) * std::uint64_t(tokens);
  if (count > std::uint64_t(SIZE_MAX) / sizeof(double)) throw std::invalid_argument("the attention tensor is too large for this tab's memory");
  return vitopo::AttentionTensor::from_buffer(std::span(data, std::size_t(count)), shape);
}

}  // namespace

extern "C" {

// One file of the research export: `kind` is a data kind or "svg"; `options`
// {"image", "model", "layer"?, "head"?, "epsilon"?, "panel"?, "provenance"?}.
// {"ok": true, "name", "type"}; the file's bytes are then the binary result.
// attention.npy is written from the float32 data itself, bit for bit.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_export(const char* kind_text, const float* data, int layers, int heads,
                                                     int tokens, const std::uint8_t* analysis, int analysis_size,
                                                     const char* options_text) {
  return reply::guarded([&] {
    const std::string kind = text_or_empty(kind_text);
    const json options = json::parse(text_or_empty(options_text));
    const vitopo::Analysis shown = analysis_of(analysis, analysis_size);
    vitopo::ExportRequest request;
    request.image = options.value("image", std::string());
    request.model = options.value("model", std::string());
    if (options.contains("layer") || options.contains("head")) {
      if (!options.value("layer", json()).is_number_integer() || !options.value("head", json()).is_number_integer())
        throw std::invalid_argument("an export of one head needs both its layer and its head, as whole numbers");
      request.head = std::pair{options.at("layer").get<int>(), options.at("head").get<int>()};
      vitopo::exported_head(shown, request.head->first, request.head->second);
    }
    request.epsilon = options.value("epsilon", 0.0);
    request.panel = options.value("panel", std::string());
    request.provenance = options.value("provenance", json::object());
    if (kind == "attention.npy") {
      attention_of(data, layers, heads, tokens);  // validated like the analysis's input
      const std::int64_t shape[4] = {layers, heads, tokens, tokens};
      const std::size_t count = std::size_t(std::uint64_t(layers) * std::uint64_t(heads) * std::uint64_t(tokens) * std::uint64_t(tokens));
      result = vitopo::npy_bytes(std::span(data, count), shape);
      return reply::ok({{"name", vitopo::export_file_name(request.image, request.model, kind)}, {"type", "application/octet-stream"}});
    }
    vitopo::ExportedFile file = vitopo::export_file(kind, attention_of(data, layers, heads, tokens), shown, request);
    result = std::move(file.bytes);
    return reply::ok({{"name", file.name}, {"type", file.type}});
  });
}

// {"ok": true, "n"}: one head's distance matrix; the n×n float64 values (row
// major) are then the binary result.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_distance_matrix(const float* data, int layers, int heads, int tokens,
                                                              const std::uint8_t* analysis, int analysis_size, int layer,
                                                              int head) {
  return reply::guarded([&] {
    const vitopo::Analysis shown = analysis_of(analysis, analysis_size);
    vitopo::exported_head(shown, layer, head);
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> d =
        vitopo::head_distance_matrix(attention_of(data, layers, heads, tokens), layer, head, shown.settings);
    keep(std::vector<double>(d.data(), d.data() + d.size()));
    return reply::ok({{"n", d.rows()}});
  });
}

// {"ok": true, "edges": [[u, v], …]}: the representative cycle of one finite H1 bar.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_cycle(const float* data, int layers, int heads, int tokens,
                                                    const std::uint8_t* analysis, int analysis_size, int layer, int head,
                                                    int bar) {
  return reply::guarded([&] {
    json edges = json::array();
    for (const vitopo::Edge& e : vitopo::exported_cycle(attention_of(data, layers, heads, tokens),
                                                        analysis_of(analysis, analysis_size), layer, head, bar))
      edges.push_back({e.first, e.second});
    return reply::ok({{"edges", edges}});
  });
}

// {"ok": true, "manifest": {...}}: the manifest of the files `files_text`
// ([{"kind", "name", "type", "bytes"}]) with `provenance_text`.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_export_manifest(const char* files_text, const char* provenance_text) {
  return reply::guarded([&] {
    return reply::ok({{"manifest", vitopo::export_manifest(json::parse(text_or_empty(files_text)),
                                                           json::parse(text_or_empty(provenance_text)))}});
  });
}

// A perturbed copy of a model input (C×H×W floats), for series:
// `request` is {"kind": "noise" | "blur" | "brightness" | "contrast" |
// "rotation" | "shift", "strength", "seed"}, {"kind": "occlusion", "patch",
// "row", "col"} or {"kind": "sign-step", "strength": ε} with `gradient`
// (one float per value). The reply is {"ok": true}; the pixels are then the
// binary result.
EMSCRIPTEN_KEEPALIVE const char* vitopo_core_perturb(const float* pixels, int channels, int height, int width,
                                                      const char* request_text, const float* gradient) {
  return reply::guarded([&] {
    const json request = json::parse(text_or_empty(request_text));
    if (!request.is_object() || !request.contains("kind") || !request.at("kind").is_string())
      throw std::invalid_argument("a perturbation request needs a kind");
    if (!pixels || channels <= 0 || height <= 0 || width <= 0) throw std::invalid_argument("there is no model input to perturb");
    const std::uint64_t count = std::uint64_t(channels) * std::uint64_t(height) * std::uint64_t(width);
    const vitopo::ModelInput input{channels, height, width, std::vector<float>(pixels, pixels + count)};
    const std::string kind = request.at("kind").get<std::string>();
    const auto number = [&](const char* name) {
      if (!request.contains(name) || !request.at(name).is_number())
        throw std::invalid_argument(std::string("a perturbation's ") + name + " must be a number");
      return request.at(name).get<double>();
    };
    vitopo::ModelInput out;
    if (kind == "occlusion") {
      out = vitopo::occlude(input, int_field(request, "patch", 0), int_field(request, "row", 0), int_field(request, "col", 0));
    } else if (kind == "sign-step") {
      if (!gradient) throw std::invalid_argument("a gradient-sign step needs the gradient");
      out = vitopo::gradient_sign_step(input, std::span(gradient, std::size_t(count)), number("strength"));
    } else {
      const double seed = request.contains("seed") && !request.at("seed").is_null() ? number("seed") : 0.0;
      if (!(seed >= 0 && seed <= 9007199254740991.0 && seed == std::floor(seed)))
        throw std::invalid_argument("a seed must be an integer from 0 to 2^53 − 1");
      out = vitopo::perturb(input, vitopo::parse_perturbation(kind), number("strength"), std::uint64_t(seed));
    }
    keep(out.pixels);
    return reply::ok();
  });
}

}  // extern "C"
