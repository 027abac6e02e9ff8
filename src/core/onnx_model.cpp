#include "core/onnx_model.hpp"

#include "core/base64url.hpp"

#include "core/onnx_wire.hpp"
#include "core/quote.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <new>
#include <tuple>

namespace vitopo {
namespace {

using onnx_wire::ValueInfo;

// s cut to at most `limit` bytes at a UTF-8 character boundary, "..." marking a cut.
std::string shortened(const std::string& s, std::size_t limit) {
  return s.size() <= limit ? s : std::string(cut_at_character(s, limit)) + "...";
}

// Text from the file, made fit for a message: at most `limit` bytes, invalid
// UTF-8 replaced and control characters escaped (a reply to the page must be
// valid UTF-8, and a terminal must not run escapes).
std::string printable(const std::string& text, std::size_t limit = 60) {
  const std::string quoted = nlohmann::json(text.substr(0, limit + 4))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return shortened(quoted.substr(1, quoted.size() - 2), limit);  // without the quotes
}

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
  for (std::size_t i = 0; i < d.dim_names.size(); ++i) {
    if (i) s += ',';
    s += printable(d.dim_names[i]);
  }
  return s + "]";
}

std::string names_text(const std::vector<const ValueInfo*>& list) {
  if (list.empty()) return "none";
  std::string s;
  for (const ValueInfo* d : list) s += (s.empty() ? "'" : ", '") + printable(d->tensor.name) + "'";
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

// " plus CLS", or " plus 2 prefix tokens" (CLS and others), or "" without any.
std::string prefix_words(const ModelSpec& spec) {
  if (spec.prefix_tokens == 0) return "";
  if (spec.prefix_tokens == 1) return spec.cls ? " plus CLS" : " plus 1 prefix token";
  return " plus " + std::to_string(spec.prefix_tokens) + " prefix tokens";
}

// A value from the file as a message shows it: its JSON text, cut after 60
// characters. Never the whole value: a label list can be megabytes, and the
// nesting is bounded (max_metadata_depth) before this recursion sees it.
void append_excerpt(const nlohmann::json& v, std::string& out, std::size_t limit) {
  if (out.size() > limit) return;
  if (v.is_array() || v.is_object()) {
    out += v.is_array() ? '[' : '{';
    for (auto it = v.begin(); it != v.end() && out.size() <= limit; ++it) {
      if (it != v.begin()) out += ',';
      if (v.is_object()) out.append("\"").append(printable(it.key(), limit)).append("\":");
      append_excerpt(*it, out, limit);
    }
    out += v.is_array() ? ']' : '}';
  } else if (v.is_string()) {
    out.append("\"").append(printable(v.get_ref<const std::string&>(), limit)).append("\"");
  } else {
    out += v.dump();  // a number, true, false or null
  }
}

std::string excerpt(const nlohmann::json& v) {
  constexpr std::size_t limit = 60;
  std::string out;
  append_excerpt(v, out, limit);
  return shortened(out, limit);
}

// A positive integer, or nothing. Parsed non-negative integers are unsigned in nlohmann.
std::optional<std::uint64_t> positive(const nlohmann::json& v) {
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > 0) return v.get<std::uint64_t>();
  return std::nullopt;
}

// A positive integer of at most `limit` at obj[key]; reports a missing,
// ill-typed or too large value.
std::optional<int> positive_integer(const nlohmann::json& obj, const std::string& where, const std::string& key,
                                    const std::string& meaning, std::int64_t limit, bool required,
                                    Problems& problems) {
  if (!obj.contains(key)) {
    if (required) problems.push_back(meta + " has no \"" + where + key + "\" (" + meaning + ")");
    return std::nullopt;
  }
  const auto& v = obj[key];
  const auto n = positive(v);
  if (!n) {
    problems.push_back(meta + ": \"" + where + key + "\" must be a positive integer (" + meaning + "), not " +
                       excerpt(v));
    return std::nullopt;
  }
  if (*n > static_cast<std::uint64_t>(limit)) {
    problems.push_back(meta + ": \"" + where + key + "\" is " + std::to_string(*n) + ", over the limit of " +
                       std::to_string(limit) + " (" + meaning + ")");
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

// preprocessing.resize, .crop and .interpolation (added to the first contract;
// without them an image is resampled whole by area averaging, as before).
// They apply to background "none" only, the natural-image path.
void check_resize_and_crop(const nlohmann::json& p, std::optional<int> height, std::optional<int> width,
                           ModelSpec& spec, Problems& problems) {
  const bool natural = p.value("background", nlohmann::json()) == "none";
  const auto given = [&](const char* key) { return p.contains(key) && !p[key].is_null(); };
  const auto interpolation = p.value("interpolation", nlohmann::json("area"));
  if (interpolation == "area") spec.input.interpolation = Interpolation::area;
  else if (interpolation == "bilinear") spec.input.interpolation = Interpolation::bilinear;
  else if (interpolation == "bicubic") spec.input.interpolation = Interpolation::bicubic;
  else
    problems.push_back(meta + ": \"preprocessing.interpolation\" must be \"area\", \"bilinear\" or \"bicubic\", not " +
                       excerpt(interpolation));
  if (!natural) {
    for (const char* key : {"resize", "crop"})
      if (given(key))
        problems.push_back(meta + ": \"preprocessing." + key + "\" is for background \"none\" only (a photo resized " +
                           "and centre-cropped); this model's background is " + excerpt(p.value("background", nlohmann::json())));
    if (p.contains("interpolation") && interpolation != "area")
      problems.push_back(meta + ": \"preprocessing.interpolation\" " + excerpt(interpolation) +
                         " is for background \"none\" only; a cropped item is fitted by area averaging");
    return;
  }
  if (!height || !width) return;  // reported already
  const int largest = std::max(*height, *width);
  if (given("resize")) {
    const auto r = positive(p["resize"]);
    if (!r || *r < static_cast<std::uint64_t>(largest) || *r > static_cast<std::uint64_t>(max_model_input_side))
      problems.push_back(meta + ": \"preprocessing.resize\" (the shorter side's size before the centre crop) must be " +
                         "an integer from " + std::to_string(largest) + " (the input's larger side) to " +
                         std::to_string(max_model_input_side) + ", or null, not " + excerpt(p["resize"]));
    else
      spec.input.resize = static_cast<int>(*r);
  }
  if (given("crop")) {
    const auto& c = p["crop"];
    const bool square = positive(c) && *height == *width && positive(c) == static_cast<std::uint64_t>(*height);
    const bool pair = c.is_array() && c.size() == 2 && positive(c[0]) == static_cast<std::uint64_t>(*height) &&
                      positive(c[1]) == static_cast<std::uint64_t>(*width);
    if (!square && !pair)
      problems.push_back(meta + ": \"preprocessing.crop\" must be the input's size, " +
                         (*height == *width ? std::to_string(*height) + " or " : std::string()) + "[" +
                         std::to_string(*height) + ", " + std::to_string(*width) + "], not " + excerpt(c));
  }
}

// "samples": the images the model offers, each a PNG or a JPEG whose bytes
// start as its type says, within the size limits; labels are checked against
// spec.labels once those are read.
void check_samples(const nlohmann::json& list, const std::string& meta, ModelSpec& spec, Problems& problems) {
  if (!list.is_array()) {
    problems.push_back(meta + ": \"samples\" must be a list of {name, label, type, data}, not " + excerpt(list));
    return;
  }
  if (list.size() > max_model_samples) {
    problems.push_back(meta + ": \"samples\" has " + std::to_string(list.size()) + " images, over the limit of " +
                       std::to_string(max_model_samples));
    return;
  }
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& s = list[i];
    const std::string which = meta + ": sample " + std::to_string(i);
    if (!s.is_object()) {
      problems.push_back(which + " must be an object {name, label, type, data}, not " + excerpt(s));
      continue;
    }
    ModelSample sample;
    const auto text = [&](const char* key) -> const std::string* {
      if (!s.contains(key) || !s[key].is_string()) {
        problems.push_back(which + " needs \"" + key + "\", a string" + (s.contains(key) ? ", not " + excerpt(s[key]) : ""));
        return nullptr;
      }
      return &s[key].get_ref<const std::string&>();
    };
    const std::string* name = text("name");
    const std::string* type = text("type");
    const std::string* data = text("data");
    if (!name || !type || !data) continue;
    if (name->empty() || name->size() > max_model_label_bytes) {
      problems.push_back(which + ": its name is " + std::to_string(name->size()) + " bytes long; a name has 1 to " +
                         std::to_string(max_model_label_bytes));
      continue;
    }
    if (s.contains("label")) {
      const auto& l = s["label"];
      if (!l.is_number_unsigned() || (!spec.labels.empty() && l.get<std::uint64_t>() >= spec.labels.size())) {
        problems.push_back(which + " (" + excerpt(*name) + "): \"label\" must be a class index from 0 to " +
                           std::to_string(spec.labels.empty() ? 0 : spec.labels.size() - 1) + ", not " + excerpt(l));
        continue;
      }
      sample.label = static_cast<int>(l.get<std::uint64_t>());
    }
    if (*type != "image/png" && *type != "image/jpeg") {
      problems.push_back(which + " (" + excerpt(*name) + "): \"type\" must be \"image/png\" or \"image/jpeg\", not " +
                         excerpt(*type));
      continue;
    }
    // The size from the text's length, bounded before anything is decoded.
    const std::uint64_t bytes = std::uint64_t(data->size()) * 3 / 4;
    if (bytes > max_model_sample_bytes) {
      problems.push_back(which + " (" + excerpt(*name) + ") is " + std::to_string(bytes) + " bytes, over the limit of " +
                         std::to_string(max_model_sample_bytes) + " for one sample");
      continue;
    }
    total += bytes;
    if (total > max_model_samples_bytes) {
      problems.push_back(meta + ": the samples take more than " + std::to_string(max_model_samples_bytes) +
                         " bytes in all; sample " + std::to_string(i) + " passes the limit");
      return;
    }
    const Base64urlDecoded decoded = decode_base64url(*data);
    if (decoded.bad_character || decoded.dangling || decoded.stray_bits) {
      problems.push_back(which + " (" + excerpt(*name) + "): \"data\" is not base64url (RFC 4648 section 5, " +
                         "letters, digits, - and _, no padding)");
      continue;
    }
    static constexpr std::uint8_t png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    static constexpr std::uint8_t jpeg[] = {0xFF, 0xD8, 0xFF};
    const auto starts = [&](std::span<const std::uint8_t> signature) {
      return decoded.bytes.size() >= signature.size() && std::equal(signature.begin(), signature.end(), decoded.bytes.begin());
    };
    if (!(*type == "image/png" ? starts(png) : starts(jpeg))) {
      problems.push_back(which + " (" + excerpt(*name) + "): its data does not start as a " +
                         (*type == "image/png" ? "PNG" : "JPEG") + " file does");
      continue;
    }
    sample.name = *name;
    sample.type = *type;
    sample.data = *data;
    spec.samples.push_back(std::move(sample));
  }
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
    const auto c = positive_integer(input, "input.", "channels", "image channels", std::numeric_limits<int>::max(),
                                    true, problems);
    if (c == 1 || c == 3)
      channels = c;
    else if (c)
      problems.push_back(meta + ": \"input.channels\" is " + std::to_string(*c) +
                         ", but preprocessing makes 1 (gray) or 3 (RGB) channels");
    height = positive_integer(input, "input.", "height", "input height in pixels", max_model_input_side, true,
                              problems);
    width = positive_integer(input, "input.", "width", "input width in pixels", max_model_input_side, true,
                             problems);
  }
  if (height && width && static_cast<std::int64_t>(*height) * *width > max_model_input_pixels) {
    problems.push_back(meta + ": the input is " + std::to_string(*height) + "x" + std::to_string(*width) + " = " +
                       std::to_string(static_cast<std::int64_t>(*height) * *width) +
                       " pixels, over the limit of " + std::to_string(max_model_input_pixels) + " pixels");
    height = width = std::nullopt;
  }
  if (channels) spec.input.channels = *channels;
  if (height) spec.input.height = *height;
  if (width) spec.input.width = *width;

  // patch and grid
  const auto patch = positive_integer(m, "", "patch", "the patch size in pixels", max_model_input_side, true,
                                      problems);
  if (patch) spec.patch = *patch;
  std::optional<std::uint64_t> rows, cols;
  if (!m.contains("grid")) {
    problems.push_back(meta + " has no \"grid\" ([rows, cols] of patches)");
  } else if (const auto& g = m["grid"]; !g.is_array() || g.size() != 2 || !positive(g[0]) || !positive(g[1])) {
    problems.push_back(meta + ": \"grid\" must be [rows, cols] of positive integers, not " + excerpt(g));
  } else {
    rows = positive(g[0]), cols = positive(g[1]);
  }

  // cls
  bool have_cls = false;
  if (!m.contains("cls")) {
    problems.push_back(meta + " has no \"cls\" (true when token 0 is a CLS token)");
  } else if (!m["cls"].is_boolean()) {
    problems.push_back(meta + ": \"cls\" must be true or false, not " + excerpt(m["cls"]));
  } else {
    spec.cls = m["cls"].get<bool>();
    have_cls = true;
  }
  // prefix_tokens: the tokens before the patches (CLS, then e.g. a distillation
  // token or registers); optional, by default 1 with CLS and 0 without.
  spec.prefix_tokens = spec.cls ? 1 : 0;
  bool have_prefix = have_cls;
  if (m.contains("prefix_tokens")) {
    const auto& v = m["prefix_tokens"];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > static_cast<std::uint64_t>(max_model_prefix_tokens)) {
      problems.push_back(meta + ": \"prefix_tokens\" must be an integer from 0 to " +
                         std::to_string(max_model_prefix_tokens) + " (the tokens before the patches), not " +
                         excerpt(v));
      have_prefix = false;
    } else if (have_cls && spec.cls && v.get<std::uint64_t>() == 0) {
      problems.push_back(meta + ": \"prefix_tokens\" is 0, but \"cls\" is true: CLS is token 0, a prefix token");
      have_prefix = false;
    } else {
      spec.prefix_tokens = static_cast<int>(v.get<std::uint64_t>());
    }
  }
  if (rows && cols) {
    // Each side is bounded before the product, which then fits in 64 bits.
    const auto limit = static_cast<std::uint64_t>(max_model_tokens);
    if (*rows > limit || *cols > limit || *rows * *cols + static_cast<std::uint64_t>(spec.prefix_tokens) > limit) {
      problems.push_back(meta + ": grid " + std::to_string(*rows) + "x" + std::to_string(*cols) +
                         prefix_words(spec) + " is over the limit of " + std::to_string(limit) +
                         " tokens per image");
      rows = cols = std::nullopt;
    } else {
      spec.grid_rows = static_cast<int>(*rows), spec.grid_cols = static_cast<int>(*cols);
      if (have_prefix) spec.tokens = spec.grid_rows * spec.grid_cols + spec.prefix_tokens;
    }
  }

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
                         (background.is_null() ? std::string("missing") : excerpt(background)));
    const auto normalization = p.value("normalization", nlohmann::json("inside"));
    if (normalization == "outside") {
      for (const char* key : {"mean", "std"}) {
        const bool is_std = std::string(key) == "std";
        const auto v = p.value(key, nlohmann::json());
        // Preprocessing works in float32: each number must be in its range (a double
        // beyond it has no float), a std positive once rounded to float.
        const bool ok = v.is_array() && channels && v.size() == static_cast<std::size_t>(*channels) &&
                        std::all_of(v.begin(), v.end(), [&](const nlohmann::json& x) {
                          if (!x.is_number() || !(std::abs(x.get<double>()) <= std::numeric_limits<float>::max()))
                            return false;
                          return !is_std || static_cast<float>(x.get<double>()) > 0;
                        });
        if (!ok) {
          problems.push_back(meta + ": normalization \"outside\" needs \"preprocessing." + key +
                             "\" as one number per channel" + (is_std ? " (positive)" : "") +
                             ", not " + (v.is_null() ? std::string("missing") : excerpt(v)));
          continue;
        }
        auto& target = is_std ? spec.input.std : spec.input.mean;
        for (const auto& x : v) target.push_back(x.get<float>());
      }
    } else if (normalization != "inside") {
      problems.push_back(meta + ": \"preprocessing.normalization\" must be \"inside\" (the graph normalises "
                                "[0, 1] pixels) or \"outside\", not " + excerpt(normalization));
    }
    check_resize_and_crop(p, height, width, spec, problems);
  }

  // labels
  if (!m.contains("labels")) {
    problems.push_back(meta + " has no \"labels\" (the class names, one per logit)");
  } else if (const auto& l = m["labels"];
             !l.is_array() || l.empty() || !std::all_of(l.begin(), l.end(), [](const auto& x) { return x.is_string(); })) {
    problems.push_back(meta + ": \"labels\" must be a non-empty list of class names, not " + excerpt(l));
  } else if (l.size() > max_model_labels) {
    problems.push_back(meta + ": \"labels\" has " + std::to_string(l.size()) + " class names, over the limit of " +
                       std::to_string(max_model_labels));
  } else if (auto long_label = std::find_if(l.begin(), l.end(), [](const auto& x) {
               return x.template get_ref<const std::string&>().size() > max_model_label_bytes;
             });
             long_label != l.end()) {
    problems.push_back(meta + ": label " + std::to_string(long_label - l.begin()) + " (" + excerpt(*long_label) +
                       ") is " + std::to_string(long_label->template get_ref<const std::string&>().size()) +
                       " bytes long, over the limit of " + std::to_string(max_model_label_bytes) + " bytes");
  } else {
    for (const auto& x : l) spec.labels.push_back(x.get<std::string>());
  }

  if (m.contains("samples")) check_samples(m["samples"], meta, spec, problems);

  // optional descriptions
  for (auto [key, target] : {std::pair{"id", &spec.id}, {"name", &spec.name}, {"dataset", &spec.dataset}}) {
    if (!m.contains(key)) continue;
    if (m[key].is_string()) *target = m[key].get<std::string>();
    else problems.push_back(meta + ": \"" + key + "\" must be a string, not " + excerpt(m[key]));
  }
  if (m.contains("test_accuracy")) {
    const auto& a = m["test_accuracy"];
    if (a.is_number() && a.get<double>() >= 0 && a.get<double>() <= 1) spec.test_accuracy = a.get<double>();
    else problems.push_back(meta + ": \"test_accuracy\" must be a number in [0, 1], not " + excerpt(a));
  }
  if (auto layers = positive_integer(m, "", "layers", "the number of layers", max_model_layers, false, problems))
    spec.layers = *layers;
  if (auto heads = positive_integer(m, "", "heads", "the number of heads", max_model_heads, false, problems))
    spec.heads = *heads;
  if (auto tokens = positive_integer(m, "", "tokens", "tokens per image", max_model_tokens, false, problems);
      tokens && spec.tokens && *tokens != spec.tokens)
    problems.push_back(meta + ": \"tokens\" is " + std::to_string(*tokens) + " but grid " +
                       std::to_string(spec.grid_rows) + "x" + std::to_string(spec.grid_cols) +
                       (spec.prefix_tokens == 0 ? std::string(" without CLS") : prefix_words(spec)) + " gives " +
                       std::to_string(spec.tokens));

  // Geometry: the patch grid must tile the input exactly (products in 64 bits).
  if (patch && rows && cols && height && width) {
    const std::int64_t covered_rows = static_cast<std::int64_t>(*rows) * *patch;
    const std::int64_t covered_cols = static_cast<std::int64_t>(*cols) * *patch;
    if (covered_rows != *height || covered_cols != *width)
      problems.push_back(meta + ": grid " + std::to_string(*rows) + "x" + std::to_string(*cols) + " of " +
                         std::to_string(*patch) + "-pixel patches covers " + std::to_string(covered_rows) + "x" +
                         std::to_string(covered_cols) + " pixels, but the input is " + std::to_string(*height) +
                         "x" + std::to_string(*width) + " (height x width)");
  }
}

