// Reading the oracle's text inputs in the tests: numbers separated by
// whitespace or commas, parsed as float with strtof, as Ripser's `>> float`.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace test_inputs {

inline std::vector<float> numbers_of(std::string line) {
  for (char& ch : line)
    if (ch == ',') ch = ' ';
  std::istringstream s(line);
  std::vector<float> values;
  std::string token;
  while (s >> token) values.push_back(std::strtof(token.c_str(), nullptr));
  return values;
}

inline std::vector<float> read_numbers(const std::string& path) {
  std::ifstream in(path);
  std::vector<float> all;
  std::string line;
  while (std::getline(in, line)) {
    const auto row = numbers_of(line);
    all.insert(all.end(), row.begin(), row.end());
  }
  return all;
}

inline std::vector<std::vector<float>> read_points(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<float>> points;
  std::string line;
  while (std::getline(in, line)) {
    auto row = numbers_of(line);
    if (!row.empty()) points.push_back(std::move(row));
  }
  return points;
}

}  // namespace test_inputs
