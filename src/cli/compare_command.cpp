// vitopo compare: diagram distances between the heads of one analysis (head
// × head in a layer, layer × layer for a head or pooled) or between the same
// heads of two analyses (two images), printed as vitopo.comparison/1 JSON,
// the page's vitopo.compare() schema.
#include <iostream>
#include <optional>

#include "cli/attention_options.hpp"
#include "core/analysis_json.hpp"
#include "core/comparison.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo compare A.json --by head --layer L [options]\n"
    "       vitopo compare A.json --by layer [--head H] [options]   (no --head: all heads pooled)\n"
    "       vitopo compare A.json B.json [--by image] [options]\n"
    "options: [--dim d] [--kind bottleneck|wasserstein] [--order p] [--threads n]\n"
    "  prints vitopo.comparison/1 JSON: {\"schema\", \"by\", \"dim\", \"distance\", \"order\",\n"
    "  \"labels\" (or \"layers\" and \"heads\" by image), \"matrix\"}, null for +inf\n";

int run(const Args& args) {
  std::vector<std::string> files;
  ComparisonRequest request;
  std::optional<ComparisonBy> by;
  std::optional<int> layer, head;
  unsigned threads = 1;
  const auto parse = [&] {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
        return args[++i];
      };
      auto choice = [&](auto parse_name) {
        try {
          return parse_name(value());
        } catch (const std::invalid_argument& e) {
          throw UsageError(e.what());
        }
      };
      if (arg == "--kind") {
        request.how.kind = choice(parse_diagram_distance);
      } else if (arg == "--by") {
        by = choice(parse_comparison_by);
      } else if (arg == "--order") {
        request.how.order = parse_real(arg, value());
        if (!(request.how.order >= 1)) throw UsageError("--order must be >= 1");
      } else if (arg == "--dim") {
        request.dim = parse_int(arg, value());
        if (request.dim < 0) throw UsageError("--dim must be >= 0");
      } else if (arg == "--layer") {
        layer = parse_int(arg, value());
      } else if (arg == "--head") {
        head = parse_int(arg, value());
      } else if (arg == "--threads") {
        const int n = parse_int(arg, value());
        if (n < 0) throw UsageError("--threads must be >= 0 (0: every core)");
        threads = unsigned(n);
      } else if (!arg.empty() && arg[0] == '-') {
        throw UsageError("unknown option " + quote(arg));
      } else {
        files.push_back(arg);
      }
    }
    request.by = by.value_or(files.size() == 1 ? ComparisonBy::Head : ComparisonBy::Image);
    if (!by && files.size() == 1) throw UsageError("with one analysis file, say --by head or --by layer");
    const std::size_t wanted = request.by == ComparisonBy::Image ? 2 : 1;
    if (files.size() != wanted)
      throw UsageError(request.by == ComparisonBy::Image ? "comparing by image needs exactly two analysis files"
                                                          : "comparing by " + comparison_by_name(request.by) +
                                                                " needs exactly one analysis file");
    if (request.by == ComparisonBy::Head) {
      if (!layer) throw UsageError("--by head needs --layer L");
      if (head) throw UsageError("--head is for --by layer");
      request.layer = *layer;
    } else if (request.by == ComparisonBy::Layer) {
      if (layer) throw UsageError("--layer is for --by head");
      request.head = head.value_or(-1);
      if (request.head < -1 || (head && *head < 0)) throw UsageError("--head must be >= 0");
    } else if (layer || head) {
      throw UsageError("comparing by image takes every head: no --layer or --head");
    }
  };
  if (auto exit = read_command_line("compare", usage, args, parse)) return *exit;
  return run_reporting_bad_input("compare", [&] {
    const Analysis a = read_analysis_json(files[0]);
    std::optional<Analysis> b;
    if (files.size() == 2) b = read_analysis_json(files[1]);
    const Comparison comparison = compare(request, a, b ? &*b : nullptr, threads);
    std::cout << comparison_json(comparison).dump(1) << "\n";
    return 0;
  });
}

const Registration registration{"compare", "diagram distances between heads, layers or two images (analysis JSON files)", run};

}  // namespace
}  // namespace vitopo::cli