// A static graph axis that disagrees with the metadata: "<subject> has <graph>
// <unit> (<axes>) but the <metadata says> <metadata value>".
void compare(std::int64_t graph_value, int metadata_value, const std::string& subject, const std::string& unit,
             const std::string& axes, const std::string& metadata_says, Problems& problems) {
  if (graph_value >= 0 && metadata_value > 0 && graph_value != metadata_value)
    problems.push_back(subject + " has " + std::to_string(graph_value) + " " + unit + " (" + axes +
                       ") but the " + metadata_says + " " + std::to_string(metadata_value));
}

// What one pass over the metadata text finds before nlohmann parses it: how deep
// arrays and objects nest (its serializer and copies recurse once per level, so a
// deep value would overflow the stack, in wasm first), and the first number literal
// that overflows a double (its parser throws out_of_range on those).
struct TextScan {
  std::size_t depth = 0;
  std::string overflowing_number;
  std::size_t overflowing_number_at = 0;  // byte offset in the text
};

TextScan scan_json_text(const std::string& text) {
  TextScan scan;
  std::size_t depth = 0;
  bool in_string = false;
  const auto in_number = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      scan.depth = std::max(scan.depth, ++depth);
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;  // unbalanced text is the parser's to report
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && in_number(text[end])) ++end;
      if (scan.overflowing_number.empty()) {
        const std::string literal = text.substr(i, end - i);
        if (std::isinf(std::strtod(literal.c_str(), nullptr)))
          scan.overflowing_number = literal, scan.overflowing_number_at = i;
      }
      i = end - 1;
    }
  }
  return scan;
}

