#include "core/numbers.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace vitopo {

bool is_prime(int p) {
  if (p < 2) return false;
  for (int d = 2; d <= p / d; ++d)
    if (p % d == 0) return false;
  return true;
}

std::optional<int> parse_int(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || end != text.c_str() + text.size() || value < INT_MIN || value > INT_MAX) return std::nullopt;
  return int(value);
}

std::optional<double> parse_real(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

std::optional<float> parse_float(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const float value = std::strtof(text.c_str(), &end);
  if (errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

}  // namespace vitopo
