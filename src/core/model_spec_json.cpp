#include "core/model_spec_json.hpp"

#include <stdexcept>
#include <string>

namespace vitopo {

namespace {

Background background_of(const std::string& name) {
  if (name == "dark") return Background::dark;
  if (name == "light") return Background::light;
  if (name == "none") return Background::none;
  throw std::invalid_argument("unknown background \"" + name + "\" (dark, light or none)");
}

Interpolation interpolation_of(const std::string& name) {
  if (name == "area") return Interpolation::area;
  if (name == "bilinear") return Interpolation::bilinear;
  if (name == "bicubic") return Interpolation::bicubic;
  throw std::invalid_argument("unknown interpolation \"" + name + "\" (area, bilinear or bicubic)");
}

}  // namespace

const char* interpolation_name(Interpolation i) {
  switch (i) {
    case Interpolation::area: return "area";
    case Interpolation::bilinear: return "bilinear";
    case Interpolation::bicubic: return "bicubic";
  }
  return "area";
}

const char* background_name(Background b) {
  switch (b) {
    case Background::dark: return "dark";
    case Background::light: return "light";
    case Background::none: return "none";
  }
  return "none";
}

nlohmann::json to_json(const ModelSpec& spec) {
  const ImageInputSpec& in = spec.input;
  return {{"id", spec.id},
          {"name", spec.name},
          {"dataset", spec.dataset},
          {"test_accuracy", spec.test_accuracy ? nlohmann::json(*spec.test_accuracy) : nlohmann::json(nullptr)},
          {"input", {{"channels", in.channels}, {"height", in.height}, {"width", in.width},
                     {"background", background_name(in.background)}, {"mean", in.mean}, {"std", in.std},
                     {"content_threshold", in.content_threshold}, {"resize", in.resize},
                     {"interpolation", interpolation_name(in.interpolation)}}},
          {"patch", spec.patch},
          {"grid", {spec.grid_rows, spec.grid_cols}},
          {"cls", spec.cls},
          {"prefix_tokens", spec.prefix_tokens},
          {"tokens", spec.tokens},
          {"layers", spec.layers},
          {"heads", spec.heads},
          {"labels", spec.labels},
          {"samples", [&] {
             nlohmann::json list = nlohmann::json::array();
             for (const ModelSample& x : spec.samples)
               list.push_back({{"name", x.name}, {"label", x.label}, {"type", x.type}, {"data", x.data}});
             return list;
           }()}};
}

ModelSpec model_spec_from_json(const nlohmann::json& spec) {
  try {
    ModelSpec out;
    const nlohmann::json& in = spec.at("input");
    out.input.channels = in.at("channels").get<int>();
    out.input.height = in.at("height").get<int>();
    out.input.width = in.at("width").get<int>();
    out.input.background = background_of(in.at("background").get<std::string>());
    out.input.mean = in.value("mean", std::vector<float>{});
    out.input.std = in.value("std", std::vector<float>{});
    out.input.content_threshold = in.value("content_threshold", out.input.content_threshold);
    // Older specs: no resize, area averaging.
    out.input.resize = in.contains("resize") && !in.at("resize").is_null() ? in.at("resize").get<int>() : 0;
    out.input.interpolation = interpolation_of(in.value("interpolation", std::string("area")));
    out.id = spec.value("id", std::string());
    out.name = spec.value("name", std::string());
    out.dataset = spec.value("dataset", std::string());
    if (spec.contains("test_accuracy") && spec.at("test_accuracy").is_number())
      out.test_accuracy = spec.at("test_accuracy").get<double>();
    out.patch = spec.at("patch").get<int>();
    out.grid_rows = spec.at("grid").at(0).get<int>();
    out.grid_cols = spec.at("grid").at(1).get<int>();
    out.cls = spec.at("cls").get<bool>();
    out.prefix_tokens = spec.value("prefix_tokens", out.cls ? 1 : 0);  // older specs: CLS alone
    out.tokens = spec.at("tokens").get<int>();
    out.layers = spec.value("layers", 0);
    out.heads = spec.value("heads", 0);
    out.labels = spec.value("labels", std::vector<std::string>{});
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("the model spec is incomplete: ") + e.what());
  }
}

}  // namespace vitopo
