#include "core/analysis_json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/quote.hpp"
#include "core/whole_file.hpp"

namespace vitopo {

using nlohmann::json;

namespace {

json number_or_null(double value) { return std::isinf(value) ? json(nullptr) : json(value); }

}  // namespace

json to_json(const AnalysisSettings& s) {
  return {{"metric", metric_name(s.metric)},
          {"columns", s.columns},
          {"drop_cls", s.drop_cls},
          {"seed_compatible", s.seed_compatible},
          {"maxdim", s.maxdim},
          {"threshold", number_or_null(s.threshold)},
          {"modulus", s.modulus},
          {"long_bar_length", s.long_bar_length}};
}

json to_json(const Analysis& analysis) {
  json heads = json::array();
  for (const HeadAnalysis& result : analysis.results) {
    json diagrams = json::array();
    for (const Barcode& barcode : result.persistence.barcodes) {
      json points = json::array();
      for (const Bar& bar : barcode.bars) points.push_back({bar.birth, number_or_null(bar.death)});
      diagrams.push_back(std::move(points));
    }
    json summary = json::array();
    for (const DimensionSummary& d : result.summary)
      summary.push_back({{"dim", d.dim},
                         {"bars", d.bars},
                         {"essential", d.essential},
                         {"total_persistence_1", d.total_persistence_1},
                         {"total_persistence_2", d.total_persistence_2},
                         {"entropy", d.entropy},
                         {"longest_finite", d.longest_finite},
                         {"long_bar_length", d.long_bar_length},
                         {"long_bars", d.long_bars}});
    heads.push_back({{"layer", result.layer},
                     {"head", result.head},
                     {"threshold", number_or_null(result.persistence.threshold)},
                     {"diagrams", std::move(diagrams)},
                     {"summary", std::move(summary)}});
  }
  return {{"schema", analysis_schema},
          {"settings", to_json(analysis.settings)},
          {"shape", {{"layers", analysis.layers}, {"heads", analysis.heads}, {"tokens", analysis.tokens}}},
          {"heads", std::move(heads)}};
}

namespace {

const json& field(const json& object, const char* key, const std::string& where) {
  if (!object.is_object()) throw AnalysisJsonError(where + " is not an object");
  auto it = object.find(key);
  if (it == object.end()) throw AnalysisJsonError(where + " has no \"" + key + "\"");
  return *it;
}

template <typename T>
T get(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  try {
    return value.get<T>();
  } catch (const json::exception&) {
    throw AnalysisJsonError(where + "." + key + " has the wrong type (" + value.type_name() + ")");
  }
}

// An integer of the schema: a JSON integer (not 0.7, not 1e30) from 0 to
// the largest int.
int get_integer(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  const std::string name = where + "." + key;
  if (!value.is_number_integer()) {
    if (value.is_number())
      throw AnalysisJsonError(name + " is " + value.dump() + ", not an integer");
    throw AnalysisJsonError(name + " has the wrong type (" + value.type_name() + "), not an integer");
  }
  constexpr int largest = std::numeric_limits<int>::max();
  const bool in_range = value.is_number_unsigned() ? value.get<std::uint64_t>() <= std::uint64_t(largest)
                                                   : value.get<std::int64_t>() >= 0 && value.get<std::int64_t>() <= largest;
  if (!in_range)
    throw AnalysisJsonError(name + " is " + value.dump() + ", outside 0 to " + std::to_string(largest));
  return int(value.get<std::int64_t>());
}

double number_or_infinity(const json& value, const std::string& where) {
  if (value.is_null()) return infinity;
  if (!value.is_number()) throw AnalysisJsonError(where + " is not a number or null");
  return value.get<double>();
}

}  // namespace

Analysis analysis_from_json(const json& j) {
  if (const std::string schema = get<std::string>(j, "schema", "the document"); schema != analysis_schema)
    throw AnalysisJsonError("the document's schema is " + quote(schema) + ", expected \"" + analysis_schema + "\"");
  Analysis analysis;
  const json& s = field(j, "settings", "the document");
  AnalysisSettings& settings = analysis.settings;
  try {
    settings.metric = parse_metric(get<std::string>(s, "metric", "settings"));
  } catch (const std::invalid_argument& e) {
    throw AnalysisJsonError(std::string("settings.metric: ") + e.what());
  }
  settings.columns = get<bool>(s, "columns", "settings");
  settings.drop_cls = get<bool>(s, "drop_cls", "settings");
  settings.seed_compatible = get<bool>(s, "seed_compatible", "settings");
  settings.maxdim = get_integer(s, "maxdim", "settings");
  settings.threshold = number_or_infinity(field(s, "threshold", "settings"), "settings.threshold");
  settings.modulus = get_integer(s, "modulus", "settings");
  if (s.contains("long_bar_length")) settings.long_bar_length = get<double>(s, "long_bar_length", "settings");
  const json& shape = field(j, "shape", "the document");
  analysis.layers = get_integer(shape, "layers", "shape");
  analysis.heads = get_integer(shape, "heads", "shape");
  analysis.tokens = get_integer(shape, "tokens", "shape");
  const json& heads = field(j, "heads", "the document");
  if (!heads.is_array()) throw AnalysisJsonError("heads is not a list");
  for (std::size_t k = 0; k < heads.size(); ++k) {
    const std::string where = "heads[" + std::to_string(k) + "]";
    const json& h = heads[k];
    HeadAnalysis result;
    result.layer = get_integer(h, "layer", where);
    result.head = get_integer(h, "head", where);
    result.persistence.threshold =
        h.contains("threshold") ? number_or_infinity(h["threshold"], where + ".threshold") : infinity;
    const json& diagrams = field(h, "diagrams", where);
    if (!diagrams.is_array()) throw AnalysisJsonError(where + ".diagrams is not a list");
    for (std::size_t d = 0; d < diagrams.size(); ++d) {
      const std::string dwhere = where + ".diagrams[" + std::to_string(d) + "]";
      if (!diagrams[d].is_array()) throw AnalysisJsonError(dwhere + " is not a list");
      Barcode barcode;
      barcode.dim = int(d);
      for (std::size_t p = 0; p < diagrams[d].size(); ++p) {
        const json& point = diagrams[d][p];
        const std::string pwhere = dwhere + "[" + std::to_string(p) + "]";
        if (!point.is_array() || point.size() != 2 || !point[0].is_number())
          throw AnalysisJsonError(pwhere + " is not a [birth, death] pair");
        Bar bar;
        bar.birth = point[0].get<double>();
        bar.death = number_or_infinity(point[1], pwhere + "[1]");
        barcode.bars.push_back(std::move(bar));
      }
      result.persistence.barcodes.push_back(std::move(barcode));
    }
    result.summary = summarize(result.persistence, settings.long_bar_length);
    analysis.results.push_back(std::move(result));
  }
  return analysis;
}

std::string to_json_text(const Analysis& analysis, int indent) { return to_json(analysis).dump(indent); }

Analysis read_analysis_json(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_whole_file(path);
  } catch (const FileError& e) {
    throw AnalysisJsonError(e.what());
  }
  json j;
  try {
    j = json::parse(bytes);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number beyond double (1e400)
    throw AnalysisJsonError(path + ": not JSON: " + e.what());
  }
  try {
    return analysis_from_json(j);
  } catch (const AnalysisJsonError& e) {
    throw AnalysisJsonError(path + ": " + e.what());
  }
}

}  // namespace vitopo
