#include "core/onnx_model.hpp"

#include "core/onnx_wire.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace vitopo {
namespace {

using onnx_wire::ValueInfo;

std::string element_type_name(int type) {
  static const std::map<int, std::string> names{
      {1, "float32"}, {2, "uint8"},  {3, "int8"},   {4, "uint16"},  {5, "int16"},   {6, "int32"},
      {7, "int64"},   {8, "string"}, {9, "bool"},   {10, "float16"}, {11, "float64"}, {12, "uint32"},
      {13, "uint64"}, {16, "bfloat16"}};
  auto it = names.find(type);
  return it != names.end() ? it->second : "type " + std::to_string(type);
}

std::string shape_text(const ValueInfo& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.dim_names.size(); ++i) s += (i ? "," : "") + d.dim_names[i];
  return s + "]";
}

std::string names_text(const std::vector<const ValueInfo*>& list) {
  if (list.empty()) return "none";
  std::string s;
  for (const ValueInfo* d : list) s += (s.empty() ? "'" : ", '") + d->tensor.name + "'";
  return s;
}

using Problems = std::vector<std::string>;

// Finds a graph input or output by name and checks its type and rank; returns it
// when the rank is right (so its dimensions can be compared with the metadata).
const ValueInfo* check_tensor(const std::vector<const ValueInfo*>& list, const std::string& kind,
                             const std::string& name, std::size_t rank, const std::string& layout,
                             const std::string& purpose, Problems& problems) {
  auto it = std::find_if(list.begin(), list.end(), [&](const ValueInfo* d) { return d->tensor.name == name; });
  if (it == list.end()) {
    problems.push_back(kind + " '" + name + "' is missing: the model must " + purpose + " as " + layout + " (" +
                       kind + "s found: " + names_text(list) + ")");
    return nullptr;
  }
  const ValueInfo& d = **it;
  if (!d.is_tensor) {
    problems.push_back(kind + " '" + name + "' is not a tensor; it must be a float32 tensor " + layout);
    return nullptr;
  }
  if (d.tensor.element_type != 1)
    problems.push_back(kind + " '" + name + "' has element type " + element_type_name(d.tensor.element_type) +
                       "; it must be float32");
  if (!d.tensor.has_shape) return nullptr;  // rank unknown: nothing more to check
  if (d.tensor.dims.size() != rank) {
    problems.push_back(kind + " '" + name + "' has rank " + std::to_string(d.tensor.dims.size()) + " " +
                       shape_text(d) + "; it must have rank " + std::to_string(rank) + ", " + layout);
    return nullptr;
  }
  return &d;
}

// The static size of axis `axis`, or -1.
std::int64_t dim(const ValueInfo* d, std::size_t axis) { return d ? d->tensor.dims[axis] : -1; }

const std::string meta = "metadata 'vitopo'";

// A positive integer at obj[key]; reports a missing or ill-typed value.
std::optional<int> positive_integer(const nlohmann::json& obj, const std::string& where, const std::string& key,
                                    const std::string& meaning, bool required, Problems& problems) {
  if (!obj.contains(key)) {
    if (required) problems.push_back(meta + " has no \"" + where + key + "\" (" + meaning + ")");
    return std::nullopt;
  }
  const auto& v = obj[key];
  if (!v.is_number_integer() || v.get<std::int64_t>() <= 0 || v.get<std::int64_t>() > 1'000'000) {
    problems.push_back(meta + ": \"" + where + key + "\" must be a positive integer (" + meaning + "), not " +
                       v.dump());
    return std::nullopt;
  }
  return v.get<int>();
}

