// A comparison as the views hold it: the page's worker answers a 'compare'
// intent with the core's JSON (src/core/comparison.hpp), read here once into
// plain numbers for drawing.
#pragma once

#include <cstddef>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace vitopo::app {

struct ComparisonResult {
  std::string key;  // the request this answers (or waits for)
  bool pending = false;
  int done = 0, total = 0;  // pairs, while pending
  std::string error;
  bool ready = false;

  // A matrix (vitopo.comparison/1, or layer steps): rows × columns, row-major,
  // +∞ where the JSON has null.
  std::vector<int> rows, columns;
  std::vector<double> matrix;
  // A matching: its distance and pairs (-1: the diagonal).
  double distance = 0;
  std::vector<std::pair<int, int>> pairs;
  std::vector<double> costs;  // each pair's L∞ length

  nlohmann::json request;  // what was asked (the 'compare' intent's request)

  double at(std::size_t i, std::size_t j) const { return matrix[i * columns.size() + j]; }
};

// Reads the worker's answer ({"comparison": ...}, {"steps": ...} or
// {"matching": ...}) into `result`, which becomes ready; throws
// std::invalid_argument for anything else.
void read_comparison_result(const nlohmann::json& answer, ComparisonResult& result);

}  // namespace vitopo::app