// The parsed metadata, or nothing after reporting why it cannot be read.
std::optional<nlohmann::json> parse_metadata(const std::string& text, Problems& problems) {
  const TextScan scan = scan_json_text(text);
  if (scan.depth > static_cast<std::size_t>(max_metadata_depth)) {
    problems.push_back(meta + " nests arrays and objects " + std::to_string(scan.depth) +
                       " deep, over the limit of " + std::to_string(max_metadata_depth) + " levels");
    return std::nullopt;
  }
  if (!scan.overflowing_number.empty()) {
    problems.push_back(meta + " has the number " + printable(scan.overflowing_number) + " (at byte " +
                       std::to_string(scan.overflowing_number_at) +
                       "), too large for a double: every number must be finite, at most about 1.8e308");
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 27: ...": the position and the reason.
    std::string what = e.what();
    if (auto colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
    problems.push_back(meta + " is not valid JSON: " + printable(what, 200));
  } catch (const nlohmann::json::exception&) {
    problems.push_back(meta + " could not be read: it holds a value that vitopo cannot represent");
  }
  return std::nullopt;
}

ModelCheck check_model_file(std::span<const std::uint8_t> onnx_file) {
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
      problems.push_back("input '" + printable(d->tensor.name) + "' is not part of the contract: the only input is 'pixels'");
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
    for (const auto& kv : file.metadata) keys += (keys.empty() ? "'" : ", '") + printable(kv.first) + "'";
    problems.push_back("metadata_props has no 'vitopo' entry: the model must describe its input, patch, grid, "
                       "CLS, preprocessing and labels there as JSON (keys found: " +
                       (keys.empty() ? std::string("none") : keys) + ")");
    return check;
  }
  const std::optional<nlohmann::json> parsed = parse_metadata(entry->second, problems);
  if (!parsed) return check;
  const nlohmann::json& m = *parsed;
  const std::size_t before = problems.size();
  check_metadata(m, check.spec, problems);
  if (problems.size() != before && !m.is_object()) return check;
  ModelSpec& spec = check.spec;

  // Consistency of the graph's static axes with the metadata.
  const std::string grid = "grid " + std::to_string(spec.grid_rows) + "x" + std::to_string(spec.grid_cols) +
                           (spec.prefix_tokens == 0 ? std::string(" without CLS") : prefix_words(spec)) + " gives";
  compare(dim(pixels, 1), spec.input.channels, "input 'pixels'", "channels", "axis 1", "metadata says", problems);
  compare(dim(pixels, 2), spec.input.height, "input 'pixels'", "rows", "axis 2, height", "metadata says", problems);
  compare(dim(pixels, 3), spec.input.width, "input 'pixels'", "columns", "axis 3, width", "metadata says", problems);
  compare(dim(logits, 1), static_cast<int>(spec.labels.size()), "output 'logits'", "classes", "axis 1",
          "metadata's label count is", problems);
  compare(dim(attentions, 3), spec.tokens, "output 'attentions'", "tokens", "axes 3 and 4", "metadata's " + grid,
          problems);
  compare(dim(attentions, 0), spec.layers, "output 'attentions'", "layers", "axis 0", "metadata says", problems);
  compare(dim(attentions, 2), spec.heads, "output 'attentions'", "heads", "axis 2", "metadata says", problems);
  // Layers and heads the metadata leaves out are the graph's, within the same limits.
  for (auto [axis, limit, unit, target] : {std::tuple{std::size_t{0}, max_model_layers, "layers", &spec.layers},
                                           std::tuple{std::size_t{2}, max_model_heads, "heads", &spec.heads}}) {
    const std::int64_t size = dim(attentions, axis);
    if (size > limit)
      problems.push_back("output 'attentions' has " + std::to_string(size) + " " + unit + " (axis " +
                         std::to_string(axis) + "), over the limit of " + std::to_string(limit));
    else if (*target == 0 && size > 0)
      *target = static_cast<int>(size);
  }
  return check;
}

}  // namespace

ModelCheck check_model(std::span<const std::uint8_t> onnx_file) {
  // Every way the file can fail is a sentence; these are the ones no check foresaw.
  ModelCheck failed;
  try {
    return check_model_file(onnx_file);
  } catch (const std::bad_alloc&) {
    failed.problems.push_back("the model could not be checked: there is not enough memory to read its " +
                              std::to_string(onnx_file.size()) + " bytes");
  } catch (...) {
    failed.problems.push_back("the model could not be checked: its contents caused an unexpected error");
  }
  return failed;
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

int ModelSpec::token_of_patch(int row, int col) const {
  if (row < 0 || col < 0 || row >= grid_rows || col >= grid_cols) return -1;
  return prefix_tokens + row * grid_cols + col;
}

std::pair<int, int> ModelSpec::patch_of_token(int token) const {
  const int p = token - prefix_tokens;
  if (p < 0 || grid_cols <= 0 || p >= grid_rows * grid_cols) return {-1, -1};
  return {p / grid_cols, p % grid_cols};
}

}  // namespace vitopo
