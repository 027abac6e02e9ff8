// Command-line options shared by `vitopo analyze` and `vitopo distance`: the
// attention file, the head, the metric and the distribution options.
#pragma once

#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli/command.hpp"
#include "core/analysis.hpp"
#include "core/analysis_json.hpp"
#include "core/attention.hpp"
#include "core/distributions.hpp"
#include "core/npy.hpp"
#include "core/numbers.hpp"
#include "core/persistence.hpp"
#include "core/quote.hpp"

namespace vitopo::cli {

// A usage error: the command prints it with its usage line and exits with 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

inline int parse_int(const std::string& option, const std::string& text) {
  const std::optional<int> value = vitopo::parse_int(text);
  if (!value) throw UsageError(option + " needs an integer, got " + quote(text));
  return *value;
}

inline double parse_real(const std::string& option, const std::string& text) {
  const std::optional<double> value = vitopo::parse_real(text);
  if (!value) throw UsageError(option + " needs a number, got " + quote(text));
  return *value;
}

struct AttentionOptions {
  std::string input;
  std::string out;
  AnalysisSettings settings;
  bool metric_given = false;
  HeadSelection selection;
  unsigned threads = 0;  // 0: the machine's cores

  // Reads the options; `extra(option, next)` may consume command-specific
  // ones and returns true if it did. Throws UsageError.
  using Extra = std::function<bool(const std::string& option, const std::function<const std::string&()>& value)>;
  void parse(const Args& args, const Extra& extra = {}) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
        return args[++i];
      };
      if (extra && extra(arg, value)) {
        continue;
      } else if (arg == "--metric") {
        try {
          settings.metric = parse_metric(value());
        } catch (const std::invalid_argument& e) {
          throw UsageError(e.what());
        }
        metric_given = true;
      } else if (arg == "--maxdim") {
        settings.maxdim = parse_int(arg, value());
      } else if (arg == "--threshold") {
        settings.threshold = parse_real(arg, value());
      } else if (arg == "--modulus") {
        settings.modulus = parse_int(arg, value());
      } else if (arg == "--layer") {
        selection.layer = parse_int(arg, value());
        if (selection.layer < 0) throw UsageError("--layer must be >= 0");
      } else if (arg == "--head") {
        selection.head = parse_int(arg, value());
        if (selection.head < 0) throw UsageError("--head must be >= 0");
      } else if (arg == "--threads") {
        const int n = parse_int(arg, value());
        if (n < 1) throw UsageError("--threads must be >= 1");
        threads = unsigned(n);
      } else if (arg == "--drop-cls") {
        settings.drop_cls = true;
      } else if (arg == "--columns") {
        settings.columns = true;
      } else if (arg == "--seed-compatible") {
        settings.seed_compatible = true;
      } else if (arg == "--out") {
        out = value();
      } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
        throw UsageError("unknown option " + quote(arg));
      } else if (input.empty()) {
        input = arg;
      } else {
        throw UsageError("more than one input file: " + quote(input) + " and " + quote(arg));
      }
    }
    if (input.empty()) throw UsageError("no attention file given");
    if (settings.seed_compatible && metric_given && settings.metric != Metric::JensenShannon &&
        settings.metric != Metric::SqrtJensenShannon)
      throw UsageError("--seed-compatible uses sqrt of the JS distance; it cannot be combined with --metric " +
                       metric_name(settings.metric));
  }
};

// The opening of `vitopo <command>`: --help (or -h) anywhere prints `usage`
// and stops with 0; otherwise `parse()` reads the arguments, and a UsageError
// it throws is printed with the usage and stops with 2. Returns the exit code
// to stop with, or nothing when the command goes on.
template <class Parse>
std::optional<int> read_command_line(const char* command, const char* usage, const Args& args, Parse&& parse) {
  for (const std::string& arg : args)
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    }
  try {
    parse();
  } catch (const UsageError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n" << usage;
    return 2;
  }
  return std::nullopt;
}

// Runs the body of `vitopo <command>`. An error the input caused (a bad .npy,
// tensor, row, matrix, analysis file or argument) is printed as
// "vitopo <command>: message" and gives exit code 2; the body's own result otherwise.
template <class Body>
int run_reporting_bad_input(const char* command, Body&& body) {
  try {
    return body();
  } catch (const NpyError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const AttentionError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const DistributionError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const PersistenceError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const AnalysisJsonError& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const std::out_of_range& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  } catch (const std::invalid_argument& e) {
    std::cerr << "vitopo " << command << ": " << e.what() << "\n";
  }
  return 2;
}

}  // namespace vitopo::cli
