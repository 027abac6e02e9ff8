// The analysis JSON, schema "vitopo.analysis/1" (docs/contracts.md):
//   {"schema": "vitopo.analysis/1",
//    "settings": {"metric", "columns", "drop_cls", "seed_compatible", "maxdim",
//                 "threshold" (null: enclosing radius), "modulus", "long_bar_length"},
//    "shape": {"layers", "heads", "tokens"},
//    "heads": [{"layer", "head", "threshold",
//               "diagrams": [[[birth, death|null], ...] per dim],
//               "summary": [{"dim", "bars", "essential", "total_persistence_1",
//                            "total_persistence_2", "entropy", "longest_finite",
//                            "long_bar_length", "long_bars"} per dim]}]}
// death null is +∞. Numbers are written with full double precision (round trip).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "core/analysis.hpp"

namespace vitopo {

inline constexpr const char* analysis_schema = "vitopo.analysis/1";

struct AnalysisJsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const Analysis& analysis);
// The analysis JSON's "settings" object on its own.
nlohmann::json to_json(const AnalysisSettings& settings);
// Throws AnalysisJsonError naming the missing or malformed field. Bars come
// back without their birth/death simplices (the schema does not carry them).
Analysis analysis_from_json(const nlohmann::json& json);

std::string to_json_text(const Analysis& analysis, int indent = -1);
Analysis read_analysis_json(const std::string& path);

}  // namespace vitopo
