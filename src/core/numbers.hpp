// Numbers as the command line and the settings take them: one test for a
// prime modulus, and one reader of decimal text for every option.
#pragma once

#include <optional>
#include <string>

namespace vitopo {

bool is_prime(int p);

// The whole of `text` as a number in C's syntax (strtol, base 10; strtod),
// or nothing: empty text, trailing characters, or a value out of range (an
// int's range; a double's, where overflow and underflow both count).
std::optional<int> parse_int(const std::string& text);
std::optional<double> parse_real(const std::string& text);
// The same in single precision (strtof, rounded once), for the options that
// Ripser reads as float.
std::optional<float> parse_float(const std::string& text);

}  // namespace vitopo