void check_metadata(const nlohmann::json& m, ModelSpec& spec, Problems& problems) {
  if (!m.is_object()) {
    problems.push_back(meta + " must be a JSON object, not " + std::string(m.type_name()));
    return;
  }
  // input
  std::optional<int> channels, height, width;
  if (!m.contains("input") || !m["input"].is_object()) {
    problems.push_back(meta + (m.contains("input") ? ": \"input\" must be an object" : " has no \"input\"") +
                       " ({\"channels\": C, \"height\": H, \"width\": W})");
  } else {
    const auto& input = m["input"];
    channels = positive_integer(input, "input.", "channels", "image channels", true, problems);
    height = positive_integer(input, "input.", "height", "input height in pixels", true, problems);
    width = positive_integer(input, "input.", "width", "input width in pixels", true, problems);
  }
  if (channels) spec.input.channels = *channels;
  if (height) spec.input.height = *height;
  if (width) spec.input.width = *width;

  // patch and grid
  const auto patch = positive_integer(m, "", "patch", "the patch size in pixels", true, problems);
  if (patch) spec.patch = *patch;
  std::optional<int> rows, cols;
  if (!m.contains("grid")) {
    problems.push_back(meta + " has no \"grid\" ([rows, cols] of patches)");
  } else if (const auto& g = m["grid"]; !g.is_array() || g.size() != 2 || !g[0].is_number_integer() ||
                                        !g[1].is_number_integer() || g[0].get<std::int64_t>() <= 0 ||
                                        g[1].get<std::int64_t>() <= 0 || g[0].get<std::int64_t>() > 100000 ||
                                        g[1].get<std::int64_t>() > 100000) {
    problems.push_back(meta + ": \"grid\" must be [rows, cols] of positive integers, not " + g.dump());
  } else {
    rows = g[0].get<int>(), cols = g[1].get<int>();
    spec.grid_rows = *rows, spec.grid_cols = *cols;
  }

  // cls
  bool have_cls = false;
  if (!m.contains("cls")) {
    problems.push_back(meta + " has no \"cls\" (true when token 0 is a CLS token)");
  } else if (!m["cls"].is_boolean()) {
    problems.push_back(meta + ": \"cls\" must be true or false, not " + m["cls"].dump());
  } else {
    spec.cls = m["cls"].get<bool>();
    have_cls = true;
  }
  if (rows && cols && have_cls) spec.tokens = *rows * *cols + (spec.cls ? 1 : 0);

  // preprocessing
  if (!m.contains("preprocessing") || !m["preprocessing"].is_object()) {
    problems.push_back(meta + (m.contains("preprocessing") ? ": \"preprocessing\" must be an object"
                                                            : " has no \"preprocessing\"") +
                       " ({\"background\": \"dark\" | \"light\" | \"none\", \"normalization\": \"inside\" | "
                       "\"outside\"})");
  } else {
    const auto& p = m["preprocessing"];
    const auto background = p.value("background", nlohmann::json());
    if (background == "dark") spec.input.background = Background::dark;
    else if (background == "light") spec.input.background = Background::light;
    else if (background == "none") spec.input.background = Background::none;
    else
      problems.push_back(meta + ": \"preprocessing.background\" must be \"dark\" (light items on a dark "
                                "background), \"light\" or \"none\", not " +
                         (background.is_null() ? std::string("missing") : background.dump()));
    const auto normalization = p.value("normalization", nlohmann::json("inside"));
    if (normalization == "outside") {
      for (const char* key : {"mean", "std"}) {
        const auto v = p.value(key, nlohmann::json());
        const bool ok = v.is_array() && channels && v.size() == static_cast<std::size_t>(*channels) &&
                        std::all_of(v.begin(), v.end(), [&](const nlohmann::json& x) {
                          return x.is_number() && (std::string(key) == "mean" || x.get<double>() > 0);
                        });
        if (!ok) {
          problems.push_back(meta + ": normalization \"outside\" needs \"preprocessing." + key +
                             "\" as one number per channel" + (std::string(key) == "std" ? " (positive)" : "") +
                             ", not " + (v.is_null() ? std::string("missing") : v.dump()));
          continue;
        }
        auto& target = std::string(key) == "mean" ? spec.input.mean : spec.input.std;
        for (const auto& x : v) target.push_back(x.get<float>());
      }
    } else if (normalization != "inside") {
      problems.push_back(meta + ": \"preprocessing.normalization\" must be \"inside\" (the graph normalises "
                                "[0, 1] pixels) or \"outside\", not " + normalization.dump());
    }
  }

  // labels
  if (!m.contains("labels")) {
    problems.push_back(meta + " has no \"labels\" (the class names, one per logit)");
  } else if (const auto& l = m["labels"];
             !l.is_array() || l.empty() || !std::all_of(l.begin(), l.end(), [](const auto& x) { return x.is_string(); })) {
    problems.push_back(meta + ": \"labels\" must be a non-empty list of class names, not " + l.dump());
  } else {
    for (const auto& x : l) spec.labels.push_back(x.get<std::string>());
  }

  // optional descriptions
  for (auto [key, target] : {std::pair{"id", &spec.id}, {"name", &spec.name}, {"dataset", &spec.dataset}}) {
    if (!m.contains(key)) continue;
    if (m[key].is_string()) *target = m[key].get<std::string>();
    else problems.push_back(meta + ": \"" + key + "\" must be a string, not " + m[key].dump());
  }
  if (m.contains("test_accuracy")) {
    const auto& a = m["test_accuracy"];
    if (a.is_number() && a.get<double>() >= 0 && a.get<double>() <= 1) spec.test_accuracy = a.get<double>();
    else problems.push_back(meta + ": \"test_accuracy\" must be a number in [0, 1], not " + a.dump());
  }
  if (auto layers = positive_integer(m, "", "layers", "the number of layers", false, problems)) spec.layers = *layers;
  if (auto heads = positive_integer(m, "", "heads", "the number of heads", false, problems)) spec.heads = *heads;
  if (auto tokens = positive_integer(m, "", "tokens", "tokens per image", false, problems);
      tokens && spec.tokens && *tokens != spec.tokens)
    problems.push_back(meta + ": \"tokens\" is " + std::to_string(*tokens) + " but grid " +
                       std::to_string(spec.grid_rows) + "x" + std::to_string(spec.grid_cols) +
                       (spec.cls ? " plus CLS" : " without CLS") + " gives " + std::to_string(spec.tokens));

  // Geometry: the patch grid must tile the input exactly.
  if (patch && rows && cols && height && width &&
      (*rows * *patch != *height || *cols * *patch != *width))
    problems.push_back(meta + ": grid " + std::to_string(*rows) + "x" + std::to_string(*cols) + " of " +
                       std::to_string(*patch) + "-pixel patches covers " + std::to_string(*rows * *patch) + "x" +
                       std::to_string(*cols * *patch) + " pixels, but the input is " + std::to_string(*height) +
                       "x" + std::to_string(*width) + " (height x width)");
}

