// vitopo compare A.json B.json: diagram distances between the same heads of
// two analyses (two images), printed as JSON.
#include <iostream>

#include "cli/attention_options.hpp"
#include "core/analysis_json.hpp"

namespace vitopo::cli {
namespace {

const char* usage =
    "usage: vitopo compare A.json B.json [--kind bottleneck|wasserstein] [--order p] [--dim d]\n"
    "  prints {\"kind\", \"order\", \"dim\", \"heads\": [{\"layer\", \"head\", \"distance\"}]}, null for +inf\n";

int run(const Args& args) {
  std::vector<std::string> files;
  DiagramDistance how;
  int dim = 1;
  const auto parse = [&] {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
        return args[++i];
      };
      if (arg == "--kind") {
        try {
          how.kind = parse_diagram_distance(value());
        } catch (const std::invalid_argument& e) {
          throw UsageError(e.what());
        }
      } else if (arg == "--order") {
        how.order = parse_real(arg, value());
        if (!(how.order >= 1)) throw UsageError("--order must be >= 1");
      } else if (arg == "--dim") {
        dim = parse_int(arg, value());
        if (dim < 0) throw UsageError("--dim must be >= 0");
      } else if (!arg.empty() && arg[0] == '-') {
        throw UsageError("unknown option " + quote(arg));
      } else {
        files.push_back(arg);
      }
    }
    if (files.size() != 2) throw UsageError("need exactly two analysis files");
  };
  if (auto exit = read_command_line("compare", usage, args, parse)) return *exit;
  return run_reporting_bad_input("compare", [&] {
    const Analysis a = read_analysis_json(files[0]);
    const Analysis b = read_analysis_json(files[1]);
    nlohmann::json heads = nlohmann::json::array();
    for (const HeadDistance& d : same_head(a, b, dim, how))
      heads.push_back({{"layer", d.layer},
                       {"head", d.head},
                       {"distance", std::isinf(d.distance) ? nlohmann::json(nullptr) : nlohmann::json(d.distance)}});
    const nlohmann::json out = {{"kind", diagram_distance_name(how.kind)},
                                {"order", how.order},
                                {"dim", dim},
                                {"heads", std::move(heads)}};
    std::cout << out.dump(1) << "\n";
    return 0;
  });
}

const Registration registration{"compare", "diagram distances between the same heads of two analysis JSON files", run};

}  // namespace
}  // namespace vitopo::cli
