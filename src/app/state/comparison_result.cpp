#include "comparison_result.hpp"

#include <stdexcept>

namespace vitopo::app {

namespace {

double distance_of(const nlohmann::json& v) {
  if (v.is_null()) return std::numeric_limits<double>::infinity();
  if (!v.is_number()) throw std::invalid_argument("a distance is not a number");
  return v.get<double>();
}

void read_matrix(const nlohmann::json& rows_json, ComparisonResult& r) {
  if (!rows_json.is_array() || rows_json.size() != r.rows.size())
    throw std::invalid_argument("the comparison's matrix has the wrong number of rows");
  r.matrix.clear();
  for (const nlohmann::json& row : rows_json) {
    if (!row.is_array() || row.size() != r.columns.size())
      throw std::invalid_argument("the comparison's matrix has a row of the wrong length");
    for (const nlohmann::json& v : row) r.matrix.push_back(distance_of(v));
  }
}

}  // namespace

void read_comparison_result(const nlohmann::json& answer, ComparisonResult& r) {
  r.rows.clear(), r.columns.clear(), r.matrix.clear(), r.pairs.clear(), r.costs.clear();
  r.distance = 0;
  if (answer.contains("comparison")) {
    const nlohmann::json& c = answer.at("comparison");
    if (c.contains("labels")) {
      r.rows = c.at("labels").get<std::vector<int>>();
      r.columns = r.rows;
    } else {
      r.rows = c.at("layers").get<std::vector<int>>();
      r.columns = c.at("heads").get<std::vector<int>>();
    }
    read_matrix(c.at("matrix"), r);
  } else if (answer.contains("steps")) {
    const nlohmann::json& s = answer.at("steps");
    r.rows = s.at("heads").get<std::vector<int>>();
    r.rows.push_back(-1);  // the pooled row
    const nlohmann::json& m = s.at("matrix");
    const std::size_t steps = m.is_array() && !m.empty() && m[0].is_array() ? m[0].size() : 0;
    for (std::size_t k = 0; k < steps; ++k) r.columns.push_back(int(k));
    read_matrix(m, r);
  } else if (answer.contains("matching")) {
    const nlohmann::json& m = answer.at("matching");
    r.distance = distance_of(m.at("distance"));
    for (const nlohmann::json& pair : m.at("pairs")) r.pairs.emplace_back(pair.at(0).get<int>(), pair.at(1).get<int>());
    if (m.contains("costs")) r.costs = m.at("costs").get<std::vector<double>>();
    if (r.costs.size() != r.pairs.size()) throw std::invalid_argument("the matching has a cost per pair");
  } else {
    throw std::invalid_argument("the worker's answer is not a comparison");
  }
  r.ready = true;
  r.pending = false;
  r.error.clear();
}

}  // namespace vitopo::app