// A static graph axis that disagrees with the metadata: "<subject> has <graph>
// <unit> (<axes>) but the <metadata says> <metadata value>".
void compare(std::int64_t graph_value, int metadata_value, const std::string& subject, const std::string& unit,
             const std::string& axes, const std::string& metadata_says, Problems& problems) {
  if (graph_value >= 0 && metadata_value > 0 && graph_value != metadata_value)
    problems.push_back(subject + " has " + std::to_string(graph_value) + " " + unit + " (" + axes +
                       ") but the " + metadata_says + " " + std::to_string(metadata_value));
}

}  // namespace

ModelCheck check_model(std::span<const std::uint8_t> onnx_file) {
  ModelCheck check;
  Problems& problems = check.problems;
  onnx_wire::ModelFile file;
  try {
    file = onnx_wire::read_model_file(onnx_file);
  } catch (const onnx_wire::WireError& e) {
    problems.push_back(std::string("the file is not an ONNX model: ") + e.what());
    return check;
  }
  if (!file.has_graph) {
    problems.push_back("the file is not an ONNX model: it has no graph (" + std::to_string(onnx_file.size()) +
                       " bytes read)");
    return check;
  }
  check.spec.name = file.graph.name;
  // Unknown until the metadata says: 0 keeps them out of the consistency checks.
  check.spec.input.channels = check.spec.input.height = check.spec.input.width = 0;

  // Graph interface. Initializers listed as inputs (older exporters) are weights, not inputs.
  std::vector<const ValueInfo*> inputs, outputs;
  for (const auto& d : file.graph.inputs)
    if (!file.graph.initializers.count(d.tensor.name)) inputs.push_back(&d);
  for (const auto& d : file.graph.outputs) outputs.push_back(&d);
  const ValueInfo* pixels = check_tensor(inputs, "input", "pixels", 4, "[B,C,H,W] float32 in [0,1]",
                                        "take the image", problems);
  for (const ValueInfo* d : inputs)
    if (d->tensor.name != "pixels")
      problems.push_back("input '" + d->tensor.name + "' is not part of the contract: the only input is 'pixels'");
  const ValueInfo* logits = check_tensor(outputs, "output", "logits", 2, "[B,K]", "return the class scores",
                                        problems);
  const ValueInfo* attentions = check_tensor(outputs, "output", "attentions", 5, "[L,B,heads,T,T]",
                                            "return the attention of every layer", problems);
  if (attentions && dim(attentions, 3) >= 0 && dim(attentions, 4) >= 0 && dim(attentions, 3) != dim(attentions, 4))
    problems.push_back("output 'attentions' " + shape_text(*attentions) +
                       " is not square in its last two axes; attention is T x T over tokens");

  // Metadata.
  auto entry = std::find_if(file.metadata.begin(), file.metadata.end(),
                            [](const auto& kv) { return kv.first == "vitopo"; });
  if (entry == file.metadata.end()) {
    std::string keys;
    for (const auto& kv : file.metadata) keys += (keys.empty() ? "'" : ", '") + kv.first + "'";
    problems.push_back("metadata_props has no 'vitopo' entry: the model must describe its input, patch, grid, "
                       "CLS, preprocessing and labels there as JSON (keys found: " +
                       (keys.empty() ? std::string("none") : keys) + ")");
    return check;
  }
  nlohmann::json m;
  try {
    m = nlohmann::json::parse(entry->second);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
    problems.push_back(meta + " is not valid JSON: " + what);
    return check;
  }
  const std::size_t before = problems.size();
  check_metadata(m, check.spec, problems);
  if (problems.size() != before && !m.is_object()) return check;
  ModelSpec& spec = check.spec;

  // Consistency of the graph's static axes with the metadata.
  const std::string grid = "grid " + std::to_string(spec.grid_rows) + "x" + std::to_string(spec.grid_cols) +
                           (spec.cls ? " plus CLS gives" : " without CLS gives");
  compare(dim(pixels, 1), spec.input.channels, "input 'pixels'", "channels", "axis 1", "metadata says", problems);
  compare(dim(pixels, 2), spec.input.height, "input 'pixels'", "rows", "axis 2, height", "metadata says", problems);
  compare(dim(pixels, 3), spec.input.width, "input 'pixels'", "columns", "axis 3, width", "metadata says", problems);
  compare(dim(logits, 1), static_cast<int>(spec.labels.size()), "output 'logits'", "classes", "axis 1",
          "metadata's label count is", problems);
  compare(dim(attentions, 3), spec.tokens, "output 'attentions'", "tokens", "axes 3 and 4", "metadata's " + grid,
          problems);
  compare(dim(attentions, 0), spec.layers, "output 'attentions'", "layers", "axis 0", "metadata says", problems);
  compare(dim(attentions, 2), spec.heads, "output 'attentions'", "heads", "axis 2", "metadata says", problems);
  if (spec.layers == 0 && dim(attentions, 0) > 0) spec.layers = static_cast<int>(dim(attentions, 0));
  if (spec.heads == 0 && dim(attentions, 2) > 0) spec.heads = static_cast<int>(dim(attentions, 2));
  return check;
}

namespace {
std::string joined(const std::vector<std::string>& problems) {
  std::string s = "the model does not follow vitopo's model contract:";
  for (const auto& p : problems) s += "\n  - " + p;
  return s;
}
}  // namespace

ModelContractError::ModelContractError(std::vector<std::string> problems)
    : std::runtime_error(joined(problems)), problems_(std::move(problems)) {}

ModelSpec read_model_spec(std::span<const std::uint8_t> onnx_file) {
  ModelCheck check = check_model(onnx_file);
  if (!check.ok()) throw ModelContractError(std::move(check.problems));
  return std::move(check.spec);
}

}  // namespace vitopo
